/*
 * dhcp6.c - the DHCPv6 server's decisions for one session (dhcp6.h).
 */
#include <errno.h>
#include <string.h>

#include "dhcp6.h"
#include "ip6pool.h"

static bool ours(const struct dhcp6_conf *c, const struct dhcp6_msg *m)
{
	return m->serverid && m->serverid_len == c->duid_len &&
	       memcmp(m->serverid, c->duid, c->duid_len) == 0;
}

static bool same_client(const struct dhcp6_lease *l, const struct dhcp6_msg *m)
{
	return m->clientid && l->duid_len == m->clientid_len &&
	       memcmp(l->duid, m->clientid, l->duid_len) == 0;
}

/* the lease's client from now on: m's */
static void take_client(struct dhcp6_lease *l, const struct dhcp6_msg *m, uint32_t iaid)
{
	l->duid_len = m->clientid_len;
	memcpy(l->duid, m->clientid, m->clientid_len);
	l->iaid = iaid;
}

/* does the IA name the lease's prefix (or nothing, or only a hint such as
 * ::/56)?  A client that names another prefix keeps asking for it. */
static bool names_lease(const struct dhcp6_ia *ia, const struct dhcp6_lease *l)
{
	unsigned i;

	for (i = 0; i < ia->nitems; i++)
		if (IN6_ARE_ADDR_EQUAL(&ia->item[i].addr, &l->prefix) &&
		    ia->item[i].plen == l->plen)
			return true;
	return false;
}

static void ia_prefix(const struct dhcp6_conf *c, const struct dhcp6_lease *l,
		      const struct dhcp6_ia *ia, struct dhcp6_reply_ia *r)
{
	r->iaid = ia->iaid;
	r->t1 = c->preferred / 2;
	r->t2 = c->preferred / 5 * 4;
	r->has_item = true;
	r->item.addr = l->prefix;
	r->item.plen = l->plen;
	r->item.preferred = c->preferred;
	r->item.valid = c->valid;
}

static void ia_status(const struct dhcp6_ia *ia, enum dhcp6_status st, struct dhcp6_reply_ia *r)
{
	memset(r, 0, sizeof(*r));
	r->iaid = ia->iaid;
	r->status = st;
}

/* a prefix the client names that is not (or no longer) its: lifetimes 0,
 * so it stops using it (RFC 8415 §18.3.4/5) */
static void ia_invalid(const struct dhcp6_ia *ia, struct dhcp6_reply_ia *r)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->iaid = ia->iaid;
	for (i = 0; i < ia->nitems; i++)
		if (!IN6_IS_ADDR_UNSPECIFIED(&ia->item[i].addr)) {
			r->has_item = true;
			r->item = ia->item[i];
			r->item.preferred = r->item.valid = 0;
			return;
		}
	r->status = DHCP6_NO_BINDING;
}

/* the session's prefix for this client, taken from the pool if need be:
 * 0, or -ENOSPC / -ENOMEM / -ENXIO (no delegation here) */
static int offer(const struct dhcp6_conf *c, const char *user, struct dhcp6_lease *l)
{
	int rc;

	if (l->has_prefix)
		return 0;
	if (!c->pd_pool)
		return -ENXIO;
	rc = ip6pool_alloc(c->pd_pool, user, &l->prefix);
	if (rc < 0)
		return rc;
	l->plen = ip6pool_prefix_len(c->pd_pool);
	l->has_prefix = true;
	l->bound = false;
	return 0;
}

void dhcp6_lease_free(const struct dhcp6_conf *c, struct dhcp6_lease *l)
{
	if (l->has_prefix && !l->given && c->pd_pool)
		(void)ip6pool_release(c->pd_pool, &l->prefix);
	memset(l, 0, sizeof(*l));
}

static void common(const struct dhcp6_conf *c, const struct dhcp6_msg *m, struct dhcp6_reply *r,
		   enum dhcp6_type type)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->type = type;
	r->xid = m->xid;
	r->clientid = m->clientid;
	r->clientid_len = m->clientid_len;
	r->serverid = c->duid;
	r->serverid_len = c->duid_len;
	for (i = 0; i < c->ndns && i < DHCP6_DNS_MAX; i++)
		r->dns[r->ndns++] = c->dns[i];
	for (i = 0; i < c->nsearch && i < DHCP6_SEARCH_MAX; i++)
		memcpy(r->search[r->nsearch++], c->search[i], sizeof(r->search[0]));
}

/* IA_NAs: no addresses from us (SLAAC gives the link its address) */
static void no_addrs(const struct dhcp6_msg *m, struct dhcp6_reply *r)
{
	unsigned i;

	for (i = 0; i < m->nna; i++)
		ia_status(&m->na[i], DHCP6_NO_ADDRS_AVAIL, &r->na[r->nna++]);
}

int dhcp6_answer(const struct dhcp6_conf *c, const char *user, struct dhcp6_lease *l,
		 const struct dhcp6_msg *m, double now, uint8_t *out, size_t outlen,
		 unsigned *what)
{
	struct dhcp6_reply r;
	unsigned i;
	int rc;

	*what = 0;
	switch (m->type) {
	case DHCP6_SOLICIT:
	case DHCP6_REQUEST: {
		bool commit = m->type == DHCP6_REQUEST || (m->rapid_commit && c->rapid_commit);

		if (m->type == DHCP6_REQUEST && !ours(c, m))
			return 0;
		common(c, m, &r, commit ? DHCP6_REPLY : DHCP6_ADVERTISE);
		r.rapid_commit = m->type == DHCP6_SOLICIT && commit;
		for (i = 0; i < m->npd; i++) {
			/* one prefix per session, for the first IA_PD of its client */
			bool other = l->bound && !same_client(l, m);

			if (i > 0 || other || (rc = offer(c, user, l)) < 0) {
				ia_status(&m->pd[i], DHCP6_NO_PREFIX_AVAIL, &r.pd[r.npd++]);
				continue;
			}
			take_client(l, m, m->pd[i].iaid);
			ia_prefix(c, l, &m->pd[i], &r.pd[r.npd++]);
			if (commit) {
				l->bound = true;
				l->expires = now + c->valid;
				*what |= DHCP6_BOUND;
			}
		}
		no_addrs(m, &r);
		if (m->npd == 0 && m->nna == 0) {
			r.has_status = true;
			r.status = DHCP6_NO_ADDRS_AVAIL; /* nothing asked that we give */
		}
		break;
	}
	case DHCP6_RENEW:
	case DHCP6_REBIND:
		if (m->type == DHCP6_RENEW && !ours(c, m))
			return 0;
		common(c, m, &r, DHCP6_REPLY);
		for (i = 0; i < m->npd; i++) {
			if (l->bound && same_client(l, m) && m->pd[i].iaid == l->iaid &&
			    (m->pd[i].nitems == 0 || names_lease(&m->pd[i], l))) {
				ia_prefix(c, l, &m->pd[i], &r.pd[r.npd++]);
				l->expires = now + c->valid;
				*what |= DHCP6_BOUND;
			} else if (m->pd[i].nitems) {
				ia_invalid(&m->pd[i], &r.pd[r.npd++]);
			} else {
				ia_status(&m->pd[i], DHCP6_NO_BINDING, &r.pd[r.npd++]);
			}
		}
		for (i = 0; i < m->nna; i++)
			ia_status(&m->na[i], DHCP6_NO_BINDING, &r.na[r.nna++]);
		break;
	case DHCP6_RELEASE:
		if (!ours(c, m))
			return 0;
		common(c, m, &r, DHCP6_REPLY);
		for (i = 0; i < m->npd; i++)
			if (l->has_prefix && same_client(l, m) && m->pd[i].iaid == l->iaid) {
				if (l->bound)
					*what |= DHCP6_RELEASED;
				else
					dhcp6_lease_free(c, l);
			}
		r.has_status = true;
		r.status = DHCP6_SUCCESS;
		r.status_msg = "released";
		r.ndns = r.nsearch = 0;
		break;
	case DHCP6_DECLINE: /* addresses only, and we give none */
		if (!ours(c, m))
			return 0;
		common(c, m, &r, DHCP6_REPLY);
		r.has_status = true;
		r.status = DHCP6_SUCCESS;
		r.ndns = r.nsearch = 0;
		break;
	case DHCP6_INFORMATION_REQUEST:
		if (m->serverid && !ours(c, m))
			return 0;
		common(c, m, &r, DHCP6_REPLY);
		r.info_refresh = c->info_refresh;
		break;
	default: /* Confirm: for addresses, and we give none (RFC 8415 §18.3.3: no answer) */
		return 0;
	}
	return dhcp6_build(&r, out, outlen);
}
