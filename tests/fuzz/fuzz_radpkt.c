/* Fuzz target: radpkt (RADIUS CoA/Disconnect datagrams, straight from the
 * network, before any authenticator is checked).
 * Invariants: never crash or read outside the datagram; a parsed packet's
 * lengths are within the datagram and its attributes tile the block
 * exactly; verification answers one of its documented values; checking
 * and both decoders agree (same error, same problem); the radattr list
 * respects radattr's limits; a reply to any parsed request signs, parses
 * back and verifies with the same secret and fails with another; the
 * repeat check (RFC 5176 §3.5) agrees with a count of its own and names
 * the first attribute over its limit; the typed readers accept exactly the
 * sizes of their types and read the bytes there.  Every parsed request
 * is decided by coa_decide() against a small session table: it names one
 * session or gives a NAK with an RFC 5176 cause and a reason, never both.
 * The first 64 bytes also go through the CoA replay cache's record and
 * header decoders (coa.h): a record that decodes encodes back to the same
 * bytes.
 * The dictionary is in memory (rc_read_dictionary_from_buffer: no file
 * I/O). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acd.h"
#include "coa.h"
#include "radattr.h"
#include "radpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char dict_text[] =
	"ATTRIBUTE User-Name 1 string\n"
	"ATTRIBUTE NAS-IP-Address 4 ipaddr\n"
	"ATTRIBUTE NAS-Port 5 integer\n"
	"ATTRIBUTE Service-Type 6 integer\n"
	"ATTRIBUTE Framed-IP-Address 8 ipaddr\n"
	"ATTRIBUTE Filter-Id 11 string\n"
	"ATTRIBUTE Class 25 string\n"
	"ATTRIBUTE Vendor-Specific 26 string\n"
	"ATTRIBUTE Session-Timeout 27 integer\n"
	"ATTRIBUTE Calling-Station-Id 31 string\n"
	"ATTRIBUTE NAS-Identifier 32 string\n"
	"ATTRIBUTE Proxy-State 33 string\n"
	"ATTRIBUTE Acct-Session-Id 44 string\n"
	"ATTRIBUTE Event-Timestamp 55 integer\n"
	"ATTRIBUTE Message-Authenticator 80 string\n"
	"ATTRIBUTE NAS-Port-Id 87 string\n"
	"ATTRIBUTE NAS-IPv6-Address 95 ipv6addr\n"
	"ATTRIBUTE Framed-IPv6-Prefix 97 ipv6prefix\n"
	"ATTRIBUTE Error-Cause 101 integer\n"
	"VALUE Service-Type Framed-User 2\n"
	"VENDOR RoaringPenguin 10055\n"
	"ATTRIBUTE RP-Upstream-Speed-Limit 1 integer RoaringPenguin\n"
	"ATTRIBUTE RP-Downstream-Speed-Limit 2 integer RoaringPenguin\n"
	"VENDOR Mikrotik 14988\n"
	"ATTRIBUTE Mikrotik-Rate-Limit 8 string Mikrotik\n"
	"VENDOR WISPr 14122\n"
	"ATTRIBUTE WISPr-Bandwidth-Max-Up 7 integer WISPr\n"
	"ATTRIBUTE WISPr-Bandwidth-Max-Down 8 integer WISPr\n";

static const char secret[] = "testing123";

static rc_handle *dict(void)
{
	static rc_handle *rh;

	if (!rh) {
		rh = rc_new();
		if (!rh || rc_read_dictionary_from_buffer(rh, dict_text, sizeof(dict_text) - 1) != 0)
			abort();
	}
	return rh;
}

/* The typed readers: true exactly at their type's size, the bytes as they are. */
static void check_readers(const struct radpkt_attr *a)
{
	uint8_t four[4], sixteen[16];
	char text[RADPKT_VALUE_MAX + 1];
	uint32_t u;

	if (radpkt_attr_u32(a, &u) != (a->len == 4) || radpkt_attr_ipv4(a, four) != (a->len == 4) ||
	    radpkt_attr_ipv6(a, sixteen) != (a->len == 16))
		abort();
	if (a->len == 4 && (u != ((uint32_t)a->value[0] << 24 | (uint32_t)a->value[1] << 16 |
				  (uint32_t)a->value[2] << 8 | a->value[3]) ||
			    memcmp(four, a->value, 4) != 0))
		abort();
	if (a->len == 16 && memcmp(sixteen, a->value, 16) != 0)
		abort();
	memcpy(text, a->value, a->len);
	text[a->len] = '\0';
	if (radpkt_attr_streq(a, text) != (strlen(text) == a->len))
		abort();
	if (a->len && radpkt_attr_streq(a, text + 1))
		abort();
}

static void check_parsed(const struct radpkt *p, const uint8_t *data, size_t size)
{
	struct radpkt_attr a;
	size_t off = 0, sum = 0;

	if (p->len < RADPKT_MIN_LEN || p->len > RADPKT_MAX_LEN || p->len > size ||
	    p->data != data || p->attrs_len != (size_t)p->len - RADPKT_HDR_LEN)
		abort();
	while (radpkt_attr_next(p, &off, &a) > 0) {
		if (a.value < data || a.value + a.len > data + p->len)
			abort();
		sum += 2u + a.len;
		check_readers(&a);
		if (a.type == RADPKT_ATTR_VENDOR_SPECIFIC) {
			struct radpkt_attr s;
			size_t voff = 0;
			int rc;

			while ((rc = radpkt_vsa_next(p, &a, &voff, &s)) > 0)
				if (s.value < a.value || s.value + s.len > a.value + a.len)
					abort();
			if (rc != 0 && rc != -EBADMSG)
				abort();
		}
	}
	if (sum != p->attrs_len)
		abort();
}

static void check_decode(const struct radpkt *p)
{
	const rc_handle *rh = dict();
	struct radpkt_problem p1, p2, p3;
	struct radattr_list l = { 0 };
	VALUE_PAIR *vp = NULL;
	int c, d, e;
	size_t i;

	c = radpkt_check_attrs(p, rh, &p1);
	d = radpkt_decode_radattr(p, rh, &l, &p2);
	e = radpkt_decode_pairs(p, rh, &vp, &p3);
	if (c != d || c != e || (c != 0 && c != -ENOTSUP && c != -EBADMSG))
		abort();
	if (c != 0) {
		if (l.count || l.attrs || vp || p1.err != c || !p1.what[0] ||
		    memcmp(&p1, &p2, sizeof(p1)) != 0 || memcmp(&p1, &p3, sizeof(p1)) != 0)
			abort();
		return;
	}
	for (i = 0; i < l.count; i++) {
		const struct radattr *a = &l.attrs[i];

		if (a->state != RADATTR_KNOWN || a->len != strlen(a->value) ||
		    a->len > RADPKT_VALUE_MAX || (i && a->line <= l.attrs[i - 1].line))
			abort();
	}
	radattr_free(&l);
	rc_avpair_free(vp);
}

static void check_reply(const struct radpkt *req)
{
	struct radpkt_builder b;
	struct radpkt rep;
	int n;

	if (radpkt_reply_init(&b, req, req->id & 1) != 0)
		abort();
	radpkt_add_error_cause(&b, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND);
	n = radpkt_finish(&b, secret, sizeof(secret) - 1);
	if (n == -EMSGSIZE)
		return; /* Proxy-State filled the reply */
	if (n < 0 || radpkt_parse(b.buf, (size_t)n, &rep) != 0 ||
	    rep.code != radpkt_reply_code(req->code, req->id & 1) || rep.id != req->id ||
	    radpkt_verify_reply(&rep, req->auth, secret, sizeof(secret) - 1) != 0 ||
	    radpkt_verify_ma(&rep, req->auth, secret, sizeof(secret) - 1) != RADPKT_MA_OK ||
	    radpkt_verify_reply(&rep, req->auth, "x", 1) != -EACCES)
		abort();
}

static void check_repeats(const struct radpkt *p)
{
	struct radpkt_problem prob;
	struct radpkt_attr a;
	unsigned n[256] = { 0 };
	size_t off = 0;
	int rc, over = -1;

	while (radpkt_attr_next(p, &off, &a) > 0)
		n[a.type]++;
	off = 0;
	while (over < 0 && radpkt_attr_next(p, &off, &a) > 0)
		if (n[a.type] > radpkt_request_max(a.type))
			over = a.type;
	rc = radpkt_check_repeats(p, &prob);
	if (over < 0 ? (rc != 0 || prob.err != 0)
		     : (rc != -EBADMSG || prob.type != over || prob.vendor != 0 || !prob.what[0]))
		abort();
}

/* A NAS with five sessions: two share a User-Name, one is gone. */
static struct acd *nas(void)
{
	static struct acd a;
	static struct session s[5];
	static const char *const user[5] = { "alice", "bob", "bob", "carol", "dave" };
	static bool done;
	unsigned i;

	if (done)
		return &a;
	done = true;
	config_defaults(&a.cfg);
	/* no system calls: NAS-IP-Address against this, not bind() */
	snprintf(a.cfg.nas_ip, sizeof(a.cfg.nas_ip), "192.0.2.1");
	snprintf(a.cfg.nas_identifier, sizeof(a.cfg.nas_identifier), "bras");
	a.rh = dict();
	for (i = 0; i < 5; i++) {
		snprintf(s[i].ifname, sizeof(s[i].ifname), "ppp%u", i);
		snprintf(s[i].user, sizeof(s[i].user), "%s", user[i]);
		snprintf(s[i].ip, sizeof(s[i].ip), "10.0.0.%u", i + 1);
		snprintf(s[i].mac, sizeof(s[i].mac), "02:00:00:00:00:0%u", i);
		snprintf(s[i].acct_session_id, sizeof(s[i].acct_session_id), "%016X", i + 1);
		s[i].radius_down = 1000000u * (i + 1);
		s[i].next = i ? &s[i - 1] : NULL;
	}
	s[3].gone = true;
	a.sess.list = &s[4];
	return &a;
}

static void check_decide(const struct radpkt *p)
{
	struct acd *a = nas();
	struct coa_decision d;

	coa_decide(a, p, &d);
	if (d.v.ack || strlen(d.v.why) >= sizeof(d.v.why) || strlen(d.src) >= sizeof(d.src))
		abort();
	if (d.s) {
		if (d.matches != 1 || d.v.cause || d.v.why[0] || d.s->gone ||
		    (p->code == RADPKT_COA_REQUEST) != (d.src[0] != '\0'))
			abort();
		return;
	}
	switch (d.v.cause) {
	case RADPKT_EC_UNSUPPORTED_ATTRIBUTE:
	case RADPKT_EC_MISSING_ATTRIBUTE:
	case RADPKT_EC_NAS_IDENTIFICATION_MISMATCH:
	case RADPKT_EC_INVALID_REQUEST:
	case RADPKT_EC_UNSUPPORTED_SERVICE:
	case RADPKT_EC_INVALID_ATTRIBUTE_VALUE:
	case RADPKT_EC_SESSION_CONTEXT_NOT_FOUND:
	case RADPKT_EC_MULTIPLE_SESSION_SELECTION_UNSUPPORTED:
		break;
	default:
		abort();
	}
	if (!d.v.why[0] || (d.v.cause == RADPKT_EC_MULTIPLE_SESSION_SELECTION_UNSUPPORTED) != (d.matches > 1))
		abort();
}

static void check_cache_record(const uint8_t *data, size_t size)
{
	uint8_t in[COA_REC_LEN] = { 0 }, out[COA_REC_LEN];
	struct coa_rec r;
	char why[160];
	int rc;

	memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	rc = coa_rec_decode(in, &r);
	if (rc < -EBADMSG || rc > 1 || (rc != 1 && r.seq != 0))
		abort();
	if (rc == 1) {
		coa_rec_encode(&r, out);
		if (memcmp(in, out, sizeof(in)) != 0 || (r.family != 4 && r.family != 6))
			abort();
	}
	rc = coa_header_check(in, COA_CACHE_SLOTS, why, sizeof(why));
	if (rc != 0 && (rc != -EBADMSG || !why[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct radpkt p;
	enum radpkt_ma ma;
	int rc;

	check_cache_record(data, size);
	rc = radpkt_parse(data, size, &p);
	if (rc == -EBADMSG)
		return 0;
	if (rc != 0 && rc != -EPROTONOSUPPORT)
		abort();
	check_parsed(&p, data, size);
	if (rc != 0)
		return 0;
	rc = radpkt_verify_request(&p, secret, sizeof(secret) - 1);
	if (radpkt_is_request(p.code) ? (rc != 0 && rc != -EACCES) : rc != -EPROTONOSUPPORT)
		abort();
	ma = radpkt_verify_ma(&p, NULL, secret, sizeof(secret) - 1);
	if (ma > RADPKT_MA_MALFORMED)
		abort();
	check_decode(&p);
	check_repeats(&p);
	if (radpkt_is_request(p.code)) {
		check_reply(&p);
		check_decide(&p);
	}
	return 0;
}
