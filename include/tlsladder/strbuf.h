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
/*
 * Display columns of the UTF-8 text s: each character's wcwidth() in the
 * current locale (1 when it has none, or for a byte that is not UTF-8).
 */
int strbuf_width(const char *s);
/*
 * Appends s whole when it is at most cols columns wide, else its start and
 * its end around mark ("\u2026", or "..." for ASCII): "/home/ann/…/server.pem".
 * Whole characters only; the start keeps a third of the room and the end
 * the rest, since a path's file name and a host's domain are at the end.
 * For names and paths; s should be sanitized text.
 */
void strbuf_elide(struct strbuf *o, const char *s, int cols, const char *mark);

#endif
