/*
 * radpkt.c - RADIUS Dynamic Authorization packets (see radpkt.h).
 *
 * Nothing here reads a socket or a file: parsing, verifying, decoding and
 * building all work on caller buffers.  MD5 and HMAC-MD5 come from nettle;
 * radcli contributes only its dictionary and rc_avpair_gen().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/memops.h>

#include "radpkt.h"

static const uint8_t zero16[RADPKT_AUTH_LEN];

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static bool code_known(uint8_t code)
{
	return code >= RADPKT_DISCONNECT_REQUEST && code <= RADPKT_COA_NAK;
}

bool radpkt_is_request(uint8_t code)
{
	return code == RADPKT_DISCONNECT_REQUEST || code == RADPKT_COA_REQUEST;
}

uint8_t radpkt_reply_code(uint8_t request_code, bool ack)
{
	switch (request_code) {
	case RADPKT_DISCONNECT_REQUEST:
		return ack ? RADPKT_DISCONNECT_ACK : RADPKT_DISCONNECT_NAK;
	case RADPKT_COA_REQUEST:
		return ack ? RADPKT_COA_ACK : RADPKT_COA_NAK;
	default:
		return 0;
	}
}

/* ---- parsing ---- */

int radpkt_parse(const void *buf, size_t n, struct radpkt *p)
{
	const uint8_t *d = buf;
	size_t len, off;

	if (!p || (!buf && n))
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	if (n < RADPKT_HDR_LEN)
		return -EBADMSG;
	len = get16(d + 2);
	/* A length field beyond the datagram means a truncated packet
	 * (RFC 2865 §3: silently discard); below 20 or above 4096 is not a
	 * RADIUS packet at all. */
	if (len < RADPKT_MIN_LEN || len > RADPKT_MAX_LEN || len > n)
		return -EBADMSG;
	for (off = RADPKT_HDR_LEN; off < len;) {
		size_t alen;

		if (len - off < 2)
			return -EBADMSG;
		alen = d[off + 1];
		if (alen < 2 || alen > len - off)
			return -EBADMSG;
		off += alen;
	}
	p->code = d[0];
	p->id = d[1];
	p->len = (uint16_t)len;
	p->data = d;
	p->auth = d + 4;
	p->attrs = d + RADPKT_HDR_LEN;
	p->attrs_len = len - RADPKT_HDR_LEN;
	if (!code_known(p->code))
		return -EPROTONOSUPPORT;
	return 0;
}

int radpkt_attr_next(const struct radpkt *p, size_t *off, struct radpkt_attr *a)
{
	const uint8_t *q;

	if (!p || !off || !a || !p->attrs || *off + 2 > p->attrs_len)
		return 0;
	q = p->attrs + *off;
	/* radpkt_parse() checked these; re-check so a hand-made view cannot
	 * walk off the end either. */
	if (q[1] < 2 || q[1] > p->attrs_len - *off)
		return 0;
	a->vendor = 0;
	a->type = q[0];
	a->len = (uint8_t)(q[1] - 2);
	a->value = q + 2;
	a->offset = RADPKT_HDR_LEN + *off;
	*off += q[1];
	return 1;
}

int radpkt_vsa_next(const struct radpkt *p, const struct radpkt_attr *vsa, size_t *off,
		    struct radpkt_attr *s)
{
	const uint8_t *q;
	size_t rest;

	if (!p || !vsa || !off || !s || vsa->vendor != 0 ||
	    vsa->type != RADPKT_ATTR_VENDOR_SPECIFIC)
		return -EINVAL;
	if (vsa->len < 4)
		return -EBADMSG;
	if (*off == 0)
		*off = 4;
	if (*off >= vsa->len)
		return 0;
	rest = vsa->len - *off;
	q = vsa->value + *off;
	if (rest < 2 || q[1] < 2 || q[1] > rest)
		return -EBADMSG;
	s->vendor = get32(vsa->value);
	s->type = q[0];
	s->len = (uint8_t)(q[1] - 2);
	s->value = q + 2;
	s->offset = vsa->offset + 2 + *off;
	*off += q[1];
	return 1;
}

bool radpkt_attr_find(const struct radpkt *p, uint8_t type, struct radpkt_attr *a)
{
	size_t off = 0;

	while (radpkt_attr_next(p, &off, a) > 0)
		if (a->type == type)
			return true;
	return false;
}

bool radpkt_attr_u32(const struct radpkt_attr *a, uint32_t *out)
{
	if (!a || a->len != 4 || !a->value)
		return false;
	*out = get32(a->value);
	return true;
}

bool radpkt_attr_ipv4(const struct radpkt_attr *a, uint8_t out[4])
{
	if (!a || a->len != 4 || !a->value)
		return false;
	memcpy(out, a->value, 4);
	return true;
}

bool radpkt_attr_ipv6(const struct radpkt_attr *a, uint8_t out[16])
{
	if (!a || a->len != 16 || !a->value)
		return false;
	memcpy(out, a->value, 16);
	return true;
}

bool radpkt_attr_streq(const struct radpkt_attr *a, const char *s)
{
	return a && s && strlen(s) == a->len && (a->len == 0 || memcmp(s, a->value, a->len) == 0);
}

/* ---- authenticators ---- */

/*
 * MD5(code | id | length | auth | attributes | secret): the Request
 * Authenticator with auth = zeros, the Response Authenticator with auth =
 * the request's.
 */
static void packet_md5(const struct radpkt *p, const uint8_t *auth, const void *secret,
		       size_t secret_len, uint8_t out[RADPKT_AUTH_LEN])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, 4, p->data);
	md5_update(&c, RADPKT_AUTH_LEN, auth);
	md5_update(&c, p->attrs_len, p->attrs);
	md5_update(&c, secret_len, secret);
	md5_digest(&c, RADPKT_AUTH_LEN, out);
	explicit_bzero(&c, sizeof(c)); /* it has hashed the secret */
}

int radpkt_verify_request(const struct radpkt *p, const void *secret, size_t secret_len)
{
	uint8_t want[RADPKT_AUTH_LEN];
	int ok;

	if (!p || !p->data || !secret || !secret_len)
		return -EINVAL;
	if (!radpkt_is_request(p->code))
		return -EPROTONOSUPPORT;
	packet_md5(p, zero16, secret, secret_len, want);
	ok = memeql_sec(want, p->auth, RADPKT_AUTH_LEN);
	return ok ? 0 : -EACCES;
}

int radpkt_verify_reply(const struct radpkt *p, const uint8_t req_auth[RADPKT_AUTH_LEN],
			const void *secret, size_t secret_len)
{
	uint8_t want[RADPKT_AUTH_LEN];

	if (!p || !p->data || !req_auth || !secret || !secret_len)
		return -EINVAL;
	packet_md5(p, req_auth, secret, secret_len, want);
	return memeql_sec(want, p->auth, RADPKT_AUTH_LEN) ? 0 : -EACCES;
}

/*
 * HMAC-MD5 over the packet with the authenticator field replaced by auth
 * and the 16 octets at ma_value (offset into the packet) taken as zeros.
 */
static void packet_hmac(const struct radpkt *p, const uint8_t *auth, size_t ma_value,
			const void *secret, size_t secret_len, uint8_t out[RADPKT_AUTH_LEN])
{
	struct hmac_md5_ctx c;

	hmac_md5_set_key(&c, secret_len, secret);
	hmac_md5_update(&c, 4, p->data);
	hmac_md5_update(&c, RADPKT_AUTH_LEN, auth);
	hmac_md5_update(&c, ma_value - RADPKT_HDR_LEN, p->attrs);
	hmac_md5_update(&c, RADPKT_AUTH_LEN, zero16);
	hmac_md5_update(&c, p->len - ma_value - RADPKT_AUTH_LEN, p->data + ma_value + RADPKT_AUTH_LEN);
	hmac_md5_digest(&c, RADPKT_AUTH_LEN, out);
	explicit_bzero(&c, sizeof(c));
}

enum radpkt_ma radpkt_verify_ma(const struct radpkt *p, const uint8_t *req_auth,
				const void *secret, size_t secret_len)
{
	struct radpkt_attr a, ma = { 0 };
	uint8_t want[RADPKT_AUTH_LEN];
	size_t off = 0;
	unsigned count = 0;
	bool bad_len = false;

	if (!p || !p->data)
		return RADPKT_MA_MALFORMED;
	while (radpkt_attr_next(p, &off, &a) > 0) {
		if (a.type != RADPKT_ATTR_MESSAGE_AUTHENTICATOR)
			continue;
		if (a.len != RADPKT_AUTH_LEN)
			bad_len = true;
		ma = a;
		count++;
	}
	if (count == 0)
		return RADPKT_MA_ABSENT;
	if (count > 1 || bad_len)
		return RADPKT_MA_MALFORMED;
	if (!secret || !secret_len)
		return RADPKT_MA_BAD;
	packet_hmac(p, req_auth ? req_auth : zero16, ma.offset + 2, secret, secret_len, want);
	return memeql_sec(want, ma.value, RADPKT_AUTH_LEN) ? RADPKT_MA_OK : RADPKT_MA_BAD;
}

const char *radpkt_ma_name(enum radpkt_ma m)
{
	switch (m) {
	case RADPKT_MA_ABSENT:
		return "absent";
	case RADPKT_MA_OK:
		return "ok";
	case RADPKT_MA_BAD:
		return "bad";
	case RADPKT_MA_MALFORMED:
		return "malformed";
	}
	return "?";
}

/* ---- building ---- */

static int fail(struct radpkt_builder *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

static void header(struct radpkt_builder *b, uint8_t code, uint8_t id)
{
	memset(b, 0, sizeof(*b));
	b->buf[0] = code;
	b->buf[1] = id;
	b->len = RADPKT_HDR_LEN;
}

int radpkt_request_init(struct radpkt_builder *b, uint8_t code, uint8_t id)
{
	if (!b)
		return -EINVAL;
	header(b, code, id);
	if (!radpkt_is_request(code))
		return fail(b, -EPROTONOSUPPORT);
	return 0;
}

/* Append type|len|value without the Message-Authenticator guard. */
static int put(struct radpkt_builder *b, uint8_t type, const void *value, size_t len)
{
	if (b->err)
		return b->err;
	if (len > RADPKT_VALUE_MAX || b->len + 2 + len > RADPKT_MAX_LEN)
		return fail(b, -EMSGSIZE);
	if (len && !value)
		return fail(b, -EINVAL);
	b->buf[b->len] = type;
	b->buf[b->len + 1] = (uint8_t)(2 + len);
	if (len)
		memcpy(b->buf + b->len + 2, value, len);
	b->len += 2 + len;
	return 0;
}

int radpkt_reply_init(struct radpkt_builder *b, const struct radpkt *req, bool ack)
{
	struct radpkt_attr a;
	size_t off = 0;

	if (!b)
		return -EINVAL;
	if (!req || !req->data) {
		header(b, 0, 0);
		return fail(b, -EINVAL);
	}
	header(b, radpkt_reply_code(req->code, ack), req->id);
	if (!radpkt_is_request(req->code))
		return fail(b, -EPROTONOSUPPORT);
	memcpy(b->req_auth, req->auth, RADPKT_AUTH_LEN);
	b->is_reply = true;
	while (radpkt_attr_next(req, &off, &a) > 0)
		if (a.type == RADPKT_ATTR_PROXY_STATE)
			put(b, a.type, a.value, a.len);
	return b->err;
}

int radpkt_add(struct radpkt_builder *b, uint8_t type, const void *value, size_t len)
{
	if (!b)
		return -EINVAL;
	if (type == RADPKT_ATTR_MESSAGE_AUTHENTICATOR)
		return fail(b, -EINVAL);
	return put(b, type, value, len);
}

int radpkt_add_u32(struct radpkt_builder *b, uint8_t type, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	return radpkt_add(b, type, x, sizeof(x));
}

int radpkt_add_str(struct radpkt_builder *b, uint8_t type, const char *s)
{
	if (!s)
		return b ? fail(b, -EINVAL) : -EINVAL;
	return radpkt_add(b, type, s, strlen(s));
}

int radpkt_add_vsa(struct radpkt_builder *b, uint32_t vendor, uint8_t type,
		   const void *value, size_t len)
{
	uint8_t x[RADPKT_VALUE_MAX];

	if (!b)
		return -EINVAL;
	if (len > RADPKT_VALUE_MAX - 6)
		return fail(b, -EMSGSIZE);
	if (len && !value)
		return fail(b, -EINVAL);
	put32(x, vendor);
	x[4] = type;
	x[5] = (uint8_t)(2 + len);
	if (len)
		memcpy(x + 6, value, len);
	return put(b, RADPKT_ATTR_VENDOR_SPECIFIC, x, 6 + len);
}

int radpkt_add_vsa_u32(struct radpkt_builder *b, uint32_t vendor, uint8_t type, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	return radpkt_add_vsa(b, vendor, type, x, sizeof(x));
}

int radpkt_add_error_cause(struct radpkt_builder *b, uint32_t cause)
{
	return radpkt_add_u32(b, RADPKT_ATTR_ERROR_CAUSE, cause);
}

int radpkt_finish(struct radpkt_builder *b, const void *secret, size_t secret_len)
{
	struct radpkt view;
	uint8_t digest[RADPKT_AUTH_LEN];
	size_t ma_value;

	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	if (!secret || !secret_len || b->buf[2] || b->buf[3]) /* length set: finished */
		return -EINVAL;
	if (put(b, RADPKT_ATTR_MESSAGE_AUTHENTICATOR, zero16, RADPKT_AUTH_LEN) != 0)
		return b->err;
	ma_value = b->len - RADPKT_AUTH_LEN;
	b->buf[2] = (uint8_t)(b->len >> 8);
	b->buf[3] = (uint8_t)b->len;
	/* The view of our own buffer: the HMAC and MD5 helpers read the
	 * length and attribute block from it. */
	view.code = b->buf[0];
	view.id = b->buf[1];
	view.len = (uint16_t)b->len;
	view.data = b->buf;
	view.auth = b->buf + 4;
	view.attrs = b->buf + RADPKT_HDR_LEN;
	view.attrs_len = b->len - RADPKT_HDR_LEN;
	/* Requests: HMAC with a zero authenticator field, then the Request
	 * Authenticator over the packet as sent.  Replies: HMAC with the
	 * request's authenticator, then the Response Authenticator. */
	packet_hmac(&view, b->is_reply ? b->req_auth : zero16, ma_value, secret, secret_len,
		    b->buf + ma_value);
	packet_md5(&view, b->is_reply ? b->req_auth : zero16, secret, secret_len, digest);
	memcpy(b->buf + 4, digest, RADPKT_AUTH_LEN);
	return (int)b->len;
}

/* ---- decoding ---- */

__attribute__((format(printf, 4, 5)))
static int problem(struct radpkt_problem *prob, int err, const struct radpkt_attr *a,
		   const char *f, ...)
{
	va_list ap;

	if (!prob)
		return err;
	prob->err = err;
	prob->vendor = a->vendor;
	prob->type = a->type;
	prob->offset = a->offset;
	va_start(ap, f);
	vsnprintf(prob->what, sizeof(prob->what), f, ap);
	va_end(ap);
	return err;
}

/* Is a of the size its dictionary type demands? */
static bool size_ok(const struct radpkt_attr *a, int type)
{
	switch (type) {
	case PW_TYPE_STRING:
		return a->len >= 1; /* RFC 2865 §5: no empty strings */
	case PW_TYPE_INTEGER:
	case PW_TYPE_IPADDR:
	case PW_TYPE_DATE:
		return a->len == 4;
	case PW_TYPE_IPV6ADDR:
		return a->len == 16;
	case PW_TYPE_IPV6PREFIX:
		/* RFC 3162 §2.3: reserved, prefix-length, prefix (bytes enough for it) */
		return a->len >= 2 && a->len <= 18 && a->value[1] <= 128 &&
		       (size_t)a->len - 2 >= (size_t)(a->value[1] + 7) / 8;
	default:
		return false; /* a type radcli added later: we cannot write it */
	}
}

static bool exempt(const struct radpkt_attr *a)
{
	return a->vendor == 0 && (a->type == RADPKT_ATTR_MESSAGE_AUTHENTICATOR ||
				  a->type == RADPKT_ATTR_PROXY_STATE);
}

/* The dictionary entry of one (sub-)attribute, or a problem. */
static int lookup(const rc_handle *rh, const struct radpkt_attr *a, DICT_ATTR **out,
		  struct radpkt_problem *prob)
{
	DICT_ATTR *da;

	*out = NULL;
	if (a->vendor > 0xffff) /* radcli keys vendor attributes by a 16-bit PEN */
		return problem(prob, -ENOTSUP, a, "Vendor-Specific of unknown vendor %u",
			       (unsigned)a->vendor);
	da = rc_dict_getattr(rh, (int)(a->type | (a->vendor << 16)));
	if (!da) {
		if (a->vendor)
			return problem(prob, -ENOTSUP, a, "unknown attribute %u of vendor %u",
				       a->type, (unsigned)a->vendor);
		return problem(prob, -ENOTSUP, a, "unknown attribute %u", a->type);
	}
	if (!size_ok(a, da->type))
		return problem(prob, -EBADMSG, a, "%s: %u-byte value is the wrong size for its type", da->name, a->len);
	*out = da;
	return 0;
}

/* Calls fn for every attribute (sub-attributes of VSAs one by one) that
 * is known and well-formed; stops at the first problem. */
typedef int (*attr_fn)(void *ctx, const struct radpkt_attr *a, const DICT_ATTR *da);

static int walk(const struct radpkt *p, const rc_handle *rh, struct radpkt_problem *prob,
		attr_fn fn, void *ctx)
{
	struct radpkt_attr a, s;
	size_t off = 0;
	DICT_ATTR *da;
	int rc;

	if (prob)
		memset(prob, 0, sizeof(*prob));
	if (!p || !p->data || !rh)
		return -EINVAL;
	while (radpkt_attr_next(p, &off, &a) > 0) {
		if (a.type == RADPKT_ATTR_VENDOR_SPECIFIC) {
			size_t voff = 0;
			uint32_t pen;

			if (a.len < 4)
				return problem(prob, -EBADMSG, &a, "Vendor-Specific shorter than its vendor id");
			pen = get32(a.value);
			if (pen > 0xffff || !rc_dict_getvend(rh, (int)pen)) {
				a.vendor = pen; /* for the problem report */
				a.type = 0;
				return problem(prob, -ENOTSUP, &a, "Vendor-Specific of unknown vendor %u", (unsigned)pen);
			}
			if (a.len == 4)
				return problem(prob, -EBADMSG, &a, "Vendor-Specific of vendor %u without an attribute",
					       (unsigned)pen);
			while ((rc = radpkt_vsa_next(p, &a, &voff, &s)) > 0) {
				if ((rc = lookup(rh, &s, &da, prob)) != 0)
					return rc;
				if (fn && (rc = fn(ctx, &s, da)) != 0)
					return rc;
			}
			if (rc < 0)
				return problem(prob, -EBADMSG, &a, "Vendor-Specific of vendor %u: bad sub-attribute length",
					       (unsigned)pen);
			continue;
		}
		if (exempt(&a)) {
			if (fn && (rc = fn(ctx, &a, NULL)) != 0)
				return rc;
			continue;
		}
		if ((rc = lookup(rh, &a, &da, prob)) != 0)
			return rc;
		if (fn && (rc = fn(ctx, &a, da)) != 0)
			return rc;
	}
	return 0;
}

int radpkt_check_attrs(const struct radpkt *p, const rc_handle *rh, struct radpkt_problem *prob)
{
	return walk(p, rh, prob, NULL, NULL);
}

int radpkt_decode_pairs(const struct radpkt *p, const rc_handle *rh, VALUE_PAIR **out,
			struct radpkt_problem *prob)
{
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	rc = walk(p, rh, prob, NULL, NULL);
	if (rc != 0)
		return rc;
	if (p->attrs_len == 0)
		return 0;
	/* Checked: everything is known and sized right, so a NULL from
	 * radcli can only be its allocation failing. */
	*out = rc_avpair_gen(rh, NULL, p->attrs, (int)p->attrs_len, 0);
	return *out ? 0 : -ENOMEM;
}

struct to_radattr {
	const rc_handle *rh;
	struct radattr_list *out;
	unsigned line;
};

static int add_radattr(void *ctx, const struct radpkt_attr *a, const DICT_ATTR *da)
{
	struct to_radattr *t = ctx;
	char text[INET6_ADDRSTRLEN + 8];
	const char *v = text;
	size_t len;
	uint32_t u;
	DICT_VALUE *dv;
	int rc;

	t->line++;
	if (!da) /* Message-Authenticator, Proxy-State: protocol, not policy */
		return 0;
	switch (da->type) {
	case PW_TYPE_STRING:
		v = (const char *)a->value;
		len = strnlen(v, a->len); /* pppd's strings end at the first NUL */
		break;
	case PW_TYPE_INTEGER:
	case PW_TYPE_DATE:
		u = get32(a->value);
		dv = da->type == PW_TYPE_INTEGER ? rc_dict_getval(t->rh, u, da->name) : NULL;
		if (dv)
			snprintf(text, sizeof(text), "%s", dv->name);
		else
			snprintf(text, sizeof(text), "%d", (int32_t)u);
		len = strlen(text);
		break;
	case PW_TYPE_IPADDR:
		snprintf(text, sizeof(text), "%u.%u.%u.%u", a->value[0], a->value[1], a->value[2],
			 a->value[3]);
		len = strlen(text);
		break;
	case PW_TYPE_IPV6ADDR:
		inet_ntop(AF_INET6, a->value, text, sizeof(text));
		len = strlen(text);
		break;
	case PW_TYPE_IPV6PREFIX: {
		uint8_t ip[16] = { 0 };

		memcpy(ip, a->value + 2, a->len - 2u);
		inet_ntop(AF_INET6, ip, text, sizeof(text) - 4);
		len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "/%u", a->value[1]);
		len = strlen(text);
		break;
	}
	default:
		return 0; /* unreachable: size_ok() refused it */
	}
	rc = radattr_add(t->out, t->rh, da->name, v, len, t->line);
	return rc == -EINVAL ? -EBADMSG : rc;
}

int radpkt_decode_radattr(const struct radpkt *p, const rc_handle *rh,
			  struct radattr_list *out, struct radpkt_problem *prob)
{
	struct to_radattr t = { rh, out, 0 };
	int rc;

	if (!out)
		return -EINVAL;
	rc = walk(p, rh, prob, add_radattr, &t);
	if (rc != 0)
		radattr_free(out);
	return rc;
}

/* ---- how often an attribute may come (RFC 5176 §3.5) ---- */

/* Every type that the Request column of either table (Disconnect, CoA)
 * marks 0-1, or 0; with its RFC 2865/2869/3162/4372/4675/4849/5176 name. */
static const struct {
	uint8_t type;
	const char *name;
} once[] = {
	{ 1, "User-Name" }, { 4, "NAS-IP-Address" }, { 5, "NAS-Port" },
	{ 6, "Service-Type" }, { 7, "Framed-Protocol" }, { 8, "Framed-IP-Address" },
	{ 9, "Framed-IP-Netmask" }, { 10, "Framed-Routing" }, { 12, "Framed-MTU" },
	{ 15, "Login-Service" }, { 16, "Login-TCP-Port" }, { 19, "Callback-Number" },
	{ 20, "Callback-Id" }, { 23, "Framed-IPX-Network" }, { 24, "State" },
	{ 27, "Session-Timeout" }, { 28, "Idle-Timeout" }, { 29, "Termination-Action" },
	{ 30, "Called-Station-Id" }, { 31, "Calling-Station-Id" }, { 32, "NAS-Identifier" },
	{ 34, "Login-LAT-Service" }, { 35, "Login-LAT-Node" }, { 36, "Login-LAT-Group" },
	{ 37, "Framed-AppleTalk-Link" }, { 39, "Framed-AppleTalk-Zone" },
	{ 44, "Acct-Session-Id" }, { 49, "Acct-Terminate-Cause" },
	{ 50, "Acct-Multi-Session-Id" }, { 55, "Event-Timestamp" }, { 57, "Ingress-Filters" },
	{ 59, "User-Priority-Table" }, { 61, "NAS-Port-Type" }, { 62, "Port-Limit" },
	{ 63, "Login-LAT-Port" }, { 71, "ARAP-Features" }, { 72, "ARAP-Zone-Access" },
	{ 80, "Message-Authenticator" }, { 85, "Acct-Interim-Interval" }, { 87, "NAS-Port-Id" },
	{ 88, "Framed-Pool" }, { 89, "Chargeable-User-Identity" }, { 92, "NAS-Filter-Rule" },
	{ 94, "Originating-Line-Info" }, { 95, "NAS-IPv6-Address" },
	{ 96, "Framed-Interface-Id" }, { 100, "Framed-IPv6-Pool" }, { 101, "Error-Cause" },
};

static const char *once_name(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (once[i].type == type)
			return once[i].name;
	return NULL;
}

unsigned radpkt_request_max(uint8_t type)
{
	return once_name(type) ? 1 : RADPKT_ANY;
}

int radpkt_check_repeats(const struct radpkt *p, struct radpkt_problem *prob)
{
	uint16_t n[256] = { 0 };
	struct radpkt_attr a, first = { 0 };
	size_t off = 0;
	unsigned worst = 0;

	if (prob)
		memset(prob, 0, sizeof(*prob));
	if (!p || !p->data)
		return -EINVAL;
	/* count them all first, so the report says how many */
	while (radpkt_attr_next(p, &off, &a) > 0)
		n[a.type]++;
	off = 0;
	while (radpkt_attr_next(p, &off, &a) > 0)
		if (n[a.type] > 1 && radpkt_request_max(a.type) < n[a.type]) {
			first = a;
			worst = n[a.type];
			break;
		}
	if (!worst)
		return 0;
	return problem(prob, -EBADMSG, &first, "%s (attribute %u) %u times; RFC 5176 allows at most one",
		       once_name(first.type), first.type, worst);
}

const char *radpkt_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "success";
	case EBADMSG:
		return "malformed RADIUS packet";
	case EMSGSIZE:
		return "RADIUS packet or attribute too long";
	case EPROTONOSUPPORT:
		return "not a Disconnect or CoA packet";
	case EACCES:
		return "authenticator mismatch (wrong shared secret or forged packet)";
	case ENOTSUP:
		return "unsupported attribute";
	case EINVAL:
		return "invalid argument";
	case ENOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}
