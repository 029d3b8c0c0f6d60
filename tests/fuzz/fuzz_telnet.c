/* Fuzz target: telnet's input decoder (telnet commands, CR NUL / CR LF /
 * CR / LF line ends, the line limit).  Invariants: never crash; each call
 * takes at least one byte and says so truthfully; a line is at most
 * TELNET_LINE_MAX bytes, NUL-terminated, without NUL, CR or LF; and the
 * lines do not depend on how the stream is cut into reads (all at once,
 * a byte at a time, or chunks sized by the first byte). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct transcript {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct transcript *t, const void *p, size_t n)
{
	if (t->n + n > t->cap)
		abort(); /* sized for the worst case below */
	memcpy(t->p + t->n, p, n);
	t->n += n;
}

/* Decode data in reads of chunk bytes; the events and lines into t. */
static void decode(const uint8_t *data, size_t size, size_t chunk, struct transcript *t)
{
	static struct telnet_rx rx;
	size_t off = 0;

	memset(&rx, 0, sizeof(rx));
	while (off < size) {
		size_t k = size - off < chunk ? size - off : chunk, got = 0;

		while (got < k) {
			int ev;
			size_t took = telnet_rx(&rx, data + off + got, k - got, &ev);
			unsigned char tag = (unsigned char)ev;

			if (took < 1 || took > k - got || (ev == TELNET_RX_MORE && took != k - got))
				abort();
			got += took;
			if (ev == TELNET_RX_MORE)
				break;
			if (ev != TELNET_RX_LINE && ev != TELNET_RX_LONG)
				abort();
			if (rx.len > TELNET_LINE_MAX || rx.line[rx.len] != '\0' ||
			    memchr(rx.line, '\r', rx.len) || memchr(rx.line, '\n', rx.len) ||
			    strlen(rx.line) != rx.len)
				abort();
			put(t, &tag, 1);
			if (ev == TELNET_RX_LINE) {
				put(t, &rx.len, sizeof(rx.len));
				put(t, rx.line, rx.len);
			}
			telnet_rx_clear(&rx);
			if (rx.len != 0 || rx.overlong)
				abort();
		}
		off += k;
	}
	/* the partial line too: cut differently, it must be the same */
	put(t, &rx.len, sizeof(rx.len));
	put(t, rx.line, rx.len);
	put(t, &rx.overlong, sizeof(rx.overlong));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* each byte makes at most one event and one line byte */
	size_t cap = size * (2 + sizeof(size_t)) + 64;
	struct transcript whole = { malloc(cap), 0, cap }, bytes = { malloc(cap), 0, cap },
			  chunks = { malloc(cap), 0, cap };

	if (!whole.p || !bytes.p || !chunks.p)
		abort();
	decode(data, size, size ? size : 1, &whole);
	decode(data, size, 1, &bytes);
	decode(data, size, size ? 1 + data[0] % 13 : 1, &chunks);
	if (whole.n != bytes.n || memcmp(whole.p, bytes.p, whole.n) != 0 || whole.n != chunks.n ||
	    memcmp(whole.p, chunks.p, whole.n) != 0)
		abort();
	free(whole.p);
	free(bytes.p);
	free(chunks.p);
	return 0;
}
