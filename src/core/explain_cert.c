/*
 * explain_cert.c: the paragraphs about identities (see explain.h):
 * Certificate (from either side), CertificateRequest and
 * CertificateVerify.
 *
 * Counts and algorithms are read from the decoder's tree of the body; what
 * the receiver of a chain concluded is the verdict the handshake stored in
 * the timeline (timeline_get_chain), put in words by chain_words(): it is
 * never judged again here.
 */
#include "explain_internal.h"
#include "tlsladder/wire.h"
#include "tlsladder/chain.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a CertificateRequest asks for (TLS 1.3 or 1.2 form). */
struct cert_request {
	unsigned nsigalgs;
	unsigned ncas;
	unsigned ntypes;
	unsigned types[MAX_IDS];   /* TLS 1.2 certificate types */
};

/* Reads a CertificateRequest. False when malformed. */
static bool cr_read(const struct explain_ctx *c, bool tls13, struct cert_request *cr)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);
	const struct tree_node *types = tree_find(t, "certificate types");
	unsigned long v;

	memset(cr, 0, sizeof *cr);
	if (ok && tls13) {
		cr->nsigalgs = explain_children(t, "extensions/signature_algorithms");
		cr->ncas = explain_children(t, "extensions/certificate_authorities");
	} else if (ok) {
		cr->nsigalgs = explain_children(t, "signature algorithms");
		cr->ncas = explain_children(t, "certificate authorities");
		for (const struct tree_node *k = types ? types->first : NULL; k; k = k->next)
			if (explain_node_uint(&c->ev, k, 1, &v))
				explain_list_add(cr->types, &cr->ntypes, (unsigned)v);
	}
	tree_free(t);
	return ok;
}

/* A TLS 1.2 certificate type by name. */
static const char *cert_type_name(unsigned t)
{
	switch (t) {
	case WIRE_CERT_TYPE_RSA_SIGN: return "RSA";
	case WIRE_CERT_TYPE_DSS_SIGN: return "DSA";
	case WIRE_CERT_TYPE_ECDSA_SIGN: return "ECDSA";
	default: return NULL;
	}
}

/* Certificates in a Certificate message; false when malformed. */
bool explain_cert_count(const struct explain_ctx *c, const struct tl_event *ev, unsigned *count)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, ev, &ok);

	*count = explain_children(t, "certificates");
	ok = ok && tree_find(t, "certificates") != NULL;
	tree_free(t);
	return ok;
}

/* TLS 1.3: true when event c->i came after the client's Finished in its connection (post-handshake). */
static bool after_client_finished(const struct explain_ctx *c)
{
	if (c->version != WIRE_TLS13)
		return false;
	for (size_t j = c->i; j-- > 0;) {
		struct tl_event e;
		if (!timeline_get(c->tl, j, &e) || e.conn != c->ev.conn)
			break;
		if (e.kind == TL_EV_HANDSHAKE && e.hs_type == WIRE_HS_FINISHED && e.from == TL_CLIENT)
			return true;
		if (e.kind == TL_EV_HANDSHAKE && e.hs_type == WIRE_HS_CLIENT_HELLO)
			return false;
	}
	return false;
}

/* The certificate_request_context of a TLS 1.3 CertificateRequest or Certificate: its length, and its first
 * bytes in hex into buf ("" when empty or unreadable). */
static size_t context_hex(const struct explain_ctx *c, char *buf, size_t n)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);
	const struct tree_node *k = tree_find(t, "certificate_request_context");
	size_t len = explain_vec_len(k, 1), used = 0;

	buf[0] = '\0';
	if (k && k->off <= c->ev.body_len && k->len <= c->ev.body_len - k->off)
		for (size_t b = 0; b < len && b < 16 && used + 3 < n; b++)
			used += (size_t)snprintf(buf + used, n - used, "%02x", c->ev.body[k->off + 1 + b]);
	else
		len = 0;
	if (len > 16 && used + 4 < n)
		snprintf(buf + used, n - used, "...");
	tree_free(t);
	return len;
}

/* A CertificateRequest after the handshake: post-handshake authentication, with its context. */
static void late_request(struct strbuf *o, const struct explain_ctx *c)
{
	char hex[40];
	size_t len = context_hex(c, hex, sizeof hex);

	strbuf_printf(o, " This request comes after the handshake: TLS 1.3 post-handshake authentication (RFC 8446 "
		      "4.6.2), allowed because the client offered post_handshake_auth; Apache asks this way when a "
		      "request reaches a location that requires a certificate.");
	if (len)
		strbuf_printf(o, " Its certificate_request_context, %zu byte%s (%s), is fresh: the client's Certificate "
			      "must echo it.", len, len == 1 ? "" : "s", hex);
	strbuf_printf(o, " The client answers with Certificate, CertificateVerify (with a certificate) and Finished, "
		      "under the application traffic keys.");
}

/* CertificateRequest (TLS 1.3 and 1.2). */
void explain_cert_request(struct strbuf *o, const struct explain_ctx *c)
{
	struct cert_request cr;
	bool tls13 = c->version == WIRE_TLS13;

	strbuf_printf(o, "The server asks the client to prove its identity: the client must answer with a "
		      "certificate and then sign the handshake with that certificate's private key "
		      "(CertificateVerify).");
	if (!cr_read(c, tls13, &cr)) {
		explain_unreadable(o, "CertificateRequest");
	} else {
		strbuf_printf(o, " It accepts ");
		if (!tls13 && cr.ntypes > 0) {
			explain_names(o, cr.types, cr.ntypes < MAX_IDS ? cr.ntypes : MAX_IDS, cert_type_name);
			strbuf_printf(o, " certificates and ");
		}
		strbuf_printf(o, "%u signature algorithm%s", cr.nsigalgs, cr.nsigalgs == 1 ? "" : "s");
		if (cr.ncas > 0)
			strbuf_printf(o, ", and names %u certificate authorit%s it trusts, which helps the client pick "
				      "a matching certificate.", cr.ncas, cr.ncas == 1 ? "y" : "ies");
		else
			strbuf_printf(o, ", and names no particular certificate authority, so the client may send any "
				      "certificate it has.");
	}
	if (after_client_finished(c)) {
		late_request(o, c);
		return;
	}
	strbuf_printf(o, " This is mutual TLS: without this request the client would stay anonymous, and the "
		      "server would have to identify users some other way, such as a password.");
}

/* The verdict the receiving side reached on this connection's chain, as
 * the handshake stored it; nothing when that side was not seen judging. */
static void out_verdict(struct strbuf *o, const struct explain_ctx *c, enum tl_side judge)
{
	struct chain_result *r = malloc(sizeof *r);
	char words[800];

	if (r && timeline_get_chain(c->tl, judge, c->ev.conn, r)) {
		bool trusted = chain_words(r, words, sizeof words);
		strbuf_printf(o, " Here the %s found it %s", judge == TL_CLIENT ? "client" : "server",
			      trusted ? "good: " : "wanting: ");
		strbuf_raw(o, (const uint8_t *)words, strlen(words));
		strbuf_printf(o, ".");
	}
	free(r);
}

/* Certificate from the server. */
static void server_cert(struct strbuf *o, const struct explain_ctx *c, bool ok, unsigned count)
{
	bool tls13 = c->version == WIRE_TLS13;

	if (ok && count == 0) {
		strbuf_printf(o, "The server sent an empty certificate list, so it offers no identity to check; a "
			      "client that verifies servers will abort here.");
		return;
	}
	if (!ok)
		strbuf_printf(o, "The server sends its certificate chain: its own certificate first, then the "
			      "certificates of the authorities (CAs) meant to link it to a root the client trusts.");
	else if (count == 1)
		strbuf_printf(o, "The server sends a single certificate, its own; the client must already trust the "
			      "authority (CA) that issued it.");
	else
		strbuf_printf(o, "The server sends its certificate chain: %u certificates, its own first, then the "
			      "intermediate authorities (CAs) meant to link it to a root the client trusts.", count);
	if (!ok)
		explain_unreadable(o, "Certificate");
	strbuf_printf(o, " The client checks each signature along the chain, the validity dates, and that the "
		      "name in the certificate matches the server it asked for.");
	out_verdict(o, c, TL_CLIENT);
	if (tls13)
		strbuf_printf(o, " It travels encrypted, so an eavesdropper cannot see whose certificate this is; "
			      "the CertificateVerify that follows proves the server holds its private key, since "
			      "anyone can copy a certificate.");
	else if (c->s.rsa_kx)
		strbuf_printf(o, " In TLS 1.2 it travels in the clear; with RSA key exchange the server proves it "
			      "holds the private key by decrypting the client's secret.");
	else
		strbuf_printf(o, " In TLS 1.2 it travels in the clear; the server proves it holds the private key "
			      "by signing its ServerKeyExchange.");
	strbuf_printf(o, " Without it the client could not tell the real server from an impostor.");
}

/* A client Certificate answering a request made after the handshake: the context it echoes. */
static void late_answer(struct strbuf *o, const struct explain_ctx *c)
{
	char hex[40];
	size_t len = context_hex(c, hex, sizeof hex);

	strbuf_printf(o, " It answers a CertificateRequest the server sent after the handshake (post-handshake "
		      "authentication)");
	if (len)
		strbuf_printf(o, " and echoes its certificate_request_context, %zu byte%s (%s), so the server can match "
			      "the answer to its request.", len, len == 1 ? "" : "s", hex);
	else
		strbuf_printf(o, ".");
}

/* The note that the client's key fits none of the server's signature schemes, in this connection before
 * event i; false when there is none. */
static bool key_not_accepted_note(const struct explain_ctx *c, struct tl_note *out)
{
	size_t first, end;

	if (!timeline_conn_range(c->tl, c->ev.conn, &first, &end))
		return false;
	for (size_t k = first; k < end && k < c->i; k++) {
		struct tl_event e;
		if (timeline_get(c->tl, k, &e) && e.conn == c->ev.conn && e.kind == TL_EV_NOTE &&
		    e.note.code == TL_NOTE_CERT_KEY_NOT_ACCEPTED) {
			*out = e.note;
			return true;
		}
	}
	return false;
}

/* Certificate from the client. */
static void client_cert(struct strbuf *o, const struct explain_ctx *c, bool ok, unsigned count)
{
	bool tls13 = c->version == WIRE_TLS13;
	bool late = after_client_finished(c);
	struct tl_note key;

	if (ok && count == 0) {
		if (key_not_accepted_note(c, &key))
			strbuf_printf(o, "The client sent an empty Certificate message although it has a certificate: "
				      "its %s key can sign with none of the signature schemes the server's "
				      "CertificateRequest accepts, so it could not make the CertificateVerify that "
				      "must follow a certificate, and left the certificate out.",
				      notes_key_kind(key.key_kind));
		else
			strbuf_printf(o, "The client sent an empty Certificate message: no certificate sent. It had no "
				      "certificate, or none from an authority the server named, but it must still "
				      "answer the CertificateRequest.");
		strbuf_printf(o, " Now the server decides: if it requires a client certificate it ends the "
			      "handshake with an alert (%s), and if it only asked for one the client goes on "
			      "anonymously.",
			      tls13 ? "certificate_required in TLS 1.3" : "usually handshake_failure in TLS 1.2");
		if (late)
			late_answer(o, c);
		return;
	}
	if (ok)
		strbuf_printf(o, "The client answers the server's CertificateRequest with its own certificate "
			      "chain: %u certificate%s, its own first.", count, count == 1 ? "" : "s");
	else
		strbuf_printf(o, "The client answers the server's CertificateRequest with its own certificate "
			      "chain.");
	if (!ok)
		explain_unreadable(o, "Certificate");
	strbuf_printf(o, " The server checks it against the authorities (CAs) it trusts, and the client proves "
		      "it holds the private key in the CertificateVerify that follows.");
	out_verdict(o, c, TL_SERVER);
	if (late)
		late_answer(o, c);
	strbuf_printf(o, "%s", tls13 ? " It travels encrypted, so an eavesdropper cannot see who the client is."
				     : " In TLS 1.2 it travels in the clear, so an eavesdropper can see who the "
				       "client is.");
	strbuf_printf(o, " Without it the server could not know who is connecting.");
}

/* Certificate. */
void explain_cert_message(struct strbuf *o, const struct explain_ctx *c)
{
	unsigned count = 0;
	bool ok = explain_cert_count(c, &c->ev, &count);

	if (c->ev.from == TL_SERVER)
		server_cert(o, c, ok, count);
	else
		client_cert(o, c, ok, count);
}

/* The verdict stored for the signature of the event explained (certverify.h); CANNOT_CHECK when none is. */
enum certverify_verdict explain_cert_sig_verdict(const struct explain_ctx *c)
{
	struct certverify_result r;

	if (!timeline_get_certverify(c->tl, c->i, &r))
		return CERTVERIFY_CANNOT_CHECK;
	return r.verdict;
}

/* The sentence said of a signature that does not verify (a MISMATCH stored for it). */
void explain_cert_sig_mismatch(struct strbuf *o, const char *signer)
{
	strbuf_printf(o, " Checked here, the signature does not verify with the public key of the %s's certificate "
		      "(MISMATCH): it proves nothing, and the receiver must end the handshake (decrypt_error).",
		      signer);
}

/* CertificateVerify. */
void explain_cert_verify(struct strbuf *o, const struct explain_ctx *c)
{
	unsigned scheme = 0;
	char t1[48];
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);
	size_t sig = explain_vec_len(tree_find(t, "signature"), 2);
	enum certverify_verdict v = explain_cert_sig_verdict(c);

	ok = ok && explain_node_u16(&c->ev, tree_find(t, "signature algorithm"), &scheme) && sig > 0;
	tree_free(t);
	if (c->version == WIRE_TLS13)
		strbuf_printf(o, "The %s signs 64 spaces, the context string \"TLS 1.3, %s CertificateVerify\", a 0 "
			      "byte and the transcript hash (a hash of the whole handshake so far) with the private key "
			      "of the certificate it just sent", c->side, c->side);
	else
		strbuf_printf(o, "The %s signs the whole handshake so far (the transcript) with the private key "
			      "of the certificate it just sent", c->side);
	if (ok)
		strbuf_printf(o, ", using %s (a %zu-byte signature).", explain_sig_name(scheme, t1, sizeof t1), sig);
	else
		strbuf_printf(o, ".");
	if (!ok)
		explain_unreadable(o, "CertificateVerify");
	if (v == CERTVERIFY_MISMATCH) {
		explain_cert_sig_mismatch(o, c->side);
	} else if (c->ev.from == TL_SERVER) {
		strbuf_printf(o, " This proves it really holds that key, since a copied certificate alone is not "
			      "enough, and ties the signature to this very handshake so it cannot be replayed "
			      "elsewhere.");
		strbuf_printf(o, " Without it an attacker could present the server's public certificate and pose as "
			      "the server.");
	} else {
		strbuf_printf(o, " This proves the client holds that key; a stolen copy of the certificate alone "
			      "would not be enough.");
		strbuf_printf(o, " Without it the server could not be sure the certificate belongs to whoever is "
			      "connecting.");
	}
	if (v == CERTVERIFY_MATCH)
		strbuf_printf(o, " Checked here: the signature verifies with the public key of the %s's certificate "
			      "(MATCH).", c->side);
}
