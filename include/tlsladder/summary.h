/*
 * summary: what one connection negotiated, read from the timeline's raw
 * messages (so it reads the same from a live run and, later, a replay),
 * plus each side's reported result.
 *
 * Every fact is typed (enums, numbers, bits): views render the words, and
 * nothing parses a summary's text back.
 */
#ifndef TLSLADDER_SUMMARY_H
#define TLSLADDER_SUMMARY_H

#include <stdbool.h>

#include <stdint.h>

#include "tlsladder/names.h"
#include "tlsladder/notes.h"
#include "tlsladder/timeline.h"

/* How the connection's keys were agreed. */
enum summary_kx {
	SUMMARY_KX_UNKNOWN,       /* no ServerHello yet, or the messages do not tell */
	SUMMARY_KX_ECDHE,
	SUMMARY_KX_DHE,
	SUMMARY_KX_RSA,           /* TLS 1.2: the client encrypts the premaster secret to the server's key */
	SUMMARY_KX_PSK,           /* TLS 1.3 PSK only (no fresh key exchange) */
	SUMMARY_KX_PSK_ECDHE,     /* TLS 1.3 PSK with a fresh ECDHE exchange */
	SUMMARY_KX_PSK_DHE,       /* TLS 1.3 PSK with a fresh finite-field DHE exchange */
	SUMMARY_KX_RESUMED        /* TLS 1.2 abbreviated handshake: no key exchange at all */
};

/*
 * The secrets that exist in this handshake (bits of summary.secrets): the
 * ones the key schedule of THIS connection derives and uses, whatever the
 * library happened to log. TLS 1.3 early secrets only when the client
 * offered early data (0-RTT); handshake secrets once a ServerHello chose
 * TLS 1.3; application and exporter secrets once the server's Finished
 * was sent. TLS 1.2: the master secret once the client's key exchange was
 * sent, or when the session was resumed.
 */
enum summary_secret {
	SUMMARY_SECRET_CLIENT_EARLY = 1u << 0,     /* CLIENT_EARLY_TRAFFIC_SECRET */
	SUMMARY_SECRET_EARLY_EXPORTER = 1u << 1,   /* EARLY_EXPORTER_SECRET */
	SUMMARY_SECRET_CLIENT_HS = 1u << 2,        /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	SUMMARY_SECRET_SERVER_HS = 1u << 3,        /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	SUMMARY_SECRET_CLIENT_AP = 1u << 4,        /* CLIENT_TRAFFIC_SECRET_0 */
	SUMMARY_SECRET_SERVER_AP = 1u << 5,        /* SERVER_TRAFFIC_SECRET_0 */
	SUMMARY_SECRET_EXPORTER = 1u << 6,         /* EXPORTER_SECRET */
	SUMMARY_SECRET_MASTER = 1u << 7            /* TLS 1.2 master secret (key log label CLIENT_RANDOM) */
};

/*
 * A connection's resumption: none tried, accepted, or why the server did
 * not resume what the client offered (the reasons are tried in this order:
 * the first that the messages show).
 */
enum summary_resume {
	SUMMARY_RESUME_NONE,          /* nothing offered (a first connection) */
	SUMMARY_RESUME_ACCEPTED,      /* the server resumed the session offered */
	SUMMARY_RESUME_FULL,          /* the server ignored the ticket and did a full handshake */
	SUMMARY_RESUME_EXPIRED,       /* TLS 1.3: the ticket's age exceeded its lifetime */
	SUMMARY_RESUME_SID_NOT_ECHOED,/* TLS 1.2 session ID: the ServerHello carries another session ID */
	SUMMARY_RESUME_VERSION,       /* the version differs from the connection that issued the session */
	SUMMARY_RESUME_NO_TICKET      /* (the issuing connection) the server left nothing to resume with */
};

/* RFC 5746 renegotiation_info in a hello, or the client's SCSV for it. */
enum summary_ri {
	SUMMARY_RI_ABSENT = 0,    /* neither: the peer does not support secure renegotiation */
	SUMMARY_RI_EMPTY,         /* empty: a first handshake, secure renegotiation supported */
	SUMMARY_RI_SCSV,          /* the client's TLS_EMPTY_RENEGOTIATION_INFO_SCSV cipher value (0x00ff) */
	SUMMARY_RI_MATCH,         /* a renegotiation's: equal to the previous handshake's Finished verify_data */
	SUMMARY_RI_MISMATCH       /* ... not equal */
};

/* TLS 1.2 renegotiation: the handshakes after the connection's first (tl_event.handshake > 1). */
struct summary_reneg {
	unsigned handshakes;      /* handshakes on the connection: 1, or more when it was renegotiated */
	bool hello_request;       /* the server asked for it (HelloRequest) */
	bool cert_requested;      /* the last renegotiation's server asked for a client certificate */
	bool client_cert_msg;     /* ... the client answered with a Certificate message */
	unsigned client_certs;    /* ... holding this many certificates (0: empty) */
	bool client_fin, server_fin; /* ... both Finished: it completed */
	bool client_refused_unsafe;  /* the client refused it: the server lacks RFC 5746 (TL_FAIL_UNSAFE_RENEGOTIATION) */
	enum summary_ri first_client, first_server;  /* RFC 5746 in the first handshake's hellos */
	enum summary_ri client_ri, server_ri;        /* ... in the last renegotiation's hellos (MATCH: the verify_data
						       * equals the previous handshake's Finished) */
};

struct summary {
	unsigned conn;
	bool have_server_hello;
	bool hrr;                 /* a HelloRetryRequest came first */
	unsigned version;         /* 0x0303, 0x0304; 0 unknown */
	unsigned cipher_suite;
	unsigned group;           /* 0: none (RSA key exchange, PSK only) */
	unsigned dh_bits;         /* TLS 1.2 DHE without a named group: the prime's size in bits */
	unsigned sigscheme;       /* the server's handshake signature; 0: none */
	enum names_auth legacy_sig; /* TLS 1.0/1.1 ServerKeyExchange: RSA signs MD5+SHA-1, DSA/ECDSA sign SHA-1 */
	bool psk;                 /* TLS 1.3 pre_shared_key accepted */
	bool resumed;
	bool rsa_kx;              /* TLS 1.2 RSA key exchange (kx == SUMMARY_KX_RSA) */
	bool ems;                 /* TLS 1.2 extended_master_secret negotiated (RFC 7627) */
	bool cert_requested;      /* the server sent a CertificateRequest */
	bool client_cert_msg;     /* the client sent a Certificate message */
	unsigned client_certs;    /* ... holding this many certificates (0: empty) */
	bool server_cert_msg;     /* the server sent a Certificate message */
	bool early_data_offered;  /* TLS 1.3: a ClientHello carried early_data */
	bool early_data_accepted; /* TLS 1.3: EncryptedExtensions carried early_data */
	enum summary_kx kx;
	unsigned secrets;         /* enum summary_secret bits */
	int origin_conn;          /* resumed: the earlier connection of this run that issued the
				     ticket or session it resumes; -1 none or unknown */
	struct tl_result client, server;
	bool pha_offered;         /* TLS 1.3: the ClientHello offered post_handshake_auth */
	bool cert_requested_late; /* TLS 1.3: a CertificateRequest came after the client's Finished (post-handshake auth) */
	bool late_answered;       /* ... and the client answered it (its Finished followed) */
	int http_status;          /* --http: the status of the server's answer (0: none, or no status line) */
	/* resumption (--resume, the demos): what was offered, the verdict, the ticket's story */
	enum tl_resume_offer resume_offer;  /* what the ClientHello offered (TL_OFFER_NONE: nothing) */
	enum summary_resume resume;
	int issuer_conn;          /* the earlier connection that issued what was offered; -1 unknown */
	unsigned issuer_ticket;   /* ... its Nth NewSessionTicket (1-based) whose ticket bytes are the
				     identity offered; 0 for a session ID */
	unsigned issuer_version;  /* the version of the issuing connection */
	bool ticket_age_known;    /* TLS 1.3: obfuscated_ticket_age and ticket_age_add both read */
	uint32_t ticket_age_ms;   /* ... the age the client claims: obfuscated - ticket_age_add mod 2^32 */
	int64_t ticket_elapsed_us;/* the timeline's time from that NewSessionTicket to this ClientHello */
	uint32_t ticket_lifetime_s; /* the ticket's lifetime (TLS 1.3) or lifetime hint (TLS 1.2) */
	bool ticket_early;        /* the ticket allows early data (early_data in its NewSessionTicket) */
	uint32_t ticket_max_early;/* ... max_early_data_size */
	bool early_data_eoed;     /* the client sent EndOfEarlyData */
	bool early_sent_known;    /* the client recorded its early data (TL_NOTE_EARLY_DATA_SENT) */
	uint64_t early_sent;      /* ... bytes sent (0: the ticket allowed none) */
	bool early_read_known;    /* the server recorded the early data it read (TL_NOTE_EARLY_DATA_READ) */
	uint64_t early_read;      /* ... bytes */
	struct summary_reneg reneg;
};

/* Fills s for connection conn. False when the connection has no events. */
bool summary_build(const struct timeline *tl, unsigned conn, struct summary *s);

/*
 * The full handshake a resumed connection's authentication comes from:
 * follows origin_conn back (a resumption of a resumption) to a connection
 * that was not resumed, and fills out with its summary. False when s is
 * not resumed or the origin is not in this timeline.
 */
bool summary_origin(const struct timeline *tl, const struct summary *s, struct summary *out);

/* The resumption verdict in words ("the server ignored the ticket and did a full handshake"); NULL for NONE. */
const char *summary_resume_words(enum summary_resume r);

/* The key exchange in words: "ECDHE", "PSK with ECDHE", "resumed (abbreviated handshake)"; NULL for unknown. */
const char *summary_kx_name(enum summary_kx kx);

#endif
