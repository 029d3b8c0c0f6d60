/*
 * acct_record.h - the pure parts of RADIUS accounting (acct.h): period
 * boundaries, the cause mapping, a period's counters, the attribute list
 * of one record, the log lines' rate limit, the state file's "acct" and
 * the server syntax.  No I/O and no struct acd, so config.c and the unit
 * tests use them without the daemon's headers.
 */
#ifndef ACD_ACCT_RECORD_H
#define ACD_ACCT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

struct rc_conf;         /* radcli's rc_handle */
struct rc_value_pair;   /* radcli's VALUE_PAIR */

#define ACCT_ID_LEN 20          /* "%08X%08X" and its NUL, like session.c's */

enum acct_period {
	ACCT_PERIOD_NONE,
	ACCT_PERIOD_DAILY,      /* local midnight */
	ACCT_PERIOD_MONTHLY,    /* local midnight of the 1st */
};

/* "none", "daily", "monthly" */
const char *acct_period_name(enum acct_period p);
/* 0, or -1 for an unknown name */
int acct_period_parse(const char *s, enum acct_period *p);

/*
 * The first period boundary strictly after t, in local time (TZ): the
 * next midnight, or the next midnight of a month's 1st.  A midnight that
 * a DST change skips becomes the first existing time after it.  Returns
 * (time_t)-1 for ACCT_PERIOD_NONE.  A pure function of t and TZ.
 */
time_t acct_period_next(enum acct_period p, time_t t);

/*
 * [accounting] server = ADDRESS[:PORT]: an IPv4 address (radcli 1.2.11
 * binds its socket to the IPv4 wildcard), the port 1813 when none is
 * given.  0, or -1 when s is not that.
 */
int acct_server_parse(const char *s, char *host, size_t hostlen, unsigned *port);

/* RFC 2866 Acct-Status-Type */
enum acct_status {
	ACCT_START = 1,
	ACCT_STOP = 2,
	ACCT_INTERIM = 3,
};

/* RFC 2866 Acct-Terminate-Cause values acd sends */
enum acct_cause {
	ACCT_CAUSE_NONE = 0,
	ACCT_CAUSE_USER_REQUEST = 1,
	ACCT_CAUSE_LOST_CARRIER = 2,
	ACCT_CAUSE_SESSION_TIMEOUT = 5,
	ACCT_CAUSE_ADMIN_RESET = 6,
	ACCT_CAUSE_NAS_ERROR = 9,
};

/*
 * acd's session end cause (session_end's, or terminate's) to an
 * Acct-Terminate-Cause:
 *   ip-down                          User-Request (pppd's hook does not
 *                                    say why; a subscriber hanging up is
 *                                    what it is most often)
 *   disconnect-request, admin-reset  Admin-Reset
 *   vanished, replaced               NAS-Error (pppd died without its
 *                                    ip-down: acd's side failed)
 *   period                           Session-Timeout (the period's time
 *                                    ran out; the session goes on)
 *   anything else                    NAS-Error
 */
enum acct_cause acct_terminate_cause(const char *cause);

/* 64-bit counters; input = from the subscriber = the ppp link's RX */
struct acct_counters {
	uint64_t in_octets, out_octets;
	uint64_t in_packets, out_packets;
};

/* c - base per counter, 0 where the kernel's counter is below the base */
void acct_counters_sub(const struct acct_counters *c, const struct acct_counters *base,
		       struct acct_counters *out);

/* What the state file keeps of a session's accounting. */
struct acct_saved {
	bool started;                   /* a Start was queued for this period */
	char multi_id[ACCT_ID_LEN];     /* the session's first Acct-Session-Id */
	time_t period_start;            /* wall clock: this period's records begin */
	struct acct_counters base;      /* kernel counters at period_start */
};

/* One Accounting-Request: plain data, built on the loop, sent by the worker. */
struct acct_record {
	enum acct_status status;        /* 0: taken out of the queue, skip */
	char session_id[ACCT_ID_LEN];
	char multi_id[ACCT_ID_LEN];
	char user[256];
	char ifname[16];
	char mac[18];
	/* the line, as a TR-101 access node tagged the session's PPPoE
	 * discovery: ADSL-Agent-Circuit-Id / -Remote-Id, "" = none */
	char circuit_id[64], remote_id[64];
	char ip[16];                    /* Framed-IP-Address, "" = none */
	char ipv6[48];                  /* the peer's link-local (Framed-Interface-Id), "" = none */
	/* the session's /64 and delegated prefix, "ADDR/LEN" (Framed-IPv6-Prefix,
	 * Delegated-IPv6-Prefix), "" = none */
	char ipv6_prefix[52], ipv6_delegated[52];
	time_t event_time;              /* Event-Timestamp */
	uint32_t session_time;          /* Acct-Session-Time of this period */
	struct acct_counters c;         /* this period's counts */
	enum acct_cause cause;          /* Stop only */
	uint64_t queued_us;             /* lat_now() when queued: Acct-Delay-Time */
};

/* What every record of this NAS says about it. */
struct acct_nas {
	char identifier[254];           /* NAS-Identifier, "" = none */
	char ip[46];                    /* NAS-IP(v6)-Address, "" = radcli's source address */
};

/*
 * The attribute list of one record, in radcli's VALUE_PAIRs (*out, freed
 * with rc_avpair_free): Acct-Status-Type, Acct-Session-Id,
 * Acct-Multi-Session-Id, User-Name, Framed-IP-Address, Framed-Interface-Id,
 * Framed-IPv6-Prefix, Delegated-IPv6-Prefix, Calling-Station-Id,
 * NAS-Port-Id, NAS-Port-Type, Service-Type, Framed-Protocol,
 * NAS-Identifier, NAS-IP(v6)-Address, Event-Timestamp, Acct-Delay-Time
 * (delay; radcli adds its own retry time to it), and except on a Start
 * Acct-Session-Time, Acct-Input/Output-Octets/-Gigawords/-Packets, and
 * on a Stop Acct-Terminate-Cause.  Returns 0, or -1 with err set (an
 * attribute the dictionary lacks, out of memory).
 */
int acct_record_attrs(struct rc_conf *rh, const struct acct_record *r,
		      const struct acct_nas *nas, uint32_t delay, struct rc_value_pair **out,
		      char *err, size_t errlen);

/*
 * The rate limit of the drop and failure log lines: a line may go out
 * when none has, or when ACCT_LOG_GAP_US have passed since the last one,
 * on CLOCK_MONOTONIC read when the line is due (lat_now(); not the event
 * loop's cached clock, which can be an iteration behind).  So two lines
 * are at least 1 s apart, and any window of N seconds (N whole) holds at
 * most N + 1 of them.  Held-back events are summed up in the next line,
 * which a timer brings when the limit lets; at exit, one last line says
 * what is left, limit or not.
 */
#define ACCT_LOG_GAP_US 1000000u
struct acct_ratelimit {
	bool logged;            /* a line went out */
	uint64_t last_us;       /* then (lat_now()) */
};
/* now_us: lat_now().  0: a line may go out now, and it counts as out;
 * else the microseconds until one may (rl is left as it was). */
uint64_t acct_ratelimit_take(struct acct_ratelimit *rl, uint64_t now_us);

/* The state file: a session's acct_saved is copied on the loop, turned
 * into JSON (an "acct" object in the session's record, none when not
 * started) by the writer thread, and read back at start-up. */
void acct_saved_json(const struct acct_saved *v, json_t *rec);
void acct_saved_from_json(json_t *rec, struct acct_saved *v);

#endif
