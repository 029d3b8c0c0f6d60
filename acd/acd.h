/*
 * acd.h - the daemon's state: one struct owns the config, the handles,
 * the session table and the control server.
 */
#ifndef ACD_ACD_H
#define ACD_ACD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <ev.h>
#include <jansson.h>

#include "config.h"
#include "latency.h"
#include "session.h"
#include "shaper.h"

struct acct;
struct acd_reload_hook;
struct rc_conf;

#define ACD_COA_CAUSES 110       /* Error-Cause 401..508 as cause - 400, 0 for none */

struct acd_stats {
	uint64_t hook_errors, shaper_errors, radattr_errors;
	uint64_t events_hook, events_plugin; /* pppd's events by the path they came */
	uint64_t requests, bad_requests;
	char last_error[640];
	/* RFC 5176 server (coa.c) */
	uint64_t coa_requests, coa_acks, coa_naks, coa_duplicates;
	uint64_t coa_drop_unknown_client, coa_drop_malformed, coa_drop_auth, coa_drop_ma,
		 coa_drop_stale;
	char coa_last_error[640];
	struct lat_ring coa;            /* verified request to reply sent */
	struct lat_ring hook;           /* pppd hooks: request read to reply queued */
	struct lat_ring setup;          /* the hooks that made a session: up to its reply */
	struct lat_ring shape;          /* shaper_apply(), each call */
	/* shaper applies and failures by the download qdisc (enum shaper_qdisc) */
	uint64_t shaper_applies[4], shaper_apply_failures[4], shaper_clear_failures;
	/* CoA-Requests [0] and Disconnect-Requests [1] answered: ACKs; NAKs by
	 * Error-Cause (the cause - 400: 1..108; [0]: none) */
	uint64_t coa_acked[2], coa_naked[2][ACD_COA_CAUSES];
};

struct acd {
	struct ev_loop *loop;
	struct acd_config cfg;
	const char *cfg_path;           /* NULL = built-in */
	struct shaper *sh;
	struct rc_conf *rh;             /* radcli handle: dictionary */
	struct sessions sess;           /* the session core (session.h) */
	struct acd_stats stats;
	time_t started;
	struct ctl *ctl;
	struct telnet *telnet;          /* NULL when off */
	struct rtnl *rtnl;              /* rtnetlink: link events, counters (rtnl.h) */
	struct linkwatch *lw;
	struct coa *coa;                /* NULL when [coa] listen is off */
	struct acct *acct;              /* NULL when [accounting] is off */
	struct pppoe *pppoe;            /* NULL without [pppoe] (pppoe.h) */
	struct ipv6 *ipv6;              /* NULL without [ipv6] prefix-pool (ipv6.h) */
	struct natmon *nat;             /* NULL without [nat64]/[dns64] */
	struct metrics *metrics;        /* NULL when [metrics] listen is off (metrics.h) */
	struct acd_reload_hook *reload_hooks; /* who takes part in a reload (reload.h) */
};

/* ctl.c */
struct ctl *ctl_open(struct acd *a, char *err, size_t errlen);
void ctl_close(struct ctl *c);
/* The monitor's events from the session core's (main.c registers the
 * listeners in their order: accounting first, so a session-up carries
 * its Acct-Multi-Session-Id).  0 or -errno. */
int ctl_listen(struct ctl *c);

/* telnet.c: NULL with err empty when off, NULL with err set on failure */
struct telnet *telnet_open(struct acd *a, char *err, size_t errlen);
void telnet_close(struct telnet *t);

/* coa.c: NULL with err empty when off, NULL with err set on failure */
struct coa *coa_open(struct acd *a, char *err, size_t errlen);
/* Clients and secrets are read from a->cfg for every packet, so a reload
 * applies them at once; a changed listen address waits for a restart. */
void coa_close(struct coa *c);

/* linkwatch.c */
struct linkwatch *linkwatch_open(struct acd *a);
void linkwatch_close(struct linkwatch *lw);

#endif
