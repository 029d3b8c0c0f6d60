/*
 * dns64.c - install the DNS64 render: check it with the server's own
 * checker first (named-checkconf on a wrapper `options { }`, or
 * unbound-checkconf), then replace the installed file atomically and
 * optionally reload.  A render that fails its check never touches the
 * installed file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nat64_int.h"

static int check_render(struct nat64_ctx *ctx, const struct nat64_config *cfg, const char *text)
{
	char tmp[PATH_MAX], err[600], msg[700];
	struct nat64_buf b = { 0 };
	struct nat64_run r;
	char *wrapped;
	int rc;

	if (cfg->dns_server == NAT64_DNS_BIND) {
		/* a dns64 statement is only valid inside options or a view */
		nat64_buf_printf(&b, "options {\n\tdirectory \"%s\";\n%s};\n", ctx->tmpdir, text);
		wrapped = nat64_buf_take(&b);
	} else {
		wrapped = strdup(text);
	}
	if (!wrapped)
		return nat64_fail(ctx, NAT64_ENOMEM, "out of memory");
	rc = nat64_write_temp(ctx->tmpdir, ".conf", wrapped, tmp, err, sizeof(err));
	free(wrapped);
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EIO, "%s", err);
	{
		const char *bind[] = { "named-checkconf", tmp, NULL };
		const char *unb[] = { "unbound-checkconf", tmp, NULL };
		const char *const *argv = cfg->dns_server == NAT64_DNS_BIND ? bind : unb;

		rc = nat64_run(argv, &r);
		if (rc < 0) {
			unlink(tmp);
			return nat64_fail(ctx, NAT64_EEXEC, "cannot run %s: %s (install %s)", argv[0],
					  strerror(errno), cfg->dns_server == NAT64_DNS_BIND
					  ? "bind9-utils" : "unbound");
		}
		unlink(tmp);
		if (r.status != 0) {
			nat64_run_msg(&r, msg, sizeof(msg));
			nat64_run_free(&r);
			return nat64_fail(ctx, NAT64_ECHECK, "%s refused the DNS64 render of %s: %s",
					  argv[0], cfg->file, msg);
		}
		nat64_run_free(&r);
	}
	return 0;
}

/* rndc or unbound-control VERB through control-config: 0, or -1 with
 * msg (the tool's words) or errno (it did not run) */
static int control(const struct nat64_config *cfg, const char *verb, char *msg, size_t len)
{
	const char *argv[6];
	unsigned n = 0;
	struct nat64_run r;

	argv[n++] = cfg->dns_server == NAT64_DNS_BIND ? "rndc" : "unbound-control";
	if (cfg->control_config[0]) {
		argv[n++] = "-c";
		argv[n++] = cfg->control_config;
	}
	argv[n++] = verb;
	argv[n] = NULL;
	msg[0] = '\0';
	if (nat64_run(argv, &r) < 0)
		return -1;
	if (r.status != 0) {
		nat64_run_msg(&r, msg, len);
		nat64_run_free(&r);
		errno = 0;
		return -1;
	}
	nat64_run_free(&r);
	return 0;
}

static const char *control_tool(const struct nat64_config *cfg)
{
	return cfg->dns_server == NAT64_DNS_BIND ? "rndc" : "unbound-control";
}

static int reload(struct nat64_ctx *ctx, const struct nat64_config *cfg, const char *path)
{
	char msg[700];

	if (control(cfg, "reload", msg, sizeof(msg)) == 0)
		return 0;
	if (!msg[0] && errno)
		return nat64_fail(ctx, NAT64_EEXEC, "installed %s, but cannot run %s: %s", path,
				  control_tool(cfg), strerror(errno));
	return nat64_fail(ctx, NAT64_EREJECTED, "installed %s, but %s reload failed: %s (is "
			  "the server running? control-config in [dns64])", path, control_tool(cfg), msg);
}

int nat64_dns64_alive(struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	char msg[700];

	ctx->err[0] = '\0';
	if (!cfg->dns64_present)
		return nat64_fail(ctx, NAT64_EINVAL, "%s: no [dns64] section", cfg->file);
	if (control(cfg, "status", msg, sizeof(msg)) == 0)
		return 0;
	if (!msg[0] && errno)
		return nat64_fail(ctx, NAT64_EEXEC, "cannot run %s: %s (install %s)", control_tool(cfg),
				  strerror(errno), cfg->dns_server == NAT64_DNS_BIND ? "bind9-utils"
										       : "unbound");
	return nat64_fail(ctx, NAT64_EREJECTED, "%s status: %s (is the server running? "
			  "control-config in [dns64])", control_tool(cfg), msg);
}

int nat64_dns64_install(struct nat64_ctx *ctx, const struct nat64_config *cfg, const char *path,
			unsigned flags)
{
	char err[600];
	char *text, *have;
	int rc;

	ctx->err[0] = '\0';
	if (!cfg->dns64_present)
		return nat64_fail(ctx, NAT64_EINVAL, "%s: no [dns64] section", cfg->file);
	if (!path)
		path = cfg->dns_output[0] ? cfg->dns_output : nat64_dns64_default_path(cfg->dns_server);
	text = cfg->dns_server == NAT64_DNS_BIND ? nat64_dns64_bind(cfg) : nat64_dns64_unbound(cfg);
	if (!text)
		return nat64_fail(ctx, NAT64_ENOMEM, "out of memory");
	rc = check_render(ctx, cfg, text);
	if (rc < 0 || (flags & NAT64_DNS_CHECK_ONLY)) {
		free(text);
		return rc;
	}
	have = nat64_read_file(path, 1 << 20);
	if (have && strcmp(have, text) == 0) {
		free(have);
		free(text);
		return 1;
	}
	free(have);
	rc = nat64_write_atomic(path, text, 0644, err, sizeof(err));
	free(text);
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EIO, "%s", err);
	if (flags & NAT64_DNS_RELOAD)
		return reload(ctx, cfg, path);
	return 0;
}
