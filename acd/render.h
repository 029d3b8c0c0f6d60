/* render.h - text for people from a reply's JSON data (see render.c). */
#ifndef ACD_RENDER_H
#define ACD_RENDER_H

#include <stdio.h>

#include <jansson.h>

/* The text form of command cmd's reply data. */
void render_text(FILE *f, const char *cmd, json_t *data);

#endif
