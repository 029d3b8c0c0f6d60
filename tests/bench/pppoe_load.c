/*
 * pppoe_load - PPPoE discovery load for the PPPoE benchmark (pppoe.sh):
 * a PADI flood, and many clients completing discovery at once.  Frames are
 * built and parsed with acd's own pppoe_proto.c.  Root (AF_PACKET).
 *
 *   pppoe_load flood -i IF -r FRAMES_PER_SECOND -d SECONDS [-b BATCH]
 *
 * PADIs from random source MACs (unicast, locally administered), each a
 * blank Service-Name and a Host-Uniq, handed to the kernel BATCH (64) at a
 * time with sendmmsg(2) at a steady pace.  Output, one line of key=value:
 * sent, secs, rate (frames/s handed to the kernel), calls.
 *
 *   pppoe_load clients -i IF -n CLIENTS [-c IN_FLIGHT] [-R RETRY_MS]
 *                      [-T SECONDS] [-m MAC_BYTE] [-t | -e]
 *
 * CLIENTS clients with MACs 02:be:MAC_BYTE:xx:xx:xx, IN_FLIGHT (default
 * all) in discovery at once: PADI, PADO, PADR (its cookie echoed), PADS,
 * each frame sent again after RETRY_MS (1000) without an answer; a PADS
 * with session id 0 (the AC refused) starts again from the PADI after
 * RETRY_MS.  With -t a client ends its session with a PADT at once and
 * its slot takes the next client; with -e every session gets its PADT at
 * the end, after the measurement.  At most SECONDS (60).  Output, one line
 * of key=value: done, refused (error PADSes), unfinished, padi, padr, secs,
 * rate (sessions/s), p50_ms, p99_ms, max_ms (first PADI to PADS).  Exit 0
 * when every client got its session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pppoe_proto.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

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
	fprintf(stderr,
		"usage: pppoe_load flood -i IF -r FRAMES_PER_SECOND -d SECONDS [-b BATCH]\n"
		"       pppoe_load clients -i IF -n CLIENTS [-c IN_FLIGHT] [-R RETRY_MS]\n"
		"                          [-T SECONDS] [-m MAC_BYTE] [-t | -e]\n");
	exit(2);
}

/* A packet socket on ifname: receiving discovery frames (not our own going
 * out) when rx, else send-only. */
static int open_link(const char *ifname, bool rx, int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd, one = 1, buf = 4 << 20;

	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex) {
		fprintf(stderr, "pppoe_load: %s: %s\n", ifname, strerror(errno));
		exit(1);
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, rx ? htons(ETH_P_PPP_DISC) : 0);
	if (fd < 0) {
		perror("pppoe_load: socket(AF_PACKET)");
		exit(1);
	}
	sll.sll_protocol = rx ? htons(ETH_P_PPP_DISC) : 0;
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("pppoe_load: bind");
		exit(1);
	}
	if (rx) {
		(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
		/* a flood's PADOs to other MACs share it: room for bursts */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	} else {
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	}
	return fd;
}

/* ---- flood ---------------------------------------------------------------- */

static uint64_t xs = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

static int flood(int argc, char **argv)
{
	const char *ifname = NULL;
	long rate = 0, secs = 0, batch = 64;
	struct pppoe_out *frames;
	struct mmsghdr *msgs;
	struct iovec *iov;
	uint64_t t0, t, sent = 0, calls = 0, hu;
	uint8_t src[6] = { 0 };
	int c, fd, ifindex;
	long i;

	while ((c = getopt(argc, argv, "i:r:d:b:")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'r': rate = atol(optarg); break;
		case 'd': secs = atol(optarg); break;
		case 'b': batch = atol(optarg); break;
		default: usage();
		}
	}
	if (!ifname || rate < 1 || secs < 1 || batch < 1 || batch > 1024)
		usage();
	fd = open_link(ifname, false, &ifindex);
	xs ^= (uint64_t)getpid() << 32 ^ now_us();
	frames = calloc((size_t)batch, sizeof(*frames));
	msgs = calloc((size_t)batch, sizeof(*msgs));
	iov = calloc((size_t)batch, sizeof(*iov));
	if (!frames || !msgs || !iov) {
		fprintf(stderr, "pppoe_load: out of memory\n");
		return 1;
	}
	for (i = 0; i < batch; i++) {
		hu = rnd();
		pppoe_out_init(&frames[i], broadcast, src, PPPOE_PADI, 0);
		(void)pppoe_out_tag(&frames[i], PPPOE_TAG_SERVICE_NAME, NULL, 0);
		(void)pppoe_out_tag(&frames[i], PPPOE_TAG_HOST_UNIQ, &hu, 4);
		pppoe_out_finish(&frames[i]);
		iov[i].iov_base = frames[i].buf;
		iov[i].iov_len = frames[i].len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_us();
	for (;;) {
		uint64_t due;
		int n;

		t = now_us();
		if (t - t0 >= (uint64_t)secs * 1000000u)
			break;
		due = (t - t0) * (uint64_t)rate / 1000000u;
		if (sent >= due) {
			struct timespec ts = { 0, 50000 };

			nanosleep(&ts, NULL);
			continue;
		}
		for (i = 0; i < batch; i++) {
			uint64_t r = rnd();

			memcpy(frames[i].buf + 6, &r, 6);
			frames[i].buf[6] = (uint8_t)((frames[i].buf[6] & 0xfc) | 0x02);
		}
		n = sendmmsg(fd, msgs, (unsigned)batch, 0);
		calls++;
		if (n > 0)
			sent += (uint64_t)n;
		else if (n < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			perror("pppoe_load: sendmmsg");
			return 1;
		}
	}
	t = now_us() - t0;
	printf("sent=%llu secs=%.2f rate=%.0f calls=%llu\n", (unsigned long long)sent,
	       (double)t / 1e6, (double)sent * 1e6 / (double)t, (unsigned long long)calls);
	return 0;
}

/* ---- clients -------------------------------------------------------------- */

enum state { IDLE, WANT_PADO, WANT_PADS, DONE };

struct client {
	enum state st;
	uint64_t t_first, t_last;
	uint8_t mac[6], ac[6];
	uint8_t cookie[64];
	uint16_t cookie_len, sid;
	bool refused;                   /* waiting after an error PADS */
};

static void send_padi(int fd, struct client *cl)
{
	struct pppoe_out o;

	pppoe_out_init(&o, broadcast, cl->mac, PPPOE_PADI, 0);
	(void)pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	(void)pppoe_out_tag(&o, PPPOE_TAG_HOST_UNIQ, cl->mac + 2, 4);
	pppoe_out_finish(&o);
	(void)send(fd, o.buf, o.len, 0);
}

static void send_padr(int fd, struct client *cl)
{
	struct pppoe_out o;

	pppoe_out_init(&o, cl->ac, cl->mac, PPPOE_PADR, 0);
	(void)pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	(void)pppoe_out_tag(&o, PPPOE_TAG_HOST_UNIQ, cl->mac + 2, 4);
	(void)pppoe_out_tag(&o, PPPOE_TAG_AC_COOKIE, cl->cookie, cl->cookie_len);
	pppoe_out_finish(&o);
	(void)send(fd, o.buf, o.len, 0);
}

static void send_padt(int fd, const struct client *cl, uint16_t sid)
{
	struct pppoe_out o;

	pppoe_out_init(&o, cl->ac, cl->mac, PPPOE_PADT, sid);
	pppoe_out_finish(&o);
	(void)send(fd, o.buf, o.len, 0);
}

static int clients(int argc, char **argv)
{
	const char *ifname = NULL;
	long n = 0, inflight = 0, retry_ms = 1000, secs = 60, mbyte = 0, next = 0, active = 0;
	bool padt = false, padt_end = false;
	struct client *cls;
	uint64_t *lat, t0, t, ndone = 0, refused = 0, npadi = 0, npadr = 0;
	uint8_t frame[2048];
	int c, fd, ifindex;
	long i;

	while ((c = getopt(argc, argv, "i:n:c:R:T:m:te")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'n': n = atol(optarg); break;
		case 'c': inflight = atol(optarg); break;
		case 'R': retry_ms = atol(optarg); break;
		case 'T': secs = atol(optarg); break;
		case 'm': mbyte = strtol(optarg, NULL, 0); break;
		case 't': padt = true; break;
		case 'e': padt_end = true; break;
		default: usage();
		}
	}
	if (!ifname || n < 1 || n > 1 << 24 || inflight < 0 || retry_ms < 1 || secs < 1 ||
	    mbyte < 0 || mbyte > 255)
		usage();
	if (inflight == 0 || inflight > n)
		inflight = n;
	fd = open_link(ifname, true, &ifindex);
	cls = calloc((size_t)n, sizeof(*cls));
	lat = calloc((size_t)n, sizeof(*lat));
	if (!cls || !lat) {
		fprintf(stderr, "pppoe_load: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint8_t m[6] = { 0x02, 0xbe, (uint8_t)mbyte, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
				 (uint8_t)i };

		memcpy(cls[i].mac, m, 6);
	}
	t0 = now_us();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		t = now_us();
		/* start clients while there is room */
		while (active < inflight && next < n) {
			struct client *cl = &cls[next++];

			cl->st = WANT_PADO;
			cl->t_first = cl->t_last = t;
			send_padi(fd, cl);
			npadi++;
			active++;
		}
		if (active == 0 || t - t0 >= (uint64_t)secs * 1000000u)
			break;
		/* answers */
		if (poll(&pfd, 1, 1) > 0) {
			for (;;) {
				struct pppoe_msg m;
				struct client *cl;
				ssize_t len = recv(fd, frame, sizeof(frame), MSG_DONTWAIT);
				long k;

				if (len < 0)
					break;
				if (pppoe_parse(frame, (size_t)len, &m) != PPPOE_OK || m.dst[0] != 0x02 ||
				    m.dst[1] != 0xbe || m.dst[2] != (uint8_t)mbyte)
					continue;
				k = (long)m.dst[3] << 16 | (long)m.dst[4] << 8 | m.dst[5];
				if (k >= next)
					continue;
				cl = &cls[k];
				t = now_us();
				if (m.code == PPPOE_PADO && cl->st == WANT_PADO && !cl->refused &&
				    m.cookie.present && m.cookie.len <= sizeof(cl->cookie)) {
					memcpy(cl->ac, m.src, 6);
					memcpy(cl->cookie, m.cookie.p, m.cookie.len);
					cl->cookie_len = m.cookie.len;
					cl->st = WANT_PADS;
					cl->t_last = t;
					send_padr(fd, cl);
					npadr++;
				} else if (m.code == PPPOE_PADS && cl->st == WANT_PADS) {
					if (m.sid == 0) { /* refused: again from a PADI, later */
						refused++;
						cl->st = WANT_PADO;
						cl->refused = true;
						cl->t_last = t;
						continue;
					}
					cl->st = DONE;
					cl->sid = m.sid;
					lat[ndone++] = t - cl->t_first;
					active--;
					if (padt)
						send_padt(fd, cl, m.sid);
				}
			}
		}
		/* retries */
		t = now_us();
		for (i = 0; i < next; i++) {
			struct client *cl = &cls[i];

			if ((cl->st != WANT_PADO && cl->st != WANT_PADS) ||
			    t - cl->t_last < (uint64_t)retry_ms * 1000u)
				continue;
			cl->t_last = t;
			cl->refused = false;
			if (cl->st == WANT_PADO) {
				send_padi(fd, cl);
				npadi++;
			} else {
				send_padr(fd, cl);
				npadr++;
			}
		}
	}
	t = now_us() - t0;
	/* paced: a burst of thousands would overflow the AC's socket */
	for (i = 0; padt_end && i < next; i++) {
		if (cls[i].st == DONE)
			send_padt(fd, &cls[i], cls[i].sid);
		if (i % 2 == 1) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	qsort(lat, ndone, sizeof(*lat), cmp64);
	printf("done=%llu refused=%llu unfinished=%ld padi=%llu padr=%llu secs=%.2f rate=%.0f "
	       "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
	       (unsigned long long)ndone, (unsigned long long)refused, n - (long)ndone,
	       (unsigned long long)npadi, (unsigned long long)npadr, (double)t / 1e6,
	       (double)ndone * 1e6 / (double)t,
	       ndone ? (double)lat[ndone / 2] / 1e3 : 0.0,
	       ndone ? (double)lat[(ndone * 99 + 99) / 100 - 1] / 1e3 : 0.0,
	       ndone ? (double)lat[ndone - 1] / 1e3 : 0.0);
	return ndone == (uint64_t)n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "flood") == 0)
		return flood(argc - 1, argv + 1);
	if (strcmp(argv[1], "clients") == 0)
		return clients(argc - 1, argv + 1);
	usage();
}
