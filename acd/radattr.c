/*
 * radattr.c - parse the attribute files pppd's radattr.so writes.
 *
 * The format and its limits are described in radattr.h.  The parser is
 * pure (radattr_parse); radattr_load is the only function that reads a
 * file, and radattr_dict_open the only one that asks radcli to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errfmt.h"
#include "radattr.h"

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* "\ooo" at p (with n bytes available) that decodes to a byte? */
static bool octal_escape_at(const char *p, size_t n)
{
	return n >= 4 && p[0] == '\\' && p[1] >= '0' && p[1] <= '3' &&
	       is_octal(p[2]) && is_octal(p[3]);
}

size_t radattr_escape(const char *value, size_t len, char *out, size_t outlen)
{
	size_t i, used = 0, total = 0;
	bool fits;

	if (!out || !outlen)
		return 0;
	if (!value)
		len = 0;
	/* First pass: the full length, to know whether we truncate. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		total += (c < 0x20 || c > 0x7e || octal_escape_at(value + i, len - i)) ? 4 : 1;
	}
	fits = total < outlen;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		char piece[5];
		size_t n;

		if (c < 0x20 || c > 0x7e || octal_escape_at(value + i, len - i)) {
			snprintf(piece, sizeof(piece), "\\%03o", c);
			n = 4;
		} else {
			piece[0] = (char)c;
			n = 1;
		}
		if (!fits && used + n + 3 > outlen - 1)
			break;
		memcpy(out + used, piece, n);
		used += n;
	}
	if (!fits) {
		size_t k;

		for (k = 0; k < 3 && used < outlen - 1; k++)
			out[used++] = '.';
	}
	out[used] = '\0';
	return used;
}

/* Must a byte be written as \ooo in a message?  Everything that is not
 * printable ASCII, and the backslash and double quote themselves, so a
 * quoted value can neither end its quotes nor fake an escape. */
static bool quote_escaped(unsigned char c)
{
	return c < 0x20 || c > 0x7e || c == '\\' || c == '"';
}

size_t radattr_quote(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, used = 0, take, need = 0;
	bool cut;

	if (!out || !outlen)
		return 0;
	if (!s)
		len = 0;
	take = len > RADATTR_QUOTE_MAX ? RADATTR_QUOTE_MAX : len;
	cut = take < len;
	for (i = 0; i < take; i++)
		need += quote_escaped((unsigned char)s[i]) ? 4 : 1;
	if (need + (cut ? 3 : 0) + 1 > outlen)
		cut = true; /* out is too small: cut it shorter, with room for "..." */
	for (i = 0; i < take; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t n = quote_escaped(c) ? 4 : 1;

		if (used + n + (cut ? 3 : 0) + 1 > outlen)
			break;
		if (n == 4) {
			out[used++] = '\\';
			out[used++] = (char)('0' + (c >> 6));
			out[used++] = (char)('0' + ((c >> 3) & 7));
			out[used++] = (char)('0' + (c & 7));
		} else {
			out[used++] = (char)c;
		}
	}
	if (cut) {
		size_t k;

		for (k = 0; k < 3 && used + 1 < outlen; k++)
			out[used++] = '.';
	}
	out[used] = '\0';
	return used;
}

static void quote(const char *s, size_t n, char out[RADATTR_QUOTE_SIZE])
{
	radattr_quote(s, n, out, RADATTR_QUOTE_SIZE);
}

static void resolve(struct radattr *a, const rc_handle *rh)
{
	DICT_ATTR *d;

	a->vendor = 0;
	a->number = 0;
	a->type = -1;
	if (!rh) {
		a->state = RADATTR_UNRESOLVED;
		return;
	}
	d = rc_dict_findattr(rh, a->name);
	if (!d) {
		a->state = RADATTR_UNKNOWN;
		return;
	}
	a->state = RADATTR_KNOWN;
	a->vendor = VENDOR((uint32_t)d->value);
	a->number = ATTRID((uint32_t)d->value);
	a->type = (int)d->type;
}

/* Append an attribute; takes ownership of value (freed on failure). */
static int append(struct radattr_list *l, const rc_handle *rh, const char *name,
		  size_t namelen, char *value, size_t len, unsigned line)
{
	struct radattr *a;

	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct radattr *n = realloc(l->attrs, cap * sizeof(*n));

		if (!n) {
			free(value);
			return -ENOMEM;
		}
		l->attrs = n;
		l->cap = cap;
	}
	a = &l->attrs[l->count];
	memset(a, 0, sizeof(*a));
	memcpy(a->name, name, namelen);
	a->name[namelen] = '\0';
	a->value = value;
	a->len = len;
	a->line = line;
	resolve(a, rh);
	l->count++;
	return 0;
}

static bool name_ok(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] > 0x7e)
			return false;
	return n > 0;
}

int radattr_add(struct radattr_list *l, const rc_handle *rh, const char *name,
		const char *value, size_t len, unsigned line)
{
	size_t namelen;
	char *v;

	if (!l || !name || (!value && len))
		return -EINVAL;
	namelen = strlen(name);
	if (!name_ok(name, namelen) || namelen > RADATTR_NAME_MAX || len > RADATTR_VALUE_MAX ||
	    (len && memchr(value, '\0', len)))
		return -EINVAL;
	v = malloc(len + 1);
	if (!v)
		return -ENOMEM;
	if (len)
		memcpy(v, value, len);
	v[len] = '\0';
	return append(l, rh, name, namelen, v, len, line);
}

void radattr_free(struct radattr_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->count; i++)
		free(l->attrs[i].value);
	free(l->attrs);
	l->attrs = NULL;
	l->count = 0;
	l->cap = 0;
}

const struct radattr *radattr_find(const struct radattr_list *l, const char *name,
				   const struct radattr *after)
{
	size_t i = 0;

	if (!l || !name || !l->attrs)
		return NULL;
	if (after) {
		if (after < l->attrs || after >= l->attrs + l->count)
			return NULL;
		i = (size_t)(after - l->attrs) + 1;
	}
	for (; i < l->count; i++)
		if (strcasecmp(l->attrs[i].name, name) == 0)
			return &l->attrs[i];
	return NULL;
}

static bool blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* One line without its newline. */
static int parse_line(struct radattr_list *l, const rc_handle *rh, const char *origin,
		      unsigned lineno, const char *s, size_t n, char *err, size_t errlen)
{
	char q[RADATTR_QUOTE_SIZE], qname[RADATTR_QUOTE_SIZE];
	const char *sp, *raw;
	size_t namelen, rawlen, i, len = 0;
	char *v;

	if (memchr(s, '\0', n)) {
		errfmt(err, errlen, "%s:%u: NUL byte in the line (not a radattr text file?)",
		       origin, lineno);
		return -EBADMSG;
	}
	if (blank(s, n))
		return 0;
	sp = memchr(s, ' ', n);
	if (!sp) {
		quote(s, n, q);
		errfmt(err, errlen, "%s:%u: \"%s\": no space between attribute name and value",
		       origin, lineno, q);
		return -EBADMSG;
	}
	namelen = (size_t)(sp - s);
	if (namelen == 0) {
		quote(s, n, q);
		errfmt(err, errlen, "%s:%u: \"%s\": line starts with a space, no attribute name",
		       origin, lineno, q);
		return -EBADMSG;
	}
	quote(s, namelen, qname);
	if (namelen > RADATTR_NAME_MAX) {
		errfmt(err, errlen, "%s:%u: attribute name \"%s\" is longer than %u characters",
		       origin, lineno, qname, RADATTR_NAME_MAX);
		return -E2BIG;
	}
	if (!name_ok(s, namelen)) {
		errfmt(err, errlen, "%s:%u: attribute name \"%s\" has a character that is not printable ASCII",
		       origin, lineno, qname);
		return -EBADMSG;
	}
	raw = sp + 1;
	rawlen = n - namelen - 1;
	if (rawlen > RADATTR_VALUE_MAX) {
		errfmt(err, errlen, "%s:%u: %s: value of %zu characters, more than %u",
		       origin, lineno, qname, rawlen, RADATTR_VALUE_MAX);
		return -E2BIG;
	}
	v = malloc(rawlen + 1);
	if (!v) {
		errfmt(err, errlen, "%s:%u: out of memory", origin, lineno);
		return -ENOMEM;
	}
	for (i = 0; i < rawlen; i++) {
		if (octal_escape_at(raw + i, rawlen - i)) {
			char c = (char)(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) |
					(raw[i + 3] - '0'));

			if (c == '\0') {
				quote(raw, rawlen, q);
				errfmt(err, errlen, "%s:%u: %s \"%s\": \\000 (a NUL byte) in the value",
				       origin, lineno, qname, q);
				free(v);
				return -EBADMSG;
			}
			v[len++] = c;
			i += 3;
		} else {
			v[len++] = raw[i];
		}
	}
	v[len] = '\0';
	if (append(l, rh, s, namelen, v, len, lineno) < 0) {
		errfmt(err, errlen, "%s:%u: out of memory", origin, lineno);
		return -ENOMEM;
	}
	return 0;
}

int radattr_parse(const char *buf, size_t len, const rc_handle *rh,
		  const char *origin, struct radattr_list *out,
		  char *err, size_t errlen)
{
	struct radattr_list l = { 0 };
	size_t pos = 0;
	unsigned lineno = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!origin)
		origin = "radattr";
	if (!out || (!buf && len)) {
		errfmt(err, errlen, "%s: internal error: no buffer or no result", origin);
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	if (len > RADATTR_MAX_BYTES) {
		errfmt(err, errlen, "%s: %zu bytes, more than the %u a radattr file may have",
		       origin, len, RADATTR_MAX_BYTES);
		return -EFBIG;
	}
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		if (++lineno > RADATTR_MAX_LINES) {
			errfmt(err, errlen, "%s:%u: more than %u lines", origin, lineno,
			       RADATTR_MAX_LINES);
			radattr_free(&l);
			return -E2BIG;
		}
		rc = parse_line(&l, rh, origin, lineno, s, n, err, errlen);
		if (rc < 0) {
			radattr_free(&l);
			return rc;
		}
	}
	*out = l;
	return 0;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a regular file";
}

/*
 * The rule of docs/untrusted-files.md: the last component is never
 * followed (O_NOFOLLOW; the directory is acd.conf's, /var/run itself is a
 * link to /run), a FIFO cannot hang us (O_NONBLOCK) nor a terminal become
 * ours (O_NOCTTY), and everything is checked on the open descriptor, so
 * nothing can be swapped in between the check and the read.
 */
int radattr_read_untrusted(const char *path, const char *what, size_t max, char **buf,
			   size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t total = 0;
	uid_t me = geteuid();
	char *b;
	int fd, e;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !what || !buf || !len) {
		errfmt(err, errlen, "%s: internal error: no path or no result", path ? path : "?");
		return -EINVAL;
	}
	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			errfmt(err, errlen, "%s: a symbolic link, not followed: a %s is the regular "
			       "file pppd writes (remove the link)", path, what);
			return -ELOOP;
		}
		errfmt(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		errfmt(err, errlen, "%s: cannot stat: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errfmt(err, errlen, "%s: %s, not a %s (not read)", path, file_kind(st.st_mode), what);
		return -EINVAL;
	}
	if (st.st_uid != 0 && st.st_uid != me) {
		close(fd);
		errfmt(err, errlen, "%s: owned by uid %lu, not by root: not pppd's %s (pppd runs as "
		       "root), not read", path, (unsigned long)st.st_uid, what);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		errfmt(err, errlen, "%s: mode %03o lets %s write it: not pppd's %s, not read "
		       "(pppd writes it 0644 or 0600)", path, (unsigned)(st.st_mode & 07777),
		       (st.st_mode & S_IWOTH) ? "anyone" : "its group", what);
		return -EPERM;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		close(fd);
		errfmt(err, errlen, "%s: %lld bytes, more than the %zu a %s may have", path,
		       (long long)st.st_size, max, what);
		return -EFBIG;
	}
	b = malloc(max + 1);
	if (!b) {
		close(fd);
		errfmt(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* Read one byte past the limit: the file may have grown since fstat. */
	while (total < max + 1) {
		ssize_t n = read(fd, b + total, max + 1 - total);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			free(b);
			errfmt(err, errlen, "%s: cannot read: %s", path, strerror(e));
			return -e;
		}
		if (n == 0)
			break;
		total += (size_t)n;
	}
	close(fd);
	if (total > max) {
		free(b);
		errfmt(err, errlen, "%s: more than the %zu bytes a %s may have", path, max, what);
		return -EFBIG;
	}
	b[total] = '\0';
	*buf = b;
	*len = total;
	return 0;
}

int radattr_load(const char *path, const rc_handle *rh,
		 struct radattr_list *out, char *err, size_t errlen)
{
	size_t total;
	char *buf;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !out) {
		errfmt(err, errlen, "radattr: internal error: no path or no result");
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	rc = radattr_read_untrusted(path, "radattr file", RADATTR_MAX_BYTES, &buf, &total, err,
				    errlen);
	if (rc < 0)
		return rc;
	rc = radattr_parse(buf, total, rh, path, out, err, errlen);
	free(buf);
	return rc;
}

int radattr_parse_pid(const char *s, size_t len, pid_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s || !out || len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v <= RADATTR_PID_MAX) /* saturate: leading zeros are fine, overflow is not */
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < RADATTR_PID_MIN || v > RADATTR_PID_MAX)
		return -ERANGE;
	*out = (pid_t)v;
	return 0;
}

const char *radattr_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case EBADMSG:
		return "malformed radattr line";
	case E2BIG:
		return "radattr line, name or value over its limit";
	case EFBIG:
		return "radattr file too large";
	case EINVAL:
		return "invalid argument, or not a regular file";
	case ELOOP:
		return "a symbolic link (not followed)";
	case EPERM:
		return "file not owned by root, or writable by group or others";
	case ERANGE:
		return "process id out of range";
	case ENOMEM:
		return "out of memory";
	default:
		return strerror(err);
	}
}

int radattr_dict_open(const char *path, rc_handle **out, char *err, size_t errlen)
{
	rc_handle *rh;
	int fd, e;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !out) {
		errfmt(err, errlen, "dictionary: internal error: no path or no result");
		return -EINVAL;
	}
	*out = NULL;
	/* radcli only logs why it failed (to syslog): find the common
	 * reasons ourselves so the message says them. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		errfmt(err, errlen, "%s: cannot open RADIUS dictionary: %s", path, strerror(e));
		return -e;
	}
	close(fd);
	rh = rc_new();
	if (!rh) {
		errfmt(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rh = rc_config_init(rh); /* frees rh itself on failure */
	if (!rh) {
		errfmt(err, errlen, "%s: radcli: cannot initialise a configuration", path);
		return -ENOMEM;
	}
	if (rc_add_config(rh, "dictionary", path, "acd", 0) != 0 || rc_apply_config(rh) != 0) {
		rc_destroy(rh);
		errfmt(err, errlen, "%s: radcli rejected the configuration", path);
		return -EINVAL;
	}
	if (rc_read_dictionary(rh, rc_conf_str(rh, "dictionary")) != 0) {
		rc_destroy(rh);
		errfmt(err, errlen,
		       "%s: radcli cannot read this RADIUS dictionary (its log says which line: "
		       "unknown type or vendor, name over 32 characters, missing $INCLUDE file)",
		       path);
		return -EBADMSG;
	}
	*out = rh;
	return 0;
}
