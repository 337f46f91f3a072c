/*
 * recframe.c: a record's bytes, what it carries and how it is framed and
 * protected, rendered from the wire and the facts the timeline stored (see
 * recframe.h). Byte ranges in the trees are offsets into the record's bytes
 * (header first).
 */
#include "tlsladder/recframe.h"
#include "tlsladder/names.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 5u

/* The bytes a sender sent on a connection, as far as the wire kept them. */
bool recframe_stream(const struct timeline *tl, unsigned conn, enum tl_side from, uint8_t **p, size_t *n)
{
	struct tl_conn_wire w;
	size_t count = timeline_wire_count(tl), have = 0;
	uint8_t *buf;

	*p = NULL;
	*n = 0;
	if (!timeline_wire_conn(tl, conn, &w) || w.kept[from] == 0 || w.kept[from] > (uint64_t)SIZE_MAX / 2)
		return false;
	buf = malloc((size_t)w.kept[from]);
	if (!buf)
		return false;
	for (size_t i = 0; i < count; i++) {
		struct tl_wire_chunk c;
		if (!timeline_wire_get(tl, i, &c) || c.conn != conn || c.from != from || c.offset != have ||
		    c.len > (size_t)w.kept[from] - have)
			continue;
		memcpy(buf + have, c.bytes, c.len);
		have += c.len;
	}
	*p = buf;
	*n = have;
	return true;
}

/*
 * The facts stored for the record at index i, and its event; false when none, or when they do not fit
 * the record (a saved run is read from a file: its lengths are not trusted to fit).
 */
static bool facts_get(const struct timeline *tl, size_t i, struct tl_event *ev, struct tl_record_facts *f)
{
	if (!timeline_get(tl, i, ev) || ev->kind != TL_EV_RECORD || !timeline_get_record(tl, i, f))
		return false;
	return f->nonce_len <= ev->rec_length && f->tag_len <= ev->rec_length - f->nonce_len &&
	       f->plain_len <= ev->rec_length && f->pad_len <= ev->rec_length && f->iv_len <= sizeof f->iv &&
	       f->nonce_full_len <= sizeof f->nonce && f->aad_len <= sizeof f->aad &&
	       (f->prot != TL_PROT_CBC || (uint64_t)f->nonce_len + f->plain_len + f->tag_len <= ev->rec_length);
}

/* The bytes of the record at index i. */
bool recframe_bytes(const struct timeline *tl, size_t i, uint8_t **p, size_t *n)
{
	struct tl_record_facts f;
	struct tl_event ev;
	uint8_t *s;
	size_t len;

	*p = NULL;
	*n = 0;
	if (!facts_get(tl, i, &ev, &f) || !f.have_bytes || !recframe_stream(tl, ev.conn, ev.from, &s, &len))
		return false;
	if (f.offset > len || len - f.offset < HDR + (size_t)ev.rec_length || !(*p = malloc(HDR + ev.rec_length))) {
		free(s);
		return false;
	}
	memcpy(*p, s + f.offset, HDR + ev.rec_length);
	*n = HDR + ev.rec_length;
	free(s);
	return true;
}

/* The name of one carried event: "EncryptedExtensions", "Alert close_notify", "ChangeCipherSpec". */
static void carried_name(const struct tl_event *ev, char *buf, size_t n)
{
	if (ev->kind == TL_EV_ALERT) {
		const char *d = names_alert(ev->alert_desc);
		snprintf(buf, n, "Alert %s", d ? d : "unknown");
	} else {
		snprintf(buf, n, "%s", timeline_event_name(ev));
	}
}

/* What the record carries, in words. */
char *recframe_carried(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	struct tl_record_facts f;
	struct tl_event rec;
	size_t used = 0;
	unsigned shown;

	buf[0] = '\0';
	if (!facts_get(tl, i, &rec, &f) || (f.verdict != TL_REC_OPENED && f.verdict != TL_REC_PLAIN))
		return buf;
	if (f.ncarry == 0 && f.inner_type == WIRE_CT_APPLICATION_DATA) {
		snprintf(buf, n, "application data %u B", f.plain_len);
		return buf;
	}
	shown = f.ncarry < TL_REC_MAX_CARRY ? f.ncarry : TL_REC_MAX_CARRY;
	for (unsigned k = 0; k < shown && used + 1 < n; k++) {
		struct tl_event ev;
		char name[64];
		if (!timeline_get(tl, f.carries[k], &ev))
			continue;
		carried_name(&ev, name, sizeof name);
		used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "", name);
	}
	if (f.ncarry > shown && used + 1 < n)
		used += (size_t)snprintf(buf + used, n - used, ", %u more", f.ncarry - shown);
	if (f.carries_part && used + 1 < n)
		snprintf(buf + used, n - used, " (part)");
	return buf;
}

/* The framed length of a carried message (4 + body), or its plaintext length for others. */
static size_t carried_len(const struct tl_event *ev)
{
	if (ev->kind == TL_EV_HANDSHAKE)
		return 4 + (ev->body_total > ev->body_len ? ev->body_total : ev->body_len);
	return ev->kind == TL_EV_ALERT ? 2 : 1;
}

/* The content's terms of the sum: "8 + 4 handshake header" per whole message, else "N <content>". */
static size_t content_terms(const struct timeline *tl, const struct tl_record_facts *f, char *what, size_t wn,
			    char *terms, size_t tn)
{
	size_t total = 0, wu = 0, tu = 0;
	bool whole = f->ncarry > 0 && f->ncarry <= TL_REC_MAX_CARRY && !f->carries_part && !f->unmatched;

	for (unsigned k = 0; whole && k < f->ncarry; k++) {
		struct tl_event ev;
		char name[64];
		size_t len;
		if (!timeline_get(tl, f->carries[k], &ev))
			return 0;
		len = carried_len(&ev);
		total += len;
		carried_name(&ev, name, sizeof name);
		if (ev.kind == TL_EV_HANDSHAKE) {
			wu += (size_t)snprintf(what + wu, wu < wn ? wn - wu : 0, "%s%s %zu B", k ? " and " : "", name, len - 4);
			tu += (size_t)snprintf(terms + tu, tu < tn ? tn - tu : 0, "%s%zu + 4 handshake header", k ? " + " : "",
					       len - 4);
		} else {
			wu += (size_t)snprintf(what + wu, wu < wn ? wn - wu : 0, "%s%s %zu B", k ? " and " : "", name, len);
			tu += (size_t)snprintf(terms + tu, tu < tn ? tn - tu : 0, "%s%zu", k ? " + " : "", len);
		}
	}
	if (whole && total == f->plain_len)
		return f->ncarry;
	{
		const char *ct = names_content_type(f->inner_type);
		snprintf(what, wn, "%s %u B", f->inner_type == WIRE_CT_APPLICATION_DATA ? "application data"
					      : ct ? ct : "content", f->plain_len);
		snprintf(terms, tn, "%u", f->plain_len);
	}
	return 1;
}

/* How the record's sizes add up. */
char *recframe_sum(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	struct tl_record_facts f;
	struct tl_event ev;
	char what[300], terms[400], extra[160] = "";
	size_t items, used = 0;
	bool mac = false;

	buf[0] = '\0';
	if (!facts_get(tl, i, &ev, &f) || (f.verdict != TL_REC_OPENED && f.verdict != TL_REC_PLAIN))
		return buf;
	items = content_terms(tl, &f, what, sizeof what, terms, sizeof terms);
	mac = f.prot == TL_PROT_CBC || f.prot == TL_PROT_CBC_ETM;
	if (f.nonce_len)
		used += (size_t)snprintf(extra + used, sizeof extra - used, " + %u %s", f.nonce_len,
					 mac ? "explicit IV" : "explicit nonce");
	if (f.prot == TL_PROT_AEAD13)
		used += (size_t)snprintf(extra + used, sizeof extra - used, " + 1 inner type");
	if (f.pad_len)
		used += (size_t)snprintf(extra + used, sizeof extra - used, " + %u padding", f.pad_len);
	if (f.tag_len)
		snprintf(extra + used, sizeof extra - used, " + %u %s", f.tag_len, mac ? "MAC" : "tag");
	snprintf(buf, n, "%s travel%s in %u B = %s%s", what, items > 1 ? "" : "s", ev.rec_length, terms, extra);
	return buf;
}

/* Lower-case hex of p[0..n) into a node's value (plain hex, visible at every level). */
static struct tree_node *add_hex(struct tree_node *parent, const char *label, const uint8_t *p, size_t n,
				 unsigned flags)
{
	static const char digits[] = "0123456789abcdef";
	char v[2 * 64 + 1];
	size_t k;

	for (k = 0; k < n && k < 64; k++) {
		v[2 * k] = digits[p[k] >> 4];
		v[2 * k + 1] = digits[p[k] & 15];
	}
	v[2 * k] = '\0';
	return tree_flag(tree_add(parent, label, v), flags);
}

/* The header's fields, with their ranges. */
static void frame_header(struct tree_node *root, const struct tl_event *ev)
{
	const char *ct = names_content_type(ev->rec_type), *ver = names_version(ev->rec_version);
	struct tree_node *h = tree_range(tree_addf(root, "header", "5 B: type, version, length"), 0, HDR);

	tree_range(tree_addf(h, "content type", "%s (%u)", ct ? ct : "unknown", ev->rec_type), 0, 1);
	tree_range(tree_addf(h, "version", "%s (0x%04x)", ver ? ver : "unknown", ev->rec_version), 1, 2);
	tree_range(tree_addf(h, "length", "%u B: everything after the header", ev->rec_length), 3, 2);
}

/* The carried messages inside the content at [at, at + f->plain_len), each with its range. */
static void frame_content(struct tree_node *parent, const struct timeline *tl, const struct tl_record_facts *f,
			  size_t at)
{
	char what[300];
	struct tree_node *c = tree_range(tree_add(parent, "content", recframe_carried(tl, f->index, what, sizeof what)),
					 at, f->plain_len);
	size_t pos = at;

	if (f->carries_part || f->ncarry > TL_REC_MAX_CARRY)
		return;
	for (unsigned k = 0; k < f->ncarry; k++) {
		struct tl_event ev;
		char name[64];
		size_t len;
		if (!timeline_get(tl, f->carries[k], &ev))
			return;
		len = carried_len(&ev);
		carried_name(&ev, name, sizeof name);
		if (ev.kind == TL_EV_HANDSHAKE)
			tree_range(tree_addf(c, name, "4 B handshake header (type, length) + %zu B body", len - 4), pos, len);
		else
			tree_range(tree_addf(c, name, "%zu B", len), pos, len);
		pos += len;
	}
}

/* The payload of a protected record: nonce, ciphertext (and what it decrypted to), padding, tag or MAC. */
static void frame_protected(struct tree_node *root, const struct timeline *tl, const struct tl_event *ev,
			    const struct tl_record_facts *f, const uint8_t *rec)
{
	bool etm = f->prot == TL_PROT_CBC_ETM, mte = f->prot == TL_PROT_CBC;
	size_t len = ev->rec_length, at = HDR + f->nonce_len;
	size_t clen = len - f->nonce_len - (mte ? 0 : f->tag_len);
	bool opened = f->verdict == TL_REC_OPENED;
	struct tree_node *c;

	if (f->nonce_len && rec)
		tree_range(add_hex(root, mte || etm ? "explicit IV" : "explicit nonce", rec + HDR, f->nonce_len, 0), HDR,
			   f->nonce_len);
	c = tree_range(tree_addf(root, "ciphertext", "%zu B%s", clen, opened ? ", decrypted:" : ""), at, clen);
	if (!opened)
		return;
	frame_content(c, tl, f, at);
	if (f->prot == TL_PROT_AEAD13) {
		const char *ct = names_content_type(f->inner_type);
		tree_range(tree_addf(c, "inner content type", "%s (%u): the real type, inside the encryption",
				     ct ? ct : "unknown", f->inner_type), at + f->plain_len, 1);
		if (f->pad_len)
			tree_range(tree_addf(c, "padding", "%u zero bytes", f->pad_len), at + f->plain_len + 1, f->pad_len);
	}
	if (mte)
		tree_range(tree_addf(c, "MAC", "%u B, inside the encryption (MAC-then-encrypt)", f->tag_len),
			   at + f->plain_len, f->tag_len);
	if (mte || etm)
		tree_range(tree_addf(c, "padding", "%u B (each byte %u, the last one the padding length)", f->pad_len,
				     f->pad_len - 1), HDR + len - (etm ? f->tag_len : 0) - f->pad_len, f->pad_len);
	if (!mte && rec)
		tree_range(add_hex(root, etm ? "MAC" : "tag", rec + HDR + len - f->tag_len, f->tag_len, 0),
			   HDR + len - f->tag_len, f->tag_len);
}

/* Why a record was not decrypted, in words. */
static const char *why_words(enum tl_rec_why why)
{
	switch (why) {
	case TL_REC_NO_BYTES: return "its bytes were not kept";
	case TL_REC_CUT: return "it did not arrive whole";
	case TL_REC_NO_HELLO: return "no ClientHello and ServerHello: the version and cipher suite are not known";
	case TL_REC_NO_SECRET: return "the key log has no secret for its keys";
	case TL_REC_UNSUPPORTED: return "this cipher suite's record protection is not supported here";
	case TL_REC_TOO_SHORT: return "it is shorter than its nonce and tag";
	case TL_REC_LIBRARY: return "the library refused the key or the cipher";
	case TL_REC_WHY_NONE: break;
	}
	return "";
}

/* The nonce's node: how it is made from the IV and the sequence number. */
static void protect_nonce(struct tree_node *p, const struct tl_record_facts *f)
{
	if (f->prot == TL_PROT_AEAD13 || f->prot == TL_PROT_AEAD12_XOR) {
		add_hex(p, "write IV", f->iv, f->iv_len, TREE_SECRET);
		tree_add(add_hex(p, "nonce", f->nonce, f->nonce_full_len, TREE_SECRET), "derived as",
			 "write IV XOR the sequence number (as 8 bytes, right-aligned)");
	} else if (f->prot == TL_PROT_AEAD12_EXPLICIT) {
		add_hex(p, "implicit nonce (salt)", f->iv, f->iv_len, TREE_SECRET);
		tree_add(add_hex(p, "nonce", f->nonce, f->nonce_full_len, TREE_SECRET), "derived as",
			 "salt (4 B, from the key block) || explicit nonce (8 B, sent in the record)");
	} else {
		tree_add(add_hex(p, "IV", f->nonce, f->nonce_full_len, 0), "derived as",
			 "explicit: the first block of the record, chosen by the sender (RFC 5246 6.2.3.2)");
	}
}

/* How the record was protected: keys, sequence number, nonce, additional data, tag, verdict. */
static void frame_protection(struct tree_node *root, const struct tl_event *ev, const struct tl_record_facts *f,
			     const uint8_t *rec)
{
	struct tree_node *p = tree_add(root, "protection", NULL);
	bool mac = f->prot == TL_PROT_CBC || f->prot == TL_PROT_CBC_ETM;
	char name[64];

	if (ev->keys == TL_KEYS_TLS12 || f->prot == TL_PROT_NONE)
		tree_addf(p, "keys", "the %s write keys of the key block (key log label %s)",
			  ev->from == TL_CLIENT ? "client" : "server", f->secret_label[0] ? f->secret_label : "CLIENT_RANDOM");
	else
		tree_addf(p, "keys", "from %s (key log label %s)", timeline_secret_name(ev, name, sizeof name),
			  f->secret_label);
	tree_addf(p, "sequence number", "%llu: the sender's records before it under these keys",
		  (unsigned long long)f->seq);
	if (f->verdict == TL_REC_CANNOT) {
		tree_flag(tree_addf(p, "verdict", "not decrypted: %s", why_words(f->why)), 0);
		return;
	}
	protect_nonce(p, f);
	if (f->aad_len)
		tree_add(add_hex(p, mac ? "MAC header" : "additional data", f->aad, f->aad_len, 0), "made of",
			 f->prot == TL_PROT_AEAD13 ? "the record's 5-byte header"
			 : f->prot == TL_PROT_CBC_ETM ? "seq (8) || type || version || length of IV and ciphertext"
						      : "seq (8) || type || version || length of the content");
	if (rec && f->prot != TL_PROT_CBC)
		add_hex(p, mac ? "MAC" : "tag", rec + HDR + ev->rec_length - f->tag_len, f->tag_len, 0);
	if (f->verdict == TL_REC_OPENED)
		tree_flag(tree_add(p, "verdict", mac ? "MAC MATCH" : "tag MATCH"), TREE_GOOD);
	else
		tree_flag(tree_add(p, "verdict", mac ? "MAC or padding MISMATCH" : "tag MISMATCH"), TREE_BAD);
}

/* The framing of the record at index i. */
struct tree_node *recframe_tree(const struct timeline *tl, size_t i)
{
	struct tl_record_facts f;
	struct tl_event ev;
	struct tree_node *root;
	uint8_t *rec = NULL;
	size_t n;
	char sum[600];

	if (!facts_get(tl, i, &ev, &f))
		return NULL;
	recframe_sum(tl, i, sum, sizeof sum);
	root = tree_new("framing", sum[0] ? sum : NULL);
	if (!root)
		return NULL;
	if (!recframe_bytes(tl, i, &rec, &n))
		rec = NULL;
	tree_range(root, 0, HDR + ev.rec_length);
	frame_header(root, &ev);
	if (f.verdict == TL_REC_PLAIN) {
		struct tree_node *pl = tree_range(tree_addf(root, "payload", "%u B, in the clear", ev.rec_length), HDR,
						  ev.rec_length);
		frame_content(pl, tl, &f, HDR);
	} else {
		frame_protected(root, tl, &ev, &f, rec);
		frame_protection(root, &ev, &f, rec);
	}
	free(rec);
	return root;
}
