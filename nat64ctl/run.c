/*
 * run.c - run a program with argv (posix_spawnp, never a shell) and
 * collect what it prints; plus the small file helpers libnat64 needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nat64_int.h"

extern char **environ;

#define RUN_CAP (4u << 20)

struct sink {
	char *s;
	size_t len, cap;
};

static int sink_read(int fd, struct sink *k)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EINTR ? 1 : 0;
	if (k->len + (size_t)n + 1 > k->cap && k->len < RUN_CAP) {
		size_t nc = k->cap ? k->cap * 2 : 8192;
		char *p;

		while (nc < k->len + (size_t)n + 1)
			nc *= 2;
		p = realloc(k->s, nc);
		if (!p)
			return 1; /* drop the output, keep draining */
		k->s = p;
		k->cap = nc;
	}
	if (k->len + (size_t)n + 1 <= k->cap) {
		memcpy(k->s + k->len, buf, (size_t)n);
		k->len += (size_t)n;
		k->s[k->len] = '\0';
	}
	return 1;
}

int nat64_run(const char *const argv[], struct nat64_run *r)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t mask, defs;
	int po[2], pe[2], rc, st;
	pid_t pid;
	struct sink so = { 0 }, se = { 0 };
	struct pollfd pf[2];

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe2(po, O_CLOEXEC) < 0)
		return -NAT64_EEXEC;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -NAT64_EEXEC;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	/* a daemon calls this from a thread that blocks every signal (acd's
	 * NAT64 thread) and may ignore some: the program starts with an empty
	 * mask and default dispositions, as from a shell */
	posix_spawnattr_init(&attr);
	sigemptyset(&mask);
	sigfillset(&defs);
	posix_spawnattr_setsigmask(&attr, &mask);
	posix_spawnattr_setsigdefault(&attr, &defs);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (rc != 0) {
		close(po[0]);
		close(pe[0]);
		errno = rc;
		return -NAT64_EEXEC;
	}
	pf[0].fd = po[0];
	pf[1].fd = pe[0];
	pf[0].events = pf[1].events = POLLIN;
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		int i;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!sink_read(pf[i].fd, i ? &se : &so)) {
				close(pf[i].fd);
				pf[i].fd = -1;
			}
		}
	}
	if (pf[0].fd >= 0)
		close(pf[0].fd);
	if (pf[1].fd >= 0)
		close(pf[1].fd);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->status = 128 + WTERMSIG(st);
	r->out = so.s ? so.s : strdup("");
	r->err = se.s ? se.s : strdup("");
	if (!r->out || !r->err) {
		nat64_run_free(r);
		return -NAT64_ENOMEM;
	}
	return 0;
}

void nat64_run_free(struct nat64_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

const char *nat64_run_msg(const struct nat64_run *r, char *buf, size_t len)
{
	const char *s = r->err && *r->err ? r->err : r->out ? r->out : "";
	size_t n = 0, o = 0;

	/* join the lines: jool explains itself over two or three lines */
	while (s[n] && o + 1 < len && n < 600) {
		char ch = s[n++];

		if (ch == '\n') {
			if (!s[n])
				break;
			ch = ' ';
		}
		buf[o++] = ch;
	}
	buf[o] = '\0';
	if (!o)
		snprintf(buf, len, "(no message; exit status %d)", r->status);
	return buf;
}

/* ---- files ---- */

char *nat64_read_file(const char *path, size_t max)
{
	FILE *f = fopen(path, "re");
	char *s;
	size_t n;

	if (!f)
		return NULL;
	s = malloc(max + 1);
	if (!s) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(s, 1, max, f);
	s[n] = '\0';
	if (ferror(f)) {
		free(s);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	return s;
}

int nat64_mkdir_p(const char *dir, mode_t mode)
{
	char p[PATH_MAX];
	char *s;

	if (strlen(dir) >= sizeof(p))
		return -1;
	snprintf(p, sizeof(p), "%s", dir);
	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int write_all(int fd, const char *data)
{
	size_t len = strlen(data), off = 0;

	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int nat64_write_temp(const char *dir, const char *suffix, const char *data, char *out,
		     char *err, size_t errlen)
{
	int fd;

	if (nat64_mkdir_p(dir, 0700) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -NAT64_EIO;
	}
	snprintf(out, PATH_MAX, "%s/nat64ctl-XXXXXX%s", dir, suffix);
	fd = mkstemps(out, (int)strlen(suffix));
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
		return -NAT64_EIO;
	}
	if (write_all(fd, data) < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
		close(fd);
		unlink(out);
		return -NAT64_EIO;
	}
	close(fd);
	return 0;
}

int nat64_write_atomic(const char *path, const char *data, mode_t mode, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX];
	char *slash;
	int fd;

	if (strlen(path) >= PATH_MAX) {
		/* quote its start only: the whole would not fit in err anyway
		 * (and gcc on 32-bit targets rightly says so) */
		snprintf(err, errlen, "%.64s...: path too long (%zu bytes, at most %d)", path,
			 strlen(path), PATH_MAX - 1);
		return -NAT64_EIO;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (nat64_mkdir_p(dir, 0755) < 0) {
			snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
			return -NAT64_EIO;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a file beside %s: %s", path, strerror(errno));
		return -NAT64_EIO;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data) < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -NAT64_EIO;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -NAT64_EIO;
	}
	return 0;
}

void nat64_buf_printf(struct nat64_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t nc = b->cap ? b->cap * 2 : 1024;
			char *p;

			while (nc < b->len + (size_t)n + 1)
				nc *= 2;
			p = realloc(b->s, nc);
			if (!p) {
				b->oom = true;
				return;
			}
			b->s = p;
			b->cap = nc;
		}
	}
}

char *nat64_buf_take(struct nat64_buf *b)
{
	char *s = b->s;

	if (b->oom || !s) {
		free(s);
		s = NULL;
	}
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}
