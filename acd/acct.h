/*
 * acct.h - RADIUS accounting (RFC 2866, 2869) sent by acd itself for each
 * session: Start, Interim-Update every interim-interval, Stop, with 64-bit
 * counters (Acct-*-Gigawords) read from the kernel's link statistics, and,
 * with a period (daily, monthly), a Stop + Start pair at each boundary so
 * the billing side sees the usage of each period on its own record.
 *
 * radcli's calls block for the server's whole timeout: they run on one
 * worker thread fed by a bounded queue.  The event loop only reads
 * counters and queues records; when the queue is full a record is
 * dropped (an Interim first), counted and logged at most once a second.
 *
 * acct.c follows the sessions, acct_send.c is the worker and its queue,
 * acct_record.c the pure parts (acct_record.h, included here): period
 * boundaries, cause mapping, the attribute list of one record.
 */
#ifndef ACD_ACCT_H
#define ACD_ACCT_H

#include <stddef.h>

#include <jansson.h>

#include "acct_record.h"
#include "config.h"
#include "latency.h"

struct acd;

struct acct;

/* NULL with err empty when [accounting] is off, NULL with err set on a
 * failure.  Settings are taken now: a reload changes them at the next
 * start (acct_reload_check says so). */
struct acct *acct_open(struct acd *a, char *err, size_t errlen);
/* (acct_open registers acct as a listener of the session core: each
 * session's Start, Interim-Updates and Stop follow its events.) */
/* Waits up to ACCT_CLOSE_WAIT for the queue to be sent; what is left is
 * lost (sessions go on: no Stop is sent when acd stops). */
void acct_close(struct acct *t);
#define ACCT_CLOSE_WAIT 2.0     /* seconds */
/* After a reload: log that changed [accounting] settings wait for a restart. */
void acct_reload_check(struct acd *a);

/* What one accounting server did: acd sends to each with a handle of its
 * own and fails over itself, so it knows which answered. */
struct acct_server_stats {
	uint64_t requests;              /* records sent to it (each up to retries + 1 times) */
	uint64_t responses, timeouts, errors; /* errors: a bad answer, no route */
	struct lat_ring rtt;            /* sent to it to its answer */
};

/* What the metrics endpoint reads, copied under the sender's lock. */
struct acct_sender_stats {
	uint64_t queued, sent, failed, timeouts, dropped_by[4];
	unsigned depth, qsize;
	struct lat_ring rtt;            /* a request's send to its answer (all servers) */
	char servers[ACD_ACCT_MAX_SERVERS][64]; /* as configured ("" when fewer) */
	struct acct_server_stats server[ACD_ACCT_MAX_SERVERS];
};
/* 0, or -1 when accounting is off (t NULL) */
int acct_sender_stats(struct acct *t, struct acct_sender_stats *out);

/* `show stat`'s "accounting" object */
json_t *acct_stat_json(struct acct *t);

#endif
