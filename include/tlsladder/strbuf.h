/*
 * strbuf: a bounded text builder over a caller's buffer, with snprintf's
 * contract. A struct strbuf writes at most n bytes into buf, always
 * NUL-terminated when n > 0 (buf may be NULL when n is 0), and len counts
 * the length the whole text needed, so a caller can return it as snprintf
 * does and learn how much room a complete text takes. Text that does not
 * fit is cut; nothing is ever written past buf[n - 1].
 *
 * Nothing is sanitized here: strbuf_raw() copies bytes as they are (cut at
 * a NUL byte), and the caller sanitizes what it shows.
 */
#ifndef TLSLADDER_STRBUF_H
#define TLSLADDER_STRBUF_H

#include <stddef.h>
#include <stdint.h>

/* The text being written: buf[0..n), and the length needed so far. */
struct strbuf {
	char *buf;
	size_t n;
	size_t len;
};

/* Starts writing into buf (which may be NULL when n is 0). */
void strbuf_init(struct strbuf *o, char *buf, size_t n);
/* Appends printf-formatted text. */
void strbuf_printf(struct strbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends raw bytes p[0..len) (unsanitized), stopping at a NUL. */
void strbuf_raw(struct strbuf *o, const uint8_t *p, size_t len);

#endif
