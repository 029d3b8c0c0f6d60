/*
 * nl.c - the handle: one NETLINK_ROUTE socket, sending requests and
 * collecting replies, acks and the kernel's extended-ack messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <net/if.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "errfmt.h"
#include "shaper_int.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct talk {
	struct shaper *sh;
	int err;                /* -errno from NLMSG_ERROR, 0 on ack */
	bool done;
	sh_reply_fn cb;
	void *arg;
	int cberr;
};

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct talk *t = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = sizeof(*e);

	(void)who;
	t->err = e->error;
	t->done = true;
	t->sh->kmsg[0] = '\0';
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
		int len;

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
		if (len > 0 &&
		    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off), len,
			      NULL) == 0 &&
		    tb[NLMSGERR_ATTR_MSG])
			nla_strlcpy(t->sh->kmsg, tb[NLMSGERR_ATTR_MSG], sizeof(t->sh->kmsg));
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	if (t->cb && !t->cberr)
		t->cberr = t->cb(msg, t->arg);
	return NL_OK;
}

static int exchange(struct shaper *sh, struct nl_msg *msg, sh_reply_fn cb, void *arg)
{
	struct talk t = { .sh = sh, .cb = cb, .arg = arg };
	struct nl_cb *c = sh->cb;
	int rc;

	sh->kmsg[0] = '\0';
	/* the callbacks live as long as the handle; only their argument,
	 * this exchange's state, changes */
	nl_cb_err(c, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(c, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(c, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);

	rc = nl_send_auto(sh->sk, msg);
	nlmsg_free(msg);
	if (rc < 0)
		return rc == -NLE_NOMEM ? -ENOMEM : -EIO;
	while (!t.done) {
		rc = nl_recvmsgs(sh->sk, c);
		if (rc < 0 && !t.done)
			return -EIO;
	}
	if (t.err)
		return t.err;
	return t.cberr;
}

int sh_talk(struct shaper *sh, struct nl_msg *msg)
{
	if (!msg)
		return -ENOMEM;
	return exchange(sh, msg, NULL, NULL);
}

int sh_query(struct shaper *sh, struct nl_msg *msg, sh_reply_fn cb, void *arg)
{
	if (!msg)
		return -ENOMEM;
	/* Old kernels only unicast a single GET's reply when asked to echo;
	 * newer ones always do and ignore the flag. */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ECHO;
	return exchange(sh, msg, cb, arg);
}

int shaper_open(struct shaper **out)
{
	struct shaper *sh = calloc(1, sizeof(*sh));
	int one = 1, fd;

	if (!sh)
		return -SHAPER_ENOMEM;
	sh->sk = nl_socket_alloc();
	sh->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!sh->sk || !sh->cb) {
		if (sh->sk)
			nl_socket_free(sh->sk);
		if (sh->cb)
			nl_cb_put(sh->cb);
		free(sh);
		return -SHAPER_ENOMEM;
	}
	if (nl_connect(sh->sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sh->sk);
		nl_cb_put(sh->cb);
		free(sh);
		return -SHAPER_EKERNEL;
	}
	fd = nl_socket_get_fd(sh->sk);
	/* the kernel's own words for errors, without echoing our request */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*out = sh;
	return 0;
}

void shaper_close(struct shaper *sh)
{
	if (!sh)
		return;
	nl_socket_free(sh->sk);
	nl_cb_put(sh->cb);
	free(sh);
}

const char *shaper_errmsg(const struct shaper *sh)
{
	return sh ? sh->err : "";
}

static int link_fill(struct rtnl_link *l, int *ifindex, char name[16], unsigned *mtu,
		     char *alias, size_t aliaslen, char *kind, size_t kindlen)
{
	const char *s;

	if (ifindex)
		*ifindex = rtnl_link_get_ifindex(l);
	if (name)
		snprintf(name, 16, "%s", rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "");
	if (mtu)
		*mtu = rtnl_link_get_mtu(l);
	if (alias && aliaslen) {
		s = rtnl_link_get_ifalias(l);
		snprintf(alias, aliaslen, "%s", s ? s : "");
	}
	if (kind && kindlen) {
		s = rtnl_link_get_type(l);
		snprintf(kind, kindlen, "%s", s ? s : "");
	}
	rtnl_link_put(l);
	return 0;
}

static int link_err(int rc)
{
	return (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV || rc == -NLE_INVAL) ?
		       -SHAPER_ENODEV : -SHAPER_EKERNEL;
}

/*
 * Name and MTU, or a name's index, by the old interface ioctls on our own
 * socket (any socket answers them, in its namespace): a few hundred
 * bytes of work instead of a full RTM_NEWLINK with every statistic, built
 * by the kernel and parsed by libnl, on the path of every session.
 * 1 found, 0 not answered (ask over netlink), -SHAPER_ENODEV no such link.
 */
static int link_by_ioctl(struct shaper *sh, int ifindex, const char *byname, char name[16],
			 unsigned *mtu, int *idx)
{
	int fd = nl_socket_get_fd(sh->sk);
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (byname) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", byname);
		if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
			return errno == ENODEV ? -SHAPER_ENODEV : 0;
		if (idx)
			*idx = ifr.ifr_ifindex;
		return 1;
	}
	ifr.ifr_ifindex = ifindex;
	if (ioctl(fd, SIOCGIFNAME, &ifr) < 0)
		return errno == ENODEV ? -SHAPER_ENODEV : 0;
	if (name)
		snprintf(name, 16, "%s", ifr.ifr_name);
	if (mtu) {
		if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
			return errno == ENODEV ? -SHAPER_ENODEV : 0;
		*mtu = (unsigned)ifr.ifr_mtu;
	}
	return 1;
}

int sh_link_info(struct shaper *sh, int ifindex, char name[16], unsigned *mtu,
		 char *alias, size_t aliaslen, char *kind, size_t kindlen)
{
	struct rtnl_link *l = NULL;
	int rc;

	if (ifindex <= 0)
		return -SHAPER_ENODEV;
	if (!(alias && aliaslen) && !(kind && kindlen)) {
		rc = link_by_ioctl(sh, ifindex, NULL, name, mtu, NULL);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	rc = rtnl_link_get_kernel(sh->sk, ifindex, NULL, &l);
	if (rc < 0)
		return link_err(rc);
	return link_fill(l, NULL, name, mtu, alias, aliaslen, kind, kindlen);
}

int sh_link_by_name(struct shaper *sh, const char *name, int *ifindex,
		    char *alias, size_t aliaslen, char *kind, size_t kindlen)
{
	struct rtnl_link *l = NULL;
	int rc;

	if (!(alias && aliaslen) && !(kind && kindlen) && strlen(name) < IFNAMSIZ) {
		rc = link_by_ioctl(sh, 0, name, NULL, NULL, ifindex);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	rc = rtnl_link_get_kernel(sh->sk, 0, name, &l);
	if (rc < 0)
		return link_err(rc);
	return link_fill(l, ifindex, NULL, NULL, alias, aliaslen, kind, kindlen);
}

int shaper_ifindex(struct shaper *sh, const char *ifname)
{
	int idx = 0, rc;

	sh->err[0] = '\0';
	if (!ifname || !*ifname || strlen(ifname) > 15) {
		errfmt(sh->err, sizeof(sh->err), "\"%s\": not an interface name (1 to 15 characters)",
		       ifname ? ifname : "");
		return -SHAPER_ENODEV;
	}
	rc = sh_link_by_name(sh, ifname, &idx, NULL, 0, NULL, 0);
	if (rc < 0) {
		errfmt(sh->err, sizeof(sh->err), "%s: no such interface", ifname);
		return rc;
	}
	return idx;
}
