/*
 * telnet.h - the input side of telnet (RFC 854) as acd's telnet interface
 * reads it, without I/O so it can be tested and fuzzed.
 *
 * Telnet commands (IAC x, IAC WILL/WONT/DO/DONT x, IAC SB ... IAC SE) are
 * taken out of the stream; IAC IAC is the data byte 255.  The data is cut
 * into lines.  A line ends at CR LF or CR NUL (RFC 854; RFC 1123 3.3.1:
 * CR NUL is how a bare CR is sent, and what BSD/netkit/inetutils telnet
 * send for Enter in character mode), at a bare CR, or at a bare LF.  The
 * NUL or LF after a CR belongs to that line's end, also when it comes in a
 * later read: it never starts the next line, nor makes an empty one.  Any
 * other NUL is dropped.  The telnet commands are not answered (acd speaks
 * no option but the ECHO it offers for the password).
 */
#ifndef ACD_TELNET_H
#define ACD_TELNET_H

#include <stdbool.h>
#include <stddef.h>

/* the most bytes of a line, its end not counted */
#define TELNET_LINE_MAX 1024

struct telnet_rx {
	unsigned char state;            /* in data, or where in a telnet command */
	bool cr;                        /* a CR ended the last line: its NUL or LF may follow */
	bool overlong;                  /* the line went past TELNET_LINE_MAX */
	size_t len;
	char line[TELNET_LINE_MAX + 1]; /* NUL-terminated when a line ends */
};

enum {
	TELNET_RX_MORE,                 /* every byte taken, no line ended */
	TELNET_RX_LINE,                 /* a line ended: rx->line, rx->len */
	TELNET_RX_LONG,                 /* a line over TELNET_LINE_MAX ended: refuse it */
};

/*
 * Decode from p[0..n), up to the end of the first line.  Returns how many
 * bytes were taken (all of them with TELNET_RX_MORE) and the event in *ev.
 * The line holds no NUL, CR or LF.  After a line, call telnet_rx_clear()
 * before decoding on.  Zero-initialise rx to start.
 */
size_t telnet_rx(struct telnet_rx *rx, const unsigned char *p, size_t n, int *ev);

/* Forget the line so far, wiping it (it may be a password); where the
 * stream is (inside a telnet command, a CR's NUL or LF still to come)
 * stays. */
void telnet_rx_clear(struct telnet_rx *rx);

#endif
