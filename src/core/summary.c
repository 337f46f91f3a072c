/*
 * summary.c: what one connection negotiated, from its raw messages.
 */
#include "tlsladder/summary.h"
#include "tlsladder/names.h"
#include "tlsladder/peek.h"

#include <string.h>

/* Fills s for connection conn. */
bool summary_build(const struct timeline *tl, unsigned conn, struct summary *s)
{
	size_t first, end;
	bool any = false, saw_ske = false, saw_cert = false, saw_shd = false;
	uint8_t ch_sid[32];
	size_t ch_sid_len = 0;
	struct peek_server_hello sh;

	memset(s, 0, sizeof *s);
	memset(&sh, 0, sizeof sh);
	s->conn = conn;
	timeline_conn_range(tl, conn, &first, &end);
	for (size_t i = first; i < end; i++) {
		struct tl_event ev;

		if (!timeline_get(tl, i, &ev) || ev.conn != conn)
			continue;
		any = true;
		if (ev.kind != TL_EV_HANDSHAKE)
			continue;
		switch (ev.hs_type) {
		case 1:
			peek_client_hello_session_id(ev.body, ev.body_len, ch_sid, &ch_sid_len);
			break;
		case TL_HS_HELLO_RETRY_REQUEST:
			s->hrr = true;
			break;
		case 2:
			if (peek_server_hello(ev.body, ev.body_len, &sh)) {
				s->have_server_hello = true;
				s->version = sh.version;
				s->cipher_suite = sh.cipher_suite;
				s->psk = sh.psk;
				if (sh.group)
					s->group = sh.group;
			}
			break;
		case 11:
			if (ev.from == TL_SERVER) {
				saw_cert = true;
			} else {
				s->client_cert_msg = true;
				peek_certificate_count(ev.body, ev.body_len, s->version == 0x0304, &s->client_certs);
			}
			break;
		case 13:
			s->cert_requested = true;
			break;
		case 12: {
			unsigned g = 0, sig = 0;
			saw_ske = true;
			if (peek_ske_ecdhe(ev.body, ev.body_len, &g, &sig)) {
				s->group = g;
				s->sigscheme = sig;
			}
			if (s->version && s->version < 0x0303) {
				/* TLS 1.0/1.1: no algorithm field, the suite's key type fixes the signature */
				s->sigscheme = 0;
				s->legacy_sig = names_suite_auth(s->cipher_suite);
			}
			break;
		}
		case 14:
			saw_shd = true;
			break;
		case 15:
			if (ev.from == TL_SERVER)
				peek_cert_verify(ev.body, ev.body_len, &s->sigscheme);
			break;
		default:
			break;
		}
	}
	timeline_get_result(tl, TL_CLIENT, conn, &s->client);
	timeline_get_result(tl, TL_SERVER, conn, &s->server);

	if (s->version == 0x0304) {
		s->resumed = s->psk;
		bool ff = s->group >= 0x0100 && s->group <= 0x01ff;      /* finite-field groups */
		s->kx = s->psk ? (s->group ? (ff ? "PSK with DHE" : "PSK with ECDHE") : "PSK") : (ff ? "DHE" : "ECDHE");
	} else if (s->have_server_hello) {
		s->resumed = !saw_cert && sh.session_id_len > 0 &&
			     (sh.session_id_len == ch_sid_len && memcmp(sh.session_id, ch_sid, ch_sid_len) == 0);
		if (s->resumed)
			s->kx = "resumed (abbreviated handshake)";
		else if (!saw_ske && saw_cert && saw_shd)
			s->rsa_kx = true, s->kx = "RSA";
		else if (s->group)
			s->kx = "ECDHE";
		else if (saw_ske)
			s->kx = "DHE";
	}
	if (s->client.resumed || s->server.resumed)
		s->resumed = true;
	return any;
}
