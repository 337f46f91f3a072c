/*
 * demo.c: the scenario catalogue and the in-process client/server runner.
 */
#include "tlsladder/demo.h"
#include "tlsladder/credcheck.h"
#include "tlsladder/records.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TLS13_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
/* x25519 first, as most clients on the web offer it */
#define TLS13_X25519 TLS13_ONLY ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"
#define TLS12_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.2"
/* early-data: the server's max_early_data_size (announced in its tickets) */
#define DEMO_EARLY_MAX 16384

static const struct demo_scenario scenarios[] = {
	{ .name = "tls13", .summary = "TLS 1.3, ECDHE (x25519), ECDSA server certificate, 1 round trip",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1 },
	{ .name = "tls12-ecdhe", .summary = "TLS 1.2, ECDHE key exchange signed with an RSA certificate, 2 round trips",
	  .client_priority = TLS12_ONLY, .server_priority = "NORMAL",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-rsa", .summary = "TLS 1.2, RSA key exchange: the premaster secret is encrypted to the server's key",
	  .client_priority = TLS12_ONLY ":-KX-ALL:+RSA", .server_priority = TLS12_ONLY ":-KX-ALL:+RSA",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "mtls13", .summary = "TLS 1.3 with a client certificate (mutual TLS)",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-chain.pem", .client_key = "client.key", .client_auth = TL_AUTH_REQUIRE, .connections = 1 },
	{ .name = "mtls12", .summary = "TLS 1.2 with a client certificate (mutual TLS)",
	  .client_priority = TLS12_ONLY, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-chain.pem", .client_key = "client.key", .client_auth = TL_AUTH_REQUIRE, .connections = 1 },
	{ .name = "hrr", .summary = "TLS 1.3 HelloRetryRequest: the server wants another group, the client says hello again",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL:-GROUP-ALL:+GROUP-SECP384R1",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1 },
	{ .name = "resumption", .summary = "TLS 1.3 full handshake, then a resumed one with the session ticket (no certificate)",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 2 },
	{ .name = "early-data", .summary = "TLS 1.3 resumption with early data (0-RTT): a request sent before the server answers",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 2,
	  .early_data = "GET /news HTTP/1.1\r\nHost: localhost\r\n\r\n" },
	{ .name = "key-update", .summary = "TLS 1.3 KeyUpdate: the client moves to new keys and asks the server to do the same; data flows under both",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1, .key_update = true },
	{ .name = "post-handshake-auth", .summary = "TLS 1.3: no certificate asked in the handshake; after the client's "
	  "request the server asks for one (post-handshake auth) and accepts it",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-chain.pem", .client_key = "client.key", .cert_later = true, .connections = 1 },
	{ .name = "renegotiation", .summary = "TLS 1.2: after the client's request the server renegotiates (HelloRequest) and asks for a client certificate",
	  .client_priority = TLS12_ONLY, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-chain.pem", .client_key = "client.key", .reneg_auth = TL_AUTH_REQUIRE, .connections = 1 },

	/* failures: each teaches one */
	{ .name = "mtls-wrong-ca", .summary = "client certificate from a CA the server does not trust (TLS 1.3: rejected after the handshake)",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-other-ca.pem", .client_key = "client-other-ca.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-untrusted-issuer" },
	{ .name = "mtls-no-cert", .summary = "the server requires a client certificate and none is sent (TLS 1.3)",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-missing" },
	{ .name = "mtls12-no-cert", .summary = "the server requires a client certificate and none is sent (TLS 1.2)",
	  .client_priority = TLS12_ONLY, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-missing" },
	{ .name = "mtls-expired", .summary = "the client certificate expired",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-expired-chain.pem", .client_key = "client-expired.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-expired" },
	{ .name = "mtls-missing-intermediate", .summary = "the client sends its certificate without the intermediate CA",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client.pem", .client_key = "client.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-chain-incomplete" },
	{ .name = "mtls-wrong-usage", .summary = "the client certificate is not meant for TLS clients (no clientAuth)",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-no-clientauth-chain.pem", .client_key = "client-no-clientauth.key",
	  .client_auth = TL_AUTH_REQUIRE, .connections = 1, .failure = true, .expect = "client-cert-wrong-usage" },
	{ .name = "mtls-key-mismatch", .summary = "the client signs with a key that does not belong to its certificate",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-chain.pem", .client_key = "client-other-ca.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-key-mismatch", .key_mismatch = true },
	{ .name = "server-untrusted", .summary = "the client does not trust the CA of the server's certificate",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1,
	  .failure = true, .expect = "server-cert-untrusted", .client_trusts = "other-ca.pem" },
	{ .name = "server-expired", .summary = "the server's certificate expired",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-expired-chain.pem", .server_key = "server-expired.key", .connections = 1,
	  .failure = true, .expect = "server-cert-expired" },
	{ .name = "server-name-mismatch", .summary = "the server's certificate is for another name",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-wrong-name-chain.pem", .server_key = "server-wrong-name.key", .connections = 1,
	  .failure = true, .expect = "server-cert-name-mismatch" },
	{ .name = "version-mismatch", .summary = "the client offers only TLS 1.2, the server accepts only TLS 1.3",
	  .client_priority = TLS12_ONLY, .server_priority = TLS13_ONLY,
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1,
	  .failure = true, .expect = "protocol-version-mismatch" },
	{ .name = "no-shared-cipher", .summary = "the client and the server have no cipher suite in common",
	  .client_priority = "NORMAL:-CIPHER-ALL:+CHACHA20-POLY1305", .server_priority = "NORMAL:-CIPHER-ALL:+AES-128-GCM",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1,
	  .failure = true, .expect = "no-shared-cipher" },
	{ .name = "mtls-revoked", .summary = "the client certificate is revoked: its CA's CRL lists it (TLS 1.3: rejected after the handshake)",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-revoked-chain.pem", .client_key = "client-revoked.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-revoked", .crl = "intermediate-ca.crl" },
	{ .name = "mtls-weak-key", .summary = "the client certificate has a 1024-bit RSA key; the server verifies with GnuTLS's "
	  "medium profile, as strict as OpenSSL's security level 2, and refuses it",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL:%PROFILE_MEDIUM",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-weak-key-chain.pem", .client_key = "client-weak-key.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-weak-key" },
	{ .name = "mtls-sha1-signature", .summary = "the client certificate is signed with SHA-1; the server (GnuTLS, like OpenSSL "
	  "at security level 2) refuses it",
	  .client_priority = TLS13_X25519, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-sha1-chain.pem", .client_key = "client-sha1.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-weak-signature" },
	{ .name = "mtls-key-not-accepted", .summary = "an Ed25519 client key; the server's CertificateRequest accepts only "
	  "rsa_pss_rsae_sha256 and ecdsa_secp256r1_sha256 (TLS 1.3)",
	  .client_priority = TLS13_X25519,
	  /* ECDSA-SHA256 is the TLS 1.2 name of the same wire code (0x0403): the list stays two schemes */
	  .server_priority = "NORMAL:-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SHA256",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-ed25519-chain.pem", .client_key = "client-ed25519.key", .client_auth = TL_AUTH_REQUIRE,
	  .connections = 1, .failure = true, .expect = "client-cert-key-not-accepted" },
};

/* Number of scenarios. */
size_t demo_count(void)
{
	return sizeof scenarios / sizeof scenarios[0];
}

/* Scenario i, or NULL. */
const struct demo_scenario *demo_get(size_t i)
{
	return i < demo_count() ? &scenarios[i] : NULL;
}

/* Scenario by name, or NULL. */
const struct demo_scenario *demo_find(const char *name)
{
	for (size_t i = 0; i < demo_count(); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	return NULL;
}

/* The default scenario. */
const struct demo_scenario *demo_default(void)
{
	return &scenarios[0];
}

struct server_job {
	struct endpoint *ep;
	int fd;
	struct timeline *tl;
	unsigned conn;
	const struct run_opts *o;
	int result;
};

/* The server thread: one connection. */
static void *server_main(void *arg)
{
	struct server_job *j = arg;

	j->result = endpoint_run(j->ep, j->fd, j->tl, j->conn, j->o);
	/* half-close so the client never waits on a server that is done */
	shutdown(j->fd, SHUT_WR);
	return NULL;
}

/* certs_dir/name into buf; false when it does not fit. */
static bool cert_path(char *buf, size_t n, const char *dir, const char *name)
{
	int k = snprintf(buf, n, "%s/%s", dir, name);
	return k > 0 && (size_t)k < n;
}

/* Runs a scenario. */
/* The demo PKI's files for a scenario. */
struct demo_files {
	char srv_cert[PATH_MAX], srv_key[PATH_MAX], cli_cert[PATH_MAX], cli_key[PATH_MAX], ca[PATH_MAX];
	char client_ca[PATH_MAX];
	char crl[PATH_MAX];
	const char *crls[1];
};

/* Fills both sides' configurations from the scenario; false when a path is too long. */
static bool demo_configs(const struct demo_scenario *sc, const char *dir, struct demo_files *fl,
			 struct session_config *scfg, struct session_config *ccfg)
{
	if (!cert_path(fl->srv_cert, sizeof fl->srv_cert, dir, sc->server_cert) ||
	    !cert_path(fl->srv_key, sizeof fl->srv_key, dir, sc->server_key) ||
	    !cert_path(fl->ca, sizeof fl->ca, dir, "root-ca.pem") ||
	    !cert_path(fl->client_ca, sizeof fl->client_ca, dir, sc->client_trusts ? sc->client_trusts : "root-ca.pem") ||
	    (sc->client_cert && (!cert_path(fl->cli_cert, sizeof fl->cli_cert, dir, sc->client_cert) ||
				 !cert_path(fl->cli_key, sizeof fl->cli_key, dir, sc->client_key))))
		return false;
	if (sc->crl && !cert_path(fl->crl, sizeof fl->crl, dir, sc->crl))
		return false;
	fl->crls[0] = fl->crl;
	memset(scfg, 0, sizeof *scfg);
	scfg->side = TL_SERVER;
	scfg->priority = sc->server_priority;
	scfg->cert_file = fl->srv_cert;
	scfg->key_file = fl->srv_key;
	scfg->ca_file = fl->ca;
	scfg->client_auth = sc->client_auth;
	scfg->request_cert_later = sc->cert_later;
	scfg->reneg_auth = sc->reneg_auth;
	scfg->tickets = true;
	scfg->crl_files = fl->crls;
	scfg->ncrl = sc->crl ? 1 : 0;
	scfg->key_update = sc->key_update;
	scfg->early_data_max = sc->early_data ? DEMO_EARLY_MAX : 0;

	memset(ccfg, 0, sizeof *ccfg);
	ccfg->side = TL_CLIENT;
	ccfg->priority = sc->client_priority;
	ccfg->cert_file = sc->client_cert ? fl->cli_cert : NULL;
	ccfg->key_file = sc->client_cert ? fl->cli_key : NULL;
	ccfg->ca_file = fl->client_ca;
	ccfg->allow_key_mismatch = sc->key_mismatch;
	ccfg->http = sc->cert_later;
	ccfg->server_name = "localhost";
	ccfg->send_sni = true;
	ccfg->crl_files = fl->crls;
	ccfg->ncrl = sc->crl ? 1 : 0;
	ccfg->key_update = sc->key_update;
	ccfg->key_update_data = sc->key_update;
	ccfg->http = ccfg->http || sc->reneg_auth != TL_AUTH_NONE;     /* the request the server answers by renegotiating */
	return true;
}

/*
 * One connection of the scenario: the server on a thread, the client here,
 * joined by a socket pair. Returns the client's exit code (or -1 with err
 * set); *server_rc gets the server's.
 */
static int demo_connection(struct endpoint *sep, struct endpoint *cep, struct timeline *tl, unsigned conn,
			   const struct run_opts *ro, int *server_rc, struct tl_error *err)
{
	int sv[2], ret;
	pthread_t th;
	struct server_job job;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "could not make a socket pair: %s", strerror(errno));
	session_sync_reset(ro->sync);
	job = (struct server_job){ sep, sv[1], tl, conn, ro, 0 };
	if (pthread_create(&th, NULL, server_main, &job) != 0) {
		close(sv[0]);
		close(sv[1]);
		return tl_error_set(err, TL_EXIT_INTERNAL, "could not start the server thread");
	}
	ret = endpoint_run(cep, sv[0], tl, conn, ro);
	shutdown(sv[0], SHUT_WR);
	pthread_join(th, NULL);
	if (ro->capture)
		records_settle(tl, conn);       /* both sides are done: every record of the connection is in */
	close(sv[0]);
	close(sv[1]);
	*server_rc = job.result;
	return ret;
}

int demo_run(const struct demo_scenario *sc, const struct demo_opts *o, struct timeline *tl, struct tl_error *err)
{
	struct demo_files *fl = malloc(sizeof *fl);
	struct session_config scfg, ccfg;
	struct endpoint *sep = NULL, *cep = NULL;
	struct session_sync *sync = NULL;
	struct run_opts ro;
	int ret = -1, server_rc = 0;

	if (!fl)
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	if (!demo_configs(sc, o->certs_dir, fl, &scfg, &ccfg)) {
		free(fl);
		return tl_error_set(err, TL_EXIT_FILES, "the certificate directory path is too long");
	}
	if (o->capture)
		credcheck_record(tl, 0, &ccfg, o->certs_dir);     /* pre-flight, with the demo PKI to look in */
	if (!(sep = endpoint_new(&scfg, err)) || !(cep = endpoint_new(&ccfg, err)))
		goto out;
	if (!(sync = session_sync_new())) {
		tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	memset(&ro, 0, sizeof ro);
	ro.grace_ms = o->grace_ms;
	ro.deadline_us = timeline_now(tl) + (int64_t)o->timeout_ms * 1000;
	ro.capture = o->capture;
	ro.cancel_fd = o->cancel_fd;
	ro.sync = sync;
	ro.gate = o->gate;
	ro.early_data = (const uint8_t *)sc->early_data;
	ro.early_len = sc->early_data ? strlen(sc->early_data) : 0;
	for (unsigned conn = 0; conn < sc->connections; conn++) {
		if (conn > 0 && o->capture)
			timeline_note(tl, TL_EV_NOTE, TL_CLIENT, conn,
				      sc->early_data ? "a new connection: the client offers the session ticket from the "
						       "first one, and sends early data with its ClientHello"
						     : "a new connection: the client offers the session ticket from the first one");
		ret = demo_connection(sep, cep, tl, conn, &ro, &server_rc, err);
		if (ret < 0 || (ret != TL_EXIT_OK && server_rc != TL_EXIT_OK))
			break;
	}
out:
	session_sync_free(sync);
	endpoint_free(cep);
	endpoint_free(sep);
	free(fl);
	return ret;
}
