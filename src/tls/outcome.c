/*
 * outcome.c: how a side's connection ended. What was negotiated; why a
 * handshake failed (not TLS, timeout, the peer's alert, a reset, no
 * version or cipher suite in common, ...), as a typed fact (tl_note) with
 * its sentence and exit code; the exit code of a finished side.
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/names.h"
#include "tlsladder/notes.h"
#include "tlsladder/sniff.h"
#include "tlsladder/wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Fills in what was negotiated. */
void outcome_describe(struct conn *c, struct tl_result *r)
{
	const char *s;

	r->version = c->version;
	if ((s = gnutls_ciphersuite_get(c->s)))
		snprintf(r->cipher_suite, sizeof r->cipher_suite, "%s", s);
	if ((s = gnutls_group_get_name(gnutls_group_get(c->s))))
		snprintf(r->group, sizeof r->group, "%s", s);
	if ((s = gnutls_sign_get_name(gnutls_sign_algorithm_get(c->s))))
		snprintf(r->sigscheme, sizeof r->sigscheme, "%s", s);
	r->resumed = gnutls_session_is_resumed(c->s) != 0;
	{
		gnutls_datum_t proto = { NULL, 0 };
		if (gnutls_alpn_get_selected_protocol(c->s, &proto) == 0 && proto.size < sizeof r->alpn) {
			memcpy(r->alpn, proto.data, proto.size);
			r->alpn[proto.size] = '\0';
		}
	}
}

/* The wire value of a GnuTLS protocol. */
static unsigned protocol_wire(unsigned p)
{
	switch (p) {
	case GNUTLS_TLS1_0: return WIRE_TLS10;
	case GNUTLS_TLS1_1: return WIRE_TLS11;
	case GNUTLS_TLS1_2: return WIRE_TLS12;
	case GNUTLS_TLS1_3: return WIRE_TLS13;
	default: return 0;
	}
}

/* True when a version the client offered is enabled on this side. */
static bool versions_overlap(const struct conn *c)
{
	const unsigned *list;
	int k = gnutls_priority_protocol_list(c->ep->prio, &list);

	for (int i = 0; i < k; i++)
		for (int j = 0; j < c->noffered; j++)
			if (protocol_wire(list[i]) == c->offered[j])
				return true;
	return k <= 0;      /* unknown: assume they overlap */
}

/* "TLS 1.2 and TLS 1.3" into buf. */
static void versions_text(const unsigned *v, int n, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used + 16 < size; i++) {
		const char *name = names_version(v[i]);
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ",
					 name ? name : "?");
	}
}

/* Reads the rest of a non-TLS answer's first line (bounded: 10 reads, 300 ms), for the sniffer. */
void outcome_sniff_more(struct conn *c)
{
	int64_t end = timeline_now(c->tl) + 300000;

	if (c->fd < 0 || c->first_in_len == 0 || !sniff_wants_more(c->first_in, c->first_in_len))
		return;
	for (int rounds = 0; rounds < 10 && c->first_in_len < sizeof c->first_in; rounds++) {
		struct pollfd pf = { .fd = c->fd, .events = POLLIN };
		int left = (int)((end - timeline_now(c->tl)) / 1000);
		ssize_t n = (ssize_t)transport_take_buffered(c, c->first_in + c->first_in_len,
							     sizeof c->first_in - c->first_in_len);

		/* what was read ahead first, then the socket */
		if (n == 0 && (left <= 0 || poll(&pf, 1, left) <= 0))
			return;
		if (n == 0)
			n = recv(c->fd, c->first_in + c->first_in_len, sizeof c->first_in - c->first_in_len, MSG_DONTWAIT);
		if (n <= 0)
			return;
		if (c->capture)
			timeline_wire_add(c->tl, c->conn, c->peer, false, c->first_in + c->first_in_len, (size_t)n);
		c->first_in_len += (unsigned)n;
		if (!sniff_wants_more(c->first_in, c->first_in_len))
			return;
	}
}

/* The failure when the peer's first bytes are not TLS; false when they are TLS (or nothing came). */
static bool classify_not_tls(const struct conn *c, char *out, size_t n, struct tl_note *fact)
{
	struct sniff_result r = sniff_bytes(c->first_in, c->first_in_len);

	if (r.kind == SNIFF_NONE || r.kind == SNIFF_TLS)
		return false;
	fact->fail = TL_FAIL_NOT_TLS;
	fact->spoke = r;
	sniff_describe(&r, c->self == TL_CLIENT ? "server" : "client", out, n);
	return true;
}

/* The failure a fatal alert from the peer reports. */
static int classify_alert(const struct conn *c, int desc, const char *peer, char *out, size_t n, struct tl_note *fact)
{
	bool before_hello = c->version == 0;

	fact->alert = (unsigned)desc;
	if (desc == WIRE_ALERT_PROTOCOL_VERSION) {
		fact->fail = TL_FAIL_VERSION;
		snprintf(out, n, "the %s accepts none of the TLS versions offered (%s)", peer, tls_alert_words(desc));
		return TL_EXIT_MISMATCH;
	}
	if ((desc == WIRE_ALERT_HANDSHAKE_FAILURE || desc == WIRE_ALERT_INSUFFICIENT_SECURITY) && before_hello &&
	    c->self == TL_CLIENT) {
		fact->fail = TL_FAIL_NOTHING_IN_COMMON;
		snprintf(out, n, "the server found nothing in common with the offer, without saying what: a TLS version, "
				 "cipher suite, group or signature algorithm (%s)", tls_alert_words(desc));
		return TL_EXIT_MISMATCH;
	}
	fact->fail = TL_FAIL_OTHER;
	snprintf(out, n, "the %s ended the handshake with %s", peer, tls_alert_words(desc));
	return TL_EXIT_REJECTED;
}

/* Server: no version in common with what the client offered, in words. */
static void versions_failure(const struct conn *c, char *out, size_t n)
{
	char offered[64] = "", accepted[64] = "";
	const unsigned *list;
	int k = gnutls_priority_protocol_list(c->ep->prio, &list);
	unsigned wire[16];
	int m = 0;

	versions_text(c->offered, c->noffered, offered, sizeof offered);
	for (int i = 0; i < k && m < 16; i++)
		wire[m++] = protocol_wire(list[i]);
	versions_text(wire, m, accepted, sizeof accepted);
	snprintf(out, n, "no TLS version in common with the client: it offered %s; this side accepts %s", offered,
		 accepted);
}

/* Why a handshake failed, in plain words, the exit code that goes with it, and the typed fact (fact->fail). */
int outcome_classify(const struct conn *c, int rc, char *out, size_t n, struct tl_note *fact)
{
	const char *peer = c->self == TL_CLIENT ? "server" : "client";
	const char *last = c->last_in_type == TL_HS_HELLO_RETRY_REQUEST ? "HelloRetryRequest"
			   : c->last_in_type >= 0 ? names_handshake((unsigned)c->last_in_type) : NULL;
	bool nothing = c->first_in_len == 0;

	memset(fact, 0, sizeof *fact);
	fact->code = TL_NOTE_FAILURE;
	fact->fail = TL_FAIL_OTHER;
	if (c->cancelled) {
		snprintf(out, n, "stopped by the user");
		return TL_EXIT_CANCELLED;
	}
	if (classify_not_tls(c, out, n, fact))
		return TL_EXIT_NOT_TLS;
	if (c->timed_out || rc == GNUTLS_E_TIMEDOUT) {
		if (nothing)
			snprintf(out, n, "the %s accepted the connection but never answered", peer);
		else
			snprintf(out, n, "the %s stopped answering%s%s", peer, last ? " after its " : "", last ? last : "");
		return TL_EXIT_TIMEOUT;
	}
	if (c->fatal_in && rc != GNUTLS_E_FATAL_ALERT_RECEIVED)
		/* GnuTLS failed on its write, but the peer's alert, sent before it
		 * closed, was read from the socket: that is the peer's word */
		return classify_alert(c, (int)c->fatal_in_desc, peer, out, n, fact);
	if (c->last_errno == ECONNRESET || c->last_errno == EPIPE) {
		snprintf(out, n, "the %s reset the connection%s%s", peer, last ? " after its " : nothing ? " without answering" : "",
			 last ? last : "");
		return TL_EXIT_RESET;
	}
	if (rc == GNUTLS_E_PREMATURE_TERMINATION || (rc == GNUTLS_E_PULL_ERROR && c->last_errno == 0)) {
		if (nothing)
			snprintf(out, n, "the %s closed the connection without answering", peer);
		else
			snprintf(out, n, "the %s closed the connection in the middle of the handshake%s%s", peer,
				 last ? ", after its " : "", last ? last : "");
		return TL_EXIT_HANDSHAKE;
	}
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		return classify_alert(c, (int)gnutls_alert_get(c->s), peer, out, n, fact);
	if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET || (c->self == TL_SERVER && c->noffered > 0 && !versions_overlap(c))) {
		fact->fail = TL_FAIL_VERSION;
		if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET)
			snprintf(out, n, "no TLS version in common with the %s", peer);
		else
			versions_failure(c, out, n);
		return TL_EXIT_MISMATCH;
	}
	if (rc == GNUTLS_E_NO_CIPHER_SUITES || rc == GNUTLS_E_UNKNOWN_CIPHER_SUITE || rc == GNUTLS_E_NO_COMMON_KEY_SHARE ||
	    rc == GNUTLS_E_INSUFFICIENT_CREDENTIALS || rc == GNUTLS_E_UNKNOWN_PK_ALGORITHM) {
		fact->fail = TL_FAIL_CIPHER;
		snprintf(out, n, "no cipher suite or key exchange in common with the %s (%s)", peer, tls_error_words(rc));
		return TL_EXIT_MISMATCH;
	}
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR || rc == GNUTLS_E_CERTIFICATE_ERROR) {
		snprintf(out, n, "the %s's certificate did not verify, so the handshake was aborted", peer);
		return TL_EXIT_VERIFY;
	}
	if (rc == GNUTLS_E_DECRYPTION_FAILED)
		fact->fail = TL_FAIL_RECORD_INTEGRITY;
	snprintf(out, n, "handshake failed: %s", tls_record_error_words(rc));
	return TL_EXIT_HANDSHAKE;
}

/* The exit code for a finished side. */
int outcome_exit(const struct conn *c, const struct tl_result *r)
{
	if (c->cancelled)
		return TL_EXIT_CANCELLED;
	if (!r->handshake_ok) {
		char ignored[8];
		struct tl_note fact;
		return outcome_classify(c, r->code, ignored, sizeof ignored, &fact);
	}
	if (r->rejected_after || c->pha_failed)
		return TL_EXIT_REJECTED;
	if (c->post_fail)
		return c->last_errno == ECONNRESET ? TL_EXIT_RESET : TL_EXIT_HANDSHAKE;
	if (r->verify_done && !r->verified)
		return TL_EXIT_VERIFY;
	if (c->read_cut)
		return TL_EXIT_TIMEOUT;      /* serve: the deadline cut the client's data short */
	return TL_EXIT_OK;
}
