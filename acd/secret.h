/*
 * secret.h - secrets (the telnet password, RADIUS shared secrets) come
 * from files that only their owner may read, never from acd.conf itself,
 * a command line or a log line.
 */
#ifndef ACD_SECRET_H
#define ACD_SECRET_H

#include <stddef.h>

/*
 * Read the first line of path (without its CR/LF) into buf (NUL-terminated,
 * *outlen bytes).  The file must be a regular file (no symlink at the last
 * component), owned by root or by us, with no group or other permission
 * bits, and the secret at least min_len bytes.  what names the setting in
 * messages ("telnet-password-file").  Returns 0, or -1 with a message in
 * err that names the file and says how to fix it; buf is wiped then.
 */
int secret_read(const char *what, const char *path, size_t min_len, char *buf, size_t len,
		size_t *outlen, char *err, size_t errlen);

#endif
