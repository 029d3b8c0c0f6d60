/*
 * msg.c - the common header of every tc message (struct tcmsg + TCA_KIND).
 */
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "shaper_int.h"

struct nl_msg *sh_msg_tc(int type, int flags, int ifindex, uint32_t parent,
			 uint32_t handle, uint32_t info, const char *kind)
{
	struct tcmsg t = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_handle = handle,
		.tcm_parent = parent,
		.tcm_info = info,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &t, sizeof(t), NLMSG_ALIGNTO) < 0 ||
	    (kind && nla_put_string(msg, TCA_KIND, kind) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *sh_build_qdisc_del(int ifindex, uint32_t parent, uint32_t handle)
{
	return sh_msg_tc(RTM_DELQDISC, NLM_F_REQUEST | NLM_F_ACK, ifindex, parent,
			 handle, 0, NULL);
}

struct nl_msg *sh_build_ingress(int ifindex)
{
	return sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, ifindex, TC_H_INGRESS,
			 SH_INGRESS_HANDLE, 0, "ingress");
}
