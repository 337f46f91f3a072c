/*
 * peercheck.c: the peer's certificate chain, judged when the connection
 * settles with the trust list, host name and purpose the handshake's own
 * check used; the verdict and the chain are stored in the timeline.
 */
#include "conn.h"
#include "tls_internal.h"
#include "x509_internal.h"
#include "tlsladder/chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The trust store of an endpoint in words: where its credentials' anchors came from. */
static void store_words(const struct endpoint *ep, char *buf, size_t n)
{
	size_t used;

	buf[0] = '\0';
	if (ep->cfg.ca_file)
		snprintf(buf, n, "CA file %s", ep->cfg.ca_file);
	used = strlen(buf);
	if (ep->cfg.ca_path && used + 1 < n)
		snprintf(buf + used, n - used, "%sCA directory %s", used ? " and " : "", ep->cfg.ca_path);
	used = strlen(buf);
	if (ep->cfg.system_trust && used + 1 < n)
		snprintf(buf + used, n - used, "%sthe system trust store", used ? " and " : "");
}

/*
 * Judges the peer's chain link by link with the trust list, host name and
 * purpose the handshake's check used, its GnuTLS result being the verdict;
 * stores it in the timeline and writes its verdict line into r->verify.
 */
static void judge_chain(struct conn *c, int rc, unsigned status, struct tl_result *r)
{
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->s, &n);
	struct chain_result *ch = malloc(sizeof *ch);
	struct x509view_lib lib = { rc, status };
	struct x509view_judge_in in;
	char store[512];

	if (!ch) {
		snprintf(r->verify, sizeof r->verify, "NOT verified: out of memory");
		return;
	}
	memset(&in, 0, sizeof in);
	gnutls_certificate_get_trust_list(c->ep->cred, &in.list);     /* the list the handshake's check used */
	store_words(c->ep, store, sizeof store);
	in.store = store;
	in.judge = c->self;
	in.hostname = c->self == TL_CLIENT ? c->ep->cfg.server_name : NULL;
	in.peer_is_server = c->self == TL_CLIENT;
	in.now = time(NULL);
	in.lib = &lib;
	x509view_judge(ch, peers, peers ? n : 0, &in);
	r->verified = ch->verdict == CHAIN_TRUSTED;
	chain_words(ch, r->verify, sizeof r->verify);
	timeline_set_chain(c->tl, c->self, c->conn, ch);
	free(ch);
}

/* GnuTLS's verification status as the model's flags (TL_VERIFY_OTHER for a reason not named here). */
static unsigned status_flags(unsigned status)
{
	static const struct {
		unsigned status, flag;
	} map[] = {
		{ GNUTLS_CERT_SIGNER_NOT_FOUND, TL_VERIFY_UNKNOWN_ISSUER }, { GNUTLS_CERT_EXPIRED, TL_VERIFY_EXPIRED },
		{ GNUTLS_CERT_NOT_ACTIVATED, TL_VERIFY_NOT_ACTIVATED },     { GNUTLS_CERT_UNEXPECTED_OWNER, TL_VERIFY_NAME_MISMATCH },
		{ GNUTLS_CERT_SIGNATURE_FAILURE, TL_VERIFY_BAD_SIGNATURE }, { GNUTLS_CERT_PURPOSE_MISMATCH, TL_VERIFY_WRONG_PURPOSE },
		{ GNUTLS_CERT_REVOKED, TL_VERIFY_REVOKED },
	};
	unsigned flags = 0;

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (status & map[i].status)
			flags |= map[i].flag;
	if (status && !flags)
		flags = TL_VERIFY_OTHER;
	return flags;
}

/* Checks the peer's certificate chain and describes the result. */
void peercheck_run(struct conn *c, struct tl_result *r)
{
	unsigned status = 0;
	unsigned n = 0;
	const char *host = c->self == TL_CLIENT ? c->ep->cfg.server_name : NULL;
	int rc;

	if (gnutls_session_is_resumed(c->s)) {
		snprintf(r->verify, sizeof r->verify,
			 "not sent: the session was resumed (no certificate in this connection)");
		return;
	}
	if (!gnutls_certificate_get_peers(c->s, &n) || n == 0) {
		r->peer_sent_cert = false;
		if (c->self == TL_CLIENT && !r->handshake_ok) {
			snprintf(r->verify, sizeof r->verify, "not checked: the handshake ended before the server's certificate");
		} else if (c->self == TL_CLIENT) {
			r->verify_done = true;
			snprintf(r->verify, sizeof r->verify, "NOT verified: the server sent no certificate");
		} else if (c->ep->cfg.client_auth != TL_AUTH_NONE) {
			snprintf(r->verify, sizeof r->verify, "the client sent no certificate");
		}
		return;
	}
	r->peer_sent_cert = true;
	r->verify_done = true;
	{
		/* the same checks the handshake makes: the name (client side) and the purpose of the certificate */
		gnutls_typed_vdata_st data[2];
		unsigned k = 0;
		if (host) {
			data[k].type = GNUTLS_DT_DNS_HOSTNAME;
			data[k].data = tls_datum_bytes(host);
			data[k++].size = 0;
		}
		data[k].type = GNUTLS_DT_KEY_PURPOSE_OID;
		data[k].data = (unsigned char *)(c->self == TL_CLIENT ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT);
		data[k++].size = 0;
		/* the links this check finds clean need no second signature check in judge_chain */
		x509chain_links_begin();
		gnutls_session_set_verify_output_function(c->s, x509chain_gnutls_link);
		rc = gnutls_certificate_verify_peers(c->s, data, k, &status);
		gnutls_session_set_verify_output_function(c->s, NULL);
	}
	r->peer_chain_len = n;
	if (rc < 0) {
		judge_chain(c, rc, status, r);
		x509chain_links_end();
		return;
	}
	r->verify_flags = status_flags(status);
	if ((status & GNUTLS_CERT_SIGNER_NOT_FOUND) && n == 1) {
		const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->s, &n);
		gnutls_x509_crt_t crt;
		if (peers && gnutls_x509_crt_init(&crt) == 0) {
			if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0 &&
			    gnutls_x509_crt_check_issuer(crt, crt))
				r->verify_flags |= TL_VERIFY_SELF_SIGNED;
			gnutls_x509_crt_deinit(crt);
		}
		n = 1;
	}
	judge_chain(c, rc, status, r);
	x509chain_links_end();
}
