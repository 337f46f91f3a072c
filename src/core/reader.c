/*
 * reader.c: the bounds-checked byte reader (see include/tlsladder/reader.h).
 * Nothing here trusts a length: every read checks what is left first.
 */
#include "tlsladder/reader.h"

/* Starts a reader over p[0..n). */
void reader_init(struct reader *r, const uint8_t *p, size_t n)
{
	static const uint8_t empty[1];

	r->p = p ? p : empty;      /* never offset a null pointer */
	r->n = p ? n : 0;
	r->off = 0;
	r->base = 0;
	r->failed = false;
	r->fail_off = 0;
	r->why = NULL;
	r->end = r->n;
	r->past_end = false;
}

/* Bytes left in the window. */
size_t reader_left(const struct reader *r)
{
	return r->failed ? 0 : r->n - r->off;
}

/* Absolute offset of the next byte. */
size_t reader_pos(const struct reader *r)
{
	return r->base + r->off;
}

/* Marks the reader failed at its current position. */
bool reader_fail(struct reader *r, const char *why)
{
	if (!r->failed) {
		r->failed = true;
		r->fail_off = r->base + r->off;
		r->why = why;
	}
	return false;
}

/* Checks that len more bytes exist. */
static bool need(struct reader *r, size_t len)
{
	if (r->failed)
		return false;
	if (len > r->n - r->off) {
		r->past_end = r->base + r->n == r->end;
		return reader_fail(r, "length runs past the end of the data");
	}
	return true;
}

/* Reads one byte. */
bool reader_u8(struct reader *r, unsigned *v)
{
	if (!need(r, 1))
		return false;
	*v = r->p[r->off];
	r->off += 1;
	return true;
}

/* Reads a big-endian 16-bit value. */
bool reader_u16(struct reader *r, unsigned *v)
{
	if (!need(r, 2))
		return false;
	*v = ((unsigned)r->p[r->off] << 8) | r->p[r->off + 1];
	r->off += 2;
	return true;
}

/* Reads a big-endian 24-bit value. */
bool reader_u24(struct reader *r, unsigned *v)
{
	if (!need(r, 3))
		return false;
	*v = ((unsigned)r->p[r->off] << 16) | ((unsigned)r->p[r->off + 1] << 8) | r->p[r->off + 2];
	r->off += 3;
	return true;
}

/* Points at the next len bytes. */
bool reader_bytes(struct reader *r, size_t len, const uint8_t **out)
{
	if (!need(r, len))
		return false;
	*out = r->p + r->off;
	r->off += len;
	return true;
}

/* Skips len bytes. */
bool reader_skip(struct reader *r, size_t len)
{
	if (!need(r, len))
		return false;
	r->off += len;
	return true;
}

/* Takes the next len bytes as a sub-reader. */
bool reader_sub(struct reader *r, size_t len, struct reader *sub)
{
	if (!need(r, len)) {
		reader_init(sub, NULL, 0);
		sub->failed = true;
		sub->fail_off = r->fail_off;
		sub->why = r->why;
		sub->past_end = r->past_end;
		return false;
	}
	reader_init(sub, r->p + r->off, len);
	sub->base = r->base + r->off;
	sub->end = r->end;
	r->off += len;
	return true;
}

/* Reads a 1-, 2- or 3-byte length prefix and takes that many bytes. */
bool reader_vec(struct reader *r, unsigned lenbytes, struct reader *sub)
{
	unsigned len = 0;
	bool ok;

	switch (lenbytes) {
	case 1: ok = reader_u8(r, &len); break;
	case 2: ok = reader_u16(r, &len); break;
	case 3: ok = reader_u24(r, &len); break;
	default: ok = reader_fail(r, "bad length size"); break;
	}
	if (!ok) {
		reader_init(sub, NULL, 0);
		sub->failed = true;
		sub->fail_off = r->fail_off;
		sub->why = r->why;
		sub->past_end = r->past_end;
		return false;
	}
	return reader_sub(r, len, sub);
}
