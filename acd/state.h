/*
 * state.h - what the state module offers besides the session table's own
 * saves (declared in acd.h: session_state_save, session_state_later...).
 */
#ifndef ACD_STATE_H
#define ACD_STATE_H

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
