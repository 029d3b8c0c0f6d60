/*
 * session.c - the session core (session.h): the table and its
 * transitions.  Sessions come from pppd's hooks (or are found again at
 * start-up, or adopted), get their policy from RADIUS attributes, a CoA,
 * an operator override or the default, and are shaped; every transition
 * is an event for the listeners, every effect a call through t->fx.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "radattr.h"
#include "rtnl.h"
#include "session.h"

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 15)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return strcmp(s, ".") && strcmp(s, "..");
}

static const char *const event_names[] = {
	[SESSION_UP] = "up",
	[SESSION_PROTO_UP] = "proto-up",
	[SESSION_PROTO_DOWN] = "proto-down",
	[SESSION_GONE] = "gone",
	[SESSION_DOWN] = "down",
	[SESSION_ADOPTED] = "adopted",
	[SESSION_RECONCILED] = "reconciled",
	[SESSION_POLICY] = "policy",
	[SESSION_OVERRIDE] = "override",
	[SESSION_RESTORED] = "restored",
};

const char *session_event_name(enum session_event_type type)
{
	return (unsigned)type < sizeof(event_names) / sizeof(event_names[0]) ? event_names[type]
									      : "?";
}

void sessions_init(struct sessions *t, struct ev_loop *loop, const struct acd_config *cfg,
		   const struct session_fx *fx, void *fx_ctx)
{
	memset(t, 0, sizeof(*t));
	t->loop = loop;
	t->cfg = cfg;
	t->fx = fx;
	t->fx_ctx = fx_ctx;
}

int session_listen(struct sessions *t, const struct session_listener *l)
{
	if (t->nlisteners >= SESSION_LISTENERS_MAX)
		return -ENOSPC;
	t->listeners[t->nlisteners++] = *l;
	return 0;
}

int session_ext_slot(struct sessions *t)
{
	if (t->next_ext >= SESSION_EXT_MAX)
		return -ENOSPC;
	return (int)t->next_ext++;
}

/* One event to every listener, in the order they registered. */
static void emit(struct sessions *t, struct session_event *ev)
{
	unsigned i;

	for (i = 0; i < t->nlisteners; i++)
		if (t->listeners[i].event)
			t->listeners[i].event(ev, t->listeners[i].ctx);
}

static void emit_simple(struct sessions *t, enum session_event_type type, struct session *s)
{
	struct session_event ev = { .type = type, .s = s };

	emit(t, &ev);
}

/*
 * The table is a list (newest first) for walking, with two uthash indexes
 * over the same records: a hook, a link event or a CoA finds its session
 * in O(1), so a session costs the same at 10 000 sessions as at 10.
 */
static bool index_oom;

void session_index_oom(struct session *s)
{
	(void)s;
	index_oom = true;
}

struct session *session_by_ifname(struct sessions *t, const char *ifname)
{
	struct session *s;

	HASH_FIND(hh_name, t->by_name, ifname, strlen(ifname), s);
	return s;
}

struct session *session_by_ifindex(struct sessions *t, int ifindex)
{
	struct session *s;

	HASH_FIND(hh_index, t->by_index, &ifindex, sizeof(ifindex), s);
	return s;
}

static void session_unlink(struct sessions *t, struct session *s)
{
	if (!s->pprev)
		return;
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	s->pprev = NULL;
	HASH_DELETE(hh_name, t->by_name, s);
	HASH_DELETE(hh_index, t->by_index, s);
	t->n--;
}

static void session_free(struct session *s)
{
	free(s->radattr);
	free(s);
}

void sessions_free(struct sessions *t)
{
	while (t->list) {
		struct session *s = t->list;

		if (s->gone && t->loop)
			ev_timer_stop(t->loop, &s->gone_timer);
		session_unlink(t, s);
		session_free(s);
	}
}

/* Only a well-formed address is kept, and in its canonical text (RFC 5952
 * for IPv6: pppd writes fe80::1cc0:5c66:1e85:0446, ip(8) and operators
 * fe80::1cc0:5c66:1e85:446); anything else leaves dst as it was. */
static void copy_ip(char *dst, size_t len, const char *v, int af)
{
	unsigned char buf[16];
	char txt[INET6_ADDRSTRLEN];

	if (inet_pton(af, v, buf) == 1 && inet_ntop(af, buf, txt, sizeof(txt)) &&
	    strlen(txt) < len)
		memcpy(dst, txt, strlen(txt) + 1);
}

/* Whether the kept address a is v (in any spelling); "" is no address. */
static bool same_addr(const char *a, const char *v, int af)
{
	char c[INET6_ADDRSTRLEN] = "";

	copy_ip(c, sizeof(c), v ? v : "", af);
	return c[0] && strcmp(a, c) == 0;
}

/* An interface name, a user name or an IP address; *matches says how many. */
struct session *session_find(struct sessions *t, const char *key, int *matches)
{
	struct session *s, *found = NULL;
	char ip[INET6_ADDRSTRLEN] = "";
	int n = 0;

	if ((s = session_by_ifname(t, key)) != NULL) {
		*matches = 1;
		return s;
	}
	/* an address in any spelling finds the canonical one kept */
	copy_ip(ip, sizeof(ip), key, AF_INET);
	copy_ip(ip, sizeof(ip), key, AF_INET6);
	for (s = t->list; s; s = s->next) {
		if (strcmp(s->user, key) == 0 ||
		    (ip[0] && (strcmp(s->ip, ip) == 0 || strcmp(s->ipv6_ll, ip) == 0))) {
			if (!found)
				found = s;
			n++;
		}
	}
	*matches = n;
	return found;
}

/* What applies: an override over the RADIUS rates; the config's qdiscs. */
static void policy_for(const struct acd_config *c, const struct session *s,
		       struct shaper_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->down.rate = s->override ? s->ov_down : s->radius_down;
	p->up.rate = s->override ? s->ov_up : s->radius_up;
	p->down.qdisc = c->shape.down.qdisc;
	p->down.leaf = c->shape.down.leaf;
	p->down.latency_us = c->latency_us;
	p->upmode = c->shape.upmode;
	p->up.qdisc = c->shape.up.qdisc;
	p->up.leaf = c->shape.up.leaf;
	p->up.latency_us = c->latency_us;
}

int session_shape(struct sessions *t, struct session *s)
{
	struct shaper_policy p;
	char d[32], u[32];
	int rc;

	policy_for(t->cfg, s, &p);
	rc = t->fx->shape(t->fx_ctx, s, &p, s->shape_err, sizeof(s->shape_err));
	if (rc < 0) {
		if (!s->shape_err[0])
			snprintf(s->shape_err, sizeof(s->shape_err), "%s: the shaper failed",
				 s->ifname);
		log_warnx("sess=%s user=%s event=shape-failed error=\"%s\"", s->ifname, s->user,
			  s->shape_err);
		return rc;
	}
	s->applied = p;
	s->shaped = true;
	s->shape_err[0] = '\0';
	log_info("sess=%s user=%s event=shaped down=%s up=%s source=%s", s->ifname, s->user,
		 shaper_rate_format(p.down.rate, d, sizeof(d)),
		 shaper_rate_format(p.up.rate, u, sizeof(u)),
		 s->override ? "operator" : s->radius_src);
	return 0;
}

static void uptime_str(const struct session *s, char *buf, size_t len)
{
	/* wall clock: a session's start survives acd restarts in the state file */
	long t = (long)(time(NULL) - s->started);

	if (t < 0)
		t = 0;
	snprintf(buf, len, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

const char *session_via_name(enum session_via via)
{
	switch (via) {
	case SESSION_VIA_HOOK:
		return "hook";
	case SESSION_VIA_PLUGIN:
		return "plugin";
	case SESSION_VIA_NONE:
		break;
	}
	return "";
}

json_t *session_json(const struct session *s, bool detail)
{
	json_t *o = json_object();
	char up[32];
	unsigned i;

	uptime_str(s, up, sizeof(up));
	json_object_set_new(o, "ifname", json_string(s->ifname));
	json_object_set_new(o, "user", json_string(s->user));
	json_object_set_new(o, "ip", json_string(s->ip));
	json_object_set_new(o, "ipv6", json_string(s->ipv6_ll));
	json_object_set_new(o, "mac", json_string(s->mac));
	json_object_set_new(o, "down", json_integer((json_int_t)s->applied.down.rate));
	json_object_set_new(o, "up", json_integer((json_int_t)s->applied.up.rate));
	json_object_set_new(o, "source", json_string(s->override ? "operator" : s->radius_src));
	json_object_set_new(o, "uptime", json_string(up));
	json_object_set_new(o, "started", json_integer((json_int_t)s->started));
	json_object_set_new(o, "shaped", json_boolean(s->shaped));
	if (!detail)
		return o;
	json_object_set_new(o, "ifindex", json_integer(s->ifindex));
	json_object_set_new(o, "local_ip", json_string(s->local_ip));
	json_object_set_new(o, "pppd_pid", json_integer(s->pppd_pid));
	json_object_set_new(o, "radius_down", json_integer((json_int_t)s->radius_down));
	json_object_set_new(o, "radius_up", json_integer((json_int_t)s->radius_up));
	json_object_set_new(o, "radius_source", json_string(s->radius_src));
	json_object_set_new(o, "radius_warning", json_string(s->radius_warn));
	json_object_set_new(o, "override", json_boolean(s->override));
	json_object_set_new(o, "shape_error", json_string(s->shape_err));
	json_object_set_new(o, "terminate_cause", json_string(s->terminate_cause));
	json_object_set_new(o, "acct_session_id", json_string(s->acct_session_id));
	json_object_set_new(o, "via", json_string(session_via_name(s->via)));
	if (s->sid)
		json_object_set_new(o, "pppoe_sid", json_integer(s->sid));
	if (s->circuit_id[0])
		json_object_set_new(o, "circuit_id", json_string(s->circuit_id));
	if (s->remote_id[0])
		json_object_set_new(o, "remote_id", json_string(s->remote_id));
	for (i = 0; s->t && i < s->t->nlisteners; i++)
		if (s->t->listeners[i].describe)
			s->t->listeners[i].describe(s, o, s->t->listeners[i].ctx);
	json_object_set_new(o, "coa", json_boolean(s->coa));
	return o;
}

int session_terminate(struct sessions *t, struct session *s, const char *cause, char *err,
		      size_t errlen)
{
	int rc;

	if (s->pppd_pid <= 1) {
		snprintf(err, errlen, "%s: pppd's pid is unknown (no ip-up hook seen)", s->ifname);
		return -ESRCH;
	}
	if (!t->fx->is_pppd(t->fx_ctx, s->pppd_pid)) {
		snprintf(err, errlen, "%s: process %d is not pppd any more", s->ifname,
			 (int)s->pppd_pid);
		return -ESRCH;
	}
	rc = t->fx->terminate(t->fx_ctx, s->pppd_pid);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot signal pppd %d: %s", s->ifname,
			 (int)s->pppd_pid, strerror(-rc));
		return -EPERM;
	}
	snprintf(s->terminate_cause, sizeof(s->terminate_cause), "%s", cause);
	log_info("sess=%s user=%s event=terminate cause=%s pppd=%d", s->ifname, s->user, cause,
		 (int)s->pppd_pid);
	return 0;
}

void session_new_id(struct sessions *t, time_t now, char *buf, size_t len)
{
	/* unique on this box across restarts: start second, and a counter
	 * that a restart in the same second cannot repeat (pid-seeded) */
	if (!t->sid_counter)
		t->sid_counter = (uint32_t)getpid() << 16;
	snprintf(buf, len, "%08X%08X", (unsigned)now, (unsigned)++t->sid_counter);
}

static struct session *session_new(struct sessions *t, const char *ifname, int ifindex)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = ifindex;
	s->t = t;
	s->started = time(NULL);
	session_new_id(t, s->started, s->acct_session_id, sizeof(s->acct_session_id));
	index_oom = false;
	HASH_ADD(hh_name, t->by_name, ifname, strlen(s->ifname), s);
	if (index_oom) {
		free(s);
		return NULL;
	}
	HASH_ADD(hh_index, t->by_index, ifindex, sizeof(s->ifindex), s);
	if (index_oom) {
		HASH_DELETE(hh_name, t->by_name, s);
		free(s);
		return NULL;
	}
	s->next = t->list;
	if (s->next)
		s->next->pprev = &s->next;
	s->pprev = &t->list;
	t->list = s;
	t->n++;
	return s;
}

void session_end(struct sessions *t, struct session *s, const char *cause, bool clear_shaping)
{
	struct session_event ev = { .type = SESSION_DOWN, .s = s };
	char err[256] = "";

	/* a cause set by terminate (operator, Disconnect-Request) wins over
	 * the ip-down that follows it */
	if (!s->terminate_cause[0])
		snprintf(s->terminate_cause, sizeof(s->terminate_cause), "%s", cause);
	ev.cause = s->terminate_cause;
	if (s->gone && t->loop)
		ev_timer_stop(t->loop, &s->gone_timer);
	if (clear_shaping && !s->gone && t->fx->clear(t->fx_ctx, s, err, sizeof(err)) < 0 &&
	    !strstr(err, "does not exist"))
		log_warnx("sess=%s user=%s event=clear-failed error=\"%s\"", s->ifname, s->user,
			  err);
	log_info("sess=%s user=%s event=down cause=%s", s->ifname, s->user, ev.cause);
	emit(t, &ev);
	session_unlink(t, s);
	t->down++;
	session_free(s);
}

static void on_gone_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct session *s = w->data;

	(void)loop;
	(void)revents;
	log_notice("sess=%s user=%s event=vanished (interface gone, no ip-down within %.0fs)",
		   s->ifname, s->user, SESSION_GONE_GRACE);
	s->t->vanished++;
	session_end(s->t, s, "vanished", false);
}

/*
 * The interface disappeared.  The kernel took its qdiscs with it; the
 * IFB goes now.  The record waits a moment for pppd's ip-down, which
 * pppd runs only after it has released the interface.
 */
void session_gone(struct sessions *t, struct session *s)
{
	if (s->gone)
		return;
	s->gone = true;
	s->shaped = false;
	log_info("sess=%s user=%s event=link-gone", s->ifname, s->user);
	if (t->fx->gc(t->fx_ctx) > 0)
		log_info("sess=%s event=ifb-removed", s->ifname);
	emit_simple(t, SESSION_GONE, s);
	if (!t->loop) { /* no loop, no grace: it vanishes now */
		t->vanished++;
		session_end(t, s, "vanished", false);
		return;
	}
	ev_timer_init(&s->gone_timer, on_gone_timeout, SESSION_GONE_GRACE, 0);
	s->gone_timer.data = s;
	ev_timer_start(t->loop, &s->gone_timer);
}

static const char *env_str(json_t *env, const char *name)
{
	const char *v = json_string_value(json_object_get(env, name));

	return v ? v : "";
}

/*
 * PPPD_PID from a hook's environment: absent is fine (*pid stays 0: an
 * older hook, or a test), present it must be what pppd writes, "%d" of its
 * pid (radattr_parse_pid).  -EINVAL with the value quoted into q otherwise.
 */
static int hook_pid(json_t *env, pid_t *pid, char *q, size_t qlen)
{
	json_t *j = json_object_get(env, "PPPD_PID");
	const char *v = json_string_value(j);

	*pid = 0;
	if (!j)
		return 0;
	if (!v) {
		snprintf(q, qlen, "(not a string)");
		return -EINVAL;
	}
	if (radattr_parse_pid(v, strlen(v), pid) < 0) {
		radattr_quote(v, strlen(v), q, qlen);
		return -EINVAL;
	}
	return 0;
}

/* Keep acd.so's attributes with s: the first ones sent (pppd authenticates
 * once; a repeat carries the same).  0, or -ENOMEM. */
static int keep_radattr(struct session *s, const struct session_req *r)
{
	char *c;

	if (!r->radattr || s->radattr)
		return 0;
	c = malloc(r->radattr_len + 1);
	if (!c)
		return -ENOMEM;
	memcpy(c, r->radattr, r->radattr_len);
	c[r->radattr_len] = '\0';
	s->radattr = c;
	s->radattr_len = r->radattr_len;
	return 0;
}

int session_hook(struct sessions *t, const char *event, json_t *argv, json_t *env,
		 char *err, size_t errlen)
{
	struct session_req r = { .event = event, .argv = argv, .env = env,
				 .via = SESSION_VIA_HOOK };

	return session_event(t, &r, err, errlen);
}

int session_event(struct sessions *t, struct session_req *r, char *err, size_t errlen)
{
	const char *event = r->event;
	json_t *argv = r->argv, *env = r->env;
	bool plugin = r->via == SESSION_VIA_PLUGIN;
	const char *ifname = json_string_value(json_array_get(argv, 0));
	bool up4 = strcmp(event, "ip-up") == 0, up6 = strcmp(event, "ipv6-up") == 0;
	bool down4 = strcmp(event, "ip-down") == 0, down6 = strcmp(event, "ipv6-down") == 0;
	struct session_event ev = { 0 };
	struct session *s;
	char before[48]; /* the address this hook sets, as it was */
	char q[RADATTR_QUOTE_SIZE];
	const char *addr;
	bool fresh = false;
	pid_t pid = 0;
	int ifindex;
	unsigned bit;

	if (!up4 && !up6 && !down4 && !down6) {
		radattr_quote(event, strlen(event), q, sizeof(q));
		snprintf(err, errlen, "hook event \"%s\": unknown (use ip-up, ip-down, ipv6-up, ipv6-down)",
			 q);
		return -EINVAL;
	}
	if (!ifname || !valid_ifname(ifname)) {
		radattr_quote(ifname, ifname ? strlen(ifname) : 0, q, sizeof(q));
		snprintf(err, errlen, "hook %s: argument 1 \"%s\" is not an interface name", event, q);
		return -EINVAL;
	}
	/* before anything changes: a bad request changes no session */
	if (hook_pid(env, &pid, q, sizeof(q)) < 0) {
		snprintf(err, errlen, "hook %s %s: PPPD_PID \"%s\" is not a process id (pppd sets it "
			 "to its own, a decimal number from %u to %u); no session changed",
			 event, ifname, q, RADATTR_PID_MIN, RADATTR_PID_MAX);
		log_warnx("sess=%s event=%s refused: PPPD_PID \"%s\" is not a process id", ifname,
			  event, q);
		return -EINVAL;
	}
	s = session_by_ifname(t, ifname);
	bit = up4 || down4 ? 1 : 2;
	r->repeat = false;
	if (s && plugin && pid && s->pppd_pid && pid != s->pppd_pid && (down4 || down6)) {
		/* acd.so delivers late when acd was away: this pppd is gone and
		 * the interface's name serves another */
		log_info("sess=%s user=%s event=%s pppd=%d: not this session's pppd (%d): "
			 "an earlier session's, ignored", s->ifname, s->user, event, (int)pid,
			 (int)s->pppd_pid);
		r->repeat = true;
		t->repeats++;
		return 0;
	}
	if (s && (plugin || s->plugin) && (down4 || down6) && !(s->up_seen & bit) &&
	    (s->up_seen & (3u ^ bit))) {
		/* the other path ended this protocol already; the other one
		 * stays up */
		log_debug("sess=%s event=%s via=%s: a repeat (already down)", ifname, event,
			  session_via_name(r->via));
		r->repeat = true;
		t->repeats++;
		return 0;
	}
	if (down4 || down6) {
		if (!s) {
			/* already ended: by the other protocol's down hook (pppd
			 * runs both as it exits), by the link vanishing, by an
			 * operator.  What the hook asks for is done. */
			log_debug("sess=%s event=%s: no session (already ended)", ifname, event);
			return 0;
		}
		/* one protocol down, the other still up (a peer may close IPCP
		 * or IPv6CP alone): the link carries traffic, the session goes
		 * on.  Not when the link is already gone (pppd exits and runs
		 * both hooks): that ends it now, within the grace time. */
		if (!s->gone && (down6 ? s->ip[0] : s->ipv6_ll[0])) {
			if (down6)
				s->ipv6_ll[0] = '\0';
			else
				s->ip[0] = s->local_ip[0] = '\0';
			s->up_seen &= ~bit;
			log_info("sess=%s user=%s event=%s %s=up", s->ifname, s->user, event,
				 down6 ? "ipv4" : "ipv6");
			ev.type = SESSION_PROTO_DOWN;
			ev.s = s;
			ev.proto = down6 ? "ipv6" : "ipv4";
			emit(t, &ev);
			return 0;
		}
		session_end(t, s, event, true);
		return 0;
	}
	ifindex = t->fx->ifindex(t->fx_ctx, ifname);
	if (ifindex < 0) {
		snprintf(err, errlen, "%s: interface does not exist", ifname);
		return -ENODEV;
	}
	if (s && s->ifindex != ifindex) { /* a stale record of an earlier link */
		session_end(t, s, "replaced", false);
		s = NULL;
	}
	if (s && (plugin || s->plugin) && (s->up_seen & bit) && pid && pid == s->pppd_pid &&
	    same_addr(up4 ? s->ip : s->ipv6_ll, json_string_value(json_array_get(argv, 4)),
		      up4 ? AF_INET : AF_INET6)) {
		/* applied already, by the other path or by a delivery whose
		 * reply acd.so did not get: only what it may add, acd.so's
		 * RADIUS attributes to a session that had none */
		r->repeat = true;
		t->repeats++;
		if (plugin)
			s->plugin = true;
		if (r->radattr && !s->radattr) {
			if (keep_radattr(s, r) < 0) {
				snprintf(err, errlen, "%s: out of memory", ifname);
				return -ENOMEM;
			}
			t->fx->policy(t->fx_ctx, s);
			log_info("sess=%s user=%s event=%s via=%s: RADIUS attributes from acd.so",
				 s->ifname, s->user, event, session_via_name(r->via));
			if (session_shape(t, s) < 0)
				snprintf(err, errlen, "%s", s->shape_err);
			return s->shaped ? 0 : -EIO;
		}
		log_debug("sess=%s event=%s via=%s: a repeat (already applied)", ifname, event,
			  session_via_name(r->via));
		return 0;
	}
	if (!s) {
		s = session_new(t, ifname, ifindex);
		if (!s) {
			snprintf(err, errlen, "%s: out of memory", ifname);
			return -ENOMEM;
		}
		t->up++;
		fresh = true;
	}
	/* the path that brought the session's facts: a session found at start
	 * or adopted takes the first that comes */
	if (s->via == SESSION_VIA_NONE)
		s->via = r->via;
	if (plugin) {
		s->plugin = true;
		if (r->sid)
			s->sid = r->sid;
		if (keep_radattr(s, r) < 0)
			log_warnx("sess=%s event=%s: out of memory for acd.so's RADIUS attributes: "
				  "the radattr file, if any, gives the policy", ifname, event);
	}
	s->up_seen |= bit;
	/* a repeated hook (ipv6-up after ip-up) may carry less: keep what we know */
	if (*env_str(env, "PEERNAME"))
		snprintf(s->user, sizeof(s->user), "%s", env_str(env, "PEERNAME"));
	if (*env_str(env, "MACREMOTE"))
		snprintf(s->mac, sizeof(s->mac), "%s", env_str(env, "MACREMOTE"));
	if (!s->user[0])
		t->fx->user(t->fx_ctx, s);
	if (pid)
		s->pppd_pid = pid;
	addr = up4 ? s->ip : s->ipv6_ll;
	snprintf(before, sizeof(before), "%s", addr);
	if (up4) {
		copy_ip(s->local_ip, sizeof(s->local_ip),
			json_string_value(json_array_get(argv, 3)) ?: "", AF_INET);
		copy_ip(s->ip, sizeof(s->ip), json_string_value(json_array_get(argv, 4)) ?: "",
			AF_INET);
	} else {
		copy_ip(s->ipv6_ll, sizeof(s->ipv6_ll),
			json_string_value(json_array_get(argv, 4)) ?: "", AF_INET6);
	}
	t->fx->policy(t->fx_ctx, s);
	log_info("sess=%s user=%s event=up ip=%s mac=%s pppd=%d via=%s", s->ifname, s->user, s->ip,
		 s->mac, (int)s->pppd_pid, session_via_name(r->via));
	if (session_shape(t, s) < 0) {
		/* the session exists and shows the error; pppd carries on */
		snprintf(err, errlen, "%s", s->shape_err);
	}
	if (fresh)
		s->origin = SESSION_ORIGIN_HOOK;
	ev.type = fresh ? SESSION_UP : SESSION_PROTO_UP;
	ev.s = s;
	/* the second protocol of a running session: listeners hear of its
	 * address now (accounting: an Interim-Update after its Start) */
	ev.addr_changed = !fresh && addr[0] && strcmp(before, addr) != 0;
	emit(t, &ev);
	return s->shaped ? 0 : -EIO;
}

/* Rates from a CoA or an operator: apply, or put the record back. */
struct rates_undo {
	bool coa, override;
	uint64_t coa_down, coa_up, ov_down, ov_up, radius_down, radius_up;
	char coa_src[80], radius_src[80];
};

static void undo_take(const struct session *s, struct rates_undo *u)
{
	u->coa = s->coa;
	u->override = s->override;
	u->coa_down = s->coa_down;
	u->coa_up = s->coa_up;
	u->ov_down = s->ov_down;
	u->ov_up = s->ov_up;
	u->radius_down = s->radius_down;
	u->radius_up = s->radius_up;
	memcpy(u->coa_src, s->coa_src, sizeof(u->coa_src));
	memcpy(u->radius_src, s->radius_src, sizeof(u->radius_src));
}

static void undo_put(struct session *s, const struct rates_undo *u)
{
	s->coa = u->coa;
	s->override = u->override;
	s->coa_down = u->coa_down;
	s->coa_up = u->coa_up;
	s->ov_down = u->ov_down;
	s->ov_up = u->ov_up;
	s->radius_down = u->radius_down;
	s->radius_up = u->radius_up;
	memcpy(s->coa_src, u->coa_src, sizeof(s->coa_src));
	memcpy(s->radius_src, u->radius_src, sizeof(s->radius_src));
}

_Static_assert(sizeof(((struct rates_undo *)0)->coa_src) == sizeof(((struct session *)0)->coa_src) &&
	       sizeof(((struct rates_undo *)0)->radius_src) == sizeof(((struct session *)0)->radius_src),
	       "the undo record holds the session's sources whole");

static int reshape(struct sessions *t, struct session *s, const struct rates_undo *u,
		   enum session_event_type type, char *err, size_t errlen)
{
	if (session_shape(t, s) < 0) {
		/* the shaper put the old qdiscs back: so goes the record */
		snprintf(err, errlen, "%s", s->shape_err);
		undo_put(s, u);
		return -EIO;
	}
	emit_simple(t, type, s);
	return 0;
}

int session_override(struct sessions *t, struct session *s, bool on, uint64_t down,
		     uint64_t up, char *err, size_t errlen)
{
	struct rates_undo u;

	undo_take(s, &u);
	s->override = on;
	s->ov_down = on ? down : 0;
	s->ov_up = on ? up : 0;
	return reshape(t, s, &u, on ? SESSION_OVERRIDE : SESSION_RESTORED, err, errlen);
}

int session_coa(struct sessions *t, struct session *s, uint64_t down, uint64_t up,
		const char *src, char *err, size_t errlen)
{
	struct rates_undo u;

	undo_take(s, &u);
	s->coa = true;
	s->coa_down = s->radius_down = down;
	s->coa_up = s->radius_up = up;
	snprintf(s->coa_src, sizeof(s->coa_src), "%s", src);
	snprintf(s->radius_src, sizeof(s->radius_src), "%s", src);
	return reshape(t, s, &u, SESSION_POLICY, err, errlen);
}

static json_t *saved_record(json_t *idx, const char *ifname, int ifindex)
{
	json_t *o = json_object_get(idx, ifname);

	if (o && json_integer_value(json_object_get(o, "ifindex")) == ifindex)
		return o;
	return NULL;
}

static void str_from(json_t *o, const char *key, char *dst, size_t len)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v)
		snprintf(dst, len, "%s", v);
}

/* pppd's pid in a saved record; out of range is unknown (0), as
 * radattr_parse_pid() would have it */
static pid_t saved_pid(json_t *rec)
{
	json_int_t p = json_integer_value(json_object_get(rec, "pppd_pid"));

	return p >= RADATTR_PID_MIN && p <= RADATTR_PID_MAX ? (pid_t)p : 0;
}

/* ifindex is in only[0..nonly), or only is NULL (every link) */
static bool wanted(const int *only, size_t nonly, int ifindex)
{
	size_t i;

	if (!only)
		return true;
	for (i = 0; i < nonly; i++)
		if (only[i] == ifindex)
			return true;
	return false;
}

/* What a saved record gives back that only the hook knew. */
/* What acd.so's events left in the record: the RADIUS attributes above
 * all (no radattr file holds them), each taken only when well-formed. */
static void from_saved_plugin(struct session *s, json_t *rec)
{
	const char *via = json_string_value(json_object_get(rec, "via"));
	json_t *ra = json_object_get(rec, "radattr");
	json_int_t n;

	if (via && strcmp(via, "hook") == 0)
		s->via = SESSION_VIA_HOOK;
	else if (via && strcmp(via, "plugin") == 0)
		s->via = SESSION_VIA_PLUGIN;
	s->plugin = json_is_true(json_object_get(rec, "plugin"));
	n = json_integer_value(json_object_get(rec, "up_seen"));
	s->up_seen = n >= 0 && n <= 3 ? (unsigned char)n : 0;
	n = json_integer_value(json_object_get(rec, "pppoe_sid"));
	s->sid = n >= 1 && n <= 65534 ? (unsigned)n : 0;
	if (json_is_string(ra) && json_string_length(ra) <= RADATTR_MAX_BYTES && !s->radattr) {
		s->radattr = malloc(json_string_length(ra) + 1);
		if (s->radattr) {
			memcpy(s->radattr, json_string_value(ra), json_string_length(ra) + 1);
			s->radattr_len = json_string_length(ra);
		}
	}
}

static void from_saved(struct session *s, json_t *rec)
{
	str_from(rec, "user", s->user, sizeof(s->user));
	/* addresses only if well-formed, in canonical text */
	copy_ip(s->ip, sizeof(s->ip), json_string_value(json_object_get(rec, "ip")) ?: "",
		AF_INET);
	copy_ip(s->local_ip, sizeof(s->local_ip),
		json_string_value(json_object_get(rec, "local_ip")) ?: "", AF_INET);
	copy_ip(s->ipv6_ll, sizeof(s->ipv6_ll),
		json_string_value(json_object_get(rec, "ipv6")) ?: "", AF_INET6);
	str_from(rec, "mac", s->mac, sizeof(s->mac));
	s->pppd_pid = saved_pid(rec);
	if (json_integer_value(json_object_get(rec, "started")))
		s->started = (time_t)json_integer_value(json_object_get(rec, "started"));
	str_from(rec, "acct_session_id", s->acct_session_id, sizeof(s->acct_session_id));
	if (json_object_get(rec, "coa_down")) {
		s->coa = true;
		s->coa_down = (uint64_t)json_integer_value(json_object_get(rec, "coa_down"));
		s->coa_up = (uint64_t)json_integer_value(json_object_get(rec, "coa_up"));
		str_from(rec, "coa_source", s->coa_src, sizeof(s->coa_src));
	}
	if (json_object_get(rec, "override_down")) {
		s->override = true;
		s->ov_down = (uint64_t)json_integer_value(json_object_get(rec, "override_down"));
		s->ov_up = (uint64_t)json_integer_value(json_object_get(rec, "override_up"));
	}
	from_saved_plugin(s, rec);
}

/*
 * Interfaces with our prefix and no session become sessions: at start-up
 * every one (after a crash or a restart, pppd kept running), later the
 * ones in only[] whose hook never came.  A saved record gives back what
 * only the hook knew; otherwise the kernel (addresses, the peer's
 * link-local) and pppd's pid file do.  The radattr file gives the policy
 * again.  Applying is idempotent, so nothing is duplicated and nothing
 * lost.  Returns the number of sessions made.
 */
static int adopt_links(struct sessions *t, json_t *saved, const int *only, size_t nonly)
{
	struct rtnl_linkaddr *v = NULL;
	ssize_t n = t->fx->links(t->fx_ctx, only, nonly, &v), i;
	bool lls_read = false;
	int found = 0;

	if (n < 0) {
		log_warnx("reconcile: cannot list network devices (%s): sessions are learnt from "
			  "hooks only", strerror((int)-n));
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct rtnl_linkaddr *l = &v[i];
		struct session_event ev = { 0 };
		struct session *s;
		json_t *rec;

		if (!wanted(only, nonly, l->ifindex) || session_by_ifindex(t, l->ifindex))
			continue;
		rec = saved ? saved_record(saved, l->name, l->ifindex) : NULL;
		/* a link still negotiating (no address, and at start-up no
		 * record of it up): not a session yet; its up event, or its
		 * address and adopt-after, make it one */
		if (!l->has_addr && (only || !rec))
			continue;
		s = session_new(t, l->name, l->ifindex);
		if (!s)
			break;
		if (rec)
			from_saved(s, rec);
		/* no saved record (the session came up while acd was down, or
		 * its hook never reached acd): what the kernel and pppd's pid
		 * file still say */
		if (!s->ip[0])
			snprintf(s->ip, sizeof(s->ip), "%s", l->peer);
		if (!s->local_ip[0])
			snprintf(s->local_ip, sizeof(s->local_ip), "%s", l->local);
		if (!rec && !l->peer_ll[0] && !lls_read) {
			/* the route dump only when it is needed, once */
			(void)t->fx->peer_lls(t->fx_ctx, v, (size_t)n);
			lls_read = true;
		}
		if (!rec)
			copy_ip(s->ipv6_ll, sizeof(s->ipv6_ll), l->peer_ll, AF_INET6);
		if (!s->pppd_pid)
			s->pppd_pid = t->fx->pid_file(t->fx_ctx, s->ifname);
		t->fx->policy(t->fx_ctx, s);
		if (!s->user[0])
			t->fx->user(t->fx_ctx, s);
		found++;
		if (only) {
			t->up++;
			log_notice("sess=%s user=%s event=adopted ip=%s: no hook %" PRIu32 "s after the "
				   "link got its address (pppd's hook failed or never ran)",
				   s->ifname, s->user, s->ip, t->cfg->adopt_after_s);
		} else {
			log_info("sess=%s user=%s event=reconciled saved=%s", s->ifname, s->user,
				 rec ? "yes" : "no");
		}
		(void)session_shape(t, s);
		s->origin = only ? SESSION_ORIGIN_ADOPTED : SESSION_ORIGIN_RECONCILED;
		ev.type = only ? SESSION_ADOPTED : SESSION_RECONCILED;
		ev.s = s;
		ev.saved = rec;
		emit(t, &ev);
	}
	free(v);
	return found;
}

int session_reconcile(struct sessions *t, json_t *saved)
{
	int n, found = adopt_links(t, saved, NULL, 0);

	n = t->fx->gc(t->fx_ctx);
	if (n > 0)
		log_info("reconcile: removed %d orphaned IFB device(s)", n);
	log_notice("reconcile: %d session(s) found", found);
	return found;
}

int session_adopt(struct sessions *t, const int *ifindexes, size_t n)
{
	return adopt_links(t, NULL, ifindexes, n);
}
