/*
 * nat64.h - the NAT64/DNS64 control plane (libnat64): one declarative
 * [nat64] + [dns64] configuration, validated offline, turned into Jool's
 * atomic JSON (or a TAYGA config), a BIND dns64 block or an unbound
 * fragment, and a radvd PREF64 block; planned against the running state,
 * applied idempotently, read back as status, and probed end to end.
 *
 * Layers (each usable alone):
 *
 *   config    nat64_config_init / _key / _check / _parse / _print
 *             pure: no I/O except reading the file in nat64_config_parse
 *   render    nat64_jool_json, nat64_tayga_conf, nat64_dns64_bind,
 *             nat64_dns64_unbound, nat64_pref64_radvd - pure, golden-testable
 *   checks    nat64_ephemeral_check (pool4 vs ip_local_port_range),
 *             nat64_version_check (jool-tools vs the kernel module)
 *   state     nat64_state_read, nat64_plan, nat64_apply, nat64_status -
 *             run `jool` (or tayga and ip) with argv, never a shell
 *   dns64     nat64_dns64_install: render, check with named-checkconf or
 *             unbound-checkconf, install atomically, optionally reload
 *   probe     nat64_probe: DNS64 answers and reachability through the prefix
 *
 * Integration in a daemon that parses its own INI file (acd reads
 * nat64_conf_table with acdutil's conftab; another reader with inih):
 *
 *   nat64_config_init(&cfg);
 *   inih callback: if (nat64_config_key(&cfg, section, name, value,
 *                                       file, line, &errs)) return 1;
 *   after the parse: nat64_config_check(&cfg, file, &errs);
 *   if (cfg.nat64_present) nat64_apply(ctx, &cfg, 0, &plan);   at start
 *   periodically:          nat64_plan(ctx, &cfg, &plan) and re-apply when
 *                          plan.n > 0 (e.g. the instance vanished after a
 *                          module reload); nat64_status() for show/stat.
 *
 * Errors: functions return 0 or a negative NAT64_E* code; a context
 * (struct nat64_ctx) keeps the full message of its last failure
 * (nat64_errmsg), naming the input and what to do.  Config errors are
 * collected, all of them, as "file:line: message".
 *
 * Nothing here is thread-safe; use one context per thread.
 */
#ifndef ACD_NAT64_H
#define ACD_NAT64_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes (returned negated). */
enum nat64_err {
	NAT64_OK = 0,
	NAT64_EINVAL = 1,       /* invalid configuration or argument */
	NAT64_ENOMEM,
	NAT64_EIO,              /* a file could not be read or written */
	NAT64_EEXEC,            /* a program could not be run (not installed?) */
	NAT64_ENOMODULE,        /* Jool's kernel module is not loaded */
	NAT64_EVERSION,         /* jool-tools and the module disagree on the version */
	NAT64_EREJECTED,        /* jool (or a checker) refused the generated config */
	NAT64_EEPHEMERAL,       /* pool4 overlaps net.ipv4.ip_local_port_range */
	NAT64_ERECREATE,        /* pool6/framework change needs the instance re-created */
	NAT64_ECHECK,           /* named-checkconf / unbound-checkconf refused a render */
	NAT64_EVERIFY,          /* applied, but the read-back state differs */
	NAT64_EPROBE,           /* an end-to-end probe failed */
	NAT64_EPARSE,           /* output of jool (or another tool) not understood */
	NAT64_ERR_MAX
};

/* ---- configuration -------------------------------------------------------- */

#define NAT64_POOL4_MAX    32   /* pool4 lines */
#define NAT64_ACL_MAX      32   /* elements of clients / mapped / exclude */
#define NAT64_ACL_LEN      48   /* one element: "!255.255.255.255/32" fits */
#define NAT64_MAX_ERRORS   64
#define NAT64_IFNAME_LEN   16
#define NAT64_INAME_LEN    16   /* Jool instance names: at most 15 characters */

/* protocols of a pool4 line: a bit set */
#define NAT64_TCP  0x1u
#define NAT64_UDP  0x2u
#define NAT64_ICMP 0x4u
#define NAT64_ALL_PROTOS (NAT64_TCP | NAT64_UDP | NAT64_ICMP)

/* Jool's default when pool4 is empty: ports 61001-65535 of the node's addresses */
#define NAT64_DEFAULT_PORT_MIN 61001u
#define NAT64_DEFAULT_PORT_MAX 65535u

/* max-iterations: Jool's "auto" (the default) and "infinity" */
#define NAT64_ITER_AUTO     0u
#define NAT64_ITER_INFINITY UINT32_MAX

/* RFC 8781: the PREF64 lifetime is 13 bits in units of 8 s */
#define NAT64_PREF64_LIFETIME_MAX 65528u

enum nat64_backend { NAT64_BACKEND_JOOL = 0, NAT64_BACKEND_TAYGA };
enum nat64_framework { NAT64_FW_NETFILTER = 0, NAT64_FW_IPTABLES };
enum nat64_dns_server { NAT64_DNS_BIND = 0, NAT64_DNS_UNBOUND };

struct nat64_prefix6 {
	struct in6_addr addr;
	uint8_t len;
};

struct nat64_prefix4 {
	struct in_addr addr;        /* network byte order, host bits zero */
	uint8_t len;
};

/* One pool4 line: a prefix, its protocols, their port range. */
struct nat64_pool4 {
	struct nat64_prefix4 prefix;
	unsigned protos;            /* NAT64_TCP | NAT64_UDP | NAT64_ICMP */
	uint16_t port_min, port_max;/* for ICMP: the identifier range */
	bool ports_set;             /* false: defaults (61001-65535; ICMP 0-65535) */
	uint32_t mark;
	uint32_t max_iterations;    /* NAT64_ITER_AUTO, NAT64_ITER_INFINITY or a count */
	int line;                   /* where it was written, for messages */
};

/* An address match list element as written ("!10.0.0.0/8", "any"). */
typedef char nat64_acl_elem[NAT64_ACL_LEN];

struct nat64_config {
	const char *file;           /* name used in messages (not owned) */
	bool nat64_present;         /* a [nat64] section was seen */
	bool dns64_present;         /* a [dns64] section was seen */

	/* [nat64] */
	enum nat64_backend backend;
	char instance[NAT64_INAME_LEN];
	enum nat64_framework framework;
	struct nat64_prefix6 pool6;
	bool pool6_set;
	struct nat64_pool4 pool4[NAT64_POOL4_MAX];
	unsigned npool4;
	char ephemeral_dropin[PATH_MAX];    /* sysctl.d drop-in --fix-ephemeral writes */
	uint32_t pref64_lifetime;           /* seconds, 0..65528, multiple of 8 */
	/* backend = tayga */
	char tayga_device[NAT64_IFNAME_LEN];
	struct in_addr tayga_ipv4;          /* TAYGA's own IPv4 address */
	struct in6_addr tayga_ipv6;         /* optional; needed with 64:ff9b::/96 */
	bool tayga_ipv6_set;
	struct nat64_prefix4 tayga_pool;    /* dynamic pool: one IPv4 per IPv6 host */
	char tayga_config[PATH_MAX];
	char tayga_data_dir[PATH_MAX];
	char tayga_pidfile[PATH_MAX];

	/* [dns64] */
	enum nat64_dns_server dns_server;
	char dns_output[PATH_MAX];          /* "" = the server's default path */
	struct nat64_prefix6 dns_prefix;    /* default: pool6 */
	bool dns_prefix_set;
	nat64_acl_elem clients[NAT64_ACL_MAX];
	unsigned nclients;                  /* 0 = any */
	nat64_acl_elem mapped[NAT64_ACL_MAX];
	unsigned nmapped;                   /* 0 = RFC 6052 default (non-global excluded) */
	nat64_acl_elem exclude[NAT64_ACL_MAX];
	unsigned nexclude;                  /* 0 = ::ffff:0:0/96 */
	struct in6_addr suffix;
	bool suffix_set;
	bool recursive_only;
	bool break_dnssec;
	char control_config[PATH_MAX];      /* rndc -c / unbound-control -c; "" = default */
};

/* Every error of one parse, as "file:line: message". */
struct nat64_errors {
	unsigned n;
	unsigned more;                  /* errors past NAT64_MAX_ERRORS: counted only */
	char msg[NAT64_MAX_ERRORS][320];
};

/*
 * The [nat64] and [dns64] keys, for acd's reader of acd.conf (acdutil's
 * conftab.h: struct conf_table): acd.conf's sections are read through it
 * by the same reader as nat64ctl's file.  Its check is
 * nat64_config_check's.
 */
struct conf_table;
extern const struct conf_table nat64_conf_table;

/* Fill cfg with the defaults (no section present, instance "acd",
 * netfilter, pool6 unset, TAYGA device "nat64", ...). */
void nat64_config_init(struct nat64_config *cfg);

/*
 * Feed one key from an INI parser (an inih callback).  Returns 1 when the
 * section is [nat64] or [dns64] (the key was consumed: accepted, or an
 * error added to errs, unknown keys included), 0 for any other section
 * (the caller's).  file and line make the "file:line:" of messages.
 * pool4 may repeat; every other key given twice keeps the last value.
 */
int nat64_config_key(struct nat64_config *cfg, const char *section, const char *name,
		     const char *value, const char *file, int line, struct nat64_errors *errs);

/*
 * Cross-key checks after the whole file was fed: pool6 present, pool4
 * lines not overlapping each other, TAYGA addresses inside/outside the
 * right prefixes, RFC 6052 rules for the DNS64 prefix and mapped list.
 * Adds every problem to errs; returns 0 when errs->n == 0, else
 * -NAT64_EINVAL.
 */
int nat64_config_check(struct nat64_config *cfg, const char *file, struct nat64_errors *errs);

/*
 * Parse a file that holds only [nat64] and [dns64] sections (nat64ctl's
 * own file), or, with path NULL, the text in buf, then nat64_config_check.
 * Reports every error; returns 0 or -NAT64_EINVAL.  When ignore_other is
 * true, other sections are skipped silently (so nat64ctl can read acd.conf).
 */
int nat64_config_parse(const char *path, const char *buf, bool ignore_other,
		       struct nat64_config *cfg, struct nat64_errors *errs);

/* Write cfg as [nat64]/[dns64] text that parses back to the same config. */
void nat64_config_print(FILE *f, const struct nat64_config *cfg);

/* "tcp,udp,icmp" for a protocol set. */
const char *nat64_protos_name(unsigned protos, char *buf, size_t len);

/* Port range of one protocol of a pool4 line (applies the defaults). */
void nat64_pool4_ports(const struct nat64_pool4 *p, unsigned proto, unsigned *min,
		       unsigned *max);

/* Prefixes as text ("64:ff9b::/96", "192.0.2.0/24"). */
const char *nat64_prefix6_str(const struct nat64_prefix6 *p, char *buf, size_t len);
const char *nat64_prefix4_str(const struct nat64_prefix4 *p, char *buf, size_t len);

/* Parse "64:ff9b::/96" / "192.0.2.1[/32]"; 0 or -1 (host bits set is -1). */
int nat64_prefix6_parse(const char *s, struct nat64_prefix6 *p);
int nat64_prefix4_parse(const char *s, struct nat64_prefix4 *p);

/* The IPv6 address of v4 under prefix p (RFC 6052 2.2, u-octet kept 0). */
void nat64_synthesize(const struct nat64_prefix6 *p, struct in_addr v4, struct in6_addr *out);

/* ---- renders (pure; the caller frees the string) ---------------------------- */

/*
 * Jool's atomic configuration for `jool file handle`: instance, framework,
 * global.pool6 and one pool4 entry per protocol of each pool4 line.
 * Returns a malloc'd, NUL-terminated JSON text or NULL (no memory).
 */
char *nat64_jool_json(const struct nat64_config *cfg);

/* TAYGA's tayga.conf for backend = tayga (malloc'd, or NULL). */
char *nat64_tayga_conf(const struct nat64_config *cfg);

/*
 * BIND 9.18's dns64 statement, to be included inside `options { }` (or a
 * view): prefix, clients, mapped (RFC 6052 default: non-global IPv4 not
 * mapped, 192.0.0.170/31 kept for RFC 7050), exclude, suffix,
 * recursive-only, break-dnssec.  malloc'd, or NULL.
 */
char *nat64_dns64_bind(const struct nat64_config *cfg);

/*
 * unbound's server: fragment (module-config with dns64, dns64-prefix,
 * access-control for clients).  unbound has no `mapped` filter: the text
 * says so in a comment, and lists what it cannot exclude.  malloc'd, or NULL.
 */
char *nat64_dns64_unbound(const struct nat64_config *cfg);

/*
 * radvd's PREF64 option (RFC 8781) for the operator's interface block:
 * `nat64prefix PREFIX { AdvValidLifetime N; };`.  Needs radvd >= 2.20
 * (Debian 12 has 2.19: see nat64_radvd_supports_pref64).  malloc'd, or NULL.
 */
char *nat64_pref64_radvd(const struct nat64_config *cfg);

/* ---- checks --------------------------------------------------------------- */

/*
 * Is a pool4 TCP/UDP port range clear of the kernel's ephemeral range
 * [eph_min, eph_max] (net.ipv4.ip_local_port_range)?  Jool does not check
 * (its issue #437: the node's own connections then hang).  Returns 0 when
 * no range overlaps, else -NAT64_EEPHEMERAL with a message in err showing
 * both ranges and the fix.  An empty pool4 means Jool's 61001-65535.
 */
int nat64_ephemeral_check(const struct nat64_config *cfg, unsigned eph_min, unsigned eph_max,
			  char *err, size_t errlen);

/*
 * The ephemeral range that clears pool4: [eph_min, lowest pool4 port - 1]
 * when that leaves at least 1024 ports, else -NAT64_EEPHEMERAL.
 */
int nat64_ephemeral_fixed(const struct nat64_config *cfg, unsigned eph_min, unsigned eph_max,
			  unsigned *new_min, unsigned *new_max, char *err, size_t errlen);

/* Read /proc/sys/net/ipv4/ip_local_port_range (of the caller's netns). */
int nat64_ephemeral_read(unsigned *min, unsigned *max);

/*
 * Compare the versions of jool-tools and the module ("4.1.9.0").
 * jool-tools up to 4.1.9 need the exact same version; 4.1.10 and later
 * only the same major.minor.  0 when compatible, else -NAT64_EVERSION with
 * a message in err that says which to upgrade.
 */
int nat64_version_check(const char *tools, const char *module, char *err, size_t errlen);

/* Does `radvd --version` text announce >= 2.20 (nat64prefix support)? */
bool nat64_radvd_supports_pref64(const char *version_text);

/* Run `radvd --version`: true when it supports PREF64; else a note saying why not. */
bool nat64_pref64_supported(char *note, size_t len);

/* ---- the running state, plan and apply -------------------------------------- */

struct nat64_ctx;

/* Programs and paths a context uses; NULL fields take the defaults. */
struct nat64_ctx_opts {
	const char *jool;           /* "jool" (searched in PATH) */
	const char *tayga;          /* "tayga" */
	const char *ip;             /* "ip" */
	const char *modprobe;       /* "modprobe"; "" = never load the module */
	const char *sysfs_module;   /* "/sys/module" (jool's version is read there) */
	const char *proc_sys;       /* "/proc/sys" (ip_local_port_range) */
	const char *tmpdir;         /* "/run/nat64ctl", else $TMPDIR, else /tmp */
};

/* Open a context; 0 and *out, or -NAT64_ENOMEM.  opts may be NULL. */
int nat64_ctx_open(struct nat64_ctx **out, const struct nat64_ctx_opts *opts);
void nat64_ctx_close(struct nat64_ctx *ctx);

/* The message of the last failed call on this context ("" if none). */
const char *nat64_errmsg(const struct nat64_ctx *ctx);

/* A short text for a NAT64_E* code (positive or negative). */
const char *nat64_strerror(int err);

/* One pool4 entry as Jool stores it: one protocol. */
struct nat64_pool4_entry {
	uint32_t mark;
	unsigned proto;             /* one of NAT64_TCP, NAT64_UDP, NAT64_ICMP */
	struct nat64_prefix4 prefix;
	uint16_t port_min, port_max;
	uint32_t max_iterations;    /* NAT64_ITER_AUTO when Jool chooses */
};

#define NAT64_STATE_POOL4_MAX (NAT64_POOL4_MAX * 3)

/* What runs now (read from `jool`, or TAYGA's pid file and config). */
struct nat64_state {
	bool module_loaded;         /* jool: the module is there */
	char module_version[32];
	char tools_version[32];
	bool instance_exists;       /* jool: instance in this netns; tayga: process alive */
	enum nat64_framework framework;
	bool framework_known;
	struct nat64_prefix6 pool6;
	bool pool6_set;
	struct nat64_pool4_entry pool4[NAT64_STATE_POOL4_MAX];
	unsigned npool4;
	bool tayga_config_same;     /* tayga: the installed config equals the render */
	int tayga_pid;
};

/*
 * Read the running state for cfg's backend and instance.  For Jool a
 * missing module is not an error here (module_loaded false); a failing
 * jool command or output that cannot be parsed is.
 */
int nat64_state_read(struct nat64_ctx *ctx, const struct nat64_config *cfg,
		     struct nat64_state *st);

/* The expansion of cfg's pool4 into Jool entries (one per protocol). */
unsigned nat64_pool4_entries(const struct nat64_config *cfg, struct nat64_pool4_entry *out,
			     unsigned max);

enum nat64_change_kind {
	NAT64_CH_CREATE,            /* instance (or TAYGA process) to create */
	NAT64_CH_RECREATE,          /* pool6 or framework differs: remove + create */
	NAT64_CH_POOL6,             /* pool6 to set (with create) */
	NAT64_CH_POOL4_ADD,
	NAT64_CH_POOL4_DEL,
	NAT64_CH_TAYGA_CONFIG,      /* tayga.conf differs */
	NAT64_CH_TAYGA_START,       /* process not running */
};

struct nat64_change {
	enum nat64_change_kind kind;
	char text[160];             /* one diff line without its sign */
};

#define NAT64_PLAN_MAX (2 * NAT64_STATE_POOL4_MAX + 8)

struct nat64_plan {
	unsigned n;                 /* 0: nothing to do */
	struct nat64_change ch[NAT64_PLAN_MAX];
	bool create, recreate;
};

/* Diff cfg against st (pure). */
void nat64_plan_diff(const struct nat64_config *cfg, const struct nat64_state *st,
		     struct nat64_plan *plan);

/* nat64_state_read + nat64_plan_diff. */
int nat64_plan(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_plan *plan);

/* Print a plan as a diff ("+ pool4 TCP 192.0.2.1 61001-65535"); "no changes" when empty. */
void nat64_plan_print(FILE *f, const struct nat64_plan *plan);

/* flags of nat64_apply */
#define NAT64_APPLY_RECREATE      0x1u  /* allow remove + create when pool6/framework changed */
#define NAT64_APPLY_FIX_EPHEMERAL 0x2u  /* write the sysctl.d drop-in and set the range */
#define NAT64_APPLY_NO_MODPROBE   0x4u  /* never try to load Jool's module */
#define NAT64_APPLY_DRY_RUN       0x8u  /* everything up to (not including) the change */

/*
 * Make the running state match cfg.  In order: validation (nat64_config_check
 * must have passed), module present (modprobe unless NO_MODPROBE), version
 * check, ephemeral-range check (or fix), plan; no change -> nothing is run
 * (idempotent); otherwise one `jool file handle` of the whole rendered
 * JSON (atomic: a rejected file leaves the running config untouched, and
 * the error says so with jool's own message), then a read-back that must
 * show an empty plan.  plan (may be NULL) receives what was changed.
 * For TAYGA: render tayga.conf, install it atomically, create the tun
 * device, addresses and routes, (re)start tayga.
 */
int nat64_apply(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned flags,
		struct nat64_plan *plan);

/* Remove the instance (Jool) or stop TAYGA and delete its device. */
int nat64_remove(struct nat64_ctx *ctx, const struct nat64_config *cfg);

/* pool4 utilisation of one pool4 entry. */
struct nat64_pool4_usage {
	struct nat64_pool4_entry entry;
	uint64_t capacity;          /* addresses x ports */
	uint64_t in_use;            /* BIB entries (address, port) inside it */
};

struct nat64_status {
	struct nat64_state state;
	struct nat64_pool4_usage usage[NAT64_STATE_POOL4_MAX];
	unsigned nusage;
	uint64_t bib[3];            /* BIB entries per protocol: TCP, UDP, ICMP */
	uint64_t sessions[3];       /* sessions per protocol */
};

/* State plus BIB and session counts and per-entry utilisation. */
int nat64_status(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_status *s);

/* Write /proc/sys/net/ipv4/ip_local_port_range and the drop-in (atomic). */
int nat64_ephemeral_fix(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned *new_min,
			unsigned *new_max);

/* ---- running-state parsers (pure, exposed for tests) ----------------------------- */

/* `jool -i I pool4 display --csv --no-headers`: returns entries or -NAT64_EPARSE. */
int nat64_parse_pool4_csv(const char *text, struct nat64_pool4_entry *out, unsigned max,
			  unsigned *n);
/* `jool -i I global display --csv`: pool6 (set false when unset). */
int nat64_parse_global_csv(const char *text, struct nat64_prefix6 *pool6, bool *set);
/* `jool instance display --csv --no-headers`: framework of the instance named iname. */
int nat64_parse_instance_csv(const char *text, const char *iname, enum nat64_framework *fw,
			     bool *found);
/* `jool -i I bib display --csv --numeric --no-headers`: count, and per-entry usage. */
int nat64_parse_bib_csv(const char *text, struct nat64_pool4_usage *usage, unsigned nusage,
			uint64_t *count);

/* ---- DNS64 install ---------------------------------------------------------- */

#define NAT64_DNS_RELOAD 0x1u   /* rndc reload / unbound-control reload after install */
#define NAT64_DNS_CHECK_ONLY 0x2u

/*
 * Render the DNS64 config of cfg->dns_server, check it (named-checkconf on
 * a wrapper `options { ... }`, or unbound-checkconf), and only then replace
 * path (default cfg->dns_output) atomically (temp file in the same
 * directory, fsync, rename).  A render that fails the check never touches
 * the installed file: -NAT64_ECHECK with the checker's message.  Returns 1
 * when the installed file was already identical (nothing written), 0 when
 * it was replaced.
 */
int nat64_dns64_install(struct nat64_ctx *ctx, const struct nat64_config *cfg, const char *path,
			unsigned flags);

/*
 * Whether the DNS64 resolver is up: it answers `rndc status` or
 * `unbound-control status` through control-config.  0, or
 * -NAT64_EREJECTED with the tool's words (-NAT64_EEXEC: it did not run).
 */
int nat64_dns64_alive(struct nat64_ctx *ctx, const struct nat64_config *cfg);

/* Default output of a DNS64 render for a server kind. */
const char *nat64_dns64_default_path(enum nat64_dns_server s);

/* ---- probe -------------------------------------------------------------------- */

struct nat64_probe_opts {
	const char *server;         /* DNS64 resolver address; NULL = the system's */
	unsigned port;              /* 0 = 53 */
	const char *name;           /* extra A-only name to check (NULL: none) */
	const char *target4;        /* IPv4 address to reach through pool6 (NULL: none) */
	unsigned tcp_port;          /* TCP port on target4; 0 = ping only */
	unsigned timeout_ms;        /* per step; 0 = 2000 */
	const char *dig;            /* "dig" */
	const char *ping;           /* "ping" */
};

struct nat64_probe_step {
	char what[96];
	bool ok;
	char detail[256];
};

struct nat64_probe_result {
	unsigned n;
	struct nat64_probe_step step[8];
	bool ok;
};

/*
 * End-to-end checks: ipv4only.arpa AAAA answers carry the configured
 * prefix (RFC 7050), the extra name has a synthesized AAAA under the
 * prefix, the IPv4 target answers ping (and a TCP connect) at its
 * synthesized address.  0 when all passed, else -NAT64_EPROBE; the result
 * holds every step either way.
 */
int nat64_probe(struct nat64_ctx *ctx, const struct nat64_config *cfg,
		const struct nat64_probe_opts *o, struct nat64_probe_result *r);

#ifdef __cplusplus
}
#endif

#endif
