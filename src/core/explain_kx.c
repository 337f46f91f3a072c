/*
 * explain_kx.c: the paragraphs about the TLS 1.2 key exchange (see
 * explain.h): ServerKeyExchange (ECDHE or DHE), ServerHelloDone, which
 * ends the server's flight, and ClientKeyExchange (RSA, ECDHE or DHE).
 *
 * Sizes and the group are read from the decoder's tree of the body; the
 * kind of key exchange and whether the extended master secret was used
 * come from the connection's summary (summary_build).
 */
#include "explain_internal.h"
#include "tlsladder/wire.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"

#include <stdbool.h>
#include <string.h>

/* What a TLS 1.2 ServerKeyExchange carries. */
struct ske {
	bool ecdhe;
	unsigned group;
	size_t pub_len;      /* public value (ECDHE) */
	size_t prime_bits;   /* DHE prime size */
	unsigned sigscheme;
};

/* Reads a ServerKeyExchange, ECDHE or DHE form. False when malformed. */
static bool ske_read(const struct explain_ctx *c, struct ske *k)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);

	memset(k, 0, sizeof *k);
	if (ok) {
		k->ecdhe = explain_node_u16(&c->ev, tree_find(t, "named_group"), &k->group);
		k->pub_len = explain_vec_len(tree_find(t, "public key"), 1);
		k->prime_bits = explain_vec_len(tree_find(t, "dh_p"), 2) * 8;
		explain_node_u16(&c->ev, tree_find(t, "signature algorithm"), &k->sigscheme);
		ok = k->ecdhe ? k->pub_len > 0 : k->prime_bits > 0;
	}
	tree_free(t);
	return ok;
}

/* ServerKeyExchange. */
void explain_kx_server(struct strbuf *o, const struct explain_ctx *c)
{
	struct ske k;
	char t1[40], t2[48];

	if (!ske_read(c, &k)) {
		strbuf_printf(o, "The server sends its one-time (ephemeral) key exchange parameters, signed with its "
			      "certificate's private key so the client knows they come from the certificate's "
			      "owner.");
		explain_unreadable(o, "ServerKeyExchange");
	} else {
		if (k.ecdhe)
			strbuf_printf(o, "The server sends a fresh %s public key, %zu bytes, made for this connection "
				      "only, and signs it", explain_group_name(k.group, t1, sizeof t1), k.pub_len);
		else
			strbuf_printf(o, "The server sends fresh Diffie-Hellman parameters for this connection only "
				      "(a %zu-bit prime and its public value), and signs them",
				      c->s.dh_bits ? (size_t)c->s.dh_bits : k.prime_bits);
		if (c->s.legacy_sig != NAMES_AUTH_NONE)
			/* TLS 1.0/1.1: no algorithm field; the key type fixes the signature */
			strbuf_printf(o, " together with both hello randoms using its certificate's private key (%s; "
				      "TLS 1.0 and 1.1 negotiate no signature algorithm).",
				      c->s.legacy_sig == NAMES_AUTH_RSA   ? "RSA over MD5 and SHA-1"
				      : c->s.legacy_sig == NAMES_AUTH_DSA ? "DSA over SHA-1"
									  : "ECDSA over SHA-1");
		else
			strbuf_printf(o, " together with both hello randoms using its certificate's private key (%s).",
				      explain_sig_name(k.sigscheme, t2, sizeof t2));
		if (explain_cert_sig_verdict(c) == CERTVERIFY_MISMATCH)
			explain_cert_sig_mismatch(o, "server");
		else
			strbuf_printf(o, " The signature proves the key comes from the certificate's owner, not from an "
				      "attacker in the middle.");
		if (explain_cert_sig_verdict(c) == CERTVERIFY_MATCH)
			strbuf_printf(o, " Checked here: the signature verifies with the public key of the server's "
				      "certificate (MATCH).");
	}
	strbuf_printf(o, " The client answers with its own public value; each side combines the two into the "
		      "same premaster secret, which never crosses the wire.");
	strbuf_printf(o, " Because both key pairs are thrown away after the handshake, recorded traffic stays safe "
		      "even if the server's long-term key leaks later (forward secrecy).");
}

/* ServerHelloDone. */
void explain_kx_server_done(struct strbuf *o, const struct explain_ctx *c)
{
	unsigned ids[MAX_IDS], count = 0;
	bool cr = false;

	size_t first, end;

	timeline_conn_range(c->tl, c->ev.conn, &first, &end);
	for (size_t k = first; k < c->i; k++) {
		struct tl_event e;

		if (!timeline_get(c->tl, k, &e) || e.conn != c->ev.conn || e.kind != TL_EV_HANDSHAKE ||
		    e.from != TL_SERVER)
			continue;
		if (e.hs_type == WIRE_HS_SERVER_HELLO)
			count = 0;                 /* the flight starts at ServerHello */
		if (e.hs_type == WIRE_HS_CERTIFICATE_REQUEST)
			cr = true;
		explain_list_add(ids, &count, e.hs_type);
	}
	strbuf_printf(o, "An empty message that says the server has finished its first flight");
	if (count > 0 && count <= MAX_IDS) {
		strbuf_printf(o, " (");
		explain_names(o, ids, count, names_handshake);
		strbuf_printf(o, ")");
	}
	strbuf_printf(o, " and now waits for the client.");
	if (c->ev.body_total > 0)
		strbuf_printf(o, " This one unexpectedly carries %zu bytes.", c->ev.body_total);
	strbuf_printf(o, " In TLS 1.2 this ends the first round trip: the client answers with %s, "
		      "ChangeCipherSpec and Finished.",
		      cr ? "its Certificate, ClientKeyExchange, CertificateVerify" : "its ClientKeyExchange");
	strbuf_printf(o, " Without it the client could not tell whether more server messages were still "
		      "coming.");
}

/* ClientKeyExchange. */
void explain_kx_client(struct strbuf *o, const struct explain_ctx *c)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);
	size_t rsa = explain_vec_len(tree_find(t, "encrypted premaster secret"), 2);
	size_t pub = c->s.kx == SUMMARY_KX_ECDHE ? explain_vec_len(tree_find(t, "public key"), 1)
		   : c->s.kx == SUMMARY_KX_DHE ? explain_vec_len(tree_find(t, "dh_Yc (public key)"), 2) : 0;
	char t1[40];

	tree_free(t);
	if (ok && c->s.kx == SUMMARY_KX_RSA && rsa > 0) {
		strbuf_printf(o, "The client made up a random 48-byte premaster secret and sends it encrypted with "
			      "the RSA public key from the server's certificate: %zu bytes of ciphertext, so a "
			      "%zu-bit key.", rsa, rsa * 8);
		if (c->s.ems)
			strbuf_printf(o, " Only the server's private key can open it. With the extended master secret "
				      "(RFC 7627) the master secret comes from it and the session hash (a hash of the "
				      "handshake up to this message), the session keys from the master secret and the "
				      "randoms; a matching Finished shows the server opened it.");
		else
			strbuf_printf(o, " Only the server's private key can open it; the master secret comes from it and "
				      "the two hello randoms, the session keys from the master secret; a matching Finished "
				      "shows the server opened it.");
		strbuf_printf(o, " There is no forward secrecy: anyone who records this connection and later obtains "
			      "the server's private key can decrypt all of it, which is why TLS 1.3 dropped RSA key "
			      "exchange.");
		return;
	}
	if (ok && pub > 0) {
		if (c->s.kx == SUMMARY_KX_ECDHE && c->s.group)
			strbuf_printf(o, "The client sends its own fresh %s public key (%zu bytes), its half of the "
				      "ECDHE key exchange.", explain_group_name(c->s.group, t1, sizeof t1), pub);
		else
			strbuf_printf(o, "The client sends its own fresh %s public value (%zu bytes), its half of the "
				      "key exchange.", summary_kx_name(c->s.kx), pub);
		strbuf_printf(o, " Combining it with the server's public value from ServerKeyExchange, both sides "
			      "compute the same premaster secret, which never crosses the wire; %s",
			      c->s.ems ? "with the extended master secret (RFC 7627) the master secret is derived from it "
				         "and the session hash (the handshake up to and including this message), and the "
				         "session keys from the master secret and the two hello randoms."
				       : "the master secret is derived from it and the two hello randoms, and the session "
				         "keys from the master secret.");
		strbuf_printf(o, " Both key pairs are thrown away after the handshake, which gives forward secrecy: "
			      "a later leak of the server's certificate key does not expose this connection.");
		return;
	}
	strbuf_printf(o, "The client sends its part of the key exchange: either a secret encrypted to the "
		      "server's RSA key (RSA key exchange, no forward secrecy) or its own one-time Diffie-Hellman "
		      "public value (ECDHE or DHE).");
	explain_unreadable(o, "ClientKeyExchange");
	strbuf_printf(o, " Without it the two sides would have no shared secret to derive keys from.");
}
