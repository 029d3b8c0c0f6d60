/*
 * natmon.h - acd's [nat64]/[dns64] sections applied and kept true by a
 * thread of their own (see natmon.c): the event loop never waits for jool.
 */
#ifndef ACD_NATMON_H
#define ACD_NATMON_H

#include <stdbool.h>

#include <jansson.h>

#include "nat64.h"


struct natmon;

/* Start keeping cfg (a copy is taken): apply now, check every interval_s.
 * NULL when neither [nat64] nor [dns64] is configured (or on failure,
 * logged). */
struct natmon *natmon_open(const struct nat64_config *cfg, unsigned interval_s);
/* A reload's new sections: applied at once by the thread. */
void natmon_reconfigure(struct natmon *m, const struct nat64_config *cfg, unsigned interval_s);
/* Stop the thread (after a jool call under way); the NAT64 stays running. */
void natmon_close(struct natmon *m);
/* The last check, without running anything: enabled, backend, counters,
 * last error/change, pool4 utilisation; detail adds pool6, versions,
 * per-entry pool4 usage, BIB and session counts.  m may be NULL. */
json_t *natmon_json(struct natmon *m, bool detail);

#endif
