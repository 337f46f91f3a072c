/*
 * explain_plain.c: the paragraphs of the plaintext rows before TLS
 * (STARTTLS, TL_EV_PLAIN): what STARTTLS is, that these bytes were
 * readable by anyone on the path, and, on a capability line, whether the
 * server's list offered STARTTLS. The values come from the row itself:
 * its text (raw: the caller sanitizes), its protocol and its typed role.
 */
#include "explain_internal.h"
#include "tlsladder/plainproto.h"

#include <string.h>

/* The paragraph for a capability line. */
static void caps_line(struct strbuf *o, const struct explain_ctx *c, const struct plainproto *p, const char *text)
{
	const char *offer = p && p->offer ? p->offer : "STARTTLS";

	strbuf_printf(o, "One line of the %s server's list of what it supports: \"%s\". ", p ? p->label : "", text);
	if (c->ev.note.offers)
		strbuf_printf(o, "This line is the offer (%s): the client may ask to switch to TLS. ", offer);
	else if (c->ev.note.offered)
		strbuf_printf(o, "Another line of this list offers STARTTLS (%s). ", offer);
	else
		strbuf_printf(o, "No line of this list offers STARTTLS (%s), so the client cannot ask for TLS here "
			      "(starttls-not-offered). ", offer);
	strbuf_printf(o, "Anyone on the path can read this list, and an attacker in the middle can delete the offer "
		      "(STARTTLS stripping); a client that insists on TLS, as this one does, then stops instead of "
		      "going on in plaintext.");
}

/* The sentence of one role. */
static void role_words(struct strbuf *o, const struct explain_ctx *c, const struct plainproto *p, const char *text)
{
	const char *label = p ? p->label : "application";

	switch (c->ev.note.role) {
	case TL_PLAIN_GREETING:
		strbuf_printf(o, "The %s server's greeting, \"%s\": the first thing it says on this port, before any "
			      "encryption. With STARTTLS the client speaks %s in plaintext first, learns whether TLS is "
			      "on offer, and asks to switch to it on the same TCP connection.", label, text, label);
		break;
	case TL_PLAIN_HELLO:
		strbuf_printf(o, "The client asks the server what it supports (\"%.120s\"): it must learn that the server "
			      "offers STARTTLS before asking for it.", text);
		break;
	case TL_PLAIN_CAPS:
		caps_line(o, c, p, text);
		break;
	case TL_PLAIN_STARTTLS:
		strbuf_printf(o, "The client asks the %s server to start TLS (\"%s\"). If the server agrees, the next bytes "
			      "the client sends on this connection are the TLS handshake's ClientHello.", label, text);
		break;
	case TL_PLAIN_READY:
		strbuf_printf(o, "The server agrees (\"%s\"): the TLS handshake starts with the next byte, on the same TCP "
			      "connection. Everything said before was plaintext; after the handshake the client must "
			      "forget it and ask for the capabilities again, since an attacker could have changed them "
			      "(RFC 3207).", text);
		break;
	case TL_PLAIN_REFUSED:
		strbuf_printf(o, "The server refuses to start TLS (\"%s\"): it knows the request but will not, or cannot, "
			      "switch now; the connection stays plaintext, so this client stops (starttls-refused).", text);
		break;
	case TL_PLAIN_UNEXPECTED:
		strbuf_printf(o, "This reply (\"%s\") does not fit %s at this point of the exchange, so the client cannot "
			      "tell what the server wants and stops (starttls-unexpected-reply).", text, label);
		break;
	case TL_PLAIN_QUIT:
		strbuf_printf(o, "TLS cannot start, so the client ends the %s session politely (\"%s\") rather than just "
			      "closing the connection.", label, text);
		break;
	default:
		strbuf_printf(o, "The server's answer (\"%s\"), in plaintext, after TLS could not start.", text);
		break;
	}
}

/* A line of the application protocol after the STARTTLS handshake, inside TLS. */
static void explain_in_tls(struct strbuf *o, const struct explain_ctx *c, const struct plainproto *p, const char *text)
{
	const char *label = p ? p->label : "application";

	if (c->ev.note.role == TL_PLAIN_HELLO)
		strbuf_printf(o, "\"%s\": after the TLS handshake the client asks for the capabilities again, now "
			      "inside TLS, forgetting what it learned in plaintext (RFC 3207 4.2).", text);
	else if (c->ev.note.role == TL_PLAIN_QUIT)
		strbuf_printf(o, "\"%s\": the client ends the %s session politely, inside TLS.", text, label);
	else if (c->ev.note.role == TL_PLAIN_REFUSED)
		strbuf_printf(o, "\"%s\": the server refuses the client after the TLS handshake completed, inside TLS. "
			      "A refusal here is not ok, whatever the handshake said.", text);
	else
		strbuf_printf(o, "\"%s\": the %s server's words inside TLS, after the handshake.", text, label);
	strbuf_printf(o, " These %zu bytes of %s went %s inside TLS application-data records: encrypted on the wire.",
		      c->ev.body_total ? c->ev.body_total : c->ev.body_len, label,
		      c->ev.from == TL_CLIENT ? "from the client to the server" : "from the server to the client");
}

/* A plaintext row. */
void explain_plain_row(struct strbuf *o, const struct explain_ctx *c)
{
	const struct plainproto *p = plainproto_of(c->ev.note.proto);
	char text[520];
	size_t n = c->ev.text ? strlen(c->ev.text) : 0;

	/* the row's text, cut at the length a line may have */
	memcpy(text, c->ev.text ? c->ev.text : "", n < sizeof text ? n : sizeof text - 1);
	text[n < sizeof text ? n : sizeof text - 1] = '\0';
	if (c->ev.note.in_tls) {
		explain_in_tls(o, c, p, text);
		return;
	}
	role_words(o, c, p, text);
	strbuf_printf(o, " These %zu bytes went %s in plaintext: anyone on the path could read them.",
		      c->ev.body_total ? c->ev.body_total : c->ev.body_len,
		      c->ev.from == TL_CLIENT ? "from the client to the server" : "from the server to the client");
}
