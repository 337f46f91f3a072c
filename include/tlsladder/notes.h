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
	TL_NOTE_DATA_SENT,            /* count bytes of application data sent (arg: "client"/"server") */
	TL_NOTE_KEY_UPDATE_TLS12,     /* --key-update over TLS 1.2: no KeyUpdate exists there */
	TL_NOTE_KEY_UPDATE_UNANSWERED, /* our KeyUpdate asked the peer to update; no answer came in time */
	TL_NOTE_CERT_CHOSEN,          /* serve, several certificates: which one (count, from 1) and why (pick); the
				       * sentence is tls/'s, naming the SNI and the certificate (arg) */
	TL_NOTE_ALPN_NONE,            /* serve --alpn: no protocol agreed (the sentence, tls/'s, says what was offered) */
	TL_NOTE_PHA_NOT_OFFERED,      /* serve --request-client-cert-later: the client did not offer post_handshake_auth */
	TL_NOTE_CERT_KEY_NOT_ACCEPTED, /* the client's key fits none of the signature schemes the server's
				       * CertificateRequest lists: key says which key, withheld whether the
				       * certificate was left out (TLS 1.3) or sent anyway (TLS 1.2) */
	TL_NOTE_RESUME_OFFER,         /* --resume: a new connection to the same address offers offer */
	TL_NOTE_NO_TICKET,            /* --resume: the server issued nothing to resume with (offer TL_OFFER_NONE) */
	TL_NOTE_EARLY_DATA_SENT,      /* the client sent bytes of early data (0-RTT) before the server's answer */
	TL_NOTE_EARLY_DATA_READ,      /* the server read bytes of early data (0-RTT) */
	TL_NOTE_RENEGOTIATION,        /* TLS 1.2: a renegotiation begins: handshake number count, inside the
				       * encrypted connection (the rows of that handshake follow) */
	TL_NOTE_RENEG_FAILED,         /* TLS 1.2: renegotiation count did not complete; alert: the alert that
				       * ended it (0: none read); fail: TL_FAIL_UNSAFE_RENEGOTIATION when the client
				       * refused because the server lacks RFC 5746, else TL_FAIL_OTHER */
	TL_NOTE_PLAIN                 /* a TL_EV_PLAIN row: proto, role, offered say what it is */
};

/* Why serve chose the certificate it sent (TL_NOTE_CERT_CHOSEN). */
enum tl_cert_pick {
	TL_PICK_NO_SNI = 0,           /* the client sent no server name: the first certificate */
	TL_PICK_MATCHED,              /* the server name matched this certificate's names */
	TL_PICK_NO_MATCH              /* no certificate has the name: the first one */
};

/* The kind of a certificate's public key, as the signature schemes tell them apart. */
enum tl_key_kind {
	TL_KEY_UNKNOWN = 0,
	TL_KEY_RSA,                   /* rsaEncryption: rsa_pkcs1_* (TLS 1.2), rsa_pss_rsae_* */
	TL_KEY_RSA_PSS,               /* id-RSASSA-PSS: rsa_pss_pss_* */
	TL_KEY_DSA,
	TL_KEY_EC_P256,               /* ECDSA on secp256r1 */
	TL_KEY_EC_P384,
	TL_KEY_EC_P521,
	TL_KEY_EC_OTHER,              /* ECDSA on another curve */
	TL_KEY_ED25519,
	TL_KEY_ED448
};

/* What a client offers to resume with (TL_NOTE_RESUME_OFFER). */
enum tl_resume_offer {
	TL_OFFER_NONE = 0,
	TL_OFFER_TICKET13,            /* a TLS 1.3 ticket, as a pre_shared_key identity */
	TL_OFFER_TICKET12,            /* a TLS 1.2 session ticket (RFC 5077 SessionTicket extension) */
	TL_OFFER_SESSION_ID           /* a TLS 1.2 session ID (the server's session cache) */
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
	TL_FAIL_UNSAFE_RENEGOTIATION, /* the client refused to renegotiate: the server does not support RFC 5746 */
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
	enum tl_cert_pick pick;       /* TL_NOTE_CERT_CHOSEN: why that certificate */
	enum tl_key_kind key_kind;    /* TL_NOTE_CERT_KEY_NOT_ACCEPTED: the client's key */
	bool withheld;                /* TL_NOTE_CERT_KEY_NOT_ACCEPTED: the certificate was not sent */
	enum tl_resume_offer offer;   /* TL_NOTE_RESUME_OFFER; TL_NOTE_NO_TICKET: the version (ticket13: TLS 1.3) */
	unsigned early_max;           /* TL_NOTE_EARLY_DATA_SENT: the ticket's max_early_data_size (count: bytes asked) */
	enum tl_starttls_proto proto; /* TL_NOTE_PLAIN and STARTTLS failures: the application protocol */
	enum tl_plain_role role;      /* TL_NOTE_PLAIN: what the row is */
	bool offered;                 /* TL_PLAIN_CAPS: STARTTLS is in the server's whole capability list */
	bool offers;                  /* TL_PLAIN_CAPS: this very line is the one that offers it */
	bool in_tls;                  /* TL_NOTE_PLAIN: sent inside TLS, after the handshake (encrypted on the wire) */
};

/*
 * The sentence of a typed note, into buf: arg is the one thing it quotes
 * (the issuer for certificate notes, the status line for TL_NOTE_HTTP_ANSWER,
 * "server"/"client" for TL_NOTE_WAITING, the error in words for
 * TL_NOTE_DATA_READ ending in TL_READ_ERROR; the schemes the server listed for
 * TL_NOTE_CERT_KEY_NOT_ACCEPTED; for TL_NOTE_FAILURE the sentence of
 * the classification, which tls/ renders from the same facts), or NULL.
 * Returns buf.
 */
const char *notes_render(const struct tl_note *n, const char *arg, char *buf, size_t len);
/* A key kind in words: "RSA", "ECDSA P-256", "Ed25519" (static; "unknown" for TL_KEY_UNKNOWN). */
const char *notes_key_kind(enum tl_key_kind k);

#endif
