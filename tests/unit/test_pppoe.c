/*
 * PPPoE discovery frames (acd/pppoe_proto.c) and the AC-Cookie
 * (acd/pppoe_cookie.c).
 *
 * The frames at the top are real: captured on an AF_PACKET socket, as
 * acd's discovery socket gets them, in a network namespace over veth,
 * from Debian 12's clients talking to a small stand-in AC:
 *
 *   pppoe -I veth1 -d -U           rp-pppoe 3.15: PADI, then PADR to the
 *                                  stand-in's PADO
 *   pppoe -I veth1 -k -e 1:MAC     rp-pppoe 3.15: PADT
 *   pppoe-discovery -I veth1 -U    ppp 2.4.9: PADI
 *
 * The stand-in's PADO carried a 21-byte cookie and a Relay-Session-Id, so
 * the PADR echoes both.  rp-pppoe's Host-Uniq is its pid as hex text,
 * pppoe-discovery's the pid in host byte order.
 * Every drop reason then has a frame that triggers it and nothing else:
 * each is one of the real frames with one change, and the frame without
 * the change parses.
 *
 * Last, the set of senders whose PADI a rate limit refused
 * (acd/pppoe_refused.c): no sender forgotten too soon, few found that
 * never were, and forgotten in the end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pppoe_cookie.h"
#include "pppoe_proto.h"
#include "pppoe_refused.h"

static const uint8_t ac_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* pppoe -I veth1 -d -U: Service-Name empty (any), Host-Uniq "3cb7" */
static const uint8_t padi_rp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x0c,
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x04, 0x33, 0x63, 0x62, 0x37,
};

/* pppoe-discovery -I veth1 -U */
static const uint8_t padi_ppp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x0c,
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x04, 0xbd, 0x3c, 0x00, 0x00,
};

/* its PADR: Service-Name, Host-Uniq, the stand-in's 21-byte AC-Cookie and
 * 12-byte Relay-Session-Id echoed */
static const uint8_t padr_rp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x88, 0x63, 0x11, 0x19, 0x00, 0x00, 0x00, 0x35,
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x04, 0x33, 0x63, 0x62, 0x37,
	0x01, 0x04, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
	0x01, 0x10, 0x00, 0x0c, 'r', 'e', 'l', 'a', 'y', '-', 's', 'i', 'd', '-', '0', '1',
};

/* pppoe -k -e 1:02:00:00:00:00:01: a Generic-Error saying why */
static const uint8_t padt_rp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x88, 0x63, 0x11, 0xa7, 0x00, 0x01, 0x00, 0x25,
	0x02, 0x03, 0x00, 0x21, 'R', 'P', '-', 'P', 'P', 'P', 'o', 'E', ':', ' ', 'S',
	'e', 's', 's', 'i', 'o', 'n', ' ', 'k', 'i', 'l', 'l', 'e', 'd', ' ', 'm', 'a',
	'n', 'u', 'a', 'l', 'l', 'y',
};
#define PADT_WHY "RP-PPPoE: Session killed manually"


/* ---- the real frames ---- */

static void test_padi(void **state)
{
	struct pppoe_msg m;

	(void)state;
	assert_int_equal(pppoe_parse(padi_rp, sizeof(padi_rp), &m), PPPOE_OK);
	assert_int_equal(m.code, PPPOE_PADI);
	assert_int_equal(m.sid, 0);
	assert_memory_equal(m.dst, bcast, 6);
	assert_memory_equal(m.src, client_mac, 6);
	assert_true(m.service_name.present);
	assert_int_equal(m.service_name.len, 0);
	assert_int_equal(m.n_service_names, 1);
	assert_true(m.host_uniq.present);
	assert_int_equal(m.host_uniq.len, 4);
	assert_ptr_equal(m.host_uniq.p, padi_rp + 28);
	assert_false(m.cookie.present);
	assert_false(m.relay_id.present);
	assert_false(m.ac_name.present);
	assert_false(m.has_max_payload);
	assert_false(m.circuit_id.present);
	assert_false(m.remote_id.present);
	assert_false(m.service_name_error || m.ac_system_error || m.generic_error);

	assert_int_equal(pppoe_parse(padi_ppp, sizeof(padi_ppp), &m), PPPOE_OK);
	assert_int_equal(m.code, PPPOE_PADI);
	assert_int_equal(m.service_name.len, 0);
	assert_int_equal(m.host_uniq.len, 4);
	assert_memory_equal(m.host_uniq.p, "\xbd\x3c\x00\x00", 4);
}

static void test_padr(void **state)
{
	struct pppoe_msg m;

	(void)state;
	assert_int_equal(pppoe_parse(padr_rp, sizeof(padr_rp), &m), PPPOE_OK);
	assert_int_equal(m.code, PPPOE_PADR);
	assert_int_equal(m.sid, 0);
	assert_memory_equal(m.dst, ac_mac, 6);
	assert_memory_equal(m.src, client_mac, 6);
	assert_true(m.service_name.present);
	assert_int_equal(m.service_name.len, 0);
	assert_true(m.host_uniq.present);
	assert_int_equal(m.host_uniq.len, 4);
	assert_true(m.cookie.present);
	assert_int_equal(m.cookie.len, PPPOE_COOKIE_LEN);
	assert_ptr_equal(m.cookie.p, padr_rp + 36);
	assert_true(m.relay_id.present);
	assert_int_equal(m.relay_id.len, 12);
	assert_memory_equal(m.relay_id.p, "relay-sid-01", 12);
}

static void test_padt(void **state)
{
	struct pppoe_msg m;

	(void)state;
	assert_int_equal(pppoe_parse(padt_rp, sizeof(padt_rp), &m), PPPOE_OK);
	assert_int_equal(m.code, PPPOE_PADT);
	assert_int_equal(m.sid, 1);
	assert_memory_equal(m.src, client_mac, 6);
	assert_false(m.host_uniq.present);
	assert_true(m.generic_error);
}

/* Ethernet pads a frame to 60 bytes; the PPPoE length says where the tags end. */
static void test_padding_ignored(void **state)
{
	uint8_t f[60] = { 0 };
	struct pppoe_msg m;

	(void)state;
	memcpy(f, padt_rp, sizeof(padt_rp));
	memset(f + sizeof(padt_rp), 0xee, sizeof(f) - sizeof(padt_rp));
	assert_int_equal(pppoe_parse(f, sizeof(f), &m), PPPOE_OK);
	assert_int_equal(m.code, PPPOE_PADT);

	memcpy(f, padi_rp, sizeof(padi_rp));
	assert_int_equal(pppoe_parse(f, sizeof(f), &m), PPPOE_OK);
	assert_int_equal(m.host_uniq.len, 4);
}

/* ---- every drop reason ---- */

/* A frame: one of the real ones, then a change. */
struct frame {
	uint8_t b[1600];
	size_t len;
};

static void from(struct frame *f, const uint8_t *base, size_t len)
{
	memcpy(f->b, base, len);
	f->len = len;
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Append a tag (val NULL: zeros) and fix the PPPoE length. */
static void add_tag(struct frame *f, uint16_t type, const void *val, uint16_t len)
{
	set16(f->b + f->len, type);
	set16(f->b + f->len + 2, len);
	if (val)
		memcpy(f->b + f->len + 4, val, len);
	else
		memset(f->b + f->len + 4, 0, len);
	f->len += 4u + len;
	set16(f->b + 18, (uint16_t)(f->len - 20));
}

static void expect(const struct frame *f, enum pppoe_drop d, const char *what)
{
	struct pppoe_msg m;
	enum pppoe_drop got = pppoe_parse(f->b, f->len, &m);

	if (got != d)
		fail_msg("%s: got %s, want %s", what, pppoe_drop_name(got), pppoe_drop_name(d));
}

static void test_drop_header(void **state)
{
	struct frame f;
	struct pppoe_msg m;

	(void)state;
	from(&f, padi_rp, 19);
	expect(&f, PPPOE_DROP_SHORT, "19 bytes");
	from(&f, padt_rp, 20);
	set16(f.b + 18, 0);
	expect(&f, PPPOE_OK, "20 bytes (a PADT with no tags)");

	from(&f, padi_rp, sizeof(padi_rp));
	f.b[13] = 0x64; /* 0x8864: a session frame */
	expect(&f, PPPOE_DROP_ETHERTYPE, "ethertype 0x8864");
	/* the header's values are there for counting the drop */
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_DROP_ETHERTYPE);
	assert_int_equal(m.code, PPPOE_PADI);
	assert_memory_equal(m.src, client_mac, 6);
	/* an 802.1Q tag the kernel left in the frame */
	memmove(f.b + 16, f.b + 12, sizeof(padi_rp) - 12);
	f.b[12] = 0x81, f.b[13] = 0x00, f.b[14] = 0x00, f.b[15] = 0x64;
	f.b[17] = 0x63;
	f.len += 4;
	expect(&f, PPPOE_DROP_ETHERTYPE, "VLAN tag");

	from(&f, padi_rp, sizeof(padi_rp));
	f.b[14] = 0x12;
	expect(&f, PPPOE_DROP_VERTYPE, "ver/type 0x12");
	f.b[14] = 0x21;
	expect(&f, PPPOE_DROP_VERTYPE, "ver/type 0x21");

	from(&f, padi_rp, sizeof(padi_rp));
	f.b[19]++;
	expect(&f, PPPOE_DROP_LENGTH, "PPPoE length one past the frame");
	f.len++;
	expect(&f, PPPOE_DROP_TAG, "the same, one more byte: now it is a stray byte");
	f.b[f.len - 1] = 0;
	f.b[19]--;
	expect(&f, PPPOE_OK, "the same, length fixed: padding");
	set16(f.b + 18, 0xffff);
	expect(&f, PPPOE_DROP_LENGTH, "PPPoE length 65535");

	/* a 1495-byte payload in a frame big enough for it: no Ethernet client
	 * sends one, and we could not answer it */
	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, 0x7777, NULL, (uint16_t)(PPPOE_PAYLOAD_MAX - 12 - 4));
	expect(&f, PPPOE_OK, "1494 bytes of tags");
	assert_int_equal(f.len, PPPOE_FRAME_MAX);
	f.b[f.len++] = 0;
	set16(f.b + 18, PPPOE_PAYLOAD_MAX + 1);
	set16(f.b + 34, (uint16_t)(PPPOE_PAYLOAD_MAX - 12 - 4 + 1));
	expect(&f, PPPOE_DROP_LENGTH, "1495 bytes of tags");

	from(&f, padi_rp, sizeof(padi_rp));
	f.b[15] = 0x00; /* a session frame's code */
	expect(&f, PPPOE_DROP_CODE, "code 0x00");
	f.b[15] = 0x0a;
	expect(&f, PPPOE_DROP_CODE, "code 0x0a");

	from(&f, padi_rp, sizeof(padi_rp));
	memset(f.b + 6, 0xff, 6);
	expect(&f, PPPOE_DROP_SRC, "broadcast source");
	memcpy(f.b + 6, (uint8_t[]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 6);
	expect(&f, PPPOE_DROP_SRC, "multicast source");
	memset(f.b + 6, 0, 6);
	expect(&f, PPPOE_DROP_SRC, "all-zero source");
	f.b[11] = 1;
	expect(&f, PPPOE_OK, "00:00:00:00:00:01");
}

static void test_drop_sid(void **state)
{
	static const uint8_t codes0[] = { PPPOE_PADI, PPPOE_PADO, PPPOE_PADR };
	static const uint8_t codes1[] = { PPPOE_PADS, PPPOE_PADT };
	struct frame f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(codes0); i++) {
		from(&f, padr_rp, sizeof(padr_rp));
		f.b[15] = codes0[i];
		expect(&f, PPPOE_OK, pppoe_code_name(codes0[i]));
		set16(f.b + 16, 1);
		expect(&f, PPPOE_DROP_SID, pppoe_code_name(codes0[i]));
		set16(f.b + 16, 0xffff);
		expect(&f, PPPOE_DROP_SID, pppoe_code_name(codes0[i]));
	}
	for (i = 0; i < sizeof(codes1); i++) {
		from(&f, padt_rp, sizeof(padt_rp));
		f.b[15] = codes1[i];
		expect(&f, PPPOE_OK, pppoe_code_name(codes1[i]));
		set16(f.b + 16, 0);
		/* a PADS that refuses carries 0 (RFC 2516 5.4); a PADT must
		 * name its session */
		expect(&f, codes1[i] == PPPOE_PADS ? PPPOE_OK : PPPOE_DROP_SID,
		       pppoe_code_name(codes1[i]));
	}
}

static void test_drop_tags(void **state)
{
	static const uint8_t relay65[65];
	struct frame f;
	struct pppoe_msg m;

	(void)state;
	/* the last tag's value one past the payload */
	from(&f, padr_rp, sizeof(padr_rp));
	set16(f.b + sizeof(padr_rp) - 14, 13);
	expect(&f, PPPOE_DROP_TAG, "value past the payload");
	f.b[f.len++] = '2';
	expect(&f, PPPOE_DROP_TAG, "value past the payload, into padding");
	/* a tag header cut short */
	from(&f, padt_rp, 20);
	f.b[f.len++] = 0x01, f.b[f.len++] = 0x01;
	set16(f.b + 18, 2);
	expect(&f, PPPOE_DROP_TAG, "half a tag header");
	f.b[f.len++] = 0x00, f.b[f.len++] = 0x00;
	set16(f.b + 18, 4);
	expect(&f, PPPOE_OK, "the whole header");

	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, PPPOE_TAG_MAX_PAYLOAD, "\x05\xdc\x00", 3);
	expect(&f, PPPOE_DROP_TAG, "PPP-Max-Payload of 3 bytes");
	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, PPPOE_TAG_MAX_PAYLOAD, "\x05", 1);
	expect(&f, PPPOE_DROP_TAG, "PPP-Max-Payload of 1 byte");
	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, PPPOE_TAG_MAX_PAYLOAD, "\x05\xdc", 2);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_true(m.has_max_payload);
	assert_int_equal(m.max_payload, 1500);

	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, PPPOE_TAG_RELAY_SESSION_ID, relay65, PPPOE_RELAY_ID_MAX + 1);
	expect(&f, PPPOE_DROP_TAG, "Relay-Session-Id of 65 bytes");
	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, PPPOE_TAG_RELAY_SESSION_ID, relay65, PPPOE_RELAY_ID_MAX);
	expect(&f, PPPOE_OK, "Relay-Session-Id of 64 bytes");

	/* a second of the tags we echo */
	from(&f, padr_rp, sizeof(padr_rp));
	add_tag(&f, PPPOE_TAG_HOST_UNIQ, "x", 1);
	expect(&f, PPPOE_DROP_DUP_TAG, "second Host-Uniq");
	from(&f, padr_rp, sizeof(padr_rp));
	add_tag(&f, PPPOE_TAG_AC_COOKIE, NULL, 0);
	expect(&f, PPPOE_DROP_DUP_TAG, "second AC-Cookie, empty");
	from(&f, padr_rp, sizeof(padr_rp));
	add_tag(&f, PPPOE_TAG_RELAY_SESSION_ID, "relay-sid-01", 12);
	expect(&f, PPPOE_DROP_DUP_TAG, "second Relay-Session-Id, same value");
	/* tags after End-Of-List are not read, not even a duplicate */
	from(&f, padr_rp, sizeof(padr_rp));
	add_tag(&f, PPPOE_TAG_END, NULL, 0);
	add_tag(&f, PPPOE_TAG_HOST_UNIQ, "x", 1);
	expect(&f, PPPOE_OK, "duplicate after End-Of-List");
}

/* What the parser accepts that a stricter one might not. */
static void test_tags_lenient(void **state)
{
	struct frame f;
	struct pppoe_msg m;

	(void)state;
	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, 0x0abc, "unknown", 7);
	add_tag(&f, PPPOE_TAG_SERVICE_NAME, "second", 6);
	add_tag(&f, PPPOE_TAG_AC_NAME, "ac1", 3);
	add_tag(&f, PPPOE_TAG_AC_NAME, "ac2", 3);
	add_tag(&f, PPPOE_TAG_MAX_PAYLOAD, "\x05\xdc", 2);
	add_tag(&f, PPPOE_TAG_MAX_PAYLOAD, "\x05\xd4", 2);
	add_tag(&f, PPPOE_TAG_SERVICE_NAME_ERROR, NULL, 0);
	add_tag(&f, PPPOE_TAG_AC_SYSTEM_ERROR, "full", 4);
	add_tag(&f, PPPOE_TAG_GENERIC_ERROR, NULL, 0);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_int_equal(m.n_service_names, 2);
	assert_int_equal(m.service_name.len, 0); /* the first */
	assert_int_equal(m.ac_name.len, 3);
	assert_memory_equal(m.ac_name.p, "ac1", 3);
	assert_int_equal(m.max_payload, 1500);
	assert_true(m.service_name_error && m.ac_system_error && m.generic_error);

	/* no tags at all; no Service-Name */
	from(&f, padi_rp, 20);
	set16(f.b + 18, 0);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_false(m.service_name.present);
	assert_null(m.service_name.p);
	assert_int_equal(m.n_service_names, 0);

	/* End-Of-List with a length (RFC 2516 wants 0) still ends the list */
	from(&f, padi_rp, sizeof(padi_rp));
	add_tag(&f, PPPOE_TAG_END, "zz", 2);
	add_tag(&f, PPPOE_TAG_AC_COOKIE, "c", 1);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_false(m.cookie.present);
	assert_true(m.host_uniq.present);
}

/* ---- TR-101: the line a relay (DSLAM, OLT) saw the PADI on ---- */

static void tr101(struct frame *f, const uint8_t *subopts, uint16_t len, uint32_t vendor)
{
	uint8_t v[300];

	v[0] = (uint8_t)(vendor >> 24), v[1] = (uint8_t)(vendor >> 16);
	v[2] = (uint8_t)(vendor >> 8), v[3] = (uint8_t)vendor;
	memcpy(v + 4, subopts, len);
	add_tag(f, PPPOE_TAG_VENDOR, v, (uint16_t)(4 + len));
}

static void test_tr101(void **state)
{
	/* as a DSLAM writes it: Agent-Circuit-Id, Agent-Remote-Id, then the
	 * actual data rate upstream (0x81, 4 bytes) */
	static const uint8_t good[] = {
		0x01, 0x0f, 'd', 's', 'l', 'a', 'm', '1', ' ', 'a', 't', 'm', ' ', '1', '/', '2', '0',
		0x02, 0x0d, 's', 'u', 'b', 's', 'c', 'r', 'i', 'b', 'e', 'r', '-', '4', '2',
		0x81, 0x04, 0x00, 0x00, 0x03, 0xe8,
	};
	static const uint8_t remote_only[] = { 0x02, 0x01, 'r' };
	static const uint8_t overrun[] = { 0x01, 0x03, 'a', 'b', 'c', 0x02, 0x05, 'x' };
	static const uint8_t half[] = { 0x01, 0x01, 'a', 0x02 };
	struct frame f;
	struct pppoe_msg m;

	(void)state;
	from(&f, padi_rp, sizeof(padi_rp));
	tr101(&f, good, sizeof(good), PPPOE_VENDOR_ADSL_FORUM);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_true(m.circuit_id.present);
	assert_int_equal(m.circuit_id.len, 15);
	assert_memory_equal(m.circuit_id.p, "dslam1 atm 1/20", 15);
	assert_true(m.remote_id.present);
	assert_int_equal(m.remote_id.len, 13);
	assert_memory_equal(m.remote_id.p, "subscriber-42", 13);

	/* only the first TR-101 tag counts */
	tr101(&f, remote_only, sizeof(remote_only), PPPOE_VENDOR_ADSL_FORUM);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_int_equal(m.remote_id.len, 13);

	from(&f, padi_rp, sizeof(padi_rp));
	tr101(&f, remote_only, sizeof(remote_only), PPPOE_VENDOR_ADSL_FORUM);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_false(m.circuit_id.present);
	assert_true(m.remote_id.present);
	assert_int_equal(m.remote_id.len, 1);
	/* an empty sub-option is present and empty (the caller decides) */
	from(&f, padi_rp, sizeof(padi_rp));
	tr101(&f, (const uint8_t[]){ 0x01, 0x00 }, 2, PPPOE_VENDOR_ADSL_FORUM);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_true(m.circuit_id.present);
	assert_int_equal(m.circuit_id.len, 0);

	/* malformed sub-options: no line id, but the frame is good */
	from(&f, padi_rp, sizeof(padi_rp));
	tr101(&f, overrun, sizeof(overrun), PPPOE_VENDOR_ADSL_FORUM);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_false(m.circuit_id.present);
	assert_false(m.remote_id.present);
	assert_true(m.host_uniq.present);
	from(&f, padi_rp, sizeof(padi_rp));
	tr101(&f, half, sizeof(half), PPPOE_VENDOR_ADSL_FORUM);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_false(m.circuit_id.present);

	/* another vendor, or a Vendor-Specific tag too short for a vendor id */
	from(&f, padi_rp, sizeof(padi_rp));
	tr101(&f, good, sizeof(good), 9);
	add_tag(&f, PPPOE_TAG_VENDOR, "\x00\x00\x0d", 3);
	assert_int_equal(pppoe_parse(f.b, f.len, &m), PPPOE_OK);
	assert_false(m.circuit_id.present);
	assert_false(m.remote_id.present);
}

/* ---- the builder ---- */

static void test_builder_round_trip(void **state)
{
	static const uint8_t cookie[PPPOE_COOKIE_LEN] = { 7, 1, 2, 3 };
	struct pppoe_msg r, m;
	struct pppoe_out o;

	(void)state;
	assert_int_equal(pppoe_parse(padr_rp, sizeof(padr_rp), &r), PPPOE_OK);
	/* a PADO as acd answers that client's PADI */
	pppoe_out_init(&o, r.src, ac_mac, PPPOE_PADO, 0);
	assert_int_equal(o.len, 20);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_AC_NAME, "acd", 3), 0);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_SERVICE_NAME, &r.service_name), 0);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_AC_COOKIE, cookie, sizeof(cookie)), 0);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_HOST_UNIQ, &r.host_uniq), 0);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_RELAY_SESSION_ID, &r.relay_id), 0);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_AC_SYSTEM_ERROR, &r.ac_name), 0); /* absent */
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_MAX_PAYLOAD, "\x05\xdc", 2), 0);
	pppoe_out_finish(&o);
	assert_int_equal(o.len, 20 + 7 + 4 + 25 + 8 + 16 + 6);
	assert_int_equal(o.buf[18] << 8 | o.buf[19], o.len - 20);

	assert_int_equal(pppoe_parse(o.buf, o.len, &m), PPPOE_OK);
	assert_int_equal(m.code, PPPOE_PADO);
	assert_int_equal(m.sid, 0);
	assert_memory_equal(m.dst, client_mac, 6);
	assert_memory_equal(m.src, ac_mac, 6);
	assert_int_equal(m.ac_name.len, 3);
	assert_memory_equal(m.ac_name.p, "acd", 3);
	assert_true(m.service_name.present);
	assert_int_equal(m.service_name.len, 0);
	assert_int_equal(m.cookie.len, sizeof(cookie));
	assert_memory_equal(m.cookie.p, cookie, sizeof(cookie));
	assert_int_equal(m.host_uniq.len, r.host_uniq.len);
	assert_memory_equal(m.host_uniq.p, r.host_uniq.p, r.host_uniq.len);
	assert_int_equal(m.relay_id.len, r.relay_id.len);
	assert_memory_equal(m.relay_id.p, r.relay_id.p, r.relay_id.len);
	assert_true(m.has_max_payload);
	assert_int_equal(m.max_payload, 1500);
	assert_false(m.ac_system_error);

	/* the PADS: the same tags, a session id */
	pppoe_out_init(&o, client_mac, ac_mac, PPPOE_PADS, 0x1234);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_SERVICE_NAME, &r.service_name), 0);
	pppoe_out_finish(&o);
	assert_int_equal(pppoe_parse(o.buf, o.len, &m), PPPOE_OK);
	assert_int_equal(m.sid, 0x1234);

	/* rp-pppoe's PADT, byte for byte */
	pppoe_out_init(&o, ac_mac, client_mac, PPPOE_PADT, 1);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_GENERIC_ERROR, PADT_WHY, strlen(PADT_WHY)), 0);
	pppoe_out_finish(&o);
	assert_int_equal(o.len, sizeof(padt_rp));
	assert_memory_equal(o.buf, padt_rp, sizeof(padt_rp));
}

static void test_builder_limit(void **state)
{
	static const uint8_t big[PPPOE_PAYLOAD_MAX];
	struct pppoe_out o;
	struct pppoe_msg m;
	size_t room;

	(void)state;
	pppoe_out_init(&o, client_mac, ac_mac, PPPOE_PADO, 0);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_AC_NAME, "acd", 3), 0);
	room = PPPOE_FRAME_MAX - o.len - 4;
	/* one byte too many: refused, nothing written */
	assert_int_equal(pppoe_out_tag(&o, 0x7777, big, room + 1), -ENOSPC);
	assert_int_equal(o.len, 27);
	assert_int_equal(pppoe_out_tag(&o, 0x7777, big, (size_t)1 << 20), -ENOSPC);
	assert_int_equal(pppoe_out_tag(&o, 0x7777, big, SIZE_MAX), -ENOSPC);
	assert_int_equal(o.len, 27);
	/* exactly 1500 bytes of PPPoE */
	assert_int_equal(pppoe_out_tag(&o, 0x7777, big, room), 0);
	assert_int_equal(o.len, PPPOE_FRAME_MAX);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_END, NULL, 0), -ENOSPC);
	pppoe_out_finish(&o);
	assert_int_equal(pppoe_parse(o.buf, o.len, &m), PPPOE_OK);
	assert_int_equal(m.ac_name.len, 3);

	/* the most a single tag can hold */
	pppoe_out_init(&o, client_mac, ac_mac, PPPOE_PADO, 0);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_HOST_UNIQ, big, PPPOE_PAYLOAD_MAX - 4), 0);
	pppoe_out_finish(&o);
	assert_int_equal(pppoe_parse(o.buf, o.len, &m), PPPOE_OK);
	assert_int_equal(m.host_uniq.len, PPPOE_PAYLOAD_MAX - 4);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pppoe_drop_name(PPPOE_OK), "ok");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_SHORT), "short");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_ETHERTYPE), "ethertype");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_VERTYPE), "ver-type");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_LENGTH), "length");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_TAG), "tag");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_DUP_TAG), "duplicate-tag");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_CODE), "code");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_SRC), "source");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP_SID), "session-id");
	assert_string_equal(pppoe_drop_name(PPPOE_DROP__MAX), "unknown");
	assert_string_equal(pppoe_drop_name((enum pppoe_drop)-1), "unknown");
	assert_string_equal(pppoe_code_name(PPPOE_PADI), "PADI");
	assert_string_equal(pppoe_code_name(PPPOE_PADO), "PADO");
	assert_string_equal(pppoe_code_name(PPPOE_PADR), "PADR");
	assert_string_equal(pppoe_code_name(PPPOE_PADS), "PADS");
	assert_string_equal(pppoe_code_name(PPPOE_PADT), "PADT");
	assert_null(pppoe_code_name(0));
}

/* ---- the AC-Cookie ---- */

#define T0 1000000
#define LIFE 60
static const uint8_t relay[] = "relay-sid-01";
#define RLEN (sizeof(relay) - 1)

static int check(const struct pppoe_cookie_keys *k, time_t now, const uint8_t *c)
{
	return pppoe_cookie_check(k, now, ac_mac, client_mac, 3, relay, RLEN, c, PPPOE_COOKIE_LEN);
}

static void test_cookie_round_trip(void **state)
{
	struct pppoe_cookie_keys k, other;
	uint8_t c[PPPOE_COOKIE_LEN], c2[PPPOE_COOKIE_LEN];

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	assert_int_equal(k.gen, 0);
	assert_false(k.has_prev);
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[1] << 24 | c[2] << 16 | c[3] << 8 | c[4], T0 + LIFE);
	assert_int_equal(check(&k, T0, c), 0);
	assert_int_equal(check(&k, T0 + LIFE, c), 0); /* refused when now > expiry */
	/* the same inputs, the same cookie: a retransmitted PADI gets the same PADO */
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c2);
	assert_memory_equal(c, c2, sizeof(c));

	/* no Relay-Session-Id */
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, NULL, 0, c);
	assert_int_equal(pppoe_cookie_check(&k, T0 + 1, ac_mac, client_mac, 3, NULL, 0, c, sizeof(c)), 0);

	/* another acd's keys */
	assert_int_equal(pppoe_cookie_init(&other, LIFE, T0), 0);
	pppoe_cookie_make(&other, T0, ac_mac, client_mac, 3, relay, RLEN, c);
	assert_int_equal(check(&k, T0, c), -EBADMSG);

	assert_int_equal(pppoe_cookie_init(&other, 0, T0), -EINVAL);
	assert_int_equal(pppoe_cookie_init(&other, PPPOE_COOKIE_LIFETIME_MAX + 1, T0), -EINVAL);
	assert_int_equal(pppoe_cookie_init(&other, PPPOE_COOKIE_LIFETIME_MAX, T0), 0);
	pppoe_cookie_clear(&k);
	pppoe_cookie_clear(&other);
	assert_int_equal(k.cur[0] | k.cur[31] | k.lifetime, 0);
}

/*
 * The layout of pppoe_cookie.h, pinned: these bytes were computed apart
 * from acd, with Python's hmac module:
 *   hdr = bytes([1]) + struct.pack('>I', 1000030)
 *   mac = hmac.new(key, hdr + ac + client + struct.pack('>II', 2, 12)
 *                  + b'relay-sid-01', hashlib.sha256).digest()[:16]
 * with key bytes 0xa5 ^ i.  The same keys are fuzz_pppoe.c's, whose
 * corpus holds good and expired cookies made the same way.
 */
static void test_cookie_golden(void **state)
{
	static const uint8_t golden[PPPOE_COOKIE_LEN] = {
		0x01, 0x00, 0x0f, 0x42, 0x5e, 0x5b, 0x79, 0x9e, 0x4c, 0x9c, 0x72,
		0x45, 0xa4, 0xa0, 0x07, 0x5b, 0x99, 0xb4, 0x47, 0x2c, 0x1c,
	};
	struct pppoe_cookie_keys k = { .gen = 1, .lifetime = 30, .rotated = T0 };
	uint8_t c[PPPOE_COOKIE_LEN];
	unsigned i;

	(void)state;
	for (i = 0; i < 32; i++)
		k.cur[i] = (uint8_t)(0xa5 ^ i);
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 2, relay, RLEN, c);
	assert_memory_equal(c, golden, sizeof(golden));
	assert_int_equal(pppoe_cookie_check(&k, T0 + 30, ac_mac, client_mac, 2, relay, RLEN, golden,
					    sizeof(golden)),
			 0);
}

/* Each thing the cookie binds, changed alone, makes it not ours. */
static void test_cookie_bound(void **state)
{
	static const uint8_t other_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
	static const uint8_t relay2[] = "relay-sid-02";
	struct pppoe_cookie_keys k;
	uint8_t c[PPPOE_COOKIE_LEN];
	const time_t now = T0 + 5;

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c);
	assert_int_equal(pppoe_cookie_check(&k, now, other_mac, client_mac, 3, relay, RLEN, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, other_mac, 3, relay, RLEN, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, 4, relay, RLEN, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, -3, relay, RLEN, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, 3, relay2, RLEN, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, 3, relay, RLEN - 1, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, 3, NULL, 0, c, sizeof(c)),
			 -EBADMSG);
	/* and the other way: made without a relay id, offered with one */
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, NULL, 0, c);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, 3, relay, RLEN, c, sizeof(c)),
			 -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, now, ac_mac, client_mac, 3, NULL, 0, c, sizeof(c)), 0);
}

static void test_cookie_every_bit(void **state)
{
	struct pppoe_cookie_keys k;
	uint8_t c[PPPOE_COOKIE_LEN];
	unsigned i, bit;

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c);
	for (i = 0; i < sizeof(c); i++)
		for (bit = 0; bit < 8; bit++) {
			c[i] ^= (uint8_t)(1u << bit);
			if (check(&k, T0 + 1, c) != -EBADMSG)
				fail_msg("byte %u bit %u flipped: accepted", i, bit);
			c[i] ^= (uint8_t)(1u << bit);
		}
	assert_int_equal(check(&k, T0 + 1, c), 0);
}

static void test_cookie_expiry(void **state)
{
	struct pppoe_cookie_keys k;
	uint8_t c[PPPOE_COOKIE_LEN];

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c);
	assert_int_equal(check(&k, T0 + LIFE + 1, c), -ETIMEDOUT);
	assert_int_equal(check(&k, T0 + 100000, c), -ETIMEDOUT);
	/* expired AND for someone else: not ours is the answer */
	assert_int_equal(pppoe_cookie_check(&k, T0 + LIFE + 1, ac_mac, client_mac, 4, relay, RLEN, c,
					    sizeof(c)),
			 -EBADMSG);
	/* an expiry further ahead than we ever set: the clock went back */
	assert_int_equal(check(&k, T0 - 1, c), -EBADMSG);
	assert_int_equal(check(&k, T0, c), 0);

	/* the expiry is 32 bits: a clock past 2^32 s compares modulo 2^32 */
	pppoe_cookie_make(&k, 0xfffffff0, ac_mac, client_mac, 3, relay, RLEN, c);
	assert_int_equal(check(&k, 0xfffffff0 + 30, c), 0);
	assert_int_equal(check(&k, 0xfffffff0 + LIFE, c), 0);
	assert_int_equal(check(&k, 0xfffffff0 + LIFE + 1, c), -ETIMEDOUT);
}

static void test_cookie_rotation(void **state)
{
	struct pppoe_cookie_keys k;
	uint8_t c0[PPPOE_COOKIE_LEN], c1[PPPOE_COOKIE_LEN], cur0[32];

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	memcpy(cur0, k.cur, 32);
	pppoe_cookie_make(&k, T0 + 50, ac_mac, client_mac, 3, relay, RLEN, c0);

	pppoe_cookie_rotate(&k, T0 + LIFE - 1); /* not yet */
	assert_int_equal(k.gen, 0);
	assert_false(k.has_prev);
	pppoe_cookie_rotate(&k, T0 - 5); /* a clock gone back rotates nothing */
	assert_int_equal(k.gen, 0);

	pppoe_cookie_rotate(&k, T0 + LIFE);
	assert_int_equal(k.gen, 1);
	assert_true(k.has_prev);
	assert_memory_equal(k.prev, cur0, 32);
	assert_memory_not_equal(k.cur, cur0, 32);
	assert_int_equal(k.rotated, T0 + LIFE);
	/* made with the previous secret: still good for its lifetime */
	assert_int_equal(check(&k, T0 + 100, c0), 0);
	pppoe_cookie_make(&k, T0 + 100, ac_mac, client_mac, 3, relay, RLEN, c1);
	assert_int_equal(c1[0], 1);
	assert_int_equal(check(&k, T0 + 100, c1), 0);

	pppoe_cookie_rotate(&k, T0 + 2 * LIFE - 1);
	assert_int_equal(k.gen, 1);
	pppoe_cookie_rotate(&k, T0 + 2 * LIFE);
	assert_int_equal(k.gen, 2);
	/* two rotations on, the first secret is gone, whatever the time */
	assert_int_equal(check(&k, T0 + 100, c0), -EBADMSG);
	assert_int_equal(check(&k, T0 + 100, c1), 0);

	/* the generation byte wraps; only cur's and prev's are compared */
	k.gen = 255;
	pppoe_cookie_make(&k, T0 + 130, ac_mac, client_mac, 3, relay, RLEN, c0);
	pppoe_cookie_rotate(&k, T0 + 3 * LIFE);
	assert_int_equal(k.gen, 0);
	assert_int_equal(check(&k, T0 + 130, c0), 0);
	c0[0] = 1;
	assert_int_equal(check(&k, T0 + 130, c0), -EBADMSG);
}

static void test_cookie_length(void **state)
{
	struct pppoe_cookie_keys k;
	uint8_t c[PPPOE_COOKIE_LEN + 1] = { 0 };

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	pppoe_cookie_make(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c);
	assert_int_equal(pppoe_cookie_check(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c, 20), -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c, 22), -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c, 0), -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, T0, ac_mac, client_mac, 3, relay, RLEN, NULL, 0), -EBADMSG);
	assert_int_equal(pppoe_cookie_check(&k, T0, ac_mac, client_mac, 3, relay, RLEN, c, 21), 0);
}

/* The cookie from a PADR as the server will check it: out of the parsed frame. */
static void test_cookie_in_frames(void **state)
{
	struct pppoe_cookie_keys k;
	uint8_t c[PPPOE_COOKIE_LEN];
	struct pppoe_msg padi, padr;
	struct pppoe_out o;

	(void)state;
	assert_int_equal(pppoe_cookie_init(&k, LIFE, T0), 0);
	assert_int_equal(pppoe_parse(padi_rp, sizeof(padi_rp), &padi), PPPOE_OK);
	pppoe_cookie_make(&k, T0, ac_mac, padi.src, 7, padi.relay_id.p, padi.relay_id.len, c);

	/* the client's PADR, built from the PADI, with our cookie in it */
	pppoe_out_init(&o, ac_mac, padi.src, PPPOE_PADR, 0);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_SERVICE_NAME, &padi.service_name), 0);
	assert_int_equal(pppoe_out_echo(&o, PPPOE_TAG_HOST_UNIQ, &padi.host_uniq), 0);
	assert_int_equal(pppoe_out_tag(&o, PPPOE_TAG_AC_COOKIE, c, sizeof(c)), 0);
	pppoe_out_finish(&o);
	assert_int_equal(pppoe_parse(o.buf, o.len, &padr), PPPOE_OK);
	assert_int_equal(pppoe_cookie_check(&k, T0 + 1, padr.dst, padr.src, 7, padr.relay_id.p,
					    padr.relay_id.len, padr.cookie.p, padr.cookie.len),
			 0);
	/* the stand-in AC's cookie in the captured PADR is not ours */
	assert_int_equal(pppoe_parse(padr_rp, sizeof(padr_rp), &padr), PPPOE_OK);
	assert_int_equal(pppoe_cookie_check(&k, T0 + 1, padr.dst, padr.src, 7, padr.relay_id.p,
					    padr.relay_id.len, padr.cookie.p, padr.cookie.len),
			 -EBADMSG);
}

/* the i-th of a run of distinct MACs */
static void nth_mac(uint32_t run, uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = (uint8_t)run;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static unsigned found(struct pppoe_refused *r, uint32_t run, uint32_t n, int ifindex, double now)
{
	uint8_t mac[6];
	unsigned hits = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		nth_mac(run, i, mac);
		hits += pppoe_refused_has(r, ifindex, mac, now);
	}
	return hits;
}

static void add_run(struct pppoe_refused *r, uint32_t run, uint32_t n, int ifindex, double now)
{
	uint8_t mac[6];
	uint32_t i;

	for (i = 0; i < n; i++) {
		nth_mac(run, i, mac);
		pppoe_refused_add(r, ifindex, mac, now);
	}
}

/* a full filter: every key added is found; of keys never added (other
 * MACs, or the same MACs on another interface), fewer than 1 in 300 */
static void test_refused_full(void **state)
{
	struct pppoe_refused r;
	unsigned fp_mac, fp_if;

	(void)state;
	assert_int_equal(pppoe_refused_init(&r, 100), 0);
	assert_int_equal(found(&r, 1, 1000, 7, 100), 0);
	add_run(&r, 1, REFUSED_PER_GEN, 7, 100);
	assert_int_equal(found(&r, 1, REFUSED_PER_GEN, 7, 100), REFUSED_PER_GEN);
	fp_mac = found(&r, 2, 100000, 7, 100);
	fp_if = found(&r, 1, 100000, 8, 100);
	print_message("refused: %u and %u false positives in 100000\n", fp_mac, fp_if);
	assert_true(fp_mac < 100000 / 300);
	assert_true(fp_if < 100000 / 300);
	pppoe_refused_free(&r);
	assert_null(r.gen[0]);
	/* freed: nothing is found, nothing is added */
	add_run(&r, 1, 10, 7, 100);
	assert_int_equal(found(&r, 1, 10, 7, 100), 0);
}

/* by count: keys stay through REFUSED_PER_GEN more, then go */
static void test_refused_count(void **state)
{
	struct pppoe_refused r;

	(void)state;
	assert_int_equal(pppoe_refused_init(&r, 0), 0);
	add_run(&r, 1, 1000, 3, 0);
	add_run(&r, 2, REFUSED_PER_GEN - 1000, 3, 0); /* the first filter full */
	add_run(&r, 3, REFUSED_PER_GEN, 3, 0);      /* the second */
	assert_int_equal(found(&r, 1, 1000, 3, 0), 1000);
	assert_int_equal(found(&r, 3, REFUSED_PER_GEN, 3, 0), REFUSED_PER_GEN);
	add_run(&r, 4, 1, 3, 0); /* the first is cleared for it */
	assert_true(found(&r, 1, 1000, 3, 0) < 10);
	assert_int_equal(found(&r, 3, REFUSED_PER_GEN, 3, 0), REFUSED_PER_GEN);
	assert_int_equal(found(&r, 4, 1, 3, 0), 1);
	pppoe_refused_free(&r);
}

/* by time: a key is found REFUSED_GEN_S after it came at least, and gone
 * within three times that, with or without keys added meanwhile */
static void test_refused_time(void **state)
{
	const double t0 = 1000, g = REFUSED_GEN_S;
	struct pppoe_refused r;

	(void)state;
	assert_int_equal(pppoe_refused_init(&r, t0), 0);
	add_run(&r, 1, 1, 9, t0 + g - 1); /* late in the first period */
	assert_int_equal(found(&r, 1, 1, 9, t0 + g), 1);         /* retired once: kept */
	assert_int_equal(found(&r, 1, 1, 9, t0 + 2 * g - 1), 1); /* GEN_S after it came */
	assert_int_equal(found(&r, 1, 1, 9, t0 + 2 * g), 0);     /* retired twice: gone */
	/* a long quiet time: both filters go at once */
	add_run(&r, 2, 1, 9, t0 + 3 * g);
	assert_int_equal(found(&r, 2, 1, 9, t0 + 3 * g + g / 2), 1);
	assert_int_equal(found(&r, 2, 1, 9, t0 + 6 * g), 0);
	pppoe_refused_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_padi),
		cmocka_unit_test(test_padr),
		cmocka_unit_test(test_padt),
		cmocka_unit_test(test_padding_ignored),
		cmocka_unit_test(test_drop_header),
		cmocka_unit_test(test_drop_sid),
		cmocka_unit_test(test_drop_tags),
		cmocka_unit_test(test_tags_lenient),
		cmocka_unit_test(test_tr101),
		cmocka_unit_test(test_builder_round_trip),
		cmocka_unit_test(test_builder_limit),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cookie_round_trip),
		cmocka_unit_test(test_cookie_golden),
		cmocka_unit_test(test_cookie_bound),
		cmocka_unit_test(test_cookie_every_bit),
		cmocka_unit_test(test_cookie_expiry),
		cmocka_unit_test(test_cookie_rotation),
		cmocka_unit_test(test_cookie_length),
		cmocka_unit_test(test_cookie_in_frames),
		cmocka_unit_test(test_refused_full),
		cmocka_unit_test(test_refused_count),
		cmocka_unit_test(test_refused_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
