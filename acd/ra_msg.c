/*
 * ra_msg.c - Router Advertisements built, Router Solicitations checked
 * (see ra_msg.h).  No I/O, no allocation: info and the solicitation are
 * the only memory read, the caller's buffer the only memory written.
 */
#include <errno.h>
#include <string.h>

#include "ra_msg.h"

#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define RS_HLEN 8
#define RA_HLEN 16

/* option types and sizes (RFC 4861 §4.6, RFC 8106 §5, RFC 8781 §4) */
#define OPT_SLLA 1
#define OPT_PREFIX 3
#define OPT_MTU 5
#define OPT_RDNSS 25
#define OPT_DNSSL 31
#define OPT_PREF64 38
#define PREFIX_OPT_LEN 32
#define MTU_OPT_LEN 8
#define PREF64_OPT_LEN 16
#define DOMAIN_WIRE_MAX 255 /* RFC 1035 §2.3.4 */
#define LABEL_MAX 63
#define IPV6_MIN_MTU 1280

/* The largest RA: every option at its maximum (each domain 255 wire bytes,
 * the DNSSL padded).  It must fit RA_MSG_MAX and, with the 40-byte IPv6
 * header, the 1280 bytes every IPv6 link carries. */
#define RA_LARGEST                                                                                 \
	(RA_HLEN + RA_PREFIX_MAX * PREFIX_OPT_LEN + MTU_OPT_LEN + 8 + RA_DNS_MAX * 16 +            \
	 (8 + RA_SEARCH_MAX * DOMAIN_WIRE_MAX + 7) / 8 * 8 + PREF64_OPT_LEN)
_Static_assert(RA_LARGEST <= RA_MSG_MAX && RA_LARGEST + 40 <= IPV6_MIN_MTU,
	       "the largest RA must fit RA_MSG_MAX and a 1280-byte link");
_Static_assert(RA_DOMAIN_MAX + 2 == DOMAIN_WIRE_MAX, "a domain's text is its wire form less 2");

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int ra_pref64_plc(uint8_t len)
{
	switch (len) {
	case 96:
		return 0;
	case 64:
		return 1;
	case 56:
		return 2;
	case 48:
		return 3;
	case 40:
		return 4;
	case 32:
		return 5;
	default:
		return -1;
	}
}

uint16_t ra_pref64_scaled(uint32_t seconds)
{
	/* compared before rounding: seconds + 7 would wrap near UINT32_MAX */
	if (seconds >= RA_PREF64_LIFETIME_MAX)
		return RA_PREF64_LIFETIME_MAX / 8;
	return (uint16_t)((seconds + 7) / 8);
}

static bool ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/*
 * The wire length of domain name s (RFC 1035 §3.1: labels of 1..63 bytes,
 * each after its length byte, then the root's 0), or -EINVAL when s is
 * not a host name's domain (RFC 1123 §2.1: letters, digits and hyphens,
 * no label starting or ending with a hyphen, no empty label, no final
 * dot) or is not NUL-terminated within RA_DOMAIN_MAX + 1 bytes.
 */
static int domain_wire_len(const char *s)
{
	size_t n = strnlen(s, RA_DOMAIN_MAX + 1), i, start = 0;

	if (n == 0 || n > RA_DOMAIN_MAX)
		return -EINVAL;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!ldh(s[i]))
				return -EINVAL;
			continue;
		}
		/* a label is s[start .. i) */
		if (i == start || i - start > LABEL_MAX || s[start] == '-' || s[i - 1] == '-')
			return -EINVAL;
		start = i + 1;
	}
	return (int)n + 2;
}

/* s, checked by domain_wire_len(), as labels at p: the bytes written */
static size_t domain_put(uint8_t *p, const char *s)
{
	size_t off = 0;

	while (*s) {
		size_t l = strcspn(s, ".");

		p[off] = (uint8_t)l;
		memcpy(p + off + 1, s, l);
		off += 1 + l;
		s += l;
		if (*s == '.')
			s++;
	}
	p[off++] = 0;
	return off;
}

/* the host bits of a past len zeroed (RFC 4861 §4.6.2: sent as zero) */
static struct in6_addr prefix_masked(const struct in6_addr *a, unsigned len)
{
	struct in6_addr m = *a;
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (len >= 8 * (i + 1))
			continue;
		m.s6_addr[i] &= len > 8 * i ? (uint8_t)(0xff00 >> (len - 8 * i)) : 0;
	}
	return m;
}

/* the DNSSL option's length for info, 0 when it has no domain, or -EINVAL */
static int dnssl_len(const struct ra_info *info)
{
	size_t n = 8;
	unsigned i;

	if (info->nsearch == 0)
		return 0;
	for (i = 0; i < info->nsearch; i++) {
		int w = domain_wire_len(info->search[i]);

		if (w < 0)
			return w;
		n += (size_t)w;
	}
	return (int)((n + 7) / 8 * 8);
}

/* info's RA length, or -EINVAL: every check before a byte is written */
static int ra_len(const struct ra_info *info)
{
	size_t n = RA_HLEN;
	unsigned i;
	int d;

	if (info->nprefix > RA_PREFIX_MAX || info->ndns > RA_DNS_MAX ||
	    info->nsearch > RA_SEARCH_MAX)
		return -EINVAL;
	for (i = 0; i < info->nprefix; i++) {
		const struct ra_prefix *p = &info->prefix[i];

		/* RFC 4862 §5.5.3 c): a host ignores such a prefix */
		if (p->len > 128 || p->preferred > p->valid)
			return -EINVAL;
		n += PREFIX_OPT_LEN;
	}
	if (info->mtu) {
		/* RFC 4861 §6.3.4: a host ignores an MTU under the minimum */
		if (info->mtu < IPV6_MIN_MTU)
			return -EINVAL;
		n += MTU_OPT_LEN;
	}
	if (info->ndns)
		n += 8 + 16 * info->ndns;
	d = dnssl_len(info);
	if (d < 0)
		return d;
	n += (size_t)d;
	if (info->pref64) {
		if (ra_pref64_plc(info->pref64_len) < 0)
			return -EINVAL;
		n += PREF64_OPT_LEN;
	}
	return (int)n;
}

int ra_build(const struct ra_info *info, uint8_t *buf, size_t len)
{
	int total = ra_len(info);
	size_t off = RA_HLEN;
	unsigned i;

	if (total < 0)
		return total;
	if ((size_t)total > len)
		return -ENOSPC;
	memset(buf, 0, (size_t)total);

	buf[0] = ND_ROUTER_ADVERT;
	/* buf[1] code 0, buf[2..3] checksum: the kernel's */
	buf[4] = info->cur_hop_limit;
	buf[5] = (uint8_t)((info->managed ? 0x80 : 0) | (info->other ? 0x40 : 0));
	put16(buf + 6, info->router_lifetime);
	put32(buf + 8, info->reachable_ms);
	put32(buf + 12, info->retrans_ms);

	for (i = 0; i < info->nprefix; i++) {
		const struct ra_prefix *p = &info->prefix[i];
		struct in6_addr a = prefix_masked(&p->prefix, p->len);
		uint8_t *o = buf + off;

		o[0] = OPT_PREFIX;
		o[1] = PREFIX_OPT_LEN / 8;
		o[2] = p->len;
		o[3] = (uint8_t)((p->on_link ? 0x80 : 0) | (p->autonomous ? 0x40 : 0));
		put32(o + 4, p->valid);
		put32(o + 8, p->preferred);
		/* o[12..15] Reserved2 */
		memcpy(o + 16, a.s6_addr, 16);
		off += PREFIX_OPT_LEN;
	}
	if (info->mtu) {
		buf[off] = OPT_MTU;
		buf[off + 1] = MTU_OPT_LEN / 8;
		put32(buf + off + 4, info->mtu);
		off += MTU_OPT_LEN;
	}
	if (info->ndns) {
		buf[off] = OPT_RDNSS;
		buf[off + 1] = (uint8_t)(1 + 2 * info->ndns);
		put32(buf + off + 4, info->dns_lifetime);
		for (i = 0; i < info->ndns; i++)
			memcpy(buf + off + 8 + 16 * i, info->dns[i].s6_addr, 16);
		off += 8 + 16 * info->ndns;
	}
	if (info->nsearch) {
		size_t start = off;

		buf[off] = OPT_DNSSL;
		put32(buf + off + 4, info->dns_lifetime);
		off += 8;
		for (i = 0; i < info->nsearch; i++)
			off += domain_put(buf + off, info->search[i]);
		/* RFC 8106 §5.2: padded with zero bytes (memset above) to 8 */
		off = (off + 7) / 8 * 8;
		buf[start + 1] = (uint8_t)((off - start) / 8);
	}
	if (info->pref64) {
		struct in6_addr a = prefix_masked(&info->pref64_prefix, info->pref64_len);

		buf[off] = OPT_PREF64;
		buf[off + 1] = PREF64_OPT_LEN / 8;
		put16(buf + off + 2, (uint16_t)(ra_pref64_scaled(info->pref64_lifetime) << 3 |
						ra_pref64_plc(info->pref64_len)));
		memcpy(buf + off + 4, a.s6_addr, 12);
		off += PREF64_OPT_LEN;
	}
	return total;
}

const char *ra_drop_name(enum ra_drop d)
{
	static const char *const names[RA_DROP_MAX] = {
		[RA_OK] = "ok",
		[RA_DROP_SHORT] = "short",
		[RA_DROP_TYPE] = "type",
		[RA_DROP_CODE] = "code",
		[RA_DROP_HOPLIMIT] = "hop-limit",
		[RA_DROP_OPTION] = "option",
		[RA_DROP_SLLA_UNSPEC] = "slla-unspecified",
	};

	return (unsigned)d < RA_DROP_MAX ? names[d] : "unknown";
}

enum ra_drop ra_parse_rs(const uint8_t *buf, size_t len, int hoplimit, bool src_unspecified,
			 struct ra_rs *rs)
{
	const uint8_t *slla = NULL;
	size_t off = RS_HLEN, slla_len = 0;

	memset(rs, 0, sizeof(*rs));
	if (len < RS_HLEN)
		return RA_DROP_SHORT;
	if (buf[0] != ND_ROUTER_SOLICIT)
		return RA_DROP_TYPE;
	if (buf[1] != 0)
		return RA_DROP_CODE;
	/* a hop limit still 255 is one no router decremented: the link's own */
	if (hoplimit != 255)
		return RA_DROP_HOPLIMIT;
	/* buf[4..7] Reserved: ignored */
	while (off < len) {
		size_t olen;

		if (len - off < 2)
			return RA_DROP_OPTION;
		olen = 8u * buf[off + 1];
		if (olen == 0 || olen > len - off)
			return RA_DROP_OPTION;
		if (buf[off] == OPT_SLLA && !slla) {
			slla = buf + off + 2;
			slla_len = olen - 2;
		}
		off += olen;
	}
	/* §6.1.1: from :: there is no neighbor entry to make for the address */
	if (slla && src_unspecified)
		return RA_DROP_SLLA_UNSPEC;
	rs->slla = slla;
	rs->slla_len = slla_len;
	return RA_OK;
}
