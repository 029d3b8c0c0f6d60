/*
 * dhcp6_msg.h - DHCPv6 messages (RFC 8415) as a server on a subscriber's
 * link sees them: a strict parser of what clients send and a builder of
 * what the server answers, for prefix delegation (IA_PD), addresses
 * (IA_NA), Rapid Commit and stateless configuration (DNS servers and the
 * search list, RFC 3646).  No I/O: acd/dhcp6.c owns the socket, the
 * leases and the timers; tests/fuzz/fuzz_dhcp6.c fuzzes both.
 *
 * A message is the UDP payload: msg-type(1) transaction-id(3) options...,
 * each option code(2) len(2) value(len), nested inside IA_NA, IA_PD,
 * IAADDR and IAPREFIX.  Every number is big-endian.  Relay messages
 * (Relay-Forw/Relay-Repl) are not ours: a PPP link has no relay.
 */
#ifndef ACD_DHCP6_MSG_H
#define ACD_DHCP6_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP6_MSG_MAX 1452              /* what we build: fits a PPPoE link's 1492 */
#define DHCP6_IN_MAX 2048               /* what we accept (a client's message) */
/* RFC 8415 §11.1: a DUID is a 2-byte type and 1 to 128 bytes more */
#define DHCP6_DUID_MIN 3
#define DHCP6_DUID_MAX 130
#define DHCP6_IA_MAX 4                  /* IAs of each kind in one message we act on */
#define DHCP6_IA_ITEMS_MAX 4            /* IAADDR/IAPREFIX in one IA */
#define DHCP6_DNS_MAX 3
#define DHCP6_SEARCH_MAX 4
#define DHCP6_DOMAIN_MAX 253

enum dhcp6_type {
	DHCP6_SOLICIT = 1,
	DHCP6_ADVERTISE = 2,
	DHCP6_REQUEST = 3,
	DHCP6_CONFIRM = 4,
	DHCP6_RENEW = 5,
	DHCP6_REBIND = 6,
	DHCP6_REPLY = 7,
	DHCP6_RELEASE = 8,
	DHCP6_DECLINE = 9,
	DHCP6_RECONFIGURE = 10,
	DHCP6_INFORMATION_REQUEST = 11,
	DHCP6_RELAY_FORW = 12,
	DHCP6_RELAY_REPL = 13,
};

enum dhcp6_opt {
	DHCP6_OPT_CLIENTID = 1,
	DHCP6_OPT_SERVERID = 2,
	DHCP6_OPT_IA_NA = 3,
	DHCP6_OPT_IA_TA = 4,
	DHCP6_OPT_IAADDR = 5,
	DHCP6_OPT_ORO = 6,
	DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_ELAPSED_TIME = 8,
	DHCP6_OPT_STATUS_CODE = 13,
	DHCP6_OPT_RAPID_COMMIT = 14,
	DHCP6_OPT_DNS_SERVERS = 23,
	DHCP6_OPT_DOMAIN_LIST = 24,
	DHCP6_OPT_IA_PD = 25,
	DHCP6_OPT_IAPREFIX = 26,
	DHCP6_OPT_INFORMATION_REFRESH_TIME = 32,
	DHCP6_OPT_SOL_MAX_RT = 82,
	DHCP6_OPT_INF_MAX_RT = 83,
};

enum dhcp6_status {
	DHCP6_SUCCESS = 0,
	DHCP6_UNSPEC_FAIL = 1,
	DHCP6_NO_ADDRS_AVAIL = 2,
	DHCP6_NO_BINDING = 3,
	DHCP6_NOT_ON_LINK = 4,
	DHCP6_USE_MULTICAST = 5,
	DHCP6_NO_PREFIX_AVAIL = 6,
};

/* why a client's message is dropped (RFC 8415 §16: each type's rules) */
enum dhcp6_drop {
	DHCP6_OK = 0,
	DHCP6_DROP_SHORT,               /* under 4 bytes */
	DHCP6_DROP_TYPE,                /* not a type a client sends to a server */
	DHCP6_DROP_OPTION,              /* an option past the end, or nested ones that do not
					 * fit their parent, or a fixed-size option of another
					 * size; an IA in an Information-Request (§16.12) */
	DHCP6_DROP_DUPLICATE,           /* Client ID, Server ID, Elapsed Time, ... twice; two
					 * IA_NA (or two IA_PD) with one IAID */
	DHCP6_DROP_CLIENTID,            /* missing where required, or not DHCP6_DUID_MIN ..
					 * DHCP6_DUID_MAX bytes */
	DHCP6_DROP_SERVERID,            /* present in Solicit/Rebind/Confirm, missing in
					 * Request/Renew/Release/Decline, or not a DUID's size */
	DHCP6_DROP_TOO_MANY,            /* more IAs or items than we keep */
	DHCP6_DROP_LONG,                /* over DHCP6_IN_MAX bytes */
	DHCP6_DROP_MAX
};
/* "ok", "short", "type", "option", "duplicate", "client-id", "server-id",
 * "too-many", "long": stable names for counters and logs; "unknown" for a
 * value outside the enum. */
const char *dhcp6_drop_name(enum dhcp6_drop d);

struct dhcp6_ia_item {                 /* an IAADDR or IAPREFIX the client names */
	struct in6_addr addr;
	uint8_t plen;                   /* IAPREFIX: the prefix length; IAADDR: 128 */
	uint32_t preferred, valid;
};

struct dhcp6_ia {
	uint32_t iaid, t1, t2;
	struct dhcp6_ia_item item[DHCP6_IA_ITEMS_MAX];
	unsigned nitems;
};

/* a client's message, parsed; pointers into the buffer it came in */
struct dhcp6_msg {
	enum dhcp6_type type;
	uint32_t xid;                   /* 24 bits */
	const uint8_t *clientid;        /* DUID, or NULL */
	size_t clientid_len;
	const uint8_t *serverid;
	size_t serverid_len;
	bool rapid_commit;
	uint16_t elapsed;               /* hundredths of a second */
	bool oro_dns, oro_domains;      /* the Option Request Option asks for them */
	struct dhcp6_ia na[DHCP6_IA_MAX], pd[DHCP6_IA_MAX];
	unsigned nna, npd;
};

/*
 * Parse a client's message (buf, len).  DHCP6_OK with *m filled in, or why
 * it is dropped.  Checked in this order, the first failure is the answer:
 * the length (DHCP6_DROP_SHORT, DHCP6_DROP_LONG), the type, the options in
 * the order they come, then the rules of RFC 8415 §16 on Client ID (first)
 * and Server ID.  Unknown options are skipped, at the top and inside an IA;
 * IA_TA is checked for fit but skipped (we offer no temporary addresses).
 * Fixed sizes: Elapsed Time 2, Preference 1, Rapid Commit 0, ORO even,
 * IA_NA and IA_PD at least 12, IA_TA 4, IAADDR 24, IAPREFIX 25 (with a
 * prefix length of at most 128), Status Code 2; the options inside IAADDR
 * and IAPREFIX must fit them too.  Whether the Server ID is ours is the
 * caller's to check.  *m is always written: with at least 4 bytes its type
 * and xid are the message's, for counting drops; the rest is meaningful
 * only with DHCP6_OK.
 */
enum dhcp6_drop dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m);

/* what a server's answer carries */
struct dhcp6_reply_ia {
	uint32_t iaid, t1, t2;
	bool has_item;                  /* an IAADDR/IAPREFIX; else the status below */
	struct dhcp6_ia_item item;
	enum dhcp6_status status;       /* in the IA, when not DHCP6_SUCCESS */
};

struct dhcp6_reply {
	enum dhcp6_type type;           /* DHCP6_ADVERTISE or DHCP6_REPLY */
	uint32_t xid;
	const uint8_t *clientid;        /* echoed (the client's) */
	size_t clientid_len;
	const uint8_t *serverid;        /* ours */
	size_t serverid_len;
	bool rapid_commit;              /* a Reply to a Solicit with Rapid Commit */
	bool has_status;                /* a top-level Status Code */
	enum dhcp6_status status;
	const char *status_msg;         /* its text, may be NULL */
	uint8_t preference;             /* Advertise: 255 = take this one at once */
	bool has_preference;
	struct dhcp6_reply_ia na[DHCP6_IA_MAX], pd[DHCP6_IA_MAX];
	unsigned nna, npd;
	struct in6_addr dns[DHCP6_DNS_MAX];
	unsigned ndns;
	char search[DHCP6_SEARCH_MAX][DHCP6_DOMAIN_MAX + 1];
	unsigned nsearch;
	uint32_t info_refresh;          /* Information Refresh Time (s), 0 = none */
};

/*
 * Build r into buf (at most len bytes, and never more than DHCP6_MSG_MAX):
 * its length, -EINVAL, or -ENOSPC.  Nothing is written to buf on -EINVAL:
 *   - type not Advertise or Reply, xid over 24 bits;
 *   - a Server ID missing or not DHCP6_DUID_MIN .. DHCP6_DUID_MAX bytes; a
 *     Client ID of a wrong size, or missing in an Advertise (a Reply to an
 *     Information-Request without one goes without);
 *   - Rapid Commit in an Advertise, Preference in a Reply;
 *   - counts past the maxima;
 *   - an IA with both an item and a status other than DHCP6_SUCCESS, or
 *     with neither; T1 > T2 with T2 non-zero; preferred > valid lifetime;
 *     an IAPREFIX's length not 1..128 or its prefix with bits set past it
 *     (an IAADDR's plen is not sent, and not looked at);
 *   - a search domain that is not a host name's: labels of letters,
 *     digits and inner hyphens, 1..63 bytes, 255 bytes at most in DNS wire
 *     format (RFC 1035), one final dot allowed; not NUL-terminated inside
 *     its array.
 * Options in this order: Client ID, Server ID, Preference, Rapid Commit,
 * Status Code (status_msg NULL: no text), the IA_NAs then the IA_PDs as
 * given (each with its IAADDR/IAPREFIX, or a Status Code such as
 * NoAddrsAvail, NoPrefixAvail, NoBinding, without text), DNS Recursive
 * Name Server (when ndns), Domain Search List (when nsearch), Information
 * Refresh Time (when info_refresh).
 */
int dhcp6_build(const struct dhcp6_reply *r, uint8_t *buf, size_t len);

#endif
