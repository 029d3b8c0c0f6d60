/*
 * tc_core.c's rate arithmetic without unsigned __int128 (32-bit ARM has
 * none), checked against two references: the __int128 formulas it
 * replaced, where the compiler has the type (64-bit hosts), and a
 * bit-serial shift-and-add / restoring-division version that works on any
 * target, so the armhf build under qemu-user checks the same values.
 * Edge cases first, then random values from a fixed seed (printed on a
 * failure, set with ACD_TC_MATH_SEED).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "shaper_int.h"

/* ---- reference 1: bit-serial 128-bit arithmetic ---- */

struct ref128 {
	uint64_t hi, lo;
};

static struct ref128 ref_mul(uint64_t a, uint64_t b)
{
	struct ref128 r = { 0, 0 }, x = { 0, a };
	int i;

	for (i = 0; i < 64; i++) {
		if (b >> i & 1) {
			uint64_t lo = r.lo + x.lo;

			r.hi += x.hi + (lo < r.lo);
			r.lo = lo;
		}
		x.hi = x.hi << 1 | x.lo >> 63;
		x.lo <<= 1;
	}
	return r;
}

static struct ref128 ref_add(struct ref128 a, uint64_t b)
{
	uint64_t lo = a.lo + b;

	a.hi += lo < a.lo;
	a.lo = lo;
	return a;
}

/* a / d, clamped to UINT32_MAX; *rem_nonzero says whether it was exact */
static uint32_t ref_div(struct ref128 a, uint64_t d, int *rem_nonzero)
{
	struct ref128 q = { 0, 0 };
	uint64_t rem = 0;
	int i;

	for (i = 127; i >= 0; i--) {
		uint64_t bit = i >= 64 ? a.hi >> (i - 64) & 1 : a.lo >> i & 1;
		int carry = rem >> 63 & 1;

		rem = rem << 1 | bit;
		q.hi = q.hi << 1 | q.lo >> 63;
		q.lo <<= 1;
		if (carry || rem >= d) {
			rem -= d;
			q.lo |= 1;
		}
	}
	if (rem_nonzero)
		*rem_nonzero = rem != 0;
	return q.hi || q.lo > UINT32_MAX ? UINT32_MAX : (uint32_t)q.lo;
}

static uint32_t ref1_xmit_ticks(uint64_t Bps, uint32_t size)
{
	struct ref128 den = ref_mul(Bps, SH_NS_PER_TICK);
	struct ref128 ns = ref_mul(size, 1000000000u);
	int inexact;
	uint32_t q;

	if (Bps == 0)
		return UINT32_MAX;
	if (den.hi) /* den > ns: the ceiling is 0 or 1 */
		return size ? 1 : 0;
	q = ref_div(ns, den.lo, &inexact);
	return q == UINT32_MAX ? q : q + (uint32_t)inexact;
}

static uint32_t ref1_xmit_size(uint64_t Bps, uint32_t ticks)
{
	return ref_div(ref_add(ref_mul((uint64_t)ticks * SH_NS_PER_TICK, Bps), 500000000u),
		       1000000000u, NULL);
}

static uint32_t ref1_tbf_limit(uint64_t Bps, uint32_t burst, uint32_t latency_us)
{
	uint32_t q = ref_div(ref_mul(Bps, latency_us), 1000000u, NULL);
	uint64_t l = (uint64_t)q + burst;

	return l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
}

static uint32_t ref1_tbf_latency(uint64_t Bps, uint32_t burst, uint32_t limit)
{
	if (limit <= burst || Bps == 0)
		return 0;
	return ref_div(ref_add(ref_mul(limit - burst, 1000000u), Bps / 2), Bps, NULL);
}

/* ---- reference 2: the __int128 formulas tc_core.c had (64-bit only) ---- */
#ifdef __SIZEOF_INT128__
static uint32_t ref2_xmit_ticks(uint64_t Bps, uint32_t size)
{
	unsigned __int128 ns = (unsigned __int128)size * 1000000000u;
	unsigned __int128 den = (unsigned __int128)Bps * SH_NS_PER_TICK;
	unsigned __int128 t;

	if (Bps == 0)
		return UINT32_MAX;
	t = (ns + den - 1) / den;
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static uint32_t ref2_xmit_size(uint64_t Bps, uint32_t ticks)
{
	unsigned __int128 b = (unsigned __int128)ticks * SH_NS_PER_TICK * Bps;

	b = (b + 500000000u) / 1000000000u;
	return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

static uint32_t ref2_tbf_limit(uint64_t Bps, uint32_t burst, uint32_t latency_us)
{
	unsigned __int128 l = (unsigned __int128)Bps * latency_us / 1000000u + burst;

	return l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
}

static uint32_t ref2_tbf_latency(uint64_t Bps, uint32_t burst, uint32_t limit)
{
	unsigned __int128 us;

	if (limit <= burst || Bps == 0)
		return 0;
	us = ((unsigned __int128)(limit - burst) * 1000000u + Bps / 2) / Bps;
	return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}
#endif

static unsigned long long checked;

static void check_one(uint64_t Bps, uint32_t a, uint32_t b)
{
	uint32_t got[4] = { sh_xmit_ticks(Bps, a), sh_xmit_size(Bps, a),
			    sh_tbf_limit(Bps, a, b), sh_tbf_latency(Bps, a, b) };
	uint32_t want1[4] = { ref1_xmit_ticks(Bps, a), ref1_xmit_size(Bps, a),
			      ref1_tbf_limit(Bps, a, b), ref1_tbf_latency(Bps, a, b) };
	static const char *const fn[4] = { "xmit_ticks", "xmit_size", "tbf_limit", "tbf_latency" };
	int i;

	for (i = 0; i < 4; i++) {
		if (got[i] != want1[i])
			fail_msg("sh_%s(Bps=%llu, %lu, %lu) = %lu, bit-serial reference %lu", fn[i],
				 (unsigned long long)Bps, (unsigned long)a, (unsigned long)b,
				 (unsigned long)got[i], (unsigned long)want1[i]);
	}
#ifdef __SIZEOF_INT128__
	{
		uint32_t want2[4] = { ref2_xmit_ticks(Bps, a), ref2_xmit_size(Bps, a),
				      ref2_tbf_limit(Bps, a, b), ref2_tbf_latency(Bps, a, b) };

		for (i = 0; i < 4; i++) {
			if (got[i] != want2[i])
				fail_msg("sh_%s(Bps=%llu, %lu, %lu) = %lu, __int128 path %lu", fn[i],
					 (unsigned long long)Bps, (unsigned long)a,
					 (unsigned long)b, (unsigned long)got[i],
					 (unsigned long)want2[i]);
		}
	}
#endif
	checked++;
}

static const uint64_t edge_Bps[] = {
	0, 1, 2, 3, 7, 125, 1250, 125000, 1250000, 12500000, 125000000, 1250000000,
	1000000000000ull, 0xffffffffull, 0x100000000ull, 0x100000001ull,
	(1ull << 58) - 1, 1ull << 58, (1ull << 58) + 1, 1ull << 63,
	UINT64_MAX / 64, UINT64_MAX / 64 + 1, UINT64_MAX - 1, UINT64_MAX,
};
static const uint32_t edge_u32[] = {
	0, 1, 2, 63, 64, 65, 1500, 2047, 2048, 12500, 50000, 156250, 999999, 1000000,
	1000001, 0x7fffffffu, 0x80000000u, UINT32_MAX - 1, UINT32_MAX,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void edges(void **state)
{
	size_t i, j, k;

	(void)state;
	for (i = 0; i < N(edge_Bps); i++)
		for (j = 0; j < N(edge_u32); j++)
			for (k = 0; k < N(edge_u32); k++)
				check_one(edge_Bps[i], edge_u32[j], edge_u32[k]);
}

/* values known without either reference: the clamps and tc's own numbers */
static void known(void **state)
{
	(void)state;
	/* 10 Mbit/s: 12500 bytes take 10 ms = 156250 ticks, and back */
	assert_int_equal(sh_xmit_ticks(1250000, 12500), 156250);
	assert_int_equal(sh_xmit_size(1250000, 156250), 12500);
	assert_int_equal(sh_xmit_ticks(UINT64_MAX, 1), 1);
	assert_int_equal(sh_xmit_ticks(UINT64_MAX, 0), 0);
	assert_int_equal(sh_xmit_ticks(0, 1), UINT32_MAX);
	assert_int_equal(sh_xmit_size(UINT64_MAX, UINT32_MAX), UINT32_MAX);
	assert_int_equal(sh_xmit_size(UINT64_MAX, 0), 0);
	/* 2^64-1 B/s for one tick: 1180591620717.4 bytes, clamped */
	assert_int_equal(sh_xmit_size(UINT64_MAX, 1), UINT32_MAX);
	/* 1e9 B/s for one tick (64 ns) is 64 bytes */
	assert_int_equal(sh_xmit_size(1000000000u, 1), 64);
	assert_int_equal(sh_tbf_limit(1250000, 12500, 50000), 75000);
	assert_int_equal(sh_tbf_limit(UINT64_MAX, 0, 1), UINT32_MAX);
	assert_int_equal(sh_tbf_limit(1, UINT32_MAX, UINT32_MAX), UINT32_MAX);
	assert_int_equal(sh_tbf_limit(0, 7, UINT32_MAX), 7);
	assert_int_equal(sh_tbf_latency(1250000, 12500, 75000), 50000);
	assert_int_equal(sh_tbf_latency(1, 0, UINT32_MAX), UINT32_MAX);
	assert_int_equal(sh_tbf_latency(UINT64_MAX, 0, UINT32_MAX), 0);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible on every target */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* a random value of random width, so small rates are drawn as often as huge */
static uint64_t rng_width(unsigned max_bits)
{
	unsigned bits = (unsigned)(rng() % (max_bits + 1));

	return bits == 64 ? rng() : rng() & ((1ull << bits) - 1);
}

static void random_values(void **state)
{
	const char *env = getenv("ACD_TC_MATH_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed0acd2026ull;
	unsigned long long before = checked;
	int i;

	(void)state;
	rng_state = seed ? seed : 1;
	print_message("random values: ACD_TC_MATH_SEED=%#llx\n", (unsigned long long)seed);
	for (i = 0; i < 200000; i++) {
		uint64_t Bps = rng_width(64);
		uint32_t a = (uint32_t)rng_width(32), b = (uint32_t)rng_width(32);

		check_one(Bps, a, b);
	}
	assert_int_equal(checked - before, 200000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known),
		cmocka_unit_test(edges),
		cmocka_unit_test(random_values),
	};

#ifndef __SIZEOF_INT128__
	print_message("no __int128 on this target: checked against the bit-serial reference only\n");
#endif
	return cmocka_run_group_tests(tests, NULL, NULL);
}
