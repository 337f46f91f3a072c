/*
 * reader: the one bounds-checked byte reader every decoder uses.
 *
 * A reader walks a (pointer, length) buffer it does not own. Every read
 * checks the remaining length first; the first failed read marks the reader
 * failed, records the offset and reason, and every later read fails too, so
 * a decoder can read a whole structure and test for failure once.
 * Offsets are absolute: a sub-reader made with reader_sub() reports offsets
 * from the start of the outermost buffer.
 */
#ifndef TLSLADDER_READER_H
#define TLSLADDER_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reader {
	const uint8_t *p;   /* start of this reader's window */
	size_t n;           /* window length */
	size_t off;         /* next byte to read, relative to p */
	size_t base;        /* absolute offset of p in the outermost buffer */
	bool failed;
	size_t fail_off;    /* absolute offset where the first read failed */
	const char *why;    /* static text: what was being read */
	size_t end;         /* absolute end of the outermost buffer */
	bool past_end;      /* the first failed read wanted bytes past the end of the outermost buffer,
			     * in a window reaching it (a body kept only in part ends there) */
};

void reader_init(struct reader *r, const uint8_t *p, size_t n);
/* Bytes left to read (0 once failed). */
size_t reader_left(const struct reader *r);
/* Absolute offset of the next byte. */
size_t reader_pos(const struct reader *r);
bool reader_u8(struct reader *r, unsigned *v);
bool reader_u16(struct reader *r, unsigned *v);
bool reader_u24(struct reader *r, unsigned *v);
/* Points *out at the next len bytes and advances past them. */
bool reader_bytes(struct reader *r, size_t len, const uint8_t **out);
bool reader_skip(struct reader *r, size_t len);
/* Takes the next len bytes as a sub-reader and advances past them. */
bool reader_sub(struct reader *r, size_t len, struct reader *sub);
/* Reads a length prefix of lenbytes (1, 2 or 3) and takes that many bytes as a sub-reader. */
bool reader_vec(struct reader *r, unsigned lenbytes, struct reader *sub);
/* Marks the reader failed at the current position with a reason, returns false. */
bool reader_fail(struct reader *r, const char *why);

#endif
