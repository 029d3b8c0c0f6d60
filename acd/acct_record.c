/*
 * acct_record.c - the pure parts of accounting (see acct_record.h): period
 * boundaries, the cause mapping, a period's counters, the attribute list
 * of one record, the log lines' rate limit, the state file's "acct" and
 * the server syntax.  No I/O and no struct acd: config.c and the unit
 * tests use them without the daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <radcli/radcli.h>

#include "acct_record.h"

static const char *const period_names[] = {
	[ACCT_PERIOD_NONE] = "none",
	[ACCT_PERIOD_DAILY] = "daily",
	[ACCT_PERIOD_MONTHLY] = "monthly",
};

const char *acct_period_name(enum acct_period p)
{
	return (unsigned)p < sizeof(period_names) / sizeof(period_names[0]) ? period_names[p] : "?";
}

int acct_period_parse(const char *s, enum acct_period *p)
{
	unsigned i;

	for (i = 0; i < sizeof(period_names) / sizeof(period_names[0]); i++)
		if (strcmp(s, period_names[i]) == 0) {
			*p = (enum acct_period)i;
			return 0;
		}
	return -1;
}

time_t acct_period_next(enum acct_period p, time_t t)
{
	struct tm tm;
	time_t n;
	int guard;

	if (p != ACCT_PERIOD_DAILY && p != ACCT_PERIOD_MONTHLY)
		return (time_t)-1;
	if (!localtime_r(&t, &tm))
		return (time_t)-1;
	/* mktime normalises day 32, month 13, and (tm_isdst -1) a midnight
	 * that a DST change skips to the first time that exists after it */
	for (guard = 0; guard < 3; guard++) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (p == ACCT_PERIOD_DAILY) {
			tm.tm_mday += 1;
		} else {
			tm.tm_mday = 1;
			tm.tm_mon += 1;
		}
		n = mktime(&tm);
		if (n == (time_t)-1)
			return n;
		if (n > t)
			return n;
		/* a zone whose clock went back past midnight: the next one */
		if (!localtime_r(&n, &tm))
			return (time_t)-1;
	}
	return (time_t)-1;
}

enum acct_cause acct_terminate_cause(const char *cause)
{
	static const struct {
		const char *name;
		enum acct_cause cause;
	} map[] = {
		{ "ip-down", ACCT_CAUSE_USER_REQUEST },
		{ "ipv6-down", ACCT_CAUSE_USER_REQUEST },
		{ "disconnect-request", ACCT_CAUSE_ADMIN_RESET },
		{ "admin-reset", ACCT_CAUSE_ADMIN_RESET },
		{ "user-request", ACCT_CAUSE_USER_REQUEST }, /* the client's PADT */
		{ "vanished", ACCT_CAUSE_NAS_ERROR },
		{ "replaced", ACCT_CAUSE_NAS_ERROR },
		{ "period", ACCT_CAUSE_SESSION_TIMEOUT },
	};
	size_t i;

	for (i = 0; cause && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(cause, map[i].name) == 0)
			return map[i].cause;
	return ACCT_CAUSE_NAS_ERROR;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void acct_counters_sub(const struct acct_counters *c, const struct acct_counters *base,
		       struct acct_counters *out)
{
	out->in_octets = sub0(c->in_octets, base->in_octets);
	out->out_octets = sub0(c->out_octets, base->out_octets);
	out->in_packets = sub0(c->in_packets, base->in_packets);
	out->out_packets = sub0(c->out_packets, base->out_packets);
}

/* RFC 2865 NAS-Port-Type Virtual, Service-Type Framed-User, Framed-Protocol PPP */
#define NAS_PORT_TYPE_VIRTUAL 5
#define VENDOR_ADSL_FORUM 3561          /* radius-dict/dictionary.dslforum */
#define ADSL_AGENT_CIRCUIT_ID 1
#define ADSL_AGENT_REMOTE_ID 2
#define SERVICE_TYPE_FRAMED 2
#define FRAMED_PROTOCOL_PPP 1

static const char *attr_name(rc_handle *rh, int attr)
{
	DICT_ATTR *d = rc_dict_getattr(rh, attr);

	return d ? d->name : NULL;
}

struct builder {
	rc_handle *rh;
	VALUE_PAIR *vp;
	int failed;             /* the attribute that could not be added */
};

static void add(struct builder *b, int attr, const void *val, int len)
{
	if (b->failed)
		return;
	if (!rc_avpair_add(b->rh, &b->vp, attr, val, len, 0))
		b->failed = attr;
}

static void add_int(struct builder *b, int attr, uint32_t v)
{
	add(b, attr, &v, 0);
}

static void add_str(struct builder *b, int attr, const char *s)
{
	if (s && *s)
		add(b, attr, s, -1);
}

/* A string of vendor's (radcli takes the vendor apart from the number). */
static void add_vstr(struct builder *b, uint32_t vendor, int attr, const char *s)
{
	if (b->failed || !s || !*s)
		return;
	if (!rc_avpair_add(b->rh, &b->vp, (uint32_t)attr, s, -1, vendor))
		b->failed = attr;
}

/* RFC 3162 §2.3 / RFC 4818: a reserved byte, the length, the prefix (all
 * 16 bytes: "up to 16 octets", the bits past the length zero) */
static void add_prefix(struct builder *b, int attr, const char *p)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = p ? strchr(p, '/') : NULL;
	uint8_t v[18] = { 0 };
	char *end;
	unsigned long len;

	if (!slash || (size_t)(slash - p) >= sizeof(buf))
		return;
	memcpy(buf, p, (size_t)(slash - p));
	buf[slash - p] = '\0';
	len = strtoul(slash + 1, &end, 10);
	if (*end || end == slash + 1 || len > 128 || inet_pton(AF_INET6, buf, v + 2) != 1)
		return;
	v[1] = (uint8_t)len;
	add(b, attr, v, sizeof(v));
}

int acct_record_attrs(struct rc_conf *rh, const struct acct_record *r,
		      const struct acct_nas *nas, uint32_t delay, struct rc_value_pair **out,
		      char *err, size_t errlen)
{
	struct builder b = { .rh = rh };
	struct in_addr a4;
	struct in6_addr a6;

	*out = NULL;
	add_int(&b, PW_ACCT_STATUS_TYPE, (uint32_t)r->status);
	add_str(&b, PW_ACCT_SESSION_ID, r->session_id);
	add_str(&b, PW_ACCT_MULTI_SESSION_ID, r->multi_id);
	add_str(&b, PW_USER_NAME, r->user);
	if (r->ip[0] && inet_pton(AF_INET, r->ip, &a4) == 1)
		add_int(&b, PW_FRAMED_IP_ADDRESS, ntohl(a4.s_addr));
	/* RFC 3162: IPv6CP's interface identifier, the low 64 bits of the
	 * peer's link-local address (its global addresses come later, from
	 * SLAAC or DHCPv6, and are not the NAS's to know) */
	if (r->ipv6[0] && inet_pton(AF_INET6, r->ipv6, &a6) == 1 && IN6_IS_ADDR_LINKLOCAL(&a6))
		add(&b, PW_FRAMED_INTERFACE_ID, &a6.s6_addr[8], 8);
	add_prefix(&b, PW_FRAMED_IPV6_PREFIX, r->ipv6_prefix);
	add_prefix(&b, PW_DELEGATED_IPV6_PREFIX, r->ipv6_delegated);
	add_str(&b, PW_CALLING_STATION_ID, r->mac);
	add_str(&b, PW_NAS_PORT_ID_STRING, r->ifname);
	add_vstr(&b, VENDOR_ADSL_FORUM, ADSL_AGENT_CIRCUIT_ID, r->circuit_id);
	add_vstr(&b, VENDOR_ADSL_FORUM, ADSL_AGENT_REMOTE_ID, r->remote_id);
	add_int(&b, PW_NAS_PORT_TYPE, NAS_PORT_TYPE_VIRTUAL);
	add_int(&b, PW_SERVICE_TYPE, SERVICE_TYPE_FRAMED);
	add_int(&b, PW_FRAMED_PROTOCOL, FRAMED_PROTOCOL_PPP);
	add_str(&b, PW_NAS_IDENTIFIER, nas->identifier);
	if (nas->ip[0] && inet_pton(AF_INET, nas->ip, &a4) == 1)
		add_int(&b, PW_NAS_IP_ADDRESS, ntohl(a4.s_addr));
	else if (nas->ip[0] && inet_pton(AF_INET6, nas->ip, &a6) == 1)
		add(&b, PW_NAS_IPV6_ADDRESS, &a6, 16);
	add_int(&b, PW_EVENT_TIMESTAMP, (uint32_t)r->event_time);
	add_int(&b, PW_ACCT_DELAY_TIME, delay);
	if (r->status != ACCT_START) {
		/* 64-bit counts: the low 32 bits, and the times they wrapped */
		add_int(&b, PW_ACCT_SESSION_TIME, r->session_time);
		add_int(&b, PW_ACCT_INPUT_OCTETS, (uint32_t)r->c.in_octets);
		add_int(&b, PW_ACCT_INPUT_GIGAWORDS, (uint32_t)(r->c.in_octets >> 32));
		add_int(&b, PW_ACCT_OUTPUT_OCTETS, (uint32_t)r->c.out_octets);
		add_int(&b, PW_ACCT_OUTPUT_GIGAWORDS, (uint32_t)(r->c.out_octets >> 32));
		/* packets have no gigawords: they wrap, as RFC 2866 counters do */
		add_int(&b, PW_ACCT_INPUT_PACKETS, (uint32_t)r->c.in_packets);
		add_int(&b, PW_ACCT_OUTPUT_PACKETS, (uint32_t)r->c.out_packets);
	}
	if (r->status == ACCT_STOP && r->cause != ACCT_CAUSE_NONE)
		add_int(&b, PW_ACCT_TERMINATE_CAUSE, (uint32_t)r->cause);
	if (b.failed) {
		const char *n = attr_name(rh, b.failed);

		if (n)
			snprintf(err, errlen, "cannot add attribute %s (out of memory or value too long)", n);
		else
			snprintf(err, errlen, "the RADIUS dictionary lacks attribute %d: use acd's radius-dict",
				 b.failed);
		rc_avpair_free(b.vp);
		return -1;
	}
	*out = b.vp;
	return 0;
}

/* ---- the drop and failure logs' rate limit ------------------------------- */

uint64_t acct_ratelimit_take(struct acct_ratelimit *rl, uint64_t now_us)
{
	if (rl->logged && now_us - rl->last_us < ACCT_LOG_GAP_US)
		return rl->last_us + ACCT_LOG_GAP_US - now_us;
	rl->logged = true;
	rl->last_us = now_us;
	return 0;
}

/* ---- state file ----------------------------------------------------------- */

static json_t *counters_json(const struct acct_counters *c)
{
	return json_pack("[I,I,I,I]", (json_int_t)c->in_octets, (json_int_t)c->out_octets,
			 (json_int_t)c->in_packets, (json_int_t)c->out_packets);
}

static void counters_from(json_t *arr, struct acct_counters *c)
{
	c->in_octets = (uint64_t)json_integer_value(json_array_get(arr, 0));
	c->out_octets = (uint64_t)json_integer_value(json_array_get(arr, 1));
	c->in_packets = (uint64_t)json_integer_value(json_array_get(arr, 2));
	c->out_packets = (uint64_t)json_integer_value(json_array_get(arr, 3));
}

void acct_saved_json(const struct acct_saved *v, json_t *rec)
{
	if (!v->started)
		return;
	json_object_set_new(rec, "acct", json_pack("{s:s,s:I,s:o}",
		"multi_id", v->multi_id,
		"period_start", (json_int_t)v->period_start,
		"base", counters_json(&v->base)));
}

void acct_saved_from_json(json_t *rec, struct acct_saved *v)
{
	json_t *o = json_object_get(rec, "acct");
	const char *m = json_string_value(json_object_get(o, "multi_id"));

	if (!json_is_object(o) || !m)
		return;
	snprintf(v->multi_id, sizeof(v->multi_id), "%s", m);
	v->period_start = (time_t)json_integer_value(json_object_get(o, "period_start"));
	counters_from(json_object_get(o, "base"), &v->base);
	v->started = true;
}

/* ---- [accounting] server ------------------------------------------------- */

int acct_server_parse(const char *s, char *host, size_t hostlen, unsigned *port)
{
	char buf[64], *colon, *end;
	struct in_addr a;
	unsigned long p = 1813;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || colon[1] == '-' || p == 0 || p > 65535)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	snprintf(host, hostlen, "%s", buf);
	*port = (unsigned)p;
	return 0;
}
