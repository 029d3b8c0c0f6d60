/* outbuf.c - see outbuf.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbuf.h"

int outbuf_add(struct outbuf *o, const void *p, size_t n, size_t max)
{
	if (outbuf_pending(o) + n > max)
		return -1;
	if (o->off && o->len + n > o->cap) { /* reclaim the sent part first */
		memmove(o->buf, o->buf + o->off, o->len - o->off);
		o->len -= o->off;
		o->off = 0;
	}
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *q;

		while (cap < o->len + n)
			cap *= 2;
		q = realloc(o->buf, cap);
		if (!q)
			return -1;
		o->buf = q;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

int outbuf_flush(struct outbuf *o, int fd)
{
	while (o->off < o->len) {
		ssize_t n = write(fd, o->buf + o->off, o->len - o->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		o->off += (size_t)n;
	}
	o->off = o->len = 0;
	return 1;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->off = o->len = o->cap = 0;
}
