/*
 * acd-shape - apply, show and clear a shaper policy by hand.
 *
 * The operator's interface is acdctl; this is the shaper library's own
 * tool for testing and for operators who want the shaper without acd.
 * Exit status: 0 success, 1 the operation failed, 2 usage error.
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
#include "shaper.h"

static int json_out;

struct cmd {
	const char *name;
	int (*fn)(struct shaper *sh, int argc, char **argv);
	const char *args;
	const char *help;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "acd-shape: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see acd-shape -h)\n");
	return 2;
}

static int resolve(struct shaper *sh, const char *ifname)
{
	int idx = shaper_ifindex(sh, ifname);

	if (idx < 0)
		fprintf(stderr, "acd-shape: %s\n", shaper_errmsg(sh));
	return idx;
}

static int parse_u32(const char *key, const char *v, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x > max) {
		fprintf(stderr, "acd-shape: %s \"%s\": not a whole number from 0 to %" PRIu32 "\n",
			key, v, max);
		return -1;
	}
	*out = (uint32_t)x;
	return 0;
}

static int parse_rate(const char *key, const char *v, uint64_t *out)
{
	char err[160];

	if (shaper_rate_parse(v, 1, out, err, sizeof(err)) < 0) {
		fprintf(stderr, "acd-shape: %s %s\n", key, err);
		return -1;
	}
	return 0;
}

static int cmd_apply(struct shaper *sh, int argc, char **argv)
{
	enum { X_DQ = 1, X_UQ = 2, X_LEAF = 4, X_ULEAF = 8, X_UPMODE = 16 };
	struct shaper_policy p, given;
	enum shaper_profile profile = SHAPER_PROFILE_AUTO;
	bool use_profile = false;
	unsigned set = 0;
	uint32_t ms;
	int i, idx, rc;

	memset(&p, 0, sizeof(p));
	if (argc < 1)
		return usage_error("apply needs an interface");
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (!v)
			return usage_error("apply: \"%s\" needs a value", k);
		if (strcmp(k, "down") == 0)
			bad = parse_rate(k, v, &p.down.rate);
		else if (strcmp(k, "up") == 0)
			bad = parse_rate(k, v, &p.up.rate);
		else if (strcmp(k, "profile") == 0) {
			if (shaper_profile_parse(v, &profile) < 0)
				return usage_error("profile \"%s\": unknown (use auto, cake, fq_codel "
						   "or tbf)", v);
			use_profile = true;
		} else if (strcmp(k, "down-qdisc") == 0 || strcmp(k, "up-qdisc") == 0) {
			enum shaper_qdisc *q = k[0] == 'd' ? &p.down.qdisc : &p.up.qdisc;

			if (shaper_qdisc_parse(v, q) < 0 || *q == SHAPER_QDISC_NONE)
				return usage_error("qdisc \"%s\": unknown (use tbf, htb or cake)", v);
			set |= k[0] == 'd' ? X_DQ : X_UQ;
		} else if (strcmp(k, "leaf") == 0) {
			if (shaper_leaf_parse(v, &p.down.leaf) < 0)
				return usage_error("leaf \"%s\": unknown (use none, fq_codel, sfq or cake)", v);
			set |= X_LEAF;
		} else if (strcmp(k, "up-leaf") == 0) {
			if (shaper_leaf_parse(v, &p.up.leaf) < 0)
				return usage_error("up-leaf \"%s\": unknown (use none, fq_codel, sfq or cake)", v);
			set |= X_ULEAF;
		} else if (strcmp(k, "up-mode") == 0) {
			if (shaper_upmode_parse(v, &p.upmode) < 0)
				return usage_error("up-mode \"%s\": unknown (use police or ifb)", v);
			set |= X_UPMODE;
		} else if (strcmp(k, "down-burst") == 0)
			bad = parse_u32(k, v, SHAPER_BURST_MAX, &p.down.burst);
		else if (strcmp(k, "up-burst") == 0)
			bad = parse_u32(k, v, SHAPER_BURST_MAX, &p.up.burst);
		else if (strcmp(k, "latency") == 0) {
			bad = parse_u32(k, v, SHAPER_LATENCY_MAX_US / 1000, &ms);
			p.down.latency_us = p.up.latency_us = ms * 1000;
		} else
			return usage_error("apply: unknown keyword \"%s\"", k);
		if (bad)
			return 2;
	}
	/* a profile first, then what was given explicitly over it */
	if (use_profile) {
		struct shaper_caps caps;
		enum shaper_profile chosen;
		char why[256];

		given = p;
		rc = shaper_probe(sh, &caps);
		if (rc < 0) {
			fprintf(stderr, "acd-shape: profile %s: %s\n", shaper_profile_name(profile),
				shaper_errmsg(sh));
			return 1;
		}
		if (shaper_profile_pick(profile, &caps, &p, &chosen, why, sizeof(why)) < 0) {
			fprintf(stderr, "acd-shape: %s\n", why);
			return 1;
		}
		if (!json_out)
			fprintf(stderr, "acd-shape: %s\n", why);
		p.down.rate = given.down.rate;
		p.up.rate = given.up.rate;
		p.down.burst = given.down.burst;
		p.up.burst = given.up.burst;
		p.down.latency_us = given.down.latency_us;
		p.up.latency_us = given.up.latency_us;
		if (set & X_DQ)
			p.down.qdisc = given.down.qdisc;
		if (set & X_UQ)
			p.up.qdisc = given.up.qdisc;
		if (set & X_LEAF)
			p.down.leaf = given.down.leaf;
		if (set & X_ULEAF)
			p.up.leaf = given.up.leaf;
		if (set & X_UPMODE)
			p.upmode = given.upmode;
		/* an htb given over the profile gets the best leaf there is */
		if ((set & X_DQ) && p.down.qdisc == SHAPER_QDISC_HTB && !(set & X_LEAF))
			p.down.leaf = shaper_best_leaf(&caps);
		if ((set & X_UQ) && p.up.qdisc == SHAPER_QDISC_HTB && !(set & X_ULEAF))
			p.up.leaf = shaper_best_leaf(&caps);
		if (shaper_caps_check(&caps, &p, why, sizeof(why)) < 0) {
			fprintf(stderr, "acd-shape: %s: %s\n", argv[0], why);
			return 1;
		}
	}
	/* a leaf implies htb, so "leaf fq_codel" alone does what it says */
	if (p.down.leaf != SHAPER_LEAF_NONE && p.down.qdisc == SHAPER_QDISC_NONE)
		p.down.qdisc = SHAPER_QDISC_HTB;
	if (p.up.leaf != SHAPER_LEAF_NONE && p.up.qdisc == SHAPER_QDISC_NONE)
		p.up.qdisc = SHAPER_QDISC_HTB;
	{
		char err[256];

		if (shaper_policy_check(&p, err, sizeof(err)) < 0) {
			fprintf(stderr, "acd-shape: %s: %s\n", argv[0], err);
			return 2;
		}
	}
	idx = resolve(sh, argv[0]);
	if (idx < 0)
		return 1;
	rc = shaper_apply(sh, idx, &p);
	if (rc < 0) {
		fprintf(stderr, "acd-shape: %s\n", shaper_errmsg(sh));
		return 1;
	}
	return 0;
}

static json_t *counters_json(json_t *o, const struct shaper_counters *c)
{
	json_object_set_new(o, "bytes", json_integer((json_int_t)c->bytes));
	json_object_set_new(o, "packets", json_integer((json_int_t)c->packets));
	json_object_set_new(o, "drops", json_integer((json_int_t)c->drops));
	json_object_set_new(o, "overlimits", json_integer((json_int_t)c->overlimits));
	json_object_set_new(o, "backlog", json_integer(c->backlog));
	json_object_set_new(o, "qlen", json_integer(c->qlen));
	return o;
}

static json_t *dir_json(bool installed, const struct shaper_dir *d, const struct shaper_counters *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "installed", json_boolean(installed));
	json_object_set_new(o, "qdisc", json_string(shaper_qdisc_name(d->qdisc)));
	json_object_set_new(o, "rate", json_integer((json_int_t)d->rate));
	json_object_set_new(o, "burst", json_integer(d->burst));
	json_object_set_new(o, "latency_us", json_integer(d->latency_us));
	json_object_set_new(o, "leaf", json_string(shaper_leaf_name(d->leaf)));
	return counters_json(o, c);
}

static json_t *state_json(const struct shaper_state *st)
{
	json_t *o = json_object(), *up;

	json_object_set_new(o, "ifname", json_string(st->ifname));
	json_object_set_new(o, "ifindex", json_integer(st->ifindex));
	json_object_set_new(o, "mtu", json_integer(st->mtu));
	json_object_set_new(o, "down", dir_json(st->down_installed, &st->policy.down, &st->down));
	up = dir_json(st->up_installed, &st->policy.up, &st->up);
	json_object_set_new(up, "mode", st->up_installed ?
				 json_string(shaper_upmode_name(st->policy.upmode)) : json_null());
	json_object_set_new(up, "ifb", json_string(st->ifb));
	json_object_set_new(o, "up", up);
	return o;
}

/* Text is rendered from the same JSON object, so the two never disagree. */
static void print_dir(const char *label, json_t *d)
{
	char r[32];
	const char *mode = json_string_value(json_object_get(d, "mode"));
	const char *ifb = json_string_value(json_object_get(d, "ifb"));

	printf("  %-9s", label);
	if (!json_is_true(json_object_get(d, "installed"))) {
		printf("unshaped\n");
		return;
	}
	if (mode)
		printf("%s%s%s ", mode, ifb && *ifb ? " " : "", ifb && *ifb ? ifb : "");
	if (!mode || strcmp(mode, "police") != 0)
		printf("%s ", json_string_value(json_object_get(d, "qdisc")));
	printf("%s burst %" JSON_INTEGER_FORMAT,
	       shaper_rate_format((uint64_t)json_integer_value(json_object_get(d, "rate")), r,
				  sizeof(r)),
	       json_integer_value(json_object_get(d, "burst")));
	if (json_integer_value(json_object_get(d, "latency_us")))
		printf(" latency %" JSON_INTEGER_FORMAT "ms",
		       json_integer_value(json_object_get(d, "latency_us")) / 1000);
	if (strcmp(json_string_value(json_object_get(d, "leaf")), "none") != 0)
		printf(" leaf %s", json_string_value(json_object_get(d, "leaf")));
	printf("\n  %-9sbytes %" JSON_INTEGER_FORMAT " packets %" JSON_INTEGER_FORMAT
	       " drops %" JSON_INTEGER_FORMAT " overlimits %" JSON_INTEGER_FORMAT "\n", "",
	       json_integer_value(json_object_get(d, "bytes")),
	       json_integer_value(json_object_get(d, "packets")),
	       json_integer_value(json_object_get(d, "drops")),
	       json_integer_value(json_object_get(d, "overlimits")));
}

static int cmd_show(struct shaper *sh, int argc, char **argv)
{
	struct shaper_state st;
	json_t *o;
	int idx;

	if (argc != 1)
		return usage_error("show needs exactly one interface");
	idx = resolve(sh, argv[0]);
	if (idx < 0)
		return 1;
	if (shaper_show(sh, idx, &st) < 0) {
		fprintf(stderr, "acd-shape: %s\n", shaper_errmsg(sh));
		return 1;
	}
	o = state_json(&st);
	if (json_out) {
		char *s = json_dumps(o, JSON_COMPACT);

		puts(s ? s : "{}");
		free(s);
	} else {
		printf("%s (ifindex %" JSON_INTEGER_FORMAT ", mtu %" JSON_INTEGER_FORMAT ")\n",
		       st.ifname, (json_int_t)st.ifindex, (json_int_t)st.mtu);
		print_dir("download", json_object_get(o, "down"));
		print_dir("upload", json_object_get(o, "up"));
	}
	json_decref(o);
	return 0;
}

static int cmd_clear(struct shaper *sh, int argc, char **argv)
{
	int idx;

	if (argc != 1)
		return usage_error("clear needs exactly one interface");
	idx = resolve(sh, argv[0]);
	if (idx < 0) {
		/* the interface is gone: still remove its orphaned IFB */
		int n = shaper_gc(sh);

		if (n > 0)
			fprintf(stderr, "acd-shape: removed %d orphaned IFB device(s)\n", n);
		return 1;
	}
	if (shaper_clear(sh, idx) < 0) {
		fprintf(stderr, "acd-shape: %s\n", shaper_errmsg(sh));
		return 1;
	}
	return 0;
}

static int cmd_gc(struct shaper *sh, int argc, char **argv)
{
	int n;

	(void)argv;
	if (argc != 0)
		return usage_error("gc takes no arguments");
	n = shaper_gc(sh);
	if (n < 0) {
		fprintf(stderr, "acd-shape: %s\n", shaper_errmsg(sh));
		return 1;
	}
	if (json_out)
		printf("{\"removed\":%d}\n", n);
	else
		printf("removed %d orphaned IFB device(s)\n", n);
	return 0;
}

static int cmd_probe(struct shaper *sh, int argc, char **argv)
{
	struct shaper_policy p;
	struct shaper_caps c;
	enum shaper_profile chosen = SHAPER_PROFILE_AUTO;
	char why[256];
	int rc;

	(void)argv;
	if (argc != 0)
		return usage_error("probe takes no arguments");
	memset(&p, 0, sizeof(p));
	if (shaper_probe(sh, &c) < 0) {
		fprintf(stderr, "acd-shape: %s\n", shaper_errmsg(sh));
		return 1;
	}
	rc = shaper_profile_pick(SHAPER_PROFILE_AUTO, &c, &p, &chosen, why, sizeof(why));
	if (json_out) {
		json_t *o = json_pack("{s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:s?,s:s}", "tbf", c.tbf,
				      "htb", c.htb, "cake", c.cake, "fq_codel", c.fq_codel, "sfq",
				      c.sfq, "ifb", c.ifb, "police", c.police, "mirred", c.mirred,
				      "auto", rc < 0 ? NULL : shaper_profile_name(chosen), "why", why);

		if (!o)
			return 1;
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		printf("qdiscs: tbf %s, htb %s, cake %s, fq_codel %s, sfq %s\n"
		       "upload: ifb %s, act_mirred %s, act_police %s\n%s\n",
		       c.tbf ? "yes" : "no", c.htb ? "yes" : "no", c.cake ? "yes" : "no",
		       c.fq_codel ? "yes" : "no", c.sfq ? "yes" : "no", c.ifb ? "yes" : "no",
		       c.mirred ? "yes" : "no", c.police ? "yes" : "no", why);
	}
	return rc < 0 ? 1 : 0;
}

static const struct cmd cmds[] = {
	{ "apply", cmd_apply,
	  "IFACE [down RATE] [up RATE] [profile auto|cake|fq_codel|tbf]\n"
	  "        [down-qdisc tbf|htb|cake] [up-qdisc tbf|htb|cake]\n"
	  "        [leaf none|fq_codel|sfq|cake] [up-leaf ...] [up-mode police|ifb]\n"
	  "        [down-burst BYTES] [up-burst BYTES] [latency MS]",
	  "shape IFACE (a direction left out is unshaped; without a profile or\n"
	  "        qdisc: tbf down, police up; qdiscs given win over the profile's)" },
	{ "probe", cmd_probe, "", "what the kernel can shape with, and what profile auto picks" },
	{ "show", cmd_show, "IFACE", "read back the policy and its counters" },
	{ "clear", cmd_clear, "IFACE", "remove all the shaper created, IFB included" },
	{ "gc", cmd_gc, "", "remove IFB devices whose interface is gone" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: acd-shape [-j] COMMAND ...\n"
		   "       acd-shape -h | --help | --version\n\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s %s\n        %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
	fprintf(f, "\nRATE: 10M, 5120k, 1.5G, 10mbit; a bare number is bit/s; 0 = unshaped.\n"
		   "-j: JSON output.  -h, --help: this help.  --version: print \"acd-shape VERSION\".\n"
		   "Exit: 0 ok, 1 failed, 2 usage error.\n");
}

enum { OPT_VERSION = 256 };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct shaper *sh;
	size_t i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_out = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("acd-shape %s\n", ACD_VERSION);
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
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return usage_error("unknown command \"%s\"", argv[optind]);
	rc = shaper_open(&sh);
	if (rc < 0) {
		fprintf(stderr, "acd-shape: cannot open a netlink socket: %s\n", shaper_strerror(rc));
		return 1;
	}
	rc = cmds[i].fn(sh, argc - optind - 1, argv + optind + 1);
	shaper_close(sh);
	return rc;
}
