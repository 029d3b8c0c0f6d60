/*
 * outbuf.h - a bounded output queue for a non-blocking socket, shared by
 * the control socket and telnet: a client that does not read is cut off
 * at a limit, never waited for.
 */
#ifndef ACD_OUTBUF_H
#define ACD_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char *buf;
	size_t off, len, cap;           /* unsent bytes are buf[off .. len) */
};

/* Queue n bytes; -1 if that would hold more than max unsent bytes (or no memory). */
int outbuf_add(struct outbuf *o, const void *p, size_t n, size_t max);
/* Write what the socket takes: 1 all sent, 0 some left, -1 the peer is gone. */
int outbuf_flush(struct outbuf *o, int fd);
static inline size_t outbuf_pending(const struct outbuf *o) { return o->len - o->off; }
void outbuf_free(struct outbuf *o);

#endif
