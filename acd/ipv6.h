/*
 * ipv6.h - the IPv6 edge of each session ([ipv6]): a /64 from the pool (or
 * the one a restart restores), routed to the session's link, announced in
 * router advertisements with RDNSS, DNSSL and PREF64 (ra_msg.h builds
 * them), so that the subscriber's own SLAAC gives it a global address and
 * a default route.
 *
 * A listener of the session core: a session's IPv6 starts with its
 * ipv6-up (s->ipv6_ll set) and ends with ipv6-down, the session's end or
 * its link vanishing; the state file keeps each session's /64.  One raw
 * ICMPv6 socket for every session: router solicitations in (ff02::2 joined
 * on each session link), advertisements out to ff02::1.  One libev timer
 * per session: libev keeps them in a heap, so nothing costs O(sessions)
 * per tick.
 */
#ifndef ACD_IPV6_H
#define ACD_IPV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dhcp6_msg.h"
#include "ra_msg.h"

struct acd;
struct ipv6;

/* RFC 4861 §10, the router's constants */
#define IPV6_RA_INITIAL 3               /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define IPV6_RA_INITIAL_INTERVAL 16.0   /* MAX_INITIAL_RTR_ADVERT_INTERVAL, s */
#define IPV6_RA_MIN_DELAY 3.0           /* MIN_DELAY_BETWEEN_RAS, s */

/* What the edge does to the world; ctx first.  The real ones: a raw
 * ICMPv6 socket and rtnetlink.  A unit test passes its own. */
struct ipv6_fx {
	/* buf (an RA) to ff02::1 on ifindex: 0 or -errno */
	int (*send)(void *ctx, int ifindex, const uint8_t *buf, size_t len);
	/* buf (a DHCPv6 answer) to the client to, port 546, on ifindex: 0 or -errno */
	int (*reply)(void *ctx, int ifindex, const struct in6_addr *to, const uint8_t *buf,
		     size_t len);
	/* the route prefix/len to ifindex (via a next hop, or NULL: on-link;
	 * metric 0: the kernel's default), added or deleted: 0 or -errno */
	int (*route)(void *ctx, bool add, int ifindex, const struct in6_addr *prefix,
		     uint8_t len, const struct in6_addr *via, uint32_t metric);
	/* all-routers (ff02::2) and All_DHCP_Relay_Agents_and_Servers
	 * (ff02::1:2) on ifindex joined or left: 0 or -errno */
	int (*join)(void *ctx, int ifindex, bool join);
	/* ifindex's MTU, 0 when unknown */
	uint32_t (*mtu)(void *ctx, int ifindex);
};

struct ipv6_stats {
	uint64_t ra_out, ra_final, ra_errors, rs_in, rs_other_if;
	uint64_t rs_drop[RA_DROP_MAX];
	uint64_t prefixes_out, pool_full, route_errors;
	/* DHCPv6 */
	uint64_t dhcp_in[DHCP6_RELAY_REPL + 1];  /* by message type */
	uint64_t dhcp_drop[DHCP6_DROP_MAX];
	uint64_t dhcp_other_if, dhcp_unanswered, dhcp_out, dhcp_errors, dhcp_rate_limited;
	uint64_t pd_bound, pd_released, pd_expired, pd_pool_full;
};

/* NULL with err empty when [ipv6] has no prefix-pool; NULL with err set on
 * failure. */
struct ipv6 *ipv6_open(struct acd *a, char *err, size_t errlen);
/* The same with effects of the caller's (fx NULL: the real ones) and no
 * socket: what unit tests and the fuzz target drive. */
struct ipv6 *ipv6_open_fx(struct acd *a, const struct ipv6_fx *fx, void *ctx, char *err,
			  size_t errlen);
/* Sessions keep their /64 and route; only the advertising stops. */
void ipv6_close(struct ipv6 *v);
/* A reload: every session's next RA carries the new lifetimes, resolvers,
 * search list and PREF64 (one is sent at once). */
void ipv6_reconfigure(struct ipv6 *v);
/* A received ICMPv6 message on ifindex (the socket's, or a test's). */
void ipv6_input(struct ipv6 *v, int ifindex, const uint8_t *buf, size_t len, int hoplimit,
		bool src_unspecified);
/* A received DHCPv6 message from src (a link-local address) on ifindex. */
void ipv6_dhcp_input(struct ipv6 *v, int ifindex, const struct in6_addr *src,
		     const uint8_t *buf, size_t len);
const struct ipv6_stats *ipv6_stats(const struct ipv6 *v);
/* `show ipv6`: the pool and the counters */
json_t *ipv6_json(const struct ipv6 *v);

#endif
