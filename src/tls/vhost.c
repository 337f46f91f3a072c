/*
 * vhost.c: serve as a virtual-hosting server does. With several
 * --cert/--key pairs the certificate is chosen by the client's SNI: the
 * first pair whose leaf's names (SAN DNS names, wildcards included, as
 * gnutls_x509_crt_check_hostname2 matches them) hold the name, else the
 * first pair. Each pair is loaded into credentials of its own (with the
 * same trust for client certificates), and the session is handed the
 * chosen ones once the ClientHello is read. A note on the ladder says
 * which certificate and why. With --alpn the server accepts those
 * application protocols in its own order of preference; a client that
 * offers none of them goes on without ALPN (as nginx and openssl s_server
 * do), and a note says what it offered.
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/notes.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <string.h>

/* The leaf certificate of the first chain in cred, into *out; false when there is none. */
static bool leaf_of(gnutls_certificate_credentials_t cred, gnutls_x509_crt_t *out)
{
	gnutls_datum_t der = { NULL, 0 };

	*out = NULL;
	if (gnutls_certificate_get_crt_raw(cred, 0, 0, &der) < 0 || gnutls_x509_crt_init(out) < 0)
		return false;
	if (gnutls_x509_crt_import(*out, &der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(*out);
		*out = NULL;
		return false;
	}
	return true;
}

/* Server: loads the more_cert/more_key pairs, each with the endpoint's trust; -1 with err. */
int vhost_load(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;

	if (cfg->alpn && endpoint_set_alpn(NULL, cfg->alpn, 0) < 0)
		return tl_error_set(err, TL_EXIT_USAGE, "the ALPN list \"%s\" is not valid", cfg->alpn);
	ep->nvhost = 1 + (cfg->nmore < SESSION_MAX_CERT_PAIRS ? cfg->nmore : SESSION_MAX_CERT_PAIRS - 1);
	for (unsigned i = 1; i < ep->nvhost; i++) {
		struct session_config one = *cfg;

		one.cert_file = cfg->more_cert[i - 1];
		one.key_file = cfg->more_key[i - 1];
		one.p12_file = NULL;
		one.nmore = 0;
		one.alpn = NULL;
		one.tickets = false;
		if (!(ep->vhost[i] = endpoint_new(&one, err)))
			return -1;
	}
	for (unsigned i = 0; ep->nvhost > 1 && i < ep->nvhost; i++)
		if (!leaf_of(i ? ep->vhost[i]->cred : ep->cred, &ep->vhost_leaf[i]))
			return tl_error_set(err, TL_EXIT_FILES, "%s: its certificate could not be read back",
					    i ? cfg->more_cert[i - 1] : cfg->cert_file ? cfg->cert_file : "the first pair");
	return 0;
}

/* Frees what vhost_load made. */
void vhost_free(struct endpoint *ep)
{
	for (unsigned i = 0; i < SESSION_MAX_CERT_PAIRS; i++) {
		if (i > 0)
			endpoint_free(ep->vhost[i]);
		if (ep->vhost_leaf[i])
			gnutls_x509_crt_deinit(ep->vhost_leaf[i]);
		ep->vhost[i] = NULL;
		ep->vhost_leaf[i] = NULL;
	}
}

/* Records which certificate was chosen and why (once a connection). */
static void note_pick(struct conn *c, const char *name, unsigned idx, enum tl_cert_pick pick)
{
	struct tl_note fact = { .code = TL_NOTE_CERT_CHOSEN, .count = idx + 1, .pick = pick };
	gnutls_datum_t dn = { NULL, 0 };
	char text[800], note[800];
	const char *subject;

	if (!c->capture || c->vhost_noted)
		return;
	c->vhost_noted = true;
	gnutls_x509_crt_get_dn3(c->ep->vhost_leaf[idx], &dn, 0);
	subject = dn.data ? (const char *)dn.data : "no subject";
	if (pick == TL_PICK_MATCHED)
		snprintf(text, sizeof text, "SNI %s matched certificate %u (%s)", name, idx + 1, subject);
	else if (pick == TL_PICK_NO_MATCH)
		snprintf(text, sizeof text, "SNI %s matched none of the %u certificates: the first one (%s)", name,
			 c->ep->nvhost, subject);
	else
		snprintf(text, sizeof text, "no SNI: the first certificate (%s)", subject);
	gnutls_free(dn.data);
	timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, text, note, sizeof note), &fact);
}

/* After the ClientHello: the credentials of the certificate for the client's server name. */
static int pick_by_sni(gnutls_session_t s)
{
	struct conn *c = gnutls_session_get_ptr(s);
	struct endpoint *ep = c->ep;
	char name[256];
	size_t len = sizeof name;
	unsigned type = 0, idx = 0;
	enum tl_cert_pick pick = TL_PICK_NO_SNI;

	if (gnutls_server_name_get(s, name, &len, &type, 0) == 0 && type == GNUTLS_NAME_DNS && len < sizeof name) {
		name[len] = '\0';
		pick = TL_PICK_NO_MATCH;
		for (unsigned i = 0; i < ep->nvhost; i++) {
			if (gnutls_x509_crt_check_hostname2(ep->vhost_leaf[i], name, 0)) {
				idx = i;
				pick = TL_PICK_MATCHED;
				break;
			}
		}
	}
	if (gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, idx ? ep->vhost[idx]->cred : ep->cred) < 0)
		return GNUTLS_E_INTERNAL_ERROR;
	note_pick(c, pick == TL_PICK_NO_SNI ? "" : name, idx, pick);
	return 0;
}

/* Server: sets ALPN (the server's preference) and the certificate choice by SNI on a new session. */
int vhost_setup(struct conn *c, struct tl_error *err)
{
	struct endpoint *ep = c->ep;

	if (ep->cfg.alpn && endpoint_set_alpn(c->s, ep->cfg.alpn, GNUTLS_ALPN_SERVER_PRECEDENCE) < 0)
		return tl_error_set(err, TL_EXIT_USAGE, "the ALPN list \"%s\" is not valid", ep->cfg.alpn);
	if (ep->nvhost > 1)
		gnutls_handshake_set_post_client_hello_function(c->s, pick_by_sni);
	return 0;
}

/* The protocols an ALPN extension body lists, comma-separated, into the buffer at ctx. */
struct offered {
	bool seen;
	char list[300];
};

/* gnutls_ext_raw_parse's callback: takes the ALPN extension's protocol names. */
static int alpn_offered(void *ctx, unsigned tls_id, const unsigned char *data, unsigned size)
{
	struct offered *o = ctx;
	size_t used = 0;

	if (tls_id != WIRE_EXT_ALPN || size < 2)
		return 0;
	o->seen = true;
	for (unsigned at = 2; at < size && data[at] > 0 && at + 1u + data[at] <= size; at += 1u + data[at]) {
		int k = snprintf(o->list + used, sizeof o->list - used, "%s%.*s", used ? "," : "", (int)data[at],
				 (const char *)data + at + 1);
		if (k < 0 || (size_t)k >= sizeof o->list - used)
			break;
		used += (size_t)k;
	}
	return 0;
}

/* What the client's (last) ClientHello of this connection offered by ALPN. */
static void client_offer(const struct conn *c, struct offered *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = timeline_count(c->tl); i-- > 0;) {
		struct tl_event ev;
		if (!timeline_get(c->tl, i, &ev) || ev.conn != c->conn || ev.kind != TL_EV_HANDSHAKE ||
		    ev.hs_type != WIRE_HS_CLIENT_HELLO || ev.from != TL_CLIENT)
			continue;
		gnutls_datum_t body = { (unsigned char *)(uintptr_t)ev.body, (unsigned)ev.body_len };
		gnutls_ext_raw_parse(o, alpn_offered, &body, GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO);
		return;
	}
}

/* Server, the handshake done: a note when ALPN was asked for and none was agreed. */
void vhost_after_handshake(struct conn *c)
{
	struct tl_note fact = { .code = TL_NOTE_ALPN_NONE };
	gnutls_datum_t proto;
	struct offered o;
	char text[800], note[800];

	if (!c->ep->cfg.alpn || !c->capture || gnutls_alpn_get_selected_protocol(c->s, &proto) == 0)
		return;
	client_offer(c, &o);
	if (!o.seen)
		snprintf(text, sizeof text, "the client offered no ALPN: no application protocol agreed (this server "
			 "accepts %s)", c->ep->cfg.alpn);
	else
		snprintf(text, sizeof text, "the client offered ALPN %s, none of this server's (%s): it went on without "
			 "ALPN, as nginx and openssl s_server do", o.list, c->ep->cfg.alpn);
	timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, text, note, sizeof note), &fact);
}
