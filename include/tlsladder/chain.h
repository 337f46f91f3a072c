/*
 * chain: the verdict on a peer's certificate chain, link by link, as data.
 *
 * It is computed once, in tls/ (x509chain.c), by the side that received the
 * chain, with the very trust store, host name and purpose its handshake
 * used, when that side checks its peer (src/tls/peercheck.c). The timeline stores it
 * per connection and side (timeline_set_chain); every view renders it from
 * there with the functions below: the details tree of the Certificate
 * message, the text summary, the diagnosis. Nothing here calls GnuTLS.
 *
 * Counting: certificates are numbered from 1 in the order the peer sent
 * them (certificate 1 is the leaf). `sent` is how many the peer sent;
 * `path` how many certificates lead from the leaf to the trust anchor, the
 * anchor included (an anchor from the store is not sent, so a server that
 * sends leaf + intermediate has "2 sent, path of 3").
 *
 * Strings hold the certificates' bytes as they are (hostile text included),
 * and so do the words and tree values rendered from them: every view
 * passes them through the sanitizer, as for every tree and note.
 */
#ifndef TLSLADDER_CHAIN_H
#define TLSLADDER_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

#define CHAIN_MAX_LINKS 10     /* certificates examined; more are counted in `sent` only */
#define CHAIN_DN_MAX 384
#define CHAIN_LIST_MAX 256

enum chain_verdict {
	CHAIN_TRUSTED,
	CHAIN_NOT_TRUSTED
};

/* The reason a chain is not trusted: the first fault of the most serious kind. */
enum chain_fault {
	CHAIN_FAULT_NONE,
	CHAIN_FAULT_INTERNAL,          /* out of memory while judging */
	CHAIN_FAULT_MALFORMED,         /* certificate fault_link cannot be read */
	CHAIN_FAULT_SIGNATURE,         /* its signature does not verify under its issuer's key */
	CHAIN_FAULT_SIGNATURE_ERROR,   /* its signature could not be checked */
	CHAIN_FAULT_INSECURE_ALGORITHM,
	CHAIN_FAULT_ISSUER_NOT_CA,
	CHAIN_FAULT_CONSTRAINTS,       /* the issuer's constraints forbid it */
	CHAIN_FAULT_NO_CERTIFICATE,    /* the peer sent none */
	CHAIN_FAULT_UNKNOWN_ISSUER,    /* its issuer was neither sent nor trusted */
	CHAIN_FAULT_SELF_SIGNED,       /* self-signed and not a trust anchor */
	CHAIN_FAULT_NO_ANCHOR,         /* the path stops before a trust anchor */
	CHAIN_FAULT_DATES,             /* fault_link (0: the trust anchor) is outside its dates */
	CHAIN_FAULT_NAME,              /* the leaf is for another host name */
	CHAIN_FAULT_PURPOSE,           /* the leaf's extended key usage does not fit the role */
	CHAIN_FAULT_LIBRARY,           /* only GnuTLS objected (lib_text says why) */
	CHAIN_FAULT_LIBRARY_ERROR      /* GnuTLS could not run its check (lib_text) */
};

/* Who issued a certificate, as the walk found it. */
enum chain_issuer {
	CHAIN_ISSUER_UNREADABLE,       /* this certificate cannot be read */
	CHAIN_ISSUER_SENT,             /* another certificate sent (issuer_index) */
	CHAIN_ISSUER_ANCHOR,           /* a trust anchor in the store */
	CHAIN_ISSUER_IS_ANCHOR,        /* this certificate is itself a trust anchor */
	CHAIN_ISSUER_SELF_UNTRUSTED,   /* itself (self-signed), not in the store */
	CHAIN_ISSUER_UNKNOWN,          /* neither sent nor in the store */
	CHAIN_ISSUER_NEXT_UNREADABLE,  /* the next certificate sent cannot be read */
	CHAIN_ISSUER_OFF_PATH          /* not on the path (it ended or broke before) */
};

enum chain_sig {
	CHAIN_SIG_NOT_CHECKED,         /* no issuer to check it with */
	CHAIN_SIG_VALID,
	CHAIN_SIG_INVALID,
	CHAIN_SIG_INSECURE,            /* valid, but made with an algorithm GnuTLS refuses */
	CHAIN_SIG_ERROR                /* the check itself failed */
};

enum chain_ca {
	CHAIN_CA_NOT_CHECKED,
	CHAIN_CA_YES,
	CHAIN_CA_NOT_CA,               /* the issuer is not a CA (basic constraints / key usage) */
	CHAIN_CA_CONSTRAINTS           /* the issuer's constraints forbid this certificate */
};

enum chain_when {
	CHAIN_WHEN_VALID,
	CHAIN_WHEN_EXPIRED,
	CHAIN_WHEN_NOT_YET,
	CHAIN_WHEN_UNKNOWN             /* the dates cannot be read */
};

enum chain_host {
	CHAIN_HOST_NOT_CHECKED,        /* no host name (a client's certificate, or none given) */
	CHAIN_HOST_MATCH,
	CHAIN_HOST_MISMATCH
};

enum chain_purpose {
	CHAIN_PURPOSE_NOT_CHECKED,     /* not the leaf */
	CHAIN_PURPOSE_ANY,             /* no extended key usage: any purpose */
	CHAIN_PURPOSE_FITS,            /* serverAuth (clientAuth) present */
	CHAIN_PURPOSE_ANY_EKU,         /* anyExtendedKeyUsage */
	CHAIN_PURPOSE_MISSING          /* the role's purpose is missing */
};

/* A certificate's validity judged against the chain's `now`. */
struct chain_dates {
	enum chain_when when;
	long days;                     /* left, since expiry, or until it starts */
	int64_t not_before, not_after; /* seconds since the epoch, -1 unknown */
};

/* One certificate as sent, and each check made on it. */
struct chain_link {
	char subject[CHAIN_DN_MAX];
	char issuer[CHAIN_DN_MAX];
	char parse_error[96];          /* CHAIN_ISSUER_UNREADABLE: why */
	enum chain_issuer issued_by;
	unsigned issuer_index;         /* CHAIN_ISSUER_SENT: the issuer's number */
	char other_subject[CHAIN_DN_MAX]; /* CHAIN_ISSUER_UNKNOWN: the next certificate sent, "" if none */
	enum chain_sig signature;
	char sig_alg[48];
	enum chain_ca issuer_ca;
	bool dates_checked;
	struct chain_dates dates;
	enum chain_host host;          /* the leaf only */
	char names[CHAIN_LIST_MAX];    /* the DNS/IP names it is for (host check) */
	enum chain_purpose purpose;    /* the leaf only */
	char eku[CHAIN_LIST_MAX];      /* its extended key usages, "" when absent */
};

enum chain_anchor_kind {
	CHAIN_ANCHOR_NONE,             /* no path reaches a trust anchor */
	CHAIN_ANCHOR_STORE,            /* the issuer of the last link, found in the store */
	CHAIN_ANCHOR_SENT              /* certificate anchor_index was itself in the store */
};

struct chain_result {
	enum tl_side judge;            /* the side that received and judged the chain */
	enum chain_verdict verdict;
	enum chain_fault fault;        /* CHAIN_FAULT_NONE when trusted */
	unsigned fault_link;           /* the certificate the fault is about (0: the trust anchor) */
	enum chain_fault walk_fault;   /* the walk's own first fault, even where GnuTLS accepted */
	unsigned walk_fault_link;
	unsigned sent;                 /* certificates the peer sent */
	unsigned nlinks;               /* links described: min(sent, CHAIN_MAX_LINKS) */
	unsigned path;                 /* certificates from the leaf to the anchor, anchor included; 0: none */
	bool peer_is_server;           /* the purpose checked: serverAuth, else clientAuth */
	char hostname[256];            /* the name the leaf must match, "" when none */
	int64_t now;                   /* the time the dates were judged at (seconds since the epoch) */
	struct chain_link link[CHAIN_MAX_LINKS];
	/* the trust anchor */
	enum chain_anchor_kind anchor;
	unsigned anchor_index;         /* CHAIN_ANCHOR_SENT */
	char anchor_name[CHAIN_DN_MAX];    /* its common name (or DN) */
	char anchor_subject[CHAIN_DN_MAX];
	struct chain_dates anchor_dates;
	/* the trust store, in words: "CA file certs/root-ca.pem", "the system trust store" */
	char store[512];
	bool store_empty;              /* no anchors at all */
	/* GnuTLS's own verification of the chain: the handshake's check */
	bool lib_run;
	int lib_rc;                    /* < 0: it could not run */
	unsigned lib_status;           /* gnutls_certificate_status_t bits */
	bool lib_dates;                /* it judged the dates too (false: checked here only) */
	char lib_text[256];            /* its status in words */
};

/*
 * The verdict in one line (unsanitized), the same words everywhere:
 * "trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'",
 * "NOT trusted: certificate 1 expired 2159 days ago; 2 sent, path of 3 to
 * tlsladder Demo Root CA", "NOT trusted: issuer 'CN=...' unknown; 1 sent,
 * no path to a trust anchor". Returns true when trusted.
 */
bool chain_words(const struct chain_result *c, char *buf, size_t n);

/* "2 sent, path of 3 to tlsladder Demo Root CA" (unsanitized). */
void chain_counts(const struct chain_result *c, char *buf, size_t n);

/*
 * The chain as a tree: the root "chain" holds the verdict line (flagged
 * TREE_GOOD or TREE_BAD), then who judged it and the counts, one node per
 * certificate with each check flagged TREE_GOOD or TREE_BAD, the trust
 * anchor, GnuTLS's verification and the trust store. NULL when out of memory.
 */
struct tree_node *chain_tree(const struct chain_result *c);

#endif
