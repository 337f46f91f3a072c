/*
 * fuzz_timeline_input.h: the input layout of the timeline targets
 * (fuzz_timeline, fuzz_finished), shared with their seed writer
 * (gen_timeline_seeds.c). An input is a sequence of records; each starts
 * with a tag byte, tag % 3 says what follows. Integers are big-endian.
 *
 *   0 event:  kind(1, % 7; 255: plain)  flags(1)  conn(1, % 4)  hs_type(2)  version(2)
 *             alert_level(1)  alert_desc(1)  code(1, signed)  len(2)  bytes[len]
 *             flags: bit 0 from the server, 1 encrypted, 2 sent_seen,
 *             3 recv_seen, 4 recv_differs, bits 5-6 keys (enum tl_keys),
 *             7 the bytes are the first part of a body (or text) twice as
 *             long (tl_event.body_total, text_total: kept only in part).
 *             The bytes are the body; for notes, errors and diagnoses the
 *             text (cut at a NUL). A record (the wire view) has no bytes:
 *             rec_type = hs_type & 0xff, rec_version = version,
 *             rec_length = len. A plain row (STARTTLS) has the bytes as
 *             its body and text, proto = hs_type % 10, role = version % 9,
 *             offered = flag bit 5, offers = bit 6.
 *   1 result: side(1, & 1)  conn(1, % 4)  flags(1)  code(2, signed)  version(2)
 *             verify_flags(2)  peer_chain_len(1)  grace_end(1, % 6)
 *             exit_code(1)  then six strings, each len(1) bytes[len] (cut to
 *             the field): error, verify, cipher_suite, group, sigscheme, alpn.
 *             flags: bit 0 handshake_ok, 1 rejected_after, 2 closed_cleanly,
 *             3 verify_done, 4 verified, 5 peer_sent_cert, 6 resumed.
 *   2 secret: side(1, & 1)  conn(1, % 4)  label(1)  [if label >= FUZZ_TL_NLABELS:
 *             len(1) bytes[len], cut to 47]  client_random(32)  len(1, cut to 64)
 *             secret[len]
 *
 * A record cut short by the end of the input is dropped. At most
 * FUZZ_TL_MAX_RECORDS records are read, so one input stays cheap.
 */
#ifndef TLSLADDER_FUZZ_TIMELINE_INPUT_H
#define TLSLADDER_FUZZ_TIMELINE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tlsladder/timeline.h"

#define FUZZ_TL_MAX_RECORDS 200
#define FUZZ_TL_CONNS 4

enum fuzz_tl_tag { FUZZ_TL_EVENT, FUZZ_TL_RESULT, FUZZ_TL_SECRET };

/* The key log labels a secret's label byte indexes. */
static const char *const fuzz_tl_labels[] = {
	"CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET", "EARLY_EXPORTER_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
	"SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET",
};
#define FUZZ_TL_NLABELS (sizeof fuzz_tl_labels / sizeof fuzz_tl_labels[0])

/* A cursor over the input; ok turns false when a read runs past the end. */
struct fuzz_cur {
	const uint8_t *p;
	size_t n, off;
	bool ok;
};

static inline unsigned fuzz_u8(struct fuzz_cur *c)
{
	if (c->off >= c->n) {
		c->ok = false;
		return 0;
	}
	return c->p[c->off++];
}

static inline unsigned fuzz_u16(struct fuzz_cur *c)
{
	unsigned hi = fuzz_u8(c);
	return (hi << 8) | fuzz_u8(c);
}

/* len bytes at the cursor (NULL and ok false when fewer remain). */
static inline const uint8_t *fuzz_take(struct fuzz_cur *c, size_t len)
{
	const uint8_t *p;

	if (!c->ok || len > c->n - c->off) {
		c->ok = false;
		return NULL;
	}
	p = c->p + c->off;
	c->off += len;
	return p;
}

/* A len(1)-prefixed string into dst[0..dn), cut to fit and at a NUL. */
static inline void fuzz_string(struct fuzz_cur *c, char *dst, size_t dn)
{
	size_t len = fuzz_u8(c);
	const uint8_t *p = fuzz_take(c, len);
	size_t k = 0;

	if (p)
		for (; k < len && k + 1 < dn && p[k]; k++)
			dst[k] = (char)p[k];
	dst[k] = '\0';
}

/* One event record into tl. */
static inline bool fuzz_tl_event(struct fuzz_cur *c, struct timeline *tl, unsigned seq)
{
	static char text[65536];
	struct tl_event ev;
	unsigned flags, len, kind;
	const uint8_t *body;

	memset(&ev, 0, sizeof ev);
	kind = fuzz_u8(c);
	/* 255: a plaintext row before TLS (STARTTLS); the other values keep their meaning of old */
	ev.kind = kind == 255 ? TL_EV_PLAIN : (enum tl_kind)(kind % 7);
	flags = fuzz_u8(c);
	ev.conn = fuzz_u8(c) % FUZZ_TL_CONNS;
	ev.hs_type = fuzz_u16(c);
	ev.version = fuzz_u16(c);
	ev.alert_level = fuzz_u8(c);
	ev.alert_desc = fuzz_u8(c);
	ev.code = (int8_t)fuzz_u8(c);
	len = fuzz_u16(c);
	body = ev.kind == TL_EV_RECORD ? NULL : fuzz_take(c, len);
	if (!c->ok)
		return false;
	ev.from = (flags & 1) ? TL_SERVER : TL_CLIENT;
	ev.encrypted = flags & 2;
	ev.sent_seen = flags & 4;
	ev.recv_seen = flags & 8;
	ev.recv_differs = flags & 16;
	ev.keys = (enum tl_keys)((flags >> 5) & 3);
	ev.t_us = ev.sent_us = (int64_t)seq * 1000;
	ev.recv_us = ev.t_us + 100;
	if (ev.kind == TL_EV_NOTE || ev.kind == TL_EV_ERROR || ev.kind == TL_EV_DIAGNOSIS) {
		size_t k = 0;
		for (; k < len && body[k]; k++)
			text[k] = (char)body[k];
		text[k] = '\0';
		ev.text = text;
		ev.text_total = (flags & 128) ? 2 * k + 1 : 0;
	} else if (ev.kind == TL_EV_PLAIN) {
		size_t k = 0;
		for (; k < len && body[k]; k++)
			text[k] = (char)body[k];
		text[k] = '\0';
		ev.text = text;
		ev.body = body;
		ev.body_len = len;
		ev.note.code = TL_NOTE_PLAIN;
		ev.note.proto = (enum tl_starttls_proto)(ev.hs_type % 10);
		ev.note.role = (enum tl_plain_role)(ev.version % 9);
		ev.note.offered = flags & 32;
		ev.note.offers = flags & 64;
		ev.hs_type = ev.version = 0;
	} else if (ev.kind == TL_EV_RECORD) {
		ev.rec_type = ev.hs_type & 0xff;
		ev.rec_version = ev.version;
		ev.rec_length = len;
		ev.hs_type = 0;
	} else {
		ev.body = body;
		ev.body_len = len;
		ev.body_total = (flags & 128) ? 2 * (size_t)len + 1 : 0;
	}
	timeline_append_raw(tl, &ev);
	return true;
}

/* One result record into tl. */
static inline bool fuzz_tl_result(struct fuzz_cur *c, struct timeline *tl)
{
	struct tl_result r;
	enum tl_side side;
	unsigned conn, flags;

	memset(&r, 0, sizeof r);
	side = (fuzz_u8(c) & 1) ? TL_SERVER : TL_CLIENT;
	conn = fuzz_u8(c) % FUZZ_TL_CONNS;
	flags = fuzz_u8(c);
	r.code = (int16_t)fuzz_u16(c);
	r.version = fuzz_u16(c);
	r.verify_flags = fuzz_u16(c);
	r.peer_chain_len = fuzz_u8(c);
	r.grace_end = (enum tl_grace_end)(fuzz_u8(c) % 6);
	r.exit_code = (int)fuzz_u8(c);
	fuzz_string(c, r.error, sizeof r.error);
	fuzz_string(c, r.verify, sizeof r.verify);
	fuzz_string(c, r.cipher_suite, sizeof r.cipher_suite);
	fuzz_string(c, r.group, sizeof r.group);
	fuzz_string(c, r.sigscheme, sizeof r.sigscheme);
	fuzz_string(c, r.alpn, sizeof r.alpn);
	if (!c->ok)
		return false;
	r.set = true;
	r.handshake_ok = flags & 1;
	r.rejected_after = flags & 2;
	r.closed_cleanly = flags & 4;
	r.verify_done = flags & 8;
	r.verified = flags & 16;
	r.peer_sent_cert = flags & 32;
	r.resumed = flags & 64;
	r.grace_us = 1000;
	timeline_set_result(tl, side, conn, &r);
	return true;
}

/* One secret record into tl. */
static inline bool fuzz_tl_secret(struct fuzz_cur *c, struct timeline *tl)
{
	struct tl_secret s;
	unsigned label;
	const uint8_t *p;

	memset(&s, 0, sizeof s);
	s.side = (fuzz_u8(c) & 1) ? TL_SERVER : TL_CLIENT;
	s.conn = fuzz_u8(c) % FUZZ_TL_CONNS;
	label = fuzz_u8(c);
	if (label < FUZZ_TL_NLABELS)
		strcpy(s.label, fuzz_tl_labels[label]);
	else
		fuzz_string(c, s.label, sizeof s.label);
	p = fuzz_take(c, sizeof s.client_random);
	if (p)
		memcpy(s.client_random, p, sizeof s.client_random);
	s.len = fuzz_u8(c);
	if (s.len > sizeof s.secret)
		s.len = sizeof s.secret;
	p = fuzz_take(c, s.len);
	if (!c->ok)
		return false;
	memcpy(s.secret, p, s.len);
	timeline_add_secret(tl, &s);
	return true;
}

/* Builds a timeline from the input (NULL when out of memory). */
static inline struct timeline *fuzz_timeline_build(const uint8_t *data, size_t size)
{
	struct timeline *tl = timeline_create(false);
	struct fuzz_cur c = { data, size, 0, true };

	for (unsigned rec = 0; tl && rec < FUZZ_TL_MAX_RECORDS && c.off < c.n; rec++) {
		unsigned tag = fuzz_u8(&c) % 3;
		bool ok = tag == FUZZ_TL_EVENT ? fuzz_tl_event(&c, tl, rec)
			: tag == FUZZ_TL_RESULT ? fuzz_tl_result(&c, tl)
			: fuzz_tl_secret(&c, tl);
		if (!ok)
			break;
	}
	if (tl)
		timeline_finish(tl);
	return tl;
}

#endif
