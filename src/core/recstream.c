/*
 * recstream.c: the record-stream parser (see recstream.h).
 *
 * State: the header bytes gathered so far (hdr_have < 5: inside a header),
 * then the payload bytes still to come (body_left). The first two payload
 * bytes are kept, for plaintext alerts.
 */
#include "tlsladder/recstream.h"

#include <string.h>

/* Starts an empty stream. */
void recstream_init(struct recstream *rs)
{
	memset(rs, 0, sizeof *rs);
}

/* Switches to the TLS 1.3 protection rule. */
void recstream_set_tls13(struct recstream *rs, bool tls13)
{
	rs->tls13 = tls13;
}

/* True once a ChangeCipherSpec record went by. */
bool recstream_ccs_seen(const struct recstream *rs)
{
	return rs->ccs_seen;
}

/* Whether a record of this type, starting now, is protected. */
static bool protected_now(const struct recstream *rs, unsigned type)
{
	if (type == RECSTREAM_APPLICATION_DATA)
		return true;
	if (rs->tls13)
		return false;      /* TLS 1.3 protects everything as type 23 */
	return rs->ccs_seen;       /* TLS 1.2: everything after ChangeCipherSpec (a renegotiation's own one too) */
}

/* The record in progress, as far as it is known. */
static void describe(const struct recstream *rs, struct recstream_record *r)
{
	memset(r, 0, sizeof *r);
	r->start = rs->rec_start;
	if (rs->hdr_have >= 1)
		r->type = rs->hdr[0];
	if (rs->hdr_have >= 3)
		r->version = ((unsigned)rs->hdr[1] << 8) | rs->hdr[2];
	if (rs->hdr_have == RECSTREAM_HEADER_LEN) {
		r->length = ((unsigned)rs->hdr[3] << 8) | rs->hdr[4];
		r->encrypted = rs->encrypted;
		r->oversize = r->length > RECSTREAM_MAX_LENGTH;
	}
	r->end = r->start + RECSTREAM_HEADER_LEN + r->length;
}

/* A whole record went by: report it and start the next. */
static void finish(struct recstream *rs, recstream_fn fn, void *arg)
{
	struct recstream_record r;

	describe(rs, &r);
	r.ccs = r.type == RECSTREAM_CCS;
	if (r.type == RECSTREAM_ALERT && !r.encrypted && rs->head_have == 2) {
		r.alert = true;
		r.alert_level = rs->head[0];
		r.alert_desc = rs->head[1];
	}
	if (r.ccs)
		rs->ccs_seen = true;
	rs->hdr_have = 0;
	rs->head_have = 0;
	rs->rec_start = rs->pos;
	if (fn)
		fn(arg, &r);
}

/* Takes one header byte; a complete header that cannot be TLS stops the parser. */
static void header_byte(struct recstream *rs, uint8_t b, recstream_fn fn, void *arg)
{
	rs->hdr[rs->hdr_have++] = b;
	if (rs->hdr_have < RECSTREAM_HEADER_LEN)
		return;
	rs->body_left = ((size_t)rs->hdr[3] << 8) | rs->hdr[4];
	rs->head_have = 0;
	rs->encrypted = protected_now(rs, rs->hdr[0]);
	if (rs->body_left > RECSTREAM_MAX_LENGTH) {
		struct recstream_record r;
		describe(rs, &r);
		rs->broken = true;
		if (fn)
			fn(arg, &r);
		return;
	}
	if (rs->body_left == 0)
		finish(rs, fn, arg);
}

/* Feeds bytes through the parser. */
void recstream_feed(struct recstream *rs, const uint8_t *p, size_t n, recstream_fn fn, void *arg)
{
	while (n > 0) {
		size_t take;

		if (rs->broken) {
			rs->pos += n;
			return;
		}
		if (rs->hdr_have < RECSTREAM_HEADER_LEN) {
			if (rs->hdr_have == 0)
				rs->rec_start = rs->pos;
			rs->pos++;
			n--;
			header_byte(rs, *p++, fn, arg);
			continue;
		}
		take = n < rs->body_left ? n : rs->body_left;
		for (size_t i = 0; i < take && rs->head_have < sizeof rs->head; i++)
			rs->head[rs->head_have++] = p[i];
		p += take;
		n -= take;
		rs->pos += take;
		rs->body_left -= take;
		if (rs->body_left == 0)
			finish(rs, fn, arg);
	}
}

/* The record in progress, if any. */
bool recstream_partial(const struct recstream *rs, struct recstream_record *r, size_t *have)
{
	if (rs->broken || rs->hdr_have == 0)
		return false;
	describe(rs, r);
	*have = (size_t)(rs->pos - rs->rec_start);
	return true;
}
