/*
 * checks.c - what Jool does not check for us: pool4 against the kernel's
 * ephemeral port range (Jool issue #437) and the fix of that range, and
 * jool-tools against the module's version.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat64_int.h"

/* The TCP/UDP port span [min, max] pool4 uses; false when pool4 has no TCP/UDP. */
static bool pool4_span(const struct nat64_config *cfg, unsigned i, unsigned *min, unsigned *max)
{
	const struct nat64_pool4 *p = &cfg->pool4[i];

	if (!(p->protos & (NAT64_TCP | NAT64_UDP)))
		return false;
	nat64_pool4_ports(p, NAT64_TCP, min, max);
	return true;
}

static unsigned lowest_port(const struct nat64_config *cfg)
{
	unsigned i, a, b, low = NAT64_DEFAULT_PORT_MIN;
	bool any = false;

	for (i = 0; i < cfg->npool4; i++)
		if (pool4_span(cfg, i, &a, &b)) {
			if (!any || a < low)
				low = a;
			any = true;
		}
	return low;
}

int nat64_ephemeral_fixed(const struct nat64_config *cfg, unsigned eph_min, unsigned eph_max,
			  unsigned *new_min, unsigned *new_max, char *err, size_t errlen)
{
	unsigned low = lowest_port(cfg);

	(void)eph_max;
	if (low > eph_min && low - eph_min >= 1024) {
		*new_min = eph_min;
		*new_max = low - 1;
		return 0;
	}
	if (low > 2048) {
		/* the ephemeral range starts at or above pool4: put it below */
		*new_min = 1024;
		*new_max = low - 1;
		return 0;
	}
	snprintf(err, errlen, "pool4 starts at port %u: that leaves no room below it for the "
			      "ephemeral range; move pool4 up (e.g. 61001-65535)", low);
	return -NAT64_EEPHEMERAL;
}

int nat64_ephemeral_check(const struct nat64_config *cfg, unsigned eph_min, unsigned eph_max,
			  char *err, size_t errlen)
{
	unsigned i, a, b, nmin, nmax;
	char line[160], fix[PATH_MAX + 256];
	bool empty_tcpudp = true;

	for (i = 0; i < cfg->npool4; i++) {
		if (!pool4_span(cfg, i, &a, &b))
			continue;
		empty_tcpudp = false;
		if (a > eph_max || b < eph_min)
			continue;
		nat64_pool4_line_str(&cfg->pool4[i], line, sizeof(line));
		if (nat64_ephemeral_fixed(cfg, eph_min, eph_max, &nmin, &nmax, fix, sizeof(fix)) == 0) {
			char alt[64] = "";

			if (eph_max < 65535 - 1024)
				snprintf(alt, sizeof(alt), ", or move pool4 above %u", eph_max);
			snprintf(fix, sizeof(fix), "run nat64ctl apply --fix-ephemeral (sets "
						   "net.ipv4.ip_local_port_range = %u %u in %s)%s",
				 nmin, nmax, cfg->ephemeral_dropin, alt);
		}
		snprintf(err, errlen, "%s:%d: pool4 \"%s\" uses ports %u-%u, which overlap the "
				      "kernel's ephemeral range net.ipv4.ip_local_port_range = %u-%u: "
				      "the node's own connections would hang (Jool issue #437). Fix: %s",
			 cfg->file, cfg->pool4[i].line, line, a, b, eph_min, eph_max, fix);
		return -NAT64_EEPHEMERAL;
	}
	/* no TCP/UDP pool4: Jool takes 61001-65535 of the node's addresses */
	if (empty_tcpudp && !(NAT64_DEFAULT_PORT_MIN > eph_max || NAT64_DEFAULT_PORT_MAX < eph_min)) {
		snprintf(err, errlen, "%s: pool4 is empty, so Jool uses ports %u-%u of this node's "
				      "addresses, which overlap net.ipv4.ip_local_port_range = %u-%u "
				      "(Jool issue #437). Fix: run nat64ctl apply --fix-ephemeral (sets "
				      "it to %u %u in %s), or give pool4 lines",
			 cfg->file, NAT64_DEFAULT_PORT_MIN, NAT64_DEFAULT_PORT_MAX, eph_min, eph_max,
			 eph_min < NAT64_DEFAULT_PORT_MIN - 1024 ? eph_min : 32768,
			 NAT64_DEFAULT_PORT_MIN - 1, cfg->ephemeral_dropin);
		return -NAT64_EEPHEMERAL;
	}
	return 0;
}

int nat64_ephemeral_range(struct nat64_ctx *ctx, unsigned *min, unsigned *max)
{
	char path[PATH_MAX + 40];
	char *s;
	int n;

	snprintf(path, sizeof(path), "%s/net/ipv4/ip_local_port_range", ctx->proc_sys);
	s = nat64_read_file(path, 64);
	if (!s)
		return nat64_fail(ctx, NAT64_EIO, "cannot read %s: %s", path, strerror(errno));
	n = sscanf(s, "%u %u", min, max);
	free(s);
	if (n != 2)
		return nat64_fail(ctx, NAT64_EIO, "cannot understand %s", path);
	return 0;
}

int nat64_ephemeral_fix(struct nat64_ctx *ctx, const struct nat64_config *cfg, unsigned *new_min,
			unsigned *new_max)
{
	char path[PATH_MAX + 40], text[512], err[300];
	unsigned lo, hi;
	FILE *f;
	int rc;

	rc = nat64_ephemeral_range(ctx, &lo, &hi);
	if (rc < 0)
		return rc;
	if (nat64_ephemeral_check(cfg, lo, hi, err, sizeof(err)) == 0) {
		*new_min = lo;
		*new_max = hi;
		return 0;
	}
	rc = nat64_ephemeral_fixed(cfg, lo, hi, new_min, new_max, err, sizeof(err));
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EEPHEMERAL, "%s", err);
	snprintf(text, sizeof(text),
		 "# Written by nat64ctl --fix-ephemeral: keep the kernel's ephemeral ports\n"
		 "# out of NAT64 pool4 (Jool issue #437).\n"
		 "net.ipv4.ip_local_port_range = %u %u\n", *new_min, *new_max);
	rc = nat64_write_atomic(cfg->ephemeral_dropin, text, 0644, err, sizeof(err));
	if (rc < 0)
		return nat64_fail(ctx, NAT64_EIO, "%s", err);
	snprintf(path, sizeof(path), "%s/net/ipv4/ip_local_port_range", ctx->proc_sys);
	f = fopen(path, "we");
	if (f) {
		int w = fprintf(f, "%u %u\n", *new_min, *new_max);

		/* one fclose whatever happened: it frees f even when it fails */
		if (fclose(f) == 0 && w >= 0)
			return 0;
	}
	return nat64_fail(ctx, NAT64_EIO, "wrote %s but cannot set %s: %s (run sysctl --system)",
			  cfg->ephemeral_dropin, path, strerror(errno));
}

static int parse_version(const char *s, unsigned v[4])
{
	int n;

	v[0] = v[1] = v[2] = v[3] = 0;
	while (*s == ' ' || *s == '\t' || *s == 'v')
		s++;
	n = sscanf(s, "%u.%u.%u.%u", &v[0], &v[1], &v[2], &v[3]);
	return n >= 3 ? 0 : -1;
}

int nat64_version_check(const char *tools, const char *module, char *err, size_t errlen)
{
	unsigned t[4], m[4];
	bool exact;

	if (parse_version(tools, t) < 0) {
		snprintf(err, errlen, "cannot read jool-tools' version \"%s\"", tools);
		return -NAT64_EVERSION;
	}
	if (parse_version(module, m) < 0) {
		snprintf(err, errlen, "cannot read the Jool module's version \"%s\"", module);
		return -NAT64_EVERSION;
	}
	/* up to 4.1.9 the tools insist on the very same version; 4.1.10 relaxed it */
	exact = t[0] < 4 || (t[0] == 4 && (t[1] < 1 || (t[1] == 1 && t[2] < 10)));
	if (exact ? memcmp(t, m, sizeof(t)) != 0 : (t[0] != m[0] || t[1] != m[1])) {
		snprintf(err, errlen, "jool-tools %u.%u.%u.%u and the Jool kernel module %u.%u.%u.%u do "
				      "not match (%s): install jool-tools and jool-dkms of the same "
				      "version (Jool 4.1.9 builds for kernels up to 6.1, 4.1.11 up to "
				      "6.7, 4.1.14 up to 6.14; 32-bit ARM needs 4.1.13 or later)",
			 t[0], t[1], t[2], t[3], m[0], m[1], m[2], m[3],
			 exact ? "jool-tools up to 4.1.9 need exactly the module's version"
			       : "they need the same major.minor");
		return -NAT64_EVERSION;
	}
	return 0;
}

bool nat64_radvd_supports_pref64(const char *text)
{
	const char *p = strstr(text, "Version");
	unsigned a = 0, b = 0;

	if (!p)
		return false;
	p += strlen("Version");
	while (*p == ' ' || *p == ':')
		p++;
	if (sscanf(p, "%u.%u", &a, &b) != 2)
		return false;
	return a > 2 || (a == 2 && b >= 20);
}

int nat64_ephemeral_read(unsigned *min, unsigned *max)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	int n;

	if (!f)
		return -NAT64_EIO;
	n = fscanf(f, "%u %u", min, max);
	fclose(f);
	return n == 2 ? 0 : -NAT64_EIO;
}

bool nat64_pref64_supported(char *note, size_t len)
{
	const char *argv[] = { "radvd", "--version", NULL };
	struct nat64_run r;
	bool ok;

	if (nat64_run(argv, &r) < 0) {
		snprintf(note, len, "radvd is not installed here; the block needs radvd >= 2.20");
		return false;
	}
	ok = nat64_radvd_supports_pref64(r.out) || nat64_radvd_supports_pref64(r.err);
	if (!ok) {
		char v[64] = "?";
		const char *p = strstr(r.out, "Version");

		if (p) {
			p += strlen("Version");
			while (*p == ' ' || *p == ':')
				p++;
			sscanf(p, "%63s", v);
		}
		snprintf(note, len, "radvd %s here has no nat64prefix (PREF64 needs radvd >= 2.20; "
				    "Debian 12 ships 2.19): announce the prefix by other means until "
				    "then (DNS64 + RFC 7050 discovery work without it)", v);
	} else {
		note[0] = '\0';
	}
	nat64_run_free(&r);
	return ok;
}
