/*
 * pppoe_proto.c - PPPoE discovery frames: the parser and the builder (see
 * pppoe_proto.h).  No I/O, no allocation: the frame is the only memory
 * read, the caller's buffers the only memory written.
 */
#include <errno.h>
#include <string.h>

#include "pppoe_proto.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

const char *pppoe_drop_name(enum pppoe_drop d)
{
	static const char *const names[PPPOE_DROP__MAX] = {
		[PPPOE_OK] = "ok",
		[PPPOE_DROP_SHORT] = "short",
		[PPPOE_DROP_ETHERTYPE] = "ethertype",
		[PPPOE_DROP_VERTYPE] = "ver-type",
		[PPPOE_DROP_LENGTH] = "length",
		[PPPOE_DROP_TAG] = "tag",
		[PPPOE_DROP_DUP_TAG] = "duplicate-tag",
		[PPPOE_DROP_CODE] = "code",
		[PPPOE_DROP_SRC] = "source",
		[PPPOE_DROP_SID] = "session-id",
	};

	return (unsigned)d < PPPOE_DROP__MAX ? names[d] : "unknown";
}

const char *pppoe_code_name(uint8_t code)
{
	switch (code) {
	case PPPOE_PADI:
		return "PADI";
	case PPPOE_PADO:
		return "PADO";
	case PPPOE_PADR:
		return "PADR";
	case PPPOE_PADS:
		return "PADS";
	case PPPOE_PADT:
		return "PADT";
	default:
		return NULL;
	}
}

static struct pppoe_bytes bytes(const uint8_t *p, uint16_t len)
{
	return (struct pppoe_bytes){ .p = p, .len = len, .present = true };
}

/*
 * TR-101's Vendor-Specific value: vendor id 3561, then sub-options of
 * type(1) len(1) value(len).  A relay wrote it, not the client, but a
 * broken one costs only the line id: the frame is still good, so a
 * malformed list leaves both ids absent instead of dropping.
 */
static void parse_tr101(const uint8_t *v, uint16_t n, struct pppoe_msg *m)
{
	struct pppoe_bytes circuit = { 0 }, remote = { 0 };
	size_t off = 4;

	while (off < n) {
		uint8_t type, len;

		if (n - off < 2)
			return;
		type = v[off];
		len = v[off + 1];
		if (len > n - off - 2)
			return;
		if (type == PPPOE_TR101_CIRCUIT_ID && !circuit.present)
			circuit = bytes(v + off + 2, len);
		else if (type == PPPOE_TR101_REMOTE_ID && !remote.present)
			remote = bytes(v + off + 2, len);
		off += 2u + len;
	}
	m->circuit_id = circuit;
	m->remote_id = remote;
}

static enum pppoe_drop parse_tags(const uint8_t *p, size_t n, struct pppoe_msg *m)
{
	bool tr101 = false;
	size_t off = 0;

	while (off < n) {
		const uint8_t *v;
		uint16_t type, len;

		if (n - off < 4)
			return PPPOE_DROP_TAG;
		type = get16(p + off);
		len = get16(p + off + 2);
		if (len > n - off - 4)
			return PPPOE_DROP_TAG;
		v = p + off + 4;
		off += 4u + len;

		switch (type) {
		case PPPOE_TAG_END:
			/* RFC 2516 wants its length 0; what follows is ignored either way */
			return PPPOE_OK;
		case PPPOE_TAG_SERVICE_NAME:
			if (m->n_service_names++ == 0)
				m->service_name = bytes(v, len);
			break;
		case PPPOE_TAG_AC_NAME:
			if (!m->ac_name.present)
				m->ac_name = bytes(v, len);
			break;
		case PPPOE_TAG_HOST_UNIQ:
			if (m->host_uniq.present)
				return PPPOE_DROP_DUP_TAG;
			m->host_uniq = bytes(v, len);
			break;
		case PPPOE_TAG_AC_COOKIE:
			if (m->cookie.present)
				return PPPOE_DROP_DUP_TAG;
			m->cookie = bytes(v, len);
			break;
		case PPPOE_TAG_RELAY_SESSION_ID:
			if (m->relay_id.present)
				return PPPOE_DROP_DUP_TAG;
			if (len > PPPOE_RELAY_ID_MAX)
				return PPPOE_DROP_TAG;
			m->relay_id = bytes(v, len);
			break;
		case PPPOE_TAG_MAX_PAYLOAD:
			if (len != 2)
				return PPPOE_DROP_TAG;
			if (!m->has_max_payload) {
				m->has_max_payload = true;
				m->max_payload = get16(v);
			}
			break;
		case PPPOE_TAG_VENDOR:
			if (!tr101 && len >= 4 && get32(v) == PPPOE_VENDOR_ADSL_FORUM) {
				tr101 = true;
				parse_tr101(v, len, m);
			}
			break;
		case PPPOE_TAG_SERVICE_NAME_ERROR:
			m->service_name_error = true;
			break;
		case PPPOE_TAG_AC_SYSTEM_ERROR:
			m->ac_system_error = true;
			break;
		case PPPOE_TAG_GENERIC_ERROR:
			m->generic_error = true;
			break;
		default:
			/* RFC 2516: unknown tags are ignored */
			break;
		}
	}
	return PPPOE_OK;
}

enum pppoe_drop pppoe_parse(const uint8_t *frame, size_t len, struct pppoe_msg *m)
{
	static const uint8_t zero[6];
	size_t plen;

	memset(m, 0, sizeof(*m));
	if (len < PPPOE_ETH_HLEN + PPPOE_HLEN)
		return PPPOE_DROP_SHORT;
	memcpy(m->dst, frame, 6);
	memcpy(m->src, frame + 6, 6);
	m->code = frame[15];
	m->sid = get16(frame + 16);

	if (get16(frame + 12) != PPPOE_ETHERTYPE_DISC)
		return PPPOE_DROP_ETHERTYPE;
	if (frame[14] != PPPOE_VERTYPE)
		return PPPOE_DROP_VERTYPE;
	/* Bytes past the PPPoE length are Ethernet padding, not tags. */
	plen = get16(frame + 18);
	if (plen > len - PPPOE_ETH_HLEN - PPPOE_HLEN || plen > PPPOE_PAYLOAD_MAX)
		return PPPOE_DROP_LENGTH;
	if (!pppoe_code_name(m->code))
		return PPPOE_DROP_CODE;
	/* No station sends from a group address; a spoofed one would make us
	 * answer a whole segment. */
	if ((m->src[0] & 1) || memcmp(m->src, zero, 6) == 0)
		return PPPOE_DROP_SRC;
	/* RFC 2516 §5: the session id is 0 until the PADS assigns one; a PADS
	 * that refuses (Service-Name-Error, AC-System-Error) carries 0 too
	 * (§5.4), and only a PADT must name a session. */
	if ((m->code == PPPOE_PADI || m->code == PPPOE_PADO || m->code == PPPOE_PADR) ? m->sid != 0
	    : m->code == PPPOE_PADT ? m->sid == 0 : false)
		return PPPOE_DROP_SID;
	return parse_tags(frame + PPPOE_ETH_HLEN + PPPOE_HLEN, plen, m);
}

void pppoe_out_init(struct pppoe_out *o, const uint8_t dst[6], const uint8_t src[6], uint8_t code,
		    uint16_t sid)
{
	memcpy(o->buf, dst, 6);
	memcpy(o->buf + 6, src, 6);
	put16(o->buf + 12, PPPOE_ETHERTYPE_DISC);
	o->buf[14] = PPPOE_VERTYPE;
	o->buf[15] = code;
	put16(o->buf + 16, sid);
	put16(o->buf + 18, 0);
	o->len = PPPOE_ETH_HLEN + PPPOE_HLEN;
}

int pppoe_out_tag(struct pppoe_out *o, uint16_t type, const void *val, size_t len)
{
	if (len > PPPOE_PAYLOAD_MAX || o->len + 4 + len > PPPOE_FRAME_MAX)
		return -ENOSPC;
	put16(o->buf + o->len, type);
	put16(o->buf + o->len + 2, (uint16_t)len);
	if (len)
		memcpy(o->buf + o->len + 4, val, len);
	o->len += 4 + len;
	return 0;
}

int pppoe_out_echo(struct pppoe_out *o, uint16_t type, const struct pppoe_bytes *b)
{
	return b->present ? pppoe_out_tag(o, type, b->p, b->len) : 0;
}

void pppoe_out_finish(struct pppoe_out *o)
{
	put16(o->buf + 18, (uint16_t)(o->len - PPPOE_ETH_HLEN - PPPOE_HLEN));
}
