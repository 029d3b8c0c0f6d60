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

struct lat_ring {
	uint32_t us[LAT_WINDOW];        /* the last min(count, LAT_WINDOW) */
	uint64_t count;
	uint32_t max;
};

/* Microseconds since t0 (a CLOCK_MONOTONIC reading from lat_now()). */
uint64_t lat_now(void);
/* Record one request that started at t0 (lat_now()). */
void lat_add(struct lat_ring *r, uint64_t t0);
/*
 * {"count": n, "p50_us": ., "p99_us": ., "max_us": .} (percentiles over
 * the window, nearest rank; 0 when nothing was recorded).
 */
json_t *lat_json(const struct lat_ring *r);

#endif
