/*
 * q_cake.c - cake as a direction's root qdisc (handle 4:): it shapes to
 * the rate itself, with flow queueing and AQM, so no htb is needed below
 * it.  Changed in place (same handle, same kind: the kernel's cake_change),
 * so a new rate keeps the queue and leaves no unshaped gap.
 *
 * The options, and why (docs/shaping.md has the measurements):
 *   bandwidth  the policy's rate, in bytes/s as the kernel keeps it
 *   besteffort one tin: a subscriber's DSCP marks come from the internet
 *              and from the subscriber, neither of them ours to trust,
 *              and one tin is the cheapest to run
 *   overhead   none (the "raw" packet length): the plan is the IP rate,
 *              as tbf and htb count it on the session link, so every
 *              mode gives the same goodput for the same plan
 *   memlimit   sh_queue_memory(): the queue's memory, bounded by the rate
 *              so a thousand sessions fit a small box
 * Flow isolation is cake's default (triple-isolate): fair between the
 * hosts behind a subscriber's router, then between their flows.
 */
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "shaper_int.h"

uint32_t sh_queue_memory(uint64_t Bps)
{
	uint64_t m = Bps / (1000000u / SH_QUEUE_MEMORY_US);

	if (m < SH_QUEUE_MEMORY_MIN)
		m = SH_QUEUE_MEMORY_MIN;
	if (m > SH_QUEUE_MEMORY_MAX)
		m = SH_QUEUE_MEMORY_MAX;
	return (uint32_t)m;
}

struct nl_msg *sh_build_cake(int ifindex, const struct shaper_dir *din, unsigned mtu)
{
	struct shaper_dir d = sh_dir_resolved(din, mtu);
	uint64_t Bps = sh_bps_to_Bps(d.rate);
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, ifindex, TC_H_ROOT, SH_CAKE_HANDLE, 0,
			"cake");
	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, TCA_OPTIONS);
	if (!nest || nla_put_u64(msg, TCA_CAKE_BASE_RATE64, Bps) < 0 ||
	    nla_put_u32(msg, TCA_CAKE_DIFFSERV_MODE, CAKE_DIFFSERV_BESTEFFORT) < 0 ||
	    nla_put_u32(msg, TCA_CAKE_RAW, 0) < 0 ||
	    nla_put_u32(msg, TCA_CAKE_MEMORY, sh_queue_memory(Bps)) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}
