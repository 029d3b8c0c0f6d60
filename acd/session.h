/*
 * session.h - the session core: the table of subscriber sessions and
 * their transitions (up, a second protocol up, one protocol down, gone,
 * down, adopted, reconciled, policy changed, override set or restored).
 *
 * The core knows none of its consumers.  Each transition emits one typed
 * event to the listeners registered at start (accounting, the state file,
 * the control socket's monitor; next the PPPoE server, router
 * advertisements, metrics), in the order they registered.  Every effect
 * on the world - the shaper, netlink, the radattr and pid files, signals
 * to pppd - goes through struct session_fx, so a unit test drives the
 * core with effects of its own and no root (tests/unit/test_session.c).
 * docs/hacking.md shows where it sits among acd's files.
 */
#ifndef ACD_SESSION_H
#define ACD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <ev.h>
#include <jansson.h>

/* the table's indexes: an add that cannot get memory leaves the session
 * out of that index (session_new() then gives up) instead of uthash's
 * default exit() */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(elt) session_index_oom(elt)
#include <uthash.h>

#include "radv6.h"
#include "shaper.h"

struct acd_config;
struct rtnl_linkaddr;
struct sessions;

#define SESSION_EXT_MAX 4               /* consumers with data of their own per session */
#define SESSION_LISTENERS_MAX 8
#define SESSION_GONE_GRACE 3.0          /* seconds */

/* how a session came to the table (the metrics count them by it) */
enum session_origin {
	SESSION_ORIGIN_HOOK,            /* pppd's ip-up/ipv6-up hook */
	SESSION_ORIGIN_ADOPTED,         /* a link with an address and no hook */
	SESSION_ORIGIN_RECONCILED,      /* found again at start-up */
};

/* which path brought a session's events from pppd (show session's "via") */
enum session_via {
	SESSION_VIA_NONE,               /* none yet: adopted or found again at start-up */
	SESSION_VIA_HOOK,               /* the ip-up.d hooks (acdctl hook) */
	SESSION_VIA_PLUGIN,             /* acd.so in pppd (pppd-plugin/) */
};

/*
 * One subscriber session.  Created by a hook (or found at start-up, or
 * adopted), freed by the core right after its SESSION_DOWN event; nothing
 * holds a pointer to it after.
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
	/* the line, when a TR-101 access node tagged the session's PPPoE
	 * discovery (set by acd's PPPoE server): its Agent-Circuit-Id and
	 * Agent-Remote-Id as text, "" = none */
	char circuit_id[64], remote_id[64];
	/* the session's IPv6 prefixes as the IPv6 edge (ipv6.c) gives them,
	 * "ADDR/LEN" or "": its link's /64, and the prefix DHCPv6 delegated
	 * (accounting's Framed-IPv6-Prefix and Delegated-IPv6-Prefix, CoA's
	 * lookup) */
	char ipv6_prefix[52], ipv6_delegated[52];
	/* the last of each it had, never cleared while the session lives:
	 * accounting's records keep them after ipv6-down (or a released
	 * lease), as they keep the IPv4 address after ip-down */
	char ipv6_prefix_had[52], ipv6_delegated_had[52];
	/* what RADIUS said of its IPv6 (sessrad.c, from the radattr file, when
	 * the policy is read; radv6.h): its prefixes win over the pools, its
	 * resolvers over [ipv6] dns; its routes are added with the /64 */
	struct radv6 radius6;
	pid_t pppd_pid;
	time_t started;                 /* wall clock */
	enum session_origin origin;
	/* the path of the first event applied to the session (NONE for one
	 * found at start-up or adopted, until an event comes); plugin: whether any
	 * event came by acd.so (then hook and plugin events are told apart
	 * from repeats, see session_event()); up_seen: the protocols whose
	 * up event was applied (1: IPv4, 2: IPv6), cleared by their down */
	enum session_via via;
	bool plugin;
	unsigned char up_seen;
	unsigned sid;                   /* the PPPoE session id acd.so sent, 0 = none */
	/* the RADIUS attributes acd.so sent, radattr text (radattr.h), NUL-
	 * terminated after radattr_len bytes: read instead of the radattr
	 * file while set; NULL = none */
	char *radattr;
	size_t radattr_len;
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
	void *ext[SESSION_EXT_MAX];     /* a consumer's own data (session_ext_slot) */
	struct sessions *t;
};

enum session_event_type {
	SESSION_UP,             /* a new session from an ip-up or ipv6-up hook */
	SESSION_PROTO_UP,       /* a running session's up hook (its second protocol, or a
				 * repeat): ev->addr_changed when it brought an address */
	SESSION_PROTO_DOWN,     /* one protocol down, the other still up: ev->proto is the
				 * one that went ("ipv4", "ipv6"), its address cleared */
	SESSION_GONE,           /* the link vanished; SESSION_DOWN follows (ip-down, or
				 * "vanished" after SESSION_GONE_GRACE) */
	SESSION_DOWN,           /* the session ends, ev->cause (s->terminate_cause); it is
				 * freed when the listeners return */
	SESSION_ADOPTED,        /* a link whose hook never came became a session */
	SESSION_RECONCILED,     /* found again at start-up; ev->saved is its record in the
				 * state file, or NULL */
	SESSION_POLICY,         /* its RADIUS policy changed (a CoA-Request) */
	SESSION_OVERRIDE,       /* an operator override was set */
	SESSION_RESTORED,       /* the override was lifted: the RADIUS rates again */
};

struct session_event {
	enum session_event_type type;
	struct session *s;
	const char *cause;              /* SESSION_DOWN */
	const char *proto;              /* SESSION_PROTO_DOWN */
	bool addr_changed;              /* SESSION_PROTO_UP */
	json_t *saved;                  /* SESSION_RECONCILED (borrowed) */
};

const char *session_event_name(enum session_event_type type);
/* "hook", "plugin", "" (none: adopted, found at start-up) */
const char *session_via_name(enum session_via via);

struct session_listener {
	void (*event)(const struct session_event *ev, void *ctx);
	/* optional: add the consumer's own fields to show session's detail */
	void (*describe)(const struct session *s, json_t *o, void *ctx);
	void *ctx;
};

/*
 * What the core does to the world, each with ctx as its first argument.
 * sessfx.c has the real ones (the shaper, rtnl, radattr files, kill(2));
 * a unit test passes its own.
 */
struct session_fx {
	/* the interface's index, or -ENODEV */
	int (*ifindex)(void *ctx, const char *ifname);
	/* apply p to s->ifindex; <0 with err set, the interface as it was */
	int (*shape)(void *ctx, const struct session *s, const struct shaper_policy *p,
		     char *err, size_t errlen);
	/* remove the shaping of s; <0 with err set ("does not exist" is fine) */
	int (*clear)(void *ctx, const struct session *s, char *err, size_t errlen);
	/* remove IFBs no session uses; how many went */
	int (*gc)(void *ctx);
	/* s->radius_* from what RADIUS said (pppd's radattr file), else the default */
	void (*policy)(void *ctx, struct session *s);
	/* s->user from the radattr file (a session found with no hook) */
	void (*user)(void *ctx, struct session *s);
	/* is pid still a pppd? */
	bool (*is_pppd)(void *ctx, pid_t pid);
	/* SIGTERM to pid: 0 or -errno */
	int (*terminate)(void *ctx, pid_t pid);
	/* pppd's pid from its pid file, 0 when unknown */
	pid_t (*pid_file)(void *ctx, const char *ifname);
	/* the links of ours (every one: only NULL; or those of only[0..nonly)),
	 * with their addresses: rtnl_links() + rtnl_addrs() */
	ssize_t (*links)(void *ctx, const int *only, size_t nonly, struct rtnl_linkaddr **out);
	/* v's peer link-locals where none was found: rtnl_peer_lls() */
	int (*peer_lls)(void *ctx, struct rtnl_linkaddr *v, size_t n);
};

struct sessions {
	struct session *list;           /* newest first */
	struct session *by_name;        /* uthash heads over the same sessions */
	struct session *by_index;
	unsigned n;
	uint64_t up, down, vanished;    /* since start */
	uint64_t repeats;               /* events the other path had applied already */
	struct ev_loop *loop;           /* the gone timers; NULL: no timers (ends at once) */
	const struct acd_config *cfg;
	const struct session_fx *fx;
	void *fx_ctx;
	struct session_listener listeners[SESSION_LISTENERS_MAX];
	unsigned nlisteners;
	unsigned next_ext;
	uint32_t sid_counter;           /* Acct-Session-Id sequence */
};

void sessions_init(struct sessions *t, struct ev_loop *loop, const struct acd_config *cfg,
		   const struct session_fx *fx, void *fx_ctx);
/* Free every record (the kernel keeps the shaping); no event. */
void sessions_free(struct sessions *t);
/* 0, or -ENOSPC past SESSION_LISTENERS_MAX. */
int session_listen(struct sessions *t, const struct session_listener *l);
/* A slot in s->ext[] for one consumer: 0..SESSION_EXT_MAX-1, or -ENOSPC. */
int session_ext_slot(struct sessions *t);
/* A new Acct-Session-Id into buf (ACCT_ID_LEN, 17+): unique on this box
 * across restarts (start second and a pid-seeded counter). */
void session_new_id(struct sessions *t, time_t now, char *buf, size_t len);

void session_index_oom(struct session *s);
struct session *session_by_ifname(struct sessions *t, const char *ifname);
struct session *session_by_ifindex(struct sessions *t, int ifindex);
/* An interface name, a user name or an IP address; *matches says how many. */
struct session *session_find(struct sessions *t, const char *key, int *matches);
json_t *session_json(const struct session *s, bool detail);

/* One event from pppd, by either path. */
struct session_req {
	const char *event;              /* "ip-up", "ip-down", "ipv6-up", "ipv6-down" */
	json_t *argv, *env;             /* as pppd gives them to its scripts */
	enum session_via via;           /* HOOK or PLUGIN */
	unsigned sid;                   /* PLUGIN: the PPPoE session id, 0 = none */
	const char *radattr;            /* PLUGIN: the RADIUS attributes (radattr text), */
	size_t radattr_len;             /* NULL = none: the radattr file then */
	bool repeat;                    /* out: a repeat of an event already applied */
};

/*
 * An event of pppd's, by the hook or by acd.so, as session_hook() below.
 * When the session has had an event by acd.so (or this one is), an event
 * already applied is a repeat and changes nothing (r->repeat): an up of a
 * protocol already up with the same pppd and address, a down of one not
 * up; and a down whose PPPD_PID is not the session's pppd is an earlier
 * pppd's (acd.so delivers late when acd was away) and ends nothing.  The
 * attributes acd.so sends are kept with the session (first ones sent
 * win: pppd authenticates once) and read instead of the radattr file; a
 * repeat that brings them to a session that had none applies them.
 */
int session_event(struct sessions *t, struct session_req *r, char *err, size_t errlen);

/*
 * pppd's hook: event "ip-up", "ipv6-up", "ip-down" or "ipv6-down", argv
 * and env as pppd gives them.  0; -EINVAL (a bad request, which changes no
 * session), -ENODEV, -ENOMEM, or -EIO when the session is up but its
 * shaping failed; err says which.
 */
int session_hook(struct sessions *t, const char *event, json_t *argv, json_t *env,
		 char *err, size_t errlen);
/* The link vanished: the record waits SESSION_GONE_GRACE for pppd's ip-down. */
void session_gone(struct sessions *t, struct session *s);
/* End s now (SESSION_DOWN, then free): cause unless a terminate set one. */
void session_end(struct sessions *t, struct session *s, const char *cause, bool clear_shaping);
/* SIGTERM to the session's pppd, which ends it through ip-down; cause is
 * kept as the session's terminate cause.  -ESRCH: pppd's pid unknown or
 * no longer pppd; -EPERM: the signal failed.  err says which. */
int session_terminate(struct sessions *t, struct session *s, const char *cause, char *err,
		      size_t errlen);
/* Apply the session's policy (override, else RADIUS) now. */
int session_shape(struct sessions *t, struct session *s);
/* An operator override (on) or back to the RADIUS rates (!on).  <0 with
 * err set when the shaper refused: the session stays as it was. */
int session_override(struct sessions *t, struct session *s, bool on, uint64_t down,
		     uint64_t up, char *err, size_t errlen);
/* A CoA-Request's rates (src: the attribute they came from) replace the
 * RADIUS policy.  <0 with err set when the shaper refused: the session
 * stays as it was. */
int session_coa(struct sessions *t, struct session *s, uint64_t down, uint64_t up,
		const char *src, char *err, size_t errlen);
/*
 * At start-up: every link of ours becomes a session again, with what its
 * record in saved (an object by interface name, state_index()) says when
 * the ifindex still matches, else with what the kernel and pppd's files
 * say; orphaned IFBs go.  Returns the number found.
 */
int session_reconcile(struct sessions *t, json_t *saved);
/* Adopt those of the links ifindexes[0..n) that still have no session
 * and have an address (pppd's hook failed or never ran); returns how many
 * became sessions. */
int session_adopt(struct sessions *t, const int *ifindexes, size_t n);

#endif
