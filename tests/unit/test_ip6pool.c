/*
 * test_ip6pool.c - ip6pool.c: exact prefixes of /48 -> /64 and /40 -> /56,
 * a full pool, the rotating cursor, sticky users and their bound, take,
 * the end of a 2^32 pool, bad pools; the tree of occupied indexes against
 * a plain bitmap on random work; every allocation failing in turn
 * (-ENOMEM leaves the pool as it was), and allocation that stays bounded.
 *
 * malloc, calloc and free are wrapped (-Wl,--wrap, tests/unit/CMakeLists.txt)
 * for the objects linked in, ip6pool.c's among them: the wrapper counts the
 * blocks alive and can fail the n-th allocation from now.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip6pool.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void __wrap_free(void *p);

static long live;         /* blocks allocated through the wrappers, not freed */
static long fail_in = -1; /* fail the allocation this many from now; -1: none */

/* a failing allocation sets errno as malloc(3) does */
static bool fail_now(void)
{
	if (fail_in < 0 || fail_in-- > 0)
		return false;
	errno = ENOMEM;
	return true;
}

void *__wrap_malloc(size_t n)
{
	void *p = fail_now() ? NULL : __real_malloc(n);

	live += p != NULL;
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p = fail_now() ? NULL : __real_calloc(n, size);

	live += p != NULL;
	return p;
}

void __wrap_free(void *p)
{
	live -= p != NULL;
	__real_free(p);
}

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct ip6pool *pool(const char *base, uint8_t base_len, uint8_t len, bool sticky)
{
	struct in6_addr b = A(base);
	struct ip6pool *p = ip6pool_new(&b, base_len, len, sticky);

	assert_non_null(p);
	return p;
}

/* the prefix alloc hands out, as text */
static const char *alloc_s(struct ip6pool *p, const char *user)
{
	static char s[INET6_ADDRSTRLEN];
	struct in6_addr a;

	assert_int_equal(ip6pool_alloc(p, user, &a), 0);
	assert_true(ip6pool_contains(p, &a));
	return inet_ntop(AF_INET6, &a, s, sizeof(s));
}

static int take(struct ip6pool *p, const char *prefix, const char *user)
{
	struct in6_addr a = A(prefix);

	return ip6pool_take(p, &a, user);
}

static int release(struct ip6pool *p, const char *prefix)
{
	struct in6_addr a = A(prefix);

	return ip6pool_release(p, &a);
}

static bool contains(const struct ip6pool *p, const char *prefix)
{
	struct in6_addr a = A(prefix);

	return ip6pool_contains(p, &a);
}

static void seek(struct ip6pool *p, const char *prefix)
{
	struct in6_addr a = A(prefix);

	assert_int_equal(ip6pool_seek(p, &a), 0);
}

/* where the next alloc's search starts */
static void assert_next(const struct ip6pool *p, const char *prefix)
{
	struct in6_addr a, want = A(prefix);

	ip6pool_next(p, &a);
	assert_memory_equal(&a, &want, sizeof(a));
}

static void test_48_64(void **state)
{
	struct ip6pool *p = pool("2001:db8:1::", 48, 64, false);

	(void)state;
	assert_int_equal(ip6pool_size(p), 65536);
	assert_int_equal(ip6pool_prefix_len(p), 64);
	assert_string_equal(alloc_s(p, NULL), "2001:db8:1::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:1:1::");
	assert_string_equal(alloc_s(p, ""), "2001:db8:1:2::");
	assert_int_equal(ip6pool_used(p), 3);
	assert_true(contains(p, "2001:db8:1:ffff::"));
	assert_false(contains(p, "2001:db8:2::"));
	assert_false(contains(p, "2001:db8::"));
	assert_false(contains(p, "2001:db8:1:1::1"));     /* not on a /64 boundary */
	assert_false(contains(p, "2001:db8:1:1:8000::")); /* the same, the top host bit */
	ip6pool_free(p);
}

static void test_40_56(void **state)
{
	struct ip6pool *p = pool("2001:db8:100::", 40, 56, false);
	const char *s = NULL;

	(void)state;
	assert_int_equal(ip6pool_size(p), 65536);
	assert_string_equal(alloc_s(p, NULL), "2001:db8:100::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:100:100::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:100:200::");
	for (int i = 3; i < 256; i++)
		s = alloc_s(p, NULL);
	assert_string_equal(s, "2001:db8:100:ff00::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:101::");
	assert_true(contains(p, "2001:db8:1ff:ff00::"));
	assert_false(contains(p, "2001:db8:200::"));
	assert_false(contains(p, "2001:db8:100:80::")); /* inside, but not a /56 */
	ip6pool_free(p);
}

/* /126 into /128s: 4 prefixes, every bit of the pool's one word */
static void test_full(void **state)
{
	struct ip6pool *p = pool("2001:db8::", 126, 128, false);
	struct in6_addr a;

	(void)state;
	assert_int_equal(ip6pool_size(p), 4);
	assert_string_equal(alloc_s(p, NULL), "2001:db8::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8::1");
	assert_string_equal(alloc_s(p, NULL), "2001:db8::2");
	assert_string_equal(alloc_s(p, NULL), "2001:db8::3");
	assert_int_equal(ip6pool_alloc(p, NULL, &a), -ENOSPC);
	assert_int_equal(ip6pool_used(p), 4);
	assert_int_equal(release(p, "2001:db8::2"), 0);
	assert_int_equal(release(p, "2001:db8::2"), -ENOENT);
	assert_int_equal(release(p, "2001:db8::4"), -ENOENT); /* outside */
	assert_int_equal(ip6pool_used(p), 3);
	assert_string_equal(alloc_s(p, NULL), "2001:db8::2");
	assert_int_equal(ip6pool_alloc(p, NULL, &a), -ENOSPC);
	for (int i = 0; i < 4; i++) {
		char s[32];

		snprintf(s, sizeof(s), "2001:db8::%d", i);
		assert_int_equal(release(p, s), 0);
	}
	assert_int_equal(ip6pool_used(p), 0);
	assert_string_equal(alloc_s(p, NULL), "2001:db8::3"); /* after ::2, the last */
	ip6pool_free(p);
}

/* the one prefix of a pool whose len is its own */
static void test_one(void **state)
{
	struct ip6pool *p = pool("2001:db8:5::", 48, 48, true);
	struct in6_addr a;

	(void)state;
	assert_int_equal(ip6pool_size(p), 1);
	assert_string_equal(alloc_s(p, "u"), "2001:db8:5::");
	assert_int_equal(ip6pool_alloc(p, "v", &a), -ENOSPC);
	assert_int_equal(release(p, "2001:db8:5::"), 0);
	assert_string_equal(alloc_s(p, "v"), "2001:db8:5::"); /* u's memory goes */
	assert_int_equal(release(p, "2001:db8:5::"), 0);
	assert_string_equal(alloc_s(p, "v"), "2001:db8:5::");
	ip6pool_free(p);
}

/* index bits on both sides of bit 64: /60 into /68s, /61 into /67s */
static void test_straddle(void **state)
{
	struct ip6pool *p = pool("2001:db8:0:10::", 60, 68, false);

	(void)state;
	assert_int_equal(ip6pool_size(p), 256);
	assert_true(contains(p, "2001:db8:0:13:5000::"));
	assert_false(contains(p, "2001:db8:0:13:5800::"));
	assert_false(contains(p, "2001:db8:0:23:5000::"));
	seek(p, "2001:db8:0:13:5000::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:13:5000::");
	assert_next(p, "2001:db8:0:13:6000::");
	assert_int_equal(take(p, "2001:db8:0:1f:f000::", NULL), 0);
	seek(p, "2001:db8:0:1f:f000::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:10::");
	ip6pool_free(p);

	p = pool("2001:db8:0:18::", 61, 67, false);
	assert_int_equal(ip6pool_size(p), 64);
	seek(p, "2001:db8:0:19:2000::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:19:2000::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:19:4000::");
	assert_int_equal(release(p, "2001:db8:0:19:2000::"), 0);
	assert_int_equal(release(p, "2001:db8:0:19:3000::"), -ENOENT); /* not a /67 */
	ip6pool_free(p);
}

/* a released prefix waits for the cursor to come round */
static void test_cursor(void **state)
{
	struct ip6pool *p = pool("2001:db8::", 48, 64, false);
	struct ip6pool *q = pool("2001:db8::", 124, 128, false);
	struct in6_addr a;

	(void)state;
	assert_string_equal(alloc_s(p, NULL), "2001:db8::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:1::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:2::");
	assert_int_equal(release(p, "2001:db8:0:1::"), 0);
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:3::");
	assert_int_equal(release(p, "2001:db8::"), 0);
	assert_int_equal(release(p, "2001:db8:0:3::"), 0);
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:4::");
	assert_next(p, "2001:db8:0:5::");

	/* 16 prefixes: the lowest free at or after the cursor, then wrapping */
	for (int i = 0; i < 16; i++)
		alloc_s(q, NULL);
	assert_int_equal(release(q, "2001:db8::5"), 0);
	assert_int_equal(release(q, "2001:db8::3"), 0);
	assert_int_equal(release(q, "2001:db8::c"), 0);
	assert_string_equal(alloc_s(q, NULL), "2001:db8::3"); /* wrapped after ::f */
	assert_string_equal(alloc_s(q, NULL), "2001:db8::5");
	assert_int_equal(release(q, "2001:db8::4"), 0);
	assert_string_equal(alloc_s(q, NULL), "2001:db8::c"); /* not ::4, just released */
	assert_string_equal(alloc_s(q, NULL), "2001:db8::4");
	assert_int_equal(ip6pool_alloc(q, NULL, &a), -ENOSPC);
	ip6pool_free(q);
	ip6pool_free(p);
}

static void test_sticky(void **state)
{
	struct ip6pool *p = pool("2001:db8::", 48, 64, true);

	(void)state;
	assert_string_equal(alloc_s(p, "alice"), "2001:db8::");
	assert_string_equal(alloc_s(p, "bob"), "2001:db8:0:1::");
	assert_int_equal(release(p, "2001:db8::"), 0);
	/* the cursor passes over alice's while others are free */
	assert_string_equal(alloc_s(p, "carol"), "2001:db8:0:2::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:3::");
	assert_string_equal(alloc_s(p, "alice"), "2001:db8::");
	assert_int_equal(ip6pool_used(p), 4);

	/* taken by someone else: alice gets another, and remembers that */
	assert_int_equal(release(p, "2001:db8::"), 0);
	assert_int_equal(take(p, "2001:db8::", "dave"), 0);
	assert_string_equal(alloc_s(p, "alice"), "2001:db8:0:4::");
	assert_int_equal(release(p, "2001:db8:0:4::"), 0);
	assert_int_equal(release(p, "2001:db8::"), 0);
	assert_string_equal(alloc_s(p, "alice"), "2001:db8:0:4::");
	assert_string_equal(alloc_s(p, "dave"), "2001:db8::");

	/* a second session of a user: the newest prefix is remembered */
	assert_string_equal(alloc_s(p, "dave"), "2001:db8:0:5::");
	assert_int_equal(release(p, "2001:db8:0:5::"), 0);
	assert_int_equal(release(p, "2001:db8::"), 0);
	assert_string_equal(alloc_s(p, "dave"), "2001:db8:0:5::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:6::");

	/* NULL and "" are nobody */
	assert_int_equal(release(p, "2001:db8:0:6::"), 0);
	assert_string_equal(alloc_s(p, ""), "2001:db8:0:7::");
	assert_int_equal(release(p, "2001:db8:0:7::"), 0);
	assert_string_equal(alloc_s(p, ""), "2001:db8:0:8::");

	/* a user's take of its own remembered prefix, and of another */
	assert_int_equal(release(p, "2001:db8:0:1::"), 0);
	assert_int_equal(take(p, "2001:db8:0:1::", "bob"), 0);
	assert_int_equal(release(p, "2001:db8:0:1::"), 0);
	assert_int_equal(take(p, "2001:db8:0:9::", "bob"), 0); /* forgets ::1:: */
	assert_int_equal(release(p, "2001:db8:0:9::"), 0);
	assert_string_equal(alloc_s(p, "bob"), "2001:db8:0:9::");
	seek(p, "2001:db8:0:1::"); /* free and not remembered: the cursor stops there */
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:1::");
	ip6pool_free(p);

	/* a non-sticky pool remembers nobody */
	p = pool("2001:db8::", 48, 64, false);
	assert_string_equal(alloc_s(p, "alice"), "2001:db8::");
	assert_int_equal(release(p, "2001:db8::"), 0);
	assert_string_equal(alloc_s(p, "bob"), "2001:db8:0:1::");
	assert_string_equal(alloc_s(p, "alice"), "2001:db8:0:2::");
	ip6pool_free(p);
}

/* every free prefix remembered: the oldest released goes to a newcomer */
static void test_sticky_full(void **state)
{
	struct ip6pool *p = pool("2001:db8::", 126, 128, true);
	struct in6_addr a;

	(void)state;
	assert_string_equal(alloc_s(p, "a"), "2001:db8::");
	assert_string_equal(alloc_s(p, "b"), "2001:db8::1");
	assert_string_equal(alloc_s(p, "c"), "2001:db8::2");
	assert_string_equal(alloc_s(p, "d"), "2001:db8::3");
	assert_int_equal(ip6pool_alloc(p, "e", &a), -ENOSPC);
	assert_int_equal(release(p, "2001:db8::2"), 0); /* c, the oldest */
	assert_int_equal(release(p, "2001:db8::"), 0);  /* a */
	assert_int_equal(release(p, "2001:db8::1"), 0); /* b */
	assert_int_equal(release(p, "2001:db8::3"), 0); /* d */
	assert_int_equal(ip6pool_used(p), 0);
	assert_string_equal(alloc_s(p, "e"), "2001:db8::2");
	assert_string_equal(alloc_s(p, "c"), "2001:db8::");  /* c forgotten: a's */
	assert_string_equal(alloc_s(p, "d"), "2001:db8::3"); /* still d's */
	assert_string_equal(alloc_s(p, "a"), "2001:db8::1"); /* b's, the last */
	assert_int_equal(ip6pool_alloc(p, "b", &a), -ENOSPC);
	ip6pool_free(p);
}

static void test_take(void **state)
{
	struct ip6pool *p = pool("2001:db8::", 48, 64, false);

	(void)state;
	assert_int_equal(take(p, "2001:db9::", NULL), -EINVAL);
	assert_int_equal(take(p, "2001:db8:1::", NULL), -EINVAL);
	assert_int_equal(take(p, "2001:db8:0:5::1", NULL), -EINVAL);
	assert_int_equal(take(p, "::", NULL), -EINVAL);
	assert_int_equal(ip6pool_used(p), 0);
	assert_int_equal(take(p, "2001:db8:0:5::", "u"), 0);
	assert_int_equal(take(p, "2001:db8:0:5::", "u"), -EEXIST);
	assert_int_equal(take(p, "2001:db8:0:5::", "v"), -EEXIST);
	assert_int_equal(take(p, "2001:db8:0:ffff::", NULL), 0);
	assert_int_equal(ip6pool_used(p), 2);
	/* take does not move the cursor */
	assert_string_equal(alloc_s(p, NULL), "2001:db8::");
	assert_int_equal(take(p, "2001:db8::", NULL), -EEXIST);
	assert_int_equal(take(p, "2001:db8:0:1::", NULL), 0);
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:2::");
	assert_int_equal(release(p, "2001:db8:0:5::"), 0);
	assert_int_equal(take(p, "2001:db8:0:5::", NULL), 0);
	assert_int_equal(ip6pool_used(p), 5);
	{
		struct in6_addr a = A("2001:db8:1::");

		assert_int_equal(ip6pool_seek(p, &a), -EINVAL);
	}
	ip6pool_free(p);
}

/* /32 into /64s: 2^32 prefixes, the cursor at the end wraps to the start */
static void test_2_32(void **state)
{
	struct ip6pool *p = pool("2001:db8::", 32, 64, false);

	(void)state;
	assert_int_equal(ip6pool_size(p), 1ull << 32);
	assert_true(contains(p, "2001:db8:ffff:ffff::"));
	assert_int_equal(take(p, "2001:db8:ffff:fffd::", NULL), 0);
	assert_int_equal(take(p, "2001:db8::", NULL), 0);
	assert_int_equal(take(p, "2001:db8:0:1::", NULL), 0);
	seek(p, "2001:db8:ffff:fffc::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:ffff:fffc::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:ffff:fffe::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:ffff:ffff::");
	assert_next(p, "2001:db8::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:2::");
	/* the last 64 all used: the search runs off the end and wraps */
	for (int i = 0; i < 64; i++) {
		char s[64];
		int rc;

		snprintf(s, sizeof(s), "2001:db8:ffff:ff%02x::", 0xc0 + i);
		rc = take(p, s, NULL);
		assert_true(rc == 0 || rc == -EEXIST);
	}
	assert_int_equal(ip6pool_used(p), 3 + 64);
	seek(p, "2001:db8:ffff:ffc0::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:0:3::");
	assert_int_equal(release(p, "2001:db8:ffff:ffff::"), 0);
	seek(p, "2001:db8:ffff:ff00::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:ffff:ff00::");
	seek(p, "2001:db8:ffff:ffc0::");
	assert_string_equal(alloc_s(p, NULL), "2001:db8:ffff:ffff::");
	ip6pool_free(p);
}

static void test_bad_pools(void **state)
{
	struct in6_addr b = A("2001:db8::"), h = A("2001:db8::1");

	(void)state;
	errno = 0;
	assert_null(ip6pool_new(&h, 48, 64, false)); /* host bits set */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ip6pool_new(&b, 16, 64, false)); /* 2001:db8::/16 has host bits too */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ip6pool_new(&b, 64, 48, false)); /* len < base_len */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ip6pool_new(&b, 31, 64, false)); /* 2^33 prefixes */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ip6pool_new(&b, 64, 129, false));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ip6pool_new(&b, 129, 129, false));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ip6pool_new(NULL, 48, 64, false));
	assert_int_equal(errno, EINVAL);
	ip6pool_free(NULL);
	/* the limits themselves are fine */
	{
		struct in6_addr z = A("::");
		struct ip6pool *p = ip6pool_new(&z, 96, 128, false);

		assert_non_null(p);
		assert_int_equal(ip6pool_size(p), 1ull << 32);
		ip6pool_free(p);
		p = ip6pool_new(&z, 0, 32, false);
		assert_non_null(p);
		assert_string_equal(alloc_s(p, NULL), "::");
		assert_string_equal(alloc_s(p, NULL), "0:1::");
		ip6pool_free(p);
	}
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* the last 64 bits of an address: the index in the pools of test_model */
static uint64_t low64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int i = 8; i < 16; i++)
		v = v << 8 | a->s6_addr[i];
	return v;
}

/*
 * A plain bitmap and cursor do what the pool should: random allocs, takes
 * and releases at every fill, in pools whose tree has 1, 2 and 3 levels
 * (and partial top words).  The pools are ::/(len - bits) into /len with
 * len = 128: the index is the address.
 */
static void test_model(void **state)
{
	static const unsigned bits_of[] = { 0, 1, 2, 5, 6, 7, 11, 12, 13, 14 };

	(void)state;
	for (size_t t = 0; t < sizeof(bits_of) / sizeof(bits_of[0]); t++) {
		unsigned bits = bits_of[t];
		uint64_t size = 1ull << bits, used = 0, cursor = 0;
		uint8_t *in_use = calloc(size, 1);
		struct in6_addr z = A("::"), a;
		struct ip6pool *p = ip6pool_new(&z, (uint8_t)(128 - bits), 128, false);

		assert_non_null(p);
		assert_non_null(in_use);
		for (int step = 0; step < 40000; step++) {
			/* drift between empty and full: fill 3/4 of the way, then drain */
			bool filling = (step / (int)(size * 2 + 8)) % 2 == 0;
			uint64_t r = rnd(), idx = rnd() & (size - 1), want;

			memset(&a, 0, sizeof(a));
			for (int i = 0; i < 8; i++)
				a.s6_addr[15 - i] = (uint8_t)(idx >> (8 * i));
			if (r % 4 == 0) {
				assert_int_equal(ip6pool_take(p, &a, NULL), in_use[idx] ? -EEXIST : 0);
				used += !in_use[idx];
				in_use[idx] = 1;
			} else if (filling ? r % 4 != 1 : r % 4 == 1) {
				int rc = ip6pool_alloc(p, NULL, &a);

				if (used == size) {
					assert_int_equal(rc, -ENOSPC);
					continue;
				}
				for (want = cursor; in_use[want];)
					want = (want + 1) & (size - 1);
				assert_int_equal(rc, 0);
				assert_int_equal(low64(&a), want);
				in_use[want] = 1;
				used++;
				cursor = (want + 1) & (size - 1);
			} else {
				assert_int_equal(ip6pool_release(p, &a), in_use[idx] ? 0 : -ENOENT);
				used -= in_use[idx];
				in_use[idx] = 0;
			}
			assert_int_equal(ip6pool_used(p), used);
		}
		ip6pool_free(p);
		free(in_use);
	}
}

/* the pool's idx-th prefix: idx's bits end at bit len of base */
static struct in6_addr nth(const char *base, unsigned len, uint64_t idx)
{
	struct in6_addr a = A(base);

	for (unsigned b = 0; idx >> b; b++)
		if (idx >> b & 1)
			a.s6_addr[(len - 1 - b) / 8] |= (uint8_t)(0x80 >> (len - 1 - b) % 8);
	return a;
}

/*
 * Every allocation of an alloc or take failing in turn: -ENOMEM, and the
 * pool exactly as it was, no block more or less; then the call without
 * failures does what the same call did on a twin pool that never failed.
 * Users come back (sticky hits), takes hit used, remembered and free
 * prefixes; in the small pool every free prefix ends up remembered (the
 * oldest memory is taken over); in the large one uthash's tables grow
 * under the failures.
 */
static void nomem_run(const char *base, uint8_t base_len, uint8_t len, int users, int ops)
{
	struct ip6pool *p = pool(base, base_len, len, true), *twin = pool(base, base_len, len, true);
	uint64_t span = ip6pool_size(p) < 1500 ? ip6pool_size(p) : 1500;
	struct in6_addr held[375] = { 0 }; /* 2001:db8:: prefixes: never 0 at [0] */
	int nheld = (int)span / 4;
	struct in6_addr a, twin_a;
	int n, rc, twin_rc, failed = 0;
	long before;

	for (int i = 0; i < ops; i++) {
		char user[32];
		uint64_t used = ip6pool_used(p);
		bool taking = i % 3 == 2;

		snprintf(user, sizeof(user), "user%d", i % users);
		twin_a = a = nth(base, len, rnd() % span);
		twin_rc = taking ? ip6pool_take(twin, &twin_a, user) : ip6pool_alloc(twin, user, &twin_a);
		for (n = 0;; n++, failed++) {
			before = live;
			fail_in = n;
			rc = taking ? ip6pool_take(p, &a, user) : ip6pool_alloc(p, user, &a);
			fail_in = -1;
			if (rc != -ENOMEM)
				break;
			assert_int_equal(live, before);
			assert_int_equal(ip6pool_used(p), used);
		}
		assert_int_equal(rc, twin_rc);
		assert_memory_equal(&a, &twin_a, sizeof(a));
		assert_int_equal(ip6pool_used(p), ip6pool_used(twin));
		if (rc != 0)
			continue;
		/* a quarter of the span stays in use, the oldest goes */
		if (held[i % nheld].s6_addr[0]) {
			assert_int_equal(ip6pool_release(p, &held[i % nheld]), 0);
			assert_int_equal(ip6pool_release(twin, &held[i % nheld]), 0);
		}
		held[i % nheld] = a;
	}
	assert_true(failed > ops / 2);
	ip6pool_free(twin);
	ip6pool_free(p);
}

static void test_nomem(void **state)
{
	struct in6_addr b = A("2001:db8::");
	struct ip6pool *p;
	long before;

	(void)state;
	for (int n = 0;; n++) {
		before = live;
		fail_in = n;
		errno = 0;
		p = ip6pool_new(&b, 32, 64, true);
		fail_in = -1;
		if (p)
			break;
		assert_int_equal(errno, ENOMEM);
		assert_int_equal(live, before);
	}
	ip6pool_free(p);
	nomem_run("2001:db8::", 32, 64, 1000, 3000);
	nomem_run("2001:db8::", 122, 128, 100, 3000);
}

/*
 * 100k sessions come and go: the blocks alive stay bounded, sticky memories
 * by IP6POOL_STICKY_MAX, and all are freed with the pool.
 */
static void test_bounded(void **state)
{
	long base = live, mid = 0;
	struct in6_addr a;
	struct ip6pool *p = pool("2001:db8::", 32, 64, false);

	(void)state;
	base = live;
	for (int i = 0; i < 100000; i++) {
		assert_int_equal(ip6pool_alloc(p, NULL, &a), 0);
		assert_int_equal(ip6pool_release(p, &a), 0);
		assert_int_equal(live, base); /* an empty pool holds nothing but itself */
	}
	ip6pool_free(p);

	/* a new user each time: each remembered, until the cap */
	base = live;
	p = pool("2001:db8::", 32, 64, true);
	for (int i = 0; i < 100000; i++) {
		char user[32];

		snprintf(user, sizeof(user), "subscriber-%d", i);
		assert_int_equal(ip6pool_alloc(p, user, &a), 0);
		assert_int_equal(ip6pool_release(p, &a), 0);
		if (i == IP6POOL_STICKY_MAX + 1000)
			mid = live;
	}
	assert_true(live <= mid + 4); /* no growth past the cap */
	/* a block per memory, about 1/64 as many words, the pool, 3 tables */
	assert_true(live - base < IP6POOL_STICKY_MAX + IP6POOL_STICKY_MAX / 32 + 16);
	assert_int_equal(ip6pool_used(p), 0);
	ip6pool_free(p);
	assert_int_equal(live, base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_48_64),
		cmocka_unit_test(test_40_56),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_straddle),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_sticky_full),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_2_32),
		cmocka_unit_test(test_bad_pools),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_nomem),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
