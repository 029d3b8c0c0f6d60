/*
 * acd's PPPoE discovery server (acd/pppoe.c) without a socket or root:
 * frames go in through pppoe_input(), what it sends, starts and signals is
 * recorded by the effects here.  PADI to PADO, PADR to pppd and PADS, a
 * retransmitted PADR, forged cookies, services, limits, PADT both ways,
 * the backoff of a pppd that dies at once, RFC 4638, and the tie between a
 * discovered session and the session core.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "acd.h"
#include "pppoe.h"
#include "pppoe_cookie.h"
#include "pppoe_proto.h"
#include "sessfake.h"

#define IFX 5
#define IFX2 6                  /* a second interface, for the limits in all */
static const uint8_t AC_MAC[6] = { 0x02, 0xac, 0, 0, 0, 1 };
static const uint8_t CL_MAC[6] = { 0x02, 0xc1, 0, 0, 0, 1 };
static const uint8_t CL2_MAC[6] = { 0x02, 0xc1, 0, 0, 0, 2 };

static struct acd A;
static struct fake SF;
static struct pppoe *P;

/* what the server did */
static struct {
	struct pppoe_out sent[16];
	unsigned nsent;
	char argv[8][32][64];
	unsigned nspawn;
	pid_t next_pid;
	bool spawn_fails;
	pid_t terminated[8];
	unsigned nterm;
	int status;
} W;

static int fx_send(void *ctx, int ifindex, const uint8_t *frame, size_t len)
{
	(void)ctx;
	assert_true(ifindex == IFX || ifindex == IFX2);
	assert_true(W.nsent < 16);
	memcpy(W.sent[W.nsent].buf, frame, len);
	W.sent[W.nsent++].len = len;
	return 0;
}

static int fx_spawn(void *ctx, char *const argv[], pid_t *pid, int *pidfd)
{
	unsigned i;

	(void)ctx;
	if (W.spawn_fails)
		return -ENOENT;
	for (i = 0; argv[i] && i < 31; i++)
		snprintf(W.argv[W.nspawn][i], 64, "%s", argv[i]);
	W.argv[W.nspawn][i][0] = '\0';
	W.nspawn++;
	*pid = W.next_pid++;
	*pidfd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* a descriptor to close */
	return 0;
}

static int fx_terminate(void *ctx, int pidfd, pid_t pid)
{
	(void)ctx;
	(void)pidfd;
	W.terminated[W.nterm++] = pid;
	return 0;
}

static int fx_reap(void *ctx, int pidfd, pid_t pid, int *status)
{
	(void)ctx;
	(void)pidfd;
	(void)pid;
	*status = W.status;
	return 0;
}

static const struct pppoe_fx fx = {
	.send = fx_send, .spawn = fx_spawn, .terminate = fx_terminate, .reap = fx_reap,
};

/* a kernel with PPPoE: the PADS waits for pppd's socket in this table */
static char SOCKETS[512];

static FILE *fx_sockets(void *ctx)
{
	(void)ctx;
	return fmemopen(SOCKETS, strlen(SOCKETS), "r");
}

static const struct pppoe_fx fx_wait = {
	.send = fx_send, .spawn = fx_spawn, .terminate = fx_terminate, .reap = fx_reap,
	.sockets = fx_sockets,
};

static int setup(void **state)
{
	char err[256] = "";

	(void)state;
	SOCKETS[0] = '\0';
	memset(&A, 0, sizeof(A));
	memset(&SF, 0, sizeof(SF));
	memset(&W, 0, sizeof(W));
	W.next_pid = 7000;
	config_defaults(&A.cfg);
	snprintf(A.cfg.pppoe_ifaces[0], sizeof(A.cfg.pppoe_ifaces[0]), "ac*");
	A.cfg.n_pppoe_ifaces = 1;
	snprintf(A.cfg.pppoe_ac_name, sizeof(A.cfg.pppoe_ac_name), "test-ac");
	snprintf(A.cfg.pppoe_pppd, sizeof(A.cfg.pppoe_pppd), "/usr/sbin/pppd");
	snprintf(A.cfg.pppoe_plugin, sizeof(A.cfg.pppoe_plugin), "pppoe.so");
	snprintf(A.cfg.pppoe_options, sizeof(A.cfg.pppoe_options), "/etc/acd/pppoe-options");
	sessions_init(&A.sess, NULL, &A.cfg, &fake_fx, &SF);
	P = pppoe_open_fx(&A, *state ? *state : &fx, NULL, err, sizeof(err));
	assert_non_null(P);
	assert_int_equal(pppoe_iface_set(P, IFX, "ac0", AC_MAC, 1500), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pppoe_close(P);
	sessions_free(&A.sess);
	return 0;
}

/* a client's frame */
struct req {
	uint8_t code;
	const uint8_t *src, *dst;
	uint16_t sid;
	const char *service;            /* NULL: no Service-Name tag */
	const char *host_uniq, *relay;
	const uint8_t *cookie;
	size_t cookie_len;
	uint16_t max_payload;
	int ifindex;                    /* 0: IFX */
};

static void input(const struct req *r)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct pppoe_out o;
	uint16_t mp = htons(r->max_payload);

	pppoe_out_init(&o, r->dst ? r->dst : r->code == PPPOE_PADI ? bcast : AC_MAC,
		       r->src ? r->src : CL_MAC, r->code, r->sid);
	if (r->service)
		assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, r->service,
					       strlen(r->service)), 0);
	if (r->host_uniq)
		pppoe_out_tag(&o, PPPOE_TAG_HOST_UNIQ, r->host_uniq, strlen(r->host_uniq));
	if (r->relay)
		pppoe_out_tag(&o, PPPOE_TAG_RELAY_SESSION_ID, r->relay, strlen(r->relay));
	if (r->cookie)
		pppoe_out_tag(&o, PPPOE_TAG_AC_COOKIE, r->cookie, r->cookie_len);
	if (r->max_payload)
		pppoe_out_tag(&o, PPPOE_TAG_MAX_PAYLOAD, &mp, sizeof(mp));
	pppoe_out_finish(&o);
	pppoe_input(P, r->ifindex ? r->ifindex : IFX, o.buf, o.len, false);
}

/* the i-th frame sent, parsed */
static struct pppoe_msg sent(unsigned i)
{
	struct pppoe_msg m;

	assert_true(i < W.nsent);
	assert_int_equal(pppoe_parse(W.sent[i].buf, W.sent[i].len, &m), PPPOE_OK);
	assert_memory_equal(m.src, AC_MAC, 6);
	return m;
}

static void assert_tag(const struct pppoe_bytes *b, const char *want)
{
	assert_true(b->present);
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->p, want, b->len);
}

static json_t *stat_if(void)
{
	json_t *j = pppoe_stat_json(P), *i = json_incref(json_array_get(json_object_get(j, "interfaces"), 0));

	json_decref(j);
	return i;
}

static json_int_t counter(const char *name)
{
	json_t *i = stat_if();
	json_int_t v = json_integer_value(json_object_get(i, name));

	json_decref(i);
	return v;
}

static json_int_t top(const char *name)
{
	json_t *j = pppoe_stat_json(P);
	json_int_t v = json_integer_value(json_object_get(j, name));

	json_decref(j);
	return v;
}

static json_int_t dropped(const char *reason)
{
	json_t *i = stat_if();
	json_int_t v = json_integer_value(json_object_get(json_object_get(i, "dropped"), reason));

	json_decref(i);
	return v;
}

/* PADI, PADO; PADR with its cookie: returns the PADS's session id */
/* pppd's ip-up for the link IFNAME (made here, IFINDEX) to REMOTE, from
 * the pppd PID: the session comes up and is tied to its discovery */
static void ip_up(const char *ifname, int ifindex, const char *remote, const char *pid)
{
	json_t *argv, *env;
	char err[256];

	fake_link(&SF, ifname, ifindex);
	argv = json_pack("[s,s,s,s,s,s]", ifname, "", "0", "100.64.0.1", remote, "");
	env = json_pack("{s:s}", "PPPD_PID", pid);
	assert_int_equal(session_hook(&A.sess, "ip-up", argv, env, err, sizeof(err)), 0);
	json_decref(argv);
	json_decref(env);
}

static uint16_t dial(const uint8_t *mac, const char *host_uniq, const char *relay)
{
	struct pppoe_msg pado, pads;
	uint8_t cookie[64];
	size_t clen;
	unsigned n = W.nsent;

	input(&(struct req){ .code = PPPOE_PADI, .src = mac, .service = "",
			     .host_uniq = host_uniq, .relay = relay });
	assert_int_equal(W.nsent, n + 1);
	pado = sent(n);
	assert_int_equal(pado.code, PPPOE_PADO);
	assert_true(pado.cookie.present);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	input(&(struct req){ .code = PPPOE_PADR, .src = mac, .service = "",
			     .host_uniq = host_uniq, .relay = relay, .cookie = cookie,
			     .cookie_len = clen });
	assert_int_equal(W.nsent, n + 2);
	pads = sent(n + 1);
	assert_int_equal(pads.code, PPPOE_PADS);
	return pads.sid;
}

static void test_padi_pado(void **state)
{
	struct pppoe_msg m;

	(void)state;
	input(&(struct req){ .code = PPPOE_PADI, .service = "", .host_uniq = "hu-1",
			     .relay = "relay-7" });
	assert_int_equal(W.nsent, 1);
	m = sent(0);
	assert_int_equal(m.code, PPPOE_PADO);
	assert_int_equal(m.sid, 0);
	assert_memory_equal(m.dst, CL_MAC, 6);
	assert_tag(&m.ac_name, "test-ac");
	assert_tag(&m.service_name, "");
	assert_tag(&m.host_uniq, "hu-1");
	assert_tag(&m.relay_id, "relay-7");
	assert_int_equal(m.cookie.len, PPPOE_COOKIE_LEN);
	assert_false(m.has_max_payload);
	/* a PADI leaves nothing behind */
	assert_int_equal(top("sessions"), 0);
	assert_int_equal(W.nspawn, 0);
	assert_int_equal(counter("padi_in"), 1);
	assert_int_equal(counter("pado_out"), 1);
}

static void test_padr_starts_pppd(void **state)
{
	static const char *const want[] = {
		"/usr/sbin/pppd", "plugin", "pppoe.so", "nic-ac0", "rp_pppoe_sess",
		"1:02:c1:00:00:00:01", "rp_pppoe_service", "", "file", "/etc/acd/pppoe-options",
		"nodetach", "noaccomp", "nopcomp", "default-asyncmap", "remotenumber",
		"02:c1:00:00:00:01", "mru", "1492", "mtu", "1492", "",
	};
	struct pppoe_msg pads;
	unsigned i;

	(void)state;
	assert_int_equal(dial(CL_MAC, "hu-1", "relay-7"), 1);
	pads = sent(1);
	assert_memory_equal(pads.dst, CL_MAC, 6);
	assert_tag(&pads.host_uniq, "hu-1");
	assert_tag(&pads.relay_id, "relay-7");
	assert_tag(&pads.service_name, "");
	assert_int_equal(W.nspawn, 1);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(W.argv[0][i], want[i]);
	/* with local-ip, LOCAL: comes before the plugin (which would take it
	 * for an interface name and have the kernel run modprobe for it) */
	snprintf(A.cfg.pppoe_local_ip, sizeof(A.cfg.pppoe_local_ip), "100.64.0.1");
	assert_int_equal(dial(CL2_MAC, NULL, NULL), 2);
	assert_string_equal(W.argv[1][1], "100.64.0.1:");
	assert_string_equal(W.argv[1][2], "plugin");
	assert_string_equal(W.argv[1][11], "nodetach");
}

/* with acd.so, pppd reports the session itself: it runs no ip-up or
 * ip-down (an empty path: pppd skips it without a fork) unless
 * ppp-scripts = yes; acd.so comes last */
static void test_acd_plugin_argv(void **state)
{
	char so[] = "/tmp/acd-test-plugin.XXXXXX";
	int fd = mkstemp(so);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(A.cfg.pppoe_acd_plugin, sizeof(A.cfg.pppoe_acd_plugin), "%s", so);
	snprintf(A.cfg.socket, sizeof(A.cfg.socket), "/run/acd/acd.sock");
	assert_int_equal(dial(CL_MAC, NULL, NULL), 1);
	assert_string_equal(W.argv[0][19], "1492");
	assert_string_equal(W.argv[0][20], "ip-up-script");
	assert_string_equal(W.argv[0][21], "");
	assert_string_equal(W.argv[0][22], "ip-down-script");
	assert_string_equal(W.argv[0][23], "");
	assert_string_equal(W.argv[0][24], "plugin");
	assert_string_equal(W.argv[0][25], so);
	assert_string_equal(W.argv[0][26], "acd-socket");
	assert_string_equal(W.argv[0][27], "/run/acd/acd.sock");
	assert_string_equal(W.argv[0][28], "");
	/* ppp-scripts = yes: pppd's scripts run beside acd.so */
	A.cfg.pppoe_scripts = ACD_SCRIPTS_YES;
	assert_int_equal(dial(CL2_MAC, NULL, NULL), 2);
	assert_string_equal(W.argv[1][20], "plugin");
	assert_string_equal(W.argv[1][21], so);
	unlink(so);
}

/* the same PADR again: the same PADS, no second pppd */
static void test_retransmitted_padr(void **state)
{
	struct pppoe_msg pado;
	uint8_t cookie[64];
	size_t clen;

	(void)state;
	input(&(struct req){ .code = PPPOE_PADI, .service = "" });
	pado = sent(0);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .cookie = cookie, .cookie_len = clen });
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .cookie = cookie, .cookie_len = clen });
	assert_int_equal(W.nsent, 3);
	assert_int_equal(sent(1).sid, sent(2).sid);
	assert_int_equal(W.nsent, 3);
	assert_memory_equal(W.sent[1].buf, W.sent[2].buf, W.sent[1].len);
	assert_int_equal(W.nspawn, 1);
	assert_int_equal(counter("padr_duplicate"), 1);
}

/* a PADR again after its session came up (a client that got no CPU for
 * its PADS timer retransmits with our PADS queued, then uses that one):
 * still the same PADS, no second pppd; the same cookie with another
 * Host-Uniq (a new pppd of that client) is a session of its own */
static void test_late_retransmission(void **state)
{
	struct pppoe_msg pado;
	uint8_t cookie[64];
	size_t clen;

	(void)state;
	input(&(struct req){ .code = PPPOE_PADI, .service = "", .host_uniq = "pid-1" });
	pado = sent(0);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .host_uniq = "pid-1",
			     .cookie = cookie, .cookie_len = clen });
	assert_int_equal(W.nspawn, 1);
	ip_up("ppp0", 40, "100.64.0.9", "7000");
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .host_uniq = "pid-1",
			     .cookie = cookie, .cookie_len = clen });
	assert_int_equal(W.nsent, 3);
	assert_int_equal(sent(2).code, PPPOE_PADS);
	assert_int_equal(sent(1).sid, sent(2).sid);
	assert_int_equal(W.nspawn, 1);
	assert_int_equal(counter("padr_duplicate"), 1);
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .host_uniq = "pid-2",
			     .cookie = cookie, .cookie_len = clen });
	assert_int_equal(W.nspawn, 2);
	assert_int_equal(W.nsent, 4);
	assert_int_not_equal(sent(3).sid, sent(1).sid);
}

static void test_bad_cookies(void **state)
{
	struct pppoe_msg pado;
	uint8_t cookie[64];
	size_t clen;

	(void)state;
	input(&(struct req){ .code = PPPOE_PADI, .service = "" });
	pado = sent(0);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	cookie[clen - 1] ^= 1; /* forged */
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .cookie = cookie, .cookie_len = clen });
	cookie[clen - 1] ^= 1;
	/* another client's cookie */
	input(&(struct req){ .code = PPPOE_PADR, .src = CL2_MAC, .service = "", .cookie = cookie,
			     .cookie_len = clen });
	/* none, and a short one */
	input(&(struct req){ .code = PPPOE_PADR, .service = "" });
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .cookie = cookie, .cookie_len = 4 });
	assert_int_equal(W.nsent, 1);
	assert_int_equal(W.nspawn, 0);
	assert_int_equal(dropped("cookie"), 4);
	/* a PADR for another AC on the segment */
	input(&(struct req){ .code = PPPOE_PADR, .dst = CL2_MAC, .service = "", .cookie = cookie,
			     .cookie_len = clen });
	assert_int_equal(dropped("not-ours"), 1);
	assert_int_equal(W.nsent, 1);
}

static void test_services(void **state)
{
	struct pppoe_msg m;
	uint8_t cookie[64];
	size_t clen;

	(void)state;
	snprintf(A.cfg.pppoe_services[0], 65, "gold");
	snprintf(A.cfg.pppoe_services[1], 65, "silver");
	A.cfg.n_pppoe_services = 2;
	A.cfg.pppoe_accept_blank = false;
	input(&(struct req){ .code = PPPOE_PADI, .service = "bronze" });
	input(&(struct req){ .code = PPPOE_PADI, .service = "" });
	input(&(struct req){ .code = PPPOE_PADI }); /* no Service-Name at all */
	assert_int_equal(W.nsent, 0);
	assert_int_equal(dropped("service"), 3);
	input(&(struct req){ .code = PPPOE_PADI, .service = "silver" });
	m = sent(0);
	assert_tag(&m.service_name, "silver"); /* the one asked for first */
	assert_int_equal(m.n_service_names, 2);
	clen = m.cookie.len;
	memcpy(cookie, m.cookie.p, clen);
	/* a PADR for a service not offered: PADS with Service-Name-Error */
	input(&(struct req){ .code = PPPOE_PADR, .service = "bronze", .cookie = cookie,
			     .cookie_len = clen });
	m = sent(1);
	assert_int_equal(m.code, PPPOE_PADS);
	assert_int_equal(m.sid, 0);
	assert_true(m.service_name_error);
	input(&(struct req){ .code = PPPOE_PADR, .service = "silver", .cookie = cookie,
			     .cookie_len = clen });
	assert_int_equal(sent(2).sid, 1);
	assert_string_equal(W.argv[0][7], "silver");
}

static void test_limits(void **state)
{
	struct pppoe_msg m;

	(void)state;
	A.cfg.pppoe_max_per_mac = 1;
	A.cfg.pppoe_max_sessions = 2;
	assert_int_equal(dial(CL_MAC, NULL, "a"), 1);
	/* the same MAC again (another attempt: another relay id, another cookie) */
	assert_int_equal(dial(CL_MAC, NULL, "b"), 0);
	m = sent(W.nsent - 1);
	assert_true(m.ac_system_error);
	assert_int_equal(dial(CL2_MAC, NULL, NULL), 2);
	/* the AC is full */
	assert_int_equal(dial((const uint8_t[]){ 0x02, 0xc1, 0, 0, 0, 3 }, NULL, NULL), 0);
	assert_int_equal(W.nspawn, 2);
	assert_int_equal(counter("limit_hits"), 2);
	/* a session ends: room again */
	pppoe_child_exited(P, 7000);
	assert_int_equal(dial((const uint8_t[]){ 0x02, 0xc1, 0, 0, 0, 3 }, NULL, NULL), 3);
}

/* max-starting: while that many pppds start, a PADI gets no PADO and a
 * new PADR no PADS (silence: the client asks again); a session up, or a
 * pppd gone, makes room; a retransmitted PADR is answered all along */
static void test_max_starting(void **state)
{
	static const uint8_t mac3[6] = { 0x02, 0xc1, 0, 0, 0, 3 };
	struct pppoe_msg pado;
	uint8_t cookie[64];
	size_t clen;
	unsigned n;

	(void)state;
	A.cfg.pppoe_max_starting = 2;
	assert_int_equal(dial(CL_MAC, NULL, NULL), 1); /* pppd 7000 */
	input(&(struct req){ .code = PPPOE_PADI, .src = mac3, .service = "" });
	pado = sent(W.nsent - 1);
	assert_int_equal(pado.code, PPPOE_PADO);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	assert_int_equal(dial(CL2_MAC, NULL, NULL), 2); /* pppd 7001 */
	assert_int_equal(top("starting"), 2);
	/* full: silence for a PADI and for mac3's PADR */
	n = W.nsent;
	input(&(struct req){ .code = PPPOE_PADI, .src = mac3, .service = "" });
	input(&(struct req){ .code = PPPOE_PADR, .src = mac3, .service = "", .cookie = cookie,
			     .cookie_len = clen });
	assert_int_equal(W.nsent, n);
	assert_int_equal(W.nspawn, 2);
	assert_int_equal(dropped("starting"), 2);
	assert_int_equal(counter("limit_hits"), 0);
	/* CL_MAC's session comes up: mac3's PADR again gets its session */
	ip_up("ppp0", 40, "100.64.0.9", "7000");
	assert_int_equal(top("starting"), 1);
	input(&(struct req){ .code = PPPOE_PADR, .src = mac3, .service = "", .cookie = cookie,
			     .cookie_len = clen });
	assert_int_equal(W.nsent, n + 1);
	assert_int_equal(sent(n).code, PPPOE_PADS);
	assert_int_equal(W.nspawn, 3);
	assert_int_equal(top("starting"), 2);
	/* CL2's pppd ends before its session came up: room for one */
	pppoe_child_exited(P, 7001);
	assert_int_equal(top("starting"), 1);
	assert_int_equal(top("sessions"), 2);
}

/* A flood from random MACs fills the interface's PADI limit: a client
 * that asks again gets its PADO from a share of its own, of the same
 * rate; a first PADI does not; its MAC's own limit still holds.  The
 * loop's clock stands still: no bucket fills meanwhile. */
static void test_padi_retry(void **state)
{
	uint8_t flood[6] = { 0x02, 0xf1, 0, 0, 0, 0 };
	unsigned i;

	A.loop = ev_loop_new(EVFLAG_AUTO);
	*state = A.loop;
	A.cfg.pppoe_padi_limit = 0;
	A.cfg.pppoe_padi_limit_if = 4;
	A.cfg.pppoe_padi_limit_mac = 2;
	for (i = 0; i < 4; i++) { /* the flood takes the interface's 4 */
		flood[5] = (uint8_t)i;
		input(&(struct req){ .code = PPPOE_PADI, .src = flood, .service = "" });
	}
	assert_int_equal(W.nsent, 4);
	input(&(struct req){ .code = PPPOE_PADI, .src = CL_MAC, .service = "" });
	for (i = 4; i < 8; i++) {
		flood[5] = (uint8_t)i;
		input(&(struct req){ .code = PPPOE_PADI, .src = flood, .service = "" });
	}
	input(&(struct req){ .code = PPPOE_PADI, .src = CL2_MAC, .service = "" });
	assert_int_equal(W.nsent, 4);
	assert_int_equal(dropped("rate-limit"), 6);
	/* each asks again: answered */
	input(&(struct req){ .code = PPPOE_PADI, .src = CL_MAC, .service = "" });
	assert_int_equal(W.nsent, 5);
	assert_int_equal(sent(4).code, PPPOE_PADO);
	assert_memory_equal(sent(4).dst, CL_MAC, 6);
	input(&(struct req){ .code = PPPOE_PADI, .src = CL2_MAC, .service = "" });
	assert_int_equal(W.nsent, 6);
	assert_int_equal(counter("padi_retry"), 2);
	/* CL_MAC again: its second token; then its MAC's limit (2) */
	input(&(struct req){ .code = PPPOE_PADI, .src = CL_MAC, .service = "" });
	assert_int_equal(W.nsent, 7);
	input(&(struct req){ .code = PPPOE_PADI, .src = CL_MAC, .service = "" });
	assert_int_equal(W.nsent, 7);
	/* a flood MAC sent twice is taken for a client: the share's last
	 * token; then the share is spent too */
	flood[5] = 4;
	input(&(struct req){ .code = PPPOE_PADI, .src = flood, .service = "" });
	assert_int_equal(W.nsent, 8);
	flood[5] = 5;
	input(&(struct req){ .code = PPPOE_PADI, .src = flood, .service = "" });
	assert_int_equal(W.nsent, 8);
	assert_int_equal(counter("padi_retry"), 4);
	assert_int_equal(dropped("rate-limit"), 8);
	assert_int_equal(counter("padi_in"), 16);
}

/* Only the limit in all (4): a flood on ac0 takes it; clients on ac0 and
 * ac1 that ask again share one more 4 between them, not 4 each */
static void test_padi_retry_all(void **state)
{
	static const uint8_t ac1_mac[6] = { 0x02, 0xac, 0, 0, 0, 2 };
	uint8_t mac[6] = { 0x02, 0xf1, 0, 0, 0, 0 };
	unsigned i, round;
	json_t *j, *ac1;

	A.loop = ev_loop_new(EVFLAG_AUTO);
	*state = A.loop;
	assert_int_equal(pppoe_iface_set(P, IFX2, "ac1", ac1_mac, 1500), 0);
	A.cfg.pppoe_padi_limit = 4;
	A.cfg.pppoe_padi_limit_if = 0;
	A.cfg.pppoe_padi_limit_mac = 0;
	for (i = 0; i < 4; i++) {
		mac[5] = (uint8_t)i;
		input(&(struct req){ .code = PPPOE_PADI, .src = mac, .service = "" });
	}
	assert_int_equal(W.nsent, 4);
	/* four clients on each interface, refused, then asking again */
	mac[1] = 0xc1;
	for (round = 0; round < 2; round++)
		for (i = 0; i < 8; i++) {
			mac[5] = (uint8_t)i;
			input(&(struct req){ .code = PPPOE_PADI, .src = mac, .service = "",
					     .ifindex = i < 4 ? IFX : IFX2 });
		}
	assert_int_equal(W.nsent, 8);
	/* ac0's, which asked first, got the 4 */
	assert_int_equal(counter("padi_retry"), 4);
	assert_int_equal(dropped("rate-limit"), 4);
	j = pppoe_stat_json(P);
	ac1 = json_array_get(json_object_get(j, "interfaces"), 1);
	assert_string_equal(json_string_value(json_object_get(ac1, "interface")), "ac1");
	assert_int_equal(json_integer_value(json_object_get(ac1, "padi_retry")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ac1, "dropped"),
							    "rate-limit")), 8);
	json_decref(j);
}

static int teardown_loop(void **state)
{
	teardown(state);
	ev_loop_destroy(*state);
	A.loop = NULL;
	return 0;
}

static void test_padi_rate_limit(void **state)
{
	unsigned i;

	(void)state;
	A.cfg.pppoe_padi_limit_mac = 3;
	for (i = 0; i < 10; i++)
		input(&(struct req){ .code = PPPOE_PADI, .service = "" });
	assert_int_equal(W.nsent, 3);
	assert_int_equal(dropped("rate-limit"), 7);
	/* another MAC is not held back by this one */
	input(&(struct req){ .code = PPPOE_PADI, .src = CL2_MAC, .service = "" });
	assert_int_equal(W.nsent, 4);
}

/* pppd exits: the PADT pppd 2.4.9 does not send */
static void test_pppd_exit_padt(void **state)
{
	struct pppoe_msg m;

	(void)state;
	assert_int_equal(dial(CL_MAC, "hu-1", NULL), 1);
	pppoe_child_exited(P, 7000);
	m = sent(2);
	assert_int_equal(m.code, PPPOE_PADT);
	assert_int_equal(m.sid, 1);
	assert_memory_equal(m.dst, CL_MAC, 6);
	assert_tag(&m.host_uniq, "hu-1");
	assert_int_equal(counter("padt_out"), 1);
	/* the id is not given again at once */
	assert_int_equal(dial(CL_MAC, NULL, NULL), 2);
}

/* the client's PADT ends its pppd, and gets none back */
static void test_client_padt(void **state)
{
	(void)state;
	assert_int_equal(dial(CL_MAC, NULL, NULL), 1);
	/* not from its client, or not its id: nothing */
	input(&(struct req){ .code = PPPOE_PADT, .src = CL2_MAC, .sid = 1 });
	input(&(struct req){ .code = PPPOE_PADT, .sid = 9 });
	assert_int_equal(W.nterm, 0);
	assert_int_equal(dropped("unknown-session"), 2);
	input(&(struct req){ .code = PPPOE_PADT, .sid = 1 });
	assert_int_equal(W.nterm, 1);
	assert_int_equal(W.terminated[0], 7000);
	pppoe_child_exited(P, 7000);
	assert_int_equal(W.nsent, 2); /* PADO, PADS: no PADT back */
	assert_int_equal(counter("padt_in"), 3);
}

/* a pppd that dies at once, again and again: PADRs wait, no respawn loop */
static void test_backoff(void **state)
{
	struct pppoe_msg m;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(dial(CL_MAC, NULL, (const char *[]){ "a", "b", "c" }[i]), i + 1);
		pppoe_child_exited(P, (pid_t)(7000 + i));
	}
	assert_int_equal(dial(CL_MAC, NULL, "d"), 0);
	m = sent(W.nsent - 1);
	assert_true(m.ac_system_error);
	assert_int_equal(W.nspawn, 3);
	assert_int_equal(top("backoffs"), 1);
}

static void test_spawn_fails(void **state)
{
	(void)state;
	W.spawn_fails = true;
	assert_int_equal(dial(CL_MAC, NULL, NULL), 0);
	assert_true(sent(1).ac_system_error);
	assert_int_equal(top("sessions"), 0);
}

/* RFC 4638: PPP-Max-Payload echoed only when the link's MTU carries it */
static void test_max_payload(void **state)
{
	struct pppoe_msg m;

	(void)state;
	input(&(struct req){ .code = PPPOE_PADI, .service = "", .max_payload = 1500 });
	assert_false(sent(0).has_max_payload); /* MTU 1500: 1492 at most */
	assert_int_equal(pppoe_iface_set(P, IFX, "ac0", AC_MAC, 1508), 0);
	input(&(struct req){ .code = PPPOE_PADI, .service = "", .max_payload = 1500 });
	m = sent(1);
	assert_true(m.has_max_payload);
	assert_int_equal(m.max_payload, 1500);
	input(&(struct req){ .code = PPPOE_PADR, .service = "", .max_payload = 1500,
			     .cookie = m.cookie.p, .cookie_len = m.cookie.len });
	m = sent(2);
	assert_int_equal(m.max_payload, 1500);
	assert_string_equal(W.argv[0][17], "1500");
	assert_string_equal(W.argv[0][19], "1500");
}

static void test_drops(void **state)
{
	struct pppoe_out o;

	(void)state;
	pppoe_out_init(&o, (const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, CL_MAC,
		       PPPOE_PADI, 0);
	pppoe_out_finish(&o);
	o.buf[14] = 0x12; /* version/type */
	pppoe_input(P, IFX, o.buf, o.len, false);
	o.buf[14] = 0x11;
	pppoe_input(P, IFX, o.buf, 10, false);
	pppoe_input(P, IFX, o.buf, o.len, true); /* VLAN-tagged on the parent */
	input(&(struct req){ .code = PPPOE_PADS, .sid = 4, .service = "" });
	input(&(struct req){ .code = PPPOE_PADR, .sid = 4, .service = "" });
	pppoe_input(P, 99, o.buf, o.len, false); /* not one of ours */
	assert_int_equal(W.nsent, 0);
	assert_int_equal(dropped("ver-type"), 1);
	assert_int_equal(dropped("short"), 1);
	assert_int_equal(dropped("vlan"), 1);
	assert_int_equal(dropped("not-a-client"), 1);
	assert_int_equal(dropped("session-id"), 1);
}

/* pppd's hook brings the session up: it carries its discovery record */
static void test_tie(void **state)
{
	json_t *j, *pp;
	struct session *s;

	(void)state;
	assert_int_equal(dial(CL_MAC, NULL, NULL), 1);
	ip_up("ppp0", 40, "100.64.0.9", "7000");
	s = session_by_ifname(&A.sess, "ppp0");
	j = session_json(s, true);
	pp = json_object_get(j, "pppoe");
	assert_non_null(pp);
	assert_int_equal(json_integer_value(json_object_get(pp, "sid")), 1);
	assert_string_equal(json_string_value(json_object_get(pp, "mac")), "02:c1:00:00:00:01");
	assert_string_equal(json_string_value(json_object_get(pp, "interface")), "ac0");
	json_decref(j);
	/* a session whose pppd is not ours carries none */
	ip_up("ppp1", 41, "100.64.0.8", "4321");
	j = session_json(session_by_ifname(&A.sess, "ppp1"), true);
	assert_null(json_object_get(j, "pppoe"));
	json_decref(j);
}

/* a restarted acd: the state file's record of a running session, its
 * Host-Uniq in the PADT its pppd's exit sends */
static void test_restore(void **state)
{
	json_t *saved, *j, *pp;
	struct pppoe_msg m;
	pid_t self = getpid(); /* a live process for its pidfd */

	(void)state;
	fake_link(&SF, "ppp0", 40);
	saved = json_pack("{s:{s:s,s:i,s:i,s:{s:i,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:i}}}", "ppp0",
			  "ifname", "ppp0", "ifindex", 40, "pppd_pid", (int)self, "pppoe", "sid",
			  77, "ifindex", IFX, "mac", "02:c1:00:00:00:01", "service", "gold",
			  "circuit_id", "dslam1 1/7", "remote_id", "", "host_uniq", "68752d31",
			  "relay_id", "", "max_payload", 1500);
	assert_int_equal(session_reconcile(&A.sess, saved), 1);
	json_decref(saved);
	j = session_json(session_by_ifname(&A.sess, "ppp0"), true);
	pp = json_object_get(j, "pppoe");
	assert_int_equal(json_integer_value(json_object_get(pp, "sid")), 77);
	assert_string_equal(json_string_value(json_object_get(pp, "service")), "gold");
	assert_string_equal(json_string_value(json_object_get(j, "circuit_id")), "dslam1 1/7");
	json_decref(j);
	/* its id is not handed out again */
	assert_int_equal(top("sessions"), 1);
	pppoe_child_exited(P, self);
	m = sent(0);
	assert_int_equal(m.code, PPPOE_PADT);
	assert_int_equal(m.sid, 77);
	assert_tag(&m.host_uniq, "hu-1");
	assert_true(m.relay_id.present);
	assert_int_equal(m.relay_id.len, 0);
	assert_int_equal(top("sessions"), 0);
	/* a record that is not one changes nothing */
	fake_link(&SF, "ppp1", 41);
	saved = json_pack("{s:{s:s,s:i,s:i,s:{s:i,s:i,s:s}}}", "ppp1", "ifname", "ppp1",
			  "ifindex", 41, "pppd_pid", (int)self, "pppoe", "sid", 0, "ifindex", IFX,
			  "mac", "zz");
	assert_int_equal(session_reconcile(&A.sess, saved), 1);
	json_decref(saved);
	assert_int_equal(top("sessions"), 0);
}

/* a reload that names other interfaces: ac0 is no longer answered */
static void test_reconfigure(void **state)
{
	(void)state;
	snprintf(A.cfg.pppoe_ifaces[0], sizeof(A.cfg.pppoe_ifaces[0]), "eth9.*");
	pppoe_reconfigure(P);
	input(&(struct req){ .code = PPPOE_PADI, .service = "" });
	assert_int_equal(W.nsent, 0);
	snprintf(A.cfg.pppoe_ifaces[0], sizeof(A.cfg.pppoe_ifaces[0]), "ac0");
	assert_int_equal(pppoe_iface_set(P, IFX, "ac0", AC_MAC, 1500), 0);
	input(&(struct req){ .code = PPPOE_PADI, .service = "" });
	assert_int_equal(W.nsent, 1);
}

/*
 * With kernel PPPoE the PADS waits until pppd holds the session (its line
 * in /proc/net/pppoe: the id as the kernel prints its network-order field,
 * the client's MAC, the interface), so the client's first LCP frame finds
 * it; pppd runs silent.  A PADR meanwhile gets nothing; a pppd that exits
 * meanwhile sends no PADT (the client never learned the id).
 */
static void test_pads_waits_for_pppd(void **state)
{
	struct pppoe_msg pado, pads;
	uint8_t cookie[64];
	size_t clen;
	unsigned i;
	bool silent = false;
	struct req padr = { .code = PPPOE_PADR, .service = "", .host_uniq = "hu-1" };

	(void)state;
	input(&(struct req){ .code = PPPOE_PADI, .service = "", .host_uniq = "hu-1" });
	pado = sent(0);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	padr.cookie = cookie;
	padr.cookie_len = clen;
	input(&padr);
	assert_int_equal(W.nspawn, 1);
	assert_int_equal(W.nsent, 1); /* no PADS yet */
	for (i = 0; i < 32; i++) /* (the service is an empty argument) */
		silent |= strcmp(W.argv[0][i], "silent") == 0;
	assert_true(silent);
	input(&padr);                  /* retransmitted: still nothing, no 2nd pppd */
	assert_int_equal(W.nsent, 1);
	assert_int_equal(W.nspawn, 1);
	assert_int_equal(counter("padr_duplicate"), 1);
	/* another client's socket, another interface's, a mangled line: not it */
	snprintf(SOCKETS, sizeof(SOCKETS), "Id       Address              Device\n"
		 "%08X 02:c1:00:00:00:02      ac0\n%08X 02:c1:00:00:00:01      ac1\n"
		 "%08X 02:c1:00:00:00:01\n", htons(1), htons(1), htons(1));
	pppoe_socket_poll(P);
	assert_int_equal(W.nsent, 1);
	/* pppd's: the PADS, once */
	snprintf(SOCKETS, sizeof(SOCKETS), "Id       Address              Device\n"
		 "%08X 02:c1:00:00:00:01      ac0\n", htons(1));
	pppoe_socket_poll(P);
	assert_int_equal(W.nsent, 2);
	pads = sent(1);
	assert_int_equal(pads.code, PPPOE_PADS);
	assert_int_equal(pads.sid, 1);
	assert_tag(&pads.host_uniq, "hu-1");
	pppoe_socket_poll(P);
	assert_int_equal(W.nsent, 2);
	assert_int_equal(top("pads_after_pppd"), 1);
	input(&padr);                  /* now a retransmission gets the PADS again */
	assert_int_equal(W.nsent, 3);
	assert_int_equal(sent(2).code, PPPOE_PADS);

	/* a second client whose pppd exits before it holds the session: no
	 * PADS, no PADT; its next PADR starts another pppd */
	input(&(struct req){ .code = PPPOE_PADI, .src = CL2_MAC, .service = "" });
	pado = sent(3);
	clen = pado.cookie.len;
	memcpy(cookie, pado.cookie.p, clen);
	padr = (struct req){ .code = PPPOE_PADR, .src = CL2_MAC, .service = "",
			     .cookie = cookie, .cookie_len = clen };
	input(&padr);
	assert_int_equal(W.nspawn, 2);
	pppoe_child_exited(P, 7001);
	assert_int_equal(W.nsent, 4);
	assert_int_equal(counter("padt_out"), 0);
	input(&padr);
	assert_int_equal(W.nspawn, 3);
	/* acd stopping sends the waiting PADS: a restarted acd could not */
	pppoe_close(P);
	P = NULL;
	assert_int_equal(W.nsent, 5);
	pads = sent(4);
	assert_int_equal(pads.code, PPPOE_PADS);
	assert_memory_equal(pads.dst, CL2_MAC, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_padi_pado, setup, teardown),
		cmocka_unit_test_setup_teardown(test_padr_starts_pppd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acd_plugin_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmitted_padr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_retransmission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_cookies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_starting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_padi_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_padi_retry, setup, teardown_loop),
		cmocka_unit_test_setup_teardown(test_padi_retry_all, setup, teardown_loop),
		cmocka_unit_test_setup_teardown(test_pppd_exit_padt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_padt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawn_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
		cmocka_unit_test_prestate_setup_teardown(test_pads_waits_for_pppd, setup, teardown,
							 (void *)&fx_wait),
		cmocka_unit_test_setup_teardown(test_reconfigure, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
