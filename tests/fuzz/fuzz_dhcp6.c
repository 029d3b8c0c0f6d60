/* Fuzz target: dhcp6_msg (a client's DHCPv6 message, straight off the
 * server's UDP socket, and the answer built to it).
 * Invariants: never crash or read outside the message; the answer is one
 * of the drop reasons, with a name; with 4 bytes or more the type and xid
 * are the message's, dropped or not.  A parsed message keeps every rule
 * the parser promises: a client's type, the RFC 8415 §16 rules on Client
 * ID and Server ID, DUIDs of 3..130 bytes inside the message, counts
 * within their maxima, one IAID per kind, prefix lengths up to 128, no IA
 * in an Information-Request.  The Advertise or Reply acd would build to it
 * (the client's IDs and IAs echoed, an item or a status in each, DNS
 * servers and search domains when the ORO asks, a status text of a length
 * the input picks) is exactly as long as a
 * model of the layouts says, or -ENOSPC when that passes DHCP6_MSG_MAX;
 * one byte less of buffer is -ENOSPC.  Walked option by option it nests
 * exactly (every option inside its parent, IA items of their fixed
 * sizes, search domains in DNS wire format that decode to the names
 * given), in the documented order; and parsed back as a Renew it gives
 * the IAs that went in. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t our_duid[] = { 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static char status_text[2048];

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static bool inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return p && p >= data + 4 && p <= data + size && n <= (size_t)(data + size - p);
}

static void check_ias(const struct dhcp6_ia *ia, unsigned n, bool pd)
{
	unsigned i, j;

	if (n > DHCP6_IA_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (ia[i].nitems > DHCP6_IA_ITEMS_MAX)
			abort();
		for (j = 0; j < i; j++)
			if (ia[j].iaid == ia[i].iaid)
				abort();
		for (j = 0; j < ia[i].nitems; j++)
			if (pd ? ia[i].item[j].plen > 128 : ia[i].item[j].plen != 128)
				abort();
	}
}

static void check_parsed(const struct dhcp6_msg *m, const uint8_t *data, size_t size)
{
	bool cid = m->clientid != NULL, sid = m->serverid != NULL;

	if (size < 4 || size > DHCP6_IN_MAX)
		abort();
	if (cid && (!inside(m->clientid, m->clientid_len, data, size) ||
		    m->clientid_len < DHCP6_DUID_MIN || m->clientid_len > DHCP6_DUID_MAX))
		abort();
	if (sid && (!inside(m->serverid, m->serverid_len, data, size) ||
		    m->serverid_len < DHCP6_DUID_MIN || m->serverid_len > DHCP6_DUID_MAX))
		abort();
	if ((!cid && m->clientid_len) || (!sid && m->serverid_len))
		abort();
	switch (m->type) {
	case DHCP6_SOLICIT:
	case DHCP6_REBIND:
	case DHCP6_CONFIRM:
		if (!cid || sid)
			abort();
		break;
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		if (!cid || !sid)
			abort();
		break;
	case DHCP6_INFORMATION_REQUEST:
		if (m->nna || m->npd)
			abort();
		break;
	default:
		abort();
	}
	check_ias(m->na, m->nna, false);
	check_ias(m->pd, m->npd, true);
}

/* ---- the answer ---- */

static char long_domain[DHCP6_DOMAIN_MAX + 1];

/* Labels of 63 and a last of 61: 253 characters, 255 bytes on the wire. */
static const char *long_name(void)
{
	size_t i;

	if (!long_domain[0]) {
		for (i = 0; i < DHCP6_DOMAIN_MAX; i++)
			long_domain[i] = i % 64 == 63 ? '.' : (char)('a' + i / 64);
		long_domain[DHCP6_DOMAIN_MAX] = 0;
	}
	return long_domain;
}

static void mask(struct in6_addr *a, unsigned plen)
{
	unsigned i;

	for (i = plen; i < 128; i++)
		a->s6_addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

/* The client's IA answered: its first item (lifetimes and prefix made
 * valid), else the status saying there is none. */
static void answer_ia(struct dhcp6_reply_ia *r, const struct dhcp6_ia *ia, bool pd)
{
	memset(r, 0, sizeof(*r));
	r->iaid = ia->iaid;
	r->t1 = ia->t1;
	r->t2 = ia->t2;
	if (r->t2 && r->t1 > r->t2)
		r->t1 = r->t2;
	if (!ia->nitems || (pd && ia->item[0].plen == 0)) {
		r->status = pd ? DHCP6_NO_PREFIX_AVAIL : DHCP6_NO_ADDRS_AVAIL;
		return;
	}
	r->has_item = true;
	r->item = ia->item[0];
	if (r->item.preferred > r->item.valid)
		r->item.preferred = r->item.valid;
	if (pd)
		mask(&r->item.addr, r->item.plen);
}

static void answer(const struct dhcp6_msg *m, struct dhcp6_reply *r)
{
	static const char *const names[] = { "example.net", "isp.example.", "a-1.b2.example" };
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->type = m->type == DHCP6_SOLICIT && !m->rapid_commit ? DHCP6_ADVERTISE : DHCP6_REPLY;
	r->xid = m->xid;
	r->clientid = m->clientid;
	r->clientid_len = m->clientid_len;
	r->serverid = our_duid;
	r->serverid_len = sizeof(our_duid);
	r->rapid_commit = m->type == DHCP6_SOLICIT && m->rapid_commit;
	if (r->type == DHCP6_ADVERTISE) {
		r->has_preference = true;
		r->preference = (uint8_t)m->xid;
	}
	/* Confirm, Release and Decline are answered with a status; any answer
	 * may carry one whose text, as long as the elapsed time says (up to
	 * 2046 bytes), takes the answer past DHCP6_MSG_MAX or right up to it,
	 * which echoed IDs, IAs and names alone seldom do */
	if (m->type == DHCP6_CONFIRM || m->type == DHCP6_RELEASE || m->type == DHCP6_DECLINE ||
	    (m->elapsed & 1)) {
		size_t n = (size_t)(m->elapsed >> 6) * 2;

		memset(status_text, 'x', n);
		status_text[n] = 0;
		r->has_status = true;
		r->status = m->elapsed & 1 ? DHCP6_UNSPEC_FAIL : DHCP6_SUCCESS;
		r->status_msg = m->elapsed & 2 ? status_text : NULL;
	}
	r->nna = m->nna;
	for (i = 0; i < m->nna; i++)
		answer_ia(&r->na[i], &m->na[i], false);
	r->npd = m->npd;
	for (i = 0; i < m->npd; i++)
		answer_ia(&r->pd[i], &m->pd[i], true);
	if (m->oro_dns) {
		r->ndns = 1 + m->xid % DHCP6_DNS_MAX;
		for (i = 0; i < r->ndns; i++) {
			r->dns[i].s6_addr[0] = 0x20, r->dns[i].s6_addr[1] = 0x01;
			r->dns[i].s6_addr[15] = (uint8_t)i;
		}
	}
	if (m->oro_domains) {
		/* the elapsed time picks how many, and whether one is long
		 * enough to push the answer past DHCP6_MSG_MAX */
		r->nsearch = 1 + m->elapsed % DHCP6_SEARCH_MAX;
		for (i = 0; i < r->nsearch; i++)
			strcpy(r->search[i], (m->elapsed >> 2) & (1u << i) ? long_name() : names[i % 3]);
	}
	if (m->type == DHCP6_INFORMATION_REQUEST)
		r->info_refresh = 86400;
}

/* A name's DNS wire length: its labels and their lengths, and the root. */
static size_t wire_len(const char *s)
{
	size_t n = strlen(s);

	return s[n - 1] == '.' ? n + 1 : n + 2;
}

static size_t model_len(const struct dhcp6_reply *r)
{
	size_t n = 4 + 4 + r->serverid_len, k;
	unsigned i;

	if (r->clientid)
		n += 4 + r->clientid_len;
	n += r->has_preference ? 5 : 0;
	n += r->rapid_commit ? 4 : 0;
	if (r->has_status)
		n += 6 + (r->status_msg ? strlen(r->status_msg) : 0);
	for (i = 0; i < r->nna; i++)
		n += 16 + (r->na[i].has_item ? 28 : 6);
	for (i = 0; i < r->npd; i++)
		n += 16 + (r->pd[i].has_item ? 29 : 6);
	if (r->ndns)
		n += 4 + 16 * r->ndns;
	if (r->nsearch) {
		for (k = 4, i = 0; i < r->nsearch; i++)
			k += wire_len(r->search[i]);
		n += k;
	}
	return n + (r->info_refresh ? 8 : 0);
}

/* The search list: names in DNS wire format filling the option exactly,
 * each the one given (less its final dot). */
static void walk_domains(const uint8_t *p, size_t n, const struct dhcp6_reply *r)
{
	size_t off = 0;
	unsigned i;

	for (i = 0; i < r->nsearch; i++) {
		char name[DHCP6_DOMAIN_MAX + 2];
		size_t start = off, len = 0, want = strlen(r->search[i]);

		for (;;) {
			size_t l;

			if (off >= n)
				abort();
			l = p[off++];
			if (l == 0)
				break;
			if (l > 63 || l > n - off || len + l + 1 > sizeof(name))
				abort();
			if (len)
				name[len++] = '.';
			memcpy(name + len, p + off, l);
			len += l;
			off += l;
		}
		if (off - start > 255)
			abort();
		if (r->search[i][want - 1] == '.')
			want--;
		if (len != want || memcmp(name, r->search[i], len) != 0)
			abort();
	}
	if (off != n)
		abort();
}

/* An IA's contents: its header, then exactly one item of its fixed size
 * or one Status Code of 2 bytes. */
static void walk_ia(const uint8_t *p, size_t n, uint16_t code, const struct dhcp6_reply_ia *ia)
{
	uint16_t c, l;

	if (n < 16 || get32(p) != ia->iaid || get32(p + 4) != ia->t1 || get32(p + 8) != ia->t2)
		abort();
	c = get16(p + 12);
	l = get16(p + 14);
	if ((size_t)l != n - 16)
		abort();
	if (!ia->has_item) {
		if (c != DHCP6_OPT_STATUS_CODE || l != 2 || get16(p + 16) != ia->status)
			abort();
	} else if (code == DHCP6_OPT_IA_NA) {
		if (c != DHCP6_OPT_IAADDR || l != 24 || memcmp(p + 16, &ia->item.addr, 16) != 0)
			abort();
	} else {
		if (c != DHCP6_OPT_IAPREFIX || l != 25 || p[24] != ia->item.plen ||
		    memcmp(p + 25, &ia->item.addr, 16) != 0)
			abort();
	}
}

/* The options of a built answer, in the order dhcp6_msg.h gives. */
static void walk(const uint8_t *b, size_t n, const struct dhcp6_reply *r)
{
	uint16_t want[32];
	size_t off = 4, k = 0, w = 0;
	unsigned i, ina = 0, ipd = 0;

	if (b[0] != r->type || ((uint32_t)b[1] << 16 | get16(b + 2)) != r->xid)
		abort();
	if (r->clientid)
		want[w++] = DHCP6_OPT_CLIENTID;
	want[w++] = DHCP6_OPT_SERVERID;
	if (r->has_preference)
		want[w++] = DHCP6_OPT_PREFERENCE;
	if (r->rapid_commit)
		want[w++] = DHCP6_OPT_RAPID_COMMIT;
	if (r->has_status)
		want[w++] = DHCP6_OPT_STATUS_CODE;
	for (i = 0; i < r->nna; i++)
		want[w++] = DHCP6_OPT_IA_NA;
	for (i = 0; i < r->npd; i++)
		want[w++] = DHCP6_OPT_IA_PD;
	if (r->ndns)
		want[w++] = DHCP6_OPT_DNS_SERVERS;
	if (r->nsearch)
		want[w++] = DHCP6_OPT_DOMAIN_LIST;
	if (r->info_refresh)
		want[w++] = DHCP6_OPT_INFORMATION_REFRESH_TIME;

	while (off < n) {
		const uint8_t *v;
		uint16_t code, len;

		if (n - off < 4)
			abort();
		code = get16(b + off);
		len = get16(b + off + 2);
		if (len > n - off - 4 || k >= w || code != want[k++])
			abort();
		v = b + off + 4;
		off += 4u + len;
		switch (code) {
		case DHCP6_OPT_CLIENTID:
			if (len != r->clientid_len || memcmp(v, r->clientid, len) != 0)
				abort();
			break;
		case DHCP6_OPT_SERVERID:
			if (len != r->serverid_len || memcmp(v, r->serverid, len) != 0)
				abort();
			break;
		case DHCP6_OPT_PREFERENCE:
			if (len != 1 || v[0] != r->preference)
				abort();
			break;
		case DHCP6_OPT_RAPID_COMMIT:
			if (len != 0)
				abort();
			break;
		case DHCP6_OPT_STATUS_CODE:
			if (len < 2 || get16(v) != r->status ||
			    (size_t)len - 2 != (r->status_msg ? strlen(r->status_msg) : 0) ||
			    memcmp(v + 2, r->status_msg ? r->status_msg : "", (size_t)len - 2) != 0)
				abort();
			break;
		case DHCP6_OPT_IA_NA:
			walk_ia(v, len, code, &r->na[ina++]);
			break;
		case DHCP6_OPT_IA_PD:
			walk_ia(v, len, code, &r->pd[ipd++]);
			break;
		case DHCP6_OPT_DNS_SERVERS:
			if (len != 16 * r->ndns || memcmp(v, r->dns, len) != 0)
				abort();
			break;
		case DHCP6_OPT_DOMAIN_LIST:
			walk_domains(v, len, r);
			break;
		case DHCP6_OPT_INFORMATION_REFRESH_TIME:
			if (len != 4 || get32(v) != r->info_refresh)
				abort();
			break;
		default:
			abort();
		}
	}
	if (off != n || k != w)
		abort();
}

/* The answer, read back by our own parser as if a client sent it. */
static void reparse(uint8_t *b, size_t n, const struct dhcp6_reply *r)
{
	struct dhcp6_msg m;
	unsigned i;

	b[0] = r->clientid ? DHCP6_RENEW : DHCP6_INFORMATION_REQUEST;
	if (dhcp6_parse(b, n, &m) != DHCP6_OK || m.xid != r->xid || m.nna != r->nna ||
	    m.npd != r->npd || m.rapid_commit != r->rapid_commit)
		abort();
	for (i = 0; i < r->nna; i++)
		if (m.na[i].iaid != r->na[i].iaid || m.na[i].nitems != r->na[i].has_item ||
		    (m.na[i].nitems && m.na[i].item[0].valid != r->na[i].item.valid))
			abort();
	for (i = 0; i < r->npd; i++)
		if (m.pd[i].iaid != r->pd[i].iaid || m.pd[i].nitems != r->pd[i].has_item ||
		    (m.pd[i].nitems && (m.pd[i].item[0].plen != r->pd[i].item.plen ||
					m.pd[i].item[0].preferred != r->pd[i].item.preferred)))
			abort();
}

static void check_reply(const struct dhcp6_msg *m)
{
	uint8_t buf[DHCP6_MSG_MAX + 64];
	struct dhcp6_reply r;
	size_t want;
	int rc;

	answer(m, &r);
	want = model_len(&r);
	rc = dhcp6_build(&r, buf, sizeof(buf));
	if (want > DHCP6_MSG_MAX) {
		if (rc != -ENOSPC)
			abort();
		return;
	}
	if (rc < 0 || (size_t)rc != want || dhcp6_build(&r, buf, want - 1) != -ENOSPC ||
	    dhcp6_build(&r, buf, want) != rc)
		abort();
	walk(buf, want, &r);
	reparse(buf, want, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp6_msg m;
	enum dhcp6_drop d;
	const char *name;

	d = dhcp6_parse(data, size, &m);
	name = dhcp6_drop_name(d);
	if ((unsigned)d >= DHCP6_DROP_MAX || !name || strcmp(name, "unknown") == 0)
		abort();
	if (size >= 4 && ((unsigned)m.type != data[0] ||
			  m.xid != ((uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3])))
		abort();
	if ((d == DHCP6_DROP_SHORT) != (size < 4) || (d == DHCP6_DROP_LONG) != (size > DHCP6_IN_MAX))
		abort();
	if (d != DHCP6_OK)
		return 0;
	check_parsed(&m, data, size);
	check_reply(&m);
	return 0;
}
