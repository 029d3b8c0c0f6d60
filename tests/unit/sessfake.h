/*
 * sessfake.h - effects for the session core (struct session_fx) without
 * root or a kernel: links, radattr files, pppd processes and the shaper
 * are tables the test fills, and every call is counted, so a test says
 * what the world looks like and checks what the core did to it.
 */
#ifndef ACD_TEST_SESSFAKE_H
#define ACD_TEST_SESSFAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rtnl.h"
#include "session.h"

#define FAKE_MAX 16

struct fake_link {
	char name[16];
	int ifindex;
	char local[16], peer[16];       /* IPv4 on the link */
	char peer_ll[46];               /* from the address (pppd 2.5) */
	char route_ll[46];              /* from a /128 route (pppd 2.4): peer_lls() */
	bool has_addr;
};

struct fake_radattr {
	char ifname[16];
	char user[64];                  /* User-Name, "" = none */
	uint64_t down, up;              /* 0 and 0: the default */
};

struct fake {
	struct fake_link links[FAKE_MAX];
	unsigned nlinks;
	struct fake_radattr rad[FAKE_MAX];
	unsigned nrad;
	pid_t pppds[FAKE_MAX];          /* processes that are pppd */
	unsigned npppds;
	pid_t pid_files[FAKE_MAX];      /* pid_files[i]: links[i]'s pid file */
	bool shape_fails, kill_fails;
	/* what the core did */
	unsigned shapes, clears, gcs, peer_ll_dumps, links_calls;
	struct shaper_policy last;      /* the last applied */
	int last_ifindex;
	pid_t killed;
};

extern const struct session_fx fake_fx;

/* A link of ours (has an address), returning it to fill in more. */
struct fake_link *fake_link(struct fake *f, const char *name, int ifindex);
void fake_radattr(struct fake *f, const char *ifname, const char *user, uint64_t down,
		  uint64_t up);
void fake_pppd(struct fake *f, pid_t pid);

/* A recording listener: the events in order, with what they said. */
struct rec_event {
	enum session_event_type type;
	char ifname[16];
	char cause[32], proto[8];
	bool addr_changed, saved;
};

struct recorder {
	struct rec_event ev[64];
	unsigned n;
};

void recorder_listen(struct sessions *t, struct recorder *r);

#endif
