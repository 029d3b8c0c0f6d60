/*
 * The RFC 5176 server's parts without I/O (acd/coa.h).
 *
 * coa_decide(): which session a verified request names, and whether acd
 * can do what it asks, every branch with its Error-Cause and its words
 * (they are the NAK's log line and show stat's last error), against a
 * session table built here: no root, no kernel, nothing acted on.
 *
 * The replay cache's file: records and header round-trip, every damaged
 * byte is caught, a file that is not one is refused whole, and no byte
 * pattern crashes the parser (the file is acd's own, but a crash while
 * writing, a full disk or an editor can leave anything).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

#include "acd.h"
#include "coa.h"
#include "radattr.h"
#include "radpkt.h"

#ifndef ACD_RADIUS_DICT
#error "ACD_RADIUS_DICT (path of radius-dict/dictionary) must be defined"
#endif

static struct coa_rec sample(uint64_t seq)
{
	struct coa_rec r = { 0 };
	unsigned i;

	r.seq = seq;
	r.when = 1700000000u + (uint32_t)seq;
	r.stale_before = 1699999000u;
	r.family = 4;
	r.addr[0] = 192;
	r.addr[1] = 0;
	r.addr[2] = 2;
	r.addr[3] = 7;
	r.id = (uint8_t)seq;
	for (i = 0; i < RADPKT_AUTH_LEN; i++)
		r.auth[i] = (uint8_t)(seq * 31 + i);
	r.reply_code = RADPKT_COA_NAK;
	r.cause = RADPKT_EC_SESSION_CONTEXT_NOT_FOUND;
	return r;
}

static void test_record_round_trip(void **state)
{
	struct coa_rec in = sample(0x123456789aull), out;
	uint8_t buf[COA_REC_LEN];

	(void)state;
	coa_rec_encode(&in, buf);
	assert_int_equal(coa_rec_decode(buf, &out), 1);
	assert_memory_equal(&in, &out, sizeof(in));

	/* IPv6, an ACK */
	in.family = 6;
	memset(in.addr, 0xfe, sizeof(in.addr));
	in.reply_code = RADPKT_DISCONNECT_ACK;
	in.cause = 0;
	coa_rec_encode(&in, buf);
	assert_int_equal(coa_rec_decode(buf, &out), 1);
	assert_memory_equal(&in, &out, sizeof(in));

	/* all zero: an empty slot */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(coa_rec_decode(buf, &out), 0);
	assert_int_equal(out.seq, 0);
}

/* Any one byte changed, any bit: the check catches it. */
static void test_record_every_byte_checked(void **state)
{
	struct coa_rec in = sample(5), out;
	uint8_t buf[COA_REC_LEN], bad[COA_REC_LEN];
	unsigned i, bit;

	(void)state;
	coa_rec_encode(&in, buf);
	for (i = 0; i < COA_REC_LEN; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, buf, sizeof(bad));
			bad[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(coa_rec_decode(bad, &out), -EBADMSG);
			assert_int_equal(out.seq, 0);
		}
	/* a torn write: the first half new, the second half zeros */
	memcpy(bad, buf, 32);
	memset(bad + 32, 0, 32);
	assert_int_equal(coa_rec_decode(bad, &out), -EBADMSG);
}

/* A record with a valid check but a field out of range is refused too. */
static void test_record_fields(void **state)
{
	struct coa_rec r, out;
	uint8_t buf[COA_REC_LEN];

	(void)state;
	r = sample(0);                  /* seq 0 in a non-empty slot */
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), -EBADMSG);
	r = sample(1);
	r.family = 5;
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), -EBADMSG);
	r = sample(1);
	r.addr[4] = 1;                  /* IPv4 with bytes past its 4 */
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), -EBADMSG);
	r = sample(1);
	r.reply_code = RADPKT_COA_REQUEST; /* not a reply */
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), -EBADMSG);
	r = sample(1);
	r.reply_code = RADPKT_COA_ACK;  /* an ACK with a NAK's cause */
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), -EBADMSG);
	r = sample(1);
	r.cause = 999;
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), -EBADMSG);
	r = sample(1);
	r.cause = 0;                    /* a NAK without Error-Cause: fine */
	coa_rec_encode(&r, buf);
	assert_int_equal(coa_rec_decode(buf, &out), 1);
}

static uint8_t *good_file(void)
{
	uint8_t *f = calloc(1, COA_FILE_LEN);
	struct coa_rec r;

	assert_non_null(f);
	coa_header_encode(COA_CACHE_SLOTS, f);
	r = sample(1);
	coa_rec_encode(&r, f + COA_REC_LEN * 1);          /* slot 0 */
	r = sample(2);
	coa_rec_encode(&r, f + COA_REC_LEN * 2);          /* slot 1 */
	r = sample(3);
	coa_rec_encode(&r, f + COA_REC_LEN * (size_t)COA_CACHE_SLOTS); /* the last slot */
	return f;
}

static void test_file(void **state)
{
	struct coa_rec *recs = malloc(COA_CACHE_SLOTS * sizeof(*recs));
	struct coa_file_report rep;
	uint8_t *f = good_file();
	uint8_t hdr[COA_REC_LEN];

	(void)state;
	assert_non_null(recs);
	assert_int_equal(coa_file_parse(f, COA_FILE_LEN, recs, &rep), 0);
	assert_int_equal(rep.used, 3);
	assert_int_equal(rep.damaged, 0);
	assert_int_equal(recs[0].seq, 1);
	assert_int_equal(recs[1].seq, 2);
	assert_int_equal(recs[2].seq, 0);
	assert_int_equal(recs[COA_CACHE_SLOTS - 1].seq, 3);

	/* one damaged record: only it is lost */
	f[COA_REC_LEN * 2 + 20] ^= 0x40;
	assert_int_equal(coa_file_parse(f, COA_FILE_LEN, recs, &rep), 0);
	assert_int_equal(rep.used, 2);
	assert_int_equal(rep.damaged, 1);
	assert_int_equal(recs[0].seq, 1);
	assert_int_equal(recs[1].seq, 0);
	f[COA_REC_LEN * 2 + 20] ^= 0x40;

	/* not a file of ours, or not of this size: refused whole, said why */
	assert_int_equal(coa_file_parse(f, COA_FILE_LEN - 1, recs, &rep), -EBADMSG);
	assert_string_equal(rep.why, "1048639 bytes, not 1048640");
	assert_int_equal(recs[0].seq, 0);
	assert_int_equal(coa_file_parse(f, 10, recs, &rep), -EBADMSG);
	assert_string_equal(rep.why, "10 bytes, shorter than its header");
	assert_int_equal(coa_file_parse(f, 0, recs, &rep), -EBADMSG);
	memcpy(f, "{\"version\":1,\"se", 16);
	assert_int_equal(coa_file_parse(f, COA_FILE_LEN, recs, &rep), -EBADMSG);
	/* quoted as radattr_escape() quotes what files hold */
	assert_non_null(strstr(rep.why, "not a replay cache (it starts \"{"));
	assert_non_null(strstr(rep.why, "version"));
	coa_header_encode(COA_CACHE_SLOTS, f);
	f[30] = 1;
	assert_int_equal(coa_file_parse(f, COA_FILE_LEN, recs, &rep), -EBADMSG);
	assert_string_equal(rep.why, "its header is damaged");
	coa_header_encode(COA_CACHE_SLOTS / 2, f);
	assert_int_equal(coa_file_parse(f, COA_FILE_LEN, recs, &rep), -EBADMSG);
	assert_string_equal(rep.why, "written for 8192 records of 64 bytes, this acd keeps 16384 of 64");

	coa_header_encode(COA_CACHE_SLOTS, hdr);
	assert_int_equal(coa_header_check(hdr, COA_CACHE_SLOTS, rep.why, sizeof(rep.why)), 0);
	free(f);
	free(recs);
}

/* Random bytes in every part, a fixed seed so a failure repeats: the
 * parser never crashes, and keeps only records that decode. */
static void test_file_random(void **state)
{
	struct coa_rec *recs = malloc(COA_CACHE_SLOTS * sizeof(*recs));
	struct coa_file_report rep;
	uint8_t *f = good_file();
	uint32_t x = 12345;
	unsigned round, i;

	(void)state;
	assert_non_null(recs);
	for (round = 0; round < 200; round++) {
		size_t at, n = 1 + round % 97;

		for (i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			at = (x >> 8) % COA_FILE_LEN;
			if (round % 5 == 0)
				at %= COA_REC_LEN * 4; /* the header and the used slots */
			f[at] = (uint8_t)(x >> 24);
		}
		if (coa_file_parse(f, COA_FILE_LEN, recs, &rep) == 0) {
			unsigned used = 0;

			for (i = 0; i < COA_CACHE_SLOTS; i++)
				if (recs[i].seq) {
					used++;
					assert_true(recs[i].family == 4 || recs[i].family == 6);
				}
			assert_int_equal(used, rep.used);
		} else {
			assert_true(rep.why[0] != '\0');
			coa_header_encode(COA_CACHE_SLOTS, f); /* go on with the records */
		}
	}
	free(f);
	free(recs);
}

/* ---- coa_decide() ---- */

#define SECRET "s3cret"

static struct acd A;

/* A session as ip-up leaves it; the table is newest first, as session.c
 * keeps it. */
static struct session *add_session(const char *ifname, const char *user, const char *ip,
				   const char *mac, const char *sid, uint64_t down, uint64_t up)
{
	struct session *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	snprintf(s->user, sizeof(s->user), "%s", user);
	snprintf(s->ip, sizeof(s->ip), "%s", ip);
	snprintf(s->mac, sizeof(s->mac), "%s", mac);
	snprintf(s->acct_session_id, sizeof(s->acct_session_id), "%s", sid);
	s->radius_down = down;
	s->radius_up = up;
	s->next = A.sess.list;
	A.sess.list = s;
	A.sess.n++;
	return s;
}

static struct session *session_named(const char *ifname)
{
	struct session *s;

	for (s = A.sess.list; s; s = s->next)
		if (strcmp(s->ifname, ifname) == 0)
			return s;
	fail_msg("no session %s", ifname);
	return NULL;
}

static int setup_acd(void **state)
{
	char err[256];

	(void)state;
	memset(&A, 0, sizeof(A));
	config_defaults(&A.cfg);
	snprintf(A.cfg.nas_identifier, sizeof(A.cfg.nas_identifier), "bras-test");
	if (radattr_dict_open(ACD_RADIUS_DICT, &A.rh, err, sizeof(err)) != 0)
		return -1;
	add_session("ppp0", "alice", "10.77.0.2", "02:00:00:00:00:00", "000000000000000A",
		    10240000, 5120000);
	add_session("ppp1", "bob", "10.77.1.2", "02:00:00:00:00:01", "000000000000000B", 0, 0);
	add_session("ppp2", "bob", "10.77.2.2", "02:00:00:00:00:02", "000000000000000C", 0, 0);
	/* its link is gone: ip-down has not come yet, but it is no session to act on */
	add_session("ppp3", "carol", "10.77.3.2", "02:00:00:00:00:03", "000000000000000D", 0, 0)
		->gone = true;
	add_session("ppp10", "dave", "10.77.10.2", "02:00:00:00:00:aa", "0000000000000010", 0, 0);
	snprintf(session_named("ppp1")->ipv6_prefix, sizeof(session_named("ppp1")->ipv6_prefix),
		 "2001:db8:0:1::/64");
	return 0;
}

static int teardown_acd(void **state)
{
	struct session *s, *next;

	(void)state;
	for (s = A.sess.list; s; s = next) {
		next = s->next;
		free(s);
	}
	rc_destroy(A.rh);
	memset(&A, 0, sizeof(A));
	return 0;
}

/* A request being built, then decided. */
struct req {
	struct radpkt_builder b;
	struct radpkt p;
};

static struct radpkt_builder *req(struct req *r, uint8_t code)
{
	assert_int_equal(radpkt_request_init(&r->b, code, 42), 0);
	return &r->b;
}

static void decide(struct req *r, struct coa_decision *d)
{
	int n = radpkt_finish(&r->b, SECRET, sizeof(SECRET) - 1);

	assert_true(n > 0);
	assert_int_equal(radpkt_parse(r->b.buf, (size_t)n, &r->p), 0);
	/* what is decided is stale after: fill it with rubbish first */
	memset(d, 0xa5, sizeof(*d));
	coa_decide(&A, &r->p, d);
}

/* Accepted: names exactly this session, nothing answered yet. */
static void assert_names(const struct coa_decision *d, const char *ifname)
{
	if (!d->s)
		fail_msg("refused %u: %s", d->v.cause, d->v.why);
	assert_string_equal(d->s->ifname, ifname);
	assert_int_equal(d->matches, 1);
	assert_false(d->v.ack);
	assert_int_equal(d->v.cause, 0);
	assert_string_equal(d->v.why, "");
}

static void assert_nak(const struct coa_decision *d, uint32_t cause, const char *why)
{
	if (d->s)
		fail_msg("accepted for %s, want NAK %u", d->s->ifname, cause);
	assert_false(d->v.ack);
	assert_int_equal(d->v.cause, cause);
	assert_string_equal(d->v.why, why);
}

static void add_rp_down(struct radpkt_builder *b, uint32_t kbit)
{
	radpkt_add_vsa_u32(b, 10055, 2, kbit);
}

/* Each identification attribute alone, in a Disconnect-Request. */
static void test_decide_identify(void **state)
{
	static const uint8_t ip2[4] = { 10, 77, 2, 2 }, ip9[4] = { 10, 77, 9, 9 };
	struct radpkt_builder *b;
	struct coa_decision d;
	struct req r;

	(void)state;
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "alice");
	decide(&r, &d);
	assert_names(&d, "ppp0");

	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_ACCT_SESSION_ID,
		       "000000000000000C");
	decide(&r, &d);
	assert_names(&d, "ppp2");

	radpkt_add(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_FRAMED_IP_ADDRESS, ip2, 4);
	decide(&r, &d);
	assert_names(&d, "ppp2");
	radpkt_add(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_FRAMED_IP_ADDRESS, ip9, 4);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");

	/* Framed-IPv6-Prefix (RFC 3162 2.3): the session's /64, sent short or in
	 * 16 bytes; another prefix or length matches nothing */
	{
		static const uint8_t p8[] = { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
		static const uint8_t p16[] = { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
					       0, 0, 0, 0, 0, 0, 0, 0 };
		static const uint8_t other[] = { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2 };
		static const uint8_t len56[] = { 0, 56, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0 };

		radpkt_add(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_FRAMED_IPV6_PREFIX, p8,
			   sizeof(p8));
		decide(&r, &d);
		assert_names(&d, "ppp1");
		radpkt_add(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_FRAMED_IPV6_PREFIX, p16,
			   sizeof(p16));
		decide(&r, &d);
		assert_names(&d, "ppp1");
		radpkt_add(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_FRAMED_IPV6_PREFIX, other,
			   sizeof(other));
		decide(&r, &d);
		assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
		radpkt_add(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_FRAMED_IPV6_PREFIX, len56,
			   sizeof(len56));
		decide(&r, &d);
		assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
		/* with User-Name: both must hold */
		b = req(&r, RADPKT_DISCONNECT_REQUEST);
		radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
		radpkt_add(b, RADPKT_ATTR_FRAMED_IPV6_PREFIX, p8, sizeof(p8));
		decide(&r, &d);
		assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	}

	/* Calling-Station-Id in any of the usual MAC notations, any case */
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_CALLING_STATION_ID,
		       "02:00:00:00:00:01");
	decide(&r, &d);
	assert_names(&d, "ppp1");
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_CALLING_STATION_ID,
		       "02-00-00-00-00-01");
	decide(&r, &d);
	assert_names(&d, "ppp1");
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_CALLING_STATION_ID,
		       "0200.0000.00AA");
	decide(&r, &d);
	assert_names(&d, "ppp10");
	/* not a MAC: matches no session (not even a session without one) */
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_CALLING_STATION_ID,
		       "02:00:00:00:00:0g");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_CALLING_STATION_ID,
		       "02:00:00:00:00:01:02");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");

	/* NAS-Port-Id is the interface, NAS-Port its unit (pppd's radius.so) */
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT_ID, "ppp1");
	decide(&r, &d);
	assert_names(&d, "ppp1");
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT_ID, "ppp");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	radpkt_add_u32(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT, 10);
	decide(&r, &d);
	assert_names(&d, "ppp10");
	radpkt_add_u32(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT, 1);
	decide(&r, &d);
	assert_names(&d, "ppp1");
	radpkt_add_u32(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT, 7);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	/* another interface prefix: ppp1 is not unit 1 of it */
	snprintf(A.cfg.ifprefix, sizeof(A.cfg.ifprefix), "pp");
	radpkt_add_u32(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT, 1);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
}

/* Several attributes: a session must match every one. */
static void test_decide_combined(void **state)
{
	static const uint8_t ip1[4] = { 10, 77, 1, 2 };
	struct radpkt_builder *b;
	struct coa_decision d;
	struct req r;

	(void)state;
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "bob");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_MULTIPLE_SESSION_SELECTION_UNSUPPORTED,
		   "2 sessions match: identify one (e.g. by Acct-Session-Id or Framed-IP-Address)");
	assert_int_equal(d.matches, 2);

	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "bob");
	radpkt_add(b, RADPKT_ATTR_FRAMED_IP_ADDRESS, ip1, 4);
	decide(&r, &d);
	assert_names(&d, "ppp1");

	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "bob");
	radpkt_add_str(b, RADPKT_ATTR_NAS_PORT_ID, "ppp2");
	radpkt_add_str(b, RADPKT_ATTR_ACCT_SESSION_ID, "000000000000000C");
	decide(&r, &d);
	assert_names(&d, "ppp2");

	/* alice's name with bob's address: no session is both */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_FRAMED_IP_ADDRESS, ip1, 4);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	assert_int_equal(d.matches, 0);

	/* all six, and the attributes a request may carry besides */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_PROXY_STATE, "proxy-1");
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "bob");
	radpkt_add_str(b, RADPKT_ATTR_ACCT_SESSION_ID, "000000000000000B");
	radpkt_add(b, RADPKT_ATTR_FRAMED_IP_ADDRESS, ip1, 4);
	radpkt_add_str(b, RADPKT_ATTR_CALLING_STATION_ID, "02:00:00:00:00:01");
	radpkt_add_str(b, RADPKT_ATTR_NAS_PORT_ID, "ppp1");
	radpkt_add_u32(b, RADPKT_ATTR_NAS_PORT, 1);
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "bras-test");
	radpkt_add_u32(b, RADPKT_ATTR_EVENT_TIMESTAMP, 1700000000);
	radpkt_add_u32(b, RADPKT_ATTR_SERVICE_TYPE, 2); /* Framed-User */
	radpkt_add_str(b, RADPKT_ATTR_STATE, "state");
	radpkt_add_str(b, RADPKT_ATTR_REPLY_MESSAGE, "bye");
	radpkt_add_u32(b, RADPKT_ATTR_ACCT_TERMINATE_CAUSE, 6); /* Admin-Reset */
	radpkt_add_str(b, RADPKT_ATTR_PROXY_STATE, "proxy-2");
	decide(&r, &d);
	assert_names(&d, "ppp1");

	/* a session whose link is gone is never named */
	radpkt_add_str(req(&r, RADPKT_COA_REQUEST), RADPKT_ATTR_USER_NAME, "carol");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_NAS_PORT_ID, "ppp3");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	session_named("ppp2")->gone = true; /* bob is one session now */
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "bob");
	decide(&r, &d);
	assert_names(&d, "ppp1");
}

static void test_decide_no_match(void **state)
{
	struct radpkt_builder *b;
	struct session *head;
	struct coa_decision d;
	struct req r;

	(void)state;
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "mallory");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
	/* a prefix of a name is not the name */
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "alic");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");

	/* nothing that identifies: the rates alone, or the NAS alone */
	add_rp_down(req(&r, RADPKT_COA_REQUEST), 2048);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_MISSING_ATTRIBUTE,
		   "no session identification (User-Name, Acct-Session-Id, Framed-IP-Address, "
		   "Framed-IPv6-Prefix, Calling-Station-Id, NAS-Port-Id or NAS-Port)");
	assert_int_equal(d.matches, 0);
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "bras-test");
	radpkt_add_u32(b, RADPKT_ATTR_EVENT_TIMESTAMP, 1700000000);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_MISSING_ATTRIBUTE);
	/* an empty session table */
	head = A.sess.list;
	A.sess.list = NULL;
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "alice");
	decide(&r, &d);
	A.sess.list = head;
	assert_nak(&d, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
}

/* What a request may not carry: 401, 404, 405. */
static void test_decide_refused(void **state)
{
	static const uint8_t short_ip[3] = { 10, 77, 0 };
	struct radpkt_builder *b;
	struct coa_decision d;
	struct req r;

	(void)state;
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, 25, "gold"); /* Class */
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_UNSUPPORTED_ATTRIBUTE, "Class is not supported in a CoA-Request");

	/* rates in a Disconnect-Request */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_FILTER_ID, "1024/512");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_UNSUPPORTED_ATTRIBUTE,
		   "Filter-Id is not supported in a Disconnect-Request");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	add_rp_down(b, 2048);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_UNSUPPORTED_ATTRIBUTE,
		   "RP-Downstream-Speed-Limit is not supported in a Disconnect-Request");
	/* a known vendor's attribute that sets no rate */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_vsa_u32(b, 10055, 3, 1); /* RP-Max-Sessions-Per-User */
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_UNSUPPORTED_ATTRIBUTE);
	assert_non_null(strstr(d.v.why, " is not supported in a CoA-Request"));

	/* unknown to the dictionary */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, 250, "x");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_UNSUPPORTED_ATTRIBUTE, "unknown attribute 250");
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_vsa_u32(b, 9, 1, 1);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_UNSUPPORTED_ATTRIBUTE, "Vendor-Specific of unknown vendor 9");

	/* malformed: the wrong size for its type */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_FRAMED_IP_ADDRESS, short_ip, sizeof(short_ip));
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_INVALID_REQUEST,
		   "Framed-IP-Address: 3-byte value is the wrong size for its type");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_PORT, "\0\0\1", 3);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_INVALID_REQUEST,
		   "NAS-Port: 3-byte value is the wrong size for its type");

	/* a once-only attribute twice (RFC 5176 §3.5) */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "bob");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_INVALID_REQUEST,
		   "User-Name (attribute 1) 2 times; RFC 5176 allows at most one");

	/* Service-Type Authorize-Only asks acd to fetch the policy itself */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_u32(b, RADPKT_ATTR_SERVICE_TYPE, RADPKT_SERVICE_AUTHORIZE_ONLY);
	radpkt_add_str(b, RADPKT_ATTR_STATE, "state");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_UNSUPPORTED_SERVICE,
		   "Service-Type Authorize-Only is not supported (send the new rates)");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_u32(b, RADPKT_ATTR_SERVICE_TYPE, RADPKT_SERVICE_AUTHORIZE_ONLY);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_UNSUPPORTED_SERVICE);
}

/* RFC 5176 §3: the NAS identification must name this NAS (403). */
static void test_decide_nas(void **state)
{
	static const uint8_t nas4[4] = { 192, 0, 2, 1 }, other4[4] = { 192, 0, 2, 9 },
			     test4[4] = { 198, 51, 100, 77 };
	static const uint8_t nas6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
			     other6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct radpkt_builder *b;
	struct coa_decision d;
	char host[256] = "";
	struct req r;
	FILE *f;

	(void)state;
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "bras-test");
	decide(&r, &d);
	assert_names(&d, "ppp0");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "bras-other");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
		   "NAS-Identifier \"bras-other\" is not this NAS (\"bras-test\")");
	/* quoted escaped, as radattr_quote() does */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "a\"b\n");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
		   "NAS-Identifier \"a\\042b\\012\" is not this NAS (\"bras-test\")");
	/* without nas-identifier, the host name is ours */
	A.cfg.nas_identifier[0] = '\0';
	gethostname(host, sizeof(host) - 1);
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, host);
	decide(&r, &d);
	assert_names(&d, "ppp0");

	/* nas-ip: the one address that is ours */
	snprintf(A.cfg.nas_ip, sizeof(A.cfg.nas_ip), "192.0.2.1");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_IP_ADDRESS, nas4, 4);
	decide(&r, &d);
	assert_names(&d, "ppp0");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_IP_ADDRESS, other4, 4);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
		   "NAS-IP-Address 192.0.2.9 is not this NAS");
	/* checked before the dictionary's size check, so said here */
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_IP_ADDRESS, nas4, 3);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH, "NAS-IP-Address of 3 bytes");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_IPV6_ADDRESS, nas4, 4);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH, "NAS-IPv6-Address of 4 bytes");

	snprintf(A.cfg.nas_ip, sizeof(A.cfg.nas_ip), "2001:db8::1");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_IPV6_ADDRESS, nas6, 16);
	decide(&r, &d);
	assert_names(&d, "ppp0");
	b = req(&r, RADPKT_DISCONNECT_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add(b, RADPKT_ATTR_NAS_IPV6_ADDRESS, other6, 16);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
		   "NAS-IPv6-Address 2001:db8::2 is not this NAS");

	/* without nas-ip, any address of this host: TEST-NET-2 is none
	 * (unless the host binds addresses it does not have) */
	A.cfg.nas_ip[0] = '\0';
	f = fopen("/proc/sys/net/ipv4/ip_nonlocal_bind", "r");
	if (f && fgetc(f) == '0') {
		b = req(&r, RADPKT_DISCONNECT_REQUEST);
		radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
		radpkt_add(b, RADPKT_ATTR_NAS_IP_ADDRESS, test4, 4);
		decide(&r, &d);
		assert_nak(&d, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
			   "NAS-IP-Address 198.51.100.77 is not this NAS");
	}
	if (f)
		fclose(f);
}

/* What a CoA asks: rates per direction, the session's RADIUS rate for the
 * one it leaves out; 407 and 402. */
static void test_decide_rates(void **state)
{
	struct radpkt_builder *b;
	struct coa_decision d;
	struct req r;

	(void)state;
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	add_rp_down(b, 2048);
	decide(&r, &d);
	assert_names(&d, "ppp0");
	assert_int_equal(d.down, 2048000);
	assert_int_equal(d.up, 5120000); /* alice's RADIUS upload */
	assert_string_equal(d.src, "coa:RP-Downstream-Speed-Limit");

	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_vsa_u32(b, 10055, 1, 1024); /* RP-Upstream-Speed-Limit */
	decide(&r, &d);
	assert_names(&d, "ppp0");
	assert_int_equal(d.down, 10240000);
	assert_int_equal(d.up, 1024000);
	assert_string_equal(d.src, "coa:RP-Upstream-Speed-Limit");

	/* MikroTik's rx/tx is the router's view: rx is the upload */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_NAS_PORT_ID, "ppp1");
	radpkt_add_vsa(b, 14988, 8, "2M/10M", 6);
	decide(&r, &d);
	assert_names(&d, "ppp1");
	assert_int_equal(d.down, 10000000);
	assert_int_equal(d.up, 2000000);
	assert_string_equal(d.src, "coa:Mikrotik-Rate-Limit");

	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_NAS_PORT_ID, "ppp1");
	radpkt_add_str(b, RADPKT_ATTR_FILTER_ID, "4096/1024");
	decide(&r, &d);
	assert_names(&d, "ppp1");
	assert_int_equal(d.down, 4096000);
	assert_int_equal(d.up, 1024000);
	assert_string_equal(d.src, "coa:Filter-Id");

	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_vsa_u32(b, 14122, 8, 3000000); /* WISPr-Bandwidth-Max-Down, bit/s */
	decide(&r, &d);
	assert_names(&d, "ppp0");
	assert_int_equal(d.down, 3000000);
	assert_int_equal(d.up, 5120000);
	assert_string_equal(d.src, "coa:WISPr-Bandwidth-Max-Down");

	/* two sources: each direction from the first in the order that gives it */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_vsa_u32(b, 14122, 7, 768000); /* WISPr-Bandwidth-Max-Up */
	add_rp_down(b, 8192);
	decide(&r, &d);
	assert_names(&d, "ppp0");
	assert_int_equal(d.down, 8192000);
	assert_int_equal(d.up, 768000);
	assert_string_equal(d.src, "coa:RP-Downstream-Speed-Limit");

	/* a malformed rate: 407, the policy's warning */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_vsa(b, 14988, 8, "10Q/5M", 6);
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_INVALID_ATTRIBUTE_VALUE,
		   "Mikrotik-Rate-Limit \"10Q/5M\" (line 2): rate \"10Q\": unknown unit \"Q\" "
		   "(use k, M, G or T); using the default policy (unshaped)");
	assert_int_equal(d.matches, 1);
	/* over the shaper's limit: 4294967295 kbit/s (radattr.so writes -1) */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	add_rp_down(b, 0xffffffffu);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_INVALID_ATTRIBUTE_VALUE);
	assert_non_null(strstr(d.v.why, "RP-Downstream-Speed-Limit"));
	/* only the first of a repeated rate counts */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	add_rp_down(b, 1000000);
	add_rp_down(b, 1024);
	decide(&r, &d);
	assert_names(&d, "ppp0");
	assert_int_equal(d.down, 1000000000);

	/* no rate at all: 402; a Filter-Id that names a filter is no rate */
	radpkt_add_str(req(&r, RADPKT_COA_REQUEST), RADPKT_ATTR_USER_NAME, "alice");
	decide(&r, &d);
	assert_nak(&d, RADPKT_EC_MISSING_ATTRIBUTE,
		   "no rate attribute (RP-*-Speed-Limit, Mikrotik-Rate-Limit, "
		   "WISPr-Bandwidth-Max-*, Filter-Id)");
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_FILTER_ID, "gold-plan");
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_MISSING_ATTRIBUTE);
	assert_null(d.s);
	/* the policy's order leaves a source out: its rate is no rate */
	A.cfg.policy.order[0] = POLICY_SRC_MIKROTIK;
	A.cfg.policy.norder = 1;
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	add_rp_down(b, 2048);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_MISSING_ATTRIBUTE);
	/* the configured default policy is not a CoA's rate */
	config_defaults(&A.cfg);
	snprintf(A.cfg.nas_identifier, sizeof(A.cfg.nas_identifier), "bras-test");
	A.cfg.policy.default_down = A.cfg.policy.default_up = 5000000;
	radpkt_add_str(req(&r, RADPKT_COA_REQUEST), RADPKT_ATTR_USER_NAME, "alice");
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_MISSING_ATTRIBUTE);
	/* a Disconnect-Request asks no rates */
	radpkt_add_str(req(&r, RADPKT_DISCONNECT_REQUEST), RADPKT_ATTR_USER_NAME, "alice");
	decide(&r, &d);
	assert_names(&d, "ppp0");
	assert_int_equal(d.down, 0);
	assert_int_equal(d.up, 0);
	assert_string_equal(d.src, "");
}

/* The first failure in coa.h's order is the NAK. */
static void test_decide_order(void **state)
{
	struct radpkt_builder *b;
	struct coa_decision d;
	struct req r;

	(void)state;
	/* repeated (404) before another NAS (403) */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "bras-other");
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "alice");
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_INVALID_REQUEST);
	/* another NAS (403) before an unsupported attribute (401) */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, 25, "gold");
	radpkt_add_str(b, RADPKT_ATTR_NAS_IDENTIFIER, "bras-other");
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH);
	/* unsupported (401) and Authorize-Only (405): in packet order */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_u32(b, RADPKT_ATTR_SERVICE_TYPE, RADPKT_SERVICE_AUTHORIZE_ONLY);
	radpkt_add_str(b, 25, "gold");
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_UNSUPPORTED_SERVICE);
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, 25, "gold");
	radpkt_add_u32(b, RADPKT_ATTR_SERVICE_TYPE, RADPKT_SERVICE_AUTHORIZE_ONLY);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_UNSUPPORTED_ATTRIBUTE);
	/* unsupported (401) before no identification (402) */
	radpkt_add_str(req(&r, RADPKT_COA_REQUEST), 25, "gold");
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_UNSUPPORTED_ATTRIBUTE);
	/* the session before the rates: no identification, no match, two */
	add_rp_down(req(&r, RADPKT_COA_REQUEST), 0xffffffffu); /* malformed */
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_MISSING_ATTRIBUTE);
	assert_non_null(strstr(d.v.why, "no session identification"));
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "mallory");
	radpkt_add_vsa(b, 14988, 8, "10Q/5M", 6);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND);
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "bob");
	radpkt_add_vsa(b, 14988, 8, "10Q/5M", 6);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_MULTIPLE_SESSION_SELECTION_UNSUPPORTED);
	/* and with one session: 407 */
	b = req(&r, RADPKT_COA_REQUEST);
	radpkt_add_str(b, RADPKT_ATTR_USER_NAME, "dave");
	add_rp_down(b, 0xffffffffu);
	decide(&r, &d);
	assert_int_equal(d.v.cause, RADPKT_EC_INVALID_ATTRIBUTE_VALUE);
	assert_int_equal(d.matches, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_every_byte_checked),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_random),
		cmocka_unit_test_setup_teardown(test_decide_identify, setup_acd, teardown_acd),
		cmocka_unit_test_setup_teardown(test_decide_combined, setup_acd, teardown_acd),
		cmocka_unit_test_setup_teardown(test_decide_no_match, setup_acd, teardown_acd),
		cmocka_unit_test_setup_teardown(test_decide_refused, setup_acd, teardown_acd),
		cmocka_unit_test_setup_teardown(test_decide_nas, setup_acd, teardown_acd),
		cmocka_unit_test_setup_teardown(test_decide_rates, setup_acd, teardown_acd),
		cmocka_unit_test_setup_teardown(test_decide_order, setup_acd, teardown_acd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
