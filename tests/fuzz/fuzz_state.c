/* Fuzz target: acd's state directory read back at start-up: the journal
 * (state_replay: one JSON line per change, user names and RADIUS
 * attributes that sessions chose inside) over a state file (state_load,
 * state_index).  The input is the journal; when it holds a line
 * "#FILE\n", what comes after it is sessions.json.
 * Invariants: never crash; the count applied is at most the lines; every
 * record left in the index is an object named by its own "ifname". */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (n && fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char mark[] = "#FILE\n";
	const uint8_t *file = NULL;
	size_t jlen = size, lines = 0, i;
	json_t *st, *idx, *rec;
	const char *key;
	int n;

	if (!dir[0]) {
		log_init(true, LOG_CRIT);
		snprintf(dir, sizeof(dir), "/tmp/acd-fuzz-state.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	for (i = 0; i + sizeof(mark) - 1 <= size; i++)
		if (memcmp(data + i, mark, sizeof(mark) - 1) == 0) {
			jlen = i;
			file = data + i + sizeof(mark) - 1;
			break;
		}
	put("sessions.journal", data, jlen);
	if (file)
		put("sessions.json", file, size - (size_t)(file - data));
	else {
		char path[128];

		snprintf(path, sizeof(path), "%s/sessions.json", dir);
		unlink(path);
	}
	for (i = 0; i < jlen; i++)
		lines += data[i] == '\n';
	st = state_load(dir);
	idx = state_index(st);
	n = state_replay(dir, st, idx);
	if (n < 0 || (size_t)n > lines)
		abort();
	json_object_foreach(idx, key, rec) {
		if (!json_is_object(rec) ||
		    !json_string_value(json_object_get(rec, "ifname")) ||
		    strcmp(json_string_value(json_object_get(rec, "ifname")), key) != 0)
			abort();
	}
	json_decref(idx);
	json_decref(st);
	return 0;
}
