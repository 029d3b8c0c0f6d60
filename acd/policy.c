/*
 * policy.c - RADIUS rate attributes to shaping rates (see policy.h).
 *
 * Every unit conversion goes through shaper_rate_parse(); this file only
 * decides which text is a rate, in which unit and for which direction.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errfmt.h"
#include "policy.h"
#include "shaper.h"

#define VENDOR_RP       10055u
#define VENDOR_MIKROTIK 14988u
#define VENDOR_WISPR    14122u

/* The attributes we read, with their dictionary names and numbers. */
struct attr_id {
	const char *name;
	uint32_t vendor;
	uint32_t number;
};

static const struct attr_id RP_DOWN = { "RP-Downstream-Speed-Limit", VENDOR_RP, 2 };
static const struct attr_id RP_UP = { "RP-Upstream-Speed-Limit", VENDOR_RP, 1 };
static const struct attr_id MT_RATE = { "Mikrotik-Rate-Limit", VENDOR_MIKROTIK, 8 };
static const struct attr_id WISPR_DOWN = { "WISPr-Bandwidth-Max-Down", VENDOR_WISPR, 8 };
static const struct attr_id WISPR_UP = { "WISPr-Bandwidth-Max-Up", VENDOR_WISPR, 7 };
static const struct attr_id FILTER_ID = { "Filter-Id", 0, 11 };

static const char *const source_names[POLICY_SRC_MAX] = {
	[POLICY_SRC_DEFAULT] = "default",
	[POLICY_SRC_RP] = "rp",
	[POLICY_SRC_MIKROTIK] = "mikrotik",
	[POLICY_SRC_WISPR] = "wispr",
	[POLICY_SRC_FILTER_ID] = "filter-id",
};

/* Append to the warning, "; "-separated; silently truncated. */
__attribute__((format(printf, 2, 3)))
static void add_warning(struct policy_result *r, const char *f, ...)
{
	size_t n = strlen(r->warning);
	va_list ap;

	if (n && n + 2 < sizeof(r->warning)) {
		memcpy(r->warning + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= sizeof(r->warning))
		return;
	va_start(ap, f);
	vsnprintf(r->warning + n, sizeof(r->warning) - n, f, ap);
	va_end(ap);
}

void policy_config_init(struct policy_config *c)
{
	memset(c, 0, sizeof(*c));
	c->order[0] = POLICY_SRC_RP;
	c->order[1] = POLICY_SRC_MIKROTIK;
	c->order[2] = POLICY_SRC_WISPR;
	c->order[3] = POLICY_SRC_FILTER_ID;
	c->norder = 4;
}

const char *policy_source_name(enum policy_source s)
{
	if ((int)s < 0 || s >= POLICY_SRC_MAX)
		return NULL;
	return source_names[s];
}

int policy_source_parse(const char *s, enum policy_source *out)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < POLICY_SRC_MAX; i++) {
		if (strcmp(s, source_names[i]) == 0) {
			*out = (enum policy_source)i;
			return 0;
		}
	}
	return -EINVAL;
}

int policy_order_parse(const char *s, struct policy_config *c, char *err, size_t errlen)
{
	enum policy_source order[POLICY_ORDER_MAX];
	size_t n = 0;
	const char *p = s;

	if (!s || !c) {
		errfmt(err, errlen, "policy order: internal error: nothing to parse");
		return -EINVAL;
	}
	for (;;) {
		char word[32];
		size_t len, i;
		enum policy_source src;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t,");
		word[0] = '\0';
		if (len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
		}
		if (policy_source_parse(word, &src) != 0 || src == POLICY_SRC_DEFAULT) {
			errfmt(err, errlen,
			       "policy order \"%s\": unknown source \"%.*s\" (use rp, mikrotik, wispr, filter-id)",
			       s, (int)(len > 40 ? 40 : len), p);
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			if (order[i] == src) {
				errfmt(err, errlen, "policy order \"%s\": \"%s\" is listed twice", s, word);
				return -EINVAL;
			}
		}
		order[n++] = src;
		p += len;
	}
	if (n == 0) {
		errfmt(err, errlen,
		       "policy order \"%s\": no source given (use e.g. \"rp mikrotik wispr filter-id\")", s);
		return -EINVAL;
	}
	memcpy(c->order, order, n * sizeof(order[0]));
	c->norder = n;
	return 0;
}

static int check_default(const char *what, uint64_t v, char *err, size_t errlen)
{
	if (v != 0 && (v < SHAPER_RATE_MIN || v > SHAPER_RATE_MAX)) {
		errfmt(err, errlen, "default %s rate %" PRIu64 " bit/s is out of range "
		       "(0 for unshaped, or %llu..%llu bit/s)", what, v,
		       (unsigned long long)SHAPER_RATE_MIN, (unsigned long long)SHAPER_RATE_MAX);
		return -EINVAL;
	}
	return 0;
}

int policy_config_check(const struct policy_config *c, char *err, size_t errlen)
{
	size_t i, j;

	if (!c) {
		errfmt(err, errlen, "policy: internal error: no configuration");
		return -EINVAL;
	}
	if (c->norder == 0 || c->norder > POLICY_ORDER_MAX) {
		errfmt(err, errlen, "policy order: %zu sources (give 1 to %d)", c->norder,
		       (int)POLICY_ORDER_MAX);
		return -EINVAL;
	}
	for (i = 0; i < c->norder; i++) {
		if (c->order[i] <= POLICY_SRC_DEFAULT || c->order[i] >= POLICY_SRC_MAX) {
			errfmt(err, errlen, "policy order: source %d is not a RADIUS source",
			       (int)c->order[i]);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (c->order[j] == c->order[i]) {
				errfmt(err, errlen, "policy order: \"%s\" is listed twice",
				       source_names[c->order[i]]);
				return -EINVAL;
			}
		}
	}
	if (check_default("down", c->default_down, err, errlen) < 0 ||
	    check_default("up", c->default_up, err, errlen) < 0)
		return -EINVAL;
	return 0;
}

/* ---- attribute lookup ---- */

static bool matches(const struct radattr *a, const struct attr_id *id)
{
	switch (a->state) {
	case RADATTR_KNOWN:
		return a->vendor == id->vendor && a->number == id->number;
	case RADATTR_UNRESOLVED:
		return strcasecmp(a->name, id->name) == 0;
	default:
		return false; /* the dictionary does not know it: not ours */
	}
}

static const struct radattr *first(const struct radattr_list *l, const struct attr_id *id)
{
	size_t i;

	if (!l)
		return NULL;
	for (i = 0; i < l->count; i++)
		if (matches(&l->attrs[i], id))
			return &l->attrs[i];
	return NULL;
}

/* ---- value parsing: text -> bit/s, through shaper_rate_parse() ---- */

/* What one source found: a rate (0 = none) per direction and where. */
struct found {
	uint64_t rate[2];               /* [0] down, [1] up */
	const struct attr_id *attr[2];
	unsigned line[2];
};

enum { DOWN = 0, UP = 1 };

/* Report a bad value: "NAME \"VALUE\" (line N): why".  Both the value and
 * the reason (which may quote part of the value) are escaped: the warning
 * goes to logs as one line. */
static void bad(struct policy_result *r, const struct radattr *a, const char *why)
{
	char q[RADATTR_QUOTE_SIZE], w[256];

	radattr_quote(a->value, a->len, q, sizeof(q));
	radattr_escape(why, strlen(why), w, sizeof(w));
	add_warning(r, "%s \"%s\" (line %u): %s", a->name, q, a->line, w);
	r->malformed = true;
}

/* Text that shaper_rate_parse() may quote raw in its message: printable
 * ASCII without '"' and '\\' (what radattr_quote() would escape).  A
 * part with anything else is no rate anyway, and bad() already quotes the
 * whole value escaped. */
static bool plain(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* shaper_rate_parse() on a part of a value, its message only if plain. */
static int rate_part(struct policy_result *r, const struct radattr *a, const char *part,
		     uint64_t mult, uint64_t *bps)
{
	char perr[160];

	if (!plain(part)) {
		bad(r, a, "not a rate (write e.g. 2M, 512k or 1000000)");
		return -1;
	}
	if (shaper_rate_parse(part, mult, bps, perr, sizeof(perr)) != 0) {
		bad(r, a, perr);
		return -1;
	}
	return 0;
}

/* A parsed rate must be 0 or something the shaper can enforce. */
static int in_range(struct policy_result *r, const struct radattr *a, uint64_t bps)
{
	char why[128];

	if (bps != 0 && bps < SHAPER_RATE_MIN) {
		snprintf(why, sizeof(why), "%" PRIu64 " bit/s is below the shaper's minimum of %llu bit/s",
			 bps, (unsigned long long)SHAPER_RATE_MIN);
		bad(r, a, why);
		return -1;
	}
	return 0;
}

/*
 * A RADIUS integer as radattr.so prints it ("%d" of a uint32_t), in the
 * given unit (1000 for kbit/s, 1 for bit/s).  Returns 0 and sets *bps, or
 * -1 after reporting.
 */
static int int_rate(struct policy_result *r, const struct radattr *a, uint64_t mult,
		    const char *unit, uint64_t *bps)
{
	const char *p = a->value;
	bool neg = false;
	uint64_t v = 0;
	char buf[24], why[RADATTR_QUOTE_SIZE + 192], perr[160], q[RADATTR_QUOTE_SIZE];
	int nd = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, nd++)
		if (v <= UINT32_MAX) /* saturate: anything above is an error below */
			v = v * 10 + (uint64_t)(*p - '0');
	if (nd == 0 || *p) {
		snprintf(why, sizeof(why), "not a whole number of %s", unit);
		bad(r, a, why);
		return -1;
	}
	if (v > (neg ? 0x80000000ull : UINT32_MAX)) {
		bad(r, a, "not a 32-bit RADIUS integer");
		return -1;
	}
	if (neg && v)
		v = 0x100000000ull - v; /* radattr.so printed a uint32 with %d */
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	if (shaper_rate_parse(buf, mult, bps, perr, sizeof(perr)) != 0) {
		/* the value as written: "-5" is what the operator will find in
		 * the RADIUS server's reply, not the 4294967291 it stands for */
		radattr_quote(a->value, a->len, q, sizeof(q));
		if (neg)
			snprintf(why, sizeof(why), "%s %s is out of range (radattr.so writes a 32-bit "
				 "integer above 2147483647 as a negative one; as a rate that is more "
				 "than the shaper's maximum of %llu bit/s)",
				 q, unit, (unsigned long long)SHAPER_RATE_MAX);
		else
			snprintf(why, sizeof(why), "%s %s is more than the shaper's maximum of %llu bit/s",
				 q, unit, (unsigned long long)SHAPER_RATE_MAX);
		bad(r, a, why);
		return -1;
	}
	return in_range(r, a, *bps);
}

static void take(struct found *f, int dir, const struct attr_id *id, const struct radattr *a,
		 uint64_t bps)
{
	if (bps == 0)
		return; /* zero = absent */
	f->rate[dir] = bps;
	f->attr[dir] = id;
	f->line[dir] = a->line;
}

static void src_int_pair(struct policy_result *r, const struct radattr_list *l,
			 const struct attr_id *down, const struct attr_id *up,
			 uint64_t mult, const char *unit, struct found *f)
{
	const struct radattr *a;
	uint64_t bps;

	if ((a = first(l, down)) && int_rate(r, a, mult, unit, &bps) == 0)
		take(f, DOWN, down, a, bps);
	if ((a = first(l, up)) && int_rate(r, a, mult, unit, &bps) == 0)
		take(f, UP, up, a, bps);
}

/* One Mikrotik rate ("2M", "512k", "1000000"): bit/s. */
static int mt_one(struct policy_result *r, const struct radattr *a, const char *s, size_t n,
		  const char *which, uint64_t *bps)
{
	char part[64], why[256];

	if (n == 0) {
		snprintf(why, sizeof(why), "no %s rate (write rx/tx, e.g. 2M/10M)", which);
		bad(r, a, why);
		return -1;
	}
	if (n >= sizeof(part)) {
		snprintf(why, sizeof(why), "%s rate is too long to be a rate", which);
		bad(r, a, why);
		return -1;
	}
	memcpy(part, s, n);
	part[n] = '\0';
	if (rate_part(r, a, part, 1, bps) < 0)
		return -1;
	return in_range(r, a, *bps);
}

static void src_mikrotik(struct policy_result *r, const struct radattr_list *l, struct found *f)
{
	const struct radattr *a = first(l, &MT_RATE);
	const char *s, *slash;
	size_t n, rxlen;
	uint64_t rx, tx;

	if (!a)
		return;
	s = a->value;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, " \t"); /* "rx[/tx]"; bursts etc. follow after a space */
	if (n == 0) {
		bad(r, a, "empty (write rx/tx from the router's view, e.g. 2M/10M)");
		return;
	}
	slash = memchr(s, '/', n);
	if (slash && memchr(slash + 1, '/', n - (size_t)(slash + 1 - s))) {
		bad(r, a, "more than one '/' in the rate (write rx/tx, e.g. 2M/10M)");
		return;
	}
	rxlen = slash ? (size_t)(slash - s) : n;
	if (mt_one(r, a, s, rxlen, "rx (upload)", &rx) < 0)
		return;
	if (slash) {
		if (mt_one(r, a, slash + 1, n - rxlen - 1, "tx (download)", &tx) < 0)
			return;
	} else {
		tx = rx; /* one value: both directions */
	}
	take(f, UP, &MT_RATE, a, rx);   /* router receives = subscriber uploads */
	take(f, DOWN, &MT_RATE, a, tx); /* router transmits = subscriber downloads */
}

/* Filter-Id "down/up", decimal kbit/s; other Filter-Ids are filter names. */
static bool filter_id_is_rate(const char *v)
{
	size_t a = strspn(v, "0123456789"), b;

	if (a == 0 || v[a] != '/')
		return false;
	b = strspn(v + a + 1, "0123456789");
	return b > 0 && v[a + 1 + b] == '\0';
}

static void src_filter_id(struct policy_result *r, const struct radattr_list *l, struct found *f)
{
	const struct radattr *a = NULL;
	char part[64];
	uint64_t bps[2];
	size_t i, n;
	const char *s;
	int dir;

	for (i = 0; l && i < l->count; i++) {
		if (matches(&l->attrs[i], &FILTER_ID) && filter_id_is_rate(l->attrs[i].value)) {
			a = &l->attrs[i];
			break;
		}
	}
	if (!a)
		return;
	s = a->value;
	for (dir = DOWN; dir <= UP; dir++) {
		n = strcspn(s, "/");
		if (n >= sizeof(part)) {
			bad(r, a, "number too long to be a rate in kbit/s");
			return;
		}
		memcpy(part, s, n);
		part[n] = '\0';
		if (rate_part(r, a, part, 1000, &bps[dir]) < 0)
			return;
		if (in_range(r, a, bps[dir]) < 0)
			return;
		s += n + 1;
	}
	take(f, DOWN, &FILTER_ID, a, bps[DOWN]);
	take(f, UP, &FILTER_ID, a, bps[UP]);
}

/* ---- the result ---- */

static void set_default(const struct policy_config *c, struct policy_result *r, int dir)
{
	if (dir == DOWN) {
		r->down = c->default_down;
		r->down_src = POLICY_SRC_DEFAULT;
		r->down_attr = "default";
		r->down_line = 0;
	} else {
		r->up = c->default_up;
		r->up_src = POLICY_SRC_DEFAULT;
		r->up_attr = "default";
		r->up_line = 0;
	}
}

/* End the warning with what was done; the reasons before it are cut
 * (with "...") rather than this. */
static void note_default(const struct policy_config *c, struct policy_result *r)
{
	char d[32], u[32], tail[128];
	size_t n = strlen(r->warning), t;

	if (c->default_down == 0 && c->default_up == 0)
		snprintf(tail, sizeof(tail), "using the default policy (unshaped)");
	else
		snprintf(tail, sizeof(tail), "using the default policy (down %s up %s)",
			 c->default_down ? shaper_rate_format(c->default_down, d, sizeof(d)) : "unshaped",
			 c->default_up ? shaper_rate_format(c->default_up, u, sizeof(u)) : "unshaped");
	t = strlen(tail);
	if (n && n + 2 + t >= sizeof(r->warning)) {
		n = sizeof(r->warning) - 2 - t - 4;
		memcpy(r->warning + n, "...", 4);
	}
	add_warning(r, "%s", tail);
}

void policy_default(const struct policy_config *c, const char *why, struct policy_result *r)
{
	struct policy_config dc;

	if (!r)
		return;
	if (!c) {
		policy_config_init(&dc);
		c = &dc;
	}
	memset(r, 0, sizeof(*r));
	set_default(c, r, DOWN);
	set_default(c, r, UP);
	if (why) {
		add_warning(r, "%s", why);
		note_default(c, r);
	}
}

int policy_from_attrs(const struct policy_config *c, const struct radattr_list *l,
		      struct policy_result *r)
{
	struct found f[POLICY_ORDER_MAX];
	struct policy_config dc;
	size_t i, n;
	int dir;

	if (!r)
		return -EINVAL;
	if (!c) {
		policy_config_init(&dc);
		c = &dc;
	}
	memset(r, 0, sizeof(*r));
	memset(f, 0, sizeof(f));
	n = c->norder > POLICY_ORDER_MAX ? POLICY_ORDER_MAX : c->norder;
	for (i = 0; i < n; i++) {
		switch (c->order[i]) {
		case POLICY_SRC_RP:
			src_int_pair(r, l, &RP_DOWN, &RP_UP, 1000, "kbit/s", &f[i]);
			break;
		case POLICY_SRC_MIKROTIK:
			src_mikrotik(r, l, &f[i]);
			break;
		case POLICY_SRC_WISPR:
			src_int_pair(r, l, &WISPR_DOWN, &WISPR_UP, 1, "bit/s", &f[i]);
			break;
		case POLICY_SRC_FILTER_ID:
			src_filter_id(r, l, &f[i]);
			break;
		default:
			break;
		}
	}
	set_default(c, r, DOWN);
	set_default(c, r, UP);
	if (r->malformed) {
		note_default(c, r);
		return 0;
	}
	for (dir = DOWN; dir <= UP; dir++) {
		for (i = 0; i < n; i++) {
			if (!f[i].rate[dir])
				continue;
			if (dir == DOWN) {
				r->down = f[i].rate[dir];
				r->down_src = c->order[i];
				r->down_attr = f[i].attr[dir]->name;
				r->down_line = f[i].line[dir];
			} else {
				r->up = f[i].rate[dir];
				r->up_src = c->order[i];
				r->up_attr = f[i].attr[dir]->name;
				r->up_line = f[i].line[dir];
			}
			break;
		}
	}
	return 0;
}

char *policy_describe(const struct policy_result *r, char *buf, size_t len)
{
	char d[32], u[32];

	if (!buf || !len)
		return buf;
	if (!r) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len, "down %s (%s) up %s (%s)",
		 r->down ? shaper_rate_format(r->down, d, sizeof(d)) : "unshaped",
		 r->down_attr ? r->down_attr : "default",
		 r->up ? shaper_rate_format(r->up, u, sizeof(u)) : "unshaped",
		 r->up_attr ? r->up_attr : "default");
	return buf;
}
