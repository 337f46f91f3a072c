/*
 * plainproto: the application protocols STARTTLS goes through, as data and
 * pure parsers (no I/O; tls/starttls.c talks to the socket).
 *
 * Each protocol is a script: whether the server greets first, the client's
 * request for the capabilities, its request to start TLS, and its goodbye;
 * the reply parsers say, line by line (or message by message for the binary
 * protocols, PostgreSQL and LDAP), whether a reply goes on, and whether it
 * was what the script waits for, a refusal, or something unexpected.
 * Everything they read came from the network: lines are (pointer, length)
 * and never trusted to hold a NUL; the binary answers are read through the
 * bounds-checked reader (reader.h).
 */
#ifndef TLSLADDER_PLAINPROTO_H
#define TLSLADDER_PLAINPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/notes.h"

#define PLAINPROTO_LINE_MAX 512      /* bytes of one server line, CRLF included (RFC 5321's limit) */
#define PLAINPROTO_REPLY_LINES 64    /* lines of one reply (an EHLO reply has about ten) */

/* How the protocol frames its replies. */
enum plainproto_style {
	PLAINPROTO_CODES,     /* "NNN-text" goes on, "NNN text" ends (SMTP, LMTP, FTP) */
	PLAINPROTO_TAGGED,    /* "* ..." goes on, "TAG OK|NO|BAD" ends (IMAP) */
	PLAINPROTO_POP3,      /* "+OK"/"-ERR"; CAPA's list ends with "." */
	PLAINPROTO_SIEVE,     /* "\"CAPABILITY\" ..." lines go on, OK/NO/BYE ends (ManageSieve) */
	PLAINPROTO_XMPP,      /* XML tags; the features end with </stream:features> */
	PLAINPROTO_POSTGRES,  /* SSLRequest, answered by one byte */
	PLAINPROTO_LDAP       /* BER: ExtendedRequest StartTLS, ExtendedResponse */
};

/* One protocol's script. */
struct plainproto {
	enum tl_starttls_proto proto;
	const char *name;         /* "smtp": the --starttls argument */
	const char *label;        /* "SMTP" */
	const char *port;         /* its default port */
	enum plainproto_style style;
	bool greeting;            /* the server speaks first */
	bool greeting_lists;      /* ... and its greeting is the capability list (ManageSieve) */
	const char *hello;        /* the request for the capabilities, NULL: none (an XMPP header is built) */
	const char *starttls;     /* the request to start TLS (text protocols) */
	const char *quit;         /* the goodbye, NULL: none */
	const char *offer;        /* the capability that offers STARTTLS, NULL: none is listed */
	unsigned greet_code, hello_code, starttls_code;   /* PLAINPROTO_CODES: the replies waited for */
};

/* The step of the script a reply answers. */
/* PLAINPROTO_AFTER_TLS: SMTP and LMTP, the capabilities asked for again over TLS (RFC 3207 4.2), where a 4xx or
 * 5xx reply is the server refusing the client after the handshake. */
enum plainproto_step { PLAINPROTO_GREETING, PLAINPROTO_HELLO, PLAINPROTO_STARTTLS, PLAINPROTO_AFTER_TLS };

/* What one line says about its reply. */
enum plainproto_verdict {
	PLAINPROTO_MORE,          /* the reply goes on */
	PLAINPROTO_OK,            /* the last line: what the script waits for */
	PLAINPROTO_REFUSED,       /* the last line: a refusal */
	PLAINPROTO_UNEXPECTED     /* a line that makes no sense here */
};

/* The state of a reply being read (zero it before the first line). */
struct plainproto_reply {
	unsigned lines;           /* lines read so far */
	unsigned code;            /* PLAINPROTO_CODES: the code of the first line */
	bool listing;             /* POP3: inside CAPA's list */
};

/* The script of a protocol by its --starttls name, or NULL. */
const struct plainproto *plainproto_find(const char *name);
/* The script of a protocol, or NULL for TL_STARTTLS_NONE. */
const struct plainproto *plainproto_of(enum tl_starttls_proto proto);
/* The names, comma-separated, for messages ("smtp, lmtp, ..."). */
const char *plainproto_names(void);

/* Classifies line (without its CRLF) of the reply to step; st carries the reply's state. */
enum plainproto_verdict plainproto_line(const struct plainproto *p, enum plainproto_step step,
					struct plainproto_reply *st, const char *line, size_t n);
/* True when a capability line offers STARTTLS. */
bool plainproto_offers(const struct plainproto *p, const char *line, size_t n);
/* The capability a line of the list names ("STARTTLS" of "250-STARTTLS"), into buf; "" when the line names
 * none (first: the list's first line, which for SMTP is the server's name; a status line; a closing tag). */
void plainproto_cap_name(const struct plainproto *p, const char *line, size_t n, bool first, char *buf, size_t len);

/* PostgreSQL: the SSLRequest message (8 bytes). */
#define PLAINPROTO_PG_SSLREQUEST_LEN 8
extern const uint8_t plainproto_pg_sslrequest[PLAINPROTO_PG_SSLREQUEST_LEN];
/* PostgreSQL: the server's one-byte answer in words, into buf; the verdict. */
enum plainproto_verdict plainproto_pg_answer(uint8_t b, char *buf, size_t n);

/* LDAP: the ExtendedRequest for StartTLS (OID 1.3.6.1.4.1.1466.20037), message ID 1, and the UnbindRequest. */
extern const uint8_t plainproto_ldap_starttls[31];
extern const uint8_t plainproto_ldap_unbind[7];
/* LDAP: the length of the BER element that begins with the n bytes at p (tag and length
 * included): 0 when more bytes are needed to know, -1 when it is not a SEQUENCE or longer than max. */
long plainproto_ber_length(const uint8_t *p, size_t n, size_t max);

/* What an LDAP ExtendedResponse says. */
struct plainproto_ldap {
	unsigned msgid;
	unsigned op;              /* the protocolOp tag (0x78: ExtendedResponse) */
	unsigned result;          /* resultCode (0: success) */
	char message[200];        /* diagnosticMessage, raw (may hold any byte but NUL; sanitize to show) */
};
/* Decodes one LDAP message (a whole BER element). False, with *why, when it is malformed. */
bool plainproto_ldap_response(const uint8_t *p, size_t n, struct plainproto_ldap *out, const char **why);
/* The name of an LDAP resultCode ("success", "protocolError", "unavailable", ...), or NULL. */
const char *plainproto_ldap_result_name(unsigned code);
/* An ExtendedResponse (or anything else read) in words, into buf; the verdict. */
enum plainproto_verdict plainproto_ldap_words(const uint8_t *p, size_t n, char *buf, size_t len);

/* What a plaintext row's role is, in words ("the server's greeting"). */
const char *plainproto_role_words(enum tl_plain_role role);
/* The field tree of a plaintext row (TL_EV_PLAIN): its text, protocol, role and bytes. */
struct tl_event;
struct tree_node *plainproto_tree(const struct tl_event *ev);

#endif
