/*
 * conn.h: one side of a connection in progress, shared by the files that
 * run it (src/tls/ only; the public side is tlsladder/session.h).
 *
 *  - endpoint.c   endpoint_new/free, the GnuTLS session set-up, endpoint_run;
 *  - creds.c      credentials: trust anchors, the own chain and key (PEM, PKCS#12);
 *  - certcb.c     the client's certificate callback;
 *  - hooks.c      the handshake hook, the keylog function, record observation;
 *  - delivery.c   whether an outgoing event's records were written;
 *  - transport.c  push/pull over the socket, waits and the deadline;
 *  - after.c      after the handshake: the client's grace period, --http, serving;
 *  - resume.c     resumption (the saved session, what it offers) and early data (0-RTT);
 *  - peercheck.c  the peer's chain, judged with the handshake's own trust list;
 *  - outcome.c    what was negotiated, why a handshake failed, the exit code.
 *
 * A struct conn lives on endpoint_run's stack for one connection; the
 * GnuTLS callbacks find it through the session (or transport) pointer.
 */
#ifndef TLSLADDER_TLS_CONN_H
#define TLSLADDER_TLS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "creds.h"
#include "tlsladder/errors.h"
#include "tlsladder/recstream.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

struct endpoint {
	struct session_config cfg;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	gnutls_datum_t ticket_key;      /* server: shared by all its connections */
	gnutls_datum_t saved_session;   /* client: for resumption on the next run */
	int resume_offer;               /* client: what saved_session resumes with (enum tl_resume_offer) */
	uint32_t ticket_early_max;      /* ... the early data its ticket allows (0: none) */
	gnutls_anti_replay_t anti_replay;   /* server accepting early data: GnuTLS requires one (resume.c) */
	struct replay_store *replays;   /* ... and the ClientHellos it recorded */
	/* client credentials, handed out by the retrieve callback */
	gnutls_pcert_st *pcerts;
	unsigned npcerts;
	gnutls_x509_crt_t *crts;        /* the same chain, for its issuer names */
	gnutls_privkey_t privkey;
	/* server with several certificate/key pairs (vhost.c): [0] is this endpoint's own cred */
	struct endpoint *vhost[SESSION_MAX_CERT_PAIRS];    /* [1..]: the more_cert pairs, each loaded alone */
	gnutls_x509_crt_t vhost_leaf[SESSION_MAX_CERT_PAIRS];
	unsigned nvhost;
};

/*
 * An outgoing event whose records are not all written yet. Messages are
 * placed into the records GnuTLS pushes, in order: plaintext handshake
 * records byte for byte; an encrypted record counts its payload as message
 * bytes (GnuTLS writes one message per encrypted record; the payload is an
 * upper bound of the plaintext). An event is delivered once it is wholly
 * placed and the stream is written up to its last record's end.
 */
struct pending {
	int seq;                        /* its timeline event */
	bool msg;                       /* a handshake message (placed by bytes) */
	bool ccs;                       /* a ChangeCipherSpec announced ahead of its record */
	size_t left;                    /* message bytes not yet placed in a record */
	uint64_t end;                   /* outgoing stream offset one past its last record (0: none yet) */
};

#define PENDING_MAX 64
#define LEFTOVER_READS 16               /* reads of what the peer left in the socket after a failed write */
#define INBUF_SIZE 8192                 /* bytes read ahead from the socket in one recv */
#define CANCEL_LOOK_US 50000            /* while reads never block, the cancel descriptor is looked at this often */

/* One connection in progress. */
struct conn {
	struct endpoint *ep;
	gnutls_session_t s;
	struct timeline *tl;
	const struct run_opts *o;
	enum tl_side self, peer;
	unsigned conn;
	int fd;
	bool capture;
	bool cancelled, timed_out;
	struct recstream rs[2];         /* the record streams: [0] outgoing, [1] incoming */
	struct pending pend[PENDING_MAX];  /* outgoing events not settled yet, in stream order */
	unsigned npend;
	uint64_t out_written;           /* bytes of the outgoing stream written to the socket */
	uint8_t out_unsent[8];          /* first bytes fed to the parser but not written (GnuTLS pushes them again) */
	enum tl_undelivered_cause out_fail;   /* why the last write failed (NONE: none did) */
	bool leftovers_read;            /* what the peer left in the socket was read after a failed write */
	bool in_ended;                  /* the incoming stream ended (end of file or error) */
	/* read ahead: bytes taken from the socket and not yet handed to GnuTLS
	 * (they reach the record parser only when GnuTLS pulls them), and how
	 * the last read ended: end of file, or an error still to report */
	uint8_t inbuf[INBUF_SIZE];
	size_t in_off, in_len;
	bool in_eof;
	int in_err;
	int64_t cancel_looked_us;       /* when the cancel descriptor was last looked at while data kept coming */
	bool cut_recorded;              /* the record it ended inside was recorded */
	unsigned ccs_announced[2];      /* CCS events recorded ahead of their record (TLS 1.2 outgoing) */
	bool fin[2];                    /* Finished seen in that direction (hook) */
	bool app_out;                   /* TLS 1.3: our records now use application keys */
	bool tls13;
	unsigned version;               /* negotiated, once the ServerHello was seen */
	bool pending_out_alert;
	unsigned out_alert_level, out_alert_desc;
	bool last_in_plain_alert;       /* the last incoming record was a plaintext alert (already recorded) */
	bool sent_cert;                 /* we sent a non-empty Certificate */
	bool peer_sent_cert;
	bool cert_requested;            /* a CertificateRequest arrived (client) */
	bool last_hook_out;             /* the last hooked message was ours (same flight) */
	bool nst_after_fin;             /* a NewSessionTicket arrived after our Finished */
	bool alert_in;                  /* an alert arrived (any level) */
	bool fatal_in;
	unsigned fatal_in_desc;         /* ... its description (the first fatal alert read) */
	bool close_in;                  /* close_notify arrived */
	uint8_t first_in[256];          /* the first bytes the peer sent (to recognise HTTP, SSH, ...) */
	unsigned first_in_len;
	int last_errno;                 /* the last transport error */
	int last_in_type;               /* the last handshake message received (-1: none) */
	bool waiting_noted;             /* "waiting for the server" was recorded */
	bool post_fail;                 /* the connection broke right after the handshake (TLS 1.3 verdict lost) */
	bool read_cut;                  /* server: the deadline passed while the client was still sending */
	uint8_t app_in[1024];           /* client, --starttls: application data the grace period read (the server's
					 * first words over TLS), for starttls_after */
	size_t app_in_len;
	bool pha_answered;              /* client: answered a CertificateRequest after the handshake; the server's
					 * verdict (data or an alert) is awaited */
	bool pha_failed;                /* server: the certificate asked for after the handshake was not obtained */
	bool pha_not_offered;           /* server: ... because the client did not offer post_handshake_auth (alert sent) */
	unsigned offered[8];            /* server: the versions the client offered */
	int noffered;
	/* TLS 1.3 KeyUpdate (keyupdate.c): the application traffic secret generation of each
	 * direction, our KeyUpdate hooked and its record not yet written, the peer's seen */
	unsigned key_gen[2];
	bool ku_out_pending;
	unsigned ku_in;                 /* KeyUpdates received */
	bool ku_in_requested;           /* ... the last one asked us to update too */
	bool ku_answered;               /* server: the data after the client's KeyUpdate was answered */
	bool vhost_noted;               /* server: the certificate chosen by SNI was noted (vhost.c) */
	unsigned tickets_in;            /* client: NewSessionTickets received */
	uint32_t ticket_early_max;      /* ... the last one's max_early_data_size (0: no early_data) */
	size_t early_sent;              /* client: bytes of early data queued before the handshake (resume.c) */
	bool early_noted;               /* ... and recorded as sent */
	bool eoed_pending, eoed_out;    /* EndOfEarlyData hooked; then its record written (early keys end) */
	/* TLS 1.2 renegotiation (reneg.c) */
	unsigned handshake;             /* the handshake in progress or last done: 1 the first, 2 a renegotiation, ... */
	bool reneg_ccs_out;             /* this renegotiation's outgoing ChangeCipherSpec was recorded */
	bool reneg_active;              /* a renegotiation runs: events are stamped with its number */
	int reneg_fail;                 /* the GnuTLS code a renegotiation failed with (0: none failed) */
};

enum { DIR_OUT = 0, DIR_IN = 1 };

/* ---- resume.c ---- */
/* Server accepting early data: the anti-replay state. 0, or -1 with err. */
int resume_endpoint_init(struct endpoint *ep, struct tl_error *err);
/* Frees what resume_endpoint_init made. */
void resume_endpoint_free(struct endpoint *ep);
/* gnutls_init flags for resumption and early data. */
unsigned resume_init_flags(const struct conn *c);
/* Session set-up: the saved session and early data (client), the early data limit (server). */
int resume_setup(struct conn *c, struct tl_error *err);
/* Client: the early data went out with the ClientHello; records it once (before the server's first answer). */
void resume_note_early_sent(struct conn *c);
/* Client: a NewSessionTicket arrived (its body): counts it, reads the early data it allows. */
void resume_ticket_in(struct conn *c, const uint8_t *body, size_t n);
/* Client, closing: saves the session and what it can be resumed with. */
void resume_save(struct conn *c);
/* Server: reads the early data the client sent, and records how much. */
void resume_read_early(struct conn *c);

/* ---- certcb.c ---- */
/* The client's certificate callback (gnutls_certificate_set_retrieve_function2). */
int certcb_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		    unsigned int *pcert_length, gnutls_privkey_t *privkey);

/* ---- hooks.c ---- */
/* The handshake hook: records each message at PRE, both directions. */
int hooks_handshake(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming, const gnutls_datum_t *msg);
/* Stores each secret the library derives. */
int hooks_keylog(gnutls_session_t s, const char *label, const gnutls_datum_t *secret);
/* Feeds bytes of direction dir through the record parser. */
void hooks_feed(struct conn *c, int dir, const uint8_t *p, size_t n);
/* Bytes the peer sent arrived: keep the first ones and parse them. */
void hooks_took_in(struct conn *c, const uint8_t *p, size_t n);
/* The incoming stream ended inside a record: records what arrived of it, once. */
void hooks_record_cut(struct conn *c);
/* Records an alert we are about to send, so the push wrapper can name it. */
void hooks_expect_out_alert(struct conn *c, unsigned level, unsigned desc);
/* An API call returned rc: record an incoming alert it reports, if the record layer could not. */
void hooks_note_incoming_alert(struct conn *c, int rc);
/* A HelloRequest arrived (GnuTLS hooks none on this side): records it, in the handshake it opens. */
void hooks_hello_request(struct conn *c);

/* ---- delivery.c ---- */
/* Records an outgoing event as pending (its records are not written yet); returns its seq. */
int delivery_observe_out(struct conn *c, struct tl_event *ev, bool msg, bool ccs, size_t left, uint64_t end);
/* Places n bytes of handshake payload, in a record ending at end, into the waiting messages. */
void delivery_place_bytes(struct conn *c, size_t n, uint64_t end, bool one_message);
/* Places a ChangeCipherSpec record ending at end into the CCS announced ahead of it; false if none was. */
bool delivery_place_ccs(struct conn *c, uint64_t end);
/* The stream is written up to out_written: settles what is wholly written. */
void delivery_settle_written(struct conn *c);
/* A write failed: what was attempted and not written is not sent (unless a retry succeeds). */
void delivery_settle_failed(struct conn *c, enum tl_undelivered_cause cause);
/* The cause of a failed write, from errno (or the connection's state). */
enum tl_undelivered_cause delivery_write_cause(const struct conn *c, int err);
/* The connection is over: whatever is still pending was not sent; a record cut short is incomplete. */
void delivery_settle_remaining(struct conn *c);

/* ---- transport.c ---- */
/* Milliseconds left before the deadline (at least 0). */
int transport_remaining_ms(const struct conn *c);
/* GnuTLS's push, pull and pull-timeout functions over c->fd. */
ssize_t transport_push(gnutls_transport_ptr_t ptr, const void *data, size_t len);
ssize_t transport_pull(gnutls_transport_ptr_t ptr, void *data, size_t len);
int transport_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms);
/* Whether something is there to read (bytes, end of file or an error), reading the socket first, then
 * waiting up to ms (no deadline, no cancel: for short quiet spells). */
bool transport_in_ready(struct conn *c, int ms);
/* Moves up to n read-ahead bytes GnuTLS did not take into out (for the sniffer); returns how many. */
size_t transport_take_buffered(struct conn *c, uint8_t *out, size_t n);

/* ---- after.c ---- */
/* Client after the handshake: reads for the grace period until the outcome is known. */
int after_client_grace(struct conn *c, enum tl_grace_end *why);
/* Client: a minimal HTTP request; the first response line becomes a note. Returns a GnuTLS code. */
int after_client_http(struct conn *c);
/* starttls.c: SMTP and LMTP after a STARTTLS handshake: EHLO again over TLS, its reply, QUIT (GnuTLS code) */
int starttls_after(struct conn *c);
/* serve --request-client-cert-later: after a TLS 1.3 handshake, once the client's first data came, requires
 * its certificate by post-handshake authentication (*http_req: that data was an HTTP request). 0: obtained;
 * 1: nothing asked (TLS 1.2, no data); else the GnuTLS error. */
int after_server_ask_cert(struct conn *c, bool *http_req);
/* Server: answers a client's HTTP request with 200 OK. */
int after_serve_http(struct conn *c);
/* Server after the handshake: reads until the client closes or the deadline, and says how it ended
 * (in r when the deadline cut the client's data short). 0 when the client closed with close_notify. */
int after_server_serve(struct conn *c, struct tl_result *r);

/* ---- keyupdate.c ---- */
/* Client, --key-update: after the grace period, updates its keys asking the peer to update too,
 * and reads until the peer's answer arrives (or the grace period ends). Returns a GnuTLS code. */
int keyupdate_client(struct conn *c);
/* Server (the key-update demo): after the client's KeyUpdate, data from the client is answered
 * once, so the server's own KeyUpdate (GnuTLS sends it with its next data) goes out. */
int keyupdate_server_answer(struct conn *c);
/* The hook saw a KeyUpdate in direction dir (body as hooked): the generations move on. */
void keyupdate_hooked(struct conn *c, int dir, const gnutls_datum_t *msg);
/* The generation of the application traffic secret protecting a record in direction dir. */
unsigned keyupdate_record_gen(struct conn *c, int dir, enum tl_keys keys, bool is_record);

/* ---- endpoint.c ---- */
/* Offers (client) or accepts (server, flags GNUTLS_ALPN_SERVER_PRECEDENCE) the comma-separated
 * protocols in list by ALPN; with s NULL only checks the list. 0, or -1 for a list that is not valid. */
int endpoint_set_alpn(gnutls_session_t s, const char *list, unsigned flags);

/* ---- vhost.c ---- */
/* Server: loads the more_cert/more_key pairs, each with the endpoint's trust; -1 with err. */
int vhost_load(struct endpoint *ep, struct tl_error *err);
/* Frees what vhost_load made. */
void vhost_free(struct endpoint *ep);
/* Server: sets ALPN (the server's preference) and the certificate choice by SNI on a new session. */
int vhost_setup(struct conn *c, struct tl_error *err);
/* Server, the handshake done: a note when ALPN was asked for and none was agreed. */
void vhost_after_handshake(struct conn *c);

/* ---- reneg.c ---- */
/* Client: the server sent a HelloRequest (GNUTLS_E_REHANDSHAKE from a read): records it and runs the
 * next handshake inside the encrypted connection. Returns its GnuTLS code (0: renegotiated). */
int reneg_client_answer(struct conn *c);
/* Server: asks for a renegotiation (HelloRequest) and runs it, requesting a client certificate as auth
 * says (TLS 1.2 only). Returns the handshake's GnuTLS code (0: renegotiated). */
int reneg_server_request(struct conn *c, enum tl_auth auth);
/* Client: a renegotiation failed (c->reneg_fail): the connection was refused after the handshake; says so in r. */
void reneg_result(struct conn *c, struct tl_result *r);

/* ---- peercheck.c ---- */
/* Checks the peer's certificate chain and describes the result in r. */
void peercheck_run(struct conn *c, struct tl_result *r);

/* ---- outcome.c ---- */
/* Fills in what was negotiated. */
void outcome_describe(struct conn *c, struct tl_result *r);
/* Reads the rest of a non-TLS answer's first line (bounded), for the sniffer. */
void outcome_sniff_more(struct conn *c);
/* Why a handshake failed, in plain words, the exit code that goes with it, and the typed fact. */
int outcome_classify(const struct conn *c, int rc, char *out, size_t n, struct tl_note *fact);
/* The exit code for a finished side. */
int outcome_exit(const struct conn *c, const struct tl_result *r);

#endif
