/*
 * log.h - one line per event, key=value context, to syslog or stderr.
 * log_warn appends strerror(errno); log_warnx does not (as OpenBSD's).
 */
#ifndef ACD_LOG_H
#define ACD_LOG_H

#include <stdbool.h>

void log_init(bool to_stderr, int level);
void log_setlevel(int level);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
