/*
 * x509chain.c: a chain judged once, link by link, into a struct
 * chain_result (tlsladder/chain.h, rendered by core/chain.c), with the
 * trust store, host name and purpose its handshake used (see
 * x509_internal.h).
 *
 * The walk follows the chain from the leaf: a certificate is anchored when
 * it is itself in the trust store, linked when a certificate sent (the
 * next one first) is its issuer, anchored when the store holds its issuer,
 * and otherwise the path breaks there. Every fault found is filed under a
 * kind; the verdict names the first fault of the most serious kind. When a
 * handshake checked the chain, its GnuTLS status is the verdict, and the
 * walk explains it.
 *
 * The trust store a handshake judges with is the endpoint's own, the list
 * its credentials hold for the whole run (session.c passes
 * gnutls_certificate_get_trust_list of them): the very anchors the
 * handshake's check used. Outside a handshake (tests, fuzzing),
 * x509chain_judge_files() loads anchors from files for one judgement.
 */
#include "x509_internal.h"
#include "tlsladder/chain.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kinds of fault, most serious first; the verdict names the first fault of the first kind found. */
enum fault_kind { K_MALFORMED, K_SIGNATURE, K_PATH, K_DATES, K_NAME, K_PURPOSE, K_COUNT };

struct faults {
	bool set[K_COUNT];
	enum chain_fault f[K_COUNT];
	unsigned link[K_COUNT];
};

/* The kind a fault belongs to. */
static enum fault_kind fault_kind(enum chain_fault f)
{
	switch (f) {
	case CHAIN_FAULT_INTERNAL:
	case CHAIN_FAULT_MALFORMED:
		return K_MALFORMED;
	case CHAIN_FAULT_SIGNATURE:
	case CHAIN_FAULT_SIGNATURE_ERROR:
	case CHAIN_FAULT_INSECURE_ALGORITHM:
	case CHAIN_FAULT_ISSUER_NOT_CA:
	case CHAIN_FAULT_CONSTRAINTS:
		return K_SIGNATURE;
	case CHAIN_FAULT_DATES:
		return K_DATES;
	case CHAIN_FAULT_NAME:
		return K_NAME;
	case CHAIN_FAULT_PURPOSE:
		return K_PURPOSE;
	default:
		return K_PATH;
	}
}

/* Files a fault about certificate link (0: the trust anchor); the first of each kind is kept. */
static void fault(struct faults *fs, enum chain_fault f, unsigned link)
{
	enum fault_kind k = fault_kind(f);

	if (fs->set[k])
		return;
	fs->set[k] = true;
	fs->f[k] = f;
	fs->link[k] = link;
}

/* Copies a DN (or a name) into a fixed field. */
static void put(char *dst, size_t n, char *s)
{
	snprintf(dst, n, "%s", s ? s : "?");
	free(s);
}

/* The certificate's dates against now. */
static void dates_of(gnutls_x509_crt_t crt, time_t now, struct chain_dates *d)
{
	time_t nb, na;
	enum x509facts_when w = x509facts_dates(crt, now, &d->days, &nb, &na);

	d->when = w == X509FACTS_VALID ? CHAIN_WHEN_VALID : w == X509FACTS_EXPIRED ? CHAIN_WHEN_EXPIRED
		  : w == X509FACTS_NOT_YET ? CHAIN_WHEN_NOT_YET : CHAIN_WHEN_UNKNOWN;
	d->not_before = nb == (time_t)-1 ? -1 : (int64_t)nb;
	d->not_after = na == (time_t)-1 ? -1 : (int64_t)na;
}

/* True when crt itself is a trust anchor of list. */
static bool store_has(gnutls_x509_trust_list_t list, gnutls_x509_crt_t crt)
{
	gnutls_datum_t dn = { NULL, 0 };
	gnutls_x509_crt_t a = NULL;
	bool found = false;

	if (!list || gnutls_x509_crt_get_raw_dn(crt, &dn) < 0)
		return false;
	if (gnutls_x509_trust_list_get_issuer_by_dn(list, &dn, &a, 0) >= 0 && a) {
		found = gnutls_x509_crt_equals(a, crt);
		gnutls_x509_crt_deinit(a);
	}
	gnutls_free(dn.data);
	return found;
}

/* A trust anchor of list that issued crt (a copy to deinit), or NULL. */
static gnutls_x509_crt_t store_issuer(gnutls_x509_trust_list_t list, gnutls_x509_crt_t crt)
{
	gnutls_x509_crt_t iss = NULL;

	if (list && gnutls_x509_trust_list_get_issuer(list, crt, &iss, GNUTLS_TL_GET_COPY) >= 0 && iss)
		return iss;
	return NULL;
}

/* True when crt names itself as issuer and its own key verifies its signature. */
static bool crt_self_signed(gnutls_x509_crt_t crt)
{
	unsigned status = 0;

	if (!gnutls_x509_crt_check_issuer(crt, crt))
		return false;
	/* DO_NOT_ALLOW_SAME: really check the signature instead of trusting the certificate as itself */
	if (gnutls_x509_crt_verify(crt, &crt, 1,
				   GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_CA_SIGN |
					   GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
				   &status) < 0)
		return false;
	return !(status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND));
}

/*
 * Links GnuTLS's own verification of this handshake's chain found clean,
 * by the SHA-256 fingerprints of the certificate and its issuer. GnuTLS
 * (verify_crt, lib/x509/verify.c) reports each (certificate, issuer) pair
 * it checked, with that check's status; 0 means the issuer was found, may
 * sign (CA, key usage, constraints, path length), the signature verified
 * under the issuer's key, its algorithm is accepted, and the dates hold.
 * Those are a superset of what check_signature() asks (it turns off the
 * time checks), except the algorithm: a session may accept SHA-1, so a
 * link signed with an algorithm GnuTLS calls insecure is checked again.
 */
#define CLEAN_LINKS_MAX (CHAIN_MAX_LINKS + 2)
static _Thread_local struct {
	bool on;
	unsigned n;
	uint8_t fp[CLEAN_LINKS_MAX][2][32];
} clean_links;

/* The SHA-256 of crt's DER into fp (GnuTLS hands out the DER it was imported from); false if it cannot be had. */
static bool fingerprint(gnutls_x509_crt_t crt, uint8_t fp[32])
{
	gnutls_datum_t der = { NULL, 0 };
	bool ok = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) == 0 &&
		  gnutls_hash_get_len(GNUTLS_DIG_SHA256) == 32 && gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, fp) == 0;

	gnutls_free(der.data);
	return ok;
}

/* Starts keeping the links GnuTLS's verification finds clean (this thread). */
void x509chain_links_begin(void)
{
	memset(&clean_links, 0, sizeof clean_links);
	clean_links.on = true;
}

/* Forgets them. */
void x509chain_links_end(void)
{
	memset(&clean_links, 0, sizeof clean_links);
}

/* GnuTLS's report of one link it checked (gnutls_verify_output_function); keeps it when clean. */
int x509chain_gnutls_link(gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer, gnutls_x509_crl_t crl, unsigned out)
{
	unsigned k = clean_links.n;

	if (!clean_links.on || crl || out != 0 || !cert || !issuer || k >= CLEAN_LINKS_MAX)
		return 0;
	/* a certificate trusted as itself is not a signature GnuTLS checked */
	if (fingerprint(cert, clean_links.fp[k][0]) && fingerprint(issuer, clean_links.fp[k][1]) &&
	    memcmp(clean_links.fp[k][0], clean_links.fp[k][1], 32) != 0)
		clean_links.n = k + 1;
	return 0;
}

/* True when GnuTLS found this very link (the same two certificates, byte for byte) clean, under a secure algorithm. */
static bool checked_clean(gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer)
{
	uint8_t a[32], b[32];
	int sig = gnutls_x509_crt_get_signature_algorithm(crt);

	if (clean_links.n == 0 || sig < 0 || !gnutls_sign_is_secure2((gnutls_sign_algorithm_t)sig, 0) ||
	    !fingerprint(crt, a) || !fingerprint(issuer, b))
		return false;
	for (unsigned k = 0; k < clean_links.n; k++)
		if (memcmp(clean_links.fp[k][0], a, 32) == 0 && memcmp(clean_links.fp[k][1], b, 32) == 0)
			return true;
	return false;
}

/* Checks link i's signature under issuer's key and that the issuer may sign (i: 1-based). */
static void check_signature(struct chain_link *l, gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer, unsigned i,
			    struct faults *fs)
{
	unsigned status = 0;
	char sb[128];
	int rc;

	snprintf(l->sig_alg, sizeof l->sig_alg, "%s", x509facts_sig_name(crt, sb, sizeof sb));
	if (checked_clean(crt, issuer)) {
		/* the handshake's own verification checked this very link and found it clean (see clean_links) */
		l->signature = CHAIN_SIG_VALID;
		l->issuer_ca = CHAIN_CA_YES;
		return;
	}
	rc = gnutls_x509_crt_verify(crt, &issuer, 1,
				    GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
					    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
				    &status);
	if (rc < 0) {
		l->signature = CHAIN_SIG_ERROR;
		fault(fs, CHAIN_FAULT_SIGNATURE_ERROR, i);
		return;
	}
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE) {
		l->signature = CHAIN_SIG_INVALID;
		fault(fs, CHAIN_FAULT_SIGNATURE, i);
	} else if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
		l->signature = CHAIN_SIG_INSECURE;
		fault(fs, CHAIN_FAULT_INSECURE_ALGORITHM, i);
	} else if (!(status & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		l->signature = CHAIN_SIG_VALID;
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_CA) {
		l->issuer_ca = CHAIN_CA_NOT_CA;
		fault(fs, CHAIN_FAULT_ISSUER_NOT_CA, i);
	} else if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) {
		l->issuer_ca = CHAIN_CA_CONSTRAINTS;
		fault(fs, CHAIN_FAULT_CONSTRAINTS, i);
	} else if (!(status & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		l->issuer_ca = CHAIN_CA_YES;
	}
}

/* The leaf's checks: host name (when one is given) and extended key usage for its role. */
static void check_leaf(struct chain_result *c, struct chain_link *l, gnutls_x509_crt_t crt, struct faults *fs)
{
	struct x509facts_eku e;

	if (c->hostname[0]) {
		x509facts_host_names(crt, l->names, sizeof l->names);
		l->host = gnutls_x509_crt_check_hostname2(crt, c->hostname, 0) ? CHAIN_HOST_MATCH : CHAIN_HOST_MISMATCH;
		if (l->host == CHAIN_HOST_MISMATCH)
			fault(fs, CHAIN_FAULT_NAME, 1);
	}
	x509facts_eku_read(crt, &e);
	snprintf(l->eku, sizeof l->eku, "%.*s", (int)sizeof l->eku - 1, e.names);
	if (!e.present) {
		l->purpose = CHAIN_PURPOSE_ANY;
	} else if (c->peer_is_server ? e.server : e.client) {
		l->purpose = CHAIN_PURPOSE_FITS;
	} else if (e.any) {
		l->purpose = CHAIN_PURPOSE_ANY_EKU;
	} else {
		l->purpose = CHAIN_PURPOSE_MISSING;
		fault(fs, CHAIN_FAULT_PURPOSE, 1);
	}
}

/* The sent certificate that issued crts[i], the next one first, not one already on the path; -1 if none. */
static int sent_issuer(gnutls_x509_crt_t *crts, unsigned count, unsigned i, const bool *on_path)
{
	if (i + 1 < count && crts[i + 1] && !on_path[i + 1] && gnutls_x509_crt_check_issuer(crts[i], crts[i + 1]))
		return (int)i + 1;
	for (unsigned j = 0; j < count; j++)
		if (j != i && crts[j] && !on_path[j] && gnutls_x509_crt_check_issuer(crts[i], crts[j]))
			return (int)j;
	return -1;
}

/* What the walk has found so far. */
struct walk {
	gnutls_x509_crt_t *crts;
	gnutls_x509_trust_list_t list;
	time_t now;
	bool on_path[CHAIN_MAX_LINKS];
	struct faults fs;
};

/* Finds who issued link i (0-based) and checks that signature; returns the next link on the path, or -1. */
static int link_issuer(struct chain_result *c, struct walk *w, unsigned i)
{
	struct chain_link *l = &c->link[i];
	gnutls_x509_crt_t crt = w->crts[i], iss;
	int next;

	if (store_has(w->list, crt)) {
		l->issued_by = CHAIN_ISSUER_IS_ANCHOR;
		c->anchor = CHAIN_ANCHOR_SENT;
		c->anchor_index = i + 1;
		put(c->anchor_name, sizeof c->anchor_name, x509facts_name(crt));
	} else if ((next = sent_issuer(w->crts, c->nlinks, i, w->on_path)) >= 0) {
		l->issued_by = CHAIN_ISSUER_SENT;
		l->issuer_index = (unsigned)next + 1;
		check_signature(l, crt, w->crts[next], i + 1, &w->fs);
		return next;
	} else if ((iss = store_issuer(w->list, crt)) != NULL) {
		l->issued_by = CHAIN_ISSUER_ANCHOR;
		c->anchor = CHAIN_ANCHOR_STORE;
		put(c->anchor_name, sizeof c->anchor_name, x509facts_name(iss));
		put(c->anchor_subject, sizeof c->anchor_subject, x509facts_dn(iss, false));
		dates_of(iss, w->now, &c->anchor_dates);
		if (c->anchor_dates.when != CHAIN_WHEN_VALID)
			fault(&w->fs, CHAIN_FAULT_DATES, 0);
		check_signature(l, crt, iss, i + 1, &w->fs);
		gnutls_x509_crt_deinit(iss);
	} else if (i + 1 < c->nlinks && !w->crts[i + 1]) {
		l->issued_by = CHAIN_ISSUER_NEXT_UNREADABLE;
	} else if (crt_self_signed(crt)) {
		l->issued_by = CHAIN_ISSUER_SELF_UNTRUSTED;
		fault(&w->fs, CHAIN_FAULT_SELF_SIGNED, i + 1);
	} else {
		l->issued_by = CHAIN_ISSUER_UNKNOWN;
		if (i + 1 < c->nlinks)
			put(l->other_subject, sizeof l->other_subject, x509facts_dn(w->crts[i + 1], false));
		fault(&w->fs, CHAIN_FAULT_UNKNOWN_ISSUER, i + 1);
	}
	return -1;
}

/* Walks the path from the leaf: each link's issuer, signature, dates, and the leaf's own checks. */
static void walk_path(struct chain_result *c, struct walk *w)
{
	int i = 0, steps = 0;

	while (i >= 0 && steps < CHAIN_MAX_LINKS) {
		struct chain_link *l = &c->link[i];
		gnutls_x509_crt_t crt = w->crts[i];
		int next;

		w->on_path[i] = true;
		steps++;
		if (!crt)
			break;        /* unreadable: its fault is filed already */
		next = link_issuer(c, w, (unsigned)i);
		l->dates_checked = true;
		dates_of(crt, w->now, &l->dates);
		if (l->dates.when != CHAIN_WHEN_VALID)
			fault(&w->fs, CHAIN_FAULT_DATES, (unsigned)i + 1);
		if (i == 0)
			check_leaf(c, l, crt, &w->fs);
		i = next;
	}
	if (c->anchor != CHAIN_ANCHOR_NONE)
		c->path = (unsigned)steps + (c->anchor == CHAIN_ANCHOR_STORE);
	else if (!w->fs.set[K_PATH] && !w->fs.set[K_MALFORMED])
		fault(&w->fs, CHAIN_FAULT_NO_ANCHOR, (unsigned)steps);
	for (unsigned k = 0; k < c->nlinks; k++)
		if (!w->on_path[k] && w->crts[k])
			c->link[k].issued_by = CHAIN_ISSUER_OFF_PATH;
}

/* Parses the certificates sent; the unreadable ones are filed as faults. */
static void parse_links(struct chain_result *c, struct walk *w, const gnutls_datum_t *peers)
{
	for (unsigned i = 0; i < c->nlinks; i++) {
		struct chain_link *l = &c->link[i];
		int rc = x509facts_from_der(peers[i].data, peers[i].size, &w->crts[i]);

		if (rc < 0) {
			l->issued_by = CHAIN_ISSUER_UNREADABLE;
			snprintf(l->parse_error, sizeof l->parse_error, "%s", gnutls_strerror(rc));
			fault(&w->fs, CHAIN_FAULT_MALFORMED, i + 1);
			continue;
		}
		put(l->subject, sizeof l->subject, x509facts_dn(w->crts[i], false));
		put(l->issuer, sizeof l->issuer, x509facts_dn(w->crts[i], true));
	}
}

/* GnuTLS's status in words. */
static void lib_words(unsigned status, char *buf, size_t n)
{
	gnutls_datum_t out = { NULL, 0 };

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) >= 0 && out.data) {
		size_t len = out.size;
		while (len > 0 && out.data[len - 1] == ' ')
			len--;
		snprintf(buf, n, "%.*s", (int)len, (const char *)out.data);
	} else {
		snprintf(buf, n, "status 0x%x", status);
	}
	gnutls_free(out.data);
}

/* GnuTLS's verification of the chain with list, dates excluded (when no handshake made it). */
static void lib_verify(struct chain_result *c, const struct walk *w)
{
	gnutls_typed_vdata_st data[2];
	unsigned ndata = 0;

	if (!w->list)
		return;
	for (unsigned i = 0; i < c->nlinks; i++)
		if (!w->crts[i])
			return;
	if (c->hostname[0]) {
		data[ndata].type = GNUTLS_DT_DNS_HOSTNAME;
		data[ndata].data = tls_datum_bytes(c->hostname);
		data[ndata++].size = 0;
	}
	data[ndata].type = GNUTLS_DT_KEY_PURPOSE_OID;
	data[ndata].data = tls_datum_bytes(c->peer_is_server ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT);
	data[ndata++].size = 0;
	c->lib_run = true;
	c->lib_dates = false;
	c->lib_rc = gnutls_x509_trust_list_verify_crt2(w->list, w->crts, c->nlinks, data, ndata,
						       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
							       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
						       &c->lib_status, NULL);
}

/* The verdict: GnuTLS's when it judged the dates too (the handshake's check), else every fault found. */
static void decide(struct chain_result *c, const struct faults *fs)
{
	bool lib_ok = c->lib_run && c->lib_rc >= 0 && c->lib_status == 0;
	bool walk_ok = true, trusted;

	c->walk_fault = CHAIN_FAULT_NONE;
	for (int k = 0; k < K_COUNT; k++) {
		if (fs->set[k]) {
			c->walk_fault = fs->f[k];
			c->walk_fault_link = fs->link[k];
			walk_ok = false;
			break;
		}
	}
	if (c->lib_run && c->lib_rc < 0)
		snprintf(c->lib_text, sizeof c->lib_text, "%s", gnutls_strerror(c->lib_rc));
	else if (c->lib_run)
		lib_words(c->lib_status, c->lib_text, sizeof c->lib_text);
	if (c->lib_run && c->lib_dates)
		trusted = lib_ok;     /* the handshake's own check: its verdict stands (the tree shows any doubt of the walk) */
	else
		trusted = walk_ok && (!c->lib_run || lib_ok);
	c->verdict = trusted ? CHAIN_TRUSTED : CHAIN_NOT_TRUSTED;
	if (c->verdict == CHAIN_TRUSTED) {
		c->fault = CHAIN_FAULT_NONE;
	} else if (!walk_ok) {
		c->fault = c->walk_fault;
		c->fault_link = c->walk_fault_link;
	} else {
		c->fault = c->lib_rc < 0 ? CHAIN_FAULT_LIBRARY_ERROR : CHAIN_FAULT_LIBRARY;
	}
}

/* Judges a chain into *c (see x509_internal.h). */
void x509chain_judge(struct chain_result *c, const gnutls_datum_t *peers, unsigned count,
		     const struct x509view_judge_in *in)
{
	gnutls_x509_crt_t crts[CHAIN_MAX_LINKS] = { NULL };
	struct walk w;

	memset(c, 0, sizeof *c);
	memset(&w, 0, sizeof w);
	c->judge = in->judge;
	c->sent = count;
	c->nlinks = count < CHAIN_MAX_LINKS ? count : CHAIN_MAX_LINKS;
	c->peer_is_server = in->peer_is_server;
	c->now = (int64_t)in->now;
	snprintf(c->hostname, sizeof c->hostname, "%s", in->hostname ? in->hostname : "");
	snprintf(c->store, sizeof c->store, "%s", in->store ? in->store : "");
	c->store_empty = in->list == NULL || !in->store || !in->store[0];
	w.crts = crts;
	w.list = in->list;
	w.now = in->now;
	if (count == 0) {
		fault(&w.fs, CHAIN_FAULT_NO_CERTIFICATE, 0);
	} else {
		parse_links(c, &w, peers);
		walk_path(c, &w);
	}
	if (in->lib) {
		c->lib_run = true;
		c->lib_dates = true;
		c->lib_rc = in->lib->rc;
		c->lib_status = in->lib->status;
	} else if (count > 0) {
		lib_verify(c, &w);
	}
	decide(c, &w.fs);
	for (unsigned i = 0; i < c->nlinks; i++)
		if (crts[i])
			gnutls_x509_crt_deinit(crts[i]);
}

/* Loads the anchors named by trust into *list (NULL when none); describes them into store. */
static void trust_load(const struct x509view_trust *trust, gnutls_x509_trust_list_t *list, char *store, size_t n)
{
	int rc = 0;

	*list = NULL;
	store[0] = '\0';
	if (!trust || (!trust->ca_file && !trust->system_trust))
		return;
	if (gnutls_x509_trust_list_init(list, 0) < 0) {
		*list = NULL;
		return;
	}
	if (trust->ca_file) {
		rc = gnutls_x509_trust_list_add_trust_file(*list, trust->ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (rc > 0)
			snprintf(store, n, "CA file %s", trust->ca_file);
		else
			snprintf(store, n, "CA file %s, where no CA certificate could be read", trust->ca_file);
	}
	if (trust->system_trust && gnutls_x509_trust_list_add_system_trust(*list, 0, 0) > 0) {
		size_t used = strlen(store);
		snprintf(store + used, n - used, "%sthe system trust store", used ? " and " : "");
		rc = 1;
	}
	if (rc <= 0) {
		gnutls_x509_trust_list_deinit(*list, 1);
		*list = NULL;
	}
}

/* Judges ders with anchors from files (dates against now; GnuTLS checks without dates). */
void x509chain_judge_files(struct chain_result *c, const uint8_t *const *ders, const size_t *lens, size_t count,
			   const struct x509view_trust *trust, const char *hostname, bool peer_is_server,
			   time_t now)
{
	gnutls_datum_t peers[CHAIN_MAX_LINKS];
	char store[512];
	struct x509view_judge_in in = { 0 };
	unsigned n = count < CHAIN_MAX_LINKS ? (unsigned)count : CHAIN_MAX_LINKS;

	for (unsigned i = 0; i < n; i++) {
		peers[i].data = tls_datum_bytes(ders ? ders[i] : NULL);
		peers[i].size = lens && lens[i] <= UINT_MAX ? (unsigned)lens[i] : 0;
	}
	trust_load(trust, &in.list, store, sizeof store);
	in.store = store;
	in.judge = peer_is_server ? TL_CLIENT : TL_SERVER;
	in.hostname = hostname;
	in.peer_is_server = peer_is_server;
	in.now = now;
	x509chain_judge(c, peers, n, &in);
	c->sent = count > UINT_MAX ? UINT_MAX : (unsigned)count;
	if (in.list)
		gnutls_x509_trust_list_deinit(in.list, 1);
}
