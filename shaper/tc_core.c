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

/*
 * 32-bit ARM has no unsigned __int128: the two products that can pass 64
 * bits (ticks * 64 * Bps, Bps * latency_us) are kept as two 64-bit halves,
 * and divided by a divisor below 2^32 one 32-bit limb at a time.
 */
struct sh_u128 {
	uint64_t hi, lo;
};

static struct sh_u128 mul_64x64(uint64_t a, uint64_t b)
{
	uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	/* the middle column: each term < 2^32, so the sum fits in 64 bits */
	uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
	struct sh_u128 r;

	r.lo = (mid << 32) | (uint32_t)p00;
	r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
	return r;
}

static struct sh_u128 add_64(struct sh_u128 a, uint64_t b)
{
	a.lo += b;
	if (a.lo < b)
		a.hi++;
	return a;
}

/* a / d for 0 < d < 2^32, a quotient clamped to UINT32_MAX */
static uint32_t div_clamp32(struct sh_u128 a, uint32_t d)
{
	uint32_t limb[4] = { (uint32_t)(a.hi >> 32), (uint32_t)a.hi,
			     (uint32_t)(a.lo >> 32), (uint32_t)a.lo };
	uint64_t rem = 0, q = 0;
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t cur = (rem << 32) | limb[i];

		/* a nonzero quotient limb above the lowest: past 32 bits */
		if (i < 3 && cur / d)
			return UINT32_MAX;
		q = cur / d;
		rem = cur % d;
	}
	return q > UINT32_MAX ? UINT32_MAX : (uint32_t)q;
}

uint32_t sh_xmit_ticks(uint64_t Bps, uint32_t size)
{
	/* size < 2^32 and 1e9 < 2^30: ns < 2^62 fits */
	uint64_t ns = (uint64_t)size * 1000000000u;
	uint64_t den, t;

	if (Bps == 0)
		return UINT32_MAX;
	/* a denominator past 64 bits is larger than ns: ceil gives 0 or 1 */
	if (Bps > UINT64_MAX / SH_NS_PER_TICK)
		return size ? 1 : 0;
	den = Bps * SH_NS_PER_TICK;
	t = ns / den + (ns % den != 0);
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

uint32_t sh_xmit_size(uint64_t Bps, uint32_t ticks)
{
	/* ticks * 64 < 2^38; times Bps up to 2^102 */
	struct sh_u128 b = mul_64x64((uint64_t)ticks * SH_NS_PER_TICK, Bps);

	return div_clamp32(add_64(b, 500000000u), 1000000000u);
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
	uint32_t l = div_clamp32(mul_64x64(Bps, latency_us), 1000000u);

	return l > UINT32_MAX - burst ? UINT32_MAX : l + burst;
}

uint32_t sh_tbf_latency(uint64_t Bps, uint32_t burst, uint32_t limit)
{
	uint64_t num, us;

	if (limit <= burst || Bps == 0)
		return 0;
	/* (limit - burst) * 1e6 < 2^52, plus Bps / 2 < 2^63: fits in 64 bits */
	num = (uint64_t)(limit - burst) * 1000000u + Bps / 2;
	us = num / Bps;
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
