/*
 * tayga.c - backend = tayga: the user-space NAT64 on a tun device, for
 * kernels without Jool.  TAYGA maps each IPv6 host to an address of its
 * dynamic pool; the operator masquerades that pool out of the uplink.
 *
 * Running state: the pid file names a live "tayga" process, and the
 * installed tayga.conf equals the render.  Apply: install the config,
 * create the tun device (tayga --mktun), bring it up, route pool6 and the
 * dynamic pool into it, (re)start tayga.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nat64_int.h"

static int tayga_pid(const struct nat64_config *cfg)
{
	char *s, path[64], *comm;
	long pid;

	s = nat64_read_file(cfg->tayga_pidfile, 32);
	if (!s)
		return 0;
	pid = strtol(s, NULL, 10);
	free(s);
	if (pid <= 1 || kill((pid_t)pid, 0) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	comm = nat64_read_file(path, 32);
	if (!comm || strncmp(comm, "tayga", 5)) {
		free(comm);
		return 0;
	}
	free(comm);
	return (int)pid;
}

/* what runs: a live tayga named by the pid file, and whether its config is the render */
static int tayga_state(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_state *st)
{
	char *want = nat64_tayga_conf(cfg), *have;

	if (!want)
		return nat64_fail(ctx, NAT64_ENOMEM, "out of memory");
	have = nat64_read_file(cfg->tayga_config, 65536);
	st->tayga_config_same = have && strcmp(have, want) == 0;
	free(have);
	free(want);
	st->tayga_pid = tayga_pid(cfg);
	st->instance_exists = st->tayga_pid > 0;
	st->pool6 = cfg->pool6;
	st->pool6_set = st->instance_exists;
	return 0;
}

static void tayga_diff(const struct nat64_config *cfg, const struct nat64_state *st,
		       struct nat64_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (!st->tayga_config_same)
		nat64_plan_add(plan, NAT64_CH_TAYGA_CONFIG, "%s (differs from the render)",
			       cfg->tayga_config);
	if (!st->instance_exists)
		nat64_plan_add(plan, NAT64_CH_TAYGA_START, "tayga on %s (not running)",
			       cfg->tayga_device);
	plan->create = !st->instance_exists;
}

static int run_ok(struct nat64_ctx *ctx, const char *const argv[])
{
	struct nat64_run r;
	char msg[600];

	if (nat64_run(argv, &r) < 0)
		return nat64_fail(ctx, NAT64_EEXEC, "cannot run %s: %s (install %s)", argv[0],
				  strerror(errno), argv[0]);
	if (r.status != 0) {
		nat64_run_msg(&r, msg, sizeof(msg));
		nat64_run_free(&r);
		return nat64_fail(ctx, NAT64_EREJECTED, "%s %s %s failed (exit %d): %s", argv[0],
				  argv[1], argv[2] ? argv[2] : "", r.status, msg);
	}
	nat64_run_free(&r);
	return 0;
}

static void stop(int pid)
{
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 50 && kill(pid, 0) == 0; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

/* nat64_apply for TAYGA: plan is zeroed, the config has pool6 */
static int tayga_apply(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned flags,
		       struct nat64_plan *plan)
{
	char err[600], p6[64], p4[64], dir[PATH_MAX];
	char *conf, *slash;
	struct nat64_state st;
	int rc, pid, i;

	memset(&st, 0, sizeof(st));
	rc = tayga_state(ctx, cfg, &st);
	if (rc < 0)
		return rc;
	tayga_diff(cfg, &st, plan);
	if (!plan->n || (flags & NAT64_APPLY_DRY_RUN))
		return 0;
	conf = nat64_tayga_conf(cfg);
	if (!conf)
		return nat64_fail(ctx, NAT64_ENOMEM, "out of memory");
	if (nat64_mkdir_p(cfg->tayga_data_dir, 0755) < 0) {
		free(conf);
		return nat64_fail(ctx, NAT64_EIO, "cannot create %s: %s", cfg->tayga_data_dir,
				  strerror(errno));
	}
	rc = nat64_write_atomic(cfg->tayga_config, conf, 0644, err, sizeof(err));
	free(conf);
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EIO, "%s", err);
	/* a changed config needs a restart: tayga reads it once */
	stop(tayga_pid(cfg));
	{
		const char *mk[] = { ctx->tayga, "-c", cfg->tayga_config, "--mktun", NULL };
		const char *up[] = { ctx->ip, "link", "set", "dev", cfg->tayga_device, "up", NULL };
		const char *r4[] = { ctx->ip, "-4", "route", "replace",
				     nat64_prefix4_str(&cfg->tayga_pool, p4, sizeof(p4)), "dev",
				     cfg->tayga_device, NULL };
		const char *r6[] = { ctx->ip, "-6", "route", "replace",
				     nat64_prefix6_str(&cfg->pool6, p6, sizeof(p6)), "dev",
				     cfg->tayga_device, NULL };

		if ((rc = run_ok(ctx, mk)) < 0 || (rc = run_ok(ctx, up)) < 0 ||
		    (rc = run_ok(ctx, r4)) < 0 || (rc = run_ok(ctx, r6)) < 0)
			return rc;
	}
	snprintf(dir, sizeof(dir), "%s", cfg->tayga_pidfile);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		nat64_mkdir_p(dir, 0755);
	}
	unlink(cfg->tayga_pidfile);
	{
		const char *start[] = { ctx->tayga, "-c", cfg->tayga_config, "-p", cfg->tayga_pidfile,
					NULL };

		rc = run_ok(ctx, start);
		if (rc < 0)
			return rc;
	}
	for (i = 0, pid = 0; i < 50 && !(pid = tayga_pid(cfg)); i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (!pid)
		return nat64_fail(ctx, NAT64_EVERIFY, "tayga started but %s names no running tayga "
				  "after 5 s: see the system log", cfg->tayga_pidfile);
	return 0;
}

static int tayga_remove(struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	const char *rm[] = { ctx->tayga, "-c", cfg->tayga_config, "--rmtun", NULL };

	stop(tayga_pid(cfg));
	unlink(cfg->tayga_pidfile);
	if (access(cfg->tayga_config, R_OK) < 0)
		return 0;
	return run_ok(ctx, rm);
}

const struct nat64_backend_ops nat64_tayga_ops = {
	.state = tayga_state,
	.diff = tayga_diff,
	.apply = tayga_apply,
	.remove = tayga_remove,
};
