/*
 * notes: the typed fact behind a note or an error on the timeline. The
 * capture layer (tls/) records the fact where the information exists; its
 * sentence is rendered from the code (notes_render), and the diagnosis
 * decides from these fields only, never from the text.
 */
#ifndef TLSLADDER_NOTES_H
#define TLSLADDER_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/sniff.h"

enum tl_note_code {
	TL_NOTE_TEXT = 0,             /* no typed fact: the text is all there is */
	TL_NOTE_CERT_WITHHELD,        /* the client withheld its certificate: its issuer is not among the CAs listed */
	TL_NOTE_CERT_SENT_UNLISTED,   /* ... sent it anyway (the default), so the server's verdict shows */
	TL_NOTE_HTTP_SENT,            /* the client sent GET / (--http) */
	TL_NOTE_HTTP_ANSWER,          /* the server's HTTP answer: status (0: no status line, or nothing) */
	TL_NOTE_HTTP_SERVED,          /* this server answered a client's HTTP request with 200 OK */
	TL_NOTE_APP_DATA,             /* count bytes of application data arrived */
	TL_NOTE_DATA_READ,            /* serve: bytes of application data read from the client, and how reading ended */
	TL_NOTE_WAITING,              /* no answer for 1 s */
	TL_NOTE_FAILURE,              /* an error: fail says which kind */
	TL_NOTE_NOT_STORED,           /* the connection's first message past its event limit (timeline.h) */
	TL_NOTE_PLAIN                 /* a TL_EV_PLAIN row: proto, role, offered say what it is */
};

/* What kind of failure an error event reports (the facts behind its sentence). */
enum tl_fail {
	TL_FAIL_NONE = 0,
	TL_FAIL_NOT_TLS,              /* the peer spoke something else: spoke says what */
	TL_FAIL_VERSION,              /* no protocol version in common (known for certain) */
	TL_FAIL_CIPHER,               /* no cipher suite, group or key exchange in common (known for certain) */
	TL_FAIL_NOTHING_IN_COMMON,    /* the peer's alert says nothing was in common, not which part */
	TL_FAIL_RECORD_INTEGRITY,     /* a record from the peer failed decryption (its integrity check) */
	TL_FAIL_OTHER,
	TL_FAIL_STARTTLS_NOT_OFFERED, /* the server's capabilities do not list STARTTLS (proto) */
	TL_FAIL_STARTTLS_REFUSED,     /* the server answered the STARTTLS request with a refusal */
	TL_FAIL_STARTTLS_UNEXPECTED   /* a reply that makes no sense at that point of the protocol */
};

/* The application protocols tlsladder reaches TLS through with STARTTLS (--starttls). */
enum tl_starttls_proto {
	TL_STARTTLS_NONE = 0,
	TL_STARTTLS_SMTP, TL_STARTTLS_LMTP, TL_STARTTLS_IMAP, TL_STARTTLS_POP3, TL_STARTTLS_FTP,
	TL_STARTTLS_XMPP, TL_STARTTLS_POSTGRES, TL_STARTTLS_LDAP, TL_STARTTLS_SIEVE
};

/* What a plaintext row (TL_EV_PLAIN) is in the STARTTLS exchange. */
enum tl_plain_role {
	TL_PLAIN_OTHER = 0,
	TL_PLAIN_GREETING,            /* server: its greeting (220 ..., * OK ..., +OK ...) */
	TL_PLAIN_HELLO,               /* client: asks for the capabilities (EHLO, CAPABILITY, CAPA, FEAT, stream header) */
	TL_PLAIN_CAPS,                /* server: one line of its capability list (offered: STARTTLS is in the list) */
	TL_PLAIN_STARTTLS,            /* client: the request to start TLS (STARTTLS, STLS, AUTH TLS, SSLRequest, ...) */
	TL_PLAIN_READY,               /* server: go ahead, TLS starts now */
	TL_PLAIN_REFUSED,             /* server: it will not start TLS */
	TL_PLAIN_UNEXPECTED,          /* server: a reply that makes no sense here */
	TL_PLAIN_QUIT                 /* client: ends the session politely */
};

/* How the server's reading of the client's application data ended (TL_NOTE_DATA_READ). */
enum tl_read_end {
	TL_READ_CLOSED = 0,           /* the client sent close_notify */
	TL_READ_EOF,                  /* the client closed the TCP connection without close_notify */
	TL_READ_ALERT,                /* the client sent a fatal alert */
	TL_READ_DEADLINE_SENDING,     /* the deadline passed while the client was still sending */
	TL_READ_DEADLINE_IDLE,        /* the deadline passed; the client had stopped sending, not closed */
	TL_READ_CANCELLED,            /* the user stopped the run */
	TL_READ_ERROR                 /* reading failed (reset, a record that failed its integrity check, ...) */
};

struct tl_note {
	enum tl_note_code code;
	enum tl_fail fail;            /* TL_NOTE_FAILURE */
	int status;                   /* TL_NOTE_HTTP_ANSWER: HTTP status 100..599, 0 none */
	unsigned count;               /* CA names listed (certificate notes), bytes (TL_NOTE_APP_DATA);
				         TL_FAIL_STARTTLS_UNEXPECTED: the reply went on past this many lines (0: it did not) */
	unsigned alert;               /* the alert that came with a failure (0: none) */
	struct sniff_result spoke;    /* TL_FAIL_NOT_TLS: what the peer spoke */
	uint64_t bytes;               /* TL_NOTE_DATA_READ: application data bytes read;
				         TL_FAIL_STARTTLS_UNEXPECTED: a line went on past this many bytes (0: none did) */
	enum tl_read_end end;         /* TL_NOTE_DATA_READ: how reading ended */
	enum tl_starttls_proto proto; /* TL_NOTE_PLAIN and STARTTLS failures: the application protocol */
	enum tl_plain_role role;      /* TL_NOTE_PLAIN: what the row is */
	bool offered;                 /* TL_PLAIN_CAPS: STARTTLS is in the server's whole capability list */
	bool offers;                  /* TL_PLAIN_CAPS: this very line is the one that offers it */
};

/*
 * The sentence of a typed note, into buf: arg is the one thing it quotes
 * (the issuer for certificate notes, the status line for TL_NOTE_HTTP_ANSWER,
 * "server"/"client" for TL_NOTE_WAITING, the error in words for
 * TL_NOTE_DATA_READ ending in TL_READ_ERROR; for TL_NOTE_FAILURE the sentence of
 * the classification, which tls/ renders from the same facts), or NULL.
 * Returns buf.
 */
const char *notes_render(const struct tl_note *n, const char *arg, char *buf, size_t len);

#endif
