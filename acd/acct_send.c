/*
 * acct_send.c - accounting's sender thread and its queue (see acct_int.h).
 *
 * Threads: the event loop owns the sessions, reads their counters and
 * builds plain records (struct acct_record) into a ring of queue-size
 * slots.  One worker thread takes records out, turns each into radcli
 * attributes and sends it with rc_aaa() to the first server, then, when
 * that one does not take it, to the second: each rc_aaa() blocks for up
 * to timeout x (retries + 1).  A handle per server (radcli would fail
 * over by itself, but not say which server answered) gives each server's
 * counters.  The ring, the counters and the
 * results ring are shared under one mutex; the worker wakes the loop
 * with an ev_async to log the results.  The worker touches nothing else
 * of acd's: its own rc_handle, the record, the shared part of struct acct.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <radcli/radcli.h>

#include "acct.h"
#include "acct_int.h"
#include "acd.h"
#include "log.h"

/* ---- the shared queue ----------------------------------------------------- */

#define RESULT_ERR_LEN 320

struct acct_result {
	enum acct_status status;
	char session_id[ACCT_ID_LEN];
	char ifname[16];
	int rc;                         /* radcli's: OK_RC, TIMEOUT_RC, ... */
	uint32_t ms;
	char err[RESULT_ERR_LEN];
};

/* Take a record out of the ring at slot i (an Interim, to make room). */
static void ring_remove(struct acct *t, unsigned pos)
{
	unsigned i, n = (pos + t->qsize - t->head) % t->qsize;

	for (i = n; i + 1 < t->count; i++)
		t->q[(t->head + i) % t->qsize] = t->q[(t->head + i + 1) % t->qsize];
	t->count--;
}

static void log_drops(struct acct *t, bool at_exit);

/*
 * Queue a record (the loop).  A full queue drops: an incoming Interim
 * itself; a Start or Stop takes the place of the oldest queued Interim
 * (a later Interim or Stop of that session says more), else is dropped.
 */
void acct_enqueue(struct acct *t, struct acct_record *r)
{
	bool dropped = false;
	unsigned i;

	r->queued_us = lat_now();
	pthread_mutex_lock(&t->mu);
	if (t->count == t->qsize) {
		dropped = true;
		t->dropped++;
		for (i = 0; r->status != ACCT_INTERIM && i < t->count; i++) {
			unsigned pos = (t->head + i) % t->qsize;

			if (t->q[pos].status == ACCT_INTERIM) {
				ring_remove(t, pos);
				break;
			}
		}
		/* nothing taken out: this record is the one dropped */
		t->dropped_by[t->count == t->qsize ? r->status : ACCT_INTERIM]++;
	}
	if (t->count < t->qsize) {
		t->q[(t->head + t->count) % t->qsize] = *r;
		t->count++;
		t->queued++;
		pthread_cond_signal(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
	if (dropped) {
		t->drops_unlogged++;
		log_drops(t, false);
	}
}

/*
 * One record to the servers in order until one takes it (the worker):
 * radcli's result of the last server tried, err set when none took it.
 * Acct-Delay-Time is counted for each server afresh: the second is told
 * how long the first kept the record.
 */
static int send_record(struct acct *t, const struct acct_record *r, char *err, size_t errlen)
{
	int rc = ERROR_RC, timeouts = 0;
	VALUE_PAIR *vp;
	uint64_t t1;
	unsigned i;

	for (i = 0; i < t->nservers && rc != OK_RC; i++) {
		t1 = lat_now();
		if (acct_record_attrs(t->rh[i], r, &t->nas, (uint32_t)((t1 - r->queued_us) / 1000000),
				      &vp, err, errlen) < 0)
			return ERROR_RC;
		/* add_nas_port 0: NAS-Port-Id says which port */
		rc = rc_aaa(t->rh[i], 0, vp, NULL, NULL, 0, PW_ACCOUNTING_REQUEST);
		rc_avpair_free(vp);
		pthread_mutex_lock(&t->mu);
		t->srv_requests[i]++;
		if (rc == OK_RC) {
			t->srv_responses[i]++;
			lat_add(&t->srv_rtt[i], t1);
		} else if (rc == TIMEOUT_RC) {
			t->srv_timeouts[i]++;
		} else {
			t->srv_errors[i]++;
		}
		pthread_mutex_unlock(&t->mu);
		if (rc == TIMEOUT_RC)
			timeouts++;
	}
	if (rc == OK_RC)
		err[0] = '\0';
	else if (rc == TIMEOUT_RC && timeouts == (int)t->nservers)
		snprintf(err, errlen, "no answer from %s%s%s within %us x %u tries", t->servers[0],
			 t->nservers > 1 ? " nor " : "", t->nservers > 1 ? t->servers[1] : "",
			 t->timeout_s, t->retries + 1);
	else if (rc == TIMEOUT_RC)
		snprintf(err, errlen, "no answer from %s within %us x %u tries, and %s did not take it "
			 "(bad answer or secret, or no route: radcli logs the reason to syslog)",
			 t->servers[t->nservers - 1], t->timeout_s, t->retries + 1, t->servers[0]);
	else
		snprintf(err, errlen, "radcli error %d from %s (bad answer or secret, or no route: "
			 "radcli logs the reason to syslog)", rc, t->servers[t->nservers - 1]);
	return rc;
}

static void *worker(void *arg)
{
	struct acct *t = arg;
	struct acct_record r;
	struct acct_result res;
	char err[RESULT_ERR_LEN];
	uint64_t t0;
	bool wake;

	pthread_mutex_lock(&t->mu);
	for (;;) {
		while (t->count == 0 && !t->stop)
			pthread_cond_wait(&t->cv, &t->mu);
		if (t->count == 0)
			break;
		r = t->q[t->head];
		t->head = (t->head + 1) % t->qsize;
		t->count--;
		t->busy = true;
		pthread_mutex_unlock(&t->mu);

		memset(&res, 0, sizeof(res));
		res.status = r.status;
		memcpy(res.session_id, r.session_id, sizeof(res.session_id));
		memcpy(res.ifname, r.ifname, sizeof(res.ifname));
		t0 = lat_now();
		err[0] = '\0';
		res.rc = send_record(t, &r, err, sizeof(err));
		res.ms = (uint32_t)((lat_now() - t0) / 1000);
		snprintf(res.err, sizeof(res.err), "%s", err);

		pthread_mutex_lock(&t->mu);
		t->busy = false;
		if (res.rc == OK_RC) {
			t->sent++;
			lat_add(&t->lat, t0);
		} else {
			t->failed++;
			if (res.rc == TIMEOUT_RC)
				t->timeouts++;
			snprintf(t->last_error, sizeof(t->last_error), "%s %s: %s",
				 r.ifname, r.session_id, err);
		}
		t->res[(t->rhead + t->rcount) % t->qsize] = res;
		if (t->rcount < t->qsize)
			t->rcount++;
		else
			t->rhead = (t->rhead + 1) % t->qsize; /* the loop lags: keep the newest */
		if (t->count == 0)
			pthread_cond_broadcast(&t->idle);
		wake = !t->abandoned;
		pthread_mutex_unlock(&t->mu);
		if (wake)
			ev_async_send(t->a->loop, &t->async);
		pthread_mutex_lock(&t->mu);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

/* ---- the loop's side: logs ------------------------------------------------ */

static const char *status_name(enum acct_status s)
{
	return s == ACCT_START ? "start" : s == ACCT_STOP ? "stop" :
	       s == ACCT_INTERIM ? "interim" : "?";
}

/*
 * A line the limit holds back: its flush timer comes back for it when
 * the limit lets.  libev times the timer from the loop's cached clock,
 * which may be behind lat_now(): it can fire early, and the limit, asked
 * again, sets it for the rest.
 */
static void flush_later(struct acct *t, ev_timer *w, uint64_t wait_us)
{
	if (ev_is_active(w))
		return;
	ev_timer_set(w, (double)wait_us / 1e6, 0);
	ev_timer_start(t->a->loop, w);
}

/* What was dropped since the last line, at most one line a second (at
 * exit: now, the last word). */
static void log_drops(struct acct *t, bool at_exit)
{
	uint64_t total, wait;

	if (!t->drops_unlogged)
		return;
	wait = acct_ratelimit_take(&t->drop_rl, lat_now());
	if (wait && !at_exit) {
		flush_later(t, &t->dropflush, wait);
		return;
	}
	pthread_mutex_lock(&t->mu);
	total = t->dropped;
	pthread_mutex_unlock(&t->mu);
	log_warnx("acct: event=dropped records=%" PRIu64 " total=%" PRIu64
		  " (the queue of %u is full: is the accounting server down?)",
		  t->drops_unlogged, total, t->qsize);
	t->drops_unlogged = 0;
}

/* A failed record (r), or the failures since the last line (r NULL): at
 * most one line a second; those held back are summed up in the next. */
static void log_fails(struct acct *t, const struct acct_result *r)
{
	uint64_t wait;

	if (!t->fails_unlogged)
		return;
	wait = acct_ratelimit_take(&t->fail_rl, lat_now());
	if (wait) {
		flush_later(t, &t->failflush, wait);
		return;
	}
	if (r)
		log_warnx("acct: sess=%s sid=%s event=acct-%s-failed failed=%" PRIu64 " error=\"%s\"",
			  r->ifname, r->session_id, status_name(r->status), t->fails_unlogged, r->err);
	else
		log_warnx("acct: event=failed records=%" PRIu64, t->fails_unlogged);
	t->fails_unlogged = 0;
}

static void on_dropflush(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	log_drops(w->data, false);
}

static void on_failflush(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	log_fails(w->data, NULL);
}

static void on_async(struct ev_loop *loop, ev_async *w, int revents)
{
	struct acct *t = w->data;
	struct acct_result r[32];
	unsigned n, i;

	(void)loop;
	(void)revents;
	do {
		pthread_mutex_lock(&t->mu);
		for (n = 0; n < 32 && t->rcount; n++) {
			r[n] = t->res[t->rhead];
			t->rhead = (t->rhead + 1) % t->qsize;
			t->rcount--;
		}
		pthread_mutex_unlock(&t->mu);
		for (i = 0; i < n; i++) {
			if (r[i].rc == OK_RC) {
				if (r[i].status == ACCT_INTERIM)
					log_debug("acct: sess=%s sid=%s event=acct-interim ms=%u",
						  r[i].ifname, r[i].session_id, r[i].ms);
				else
					log_info("acct: sess=%s sid=%s event=acct-%s ms=%u", r[i].ifname,
						 r[i].session_id, status_name(r[i].status), r[i].ms);
			} else {
				t->fails_unlogged++;
				log_fails(t, &r[i]);
			}
		}
	} while (n == 32);
}

/* ---- open, close ---------------------------------------------------------- */

/* "ADDR[:PORT]" for radcli's acctserver, with the secret: "ADDR:PORT:SECRET" */
static int server_spec(const char *s, const char *secret, char *out, size_t len)
{
	char host[64];
	unsigned port;

	if (acct_server_parse(s, host, sizeof(host), &port) < 0)
		return -1;
	return snprintf(out, len, "%s:%u:%s", host, port, secret) < (int)len ? 0 : -1;
}

/* radcli's handle for server i alone, with the settings in t */
static rc_handle *radcli_open(struct acct *t, unsigned i, const struct acd_config *cfg, char *err,
			      size_t errlen)
{
	char spec[64 + 8 + ACD_RADIUS_SECRET_MAX + 2], num[16];
	rc_handle *rh;
	int rc = 0;

	if (server_spec(t->servers[i], cfg->acct_secret, spec, sizeof(spec)) < 0) {
		snprintf(err, errlen, "[accounting] server \"%s\": not ADDRESS[:PORT]", t->servers[i]);
		return NULL;
	}
	rh = rc_new();
	if (rh)
		rh = rc_config_init(rh); /* frees rh itself on failure */
	if (!rh) {
		memset(spec, 0, sizeof(spec));
		snprintf(err, errlen, "[accounting]: radcli: out of memory");
		return NULL;
	}
	rc |= rc_add_config(rh, "acctserver", spec, "acd.conf [accounting]", 0);
	snprintf(num, sizeof(num), "%u", t->timeout_s);
	rc |= rc_add_config(rh, "radius_timeout", num, "acd.conf [accounting]", 0);
	snprintf(num, sizeof(num), "%u", t->retries);
	rc |= rc_add_config(rh, "radius_retries", num, "acd.conf [accounting]", 0);
	rc |= rc_add_config(rh, "radius_deadtime", "0", "acd.conf [accounting]", 0);
	rc |= rc_add_config(rh, "dictionary", cfg->dictionary, "acd.conf [radius]", 0);
	memset(spec, 0, sizeof(spec)); /* it held the secret */
	if (rc || rc_apply_config(rh) != 0) {
		snprintf(err, errlen, "[accounting] server \"%s\": radcli rejected the settings",
			 t->servers[i]);
		rc_destroy(rh);
		return NULL;
	}
	if (rc_read_dictionary(rh, cfg->dictionary) != 0) {
		snprintf(err, errlen, "%s: radcli cannot read this RADIUS dictionary", cfg->dictionary);
		rc_destroy(rh);
		return NULL;
	}
	return rh;
}

int acct_send_open(struct acct *t, const struct acd_config *cfg, char *err, size_t errlen)
{
	unsigned i;

	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	pthread_cond_init(&t->idle, NULL);
	t->q = calloc(t->qsize, sizeof(*t->q));
	t->res = calloc(t->qsize, sizeof(*t->res));
	if (!t->q || !t->res) {
		snprintf(err, errlen, "[accounting] queue-size %u: out of memory", t->qsize);
		return -1;
	}
	for (i = 0; i < t->nservers; i++)
		if (!(t->rh[i] = radcli_open(t, i, cfg, err, errlen)))
			return -1;
	return 0;
}

int acct_send_start(struct acct *t, char *err, size_t errlen)
{
	if (pthread_create(&t->thr, NULL, worker, t) != 0) {
		snprintf(err, errlen, "[accounting]: cannot start the sender thread");
		return -1;
	}
	t->thr_running = true;
	ev_async_init(&t->async, on_async);
	t->async.data = t;
	ev_async_start(t->a->loop, &t->async);
	ev_timer_init(&t->dropflush, on_dropflush, 1.0, 0);
	t->dropflush.data = t;
	ev_timer_init(&t->failflush, on_failflush, 1.0, 0);
	t->failflush.data = t;
	return 0;
}

bool acct_send_close(struct acct *t)
{
	struct timespec dl;
	unsigned left;
	int rc = 0;

	ev_async_stop(t->a->loop, &t->async);
	ev_timer_stop(t->a->loop, &t->dropflush);
	ev_timer_stop(t->a->loop, &t->failflush);
	log_drops(t, true);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += (time_t)ACCT_CLOSE_WAIT;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_signal(&t->cv);
	while ((t->count || t->busy) && rc == 0)
		rc = pthread_cond_timedwait(&t->idle, &t->mu, &dl);
	left = t->count + (t->busy ? 1u : 0u);
	if (left)
		t->abandoned = true;
	pthread_mutex_unlock(&t->mu);
	if (left) {
		/* the worker is stuck on a dead server: leave it (and what it
		 * uses) to the process exit */
		log_warnx("acct: event=exit-unsent records=%u (not sent within %.0fs)", left,
			  ACCT_CLOSE_WAIT);
		pthread_detach(t->thr);
		return false;
	}
	pthread_join(t->thr, NULL);
	return true;
}

void acct_send_free(struct acct *t)
{
	unsigned i;

	for (i = 0; i < ACD_ACCT_MAX_SERVERS; i++)
		if (t->rh[i])
			rc_destroy(t->rh[i]);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	pthread_cond_destroy(&t->idle);
	free(t->q);
	free(t->res);
}
