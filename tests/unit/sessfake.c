/*
 * sessfake.c - see sessfake.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessfake.h"

struct fake_link *fake_link(struct fake *f, const char *name, int ifindex)
{
	struct fake_link *l = &f->links[f->nlinks++];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->ifindex = ifindex;
	l->has_addr = true;
	return l;
}

void fake_radattr(struct fake *f, const char *ifname, const char *user, uint64_t down,
		  uint64_t up)
{
	struct fake_radattr *r = &f->rad[f->nrad++];

	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	snprintf(r->user, sizeof(r->user), "%s", user);
	r->down = down;
	r->up = up;
}

void fake_pppd(struct fake *f, pid_t pid)
{
	f->pppds[f->npppds++] = pid;
}

static struct fake_link *find_link(struct fake *f, const char *name)
{
	unsigned i;

	for (i = 0; i < f->nlinks; i++)
		if (strcmp(f->links[i].name, name) == 0)
			return &f->links[i];
	return NULL;
}

static const struct fake_radattr *find_rad(struct fake *f, const char *ifname)
{
	unsigned i;

	for (i = 0; i < f->nrad; i++)
		if (strcmp(f->rad[i].ifname, ifname) == 0)
			return &f->rad[i];
	return NULL;
}

static int fx_ifindex(void *ctx, const char *ifname)
{
	struct fake_link *l = find_link(ctx, ifname);

	return l ? l->ifindex : -ENODEV;
}

static int fx_shape(void *ctx, const struct session *s, const struct shaper_policy *p,
		    char *err, size_t errlen)
{
	struct fake *f = ctx;

	if (f->shape_fails) {
		snprintf(err, errlen, "%s: the kernel said no", s->ifname);
		return -EINVAL;
	}
	f->shapes++;
	f->last = *p;
	f->last_ifindex = s->ifindex;
	return 0;
}

static int fx_clear(void *ctx, const struct session *s, char *err, size_t errlen)
{
	struct fake *f = ctx;

	(void)s;
	(void)err;
	(void)errlen;
	f->clears++;
	return 0;
}

static int fx_gc(void *ctx)
{
	struct fake *f = ctx;

	f->gcs++;
	return 0;
}

static void fx_policy(void *ctx, struct session *s)
{
	const struct fake_radattr *r = find_rad(ctx, s->ifname);

	unsigned long down, up;

	if (s->coa) { /* as sessrad.c: a CoA holds over the radattr file */
		s->radius_down = s->coa_down;
		s->radius_up = s->coa_up;
		snprintf(s->radius_src, sizeof(s->radius_src), "%s", s->coa_src);
	} else if (s->radattr && sscanf(s->radattr, "down %lu up %lu", &down, &up) == 2) {
		/* acd.so's attributes win over the file, as in sessrad.c (the
		 * fake's text: "down N up N") */
		s->radius_down = down;
		s->radius_up = up;
		snprintf(s->radius_src, sizeof(s->radius_src), "acd.so");
	} else if (r && (r->down || r->up)) {
		s->radius_down = r->down;
		s->radius_up = r->up;
		snprintf(s->radius_src, sizeof(s->radius_src), "RP-Downstream-Speed-Limit");
	} else {
		s->radius_down = s->radius_up = 0;
		snprintf(s->radius_src, sizeof(s->radius_src), "default");
	}
}

static void fx_user(void *ctx, struct session *s)
{
	const struct fake_radattr *r = find_rad(ctx, s->ifname);

	if (r && r->user[0])
		snprintf(s->user, sizeof(s->user), "%s", r->user);
}

static bool fx_is_pppd(void *ctx, pid_t pid)
{
	struct fake *f = ctx;
	unsigned i;

	for (i = 0; i < f->npppds; i++)
		if (f->pppds[i] == pid)
			return true;
	return false;
}

static int fx_terminate(void *ctx, pid_t pid)
{
	struct fake *f = ctx;

	if (f->kill_fails)
		return -EPERM;
	f->killed = pid;
	return 0;
}

static pid_t fx_pid_file(void *ctx, const char *ifname)
{
	struct fake *f = ctx;
	struct fake_link *l = find_link(f, ifname);

	return l ? f->pid_files[l - f->links] : 0;
}

static bool in(const int *only, size_t nonly, int ifindex)
{
	size_t i;

	for (i = 0; i < nonly; i++)
		if (only[i] == ifindex)
			return true;
	return false;
}

static ssize_t fx_links(void *ctx, const int *only, size_t nonly, struct rtnl_linkaddr **out)
{
	struct fake *f = ctx;
	struct rtnl_linkaddr *v = calloc(FAKE_MAX, sizeof(*v));
	unsigned i;
	ssize_t n = 0;

	f->links_calls++;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < f->nlinks; i++) {
		const struct fake_link *l = &f->links[i];

		if (only && !in(only, nonly, l->ifindex))
			continue;
		v[n].ifindex = l->ifindex;
		snprintf(v[n].name, sizeof(v[n].name), "%s", l->name);
		v[n].has_addr = l->has_addr;
		snprintf(v[n].local, sizeof(v[n].local), "%s", l->local);
		snprintf(v[n].peer, sizeof(v[n].peer), "%s", l->peer);
		snprintf(v[n].peer_ll, sizeof(v[n].peer_ll), "%s", l->peer_ll);
		n++;
	}
	*out = v;
	return n;
}

static int fx_peer_lls(void *ctx, struct rtnl_linkaddr *v, size_t n)
{
	struct fake *f = ctx;
	size_t i;

	f->peer_ll_dumps++;
	for (i = 0; i < n; i++) {
		const struct fake_link *l = find_link(f, v[i].name);

		if (l && !v[i].peer_ll[0])
			snprintf(v[i].peer_ll, sizeof(v[i].peer_ll), "%s", l->route_ll);
	}
	return 0;
}

const struct session_fx fake_fx = {
	.ifindex = fx_ifindex,
	.shape = fx_shape,
	.clear = fx_clear,
	.gc = fx_gc,
	.policy = fx_policy,
	.user = fx_user,
	.is_pppd = fx_is_pppd,
	.terminate = fx_terminate,
	.pid_file = fx_pid_file,
	.links = fx_links,
	.peer_lls = fx_peer_lls,
};

static void on_event(const struct session_event *ev, void *ctx)
{
	struct recorder *r = ctx;
	struct rec_event *e;

	if (r->n >= sizeof(r->ev) / sizeof(r->ev[0]))
		return;
	e = &r->ev[r->n++];
	memset(e, 0, sizeof(*e));
	e->type = ev->type;
	snprintf(e->ifname, sizeof(e->ifname), "%s", ev->s->ifname);
	snprintf(e->cause, sizeof(e->cause), "%s", ev->cause ? ev->cause : "");
	snprintf(e->proto, sizeof(e->proto), "%s", ev->proto ? ev->proto : "");
	e->addr_changed = ev->addr_changed;
	e->saved = ev->saved != NULL;
}

void recorder_listen(struct sessions *t, struct recorder *r)
{
	const struct session_listener l = { .event = on_event, .ctx = r };

	(void)session_listen(t, &l);
}
