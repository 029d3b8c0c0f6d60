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

static int reload(struct nat64_ctx *ctx, const struct nat64_config *cfg, const char *path)
{
	const char *argv[6];
	unsigned n = 0;
	struct nat64_run r;
	char msg[700];

	argv[n++] = cfg->dns_server == NAT64_DNS_BIND ? "rndc" : "unbound-control";
	if (cfg->control_config[0]) {
		argv[n++] = "-c";
		argv[n++] = cfg->control_config;
	}
	argv[n++] = "reload";
	argv[n] = NULL;
	if (nat64_run(argv, &r) < 0)
		return nat64_fail(ctx, NAT64_EEXEC, "installed %s, but cannot run %s: %s", path, argv[0],
				  strerror(errno));
	if (r.status != 0) {
		nat64_run_msg(&r, msg, sizeof(msg));
		nat64_run_free(&r);
		return nat64_fail(ctx, NAT64_EREJECTED, "installed %s, but %s reload failed: %s (is "
				  "the server running? control-config in [dns64])", path, argv[0], msg);
	}
	nat64_run_free(&r);
	return 0;
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
