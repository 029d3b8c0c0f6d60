/*
 * sessfx.c - the session core's effects on the world (struct session_fx):
 * the shaper, acd's rtnetlink owner, pppd's radattr and pid files,
 * signals.  The core calls nothing else, so a unit test can give it
 * effects of its own.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acd.h"
#include "log.h"
#include "radattr.h"
#include "rtnl.h"
#include "sessfx.h"
#include "sessrad.h"

static int fx_ifindex(void *ctx, const char *ifname)
{
	struct acd *a = ctx;

	return shaper_ifindex(a->sh, ifname);
}

static int fx_shape(void *ctx, const struct session *s, const struct shaper_policy *p,
		    char *err, size_t errlen)
{
	struct acd *a = ctx;
	uint64_t t0 = lat_now();
	int rc = shaper_apply(a->sh, s->ifindex, p);
	unsigned q = (unsigned)p->down.qdisc < 4 ? (unsigned)p->down.qdisc : 0;

	lat_add(&a->stats.shape, t0);
	a->stats.shaper_applies[q]++;
	if (rc < 0) {
		snprintf(err, errlen, "%s", shaper_errmsg(a->sh));
		snprintf(a->stats.last_error, sizeof(a->stats.last_error), "%s", err);
		a->stats.shaper_errors++;
		a->stats.shaper_apply_failures[q]++;
	}
	return rc;
}

static int fx_clear(void *ctx, const struct session *s, char *err, size_t errlen)
{
	struct acd *a = ctx;
	int rc = shaper_clear(a->sh, s->ifindex);

	if (rc < 0) {
		snprintf(err, errlen, "%s", shaper_errmsg(a->sh));
		a->stats.shaper_clear_failures++;
	}
	return rc;
}

static int fx_gc(void *ctx)
{
	struct acd *a = ctx;

	return shaper_gc(a->sh);
}

static void fx_policy(void *ctx, struct session *s)
{
	sessrad_policy(ctx, s);
}

static void fx_user(void *ctx, struct session *s)
{
	sessrad_user(ctx, s);
}

/* Only signal a process that is still this session's pppd. */
static bool fx_is_pppd(void *ctx, pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	(void)ctx;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "pppd", 4) == 0;
}

static int fx_terminate(void *ctx, pid_t pid)
{
	(void)ctx;
	return kill(pid, SIGTERM) < 0 ? -errno : 0;
}

/* pppd writes its pid to PID-DIR/IFNAME.pid ("%d\n"); the file is read
 * as every file a session names is (docs/untrusted-files.md), its first
 * line parsed strictly, and believed only if that process is a pppd */
#define PIDFILE_MAX 64 /* "%d\n", and an interface name after it in pppd's link pid files */

static pid_t fx_pid_file(void *ctx, const char *ifname)
{
	struct acd *a = ctx;
	char path[PATH_MAX + 32], err[PATH_MAX + 256], q[RADATTR_QUOTE_SIZE], *buf = NULL;
	size_t len, n;
	pid_t pid = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.pid", a->cfg.pid_dir, ifname);
	rc = radattr_read_untrusted(path, "pid file", PIDFILE_MAX, &buf, &len, err, sizeof(err));
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		log_warnx("sess=%s event=pid-file-refused %s: pppd's pid stays unknown", ifname, err);
		return 0;
	}
	n = strcspn(buf, "\n"); /* the first line; buf is NUL-terminated */
	if (radattr_parse_pid(buf, n, &pid) < 0) {
		radattr_quote(buf, n, q, sizeof(q));
		log_warnx("sess=%s event=pid-file-refused %s: \"%s\" is not a process id: pppd's "
			  "pid stays unknown", ifname, path, q);
		pid = 0;
	}
	free(buf);
	return pid && fx_is_pppd(ctx, pid) ? pid : 0;
}

static ssize_t fx_links(void *ctx, const int *only, size_t nonly, struct rtnl_linkaddr **out)
{
	struct acd *a = ctx;
	ssize_t n = rtnl_links(a->rtnl, a->cfg.ifprefix, only, nonly, out);
	int rc;

	/* without the addresses, sessions found at start-up lack their IPs
	 * and no link counts as addressed for adoption */
	if (n > 0 && (rc = rtnl_addrs(a->rtnl, *out, (size_t)n)) < 0)
		log_warnx("reconcile: cannot list addresses (%s): sessions found without a saved "
			  "record lack their IPs", strerror(-rc));
	return n;
}

static int fx_peer_lls(void *ctx, struct rtnl_linkaddr *v, size_t n)
{
	struct acd *a = ctx;

	return rtnl_peer_lls(a->rtnl, v, n);
}

const struct session_fx sessfx = {
	.ifindex = fx_ifindex,
	.shape = fx_shape,
	.clear = fx_clear,
	.gc = fx_gc,
	.policy = fx_policy,
	.user = fx_user,
	.is_pppd = fx_is_pppd,
	.terminate = fx_terminate,
	.pid_file = fx_pid_file,
	.links = fx_links,
	.peer_lls = fx_peer_lls,
};
