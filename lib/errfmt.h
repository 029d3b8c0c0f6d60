/*
 * errfmt.h - acd's small shared helpers (lib/, as iproute2's lib/ is for
 * ip and tc): what acd, its libraries and its tools would otherwise each
 * write again.
 */
#ifndef ACD_LIB_ERRFMT_H
#define ACD_LIB_ERRFMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * An error message into a caller's buffer: vsnprintf, silently cut to len,
 * and nothing at all when buf is NULL or len is 0 (a caller that does not
 * want the message).  Every "char *err, size_t errlen" API formats with it.
 */
void errfmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void verrfmt(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
