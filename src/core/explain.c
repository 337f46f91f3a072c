/*
 * explain.c: plain-language paragraphs about timeline events (see
 * explain.h): the dispatcher, and what the message families share.
 *
 * explain_event() gathers what event i is into a struct explain_ctx (the
 * event, the connection's summary, the version in force, who sent it) and
 * hands it to the paragraph of its family: explain_hello.c (ClientHello,
 * ServerHello, HelloRetryRequest), explain_cert.c (Certificate,
 * CertificateRequest, CertificateVerify), explain_kx.c (ServerKeyExchange,
 * ServerHelloDone, ClientKeyExchange), explain_finish.c
 * (EncryptedExtensions, Finished, NewSessionTicket, KeyUpdate) and
 * explain_alert.c (ChangeCipherSpec, alerts, records, notes). Each writes
 * into a struct strbuf (strbuf.h) over the caller's buffer: what the
 * message is for, the values this run's bytes carry, and what would go
 * wrong without it. The rarer handshake messages are told here.
 *
 * The values come from the decoder's tree of the body (decode.h, the one
 * parser of every message): the readers below (explain_decoded,
 * explain_node_u16, ...) find a field's node and read the value at the
 * bytes it covers; when the body does not decode cleanly, a paragraph
 * keeps its generic sentences and adds one saying the values could not be
 * read (explain_unreadable). Connection-level facts (version, key
 * exchange, resumption) come from summary_build().
 *
 * Nothing here is sanitized: the SNI host name and note texts are copied raw
 * (cut at a NUL byte) and the caller sanitizes what it shows.
 */
#include "tlsladder/explain.h"
#include "explain_internal.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"
#include "tlsladder/summary.h"
#include "tlsladder/wire.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Appends names as "a", "a and b" or "a, b and c"; unnamed values in hex. */
void explain_names(struct strbuf *o, const unsigned *ids, unsigned count, const char *(*name)(unsigned))
{
	for (unsigned k = 0; k < count; k++) {
		const char *s = name(ids[k]);

		if (k > 0)
			strbuf_printf(o, "%s", k + 1 == count ? " and " : ", ");
		if (s)
			strbuf_printf(o, "%s", s);
		else
			strbuf_printf(o, "0x%04x", ids[k]);
	}
}

/* Appends the sentence said when a body does not decode. */
void explain_unreadable(struct strbuf *o, const char *what)
{
	strbuf_printf(o, " This copy of the %s could not be decoded (it is cut short or malformed), "
		      "so its values are not shown.", what);
}

/* A name from a table, or the value in hex with a word for what it is. */
static const char *name_or_hex(const char *name, const char *what, unsigned id, char *tmp, size_t n)
{
	if (name && strcmp(name, "GREASE") != 0)
		return name;
	snprintf(tmp, n, "%s 0x%04x", what, id & 0xffffu);
	return tmp;
}

/* Suite name or "cipher suite 0x....". */
const char *explain_suite_name(unsigned id, char *tmp, size_t n)
{
	return name_or_hex(names_cipher_suite(id), "cipher suite", id, tmp, n);
}

/* Group name or "group 0x....". */
const char *explain_group_name(unsigned id, char *tmp, size_t n)
{
	return name_or_hex(names_group(id), "group", id, tmp, n);
}

/* Signature scheme name or "signature scheme 0x....". */
const char *explain_sig_name(unsigned id, char *tmp, size_t n)
{
	return name_or_hex(names_sigscheme(id), "signature scheme", id, tmp, n);
}

/* Version name or "version 0x....". */
const char *explain_version_name(unsigned v, char *tmp, size_t n)
{
	return name_or_hex(v ? names_version(v) : NULL, "version", v, tmp, n);
}

/* Adds id to a bounded list unless it is GREASE; counts it either way it fits. */
void explain_list_add(unsigned *ids, unsigned *count, unsigned id)
{
	if (names_is_grease(id))
		return;
	if (*count < MAX_IDS)
		ids[*count] = id;
	(*count)++;
}

/* True when id is among the first MAX_IDS entries of a list. */
bool explain_list_has(const unsigned *ids, unsigned count, unsigned id)
{
	for (unsigned k = 0; k < count && k < MAX_IDS; k++)
		if (ids[k] == id)
			return true;
	return false;
}

/* ---- values read through the decoder's tree (decode.h), the one parser of every body ---- */

/*
 * The decoder's tree of handshake event ev. *ok says it decoded cleanly
 * (no "malformed" or "trailing data" node). The caller frees it.
 */
struct tree_node *explain_decoded(const struct explain_ctx *c, const struct tl_event *ev, bool *ok)
{
	struct decode_ctx d;
	struct tree_node *t;

	d.version = c->version;
	d.from = ev->from;
	d.kx = decode_kx_of(&c->s);
	t = decode_handshake_stored(ev->hs_type, ev->body, ev->body_len, ev->body_total, &d);
	*ok = t != NULL;
	for (const struct tree_node *k = t ? t->first : NULL; k; k = k->next)
		if (k->flags & TREE_ERROR)
			*ok = false;
	return t;
}

/* The n-byte big-endian value at the start of the bytes node covers (n <= 4). */
bool explain_node_uint(const struct tl_event *ev, const struct tree_node *node, size_t n, unsigned long *v)
{
	if (!node || node->len < n || node->off > ev->body_len || ev->body_len - node->off < n)
		return false;
	*v = 0;
	for (size_t k = 0; k < n; k++)
		*v = (*v << 8) | ev->body[node->off + k];
	return true;
}

/* The 2-byte code a node starts with (a cipher suite, group, version, scheme or extension type). */
bool explain_node_u16(const struct tl_event *ev, const struct tree_node *node, unsigned *v)
{
	unsigned long x;

	if (!explain_node_uint(ev, node, 2, &x))
		return false;
	*v = (unsigned)x;
	return true;
}

/* Length of a vector node's content: its range less the length prefix of lenbytes; 0 when absent. */
size_t explain_vec_len(const struct tree_node *node, size_t lenbytes)
{
	return node && node->len > lenbytes ? node->len - lenbytes : 0;
}

/* The 2-byte codes of the children of node (at path under t) into a bounded list. */
void explain_codes_of(const struct tl_event *ev, const struct tree_node *t, const char *path, unsigned *ids,
		             unsigned *count)
{
	const struct tree_node *node = tree_find(t, path);
	unsigned v;

	for (const struct tree_node *k = node ? node->first : NULL; k; k = k->next)
		if (explain_node_u16(ev, k, &v))
			explain_list_add(ids, count, v);
}

/* Number of children of the node at path, 0 when absent. */
unsigned explain_children(const struct tree_node *t, const char *path)
{
	const struct tree_node *n = tree_find(t, path);

	return n ? n->nchildren : 0;
}

/* A handshake message this module has no special paragraph for. */
static void other_handshake(struct strbuf *o, const struct explain_ctx *c)
{
	const char *name = names_handshake(c->ev.hs_type);

	switch (c->ev.hs_type) {
	case WIRE_HS_HELLO_REQUEST:
		strbuf_printf(o, "The server asks the client to start a new handshake on this connection "
			      "(renegotiation, TLS 1.2 and older). TLS 1.3 removed renegotiation; it uses KeyUpdate "
			      "and post-handshake authentication instead.");
		return;
	case WIRE_HS_END_OF_EARLY_DATA:
		strbuf_printf(o, "The client marks the end of its early data (0-RTT): application data it sent "
			      "before the handshake finished, protected with keys from a session ticket.");
		strbuf_printf(o, " Early data can be replayed by an attacker, so servers accept it only for requests "
			      "that are safe to repeat; without this marker the server would not know where early "
			      "data stops and the handshake resumes.");
		return;
	case WIRE_HS_CERTIFICATE_STATUS:
		strbuf_printf(o, "The server staples a fresh OCSP response to its certificate: a statement signed by "
			      "the authority (CA) that the certificate has not been revoked. It saves the client from "
			      "asking the CA itself, which would be slower and tell the CA which sites it visits.");
		return;
	default:
		break;
	}
	if (name)
		strbuf_printf(o, "A %s message from the %s (handshake type %u), which this tool shows without a "
			      "detailed explanation; its %zu bytes are in the detail view.", name, c->side,
			      c->ev.hs_type, c->ev.body_total);
	else
		strbuf_printf(o, "A handshake message of type %u from the %s, which this tool does not know: it may "
			      "belong to an extension of TLS or a newer version. Its %zu bytes are in the detail "
			      "view.", c->ev.hs_type, c->side, c->ev.body_total);
}

/* Handshake messages by type. */
static void handshake(struct strbuf *o, const struct explain_ctx *c)
{
	switch (c->ev.hs_type) {
	case WIRE_HS_CLIENT_HELLO: explain_hello_client(o, c); break;
	case WIRE_HS_SERVER_HELLO: explain_hello_server(o, c); break;
	case TL_HS_HELLO_RETRY_REQUEST: explain_hello_retry(o, c); break;
	case WIRE_HS_NEW_SESSION_TICKET: explain_finish_ticket(o, c); break;
	case WIRE_HS_ENCRYPTED_EXTENSIONS: explain_finish_ee(o, c); break;
	case WIRE_HS_CERTIFICATE: explain_cert_message(o, c); break;
	case WIRE_HS_SERVER_KEY_EXCHANGE: explain_kx_server(o, c); break;
	case WIRE_HS_CERTIFICATE_REQUEST: explain_cert_request(o, c); break;
	case WIRE_HS_SERVER_HELLO_DONE: explain_kx_server_done(o, c); break;
	case WIRE_HS_CERTIFICATE_VERIFY: explain_cert_verify(o, c); break;
	case WIRE_HS_CLIENT_KEY_EXCHANGE: explain_kx_client(o, c); break;
	case WIRE_HS_FINISHED: explain_finish_finished(o, c); break;
	case WIRE_HS_KEY_UPDATE: explain_finish_key_update(o, c); break;
	default: other_handshake(o, c); break;
	}
}

/* Paragraph about event i. */
size_t explain_event(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	struct strbuf o;
	struct explain_ctx c;

	strbuf_init(&o, buf, n);
	memset(&c, 0, sizeof c);
	if (!tl || !timeline_get(tl, i, &c.ev))
		return 0;
	if (!c.ev.body)
		c.ev.body_len = 0;
	if (c.ev.body_total < c.ev.body_len)
		c.ev.body_total = c.ev.body_len;
	c.tl = tl;
	c.i = i;
	summary_build(tl, c.ev.conn, &c.s);
	c.version = c.ev.version ? c.ev.version : c.s.version;
	c.side = c.ev.from == TL_CLIENT ? "client" : "server";
	c.peer = c.ev.from == TL_CLIENT ? "server" : "client";
	if (timeline_undelivered(&c.ev)) {
		char why[160];
		/* what follows describes the message's purpose, not what happened to it */
		strbuf_printf(&o, "This never reached the %s (%s); what follows says what it is for. ", c.peer,
			      timeline_delivery_text(&c.ev, why, sizeof why));
	}
	if (timeline_body_cut(&c.ev)) {
		char kept[160];
		/* what follows is read from the bytes kept: say so before any value drawn from them */
		strbuf_printf(&o, "Only part of this message was stored (%s): what follows is read from the bytes "
			      "kept. ", timeline_stored_text(&c.ev, kept, sizeof kept));
	}
	switch (c.ev.kind) {
	case TL_EV_HANDSHAKE: handshake(&o, &c); break;
	case TL_EV_CCS: explain_alert_ccs(&o, &c); break;
	case TL_EV_ALERT: explain_alert_message(&o, &c); break;
	case TL_EV_RECORD: explain_alert_record(&o, &c); break;
	case TL_EV_NOTE:
	case TL_EV_ERROR:
	case TL_EV_DIAGNOSIS: explain_alert_note(&o, &c); break;
	case TL_EV_PLAIN: explain_plain_row(&o, &c); break;
	default: strbuf_printf(&o, "An event of a kind this tool does not know."); break;
	}
	return o.len;
}

/* One-line title of event i. */
size_t explain_title(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	struct strbuf o;
	struct tl_event ev;
	const char *name;

	strbuf_init(&o, buf, n);
	if (!tl || !timeline_get(tl, i, &ev))
		return 0;
	if (!ev.body)
		ev.body_len = 0;
	switch (ev.kind) {
	case TL_EV_HANDSHAKE:
		if (ev.hs_type != TL_HS_HELLO_RETRY_REQUEST && !names_handshake(ev.hs_type)) {
			strbuf_printf(&o, "unknown handshake message (type %u)", ev.hs_type);
		} else if (ev.hs_type == WIRE_HS_CERTIFICATE) {
			struct explain_ctx c;
			unsigned count = 0;
			bool ok;

			memset(&c, 0, sizeof c);
			summary_build(tl, ev.conn, &c.s);
			c.version = ev.version ? ev.version : c.s.version;
			ok = explain_cert_count(&c, &ev, &count);
			if (ok && count == 0)
				strbuf_printf(&o, "Certificate (empty)");
			else if (ok)
				strbuf_printf(&o, "Certificate (%u cert%s)", count, count == 1 ? "" : "s");
			else
				strbuf_printf(&o, "Certificate");
		} else {
			strbuf_printf(&o, "%s", timeline_event_name(&ev));
		}
		break;
	case TL_EV_ALERT:
		name = names_alert_level(ev.alert_level);
		if (name)
			strbuf_printf(&o, "Alert %s ", name);
		else
			strbuf_printf(&o, "Alert level %u ", ev.alert_level);
		name = names_alert(ev.alert_desc);
		strbuf_printf(&o, "%s (%u)", name ? name : "unknown", ev.alert_desc);
		break;
	case TL_EV_RECORD:
		name = names_content_type(ev.rec_type);
		strbuf_printf(&o, "record: %s (%u), %u byte%s", name ? name : "unknown", ev.rec_type, ev.rec_length,
			      ev.rec_length == 1 ? "" : "s");
		break;
	case TL_EV_PLAIN:
		strbuf_printf(&o, "plaintext: %s", ev.text ? ev.text : "");
		break;
	default:
		strbuf_printf(&o, "%s", timeline_event_name(&ev));
		break;
	}
	return o.len;
}
