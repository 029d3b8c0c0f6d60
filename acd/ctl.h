/*
 * ctl.h - the control commands' entry points for every front end (cmd.c:
 * parsing, dispatch): the JSON socket (ctl.c), telnet (telnet.c) and the
 * fuzz targets; and the socket's framing of its input (ctl.c).
 */
#ifndef ACD_CTL_H
#define ACD_CTL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "cmdtab.h"
#include "proto.h"

struct acd;
struct ctl;
struct outbuf;

/* Who asks, as the commands see it: the socket (ctl.c) fills one for each
 * client, telnet (telnet.c) for each login. */
struct ctl_peer {
	enum cmd_perm perm;             /* what it may run (cmdtab.h) */
	pid_t pid;                      /* for the log; 0 when not known */
	char by[80];                    /* who asks, for the log: "uid:N", "telnet:ADDR" */
	bool monitor;                   /* set by monitor: send it the events from now on */
};

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

/*
 * Run a command (a name from the parsers above) for peer p, if p->perm
 * admits it: else it is refused (ACD_E_PERM, logged) with a message that
 * says what it needs.  Returns the reply data (new reference) or NULL with
 * err and *code (an ACD_E_* string).
 */
json_t *ctl_execute(struct acd *a, struct ctl_peer *p, const char *cmd, json_t *args, char *err,
		    size_t errlen, const char **code);

/* The name of a command of the table (cmdtab.c) that has no handler in
 * cmd.c, or NULL: every one has (a unit test's check). */
const char *ctl_unbound_command(void);

/* The whole reply line to show sessions (read-only: anyone may have it),
 * written into out as it is built, one session at a time, with at most max
 * bytes unsent.  0, or -1 when it would hold more. */
int ctl_stream_sessions(struct acd *a, struct outbuf *out, size_t max);

/*
 * A client's input cut into requests, without I/O (so it can be tested and
 * fuzzed).  A request is at most ACD_REQUEST_MAX bytes, its newline not
 * counted; a longer one is reported once and dropped up to its newline.
 * Zero-initialise; then read into ctl_input_space(), tell ctl_input_added()
 * how much came, and take requests with ctl_input_next() until it says
 * CTL_INPUT_MORE.
 */
struct ctl_input {
	size_t start, len;              /* the bytes not taken yet: buf[start..len) */
	size_t scanned;                 /* buf[start..scanned) has no newline */
	bool discarding;                /* dropping the rest of an over-long request */
	char buf[ACD_REQUEST_MAX + 1];  /* a whole request and its newline */
};

enum {
	CTL_INPUT_MORE,                 /* no complete request in the input */
	CTL_INPUT_LINE,                 /* a request: *line, *len (no newline) */
	CTL_INPUT_LONG,                 /* a request over ACD_REQUEST_MAX: refuse it */
};

/* Where the next read goes, and *room, how much fits there: at least 1
 * once ctl_input_next() has said CTL_INPUT_MORE. */
char *ctl_input_space(struct ctl_input *in, size_t *room);

/* n bytes (at most the room given) were read into the space. */
void ctl_input_added(struct ctl_input *in, size_t n);

/* The next event of the input.  A CTL_INPUT_LINE's *line is not
 * NUL-terminated and stays valid until the next call. */
int ctl_input_next(struct ctl_input *in, const char **line, size_t *len);

/* The commands a person can type, with their arguments and help. */
void ctl_help(FILE *f);

#endif
