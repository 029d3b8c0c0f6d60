/*
 * ctl.h - the command table's entry points for every front end: the JSON
 * socket (ctl.c), telnet (telnet.c) and the fuzz targets.
 */
#ifndef ACD_CTL_H
#define ACD_CTL_H

#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

struct acd;
struct ctl;

/*
 * Parse one JSON request line (no I/O).  On success returns 0 with *cmd
 * the command's name (static storage) and *args a new reference; on error
 * returns -1 (malformed: EPROTO) or -2 (unknown command: ENOCMD) with a
 * message in err.
 */
int ctl_parse_request(const char *line, size_t len, const char **cmd, json_t **args,
		      char *err, size_t errlen);

/*
 * Parse one text command line as telnet takes it: the command's words,
 * exactly (no abbreviations), then its positional arguments ("shaper set
 * ppp0 10M 2M").  Same returns as ctl_parse_request().
 */
int ctl_parse_text(const char *line, const char **cmd, json_t **args, char *err, size_t errlen);

/* Run a command for a peer with uid; by names the peer in the log of a
 * command that changes something ("telnet:192.0.2.1").  Returns the reply
 * data (new reference) or NULL with err and *code (an ACD_E_* string). */
json_t *ctl_execute(struct acd *a, uid_t uid, const char *by, const char *cmd, json_t *args,
		    char *err, size_t errlen, const char **code);

/* Give the socket file to group gid (a reload of [control] group); clients
 * already connected stay.  0 or -errno. */
int ctl_set_group(struct ctl *ctl, gid_t gid);

/* The commands a person can type, with their arguments and help. */
void ctl_help(FILE *f);

#endif
