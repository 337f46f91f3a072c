/*
 * sanitize.c: makes untrusted text safe to print (see sanitize.h).
 */
#include "tlsladder/sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Appends piece to dst if it fits whole; always counts its length. */
static void put(char *dst, size_t dstsz, size_t *used, size_t *total, bool *full, const char *piece, size_t len)
{
	if (!*full && dst && *used + len < dstsz) {
		memcpy(dst + *used, piece, len);
		*used += len;
	} else {
		*full = true;
	}
	*total += len;
}

/* Decodes one UTF-8 sequence at s[0..n); returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* True for code points that change how text around them is displayed. */
static bool invisible(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||          /* C1 controls */
	       c == 0xad ||                          /* soft hyphen */
	       c == 0x61c ||                         /* ARABIC LETTER MARK (a bidi control) */
	       (c >= 0x200b && c <= 0x200f) ||       /* zero width, LRM/RLM */
	       (c >= 0x2028 && c <= 0x202e) ||       /* line/para separators, bidi embeddings/overrides */
	       (c >= 0x2060 && c <= 0x206f) ||       /* word joiner, bidi isolates, deprecated formats */
	       c == 0xfeff ||                        /* BOM / zero width no-break space */
	       (c >= 0xfff9 && c <= 0xfffb) ||       /* interlinear annotations */
	       (c >= 0xe0000 && c <= 0xe007f);       /* tag characters */
}

/* Writes the safe form of src[0..n) into dst. */
size_t sanitize_text(char *dst, size_t dstsz, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t used = 0, total = 0, i = 0;
	bool full = false;
	char esc[16];

	while (src && i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		if (len == 0) {
			snprintf(esc, sizeof esc, "\\x%02X", s[i]);
			put(dst, dstsz, &used, &total, &full, esc, 4);
			i++;
			continue;
		}
		if (cp == '\\') {
			put(dst, dstsz, &used, &total, &full, "\\\\", 2);
		} else if (cp == '\n') {
			put(dst, dstsz, &used, &total, &full, "\\n", 2);
		} else if (cp == '\r') {
			put(dst, dstsz, &used, &total, &full, "\\r", 2);
		} else if (cp == '\t') {
			put(dst, dstsz, &used, &total, &full, "\\t", 2);
		} else if (cp < 0x20 || cp == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
			put(dst, dstsz, &used, &total, &full, esc, 4);
		} else if (invisible(cp)) {
			int k = snprintf(esc, sizeof esc, "\\u{%04X}", (unsigned)cp);
			put(dst, dstsz, &used, &total, &full, esc, (size_t)k);
		} else {
			put(dst, dstsz, &used, &total, &full, (const char *)s + i, len);
		}
		i += len;
	}
	if (dst && dstsz)
		dst[used < dstsz ? used : dstsz - 1] = '\0';
	return total;
}

/* Same for a NUL-terminated string. */
size_t sanitize_str(char *dst, size_t dstsz, const char *src)
{
	return sanitize_text(dst, dstsz, src, src ? strlen(src) : 0);
}
