/*
 * strbuf.c: a bounded text builder with snprintf's contract (see strbuf.h).
 */
#include "tlsladder/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Starts writing into buf (which may be NULL when n is 0). */
void strbuf_init(struct strbuf *o, char *buf, size_t n)
{
	o->buf = buf;
	o->n = buf ? n : 0;
	o->len = 0;
	if (o->n)
		buf[0] = '\0';
}

/* Appends printf-formatted text. */
void strbuf_printf(struct strbuf *o, const char *fmt, ...)
{
	va_list ap;
	char *dst = NULL;
	size_t room = 0;
	int k;

	if (o->len < o->n) {
		dst = o->buf + o->len;
		room = o->n - o->len;
	}
	va_start(ap, fmt);
	k = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += (size_t)k;
}

/* Appends raw bytes (from the network: unsanitized), stopping at a NUL. */
void strbuf_raw(struct strbuf *o, const uint8_t *p, size_t len)
{
	size_t k = 0;

	while (k < len && p[k] != 0)
		k++;
	if (o->len + 1 < o->n) {
		size_t room = o->n - o->len - 1;
		size_t c = k < room ? k : room;

		memcpy(o->buf + o->len, p, c);
		o->buf[o->len + c] = '\0';
	}
	o->len += k;
}
