/* Fuzz target: pppoe_proto (PPPoE discovery frames, straight off an
 * AF_PACKET socket) and pppoe_cookie (the AC-Cookie those frames carry).
 * Invariants: never crash or read outside the frame; the answer is one of
 * the drop reasons, with a name; a dropped frame's header fields are the
 * frame's bytes; a parsed frame keeps every rule the parser promises
 * (code, source, session id, PPPoE length, Relay-Session-Id bound) and
 * every value it hands out lies inside the PPPoE payload, absent ones
 * NULL and empty.  The reply acd would build to a parsed frame (PADO or
 * PADS echoing Service-Name, Host-Uniq, Relay-Session-Id, PPP-Max-Payload,
 * with a cookie of ours) fails with -ENOSPC exactly when it would pass
 * 1500 bytes of PPPoE, and otherwise parses back with the same values.
 * The frame's own AC-Cookie, checked, is accepted or called expired only
 * when it is byte for byte the cookie we make for that frame and expiry
 * (the keys are the harness's, fixed, so the corpus can hold good cookies
 * and a crash reproduces); a cookie we make for the frame checks, and
 * fails for another interface. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pppoe_cookie.h"
#include "pppoe_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ac_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
#define NOW 1000000
#define IFINDEX 2

static const struct pppoe_cookie_keys *keys(void)
{
	static struct pppoe_cookie_keys k;
	static int done;
	unsigned i;

	if (!done) {
		for (i = 0; i < 32; i++) {
			k.cur[i] = (uint8_t)(0xa5 ^ i);
			k.prev[i] = (uint8_t)(0x5a ^ i);
		}
		k.gen = 1;
		k.has_prev = true;
		k.rotated = NOW;
		k.lifetime = 30;
		done = 1;
	}
	return &k;
}

/* A value handed out: inside the payload, or absent and empty. */
static void check_bytes(const struct pppoe_bytes *b, const uint8_t *pay, size_t plen)
{
	if (!b->present) {
		if (b->p || b->len)
			abort();
		return;
	}
	if (!b->p || b->p < pay || b->p > pay + plen || b->len > (size_t)(pay + plen - b->p))
		abort();
}

static void check_parsed(const struct pppoe_msg *m, const uint8_t *data, size_t size)
{
	const uint8_t *pay = data + PPPOE_ETH_HLEN + PPPOE_HLEN;
	size_t plen = (size_t)data[18] << 8 | data[19];
	static const uint8_t zero[6];

	if (size < 20 || plen > size - 20 || plen > PPPOE_PAYLOAD_MAX || data[14] != 0x11 ||
	    data[12] != 0x88 || data[13] != 0x63 || !pppoe_code_name(m->code) || (m->src[0] & 1) ||
	    memcmp(m->src, zero, 6) == 0)
		abort();
	/* 0 until a PADS assigns one; a refusing PADS carries 0 too */
	if (m->code == PPPOE_PADT ? m->sid == 0 : m->code != PPPOE_PADS && m->sid != 0)
		abort();
	check_bytes(&m->service_name, pay, plen);
	check_bytes(&m->ac_name, pay, plen);
	check_bytes(&m->host_uniq, pay, plen);
	check_bytes(&m->cookie, pay, plen);
	check_bytes(&m->relay_id, pay, plen);
	check_bytes(&m->circuit_id, pay, plen);
	check_bytes(&m->remote_id, pay, plen);
	if (m->service_name.present != (m->n_service_names > 0) ||
	    m->relay_id.len > PPPOE_RELAY_ID_MAX || m->circuit_id.len > 255 ||
	    m->remote_id.len > 255)
		abort();
}

static bool same(const struct pppoe_bytes *a, const struct pppoe_bytes *b)
{
	return a->present == b->present && a->len == b->len && (!a->len || memcmp(a->p, b->p, a->len) == 0);
}

/* One tag of the reply: it fits exactly when the model says it does. */
static void put(struct pppoe_out *o, size_t *model, uint16_t type, const struct pppoe_bytes *b,
		bool *full)
{
	int rc;

	if (*full || !b->present)
		return;
	rc = pppoe_out_echo(o, type, b);
	if (*model + 4 + b->len > PPPOE_FRAME_MAX) {
		if (rc != -ENOSPC || o->len != *model)
			abort();
		*full = true;
		return;
	}
	if (rc != 0)
		abort();
	*model += 4 + b->len;
	if (o->len != *model)
		abort();
}

static void check_reply(const struct pppoe_msg *m)
{
	uint8_t cookie[PPPOE_COOKIE_LEN], mp[2] = { (uint8_t)(m->max_payload >> 8), (uint8_t)m->max_payload };
	const struct pppoe_bytes ac = { (const uint8_t *)"acd", 3, true },
				 ck = { cookie, sizeof(cookie), true },
				 max = { mp, 2, m->has_max_payload };
	uint8_t code = m->code == PPPOE_PADR ? PPPOE_PADS : PPPOE_PADO;
	uint16_t sid = code == PPPOE_PADS ? 0x1234 : 0;
	struct pppoe_out o;
	struct pppoe_msg r;
	size_t model = PPPOE_ETH_HLEN + PPPOE_HLEN;
	bool full = false;

	pppoe_cookie_make(keys(), NOW, ac_mac, m->src, IFINDEX, m->relay_id.p, m->relay_id.len, cookie);
	pppoe_out_init(&o, m->src, ac_mac, code, sid);
	put(&o, &model, PPPOE_TAG_AC_NAME, &ac, &full);
	put(&o, &model, PPPOE_TAG_SERVICE_NAME, &m->service_name, &full);
	put(&o, &model, PPPOE_TAG_AC_COOKIE, &ck, &full);
	put(&o, &model, PPPOE_TAG_HOST_UNIQ, &m->host_uniq, &full);
	put(&o, &model, PPPOE_TAG_RELAY_SESSION_ID, &m->relay_id, &full);
	put(&o, &model, PPPOE_TAG_MAX_PAYLOAD, &max, &full);
	if (full)
		return; /* a Host-Uniq too big to echo: the server drops the frame */
	pppoe_out_finish(&o);
	if (pppoe_parse(o.buf, o.len, &r) != PPPOE_OK || r.code != code || r.sid != sid ||
	    memcmp(r.dst, m->src, 6) != 0 || memcmp(r.src, ac_mac, 6) != 0 ||
	    !same(&r.ac_name, &ac) || !same(&r.service_name, &m->service_name) ||
	    !same(&r.cookie, &ck) || !same(&r.host_uniq, &m->host_uniq) ||
	    !same(&r.relay_id, &m->relay_id) || r.has_max_payload != m->has_max_payload ||
	    r.max_payload != m->max_payload || r.circuit_id.present || r.n_service_names > 1)
		abort();

	/* the client sends our cookie back: ours, on this interface only */
	if (pppoe_cookie_check(keys(), NOW + 1, r.src, r.dst, IFINDEX, r.relay_id.p, r.relay_id.len,
			       r.cookie.p, r.cookie.len) != 0 ||
	    pppoe_cookie_check(keys(), NOW + 1, r.src, r.dst, IFINDEX + 1, r.relay_id.p,
			       r.relay_id.len, r.cookie.p, r.cookie.len) != -EBADMSG)
		abort();
}

/* The frame's own cookie, as the server checks a PADR's. */
static void check_cookie(const struct pppoe_msg *m)
{
	struct pppoe_cookie_keys k = *keys();
	uint8_t mine[PPPOE_COOKIE_LEN];
	uint32_t expiry;
	int rc;

	rc = pppoe_cookie_check(&k, NOW, m->dst, m->src, IFINDEX, m->relay_id.p, m->relay_id.len,
				m->cookie.p, m->cookie.len);
	if (rc == -EBADMSG)
		return;
	if ((rc != 0 && rc != -ETIMEDOUT) || m->cookie.len != PPPOE_COOKIE_LEN)
		abort();
	/* ours: remake it with the key of its generation, at the time that
	 * gives its expiry */
	if (m->cookie.p[0] != k.gen) {
		memcpy(k.cur, k.prev, sizeof(k.cur));
		k.gen = m->cookie.p[0];
	}
	expiry = (uint32_t)m->cookie.p[1] << 24 | (uint32_t)m->cookie.p[2] << 16 |
		 (uint32_t)m->cookie.p[3] << 8 | m->cookie.p[4];
	pppoe_cookie_make(&k, (time_t)(uint32_t)(expiry - k.lifetime), m->dst, m->src, IFINDEX,
			  m->relay_id.p, m->relay_id.len, mine);
	if (memcmp(mine, m->cookie.p, sizeof(mine)) != 0 ||
	    (rc == -ETIMEDOUT) != (expiry - (uint32_t)NOW >= 0x80000000u))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pppoe_msg m;
	enum pppoe_drop d;
	const char *name;

	d = pppoe_parse(data, size, &m);
	name = pppoe_drop_name(d);
	if ((unsigned)d >= PPPOE_DROP__MAX || !name || strcmp(name, "unknown") == 0)
		abort();
	if (d != PPPOE_OK) {
		if (d != PPPOE_DROP_SHORT &&
		    (memcmp(m.dst, data, 6) != 0 || memcmp(m.src, data + 6, 6) != 0 ||
		     m.code != data[15] || m.sid != (data[16] << 8 | data[17])))
			abort();
		return 0;
	}
	check_parsed(&m, data, size);
	if (m.cookie.present)
		check_cookie(&m);
	check_reply(&m);
	return 0;
}
