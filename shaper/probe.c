/*
 * probe.c - what this kernel can shape with, and the profiles built on it.
 *
 * The probe asks the kernel itself rather than reading module lists: a
 * module may be built in, missing from /lib/modules, or blocked, and only
 * creating the object tells.  It makes a throwaway IFB (down, below IPv6's
 * minimum MTU, so it costs no route-table walk), tries each root qdisc,
 * the ingress qdisc, a police and a mirred filter on it, and deletes it.
 * The kernel loads the modules it needs on the way, as tc would.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "errfmt.h"
#include "shaper_int.h"

static bool try(struct shaper *sh, struct nl_msg *msg)
{
	return msg && sh_talk(sh, msg) == 0;
}

int shaper_probe(struct shaper *sh, struct shaper_caps *caps)
{
	struct shaper_dir d = { .rate = 10000000 };
	char name[16];
	int idx = 0, rc;

	memset(caps, 0, sizeof(*caps));
	sh->err[0] = '\0';
	snprintf(name, sizeof(name), "acdprobe%u", (unsigned)getpid() % 10000000u);
	rc = sh_talk(sh, sh_build_ifb_add(name, 0));
	if (rc == -EEXIST) {
		/* a probe of ours that died with this pid: start afresh */
		if (sh_link_by_name(sh, name, &idx, NULL, 0, NULL, 0) == 0)
			sh_talk(sh, sh_build_link_del(idx));
		rc = sh_talk(sh, sh_build_ifb_add(name, 0));
	}
	if (rc == -EPERM || rc == -EACCES) {
		errfmt(sh->err, sizeof(sh->err), "cannot probe the kernel's qdiscs: run as root "
		       "(needs CAP_NET_ADMIN)");
		return -SHAPER_EPERM;
	}
	if (rc) {
		/* no IFB: nothing to probe on but the absence itself */
		errfmt(sh->err, sizeof(sh->err), "cannot create an IFB device to probe on (%s)",
		       sh->kmsg[0] ? sh->kmsg : strerror(-rc));
		return -SHAPER_ENOIFB;
	}
	caps->ifb = true;
	if (sh_link_by_name(sh, name, &idx, NULL, 0, NULL, 0) < 0 || idx <= 0) {
		errfmt(sh->err, sizeof(sh->err), "probe device %s vanished", name);
		return -SHAPER_EKERNEL;
	}
	caps->tbf = try(sh, sh_build_tbf(idx, SH_TBF_HANDLE, &d, 1500));
	caps->htb = try(sh, sh_build_htb_root(idx));
	d.qdisc = SHAPER_QDISC_CAKE;
	caps->cake = try(sh, sh_build_cake(idx, &d, 1500));
	caps->fq_codel = try(sh, sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, idx, TC_H_ROOT,
					   SH_LEAF_FQ_CODEL, 0, "fq_codel"));
	caps->sfq = try(sh, sh_msg_tc(RTM_NEWQDISC, SH_NLF_REPLACE, idx, TC_H_ROOT,
				      SH_LEAF_SFQ, 0, "sfq"));
	if (try(sh, sh_build_ingress(idx))) {
		caps->police = try(sh, sh_build_filter_police(idx, d.rate, 100000));
		if (caps->police)
			sh_talk(sh, sh_build_filter_del(idx));
		caps->mirred = try(sh, sh_build_filter_mirred(idx, idx));
	}
	rc = sh_talk(sh, sh_build_link_del(idx));
	sh->kmsg[0] = '\0';
	/* a Linux without even tbf is not a kernel's answer but a netlink
	 * that does not carry tc (qemu-user's, say): nothing was learnt */
	if (!caps->tbf && !caps->htb && !caps->cake && !caps->fq_codel) {
		memset(caps, 0, sizeof(*caps));
		errfmt(sh->err, sizeof(sh->err), "the kernel took no qdisc at all (not even tbf) "
		       "on probe device %s: cannot tell what it shapes with", name);
		return -SHAPER_EKERNEL;
	}
	caps->probed = true;
	if (rc && rc != -ENODEV)
		errfmt(sh->err, sizeof(sh->err), "probe device %s could not be deleted (%s): "
		       "delete it with ip link del %s", name, strerror(-rc), name);
	return 0;
}

/* ---- profiles ---- */

static const char *const profile_names[] = { "auto", "cake", "fq_codel", "tbf" };

const char *shaper_profile_name(enum shaper_profile p)
{
	return (unsigned)p < sizeof(profile_names) / sizeof(profile_names[0]) ? profile_names[p]
									       : "?";
}

int shaper_profile_parse(const char *s, enum shaper_profile *out)
{
	unsigned i;

	for (i = 0; s && i < sizeof(profile_names) / sizeof(profile_names[0]); i++)
		if (strcmp(s, profile_names[i]) == 0) {
			*out = (enum shaper_profile)i;
			return 0;
		}
	return -SHAPER_ESYNTAX;
}

/* What a profile lacks on this kernel, as module names ("" when nothing). */
static void lacks(enum shaper_profile p, const struct shaper_caps *c, char *out, size_t len)
{
	size_t n = 0;

#define LACK(cond, mod) \
	do { \
		if (!(cond) && n < len) \
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? ", " : "", mod); \
	} while (0)
	out[0] = '\0';
	switch (p) {
	case SHAPER_PROFILE_CAKE:
		LACK(c->cake, "sch_cake");
		LACK(c->ifb, "ifb");
		LACK(c->mirred, "act_mirred");
		break;
	case SHAPER_PROFILE_FQ_CODEL:
		LACK(c->htb, "sch_htb");
		LACK(c->fq_codel, "sch_fq_codel");
		LACK(c->ifb, "ifb");
		LACK(c->mirred, "act_mirred");
		break;
	default:
		LACK(c->tbf, "sch_tbf");
		LACK(c->police || (c->ifb && c->mirred), "act_police (or ifb and act_mirred)");
		break;
	}
#undef LACK
}

int shaper_profile_pick(enum shaper_profile want, const struct shaper_caps *caps,
			struct shaper_policy *p, enum shaper_profile *chosen, char *why,
			size_t whylen)
{
	/* fq_codel before cake: both keep added latency a few ms under load,
	 * but cake allocates all 8 of its tins whatever the mode, 2.1 MB a
	 * session both ways against fq_codel's 0.2 MB (bench.vm-qdisc-memory,
	 * docs/shaping.md): 1000 sessions would take 2.1 GB of a 4 GB Pi */
	static const enum shaper_profile order[] = { SHAPER_PROFILE_FQ_CODEL, SHAPER_PROFILE_CAKE,
						     SHAPER_PROFILE_TBF };
	char miss[3][96];
	enum shaper_profile use = want;
	unsigned i;

	if (want == SHAPER_PROFILE_AUTO) {
		for (i = 0; i < 3; i++) {
			lacks(order[i], caps, miss[i], sizeof(miss[i]));
			if (!miss[i][0])
				break;
		}
		if (i == 3) {
			errfmt(why, whylen, "profile auto: this kernel can shape with none of cake, "
			       "htb + fq_codel or tbf (it lacks %s): load those modules", miss[2]);
			return -SHAPER_ENOQDISC;
		}
		use = order[i];
		if (i == 0)
			errfmt(why, whylen, "profile auto chose fq_codel (htb + fq_codel): this "
			       "kernel has sch_fq_codel (profile cake takes 11 times its memory per "
			       "session)");
		else if (i == 1)
			errfmt(why, whylen, "profile auto chose cake: this kernel lacks %s for "
			       "fq_codel", miss[0]);
		else
			errfmt(why, whylen, "profile auto chose tbf: this kernel lacks %s for "
			       "fq_codel and %s for cake, so subscribers get tbf's 50 ms queue",
			       miss[0], miss[1]);
	} else {
		lacks(want, caps, miss[0], sizeof(miss[0]));
		if (miss[0][0]) {
			errfmt(why, whylen, "profile %s: this kernel lacks %s: load the module%s, or "
			       "use profile auto", shaper_profile_name(want), miss[0],
			       strchr(miss[0], ',') ? "s" : "");
			return -SHAPER_ENOQDISC;
		}
		errfmt(why, whylen, "profile %s, as configured", shaper_profile_name(want));
	}
	memset(&p->down, 0, sizeof(p->down));
	memset(&p->up, 0, sizeof(p->up));
	switch (use) {
	case SHAPER_PROFILE_CAKE:
		p->down.qdisc = p->up.qdisc = SHAPER_QDISC_CAKE;
		p->upmode = SHAPER_UP_IFB;
		break;
	case SHAPER_PROFILE_FQ_CODEL:
		p->down.qdisc = p->up.qdisc = SHAPER_QDISC_HTB;
		p->down.leaf = p->up.leaf = SHAPER_LEAF_FQ_CODEL;
		p->upmode = SHAPER_UP_IFB;
		break;
	default:
		p->down.qdisc = SHAPER_QDISC_TBF;
		if (caps->police) {
			p->upmode = SHAPER_UP_POLICE;
		} else {
			p->upmode = SHAPER_UP_IFB;
			p->up.qdisc = SHAPER_QDISC_TBF;
		}
		break;
	}
	*chosen = use;
	return 0;
}

int shaper_caps_check(const struct shaper_caps *c, const struct shaper_policy *p, char *err,
		      size_t errlen)
{
	const struct shaper_dir *d[2] = { &p->down, &p->up };
	static const char *const dname[2] = { "download", "upload" };
	unsigned i;

	if (!c->probed)
		return 0;
	for (i = 0; i < 2; i++) {
		const char *mod = NULL;

		if (i == 1 && p->upmode == SHAPER_UP_POLICE) {
			if (!c->police) {
				errfmt(err, errlen, "upload by police: this kernel has no act_police: "
				       "load it, or use up-mode ifb");
				return -SHAPER_ENOACTION;
			}
			continue;
		}
		if (i == 1 && !(c->ifb && c->mirred)) {
			errfmt(err, errlen, "upload through an IFB: this kernel lacks %s: load it, or "
			       "use up-mode police", c->ifb ? "act_mirred" : "ifb");
			return c->ifb ? -SHAPER_ENOACTION : -SHAPER_ENOIFB;
		}
		switch (d[i]->qdisc) {
		case SHAPER_QDISC_HTB:
			mod = !c->htb ? "sch_htb" : NULL;
			break;
		case SHAPER_QDISC_CAKE:
			mod = !c->cake ? "sch_cake" : NULL;
			break;
		default:
			mod = !c->tbf ? "sch_tbf" : NULL;
			break;
		}
		if (!mod && d[i]->qdisc == SHAPER_QDISC_HTB) {
			if (d[i]->leaf == SHAPER_LEAF_FQ_CODEL && !c->fq_codel)
				mod = "sch_fq_codel";
			else if (d[i]->leaf == SHAPER_LEAF_CAKE && !c->cake)
				mod = "sch_cake";
			else if (d[i]->leaf == SHAPER_LEAF_SFQ && !c->sfq)
				mod = "sch_sfq";
		}
		if (mod) {
			errfmt(err, errlen, "%s: this kernel has no %s: load it, or choose another "
			       "qdisc (profile auto picks what the kernel has)", dname[i], mod);
			return -SHAPER_ENOQDISC;
		}
	}
	return 0;
}

enum shaper_leaf shaper_best_leaf(const struct shaper_caps *c)
{
	if (!c->probed || c->fq_codel)
		return SHAPER_LEAF_FQ_CODEL;
	if (c->cake)
		return SHAPER_LEAF_CAKE;
	if (c->sfq)
		return SHAPER_LEAF_SFQ;
	return SHAPER_LEAF_NONE;
}
