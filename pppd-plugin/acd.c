/*
 * acd.c - acd.so, a pppd plugin: each session event (ip-up, ip-down,
 * ipv6-up, ipv6-down) goes to acd over its control socket as the hook
 * would send it, with the session's RADIUS attributes taken from
 * radius.so in memory, so that neither a hook process nor a radattr file
 * is needed.  See pppd-plugin/README.md.
 *
 *   plugin acd.so
 *   acd-socket /run/acd/acd.sock     (the default)
 *   acd-timeout 300                  (ms pppd may wait for acd, per attempt)
 *   acd-retry 30                     (s between attempts at most)
 *
 * Built against pppd 2.4.9 (Debian 12's ppp-dev), and against pppd 2.5's
 * API (PPPD_VERSION: accessors for what 2.4.9 has as globals, see the
 * compat section below).  pppd runs its notifiers
 * from its one loop: an event that acd cannot take at once is queued
 * (event.h) and tried again from a pppd timer, never waited for longer
 * than acd-timeout.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

/* pppd.h first: 2.4.9's has a bool of its own (unsigned char), which
 * <stdbool.h>, from event.h, would turn into a clash.  INET6: 2.4.9's
 * ipv6cp.h's eui64_t, as Debian's pppd is built. */
#define INET6 1
#include "pppd.h"
#include "fsm.h"
#include "ipcp.h"
#ifdef PPPD_VERSION /* 2.5: ipv6cp.h needs eui64_t first; option_t is in options.h */
#include "eui64.h"
#include "options.h"
#endif
#include "ipv6cp.h"

#include "acd_version.h"
#include "event.h"
#include "proto.h"

/*
 * pppd 2.4.9 and 2.5: what the plugin reads of pppd.  2.5 (which defines
 * PPPD_VERSION) made the globals functions and renamed the notifier and
 * option calls; it has no accessor for the link's speed, which acd does
 * not use: the hook's SPEED argument is then 0.
 */
#ifdef PPPD_VERSION
#define PPPD_V PPPD_VERSION
static const char *p_ifname(void) { return ppp_ifname(); }
static const char *p_devnam(void) { return ppp_devnam(); }
static const char *p_ipparam(void) { return ppp_ipparam(); }
static const char *p_remote_number(void) { return ppp_get_remote_number(); }
static int p_session(void) { return ppp_get_session_number(); }
static int p_speed(void) { return 0; }
static const char *p_peer(void)
{
	static char buf[MAXNAMELEN];

	return ppp_peer_authname(buf, sizeof(buf));
}
#define p_timeout(fn, ms) ppp_timeout((fn), NULL, (ms) / 1000, (ms) % 1000 * 1000)
#define p_untimeout(fn) ppp_untimeout((fn), NULL)
#define p_add_options(o) ppp_add_options(o)
#define p_notify(nf24, nf25, fn) ppp_add_notify((nf25), (fn), NULL)
#else
#define PPPD_V VERSION
static const char *p_ifname(void) { return ifname; }
static const char *p_devnam(void) { return devnam; }
static const char *p_ipparam(void) { return ipparam; }
static const char *p_remote_number(void) { return remote_number; }
static int p_session(void) { return ppp_session_number; }
static int p_speed(void) { return baud_rate; }
static const char *p_peer(void) { return peer_authname; }
#define p_timeout(fn, ms) timeout((fn), NULL, (ms) / 1000, (ms) % 1000 * 1000)
#define p_untimeout(fn) untimeout((fn), NULL)
#define p_add_options(o) add_options(o)
#define p_notify(nf24, nf25, fn) add_notifier(&(nf24), (fn), NULL)
#endif

/* what pppd looks up in a plugin; the rest stays hidden */
#define ACD_EXPORT __attribute__((visibility("default")))
ACD_EXPORT char pppd_version[] = PPPD_V;

static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)] = ACD_SOCKET_DEFAULT;
static int timeout_ms = 300;
static int retry_max_s = 30;
#define RETRY_BUSY_MS 50 /* the first wait when acd's listen queue was full */

static option_t options[] = {
	{ "acd-socket", o_string, sock_path, "acd's control socket",
	  OPT_PRIV | OPT_STATIC, NULL, sizeof(sock_path), 0, NULL, 0, 0 },
	{ "acd-timeout", o_int, &timeout_ms,
	  "how long pppd may wait for acd at one attempt (ms)", OPT_PRIV | OPT_LIMITS, NULL,
	  10000, 1, NULL, 0, 0 },
	{ "acd-retry", o_int, &retry_max_s,
	  "the longest wait between attempts to reach acd (s)", OPT_PRIV | OPT_LIMITS, NULL,
	  3600, 1, NULL, 0, 0 },
	{ NULL, 0, NULL, NULL, 0, NULL, 0, 0, NULL, 0, 0 },
};

/*
 * radius.so's attribute list, as its radiusclient.h lays it out
 * (VALUE_PAIR; the same in pppd 2.4.9 and 2.5): radius.so hands it to
 * radius_attributes_hook, and its rc_avpair_tostr() writes one as text.
 * Both are looked up at run time: radius.so may be loaded after us, or
 * not at all.
 */
struct rad_pair {
	char name[32 + 1];
	int attribute;
	int vendorcode;
	int type;
	unsigned int lvalue;
	unsigned char strvalue[253 + 1];
	struct rad_pair *next;
};
typedef void rad_hook_fn(struct rad_pair *);
typedef int rad_tostr_fn(struct rad_pair *, char *, int, char *, int);

static rad_hook_fn **rad_hook;          /* radius.so's radius_attributes_hook */
static rad_hook_fn *rad_next;           /* whoever had it before us (radattr.so) */
static rad_tostr_fn *rad_tostr;
static bool rad_tried;

/* the session's attributes as radattr.so would write them */
static char radattr[ACDEV_RADATTR_MAX];
static size_t radattr_len;
static bool radattr_set;

static struct acdev_queue queue;
static bool retry_armed, failing;
static int backoff_ms;
static unsigned long attempts;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0 when fd is ready for ev before deadline, else -ETIMEDOUT or -errno */
static int wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };

	for (;;) {
		long long left = deadline - now_ms();
		int rc;

		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* one request, one reply line; the reply's kind, or <0 when acd did not answer */
static int exchange(int fd, const char *line, size_t len, long long deadline)
{
	static char reply[ACD_REQUEST_MAX];
	size_t off = 0, got = 0;
	char *nl;
	int rc;

	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if ((rc = wait_fd(fd, POLLOUT, deadline)) < 0)
			return rc;
	}
	for (;;) {
		ssize_t n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0);

		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return -errno;
			if ((rc = wait_fd(fd, POLLIN, deadline)) < 0)
				return rc;
			continue;
		}
		got += (size_t)n;
		reply[got] = '\0';
		if ((nl = memchr(reply, '\n', got)) != NULL)
			break;
		if (got == sizeof(reply) - 1)
			return -EMSGSIZE;
	}
	rc = (int)acdev_reply_kind(reply, (size_t)(nl - reply));
	if (rc == ACDEV_REPLY_REFUSED) {
		*nl = '\0';
		/* %q: pppd quotes it; acd's error names the event and the value */
		error("acd: acd refused the %s event: %.300q", failing ? "queued" : "session's",
		      reply);
	}
	return rc;
}

/* Send what is queued, oldest first, within acd-timeout: 0 when the queue
 * is empty after, else -errno of what stopped it. */
static int flush(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + timeout_ms;
	const char *line;
	size_t len;
	int fd, rc = 0;

	attempts++;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, sock_path, sizeof(sa.sun_path) - 1);
	/* a unix socket connects at once or not at all: EAGAIN is a full
	 * listen queue, tried again later like a refusal */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while ((line = acdev_queue_peek(&queue, &len)) != NULL) {
		rc = exchange(fd, line, len, deadline);
		if (rc == ACDEV_REPLY_OK || rc == ACDEV_REPLY_REFUSED) {
			acdev_queue_pop(&queue);
			rc = 0;
			continue;
		}
		if (rc == ACDEV_REPLY_BUSY)
			rc = -EBUSY;
		else if (rc == ACDEV_REPLY_BAD)
			rc = -EPROTO;
		break;
	}
	close(fd);
	return rc;
}

static void retry(void *arg);

/* Try to deliver the queue now; when acd is away, again from a timer,
 * waiting twice as long each time up to acd-retry. */
static void deliver(void)
{
	int rc;

	if (!queue.n)
		return;
	rc = flush();
	if (!queue.n) {
		if (failing)
			notice("acd: acd reached again after %lu attempts: the queued events "
			       "are delivered", attempts);
		failing = false;
		attempts = 0;
		backoff_ms = 0;
		if (retry_armed)
			p_untimeout(retry);
		retry_armed = false;
		return;
	}
	if (!failing) {
		errno = -rc;
		warn("acd: cannot reach acd at %s: %m; %u event(s) queued, trying again",
		     sock_path, queue.n);
	}
	failing = true;
	if (retry_armed)
		return;
	/* a full listen queue (EAGAIN) is an acd that is there and busy, a
	 * storm of pppds at its socket: soon again.  Anything else (no
	 * socket, refused, no answer) is an acd away: from a second on. */
	if (!backoff_ms)
		backoff_ms = rc == -EAGAIN ? RETRY_BUSY_MS : 1000;
	else if (backoff_ms < retry_max_s * 1000)
		backoff_ms *= 2;
	if (backoff_ms > retry_max_s * 1000)
		backoff_ms = retry_max_s * 1000;
	p_timeout(retry, backoff_ms);
	retry_armed = true;
}

static void retry(void *arg)
{
	(void)arg;
	retry_armed = false;
	deliver();
}

static void addr4(u_int32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = a };

	if (!inet_ntop(AF_INET, &in, buf, (socklen_t)len))
		buf[0] = '\0';
}

/* fe80::/64 with pppd's interface identifier, as ipv6cp gives it to ipv6-up */
static void addr6(const eui64_t *id, char *buf, size_t len)
{
	struct in6_addr in = { 0 };

	in.s6_addr[0] = 0xfe;
	in.s6_addr[1] = 0x80;
	memcpy(&in.s6_addr[8], id, 8);
	if (!inet_ntop(AF_INET6, &in, buf, (socklen_t)len))
		buf[0] = '\0';
}

static void send_event(const char *event, bool v6, bool up)
{
	static char line[ACD_REQUEST_MAX + 2];
	struct acdev ev = { .event = event };
	char pid[16], speed[16], local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN];
	const char *ifn = p_ifname(), *ipp = p_ipparam(), *peer = p_peer();
	const char *mac = p_remote_number();
	int session = p_session();
	ssize_t n;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(speed, sizeof(speed), "%d", p_speed());
	if (v6) {
		addr6(&ipv6cp_gotoptions[0].ourid, local, sizeof(local));
		addr6(&ipv6cp_hisoptions[0].hisid, remote, sizeof(remote));
	} else {
		addr4(ipcp_gotoptions[0].ouraddr, local, sizeof(local));
		addr4(ipcp_hisoptions[0].hisaddr, remote, sizeof(remote));
	}
	/* the hook's arguments: IFACE TTY SPEED LOCAL REMOTE [IPPARAM] */
	ev.argv[ev.argc++] = ifn;
	ev.argv[ev.argc++] = p_devnam();
	ev.argv[ev.argc++] = speed;
	ev.argv[ev.argc++] = local;
	ev.argv[ev.argc++] = remote;
	if (ipp)
		ev.argv[ev.argc++] = ipp;
#define ENV(k, v) (ev.env[ev.nenv][0] = (k), ev.env[ev.nenv++][1] = (v))
	ENV("PPPD_PID", pid);
	ENV("IFNAME", ifn);
	if (peer && peer[0])
		ENV("PEERNAME", peer);
	ENV(v6 ? "LLLOCAL" : "IPLOCAL", local);
	ENV(v6 ? "LLREMOTE" : "IPREMOTE", remote);
	/* pppoe.so puts the client's MAC in remote_number (and MACREMOTE) */
	if (session && mac && mac[0])
		ENV("MACREMOTE", mac);
	if (ipp)
		ENV("PPP_IPPARAM", ipp);
#undef ENV
	ev.sid = session > 0 && session < 0xffff ? (unsigned)session : 0;
	if (up && radattr_set) {
		ev.radattr = radattr;
		ev.radattr_len = radattr_len;
	}
	n = acdev_encode(&ev, line, sizeof(line));
	if (n == -E2BIG && ev.radattr) {
		warn("acd: %s %s: the RADIUS attributes do not fit in one request: sent "
		     "without them (acd reads the radattr file, if radattr.so writes one)",
		     event, ifn);
		ev.radattr = NULL;
		n = acdev_encode(&ev, line, sizeof(line));
	}
	if (n < 0) {
		errno = (int)-n;
		error("acd: %s %s: cannot encode the event: %m", event, ifn);
		return;
	}
	if (acdev_queue_push(&queue, line, (size_t)n) == 1)
		warn("acd: %lu event(s) dropped, the oldest: more than %d waiting for acd",
		     queue.dropped, ACDEV_QUEUE_MAX);
	deliver();
}

static void on_ip_up(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	send_event("ip-up", false, true);
}

static void on_ip_down(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	send_event("ip-down", false, false);
}

static void on_ipv6_up(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	send_event("ipv6-up", true, true);
}

static void on_ipv6_down(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	send_event("ipv6-down", true, false);
}

/* radius.so's accepted attributes, at authentication, before IPCP */
static void on_radius(struct rad_pair *vp)
{
	static char name[64], value[2048];
	unsigned bad = 0, cut = 0;
	struct rad_pair *p;

	radattr_len = 0;
	radattr[0] = '\0';
	for (p = vp; p; p = p->next) {
		int rc;

		if (rad_tostr(p, name, sizeof(name), value, sizeof(value)) < 0) {
			bad++;
			continue;
		}
		rc = acdev_radattr_add(radattr, sizeof(radattr), &radattr_len, name, value);
		if (rc == -ENOSPC)
			cut++;
		else if (rc < 0)
			bad++;
	}
	radattr_set = true;
	if (bad || cut)
		warn("acd: RADIUS attributes: %u left out (not text radius.so can write), "
		     "%u over %d bytes", bad, cut, ACDEV_RADATTR_MAX);
	if (rad_next)
		rad_next(vp);
}

/* Take radius.so's attribute hook, once every plugin is loaded (radattr.so
 * sets the hook in its init: we call it in turn). */
static void take_radius_hook(void)
{
	rad_tried = true;
	rad_hook = (rad_hook_fn **)dlsym(RTLD_DEFAULT, "radius_attributes_hook");
	rad_tostr = (rad_tostr_fn *)dlsym(RTLD_DEFAULT, "rc_avpair_tostr");
	if (!rad_hook || !rad_tostr) {
		dbglog("acd: radius.so is not loaded: no RADIUS attributes to send");
		rad_hook = NULL;
		return;
	}
	if (*rad_hook == on_radius)
		return;
	rad_next = *rad_hook;
	*rad_hook = on_radius;
}

static void on_phase(void *arg, int phase_now)
{
	(void)arg;
	(void)phase_now;
	if (!rad_tried)
		take_radius_hook();
}

static void on_exit_(void *arg, int status)
{
	(void)arg;
	(void)status;
	if (retry_armed)
		p_untimeout(retry);
	retry_armed = false;
	deliver(); /* the downs pppd ran on its way out */
	if (retry_armed)
		p_untimeout(retry);
	if (queue.n)
		warn("acd: pppd exits with %u event(s) acd did not take: acd ends the session "
		     "when it sees the interface gone, or at its start", queue.n);
	acdev_queue_clear(&queue);
}

ACD_EXPORT void plugin_init(void);
void plugin_init(void)
{
	p_add_options(options);
	p_notify(phasechange, NF_PHASE_CHANGE, on_phase);
	p_notify(ip_up_notifier, NF_IP_UP, on_ip_up);
	p_notify(ip_down_notifier, NF_IP_DOWN, on_ip_down);
	p_notify(ipv6_up_notifier, NF_IPV6_UP, on_ipv6_up);
	p_notify(ipv6_down_notifier, NF_IPV6_DOWN, on_ipv6_down);
	p_notify(exitnotify, NF_EXIT, on_exit_);
	info("acd plugin %s loaded", ACD_VERSION);
}
