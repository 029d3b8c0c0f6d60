/*
 * proto.h - the control protocol between acd and its clients (acdctl, the
 * pppd hooks, scripts).  Shared by both sides; documented in
 * docs/control-protocol.md.
 *
 * A unix stream socket carrying newline-delimited JSON.  One request per
 * line:   {"v":1,"cmd":"show sessions","args":{...}}
 * one reply per request, in order:
 *         {"v":1,"ok":true,"data":...}
 *         {"v":1,"ok":false,"error":"ppp9: no such session","code":"ENOENT"}
 * After "monitor", the server also sends event lines:
 *         {"v":1,"event":"session-up","session":{...}}
 */
#ifndef ACD_PROTO_H
#define ACD_PROTO_H

#define ACD_PROTO_VERSION 1
#define ACD_SOCKET_DEFAULT "/run/acd/acd.sock"
/* a request of more than this many bytes, its newline not counted, is
 * refused (skipped to its newline) */
#define ACD_REQUEST_MAX 8192
/* a client whose unsent output exceeds this is disconnected */
#define ACD_OUTPUT_MAX (4u << 20)
/* ...except the one reply to `show sessions`, written as it is built (about
 * 280 bytes a session: room for 100 000 sessions) */
#define ACD_REPLY_MAX (32u << 20)
/* above this much unsent output a client's further requests wait until it
 * has read its replies down to ACD_OUTPUT_LOW: no work for a client that
 * does not read, and no starving of the others */
#define ACD_OUTPUT_HIGH (128u << 10)
#define ACD_OUTPUT_LOW (32u << 10)
/* clients at once; those of users other than root, all of them together,
 * at most ACD_CLIENTS_USER_MAX: a member of the socket's group cannot take
 * the room of root's pppd hooks (at least 128 connections at once, and the
 * listen queue behind them) */
#define ACD_CLIENTS_MAX 256
#define ACD_CLIENTS_USER_MAX 128
/* the pppd hook waits at most this long for acd */
#define ACD_HOOK_TIMEOUT_MS 1000

/* Error codes in replies: stable strings for scripts. */
#define ACD_E_PROTO  "EPROTO"   /* malformed request */
#define ACD_E_CMD    "ENOCMD"   /* unknown command */
#define ACD_E_ARGS   "EINVAL"   /* bad or missing argument */
#define ACD_E_NOENT  "ENOENT"   /* no such session */
#define ACD_E_AMBIG  "EAMBIG"   /* more than one session matches */
#define ACD_E_PERM   "EPERM"    /* peer may not do this */
#define ACD_E_SHAPER "ESHAPER"  /* the kernel refused the policy */
#define ACD_E_CONFIG "ECONFIG"  /* reload: the new config has errors */
#define ACD_E_BUSY   "EBUSY"    /* acd serves ACD_CLIENTS_MAX clients (or
				   ACD_CLIENTS_USER_MAX of non-root users) already */

#endif
