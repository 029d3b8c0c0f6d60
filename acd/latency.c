/*
 * latency.c - request latency rings for `show stat` (see latency.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latency.h"

uint64_t lat_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const uint32_t lat_bounds_us[LAT_BUCKETS] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000,
};

void lat_add_us(struct lat_ring *r, uint32_t us)
{
	unsigned b = 0;

	r->us[r->count % LAT_WINDOW] = us;
	r->count++;
	if (us > r->max)
		r->max = us;
	while (b < LAT_BUCKETS && us > lat_bounds_us[b])
		b++;
	r->bucket[b]++;
	r->sum_us += us;
}

void lat_add(struct lat_ring *r, uint64_t t0)
{
	uint64_t d = lat_now() - t0;

	lat_add_us(r, d > UINT32_MAX ? UINT32_MAX : (uint32_t)d);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static uint32_t rank(const uint32_t *v, size_t n, unsigned pct)
{
	size_t r = (n * pct + 99) / 100;

	return v[(r ? r : 1) - 1];
}

json_t *lat_json(const struct lat_ring *r)
{
	size_t n = r->count < LAT_WINDOW ? (size_t)r->count : LAT_WINDOW;
	uint32_t v[LAT_WINDOW];

	memcpy(v, r->us, n * sizeof(v[0]));
	qsort(v, n, sizeof(v[0]), cmp_u32);
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "count", (json_int_t)r->count,
			 "sum_us", (json_int_t)r->sum_us,
			 "p50_us", (json_int_t)(n ? rank(v, n, 50) : 0),
			 "p99_us", (json_int_t)(n ? rank(v, n, 99) : 0),
			 "max_us", (json_int_t)r->max);
}
