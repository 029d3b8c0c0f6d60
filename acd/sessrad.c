/*
 * sessrad.c - a session's RADIUS side: the dictionary, the radattr file
 * pppd's radattr.so wrote for it, and the policy its attributes give.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <radcli/radcli.h>

#include "acd.h"
#include "log.h"
#include "policy.h"
#include "radattr.h"
#include "radv6.h"
#include "reload.h"
#include "sessrad.h"

/* A reload's new dictionary, loaded by prepare, in use from applied on. */
static rc_handle *dict_next;

static int reload_prepare(struct acd *a, const struct acd_config *next, char *err, size_t errlen)
{
	char why[512];
	rc_handle *rh = NULL;

	if (strcmp(next->dictionary, a->cfg.dictionary) == 0)
		return 0;
	if (radattr_dict_open(next->dictionary, &rh, why, sizeof(why)) < 0) {
		log_warnx("reload: %s", why);
		snprintf(err, errlen, "%s: cannot load the dictionary: the running config stays",
			 next->dictionary);
		return -1;
	}
	dict_next = rh;
	return 0;
}

static void reload_cancel(struct acd *a)
{
	(void)a;
	if (dict_next)
		rc_destroy(dict_next);
	dict_next = NULL;
}

static void reload_applied(struct acd *a, const struct acd_config *old)
{
	struct session *s;

	(void)old;
	if (dict_next) {
		if (a->rh)
			rc_destroy(a->rh);
		a->rh = dict_next;
		dict_next = NULL;
	}
	/* policies may depend on the new [shaper] section: apply them all */
	for (s = a->sess.list; s; s = s->next) {
		sessrad_policy(a, s);
		(void)session_shape(&a->sess, s);
	}
}

static struct acd_reload_hook reload_hook = {
	.name = "dictionary and policies",
	.prepare = reload_prepare,
	.cancel = reload_cancel,
	.applied = reload_applied,
};

int sessrad_init(struct acd *a)
{
	char err[512];
	rc_handle *rh = NULL;

	if (radattr_dict_open(a->cfg.dictionary, &rh, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	a->rh = rh;
	acd_reload_hook(a, &reload_hook);
	return 0;
}

void sessrad_close(struct acd *a)
{
	acd_reload_unhook(a, &reload_hook);
	if (a->rh)
		rc_destroy(a->rh);
	a->rh = NULL;
}

static void radattr_path(struct acd *a, const struct session *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s/radattr.%s", a->cfg.radattr_dir, s->ifname);
}

/* The session's attributes: those acd.so sent with it, else its radattr
 * file (path names it in messages either way) */
static int session_attrs(struct acd *a, const struct session *s, struct radattr_list *l,
			 char *path, size_t pathlen, char *err, size_t errlen)
{
	if (s->radattr) {
		snprintf(path, pathlen, "acd.so:%s", s->ifname);
		return radattr_parse(s->radattr, s->radattr_len, a->rh, path, l, err, errlen);
	}
	radattr_path(a, s, path, pathlen);
	return radattr_load(path, a->rh, l, err, errlen);
}

void sessrad_policy(struct acd *a, struct session *s)
{
	struct radattr_list l = { 0 };
	struct policy_result r;
	struct radv6_warnings w6;
	char path[PATH_MAX + 32], err[512];
	unsigned i;
	int rc;

	rc = session_attrs(a, s, &l, path, sizeof(path), err, sizeof(err));
	if (rc == -ENOENT) {
		/*
		 * No RADIUS, pppd without radattr.so, or a wrong radattr-dir:
		 * the default, said once per session (not again at every
		 * hook or reload while the session stays on the default).
		 */
		if (strcmp(s->radius_src, "default") != 0)
			log_notice("sess=%s user=%s event=no-radattr path=%s: the default policy applies",
				   s->ifname, s->user, path);
		policy_default(&a->cfg.policy, NULL, &r);
	} else if (rc < 0) {
		a->stats.radattr_errors++;
		policy_default(&a->cfg.policy, err, &r);
	} else {
		policy_from_attrs(&a->cfg.policy, &l, &r);
		if (r.malformed)
			a->stats.radattr_errors++;
	}
	/* a bad IPv6 value is refused on its own: the rest, rates included, stand */
	if (radv6_from_attrs(&l, &s->radius6, &w6) > 0)
		a->stats.radattr_errors++;
	radattr_free(&l);
	s->radius_down = r.down;
	s->radius_up = r.up;
	if (strcmp(r.down_attr, r.up_attr) == 0)
		snprintf(s->radius_src, sizeof(s->radius_src), "%s", r.down_attr);
	else
		snprintf(s->radius_src, sizeof(s->radius_src), "%s,%s", r.down_attr, r.up_attr);
	if (s->coa) {
		/* what a CoA-Request set holds until the session ends */
		s->radius_down = s->coa_down;
		s->radius_up = s->coa_up;
		snprintf(s->radius_src, sizeof(s->radius_src), "%s", s->coa_src);
	}
	snprintf(s->radius_warn, sizeof(s->radius_warn), "%.255s",
		 r.warning[0] || !w6.n ? r.warning : w6.line[0]);
	for (i = 0; i < w6.n && i < RADV6_WARN_MAX; i++)
		log_warnx("sess=%s user=%s event=radius-ipv6 warning=\"%s\"", s->ifname, s->user,
			  w6.line[i]);
	if (w6.n > RADV6_WARN_MAX)
		log_warnx("sess=%s user=%s event=radius-ipv6 warning=\"%u more refused IPv6 "
			  "values\"", s->ifname, s->user, w6.n - RADV6_WARN_MAX);
	if (r.warning[0]) {
		log_warnx("sess=%s user=%s event=radius-policy warning=\"%s\"", s->ifname, s->user,
			  r.warning);
		snprintf(a->stats.last_error, sizeof(a->stats.last_error), "%s: %s", s->ifname,
			 r.warning);
	}
}

void sessrad_user(struct acd *a, struct session *s)
{
	struct radattr_list l = { 0 };
	const struct radattr *u;
	char path[PATH_MAX + 32], err[512];

	if (session_attrs(a, s, &l, path, sizeof(path), err, sizeof(err)) == 0 &&
	    (u = radattr_find(&l, "User-Name", NULL)) != NULL)
		snprintf(s->user, sizeof(s->user), "%s", u->value);
	radattr_free(&l);
}
