/*
 * notes.c: the sentences of typed notes (see notes.h).
 */
#include "tlsladder/notes.h"

#include <inttypes.h>
#include <stdio.h>

/* v with a comma between groups of three digits (67,108,864), into out. */
static const char *grouped(uint64_t v, char *out, size_t len)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
	size_t k = 0;

	for (int i = 0; i < n && k + 1 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0 && k + 2 < len)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return out;
}

/* The sentence of a TL_NOTE_DATA_READ: the bytes the client sent, and how reading ended. */
static void data_read(const struct tl_note *n, const char *arg, char *buf, size_t len)
{
	static const char *const ends[] = {
		[TL_READ_CLOSED] = "closed the connection",
		[TL_READ_EOF] = "closed the connection without close_notify",
		[TL_READ_ALERT] = "ended the connection with an alert",
	};
	char num[32];
	const char *unit = n->bytes == 1 ? "byte" : "bytes";

	grouped(n->bytes, num, sizeof num);
	switch (n->end) {
	case TL_READ_CLOSED:
	case TL_READ_EOF:
	case TL_READ_ALERT:
		if (n->bytes == 0)
			snprintf(buf, len, "the client sent no application data, then %s", ends[n->end]);
		else
			snprintf(buf, len, "the client sent %s %s of application data, then %s", num, unit, ends[n->end]);
		break;
	case TL_READ_DEADLINE_SENDING:
		snprintf(buf, len, "stopped reading after the time limit: %s %s read; the client was still sending", num, unit);
		break;
	case TL_READ_DEADLINE_IDLE:
		if (n->bytes == 0) {
			snprintf(buf, len, "stopped reading after the time limit: the client sent no application data and had "
					   "not closed the connection");
			break;
		}
		snprintf(buf, len, "stopped reading after the time limit: %s %s read; the client had stopped sending but "
				   "had not closed the connection", num, unit);
		break;
	case TL_READ_CANCELLED:
		snprintf(buf, len, "stopped reading when the run was stopped: %s %s read", num, unit);
		break;
	default:
		snprintf(buf, len, "stopped reading after an error: %s %s read (%s)", num, unit, arg ? arg : "?");
		break;
	}
}

/* TL_NOTE_RESUME_OFFER: what the new connection offers. */
static void resume_offer(const struct tl_note *n, char *buf, size_t len)
{
	const char *what = n->offer == TL_OFFER_TICKET13   ? "the session ticket from connection 1 (TLS 1.3: a "
							     "pre_shared_key identity)"
			   : n->offer == TL_OFFER_TICKET12 ? "the session ticket from connection 1 (TLS 1.2: the "
							     "SessionTicket extension)"
			   : n->offer == TL_OFFER_SESSION_ID ? "the session ID from connection 1"
							     : "nothing to resume with";

	snprintf(buf, len, "a new connection to the same address: the client offers %s", what);
}

/* TL_NOTE_EARLY_DATA_SENT: how much early data went out, and why not all of it. */
static void early_sent(const struct tl_note *n, char *buf, size_t len)
{
	if (n->bytes == 0)
		snprintf(buf, len, "no early data sent: the ticket allows none (its NewSessionTicket carried no "
				   "early_data extension)");
	else if (n->bytes < n->count)
		snprintf(buf, len, "the client sent %" PRIu64 " bytes of early data (0-RTT), the first %" PRIu64 " of %u: "
				   "the ticket's max_early_data_size is %u; encrypted with the client_early_traffic_secret, "
				   "before any answer from the server", n->bytes, n->bytes, n->count, n->early_max);
	else
		snprintf(buf, len, "the client sent %" PRIu64 " bytes of early data (0-RTT), encrypted with the "
				   "client_early_traffic_secret, before any answer from the server", n->bytes);
}

/* TL_NOTE_RENEG_FAILED: why the renegotiation did not complete (arg: the error in words). */
static void reneg_failed(const struct tl_note *n, const char *arg, char *buf, size_t len)
{
	if (n->fail == TL_FAIL_UNSAFE_RENEGOTIATION)
		snprintf(buf, len, "the client refused to renegotiate (handshake %u): the server does not support secure "
				   "renegotiation (RFC 5746)", n->count);
	else
		snprintf(buf, len, "the renegotiation (handshake %u) failed: %s", n->count, arg ? arg : "?");
}

/* The sentence of a typed note. */
const char *notes_render(const struct tl_note *n, const char *arg, char *buf, size_t len)
{
	const char *a = arg ? arg : "?";
	const char *s = n->count == 1 ? "" : "s";

	if (!buf || len == 0)
		return buf;
	switch (n->code) {
	case TL_NOTE_CERT_WITHHELD:
		snprintf(buf, len, "the client certificate was withheld: its issuer '%s' is not among the %u CA name%s the "
				   "server listed (--withhold-unmatched-cert)", a, n->count, s);
		break;
	case TL_NOTE_CERT_SENT_UNLISTED:
		snprintf(buf, len, "the certificate's issuer '%s' is not among the %u CA name%s the server listed; sending "
				   "it anyway so the server's verdict shows (GnuTLS alone would send none; "
				   "--withhold-unmatched-cert does that)", a, n->count, s);
		break;
	case TL_NOTE_HTTP_SENT: snprintf(buf, len, "sent an HTTP request: GET / HTTP/1.1"); break;
	case TL_NOTE_HTTP_ANSWER:
		/* arg: the status line as received (sanitized when shown) */
		snprintf(buf, len, "the server answered: %.200s", arg ? arg : "(nothing)");
		break;
	case TL_NOTE_HTTP_SERVED: snprintf(buf, len, "the client sent an HTTP request; answered 200 OK"); break;
	case TL_NOTE_APP_DATA: snprintf(buf, len, "the server sent %u bytes of application data", n->count); break;
	case TL_NOTE_DATA_READ: data_read(n, arg, buf, len); break;
	case TL_NOTE_WAITING: snprintf(buf, len, "waiting for the %s: no answer for 1 s", a); break;
	case TL_NOTE_DATA_SENT: snprintf(buf, len, "the %s sent %u bytes of application data", a, n->count); break;
	case TL_NOTE_KEY_UPDATE_TLS12:
		snprintf(buf, len, "TLS 1.2 has no KeyUpdate; --key-update did nothing (TLS 1.2 gets new keys only by a "
				   "new handshake)");
		break;
	case TL_NOTE_KEY_UPDATE_UNANSWERED:
		snprintf(buf, len, "the %s did not answer the KeyUpdate with its own before the grace period ended "
				   "(RFC 8446 lets it wait until it next sends application data, as GnuTLS and OpenSSL do; --http "
				   "makes a web server send some)", a);
		break;
	case TL_NOTE_PHA_NOT_OFFERED:
		snprintf(buf, len, "the client did not offer post_handshake_auth: this server cannot ask for its "
				   "certificate after the handshake");
		break;
	case TL_NOTE_CERT_KEY_NOT_ACCEPTED:
		snprintf(buf, len, "the client's %s key can make none of the signature schemes the server's "
				   "CertificateRequest accepts (%s)%s", notes_key_kind(n->key_kind), a,
			 n->withheld ? ", so the client cannot sign its CertificateVerify and sends an empty Certificate"
				     : "; sending the certificate anyway, so the server's verdict shows");
		break;
	case TL_NOTE_RESUME_OFFER: resume_offer(n, buf, len); break;
	case TL_NOTE_NO_TICKET:
		snprintf(buf, len, "the server sent no session ticket%s; nothing to resume with",
			 n->offer == TL_OFFER_TICKET13 ? "" : " and no session ID");
		break;
	case TL_NOTE_EARLY_DATA_SENT: early_sent(n, buf, len); break;
	case TL_NOTE_EARLY_DATA_READ:
		snprintf(buf, len, "the server read %" PRIu64 " bytes of early data (0-RTT) before the handshake "
				   "completed", n->bytes);
		break;
	case TL_NOTE_RENEGOTIATION:
		snprintf(buf, len, "renegotiation (handshake %u, inside the encrypted connection)", n->count);
		break;
	case TL_NOTE_RENEG_FAILED: reneg_failed(n, arg, buf, len); break;
	default:      /* TL_NOTE_TEXT, TL_NOTE_FAILURE: the sentence is the classification's own (arg) */
		snprintf(buf, len, "%s", a);
		break;
	}
	return buf;
}

/* A key kind in words. */
const char *notes_key_kind(enum tl_key_kind k)
{
	switch (k) {
	case TL_KEY_RSA: return "RSA";
	case TL_KEY_RSA_PSS: return "RSA-PSS";
	case TL_KEY_DSA: return "DSA";
	case TL_KEY_EC_P256: return "ECDSA P-256";
	case TL_KEY_EC_P384: return "ECDSA P-384";
	case TL_KEY_EC_P521: return "ECDSA P-521";
	case TL_KEY_EC_OTHER: return "ECDSA";
	case TL_KEY_ED25519: return "Ed25519";
	case TL_KEY_ED448: return "Ed448";
	default: return "unknown";
	}
}
