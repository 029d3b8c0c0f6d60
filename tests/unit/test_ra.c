/*
 * Router Advertisements built and Router Solicitations checked
 * (acd/ra_msg.c).
 *
 * The expected RAs are written by hand from the option layouts in RFC
 * 4861 §4.2 and §4.6, RFC 8106 §5 and RFC 8781 §4, not from the encoder's
 * output: each byte has its field beside it.
 *
 * The Router Solicitation at the top is real: Linux 6.18's own, received
 * on a raw IPPROTO_ICMPV6 socket (hop limit 255) in a network namespace
 * over veth, when the host side came up with MAC 52:54:00:12:34:56; its
 * checksum is the kernel's.  The others are written from RFC 4861 §4.1
 * and RFC 3971 §5.3.2 (the Nonce option).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "ra_msg.h"

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* ---- Router Advertisements ---- */

/*
 * A subscriber's link with everything: two prefixes, the PPPoE MTU, two
 * DNS servers, two search domains (case kept), the well-known NAT64
 * prefix.
 */
static void full_info(struct ra_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->cur_hop_limit = 64;
	ri->other = true;
	ri->router_lifetime = 1800;
	ri->reachable_ms = 30000;
	ri->retrans_ms = 1000;
	ri->prefix[0] = (struct ra_prefix){ .prefix = addr("2001:db8:1:2::"), .len = 64,
					    .on_link = true, .autonomous = true,
					    .valid = 86400, .preferred = 14400 };
	ri->prefix[1] = (struct ra_prefix){ .prefix = addr("2001:db8:ff00::"), .len = 40,
					    .on_link = true, .valid = 0xffffffff,
					    .preferred = 3600 };
	ri->nprefix = 2;
	ri->mtu = 1492;
	ri->dns[0] = addr("2001:db8::53");
	ri->dns[1] = addr("2001:db8::35");
	ri->ndns = 2;
	ri->dns_lifetime = 600;
	strcpy(ri->search[0], "example.com");
	strcpy(ri->search[1], "Lab.Example.NET");
	ri->nsearch = 2;
	ri->pref64 = true;
	ri->pref64_prefix = addr("64:ff9b::");
	ri->pref64_len = 96;
	ri->pref64_lifetime = 1800;
}

static const uint8_t full_ra[] = {
	/* RFC 4861 §4.2: type 134, code 0, checksum 0 (the kernel's) */
	0x86, 0x00, 0x00, 0x00,
	/* Cur Hop Limit 64, M=0 O=1, Router Lifetime 1800 */
	0x40, 0x40, 0x07, 0x08,
	/* Reachable Time 30000 ms */
	0x00, 0x00, 0x75, 0x30,
	/* Retrans Timer 1000 ms */
	0x00, 0x00, 0x03, 0xe8,

	/* §4.6.2 Prefix Information: type 3, length 4, /64, L=1 A=1 */
	0x03, 0x04, 0x40, 0xc0,
	/* Valid Lifetime 86400, Preferred Lifetime 14400, Reserved2 */
	0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00,
	/* 2001:db8:1:2:: */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,

	/* Prefix Information: /40, L=1 A=0, valid infinity, preferred 3600 */
	0x03, 0x04, 0x28, 0x80,
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x00, 0x00,
	/* 2001:db8:ff00:: */
	0x20, 0x01, 0x0d, 0xb8, 0xff, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,

	/* §4.6.4 MTU: type 5, length 1, Reserved, 1492 */
	0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xd4,

	/* RFC 8106 §5.1 RDNSS: type 25, length 1 + 2 * 2, Reserved, Lifetime 600 */
	0x19, 0x05, 0x00, 0x00, 0x00, 0x00, 0x02, 0x58,
	/* 2001:db8::53 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53,
	/* 2001:db8::35 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x35,

	/* §5.2 DNSSL: type 31, length 5 (8 + 13 + 17 = 38, padded to 40),
	 * Reserved, Lifetime 600 */
	0x1f, 0x05, 0x00, 0x00, 0x00, 0x00, 0x02, 0x58,
	/* example.com: 7 "example" 3 "com" 0 */
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	/* Lab.Example.NET: 3 "Lab" 7 "Example" 3 "NET" 0 */
	0x03, 'L', 'a', 'b', 0x07, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'N', 'E', 'T', 0x00,
	/* padding */
	0x00, 0x00,

	/* RFC 8781 §4 PREF64: type 38, length 2, Scaled Lifetime 1800 / 8 =
	 * 225 (0xe1) in the top 13 bits, PLC 0 (/96): 225 << 3 = 0x0708 */
	0x26, 0x02, 0x07, 0x08,
	/* the highest 96 bits of 64:ff9b:: */
	0x00, 0x64, 0xff, 0x9b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_ra_full(void **state)
{
	struct ra_info ri;
	uint8_t buf[RA_MSG_MAX];

	(void)state;
	full_info(&ri);
	assert_int_equal(sizeof(full_ra), 184);
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), sizeof(full_ra));
	assert_memory_equal(buf, full_ra, sizeof(full_ra));
	/* exactly big enough is big enough */
	assert_int_equal(ra_build(&ri, buf, sizeof(full_ra)), sizeof(full_ra));
	assert_memory_equal(buf, full_ra, sizeof(full_ra));
}

/* The final RA (router lifetime 0): no servers, no domains, no options;
 * a lifetime alone makes no RDNSS or DNSSL. */
static void test_ra_bare(void **state)
{
	static const uint8_t want[] = {
		0x86, 0x00, 0x00, 0x00,
		/* Cur Hop Limit unspecified, M=1 O=1, Router Lifetime 0 */
		0x00, 0xc0, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	struct ra_info ri = { .managed = true, .other = true, .dns_lifetime = 600 };
	uint8_t buf[RA_MSG_MAX];

	(void)state;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* RFC 4861 §4.6.2: bits past the prefix length are sent as zero. */
static void test_ra_prefix_host_bits(void **state)
{
	static const uint8_t want[] = {
		0x03, 0x04, 0x3d, 0x40,
		0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x00, 0x00,
		/* 2001:db8:1:2ff:ffff::1/61: the 8th byte keeps its top 5 bits */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x02, 0xf8,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct ra_info ri = { .nprefix = 1 };
	uint8_t buf[RA_MSG_MAX];

	(void)state;
	ri.prefix[0] = (struct ra_prefix){ .prefix = addr("2001:db8:1:2ff:ffff::1"), .len = 61,
					   .autonomous = true, .valid = 3600,
					   .preferred = 3600 };
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 16 + sizeof(want));
	assert_memory_equal(buf + 16, want, sizeof(want));

	/* /128 and /0 are prefixes too */
	ri.prefix[0].len = 128;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 48);
	assert_memory_equal(buf + 32, addr("2001:db8:1:2ff:ffff::1").s6_addr, 16);
	ri.prefix[0].len = 0;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 48);
	assert_memory_equal(buf + 32, addr("::").s6_addr, 16);
}

static void test_ra_einval(void **state)
{
	struct ra_info ri;
	uint8_t buf[RA_MSG_MAX];

	(void)state;
	full_info(&ri);
	ri.nprefix = RA_PREFIX_MAX + 1;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
	full_info(&ri);
	ri.ndns = RA_DNS_MAX + 1;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
	full_info(&ri);
	ri.nsearch = RA_SEARCH_MAX + 1;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);

	full_info(&ri);
	ri.prefix[1].len = 129;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
	full_info(&ri);
	ri.prefix[0].preferred = ri.prefix[0].valid + 1;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
	ri.prefix[0].preferred = ri.prefix[0].valid;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), sizeof(full_ra));

	full_info(&ri);
	ri.mtu = 1279;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
	ri.mtu = 1280;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), sizeof(full_ra));
	ri.mtu = 0;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), sizeof(full_ra) - 8);
}

/* -ENOSPC when the RA does not fit, and then buf is untouched; a bad
 * ra_info is -EINVAL whatever the room. */
static void test_ra_enospc(void **state)
{
	struct ra_info ri;
	uint8_t buf[RA_MSG_MAX], untouched[RA_MSG_MAX];

	(void)state;
	full_info(&ri);
	memset(buf, 0xa5, sizeof(buf));
	memcpy(untouched, buf, sizeof(buf));
	assert_int_equal(ra_build(&ri, buf, sizeof(full_ra) - 1), -ENOSPC);
	assert_int_equal(ra_build(&ri, buf, 16), -ENOSPC);
	assert_int_equal(ra_build(&ri, NULL, 0), -ENOSPC);
	assert_memory_equal(buf, untouched, sizeof(buf));

	memset(&ri, 0, sizeof(ri));
	assert_int_equal(ra_build(&ri, buf, 15), -ENOSPC);
	assert_int_equal(ra_build(&ri, buf, 16), 16);

	full_info(&ri);
	ri.pref64_len = 24;
	assert_int_equal(ra_build(&ri, NULL, 0), -EINVAL);
}

/* The largest RA there is fits RA_MSG_MAX, and a 1280-byte link with
 * its IPv6 header. */
static void test_ra_largest(void **state)
{
	struct ra_info ri;
	uint8_t buf[RA_MSG_MAX];
	unsigned i;
	int n;

	(void)state;
	full_info(&ri);
	ri.dns[2] = addr("2001:db8::1");
	ri.ndns = 3;
	for (i = 0; i < RA_SEARCH_MAX; i++) {
		/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters */
		memset(ri.search[i], 'a', RA_DOMAIN_MAX);
		ri.search[i][RA_DOMAIN_MAX] = '\0';
		ri.search[i][0] = (char)('a' + i);
		ri.search[i][63] = ri.search[i][127] = ri.search[i][191] = '.';
	}
	ri.nsearch = RA_SEARCH_MAX;
	n = ra_build(&ri, buf, sizeof(buf));
	/* 16 + 2 * 32 + 8 + (8 + 3 * 16) + (8 + 4 * 255 + 4) + 16 */
	assert_int_equal(n, 1192);
	assert_true(n + 40 <= 1280);
	/* the DNSSL: 129 units, its last name ends 4 bytes before its end */
	assert_int_equal(buf[16 + 64 + 8 + 56], 31);
	assert_int_equal(buf[16 + 64 + 8 + 56 + 1], 129);
	assert_int_equal(buf[n - 16 - 5], 0);
	assert_int_equal(buf[n - 16 - 6], 'a');
}

/* ---- PREF64 ---- */

/* RFC 8781 §4.1: round up to 8 s, cap at 65528 s; only 0 is 0 */
static void test_pref64_scaled(void **state)
{
	(void)state;
	assert_int_equal(ra_pref64_scaled(0), 0);
	assert_int_equal(ra_pref64_scaled(1), 1);
	assert_int_equal(ra_pref64_scaled(7), 1);
	assert_int_equal(ra_pref64_scaled(8), 1);
	assert_int_equal(ra_pref64_scaled(9), 2);
	assert_int_equal(ra_pref64_scaled(1800), 225);
	assert_int_equal(ra_pref64_scaled(65520), 8190);
	assert_int_equal(ra_pref64_scaled(65521), 8191);
	assert_int_equal(ra_pref64_scaled(65527), 8191);
	assert_int_equal(ra_pref64_scaled(65528), 8191);
	assert_int_equal(ra_pref64_scaled(65529), 8191);
	assert_int_equal(ra_pref64_scaled(65536), 8191);
	assert_int_equal(ra_pref64_scaled(0xfffffff9), 8191);
	assert_int_equal(ra_pref64_scaled(0xffffffff), 8191);
}

/* The option as sent: its second word for a lifetime, at /96 */
static void pref64_word(uint32_t lifetime, uint8_t hi, uint8_t lo)
{
	struct ra_info ri = { .pref64 = true, .pref64_len = 96, .pref64_lifetime = lifetime };
	uint8_t buf[RA_MSG_MAX];

	ri.pref64_prefix = addr("64:ff9b::");
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 32);
	assert_int_equal(buf[16], 38);
	assert_int_equal(buf[17], 2);
	assert_int_equal(buf[18], hi);
	assert_int_equal(buf[19], lo);
}

static void test_pref64_lifetime(void **state)
{
	(void)state;
	pref64_word(0, 0x00, 0x00);             /* stop using it */
	pref64_word(1, 0x00, 0x08);             /* 1 s -> 8 s: 1 << 3 */
	pref64_word(8, 0x00, 0x08);
	pref64_word(600, 0x02, 0x58);           /* 75 << 3 */
	pref64_word(65528, 0xff, 0xf8);         /* 8191 << 3 */
	pref64_word(65529, 0xff, 0xf8);         /* capped */
	pref64_word(0xffffffff, 0xff, 0xf8);
}

/* Each PLC, and the 96 bits sent for it: the prefix's, zero past its length. */
static void test_pref64_plc(void **state)
{
	static const struct {
		uint8_t len, plc;
		uint8_t bits[12];
	} t[] = {
		{ 96, 0, { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 } },
		{ 64, 1, { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0 } },
		{ 56, 2, { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x02, 0x03, 0, 0, 0, 0, 0 } },
		{ 48, 3, { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x02, 0, 0, 0, 0, 0, 0 } },
		{ 40, 4, { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0 } },
		{ 32, 5, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0 } },
	};
	static const uint8_t bad[] = { 0, 1, 24, 31, 33, 60, 63, 65, 72, 80, 95, 97, 128, 255 };
	struct ra_info ri = { .pref64 = true, .pref64_lifetime = 600 };
	uint8_t buf[RA_MSG_MAX];
	size_t i;

	(void)state;
	ri.pref64_prefix = addr("2001:db8:102:304:506:708:90a:b0c");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(ra_pref64_plc(t[i].len), t[i].plc);
		ri.pref64_len = t[i].len;
		assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 32);
		/* 600 s: 75 << 3 = 0x0258, the PLC in the low 3 bits */
		assert_int_equal(buf[18], 0x02);
		assert_int_equal(buf[19], 0x58 | t[i].plc);
		assert_memory_equal(buf + 20, t[i].bits, 12);
	}
	for (i = 0; i < sizeof(bad); i++) {
		assert_int_equal(ra_pref64_plc(bad[i]), -1);
		ri.pref64_len = bad[i];
		assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
	}
	/* a length PREF64 cannot code matters only with the option */
	ri.pref64 = false;
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 16);
}

/* ---- DNSSL ---- */

/* The DNSSL option alone for domains, checked against want. */
static void dnssl(const char *const *domains, unsigned n, const uint8_t *want, size_t want_len)
{
	struct ra_info ri = { .dns_lifetime = 0x01020304 };
	uint8_t buf[RA_MSG_MAX];
	unsigned i;

	for (i = 0; i < n; i++)
		strcpy(ri.search[i], domains[i]);
	ri.nsearch = n;
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 16 + want_len);
	assert_memory_equal(buf + 16, want, want_len);
}

static void test_dnssl_padding(void **state)
{
	/* 5 bytes of name: 3 of padding */
	static const uint8_t ab[] = {
		0x1f, 0x02, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
		0x01, 'a', 0x01, 'b', 0x00, 0x00, 0x00, 0x00,
	};
	/* 8 bytes of name: none */
	static const uint8_t abc_de[] = {
		0x1f, 0x02, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
		0x03, 'a', 'b', 'c', 0x02, 'd', 'e', 0x00,
	};
	/* 9 bytes: 7 */
	static const uint8_t abcd_de[] = {
		0x1f, 0x03, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
		0x04, 'a', 'b', 'c', 'd', 0x02, 'd', 'e', 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	/* three names, 5 + 10 + 7 bytes: one label; hyphens inside, digits */
	static const uint8_t three[] = {
		0x1f, 0x04, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
		0x03, 'l', 'a', 'n', 0x00,
		0x05, 'x', 'n', '-', '-', '9', 0x02, 'D', 'E', 0x00,
		0x01, '0', 0x03, 'a', '-', 'b', 0x00,
		0x00, 0x00,
	};

	(void)state;
	dnssl((const char *const[]){ "a.b" }, 1, ab, sizeof(ab));
	dnssl((const char *const[]){ "abc.de" }, 1, abc_de, sizeof(abc_de));
	dnssl((const char *const[]){ "abcd.de" }, 1, abcd_de, sizeof(abcd_de));
	dnssl((const char *const[]){ "lan", "xn--9.DE", "0.a-b" }, 3, three, sizeof(three));
}

/* Labels of 63 and names of 253 characters (255 on the wire) are the
 * most; one more is not a name. */
static void test_dnssl_limits(void **state)
{
	struct ra_info ri = { .nsearch = 1 };
	uint8_t buf[RA_MSG_MAX];
	int n;

	(void)state;
	memset(ri.search[0], 'x', 63);
	/* 8 + 1 + 63 + 1 = 73 bytes, padded to 80 */
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), 16 + 80);
	assert_int_equal(buf[16 + 8], 63);
	assert_int_equal(buf[16 + 8 + 64], 0);
	ri.search[0][63] = 'x';
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);

	memset(ri.search[0], 'y', RA_DOMAIN_MAX);
	ri.search[0][RA_DOMAIN_MAX] = '\0';
	ri.search[0][63] = ri.search[0][127] = ri.search[0][191] = '.';
	n = ra_build(&ri, buf, sizeof(buf));
	/* 8 + 255, padded to 264 */
	assert_int_equal(n, 16 + 264);
	assert_int_equal(buf[16 + 8], 63);
	assert_int_equal(buf[16 + 8 + 64], 63);
	assert_int_equal(buf[16 + 8 + 128], 63);
	assert_int_equal(buf[16 + 8 + 192], 61);
	assert_int_equal(buf[16 + 8 + 254], 0);
	assert_int_equal(buf[16 + 8 + 255], 0);
	/* not NUL-terminated in its array: no name at all */
	ri.search[0][RA_DOMAIN_MAX] = 'y';
	assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
}

static void test_dnssl_invalid(void **state)
{
	static const char *const bad[] = {
		"",                     /* no name */
		".",                    /* the root: no search domain */
		"example.com.",         /* the final dot is not written */
		".example.com",
		"example..com",         /* empty label */
		"exa_mple.com",         /* not a host name's character */
		"exa mple.com",
		"example.com\n",
		"b\xc3\xbc" "cher.de",  /* IDNs go as xn-- */
		"-lan.example",         /* RFC 1123: no hyphen first or last */
		"lan-.example",
		"lan.-",
	};
	struct ra_info ri;
	uint8_t buf[RA_MSG_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		full_info(&ri);
		strcpy(ri.search[1], bad[i]);
		assert_int_equal(ra_build(&ri, buf, sizeof(buf)), -EINVAL);
		/* only the domains named count: the DNSSL is 24 bytes, not 40 */
		ri.nsearch = 1;
		assert_int_equal(ra_build(&ri, buf, sizeof(buf)), sizeof(full_ra) - 16);
	}
}

/* ---- Router Solicitations ---- */

/* Linux's own (see the top): Reserved 0, a source link-layer option */
static const uint8_t rs_linux[] = {
	0x85, 0x00, 0x71, 0xb5, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};

/* no option: a host that has no address yet sends from :: */
static const uint8_t rs_bare[] = {
	0x85, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* RFC 3971 §5.3.2 Nonce (type 14, 6 bytes), then the source link-layer
 * option; Reserved not 0 (ignored) */
static const uint8_t rs_nonce[] = {
	0x85, 0x00, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
	0x0e, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* a nonce option of 14 bytes (length 2), no source link-layer option */
static const uint8_t rs_nonce_only[] = {
	0x85, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
};

static void test_rs_valid(void **state)
{
	struct ra_rs rs;

	(void)state;
	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), 255, false, &rs), RA_OK);
	assert_ptr_equal(rs.slla, rs_linux + 10);
	assert_int_equal(rs.slla_len, 6);

	assert_int_equal(ra_parse_rs(rs_bare, sizeof(rs_bare), 255, true, &rs), RA_OK);
	assert_null(rs.slla);
	assert_int_equal(rs.slla_len, 0);
	assert_int_equal(ra_parse_rs(rs_bare, sizeof(rs_bare), 255, false, &rs), RA_OK);
	assert_null(rs.slla);

	assert_int_equal(ra_parse_rs(rs_nonce, sizeof(rs_nonce), 255, false, &rs), RA_OK);
	assert_ptr_equal(rs.slla, rs_nonce + 18);
	assert_int_equal(rs.slla_len, 6);

	assert_int_equal(ra_parse_rs(rs_nonce_only, sizeof(rs_nonce_only), 255, true, &rs), RA_OK);
	assert_null(rs.slla);
}

/* Of two source link-layer options the first counts; a longer one
 * (another link type) is handed out whole. */
static void test_rs_slla(void **state)
{
	static const uint8_t two[] = {
		0x85, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		0x01, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	};
	struct ra_rs rs;

	(void)state;
	assert_int_equal(ra_parse_rs(two, sizeof(two), 255, false, &rs), RA_OK);
	assert_ptr_equal(rs.slla, two + 10);
	assert_int_equal(rs.slla_len, 14);
}

/* Each drop reason, each from a valid RS with one change. */
static void test_rs_drop(void **state)
{
	uint8_t m[sizeof(rs_nonce) + 8];
	struct ra_rs rs;

	(void)state;
	/* the answer is always written: zero on a drop */
	memset(&rs, 0xa5, sizeof(rs));
	assert_int_equal(ra_parse_rs(rs_linux, 7, 255, false, &rs), RA_DROP_SHORT);
	assert_null(rs.slla);
	assert_int_equal(rs.slla_len, 0);
	assert_int_equal(ra_parse_rs(rs_linux, 0, 255, false, &rs), RA_DROP_SHORT);
	assert_int_equal(ra_parse_rs(NULL, 0, 255, false, &rs), RA_DROP_SHORT);

	memcpy(m, rs_linux, sizeof(rs_linux));
	m[0] = 134; /* an RA */
	assert_int_equal(ra_parse_rs(m, sizeof(rs_linux), 255, false, &rs), RA_DROP_TYPE);
	m[0] = 135; /* a Neighbor Solicitation */
	assert_int_equal(ra_parse_rs(m, sizeof(rs_linux), 255, false, &rs), RA_DROP_TYPE);

	memcpy(m, rs_linux, sizeof(rs_linux));
	m[1] = 1;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_linux), 255, false, &rs), RA_DROP_CODE);
	/* the code before the hop limit: the first failure is the answer */
	assert_int_equal(ra_parse_rs(m, sizeof(rs_linux), 254, false, &rs), RA_DROP_CODE);

	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), 254, false, &rs), RA_DROP_HOPLIMIT);
	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), 64, false, &rs), RA_DROP_HOPLIMIT);
	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), 0, false, &rs), RA_DROP_HOPLIMIT);
	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), -1, false, &rs), RA_DROP_HOPLIMIT);
	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), 256, false, &rs), RA_DROP_HOPLIMIT);

	/* an option of length 0, first or after a good one */
	memcpy(m, rs_nonce, sizeof(rs_nonce));
	m[9] = 0;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_nonce), 255, false, &rs), RA_DROP_OPTION);
	memcpy(m, rs_nonce, sizeof(rs_nonce));
	m[17] = 0;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_nonce), 255, false, &rs), RA_DROP_OPTION);
	assert_null(rs.slla);
	/* an option past the end: by one unit, or cut short */
	memcpy(m, rs_nonce, sizeof(rs_nonce));
	m[17] = 2;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_nonce), 255, false, &rs), RA_DROP_OPTION);
	assert_int_equal(ra_parse_rs(rs_nonce, sizeof(rs_nonce) - 1, 255, false, &rs),
			 RA_DROP_OPTION);
	/* a byte after the last option: no room for a type and length */
	memcpy(m, rs_nonce, sizeof(rs_nonce));
	m[sizeof(rs_nonce)] = 0x0e;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_nonce) + 1, 255, false, &rs), RA_DROP_OPTION);
	m[sizeof(rs_nonce) + 1] = 0x01;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_nonce) + 2, 255, false, &rs), RA_DROP_OPTION);

	/* a source link-layer option from :: */
	memset(&rs, 0xa5, sizeof(rs));
	assert_int_equal(ra_parse_rs(rs_linux, sizeof(rs_linux), 255, true, &rs),
			 RA_DROP_SLLA_UNSPEC);
	assert_null(rs.slla);
	assert_int_equal(rs.slla_len, 0);
	assert_int_equal(ra_parse_rs(rs_nonce, sizeof(rs_nonce), 255, true, &rs),
			 RA_DROP_SLLA_UNSPEC);
	/* a bad option after it is the first failure */
	memcpy(m, rs_linux, sizeof(rs_linux));
	m[sizeof(rs_linux)] = 0x0e;
	m[sizeof(rs_linux) + 1] = 0x00;
	assert_int_equal(ra_parse_rs(m, sizeof(rs_linux) + 8, 255, true, &rs), RA_DROP_OPTION);
}

static void test_rs_names(void **state)
{
	static const char *const want[RA_DROP_MAX] = {
		"ok", "short", "type", "code", "hop-limit", "option", "slla-unspecified",
	};
	int d;

	(void)state;
	for (d = 0; d < RA_DROP_MAX; d++)
		assert_string_equal(ra_drop_name((enum ra_drop)d), want[d]);
	assert_string_equal(ra_drop_name(RA_DROP_MAX), "unknown");
	assert_string_equal(ra_drop_name((enum ra_drop)-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ra_full),
		cmocka_unit_test(test_ra_bare),
		cmocka_unit_test(test_ra_prefix_host_bits),
		cmocka_unit_test(test_ra_einval),
		cmocka_unit_test(test_ra_enospc),
		cmocka_unit_test(test_ra_largest),
		cmocka_unit_test(test_pref64_scaled),
		cmocka_unit_test(test_pref64_lifetime),
		cmocka_unit_test(test_pref64_plc),
		cmocka_unit_test(test_dnssl_padding),
		cmocka_unit_test(test_dnssl_limits),
		cmocka_unit_test(test_dnssl_invalid),
		cmocka_unit_test(test_rs_valid),
		cmocka_unit_test(test_rs_slla),
		cmocka_unit_test(test_rs_drop),
		cmocka_unit_test(test_rs_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
