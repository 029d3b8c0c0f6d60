/*
 * sessfx.h - the session core's real effects (sessfx.c), with a struct
 * acd as their ctx: sessions_init(&a->sess, ..., &sessfx, a).
 */
#ifndef ACD_SESSFX_H
#define ACD_SESSFX_H

#include "session.h"

extern const struct session_fx sessfx;

#endif
