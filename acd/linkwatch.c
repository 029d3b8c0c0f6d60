/*
 * linkwatch.c - level-triggered sessions: acd listens to the kernel's link
 * and address notifications.
 *   - A session whose interface disappears without an ip-down (pppd
 *     killed -9, a crash) is ended and its leftovers (the IFB) removed.
 *     The kernel already dropped the interface's qdiscs with it.
 *   - An interface with our prefix that gets an address (pppd sets it just
 *     before it runs ip-up or ipv6-up) and still has no session
 *     [pppd] adopt-after seconds later lost its hook (acd was busy or its
 *     socket full, and pppd does not retry): it is adopted as at start-up,
 *     shaped from its radattr file.  A sweep timer runs while such
 *     interfaces wait.
 * The notifications come from rtnl.c, whose subscriber this is.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "acd.h"
#include "log.h"
#include "rtnl.h"

struct waiting {
	int ifindex;
	ev_tstamp since;
};

struct linkwatch {
	struct acd *a;
	ev_timer sweep;
	struct waiting *wait; /* links with an address and no session yet */
	size_t nwait, capwait;
	bool rescan;          /* notifications were lost: list the addresses */
	bool recheck;         /* and a session's link could not be looked up */
	ev_tstamp rescanned;  /* when they were last listed */
};

static void rescan_addrs(struct linkwatch *lw);
static unsigned check_sessions(struct linkwatch *lw);

/* an address on a link of ours without a session: its hook has
 * adopt-after seconds to arrive */
static void watch(struct linkwatch *lw, int ifindex, const char *name)
{
	struct waiting *w;
	size_t i;

	if (session_by_ifindex(&lw->a->sess, ifindex) ||
	    strncmp(name, lw->a->cfg.ifprefix, strlen(lw->a->cfg.ifprefix)) != 0)
		return;
	for (i = 0; i < lw->nwait; i++)
		if (lw->wait[i].ifindex == ifindex)
			return; /* its other address: the first one counts */
	if (lw->nwait == lw->capwait) {
		size_t cap = lw->capwait ? lw->capwait * 2 : 16;

		w = realloc(lw->wait, cap * sizeof(*w));
		if (!w) {
			log_warnx("linkwatch: out of memory: %s is not watched for a lost hook", name);
			return;
		}
		lw->wait = w;
		lw->capwait = cap;
	}
	lw->wait[lw->nwait++] = (struct waiting){ ifindex, ev_now(lw->a->loop) };
	if (!ev_is_active(&lw->sweep))
		ev_timer_again(lw->a->loop, &lw->sweep);
}

static void on_new_addr(struct linkwatch *lw, int ifindex)
{
	char name[IF_NAMESIZE];

	if (!session_by_ifindex(&lw->a->sess, ifindex) && if_indextoname((unsigned)ifindex, name))
		watch(lw, ifindex, name);
}

static void forget(struct linkwatch *lw, int ifindex)
{
	size_t i;

	for (i = 0; i < lw->nwait; i++)
		if (lw->wait[i].ifindex == ifindex) {
			lw->wait[i] = lw->wait[--lw->nwait];
			return;
		}
}

/* once a second while links wait: those whose hook came are dropped, those
 * past the grace time adopted, all in one pass over the kernel's links */
static void on_sweep(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct linkwatch *lw = t->data;
	ev_tstamp now = ev_now(loop), grace = (ev_tstamp)lw->a->cfg.adopt_after_s;
	int *due = NULL;
	size_t i = 0, ndue = 0;

	(void)revents;
	/* at most once per grace time: a storm can overflow the socket
	 * again and again, and each listing walks every address */
	if (lw->rescan && now - lw->rescanned >= grace) {
		lw->rescan = false;
		lw->rescanned = now;
		rescan_addrs(lw);
	}
	if (lw->recheck)
		lw->recheck = check_sessions(lw) > 0;
	if (lw->nwait)
		due = malloc(lw->nwait * sizeof(*due));
	while (i < lw->nwait) {
		struct waiting *w = &lw->wait[i];

		if (session_by_ifindex(&lw->a->sess, w->ifindex)) {
			*w = lw->wait[--lw->nwait];
		} else if (now - w->since >= grace) {
			if (due)
				due[ndue++] = w->ifindex;
			*w = lw->wait[--lw->nwait];
		} else {
			i++;
		}
	}
	if (ndue)
		(void)session_adopt(&lw->a->sess, due, ndue);
	free(due);
	if (!lw->nwait && !lw->rescan && !lw->recheck)
		ev_timer_stop(loop, t);
}

/*
 * Every link of ours with an address, each given its adopt-after seconds:
 * links and addresses listed, only (ifindex, name) kept of each link of
 * ours, so 10 000 sessions and their IFBs cost acd little for a moment.
 */
static void rescan_addrs(struct linkwatch *lw)
{
	struct rtnl_linkaddr *v = NULL;
	ssize_t n = rtnl_links(lw->a->rtnl, lw->a->cfg.ifprefix, NULL, 0, &v);
	ssize_t i;
	int rc = n < 0 ? (int)n : rtnl_addrs(lw->a->rtnl, v, (size_t)n);

	if (rc < 0) {
		log_warnx("linkwatch: cannot list %s (%s): a hook lost meanwhile waits for "
			  "acd's next start", n < 0 ? "links" : "addresses", strerror(-rc));
	} else {
		for (i = 0; i < n; i++)
			if (v[i].has_addr)
				watch(lw, v[i].ifindex, v[i].name);
	}
	free(v);
}

/* Every session's link, looked up again; how many could not be.  A
 * session ends only when the kernel says its link is gone (or is another
 * now): a lookup that failed otherwise (out of memory) keeps it for the
 * sweep's next check, not ended while its subscriber is still online. */
static unsigned check_sessions(struct linkwatch *lw)
{
	struct session *s, *next;
	unsigned kept = 0;

	for (s = lw->a->sess.list; s; s = next) {
		int ifindex = shaper_ifindex(lw->a->sh, s->ifname);

		next = s->next;
		if (ifindex == s->ifindex)
			continue;
		if (ifindex < 0 && ifindex != -SHAPER_ENODEV) {
			if (!kept++)
				log_warnx("linkwatch: sess=%s: cannot look its link up (%s): kept",
					  s->ifname, shaper_errmsg(lw->a->sh));
			continue;
		}
		session_gone(&lw->a->sess, s);
	}
	if (kept > 1)
		log_warnx("linkwatch: %u session(s) kept unchecked", kept);
	return kept;
}

/* the socket overflowed: events were lost, so look again */
static void resync(struct linkwatch *lw)
{
	log_warnx("linkwatch: notifications lost: checking every session");
	lw->recheck = check_sessions(lw) > 0;
	/* and a link of ours with an address but no session may have lost
	 * its address notice: the sweep lists the addresses */
	lw->rescan = true;
	if (!ev_is_active(&lw->sweep))
		ev_timer_again(lw->a->loop, &lw->sweep);
}

static void on_event(const struct rtnl_event *ev, void *arg)
{
	struct linkwatch *lw = arg;
	struct session *s;

	switch (ev->type) {
	case RTNL_ADDR_NEW:
		on_new_addr(lw, ev->link.ifindex);
		break;
	case RTNL_LINK_DEL:
		forget(lw, ev->link.ifindex);
		s = session_by_ifindex(&lw->a->sess, ev->link.ifindex);
		if (s)
			session_gone(&lw->a->sess, s);
		break;
	case RTNL_RESYNC:
		resync(lw);
		break;
	case RTNL_LINK_NEW:
		break;
	}
}

struct linkwatch *linkwatch_open(struct acd *a)
{
	struct linkwatch *lw = calloc(1, sizeof(*lw));

	if (!lw)
		return NULL;
	lw->a = a;
	if (!a->rtnl || rtnl_subscribe(a->rtnl, on_event, lw) < 0) {
		free(lw);
		return NULL;
	}
	ev_init(&lw->sweep, on_sweep);
	lw->sweep.repeat = 1.0;
	lw->sweep.data = lw;
	return lw;
}

void linkwatch_close(struct linkwatch *lw)
{
	if (!lw)
		return;
	rtnl_unsubscribe(lw->a->rtnl, on_event, lw);
	ev_timer_stop(lw->a->loop, &lw->sweep);
	free(lw->wait);
	free(lw);
}
