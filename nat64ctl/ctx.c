/*
 * ctx.c - a libnat64 context: the programs and paths it runs, and the
 * message of its last failure, which every part of the library sets with
 * nat64_fail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nat64_int.h"

static const char *const err_names[NAT64_ERR_MAX] = {
	[NAT64_OK] = "success",
	[NAT64_EINVAL] = "invalid configuration",
	[NAT64_ENOMEM] = "out of memory",
	[NAT64_EIO] = "file error",
	[NAT64_EEXEC] = "cannot run a program",
	[NAT64_ENOMODULE] = "Jool's kernel module is not loaded",
	[NAT64_EVERSION] = "jool-tools and module versions differ",
	[NAT64_EREJECTED] = "configuration rejected by jool",
	[NAT64_EEPHEMERAL] = "pool4 overlaps the ephemeral port range",
	[NAT64_ERECREATE] = "change needs the instance re-created",
	[NAT64_ECHECK] = "rendered configuration failed its check",
	[NAT64_EVERIFY] = "running state differs after apply",
	[NAT64_EPROBE] = "probe failed",
	[NAT64_EPARSE] = "cannot understand a tool's output",
};

const char *nat64_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= NAT64_ERR_MAX || !err_names[err])
		return "unknown error";
	return err_names[err];
}

int nat64_fail(struct nat64_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return -code;
}

const char *nat64_errmsg(const struct nat64_ctx *ctx)
{
	return ctx->err;
}

int nat64_ctx_open(struct nat64_ctx **out, const struct nat64_ctx_opts *o)
{
	struct nat64_ctx *c = calloc(1, sizeof(*c));
	const char *tmp = getenv("TMPDIR");

	if (!c)
		return -NAT64_ENOMEM;
#define OPT(field, def) snprintf(c->field, sizeof(c->field), "%s", o && o->field ? o->field : (def))
	OPT(jool, "jool");
	OPT(tayga, "tayga");
	OPT(ip, "ip");
	OPT(modprobe, "modprobe");
	OPT(sysfs_module, "/sys/module");
	OPT(proc_sys, "/proc/sys");
#undef OPT
	if (o && o->tmpdir)
		snprintf(c->tmpdir, sizeof(c->tmpdir), "%s", o->tmpdir);
	else if (geteuid() == 0)
		snprintf(c->tmpdir, sizeof(c->tmpdir), "/run/nat64ctl");
	else
		snprintf(c->tmpdir, sizeof(c->tmpdir), "%s", tmp && *tmp ? tmp : "/tmp");
	*out = c;
	return 0;
}

void nat64_ctx_close(struct nat64_ctx *ctx)
{
	free(ctx);
}
