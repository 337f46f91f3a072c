/*
 * explain_finish.c: the paragraphs about what follows the key exchange
 * (see explain.h): EncryptedExtensions, Finished, NewSessionTicket
 * (TLS 1.2 and 1.3) and KeyUpdate.
 *
 * Lengths, lifetimes and extension types are read from the decoder's tree
 * of the body; a Finished is told by its length and the version in force.
 */
#include "explain_internal.h"
#include "tlsladder/wire.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"

#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>

/* Extension types of an EncryptedExtensions body. False when malformed. */
static bool ee_read(const struct explain_ctx *c, unsigned *ids, unsigned *count)
{
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);

	*count = 0;
	if (ok)
		explain_codes_of(&c->ev, t, "extensions", ids, count);
	tree_free(t);
	return ok;
}

/* EncryptedExtensions. */
void explain_finish_ee(struct strbuf *o, const struct explain_ctx *c)
{
	unsigned ids[MAX_IDS], count;

	strbuf_printf(o, "The first message the server encrypts, with the handshake traffic keys: it holds its "
		      "answers to the client's extensions that are not needed to set up the keys.");
	if (!ee_read(c, ids, &count)) {
		explain_unreadable(o, "EncryptedExtensions");
	} else if (count == 0) {
		strbuf_printf(o, " Here it is empty: the server had nothing more to answer.");
	} else {
		strbuf_printf(o, " Here it carries %u extension%s: ", count, count == 1 ? "" : "s");
		explain_names(o, ids, count < MAX_IDS ? count : MAX_IDS, names_extension);
		strbuf_printf(o, "%s.", count > MAX_IDS ? " and more" : "");
	}
	if (explain_list_has(ids, count, WIRE_EXT_EARLY_DATA)) {
		strbuf_printf(o, " Its early_data says the server accepted the client's early data (0-RTT)");
		if (c->s.early_read_known)
			strbuf_printf(o, ": it read %" PRIu64 " bytes, sent before it had answered", c->s.early_read);
		strbuf_printf(o, "; the client will end them with EndOfEarlyData.");
	} else if (c->s.early_data_offered) {
		strbuf_printf(o, " It carries no early_data: the server rejected the client's early data (0-RTT) and "
			      "skipped those records unread; the client must send that data again, now after the "
			      "handshake.");
	}
	strbuf_printf(o, " In TLS 1.2 such answers travelled in the clear inside ServerHello; now an eavesdropper "
		      "cannot read them, for example which application protocol (ALPN) was chosen.");
}

/* Finished. */
void explain_finish_finished(struct strbuf *o, const struct explain_ctx *c)
{
	size_t len = c->ev.body ? c->ev.body_len : 0;
	bool tls13 = c->version == WIRE_TLS13;

	if (len == 0) {
		strbuf_printf(o, "The %s's Finished carries a check value computed over the whole handshake "
			      "transcript with a key only the two sides can know.", c->side);
		explain_unreadable(o, "Finished");
	} else if (tls13) {
		strbuf_printf(o, "The %s's Finished carries a %zu-byte check value: an HMAC over a hash of the whole "
			      "handshake transcript, keyed from the %s's handshake traffic secret", c->side, len,
			      c->side);
		if (len == 32 || len == 48)
			strbuf_printf(o, " (%zu bytes because the suite's hash is %s).", len,
				      len == 32 ? "SHA-256" : "SHA-384");
		else
			strbuf_printf(o, " (as long as the suite's hash).");
	} else {
		strbuf_printf(o, "The %s's Finished carries a %zu-byte check value (verify_data, %s in TLS 1.2), "
			      "computed from the master secret and a hash of the whole handshake transcript.", c->side,
			      len, len == 12 ? "always 12 bytes" : "normally 12 bytes");
	}
	strbuf_printf(o, " The %s computes the same value and compares: a match proves that both saw the same "
		      "messages, so nobody altered them (for example to downgrade the cipher suite), and that both "
		      "derived the same keys.", c->peer);
	if (!tls13)
		strbuf_printf(o, " It is the first message the %s protects with the new keys, right after its "
			      "ChangeCipherSpec.", c->side);
	else if (c->ev.from == TL_SERVER)
		strbuf_printf(o, " After sending it the server may already send application data; the client still "
			      "has to send its own Finished.");
	else
		strbuf_printf(o, " With it the handshake is complete; from now on both directions use the "
			      "application traffic keys.");
}

/* A ticket lifetime in words ("6 hours", "7 days", "90 seconds"). */
static void duration(unsigned long sec, char *buf, size_t n)
{
	if (sec >= 86400 && sec % 86400 == 0)
		snprintf(buf, n, "%lu day%s", sec / 86400, sec == 86400 ? "" : "s");
	else if (sec >= 3600 && sec % 3600 == 0)
		snprintf(buf, n, "%lu hour%s", sec / 3600, sec == 3600 ? "" : "s");
	else if (sec >= 60 && sec % 60 == 0)
		snprintf(buf, n, "%lu minute%s", sec / 60, sec == 60 ? "" : "s");
	else
		snprintf(buf, n, "%lu second%s", sec, sec == 1 ? "" : "s");
}

/* NewSessionTicket. */
void explain_finish_ticket(struct strbuf *o, const struct explain_ctx *c)
{
	unsigned long lifetime = 0, early_max = 0;
	char life[32];
	bool tls13 = c->version == WIRE_TLS13;
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);
	size_t ticket = explain_vec_len(tree_find(t, "ticket"), 2);

	explain_node_uint(&c->ev, tree_find(t, tls13 ? "ticket_lifetime" : "ticket_lifetime_hint"), 4, &lifetime);
	if (tls13)
		explain_node_uint(&c->ev, tree_find(t, "extensions/early_data/max_early_data_size"), 4, &early_max);
	tree_free(t);
	ok = ok && ticket > 0;
	duration(lifetime, life, sizeof life);
	if (tls13) {
		strbuf_printf(o, "After the handshake, the server gives the client a session ticket");
		if (ok)
			strbuf_printf(o, ": an opaque blob of %zu bytes that only the server can read, valid for up to "
				      "%s.", ticket, life);
		else
			strbuf_printf(o, ": an opaque blob that only the server can read.");
		if (!ok)
			explain_unreadable(o, "NewSessionTicket");
		strbuf_printf(o, " It travels encrypted with the application traffic keys, like ordinary data, so an "
			      "eavesdropper cannot see or steal it.");
		strbuf_printf(o, " Next time the client can present it to resume with a shorter handshake (no "
			      "certificate needed); servers often send several so each is used only once, which keeps "
			      "separate connections from being linked.");
		if (early_max)
			strbuf_printf(o, " Its early_data extension allows the client to send up to %lu bytes of early "
				      "data (0-RTT, max_early_data_size) with the ClientHello that offers this ticket.",
				      early_max);
		return;
	}
	strbuf_printf(o, "The server gives the client a session ticket");
	if (ok && lifetime)
		strbuf_printf(o, " of %zu bytes, with a lifetime hint of %s", ticket, life);
	else if (ok)
		strbuf_printf(o, " of %zu bytes", ticket);
	strbuf_printf(o, ": its session state, encrypted with a key only the server knows.");
	if (!ok)
		explain_unreadable(o, "NewSessionTicket");
	strbuf_printf(o, " In TLS 1.2 it is sent during the handshake, just before the server's ChangeCipherSpec, "
		      "and in the clear; TLS 1.3 sends tickets after the handshake, encrypted.");
	strbuf_printf(o, " Next time the client can offer it to resume the session with an abbreviated handshake: "
		      "no certificate and no key exchange.");
}

/* KeyUpdate. */
void explain_finish_key_update(struct strbuf *o, const struct explain_ctx *c)
{
	unsigned long req = 0;
	bool ok;
	struct tree_node *t = explain_decoded(c, &c->ev, &ok);

	ok = ok && explain_node_uint(&c->ev, tree_find(t, "request_update"), 1, &req) && req <= WIRE_KEY_UPDATE_REQUESTED;
	tree_free(t);
	strbuf_printf(o, "The %s switches to new traffic keys for what it sends, derived from its current ones; "
		      "the %s switches its receiving key to match.", c->side, c->peer);
	if (c->ev.keys == TL_KEYS_APPLICATION)
		strbuf_printf(o, " This message still travels under %s_application_traffic_secret_%u; everything the %s "
			      "sends after it uses %s_application_traffic_secret_%u = HKDF-Expand-Label(%s_application_"
			      "traffic_secret_%u, \"traffic upd\", \"\", Hash.length).", c->side, c->ev.key_gen, c->side,
			      c->side, c->ev.key_gen + 1, c->side, c->ev.key_gen);
	if (!ok)
		explain_unreadable(o, "KeyUpdate");
	else if (req == WIRE_KEY_UPDATE_REQUESTED)
		strbuf_printf(o, " It also asks the %s to update its own sending keys (update_requested): the %s must "
			      "answer with a KeyUpdate of its own before it next sends application data.", c->peer, c->peer);
	else
		strbuf_printf(o, " It does not ask the %s to update its own keys (update_not_requested); this is also "
			      "how a side answers a KeyUpdate that asked it to update.", c->peer);
	strbuf_printf(o, " KeyUpdate is not part of the handshake transcript: no Finished covers it.");
	strbuf_printf(o, " Long-lived connections do this to limit how much data is encrypted under one key, so "
		      "that a key leaked later exposes less.");
}
