/*
 * nat64_int.h - libnat64's internals shared between its files (not
 * installed).
 */
#ifndef ACD_NAT64_INT_H
#define ACD_NAT64_INT_H

#include <stdarg.h>
#include <sys/types.h> /* mode_t: musl does not bring it in through the others */

#include "nat64.h"

struct nat64_ctx {
	char jool[PATH_MAX];
	char tayga[PATH_MAX];
	char ip[PATH_MAX];
	char modprobe[PATH_MAX];
	char sysfs_module[PATH_MAX];
	char proc_sys[PATH_MAX];
	char tmpdir[PATH_MAX];
	char err[1024];
};

/* set ctx->err and return -code (ctx.c) */
int nat64_fail(struct nat64_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

bool nat64_prefix4_contains(const struct nat64_prefix4 *p, uint32_t host_order_addr);
bool nat64_prefix4_overlap(const struct nat64_prefix4 *a, const struct nat64_prefix4 *b);
void nat64_pool4_line_str(const struct nat64_pool4 *p, char *buf, size_t len);
bool nat64_is_wkp(const struct nat64_prefix6 *p);
bool nat64_acl_match4(const nat64_acl_elem *v, unsigned n, uint32_t host_order_addr);
const char *nat64_proto_name(unsigned proto);     /* "TCP", "UDP", "ICMP" */
int nat64_proto_index(unsigned proto);            /* 0, 1, 2 */

/* ---- plans (plan.c) ---- */

/* Add one change to a plan (silently full at NAT64_PLAN_MAX). */
void nat64_plan_add(struct nat64_plan *p, enum nat64_change_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the ephemeral range (checks.c) ---- */

/* ip_local_port_range under ctx->proc_sys; 0, or -NAT64_EIO with ctx's message */
int nat64_ephemeral_range(struct nat64_ctx *ctx, unsigned *min, unsigned *max);

/* ---- backends (jool.c, tayga.c) ---- */

/*
 * What a backend does for the backend-neutral core (nat64.c), which picks
 * one by cfg->backend and calls through it.  A backend uses the helpers
 * of this header; it never calls the core or another backend.
 */
struct nat64_backend_ops {
	/* read what runs into st (zeroed by the caller); a backend that is
	 * absent (no module) is not an error here */
	int (*state)(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_state *st);
	/* pure: zero plan, then add what turns st into cfg */
	void (*diff)(const struct nat64_config *cfg, const struct nat64_state *st,
		     struct nat64_plan *plan);
	/* can a plan be made against st (Jool: not without its module)?
	 * 0 or a negative code with ctx's message; NULL: always */
	int (*plannable)(struct nat64_ctx *ctx, const struct nat64_state *st);
	/* nat64_apply after its common checks: plan is zeroed, cfg has pool6 */
	int (*apply)(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned flags,
		     struct nat64_plan *plan);
	int (*remove)(struct nat64_ctx *ctx, const struct nat64_config *cfg);
	/* nat64_status past the state (read, instance running); NULL: nothing more */
	int (*status)(struct nat64_ctx *ctx, const struct nat64_config *cfg, struct nat64_status *s);
};

extern const struct nat64_backend_ops nat64_jool_ops;
extern const struct nat64_backend_ops nat64_tayga_ops;

/* ---- running programs (run.c) ---- */

struct nat64_run {
	int status;         /* exit status, or 128 + signal, or -1: could not run */
	char *out;          /* stdout (malloc'd, NUL-terminated) */
	char *err;          /* stderr */
};

/*
 * Run argv[0] (searched in PATH) with argv, no shell, stdin /dev/null;
 * collect stdout and stderr (each capped at 4 MiB).  0 when it ran (see
 * r->status), -NAT64_EEXEC when it could not be started.
 */
int nat64_run(const char *const argv[], struct nat64_run *r);
void nat64_run_free(struct nat64_run *r);
/* the first line of the program's error text, trimmed, for messages */
const char *nat64_run_msg(const struct nat64_run *r, char *buf, size_t len);

/* ---- files (run.c) ---- */

/* read a whole file (malloc'd); NULL and errno on failure */
char *nat64_read_file(const char *path, size_t max);
/* write data to path atomically (temp file beside it, fsync, rename) */
int nat64_write_atomic(const char *path, const char *data, mode_t mode, char *err, size_t errlen);
/* create a temp file in dir holding data; its path in out (PATH_MAX) */
int nat64_write_temp(const char *dir, const char *suffix, const char *data, char *out,
		     char *err, size_t errlen);
int nat64_mkdir_p(const char *dir, mode_t mode);

/* a dynamic string */
struct nat64_buf {
	char *s;
	size_t len, cap;
	bool oom;
};
void nat64_buf_printf(struct nat64_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *nat64_buf_take(struct nat64_buf *b);

#endif
