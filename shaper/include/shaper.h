/*
 * shaper.h - per-subscriber traffic shaping over netlink (libnl-route-3).
 *
 * The shaper programs one interface of the access concentrator at a time:
 *
 *   download (subscriber-bound traffic = the interface's egress)
 *     tbf   root qdisc handle 1:  (rate, burst, latency)
 *     htb   root qdisc handle 2:, class 2:1 (rate = ceil), optional leaf
 *           qdisc under 2:1 (fq_codel 21:, sfq 22:, cake 23:)
 *
 *   upload (the interface's ingress)
 *     police  ingress qdisc ffff: + u32 match-all filter (pref 1,
 *             handle 800::800) + police action, drop on exceed
 *     ifb     a per-session IFB device, ingress qdisc ffff: + u32
 *             match-all filter + mirred egress redirect to it, and tbf or
 *             htb (as for download) as the IFB's root qdisc
 *
 * Every object has a fixed handle, so applying the same policy twice is a
 * no-op and applying a new one changes the live objects in place
 * (NLM_F_REPLACE), never delete-then-add: there is no unshaped gap.
 * Switching between tbf and htb grafts the new root atomically.
 *
 * Rates are bits per second, 64-bit, everywhere.  The kernel's 32-bit
 * rate fields count bytes per second; any rate above UINT32_MAX bit/s is
 * also sent in the 64-bit attributes (TCA_*_RATE64), which the kernel
 * prefers whenever present.
 *
 * Errors are negative SHAPER_E* codes; shaper_strerror() names them and
 * shaper_errmsg() returns the full message of the last failed call on a
 * handle (the interface, the object, the kernel's own extended-ack text
 * and what to do), e.g.
 *   "ppp0: kernel has no act_police: use upload mode ifb".
 *
 * A handle is not thread-safe; use one per thread.
 */
#ifndef ACD_SHAPER_H
#define ACD_SHAPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes (returned negated). */
enum shaper_err {
	SHAPER_OK = 0,
	SHAPER_EINVAL = 1,      /* bad argument or policy */
	SHAPER_ERANGE,          /* rate, burst or latency out of range */
	SHAPER_ENODEV,          /* interface does not exist (or vanished) */
	SHAPER_ENOQDISC,        /* kernel lacks the qdisc kind */
	SHAPER_ENOACTION,       /* kernel lacks the tc action (police, mirred) */
	SHAPER_ENOIFB,          /* kernel cannot create IFB devices */
	SHAPER_EBUSY,           /* a foreign qdisc/filter/device is in the way */
	SHAPER_EKERNEL,         /* other netlink error */
	SHAPER_ENOMEM,
	SHAPER_EPERM,           /* no CAP_NET_ADMIN */
	SHAPER_ESYNTAX,         /* unparsable rate or keyword */
	SHAPER_EROLLBACK,       /* apply failed and so did restoring the old state */
	SHAPER_ERR_MAX
};

enum shaper_qdisc {
	SHAPER_QDISC_NONE = 0,  /* unshaped in this direction */
	SHAPER_QDISC_TBF,
	SHAPER_QDISC_HTB,
	SHAPER_QDISC_CAKE,      /* cake alone: shapes, queues per flow, AQM */
};

enum shaper_leaf {
	SHAPER_LEAF_NONE = 0,   /* htb's default pfifo: a bare FIFO, for tests only */
	SHAPER_LEAF_FQ_CODEL,
	SHAPER_LEAF_SFQ,
	SHAPER_LEAF_CAKE,
};

enum shaper_upmode {
	SHAPER_UP_POLICE = 0,
	SHAPER_UP_IFB,
};

/* Defaults, as the operators' tc scripts use them. */
#define SHAPER_DEFAULT_LATENCY_US   50000u   /* tbf latency: 50 ms */
#define SHAPER_DEFAULT_POLICE_BURST 100000u  /* police burst: 100 kB */
#define SHAPER_BURST_TIME_US        20000u   /* burst = 20 ms at the rate */
#define SHAPER_L2_OVERHEAD          18u      /* Ethernet header + VLAN tag */
#define SHAPER_RATE_MIN             1000ull  /* 1 kbit/s */
#define SHAPER_RATE_MAX             1000000000000ull /* 1 Tbit/s */
#define SHAPER_BURST_MAX            (64u << 20)      /* 64 MiB */
#define SHAPER_LATENCY_MAX_US       10000000u        /* 10 s */

/* One direction's shaping. rate == 0 means unshaped. */
struct shaper_dir {
	uint64_t rate;              /* bit/s */
	uint32_t burst;             /* bytes; 0 = shaper_burst() default */
	enum shaper_qdisc qdisc;    /* TBF, HTB or CAKE; NONE is treated as TBF when rate != 0 */
	enum shaper_leaf leaf;      /* HTB only */
	uint32_t latency_us;        /* TBF only; 0 = SHAPER_DEFAULT_LATENCY_US */
};

struct shaper_policy {
	struct shaper_dir down;     /* egress of the interface */
	struct shaper_dir up;       /* ingress of the interface */
	enum shaper_upmode upmode;  /* how up is enforced */
};

/* Counters of one installed object (64-bit, from TCA_STATS2). */
struct shaper_counters {
	uint64_t bytes;
	uint64_t packets;
	uint64_t drops;
	uint64_t overlimits;
	uint32_t backlog;           /* bytes queued now */
	uint32_t qlen;              /* packets queued now */
};

/* What shaper_show() read back from the kernel. */
struct shaper_state {
	int ifindex;
	char ifname[16];
	unsigned mtu;
	struct shaper_policy policy;    /* the installed policy, rates from the kernel */
	bool down_installed;            /* our root qdisc is present */
	bool up_installed;              /* our ingress filter is present */
	struct shaper_counters down;    /* root qdisc of the interface */
	struct shaper_counters up;      /* police action, or the IFB's root qdisc */
	char ifb[16];                   /* IFB device name, "" when none */
	int ifb_ifindex;
};

struct shaper;

/*
 * Open a handle: one NETLINK_ROUTE socket in the caller's network
 * namespace.  Returns 0 and sets *out, or a negative SHAPER_E* code.
 */
int shaper_open(struct shaper **out);

/* Close a handle; NULL is allowed. */
void shaper_close(struct shaper *sh);

/*
 * Resolve an interface name to its ifindex.  Returns the ifindex (> 0) or
 * -SHAPER_ENODEV (with shaper_errmsg() set).
 */
int shaper_ifindex(struct shaper *sh, const char *ifname);

/*
 * Apply a policy to an interface.  Idempotent; changes a live policy in
 * place.  Objects of directions whose rate is 0 are removed.  On failure
 * the interface is restored to the state it had before the call (if that
 * also fails, -SHAPER_EROLLBACK) and shaper_errmsg() says why.
 */
int shaper_apply(struct shaper *sh, int ifindex, const struct shaper_policy *p);

/*
 * Remove everything the shaper created on an interface: our root qdisc,
 * our ingress qdisc (with its filters) and the session's IFB device.
 * Clearing an unshaped interface is not an error.  A vanished interface
 * returns -SHAPER_ENODEV, but its orphaned IFB (if any) is still removed.
 */
int shaper_clear(struct shaper *sh, int ifindex);

/*
 * Remove IFB devices the shaper created for interfaces that no longer
 * exist (after pppd was killed, or a crash).  Returns how many were
 * removed, or a negative code.
 */
int shaper_gc(struct shaper *sh);

/* Read back the installed policy and its counters. */
int shaper_show(struct shaper *sh, int ifindex, struct shaper_state *st);

/* The message of the last failed call on this handle ("" if none). */
const char *shaper_errmsg(const struct shaper *sh);

/* A short text for a SHAPER_E* code (positive or negative). */
const char *shaper_strerror(int err);

/*
 * Validate a policy without touching the kernel: rates in
 * [SHAPER_RATE_MIN, SHAPER_RATE_MAX] or 0, bursts <= SHAPER_BURST_MAX,
 * latency <= SHAPER_LATENCY_MAX_US, leaf only with HTB.  On error writes a
 * message naming the bad value to err (if non-NULL).
 */
int shaper_policy_check(const struct shaper_policy *p, char *err, size_t errlen);

/* ---- what the kernel can do, and the profiles built on it ---- */

/* What shaper_probe() found; all false until probed. */
struct shaper_caps {
	bool probed;
	bool tbf, htb, cake, fq_codel, sfq;     /* qdisc kinds */
	bool ifb;                               /* IFB devices */
	bool police, mirred;                    /* ingress actions */
};

/*
 * Probe the kernel (in the caller's network namespace) by creating each
 * object once on a throwaway IFB device, which is deleted again.  The
 * kernel loads modules on the way, as tc would.  0 with caps filled, or
 * -SHAPER_EPERM (not root), -SHAPER_ENOIFB (no IFB to probe on), or
 * -SHAPER_EKERNEL (no qdisc at all was taken: a netlink that does not carry
 * tc, as under qemu-user), caps all false, with shaper_errmsg() set.
 */
int shaper_probe(struct shaper *sh, struct shaper_caps *caps);

/* A whole shaping setup, both directions, by one name. */
enum shaper_profile {
	SHAPER_PROFILE_AUTO = 0,        /* fq_codel, cake, tbf: the first the kernel has */
	SHAPER_PROFILE_CAKE,            /* cake both ways, upload through an IFB */
	SHAPER_PROFILE_FQ_CODEL,        /* htb + fq_codel both ways, upload through an IFB */
	SHAPER_PROFILE_TBF,             /* tbf down, police up (IFB + tbf without police) */
};

const char *shaper_profile_name(enum shaper_profile p);
int shaper_profile_parse(const char *s, enum shaper_profile *out);

/*
 * Set the qdiscs, leaves and upload mode of p (its rates untouched) for
 * profile want on a kernel with caps; auto takes fq_codel, then cake, then
 * tbf, the first the kernel can do.  0 with *chosen set and why saying
 * what was chosen and why; or -SHAPER_ENOQDISC with why naming the
 * missing modules.
 */
int shaper_profile_pick(enum shaper_profile want, const struct shaper_caps *caps,
			struct shaper_policy *p, enum shaper_profile *chosen, char *why,
			size_t whylen);

/*
 * Can a kernel with caps do p's qdiscs?  0 (also when caps were never
 * probed), or a negative SHAPER_E* code with err naming the direction and
 * the missing module.
 */
int shaper_caps_check(const struct shaper_caps *caps, const struct shaper_policy *p,
		      char *err, size_t errlen);

/* The leaf for an htb the kernel can fill: fq_codel, cake, sfq, else NONE. */
enum shaper_leaf shaper_best_leaf(const struct shaper_caps *caps);

/* ---- rates and sizes: the one place where units are decided ---- */

/*
 * Parse a rate into bit/s.  Accepts a decimal number with an optional
 * fraction and an optional SI suffix with exact powers of ten:
 * k = 10^3, M = 10^6, G = 10^9, T = 10^12 (case-insensitive), optionally
 * followed by "bit" or "bit/s" ("10M", "5120k", "1.5G", "10mbit").
 * A bare number is multiplied by bare_mult: 1 for bit/s (WISPr), 1000 for
 * kbit/s (RADIUS RP-*-Speed-Limit, Filter-Id).  Byte units ("bps", "B")
 * are refused because tc and people disagree on them.  A result that is
 * not a whole number of bit/s, or does not fit in 64 bits, is an error.
 * On error returns -SHAPER_ESYNTAX or -SHAPER_ERANGE and writes a
 * message quoting the input and saying what to do into err.
 */
int shaper_rate_parse(const char *s, uint64_t bare_mult, uint64_t *bps,
		      char *err, size_t errlen);

/*
 * Format a rate for people: the largest unit that keeps it exact up to
 * three decimals ("10M", "1.5G", "5120k", "999").  Returns buf.
 */
char *shaper_rate_format(uint64_t bps, char *buf, size_t len);

/*
 * The default token-bucket burst for a rate: the bytes sent in
 * SHAPER_BURST_TIME_US (20 ms) at the rate, rounded up, and never less
 * than one full frame: mtu + SHAPER_L2_OVERHEAD.  Capped at
 * SHAPER_BURST_MAX.
 */
uint32_t shaper_burst(uint64_t bps, unsigned mtu);

/*
 * The name of the IFB device for an interface: "ifb-" + ifname when that
 * fits in 15 characters, else "ifb" + ifindex.  The shaper falls back to
 * the second form when the first is taken by a device it does not own.
 */
void shaper_ifb_name(const char *ifname, int ifindex, bool fallback,
		     char out[16]);

/* Keyword <-> enum, for CLIs and config ("tbf", "htb", "fq_codel", ...). */
const char *shaper_qdisc_name(enum shaper_qdisc q);
const char *shaper_leaf_name(enum shaper_leaf l);
const char *shaper_upmode_name(enum shaper_upmode m);
int shaper_qdisc_parse(const char *s, enum shaper_qdisc *out);
int shaper_leaf_parse(const char *s, enum shaper_leaf *out);
int shaper_upmode_parse(const char *s, enum shaper_upmode *out);

#ifdef __cplusplus
}
#endif

#endif /* ACD_SHAPER_H */
