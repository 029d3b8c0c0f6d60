/*
 * pppoe.h - acd as the PPPoE access concentrator (RFC 2516, RFC 4638):
 * discovery on one AF_PACKET socket, a stateless AC-Cookie, limits, and one
 * kernel-mode pppd per session (pppd's pppoe.so plugin takes the session
 * over with rp_pppoe_sess SID:MAC), reaped through a pidfd, with the PADT
 * pppd 2.4.9 never sends.  A consumer of the session core: a session whose
 * pppd acd started carries its discovery record (show session, the state
 * file), and a session's pppd that exits gets its PADT.
 *
 * Without [pppoe] interface, pppoe_open() returns NULL with err empty and
 * acd is the hook-driven daemon it was.
 */
#ifndef ACD_PPPOE_H
#define ACD_PPPOE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

struct acd;
struct pppoe;

/*
 * What the server does to the world, with ctx first: the real ones use the
 * packet socket, fork+exec and pidfds; a unit test passes its own.
 */
struct pppoe_fx {
	/* send a whole Ethernet frame out of ifindex: 0 or -errno */
	int (*send)(void *ctx, int ifindex, const uint8_t *frame, size_t len);
	/* start argv[0] with argv: its pid and a pidfd that turns readable when
	 * it exits (or -1: no watch), or -errno */
	int (*spawn)(void *ctx, char *const argv[], pid_t *pid, int *pidfd);
	/* SIGTERM to the process of pidfd (pid for the log): 0 or -errno */
	int (*terminate)(void *ctx, int pidfd, pid_t pid);
	/* the exit status of a process whose pidfd turned readable, and close it */
	int (*reap)(void *ctx, int pidfd, pid_t pid, int *status);
	/* /proc/net/pppoe (the connected PPPoE sockets) to read, or NULL;
	 * NULL as a member: PADSs go at once, pppd runs without `silent` */
	FILE *(*sockets)(void *ctx);
};

/* NULL with err empty without [pppoe]; NULL with err set on a failure. */
struct pppoe *pppoe_open(struct acd *a, char *err, size_t errlen);
/* For a unit test: the server with fx and no socket; frames go in through
 * pppoe_input(). */
struct pppoe *pppoe_open_fx(struct acd *a, const struct pppoe_fx *fx, void *ctx, char *err,
			    size_t errlen);
/* Stop answering; the sessions' pppds go on (as the shaping does). */
void pppoe_close(struct pppoe *p);
/* After a reload: interfaces matched anew, the cookie lifetime. */
void pppoe_reconfigure(struct pppoe *p);

/* One frame as the socket delivers it (from its Ethernet header), that
 * arrived on ifindex (vlan: it carried a VLAN tag the kernel took off).
 * The link's MAC and MTU are taken from the kernel on first use unless a
 * test set them with pppoe_iface_set(). */
void pppoe_input(struct pppoe *p, int ifindex, const uint8_t *frame, size_t len, bool vlan);
int pppoe_iface_set(struct pppoe *p, int ifindex, const char *name, const uint8_t mac[6],
		    unsigned mtu);
/* A pppd whose pidfd turned readable has exited: its PADT, its record gone. */
void pppoe_child_exited(struct pppoe *p, pid_t pid);
/* The PADSs that wait for their pppd's socket: those whose session in is
 * /proc/net/pppoe's format go; poll reads fx->sockets, then sends those
 * that waited PADS_WAIT (the event loop calls it every few ms meanwhile). */
void pppoe_socket_scan(struct pppoe *p, FILE *in);
void pppoe_socket_poll(struct pppoe *p);

struct session;
/* Did this server start s's pppd (s carries its discovery record)? */
bool pppoe_started(const struct pppoe *p, const struct session *s);
/* `show pppoe` */
json_t *pppoe_stat_json(const struct pppoe *p);

#endif
