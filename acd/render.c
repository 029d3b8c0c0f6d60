/*
 * render.c - text for people from a reply's JSON data.  acdctl and the
 * telnet interface both print through here, so they cannot disagree, and
 * -j prints the same data as JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "shaper.h"


static const char *rate(json_t *v, char *buf, size_t len)
{
	uint64_t r = (uint64_t)json_integer_value(v);

	if (r == 0)
		return "-";
	return shaper_rate_format(r, buf, len);
}

/* The ip column: the IPv4 address, or for a session without one (IPv6
 * only) the peer's IPv6 link-local address. */
static const char *session_ip(json_t *s)
{
	const char *ip = json_string_value(json_object_get(s, "ip"));
	const char *v6 = json_string_value(json_object_get(s, "ipv6"));

	return ip && *ip ? ip : v6 ? v6 : "";
}

static void print_sessions(FILE *f, json_t *arr)
{
	int w = 15; /* the ip column: an IPv4 address, wider for IPv6 */
	size_t i;
	json_t *s;

	json_array_foreach(arr, i, s) {
		int n = (int)strlen(session_ip(s));

		if (n > w)
			w = n;
	}
	fprintf(f, "%-10s %-16s %-*s %-17s %-13s %-9s %12s %12s\n", "ifname", "user", w, "ip", "mac",
	       "rate down/up", "uptime", "rx-bytes", "tx-bytes");
	json_array_foreach(arr, i, s) {
		char d[32], u[32], r[72];

		snprintf(r, sizeof(r), "%s/%s", rate(json_object_get(s, "down"), d, sizeof(d)),
			 rate(json_object_get(s, "up"), u, sizeof(u)));
		fprintf(f, "%-10s %-16s %-*s %-17s %-13s %-9s %12" JSON_INTEGER_FORMAT
		       " %12" JSON_INTEGER_FORMAT "\n",
		       json_string_value(json_object_get(s, "ifname")),
		       json_string_value(json_object_get(s, "user")), w, session_ip(s),
		       json_string_value(json_object_get(s, "mac")), r,
		       json_string_value(json_object_get(s, "uptime")),
		       json_integer_value(json_object_get(s, "rx_bytes")),
		       json_integer_value(json_object_get(s, "tx_bytes")));
	}
}

static void print_object(FILE *f, json_t *o, int indent)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;
		json_t *e;

		if (json_is_object(v)) {
			fprintf(f, "%*s%s:\n", indent, "", k);
			print_object(f, v, indent + 2);
			continue;
		}
		if (json_is_array(v)) {
			/* e.g. show nat64's pool4 entries: one block each */
			fprintf(f, "%*s%s:%s\n", indent, "", k, json_array_size(v) ? "" : " (none)");
			json_array_foreach(v, i, e) {
				if (json_is_object(e)) {
					fprintf(f, "%*s[%zu]\n", indent + 2, "", i);
					print_object(f, e, indent + 4);
				} else if (json_is_string(e)) {
					fprintf(f, "%*s%s\n", indent + 2, "", json_string_value(e));
				}
			}
			continue;
		}
		fprintf(f, "%*s%-18s ", indent, "", k);
		if (json_is_string(v))
			fprintf(f, "%s\n", json_string_value(v));
		else if (json_is_integer(v))
			fprintf(f, "%" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
		else if (json_is_boolean(v))
			fprintf(f, "%s\n", json_is_true(v) ? "yes" : "no");
		else if (json_is_real(v))
			fprintf(f, "%.2f\n", json_real_value(v));
		else
			fprintf(f, "-\n");
	}
}

void render_text(FILE *f, const char *cmd, json_t *data)
{
	if (strcmp(cmd, "show sessions") == 0)
		print_sessions(f, data);
	else if (json_is_object(data))
		print_object(f, data, 0);
}
