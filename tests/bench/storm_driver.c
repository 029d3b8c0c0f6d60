/*
 * storm_driver - runs pppd hooks the way pppd runs them, many at a time,
 * and times each one: fork (posix_spawn) to exit; or sends acd what acd.so
 * in each pppd would, without a process per session.  Used by storm.sh.
 *
 *   storm_driver -m MODE [-x PROGRAM] [-s SOCKET] [-d RADATTR_DIR] [-u UPMODE]
 *                [-p PREFIX] [-f FIRST] [-n COUNT] [-c CONCURRENCY] [-r RATE] [-l LIST]
 *                [-e ERRFILE] [-o RAWFILE]
 *
 * MODE
 *   up     PROGRAM hook ip-up   IFACE /dev/pts/K 0 LOCAL REMOTE (PROGRAM: acdctl)
 *   down   PROGRAM hook ip-down IFACE /dev/pts/K 0 LOCAL REMOTE
 *   up6    PROGRAM hook ipv6-up IFACE /dev/pts/K 0 LLLOCAL LLREMOTE: an IPv6-only
 *          session (its pppd refused IPCP), link-locals fe80::1 and fe80::2:K
 *   noop   PROGRAM show stat    (a control round trip that changes nothing)
 *   pair   per session, one after the other: noop, then up; the difference
 *          of the two is acd's own share of the hook (apply + state save)
 *   shell  /bin/sh PROGRAM IFACE /dev/pts/K 0 LOCAL REMOTE (radattr-hook.sh)
 *   plugin what one pppd with acd.so does at ip-up, per session: connect to
 *          SOCKET, send the ip-up event as acd.so encodes it (its own
 *          serializer, pppd-plugin/event.c, linked in: argv, env, "via",
 *          "sid" K % 65534 + 1 and, with -d, "radattr": the attributes of
 *          RADATTR_DIR/radattr.IFACE as radius.so holds them in memory), read
 *          acd's reply, close.  Timed from the socket's creation to the
 *          reply's newline; CONCURRENCY sessions in flight at once, all in
 *          this one process (non-blocking sockets and poll), as many pppds
 *          would be.  No PROGRAM.  With -r RATE, open loop: session i is
 *          due at i/RATE s and timed from then, with CONCURRENCY in flight
 *          at most (a session that waits for a slot counts the wait); without,
 *          closed loop: the next starts as soon as one ends.
 *   show   `show session` of each session, one after the other on one
 *          connection to SOCKET: acd's reply lines to RAWFILE (what the
 *          storm made of them, for storm.sh to check).  No PROGRAM.
 *
 * Sessions are PREFIX+K for K = FIRST .. FIRST+COUNT-1, or the numbers in
 * LIST (a file, one K per line).  The hooks get the environment pppd 2.4.9
 * and Debian's /etc/ppp/ip-up give them (built here, never through a
 * shell), plus ACD_SOCKET (or, for shell, RADATTR_DIR and UPMODE).  At
 * most CONCURRENCY run at once, like the pppd children of a busy box.
 *
 * Output: one line of key=value on stdout:
 *   mode=up n=1000 conc=16 ok=1000 failed=0 wall_us=... per_s=...
 *   mean_us=... p50_us=... p90_us=... p99_us=... max_us=...
 * (pair: diff_*, noop_* and up_* instead), then cpu_mean_us ... cpu_max_us:
 * the CPU time (user + system, from wait4) of each hook process and the
 * children it waited for (pair: of the ip-up hooks; plugin: this process's
 * own over the storm / COUNT, the same for each session: what acd.so would
 * cost the pppds).  plugin adds rate=RATE, late=...: sessions acd answered
 * after acd.so's default acd-timeout (300 ms; acd.so would have queued the
 * event and sent it again a second later), and inflight_max=...: the most
 * sessions in flight at once.  With -o each session's "K latency_us
 * exit" (pair: "K noop_us up_us"; plugin: exit 0 when acd said ok; show:
 * acd's replies).  A plugin session that acd does not answer within 10 s
 * fails.  Exit 0 if every hook exited 0 (every event or show was taken),
 * 1 if some failed, 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "proto.h"

enum mode { M_UP, M_DOWN, M_NOOP, M_PAIR, M_SHELL, M_UP6, M_PLUGIN, M_SHOW };
static const char *const mode_name[] = { "up", "down", "noop", "pair", "shell", "up6", "plugin",
					  "show" };

struct opts {
	enum mode mode;
	const char *prog, *sock, *radattr_dir, *upmode, *prefix, *list, *errfile, *rawfile;
	long first, count, conc, rate;
};

struct job {
	pid_t pid;
	long k;
	int64_t t0;
};

#define NENV 24

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: storm_driver -m up|up6|down|noop|pair|shell -x PROGRAM [-s SOCKET]\n"
			"         [-d RADATTR_DIR] [-u UPMODE] [-p PREFIX] [-f FIRST] [-n COUNT]\n"
			"         [-c CONCURRENCY] [-l LISTFILE] [-e ERRFILE] [-o RAWFILE]\n"
			"       storm_driver -m plugin -s SOCKET [-d RADATTR_DIR] [-p PREFIX] [-f FIRST]\n"
			"         [-n COUNT] [-c CONCURRENCY] [-r RATE] [-l LISTFILE] [-e ERRFILE]\n"
			"         [-o RAWFILE]\n"
			"       storm_driver -m show -s SOCKET -o RAWFILE [-p PREFIX] [-f FIRST] [-n COUNT]\n"
			"         [-l LISTFILE]\n");
	exit(2);
}

static long num(const char *opt, const char *v, long min)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < min) {
		fprintf(stderr, "storm_driver: -%s \"%s\": want a number >= %ld\n", opt, v, min);
		exit(2);
	}
	return n;
}

/* Everything one spawned process needs, built without a shell. */
struct cmd {
	char *argv[12];
	char *envp[NENV + 1];
	char buf[NENV + 12][160];
	int nb;
};

static char *put(struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *put(struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	char *b = c->buf[c->nb++];

	va_start(ap, fmt);
	vsnprintf(b, sizeof(c->buf[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* Session K's interface, its addresses (IPv4; up6: link-local) and the
 * subscriber's MAC, the same in every mode */
struct sess {
	char ifname[32], local[32], remote[32], mac[32], peer[32];
};

static void sess_of(const struct opts *o, enum mode m, long k, struct sess *s)
{
	snprintf(s->ifname, sizeof(s->ifname), "%s%ld", o->prefix, k);
	snprintf(s->local, sizeof(s->local), "10.255.%ld.%ld", k / 250 % 250, k % 250 + 1);
	snprintf(s->remote, sizeof(s->remote), "100.64.%ld.%ld", k / 250, k % 250 + 2);
	if (m == M_UP6) {
		snprintf(s->local, sizeof(s->local), "fe80::1");
		snprintf(s->remote, sizeof(s->remote), "fe80::2:%lx:%lx", (k >> 16) & 0xffff,
			 k & 0xffff);
	}
	snprintf(s->mac, sizeof(s->mac), "02:00:%02lx:%02lx:%02lx:%02lx", (k >> 24) & 255,
		 (k >> 16) & 255, (k >> 8) & 255, k & 255);
	snprintf(s->peer, sizeof(s->peer), "sub%05ld@isp.example", k);
}

static void build(const struct opts *o, enum mode m, long k, struct cmd *c)
{
	struct sess s;
	char tty[32];
	const char *ifname = s.ifname, *local = s.local, *remote = s.remote;
	int a = 0, e = 0;

	c->nb = 0;
	sess_of(o, m, k, &s);
	snprintf(tty, sizeof(tty), "/dev/pts/%ld", k);
	/* pppd replaces the environment of its scripts */
	c->envp[e++] = put(c, "PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (m == M_SHELL) {
		c->argv[a++] = put(c, "/bin/sh");
		c->argv[a++] = put(c, "%s", o->prog);
		c->envp[e++] = put(c, "RADATTR_DIR=%s", o->radattr_dir ? o->radattr_dir : "/var/run");
		c->envp[e++] = put(c, "UPMODE=%s", o->upmode ? o->upmode : "police");
	} else {
		c->argv[a++] = put(c, "%s", o->prog);
		if (o->sock)
			c->envp[e++] = put(c, "ACD_SOCKET=%s", o->sock);
	}
	if (m == M_NOOP) {
		c->argv[a++] = put(c, "show");
		c->argv[a++] = put(c, "stat");
	} else {
		if (m != M_SHELL) {
			c->argv[a++] = put(c, "hook");
			c->argv[a++] = put(c, m == M_DOWN ? "ip-down" : m == M_UP6 ? "ipv6-up" : "ip-up");
		}
		c->argv[a++] = put(c, "%s", ifname);
		c->argv[a++] = put(c, "%s", tty);
		c->argv[a++] = put(c, "0");
		c->argv[a++] = put(c, "%s", local);
		c->argv[a++] = put(c, "%s", remote);
		/* pppd 2.4.9 */
		c->envp[e++] = put(c, "PPPD_PID=%d", (int)getpid());
		c->envp[e++] = put(c, "IFNAME=%s", ifname);
		c->envp[e++] = put(c, "DEVICE=%s", tty);
		c->envp[e++] = put(c, "SPEED=0");
		c->envp[e++] = put(c, "PEERNAME=%s", s.peer);
		c->envp[e++] = put(c, m == M_UP6 ? "LLLOCAL=%s" : "IPLOCAL=%s", local);
		c->envp[e++] = put(c, m == M_UP6 ? "LLREMOTE=%s" : "IPREMOTE=%s", remote);
		c->envp[e++] = put(c, "MACREMOTE=%s", s.mac);
		c->envp[e++] = put(c, "ORIG_UID=0");
		c->envp[e++] = put(c, "PPPLOGNAME=root");
		if (m == M_DOWN) {
			c->envp[e++] = put(c, "CONNECT_TIME=60");
			c->envp[e++] = put(c, "BYTES_SENT=0");
			c->envp[e++] = put(c, "BYTES_RCVD=0");
		}
		/* Debian's /etc/ppp/ip-up */
		c->envp[e++] = put(c, "PPP_IFACE=%s", ifname);
		c->envp[e++] = put(c, "PPP_TTY=%s", tty);
		c->envp[e++] = put(c, "PPP_SPEED=0");
		c->envp[e++] = put(c, "PPP_LOCAL=%s", local);
		c->envp[e++] = put(c, "PPP_REMOTE=%s", remote);
		c->envp[e++] = put(c, "PPP_IPPARAM=");
	}
	c->argv[a] = NULL;
	c->envp[e] = NULL;
}

static posix_spawn_file_actions_t fa;

static pid_t spawn(const struct opts *o, enum mode m, long k)
{
	struct cmd c;
	pid_t pid;
	int rc;

	build(o, m, k, &c);
	rc = posix_spawn(&pid, c.argv[0], &fa, NULL, c.argv, c.envp);
	if (rc) {
		fprintf(stderr, "storm_driver: cannot run %s: %s\n", c.argv[0], strerror(rc));
		exit(1);
	}
	return pid;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* nearest-rank percentile of a sorted array, in us */
static double pct(const int64_t *v, long n, double p)
{
	long r;

	if (n == 0)
		return 0;
	r = (long)(p / 100.0 * (double)n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return (double)v[r - 1] / 1000.0;
}

static double mean(const int64_t *v, long n)
{
	double s = 0;
	long i;

	for (i = 0; i < n; i++)
		s += (double)v[i];
	return n ? s / (double)n / 1000.0 : 0;
}

static void stats(const char *prefix, int64_t *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp64);
	printf(" %smean_us=%.1f %sp50_us=%.1f %sp90_us=%.1f %sp99_us=%.1f %smax_us=%.1f", prefix,
	       mean(v, n), prefix, pct(v, n, 50), prefix, pct(v, n, 90), prefix, pct(v, n, 99),
	       prefix, n ? (double)v[n - 1] / 1000.0 : 0);
}

static long *read_list(const char *path, long *n)
{
	FILE *f = fopen(path, "re");
	long *v = NULL, cap = 0, k;

	if (!f) {
		fprintf(stderr, "storm_driver: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*n = 0;
	while (fscanf(f, "%ld", &k) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, (size_t)cap * sizeof(*v));
			if (!v)
				exit(1);
		}
		v[(*n)++] = k;
	}
	fclose(f);
	return v;
}

/* Run one process to its end; returns its latency, *status its exit. */
static int64_t cpu_ns(const struct rusage *ru)
{
	return ((int64_t)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000 +
	       ((int64_t)ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000;
}

static int64_t run_one(const struct opts *o, enum mode m, long k, int *status, int64_t *cpu)
{
	int64_t t0 = now_ns();
	pid_t pid = spawn(o, m, k);
	struct rusage ru;
	int st;

	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(1);
		}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	*cpu = cpu_ns(&ru);
	return now_ns() - t0;
}

/* ---- plugin: acd.so's side of the storm, without pppd ---- */

#define PLUGIN_WAIT_NS (10 * (int64_t)1000000000) /* then a session fails */
#define PLUGIN_LATE_NS (300 * (int64_t)1000000)   /* acd.so's default acd-timeout */

/* The RADIUS attributes of radattr file path, as radius.so hands them to
 * acd.so (one "name value" a line, split at the first space), into buf
 * with acd.so's own acdev_radattr_add; their length. */
static size_t radattr_read(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	char line[2048];
	size_t len = 0;
	int ln = 0, rc;

	if (!f) {
		fprintf(stderr, "storm_driver: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *sp;

		ln++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		sp = strchr(line, ' ');
		if (sp)
			*sp = '\0';
		rc = acdev_radattr_add(buf, cap, &len, line, sp ? sp + 1 : "");
		if (rc < 0) {
			fprintf(stderr, "storm_driver: %s:%d: acd.so would not send this attribute: %s\n",
				path, ln, strerror(-rc));
			exit(2);
		}
	}
	fclose(f);
	return len;
}

/* Session k's ip-up as acd.so sends it from a pppd 2.4.9 with pppoe.so
 * (device the Ethernet interface, speed 0, no ipparam), encoded by
 * acd.so's own acdev_encode; a copy, *len its length. */
static char *plugin_request(const struct opts *o, long k, size_t *len)
{
	static char line[ACD_REQUEST_MAX + 2], radattr[ACDEV_RADATTR_MAX];
	struct acdev ev = { .event = "ip-up" };
	char pid[16], path[4096];
	struct sess s;
	ssize_t n;
	char *c;

	sess_of(o, M_PLUGIN, k, &s);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ev.argv[ev.argc++] = s.ifname;
	ev.argv[ev.argc++] = "eth0";
	ev.argv[ev.argc++] = "0";
	ev.argv[ev.argc++] = s.local;
	ev.argv[ev.argc++] = s.remote;
#define ENV(k_, v_) (ev.env[ev.nenv][0] = (k_), ev.env[ev.nenv++][1] = (v_))
	ENV("PPPD_PID", pid);
	ENV("IFNAME", s.ifname);
	ENV("PEERNAME", s.peer);
	ENV("IPLOCAL", s.local);
	ENV("IPREMOTE", s.remote);
	ENV("MACREMOTE", s.mac);
#undef ENV
	ev.sid = (unsigned)(k % 65534 + 1);
	if (o->radattr_dir) {
		snprintf(path, sizeof(path), "%s/radattr.%s", o->radattr_dir, s.ifname);
		ev.radattr = radattr;
		ev.radattr_len = radattr_read(path, radattr, sizeof(radattr));
	}
	n = acdev_encode(&ev, line, sizeof(line));
	if (n < 0) {
		fprintf(stderr, "storm_driver: %s: acd.so cannot encode its ip-up: %s\n", s.ifname,
			strerror((int)-n));
		exit(1);
	}
	c = malloc((size_t)n);
	if (!c)
		exit(1);
	memcpy(c, line, (size_t)n);
	*len = (size_t)n;
	return c;
}

/* one pppd's connection to acd */
struct pconn {
	int fd;                         /* -1: a free slot */
	long i;                         /* the session, an index into keys */
	int64_t t0;
	size_t off;                     /* of its request, sent */
	size_t got;
	char reply[4096];
};

struct plugin_run {
	const struct opts *o;
	const long *keys;
	char **req;
	size_t *len;
	int64_t *lat;
	FILE *raw, *err;
	long ok, failed, late, busy_max;
};

static void plugin_end(struct plugin_run *r, struct pconn *c, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The end of c's session: its latency (to now), a failure's reason to the
 * error file. */
static void plugin_end(struct plugin_run *r, struct pconn *c, bool ok, const char *fmt, ...)
{
	int64_t t = now_ns() - c->t0;
	va_list ap;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	r->lat[c->i] = t;
	if (ok)
		r->ok++;
	else
		r->failed++;
	if (t > PLUGIN_LATE_NS)
		r->late++;
	if (r->raw)
		fprintf(r->raw, "%ld %.1f %d\n", r->keys[c->i], (double)t / 1000.0, ok ? 0 : 1);
	if (!ok && r->err) {
		fprintf(r->err, "storm_driver: %s%ld: ", r->o->prefix, r->keys[c->i]);
		va_start(ap, fmt);
		vfprintf(r->err, fmt, ap);
		va_end(ap);
		fputc('\n', r->err);
	}
}

/* Send what is left of c's request, then read acd's reply; ends c once
 * the reply's newline is there or the connection fails. */
static void plugin_step(struct plugin_run *r, struct pconn *c)
{
	const char *req = r->req[c->i];
	size_t len = r->len[c->i];
	char *nl;

	while (c->off < len) {
		ssize_t n = send(c->fd, req + c->off, len - c->off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			plugin_end(r, c, false, "send: %s", strerror(errno));
			return;
		}
		c->off += (size_t)n;
	}
	for (;;) {
		ssize_t n = recv(c->fd, c->reply + c->got, sizeof(c->reply) - 1 - c->got, 0);

		if (n == 0) {
			plugin_end(r, c, false, "acd closed the connection without a reply");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			plugin_end(r, c, false, "recv: %s", strerror(errno));
			return;
		}
		c->got += (size_t)n;
		c->reply[c->got] = '\0';
		if ((nl = memchr(c->reply, '\n', c->got)) != NULL)
			break;
		if (c->got == sizeof(c->reply) - 1) {
			plugin_end(r, c, false, "a reply longer than %zu bytes", c->got);
			return;
		}
	}
	/* acd.so's own reading of the reply */
	*nl = '\0';
	if (acdev_reply_kind(c->reply, (size_t)(nl - c->reply)) == ACDEV_REPLY_OK)
		plugin_end(r, c, true, "ok");
	else
		plugin_end(r, c, false, "acd: %.300s", c->reply);
}

/* A pppd's ip-up: connect (a unix socket connects at once or fails: a
 * full listen queue is EAGAIN, which acd.so retries a second later) and
 * send.  Timed from t0 (0: now). */
static void plugin_start(struct plugin_run *r, struct pconn *c, long i, int64_t t0)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	c->i = i;
	c->off = c->got = 0;
	c->t0 = t0 ? t0 : now_ns();
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		plugin_end(r, c, false, "socket: %s", strerror(errno));
		return;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", r->o->sock);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		plugin_end(r, c, false, "connect %s: %s", r->o->sock, strerror(errno));
		return;
	}
	plugin_step(r, c);
}

/* When session i is due: rate 0, at once (closed loop: a new one as soon
 * as one ends); else at rate a second from t_start (open loop). */
static int64_t due(long i, long rate, int64_t t_start)
{
	return rate ? t_start + (int64_t)((double)i * 1e9 / (double)rate) : 0;
}

/* The storm: every session's ip-up, conc in flight at once at most; with
 * rate, each started when due (or when a slot frees, and timed from when
 * it was due). */
static void plugin_storm(struct plugin_run *r, long n, long conc, long rate)
{
	struct pconn *c = calloc((size_t)conc, sizeof(*c));
	struct pollfd *pf = calloc((size_t)conc, sizeof(*pf));
	long *slot = calloc((size_t)conc, sizeof(*slot));
	long next = 0, j, np;
	int64_t t, t_start = now_ns();
	struct timespec wait;

	if (!c || !pf || !slot)
		exit(1);
	for (j = 0; j < conc; j++)
		c[j].fd = -1;
	for (;;) {
		t = now_ns();
		for (j = 0; j < conc && next < n && due(next, rate, t_start) <= t; j++)
			if (c[j].fd < 0) {
				plugin_start(r, &c[j], next, due(next, rate, t_start));
				next++;
			}
		np = 0;
		for (j = 0; j < conc; j++) {
			if (c[j].fd < 0)
				continue;
			pf[np].fd = c[j].fd;
			pf[np].events = c[j].off < r->len[c[j].i] ? POLLOUT : POLLIN;
			pf[np].revents = 0;
			slot[np++] = j;
		}
		if (np > r->busy_max)
			r->busy_max = np;
		if (np == 0 && next == n)
			break;
		/* until the next is due, or 0.1 s (a slot that frees wakes us) */
		t = 100000000;
		if (next < n && np < conc)
			t = rate ? due(next, rate, t_start) - now_ns() : 0;
		if (t > 100000000)
			t = 100000000;
		if (t < 0)
			t = 0;
		wait.tv_sec = 0;
		wait.tv_nsec = (long)t;
		if (ppoll(pf, (nfds_t)np, &wait, NULL) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			exit(1);
		}
		for (j = 0; j < np; j++)
			if (pf[j].revents && c[slot[j]].fd >= 0)
				plugin_step(r, &c[slot[j]]);
		t = now_ns();
		for (j = 0; j < conc; j++)
			if (c[j].fd >= 0 && t - c[j].t0 > PLUGIN_WAIT_NS)
				plugin_end(r, &c[j], false, "no reply from acd within %d s",
					   (int)(PLUGIN_WAIT_NS / 1000000000));
	}
	free(c);
	free(pf);
	free(slot);
}

/* show: acd's `show session` of each, its reply lines to raw; how many
 * acd answered with ok */
static long show_sessions(const struct opts *o, const long *keys, long n, FILE *raw, long *failed)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *line = NULL, req[160];
	size_t cap = 0;
	long i, ok = 0;
	FILE *in;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o->sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    !(in = fdopen(fd, "r"))) {
		fprintf(stderr, "storm_driver: %s: %s\n", o->sock, strerror(errno));
		exit(1);
	}
	for (i = 0; i < n; i++) {
		int m = snprintf(req, sizeof(req),
				 "{\"v\":1,\"cmd\":\"show session\",\"args\":{\"id\":\"%s%ld\"}}\n",
				 o->prefix, keys[i]);
		ssize_t got;

		if (send(fd, req, (size_t)m, MSG_NOSIGNAL) != m ||
		    (got = getline(&line, &cap, in)) <= 0 || line[got - 1] != '\n') {
			fprintf(stderr, "storm_driver: show session %s%ld: acd did not answer\n",
				o->prefix, keys[i]);
			exit(1);
		}
		fputs(line, raw);
		if (acdev_reply_kind(line, (size_t)got - 1) == ACDEV_REPLY_OK)
			ok++;
		else
			++*failed;
	}
	free(line);
	fclose(in);
	return ok;
}

int main(int argc, char **argv)
{
	struct opts o = { .mode = M_UP, .prefix = "ppp", .first = 0, .count = 1, .conc = 1 };
	struct job *jobs;
	long *keys, n, i, next = 0, running = 0, ok = 0, failed = 0;
	int64_t *lat, *lat2 = NULL, *cpu, t_start, wall;
	struct rusage ru;
	FILE *raw = NULL;
	int c, errfd = -1;

	while ((c = getopt(argc, argv, "m:x:s:d:u:p:f:n:c:r:l:e:o:")) != -1) {
		switch (c) {
		case 'm':
			for (i = 0; i < (long)(sizeof(mode_name) / sizeof(mode_name[0])); i++)
				if (!strcmp(optarg, mode_name[i]))
					break;
			if (i == (long)(sizeof(mode_name) / sizeof(mode_name[0])))
				usage();
			o.mode = (enum mode)i;
			break;
		case 'x': o.prog = optarg; break;
		case 's': o.sock = optarg; break;
		case 'd': o.radattr_dir = optarg; break;
		case 'u': o.upmode = optarg; break;
		case 'p': o.prefix = optarg; break;
		case 'f': o.first = num("f", optarg, 0); break;
		case 'n': o.count = num("n", optarg, 1); break;
		case 'c': o.conc = num("c", optarg, 1); break;
		case 'r': o.rate = num("r", optarg, 0); break;
		case 'l': o.list = optarg; break;
		case 'e': o.errfile = optarg; break;
		case 'o': o.rawfile = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.mode == M_PLUGIN || o.mode == M_SHOW) {
		if (!o.sock || (o.mode == M_SHOW && !o.rawfile)) {
			fprintf(stderr, "storm_driver: -m %s needs -s SOCKET%s\n", mode_name[o.mode],
				o.mode == M_SHOW ? " and -o RAWFILE" : "");
			return 2;
		}
	} else if (!o.prog) {
		usage();
	}
	if (o.list) {
		keys = read_list(o.list, &n);
		if (n == 0) {
			fprintf(stderr, "storm_driver: %s: no session numbers\n", o.list);
			return 2;
		}
	} else {
		n = o.count;
		keys = malloc((size_t)n * sizeof(*keys));
		if (!keys)
			return 1;
		for (i = 0; i < n; i++)
			keys[i] = o.first + i;
	}
	if (o.mode == M_PAIR || o.mode == M_SHOW)
		o.conc = 1;
	/* the hooks' output: stdout to /dev/null, stderr to ERRFILE (appended) */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (o.errfile) {
		errfd = open(o.errfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (errfd < 0) {
			fprintf(stderr, "storm_driver: %s: %s\n", o.errfile, strerror(errno));
			return 2;
		}
		posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	}
	if (o.rawfile && !(raw = fopen(o.rawfile, "we"))) {
		fprintf(stderr, "storm_driver: %s: %s\n", o.rawfile, strerror(errno));
		return 2;
	}
	jobs = calloc((size_t)o.conc, sizeof(*jobs));
	lat = calloc((size_t)n, sizeof(*lat));
	cpu = calloc((size_t)n, sizeof(*cpu));
	if (o.mode == M_PAIR)
		lat2 = calloc((size_t)n, sizeof(*lat2));
	if (!jobs || !lat || !cpu || (o.mode == M_PAIR && !lat2))
		return 1;

	if (o.mode == M_SHOW) {
		ok = show_sessions(&o, keys, n, raw, &failed);
		fclose(raw);
		printf("mode=show n=%ld ok=%ld failed=%ld\n", n, ok, failed);
		return failed ? 1 : 0;
	}
	if (o.mode == M_PLUGIN) {
		struct plugin_run r = { .o = &o, .keys = keys, .lat = lat, .raw = raw };
		struct rusage r0, r1;
		int64_t self;

		/* pppd has the event's facts in memory: encoded before the clock runs */
		r.req = calloc((size_t)n, sizeof(*r.req));
		r.len = calloc((size_t)n, sizeof(*r.len));
		if (!r.req || !r.len)
			return 1;
		for (i = 0; i < n; i++)
			r.req[i] = plugin_request(&o, keys[i], &r.len[i]);
		if (errfd >= 0 && !(r.err = fdopen(errfd, "a")))
			return 1;
		getrusage(RUSAGE_SELF, &r0);
		t_start = now_ns();
		plugin_storm(&r, n, o.conc, o.rate);
		wall = now_ns() - t_start;
		getrusage(RUSAGE_SELF, &r1);
		self = (cpu_ns(&r1) - cpu_ns(&r0)) / n;
		for (i = 0; i < n; i++)
			cpu[i] = self;
		ok = r.ok;
		failed = r.failed;
		if (raw)
			fclose(raw);
		if (r.err)
			fclose(r.err);
		printf("mode=plugin n=%ld conc=%ld rate=%ld ok=%ld failed=%ld late=%ld inflight_max=%ld "
		       "wall_us=%.0f per_s=%.1f", n, o.conc, o.rate, ok, failed, r.late, r.busy_max,
		       (double)wall / 1000.0, (double)n / ((double)wall / 1e9));
		stats("", lat, n);
		stats("cpu_", cpu, n);
		printf("\n");
		return failed ? 1 : 0;
	}

	t_start = now_ns();
	if (o.mode == M_PAIR) {
		for (i = 0; i < n; i++) {
			int s1, s2;
			int64_t c1;

			lat2[i] = run_one(&o, M_NOOP, keys[i], &s1, &c1);
			lat[i] = run_one(&o, M_UP, keys[i], &s2, &cpu[i]);
			if (s1 == 0 && s2 == 0)
				ok++;
			else
				failed++;
			if (raw)
				fprintf(raw, "%ld %.1f %.1f %d\n", keys[i], (double)lat2[i] / 1000.0,
					(double)lat[i] / 1000.0, s1 ? s1 : s2);
		}
	} else {
		long done = 0;

		while (done < n) {
			int st, code;
			pid_t pid;
			int64_t t1;
			long j;

			while (running < o.conc && next < n) {
				for (j = 0; jobs[j].pid; j++)
					;
				jobs[j].k = next;
				jobs[j].t0 = now_ns();
				jobs[j].pid = spawn(&o, o.mode, keys[next]);
				next++;
				running++;
			}
			pid = wait4(-1, &st, 0, &ru);
			t1 = now_ns();
			if (pid < 0) {
				if (errno == EINTR)
					continue;
				perror("waitpid");
				return 1;
			}
			for (j = 0; j < o.conc && jobs[j].pid != pid; j++)
				;
			if (j == o.conc)
				continue; /* not ours */
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			lat[jobs[j].k] = t1 - jobs[j].t0;
			cpu[jobs[j].k] = cpu_ns(&ru);
			if (code == 0)
				ok++;
			else
				failed++;
			if (raw)
				fprintf(raw, "%ld %.1f %d\n", keys[jobs[j].k],
					(double)lat[jobs[j].k] / 1000.0, code);
			jobs[j].pid = 0;
			running--;
			done++;
		}
	}
	wall = now_ns() - t_start;
	if (raw)
		fclose(raw);

	printf("mode=%s n=%ld conc=%ld ok=%ld failed=%ld wall_us=%.0f per_s=%.1f",
	       mode_name[o.mode], n, o.conc, ok,
	       failed, (double)wall / 1000.0, (double)n / ((double)wall / 1e9));
	if (o.mode == M_PAIR) {
		int64_t *d = calloc((size_t)n, sizeof(*d));

		if (!d)
			return 1;
		for (i = 0; i < n; i++)
			d[i] = lat[i] - lat2[i];
		stats("diff_", d, n);
		stats("noop_", lat2, n);
		stats("up_", lat, n);
		free(d);
	} else {
		stats("", lat, n);
	}
	/* CPU time of each hook process and the children it waited for */
	stats("cpu_", cpu, n);
	printf("\n");
	return failed ? 1 : 0;
}
