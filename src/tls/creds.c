/*
 * creds.c: loading credentials (see creds.h), one loader for the endpoint
 * and the pre-flight checks.
 *  - files: a PEM (or DER) certificate chain and its key, or a PKCS#12
 *    file, read into a struct creds, the chain ordered from the leaf up;
 *    credcheck.c judges them;
 *  - the endpoint: the trust anchors (CA file, CA directory, system store)
 *    and the own chain and key, loaded into its GnuTLS credentials; a
 *    client's chain and key are also kept for the certificate callback
 *    (certcb.c), and the demo's key-mismatch lesson loads a key that does
 *    not belong to its chain.
 */
#include "creds.h"
#include "conn.h"
#include "crl.h"
#include "tls_internal.h"

#include <errno.h>
#include <gnutls/pkcs12.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- files ---- */

/* Reads a whole file into d (malloc'd data); false with *err set (an errno value) on failure. */
bool creds_read_file(const char *path, gnutls_datum_t *d, int *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	d->data = NULL;
	d->size = 0;
	if (!f) {
		*err = errno;
		return false;
	}
	for (;;) {
		size_t got;
		if (len == cap) {
			unsigned char *nb;
			if (cap >= CREDS_MAX_FILE) {
				*err = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				*err = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				*err = EIO;
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	buf[len] = '\0';
	d->data = buf;
	d->size = (unsigned)len;
	return true;
fail:
	fclose(f);
	free(buf);
	return false;
}

/* True when d holds a PEM header ("-----BEGIN"). */
static bool has_pem(const gnutls_datum_t *d)
{
	static const char tag[] = "-----BEGIN";

	for (size_t i = 0; i + sizeof tag - 1 <= d->size; i++)
		if (memcmp(d->data + i, tag, sizeof tag - 1) == 0)
			return true;
	return false;
}

/* Parses a PEM list (or one DER certificate) from d into out[0..max); returns the count, or a GnuTLS error. */
int creds_parse_certs(const gnutls_datum_t *d, gnutls_x509_crt_t *out, size_t max)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;
	int rc = gnutls_x509_crt_list_import2(&list, &n, d, GNUTLS_X509_FMT_PEM, 0);
	size_t kept = 0;

	if (rc >= 0 && n > 0) {
		for (unsigned i = 0; i < n; i++) {
			if (kept < max)
				out[kept++] = list[i];
			else
				gnutls_x509_crt_deinit(list[i]);
		}
		gnutls_free(list);
		return (int)kept;
	}
	gnutls_free(list);
	if (rc >= 0)
		rc = GNUTLS_E_NO_CERTIFICATE_FOUND;
	if (max > 0 && !has_pem(d)) {
		gnutls_x509_crt_t one;
		if (gnutls_x509_crt_init(&one) >= 0) {
			int r2 = gnutls_x509_crt_import(one, d, GNUTLS_X509_FMT_DER);
			if (r2 >= 0) {
				out[0] = one;
				return 1;
			}
			gnutls_x509_crt_deinit(one);
		}
		rc = GNUTLS_E_NO_CERTIFICATE_FOUND;      /* not PEM, and not one DER certificate either */
	}
	return rc;
}

/*
 * Counts a key derivation of iter rounds against the file's budget before
 * it runs; false (with *rounds past the limit) when the file asks for more
 * than CREDS_P12_MAX_ROUNDS in all. A derivation whose parameters cannot
 * be read counts as none: GnuTLS cannot run it either.
 */
static bool p12_spend(unsigned long *rounds, int info_rc, unsigned iter)
{
	if (info_rc < 0)
		return true;
	*rounds += iter;
	return *rounds <= CREDS_P12_MAX_ROUNDS;
}

/* Takes one bag element: a certificate into the pool, or a key (the first one kept). Returns a GnuTLS code. */
static int p12_take(struct creds *c, int type, const gnutls_datum_t *d, const char *pass, unsigned long *rounds)
{
	int rc = 0;

	if (type == GNUTLS_BAG_CERTIFICATE) {
		gnutls_x509_crt_t crt;
		if (c->ncerts >= CREDS_MAX_CERTS)
			return 0;
		if ((rc = gnutls_x509_crt_init(&crt)) < 0)
			return rc;
		if ((rc = gnutls_x509_crt_import(crt, d, GNUTLS_X509_FMT_DER)) < 0) {
			gnutls_x509_crt_deinit(crt);
			return rc;
		}
		c->certs[c->ncerts++] = crt;
	} else if (type == GNUTLS_BAG_PKCS8_KEY || type == GNUTLS_BAG_PKCS8_ENCRYPTED_KEY) {
		unsigned schema, cipher, iter = 0;
		c->nkeys++;
		if (c->nkeys > 1)
			return 0;
		if (type == GNUTLS_BAG_PKCS8_ENCRYPTED_KEY) {
			int info = gnutls_pkcs8_info(d, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, NULL, &iter, NULL);
			if (!p12_spend(rounds, info, iter))
				return GNUTLS_E_CONSTRAINT_ERROR;
		}
		if ((rc = gnutls_x509_privkey_init(&c->key)) < 0) {
			c->key = NULL;
			return rc;
		}
		rc = gnutls_x509_privkey_import_pkcs8(c->key, d, GNUTLS_X509_FMT_DER,
						      type == GNUTLS_BAG_PKCS8_KEY ? NULL : pass,
						      type == GNUTLS_BAG_PKCS8_KEY ? GNUTLS_PKCS_PLAIN : 0);
		if (rc < 0) {
			gnutls_x509_privkey_deinit(c->key);
			c->key = NULL;
		}
	}
	return rc;
}

/* Walks the bags of a PKCS#12 structure into c; returns a GnuTLS code (the first failure;
 * GNUTLS_E_CONSTRAINT_ERROR: over the rounds budget). */
static int p12_walk(struct creds *c, gnutls_pkcs12_t p12, const char *pass, unsigned long *rounds)
{
	int bad = 0;

	for (int i = 0; i < 1024; i++) {
		gnutls_pkcs12_bag_t bag;
		unsigned schema, cipher, iter = 0;
		int rc, count;

		if ((rc = gnutls_pkcs12_bag_init(&bag)) < 0)
			return rc;
		rc = gnutls_pkcs12_get_bag(p12, i, bag);
		if (rc < 0) {
			gnutls_pkcs12_bag_deinit(bag);
			return rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? bad : rc;
		}
		if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
			int info = gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, NULL, NULL, &iter, NULL);
			rc = p12_spend(rounds, info, iter) ? gnutls_pkcs12_bag_decrypt(bag, pass) : GNUTLS_E_CONSTRAINT_ERROR;
		}
		if (rc < 0) {
			gnutls_pkcs12_bag_deinit(bag);
			return rc;
		}
		count = gnutls_pkcs12_bag_get_count(bag);
		for (int j = 0; j < count; j++) {
			gnutls_datum_t d;
			int type = gnutls_pkcs12_bag_get_type(bag, (unsigned)j);
			if (type < 0 || gnutls_pkcs12_bag_get_data(bag, (unsigned)j, &d) < 0)
				continue;
			rc = p12_take(c, type, &d, pass, rounds);
			if (rc == GNUTLS_E_CONSTRAINT_ERROR) {
				gnutls_pkcs12_bag_deinit(bag);
				return rc;
			}
			if (rc < 0 && bad == 0)
				bad = rc;
		}
		gnutls_pkcs12_bag_deinit(bag);
	}
	return bad;
}

/* True when issuer's subject is crt's issuer and issuer's key verifies crt's signature. */
bool creds_issued_by(gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer)
{
	unsigned status = 0;

	if (!gnutls_x509_crt_check_issuer(crt, issuer))
		return false;
	if (gnutls_x509_crt_verify(crt, &issuer, 1,
				   GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_CA_SIGN |
					   GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
				   &status) < 0)
		return false;
	return !(status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND));
}

/* True when crt names itself as its issuer (a root, or a self-signed leaf). */
bool creds_self_issued(gnutls_x509_crt_t crt)
{
	return gnutls_x509_crt_check_issuer(crt, crt) != 0;
}

/* 1 when key belongs to crt, 0 when not, -1 when it cannot be told. */
int creds_key_matches(gnutls_x509_privkey_t key, gnutls_x509_crt_t crt)
{
	unsigned char a[64], b[64];
	size_t an = sizeof a, bn = sizeof b;

	if (gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, a, &an) < 0 ||
	    gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, b, &bn) < 0)
		return -1;
	return an == bn && memcmp(a, b, an) == 0;
}

/* The index of a certificate in the pool that issued none of the others (the likely leaf). */
static size_t pool_leaf(const struct creds *c)
{
	for (size_t i = 0; i < c->ncerts; i++) {
		bool issuer = false;
		for (size_t j = 0; j < c->ncerts && !issuer; j++)
			issuer = j != i && creds_issued_by(c->certs[j], c->certs[i]);
		if (!issuer)
			return i;
	}
	return 0;
}

/* Walks from certs[leaf] up through the pool; fills c->chain. */
static void walk_chain(struct creds *c, size_t leaf)
{
	bool used[CREDS_MAX_CERTS] = { false };

	c->chain[0] = leaf;
	c->nchain = 1;
	used[leaf] = true;
	while (c->nchain < c->ncerts) {
		gnutls_x509_crt_t top = c->certs[c->chain[c->nchain - 1]];
		size_t next = c->ncerts;
		if (creds_self_issued(top))
			break;
		for (size_t j = 0; j < c->ncerts && next == c->ncerts; j++)
			if (!used[j] && creds_issued_by(top, c->certs[j]))
				next = j;
		if (next == c->ncerts)
			break;
		used[next] = true;
		c->chain[c->nchain++] = next;
	}
}

/* Frees the loaded credentials. */
void creds_free(struct creds *c)
{
	for (size_t i = 0; i < c->ncerts; i++)
		gnutls_x509_crt_deinit(c->certs[i]);
	if (c->key)
		gnutls_x509_privkey_deinit(c->key);
	memset(c, 0, sizeof *c);
}

/* Sets *st to a failure; returns false. */
static bool failed(struct creds_status *st, enum creds_fail fail, int sys_err, int rc)
{
	st->fail = fail;
	st->sys_err = sys_err;
	st->rc = rc;
	return false;
}

/* Loads the PEM (or DER) certificate file. */
bool creds_load_certs(struct creds *c, const char *path, struct creds_status *st)
{
	gnutls_datum_t d;
	int err = 0, rc;

	c->file = path;
	if (!creds_read_file(path, &d, &err))
		return failed(st, CREDS_UNOPENABLE, err, 0);
	rc = creds_parse_certs(&d, c->certs, CREDS_MAX_CERTS);
	free(d.data);
	if (rc <= 0)
		return failed(st, CREDS_UNPARSABLE, 0, rc < 0 ? rc : GNUTLS_E_NO_CERTIFICATE_FOUND);
	c->ncerts = (size_t)rc;
	return true;
}

/* Loads the key file into c->key (PEM, else DER; unencrypted). */
bool creds_load_key(struct creds *c, const char *path, struct creds_status *st)
{
	gnutls_datum_t d;
	int err = 0, rc;

	if (!creds_read_file(path, &d, &err))
		return failed(st, CREDS_UNOPENABLE, err, 0);
	rc = gnutls_x509_privkey_init(&c->key);
	if (rc >= 0) {
		rc = gnutls_x509_privkey_import2(c->key, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
		if (rc < 0 && !has_pem(&d))
			rc = gnutls_x509_privkey_import2(c->key, &d, GNUTLS_X509_FMT_DER, NULL, 0);
		if (rc < 0) {
			gnutls_x509_privkey_deinit(c->key);
			c->key = NULL;
		}
	} else {
		c->key = NULL;
	}
	free(d.data);
	if (rc < 0)
		return failed(st, CREDS_UNPARSABLE, 0, rc);
	return true;
}

/* Derives a PKCS#12 file: its certificates into the pool, its first key; within the rounds budget. */
static bool p12_derive(struct creds *c, const char *path, const char *pass, struct creds_status *st)
{
	gnutls_pkcs12_t p12 = NULL;
	gnutls_datum_t d;
	unsigned mac, iter = 0;
	unsigned long rounds = 0;
	int err = 0, rc;

	if (!creds_read_file(path, &d, &err))
		return failed(st, CREDS_UNOPENABLE, err, 0);
	rc = gnutls_pkcs12_init(&p12);
	if (rc >= 0 && (rc = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0)) < 0)
		rc = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_PEM, 0);
	free(d.data);
	if (rc < 0) {
		if (p12)
			gnutls_pkcs12_deinit(p12);
		return failed(st, CREDS_UNPARSABLE, 0, rc);
	}
	{
		char *oid = NULL;            /* asked for: GnuTLS 3.7.9 leaks the MAC's OID when it is not */
		rc = gnutls_pkcs12_mac_info(p12, &mac, NULL, NULL, &iter, &oid);
		gnutls_free(oid);
	}
	if (p12_spend(&rounds, rc, iter))
		rc = gnutls_pkcs12_verify_mac(p12, pass) == GNUTLS_E_MAC_VERIFY_FAILED ? GNUTLS_E_MAC_VERIFY_FAILED
											: p12_walk(c, p12, pass, &rounds);
	else
		rc = GNUTLS_E_CONSTRAINT_ERROR;
	gnutls_pkcs12_deinit(p12);
	st->rounds = rounds;
	if (rc == GNUTLS_E_CONSTRAINT_ERROR)
		return failed(st, CREDS_P12_TOO_COSTLY, 0, rc);
	if (rc == GNUTLS_E_DECRYPTION_FAILED || rc == GNUTLS_E_MAC_VERIFY_FAILED)
		return failed(st, CREDS_P12_PASSWORD, 0, rc);
	if (rc < 0)
		return failed(st, CREDS_P12_DAMAGED, 0, rc);
	if (c->ncerts == 0)
		return failed(st, CREDS_P12_NO_CERT, 0, 0);
	return true;
}

/* ---- one derivation shared by the loads of a run (creds_share_begin .. end) ---- */

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool on, have;             /* sharing; a result is kept */
	char *path, *pass;         /* what it was loaded from (the password wiped when forgotten) */
	struct stat id;            /* the file it was: device, inode, size, modification time */
	bool ok;
	struct creds_status st;
	struct creds c;            /* its result (when ok) */
} memo;

/* Copies loaded credentials (certificates re-imported from DER, the key copied); false on failure. */
static bool creds_copy(struct creds *to, const struct creds *from)
{
	*to = *from;
	to->ncerts = 0;
	to->key = NULL;
	for (size_t i = 0; i < from->ncerts; i++) {
		gnutls_datum_t der = { NULL, 0 };
		bool ok = gnutls_x509_crt_init(&to->certs[i]) >= 0;
		if (ok && (gnutls_x509_crt_export2(from->certs[i], GNUTLS_X509_FMT_DER, &der) < 0 ||
			   gnutls_x509_crt_import(to->certs[i], &der, GNUTLS_X509_FMT_DER) < 0)) {
			gnutls_x509_crt_deinit(to->certs[i]);
			ok = false;
		}
		gnutls_free(der.data);
		if (!ok)
			return false;
		to->ncerts = i + 1;
	}
	if (from->key && (gnutls_x509_privkey_init(&to->key) < 0 || gnutls_x509_privkey_cpy(to->key, from->key) < 0)) {
		if (to->key)
			gnutls_x509_privkey_deinit(to->key);
		to->key = NULL;
		return false;
	}
	return true;
}

/* Whether the kept result is that of path with pass, as the file is now (id). Called locked. */
static bool memo_matches(const char *path, const char *pass, const struct stat *id)
{
	return memo.have && strcmp(memo.path, path) == 0 && strcmp(memo.pass, pass) == 0 && memo.id.st_dev == id->st_dev &&
	       memo.id.st_ino == id->st_ino && memo.id.st_size == id->st_size &&
	       memo.id.st_mtim.tv_sec == id->st_mtim.tv_sec && memo.id.st_mtim.tv_nsec == id->st_mtim.tv_nsec;
}

/* Keeps the result of a derivation for the later loads of the run. Called locked. */
static void memo_keep(const char *path, const char *pass, const struct stat *id, bool ok, const struct creds *c,
		      const struct creds_status *st)
{
	memo.path = strdup(path);
	memo.pass = strdup(pass);
	if (!memo.path || !memo.pass || (ok && !creds_copy(&memo.c, c))) {
		creds_free(&memo.c);
		free(memo.path);
		free(memo.pass);
		memo.path = memo.pass = NULL;
		return;
	}
	memo.id = *id;
	memo.ok = ok;
	memo.st = *st;
	memo.have = true;
}

/* Starts sharing one derivation among the loads of the same PKCS#12 file. */
void creds_share_begin(void)
{
	pthread_mutex_lock(&memo_lock);
	memo.on = true;
	pthread_mutex_unlock(&memo_lock);
}

/* Ends the sharing and forgets the kept result (the password wiped). */
void creds_share_end(void)
{
	pthread_mutex_lock(&memo_lock);
	if (memo.have) {
		creds_free(&memo.c);
		gnutls_memset(memo.pass, 0, strlen(memo.pass));
		free(memo.pass);
		free(memo.path);
	}
	memset(&memo, 0, sizeof memo);
	pthread_mutex_unlock(&memo_lock);
}

/* Loads a PKCS#12 file: its certificates into the pool, its first key (derived once while sharing). */
bool creds_load_p12(struct creds *c, const char *path, const char *password, struct creds_status *st)
{
	const char *pass = password ? password : "";
	struct stat id;
	bool ok, known = stat(path, &id) == 0;

	c->p12 = true;
	c->file = path;
	pthread_mutex_lock(&memo_lock);
	if (known && memo_matches(path, pass, &id)) {
		*st = memo.st;
		ok = memo.ok && creds_copy(c, &memo.c);
		c->file = path;
		pthread_mutex_unlock(&memo_lock);
		return ok;
	}
	pthread_mutex_unlock(&memo_lock);
	ok = p12_derive(c, path, pass, st);
	pthread_mutex_lock(&memo_lock);
	if (known && memo.on && !memo.have)
		memo_keep(path, pass, &id, ok, c, st);
	pthread_mutex_unlock(&memo_lock);
	return ok;
}

/* The leaf: the first certificate of a PEM file; in a PKCS#12 file, the certificate of the first key
 * (as gnutls_pkcs12_simple_parse has it), else the one that issued none of the others. */
static size_t choose_leaf(const struct creds *c)
{
	size_t leaf = c->ncerts;

	if (!c->p12)
		return 0;
	for (size_t i = 0; c->key && i < c->ncerts && leaf == c->ncerts; i++)
		if (creds_key_matches(c->key, c->certs[i]) == 1)
			leaf = i;
	return leaf == c->ncerts ? pool_leaf(c) : leaf;
}

/* Chooses the leaf and walks the chain up from it. */
void creds_order(struct creds *c)
{
	walk_chain(c, choose_leaf(c));
}

/* ---- the endpoint ---- */

/* Frees n certificates and their array (gnutls_malloc'd). */
static void crts_free(gnutls_x509_crt_t *crts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
}

/*
 * Keeps a client's chain and key for the certificate callback (certcb.c),
 * which hands them out itself. Takes crts (a gnutls_malloc'd array of n)
 * and key, also on failure.
 */
static int adopt_chain(struct endpoint *ep, gnutls_x509_crt_t *crts, unsigned n, gnutls_x509_privkey_t key,
		       struct tl_error *err)
{
	ep->crts = crts;
	ep->pcerts = calloc(n, sizeof *ep->pcerts);
	if (!ep->pcerts || gnutls_privkey_init(&ep->privkey) < 0 ||
	    gnutls_privkey_import_x509(ep->privkey, key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0) {
		gnutls_x509_privkey_deinit(key);
		crts_free(crts, n);
		ep->crts = NULL;
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	}
	for (unsigned i = 0; i < n; i++) {
		if (gnutls_pcert_import_x509(&ep->pcerts[i], crts[i], 0) < 0) {
			for (unsigned k = 0; k < i; k++)
				gnutls_pcert_deinit(&ep->pcerts[k]);
			crts_free(crts, n);
			ep->crts = NULL;
			return tl_error_set(err, TL_EXIT_FILES, "the client certificate could not be prepared");
		}
	}
	ep->npcerts = n;
	gnutls_certificate_set_retrieve_function2(ep->cred, certcb_retrieve);
	return 0;
}

/*
 * The demo's key-mismatch lesson: keeps the chain and a key that does not
 * belong to it (GnuTLS refuses the pair), so the handshake runs and the
 * server sees a CertificateVerify that does not check out. Takes the
 * certificates and key out of c.
 */
static int load_mismatched(struct endpoint *ep, struct creds *c, struct tl_error *err)
{
	gnutls_x509_crt_t *crts = gnutls_malloc(c->ncerts * sizeof *crts);
	unsigned n = (unsigned)c->ncerts;
	gnutls_x509_privkey_t key = c->key;

	if (!crts)
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	memcpy(crts, c->certs, n * sizeof *crts);
	c->ncerts = 0;
	c->key = NULL;
	return adopt_chain(ep, crts, n, key, err);
}

/* Loads the client's chain and key for the retrieve callback (after the credentials loaded them). */
int creds_client_chain(struct endpoint *ep, struct tl_error *err)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	gnutls_x509_privkey_t key = NULL;
	int rc;

	if ((rc = gnutls_certificate_get_x509_crt(ep->cred, 0, &crts, &n)) < 0 || n == 0 ||
	    (rc = gnutls_certificate_get_x509_key(ep->cred, 0, &key)) < 0)
		return tl_error_set(err, TL_EXIT_FILES, "the client certificate could not be prepared: %s", tls_error_words(rc));
	return adopt_chain(ep, crts, n, key, err);
}

/* Loads the trust anchors: the CA file, the CA directory, the system store. */
static int load_trust(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;
	int rc;

	if (cfg->ca_file && (rc = gnutls_certificate_set_x509_trust_file(ep->cred, cfg->ca_file, GNUTLS_X509_FMT_PEM)) <= 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: no CA certificate could be read from this file%s%s", cfg->ca_file,
				    rc < 0 ? ": " : "", rc < 0 ? tls_error_words(rc) : "");
	if (cfg->ca_path && (rc = gnutls_certificate_set_x509_trust_dir(ep->cred, cfg->ca_path, GNUTLS_X509_FMT_PEM)) <= 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: no CA certificate could be read from this directory", cfg->ca_path);
	if (cfg->system_trust && (rc = gnutls_certificate_set_x509_system_trust(ep->cred)) < 0)
		return tl_error_set(err, TL_EXIT_FILES, "the system's trusted CA certificates could not be loaded: %s",
				    tls_error_words(rc));
	return 0;
}

/*
 * Hands a chain and its key to the credentials. GnuTLS checks that they
 * belong together by signing a test text with the key and verifying it
 * with the certificate (a signature and its check, the costliest step of
 * loading). When the key's public half is the certificate's public key
 * (the same SHA-256 key id) that test can only also find a key file whose
 * private half does not fit its own public half, which the handshake's
 * CertificateVerify shows anyway; so it is skipped then. When the key ids
 * differ or cannot be read, GnuTLS's test runs and gives its verdict
 * (GNUTLS_E_CERTIFICATE_KEY_MISMATCH) as before.
 */
static int set_key(struct endpoint *ep, gnutls_x509_crt_t *chain, unsigned n, gnutls_x509_privkey_t key)
{
	int rc;

	if (n > 0 && key && creds_key_matches(key, chain[0]) == 1)
		gnutls_certificate_set_flags(ep->cred, GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH);
	rc = gnutls_certificate_set_x509_key(ep->cred, chain, n, key);
	gnutls_certificate_set_flags(ep->cred, 0);
	return rc;
}

/*
 * Hands the chain of a loaded PKCS#12 file to the credentials: the leaf
 * (the certificate of the key) and the issuers the file holds above it, a
 * self-signed root left out (as gnutls_pkcs12_simple_parse does). 0, or a
 * GnuTLS error.
 */
static int set_p12_chain(struct endpoint *ep, struct creds *c)
{
	gnutls_x509_crt_t chain[CREDS_MAX_CERTS];
	size_t n;

	if (!c->key)
		return GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
	creds_order(c);
	n = c->nchain;
	while (n > 1 && creds_self_issued(c->certs[c->chain[n - 1]]))
		n--;
	for (size_t i = 0; i < n; i++)
		chain[i] = c->certs[c->chain[i]];
	return set_key(ep, chain, (unsigned)n, c->key);
}

/* Loads the own chain and key from a PKCS#12 file (DER, else PEM) through the file loader. */
static int load_p12_file(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;
	struct creds c;
	struct creds_status st = { CREDS_OK, 0, 0, 0 };
	int rc = 0;

	memset(&c, 0, sizeof c);
	if (!creds_load_p12(&c, cfg->p12_file, cfg->p12_password, &st) || (rc = set_p12_chain(ep, &c)) < 0) {
		creds_free(&c);
		if (st.fail == CREDS_P12_PASSWORD)
			return tl_error_set(err, TL_EXIT_FILES, "%s: wrong password for this PKCS#12 file", cfg->p12_file);
		if (st.fail == CREDS_UNOPENABLE)
			return tl_error_set(err, TL_EXIT_FILES, "%s: the file could not be read", cfg->p12_file);
		if (st.fail == CREDS_P12_TOO_COSTLY)
			return tl_error_set(err, TL_EXIT_FILES, "%s: its key derivations ask for more than %lu rounds in all; "
					    "export it again with fewer iterations", cfg->p12_file, CREDS_P12_MAX_ROUNDS);
		return tl_error_set(err, TL_EXIT_FILES, "%s: not a PKCS#12 file (.p12/.pfx) that can be used", cfg->p12_file);
	}
	creds_free(&c);
	return 0;
}

/* A certificate or key file the loader could not use, in the endpoint's words. */
static int file_error(const char *path, bool is_key, const struct creds_status *st, struct tl_error *err)
{
	if (st->fail == CREDS_UNOPENABLE)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the %s file could not be read", path, is_key ? "key" : "certificate");
	if (!is_key)
		return tl_error_set(err, TL_EXIT_FILES, "%s: no PEM certificate in this file", path);
	if (st->rc == GNUTLS_E_DECRYPTION_FAILED)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the private key is encrypted with a password", path);
	return tl_error_set(err, TL_EXIT_FILES, "%s: no PEM private key in this file", path);
}

/* Loads the own chain (in file order) and key through the file loader into the credentials. */
static int load_pem_creds(struct endpoint *ep, struct creds *c, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;
	struct creds_status st = { CREDS_OK, 0, 0, 0 };
	int rc;

	if (!creds_load_certs(c, cfg->cert_file, &st))
		return file_error(cfg->cert_file, false, &st, err);
	if (!creds_load_key(c, cfg->key_file, &st))
		return file_error(cfg->key_file, true, &st, err);
	rc = set_key(ep, c->certs, (unsigned)c->ncerts, c->key);
	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH && cfg->allow_key_mismatch && cfg->side == TL_CLIENT)
		return load_mismatched(ep, c, err);
	if (rc < 0) {
		tls_files_error(rc, cfg->cert_file, cfg->key_file, err);
		return -1;
	}
	return 0;
}

/* Loads the own chain and key from PEM (or DER) files (the demo may load a key that does not belong). */
static int load_pem_files(struct endpoint *ep, struct tl_error *err)
{
	struct creds c;
	int rc;

	if (!ep->cfg.cert_file || !ep->cfg.key_file)
		return tl_error_set(err, TL_EXIT_USAGE, "a certificate needs its private key and a key needs its certificate");
	memset(&c, 0, sizeof c);
	rc = load_pem_creds(ep, &c, err);
	creds_free(&c);
	return rc;
}

/* Loads the trust anchors and the own credentials of the endpoint's configuration. */
int creds_load(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;

	if (load_trust(ep, err) < 0 || crl_load_creds(ep->cred, cfg, err) < 0)
		return -1;
	if (cfg->p12_file)
		return load_p12_file(ep, err);
	if (cfg->cert_file || cfg->key_file)
		return load_pem_files(ep, err);
	if (cfg->side == TL_SERVER)
		return tl_error_set(err, TL_EXIT_USAGE, "a server needs a certificate and a private key");
	return 0;
}
