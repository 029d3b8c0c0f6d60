/*
 * pppoe_refused.c - the clients a PADI rate limit refused lately
 * (pppoe_refused.h).
 */
#include "pppoe_refused.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define WORDS_PER_BLOCK 8       /* 64 bytes: one cache line */
#define BLOCKS (REFUSED_BYTES / (WORDS_PER_BLOCK * sizeof(uint64_t)))

_Static_assert((BLOCKS & (BLOCKS - 1)) == 0 && BLOCKS <= 1u << 24,
	       "BLOCKS: a power of two, 24 bits at most");

/* MurmurHash3's finaliser: every input bit moves every output bit */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * The key's hash, seeded.  Not a MAC in the cryptographic sense, and it
 * needs none: a flood that wants its frames taken for retries sends each
 * MAC twice; the seeds only keep a flood from being made, offline, of
 * keys that share a few blocks.
 */
static uint64_t hash(const struct pppoe_refused *r, int ifindex, const uint8_t mac[6])
{
	uint64_t m = 0;
	unsigned i;

	for (i = 0; i < 6; i++)
		m = m << 8 | mac[i];
	return mix(mix(m ^ r->seed[0]) ^ (uint32_t)ifindex ^ r->seed[1]);
}

/* the key's block, and its REFUSED_K bits there (9 bits of g each) */
static uint64_t *block_of(uint64_t *gen, uint64_t h)
{
	return gen + (h >> 40 & (BLOCKS - 1)) * WORDS_PER_BLOCK;
}

static bool in(uint64_t *gen, uint64_t h)
{
	const uint64_t *b = block_of(gen, h);
	uint64_t g = mix(h + 0x9e3779b97f4a7c15ULL);
	unsigned i, bit;

	for (i = 0; i < REFUSED_K; i++, g >>= 9) {
		bit = g & 511;
		if (!(b[bit >> 6] >> (bit & 63) & 1))
			return false;
	}
	return true;
}

static void put(uint64_t *gen, uint64_t h)
{
	uint64_t *b = block_of(gen, h);
	uint64_t g = mix(h + 0x9e3779b97f4a7c15ULL);
	unsigned i, bit;

	for (i = 0; i < REFUSED_K; i++, g >>= 9) {
		bit = g & 511;
		b[bit >> 6] |= 1ULL << (bit & 63);
	}
}

/* An empty filter for the new keys (one never written is empty already) */
static void retire(struct pppoe_refused *r, double now)
{
	r->cur ^= 1;
	if (r->count[r->cur]) {
		memset(r->gen[r->cur], 0, REFUSED_BYTES);
		r->count[r->cur] = 0;
	}
	r->since = now;
}

/* The current filter retired once it is REFUSED_GEN_S old, at the next
 * call.  A key is added only through age(), so the current filter's keys
 * all came in its first REFUSED_GEN_S: when it is twice that old, they
 * and the previous filter's are all older than REFUSED_GEN_S, and both go. */
static void age(struct pppoe_refused *r, double now)
{
	if (now - r->since < REFUSED_GEN_S)
		return;
	if (now - r->since >= 2 * REFUSED_GEN_S)
		retire(r, now);
	retire(r, now);
}

int pppoe_refused_init(struct pppoe_refused *r, double now)
{
	memset(r, 0, sizeof(*r));
	/* a block on one cache line: calloc's are 16 bytes off one */
	r->gen[0] = aligned_alloc(64, REFUSED_BYTES);
	r->gen[1] = aligned_alloc(64, REFUSED_BYTES);
	if (!r->gen[0] || !r->gen[1]) {
		pppoe_refused_free(r);
		return -ENOMEM;
	}
	memset(r->gen[0], 0, REFUSED_BYTES);
	memset(r->gen[1], 0, REFUSED_BYTES);
	/* seeds: should getrandom fail, the address of the filters is some */
	if (getrandom(r->seed, sizeof(r->seed), GRND_NONBLOCK) != (ssize_t)sizeof(r->seed))
		r->seed[0] = (uint64_t)(uintptr_t)r->gen[0] ^ (uint64_t)(now * 1e6);
	r->since = now;
	return 0;
}

void pppoe_refused_free(struct pppoe_refused *r)
{
	free(r->gen[0]);
	free(r->gen[1]);
	memset(r, 0, sizeof(*r));
}

void pppoe_refused_add(struct pppoe_refused *r, int ifindex, const uint8_t mac[6], double now)
{
	if (!r->gen[0])
		return;
	age(r, now);
	if (r->count[r->cur] >= REFUSED_PER_GEN)
		retire(r, now);
	put(r->gen[r->cur], hash(r, ifindex, mac));
	r->count[r->cur]++;
}

bool pppoe_refused_has(struct pppoe_refused *r, int ifindex, const uint8_t mac[6], double now)
{
	uint64_t h;

	if (!r->gen[0])
		return false;
	age(r, now);
	h = hash(r, ifindex, mac);
	return (r->count[r->cur] && in(r->gen[r->cur], h)) ||
	       (r->count[r->cur ^ 1] && in(r->gen[r->cur ^ 1], h));
}
