/*
 * chain.c: the stored chain verdict in words and as a tree (see chain.h).
 *
 * Every sentence about a chain is written here from the typed result, so
 * the details pane, the summary and the diagnosis say the same thing.
 */
#include "tlsladder/chain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Appends printf output to buf (bounded). */
static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

/* "certificate 2" or "the trust anchor": who issued link i (1-based). */
static void issuer_who(const struct chain_result *c, unsigned i, char *buf, size_t n)
{
	const struct chain_link *l = &c->link[i - 1];

	if (l->issued_by == CHAIN_ISSUER_SENT)
		snprintf(buf, n, "certificate %u", l->issuer_index);
	else
		snprintf(buf, n, "the trust anchor");
}

/* "expired 3 days ago", "valid for 1 more day", ... */
static void dates_words(const struct chain_dates *d, char *buf, size_t n)
{
	const char *s = d->days == 1 ? "" : "s";

	switch (d->when) {
	case CHAIN_WHEN_VALID:
		snprintf(buf, n, "valid for %ld more day%s", d->days, s);
		break;
	case CHAIN_WHEN_EXPIRED:
		snprintf(buf, n, "expired %ld day%s ago", d->days, s);
		break;
	case CHAIN_WHEN_NOT_YET:
		snprintf(buf, n, "not valid yet: starts in %ld day%s", d->days, s);
		break;
	default:
		snprintf(buf, n, "the validity dates cannot be read");
		break;
	}
}

/* "2024-01-01 00:00:00 UTC", or "unknown". */
static void time_words(int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || !gmtime_r(&tt, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "unknown");
}

/* The sentence of a fault about certificate i (unsanitized). */
static void fault_words(const struct chain_result *c, enum chain_fault f, unsigned i, char *buf, size_t n)
{
	const struct chain_link *l = i >= 1 && i <= c->nlinks ? &c->link[i - 1] : NULL;
	char who[48] = "?", d[96];

	if (l)
		issuer_who(c, i, who, sizeof who);
	switch (f) {
	case CHAIN_FAULT_INTERNAL:
		snprintf(buf, n, "NOT trusted: out of memory");
		break;
	case CHAIN_FAULT_MALFORMED:
		snprintf(buf, n, "NOT trusted: certificate %u cannot be read (%s)", i, l ? l->parse_error : "?");
		break;
	case CHAIN_FAULT_SIGNATURE:
		snprintf(buf, n, "NOT trusted: the signature on certificate %u does not verify under %s's key", i, who);
		break;
	case CHAIN_FAULT_SIGNATURE_ERROR:
		snprintf(buf, n, "NOT trusted: the signature on certificate %u could not be checked", i);
		break;
	case CHAIN_FAULT_INSECURE_ALGORITHM:
		snprintf(buf, n, "NOT trusted: certificate %u is signed with an insecure algorithm (%s)", i,
			 l ? l->sig_alg : "?");
		break;
	case CHAIN_FAULT_ISSUER_NOT_CA:
		snprintf(buf, n, "NOT trusted: %s, which issued certificate %u, is not a CA", who, i);
		break;
	case CHAIN_FAULT_CONSTRAINTS:
		snprintf(buf, n, "NOT trusted: %s's constraints forbid certificate %u", who, i);
		break;
	case CHAIN_FAULT_NO_CERTIFICATE:
		snprintf(buf, n, "NOT trusted: no certificate was sent");
		break;
	case CHAIN_FAULT_UNKNOWN_ISSUER:
		snprintf(buf, n, "NOT trusted: issuer '%s' unknown", l ? l->issuer : "?");
		break;
	case CHAIN_FAULT_SELF_SIGNED:
		snprintf(buf, n, "NOT trusted: certificate %u is self-signed and not in the trust store", i);
		break;
	case CHAIN_FAULT_NO_ANCHOR:
		snprintf(buf, n, "NOT trusted: the chain does not reach a trust anchor");
		break;
	case CHAIN_FAULT_DATES:
		dates_words(l ? &l->dates : &c->anchor_dates, d, sizeof d);
		if (l)
			snprintf(buf, n, "NOT trusted: certificate %u %s", i, d);
		else
			snprintf(buf, n, "NOT trusted: trust anchor '%.300s' %s", c->anchor_name, d);
		break;
	case CHAIN_FAULT_NAME:
		snprintf(buf, n, "NOT trusted: name mismatch: certificate 1 is for %s, not '%s'", l ? l->names : "?",
			 c->hostname);
		break;
	case CHAIN_FAULT_PURPOSE:
		snprintf(buf, n, "NOT trusted: extended key usage does not fit: certificate 1 is not for %s (%s missing; it has %s)",
			 c->peer_is_server ? "a TLS server" : "a TLS client", c->peer_is_server ? "serverAuth" : "clientAuth",
			 l ? l->eku : "?");
		break;
	case CHAIN_FAULT_LIBRARY: {
		size_t len = strlen(c->lib_text);
		while (len > 0 && c->lib_text[len - 1] == '.')
			len--;          /* a clause of the line now, not a sentence */
		snprintf(buf, n, "NOT trusted according to GnuTLS: %.*s", (int)len, c->lib_text);
		break;
	}
	case CHAIN_FAULT_LIBRARY_ERROR:
		snprintf(buf, n, "NOT trusted: GnuTLS could not verify the chain: %s", c->lib_text);
		break;
	default:
		snprintf(buf, n, "trusted");
		break;
	}
}

/* The counts: "2 sent, path of 3 to X" / "1 sent, no path to a trust anchor". */
void chain_counts(const struct chain_result *c, char *buf, size_t n)
{
	snprintf(buf, n, "%u sent, ", c->sent);
	if (c->path && c->anchor != CHAIN_ANCHOR_NONE)
		append(buf, n, "path of %u to %s", c->path, c->anchor_name);
	else
		append(buf, n, "no path to a trust anchor");
}

/* The verdict line as the certificates have it (unsanitized). */
bool chain_words(const struct chain_result *c, char *raw, size_t n)
{
	bool ok = c->verdict == CHAIN_TRUSTED;

	if (!raw || n == 0)
		return ok;
	raw[0] = '\0';
	if (ok) {
		snprintf(raw, n, "trusted: ");
		chain_counts(c, raw + strlen(raw), n - strlen(raw));
		if (c->hostname[0])
			append(raw, n, ", name matches '%s'", c->hostname);
	} else {
		fault_words(c, c->fault, c->fault_link, raw, n);
		if (c->fault != CHAIN_FAULT_NO_CERTIFICATE && c->fault != CHAIN_FAULT_INTERNAL) {
			append(raw, n, "; ");
			chain_counts(c, raw + strlen(raw), n - strlen(raw));
		}
	}
	return ok;
}

/* A check node flagged good or bad. */
static struct tree_node *check(struct tree_node *parent, const char *label, bool good, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct tree_node *check(struct tree_node *parent, const char *label, bool good, const char *fmt, ...)
{
	char v[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	return tree_flag(tree_add(parent, label, v), good ? TREE_GOOD : TREE_BAD);
}

/* The "issued by" node of link i. */
static void add_issued_by(struct tree_node *node, const struct chain_result *c, unsigned i)
{
	const struct chain_link *l = &c->link[i - 1];

	switch (l->issued_by) {
	case CHAIN_ISSUER_SENT:
		check(node, "issued by", true, "certificate %u (its subject is this issuer)%s", l->issuer_index,
		      l->issuer_index == i + 1 ? "" : ", sent out of order");
		break;
	case CHAIN_ISSUER_ANCHOR:
		check(node, "issued by", true, "trust anchor '%s' (in %s)", c->anchor_name, c->store);
		break;
	case CHAIN_ISSUER_IS_ANCHOR:
		check(node, "issued by", true, "itself a trust anchor (in %s)", c->store);
		break;
	case CHAIN_ISSUER_SELF_UNTRUSTED:
		check(node, "issued by", false, "itself (self-signed), and it is not in the trust store");
		break;
	case CHAIN_ISSUER_UNKNOWN:
		if (l->other_subject[0])
			check(node, "issued by", false, "unknown: certificate %u is '%s', not this issuer, and no trust anchor is",
			      i + 1, l->other_subject);
		else
			check(node, "issued by", false,
			      "unknown: '%s' was not sent and is not in the trust store (an intermediate the peer left out, "
			      "or a CA this side does not trust)",
			      l->issuer);
		break;
	case CHAIN_ISSUER_NEXT_UNREADABLE:
		check(node, "issued by", false, "unknown: the next certificate cannot be read");
		break;
	default:
		break;
	}
}

/* The signature and "issuer may sign" nodes of link i. */
static void add_signature(struct tree_node *node, const struct chain_result *c, unsigned i)
{
	const struct chain_link *l = &c->link[i - 1];
	char who[48];

	issuer_who(c, i, who, sizeof who);
	switch (l->signature) {
	case CHAIN_SIG_VALID:
		check(node, "signature", true, "valid under %s's key (%s)", who, l->sig_alg);
		break;
	case CHAIN_SIG_INVALID:
		check(node, "signature", false, "INVALID under %s's key (%s)", who, l->sig_alg);
		break;
	case CHAIN_SIG_INSECURE:
		check(node, "signature", false, "made with an algorithm GnuTLS considers insecure (%s)", l->sig_alg);
		break;
	case CHAIN_SIG_ERROR:
		check(node, "signature", false, "could not be checked");
		break;
	default:
		break;
	}
	if (l->issuer_ca == CHAIN_CA_YES)
		check(node, "issuer may sign", true, "yes: %s is a CA", who);
	else if (l->issuer_ca == CHAIN_CA_NOT_CA)
		check(node, "issuer may sign", false, "no: %s is not a CA (basic constraints / key usage)", who);
	else if (l->issuer_ca == CHAIN_CA_CONSTRAINTS)
		check(node, "issuer may sign", false, "no: %s's constraints forbid it", who);
}

/* A "dates" check node. */
static void add_dates(struct tree_node *node, const struct chain_dates *d)
{
	char words[96], nb[40], na[40];

	dates_words(d, words, sizeof words);
	time_words(d->not_before, nb, sizeof nb);
	time_words(d->not_after, na, sizeof na);
	check(node, "dates", d->when == CHAIN_WHEN_VALID, "%s (%s to %s)", words, nb, na);
}

/* The leaf's host name and purpose nodes. */
static void add_leaf_checks(struct tree_node *node, const struct chain_result *c, const struct chain_link *l)
{
	const char *need = c->peer_is_server ? "serverAuth" : "clientAuth";
	const char *role = c->peer_is_server ? "a server" : "a client";

	if (l->host == CHAIN_HOST_MATCH)
		check(node, "host name", true, "matches '%s'", c->hostname);
	else if (l->host == CHAIN_HOST_MISMATCH)
		check(node, "host name", false, "does not match '%s'; the certificate is for %s", c->hostname, l->names);
	if (l->purpose == CHAIN_PURPOSE_ANY)
		check(node, "purpose", true, "no extended key usage: any purpose, so %s too", role);
	else if (l->purpose == CHAIN_PURPOSE_FITS)
		check(node, "purpose", true, "%s present: fits %s (extended key usage: %s)", need, role, l->eku);
	else if (l->purpose == CHAIN_PURPOSE_ANY_EKU)
		check(node, "purpose", true, "anyExtendedKeyUsage: fits %s", role);
	else if (l->purpose == CHAIN_PURPOSE_MISSING)
		check(node, "purpose", false, "%s missing: does not fit %s (extended key usage: %s)", need, role, l->eku);
}

/* One certificate's node. */
static void add_link(struct tree_node *root, const struct chain_result *c, unsigned i)
{
	const struct chain_link *l = &c->link[i - 1];
	char label[48];
	struct tree_node *node;

	snprintf(label, sizeof label, "certificate %u%s", i, i == 1 ? " (leaf)" : "");
	if (l->issued_by == CHAIN_ISSUER_UNREADABLE) {
		tree_flag(tree_addf(root, label, "cannot be read (malformed DER): %s", l->parse_error), TREE_ERROR | TREE_BAD);
		return;
	}
	node = tree_add(root, label, l->subject);
	tree_add(node, "subject", l->subject);
	tree_add(node, "issuer", l->issuer);
	if (l->issued_by == CHAIN_ISSUER_OFF_PATH) {
		tree_add(node, "on the path", c->anchor != CHAIN_ANCHOR_NONE ? "no: the path reaches the trust anchor without it"
									      : "not checked: the path broke before it");
		return;
	}
	add_issued_by(node, c, i);
	add_signature(node, c, i);
	if (l->dates_checked)
		add_dates(node, &l->dates);
	add_leaf_checks(node, c, l);
}

/* The trust anchor node. */
static void add_anchor(struct tree_node *root, const struct chain_result *c)
{
	struct tree_node *node;

	if (c->anchor == CHAIN_ANCHOR_SENT) {
		tree_flag(tree_addf(root, "trust anchor", "%s (certificate %u, in %s)", c->anchor_name, c->anchor_index,
				    c->store),
			  TREE_GOOD);
		return;
	}
	if (c->anchor == CHAIN_ANCHOR_NONE) {
		tree_flag(tree_add(root, "trust anchor", "none found"), TREE_BAD);
		return;
	}
	node = tree_flag(tree_addf(root, "trust anchor", "%s (in %s)", c->anchor_name, c->store), TREE_GOOD);
	tree_add(node, "subject", c->anchor_subject);
	tree_add(node, "store", c->store);
	add_dates(node, &c->anchor_dates);
}

/* GnuTLS's verdict, and the walk's where the two disagree. */
static void add_library(struct tree_node *root, const struct chain_result *c)
{
	char words[1400];

	if (!c->lib_run)
		tree_add(root, "GnuTLS verification", "not run: no trust anchors");
	else if (c->lib_rc < 0)
		check(root, "GnuTLS verification", false, "failed to run: %s", c->lib_text);
	else
		check(root, "GnuTLS verification", c->lib_status == 0, "%s (status 0x%x%s)", c->lib_text, c->lib_status,
		      c->lib_dates ? "" : "; dates not included: they are judged above");
	if (c->verdict == CHAIN_TRUSTED && c->walk_fault != CHAIN_FAULT_NONE) {
		fault_words(c, c->walk_fault, c->walk_fault_link, words, sizeof words);
		check(root, "walk above", false, "disagrees with GnuTLS, which accepted the chain: %s", words);
	}
}

/* The chain as a tree. */
struct tree_node *chain_tree(const struct chain_result *c)
{
	char line[1400];
	bool ok = chain_words(c, line, sizeof line);
	struct tree_node *root = tree_flag(tree_new("chain", line), ok ? TREE_GOOD : TREE_BAD);

	if (!root)
		return NULL;
	if (c->lib_dates)           /* GnuTLS's status is the handshake's own check */
		tree_addf(root, "judged by", "the %s, with the trust store%s and purpose (%s) its handshake used",
			  c->judge == TL_CLIENT ? "client" : "server", c->hostname[0] ? ", host name" : "",
			  c->peer_is_server ? "serverAuth" : "clientAuth");
	else
		tree_addf(root, "judged by", "the trust store%s and purpose (%s) given, outside a handshake",
			  c->hostname[0] ? ", host name" : "", c->peer_is_server ? "serverAuth" : "clientAuth");
	chain_counts(c, line, sizeof line);
	tree_add(root, "certificates", line);
	for (unsigned i = 1; i <= c->nlinks; i++)
		add_link(root, c, i);
	if (c->sent > c->nlinks)
		tree_addf(root, "not examined", "%u more certificate%s", c->sent - c->nlinks,
			  c->sent - c->nlinks == 1 ? "" : "s");
	if (c->fault != CHAIN_FAULT_NO_CERTIFICATE)
		add_anchor(root, c);
	add_library(root, c);
	tree_add(root, "trust store", c->store_empty ? "none: nothing can be trusted" : c->store);
	return root;
}
