/*
 * bench_shaper.c - the shaper's side of the shaper benchmark (run.sh).
 *
 * In a network namespace that already holds COUNT interfaces PREFIX0..
 * and one radattr file per interface, do per session what acd will do:
 * read and parse DIR/radattr.IFACE, resolve the interface, build the
 * policy (tbf down, police or IFB+tbf up; with -P, a profile's qdiscs as
 * acd's [shaper] profile picks them on this kernel) and call
 * shaper_apply().  The
 * file is read for every session, as the shell hook reads it, so both
 * sides pay for the same I/O.  Process start-up is not counted: the
 * daemon is long-running, and one handle serves every session.
 *
 * Output: one "key=value ..." line per pass for run.sh, then peak RSS:
 *   pass=apply sessions=1000 upmode=ifb profile=- total_us=... per_session_us=...
 *       ... user_us=... sys_us=...  (this process's CPU in the pass: the
 *       kernel's share is sys, netlink requests run in the sender's context)
 *   pass=reapply ...          (with -r: the same policies again, a no-op)
 *   maxrss_kb=...
 * Exit 0, or 1 with the shaper's message on stderr at the first failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "shaper.h"

#define ATTR_DOWN "RP-Downstream-Speed-Limit"
#define ATTR_UP   "RP-Upstream-Speed-Limit"

struct bench {
	struct shaper *sh;
	const char *dir;
	const char *prefix;
	enum shaper_upmode upmode;
	struct shaper_policy tmpl;  /* -P: the profile's qdiscs, leaves and upmode */
	const char *profile;        /* -P's name, NULL without */
	long count;
	uint64_t *ns;           /* per-session durations of the current pass */
	char *line;             /* getline buffer, reused */
	size_t linecap;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Read the two RP-*-Speed-Limit attributes (kbit/s) from a radattr file:
 * "Name Value" per line, split at the first space.  Both must be there:
 * a benchmark that shapes nothing proves nothing.
 */
static int read_radattr(struct bench *b, const char *path, struct shaper_policy *p)
{
	char err[160];
	bool have_down = false, have_up = false;
	ssize_t len;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "bench_shaper: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&b->line, &b->linecap, f)) > 0) {
		char *val;
		uint64_t *rate;

		if (b->line[len - 1] == '\n')
			b->line[--len] = '\0';
		val = strchr(b->line, ' ');
		if (!val)
			continue;
		*val++ = '\0';
		if (strcmp(b->line, ATTR_DOWN) == 0) {
			rate = &p->down.rate;
			have_down = true;
		} else if (strcmp(b->line, ATTR_UP) == 0) {
			rate = &p->up.rate;
			have_up = true;
		} else {
			continue;
		}
		if (shaper_rate_parse(val, 1000, rate, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_shaper: %s: %s: %s\n", path, b->line, err);
			rc = -1;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "bench_shaper: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	if (rc == 0 && (!have_down || !have_up)) {
		fprintf(stderr, "bench_shaper: %s: no %s\n", path,
			have_down ? ATTR_UP : ATTR_DOWN);
		rc = -1;
	}
	return rc;
}

/* One session: what acd does when the ip-up hook reports IFNAME. */
static int session(struct bench *b, long i)
{
	char ifname[16], path[4096];
	struct shaper_policy p;
	int n, ifindex, rc;

	n = snprintf(ifname, sizeof(ifname), "%s%ld", b->prefix, i);
	if (n < 0 || (size_t)n >= sizeof(ifname)) {
		fprintf(stderr, "bench_shaper: interface name %s%ld too long\n", b->prefix, i);
		return -1;
	}
	n = snprintf(path, sizeof(path), "%s/radattr.%s", b->dir, ifname);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "bench_shaper: radattr path too long\n");
		return -1;
	}

	memset(&p, 0, sizeof(p));
	if (read_radattr(b, path, &p) < 0)
		return -1;
	if (b->profile) {
		p.down.qdisc = b->tmpl.down.qdisc;
		p.down.leaf = b->tmpl.down.leaf;
		p.up.qdisc = b->tmpl.up.qdisc;
		p.up.leaf = b->tmpl.up.leaf;
		p.upmode = b->tmpl.upmode;
	} else {
		p.down.qdisc = SHAPER_QDISC_TBF;
		p.up.qdisc = SHAPER_QDISC_TBF;  /* used in ifb mode only */
		p.upmode = b->upmode;
	}

	ifindex = shaper_ifindex(b->sh, ifname);
	if (ifindex < 0) {
		fprintf(stderr, "bench_shaper: %s\n", shaper_errmsg(b->sh));
		return -1;
	}
	rc = shaper_apply(b->sh, ifindex, &p);
	if (rc < 0) {
		fprintf(stderr, "bench_shaper: %s (%s)\n", shaper_errmsg(b->sh),
			shaper_strerror(rc));
		return -1;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array, in µs. */
static double pct_us(const uint64_t *v, long n, double pct)
{
	long k = (long)((pct / 100.0) * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return (double)v[k - 1] / 1000.0;
}

static double tv_us(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e6 + (double)tv->tv_usec;
}

static int run_pass(struct bench *b, const char *name)
{
	struct rusage r0, r1;
	uint64_t start, total;
	long i;

	getrusage(RUSAGE_SELF, &r0);
	start = now_ns();
	for (i = 0; i < b->count; i++) {
		uint64_t t0 = now_ns();

		if (session(b, i) < 0)
			return -1;
		b->ns[i] = now_ns() - t0;
	}
	total = now_ns() - start;
	getrusage(RUSAGE_SELF, &r1);

	qsort(b->ns, (size_t)b->count, sizeof(b->ns[0]), cmp_u64);
	printf("pass=%s sessions=%ld upmode=%s profile=%s total_us=%.0f per_session_us=%.1f "
	       "p50_us=%.1f p99_us=%.1f max_us=%.1f user_us=%.0f sys_us=%.0f\n",
	       name, b->count,
	       shaper_upmode_name(b->profile ? b->tmpl.upmode : b->upmode),
	       b->profile ? b->profile : "-", (double)total / 1000.0,
	       (double)total / 1000.0 / (double)b->count, pct_us(b->ns, b->count, 50),
	       pct_us(b->ns, b->count, 99), pct_us(b->ns, b->count, 100),
	       tv_us(&r1.ru_utime) - tv_us(&r0.ru_utime),
	       tv_us(&r1.ru_stime) - tv_us(&r0.ru_stime));
	fflush(stdout);
	return 0;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: bench_shaper -d RADATTR_DIR -n COUNT [-p PREFIX] [-u police|ifb | -P PROFILE] [-r]\n"
		"  apply the policy from RADATTR_DIR/radattr.PREFIXi to PREFIXi, i < COUNT\n"
		"  (PREFIX default ppp, upload mode default police, tbf both ways);\n"
		"  -P: the qdiscs of profile auto, fq_codel, cake or tbf, as acd picks them\n"
		"      after probing this kernel (an error if it lacks them);\n"
		"  -r: apply everything a second time and report that pass too\n");
}

int main(int argc, char **argv)
{
	struct bench b = { .prefix = "ppp", .upmode = SHAPER_UP_POLICE };
	enum shaper_profile want = SHAPER_PROFILE_AUTO, chosen;
	struct shaper_caps caps;
	bool reapply = false;
	char why[256] = "";
	struct rusage ru;
	char *end;
	int opt, rc;

	while ((opt = getopt(argc, argv, "d:n:p:u:P:rh")) != -1) {
		switch (opt) {
		case 'd':
			b.dir = optarg;
			break;
		case 'n':
			errno = 0;
			b.count = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || b.count < 1 || b.count > 1000000) {
				fprintf(stderr, "bench_shaper: -n \"%s\": want 1..1000000\n", optarg);
				return 2;
			}
			break;
		case 'p':
			b.prefix = optarg;
			break;
		case 'u':
			if (shaper_upmode_parse(optarg, &b.upmode) < 0) {
				fprintf(stderr, "bench_shaper: -u \"%s\": use police or ifb\n", optarg);
				return 2;
			}
			break;
		case 'P':
			if (shaper_profile_parse(optarg, &want) < 0) {
				fprintf(stderr, "bench_shaper: -P \"%s\": use auto, fq_codel, cake "
					"or tbf\n", optarg);
				return 2;
			}
			b.profile = optarg;
			break;
		case 'r':
			reapply = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!b.dir || b.count == 0 || optind != argc) {
		usage(stderr);
		return 2;
	}

	b.ns = calloc((size_t)b.count, sizeof(b.ns[0]));
	if (!b.ns) {
		fprintf(stderr, "bench_shaper: out of memory\n");
		return 1;
	}
	rc = shaper_open(&b.sh);
	if (rc < 0) {
		fprintf(stderr, "bench_shaper: shaper_open: %s\n", shaper_strerror(rc));
		free(b.ns);
		return 1;
	}

	if (b.profile) {
		rc = shaper_probe(b.sh, &caps);
		if (rc == 0)
			rc = shaper_profile_pick(want, &caps, &b.tmpl, &chosen, why, sizeof(why));
		if (rc < 0) {
			fprintf(stderr, "bench_shaper: -P %s: %s\n", b.profile,
				why[0] ? why : shaper_errmsg(b.sh));
			shaper_close(b.sh);
			free(b.ns);
			return 1;
		}
		b.profile = shaper_profile_name(chosen);
	}

	rc = run_pass(&b, "apply");
	if (rc == 0 && reapply)
		rc = run_pass(&b, "reapply");

	shaper_close(b.sh);
	free(b.line);
	free(b.ns);
	if (rc < 0)
		return 1;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("maxrss_kb=%ld\n", ru.ru_maxrss);
	return 0;
}
