/*
 * sanitize: the one gate between hostile text and any output.
 *
 * Certificates and peers can put anything in a string: ESC sequences that
 * repaint a terminal, BEL, CR that overwrites a line, bidi overrides that
 * reverse what is read, invalid UTF-8. Everything shown passes through
 * sanitize_text() first. Printable ASCII and valid printable UTF-8 pass
 * unchanged; C0/C1 controls and DEL become \xNN (\n \r \t as such, backslash
 * as \\), bidi controls and other invisible formatting characters become
 * \u{NNNN}, invalid UTF-8 bytes become \xNN.
 */
#ifndef TLSLADDER_SANITIZE_H
#define TLSLADDER_SANITIZE_H

#include <stddef.h>

/* Writes the safe form of src[0..n) into dst (always NUL-terminated, cut on a
 * character boundary if dst is too small). Returns the length the full safe
 * form would have (like snprintf). */
size_t sanitize_text(char *dst, size_t dstsz, const char *src, size_t n);
/* Same for a NUL-terminated string. */
size_t sanitize_str(char *dst, size_t dstsz, const char *src);

#endif
