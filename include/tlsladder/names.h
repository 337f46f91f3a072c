/*
 * names.h - human-readable names for TLS wire values.
 *
 * Pure lookup tables that turn the numbers seen on the wire (handshake
 * message types, record content types, alerts, protocol versions, cipher
 * suites, named groups, signature schemes and extension types) into the
 * names used by the IANA registries and the RFCs, plus a plain-language
 * sentence for each alert.  Every function returns a pointer to a static,
 * read-only string that the caller must not free, or NULL when the value is
 * not known.  The module has no dependency on GnuTLS or curses and keeps no
 * mutable state, so it is safe to call from any thread.
 */
#ifndef TLSLADDER_NAMES_H
#define TLSLADDER_NAMES_H

#include <stdbool.h>

#include "tlsladder/notes.h"

/* Handshake message type (RFC 8446 / RFC 5246 numbering), in the CamelCase
 * used by RFC prose: 1 "ClientHello", 2 "ServerHello", 11 "Certificate",
 * 20 "Finished", 254 "MessageHash", ... */
const char *names_handshake(unsigned type);

/* Record-layer content type: 20 "change_cipher_spec", 21 "alert",
 * 22 "handshake", 23 "application_data", 24 "heartbeat", ... */
const char *names_content_type(unsigned type);

/* Alert description, IANA TLS Alerts registry name: 0 "close_notify",
 * 40 "handshake_failure", 48 "unknown_ca", 120 "no_application_protocol",
 * ... including the deprecated ones. */
const char *names_alert(unsigned desc);

/* One plain-language sentence saying what an alert means to a person; known
 * for every alert that names_alert() knows, NULL otherwise. */
const char *names_alert_meaning(unsigned desc);

/* Alert level: 1 "warning", 2 "fatal". */
const char *names_alert_level(unsigned level);

/* Protocol version: 0x0300 "SSL 3.0", 0x0301 "TLS 1.0" ... 0x0304 "TLS 1.3",
 * 0xfeff "DTLS 1.0", 0xfefd "DTLS 1.2", 0xfefc "DTLS 1.3"; GREASE values
 * give "GREASE". */
const char *names_version(unsigned v);

/* IANA cipher suite name, e.g. 0x1301 "TLS_AES_128_GCM_SHA256",
 * 0xc02f "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; GREASE values give
 * "GREASE". */
const char *names_cipher_suite(unsigned id);

/* The key type that signs a TLS 1.0-1.2 suite's ServerKeyExchange
 * (ECDHE_RSA, DHE_RSA: RSA; ECDHE_ECDSA: ECDSA; DHE_DSS: DSA); NONE for
 * RSA key exchange, PSK, anonymous and TLS 1.3 suites. */
enum names_auth { NAMES_AUTH_NONE, NAMES_AUTH_RSA, NAMES_AUTH_DSA, NAMES_AUTH_ECDSA };
enum names_auth names_suite_auth(unsigned id);
/* True for a CBC suite with an HMAC-SHA-1 record MAC (IANA name "..._CBC_SHA"). */
bool names_suite_cbc_sha1(unsigned id);

/* Named group (supported_groups / key_share), IANA name: 0x0017
 * "secp256r1", 0x001d "x25519", 0x0100 "ffdhe2048", 0x11ec
 * "X25519MLKEM768", ...; GREASE values give "GREASE". */
const char *names_group(unsigned id);

/* Signature scheme, IANA name (0x0403 "ecdsa_secp256r1_sha256",
 * 0x0804 "rsa_pss_rsae_sha256", 0x0807 "ed25519", ...).  TLS 1.2
 * hash/signature pairs that have no registered scheme (hash 1..6,
 * signature 1..3) get a "<sig>_<hash>" name such as 0x0402 "dsa_sha256" or
 * 0x0101 "rsa_md5".  GREASE values give "GREASE". */
const char *names_sigscheme(unsigned id);
/* True when a key of this kind can sign with the scheme: in TLS 1.3 an ECDSA scheme names the
 * key's curve and RSA signs with PSS only; in TLS 1.2 any ECDSA hash fits any curve, and
 * rsa_pkcs1_* fits RSA. Unknown keys fit every scheme (nothing is claimed about them). */
bool names_sigscheme_fits_key(unsigned scheme, enum tl_key_kind key, bool tls13);

/* Extension type, IANA name: 0 "server_name", 10 "supported_groups",
 * 43 "supported_versions", 51 "key_share", 0xff01 "renegotiation_info",
 * 0xfe0d "encrypted_client_hello", ...; GREASE values give "GREASE". */
const char *names_extension(unsigned id);

/* True for the 16 GREASE values 0x0a0a, 0x1a1a, ... 0xfafa (RFC 8701). */
bool names_is_grease(unsigned id);

#endif /* TLSLADDER_NAMES_H */
