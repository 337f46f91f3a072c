/*
 * certcb.c: the client's certificate callback. It records what the server
 * asked for (the CA names of its CertificateRequest) and what is sent.
 * Unlike GnuTLS's own choice, it sends the configured chain even when its
 * issuer is not among the CAs the server listed, so that the server's
 * verdict becomes visible (unless withhold_unmatched).
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/notes.h"

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
	if (ep->npcerts == 0)
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
