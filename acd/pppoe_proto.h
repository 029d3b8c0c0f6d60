/*
 * pppoe_proto.h - PPPoE discovery frames (RFC 2516), with RFC 4638's
 * PPP-Max-Payload and the TR-101 line identification a relay adds: a
 * strict parser and a builder, with no I/O (acd/pppoe.c owns the socket;
 * tests/fuzz/fuzz_pppoe.c fuzzes both).
 *
 * A frame, as an AF_PACKET SOCK_RAW socket delivers it:
 *
 *   dst(6) src(6) ethertype 0x8863(2) | ver/type 0x11(1) code(1)
 *   session-id(2) length(2) | tags(length): type(2) len(2) value(len) ...
 *
 * Every number is big-endian.  The parser trusts none of the lengths: the
 * PPPoE length must lie inside the frame (Ethernet pads short frames to 60
 * bytes; what follows the payload is ignored), every tag inside the
 * payload.  Parsed values point into the frame: they live as long as it.
 */
#ifndef ACD_PPPOE_PROTO_H
#define ACD_PPPOE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPPOE_ETH_HLEN 14
#define PPPOE_HLEN 6
#define PPPOE_FRAME_MAX 1514           /* Ethernet header + 1500 */
/* The most tag bytes a frame may carry: 1500 less the PPPoE header.  A
 * longer discovery frame is one no standard Ethernet client sends and one
 * we could not echo its tags back in. */
#define PPPOE_PAYLOAD_MAX (PPPOE_FRAME_MAX - PPPOE_ETH_HLEN - PPPOE_HLEN)
#define PPPOE_ETHERTYPE_DISC 0x8863
#define PPPOE_VERTYPE 0x11
/* RFC 2516 sets no bound on a Relay-Session-Id (it only makes a PADI
 * leave room for one of 12 bytes).  We echo it in PADO and PADS and bind
 * it into the cookie: one longer than this is refused (PPPOE_DROP_TAG)
 * rather than carried. */
#define PPPOE_RELAY_ID_MAX 64
/* The Broadband Forum's (ex ADSL Forum) IANA enterprise number: TR-101's
 * Vendor-Specific tag, and its sub-options. */
#define PPPOE_VENDOR_ADSL_FORUM 3561
#define PPPOE_TR101_CIRCUIT_ID 0x01
#define PPPOE_TR101_REMOTE_ID 0x02

enum pppoe_code {
	PPPOE_PADI = 0x09,
	PPPOE_PADO = 0x07,
	PPPOE_PADR = 0x19,
	PPPOE_PADS = 0x65,
	PPPOE_PADT = 0xa7,
};

enum pppoe_tag_type {
	PPPOE_TAG_END = 0x0000,
	PPPOE_TAG_SERVICE_NAME = 0x0101,
	PPPOE_TAG_AC_NAME = 0x0102,
	PPPOE_TAG_HOST_UNIQ = 0x0103,
	PPPOE_TAG_AC_COOKIE = 0x0104,
	PPPOE_TAG_VENDOR = 0x0105,
	PPPOE_TAG_RELAY_SESSION_ID = 0x0110,
	PPPOE_TAG_MAX_PAYLOAD = 0x0120,
	PPPOE_TAG_SERVICE_NAME_ERROR = 0x0201,
	PPPOE_TAG_AC_SYSTEM_ERROR = 0x0202,
	PPPOE_TAG_GENERIC_ERROR = 0x0203,
};

/* A tag's value: points into the frame; p is NULL when !present. */
struct pppoe_bytes {
	const uint8_t *p;
	uint16_t len;
	bool present;
};

/*
 * A parsed frame.  Of tags that may repeat, the first counts: the first
 * Service-Name (n_service_names says how many there were: RFC 2516 wants
 * exactly one in a PADI and a PADR), the first AC-Name, the first TR-101
 * Vendor-Specific tag.  A second Host-Uniq, AC-Cookie or Relay-Session-Id
 * drops the frame: which one would we echo?
 */
struct pppoe_msg {
	uint8_t dst[6], src[6];
	uint8_t code;
	uint16_t sid;
	struct pppoe_bytes service_name;   /* the first Service-Name tag; empty: any service */
	unsigned n_service_names;
	struct pppoe_bytes ac_name, host_uniq, cookie, relay_id;
	bool has_max_payload;              /* RFC 4638 PPP-Max-Payload, exactly 2 bytes */
	uint16_t max_payload;
	/* From the first Vendor-Specific tag of vendor 3561 (TR-101): its
	 * sub-options 0x01 (Agent-Circuit-Id) and 0x02 (Agent-Remote-Id),
	 * each at most 255 bytes and possibly empty.  Sub-options that run
	 * past their tag make both absent; the frame is still good. */
	struct pppoe_bytes circuit_id, remote_id;
	bool service_name_error, ac_system_error, generic_error;
};

enum pppoe_drop {
	PPPOE_OK = 0,
	PPPOE_DROP_SHORT,       /* under 14 + 6 bytes */
	PPPOE_DROP_ETHERTYPE,   /* not 0x8863 (a VLAN tag left in the frame, say) */
	PPPOE_DROP_VERTYPE,     /* version/type not 1/1 */
	PPPOE_DROP_LENGTH,      /* PPPoE length past the frame, or over PPPOE_PAYLOAD_MAX */
	PPPOE_DROP_TAG,         /* a tag past the payload; PPP-Max-Payload not 2 bytes;
	                           Relay-Session-Id over PPPOE_RELAY_ID_MAX */
	PPPOE_DROP_DUP_TAG,     /* a second Host-Uniq, AC-Cookie or Relay-Session-Id */
	PPPOE_DROP_CODE,        /* not one of the five discovery codes */
	PPPOE_DROP_SRC,         /* multicast, broadcast or all-zero source MAC */
	PPPOE_DROP_SID,         /* session id non-zero in PADI/PADO/PADR, zero in a PADT */
	PPPOE_DROP__MAX
};

/* "short", "ethertype", "ver-type", "length", "tag", "duplicate-tag",
 * "code", "source", "session-id" (and "ok"): stable names for counters and
 * logs.  "unknown" for a value outside the enum. */
const char *pppoe_drop_name(enum pppoe_drop d);

/* "PADI", "PADO", "PADR", "PADS", "PADT", or NULL for another code. */
const char *pppoe_code_name(uint8_t code);

/*
 * Parse frame (len bytes, from the Ethernet header on) into m.  Checked in
 * this order, the first failure is the answer: length for the headers,
 * ethertype, version/type, PPPoE length, code, source MAC, session id,
 * then the tags in order.  End-Of-List ends the tags; unknown tags are
 * skipped; empty values are valid.  The destination MAC is not checked:
 * whether a PADR was sent to us is the caller's question.
 * m is always written: on a drop other than PPPOE_DROP_SHORT its dst,
 * src, code and sid hold the header's values (for counting drops by code
 * and source); its tag fields are meaningful only with PPPOE_OK.
 */
enum pppoe_drop pppoe_parse(const uint8_t *frame, size_t len, struct pppoe_msg *m);

/* A frame being built: headers, then tags; buf[0 .. len) is the frame. */
struct pppoe_out {
	uint8_t buf[PPPOE_FRAME_MAX];
	size_t len;
};

/* Start a frame: Ethernet header (ethertype 0x8863), PPPoE header of
 * version/type 1/1 with code and sid, no tags yet. */
void pppoe_out_init(struct pppoe_out *o, const uint8_t dst[6], const uint8_t src[6], uint8_t code,
		    uint16_t sid);
/* Append a tag (val may be NULL when len is 0).  0, or -ENOSPC when the
 * frame would pass 1500 bytes of PPPoE (header and tags): o is unchanged
 * then. */
int pppoe_out_tag(struct pppoe_out *o, uint16_t type, const void *val, size_t len);
/* Append a tag holding a parsed value if it was present (echoing
 * Host-Uniq or Relay-Session-Id): 0 when absent, else pppoe_out_tag()'s. */
int pppoe_out_echo(struct pppoe_out *o, uint16_t type, const struct pppoe_bytes *b);
/* Write the PPPoE length field from the tags appended; call it last.
 * A frame under Ethernet's 60 bytes is left short: the NIC pads it. */
void pppoe_out_finish(struct pppoe_out *o);

#endif
