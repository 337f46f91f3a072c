/*
 * explain_alert.c: the paragraphs about everything that is not a
 * handshake message (see explain.h): ChangeCipherSpec (by its role,
 * decode_ccs_role), alerts with what to check after the common ones, raw
 * records, and the tool's own notes, errors and diagnoses (their text,
 * copied raw and ended with a full stop).
 */
#include "explain_internal.h"
#include "tlsladder/notes.h"
#include "tlsladder/wire.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"

#include <stdbool.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>

/* ChangeCipherSpec: what it does depends on where it stands (decode_ccs_role). */
void explain_alert_ccs(struct strbuf *o, const struct explain_ctx *c)
{
	enum decode_ccs_role role = decode_ccs_role(c->tl, c->i);

	if (role == DECODE_CCS_TLS12) {
		strbuf_printf(o, "The %s says: from my next record on, I encrypt with the keys we just agreed.", c->side);
		strbuf_printf(o, " It is not a handshake message but a one-byte record of its own; the Finished that "
			      "follows is the first message protected by the new keys.");
		strbuf_printf(o, " Without it the %s would not know when to switch to decrypting.", c->peer);
		return;
	}
	strbuf_printf(o, "A dummy ChangeCipherSpec from the %s: TLS 1.3 does not use it, and the %s ignores it.", c->side,
		      c->peer);
	strbuf_printf(o, " It is sent only for compatibility: some middleboxes (firewalls, proxies) drop "
		      "connections that do not look like TLS 1.2, so a TLS 1.3 handshake dresses up like a resumed "
		      "TLS 1.2 one.");
	if (role == DECODE_CCS_TLS13_AFTER_HRR && c->ev.from == TL_SERVER)
		strbuf_printf(o, " The server sends it right after its HelloRetryRequest, so nothing is encrypted yet: "
			      "the second ClientHello and the ServerHello still travel in the clear, and encryption "
			      "starts only after the ServerHello.");
	else if (role == DECODE_CCS_TLS13_AFTER_HRR)
		strbuf_printf(o, " The client sends it after the HelloRetryRequest, before its second ClientHello, so "
			      "nothing is encrypted yet: encryption starts only after the ServerHello.");
	else if (role == DECODE_CCS_TLS13_BEFORE_SH)
		strbuf_printf(o, " It comes before any ServerHello, so nothing is encrypted yet (only early data "
			      "would be).");
	else if (c->ev.from == TL_SERVER)
		strbuf_printf(o, " The real switch to encryption already happened right after the ServerHello, with no "
			      "signal needed.");
	else
		strbuf_printf(o, " The client's keys did not switch here: its handshake traffic keys have been in use "
			      "since the ServerHello, with no signal needed.");
}

/* What to check after a common alert; NULL for the others. */
static const char *alert_advice(unsigned desc)
{
	switch (desc) {
	case WIRE_ALERT_BAD_RECORD_MAC:
		return "Check for a device in the path that modifies traffic, or a bug in either TLS library.";
	case WIRE_ALERT_HANDSHAKE_FAILURE:
		return "Check that both sides share at least one cipher suite, key exchange group and signature "
		       "algorithm: compare the ClientHello's offer with the server's settings. GnuTLS also sends this "
		       "alert when no TLS version is shared, where RFC 8446 asks for protocol_version (70).";
	case WIRE_ALERT_BAD_CERTIFICATE:
		return "Check that the certificate is intact, correctly signed by its issuer, and allowed for "
		       "this use (key usage, and extended key usage such as clientAuth for a client certificate).";
	case WIRE_ALERT_UNSUPPORTED_CERTIFICATE:
		return "Check the certificate's key type and size (RSA, ECDSA, Ed25519) and its key usage "
		       "against what the peer supports.";
	case WIRE_ALERT_CERTIFICATE_REVOKED:
		return "A CA revokes a certificate before its expiry date when its key may have leaked, its owner left, "
		       "or it was issued by mistake, and publishes the fact: in a certificate revocation list (CRL), "
		       "a signed list of serial numbers that servers download, or through OCSP, which servers ask "
		       "about one certificate. A server that checks found this certificate listed. Revocation cannot "
		       "be undone: the certificate must be replaced, so ask its CA for a new one. Many servers never "
		       "say this much: some send bad_certificate or access_denied, and nginx completes the handshake "
		       "and answers only HTTP 400. With the CA's CRL, tlsladder --crl FILE names the revoked "
		       "certificate before connecting.";
	case WIRE_ALERT_CERTIFICATE_EXPIRED:
		return "Check the certificate's validity dates (notBefore and notAfter) and the clocks of both "
		       "machines.";
	case WIRE_ALERT_CERTIFICATE_UNKNOWN:
		return "Check the peer's logs for the real reason; a name mismatch or a missing intermediate "
		       "certificate is common.";
	case WIRE_ALERT_UNKNOWN_CA:
		return "Check that the receiver trusts the root CA that issued this chain, and that the sender "
		       "includes its intermediate certificates.";
	case WIRE_ALERT_ACCESS_DENIED:
		return "The certificate itself was accepted; check the peer's access rules for this identity.";
	case WIRE_ALERT_DECODE_ERROR:
		return "Check for a device in the path that alters messages, or a bug in either TLS library.";
	case WIRE_ALERT_DECRYPT_ERROR:
		return "Check that the private key matches the certificate, and that nothing between the two "
		       "sides altered the handshake.";
	case WIRE_ALERT_PROTOCOL_VERSION:
		return "Check the minimum and maximum TLS versions enabled on both sides.";
	case WIRE_ALERT_INTERNAL_ERROR:
		return "The cause lies with the side that sent it: check its logs.";
	case WIRE_ALERT_UNRECOGNIZED_NAME:
		return "Check that the name the client sent in SNI is one the server is configured to serve.";
	case WIRE_ALERT_CERTIFICATE_REQUIRED:
		return "Give the client a certificate and key issued by an authority the server trusts (the "
		       "CertificateRequest may name them).";
	default:
		return NULL;
	}
}

/* Alert. */
void explain_alert_message(struct strbuf *o, const struct explain_ctx *c)
{
	const char *name = names_alert(c->ev.alert_desc);
	const char *meaning = names_alert_meaning(c->ev.alert_desc);
	const char *level = names_alert_level(c->ev.alert_level);
	const char *advice = alert_advice(c->ev.alert_desc);

	if (c->ev.alert_desc == WIRE_ALERT_CLOSE_NOTIFY) {
		strbuf_printf(o, "The %s says it has finished sending: close_notify is the polite way to end a TLS "
			      "connection, and each side sends one before it stops writing.", c->side);
		strbuf_printf(o, " It matters because without it a reader could not tell a complete message from one "
			      "an attacker cut short by closing the TCP connection (a truncation attack).");
		if (c->ev.encrypted)
			strbuf_printf(o, " Like everything after the handshake, it travels encrypted.");
		return;
	}
	if (level)
		strbuf_printf(o, "The %s sends a %s alert: ", c->side, level);
	else
		strbuf_printf(o, "The %s sends an alert of level %u: ", c->side, c->ev.alert_level);
	if (name)
		strbuf_printf(o, "%s (%u).", name, c->ev.alert_desc);
	else
		strbuf_printf(o, "description %u, which this tool does not know.", c->ev.alert_desc);
	if (meaning)
		strbuf_printf(o, " %s", meaning);
	if (advice)
		strbuf_printf(o, " %s", advice);
	if (c->ev.alert_level == WIRE_ALERT_FATAL)
		strbuf_printf(o, " A fatal alert ends the connection at once.");
	else if (c->ev.alert_level == WIRE_ALERT_WARNING)
		strbuf_printf(o, " A warning does not end the connection by itself%s.",
			      c->version == WIRE_TLS13 ? ", though TLS 1.3 treats almost every alert as fatal" : "");
	else
		strbuf_printf(o, " The level should be 1 (warning) or 2 (fatal); anything else is a protocol error.");
}

/* TL_EV_RECORD. */
void explain_alert_record(struct strbuf *o, const struct explain_ctx *c)
{
	const struct tl_event *e = &c->ev;
	bool tls13 = c->version == WIRE_TLS13;
	char t1[24];

	strbuf_printf(o, "Every TLS record starts with a 5-byte header: content type, version and length.");
	switch (e->rec_type) {
	case WIRE_CT_CHANGE_CIPHER_SPEC:
		strbuf_printf(o, " This change_cipher_spec record from the %s holds a single byte. ", c->side);
		strbuf_printf(o, "%s", tls13 ? "In TLS 1.3 it is a dummy sent only so that middleboxes expecting TLS "
					       "1.2 let the connection through."
					     : "It announces that the sender's next records are encrypted with the "
					       "newly agreed keys.");
		break;
	case WIRE_CT_ALERT:
		strbuf_printf(o, " This alert record from the %s carries %u bytes%s.", c->side, e->rec_length,
			      e->encrypted ? ", encrypted, so only the two ends can read which alert it is"
					   : " in the clear: the alert's level and description");
		break;
	case WIRE_CT_HANDSHAKE:
		strbuf_printf(o, " This handshake record from the %s carries %u bytes of handshake messages, %s.",
			      c->side, e->rec_length, e->encrypted ? "encrypted" : "in the clear");
		break;
	case WIRE_CT_APPLICATION_DATA:
		strbuf_printf(o, " This application_data record from the %s carries %u bytes of ciphertext.", c->side,
			      e->rec_length);
		strbuf_printf(o, "%s", tls13 ? " In TLS 1.3 every encrypted record after ServerHello is labelled "
					       "application_data on the outside, whatever it really carries (handshake "
					       "messages, alerts or data): the true type is hidden inside the encryption, "
					       "so an observer learns less."
					     : " It is the actual conversation (for example HTTP), protected by the "
					       "negotiated keys.");
		break;
	default:
		strbuf_printf(o, " This record from the %s has content type %u (%s) and carries %u bytes.", c->side,
			      e->rec_type, names_content_type(e->rec_type) ? names_content_type(e->rec_type) : "unknown",
			      e->rec_length);
		break;
	}
	if (tls13 && e->rec_version && e->rec_version != c->version)
		strbuf_printf(o, " Its header says %s, but that field is frozen for compatibility: the real version "
			      "is agreed inside the hello messages (supported_versions).",
			      explain_version_name(e->rec_version, t1, sizeof t1));
}

/* Notes, errors and diagnoses: their own text, ended with a full stop. */
void explain_alert_note(struct strbuf *o, const struct explain_ctx *c)
{
	const char *t = c->ev.text ? c->ev.text : "";
	size_t len = strlen(t);

	if (len == 0) {
		if (c->ev.kind == TL_EV_NOTE)
			strbuf_printf(o, "A note from the tool, with no text.");
		else if (c->ev.kind == TL_EV_ERROR)
			strbuf_printf(o, "An error, reported with no text.");
		else
			strbuf_printf(o, "A conclusion of the tool, with no text.");
		return;
	}
	strbuf_raw(o, (const uint8_t *)t, len);
	if (t[len - 1] != '.' && t[len - 1] != '!' && t[len - 1] != '?')
		strbuf_printf(o, ".");
	if ((c->ev.note.code == TL_NOTE_EARLY_DATA_SENT || c->ev.note.code == TL_NOTE_EARLY_DATA_READ) && c->ev.note.bytes)
		strbuf_printf(o, " These %" PRIu64 " bytes of early data (0-RTT) were sent before the server had "
			      "answered, protected only by the ticket's secret: an attacker who recorded them can replay "
			      "them with the same ClientHello, and the server may act on them twice; and they have no "
			      "forward secrecy (whoever later steals the server's ticket key can decrypt them). %s",
			      c->ev.note.bytes,
			      c->s.early_data_accepted ? "This server accepted them: it should act only on requests "
							 "that are safe to repeat (idempotent, like a GET)."
						       : "Servers should accept in early data only requests that are safe "
							 "to repeat (idempotent, like a GET).");
}
