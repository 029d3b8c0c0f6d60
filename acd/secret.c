/*
 * secret.c - reading a secret from a root-only file (see secret.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

int secret_read(const char *what, const char *path, size_t min_len, char *buf, size_t len,
		size_t *outlen, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	size_t l;
	int fd;

	if (len < 2) {
		snprintf(err, errlen, "%s %s: no room for the secret", what, path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", what, path);
		close(fd);
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "%s %s: mode %03o owner %u: it must be readable by root only "
			 "(chown root and chmod 600 it)",
			 what, path, (unsigned)(st.st_mode & 0777), (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	for (l = 0; l < (size_t)n && buf[l] != '\r' && buf[l] != '\n'; l++)
		if (buf[l] == '\0') {
			explicit_bzero(buf, len);
			snprintf(err, errlen, "%s %s: a NUL byte in the secret", what, path);
			return -1;
		}
	if (l == (size_t)n && (size_t)n == len - 1) {
		explicit_bzero(buf, len);
		snprintf(err, errlen, "%s %s: the secret is longer than %zu bytes", what, path,
			 len - 2);
		return -1;
	}
	buf[l] = '\0';
	explicit_bzero(buf + l, len - l);
	if (l < min_len) {
		explicit_bzero(buf, len);
		if (l == 0)
			snprintf(err, errlen, "%s %s: empty (put the secret on its first line)", what,
				 path);
		else
			snprintf(err, errlen, "%s %s: the secret needs %zu characters or more", what,
				 path, min_len);
		return -1;
	}
	*outlen = l;
	return 0;
}
