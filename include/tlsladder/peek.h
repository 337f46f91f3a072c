/*
 * peek: single facts of handshake bodies (the negotiated version in a
 * ServerHello, the group in a ServerKeyExchange, ...). The capture layer
 * uses them to know what it is looking at; the summary, the diagnosis and
 * the Finished check use them to name what was negotiated. They read the
 * decoder's tree (decode.h), the one parser of each body: each field is
 * found by its node's byte range. The *_tree forms read a tree the caller
 * already decoded from the same body p[0..n).
 */
#ifndef TLSLADDER_PEEK_H
#define TLSLADDER_PEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct peek_server_hello {
	bool is_hrr;             /* random is the HelloRetryRequest marker */
	unsigned legacy_version; /* the version field */
	unsigned version;        /* supported_versions if present, else legacy_version */
	unsigned cipher_suite;
	unsigned group;          /* key_share group (TLS 1.3), 0 if none */
	bool psk;                /* pre_shared_key accepted (TLS 1.3 resumption) */
	bool ems;                /* extended_master_secret present (TLS 1.2) */
	size_t session_id_len;
	uint8_t session_id[32];
};

/* True when the 32 bytes are RFC 8446's HelloRetryRequest random. */
bool peek_is_hrr_random(const uint8_t *random32);
/* Reads a ServerHello/HelloRetryRequest body. False when malformed. */
bool peek_server_hello(const uint8_t *p, size_t n, struct peek_server_hello *out);
/* The same, from the decoder's tree t of p[0..n). */
struct tree_node;
bool peek_server_hello_tree(const struct tree_node *t, const uint8_t *p, size_t n, struct peek_server_hello *out);
/* Session id of a ClientHello (for TLS 1.2 resumption); false when malformed. */
bool peek_client_hello_session_id(const uint8_t *p, size_t n, uint8_t *sid, size_t *sid_len);
bool peek_client_hello_session_id_tree(const struct tree_node *t, const uint8_t *p, size_t n, uint8_t *sid,
				       size_t *sid_len);
/* The versions a ClientHello offers (supported_versions, else legacy_version). Returns how many (up to max). */
int peek_client_hello_versions(const uint8_t *p, size_t n, unsigned *out, int max);
int peek_client_hello_versions_tree(const struct tree_node *t, const uint8_t *p, size_t n, unsigned *out, int max);
/* ECDHE ServerKeyExchange: named group and signature scheme (TLS 1.2; 0 when it cannot be read). */
bool peek_ske_ecdhe(const uint8_t *p, size_t n, unsigned *group, unsigned *sigscheme);
/* CertificateVerify: the signature scheme. */
bool peek_cert_verify(const uint8_t *p, size_t n, unsigned *sigscheme);
/* Certificate message: number of certificates (tls13 selects the 1.3 form). */
bool peek_certificate_count(const uint8_t *p, size_t n, bool tls13, unsigned *count);

/* A byte range inside a buffer. */
struct peek_span {
	const uint8_t *p;
	size_t n;
};

/* The CA names (DER Names) a CertificateRequest lists: TLS 1.2 certificate_authorities
 * field, TLS 1.3 extension 47. Returns how many were stored (up to max); -1 when malformed. */
int peek_cr_ca_names(const uint8_t *p, size_t n, bool tls13, struct peek_span *out, int max);
/* The signature schemes (wire codes) a CertificateRequest accepts: TLS 1.2 supported_signature_algorithms,
 * TLS 1.3 extension signature_algorithms. Returns how many were stored (up to max); -1 when malformed. */
int peek_cr_sigschemes(const uint8_t *p, size_t n, bool tls13, unsigned *out, int max);
/* The certificates (DER) of a Certificate message, leaf first. Returns how many (up to max); -1 malformed. */
int peek_certificates(const uint8_t *p, size_t n, bool tls13, struct peek_span *out, int max);
/* The issuer and subject Names (DER, tag included) of a certificate; false when malformed. */
bool peek_cert_names(const uint8_t *der, size_t n, struct peek_span *issuer, struct peek_span *subject);

#endif
