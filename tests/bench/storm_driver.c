/*
 * storm_driver - runs pppd hooks the way pppd runs them, many at a time,
 * and times each one: fork (posix_spawn) to exit.  Used by storm.sh.
 *
 *   storm_driver -m MODE -x PROGRAM [-s SOCKET] [-d RADATTR_DIR] [-u UPMODE]
 *                [-p PREFIX] [-f FIRST] [-n COUNT] [-c CONCURRENCY] [-l LIST]
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
 * children it waited for (pair: of the ip-up hooks).  With -o each session's "K latency_us exit" (pair: "K noop_us up_us").
 * Exit 0 if every hook exited 0, 1 if some failed, 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum mode { M_UP, M_DOWN, M_NOOP, M_PAIR, M_SHELL, M_UP6 };

struct opts {
	enum mode mode;
	const char *prog, *sock, *radattr_dir, *upmode, *prefix, *list, *errfile, *rawfile;
	long first, count, conc;
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
	fprintf(stderr, "usage: storm_driver -m up|down|noop|pair|shell -x PROGRAM [-s SOCKET]\n"
			"         [-d RADATTR_DIR] [-u UPMODE] [-p PREFIX] [-f FIRST] [-n COUNT]\n"
			"         [-c CONCURRENCY] [-l LISTFILE] [-e ERRFILE] [-o RAWFILE]\n");
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

static void build(const struct opts *o, enum mode m, long k, struct cmd *c)
{
	char ifname[32], local[32], remote[32], tty[32];
	int a = 0, e = 0;

	c->nb = 0;
	snprintf(ifname, sizeof(ifname), "%s%ld", o->prefix, k);
	snprintf(local, sizeof(local), "10.255.%ld.%ld", k / 250 % 250, k % 250 + 1);
	snprintf(remote, sizeof(remote), "100.64.%ld.%ld", k / 250, k % 250 + 2);
	snprintf(tty, sizeof(tty), "/dev/pts/%ld", k);
	if (m == M_UP6) {
		snprintf(local, sizeof(local), "fe80::1");
		snprintf(remote, sizeof(remote), "fe80::2:%lx:%lx", (k >> 16) & 0xffff, k & 0xffff);
	}
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
		c->envp[e++] = put(c, "PEERNAME=sub%05ld@isp.example", k);
		c->envp[e++] = put(c, m == M_UP6 ? "LLLOCAL=%s" : "IPLOCAL=%s", local);
		c->envp[e++] = put(c, m == M_UP6 ? "LLREMOTE=%s" : "IPREMOTE=%s", remote);
		c->envp[e++] = put(c, "MACREMOTE=02:00:%02lx:%02lx:%02lx:%02lx", (k >> 24) & 255,
				   (k >> 16) & 255, (k >> 8) & 255, k & 255);
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

int main(int argc, char **argv)
{
	struct opts o = { .mode = M_UP, .prefix = "ppp", .first = 0, .count = 1, .conc = 1 };
	struct job *jobs;
	long *keys, n, i, next = 0, running = 0, ok = 0, failed = 0;
	int64_t *lat, *lat2 = NULL, *cpu, t_start, wall;
	struct rusage ru;
	FILE *raw = NULL;
	int c, errfd = -1;

	while ((c = getopt(argc, argv, "m:x:s:d:u:p:f:n:c:l:e:o:")) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "up"))
				o.mode = M_UP;
			else if (!strcmp(optarg, "up6"))
				o.mode = M_UP6;
			else if (!strcmp(optarg, "down"))
				o.mode = M_DOWN;
			else if (!strcmp(optarg, "noop"))
				o.mode = M_NOOP;
			else if (!strcmp(optarg, "pair"))
				o.mode = M_PAIR;
			else if (!strcmp(optarg, "shell"))
				o.mode = M_SHELL;
			else
				usage();
			break;
		case 'x': o.prog = optarg; break;
		case 's': o.sock = optarg; break;
		case 'd': o.radattr_dir = optarg; break;
		case 'u': o.upmode = optarg; break;
		case 'p': o.prefix = optarg; break;
		case 'f': o.first = num("f", optarg, 0); break;
		case 'n': o.count = num("n", optarg, 1); break;
		case 'c': o.conc = num("c", optarg, 1); break;
		case 'l': o.list = optarg; break;
		case 'e': o.errfile = optarg; break;
		case 'o': o.rawfile = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !o.prog)
		usage();
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
	if (o.mode == M_PAIR)
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
	       (const char *[]){ "up", "down", "noop", "pair", "shell", "up6" }[o.mode], n, o.conc, ok,
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
