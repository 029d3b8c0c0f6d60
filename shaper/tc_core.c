/*
 * tc_core.c - rate arithmetic shared by tbf, htb and police: byte rates,
 * psched ticks, rate tables, tbf limits.
 *
 * The kernel keeps rates in bytes/s and times in psched ticks of 64 ns.
 * The rate table (TCA_*_RTAB) is no longer used for timing by the kernel,
 * but its cell_log must be right: act_police rejects a missing table and
 * derives its default MTU (255 << cell_log) from it.
 */
#include <string.h>

#include "shaper_int.h"

uint64_t sh_bps_to_Bps(uint64_t bps)
{
	/* round to the nearest byte/s; the kernel counts whole bytes */
	uint64_t B = (bps + 4) / 8;

	return B ? B : 1;
}

uint32_t sh_xmit_ticks(uint64_t Bps, uint32_t size)
{
	/* size <= 2^32, 1e9 < 2^30: use 128-bit to be safe for any size */
	unsigned __int128 ns = (unsigned __int128)size * 1000000000u;
	unsigned __int128 den = (unsigned __int128)Bps * SH_NS_PER_TICK;
	unsigned __int128 t;

	if (Bps == 0)
		return UINT32_MAX;
	t = (ns + den - 1) / den;
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

uint32_t sh_xmit_size(uint64_t Bps, uint32_t ticks)
{
	unsigned __int128 b = (unsigned __int128)ticks * SH_NS_PER_TICK * Bps;

	b = (b + 500000000u) / 1000000000u;
	return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

void sh_ratespec(struct tc_ratespec *r, uint32_t rtab[256], uint64_t Bps)
{
	unsigned cell_log = 0, i;

	memset(r, 0, sizeof(*r));
	while ((SH_RTAB_MTU >> cell_log) > 255)
		cell_log++;
	r->cell_log = (unsigned char)cell_log;
	r->linklayer = TC_LINKLAYER_ETHERNET;
	r->cell_align = -1;
	r->rate = Bps > UINT32_MAX ? UINT32_MAX : (uint32_t)Bps;
	for (i = 0; i < 256; i++)
		rtab[i] = sh_xmit_ticks(Bps, (i + 1) << cell_log);
}

uint32_t sh_tbf_limit(uint64_t Bps, uint32_t burst, uint32_t latency_us)
{
	unsigned __int128 l = (unsigned __int128)Bps * latency_us / 1000000u + burst;

	return l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
}

uint32_t sh_tbf_latency(uint64_t Bps, uint32_t burst, uint32_t limit)
{
	unsigned __int128 us;

	if (limit <= burst || Bps == 0)
		return 0;
	us = ((unsigned __int128)(limit - burst) * 1000000u + Bps / 2) / Bps;
	return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

struct shaper_dir sh_dir_resolved(const struct shaper_dir *d, unsigned mtu)
{
	struct shaper_dir r = *d;

	if (r.rate == 0) {
		memset(&r, 0, sizeof(r));
		return r;
	}
	if (r.qdisc == SHAPER_QDISC_NONE)
		r.qdisc = SHAPER_QDISC_TBF;
	if (r.burst == 0)
		r.burst = shaper_burst(r.rate, mtu);
	if (r.qdisc == SHAPER_QDISC_TBF && r.latency_us == 0)
		r.latency_us = SHAPER_DEFAULT_LATENCY_US;
	if (r.qdisc != SHAPER_QDISC_TBF)
		r.latency_us = 0;
	if (r.qdisc != SHAPER_QDISC_HTB)
		r.leaf = SHAPER_LEAF_NONE;
	return r;
}
