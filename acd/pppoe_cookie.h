/*
 * pppoe_cookie.h - the stateless AC-Cookie: a PADI makes acd keep nothing.
 * The PADO carries a cookie that proves, when it comes back in a PADR,
 * that we sent it, to this client, on this interface, through this relay,
 * recently.
 *
 * The cookie (PPPOE_COOKIE_LEN bytes):
 *
 *   gen(1) expiry(4, big-endian seconds) mac(16)
 *
 * mac is HMAC-SHA256 truncated to 16 bytes, keyed with the secret of
 * generation gen, over
 *
 *   gen(1) expiry(4) ac_mac(6) client_mac(6) ifindex(4)
 *   relay_len(4) relay(relay_len)
 *
 * (numbers big-endian; the length prefix keeps relay ids from running
 * into each other; an absent Relay-Session-Id and an empty one are the
 * same).  Secrets are 32 random bytes from getrandom(2), never written
 * anywhere: a restarted acd refuses the old cookies and the client sends
 * a new PADI, as RFC 2516 has it retry anyway.  The secret rotates every
 * lifetime seconds and the previous one is still accepted for one more
 * period, so a cookie lives its whole lifetime across a rotation.
 *
 * "now" is any clock in seconds the caller uses for all calls: a
 * monotonic one (CLOCK_MONOTONIC) does not refuse good cookies when the
 * wall clock steps.  The expiry is 32 bits: a clock past 2106 wraps.
 */
#ifndef ACD_PPPOE_COOKIE_H
#define ACD_PPPOE_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PPPOE_COOKIE_LEN 21
/* The longest lifetime pppoe_cookie_init() takes: a cookie is for the
 * seconds between a PADO and its PADR, not for a day. */
#define PPPOE_COOKIE_LIFETIME_MAX 86400u

struct pppoe_cookie_keys {
	uint8_t cur[32], prev[32];  /* secrets of generation gen and gen - 1 */
	uint8_t gen;
	bool has_prev;
	time_t rotated;             /* when cur was made */
	unsigned lifetime;          /* seconds: of a cookie, and of a secret as cur */
};

/* Fresh keys, generation 0, no previous secret.  0, -EINVAL for a
 * lifetime of 0 or over PPPOE_COOKIE_LIFETIME_MAX, or getrandom(2)'s
 * -errno (k is wiped then). */
int pppoe_cookie_init(struct pppoe_cookie_keys *k, unsigned lifetime_s, time_t now);

/* When now >= rotated + lifetime: prev = cur, a new cur, gen + 1 (it
 * wraps: only cur's and prev's generations are ever compared).  Call it
 * before making or checking cookies, or from a timer.  Should getrandom
 * fail, the keys stay as they are and the next call tries again. */
void pppoe_cookie_rotate(struct pppoe_cookie_keys *k, time_t now);

/* Wipe the secrets (on exit, or before freeing k). */
void pppoe_cookie_clear(struct pppoe_cookie_keys *k);

/* The cookie for a PADO, with the current secret; expiry = now + lifetime. */
void pppoe_cookie_make(const struct pppoe_cookie_keys *k, time_t now, const uint8_t ac_mac[6],
		       const uint8_t client_mac[6], int ifindex, const uint8_t *relay,
		       size_t relay_len, uint8_t out[PPPOE_COOKIE_LEN]);

/*
 * Check the cookie of a PADR (cookie, len bytes, as received) against what
 * the PADR says of itself.  0: ours, for this client, interface and relay
 * id, unexpired.  -EBADMSG: not ours (wrong length, a generation neither
 * cur nor prev, an expiry further than lifetime ahead, a MAC that does not
 * match: forged, corrupted, or made for another client, interface or
 * relay id).  -ETIMEDOUT: ours, but now > expiry.
 */
int pppoe_cookie_check(const struct pppoe_cookie_keys *k, time_t now, const uint8_t ac_mac[6],
		       const uint8_t client_mac[6], int ifindex, const uint8_t *relay,
		       size_t relay_len, const uint8_t *cookie, size_t len);

#endif
