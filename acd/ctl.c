/*
 * ctl.c - the management socket: newline-delimited JSON requests in, one
 * reply each, events for monitors.  Every command is in one table (which
 * telnet will share).  Input is bounded per line, output per client; a
 * client that does not read its replies is dropped, never waited for, and
 * one that stays silent is closed, so idle connections cannot hold every
 * slot, and the clients of users other than root cannot hold more than
 * ACD_CLIENTS_USER_MAX of them, so pppd's hooks (root's) always find room.
 * Each command that changes something logs who asked (by=).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "acd.h"
#include "cmdtab.h"
#include "log.h"
#include "natmon.h"
#include "ctl.h"
#include "outbuf.h"
#include "proto.h"

/* A client that is not a monitor and neither sends nor reads for this
 * long is closed (acdctl and the hooks take milliseconds). */
#define CTL_IDLE_S 60.0
/* Out of descriptors, acd stops accepting for this long: the connection
 * waits in the listen queue (acdctl tries again) instead of acd spinning
 * on a socket that stays readable. */
#define CTL_ACCEPT_PAUSE_S 0.1
/* At most one log line this often about refused connections, however many
 * a client makes. */
#define CTL_REFUSED_LOG_S 1.0

struct client {
	struct client *next;
	struct ctl *ctl;
	int fd;
	ev_io rw, ww;
	ev_timer idle;
	uid_t uid;
	pid_t pid;
	char by[64];                    /* who asks, for the log: "uid:N" or "telnet:ADDR" */
	bool monitor;
	bool closing;                   /* close once the output is flushed */
	bool paused;                    /* not reading: too many unread replies */
	struct ctl_input in;
	struct outbuf out;
};

struct ctl {
	struct acd *a;
	int fd;
	ev_io w;
	ev_timer accept_pause;          /* out of descriptors: accept again later */
	bool accept_failing;            /* since the last client accepted */
	struct client *clients;
	unsigned nclients;
	unsigned nusers;                /* those of them whose uid is not 0 */
	ev_tstamp refused_logged;       /* when a refusal was last logged */
	unsigned refused_quiet;         /* refusals since, not logged */
	char path[108];
};

struct reply {
	json_t *data;                   /* success */
	const char *code;               /* failure */
	char error[512];
};

static int fail(struct reply *r, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reply *r, const char *code, const char *fmt, ...)
{
	va_list ap;

	r->code = code;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- commands ---- */

static const char *arg_str(json_t *args, const char *name)
{
	return json_string_value(json_object_get(args, name));
}

static struct session *lookup(struct acd *a, json_t *args, struct reply *r)
{
	const char *id = arg_str(args, "id");
	struct session *s;
	int n;

	if (!id || !*id) {
		fail(r, ACD_E_ARGS, "which session? give an interface, a user or an IP");
		return NULL;
	}
	s = session_find(a, id, &n);
	if (n == 0) {
		fail(r, ACD_E_NOENT, "%s: no such session", id);
		return NULL;
	}
	if (n > 1) {
		fail(r, ACD_E_AMBIG, "%s: matches %d sessions: give the interface", id, n);
		return NULL;
	}
	return s;
}

/*
 * 64-bit link counters of every link, from one RTM_GETLINK dump kept as
 * (ifindex, rx, tx) only: libnl's link cache holds whole link objects,
 * 30 MB and more for the 20 000 links of 10 000 sessions with IFBs.
 */
struct ctr {
	int ifindex;
	uint64_t rx, tx;
};

struct ctrs {
	struct ctr *v;
	size_t n, cap;
};

static int on_link(struct nl_msg *msg, void *arg)
{
	struct ctrs *t = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	struct rtnl_link_stats64 st = { 0 };
	const struct ifinfomsg *ifi;

	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_datalen(h) < (int)sizeof(*ifi) ||
	    nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_STATS64])
		return NL_OK;
	ifi = nlmsg_data(h);
	memcpy(&st, nla_data(tb[IFLA_STATS64]),
	       (size_t)nla_len(tb[IFLA_STATS64]) < sizeof(st) ? (size_t)nla_len(tb[IFLA_STATS64])
							     : sizeof(st));
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct ctr *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return NL_STOP;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct ctr){ ifi->ifi_index, st.rx_bytes, st.tx_bytes };
	return NL_OK;
}

static int ctr_cmp(const void *x, const void *y)
{
	const struct ctr *a = x, *b = y;

	return (a->ifindex > b->ifindex) - (a->ifindex < b->ifindex);
}

/* Fills t (sorted by ifindex); on any failure t stays empty (counters 0). */
static void ctrs_read(struct ctrs *t)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

	memset(t, 0, sizeof(*t));
	if (!sk)
		return;
	if (nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_link, t) < 0 ||
	    nl_send_simple(sk, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi)) < 0 ||
	    nl_recvmsgs_default(sk) < 0) {
		free(t->v);
		memset(t, 0, sizeof(*t));
	}
	nl_socket_free(sk);
	if (t->n)
		qsort(t->v, t->n, sizeof(t->v[0]), ctr_cmp);
}

static void add_counters(json_t *o, const struct ctrs *t, int ifindex)
{
	struct ctr key = { .ifindex = ifindex };
	const struct ctr *c = t->n ? bsearch(&key, t->v, t->n, sizeof(key), ctr_cmp) : NULL;

	/* rx on the AC side is the subscriber's upload */
	json_object_set_new(o, "rx_bytes", json_integer(c ? (json_int_t)c->rx : 0));
	json_object_set_new(o, "tx_bytes", json_integer(c ? (json_int_t)c->tx : 0));
}

/* One row of show sessions: the record and its link counters. */
static json_t *session_row(const struct session *s, const struct ctrs *t)
{
	json_t *o = session_json(s, false);

	add_counters(o, t, s->ifindex);
	return o;
}

static int cmd_show_sessions(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	struct ctrs t;
	json_t *arr = json_array();
	struct session *s;

	(void)c;
	(void)args;
	ctrs_read(&t);
	for (s = a->sessions; s; s = s->next)
		json_array_append_new(arr, session_row(s, &t));
	free(t.v);
	r->data = arr;
	return 0;
}

static json_t *shaper_state_json(struct acd *a, struct session *s)
{
	struct shaper_state st;
	json_t *o = json_object();

	if (shaper_show(a->sh, s->ifindex, &st) < 0) {
		json_object_set_new(o, "error", json_string(shaper_errmsg(a->sh)));
		return o;
	}
	json_object_set_new(o, "down_installed", json_boolean(st.down_installed));
	json_object_set_new(o, "down_rate", json_integer((json_int_t)st.policy.down.rate));
	json_object_set_new(o, "down_qdisc", json_string(shaper_qdisc_name(st.policy.down.qdisc)));
	json_object_set_new(o, "down_drops", json_integer((json_int_t)st.down.drops));
	json_object_set_new(o, "up_installed", json_boolean(st.up_installed));
	json_object_set_new(o, "up_rate", json_integer((json_int_t)st.policy.up.rate));
	json_object_set_new(o, "up_mode", json_string(shaper_upmode_name(st.policy.upmode)));
	json_object_set_new(o, "up_drops", json_integer((json_int_t)st.up.drops));
	json_object_set_new(o, "ifb", json_string(st.ifb));
	return o;
}

static int cmd_show_session(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);
	struct nl_sock *sk = NULL;
	struct ctrs t = { 0 };
	struct ctr one;

	(void)c;
	if (!s)
		return -1;
	r->data = session_json(s, true);
	/* one link, not a dump of all of them */
	sk = nl_socket_alloc();
	if (sk && nl_connect(sk, NETLINK_ROUTE) == 0) {
		struct rtnl_link *l = NULL;

		if (rtnl_link_get_kernel(sk, s->ifindex, NULL, &l) == 0) {
			one = (struct ctr){ s->ifindex, rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES),
					    rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES) };
			t.v = &one;
			t.n = 1;
			rtnl_link_put(l);
		}
	}
	if (sk)
		nl_socket_free(sk);
	add_counters(r->data, &t, s->ifindex);
	json_object_set_new(r->data, "kernel", shaper_state_json(a, s));
	return 0;
}

static int rate_arg(json_t *args, const char *name, uint64_t *out, struct reply *r)
{
	json_t *v = json_object_get(args, name);
	char err[200];

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
	} else if (json_is_string(v)) {
		if (shaper_rate_parse(json_string_value(v), 1, out, err, sizeof(err)) < 0)
			return fail(r, ACD_E_ARGS, "%s %s", name, err);
	} else {
		return fail(r, ACD_E_ARGS, "%s: give a rate (e.g. \"10M\", 0 for unshaped)", name);
	}
	if (*out && (*out < SHAPER_RATE_MIN || *out > SHAPER_RATE_MAX))
		return fail(r, ACD_E_ARGS, "%s: out of range (0, or 1k to 1T)", name);
	return 0;
}

static int reshape(struct acd *a, struct session *s, bool ov, uint64_t down, uint64_t up,
		   struct reply *r)
{
	bool old_ov = s->override;
	uint64_t od = s->ov_down, ou = s->ov_up;
	json_t *j;
	int rc;

	s->override = ov;
	s->ov_down = down;
	s->ov_up = up;
	if (session_shape(a, s) < 0) {
		/* the shaper restored the interface: restore the record too */
		s->override = old_ov;
		s->ov_down = od;
		s->ov_up = ou;
		return fail(r, ACD_E_SHAPER, "%s", s->shape_err);
	}
	r->data = json_object();
	rc = session_state_save(a);
	if (rc < 0) {
		/* the kernel has it, the state file does not: an acd restart
		 * would bring back the old rates, and the operator must know */
		json_t *w = json_sprintf("%s in force but not saved (%s/sessions.json: %s): "
					 "an acd restart would %s",
					 ov ? "the override is" : "the RADIUS rates are",
					 a->cfg.state_dir, strerror(-rc),
					 ov ? "lose it" : "bring the old override back");

		if (!w) /* a state-dir that is not UTF-8 */
			w = json_string("in force but not saved: an acd restart would lose it");
		log_warnx("sess=%s user=%s event=state-not-saved: %s", s->ifname, s->user,
			  json_string_value(w));
		json_object_set_new(r->data, "warning", w);
	}
	j = session_json(s, true);
	json_object_update(r->data, j); /* after the warning: it is read first */
	ctl_event(a->ctl, "session-changed", j);
	json_decref(j);
	return 0;
}

static int cmd_shaper_set(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);
	uint64_t down, up;

	if (!s || rate_arg(args, "down", &down, r) < 0 || rate_arg(args, "up", &up, r) < 0)
		return -1;
	log_info("sess=%s user=%s event=override down=%" PRIu64 " up=%" PRIu64 " by=%s", s->ifname,
		 s->user, down, up, c->by);
	return reshape(a, s, true, down, up, r);
}

static int cmd_shaper_restore(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);

	if (!s)
		return -1;
	log_info("sess=%s user=%s event=override-restore by=%s", s->ifname, s->user, c->by);
	return reshape(a, s, false, 0, 0, r);
}

static int cmd_terminate(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);
	char err[256];
	int rc;

	if (!s)
		return -1;
	log_info("sess=%s user=%s event=terminate-request by=%s", s->ifname, s->user, c->by);
	rc = session_terminate(a, s, "admin-reset", err, sizeof(err));
	if (rc < 0)
		return fail(r, rc == -ESRCH ? ACD_E_NOENT : ACD_E_PERM, "%s", err);
	r->data = json_pack("{s:s,s:i}", "ifname", s->ifname, "pppd_pid", (int)s->pppd_pid);
	return 0;
}

static int cmd_show_stat(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	(void)c;
	(void)args;
	r->data = json_pack("{s:I,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:i,s:o}",
			    "uptime", (json_int_t)(time(NULL) - a->started),
			    "sessions", (int)a->nsessions,
			    "sessions_up", (json_int_t)a->stats.sessions_up,
			    "sessions_down", (json_int_t)a->stats.sessions_down,
			    "sessions_vanished", (json_int_t)a->stats.sessions_vanished,
			    "hook_errors", (json_int_t)a->stats.hook_errors,
			    "shaper_errors", (json_int_t)a->stats.shaper_errors,
			    "radattr_errors", (json_int_t)a->stats.radattr_errors,
			    "requests", (json_int_t)a->stats.requests,
			    "bad_requests", (json_int_t)a->stats.bad_requests,
			    "last_error", a->stats.last_error,
			    "protocol", ACD_PROTO_VERSION,
			    "hook_latency", lat_json(&a->stats.hook));
	json_object_set_new(r->data, "nat64", natmon_json(a->nat, false));
	json_object_set_new(r->data, "coa",
		json_pack("{s:b,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I},s:s,s:o}",
			  "enabled", a->coa != NULL,
			  "requests", (json_int_t)a->stats.coa_requests,
			  "acks", (json_int_t)a->stats.coa_acks,
			  "naks", (json_int_t)a->stats.coa_naks,
			  "duplicates", (json_int_t)a->stats.coa_duplicates,
			  "dropped",
			  "unknown_client", (json_int_t)a->stats.coa_drop_unknown_client,
			  "malformed", (json_int_t)a->stats.coa_drop_malformed,
			  "authenticator", (json_int_t)a->stats.coa_drop_auth,
			  "message_authenticator", (json_int_t)a->stats.coa_drop_ma,
			  "stale", (json_int_t)a->stats.coa_drop_stale,
			  "last_error", a->stats.coa_last_error,
			  "latency", lat_json(&a->stats.coa)));
	json_object_set_new(r->data, "accounting", acct_stat_json(a->acct));
	return 0;
}

static int cmd_show_nat64(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	(void)c;
	(void)args;
	r->data = natmon_json(a->nat, true);
	return 0;
}

static int cmd_hook(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	const char *event = arg_str(args, "event");
	json_t *argv = json_object_get(args, "argv"), *env = json_object_get(args, "env");
	char err[512] = "";
	uint64_t t0 = lat_now();
	int rc;

	if (c->uid != 0) {
		log_warnx("ctl: hook %s refused: by=%s pid=%d is not root", event ? event : "?",
			  c->by, (int)c->pid);
		return fail(r, ACD_E_PERM, "hooks are pppd's: only root may report sessions");
	}
	if (!event || !json_is_array(argv) || (env && !json_is_object(env)))
		return fail(r, ACD_E_ARGS, "hook needs event, argv (array) and env (object)");
	env = env ? json_incref(env) : json_object();
	rc = session_hook(a, event, argv, env, err, sizeof(err));
	json_decref(env);
	lat_add(&a->stats.hook, t0);
	if (rc < 0) {
		a->stats.hook_errors++;
		snprintf(a->stats.last_error, sizeof(a->stats.last_error), "%s", err);
		return fail(r, rc == -ENOENT ? ACD_E_NOENT : rc == -EIO ? ACD_E_SHAPER : ACD_E_ARGS,
			    "%s", err);
	}
	r->data = json_object();
	return 0;
}

static int cmd_reload(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	char err[2048];

	(void)args;
	log_notice("reload: requested by=%s", c->by);
	if (acd_reload(a, err, sizeof(err)) < 0)
		return fail(r, ACD_E_CONFIG, "%s", err);
	acct_reload_check(a);
	r->data = json_pack("{s:i}", "sessions", (int)a->nsessions);
	return 0;
}

static int cmd_monitor(struct acd *a, struct client *c, json_t *args, struct reply *r)
{
	(void)args;
	c->monitor = true;
	if (c->fd >= 0)
		ev_timer_stop(a->loop, &c->idle); /* long-lived on purpose */
	r->data = json_object();
	return 0;
}

typedef int handler(struct acd *a, struct client *c, json_t *args, struct reply *r);

/* each command of the table (cmdtab.c), by its index */
static handler *const handlers[CMD_COUNT] = {
	[CMD_SHOW_SESSIONS] = cmd_show_sessions,
	[CMD_SHOW_SESSION] = cmd_show_session,
	[CMD_SHOW_STAT] = cmd_show_stat,
	[CMD_SHOW_NAT64] = cmd_show_nat64,
	[CMD_SHAPER_SET] = cmd_shaper_set,
	[CMD_SHAPER_RESTORE] = cmd_shaper_restore,
	[CMD_TERMINATE] = cmd_terminate,
	[CMD_RELOAD] = cmd_reload,
	[CMD_MONITOR] = cmd_monitor,
	[CMD_HOOK] = cmd_hook,
};

static handler *handler_of(const struct cmd *k)
{
	return handlers[k - cmd_table];
}

/* ---- the connection machinery ---- */

static void client_free(struct client *c)
{
	struct ctl *ctl = c->ctl;
	struct client **pp;

	ev_io_stop(ctl->a->loop, &c->rw);
	ev_io_stop(ctl->a->loop, &c->ww);
	ev_timer_stop(ctl->a->loop, &c->idle);
	close(c->fd);
	for (pp = &ctl->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ctl->nclients--;
	ctl->nusers -= c->uid != 0;
	outbuf_free(&c->out);
	free(c);
}

static int queue(struct client *c, const char *s, size_t n)
{
	if (outbuf_add(&c->out, s, n, ACD_OUTPUT_MAX) < 0 ||
	    outbuf_add(&c->out, "\n", 1, ACD_OUTPUT_MAX) < 0)
		return -1;
	ev_io_start(c->ctl->a->loop, &c->ww);
	return 0;
}

/* Returns -1 if the client was dropped. */
static int send_json(struct client *c, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int rc = s ? queue(c, s, strlen(s)) : -1;

	free(s);
	if (rc < 0) {
		log_warnx("ctl: client pid=%d uid=%u does not read its replies: dropped",
			  (int)c->pid, (unsigned)c->uid);
		client_free(c);
	}
	return rc;
}

void ctl_event(struct ctl *ctl, const char *event, json_t *payload)
{
	struct client *c, *next;
	json_t *o;

	if (!ctl)
		return;
	o = json_pack("{s:i,s:s,s:O}", "v", ACD_PROTO_VERSION, "event", event, "session", payload);
	for (c = ctl->clients; c; c = next) {
		next = c->next;
		if (c->monitor && !c->closing)
			(void)send_json(c, o);
	}
	json_decref(o);
}

int ctl_parse_request(const char *line, size_t len, const char **cmd, json_t **args,
		      char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *req, *a;
	const char *name;

	*cmd = NULL;
	*args = NULL;
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req)) {
		snprintf(err, errlen, "request is not a JSON object: %s", req ? "wrong type" : jerr.text);
		json_decref(req);
		return -1;
	}
	if (json_object_get(req, "v") &&
	    (!json_is_integer(json_object_get(req, "v")) ||
	     json_integer_value(json_object_get(req, "v")) != ACD_PROTO_VERSION)) {
		snprintf(err, errlen, "protocol version not supported (this acd speaks %d)",
			 ACD_PROTO_VERSION);
	} else if (!(name = json_string_value(json_object_get(req, "cmd")))) {
		snprintf(err, errlen, "request has no \"cmd\" string");
	} else if ((a = json_object_get(req, "args")) && !json_is_object(a)) {
		snprintf(err, errlen, "\"args\" must be an object");
	} else if (!cmd_named(name)) {
		snprintf(err, errlen, "unknown command \"%.64s\"", name);
		json_decref(req);
		return -2;
	} else {
		*cmd = cmd_named(name)->name; /* static storage */
		*args = a ? json_incref(a) : json_object();
		json_decref(req);
		return 0;
	}
	json_decref(req);
	return -1;
}

int ctl_parse_text(const char *line, const char **cmd, json_t **args, char *err, size_t errlen)
{
	char buf[ACD_REQUEST_MAX], *tok[32], *save = NULL, *t;
	const struct cmd *k;
	size_t ntok = 0;
	int rc;

	*cmd = NULL;
	*args = NULL;
	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (ntok == sizeof(tok) / sizeof(tok[0])) {
			snprintf(err, errlen, "more than %zu words", ntok);
			return -1;
		}
		tok[ntok++] = t;
	}
	rc = cmd_parse_words(ntok, tok, &k, args, err, errlen);
	if (rc == -2) {
		size_t n = strlen(err);

		snprintf(err + n, errlen > n ? errlen - n : 0, " (try help)");
	}
	if (rc == 0)
		*cmd = k->name;
	return rc;
}

void ctl_help(FILE *f)
{
	char usage[128];
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (!(cmd_table[i].flags & CMD_NOTEXT)) {
			cmd_usage(&cmd_table[i], usage, sizeof(usage));
			fprintf(f, "  %s\n      %s\n", usage, cmd_table[i].help);
		}
}

json_t *ctl_execute(struct acd *a, uid_t uid, const char *by, const char *cmd, json_t *args,
		    char *err, size_t errlen, const char **code)
{
	const struct cmd *k = cmd_named(cmd);
	struct client pseudo = { .fd = -1, .uid = uid };
	struct reply r = { 0 };

	snprintf(pseudo.by, sizeof(pseudo.by), "%s", by);
	a->stats.requests++;
	if (!k) {
		snprintf(err, errlen, "unknown command \"%.64s\"", cmd);
		*code = ACD_E_CMD;
		return NULL;
	}
	pseudo.ctl = a->ctl;
	if (handler_of(k)(a, &pseudo, args, &r) < 0 || r.code) {
		snprintf(err, errlen, "%s", r.error);
		*code = r.code ? r.code : ACD_E_ARGS;
		json_decref(r.data);
		return NULL;
	}
	return r.data ? r.data : json_null();
}

/*
 * show sessions, written to the client as it is built: one session's JSON
 * at a time goes into the output buffer, so 10 000 sessions cost their
 * text (about 2.8 MB) and not a JSON tree of them all (about 50 MB).
 * Returns -1 if the client was dropped.
 */
static int stream_sessions(struct client *c)
{
	struct acd *a = c->ctl->a;
	struct ctrs t;
	char head[64];
	struct session *s;
	int rc, n;

	ctrs_read(&t);
	n = snprintf(head, sizeof(head), "{\"v\":%d,\"ok\":true,\"data\":[", ACD_PROTO_VERSION);
	rc = outbuf_add(&c->out, head, (size_t)n, ACD_REPLY_MAX);
	for (s = a->sessions; s && rc == 0; s = s->next) {
		json_t *o = session_row(s, &t);
		char *text = json_dumps(o, JSON_COMPACT);

		json_decref(o);
		rc = text ? outbuf_add(&c->out, text, strlen(text), ACD_REPLY_MAX) : -1;
		free(text);
		if (rc == 0 && s->next)
			rc = outbuf_add(&c->out, ",", 1, ACD_REPLY_MAX);
	}
	free(t.v);
	if (rc == 0)
		rc = outbuf_add(&c->out, "]}\n", 3, ACD_REPLY_MAX);
	if (rc < 0) {
		log_warnx("ctl: client pid=%d uid=%u: show sessions over %u bytes: dropped",
			  (int)c->pid, (unsigned)c->uid, ACD_REPLY_MAX);
		client_free(c);
		return -1;
	}
	ev_io_start(a->loop, &c->ww);
	return 0;
}

static int handle_line(struct client *c, const char *line, size_t len)
{
	struct acd *a = c->ctl->a;
	struct reply r = { 0 };
	const char *cmd;
	json_t *reply, *args;
	int rc;

	a->stats.requests++;
	rc = ctl_parse_request(line, len, &cmd, &args, r.error, sizeof(r.error));
	if (rc < 0) {
		r.code = rc == -2 ? ACD_E_CMD : ACD_E_PROTO;
	} else if (strcmp(cmd, "show sessions") == 0) {
		json_decref(args);
		return stream_sessions(c);
	} else {
		(void)handler_of(cmd_named(cmd))(a, c, args, &r);
		json_decref(args);
	}
	if (r.code) {
		a->stats.bad_requests += strcmp(r.code, ACD_E_PROTO) == 0;
		reply = json_pack("{s:i,s:b,s:s,s:s}", "v", ACD_PROTO_VERSION, "ok", 0, "error",
				  r.error, "code", r.code);
	} else {
		reply = json_pack("{s:i,s:b,s:o}", "v", ACD_PROTO_VERSION, "ok", 1, "data",
				  r.data ? r.data : json_null());
	}
	rc = send_json(c, reply);
	json_decref(reply);
	return rc;
}

static int process_lines(struct client *c);

static void on_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c = w->data;
	size_t before = outbuf_pending(&c->out);
	int rc;

	(void)revents;
	rc = outbuf_flush(&c->out, c->fd);
	if (rc < 0 || (rc == 1 && c->closing)) {
		client_free(c);
		return;
	}
	if (outbuf_pending(&c->out) < before && !c->monitor)
		ev_timer_again(loop, &c->idle); /* reading a long reply is not idle */
	if (rc == 1)
		ev_io_stop(loop, w);
	if (c->paused && !c->closing && outbuf_pending(&c->out) <= ACD_OUTPUT_LOW) {
		c->paused = false;
		ev_io_start(loop, &c->rw);
		(void)process_lines(c); /* what it sent while paused */
	}
}

/* An over-long request: refused, the connection kept.  Returns -1 if the
 * client was dropped. */
static int refuse_long(struct client *c)
{
	json_t *e = json_pack("{s:i,s:b,s:o,s:s}", "v", ACD_PROTO_VERSION, "ok", 0, "error",
			      json_sprintf("request longer than %d bytes (its newline not counted): "
					   "refused", ACD_REQUEST_MAX),
			      "code", ACD_E_PROTO);
	int rc;

	c->ctl->a->stats.bad_requests++;
	rc = send_json(c, e);
	json_decref(e);
	return rc;
}

/* Handle the complete requests in the input, unless the client is paused.
 * Returns -1 if the client was dropped (freed). */
static int process_lines(struct client *c)
{
	const char *line;
	size_t len;
	int ev;

	while (!c->paused && (ev = ctl_input_next(&c->in, &line, &len)) != CTL_INPUT_MORE) {
		if ((ev == CTL_INPUT_LONG ? refuse_long(c) : handle_line(c, line, len)) < 0)
			return -1;
		if (outbuf_pending(&c->out) > ACD_OUTPUT_HIGH && !c->paused) {
			c->paused = true;
			ev_io_stop(c->ctl->a->loop, &c->rw);
			log_debug("ctl: client pid=%d uid=%u is not reading its replies: paused",
				  (int)c->pid, (unsigned)c->uid);
		}
	}
	return 0;
}

char *ctl_input_space(struct ctl_input *in, size_t *room)
{
	if (in->start) {
		memmove(in->buf, in->buf + in->start, in->len - in->start);
		in->len -= in->start;
		in->scanned = in->scanned > in->start ? in->scanned - in->start : 0;
		in->start = 0;
	}
	*room = sizeof(in->buf) - in->len;
	return in->buf + in->len;
}

void ctl_input_added(struct ctl_input *in, size_t n)
{
	in->len += n;
}

int ctl_input_next(struct ctl_input *in, const char **line, size_t *len)
{
	/* a client sending a byte at a time costs each byte once, not the
	 * whole request again */
	size_t from = in->scanned > in->start ? in->scanned : in->start;
	char *p = in->buf + in->start, *nl = memchr(in->buf + from, '\n', in->len - from);

	if (in->discarding) {
		if (!nl) {
			in->start = in->len = in->scanned = 0;
			return CTL_INPUT_MORE;
		}
		in->discarding = false;
		in->start = (size_t)(nl + 1 - in->buf);
		p = nl + 1;
		nl = memchr(p, '\n', in->len - in->start);
	}
	if (nl) {
		*line = p;
		*len = (size_t)(nl - p);
		in->start = (size_t)(nl + 1 - in->buf);
		return CTL_INPUT_LINE;
	}
	if (in->len - in->start > ACD_REQUEST_MAX) {
		/* no newline within ACD_REQUEST_MAX + 1 bytes */
		in->discarding = true;
		in->start = in->len = in->scanned = 0;
		return CTL_INPUT_LONG;
	}
	in->scanned = in->len;
	return CTL_INPUT_MORE;
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c = w->data;
	size_t room;
	char *p = ctl_input_space(&c->in, &room);
	ssize_t n;

	(void)revents;
	if (room == 0) /* cannot be: every read is followed by process_lines() */
		return;
	n = read(c->fd, p, room);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (outbuf_pending(&c->out)) { /* the peer half-closed: finish replying */
			c->closing = true;
			ev_io_stop(loop, &c->rw);
		} else {
			client_free(c);
		}
		return;
	}
	if (!c->monitor)
		ev_timer_again(loop, &c->idle);
	ctl_input_added(&c->in, (size_t)n);
	(void)process_lines(c); /* may drop c, or pause it: the rest waits in the buffer */
}

static void on_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct client *c = w->data;

	(void)loop;
	(void)revents;
	log_info("ctl: client pid=%d uid=%u idle for %.0fs: closed", (int)c->pid, (unsigned)c->uid,
		 CTL_IDLE_S);
	client_free(c);
}

/*
 * A connection acd will not serve: one EBUSY line (a fresh socket's buffer
 * takes it), then closed.  Logged at most once a CTL_REFUSED_LOG_S, with
 * the count of those not logged, so a client that keeps knocking cannot
 * flood the log.
 */
static void refuse_busy(struct ctl *ctl, int fd, const struct ucred *cred, bool users)
{
	ev_tstamp now = ev_now(ctl->a->loop);
	json_t *e;
	char *text;
	char why[96];

	if (users)
		snprintf(why, sizeof(why), "%d clients of users other than root already",
			 ACD_CLIENTS_USER_MAX);
	else
		snprintf(why, sizeof(why), "%d clients already", ACD_CLIENTS_MAX);
	e = json_pack("{s:i,s:b,s:o,s:s}", "v", ACD_PROTO_VERSION, "ok", 0, "error",
		      json_sprintf("acd serves %s: try again later", why), "code", ACD_E_BUSY);
	text = json_dumps(e, JSON_COMPACT);
	if (text) {
		(void)!write(fd, text, strlen(text));
		(void)!write(fd, "\n", 1);
	}
	free(text);
	json_decref(e);
	close(fd);
	if (ctl->refused_logged > 0 && now - ctl->refused_logged < CTL_REFUSED_LOG_S) {
		ctl->refused_quiet++;
		return;
	}
	if (ctl->refused_quiet)
		log_warnx("ctl: uid=%u pid=%d: %s: connection refused (and %u more since the "
			  "last message)", (unsigned)cred->uid, (int)cred->pid, why,
			  ctl->refused_quiet);
	else
		log_warnx("ctl: uid=%u pid=%d: %s: connection refused", (unsigned)cred->uid,
			  (int)cred->pid, why);
	ctl->refused_logged = now;
	ctl->refused_quiet = 0;
}

static void on_accept_pause(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl *ctl = w->data;

	(void)revents;
	ev_io_start(loop, &ctl->w);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl *ctl = w->data;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct client *c;
	int fd;

	(void)revents;
	fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* the connection stays queued, the socket readable */
			if (!ctl->accept_failing)
				log_warnx("ctl: cannot accept clients: %s: trying again every %.1fs",
					  strerror(errno), CTL_ACCEPT_PAUSE_S);
			ctl->accept_failing = true;
			ev_io_stop(loop, &ctl->w);
			ev_timer_set(&ctl->accept_pause, CTL_ACCEPT_PAUSE_S, 0);
			ev_timer_start(loop, &ctl->accept_pause);
		}
		return;
	}
	if (ctl->accept_failing) {
		log_notice("ctl: accepting clients again");
		ctl->accept_failing = false;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		close(fd);
		return;
	}
	/* root's (pppd's hooks) may take any slot; the others, all of them
	 * together, at most ACD_CLIENTS_USER_MAX */
	if (ctl->nclients >= ACD_CLIENTS_MAX ||
	    (cred.uid != 0 && ctl->nusers >= ACD_CLIENTS_USER_MAX)) {
		refuse_busy(ctl, fd, &cred, ctl->nclients < ACD_CLIENTS_MAX);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	c->uid = cred.uid;
	c->pid = cred.pid;
	snprintf(c->by, sizeof(c->by), "uid:%u", (unsigned)cred.uid);
	ev_io_init(&c->rw, on_read, fd, EV_READ);
	ev_io_init(&c->ww, on_write, fd, EV_WRITE);
	ev_init(&c->idle, on_idle);
	c->idle.repeat = CTL_IDLE_S;
	c->rw.data = c->ww.data = c->idle.data = c;
	ev_io_start(loop, &c->rw);
	ev_timer_again(loop, &c->idle);
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->nclients++;
	ctl->nusers += c->uid != 0;
}

struct ctl *ctl_open(struct acd *a, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *ctl = calloc(1, sizeof(*ctl));
	char dir[108], *slash;
	mode_t old;

	if (!ctl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctl->a = a;
	snprintf(ctl->path, sizeof(ctl->path), "%s", a->cfg.socket);
	snprintf(dir, sizeof(dir), "%s", ctl->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", ctl->path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		free(ctl);
		return NULL;
	}
	/* a socket file left by a crash: only remove it if nobody answers */
	if (connect(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		snprintf(err, errlen, "%s: another acd is running (it answered)", ctl->path);
		close(ctl->fd);
		free(ctl);
		return NULL;
	}
	(void)unlink(ctl->path);
	old = umask(0117); /* 0660 */
	if (bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		snprintf(err, errlen, "%s: cannot bind: %s", ctl->path, strerror(errno));
		close(ctl->fd);
		free(ctl);
		return NULL;
	}
	umask(old);
	if (chmod(ctl->path, 0660) < 0 ||
	    (a->cfg.socket_group[0] && chown(ctl->path, (uid_t)-1, a->cfg.socket_gid) < 0) ||
	    listen(ctl->fd, 64) < 0) {
		snprintf(err, errlen, "%s: %s", ctl->path, strerror(errno));
		close(ctl->fd);
		unlink(ctl->path);
		free(ctl);
		return NULL;
	}
	ev_io_init(&ctl->w, on_accept, ctl->fd, EV_READ);
	ctl->w.data = ctl;
	ev_init(&ctl->accept_pause, on_accept_pause);
	ctl->accept_pause.data = ctl;
	ev_io_start(a->loop, &ctl->w);
	return ctl;
}

int ctl_set_group(struct ctl *ctl, gid_t gid)
{
	/* the path, not the fd: fchown on a socket does not reach its file */
	return lchown(ctl->path, (uid_t)-1, gid) < 0 ? -errno : 0;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	while (ctl->clients)
		client_free(ctl->clients);
	ev_io_stop(ctl->a->loop, &ctl->w);
	ev_timer_stop(ctl->a->loop, &ctl->accept_pause);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
