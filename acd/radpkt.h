/*
 * radpkt.h - RADIUS packets for Dynamic Authorization (RFC 5176): parse,
 * verify, decode and build, with no I/O (so every piece can be fuzzed and
 * unit-tested; acd/coa.c owns the socket).
 *
 * Packets (RFC 2865 §3):
 *
 *   code(1) id(1) length(2) authenticator(16) attributes(length - 20)
 *
 * Codes handled: Disconnect-Request 40, -ACK 41, -NAK 42; CoA-Request 43,
 * -ACK 44, -NAK 45.  Everything else is refused by radpkt_parse(): acd's
 * CoA port answers nothing but these.
 *
 * Authenticators, as FreeRADIUS's radclient computes them (proved against
 * a captured radclient packet in tests/unit/test_radpkt.c and end to end
 * in tests/coa/):
 *
 *   Request Authenticator (RFC 5176 §3, as Accounting-Request, RFC 2866):
 *     MD5(code | id | length | 16 zero octets | attributes | secret)
 *     over the attributes AS SENT, Message-Authenticator value included.
 *   Message-Authenticator of a request (RFC 5176 §3.1, RFC 3579 §3.2):
 *     HMAC-MD5(secret, code | id | length | 16 zero octets | attributes)
 *     with the Message-Authenticator value taken as 16 zero octets.  The
 *     authenticator field is ZERO here, not the request authenticator:
 *     the sender computes the HMAC first and the request authenticator
 *     over the result.
 *   Message-Authenticator of a reply: the same HMAC with the REQUEST's
 *     authenticator in the authenticator field.
 *   Response Authenticator (RFC 2865 §3, RFC 5176 §3):
 *     MD5(code | id | length | request authenticator | attributes | secret)
 *     over the attributes as sent (Message-Authenticator value included).
 *
 * Every comparison of an authenticator is constant-time.  Secrets are
 * bytes (a length, not a C string) and are never logged or copied into a
 * message; key-derived hash state is wiped after use.
 *
 * Errors are negative errno values; radpkt_strerror() names them in
 * RADIUS terms:
 *   -EBADMSG          malformed: bad length field, attribute length < 2
 *                     or past the end, broken Vendor-Specific, a value of
 *                     the wrong size for its dictionary type
 *   -EMSGSIZE         a built packet would exceed 4096 bytes, or a value
 *                     exceeds 253 bytes
 *   -EPROTONOSUPPORT  a packet code radpkt does not handle
 *   -EACCES           an authenticator does not match (wrong secret or a
 *                     forged/corrupted packet)
 *   -ENOTSUP          an attribute the dictionary does not know
 *   -EINVAL           bad arguments (an empty secret included)
 *   -ENOMEM
 */
#ifndef ACD_RADPKT_H
#define ACD_RADPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <radcli/radcli.h>

#include "radattr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RADPKT_HDR_LEN    20u
#define RADPKT_MIN_LEN    20u
#define RADPKT_MAX_LEN    4096u
#define RADPKT_AUTH_LEN   16u
#define RADPKT_VALUE_MAX  253u  /* one attribute's value */

enum radpkt_code {
	RADPKT_DISCONNECT_REQUEST = 40,
	RADPKT_DISCONNECT_ACK = 41,
	RADPKT_DISCONNECT_NAK = 42,
	RADPKT_COA_REQUEST = 43,
	RADPKT_COA_ACK = 44,
	RADPKT_COA_NAK = 45,
};

/*
 * Attribute numbers that acd names in code (RFC 2865, 2866, 2869, 3162,
 * 5176): those this module treats specially and those the CoA server
 * reads.  Every other attribute is known by the dictionary alone.
 */
enum {
	RADPKT_ATTR_USER_NAME = 1,
	RADPKT_ATTR_NAS_IP_ADDRESS = 4,
	RADPKT_ATTR_NAS_PORT = 5,
	RADPKT_ATTR_SERVICE_TYPE = 6,
	RADPKT_ATTR_FRAMED_IP_ADDRESS = 8,
	RADPKT_ATTR_FILTER_ID = 11,
	RADPKT_ATTR_REPLY_MESSAGE = 18,
	RADPKT_ATTR_STATE = 24,
	RADPKT_ATTR_VENDOR_SPECIFIC = 26,
	RADPKT_ATTR_CALLING_STATION_ID = 31,
	RADPKT_ATTR_NAS_IDENTIFIER = 32,
	RADPKT_ATTR_PROXY_STATE = 33,          /* copied into replies (RFC 2865 §5.33) */
	RADPKT_ATTR_ACCT_SESSION_ID = 44,
	RADPKT_ATTR_ACCT_TERMINATE_CAUSE = 49,
	RADPKT_ATTR_EVENT_TIMESTAMP = 55,
	RADPKT_ATTR_MESSAGE_AUTHENTICATOR = 80,
	RADPKT_ATTR_NAS_PORT_ID = 87,
	RADPKT_ATTR_NAS_IPV6_ADDRESS = 95,
	RADPKT_ATTR_FRAMED_IPV6_PREFIX = 97,
	RADPKT_ATTR_ERROR_CAUSE = 101,
};

/* Service-Type (RFC 2865 §5.6) Authorize-Only (RFC 5176 §3.2) */
#define RADPKT_SERVICE_AUTHORIZE_ONLY 17u

/* Error-Cause values (RFC 5176 §3.6) the CoA server is expected to send. */
enum radpkt_error_cause {
	RADPKT_EC_RESIDUAL_SESSION_REMOVED = 201,
	RADPKT_EC_UNSUPPORTED_ATTRIBUTE = 401,
	RADPKT_EC_MISSING_ATTRIBUTE = 402,
	RADPKT_EC_NAS_IDENTIFICATION_MISMATCH = 403,
	RADPKT_EC_INVALID_REQUEST = 404,
	RADPKT_EC_UNSUPPORTED_SERVICE = 405,
	RADPKT_EC_UNSUPPORTED_EXTENSION = 406,
	RADPKT_EC_INVALID_ATTRIBUTE_VALUE = 407,
	RADPKT_EC_ADMINISTRATIVELY_PROHIBITED = 501,
	RADPKT_EC_REQUEST_NOT_ROUTABLE = 502,
	RADPKT_EC_SESSION_CONTEXT_NOT_FOUND = 503,
	RADPKT_EC_SESSION_CONTEXT_NOT_REMOVABLE = 504,
	RADPKT_EC_OTHER_PROXY_PROCESSING_ERROR = 505,
	RADPKT_EC_RESOURCES_UNAVAILABLE = 506,
	RADPKT_EC_REQUEST_INITIATED = 507,
	RADPKT_EC_MULTIPLE_SESSION_SELECTION_UNSUPPORTED = 508,
};

/*
 * A received packet: a view into the caller's buffer, which must outlive
 * it.  Every length in it has been checked against the datagram.
 */
struct radpkt {
	uint8_t code;
	uint8_t id;
	uint16_t len;              /* the length field: header + attributes */
	const uint8_t *data;       /* the packet, len bytes (trailing datagram bytes cut) */
	const uint8_t *auth;       /* data + 4, RADPKT_AUTH_LEN bytes */
	const uint8_t *attrs;      /* data + 20 */
	size_t attrs_len;          /* len - 20 */
};

/* One attribute.  For a top-level attribute vendor is 0 and type is its
 * number; inside a Vendor-Specific, vendor is the PEN and type the
 * vendor's number. */
struct radpkt_attr {
	uint32_t vendor;
	uint8_t type;
	uint8_t len;               /* of the value */
	const uint8_t *value;
	size_t offset;             /* of the attribute's first byte in the packet */
};

/*
 * Check a received datagram (RFC 2865 §3) and describe it in *p.  The
 * length field must be 20..4096 and no more than n (a shorter datagram
 * is an error: the packet was truncated); bytes after it are padding and
 * ignored, as the RFC says.  Every attribute must have a length >= 2 that
 * ends inside the packet, so later walks cannot overrun.  Only the codes
 * of enum radpkt_code are accepted (-EPROTONOSUPPORT, with *p filled so
 * the caller can count what it dropped).  No cryptography here: call a
 * verify function before believing anything in it.
 * Returns 0, -EBADMSG, -EPROTONOSUPPORT or -EINVAL.
 */
int radpkt_parse(const void *buf, size_t n, struct radpkt *p);

/* True for Disconnect-Request and CoA-Request. */
bool radpkt_is_request(uint8_t code);

/*
 * The code of the reply to a request code: ack ? 41 : 42 for a
 * Disconnect-Request, 44/45 for a CoA-Request; 0 for any other code.
 */
uint8_t radpkt_reply_code(uint8_t request_code, bool ack);

/*
 * Walk the top-level attributes of a parsed packet:
 *   size_t off = 0; struct radpkt_attr a;
 *   while (radpkt_attr_next(p, &off, &a) > 0) ...
 * Returns 1 with *a filled, 0 at the end.  Safe without further checks
 * because radpkt_parse() validated every length.
 */
int radpkt_attr_next(const struct radpkt *p, size_t *off, struct radpkt_attr *a);

/*
 * The sub-attributes of a Vendor-Specific attribute in the RFC 2865 §5.26
 * layout (vendor-type(1) vendor-length(1) value), which every vendor in
 * radius-dict/ uses:
 *   size_t off = 0; struct radpkt_attr s;
 *   while ((rc = radpkt_vsa_next(p, &vsa, &off, &s)) > 0) ...
 * Returns 1 with *s filled (vendor set, offset in the packet), 0 at the
 * end, -EBADMSG when the VSA is shorter than its vendor id, or a
 * sub-attribute's length is < 2 or runs past the VSA (the VSA is not in
 * that layout).  -EINVAL when vsa is not a Vendor-Specific.
 */
int radpkt_vsa_next(const struct radpkt *p, const struct radpkt_attr *vsa, size_t *off,
		    struct radpkt_attr *s);

/*
 * The first top-level attribute of this type, or false.  For the
 * session-identifying attributes the CoA server matches (User-Name,
 * Acct-Session-Id, Framed-IP-Address, ...), whose raw bytes matter more
 * than their dictionary form.
 */
bool radpkt_attr_find(const struct radpkt *p, uint8_t type, struct radpkt_attr *a);

/*
 * Read an attribute's value as its dictionary type says, with the size
 * that type demands (RFC 2865 §5): false, and *out untouched, for any
 * other size.  radpkt_attr_u32: integer, date (Event-Timestamp) or an
 * IPv4 address, network order in, host order out.  radpkt_attr_ipv4 and
 * radpkt_attr_ipv6 copy the 4 or 16 address bytes as they are (network
 * order, as struct in_addr and in6_addr hold them).
 */
bool radpkt_attr_u32(const struct radpkt_attr *a, uint32_t *out);
bool radpkt_attr_ipv4(const struct radpkt_attr *a, uint8_t out[4]);
bool radpkt_attr_ipv6(const struct radpkt_attr *a, uint8_t out[16]);

/* Is a string attribute's value exactly the bytes of s (no NUL)? */
bool radpkt_attr_streq(const struct radpkt_attr *a, const char *s);

/*
 * Verify the Request Authenticator of a Disconnect- or CoA-Request
 * (RFC 5176 §3).  This is the check that the sender knows the secret;
 * a failure must be a silent drop (RFC 5176 §3).
 * Returns 0, -EACCES (mismatch), -EPROTONOSUPPORT (not a request code),
 * -EINVAL (empty secret).
 */
int radpkt_verify_request(const struct radpkt *p, const void *secret, size_t secret_len);

/*
 * Verify the Response Authenticator of a reply to the request whose
 * authenticator was req_auth (for tests, the load generator, and clients
 * of our own).  Does not look at the code, so RFC 2865's Access-Accept
 * example verifies too.  Returns 0, -EACCES or -EINVAL.
 */
int radpkt_verify_reply(const struct radpkt *p, const uint8_t req_auth[RADPKT_AUTH_LEN],
			const void *secret, size_t secret_len);

enum radpkt_ma {
	RADPKT_MA_ABSENT = 0,   /* no Message-Authenticator */
	RADPKT_MA_OK,           /* exactly one, 16 octets, HMAC matches */
	RADPKT_MA_BAD,          /* exactly one, 16 octets, HMAC differs: drop */
	RADPKT_MA_MALFORMED,    /* wrong length or more than one (RFC 3579 §3.2: drop) */
};

/*
 * Verify the Message-Authenticator (RFC 3579 §3.2, RFC 5176 §3.1).
 * req_auth NULL: p is a request, the authenticator field counts as 16
 * zero octets; otherwise p is a reply to the request with that
 * authenticator.  Whether ABSENT is acceptable is the caller's policy
 * (acd's config can require one).  With an empty secret: MA_BAD.
 */
enum radpkt_ma radpkt_verify_ma(const struct radpkt *p, const uint8_t *req_auth,
				const void *secret, size_t secret_len);

/* "absent", "ok", "bad", "malformed" (for logs and counters). */
const char *radpkt_ma_name(enum radpkt_ma m);

/*
 * Building a packet.  Add attributes, then radpkt_finish().  Errors are
 * sticky: the first failing add is remembered (b->err), later adds do
 * nothing, and radpkt_finish() returns it, so a builder can be filled
 * without checking every call.
 */
struct radpkt_builder {
	uint8_t buf[RADPKT_MAX_LEN];
	size_t len;                       /* bytes used so far */
	uint8_t req_auth[RADPKT_AUTH_LEN]; /* replies: the request's authenticator */
	bool is_reply;
	int err;                          /* 0 or the first error */
};

/*
 * Start a request (Disconnect-Request or CoA-Request, for tests and the
 * load generator).  Returns 0 or -EPROTONOSUPPORT (also kept in b->err).
 */
int radpkt_request_init(struct radpkt_builder *b, uint8_t code, uint8_t id);

/*
 * Start the ACK or NAK to a parsed (and verified) request: code from the
 * request's, same id, and the request's Proxy-State attributes copied in
 * order (RFC 2865 §5.33 and RFC 5176 §3 require them back unchanged).
 * Returns 0, -EPROTONOSUPPORT (req is not a request) or -EINVAL.
 */
int radpkt_reply_init(struct radpkt_builder *b, const struct radpkt *req, bool ack);

/*
 * Append a standard attribute (0..253 bytes of value; RFC 2865 forbids
 * empty strings, but refusing them is the caller's decision).  Message-
 * Authenticator is refused (-EINVAL): radpkt_finish() adds exactly one.
 * Returns 0 or the sticky error (-EMSGSIZE when the packet would exceed
 * 4096 bytes or the value 253).
 */
int radpkt_add(struct radpkt_builder *b, uint8_t type, const void *value, size_t len);

/* A 32-bit integer, date or IPv4 address (host order in, network order out). */
int radpkt_add_u32(struct radpkt_builder *b, uint8_t type, uint32_t v);

/* A string attribute from a C string (its bytes, no NUL). */
int radpkt_add_str(struct radpkt_builder *b, uint8_t type, const char *s);

/*
 * A Vendor-Specific attribute holding one sub-attribute in the RFC 2865
 * §5.26 layout (value at most 247 bytes).  Same returns as radpkt_add().
 */
int radpkt_add_vsa(struct radpkt_builder *b, uint32_t vendor, uint8_t type,
		   const void *value, size_t len);
int radpkt_add_vsa_u32(struct radpkt_builder *b, uint32_t vendor, uint8_t type, uint32_t v);

/* Error-Cause (RFC 5176 §3.6) for a NAK (or 201 in an ACK). */
int radpkt_add_error_cause(struct radpkt_builder *b, uint32_t cause);

/*
 * Finish the packet: append a Message-Authenticator (always: RFC 5176
 * §3.1 allows it on every packet, and it guards replies against the
 * Blast-RADIUS class of forgery), set the length, compute the HMAC and
 * then the Request or Response Authenticator as described at the top.
 * The packet is b->buf, b->len bytes.  Returns the length, or the sticky
 * error, -EMSGSIZE when the Message-Authenticator does not fit, -EINVAL
 * for an empty secret.  Finishing twice is -EINVAL.
 */
int radpkt_finish(struct radpkt_builder *b, const void *secret, size_t secret_len);

/*
 * Where an attribute block fails decoding: the attribute (vendor 0 for
 * a standard one), its offset in the packet, and the error.  The CoA
 * server turns -ENOTSUP into Error-Cause 401 and -EBADMSG into 404/407.
 */
struct radpkt_problem {
	int err;           /* 0, -ENOTSUP or -EBADMSG */
	uint32_t vendor;
	uint8_t type;
	size_t offset;
	char what[96];     /* for logs: "unknown attribute 26/9/1", no value bytes */
};

/*
 * Check every attribute (Vendor-Specific sub-attributes included) against
 * the dictionary: it must be known (-ENOTSUP: unknown attribute, or a
 * VSA of an unknown vendor), and its value must have the size its type
 * demands (integer/ipaddr/date 4, ipv6addr 16, ipv6prefix 2..18 with a
 * prefix length <= 128, string 1..253; -EBADMSG).  The first failure is
 * described in *prob (may be NULL).  Message-Authenticator and
 * Proxy-State are exempt: they are protocol, not policy.  Returns 0 or
 * the error, -EINVAL without a dictionary.
 */
int radpkt_check_attrs(const struct radpkt *p, const rc_handle *rh, struct radpkt_problem *prob);

/*
 * Decode the attributes into a radcli VALUE_PAIR list (packet order) with
 * rc_avpair_gen().  radcli 1.2.11 silently skips what it does not know
 * and keeps a zero-valued pair for a malformed integer, so the block is
 * run through radpkt_check_attrs() first and refused as a whole on any
 * problem.  Free *out with rc_avpair_free().  Returns 0 (*out may be
 * NULL for a packet with no attributes), the check's error, -ENOMEM.
 */
int radpkt_decode_pairs(const struct radpkt *p, const rc_handle *rh, VALUE_PAIR **out,
			struct radpkt_problem *prob);

/*
 * Decode the attributes into acd's radattr list, the values written the
 * way pppd's radattr.so writes them so policy_from_attrs() reads a CoA
 * exactly as it reads /var/run/radattr.pppN: dictionary names; integers
 * as the VALUE name when the dictionary has one, else "%d" of the
 * 32-bit value (negative above 2^31-1); IPv4 dotted quad; IPv6 as
 * inet_ntop() text, prefixes "addr/len"; strings raw, cut at the first
 * NUL as pppd does.  Message-Authenticator and Proxy-State are left out.
 * line is the attribute's 1-based position in the packet (VSA
 * sub-attributes count one each), for policy warnings.  Same checks and
 * returns as radpkt_decode_pairs(); *out must be zero-initialised (it is
 * emptied on error).
 */
int radpkt_decode_radattr(const struct radpkt *p, const rc_handle *rh,
			  struct radattr_list *out, struct radpkt_problem *prob);

/*
 * RFC 5176 §3.5 ("Table of Attributes"): how many times attribute type may
 * appear in a Disconnect- or CoA-Request.  1 for every attribute either
 * table marks 0-1 (User-Name, NAS-IP-Address, NAS-Port, Service-Type,
 * Framed-IP-Address, State, Calling-Station-Id, NAS-Identifier,
 * Acct-Session-Id, Acct-Terminate-Cause, Event-Timestamp,
 * Message-Authenticator, NAS-Port-Id, NAS-IPv6-Address, ...) or 0
 * (Originating-Line-Info, Error-Cause: at most one is then the least of
 * the faults); RADPKT_ANY for those marked 0+ (Filter-Id, Reply-Message,
 * Class, Vendor-Specific, Proxy-State, ...) and for types the tables do
 * not list (whether those are supported at all is the caller's decision).
 */
#define RADPKT_ANY 0xffffu
unsigned radpkt_request_max(uint8_t type);

/*
 * The first top-level attribute of a request that appears more often than
 * radpkt_request_max() allows: -EBADMSG with *prob naming it ("User-Name
 * (attribute 1) 250 times; RFC 5176 allows at most one"), else 0.  RFC 5176
 * §3.6 names the Error-Cause for it: 404 Invalid-Request.  Needs no
 * dictionary: the names come from the RFC's table.
 */
int radpkt_check_repeats(const struct radpkt *p, struct radpkt_problem *prob);

/* A short text for a radpkt error code (negative or positive errno). */
const char *radpkt_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* ACD_RADPKT_H */
