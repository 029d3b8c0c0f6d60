/*
 * coa_load - a CoA-Request load generator for the CoA benchmark (coa.sh).
 *
 *   coa_load -a ADDR:PORT -S SECRETFILE -n SESSIONS [-p PREFIX] [-c OUTSTANDING]
 *            [-d SECONDS] [-r RATE1,RATE2] [-R REQUESTS_PER_SECOND]
 *
 * Sends CoA-Requests, each changing one session's download rate
 * (RP-Downstream-Speed-Limit, alternating between two rates so every
 * request is a real change), sessions picked round-robin by NAS-Port-Id
 * PREFIX0..PREFIX{n-1}, with Event-Timestamp and Message-Authenticator,
 * keeping OUTSTANDING requests in flight (ids 0..255) for SECONDS: the
 * most the server can do.  With -R, requests go out at that steady rate
 * instead (open loop, at most 255 in flight), as a billing system would
 * send them: the latency at a given load.
 * Every reply is verified (Response Authenticator, Message-Authenticator,
 * code) before it counts.  A request unanswered for 2 s counts as lost.
 *
 * Output, one line of key=value: sent, acked, naked, lost, bad (replies
 * that failed verification), req_s (ACKs per second), p50_us, p99_us,
 * max_us (send to verified reply).  Exit 0 when every request was ACKed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "radpkt.h"

struct slot {
	bool busy;
	uint64_t t0;
	uint8_t auth[RADPKT_AUTH_LEN];
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: coa_load -a ADDR:PORT -S SECRETFILE -n SESSIONS [-p PREFIX]\n"
			"                [-c OUTSTANDING] [-d SECONDS] [-r RATE1,RATE2] [-R PER_SECOND]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *secfile = NULL, *prefix = "ppp";
	long nsess = 0, outstanding = 32, secs = 10, rate1 = 4096, rate2 = 8192, pace = 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct slot slots[256] = { { 0 } };
	char secret[256], host[64], *colon;
	uint64_t *lat, sent = 0, acked = 0, naked = 0, lost = 0, bad = 0, nlat = 0, cap;
	uint64_t t_start, t_end;
	size_t slen;
	FILE *f;
	int c, fd, inflight = 0, next_id = 0;
	long next_sess = 0;

	while ((c = getopt(argc, argv, "a:S:n:p:c:d:r:R:")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'S': secfile = optarg; break;
		case 'n': nsess = atol(optarg); break;
		case 'p': prefix = optarg; break;
		case 'c': outstanding = atol(optarg); break;
		case 'd': secs = atol(optarg); break;
		case 'R': pace = atol(optarg); break;
		case 'r':
			if (sscanf(optarg, "%ld,%ld", &rate1, &rate2) != 2)
				usage();
			break;
		default: usage();
		}
	}
	if (!addr || !secfile || nsess < 1 || outstanding < 1 || outstanding > 255 || secs < 1 ||
	    pace < 0)
		usage();
	snprintf(host, sizeof(host), "%s", addr);
	colon = strrchr(host, ':');
	if (!colon)
		usage();
	*colon = '\0';
	to.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1)
		usage();
	f = fopen(secfile, "re");
	if (!f || !fgets(secret, sizeof(secret), f)) {
		fprintf(stderr, "coa_load: cannot read %s\n", secfile);
		return 2;
	}
	fclose(f);
	secret[strcspn(secret, "\r\n")] = '\0';
	slen = strlen(secret);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("coa_load: socket");
		return 2;
	}
	cap = (uint64_t)secs * 200000u;
	lat = malloc(cap * sizeof(*lat));
	if (!lat)
		return 1;

	t_start = now_us();
	t_end = t_start + (uint64_t)secs * 1000000u;
	for (;;) {
		uint64_t t = now_us();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint8_t buf[RADPKT_MAX_LEN];
		int i;

		/* fill the window, or send what the pace allows by now */
		while (t < t_end && (pace ? inflight < 255 && sent < (t - t_start) * (uint64_t)pace / 1000000u
					  : inflight < outstanding)) {
			struct radpkt_builder b;
			char ifname[32];
			long k = next_sess++ % nsess;
			/* each pass over the sessions flips every one's rate */
			long rate = (next_sess / nsess) % 2 ? rate2 : rate1;
			int len;

			while (slots[next_id].busy)
				next_id = (next_id + 1) % 256;
			snprintf(ifname, sizeof(ifname), "%s%ld", prefix, k);
			radpkt_request_init(&b, RADPKT_COA_REQUEST, (uint8_t)next_id);
			radpkt_add_str(&b, 87, ifname);               /* NAS-Port-Id */
			radpkt_add_u32(&b, 55, (uint32_t)time(NULL)); /* Event-Timestamp */
			radpkt_add_vsa_u32(&b, 10055, 2, (uint32_t)rate);
			len = radpkt_finish(&b, secret, slen);
			if (len < 0) {
				fprintf(stderr, "coa_load: build: %s\n", radpkt_strerror(len));
				return 1;
			}
			slots[next_id].busy = true;
			slots[next_id].t0 = now_us();
			memcpy(slots[next_id].auth, b.buf + 4, RADPKT_AUTH_LEN);
			if (send(fd, b.buf, (size_t)len, 0) < 0) {
				perror("coa_load: send");
				return 1;
			}
			sent++;
			inflight++;
			next_id = (next_id + 1) % 256;
		}
		if (t >= t_end && inflight == 0)
			break;
		/* expire */
		t = now_us();
		for (i = 0; i < 256; i++)
			if (slots[i].busy && t > slots[i].t0 + 2000000u) {
				slots[i].busy = false;
				inflight--;
				lost++;
			}
		if (poll(&pfd, 1, pace ? 0 : 100) <= 0) {
			if (pace) /* the next request is due within 1e6/pace us */
				usleep(pace > 5000 ? 50 : 100);
			continue;
		}
		for (;;) {
			struct radpkt p;
			ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			struct slot *s;

			if (n < 0)
				break;
			if (radpkt_parse(buf, (size_t)n, &p) < 0 || !slots[p.id].busy) {
				bad++;
				continue;
			}
			s = &slots[p.id];
			if (radpkt_verify_reply(&p, s->auth, secret, slen) < 0 ||
			    radpkt_verify_ma(&p, s->auth, secret, slen) != RADPKT_MA_OK) {
				bad++;
				continue;
			}
			if (p.code == RADPKT_COA_ACK)
				acked++;
			else
				naked++;
			if (nlat < cap)
				lat[nlat++] = now_us() - s->t0;
			s->busy = false;
			inflight--;
		}
	}
	t_end = now_us();
	qsort(lat, nlat, sizeof(*lat), cmp64);
	printf("sent=%llu acked=%llu naked=%llu lost=%llu bad=%llu req_s=%.0f p50_us=%llu p99_us=%llu "
	       "max_us=%llu\n",
	       (unsigned long long)sent, (unsigned long long)acked, (unsigned long long)naked,
	       (unsigned long long)lost, (unsigned long long)bad,
	       (double)acked / ((double)(t_end - t_start) / 1e6),
	       (unsigned long long)(nlat ? lat[(nlat - 1) / 2] : 0),
	       (unsigned long long)(nlat ? lat[(nlat * 99 + 99) / 100 - 1] : 0),
	       (unsigned long long)(nlat ? lat[nlat - 1] : 0));
	free(lat);
	return acked == sent ? 0 : 1;
}
