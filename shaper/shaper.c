/*
 * shaper.c - deciding what to send: apply, clear, show, gc.
 *
 * apply reads what is installed, then changes only the objects that
 * differ, upload side first (the mode most likely to be missing from a
 * kernel, police, fails before anything else was touched), download last.
 * If a step fails, the policy read back at the start is applied again the
 * same way, so the interface ends as it was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/route/link.h>

#include "shaper_int.h"

/* What a step was doing, to turn an errno into advice. */
enum step_kind { ST_QDISC, ST_CLASS, ST_FILTER, ST_IFB, ST_DEL };

struct step {
	enum step_kind kind;
	const char *what;           /* "tbf", "police", "ifb-ppp0", ... */
	const char *dev;            /* the device the object is on */
};

static int set_err(struct shaper *sh, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct shaper *sh, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->err, sizeof(sh->err), fmt, ap);
	va_end(ap);
	return -code;
}

static int kernel_err(struct shaper *sh, const char *ifname, const struct step *s, int err)
{
	const char *k = sh->kmsg[0] ? sh->kmsg : strerror(-err);

	if (err == -EPERM || err == -EACCES)
		return set_err(sh, SHAPER_EPERM, "%s: %s: %s: run as root (needs CAP_NET_ADMIN)",
			       ifname, s->what, k);
	if (err == -ENODEV)
		return set_err(sh, SHAPER_ENODEV, "%s: interface %s vanished", ifname, s->dev);
	if (err == -ENOMEM)
		return set_err(sh, SHAPER_ENOMEM, "%s: out of memory", ifname);
	switch (s->kind) {
	case ST_QDISC:
		if (err == -ENOENT || err == -EOPNOTSUPP)
			return set_err(sh, SHAPER_ENOQDISC,
				       "%s: kernel has no %s qdisc (module sch_%s): %s",
				       ifname, s->what, s->what,
				       "load the module, or use profile auto (it picks what the "
				       "kernel has)");
		break;
	case ST_FILTER:
		if (err == -ENOENT || err == -EOPNOTSUPP) {
			if (strcmp(s->what, "police") == 0)
				return set_err(sh, SHAPER_ENOACTION,
					       "%s: kernel has no act_police: use upload mode ifb",
					       ifname);
			return set_err(sh, SHAPER_ENOACTION,
				       "%s: kernel has no act_%s or cls_u32 (%s): use upload mode police",
				       ifname, s->what, k);
		}
		break;
	case ST_IFB:
		if (err == -EOPNOTSUPP || err == -ENOENT)
			return set_err(sh, SHAPER_ENOIFB,
				       "%s: kernel cannot create IFB device %s (no ifb module): use upload mode police",
				       ifname, s->dev);
		if (err == -EEXIST)
			return set_err(sh, SHAPER_EBUSY, "%s: device %s appeared while creating it",
				       ifname, s->dev);
		break;
	default:
		break;
	}
	return set_err(sh, SHAPER_EKERNEL, "%s: %s on %s: %s", ifname, s->what, s->dev, k);
}

static int run(struct shaper *sh, const char *ifname, const struct step *s, struct nl_msg *msg)
{
	int rc;

	if (!msg)
		return set_err(sh, SHAPER_ENOMEM, "%s: out of memory building %s", ifname, s->what);
	rc = sh_talk(sh, msg);
	return rc ? kernel_err(sh, ifname, s, rc) : 0;
}

/* ---- one tree (the interface's egress, or the IFB's) ---- */

static int tree_apply(struct shaper *sh, const char *ifname, int ifindex, const char *dev,
		      unsigned mtu, const struct shaper_dir *want, const struct sh_tree *cur)
{
	struct shaper_dir d = sh_dir_resolved(want, mtu);
	uint64_t Bps = sh_bps_to_Bps(d.rate);
	bool ours = sh_tree_ours(cur);
	bool fresh = false;
	struct step s = { ST_QDISC, "tbf", dev };
	int rc;

	if (d.rate == 0) {
		if (!ours)
			return 0;
		s = (struct step){ ST_DEL, "root qdisc", dev };
		return run(sh, ifname, &s, sh_build_qdisc_del(ifindex, TC_H_ROOT, cur->root.handle));
	}
	if (d.qdisc == SHAPER_QDISC_TBF) {
		bool tbf = ours && sh_is_tbf_handle(cur->root.handle);
		uint32_t handle = tbf ? cur->root.handle : SH_TBF_HANDLE;

		if (tbf && cur->root.rate_Bps == Bps && cur->root.burst == d.burst &&
		    cur->root.limit == sh_tbf_limit(Bps, d.burst, d.latency_us))
			return 0;
		/* a smaller burst: a fresh tbf, see q_tbf.c */
		if (tbf && d.burst < cur->root.burst)
			handle = handle == SH_TBF_HANDLE ? SH_TBF_HANDLE_ALT : SH_TBF_HANDLE;
		return run(sh, ifname, &s, sh_build_tbf(ifindex, handle, &d, mtu));
	}
	if (d.qdisc == SHAPER_QDISC_CAKE) {
		/* in place when ours already (cake_change keeps the queue),
		 * else grafted over whatever root was there */
		if (ours && cur->root.handle == SH_CAKE_HANDLE && cur->root.rate_Bps == Bps &&
		    cur->root.memory == sh_queue_memory(Bps))
			return 0;
		s.what = "cake";
		return run(sh, ifname, &s, sh_build_cake(ifindex, &d, mtu));
	}
	/* htb: root (only when not there: htb cannot change in place), class, leaf */
	if (!(ours && cur->root.handle == SH_HTB_HANDLE)) {
		s.what = "htb";
		rc = run(sh, ifname, &s, sh_build_htb_root(ifindex));
		if (rc)
			return rc;
		fresh = true;
	}
	if (fresh || !cur->cls.present || cur->cls.rate_Bps != Bps || cur->cls.ceil_Bps != Bps ||
	    cur->cls.burst != d.burst) {
		s = (struct step){ ST_CLASS, "htb class 2:1", dev };
		rc = run(sh, ifname, &s, sh_build_htb_class(ifindex, &d, mtu));
		if (rc)
			return rc;
	}
	{
		struct shaper_dir have;

		sh_tree_policy(cur, &have);
		/* the same leaf with its memory for this rate stays; another
		 * memory changes in place (same handle) */
		if (!fresh && have.leaf == d.leaf &&
		    (d.leaf == SHAPER_LEAF_NONE || d.leaf == SHAPER_LEAF_SFQ ||
		     cur->leaf.memory == sh_queue_memory(Bps)))
			return 0;
		if (d.leaf == SHAPER_LEAF_NONE) {
			if (fresh || have.leaf == SHAPER_LEAF_NONE)
				return 0;
			s = (struct step){ ST_DEL, "leaf qdisc", dev };
			return run(sh, ifname, &s,
				   sh_build_qdisc_del(ifindex, SH_HTB_CLASS, cur->leaf.handle));
		}
		s = (struct step){ ST_QDISC, shaper_leaf_name(d.leaf), dev };
		return run(sh, ifname, &s, sh_build_leaf(ifindex, &d, mtu));
	}
}

/* ---- the IFB of a session ---- */

static int ifb_delete(struct shaper *sh, const char *ifname, int ifb_ifindex, const char *ifb)
{
	struct step s = { ST_DEL, "IFB device", ifb };
	int rc;

	rc = sh_talk(sh, sh_build_link_del(ifb_ifindex));
	if (rc == -ENODEV)
		return 0;
	return rc ? kernel_err(sh, ifname, &s, rc) : 0;
}

/* the ifindex of a link from the kernel's echo of RTM_NEWLINK */
static int echoed_ifindex(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_type == RTM_NEWLINK && nlmsg_valid_hdr(nlh, sizeof(struct ifinfomsg)))
		*(int *)arg = ((struct ifinfomsg *)nlmsg_data(nlh))->ifi_index;
	return 0;
}

/*
 * Create "name" as a fresh IFB, still down: its qdisc goes on before it
 * comes up (a root qdisc replaced on a running device costs an RCU grace
 * period), and it never has IPv6 (SH_IFB_MTU).  -EEXIST when the name is
 * taken.
 */
static int ifb_create(struct shaper *sh, const struct sh_installed *cur, const char *name,
		      int *idx)
{
	struct step s = { ST_IFB, "IFB device", name };
	int rc;

	*idx = 0;
	/* kernels from 6.3 echo the new link; older ones only ack */
	rc = sh_query(sh, sh_build_ifb_add(name, cur->ifindex), echoed_ifindex, idx);
	if (rc == -EEXIST)
		return rc;
	if (rc)
		return kernel_err(sh, cur->ifname, &s, rc);
	if (*idx <= 0 && sh_link_by_name(sh, name, idx, NULL, 0, NULL, 0) < 0)
		return set_err(sh, SHAPER_EKERNEL, "%s: IFB %s vanished after creation",
			       cur->ifname, name);
	return 0;
}

/* claim an IFB as ours (the kernel ignores an alias given at creation) and
 * make sure it is up */
static int ifb_claim(struct shaper *sh, const struct sh_installed *cur, int idx, const char *name)
{
	struct step s = { ST_IFB, "IFB device", name };
	int rc = sh_talk(sh, sh_build_link_alias(idx, cur->ifindex));

	return rc ? kernel_err(sh, cur->ifname, &s, rc) : 0;
}

/*
 * Find or create the session's IFB: the one the filter already points to,
 * else "ifb-IFNAME" (or "ifbINDEX") if free or ours, else the other name.
 * A created one (*created) is left down and unclaimed, with an empty tree:
 * the caller puts its qdisc on, then claims it.
 */
static int ifb_ensure(struct shaper *sh, const struct sh_installed *cur, int *idx,
		      char name[16], struct sh_tree *tree, bool *created)
{
	char alias[64], kind[16], tried[2][16];
	int i, rc, owner;

	*created = false;
	if (cur->ifb_ifindex) {
		*idx = cur->ifb_ifindex;
		snprintf(name, 16, "%s", cur->ifb);
		*tree = cur->ifbtree;
		return 0;
	}
	for (i = 0; i < 2; i++) {
		int attempt;

		shaper_ifb_name(cur->ifname, cur->ifindex, i == 1, tried[i]);
		/* create; if the name is taken, look at it; if it went away
		 * in between, create once more */
		for (attempt = 0; attempt < 2; attempt++) {
			rc = ifb_create(sh, cur, tried[i], idx);
			if (rc == 0) {
				*created = true;
				memcpy(name, tried[i], 16);
				memset(tree, 0, sizeof(*tree));
				return 0;
			}
			if (rc != -EEXIST)
				return rc;
			rc = sh_link_by_name(sh, tried[i], idx, alias, sizeof(alias), kind,
					     sizeof(kind));
			if (rc != -SHAPER_ENODEV)
				break;
		}
		if (rc == -SHAPER_ENODEV)
			continue;
		if (rc < 0)
			return set_err(sh, SHAPER_EKERNEL, "%s: cannot look up %s", cur->ifname,
				       tried[i]);
		owner = sh_ifb_owner(alias, kind);
		/* ours, or ours for an interface that is gone: take it */
		if (owner == 0 || (owner != cur->ifindex &&
				   sh_link_info(sh, owner, NULL, NULL, NULL, 0, NULL, 0) == 0))
			continue;
		rc = ifb_claim(sh, cur, *idx, tried[i]);
		if (rc)
			return rc;
		memcpy(name, tried[i], 16);
		rc = sh_read_tree(sh, *idx, tree);
		return rc < 0 ? set_err(sh, SHAPER_EKERNEL, "%s: cannot read %s", cur->ifname, name)
			      : 0;
	}
	return set_err(sh, SHAPER_EBUSY,
		       "%s: IFB names %s and %s are taken by devices acd did not create: "
		       "rename or delete them",
		       cur->ifname, tried[0], tried[1]);
}

/* ---- the whole interface ---- */

struct applied {
	int new_ifb;                /* ifindex of an IFB created by this apply */
};

static struct shaper_dir up_resolved(const struct shaper_policy *p, unsigned mtu)
{
	struct shaper_dir u = p->up;

	if (u.rate && p->upmode == SHAPER_UP_POLICE) {
		if (u.burst == 0)
			u.burst = SHAPER_DEFAULT_POLICE_BURST;
		u.qdisc = SHAPER_QDISC_NONE;
		u.leaf = SHAPER_LEAF_NONE;
		u.latency_us = 0;
		return u;
	}
	return sh_dir_resolved(&u, mtu);
}

static int ensure_ingress(struct shaper *sh, const struct sh_installed *cur)
{
	struct step s = { ST_QDISC, "ingress", cur->ifname };

	if (cur->ingress.present)
		return 0;
	return run(sh, cur->ifname, &s, sh_build_ingress(cur->ifindex));
}

static int up_remove(struct shaper *sh, const struct sh_installed *cur)
{
	struct step s = { ST_DEL, "ingress filter", cur->ifname };
	int rc;

	if (cur->filter.present) {
		rc = run(sh, cur->ifname, &s, sh_build_filter_del(cur->ifindex));
		if (rc)
			return rc;
	}
	/* the ingress qdisc goes too, unless someone else's filters use it */
	if (cur->ingress.present && !cur->filter.foreign &&
	    strcmp(cur->ingress.kind, "ingress") == 0) {
		s.what = "ingress qdisc";
		rc = run(sh, cur->ifname, &s,
			 sh_build_qdisc_del(cur->ifindex, TC_H_INGRESS, SH_INGRESS_HANDLE));
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Upload, first half: everything that creates or replaces.  Deleting what
 * the new policy no longer uses waits for up_finish(), after the download
 * side, so a failure anywhere leaves nothing deleted that rollback would
 * have to re-create (a re-created IFB would be a new device).
 */
static int up_setup(struct shaper *sh, const struct shaper_policy *p,
		    const struct sh_installed *cur, struct applied *ap)
{
	struct shaper_dir u = up_resolved(p, cur->mtu);
	struct step s = { ST_FILTER, "police", cur->ifname };
	int rc;

	if (u.rate == 0)
		return 0;
	if (p->upmode == SHAPER_UP_POLICE) {
		uint64_t Bps = sh_bps_to_Bps(u.rate);

		rc = ensure_ingress(sh, cur);
		if (rc)
			return rc;
		if (cur->filter.present && strcmp(cur->filter.action, "police") == 0 &&
		    cur->filter.rate_Bps == Bps && cur->filter.burst == u.burst)
			return 0;
		return run(sh, cur->ifname, &s, sh_build_filter_police(cur->ifindex, u.rate, u.burst));
	}
	/* ifb: the device and its qdisc first, the redirect last */
	{
		struct sh_tree tree;
		char ifb[16];
		int ifb_idx = 0;
		bool created;

		rc = ifb_ensure(sh, cur, &ifb_idx, ifb, &tree, &created);
		if (rc)
			return rc;
		if (created)
			ap->new_ifb = ifb_idx;
		rc = tree_apply(sh, cur->ifname, ifb_idx, ifb, cur->mtu, &u, &tree);
		if (rc)
			return rc;
		if (created) {
			rc = ifb_claim(sh, cur, ifb_idx, ifb);
			if (rc)
				return rc;
		}
		rc = ensure_ingress(sh, cur);
		if (rc)
			return rc;
		if (cur->filter.present && strcmp(cur->filter.action, "mirred") == 0 &&
		    cur->filter.mirred_ifindex == ifb_idx)
			return 0;
		s.what = "mirred";
		return run(sh, cur->ifname, &s, sh_build_filter_mirred(cur->ifindex, ifb_idx));
	}
}

/* Upload, second half: remove what the new policy does not use. */
static int up_finish(struct shaper *sh, const struct shaper_policy *p,
		     const struct sh_installed *cur)
{
	int rc;

	if (p->up.rate == 0) {
		rc = up_remove(sh, cur);
		if (rc)
			return rc;
	}
	/* the old IFB, unless the new policy still redirects to it */
	if (cur->ifb_ifindex && (p->up.rate == 0 || p->upmode != SHAPER_UP_IFB))
		return ifb_delete(sh, cur->ifname, cur->ifb_ifindex, cur->ifb);
	return 0;
}

static int apply_all(struct shaper *sh, const struct shaper_policy *p,
		     const struct sh_installed *cur, struct applied *ap)
{
	int rc = up_setup(sh, p, cur, ap);

	if (rc)
		return rc;
	rc = tree_apply(sh, cur->ifname, cur->ifindex, cur->ifname, cur->mtu, &p->down,
			&cur->down);
	if (rc)
		return rc;
	return up_finish(sh, p, cur);
}

static void installed_policy(const struct sh_installed *in, struct shaper_policy *p)
{
	memset(p, 0, sizeof(*p));
	sh_tree_policy(&in->down, &p->down);
	if (!in->filter.present)
		return;
	if (strcmp(in->filter.action, "police") == 0) {
		p->upmode = SHAPER_UP_POLICE;
		p->up.rate = in->filter.rate_Bps * 8;
		p->up.burst = in->filter.burst;
	} else if (in->ifb_ifindex) {
		p->upmode = SHAPER_UP_IFB;
		sh_tree_policy(&in->ifbtree, &p->up);
	}
}

static int read_or_fail(struct shaper *sh, int ifindex, struct sh_installed *in)
{
	int rc = sh_read_installed(sh, ifindex, in);

	if (rc == -SHAPER_ENODEV)
		return set_err(sh, SHAPER_ENODEV, "interface %d does not exist (vanished?)", ifindex);
	if (rc < 0)
		return set_err(sh, -rc, "interface %d: cannot read its qdiscs and filters: %s",
			       ifindex, sh->kmsg[0] ? sh->kmsg : shaper_strerror(rc));
	return 0;
}

static int gc_owner(struct shaper *sh, int only_owner);

int shaper_apply(struct shaper *sh, int ifindex, const struct shaper_policy *p)
{
	struct sh_installed before, now;
	struct shaper_policy old;
	struct applied ap = { 0 };
	char saved[sizeof(sh->err)];
	int rc, rrc;

	sh->err[0] = '\0';
	rc = read_or_fail(sh, ifindex, &before);
	if (rc)
		return rc;
	{
		char msg[256];

		rc = shaper_policy_check(p, msg, sizeof(msg));
		if (rc)
			return set_err(sh, -rc, "%s: %s", before.ifname, msg);
	}
	rc = apply_all(sh, p, &before, &ap);
	if (rc == 0)
		return 0;

	/* Put back what was there.  The objects changed so far are read
	 * again, and the old policy applied over them. */
	snprintf(saved, sizeof(saved), "%s", sh->err);
	if (sh_read_installed(sh, ifindex, &now) == -SHAPER_ENODEV) {
		(void)gc_owner(sh, ifindex);
		return set_err(sh, SHAPER_ENODEV, "%s: interface vanished during apply (%s)",
			       before.ifname, saved);
	}
	installed_policy(&before, &old);
	{
		struct applied ap2 = { 0 };

		rrc = apply_all(sh, &old, &now, &ap2);
		if (rrc == 0 && ap.new_ifb && ap.new_ifb != before.ifb_ifindex)
			rrc = ifb_delete(sh, before.ifname, ap.new_ifb, "new IFB");
	}
	if (rrc) {
		char second[sizeof(sh->err)];

		snprintf(second, sizeof(second), "%s", sh->err);
		return set_err(sh, SHAPER_EROLLBACK, "%s; restoring the old policy failed too: %s",
			       saved, second);
	}
	snprintf(sh->err, sizeof(sh->err), "%s", saved);
	return rc;
}

int shaper_clear(struct shaper *sh, int ifindex)
{
	static const struct shaper_policy none;
	struct sh_installed cur;
	struct applied ap = { 0 };
	int rc;

	sh->err[0] = '\0';
	rc = read_or_fail(sh, ifindex, &cur);
	if (rc == -SHAPER_ENODEV) {
		int n = gc_owner(sh, ifindex);

		return set_err(sh, SHAPER_ENODEV,
			       "interface %d does not exist (vanished?); removed %d orphaned IFB device(s)",
			       ifindex, n > 0 ? n : 0);
	}
	if (rc)
		return rc;
	rc = apply_all(sh, &none, &cur, &ap);
	if (rc)
		return rc;
	/* an IFB of ours the filter no longer pointed to (a crash mid-apply):
	 * look only where it can be, by its two names, not in a full list */
	for (int i = 0; i < 2; i++) {
		char name[16], alias[64], kind[16];
		int idx;

		shaper_ifb_name(cur.ifname, ifindex, i == 1, name);
		if (sh_link_by_name(sh, name, &idx, alias, sizeof(alias), kind, sizeof(kind)) == 0 &&
		    sh_ifb_owner(alias, kind) == ifindex) {
			rc = ifb_delete(sh, cur.ifname, idx, name);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int shaper_show(struct shaper *sh, int ifindex, struct shaper_state *st)
{
	struct sh_installed in;
	int rc;

	sh->err[0] = '\0';
	memset(st, 0, sizeof(*st));
	rc = read_or_fail(sh, ifindex, &in);
	if (rc)
		return rc;
	st->ifindex = ifindex;
	snprintf(st->ifname, sizeof(st->ifname), "%s", in.ifname);
	st->mtu = in.mtu;
	installed_policy(&in, &st->policy);
	st->down_installed = sh_tree_ours(&in.down);
	st->down = in.down.root.c;
	if (in.filter.present && (strcmp(in.filter.action, "police") == 0 || in.ifb_ifindex)) {
		st->up_installed = true;
		if (in.ifb_ifindex) {
			st->up = in.ifbtree.root.c;
			snprintf(st->ifb, sizeof(st->ifb), "%s", in.ifb);
			st->ifb_ifindex = in.ifb_ifindex;
		} else {
			st->up = in.filter.c;
		}
	}
	return 0;
}

/* Delete our IFBs whose owner is gone (only_owner 0), or those of
 * only_owner except the one its filter uses.  Returns how many. */
static int gc_owner(struct shaper *sh, int only_owner)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	struct sh_installed in;
	int n = 0, keep = 0;

	if (only_owner && sh_read_installed(sh, only_owner, &in) == 0)
		keep = in.ifb_ifindex;
	if (rtnl_link_alloc_cache(sh->sk, AF_UNSPEC, &cache) < 0)
		return set_err(sh, SHAPER_EKERNEL, "cannot list network devices");
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o, *alive;
		const char *alias = rtnl_link_get_ifalias(l), *kind = rtnl_link_get_type(l);
		int owner = sh_ifb_owner(alias ? alias : "", kind ? kind : "");
		int idx = rtnl_link_get_ifindex(l);

		if (owner == 0)
			continue;
		if (only_owner) {
			if (owner != only_owner || idx == keep)
				continue;
		} else if ((alive = rtnl_link_get(cache, owner)) != NULL) {
			rtnl_link_put(alive);
			continue;
		}
		if (sh_talk(sh, sh_build_link_del(idx)) == 0)
			n++;
	}
	nl_cache_free(cache);
	return n;
}

int shaper_gc(struct shaper *sh)
{
	sh->err[0] = '\0';
	return gc_owner(sh, 0);
}
