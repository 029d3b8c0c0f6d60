/*
 * shaper_int.h - internals shared by the shaper's files and its unit tests.
 *
 * Message building (tc_core.c, q_*.c, f_u32.c, link_ifb.c) is separate from
 * sending (nl.c) and from deciding what to send (shaper.c), so the exact
 * netlink messages are unit-tested without a kernel.
 */
#ifndef ACD_SHAPER_INT_H
#define ACD_SHAPER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/pkt_sched.h>
#include <netlink/msg.h>

#include "shaper.h"

/* Fixed handles: one per object kind, so replace hits the same object and
 * a change of kind is an atomic graft (the kernel cannot change an htb
 * into a tbf in place, and htb has no qdisc-level change at all). */
#define SH_TBF_HANDLE     0x00010000u  /* 1: */
#define SH_TBF_HANDLE_ALT 0x00030000u  /* 3: a fresh tbf when the burst shrinks */
#define SH_HTB_HANDLE     0x00020000u  /* 2: */
#define SH_HTB_CLASS      0x00020001u  /* 2:1 */
#define SH_LEAF_FQ_CODEL  0x00210000u  /* 21: */
#define SH_LEAF_SFQ       0x00220000u  /* 22: */
#define SH_LEAF_CAKE      0x00230000u  /* 23: */
#define SH_CAKE_HANDLE    0x00040000u  /* 4: cake as the root */
#define SH_INGRESS_HANDLE 0xffff0000u  /* ffff: */
#define SH_FILTER_PRIO    1u
#define SH_FILTER_HANDLE  0x80000800u  /* 800::800 */
#define SH_IFB_ALIAS      "acd-shaper owner="
#define SH_IFB_MTU        1279u /* one under IPv6's minimum: no IPv6 on our IFBs */

/* Kernel psched tick: PSCHED_SHIFT is 6 since Linux 2.6.31 (1 tick = 64 ns,
 * /proc/net/psched prints 000003e8 00000040). */
#define SH_NS_PER_TICK 64u

/* Rate-table cell size for 2047-byte frames, as tc computes it. */
#define SH_RTAB_MTU 2047u

/* ---- tc_core.c: rate arithmetic ---- */
uint64_t sh_bps_to_Bps(uint64_t bps);
/* ticks needed to send size bytes at Bps bytes/s (rounded up), clamped to u32 */
uint32_t sh_xmit_ticks(uint64_t Bps, uint32_t size);
/* bytes sent in ticks at Bps, rounded to nearest */
uint32_t sh_xmit_size(uint64_t Bps, uint32_t ticks);
/* fill a ratespec and its 256-entry rate table (as tc_calc_rtable) */
void sh_ratespec(struct tc_ratespec *r, uint32_t rtab[256], uint64_t Bps);
/* tbf queue limit in bytes for a latency: rate * latency + burst */
uint32_t sh_tbf_limit(uint64_t Bps, uint32_t burst, uint32_t latency_us);
uint32_t sh_tbf_latency(uint64_t Bps, uint32_t burst, uint32_t limit);
/* burst, latency and qdisc of a direction with defaults filled in */
struct shaper_dir sh_dir_resolved(const struct shaper_dir *d, unsigned mtu);

/* A flow-queueing qdisc's memory for its queue (fq_codel's memory_limit,
 * cake's memlimit): SH_QUEUE_MEMORY_US of the rate, within bounds. */
#define SH_QUEUE_MEMORY_US  200000u
#define SH_QUEUE_MEMORY_MIN (256u << 10)
#define SH_QUEUE_MEMORY_MAX (4u << 20)
uint32_t sh_queue_memory(uint64_t Bps);

/* ---- builders: every one returns a new message or NULL (ENOMEM) ---- */
#define SH_NLF_REPLACE (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE)

struct nl_msg *sh_msg_tc(int type, int flags, int ifindex, uint32_t parent,
			 uint32_t handle, uint32_t info, const char *kind);
/* q_tbf.c */
struct nl_msg *sh_build_tbf(int ifindex, uint32_t handle, const struct shaper_dir *d, unsigned mtu);
bool sh_is_tbf_handle(uint32_t handle);
/* q_htb.c */
struct nl_msg *sh_build_htb_root(int ifindex);
struct nl_msg *sh_build_htb_class(int ifindex, const struct shaper_dir *d, unsigned mtu);
struct nl_msg *sh_build_leaf(int ifindex, const struct shaper_dir *d, unsigned mtu);
uint32_t sh_leaf_handle(enum shaper_leaf leaf);
const char *sh_leaf_kind(enum shaper_leaf leaf);
/* q_cake.c */
struct nl_msg *sh_build_cake(int ifindex, const struct shaper_dir *d, unsigned mtu);
/* q_ingress.c */
struct nl_msg *sh_build_ingress(int ifindex);
struct nl_msg *sh_build_qdisc_del(int ifindex, uint32_t parent, uint32_t handle);
/* f_u32.c */
struct nl_msg *sh_build_filter_police(int ifindex, uint64_t bps, uint32_t burst);
struct nl_msg *sh_build_filter_mirred(int ifindex, int ifb_ifindex);
struct nl_msg *sh_build_filter_del(int ifindex);
/* link_ifb.c */
struct nl_msg *sh_build_ifb_add(const char *name, int owner_ifindex);
struct nl_msg *sh_build_link_alias(int ifindex, int owner_ifindex);
struct nl_msg *sh_build_link_del(int ifindex);

/* ---- readback.c: what is installed (parsed from kernel messages) ---- */
struct sh_qdisc {
	bool present;
	char kind[16];
	uint32_t handle;
	uint32_t parent;
	uint64_t rate_Bps;          /* tbf, cake */
	uint32_t burst;             /* tbf, bytes */
	uint32_t limit;             /* tbf, bytes */
	uint32_t memory;            /* cake's memlimit, fq_codel's memory_limit */
	struct shaper_counters c;
};

struct sh_class {
	bool present;
	uint64_t rate_Bps, ceil_Bps;
	uint32_t burst, cburst;
};

struct sh_filter {
	bool present;               /* our u32 800::800 at pref 1 */
	bool foreign;               /* other filters on the ingress qdisc */
	char action[16];            /* "police", "mirred", "" */
	uint64_t rate_Bps;          /* police */
	uint32_t burst;             /* police, bytes */
	int mirred_ifindex;         /* mirred */
	struct shaper_counters c;   /* of the action */
};

/* One direction as it stands: a root qdisc and what hangs below it. */
struct sh_tree {
	struct sh_qdisc root;
	struct sh_class cls;        /* 2:1 when root is our htb */
	struct sh_qdisc leaf;       /* child of 2:1 */
};

struct sh_installed {
	int ifindex;
	char ifname[16];
	unsigned mtu;
	struct sh_tree down;
	struct sh_qdisc ingress;
	struct sh_filter filter;
	int ifb_ifindex;            /* 0 when none */
	char ifb[16];
	unsigned ifb_mtu;
	struct sh_tree ifbtree;
};

/* Parsers of kernel replies (unit-tested with built messages). */
int sh_parse_qdisc(struct nl_msg *msg, struct sh_qdisc *q);
int sh_parse_class(struct nl_msg *msg, struct sh_class *c);
int sh_parse_filter(struct nl_msg *msg, struct sh_filter *f);

/* Is this root ours, and which policy does it encode? */
bool sh_tree_ours(const struct sh_tree *t);
void sh_tree_policy(const struct sh_tree *t, struct shaper_dir *d);

/* ---- nl.c: the handle and sending ---- */
struct shaper {
	struct nl_sock *sk;
	struct nl_cb *cb;           /* our handlers for replies, acks, errors */
	char err[512];
	char kmsg[256];             /* extended ack text of the last error */
};

/* Send msg (consumed) and wait for the ack.  Returns 0 or -errno, with the
 * kernel's extended-ack text in sh->kmsg. */
int sh_talk(struct shaper *sh, struct nl_msg *msg);

/* Send a get/dump request (consumed); cb is called for every reply. */
typedef int (*sh_reply_fn)(struct nl_msg *msg, void *arg);
int sh_query(struct shaper *sh, struct nl_msg *msg, sh_reply_fn cb, void *arg);

int sh_ifb_owner(const char *alias, const char *kind);
int sh_read_installed(struct shaper *sh, int ifindex, struct sh_installed *in);
int sh_read_tree(struct shaper *sh, int ifindex, struct sh_tree *t);
int sh_link_info(struct shaper *sh, int ifindex, char name[16], unsigned *mtu,
		 char *alias, size_t aliaslen, char *kind, size_t kindlen);
int sh_link_by_name(struct shaper *sh, const char *name, int *ifindex,
		    char *alias, size_t aliaslen, char *kind, size_t kindlen);

#endif /* ACD_SHAPER_INT_H */
