/*
 * radv6.h - a session's IPv6 as RADIUS gives it, from the attributes of
 * its radattr file (radattr.h): they win over [ipv6]'s pools and resolvers.
 *
 *   Framed-IPv6-Prefix (97)        the link's prefix (RFC 3162), "ADDR/LEN"
 *   Delegated-IPv6-Prefix (123)    the prefix DHCPv6 delegates (RFC 4818)
 *   DNS-Server-IPv6-Address (169)  resolvers (RFC 6911), up to RADV6_DNS_MAX,
 *                                  in packet order
 *   Framed-IPv6-Route (99)         routes to the session (RFC 3162 §2.5),
 *                                  up to RADV6_ROUTE_MAX
 *   Framed-Interface-Id (96)       the subscriber's interface identifier
 *
 * How pppd 2.4.9's radattr.so writes them (its rc_avpair_tostr()):
 * ipv6prefix attributes as inet_ntop() of the prefix bytes, "/" and the
 * length ("2001:db8:1::/64"); ipv6addr as inet_ntop(); Framed-IPv6-Route
 * is a string, the RFC's text "PREFIX [GATEWAY [METRIC ...]]" with single
 * spaces ("2001:db8:5::/48 :: 10"); Framed-Interface-Id as "%x:%x:%x:%x"
 * of its four 16-bit words when pppd's dictionary types it ifid, or as a
 * string of its 8 raw bytes (non-printables "\ooo") when the dictionary
 * says string, as radcli's and ours do.  pppd writes a string up to its
 * first NUL byte, so an identifier with a zero byte cannot come through a
 * string-typed dictionary: it arrives shorter than 8 bytes and is refused.
 * Four hex words win over 8 raw bytes (an 8-byte identifier whose bytes
 * spell "1:2:3:45" would be read as the words).
 *
 * Parsing is strict, as for any input from outside: no space around the
 * parts, a length of decimal digits 0..128 without sign or leading zero
 * ("/064" is refused), no multicast, link-local, loopback, unspecified or
 * IPv4-mapped prefix or resolver.  The bits of a prefix past its length
 * are cleared, not refused: pppd keeps only the bytes the attribute
 * carried ("2001:db8:1:2::/64" may come as 2 + 8 bytes) and radattr.so
 * prints 16 from its buffer, the rest whatever was there.
 * A bad value is refused on its own: it gets a warning naming the
 * attribute, its line and the value quoted (radattr_quote()), the others
 * still count.  Of a repeated Framed-IPv6-Prefix, Delegated-IPv6-Prefix or
 * Framed-Interface-Id the first good one counts; resolvers and routes past
 * their maximum get a warning each.  Attributes the dictionary did not
 * know (RADATTR_UNKNOWN) are ignored; unresolved ones are matched by name.
 *
 * No I/O: what sessrad.c reads for a session, what a unit test and the
 * radattr fuzz target drive.
 */
#ifndef ACD_RADV6_H
#define ACD_RADV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radattr.h"

#define RADV6_DNS_MAX 3                 /* RFC 6911 gives no limit; RA_DNS_MAX is 3 */
#define RADV6_ROUTE_MAX 4
#define RADV6_PREFIX_STR 52             /* "ADDR/LEN" and its NUL */
#define RADV6_WARN_MAX 8                /* warnings kept (the rest are counted) */
#define RADV6_WARN_LEN 512

struct radv6_route {
	struct in6_addr prefix;
	uint8_t len;
	bool has_via;                   /* a gateway other than "::" */
	struct in6_addr via;
	uint32_t metric;                /* 0: none given (the kernel's default) */
};

struct radv6 {
	char prefix[RADV6_PREFIX_STR];      /* Framed-IPv6-Prefix, canonical; "" = none */
	char delegated[RADV6_PREFIX_STR];   /* Delegated-IPv6-Prefix; "" = none */
	bool has_ifid;
	uint8_t ifid[8];                    /* Framed-Interface-Id */
	struct in6_addr dns[RADV6_DNS_MAX];
	unsigned ndns;
	struct radv6_route routes[RADV6_ROUTE_MAX];
	unsigned nroutes;
};

/* The refused values, one line each for the log:
 *   Framed-IPv6-Route "2001:db8::/129" (line 7): the length is ...; ignored */
struct radv6_warnings {
	char line[RADV6_WARN_MAX][RADV6_WARN_LEN];
	unsigned n;                         /* all of them, kept or not */
};

/* The IPv6 attributes of l (NULL or empty: none) into *out, which is
 * cleared first; the refused ones into *w (cleared first; NULL: not
 * kept).  Returns how many were refused. */
unsigned radv6_from_attrs(const struct radattr_list *l, struct radv6 *out,
			  struct radv6_warnings *w);

/*
 * The parts, for the parsers above and their tests.  s is len bytes (no
 * NUL needed); each returns 0, or -EINVAL with a short reason in *why
 * (static text) and the output untouched.
 */
/* "ADDR/LEN" with LEN in [minlen, 128], a global unicast prefix */
int radv6_parse_prefix(const char *s, size_t len, uint8_t minlen, struct in6_addr *addr,
		       uint8_t *plen, const char **why);
/* a resolver's address: global unicast (or unique local) */
int radv6_parse_addr(const char *s, size_t len, struct in6_addr *addr, const char **why);
/* "PREFIX [GATEWAY [METRIC ...]]": the first metric counts, the others
 * must be numbers too; GATEWAY "::" is the session itself (no via) */
int radv6_parse_route(const char *s, size_t len, struct radv6_route *r, const char **why);
/* four hex words "a:b:c:d", or 8 raw bytes */
int radv6_parse_ifid(const char *s, size_t len, uint8_t out[8], const char **why);

/* "ADDR/LEN" of a prefix into buf (RADV6_PREFIX_STR); returns buf */
char *radv6_prefix_str(const struct in6_addr *a, uint8_t len, char *buf, size_t buflen);
/* "a:b:c:d", as pppd writes an ifid (at least 20 bytes); returns buf */
char *radv6_ifid_str(const uint8_t ifid[8], char *buf, size_t buflen);
/* "PREFIX [via GW] [metric N]" for logs and show session; returns buf */
char *radv6_route_str(const struct radv6_route *r, char *buf, size_t buflen);

#endif
