/*
 * test_diagnose.c: the diagnosis over timelines built from captured
 * messages (tests/fixtures/mtls12), for the causes a live run on this
 * machine cannot easily produce: a refusal with no local explanation, a
 * certificate not valid yet, an alert lost to a reset, an HTTP-level refusal,
 * and which local finding is the primary cause of a refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/credcheck.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/errors.h"
#include "tlsladder/notes.h"
#include "tlsladder/timeline.h"

static const char *const files[] = {
	"00-client-ClientHello", "01-server-ServerHello", "02-server-Certificate", "03-server-ServerKeyExchange",
	"04-server-CertificateRequest", "05-server-ServerHelloDone", "06-client-Certificate",
	"07-client-ClientKeyExchange", "08-client-CertificateVerify", "09-client-Finished",
};
static const unsigned types[] = { 1, 2, 11, 12, 13, 14, 11, 16, 15, 20 };

/* The mtls12 handshake up to the client's Finished, as captured. */
static struct timeline *handshake(void)
{
	struct timeline *tl = timeline_create(false);
	const char *dir = getenv("TLSLADDER_DATADIR");

	assert_non_null(dir);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[PATH_MAX];
		uint8_t buf[8192];
		struct tl_event ev;
		FILE *f;

		snprintf(path, sizeof path, "%s/tests/fixtures/mtls12/%s.bin", dir, files[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.hs_type = types[i];
		ev.from = strstr(files[i], "client") ? TL_CLIENT : TL_SERVER;
		ev.version = 0x0303;
		ev.body = buf;
		ev.body_len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	return tl;
}

/* The server's fatal alert. */
static void alert(struct timeline *tl, unsigned desc)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_ALERT;
	ev.from = TL_SERVER;
	ev.alert_level = 2;
	ev.alert_desc = desc;
	timeline_observe(tl, &ev, false);
}

/* The client's result. */
static void result(struct timeline *tl, bool ok, int exit_code)
{
	struct tl_result r;

	memset(&r, 0, sizeof r);
	r.handshake_ok = ok;
	r.exit_code = exit_code;
	r.verify_done = r.verified = true;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
}

static void refused_for_no_local_reason(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	alert(tl, 49);
	result(tl, false, TL_EXIT_REJECTED);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-rejected");
	assert_non_null(strstr(d[0].sentence, "access_denied (49)"));
	assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
	assert_true(d[0].nevidence >= 3);
	for (unsigned k = 1; k < d[0].nevidence; k++)
		assert_true(d[0].evidence[k - 1] < d[0].evidence[k]);   /* in timeline order */
	timeline_destroy(tl);
}

static void not_yet_valid_from_preflight(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct timeline *hs = handshake();
	struct diag_finding d[4];

	(void)state;
	/* the pre-flight finding comes first, as the client records it before connecting */
	timeline_note_code(tl, TL_EV_DIAGNOSIS, TL_CLIENT, 0,
			   "The client certificate 'CN=Demo Client' is not valid until 2049-01-01.\nCheck the clock.", 3);
	for (size_t i = 0; i < timeline_count(hs); i++) {
		struct tl_event ev;
		timeline_get(hs, i, &ev);
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	alert(tl, 45);
	result(tl, false, TL_EXIT_REJECTED);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-not-yet-valid");
	assert_string_equal(d[0].fix, "Check the clock.");
	assert_null(strchr(d[0].sentence, '\n'));
	timeline_destroy(hs);
	timeline_destroy(tl);
}

static void alert_lost_to_a_reset(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	result(tl, false, TL_EXIT_RESET);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	/* the certificate's issuer is among the CAs listed, nothing local is wrong: refused, alert not readable */
	assert_string_equal(diag_code_name(d[0].code), "client-cert-rejected");
	assert_non_null(strstr(d[0].sentence, "readable alert"));
	timeline_destroy(tl);
}

static void refused_at_the_http_level(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];
	struct tl_note answer = { .code = TL_NOTE_HTTP_ANSWER, .status = 403 };

	(void)state;
	timeline_note_fact(tl, TL_EV_NOTE, TL_SERVER, 0, "the server answered: HTTP/1.1 403 Forbidden", &answer);
	result(tl, true, TL_EXIT_OK);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-rejected");
	assert_non_null(strstr(d[0].sentence, "HTTP level (status 403)"));
	timeline_destroy(tl);
}

/* The words of a note decide nothing: only its typed fact does. */
static void note_text_decides_nothing(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, "the server answered: HTTP/1.1 403 Forbidden");
	timeline_note(tl, TL_EV_NOTE, TL_CLIENT, 0, "the client certificate was withheld: as TLS 1.3 allows");
	result(tl, true, TL_EXIT_OK);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "ok");
	timeline_destroy(tl);
}

/* A name for a pre-flight finding's code, for its made-up text. */
static const char *pf_name(int c)
{
	switch (c) {
	case CREDCHECK_KEY_MISMATCH: return "client-key-mismatch";
	case CREDCHECK_EXPIRED: return "client-cert-expired";
	case CREDCHECK_WEAK_KEY: return "client-cert-weak-key";
	case CREDCHECK_WEAK_SIGNATURE: return "client-cert-weak-signature";
	case CREDCHECK_KEY_TYPE_RARE: return "client-key-type-warning";
	default: return "other";
	}
}

/* A timeline: the pre-flight findings (credcheck codes, in the order given; the end of
 * the list: -1), then the mtls12 handshake; the client's Certificate empty when empty. */
static struct timeline *with_findings(const int *codes, bool empty)
{
	struct timeline *tl = timeline_create(false);
	struct timeline *hs = handshake();
	static const uint8_t no_certs[3] = { 0, 0, 0 };

	for (const int *c = codes; *c >= 0; c++) {
		char text[80];
		snprintf(text, sizeof text, "Finding %s.\nFix %s.", pf_name(*c), pf_name(*c));
		timeline_note_code(tl, TL_EV_DIAGNOSIS, TL_CLIENT, 0, text, *c + 1);
	}
	for (size_t i = 0; i < timeline_count(hs); i++) {
		struct tl_event ev;
		timeline_get(hs, i, &ev);
		if (empty && ev.kind == TL_EV_HANDSHAKE && ev.hs_type == 11 && ev.from == TL_CLIENT) {
			ev.body = no_certs;
			ev.body_len = sizeof no_certs;
		}
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	timeline_destroy(hs);
	return tl;
}

/* The code of each finding, "a b c" into buf. */
static const char *codes_of(const struct diag_finding *d, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", diag_code_name(d[i].code));
	return buf;
}

/* The rule: the first local finding that explains a refusal is the primary cause, whatever the refusal. */
static void primary_local_finding(void **state)
{
	static const struct {
		int codes[4];
		unsigned alert;          /* 0: an HTTP 400 after a completed handshake instead */
		const char *want;
	} cases[] = {
		{ { CREDCHECK_WEAK_SIGNATURE, CREDCHECK_WEAK_KEY, -1 }, 42, "client-cert-weak-key client-cert-weak-signature" },
		{ { CREDCHECK_WEAK_KEY, CREDCHECK_WEAK_SIGNATURE, -1 }, 0, "client-cert-weak-key client-cert-weak-signature" },
		{ { CREDCHECK_WEAK_SIGNATURE, -1 }, 48, "client-cert-weak-signature" },
		{ { CREDCHECK_WEAK_KEY, CREDCHECK_EXPIRED, -1 }, 45, "client-cert-expired client-cert-weak-key" },
		{ { CREDCHECK_WEAK_KEY, CREDCHECK_KEY_MISMATCH, -1 }, 51, "client-key-mismatch client-cert-weak-key" },
		/* a warning is never a cause, nor a finding of its own */
		{ { CREDCHECK_KEY_TYPE_RARE, -1 }, 42, "client-cert-rejected" },
		{ { CREDCHECK_KEY_TYPE_RARE, CREDCHECK_WEAK_KEY, -1 }, 42, "client-cert-weak-key" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct timeline *tl = with_findings(cases[i].codes, false);
		struct diag_finding d[4];
		struct tl_note answer = { .code = TL_NOTE_HTTP_ANSWER, .status = 400 };
		char got[200];
		size_t n;

		if (cases[i].alert) {
			alert(tl, cases[i].alert);
			result(tl, false, TL_EXIT_REJECTED);
		} else {
			timeline_note_fact(tl, TL_EV_NOTE, TL_SERVER, 0, "the server answered: HTTP/1.1 400 Bad Request", &answer);
			result(tl, true, TL_EXIT_OK);
		}
		n = diagnose(tl, 0, TL_CLIENT, d, 4);
		if (strcmp(codes_of(d, n, got, sizeof got), cases[i].want) != 0)
			fail_msg("case %zu: %s, expected %s", i, got, cases[i].want);
		assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
		if (d[0].code == DIAG_CLIENT_CERT_WEAK_KEY) {
			char want[200];
			snprintf(want, sizeof want, "Finding client-cert-weak-key.%s", cases[i].alert ?
				 " The server refused it with alert bad_certificate (42)." :
				 " The TLS handshake itself completed; the server refused the request at the HTTP level "
				 "(status 400).");
			assert_string_equal(d[0].sentence, want);
			assert_string_equal(d[0].fix, "Fix client-cert-weak-key.");
		}
		timeline_destroy(tl);
	}
}

/* A key the server's schemes do not fit: the typed note explains the empty Certificate, which is never "missing". */
static void key_not_accepted_is_not_missing(void **state)
{
	static const int none[] = { -1 };
	struct timeline *tl = with_findings(none, true);
	struct diag_finding d[4];
	struct tl_note fact = { .code = TL_NOTE_CERT_KEY_NOT_ACCEPTED, .key_kind = TL_KEY_DSA, .withheld = true,
				.count = 16 };

	(void)state;
	/* without the fact (its words alone decide nothing): missing */
	timeline_note(tl, TL_EV_NOTE, TL_CLIENT, 0, "the client's DSA key can make none of the signature schemes");
	alert(tl, 40);
	result(tl, false, TL_EXIT_REJECTED);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-missing");
	timeline_destroy(tl);

	tl = with_findings(none, true);
	timeline_note_fact(tl, TL_EV_NOTE, TL_CLIENT, 0, "(its words)", &fact);
	alert(tl, 40);
	result(tl, false, TL_EXIT_REJECTED);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-key-not-accepted");
	assert_string_equal(d[0].sentence,
			    "The server does not accept the client's DSA key: its CertificateRequest lists only "
			    "rsa_pkcs1_sha256, rsa_pss_pss_sha256, rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256, ed25519, "
			    "rsa_pkcs1_sha384, rsa_pss_pss_sha384, rsa_pss_rsae_sha384, ecdsa_secp384r1_sha384, ed448, "
			    "rsa_pkcs1_sha512, rsa_pss_pss_sha512, rsa_pss_rsae_sha512, ecdsa_secp521r1_sha512, "
			    "rsa_pkcs1_sha1, ecdsa_sha1, and a DSA key can sign with none of them, so the configured "
			    "certificate was not sent (an empty Certificate, not a missing certificate).");
	assert_non_null(strstr(d[0].fix, ": an ECDSA P-256 or RSA key), or have the server accept DSA signatures."));
	assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
	timeline_destroy(tl);
}

/* A timeline with one failure of each side (typed facts) and the client's exit code. */
static struct timeline *failed(unsigned alert_desc, const struct tl_note *client_fact, const char *client_text,
			       const struct tl_note *server_fact, const char *server_text, int exit_code)
{
	struct timeline *tl = timeline_create(false);
	struct tl_result r;

	if (alert_desc)
		alert(tl, alert_desc);
	if (server_fact) {
		timeline_note_fact(tl, TL_EV_ERROR, TL_SERVER, 0, server_text, server_fact);
		memset(&r, 0, sizeof r);
		r.set = true;
		snprintf(r.error, sizeof r.error, "%s", server_text);
		r.exit_code = exit_code;
		timeline_set_result(tl, TL_SERVER, 0, &r);
	}
	timeline_note_fact(tl, TL_EV_ERROR, TL_CLIENT, 0, client_text, client_fact);
	memset(&r, 0, sizeof r);
	snprintf(r.error, sizeof r.error, "%s", client_text);
	r.exit_code = exit_code;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	return tl;
}

/* 1f: GnuTLS's handshake_failure (40) for a version mismatch is named as GnuTLS's, with what RFC 8446 asks. */
static void version_mismatch_names_the_implementation(void **state)
{
	struct tl_note client = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_NOTHING_IN_COMMON, .alert = 40 };
	struct tl_note server = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_VERSION };
	struct timeline *tl = failed(40, &client, "x", &server, "no TLS version in common with the client", TL_EXIT_MISMATCH);
	struct diag_finding d[4];

	(void)state;
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "protocol-version-mismatch");
	assert_string_equal(d[0].sentence,
			    "The two sides have no TLS version in common: the server accepts none of the versions the client "
			    "offered. This GnuTLS server answered with handshake_failure (40); RFC 8446 (section 4.2.1) asks "
			    "for protocol_version (70) when no version is shared, which OpenSSL sends. The server's own "
			    "words: no TLS version in common with the client.");
	timeline_destroy(tl);
}

/* The peer's typed failure decides, not the word "version" in its text. */
static void mismatch_from_the_fact_not_the_words(void **state)
{
	struct tl_note client = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_NOTHING_IN_COMMON, .alert = 40 };
	struct tl_note server = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_CIPHER };
	struct timeline *tl = failed(40, &client, "x", &server, "no cipher suite for this version", TL_EXIT_MISMATCH);
	struct diag_finding d[4];

	(void)state;
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "no-shared-cipher");
	timeline_destroy(tl);
}

/* A remote server's handshake_failure (40): the sentence says what it can and cannot tell. */
static void remote_alert_40_says_what_it_cannot_tell(void **state)
{
	struct tl_note client = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_NOTHING_IN_COMMON, .alert = 40 };
	struct timeline *tl = failed(40, &client, "x", NULL, NULL, TL_EXIT_MISMATCH);
	struct diag_finding d[4];

	(void)state;
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "no-shared-cipher");
	assert_string_equal(d[0].sentence,
			    "The server found nothing in common with the client's offer, and its alert handshake_failure (40) "
			    "does not say what: a TLS version, a cipher suite, a key exchange group or a signature algorithm. "
			    "For a version mismatch RFC 8446 asks for protocol_version (70), which OpenSSL sends; GnuTLS "
			    "servers send handshake_failure (40) for it too.");
	timeline_destroy(tl);
}

/* 1g, 1i: the not-tls sentence is rendered from what the sniffer found, and starts with a capital. */
static void not_tls_from_the_sniffer(void **state)
{
	struct tl_note client = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_NOT_TLS, .spoke = { .kind = SNIFF_IMAP } };
	struct timeline *tl = failed(0, &client, "whatever the text says", NULL, NULL, TL_EXIT_NOT_TLS);
	struct diag_finding d[4];

	(void)state;
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "not-tls");
	assert_string_equal(d[0].sentence, "The server greeted with an IMAP banner, not TLS: this is a mail server (IMAP) "
					   "that speaks plain text first; TLS would start only after STARTTLS.");
	assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_NOT_TLS);
	timeline_destroy(tl);
}

/* 1g: error sentences quoted as causes start with a capital letter; file names are left alone. */
static void causes_start_with_a_capital(void **state)
{
	struct tl_note client = { .code = TL_NOTE_FAILURE, .fail = TL_FAIL_OTHER };
	struct timeline *tl = failed(0, &client, "the server accepted the connection but never answered", NULL, NULL,
				     TL_EXIT_TIMEOUT);
	struct diag_finding d[4];

	(void)state;
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(d[0].sentence, "The server accepted the connection but never answered.");
	timeline_destroy(tl);
	tl = failed(0, &client, "certs/x.pem: the certificate file could not be read", NULL, NULL, TL_EXIT_FILES);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(d[0].sentence, "certs/x.pem: the certificate file could not be read.");
	timeline_destroy(tl);
}

/* A TLS 1.3 handshake without client authentication (mtls13's messages, its CertificateRequest and the
 * client's answer left out), then the server's CertificateRequest after the client's Finished. */
static struct timeline *late_request(void)
{
	static const char *const names[] = { "00-client-ClientHello", "01-server-ServerHello",
					     "02-server-EncryptedExtensions", "04-server-Certificate",
					     "05-server-CertificateVerify", "06-server-Finished", "09-client-Finished",
					     "03-server-CertificateRequest" };
	static const unsigned hs[] = { 1, 2, 8, 11, 15, 20, 20, 13 };
	struct timeline *tl = timeline_create(false);
	const char *dir = getenv("TLSLADDER_DATADIR");

	assert_non_null(dir);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[PATH_MAX];
		uint8_t buf[8192];
		struct tl_event ev;
		FILE *f;

		snprintf(path, sizeof path, "%s/tests/fixtures/mtls13/%s.bin", dir, names[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.hs_type = hs[i];
		ev.from = strstr(names[i], "client") ? TL_CLIENT : TL_SERVER;
		ev.version = 0x0304;
		ev.body = buf;
		ev.body_len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	return tl;
}

/* TLS 1.3 post-handshake authentication: a late request left unanswered is never ok; answered with an
 * empty Certificate and refused, it is client-cert-missing-after-handshake. */
static void late_request_never_ok(void **state)
{
	struct timeline *tl = late_request();
	struct diag_finding d[4];
	struct tl_result r;
	struct tl_event ev;
	static const uint8_t empty13[] = { 0, 0, 0, 0 };

	(void)state;
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	snprintf(r.error, sizeof r.error, "the deadline passed");
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "post-handshake-auth-unanswered");
	assert_string_equal(d[0].sentence, "The server asked for a client certificate after the handshake (a "
			    "CertificateRequest in TLS 1.3 post-handshake authentication), and the client did not answer "
			    "it before the connection ended: the deadline passed.");
	assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
	timeline_destroy(tl);

	tl = late_request();
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = 11;
	ev.from = TL_CLIENT;
	ev.version = 0x0304;
	ev.body = empty13;
	ev.body_len = sizeof empty13;
	timeline_observe(tl, &ev, true);
	alert(tl, 116);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	r.rejected_after = true;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-missing-after-handshake");
	assert_non_null(strstr(d[0].sentence, "the server refused: it sent alert certificate_required (116)."));
	timeline_destroy(tl);
}

static void names_and_exit_codes(void **state)
{
	(void)state;
	for (int c = 0; c < DIAG_COUNT; c++) {
		assert_true(strlen(diag_code_name((enum diag_code)c)) > 1);
		assert_true(diag_exit_code((enum diag_code)c) >= 0);
	}
	assert_int_equal(diag_exit_code(DIAG_OK), 0);
	assert_int_equal(diag_exit_code(DIAG_DNS_FAILURE), TL_EXIT_RESOLVE);
	assert_int_equal(diag_exit_code(DIAG_CLIENT_CERT_CHAIN_INCOMPLETE), TL_EXIT_REJECTED);
}

/* A timeline that starts with a pre-flight finding (credcheck code, "sentence\nfix"), then the mtls12 handshake. */
static struct timeline *with_preflight(enum credcheck_code code, const char *text)
{
	struct timeline *tl = timeline_create(false);
	struct timeline *hs = handshake();

	timeline_note_code(tl, TL_EV_DIAGNOSIS, TL_CLIENT, 0, text, (int)code + 1);
	for (size_t i = 0; i < timeline_count(hs); i++) {
		struct tl_event ev;
		timeline_get(hs, i, &ev);
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	timeline_destroy(hs);
	return tl;
}

#define REVOKED_TEXT "The client certificate 'CN=Demo Client' (serial 01) was revoked on 2024-06-01: the CRL of 'CN=CA' " \
		     "(ca.crl, issued 2024-01-01) lists it."

/* The local CRL finding explains a refusal whatever the alert: it is primary, the alert its evidence. */
static void revoked_preflight_is_primary(void **state)
{
	static const unsigned alerts[] = { 42, 44, 46, 49 };

	(void)state;
	for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++) {
		struct timeline *tl = with_preflight(CREDCHECK_REVOKED, REVOKED_TEXT "\nAsk the CA.");
		struct diag_finding d[4];
		size_t alert_ev = timeline_count(tl);

		alert(tl, alerts[i]);
		result(tl, false, TL_EXIT_REJECTED);
		assert_int_equal(diagnose(tl, 0, TL_CLIENT, d, 4), 1);
		assert_string_equal(diag_code_name(d[0].code), "client-cert-revoked");
		assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
		assert_string_equal(d[0].sentence, alerts[i] == 44 ? REVOKED_TEXT " The server's alert certificate_revoked (44) "
									"says the same."
								      : REVOKED_TEXT " The server refused it; its alert does "
									"not say why, and this revocation explains it.");
		assert_string_equal(d[0].fix, "Ask the CA.");
		assert_int_equal(d[0].evidence[0], 0);                             /* the pre-flight finding */
		assert_int_equal(d[0].evidence[d[0].nevidence - 1], alert_ev);     /* the alert */
		timeline_destroy(tl);
	}
}

/* Without a CRL, the alert certificate_revoked (44) alone names the cause, and the certificate sent. */
static void revoked_from_the_alert(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	alert(tl, 44);
	result(tl, false, TL_EXIT_REJECTED);
	assert_int_equal(diagnose(tl, 0, TL_CLIENT, d, 4), 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-revoked");
	assert_string_equal(d[0].sentence, "The server says the client certificate 'CN=Demo Client,O=tlsladder demo (DEMO "
					   "ONLY)' is revoked (alert certificate_revoked (44)): its CA withdrew it before its "
					   "expiry date, and the server found it in a revocation list (CRL) or an OCSP answer.");
	assert_string_equal(d[0].fix, "Ask the CA for a new client certificate. To see the revocation here, give the "
				      "CA's CRL with --crl FILE.");
	timeline_destroy(tl);
}

/* A revoked certificate the server accepted: ok first, the finding after it; a stale CRL is a warning. */
static void revoked_but_accepted(void **state)
{
	struct timeline *tl = with_preflight(CREDCHECK_REVOKED, REVOKED_TEXT "\nAsk the CA.");
	struct diag_finding d[4];

	(void)state;
	timeline_note_code(tl, TL_EV_DIAGNOSIS, TL_CLIENT, 0, "The CRL of 'CN=CA' in ca.crl is stale.\nFetch it.",
			   (int)CREDCHECK_CRL_STALE + 1);
	result(tl, true, TL_EXIT_OK);
	assert_int_equal(diagnose(tl, 0, TL_CLIENT, d, 4), 3);
	assert_string_equal(diag_code_name(d[0].code), "ok");
	assert_string_equal(diag_code_name(d[1].code), "client-cert-revoked");
	assert_string_equal(d[1].sentence, REVOKED_TEXT);
	assert_string_equal(diag_code_name(d[2].code), "crl-unusable");
	assert_true(diag_is_warning(d[2].code));
	assert_int_equal(diag_exit_code(d[2].code), TL_EXIT_OK);
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_for_no_local_reason),
		cmocka_unit_test(not_yet_valid_from_preflight),
		cmocka_unit_test(alert_lost_to_a_reset),
		cmocka_unit_test(refused_at_the_http_level),
		cmocka_unit_test(note_text_decides_nothing),
		cmocka_unit_test(version_mismatch_names_the_implementation),
		cmocka_unit_test(mismatch_from_the_fact_not_the_words),
		cmocka_unit_test(remote_alert_40_says_what_it_cannot_tell),
		cmocka_unit_test(not_tls_from_the_sniffer),
		cmocka_unit_test(causes_start_with_a_capital),
		cmocka_unit_test(names_and_exit_codes),
		cmocka_unit_test(revoked_preflight_is_primary),
		cmocka_unit_test(revoked_from_the_alert),
		cmocka_unit_test(revoked_but_accepted),
		cmocka_unit_test(late_request_never_ok),
		cmocka_unit_test(primary_local_finding),
		cmocka_unit_test(key_not_accepted_is_not_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
