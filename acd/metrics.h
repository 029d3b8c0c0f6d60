/*
 * metrics.h - the Prometheus endpoint ([metrics] listen): GET /metrics
 * served by libmicrohttpd from threads of its own, never by the event loop.
 *
 * The loop alone reads acd's state: asked through an ev_async, it writes a
 * whole exposition (metrics_build) into a new buffer and swaps it in under
 * a mutex.  A scrape that finds the last one older than METRICS_FRESH
 * (or METRICS_FRESH_BUILDS times what it took to build) asks for a new one and waits at most METRICS_WAIT for it, then serves
 * whichever is newest: a busy or stuck loop makes scrapes stale, never
 * the loop slow.  Connections, request size and idle time are bounded by
 * the library's limits; the allow-list is checked in its accept-policy
 * callback, before a byte is read.  Each connection's thread runs at nice
 * METRICS_NICE: a client that scrapes without pause gets the CPU the event
 * loop and pppd leave.
 */
#ifndef ACD_METRICS_H
#define ACD_METRICS_H

#include <stddef.h>

struct acd;
struct metrics;
struct mx;

#define METRICS_FRESH 0.25              /* seconds a snapshot is served as is, */
#define METRICS_FRESH_BUILDS 10         /* ...or this many times its build time */
#define METRICS_WAIT 1.0                /* seconds a scrape waits for the loop */
#define METRICS_MAX_BYTES (64u << 20)   /* an exposition never grows past it */
#define METRICS_NICE 19                 /* the connection threads' nice value */

/* NULL with err empty when [metrics] listen is off; NULL with err set on
 * failure (the address, the library). */
struct metrics *metrics_open(struct acd *a, char *err, size_t errlen);
/* Stop serving: waits for the library's threads (a scrape waiting for the
 * loop is woken first). */
void metrics_close(struct metrics *m);
/* After a reload: the allow-list applies to the next connection. */
void metrics_reconfigure(struct metrics *m);
/*
 * The whole exposition of a's state, on the loop (m: the endpoint's own
 * counters, or NULL).  Exposed for the unit test and the benchmark.
 */
void metrics_build(struct acd *a, struct metrics *m, struct mx *out);

#endif
