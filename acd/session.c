/*
 * session.c - the session table: sessions come from pppd's hooks (or are
 * found again at start-up), get their policy from RADIUS attributes, an
 * operator override or the default, and are shaped by the shaper library.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "acd.h"
#include "log.h"
#include "radattr.h"
#include "sessrad.h"

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

struct session *session_by_ifname(struct acd *a, const char *ifname)
{
	struct session *s;

	HASH_FIND(hh_name, a->by_name, ifname, strlen(ifname), s);
	return s;
}

struct session *session_by_ifindex(struct acd *a, int ifindex)
{
	struct session *s;

	HASH_FIND(hh_index, a->by_index, &ifindex, sizeof(ifindex), s);
	return s;
}

void session_unlink(struct acd *a, struct session *s)
{
	if (!s->pprev)
		return;
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	s->pprev = NULL;
	HASH_DELETE(hh_name, a->by_name, s);
	HASH_DELETE(hh_index, a->by_index, s);
	a->nsessions--;
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

/* An interface name, a user name or an IP address; *matches says how many. */
struct session *session_find(struct acd *a, const char *key, int *matches)
{
	struct session *s, *found = NULL;
	char ip[INET6_ADDRSTRLEN] = "";
	int n = 0;

	if ((s = session_by_ifname(a, key)) != NULL) {
		*matches = 1;
		return s;
	}
	/* an address in any spelling finds the canonical one kept */
	copy_ip(ip, sizeof(ip), key, AF_INET);
	copy_ip(ip, sizeof(ip), key, AF_INET6);
	for (s = a->sessions; s; s = s->next) {
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

static void policy_for(struct acd *a, const struct session *s, struct shaper_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->down.rate = s->override ? s->ov_down : s->radius_down;
	p->up.rate = s->override ? s->ov_up : s->radius_up;
	p->down.qdisc = a->cfg.down_qdisc;
	p->down.leaf = a->cfg.down_qdisc == SHAPER_QDISC_HTB ? a->cfg.down_leaf : SHAPER_LEAF_NONE;
	p->down.latency_us = a->cfg.latency_us;
	p->upmode = a->cfg.up_mode;
	p->up.qdisc = a->cfg.up_mode == SHAPER_UP_IFB ? a->cfg.up_qdisc : SHAPER_QDISC_NONE;
	p->up.latency_us = a->cfg.latency_us;
}

int session_shape(struct acd *a, struct session *s)
{
	struct shaper_policy p;
	char d[32], u[32];
	int rc;

	policy_for(a, s, &p);
	rc = shaper_apply(a->sh, s->ifindex, &p);
	if (rc < 0) {
		snprintf(s->shape_err, sizeof(s->shape_err), "%s", shaper_errmsg(a->sh));
		snprintf(a->stats.last_error, sizeof(a->stats.last_error), "%s", s->shape_err);
		a->stats.shaper_errors++;
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

json_t *session_json(const struct session *s, bool detail)
{
	json_t *o = json_object();
	char up[32];

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
	if (s->acct.st.multi_id[0])
		json_object_set_new(o, "acct_multi_session_id", json_string(s->acct.st.multi_id));
	json_object_set_new(o, "coa", json_boolean(s->coa));
	return o;
}

/* Only signal a process that is still this session's pppd. */
static bool is_pppd(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "pppd", 4) == 0;
}

int session_terminate(struct acd *a, struct session *s, const char *cause, char *err,
		      size_t errlen)
{
	(void)a;
	if (s->pppd_pid <= 1) {
		snprintf(err, errlen, "%s: pppd's pid is unknown (no ip-up hook seen)", s->ifname);
		return -ESRCH;
	}
	if (!is_pppd(s->pppd_pid)) {
		snprintf(err, errlen, "%s: process %d is not pppd any more", s->ifname,
			 (int)s->pppd_pid);
		return -ESRCH;
	}
	if (kill(s->pppd_pid, SIGTERM) < 0) {
		snprintf(err, errlen, "%s: cannot signal pppd %d: %s", s->ifname,
			 (int)s->pppd_pid, strerror(errno));
		return -EPERM;
	}
	snprintf(s->terminate_cause, sizeof(s->terminate_cause), "%s", cause);
	log_info("sess=%s user=%s event=terminate cause=%s pppd=%d", s->ifname, s->user, cause,
		 (int)s->pppd_pid);
	return 0;
}

static struct session *session_new(struct acd *a, const char *ifname, int ifindex)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = ifindex;
	s->owner = a;
	s->started = time(NULL);
	/* unique on this box across restarts: start second, and a counter
	 * that a restart in the same second cannot repeat (pid-seeded) */
	if (!a->sid_counter)
		a->sid_counter = (uint32_t)getpid() << 16;
	snprintf(s->acct_session_id, sizeof(s->acct_session_id), "%08X%08X",
		 (unsigned)s->started, (unsigned)++a->sid_counter);
	index_oom = false;
	HASH_ADD(hh_name, a->by_name, ifname, strlen(s->ifname), s);
	if (index_oom) {
		free(s);
		return NULL;
	}
	HASH_ADD(hh_index, a->by_index, ifindex, sizeof(s->ifindex), s);
	if (index_oom) {
		HASH_DELETE(hh_name, a->by_name, s);
		free(s);
		return NULL;
	}
	s->next = a->sessions;
	if (s->next)
		s->next->pprev = &s->next;
	s->pprev = &a->sessions;
	a->sessions = s;
	a->nsessions++;
	return s;
}

/* A monitor event with the session as show session gives it. */
static void session_event(struct acd *a, const struct session *s, const char *event)
{
	json_t *j;

	if (!a->ctl)
		return;
	j = session_json(s, true);
	ctl_event(a->ctl, event, j);
	json_decref(j);
}

void session_end(struct acd *a, struct session *s, const char *cause, bool clear_shaping)
{
	/* a cause set by terminate (operator, Disconnect-Request) wins over
	 * the ip-down that follows it */
	if (!s->terminate_cause[0])
		snprintf(s->terminate_cause, sizeof(s->terminate_cause), "%s", cause);
	cause = s->terminate_cause;
	if (s->gone)
		ev_timer_stop(a->loop, &s->gone_timer);
	if (clear_shaping && !s->gone && shaper_clear(a->sh, s->ifindex) < 0 &&
	    !strstr(shaper_errmsg(a->sh), "does not exist"))
		log_warnx("sess=%s user=%s event=clear-failed error=\"%s\"", s->ifname, s->user,
			  shaper_errmsg(a->sh));
	log_info("sess=%s user=%s event=down cause=%s", s->ifname, s->user, cause);
	acct_session_end(a, s);
	session_event(a, s, "session-down");
	session_unlink(a, s);
	a->stats.sessions_down++;
	free(s);
	session_state_later(a);
}

static void on_gone_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct session *s = w->data;

	(void)loop;
	(void)revents;
	log_notice("sess=%s user=%s event=vanished (interface gone, no ip-down within %.0fs)",
		   s->ifname, s->user, SESSION_GONE_GRACE);
	s->owner->stats.sessions_vanished++;
	session_end(s->owner, s, "vanished", false);
}

/*
 * The interface disappeared.  The kernel took its qdiscs with it; the
 * IFB goes now.  The record waits a moment for pppd's ip-down, which
 * pppd runs only after it has released the interface.
 */
void session_gone(struct acd *a, struct session *s)
{
	if (s->gone)
		return;
	s->gone = true;
	s->shaped = false;
	log_info("sess=%s user=%s event=link-gone", s->ifname, s->user);
	if (shaper_gc(a->sh) > 0)
		log_info("sess=%s event=ifb-removed", s->ifname);
	ev_timer_init(&s->gone_timer, on_gone_timeout, SESSION_GONE_GRACE, 0);
	s->gone_timer.data = s;
	ev_timer_start(a->loop, &s->gone_timer);
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

int session_hook(struct acd *a, const char *event, json_t *argv, json_t *env,
		 char *err, size_t errlen)
{
	const char *ifname = json_string_value(json_array_get(argv, 0));
	bool up4 = strcmp(event, "ip-up") == 0, up6 = strcmp(event, "ipv6-up") == 0;
	bool down4 = strcmp(event, "ip-down") == 0, down6 = strcmp(event, "ipv6-down") == 0;
	struct session *s;
	char before[48]; /* the address this hook sets, as it was */
	char q[RADATTR_QUOTE_SIZE];
	const char *addr;
	bool fresh = false;
	pid_t pid = 0;
	int ifindex;

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
	s = session_by_ifname(a, ifname);
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
		 * both hooks): that ends it now, within the grace time.  The
		 * accounting records keep the address. */
		if (!s->gone && (down6 ? s->ip[0] : s->ipv6_ll[0])) {
			acct_session_addrs(s);
			if (down6)
				s->ipv6_ll[0] = '\0';
			else
				s->ip[0] = s->local_ip[0] = '\0';
			log_info("sess=%s user=%s event=%s %s=up", s->ifname, s->user, event,
				 down6 ? "ipv4" : "ipv6");
			session_event(a, s, "session-changed");
			session_state_later(a);
			return 0;
		}
		session_end(a, s, event, true);
		return 0;
	}
	ifindex = shaper_ifindex(a->sh, ifname);
	if (ifindex < 0) {
		snprintf(err, errlen, "%s: interface does not exist", ifname);
		return -ENODEV;
	}
	if (s && s->ifindex != ifindex) { /* a stale record of an earlier link */
		session_end(a, s, "replaced", false);
		s = NULL;
	}
	if (!s) {
		s = session_new(a, ifname, ifindex);
		if (!s) {
			snprintf(err, errlen, "%s: out of memory", ifname);
			return -ENOMEM;
		}
		a->stats.sessions_up++;
		fresh = true;
	}
	/* a repeated hook (ipv6-up after ip-up) may carry less: keep what we know */
	if (*env_str(env, "PEERNAME"))
		snprintf(s->user, sizeof(s->user), "%s", env_str(env, "PEERNAME"));
	if (*env_str(env, "MACREMOTE"))
		snprintf(s->mac, sizeof(s->mac), "%s", env_str(env, "MACREMOTE"));
	if (!s->user[0])
		sessrad_user(a, s);
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
	sessrad_policy(a, s);
	log_info("sess=%s user=%s event=up ip=%s mac=%s pppd=%d", s->ifname, s->user, s->ip,
		 s->mac, (int)s->pppd_pid);
	if (session_shape(a, s) < 0) {
		/* the session exists and shows the error; pppd carries on */
		snprintf(err, errlen, "%s", s->shape_err);
	}
	/* the second protocol of a running session: accounting hears of it
	 * now (a no-op before the Start, which then carries it) */
	if (!fresh && addr[0] && strcmp(before, addr) != 0)
		acct_session_newinfo(a, s);
	acct_session_up(a, s);
	session_event(a, s, fresh ? "session-up" : "session-changed");
	session_state_later(a);
	return s->shaped ? 0 : -EIO;
}

/* The saved records by interface name: one pass, so a restart with
 * 10 000 sessions does not search the array 10 000 times. */
static json_t *saved_index(json_t *state)
{
	json_t *idx = json_object(), *arr = json_object_get(state, "sessions"), *o;
	size_t i;

	if (!idx)
		return NULL;
	json_array_foreach(arr, i, o) {
		const char *name = json_string_value(json_object_get(o, "ifname"));

		if (name)
			(void)json_object_set(idx, name, o);
	}
	return idx;
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

/* pppd writes its pid to PID-DIR/IFNAME.pid ("%d\n"); the file is read
 * as every file a session names is (docs/untrusted-files.md), its first
 * line parsed strictly, and believed only if that process is a pppd */
#define PIDFILE_MAX 64 /* "%d\n", and an interface name after it in pppd's link pid files */

static pid_t pid_from_file(struct acd *a, const char *ifname)
{
	char path[PATH_MAX + 32], err[PATH_MAX + 256], q[RADATTR_QUOTE_SIZE], *buf = NULL;
	size_t len, n;
	pid_t pid = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.pid", a->cfg.pid_dir, ifname);
	rc = radattr_read_untrusted(path, "pid file", PIDFILE_MAX, &buf, &len, err, sizeof(err));
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		log_warnx("sess=%s event=pid-file-refused %s: pppd's pid stays unknown", ifname, err);
		return 0;
	}
	n = strcspn(buf, "\n"); /* the first line; buf is NUL-terminated */
	if (radattr_parse_pid(buf, n, &pid) < 0) {
		radattr_quote(buf, n, q, sizeof(q));
		log_warnx("sess=%s event=pid-file-refused %s: \"%s\" is not a process id: pppd's "
			  "pid stays unknown", ifname, path, q);
		pid = 0;
	}
	free(buf);
	return pid && is_pppd(pid) ? pid : 0;
}

/* pppd's pid in a saved record; out of range is unknown (0), as
 * radattr_parse_pid() would have it */
static pid_t saved_pid(json_t *rec)
{
	json_int_t p = json_integer_value(json_object_get(rec, "pppd_pid"));

	return p >= RADATTR_PID_MIN && p <= RADATTR_PID_MAX ? (pid_t)p : 0;
}

/* m[ifindex] = the IPv6 address a, in canonical text */
static void put_ll(json_t *m, int ifindex, struct nl_addr *a)
{
	char key[16], txt[INET6_ADDRSTRLEN];

	snprintf(key, sizeof(key), "%d", ifindex);
	if (inet_ntop(AF_INET6, nl_addr_get_binary_addr(a), txt, sizeof(txt)))
		(void)json_object_set_new(m, key, json_string(txt));
}

/* The peers' IPv6 link-local addresses by ifindex ({"12": "fe80::..."}),
 * for sessions found without a saved record: pppd 2.4.x puts its own
 * link-local on the link and a host route to the peer's; pppd 2.5 puts a
 * peer address on its own. */
static json_t *peer_lls(struct nl_sock *sk, struct nl_cache *addrs)
{
	json_t *m = json_object();
	struct nl_cache *routes = NULL;
	struct nl_object *obj;

	if (!m)
		return NULL;
	if (rtnl_route_alloc_cache(sk, AF_INET6, 0, &routes) == 0) {
		for (obj = nl_cache_get_first(routes); obj; obj = nl_cache_get_next(obj)) {
			struct rtnl_route *r = (struct rtnl_route *)obj;
			struct nl_addr *dst = rtnl_route_get_dst(r);
			struct rtnl_nexthop *nh;

			if (rtnl_route_get_table(r) != RT_TABLE_MAIN || !dst ||
			    nl_addr_get_prefixlen(dst) != 128 || rtnl_route_get_nnexthops(r) < 1 ||
			    !IN6_IS_ADDR_LINKLOCAL(nl_addr_get_binary_addr(dst)))
				continue;
			nh = rtnl_route_nexthop_n(r, 0);
			put_ll(m, rtnl_route_nh_get_ifindex(nh), dst);
		}
		nl_cache_free(routes);
	}
	for (obj = addrs ? nl_cache_get_first(addrs) : NULL; obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *ad = (struct rtnl_addr *)obj;
		struct nl_addr *peer = rtnl_addr_get_peer(ad);

		if (rtnl_addr_get_family(ad) != AF_INET6 || !peer ||
		    !IN6_IS_ADDR_LINKLOCAL(nl_addr_get_binary_addr(peer)))
			continue;
		put_ll(m, rtnl_addr_get_ifindex(ad), peer);
	}
	return m;
}

/* The link's own and peer IPv4 addresses: pppd's local and remote. */

static void addrs_from_kernel(struct nl_cache *addrs, struct session *s)
{
	struct nl_object *obj;

	for (obj = nl_cache_get_first(addrs); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *ad = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(ad), *peer = rtnl_addr_get_peer(ad);

		if (rtnl_addr_get_ifindex(ad) != s->ifindex || rtnl_addr_get_family(ad) != AF_INET)
			continue;
		if (local && !s->local_ip[0])
			inet_ntop(AF_INET, nl_addr_get_binary_addr(local), s->local_ip,
				  sizeof(s->local_ip));
		if (peer && !s->ip[0])
			inet_ntop(AF_INET, nl_addr_get_binary_addr(peer), s->ip, sizeof(s->ip));
	}
}

/* Has the link any address?  pppd sets them when IPCP or IPv6CP is up,
 * just before their hooks; a link without one is still negotiating. */
static bool link_has_addr(struct nl_cache *addrs, int ifindex)
{
	struct nl_object *obj;

	for (obj = addrs ? nl_cache_get_first(addrs) : NULL; obj; obj = nl_cache_get_next(obj))
		if (rtnl_addr_get_ifindex((struct rtnl_addr *)obj) == ifindex)
			return true;
	return false;
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

/*
 * Interfaces with our prefix and no session become sessions: at start-up
 * every one (after a crash or a restart, pppd kept running), later the
 * ones in only[] whose hook never came.  A saved record gives back what
 * only the hook knew; otherwise the kernel (addresses, the peer's
 * link-local) and pppd's pid file do.  The radattr file gives the policy
 * again.  Applying is idempotent, so nothing is duplicated and nothing
 * lost.  Returns the number of sessions made.
 */
static int adopt_links(struct acd *a, json_t *saved, const int *only, size_t nonly)
{
	json_t *lls = NULL;
	bool lls_read = false;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL, *addrs = NULL;
	struct nl_object *obj;
	size_t plen = strlen(a->cfg.ifprefix);
	int found = 0;

	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0) {
		log_warnx("reconcile: no netlink socket: sessions are learnt from hooks only");
		goto out;
	}
	if (only) {
		/* a few links, each asked for: a dump of every link (with
		 * 10 000 sessions, tens of MB in libnl's objects) for a handful
		 * of lost hooks would cost acd more than the hooks did */
		size_t i;

		if (nl_cache_alloc_name("route/link", &cache) < 0)
			goto out;
		for (i = 0; i < nonly; i++) {
			struct rtnl_link *l;

			if (rtnl_link_get_kernel(sk, only[i], NULL, &l) < 0)
				continue; /* gone meanwhile */
			(void)nl_cache_add(cache, (struct nl_object *)l);
			rtnl_link_put(l);
		}
	} else if (rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache) < 0) {
		log_warnx("reconcile: cannot list network devices: sessions are learnt from hooks only");
		goto out;
	}
	if (rtnl_addr_alloc_cache(sk, &addrs) < 0)
		addrs = NULL; /* sessions without a saved record then lack their IPs */
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_link *l = (struct rtnl_link *)obj;
		const char *name = rtnl_link_get_name(l);
		int idx = rtnl_link_get_ifindex(l);
		struct session *s;
		json_t *rec;

		if (!name || strncmp(name, a->cfg.ifprefix, plen) != 0 ||
		    !wanted(only, nonly, idx) || session_by_ifindex(a, idx) ||
		    (only && !link_has_addr(addrs, idx)))
			continue;
		s = session_new(a, name, idx);
		if (!s)
			break;
		rec = saved ? saved_record(saved, name, idx) : NULL;
		if (rec) {
			str_from(rec, "user", s->user, sizeof(s->user));
			/* addresses only if well-formed, in canonical text */
			copy_ip(s->ip, sizeof(s->ip),
				json_string_value(json_object_get(rec, "ip")) ?: "", AF_INET);
			copy_ip(s->local_ip, sizeof(s->local_ip),
				json_string_value(json_object_get(rec, "local_ip")) ?: "", AF_INET);
			copy_ip(s->ipv6_ll, sizeof(s->ipv6_ll),
				json_string_value(json_object_get(rec, "ipv6")) ?: "", AF_INET6);
			str_from(rec, "mac", s->mac, sizeof(s->mac));
			s->pppd_pid = saved_pid(rec);
			if (json_integer_value(json_object_get(rec, "started")))
				s->started = (time_t)json_integer_value(json_object_get(rec, "started"));
			str_from(rec, "acct_session_id", s->acct_session_id,
				 sizeof(s->acct_session_id));
			acct_saved_from_json(rec, &s->acct.st);
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
		}
		/* no saved record (the session came up while acd was down, or
		 * its hook never reached acd): what the kernel and pppd's pid
		 * file still say */
		if (addrs && (!s->ip[0] || !s->local_ip[0]))
			addrs_from_kernel(addrs, s);
		if (!rec && !lls_read) { /* the route dump only when it is needed */
			lls = peer_lls(sk, addrs);
			lls_read = true;
		}
		if (!rec && lls) {
			char key[16];

			snprintf(key, sizeof(key), "%d", idx);
			copy_ip(s->ipv6_ll, sizeof(s->ipv6_ll),
				json_string_value(json_object_get(lls, key)) ?: "", AF_INET6);
		}
		if (!s->pppd_pid)
			s->pppd_pid = pid_from_file(a, s->ifname);
		sessrad_policy(a, s);
		if (!s->user[0])
			sessrad_user(a, s);
		found++;
		if (only) {
			a->stats.sessions_up++;
			log_notice("sess=%s user=%s event=adopted ip=%s: no hook %" PRIu32 "s after the "
				   "link got its address (pppd's hook failed or never ran)",
				   s->ifname, s->user, s->ip, a->cfg.adopt_after_s);
		} else {
			log_info("sess=%s user=%s event=reconciled saved=%s", s->ifname, s->user,
				 rec ? "yes" : "no");
		}
		(void)session_shape(a, s);
		acct_session_up(a, s);
		if (only)
			session_event(a, s, "session-up");
	}
out:
	if (cache)
		nl_cache_free(cache);
	if (addrs)
		nl_cache_free(addrs);
	if (sk)
		nl_socket_free(sk);
	json_decref(lls);
	return found;
}

void session_reconcile(struct acd *a)
{
	json_t *state = state_load(a), *saved = saved_index(state);
	int n, found = adopt_links(a, saved, NULL, 0);

	n = shaper_gc(a->sh);
	if (n > 0)
		log_info("reconcile: removed %d orphaned IFB device(s)", n);
	log_notice("reconcile: %d session(s) found", found);
	session_state_later(a);
	json_decref(saved);
	json_decref(state);
}

int session_adopt(struct acd *a, const int *ifindexes, size_t n)
{
	int found = adopt_links(a, NULL, ifindexes, n);

	if (found)
		session_state_later(a);
	return found;
}
