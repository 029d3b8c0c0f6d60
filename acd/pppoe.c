/*
 * pppoe.c - acd as the PPPoE access concentrator (pppoe.h).
 *
 * Discovery (RFC 2516): a PADI is answered with a PADO that carries a
 * stateless AC-Cookie (pppoe_cookie.c) and creates nothing in acd; a PADR
 * with a good cookie gets a session id, a kernel-mode pppd (pppd's
 * pppoe.so takes the session over: rp_pppoe_sess SID:MAC) and a PADS; a
 * retransmitted PADR gets the same PADS, not a second session.  The PADT
 * goes out when that pppd exits, for pppd 2.4.9 sends none in this mode.
 *
 * The PADS waits for pppd's session socket (up to PADS_WAIT, looked for in
 * /proc/net/pppoe): the client speaks LCP the moment it has the PADS, and a
 * Configure-Request that arrives before pppd holds the session is dropped
 * by the kernel; the client sends it again only after its 3 s restart
 * timer.  pppd runs `silent` (its first Configure-Request would reach a
 * client without the PADS, and be lost the other way round), so it answers
 * the client's at once; a client that never speaks LCP has its pppd ended
 * after SETUP_MAX.
 *
 * Limits, each said in `show pppoe`: PADIs per second in all, per
 * interface and per client MAC (a fixed table of token buckets: a flood
 * from random MACs costs acd no memory), sessions in all and per MAC, and
 * a backoff when pppd keeps dying at once (no plugin, no /dev/ppp), so a
 * broken pppd is never a respawn loop.
 *
 * pppd is reaped through a pidfd on the event loop: libev's child watcher
 * works only on the default loop, which acd does not use (it would reap
 * the NAT64 thread's children), and a pidfd also watches the pppds a
 * restarted acd adopts, which are no longer its children.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#if __has_include(<sys/pidfd.h>)
#include <sys/pidfd.h>
#endif
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "acd.h"
#include "log.h"
#include "pppoe.h"
#include "pppoe_cookie.h"
#include "pppoe_proto.h"
#include "pppoe_refused.h"
#include "rtnl.h"
#include "session.h"
#include "state.h"

#include <utlist.h>

#if !__has_include(<sys/pidfd.h>)
/* musl (Alpine) has no pidfd wrappers: the system calls themselves (Linux 5.3) */
static int pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

/* nor close_range (Linux 5.9); in the child between fork and exec, so a
 * system call only */
static int close_range(unsigned int first, unsigned int last, int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}
#endif
#ifndef W_EXITCODE
#define W_EXITCODE(ret, sig) ((ret) << 8 | (sig)) /* Linux's wait status; glibc-only macro */
#endif
#ifndef P_PIDFD
#define P_PIDFD 3 /* waitid() on a pidfd, Linux 5.4; glibc's <sys/wait.h> has it */
#endif

/* An add uthash cannot get memory for leaves the entry out of that index
 * (session.h asks for HASH_NONFATAL_OOM); here it is noticed and undone. */
static bool oom;
#undef uthash_nonfatal_oom
#define uthash_nonfatal_oom(e) ((void)(e), oom = true)

#define IFACES_MAX 4096         /* links seen: ours, and others' cached as not ours */
#define MAC_BUCKETS 4096        /* the per-MAC PADI limiter's table */
#define HOST_UNIQ_MAX 64        /* what we echo; longer ones are refused */
#define RELAY_MAX 64
#define FRAMES_PER_WAKE 64      /* then the loop serves others */
#define FAST_EXIT 2.0           /* s: a pppd gone this soon never ran */
#define FAST_FAILS 3            /* in a row, then the backoff */
#define BACKOFF_FIRST 4.0       /* s, doubled for each further fast exit */
#define BACKOFF_MAX 60.0        /* s */
#define PPPOE_MTU_DEFAULT 1492  /* 1500 - 8 of PPPoE and PPP headers */
#ifndef PX_PROTO_OE
#define PX_PROTO_OE 0           /* linux/if_pppox.h, whose linux/if.h clashes with net/if.h */
#endif
#define PADS_WAIT 3.0           /* s: longest a PADS waits for its pppd's socket */
#define PADS_POLL 0.005         /* s: /proc/net/pppoe read this often meanwhile */
#define SETUP_MAX 180.0         /* s: from pppd's start to its session's hook */
#define SETUP_ADOPTED_MIN 10.0  /* s: at least, for an adopted pppd (see setup_watch_adopted) */

/* why a frame was not answered: pppoe_parse()'s reasons, then ours */
enum drop {
	DROP_VLAN = PPPOE_DROP__MAX,    /* a VLAN tag on a parent interface */
	DROP_NOT_OURS,                  /* a PADR/PADT to another MAC */
	DROP_CODE_FROM_CLIENT,          /* a PADO or PADS: an AC's, not a client's */
	DROP_RATE,                      /* a PADI over a rate limit */
	DROP_SERVICE,                   /* a service we do not offer */
	DROP_COOKIE,                    /* no cookie, or not ours */
	DROP_COOKIE_EXPIRED,
	DROP_TOO_LONG,                  /* a Host-Uniq or Relay-Session-Id over our bound */
	DROP_UNKNOWN_SESSION,           /* a PADT for no session of ours */
	DROP_STARTING,                  /* a PADI/PADR while max-starting pppds start */
	DROP__MAX
};

static const char *const drop_names[DROP__MAX - PPPOE_DROP__MAX] = {
	"vlan", "not-ours", "not-a-client", "rate-limit", "service", "cookie",
	"cookie-expired", "too-long", "unknown-session", "starting",
};

static const char *drop_name(unsigned d)
{
	return d < PPPOE_DROP__MAX ? pppoe_drop_name((enum pppoe_drop)d)
				   : drop_names[d - PPPOE_DROP__MAX];
}

struct bucket {
	double tokens, last;
};

struct ifstats {
	uint64_t padi_in, padi_retry, pado_out, padr_in, padr_dup, pads_out, pads_error, padt_in, padt_out;
	uint64_t sessions, limit_hits;
	uint64_t drops[DROP__MAX];
};

struct iface {
	UT_hash_handle hh;
	int ifindex;
	char name[IF_NAMESIZE];
	bool ours;                      /* matches [pppoe] interface */
	bool stale;                     /* the link changed: read it again */
	uint8_t mac[6];
	unsigned mtu;
	struct bucket padi;
	struct bucket padi_retry;       /* PADIs past a full limit, from clients asking again */
	struct ifstats st;
};

/*
 * A PADR's identity: a retransmission carries the same cookie, Host-Uniq
 * and Service-Name.  The cookie alone is not enough: it is the same for
 * every PADI of one client within a second, and a client that runs two
 * sessions (rp-pppoe -U, a router's second PPPoE link, a second service)
 * tells them apart by their Host-Uniq or asks for another service: two
 * PADRs with one cookie and two Host-Uniqs are two sessions.  Of a longer
 * Service-Name, its length and first SERVICE_KEY_MAX bytes.  Built with
 * memset: hashed as bytes, padding included.
 */
#define SERVICE_KEY_MAX 64
struct req_key {
	int ifindex;
	uint16_t host_uniq_len;         /* HOST_UNIQ_MAX + 1: none */
	uint16_t service_len;
	uint8_t mac[6];
	uint8_t cookie[PPPOE_COOKIE_LEN];
	uint8_t host_uniq[HOST_UNIQ_MAX];
	uint8_t service[SERVICE_KEY_MAX];
};

/* One session acd's discovery made, from its PADS to its pppd's exit. */
struct psess {
	UT_hash_handle hh_sid, hh_pid, hh_req;
	struct req_key req;
	bool in_req;                    /* in by_req: a PADR again is a retransmission */
	uint16_t sid;
	int ifindex;
	uint8_t mac[6];
	uint8_t host_uniq[HOST_UNIQ_MAX], relay[RELAY_MAX];
	uint16_t host_uniq_len, relay_len;
	bool has_host_uniq, has_relay;
	char service[65];
	char circuit_id[64], remote_id[64];
	uint16_t max_payload;           /* RFC 4638 agreed, 0 = none */
	pid_t pid;
	int pidfd;
	ev_io watch;
	ev_timer setup;                 /* SETUP_MAX, until its session is up */
	bool pads_waiting;              /* in the waiting list: no PADS yet */
	struct psess *wprev, *wnext;
	double spawned;                 /* ev_now() */
	time_t started;
	bool padt_in;                   /* the client ended it: no PADT back */
	bool adopted;                   /* found again by a restarted acd */
	bool was_up;                    /* its session came up (s is NULL again after ip-down) */
	bool starting;                  /* pppd started, its session not up yet (nstarting) */
	bool timed_out;                 /* ended by the setup timeout */
	struct session *s;              /* its session in the core, once up */
	struct pppoe *p;
};

/* sessions per client MAC, for max-sessions-per-mac */
struct macount {
	UT_hash_handle hh;
	uint8_t mac[6];
	unsigned n;
};

struct pppoe {
	struct acd *a;
	const struct pppoe_fx *fx;
	void *fx_ctx;
	int fd;                         /* the packet socket, -1 in a test: all but PADIs */
	int fd_padi;                    /* PADIs only: a flood of them fills its queue, not fd's */
	ev_io rd, rd_padi;
	struct iface *ifaces;
	unsigned nifaces;
	struct psess *by_sid, *by_pid, *by_req;
	struct psess *waiting;          /* PADSs waiting for pppd's socket */
	ev_timer poll;                  /* PADS_POLL while any waits */
	ev_timer adopted;               /* at once: setup_watch_adopted() */
	unsigned nsess;
	struct macount *macs;
	uint16_t next_sid;
	struct pppoe_cookie_keys keys;
	struct bucket padi_all, padi_retry_all;
	struct bucket *mac_rl;          /* MAC_BUCKETS */
	struct pppoe_refused refused;   /* PADIs a full limit refused; empty until one is */
	bool refused_nomem;             /* its memory could not be had: not tried again */
	uint64_t mac_seed;
	unsigned fast_fails;
	double backoff_until;
	uint64_t spawn_failures, backoffs;
	uint64_t pads_waited, pads_unconnected, setup_timeouts, setup_failures;
	unsigned nstarting;             /* sessions whose pppd runs and is not up yet */
	bool wait_socket;               /* PADS after pppd's socket (the kernel has PPPoE) */
	char noop[PATH_MAX];            /* /bin/true over pppd's fixed scripts; "": acd cannot */
	int scripts;                    /* SCRIPTS_*: what was logged of them; 0 nothing yet */
	int slot;                       /* ours in session.ext[] */
	bool subscribed;
};

/* ---- small parts ---------------------------------------------------------- */

/* The cookies' clock: monotonic, so a clock step (NTP at boot on a Pi
 * without an RTC) does not refuse the cookies just handed out.  Keys are
 * new at every start, so a cookie never outlives this clock's epoch. */
static time_t cookie_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static double now_mono(const struct pppoe *p)
{
	return p->a->loop ? ev_now(p->a->loop) : (double)time(NULL);
}

/* A token bucket of rate r per second and a burst of r (0: no limit),
 * filled up to now: does it hold a token? */
static bool ready(struct bucket *b, uint32_t r, double now)
{
	if (!r)
		return true;
	if (b->last == 0) {
		b->tokens = r;
		b->last = now;
	}
	b->tokens += (now - b->last) * r;
	if (b->tokens > r)
		b->tokens = r;
	b->last = now;
	return b->tokens >= 1;
}

static void spend(struct bucket *b, uint32_t r)
{
	if (r)
		b->tokens -= 1;
}

static unsigned mac_slot(const struct pppoe *p, const uint8_t mac[6])
{
	uint64_t h = p->mac_seed;
	unsigned i;

	for (i = 0; i < 6; i++) /* FNV-1a, seeded: no chosen-collision flood */
		h = (h ^ mac[i]) * 0x100000001b3ULL;
	return (unsigned)(h ^ (h >> 29)) % MAC_BUCKETS;
}

static void mac_str(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Tag bytes as text for the log and show session: printable ASCII, else
 * hex, cut to the buffer (whole: a 64-byte Service-Name in 65 bytes). */
static void tag_str(const uint8_t *v, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;
	bool text = true;

	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\')
			text = false;
	/* room for what this byte adds (1 or 2) and the '\0' */
	for (i = 0; i < n && o + (text ? 1 : 2) < len; i++) {
		if (text)
			buf[o++] = (char)v[i];
		else
			o += (size_t)snprintf(buf + o, len - o, "%02x", v[i]);
	}
	buf[o < len ? o : len - 1] = '\0';
}

/* ---- interfaces ----------------------------------------------------------- */

static bool name_wanted(const struct acd_config *c, const char *name)
{
	unsigned i;

	for (i = 0; i < c->n_pppoe_ifaces; i++)
		if (fnmatch(c->pppoe_ifaces[i], name, 0) == 0)
			return true;
	return false;
}

/* The link's name, MAC and MTU from the kernel. */
static int iface_read(struct pppoe *p, struct iface *f)
{
	struct ifreq ifr = { 0 };

	if (!if_indextoname((unsigned)f->ifindex, f->name))
		return -errno;
	f->ours = name_wanted(&p->a->cfg, f->name);
	f->stale = false;
	if (!f->ours || p->fd < 0)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", f->name);
	if (ioctl(p->fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(f->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(p->fd, SIOCGIFMTU, &ifr) < 0)
		return -errno;
	f->mtu = (unsigned)ifr.ifr_mtu;
	return 0;
}

static struct iface *iface_get(struct pppoe *p, int ifindex)
{
	struct iface *f;

	HASH_FIND_INT(p->ifaces, &ifindex, f);
	if (f) {
		if (f->stale && iface_read(p, f) < 0)
			f->ours = false;
		return f;
	}
	if (p->nifaces >= IFACES_MAX || !(f = calloc(1, sizeof(*f))))
		return NULL;
	f->ifindex = ifindex;
	if (iface_read(p, f) < 0)
		f->ours = false;
	oom = false;
	HASH_ADD_INT(p->ifaces, ifindex, f);
	if (oom) {
		free(f);
		return NULL;
	}
	p->nifaces++;
	if (f->ours)
		log_info("pppoe: interface=%s ifindex=%d mtu=%u: serving discovery", f->name,
			 f->ifindex, f->mtu);
	return f;
}

int pppoe_iface_set(struct pppoe *p, int ifindex, const char *name, const uint8_t mac[6],
		    unsigned mtu)
{
	struct iface *f;

	HASH_FIND_INT(p->ifaces, &ifindex, f);
	if (!f) {
		if (!(f = calloc(1, sizeof(*f))))
			return -ENOMEM;
		f->ifindex = ifindex;
		oom = false;
		HASH_ADD_INT(p->ifaces, ifindex, f);
		if (oom) {
			free(f);
			return -ENOMEM;
		}
		p->nifaces++;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	memcpy(f->mac, mac, 6);
	f->mtu = mtu;
	f->ours = name_wanted(&p->a->cfg, name);
	f->stale = false;
	return 0;
}

static void on_link(const struct rtnl_event *ev, void *ctx)
{
	struct pppoe *p = ctx;
	struct iface *f;

	if (ev->type == RTNL_RESYNC) {
		for (f = p->ifaces; f; f = f->hh.next)
			f->stale = true;
		return;
	}
	if (ev->type != RTNL_LINK_NEW && ev->type != RTNL_LINK_DEL)
		return;
	HASH_FIND_INT(p->ifaces, &ev->link.ifindex, f);
	if (!f)
		return;
	if (ev->type == RTNL_LINK_NEW) { /* renamed, new MAC or MTU: read it at next use */
		f->stale = true;
		return;
	}
	if (f->ours)
		log_info("pppoe: interface=%s ifindex=%d gone", f->name, f->ifindex);
	HASH_DEL(p->ifaces, f);
	p->nifaces--;
	free(f);
}

/* ---- sending -------------------------------------------------------------- */

static void send_frame(struct pppoe *p, struct iface *f, struct pppoe_out *o)
{
	int rc;

	pppoe_out_finish(o);
	rc = p->fx->send(p->fx_ctx, f->ifindex, o->buf, o->len);
	if (rc < 0)
		log_warnx("pppoe: interface=%s: cannot send: %s", f->name, strerror(-rc));
}

static void add_echo(struct pppoe_out *o, const struct pppoe_msg *m)
{
	(void)pppoe_out_echo(o, PPPOE_TAG_HOST_UNIQ, &m->host_uniq);
	(void)pppoe_out_echo(o, PPPOE_TAG_RELAY_SESSION_ID, &m->relay_id);
}

static const char *ac_name(struct pppoe *p, char *buf, size_t len)
{
	if (p->a->cfg.pppoe_ac_name[0])
		return p->a->cfg.pppoe_ac_name;
	if (gethostname(buf, len) < 0 || !buf[0])
		snprintf(buf, len, "acd");
	buf[len - 1] = '\0';
	return buf;
}

/* A PADS that says no (RFC 2516 5.4: session id 0 and an error tag). */
static void send_pads_error(struct pppoe *p, struct iface *f, const struct pppoe_msg *m,
			    uint16_t tag, const char *why)
{
	struct pppoe_out o;

	pppoe_out_init(&o, m->src, f->mac, PPPOE_PADS, 0);
	if (m->service_name.present)
		(void)pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, m->service_name.p,
				    m->service_name.len);
	add_echo(&o, m);
	(void)pppoe_out_tag(&o, tag, why, strlen(why));
	send_frame(p, f, &o);
	f->st.pads_error++;
}

static void send_pads(struct pppoe *p, struct iface *f, const struct psess *ps)
{
	struct pppoe_out o;
	uint16_t mp = htons(ps->max_payload);

	pppoe_out_init(&o, ps->mac, f->mac, PPPOE_PADS, ps->sid);
	(void)pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, ps->service, strlen(ps->service));
	if (ps->has_host_uniq)
		(void)pppoe_out_tag(&o, PPPOE_TAG_HOST_UNIQ, ps->host_uniq, ps->host_uniq_len);
	if (ps->has_relay)
		(void)pppoe_out_tag(&o, PPPOE_TAG_RELAY_SESSION_ID, ps->relay, ps->relay_len);
	if (ps->max_payload)
		(void)pppoe_out_tag(&o, PPPOE_TAG_MAX_PAYLOAD, &mp, sizeof(mp));
	send_frame(p, f, &o);
	f->st.pads_out++;
}

/* The line a session's PADS gets: where, who, which pppd, the line ids;
 * with the time it waited for pppd's socket. */
static void log_pads(const struct pppoe *p, const struct iface *f, const struct psess *ps)
{
	char mac[18], waited[32] = "";

	mac_str(ps->mac, mac, sizeof(mac));
	if (p->wait_socket)
		snprintf(waited, sizeof(waited), " waited=%.3fs", now_mono(p) - ps->spawned);
	log_info("pppoe: interface=%s mac=%s sid=%u service=\"%s\" pppd=%d event=pads%s%s%s%s%s",
		 f->name, mac, (unsigned)ps->sid, ps->service, (int)ps->pid,
		 ps->circuit_id[0] ? " circuit-id=" : "", ps->circuit_id,
		 ps->remote_id[0] ? " remote-id=" : "", ps->remote_id, waited);
}

static void send_padt(struct pppoe *p, const struct psess *ps, const char *why)
{
	struct iface *f = iface_get(p, ps->ifindex); /* a restarted acd may not have it yet */
	struct pppoe_out o;

	f = iface_get(p, ps->ifindex); /* read anew after a restart */
	if (!f || !f->ours)
		return; /* the link went: nobody to tell */
	pppoe_out_init(&o, ps->mac, f->mac, PPPOE_PADT, ps->sid);
	if (ps->has_host_uniq)
		(void)pppoe_out_tag(&o, PPPOE_TAG_HOST_UNIQ, ps->host_uniq, ps->host_uniq_len);
	if (ps->has_relay)
		(void)pppoe_out_tag(&o, PPPOE_TAG_RELAY_SESSION_ID, ps->relay, ps->relay_len);
	(void)pppoe_out_tag(&o, PPPOE_TAG_GENERIC_ERROR, why, strlen(why));
	send_frame(p, f, &o);
	f->st.padt_out++;
}

/* ---- services ------------------------------------------------------------- */

/* Do we serve what m asks for?  An empty Service-Name is "any". */
static bool service_ok(const struct acd_config *c, const struct pppoe_msg *m)
{
	unsigned i;

	if (!m->service_name.present)
		return false; /* RFC 2516: a PADI and a PADR carry exactly one */
	if (m->service_name.len == 0)
		return c->pppoe_accept_blank || c->n_pppoe_services == 0;
	if (c->n_pppoe_services == 0)
		return true;
	for (i = 0; i < c->n_pppoe_services; i++)
		if (strlen(c->pppoe_services[i]) == m->service_name.len &&
		    memcmp(c->pppoe_services[i], m->service_name.p, m->service_name.len) == 0)
			return true;
	return false;
}

/* RFC 4638: the client's PPP-Max-Payload, if the link can carry it. */
static uint16_t max_payload(const struct pppoe *p, const struct iface *f,
			    const struct pppoe_msg *m)
{
	if (!p->a->cfg.pppoe_max_payload || !m->has_max_payload ||
	    m->max_payload < PPPOE_MTU_DEFAULT || (unsigned)m->max_payload + 8 > f->mtu)
		return 0;
	return m->max_payload;
}

/* ---- PADI ----------------------------------------------------------------- */

/* max-starting: pppds that are starting use the CPU and RADIUS every new
 * one needs; past the limit a PADI gets no PADO and a new PADR no PADS
 * (the client asks again, as for a lost frame), not an error that would
 * send it away */
static bool too_many_starting(const struct pppoe *p, struct iface *f)
{
	uint32_t max = p->a->cfg.pppoe_max_starting;

	if (!max || p->nstarting < max)
		return false;
	f->st.drops[DROP_STARTING]++;
	return true;
}

/*
 * A PADI the interface's or the AC's limit refuses: is it a client asking
 * again, and is there room for it?  A client whose PADI was refused sends
 * another; a flood from random MACs sends each MAC once.  Each refused
 * sender is remembered (pppoe_refused.h), and a PADI from one remembered
 * takes a token of limits of its own, at the interface's rate and the
 * AC's: so a flood on a client's segment leaves its clients about that
 * many answers a second, where before they got a share as small as the
 * flood is large.  A flood that repeats each MAC shares it, and the AC
 * then answers up to twice each limit (acd.conf(5) says so).
 */
static bool padi_retry(struct pppoe *p, struct iface *f, const uint8_t mac[6], double now)
{
	const struct acd_config *c = &p->a->cfg;

	if (!p->refused.gen[0]) {
		if (p->refused_nomem || pppoe_refused_init(&p->refused, now) < 0) {
			p->refused_nomem = true; /* the limits as they are, not an allocation a frame */
			return false;
		}
	}
	if (pppoe_refused_has(&p->refused, f->ifindex, mac, now) &&
	    ready(&f->padi_retry, c->pppoe_padi_limit_if, now) &&
	    ready(&p->padi_retry_all, c->pppoe_padi_limit, now)) {
		spend(&f->padi_retry, c->pppoe_padi_limit_if);
		spend(&p->padi_retry_all, c->pppoe_padi_limit);
		f->st.padi_retry++;
		return true;
	}
	pppoe_refused_add(&p->refused, f->ifindex, mac, now);
	return false;
}

static void on_padi(struct pppoe *p, struct iface *f, const struct pppoe_msg *m)
{
	const struct acd_config *c = &p->a->cfg;
	double now = now_mono(p);
	uint8_t cookie[PPPOE_COOKIE_LEN];
	char name[HOST_NAME_MAX + 1];
	const char *acn;
	time_t now_s;
	bool ok_all, ok_if, ok_mac;
	struct bucket *mb;
	struct pppoe_out o;
	uint16_t mp;
	unsigned i;

	f->st.padi_in++;
	if (too_many_starting(p, f))
		return;
	/* the cheapest refusal first: a flood is dropped before any work.  A
	 * PADI spends a token of each limit only when all three have one: a
	 * flood that its interface's (or its MAC's) limit refuses must not
	 * spend the AC's, which the clients on the other interfaces (VLANs)
	 * need.  Taken in turn, it did: all of it. */
	mb = &p->mac_rl[mac_slot(p, m->src)];
	ok_all = ready(&p->padi_all, c->pppoe_padi_limit, now);
	ok_if = ready(&f->padi, c->pppoe_padi_limit_if, now);
	ok_mac = ready(mb, c->pppoe_padi_limit_mac, now);
	if (!ok_mac) {
		f->st.drops[DROP_RATE]++;
		return;
	}
	if (ok_all && ok_if) {
		spend(&p->padi_all, c->pppoe_padi_limit);
		spend(&f->padi, c->pppoe_padi_limit_if);
	} else if (!padi_retry(p, f, m->src, now)) {
		f->st.drops[DROP_RATE]++;
		return;
	}
	spend(mb, c->pppoe_padi_limit_mac);
	if (!service_ok(c, m)) {
		f->st.drops[DROP_SERVICE]++; /* RFC 2516 5.2: an AC that cannot serve is silent */
		return;
	}
	if ((m->host_uniq.present && m->host_uniq.len > HOST_UNIQ_MAX) ||
	    (m->relay_id.present && m->relay_id.len > RELAY_MAX)) {
		f->st.drops[DROP_TOO_LONG]++;
		return;
	}
	now_s = cookie_now();
	pppoe_cookie_rotate(&p->keys, now_s);
	pppoe_cookie_make(&p->keys, now_s, f->mac, m->src, f->ifindex,
			  m->relay_id.present ? m->relay_id.p : NULL, m->relay_id.len, cookie);
	pppoe_out_init(&o, m->src, f->mac, PPPOE_PADO, 0);
	acn = ac_name(p, name, sizeof(name)); /* once: without ac-name, gethostname */
	(void)pppoe_out_tag(&o, PPPOE_TAG_AC_NAME, acn, strlen(acn));
	/* the Service-Name asked for, then the others we offer */
	(void)pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, m->service_name.p, m->service_name.len);
	for (i = 0; i < c->n_pppoe_services; i++)
		if (strlen(c->pppoe_services[i]) != m->service_name.len ||
		    memcmp(c->pppoe_services[i], m->service_name.p, m->service_name.len) != 0)
			(void)pppoe_out_tag(&o, PPPOE_TAG_SERVICE_NAME, c->pppoe_services[i],
					    strlen(c->pppoe_services[i]));
	(void)pppoe_out_tag(&o, PPPOE_TAG_AC_COOKIE, cookie, sizeof(cookie));
	add_echo(&o, m);
	if ((mp = max_payload(p, f, m)) != 0) {
		mp = htons(mp);
		(void)pppoe_out_tag(&o, PPPOE_TAG_MAX_PAYLOAD, &mp, sizeof(mp));
	}
	send_frame(p, f, &o);
	f->st.pado_out++;
}

/* ---- PADR ----------------------------------------------------------------- */

static struct macount *macount(struct pppoe *p, const uint8_t mac[6], bool make)
{
	struct macount *mc;

	HASH_FIND(hh, p->macs, mac, 6, mc);
	if (!mc && make && (mc = calloc(1, sizeof(*mc)))) {
		memcpy(mc->mac, mac, 6);
		oom = false;
		HASH_ADD(hh, p->macs, mac, 6, mc);
		if (oom) { /* uncounted: the per-MAC limit does not see it */
			free(mc);
			mc = NULL;
		}
	}
	return mc;
}

/* A session id in 1..0xFFFE not in use, after the last one given: an id
 * comes back only once the others went round. */
static uint16_t sid_alloc(struct pppoe *p)
{
	unsigned i;

	for (i = 0; i < 0xFFFE; i++) {
		uint16_t sid = p->next_sid;
		struct psess *ps;

		p->next_sid = p->next_sid >= 0xFFFE ? 1 : p->next_sid + 1;
		HASH_FIND(hh_sid, p->by_sid, &sid, sizeof(sid), ps);
		if (!ps)
			return sid;
	}
	return 0;
}

static void on_exit_io(struct ev_loop *loop, ev_io *w, int revents);

/* Into the indexes; -ENOMEM (and in none) when one cannot grow. */
static int psess_add(struct pppoe *p, struct psess *ps)
{
	struct macount *mc;

	oom = false;
	HASH_ADD(hh_sid, p->by_sid, sid, sizeof(ps->sid), ps);
	if (oom)
		return -ENOMEM;
	HASH_ADD(hh_req, p->by_req, req, sizeof(ps->req), ps);
	if (oom) {
		HASH_DELETE(hh_sid, p->by_sid, ps);
		return -ENOMEM;
	}
	ps->in_req = true;
	if (ps->pid > 0) {
		HASH_ADD(hh_pid, p->by_pid, pid, sizeof(ps->pid), ps);
		if (oom) {
			HASH_DELETE(hh_sid, p->by_sid, ps);
			HASH_DELETE(hh_req, p->by_req, ps);
			return -ENOMEM;
		}
	}
	mc = macount(p, ps->mac, true);
	if (mc)
		mc->n++;
	p->nsess++;
	if (ps->pidfd >= 0 && p->a->loop) {
		ev_io_init(&ps->watch, on_exit_io, ps->pidfd, EV_READ);
		ps->watch.data = ps;
		ev_io_start(p->a->loop, &ps->watch);
	}
	return 0;
}

static void pads_done(struct pppoe *p, struct psess *ps);
static void pads_wait(struct pppoe *p, struct psess *ps);
static void setup_watch(struct pppoe *p, struct psess *ps);

/* a session is no longer starting: up, or its pppd gone */
static void starting_done(struct pppoe *p, struct psess *ps)
{
	if (!ps->starting)
		return;
	ps->starting = false;
	p->nstarting--;
}

static void psess_free(struct pppoe *p, struct psess *ps)
{
	struct macount *mc = macount(p, ps->mac, false);

	starting_done(p, ps);
	pads_done(p, ps);
	if (ev_is_active(&ps->setup))
		ev_timer_stop(p->a->loop, &ps->setup);
	if (ps->pidfd >= 0) {
		if (p->a->loop)
			ev_io_stop(p->a->loop, &ps->watch);
		close(ps->pidfd);
	}
	if (ps->s)
		ps->s->ext[p->slot] = NULL;
	HASH_DELETE(hh_sid, p->by_sid, ps);
	if (ps->in_req)
		HASH_DELETE(hh_req, p->by_req, ps);
	if (ps->pid > 0)
		HASH_DELETE(hh_pid, p->by_pid, ps);
	if (mc && --mc->n == 0) {
		HASH_DEL(p->macs, mc);
		free(mc);
	}
	p->nsess--;
	free(ps);
}

/*
 * pppd's argv as rp-pppoe's `pppoe-server -k` builds it, the plugin before
 * nic-IF so that it parses, but the address pair before the plugin:
 * pppd [LOCAL:] plugin PLUGIN nic-IF rp_pppoe_sess SID:MAC rp_pppoe_service
 * SVC file OPTIONS nodetach [silent] noaccomp nopcomp default-asyncmap
 * remotenumber MAC mru M mtu M [ip-up-script "" ip-down-script ""]
 * [plugin acd.so acd-socket SOCKET].  Once pppoe.so is loaded, pppd offers
 * it every word no named option takes, the address pair too, and it asks the
 * kernel for an interface of that name (SIOCGIFINDEX).  There is none, so
 * the kernel runs modprobe twice (netdev-ADDR, ADDR), at most 50 at once:
 * 100 clients dialing at once stalled each pppd for seconds in the VM.
 * Before the plugin, pppd's own parser takes the pair at once.
 */
struct pppd_argv {
	char *v[32];
	char nic[IF_NAMESIZE + 4], sess[32], mac[18], local[20], mtu[8];
};

static void build_argv(const struct pppoe *p, const struct iface *f, const struct psess *ps,
		       struct pppd_argv *a)
{
	const struct acd_config *c = &p->a->cfg;
	unsigned n = 0, mtu = ps->max_payload ? ps->max_payload : PPPOE_MTU_DEFAULT;

	if (!ps->max_payload && f->mtu > 8 && f->mtu - 8 < mtu)
		mtu = f->mtu - 8;
	snprintf(a->nic, sizeof(a->nic), "nic-%s", f->name);
	mac_str(ps->mac, a->mac, sizeof(a->mac));
	snprintf(a->sess, sizeof(a->sess), "%u:%s", (unsigned)ps->sid, a->mac);
	snprintf(a->mtu, sizeof(a->mtu), "%u", mtu);
	a->v[n++] = (char *)c->pppoe_pppd;
	if (c->pppoe_local_ip[0]) {
		snprintf(a->local, sizeof(a->local), "%s:", c->pppoe_local_ip);
		a->v[n++] = a->local;
	}
	a->v[n++] = "plugin";
	a->v[n++] = (char *)c->pppoe_plugin;
	a->v[n++] = a->nic;
	a->v[n++] = "rp_pppoe_sess";
	a->v[n++] = a->sess;
	a->v[n++] = "rp_pppoe_service";
	a->v[n++] = (char *)ps->service;
	a->v[n++] = "file";
	a->v[n++] = (char *)c->pppoe_options;
	a->v[n++] = "nodetach";
	if (p->wait_socket)
		a->v[n++] = "silent";
	a->v[n++] = "noaccomp";
	a->v[n++] = "nopcomp";
	a->v[n++] = "default-asyncmap";
	a->v[n++] = "remotenumber";
	a->v[n++] = a->mac;
	a->v[n++] = "mru";
	a->v[n++] = a->mtu;
	a->v[n++] = "mtu";
	a->v[n++] = a->mtu;
	/* no ip-up/ip-down when acd.so reports the session: pppd skips a
	 * script whose path does not exist (""), without a fork.  Each one is
	 * a shell, run-parts and whatever /etc/ppp/ip-up.d holds (Debian's
	 * bind9 runs rndc there): in a storm that is most of a session's CPU. */
	if (!config_pppoe_scripts(c)) {
		a->v[n++] = "ip-up-script";
		a->v[n++] = "";
		a->v[n++] = "ip-down-script";
		a->v[n++] = "";
	}
	/* acd.so, last (after pppoe.so's words), when installed: the
	 * session's events come to acd without hooks (pppd-plugin/) */
	if (config_pppoe_acd_plugin(c)) {
		a->v[n++] = "plugin";
		a->v[n++] = (char *)c->pppoe_acd_plugin;
		a->v[n++] = "acd-socket";
		a->v[n++] = (char *)c->socket;
	}
	a->v[n] = NULL;
}

static void on_padr(struct pppoe *p, struct iface *f, const struct pppoe_msg *m)
{
	const struct acd_config *c = &p->a->cfg;
	struct req_key key;
	struct pppd_argv argv;
	struct macount *mc;
	struct psess *ps;
	char mac[18];
	int rc;

	f->st.padr_in++;
	if (memcmp(m->dst, f->mac, 6) != 0) {
		f->st.drops[DROP_NOT_OURS]++; /* for another AC on this segment */
		return;
	}
	if (!m->cookie.present || m->cookie.len != PPPOE_COOKIE_LEN) {
		f->st.drops[DROP_COOKIE]++;
		return;
	}
	if ((m->host_uniq.present && m->host_uniq.len > HOST_UNIQ_MAX) ||
	    (m->relay_id.present && m->relay_id.len > RELAY_MAX)) {
		f->st.drops[DROP_TOO_LONG]++;
		return;
	}
	memset(&key, 0, sizeof(key));
	key.ifindex = f->ifindex;
	memcpy(key.mac, m->src, 6);
	memcpy(key.cookie, m->cookie.p, PPPOE_COOKIE_LEN);
	key.host_uniq_len = m->host_uniq.present ? m->host_uniq.len : HOST_UNIQ_MAX + 1;
	if (m->host_uniq.len)
		memcpy(key.host_uniq, m->host_uniq.p, m->host_uniq.len);
	key.service_len = m->service_name.len;
	if (m->service_name.len)
		memcpy(key.service, m->service_name.p,
		       m->service_name.len < SERVICE_KEY_MAX ? m->service_name.len : SERVICE_KEY_MAX);
	HASH_FIND(hh_req, p->by_req, &key, sizeof(key), ps);
	/*
	 * The same request while its pppd runs: a retransmission, however
	 * late, answered with the same PADS, never a second pppd.  pppd
	 * 2.4.9's pppoe.so checks its PADS timer before it reads the socket:
	 * a client that got no CPU for its 5 s retransmits (after 5, 15, 35 s)
	 * with our PADS already queued, then takes that first PADS.  100
	 * clients dialing a loaded AC at once did so 39 times; each late PADR
	 * made a second pppd that waited out LCP for nobody.  A new attempt
	 * of the client is another request: a new pppd's Host-Uniq, or a new
	 * PADI's cookie (one of another second).
	 */
	if (ps) {
		f->st.padr_dup++;
		if (!ps->pads_waiting)
			send_pads(p, f, ps);
		return;
	}
	rc = pppoe_cookie_check(&p->keys, cookie_now(), f->mac, m->src, f->ifindex,
				m->relay_id.present ? m->relay_id.p : NULL, m->relay_id.len,
				m->cookie.p, m->cookie.len);
	if (rc < 0) {
		f->st.drops[rc == -ETIMEDOUT ? DROP_COOKIE_EXPIRED : DROP_COOKIE]++;
		return;
	}
	if (!service_ok(c, m)) {
		f->st.drops[DROP_SERVICE]++;
		send_pads_error(p, f, m, PPPOE_TAG_SERVICE_NAME_ERROR,
				"this service is not offered here");
		return;
	}
	if (too_many_starting(p, f))
		return;
	mac_str(m->src, mac, sizeof(mac));
	if (now_mono(p) < p->backoff_until) {
		f->st.limit_hits++;
		send_pads_error(p, f, m, PPPOE_TAG_AC_SYSTEM_ERROR,
				"pppd keeps failing on this AC: try again later");
		return;
	}
	mc = macount(p, m->src, false);
	if ((c->pppoe_max_sessions && p->nsess >= c->pppoe_max_sessions) ||
	    (c->pppoe_max_per_mac && mc && mc->n >= c->pppoe_max_per_mac)) {
		f->st.limit_hits++;
		log_notice("pppoe: interface=%s mac=%s event=limit sessions=%u of this mac=%u: "
			   "PADR refused", f->name, mac, p->nsess, mc ? mc->n : 0);
		send_pads_error(p, f, m, PPPOE_TAG_AC_SYSTEM_ERROR,
				"session limit reached on this AC");
		return;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps || !(ps->sid = sid_alloc(p))) {
		free(ps);
		f->st.limit_hits++;
		send_pads_error(p, f, m, PPPOE_TAG_AC_SYSTEM_ERROR, "no session id left");
		return;
	}
	ps->p = p;
	memcpy(&ps->req, &key, sizeof(key)); /* padding too: the hash reads it */
	ps->ifindex = f->ifindex;
	memcpy(ps->mac, m->src, 6);
	ps->has_host_uniq = m->host_uniq.present;
	ps->host_uniq_len = m->host_uniq.len;
	memcpy(ps->host_uniq, m->host_uniq.p ? m->host_uniq.p : (const uint8_t *)"",
	       m->host_uniq.len);
	ps->has_relay = m->relay_id.present;
	ps->relay_len = m->relay_id.len;
	memcpy(ps->relay, m->relay_id.p ? m->relay_id.p : (const uint8_t *)"", m->relay_id.len);
	/* a Service-Name is text; one that is not is kept as its hex */
	tag_str(m->service_name.p, m->service_name.len, ps->service, sizeof(ps->service));
	if (m->circuit_id.present)
		tag_str(m->circuit_id.p, m->circuit_id.len, ps->circuit_id,
			sizeof(ps->circuit_id));
	if (m->remote_id.present)
		tag_str(m->remote_id.p, m->remote_id.len, ps->remote_id, sizeof(ps->remote_id));
	ps->max_payload = max_payload(p, f, m);
	ps->pidfd = -1;
	ps->started = time(NULL);
	ps->spawned = now_mono(p);
	build_argv(p, f, ps, &argv);
	rc = p->fx->spawn(p->fx_ctx, argv.v, &ps->pid, &ps->pidfd);
	if (rc == 0 && ps->pidfd < 0) {
		/* a pppd acd cannot watch would run on without its PADT and
		 * keep its id: end it now (no descriptors left, say) */
		(void)kill(ps->pid, SIGKILL);
		(void)waitpid(ps->pid, NULL, 0);
		rc = -EMFILE;
	}
	if (rc < 0) {
		p->spawn_failures++;
		log_warnx("pppoe: interface=%s mac=%s sid=%u event=spawn-failed %s: %s", f->name,
			  mac, (unsigned)ps->sid, c->pppoe_pppd, strerror(-rc));
		free(ps);
		send_pads_error(p, f, m, PPPOE_TAG_AC_SYSTEM_ERROR, "cannot start pppd");
		return;
	}
	if (psess_add(p, ps) < 0) {
		/* no memory to keep it: it must not run unseen */
		log_warnx("pppoe: interface=%s mac=%s event=out-of-memory: pppd %d ended", f->name,
			  mac, (int)ps->pid);
		if (ps->pidfd >= 0) {
			(void)p->fx->terminate(p->fx_ctx, ps->pidfd, ps->pid);
			close(ps->pidfd);
		}
		free(ps);
		send_pads_error(p, f, m, PPPOE_TAG_AC_SYSTEM_ERROR, "out of memory");
		return;
	}
	f->st.sessions++;
	ps->starting = true;
	p->nstarting++;
	setup_watch(p, ps);
	if (p->wait_socket) {
		pads_wait(p, ps);
	} else {
		send_pads(p, f, ps);
		log_pads(p, f, ps);
	}
}

/* ---- PADT ----------------------------------------------------------------- */

static void on_padt(struct pppoe *p, struct iface *f, const struct pppoe_msg *m)
{
	struct psess *ps;
	uint16_t sid = m->sid;
	int rc;

	f->st.padt_in++;
	if (memcmp(m->dst, f->mac, 6) != 0) {
		f->st.drops[DROP_NOT_OURS]++;
		return;
	}
	HASH_FIND(hh_sid, p->by_sid, &sid, sizeof(sid), ps);
	/* only the session's own client, on its own link, may end it */
	if (!ps || ps->ifindex != f->ifindex || memcmp(ps->mac, m->src, 6) != 0) {
		f->st.drops[DROP_UNKNOWN_SESSION]++;
		return;
	}
	ps->padt_in = true;
	if (ps->s && !ps->s->terminate_cause[0])
		snprintf(ps->s->terminate_cause, sizeof(ps->s->terminate_cause), "user-request");
	rc = ps->pidfd >= 0 ? p->fx->terminate(p->fx_ctx, ps->pidfd, ps->pid) : -ESRCH;
	log_info("pppoe: interface=%s sid=%u pppd=%d event=padt-in%s", f->name, (unsigned)sid,
		 (int)ps->pid, rc < 0 ? ": pppd already gone" : "");
	if (rc < 0 && ps->pidfd < 0)
		psess_free(p, ps);
}

/* ---- the frames ----------------------------------------------------------- */

void pppoe_input(struct pppoe *p, int ifindex, const uint8_t *frame, size_t len, bool vlan)
{
	struct iface *f = iface_get(p, ifindex);
	struct pppoe_msg m;
	enum pppoe_drop d;

	if (!f || !f->ours)
		return;
	if (vlan) {
		f->st.drops[DROP_VLAN]++;
		return;
	}
	d = pppoe_parse(frame, len, &m);
	if (d != PPPOE_OK) {
		f->st.drops[d]++;
		return;
	}
	switch (m.code) {
	case PPPOE_PADI:
		on_padi(p, f, &m);
		break;
	case PPPOE_PADR:
		on_padr(p, f, &m);
		break;
	case PPPOE_PADT:
		on_padt(p, f, &m);
		break;
	default:
		f->st.drops[DROP_CODE_FROM_CLIENT]++;
		break;
	}
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct pppoe *p = w->data;
	uint8_t frame[PPPOE_FRAME_MAX + 64];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctrl;
	unsigned i;

	(void)loop;
	(void)revents;
	for (i = 0; i < FRAMES_PER_WAKE; i++) {
		struct sockaddr_ll sll;
		struct iovec iov = { frame, sizeof(frame) };
		struct msghdr msg = { .msg_name = &sll, .msg_namelen = sizeof(sll),
				      .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctrl.buf, .msg_controllen = sizeof(ctrl.buf) };
		struct cmsghdr *c;
		bool vlan = false;
		ssize_t n = recvmsg(w->fd, &msg, MSG_DONTWAIT);

		if (n < 0)
			return; /* EAGAIN: all read; anything else: next wake */
		/* ours going out, and frames for other hosts a promiscuous
		 * link shows us */
		if (sll.sll_pkttype == PACKET_OUTGOING || sll.sll_pkttype == PACKET_OTHERHOST)
			continue;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			vlan = (aux.tp_status & TP_STATUS_VLAN_VALID) && aux.tp_vlan_tci;
		}
		if (msg.msg_flags & MSG_TRUNC)
			continue; /* larger than any discovery frame */
		pppoe_input(p, sll.sll_ifindex, frame, (size_t)n, vlan);
	}
}

/* ---- the PADS after pppd's socket ------------------------------------------ */

static void on_poll(struct ev_loop *loop, ev_timer *w, int revents);

/* Out of the waiting list (if in it); the poll stops with the last one. */
static void pads_done(struct pppoe *p, struct psess *ps)
{
	if (!ps->pads_waiting)
		return;
	DL_DELETE2(p->waiting, ps, wprev, wnext);
	ps->pads_waiting = false;
	if (!p->waiting && p->a->loop)
		ev_timer_stop(p->a->loop, &p->poll);
}

/* Its PADS now: pppd holds the session (connected), or it waited long
 * enough.  Not on an interface that is no longer ours. */
static void pads_release(struct pppoe *p, struct psess *ps, bool connected)
{
	struct iface *f;
	char mac[18];

	pads_done(p, ps);
	HASH_FIND_INT(p->ifaces, &ps->ifindex, f);
	if (!f || !f->ours)
		return;
	if (connected) {
		p->pads_waited++;
	} else {
		p->pads_unconnected++;
		mac_str(ps->mac, mac, sizeof(mac));
		log_notice("pppoe: interface=%s mac=%s sid=%u pppd=%d event=pads-unconnected "
			   "pppd holds no session socket after %.0fs: PADS sent anyway", f->name,
			   mac, (unsigned)ps->sid, (int)ps->pid, PADS_WAIT);
	}
	send_pads(p, f, ps);
	log_pads(p, f, ps);
}

static void pads_wait(struct pppoe *p, struct psess *ps)
{
	DL_APPEND2(p->waiting, ps, wprev, wnext);
	ps->pads_waiting = true;
	if (p->a->loop && !ev_is_active(&p->poll)) {
		ev_timer_init(&p->poll, on_poll, PADS_POLL, PADS_POLL);
		p->poll.data = p;
		ev_timer_start(p->a->loop, &p->poll);
	}
}

/*
 * /proc/net/pppoe: a header, then a line per connected PPPoE socket,
 *   Id       Address              Device
 *   00000100 02:00:00:00:00:01    eth1
 * the id printed from its network-order field as a host integer, so that
 * ntohs() of it is the session id on either byte order.  A waiting session
 * whose id, client MAC and interface are there is pppd's: its PADS goes.
 */
void pppoe_socket_scan(struct pppoe *p, FILE *in)
{
	char line[128], dev[IF_NAMESIZE + 1];
	unsigned id, m[6], i;
	struct psess *ps;
	struct iface *f;
	uint16_t sid;

	while (p->waiting && fgets(line, sizeof(line), in)) {
		if (sscanf(line, "%8x %2x:%2x:%2x:%2x:%2x:%2x %16s", &id, &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5], dev) != 8 || id > 0xffff)
			continue;
		sid = ntohs((uint16_t)id);
		HASH_FIND(hh_sid, p->by_sid, &sid, sizeof(sid), ps);
		if (!ps || !ps->pads_waiting)
			continue;
		for (i = 0; i < 6 && m[i] == ps->mac[i]; i++)
			;
		HASH_FIND_INT(p->ifaces, &ps->ifindex, f);
		if (i == 6 && f && strcmp(f->name, dev) == 0)
			pads_release(p, ps, true);
	}
}

void pppoe_socket_poll(struct pppoe *p)
{
	struct psess *ps, *tmp;
	double now = now_mono(p);
	FILE *in;

	if (!p->waiting)
		return;
	in = p->fx->sockets ? p->fx->sockets(p->fx_ctx) : NULL;
	if (in) {
		pppoe_socket_scan(p, in);
		fclose(in);
	}
	DL_FOREACH_SAFE2(p->waiting, ps, tmp, wnext)
		if (now - ps->spawned >= PADS_WAIT)
			pads_release(p, ps, false);
}

static void on_poll(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	pppoe_socket_poll(w->data);
}

/* A pppd whose session is not up SETUP_MAX after its start (a client that
 * took its PADS and never spoke LCP to a silent pppd) is ended. */
static void on_setup_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct psess *ps = w->data;
	struct pppoe *p = ps->p;
	char mac[18];

	(void)loop;
	(void)revents;
	if (ps->s || ps->pidfd < 0)
		return;
	p->setup_timeouts++;
	ps->timed_out = true;
	mac_str(ps->mac, mac, sizeof(mac));
	log_notice("pppoe: sid=%u mac=%s pppd=%d event=setup-timeout no session %.0fs after "
		   "pppd's start: pppd ended", (unsigned)ps->sid, mac, (int)ps->pid, SETUP_MAX);
	(void)p->fx->terminate(p->fx_ctx, ps->pidfd, ps->pid);
}

/* after: seconds until the timeout (SETUP_MAX for a pppd started now) */
static void setup_watch_after(struct pppoe *p, struct psess *ps, double after)
{
	if (!p->a->loop || !p->wait_socket)
		return;
	ev_timer_init(&ps->setup, on_setup_timeout, after, 0);
	ps->setup.data = ps;
	ev_timer_start(p->a->loop, &ps->setup);
}

static void setup_watch(struct pppoe *p, struct psess *ps)
{
	setup_watch_after(p, ps, SETUP_MAX);
}

/* Seconds since process pid started (/proc/PID/stat's starttime against
 * the boot clock), or -1. */
static double proc_age(pid_t pid)
{
	char path[32], buf[1024], *f;
	unsigned long long start;
	long tck = sysconf(_SC_CLK_TCK);
	struct timespec now;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || tck <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) < 0)
		return -1;
	buf[n] = '\0';
	/* after the command's ")" (it may hold spaces and parentheses):
	 * state is field 3, starttime field 22 */
	f = strrchr(buf, ')');
	for (i = 2; f && i < 22; i++)
		f = strchr(f + 1, ' ');
	if (!f || sscanf(f + 1, "%llu", &start) != 1)
		return -1;
	return (double)now.tv_sec + now.tv_nsec / 1e9 - (double)start / (double)tck;
}

/*
 * At start, in the loop's first turn (after the sessions found running
 * have been tied to their pppds): an adopted pppd (an earlier acd's) whose
 * session is not up gets what is left of its SETUP_MAX, from its own
 * start, and at least SETUP_ADOPTED_MIN (its acd.so reconnects and tells
 * what happened while acd was away).  Without it a pppd whose client left
 * while acd was away (its PADS never went) would run for ever.
 */
static void setup_watch_adopted(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct pppoe *p = w->data;
	struct psess *ps, *tmp;
	double age, left;
	char mac[18];

	(void)loop;
	(void)revents;
	HASH_ITER(hh_sid, p->by_sid, ps, tmp) {
		if (!ps->adopted || ps->s || ps->was_up || ev_is_active(&ps->setup))
			continue;
		age = proc_age(ps->pid);
		left = age < 0 ? SETUP_MAX : SETUP_MAX - age;
		if (left < SETUP_ADOPTED_MIN)
			left = SETUP_ADOPTED_MIN;
		setup_watch_after(p, ps, left);
		mac_str(ps->mac, mac, sizeof(mac));
		log_info("pppoe: sid=%u mac=%s pppd=%d event=adopted-starting age=%.0fs: ended in "
			 "%.0fs unless its session comes up", (unsigned)ps->sid, mac, (int)ps->pid,
			 age, left);
	}
}

/* ---- pppd ----------------------------------------------------------------- */

/* pppd's exit status, as pppd(8) names it: what ended a session that did
 * not come up (a client giving up on LCP or PAP, RADIUS saying no) */
static const char *pppd_exit_name(int status)
{
	static const char *const names[] = {
		"ok", "fatal error", "option error", "not root", "no kernel support",
		"user request", "lock failed", "open failed", "connect failed",
		"connect script failed", "negotiation failed", "peer failed to authenticate",
		"idle timeout", "connect time", "callback", "peer dead (no echo replies)",
		"hangup", "loopback", "init failed", "failed to authenticate to peer",
		"traffic limit", "CNID authentication failed",
	};

	if (status >= 0 && (size_t)status < sizeof(names) / sizeof(names[0]))
		return names[status];
	return status >= 128 ? "killed by a signal" : "unknown";
}

static void child_gone(struct pppoe *p, struct psess *ps, int status)
{
	double lived = now_mono(p) - ps->spawned;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	char mac[18];

	mac_str(ps->mac, mac, sizeof(mac));
	/* a session still waiting for its PADS is one the client never heard
	 * of: its next PADR starts another */
	if (!ps->padt_in && !ps->pads_waiting)
		send_padt(p, ps, "session ended");
	/* a client that got its PADS and still has no session is one an
	 * operator hears of, as of a setup timeout: the pppd ended first */
	if (!ps->was_up && !ps->adopted && !ps->padt_in && !ps->timed_out && !ps->pads_waiting) {
		p->setup_failures++;
		log_notice("pppoe: sid=%u mac=%s pppd=%d event=setup-failed status=%d (%s) "
			   "after=%.1fs: pppd ended before the session came up",
			   (unsigned)ps->sid, mac, (int)ps->pid, code, pppd_exit_name(code), lived);
	} else {
		log_info("pppoe: sid=%u mac=%s pppd=%d event=pppd-exit status=%d after=%.1fs%s",
			 (unsigned)ps->sid, mac, (int)ps->pid, code, lived,
			 ps->padt_in ? " (client sent PADT)" : "");
	}
	/* a pppd that dies at once never ran: after a few in a row, PADRs
	 * wait (4 s, 8, 16 ... 60 s) instead of starting the next one.  One we
	 * ended for its client's PADT says nothing of pppd either way: were
	 * it counted, any client could stop all PADRs with three quick
	 * PADR+PADT pairs. */
	if (!ps->padt_in && !ps->adopted && !ps->s && lived < FAST_EXIT) {
		if (++p->fast_fails >= FAST_FAILS) {
			double wait = BACKOFF_FIRST * (1u << (p->fast_fails - FAST_FAILS > 4
							      ? 4 : p->fast_fails - FAST_FAILS));

			if (wait > BACKOFF_MAX)
				wait = BACKOFF_MAX;
			p->backoff_until = now_mono(p) + wait;
			p->backoffs++;
			log_warnx("pppoe: event=backoff pppd exited within %.0fs %u times in a row "
				  "(is %s with its plugin %s installed, and /dev/ppp there?): "
				  "PADRs refused for %.0fs", FAST_EXIT, p->fast_fails,
				  p->a->cfg.pppoe_pppd, p->a->cfg.pppoe_plugin, wait);
		}
	} else if (!ps->padt_in) {
		p->fast_fails = 0;
	}
	psess_free(p, ps);
}

static void reap(struct pppoe *p, struct psess *ps)
{
	int status = 0;

	if (ps->pidfd >= 0)
		(void)p->fx->reap(p->fx_ctx, ps->pidfd, ps->pid, &status);
	child_gone(p, ps, status);
}

void pppoe_child_exited(struct pppoe *p, pid_t pid)
{
	struct psess *ps;

	HASH_FIND(hh_pid, p->by_pid, &pid, sizeof(pid), ps);
	if (ps)
		reap(p, ps);
}

static void on_exit_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct psess *ps = w->data;

	(void)loop;
	(void)revents;
	reap(ps->p, ps);
}

/* ---- the real effects ----------------------------------------------------- */

static int real_send(void *ctx, int ifindex, const uint8_t *frame, size_t len)
{
	struct pppoe *p = ctx;
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_PPP_DISC),
				  .sll_ifindex = ifindex, .sll_halen = 6 };

	memcpy(to.sll_addr, frame, 6);
	return sendto(p->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0
		       ? -errno : 0;
}

/*
 * pppd 2.4.9 runs /etc/ppp/ip-pre-up (and waits for it), ipv6-up,
 * ipv6-down, auth-up and auth-down whatever its options say; only ip-up
 * and ip-down have an option (build_argv).  Debian's are each a shell and
 * run-parts: in the VM's 100-client storm, covering ip-pre-up halved the
 * CPU each session's pppd took.  When acd.so reports the session,
 * they are covered for this pppd alone: in a mount namespace of its own
 * (its mounts slaves of acd's, so that nothing goes back) each is a bind
 * mount of noop, an executable that does nothing.  Not an empty file or
 * /dev/null: pppd logs a warning for a script that exists and is not
 * executable; and a mount cannot make the path go away.  In the child
 * after fork: syscalls only.  When one fails, pppd runs the scripts.
 */
static const char *const fixed_scripts[] = { "/etc/ppp/ip-pre-up", "/etc/ppp/ipv6-up",
					     "/etc/ppp/ipv6-down", "/etc/ppp/auth-up",
					     "/etc/ppp/auth-down" };

static void cover_scripts(const char *noop)
{
	struct stat st;
	unsigned i;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return;
	for (i = 0; i < sizeof(fixed_scripts) / sizeof(fixed_scripts[0]); i++)
		if (lstat(fixed_scripts[i], &st) == 0 && S_ISREG(st.st_mode))
			(void)mount(noop, fixed_scripts[i], NULL, MS_BIND, NULL);
}

/* CAP_SYS_ADMIN in acd's effective set: a mount namespace for a pppd */
static bool can_mount(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN);
}

/* Whether the sessions' pppds get the fixed scripts covered now: acd.so
 * reports the sessions, and acd can.  Logged when that changes. */
enum { SCRIPTS_RUN = 1, SCRIPTS_COVERED, SCRIPTS_UNCOVERED };

static bool covering(struct pppoe *p)
{
	const struct acd_config *c = &p->a->cfg;
	int now = config_pppoe_scripts(c) ? SCRIPTS_RUN
		  : p->noop[0]            ? SCRIPTS_COVERED
					  : SCRIPTS_UNCOVERED;

	if (now != p->scripts && (p->scripts || now != SCRIPTS_RUN)) {
		if (now == SCRIPTS_COVERED)
			log_notice("pppoe: the sessions' pppds run none of /etc/ppp's scripts: "
				   "acd.so reports their sessions; ip-pre-up, ipv6-up and ipv6-down, "
				   "which pppd runs whatever its options say, are each pppd's bind "
				   "mount of %s", p->noop);
		else if (now == SCRIPTS_UNCOVERED)
			log_notice("pppoe: the sessions' pppds run /etc/ppp/ip-pre-up, ipv6-up "
				   "and ipv6-down (pppd 2.4.9 has no option to skip them), a fork and "
				   "whatever the script runs each: acd cannot cover them without "
				   "CAP_SYS_ADMIN (a mount namespace per pppd)");
		else
			log_notice("pppoe: the sessions' pppds run /etc/ppp's scripts (ppp-scripts "
				   "= %s)", c->pppoe_scripts == ACD_SCRIPTS_YES ? "yes"
										: "auto, without acd.so");
	}
	p->scripts = now;
	return now == SCRIPTS_COVERED;
}

/*
 * fork and exec, no shell: the child gets default signal dispositions and
 * an empty mask, its own session (a ^C to acd is not one to every pppd),
 * /dev/null for stdio (pppd logs to syslog), and no descriptor of acd's.
 *
 * Every signal is blocked across the fork and in the child until its
 * dispositions are the defaults: a SIGTERM sent to the new pid at once (a
 * client's PADT right behind its PADS) would otherwise run acd's libev
 * handler in the child, which swallows it, and that pppd would run on.
 * Blocked, it waits and then ends the child as it should.
 */
static int real_spawn(void *ctx, char *const argv[], pid_t *pid, int *pidfd)
{
	struct pppoe *p = ctx;
	const char *noop = covering(p) ? p->noop : NULL;
	sigset_t all, old, none;
	pid_t c;
	int fd, err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	c = fork();
	err = errno;
	if (c != 0)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (c < 0)
		return -err;
	if (c == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		int sig, null = open("/dev/null", O_RDWR);

		for (sig = 1; sig < NSIG; sig++)
			(void)sigaction(sig, &dfl, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		(void)setsid();
		if (noop)
			cover_scripts(noop);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		(void)close_range(3, ~0U, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	fd = pidfd_open(c, 0);
	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	*pid = c;
	*pidfd = fd;
	return 0;
}

static int real_terminate(void *ctx, int pidfd, pid_t pid)
{
	(void)ctx;
	(void)pid;
	/* by pidfd: never a process that got the pid after pppd's exit */
	return pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 ? -errno : 0;
}

static int real_reap(void *ctx, int pidfd, pid_t pid, int *status)
{
	siginfo_t si = { 0 };

	(void)ctx;
	(void)pid;
	/* our child: its status; an adopted pppd (init's child now): none,
	 * ECHILD, and the pidfd said it is gone */
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG) == 0 && si.si_pid) {
		*status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status;
		return 0;
	}
	*status = 0;
	return -errno;
}

static FILE *real_sockets(void *ctx)
{
	(void)ctx;
	return fopen("/proc/net/pppoe", "re");
}

static const struct pppoe_fx real_fx = {
	.send = real_send,
	.spawn = real_spawn,
	.sockets = real_sockets,
	.terminate = real_terminate,
	.reap = real_reap,
};

/* ---- the session core's side ---------------------------------------------- */

/* A session comes up whose pppd is one of ours: it carries its record. */
static void tie(struct pppoe *p, struct session *s)
{
	struct psess *ps;
	pid_t pid = s->pppd_pid;

	if (s->ext[p->slot] || pid <= 0)
		return;
	HASH_FIND(hh_pid, p->by_pid, &pid, sizeof(pid), ps);
	if (!ps || ps->s)
		return;
	ps->s = s;
	ps->was_up = true;
	starting_done(p, ps);
	s->ext[p->slot] = ps;
	if (ev_is_active(&ps->setup))
		ev_timer_stop(p->a->loop, &ps->setup);
	/* the line, for accounting (which hears this event after us) */
	memcpy(s->circuit_id, ps->circuit_id, sizeof(s->circuit_id));
	memcpy(s->remote_id, ps->remote_id, sizeof(s->remote_id));
}

/* Hex of bytes into buf (2 * n + 1), and back: 0 or -EINVAL. */
/* o's key: the n bytes of v (at most 64: a Host-Uniq or a relay id) in hex */
static void set_hex(json_t *o, const char *key, const uint8_t *v, size_t n)
{
	char hex[2 * (HOST_UNIQ_MAX > RELAY_MAX ? HOST_UNIQ_MAX : RELAY_MAX) + 1];
	size_t i;

	for (i = 0; i < n && i < sizeof(hex) / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", v[i]);
	hex[2 * i] = '\0';
	json_object_set_new(o, key, json_string(hex));
}

static int hex_to(const char *h, uint8_t *v, size_t max, uint16_t *n)
{
	size_t len = strlen(h), i;
	unsigned b;

	if (len % 2 || len / 2 > max)
		return -EINVAL;
	for (i = 0; i < len / 2; i++) {
		if (!isxdigit((unsigned char)h[2 * i]) || !isxdigit((unsigned char)h[2 * i + 1]) ||
		    sscanf(h + 2 * i, "%2x", &b) != 1)
			return -EINVAL;
		v[i] = (uint8_t)b;
	}
	*n = (uint16_t)(len / 2);
	return 0;
}

/*
 * A session a restarted acd finds running: its pppd (no longer our child,
 * but a pidfd sees its exit), its id kept from the next PADRs.  NULL when
 * its pppd is gone or the id is taken.
 */
static struct psess *adopt(struct pppoe *p, uint16_t sid, int ifindex, const uint8_t mac[6],
			   pid_t pid)
{
	struct psess *ps;

	HASH_FIND(hh_sid, p->by_sid, &sid, sizeof(sid), ps);
	if (ps || !(ps = calloc(1, sizeof(*ps))))
		return NULL;
	ps->p = p;
	ps->sid = sid;
	ps->ifindex = ifindex;
	memcpy(ps->mac, mac, 6);
	ps->req.ifindex = ifindex;
	memcpy(ps->req.mac, mac, 6);
	ps->req.cookie[0] = 0xff; /* no PADR carries this: not a request's */
	memcpy(ps->req.cookie + 1, &sid, sizeof(sid));
	ps->pid = pid;
	ps->pidfd = pidfd_open(pid, 0);
	ps->adopted = true;
	ps->started = time(NULL);
	ps->spawned = now_mono(p);
	if (ps->pidfd < 0) { /* gone meanwhile */
		free(ps);
		return NULL;
	}
	(void)fcntl(ps->pidfd, F_SETFD, FD_CLOEXEC);
	if (psess_add(p, ps) < 0) {
		close(ps->pidfd);
		free(ps);
		return NULL;
	}
	/* its link's name and MAC now: show session names it, and its PADT
	 * may come before any discovery frame does */
	(void)iface_get(p, ifindex);
	/* ids after it, not it again */
	if (p->next_sid <= sid)
		p->next_sid = sid >= 0xFFFE ? 1 : sid + 1;
	return ps;
}

/* A restarted acd: the session's record from the state file. */
static void restore(struct pppoe *p, struct session *s, json_t *saved)
{
	json_t *o = json_object_get(saved, "pppoe");
	const char *mac = json_string_value(json_object_get(o, "mac"));
	const char *hu = json_string_value(json_object_get(o, "host_uniq"));
	const char *relay = json_string_value(json_object_get(o, "relay_id"));
	json_int_t sid = json_integer_value(json_object_get(o, "sid"));
	json_int_t ifindex = json_integer_value(json_object_get(o, "ifindex"));
	json_int_t mp = json_integer_value(json_object_get(o, "max_payload"));
	unsigned m[6];
	uint8_t mac6[6];
	struct psess *ps;
	uint16_t s16;
	int i;

	if (!json_is_object(o) || !mac || sid < 1 || sid > 0xFFFE || ifindex < 1 ||
	    ifindex > INT32_MAX || s->pppd_pid <= 0 ||
	    sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return;
	for (i = 0; i < 6; i++)
		mac6[i] = (uint8_t)m[i];
	s16 = (uint16_t)sid;
	HASH_FIND(hh_sid, p->by_sid, &s16, sizeof(s16), ps);
	/* found at start in /proc already (scan_pppds), or adopted now */
	if (ps && (ps->pid != s->pppd_pid || memcmp(ps->mac, mac6, 6) != 0))
		return; /* that id is another session's */
	if (!ps && !(ps = adopt(p, s16, (int)ifindex, mac6, s->pppd_pid)))
		return;
	ps->started = s->started;
	snprintf(ps->service, sizeof(ps->service), "%s",
		 json_string_value(json_object_get(o, "service")) ?: "");
	snprintf(ps->circuit_id, sizeof(ps->circuit_id), "%s",
		 json_string_value(json_object_get(o, "circuit_id")) ?: "");
	snprintf(ps->remote_id, sizeof(ps->remote_id), "%s",
		 json_string_value(json_object_get(o, "remote_id")) ?: "");
	ps->has_host_uniq = hu && hex_to(hu, ps->host_uniq, HOST_UNIQ_MAX, &ps->host_uniq_len) == 0;
	ps->has_relay = relay && hex_to(relay, ps->relay, RELAY_MAX, &ps->relay_len) == 0;
	ps->max_payload = mp >= PPPOE_MTU_DEFAULT && mp <= 0xFFFF ? (uint16_t)mp : 0;
}

/*
 * At start: the pppds of a running AC (acd was restarted, or killed) from
 * /proc, so their ids are not handed out again and their exits get their
 * PADTs, whether or not their hooks ever reached acd.  Only root's
 * processes named as [pppoe] pppd is, with our plugin's rp_pppoe_sess
 * SID:MAC and nic-IF of one of our interfaces; cmdline is read bounded
 * and parsed strictly.
 */
static void scan_pppds(struct pppoe *p)
{
	const struct acd_config *c = &p->a->cfg;
	const char *base = strrchr(c->pppoe_pppd, '/');
	DIR *d = opendir("/proc");
	struct dirent *e;
	struct stat self_ns;
	unsigned found = 0;

	base = base ? base + 1 : c->pppoe_pppd;
	/* only pppds of acd's own network namespace: another namespace's (a
	 * container, another AC) may have a link of the same name */
	if (stat("/proc/self/ns/net", &self_ns) < 0) {
		if (d)
			closedir(d);
		return;
	}
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[64], buf[4096], comm[32] = "", *arg, *end, ifname[IF_NAMESIZE] = "";
		unsigned sid = 0, m[6];
		uint8_t mac[6];
		struct stat st;
		ssize_t n;
		pid_t pid;
		int fd, i, ifindex;
		bool sess = false;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    strspn(e->d_name, "0123456789") != strlen(e->d_name) || strlen(e->d_name) > 9)
			continue;
		pid = (pid_t)atoi(e->d_name);
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (stat(path, &st) < 0 || st.st_uid != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if (stat(path, &st) < 0 || st.st_ino != self_ns.st_ino ||
		    st.st_dev != self_ns.st_dev)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		if (strncmp(comm, base, 15) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		end = buf + n;
		for (arg = buf; arg < end; arg += strlen(arg) + 1) {
			if (strncmp(arg, "nic-", 4) == 0 && strlen(arg + 4) < sizeof(ifname))
				snprintf(ifname, sizeof(ifname), "%s", arg + 4);
			else if (strcmp(arg, "rp_pppoe_sess") == 0 && arg + strlen(arg) + 1 < end) {
				char tail;
				const char *v = arg + strlen(arg) + 1;

				sess = strlen(v) <= 23 &&
				       sscanf(v, "%5u:%2x:%2x:%2x:%2x:%2x:%2x%c", &sid, &m[0], &m[1],
					      &m[2], &m[3], &m[4], &m[5], &tail) == 7 &&
				       sid >= 1 && sid <= 0xFFFE;
			}
		}
		if (!sess || !ifname[0] || !name_wanted(c, ifname) ||
		    !(ifindex = (int)if_nametoindex(ifname)))
			continue;
		for (i = 0; i < 6; i++)
			mac[i] = (uint8_t)m[i];
		if (adopt(p, (uint16_t)sid, ifindex, mac, pid))
			found++;
	}
	closedir(d);
	if (found)
		log_notice("pppoe: event=adopted %u running pppd(s) of an earlier acd: their ids "
			   "are kept, their exits get their PADTs", found);
}

static void on_session(const struct session_event *ev, void *ctx)
{
	struct pppoe *p = ctx;
	struct psess *ps;

	switch (ev->type) {
	case SESSION_UP:
	case SESSION_PROTO_UP:
	case SESSION_ADOPTED:
		tie(p, ev->s);
		break;
	case SESSION_RECONCILED:
		if (ev->saved)
			restore(p, ev->s, ev->saved);
		tie(p, ev->s);
		break;
	case SESSION_DOWN:
		ps = ev->s->ext[p->slot];
		/* pppd runs ip-down as it ends: its exit comes next.  The
		 * session is freed once the listeners return; until then its
		 * ext still shows the record (the monitor's session-down). */
		if (ps)
			ps->s = NULL;
		break;
	default:
		break;
	}
}

/* show session's pppoe object; Host-Uniq and Relay-Session-Id (bytes the
 * client and a relay chose) in hex, as the state file keeps them */
static json_t *psess_json(const struct pppoe *p, const struct psess *ps)
{
	struct iface *f;
	char mac[18];
	json_t *o;

	HASH_FIND_INT(p->ifaces, &ps->ifindex, f);
	mac_str(ps->mac, mac, sizeof(mac));
	o = json_pack("{s:s,s:i,s:i,s:s,s:s,s:s,s:s,s:i}", "interface", f ? f->name : "",
		      "ifindex", ps->ifindex, "sid", (int)ps->sid, "mac", mac, "service",
		      ps->service, "circuit_id", ps->circuit_id, "remote_id", ps->remote_id,
		      "max_payload", (int)ps->max_payload);
	if (o && ps->has_host_uniq)
		set_hex(o, "host_uniq", ps->host_uniq, ps->host_uniq_len);
	if (o && ps->has_relay)
		set_hex(o, "relay_id", ps->relay, ps->relay_len);
	return o;
}

static void on_describe(const struct session *s, json_t *o, void *ctx)
{
	const struct psess *ps = s->ext[((struct pppoe *)ctx)->slot];

	if (ps)
		json_object_set_new(o, "pppoe", psess_json(ctx, ps));
}

/* The state file keeps what a restarted acd needs to go on serving it. */
struct saved {
	bool set, has_host_uniq, has_relay;
	uint16_t sid, max_payload, host_uniq_len, relay_len;
	int ifindex;
	uint8_t mac[6], host_uniq[HOST_UNIQ_MAX], relay[RELAY_MAX];
	char service[65], circuit_id[64], remote_id[64];
};

static void saved_take(const struct session *s, void *buf, void *ctx)
{
	const struct psess *ps = s->ext[((struct pppoe *)ctx)->slot];
	struct saved *v = buf;

	memset(v, 0, sizeof(*v));
	if (!ps)
		return;
	v->set = true;
	v->sid = ps->sid;
	v->ifindex = ps->ifindex;
	memcpy(v->mac, ps->mac, 6);
	memcpy(v->service, ps->service, sizeof(v->service));
	memcpy(v->circuit_id, ps->circuit_id, sizeof(v->circuit_id));
	memcpy(v->remote_id, ps->remote_id, sizeof(v->remote_id));
	v->has_host_uniq = ps->has_host_uniq;
	v->host_uniq_len = ps->host_uniq_len;
	memcpy(v->host_uniq, ps->host_uniq, sizeof(v->host_uniq));
	v->has_relay = ps->has_relay;
	v->relay_len = ps->relay_len;
	memcpy(v->relay, ps->relay, sizeof(v->relay));
	v->max_payload = ps->max_payload;
}

static void saved_put(const void *buf, json_t *rec, void *ctx)
{
	const struct saved *v = buf;
	char mac[18];
	json_t *o;

	(void)ctx;
	if (!v->set)
		return;
	mac_str(v->mac, mac, sizeof(mac));
	o = json_pack("{s:i,s:i,s:s,s:s,s:s,s:s}", "sid", (int)v->sid, "ifindex", v->ifindex,
		      "mac", mac, "service", v->service, "circuit_id", v->circuit_id,
		      "remote_id", v->remote_id);
	if (v->has_host_uniq)
		set_hex(o, "host_uniq", v->host_uniq, v->host_uniq_len);
	if (v->has_relay)
		set_hex(o, "relay_id", v->relay, v->relay_len);
	if (v->max_payload)
		json_object_set_new(o, "max_payload", json_integer(v->max_payload));
	json_object_set_new(rec, "pppoe", o);
}

/* ---- open, close, stat ---------------------------------------------------- */

struct pppoe *pppoe_open_fx(struct acd *a, const struct pppoe_fx *fx, void *ctx, char *err,
			    size_t errlen)
{
	struct pppoe *p;
	int rc;

	if (a->cfg.n_pppoe_ifaces == 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->mac_rl = calloc(MAC_BUCKETS, sizeof(*p->mac_rl)))) {
		free(p);
		snprintf(err, errlen, "[pppoe]: out of memory");
		return NULL;
	}
	p->a = a;
	p->fx = fx ? fx : &real_fx;
	p->fx_ctx = fx ? ctx : p;
	p->fd = -1;
	p->fd_padi = -1;
	p->next_sid = 1;
	p->wait_socket = fx && fx->sockets;
	rc = pppoe_cookie_init(&p->keys, a->cfg.pppoe_cookie_lifetime, cookie_now());
	if (rc == 0 && getrandom(&p->mac_seed, sizeof(p->mac_seed), 0) != sizeof(p->mac_seed))
		rc = -errno;
	if (rc < 0) {
		snprintf(err, errlen, "[pppoe]: no random bytes for the AC-Cookie key: %s",
			 strerror(-rc));
		goto fail;
	}
	p->slot = session_ext_slot(&a->sess);
	if (p->slot < 0 ||
	    session_listen(&a->sess, &(struct session_listener){ .event = on_session,
								.describe = on_describe,
								.ctx = p }) < 0 ||
	    state_extend(&(struct state_ext){ .size = sizeof(struct saved), .take = saved_take,
					      .put = saved_put, .ctx = p }) < 0) {
		snprintf(err, errlen, "[pppoe]: too many session listeners");
		goto fail;
	}
	return p;
fail:
	free(p->mac_rl);
	free(p);
	return NULL;
}

/* The kernel has PPPoE sockets (and /proc/net/pppoe): opening one loads
 * the module, as pppd's would.  Without them no pppd can hold a session;
 * the PADS then goes at once (a development kernel with a stand-in pppd). */
static bool kernel_pppoe(void)
{
	int fd = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_OE);

	if (fd < 0) {
		log_warnx("pppoe: this kernel has no PPPoE sockets (%s): pppd cannot hold a session "
			  "(modprobe pppoe)", strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

/*
 * A discovery socket that takes the frames whose code is (padi) or is not
 * a PADI.  Two queues: while acd is busy (starting pppds for a burst of
 * PADRs), a PADI flood fills its own queue and the kernel drops PADIs, not
 * the PADRs and PADTs of clients on any interface; with one queue, 62 of
 * 100 clients' PADTs were lost so (bench.pppoe 2b).  The filter is on
 * before the socket is bound to the protocol: nothing comes in unfiltered.
 * The code is the byte after the Ethernet header and PPPoE's ver/type
 * (a VLAN tag the kernel took off is not in the frame).  A frame too short
 * to hold it is dropped by the kernel.
 */
static int disc_socket(bool padi, char *err, size_t errlen)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 15),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PPPOE_PADI, padi ? 0 : 1, padi ? 1 : 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_PPP_DISC) };
	int one = 1, rcvbuf = 4 << 20;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "[pppoe]: cannot open a packet socket: %s%s", strerror(errno),
			 errno == EPERM ? " (acd needs CAP_NET_RAW for PPPoE discovery)" : "");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(err, errlen, "[pppoe]: cannot set up a packet socket: %s", strerror(errno));
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
	/* one queue for every interface: room for a burst (a flood on one
	 * VLAN, every client of a rebooted access node at once) before the
	 * kernel drops other interfaces' frames; FORCE passes rmem_max with
	 * CAP_NET_ADMIN, which acd has */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

struct pppoe *pppoe_open(struct acd *a, char *err, size_t errlen)
{
	struct pppoe *p = pppoe_open_fx(a, NULL, NULL, err, errlen);

	if (!p)
		return NULL;
	if ((p->fd = disc_socket(false, err, errlen)) < 0 ||
	    (p->fd_padi = disc_socket(true, err, errlen)) < 0) {
		pppoe_close(p);
		return NULL;
	}
	if (a->rtnl && rtnl_subscribe(a->rtnl, on_link, p) == 0)
		p->subscribed = true;
	scan_pppds(p);
	p->wait_socket = kernel_pppoe();
	/* true itself: busybox's (Alpine) would run as an applet "ip-pre-up" */
	if (!can_mount() || !realpath("/bin/true", p->noop) || access(p->noop, X_OK) < 0 ||
	    strcmp(strrchr(p->noop, '/'), "/true") != 0)
		p->noop[0] = '\0';
	(void)covering(p);
	ev_timer_init(&p->adopted, setup_watch_adopted, 0, 0);
	p->adopted.data = p;
	ev_timer_start(a->loop, &p->adopted);
	/* the PADRs and PADTs first, when both wait */
	ev_io_init(&p->rd, on_readable, p->fd, EV_READ);
	ev_set_priority(&p->rd, 1);
	p->rd.data = p;
	ev_io_start(a->loop, &p->rd);
	ev_io_init(&p->rd_padi, on_readable, p->fd_padi, EV_READ);
	p->rd_padi.data = p;
	ev_io_start(a->loop, &p->rd_padi);
	log_notice("pppoe: serving discovery on %u interface pattern(s), pppd %s, plugin %s",
		   a->cfg.n_pppoe_ifaces, a->cfg.pppoe_pppd, a->cfg.pppoe_plugin);
	return p;
}

void pppoe_close(struct pppoe *p)
{
	struct psess *ps, *tmp;
	struct iface *f, *ftmp;

	if (!p)
		return;
	/* a waiting PADS goes now, while the socket is open: its silent pppd
	 * answers the client's LCP (a restarted acd could not send it) */
	while (p->waiting)
		pads_release(p, p->waiting, true);
	if (p->fd_padi >= 0) {
		ev_io_stop(p->a->loop, &p->rd_padi);
		close(p->fd_padi);
	}
	if (p->fd >= 0) {
		ev_io_stop(p->a->loop, &p->rd);
		ev_timer_stop(p->a->loop, &p->adopted);
		close(p->fd);
	}
	if (p->subscribed)
		rtnl_unsubscribe(p->a->rtnl, on_link, p);
	/* the pppds go on; a restarted acd finds them in the state file */
	HASH_ITER(hh_sid, p->by_sid, ps, tmp)
		psess_free(p, ps);
	HASH_ITER(hh, p->ifaces, f, ftmp) {
		HASH_DEL(p->ifaces, f);
		free(f);
	}
	pppoe_cookie_clear(&p->keys);
	free(p->mac_rl);
	pppoe_refused_free(&p->refused);
	free(p);
}

void pppoe_reconfigure(struct pppoe *p)
{
	struct iface *f;

	/* interfaces match the new [pppoe] interface lines at their next
	 * frame; a link no longer named stops being answered, its sessions
	 * go on */
	for (f = p->ifaces; f; f = f->hh.next)
		f->stale = true;
	if (p->a->cfg.pppoe_cookie_lifetime)
		p->keys.lifetime = p->a->cfg.pppoe_cookie_lifetime;
	if (p->fd >= 0)
		(void)covering(p); /* said when ppp-scripts or acd.so changed */
}

static json_t *stats_json(const struct ifstats *st)
{
	json_t *d = json_object();
	unsigned i;

	for (i = 1; i < DROP__MAX; i++)
		if (st->drops[i])
			json_object_set_new(d, drop_name(i), json_integer((json_int_t)st->drops[i]));
	return json_pack("{s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "padi_in", (json_int_t)st->padi_in,
			 "padi_retry", (json_int_t)st->padi_retry, "dropped", d,
			 "pado_out", (json_int_t)st->pado_out, "padr_in", (json_int_t)st->padr_in,
			 "padr_duplicate", (json_int_t)st->padr_dup,
			 "pads_out", (json_int_t)st->pads_out,
			 "pads_error", (json_int_t)st->pads_error,
			 "padt_in", (json_int_t)st->padt_in, "padt_out", (json_int_t)st->padt_out,
			 "sessions_started", (json_int_t)st->sessions,
			 "limit_hits", (json_int_t)st->limit_hits);
}

bool pppoe_started(const struct pppoe *p, const struct session *s)
{
	return p && p->slot >= 0 && s->ext[p->slot] != NULL;
}

json_t *pppoe_stat_json(const struct pppoe *p)
{
	json_t *ifs, *o;
	const struct iface *f;
	double wait;

	if (!p)
		return json_pack("{s:b}", "enabled", 0);
	ifs = json_array();
	for (f = p->ifaces; f; f = f->hh.next) {
		if (!f->ours)
			continue;
		o = stats_json(&f->st);
		json_object_set_new(o, "interface", json_string(f->name));
		json_object_set_new(o, "ifindex", json_integer(f->ifindex));
		json_object_set_new(o, "mtu", json_integer(f->mtu));
		json_array_append_new(ifs, o);
	}
	wait = p->backoff_until - now_mono(p);
	return json_pack("{s:b,s:i,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:o}", "enabled", 1,
			 "sessions", (int)p->nsess, "starting", (int)p->nstarting,
			 "pads_after_pppd", (json_int_t)p->pads_waited,
			 "pads_unconnected", (json_int_t)p->pads_unconnected,
			 "setup_timeouts", (json_int_t)p->setup_timeouts,
			 "setup_failures", (json_int_t)p->setup_failures,
			 "spawn_failures", (json_int_t)p->spawn_failures,
			 "backoffs", (json_int_t)p->backoffs, "backoff_s", wait > 0 ? wait : 0.0,
			 "interfaces", ifs);
}
