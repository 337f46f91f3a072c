/*
 * diagnose.c: from the evidence in the timeline to one root cause (see
 * diagnose.h). The order of the checks is the order of trust: what the
 * program itself knows for certain (pre-flight findings on the local
 * credentials, what was sent) comes before what the peer's alert suggests,
 * because the same fault gets different alerts from different servers.
 */
#include "tlsladder/certverify.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/wire.h"
#include "tlsladder/decode.h"
#include "tlsladder/errors.h"
#include "tlsladder/names.h"
#include "tlsladder/notes.h"
#include "tlsladder/peek.h"
#include "tlsladder/plainproto.h"
#include "tlsladder/sniff.h"
#include "tlsladder/summary.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAS 16
#define MAX_CHAIN 8

static const char *const code_names[DIAG_COUNT] = {
#define DIAG_NAME(id, name) name,
	DIAG_CODES(DIAG_NAME)
#undef DIAG_NAME
};

/* Pre-flight finding codes as recorded (credcheck code + 1), see credcheck.h. */
enum { PF_KEY_MISMATCH = 1, PF_EXPIRED, PF_NOT_YET_VALID, PF_WRONG_USAGE, PF_CHAIN_INCOMPLETE, PF_P12_NO_KEY,
       PF_P12_SEVERAL, PF_UNREADABLE, PF_REVOKED, PF_CRL_STALE, PF_CRL_INVALID, PF_WEAK_KEY, PF_WEAK_SIGNATURE,
       PF_KEY_TYPE_RARE, PF_LAST = PF_KEY_TYPE_RARE };

/* The diagnosis each pre-flight finding gives when it is not the primary cause (DIAG_OK: none, a warning). */
static const enum diag_code preflight_codes[PF_LAST + 1] = {
	[PF_KEY_MISMATCH] = DIAG_CLIENT_KEY_MISMATCH, [PF_EXPIRED] = DIAG_CLIENT_CERT_EXPIRED,
	[PF_NOT_YET_VALID] = DIAG_CLIENT_CERT_NOT_YET_VALID, [PF_WRONG_USAGE] = DIAG_CLIENT_CERT_WRONG_USAGE,
	[PF_CHAIN_INCOMPLETE] = DIAG_CLIENT_CERT_CHAIN_INCOMPLETE, [PF_P12_NO_KEY] = DIAG_LOCAL_FILES,
	[PF_P12_SEVERAL] = DIAG_LOCAL_FILES, [PF_UNREADABLE] = DIAG_LOCAL_FILES, [PF_REVOKED] = DIAG_CLIENT_CERT_REVOKED,
	[PF_CRL_STALE] = DIAG_CRL_UNUSABLE, [PF_CRL_INVALID] = DIAG_CRL_UNUSABLE, [PF_WEAK_KEY] = DIAG_CLIENT_CERT_WEAK_KEY,
	[PF_WEAK_SIGNATURE] = DIAG_CLIENT_CERT_WEAK_SIGNATURE, [PF_KEY_TYPE_RARE] = DIAG_OK,
};

/* The name of a code. */
const char *diag_code_name(enum diag_code c)
{
	return c < DIAG_COUNT ? code_names[c] : "?";
}

/* The exit code of a diagnosis. */
int diag_exit_code(enum diag_code c)
{
	switch (c) {
	case DIAG_OK: return TL_EXIT_OK;
	case DIAG_SERVER_CERT_UNTRUSTED:
	case DIAG_SERVER_CERT_EXPIRED:
	case DIAG_SERVER_CERT_NAME_MISMATCH:
	case DIAG_SERVER_CERT_SELF_SIGNED:
	case DIAG_SERVER_CERT_REVOKED: return TL_EXIT_VERIFY;
	case DIAG_PROTOCOL_VERSION_MISMATCH:
	case DIAG_NO_SHARED_CIPHER: return TL_EXIT_MISMATCH;
	case DIAG_NOT_TLS:
	case DIAG_STARTTLS_NOT_OFFERED:
	case DIAG_STARTTLS_REFUSED: return TL_EXIT_NOT_TLS;
	case DIAG_STARTTLS_UNEXPECTED_REPLY: return TL_EXIT_HANDSHAKE;
	case DIAG_CONNECTION_REFUSED: return TL_EXIT_NETWORK;
	case DIAG_DNS_FAILURE: return TL_EXIT_RESOLVE;
	case DIAG_TIMEOUT: return TL_EXIT_TIMEOUT;
	case DIAG_CONNECTION_RESET: return TL_EXIT_RESET;
	case DIAG_CONNECTION_CLOSED:
	case DIAG_RECORD_INTEGRITY: return TL_EXIT_HANDSHAKE;
	case DIAG_LOCAL_FILES: return TL_EXIT_FILES;
	case DIAG_CANCELLED: return TL_EXIT_CANCELLED;
	case DIAG_LEGACY_PROTOCOL: return TL_EXIT_OK;     /* a warning: the handshake completed and verified */
	case DIAG_CRL_UNUSABLE: return TL_EXIT_OK;        /* a warning about a --crl file, after the primary cause */
	default: return TL_EXIT_REJECTED;      /* client-certificate causes and other alerts */
	}
}

/* True for a code that warns about a completed handshake. */
bool diag_is_warning(enum diag_code c)
{
	return c == DIAG_LEGACY_PROTOCOL || c == DIAG_CRL_UNUSABLE;
}

/* The exit code under the verification policy: --verify strict fails on a warning. */
int diag_exit_code_policy(enum diag_code c, bool strict)
{
	if (strict && diag_is_warning(c))
		return TL_EXIT_LEGACY;
	return diag_exit_code(c);
}

/* What the evidence in one connection says. */
struct facts {
	struct summary s;
	bool tls13;
	size_t first, end;
	long cr_ev, client_cert_ev, server_cert_ev, alert_ev, withheld_ev, error_ev;
	long peer_error_ev;          /* the first error the other side reported (demo, serve) */
	unsigned alert_desc;
	bool alert_after_fin;              /* the alert came after the client's Finished */
	long client_fin_ev;
	long sh_ev;                        /* the ServerHello */
	bool enc_record_after_fin;         /* an encrypted record from the server after the client's Finished */
	long enc_record_ev;
	struct peek_span cas[MAX_CAS];
	int ncas;
	struct peek_span chain[MAX_CHAIN];
	int nchain;
	int error_code;                    /* code of an error note without a result (resolve, connect) */
	char error_text[400];              /* ... and its text */
	struct tl_result self, peer;
	long preflight[PF_LAST + 1];       /* event of each pre-flight finding, -1 none */
	long key_na_ev;                    /* the client's key fits none of the server's schemes (TL_NOTE_CERT_KEY_NOT_ACCEPTED) */
	struct tl_note key_na;
	long http_ev;                      /* the note with the server's HTTP answer (--http) */
	int http_status;
	struct tl_note self_fail, peer_fail; /* the typed facts of each side's first failure (code 0: none) */
	long plain_first, plain_caps, plain_answer; /* STARTTLS rows: the first, the first capability line, the
						       server's last row (its refusal or unexpected reply) */
	unsigned plain_ncaps;
	long tls_refusal_ev;               /* SMTP/LMTP over TLS after the handshake: the server's 4xx/5xx reply, -1 none */
	char tls_refusal[PLAINPROTO_LINE_MAX + 1];   /* ... its text (peer words: sanitized when shown) */
	enum tl_starttls_proto tls_proto;  /* ... its protocol */
	enum tl_side self_side;
	long ch_ev;                        /* the ClientHello */
	long late_cr_ev;                   /* TLS 1.3: a CertificateRequest after the client's Finished (post-handshake auth) */
	long pha_none_ev;                  /* serve: the note that the client did not offer post_handshake_auth */
	unsigned cr_handshake;             /* the handshake the CertificateRequest belongs to (2: a renegotiation) */
	long reneg_fail_ev;                /* this side's error that ended a renegotiation (TL_NOTE_RENEG_FAILED), -1 none */
	struct tl_note reneg_fail;         /* ... its fact */
	long hello_request_ev;             /* the server's HelloRequest, -1 none */
};

/* Starts a finding. */
static struct diag_finding *finding(struct diag_finding *out, size_t max, size_t *n, enum diag_code c)
{
	struct diag_finding *f;

	if (*n >= max)
		return NULL;
	f = &out[(*n)++];
	memset(f, 0, sizeof *f);
	f->code = c;
	return f;
}

/* Formats the sentence. */
static void say(struct diag_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct diag_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->sentence, sizeof f->sentence, fmt, ap);
	va_end(ap);
}

/* Formats the fix. */
static void fix(struct diag_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fix(struct diag_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof f->fix, fmt, ap);
	va_end(ap);
}

/* "text." unless text already ends in punctuation. */
static const char *period(const char *text)
{
	size_t n = strlen(text);
	return n && strchr(".?!", text[n - 1]) ? "" : ".";
}

/* Adds an evidence event (ignores -1). */
static void cite(struct diag_finding *f, long ev)
{
	if (f && ev >= 0 && f->nevidence < DIAG_MAX_EVIDENCE)
		f->evidence[f->nevidence++] = (size_t)ev;
}

/* A DER Name as text into buf ("CN=...,O=..."), or "?" when malformed. */
static void dn_text(const struct peek_span *dn, char *buf, size_t n)
{
	struct reader r;
	char *s;

	reader_init(&r, dn->p, dn->n);
	s = decode_dn_string(&r);
	snprintf(buf, n, "%s", s ? s : "?");
	free(s);
}

/* The facts of note event i. */
static void gather_note(struct facts *f, size_t i, const struct tl_note *note)
{
	if (note->code == TL_NOTE_CERT_WITHHELD)
		f->withheld_ev = (long)i;
	if (note->code == TL_NOTE_PHA_NOT_OFFERED && f->pha_none_ev < 0)
		f->pha_none_ev = (long)i;
	if (note->code == TL_NOTE_CERT_KEY_NOT_ACCEPTED && f->key_na_ev < 0) {
		f->key_na_ev = (long)i;
		f->key_na = *note;
	}
	if (note->code == TL_NOTE_HTTP_ANSWER && note->status > 0) {
		f->http_ev = (long)i;
		f->http_status = note->status;
	}
}

/* Takes in a plaintext row before TLS (STARTTLS). */
static void gather_plain(struct facts *f, size_t i, const struct tl_event *ev)
{
	if (ev->note.in_tls) {             /* after the handshake, inside TLS: only a refusal matters */
		if (ev->from == TL_SERVER && ev->note.role == TL_PLAIN_REFUSED && f->tls_refusal_ev < 0) {
			f->tls_refusal_ev = (long)i;
			f->tls_proto = ev->note.proto;
			snprintf(f->tls_refusal, sizeof f->tls_refusal, "%s", ev->text ? ev->text : "");
		}
		return;
	}
	if (f->plain_first < 0)
		f->plain_first = (long)i;
	if (ev->note.role == TL_PLAIN_CAPS && f->plain_caps < 0)
		f->plain_caps = (long)i;
	f->plain_ncaps += ev->note.role == TL_PLAIN_CAPS;
	if (ev->from == TL_SERVER && ev->note.role != TL_PLAIN_OTHER)    /* not the answer to the goodbye */
		f->plain_answer = (long)i;
}

/* The facts of handshake message event i. */
static void gather_handshake(struct facts *f, size_t i, const struct tl_event *ev)
{
	if (ev->hs_type == WIRE_HS_CERTIFICATE_REQUEST && f->tls13 && f->client_fin_ev >= 0 && f->late_cr_ev < 0)
		f->late_cr_ev = (long)i;
	if (ev->hs_type == WIRE_HS_CLIENT_HELLO && f->ch_ev < 0)
		f->ch_ev = (long)i;
	if (ev->hs_type == WIRE_HS_HELLO_REQUEST && f->hello_request_ev < 0)
		f->hello_request_ev = (long)i;
	if (ev->hs_type == WIRE_HS_CERTIFICATE_REQUEST && f->cr_ev < 0) {
		f->cr_ev = (long)i;
		f->cr_handshake = ev->handshake;
		f->ncas = peek_cr_ca_names(ev->body, ev->body_len, f->tls13, f->cas, MAX_CAS);
		if (f->ncas < 0)
			f->ncas = 0;
	} else if (ev->hs_type == WIRE_HS_CERTIFICATE && ev->from == TL_CLIENT) {
		f->client_cert_ev = (long)i;
		f->nchain = peek_certificates(ev->body, ev->body_len, f->tls13, f->chain, MAX_CHAIN);
		if (f->nchain < 0)
			f->nchain = 0;
	} else if (ev->hs_type == WIRE_HS_CERTIFICATE) {
		f->server_cert_ev = (long)i;
	} else if (ev->hs_type == WIRE_HS_FINISHED && ev->from == TL_CLIENT) {
		f->client_fin_ev = (long)i;
	} else if (ev->hs_type == WIRE_HS_SERVER_HELLO && f->sh_ev < 0) {
		f->sh_ev = (long)i;
	}
}

/* Gathers the facts of one connection. */
static void gather(const struct timeline *tl, unsigned conn, enum tl_side side, struct facts *f)
{
	memset(f, 0, sizeof *f);
	f->cr_ev = f->client_cert_ev = f->server_cert_ev = f->alert_ev = f->withheld_ev = f->error_ev = -1;
	f->peer_error_ev = -1;
	f->client_fin_ev = f->enc_record_ev = f->http_ev = f->sh_ev = f->key_na_ev = -1;
	f->ch_ev = f->late_cr_ev = f->pha_none_ev = -1;
	f->reneg_fail_ev = f->hello_request_ev = -1;
	f->plain_first = f->plain_caps = f->plain_answer = f->tls_refusal_ev = -1;
	for (int i = 0; i <= PF_LAST; i++)
		f->preflight[i] = -1;
	f->self_side = side;
	summary_build(tl, conn, &f->s);
	f->tls13 = f->s.version == WIRE_TLS13;
	f->self = side == TL_CLIENT ? f->s.client : f->s.server;
	f->peer = side == TL_CLIENT ? f->s.server : f->s.client;
	timeline_conn_range(tl, conn, &f->first, &f->end);
	for (size_t i = f->first; i < f->end; i++) {
		struct tl_event ev;

		if (!timeline_get(tl, i, &ev) || ev.conn != conn)
			continue;
		switch (ev.kind) {
		case TL_EV_HANDSHAKE:
			gather_handshake(f, i, &ev);
			break;
		case TL_EV_ALERT:
			if (ev.alert_level == 2 && ev.from != side && f->alert_ev < 0) {
				f->alert_ev = (long)i;
				f->alert_desc = ev.alert_desc;
				f->alert_after_fin = f->client_fin_ev >= 0;
			}
			break;
		case TL_EV_RECORD:
			if (ev.from == TL_SERVER && ev.encrypted && f->client_fin_ev >= 0 && f->enc_record_ev < 0) {
				f->enc_record_after_fin = true;
				f->enc_record_ev = (long)i;
			}
			break;
		case TL_EV_NOTE:
			gather_note(f, i, &ev.note);
			break;
		case TL_EV_ERROR:
			if (ev.note.code == TL_NOTE_RENEG_FAILED && ev.from == side && f->reneg_fail_ev < 0) {
				f->reneg_fail_ev = (long)i;
				f->reneg_fail = ev.note;
			}
			if (ev.note.code == TL_NOTE_FAILURE) {
				struct tl_note *slot = ev.from == side ? &f->self_fail : &f->peer_fail;
				if (slot->code == TL_NOTE_TEXT)
					*slot = ev.note;
			}
			if (ev.from != side && f->peer_error_ev < 0)
				f->peer_error_ev = (long)i;
			if (f->error_ev < 0) {
				f->error_ev = (long)i;
				f->error_code = ev.code;
				snprintf(f->error_text, sizeof f->error_text, "%s", ev.text ? ev.text : "");
			}
			break;
		case TL_EV_PLAIN:
			gather_plain(f, i, &ev);
			break;
		case TL_EV_DIAGNOSIS:
			if (ev.code > 0 && ev.code <= PF_LAST && f->preflight[ev.code] < 0)
				f->preflight[ev.code] = (long)i;
			break;
		default:
			break;
		}
	}
}

/* The first line of a recorded pre-flight finding ("sentence\nfix"), and its fix. */
static void preflight_text(const struct timeline *tl, long ev, struct diag_finding *f)
{
	struct tl_event e;
	const char *nl;

	if (!f || ev < 0 || !timeline_get(tl, (size_t)ev, &e) || !e.text)
		return;
	nl = strchr(e.text, '\n');
	snprintf(f->sentence, sizeof f->sentence, "%.*s", nl ? (int)(nl - e.text) : (int)strlen(e.text), e.text);
	if (nl)
		snprintf(f->fix, sizeof f->fix, "%s", nl + 1);
	cite(f, ev);
}

/* The names the server listed, comma-separated with quotes, into buf. */
static void listed_cas(const struct facts *f, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < f->ncas && used + 8 < n; i++) {
		char dn[300];
		dn_text(&f->cas[i], dn, sizeof dn);
		used += (size_t)snprintf(buf + used, n - used, "%s'%s'", i ? ", " : "", dn);
	}
	if (used >= n)
		buf[n - 1] = '\0';
}

/* True when some certificate sent was issued by (or is) a CA the server listed. */
static bool chain_meets_cas(const struct facts *f)
{
	for (int k = 0; k < f->nchain; k++) {
		struct peek_span iss, sub;
		if (!peek_cert_names(f->chain[k].p, f->chain[k].n, &iss, &sub))
			continue;
		for (int j = 0; j < f->ncas; j++)
			if ((iss.n == f->cas[j].n && memcmp(iss.p, f->cas[j].p, iss.n) == 0) ||
			    (sub.n == f->cas[j].n && memcmp(sub.p, f->cas[j].p, sub.n) == 0))
				return true;
	}
	return false;
}

/* True when the client's Certificate message carried a certificate. */
static bool cert_sent(const struct facts *f)
{
	return f->client_cert_ev >= 0 && f->nchain > 0;
}

/* "The rejection came after the handshake..." when it did (TLS 1.3); "" otherwise. */
static const char *late_words(const struct facts *f)
{
	if (!(f->tls13 && f->self.handshake_ok && (f->self.rejected_after || f->alert_after_fin)))
		return "";
	if (cert_sent(f) && f->alert_desc == WIRE_ALERT_DECRYPT_ERROR)
		return " The handshake completed from the client's side; the server refused the client's CertificateVerify "
		       "(the signature proving it holds the certificate's key) afterwards, as TLS 1.3 allows.";
	return cert_sent(f) ? " The handshake completed from the client's side; the server rejected the certificate "
			      "afterwards, as TLS 1.3 allows."
			    : " The handshake completed from the client's side; the server judged the empty Certificate "
			      "afterwards and ended the connection, as TLS 1.3 allows.";
}

/* Appends text to a finding's sentence. */
static void say_more(struct diag_finding *d, const char *text)
{
	size_t len;

	if (!d)
		return;
	len = strlen(d->sentence);
	snprintf(d->sentence + len, sizeof d->sentence - len, "%s", text);
}

/* What an alert means from a server that is refusing a client certificate. */
static const char *alert_gloss(unsigned desc)
{
	switch (desc) {
	case WIRE_ALERT_BAD_CERTIFICATE: return "bad_certificate: servers send it for a certificate they could not use or verify";
	case 43: return "unsupported_certificate: the key type or signature is one the server does not accept";
	case 44: return "certificate_revoked: the server found the certificate revoked";
	case WIRE_ALERT_CERTIFICATE_EXPIRED: return "certificate_expired: the server considers the certificate out of date";
	case 46: return "certificate_unknown: the server could not verify it for an unspecified reason";
	case WIRE_ALERT_UNKNOWN_CA: return "unknown_ca: the server does not trust the CA that issued it";
	case WIRE_ALERT_ACCESS_DENIED: return "access_denied: the certificate was verified but the server's policy refuses it (or, from some "
			"servers, it did not verify)";
	case 51: return "decrypt_error: the CertificateVerify signature did not check out (wrong key?)";
	case WIRE_ALERT_CERTIFICATE_REQUIRED: return "certificate_required: the server needed a certificate and got none";
	default: return NULL;
	}
}

/* The client sent no certificate (none configured, or withheld). */
static void cert_missing(const struct facts *f, struct diag_finding *d)
{
	if (f->withheld_ev >= 0) {
		say(d, "The server required a client certificate and got none: the configured one was withheld, because "
		       "its issuer is not among the CAs the server listed.");
		fix(d, "Use a certificate issued by one of the CAs the server lists, or leave out "
		       "--withhold-unmatched-cert to let the server judge it.");
		cite(d, f->withheld_ev);
	} else if (f->cr_handshake > 1) {
		say(d, "The server asked for a client certificate during a renegotiation (handshake %u, after the handshake "
		       "completed: it sent a HelloRequest, as a web server does for a directory that requires one) and "
		       "none was sent (the Certificate message is empty).", f->cr_handshake);
		fix(d, "Give the client a certificate and key (--cert and --key, or --p12) issued by a CA the server "
		       "trusts; the first handshake did not ask for one, so it succeeds without.");
		cite(d, f->hello_request_ev);
	} else {
		say(d, "The server asked for a client certificate and none was sent (the Certificate message is empty).");
		fix(d, "Give the client a certificate and key (--cert and --key, or --p12) issued by a CA the server "
		       "trusts.");
	}
	cite(d, f->cr_ev);
	cite(d, f->client_cert_ev);
}

/* The client's chain does not reach any CA the server listed. */
static void cert_untrusted_issuer(const struct facts *f, struct diag_finding *d)
{
	char issuer[320] = "?", cas[1200];
	struct peek_span iss = { NULL, 0 }, sub = { NULL, 0 };

	if (peek_cert_names(f->chain[f->nchain - 1].p, f->chain[f->nchain - 1].n, &iss, &sub))
		dn_text(&iss, issuer, sizeof issuer);
	listed_cas(f, cas, sizeof cas);
	say(d, "The server does not trust the issuer of the client certificate: it was issued by '%s', but the server "
	       "accepts only certificates from %s.", issuer, cas);
	if (f->nchain == 1 && !(iss.n == sub.n && (iss.n == 0 || memcmp(iss.p, sub.p, iss.n) == 0))) {
		/* from the client alone, another CA and a missing intermediate look the same */
		char more[480];
		snprintf(more, sizeof more, " Only this one certificate was sent: if '%s' is an intermediate CA issued by "
			 "one of those, the chain is incomplete.", issuer);
		say_more(d, more);
		fix(d, "If '%s' is an intermediate below %s, append its certificate to the certificate file, after the "
		       "client certificate; otherwise use a client certificate issued by %s (or ask the server's operator "
		       "to trust '%s').", issuer, cas, cas, issuer);
	} else {
		fix(d, "Use a client certificate issued by %s (or ask the server's operator to trust '%s').", cas, issuer);
	}
	cite(d, f->cr_ev);
	cite(d, f->client_cert_ev);
}

/* A certificate that passes every local check was refused; true when the sentence already says no alert was read. */
static bool cert_rejected(const struct facts *f, bool http_refused, struct diag_finding *d)
{
	const char *gloss = alert_gloss(f->alert_desc);
	bool unreadable = false;

	if (f->alert_ev < 0 && http_refused) {
		say(d, "The server refused a client certificate that passes every local check.");
	} else if (f->alert_ev >= 0) {
		say(d, "The server refused a client certificate that passes every local check, with alert %s (%u)%s%s.",
		    names_alert(f->alert_desc) ? names_alert(f->alert_desc) : "unknown", f->alert_desc, gloss ? "; " : "",
		    gloss ? gloss : "");
	} else {
		say(d, "The server ended the connection right after the client sent its certificate, without a readable "
		       "alert; a refused client certificate is the likely cause.");
		unreadable = true;
	}
	fix(d, "Check the server's log and its client-certificate policy (allowed subjects, revocation, required "
	       "extensions).");
	cite(d, f->cr_ev);
	cite(d, f->client_cert_ev);
	return unreadable;
}

/* Revoked: the local CRL check names it (the server's alert or HTTP refusal is evidence), or the alert does. */
static void cert_revoked(const struct timeline *tl, const struct facts *f, struct diag_finding *d)
{
	char subject[320] = "?";
	struct peek_span iss, sub;

	if (!d)
		return;
	if (f->preflight[PF_REVOKED] >= 0) {
		preflight_text(tl, f->preflight[PF_REVOKED], d);
		if (f->alert_ev >= 0 && f->alert_desc == WIRE_ALERT_CERTIFICATE_REVOKED)
			say_more(d, " The server's alert certificate_revoked (44) says the same.");
		else if (f->alert_ev >= 0)
			say_more(d, " The server refused it; its alert does not say why, and this revocation explains it.");
	} else {
		if (f->nchain > 0 && peek_cert_names(f->chain[0].p, f->chain[0].n, &iss, &sub))
			dn_text(&sub, subject, sizeof subject);
		say(d, "The server says the client certificate '%s' is revoked (alert certificate_revoked (44)): its CA "
		       "withdrew it before its expiry date, and the server found it in a revocation list (CRL) or an "
		       "OCSP answer.", subject);
		fix(d, "Ask the CA for a new client certificate. To see the revocation here, give the CA's CRL with "
		       "--crl FILE.");
	}
	cite(d, f->client_cert_ev);
}

/* What every client-certificate cause adds: the late TLS 1.3 verdict, the lost alert, the HTTP refusal. */
static void refusal_coda(const struct facts *f, bool lost_alert, bool http_refused, bool said_unreadable,
			 struct diag_finding *d)
{
	char more[600];

	say_more(d, late_words(f));
	if (lost_alert && f->alert_ev < 0) {
		if (!said_unreadable) {
			snprintf(more, sizeof more, " The server's alert was not readable: it %s the connection at once%s.",
				 f->self.exit_code == TL_EXIT_RESET ? "reset" : "closed",
				 f->enc_record_after_fin ? ", right after an encrypted record (most likely the alert)" : "");
			say_more(d, more);
		}
		cite(d, f->enc_record_ev);
	}
	cite(d, f->alert_ev);
	if (f->tls_refusal_ev >= 0 && f->alert_ev < 0) {
		const struct plainproto *p = plainproto_of(f->tls_proto);
		snprintf(more, sizeof more, " The TLS handshake itself completed; then the server refused after the "
					    "handshake, inside TLS, in %s: %.200s", p ? p->label : "its protocol",
			 f->tls_refusal);
		say_more(d, more);
		say_more(d, period(f->tls_refusal));
		cite(d, f->tls_refusal_ev);
	}
	if (http_refused && f->alert_ev < 0) {
		snprintf(more, sizeof more, " The TLS handshake itself completed; the server refused the request at the "
					    "HTTP level (status %d).", f->http_status);
		say_more(d, more);
		cite(d, f->http_ev);
	}
}

/* The schemes the CertificateRequest lists into v (up to max); how many (0 when it cannot be read). */
static int cr_schemes(const struct timeline *tl, const struct facts *f, unsigned *v, int max)
{
	struct tl_event e;
	int k = -1;

	if (f->cr_ev >= 0 && timeline_get(tl, (size_t)f->cr_ev, &e))
		k = peek_cr_sigschemes(e.body, e.body_len, f->tls13, v, max);
	return k < 0 ? 0 : k;
}

/* The schemes as "a, b" into buf ("none" when there are none). */
static void schemes_text(const unsigned *v, int k, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < k && used + 1 < n; i++) {
		const char *name = names_sigscheme(v[i]);
		int w = name ? snprintf(buf + used, n - used, "%s%s", i ? ", " : "", name)
			     : snprintf(buf + used, n - used, "%s0x%04x", i ? ", " : "", v[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used >= n)
		buf[n - 1] = '\0';
	if (!buf[0])
		snprintf(buf, n, "none");
}

/* "a" or "an" before a key kind's name. */
static const char *key_article(enum tl_key_kind k)
{
	return k == TL_KEY_DSA || k == TL_KEY_UNKNOWN ? "a" : "an";
}

/* The common key kinds that fit one of the schemes, as "ECDSA P-256 or RSA" into buf ("" when none). */
static void fitting_keys(const unsigned *v, int k, bool tls13, char *buf, size_t n)
{
	static const enum tl_key_kind common[] = { TL_KEY_EC_P256, TL_KEY_RSA, TL_KEY_EC_P384, TL_KEY_ED25519 };
	unsigned found = 0;

	buf[0] = '\0';
	for (size_t c = 0; c < sizeof common / sizeof common[0] && found < 2; c++) {
		bool fits = false;
		for (int i = 0; i < k && !fits; i++)
			fits = names_sigscheme_fits_key(v[i], common[c], tls13);
		if (fits) {
			size_t used = strlen(buf);
			snprintf(buf + used, n - used, "%s%s%s", found ? " or " : key_article(common[c]), found ? "" : " ",
				 notes_key_kind(common[c]));
			found++;
		}
	}
}

/* The client's key fits none of the signature schemes the server accepts. */
static void key_not_accepted(const struct timeline *tl, const struct facts *f, struct diag_finding *d)
{
	enum tl_key_kind kind = f->key_na.key_kind;
	const char *key = notes_key_kind(kind), *a = key_article(kind);
	unsigned v[64];
	int k = cr_schemes(tl, f, v, 64);
	char schemes[700], fits[80];

	schemes_text(v, k, schemes, sizeof schemes);
	fitting_keys(v, k, f->tls13, fits, sizeof fits);
	if (f->key_na.withheld)
		say(d, "The server does not accept the client's %s key: its CertificateRequest lists only %s, and %s %s key "
		       "can sign with none of them, so the configured certificate was not sent (an empty Certificate, "
		       "not a missing certificate).", key, schemes, a, key);
	else
		say(d, "The server does not accept the client's %s key: its CertificateRequest lists only %s, and %s %s key "
		       "can sign with none of them; the certificate was sent anyway, and the server refused it.", key,
		    schemes, a, key);
	if (fits[0])
		fix(d, "Use a client certificate whose key the server accepts (for %s: %s key), or have the server "
		       "accept %s signatures.", schemes, fits, key);
	else
		fix(d, "Use a client certificate whose key fits one of the schemes the server lists (%s), or have the "
		       "server accept %s signatures.", schemes, key);
	cite(d, f->cr_ev);
	cite(d, f->key_na_ev);
	cite(d, f->client_cert_ev);
}

/*
 * The local findings that can explain a server's refusal of the client
 * certificate, in the order of certainty: the first one present is the
 * primary diagnosis, and the server's alert (or HTTP status) its evidence.
 * The first rows explain why the certificate was not sent or not signed
 * for, so they come before "missing"; the rest follow it. A pre-flight
 * finding is a row with its pf code; the key that fits no scheme the
 * server lists is the note the certificate callback recorded.
 */
enum cause_source { FROM_PREFLIGHT, FROM_KEY_NOTE };
static const struct local_cause {
	enum diag_code code;
	enum cause_source source;
	int pf;
	bool before_missing;
} local_causes[] = {
	{ DIAG_CLIENT_KEY_MISMATCH, FROM_PREFLIGHT, PF_KEY_MISMATCH, true },
	{ DIAG_CLIENT_CERT_KEY_NOT_ACCEPTED, FROM_KEY_NOTE, 0, true },
	{ DIAG_CLIENT_CERT_EXPIRED, FROM_PREFLIGHT, PF_EXPIRED, false },
	{ DIAG_CLIENT_CERT_NOT_YET_VALID, FROM_PREFLIGHT, PF_NOT_YET_VALID, false },
	{ DIAG_CLIENT_CERT_WRONG_USAGE, FROM_PREFLIGHT, PF_WRONG_USAGE, false },
	{ DIAG_CLIENT_CERT_WEAK_KEY, FROM_PREFLIGHT, PF_WEAK_KEY, false },
	{ DIAG_CLIENT_CERT_WEAK_SIGNATURE, FROM_PREFLIGHT, PF_WEAK_SIGNATURE, false },
};

/* The event of a local cause in this connection, -1 when it is absent. */
static long local_cause_event(const struct facts *f, const struct local_cause *c)
{
	return c->source == FROM_KEY_NOTE ? f->key_na_ev : f->preflight[c->pf];
}

/* The first local cause present among those before (or after) "missing"; NULL when none. */
static const struct local_cause *primary_local_cause(const struct facts *f, bool before_missing)
{
	for (size_t i = 0; i < sizeof local_causes / sizeof local_causes[0]; i++)
		if (local_causes[i].before_missing == before_missing && local_cause_event(f, &local_causes[i]) >= 0)
			return &local_causes[i];
	return NULL;
}

/* Adds the check of the client's CertificateVerify when it did not verify with the certificate's key. */
static void signature_refuted(const struct timeline *tl, const struct facts *f, struct diag_finding *d)
{
	struct certverify_result r;
	struct tl_event ev;

	for (size_t i = f->first; i < f->end; i++) {
		if (!timeline_get(tl, i, &ev) || ev.kind != TL_EV_HANDSHAKE || ev.from != TL_CLIENT ||
		    ev.hs_type != WIRE_HS_CERTIFICATE_VERIFY)
			continue;
		if (timeline_get_certverify(tl, i, &r) && r.verdict == CERTVERIFY_MISMATCH) {
			say_more(d, " Checked here: the client's CertificateVerify signature does not verify with the "
				    "certificate's public key (MISMATCH).");
			cite(d, (long)i);
		}
		return;
	}
}

/* Writes a local cause as the finding d: its own sentence, and the server's refusal as evidence. */
static void local_cause_text(const struct timeline *tl, const struct facts *f, const struct local_cause *c,
			     struct diag_finding *d)
{
	const char *name = names_alert(f->alert_desc);
	char more[200];

	if (c->source == FROM_KEY_NOTE) {
		key_not_accepted(tl, f, d);
		return;
	}
	preflight_text(tl, local_cause_event(f, c), d);
	if (c->code == DIAG_CLIENT_KEY_MISMATCH)
		signature_refuted(tl, f, d);
	if ((c->code == DIAG_CLIENT_CERT_WEAK_KEY || c->code == DIAG_CLIENT_CERT_WEAK_SIGNATURE) && f->alert_ev >= 0) {
		snprintf(more, sizeof more, " The server refused it with alert %s (%u).", name ? name : "unknown",
			 f->alert_desc);
		say_more(d, more);
	}
	if (c->code == DIAG_CLIENT_CERT_WEAK_KEY || c->code == DIAG_CLIENT_CERT_WEAK_SIGNATURE)
		cite(d, f->client_cert_ev);
}

/* The client-certificate causes, when the server refused the client. */
static bool diagnose_client_cert(const struct timeline *tl, const struct facts *f, struct diag_finding *out, size_t max,
				 size_t *n)
{
	struct diag_finding *d;
	const struct local_cause *cause;
	bool said_unreadable = false;
	/* an HTTP 400/401/403/495/496 after a certificate request: nginx and others refuse at this level */
	bool http_refused = f->http_ev >= 0 && (f->http_status == 400 || f->http_status == 401 || f->http_status == 403 ||
						f->http_status == 495 || f->http_status == 496);
	bool refused = f->alert_ev >= 0 || f->self.rejected_after ||
		       (!f->self.handshake_ok && f->self.exit_code == TL_EXIT_REJECTED) || http_refused ||
		       f->tls_refusal_ev >= 0;
	/* the server closed or reset right after our certificate went out: its alert was lost */
	bool lost_alert = f->alert_ev < 0 && f->cr_ev >= 0 && f->client_cert_ev >= 0 && !f->self.closed_cleanly &&
			  (f->self.exit_code == TL_EXIT_HANDSHAKE || f->self.exit_code == TL_EXIT_RESET);

	if (f->cr_ev < 0 || !(refused || lost_alert))
		return false;
	/* local certainties first: what explains an unsent or unsigned certificate, then what explains a refused one */
	if ((cause = primary_local_cause(f, true)) != NULL) {
		d = finding(out, max, n, cause->code);
		if (d)
			local_cause_text(tl, f, cause, d);
	} else if (!cert_sent(f)) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_MISSING);
		if (d)
			cert_missing(f, d);
	} else if ((cause = primary_local_cause(f, false)) != NULL) {
		d = finding(out, max, n, cause->code);
		if (d)
			local_cause_text(tl, f, cause, d);
	} else if (f->preflight[PF_CHAIN_INCOMPLETE] >= 0 && (f->ncas == 0 || !chain_meets_cas(f))) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_CHAIN_INCOMPLETE);
		preflight_text(tl, f->preflight[PF_CHAIN_INCOMPLETE], d);
		cite(d, f->client_cert_ev);
	} else if (f->ncas > 0 && !chain_meets_cas(f)) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_UNTRUSTED_ISSUER);
		if (d)
			cert_untrusted_issuer(f, d);
	} else if (f->preflight[PF_REVOKED] >= 0 || f->alert_desc == WIRE_ALERT_CERTIFICATE_REVOKED) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_REVOKED);
		cert_revoked(tl, f, d);
	} else {
		d = finding(out, max, n, DIAG_CLIENT_CERT_REJECTED);
		if (d)
			said_unreadable = cert_rejected(f, http_refused, d);
	}
	if (d)
		refusal_coda(f, lost_alert, http_refused, said_unreadable, d);
	return true;
}

/* The reason phrase of an HTTP status a server may refuse with ("" for others). */
static const char *http_reason(int status)
{
	switch (status) {
	case 400: return " (Bad Request)";
	case 401: return " (Unauthorized)";
	case 403: return " (Forbidden)";
	case 404: return " (Not Found)";
	case 421: return " (Misdirected Request)";
	case 495: return " (SSL Certificate Error, nginx)";
	case 496: return " (SSL Certificate Required, nginx)";
	case 500: return " (Internal Server Error)";
	case 502: return " (Bad Gateway)";
	case 503: return " (Service Unavailable)";
	default: return "";
	}
}

/* How the server refused the client after its late answer, in words ("" when it did not). */
static void late_refusal_words(const struct facts *f, char *buf, size_t n)
{
	const char *name = names_alert(f->alert_desc);

	if (f->http_ev >= 0 && f->http_status >= 400)
		snprintf(buf, n, "it answered the request with HTTP status %d%s", f->http_status, http_reason(f->http_status));
	else if (f->alert_ev >= 0)
		snprintf(buf, n, "it sent alert %s (%u)", name ? name : "unknown", f->alert_desc);
	else if (f->self.rejected_after || !f->self.closed_cleanly)
		snprintf(buf, n, "it ended the connection");
	else
		buf[0] = '\0';
}

/*
 * TLS 1.3 post-handshake authentication from the client's side: the server
 * asked for a certificate after the handshake, and the client left the
 * request unanswered, or answered with an empty Certificate and was refused.
 * (A certificate sent and refused is the client-certificate causes' business.)
 */
static bool diagnose_late_request(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d;
	char how[200], cas[1200] = "";

	if (f->late_cr_ev < 0)
		return false;
	if (!f->s.late_answered) {
		d = finding(out, max, n, DIAG_POST_HANDSHAKE_AUTH_UNANSWERED);
		say(d, "The server asked for a client certificate after the handshake (a CertificateRequest in TLS 1.3 "
		       "post-handshake authentication), and the client did not answer it before the connection "
		       "ended%s%s%s", f->self.error[0] ? ": " : ".", f->self.error, f->self.error[0] ? period(f->self.error) : "");
		fix(d, "Give the run more time (--timeout) and look at the client's error above; until the client answers, "
		       "the server holds back what it guards.");
		cite(d, f->late_cr_ev);
		cite(d, f->error_ev);
		return true;
	}
	if (cert_sent(f))
		return false;
	late_refusal_words(f, how, sizeof how);
	if (!how[0])
		return false;          /* the server took the empty answer: nothing refused */
	d = finding(out, max, n, DIAG_CLIENT_CERT_MISSING_AFTER_HANDSHAKE);
	say(d, "The server asked for a client certificate after the handshake (TLS 1.3 post-handshake "
	       "authentication) and the client had none: it answered with an empty Certificate, and the server "
	       "refused: %s.", how);
	if (f->ncas > 0)
		listed_cas(f, cas, sizeof cas);
	fix(d, "Give the client a certificate and key (--cert and --key, or --p12) issued by a CA the server trusts%s%s%s.",
	    cas[0] ? " (it lists " : "", cas, cas[0] ? ")" : "");
	cite(d, f->late_cr_ev);
	cite(d, f->client_cert_ev);
	cite(d, f->alert_ev);
	cite(d, f->http_ev);
	return true;
}

/* What to do about an HTTP status a server refused the request with. */
static const char *http_fix(int status)
{
	switch (status) {
	case 400: return "The server could not use the request: check its log (nginx answers 400 for a bad or missing "
			 "client certificate).";
	case 401: return "The server wants credentials: HTTP authentication, or a client certificate it trusts.";
	case 403: return "The server's access rules refuse this client: check its configuration and log (which client "
			 "certificates, addresses or paths it allows).";
	case 404: return "The page / does not exist on this server: the TLS side is fine.";
	case 421: return "The server does not serve this name on this connection: connect with the name it serves "
			 "(--sni NAME).";
	case 495: case 496:
		return "Give the client a certificate and key (--cert and --key) issued by a CA the server trusts.";
	default: return status >= 500 ? "The server failed to handle the request: check its log."
				      : "Check the server's log for why it refused the request.";
	}
}

/*
 * TLS 1.3, client side: the client did not offer post_handshake_auth, the
 * server never asked for a certificate, and after the handshake it refused
 * the client (HTTP 401/403, or alert certificate_required): a server that
 * wants a certificate only later could not ask.
 */
static bool diagnose_pha_not_offered(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d;
	bool http = f->http_ev >= 0 && (f->http_status == 401 || f->http_status == 403);
	bool alert = f->alert_ev >= 0 && f->alert_after_fin && f->alert_desc == WIRE_ALERT_CERTIFICATE_REQUIRED;
	char how[120];

	if (!f->tls13 || f->s.pha_offered || f->cr_ev >= 0 || !f->self.handshake_ok || !(http || alert))
		return false;
	if (http)
		snprintf(how, sizeof how, "answered the request with HTTP status %d%s", f->http_status,
			 http_reason(f->http_status));
	else
		snprintf(how, sizeof how, "ended the connection with alert certificate_required (116)");
	d = finding(out, max, n, DIAG_POST_HANDSHAKE_AUTH_NOT_OFFERED);
	say(d, "The server %s without ever asking for a client certificate: this client did not offer "
	       "post_handshake_auth, so a TLS 1.3 server that wants a certificate only after the handshake (as Apache "
	       "does for a location with SSLVerifyClient require) cannot ask for it. That is the likely cause; the "
	       "server's log says for certain.", how);
	fix(d, "Leave out --no-post-handshake-auth, so that the client offers post-handshake authentication, and give "
	       "it a certificate and key (--cert and --key) the server trusts.");
	cite(d, f->ch_ev);
	cite(d, http ? f->http_ev : f->alert_ev);
	return true;
}

/* serve --request-client-cert-later: why the certificate asked for after the handshake was not obtained. */
static bool serverside_late(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d;

	if (f->pha_none_ev >= 0) {
		d = finding(out, max, n, DIAG_POST_HANDSHAKE_AUTH_NOT_OFFERED);
		say(d, "The client did not offer post_handshake_auth in its ClientHello, so this server "
		       "(--request-client-cert-later) could not ask for its certificate after the handshake, and refused "
		       "it with alert certificate_required (116).");
		fix(d, "The client must offer TLS 1.3 post-handshake authentication (tlsladder does by default; openssl "
		       "s_client -enable_pha; gnutls-cli --post-handshake-auth), or the server must ask during the "
		       "handshake (--require-client-cert).");
		cite(d, f->ch_ev);
		cite(d, f->pha_none_ev);
		return true;
	}
	if (f->late_cr_ev < 0 || f->self.peer_sent_cert)
		return false;
	if (f->client_cert_ev > f->late_cr_ev) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_MISSING_AFTER_HANDSHAKE);
		say(d, "The client answered this server's request for a certificate after the handshake (TLS 1.3 "
		       "post-handshake authentication) with an empty Certificate: it has none, and this server requires one.");
		fix(d, "The client must be given a certificate issued by one of the CAs this server lists (--client-ca).");
		cite(d, f->late_cr_ev);
		cite(d, f->client_cert_ev);
		return true;
	}
	d = finding(out, max, n, DIAG_POST_HANDSHAKE_AUTH_UNANSWERED);
	say(d, "The client did not answer this server's request for a certificate after the handshake (TLS 1.3 "
	       "post-handshake authentication)%s%s%s", f->self.error[0] ? ": " : ".", f->self.error,
	    f->self.error[0] ? period(f->self.error) : "");
	fix(d, "Check the client: it offered post-handshake authentication, so it must answer the request with its "
	       "certificate (or an empty one) before it closes.");
	cite(d, f->late_cr_ev);
	cite(d, f->error_ev);
	return true;
}

/* --http: the server answered with a 4xx or 5xx status: the handshake completed, the request was refused. */
static bool diagnose_http(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d;
	int st = f->http_status;

	if (f->http_ev < 0 || st < 400)
		return false;
	d = finding(out, max, n, DIAG_HTTP_REFUSED);
	say(d, "The TLS handshake completed, but the server refused the request: HTTP status %d%s.", st, http_reason(st));
	if (cert_sent(f))
		say_more(d, f->late_cr_ev >= 0 ? " The client had sent the certificate the server asked for after the "
						 "handshake, and the server did not refuse it at the TLS level."
					       : " The client had sent the certificate the server asked for, and the server "
						 "did not refuse it at the TLS level.");
	else if (f->cr_ev >= 0)
		say_more(d, " The server had asked for a client certificate and got none.");
	fix(d, "%s", http_fix(st));
	cite(d, f->late_cr_ev);
	cite(d, f->client_cert_ev);
	cite(d, f->http_ev);
	return true;
}

/* --starttls smtp/lmtp: the handshake completed, and the server refused the client inside TLS (a 4xx/5xx reply;
 * a refused client certificate is diagnosed before this). */
static bool diagnose_tls_refusal(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	const struct plainproto *p = plainproto_of(f->tls_proto);
	struct diag_finding *d;

	if (f->tls_refusal_ev < 0)
		return false;
	d = finding(out, max, n, DIAG_STARTTLS_REFUSED_AFTER_HANDSHAKE);
	say(d, "The TLS handshake completed, but then the server refused after the handshake, inside TLS, in %s: %.400s%s",
	    p ? p->label : "its protocol", f->tls_refusal, period(f->tls_refusal));
	fix(d, "Read the server's reply and its log: a TLS policy (a required client certificate, a minimum "
	       "version or cipher) or a limit on clients refused this connection after TLS started.");
	cite(d, f->client_cert_ev);
	cite(d, f->tls_refusal_ev);
	return true;
}

/* The server-certificate causes (client side). */
static bool diagnose_server_cert(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	unsigned fl = f->self.verify_flags;
	struct diag_finding *d;

	if (!f->self.verify_done || f->self.verified || !fl)
		return false;
	if (fl & TL_VERIFY_REVOKED) {
		d = finding(out, max, n, DIAG_SERVER_CERT_REVOKED);
		say(d, "The server's certificate is revoked: a CRL given with --crl lists it (%s).", f->self.verify);
		fix(d, "The server's operator must replace the certificate; do not trust this one.");
	} else if (fl & TL_VERIFY_EXPIRED) {
		d = finding(out, max, n, DIAG_SERVER_CERT_EXPIRED);
		say(d, "The server's certificate is expired (%s).", f->self.verify);
		fix(d, "The server's operator must renew the certificate.");
	} else if (fl & TL_VERIFY_NAME_MISMATCH) {
		d = finding(out, max, n, DIAG_SERVER_CERT_NAME_MISMATCH);
		say(d, "The server's certificate is for another name than the one asked for (%s).", f->self.verify);
		fix(d, "Connect with the name the certificate carries (--sni NAME), or have the certificate reissued for "
		       "this name.");
	} else if (fl & TL_VERIFY_SELF_SIGNED) {
		d = finding(out, max, n, DIAG_SERVER_CERT_SELF_SIGNED);
		say(d, "The server's certificate is self-signed: no CA vouches for it (%s).", f->self.verify);
		fix(d, "Trust it explicitly with --cafile SERVER-CERT.pem if you know it is the right one, or use a "
		       "CA-issued certificate.");
	} else {
		d = finding(out, max, n, DIAG_SERVER_CERT_UNTRUSTED);
		say(d, "The server's certificate does not chain to a CA this client trusts (%s).", f->self.verify);
		fix(d, "Give the CA that issued it with --cafile, or check that the server sends its intermediates.");
	}
	cite(d, f->server_cert_ev);
	return true;
}

/* The server's view: what the client sent and why it was refused. */
static bool diagnose_serverside(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d;
	unsigned fl = f->self.verify_flags;

	if (serverside_late(f, out, max, n))
		return true;
	if (f->cr_ev < 0)
		return false;
	if (!f->self.peer_sent_cert && (f->nchain == 0 || f->client_cert_ev < 0)) {
		if (f->self.handshake_ok)
			return false;
		d = finding(out, max, n, DIAG_CLIENT_CERT_MISSING);
		say(d, "The client sent no certificate although this server requires one (its Certificate message is "
		       "empty: it had none, or withheld it because its issuer is not among the CAs listed here).");
		fix(d, "The client must be given a certificate issued by one of the CAs this server lists (--client-ca).");
		cite(d, f->cr_ev);
		cite(d, f->client_cert_ev);
		return true;
	}
	if (f->self.verified || !fl)
		return false;
	if (fl & TL_VERIFY_REVOKED) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_REVOKED);
		say(d, "The client's certificate is revoked: a CRL given with --crl lists it (%s).", f->self.verify);
		fix(d, "The client needs a new certificate from its CA; a revoked certificate stays revoked.");
	} else if (fl & TL_VERIFY_EXPIRED) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_EXPIRED);
		say(d, "The client's certificate is expired (%s).", f->self.verify);
		fix(d, "The client needs a renewed certificate.");
	} else if (fl & TL_VERIFY_NOT_ACTIVATED) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_NOT_YET_VALID);
		say(d, "The client's certificate is not valid yet (%s).", f->self.verify);
		fix(d, "Check the clocks, or wait until the certificate's start date.");
	} else if (fl & TL_VERIFY_WRONG_PURPOSE) {
		d = finding(out, max, n, DIAG_CLIENT_CERT_WRONG_USAGE);
		say(d, "The client's certificate is not meant for TLS clients (its extended key usage lacks clientAuth).");
		fix(d, "Issue the client a certificate with extended key usage clientAuth.");
	} else if ((fl & TL_VERIFY_UNKNOWN_ISSUER) && f->self.peer_chain_len == 1 && !(fl & TL_VERIFY_SELF_SIGNED)) {
		char issuer[320] = "?";
		struct peek_span iss, sub;
		if (f->nchain > 0 && peek_cert_names(f->chain[0].p, f->chain[0].n, &iss, &sub))
			dn_text(&iss, issuer, sizeof issuer);
		d = finding(out, max, n, DIAG_CLIENT_CERT_UNTRUSTED_ISSUER);
		say(d, "The client sent only its own certificate, issued by '%s', which this server does not trust; if "
		       "'%s' is an intermediate under a trusted root, the client left it out.", issuer, issuer);
		fix(d, "Have the client send its full chain (leaf and intermediates), or add '%s' to --client-ca.", issuer);
	} else {
		d = finding(out, max, n, DIAG_CLIENT_CERT_UNTRUSTED_ISSUER);
		say(d, "The client's certificate does not chain to a CA this server trusts (%s).", f->self.verify);
		fix(d, "Issue the client a certificate from a CA in --client-ca, or add its CA there.");
	}
	cite(d, f->client_cert_ev);
	return true;
}

/* Says what a handshake_failure (40) taught in a version mismatch (1 sentence), "" otherwise. */
static void alert40_words(const struct facts *f, bool version, char *buf, size_t n)
{
	buf[0] = '\0';
	if (f->alert_ev < 0 || f->alert_desc != WIRE_ALERT_HANDSHAKE_FAILURE)
		return;
	if (version && f->peer.set)      /* the peer's result is known: it is this program's GnuTLS */
		snprintf(buf, n, " This GnuTLS server answered with handshake_failure (40); RFC 8446 (section 4.2.1) asks "
				 "for protocol_version (70) when no version is shared, which OpenSSL sends.");
}

/* No version, or no cipher suite, in common: decided from the typed failures, the peer's first. */
static void diagnose_mismatch(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	enum tl_fail peer = f->peer_fail.fail, self = f->self_fail.fail;
	bool version = peer == TL_FAIL_VERSION ||
		       (peer != TL_FAIL_CIPHER && (self == TL_FAIL_VERSION || f->alert_desc == WIRE_ALERT_PROTOCOL_VERSION));
	const char *name = names_alert(f->alert_desc);
	const char *peer_err = f->peer.set ? f->peer.error : "";
	char detail[700], a40[400];
	struct diag_finding *d = finding(out, max, n, version ? DIAG_PROTOCOL_VERSION_MISMATCH : DIAG_NO_SHARED_CIPHER);

	alert40_words(f, version, a40, sizeof a40);
	if (peer_err[0])
		snprintf(detail, sizeof detail, "%s The server's own words: %s.", a40, peer_err);
	else if (f->alert_ev >= 0 && !a40[0])
		snprintf(detail, sizeof detail, " The server answered with alert %s (%u).", name ? name : "unknown",
			 f->alert_desc);
	else
		snprintf(detail, sizeof detail, "%s", a40);
	if (!version && peer == TL_FAIL_NONE && f->self_fail.fail == TL_FAIL_NOTHING_IN_COMMON) {
		say(d, "The server found nothing in common with the client's offer, and its alert %s (%u) does not say "
		       "what: a TLS version, a cipher suite, a key exchange group or a signature algorithm. For a version "
		       "mismatch RFC 8446 asks for protocol_version (70), which OpenSSL sends; GnuTLS servers send "
		       "handshake_failure (40) for it too.", name ? name : "unknown", f->alert_desc);
		fix(d, "Find what the server accepts: try --tls1.2 or --tls1.3, then narrower --priority strings.");
		cite(d, f->alert_ev);
		cite(d, f->error_ev);
		return;
	}
	if (version)
		say(d, "The two sides have no TLS version in common: the server accepts none of the versions the client "
		       "offered.%s", detail);
	else
		say(d, "The two sides have no cipher suite, key exchange group or signature algorithm in common.%s", detail);
	fix(d, version ? "Offer a version the server accepts (--tls1.2 / --tls1.3 or --priority)."
		       : "Offer cipher suites, groups and signature algorithms the server accepts (--priority).");
	cite(d, f->alert_ev);
	cite(d, peer_err[0] && f->peer_error_ev >= 0 ? f->peer_error_ev : f->error_ev);   /* the words quoted */
}

/* The sentence of an error the side recorded, capitalized and ended with a period; fallback when none. */
static void say_error(struct diag_finding *d, const char *err, const char *fallback)
{
	const char *t = err && err[0] ? err : fallback;
	size_t word = strspn(t, "abcdefghijklmnopqrstuvwxyz");
	bool lower = word > 0 && (t[word] == ' ' || t[word] == ':');    /* a word, not a file name */

	say(d, "%c%s%s", lower ? t[0] - 'a' + 'A' : t[0], t[0] ? t + 1 : "", period(t));
}

/* The not-TLS cause: what the peer spoke, rendered from the sniffer's typed result. */
static void diagnose_not_tls(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d = finding(out, max, n, DIAG_NOT_TLS);
	char text[400];
	enum sniff_kind k = f->self_fail.spoke.kind;

	if (f->self_fail.fail == TL_FAIL_NOT_TLS)
		sniff_describe(&f->self_fail.spoke, f->self_fail.spoke.kind == SNIFF_HTTP_REQUEST ? "client" : "server", text,
			       sizeof text);
	else
		snprintf(text, sizeof text, "the peer does not speak TLS");
	say_error(d, text, "");
	if (k == SNIFF_SMTP || k == SNIFF_IMAP || k == SNIFF_POP3 || k == SNIFF_FTP || k == SNIFF_SMTP_OR_FTP)
		fix(d, "Use the service's TLS port (465 for SMTP submission, 993 for IMAP, 995 for POP3, 990 for FTP), or "
		       "STARTTLS on this port: --starttls %s.", k == SNIFF_SMTP ? "smtp" : k == SNIFF_IMAP ? "imap"
							       : k == SNIFF_POP3 ? "pop3" : k == SNIFF_FTP ? "ftp" : "smtp (or ftp)");
	else if (k == SNIFF_SSH)
		fix(d, "This is an SSH port: use the TLS port of the service.");
	else if (k == SNIFF_HTTP_REQUEST)
		fix(d, "Connect with https:// (TLS) to this port.");
	else
		fix(d, "Use the TLS port of the service (443 for HTTPS).");
}

/* The peer's alert, when nothing above explains it. */
static void peer_alert(const struct facts *f, struct diag_finding *d)
{
	const char *name = names_alert(f->alert_desc), *meaning = names_alert_meaning(f->alert_desc);

	say(d, "The peer ended the connection with alert %s (%u)%s%s", name ? name : "unknown", f->alert_desc,
	    meaning ? ": " : ".", meaning ? meaning : "");
	fix(d, "Check the peer's log for why it sent this alert.");
	cite(d, f->alert_ev);
}

/* A record from the peer failed its integrity check. */
static void record_integrity(const struct facts *f, struct diag_finding *d)
{
	say(d, "A record from the %s failed its integrity check, so this side could not decrypt it and ended the "
	       "handshake: the two sides derived different keys, or something on the way altered the record.",
	    f->self_side == TL_CLIENT ? "server" : "client");
	fix(d, "Look for a proxy, firewall or load balancer that rewrites TLS traffic between the two sides; with "
	       "none, compare the two TLS libraries' versions (a key derivation bug).");
}

/* The capabilities the server listed before a STARTTLS that was not offered, into buf. */
static void starttls_caps(const struct timeline *tl, const struct facts *f, const struct plainproto *p, char *buf,
			  size_t n)
{
	size_t used = 0;
	bool first = true;

	buf[0] = '\0';
	for (size_t i = f->plain_caps >= 0 ? (size_t)f->plain_caps : f->end; i < f->end && used + 1 < n; i++) {
		struct tl_event ev;
		char cap[600];

		if (!timeline_get(tl, i, &ev) || ev.kind != TL_EV_PLAIN || ev.note.role != TL_PLAIN_CAPS || !ev.text ||
		    ev.note.in_tls)
			continue;
		plainproto_cap_name(p, ev.text, strlen(ev.text), first, cap, sizeof cap);
		first = false;
		if (cap[0])
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", cap);
	}
}

/* The STARTTLS causes: not offered, refused, an unexpected reply (facts typed by tls/starttls.c). */
static void diagnose_starttls(const struct timeline *tl, const struct facts *f, struct diag_finding *out, size_t max,
			      size_t *n)
{
	const struct plainproto *p = plainproto_of(f->self_fail.proto);
	const char *label = p ? p->label : "application", *cmd = p && p->starttls ? p->starttls : "STARTTLS";
	char caps[1200], reply[700] = "";
	struct tl_event ev;
	struct diag_finding *d;

	if (f->plain_answer >= 0 && timeline_get(tl, (size_t)f->plain_answer, &ev) && ev.text)
		snprintf(reply, sizeof reply, "%.600s", ev.text);
	if (p && p->style == PLAINPROTO_TAGGED)
		cmd += strcspn(cmd, " ") + 1;
	switch (f->self_fail.fail) {
	case TL_FAIL_STARTTLS_NOT_OFFERED:
		d = finding(out, max, n, DIAG_STARTTLS_NOT_OFFERED);
		starttls_caps(tl, f, p, caps, sizeof caps);
		say(d, "The %s server did not offer STARTTLS: its capabilities (%s) do not include %s, so the connection "
		       "cannot be upgraded to TLS.", label, caps[0] ? caps : "none listed", p && p->offer ? p->offer : "it");
		fix(d, "Enable TLS on the server (a certificate and key, and STARTTLS allowed on this port), or use its "
		       "implicit-TLS port (465 for SMTP submission, 993 for IMAP, 995 for POP3, 636 for LDAP).");
		cite(d, f->plain_caps);
		break;
	case TL_FAIL_STARTTLS_REFUSED:
		d = finding(out, max, n, DIAG_STARTTLS_REFUSED);
		say(d, "The %s server refused to start TLS: it answered %s with \"%s\".", label,
		    p && p->style == PLAINPROTO_POSTGRES ? "SSLRequest" : p && p->style == PLAINPROTO_LDAP ? "the StartTLS request" : cmd,
		    reply);
		fix(d, "The server knows STARTTLS but cannot start it now: check its TLS certificate and key settings "
		       "and its log.");
		break;
	default:
		d = finding(out, max, n, DIAG_STARTTLS_UNEXPECTED_REPLY);
		if (f->self_fail.count)
			say(d, "The server's %s reply went on past %u lines without an end (the last read: \"%s\"); %s "
			       "servers end their replies well before that.", label, f->self_fail.count, reply, label);
		else if (f->self_fail.bytes)
			say(d, "The server sent a %s line longer than %llu bytes (it began \"%.60s\"); %s lines are "
			       "shorter.", label, (unsigned long long)f->self_fail.bytes, reply, label);
		else
			say(d, "The server's reply makes no sense for %s at that point: \"%s\".", label,
			    reply[0] ? reply : "nothing");
		fix(d, "Check that this port serves %s and that --starttls names the protocol the server speaks.", label);
		break;
	}
	if (f->self_fail.fail != TL_FAIL_STARTTLS_NOT_OFFERED)
		cite(d, f->plain_answer);
	cite(d, f->error_ev);
}

/* The timeout's sentence and fix (err: the side's own words, or NULL). */
static void timeout_words(const struct facts *f, const char *err, struct diag_finding *d)
{
	say_error(d, err ? err : f->plain_first >= 0 ? f->error_text : NULL, "The peer did not answer before the deadline");
	if (f->plain_first >= 0 && !f->self.set)
		fix(d, "The server stopped answering during the plaintext exchange before STARTTLS: check that this "
		       "port serves the protocol --starttls names and that the server is healthy; --timeout gives it "
		       "longer.");
	else if (f->self.handshake_ok)   /* serve: the deadline cut the client's data short */
		fix(d, "The handshake completed; data was still arriving when the deadline passed: --timeout "
		       "gives it longer.");
	else if (f->self_side == TL_SERVER)
		fix(d, "Check that the client speaks TLS to this port and finishes in time; --timeout gives it "
		       "longer.");
	else
		fix(d, "Check that this is a TLS port and the server is healthy; --timeout gives it longer.");
}

/* The connection-level causes, from the side's exit code. */
static void diagnose_connection(const struct timeline *tl, const struct facts *f, struct diag_finding *out, size_t max,
				size_t *n)
{
	int code = f->self.set ? f->self.exit_code : f->error_code;
	struct diag_finding *d;
	const char *err = f->self.set && f->self.error[0] ? f->self.error : NULL;

	if (!f->self.set && code == TL_EXIT_OK)
		return;      /* no outcome known (an imported capture): nothing to conclude */
	switch (code) {
	case TL_EXIT_RESOLVE:
		d = finding(out, max, n, DIAG_DNS_FAILURE);
		say(d, "The host name does not resolve.");
		fix(d, "Check the spelling, or use the address directly.");
		break;
	case TL_EXIT_NETWORK:
		d = finding(out, max, n, DIAG_CONNECTION_REFUSED);
		say(d, "The connection could not be made: nothing accepts connections there.");
		fix(d, "Check the host and port, and that the server runs and a firewall lets it through.");
		break;
	case TL_EXIT_TIMEOUT:
		d = finding(out, max, n, DIAG_TIMEOUT);
		timeout_words(f, err, d);
		break;
	case TL_EXIT_RESET:
		d = finding(out, max, n, DIAG_CONNECTION_RESET);
		say_error(d, err, "The connection was reset");
		fix(d, f->self_side == TL_SERVER ? "A firewall, a proxy or the client dropped the connection; check the client's log."
						 : "A firewall, a proxy or the server dropped the connection; check the server's log.");
		break;
	case TL_EXIT_NOT_TLS:
		diagnose_not_tls(f, out, max, n);
		d = *n ? &out[*n - 1] : NULL;
		break;
	case TL_EXIT_MISMATCH:
		diagnose_mismatch(f, out, max, n);
		return;
	case TL_EXIT_HANDSHAKE:
		if (f->self_fail.fail == TL_FAIL_RECORD_INTEGRITY) {
			d = finding(out, max, n, DIAG_RECORD_INTEGRITY);
			record_integrity(f, d);
			break;
		}
		d = finding(out, max, n, DIAG_CONNECTION_CLOSED);
		say_error(d, err, "The peer closed the connection during the handshake");
		fix(d, f->self_side == TL_SERVER ? "Check the client's log: it ended the connection without saying why."
						 : "Check the server's log: it ended the connection without saying why.");
		break;
	case TL_EXIT_FILES:
		if (f->preflight[PF_KEY_MISMATCH] >= 0) {
			d = finding(out, max, n, DIAG_CLIENT_KEY_MISMATCH);
			preflight_text(tl, f->preflight[PF_KEY_MISMATCH], d);
			break;
		}
		d = finding(out, max, n, DIAG_LOCAL_FILES);
		say_error(d, err ? err : f->error_text, "A local certificate or key file could not be used");
		fix(d, "Check the files named above.");
		break;
	case TL_EXIT_CANCELLED:
		d = finding(out, max, n, DIAG_CANCELLED);
		say(d, "Stopped by the user.");
		break;
	case TL_EXIT_REJECTED:
		d = finding(out, max, n, DIAG_PEER_ALERT);
		peer_alert(f, d);
		break;
	default:
		d = finding(out, max, n, DIAG_OK);
		say(d, "The handshake completed and everything checked out.");
		break;
	}
	cite(d, f->error_ev);
}

/* A completed handshake on a legacy version (TLS 1.0/1.1) or a CBC suite with SHA-1: turns ok into a warning. */
static void diagnose_legacy(const struct facts *f, struct diag_finding *d)
{
	bool old = f->s.version >= WIRE_SSL3 && f->s.version < WIRE_TLS12;
	bool cbc_sha1 = names_suite_cbc_sha1(f->s.cipher_suite);
	const char *v = names_version(f->s.version), *cs = names_cipher_suite(f->s.cipher_suite);
	char suite[300] = "";

	if (d->code != DIAG_OK || !f->s.have_server_hello || !(old || cbc_sha1))
		return;
	d->code = DIAG_LEGACY_PROTOCOL;
	if (cbc_sha1)
		snprintf(suite, sizeof suite, "%s cipher suite %s protects records with CBC and an HMAC-SHA-1 (MAC, then "
					      "encrypt), not an AEAD cipher.", old ? " Its" : "", cs ? cs : "?");
	if (old)
		say(d, "Warning: the handshake completed and verified, but with %s, a legacy protocol version that RFC 8996 "
		       "deprecates: its handshake signatures and Finished rely on MD5 and SHA-1.%s", v ? v : "?", suite);
	else
		say(d, "Warning: the handshake completed and verified, but the%s", suite);
	fix(d, "Have the server enable TLS 1.2 or TLS 1.3 with AEAD suites (AES-GCM, ChaCha20-Poly1305). With --verify "
	       "strict this warning fails the run (exit 14).");
	cite(d, f->sh_ev);
}

/* The client refused a renegotiation because the server lacks RFC 5746; true when that is the cause. */
static bool diagnose_unsafe_reneg(const struct facts *f, struct diag_finding *out, size_t max, size_t *n)
{
	struct diag_finding *d;

	if (f->reneg_fail_ev < 0 || f->reneg_fail.fail != TL_FAIL_UNSAFE_RENEGOTIATION)
		return false;
	d = finding(out, max, n, DIAG_RENEGOTIATION_UNSAFE);
	say(d, "The server asked to renegotiate (HelloRequest) but does not support secure renegotiation (RFC 5746: "
	       "no renegotiation_info in its ServerHello), so the client refused, as GnuTLS does by default. "
	       "Renegotiation without RFC 5746 is open to the 2009 prefix-injection attack (CVE-2009-3555): a man in "
	       "the middle can splice its own request in front of the client's.");
	fix(d, "Enable secure renegotiation (RFC 5746) on the server: every maintained TLS library supports it; or "
	       "have the server ask for the client certificate in the first handshake, or use TLS 1.3.");
	cite(d, f->hello_request_ev);
	cite(d, f->sh_ev);
	cite(d, f->reneg_fail_ev);
	return true;
}

/* Diagnoses one connection. */
size_t diagnose(const struct timeline *tl, unsigned conn, enum tl_side side, struct diag_finding *out, size_t max)
{
	struct facts f;
	size_t n = 0;

	if (max == 0)
		return 0;
	gather(tl, conn, side, &f);
	if (side == TL_CLIENT && (f.self_fail.fail == TL_FAIL_STARTTLS_NOT_OFFERED ||
				  f.self_fail.fail == TL_FAIL_STARTTLS_REFUSED || f.self_fail.fail == TL_FAIL_STARTTLS_UNEXPECTED)) {
		diagnose_starttls(tl, &f, out, max, &n);
	} else if (side == TL_SERVER) {
		if (!diagnose_serverside(&f, out, max, &n))
			diagnose_connection(tl, &f, out, max, &n);
	} else if (!diagnose_unsafe_reneg(&f, out, max, &n) && !diagnose_late_request(&f, out, max, &n) &&
		   !diagnose_pha_not_offered(&f, out, max, &n) && !diagnose_client_cert(tl, &f, out, max, &n) &&
		   !diagnose_server_cert(&f, out, max, &n) && !diagnose_http(&f, out, max, &n) &&
		   !diagnose_tls_refusal(&f, out, max, &n)) {
		diagnose_connection(tl, &f, out, max, &n);
	}
	if (n > 0)
		diagnose_legacy(&f, &out[0]);
	/* every other pre-flight finding follows the primary cause */
	for (int k = 1; k <= PF_LAST && n < max; k++) {
		bool used = false;
		if (f.preflight[k] < 0 || preflight_codes[k] == DIAG_OK)
			continue;
		for (size_t i = 0; i < n; i++)
			for (unsigned e = 0; e < out[i].nevidence; e++)
				used = used || out[i].evidence[e] == (size_t)f.preflight[k];
		if (!used) {
			struct diag_finding *d = finding(out, max, &n, preflight_codes[k]);
			preflight_text(tl, f.preflight[k], d);
		}
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned a = 1; a < out[i].nevidence; a++)      /* evidence in timeline order */
			for (unsigned b = a; b > 0 && out[i].evidence[b - 1] > out[i].evidence[b]; b--) {
				size_t t = out[i].evidence[b];
				out[i].evidence[b] = out[i].evidence[b - 1];
				out[i].evidence[b - 1] = t;
			}
	return n;
}
