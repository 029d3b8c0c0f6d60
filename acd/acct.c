/*
 * acct.c - RADIUS accounting per session (see acct.h): which records each
 * session gets and when, with what counters.  acct_record.c builds a
 * record's attributes; acct_send.c queues and sends the records.
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acct.h"
#include "acct_int.h"
#include "acd.h"
#include "log.h"
#include "rtnl.h"
#include "state.h"

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
	char ipv6_prefix[52], ipv6_delegated[52];
	bool timer_on;
	ev_timer interim;
	struct session *s;
	struct acct *t;
};

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
	/* ipv6.c's, kept past ipv6-down by the session itself: ipv6.c's
	 * listener clears the live ones before ours hears of it */
	if (s->ipv6_prefix_had[0])
		snprintf(as->ipv6_prefix, sizeof(as->ipv6_prefix), "%s", s->ipv6_prefix_had);
	if (s->ipv6_delegated_had[0])
		snprintf(as->ipv6_delegated, sizeof(as->ipv6_delegated), "%s",
			 s->ipv6_delegated_had);
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
	snprintf(r.circuit_id, sizeof(r.circuit_id), "%s", s->circuit_id);
	snprintf(r.remote_id, sizeof(r.remote_id), "%s", s->remote_id);
	keep_addrs(as, s);
	snprintf(r.ip, sizeof(r.ip), "%s", as->ip);
	snprintf(r.ipv6, sizeof(r.ipv6), "%s", as->ipv6);
	snprintf(r.ipv6_prefix, sizeof(r.ipv6_prefix), "%s", as->ipv6_prefix);
	snprintf(r.ipv6_delegated, sizeof(r.ipv6_delegated), "%s", as->ipv6_delegated);
	r.event_time = now;
	r.session_time = now > as->st.period_start ? (uint32_t)(now - as->st.period_start) : 0;
	if (st != ACCT_START)
		acct_counters_sub(&as->last, &as->st.base, &r.c);
	r.cause = st == ACCT_STOP ? cause : ACCT_CAUSE_NONE;
	acct_enqueue(t, &r);
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

static void acct_free(struct acct *t)
{
	if (!t)
		return;
	if (t->subscribed)
		rtnl_unsubscribe(t->a->rtnl, on_link, t);
	acct_send_free(t);
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

	if (acct_send_open(t, cfg, err, errlen) < 0)
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

	if (acct_send_start(t, err, errlen) < 0)
		goto fail;
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

	if (!t)
		return;
	if (t->subscribed)
		rtnl_unsubscribe(t->a->rtnl, on_link, t);
	t->subscribed = false;
	for (s = t->a->sess.list; s; s = s->next) /* the kernel keeps the sessions, */
		sess_free(t, s);                  /* acd forgets their accounting */
	if (t->period != ACCT_PERIOD_NONE)
		ev_periodic_stop(t->a->loop, &t->boundary);
	if (acct_send_close(t))
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

int acct_sender_stats(struct acct *t, struct acct_sender_stats *out)
{
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (!t)
		return -1;
	pthread_mutex_lock(&t->mu);
	out->queued = t->queued;
	out->sent = t->sent;
	out->failed = t->failed;
	out->timeouts = t->timeouts;
	memcpy(out->dropped_by, t->dropped_by, sizeof(out->dropped_by));
	out->depth = t->count;
	out->qsize = t->qsize;
	out->rtt = t->lat;
	for (i = 0; i < t->nservers; i++) {
		out->server[i].requests = t->srv_requests[i];
		out->server[i].responses = t->srv_responses[i];
		out->server[i].timeouts = t->srv_timeouts[i];
		out->server[i].errors = t->srv_errors[i];
		out->server[i].rtt = t->srv_rtt[i];
	}
	pthread_mutex_unlock(&t->mu);
	for (i = 0; i < t->nservers; i++)
		snprintf(out->servers[i], sizeof(out->servers[i]), "%s", t->servers[i]);
	return 0;
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
