/*
 * x509view: certificates as field trees, and the validation of a chain
 * link by link. The Certificate decoder opens each entry into
 * x509view_cert(). A chain is judged once, by the side that received it,
 * with the trust store, host name and purpose its handshake used
 * (x509view_judge in src/tls/tls_internal.h, called by peercheck.c); the
 * result is a struct chain_result (tlsladder/chain.h) kept in the
 * timeline, which the views render. x509view_chain() and
 * x509view_verdict() below judge a chain against anchors from files,
 * outside any handshake (tests, fuzzing). This header is GnuTLS-free; the
 * work is done in src/tls/: x509facts.c reads the fields of one
 * certificate, x509chain.c judges a chain, x509view.c writes the trees.
 *
 * Certificates carry hostile bytes (ESC, CR, LF, bidi overrides in a DN).
 * Tree values hold them raw, as the certificate has them (tree_print() and
 * the UI sanitize every value); the verdict line written by
 * x509view_verdict() is sanitized already, as it is shown directly.
 *
 * Numbering: certificates are counted from 1, the leaf (as sent) being
 * certificate 1. All dates are judged against the caller's `now`.
 */
#ifndef TLSLADDER_X509VIEW_H
#define TLSLADDER_X509VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tlsladder/tree.h"

/*
 * One certificate: subject, issuer, serial, validity relative to now
 * ("expired N days ago" / "valid for N more days"), SANs (DNS, IP, email,
 * URI), public key (type, bits or curve), key usage, extended key usage
 * (serverAuth, clientAuth, ...), basic constraints, signature algorithm,
 * SHA-256 fingerprint, SPKI pin (HPKP "pin-sha256"), then a collapsed
 * "full text" node whose children are the lines of GnuTLS's full print.
 * The root and the fields read from the DER (version, serial, subject,
 * issuer, validity and its dates, the SAN, key usage, extended key usage
 * and basic constraints extensions, public key, signature algorithm) carry
 * the range of their bytes (tree.h), offsets from der[0].
 * Malformed DER gives a root flagged TREE_ERROR with the reason; never a
 * crash. NULL only when memory ran out.
 */
struct tree_node *x509view_cert(const uint8_t *der, size_t n, time_t now);

/* Where trust anchors come from. ca_file NULL: none from a file. */
struct x509view_trust {
	const char *ca_file;       /* PEM file of trusted CA certificates */
	bool system_trust;         /* also the system's trust store */
};

/*
 * The chain view of a chain judged outside a handshake (chain_tree() of
 * the result). ders[0..count) is the chain as the peer sent it (leaf
 * first). The root's value is the one-line verdict, flagged TREE_GOOD
 * (trusted) or TREE_BAD; then one node per certificate, each check a child
 * flagged TREE_GOOD or TREE_BAD: its issuer is a certificate sent (the next
 * one first) or a trust anchor, its signature verifies under that key, the
 * issuer may sign certificates, its dates contain now, and for the leaf:
 * the host name (when hostname is not NULL) and the extended key usage for
 * its role (peer_is_server: serverAuth, else clientAuth). Then the trust
 * anchor and GnuTLS's own verdict (its date checks off: dates are judged
 * against now). trust may be NULL (nothing is trusted).
 */
struct tree_node *x509view_chain(const uint8_t *const *ders, const size_t *lens, size_t count,
				 const struct x509view_trust *trust, const char *hostname, bool peer_is_server,
				 time_t now);

/*
 * The verdict line alone, sanitized, into buf (chain_words(): the same text
 * as the chain root's value, before sanitizing): "trusted: 2 sent, path of
 * 3 to tlsladder Demo Root CA", "NOT trusted: issuer 'CN=...' unknown; 1
 * sent, no path to a trust anchor", ... Returns true when trusted.
 */
bool x509view_verdict(const uint8_t *const *ders, const size_t *lens, size_t count,
		      const struct x509view_trust *trust, const char *hostname, bool peer_is_server, time_t now,
		      char *buf, size_t n);

#endif
