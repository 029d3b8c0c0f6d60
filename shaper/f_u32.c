/*
 * f_u32.c - the upload filter: on the ingress qdisc ffff:, a u32 filter at
 * pref 1 with the fixed handle 800::800 that matches every packet
 * (one key: mask 0 at offset 0) and carries one action, police or mirred.
 * Replacing it with the same handle swaps the action in place.
 */
#include <string.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <netlink/attr.h>

#include "shaper_int.h"

static uint32_t filter_info(void)
{
	return TC_H_MAKE(SH_FILTER_PRIO << 16, htons(ETH_P_ALL));
}

/* Starts the u32 filter and opens the nest of its first action. */
static struct nl_msg *u32_begin(int ifindex, const char *act, struct nlattr **nests)
{
	/* a selector with one key: mask 0, val 0 at offset 0 = match all */
	unsigned char s[sizeof(struct tc_u32_sel) + sizeof(struct tc_u32_key)];
	struct tc_u32_sel sel;
	struct nl_msg *msg;

	memset(&sel, 0, sizeof(sel));
	sel.flags = TC_U32_TERMINAL;
	sel.nkeys = 1;
	memset(s, 0, sizeof(s));
	memcpy(s, &sel, sizeof(sel));

	msg = sh_msg_tc(RTM_NEWTFILTER, SH_NLF_REPLACE, ifindex, SH_INGRESS_HANDLE,
			SH_FILTER_HANDLE, filter_info(), "u32");
	if (!msg)
		return NULL;
	if (!(nests[0] = nla_nest_start(msg, TCA_OPTIONS)) ||
	    nla_put(msg, TCA_U32_SEL, sizeof(s), s) < 0 ||
	    !(nests[1] = nla_nest_start(msg, TCA_U32_ACT)) ||
	    !(nests[2] = nla_nest_start(msg, 1)) ||
	    nla_put_string(msg, TCA_ACT_KIND, act) < 0 ||
	    !(nests[3] = nla_nest_start(msg, TCA_ACT_OPTIONS))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *u32_end(struct nl_msg *msg, struct nlattr **nests)
{
	int i;

	for (i = 3; i >= 0; i--)
		nla_nest_end(msg, nests[i]);
	return msg;
}

struct nl_msg *sh_build_filter_police(int ifindex, uint64_t bps, uint32_t burst)
{
	uint64_t Bps = sh_bps_to_Bps(bps);
	struct tc_police p;
	uint32_t rtab[256];
	struct nlattr *nests[4];
	struct nl_msg *msg;

	memset(&p, 0, sizeof(p));
	sh_ratespec(&p.rate, rtab, Bps);
	p.action = TC_ACT_SHOT;           /* exceed: drop */
	p.burst = sh_xmit_ticks(Bps, burst);
	/* mtu 0: the kernel takes 255 << cell_log (2040 bytes), as tc does */

	msg = u32_begin(ifindex, "police", nests);
	if (!msg)
		return NULL;
	if (nla_put(msg, TCA_POLICE_TBF, sizeof(p), &p) < 0 ||
	    nla_put(msg, TCA_POLICE_RATE, sizeof(rtab), rtab) < 0 ||
	    nla_put_u32(msg, TCA_POLICE_RESULT, TC_ACT_OK) < 0 ||
	    (bps > UINT32_MAX && nla_put_u64(msg, TCA_POLICE_RATE64, Bps) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return u32_end(msg, nests);
}

struct nl_msg *sh_build_filter_mirred(int ifindex, int ifb_ifindex)
{
	struct tc_mirred m;
	struct nlattr *nests[4];
	struct nl_msg *msg;

	memset(&m, 0, sizeof(m));
	m.action = TC_ACT_STOLEN;
	m.eaction = TCA_EGRESS_REDIR;
	m.ifindex = (uint32_t)ifb_ifindex;

	msg = u32_begin(ifindex, "mirred", nests);
	if (!msg)
		return NULL;
	if (nla_put(msg, TCA_MIRRED_PARMS, sizeof(m), &m) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return u32_end(msg, nests);
}

/* Deletes the whole u32 instance at our pref (not only the node), so no
 * empty hash table is left behind. */
struct nl_msg *sh_build_filter_del(int ifindex)
{
	return sh_msg_tc(RTM_DELTFILTER, NLM_F_REQUEST | NLM_F_ACK, ifindex,
			 SH_INGRESS_HANDLE, 0, filter_info(), "u32");
}
