/*
 * natmon.c - acd's [nat64] and [dns64] sections, kept true while acd runs.
 *
 * The work is libnat64's (nat64ctl/include/nat64.h): apply at start and
 * after a reload, and every [acd] nat64-check-interval read what runs and
 * re-apply when it drifted (the instance is gone after a module reload,
 * someone removed a pool4 entry), logging each change.  Every one of
 * those runs `jool` (or tayga, named-checkconf, rndc) and waits for it,
 * up to seconds for a create, so all of it happens on a thread of its
 * own: the event loop, which answers pppd's hooks and CoA requests, never
 * waits for it.  The thread leaves a status snapshot (taken under a
 * mutex) that `show nat64` and `show stat` read; they never run jool.
 *
 * The same environment variables as nat64ctl(8) relocate the programs
 * and files it uses (NAT64CTL_JOOL, NAT64CTL_MODPROBE, ...).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acd.h"
#include "log.h"
#include "natmon.h"

struct natmon {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool quit, reconfigured;
	unsigned interval_s;
	struct nat64_config cfg;         /* the thread's copy; replaced on reload */
	/* what the thread found, for show nat64 / show stat */
	struct nat64_status st;
	bool have_status;
	time_t checked;                  /* last check, wall clock */
	time_t applied;                  /* last successful apply that changed something */
	uint64_t applies, apply_failures, drifts;
	int dns64_installed;             /* the last [dns64] install: 1 done, 0 failed, -1 none yet */
	int dns64_up;                    /* the resolver answered its control channel at the
					  * last check: 1, 0, -1 not checked yet */
	char last_error[512];
	char last_change[512];
};

static void snapshot_error(struct natmon *m, const char *what, const char *msg)
{
	char now[sizeof(m->last_error)];

	snprintf(now, sizeof(now), "%s: %s", what, msg);
	pthread_mutex_lock(&m->mu);
	/* one log line per distinct error, not one every interval */
	if (strcmp(now, m->last_error) != 0)
		log_warnx("nat64: %s", now);
	memcpy(m->last_error, now, sizeof(now));
	pthread_mutex_unlock(&m->mu);
}

static void apply_now(struct natmon *m, struct nat64_ctx *ctx, const struct nat64_config *cfg,
		      const char *why)
{
	struct nat64_plan *plan = calloc(1, sizeof(*plan));
	char changes[512] = "";
	size_t off = 0;
	unsigned i;
	int rc;

	if (!plan)
		return;
	rc = nat64_apply(ctx, cfg, 0, plan);
	pthread_mutex_lock(&m->mu);
	m->applies++;
	if (rc < 0)
		m->apply_failures++;
	pthread_mutex_unlock(&m->mu);
	if (rc < 0) {
		snapshot_error(m, "apply", *nat64_errmsg(ctx) ? nat64_errmsg(ctx) : nat64_strerror(rc));
		free(plan);
		return;
	}
	for (i = 0; i < plan->n && off < sizeof(changes); i++)
		off += (size_t)snprintf(changes + off, sizeof(changes) - off, "%s%s", i ? "; " : "",
					plan->ch[i].text);
	pthread_mutex_lock(&m->mu);
	m->last_error[0] = '\0';
	if (plan->n) {
		m->applied = time(NULL);
		snprintf(m->last_change, sizeof(m->last_change), "%s", changes);
	}
	pthread_mutex_unlock(&m->mu);
	if (plan->n)
		log_notice("nat64: applied (%s): %s", why, changes);
	free(plan);
}

static void dns64_now(struct natmon *m, struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	int rc = nat64_dns64_install(ctx, cfg, NULL, NAT64_DNS_RELOAD);

	pthread_mutex_lock(&m->mu);
	m->dns64_installed = rc >= 0;
	pthread_mutex_unlock(&m->mu);
	if (rc < 0)
		snapshot_error(m, "dns64", *nat64_errmsg(ctx) ? nat64_errmsg(ctx) : nat64_strerror(rc));
	else if (rc == 0)
		log_notice("nat64: dns64: installed %s and reloaded the server",
			   *cfg->dns_output ? cfg->dns_output : nat64_dns64_default_path(cfg->dns_server));
}

/* Whether the resolver answers its control channel (rndc / unbound-control
 * status): what acd_dns64_up and show nat64 say between installs. */
static void dns64_check(struct natmon *m, struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	int rc = nat64_dns64_alive(ctx, cfg);

	pthread_mutex_lock(&m->mu);
	m->dns64_up = rc == 0;
	pthread_mutex_unlock(&m->mu);
	if (rc < 0)
		snapshot_error(m, "dns64", *nat64_errmsg(ctx) ? nat64_errmsg(ctx) : nat64_strerror(rc));
}

static void check_now(struct natmon *m, struct nat64_ctx *ctx, const struct nat64_config *cfg)
{
	struct nat64_plan *plan = calloc(1, sizeof(*plan));
	struct nat64_status *st = calloc(1, sizeof(*st));
	int rc;

	if (!plan || !st)
		goto out;
	rc = nat64_plan(ctx, cfg, plan);
	if (rc == 0 && plan->n > 0) {
		unsigned i;

		pthread_mutex_lock(&m->mu);
		m->drifts++;
		pthread_mutex_unlock(&m->mu);
		for (i = 0; i < plan->n; i++)
			log_warnx("nat64: drift: %s", plan->ch[i].text);
		apply_now(m, ctx, cfg, "the running state drifted");
	}
	rc = nat64_status(ctx, cfg, st);
	pthread_mutex_lock(&m->mu);
	m->checked = time(NULL);
	if (rc == 0) {
		m->st = *st;
		m->have_status = true;
	}
	pthread_mutex_unlock(&m->mu);
	if (rc < 0)
		snapshot_error(m, "status", *nat64_errmsg(ctx) ? nat64_errmsg(ctx) : nat64_strerror(rc));
out:
	free(plan);
	free(st);
}

static void *natmon_main(void *arg)
{
	struct natmon *m = arg;
	struct nat64_config *cfg = malloc(sizeof(*cfg));
	struct nat64_ctx_opts o = {
		.jool = getenv("NAT64CTL_JOOL"),
		.sysfs_module = getenv("NAT64CTL_SYSFS_MODULE"),
		.proc_sys = getenv("NAT64CTL_PROC_SYS"),
		.modprobe = getenv("NAT64CTL_MODPROBE"),
		.tmpdir = getenv("NAT64CTL_TMPDIR"),
	};
	struct nat64_ctx *ctx = NULL;
	bool first = true;

	if (!cfg || nat64_ctx_open(&ctx, &o) < 0) {
		log_warnx("nat64: out of memory: [nat64] is not kept");
		free(cfg);
		return NULL;
	}
	pthread_mutex_lock(&m->mu);
	while (!m->quit) {
		bool changed = first || m->reconfigured;

		m->reconfigured = false;
		*cfg = m->cfg;
		pthread_mutex_unlock(&m->mu);
		if (changed && cfg->nat64_present)
			apply_now(m, ctx, cfg, first ? "start" : "reload");
		/* an install that failed (the resolver was down, say) is
		 * tried again at each check until it works */
		if (cfg->dns64_present && (changed || m->dns64_installed == 0))
			dns64_now(m, ctx, cfg);
		if (cfg->dns64_present)
			dns64_check(m, ctx, cfg);
		if (cfg->nat64_present)
			check_now(m, ctx, cfg);
		first = false;
		pthread_mutex_lock(&m->mu);
		if (!m->quit && !m->reconfigured) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += m->interval_s;
			pthread_cond_timedwait(&m->cv, &m->mu, &until);
		}
	}
	pthread_mutex_unlock(&m->mu);
	nat64_ctx_close(ctx);
	free(cfg);
	return NULL;
}

struct natmon *natmon_open(const struct nat64_config *cfg, unsigned interval_s)
{
	struct natmon *m;
	sigset_t all, old;
	int rc;

	if (!cfg->nat64_present && !cfg->dns64_present)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	m->cfg = *cfg;
	m->interval_s = interval_s;
	m->dns64_installed = -1;
	m->dns64_up = -1;
	/* signals stay with the event loop's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&m->thread, NULL, natmon_main, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		log_warnx("nat64: cannot start its thread: %s", strerror(rc));
		free(m);
		return NULL;
	}
	return m;
}

void natmon_reconfigure(struct natmon *m, const struct nat64_config *cfg, unsigned interval_s)
{
	pthread_mutex_lock(&m->mu);
	m->cfg = *cfg;
	m->interval_s = interval_s;
	m->reconfigured = true;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

void natmon_close(struct natmon *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->quit = true;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	/* a jool call under way finishes first: seconds at most */
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
}

static const char *proto_name(unsigned p)
{
	return p == NAT64_TCP ? "TCP" : p == NAT64_UDP ? "UDP" : "ICMP";
}

json_t *natmon_json(struct natmon *m, bool detail)
{
	char buf[INET6_ADDRSTRLEN + 8];
	json_t *o, *pool4;
	unsigned i;
	double worst = 0;

	if (!m)
		return json_pack("{s:b}", "enabled", 0);
	pthread_mutex_lock(&m->mu);
	o = json_pack("{s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:s}", "enabled", 1,
		      "backend", m->cfg.backend == NAT64_BACKEND_TAYGA ? "tayga" : "jool",
		      "instance", m->cfg.instance,
		      "checked", (json_int_t)m->checked, "last_applied", (json_int_t)m->applied,
		      "applies", (json_int_t)m->applies,
		      "apply_failures", (json_int_t)m->apply_failures,
		      "drifts", (json_int_t)m->drifts,
		      "last_error", m->last_error, "last_change", m->last_change);
	pool4 = json_array();
	for (i = 0; m->have_status && i < m->st.nusage; i++) {
		const struct nat64_pool4_usage *u = &m->st.usage[i];
		double pct = u->capacity ? 100.0 * (double)u->in_use / (double)u->capacity : 0;

		if (pct > worst)
			worst = pct;
		json_array_append_new(pool4,
			json_pack("{s:s,s:s,s:i,s:i,s:I,s:I,s:f}", "protocol", proto_name(u->entry.proto),
				  "prefix", nat64_prefix4_str(&u->entry.prefix, buf, sizeof(buf)),
				  "port_min", u->entry.port_min, "port_max", u->entry.port_max,
				  "capacity", (json_int_t)u->capacity, "in_use", (json_int_t)u->in_use,
				  "used_pct", pct));
	}
	json_object_set_new(o, "pool4_used_pct_max", json_real(worst));
	if (detail) {
		json_object_set_new(o, "running", json_boolean(m->have_status && m->st.state.instance_exists));
		json_object_set_new(o, "nat64", json_boolean(m->cfg.nat64_present));
		json_object_set_new(o, "dns64", json_boolean(m->cfg.dns64_present));
		json_object_set_new(o, "dns64_installed", json_integer(m->dns64_installed));
		json_object_set_new(o, "dns64_up", json_integer(m->dns64_up));
		json_object_set_new(o, "pool6", json_string(m->have_status && m->st.state.pool6_set
				    ? nat64_prefix6_str(&m->st.state.pool6, buf, sizeof(buf)) : ""));
		json_object_set_new(o, "module_version", json_string(m->st.state.module_version));
		json_object_set_new(o, "tools_version", json_string(m->st.state.tools_version));
		json_object_set_new(o, "pool4", pool4);
		json_object_set_new(o, "bib", json_pack("{s:I,s:I,s:I}", "tcp", (json_int_t)m->st.bib[0],
							"udp", (json_int_t)m->st.bib[1],
							"icmp", (json_int_t)m->st.bib[2]));
		json_object_set_new(o, "sessions",
				    json_pack("{s:I,s:I,s:I}", "tcp", (json_int_t)m->st.sessions[0],
					      "udp", (json_int_t)m->st.sessions[1],
					      "icmp", (json_int_t)m->st.sessions[2]));
	} else {
		json_decref(pool4);
	}
	pthread_mutex_unlock(&m->mu);
	return o;
}
