/* Fuzz target: the control requests acd reads from its socket (JSON) and
 * from telnet (text), and the socket's framing of a byte stream into
 * requests.  Invariants: never crash or leak; a success names a command of
 * the table and gives an args object; an error has a message; the framing
 * gives, whatever the reads, exactly the requests of at most
 * ACD_REQUEST_MAX bytes (newline not counted) that the stream holds, in
 * order, and one refusal for each longer one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stream the framing reads: the input, where a byte 0x01 and the byte
 * k after it stand for (k + 1) * 32 bytes 'a', so short inputs reach the
 * limit.  Returns its length. */
static size_t expand(const uint8_t *data, size_t size, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < size && n < cap; i++) {
		if (data[i] == 0x01 && i + 1 < size) {
			size_t k = ((size_t)data[++i] + 1) * 32;

			k = k < cap - n ? k : cap - n;
			memset(out + n, 'a', k);
			n += k;
		} else {
			out[n++] = (char)data[i];
		}
	}
	return n;
}

/* The next event the stream must give from *pos: CTL_INPUT_LINE with its
 * bytes, CTL_INPUT_LONG, or CTL_INPUT_MORE when none is left. */
static int expected(const char *s, size_t n, size_t *pos, const char **line, size_t *len)
{
	const char *p = s + *pos, *nl = memchr(p, '\n', n - *pos);
	size_t seg = nl ? (size_t)(nl - p) : n - *pos;

	if (!nl && seg <= ACD_REQUEST_MAX)
		return CTL_INPUT_MORE; /* an unfinished request, within the limit */
	*pos += seg + (nl != NULL);
	if (seg > ACD_REQUEST_MAX)
		return CTL_INPUT_LONG;
	*line = p;
	*len = seg;
	return CTL_INPUT_LINE;
}

static void framing(const uint8_t *data, size_t size)
{
	static char stream[64 << 10];
	static struct ctl_input in;
	size_t n, off = 0, pos = 0, chunk;

	if (size < 1)
		return;
	chunk = 1 + (size_t)data[0] * 41; /* 1 to 10456 bytes a read */
	n = expand(data + 1, size - 1, stream, sizeof(stream));
	memset(&in, 0, sizeof(in));
	while (off < n) {
		const char *line, *want;
		size_t room, k, len, wlen;
		char *space = ctl_input_space(&in, &room);
		int ev;

		if (room < 1)
			abort();
		k = n - off < chunk ? n - off : chunk;
		k = k < room ? k : room;
		memcpy(space, stream + off, k);
		ctl_input_added(&in, k);
		off += k;
		while ((ev = ctl_input_next(&in, &line, &len)) != CTL_INPUT_MORE) {
			if (expected(stream, n, &pos, &want, &wlen) != ev)
				abort();
			if (ev == CTL_INPUT_LINE &&
			    (len != wlen || len > ACD_REQUEST_MAX || memcmp(line, want, len) != 0))
				abort();
		}
	}
	/* nothing the stream holds was missed */
	{
		const char *want;
		size_t wlen;

		if (expected(stream, n, &pos, &want, &wlen) != CTL_INPUT_MORE)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], text[8192];
	const char *cmd;
	json_t *args;
	int rc;

	err[0] = '\0';
	rc = ctl_parse_request((const char *)data, size, &cmd, &args, err, sizeof(err));
	if (rc == 0) {
		if (!cmd || !json_is_object(args))
			abort();
		json_decref(args);
	} else if (!err[0] || args) {
		abort();
	}
	framing(data, size);
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	rc = ctl_parse_text(text, &cmd, &args, err, sizeof(err));
	if (rc == 0) {
		if (!cmd || !json_is_object(args))
			abort();
		json_decref(args);
	} else if (!err[0] || args) {
		abort();
	}
	return 0;
}
