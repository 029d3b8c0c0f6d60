/*
 * policy.h - from a session's RADIUS attributes to its shaping rates.
 *
 * Rates are bit/s (uint64_t), 0 = unshaped, as in shaper.h.  "down" is
 * the subscriber's download (the interface's egress), "up" the upload.
 *
 * Sources and their exact units (RADIUS conventions; the unit conversion
 * itself is shaper_rate_parse(), the one place units are decided):
 *
 *   POLICY_SRC_RP        RP-Downstream-Speed-Limit (10055/2) -> down,
 *                        RP-Upstream-Speed-Limit (10055/1) -> up;
 *                        integers in kbit/s: 10240 = 10 240 000 bit/s.
 *   POLICY_SRC_MIKROTIK  Mikrotik-Rate-Limit (14988/8), a string
 *                        "rx[/tx] [burst ...]" from the ROUTER's view:
 *                        rx = subscriber UPLOAD, tx = subscriber
 *                        DOWNLOAD; "2M/10M" is up 2 Mbit/s, down 10.
 *                        A single value sets both ("512k").  Suffixes k
 *                        (10^3) and M (10^6); a bare number is bit/s, as
 *                        MikroTik documents it ("All rates should be
 *                        numbers with optional 'k' (1,000s) or 'M'
 *                        (1,000,000s)").  Burst, threshold, time,
 *                        priority and min-rate fields are ignored.
 *   POLICY_SRC_WISPR     WISPr-Bandwidth-Max-Down (14122/8) -> down,
 *                        WISPr-Bandwidth-Max-Up (14122/7) -> up;
 *                        integers in bit/s.
 *   POLICY_SRC_FILTER_ID Filter-Id (11) of the form "down/up", two
 *                        decimal integers in kbit/s (accel-ppp's
 *                        convention): "10240/2048".  A Filter-Id of any
 *                        other form names a filter, not a rate, and is
 *                        ignored without a warning.  The first Filter-Id
 *                        of the rate form counts.
 *
 * Integer attributes are read as radattr.so writes them, with "%d": a
 * negative number is the 32-bit value above 2^31-1 ("-1294967296" is
 * 3000000000).  Of a repeated attribute only the first counts.
 *
 * Precedence is PER DIRECTION: for each direction, the first source in
 * the configured order (default: RP, Mikrotik, WISPr, Filter-Id) that
 * gives a non-zero rate for that direction wins; a direction no source
 * gives takes the default policy's rate for it.  So a reply with only
 * RP-Downstream-Speed-Limit shapes down by it and up by the default, and
 * a reply mixing RP-Downstream with WISPr-Bandwidth-Max-Up uses both.
 * (accel-ppp takes the pair from one source instead; we merge because a
 * RADIUS server that sends one direction in one vendor's attribute and the
 * other in another's means both.)  A zero rate counts as absent: RADIUS
 * cannot unshape a direction that the default shapes.
 *
 * A malformed value of a source in the order ("abc" for an integer, a
 * Mikrotik "10Q/5M", a rate over SHAPER_RATE_MAX or below
 * SHAPER_RATE_MIN) makes the WHOLE result the default policy, both
 * directions, with malformed set and a warning that names the attribute,
 * its line and quotes the value; it is never silently unshaped.
 * Attributes the dictionary did not know (RADATTR_UNKNOWN) are ignored;
 * unresolved ones (parsed without a dictionary) are matched by name.
 */
#ifndef ACD_POLICY_H
#define ACD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radattr.h"

#ifdef __cplusplus
extern "C" {
#endif

enum policy_source {
	POLICY_SRC_DEFAULT = 0, /* the configured default policy */
	POLICY_SRC_RP,
	POLICY_SRC_MIKROTIK,
	POLICY_SRC_WISPR,
	POLICY_SRC_FILTER_ID,
	POLICY_SRC_MAX
};

#define POLICY_ORDER_MAX   (POLICY_SRC_MAX - 1) /* every source at most once */
#define POLICY_WARNING_MAX 512

struct policy_config {
	enum policy_source order[POLICY_ORDER_MAX]; /* precedence, first wins */
	size_t norder;
	uint64_t default_down;  /* bit/s, 0 = unshaped */
	uint64_t default_up;
};

struct policy_result {
	uint64_t down;                   /* bit/s, 0 = unshaped */
	uint64_t up;
	enum policy_source down_src;     /* where each rate came from */
	enum policy_source up_src;
	const char *down_attr;           /* attribute name, or "default" (static) */
	const char *up_attr;
	unsigned down_line;              /* its line in the radattr input, 0 for default */
	unsigned up_line;
	bool malformed;                  /* a bad rate attribute: the default applies */
	char warning[POLICY_WARNING_MAX]; /* "" or one line for the session's log */
};

/* Default order RP, Mikrotik, WISPr, Filter-Id; default policy unshaped. */
void policy_config_init(struct policy_config *c);

/*
 * Parse an order for acd.conf: source names separated by spaces and/or
 * commas, each at most once, e.g. "mikrotik, rp" (sources left out are
 * not consulted).  Names: "rp", "mikrotik", "wispr", "filter-id".
 * Returns 0, or -EINVAL with a message quoting the bad word; c->order is
 * changed only on success.
 */
int policy_order_parse(const char *s, struct policy_config *c, char *err, size_t errlen);

/*
 * Check a configuration: a non-empty order of valid, distinct sources and
 * default rates of 0 or within [SHAPER_RATE_MIN, SHAPER_RATE_MAX].
 * Returns 0 or -EINVAL with a message.
 */
int policy_config_check(const struct policy_config *c, char *err, size_t errlen);

/* "default", "rp", "mikrotik", "wispr", "filter-id"; NULL if out of range. */
const char *policy_source_name(enum policy_source s);

/* The reverse of policy_source_name() (exact, lower case). 0 or -EINVAL. */
int policy_source_parse(const char *s, enum policy_source *out);

/*
 * Compute a session's rates from its attributes (l may be NULL or empty:
 * the default).  c NULL means policy_config_init()'s.  Always fills *r
 * with a usable result and returns 0, even for malformed attributes (see
 * above); -EINVAL only when r is NULL.
 */
int policy_from_attrs(const struct policy_config *c, const struct radattr_list *l,
		      struct policy_result *r);

/*
 * The default policy with a warning, for when there are no attributes to
 * read (radattr_load() failed): why is copied into r->warning, followed
 * by "; using the default policy (...)".  why NULL: no warning.
 */
void policy_default(const struct policy_config *c, const char *why, struct policy_result *r);

/*
 * For people: "down 10M (RP-Downstream-Speed-Limit) up 2M (default)",
 * "unshaped" for a zero rate.  Returns buf.
 */
char *policy_describe(const struct policy_result *r, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ACD_POLICY_H */
