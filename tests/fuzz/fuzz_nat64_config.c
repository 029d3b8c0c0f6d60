/* Fuzz target: nat64ctl's [nat64]/[dns64] config.  Invariants: never
 * crash; an accepted config prints as text that parses back and prints the
 * same; every render of an accepted config is produced; a refused one says
 * why, with at least one message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print(const struct nat64_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	nat64_config_print(f, c);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nat64_config a, b;
	static struct nat64_errors e;
	char *text, *p1, *p2, *r;

	if (size > 16384)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (nat64_config_parse(NULL, text, false, &a, &e) == 0) {
		p1 = print(&a);
		if (nat64_config_parse(NULL, p1, false, &b, &e) != 0)
			abort();
		p2 = print(&b);
		if (strcmp(p1, p2) != 0)
			abort();
		free(p1);
		free(p2);
		if (a.nat64_present) {
			free(r = nat64_jool_json(&a));
			if (!r)
				abort();
			free(nat64_pref64_radvd(&a));
			if (a.backend == NAT64_BACKEND_TAYGA)
				free(nat64_tayga_conf(&a));
		}
		if (a.dns64_present) {
			free(nat64_dns64_bind(&a));
			free(nat64_dns64_unbound(&a));
		}
	} else if (e.n == 0) {
		abort();
	}
	free(text);
	return 0;
}
