/*
 * log.h - one line per event, key=value context, to syslog or stderr.
 * log_warn appends strerror(errno); log_warnx does not (as OpenBSD's).
 * Control characters in a message are written as \xNN, so a value from
 * outside (a user name) cannot start a line of its own.
 */
#ifndef ACD_LOG_H
#define ACD_LOG_H

#include <stdbool.h>

void log_init(bool to_stderr, int level);
/* acd -d: stderr from now on, whatever log_set_target() is asked. */
void log_pin_stderr(void);
/* Switch to stderr or syslog (a reload of [acd] log); returns whether the
 * log now goes to stderr (it stays there after log_pin_stderr()). */
bool log_set_target(bool to_stderr);
void log_setlevel(int level);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
