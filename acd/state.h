/*
 * state.h - the state file: what must survive a restart of acd (the
 * session records, overrides, a consumer's own part such as accounting's
 * period).  A listener of the session core: state_open() registers it.
 *
 * The file: {"version":1,"journal_seq":SEQ,"sessions":[RECORD,...]}, a
 * record per session (journal_seq: the last journal line it holds, absent
 * before any),
 * newest first: ifname, ifindex, user, ip, local_ip, ipv6, mac, pppd_pid,
 * started, acct_session_id; coa_down, coa_up, coa_source when a CoA
 * changed its policy; override_down, override_up with an override; then
 * each state_ext's keys ("acct").  session.c reads the core's keys back
 * (session_reconcile), each ext its own (SESSION_RECONCILED's ev->saved).
 */
#ifndef ACD_STATE_H
#define ACD_STATE_H

#include <stddef.h>

#include <jansson.h>

struct acd;
struct session;

/* Listen to the session table: every change is saved soon. 0 or -errno. */
int state_open(struct acd *a);
/* Save now, on the caller's thread (an override; at exit).  0 or -errno. */
int state_save(struct acd *a);
/* Save soon (after STATE_DELAY, longer when a save costs much): one
 * write for a burst of session changes, off the event loop. */
void state_later(struct acd *a);
#define STATE_DELAY 0.5         /* seconds */
#define STATE_DELAY_MAX 5.0     /* seconds */
/* Wait for the writer thread to finish what it was given (at exit). */
void state_flush(void);
/* The file in dir as written, or NULL (none; unreadable is logged). */
json_t *state_load(const char *dir);
/* Its records as an object by interface name, for session_reconcile(). */
json_t *state_index(json_t *state);
/* The journal's changes newer than state (the file, or NULL) applied to
 * its index: what acd answered after its last save.  Returns how many. */
int state_replay(const char *dir, json_t *state, json_t *idx);

/*
 * A consumer's own part of each record: take() copies size bytes of the
 * session into buf on the loop's thread; put() adds them to the record
 * from the writer thread.  Registered before the first save; the same
 * take and put again (a consumer opened anew) only change ctx.
 */
struct state_ext {
	size_t size;
	void (*take)(const struct session *s, void *buf, void *ctx);
	void (*put)(const void *buf, json_t *rec, void *ctx);
	void *ctx;
};
#define STATE_EXT_MAX 4
int state_extend(const struct state_ext *e);

/*
 * A file whose data sessions.json may depend on: every save of the state
 * file syncs it to disk (fdatasync) before it renames the new
 * sessions.json into place, so a change on disk in sessions.json never
 * comes without what that file recorded before it.  coa.c registers its
 * replay cache (a session changed by a CoA is then never on disk without
 * the request that changed it).  One file at a time; -1 forgets it (call
 * that before closing it).  From the event loop's thread.
 */
void state_sync_fd(int fd);

#endif
