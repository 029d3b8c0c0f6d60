/*
 * readback.c - what is installed on an interface, read from the kernel one
 * object at a time (a root qdisc GET, a class GET, a filter dump of one
 * ingress qdisc), so the cost per interface does not grow with the number
 * of interfaces on the box.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "shaper_int.h"

static void parse_stats(struct nlattr *st, struct shaper_counters *c)
{
	struct nlattr *tb[TCA_STATS_MAX + 1];

	if (!st || nla_parse_nested(tb, TCA_STATS_MAX, st, NULL) < 0)
		return;
	if (tb[TCA_STATS_BASIC] && nla_len(tb[TCA_STATS_BASIC]) >= (int)sizeof(struct gnet_stats_basic)) {
		struct gnet_stats_basic b;

		memcpy(&b, nla_data(tb[TCA_STATS_BASIC]), sizeof(b));
		c->bytes = b.bytes;
		c->packets = b.packets;
	}
	if (tb[TCA_STATS_PKT64] && nla_len(tb[TCA_STATS_PKT64]) >= 8)
		c->packets = nla_get_u64(tb[TCA_STATS_PKT64]);
	if (tb[TCA_STATS_QUEUE] && nla_len(tb[TCA_STATS_QUEUE]) >= (int)sizeof(struct gnet_stats_queue)) {
		struct gnet_stats_queue q;

		memcpy(&q, nla_data(tb[TCA_STATS_QUEUE]), sizeof(q));
		c->drops = q.drops;
		c->overlimits = q.overlimits;
		c->backlog = q.backlog;
		c->qlen = q.qlen;
	}
}

static int tc_parse(struct nl_msg *msg, struct nlattr **tb, struct tcmsg **tcm)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (!nlmsg_valid_hdr(nlh, sizeof(struct tcmsg)) ||
	    nlmsg_parse(nlh, sizeof(struct tcmsg), tb, TCA_MAX, NULL) < 0)
		return -EINVAL;
	*tcm = nlmsg_data(nlh);
	return 0;
}

static uint64_t rate_of(const struct tc_ratespec *r, struct nlattr *r64)
{
	uint64_t v = r->rate;

	if (r64 && nla_len(r64) >= 8 && nla_get_u64(r64) > v)
		v = nla_get_u64(r64);
	return v;
}

int sh_parse_qdisc(struct nl_msg *msg, struct sh_qdisc *q)
{
	struct nlattr *tb[TCA_MAX + 1];
	struct tcmsg *tcm;

	memset(q, 0, sizeof(*q));
	if (tc_parse(msg, tb, &tcm) < 0 || !tb[TCA_KIND])
		return -EINVAL;
	q->present = true;
	nla_strlcpy(q->kind, tb[TCA_KIND], sizeof(q->kind));
	q->handle = tcm->tcm_handle;
	q->parent = tcm->tcm_parent;
	parse_stats(tb[TCA_STATS2], &q->c);
	if (strcmp(q->kind, "tbf") == 0 && tb[TCA_OPTIONS]) {
		struct nlattr *o[TCA_TBF_MAX + 1];
		struct tc_tbf_qopt p;

		if (nla_parse_nested(o, TCA_TBF_MAX, tb[TCA_OPTIONS], NULL) < 0 ||
		    !o[TCA_TBF_PARMS] || nla_len(o[TCA_TBF_PARMS]) < (int)sizeof(p))
			return -EINVAL;
		memcpy(&p, nla_data(o[TCA_TBF_PARMS]), sizeof(p));
		q->rate_Bps = rate_of(&p.rate, o[TCA_TBF_RATE64]);
		q->burst = sh_xmit_size(q->rate_Bps, p.buffer);
		q->limit = p.limit;
	} else if (strcmp(q->kind, "cake") == 0 && tb[TCA_OPTIONS]) {
		struct nlattr *o[TCA_CAKE_MAX + 1];

		if (nla_parse_nested(o, TCA_CAKE_MAX, tb[TCA_OPTIONS], NULL) < 0)
			return -EINVAL;
		if (o[TCA_CAKE_BASE_RATE64] && nla_len(o[TCA_CAKE_BASE_RATE64]) >= 8)
			q->rate_Bps = nla_get_u64(o[TCA_CAKE_BASE_RATE64]);
		if (o[TCA_CAKE_MEMORY] && nla_len(o[TCA_CAKE_MEMORY]) >= 4)
			q->memory = nla_get_u32(o[TCA_CAKE_MEMORY]);
	} else if (strcmp(q->kind, "fq_codel") == 0 && tb[TCA_OPTIONS]) {
		struct nlattr *o[TCA_FQ_CODEL_MAX + 1];

		if (nla_parse_nested(o, TCA_FQ_CODEL_MAX, tb[TCA_OPTIONS], NULL) < 0)
			return -EINVAL;
		if (o[TCA_FQ_CODEL_MEMORY_LIMIT] && nla_len(o[TCA_FQ_CODEL_MEMORY_LIMIT]) >= 4)
			q->memory = nla_get_u32(o[TCA_FQ_CODEL_MEMORY_LIMIT]);
	}
	return 0;
}

int sh_parse_class(struct nl_msg *msg, struct sh_class *c)
{
	struct nlattr *tb[TCA_MAX + 1], *o[TCA_HTB_MAX + 1];
	struct tcmsg *tcm;
	struct tc_htb_opt h;

	memset(c, 0, sizeof(*c));
	if (tc_parse(msg, tb, &tcm) < 0 || !tb[TCA_OPTIONS] ||
	    nla_parse_nested(o, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL) < 0 ||
	    !o[TCA_HTB_PARMS] || nla_len(o[TCA_HTB_PARMS]) < (int)sizeof(h))
		return -EINVAL;
	memcpy(&h, nla_data(o[TCA_HTB_PARMS]), sizeof(h));
	c->present = true;
	c->rate_Bps = rate_of(&h.rate, o[TCA_HTB_RATE64]);
	c->ceil_Bps = rate_of(&h.ceil, o[TCA_HTB_CEIL64]);
	c->burst = sh_xmit_size(c->rate_Bps, h.buffer);
	c->cburst = sh_xmit_size(c->ceil_Bps, h.cbuffer);
	return 0;
}

static void parse_action(struct nlattr *act, struct sh_filter *f)
{
	struct nlattr *a[TCA_ACT_MAX + 1];

	if (nla_parse_nested(a, TCA_ACT_MAX, act, NULL) < 0 || !a[TCA_ACT_KIND])
		return;
	nla_strlcpy(f->action, a[TCA_ACT_KIND], sizeof(f->action));
	parse_stats(a[TCA_ACT_STATS], &f->c);
	if (!a[TCA_ACT_OPTIONS])
		return;
	if (strcmp(f->action, "police") == 0) {
		struct nlattr *p[TCA_POLICE_MAX + 1];
		struct tc_police pol;

		if (nla_parse_nested(p, TCA_POLICE_MAX, a[TCA_ACT_OPTIONS], NULL) < 0 ||
		    !p[TCA_POLICE_TBF] || nla_len(p[TCA_POLICE_TBF]) < (int)sizeof(pol))
			return;
		memcpy(&pol, nla_data(p[TCA_POLICE_TBF]), sizeof(pol));
		f->rate_Bps = rate_of(&pol.rate, p[TCA_POLICE_RATE64]);
		f->burst = sh_xmit_size(f->rate_Bps, pol.burst);
	} else if (strcmp(f->action, "mirred") == 0) {
		struct nlattr *m[TCA_MIRRED_MAX + 1];
		struct tc_mirred mir;

		if (nla_parse_nested(m, TCA_MIRRED_MAX, a[TCA_ACT_OPTIONS], NULL) < 0 ||
		    !m[TCA_MIRRED_PARMS] || nla_len(m[TCA_MIRRED_PARMS]) < (int)sizeof(mir))
			return;
		memcpy(&mir, nla_data(m[TCA_MIRRED_PARMS]), sizeof(mir));
		if (mir.eaction == TCA_EGRESS_REDIR)
			f->mirred_ifindex = (int)mir.ifindex;
	}
}

/* Called for every message of an ingress filter dump; accumulates. */
int sh_parse_filter(struct nl_msg *msg, struct sh_filter *f)
{
	struct nlattr *tb[TCA_MAX + 1], *o[TCA_U32_MAX + 1], *acts[TCA_ACT_MAX_PRIO + 1];
	struct tcmsg *tcm;
	bool u32;

	if (tc_parse(msg, tb, &tcm) < 0)
		return -EINVAL;
	u32 = tb[TCA_KIND] && nla_strcmp(tb[TCA_KIND], "u32") == 0;
	if (TC_H_MAJ(tcm->tcm_info) >> 16 != SH_FILTER_PRIO || !u32) {
		f->foreign = true;
		return 0;
	}
	if (tcm->tcm_handle == 0 || tcm->tcm_handle == (SH_FILTER_HANDLE & 0xfff00000u))
		return 0; /* the instance and its root hash table */
	if (tcm->tcm_handle != SH_FILTER_HANDLE) {
		f->foreign = true;
		return 0;
	}
	f->present = true;
	if (!tb[TCA_OPTIONS] || nla_parse_nested(o, TCA_U32_MAX, tb[TCA_OPTIONS], NULL) < 0 ||
	    !o[TCA_U32_ACT] || nla_parse_nested(acts, TCA_ACT_MAX_PRIO, o[TCA_U32_ACT], NULL) < 0 ||
	    !acts[1])
		return 0;
	parse_action(acts[1], f);
	return 0;
}

bool sh_tree_ours(const struct sh_tree *t)
{
	return t->root.present &&
	       ((strcmp(t->root.kind, "tbf") == 0 && sh_is_tbf_handle(t->root.handle)) ||
		(strcmp(t->root.kind, "htb") == 0 && t->root.handle == SH_HTB_HANDLE) ||
		(strcmp(t->root.kind, "cake") == 0 && t->root.handle == SH_CAKE_HANDLE));
}

void sh_tree_policy(const struct sh_tree *t, struct shaper_dir *d)
{
	memset(d, 0, sizeof(*d));
	if (!sh_tree_ours(t))
		return;
	if (sh_is_tbf_handle(t->root.handle)) {
		d->qdisc = SHAPER_QDISC_TBF;
		d->rate = t->root.rate_Bps * 8;
		d->burst = t->root.burst;
		d->latency_us = sh_tbf_latency(t->root.rate_Bps, t->root.burst, t->root.limit);
		return;
	}
	if (t->root.handle == SH_CAKE_HANDLE) {
		d->qdisc = SHAPER_QDISC_CAKE;
		d->rate = t->root.rate_Bps * 8;
		return;
	}
	d->qdisc = SHAPER_QDISC_HTB;
	if (t->cls.present) {
		d->rate = t->cls.rate_Bps * 8;
		d->burst = t->cls.burst;
	}
	if (t->leaf.present) {
		enum shaper_leaf l;

		if (shaper_leaf_parse(t->leaf.kind, &l) == 0 && sh_leaf_handle(l) == t->leaf.handle)
			d->leaf = l;
	}
}

/* ---- queries ---- */

static int got_qdisc(struct nl_msg *msg, void *arg)
{
	return sh_parse_qdisc(msg, arg) < 0 ? -EINVAL : 0;
}

static int got_class(struct nl_msg *msg, void *arg)
{
	return sh_parse_class(msg, arg) < 0 ? -EINVAL : 0;
}

static int got_filter(struct nl_msg *msg, void *arg)
{
	return sh_parse_filter(msg, arg);
}

/* A missing object is not an error here: it is reported as absent. */
static int absent_ok(int rc)
{
	return (rc == -ENOENT || rc == -EINVAL || rc == -ENODATA) ? 0 : rc;
}

static int get_qdisc(struct shaper *sh, int ifindex, uint32_t parent, struct sh_qdisc *q)
{
	int rc;

	memset(q, 0, sizeof(*q));
	rc = sh_query(sh, sh_msg_tc(RTM_GETQDISC, NLM_F_REQUEST, ifindex, parent, 0, 0, NULL),
		      got_qdisc, q);
	if (rc == -ENODEV)
		return rc;
	if (absent_ok(rc) == 0 && rc)
		memset(q, 0, sizeof(*q));
	return absent_ok(rc);
}

int sh_read_tree(struct shaper *sh, int ifindex, struct sh_tree *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = get_qdisc(sh, ifindex, TC_H_ROOT, &t->root);
	if (rc < 0)
		return rc;
	if (!(t->root.present && t->root.handle == SH_HTB_HANDLE &&
	      strcmp(t->root.kind, "htb") == 0))
		return 0;
	rc = sh_query(sh, sh_msg_tc(RTM_GETTCLASS, NLM_F_REQUEST, ifindex, SH_HTB_HANDLE,
				    SH_HTB_CLASS, 0, NULL),
		      got_class, &t->cls);
	if (absent_ok(rc) < 0)
		return rc;
	if (rc)
		memset(&t->cls, 0, sizeof(t->cls));
	if (!t->cls.present)
		return 0;
	return get_qdisc(sh, ifindex, SH_HTB_CLASS, &t->leaf);
}

static int owner_of(const char *alias)
{
	size_t n = strlen(SH_IFB_ALIAS);

	if (strncmp(alias, SH_IFB_ALIAS, n) != 0)
		return 0;
	return atoi(alias + n);
}

int sh_ifb_owner(const char *alias, const char *kind)
{
	return strcmp(kind, "ifb") == 0 ? owner_of(alias) : 0;
}

int sh_read_installed(struct shaper *sh, int ifindex, struct sh_installed *in)
{
	char alias[64], kind[16];
	int rc;

	memset(in, 0, sizeof(*in));
	in->ifindex = ifindex;
	rc = sh_link_info(sh, ifindex, in->ifname, &in->mtu, NULL, 0, NULL, 0);
	if (rc < 0)
		return rc;
	rc = sh_read_tree(sh, ifindex, &in->down);
	if (rc < 0)
		return rc == -ENODEV ? -SHAPER_ENODEV : -SHAPER_EKERNEL;
	rc = get_qdisc(sh, ifindex, TC_H_INGRESS, &in->ingress);
	if (rc < 0)
		return rc == -ENODEV ? -SHAPER_ENODEV : -SHAPER_EKERNEL;
	if (in->ingress.present && strcmp(in->ingress.kind, "ingress") != 0 &&
	    strcmp(in->ingress.kind, "clsact") != 0)
		in->ingress.present = false;
	if (!in->ingress.present)
		return 0;
	rc = sh_query(sh, sh_msg_tc(RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_DUMP, ifindex,
				    SH_INGRESS_HANDLE, 0, 0, NULL),
		      got_filter, &in->filter);
	if (rc < 0)
		return rc == -ENODEV ? -SHAPER_ENODEV : -SHAPER_EKERNEL;
	if (!in->filter.present || !in->filter.mirred_ifindex)
		return 0;
	/* the IFB counts as ours only if its alias names this interface */
	if (sh_link_info(sh, in->filter.mirred_ifindex, in->ifb, &in->ifb_mtu, alias,
			 sizeof(alias), kind, sizeof(kind)) < 0 ||
	    sh_ifb_owner(alias, kind) != ifindex) {
		in->ifb[0] = '\0';
		return 0;
	}
	in->ifb_ifindex = in->filter.mirred_ifindex;
	rc = sh_read_tree(sh, in->ifb_ifindex, &in->ifbtree);
	return rc < 0 ? -SHAPER_EKERNEL : 0;
}
