/*
 * jool.c - backend = jool: the running state of a Jool instance, the plan
 * against a config, and the atomic apply through `jool file handle`.
 *
 * Jool has no library for its userspace configuration: we drive its CLI
 * (argv, never a shell) and read its --csv output (jool_csv.c).  Every
 * change goes through one `jool file handle` of the whole rendered JSON,
 * which Jool applies atomically: a rejected file leaves the running
 * configuration untouched.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nat64_int.h"

/* ---- running jool ---- */

/* Run jool with args; on a failure to run or a non-zero exit, set ctx->err. */
static int jool_run(struct nat64_ctx *ctx, struct nat64_run *r, const char *what, ...)
{
	const char *argv[16];
	unsigned n = 0;
	va_list ap;
	const char *a;
	char msg[700];
	int rc;

	argv[n++] = ctx->jool;
	va_start(ap, what);
	while ((a = va_arg(ap, const char *)) && n < 15)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	rc = nat64_run(argv, r);
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EEXEC, "cannot run %s (%s): %s; install jool-tools",
				  ctx->jool, what, strerror(errno));
	if (r->status == 0)
		return 0;
	nat64_run_msg(r, msg, sizeof(msg));
	if (r->status == 253 || strstr(msg, "socket family"))
		return nat64_fail(ctx, NAT64_ENOMODULE, "jool %s: %s (exit %d): load the module "
				  "(modprobe jool; package jool-dkms) or set backend = tayga",
				  what, msg, r->status);
	return nat64_fail(ctx, NAT64_EREJECTED, "jool %s failed (exit %d): %s", what, r->status, msg);
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* The loaded module's version from sysfs ("" when not loaded or unknown). */
static bool module_version(struct nat64_ctx *ctx, char *ver, size_t len)
{
	char path[PATH_MAX + 32];
	struct stat sb;
	char *s;

	ver[0] = '\0';
	snprintf(path, sizeof(path), "%s/jool", ctx->sysfs_module);
	if (stat(path, &sb) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/jool/version", ctx->sysfs_module);
	s = nat64_read_file(path, 64);
	if (!s) {
		snprintf(path, sizeof(path), "%s/jool_common/version", ctx->sysfs_module);
		s = nat64_read_file(path, 64);
	}
	if (s) {
		trim(s);
		snprintf(ver, len, "%s", s);
		free(s);
	}
	return true;
}

static int tools_version(struct nat64_ctx *ctx, char *ver, size_t len)
{
	struct nat64_run r;
	int rc = jool_run(ctx, &r, "--version", "--version", NULL);

	if (rc == 0) {
		trim(r.out);
		snprintf(ver, len, "%s", r.out);
	}
	nat64_run_free(&r);
	return rc;
}

static const char *const proto_flag[] = { "--tcp", "--udp", "--icmp" };

/* what runs: the module and the tools, and cfg's instance in this network namespace */
static int jool_state(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_state *st)
{
	const char *const *flag = proto_flag;
	struct nat64_run r;
	int rc, p;

	st->module_loaded = module_version(ctx, st->module_version, sizeof(st->module_version));
	rc = tools_version(ctx, st->tools_version, sizeof(st->tools_version));
	if (rc < 0)
		return rc;
	if (!st->module_loaded)
		return 0;
	/* "Running" or "Dead" for this network namespace */
	rc = jool_run(ctx, &r, "instance status", "-i", cfg->instance, "instance", "status", NULL);
	if (rc < 0) {
		nat64_run_free(&r);
		return rc;
	}
	st->instance_exists = strncmp(r.out, "Running", 7) == 0;
	nat64_run_free(&r);
	if (!st->instance_exists)
		return 0;
	rc = jool_run(ctx, &r, "instance display", "instance", "display", "--csv", "--no-headers", NULL);
	if (rc == 0)
		rc = nat64_parse_instance_csv(r.out, cfg->instance, &st->framework, &st->framework_known);
	if (rc == -NAT64_EPARSE)
		nat64_fail(ctx, NAT64_EPARSE, "cannot read `jool instance display --csv`: %.200s", r.out);
	nat64_run_free(&r);
	if (rc < 0)
		return rc;
	rc = jool_run(ctx, &r, "global display", "-i", cfg->instance, "global", "display", "--csv", NULL);
	if (rc == 0)
		rc = nat64_parse_global_csv(r.out, &st->pool6, &st->pool6_set);
	if (rc == -NAT64_EPARSE)
		nat64_fail(ctx, NAT64_EPARSE, "cannot find pool6 in `jool global display --csv`: %.200s",
			   r.out);
	nat64_run_free(&r);
	if (rc < 0)
		return rc;
	/* pool4 display shows one protocol's table at a time (TCP by default) */
	for (p = 0; p < 3; p++) {
		unsigned n = 0;

		rc = jool_run(ctx, &r, "pool4 display", "-i", cfg->instance, "pool4", "display",
			      flag[p], "--csv", "--no-headers", NULL);
		if (rc == 0)
			rc = nat64_parse_pool4_csv(r.out, st->pool4 + st->npool4,
						   NAT64_STATE_POOL4_MAX - st->npool4, &n);
		if (rc == -NAT64_EPARSE)
			nat64_fail(ctx, NAT64_EPARSE, "cannot read `jool pool4 display %s --csv` (or more "
				   "than %d entries): %.200s", flag[p], NAT64_STATE_POOL4_MAX, r.out);
		nat64_run_free(&r);
		if (rc < 0)
			return rc;
		st->npool4 += n;
	}
	return 0;
}

/* the state afresh, as nat64_state_read reads it */
static int jool_read(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_state *st)
{
	memset(st, 0, sizeof(*st));
	ctx->err[0] = '\0';
	return jool_state(ctx, cfg, st);
}

/* ---- plan ---- */

static bool entry_eq(const struct nat64_pool4_entry *a, const struct nat64_pool4_entry *b)
{
	return a->mark == b->mark && a->proto == b->proto && a->prefix.len == b->prefix.len &&
	       a->prefix.addr.s_addr == b->prefix.addr.s_addr && a->port_min == b->port_min &&
	       a->port_max == b->port_max && a->max_iterations == b->max_iterations;
}

static void entry_str(const struct nat64_pool4_entry *e, char *buf, size_t len)
{
	char p[64];
	size_t o;

	o = (size_t)snprintf(buf, len, "pool4 %s %s %u-%u", nat64_proto_name(e->proto),
			     nat64_prefix4_str(&e->prefix, p, sizeof(p)), e->port_min, e->port_max);
	if (o < len && e->mark)
		o += (size_t)snprintf(buf + o, len - o, " mark %u", e->mark);
	if (o < len && e->max_iterations == NAT64_ITER_INFINITY)
		snprintf(buf + o, len - o, " max-iterations infinity");
	else if (o < len && e->max_iterations != NAT64_ITER_AUTO)
		snprintf(buf + o, len - o, " max-iterations %u", e->max_iterations);
}

static void jool_diff(const struct nat64_config *cfg, const struct nat64_state *st,
		      struct nat64_plan *plan)
{
	struct nat64_pool4_entry want[NAT64_STATE_POOL4_MAX];
	unsigned nwant, i, j;
	char a[64], b[64], t[160];
	const char *fw = cfg->framework == NAT64_FW_IPTABLES ? "iptables" : "netfilter";
	bool fresh;

	memset(plan, 0, sizeof(*plan));
	nwant = nat64_pool4_entries(cfg, want, NAT64_STATE_POOL4_MAX);
	fresh = !st->instance_exists;
	if (fresh) {
		plan->create = true;
		nat64_plan_add(plan, NAT64_CH_CREATE, "instance %s (%s)", cfg->instance, fw);
		nat64_plan_add(plan, NAT64_CH_POOL6, "pool6 %s", nat64_prefix6_str(&cfg->pool6, a, sizeof(a)));
	} else {
		if (!st->pool6_set || st->pool6.len != cfg->pool6.len ||
		    memcmp(&st->pool6.addr, &cfg->pool6.addr, sizeof(cfg->pool6.addr))) {
			plan->recreate = true;
			nat64_plan_add(plan, NAT64_CH_RECREATE, "pool6 %s -> %s (Jool cannot change pool6 in "
				   "place: the instance is re-created, its sessions dropped)",
				   st->pool6_set ? nat64_prefix6_str(&st->pool6, b, sizeof(b)) : "(unset)",
				   nat64_prefix6_str(&cfg->pool6, a, sizeof(a)));
		}
		if (st->framework_known && st->framework != cfg->framework) {
			plan->recreate = true;
			nat64_plan_add(plan, NAT64_CH_RECREATE, "framework %s -> %s (needs the instance "
				   "re-created)", st->framework == NAT64_FW_IPTABLES ? "iptables"
				   : "netfilter", fw);
		}
	}
	for (i = 0; i < nwant; i++) {
		bool have = false;

		for (j = 0; !fresh && j < st->npool4; j++)
			if (entry_eq(&want[i], &st->pool4[j]))
				have = true;
		if (!have || plan->recreate) {
			if (have)
				continue; /* re-created identical: not a change of pool4 */
			entry_str(&want[i], t, sizeof(t));
			nat64_plan_add(plan, NAT64_CH_POOL4_ADD, "%s", t);
		}
	}
	for (j = 0; !fresh && j < st->npool4; j++) {
		bool want_it = false;

		for (i = 0; i < nwant; i++)
			if (entry_eq(&want[i], &st->pool4[j]))
				want_it = true;
		if (!want_it) {
			entry_str(&st->pool4[j], t, sizeof(t));
			nat64_plan_add(plan, NAT64_CH_POOL4_DEL, "%s", t);
		}
	}
}

/* a plan needs the module: without it there is no instance to diff against */
static int jool_plannable(struct nat64_ctx *ctx, const struct nat64_state *st)
{
	struct utsname u;

	if (st->module_loaded)
		return 0;
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	return nat64_fail(ctx, NAT64_ENOMODULE, "Jool's kernel module is not loaded (no %s/jool): "
			  "modprobe jool (package jool-dkms, built for kernel %s), or set "
			  "backend = tayga", ctx->sysfs_module, u.release);
}

/* ---- apply ---- */

static int ensure_module(struct nat64_ctx *ctx, unsigned flags, struct nat64_state *st)
{
	char ver[32], msg[400] = "";
	struct utsname u;

	if (module_version(ctx, ver, sizeof(ver)))
		return 0;
	if (!(flags & NAT64_APPLY_NO_MODPROBE) && ctx->modprobe[0]) {
		const char *argv[] = { ctx->modprobe, "jool", NULL };
		struct nat64_run r;

		if (nat64_run(argv, &r) == 0) {
			if (r.status != 0)
				nat64_run_msg(&r, msg, sizeof(msg));
			nat64_run_free(&r);
		} else {
			snprintf(msg, sizeof(msg), "cannot run %.200s", ctx->modprobe);
		}
		if (module_version(ctx, ver, sizeof(ver))) {
			st->module_loaded = true;
			return 0;
		}
	}
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	return nat64_fail(ctx, NAT64_ENOMODULE, "Jool's kernel module is not loaded%s%s%s: install "
			  "jool-dkms (and linux-headers-%s), or set backend = tayga for kernels "
			  "without Jool", msg[0] ? " (modprobe jool: " : "", msg, msg[0] ? ")" : "",
			  u.release);
}

/* nat64_apply for Jool: plan is zeroed, the config has pool6 */
static int jool_apply(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned flags,
		      struct nat64_plan *plan)
{
	struct nat64_state st;
	char tmp[PATH_MAX], err[1000], msg[700];
	unsigned lo, hi;
	char *json;
	int rc;

	memset(&st, 0, sizeof(st));
	rc = ensure_module(ctx, flags, &st);
	if (rc < 0)
		return rc;
	rc = jool_read(ctx, cfg, &st);
	if (rc < 0)
		return rc;
	if (st.module_version[0] &&
	    nat64_version_check(st.tools_version, st.module_version, err, sizeof(err)) < 0)
		return nat64_fail(ctx, NAT64_EVERSION, "%s", err);
	rc = nat64_ephemeral_range(ctx, &lo, &hi);
	if (rc < 0)
		return rc;
	if (nat64_ephemeral_check(cfg, lo, hi, err, sizeof(err)) < 0) {
		if (!(flags & NAT64_APPLY_FIX_EPHEMERAL))
			return nat64_fail(ctx, NAT64_EEPHEMERAL, "%s", err);
		if (flags & NAT64_APPLY_DRY_RUN)
			return 0;
		rc = nat64_ephemeral_fix(ctx, cfg, &lo, &hi);
		if (rc < 0)
			return rc;
	}
	jool_diff(cfg, &st, plan);
	if (!plan->n)
		return 0;
	if (plan->recreate && !(flags & NAT64_APPLY_RECREATE)) {
		char b[64];

		return nat64_fail(ctx, NAT64_ERECREATE, "instance %s runs with pool6 %s%s; the config "
				  "wants %s: Jool cannot change that in place. Run nat64ctl apply "
				  "--recreate (the instance is removed and created again: every "
				  "session of it is dropped)", cfg->instance,
				  st.pool6_set ? nat64_prefix6_str(&st.pool6, b, sizeof(b)) : "(unset)",
				  st.framework_known && st.framework != cfg->framework
				  ? " and another framework" : "",
				  nat64_prefix6_str(&cfg->pool6, tmp, sizeof(tmp)));
	}
	if (flags & NAT64_APPLY_DRY_RUN)
		return 0;
	json = nat64_jool_json(cfg);
	if (!json)
		return nat64_fail(ctx, NAT64_ENOMEM, "out of memory rendering Jool's JSON");
	rc = nat64_write_temp(ctx->tmpdir, ".json", json, tmp, err, sizeof(err));
	free(json);
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EIO, "%s", err);
	if (plan->recreate) {
		struct nat64_run r;

		rc = jool_run(ctx, &r, "instance remove", "-i", cfg->instance, "instance", "remove", NULL);
		nat64_run_free(&r);
		if (rc < 0) {
			unlink(tmp);
			return rc;
		}
	}
	{
		const char *argv[] = { ctx->jool, "file", "handle", tmp, NULL };
		struct nat64_run r;

		rc = nat64_run(argv, &r);
		if (rc < 0) {
			unlink(tmp);
			return nat64_fail(ctx, NAT64_EEXEC, "cannot run %s: %s", ctx->jool, strerror(errno));
		}
		if (r.status != 0) {
			char keep[PATH_MAX + 16];

			nat64_run_msg(&r, msg, sizeof(msg));
			nat64_run_free(&r);
			snprintf(keep, sizeof(keep), "%s/rejected.json", ctx->tmpdir);
			if (rename(tmp, keep) < 0)
				unlink(tmp);
			return nat64_fail(ctx, NAT64_EREJECTED, "jool file handle refused the generated "
					  "configuration (kept in %s): %s. %s", keep, msg,
					  plan->recreate ? "The instance had been removed for the "
					  "re-creation: it is not running now."
					  : "The running configuration is unchanged.");
		}
		nat64_run_free(&r);
	}
	unlink(tmp);
	/* read back: what runs must now be what the config says */
	rc = jool_read(ctx, cfg, &st);
	if (rc < 0)
		return rc;
	{
		struct nat64_plan after;

		jool_diff(cfg, &st, &after);
		if (after.n)
			return nat64_fail(ctx, NAT64_EVERIFY, "jool accepted the configuration but the "
					  "running state still differs: %s", after.ch[0].text);
	}
	return 0;
}

static int jool_remove(struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	struct nat64_state st;
	struct nat64_run r;
	int rc;

	rc = jool_read(ctx, cfg, &st);
	if (rc < 0)
		return rc;
	if (!st.module_loaded || !st.instance_exists)
		return 0;
	rc = jool_run(ctx, &r, "instance remove", "-i", cfg->instance, "instance", "remove", NULL);
	nat64_run_free(&r);
	return rc;
}

/* ---- status ---- */

/* nat64_status past the state: BIB and sessions per protocol, pool4 usage */
static int jool_status(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_status *s)
{
	const char *const *flag = proto_flag;
	unsigned i, a, b;
	int rc, p;

	s->nusage = s->state.npool4;
	for (i = 0; i < s->nusage; i++) {
		const struct nat64_pool4_entry *e = &s->state.pool4[i];

		s->usage[i].entry = *e;
		a = e->prefix.len >= 32 ? 1u : 1u << (32 - e->prefix.len);
		b = (unsigned)e->port_max - e->port_min + 1;
		s->usage[i].capacity = (uint64_t)a * b;
	}
	for (p = 0; p < 3; p++) {
		struct nat64_run r;
		struct nat64_pool4_usage u[NAT64_STATE_POOL4_MAX];
		unsigned n = 0;

		/* one protocol's entries at a time, so counts land in the right row */
		for (i = 0; i < s->nusage; i++)
			if (nat64_proto_index(s->usage[i].entry.proto) == p)
				u[n++] = s->usage[i];
		rc = jool_run(ctx, &r, "bib display", "-i", cfg->instance, "bib", "display", flag[p],
			      "--numeric", "--csv", "--no-headers", NULL);
		if (rc == 0)
			rc = nat64_parse_bib_csv(r.out, u, n, &s->bib[p]);
		if (rc == -NAT64_EPARSE)
			nat64_fail(ctx, NAT64_EPARSE, "cannot read `jool bib display --csv`: %.200s", r.out);
		nat64_run_free(&r);
		if (rc < 0)
			return rc;
		for (i = 0, n = 0; i < s->nusage; i++)
			if (nat64_proto_index(s->usage[i].entry.proto) == p)
				s->usage[i] = u[n++];
		rc = jool_run(ctx, &r, "session display", "-i", cfg->instance, "session", "display",
			      flag[p], "--numeric", "--csv", "--no-headers", NULL);
		if (rc == 0) {
			const char *q;

			for (q = r.out; *q; q++)
				if (*q == '\n')
					s->sessions[p]++;
			if (r.out[0] && !strncmp(r.out, "Protocol,", 9) && s->sessions[p])
				s->sessions[p]--;
		}
		nat64_run_free(&r);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct nat64_backend_ops nat64_jool_ops = {
	.state = jool_state,
	.diff = jool_diff,
	.plannable = jool_plannable,
	.apply = jool_apply,
	.remove = jool_remove,
	.status = jool_status,
};
