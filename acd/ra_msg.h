/*
 * ra_msg.h - IPv6 Router Advertisements and Router Solicitations (RFC 4861)
 * with the options a subscriber's link needs: Prefix Information, MTU,
 * RDNSS and DNSSL (RFC 8106) and PREF64 (RFC 8781).  A builder and a
 * strict Router Solicitation parser, with no I/O: acd/ra.c owns the socket
 * and the timers, tests/fuzz/fuzz_ra.c fuzzes both.
 *
 * Messages are the ICMPv6 part only, as a raw IPPROTO_ICMPV6 socket sends
 * and receives them: the kernel fills in the checksum and the IPv6 header.
 * Every number is big-endian on the wire.
 *
 * Why not libndp: it parses only what its own socket received (no entry
 * point takes a buffer, so it cannot be fuzzed in-process), and it builds
 * no Prefix Information, RDNSS, DNSSL or PREF64 option.
 */
#ifndef ACD_RA_MSG_H
#define ACD_RA_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A buffer this big holds every RA ra_build() makes: the largest, every
 * option at its maximum, is 1192 bytes, within the 1240 bytes of ICMPv6
 * that the 1280 every IPv6 link carries leave. */
#define RA_MSG_MAX 1280
#define RA_DNS_MAX 3                    /* RDNSS addresses announced (RFC 8106 §5.1: a few) */
#define RA_SEARCH_MAX 4                 /* DNSSL domains */
#define RA_DOMAIN_MAX 253               /* a domain name as text, without the final dot */
#define RA_PREFIX_MAX 2                 /* Prefix Information options in one RA */
/* RFC 8781 §4: the scaled lifetime counts units of 8 s in 13 bits */
#define RA_PREF64_LIFETIME_MAX 65528

struct ra_prefix {
	struct in6_addr prefix;         /* host bits: sent as zero */
	uint8_t len;                    /* 64 for SLAAC; at most 128 */
	bool on_link, autonomous;       /* L and A flags */
	uint32_t valid, preferred;      /* seconds; preferred <= valid */
};

/* what one RA carries */
struct ra_info {
	uint8_t cur_hop_limit;          /* 0: unspecified */
	bool managed, other;            /* M and O flags (DHCPv6) */
	uint16_t router_lifetime;       /* seconds; 0 = not a default router (the final RA) */
	uint32_t reachable_ms, retrans_ms;
	uint32_t mtu;                   /* 0: no MTU option; else at least 1280 */
	struct ra_prefix prefix[RA_PREFIX_MAX];
	unsigned nprefix;
	struct in6_addr dns[RA_DNS_MAX];
	unsigned ndns;
	uint32_t dns_lifetime;          /* RDNSS and DNSSL lifetime, seconds */
	char search[RA_SEARCH_MAX][RA_DOMAIN_MAX + 1];
	unsigned nsearch;
	bool pref64;                    /* a PREF64 option */
	struct in6_addr pref64_prefix;  /* the NAT64 prefix (host bits: sent as zero) */
	uint8_t pref64_len;             /* 96, 64, 56, 48, 40 or 32 */
	uint32_t pref64_lifetime;       /* seconds, as wanted: rounded up to 8 s, capped */
};

/*
 * The RA for info into buf (at most len bytes).  Its length (a multiple
 * of 8, at most RA_MSG_MAX), or -EINVAL, or -ENOSPC (does not fit);
 * every -EINVAL is found before -ENOSPC, and buf is not written on either.
 * -EINVAL: counts past the maxima; a prefix longer than 128 or preferred
 * longer than valid (a host would ignore it, RFC 4862 §5.5.3); an MTU
 * under 1280 (ignored too, RFC 4861 §6.3.4); a prefix length PREF64
 * cannot code; a search domain that is not a host name's domain (RFC 1123
 * §2.1: labels of 1 to 63 letters, digits and hyphens, no hyphen first
 * or last, no final dot; case is kept).
 * The options, in this order: Prefix Information each, MTU, RDNSS (when
 * ndns), DNSSL (when nsearch; zero-padded to 8 bytes), PREF64 (its
 * lifetime by ra_pref64_scaled()).  No source link-layer address option:
 * a PPP link has no link-layer address.  The checksum is 0: the kernel
 * fills it in.
 */
int ra_build(const struct ra_info *info, uint8_t *buf, size_t len);

/* RFC 8781 §4: the PLC for a prefix length, or -1 (no code for it) */
int ra_pref64_plc(uint8_t len);
/* the 13-bit scaled lifetime, in units of 8 s (0 to 8191), for a wanted
 * lifetime in seconds: rounded up to a multiple of 8 s (1 s is 1: only 0
 * says "no longer use this prefix"), capped at RA_PREF64_LIFETIME_MAX */
uint16_t ra_pref64_scaled(uint32_t seconds);

/* why a Router Solicitation is dropped */
enum ra_drop {
	RA_OK = 0,
	RA_DROP_SHORT,                  /* shorter than the 8-byte RS header */
	RA_DROP_TYPE,                   /* not ICMPv6 type 133 */
	RA_DROP_CODE,                   /* code not 0 */
	RA_DROP_HOPLIMIT,               /* IPv6 hop limit not 255: not from the link */
	RA_DROP_OPTION,                 /* an option of length 0, or past the end */
	RA_DROP_SLLA_UNSPEC,            /* a source link-layer option from :: (RFC 4861 §6.1.1) */
	RA_DROP_MAX
};
/* "ok", "short", "type", "code", "hop-limit", "option", "slla-unspecified":
 * stable names for counters and logs; "unknown" outside the enum */
const char *ra_drop_name(enum ra_drop d);

struct ra_rs {
	const uint8_t *slla;            /* the first source link-layer option's value, or NULL */
	size_t slla_len;                /* its 8 * length - 2 bytes (6 on Ethernet) */
};

/*
 * Check a Router Solicitation as RFC 4861 §6.1.1 says: buf/len the ICMPv6
 * message, hoplimit the IPv6 hop limit it came with, src_unspecified when
 * its source was ::.  RA_OK with *rs filled in (pointing into buf), or why
 * it is dropped; checked in the enum's order, the first failure is the
 * answer.  The Reserved field and unknown options are ignored.  *rs is
 * always written: zero on a drop.
 */
enum ra_drop ra_parse_rs(const uint8_t *buf, size_t len, int hoplimit, bool src_unspecified,
			 struct ra_rs *rs);

#endif
