/*
 * rtnl.c - acd's one owner of rtnetlink (see rtnl.h): the event socket and
 * its subscribers, the request socket and its queries, and the decoders
 * every message goes through.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "errfmt.h"
#include "log.h"
#include "rtnl.h"

#define RTNL_RCVBUF (8 << 20)   /* a storm of 10 000 sessions' links */
#define RTNL_BATCH 64           /* datagrams read per wake-up, then dispatched */
#define RTNL_DRAIN 8192         /* at most, read for a deleted link's counters */

struct sub {
	rtnl_fn *fn;                    /* NULL: a free slot */
	void *ctx;
};

struct rtnl {
	struct ev_loop *loop;
	struct nl_sock *ev;             /* notifications */
	struct nl_cb *evcb;             /* its callbacks: on_event_msg() */
	struct nl_sock *req;            /* queries; NULL after a failure, reopened */
	ev_io w;
	struct sub *subs;
	size_t nsubs;
	/* events read and not yet dispatched, in the kernel's order */
	struct rtnl_event *q;
	size_t nq, capq;
	size_t next;                    /* dispatching: q[next] is the next one */
	bool dispatching;
	bool lost;                      /* a RTNL_RESYNC found no room in q */
};

/* ---- decoders --------------------------------------------------------------- */

/* The attributes after a message's fixed header of hdrlen bytes. */
static const struct rtattr *first_attr(const struct nlmsghdr *nlh, size_t hdrlen, int *len)
{
	*len = (int)nlh->nlmsg_len - (int)NLMSG_SPACE(hdrlen);
	return (const struct rtattr *)((const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(hdrlen));
}

static uint64_t get64(const unsigned char *p, size_t i)
{
	uint64_t v;

	memcpy(&v, p + i * sizeof(v), sizeof(v)); /* attributes are 4-aligned */
	return v;
}

static uint32_t get32(const unsigned char *p, size_t i)
{
	uint32_t v;

	memcpy(&v, p + i * sizeof(v), sizeof(v));
	return v;
}

/* rtnl_link_stats64 and rtnl_link_stats both begin rx_packets, tx_packets,
 * rx_bytes, tx_bytes: those four are all acd reads, so a struct the kernel
 * has since grown (or an older one) is read alike. */
int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_ifinfo *out)
{
	const struct ifinfomsg *ifi;
	const struct rtattr *rta;
	const unsigned char *s32 = NULL, *s64 = NULL;
	int len;

	memset(out, 0, sizeof(*out));
	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlh->nlmsg_len < NLMSG_SPACE(sizeof(*ifi)))
		return -EINVAL;
	ifi = NLMSG_DATA(nlh);
	out->ifindex = ifi->ifi_index;
	for (rta = first_attr(nlh, sizeof(*ifi), &len); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t plen = RTA_PAYLOAD(rta);

		switch (rta->rta_type) {
		case IFLA_IFNAME: {
			const char *name = RTA_DATA(rta);
			size_t n = strnlen(name, plen);

			if (n >= sizeof(out->name))
				n = sizeof(out->name) - 1;
			memcpy(out->name, name, n);
			out->name[n] = '\0';
			break;
		}
		case IFLA_STATS64:
			if (plen >= 4 * sizeof(uint64_t))
				s64 = RTA_DATA(rta);
			break;
		case IFLA_STATS:
			if (plen >= 4 * sizeof(uint32_t))
				s32 = RTA_DATA(rta);
			break;
		default:
			break;
		}
	}
	if (s64) {
		out->c = (struct link_counters){ .rx_packets = get64(s64, 0), .tx_packets = get64(s64, 1),
						 .rx_bytes = get64(s64, 2), .tx_bytes = get64(s64, 3) };
		out->has_counters = true;
	} else if (s32) {
		out->c = (struct link_counters){ .rx_packets = get32(s32, 0), .tx_packets = get32(s32, 1),
						 .rx_bytes = get32(s32, 2), .tx_bytes = get32(s32, 3) };
		out->has_counters = true;
	}
	return 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_ifaddr *out)
{
	const struct ifaddrmsg *ifa;
	const struct rtattr *rta;
	const void *local = NULL, *address = NULL;
	size_t alen;
	int len;

	memset(out, 0, sizeof(*out));
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    nlh->nlmsg_len < NLMSG_SPACE(sizeof(*ifa)))
		return -EINVAL;
	ifa = NLMSG_DATA(nlh);
	out->ifindex = (int)ifa->ifa_index;
	out->family = ifa->ifa_family;
	alen = addr_len(ifa->ifa_family);
	for (rta = first_attr(nlh, sizeof(*ifa), &len); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (!alen || RTA_PAYLOAD(rta) < alen)
			continue;
		if (rta->rta_type == IFA_LOCAL)
			local = RTA_DATA(rta);
		else if (rta->rta_type == IFA_ADDRESS)
			address = RTA_DATA(rta);
	}
	if (local) {
		memcpy(&out->local, local, alen);
		out->has_local = true;
	}
	if (address && local && memcmp(address, local, alen) != 0) {
		memcpy(&out->peer, address, alen);
		out->has_peer = true;
	} else if (address) {
		memcpy(&out->local, address, alen);
		out->has_local = true;
	}
	return 0;
}

int rtnl_parse_route_ll(const struct nlmsghdr *nlh, int *ifindex, struct in6_addr *dst)
{
	const struct rtmsg *rtm;
	const struct rtattr *rta;
	const void *d = NULL;
	uint32_t table, oif = 0;
	bool has_oif = false;
	int len;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < NLMSG_SPACE(sizeof(*rtm)))
		return -EINVAL;
	rtm = NLMSG_DATA(nlh);
	table = rtm->rtm_table;
	for (rta = first_attr(nlh, sizeof(*rtm), &len); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t plen = RTA_PAYLOAD(rta);

		switch (rta->rta_type) {
		case RTA_TABLE:
			if (plen >= sizeof(uint32_t))
				table = get32(RTA_DATA(rta), 0);
			break;
		case RTA_DST:
			if (plen >= sizeof(struct in6_addr))
				d = RTA_DATA(rta);
			break;
		case RTA_OIF:
			if (plen >= sizeof(uint32_t)) {
				oif = get32(RTA_DATA(rta), 0);
				has_oif = true;
			}
			break;
		case RTA_MULTIPATH: /* the first next hop */
			if (!has_oif && plen >= sizeof(struct rtnexthop)) {
				const struct rtnexthop *nh = RTA_DATA(rta);

				if (nh->rtnh_len >= sizeof(*nh) && nh->rtnh_len <= plen) {
					oif = (uint32_t)nh->rtnh_ifindex;
					has_oif = true;
				}
			}
			break;
		default:
			break;
		}
	}
	if (rtm->rtm_family != AF_INET6 || rtm->rtm_dst_len != 128 || table != RT_TABLE_MAIN ||
	    !d || !has_oif || (int)oif <= 0)
		return -ENOENT;
	memcpy(dst, d, sizeof(*dst));
	if (!IN6_IS_ADDR_LINKLOCAL(dst))
		return -ENOENT;
	*ifindex = (int)oif;
	return 0;
}

/* ---- the event socket --------------------------------------------------------- */

static int enqueue(struct rtnl *r, const struct rtnl_event *ev)
{
	if (r->nq == r->capq) {
		size_t cap = r->capq ? r->capq * 2 : 64;
		struct rtnl_event *q = realloc(r->q, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		r->q = q;
		r->capq = cap;
	}
	r->q[r->nq++] = *ev;
	return 0;
}

/* Events were lost (the socket overflowed, or no memory to queue them):
 * one RTNL_RESYNC where they were, one for a run of losses not yet
 * dispatched. */
static void lost(struct rtnl *r)
{
	struct rtnl_event ev = { .type = RTNL_RESYNC };

	if (r->nq > r->next && r->q[r->nq - 1].type == RTNL_RESYNC)
		return;
	if (enqueue(r, &ev) < 0)
		r->lost = true; /* dispatch() sends it after the queue */
}

static int on_event_msg(struct nl_msg *msg, void *arg)
{
	struct rtnl *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct rtnl_event ev = { 0 };
	struct rtnl_ifaddr ad;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (rtnl_parse_link(nlh, &ev.link) < 0)
			return NL_OK;
		ev.type = nlh->nlmsg_type == RTM_NEWLINK ? RTNL_LINK_NEW : RTNL_LINK_DEL;
		break;
	case RTM_NEWADDR:
		if (rtnl_parse_addr(nlh, &ad) < 0)
			return NL_OK;
		ev.type = RTNL_ADDR_NEW;
		ev.link.ifindex = ad.ifindex;
		break;
	default:
		return NL_OK;
	}
	if (enqueue(r, &ev) < 0)
		lost(r);
	return NL_OK;
}

/*
 * Read up to max datagrams into the queue; false once the socket is empty.
 * An overflow queues RTNL_RESYNC where the events were lost, and reading
 * goes on: the socket works again after its error.
 */
static bool read_events(struct rtnl *r, unsigned max)
{
	unsigned n;

	for (n = 0; n < max; n++) {
		int rc = nl_recvmsgs_report(r->ev, r->evcb);

		if (rc == -NLE_NOMEM) /* ENOBUFS */
			lost(r);
		else if (rc <= 0)
			return false; /* EAGAIN: all read */
	}
	return true;
}

/* The queued events to every subscriber.  A subscriber's query may queue
 * more meanwhile: they are dispatched in this same pass, in order. */
static void dispatch(struct rtnl *r)
{
	size_t j;

	if (r->dispatching)
		return;
	r->dispatching = true;
	for (;;) {
		struct rtnl_event ev;

		if (r->next < r->nq) {
			ev = r->q[r->next++]; /* a copy: the queue may move meanwhile */
		} else if (r->lost) {
			ev = (struct rtnl_event){ .type = RTNL_RESYNC };
			r->lost = false;
		} else {
			break;
		}
		for (j = 0; j < r->nsubs; j++)
			if (r->subs[j].fn)
				r->subs[j].fn(&ev, r->subs[j].ctx);
	}
	r->nq = r->next = 0;
	r->dispatching = false;
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rtnl *r = w->data;

	(void)loop;
	(void)revents;
	dispatch(r); /* what a query read since, first: the kernel's order */
	read_events(r, RTNL_BATCH);
	dispatch(r);
}

int rtnl_subscribe(struct rtnl *r, rtnl_fn *fn, void *ctx)
{
	struct sub *v;
	size_t i;

	if (!r)
		return -ENOTCONN;
	for (i = 0; i < r->nsubs; i++)
		if (!r->subs[i].fn && !r->dispatching) {
			r->subs[i] = (struct sub){ fn, ctx };
			return 0;
		}
	v = realloc(r->subs, (r->nsubs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->subs = v;
	r->subs[r->nsubs++] = (struct sub){ fn, ctx };
	return 0;
}

void rtnl_unsubscribe(struct rtnl *r, rtnl_fn *fn, void *ctx)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsubs; i++)
		if (r->subs[i].fn == fn && r->subs[i].ctx == ctx)
			r->subs[i].fn = NULL; /* the slot stays: a dispatch may be walking them */
}

/* ---- the request socket ------------------------------------------------------- */

/* A query's socket: opened at start, and again after a failed query, which
 * may have left a reply half read. */
static struct nl_sock *req_sock(struct rtnl *r)
{
	if (!r->req) {
		r->req = nl_socket_alloc();
		if (r->req && nl_connect(r->req, NETLINK_ROUTE) < 0) {
			nl_socket_free(r->req);
			r->req = NULL;
		}
	}
	return r->req;
}

static void req_failed(struct rtnl *r)
{
	if (r->req)
		nl_socket_free(r->req);
	r->req = NULL;
}

static int nl_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_DUMP_INTR:
		return -EINTR; /* the links changed during the dump */
	default:
		return -EIO;
	}
}

/*
 * Send type with the fixed header hdr (a dump when flags has NLM_F_DUMP) and
 * hand each reply message to fn(nlh, arg); fn returns 0, or -ENOMEM to stop
 * keeping (the reply is still read to its end).  0 or -errno.
 */
typedef int reply_fn(const struct nlmsghdr *nlh, void *arg);

struct call {
	reply_fn *fn;
	void *arg;
	int err;
	bool got;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct call *c = arg;

	c->got = true;
	if (!c->err)
		c->err = c->fn(nlmsg_hdr(msg), c->arg);
	return NL_OK;
}

static int request(struct rtnl *r, int type, int flags, void *hdr, size_t hdrlen, reply_fn *fn,
		   void *arg)
{
	struct nl_sock *sk = req_sock(r);
	struct call c = { fn, arg, 0, false };
	struct nl_cb *cb;
	int rc;

	if (!sk)
		return -ENOBUFS;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &c);
	rc = nl_send_simple(sk, type, flags, hdr, (int)hdrlen);
	if (rc >= 0)
		rc = nl_recvmsgs(sk, cb);
	/* a single object's reply comes before its ack (libnl asks for one) */
	if (rc >= 0 && !(flags & NLM_F_DUMP) && c.got)
		rc = nl_wait_for_ack(sk);
	nl_cb_put(cb);
	if (rc < 0) {
		rc = nl_errno(rc);
		if (rc != -ENODEV && rc != -EINTR) /* the kernel's answer was read whole */
			req_failed(r);
		return rc;
	}
	return c.err;
}

/*
 * A dump, again while the kernel marks it interrupted (NLM_F_DUMP_INTR: the
 * table changed under it, as when a hundred ppp links come up at once):
 * reset(arg) before each new try throws away what the last one gave.
 * -EINTR after DUMP_TRIES interrupted tries.
 */
#define DUMP_TRIES 5

static int dump(struct rtnl *r, int type, void *hdr, size_t hdrlen, reply_fn *fn,
		void (*reset)(void *arg), void *arg)
{
	int rc = -EINTR, i;

	for (i = 0; i < DUMP_TRIES && rc == -EINTR; i++) {
		if (i)
			reset(arg);
		rc = request(r, type, NLM_F_DUMP, hdr, hdrlen, fn, arg);
	}
	return rc;
}

/* ---- counters ------------------------------------------------------------------- */

static int one_link(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_ifinfo *li = arg;

	if (nlh->nlmsg_type == RTM_NEWLINK)
		(void)rtnl_parse_link(nlh, li);
	return 0;
}

/* RTM_GETLINK for one link: 0 with *li, -ENODEV, -errno */
static int get_link(struct rtnl *r, int ifindex, struct rtnl_ifinfo *li)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	int rc;

	memset(li, 0, sizeof(*li));
	rc = request(r, RTM_GETLINK, 0, &ifi, sizeof(ifi), one_link, li);
	if (rc == 0 && li->ifindex != ifindex)
		rc = -ENODEV;
	return rc;
}

/* A deleted link's last counters among the events not yet dispatched. */
static bool queued_final(const struct rtnl *r, int ifindex, struct link_counters *c)
{
	size_t i = r->nq;

	while (i-- > 0)
		if (r->q[i].type == RTNL_LINK_DEL && r->q[i].link.ifindex == ifindex &&
		    r->q[i].link.has_counters) {
			*c = r->q[i].link.c;
			return true;
		}
	return false;
}

int rtnl_counters(struct rtnl *r, int ifindex, struct link_counters *c)
{
	struct rtnl_ifinfo li;
	unsigned n = 0;
	int rc;

	if (!r)
		return -ENOTCONN;
	rc = get_link(r, ifindex, &li);
	if (rc == 0) {
		*c = li.c; /* zero without statistics, as no counters */
		return 0;
	}
	if (rc != -ENODEV)
		return rc;
	/* gone: its deletion may wait on the event socket, unread.  The
	 * socket holds a few thousand messages at most; a storm that keeps
	 * filling it does not keep the caller here. */
	while (!queued_final(r, ifindex, c) && n++ < RTNL_DRAIN / RTNL_BATCH &&
	       read_events(r, RTNL_BATCH))
		;
	if (r->nq)
		ev_feed_event(r->loop, &r->w, EV_READ); /* dispatched from the loop */
	return queued_final(r, ifindex, c) ? 1 : -ENODEV;
}

struct stats {
	struct link_stat *v;
	size_t n, cap;
};

static int stat_link(const struct nlmsghdr *nlh, void *arg)
{
	struct stats *t = arg;
	struct rtnl_ifinfo li;

	if (rtnl_parse_link(nlh, &li) < 0 || !li.has_counters)
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct link_stat *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct link_stat){ li.ifindex, li.c };
	return 0;
}

static void stat_reset(void *arg)
{
	((struct stats *)arg)->n = 0;
}

static int stat_cmp(const void *x, const void *y)
{
	const struct link_stat *a = x, *b = y;

	return (a->ifindex > b->ifindex) - (a->ifindex < b->ifindex);
}

ssize_t rtnl_counters_all(struct rtnl *r, struct link_stat **out)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct stats t = { 0 };
	int rc;

	*out = NULL;
	if (!r)
		return -ENOTCONN;
	rc = dump(r, RTM_GETLINK, &ifi, sizeof(ifi), stat_link, stat_reset, &t);
	if (rc < 0) {
		free(t.v);
		return rc;
	}
	if (t.n)
		qsort(t.v, t.n, sizeof(t.v[0]), stat_cmp);
	*out = t.v;
	return (ssize_t)t.n;
}

const struct link_stat *rtnl_counters_find(const struct link_stat *v, size_t n, int ifindex)
{
	struct link_stat key = { .ifindex = ifindex };

	return n ? bsearch(&key, v, n, sizeof(key), stat_cmp) : NULL;
}

/* ---- links and their addresses -------------------------------------------------- */

struct ipos {
	int ifindex;
	size_t pos;
};

struct links {
	const char *prefix;
	size_t plen;
	struct rtnl_linkaddr *v;
	size_t n, cap;
	struct ipos *by_index;          /* v's positions, sorted by ifindex */
};

static void links_reset(void *arg)
{
	((struct links *)arg)->n = 0;
}

static int add_link(struct links *l, const struct rtnl_ifinfo *li)
{
	if (strncmp(li->name, l->prefix, l->plen) != 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct rtnl_linkaddr *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = (struct rtnl_linkaddr){ .ifindex = li->ifindex };
	memcpy(l->v[l->n].name, li->name, sizeof(li->name));
	l->n++;
	return 0;
}

static int dump_link(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl_ifinfo li;

	if (nlh->nlmsg_type != RTM_NEWLINK || rtnl_parse_link(nlh, &li) < 0)
		return 0;
	return add_link(arg, &li);
}

static int ipos_cmp(const void *x, const void *y)
{
	const struct ipos *a = x, *b = y;

	return (a->ifindex > b->ifindex) - (a->ifindex < b->ifindex);
}

/* The links stay in the kernel's order (the order sessions are made in);
 * the index finds them for the address and route messages. */
static int index_links(struct links *l)
{
	size_t i;

	l->by_index = malloc(l->n * sizeof(*l->by_index));
	if (!l->by_index)
		return -ENOMEM;
	for (i = 0; i < l->n; i++)
		l->by_index[i] = (struct ipos){ l->v[i].ifindex, i };
	qsort(l->by_index, l->n, sizeof(*l->by_index), ipos_cmp);
	return 0;
}

static struct rtnl_linkaddr *find_link(const struct links *l, int ifindex)
{
	struct ipos key = { .ifindex = ifindex };
	const struct ipos *p = l->n ? bsearch(&key, l->by_index, l->n, sizeof(key), ipos_cmp) : NULL;

	return p ? &l->v[p->pos] : NULL;
}

static int dump_addr(const struct nlmsghdr *nlh, void *arg)
{
	struct links *l = arg;
	struct rtnl_ifaddr ad;
	struct rtnl_linkaddr *x;

	if (nlh->nlmsg_type != RTM_NEWADDR || rtnl_parse_addr(nlh, &ad) < 0)
		return 0;
	x = find_link(l, ad.ifindex);
	if (!x)
		return 0;
	x->has_addr = true;
	if (ad.family == AF_INET) {
		if (ad.has_local && !x->local[0])
			inet_ntop(AF_INET, &ad.local, x->local, sizeof(x->local));
		if (ad.has_peer && !x->peer[0])
			inet_ntop(AF_INET, &ad.peer, x->peer, sizeof(x->peer));
	} else if (ad.family == AF_INET6 && ad.has_peer && IN6_IS_ADDR_LINKLOCAL(&ad.peer)) {
		inet_ntop(AF_INET6, &ad.peer, x->peer_ll, sizeof(x->peer_ll));
	}
	return 0;
}

ssize_t rtnl_links(struct rtnl *r, const char *prefix, const int *only, size_t nonly,
		   struct rtnl_linkaddr **out)
{
	struct links l = { .prefix = prefix ? prefix : "" };
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	int rc = 0;

	*out = NULL;
	if (!r)
		return -ENOTCONN;
	l.plen = strlen(l.prefix);
	if (only) {
		size_t i;

		for (i = 0; i < nonly && rc == 0; i++) {
			struct rtnl_ifinfo li;

			if (get_link(r, only[i], &li) == 0) /* else gone meanwhile */
				rc = add_link(&l, &li);
		}
	} else {
		rc = dump(r, RTM_GETLINK, &ifi, sizeof(ifi), dump_link, links_reset, &l);
	}
	if (rc < 0) {
		free(l.v);
		return rc;
	}
	*out = l.v;
	return (ssize_t)l.n;
}

/* no address known of any link */
static void addrs_reset(void *arg)
{
	struct links *l = arg;
	size_t i;

	for (i = 0; i < l->n; i++) {
		l->v[i].has_addr = false;
		l->v[i].local[0] = l->v[i].peer[0] = l->v[i].peer_ll[0] = '\0';
	}
}

int rtnl_addrs(struct rtnl *r, struct rtnl_linkaddr *v, size_t n)
{
	struct links l = { .v = v, .n = n };
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
	int rc;

	addrs_reset(&l);
	if (!n)
		return 0;
	if (!r)
		return -ENOTCONN;
	rc = index_links(&l);
	if (rc == 0)
		rc = dump(r, RTM_GETADDR, &ifa, sizeof(ifa), dump_addr, addrs_reset, &l);
	if (rc < 0) /* what the dump gave before it failed goes too */
		addrs_reset(&l);
	free(l.by_index);
	return rc;
}

struct lls {
	const struct links *l;
	struct in6_addr *ll;            /* by position in l->v */
	bool *has;
};

static int dump_route(const struct nlmsghdr *nlh, void *arg)
{
	struct lls *t = arg;
	struct rtnl_linkaddr *x;
	struct in6_addr dst;
	int ifindex;

	if (rtnl_parse_route_ll(nlh, &ifindex, &dst) < 0)
		return 0;
	x = find_link(t->l, ifindex);
	if (x) { /* the last route counts, as libnl's cache had it */
		t->ll[x - t->l->v] = dst;
		t->has[x - t->l->v] = true;
	}
	return 0;
}

static void lls_reset(void *arg)
{
	struct lls *t = arg;

	memset(t->has, 0, t->l->n * sizeof(*t->has));
}

int rtnl_peer_lls(struct rtnl *r, struct rtnl_linkaddr *v, size_t n)
{
	struct links l = { .v = v, .n = n };
	struct rtmsg rtm = { .rtm_family = AF_INET6 };
	struct lls t = { &l, NULL, NULL };
	size_t i;
	int rc;

	if (!n)
		return 0;
	if (!r)
		return -ENOTCONN;
	t.ll = calloc(n, sizeof(*t.ll));
	t.has = calloc(n, sizeof(*t.has));
	rc = !t.ll || !t.has ? -ENOMEM : index_links(&l);
	if (rc == 0)
		rc = dump(r, RTM_GETROUTE, &rtm, sizeof(rtm), dump_route, lls_reset, &t);
	if (rc == 0)
		for (i = 0; i < n; i++)
			if (t.has[i] && !v[i].peer_ll[0])
				inet_ntop(AF_INET6, &t.ll[i], v[i].peer_ll, sizeof(v[i].peer_ll));
	free(l.by_index);
	free(t.ll);
	free(t.has);
	return rc;
}

/* ---- open, close ------------------------------------------------------------------ */

/*
 * The event socket's receive buffer.  SO_RCVBUF (libnl's
 * nl_socket_set_buffer_size) is cut to net.core.rmem_max without a word:
 * 208 kB on a stock kernel, which 100 sessions dialing at once overflowed
 * every time in the VM.  SO_RCVBUFFORCE is not, for a process with
 * CAP_NET_ADMIN (acd needs it to shape); without it, SO_RCVBUF's share.
 * The kernel doubles what it is given (its bookkeeping) and reports that:
 * the size got, to compare with twice RTNL_RCVBUF.
 */
static int event_rcvbuf(int fd)
{
	int want = RTNL_RCVBUF, got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0)
		return -errno;
	return got;
}

struct rtnl *rtnl_open(struct ev_loop *loop, char *err, size_t errlen)
{
	struct rtnl *r = calloc(1, sizeof(*r));
	int rcvbuf;

	if (!r) {
		errfmt(err, errlen, "rtnetlink: out of memory");
		return NULL;
	}
	r->loop = loop;
	r->ev = nl_socket_alloc();
	if (!r->ev || nl_connect(r->ev, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(r->ev, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
				      RTNLGRP_IPV6_IFADDR, 0) < 0 || !req_sock(r)) {
		errfmt(err, errlen, "cannot watch network links (netlink)");
		rtnl_close(r);
		return NULL;
	}
	nl_socket_disable_seq_check(r->ev);
	nl_socket_modify_cb(r->ev, NL_CB_VALID, NL_CB_CUSTOM, on_event_msg, r);
	r->evcb = nl_socket_get_cb(r->ev); /* a reference, put at close */
	nl_socket_set_nonblocking(r->ev);
	rcvbuf = event_rcvbuf(nl_socket_get_fd(r->ev));
	if (rcvbuf < 2 * RTNL_RCVBUF)
		log_warnx("rtnetlink: the event socket's buffer is %d kB, not the %d kB asked for "
			  "(acd lacks CAP_NET_ADMIN?): a storm of links may overflow it and cost "
			  "acd a full check (raise net.core.rmem_max)",
			  rcvbuf < 0 ? 0 : rcvbuf / 1024, 2 * RTNL_RCVBUF / 1024);
	ev_io_init(&r->w, on_readable, nl_socket_get_fd(r->ev), EV_READ);
	r->w.data = r;
	ev_io_start(loop, &r->w);
	return r;
}

void rtnl_close(struct rtnl *r)
{
	if (!r)
		return;
	if (r->loop)
		ev_io_stop(r->loop, &r->w);
	if (r->evcb)
		nl_cb_put(r->evcb);
	if (r->ev)
		nl_socket_free(r->ev);
	if (r->req)
		nl_socket_free(r->req);
	free(r->subs);
	free(r->q);
	free(r);
}

/* ---- routes ----------------------------------------------------------------------- */

int rtnl_route6(struct rtnl *r, bool add, int ifindex, const struct in6_addr *dst, uint8_t len,
		const struct in6_addr *via, uint32_t metric)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
		.rtm_dst_len = len,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_sock *sk;
	struct nl_msg *msg;
	uint32_t oif = (uint32_t)ifindex;
	int rc;

	if (!r)
		return -ENOTCONN;
	if (ifindex <= 0 || len > 128)
		return -EINVAL;
	sk = req_sock(r);
	if (!sk)
		return -ENOBUFS;
	msg = nlmsg_alloc_simple(add ? RTM_NEWROUTE : RTM_DELROUTE,
				 add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, sizeof(*dst), dst) < 0 ||
	    nla_put_u32(msg, RTA_OIF, oif) < 0 ||
	    (via && nla_put(msg, RTA_GATEWAY, sizeof(*via), via) < 0) ||
	    (metric && nla_put_u32(msg, RTA_PRIORITY, metric) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	rc = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (rc >= 0)
		rc = nl_wait_for_ack(sk);
	if (rc < 0) {
		switch (-rc) {
		case NLE_EXIST:
			return -EEXIST;
		case NLE_OBJ_NOTFOUND:
		case NLE_NODEV:
			return -ENOENT; /* no such route, or its link went (with it) */
		case NLE_PERM:
			return -EPERM;
		default:
			req_failed(r);
			return -EIO;
		}
	}
	return 0;
}
