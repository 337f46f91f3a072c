/*
 * errors.c: filling in a struct tl_error.
 */
#include "tlsladder/errors.h"

#include <stdarg.h>
#include <stdio.h>

/* Sets code and message; returns -1 so callers can `return tl_error_set(...)`. */
int tl_error_set(struct tl_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}
