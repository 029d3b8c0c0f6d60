/*
 * linkwatch.c - level-triggered session ends: acd listens to the kernel's
 * link notifications, and a session whose interface disappears without an
 * ip-down (pppd killed -9, a crash) is ended and its leftovers (the IFB)
 * removed.  The kernel already dropped the interface's qdiscs with it.
 */
#include <errno.h>
#include <stdlib.h>

#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "acd.h"
#include "log.h"

struct linkwatch {
	struct acd *a;
	struct nl_sock *sk;
	ev_io w;
};

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct linkwatch *lw = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ifinfomsg *ifi;
	struct session *s;

	if (nlh->nlmsg_type != RTM_DELLINK || !nlmsg_valid_hdr(nlh, sizeof(*ifi)))
		return NL_OK;
	ifi = nlmsg_data(nlh);
	s = session_by_ifindex(lw->a, ifi->ifi_index);
	if (!s)
		return NL_OK;
	session_gone(lw->a, s);
	return NL_OK;
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
	    nl_socket_add_membership(lw->sk, RTNLGRP_LINK) < 0) {
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
	return lw;
}

void linkwatch_close(struct linkwatch *lw)
{
	if (!lw)
		return;
	ev_io_stop(lw->a->loop, &lw->w);
	nl_socket_free(lw->sk);
	free(lw);
}
