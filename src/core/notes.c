/*
 * notes.c: the sentences of typed notes (see notes.h).
 */
#include "tlsladder/notes.h"

#include <stdio.h>

/* The sentence of a typed note. */
const char *notes_render(const struct tl_note *n, const char *arg, char *buf, size_t len)
{
	const char *a = arg ? arg : "?";
	const char *s = n->count == 1 ? "" : "s";

	if (!buf || len == 0)
		return buf;
	switch (n->code) {
	case TL_NOTE_CERT_WITHHELD:
		snprintf(buf, len, "the client certificate was withheld: its issuer '%s' is not among the %u CA name%s the "
				   "server listed (--withhold-unmatched-cert)", a, n->count, s);
		break;
	case TL_NOTE_CERT_SENT_UNLISTED:
		snprintf(buf, len, "the certificate's issuer '%s' is not among the %u CA name%s the server listed; sending "
				   "it anyway so the server's verdict shows (GnuTLS alone would send none; "
				   "--withhold-unmatched-cert does that)", a, n->count, s);
		break;
	case TL_NOTE_HTTP_SENT: snprintf(buf, len, "sent an HTTP request: GET / HTTP/1.1"); break;
	case TL_NOTE_HTTP_ANSWER:
		/* arg: the status line as received (sanitized when shown) */
		snprintf(buf, len, "the server answered: %.200s", arg ? arg : "(nothing)");
		break;
	case TL_NOTE_HTTP_SERVED: snprintf(buf, len, "the client sent an HTTP request; answered 200 OK"); break;
	case TL_NOTE_APP_DATA: snprintf(buf, len, "the server sent %u bytes of application data", n->count); break;
	case TL_NOTE_WAITING: snprintf(buf, len, "waiting for the %s: no answer for 1 s", a); break;
	default:      /* TL_NOTE_TEXT, TL_NOTE_FAILURE: the sentence is the classification's own (arg) */
		snprintf(buf, len, "%s", a);
		break;
	}
	return buf;
}
