/*
 * coa.c - the RFC 5176 Dynamic Authorization server: a CoA-Request
 * re-shapes a session live, a Disconnect-Request ends it.
 *
 * Order of checks for each datagram (each failure is counted; the drops
 * are silent, as RFC 5176 §3 and RFC 2865 §3 ask):
 *   1. the source address is a configured client      else drop
 *   2. the packet is well-formed and a request         else drop
 *   3. the Request Authenticator matches its secret    else drop
 *   4. Message-Authenticator ok (or absent and allowed) else drop
 *   5. a duplicate (same source address, id, authenticator) gets the reply
 *      it got before, and nothing is done again (RFC 5080 §2.2.2)
 *   6. Event-Timestamp inside the window (or absent and allowed) else drop
 *   7. no attribute that RFC 5176 §3.5 allows once comes more often (250
 *      User-Names: which one identifies?)  else NAK 404, naming it
 *   7b. NAS-IP-Address / NAS-IPv6-Address / NAS-Identifier are ours
 *      else NAK 403
 *   8. every attribute known, well-formed and supported for this request
 *      else NAK 401 / 404 / 405
 *   9. exactly one session matches the identification attributes
 *      else NAK 402 (none given) / 503 (no match) / 508 (several);
 *      a CoA carries a well-formed rate else NAK 407 / 402
 *  10. act: CoA applies the rates (the kernel changes the qdisc in place,
 *      so there is no unshaped gap) and ACKs only once the kernel took them
 *      (a refusal NAKs 506 and leaves the old shaping); Disconnect sends
 *      SIGTERM to the session's pppd (NAK 504 when there is none).
 * Steps 7 to 9 are coa_decide() (coa.h), which changes nothing and is
 * unit-tested; step 10 is do_coa() and do_disconnect(), the only places
 * here that change a session.
 *
 * Replay: the reply cache holds the last COA_CACHE requests.  Once an
 * entry younger than the window has to make room, requests whose
 * Event-Timestamp is not newer than that entry's are dropped as stale, so
 * a replay can never act twice however fast requests come; requests
 * without Event-Timestamp are protected only while their entry lives,
 * which is why require-event-timestamp exists.
 *
 * Over a restart: each answered request is written into its slot of
 * state-dir/coa-cache (coa.h; one pwrite of 64 bytes) BEFORE its reply is
 * sent, and the file is read back at start, so a request acd answered is
 * a duplicate after acd stops, however it stops (kill -9 included): the
 * page cache holds the write.  Against a power loss, the state file's
 * writer syncs coa-cache to disk before it renames a new sessions.json, so
 * a session change that reached the disk has its request there too.  A
 * request acd acted on but died before answering is not recorded: its
 * sender heard nothing, and its retransmission is acted on again.
 *
 * A duplicate's reply is rebuilt, not stored: the reply is a function of
 * the request's bytes (id, authenticator, Proxy-State), the verdict (ACK
 * or NAK, Error-Cause) and the secret, and a request can only be taken for
 * a duplicate after its authenticator verified under the same secret, so
 * it is the same packet and gets the same bytes again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/md5.h>

#include "acd.h"
#include "coa.h"
#include "log.h"
#include "policy.h"
#include "radattr.h"
#include "radpkt.h"
#include "state.h"

#define COA_CACHE    COA_CACHE_SLOTS /* remembered requests (2.5 MB with the index, 1 MB on disk) */
#define COA_BATCH    64              /* datagrams read per wake-up */

/* The reply cache's index (below): an add that finds no memory leaves the
 * entry out of the index, not acd (acd.h includes uthash.h with
 * HASH_NONFATAL_OOM, for the session table). */
#undef uthash_nonfatal_oom
#define uthash_nonfatal_oom(e) ((e)->indexed = false)

/* A sender, for duplicate detection: the address, not the port (RFC 5080
 * keys retransmissions on the port too, but a replay may come from any
 * port and must still not act twice).  An IPv4-mapped IPv6 source counts
 * as IPv4, so a listen address changed between restarts keeps the cache. */
struct peer {
	uint8_t family;                  /* 4 or 6 */
	uint8_t addr[16];                /* IPv4 in the first 4, the rest zero */
};

/* A request, as duplicates are recognised: sender, id, Request
 * Authenticator.  Bytes only, no padding: it is the index's key. */
struct coa_key {
	struct peer from;
	uint8_t id;
	uint8_t auth[RADPKT_AUTH_LEN];
};

_Static_assert(sizeof(struct coa_key) == 1 + 16 + 1 + RADPKT_AUTH_LEN,
	       "struct coa_key has padding, and uthash hashes the bytes");

struct coa_entry {
	struct coa_key key;
	uint64_t seq;                    /* 0: unused */
	time_t when;                     /* wall clock, for the stale cut */
	uint32_t cause;                  /* the reply's Error-Cause (0: none) */
	uint8_t reply_code;              /* the reply sent */
	bool indexed;                    /* in coa.index (false: unused, or no memory) */
	UT_hash_handle hh;
};

struct coa {
	struct acd *a;
	int fd;
	ev_io rw;
	struct coa_entry *cache;         /* COA_CACHE, a ring: slot i is the file's record i */
	struct coa_entry *index;         /* uthash head: the ring's entries by key */
	uint32_t next;                   /* ring position */
	uint64_t seq;                    /* of the newest entry */
	time_t stale_before;             /* Event-Timestamp <= this: dropped */
	time_t last_log;                 /* rate limit of drop warnings */
	int cache_fd;                    /* state-dir/coa-cache, -1: memory only */
	time_t last_save_warn;
	time_t last_oom_warn;
	char cache_path[PATH_MAX + 16];
};

/* ---- the record on disk (coa.h) ---- */

static const char file_magic[16] = "acd coa-cache v1";

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* the first 8 bytes of MD5 over the 56 before them */
static void check8(const uint8_t *in, uint8_t out[8])
{
	struct md5_ctx m;

	md5_init(&m);
	md5_update(&m, COA_REC_LEN - 8, in);
	md5_digest(&m, 8, out);
}

static bool check_ok(const uint8_t *in)
{
	uint8_t want[8];

	check8(in, want);
	return memcmp(want, in + COA_REC_LEN - 8, 8) == 0;
}

void coa_header_encode(uint32_t slots, uint8_t out[COA_REC_LEN])
{
	memset(out, 0, COA_REC_LEN);
	memcpy(out, file_magic, sizeof(file_magic));
	put32(out + 16, slots);
	put32(out + 20, COA_REC_LEN);
	check8(out, out + COA_REC_LEN - 8);
}

int coa_header_check(const uint8_t in[COA_REC_LEN], uint32_t slots, char *why, size_t whylen)
{
	static const uint8_t zero[32];
	char got[RADATTR_QUOTE_SIZE];

	if (memcmp(in, file_magic, sizeof(file_magic)) != 0) {
		radattr_quote((const char *)in, sizeof(file_magic), got, sizeof(got));
		snprintf(why, whylen, "not a replay cache (it starts \"%s\")", got);
		return -EBADMSG;
	}
	if (!check_ok(in) || memcmp(in + 24, zero, 32) != 0) {
		snprintf(why, whylen, "its header is damaged");
		return -EBADMSG;
	}
	if (get32(in + 16) != slots || get32(in + 20) != COA_REC_LEN) {
		snprintf(why, whylen, "written for %u records of %u bytes, this acd keeps %u of %u",
			 get32(in + 16), get32(in + 20), slots, COA_REC_LEN);
		return -EBADMSG;
	}
	return 0;
}

void coa_rec_encode(const struct coa_rec *r, uint8_t out[COA_REC_LEN])
{
	memset(out, 0, COA_REC_LEN);
	put32(out, (uint32_t)(r->seq >> 32));
	put32(out + 4, (uint32_t)r->seq);
	put32(out + 8, r->when);
	put32(out + 12, r->stale_before);
	out[16] = r->family;
	out[17] = r->id;
	out[18] = r->reply_code;
	put32(out + 20, r->cause);
	memcpy(out + 24, r->addr, 16);
	memcpy(out + 40, r->auth, RADPKT_AUTH_LEN);
	check8(out, out + COA_REC_LEN - 8);
}

int coa_rec_decode(const uint8_t in[COA_REC_LEN], struct coa_rec *r)
{
	static const uint8_t zero[COA_REC_LEN];
	bool ack;

	memset(r, 0, sizeof(*r));
	if (memcmp(in, zero, COA_REC_LEN) == 0)
		return 0;
	if (!check_ok(in))
		return -EBADMSG;
	r->seq = (uint64_t)get32(in) << 32 | get32(in + 4);
	r->when = get32(in + 8);
	r->stale_before = get32(in + 12);
	r->family = in[16];
	r->id = in[17];
	r->reply_code = in[18];
	r->cause = get32(in + 20);
	memcpy(r->addr, in + 24, 16);
	memcpy(r->auth, in + 40, RADPKT_AUTH_LEN);
	ack = r->reply_code == RADPKT_DISCONNECT_ACK || r->reply_code == RADPKT_COA_ACK;
	if (r->seq == 0 || in[19] != 0 || (r->family != 4 && r->family != 6) ||
	    (r->family == 4 && memcmp(r->addr + 4, zero, 12) != 0) ||
	    (!ack && r->reply_code != RADPKT_DISCONNECT_NAK && r->reply_code != RADPKT_COA_NAK) ||
	    (ack && r->cause != 0) || (!ack && r->cause && (r->cause < 400 || r->cause > 599))) {
		memset(r, 0, sizeof(*r));
		return -EBADMSG;
	}
	return 1;
}

int coa_file_parse(const uint8_t *buf, size_t len, struct coa_rec recs[COA_CACHE_SLOTS],
		   struct coa_file_report *rep)
{
	uint32_t i;

	memset(rep, 0, sizeof(*rep));
	memset(recs, 0, COA_CACHE_SLOTS * sizeof(recs[0]));
	if (len < COA_REC_LEN) {
		snprintf(rep->why, sizeof(rep->why), "%zu bytes, shorter than its header", len);
		return -EBADMSG;
	}
	if (coa_header_check(buf, COA_CACHE_SLOTS, rep->why, sizeof(rep->why)) < 0)
		return -EBADMSG;
	if (len != COA_FILE_LEN) {
		snprintf(rep->why, sizeof(rep->why), "%zu bytes, not %u", len, COA_FILE_LEN);
		return -EBADMSG;
	}
	for (i = 0; i < COA_CACHE_SLOTS; i++) {
		int rc = coa_rec_decode(buf + (size_t)COA_REC_LEN * (1 + i), &recs[i]);

		if (rc > 0)
			rep->used++;
		else if (rc < 0)
			rep->damaged++;
	}
	return 0;
}

/* ---- the reply cache ---- */

static void peer_key(const struct sockaddr_storage *ss, struct peer *k)
{
	memset(k, 0, sizeof(*k));
	if (ss->ss_family == AF_INET) {
		k->family = 4;
		memcpy(k->addr, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
	} else {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			k->family = 4;
			memcpy(k->addr, a6->s6_addr + 12, 4);
		} else {
			k->family = 6;
			memcpy(k->addr, a6->s6_addr, 16);
		}
	}
}

/*
 * The ring is the order of eviction and the file's layout; the index, a
 * uthash over the ring's own entries, finds an entry by its key.  Nothing
 * is allocated per request, only uthash's buckets as its table grows:
 * 8192 (128 KB) once the ring is full, 32768 (512 KB) after some 100 000
 * requests (in a churning table the fullest bucket now and then reaches
 * uthash's threshold).
 */
static struct coa_entry *cache_find(struct coa *c, const struct coa_key *k)
{
	struct coa_entry *e;

	HASH_FIND(hh, c->index, k, sizeof(*k), e);
	return e;
}

static void cache_index(struct coa *c, struct coa_entry *e)
{
	e->indexed = true;
	HASH_ADD(hh, c->index, key, sizeof(e->key), e);
	if (!e->indexed) {
		time_t now = time(NULL);

		if (now != c->last_oom_warn) {
			c->last_oom_warn = now;
			log_warnx("coa: out of memory for the replay cache's index: a request "
				  "answered now is acted on again if replayed before a restart");
		}
	}
}

static void cache_unindex(struct coa *c, struct coa_entry *e)
{
	if (e->indexed)
		HASH_DELETE(hh, c->index, e);
	e->indexed = false;
}

/* Remember an answered request in the ring; its slot. */
static int32_t cache_add(struct coa *c, const struct coa_key *k, uint8_t reply_code,
			 uint32_t cause)
{
	int32_t idx = (int32_t)c->next;
	struct coa_entry *e = &c->cache[idx];
	time_t now = time(NULL);

	if (e->seq) {
		/* evicting a request still inside the window: its replay must
		 * not act again, so nothing as old as it is accepted any more */
		if (now - e->when < (time_t)c->a->cfg.coa_window_s && e->when > c->stale_before)
			c->stale_before = e->when;
	}
	cache_unindex(c, e);
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->seq = ++c->seq;
	e->when = now;
	e->reply_code = reply_code;
	e->cause = cause;
	cache_index(c, e);
	c->next = (c->next + 1) % COA_CACHE;
	return idx;
}

/* Write slot idx to the file (before its reply goes out). */
static void cache_save(struct coa *c, int32_t idx)
{
	const struct coa_entry *e = &c->cache[idx];
	struct coa_rec r = { 0 };
	uint8_t buf[COA_REC_LEN];
	time_t now;

	if (c->cache_fd < 0)
		return;
	r.seq = e->seq;
	r.when = (uint32_t)e->when;
	r.stale_before = (uint32_t)(c->stale_before > 0 ? c->stale_before : 0);
	r.family = e->key.from.family;
	memcpy(r.addr, e->key.from.addr, sizeof(r.addr));
	r.id = e->key.id;
	memcpy(r.auth, e->key.auth, RADPKT_AUTH_LEN);
	r.reply_code = e->reply_code;
	r.cause = e->cause;
	coa_rec_encode(&r, buf);
	if (pwrite(c->cache_fd, buf, sizeof(buf), (off_t)COA_REC_LEN * (1 + idx)) ==
	    (ssize_t)sizeof(buf))
		return;
	now = time(NULL);
	if (now != c->last_save_warn) {
		c->last_save_warn = now;
		log_warn("coa: cannot record a request in %s (a replay of it after a restart "
			 "would be acted on again; is the disk full?)", c->cache_path);
	}
}

/* Read up to len bytes at offset 0; the count or -errno. */
static ssize_t read_all(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* An empty file of COA_CACHE slots (sparse: the records are zeros). */
static int cache_file_init(int fd)
{
	uint8_t hdr[COA_REC_LEN];

	coa_header_encode(COA_CACHE, hdr);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    ftruncate(fd, COA_FILE_LEN) < 0)
		return -errno;
	return 0;
}

/* Put the records of a parsed file into the ring, slot for slot. */
static void cache_restore(struct coa *c, const struct coa_rec *recs)
{
	time_t now = time(NULL);
	unsigned restored = 0, in_window = 0;
	uint32_t i, newest = 0;

	for (i = 0; i < COA_CACHE; i++) {
		const struct coa_rec *r = &recs[i];
		struct coa_entry *e = &c->cache[i], *twin;

		if (!r->seq)
			continue;
		e->seq = r->seq;
		e->when = (time_t)r->when;
		e->key.from.family = r->family;
		memcpy(e->key.from.addr, r->addr, sizeof(e->key.from.addr));
		e->key.id = r->id;
		memcpy(e->key.auth, r->auth, RADPKT_AUTH_LEN);
		e->reply_code = r->reply_code;
		e->cause = r->cause;
		/* acd records a request once; should a file hold one twice,
		 * the newer record answers (the other keeps its slot) */
		twin = cache_find(c, &e->key);
		if (!twin)
			cache_index(c, e);
		else if (twin->seq < e->seq) {
			cache_unindex(c, twin);
			cache_index(c, e);
		}
		restored++;
		if ((time_t)r->stale_before > c->stale_before)
			c->stale_before = (time_t)r->stale_before;
		if (r->seq > c->seq) {
			c->seq = r->seq;
			newest = i;
		}
		if (now - e->when < (time_t)c->a->cfg.coa_window_s)
			in_window++;
	}
	if (c->seq)
		c->next = (newest + 1) % COA_CACHE;
	log_info("coa: replay cache %s: %u request(s) restored, %u of them answered in the last %us",
		 c->cache_path, restored, in_window, c->a->cfg.coa_window_s);
}

/*
 * Open state-dir/coa-cache and restore what it holds.  Every failure
 * leaves the cache in memory only (acd still runs), with a log line that
 * says what a restart will then forget.
 */
static void cache_open(struct coa *c)
{
	struct acd *a = c->a;
	struct coa_file_report rep;
	struct coa_rec *recs = NULL;
	uint8_t *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd, rc;

	snprintf(c->cache_path, sizeof(c->cache_path), "%s/%s", a->cfg.state_dir, COA_CACHE_FILE);
	fd = open(c->cache_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log_warn("coa: cannot open the replay cache %s: requests answered before a "
			 "restart will be acted on again if replayed after it", c->cache_path);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		log_warnx("coa: %s is not a regular file of acd's user: the replay cache is "
			  "kept in memory only (remove that file and restart)", c->cache_path);
		close(fd);
		return;
	}
	(void)fchmod(fd, 0600);
	if (st.st_size == 0)
		goto init;
	if (st.st_size != (off_t)COA_FILE_LEN) {
		snprintf(rep.why, sizeof(rep.why), "%lld bytes, not %u", (long long)st.st_size,
			 COA_FILE_LEN);
		goto bad;
	}
	buf = malloc(COA_FILE_LEN);
	recs = malloc(COA_CACHE * sizeof(*recs));
	if (!buf || !recs) {
		snprintf(rep.why, sizeof(rep.why), "out of memory");
		goto bad;
	}
	n = read_all(fd, buf, COA_FILE_LEN);
	if (n < 0) {
		snprintf(rep.why, sizeof(rep.why), "cannot read it: %s", strerror((int)-n));
		goto bad;
	}
	if (coa_file_parse(buf, (size_t)n, recs, &rep) < 0)
		goto bad;
	if (rep.damaged) {
		static const uint8_t zero[COA_REC_LEN];
		uint32_t i;

		log_warnx("coa: replay cache %s: %u damaged record(s) dropped (acd stopped while "
			  "writing them, or the file was changed); the other %u are kept",
			  c->cache_path, rep.damaged, rep.used);
		/* empty their slots, so the next start does not report them again */
		for (i = 0; i < COA_CACHE; i++) {
			const uint8_t *slot = buf + (size_t)COA_REC_LEN * (1 + i);

			if (!recs[i].seq && memcmp(slot, zero, COA_REC_LEN) != 0)
				(void)!pwrite(fd, zero, COA_REC_LEN, (off_t)COA_REC_LEN * (1 + i));
		}
	}
	cache_restore(c, recs);
	goto done;
bad:
	log_warnx("coa: replay cache %s: %s: starting with an empty one (requests answered "
		  "before this start will be acted on again if replayed)", c->cache_path, rep.why);
init:
	rc = cache_file_init(fd);
	if (rc < 0) {
		errno = -rc;
		log_warn("coa: cannot write the replay cache %s: it is kept in memory only",
			 c->cache_path);
		close(fd);
		fd = -1;
	}
done:
	free(buf);
	free(recs);
	c->cache_fd = fd;
	if (fd >= 0)
		state_sync_fd(fd);
}

/* ---- helpers ---- */

static void peer_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s->sin6_port));
	}
}

/* The client a datagram came from (an IPv4-mapped IPv6 source counts as IPv4). */
static const struct coa_client_cfg *find_client(const struct acd *a,
						const struct sockaddr_storage *ss)
{
	const uint8_t *addr;
	int af = ss->ss_family;
	unsigned i;

	if (af == AF_INET) {
		addr = (const uint8_t *)&((const struct sockaddr_in *)(const void *)ss)->sin_addr;
	} else {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;

		addr = a6->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			af = AF_INET;
			addr += 12;
		}
	}
	for (i = 0; i < a->cfg.n_coa_clients; i++)
		if (config_coa_client_match(&a->cfg.coa_clients[i], af, addr))
			return &a->cfg.coa_clients[i];
	return NULL;
}

static void drop(struct coa *c, uint64_t *counter, const char *peer, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void drop(struct coa *c, uint64_t *counter, const char *peer, const char *fmt, ...)
{
	struct acd *a = c->a;
	char why[200];
	va_list ap;
	time_t now = time(NULL);

	(*counter)++;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(a->stats.coa_last_error, sizeof(a->stats.coa_last_error), "%s: dropped: %s",
		 peer, why);
	/* one warning a second at most: a flood must not flood the log */
	if (now != c->last_log) {
		c->last_log = now;
		log_warnx("coa: from=%s dropped: %s", peer, why);
	}
}

/* Is this address one of ours?  Binding to it answers without listing
 * every interface (there may be thousands of ppp links). */
static bool local_addr(int af, const void *addr)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	bool ok;
	int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return true; /* cannot tell: do not refuse for it */
	if (af == AF_INET) {
		struct sockaddr_in *s = (void *)&ss;

		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, addr, 4);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (void *)&ss;

		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, addr, 16);
		sl = sizeof(*s);
	}
	ok = bind(fd, (struct sockaddr *)&ss, sl) == 0 || errno != EADDRNOTAVAIL;
	close(fd);
	return ok;
}

static void nak(struct coa_verdict *v, uint32_t cause, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void nak(struct coa_verdict *v, uint32_t cause, const char *fmt, ...)
{
	va_list ap;

	v->ack = false;
	v->cause = cause;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

/* RFC 5176 §3: the NAS identification attributes must name us (else NAK 403). */
static bool nas_is_us(const struct acd *a, const struct radpkt *p, struct coa_verdict *v)
{
	struct radpkt_attr at;
	char host[256] = "", got[RADATTR_QUOTE_SIZE];
	const char *want;

	if (radpkt_attr_find(p, RADPKT_ATTR_NAS_IP_ADDRESS, &at)) {
		uint8_t mine[4], ip[4];

		if (!radpkt_attr_ipv4(&at, ip)) {
			nak(v, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH, "NAS-IP-Address of %u bytes",
			    at.len);
			return false;
		}
		if (a->cfg.nas_ip[0] && inet_pton(AF_INET, a->cfg.nas_ip, mine) == 1
			    ? memcmp(mine, ip, 4) != 0
			    : !local_addr(AF_INET, ip)) {
			inet_ntop(AF_INET, ip, got, sizeof(got));
			nak(v, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
			    "NAS-IP-Address %s is not this NAS", got);
			return false;
		}
	}
	if (radpkt_attr_find(p, RADPKT_ATTR_NAS_IPV6_ADDRESS, &at)) {
		uint8_t mine[16], ip[16];

		if (!radpkt_attr_ipv6(&at, ip)) {
			nak(v, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH, "NAS-IPv6-Address of %u bytes",
			    at.len);
			return false;
		}
		if (a->cfg.nas_ip[0] && inet_pton(AF_INET6, a->cfg.nas_ip, mine) == 1
			    ? memcmp(mine, ip, 16) != 0
			    : !local_addr(AF_INET6, ip)) {
			inet_ntop(AF_INET6, ip, got, sizeof(got));
			nak(v, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
			    "NAS-IPv6-Address %s is not this NAS", got);
			return false;
		}
	}
	if (radpkt_attr_find(p, RADPKT_ATTR_NAS_IDENTIFIER, &at)) {
		want = a->cfg.nas_identifier;
		if (!*want) {
			gethostname(host, sizeof(host) - 1);
			want = host;
		}
		if (!radpkt_attr_streq(&at, want)) {
			radattr_quote((const char *)at.value, at.len, got, sizeof(got));
			nak(v, RADPKT_EC_NAS_IDENTIFICATION_MISMATCH,
			    "NAS-Identifier \"%s\" is not this NAS (\"%s\")", got, want);
			return false;
		}
	}
	return true;
}

/* What a request may carry besides its identification. */
static bool attr_supported(const struct radattr *x, bool coa)
{
	if (x->vendor == 0)
		switch (x->number) {
		case RADPKT_ATTR_USER_NAME:
		case RADPKT_ATTR_NAS_IP_ADDRESS:
		case RADPKT_ATTR_NAS_PORT:
		case RADPKT_ATTR_FRAMED_IP_ADDRESS:
		case RADPKT_ATTR_CALLING_STATION_ID:
		case RADPKT_ATTR_NAS_IDENTIFIER:
		case RADPKT_ATTR_ACCT_SESSION_ID:
		case RADPKT_ATTR_EVENT_TIMESTAMP:
		case RADPKT_ATTR_NAS_PORT_ID:
		case RADPKT_ATTR_NAS_IPV6_ADDRESS:
		case RADPKT_ATTR_FRAMED_IPV6_PREFIX:
		case RADPKT_ATTR_STATE:
		case RADPKT_ATTR_SERVICE_TYPE:
		case RADPKT_ATTR_REPLY_MESSAGE:
		case RADPKT_ATTR_ACCT_TERMINATE_CAUSE:
			return true;
		case RADPKT_ATTR_FILTER_ID:
			return coa;
		default:
			return false;
		}
	if (!coa)
		return false;
	/* the rate conventions policy.c reads */
	return (x->vendor == 10055 && (x->number == 1 || x->number == 2)) ||
	       (x->vendor == 14988 && x->number == 8) ||
	       (x->vendor == 14122 && (x->number == 7 || x->number == 8));
}

/* "aa:bb:cc:dd:ee:ff", "AA-BB-...", "aabb.ccdd.eeff" -> 12 lower-case hex digits */
static bool mac_norm(const char *s, size_t n, char out[13])
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == ':' || ch == '-' || ch == '.')
			continue;
		if (k == 12 || !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
				 (ch >= 'A' && ch <= 'F')))
			return false;
		out[k++] = (char)(ch | 0x20);
	}
	out[k] = '\0';
	return k == 12;
}

/* The identification attributes of a request; a session matches when it
 * matches every one given. */
struct ident {
	unsigned n;
	struct radpkt_attr user, sid, ip, mac, port_id, port, ip6;
	bool has_user, has_sid, has_ip, has_mac, has_port_id, has_port, has_ip6;
	char mac_norm[13];
};

static void ident_read(const struct radpkt *p, struct ident *id)
{
	memset(id, 0, sizeof(*id));
	id->n += id->has_user = radpkt_attr_find(p, RADPKT_ATTR_USER_NAME, &id->user);
	id->n += id->has_sid = radpkt_attr_find(p, RADPKT_ATTR_ACCT_SESSION_ID, &id->sid);
	id->n += id->has_ip = radpkt_attr_find(p, RADPKT_ATTR_FRAMED_IP_ADDRESS, &id->ip);
	id->n += id->has_mac = radpkt_attr_find(p, RADPKT_ATTR_CALLING_STATION_ID, &id->mac);
	id->n += id->has_port_id = radpkt_attr_find(p, RADPKT_ATTR_NAS_PORT_ID, &id->port_id);
	id->n += id->has_port = radpkt_attr_find(p, RADPKT_ATTR_NAS_PORT, &id->port);
	id->n += id->has_ip6 = radpkt_attr_find(p, RADPKT_ATTR_FRAMED_IPV6_PREFIX, &id->ip6);
	if (id->has_mac && !mac_norm((const char *)id->mac.value, id->mac.len, id->mac_norm))
		id->mac_norm[0] = '\0'; /* matches no session */
}

/* A Framed-IPv6-Prefix (RFC 3162 §2.3: reserved, length, prefix bytes,
 * sized right by radpkt's checks) against the session's /64 ("ADDR/LEN",
 * ipv6.c's): the same length and the same bits up to it. */
static bool prefix_match(const struct radpkt_attr *at, const char *mine)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(mine, '/');
	struct in6_addr want, have;
	unsigned len, i;

	if (at->len < 2 || at->len > 18 || !slash || (size_t)(slash - mine) >= sizeof(buf))
		return false;
	len = at->value[1];
	memcpy(buf, mine, (size_t)(slash - mine));
	buf[slash - mine] = '\0';
	if (inet_pton(AF_INET6, buf, &have) != 1 || strtoul(slash + 1, NULL, 10) != len ||
	    len > 128)
		return false;
	memset(&want, 0, sizeof(want));
	memcpy(&want, at->value + 2, at->len - 2u);
	for (i = 0; i < len; i++)
		if ((want.s6_addr[i / 8] ^ have.s6_addr[i / 8]) & (0x80u >> (i % 8)))
			return false;
	return true;
}

static bool ident_match(const struct acd *a, const struct session *s, const struct ident *id)
{
	char m[13];

	if (id->has_user && !radpkt_attr_streq(&id->user, s->user))
		return false;
	if (id->has_sid && !radpkt_attr_streq(&id->sid, s->acct_session_id))
		return false;
	if (id->has_ip) {
		uint8_t want[4];
		struct in_addr in;

		if (!radpkt_attr_ipv4(&id->ip, want) || inet_pton(AF_INET, s->ip, &in) != 1 ||
		    memcmp(&in, want, 4) != 0)
			return false;
	}
	if (id->has_mac && (!id->mac_norm[0] || !mac_norm(s->mac, strlen(s->mac), m) ||
			    strcmp(m, id->mac_norm) != 0))
		return false;
	if (id->has_port_id && !radpkt_attr_streq(&id->port_id, s->ifname))
		return false;
	if (id->has_ip6 && !prefix_match(&id->ip6, s->ipv6_prefix))
		return false;
	if (id->has_port) {
		/* pppd's radius.so sends NAS-Port = the ppp unit */
		size_t pl = strlen(a->cfg.ifprefix);
		char *end;
		unsigned long unit;
		uint32_t want;

		if (!radpkt_attr_u32(&id->port, &want) || strncmp(s->ifname, a->cfg.ifprefix, pl) != 0)
			return false;
		unit = strtoul(s->ifname + pl, &end, 10);
		if (*end || end == s->ifname + pl || unit != want)
			return false;
	}
	return true;
}

/* ---- deciding a verified request (coa.h) ---- */

/* A CoA's rates, for the session d->s it matched: 407 and 402 refuse it. */
static void coa_rates(const struct acd *a, const struct radattr_list *l, struct coa_decision *d)
{
	const struct session *s = d->s;
	struct policy_config pc = a->cfg.policy;
	struct policy_result r;

	/* a direction the request does not set keeps its rate */
	pc.default_down = pc.default_up = 0;
	policy_from_attrs(&pc, l, &r);
	if (r.malformed) {
		d->s = NULL;
		nak(&d->v, RADPKT_EC_INVALID_ATTRIBUTE_VALUE, "%s", r.warning);
		return;
	}
	if (r.down_src == POLICY_SRC_DEFAULT && r.up_src == POLICY_SRC_DEFAULT) {
		d->s = NULL;
		nak(&d->v, RADPKT_EC_MISSING_ATTRIBUTE,
		    "no rate attribute (RP-*-Speed-Limit, Mikrotik-Rate-Limit, WISPr-Bandwidth-Max-*, Filter-Id)");
		return;
	}
	d->down = r.down_src != POLICY_SRC_DEFAULT ? r.down : s->radius_down;
	d->up = r.up_src != POLICY_SRC_DEFAULT ? r.up : s->radius_up;
	snprintf(d->src, sizeof(d->src), "coa:%s",
		 r.down_src != POLICY_SRC_DEFAULT ? r.down_attr : r.up_attr);
}

void coa_decide(const struct acd *a, const struct radpkt *p, struct coa_decision *d)
{
	bool is_coa = p->code == RADPKT_COA_REQUEST, authorize_only;
	struct radattr_list l = { 0 };
	struct radpkt_problem prob;
	struct radpkt_attr st;
	struct session *s, *found = NULL;
	struct ident id;
	uint32_t service;
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	/* before anything reads the first of them: with two User-Names (or
	 * NAS-Identifiers), which one identifies? */
	if (radpkt_check_repeats(p, &prob) < 0) {
		nak(&d->v, RADPKT_EC_INVALID_REQUEST, "%s", prob.what);
		return;
	}
	if (!nas_is_us(a, p, &d->v))
		return;
	rc = radpkt_decode_radattr(p, a->rh, &l, &prob);
	if (rc == -ENOTSUP) {
		nak(&d->v, RADPKT_EC_UNSUPPORTED_ATTRIBUTE, "%s", prob.what);
		return;
	}
	if (rc < 0) {
		nak(&d->v, RADPKT_EC_INVALID_REQUEST, "%s",
		    rc == -EBADMSG ? prob.what : radpkt_strerror(rc));
		goto out;
	}
	/* RFC 5176 §3.2: the server is to fetch the new policy itself */
	authorize_only = radpkt_attr_find(p, RADPKT_ATTR_SERVICE_TYPE, &st) &&
			 radpkt_attr_u32(&st, &service) && service == RADPKT_SERVICE_AUTHORIZE_ONLY;
	for (i = 0; i < l.count; i++) {
		const struct radattr *x = &l.attrs[i];

		if (!attr_supported(x, is_coa)) {
			nak(&d->v, RADPKT_EC_UNSUPPORTED_ATTRIBUTE, "%s is not supported in a %s",
			    x->name, is_coa ? "CoA-Request" : "Disconnect-Request");
			goto out;
		}
		if (x->vendor == 0 && x->number == RADPKT_ATTR_SERVICE_TYPE && authorize_only) {
			nak(&d->v, RADPKT_EC_UNSUPPORTED_SERVICE,
			    "Service-Type Authorize-Only is not supported (send the new rates)");
			goto out;
		}
	}
	ident_read(p, &id);
	if (id.n == 0) {
		nak(&d->v, RADPKT_EC_MISSING_ATTRIBUTE,
		    "no session identification (User-Name, Acct-Session-Id, Framed-IP-Address, "
		    "Framed-IPv6-Prefix, Calling-Station-Id, NAS-Port-Id or NAS-Port)");
		goto out;
	}
	for (s = a->sess.list; s; s = s->next)
		if (!s->gone && ident_match(a, s, &id)) {
			found = s;
			d->matches++;
		}
	if (d->matches == 0) {
		nak(&d->v, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, "no session matches");
		goto out;
	}
	if (d->matches > 1) {
		nak(&d->v, RADPKT_EC_MULTIPLE_SESSION_SELECTION_UNSUPPORTED,
		    "%u sessions match: identify one (e.g. by Acct-Session-Id or Framed-IP-Address)",
		    d->matches);
		goto out;
	}
	d->s = found;
	if (is_coa)
		coa_rates(a, &l, d);
out:
	radattr_free(&l);
}

/* ---- acting on it: the session changes ---- */

/* Re-shape d->s at d's rates: ACK once the kernel took them, NAK 506 (and
 * the session as it was) when it refused. */
static void do_coa(struct acd *a, struct coa_decision *d)
{
	struct session *s = d->s;
	struct coa_verdict *v = &d->v;
	char err[256], dr[32], ur[32];

	if (session_coa(&a->sess, s, d->down, d->up, d->src, err, sizeof(err)) < 0) {
		nak(v, RADPKT_EC_RESOURCES_UNAVAILABLE, "%s: the kernel refused the rates: %s",
		    s->ifname, err);
		return;
	}
	v->ack = true;
	snprintf(v->why, sizeof(v->why), "%s user=%.64s down=%s up=%s%s", s->ifname, s->user,
		 shaper_rate_format(s->coa_down, dr, sizeof(dr)),
		 shaper_rate_format(s->coa_up, ur, sizeof(ur)),
		 s->override ? " (an operator override stays in force)" : "");
}

/* End d->s: ACK once its pppd has SIGTERM, NAK 504 when there is none. */
static void do_disconnect(struct acd *a, struct coa_decision *d)
{
	struct session *s = d->s;
	struct coa_verdict *v = &d->v;
	char err[256];

	if (session_terminate(&a->sess, s, "disconnect-request", err, sizeof(err)) < 0) {
		nak(v, RADPKT_EC_SESSION_CONTEXT_NOT_REMOVABLE, "%s", err);
		return;
	}
	v->ack = true;
	snprintf(v->why, sizeof(v->why), "%s user=%.64s pppd=%d terminated", s->ifname, s->user,
		 (int)s->pppd_pid);
}

/* The ACK or NAK to p, signed with the client's secret: the length, or a
 * radpkt error.  A function of its arguments alone, so a duplicate gets
 * the bytes of the first reply again. */
static int build_reply(struct radpkt_builder *b, const struct radpkt *p, bool ack, uint32_t cause,
		       const struct coa_client_cfg *cl)
{
	radpkt_reply_init(b, p, ack);
	if (!ack && cause)
		radpkt_add_error_cause(b, cause);
	return radpkt_finish(b, cl->secret, cl->secret_len);
}

static void handle(struct coa *c, const uint8_t *buf, size_t n,
		   const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct acd *a = c->a;
	const struct coa_client_cfg *cl;
	struct radpkt p;
	struct radpkt_builder b;
	struct radpkt_attr ts;
	struct coa_entry *dup;
	struct coa_decision d;
	struct coa_key key;
	enum radpkt_ma ma;
	char peer[64];
	uint64_t t0 = lat_now();
	unsigned kind;
	int32_t slot;
	int rc, len;

	peer_str(from, peer, sizeof(peer));
	cl = find_client(a, from);
	if (!cl) {
		drop(c, &a->stats.coa_drop_unknown_client, peer, "not a [coa] client");
		return;
	}
	rc = radpkt_parse(buf, n, &p);
	if (rc < 0 || !radpkt_is_request(p.code)) {
		drop(c, &a->stats.coa_drop_malformed, peer, "%s",
		     rc < 0 ? radpkt_strerror(rc) : "not a CoA- or Disconnect-Request");
		return;
	}
	if (radpkt_verify_request(&p, cl->secret, cl->secret_len) < 0) {
		drop(c, &a->stats.coa_drop_auth, peer,
		     "wrong Request Authenticator (is the secret in %s the client's?)",
		     cl->secret_file);
		return;
	}
	ma = radpkt_verify_ma(&p, NULL, cl->secret, cl->secret_len);
	if (ma == RADPKT_MA_BAD || ma == RADPKT_MA_MALFORMED ||
	    (ma == RADPKT_MA_ABSENT && a->cfg.coa_require_ma)) {
		drop(c, &a->stats.coa_drop_ma, peer, "Message-Authenticator %s%s",
		     radpkt_ma_name(ma), ma == RADPKT_MA_ABSENT ? " (required by the config)" : "");
		return;
	}
	memset(&key, 0, sizeof(key));
	peer_key(from, &key.from);
	key.id = p.id;
	memcpy(key.auth, p.auth, RADPKT_AUTH_LEN);
	dup = cache_find(c, &key);
	if (dup) {
		bool ack = dup->reply_code == RADPKT_DISCONNECT_ACK || dup->reply_code == RADPKT_COA_ACK;

		a->stats.coa_duplicates++;
		/* the authenticator covers the code: the same one, or a
		 * damaged record that passed its check; never act on it */
		if (radpkt_reply_code(p.code, ack) == dup->reply_code &&
		    (len = build_reply(&b, &p, ack, dup->cause, cl)) > 0)
			(void)sendto(c->fd, b.buf, (size_t)len, 0, (const struct sockaddr *)from, fromlen);
		return;
	}
	if (radpkt_attr_find(&p, RADPKT_ATTR_EVENT_TIMESTAMP, &ts)) {
		time_t now = time(NULL), t;
		uint32_t u;

		if (!radpkt_attr_u32(&ts, &u)) {
			drop(c, &a->stats.coa_drop_malformed, peer, "Event-Timestamp of %u bytes", ts.len);
			return;
		}
		t = (time_t)u;
		if (t < now - (time_t)a->cfg.coa_window_s || t > now + (time_t)a->cfg.coa_window_s) {
			drop(c, &a->stats.coa_drop_stale, peer,
			     "Event-Timestamp %lld is %+lld s from now (window %us)", (long long)t,
			     (long long)(t - now), a->cfg.coa_window_s);
			return;
		}
		if (t <= c->stale_before) {
			drop(c, &a->stats.coa_drop_stale, peer,
			     "Event-Timestamp %lld is older than the replay cache holds", (long long)t);
			return;
		}
	} else if (a->cfg.coa_require_timestamp) {
		drop(c, &a->stats.coa_drop_stale, peer, "no Event-Timestamp (required by the config)");
		return;
	}

	a->stats.coa_requests++;
	coa_decide(a, &p, &d);
	if (d.s && p.code == RADPKT_COA_REQUEST)
		do_coa(a, &d);
	else if (d.s)
		do_disconnect(a, &d);
	len = build_reply(&b, &p, d.v.ack, d.v.cause, cl);
	if (len < 0) {
		log_warnx("coa: from=%s id=%u cannot build the reply: %s", peer, p.id,
			  radpkt_strerror(len));
		return;
	}
	/* on record before the reply leaves: whoever heard the reply can
	 * replay it, and after a restart too it must not act again */
	slot = cache_add(c, &key, b.buf[0], d.v.ack ? 0 : d.v.cause);
	cache_save(c, slot);
	if (sendto(c->fd, b.buf, (size_t)len, 0, (const struct sockaddr *)from, fromlen) < 0)
		log_warn("coa: from=%s id=%u cannot send the reply", peer, p.id);
	lat_add(&a->stats.coa, t0);
	kind = p.code == RADPKT_COA_REQUEST ? 0 : 1;
	if (d.v.ack)
		a->stats.coa_acked[kind]++;
	else
		a->stats.coa_naked[kind][d.v.cause > 400 && d.v.cause - 400 < ACD_COA_CAUSES
					 ? d.v.cause - 400 : 0]++;
	if (d.v.ack) {
		a->stats.coa_acks++;
		log_info("coa: from=%s id=%u %s ack %s", peer, p.id,
			 p.code == RADPKT_COA_REQUEST ? "coa" : "disconnect", d.v.why);
	} else {
		a->stats.coa_naks++;
		snprintf(a->stats.coa_last_error, sizeof(a->stats.coa_last_error),
			 "%.63s: NAK %u: %.500s", peer, d.v.cause, d.v.why);
		log_warnx("coa: from=%s id=%u %s nak cause=%u: %s", peer, p.id,
			  p.code == RADPKT_COA_REQUEST ? "coa" : "disconnect", d.v.cause, d.v.why);
	}
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct coa *c = w->data;
	uint8_t buf[RADPKT_MAX_LEN + 1];
	int i;

	(void)loop;
	(void)revents;
	for (i = 0; i < COA_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(c->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("coa: receive");
			return;
		}
		if (from.ss_family != AF_INET && from.ss_family != AF_INET6)
			continue;
		if ((size_t)n > RADPKT_MAX_LEN) {
			char peer[64];

			peer_str(&from, peer, sizeof(peer));
			drop(c, &c->a->stats.coa_drop_malformed, peer, "datagram over 4096 bytes");
			continue;
		}
		handle(c, buf, (size_t)n, &from, fl);
	}
}

struct coa *coa_open(struct acd *a, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int af, one = 1;
	struct coa *c;

	if (!a->cfg.coa_listen[0])
		return NULL;
	if (config_listen_sockaddr(a->cfg.coa_listen, &ss, &sl) < 0) {
		snprintf(err, errlen, "[coa] listen %s: not ADDRESS:PORT", a->cfg.coa_listen);
		return NULL;
	}
	af = ss.ss_family;
	c = calloc(1, sizeof(*c));
	if (c)
		c->cache = calloc(COA_CACHE, sizeof(*c->cache));
	if (!c || !c->cache) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->a = a;
	c->cache_fd = -1;
	c->fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    (af == AF_INET6 && setsockopt(c->fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ 0 }, sizeof(int)) < 0) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(c->fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(err, errlen, "[coa] listen %s: %s%s", a->cfg.coa_listen, strerror(errno),
			 errno == EADDRINUSE ? " (another RADIUS server on that port?)" : "");
		if (c->fd >= 0)
			close(c->fd);
		free(c->cache);
		free(c);
		return NULL;
	}
	cache_open(c);
	ev_io_init(&c->rw, on_read, c->fd, EV_READ);
	c->rw.data = c;
	ev_io_start(a->loop, &c->rw);
	log_notice("coa: listening on %s for %u client(s)", a->cfg.coa_listen, a->cfg.n_coa_clients);
	return c;
}

void coa_close(struct coa *c)
{
	if (!c)
		return;
	ev_io_stop(c->a->loop, &c->rw);
	close(c->fd);
	if (c->cache_fd >= 0) {
		state_sync_fd(-1);
		(void)fdatasync(c->cache_fd);
		close(c->cache_fd);
	}
	HASH_CLEAR(hh, c->index);
	free(c->cache);
	free(c);
}
