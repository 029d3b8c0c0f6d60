/*
 * rate.c - the one place where rate units are decided.
 *
 * k, M, G, T are exact powers of ten (k = 1000), as RADIUS vendors, tc and
 * the operators' billing systems mean them.  Parsing uses integer
 * arithmetic only, so "1.5G" is exactly 1500000000 and never 1499999999.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errfmt.h"
#include "shaper.h"

static const struct {
	char c;
	uint64_t mult;
} si_units[] = {
	{ 'k', 1000ull },
	{ 'm', 1000000ull },
	{ 'g', 1000000000ull },
	{ 't', 1000000000000ull },
};

/* The suffix after the unit letter may only be "", "bit" or "bit/s". */
static int bit_suffix_ok(const char *p)
{
	return *p == '\0' || strcasecmp(p, "bit") == 0 ||
	       strcasecmp(p, "bit/s") == 0 || strcasecmp(p, "bits") == 0;
}

int shaper_rate_parse(const char *s, uint64_t bare_mult, uint64_t *bps,
		      char *err, size_t errlen)
{
	const char *p = s;
	uint64_t ip = 0, frac = 0, frac_div = 1, mult = bare_mult, v;
	int ndig = 0, nfrac = 0;

	if (!s || !*s) {
		errfmt(err, errlen, "rate \"\": empty (use e.g. 10M, 5120k or 1.5G)");
		return -SHAPER_ESYNTAX;
	}
	if (bare_mult == 0) {
		errfmt(err, errlen, "rate \"%s\": internal error: no unit for bare numbers", s);
		return -SHAPER_EINVAL;
	}
	for (; isdigit((unsigned char)*p); p++, ndig++) {
		if (ip > (UINT64_MAX - 9) / 10)
			goto toobig;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, nfrac++) {
			if (nfrac >= 12) {
				errfmt(err, errlen, "rate \"%s\": too many decimals (at most 12)", s);
				return -SHAPER_ESYNTAX;
			}
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
		}
		if (nfrac == 0) {
			errfmt(err, errlen, "rate \"%s\": no digits after the decimal point", s);
			return -SHAPER_ESYNTAX;
		}
	}
	if (ndig == 0) {
		errfmt(err, errlen, "rate \"%s\": not a number (use e.g. 10M, 5120k or 1.5G)", s);
		return -SHAPER_ESYNTAX;
	}
	if (*p) {
		size_t i;
		bool found = false;

		for (i = 0; i < sizeof(si_units) / sizeof(si_units[0]); i++) {
			if (tolower((unsigned char)*p) == si_units[i].c) {
				mult = si_units[i].mult;
				found = true;
				break;
			}
		}
		if (found && bit_suffix_ok(p + 1)) {
			p = "";
		} else if (strcasecmp(p, "bit") == 0 || strcasecmp(p, "bit/s") == 0 ||
			   strcasecmp(p, "bits") == 0) {
			mult = 1;
			p = "";
		} else if (strchr(p, 'B') || strcasestr(p, "bps")) {
			errfmt(err, errlen,
			       "rate \"%s\": byte units are ambiguous, give bit/s (e.g. 8M for 1 MB/s)", s);
			return -SHAPER_ESYNTAX;
		} else {
			errfmt(err, errlen, "rate \"%s\": unknown unit \"%s\" (use k, M, G or T)", s, p);
			return -SHAPER_ESYNTAX;
		}
	}
	/* v = ip * mult + frac * mult / frac_div, exactly. */
	if (ip > UINT64_MAX / mult)
		goto toobig;
	v = ip * mult;
	if (nfrac) {
		uint64_t f;

		/* frac < 10^12 and mult <= 10^12: split to avoid overflow. */
		if (mult >= frac_div) {
			f = frac * (mult / frac_div);
		} else {
			uint64_t d = frac_div / mult;

			if (frac % d) {
				errfmt(err, errlen, "rate \"%s\": not a whole number of bit/s", s);
				return -SHAPER_ESYNTAX;
			}
			f = frac / d;
		}
		if (v > UINT64_MAX - f)
			goto toobig;
		v += f;
	}
	if (v > SHAPER_RATE_MAX)
		goto toobig;
	*bps = v;
	return 0;
toobig:
	errfmt(err, errlen, "rate \"%s\": too large (at most %" PRIu64 " bit/s)", s,
	       (uint64_t)SHAPER_RATE_MAX);
	return -SHAPER_ERANGE;
}

char *shaper_rate_format(uint64_t bps, char *buf, size_t len)
{
	static const struct {
		uint64_t div;
		char unit;
	} u[] = { { 1000000000000ull, 'T' }, { 1000000000ull, 'G' },
		  { 1000000ull, 'M' }, { 1000ull, 'k' } };
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		uint64_t whole = bps / u[i].div, rest = bps % u[i].div;

		if (whole == 0)
			continue;
		if (rest == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", whole, u[i].unit);
			return buf;
		}
		/* Exact to three decimals, or fall to the next smaller unit. */
		if (u[i].div >= 1000 && rest % (u[i].div / 1000) == 0) {
			uint64_t milli = rest / (u[i].div / 1000);
			char frac[24];
			size_t n;

			snprintf(frac, sizeof(frac), "%03" PRIu64, milli);
			n = strlen(frac);
			while (n > 1 && frac[n - 1] == '0')
				frac[--n] = '\0';
			snprintf(buf, len, "%" PRIu64 ".%s%c", whole, frac, u[i].unit);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64, bps);
	return buf;
}

uint32_t shaper_burst(uint64_t bps, unsigned mtu)
{
	/* bytes in SHAPER_BURST_TIME_US at bps, rounded up */
	uint64_t b = (bps / 8 * SHAPER_BURST_TIME_US + 999999) / 1000000;
	uint64_t floor = (uint64_t)mtu + SHAPER_L2_OVERHEAD;

	if (bps / 8 > UINT64_MAX / SHAPER_BURST_TIME_US)
		b = SHAPER_BURST_MAX;
	if (b < floor)
		b = floor;
	if (b > SHAPER_BURST_MAX)
		b = SHAPER_BURST_MAX;
	return (uint32_t)b;
}

void shaper_ifb_name(const char *ifname, int ifindex, bool fallback, char out[16])
{
	if (!fallback && strlen(ifname) + 4 <= 15)
		snprintf(out, 16, "ifb-%s", ifname);
	else
		snprintf(out, 16, "ifb%d", ifindex);
}

static const char *const qdisc_names[] = { "none", "tbf", "htb", "cake" };
static const char *const leaf_names[] = { "none", "fq_codel", "sfq", "cake" };
static const char *const upmode_names[] = { "police", "ifb" };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *shaper_qdisc_name(enum shaper_qdisc q)
{
	return (unsigned)q < NELEM(qdisc_names) ? qdisc_names[q] : "?";
}

const char *shaper_leaf_name(enum shaper_leaf l)
{
	return (unsigned)l < NELEM(leaf_names) ? leaf_names[l] : "?";
}

const char *shaper_upmode_name(enum shaper_upmode m)
{
	return (unsigned)m < NELEM(upmode_names) ? upmode_names[m] : "?";
}

static int lookup(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -SHAPER_ESYNTAX;
}

int shaper_qdisc_parse(const char *s, enum shaper_qdisc *out)
{
	int i = lookup(s, qdisc_names, NELEM(qdisc_names));

	if (i < 0)
		return i;
	*out = (enum shaper_qdisc)i;
	return 0;
}

int shaper_leaf_parse(const char *s, enum shaper_leaf *out)
{
	int i = lookup(s, leaf_names, NELEM(leaf_names));

	if (i < 0)
		return i;
	*out = (enum shaper_leaf)i;
	return 0;
}

int shaper_upmode_parse(const char *s, enum shaper_upmode *out)
{
	int i = lookup(s, upmode_names, NELEM(upmode_names));

	if (i < 0)
		return i;
	*out = (enum shaper_upmode)i;
	return 0;
}

static int dir_check(const char *name, const struct shaper_dir *d, char *err, size_t errlen)
{
	char r[32];

	if (d->rate == 0)
		return 0;
	if (d->rate < SHAPER_RATE_MIN || d->rate > SHAPER_RATE_MAX) {
		errfmt(err, errlen, "%s rate %s bit/s is out of range (1k to 1T)", name,
		       shaper_rate_format(d->rate, r, sizeof(r)));
		return -SHAPER_ERANGE;
	}
	if (d->burst > SHAPER_BURST_MAX) {
		errfmt(err, errlen, "%s burst %u bytes is out of range (at most %u)", name,
		       d->burst, SHAPER_BURST_MAX);
		return -SHAPER_ERANGE;
	}
	if (d->latency_us > SHAPER_LATENCY_MAX_US) {
		errfmt(err, errlen, "%s latency %u us is out of range (at most 10 s)", name,
		       d->latency_us);
		return -SHAPER_ERANGE;
	}
	if ((unsigned)d->qdisc > SHAPER_QDISC_CAKE || (unsigned)d->leaf > SHAPER_LEAF_CAKE) {
		errfmt(err, errlen, "%s: unknown qdisc or leaf", name);
		return -SHAPER_EINVAL;
	}
	if (d->leaf != SHAPER_LEAF_NONE && d->qdisc != SHAPER_QDISC_HTB) {
		errfmt(err, errlen, "%s: leaf qdisc %s needs qdisc htb (tbf has no leaf)", name,
		       shaper_leaf_name(d->leaf));
		return -SHAPER_EINVAL;
	}
	return 0;
}

int shaper_policy_check(const struct shaper_policy *p, char *err, size_t errlen)
{
	int rc;

	if (!p) {
		errfmt(err, errlen, "no policy");
		return -SHAPER_EINVAL;
	}
	rc = dir_check("download", &p->down, err, errlen);
	if (rc)
		return rc;
	rc = dir_check("upload", &p->up, err, errlen);
	if (rc)
		return rc;
	if ((unsigned)p->upmode > SHAPER_UP_IFB) {
		errfmt(err, errlen, "unknown upload mode %d", (int)p->upmode);
		return -SHAPER_EINVAL;
	}
	if (p->up.rate && p->upmode == SHAPER_UP_POLICE &&
	    (p->up.qdisc == SHAPER_QDISC_HTB || p->up.leaf != SHAPER_LEAF_NONE)) {
		errfmt(err, errlen, "upload qdisc %s needs upload mode ifb (police has no qdisc)",
		       p->up.leaf != SHAPER_LEAF_NONE ? shaper_leaf_name(p->up.leaf) : "htb");
		return -SHAPER_EINVAL;
	}
	return 0;
}

static const char *const err_names[SHAPER_ERR_MAX] = {
	[SHAPER_OK] = "success",
	[SHAPER_EINVAL] = "invalid argument",
	[SHAPER_ERANGE] = "value out of range",
	[SHAPER_ENODEV] = "no such interface",
	[SHAPER_ENOQDISC] = "kernel lacks the qdisc",
	[SHAPER_ENOACTION] = "kernel lacks the tc action",
	[SHAPER_ENOIFB] = "kernel cannot create IFB devices",
	[SHAPER_EBUSY] = "a foreign object is in the way",
	[SHAPER_EKERNEL] = "netlink error",
	[SHAPER_ENOMEM] = "out of memory",
	[SHAPER_EPERM] = "permission denied (needs CAP_NET_ADMIN)",
	[SHAPER_ESYNTAX] = "syntax error",
	[SHAPER_EROLLBACK] = "apply failed and restoring the old state failed too",
};

const char *shaper_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= SHAPER_ERR_MAX || !err_names[err])
		return "unknown error";
	return err_names[err];
}
