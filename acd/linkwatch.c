/*
 * linkwatch.c - level-triggered sessions: acd listens to the kernel's link
 * and address notifications.
 *   - A session whose interface disappears without an ip-down (pppd
 *     killed -9, a crash) is ended and its leftovers (the IFB) removed.
 *     The kernel already dropped the interface's qdiscs with it.
 *   - An interface with our prefix that gets an address (pppd sets it just
 *     before it runs ip-up or ipv6-up) and still has no session
 *     [pppd] adopt-after seconds later lost its hook (acd was busy or its
 *     socket full, and pppd does not retry): it is adopted as at start-up,
 *     shaped from its radattr file.  A sweep timer runs while such
 *     interfaces wait.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "acd.h"
#include "log.h"

struct waiting {
	int ifindex;
	ev_tstamp since;
};

struct linkwatch {
	struct acd *a;
	struct nl_sock *sk;
	ev_io w;
	ev_timer sweep;
	struct waiting *wait; /* links with an address and no session yet */
	size_t nwait, capwait;
	bool rescan;          /* notifications were lost: list the addresses */
	ev_tstamp rescanned;  /* when they were last listed */
};

static void rescan_addrs(struct linkwatch *lw);

/* an address on a link of ours without a session: its hook has
 * adopt-after seconds to arrive */
static void on_new_addr(struct linkwatch *lw, int ifindex)
{
	char name[IF_NAMESIZE];
	struct waiting *w;
	size_t i;

	if (session_by_ifindex(lw->a, ifindex) || !if_indextoname((unsigned)ifindex, name) ||
	    strncmp(name, lw->a->cfg.ifprefix, strlen(lw->a->cfg.ifprefix)) != 0)
		return;
	for (i = 0; i < lw->nwait; i++)
		if (lw->wait[i].ifindex == ifindex)
			return; /* its other address: the first one counts */
	if (lw->nwait == lw->capwait) {
		size_t cap = lw->capwait ? lw->capwait * 2 : 16;

		w = realloc(lw->wait, cap * sizeof(*w));
		if (!w) {
			log_warnx("linkwatch: out of memory: %s is not watched for a lost hook", name);
			return;
		}
		lw->wait = w;
		lw->capwait = cap;
	}
	lw->wait[lw->nwait++] = (struct waiting){ ifindex, ev_now(lw->a->loop) };
	if (!ev_is_active(&lw->sweep))
		ev_timer_again(lw->a->loop, &lw->sweep);
}

static void forget(struct linkwatch *lw, int ifindex)
{
	size_t i;

	for (i = 0; i < lw->nwait; i++)
		if (lw->wait[i].ifindex == ifindex) {
			lw->wait[i] = lw->wait[--lw->nwait];
			return;
		}
}

/* once a second while links wait: those whose hook came are dropped, those
 * past the grace time adopted, all in one pass over the kernel's links */
static void on_sweep(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct linkwatch *lw = t->data;
	ev_tstamp now = ev_now(loop), grace = (ev_tstamp)lw->a->cfg.adopt_after_s;
	int *due = NULL;
	size_t i = 0, ndue = 0;

	(void)revents;
	/* at most once per grace time: a storm can overflow the socket
	 * again and again, and each listing walks every address */
	if (lw->rescan && now - lw->rescanned >= grace) {
		lw->rescan = false;
		lw->rescanned = now;
		rescan_addrs(lw);
	}
	if (lw->nwait)
		due = malloc(lw->nwait * sizeof(*due));
	while (i < lw->nwait) {
		struct waiting *w = &lw->wait[i];

		if (session_by_ifindex(lw->a, w->ifindex)) {
			*w = lw->wait[--lw->nwait];
		} else if (now - w->since >= grace) {
			if (due)
				due[ndue++] = w->ifindex;
			*w = lw->wait[--lw->nwait];
		} else {
			i++;
		}
	}
	if (ndue)
		(void)session_adopt(lw->a, due, ndue);
	free(due);
	if (!lw->nwait && !lw->rescan)
		ev_timer_stop(loop, t);
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct linkwatch *lw = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ifinfomsg *ifi;
	struct session *s;

	if (nlh->nlmsg_type == RTM_NEWADDR && nlmsg_valid_hdr(nlh, sizeof(struct ifaddrmsg))) {
		on_new_addr(lw, (int)((struct ifaddrmsg *)nlmsg_data(nlh))->ifa_index);
		return NL_OK;
	}
	if (nlh->nlmsg_type != RTM_DELLINK || !nlmsg_valid_hdr(nlh, sizeof(*ifi)))
		return NL_OK;
	ifi = nlmsg_data(nlh);
	forget(lw, ifi->ifi_index);
	s = session_by_ifindex(lw->a, ifi->ifi_index);
	if (!s)
		return NL_OK;
	session_gone(lw->a, s);
	return NL_OK;
}

static int on_dump_addr(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_type == RTM_NEWADDR && nlmsg_valid_hdr(nlh, sizeof(struct ifaddrmsg)))
		on_new_addr(arg, (int)((struct ifaddrmsg *)nlmsg_data(nlh))->ifa_index);
	return NL_OK;
}

/*
 * Every address the kernel has, each message handled as it comes: with
 * 10 000 sessions and their IFBs, a dump kept whole (libnl's caches,
 * getifaddrs) would add tens of MB to acd's peak for a moment.
 */
static void rescan_addrs(struct linkwatch *lw)
{
	struct rtgenmsg g = { .rtgen_family = AF_UNSPEC };
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    nl_send_simple(sk, RTM_GETADDR, NLM_F_DUMP, &g, sizeof(g)) < 0) {
		log_warnx("linkwatch: cannot list addresses: a hook lost meanwhile waits for "
			  "acd's next start");
	} else {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_dump_addr, lw);
		(void)nl_recvmsgs_default(sk);
	}
	if (sk)
		nl_socket_free(sk);
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct linkwatch *lw = w->data;
	int rc;

	(void)loop;
	(void)revents;
	rc = nl_recvmsgs_default(lw->sk);
	if (rc == -NLE_NOMEM) {
		/* the socket overflowed: events were lost, so look again */
		log_warnx("linkwatch: notifications lost: checking every session");
		struct session *s, *next;

		for (s = lw->a->sessions; s; s = next) {
			next = s->next;
			if (shaper_ifindex(lw->a->sh, s->ifname) != s->ifindex)
				session_gone(lw->a, s);
		}
		/* and a link of ours with an address but no session may have
		 * lost its address notice: the sweep lists the addresses */
		lw->rescan = true;
		if (!ev_is_active(&lw->sweep))
			ev_timer_again(lw->a->loop, &lw->sweep);
	}
}

struct linkwatch *linkwatch_open(struct acd *a)
{
	struct linkwatch *lw = calloc(1, sizeof(*lw));

	if (!lw)
		return NULL;
	lw->a = a;
	lw->sk = nl_socket_alloc();
	if (!lw->sk || nl_connect(lw->sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(lw->sk, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
				      RTNLGRP_IPV6_IFADDR, 0) < 0) {
		if (lw->sk)
			nl_socket_free(lw->sk);
		free(lw);
		return NULL;
	}
	nl_socket_disable_seq_check(lw->sk);
	nl_socket_modify_cb(lw->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, lw);
	nl_socket_set_nonblocking(lw->sk);
	(void)nl_socket_set_buffer_size(lw->sk, 4 << 20, 0);
	ev_io_init(&lw->w, on_readable, nl_socket_get_fd(lw->sk), EV_READ);
	lw->w.data = lw;
	ev_io_start(a->loop, &lw->w);
	ev_init(&lw->sweep, on_sweep);
	lw->sweep.repeat = 1.0;
	lw->sweep.data = lw;
	return lw;
}

void linkwatch_close(struct linkwatch *lw)
{
	if (!lw)
		return;
	ev_io_stop(lw->a->loop, &lw->w);
	ev_timer_stop(lw->a->loop, &lw->sweep);
	nl_socket_free(lw->sk);
	free(lw->wait);
	free(lw);
}
