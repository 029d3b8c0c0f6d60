/*
 * latency.h - how long acd takes to serve a kind of request, as an
 * operator (and the benchmarks) can read it from `show stat`: the count,
 * the maximum since start, and p50/p99 over the last LAT_WINDOW requests.
 * A fixed ring, so memory stays the same however long acd runs.
 */
#ifndef ACD_LATENCY_H
#define ACD_LATENCY_H

#include <stdint.h>

#include <jansson.h>

#define LAT_WINDOW 1024u

/* The histogram's upper bounds in microseconds (the metrics endpoint
 * gives them in seconds), from 100 us to 10 s: a hook or a shaper apply
 * takes well under a millisecond, an accounting round trip up to the
 * server's timeouts.  The last bucket, past the last bound, is +Inf. */
#define LAT_BUCKETS 16u
extern const uint32_t lat_bounds_us[LAT_BUCKETS];

struct lat_ring {
	uint32_t us[LAT_WINDOW];        /* the last min(count, LAT_WINDOW) */
	uint64_t count;
	uint32_t max;
	/* since start, for the metrics endpoint: each request in the first
	 * bucket whose bound it does not exceed (not cumulative) */
	uint64_t bucket[LAT_BUCKETS + 1];
	uint64_t sum_us;
};

/* Microseconds since t0 (a CLOCK_MONOTONIC reading from lat_now()). */
uint64_t lat_now(void);
/* Record one request that started at t0 (lat_now()). */
void lat_add(struct lat_ring *r, uint64_t t0);
/* Record one request that took us microseconds. */
void lat_add_us(struct lat_ring *r, uint32_t us);
/*
 * {"count": n, "sum_us": ., "p50_us": ., "p99_us": ., "max_us": .}
 * (sum: of every request since start; percentiles over the window,
 * nearest rank; 0 when nothing was recorded).
 */
json_t *lat_json(const struct lat_ring *r);

#endif
