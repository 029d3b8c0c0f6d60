/*
 * metrics.c - the Prometheus endpoint (metrics.h): the exposition built on
 * the event loop, served by libmicrohttpd's threads.
 *
 * Names follow Prometheus' conventions: acd_ for acd's own, process_ for
 * the standard process metrics; counters end in _total; times in seconds,
 * sizes in bytes.  docs/metrics.md lists every one: change both together.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "acct.h"
#include "acd.h"
#include "acd_version.h"
#include "ipv6.h"
#include "log.h"
#include "metrics.h"
#include "metrics_fmt.h"
#include "natmon.h"
#include "pppoe.h"
#include "rtnl.h"

#define POLICY_SOURCES_MAX 32   /* distinct policy-source label values (the rest: "other") */

/* One exposition, shared by the scrapes that serve it: the endpoint holds
 * one reference to the latest, each response one until it is sent. */
struct snap {
	atomic_uint refs;
	size_t len;
	char *text;
};

struct metrics {
	struct acd *a;
	struct MHD_Daemon *d;
	ev_async async;                 /* a scrape wants a new snapshot */

	pthread_mutex_t mu;             /* all below */
	pthread_cond_t cv;              /* a new snapshot, or closing */
	struct snap *snap;              /* the latest, NULL before the first */
	uint64_t gen;                   /* snapshots built */
	double built;                   /* CLOCK_MONOTONIC of the latest */
	bool asked, closing;
	struct acd_net allow[ACD_METRICS_MAX_ALLOW];
	unsigned nallow;
	uint64_t scrapes, refused, not_found, bad_method, stale;

	/* the loop's alone */
	uint64_t series_dropped;
	double build_s;                 /* how long the last build took */
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the exposition, on the loop ---- */

static void counter(struct mx *o, const char *name, const char *help, uint64_t v)
{
	mx_family(o, name, MX_COUNTER, help);
	mx_u64(o, name, NULL, v);
}

static void gauge(struct mx *o, const char *name, const char *help, double v)
{
	mx_family(o, name, MX_GAUGE, help);
	mx_f64(o, name, NULL, v);
}

/* NAME, 1 when status object j says "enabled"; else j is dropped and false,
 * for a section that exports nothing more when off */
static bool enabled_gauge(struct mx *o, const char *name, const char *help, json_t *j)
{
	bool on = json_is_true(json_object_get(j, "enabled"));

	gauge(o, name, help, on);
	if (!on)
		json_decref(j);
	return on;
}

/* A latency ring's histogram, in seconds */
static void histogram(struct mx *o, const char *name, const char *help,
		      const struct lat_ring *r)
{
	double bounds[LAT_BUCKETS];
	unsigned i;

	for (i = 0; i < LAT_BUCKETS; i++)
		bounds[i] = lat_bounds_us[i] / 1e6;
	mx_family(o, name, MX_HISTOGRAM, help);
	mx_histogram(o, name, NULL, bounds, LAT_BUCKETS, r->bucket, (double)r->sum_us / 1e6);
}

static json_int_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* process_*: what every Prometheus client library exports for its process */
static void process_metrics(struct mx *o)
{
	long tck = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	unsigned long utime = 0, stime = 0, vsize = 0;
	unsigned long long start = 0, btime = 0;
	long rss = 0;
	char buf[1024], *p;
	struct rlimit rl;
	struct dirent *e;
	unsigned fds = 0;
	size_t n;
	FILE *f;
	DIR *d;

	f = fopen("/proc/self/stat", "re");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		/* after the command name, which may hold spaces and parentheses */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu "
				"%*d %*d %*d %*d %*d %*d %llu %lu %ld", &utime, &stime, &start,
				&vsize, &rss) != 5)
			utime = stime = 0;
	}
	f = fopen("/proc/stat", "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	if (f)
		fclose(f);
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			fds++;
	if (d) {
		closedir(d);
		fds--; /* the directory's own */
	}
	if (tck <= 0)
		tck = 100;
	mx_family(o, "process_cpu_seconds_total", MX_COUNTER, "user and system CPU time spent");
	mx_f64(o, "process_cpu_seconds_total", NULL, (double)(utime + stime) / (double)tck);
	gauge(o, "process_resident_memory_bytes", "resident memory size", (double)rss * (double)page);
	gauge(o, "process_virtual_memory_bytes", "virtual memory size", (double)vsize);
	gauge(o, "process_open_fds", "open file descriptors", fds);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		gauge(o, "process_max_fds", "the limit of open file descriptors",
		      rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur);
	gauge(o, "process_start_time_seconds", "start time since the epoch",
	      btime ? (double)btime + (double)start / (double)tck : 0);
}

static void session_metrics(struct acd *a, struct mx *o)
{
	static const char *const origins[] = { "hook", "pppoe", "adopted", "reconciled" };
	uint64_t by_origin[4] = { 0 }, gone = 0, unshaped = 0;
	const char *src[POLICY_SOURCES_MAX];
	uint64_t by_src[POLICY_SOURCES_MAX + 1] = { 0 };
	unsigned nsrc = 0, i;
	const struct session *s;

	for (s = a->sess.list; s; s = s->next) {
		const char *ps = s->override ? "operator" : s->radius_src[0] ? s->radius_src : "none";

		if (s->gone)
			gone++;
		if (s->shape_err[0])
			unshaped++;
		if (s->origin == SESSION_ORIGIN_HOOK)
			by_origin[pppoe_started(a->pppoe, s) ? 1 : 0]++;
		else
			by_origin[s->origin == SESSION_ORIGIN_ADOPTED ? 2 : 3]++;
		for (i = 0; i < nsrc && strcmp(src[i], ps); i++)
			;
		if (i == nsrc && nsrc < POLICY_SOURCES_MAX)
			src[nsrc++] = ps;
		by_src[i]++; /* i == POLICY_SOURCES_MAX: "other" */
	}
	mx_family(o, "acd_sessions", MX_GAUGE,
		  "sessions by state: up, or gone (the link vanished, ip-down awaited)");
	mx_u64(o, "acd_sessions", (const char *[]){ "state", "up", NULL }, a->sess.n - gone);
	mx_u64(o, "acd_sessions", (const char *[]){ "state", "gone", NULL }, gone);
	gauge(o, "acd_sessions_shaping_failed", "sessions whose shaping the kernel refused",
	      (double)unshaped);
	mx_family(o, "acd_sessions_by_origin", MX_GAUGE,
		  "sessions by how they began: hook, pppoe (acd's PPPoE server), adopted, reconciled");
	for (i = 0; i < 4; i++)
		mx_u64(o, "acd_sessions_by_origin", (const char *[]){ "origin", origins[i], NULL },
		       by_origin[i]);
	mx_family(o, "acd_sessions_by_policy_source", MX_GAUGE,
		  "sessions by where their rates came from (a RADIUS attribute, default, coa, operator)");
	for (i = 0; i < nsrc; i++)
		mx_u64(o, "acd_sessions_by_policy_source", (const char *[]){ "source", src[i], NULL },
		       by_src[i]);
	if (by_src[POLICY_SOURCES_MAX])
		mx_u64(o, "acd_sessions_by_policy_source",
		       (const char *[]){ "source", "other", NULL }, by_src[POLICY_SOURCES_MAX]);
	counter(o, "acd_sessions_started_total", "sessions that came up", a->sess.up);
	counter(o, "acd_sessions_ended_total", "sessions that ended", a->sess.down);
	counter(o, "acd_sessions_vanished_total",
		"sessions whose link vanished without an ip-down", a->sess.vanished);
}

/* Per-session series, for at most [metrics] per-session-max sessions */
static void per_session(struct acd *a, struct metrics *m, struct mx *o)
{
	static const struct {
		const char *name, *help;
		int field;
	} fam[] = {
		{ "acd_session_download_bytes_total", "bytes sent to the subscriber", 0 },
		{ "acd_session_upload_bytes_total", "bytes received from the subscriber", 1 },
		{ "acd_session_download_packets_total", "packets sent to the subscriber", 2 },
		{ "acd_session_upload_packets_total", "packets received from the subscriber", 3 },
		{ "acd_session_download_limit_bytes_per_second",
		  "the download rate applied (0: unshaped)", 4 },
		{ "acd_session_upload_limit_bytes_per_second",
		  "the upload rate applied (0: unshaped)", 5 },
	};
	uint32_t max = a->cfg.metrics_sessions_max;
	struct link_stat *ls = NULL;
	const struct session *s;
	ssize_t nls = a->rtnl ? rtnl_counters_all(a->rtnl, &ls) : -1;
	size_t f;
	uint32_t k;

	for (f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		mx_family(o, fam[f].name, fam[f].field < 4 ? MX_COUNTER : MX_GAUGE, fam[f].help);
		for (s = a->sess.list, k = 0; s && k < max; s = s->next, k++) {
			const struct link_stat *st = nls > 0 ? rtnl_counters_find(ls, (size_t)nls,
										 s->ifindex) : NULL;
			const char *lab[] = { "interface", s->ifname, "user", s->user, NULL };
			uint64_t v = 0;

			switch (fam[f].field) {
			case 0: v = st ? st->c.tx_bytes : 0; break;
			case 1: v = st ? st->c.rx_bytes : 0; break;
			case 2: v = st ? st->c.tx_packets : 0; break;
			case 3: v = st ? st->c.rx_packets : 0; break;
			case 4: v = s->shaped ? s->applied.down.rate / 8 : 0; break;
			default: v = s->shaped ? s->applied.up.rate / 8 : 0; break;
			}
			mx_u64(o, fam[f].name, lab, v);
		}
	}
	free(ls);
	if (a->sess.n > max && m)
		m->series_dropped += a->sess.n - max;
}

static void shaper_metrics(struct acd *a, struct mx *o)
{
	static const char *const kinds[] = { "none", "tbf", "htb", "cake" };
	unsigned i;

	mx_family(o, "acd_shaper_applies_total", MX_COUNTER,
		  "shaper applies, by the download qdisc (none: unshaped that way)");
	for (i = 0; i < 4; i++)
		mx_u64(o, "acd_shaper_applies_total", (const char *[]){ "qdisc", kinds[i], NULL },
		       a->stats.shaper_applies[i]);
	mx_family(o, "acd_shaper_apply_failures_total", MX_COUNTER,
		  "shaper applies the kernel refused, by the download qdisc");
	for (i = 0; i < 4; i++)
		mx_u64(o, "acd_shaper_apply_failures_total",
		       (const char *[]){ "qdisc", kinds[i], NULL }, a->stats.shaper_apply_failures[i]);
	counter(o, "acd_shaper_clear_failures_total", "removals of a session's shaping that failed",
		a->stats.shaper_clear_failures);
	histogram(o, "acd_shaper_apply_duration_seconds", "time of one shaper apply (netlink)",
		  &a->stats.shape);
}

static void coa_metrics(struct acd *a, struct mx *o)
{
	static const char *const kinds[] = { "coa", "disconnect" };
	static const struct {
		const char *reason;
		size_t off;
	} drops[] = {
		{ "unknown_client", offsetof(struct acd_stats, coa_drop_unknown_client) },
		{ "malformed", offsetof(struct acd_stats, coa_drop_malformed) },
		{ "authenticator", offsetof(struct acd_stats, coa_drop_auth) },
		{ "message_authenticator", offsetof(struct acd_stats, coa_drop_ma) },
		{ "stale", offsetof(struct acd_stats, coa_drop_stale) },
	};
	char cause[8];
	unsigned k, c;
	size_t i;

	gauge(o, "acd_coa_enabled", "1 when the CoA/Disconnect server listens", a->coa != NULL);
	counter(o, "acd_coa_requests_total", "CoA and Disconnect requests verified and answered",
		a->stats.coa_requests);
	mx_family(o, "acd_coa_responses_total", MX_COUNTER,
		  "answers by request type, result (ack, nak) and Error-Cause (RFC 5176; none for an ACK)");
	for (k = 0; k < 2; k++) {
		mx_u64(o, "acd_coa_responses_total",
		       (const char *[]){ "type", kinds[k], "result", "ack", "error_cause", "none",
					 NULL }, a->stats.coa_acked[k]);
		for (c = 0; c < ACD_COA_CAUSES; c++) {
			if (!a->stats.coa_naked[k][c])
				continue;
			if (c)
				snprintf(cause, sizeof(cause), "%u", c + 400);
			else
				snprintf(cause, sizeof(cause), "none");
			mx_u64(o, "acd_coa_responses_total",
			       (const char *[]){ "type", kinds[k], "result", "nak", "error_cause", cause,
						 NULL }, a->stats.coa_naked[k][c]);
		}
	}
	counter(o, "acd_coa_duplicates_total", "retransmitted requests answered from the cache",
		a->stats.coa_duplicates);
	mx_family(o, "acd_coa_dropped_total", MX_COUNTER, "packets dropped unanswered, by reason");
	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		mx_u64(o, "acd_coa_dropped_total", (const char *[]){ "reason", drops[i].reason, NULL },
		       *(const uint64_t *)((const char *)&a->stats + drops[i].off));
	histogram(o, "acd_coa_duration_seconds", "a verified request to its answer sent",
		  &a->stats.coa);
}

/* each accounting server's counters and round trips, labelled server */
static void per_server(struct mx *o, const struct acct_sender_stats *c)
{
	static const char *const ctr[][2] = {
		{ "acd_accounting_server_requests_total", "records sent to this server" },
		{ "acd_accounting_server_responses_total", "records this server answered" },
		{ "acd_accounting_server_timeouts_total",
		  "records this server did not answer within timeout x tries" },
		{ "acd_accounting_server_errors_total",
		  "records this server did not take otherwise (a bad answer or secret, no route)" },
	};
	double bounds[LAT_BUCKETS];
	unsigned i, k;

	for (k = 0; k < 4; k++) {
		mx_family(o, ctr[k][0], MX_COUNTER, ctr[k][1]);
		for (i = 0; i < ACD_ACCT_MAX_SERVERS; i++) {
			const struct acct_server_stats *s = &c->server[i];
			const uint64_t v[4] = { s->requests, s->responses, s->timeouts, s->errors };

			if (c->servers[i][0])
				mx_u64(o, ctr[k][0], (const char *[]){ "server", c->servers[i], NULL },
				       v[k]);
		}
	}
	for (i = 0; i < LAT_BUCKETS; i++)
		bounds[i] = lat_bounds_us[i] / 1e6;
	mx_family(o, "acd_accounting_server_rtt_seconds", MX_HISTOGRAM,
		  "a record sent to this server to its answer (all its tries)");
	for (i = 0; i < ACD_ACCT_MAX_SERVERS; i++)
		if (c->servers[i][0])
			mx_histogram(o, "acd_accounting_server_rtt_seconds",
				     (const char *[]){ "server", c->servers[i], NULL }, bounds,
				     LAT_BUCKETS, c->server[i].rtt.bucket,
				     (double)c->server[i].rtt.sum_us / 1e6);
}

static void acct_metrics(struct acd *a, struct mx *o)
{
	static const char *const status[] = { [ACCT_START] = "start", [ACCT_STOP] = "stop",
					      [ACCT_INTERIM] = "interim" };
	struct acct_sender_stats *c = calloc(1, sizeof(*c));
	unsigned i;

	if (!c)
		return;
	gauge(o, "acd_accounting_enabled", "1 when acd sends RADIUS accounting",
	      acct_sender_stats(a->acct, c) == 0);
	mx_family(o, "acd_accounting_server_info", MX_GAUGE,
		  "the accounting servers in the order acd tries them");
	for (i = 0; i < ACD_ACCT_MAX_SERVERS; i++)
		if (c->servers[i][0])
			mx_u64(o, "acd_accounting_server_info",
			       (const char *[]){ "server", c->servers[i], "role",
						 i ? "fallback" : "primary", NULL }, 1);
	per_server(o, c);
	counter(o, "acd_accounting_requests_total", "records queued for the servers", c->queued);
	counter(o, "acd_accounting_responses_total", "records a server answered", c->sent);
	counter(o, "acd_accounting_failures_total",
		"records no server took (timeouts included)", c->failed);
	counter(o, "acd_accounting_timeouts_total",
		"records no server answered within timeout x tries", c->timeouts);
	mx_family(o, "acd_accounting_dropped_total", MX_COUNTER,
		  "records dropped because the queue was full, by status type");
	for (i = ACCT_START; i <= ACCT_INTERIM; i++)
		mx_u64(o, "acd_accounting_dropped_total", (const char *[]){ "type", status[i], NULL },
		       c->dropped_by[i]);
	gauge(o, "acd_accounting_queue_length", "records waiting for the sender", c->depth);
	gauge(o, "acd_accounting_queue_capacity", "the queue's size ([accounting] queue-size)",
	      c->qsize);
	histogram(o, "acd_accounting_rtt_seconds", "an answered request's round trip",
		  &c->rtt);
	free(c);
}

/* [pppoe]'s counters, from the object show pppoe prints */
static void pppoe_metrics(struct acd *a, struct mx *o)
{
	static const struct {
		const char *name, *key, *help;
	} ifc[] = {
		{ "acd_pppoe_padi_received_total", "padi_in", "PADIs received" },
		{ "acd_pppoe_padi_retries_total", "padi_retry",
		  "PADIs past a full limit as a client's retry" },
		{ "acd_pppoe_pado_sent_total", "pado_out", "PADOs sent" },
		{ "acd_pppoe_padr_received_total", "padr_in", "PADRs received" },
		{ "acd_pppoe_padr_duplicates_total", "padr_duplicate",
		  "PADRs for a session already started" },
		{ "acd_pppoe_pads_sent_total", "pads_out", "PADSs sent" },
		{ "acd_pppoe_pads_errors_total", "pads_error", "PADSs with an error tag" },
		{ "acd_pppoe_padt_received_total", "padt_in", "PADTs received" },
		{ "acd_pppoe_padt_sent_total", "padt_out", "PADTs sent" },
		{ "acd_pppoe_sessions_started_total", "sessions_started", "sessions started" },
		{ "acd_pppoe_limit_hits_total", "limit_hits", "discovery refused by a limit" },
	};
	json_t *j = pppoe_stat_json(a->pppoe), *ifs, *f, *d, *v;
	const char *reason;
	size_t i, k;

	if (!enabled_gauge(o, "acd_pppoe_enabled", "1 when acd answers PPPoE discovery", j))
		return;
	gauge(o, "acd_pppoe_sessions", "sessions whose pppd acd started", (double)jint(j, "sessions"));
	gauge(o, "acd_pppoe_starting", "sessions whose pppd runs and is not up yet",
	      (double)jint(j, "starting"));
	counter(o, "acd_pppoe_setup_timeouts_total", "sessions whose pppd never came up",
		(uint64_t)jint(j, "setup_timeouts"));
	counter(o, "acd_pppoe_setup_failures_total",
		"pppds that ended before their session came up (client gave up, RADIUS said no)",
		(uint64_t)jint(j, "setup_failures"));
	counter(o, "acd_pppoe_spawn_failures_total", "pppds that could not be started",
		(uint64_t)jint(j, "spawn_failures"));
	counter(o, "acd_pppoe_backoffs_total", "times acd paused discovery after spawn failures",
		(uint64_t)jint(j, "backoffs"));
	ifs = json_object_get(j, "interfaces");
	for (k = 0; k < sizeof(ifc) / sizeof(ifc[0]); k++) {
		mx_family(o, ifc[k].name, MX_COUNTER, ifc[k].help);
		json_array_foreach(ifs, i, f)
			mx_u64(o, ifc[k].name,
			       (const char *[]){ "interface", json_string_value(json_object_get(f,
					"interface")), NULL }, (uint64_t)jint(f, ifc[k].key));
	}
	mx_family(o, "acd_pppoe_dropped_total", MX_COUNTER, "discovery frames dropped, by reason");
	json_array_foreach(ifs, i, f) {
		d = json_object_get(f, "dropped");
		json_object_foreach(d, reason, v)
			mx_u64(o, "acd_pppoe_dropped_total",
			       (const char *[]){ "interface", json_string_value(json_object_get(f,
					"interface")), "reason", reason, NULL },
			       (uint64_t)json_integer_value(v));
	}
	json_decref(j);
}

static void ipv6_metrics(struct acd *a, struct mx *o)
{
	const struct ipv6_stats *st;
	uint64_t in = 0, drop = 0;
	size_t i;

	gauge(o, "acd_ipv6_enabled", "1 when acd runs the IPv6 edge ([ipv6] prefix-pool)",
	      a->ipv6 != NULL);
	if (!a->ipv6)
		return;
	st = ipv6_stats(a->ipv6);
	for (i = 0; i < sizeof(st->rs_drop) / sizeof(st->rs_drop[0]); i++)
		drop += st->rs_drop[i];
	counter(o, "acd_ipv6_router_advertisements_sent_total", "router advertisements sent",
		st->ra_out);
	counter(o, "acd_ipv6_router_advertisement_errors_total", "router advertisements not sent",
		st->ra_errors);
	counter(o, "acd_ipv6_router_solicitations_received_total", "router solicitations received",
		st->rs_in);
	counter(o, "acd_ipv6_router_solicitations_dropped_total",
		"router solicitations dropped (malformed, not from a session)", drop);
	counter(o, "acd_ipv6_prefixes_assigned_total", "session /64s given out", st->prefixes_out);
	counter(o, "acd_ipv6_pool_exhausted_total", "sessions that found the /64 pool full",
		st->pool_full);
	counter(o, "acd_ipv6_route_errors_total", "routes the kernel refused", st->route_errors);
	for (i = 0, drop = 0; i < sizeof(st->dhcp_in) / sizeof(st->dhcp_in[0]); i++)
		in += st->dhcp_in[i];
	for (i = 0; i < sizeof(st->dhcp_drop) / sizeof(st->dhcp_drop[0]); i++)
		drop += st->dhcp_drop[i];
	counter(o, "acd_dhcpv6_messages_received_total", "DHCPv6 messages received", in);
	counter(o, "acd_dhcpv6_messages_dropped_total", "DHCPv6 messages dropped", drop);
	counter(o, "acd_dhcpv6_replies_sent_total", "DHCPv6 answers sent", st->dhcp_out);
	counter(o, "acd_dhcpv6_leases_bound_total", "delegated prefixes bound", st->pd_bound);
	counter(o, "acd_dhcpv6_leases_released_total", "delegated prefixes released", st->pd_released);
	counter(o, "acd_dhcpv6_leases_expired_total", "delegated prefixes expired", st->pd_expired);
	counter(o, "acd_dhcpv6_pool_exhausted_total", "requests that found the PD pool full",
		st->pd_pool_full);
	gauge(o, "acd_dhcpv6_leases", "delegated prefixes bound now",
	      (double)(st->pd_bound - st->pd_released - st->pd_expired));
}

static void nat64_metrics(struct acd *a, struct mx *o)
{
	static const char *const protos[] = { "tcp", "udp", "icmp" };
	json_t *j = natmon_json(a->nat, true), *pool4, *e;
	uint64_t cap[3] = { 0 }, used[3] = { 0 };
	size_t i, k;

	if (!enabled_gauge(o, "acd_nat64_enabled", "1 when acd keeps [nat64] or [dns64]", j))
		return;
	if (json_is_true(json_object_get(j, "dns64"))) {
		gauge(o, "acd_dns64_up",
		      "1 when the DNS64 resolver answered its control channel (rndc or "
		      "unbound-control status) at the last check, 0 when not, -1 before the first",
		      (double)jint(j, "dns64_up"));
		gauge(o, "acd_dns64_installed",
		      "1 when the last [dns64] install and resolver reload succeeded, 0 when it "
		      "failed, -1 before the first", (double)jint(j, "dns64_installed"));
	}
	if (!json_is_true(json_object_get(j, "nat64"))) { /* [dns64] alone */
		json_decref(j);
		return;
	}
	gauge(o, "acd_nat64_instance_up", "1 when the NAT64 instance exists (last check)",
	      json_is_true(json_object_get(j, "running")));
	counter(o, "acd_nat64_applies_total", "configuration applies that changed something",
		(uint64_t)jint(j, "applies"));
	counter(o, "acd_nat64_apply_failures_total", "configuration applies that failed",
		(uint64_t)jint(j, "apply_failures"));
	counter(o, "acd_nat64_drifts_total", "checks that found the running config changed",
		(uint64_t)jint(j, "drifts"));
	gauge(o, "acd_nat64_last_check_timestamp_seconds", "the last check, since the epoch",
	      (double)jint(j, "checked"));
	pool4 = json_object_get(j, "pool4");
	json_array_foreach(pool4, i, e)
		for (k = 0; k < 3; k++)
			/* show nat64 writes them as Jool does: "TCP" */
			if (!strcasecmp(json_string_value(json_object_get(e, "protocol")) ?: "",
					protos[k])) {
				cap[k] += (uint64_t)jint(e, "capacity");
				used[k] += (uint64_t)jint(e, "in_use");
			}
	mx_family(o, "acd_nat64_pool4_ports", MX_GAUGE, "pool4 transport addresses, by protocol");
	for (k = 0; k < 3; k++)
		mx_u64(o, "acd_nat64_pool4_ports", (const char *[]){ "protocol", protos[k], NULL },
		       cap[k]);
	mx_family(o, "acd_nat64_pool4_ports_used", MX_GAUGE,
		  "pool4 transport addresses in use (BIB entries), by protocol");
	for (k = 0; k < 3; k++)
		mx_u64(o, "acd_nat64_pool4_ports_used", (const char *[]){ "protocol", protos[k], NULL },
		       used[k]);
	mx_family(o, "acd_nat64_bib_entries", MX_GAUGE, "BIB entries, by protocol");
	for (k = 0; k < 3; k++)
		mx_u64(o, "acd_nat64_bib_entries", (const char *[]){ "protocol", protos[k], NULL },
		       (uint64_t)jint(json_object_get(j, "bib"), protos[k]));
	mx_family(o, "acd_nat64_session_entries", MX_GAUGE, "NAT64 session entries, by protocol");
	for (k = 0; k < 3; k++)
		mx_u64(o, "acd_nat64_session_entries", (const char *[]){ "protocol", protos[k], NULL },
		       (uint64_t)jint(json_object_get(j, "sessions"), protos[k]));
	json_decref(j);
}

void metrics_build(struct acd *a, struct metrics *m, struct mx *o)
{
	uint64_t scrapes = 0, refused = 0, nf = 0, bm = 0, stale = 0;

	mx_family(o, "acd_build_info", MX_GAUGE, "1, with acd's version as a label");
	mx_u64(o, "acd_build_info", (const char *[]){ "version", ACD_VERSION, NULL }, 1);
	process_metrics(o);
	session_metrics(a, o);
	histogram(o, "acd_hook_duration_seconds", "a pppd hook request read to its reply",
		  &a->stats.hook);
	histogram(o, "acd_session_setup_duration_seconds",
		  "the hooks that made a session: request read to reply (policy and shaping)",
		  &a->stats.setup);
	counter(o, "acd_hook_errors_total", "pppd hooks that failed", a->stats.hook_errors);
	mx_family(o, "acd_pppd_events_total", MX_COUNTER,
		  "pppd's session events by the path they came: the hook scripts or acd.so");
	mx_u64(o, "acd_pppd_events_total", (const char *[]){ "via", "hook", NULL },
	       a->stats.events_hook);
	mx_u64(o, "acd_pppd_events_total", (const char *[]){ "via", "plugin", NULL },
	       a->stats.events_plugin);
	counter(o, "acd_pppd_event_repeats_total",
		"events a session had already had by the other path (not applied twice)",
		a->sess.repeats);
	counter(o, "acd_radattr_errors_total", "radattr files that could not be read",
		a->stats.radattr_errors);
	counter(o, "acd_control_requests_total", "control socket and telnet requests",
		a->stats.requests);
	counter(o, "acd_control_bad_requests_total", "control requests that did not parse",
		a->stats.bad_requests);
	shaper_metrics(a, o);
	coa_metrics(a, o);
	acct_metrics(a, o);
	pppoe_metrics(a, o);
	ipv6_metrics(a, o);
	nat64_metrics(a, o);
	if (a->cfg.metrics_sessions)
		per_session(a, m, o);
	if (m) {
		pthread_mutex_lock(&m->mu);
		scrapes = m->scrapes;
		refused = m->refused;
		nf = m->not_found;
		bm = m->bad_method;
		stale = m->stale;
		pthread_mutex_unlock(&m->mu);
	}
	counter(o, "acd_metrics_session_series_dropped_total",
		"sessions left out of the per-session series by per-session-max, summed over builds",
		m ? m->series_dropped : 0);
	counter(o, "acd_metrics_scrapes_total", "GET /metrics served", scrapes);
	/* written on the loop alone, as this is */
	counter(o, "acd_metrics_snapshots_total",
		"expositions the event loop built (at most one per 0.25 s however many scrape)",
		m ? m->gen : 0);
	counter(o, "acd_metrics_stale_scrapes_total",
		"scrapes served an older snapshot because the event loop did not answer in time",
		stale);
	counter(o, "acd_metrics_refused_connections_total",
		"connections refused by [metrics] allow", refused);
	mx_family(o, "acd_metrics_bad_requests_total", MX_COUNTER,
		  "requests answered 404 (path) or 405 (method)");
	mx_u64(o, "acd_metrics_bad_requests_total", (const char *[]){ "code", "404", NULL }, nf);
	mx_u64(o, "acd_metrics_bad_requests_total", (const char *[]){ "code", "405", NULL }, bm);
	gauge(o, "acd_metrics_build_duration_seconds", "how long the previous exposition took to build",
	      m ? m->build_s : 0);
}

/* libmicrohttpd's free callback too: a response sent */
static void snap_unref(void *cls)
{
	struct snap *sn = cls;

	if (sn && atomic_fetch_sub(&sn->refs, 1) == 1) {
		free(sn->text);
		free(sn);
	}
}

/* ev_async: a scrape wants a new snapshot.  Built without the lock; under
 * it only pointers change, so a scrape never holds the loop up. */
static void on_async(struct ev_loop *loop, ev_async *w, int revents)
{
	struct metrics *m = w->data;
	struct snap *sn = calloc(1, sizeof(*sn)), *old = NULL;
	double t0 = mono();
	struct mx o;

	(void)loop;
	(void)revents;
	mx_init(&o, METRICS_MAX_BYTES);
	if (sn)
		metrics_build(m->a, m, &o);
	if (o.full || !o.buf || !sn) {
		log_warnx("metrics: the exposition passed %u bytes or memory ran out: "
			  "lower [metrics] per-session-max", METRICS_MAX_BYTES);
		mx_free(&o);
		free(sn);
		sn = NULL;
	} else {
		atomic_init(&sn->refs, 1);
		sn->text = o.buf;
		sn->len = o.len;
	}
	pthread_mutex_lock(&m->mu);
	m->build_s = mono() - t0;
	if (sn) {
		old = m->snap;
		m->snap = sn;
	}
	m->gen++;
	m->built = mono();
	m->asked = false;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	snap_unref(old);
}

/* ---- serving, on libmicrohttpd's threads ---- */

static enum MHD_Result allow_cb(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct metrics *m = cls;
	const void *addr = NULL;
	int af = sa->sa_family;
	bool ok;
	unsigned i;

	if (af == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (af == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		addr = a6;
		if (IN6_IS_ADDR_V4MAPPED(a6)) { /* an IPv4 client of a dual-stack socket */
			af = AF_INET;
			addr = &a6->s6_addr[12];
		}
	}
	pthread_mutex_lock(&m->mu);
	ok = m->nallow == 0;
	for (i = 0; addr && i < m->nallow && !ok; i++)
		ok = config_net_match(&m->allow[i], af, addr);
	if (!ok)
		m->refused++;
	pthread_mutex_unlock(&m->mu);
	return ok ? MHD_YES : MHD_NO;
}

/* text: static, or sn's (then the response holds sn's reference, and
 * drops it when sent) */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *text,
			     size_t len, struct snap *sn, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (sn)
		r = MHD_create_response_from_buffer_with_free_callback_cls(len, sn->text,
									   snap_unref, sn);
	else
		r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)text,
						    MHD_RESPMEM_PERSISTENT);
	if (!r) {
		snap_unref(sn);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				      code == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
							  : "text/plain; charset=utf-8");
	if (allow)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result serve(struct metrics *m, struct MHD_Connection *c)
{
	static const char busy[] = "acd has not built its metrics yet: try again\n";
	struct timespec until;
	struct snap *sn;
	uint64_t want;
	double fresh;

	pthread_mutex_lock(&m->mu);
	m->scrapes++;
	/* fresh for METRICS_FRESH, or longer when it took long to build:
	 * scrapes cost the loop at most 1 / METRICS_FRESH_BUILDS of its time */
	fresh = METRICS_FRESH_BUILDS * m->build_s;
	if (fresh < METRICS_FRESH)
		fresh = METRICS_FRESH;
	if (!m->closing && mono() - m->built > fresh) {
		want = m->gen + 1;
		if (!m->asked) {
			m->asked = true;
			ev_async_send(m->a->loop, &m->async);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)METRICS_WAIT;
		until.tv_nsec += (long)((METRICS_WAIT - (double)(time_t)METRICS_WAIT) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (m->gen < want && !m->closing)
			if (pthread_cond_timedwait(&m->cv, &m->mu, &until) == ETIMEDOUT)
				break;
		if (m->gen < want)
			m->stale++;
	}
	sn = m->snap;
	if (sn)
		atomic_fetch_add(&sn->refs, 1);
	pthread_mutex_unlock(&m->mu);
	if (!sn)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, busy, sizeof(busy) - 1, NULL, NULL);
	return reply(c, MHD_HTTP_OK, sn->text, sn->len, sn, NULL);
}

/* set once in each of the library's connection threads */
static _Thread_local bool niced;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **con_cls)
{
	static const char not_found[] = "not found: acd serves GET /metrics\n";
	static const char bad_method[] = "method not allowed: use GET\n";
	struct metrics *m = cls;

	(void)version;
	(void)upload;
	/* this connection's thread yields the CPU to the event loop and to
	 * pppd: a client that scrapes without pause takes what is left */
	if (!niced) {
		niced = true;
		if (setpriority(PRIO_PROCESS, (id_t)gettid(), METRICS_NICE) < 0)
			log_debug("metrics: nice %d for a connection's thread: %s", METRICS_NICE,
				  strerror(errno));
	}
	/* nothing of the request is echoed: the answers are constant */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		pthread_mutex_lock(&m->mu);
		m->bad_method++;
		pthread_mutex_unlock(&m->mu);
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, bad_method, sizeof(bad_method) - 1,
			     NULL, "GET, HEAD");
	}
	if (strcmp(url, "/metrics")) {
		pthread_mutex_lock(&m->mu);
		m->not_found++;
		pthread_mutex_unlock(&m->mu);
		return reply(c, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1, NULL, NULL);
	}
	/* a response queued in the request's first call is queued before the
	 * library knows the request has no body, and it closes the connection
	 * after it: a scraper's connection would never be kept alive.  A GET
	 * without a body is answered in the next call; one with a body, now
	 * (its body is never read, and the connection closes). */
	if (!*con_cls && !MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH) &&
	    !MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		*con_cls = m; /* any pointer: "seen" */
		return MHD_YES;
	}
	*upload_len = 0;
	return serve(m, c);
}

/* libmicrohttpd's own messages, into acd's log at debug: nearly all are
 * about one client's connection (closed mid-request, too large), and a
 * hostile client must not fill the log; a failure to listen is reported
 * by metrics_open() itself. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("metrics: %s", msg);
}

static void copy_allow(struct metrics *m, const struct acd_config *cfg)
{
	pthread_mutex_lock(&m->mu);
	memcpy(m->allow, cfg->metrics_allow, sizeof(m->allow));
	m->nallow = cfg->n_metrics_allow;
	pthread_mutex_unlock(&m->mu);
}

struct metrics *metrics_open(struct acd *a, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	sigset_t all, old;
	struct metrics *m;
	socklen_t sslen;
	unsigned flags;
	int saved;

	if (!a->cfg.metrics_listen[0])
		return NULL;
	if (config_listen_sockaddr(a->cfg.metrics_listen, &ss, &sslen) < 0) {
		snprintf(err, errlen, "[metrics] listen \"%s\": not ADDRESS:PORT", a->cfg.metrics_listen);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "[metrics]: out of memory");
		return NULL;
	}
	m->a = a;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	copy_allow(m, &a->cfg);
	ev_async_init(&m->async, on_async);
	m->async.data = m;
	ev_async_start(a->loop, &m->async);
	on_async(a->loop, &m->async, 0); /* the first scrape finds one ready */
	/* a thread per connection: a scrape that waits for the loop holds up
	 * no other; max-connections bounds the threads */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* signals stay with the event loop's thread: the library's threads
	 * (and the connections' they start) inherit a full mask */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	m->d = MHD_start_daemon(flags, 0, allow_cb, m, on_request, m,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, (void *)NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)a->cfg.metrics_max_conns,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned int)a->cfg.metrics_max_conns_addr,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)a->cfg.metrics_timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)a->cfg.metrics_max_request,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256u << 10),
				MHD_OPTION_END);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!m->d) {
		snprintf(err, errlen, "[metrics] listen %s: cannot listen (%s): is the address this "
			 "box's and the port free?", a->cfg.metrics_listen, strerror(saved));
		ev_async_stop(a->loop, &m->async);
		snap_unref(m->snap);
		free(m);
		return NULL;
	}
	log_notice("metrics: serving http://%s/metrics%s", a->cfg.metrics_listen,
		   m->nallow ? " to [metrics] allow" : "");
	return m;
}

void metrics_reconfigure(struct metrics *m)
{
	if (m)
		copy_allow(m, &m->a->cfg);
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->closing = true;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	MHD_stop_daemon(m->d);
	ev_async_stop(m->a->loop, &m->async);
	pthread_cond_destroy(&m->cv);
	pthread_mutex_destroy(&m->mu);
	snap_unref(m->snap); /* the responses' went with the daemon */
	free(m);
}
