/*
 * cmd.c - the control commands: the handlers of the table's commands
 * (cmdtab.c), the requests' parsers (a JSON line from the socket, a text
 * line from telnet) and the dispatch, which runs a command only for a peer
 * its permission admits.  The socket server is ctl.c, telnet telnet.c.
 * Each command that changes something logs who asked (by=).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "acd.h"
#include "reload.h"
#include "cmdtab.h"
#include "ctl.h"
#include "errfmt.h"
#include "log.h"
#include "natmon.h"
#include "outbuf.h"
#include "ipv6.h"
#include "pppoe.h"
#include "proto.h"
#include "rtnl.h"
#include "state.h"

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
	verrfmt(r->error, sizeof(r->error), fmt, ap);
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
	s = session_find(&a->sess, id, &n);
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

/* Every link's counters from one dump (rtnl.h: acd's one rtnetlink
 * owner, no socket of ours per request); none when it fails, and then the
 * counters read 0. */
struct ctrs {
	struct link_stat *v;            /* sorted by ifindex */
	size_t n;
};

static void ctrs_read(struct acd *a, struct ctrs *t)
{
	ssize_t n = rtnl_counters_all(a->rtnl, &t->v);

	t->n = n > 0 ? (size_t)n : 0;
}

static void add_counters(json_t *o, const struct link_counters *c)
{
	/* rx on the AC side is the subscriber's upload */
	json_object_set_new(o, "rx_bytes", json_integer(c ? (json_int_t)c->rx_bytes : 0));
	json_object_set_new(o, "tx_bytes", json_integer(c ? (json_int_t)c->tx_bytes : 0));
}

/* One row of show sessions: the record and its link counters. */
static json_t *session_row(const struct session *s, const struct ctrs *t)
{
	const struct link_stat *ls = rtnl_counters_find(t->v, t->n, s->ifindex);
	json_t *o = session_json(s, false);

	add_counters(o, ls ? &ls->c : NULL);
	return o;
}

static int cmd_show_sessions(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	struct ctrs t;
	json_t *arr = json_array();
	struct session *s;

	(void)p;
	(void)args;
	ctrs_read(a, &t);
	for (s = a->sess.list; s; s = s->next)
		json_array_append_new(arr, session_row(s, &t));
	free(t.v);
	r->data = arr;
	return 0;
}

static json_t *shaper_state_json(struct acd *a, struct session *s)
{
	struct shaper_state st;
	json_t *o = json_object();

	if (!a->sh) { /* an acd without netlink: a unit test's */
		json_object_set_new(o, "error", json_string("no shaper"));
		return o;
	}
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
	json_object_set_new(o, "down_leaf", json_string(shaper_leaf_name(st.policy.down.leaf)));
	json_object_set_new(o, "up_mode", json_string(shaper_upmode_name(st.policy.upmode)));
	json_object_set_new(o, "up_qdisc", json_string(shaper_qdisc_name(st.policy.up.qdisc)));
	json_object_set_new(o, "up_leaf", json_string(shaper_leaf_name(st.policy.up.leaf)));
	json_object_set_new(o, "up_drops", json_integer((json_int_t)st.up.drops));
	json_object_set_new(o, "ifb", json_string(st.ifb));
	return o;
}

static int cmd_show_session(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);
	struct link_counters c;

	(void)p;
	if (!s)
		return -1;
	r->data = session_json(s, true);
	/* one link, not a dump of all of them; a link just gone has its last
	 * counters (1) */
	add_counters(r->data, rtnl_counters(a->rtnl, s->ifindex, &c) >= 0 ? &c : NULL);
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
	char err[256];
	json_t *j;
	int rc;

	if (session_override(&a->sess, s, ov, down, up, err, sizeof(err)) < 0)
		return fail(r, ACD_E_SHAPER, "%s", err);
	r->data = json_object();
	rc = state_save(a);
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
	json_decref(j);
	return 0;
}

static int cmd_shaper_set(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);
	uint64_t down, up;

	if (!s || rate_arg(args, "down", &down, r) < 0 || rate_arg(args, "up", &up, r) < 0)
		return -1;
	log_info("sess=%s user=%s event=override down=%" PRIu64 " up=%" PRIu64 " by=%s", s->ifname,
		 s->user, down, up, p->by);
	return reshape(a, s, true, down, up, r);
}

static int cmd_shaper_restore(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);

	if (!s)
		return -1;
	log_info("sess=%s user=%s event=override-restore by=%s", s->ifname, s->user, p->by);
	return reshape(a, s, false, 0, 0, r);
}

static int cmd_terminate(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	struct session *s = lookup(a, args, r);
	char err[256];
	int rc;

	if (!s)
		return -1;
	log_info("sess=%s user=%s event=terminate-request by=%s", s->ifname, s->user, p->by);
	rc = session_terminate(&a->sess, s, "admin-reset", err, sizeof(err));
	if (rc < 0)
		return fail(r, rc == -ESRCH ? ACD_E_NOENT : ACD_E_PERM, "%s", err);
	r->data = json_pack("{s:s,s:i}", "ifname", s->ifname, "pppd_pid", (int)s->pppd_pid);
	return 0;
}

static int cmd_show_stat(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	(void)p;
	(void)args;
	r->data = json_pack("{s:I,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:i,s:o}",
			    "uptime", (json_int_t)(time(NULL) - a->started),
			    "sessions", (int)a->sess.n,
			    "sessions_up", (json_int_t)a->sess.up,
			    "sessions_down", (json_int_t)a->sess.down,
			    "sessions_vanished", (json_int_t)a->sess.vanished,
			    "hook_errors", (json_int_t)a->stats.hook_errors,
			    "shaper_errors", (json_int_t)a->stats.shaper_errors,
			    "radattr_errors", (json_int_t)a->stats.radattr_errors,
			    "requests", (json_int_t)a->stats.requests,
			    "bad_requests", (json_int_t)a->stats.bad_requests,
			    "last_error", a->stats.last_error,
			    "protocol", ACD_PROTO_VERSION,
			    "hook_latency", lat_json(&a->stats.hook));
	json_object_set_new(r->data, "events",
		json_pack("{s:I,s:I,s:I}", "hook", (json_int_t)a->stats.events_hook,
			  "plugin", (json_int_t)a->stats.events_plugin,
			  "repeats", (json_int_t)a->sess.repeats));
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

static int cmd_show_nat64(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	(void)p;
	(void)args;
	r->data = natmon_json(a->nat, true);
	return 0;
}

static int cmd_show_pppoe(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	(void)p;
	(void)args;
	r->data = pppoe_stat_json(a->pppoe);
	return 0;
}

static int cmd_show_ipv6(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	(void)p;
	(void)args;
	r->data = a->ipv6 ? ipv6_json(a->ipv6) : json_pack("{s:b}", "enabled", false);
	return r->data ? 0 : -ENOMEM;
}

/* The arguments acd.so adds to a hook request (pppd-plugin/README.md):
 * "via" ("hook" or "plugin"), "sid" (1..65534), "radattr" (radattr text,
 * plugin only).  -1 with the refusal in r when one is malformed. */
static int hook_via(json_t *args, struct session_req *q, struct reply *r)
{
	json_t *via = json_object_get(args, "via"), *sid = json_object_get(args, "sid");
	json_t *ra = json_object_get(args, "radattr");
	const char *v = json_string_value(via);

	q->via = SESSION_VIA_HOOK;
	if (via && (!v || (strcmp(v, "hook") != 0 && strcmp(v, "plugin") != 0))) {
		fail(r, ACD_E_ARGS, "hook: via must be \"hook\" or \"plugin\"");
		return -1;
	}
	if (v && strcmp(v, "plugin") == 0)
		q->via = SESSION_VIA_PLUGIN;
	if ((sid || ra) && q->via != SESSION_VIA_PLUGIN) {
		fail(r, ACD_E_ARGS, "hook: sid and radattr come with via \"plugin\" only");
		return -1;
	}
	if (sid && (!json_is_integer(sid) || json_integer_value(sid) < 1 ||
		    json_integer_value(sid) > 65534)) {
		fail(r, ACD_E_ARGS, "hook: sid must be a PPPoE session id, 1 to 65534");
		return -1;
	}
	q->sid = sid ? (unsigned)json_integer_value(sid) : 0;
	if (ra) {
		/* the text a radattr file would hold; a NUL inside is refused
		 * by its parser when the policy is read, as in a file */
		if (!json_is_string(ra) || json_string_length(ra) > RADATTR_MAX_BYTES) {
			fail(r, ACD_E_ARGS, "hook: radattr must be a string of at most %u bytes",
			     RADATTR_MAX_BYTES);
			return -1;
		}
		q->radattr = json_string_value(ra);
		q->radattr_len = json_string_length(ra);
	}
	return 0;
}

static int cmd_hook(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	const char *event = arg_str(args, "event");
	json_t *argv = json_object_get(args, "argv"), *env = json_object_get(args, "env");
	struct session_req q = { 0 };
	char err[512] = "";
	uint64_t t0 = lat_now(), ups = a->sess.up;
	int rc;

	(void)p; /* root's alone, as the table says */
	if (!event || !json_is_array(argv) || (env && !json_is_object(env)))
		return fail(r, ACD_E_ARGS, "hook needs event, argv (array) and env (object)");
	if (hook_via(args, &q, r) < 0)
		return -1;
	env = env ? json_incref(env) : json_object();
	q.event = event;
	q.argv = argv;
	q.env = env;
	rc = session_event(&a->sess, &q, err, sizeof(err));
	json_decref(env);
	lat_add(&a->stats.hook, t0);
	if (q.via == SESSION_VIA_PLUGIN)
		a->stats.events_plugin++;
	else
		a->stats.events_hook++;
	if (a->sess.up != ups) /* this hook made a session */
		lat_add(&a->stats.setup, t0);
	if (rc < 0) {
		a->stats.hook_errors++;
		snprintf(a->stats.last_error, sizeof(a->stats.last_error), "%s", err);
		return fail(r, rc == -ENOENT ? ACD_E_NOENT : rc == -EIO ? ACD_E_SHAPER : ACD_E_ARGS,
			    "%s", err);
	}
	/* a repeat says so: the other path (or an earlier delivery) applied it */
	r->data = q.repeat ? json_pack("{s:b}", "repeat", true) : json_object();
	return 0;
}

static int cmd_reload(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	char err[2048];

	(void)args;
	log_notice("reload: requested by=%s", p->by);
	if (acd_reload(a, err, sizeof(err)) < 0)
		return fail(r, ACD_E_CONFIG, "%s", err);
	r->data = json_pack("{s:i}", "sessions", (int)a->sess.n);
	return 0;
}

static int cmd_monitor(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r)
{
	(void)a;
	(void)args;
	p->monitor = true; /* the server sends it the events from now on */
	r->data = json_object();
	return 0;
}

typedef int handler(struct acd *a, struct ctl_peer *p, json_t *args, struct reply *r);

/* each command of the table (cmdtab.c), by its index */
static handler *const handlers[CMD_COUNT] = {
	[CMD_SHOW_SESSIONS] = cmd_show_sessions,
	[CMD_SHOW_SESSION] = cmd_show_session,
	[CMD_SHOW_STAT] = cmd_show_stat,
	[CMD_SHOW_NAT64] = cmd_show_nat64,
	[CMD_SHOW_PPPOE] = cmd_show_pppoe,
	[CMD_SHOW_IPV6] = cmd_show_ipv6,
	[CMD_SHAPER_SET] = cmd_shaper_set,
	[CMD_SHAPER_RESTORE] = cmd_shaper_restore,
	[CMD_TERMINATE] = cmd_terminate,
	[CMD_RELOAD] = cmd_reload,
	[CMD_MONITOR] = cmd_monitor,
	[CMD_HOOK] = cmd_hook,
};

const char *ctl_unbound_command(void)
{
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (!handlers[i])
			return cmd_table[i].name;
	return NULL;
}

/* ---- parsing and dispatch ---- */

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

/* "terminate ppp0", "hook ip-up": the command and its first argument, for
 * the log */
static void what(const struct cmd *k, json_t *args, char *buf, size_t len)
{
	char first[32];
	const char *v;

	errfmt(first, sizeof(first), "%.*s", (int)strcspn(k->args, " ."), k->args);
	v = first[0] ? arg_str(args, first) : NULL;
	errfmt(buf, len, "%s%s%.64s", k->name, v ? " " : "", v ? v : "");
}

json_t *ctl_execute(struct acd *a, struct ctl_peer *p, const char *cmd, json_t *args, char *err,
		    size_t errlen, const char **code)
{
	const struct cmd *k = cmd_named(cmd);
	struct reply r = { 0 };
	char w[128];

	a->stats.requests++;
	if (!k) {
		errfmt(err, errlen, "unknown command \"%.64s\"", cmd);
		*code = ACD_E_CMD;
		return NULL;
	}
	if (!cmd_permits(k, p->perm)) {
		what(k, args, w, sizeof(w));
		log_warnx("ctl: %s refused: by=%s pid=%d: needs %s", w, p->by, (int)p->pid,
			  cmd_perm_name(k->perm));
		cmd_refusal(k, a->cfg.admin_group, err, errlen);
		*code = ACD_E_PERM;
		return NULL;
	}
	if (handlers[k - cmd_table](a, p, args, &r) < 0 || r.code) {
		errfmt(err, errlen, "%s", r.error);
		*code = r.code ? r.code : ACD_E_ARGS;
		json_decref(r.data);
		return NULL;
	}
	return r.data ? r.data : json_null();
}

int ctl_stream_sessions(struct acd *a, struct outbuf *out, size_t max)
{
	struct ctrs t;
	char head[64];
	struct session *s;
	int rc, n;

	ctrs_read(a, &t);
	n = snprintf(head, sizeof(head), "{\"v\":%d,\"ok\":true,\"data\":[", ACD_PROTO_VERSION);
	rc = outbuf_add(out, head, (size_t)n, max);
	for (s = a->sess.list; s && rc == 0; s = s->next) {
		json_t *o = session_row(s, &t);
		char *text = json_dumps(o, JSON_COMPACT);

		json_decref(o);
		rc = text ? outbuf_add(out, text, strlen(text), max) : -1;
		free(text);
		if (rc == 0 && s->next)
			rc = outbuf_add(out, ",", 1, max);
	}
	free(t.v);
	if (rc == 0)
		rc = outbuf_add(out, "]}\n", 3, max);
	return rc;
}
