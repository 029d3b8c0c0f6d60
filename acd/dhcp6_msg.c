/*
 * dhcp6_msg.c - DHCPv6 client messages parsed, Advertise and Reply built
 * (see dhcp6_msg.h).  No I/O, no allocation: the message is the only memory
 * read, the caller's buffer the only memory written.
 *
 * Every option is code(2) len(2) value(len).  The parser checks each
 * header and length against what is left of its parent (the message, an
 * IA, an IAADDR/IAPREFIX) before it reads the value, so nothing it hands
 * out reaches past the option that holds it.
 */
#include <errno.h>
#include <string.h>

#include "dhcp6_msg.h"

#define OPT_HDR 4
#define IA_HDR 12       /* IAID, T1, T2: IA_NA and IA_PD (RFC 8415 §21.4, §21.21) */
#define IA_TA_HDR 4     /* IAID (§21.5) */
#define IAADDR_LEN 24   /* address, preferred, valid (§21.6) */
#define IAPREFIX_LEN 25 /* preferred, valid, prefix length, prefix (§21.22) */
#define STATUS_HDR 2
#define DNS_WIRE_MAX 255
#define LABEL_MAX 63

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

const char *dhcp6_drop_name(enum dhcp6_drop d)
{
	static const char *const names[DHCP6_DROP_MAX] = {
		[DHCP6_OK] = "ok",
		[DHCP6_DROP_SHORT] = "short",
		[DHCP6_DROP_TYPE] = "type",
		[DHCP6_DROP_OPTION] = "option",
		[DHCP6_DROP_DUPLICATE] = "duplicate",
		[DHCP6_DROP_CLIENTID] = "client-id",
		[DHCP6_DROP_SERVERID] = "server-id",
		[DHCP6_DROP_TOO_MANY] = "too-many",
		[DHCP6_DROP_LONG] = "long",
	};

	return (unsigned)d < DHCP6_DROP_MAX ? names[d] : "unknown";
}

/* ---- the parser ---- */

/* One option of a list of n bytes at p, from *off: its code, value and
 * length, *off moved past it.  false when its header or value would pass
 * the end of the list. */
static bool next_opt(const uint8_t *p, size_t n, size_t *off, uint16_t *code, const uint8_t **v,
		     size_t *len)
{
	size_t left = n - *off;

	if (left < OPT_HDR)
		return false;
	*code = get16(p + *off);
	*len = get16(p + *off + 2);
	if (*len > left - OPT_HDR)
		return false;
	*v = p + *off + OPT_HDR;
	*off += OPT_HDR + *len;
	return true;
}

/* Options nested one level down (inside IAADDR, IAPREFIX: Status Code,
 * PD Exclude) are not read, but must fill their parent exactly. */
static bool opts_fit(const uint8_t *p, size_t n)
{
	size_t off = 0, len;
	const uint8_t *v;
	uint16_t code;

	while (off < n)
		if (!next_opt(p, n, &off, &code, &v, &len))
			return false;
	return true;
}

/*
 * The options of an IA (after its header): IAADDR in IA_NA and IA_TA,
 * IAPREFIX in IA_PD, each stored in ia unless it is NULL (IA_TA); Status
 * Code checked for size; others skipped.
 */
static enum dhcp6_drop parse_ia_opts(const uint8_t *p, size_t n, uint16_t item_code,
				     struct dhcp6_ia *ia)
{
	size_t off = 0, len;
	const uint8_t *v;
	uint16_t code;

	while (off < n) {
		struct dhcp6_ia_item it = { 0 };
		size_t fixed;

		if (!next_opt(p, n, &off, &code, &v, &len))
			return DHCP6_DROP_OPTION;
		if (code == DHCP6_OPT_STATUS_CODE) {
			if (len < STATUS_HDR)
				return DHCP6_DROP_OPTION;
			continue;
		}
		if (code != item_code)
			continue;
		fixed = code == DHCP6_OPT_IAADDR ? IAADDR_LEN : IAPREFIX_LEN;
		if (len < fixed || !opts_fit(v + fixed, len - fixed))
			return DHCP6_DROP_OPTION;
		if (code == DHCP6_OPT_IAADDR) {
			memcpy(&it.addr, v, 16);
			it.plen = 128;
			it.preferred = get32(v + 16);
			it.valid = get32(v + 20);
		} else {
			it.preferred = get32(v);
			it.valid = get32(v + 4);
			it.plen = v[8];
			memcpy(&it.addr, v + 9, 16);
			if (it.plen > 128)
				return DHCP6_DROP_OPTION;
		}
		if (!ia)
			continue;
		if (ia->nitems == DHCP6_IA_ITEMS_MAX)
			return DHCP6_DROP_TOO_MANY;
		ia->item[ia->nitems++] = it;
	}
	return DHCP6_OK;
}

/* An IA_NA or IA_PD, appended to ia[*n]: a second one with its IAID is a
 * duplicate (which would the server bind?). */
static enum dhcp6_drop parse_ia(const uint8_t *v, size_t len, uint16_t item_code,
				struct dhcp6_ia *ia, unsigned *n)
{
	struct dhcp6_ia one = { 0 };
	enum dhcp6_drop d;
	unsigned i;

	if (len < IA_HDR)
		return DHCP6_DROP_OPTION;
	one.iaid = get32(v);
	one.t1 = get32(v + 4);
	one.t2 = get32(v + 8);
	d = parse_ia_opts(v + IA_HDR, len - IA_HDR, item_code, &one);
	if (d != DHCP6_OK)
		return d;
	for (i = 0; i < *n; i++)
		if (ia[i].iaid == one.iaid)
			return DHCP6_DROP_DUPLICATE;
	if (*n == DHCP6_IA_MAX)
		return DHCP6_DROP_TOO_MANY;
	ia[(*n)++] = one;
	return DHCP6_OK;
}

static bool duid_ok(size_t len)
{
	return len >= DHCP6_DUID_MIN && len <= DHCP6_DUID_MAX;
}

/* Options that may appear once: a bit each in *seen. */
static bool once(unsigned *seen, uint16_t code)
{
	unsigned bit = 1u << code; /* every code passed is under 32 */

	if (*seen & bit)
		return false;
	*seen |= bit;
	return true;
}

static enum dhcp6_drop parse_opts(const uint8_t *p, size_t n, struct dhcp6_msg *m, bool *has_ia)
{
	size_t off = 0, len, i;
	unsigned seen = 0;
	enum dhcp6_drop d;
	const uint8_t *v;
	uint16_t code;

	while (off < n) {
		if (!next_opt(p, n, &off, &code, &v, &len))
			return DHCP6_DROP_OPTION;
		switch (code) {
		case DHCP6_OPT_CLIENTID:
			if (!once(&seen, code))
				return DHCP6_DROP_DUPLICATE;
			if (!duid_ok(len))
				return DHCP6_DROP_CLIENTID;
			m->clientid = v;
			m->clientid_len = len;
			break;
		case DHCP6_OPT_SERVERID:
			if (!once(&seen, code))
				return DHCP6_DROP_DUPLICATE;
			if (!duid_ok(len))
				return DHCP6_DROP_SERVERID;
			m->serverid = v;
			m->serverid_len = len;
			break;
		case DHCP6_OPT_ORO:
			if (!once(&seen, code))
				return DHCP6_DROP_DUPLICATE;
			if (len % 2)
				return DHCP6_DROP_OPTION;
			for (i = 0; i < len; i += 2) {
				uint16_t want = get16(v + i);

				m->oro_dns |= want == DHCP6_OPT_DNS_SERVERS;
				m->oro_domains |= want == DHCP6_OPT_DOMAIN_LIST;
			}
			break;
		case DHCP6_OPT_ELAPSED_TIME:
			if (!once(&seen, code))
				return DHCP6_DROP_DUPLICATE;
			if (len != 2)
				return DHCP6_DROP_OPTION;
			m->elapsed = get16(v);
			break;
		case DHCP6_OPT_PREFERENCE:
			/* a server's option; a client has no business sending
			 * it, but it is well-formed or the message goes */
			if (!once(&seen, code))
				return DHCP6_DROP_DUPLICATE;
			if (len != 1)
				return DHCP6_DROP_OPTION;
			break;
		case DHCP6_OPT_RAPID_COMMIT:
			if (!once(&seen, code))
				return DHCP6_DROP_DUPLICATE;
			if (len != 0)
				return DHCP6_DROP_OPTION;
			m->rapid_commit = true;
			break;
		case DHCP6_OPT_STATUS_CODE:
			if (len < STATUS_HDR)
				return DHCP6_DROP_OPTION;
			break;
		case DHCP6_OPT_IA_NA:
			*has_ia = true;
			d = parse_ia(v, len, DHCP6_OPT_IAADDR, m->na, &m->nna);
			if (d != DHCP6_OK)
				return d;
			break;
		case DHCP6_OPT_IA_PD:
			*has_ia = true;
			d = parse_ia(v, len, DHCP6_OPT_IAPREFIX, m->pd, &m->npd);
			if (d != DHCP6_OK)
				return d;
			break;
		case DHCP6_OPT_IA_TA:
			*has_ia = true;
			if (len < IA_TA_HDR)
				return DHCP6_DROP_OPTION;
			d = parse_ia_opts(v + IA_TA_HDR, len - IA_TA_HDR, DHCP6_OPT_IAADDR, NULL);
			if (d != DHCP6_OK)
				return d;
			break;
		default:
			/* RFC 8415 §16: options a server does not know are ignored */
			break;
		}
	}
	return DHCP6_OK;
}

enum dhcp6_drop dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m)
{
	bool need_cid, need_sid, no_sid, has_ia = false;
	enum dhcp6_drop d;

	memset(m, 0, sizeof(*m));
	if (len < 4)
		return DHCP6_DROP_SHORT;
	m->type = (enum dhcp6_type)buf[0];
	m->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	if (len > DHCP6_IN_MAX)
		return DHCP6_DROP_LONG;

	/* RFC 8415 §16: Client ID required but in an Information-Request;
	 * Server ID required in those that answer an Advertise or a Reply,
	 * forbidden in those sent to all servers */
	switch (buf[0]) {
	case DHCP6_SOLICIT:
	case DHCP6_REBIND:
	case DHCP6_CONFIRM:
		need_cid = true, need_sid = false, no_sid = true;
		break;
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		need_cid = true, need_sid = true, no_sid = false;
		break;
	case DHCP6_INFORMATION_REQUEST:
		need_cid = false, need_sid = false, no_sid = false;
		break;
	default:
		/* Advertise, Reply, Reconfigure come from servers; Relay-Forw
		 * and Relay-Repl from relays, which a PPP link does not have */
		return DHCP6_DROP_TYPE;
	}

	d = parse_opts(buf + 4, len - 4, m, &has_ia);
	if (d != DHCP6_OK)
		return d;
	if (need_cid && !m->clientid)
		return DHCP6_DROP_CLIENTID;
	if ((need_sid && !m->serverid) || (no_sid && m->serverid))
		return DHCP6_DROP_SERVERID;
	/* §16.12: an Information-Request asks for no addresses */
	if (m->type == DHCP6_INFORMATION_REQUEST && has_ia)
		return DHCP6_DROP_OPTION;
	return DHCP6_OK;
}

/* ---- the builder ---- */

/* A message being written: past cap, full is set and nothing more is
 * written, so the writers need no checks of their own. */
struct out {
	uint8_t *p;
	size_t len, cap;
	bool full;
};

static uint8_t *room(struct out *o, size_t n)
{
	uint8_t *q;

	if (o->full || n > o->cap - o->len) {
		o->full = true;
		return NULL;
	}
	q = o->p + o->len;
	o->len += n;
	return q;
}

static void put_bytes(struct out *o, const void *v, size_t n)
{
	uint8_t *q = room(o, n);

	if (q && n)
		memcpy(q, v, n);
}

static void put8(struct out *o, uint8_t v)
{
	put_bytes(o, &v, 1);
}

static void put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(o, b, 2);
}

static void put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(o, b, 4);
}

/* An option whose length is known once its value is written: open
 * returns where it starts, close writes the length. */
static size_t opt_open(struct out *o, uint16_t code)
{
	size_t at = o->len;

	put16(o, code);
	put16(o, 0);
	return at;
}

static void opt_close(struct out *o, size_t at)
{
	size_t n = o->len - at - OPT_HDR; /* <= DHCP6_MSG_MAX: fits 16 bits */

	if (o->full)
		return;
	o->p[at + 2] = (uint8_t)(n >> 8);
	o->p[at + 3] = (uint8_t)n;
}

static void put_opt(struct out *o, uint16_t code, const void *v, size_t n)
{
	put16(o, code);
	put16(o, (uint16_t)n); /* n <= DHCP6_DUID_MAX, or checked by the caller */
	put_bytes(o, v, n);
}

static bool hostname_char(char c)
{
	/* not isalnum(): no locale may widen it */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/*
 * A search domain's length in DNS wire format (RFC 1035 §3.1: a length
 * byte and the label, for each label, then the root's 0), or 0 when it is
 * not a host name's (RFC 1123 §2.1: letters, digits, hyphens inside).
 * One final dot is the root, written or not.
 */
static size_t domain_wire_len(const char *name, size_t max)
{
	size_t n = strnlen(name, max), i = 0, wire = 1;

	if (n == max)
		return 0;
	if (n && name[n - 1] == '.')
		n--;
	if (n == 0)
		return 0; /* the root alone is no host's domain */
	for (;;) {
		size_t start = i;

		while (i < n && name[i] != '.') {
			if (!hostname_char(name[i]))
				return 0;
			i++;
		}
		if (i == start || i - start > LABEL_MAX || name[start] == '-' || name[i - 1] == '-')
			return 0;
		wire += 1 + (i - start);
		if (i == n)
			break;
		i++; /* a dot: a label must follow it */
	}
	return wire <= DNS_WIRE_MAX ? wire : 0;
}

static void put_domain(struct out *o, const char *name)
{
	while (*name) {
		size_t l = strcspn(name, ".");

		put8(o, (uint8_t)l);
		put_bytes(o, name, l);
		name += l;
		if (*name == '.')
			name++;
	}
	put8(o, 0);
}

static bool prefix_clean(const struct in6_addr *a, unsigned plen)
{
	unsigned i;

	for (i = plen; i < 128; i++)
		if (a->s6_addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static bool ia_ok(const struct dhcp6_reply_ia *ia, bool pd)
{
	if (ia->t2 && ia->t1 > ia->t2)
		return false;
	if (!ia->has_item)
		return ia->status != DHCP6_SUCCESS && (unsigned)ia->status <= 0xffff;
	if (ia->status != DHCP6_SUCCESS || ia->item.preferred > ia->item.valid)
		return false;
	return !pd || (ia->item.plen >= 1 && ia->item.plen <= 128 &&
		       prefix_clean(&ia->item.addr, ia->item.plen));
}

static bool reply_ok(const struct dhcp6_reply *r)
{
	unsigned i;

	if (r->type != DHCP6_ADVERTISE && r->type != DHCP6_REPLY)
		return false;
	if (r->xid > 0xffffff)
		return false;
	if (!r->serverid || !duid_ok(r->serverid_len))
		return false;
	if (r->clientid ? !duid_ok(r->clientid_len)
			: r->clientid_len || r->type == DHCP6_ADVERTISE)
		return false;
	/* §21.14: Rapid Commit answers a Solicit with a Reply; §21.8: the
	 * Preference ranks Advertises */
	if ((r->rapid_commit && r->type != DHCP6_REPLY) ||
	    (r->has_preference && r->type != DHCP6_ADVERTISE))
		return false;
	if (r->has_status && (unsigned)r->status > 0xffff)
		return false;
	if (r->nna > DHCP6_IA_MAX || r->npd > DHCP6_IA_MAX || r->ndns > DHCP6_DNS_MAX ||
	    r->nsearch > DHCP6_SEARCH_MAX)
		return false;
	for (i = 0; i < r->nna; i++)
		if (!ia_ok(&r->na[i], false))
			return false;
	for (i = 0; i < r->npd; i++)
		if (!ia_ok(&r->pd[i], true))
			return false;
	for (i = 0; i < r->nsearch; i++)
		if (!domain_wire_len(r->search[i], sizeof(r->search[i])))
			return false;
	return true;
}

static void put_ia(struct out *o, uint16_t code, const struct dhcp6_reply_ia *ia)
{
	size_t at = opt_open(o, code);

	put32(o, ia->iaid);
	put32(o, ia->t1);
	put32(o, ia->t2);
	if (!ia->has_item) {
		put16(o, DHCP6_OPT_STATUS_CODE);
		put16(o, STATUS_HDR);
		put16(o, (uint16_t)ia->status);
	} else if (code == DHCP6_OPT_IA_NA) {
		put16(o, DHCP6_OPT_IAADDR);
		put16(o, IAADDR_LEN);
		put_bytes(o, &ia->item.addr, 16);
		put32(o, ia->item.preferred);
		put32(o, ia->item.valid);
	} else {
		put16(o, DHCP6_OPT_IAPREFIX);
		put16(o, IAPREFIX_LEN);
		put32(o, ia->item.preferred);
		put32(o, ia->item.valid);
		put8(o, ia->item.plen);
		put_bytes(o, &ia->item.addr, 16);
	}
	opt_close(o, at);
}

int dhcp6_build(const struct dhcp6_reply *r, uint8_t *buf, size_t len)
{
	struct out o = { .p = buf, .cap = len < DHCP6_MSG_MAX ? len : DHCP6_MSG_MAX };
	unsigned i;
	size_t at;

	if (!reply_ok(r))
		return -EINVAL;

	put8(&o, (uint8_t)r->type);
	put8(&o, (uint8_t)(r->xid >> 16));
	put16(&o, (uint16_t)r->xid);
	if (r->clientid)
		put_opt(&o, DHCP6_OPT_CLIENTID, r->clientid, r->clientid_len);
	put_opt(&o, DHCP6_OPT_SERVERID, r->serverid, r->serverid_len);
	if (r->has_preference)
		put_opt(&o, DHCP6_OPT_PREFERENCE, &r->preference, 1);
	if (r->rapid_commit)
		put_opt(&o, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	if (r->has_status) {
		size_t n = r->status_msg ? strnlen(r->status_msg, DHCP6_MSG_MAX) : 0;

		at = opt_open(&o, DHCP6_OPT_STATUS_CODE);
		put16(&o, (uint16_t)r->status);
		put_bytes(&o, r->status_msg, n); /* longer than the message: full */
		opt_close(&o, at);
	}
	for (i = 0; i < r->nna; i++)
		put_ia(&o, DHCP6_OPT_IA_NA, &r->na[i]);
	for (i = 0; i < r->npd; i++)
		put_ia(&o, DHCP6_OPT_IA_PD, &r->pd[i]);
	if (r->ndns)
		put_opt(&o, DHCP6_OPT_DNS_SERVERS, r->dns, r->ndns * sizeof(r->dns[0]));
	if (r->nsearch) {
		at = opt_open(&o, DHCP6_OPT_DOMAIN_LIST);
		for (i = 0; i < r->nsearch; i++)
			put_domain(&o, r->search[i]);
		opt_close(&o, at);
	}
	if (r->info_refresh) {
		put16(&o, DHCP6_OPT_INFORMATION_REFRESH_TIME);
		put16(&o, 4);
		put32(&o, r->info_refresh);
	}
	return o.full ? -ENOSPC : (int)o.len;
}
