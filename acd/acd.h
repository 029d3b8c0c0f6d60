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

/* the session table's indexes: an add that cannot get memory leaves the
 * session out of that index (session_new() then gives up) instead of
 * uthash's default exit() */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(elt) session_index_oom(elt)
#include <uthash.h>

#include "acct.h"
#include "config.h"
#include "latency.h"
#include "reload.h"
#include "shaper.h"

struct rc_conf;

/*
 * One subscriber session.  Created by ip-up (or found at start-up),
 * freed by session_end() right after its shaping is removed and the
 * "session-down" event is sent; nothing holds a pointer to it after.
 */
struct session {
	struct session *next;           /* the table, newest first */
	struct session **pprev;         /* O(1) unlink */
	UT_hash_handle hh_name;         /* index by ifname (unique) */
	UT_hash_handle hh_index;        /* index by ifindex */
	char ifname[16];
	int ifindex;
	char user[256];
	char ip[16];                    /* the subscriber's IPv4 (pppd's remote) */
	char local_ip[16];
	char ipv6_ll[48];               /* the subscriber's link-local (ipv6-up) */
	char mac[18];
	pid_t pppd_pid;
	time_t started;                 /* wall clock */
	/* policy: what RADIUS said, an operator override, what is applied */
	uint64_t radius_down, radius_up;
	char radius_src[80];            /* "RP-Downstream-Speed-Limit", "default", ... */
	char radius_warn[256];          /* a malformed attribute, if any (cut; the log has it whole) */
	/* a CoA-Request changed the RADIUS policy: it holds over the radattr
	 * file (kept in the state file, so a restart keeps it too) */
	bool coa;
	uint64_t coa_down, coa_up;
	char coa_src[80];
	char acct_session_id[20];       /* ours: CoA lookup, accounting */
	bool override;
	uint64_t ov_down, ov_up;
	struct shaper_policy applied;
	bool shaped;
	char shape_err[256];
	char terminate_cause[32];
	/* the interface is gone: pppd releases it before its ip-down hook
	 * runs, so the session ends as "ip-down" if that hook comes within
	 * SESSION_GONE_GRACE, else as "vanished" when this timer fires */
	bool gone;
	ev_timer gone_timer;
	struct acct_sess acct;          /* RADIUS accounting (acct.c) */
	struct acd *owner;
};

#define SESSION_GONE_GRACE 3.0  /* seconds */

struct acd_stats {
	uint64_t sessions_up, sessions_down, sessions_vanished;
	uint64_t hook_errors, shaper_errors, radattr_errors;
	uint64_t requests, bad_requests;
	char last_error[640];
	/* RFC 5176 server (coa.c) */
	uint64_t coa_requests, coa_acks, coa_naks, coa_duplicates;
	uint64_t coa_drop_unknown_client, coa_drop_malformed, coa_drop_auth, coa_drop_ma,
		 coa_drop_stale;
	char coa_last_error[640];
	struct lat_ring coa;            /* verified request to reply sent */
	struct lat_ring hook;           /* pppd hooks: request read to reply queued */
};

struct acd {
	struct ev_loop *loop;
	struct acd_config cfg;
	const char *cfg_path;           /* NULL = built-in */
	struct shaper *sh;
	struct rc_conf *rh;             /* radcli handle: dictionary */
	struct session *sessions;
	struct session *by_name;        /* uthash heads over the same sessions */
	struct session *by_index;
	unsigned nsessions;
	struct acd_stats stats;
	time_t started;
	struct ctl *ctl;
	struct telnet *telnet;          /* NULL when off */
	struct rtnl *rtnl;              /* rtnetlink: link events, counters (rtnl.h) */
	struct linkwatch *lw;
	struct coa *coa;                /* NULL when [coa] listen is off */
	struct acct *acct;              /* NULL when [accounting] is off */
	struct natmon *nat;             /* NULL without [nat64]/[dns64] */
	ev_timer state_timer;           /* a pending write of the state file */
	bool state_timer_init;
	uint32_t sid_counter;           /* Acct-Session-Id sequence */
	struct acd_reload_hook *reload_hooks; /* who takes part in a reload (reload.h) */
};

/* session.c */
void session_index_oom(struct session *s);
struct session *session_find(struct acd *a, const char *key, int *matches);
struct session *session_by_ifname(struct acd *a, const char *ifname);
struct session *session_by_ifindex(struct acd *a, int ifindex);
int session_shape(struct acd *a, struct session *s);
void session_end(struct acd *a, struct session *s, const char *cause, bool clear_shaping);
/* Take a session out of the table and its indexes, without freeing it. */
void session_unlink(struct acd *a, struct session *s);
void session_gone(struct acd *a, struct session *s);
/* SIGTERM to the session's pppd, which ends it through ip-down; cause is
 * kept as the session's terminate cause.  -ESRCH: pppd's pid unknown or
 * no longer pppd; -EPERM: the signal failed.  err says which. */
int session_terminate(struct acd *a, struct session *s, const char *cause, char *err,
		      size_t errlen);
json_t *session_json(const struct session *s, bool detail);
int session_hook(struct acd *a, const char *event, json_t *argv, json_t *env,
		 char *err, size_t errlen);
void session_reconcile(struct acd *a);
/* Adopt those of the links ifindexes[0..n) that still have no session, as
 * at start-up, from the kernel and their radattr files; returns how many
 * became sessions.  linkwatch.c calls it for a link with our prefix that got
 * an address but no hook within [pppd] adopt-after seconds (pppd's hook
 * failed: acd was busy, its socket full). */
int session_adopt(struct acd *a, const int *ifindexes, size_t n);
int session_state_save(struct acd *a);
/* Save soon (after SESSION_STATE_DELAY, longer when a save costs much,
 * see state.c): one write for a burst of session changes, not one per
 * session.  Overrides are saved at once. */
void session_state_later(struct acd *a);
#define SESSION_STATE_DELAY 0.5     /* seconds */
#define SESSION_STATE_DELAY_MAX 5.0 /* seconds */
/* Wait for the writer thread to finish what it was given (at exit). */
void session_state_flush(void);
json_t *state_load(struct acd *a);

/* ctl.c */
struct ctl *ctl_open(struct acd *a, char *err, size_t errlen);
void ctl_close(struct ctl *c);
void ctl_event(struct ctl *c, const char *event, json_t *payload);

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
