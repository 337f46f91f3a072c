/*
 * jsonfields.c: the field tables of the saved-run format and the two walks
 * over them, struct -> JSON object (jsonfields_put) and JSON object ->
 * struct (jsonfields_get), see jsonfields.h. The enum names below follow
 * the enums' value order; the static assertions catch an enum that grew.
 */
#include "tlsladder/jsonfields.h"
#include "tlsladder/chain.h"
#include "tlsladder/finished.h"
#include "tlsladder/timeline.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- enum names */

#define NAMES(var, ...)                                                                                      \
	static const char *const var##_list[] = { __VA_ARGS__ };                                             \
	static const struct jf_names var = { var##_list, sizeof var##_list / sizeof var##_list[0] }

NAMES(kind_names, "handshake", "change_cipher_spec", "alert", "record", "note", "error", "diagnosis", "plain");
NAMES(side_names, "client", "server");
NAMES(keys_names, "none", "handshake", "application", "tls12", "early");
NAMES(delivery_names, "delivered", "pending", "not_sent", "incomplete");
NAMES(cause_names, "none", "peer_closed", "reset", "timeout", "cancelled", "write_failed", "stopped",
      "closed_inside", "not_read");
NAMES(note_names, "text", "cert_withheld", "cert_sent_unlisted", "http_sent", "http_answer", "http_served",
      "app_data", "data_read", "waiting", "failure", "not_stored", "data_sent", "key_update_tls12",
      "key_update_unanswered", "cert_chosen", "alpn_none", "pha_not_offered", "cert_key_not_accepted",
      "resume_offer", "no_ticket", "early_data_sent", "early_data_read", "renegotiation",
      "renegotiation_failed", "plain");
NAMES(pick_names, "no_sni", "matched", "no_match");
NAMES(key_kind_names, "unknown", "rsa", "rsa_pss", "dsa", "ec_p256", "ec_p384", "ec_p521", "ec_other", "ed25519",
      "ed448");
NAMES(offer_names, "none", "ticket13", "ticket12", "session_id");
NAMES(read_end_names, "closed", "eof", "alert", "deadline_sending", "deadline_idle", "cancelled", "error");
NAMES(fail_names, "none", "not_tls", "version", "cipher", "nothing_in_common", "record_integrity", "other",
      "unsafe_renegotiation", "starttls_not_offered", "starttls_refused", "starttls_unexpected");
NAMES(proto_names, "none", "smtp", "lmtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap", "sieve");
NAMES(role_names, "other", "greeting", "hello", "caps", "starttls", "ready", "refused", "unexpected", "quit");
NAMES(sniff_names, "none", "tls", "http_response", "html", "http_request", "ssh", "smtp", "ftp", "smtp_or_ftp",
      "imap", "pop3", "unknown");
NAMES(grace_names, "not_run", "drained", "accepted", "alert", "expired", "error");
NAMES(verdict_names, "trusted", "not_trusted");
NAMES(fault_names, "none", "internal", "malformed", "signature", "signature_error", "insecure_algorithm",
      "issuer_not_ca", "constraints", "no_certificate", "unknown_issuer", "self_signed", "no_anchor", "dates",
      "name", "purpose", "library", "library_error");
NAMES(issuer_names, "unreadable", "sent", "anchor", "is_anchor", "self_untrusted", "unknown", "next_unreadable",
      "off_path");
NAMES(sig_names, "not_checked", "valid", "invalid", "insecure", "error");
NAMES(ca_names, "not_checked", "yes", "not_ca", "constraints");
NAMES(when_names, "valid", "expired", "not_yet", "unknown");
NAMES(host_names, "not_checked", "match", "mismatch");
NAMES(purpose_names, "not_checked", "any", "fits", "any_eku", "missing");
NAMES(anchor_names, "none", "store", "sent");
NAMES(fverdict_names, "cannot_check", "match", "mismatch");
NAMES(freason_names, "none", "not_finished", "no_client_hello", "no_server_hello", "legacy_prf", "unknown_suite",
      "unframeable", "hash_failed", "no_secret", "secret_length", "derivation_refused", "out_of_memory",
      "length_differs");
/* the static strings a finished_result points to (src/tls/finished.c) */
NAMES(hash_names, "SHA-256", "SHA-384");
NAMES(base_secret_names, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_RANDOM",
      "CLIENT_TRAFFIC_SECRET_0", "CLIENT_TRAFFIC_SECRET_N");

#define LAST(list, value) _Static_assert(sizeof list##_list / sizeof list##_list[0] == (size_t)(value) + 1, #list)
LAST(kind_names, TL_EV_PLAIN);
LAST(keys_names, TL_KEYS_EARLY);
LAST(delivery_names, TL_INCOMPLETE);
LAST(cause_names, TL_CAUSE_NOT_READ);
LAST(note_names, TL_NOTE_PLAIN);
LAST(pick_names, TL_PICK_NO_MATCH);
LAST(key_kind_names, TL_KEY_ED448);
LAST(offer_names, TL_OFFER_SESSION_ID);
LAST(read_end_names, TL_READ_ERROR);
LAST(fail_names, TL_FAIL_STARTTLS_UNEXPECTED);
LAST(proto_names, TL_STARTTLS_SIEVE);
LAST(role_names, TL_PLAIN_QUIT);
LAST(sniff_names, SNIFF_UNKNOWN);
LAST(grace_names, TL_GRACE_ERROR);
LAST(fault_names, CHAIN_FAULT_LIBRARY_ERROR);
LAST(issuer_names, CHAIN_ISSUER_OFF_PATH);
LAST(sig_names, CHAIN_SIG_ERROR);
LAST(ca_names, CHAIN_CA_CONSTRAINTS);
LAST(when_names, CHAIN_WHEN_UNKNOWN);
LAST(host_names, CHAIN_HOST_MISMATCH);
LAST(purpose_names, CHAIN_PURPOSE_MISSING);
LAST(anchor_names, CHAIN_ANCHOR_SENT);
LAST(freason_names, FINISHED_LENGTH_DIFFERS);

/* ---------------------------------------------------------------- the tables */

#define ROW(st, m, type, aux) { #m, type, offsetof(st, m), sizeof(((st *)0)->m), 0, aux, 0 }
#define ROWN(st, m, type, n, aux) { #m, type, offsetof(st, m), sizeof(((st *)0)->m), offsetof(st, n), aux, 0 }
#define SECRET(st, m, type, n) { #m, type, offsetof(st, m), sizeof(((st *)0)->m), offsetof(st, n), NULL, JF_SECRET }
#define TABLE(var, st, label, rows) \
	const struct jf_table var = { label, sizeof(st), rows, sizeof rows / sizeof rows[0] }

#define S struct sniff_result
static const struct jf_field sniff_rows[] = {
	ROW(S, kind, JF_ENUM, &sniff_names),
	ROW(S, http_status, JF_INT, NULL),
	ROW(S, first_byte, JF_U8, NULL),
};
#undef S
static TABLE(sniff_table, struct sniff_result, "spoke", sniff_rows);

#define S struct tl_note
static const struct jf_field note_rows[] = {
	ROW(S, code, JF_ENUM, &note_names),
	ROW(S, fail, JF_ENUM, &fail_names),
	ROW(S, status, JF_INT, NULL),
	ROW(S, count, JF_UINT, NULL),
	ROW(S, alert, JF_UINT, NULL),
	ROW(S, spoke, JF_STRUCT, &sniff_table),
	ROW(S, bytes, JF_I64, NULL),
	ROW(S, end, JF_ENUM, &read_end_names),
	ROW(S, pick, JF_ENUM, &pick_names),
	ROW(S, key_kind, JF_ENUM, &key_kind_names),
	ROW(S, withheld, JF_BOOL, NULL),
	ROW(S, offer, JF_ENUM, &offer_names),
	ROW(S, early_max, JF_UINT, NULL),
	ROW(S, proto, JF_ENUM, &proto_names),
	ROW(S, role, JF_ENUM, &role_names),
	ROW(S, offered, JF_BOOL, NULL),
	ROW(S, offers, JF_BOOL, NULL),
	ROW(S, in_tls, JF_BOOL, NULL),
};
#undef S
static TABLE(note_table, struct tl_note, "note", note_rows);

#define S struct tl_event
static const struct jf_field event_rows[] = {
	ROW(S, seq, JF_UINT, NULL),
	ROW(S, kind, JF_ENUM, &kind_names),
	ROW(S, from, JF_ENUM, &side_names),
	ROW(S, conn, JF_UINT, NULL),
	ROW(S, t_us, JF_I64, NULL),
	ROW(S, hs_type, JF_UINT, NULL),
	ROW(S, version, JF_UINT, NULL),
	ROW(S, encrypted, JF_BOOL, NULL),
	ROW(S, keys, JF_ENUM, &keys_names),
	ROW(S, rec_type, JF_UINT, NULL),
	ROW(S, rec_version, JF_UINT, NULL),
	ROW(S, rec_length, JF_UINT, NULL),
	ROW(S, alert_level, JF_UINT, NULL),
	ROW(S, alert_desc, JF_UINT, NULL),
	ROWN(S, body, JF_BODY, body_len, NULL),
	ROW(S, body_total, JF_SIZE, NULL),
	ROW(S, text, JF_TEXT, NULL),
	ROW(S, text_total, JF_SIZE, NULL),
	ROW(S, code, JF_INT, NULL),
	ROW(S, sent_seen, JF_BOOL, NULL),
	ROW(S, recv_seen, JF_BOOL, NULL),
	ROW(S, sent_us, JF_I64, NULL),
	ROW(S, recv_us, JF_I64, NULL),
	ROW(S, recv_differs, JF_BOOL, NULL),
	ROW(S, note, JF_STRUCT, &note_table),
	ROW(S, delivery, JF_ENUM, &delivery_names),
	ROW(S, cause, JF_ENUM, &cause_names),
	ROW(S, deliv_bytes, JF_UINT, NULL),
	ROW(S, key_gen, JF_UINT, NULL),
	ROW(S, handshake, JF_UINT, NULL),
};
#undef S
TABLE(jsonfields_event, struct tl_event, "event", event_rows);

#define S struct tl_result
static const struct jf_field result_rows[] = {
	ROW(S, set, JF_BOOL, NULL),
	ROW(S, handshake_ok, JF_BOOL, NULL),
	ROW(S, rejected_after, JF_BOOL, NULL),
	ROW(S, closed_cleanly, JF_BOOL, NULL),
	ROW(S, code, JF_INT, NULL),
	ROW(S, error, JF_STR, NULL),
	ROW(S, verify_done, JF_BOOL, NULL),
	ROW(S, verified, JF_BOOL, NULL),
	ROW(S, peer_sent_cert, JF_BOOL, NULL),
	ROW(S, verify, JF_STR, NULL),
	ROW(S, cipher_suite, JF_STR, NULL),
	ROW(S, group, JF_STR, NULL),
	ROW(S, sigscheme, JF_STR, NULL),
	ROW(S, version, JF_UINT, NULL),
	ROW(S, alpn, JF_STR, NULL),
	ROW(S, resumed, JF_BOOL, NULL),
	ROW(S, exit_code, JF_INT, NULL),
	ROW(S, verify_flags, JF_UINT, NULL),
	ROW(S, peer_chain_len, JF_UINT, NULL),
	ROW(S, grace_end, JF_ENUM, &grace_names),
	ROW(S, grace_us, JF_I64, NULL),
};
#undef S
TABLE(jsonfields_result, struct tl_result, "result", result_rows);

#define S struct chain_dates
static const struct jf_field dates_rows[] = {
	ROW(S, when, JF_ENUM, &when_names),
	{ "days", JF_I64, offsetof(S, days), sizeof(long), 0, NULL, 0 },
	ROW(S, not_before, JF_I64, NULL),
	ROW(S, not_after, JF_I64, NULL),
};
#undef S
static TABLE(dates_table, struct chain_dates, "dates", dates_rows);

#define S struct chain_link
static const struct jf_field link_rows[] = {
	ROW(S, subject, JF_STR, NULL),
	ROW(S, issuer, JF_STR, NULL),
	ROW(S, parse_error, JF_STR, NULL),
	ROW(S, issued_by, JF_ENUM, &issuer_names),
	ROW(S, issuer_index, JF_UINT, NULL),
	ROW(S, other_subject, JF_STR, NULL),
	ROW(S, signature, JF_ENUM, &sig_names),
	ROW(S, sig_alg, JF_STR, NULL),
	ROW(S, issuer_ca, JF_ENUM, &ca_names),
	ROW(S, dates_checked, JF_BOOL, NULL),
	ROW(S, dates, JF_STRUCT, &dates_table),
	ROW(S, host, JF_ENUM, &host_names),
	ROW(S, names, JF_STR, NULL),
	ROW(S, purpose, JF_ENUM, &purpose_names),
	ROW(S, eku, JF_STR, NULL),
};
#undef S
static TABLE(link_table, struct chain_link, "link", link_rows);

#define S struct chain_result
static const struct jf_field chain_rows[] = {
	ROW(S, judge, JF_ENUM, &side_names),
	ROW(S, verdict, JF_ENUM, &verdict_names),
	ROW(S, fault, JF_ENUM, &fault_names),
	ROW(S, fault_link, JF_UINT, NULL),
	ROW(S, walk_fault, JF_ENUM, &fault_names),
	ROW(S, walk_fault_link, JF_UINT, NULL),
	ROW(S, sent, JF_UINT, NULL),
	ROW(S, path, JF_UINT, NULL),
	ROW(S, peer_is_server, JF_BOOL, NULL),
	ROW(S, hostname, JF_STR, NULL),
	ROW(S, now, JF_I64, NULL),
	ROWN(S, link, JF_STRUCTS, nlinks, &link_table),
	ROW(S, anchor, JF_ENUM, &anchor_names),
	ROW(S, anchor_index, JF_UINT, NULL),
	ROW(S, anchor_name, JF_STR, NULL),
	ROW(S, anchor_subject, JF_STR, NULL),
	ROW(S, anchor_dates, JF_STRUCT, &dates_table),
	ROW(S, store, JF_STR, NULL),
	ROW(S, store_empty, JF_BOOL, NULL),
	ROW(S, lib_run, JF_BOOL, NULL),
	ROW(S, lib_rc, JF_INT, NULL),
	ROW(S, lib_status, JF_UINT, NULL),
	ROW(S, lib_dates, JF_BOOL, NULL),
	ROW(S, lib_text, JF_STR, NULL),
};
#undef S
TABLE(jsonfields_chain, struct chain_result, "chain", chain_rows);

#define S struct finished_result
static const struct jf_field finished_rows[] = {
	ROW(S, index, JF_SIZE, NULL),
	ROW(S, conn, JF_UINT, NULL),
	ROW(S, verdict, JF_ENUM, &fverdict_names),
	ROW(S, reason, JF_ENUM, &freason_names),
	ROW(S, client, JF_BOOL, NULL),
	ROW(S, version, JF_UINT, NULL),
	ROW(S, suite, JF_UINT, NULL),
	ROW(S, hash_name, JF_STATIC, &hash_names),
	ROW(S, hash_len, JF_SIZE, NULL),
	ROWN(S, transcript_hash, JF_HEXN, hash_len, NULL),
	ROW(S, have_transcript, JF_BOOL, NULL),
	ROW(S, nmsgs, JF_UINT, NULL),
	ROWN(S, msgs, JF_SIZES, nmsgs, NULL),
	ROW(S, message_hash, JF_BOOL, NULL),
	ROW(S, base_secret, JF_STATIC, &base_secret_names),
	ROW(S, secret_conn, JF_UINT, NULL),
	{ "key_len", JF_SIZE, offsetof(S, key_len), sizeof(size_t), 0, NULL, JF_SECRET },
	SECRET(S, key, JF_HEXN, key_len),
	ROW(S, secret_len, JF_SIZE, NULL),
	ROW(S, recomputed_len, JF_SIZE, NULL),
	ROWN(S, recomputed, JF_HEXN, recomputed_len, NULL),
	ROW(S, received_len, JF_SIZE, NULL),
	ROW(S, bad_index, JF_SIZE, NULL),
	ROW(S, post_handshake, JF_BOOL, NULL),
};
#undef S
TABLE(jsonfields_finished, struct finished_result, "finished", finished_rows);

NAMES(rverdict_names, "unchecked", "plain", "opened", "tag_mismatch", "cannot");
NAMES(rwhy_names, "none", "no_bytes", "cut", "no_hello", "no_secret", "unsupported", "too_short", "library");
NAMES(rprot_names, "none", "aead13", "aead12_explicit", "aead12_xor", "cbc", "cbc_etm");
LAST(rverdict_names, TL_REC_CANNOT);
LAST(rwhy_names, TL_REC_LIBRARY);
LAST(rprot_names, TL_PROT_CBC_ETM);

#define S struct tl_record_facts
static const struct jf_field record_rows[] = {
	ROW(S, index, JF_SIZE, NULL),
	ROW(S, verdict, JF_ENUM, &rverdict_names),
	ROW(S, why, JF_ENUM, &rwhy_names),
	ROW(S, prot, JF_ENUM, &rprot_names),
	ROW(S, have_bytes, JF_BOOL, NULL),
	{ "offset", JF_SIZE, offsetof(S, offset), sizeof(uint64_t), 0, NULL, 0 },
	{ "seq", JF_SIZE, offsetof(S, seq), sizeof(uint64_t), 0, NULL, 0 },
	ROW(S, inner_type, JF_UINT, NULL),
	ROW(S, plain_len, JF_UINT, NULL),
	ROW(S, nonce_len, JF_UINT, NULL),
	ROW(S, tag_len, JF_UINT, NULL),
	ROW(S, pad_len, JF_UINT, NULL),
	{ "iv_len", JF_SIZE, offsetof(S, iv_len), sizeof(size_t), 0, NULL, JF_SECRET },
	SECRET(S, iv, JF_HEXN, iv_len),
	{ "nonce_full_len", JF_SIZE, offsetof(S, nonce_full_len), sizeof(size_t), 0, NULL, JF_SECRET },
	SECRET(S, nonce, JF_HEXN, nonce_full_len),
	ROW(S, aad_len, JF_SIZE, NULL),
	ROWN(S, aad, JF_HEXN, aad_len, NULL),
	ROW(S, secret_label, JF_STR, NULL),
	ROW(S, ncarry, JF_UINT, NULL),
	ROWN(S, carries, JF_SIZES, ncarry, NULL),
	ROW(S, carries_part, JF_BOOL, NULL),
	ROW(S, unmatched, JF_BOOL, NULL),
};
#undef S
TABLE(jsonfields_record, struct tl_record_facts, "record", record_rows);

#define S struct tl_wire_chunk
static const struct jf_field wire_rows[] = {
	ROW(S, conn, JF_UINT, NULL),
	ROW(S, from, JF_ENUM, &side_names),
	ROW(S, len, JF_SIZE, NULL),
	ROWN(S, bytes, JF_BODY, len, NULL),
};
#undef S
TABLE(jsonfields_wire, struct tl_wire_chunk, "wire", wire_rows);

#define S struct tl_secret
static const struct jf_field secret_rows[] = {
	ROW(S, side, JF_ENUM, &side_names),
	ROW(S, conn, JF_UINT, NULL),
	ROW(S, label, JF_STR, NULL),
	ROW(S, client_random, JF_HEX, NULL),
	ROW(S, len, JF_SIZE, NULL),
	SECRET(S, secret, JF_HEXN, len),
	ROW(S, withheld, JF_BOOL, NULL),
};
#undef S
TABLE(jsonfields_secret, struct tl_secret, "secret", secret_rows);

/* ---------------------------------------------------------------- helpers */

/* The name of value v, or NULL. */
const char *jsonfields_name(const struct jf_names *names, int v)
{
	return v >= 0 && (size_t)v < names->n ? names->names[v] : NULL;
}

/* n bytes as lowercase hex (a JSON string); NULL when memory ran out. */
static json_t *hex_value(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	json_t *v;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = '\0';
	v = json_stringn(s, 2 * n);
	free(s);
	return v;
}

/* The value of one hex digit, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the hex of v into out (at most cap bytes); *n its length. False when not hex or too long. */
static bool hex_decode(const json_t *v, uint8_t *out, size_t cap, size_t *n)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (!s || len % 2 || len / 2 > cap)
		return false;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return true;
}

/* A string: a JSON string when it is valid UTF-8, else {"hex": ...}. */
json_t *jsonfields_string(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);

	if (v)
		return v;
	v = json_object();
	if (v && json_object_set_new(v, "hex", hex_value((const uint8_t *)s, len)) != 0) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Reads a string member (JSON string without NUL, or {"hex"}) into a new buffer; NULL when not one. */
static char *string_get(const json_t *v)
{
	char *out;
	size_t n;

	if (json_is_string(v)) {
		n = json_string_length(v);
		if (memchr(json_string_value(v), '\0', n))
			return NULL;
		out = malloc(n + 1);
		if (out) {
			memcpy(out, json_string_value(v), n);
			out[n] = '\0';
		}
		return out;
	}
	if (!json_is_object(v) || json_object_size(v) != 1 || !json_is_string(json_object_get(v, "hex")))
		return NULL;
	v = json_object_get(v, "hex");
	out = malloc(json_string_length(v) / 2 + 1);
	if (!out || !hex_decode(v, (uint8_t *)out, json_string_length(v) / 2, &n) || memchr(out, '\0', n)) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	return out;
}

/* Writes "table.member: what" into err. */
static bool bad(char *err, size_t errlen, const struct jf_table *t, const struct jf_field *f, const char *what)
{
	snprintf(err, errlen, "%s.%s: %s", t->name, f->name, what);
	return false;
}

/* ---------------------------------------------------------------- struct -> JSON */

/* A signed integer member of the given size. */
static int64_t int_at(const void *p, size_t size)
{
	if (size == sizeof(int32_t)) {
		int32_t v;
		memcpy(&v, p, sizeof v);
		return v;
	}
	{
		int64_t v;
		memcpy(&v, p, sizeof v);
		return v;
	}
}

/* An array member (JF_STRUCTS, JF_SIZES) as a JSON array. */
static json_t *put_array(const struct jf_field *f, const void *base, bool secrets)
{
	const char *p = (const char *)base + f->off;
	unsigned count;
	json_t *arr = json_array();
	const struct jf_table *sub = f->aux;
	size_t cap = f->type == JF_STRUCTS ? f->size / sub->size : f->size / sizeof(size_t);

	memcpy(&count, (const char *)base + f->len_off, sizeof count);
	for (size_t i = 0; arr && i < count && i < cap; i++) {
		json_t *v;
		if (f->type == JF_STRUCTS) {
			v = jsonfields_put(sub, p + i * sub->size, secrets);
		} else {
			size_t z;
			memcpy(&z, p + i * sizeof z, sizeof z);
			v = json_integer((json_int_t)z);
		}
		if (json_array_append_new(arr, v) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

/* One member as a JSON value; NULL when memory ran out. */
static json_t *put_value(const struct jf_field *f, const void *base, bool secrets)
{
	const char *p = (const char *)base + f->off;
	size_t len = 0;
	int e;

	if (f->type == JF_HEXN || f->type == JF_BODY)
		memcpy(&len, (const char *)base + f->len_off, sizeof len);
	switch (f->type) {
	case JF_BOOL: return json_boolean(*(const bool *)p);
	case JF_U8: return json_integer(*(const uint8_t *)p);
	case JF_UINT: return json_integer(*(const unsigned *)p);
	case JF_INT: return json_integer(*(const int *)p);
	case JF_I64: return json_integer((json_int_t)int_at(p, f->size));
	case JF_SIZE: return json_integer((json_int_t) * (const size_t *)p);
	case JF_ENUM:
		memcpy(&e, p, sizeof e);
		return jsonfields_name(f->aux, e) ? json_string(jsonfields_name(f->aux, e)) : json_integer(e);
	case JF_STR: return jsonfields_string(p, strnlen(p, f->size));
	case JF_HEX: return hex_value((const uint8_t *)p, f->size);
	case JF_HEXN: return hex_value((const uint8_t *)p, len < f->size ? len : f->size);
	case JF_STATIC: {
		const char *s;
		memcpy(&s, p, sizeof s);
		return s ? json_string(s) : json_null();
	}
	case JF_STRUCT: return jsonfields_put(f->aux, p, secrets);
	case JF_STRUCTS:
	case JF_SIZES: return put_array(f, base, secrets);
	case JF_BODY: {
		const uint8_t *b;
		memcpy(&b, p, sizeof b);
		return hex_value(b, b ? len : 0);
	}
	case JF_TEXT: {
		const char *s;
		memcpy(&s, p, sizeof s);
		return s ? jsonfields_string(s, strlen(s)) : json_null();
	}
	}
	return NULL;
}

/* The members of base as a JSON object. */
json_t *jsonfields_put(const struct jf_table *t, const void *base, bool secrets)
{
	json_t *obj = json_object();

	for (size_t i = 0; obj && i < t->n; i++) {
		const struct jf_field *f = &t->f[i];
		if ((f->flags & JF_SECRET) && !secrets)
			continue;
		if (json_object_set_new(obj, f->name, put_value(f, base, secrets)) != 0) {
			json_decref(obj);
			obj = NULL;
		}
	}
	return obj;
}

/* ---------------------------------------------------------------- JSON -> struct */

/* An integer member within [min, max], stored by its type; false (err) when not. */
static bool get_integer(const struct jf_table *t, const struct jf_field *f, const json_t *v, void *p, char *err,
			size_t errlen)
{
	static const struct { enum jf_type type; long long min, max; } range[] = {
		{ JF_U8, 0, UINT8_MAX }, { JF_UINT, 0, UINT_MAX }, { JF_INT, INT_MIN, INT_MAX },
		{ JF_I64, LLONG_MIN, LLONG_MAX }, { JF_SIZE, 0, LLONG_MAX },
	};
	long long x;

	if (!json_is_integer(v))
		return bad(err, errlen, t, f, "not an integer");
	x = json_integer_value(v);
	for (size_t k = 0; k < sizeof range / sizeof range[0]; k++)
		if (range[k].type == f->type && (x < range[k].min || x > range[k].max))
			return bad(err, errlen, t, f, "out of range");
	if (f->type == JF_I64 && f->size == sizeof(int32_t) && (x < INT32_MIN || x > INT32_MAX))
		return bad(err, errlen, t, f, "out of range");
	switch (f->type) {
	case JF_U8: *(uint8_t *)p = (uint8_t)x; break;
	case JF_UINT: *(unsigned *)p = (unsigned)x; break;
	case JF_INT: *(int *)p = (int)x; break;
	case JF_SIZE: *(size_t *)p = (size_t)x; break;
	default:
		if (f->size == sizeof(int32_t)) {
			int32_t y = (int32_t)x;
			memcpy(p, &y, sizeof y);
		} else {
			int64_t y = x;
			memcpy(p, &y, sizeof y);
		}
		break;
	}
	return true;
}

/* A member naming one of a list: an enum value (JF_ENUM) or a static string (JF_STATIC). */
static bool get_named(const struct jf_table *t, const struct jf_field *f, const json_t *v, void *p, char *err,
		      size_t errlen)
{
	const struct jf_names *names = f->aux;
	const char *s = json_string_value(v);

	if (f->type == JF_STATIC && json_is_null(v)) {
		memset(p, 0, sizeof(const char *));
		return true;
	}
	for (size_t k = 0; s && k < names->n; k++) {
		if (strcmp(s, names->names[k]) != 0 || strlen(s) != json_string_length(v))
			continue;
		if (f->type == JF_STATIC)
			memcpy(p, &names->names[k], sizeof names->names[k]);
		else {
			int e = (int)k;
			memcpy(p, &e, sizeof e);
		}
		return true;
	}
	return bad(err, errlen, t, f, "not one of the names the format defines");
}

/* An array member (JF_STRUCTS, JF_SIZES). */
static bool get_array(const struct jf_table *t, const struct jf_field *f, const json_t *v, void *base, char *err,
		      size_t errlen)
{
	char *p = (char *)base + f->off;
	const struct jf_table *sub = f->aux;
	size_t cap = f->type == JF_STRUCTS ? f->size / sub->size : f->size / sizeof(size_t);
	size_t n = json_array_size(v);
	unsigned count;

	if (!json_is_array(v) || n > cap)
		return bad(err, errlen, t, f, "not an array, or too long");
	memcpy(&count, (char *)base + f->len_off, sizeof count);
	if (f->type == JF_SIZES && n != (count < cap ? count : cap))
		return bad(err, errlen, t, f, "its length does not fit its count");
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);
		if (f->type == JF_STRUCTS) {
			if (!json_is_object(e))
				return bad(err, errlen, t, f, "an element is not an object");
			if (!jsonfields_get(sub, e, p + i * sub->size, err, errlen))
				return false;
		} else {
			if (!json_is_integer(e) || json_integer_value(e) < 0)
				return bad(err, errlen, t, f, "an element is not an index");
			*(size_t *)(p + i * sizeof(size_t)) = (size_t)json_integer_value(e);
		}
	}
	if (f->type == JF_STRUCTS) {
		count = (unsigned)n;
		memcpy((char *)base + f->len_off, &count, sizeof count);
	}
	return true;
}

/* Bytes (JF_HEX, JF_HEXN, JF_BODY). */
static bool get_bytes(const struct jf_table *t, const struct jf_field *f, const json_t *v, void *base, char *err,
		      size_t errlen)
{
	char *p = (char *)base + f->off;
	size_t n = 0, want = f->size;
	uint8_t *body;

	if (!json_is_string(v))
		return bad(err, errlen, t, f, "not a hex string");
	if (f->type == JF_BODY) {
		body = malloc(json_string_length(v) / 2 + 1);
		if (!body)
			return bad(err, errlen, t, f, "out of memory");
		memcpy(p, &body, sizeof body);
		if (!hex_decode(v, body, json_string_length(v) / 2, &n))
			return bad(err, errlen, t, f, "not hex");
		memcpy((char *)base + f->len_off, &n, sizeof n);
		return true;
	}
	if (f->type == JF_HEXN)
		memcpy(&want, (char *)base + f->len_off, sizeof want);
	if (!hex_decode(v, (uint8_t *)p, f->size, &n) || n != want)
		return bad(err, errlen, t, f, "not hex of the length it should have");
	return true;
}

/* A string member (JF_STR, JF_TEXT). */
static bool get_string(const struct jf_table *t, const struct jf_field *f, const json_t *v, void *base, char *err,
		       size_t errlen)
{
	char *p = (char *)base + f->off;
	char *s;

	if (f->type == JF_TEXT && json_is_null(v))
		return true;
	s = string_get(v);
	if (!s)
		return bad(err, errlen, t, f, "not a string (or it holds a NUL byte)");
	if (f->type == JF_TEXT) {
		memcpy(p, &s, sizeof s);
		return true;
	}
	if (strlen(s) >= f->size) {
		free(s);
		return bad(err, errlen, t, f, "too long");
	}
	memcpy(p, s, strlen(s) + 1);
	free(s);
	return true;
}

/* One member from v. */
static bool get_value(const struct jf_table *t, const struct jf_field *f, const json_t *v, void *base, char *err,
		      size_t errlen)
{
	char *p = (char *)base + f->off;

	switch (f->type) {
	case JF_BOOL:
		if (!json_is_boolean(v))
			return bad(err, errlen, t, f, "not true or false");
		*(bool *)p = json_is_true(v);
		return true;
	case JF_U8:
	case JF_UINT:
	case JF_INT:
	case JF_I64:
	case JF_SIZE: return get_integer(t, f, v, p, err, errlen);
	case JF_ENUM:
	case JF_STATIC: return get_named(t, f, v, p, err, errlen);
	case JF_STR:
	case JF_TEXT: return get_string(t, f, v, base, err, errlen);
	case JF_HEX:
	case JF_HEXN:
	case JF_BODY: return get_bytes(t, f, v, base, err, errlen);
	case JF_STRUCT:
		if (!json_is_object(v))
			return bad(err, errlen, t, f, "not an object");
		return jsonfields_get(f->aux, v, p, err, errlen);
	case JF_STRUCTS:
	case JF_SIZES: return get_array(t, f, v, base, err, errlen);
	}
	return bad(err, errlen, t, f, "unknown kind");
}

/* Fills base from obj. */
bool jsonfields_get(const struct jf_table *t, const json_t *obj, void *base, char *err, size_t errlen)
{
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "%s: not an object", t->name);
		return false;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct jf_field *f = &t->f[i];
		const json_t *v = json_object_get(obj, f->name);
		size_t len;

		if (v && !get_value(t, f, v, base, err, errlen))
			return false;
		if (f->type != JF_HEXN)
			continue;
		memcpy(&len, (char *)base + f->len_off, sizeof len);
		if (len > f->size)      /* its length member says more than it can hold, even when it is absent */
			return bad(err, errlen, t, f, "its length is more than it can hold");
	}
	return true;
}

/* Frees the loader's allocations in base. */
void jsonfields_free(const struct jf_table *t, void *base)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct jf_field *f = &t->f[i];
		void *p;
		if (f->type != JF_BODY && f->type != JF_TEXT)
			continue;
		memcpy(&p, (char *)base + f->off, sizeof p);
		free(p);
		p = NULL;
		memcpy((char *)base + f->off, &p, sizeof p);
	}
}
