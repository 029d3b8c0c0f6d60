/*
 * pppoe_refused.h - which clients a PADI rate limit refused lately, so
 * that a client asking again can be told from a flood.
 *
 * A flood of PADIs from random source MACs fills the interface's and the
 * AC's PADI limits, and a client on the same segment then has its PADI
 * refused as often as a flood frame is: with 50 000 frames/s against 500
 * answers/s, 99 times in 100.  But a client asks again (pppd's pppoe.so
 * after 5 and 15 s, an eager router after 1 s), and a random-MAC flood
 * does not.  acd remembers each refused (interface, MAC) here, and a PADI
 * from one it remembers is a client's retry: it gets a share of its own
 * (pppoe.c).  A flood that sends every MAC twice looks like clients and
 * shares that share; it is then no worse than a plain limit.
 *
 * The set is two blocked Bloom filters (one 64-byte block per key,
 * REFUSED_K bits in it), the current one and the one before: fixed
 * memory, no false negatives, a few false positives (of the keys never
 * added, about 1 in 1000 for each full filter: test_pppoe measures it).  The current one is
 * retired when it holds REFUSED_PER_GEN keys or is REFUSED_GEN_S old: a
 * key is remembered until REFUSED_PER_GEN keys came after it or
 * REFUSED_GEN_S passed, at least, and gone after about three times that.
 * At a flood of 50 000 refused PADIs/s, 10 to 20 s: pppd asks again
 * after 5 s and 10 s more.
 *
 * The memory (2 x REFUSED_BYTES, each block on a cache line of its own) is
 * allocated and zeroed at the first refusal, and kept.
 */
#ifndef ACD_PPPOE_REFUSED_H
#define ACD_PPPOE_REFUSED_H

#include <stdbool.h>
#include <stdint.h>

#define REFUSED_BYTES (1024u * 1024u)   /* one filter: 16384 blocks of 64 bytes */
#define REFUSED_PER_GEN (512u * 1024u)  /* keys, then the next filter (16 bits a key) */
#define REFUSED_GEN_S 30.0              /* s, then the next filter however few */
#define REFUSED_K 7                     /* bits a key sets in its block */

struct pppoe_refused {
	uint64_t *gen[2];       /* REFUSED_BYTES each; gen[cur] takes the new keys */
	unsigned cur;
	uint32_t count[2];      /* keys added to each */
	double since;           /* when gen[cur] became the current one */
	uint64_t seed[2];
};

/* Two empty filters and fresh random seeds.  0 or -ENOMEM (r left empty). */
int pppoe_refused_init(struct pppoe_refused *r, double now);
void pppoe_refused_free(struct pppoe_refused *r);

/* Remember that the PADI of mac on ifindex was refused at now (a clock in
 * seconds that never goes back). */
void pppoe_refused_add(struct pppoe_refused *r, int ifindex, const uint8_t mac[6], double now);

/* Was it refused lately?  Possibly yes for one never added (rarely); never
 * no for one added within REFUSED_GEN_S and among the last REFUSED_PER_GEN
 * keys. */
bool pppoe_refused_has(struct pppoe_refused *r, int ifindex, const uint8_t mac[6], double now);

#endif
