/*
 * acd.so as pppd runs it, without pppd: this program is the plugin's host.
 * It defines what acd.so takes from pppd (its globals, notifier chains,
 * timers, logging) and from radius.so (the attribute hook, rc_avpair_tostr),
 * loads the built acd.so with dlopen as pppd does, fires its notifiers and
 * plays acd on a unix socket from a thread.  Checked: an event reaches acd
 * as a hook request; with acd away pppd is not held up, the events queue
 * and a pppd timer delivers them in order when acd is back; an acd that
 * does not answer holds pppd at most acd-timeout; radius.so's attributes
 * travel in the up event, and the hook's earlier owner (radattr.so) is still
 * called; at exit what cannot be sent is dropped and no timer is left.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

/* pppd.h first, as acd.c does (its own bool) */
#define INET6 1
#include "pppd.h"
#include "fsm.h"
#include "ipcp.h"
#include "ipv6cp.h"

#include <cmocka.h>
#include <jansson.h>

/* ---- pppd, as far as acd.so uses it ---- */
char ifname[MAXIFNAMELEN] = "ppp7";
int baud_rate = 0;
char devnam[MAXPATHLEN] = "eth1";
char peer_authname[MAXNAMELEN] = "alice";
char remote_number[MAXNAMELEN] = "02:C1:00:00:00:01";
int ppp_session_number = 3;
char *ipparam;
struct notifier *pidchange, *phasechange, *exitnotify, *sigreceived, *ip_up_notifier,
	*ip_down_notifier, *ipv6_up_notifier, *ipv6_down_notifier, *auth_up_notifier,
	*link_down_notifier, *fork_notifier;
ipcp_options ipcp_wantoptions[1], ipcp_gotoptions[1], ipcp_allowoptions[1], ipcp_hisoptions[1];
ipv6cp_options ipv6cp_wantoptions[1], ipv6cp_gotoptions[1], ipv6cp_allowoptions[1],
	ipv6cp_hisoptions[1];

static option_t *opts;
static void (*timer_fn)(void *);
static int timer_ms; /* the pending timer's delay */
static unsigned warns, notices, errors;

void add_options(option_t *o)
{
	opts = o;
}

void add_notifier(struct notifier **chain, notify_func f, void *arg)
{
	struct notifier *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->func = f;
	n->arg = arg;
	n->next = *chain;
	*chain = n;
}

void notify(struct notifier *n, int v)
{
	for (; n; n = n->next)
		n->func(n->arg, v);
}

void timeout(void (*func)(void *), void *arg, int s, int us)
{
	(void)arg;
	assert_null(timer_fn); /* one at a time */
	timer_fn = func;
	timer_ms = s * 1000 + us / 1000;
}

void untimeout(void (*func)(void *), void *arg)
{
	(void)arg;
	if (timer_fn == func)
		timer_fn = NULL;
}

/* pppd's formats (%m, %q) are its own: only counted here */
void dbglog(char *fmt, ...)
{
	(void)fmt;
}
void info(char *fmt, ...)
{
	(void)fmt;
}
void notice(char *fmt, ...)
{
	(void)fmt;
	notices++;
}
void warn(char *fmt, ...)
{
	(void)fmt;
	warns++;
}
void error(char *fmt, ...)
{
	(void)fmt;
	errors++;
}

/* ---- radius.so, as far as acd.so uses it ---- */
struct rad_pair {
	char name[33];
	int attribute, vendorcode, type;
	unsigned int lvalue;
	unsigned char strvalue[254];
	struct rad_pair *next;
};
void (*radius_attributes_hook)(struct rad_pair *);
int rc_avpair_tostr(struct rad_pair *p, char *name, int ln, char *value, int lv);
int rc_avpair_tostr(struct rad_pair *p, char *name, int ln, char *value, int lv)
{
	snprintf(name, (size_t)ln, "%s", p->name);
	if (p->type == 1)
		snprintf(value, (size_t)lv, "%u", p->lvalue);
	else
		snprintf(value, (size_t)lv, "%s", (char *)p->strvalue);
	return 0;
}
static unsigned radattr_so_calls; /* the hook's owner before acd.so */
static void radattr_so(struct rad_pair *p)
{
	(void)p;
	radattr_so_calls++;
}

/* ---- acd, on a unix socket, from a thread ---- */
static char dir[64], sock[96];
static pthread_t srv;
static int lfd = -1;
static bool srv_silent, srv_crash;
static char got[8][9000];
static unsigned ngot;

static void *serve(void *arg)
{
	int fd;

	(void)arg;
	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		char buf[16384];
		size_t n = 0;
		ssize_t r;

		while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0) {
			char *nl;

			n += (size_t)r;
			while ((nl = memchr(buf, '\n', n)) != NULL) {
				size_t len = (size_t)(nl - buf);

				if (ngot < 8)
					snprintf(got[ngot++], sizeof(got[0]), "%.*s", (int)len, buf);
				if (srv_crash) /* read, maybe applied, never answered */
					break;
				memmove(buf, nl + 1, n - len - 1);
				n -= len + 1;
				if (!srv_silent && !srv_crash &&
				    write(fd, "{\"v\":1,\"ok\":true,\"data\":{}}\n", 29) != 29)
					break;
			}
			if (srv_crash)
				break;
		}
		close(fd);
	}
	return NULL;
}

/* acd's socket, not served yet: a listen queue of backlog */
static void acd_listen(int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, backlog), 0);
}

static void acd_serve(bool silent)
{
	srv_silent = silent;
	assert_int_equal(pthread_create(&srv, NULL, serve, NULL), 0);
}

static void acd_up(bool silent)
{
	acd_listen(8);
	acd_serve(silent);
}

static void acd_down(void)
{
	shutdown(lfd, SHUT_RDWR); /* accept() returns */
	pthread_join(srv, NULL);
	close(lfd);
	unlink(sock);
}

/* the pending pppd timer runs (pppd clears it before calling it) */
static void fire(void)
{
	void (*f)(void *) = timer_fn;

	assert_non_null(f);
	timer_fn = NULL;
	f(NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_opt(const char *name, const char *v)
{
	option_t *o;

	for (o = opts; o && o->name; o++) {
		if (strcmp(o->name, name) != 0)
			continue;
		if (o->type == o_string)
			snprintf(o->addr, (size_t)o->upper_limit, "%s", v);
		else
			*(int *)o->addr = atoi(v);
		return;
	}
	fail_msg("acd.so has no option %s", name);
}

static json_t *request(unsigned i)
{
	json_t *j = json_loads(got[i], 0, NULL);

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "cmd")), "hook");
	return j;
}

static int setup(void **state)
{
	void *h;
	void (*init)(void);

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/acd-test-plugin.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/acd.sock", dir);
	h = dlopen(ACD_PLUGIN, RTLD_NOW | RTLD_GLOBAL);
	if (!h)
		fail_msg("dlopen %s: %s", ACD_PLUGIN, dlerror());
	assert_string_equal((char *)dlsym(h, "pppd_version"), VERSION);
	init = (void (*)(void))dlsym(h, "plugin_init");
	assert_non_null(init);
	radius_attributes_hook = radattr_so; /* radattr.so, loaded before */
	init();
	set_opt("acd-socket", sock);
	set_opt("acd-timeout", "200");
	set_opt("acd-retry", "4");
	ipcp_gotoptions[0].ouraddr = htonl(0x64400001);
	ipcp_hisoptions[0].hisaddr = htonl(0x6440000a);
	notify(phasechange, PHASE_ESTABLISH); /* every plugin loaded */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(sock);
	rmdir(dir);
	return 0;
}

/* radius.so's answer, then IPCP up: one request with all of it */
static void test_delivered(void **state)
{
	struct rad_pair user = { .name = "User-Name", .type = 0 }, rate = {
		.name = "RP-Downstream-Speed-Limit", .type = 1, .lvalue = 12000 };
	json_t *j, *a, *env;
	char pid[16];

	(void)state;
	snprintf((char *)user.strvalue, sizeof(user.strvalue), "alice");
	user.next = &rate;
	assert_ptr_not_equal(radius_attributes_hook, radattr_so); /* acd.so took it */
	radius_attributes_hook(&user);
	assert_int_equal(radattr_so_calls, 1); /* and passed it on */
	acd_up(0);
	notify(ip_up_notifier, 0);
	assert_null(timer_fn);
	assert_int_equal(ngot, 1);
	j = request(0);
	a = json_object_get(j, "args");
	env = json_object_get(a, "env");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	assert_string_equal(json_string_value(json_object_get(a, "event")), "ip-up");
	assert_string_equal(json_string_value(json_object_get(a, "via")), "plugin");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "argv"), 0)),
			    "ppp7");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "argv"), 4)),
			    "100.64.0.10");
	assert_string_equal(json_string_value(json_object_get(env, "PPPD_PID")), pid);
	assert_string_equal(json_string_value(json_object_get(env, "PEERNAME")), "alice");
	assert_string_equal(json_string_value(json_object_get(env, "MACREMOTE")),
			    "02:C1:00:00:00:01");
	assert_int_equal(json_integer_value(json_object_get(a, "sid")), 3);
	assert_string_equal(json_string_value(json_object_get(a, "radattr")),
			    "User-Name alice\nRP-Downstream-Speed-Limit 12000\n");
	json_decref(j);
	acd_down();
	ngot = 0;
}

/* acd away: pppd goes on at once, the events wait, a timer delivers them
 * in order when acd is back */
static void test_queued(void **state)
{
	double t0;
	json_t *j;

	(void)state;
	warns = notices = 0;
	t0 = now();
	notify(ipv6_up_notifier, 0);
	notify(ip_down_notifier, 0);
	assert_true(now() - t0 < 0.1);
	assert_non_null(timer_fn);
	assert_int_equal(timer_ms, 1000);
	assert_int_equal(warns, 1); /* said once, not per event */
	/* still away: the wait doubles */
	fire();
	assert_non_null(timer_fn);
	assert_int_equal(timer_ms, 2000);
	fire();
	assert_int_equal(timer_ms, 4000);
	fire();
	assert_int_equal(timer_ms, 4000); /* acd-retry */
	assert_int_equal(warns, 1);
	assert_int_equal(ngot, 0);
	acd_up(0);
	fire();
	assert_null(timer_fn);
	assert_int_equal(notices, 1); /* reached again */
	assert_int_equal(ngot, 2);
	j = request(0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "args"),
							       "event")), "ipv6-up");
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_object_get(j, "args"), "argv"), 3)), "fe80::");
	json_decref(j);
	j = request(1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "args"),
							       "event")), "ip-down");
	assert_null(json_object_get(json_object_get(j, "args"), "radattr")); /* ups only */
	json_decref(j);
	acd_down();
	ngot = 0;
}

/* acd there but busy: its listen queue is full (a storm of pppds at its
 * socket).  The event waits, and is tried again within 50 ms, not the
 * second an acd that is away gets. */
static void test_busy(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *j;
	int filler;

	(void)state;
	warns = 0;
	acd_listen(0); /* one connection fills it */
	filler = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(filler >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	assert_int_equal(connect(filler, (struct sockaddr *)&sa, sizeof(sa)), 0);
	notify(ip_up_notifier, 0);
	assert_int_equal(ngot, 0);
	assert_non_null(timer_fn);
	assert_int_equal(timer_ms, 50);
	assert_int_equal(warns, 1);
	fire(); /* still full: the wait doubles */
	assert_int_equal(timer_ms, 100);
	close(accept(lfd, NULL, NULL)); /* the queue has room again */
	close(filler);
	acd_serve(0);
	fire();
	assert_null(timer_fn);
	assert_int_equal(ngot, 1);
	j = request(0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "args"),
							       "event")), "ip-up");
	json_decref(j);
	acd_down();
	ngot = 0;
}

/* an acd that takes the connection and never answers holds pppd no longer
 * than acd-timeout; the event stays queued */
static void test_silent(void **state)
{
	double t0, took;

	(void)state;
	acd_up(1);
	t0 = now();
	notify(ip_up_notifier, 0);
	took = now() - t0;
	assert_true(took >= 0.19);
	assert_true(took < 0.6);
	assert_non_null(timer_fn);
	assert_int_equal(ngot, 1);
	acd_down();
	ngot = 0;
}

/* acd killed (-9) between reading an event and answering it: the event
 * stays queued and goes again to the next acd (which takes it for a
 * repeat if it had applied it) */
static void test_crash(void **state)
{
	json_t *j;

	(void)state;
	acd_up(0); /* test_silent's event, delivered first */
	fire();
	assert_null(timer_fn);
	assert_int_equal(ngot, 1);
	acd_down();
	ngot = 0;
	srv_crash = 1;
	acd_up(0);
	notify(ip_up_notifier, 0);
	assert_int_equal(ngot, 1);
	assert_non_null(timer_fn);
	acd_down();
	srv_crash = 0;
	acd_up(0);
	fire();
	assert_null(timer_fn);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0], got[1]); /* the same request again */
	j = request(1);
	json_decref(j);
	acd_down();
	ngot = 0;
	/* an event for test_exit to leave behind */
	notify(ip_down_notifier, 0);
	assert_non_null(timer_fn);
}

/* pppd exits with acd away: one more try, then nothing left behind */
static void test_exit(void **state)
{
	(void)state;
	assert_non_null(timer_fn); /* test_crash's event */
	warns = 0;
	notify(exitnotify, 0);
	assert_null(timer_fn);
	assert_int_equal(warns, 1); /* names what was not delivered */
	/* the queue is empty: acd back, nothing is sent */
	acd_up(0);
	notify(phasechange, PHASE_DEAD);
	assert_int_equal(ngot, 0);
	acd_down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivered),
		cmocka_unit_test(test_queued),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_exit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
