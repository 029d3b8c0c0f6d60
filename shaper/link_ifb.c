/*
 * link_ifb.c - the per-session IFB device of upload mode ifb.
 *
 * Ownership is written on the device itself: its alias is
 * "acd-shaper owner=<ifindex>", so a restarted daemon, `shaper_gc()` or an
 * operator can tell our IFBs from anyone else's and find the ones whose
 * owner vanished.
 */
#include <stdio.h>

#include <net/if.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/route/link.h>

#include "shaper_int.h"

struct nl_msg *sh_build_ifb_add(const char *name, int owner_ifindex)
{
	struct rtnl_link *link = rtnl_link_alloc();
	struct nl_msg *msg = NULL;
	char alias[64];

	if (!link)
		return NULL;
	snprintf(alias, sizeof(alias), SH_IFB_ALIAS "%d", owner_ifindex);
	rtnl_link_set_name(link, name);
	rtnl_link_set_ifalias(link, alias);
	/*
	 * An IFB never needs addresses.  Below IPv6's minimum MTU the kernel
	 * gives it no IPv6 state at all; with one, its coming up and going
	 * down each walk the namespace's whole IPv6 route table (and so does
	 * switching IPv6 off by sysctl), so set-up would slow with every
	 * session.  Nothing on the IFB reads this MTU: mirred hands it
	 * packets of any size, and our qdiscs there take the session link's.
	 */
	rtnl_link_set_mtu(link, SH_IFB_MTU);
	if (rtnl_link_set_type(link, "ifb") < 0 ||
	    rtnl_link_build_add_request(link, NLM_F_CREATE | NLM_F_EXCL, &msg) < 0)
		msg = NULL;
	rtnl_link_put(link);
	return msg;
}

/* The kernel ignores IFLA_IFALIAS when it creates a link: set it after,
 * and bring the device up with it. */
struct nl_msg *sh_build_link_alias(int ifindex, int owner_ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
				 .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	char alias[64];

	if (!msg)
		return NULL;
	snprintf(alias, sizeof(alias), SH_IFB_ALIAS "%d", owner_ifindex);
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFALIAS, alias) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *sh_build_link_del(int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}
