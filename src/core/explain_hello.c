/*
 * explain_hello.c: the paragraphs about the hellos (see explain.h):
 * ClientHello, ServerHello (TLS 1.2 and 1.3) and HelloRetryRequest.
 *
 * What a ClientHello offers (struct hello_offer) and what a ServerHello or
 * HelloRetryRequest answers (struct sh_facts) are read from the decoder's
 * tree of the body (explain_decoded); the ServerHello and the retry are
 * told against the offer they answer, the last ClientHello before them.
 */
#include "explain_internal.h"
#include "tlsladder/wire.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"

#include <stdbool.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>

#define MAX_SNI_SHOWN 64  /* longest host name copied into a paragraph */

/* What a ClientHello offers. */
struct hello_offer {
	unsigned legacy_version;
	unsigned nsuites;                   /* real suites: GREASE and signalling values left out */
	unsigned ngroups;
	unsigned groups[MAX_IDS];
	unsigned nshares;
	unsigned shares[MAX_IDS];
	unsigned nversions;                 /* supported_versions; 0 when absent */
	unsigned versions[MAX_IDS];
	const uint8_t *sni;                 /* host name, raw from the wire */
	size_t sni_len;
	bool psk;                           /* pre_shared_key: a TLS 1.3 ticket */
	bool ticket;                        /* a non-empty TLS 1.2 session_ticket */
	bool early;                         /* early_data: 0-RTT data follows */
};

/* Reads what a ClientHello offers. False when it is malformed. */
static bool hello_offer_read(const struct explain_ctx *c, const struct tl_event *ev, struct hello_offer *h)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, ev, &ok);
	const struct tree_node *n;
	unsigned v;

	memset(h, 0, sizeof *h);
	if (ok) {
		explain_node_u16(ev, tree_find(t, "legacy_version"), &h->legacy_version);
		n = tree_find(t, "cipher suites");
		for (const struct tree_node *k = n ? n->first : NULL; k; k = k->next)
			if (explain_node_u16(ev, k, &v) && !names_is_grease(v) && v != WIRE_SCSV_EMPTY_RENEGOTIATION_INFO &&
			    v != WIRE_SCSV_FALLBACK)
				h->nsuites++;   /* SCSVs are signals, not suites */
		explain_codes_of(ev, t, "extensions/supported_groups", h->groups, &h->ngroups);
		explain_codes_of(ev, t, "extensions/supported_versions", h->versions, &h->nversions);
		explain_codes_of(ev, t, "extensions/key_share", h->shares, &h->nshares);
		n = tree_find(t, "extensions/server_name/host_name");      /* type(1) length(2) name */
		if (n && n->len > 3 && n->off <= ev->body_len && ev->body_len - n->off >= n->len) {
			h->sni = ev->body + n->off + 3;
			h->sni_len = n->len - 3;
		}
		h->psk = tree_find(t, "extensions/pre_shared_key") != NULL;
		h->ticket = tree_find(t, "extensions/session_ticket/ticket") != NULL;
		h->early = tree_find(t, "extensions/early_data") != NULL;
	}
	tree_free(t);
	return ok;
}

/* What a ServerHello or HelloRetryRequest says. */
struct sh_facts {
	unsigned version;         /* supported_versions, else legacy_version */
	unsigned cipher_suite;
	unsigned group;           /* key_share (ServerHello) or selected_group (HelloRetryRequest); 0 none */
	bool psk;                 /* pre_shared_key accepted */
	bool cookie;              /* HelloRetryRequest: a cookie to echo */
};

/* Reads a ServerHello or HelloRetryRequest. False when it is malformed. */
static bool sh_read(const struct explain_ctx *c, struct sh_facts *f)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);
	const struct tree_node *g;

	memset(f, 0, sizeof *f);
	if (ok) {
		explain_node_u16(&c->ev, tree_find(t, "legacy_version"), &f->version);
		explain_node_u16(&c->ev, tree_find(t, "extensions/supported_versions/selected_version"), &f->version);
		explain_node_u16(&c->ev, tree_find(t, "cipher suite"), &f->cipher_suite);
		g = tree_find(t, "extensions/key_share/group");
		if (!g)
			g = tree_find(t, "extensions/key_share/selected_group");
		explain_node_u16(&c->ev, g, &f->group);
		f->psk = tree_find(t, "extensions/pre_shared_key") != NULL;
		f->cookie = tree_find(t, "extensions/cookie") != NULL;
	}
	tree_free(t);
	return ok;
}

/* The last handshake message of type (from side, or either when side < 0) in
 * this connection before event i. */
static bool find_before(const struct explain_ctx *c, unsigned type, int side, struct tl_event *out)
{
	size_t first, end;

	timeline_conn_range(c->tl, c->ev.conn, &first, &end);
	for (size_t k = c->i; k-- > first;) {
		if (!timeline_get(c->tl, k, out))
			continue;
		if (out->conn == c->ev.conn && out->kind == TL_EV_HANDSHAKE && out->hs_type == type &&
		    (side < 0 || (int)out->from == side))
			return true;
	}
	return false;
}

/* The offer of the ClientHello this event answers (the last one before it). */
static bool offer_before(const struct explain_ctx *c, struct hello_offer *h)
{
	struct tl_event ch;

	return find_before(c, WIRE_HS_CLIENT_HELLO, TL_CLIENT, &ch) && hello_offer_read(c, &ch, h);
}

/* Appends the client's offered versions ("TLS 1.3 and TLS 1.2", "only TLS 1.3"). */
static void out_versions(struct strbuf *o, const struct hello_offer *h)
{
	char tmp[24];
	unsigned shown = h->nversions < MAX_IDS ? h->nversions : MAX_IDS;

	if (shown == 0) {
		strbuf_printf(o, "protocol versions up to %s", explain_version_name(h->legacy_version, tmp, sizeof tmp));
		return;
	}
	strbuf_printf(o, "%s", shown == 1 ? "only " : "");
	explain_names(o, h->versions, shown, names_version);
}

/* ClientHello offering a ticket (psk: TLS 1.3 pre_shared_key): which one, and the ticket age it claims. */
static void client_resumes(struct strbuf *o, const struct explain_ctx *c, bool psk)
{
	const struct summary *s = &c->s;

	if (s->issuer_conn < 0 || !s->issuer_ticket) {
		strbuf_printf(o, psk ? " It also offers a session ticket from an earlier connection (pre_shared_key), "
				       "hoping to resume without a full handshake."
				     : " It also offers a session ticket from an earlier connection, hoping to resume "
				       "the session with a shorter handshake.");
		return;
	}
	strbuf_printf(o, " To resume, it offers the ticket of NewSessionTicket %u of connection %d (%s)",
		      s->issuer_ticket, s->issuer_conn + 1, psk ? "pre_shared_key" : "SessionTicket");
	if (s->ticket_age_known)
		strbuf_printf(o, ", aged %" PRIu32 " ms: obfuscated_ticket_age - ticket_age_add, mod 2^32 (%.1f ms on "
			      "the timeline; lifetime %" PRIu32 " s)", s->ticket_age_ms, (double)s->ticket_elapsed_us / 1000.0,
			      s->ticket_lifetime_s);
	strbuf_printf(o, ".");
}

/* ClientHello with early_data: 0-RTT data follows (its note explains the replay risk). */
static void client_early(struct strbuf *o, const struct explain_ctx *c)
{
	strbuf_printf(o, " With early_data, application data follows right behind it");
	if (c->s.early_sent_known && c->s.early_sent)
		strbuf_printf(o, " (%" PRIu64 " bytes)", c->s.early_sent);
	strbuf_printf(o, ", before any answer: 0-RTT, which a recorder can replay (see the note that follows).");
}

/* ClientHello. */
/*
 * A hello of a TLS 1.2 renegotiation (handshake 2 and later): what it is,
 * and its RFC 5746 renegotiation_info, with the verify_data it carries and
 * the summary's check of it against the previous handshake's Finished.
 * True when it said so (the paragraph that follows is the usual one).
 */
static bool reneg_hello(struct strbuf *o, const struct explain_ctx *c, bool lead)
{
	bool server = c->ev.hs_type == WIRE_HS_SERVER_HELLO, ok;
	enum summary_ri v = server ? c->s.reneg.server_ri : c->s.reneg.client_ri;
	struct tree_node *t;
	const struct tree_node *hex;

	if (c->ev.handshake < 2)
		return false;
	if (server)
		strbuf_printf(o, "%sThis ServerHello belongs to a renegotiation (handshake %u).", lead ? " " : "",
			      c->ev.handshake);
	else
		strbuf_printf(o, "%sThis ClientHello belongs to a renegotiation (handshake %u): a whole new handshake "
			      "inside the encrypted connection, %s.", lead ? " " : "", c->ev.handshake,
			      c->s.reneg.hello_request ? "answering the server's HelloRequest" : "started by the client");
	if (v == SUMMARY_RI_ABSENT) {
		strbuf_printf(o, " It carries no renegotiation_info (RFC 5746): nothing binds it to the handshake "
			      "before, which is what the 2009 prefix-injection attack (CVE-2009-3555) abused.%s",
			      lead ? "" : " ");
		return true;
	}
	t = explain_decoded(c, &c->ev, &ok);
	hex = tree_find(t, "extensions/renegotiation_info/renegotiated_connection/hex");
	strbuf_printf(o, " Its renegotiation_info (RFC 5746) repeats %s (%s): %s.",
		      server ? "both sides' verify_data from the previous Finished messages"
			     : "the client's verify_data from the previous handshake's Finished",
		      hex && hex->value ? hex->value : "?", v == SUMMARY_RI_MATCH ? "MATCH" : "MISMATCH, not those bytes");
	strbuf_printf(o, " This binds the new handshake to the old one%s.%s",
		      server ? "" : ", so a man in the middle cannot splice a handshake of its own in front of the "
				    "client's (CVE-2009-3555)", lead ? "" : " ");
	tree_free(t);
	return true;
}

void explain_hello_client(struct strbuf *o, const struct explain_ctx *c)
{
	struct hello_offer h;
	struct tl_event hrr;
	bool second = find_before(c, TL_HS_HELLO_RETRY_REQUEST, TL_SERVER, &hrr);
	bool ok = hello_offer_read(c, &c->ev, &h);
	unsigned shares = h.nshares < MAX_IDS ? h.nshares : MAX_IDS;

	reneg_hello(o, c, false);

	if (!ok) {
		strbuf_printf(o, "The client opens the handshake by listing what it can do: protocol versions, "
			      "cipher suites, key exchange groups and extensions; without this offer the server "
			      "could not choose how to protect the connection.");
		explain_unreadable(o, "ClientHello");
		return;
	}
	if (second && shares > 0) {
		strbuf_printf(o, "The client says hello a second time, answering the server's HelloRetryRequest: "
			      "it repeats its offer, but now with a key share for ");
		explain_names(o, h.shares, shares, names_group);
		strbuf_printf(o, ", as the server asked.");
	} else {
		strbuf_printf(o, "The client opens the handshake by listing what it can do; without this offer the "
			      "server could not choose a version, algorithms or keys.");
	}
	strbuf_printf(o, " It offers %u cipher suite%s", h.nsuites, h.nsuites == 1 ? "" : "s");
	if (h.ngroups > 0)
		strbuf_printf(o, ", %u group%s for the key exchange,", h.ngroups, h.ngroups == 1 ? "" : "s");
	strbuf_printf(o, " and ");
	out_versions(o, &h);
	strbuf_printf(o, ".");
	if (!second && shares > 0) {
		strbuf_printf(o, " It already sends a key share (its half of a Diffie-Hellman key exchange) for ");
		explain_names(o, h.shares, shares, names_group);
		strbuf_printf(o, ", so that a TLS 1.3 handshake can finish in one round trip.");
	}
	if (h.psk || h.ticket)
		client_resumes(o, c, h.psk);
	if (h.early)
		client_early(o, c);
	if (h.sni) {
		strbuf_printf(o, " It names the server it wants, \"");
		strbuf_raw(o, h.sni, h.sni_len < MAX_SNI_SHOWN ? h.sni_len : MAX_SNI_SHOWN);
		strbuf_printf(o, "%s\", in the SNI (server name indication) extension, so that one address can "
			      "host many sites.", h.sni_len > MAX_SNI_SHOWN ? "..." : "");
	}
}

/* ServerHello in TLS 1.3. */
static void server_hello13(struct strbuf *o, const struct explain_ctx *c, const struct sh_facts *sh)
{
	struct hello_offer h;
	bool offer = offer_before(c, &h);
	char t1[40], t2[40];
	const char *suite = explain_suite_name(sh->cipher_suite, t1, sizeof t1);
	const char *group = sh->group ? explain_group_name(sh->group, t2, sizeof t2) : NULL;

	if (sh->psk) {
		strbuf_printf(o, "The server accepts the session ticket the client offered, so this connection is "
			      "resumed: both sides start from the secret of the earlier session.");
		strbuf_printf(o, " It keeps TLS 1.3 and %s", suite);
		if (group)
			strbuf_printf(o, ", and picked %s for a fresh key exchange on top (PSK with ECDHE), so these "
				      "keys stay secret even if the ticket is stolen later.", group);
		else
			strbuf_printf(o, ", with no fresh key exchange (PSK only), so these keys depend on the ticket "
				      "alone.");
		strbuf_printf(o, " No Certificate or CertificateVerify follows: the server proved who it is in the "
			      "earlier connection, and the ticket is proof enough now.");
		strbuf_printf(o, " From the next message on, everything is encrypted.");
		return;
	}
	strbuf_printf(o, "The server picked %s", suite);
	if (offer)
		strbuf_printf(o, " from the %u suite%s the client offered", h.nsuites, h.nsuites == 1 ? "" : "s");
	if (group)
		strbuf_printf(o, ", and %s for the key exchange.", group);
	else
		strbuf_printf(o, ".");
	if (group)
		strbuf_printf(o, " It chose TLS 1.3 and sends its own %s key share: combined with the client's share, "
			      "it gives both sides the same secret, which never crosses the wire.", group);
	else
		strbuf_printf(o, " It chose TLS 1.3, but sends no key share of its own.");
	strbuf_printf(o, " From the next message on, everything is encrypted with keys derived from that secret, "
		      "which is how TLS 1.3 needs only one round trip.");
	strbuf_printf(o, " Without the ServerHello the client would not know which of its offers to use.");
}

/* ServerHello. */
void explain_hello_server(struct strbuf *o, const struct explain_ctx *c)
{
	struct sh_facts sh;
	struct hello_offer h;
	char t1[40], t2[24];
	const char *suite, *kx;

	if (!sh_read(c, &sh)) {
		strbuf_printf(o, "The server answers the ClientHello with its choices: the protocol version, one "
			      "cipher suite and, in TLS 1.3, its own key share.");
		explain_unreadable(o, "ServerHello");
		strbuf_printf(o, " Without it the client would not know which of its offers to use.");
		return;
	}
	if (sh.version == WIRE_TLS13) {
		server_hello13(o, c, &sh);
		return;
	}
	suite = explain_suite_name(sh.cipher_suite, t1, sizeof t1);
	if (c->s.resumed) {
		strbuf_printf(o, "The server echoes the session id the client offered, so it agrees to resume an "
			      "earlier session, with %s and %s.", explain_version_name(sh.version, t2, sizeof t2), suite);
		strbuf_printf(o, " No certificate or key exchange follows: both sides reuse the earlier master "
			      "secret and go straight to ChangeCipherSpec and Finished, saving a round trip.");
		return;
	}
	strbuf_printf(o, "The server chose %s and picked %s", explain_version_name(sh.version, t2, sizeof t2), suite);
	if (offer_before(c, &h))
		strbuf_printf(o, " from the %u suite%s the client offered", h.nsuites, h.nsuites == 1 ? "" : "s");
	strbuf_printf(o, ".");
	kx = c->s.kx == SUMMARY_KX_RSA || c->s.kx == SUMMARY_KX_ECDHE || c->s.kx == SUMMARY_KX_DHE
		     ? summary_kx_name(c->s.kx) : NULL;
	if (c->s.kx == SUMMARY_KX_RSA)
		strbuf_printf(o, " This suite uses RSA key exchange: the client will encrypt a secret with the public "
			      "key in the server's certificate.");
	else if (kx)
		strbuf_printf(o, " This suite uses %s key exchange: the server will send signed one-time key "
			      "parameters in a ServerKeyExchange.", kx);
	if (reneg_hello(o, c, true)) {
		strbuf_printf(o, " In a renegotiation the whole handshake travels encrypted under the previous "
			      "handshake's keys, so an observer cannot read the certificates.");
		return;
	}
	strbuf_printf(o, " In TLS 1.2 the handshake stays in the clear until ChangeCipherSpec, so an observer "
		      "can read the certificate that comes next.");
	strbuf_printf(o, " Without the ServerHello the client would not know which of its offers to use.");
}

/* HelloRetryRequest. */
void explain_hello_retry(struct strbuf *o, const struct explain_ctx *c)
{
	struct sh_facts sh;
	struct hello_offer h;
	bool offer = offer_before(c, &h);
	unsigned shares = offer ? (h.nshares < MAX_IDS ? h.nshares : MAX_IDS) : 0;
	char t1[40], t2[40];
	const char *group;
	bool ok = sh_read(c, &sh);

	if (!ok || !sh.group) {
		strbuf_printf(o, "The server cannot go on with the client's first hello, so instead of a ServerHello "
			      "it sends a HelloRetryRequest, usually asking for a key share in another group.");
		if (!ok)
			explain_unreadable(o, "HelloRetryRequest");
		strbuf_printf(o, " The client must say hello again, which costs one extra round trip.");
		return;
	}
	group = explain_group_name(sh.group, t2, sizeof t2);
	strbuf_printf(o, "The server cannot use the key share%s in the client's first hello", shares > 1 ? "s" : "");
	if (shares > 0) {
		strbuf_printf(o, " (");
		explain_names(o, h.shares, shares, names_group);
		strbuf_printf(o, ")");
	}
	strbuf_printf(o, ", so instead of a ServerHello it sends a HelloRetryRequest asking for a key share in %s.",
		      group);
	if (offer && explain_list_has(h.groups, h.ngroups, sh.group))
		strbuf_printf(o, " The client did list %s among its %u groups, but sent no key share for it.", group,
			      h.ngroups);
	strbuf_printf(o, " The server has already settled on TLS 1.3 and %s.",
		      explain_suite_name(sh.cipher_suite, t1, sizeof t1));
	strbuf_printf(o, " The client must send a second ClientHello with a %s key share, which costs one extra "
		      "round trip; without this retry the two sides would have no key share in common and the "
		      "handshake would fail.", group);
	if (sh.cookie)
		strbuf_printf(o, " It also carries a cookie the client must echo, so the server need not remember "
			      "this attempt.");
}
