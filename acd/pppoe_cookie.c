/*
 * pppoe_cookie.c - the stateless AC-Cookie (see pppoe_cookie.h).
 * HMAC-SHA256 from nettle; the secrets and the key-derived hash state are
 * wiped after use.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "pppoe_cookie.h"

#define MAC_LEN 16
#define HDR_LEN 5  /* gen, expiry */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int random_key(uint8_t key[32])
{
	size_t got = 0;

	while (got < 32) {
		ssize_t n = getrandom(key + got, 32 - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	return 0;
}

int pppoe_cookie_init(struct pppoe_cookie_keys *k, unsigned lifetime_s, time_t now)
{
	int rc;

	memset(k, 0, sizeof(*k));
	if (lifetime_s == 0 || lifetime_s > PPPOE_COOKIE_LIFETIME_MAX)
		return -EINVAL;
	if ((rc = random_key(k->cur)) < 0) {
		pppoe_cookie_clear(k);
		return rc;
	}
	k->rotated = now;
	k->lifetime = lifetime_s;
	return 0;
}

void pppoe_cookie_rotate(struct pppoe_cookie_keys *k, time_t now)
{
	uint8_t next[32];

	if (now < k->rotated || now - k->rotated < (time_t)k->lifetime)
		return;
	if (random_key(next) < 0) {
		explicit_bzero(next, sizeof(next));
		return;
	}
	memcpy(k->prev, k->cur, sizeof(k->prev));
	memcpy(k->cur, next, sizeof(k->cur));
	explicit_bzero(next, sizeof(next));
	k->has_prev = true;
	k->gen++;
	k->rotated = now;
}

void pppoe_cookie_clear(struct pppoe_cookie_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}

static void cookie_mac(const uint8_t key[32], const uint8_t hdr[HDR_LEN], const uint8_t ac_mac[6],
		       const uint8_t client_mac[6], int ifindex, const uint8_t *relay,
		       size_t relay_len, uint8_t mac[MAC_LEN])
{
	struct hmac_sha256_ctx ctx;
	uint8_t bound[6 + 6 + 4 + 4];

	memcpy(bound, ac_mac, 6);
	memcpy(bound + 6, client_mac, 6);
	put32(bound + 12, (uint32_t)ifindex);
	put32(bound + 16, (uint32_t)relay_len);
	hmac_sha256_set_key(&ctx, 32, key);
	hmac_sha256_update(&ctx, HDR_LEN, hdr);
	hmac_sha256_update(&ctx, sizeof(bound), bound);
	if (relay_len)
		hmac_sha256_update(&ctx, relay_len, relay);
	/* nettle truncates a digest shorter than the hash's */
	hmac_sha256_digest(&ctx, MAC_LEN, mac);
	explicit_bzero(&ctx, sizeof(ctx));
}

void pppoe_cookie_make(const struct pppoe_cookie_keys *k, time_t now, const uint8_t ac_mac[6],
		       const uint8_t client_mac[6], int ifindex, const uint8_t *relay,
		       size_t relay_len, uint8_t out[PPPOE_COOKIE_LEN])
{
	out[0] = k->gen;
	put32(out + 1, (uint32_t)now + k->lifetime);
	cookie_mac(k->cur, out, ac_mac, client_mac, ifindex, relay, relay_len, out + HDR_LEN);
}

int pppoe_cookie_check(const struct pppoe_cookie_keys *k, time_t now, const uint8_t ac_mac[6],
		       const uint8_t client_mac[6], int ifindex, const uint8_t *relay,
		       size_t relay_len, const uint8_t *cookie, size_t len)
{
	const uint8_t *key;
	uint8_t mac[MAC_LEN];
	uint32_t ahead;
	int ok;

	if (!cookie || len != PPPOE_COOKIE_LEN)
		return -EBADMSG;
	if (cookie[0] == k->gen)
		key = k->cur;
	else if (k->has_prev && cookie[0] == (uint8_t)(k->gen - 1))
		key = k->prev;
	else
		return -EBADMSG;
	/* Seconds from now to the expiry, modulo 2^32: the top half of the
	 * range is the past, so the check never wraps. */
	ahead = get32(cookie + 1) - (uint32_t)now;
	/* We never make an expiry further than lifetime ahead.  A forged one
	 * could not pass the HMAC anyway; refusing it first is cheaper. */
	if (ahead > k->lifetime && ahead < 0x80000000u)
		return -EBADMSG;
	cookie_mac(key, cookie, ac_mac, client_mac, ifindex, relay, relay_len, mac);
	ok = memeql_sec(mac, cookie + HDR_LEN, MAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	if (!ok)
		return -EBADMSG;
	/* Only now is "expired" an answer: a stranger's cookie is just not ours. */
	if (ahead >= 0x80000000u)
		return -ETIMEDOUT;
	return 0;
}
