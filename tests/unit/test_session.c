/*
 * The session core (acd/session.h) without root: every transition, the
 * event it emits and what it does to the world, through the effects in
 * sessfake.c.  Hooks as pppd sends them, a link gone and its grace,
 * terminate, the precedence of override over CoA over RADIUS, adoption,
 * and reconciling against a saved state.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "session.h"
#include "sessfake.h"

static struct acd_config cfg;
static struct fake F;
static struct recorder R;
static struct sessions T;
static struct ev_loop *loop;

static int setup(void **state)
{
	(void)state;
	config_defaults(&cfg);
	memset(&F, 0, sizeof(F));
	memset(&R, 0, sizeof(R));
	loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(loop);
	sessions_init(&T, loop, &cfg, &fake_fx, &F);
	recorder_listen(&T, &R);
	fake_link(&F, "ppp0", 10);
	fake_link(&F, "ppp1", 11);
	fake_radattr(&F, "ppp0", "alice", 10000000, 2000000);
	fake_pppd(&F, 4242);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sessions_free(&T);
	ev_loop_destroy(loop);
	return 0;
}

/* pppd's hook: ip-up IFNAME TTY SPEED LOCAL REMOTE (ipv6-up: link-locals) */
static int hook_env(const char *event, const char *ifname, const char *local,
		    const char *remote, json_t *env, char *err)
{
	json_t *argv = json_pack("[s,s,s,s,s,s]", ifname, "/dev/pts/1", "0", local, remote, "");
	int rc;

	err[0] = '\0';
	rc = session_hook(&T, event, argv, env, err, 256);
	json_decref(argv);
	json_decref(env);
	return rc;
}

static int hook(const char *event, const char *ifname, const char *local, const char *remote)
{
	char err[256];

	return hook_env(event, ifname, local, remote,
			json_pack("{s:s,s:s,s:s}", "PEERNAME", "alice", "MACREMOTE",
				  "02:00:00:00:00:01", "PPPD_PID", "4242"),
			err);
}

/* acd.so's event: via "plugin", pppd 4242, with radattr ("down N up N"
 * for the fake policy) or NULL */
static int plugin_pid(const char *event, const char *ifname, const char *remote,
		      const char *radattr, const char *pid, bool *repeat)
{
	json_t *argv = json_pack("[s,s,s,s,s]", ifname, "eth1", "0",
				 strchr(remote, ':') ? "fe80::1" : "10.0.0.1", remote);
	json_t *env = json_pack("{s:s,s:s,s:s}", "PEERNAME", "alice", "MACREMOTE",
				"02:00:00:00:00:01", "PPPD_PID", pid);
	struct session_req r = { .event = event, .argv = argv, .env = env,
				 .via = SESSION_VIA_PLUGIN, .sid = 7, .radattr = radattr,
				 .radattr_len = radattr ? strlen(radattr) : 0 };
	char err[256] = "";
	int rc = session_event(&T, &r, err, sizeof(err));

	json_decref(argv);
	json_decref(env);
	if (repeat)
		*repeat = r.repeat;
	return rc;
}

static int plugin(const char *event, const char *ifname, const char *remote,
		  const char *radattr, bool *repeat)
{
	return plugin_pid(event, ifname, remote, radattr, "4242", repeat);
}

static void assert_event(unsigned i, enum session_event_type type, const char *ifname)
{
	assert_true(R.n > i);
	assert_string_equal(session_event_name(R.ev[i].type), session_event_name(type));
	assert_string_equal(R.ev[i].ifname, ifname);
}

static void test_up(void **state)
{
	struct session *s;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(R.n, 1);
	assert_event(0, SESSION_UP, "ppp0");
	s = session_by_ifname(&T, "ppp0");
	assert_non_null(s);
	assert_ptr_equal(session_by_ifindex(&T, 10), s);
	assert_string_equal(s->user, "alice");
	assert_string_equal(s->ip, "10.0.0.2");
	assert_string_equal(s->local_ip, "10.0.0.1");
	assert_string_equal(s->mac, "02:00:00:00:00:01");
	assert_int_equal(s->pppd_pid, 4242);
	assert_string_equal(s->radius_src, "RP-Downstream-Speed-Limit");
	assert_true(s->shaped);
	assert_int_equal(F.last_ifindex, 10);
	assert_int_equal(F.last.down.rate, 10000000);
	assert_int_equal(F.last.up.rate, 2000000);
	assert_int_equal(s->applied.down.rate, 10000000);
	assert_int_equal(T.n, 1);
	assert_int_equal(T.up, 1);
	assert_int_equal(strlen(s->acct_session_id), 16);
}

/* ipv6-up after ip-up: the same session, its address new to listeners;
 * a repeated hook with the same address is not news */
static void test_second_protocol(void **state)
{
	struct session *s;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	/* pppd writes link-locals with leading zeros; kept canonical */
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::1cc0:5c66:1e85:0446"), 0);
	assert_int_equal(R.n, 2);
	assert_event(1, SESSION_PROTO_UP, "ppp0");
	assert_true(R.ev[1].addr_changed);
	s = session_by_ifname(&T, "ppp0");
	assert_string_equal(s->ipv6_ll, "fe80::1cc0:5c66:1e85:446");
	assert_int_equal(T.n, 1);
	assert_int_equal(T.up, 1);
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_event(2, SESSION_PROTO_UP, "ppp0");
	assert_false(R.ev[2].addr_changed);
}

/* One protocol down: the session goes on; the last one down ends it. */
static void test_protocol_down(void **state)
{
	struct session *s;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2"), 0);
	assert_int_equal(hook("ip-down", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_event(2, SESSION_PROTO_DOWN, "ppp0");
	assert_string_equal(R.ev[2].proto, "ipv4");
	s = session_by_ifname(&T, "ppp0");
	assert_non_null(s);
	assert_string_equal(s->ip, "");
	assert_string_equal(s->local_ip, "");
	assert_string_equal(s->ipv6_ll, "fe80::2");
	assert_int_equal(F.clears, 0);
	assert_int_equal(hook("ipv6-down", "ppp0", "fe80::1", "fe80::2"), 0);
	assert_event(3, SESSION_DOWN, "ppp0");
	assert_string_equal(R.ev[3].cause, "ipv6-down");
	assert_null(session_by_ifname(&T, "ppp0"));
	assert_null(session_by_ifindex(&T, 10));
	assert_int_equal(F.clears, 1);
	assert_int_equal(T.n, 0);
	assert_int_equal(T.down, 1);
	/* the other down hook pppd runs as it exits: already done */
	assert_int_equal(hook("ip-down", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(R.n, 4);
}

/* A bad request changes no session and says what was wrong. */
static void test_bad_requests(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(hook("ip-sideways", "ppp0", "10.0.0.1", "10.0.0.2"), -EINVAL);
	assert_int_equal(hook("ip-up", "../etc", "10.0.0.1", "10.0.0.2"), -EINVAL);
	assert_int_equal(hook("ip-up", "ppp0123456789abcdef", "10.0.0.1", "10.0.0.2"), -EINVAL);
	assert_int_equal(hook_env("ip-up", "ppp0", "10.0.0.1", "10.0.0.2",
				  json_pack("{s:s}", "PPPD_PID", "12ab"), err),
			 -EINVAL);
	assert_non_null(strstr(err, "PPPD_PID \"12ab\" is not a process id"));
	assert_non_null(strstr(err, "no session changed"));
	assert_int_equal(hook_env("ip-up", "ppp0", "10.0.0.1", "10.0.0.2",
				  json_pack("{s:i}", "PPPD_PID", 12), err),
			 -EINVAL);
	assert_int_equal(hook("ip-up", "ppp7", "10.0.0.1", "10.0.0.2"), -ENODEV);
	/* addresses that are not ones are not kept */
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2; reboot"), 0);
	assert_string_equal(session_by_ifname(&T, "ppp0")->ip, "");
	assert_int_equal(R.n, 1);
}

/* The shaper refuses: the session exists, says why, and pppd carries on. */
static void test_shape_fails(void **state)
{
	char err[256];
	struct session *s;

	(void)state;
	F.shape_fails = true;
	assert_int_equal(hook_env("ip-up", "ppp0", "10.0.0.1", "10.0.0.2", json_object(), err),
			 -EIO);
	assert_string_equal(err, "ppp0: the kernel said no");
	s = session_by_ifname(&T, "ppp0");
	assert_non_null(s);
	assert_false(s->shaped);
	assert_string_equal(s->shape_err, "ppp0: the kernel said no");
	assert_event(0, SESSION_UP, "ppp0");
}

/* A record of an earlier link with the same name ends as "replaced". */
static void test_replaced(void **state)
{
	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	F.links[0].ifindex = 20;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_event(1, SESSION_DOWN, "ppp0");
	assert_string_equal(R.ev[1].cause, "replaced");
	assert_event(2, SESSION_UP, "ppp0");
	assert_int_equal(session_by_ifname(&T, "ppp0")->ifindex, 20);
	assert_null(session_by_ifindex(&T, 10));
	assert_int_equal(T.n, 1);
}

/* The link goes: its ip-down within the grace ends it as "ip-down"
 * (nothing left to clear); without one, it vanishes. */
static void test_gone(void **state)
{
	struct session *s;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(hook("ip-up", "ppp1", "10.0.1.1", "10.0.1.2"), 0);
	session_gone(&T, session_by_ifname(&T, "ppp0"));
	assert_event(2, SESSION_GONE, "ppp0");
	assert_int_equal(F.gcs, 1);
	assert_false(session_by_ifname(&T, "ppp0")->shaped);
	session_gone(&T, session_by_ifname(&T, "ppp0")); /* twice is once */
	assert_int_equal(R.n, 3);
	assert_int_equal(hook("ip-down", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_event(3, SESSION_DOWN, "ppp0");
	assert_string_equal(R.ev[3].cause, "ip-down");
	assert_int_equal(F.clears, 0);
	s = session_by_ifname(&T, "ppp1");
	session_gone(&T, s);
	assert_true(ev_is_active(&s->gone_timer));
	ev_invoke(loop, &s->gone_timer, EV_TIMER); /* the grace is over */
	assert_event(5, SESSION_DOWN, "ppp1");
	assert_string_equal(R.ev[5].cause, "vanished");
	assert_int_equal(T.vanished, 1);
	assert_int_equal(T.n, 0);
}

/* terminate: only a pppd, and its cause outlives the ip-down it brings. */
static void test_terminate(void **state)
{
	struct session *s;
	char err[256];

	(void)state;
	assert_int_equal(hook_env("ip-up", "ppp1", "10.0.1.1", "10.0.1.2", json_object(), err), 0);
	s = session_by_ifname(&T, "ppp1");
	assert_int_equal(session_terminate(&T, s, "admin-reset", err, sizeof(err)), -ESRCH);
	assert_non_null(strstr(err, "pid is unknown"));
	s->pppd_pid = 999;
	assert_int_equal(session_terminate(&T, s, "admin-reset", err, sizeof(err)), -ESRCH);
	assert_non_null(strstr(err, "not pppd any more"));
	s->pppd_pid = 4242;
	F.kill_fails = true;
	assert_int_equal(session_terminate(&T, s, "admin-reset", err, sizeof(err)), -EPERM);
	assert_string_equal(s->terminate_cause, "");
	F.kill_fails = false;
	assert_int_equal(session_terminate(&T, s, "admin-reset", err, sizeof(err)), 0);
	assert_int_equal(F.killed, 4242);
	assert_int_equal(hook("ip-down", "ppp1", "10.0.1.1", "10.0.1.2"), 0);
	assert_event(1, SESSION_DOWN, "ppp1");
	assert_string_equal(R.ev[1].cause, "admin-reset");
}

/* What applies: an override, else a CoA's rates, else RADIUS's. */
static void test_precedence(void **state)
{
	struct session *s;
	char err[256];
	json_t *j;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	s = session_by_ifname(&T, "ppp0");
	assert_int_equal(session_coa(&T, s, 20000000, 4000000, "coa:RP-Downstream-Speed-Limit",
				     err, sizeof(err)),
			 0);
	assert_event(1, SESSION_POLICY, "ppp0");
	assert_int_equal(F.last.down.rate, 20000000);
	assert_string_equal(s->radius_src, "coa:RP-Downstream-Speed-Limit");
	assert_int_equal(session_override(&T, s, true, 1000000, 500000, err, sizeof(err)), 0);
	assert_event(2, SESSION_OVERRIDE, "ppp0");
	assert_int_equal(F.last.down.rate, 1000000);
	assert_int_equal(F.last.up.rate, 500000);
	/* a CoA under an override changes what returns after it */
	assert_int_equal(session_coa(&T, s, 30000000, 6000000, "coa:RP-Downstream-Speed-Limit",
				     err, sizeof(err)),
			 0);
	assert_int_equal(F.last.down.rate, 1000000);
	assert_int_equal(s->applied.down.rate, 1000000);
	assert_int_equal(s->radius_down, 30000000);
	/* so does the next hook (the radattr file is older than the CoA) */
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(F.last.down.rate, 1000000);
	assert_int_equal(session_override(&T, s, false, 0, 0, err, sizeof(err)), 0);
	assert_event(5, SESSION_RESTORED, "ppp0");
	assert_int_equal(F.last.down.rate, 30000000);
	assert_int_equal(F.last.up.rate, 6000000);
	j = session_json(s, false);
	assert_string_equal(json_string_value(json_object_get(j, "source")),
			    "coa:RP-Downstream-Speed-Limit");
	assert_int_equal(json_integer_value(json_object_get(j, "down")), 30000000);
	json_decref(j);
}

/* The shaper refuses an override or a CoA: the session as it was, no event. */
static void test_refused_change(void **state)
{
	struct session *s;
	char err[256];

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	s = session_by_ifname(&T, "ppp0");
	F.shape_fails = true;
	assert_int_equal(session_override(&T, s, true, 1000000, 1000000, err, sizeof(err)), -EIO);
	assert_string_equal(err, "ppp0: the kernel said no");
	assert_false(s->override);
	assert_int_equal(s->ov_down, 0);
	assert_int_equal(session_coa(&T, s, 5000000, 1000000, "coa:X", err, sizeof(err)), -EIO);
	assert_false(s->coa);
	assert_int_equal(s->radius_down, 10000000);
	assert_string_equal(s->radius_src, "RP-Downstream-Speed-Limit");
	assert_int_equal(R.n, 1);
}

static void test_find(void **state)
{
	int n;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(hook("ip-up", "ppp1", "10.0.1.1", "10.0.1.2"), 0);
	assert_int_equal(hook("ipv6-up", "ppp1", "fe80::1", "fe80::a:b"), 0);
	assert_string_equal(session_find(&T, "ppp1", &n)->ifname, "ppp1");
	assert_int_equal(n, 1);
	assert_string_equal(session_find(&T, "10.0.0.2", &n)->ifname, "ppp0");
	assert_string_equal(session_find(&T, "FE80:0:0::A:B", &n)->ifname, "ppp1");
	assert_int_equal(n, 1);
	assert_non_null(session_find(&T, "alice", &n));
	assert_int_equal(n, 2);
	assert_null(session_find(&T, "bob", &n));
	assert_int_equal(n, 0);
}

/* Links whose hook never came: those with an address become sessions. */
static void test_adopt(void **state)
{
	struct fake_link *l = fake_link(&F, "ppp2", 12);
	int only[] = { 11, 12, 99 };
	struct session *s;

	(void)state;
	snprintf(l->local, sizeof(l->local), "10.0.2.1");
	snprintf(l->peer, sizeof(l->peer), "10.0.2.2");
	snprintf(l->route_ll, sizeof(l->route_ll), "fe80::2:2");
	fake_radattr(&F, "ppp2", "carol", 0, 0);
	F.pid_files[2] = 4343;
	F.links[1].has_addr = false; /* ppp1 still negotiating */
	assert_int_equal(session_adopt(&T, only, 3), 1);
	assert_int_equal(R.n, 1);
	assert_event(0, SESSION_ADOPTED, "ppp2");
	s = session_by_ifname(&T, "ppp2");
	assert_string_equal(s->user, "carol");
	assert_string_equal(s->ip, "10.0.2.2");
	assert_string_equal(s->local_ip, "10.0.2.1");
	assert_string_equal(s->ipv6_ll, "fe80::2:2");
	assert_int_equal(s->pppd_pid, 4343);
	assert_string_equal(s->radius_src, "default");
	assert_true(s->shaped);
	assert_int_equal(T.up, 1);
	/* again: it has its session now */
	assert_int_equal(session_adopt(&T, only, 3), 0);
}

/* At start-up: a saved record comes back when its ifindex still matches;
 * else what the kernel and pppd's files say. */
static void test_reconcile(void **state)
{
	json_t *saved = json_pack(
		"{s:{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:i,s:i,s:s,s:i,s:i},"
		" s:{s:s,s:i,s:s,s:s}}",
		"ppp0", "ifname", "ppp0", "ifindex", 10, "user", "alice", "ip", "10.0.0.2",
		"local_ip", "10.0.0.1", "ipv6", "fe80::0001", "mac", "02:00:00:00:00:01",
		"pppd_pid", 4242, "started", 1700000000, "acct_session_id", "6553F10000010001",
		"coa_down", 20000000, "coa_up", 4000000, "coa_source", "coa:RP-Downstream-Speed-Limit",
		"override_down", 1000000, "override_up", 1000000,
		"ppp1", "ifname", "ppp1", "ifindex", 5, "user", "mallory", "ip", "10.9.9.9");
	struct fake_link *l = &F.links[1];
	struct session *s;

	(void)state;
	/* a pppd still negotiating, no record of it up: not a session */
	fake_link(&F, "ppp7", 17)->has_addr = false;
	snprintf(l->local, sizeof(l->local), "10.0.1.1");
	snprintf(l->peer, sizeof(l->peer), "10.0.1.2");
	snprintf(l->route_ll, sizeof(l->route_ll), "fe80::1:2");
	fake_radattr(&F, "ppp1", "bob", 0, 0);
	F.pid_files[1] = 4343;
	assert_int_equal(session_reconcile(&T, saved), 2);
	assert_int_equal(R.n, 2);
	assert_event(0, SESSION_RECONCILED, "ppp0");
	assert_true(R.ev[0].saved);
	assert_event(1, SESSION_RECONCILED, "ppp1");
	assert_false(R.ev[1].saved);
	assert_int_equal(F.gcs, 1);
	assert_int_equal(T.up, 0); /* not new: found again */

	s = session_by_ifname(&T, "ppp0");
	assert_string_equal(s->user, "alice");
	assert_string_equal(s->ipv6_ll, "fe80::1");
	assert_int_equal(s->pppd_pid, 4242);
	assert_int_equal(s->started, 1700000000);
	assert_string_equal(s->acct_session_id, "6553F10000010001");
	assert_true(s->coa);
	assert_int_equal(s->radius_down, 20000000);
	assert_true(s->override);
	assert_int_equal(F.shapes, 2);
	assert_int_equal(s->applied.down.rate, 1000000);

	/* a record of another link (ifindex 5, not 11) is not this one's */
	s = session_by_ifname(&T, "ppp1");
	assert_string_equal(s->user, "bob");
	assert_string_equal(s->ip, "10.0.1.2");
	assert_string_equal(s->local_ip, "10.0.1.1");
	assert_string_equal(s->ipv6_ll, "fe80::1:2");
	assert_int_equal(s->pppd_pid, 4343);
	assert_false(s->override);
	assert_int_equal(F.peer_ll_dumps, 1);
	assert_null(session_by_ifname(&T, "ppp7"));
	/* again (idempotent): nothing new */
	assert_int_equal(session_reconcile(&T, saved), 0);
	assert_int_equal(T.n, 2);
	json_decref(saved);
}

/* Listeners hear every event in the order they registered; describe adds
 * a consumer's own fields to show session. */
static unsigned order[8], norder;

static void first(const struct session_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	order[norder++] = 1;
}

static void second(const struct session_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	order[norder++] = 2;
}

static void describe(const struct session *s, json_t *o, void *ctx)
{
	json_object_set_new(o, "ours", json_string(ctx));
	json_object_set_new(o, "ext", json_integer(s->ext[0] != NULL));
}

static void test_listeners(void **state)
{
	struct session_listener a = { .event = first, .describe = describe, .ctx = "yes" };
	struct session_listener b = { .event = second };
	json_t *j;
	int slot = session_ext_slot(&T), i;

	(void)state;
	assert_int_equal(slot, 0);
	assert_int_equal(session_listen(&T, &a), 0);
	assert_int_equal(session_listen(&T, &b), 0);
	norder = 0;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	j = session_json(session_by_ifname(&T, "ppp0"), true);
	assert_string_equal(json_string_value(json_object_get(j, "ours")), "yes");
	json_decref(j);
	j = session_json(session_by_ifname(&T, "ppp0"), false);
	assert_null(json_object_get(j, "ours"));
	json_decref(j);
	for (i = 1; i < SESSION_EXT_MAX; i++)
		assert_int_equal(session_ext_slot(&T), i);
	assert_int_equal(session_ext_slot(&T), -ENOSPC);
	while (T.nlisteners < SESSION_LISTENERS_MAX)
		assert_int_equal(session_listen(&T, &b), 0);
	assert_int_equal(session_listen(&T, &b), -ENOSPC);
}


/* acd.so's up: the session says it came by the plugin and takes its
 * policy from the attributes it sent; the hook's same event after it is
 * a repeat and changes nothing */
static void test_plugin_up(void **state)
{
	struct session *s;
	bool repeat = true;
	unsigned shapes;
	json_t *o;

	(void)state;
	assert_int_equal(plugin("ip-up", "ppp0", "10.0.0.2", "down 30000000 up 5000000", &repeat),
			 0);
	assert_false(repeat);
	assert_event(0, SESSION_UP, "ppp0");
	s = session_by_ifname(&T, "ppp0");
	assert_int_equal(s->via, SESSION_VIA_PLUGIN);
	assert_int_equal(s->sid, 7);
	assert_string_equal(s->radius_src, "acd.so");
	assert_int_equal(s->applied.down.rate, 30000000);
	assert_int_equal(s->applied.up.rate, 5000000);
	o = session_json(s, true);
	assert_string_equal(json_string_value(json_object_get(o, "via")), "plugin");
	assert_int_equal(json_integer_value(json_object_get(o, "pppoe_sid")), 7);
	json_decref(o);
	shapes = F.shapes;
	/* the hook, pppd's ip-up script after the notifier: a repeat */
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(R.n, 1);
	assert_int_equal(F.shapes, shapes);
	assert_int_equal(T.repeats, 1);
	assert_int_equal(s->applied.down.rate, 30000000); /* not the radattr file's 10M */
	/* acd.so again (its reply was lost): a repeat too */
	assert_int_equal(plugin("ip-up", "ppp0", "10.0.0.2", "down 1 up 1", &repeat), 0);
	assert_true(repeat);
	assert_int_equal(R.n, 1);
	assert_int_equal(T.repeats, 2);
	assert_int_equal(s->applied.down.rate, 30000000); /* the first attributes stay */
	/* a new address is news, whichever path brings it */
	assert_int_equal(plugin("ip-up", "ppp0", "10.0.0.9", NULL, &repeat), 0);
	assert_false(repeat);
	assert_event(1, SESSION_PROTO_UP, "ppp0");
	assert_true(R.ev[1].addr_changed);
	assert_int_equal(T.up, 1);
}

/* the hook first (the radattr file's policy), then acd.so: a repeat that
 * brings the attributes, applied once, with no second up */
static void test_hook_then_plugin(void **state)
{
	struct session *s;
	bool repeat = false;

	(void)state;
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	s = session_by_ifname(&T, "ppp0");
	assert_int_equal(s->via, SESSION_VIA_HOOK);
	assert_int_equal(s->applied.down.rate, 10000000);
	assert_int_equal(plugin("ip-up", "ppp0", "10.0.0.2", "down 20000000 up 4000000", &repeat),
			 0);
	assert_true(repeat);
	assert_int_equal(R.n, 1);
	assert_int_equal(s->via, SESSION_VIA_HOOK);
	assert_int_equal(s->applied.down.rate, 20000000);
	assert_string_equal(s->radius_src, "acd.so");
}

/* both paths report both downs: each protocol goes down once */
static void test_plugin_downs(void **state)
{
	bool repeat = false;

	(void)state;
	assert_int_equal(plugin("ip-up", "ppp0", "10.0.0.2", NULL, NULL), 0);
	assert_int_equal(plugin("ipv6-up", "ppp0", "fe80::2", NULL, NULL), 0);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2"), 0);
	assert_int_equal(R.n, 2); /* up, proto-up; the hook's ipv6-up a repeat */
	assert_int_equal(plugin("ip-down", "ppp0", "10.0.0.2", NULL, &repeat), 0);
	assert_false(repeat);
	assert_event(2, SESSION_PROTO_DOWN, "ppp0");
	assert_int_equal(hook("ip-down", "ppp0", "10.0.0.1", "10.0.0.2"), 0);
	assert_int_equal(R.n, 3); /* not a second proto-down */
	assert_int_equal(T.repeats, 2);
	assert_int_equal(hook("ipv6-down", "ppp0", "fe80::1", "fe80::2"), 0);
	assert_event(3, SESSION_DOWN, "ppp0");
	assert_int_equal(plugin("ipv6-down", "ppp0", "fe80::2", NULL, NULL), 0);
	assert_int_equal(R.n, 4);
	assert_int_equal(T.n, 0);
}

/* a down acd.so delivers late, from the pppd before this one: it ends
 * nothing (the hook's down has no retries and stays as it was) */
static void test_plugin_stale_down(void **state)
{
	bool repeat = false;

	(void)state;
	assert_int_equal(plugin("ip-up", "ppp0", "10.0.0.2", NULL, NULL), 0);
	assert_int_equal(plugin_pid("ip-down", "ppp0", "10.0.0.2", NULL, "999", &repeat), 0);
	assert_true(repeat);
	assert_non_null(session_by_ifname(&T, "ppp0"));
	assert_int_equal(R.n, 1);
	assert_int_equal(plugin("ip-down", "ppp0", "10.0.0.2", NULL, &repeat), 0);
	assert_false(repeat);
	assert_event(1, SESSION_DOWN, "ppp0");
}

/* a session acd found at its start (acd was down when it came up): acd.so's
 * queued up is applied, with its attributes, not taken for a repeat */
static void test_plugin_after_reconcile(void **state)
{
	struct session *s;
	bool repeat = true;

	(void)state;
	F.pid_files[0] = 4242;
	snprintf(F.links[0].peer, sizeof(F.links[0].peer), "10.0.0.2");
	assert_int_equal(session_reconcile(&T, NULL), 2);
	s = session_by_ifname(&T, "ppp0");
	assert_non_null(s);
	assert_string_equal(s->ip, "10.0.0.2");
	assert_int_equal(s->pppd_pid, 4242);
	assert_int_equal(s->via, SESSION_VIA_NONE);
	assert_int_equal(plugin("ip-up", "ppp0", s->ip, "down 40000000 up 8000000", &repeat), 0);
	assert_false(repeat);
	assert_int_equal(s->applied.down.rate, 40000000);
	assert_int_equal(s->via, SESSION_VIA_PLUGIN); /* found first, its facts by acd.so */
	assert_true(s->plugin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shape_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listeners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_then_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_downs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_stale_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_after_reconcile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
