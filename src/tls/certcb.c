/*
 * certcb.c: the client's certificate callback. It records what the server
 * asked for (the CA names of its CertificateRequest) and what is sent.
 * Unlike GnuTLS's own choice, it sends the configured chain even when its
 * issuer is not among the CAs the server listed, so that the server's
 * verdict becomes visible (unless withhold_unmatched). It also compares
 * the client's key with the signature schemes the server accepts: a key
 * that fits none is recorded as a typed fact, and the certificate is left
 * out, since the client could not sign its CertificateVerify: the server
 * judges the empty Certificate. (Left to itself, GnuTLS sends an empty
 * Certificate without a word over TLS 1.3, and over TLS 1.2 ends the
 * handshake itself with handshake_failure.)
 */
#include "conn.h"
#include "tls_internal.h"
#include "x509_internal.h"
#include "tlsladder/names.h"
#include "tlsladder/notes.h"
#include "tlsladder/peek.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <string.h>

/* The issuer of the top certificate of the configured chain, as text (for notes). */
static void chain_issuer_text(const struct endpoint *ep, char *buf, size_t n)
{
	size_t len = n;

	gnutls_datum_t dn = { NULL, 0 };

	(void)len;
	buf[0] = '\0';
	if (ep->npcerts == 0 || gnutls_x509_crt_get_issuer_dn3(ep->crts[ep->npcerts - 1], &dn, 0) < 0) {
		snprintf(buf, n, "(unknown)");
		return;
	}
	snprintf(buf, n, "%s", (const char *)dn.data);
	gnutls_free(dn.data);
}

/* True when some certificate of the chain was issued by (or is) one of the listed CAs. */
static bool chain_matches(const struct endpoint *ep, const gnutls_datum_t *cas, int ncas)
{
	for (unsigned k = 0; k < ep->npcerts; k++) {
		gnutls_datum_t issuer = { NULL, 0 }, subject = { NULL, 0 };
		bool hit = false;

		gnutls_x509_crt_get_raw_issuer_dn(ep->crts[k], &issuer);
		gnutls_x509_crt_get_raw_dn(ep->crts[k], &subject);
		for (int j = 0; j < ncas && !hit; j++)
			hit = (issuer.size == cas[j].size && memcmp(issuer.data, cas[j].data, issuer.size) == 0) ||
			      (subject.size == cas[j].size && memcmp(subject.data, cas[j].data, subject.size) == 0);
		gnutls_free(issuer.data);
		gnutls_free(subject.data);
		if (hit)
			return true;
	}
	return false;
}

#define MAX_SCHEMES 64

/* The signature schemes of the connection's last CertificateRequest (recorded by the hook before this
 * callback), into out; how many, -1 when there is none or it cannot be read. */
static int requested_schemes(const struct conn *c, bool tls13, unsigned *out, int max)
{
	size_t first, end;

	if (!timeline_conn_range(c->tl, c->conn, &first, &end))
		return -1;
	for (size_t i = end; i > first; i--) {
		struct tl_event ev;
		if (timeline_get(c->tl, i - 1, &ev) && ev.conn == c->conn && ev.kind == TL_EV_HANDSHAKE &&
		    ev.hs_type == WIRE_HS_CERTIFICATE_REQUEST && ev.from == TL_SERVER && !timeline_body_cut(&ev))
			return peek_cr_sigschemes(ev.body, ev.body_len, tls13, out, max);
	}
	return -1;
}

/* The schemes as "a, b, c" into buf. */
static void schemes_text(const unsigned *v, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used + 1 < len; i++) {
		const char *name = names_sigscheme(v[i]);
		int k = name ? snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name)
			     : snprintf(buf + used, len - used, "%s0x%04x", i ? ", " : "", v[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	if (used >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/*
 * Compares the leaf's key with the schemes the server accepts. When none
 * fits, records the fact and returns true: the certificate is left out.
 */
static bool key_not_accepted(struct conn *c, const struct endpoint *ep)
{
	unsigned schemes[MAX_SCHEMES], bits = 0;
	bool tls13 = gnutls_protocol_get_version(c->s) == GNUTLS_TLS1_3;
	enum tl_key_kind key = x509facts_key_kind(ep->crts[0], &bits);
	int n = requested_schemes(c, tls13, schemes, MAX_SCHEMES);
	char list[600], note[900];
	struct tl_note fact = { .code = TL_NOTE_CERT_KEY_NOT_ACCEPTED, .key_kind = key, .withheld = true };

	if (n <= 0 || key == TL_KEY_UNKNOWN)
		return false;
	for (int i = 0; i < n; i++)
		if (names_sigscheme_fits_key(schemes[i], key, tls13))
			return false;
	fact.count = (unsigned)n;
	schemes_text(schemes, n, list, sizeof list);
	timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, list, note, sizeof note), &fact);
	return true;
}

/*
 * The client's certificate callback: records what the server asked for and
 * what is sent; sends the configured chain even when its issuer is not
 * among the CAs the server listed, unless withhold_unmatched.
 */
int certcb_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		    unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
	struct conn *c = gnutls_session_get_ptr(s);
	struct endpoint *ep = c->ep;
	char issuer[512], note[900];

	(void)pk_algos;
	(void)pk_algos_length;
	*pcert_length = 0;
	*pcert = NULL;
	*privkey = NULL;
	if (ep->npcerts == 0 || key_not_accepted(c, ep))
		return 0;
	if (nreqs > 0 && !chain_matches(ep, req_ca_rdn, nreqs)) {
		struct tl_note fact = { .code = ep->cfg.withhold_unmatched ? TL_NOTE_CERT_WITHHELD : TL_NOTE_CERT_SENT_UNLISTED,
					.count = (unsigned)nreqs };
		chain_issuer_text(ep, issuer, sizeof issuer);
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, issuer, note, sizeof note), &fact);
		if (ep->cfg.withhold_unmatched)
			return 0;
	}
	*pcert = ep->pcerts;
	*pcert_length = ep->npcerts;
	*privkey = ep->privkey;
	return 0;
}
