/*
 * rtnl.h - acd's one owner of rtnetlink: the kernel's link and address
 * notifications, and the few questions acd asks about links (their 64-bit
 * counters; the links of ours and their addresses).
 *
 * rtnl_open() opens two sockets, once: an event socket (the link group and
 * both address groups, a 4 MB receive buffer, non-blocking, on the event
 * loop) and a request socket for synchronous queries.  Everything here runs
 * on the loop's thread.
 *
 * Events reach the subscribers from the loop, never from inside a query: a
 * query that reads the event socket (rtnl_counters() looking for a deleted
 * link's last counters) keeps what it read for the next dispatch.  So a
 * subscriber may call any query, and a query's caller is never re-entered.
 *
 * Queries keep what they need of each message as it is read, never the
 * whole dump: 10 000 sessions with their IFBs are 20 000 links.
 *
 * With r NULL (no rtnetlink: a unit test's acd), rtnl_subscribe() and the
 * queries return -ENOTCONN, rtnl_unsubscribe() and rtnl_close() do nothing.
 */
#ifndef ACD_RTNL_H
#define ACD_RTNL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ev.h>

struct nlmsghdr;
struct rtnl;

/* A link's counters: the kernel's IFLA_STATS64 (IFLA_STATS when only that
 * came).  rx is what the link received: on the AC, the subscriber's upload. */
struct link_counters {
	uint64_t rx_bytes, tx_bytes;
	uint64_t rx_packets, tx_packets;
};

/* What acd keeps of an RTM_NEWLINK or RTM_DELLINK. */
struct rtnl_ifinfo {
	int ifindex;
	char name[IF_NAMESIZE];         /* "" when the message has no IFLA_IFNAME */
	bool has_counters;              /* the message had IFLA_STATS64 or IFLA_STATS */
	struct link_counters c;
};

enum rtnl_event_type {
	RTNL_LINK_NEW,  /* a link appeared or changed: link */
	RTNL_LINK_DEL,  /* a link was deleted: link; link.c are its last counters
			 * when link.has_counters (the kernel sends them) */
	RTNL_ADDR_NEW,  /* an IPv4 or IPv6 address was added: link.ifindex only */
	RTNL_RESYNC,    /* the event socket overflowed (ENOBUFS): events were lost,
			 * so check what you track against the kernel */
};

struct rtnl_event {
	enum rtnl_event_type type;
	struct rtnl_ifinfo link;        /* RTNL_RESYNC: zero */
};

typedef void rtnl_fn(const struct rtnl_event *ev, void *ctx);

/* NULL with err set on failure. */
struct rtnl *rtnl_open(struct ev_loop *loop, char *err, size_t errlen);
/* Closes both sockets; NULL is fine.  Subscribers are forgotten. */
void rtnl_close(struct rtnl *r);

/*
 * fn(ev, ctx) for every event from now on, subscribers in the order they
 * subscribed.  0, or -ENOMEM.  A subscriber that goes away before rtnl does
 * unsubscribes (the same fn and ctx); it may do so from inside fn.
 */
int rtnl_subscribe(struct rtnl *r, rtnl_fn *fn, void *ctx);
void rtnl_unsubscribe(struct rtnl *r, rtnl_fn *fn, void *ctx);

/*
 * One link's counters, asked for that link alone.
 *   0        *c are the link's counters now;
 *   1        the link is gone and *c are its last counters, from its
 *            RTM_DELLINK not yet dispatched (or being dispatched): waiting
 *            on the event socket (read now, its event dispatched from the
 *            loop later) or read already.  A session's end can come before
 *            the loop has read the deletion (pppd deletes the link, then
 *            runs ip-down).
 *   -ENODEV  the link is gone and no last counters are known (its
 *            RTM_DELLINK was dispatched already, or lost: RTNL_LINK_DEL
 *            subscribers got them, if the kernel sent them);
 *   -errno   the kernel could not be asked.
 */
int rtnl_counters(struct rtnl *r, int ifindex, struct link_counters *c);

struct link_stat {
	int ifindex;
	struct link_counters c;
};

/*
 * Every link's counters from one dump: *out (free() it; NULL when none),
 * sorted by ifindex for rtnl_counters_find().  Returns how many, or -errno
 * with *out NULL.
 */
ssize_t rtnl_counters_all(struct rtnl *r, struct link_stat **out);
/* The link's entry in v[0..n) from rtnl_counters_all(), or NULL. */
const struct link_stat *rtnl_counters_find(const struct link_stat *v, size_t n, int ifindex);

/*
 * A link of ours and its addresses, as adopting a session needs them: three
 * steps, one dump each at most, so that a caller asks only for what it
 * needs and decides what a failed step means.
 */
struct rtnl_linkaddr {
	/* rtnl_links() */
	int ifindex;
	char name[IF_NAMESIZE];
	/* rtnl_addrs() */
	bool has_addr;                  /* any address, IPv4 or IPv6: pppd sets
					 * them just before its ip-up, ipv6-up */
	char local[INET_ADDRSTRLEN];    /* the first IPv4 address's local, or "" */
	char peer[INET_ADDRSTRLEN];     /* the first IPv4 address's peer, or "" */
	/* The peer's IPv6 link-local, or "": pppd 2.5 puts it as the peer of
	 * its own address (rtnl_addrs() fills that); pppd 2.4 adds a /128
	 * route to it in the main table (rtnl_peer_lls() fills that). */
	char peer_ll[INET6_ADDRSTRLEN];
};

/*
 * The links whose name starts with prefix: every one (only NULL: one dump of
 * the links), or those of only[0..nonly) that still exist (each asked for
 * alone: no dump of every link for a few lost hooks).  *out (free() it; NULL
 * when none) in the kernel's dump order, or only[]'s, address fields empty.
 * Returns how many, or -errno with *out NULL.
 */
ssize_t rtnl_links(struct rtnl *r, const char *prefix, const int *only, size_t nonly,
		   struct rtnl_linkaddr **out);
/*
 * v[0..n)'s address fields, from one dump of the addresses.  0, or -errno
 * with the address fields empty.
 */
int rtnl_addrs(struct rtnl *r, struct rtnl_linkaddr *v, size_t n);
/*
 * v[i].peer_ll from the IPv6 /128 link-local routes of the main table, where
 * rtnl_addrs() found none: one more dump (the IPv6 routes), so only when a
 * link needs it.  0, or -errno (v unchanged).
 */
int rtnl_peer_lls(struct rtnl *r, struct rtnl_linkaddr *v, size_t n);

/*
 * The IPv6 route dst/len on the link ifindex in the main table (a session's
 * /64; a delegated prefix, via the subscriber's link-local; RADIUS's
 * Framed-IPv6-Route): added (replacing one to the same dst and metric) or
 * deleted; via NULL: on-link; metric 0: the kernel's default (a delete
 * with 0 takes the route whatever its metric).  0, or
 * -ENOENT (delete: none, or its link is gone), -EPERM, -ENOTCONN (no
 * rtnetlink), -errno.
 */
int rtnl_route6(struct rtnl *r, bool add, int ifindex, const struct in6_addr *dst, uint8_t len,
		const struct in6_addr *via, uint32_t metric);

/*
 * The decoders, pure (no I/O): acd's one reading of each message, for the
 * sockets above and for the unit tests.  Each returns 0, or -EINVAL for a
 * message of another type or a malformed one; an attribute too short for
 * its type is ignored, as if absent.
 */
/* RTM_NEWLINK, RTM_DELLINK */
int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_ifinfo *out);

/* RTM_NEWADDR, RTM_DELADDR: IFA_LOCAL is the local address; IFA_ADDRESS
 * is the peer when it differs from IFA_LOCAL, else (or without IFA_LOCAL,
 * as IPv6 sends it) the local address. */
struct rtnl_ifaddr {
	int ifindex;
	int family;                     /* AF_INET, AF_INET6 */
	bool has_local, has_peer;
	struct in6_addr local, peer;    /* AF_INET: the first 4 bytes */
};
int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_ifaddr *out);

/* RTM_NEWROUTE: a route of the main table to one IPv6 link-local address
 * (/128), and its first next hop's link: 0 with *ifindex and *dst, or
 * -ENOENT for any other route. */
int rtnl_parse_route_ll(const struct nlmsghdr *nlh, int *ifindex, struct in6_addr *dst);

#endif
