/*
 * q_htb.c - htb root 2: with one class 2:1 carrying the rate (rate = ceil)
 * and an optional leaf qdisc below it for fairness between the
 * subscriber's flows (fq_codel 21:, sfq 22:, cake 23:).
 */
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "shaper_int.h"

#define SH_HTB_R2Q 10u
#define SH_HTB_QUANTUM_MAX 200000u

struct nl_msg *sh_build_htb_root(int ifindex)
{
	struct tc_htb_glob g;
	struct nl_msg *msg;
	struct nlattr *nest;

	memset(&g, 0, sizeof(g));
	g.version = TC_HTB_PROTOVER;
	g.rate2quantum = SH_HTB_R2Q;
	g.defcls = TC_H_MIN(SH_HTB_CLASS); /* unclassified traffic -> 2:1 */

	msg = sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, ifindex, TC_H_ROOT,
			SH_HTB_HANDLE, 0, "htb");
	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, TCA_OPTIONS);
	if (!nest || nla_put(msg, TCA_HTB_INIT, sizeof(g), &g) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

struct nl_msg *sh_build_htb_class(int ifindex, const struct shaper_dir *din, unsigned mtu)
{
	struct shaper_dir d = sh_dir_resolved(din, mtu);
	uint64_t Bps = sh_bps_to_Bps(d.rate);
	struct tc_htb_opt o;
	uint32_t rtab[256], ctab[256];
	uint64_t quantum;
	struct nl_msg *msg;
	struct nlattr *nest;

	memset(&o, 0, sizeof(o));
	sh_ratespec(&o.rate, rtab, Bps);
	sh_ratespec(&o.ceil, ctab, Bps);
	o.buffer = sh_xmit_ticks(Bps, d.burst);
	o.cbuffer = o.buffer;
	/* set the quantum ourselves so the kernel never warns about r2q */
	quantum = Bps / SH_HTB_R2Q;
	if (quantum < mtu + SHAPER_L2_OVERHEAD)
		quantum = mtu + SHAPER_L2_OVERHEAD;
	if (quantum > SH_HTB_QUANTUM_MAX)
		quantum = SH_HTB_QUANTUM_MAX;
	o.quantum = (uint32_t)quantum;

	msg = sh_msg_tc(RTM_NEWTCLASS, SH_NLF_REPLACE, ifindex, SH_HTB_HANDLE,
			SH_HTB_CLASS, 0, "htb");
	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, TCA_OPTIONS);
	if (!nest || nla_put(msg, TCA_HTB_PARMS, sizeof(o), &o) < 0 ||
	    nla_put(msg, TCA_HTB_RTAB, sizeof(rtab), rtab) < 0 ||
	    nla_put(msg, TCA_HTB_CTAB, sizeof(ctab), ctab) < 0 ||
	    (d.rate > UINT32_MAX && (nla_put_u64(msg, TCA_HTB_RATE64, Bps) < 0 ||
				     nla_put_u64(msg, TCA_HTB_CEIL64, Bps) < 0))) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

uint32_t sh_leaf_handle(enum shaper_leaf leaf)
{
	switch (leaf) {
	case SHAPER_LEAF_FQ_CODEL:
		return SH_LEAF_FQ_CODEL;
	case SHAPER_LEAF_SFQ:
		return SH_LEAF_SFQ;
	case SHAPER_LEAF_CAKE:
		return SH_LEAF_CAKE;
	default:
		return 0;
	}
}

const char *sh_leaf_kind(enum shaper_leaf leaf)
{
	return leaf == SHAPER_LEAF_NONE ? NULL : shaper_leaf_name(leaf);
}

/*
 * The leaf: fq_codel keeps its 5 ms target and 1024 flows, with a quantum
 * of one full frame of the session link (an IFB's own MTU is not the
 * link's) and its queue memory bounded by the rate (the kernel's default
 * is 32 MiB, per session); cake below htb does no shaping of its own,
 * so it gets only the memory bound; sfq takes its defaults.
 */
struct nl_msg *sh_build_leaf(int ifindex, const struct shaper_dir *din, unsigned mtu)
{
	struct shaper_dir d = sh_dir_resolved(din, mtu);
	uint32_t mem = sh_queue_memory(sh_bps_to_Bps(d.rate));
	struct nl_msg *msg;
	struct nlattr *nest;
	int rc = 0;

	if (d.leaf == SHAPER_LEAF_NONE)
		return NULL;
	msg = sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, ifindex, SH_HTB_CLASS,
			sh_leaf_handle(d.leaf), 0, sh_leaf_kind(d.leaf));
	if (!msg || d.leaf == SHAPER_LEAF_SFQ)
		return msg;
	nest = nla_nest_start(msg, TCA_OPTIONS);
	if (!nest)
		rc = -1;
	else if (d.leaf == SHAPER_LEAF_FQ_CODEL)
		rc = nla_put_u32(msg, TCA_FQ_CODEL_QUANTUM, mtu + SHAPER_L2_OVERHEAD) < 0 ||
		     nla_put_u32(msg, TCA_FQ_CODEL_MEMORY_LIMIT, mem) < 0;
	else
		rc = nla_put_u32(msg, TCA_CAKE_MEMORY, mem) < 0;
	if (rc) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}
