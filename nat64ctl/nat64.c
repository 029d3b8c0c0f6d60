/*
 * nat64.c - the backend-neutral core of the running state: read it, plan
 * against a config, apply, remove, status.  It picks the backend's
 * operations by cfg->backend (jool.c, tayga.c) and calls through them; it
 * knows nothing of Jool's or TAYGA's commands.
 */
#include <string.h>

#include "nat64_int.h"

static const struct nat64_backend_ops *const backends[] = {
	[NAT64_BACKEND_JOOL] = &nat64_jool_ops,
	[NAT64_BACKEND_TAYGA] = &nat64_tayga_ops,
};

static const struct nat64_backend_ops *backend(const struct nat64_config *cfg)
{
	if ((unsigned)cfg->backend < sizeof(backends) / sizeof(backends[0]))
		return backends[cfg->backend];
	return &nat64_jool_ops;
}

int nat64_state_read(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_state *st)
{
	memset(st, 0, sizeof(*st));
	ctx->err[0] = '\0';
	return backend(cfg)->state(ctx, cfg, st);
}

void nat64_plan_diff(const struct nat64_config *cfg, const struct nat64_state *st,
		     struct nat64_plan *plan)
{
	backend(cfg)->diff(cfg, st, plan);
}

int nat64_plan(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_plan *plan)
{
	const struct nat64_backend_ops *be = backend(cfg);
	struct nat64_state st;
	int rc;

	memset(plan, 0, sizeof(*plan));
	rc = nat64_state_read(ctx, cfg, &st);
	if (rc < 0)
		return rc;
	if (be->plannable && (rc = be->plannable(ctx, &st)) < 0)
		return rc;
	be->diff(cfg, &st, plan);
	return 0;
}

int nat64_apply(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned flags,
		struct nat64_plan *plan_out)
{
	struct nat64_plan plan_local, *plan = plan_out ? plan_out : &plan_local;

	memset(plan, 0, sizeof(*plan));
	ctx->err[0] = '\0';
	if (!cfg->nat64_present || !cfg->pool6_set)
		return nat64_fail(ctx, NAT64_EINVAL, "%s: no [nat64] section with pool6: nothing to apply",
				  cfg->file);
	return backend(cfg)->apply(ctx, cfg, flags, plan);
}

int nat64_remove(struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	return backend(cfg)->remove(ctx, cfg);
}

int nat64_status(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_status *s)
{
	const struct nat64_backend_ops *be = backend(cfg);
	int rc;

	memset(s, 0, sizeof(*s));
	rc = nat64_state_read(ctx, cfg, &s->state);
	if (rc < 0 || !be->status || !s->state.instance_exists)
		return rc;
	return be->status(ctx, cfg, s);
}
