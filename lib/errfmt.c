/*
 * errfmt.c - one error-format helper for every "char *err, size_t errlen"
 * API of acd, the shaper and libnat64.
 */
#include <stdio.h>

#include "errfmt.h"

void verrfmt(char *buf, size_t len, const char *fmt, va_list ap)
{
	if (!buf || !len)
		return;
	vsnprintf(buf, len, fmt, ap);
}

void errfmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrfmt(buf, len, fmt, ap);
	va_end(ap);
}
