/*
 * The state file (acd/state.h) written and read back through the session
 * core: every field a session keeps across an acd restart survives the
 * round trip, a consumer's own part (accounting's, through a state_ext)
 * too, and a file the 0.1.0 release wrote is read whole and written
 * again byte for byte.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "acct_record.h"
#include "acd.h"
#include "log.h"
#include "sessfake.h"
#include "state.h"

#ifndef ACD_STATE_0_1_0
#error "ACD_STATE_0_1_0 (tests/unit/data/sessions-0.1.0.json) must be defined"
#endif

static struct acd A;
static struct fake F;
static char dir[64];

/* accounting's part of the record, kept here by ifindex as acct.c keeps
 * it in its ext slot */
static struct acct_saved acct_of[32];

static void take(const struct session *s, void *buf, void *ctx)
{
	(void)ctx;
	memcpy(buf, &acct_of[s->ifindex], sizeof(struct acct_saved));
}

static void put(const void *buf, json_t *rec, void *ctx)
{
	(void)ctx;
	acct_saved_json(buf, rec);
}

static void on_event(const struct session_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->type == SESSION_RECONCILED && ev->saved)
		acct_saved_from_json(ev->saved, &acct_of[ev->s->ifindex]);
}

static void table_new(void)
{
	const struct session_listener l = { .event = on_event };

	sessions_init(&A.sess, NULL, &A.cfg, &fake_fx, &F);
	assert_int_equal(session_listen(&A.sess, &l), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	memset(acct_of, 0, sizeof(acct_of));
	config_defaults(&A.cfg);
	snprintf(dir, sizeof(dir), "/tmp/acd-test-state.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(A.cfg.state_dir, sizeof(A.cfg.state_dir), "%s", dir);
	table_new();
	return 0;
}

/* the journal files in dir: sessions.journal and those set aside */
static unsigned journals(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "sessions.journal", 16) == 0;
	closedir(d);
	return n;
}

static int teardown(void **state)
{
	char path[384];
	struct dirent *e;
	DIR *d;

	(void)state;
	sessions_free(&A.sess);
	d = opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	assert_int_equal(rmdir(dir), 0);
	return 0;
}

static void hook(const char *event, const char *ifname, const char *user, const char *local,
		 const char *remote, const char *pid)
{
	json_t *argv = json_pack("[s,s,s,s,s,s]", ifname, "/dev/pts/1", "0", local, remote, "");
	json_t *env = json_pack("{s:s,s:s,s:s}", "PEERNAME", user, "MACREMOTE",
				"02:00:00:00:00:0a", "PPPD_PID", pid);
	char err[256];

	assert_int_equal(session_hook(&A.sess, event, argv, env, err, sizeof(err)), 0);
	json_decref(argv);
	json_decref(env);
}

/* Read dir's file back into a new table over the same links. */
static void restart(void)
{
	json_t *st = state_load(dir), *idx = state_index(st);

	assert_non_null(st);
	sessions_free(&A.sess);
	table_new();
	assert_int_equal(session_reconcile(&A.sess, idx), (int)F.nlinks);
	json_decref(idx);
	json_decref(st);
}

static void test_round_trip(void **state)
{
	struct session *s, before[3];
	const char *names[] = { "ppp0", "ppp1", "ppp2" };
	char err[256];
	int i;

	(void)state;
	fake_link(&F, "ppp0", 10);
	fake_link(&F, "ppp1", 11);
	fake_link(&F, "ppp2", 12);
	hook("ip-up", "ppp0", "alice", "10.0.0.1", "10.0.0.2", "100");
	hook("ipv6-up", "ppp0", "alice", "fe80::1", "fe80::2", "100");
	hook("ipv6-up", "ppp1", "bob \"the\" builder", "fe80::1", "fe80::b", "101");
	hook("ip-up", "ppp2", "carol", "10.0.2.1", "10.0.2.2", "102");
	s = session_by_ifname(&A.sess, "ppp1");
	assert_int_equal(session_coa(&A.sess, s, 2048000, 1024000, "coa:RP-Downstream-Speed-Limit",
				     err, sizeof(err)),
			 0);
	s = session_by_ifname(&A.sess, "ppp2");
	assert_int_equal(session_override(&A.sess, s, true, 3000000, 1000000, err, sizeof(err)), 0);
	s->started = 1700000000;
	acct_of[12] = (struct acct_saved){ .started = true, .multi_id = "6553F10000010001",
					   .period_start = 1700000100,
					   .base = { 1, 2, 3, 4 } };
	for (i = 0; i < 3; i++)
		before[i] = *session_by_ifname(&A.sess, names[i]);
	memset(acct_of, 0, sizeof(acct_of));
	acct_of[12] = (struct acct_saved){ .started = true, .multi_id = "6553F10000010001",
					   .period_start = 1700000100,
					   .base = { 1, 2, 3, 4 } };
	assert_int_equal(state_save(&A), 0);
	memset(acct_of, 0, sizeof(acct_of));

	restart();
	for (i = 0; i < 3; i++) {
		const struct session *b = &before[i];

		s = session_by_ifname(&A.sess, names[i]);
		assert_non_null(s);
		assert_int_equal(s->ifindex, b->ifindex);
		assert_string_equal(s->user, b->user);
		assert_string_equal(s->ip, b->ip);
		assert_string_equal(s->local_ip, b->local_ip);
		assert_string_equal(s->ipv6_ll, b->ipv6_ll);
		assert_string_equal(s->mac, b->mac);
		assert_int_equal(s->pppd_pid, b->pppd_pid);
		assert_int_equal(s->started, b->started);
		assert_string_equal(s->acct_session_id, b->acct_session_id);
		assert_int_equal(s->coa, b->coa);
		assert_int_equal(s->coa_down, b->coa_down);
		assert_int_equal(s->coa_up, b->coa_up);
		assert_string_equal(s->coa_src, b->coa_src);
		assert_int_equal(s->override, b->override);
		assert_int_equal(s->ov_down, b->ov_down);
		assert_int_equal(s->ov_up, b->ov_up);
		assert_int_equal(s->applied.down.rate, b->applied.down.rate);
		assert_int_equal(s->applied.up.rate, b->applied.up.rate);
	}
	assert_true(acct_of[12].started);
	assert_string_equal(acct_of[12].multi_id, "6553F10000010001");
	assert_int_equal(acct_of[12].period_start, 1700000100);
	assert_int_equal(acct_of[12].base.out_packets, 4);
	assert_false(acct_of[10].started);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

/* The 0.1.0 release's file: every field back, then written as it was. */
static void test_release_0_1_0(void **state)
{
	static const struct {
		const char *name;
		int ifindex;
	} links[] = { /* oldest first: the table is newest first, as written */
		{ "ppp4", 2 }, { "ppp0", 4 }, { "ppp1", 5 },
		{ "ppp2", 6 }, { "ppp3", 7 }, { "ppp5", 8 },
	};
	char path[128], *want, *got;
	size_t wlen, glen, i;
	struct session *s;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		fake_link(&F, links[i].name, links[i].ifindex);
	want = slurp(ACD_STATE_0_1_0, &wlen);
	snprintf(path, sizeof(path), "%s/sessions.json", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(want, 1, wlen, f), wlen);
	fclose(f);
	restart();
	assert_int_equal(A.sess.n, 6);

	s = session_by_ifname(&A.sess, "ppp0"); /* IPv4 only */
	assert_string_equal(s->user, "alice");
	assert_string_equal(s->ip, "10.77.0.2");
	assert_string_equal(s->local_ip, "10.77.0.1");
	assert_string_equal(s->ipv6_ll, "");
	assert_string_equal(s->mac, "02:00:00:00:00:00");
	assert_int_equal(s->pppd_pid, 8065);
	assert_int_equal(s->started, 1796522839);
	assert_string_equal(s->acct_session_id, "6B14C357205D0002");
	s = session_by_ifname(&A.sess, "ppp1"); /* dual stack */
	assert_string_equal(s->ip, "10.77.1.2");
	assert_string_equal(s->ipv6_ll, "fe80::b0b:1");
	s = session_by_ifname(&A.sess, "ppp2"); /* an override */
	assert_true(s->override);
	assert_int_equal(s->ov_down, 2000000);
	assert_int_equal(s->ov_up, 1000000);
	assert_int_equal(s->applied.down.rate, 2000000);
	s = session_by_ifname(&A.sess, "ppp3"); /* a CoA */
	assert_true(s->coa);
	assert_int_equal(s->coa_down, 2048000);
	assert_int_equal(s->coa_up, 1024000);
	assert_string_equal(s->coa_src, "coa:RP-Downstream-Speed-Limit");
	assert_int_equal(s->applied.down.rate, 2048000);
	s = session_by_ifname(&A.sess, "ppp5"); /* IPv6 only */
	assert_string_equal(s->ip, "");
	assert_string_equal(s->ipv6_ll, "fe80::f4a2:5");
	s = session_by_ifname(&A.sess, "ppp4"); /* accounting started, split once */
	assert_string_equal(s->user, "erin");
	assert_true(acct_of[2].started);
	assert_string_equal(acct_of[2].multi_id, "6B14C3501F9F0001");
	assert_int_equal(acct_of[2].period_start, 1796522839);
	assert_int_equal(acct_of[2].base.in_octets, 42280);
	assert_int_equal(acct_of[2].base.out_octets, 42350);
	assert_int_equal(acct_of[2].base.in_packets, 48);
	assert_int_equal(acct_of[2].base.out_packets, 49);

	/* written again: the same bytes */
	assert_int_equal(state_save(&A), 0);
	got = slurp(path, &glen);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	free(want);
}

/* A file that is not one: no sessions from it, and no crash. */
static void test_bad_file(void **state)
{
	static const char *const bad[] = {
		"", "{", "[]", "{\"version\":1}", "{\"version\":1,\"sessions\":{}}",
		"{\"sessions\":[],\"sessions\":[]}",
	};
	char path[128];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/sessions.json", dir);
	assert_null(state_load(dir)); /* none */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fputs(bad[i], f);
		fclose(f);
		assert_null(state_load(dir));
	}
	/* records without their keys or with wrong types are skipped or
	 * read as far as they go */
	{
		json_t *st = json_pack("{s:i,s:[i,{},{s:i},{s:s,s:s,s:s}]}", "version", 1,
				       "sessions", 7, "ifname", 3, "ifname", "ppp0", "ifindex",
				       "10", "pppd_pid", "1");
		json_t *idx = state_index(st);

		fake_link(&F, "ppp0", 10);
		assert_int_equal(session_reconcile(&A.sess, idx), 1);
		assert_int_equal(session_by_ifname(&A.sess, "ppp0")->pppd_pid, 0);
		json_decref(idx);
		json_decref(st);
	}
}


/* acd.so's session: its attributes (no radattr file has them), its path,
 * its protocols up and its PPPoE sid survive a restart, so its policy
 * does, and its redelivered ip-up stays a repeat */
static void test_plugin_round_trip(void **state)
{
	static const char ra[] = "down 30000000 up 5000000\nClass \"x\"\\y\n";
	json_t *argv = json_pack("[s,s,s,s,s]", "ppp0", "eth1", "0", "10.0.0.1", "10.0.0.2");
	json_t *env = json_pack("{s:s,s:s}", "PEERNAME", "alice", "PPPD_PID", "100");
	struct session_req r = { .event = "ip-up", .argv = argv, .env = env,
				 .via = SESSION_VIA_PLUGIN, .sid = 42, .radattr = ra,
				 .radattr_len = sizeof(ra) - 1 };
	struct session *s;
	char err[256];

	(void)state;
	fake_link(&F, "ppp0", 10);
	assert_int_equal(session_event(&A.sess, &r, err, sizeof(err)), 0);
	s = session_by_ifname(&A.sess, "ppp0");
	assert_int_equal(s->applied.down.rate, 30000000);
	assert_int_equal(state_save(&A), 0);

	restart();
	s = session_by_ifname(&A.sess, "ppp0");
	assert_non_null(s);
	assert_int_equal(s->via, SESSION_VIA_PLUGIN);
	assert_true(s->plugin);
	assert_int_equal(s->up_seen, 1);
	assert_int_equal(s->sid, 42);
	assert_non_null(s->radattr);
	assert_int_equal(s->radattr_len, sizeof(ra) - 1);
	assert_memory_equal(s->radattr, ra, sizeof(ra));
	assert_int_equal(s->applied.down.rate, 30000000);
	assert_int_equal(s->applied.up.rate, 5000000);
	r.repeat = false;
	assert_int_equal(session_event(&A.sess, &r, err, sizeof(err)), 0);
	assert_true(r.repeat);
	json_decref(argv);
	json_decref(env);
}

/* acd killed between saves: the journal gives back every change it
 * answered (a hook's, acd.so's with its attributes, a session's end);
 * a save takes it in and deletes it; lines the file holds are not applied
 * again. */
static void test_journal(void **state)
{
	static const char ra[] = "down 30000000 up 5000000\n";
	json_t *argv = json_pack("[s,s,s,s,s]", "ppp1", "eth1", "0", "10.0.1.1", "10.0.1.2");
	json_t *env = json_pack("{s:s,s:s}", "PEERNAME", "bob", "PPPD_PID", "101");
	struct session_req r = { .event = "ip-up", .argv = argv, .env = env,
				 .via = SESSION_VIA_PLUGIN, .sid = 7, .radattr = ra,
				 .radattr_len = sizeof(ra) - 1 };
	struct ev_loop *loop = ev_default_loop(0); /* reachable: no leak */
	json_t *st, *idx;
	struct session *s;
	char err[256];

	(void)state;
	fake_link(&F, "ppp0", 10);
	fake_link(&F, "ppp1", 11);
	fake_link(&F, "ppp2", 12);
	A.loop = loop; /* saves wait for a timer that never runs: a crash before it */
	assert_int_equal(state_open(&A), 0);
	hook("ip-up", "ppp0", "alice", "10.0.0.1", "10.0.0.2", "100");
	assert_int_equal(session_event(&A.sess, &r, err, sizeof(err)), 0);
	hook("ip-up", "ppp2", "carol", "10.0.2.1", "10.0.2.2", "102");
	hook("ip-down", "ppp2", "carol", "10.0.2.1", "10.0.2.2", "102");
	assert_null(state_load(dir)); /* never saved */
	assert_int_equal(journals(), 1);

	st = state_load(dir);
	idx = state_index(st);
	assert_int_equal(state_replay(dir, st, idx), 4);
	assert_int_equal(json_object_size(idx), 2); /* ppp2 ended */
	sessions_free(&A.sess);
	table_new();
	assert_int_equal(state_open(&A), 0);
	assert_int_equal(session_reconcile(&A.sess, idx), 3);
	json_decref(idx);
	s = session_by_ifname(&A.sess, "ppp0");
	assert_string_equal(s->user, "alice");
	assert_int_equal(s->pppd_pid, 100);
	s = session_by_ifname(&A.sess, "ppp1");
	assert_string_equal(s->user, "bob");
	assert_int_equal(s->via, SESSION_VIA_PLUGIN);
	assert_int_equal(s->sid, 7);
	assert_int_equal(s->applied.down.rate, 30000000);
	r.repeat = false; /* acd.so's ip-up again: a repeat, as before the crash */
	assert_int_equal(session_event(&A.sess, &r, err, sizeof(err)), 0);
	assert_true(r.repeat);
	assert_string_equal(session_by_ifname(&A.sess, "ppp2")->user, ""); /* not carol's */

	/* a save holds every line: the journals go */
	assert_int_equal(state_save(&A), 0);
	assert_int_equal(journals(), 0);
	/* one change after it: only that one is applied at the next start */
	hook("ip-down", "ppp0", "alice", "10.0.0.1", "10.0.0.2", "100");
	assert_int_equal(journals(), 1);
	st = state_load(dir);
	assert_true(json_integer_value(json_object_get(st, "journal_seq")) > 0);
	idx = state_index(st);
	assert_int_equal(json_object_size(idx), 3);
	assert_int_equal(state_replay(dir, st, idx), 1);
	assert_int_equal(json_object_size(idx), 2);
	assert_null(json_object_get(idx, "ppp0"));
	json_decref(idx);
	json_decref(st);
	json_decref(argv);
	json_decref(env);
	A.loop = NULL;
}

/* A journal cut mid-line (a full disk) or not ours: what comes before the
 * bad line is applied, the rest ignored, nothing crashes. */
static void test_journal_bad(void **state)
{
	static const char *const bodies[] = {
		"{\"rec\":{\"ifname\":\"ppp0\",\"ifindex\":10,\"user\":\"alice\"},\"seq\":1}\n"
		"{\"rec\":{\"ifname\":\"ppp1\",\"ifindex\":11,\"user\":\"bo", /* cut */
		"{\"rec\":{\"ifname\":\"ppp0\",\"ifindex\":10,\"user\":\"alice\"},\"seq\":1}\n"
		"[1,2,3]\n{\"rec\":{\"ifname\":\"ppp1\"},\"seq\":3}\n",
		"{\"rec\":{\"ifname\":\"ppp0\",\"ifindex\":10,\"user\":\"alice\"},\"seq\":1}\n"
		"{\"gone\":\"ppp0\",\"ifindex\":99,\"seq\":2}\n", /* another link's end */
		"{\"rec\":{\"ifname\":\"ppp0\",\"ifindex\":10,\"user\":\"alice\"},\"seq\":1,\"seq\":1}\n",
	};
	const int want[] = { 1, 1, 2, 0 };
	char path[128];
	json_t *idx;
	size_t i;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/sessions.journal", dir);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(bodies[i], f);
		fclose(f);
		idx = state_index(NULL);
		assert_int_equal(state_replay(dir, NULL, idx), want[i]);
		assert_int_equal(json_object_size(idx), want[i] ? 1 : 0);
		json_decref(idx);
	}
	/* a symlink is not followed */
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	idx = state_index(NULL);
	assert_int_equal(state_replay(dir, NULL, idx), 0);
	json_decref(idx);
}

/* A full disk cuts a journal line short: the lines after it start
 * another file, so the cut one ends only its own. */
static void test_journal_full(void **state)
{
	struct ev_loop *loop = ev_default_loop(0); /* reachable: no leak */
	struct rlimit old, small;
	char path[128];
	struct stat st;
	json_t *idx;

	(void)state;
	fake_link(&F, "ppp0", 10);
	fake_link(&F, "ppp1", 11);
	fake_link(&F, "ppp2", 12);
	A.loop = loop; /* no save runs */
	assert_int_equal(state_open(&A), 0);
	hook("ip-up", "ppp0", "alice", "10.0.0.1", "10.0.0.2", "100");
	snprintf(path, sizeof(path), "%s/sessions.journal", dir);
	assert_int_equal(stat(path, &st), 0);
	/* bob's line: 20 bytes of it fit */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = (rlim_t)st.st_size + 20;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	hook("ip-up", "ppp1", "bob", "10.0.1.1", "10.0.1.2", "101");
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	hook("ip-down", "ppp0", "alice", "10.0.0.1", "10.0.0.2", "100");
	hook("ip-up", "ppp2", "carol", "10.0.2.1", "10.0.2.2", "102");
	idx = state_index(NULL);
	/* alice's up; bob's cut line ends its file; alice's end, carol's up */
	assert_int_equal(state_replay(dir, NULL, idx), 3);
	assert_int_equal(json_object_size(idx), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(idx, "ppp2"), "user")),
			    "carol");
	json_decref(idx);
	A.loop = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_0_1_0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_full, setup, teardown),
	};
	const struct state_ext ext = { .size = sizeof(struct acct_saved), .take = take,
				       .put = put };

	log_init(true, LOG_WARNING);
	if (state_extend(&ext) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
