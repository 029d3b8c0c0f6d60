/*
 * nat64ctl - the NAT64/DNS64 control plane from the command line: check a
 * config, show what would change, apply it, read the running state back,
 * render and install the DNS64 config, probe end to end.
 *
 * Output for people and for scripts comes from one code path: each
 * command builds a JSON object; -j prints it, otherwise it is rendered as
 * text.  Exit status: 0 success (plan: no changes), 1 the operation failed
 * (plan: changes pending, exit 3 is used instead: see usage), 2 usage or
 * configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "acd_version.h"
#include "nat64.h"

#define DEFAULT_CONF "/etc/nat64ctl/nat64.conf"

static int json_out;
static const char *conf_path = DEFAULT_CONF;
static bool conf_is_acd;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nat64ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see nat64ctl -h)\n");
	return 2;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	puts(s ? s : "{}");
	free(s);
}

/* Load the config; on errors print all of them and return -1. */
static int load(struct nat64_config *cfg)
{
	static struct nat64_errors errs;
	unsigned i;

	if (nat64_config_parse(conf_path, NULL, conf_is_acd, cfg, &errs) == 0)
		return 0;
	if (json_out) {
		json_t *o = json_object(), *a = json_array();

		for (i = 0; i < errs.n; i++)
			json_array_append_new(a, json_string(errs.msg[i]));
		json_object_set_new(o, "ok", json_false());
		json_object_set_new(o, "errors", a);
		print_json(o);
		json_decref(o);
	}
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	if (errs.n == NAT64_MAX_ERRORS)
		fprintf(stderr, "%s: (more errors not shown)\n", conf_path);
	return -1;
}

static struct nat64_ctx *open_ctx(void)
{
	struct nat64_ctx *ctx;
	struct nat64_ctx_opts o = { 0 };

	/* tests point these at stand-ins; operators never need to */
	o.jool = getenv("NAT64CTL_JOOL");
	o.sysfs_module = getenv("NAT64CTL_SYSFS_MODULE");
	o.proc_sys = getenv("NAT64CTL_PROC_SYS");
	o.modprobe = getenv("NAT64CTL_MODPROBE");
	o.tmpdir = getenv("NAT64CTL_TMPDIR");
	if (nat64_ctx_open(&ctx, &o) < 0) {
		fprintf(stderr, "nat64ctl: out of memory\n");
		return NULL;
	}
	return ctx;
}

static int fail_ctx(struct nat64_ctx *ctx, int rc)
{
	const char *m = nat64_errmsg(ctx);

	if (json_out) {
		json_t *o = json_pack("{s:b,s:s,s:s}", "ok", 0, "error", nat64_strerror(rc), "message",
				      *m ? m : nat64_strerror(rc));

		print_json(o);
		json_decref(o);
	}
	fprintf(stderr, "nat64ctl: %s\n", *m ? m : nat64_strerror(rc));
	nat64_ctx_close(ctx);
	return rc == -NAT64_EINVAL ? 2 : 1;
}

static int no_args(const char *cmd, int argc)
{
	return argc > 0 ? usage_error("%s takes no arguments", cmd) : 0;
}

/* ---- check-config ---- */

static int cmd_check(int argc, char **argv)
{
	struct nat64_config *cfg = calloc(1, sizeof(*cfg));
	unsigned lo, hi;
	char err[800];
	int rc = 0;

	(void)argv;
	if (!cfg || no_args("check-config", argc)) {
		free(cfg);
		return 2;
	}
	if (load(cfg) < 0) {
		free(cfg);
		return 2;
	}
	err[0] = '\0';
	/* the ephemeral range of this machine is part of the check */
	if (cfg->nat64_present && cfg->backend == NAT64_BACKEND_JOOL &&
	    nat64_ephemeral_read(&lo, &hi) == 0 && nat64_ephemeral_check(cfg, lo, hi, err, sizeof(err)) < 0)
		rc = 1;
	if (json_out) {
		json_t *o = json_object(), *a = json_array();

		if (rc)
			json_array_append_new(a, json_string(err));
		json_object_set_new(o, "ok", json_boolean(!rc));
		json_object_set_new(o, "errors", a);
		print_json(o);
		json_decref(o);
	} else if (rc) {
		fprintf(stderr, "%s\n", err);
	} else {
		printf("%s: ok\n", conf_path);
	}
	free(cfg);
	return rc;
}

/* ---- render ---- */

static int cmd_render(int argc, char **argv)
{
	struct nat64_config *cfg;
	char *s = NULL;
	const char *what;

	if (argc != 1)
		return usage_error("render needs one of: jool, tayga, bind, unbound, radvd, config");
	what = argv[0];
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg || load(cfg) < 0) {
		free(cfg);
		return 2;
	}
	if (!strcmp(what, "config")) {
		nat64_config_print(stdout, cfg);
		free(cfg);
		return 0;
	}
	if ((!strcmp(what, "jool") || !strcmp(what, "tayga") || !strcmp(what, "radvd")) &&
	    !cfg->nat64_present) {
		free(cfg);
		fprintf(stderr, "nat64ctl: %s: no [nat64] section to render %s from\n", conf_path, what);
		return 2;
	}
	if ((!strcmp(what, "bind") || !strcmp(what, "unbound")) && !cfg->dns64_present) {
		free(cfg);
		fprintf(stderr, "nat64ctl: %s: no [dns64] section to render %s from\n", conf_path, what);
		return 2;
	}
	if (!strcmp(what, "jool"))
		s = nat64_jool_json(cfg);
	else if (!strcmp(what, "tayga"))
		s = nat64_tayga_conf(cfg);
	else if (!strcmp(what, "bind"))
		s = nat64_dns64_bind(cfg);
	else if (!strcmp(what, "unbound"))
		s = nat64_dns64_unbound(cfg);
	else if (!strcmp(what, "radvd"))
		s = nat64_pref64_radvd(cfg);
	else {
		free(cfg);
		return usage_error("render: unknown \"%s\" (use jool, tayga, bind, unbound, radvd or "
				   "config)", what);
	}
	free(cfg);
	if (!s) {
		fprintf(stderr, "nat64ctl: out of memory\n");
		return 1;
	}
	fputs(s, stdout);
	free(s);
	return 0;
}

/* ---- plan / apply ---- */

static json_t *plan_json(const struct nat64_plan *p)
{
	json_t *o = json_object(), *a = json_array();
	unsigned i;
	static const char *const kind[] = { "create", "recreate", "pool6", "pool4-add", "pool4-del",
					    "tayga-config", "tayga-start" };

	for (i = 0; i < p->n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "kind", kind[p->ch[i].kind], "text",
						   p->ch[i].text));
	json_object_set_new(o, "changes", a);
	json_object_set_new(o, "create", json_boolean(p->create));
	json_object_set_new(o, "recreate", json_boolean(p->recreate));
	return o;
}

static int cmd_plan(int argc, char **argv)
{
	struct nat64_config *cfg = calloc(1, sizeof(*cfg));
	struct nat64_plan *plan = calloc(1, sizeof(*plan));
	struct nat64_ctx *ctx;
	int rc;

	(void)argv;
	if (!cfg || !plan || no_args("plan", argc) || load(cfg) < 0 || !(ctx = open_ctx())) {
		free(cfg);
		free(plan);
		return 2;
	}
	rc = nat64_plan(ctx, cfg, plan);
	free(cfg);
	if (rc < 0) {
		free(plan);
		return fail_ctx(ctx, rc);
	}
	if (json_out) {
		json_t *o = plan_json(plan);

		print_json(o);
		json_decref(o);
	} else {
		nat64_plan_print(stdout, plan);
	}
	rc = plan->n ? 3 : 0;
	free(plan);
	nat64_ctx_close(ctx);
	return rc;
}

static int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "recreate", no_argument, NULL, 'r' },
		{ "fix-ephemeral", no_argument, NULL, 'e' },
		{ "no-modprobe", no_argument, NULL, 'M' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct nat64_config *cfg;
	struct nat64_plan *plan;
	struct nat64_ctx *ctx;
	unsigned flags = 0;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc + 1, argv - 1, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'r': flags |= NAT64_APPLY_RECREATE; break;
		case 'e': flags |= NAT64_APPLY_FIX_EPHEMERAL; break;
		case 'M': flags |= NAT64_APPLY_NO_MODPROBE; break;
		case 'n': flags |= NAT64_APPLY_DRY_RUN; break;
		default: return usage_error("apply: unknown option");
		}
	}
	if (optind != argc + 1)
		return usage_error("apply: unexpected argument \"%s\"", argv[optind - 1]);
	cfg = calloc(1, sizeof(*cfg));
	plan = calloc(1, sizeof(*plan));
	if (!cfg || !plan || load(cfg) < 0 || !(ctx = open_ctx())) {
		free(cfg);
		free(plan);
		return 2;
	}
	rc = nat64_apply(ctx, cfg, flags, plan);
	free(cfg);
	if (rc < 0) {
		free(plan);
		return fail_ctx(ctx, rc);
	}
	if (json_out) {
		json_t *o = plan_json(plan);

		json_object_set_new(o, "ok", json_true());
		json_object_set_new(o, "dry_run", json_boolean(flags & NAT64_APPLY_DRY_RUN));
		print_json(o);
		json_decref(o);
	} else if (!plan->n) {
		printf("no changes\n");
	} else {
		if (flags & NAT64_APPLY_DRY_RUN)
			printf("would apply:\n");
		nat64_plan_print(stdout, plan);
	}
	free(plan);
	nat64_ctx_close(ctx);
	return 0;
}

static int cmd_remove(int argc, char **argv)
{
	struct nat64_config *cfg = calloc(1, sizeof(*cfg));
	struct nat64_ctx *ctx;
	int rc;

	(void)argv;
	if (!cfg || no_args("remove", argc) || load(cfg) < 0 || !(ctx = open_ctx())) {
		free(cfg);
		return 2;
	}
	rc = nat64_remove(ctx, cfg);
	free(cfg);
	if (rc < 0)
		return fail_ctx(ctx, rc);
	nat64_ctx_close(ctx);
	return 0;
}

/* ---- status ---- */

static json_t *status_json(const struct nat64_config *cfg, const struct nat64_status *s)
{
	json_t *o = json_object(), *pool4 = json_array(), *bib = json_object(), *ses = json_object();
	static const char *const pn[] = { "tcp", "udp", "icmp" };
	char b[64];
	unsigned i;

	json_object_set_new(o, "backend", json_string(cfg->backend == NAT64_BACKEND_TAYGA ? "tayga" : "jool"));
	json_object_set_new(o, "instance", json_string(cfg->backend == NAT64_BACKEND_TAYGA
						       ? cfg->tayga_device : cfg->instance));
	if (cfg->backend == NAT64_BACKEND_JOOL) {
		json_object_set_new(o, "module_loaded", json_boolean(s->state.module_loaded));
		json_object_set_new(o, "module_version", json_string(s->state.module_version));
		json_object_set_new(o, "tools_version", json_string(s->state.tools_version));
	} else {
		json_object_set_new(o, "pid", json_integer(s->state.tayga_pid));
		json_object_set_new(o, "config_current", json_boolean(s->state.tayga_config_same));
	}
	json_object_set_new(o, "running", json_boolean(s->state.instance_exists));
	json_object_set_new(o, "pool6", s->state.pool6_set
			    ? json_string(nat64_prefix6_str(&s->state.pool6, b, sizeof(b))) : json_null());
	for (i = 0; i < s->nusage; i++) {
		const struct nat64_pool4_usage *u = &s->usage[i];
		json_t *e = json_object();
		char ports[16];

		json_object_set_new(e, "protocol", json_string(u->entry.proto == NAT64_TCP ? "tcp"
				    : u->entry.proto == NAT64_UDP ? "udp" : "icmp"));
		json_object_set_new(e, "prefix", json_string(nat64_prefix4_str(&u->entry.prefix, b, sizeof(b))));
		snprintf(ports, sizeof(ports), "%u-%u", u->entry.port_min, u->entry.port_max);
		json_object_set_new(e, "ports", json_string(ports));
		json_object_set_new(e, "mark", json_integer(u->entry.mark));
		json_object_set_new(e, "capacity", json_integer((json_int_t)u->capacity));
		json_object_set_new(e, "in_use", json_integer((json_int_t)u->in_use));
		json_object_set_new(e, "utilisation_pct",
				    json_real(u->capacity ? 100.0 * (double)u->in_use / (double)u->capacity : 0));
		json_array_append_new(pool4, e);
	}
	json_object_set_new(o, "pool4", pool4);
	for (i = 0; i < 3; i++) {
		json_object_set_new(bib, pn[i], json_integer((json_int_t)s->bib[i]));
		json_object_set_new(ses, pn[i], json_integer((json_int_t)s->sessions[i]));
	}
	json_object_set_new(o, "bib", bib);
	json_object_set_new(o, "sessions", ses);
	return o;
}

static void status_text(json_t *o)
{
	json_t *p4 = json_object_get(o, "pool4"), *e;
	size_t i;
	const char *pool6 = json_string_value(json_object_get(o, "pool6"));

	printf("backend   %s\n", json_string_value(json_object_get(o, "backend")));
	printf("instance  %s (%s)\n", json_string_value(json_object_get(o, "instance")),
	       json_is_true(json_object_get(o, "running")) ? "running" : "not running");
	if (json_object_get(o, "module_loaded"))
		printf("jool      tools %s, module %s\n",
		       json_string_value(json_object_get(o, "tools_version")),
		       json_is_true(json_object_get(o, "module_loaded"))
		       ? json_string_value(json_object_get(o, "module_version")) : "not loaded");
	printf("pool6     %s\n", pool6 ? pool6 : "-");
	if (json_array_size(p4)) {
		printf("pool4     %-5s %-18s %-12s %5s %10s %10s %6s\n", "proto", "prefix", "ports",
		       "mark", "in use", "capacity", "use %");
		json_array_foreach(p4, i, e)
			printf("          %-5s %-18s %-12s %5" JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT
			       " %10" JSON_INTEGER_FORMAT " %6.2f\n",
			       json_string_value(json_object_get(e, "protocol")),
			       json_string_value(json_object_get(e, "prefix")),
			       json_string_value(json_object_get(e, "ports")),
			       json_integer_value(json_object_get(e, "mark")),
			       json_integer_value(json_object_get(e, "in_use")),
			       json_integer_value(json_object_get(e, "capacity")),
			       json_real_value(json_object_get(e, "utilisation_pct")));
	} else if (json_object_get(o, "module_loaded")) {
		printf("pool4     (empty: Jool uses ports 61001-65535 of this node's addresses)\n");
	}
	if (json_object_get(o, "module_loaded"))
		printf("bib       tcp %" JSON_INTEGER_FORMAT " udp %" JSON_INTEGER_FORMAT " icmp %"
		       JSON_INTEGER_FORMAT "\nsessions  tcp %" JSON_INTEGER_FORMAT " udp %"
		       JSON_INTEGER_FORMAT " icmp %" JSON_INTEGER_FORMAT "\n",
		       json_integer_value(json_object_get(json_object_get(o, "bib"), "tcp")),
		       json_integer_value(json_object_get(json_object_get(o, "bib"), "udp")),
		       json_integer_value(json_object_get(json_object_get(o, "bib"), "icmp")),
		       json_integer_value(json_object_get(json_object_get(o, "sessions"), "tcp")),
		       json_integer_value(json_object_get(json_object_get(o, "sessions"), "udp")),
		       json_integer_value(json_object_get(json_object_get(o, "sessions"), "icmp")));
}

static int cmd_status(int argc, char **argv)
{
	struct nat64_config *cfg = calloc(1, sizeof(*cfg));
	struct nat64_status *st = calloc(1, sizeof(*st));
	struct nat64_ctx *ctx;
	json_t *o;
	int rc;

	(void)argv;
	if (!cfg || !st || no_args("status", argc) || load(cfg) < 0 || !(ctx = open_ctx())) {
		free(cfg);
		free(st);
		return 2;
	}
	rc = nat64_status(ctx, cfg, st);
	if (rc < 0) {
		free(cfg);
		free(st);
		return fail_ctx(ctx, rc);
	}
	o = status_json(cfg, st);
	if (json_out)
		print_json(o);
	else
		status_text(o);
	json_decref(o);
	free(cfg);
	free(st);
	nat64_ctx_close(ctx);
	return 0;
}

/* ---- dns64 / pref64 ---- */

/* The config with its [dns64] section into *cfg (allocated): 0, or the
 * exit status (2) with the reason said */
static int load_dns64(struct nat64_config **cfg)
{
	*cfg = calloc(1, sizeof(**cfg));
	if (!*cfg || load(*cfg) < 0)
		goto bad;
	if (!(*cfg)->dns64_present) {
		fprintf(stderr, "nat64ctl: %s: no [dns64] section\n", conf_path);
		goto bad;
	}
	return 0;
bad:
	free(*cfg);
	*cfg = NULL;
	return 2;
}

/* dns64 status: the resolver answers its control channel */
static int dns64_status(void)
{
	struct nat64_config *cfg;
	struct nat64_ctx *ctx;
	const char *tool;
	int rc;

	if ((rc = load_dns64(&cfg)))
		return rc;
	if (!(ctx = open_ctx())) {
		free(cfg);
		return 1;
	}
	tool = cfg->dns_server == NAT64_DNS_BIND ? "rndc" : "unbound-control";
	rc = nat64_dns64_alive(ctx, cfg);
	free(cfg);
	if (rc < 0)
		return fail_ctx(ctx, rc);
	if (json_out) {
		json_t *o = json_pack("{s:b,s:s}", "up", 1, "checked_with", tool);

		print_json(o);
		json_decref(o);
	} else {
		printf("DNS64 resolver: up (%s status answered)\n", tool);
	}
	nat64_ctx_close(ctx);
	return 0;
}

static int cmd_dns64(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "install", no_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "reload", no_argument, NULL, 'r' },
		{ "check", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct nat64_config *cfg;
	struct nat64_ctx *ctx;
	const char *out = NULL;
	bool install = false;
	unsigned flags = 0;
	int c, rc;
	char *s;

	if (argc == 1 && !strcmp(argv[0], "status"))
		return dns64_status();
	if (argc < 1 || strcmp(argv[0], "render"))
		return usage_error("dns64 needs: render [--check] [--install [--output FILE]] [--reload], "
				   "or status");
	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'i': install = true; break;
		case 'o': out = optarg; break;
		case 'r': flags |= NAT64_DNS_RELOAD; break;
		case 'c': flags |= NAT64_DNS_CHECK_ONLY; break;
		default: return usage_error("dns64 render: unknown option");
		}
	}
	if (optind != argc)
		return usage_error("dns64 render: unexpected argument \"%s\"", argv[optind]);
	if ((out || (flags & NAT64_DNS_RELOAD)) && !install)
		return usage_error("dns64 render: --output and --reload go with --install");
	if ((rc = load_dns64(&cfg)))
		return rc;
	if (!install && !(flags & NAT64_DNS_CHECK_ONLY)) {
		s = cfg->dns_server == NAT64_DNS_BIND ? nat64_dns64_bind(cfg) : nat64_dns64_unbound(cfg);
		free(cfg);
		if (!s)
			return 1;
		fputs(s, stdout);
		free(s);
		return 0;
	}
	if (!(ctx = open_ctx())) {
		free(cfg);
		return 1;
	}
	if (!install)
		flags |= NAT64_DNS_CHECK_ONLY;
	rc = nat64_dns64_install(ctx, cfg, out, flags);
	if (rc < 0) {
		free(cfg);
		return fail_ctx(ctx, rc);
	}
	if (!out)
		out = cfg->dns_output[0] ? cfg->dns_output : nat64_dns64_default_path(cfg->dns_server);
	if (json_out) {
		json_t *o = json_pack("{s:b,s:s,s:b}", "ok", 1, "path", install ? out : "",
				      "changed", install && rc == 0);

		print_json(o);
		json_decref(o);
	} else if (!install) {
		printf("DNS64 render of %s: checked ok\n", conf_path);
	} else {
		printf("%s: %s\n", out, rc == 1 ? "unchanged" : "installed");
	}
	free(cfg);
	nat64_ctx_close(ctx);
	return 0;
}

static int cmd_pref64(int argc, char **argv)
{
	struct nat64_config *cfg;
	char note[300];
	char *s;

	if (argc != 1 || strcmp(argv[0], "render"))
		return usage_error("pref64 needs: render");
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg || load(cfg) < 0) {
		free(cfg);
		return 2;
	}
	if (!cfg->nat64_present) {
		free(cfg);
		fprintf(stderr, "nat64ctl: %s: no [nat64] section\n", conf_path);
		return 2;
	}
	s = nat64_pref64_radvd(cfg);
	free(cfg);
	if (!s)
		return 1;
	fputs(s, stdout);
	free(s);
	/* which radvd is here decides whether the block can be used at all */
	if (!nat64_pref64_supported(note, sizeof(note)))
		fprintf(stderr, "nat64ctl: note: %s\n", note);
	return 0;
}

/* ---- probe ---- */

static int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "target", required_argument, NULL, 't' },
		{ "tcp-port", required_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct nat64_probe_opts po = { 0 };
	struct nat64_probe_result r;
	struct nat64_config *cfg;
	struct nat64_ctx *ctx;
	unsigned i;
	int c, rc;
	char *end;
	unsigned long v;

	optind = 0;
	while ((c = getopt_long(argc + 1, argv - 1, "+", opts, NULL)) != -1) {
		switch (c) {
		case 's': po.server = optarg; break;
		case 'n': po.name = optarg; break;
		case 't': po.target4 = optarg; break;
		case 'p':
		case 'T':
		case 'w':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || v == 0 || (c != 'w' && v > 65535) || v > 600000)
				return usage_error("probe: \"%s\" is not a valid %s", optarg,
						   c == 'w' ? "timeout in ms" : "port");
			if (c == 'p')
				po.port = (unsigned)v;
			else if (c == 'T')
				po.tcp_port = (unsigned)v;
			else
				po.timeout_ms = (unsigned)v;
			break;
		default:
			return usage_error("probe: unknown option");
		}
	}
	if (optind != argc + 1)
		return usage_error("probe: unexpected argument \"%s\"", argv[optind - 1]);
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg || load(cfg) < 0 || !(ctx = open_ctx())) {
		free(cfg);
		return 2;
	}
	rc = nat64_probe(ctx, cfg, &po, &r);
	free(cfg);
	if (json_out) {
		json_t *o = json_object(), *a = json_array();

		for (i = 0; i < r.n; i++)
			json_array_append_new(a, json_pack("{s:s,s:b,s:s}", "what", r.step[i].what, "ok",
							   r.step[i].ok, "detail", r.step[i].detail));
		json_object_set_new(o, "ok", json_boolean(r.ok));
		json_object_set_new(o, "steps", a);
		print_json(o);
		json_decref(o);
	} else {
		for (i = 0; i < r.n; i++)
			printf("%-4s %s: %s\n", r.step[i].ok ? "ok" : "FAIL", r.step[i].what,
			       r.step[i].detail);
	}
	if (rc < 0 && rc != -NAT64_EPROBE)
		return fail_ctx(ctx, rc);
	nat64_ctx_close(ctx);
	return rc < 0 ? 1 : 0;
}

static const struct cmd cmds[] = {
	{ "check-config", cmd_check, "", "validate the config (all errors, file:line) and pool4 "
	  "against this machine's ephemeral port range" },
	{ "render", cmd_render, "jool|tayga|bind|unbound|radvd|config", "print a rendered config" },
	{ "plan", cmd_plan, "", "what apply would change, as a diff (exit 3 when there are changes)" },
	{ "apply", cmd_apply, "[--recreate] [--fix-ephemeral] [--no-modprobe] [--dry-run]",
	  "make the running NAT64 match the config (atomic, idempotent)" },
	{ "status", cmd_status, "", "instance, pool6, pool4 with ports in use, BIB and sessions" },
	{ "remove", cmd_remove, "", "remove the Jool instance (or stop TAYGA)" },
	{ "dns64", cmd_dns64, "render [--check] [--install [--output FILE]] [--reload] | status",
	  "the DNS64 config: print, check, install atomically, reload; whether the resolver is up" },
	{ "pref64", cmd_pref64, "render", "radvd's PREF64 (nat64prefix) block (radvd >= 2.20)" },
	{ "probe", cmd_probe, "[--server ADDR] [--port N] [--name NAME] [--target IPV4] "
	  "[--tcp-port N] [--timeout MS]", "DNS64 answers and reachability through the prefix" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: nat64ctl [-j] [-c FILE | -a ACD_CONF] COMMAND ...\n"
		   "       nat64ctl -h | --help | --version\n\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s %s\n        %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
	fprintf(f, "\n-c FILE: nat64ctl's config ([nat64], [dns64]; default %s)\n"
		   "-a FILE: read the [nat64] and [dns64] sections of acd.conf\n"
		   "-j: JSON output.  -h, --help: this help.  --version: print \"nat64ctl VERSION\".\n"
		   "Exit: 0 ok, 1 failed, 2 usage or config error, 3 plan has changes.\n", DEFAULT_CONF);
}

enum { OPT_VERSION = 256 };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+jhc:a:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_out = 1;
			break;
		case 'c':
			conf_path = optarg;
			conf_is_acd = false;
			break;
		case 'a':
			conf_path = optarg;
			conf_is_acd = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("nat64ctl %s\n", ACD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			return cmds[i].fn(argc - optind - 1, argv + optind + 1);
	return usage_error("unknown command \"%s\"", argv[optind]);
}
