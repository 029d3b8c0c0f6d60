/*
 * dhcp6.h - the DHCPv6 server's decisions (RFC 8415 §18.3) for one
 * session: which delegated prefix a client gets, when it is bound, renewed,
 * released or gone, and the answer to send.  No socket, no clock of its own,
 * no knowledge of sessions: ipv6.c owns those, keeps one struct dhcp6_lease
 * per session and acts on what dhcp6_answer() says changed (the route of
 * the delegated prefix, the state file, the lease's timer).
 *
 * One delegated prefix per session (a PPP link has one client): the first
 * IA_PD of a client's message gets it, others get NoPrefixAvail.  No IA_NA
 * addresses: SLAAC on the session's /64 gives the link its address, and an
 * IA_NA gets NoAddrsAvail.  Information-Request gets the resolvers and the
 * search list.
 */
#ifndef ACD_DHCP6_H
#define ACD_DHCP6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp6_msg.h"

struct ip6pool;

struct dhcp6_conf {
	const uint8_t *duid;            /* ours (Server ID) */
	size_t duid_len;
	struct ip6pool *pd_pool;        /* NULL: no prefix delegation */
	uint32_t valid, preferred;      /* the delegated prefix's lifetimes, s */
	bool rapid_commit;              /* a Solicit with Rapid Commit is bound at once */
	const struct in6_addr *dns;
	unsigned ndns;
	const char (*search)[DHCP6_DOMAIN_MAX + 1];
	unsigned nsearch;
	uint32_t info_refresh;          /* Information Refresh Time for stateless clients, s */
};

struct dhcp6_lease {
	bool has_prefix;                /* taken from the pool (or given): offered or bound */
	bool given;                     /* the caller's (RADIUS said it): not the pool's */
	bool bound;                     /* Request, Rapid Commit or Renew/Rebind: routed */
	struct in6_addr prefix;
	uint8_t plen;
	uint8_t duid[DHCP6_DUID_MAX];   /* the client's */
	size_t duid_len;
	uint32_t iaid;
	double expires;                 /* bound: when its valid lifetime ends (the caller's clock) */
};

/* what an answer changed, for the caller to act on */
enum {
	DHCP6_BOUND = 1,                /* the prefix is bound now (new, or renewed): route it */
	DHCP6_RELEASED = 2,             /* the client gave it back: unroute, back to the pool */
};

/*
 * The answer to the client's message m for the session of user (its
 * sticky name; may be ""), whose lease is l, at time now.  The reply's
 * length in out (at most outlen), 0 when the message gets no answer (not
 * for us: another server's Server ID, a Confirm with no address), or
 * -errno.  *what gets DHCP6_BOUND / DHCP6_RELEASED bits.
 */
int dhcp6_answer(const struct dhcp6_conf *c, const char *user, struct dhcp6_lease *l,
		 const struct dhcp6_msg *m, double now, uint8_t *out, size_t outlen,
		 unsigned *what);

/* The lease ends (its session ended, or its valid lifetime ran out): the
 * prefix goes back to the pool.  Whether it was bound is the caller's to
 * read first (its route). */
void dhcp6_lease_free(const struct dhcp6_conf *c, struct dhcp6_lease *l);

#endif
