/*
 * The CoA replay cache's file (acd/coa.h): records and header round-trip,
 * every damaged byte is caught, a file that is not one is refused whole,
 * and no byte pattern crashes the parser (the file is acd's own, but a
 * crash while writing, a full disk or an editor can leave anything).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coa.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_every_byte_checked),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
