/*
 * q_tbf.c - the token bucket filter: download shaping (and the IFB's root
 * in upload mode ifb).  Root qdisc handle 1:, or 3:.
 *
 * Why two handles: tbf changes in place, but keeps what is queued, and
 * a queued GSO packet longer than a new, smaller burst can never be sent
 * (tbf only splits oversized packets as they are enqueued): the queue
 * stalls for good.  So a smaller burst is installed as a fresh tbf under
 * the other handle, grafted atomically; the old queue's packets are
 * dropped, never stuck.
 */
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "shaper_int.h"

bool sh_is_tbf_handle(uint32_t handle)
{
	return handle == SH_TBF_HANDLE || handle == SH_TBF_HANDLE_ALT;
}

struct nl_msg *sh_build_tbf(int ifindex, uint32_t handle, const struct shaper_dir *din,
			    unsigned mtu)
{
	struct shaper_dir d = sh_dir_resolved(din, mtu);
	uint64_t Bps = sh_bps_to_Bps(d.rate);
	struct tc_tbf_qopt opt;
	uint32_t rtab[256];
	struct nl_msg *msg;
	struct nlattr *nest;

	memset(&opt, 0, sizeof(opt));
	sh_ratespec(&opt.rate, rtab, Bps);
	opt.limit = sh_tbf_limit(Bps, d.burst, d.latency_us);
	opt.buffer = sh_xmit_ticks(Bps, d.burst);

	msg = sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, ifindex, TC_H_ROOT,
			handle, 0, "tbf");
	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, TCA_OPTIONS);
	if (!nest || nla_put(msg, TCA_TBF_PARMS, sizeof(opt), &opt) < 0 ||
	    nla_put(msg, TCA_TBF_RTAB, sizeof(rtab), rtab) < 0 ||
	    nla_put_u32(msg, TCA_TBF_BURST, d.burst) < 0 ||
	    /* the 32-bit field holds bytes/s; send the 64-bit one whenever the
	     * rate in bit/s does not fit 32 bits, the kernel takes the larger */
	    (d.rate > UINT32_MAX && nla_put_u64(msg, TCA_TBF_RATE64, Bps) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}
