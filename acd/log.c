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
static int max_level = LOG_INFO;

void log_init(bool to_stderr, int level)
{
	use_stderr = to_stderr;
	max_level = level;
	if (!to_stderr)
		openlog("acd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_setlevel(int level)
{
	max_level = level;
}

static void vlog(int pri, const char *fmt, va_list ap, const char *suffix)
	__attribute__((format(printf, 2, 0)));

static void vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];

	if (pri > max_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
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
