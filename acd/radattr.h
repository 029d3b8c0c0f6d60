/*
 * radattr.h - the RADIUS attributes pppd's radattr.so writes for a session.
 *
 * pppd 2.4.9's radattr.so writes /var/run/radattr.pppN at authentication
 * time, one attribute per line:
 *
 *   <name> <value>\n
 *
 * <name> is the dictionary name pppd's radius.so loaded (vendor attributes
 * by their own name, e.g. "RP-Downstream-Speed-Limit").  <value> runs raw
 * to the end of the line: spaces are kept, nothing is quoted.  Strings
 * have every byte that is not printable in the C locale (not 0x20..0x7e)
 * written as a backslash and three octal digits ("\012"); a backslash
 * itself is NOT escaped.  Integers are written with printf("%d"), so a
 * 32-bit value above 2^31-1 appears negative ("-1294967296" is
 * 3000000000), or as the dictionary's VALUE name ("Framed-User").
 * Repeated attributes give repeated lines, in packet order.
 *
 * Parsing (radattr_parse) does no I/O, so it can be fuzzed:
 *   - a line is split at its FIRST space; the value is everything after it;
 *   - "\ooo" (three octal digits, at most \377) is decoded to its byte;
 *     any other backslash is kept as it is.  The format is ambiguous for
 *     a literal backslash followed by three octal digits; pppd never
 *     escapes backslashes, so such a value cannot be told apart;
 *   - blank lines (empty, or only spaces, tabs and CRs) are skipped;
 *   - a line without a space, with an empty name (it starts with a space)
 *     or with a name that is not printable ASCII is an error naming the
 *     line; so is a NUL byte, raw or as "\000" (pppd cannot write one:
 *     its string values end at the first NUL);
 *   - nothing else is trimmed: a CR before the newline is part of the
 *     value (pppd writes "\015" for one).  The last line may lack its
 *     newline.
 *
 * Limits (a radattr file describes one RADIUS packet, at most 4096 bytes,
 * whose strings are at most 253 bytes, i.e. 1012 characters escaped):
 *   RADATTR_MAX_BYTES   the whole input
 *   RADATTR_MAX_LINES   lines, blank ones included
 *   RADATTR_NAME_MAX    characters of a name (radcli's and pppd's limit)
 *   RADATTR_VALUE_MAX   characters of a value as written (escaped)
 * Going over one is an error (-E2BIG; -EFBIG for the file size).
 *
 * Each attribute is looked up by name in a radcli dictionary when one is
 * given (rc_dict_findattr, case-insensitive): a name the dictionary lacks
 * is kept and marked RADATTR_UNKNOWN; without a dictionary every
 * attribute is RADATTR_UNRESOLVED.
 *
 * Errors are negative errno values (radattr_strerror() names them) and a
 * message for people, "FILE:LINE: what, quoting the bad text", is written
 * to err.
 */
#ifndef ACD_RADATTR_H
#define ACD_RADATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <radcli/radcli.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RADATTR_MAX_BYTES  (128u * 1024u)  /* 4096-byte packet, every byte escaped, with names */
#define RADATTR_MAX_LINES  2048u           /* a 4096-byte packet holds at most 2038 attributes */
#define RADATTR_NAME_MAX   32u             /* radcli/pppd NAME_LENGTH */
#define RADATTR_VALUE_MAX  1024u           /* 253 bytes * 4 ("\ooo") = 1012 */

/* The usual place of a session's file: RADATTR_DIR "/radattr." IFNAME */
#define RADATTR_DIR        "/var/run"

enum radattr_state {
	RADATTR_UNRESOLVED = 0, /* parsed without a dictionary */
	RADATTR_KNOWN,          /* found in the dictionary: vendor/number/type set */
	RADATTR_UNKNOWN,        /* the dictionary has no such name */
};

/* One line of the file. */
struct radattr {
	char name[RADATTR_NAME_MAX + 1]; /* as written in the file */
	char *value;                     /* decoded, NUL-terminated (no NUL inside) */
	size_t len;                      /* strlen(value) */
	unsigned line;                   /* 1-based line number in the input */
	enum radattr_state state;
	uint32_t vendor;                 /* RADATTR_KNOWN: IANA PEN, 0 = standard */
	uint32_t number;                 /* RADATTR_KNOWN: attribute number */
	int type;                        /* RADATTR_KNOWN: rc_attr_type (PW_TYPE_*); else -1 */
};

/* The attributes of one file, in file order.  Zero-initialise before use. */
struct radattr_list {
	struct radattr *attrs;
	size_t count;
	size_t cap;
};

/*
 * Parse radattr text (buf need not be NUL-terminated).  origin names the
 * input in messages (the file path; NULL: "radattr").  rh may be NULL.
 * On success returns 0 and fills *out (which must be zero-initialised or
 * freed); on error returns a negative errno, leaves *out empty and writes
 * "origin:line: ..." to err (if non-NULL):
 *   -EBADMSG  malformed line (no space, empty or bad name, NUL byte)
 *   -E2BIG    a line, a name or a value over its limit
 *   -EFBIG    more than RADATTR_MAX_BYTES
 *   -ENOMEM
 *   -EINVAL   bad arguments
 */
int radattr_parse(const char *buf, size_t len, const rc_handle *rh,
		  const char *origin, struct radattr_list *out,
		  char *err, size_t errlen);

/*
 * Read and parse a file (normally RADATTR_DIR "/radattr.pppN") with
 * radattr_read_untrusted(): a symbolic link is refused unread (-ELOOP),
 * as is what is not a regular file (-EINVAL; FIFOs are not waited on), a
 * file owned by neither root nor acd's effective uid or writable by group
 * or others (-EPERM), and a file over RADATTR_MAX_BYTES (-EFBIG); other
 * open/read failures return -errno (-ENOENT when pppd has not written it,
 * or removed it).  Every message starts with the path.  Otherwise as
 * radattr_parse().
 */
int radattr_load(const char *path, const rc_handle *rh,
		 struct radattr_list *out, char *err, size_t errlen);

/*
 * Append one attribute (for building lists from other sources, e.g. a
 * CoA request, and for tests).  value is decoded (raw bytes, len of them,
 * no NUL inside); the name is resolved against rh as in radattr_parse().
 * line is stored as given.  Returns 0, -EINVAL (empty or too long name,
 * value too long or containing NUL) or -ENOMEM.
 */
int radattr_add(struct radattr_list *l, const rc_handle *rh, const char *name,
		const char *value, size_t len, unsigned line);

/* Free the attributes and empty the list (the struct itself is the caller's). */
void radattr_free(struct radattr_list *l);

/*
 * The first attribute named name (case-insensitive, like radcli) after
 * "after" (NULL: from the start), or NULL.  Walk repeated attributes with
 *   for (a = radattr_find(l, "Class", NULL); a; a = radattr_find(l, "Class", a))
 */
const struct radattr *radattr_find(const struct radattr_list *l, const char *name,
				   const struct radattr *after);

/*
 * Write value (len bytes) as radattr.so would, for re-writing files
 * (messages quote with radattr_quote()): non-printables as "\ooo", and a
 * backslash as "\134" when three octal digits follow it (so the text
 * parses back to exactly value).  Always NUL-terminates out (if outlen > 0); when out is too
 * small the text ends in "...".  Returns the length written.
 */
size_t radattr_escape(const char *value, size_t len, char *out, size_t outlen);

/*
 * ---- Files a session makes acd read, and what is quoted from them ----
 *
 * The rule (docs/untrusted-files.md): pppd (root) writes radattr and pid
 * files in directories acd.conf names; the name of a session's file comes
 * from the session (its interface), so what is found there is read only if
 * it is what pppd writes.  These helpers are the rule; use them for any new
 * such file (DHCPv6 leases, PPPoE state).
 */

/*
 * Read a whole file a session names: open(2) with O_NOFOLLOW, O_NONBLOCK,
 * O_NOCTTY and O_CLOEXEC (the last component is never followed; the
 * directories before it are the operator's and may be links, like
 * /var/run -> /run), then on the open descriptor: a regular file, owned
 * by root (pppd) or by acd's own effective uid, not writable by group or
 * others, at most max bytes.  what names the file in messages ("radattr
 * file", "pid file").  Returns 0 and sets *buf (malloc'd, NUL-terminated
 * after *len bytes; free it) or a negative errno with a message starting
 * with the path in err; the file's content is never quoted:
 *   -ELOOP   a symbolic link (not followed, its target not opened)
 *   -EINVAL  not a regular file (directory, FIFO, device, socket)
 *   -EPERM   owned by another user, or group/world-writable
 *   -EFBIG   over max bytes
 *   -ENOENT, -EACCES, ... from open/read; -ENOMEM
 */
int radattr_read_untrusted(const char *path, const char *what, size_t max, char **buf,
			   size_t *len, char *err, size_t errlen);

#define RADATTR_QUOTE_MAX  64u  /* bytes of outside input quoted in a message */
/* room for RADATTR_QUOTE_MAX bytes escaped ("\ooo" each), "..." and NUL */
#define RADATTR_QUOTE_SIZE (4u * RADATTR_QUOTE_MAX + 4u)

/*
 * Quote outside input (len bytes of s, any bytes) for a message, a log
 * line or a reply: at most its first RADATTR_QUOTE_MAX bytes, each byte
 * that is not printable ASCII and each backslash and double quote written
 * as "\ooo" (three octal digits, as radattr.so writes bytes, so a value
 * reads as it does in the file), "..." appended when the input was cut.
 * The result has no control character and no raw '"' or '\\': put it in
 * quotes and it cannot end them, start a log line or fake a key=value.
 * Always NUL-terminates out (outlen > 0); with outlen RADATTR_QUOTE_SIZE
 * nothing more is cut.  Returns the length written.
 */
size_t radattr_quote(const char *s, size_t len, char *out, size_t outlen);

#define RADATTR_PID_MIN 2u          /* 1 is init, 0 is "unknown" */
#define RADATTR_PID_MAX 2147483647u /* INT32_MAX: pid_t; the kernel's pid_max is lower */

/*
 * A process id as pppd writes it (PPPD_PID in a hook's environment, the
 * first line of a pid file, "%d" of getpid()): len bytes of decimal digits
 * only (no sign, no space, no newline, nothing after), RADATTR_PID_MIN to
 * RADATTR_PID_MAX.  Returns 0 and sets *out, -EINVAL (not digits, empty)
 * or -ERANGE (0, 1, or too large); *out is untouched on error.
 */
int radattr_parse_pid(const char *s, size_t len, pid_t *out);

/* A short text for a radattr error code (negative or positive errno). */
const char *radattr_strerror(int err);

/*
 * Open a radcli handle holding only a dictionary, the way acd does it
 * (rc_new, rc_config_init, rc_add_config("dictionary", path),
 * rc_apply_config, rc_read_dictionary).  Returns 0 and sets *out (free
 * with rc_destroy), or -ENOENT/-EACCES/... when the file cannot be read,
 * -EBADMSG when radcli rejects it (radcli logs the line to syslog),
 * -ENOMEM; the message names the path.
 */
int radattr_dict_open(const char *path, rc_handle **out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* ACD_RADATTR_H */
