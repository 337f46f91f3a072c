/*
 * strbuf.c: a bounded text builder with snprintf's contract (see strbuf.h),
 * and the display width and middle elision of UTF-8 text for names and paths.
 */
#define _XOPEN_SOURCE 700       /* wcwidth() */
#include "tlsladder/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

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

/* The length in bytes of the character at s (1 for a byte that is not UTF-8); *w: its columns. */
static size_t char_at(const unsigned char *s, int *w)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 1;
	uint32_t cp = len == 1 ? s[0] : (uint32_t)(s[0] & (0x7f >> len));
	int cw;

	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80) {
			len = 1;         /* not UTF-8: one byte, one column */
			cp = '?';
			break;
		}
		cp = cp << 6 | (s[k] & 0x3f);
	}
	cw = wcwidth((wchar_t)cp);
	*w = cw < 0 ? 1 : cw;
	return len;
}

/* Display columns of the UTF-8 text s. */
int strbuf_width(const char *s)
{
	int total = 0, w;

	for (const unsigned char *p = (const unsigned char *)s; *p; total += w)
		p += char_at(p, &w);
	return total;
}

/* Bytes of s's first characters that fit in cols columns. */
static size_t head_bytes(const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int used = 0, w;

	while (p[i]) {
		size_t k = char_at(p + i, &w);
		if (used + w > cols)
			break;
		used += w;
		i += k;
	}
	return i;
}

/* Byte offset in s where its last characters that fit in cols columns begin. */
static size_t tail_start(const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), start = n;
	int used = 0, w;

	while (start > 0) {
		size_t b = start - 1;
		while (b > 0 && (p[b] & 0xc0) == 0x80 && start - b < 4)
			b--;             /* back to the character's first byte */
		if (char_at(p + b, &w) != start - b) {
			b = start - 1;   /* not a whole character: one byte */
			w = 1;
		}
		if (used + w > cols)
			break;
		used += w;
		start = b;
	}
	return start;
}

/* Appends s, or its start, mark and its end when wider than cols columns. */
void strbuf_elide(struct strbuf *o, const char *s, int cols, const char *mark)
{
	int room = cols - strbuf_width(mark), head;
	size_t hb, ts;

	if (strbuf_width(s) <= cols) {
		strbuf_printf(o, "%s", s);
		return;
	}
	if (room < 2) {
		strbuf_printf(o, "%.*s", (int)head_bytes(mark, cols > 0 ? cols : 0), mark);
		return;
	}
	head = room / 3;             /* the end (a file's name, a domain) is worth more */
	hb = head_bytes(s, head);
	ts = tail_start(s, room - head);
	if (ts < hb)
		ts = hb;
	strbuf_printf(o, "%.*s%s%s", (int)hb, s, mark, s + ts);
}
