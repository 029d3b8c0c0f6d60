/*
 * acct.c - RADIUS accounting per session (see acct.h).
 *
 * Threads: the event loop owns the sessions, reads their counters and
 * builds plain records (struct acct_record) into a ring of queue-size
 * slots.  One worker thread takes records out, turns each into radcli
 * attributes and sends it with rc_aaa(), which blocks for up to
 * timeout x (retries + 1) per server.  The ring, the counters and the
 * results ring are shared under one mutex; the worker wakes the loop
 * with an ev_async to log the results.  The worker touches nothing else
 * of acd's: its own rc_handle, the record, the shared part of struct acct.
 *
 * Counters come from the kernel's 64-bit link statistics (rtnl.h).  pppd
 * may let the interface go before its ip-down hook runs, so acct also
 * subscribes to RTNL_LINK_DEL, which carries the link's last statistics:
 * the Stop of a session whose link is gone reports those.
 *
 * A listener of the session core (session.h): a session's accounting
 * (struct acct_sess) is its ext slot, made at its first up and freed at
 * its end; the state file keeps its period through a state_ext.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <radcli/radcli.h>

#include "acct.h"
#include "acd.h"
#include "log.h"
#include "rtnl.h"
#include "state.h"

/* ---- pure parts --------------------------------------------------------- */

static const char *const period_names[] = {
	[ACCT_PERIOD_NONE] = "none",
	[ACCT_PERIOD_DAILY] = "daily",
	[ACCT_PERIOD_MONTHLY] = "monthly",
};

const char *acct_period_name(enum acct_period p)
{
	return (unsigned)p < sizeof(period_names) / sizeof(period_names[0]) ? period_names[p] : "?";
}

int acct_period_parse(const char *s, enum acct_period *p)
{
	unsigned i;

	for (i = 0; i < sizeof(period_names) / sizeof(period_names[0]); i++)
		if (strcmp(s, period_names[i]) == 0) {
			*p = (enum acct_period)i;
			return 0;
		}
	return -1;
}

time_t acct_period_next(enum acct_period p, time_t t)
{
	struct tm tm;
	time_t n;
	int guard;

	if (p != ACCT_PERIOD_DAILY && p != ACCT_PERIOD_MONTHLY)
		return (time_t)-1;
	if (!localtime_r(&t, &tm))
		return (time_t)-1;
	/* mktime normalises day 32, month 13, and (tm_isdst -1) a midnight
	 * that a DST change skips to the first time that exists after it */
	for (guard = 0; guard < 3; guard++) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (p == ACCT_PERIOD_DAILY) {
			tm.tm_mday += 1;
		} else {
			tm.tm_mday = 1;
			tm.tm_mon += 1;
		}
		n = mktime(&tm);
		if (n == (time_t)-1)
			return n;
		if (n > t)
			return n;
		/* a zone whose clock went back past midnight: the next one */
		if (!localtime_r(&n, &tm))
			return (time_t)-1;
	}
	return (time_t)-1;
}

enum acct_cause acct_terminate_cause(const char *cause)
{
	static const struct {
		const char *name;
		enum acct_cause cause;
	} map[] = {
		{ "ip-down", ACCT_CAUSE_USER_REQUEST },
		{ "ipv6-down", ACCT_CAUSE_USER_REQUEST },
		{ "disconnect-request", ACCT_CAUSE_ADMIN_RESET },
		{ "admin-reset", ACCT_CAUSE_ADMIN_RESET },
		{ "vanished", ACCT_CAUSE_NAS_ERROR },
		{ "replaced", ACCT_CAUSE_NAS_ERROR },
		{ "period", ACCT_CAUSE_SESSION_TIMEOUT },
	};
	size_t i;

	for (i = 0; cause && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(cause, map[i].name) == 0)
			return map[i].cause;
	return ACCT_CAUSE_NAS_ERROR;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void acct_counters_sub(const struct acct_counters *c, const struct acct_counters *base,
		       struct acct_counters *out)
{
	out->in_octets = sub0(c->in_octets, base->in_octets);
	out->out_octets = sub0(c->out_octets, base->out_octets);
	out->in_packets = sub0(c->in_packets, base->in_packets);
	out->out_packets = sub0(c->out_packets, base->out_packets);
}

/* RFC 2865 NAS-Port-Type Virtual, Service-Type Framed-User, Framed-Protocol PPP */
#define NAS_PORT_TYPE_VIRTUAL 5
#define SERVICE_TYPE_FRAMED 2
#define FRAMED_PROTOCOL_PPP 1

static const char *attr_name(rc_handle *rh, int attr)
{
	DICT_ATTR *d = rc_dict_getattr(rh, attr);

	return d ? d->name : NULL;
}

struct builder {
	rc_handle *rh;
	VALUE_PAIR *vp;
	int failed;             /* the attribute that could not be added */
};

static void add(struct builder *b, int attr, const void *val, int len)
{
	if (b->failed)
		return;
	if (!rc_avpair_add(b->rh, &b->vp, attr, val, len, 0))
		b->failed = attr;
}

static void add_int(struct builder *b, int attr, uint32_t v)
{
	add(b, attr, &v, 0);
}

static void add_str(struct builder *b, int attr, const char *s)
{
	if (s && *s)
		add(b, attr, s, -1);
}

int acct_record_attrs(struct rc_conf *rh, const struct acct_record *r,
		      const struct acct_nas *nas, uint32_t delay, struct rc_value_pair **out,
		      char *err, size_t errlen)
{
	struct builder b = { .rh = rh };
	struct in_addr a4;
	struct in6_addr a6;

	*out = NULL;
	add_int(&b, PW_ACCT_STATUS_TYPE, (uint32_t)r->status);
	add_str(&b, PW_ACCT_SESSION_ID, r->session_id);
	add_str(&b, PW_ACCT_MULTI_SESSION_ID, r->multi_id);
	add_str(&b, PW_USER_NAME, r->user);
	if (r->ip[0] && inet_pton(AF_INET, r->ip, &a4) == 1)
		add_int(&b, PW_FRAMED_IP_ADDRESS, ntohl(a4.s_addr));
	/* RFC 3162: IPv6CP's interface identifier, the low 64 bits of the
	 * peer's link-local address (its global addresses come later, from
	 * SLAAC or DHCPv6, and are not the NAS's to know) */
	if (r->ipv6[0] && inet_pton(AF_INET6, r->ipv6, &a6) == 1 && IN6_IS_ADDR_LINKLOCAL(&a6))
		add(&b, PW_FRAMED_INTERFACE_ID, &a6.s6_addr[8], 8);
	add_str(&b, PW_CALLING_STATION_ID, r->mac);
	add_str(&b, PW_NAS_PORT_ID_STRING, r->ifname);
	add_int(&b, PW_NAS_PORT_TYPE, NAS_PORT_TYPE_VIRTUAL);
	add_int(&b, PW_SERVICE_TYPE, SERVICE_TYPE_FRAMED);
	add_int(&b, PW_FRAMED_PROTOCOL, FRAMED_PROTOCOL_PPP);
	add_str(&b, PW_NAS_IDENTIFIER, nas->identifier);
	if (nas->ip[0] && inet_pton(AF_INET, nas->ip, &a4) == 1)
		add_int(&b, PW_NAS_IP_ADDRESS, ntohl(a4.s_addr));
	else if (nas->ip[0] && inet_pton(AF_INET6, nas->ip, &a6) == 1)
		add(&b, PW_NAS_IPV6_ADDRESS, &a6, 16);
	add_int(&b, PW_EVENT_TIMESTAMP, (uint32_t)r->event_time);
	add_int(&b, PW_ACCT_DELAY_TIME, delay);
	if (r->status != ACCT_START) {
		/* 64-bit counts: the low 32 bits, and the times they wrapped */
		add_int(&b, PW_ACCT_SESSION_TIME, r->session_time);
		add_int(&b, PW_ACCT_INPUT_OCTETS, (uint32_t)r->c.in_octets);
		add_int(&b, PW_ACCT_INPUT_GIGAWORDS, (uint32_t)(r->c.in_octets >> 32));
		add_int(&b, PW_ACCT_OUTPUT_OCTETS, (uint32_t)r->c.out_octets);
		add_int(&b, PW_ACCT_OUTPUT_GIGAWORDS, (uint32_t)(r->c.out_octets >> 32));
		/* packets have no gigawords: they wrap, as RFC 2866 counters do */
		add_int(&b, PW_ACCT_INPUT_PACKETS, (uint32_t)r->c.in_packets);
		add_int(&b, PW_ACCT_OUTPUT_PACKETS, (uint32_t)r->c.out_packets);
	}
	if (r->status == ACCT_STOP && r->cause != ACCT_CAUSE_NONE)
		add_int(&b, PW_ACCT_TERMINATE_CAUSE, (uint32_t)r->cause);
	if (b.failed) {
		const char *n = attr_name(rh, b.failed);

		if (n)
			snprintf(err, errlen, "cannot add attribute %s (out of memory or value too long)", n);
		else
			snprintf(err, errlen, "the RADIUS dictionary lacks attribute %d: use acd's radius-dict",
				 b.failed);
		rc_avpair_free(b.vp);
		return -1;
	}
	*out = b.vp;
	return 0;
}

/* ---- the shared queue ----------------------------------------------------- */

#define RESULT_ERR_LEN 160

struct acct_result {
	enum acct_status status;
	char session_id[ACCT_ID_LEN];
	char ifname[16];
	int rc;                         /* radcli's: OK_RC, TIMEOUT_RC, ... */
	uint32_t ms;
	char err[RESULT_ERR_LEN];
};

/* What a session carries for accounting: its ext slot (session.h). */
struct acct_sess {
	struct acct_saved st;
	struct acct_counters last;      /* the last counters read */
	bool final;                     /* last = the deleted link's last counters */
	/* the last IPv4 and IPv6 address the session had: the records keep
	 * them when one protocol goes down before the other (and before the
	 * Stop), as the billing side looks sessions up by them */
	char ip[16];
	char ipv6[48];
	bool timer_on;
	ev_timer interim;
	struct session *s;
	struct acct *t;
};

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

	/* the worker's alone */
	rc_handle *rh;
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
	uint64_t sent, failed, dropped, queued;
	uint64_t dropped_by[4];         /* by acct_status */
	char last_error[256];
	struct lat_ring lat;            /* request queued-at-worker to answer */

	/* the loop's alone */
	ev_async async;
	ev_periodic boundary;
	int slot;                       /* ours in session.ext[] */
	bool subscribed;                /* to rtnl's link events */
	struct acct_ratelimit drop_rl, fail_rl;
	uint64_t drops_unlogged, fails_unlogged;
	ev_timer dropflush, failflush;  /* the summary line, when the limit lets */
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
static void enqueue(struct acct *t, struct acct_record *r)
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

static void *worker(void *arg)
{
	struct acct *t = arg;
	struct acct_record r;
	struct acct_result res;
	char err[RESULT_ERR_LEN];
	VALUE_PAIR *vp;
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
		if (acct_record_attrs(t->rh, &r, &t->nas, (uint32_t)((t0 - r.queued_us) / 1000000),
				      &vp, err, sizeof(err)) < 0) {
			res.rc = ERROR_RC;
		} else {
			/* add_nas_port 0: NAS-Port-Id says which port */
			res.rc = rc_aaa(t->rh, 0, vp, NULL, NULL, 0, PW_ACCOUNTING_REQUEST);
			rc_avpair_free(vp);
			if (res.rc == TIMEOUT_RC)
				snprintf(err, sizeof(err), "no answer from %s%s within %us x %u tries",
					 t->servers[0], t->nservers > 1 ? " nor the second server" : "",
					 t->timeout_s, t->retries + 1);
			else if (res.rc != OK_RC)
				snprintf(err, sizeof(err), "radcli error %d (bad answer or secret, "
					 "or no route: radcli logs the reason to syslog)", res.rc);
		}
		res.ms = (uint32_t)((lat_now() - t0) / 1000);
		snprintf(res.err, sizeof(res.err), "%s", err);

		pthread_mutex_lock(&t->mu);
		t->busy = false;
		if (res.rc == OK_RC) {
			t->sent++;
			lat_add(&t->lat, t0);
		} else {
			t->failed++;
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

uint64_t acct_ratelimit_take(struct acct_ratelimit *rl, uint64_t now_us)
{
	if (rl->logged && now_us - rl->last_us < ACCT_LOG_GAP_US)
		return rl->last_us + ACCT_LOG_GAP_US - now_us;
	rl->logged = true;
	rl->last_us = now_us;
	return 0;
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

/* ---- counters ------------------------------------------------------------- */

static struct acct_sess *as_of(const struct acct *t, const struct session *s)
{
	return s->ext[t->slot];
}

static void from_link(const struct link_counters *l, struct acct_counters *c)
{
	c->in_octets = l->rx_bytes;
	c->out_octets = l->tx_bytes;
	c->in_packets = l->rx_packets;
	c->out_packets = l->tx_packets;
}

/* A link was deleted: keep its last counters for the session's Stop. */
static void on_link(const struct rtnl_event *ev, void *arg)
{
	struct acct *t = arg;
	struct session *s;
	struct acct_sess *as;

	if (ev->type != RTNL_LINK_DEL || !ev->link.has_counters)
		return;
	s = session_by_ifindex(&t->a->sess, ev->link.ifindex);
	if (!s || !(as = as_of(t, s)) || as->final)
		return;
	from_link(&ev->link.c, &as->last);
	as->final = true;
}

/* The session's counters now: the kernel's, or the deleted link's last,
 * or (neither: the link went and its notification was lost) the last
 * read.  Keeps them in as->last. */
static void session_counters(struct acct *t, struct session *s)
{
	struct acct_sess *as = as_of(t, s);
	struct link_counters l;
	int rc;

	if (as->final)
		return;
	rc = rtnl_counters(t->a->rtnl, s->ifindex, &l);
	if (rc >= 0) {
		from_link(&l, &as->last);
		as->final = rc == 1; /* gone: these were its last */
		return;
	}
	log_warnx("acct: sess=%s user=%s event=counters-lost (link gone, no last "
		  "statistics): the record has the counters of the last interim",
		  s->ifname, s->user);
}

/* ---- records of a session ------------------------------------------------- */

/* Keep the session's current addresses for its records: one protocol
 * may go down (its address cleared) before the other and the Stop. */
static void keep_addrs(struct acct_sess *as, const struct session *s)
{
	if (s->ip[0])
		snprintf(as->ip, sizeof(as->ip), "%s", s->ip);
	if (s->ipv6_ll[0])
		snprintf(as->ipv6, sizeof(as->ipv6), "%s", s->ipv6_ll);
}

static void send_record(struct acct *t, struct session *s, enum acct_status st,
			enum acct_cause cause, time_t now)
{
	struct acct_sess *as = as_of(t, s);
	struct acct_record r;

	memset(&r, 0, sizeof(r));
	r.status = st;
	snprintf(r.session_id, sizeof(r.session_id), "%s", s->acct_session_id);
	snprintf(r.multi_id, sizeof(r.multi_id), "%s", as->st.multi_id);
	snprintf(r.user, sizeof(r.user), "%s", s->user);
	snprintf(r.ifname, sizeof(r.ifname), "%s", s->ifname);
	snprintf(r.mac, sizeof(r.mac), "%s", s->mac);
	keep_addrs(as, s);
	snprintf(r.ip, sizeof(r.ip), "%s", as->ip);
	snprintf(r.ipv6, sizeof(r.ipv6), "%s", as->ipv6);
	r.event_time = now;
	r.session_time = now > as->st.period_start ? (uint32_t)(now - as->st.period_start) : 0;
	if (st != ACCT_START)
		acct_counters_sub(&as->last, &as->st.base, &r.c);
	r.cause = st == ACCT_STOP ? cause : ACCT_CAUSE_NONE;
	enqueue(t, &r);
}

static void on_interim(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct acct_sess *as = w->data;
	struct session *s = as->s;

	(void)loop;
	(void)revents;
	if (s->gone)
		return;
	session_counters(as->t, s);
	send_record(as->t, s, ACCT_INTERIM, ACCT_CAUSE_NONE, time(NULL));
}

/* A period's Start: counts from base, time from as->st.period_start. */
static void start_period(struct acct *t, struct session *s, time_t now, bool fresh_id,
			 const struct acct_counters *base)
{
	struct acct_sess *as = as_of(t, s);

	if (fresh_id)
		session_new_id(&t->a->sess, now, s->acct_session_id, sizeof(s->acct_session_id));
	if (!as->st.multi_id[0])
		snprintf(as->st.multi_id, sizeof(as->st.multi_id), "%s", s->acct_session_id);
	as->st.base = *base;
	as->st.started = true;
	send_record(t, s, ACCT_START, ACCT_CAUSE_NONE, now);
}

/* The period ended: its Stop, and a Start with a new Acct-Session-Id. */
static void split_period(struct acct *t, struct session *s, time_t now)
{
	struct acct_sess *as = as_of(t, s);

	session_counters(t, s);
	send_record(t, s, ACCT_STOP, acct_terminate_cause("period"), now);
	as->st.period_start = now;
	start_period(t, s, now, true, &as->last);
	log_info("acct: sess=%s user=%s event=period-split sid=%s multi=%s", s->ifname, s->user,
		 s->acct_session_id, as->st.multi_id);
}

static void arm_interim(struct acct *t, struct acct_sess *as)
{
	if (!t->interim_s || as->timer_on)
		return;
	ev_timer_init(&as->interim, on_interim, (ev_tstamp)t->interim_s,
		      (ev_tstamp)t->interim_s);
	as->interim.data = as;
	ev_timer_start(t->a->loop, &as->interim);
	as->timer_on = true;
}

/* Up, or found at start-up: the Start (once per period) and the interim
 * timer; a period boundary missed while acd was down is caught up now. */
static void sess_up(struct acct *t, struct session *s)
{
	struct acct_sess *as = as_of(t, s);
	time_t now = time(NULL);

	if (!as->st.started && !s->user[0]) {
		/* found at start-up with no record and no radattr file: who it
		 * is comes with its next hook; a Start without a User-Name
		 * would be useless to the billing side */
		log_notice("acct: sess=%s event=start-deferred: no user known (no hook, and no "
			   "User-Name in radattr: let RADIUS return User-Name in Access-Accept); "
			   "the Start waits for the session's next hook",
			   s->ifname);
		return;
	}
	if (!as->st.started) {
		/* a session acd has not accounted for (new, or found at start-up
		 * without a saved Start): the link's counters so far are all its
		 * own (base 0), its time starts with the session */
		static const struct acct_counters zero;

		as->st.period_start = s->started ? s->started : now;
		session_counters(t, s);
		start_period(t, s, now, false, &zero);
		state_later(t->a);
	} else if (t->period != ACCT_PERIOD_NONE &&
		   acct_period_next(t->period, as->st.period_start) <= now) {
		/* a boundary passed while acd was not running */
		split_period(t, s, now);
		state_later(t->a);
	}
	arm_interim(t, as);
}

/* The session's addresses changed after its Start (IPv6CP after IPCP, or
 * the reverse): an Interim-Update at once, so the accounting side learns
 * them now, not at the next interim (Cisco's "accounting update
 * newinfo").  Nothing before the Start: the Start carries what is known. */
static void sess_newinfo(struct acct *t, struct session *s)
{
	struct acct_sess *as = as_of(t, s);

	if (!as->st.started || s->gone)
		return;
	log_info("acct: sess=%s user=%s event=newinfo ip=%s ipv6=%s", s->ifname, s->user, s->ip,
		 s->ipv6_ll);
	session_counters(t, s);
	send_record(t, s, ACCT_INTERIM, ACCT_CAUSE_NONE, time(NULL));
}

/* The session ends: its Stop, the cause from s->terminate_cause. */
static void sess_end(struct acct *t, struct session *s)
{
	struct acct_sess *as = as_of(t, s);

	if (as->timer_on) {
		ev_timer_stop(t->a->loop, &as->interim);
		as->timer_on = false;
	}
	if (!as->st.started)
		return;
	session_counters(t, s);
	send_record(t, s, ACCT_STOP, acct_terminate_cause(s->terminate_cause), time(NULL));
	as->st.started = false;
}

static void sess_free(struct acct *t, struct session *s)
{
	struct acct_sess *as = as_of(t, s);

	if (!as)
		return;
	if (as->timer_on)
		ev_timer_stop(t->a->loop, &as->interim);
	free(as);
	s->ext[t->slot] = NULL;
}

static void on_session(const struct session_event *ev, void *ctx)
{
	struct acct *t = ctx;
	struct session *s = ev->s;
	struct acct_sess *as = as_of(t, s);

	switch (ev->type) {
	case SESSION_UP:
	case SESSION_PROTO_UP:
	case SESSION_ADOPTED:
	case SESSION_RECONCILED:
		if (!as) {
			as = calloc(1, sizeof(*as));
			if (!as) {
				log_warnx("acct: sess=%s user=%s event=out-of-memory: the session "
					  "goes unaccounted", s->ifname, s->user);
				return;
			}
			as->s = s;
			as->t = t;
			s->ext[t->slot] = as;
		}
		keep_addrs(as, s);
		if (ev->type == SESSION_RECONCILED && ev->saved)
			acct_saved_from_json(ev->saved, &as->st);
		if (ev->addr_changed)
			sess_newinfo(t, s);
		sess_up(t, s);
		break;
	case SESSION_DOWN:
		if (as) {
			sess_end(t, s);
			sess_free(t, s);
		}
		break;
	default:
		break;
	}
}

static void on_describe(const struct session *s, json_t *o, void *ctx)
{
	const struct acct_sess *as = as_of(ctx, s);

	if (as && as->st.multi_id[0])
		json_object_set_new(o, "acct_multi_session_id", json_string(as->st.multi_id));
}

static void on_boundary(struct ev_loop *loop, ev_periodic *w, int revents)
{
	struct acct *t = w->data;
	struct session *s;
	/* libev fires once its precise clock is past the boundary; time()
	 * reads the kernel's coarse clock, which can still be in the second
	 * before it. A new period starting there would end again at the
	 * same boundary, with the session's next hook. */
	time_t now = time(NULL), fired = (time_t)ev_now(loop);
	unsigned n = 0;

	(void)revents;
	if (fired > now)
		now = fired;
	for (s = t->a->sess.list; s; s = s->next) {
		const struct acct_sess *as = as_of(t, s);

		if (!as || !as->st.started || s->gone)
			continue;
		split_period(t, s, now);
		n++;
	}
	log_notice("acct: event=period-boundary period=%s sessions=%u", acct_period_name(t->period), n);
	if (n)
		state_later(t->a);
}

static ev_tstamp boundary_reschedule(ev_periodic *w, ev_tstamp now)
{
	struct acct *t = w->data;
	time_t n = acct_period_next(t->period, (time_t)now);

	/* libev wants a time after now; a broken clock: try again in an hour */
	return n == (time_t)-1 ? now + 3600 : (ev_tstamp)n;
}

/* ---- state file ----------------------------------------------------------- */

static json_t *counters_json(const struct acct_counters *c)
{
	return json_pack("[I,I,I,I]", (json_int_t)c->in_octets, (json_int_t)c->out_octets,
			 (json_int_t)c->in_packets, (json_int_t)c->out_packets);
}

static void counters_from(json_t *arr, struct acct_counters *c)
{
	c->in_octets = (uint64_t)json_integer_value(json_array_get(arr, 0));
	c->out_octets = (uint64_t)json_integer_value(json_array_get(arr, 1));
	c->in_packets = (uint64_t)json_integer_value(json_array_get(arr, 2));
	c->out_packets = (uint64_t)json_integer_value(json_array_get(arr, 3));
}

void acct_saved_json(const struct acct_saved *v, json_t *rec)
{
	if (!v->started)
		return;
	json_object_set_new(rec, "acct", json_pack("{s:s,s:I,s:o}",
		"multi_id", v->multi_id,
		"period_start", (json_int_t)v->period_start,
		"base", counters_json(&v->base)));
}

void acct_saved_from_json(json_t *rec, struct acct_saved *v)
{
	json_t *o = json_object_get(rec, "acct");
	const char *m = json_string_value(json_object_get(o, "multi_id"));

	if (!json_is_object(o) || !m)
		return;
	snprintf(v->multi_id, sizeof(v->multi_id), "%s", m);
	v->period_start = (time_t)json_integer_value(json_object_get(o, "period_start"));
	counters_from(json_object_get(o, "base"), &v->base);
	v->started = true;
}

/* The state file's "acct": copied on the loop, JSON in the writer. */
static void saved_take(const struct session *s, void *buf, void *ctx)
{
	const struct acct_sess *as = as_of(ctx, s);
	struct acct_saved *v = buf;

	if (as)
		*v = as->st;
	else
		memset(v, 0, sizeof(*v));
}

static void saved_put(const void *buf, json_t *rec, void *ctx)
{
	(void)ctx;
	acct_saved_json(buf, rec);
}

/* ---- open, close, stat ---------------------------------------------------- */

/* "ADDR[:PORT]" for radcli's acctserver, with the secret: "ADDR:PORT:SECRET" */
static int server_spec(const char *s, const char *secret, char *out, size_t len)
{
	char host[64];
	unsigned port;

	if (acct_server_parse(s, host, sizeof(host), &port) < 0)
		return -1;
	return snprintf(out, len, "%s:%u:%s", host, port, secret) < (int)len ? 0 : -1;
}

int acct_server_parse(const char *s, char *host, size_t hostlen, unsigned *port)
{
	char buf[64], *colon, *end;
	struct in_addr a;
	unsigned long p = 1813;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || colon[1] == '-' || p == 0 || p > 65535)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	snprintf(host, hostlen, "%s", buf);
	*port = (unsigned)p;
	return 0;
}

static int radcli_open(struct acct *t, const struct acd_config *cfg, char *err, size_t errlen)
{
	char spec[ACD_ACCT_MAX_SERVERS * (64 + 8 + ACD_RADIUS_SECRET_MAX + 2)] = "", one[256], num[16];
	unsigned i;
	int rc = 0;

	for (i = 0; i < t->nservers; i++) {
		if (server_spec(t->servers[i], cfg->acct_secret, one, sizeof(one)) < 0) {
			snprintf(err, errlen, "[accounting] server \"%s\": not ADDRESS[:PORT]",
				 t->servers[i]);
			return -1;
		}
		if (i)
			strcat(spec, ",");
		strcat(spec, one);
	}
	t->rh = rc_new();
	if (t->rh)
		t->rh = rc_config_init(t->rh); /* frees rh itself on failure */
	if (!t->rh) {
		snprintf(err, errlen, "[accounting]: radcli: out of memory");
		return -1;
	}
	rc |= rc_add_config(t->rh, "acctserver", spec, "acd.conf [accounting]", 0);
	snprintf(num, sizeof(num), "%u", t->timeout_s);
	rc |= rc_add_config(t->rh, "radius_timeout", num, "acd.conf [accounting]", 0);
	snprintf(num, sizeof(num), "%u", t->retries);
	rc |= rc_add_config(t->rh, "radius_retries", num, "acd.conf [accounting]", 0);
	rc |= rc_add_config(t->rh, "radius_deadtime", "0", "acd.conf [accounting]", 0);
	rc |= rc_add_config(t->rh, "dictionary", cfg->dictionary, "acd.conf [radius]", 0);
	memset(spec, 0, sizeof(spec)); /* it held the secret */
	memset(one, 0, sizeof(one));
	if (rc || rc_apply_config(t->rh) != 0) {
		snprintf(err, errlen, "[accounting]: radcli rejected the settings");
		return -1;
	}
	if (rc_read_dictionary(t->rh, cfg->dictionary) != 0) {
		snprintf(err, errlen, "%s: radcli cannot read this RADIUS dictionary", cfg->dictionary);
		return -1;
	}
	return 0;
}

static void acct_free(struct acct *t)
{
	if (!t)
		return;
	if (t->rh)
		rc_destroy(t->rh);
	if (t->subscribed)
		rtnl_unsubscribe(t->a->rtnl, on_link, t);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	pthread_cond_destroy(&t->idle);
	free(t->q);
	free(t->res);
	free(t);
}

struct acct *acct_open(struct acd *a, char *err, size_t errlen)
{
	const struct acd_config *cfg = &a->cfg;
	struct acct *t;
	unsigned i;

	if (cfg->n_acct_servers == 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "[accounting]: out of memory");
		return NULL;
	}
	t->a = a;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	pthread_cond_init(&t->idle, NULL);
	for (i = 0; i < cfg->n_acct_servers && i < ACD_ACCT_MAX_SERVERS; i++)
		snprintf(t->servers[i], sizeof(t->servers[i]), "%s", cfg->acct_servers[i]);
	t->nservers = i;
	t->interim_s = cfg->acct_interim_s;
	t->timeout_s = cfg->acct_timeout_s;
	t->retries = cfg->acct_retries;
	t->qsize = cfg->acct_queue_size;
	t->period = (enum acct_period)cfg->acct_period;
	snprintf(t->secret_file, sizeof(t->secret_file), "%s", cfg->acct_secret_file);
	memcpy(t->secret, cfg->acct_secret, sizeof(t->secret));
	if (cfg->nas_identifier[0])
		snprintf(t->nas.identifier, sizeof(t->nas.identifier), "%s", cfg->nas_identifier);
	else if (gethostname(t->nas.identifier, sizeof(t->nas.identifier) - 1) < 0)
		t->nas.identifier[0] = '\0';
	snprintf(t->nas.ip, sizeof(t->nas.ip), "%s", cfg->nas_ip);

	t->q = calloc(t->qsize, sizeof(*t->q));
	t->res = calloc(t->qsize, sizeof(*t->res));
	if (!t->q || !t->res) {
		snprintf(err, errlen, "[accounting] queue-size %u: out of memory", t->qsize);
		goto fail;
	}
	if (radcli_open(t, cfg, err, errlen) < 0)
		goto fail;
	t->slot = session_ext_slot(&a->sess);
	if (t->slot < 0 || rtnl_subscribe(a->rtnl, on_link, t) < 0) {
		snprintf(err, errlen, "[accounting]: cannot follow link counters (rtnetlink)");
		goto fail;
	}
	t->subscribed = true;
	if (session_listen(&a->sess, &(struct session_listener){ .event = on_session,
								.describe = on_describe,
								.ctx = t }) < 0 ||
	    state_extend(&(struct state_ext){ .size = sizeof(struct acct_saved),
					      .take = saved_take, .put = saved_put,
					      .ctx = t }) < 0) {
		snprintf(err, errlen, "[accounting]: too many session listeners");
		goto fail;
	}

	if (pthread_create(&t->thr, NULL, worker, t) != 0) {
		snprintf(err, errlen, "[accounting]: cannot start the sender thread");
		goto fail;
	}
	t->thr_running = true;
	ev_async_init(&t->async, on_async);
	t->async.data = t;
	ev_async_start(a->loop, &t->async);
	ev_timer_init(&t->dropflush, on_dropflush, 1.0, 0);
	t->dropflush.data = t;
	ev_timer_init(&t->failflush, on_failflush, 1.0, 0);
	t->failflush.data = t;
	tzset();
	if (t->period != ACCT_PERIOD_NONE) {
		ev_periodic_init(&t->boundary, on_boundary, 0, 0, boundary_reschedule);
		t->boundary.data = t;
		ev_periodic_start(a->loop, &t->boundary);
	}
	log_notice("acct: servers=%s%s%s interim=%us period=%s queue=%u timeout=%us retries=%u",
		   t->servers[0], t->nservers > 1 ? "," : "", t->nservers > 1 ? t->servers[1] : "",
		   t->interim_s, acct_period_name(t->period), t->qsize, t->timeout_s, t->retries);
	return t;
fail:
	acct_free(t);
	return NULL;
}

void acct_close(struct acct *t)
{
	struct session *s;
	struct timespec dl;
	unsigned left;
	int rc = 0;

	if (!t)
		return;
	ev_async_stop(t->a->loop, &t->async);
	if (t->subscribed)
		rtnl_unsubscribe(t->a->rtnl, on_link, t);
	t->subscribed = false;
	for (s = t->a->sess.list; s; s = s->next) /* the kernel keeps the sessions, */
		sess_free(t, s);                  /* acd forgets their accounting */
	ev_timer_stop(t->a->loop, &t->dropflush);
	ev_timer_stop(t->a->loop, &t->failflush);
	if (t->period != ACCT_PERIOD_NONE)
		ev_periodic_stop(t->a->loop, &t->boundary);
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
		return;
	}
	pthread_join(t->thr, NULL);
	acct_free(t);
}

void acct_reload_check(struct acd *a)
{
	const struct acd_config *c = &a->cfg;
	struct acct *t = a->acct;
	bool same;
	unsigned i;

	if (!t) {
		if (c->n_acct_servers)
			log_warnx("reload: [accounting] starts at the next start of acd");
		return;
	}
	same = c->n_acct_servers == t->nservers && c->acct_interim_s == t->interim_s &&
	       c->acct_timeout_s == t->timeout_s && c->acct_retries == t->retries &&
	       c->acct_queue_size == t->qsize && (enum acct_period)c->acct_period == t->period &&
	       strcmp(c->acct_secret_file, t->secret_file) == 0 &&
	       memcmp(c->acct_secret, t->secret, sizeof(t->secret)) == 0;
	for (i = 0; same && i < t->nservers; i++)
		same = strcmp(c->acct_servers[i], t->servers[i]) == 0;
	if (!same)
		log_warnx("reload: [accounting] changes at the next start of acd; the running "
			  "settings stay");
}

json_t *acct_stat_json(struct acct *t)
{
	json_t *o;

	if (!t)
		return json_pack("{s:b}", "enabled", 0);
	pthread_mutex_lock(&t->mu);
	o = json_pack("{s:b,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I},s:i,s:b,s:i,s:s,s:o}",
		      "enabled", 1,
		      "queued", (json_int_t)t->queued,
		      "sent", (json_int_t)t->sent,
		      "failed", (json_int_t)t->failed,
		      "dropped", (json_int_t)t->dropped,
		      "dropped_by",
		      "start", (json_int_t)t->dropped_by[ACCT_START],
		      "interim", (json_int_t)t->dropped_by[ACCT_INTERIM],
		      "stop", (json_int_t)t->dropped_by[ACCT_STOP],
		      "queue_depth", (int)t->count,
		      "sending", t->busy,
		      "queue_size", (int)t->qsize,
		      "last_error", t->last_error,
		      "latency", lat_json(&t->lat));
	pthread_mutex_unlock(&t->mu);
	return o;
}
