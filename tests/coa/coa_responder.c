/*
 * coa_responder - a minimal RFC 5176 server built only on radpkt, so that
 * FreeRADIUS's radclient can judge our packets (tests/coa/radclient.sh).
 * Not acd's CoA server: no sessions, no shaping, one blocking socket.
 *
 *   coa_responder -s SECRET_FILE -d DICTIONARY -r READY_FILE
 *                 [-m] [-B ma|auth] [-n COUNT]
 *
 * Binds 127.0.0.1 on a free port and writes the port number to READY_FILE
 * (renamed into place, so its presence means "listening").  For each
 * datagram it prints one line to stdout, key=value:
 *   - unparsable, bad Request Authenticator, bad or malformed
 *     Message-Authenticator (or an absent one with -m): "drop reason=..."
 *     and no reply, as RFC 5176 §3 says;
 *   - an attribute the dictionary lacks: NAK, Error-Cause 401; a value of
 *     the wrong size: NAK 404;
 *   - User-Name "nosuch": NAK, Error-Cause 503 (the stand-in for "no such
 *     session");
 *   - otherwise ACK; a CoA's attributes go through acd's policy mapping
 *     and the line shows the rates it would shape to.
 * -B breaks our own replies on purpose, to prove radclient checks them:
 * "ma" corrupts the Message-Authenticator (and re-signs the Response
 * Authenticator over it), "auth" corrupts the Response Authenticator.
 * The secret is read from a file and never printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nettle/md5.h>

#include "policy.h"
#include "radattr.h"
#include "radpkt.h"

static char secret[256];
static size_t secret_len;

static void die(const char *what)
{
	fprintf(stderr, "coa_responder: %s\n", what);
	exit(2);
}

static void read_secret(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot open the secret file");
	secret_len = fread(secret, 1, sizeof(secret) - 1, f);
	fclose(f);
	while (secret_len && (secret[secret_len - 1] == '\n' || secret[secret_len - 1] == '\r'))
		secret_len--;
	if (!secret_len)
		die("the secret file is empty");
}

/* Re-sign a finished reply after tampering with it: MD5(code|id|len|
 * request authenticator|attributes|secret). */
static void resign(uint8_t *buf, size_t len, const uint8_t *req_auth)
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, 4, buf);
	md5_update(&c, RADPKT_AUTH_LEN, req_auth);
	md5_update(&c, len - RADPKT_HDR_LEN, buf + RADPKT_HDR_LEN);
	md5_update(&c, secret_len, (const uint8_t *)secret);
	md5_digest(&c, RADPKT_AUTH_LEN, buf + 4);
}

static void reply(int fd, const struct sockaddr_in *to, const struct radpkt *req, bool ack,
		  uint32_t cause, const char *breakage)
{
	struct radpkt_builder b;
	int n;

	radpkt_reply_init(&b, req, ack);
	if (cause)
		radpkt_add_error_cause(&b, cause);
	n = radpkt_finish(&b, secret, secret_len);
	if (n < 0) {
		printf("error building reply: %s\n", radpkt_strerror(n));
		return;
	}
	if (breakage && strcmp(breakage, "ma") == 0) {
		b.buf[n - 1] ^= 0x01; /* the M-A is always last */
		resign(b.buf, (size_t)n, req->auth);
	} else if (breakage && strcmp(breakage, "auth") == 0) {
		b.buf[4] ^= 0x01;
	}
	if (sendto(fd, b.buf, (size_t)n, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		perror("coa_responder: sendto");
	if (cause)
		printf("reply code=%u id=%u error-cause=%" PRIu32 "\n", b.buf[0], b.buf[1], cause);
	else
		printf("reply code=%u id=%u\n", b.buf[0], b.buf[1]);
}

static void handle(int fd, const rc_handle *rh, const uint8_t *buf, size_t n,
		   const struct sockaddr_in *from, bool require_ma, const char *breakage)
{
	struct radattr_list l = { 0 };
	struct radpkt_problem prob;
	struct radpkt p;
	struct radpkt_attr a;
	enum radpkt_ma ma;
	int rc;

	rc = radpkt_parse(buf, n, &p);
	if (rc != 0) {
		printf("drop reason=parse (%s)\n", radpkt_strerror(rc));
		return;
	}
	if (!radpkt_is_request(p.code)) {
		printf("drop reason=code code=%u\n", p.code);
		return;
	}
	if (radpkt_verify_request(&p, secret, secret_len) != 0) {
		printf("drop reason=authenticator code=%u id=%u\n", p.code, p.id);
		return;
	}
	ma = radpkt_verify_ma(&p, NULL, secret, secret_len);
	if (ma == RADPKT_MA_BAD || ma == RADPKT_MA_MALFORMED ||
	    (ma == RADPKT_MA_ABSENT && require_ma)) {
		printf("drop reason=message-authenticator ma=%s code=%u id=%u\n",
		       radpkt_ma_name(ma), p.code, p.id);
		return;
	}
	printf("request code=%u id=%u ma=%s\n", p.code, p.id, radpkt_ma_name(ma));
	rc = radpkt_decode_radattr(&p, rh, &l, &prob);
	if (rc == -ENOTSUP || rc == -EBADMSG) {
		printf("problem %s\n", prob.what);
		reply(fd, from, &p, false,
		      rc == -ENOTSUP ? RADPKT_EC_UNSUPPORTED_ATTRIBUTE : RADPKT_EC_INVALID_REQUEST,
		      breakage);
		return;
	}
	if (rc != 0) {
		printf("error decoding: %s\n", radpkt_strerror(rc));
		return;
	}
	if (radpkt_attr_find(&p, 1, &a) && a.len == 6 && memcmp(a.value, "nosuch", 6) == 0) {
		reply(fd, from, &p, false, RADPKT_EC_SESSION_CONTEXT_NOT_FOUND, breakage);
	} else {
		if (p.code == RADPKT_COA_REQUEST) {
			struct policy_result r;
			char d[160];

			policy_from_attrs(NULL, &l, &r);
			printf("policy %s\n", policy_describe(&r, d, sizeof(d)));
			printf("policy down=%" PRIu64 " up=%" PRIu64 "\n", r.down, r.up);
		}
		reply(fd, from, &p, true, 0, breakage);
	}
	radattr_free(&l);
}

int main(int argc, char **argv)
{
	const char *secret_file = NULL, *dict = NULL, *ready = NULL, *breakage = NULL;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	bool require_ma = false;
	long count = -1;
	char err[256], tmp[4200];
	rc_handle *rh;
	FILE *f;
	int opt, fd;

	while ((opt = getopt(argc, argv, "s:d:r:mB:n:")) != -1) {
		switch (opt) {
		case 's': secret_file = optarg; break;
		case 'd': dict = optarg; break;
		case 'r': ready = optarg; break;
		case 'm': require_ma = true; break;
		case 'B': breakage = optarg; break;
		case 'n': count = atol(optarg); break;
		default: return 2;
		}
	}
	if (!secret_file || !dict || !ready)
		die("usage: coa_responder -s SECRET_FILE -d DICTIONARY -r READY_FILE [-m] [-B ma|auth] [-n N]");
	setvbuf(stdout, NULL, _IOLBF, 0);
	read_secret(secret_file);
	if (radattr_dict_open(dict, &rh, err, sizeof(err)) != 0)
		die(err);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket failed");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) != 0)
		die("cannot bind 127.0.0.1");
	snprintf(tmp, sizeof(tmp), "%s.tmp", ready);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", ntohs(sin.sin_port)) < 0 || fclose(f) != 0 ||
	    rename(tmp, ready) != 0)
		die("cannot write the ready file");
	while (count < 0 || count-- > 0) {
		uint8_t buf[RADPKT_MAX_LEN + 1]; /* one more: a datagram over 4096 is seen as such */
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recvfrom failed");
		}
		handle(fd, rh, buf, (size_t)n, &from, require_ma, breakage);
	}
	rc_destroy(rh);
	close(fd);
	return 0;
}
