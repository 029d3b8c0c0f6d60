/*
 * acct_int.h - what accounting's two halves share, and no other file
 * needs: acct.c (the sessions' bookkeeping, on the loop) and acct_send.c
 * (the sender thread and its queue).  acct.h is the daemon's interface,
 * acct_record.h the pure parts.
 */
#ifndef ACD_ACCT_INT_H
#define ACD_ACCT_INT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>
#include <radcli/radcli.h>

#include "acct_record.h"
#include "config.h"
#include "latency.h"

struct acd;
struct acct_result;     /* acct_send.c's */

struct acct {
	struct acd *a;
	/* settings, taken at open (a reload changes them at the next start) */
	char servers[ACD_ACCT_MAX_SERVERS][64];
	unsigned nservers;
	uint32_t interim_s, timeout_s, retries, qsize;
	enum acct_period period;
	struct acct_nas nas;
	char secret_file[PATH_MAX];
	char secret[ACD_RADIUS_SECRET_MAX + 1]; /* to see a change at reload */

	/* the worker's alone: a handle per server, tried in order (radcli
	 * would fail over by itself, but not say which server answered) */
	rc_handle *rh[ACD_ACCT_MAX_SERVERS];
	pthread_t thr;
	bool thr_running;

	/* shared: under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;              /* the worker: a record or stop */
	pthread_cond_t idle;            /* acct_close: the queue is empty */
	struct acct_record *q;
	unsigned head, count;
	bool busy, stop, abandoned;
	struct acct_result *res;        /* ring of qsize results for the loop */
	unsigned rhead, rcount;
	uint64_t sent, failed, dropped, queued, timeouts;
	uint64_t dropped_by[4];         /* by acct_status */
	char last_error[400];
	struct lat_ring lat;            /* request queued-at-worker to answer */
	/* by server: records sent, answered, unanswered, refused otherwise */
	uint64_t srv_requests[ACD_ACCT_MAX_SERVERS], srv_responses[ACD_ACCT_MAX_SERVERS];
	uint64_t srv_timeouts[ACD_ACCT_MAX_SERVERS], srv_errors[ACD_ACCT_MAX_SERVERS];
	struct lat_ring srv_rtt[ACD_ACCT_MAX_SERVERS];

	/* the loop's alone */
	ev_async async;
	ev_periodic boundary;
	int slot;                       /* ours in session.ext[] */
	bool subscribed;                /* to rtnl's link events */
	struct acct_ratelimit drop_rl, fail_rl;
	uint64_t drops_unlogged, fails_unlogged;
	ev_timer dropflush, failflush;  /* the summary line, when the limit lets */
};

/*
 * The sender's part of acct_open: the queue's lock, its ring and the
 * results ring of t->qsize slots, and radcli's handle for the settings
 * in t.  0, or -1 with err set; acct_send_free undoes it either way.
 */
int acct_send_open(struct acct *t, const struct acd_config *cfg, char *err, size_t errlen);
/* The worker thread, the ev_async that logs its results and the drop
 * and failure logs' flush timers.  0, or -1 with err set. */
int acct_send_start(struct acct *t, char *err, size_t errlen);
/* Queue a record (the loop); a full queue drops one (acct_send.c) */
void acct_enqueue(struct acct *t, struct acct_record *r);
/*
 * acct_close's part: stop the loop's side, log what was dropped, and
 * wait up to ACCT_CLOSE_WAIT for the queue to be sent.  true: the worker
 * has ended and t may be freed; false: it is stuck and was left, with t,
 * to the process exit.
 */
bool acct_send_close(struct acct *t);
/* What acct_send_open made (t itself is the caller's) */
void acct_send_free(struct acct *t);

#endif
