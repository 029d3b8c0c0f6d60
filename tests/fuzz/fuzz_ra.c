/* Fuzz target: ra_msg (Router Solicitations off a raw ICMPv6 socket, and
 * the Router Advertisements acd builds from its config).
 *
 * The input's first byte is the socket's ancillary data: bit 0 says the
 * source was ::, bit 1 a hop limit of 256 - (byte >> 2) (193 to 256, the
 * ones next to 255 on both sides) instead of 255.
 * The rest is the ICMPv6 message.  Its verdict must be the one a model
 * written here from RFC 4861 §6.1.1 gives, with a name; a kept SLLA lies
 * inside the message and is the first source link-layer option's value;
 * a dropped message leaves *rs zero.
 *
 * The same bytes, read as fields, make an ra_info (counts up to one past
 * the maxima, any prefix length, domains from host name characters with
 * now and then any byte, PREF64 lengths mostly codable) and a buffer
 * size.  ra_build() must give -EINVAL exactly when the model here finds
 * the info invalid, whatever the buffer; else the length the model
 * computes, a multiple of 8 that fits RA_MSG_MAX and a 1280-byte link,
 * or -ENOSPC exactly when the buffer is shorter.  It writes nothing on an
 * error and nothing past the RA.  The RA parses back: its header holds
 * the info's fields, every option has a length > 0 inside the message,
 * and each option, in the documented order, holds what the info says
 * (host bits zero, DNSSL names decoding back to the text, zero padding
 * under 8 bytes, PREF64's lifetime rounded up to 8 s and capped). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ra_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- Router Solicitations ---- */

static enum ra_drop rs_model(const uint8_t *m, size_t n, int hoplimit, bool unspec)
{
	bool slla = false;
	size_t off;

	if (n < 8)
		return RA_DROP_SHORT;
	if (m[0] != 133)
		return RA_DROP_TYPE;
	if (m[1] != 0)
		return RA_DROP_CODE;
	if (hoplimit != 255)
		return RA_DROP_HOPLIMIT;
	for (off = 8; off != n; off += 8u * m[off + 1]) {
		if (off + 2 > n || m[off + 1] == 0 || off + 8u * m[off + 1] > n)
			return RA_DROP_OPTION;
		slla |= m[off] == 1;
	}
	return slla && unspec ? RA_DROP_SLLA_UNSPEC : RA_OK;
}

/* the first source link-layer option's offset, or 0 */
static size_t first_slla(const uint8_t *m, size_t n)
{
	size_t off;

	for (off = 8; off < n; off += 8u * m[off + 1])
		if (m[off] == 1)
			return off;
	return 0;
}

static void check_rs(const uint8_t *m, size_t n, int hoplimit, bool unspec)
{
	struct ra_rs rs;
	enum ra_drop d = ra_parse_rs(m, n, hoplimit, unspec, &rs);
	const char *name = ra_drop_name(d);
	size_t s;

	if ((unsigned)d >= RA_DROP_MAX || !name || strcmp(name, "unknown") == 0 ||
	    d != rs_model(m, n, hoplimit, unspec))
		abort();
	if (d != RA_OK) {
		if (rs.slla || rs.slla_len)
			abort();
		return;
	}
	s = first_slla(m, n);
	if (!s) {
		if (rs.slla || rs.slla_len)
			abort();
		return;
	}
	if (unspec || rs.slla != m + s + 2 || rs.slla_len != 8u * m[s + 1] - 2 ||
	    rs.slla_len > n - s - 2)
		abort();
}

/* ---- Router Advertisements ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

/* the next byte; zeros once the input is spent */
static uint8_t u8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint32_t u32(struct rd *r)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | u8(r);
	return v;
}

static struct in6_addr addr(struct rd *r)
{
	struct in6_addr a;
	int i;

	for (i = 0; i < 16; i++)
		a.s6_addr[i] = u8(r);
	return a;
}

static void domain(struct rd *r, char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCXYZ0129--..";
	size_t len = u8(r), i;

	if (len > RA_DOMAIN_MAX + 1)
		len = RA_DOMAIN_MAX + 1; /* all of the array: no NUL */
	for (i = 0; i < len; i++) {
		uint8_t b = u8(r);

		s[i] = b < 0xf0 ? ok[b % (sizeof(ok) - 1)] : (char)(b == 0xff ? u8(r) : "_ \x80"[b % 3]);
	}
	if (len <= RA_DOMAIN_MAX)
		s[len] = '\0';
}

static void read_info(struct rd *r, struct ra_info *ri, size_t *buflen)
{
	static const uint8_t pref64_lens[] = { 96, 64, 56, 48, 40, 32 };
	uint8_t f = u8(r), b;
	unsigned i;

	memset(ri, 0, sizeof(*ri));
	ri->managed = f & 1;
	ri->other = f & 2;
	ri->pref64 = f & 4;
	ri->cur_hop_limit = u8(r);
	b = u8(r);
	ri->router_lifetime = (uint16_t)(b << 8 | u8(r));
	ri->reachable_ms = u32(r);
	ri->retrans_ms = u32(r);
	if (f & 8)
		ri->mtu = f & 16 ? u32(r) : 1280u + u8(r) * 8u;
	ri->nprefix = u8(r) % (RA_PREFIX_MAX + 2);
	for (i = 0; i < ri->nprefix && i < RA_PREFIX_MAX; i++) {
		struct ra_prefix *p = &ri->prefix[i];

		p->prefix = addr(r);
		b = u8(r);
		p->len = b < 0x80 ? 64 : (uint8_t)(b - 0x80 + 8 * (b & 1));
		b = u8(r);
		p->on_link = b & 1;
		p->autonomous = b & 2;
		p->valid = u32(r);
		p->preferred = b & 4 ? u32(r) : p->valid >> (b >> 5);
	}
	ri->ndns = u8(r) % (RA_DNS_MAX + 2);
	for (i = 0; i < ri->ndns && i < RA_DNS_MAX; i++)
		ri->dns[i] = addr(r);
	ri->dns_lifetime = u32(r);
	ri->nsearch = u8(r) % (RA_SEARCH_MAX + 2);
	for (i = 0; i < ri->nsearch && i < RA_SEARCH_MAX; i++)
		domain(r, ri->search[i]);
	if (ri->pref64) {
		ri->pref64_prefix = addr(r);
		b = u8(r);
		ri->pref64_len = b < 0xc0 ? pref64_lens[b % 6] : b;
		ri->pref64_lifetime = u32(r);
	}
	b = u8(r);
	*buflen = b < 0x80 ? RA_MSG_MAX : (size_t)(b & 0x7f) * 10;
}

/* RFC 1035 §3.1 and RFC 1123 §2.1, as the header promises: the wire
 * length, or 0 when s is no host name's domain */
static size_t domain_model(const char *s)
{
	size_t n = 0, label = 0, i;

	for (i = 0; i < RA_DOMAIN_MAX + 1 && s[i]; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
		n++;
	}
	if (i == RA_DOMAIN_MAX + 1 || label == 0 || s[i - 1] == '-')
		return 0;
	return n + 2;
}

static int plc_model(uint8_t len)
{
	static const uint8_t lens[] = { 96, 64, 56, 48, 40, 32 };
	int i;

	for (i = 0; i < 6; i++)
		if (lens[i] == len)
			return i;
	return -1;
}

/* the RA's length, or 0: not valid */
static size_t ra_model(const struct ra_info *ri)
{
	size_t n = 16, dnssl = 8;
	unsigned i;

	if (ri->nprefix > RA_PREFIX_MAX || ri->ndns > RA_DNS_MAX || ri->nsearch > RA_SEARCH_MAX)
		return 0;
	for (i = 0; i < ri->nprefix; i++) {
		if (ri->prefix[i].len > 128 || ri->prefix[i].preferred > ri->prefix[i].valid)
			return 0;
		n += 32;
	}
	if (ri->mtu) {
		if (ri->mtu < 1280)
			return 0;
		n += 8;
	}
	if (ri->ndns)
		n += 8 + 16 * ri->ndns;
	for (i = 0; i < ri->nsearch; i++) {
		size_t w = domain_model(ri->search[i]);

		if (!w)
			return 0;
		dnssl += w;
	}
	if (ri->nsearch)
		n += (dnssl + 7) & ~(size_t)7;
	if (ri->pref64) {
		if (plc_model(ri->pref64_len) < 0)
			return 0;
		n += 16;
	}
	return n;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* the first bits bytes of a are p's; those after, up to n bytes, zero */
static void check_prefix(const uint8_t *p, const struct in6_addr *a, unsigned bits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * (unsigned)i : 0;
		uint8_t mask = (uint8_t)(0xff00 >> keep);

		if (p[i] != (a->s6_addr[i] & mask))
			abort();
	}
}

static void check_dnssl(const uint8_t *o, size_t olen, const struct ra_info *ri)
{
	size_t off = 8;
	unsigned i;

	if (get32(o + 4) != ri->dns_lifetime || o[2] || o[3])
		abort();
	for (i = 0; i < ri->nsearch; i++) {
		const char *s = ri->search[i];

		/* labels, each s's text up to a dot, then the root */
		for (;;) {
			size_t l = strcspn(s, ".");

			if (off >= olen || o[off] != l || l > 63 || l > olen - off - 1 ||
			    memcmp(o + off + 1, s, l) != 0)
				abort();
			off += 1 + l;
			if (!l)
				break;
			s += l + (s[l] == '.');
		}
	}
	if (olen - off >= 8)
		abort();
	for (; off < olen; off++)
		if (o[off])
			abort();
}

static void check_ra(const uint8_t *m, size_t n, const struct ra_info *ri)
{
	static const uint8_t order[] = { 3, 5, 25, 31, 38 };
	unsigned nprefix = 0, k = 0, seen = 0;
	size_t off;

	if (m[0] != 134 || m[1] || m[2] || m[3] || m[4] != ri->cur_hop_limit ||
	    m[5] != ((ri->managed ? 0x80 : 0) | (ri->other ? 0x40 : 0)) ||
	    (m[6] << 8 | m[7]) != ri->router_lifetime || get32(m + 8) != ri->reachable_ms ||
	    get32(m + 12) != ri->retrans_ms)
		abort();
	for (off = 16; off < n; off += 8u * m[off + 1]) {
		const uint8_t *o = m + off;
		size_t olen;

		if (n - off < 2 || o[1] == 0 || 8u * o[1] > n - off)
			abort();
		olen = 8u * o[1];
		/* in the documented order, each but Prefix Information once */
		while (k < sizeof(order) && order[k] != o[0])
			k++;
		if (k == sizeof(order) || (o[0] != 3 && (seen & 1u << k)))
			abort();
		seen |= 1u << k;
		switch (o[0]) {
		case 3: {
			const struct ra_prefix *p = &ri->prefix[nprefix];

			if (nprefix++ >= ri->nprefix || olen != 32 || o[2] != p->len ||
			    o[3] != ((p->on_link ? 0x80 : 0) | (p->autonomous ? 0x40 : 0)) ||
			    get32(o + 4) != p->valid || get32(o + 8) != p->preferred || get32(o + 12))
				abort();
			check_prefix(o + 16, &p->prefix, p->len, 16);
			break;
		}
		case 5:
			if (!ri->mtu || olen != 8 || o[2] || o[3] || get32(o + 4) != ri->mtu)
				abort();
			break;
		case 25:
			if (!ri->ndns || olen != 8 + 16u * ri->ndns || o[2] || o[3] ||
			    get32(o + 4) != ri->dns_lifetime ||
			    memcmp(o + 8, ri->dns, 16u * ri->ndns) != 0)
				abort();
			break;
		case 31:
			if (!ri->nsearch)
				abort();
			check_dnssl(o, olen, ri);
			break;
		case 38: {
			uint32_t l = ri->pref64_lifetime;
			unsigned scaled = (unsigned)(o[2] << 8 | o[3]) >> 3;

			if (!ri->pref64 || olen != 16 || (o[3] & 7) != plc_model(ri->pref64_len) ||
			    scaled != ra_pref64_scaled(l) || scaled > 8191 || (scaled == 0) != (l == 0) ||
			    (l < RA_PREF64_LIFETIME_MAX ? scaled * 8u < l || scaled * 8u >= l + 8u
							: scaled != 8191))
				abort();
			check_prefix(o + 4, &ri->pref64_prefix, ri->pref64_len, 12);
			break;
		}
		}
	}
	if (off != n || nprefix != ri->nprefix || !!(seen & 2) != !!ri->mtu ||
	    !!(seen & 4) != !!ri->ndns || !!(seen & 8) != !!ri->nsearch ||
	    !!(seen & 16) != ri->pref64)
		abort();
}

static bool untouched(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0xa5)
			return false;
	return true;
}

static void check_build(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };
	struct ra_info ri;
	uint8_t buf[RA_MSG_MAX + 64], full[RA_MSG_MAX];
	size_t buflen, want;
	int rc, n;

	read_info(&r, &ri, &buflen);
	want = ra_model(&ri);
	memset(buf, 0xa5, sizeof(buf));
	rc = ra_build(&ri, buf, buflen);
	n = ra_build(&ri, full, sizeof(full));
	if (!want) {
		if (rc != -EINVAL || n != -EINVAL || !untouched(buf, sizeof(buf)))
			abort();
		return;
	}
	if (n < 0 || (size_t)n != want || n % 8 || n > RA_MSG_MAX || n + 40 > 1280)
		abort();
	if ((size_t)n > buflen) {
		if (rc != -ENOSPC || !untouched(buf, sizeof(buf)))
			abort();
	} else if (rc != n || memcmp(buf, full, (size_t)n) != 0 ||
		   !untouched(buf + n, sizeof(buf) - (size_t)n)) {
		abort();
	}
	check_ra(full, (size_t)n, &ri);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t c;

	if (size < 1)
		return 0;
	c = data[0];
	check_rs(data + 1, size - 1, c & 2 ? 256 - (c >> 2) : 255, c & 1);
	check_build(data + 1, size - 1);
	return 0;
}
