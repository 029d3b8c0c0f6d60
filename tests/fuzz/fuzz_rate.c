/* Fuzz target: shaper_rate_parse (rates come from configs, RADIUS and
 * operators).  Invariants: never crash, a success is a value within range
 * that formats and parses back to itself, an error always has a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shaper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], err[256], buf[32];
	uint64_t v = 0, back = 0;
	int rc;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	rc = shaper_rate_parse(s, size % 2 ? 1000 : 1, &v, err, sizeof(err));
	if (rc == 0) {
		if (v > SHAPER_RATE_MAX)
			abort();
		shaper_rate_format(v, buf, sizeof(buf));
		if (shaper_rate_parse(buf, 1, &back, err, sizeof(err)) != 0 || back != v)
			abort();
	} else if (err[0] == '\0') {
		abort();
	}
	return 0;
}
