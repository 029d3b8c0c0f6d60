/*
 * ip6pool.c - see ip6pool.h.
 *
 * A prefix is its index in the pool, 0 .. size-1 (size = 2^(len - base_len)
 * <= 2^32): prefix = base | index << (128 - len).
 *
 * Which indexes are occupied (handed out, or free but remembered for a
 * user of a sticky pool) is a 64-ary tree of bitmap words kept in one
 * uthash, each word present only while it has a bit set.  Level 0 has a
 * bit per index; a bit of level k+1 says that word of level k is full
 * (all 64 bits set).  The top level is one word, with fewer than 64 valid
 * bits when the pool is small.  Finding the first free index at or after
 * the cursor climbs while the words have nothing free from the position,
 * then descends to the first free bit of the first non-full word: at most
 * 2 * 6 word look-ups for a 2^32 pool, however many prefixes are in use and
 * however they are spread.  There are at most `occupied` words at level 0,
 * and 1/64 as many at each level up: memory O(prefixes occupied).
 *
 * Sticky memories (struct ip6mem) are indexed both by index and by user:
 * each user has at most one, each index at most one.  A held memory's
 * index is in use; a released one's is free but occupied in the tree, so
 * the cursor passes over it.  When nothing else is free, or more than
 * IP6POOL_STICKY_MAX are released, the oldest released one is forgotten.
 *
 * Every function that can fail for memory allocates first and changes the
 * pool only when nothing more can fail: an -ENOMEM leaves the pool as it
 * was.  uthash is built with HASH_NONFATAL_OOM: an add that cannot grow the
 * table leaves the item out (its hh.tbl NULL) instead of exit().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "ip6pool.h"

#define LEVELS_MAX 6                   /* 32 index bits, 6 per level */

/* 64 bits of the tree: level << 32 | the word's number in its level */
struct occword {
	uint64_t key;
	uint64_t bits;
	UT_hash_handle hh;
};

/* A user's prefix in a sticky pool, in use (held) or released */
struct ip6mem {
	uint32_t idx;
	bool held;
	struct ip6mem *older, *newer;  /* the released ones, oldest first */
	UT_hash_handle hi;             /* by idx */
	UT_hash_handle hu;             /* by user */
	char user[];
};

struct ip6pool {
	uint64_t base[2];              /* the pool's prefix, host order, [0] the high half */
	uint64_t size;                 /* prefixes, 1 .. 2^32 */
	uint64_t used;
	uint64_t cursor;               /* where the next search starts: after the last handed out */
	uint8_t base_len, len;
	uint8_t bits;                  /* len - base_len: the index's bits */
	uint8_t top;                   /* the tree's top level */
	bool sticky;
	struct occword *words;
	struct ip6mem *by_idx, *by_user;
	struct ip6mem *oldest, *newest;
	size_t released;               /* memories not held */
};

/* --- 128-bit addresses as two host-order halves --- */

static void addr_get(const struct in6_addr *a, uint64_t v[2])
{
	v[0] = v[1] = 0;
	for (int i = 0; i < 8; i++) {
		v[0] = v[0] << 8 | a->s6_addr[i];
		v[1] = v[1] << 8 | a->s6_addr[i + 8];
	}
}

static void addr_put(const uint64_t v[2], struct in6_addr *a)
{
	for (int i = 0; i < 8; i++) {
		a->s6_addr[7 - i] = (uint8_t)(v[0] >> (8 * i));
		a->s6_addr[15 - i] = (uint8_t)(v[1] >> (8 * i));
	}
}

/* the first n bits set, n <= 128 */
static void mask_of(unsigned n, uint64_t m[2])
{
	m[0] = n >= 64 ? ~0ull : n ? ~0ull << (64 - n) : 0;
	m[1] = n >= 128 ? ~0ull : n > 64 ? ~0ull << (128 - n) : 0;
}

/* prefix's index, when prefix is one of the pool's prefixes */
static bool prefix_index(const struct ip6pool *p, const struct in6_addr *prefix, uint32_t *idx)
{
	unsigned shift = 128u - p->len;
	uint64_t v[2], net[2], pfx[2], low;

	addr_get(prefix, v);
	mask_of(p->base_len, net);
	mask_of(p->len, pfx);
	if ((v[0] & net[0]) != p->base[0] || (v[1] & net[1]) != p->base[1] ||
	    (v[0] & ~pfx[0]) || (v[1] & ~pfx[1]))
		return false;
	/* the low 64 bits of v >> shift; the index is in there (bits <= 32) */
	if (shift >= 128)
		low = 0;
	else if (shift >= 64)
		low = v[0] >> (shift - 64);
	else if (shift == 0)
		low = v[1];
	else
		low = v[1] >> shift | v[0] << (64 - shift);
	*idx = (uint32_t)(low & (p->size - 1));
	return true;
}

static void index_prefix(const struct ip6pool *p, uint64_t idx, struct in6_addr *out)
{
	unsigned shift = 128u - p->len;
	uint64_t v[2] = { p->base[0], p->base[1] };

	/* idx < 2^bits and shift + bits <= 128: nothing falls off the top */
	if (shift >= 128)
		;
	else if (shift >= 64)
		v[0] |= idx << (shift - 64);
	else if (shift == 0)
		v[1] |= idx;
	else {
		v[1] |= idx << shift;
		v[0] |= idx >> (64 - shift);
	}
	addr_put(v, out);
}

/* --- the tree of occupied indexes --- */

/* valid bits in level k: one per word of level k-1 */
static uint64_t level_bits(const struct ip6pool *p, unsigned k)
{
	return 1ull << (p->bits - 6 * k);
}

static uint64_t full_mask(const struct ip6pool *p, unsigned k)
{
	uint64_t n = level_bits(p, k);

	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static struct occword *word_find(const struct ip6pool *p, unsigned k, uint64_t w)
{
	uint64_t key = (uint64_t)k << 32 | w;
	struct occword *o;

	HASH_FIND(hh, p->words, &key, sizeof(key), o);
	return o;
}

static bool occ_test(const struct ip6pool *p, uint64_t idx)
{
	const struct occword *o = word_find(p, 0, idx >> 6);

	return o && (o->bits >> (idx & 63) & 1);
}

/*
 * Mark idx occupied (it is not): 0, or -ENOMEM with nothing changed.  The
 * words that change are level 0's and those above while a word fills.  A
 * word is made only when absent, and then gets one bit: not full (a level
 * with one valid bit is the top of a pool of 1), so it is the last on the
 * path and the only allocation.
 */
static int occ_set(struct ip6pool *p, uint64_t idx)
{
	struct occword *path[LEVELS_MAX];
	unsigned k, n;
	uint64_t pos = idx;

	for (k = 0;; k++, pos >>= 6) {
		struct occword *o = word_find(p, k, pos >> 6);

		if (!o) {
			o = malloc(sizeof(*o));
			if (!o)
				return -ENOMEM;
			o->key = (uint64_t)k << 32 | pos >> 6;
			o->bits = 0;
			HASH_ADD(hh, p->words, key, sizeof(o->key), o);
			if (!o->hh.tbl) {
				free(o);
				return -ENOMEM;
			}
		}
		path[k] = o;
		if (k == p->top || (o->bits | 1ull << (pos & 63)) != full_mask(p, k))
			break;
	}
	n = k;
	for (pos = idx, k = 0; k <= n; k++, pos >>= 6)
		path[k]->bits |= 1ull << (pos & 63);
	return 0;
}

/* Mark idx free (it is occupied). */
static void occ_clear(struct ip6pool *p, uint64_t idx)
{
	uint64_t pos = idx;

	for (unsigned k = 0; k <= p->top; k++, pos >>= 6) {
		struct occword *o = word_find(p, k, pos >> 6);
		bool was_full = o->bits == full_mask(p, k);

		o->bits &= ~(1ull << (pos & 63));
		if (!o->bits) {
			HASH_DELETE(hh, p->words, o);
			free(o);
		}
		if (!was_full)
			break;
	}
}

/* The first index >= from that is not occupied, into *idx; false if none. */
static bool next_free(const struct ip6pool *p, uint64_t from, uint64_t *idx)
{
	const struct occword *o;
	uint64_t pos = from, avail;
	unsigned k = 0;

	for (;;) {
		o = word_find(p, k, pos >> 6);
		avail = ~(o ? o->bits : 0) & full_mask(p, k) & ~0ull << (pos & 63);
		if (avail) {
			pos = (pos & ~63ull) | (unsigned)__builtin_ctzll(avail);
			break;
		}
		/* nothing here: the next word of this level that is not full */
		if (k == p->top)
			return false;
		pos = (pos >> 6) + 1;
		if (pos >= level_bits(p, ++k))
			return false;
	}
	/* a clear bit above k = 0 is a word below that is not full */
	while (k > 0) {
		pos <<= 6;
		o = word_find(p, --k, pos >> 6);
		pos |= (unsigned)__builtin_ctzll(~(o ? o->bits : 0));
	}
	*idx = pos;
	return true;
}

/* --- sticky memories --- */

static struct ip6mem *mem_at(const struct ip6pool *p, uint32_t idx)
{
	struct ip6mem *m;

	HASH_FIND(hi, p->by_idx, &idx, sizeof(idx), m);
	return m;
}

static struct ip6mem *mem_of(const struct ip6pool *p, const char *user)
{
	struct ip6mem *m;

	HASH_FIND(hu, p->by_user, user, (unsigned)strlen(user), m);
	return m;
}

/* A memory of user holding idx, in both indexes: 0 or -ENOMEM.  The
 * indexes may briefly hold two of the same user or idx: the caller then
 * drops the old one (uthash keeps duplicate keys, HASH_DELETE takes the
 * item named). */
static int mem_add(struct ip6pool *p, const char *user, uint32_t idx)
{
	size_t n = strlen(user);
	struct ip6mem *m = malloc(sizeof(*m) + n + 1);

	if (!m)
		return -ENOMEM;
	memcpy(m->user, user, n + 1);
	m->idx = idx;
	m->held = true;
	m->older = m->newer = NULL;
	HASH_ADD(hi, p->by_idx, idx, sizeof(m->idx), m);
	if (!m->hi.tbl) {
		free(m);
		return -ENOMEM;
	}
	HASH_ADD_KEYPTR(hu, p->by_user, m->user, (unsigned)n, m);
	if (!m->hu.tbl) {
		HASH_DELETE(hi, p->by_idx, m);
		free(m);
		return -ENOMEM;
	}
	return 0;
}

static void released_unlink(struct ip6pool *p, struct ip6mem *m)
{
	*(m->older ? &m->older->newer : &p->oldest) = m->newer;
	*(m->newer ? &m->newer->older : &p->newest) = m->older;
	m->older = m->newer = NULL;
	p->released--;
}

/* Forget m; its index stays occupied (in use, or the caller clears it). */
static void mem_drop(struct ip6pool *p, struct ip6mem *m)
{
	if (!m->held)
		released_unlink(p, m);
	HASH_DELETE(hi, p->by_idx, m);
	HASH_DELETE(hu, p->by_user, m);
	free(m);
}

/* Forget a released memory: its prefix becomes plain free. */
static void mem_forget(struct ip6pool *p, struct ip6mem *m)
{
	uint32_t idx = m->idx;

	mem_drop(p, m);
	occ_clear(p, idx);
}

/* --- the pool --- */

struct ip6pool *ip6pool_new(const struct in6_addr *base, uint8_t base_len, uint8_t len,
			    bool sticky)
{
	struct ip6pool *p;
	uint64_t v[2], m[2];

	if (!base || len > 128 || len < base_len || len - base_len > 32) {
		errno = EINVAL;
		return NULL;
	}
	addr_get(base, v);
	mask_of(base_len, m);
	if ((v[0] & ~m[0]) || (v[1] & ~m[1])) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->base[0] = v[0];
	p->base[1] = v[1];
	p->base_len = base_len;
	p->len = len;
	p->bits = (uint8_t)(len - base_len);
	p->size = 1ull << p->bits;
	p->top = p->bits <= 6 ? 0 : (uint8_t)((p->bits - 6 + 5) / 6);
	p->sticky = sticky;
	return p;
}

void ip6pool_free(struct ip6pool *p)
{
	struct occword *o, *otmp;
	struct ip6mem *m, *mtmp;

	if (!p)
		return;
	HASH_ITER(hh, p->words, o, otmp) {
		HASH_DELETE(hh, p->words, o);
		free(o);
	}
	HASH_CLEAR(hu, p->by_user);
	HASH_ITER(hi, p->by_idx, m, mtmp) {
		HASH_DELETE(hi, p->by_idx, m);
		free(m);
	}
	free(p);
}

int ip6pool_alloc(struct ip6pool *p, const char *user, struct in6_addr *out)
{
	bool sticky = p->sticky && user && *user;
	struct ip6mem *had = sticky ? mem_of(p, user) : NULL, *victim = NULL;
	uint64_t idx;

	if (p->used == p->size)
		return -ENOSPC;
	if (had && !had->held) { /* the user's last prefix, still free */
		released_unlink(p, had);
		had->held = true;
		p->used++;
		index_prefix(p, had->idx, out);
		return 0;
	}
	if (!next_free(p, p->cursor, &idx) && !next_free(p, 0, &idx)) {
		/* every free prefix is remembered for someone: the oldest goes */
		victim = p->oldest;
		if (!victim)
			return -ENOSPC; /* not reached: used < size */
		idx = victim->idx;
	} else if (occ_set(p, idx) < 0) {
		return -ENOMEM;
	}
	if (sticky && mem_add(p, user, (uint32_t)idx) < 0) {
		if (!victim)
			occ_clear(p, idx);
		return -ENOMEM;
	}
	if (victim)
		mem_drop(p, victim);
	if (had) /* it holds another prefix still: remember the newest */
		mem_drop(p, had);
	p->used++;
	p->cursor = (idx + 1) & (p->size - 1);
	index_prefix(p, idx, out);
	return 0;
}

int ip6pool_take(struct ip6pool *p, const struct in6_addr *prefix, const char *user)
{
	bool sticky = p->sticky && user && *user;
	struct ip6mem *at, *had;
	uint32_t idx;

	if (!prefix_index(p, prefix, &idx))
		return -EINVAL;
	at = mem_at(p, idx);
	if (at ? at->held : occ_test(p, idx))
		return -EEXIST;
	had = sticky ? mem_of(p, user) : NULL;
	if (at && at == had) { /* free, and remembered for this user */
		released_unlink(p, at);
		at->held = true;
		p->used++;
		return 0;
	}
	if (!at && occ_set(p, idx) < 0)
		return -ENOMEM;
	if (sticky && mem_add(p, user, idx) < 0) {
		if (!at)
			occ_clear(p, idx);
		return -ENOMEM;
	}
	if (at) /* someone else's memory: the prefix is this user's now */
		mem_drop(p, at);
	if (had) {
		if (had->held)
			mem_drop(p, had);
		else
			mem_forget(p, had);
	}
	p->used++;
	return 0;
}

int ip6pool_release(struct ip6pool *p, const struct in6_addr *prefix)
{
	struct ip6mem *m;
	uint32_t idx;

	if (!prefix_index(p, prefix, &idx))
		return -ENOENT;
	m = mem_at(p, idx);
	if (m ? !m->held : !occ_test(p, idx))
		return -ENOENT;
	p->used--;
	if (!m) {
		occ_clear(p, idx);
		return 0;
	}
	/* keep it for the user: the newest of the released */
	m->held = false;
	m->older = p->newest;
	*(p->newest ? &p->newest->newer : &p->oldest) = m;
	p->newest = m;
	if (++p->released > IP6POOL_STICKY_MAX)
		mem_forget(p, p->oldest);
	return 0;
}

void ip6pool_next(const struct ip6pool *p, struct in6_addr *out)
{
	index_prefix(p, p->cursor, out);
}

int ip6pool_seek(struct ip6pool *p, const struct in6_addr *prefix)
{
	uint32_t idx;

	if (!prefix_index(p, prefix, &idx))
		return -EINVAL;
	p->cursor = idx;
	return 0;
}

bool ip6pool_contains(const struct ip6pool *p, const struct in6_addr *prefix)
{
	uint32_t idx;

	return prefix_index(p, prefix, &idx);
}

uint64_t ip6pool_size(const struct ip6pool *p)
{
	return p->size;
}

uint64_t ip6pool_used(const struct ip6pool *p)
{
	return p->used;
}

uint8_t ip6pool_prefix_len(const struct ip6pool *p)
{
	return p->len;
}
