/*
 * coa.h - the parts of the RFC 5176 server (coa.c) that do no I/O, so they
 * are unit-tested and fuzzed: deciding a verified request, and the replay
 * cache's file (the server itself is declared in acd.h: coa_open,
 * coa_close).
 *
 * The replay cache is kept on disk so that a request answered before a
 * restart of acd is still known after it.
 *
 * The file, state-dir/coa-cache, mirrors the in-memory ring slot for slot:
 * a 64-byte header, then COA_CACHE_SLOTS records of 64 bytes.  A request
 * is written into its slot (one pwrite) before its reply is sent; the
 * state file's writer syncs the file to disk before it renames a new
 * sessions.json (state.h).  Integers are big-endian.
 *
 *   header:  0 magic "acd coa-cache v1" (16)  16 slots (4)  20 record
 *            length (4)  24..55 zero  56 check (8)
 *   record:  0 seq (8, 0 = empty)  8 when (4, Unix seconds)
 *            12 stale-before (4)  16 family (1: 4 or 6)  17 RADIUS id (1)
 *            18 reply code (1: 41, 42, 44 or 45)  19 zero (1)
 *            20 Error-Cause (4, 0 = none)  24 peer address (16, IPv4 in
 *            the first 4, the rest zero)  40 Request Authenticator (16)
 *            56 check (8)
 *
 * check: the first 8 bytes of MD5 over the 56 bytes before it, so a torn
 * or damaged record is recognised and dropped alone.  A record holds what
 * rebuilds the reply byte for byte (the reply is a function of the request,
 * the verdict and the secret, and only the same request under the same
 * secret can match the record), not the reply itself: 64 bytes a request
 * whatever its Proxy-State, so the file has a fixed size.
 *
 * Nothing here does I/O: coa.c reads and writes the file, these functions
 * encode and check (and are unit-tested and fuzzed).
 */
#ifndef ACD_COA_H
#define ACD_COA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radpkt.h"

struct acd;
struct session;

#define COA_CACHE_SLOTS 16384u      /* remembered requests, in memory and on disk */
#define COA_REC_LEN     64u
#define COA_FILE_LEN    (COA_REC_LEN * (1u + COA_CACHE_SLOTS))
#define COA_CACHE_FILE  "coa-cache"

/* One request as recorded. */
struct coa_rec {
	uint64_t seq;                   /* order of writing, from 1; 0: empty slot */
	uint32_t when;                  /* wall clock it was answered */
	uint32_t stale_before;          /* the server's stale cut then (coa.c) */
	uint8_t family;                 /* 4 or 6 */
	uint8_t addr[16];
	uint8_t id;
	uint8_t auth[RADPKT_AUTH_LEN];
	uint8_t reply_code;             /* the reply sent: 41, 42, 44 or 45 */
	uint32_t cause;                 /* its Error-Cause, 0 for none */
};

/* The header of a file of slots records. */
void coa_header_encode(uint32_t slots, uint8_t out[COA_REC_LEN]);

/*
 * Check a file's header against the slot count this acd uses.  0, or
 * -EBADMSG with why saying what is wrong (for the log).
 */
int coa_header_check(const uint8_t in[COA_REC_LEN], uint32_t slots, char *why, size_t whylen);

void coa_rec_encode(const struct coa_rec *r, uint8_t out[COA_REC_LEN]);

/*
 * Decode one slot: 1 with *r filled, 0 for an empty slot (all zero),
 * -EBADMSG for a damaged one (wrong check, or a field out of range: seq 0,
 * family not 4/6, an IPv4 address with bytes past its 4, a reply code that
 * is not an ACK or NAK, an ACK with an Error-Cause, a NAK's cause
 * outside 400..599, the zero byte set).
 */
int coa_rec_decode(const uint8_t in[COA_REC_LEN], struct coa_rec *r);

/* What coa_file_parse() found. */
struct coa_file_report {
	unsigned used;                  /* records kept */
	unsigned damaged;               /* records that failed coa_rec_decode */
	char why[160];                  /* a bad header: why the file was refused */
};

/*
 * Parse a whole file of COA_CACHE_SLOTS slots: recs[i] gets slot i (seq 0
 * for empty or damaged ones).  0, or -EBADMSG when the file is not one
 * (size or header: rep->why), with every recs[i] empty.
 */
int coa_file_parse(const uint8_t *buf, size_t len, struct coa_rec recs[COA_CACHE_SLOTS],
		   struct coa_file_report *rep);

/* The answer to a request: ACK, or NAK with an Error-Cause (RFC 5176 §3.6). */
struct coa_verdict {
	bool ack;
	uint32_t cause;                 /* Error-Cause of a NAK (0: none) */
	char why[512];                  /* for the log and show stat */
};

/*
 * What a verified Disconnect- or CoA-Request asks and whether acd can do
 * it, decided from the request, the config, the dictionary and the
 * session table alone: coa_decide() changes nothing, coa.c then acts on
 * d->s (re-shapes it, or ends it) and writes the ACK or the NAK of that
 * into d->v.
 */
struct coa_decision {
	struct session *s;              /* the one session to act on; NULL: refused */
	unsigned matches;               /* sessions the identification matched */
	struct coa_verdict v;           /* refused: the NAK (s NULL) */
	/* a CoA: the session's rates after it, bit/s (a direction the
	 * request does not set keeps its RADIUS rate), and their source,
	 * "coa:" and the attribute (struct session's coa_src) */
	uint64_t down, up;
	char src[80];
};

/*
 * Decide p (a Disconnect- or CoA-Request whose authenticators verified, not
 * a duplicate, inside its Event-Timestamp window) in this order, the first
 * failure its NAK:
 *   an attribute RFC 5176 §3.5 allows once comes more often     404
 *   NAS-IP-Address, NAS-IPv6-Address or NAS-Identifier not ours  403
 *   an attribute unknown to the dictionary                       401
 *   malformed (the wrong size for its type, a bad VSA)           404
 *   an attribute not supported in this request                   401
 *   Service-Type Authorize-Only                                  405
 *   no identification attribute                                  402
 *   no session matches them all                                  503
 *   more than one session matches                                508
 *   a CoA: a malformed rate                                      407
 *   a CoA: no rate attribute                                     402
 * Identification: User-Name, Acct-Session-Id, Framed-IP-Address,
 * Calling-Station-Id (any MAC notation), NAS-Port-Id (the interface) and
 * NAS-Port (its unit); a session matches when it matches every one given,
 * and sessions whose link is gone never match.
 */
void coa_decide(const struct acd *a, const struct radpkt *p, struct coa_decision *d);

#endif
