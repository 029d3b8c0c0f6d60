/* Fuzz target: radattr_parse + policy_from_attrs (radattr.pppN files come
 * from pppd, which copies them from the RADIUS server's reply).
 * Invariants: never crash; a success respects every documented limit;
 * every value re-escaped with radattr_escape() parses back to itself; an
 * error always has a message naming the input; the policy always gives
 * rates the shaper accepts, and a malformed one is exactly the default
 * with a one-line warning.
 * Half the inputs are resolved against a small in-memory dictionary
 * (rc_read_dictionary_from_buffer: no file I/O), half without one. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "radattr.h"
#include "shaper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char dict_text[] =
	"ATTRIBUTE User-Name 1 string\n"
	"ATTRIBUTE Framed-IP-Address 8 ipaddr\n"
	"ATTRIBUTE Filter-Id 11 string\n"
	"ATTRIBUTE Class 25 string\n"
	"VENDOR RoaringPenguin 10055\n"
	"ATTRIBUTE RP-Upstream-Speed-Limit 1 integer RoaringPenguin\n"
	"ATTRIBUTE RP-Downstream-Speed-Limit 2 integer RoaringPenguin\n"
	"VENDOR Mikrotik 14988\n"
	"ATTRIBUTE Mikrotik-Rate-Limit 8 string Mikrotik\n"
	"VENDOR WISPr 14122\n"
	"ATTRIBUTE WISPr-Bandwidth-Max-Up 7 integer WISPr\n"
	"ATTRIBUTE WISPr-Bandwidth-Max-Down 8 integer WISPr\n";

static rc_handle *dict(void)
{
	static rc_handle *rh;
	static int tried;

	if (!tried) {
		tried = 1;
		rh = rc_new();
		if (rh && rc_read_dictionary_from_buffer(rh, dict_text, sizeof(dict_text) - 1) != 0)
			abort();
	}
	return rh;
}

static void check_rate(uint64_t v)
{
	if (v != 0 && (v < SHAPER_RATE_MIN || v > SHAPER_RATE_MAX))
		abort();
}

static void check_policy(const struct radattr_list *l, uint64_t dd, uint64_t du)
{
	struct policy_config c;
	struct policy_result r;

	policy_config_init(&c);
	c.default_down = dd;
	c.default_up = du;
	if (policy_from_attrs(&c, l, &r) != 0)
		abort();
	check_rate(r.down);
	check_rate(r.up);
	if (!r.down_attr || !r.up_attr || strlen(r.warning) >= sizeof(r.warning))
		abort();
	if (strchr(r.warning, '\n') || strchr(r.warning, '\r'))
		abort();
	if (r.malformed) {
		if (r.down != dd || r.up != du || r.down_src != POLICY_SRC_DEFAULT ||
		    r.up_src != POLICY_SRC_DEFAULT || !r.warning[0])
			abort();
	} else if (r.warning[0]) {
		abort();
	}
	if ((r.down_src == POLICY_SRC_DEFAULT && r.down != dd) ||
	    (r.up_src == POLICY_SRC_DEFAULT && r.up != du))
		abort();
	if ((r.down_src != POLICY_SRC_DEFAULT && r.down == 0) ||
	    (r.up_src != POLICY_SRC_DEFAULT && r.up == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct radattr_list l = { 0 }, back;
	const rc_handle *rh = (size & 1) ? dict() : NULL;
	char err[512];
	size_t i;
	int rc;

	err[0] = '\0';
	rc = radattr_parse((const char *)data, size, rh, "fuzz", &l, err, sizeof(err));
	if (rc != 0) {
		if (rc != -EBADMSG && rc != -E2BIG && rc != -EFBIG && rc != -ENOMEM)
			abort();
		if (strncmp(err, "fuzz", 4) != 0 || l.count || l.attrs)
			abort();
		return 0;
	}
	if (l.count > RADATTR_MAX_LINES)
		abort();
	for (i = 0; i < l.count; i++) {
		const struct radattr *a = &l.attrs[i];
		char line[RADATTR_NAME_MAX + 2 + 4 * RADATTR_VALUE_MAX + 8];
		size_t n = strlen(a->name);

		if (n == 0 || n > RADATTR_NAME_MAX || strchr(a->name, ' ') ||
		    a->len != strlen(a->value) || a->len > RADATTR_VALUE_MAX)
			abort();
		if (i && a->line <= l.attrs[i - 1].line)
			abort();
		if (!rh && a->state != RADATTR_UNRESOLVED)
			abort();
		if (rh && a->state == RADATTR_KNOWN && a->type < 0)
			abort();
		/* escape + parse gives the value back */
		memcpy(line, a->name, n);
		line[n] = ' ';
		n += 1 + radattr_escape(a->value, a->len, line + n + 1, sizeof(line) - n - 1);
		if (n - strlen(a->name) - 1 <= RADATTR_VALUE_MAX) {
			if (radattr_parse(line, n, NULL, "again", &back, err, sizeof(err)) != 0)
				abort();
			if (back.count != 1 || back.attrs[0].len != a->len ||
			    memcmp(back.attrs[0].value, a->value, a->len) != 0)
				abort();
			radattr_free(&back);
		}
	}
	check_policy(&l, 0, 0);
	check_policy(&l, 10000000, 2000000);
	radattr_free(&l);
	return 0;
}
