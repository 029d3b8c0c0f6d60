/*
 * The exact netlink messages the shaper sends, checked attribute by
 * attribute without a kernel; and the readback parsers fed with them.
 * police, fq_codel and cake cannot run on the CI kernel: these tests pin
 * their messages until the VM test bed runs them for real.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <net/if.h>

#include <arpa/inet.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "shaper_int.h"

#define IFX 7

static struct tcmsg *hdr(struct nl_msg *m, int type, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);

	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlmsg_parse(nlh, sizeof(struct tcmsg), tb, TCA_MAX, NULL), 0);
	return nlmsg_data(nlh);
}

static void assert_replace_flags(struct nl_msg *m)
{
	int f = nlmsg_hdr(m)->nlmsg_flags;

	assert_true(f & NLM_F_CREATE);
	assert_true(f & NLM_F_REPLACE);
	assert_false(f & NLM_F_EXCL); /* never fail because it exists */
	assert_true(f & NLM_F_ACK);
}

static void test_ticks(void **state)
{
	(void)state;
	/* 12500 bytes at 1.25 MB/s = 10 ms = 156250 ticks of 64 ns */
	assert_int_equal(sh_xmit_ticks(1250000, 12500), 156250);
	assert_int_equal(sh_xmit_size(1250000, 156250), 12500);
	/* rounding up, never a zero-time packet */
	assert_int_equal(sh_xmit_ticks(1000000000000ull, 1), 1);
	assert_int_equal(sh_xmit_ticks(1, 0xffffffffu), UINT32_MAX);
	assert_int_equal(sh_bps_to_Bps(10000000), 1250000);
	assert_int_equal(sh_bps_to_Bps(1), 1);
	assert_int_equal(sh_bps_to_Bps(1004), 126); /* nearest byte */
	assert_int_equal(sh_tbf_limit(1250000, 12500, 50000), 75000);
	assert_int_equal(sh_tbf_latency(1250000, 12500, 75000), 50000);
}

static void test_ratespec(void **state)
{
	struct tc_ratespec r;
	uint32_t rtab[256];

	(void)state;
	sh_ratespec(&r, rtab, 625000);
	/* 2047-byte cells as tc: cell_log 3, so police's MTU is 255 << 3 */
	assert_int_equal(r.cell_log, 3);
	assert_int_equal(r.linklayer, TC_LINKLAYER_ETHERNET);
	assert_int_equal(r.cell_align, -1);
	assert_int_equal(r.rate, 625000);
	assert_int_equal(rtab[0], sh_xmit_ticks(625000, 8));
	assert_int_equal(rtab[255], sh_xmit_ticks(625000, 2048));
	assert_true(rtab[1] > rtab[0]);
	sh_ratespec(&r, rtab, 5000000000ull); /* 40 Gbit/s */
	assert_int_equal(r.rate, UINT32_MAX);
}

static void check_tbf(uint64_t bps, uint32_t burst, uint32_t lat, bool rate64)
{
	struct shaper_dir d = { .rate = bps, .qdisc = SHAPER_QDISC_TBF,
				.burst = burst, .latency_us = lat };
	struct shaper_dir r = sh_dir_resolved(&d, 1500);
	struct nl_msg *m = sh_build_tbf(IFX, SH_TBF_HANDLE, &d, 1500);
	struct nlattr *tb[TCA_MAX + 1], *o[TCA_TBF_MAX + 1];
	struct tcmsg *t;
	struct tc_tbf_qopt q;
	uint64_t Bps = sh_bps_to_Bps(bps);

	assert_non_null(m);
	t = hdr(m, RTM_NEWQDISC, tb);
	assert_replace_flags(m);
	assert_int_equal(t->tcm_ifindex, IFX);
	assert_int_equal(t->tcm_parent, TC_H_ROOT);
	assert_int_equal(t->tcm_handle, 0x10000);
	assert_string_equal(nla_get_string(tb[TCA_KIND]), "tbf");
	assert_int_equal(nla_parse_nested(o, TCA_TBF_MAX, tb[TCA_OPTIONS], NULL), 0);
	assert_int_equal(nla_len(o[TCA_TBF_PARMS]), sizeof(q));
	memcpy(&q, nla_data(o[TCA_TBF_PARMS]), sizeof(q));
	assert_int_equal(q.rate.rate, Bps > UINT32_MAX ? UINT32_MAX : Bps);
	assert_int_equal(q.rate.cell_log, 3);
	assert_int_equal(q.buffer, sh_xmit_ticks(Bps, r.burst));
	assert_int_equal(q.limit, sh_tbf_limit(Bps, r.burst, r.latency_us));
	assert_int_equal(q.peakrate.rate, 0);
	assert_int_equal(nla_get_u32(o[TCA_TBF_BURST]), r.burst);
	assert_int_equal(nla_len(o[TCA_TBF_RTAB]), 1024);
	if (rate64) {
		assert_non_null(o[TCA_TBF_RATE64]);
		assert_int_equal(nla_get_u64(o[TCA_TBF_RATE64]), Bps);
	} else {
		assert_null(o[TCA_TBF_RATE64]);
	}
	nlmsg_free(m);
}

static void test_tbf(void **state)
{
	(void)state;
	check_tbf(10000000, 0, 0, false);         /* defaults: 25000 B, 50 ms */
	check_tbf(10000000, 30000, 20000, false);
	check_tbf(4000000000ull, 0, 0, false);
	check_tbf(4294967296ull, 0, 0, true);     /* above 2^32 bit/s: 64-bit too */
	check_tbf(40000000000ull, 0, 0, true);    /* bytes/s beyond 32 bits */
	check_tbf(1000000000000ull, 0, 0, true);
}

static void test_tbf_defaults(void **state)
{
	struct shaper_dir d = { .rate = 10000000 };
	struct shaper_dir r = sh_dir_resolved(&d, 1500);

	(void)state;
	assert_int_equal(r.qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(r.burst, 25000);
	assert_int_equal(r.latency_us, 50000);
	/* 87500 B limit: 50 ms at 1.25 MB/s plus the burst */
	assert_int_equal(sh_tbf_limit(1250000, r.burst, r.latency_us), 87500);
}

static void test_htb(void **state)
{
	struct shaper_dir d = { .rate = 20000000, .qdisc = SHAPER_QDISC_HTB };
	struct nlattr *tb[TCA_MAX + 1], *o[TCA_HTB_MAX + 1];
	struct tc_htb_glob g;
	struct tc_htb_opt h;
	struct nl_msg *m;
	struct tcmsg *t;

	(void)state;
	m = sh_build_htb_root(IFX);
	t = hdr(m, RTM_NEWQDISC, tb);
	assert_replace_flags(m);
	assert_int_equal(t->tcm_handle, 0x20000);
	assert_int_equal(t->tcm_parent, TC_H_ROOT);
	assert_string_equal(nla_get_string(tb[TCA_KIND]), "htb");
	assert_int_equal(nla_parse_nested(o, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL), 0);
	memcpy(&g, nla_data(o[TCA_HTB_INIT]), sizeof(g));
	assert_int_equal(g.version, 3);
	assert_int_equal(g.rate2quantum, 10);
	assert_int_equal(g.defcls, 1); /* unclassified -> 2:1 */
	nlmsg_free(m);

	m = sh_build_htb_class(IFX, &d, 1500);
	t = hdr(m, RTM_NEWTCLASS, tb);
	assert_replace_flags(m);
	assert_int_equal(t->tcm_handle, 0x20001);
	assert_int_equal(t->tcm_parent, 0x20000);
	assert_int_equal(nla_parse_nested(o, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL), 0);
	memcpy(&h, nla_data(o[TCA_HTB_PARMS]), sizeof(h));
	assert_int_equal(h.rate.rate, 2500000);
	assert_int_equal(h.ceil.rate, 2500000);
	assert_int_equal(h.buffer, sh_xmit_ticks(2500000, 50000));
	assert_int_equal(h.cbuffer, h.buffer);
	assert_int_equal(h.quantum, 200000); /* 2.5e6/10 capped */
	assert_int_equal(nla_len(o[TCA_HTB_RTAB]), 1024);
	assert_int_equal(nla_len(o[TCA_HTB_CTAB]), 1024);
	assert_null(o[TCA_HTB_RATE64]);
	nlmsg_free(m);

	d.rate = 50000000000ull;
	m = sh_build_htb_class(IFX, &d, 1500);
	hdr(m, RTM_NEWTCLASS, tb);
	assert_int_equal(nla_parse_nested(o, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL), 0);
	assert_int_equal(nla_get_u64(o[TCA_HTB_RATE64]), 6250000000ull);
	assert_int_equal(nla_get_u64(o[TCA_HTB_CEIL64]), 6250000000ull);
	nlmsg_free(m);

	d.rate = 64000; /* small rate: quantum at least one frame */
	m = sh_build_htb_class(IFX, &d, 1500);
	hdr(m, RTM_NEWTCLASS, tb);
	assert_int_equal(nla_parse_nested(o, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL), 0);
	memcpy(&h, nla_data(o[TCA_HTB_PARMS]), sizeof(h));
	assert_int_equal(h.quantum, 1518);
	nlmsg_free(m);
}

static void test_leaves(void **state)
{
	static const struct {
		enum shaper_leaf l;
		const char *kind;
		uint32_t handle;
	} v[] = { { SHAPER_LEAF_FQ_CODEL, "fq_codel", 0x210000 },
		  { SHAPER_LEAF_SFQ, "sfq", 0x220000 },
		  { SHAPER_LEAF_CAKE, "cake", 0x230000 } };
	struct shaper_dir d = { .rate = 10000000, .qdisc = SHAPER_QDISC_HTB };
	struct nlattr *tb[TCA_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct nl_msg *m;
		struct tcmsg *t;

		d.leaf = v[i].l;
		m = sh_build_leaf(IFX, &d, 1492);
		t = hdr(m, RTM_NEWQDISC, tb);
		assert_replace_flags(m);
		assert_int_equal(t->tcm_parent, 0x20001);
		assert_int_equal(t->tcm_handle, v[i].handle);
		assert_string_equal(nla_get_string(tb[TCA_KIND]), v[i].kind);
		if (v[i].l == SHAPER_LEAF_FQ_CODEL) {
			struct nlattr *o[TCA_FQ_CODEL_MAX + 1];

			assert_int_equal(nla_parse_nested(o, TCA_FQ_CODEL_MAX, tb[TCA_OPTIONS], NULL), 0);
			/* one full frame of the session link, not of the device */
			assert_int_equal(nla_get_u32(o[TCA_FQ_CODEL_QUANTUM]), 1492 + 18);
			/* 200 ms of 10 Mbit/s is 250 kB: under the 256 KiB floor */
			assert_int_equal(nla_get_u32(o[TCA_FQ_CODEL_MEMORY_LIMIT]), 256u << 10);
		}
		nlmsg_free(m);
	}
	d.leaf = SHAPER_LEAF_NONE;
	assert_null(sh_build_leaf(IFX, &d, 1492));
}

static void test_queue_memory(void **state)
{
	(void)state;
	assert_int_equal(sh_queue_memory(1), 256u << 10);
	assert_int_equal(sh_queue_memory(1250000), 256u << 10);        /* 10 Mbit/s */
	assert_int_equal(sh_queue_memory(6250000), 1250000);           /* 50 Mbit/s: 200 ms */
	assert_int_equal(sh_queue_memory(12500000), 2500000);          /* 100 Mbit/s */
	assert_int_equal(sh_queue_memory(125000000), 4u << 20);        /* 1 Gbit/s: the cap */
	assert_int_equal(sh_queue_memory(UINT64_MAX), 4u << 20);
}

static void test_cake_root(void **state)
{
	struct shaper_dir d = { .rate = 100000000, .qdisc = SHAPER_QDISC_CAKE }, back;
	struct nlattr *tb[TCA_MAX + 1], *o[TCA_CAKE_MAX + 1];
	struct nl_msg *m = sh_build_cake(IFX, &d, 1492);
	struct tcmsg *t = hdr(m, RTM_NEWQDISC, tb);
	struct sh_tree tree;

	(void)state;
	assert_replace_flags(m);
	assert_int_equal(t->tcm_parent, TC_H_ROOT);
	assert_int_equal(t->tcm_handle, 0x40000);
	assert_string_equal(nla_get_string(tb[TCA_KIND]), "cake");
	assert_int_equal(nla_parse_nested(o, TCA_CAKE_MAX, tb[TCA_OPTIONS], NULL), 0);
	assert_true(nla_get_u64(o[TCA_CAKE_BASE_RATE64]) == 12500000);
	assert_int_equal(nla_get_u32(o[TCA_CAKE_DIFFSERV_MODE]), CAKE_DIFFSERV_BESTEFFORT);
	assert_non_null(o[TCA_CAKE_RAW]);
	assert_null(o[TCA_CAKE_OVERHEAD]);
	assert_int_equal(nla_get_u32(o[TCA_CAKE_MEMORY]), 2500000);

	/* read back: ours, and it says cake at the rate */
	memset(&tree, 0, sizeof(tree));
	assert_int_equal(sh_parse_qdisc(m, &tree.root), 0);
	assert_true(tree.root.rate_Bps == 12500000);
	assert_int_equal(tree.root.memory, 2500000);
	assert_true(sh_tree_ours(&tree));
	sh_tree_policy(&tree, &back);
	assert_int_equal(back.qdisc, SHAPER_QDISC_CAKE);
	assert_true(back.rate == 100000000);
	assert_int_equal(back.leaf, SHAPER_LEAF_NONE);
	nlmsg_free(m);

	/* someone else's cake (another handle) is not ours */
	tree.root.handle = 0x80010000u;
	assert_false(sh_tree_ours(&tree));
}

static void test_ingress_and_deletes(void **state)
{
	struct nlattr *tb[TCA_MAX + 1];
	struct nl_msg *m;
	struct tcmsg *t;

	(void)state;
	m = sh_build_ingress(IFX);
	t = hdr(m, RTM_NEWQDISC, tb);
	assert_replace_flags(m);
	assert_int_equal(t->tcm_parent, TC_H_INGRESS);
	assert_int_equal(t->tcm_handle, 0xffff0000u);
	assert_string_equal(nla_get_string(tb[TCA_KIND]), "ingress");
	nlmsg_free(m);

	m = sh_build_qdisc_del(IFX, TC_H_ROOT, 0x10000);
	t = hdr(m, RTM_DELQDISC, tb);
	assert_int_equal(t->tcm_handle, 0x10000);
	assert_null(tb[TCA_KIND]);
	nlmsg_free(m);

	m = sh_build_filter_del(IFX);
	t = hdr(m, RTM_DELTFILTER, tb);
	assert_int_equal(t->tcm_parent, 0xffff0000u);
	assert_int_equal(t->tcm_handle, 0); /* the whole instance at pref 1 */
	assert_int_equal(TC_H_MAJ(t->tcm_info) >> 16, 1);
	assert_int_equal(TC_H_MIN(t->tcm_info), htons(ETH_P_ALL));
	nlmsg_free(m);
}

/* Returns the first action's options of a u32 filter message. */
static void filter_action(struct nl_msg *m, const char *kind, struct nlattr **ao, int aomax,
			  struct nlattr **act_out)
{
	struct nlattr *tb[TCA_MAX + 1], *o[TCA_U32_MAX + 1], *acts[TCA_ACT_MAX_PRIO + 1];
	struct nlattr *a[TCA_ACT_MAX + 1];
	struct tc_u32_sel sel;
	struct tc_u32_key key;
	struct tcmsg *t = hdr(m, RTM_NEWTFILTER, tb);

	assert_replace_flags(m);
	assert_int_equal(t->tcm_ifindex, IFX);
	assert_int_equal(t->tcm_parent, 0xffff0000u);
	assert_int_equal(t->tcm_handle, 0x80000800u);
	assert_int_equal(TC_H_MAJ(t->tcm_info) >> 16, 1);
	assert_int_equal(TC_H_MIN(t->tcm_info), htons(ETH_P_ALL));
	assert_string_equal(nla_get_string(tb[TCA_KIND]), "u32");
	assert_int_equal(nla_parse_nested(o, TCA_U32_MAX, tb[TCA_OPTIONS], NULL), 0);
	assert_int_equal(nla_len(o[TCA_U32_SEL]), sizeof(sel) + sizeof(key));
	memcpy(&sel, nla_data(o[TCA_U32_SEL]), sizeof(sel));
	memcpy(&key, (char *)nla_data(o[TCA_U32_SEL]) + sizeof(sel), sizeof(key));
	assert_int_equal(sel.nkeys, 1);
	assert_int_equal(sel.flags, TC_U32_TERMINAL);
	assert_int_equal(key.mask, 0); /* match everything */
	assert_int_equal(key.val, 0);
	assert_int_equal(key.off, 0);
	assert_int_equal(nla_parse_nested(acts, TCA_ACT_MAX_PRIO, o[TCA_U32_ACT], NULL), 0);
	assert_non_null(acts[1]);
	assert_null(acts[2]);
	assert_int_equal(nla_parse_nested(a, TCA_ACT_MAX, acts[1], NULL), 0);
	assert_string_equal(nla_get_string(a[TCA_ACT_KIND]), kind);
	assert_int_equal(nla_parse_nested(ao, aomax, a[TCA_ACT_OPTIONS], NULL), 0);
	*act_out = acts[1];
}

static void test_police(void **state)
{
	struct nlattr *p[TCA_POLICE_MAX + 1], *act;
	struct tc_police pol;
	struct nl_msg *m;
	uint32_t rtab[256];

	(void)state;
	m = sh_build_filter_police(IFX, 5000000, 100000);
	filter_action(m, "police", p, TCA_POLICE_MAX, &act);
	assert_int_equal(nla_len(p[TCA_POLICE_TBF]), sizeof(pol));
	memcpy(&pol, nla_data(p[TCA_POLICE_TBF]), sizeof(pol));
	assert_int_equal(pol.rate.rate, 625000);
	assert_int_equal(pol.action, TC_ACT_SHOT);         /* drop on exceed */
	assert_int_equal(pol.burst, sh_xmit_ticks(625000, 100000));
	assert_int_equal(pol.mtu, 0);                      /* kernel: 255 << cell_log */
	assert_int_equal(pol.rate.cell_log, 3);
	assert_int_equal(pol.peakrate.rate, 0);
	/* act_police refuses a rate without its table */
	assert_non_null(p[TCA_POLICE_RATE]);
	assert_int_equal(nla_len(p[TCA_POLICE_RATE]), 1024);
	memcpy(rtab, nla_data(p[TCA_POLICE_RATE]), sizeof(rtab));
	assert_int_equal(rtab[0], sh_xmit_ticks(625000, 8));
	assert_int_equal(rtab[255], sh_xmit_ticks(625000, 2048));
	assert_int_equal(nla_get_u32(p[TCA_POLICE_RESULT]), TC_ACT_OK);
	assert_null(p[TCA_POLICE_RATE64]);
	nlmsg_free(m);

	m = sh_build_filter_police(IFX, 100000000000ull, 100000);
	filter_action(m, "police", p, TCA_POLICE_MAX, &act);
	assert_int_equal(nla_get_u64(p[TCA_POLICE_RATE64]), 12500000000ull);
	nlmsg_free(m);
}

static void test_mirred(void **state)
{
	struct nlattr *mp[TCA_MIRRED_MAX + 1], *act;
	struct tc_mirred mir;
	struct nl_msg *m = sh_build_filter_mirred(IFX, 42);

	(void)state;
	filter_action(m, "mirred", mp, TCA_MIRRED_MAX, &act);
	memcpy(&mir, nla_data(mp[TCA_MIRRED_PARMS]), sizeof(mir));
	assert_int_equal(mir.eaction, TCA_EGRESS_REDIR);
	assert_int_equal(mir.action, TC_ACT_STOLEN);
	assert_int_equal(mir.ifindex, 42);
	nlmsg_free(m);
}

static void test_ifb_link(void **state)
{
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct nl_msg *m = sh_build_ifb_add("ifb-ppp0", IFX);
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct ifinfomsg *ifi;

	(void)state;
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_true(nlh->nlmsg_flags & NLM_F_CREATE);
	assert_true(nlh->nlmsg_flags & NLM_F_EXCL); /* never adopt by accident */
	assert_int_equal(nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
	ifi = nlmsg_data(nlh);
	assert_false(ifi->ifi_flags & IFF_UP); /* up once its qdisc is on */
	assert_string_equal(nla_get_string(tb[IFLA_IFNAME]), "ifb-ppp0");
	assert_non_null(tb[IFLA_MTU]);
	assert_true(nla_get_u32(tb[IFLA_MTU]) < 1280); /* so the kernel gives it no IPv6 */
	assert_int_equal(nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL), 0);
	assert_string_equal(nla_get_string(li[IFLA_INFO_KIND]), "ifb");
	nlmsg_free(m);

	m = sh_build_link_alias(9, IFX);
	nlh = nlmsg_hdr(m);
	assert_int_equal(nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
	ifi = nlmsg_data(nlh);
	assert_int_equal(ifi->ifi_index, 9);
	assert_true(ifi->ifi_flags & IFF_UP);
	assert_true(ifi->ifi_change & IFF_UP);
	assert_string_equal(nla_get_string(tb[IFLA_IFALIAS]), "acd-shaper owner=7");
	assert_int_equal(sh_ifb_owner("acd-shaper owner=7", "ifb"), 7);
	assert_int_equal(sh_ifb_owner("acd-shaper owner=7", "dummy"), 0);
	assert_int_equal(sh_ifb_owner("someone else", "ifb"), 0);
	nlmsg_free(m);

	m = sh_build_link_del(9);
	assert_int_equal(nlmsg_hdr(m)->nlmsg_type, RTM_DELLINK);
	assert_int_equal(((struct ifinfomsg *)nlmsg_data(nlmsg_hdr(m)))->ifi_index, 9);
	nlmsg_free(m);
}

/* Append kernel-style TCA_STATS2 to a message. */
static void add_stats(struct nl_msg *m, uint64_t bytes, uint32_t pkts, uint32_t drops,
		      uint32_t over)
{
	struct gnet_stats_basic b = { .bytes = bytes, .packets = pkts };
	struct gnet_stats_queue q = { .drops = drops, .overlimits = over, .qlen = 2,
				      .backlog = 3000 };
	struct nlattr *n = nla_nest_start(m, TCA_STATS2);

	nla_put(m, TCA_STATS_BASIC, sizeof(b), &b);
	nla_put(m, TCA_STATS_QUEUE, sizeof(q), &q);
	nla_nest_end(m, n);
}

static void test_readback_tbf(void **state)
{
	struct shaper_dir d = { .rate = 10000000 }, back;
	struct nl_msg *m = sh_build_tbf(IFX, SH_TBF_HANDLE, &d, 1500);
	struct sh_tree t;

	(void)state;
	add_stats(m, 123456789012ull, 1000, 5, 7);
	memset(&t, 0, sizeof(t));
	assert_int_equal(sh_parse_qdisc(m, &t.root), 0);
	assert_string_equal(t.root.kind, "tbf");
	assert_int_equal(t.root.handle, 0x10000);
	assert_int_equal(t.root.rate_Bps, 1250000);
	assert_int_equal(t.root.burst, 25000);
	assert_int_equal(t.root.limit, 87500);
	assert_int_equal(t.root.c.bytes, 123456789012ull);
	assert_int_equal(t.root.c.packets, 1000);
	assert_int_equal(t.root.c.drops, 5);
	assert_int_equal(t.root.c.overlimits, 7);
	assert_int_equal(t.root.c.backlog, 3000);
	assert_true(sh_tree_ours(&t));
	sh_tree_policy(&t, &back);
	assert_int_equal(back.qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(back.rate, 10000000);
	assert_int_equal(back.burst, 25000);
	assert_int_equal(back.latency_us, 50000);
	nlmsg_free(m);

	/* the alternate handle of a fresh tbf (a smaller burst) is ours too */
	t.root.handle = SH_TBF_HANDLE_ALT;
	assert_true(sh_tree_ours(&t));
	sh_tree_policy(&t, &back);
	assert_int_equal(back.rate, 10000000);
	t.root.handle = 0x00040000u;
	assert_false(sh_tree_ours(&t));

	/* rate64 wins over the saturated 32-bit field */
	d.rate = 40000000000ull;
	m = sh_build_tbf(IFX, SH_TBF_HANDLE, &d, 1500);
	assert_int_equal(sh_parse_qdisc(m, &t.root), 0);
	assert_int_equal(t.root.rate_Bps, 5000000000ull);
	nlmsg_free(m);
}

static void test_readback_htb(void **state)
{
	struct shaper_dir d = { .rate = 20000000, .qdisc = SHAPER_QDISC_HTB }, back;
	struct nl_msg *m;
	struct sh_tree t;

	(void)state;
	memset(&t, 0, sizeof(t));
	m = sh_build_htb_root(IFX);
	assert_int_equal(sh_parse_qdisc(m, &t.root), 0);
	nlmsg_free(m);
	m = sh_build_htb_class(IFX, &d, 1500);
	assert_int_equal(sh_parse_class(m, &t.cls), 0);
	nlmsg_free(m);
	d.leaf = SHAPER_LEAF_CAKE;
	m = sh_build_leaf(IFX, &d, 1500);
	assert_int_equal(sh_parse_qdisc(m, &t.leaf), 0);
	nlmsg_free(m);
	assert_true(sh_tree_ours(&t));
	sh_tree_policy(&t, &back);
	assert_int_equal(back.qdisc, SHAPER_QDISC_HTB);
	assert_int_equal(back.rate, 20000000);
	assert_int_equal(back.burst, 50000);
	assert_int_equal(back.leaf, SHAPER_LEAF_CAKE);

	/* a foreign root (wrong handle) is not ours and encodes nothing */
	t.root.handle = 0x80010000u;
	assert_false(sh_tree_ours(&t));
	sh_tree_policy(&t, &back);
	assert_int_equal(back.rate, 0);
}

static void test_readback_filter(void **state)
{
	struct sh_filter f;
	struct nl_msg *m;

	(void)state;
	memset(&f, 0, sizeof(f));
	m = sh_build_filter_police(IFX, 5000000, 100000);
	assert_int_equal(sh_parse_filter(m, &f), 0);
	assert_true(f.present);
	assert_false(f.foreign);
	assert_string_equal(f.action, "police");
	assert_int_equal(f.rate_Bps, 625000);
	assert_int_equal(f.burst, 100000);
	nlmsg_free(m);

	memset(&f, 0, sizeof(f));
	m = sh_build_filter_mirred(IFX, 42);
	assert_int_equal(sh_parse_filter(m, &f), 0);
	assert_string_equal(f.action, "mirred");
	assert_int_equal(f.mirred_ifindex, 42);
	nlmsg_free(m);

	/* someone else's filter at another pref marks the qdisc shared */
	memset(&f, 0, sizeof(f));
	m = sh_msg_tc(RTM_NEWTFILTER, 0, IFX, 0xffff0000u, 0x80000801u,
		      TC_H_MAKE(5u << 16, htons(ETH_P_IP)), "u32");
	assert_int_equal(sh_parse_filter(m, &f), 0);
	assert_false(f.present);
	assert_true(f.foreign);
	nlmsg_free(m);
}

static void test_truncated(void **state)
{
	struct sh_qdisc q;
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWQDISC, 0);

	(void)state;
	/* no tcmsg at all: rejected, not read past the end */
	assert_int_equal(sh_parse_qdisc(m, &q), -EINVAL);
	assert_false(q.present);
	nlmsg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_ratespec),
		cmocka_unit_test(test_tbf),
		cmocka_unit_test(test_tbf_defaults),
		cmocka_unit_test(test_htb),
		cmocka_unit_test(test_leaves),
		cmocka_unit_test(test_queue_memory),
		cmocka_unit_test(test_cake_root),
		cmocka_unit_test(test_ingress_and_deletes),
		cmocka_unit_test(test_police),
		cmocka_unit_test(test_mirred),
		cmocka_unit_test(test_ifb_link),
		cmocka_unit_test(test_readback_tbf),
		cmocka_unit_test(test_readback_htb),
		cmocka_unit_test(test_readback_filter),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
