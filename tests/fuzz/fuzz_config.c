/* Fuzz target: acd.conf.  Invariants: never crash; an accepted config
 * prints as text that parses back to the same config; a refused one says
 * why, with at least one message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acd_config a, b;
	static struct acd_config_errors e;
	char *text, *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (size > 16384)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse(NULL, text, &a, &e) == 0) {
		f = open_memstream(&buf, &len);
		if (f) {
			config_print(f, &a);
			fclose(f);
			if (config_parse(NULL, buf, &b, &e) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
				abort();
			free(buf);
		}
	} else if (e.n == 0) {
		abort();
	}
	free(text);
	return 0;
}
