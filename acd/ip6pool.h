/*
 * ip6pool.h - IPv6 prefix pools: a range such as 2001:db8:100::/40 cut into
 * equal prefixes (/64 for a session's link, /56 delegated), handed out one
 * per session and taken back.  Pure: no I/O, no clock; acd/ipv6.c keeps the
 * pools of [ipv6] and persists what is handed out in the state file.
 *
 * Memory is O(prefixes in use, and remembered), not O(pool size): a /32
 * cut into /64s has 2^32 prefixes.  A pool may hold at most 2^32 prefixes
 * (len - pool len <= 32).  Sticky pools remember which user had which
 * prefix, so a user who dials again gets the same prefix back while it is
 * free: a remembered prefix is handed to someone else only when no other
 * is free (or when ip6pool_take names it).  Bounded: at most
 * IP6POOL_STICKY_MAX released prefixes are remembered, the oldest released
 * is forgotten first.
 *
 * ip6pool_alloc, _take and _release cost O(log size) hash look-ups, at
 * most about 30 for a 2^32 pool, however full the pool and however its
 * free prefixes are spread (uthash's table doubling: an add is amortized
 * O(1)); no scan over the prefixes in use.
 */
#ifndef ACD_IP6POOL_H
#define ACD_IP6POOL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip6pool;

#define IP6POOL_STICKY_MAX 65536        /* released prefixes a sticky pool remembers */

/*
 * A pool of the prefixes of length len inside base/base_len (base's bits
 * past base_len must be zero), sticky by user or not.  NULL with errno:
 * EINVAL (len < base_len, len > 128, more than 2^32 prefixes, host bits
 * set), ENOMEM.
 */
struct ip6pool *ip6pool_new(const struct in6_addr *base, uint8_t base_len, uint8_t len,
			    bool sticky);
void ip6pool_free(struct ip6pool *p);

/*
 * A free prefix for user (may be NULL or "": not remembered) into *out: in
 * a sticky pool the one user had last if it is free, else the
 * lowest-numbered free one after the last handed out (wrapping), so a
 * prefix just released is not the next one handed out while others are
 * free (its subscriber's CPE may still use it).  0, or -ENOSPC (the pool is
 * full), -ENOMEM (the pool unchanged).
 */
int ip6pool_alloc(struct ip6pool *p, const char *user, struct in6_addr *out);
/*
 * Take exactly prefix (a restart restoring a lease, or RADIUS naming one
 * inside the pool) for user; in a sticky pool it becomes user's, and
 * whoever else remembered it forgets it.  The search position of
 * ip6pool_alloc does not move.  0, -EINVAL (not one of the pool's
 * prefixes: outside it, or not on a boundary), -EEXIST (already in use),
 * -ENOMEM (the pool unchanged).
 */
int ip6pool_take(struct ip6pool *p, const struct in6_addr *prefix, const char *user);
/* Give prefix back: 0, or -ENOENT (not in use). */
int ip6pool_release(struct ip6pool *p, const struct in6_addr *prefix);
/*
 * Where ip6pool_alloc's next search starts (the prefix after the last one
 * it handed out), and setting it: a restart that restores the leases with
 * ip6pool_take can restore this too, so that it does not begin again at
 * the pool's first prefix, among prefixes released just before.  Seek:
 * 0, or -EINVAL (not one of the pool's prefixes).
 */
void ip6pool_next(const struct ip6pool *p, struct in6_addr *out);
int ip6pool_seek(struct ip6pool *p, const struct in6_addr *prefix);
/* Is prefix one of the pool's prefixes (inside, on a boundary)? */
bool ip6pool_contains(const struct ip6pool *p, const struct in6_addr *prefix);

uint64_t ip6pool_size(const struct ip6pool *p);     /* prefixes in all */
uint64_t ip6pool_used(const struct ip6pool *p);     /* handed out now */
uint8_t ip6pool_prefix_len(const struct ip6pool *p);

#endif
