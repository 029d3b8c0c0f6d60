/* log.c - see log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool use_stderr = true;
static bool pinned;                     /* acd -d: stderr whatever the config says */
static int max_level = LOG_INFO;

void log_init(bool to_stderr, int level)
{
	use_stderr = to_stderr;
	max_level = level;
	if (!to_stderr)
		openlog("acd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_pin_stderr(void)
{
	pinned = true;
	log_set_target(true);
}

bool log_set_target(bool to_stderr)
{
	if (pinned)
		to_stderr = true;
	if (to_stderr == use_stderr)
		return use_stderr;
	if (to_stderr)
		closelog();
	else
		openlog("acd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	use_stderr = to_stderr;
	return use_stderr;
}

void log_setlevel(int level)
{
	max_level = level;
}

/*
 * Control characters of a line as \xNN: a user name (PEERNAME, a RADIUS
 * User-Name) with a newline must not start a forged line of its own in
 * the log, nor an escape sequence rewrite a terminal.  Bytes from 0x80 up
 * (UTF-8) stay as they are.
 */
static void escape_ctl(char *dst, size_t dstlen, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *src && o + 4 < dstlen; src++) {
		unsigned char b = (unsigned char)*src;

		if (b < 0x20 || b == 0x7f) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[b >> 4];
			dst[o++] = hex[b & 15];
		} else {
			dst[o++] = (char)b;
		}
	}
	dst[o] = '\0';
}

static void vlog(int pri, const char *fmt, va_list ap, const char *suffix)
	__attribute__((format(printf, 2, 0)));

static void vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char raw[1024], line[4 * sizeof(raw)];

	if (pri > max_level)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	escape_ctl(line, sizeof(line), raw);
	if (use_stderr) {
		static const char *const names[] = { "emerg", "alert", "crit", "error",
						     "warning", "notice", "info", "debug" };
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld acd %s: %s%s%s\n", when, ts.tv_nsec / 1000000, names[pri],
			line, suffix ? ": " : "", suffix ? suffix : "");
	} else {
		syslog(pri, "%s%s%s", line, suffix ? ": " : "", suffix ? suffix : "");
	}
}

#define DEF(name, pri, witherr)                                      \
	void name(const char *fmt, ...)                              \
	{                                                            \
		int e = errno;                                       \
		va_list ap;                                          \
		va_start(ap, fmt);                                   \
		vlog(pri, fmt, ap, witherr ? strerror(e) : NULL);    \
		va_end(ap);                                          \
		errno = e;                                           \
	}

DEF(log_warn, LOG_WARNING, 1)
DEF(log_warnx, LOG_WARNING, 0)
DEF(log_notice, LOG_NOTICE, 0)
DEF(log_info, LOG_INFO, 0)
DEF(log_debug, LOG_DEBUG, 0)

void fatal(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(e));
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
