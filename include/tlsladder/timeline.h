/*
 * timeline: the append-only record of one tlsladder run.
 *
 * Everything else reads it: the text ladder, the UI, decoders, diagnosis,
 * exports. The capture threads write it; nothing ever removes an event.
 *
 * Coordinates: events are numbered by seq = index in append order (0-based).
 * Times are microseconds on the monotonic clock since timeline_create().
 *
 * A message observed by both ends (the demo runs both sides in one process)
 * is ONE event: the sender's observation appends it, the receiver's fills in
 * its receive fields (recv_seen, recv_us, recv_differs). That completion and
 * the sender's settling of its delivery (timeline_set_delivery) are the only
 * changes ever made to an existing event; they happen under the lock and
 * wake readers like an append does.
 *
 * Thread safety: all functions lock an internal mutex. Readers get copies
 * (timeline_get); the body and text pointers in a copy stay valid until
 * timeline_destroy(). Every change signals a condition variable
 * (timeline_wait, for a thread without a select loop) and pokes a waker
 * (waker.h) when a select() loop watches: one made on first use by
 * timeline_wake_fd, or one shared by many timelines (timeline_set_waker).
 * When nobody watches, no pipe exists and nothing is written.
 *
 * Lifetime: timeline_hold adds a holder; timeline_destroy lets go of one,
 * and the last frees the timeline (serve keeps recent connections'
 * timelines while the interactive ladder may show one of them).
 */
#ifndef TLSLADDER_TIMELINE_H
#define TLSLADDER_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/notes.h"

enum tl_side { TL_CLIENT = 0, TL_SERVER = 1 };

enum tl_kind {
	TL_EV_HANDSHAKE,   /* a handshake message (hs_type) */
	TL_EV_CCS,         /* change_cipher_spec, from the record layer */
	TL_EV_ALERT,       /* alert_level / alert_desc */
	TL_EV_RECORD,      /* one TLS record on the wire (wire view) */
	TL_EV_NOTE,        /* text: something worth knowing, not on the wire */
	TL_EV_ERROR,       /* text: a failure of one side */
	TL_EV_DIAGNOSIS,   /* text: a conclusion drawn from the evidence */
	TL_EV_PLAIN        /* a plaintext application-protocol line or message before TLS (STARTTLS):
			      text = the line as read (peer bytes: sanitize to show), body = its bytes
			      on the wire, note = its typed role (notes.h) */
};

/* HelloRetryRequest is its own kind of message here; on the wire it is type 2. */
#define TL_HS_HELLO_RETRY_REQUEST 1025u

/* Which keys protected a message (TLS 1.3 names its traffic secrets). */
enum tl_keys {
	TL_KEYS_NONE,          /* plaintext */
	TL_KEYS_HANDSHAKE,     /* TLS 1.3 handshake traffic secret */
	TL_KEYS_APPLICATION,   /* TLS 1.3 application traffic secret */
	TL_KEYS_TLS12,         /* TLS 1.2 keys from the master secret (after ChangeCipherSpec) */
	TL_KEYS_EARLY          /* TLS 1.3 client_early_traffic_secret (0-RTT data, EndOfEarlyData) */
};

/*
 * Whether a message or record reached the other side, as far as the
 * observing side can know. Outgoing: delivered once every record carrying it
 * was written whole to the socket (the handshake hook fires before a
 * flight's records are written, so a hooked message starts out pending and
 * the transport settles it). Incoming: delivered once read whole.
 */
enum tl_delivery {
	TL_DELIVERED = 0,          /* (also every event of a saved or built timeline) */
	TL_DELIVERY_PENDING,       /* outgoing: recorded, its records not all written yet */
	TL_NOT_SENT,               /* outgoing: its records were not all written (tl_event.cause) */
	TL_INCOMPLETE              /* incoming: only part of it arrived (tl_event.cause, deliv_bytes) */
};

/* Why an event was not delivered. */
enum tl_undelivered_cause {
	TL_CAUSE_NONE = 0,
	TL_CAUSE_PEER_CLOSED,      /* a write failed: the peer had closed the connection (EPIPE) */
	TL_CAUSE_RESET,            /* a write failed: the peer had reset the connection (ECONNRESET) */
	TL_CAUSE_TIMEOUT,          /* the time limit ran out first */
	TL_CAUSE_CANCELLED,        /* the user stopped the run */
	TL_CAUSE_WRITE_FAILED,     /* a write failed for another reason */
	TL_CAUSE_STOPPED,          /* the handshake stopped before it was written */
	TL_CAUSE_CLOSED_INSIDE,    /* incoming: the connection ended inside it */
	TL_CAUSE_NOT_READ          /* incoming: the rest was not read before this side stopped */
};

struct tl_event {
	unsigned seq;
	enum tl_kind kind;
	enum tl_side from;        /* the sender (for notes/errors: the side it concerns) */
	unsigned conn;            /* connection number within the run (resumption: 0, 1) */
	int64_t t_us;             /* when first observed */
	unsigned hs_type;         /* TL_EV_HANDSHAKE: wire type or TL_HS_HELLO_RETRY_REQUEST */
	unsigned version;         /* protocol version in force (0x0303, 0x0304; 0 unknown) */
	bool encrypted;
	enum tl_keys keys;
	unsigned rec_type;        /* TL_EV_RECORD: content type */
	unsigned rec_version;     /* TL_EV_RECORD: record-layer version field */
	unsigned rec_length;      /* TL_EV_RECORD: payload length */
	unsigned alert_level;     /* TL_EV_ALERT */
	unsigned alert_desc;      /* TL_EV_ALERT */
	const uint8_t *body;      /* handshake body as the hook delivered it (no 4-byte header) */
	size_t body_len;          /* bytes at body: the whole body, or its first part (see body_total) */
	size_t body_total;        /* stored events: the body's whole length; more than body_len when
				   * only its first body_len bytes were kept (timeline_body_cut) */
	const char *text;         /* notes, errors, diagnosis; may hold peer bytes: sanitize to show */
	size_t text_total;        /* stored events: the text's whole length (strlen); more than
				   * strlen(text) when only its start was kept */
	int code;                 /* errors: the enum tl_exit value; pre-flight findings: a credcheck code + 1 */
	/* observations */
	bool sent_seen;           /* the sender's side saw it leave */
	bool recv_seen;           /* the receiver's side saw it arrive */
	int64_t sent_us, recv_us;
	bool recv_differs;        /* the receiver saw different bytes than were sent */
	struct tl_note note;      /* notes and errors: the typed fact behind the text (notes.h) */
	/* delivery, settled by the sender's record layer (see enum tl_delivery) */
	enum tl_delivery delivery;
	enum tl_undelivered_cause cause;
	unsigned deliv_bytes;     /* TL_INCOMPLETE: bytes of the record that arrived (header included) */
	unsigned key_gen;         /* TL_KEYS_APPLICATION: which application traffic secret protected it,
				   * N of <side>_application_traffic_secret_N (0 until a KeyUpdate) */
	unsigned handshake;       /* which handshake of its connection it belongs to: 2 the first TLS 1.2
				   * renegotiation, 3 the next, ...; 0 or 1 the first handshake (and what
				   * follows it: events built or saved without the field say 0) */
};

/* A secret from the keylog function (TLS 1.3 traffic secrets, TLS 1.2 master secret). */
struct tl_secret {
	enum tl_side side;        /* which side reported it */
	unsigned conn;
	char label[48];           /* NSS key log label, e.g. CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	uint8_t client_random[32];
	uint8_t secret[64];
	size_t len;
	bool withheld;            /* known to exist, its value not at hand (a run saved without its secrets):
				     secret[] holds nothing, and nothing is derived from it */
};

/* Why the client stopped reading after the handshake. */
enum tl_grace_end {
	TL_GRACE_NOT_RUN,      /* no handshake, or not a client */
	TL_GRACE_DRAINED,      /* nothing more was in flight */
	TL_GRACE_ACCEPTED,     /* the server answered our certificate with a ticket or data */
	TL_GRACE_ALERT,        /* an alert or close_notify arrived */
	TL_GRACE_EXPIRED,      /* the grace period ran out */
	TL_GRACE_ERROR         /* the connection failed while reading */
};

/* Why a peer's certificate chain did not verify (bits of tl_result.verify_flags). */
enum tl_verify_flag {
	TL_VERIFY_UNKNOWN_ISSUER = 1u << 0,   /* no trusted CA issued it */
	TL_VERIFY_SELF_SIGNED = 1u << 1,      /* ... and it issued itself */
	TL_VERIFY_EXPIRED = 1u << 2,
	TL_VERIFY_NOT_ACTIVATED = 1u << 3,
	TL_VERIFY_NAME_MISMATCH = 1u << 4,    /* the server's certificate is for another name */
	TL_VERIFY_BAD_SIGNATURE = 1u << 5,
	TL_VERIFY_WRONG_PURPOSE = 1u << 6,    /* extended key usage does not fit */
	TL_VERIFY_REVOKED = 1u << 7,
	TL_VERIFY_OTHER = 1u << 8
};

/* What one side concluded when it finished. Strings may hold peer bytes. */
struct tl_result {
	bool set;
	bool handshake_ok;        /* the handshake call returned success */
	bool rejected_after;      /* a fatal alert arrived after the handshake "succeeded" */
	bool closed_cleanly;      /* close_notify seen from the peer */
	int code;                 /* GnuTLS error code (0 when ok) */
	char error[640];          /* the cause in plain words; empty when ok */
	bool verify_done;         /* the peer's certificate was checked */
	bool verified;            /* ... and passed */
	bool peer_sent_cert;
	char verify[640];         /* verification verdict in plain words */
	char cipher_suite[64];    /* negotiated suite as the library names it (IANA form) */
	char group[32];
	char sigscheme[48];
	unsigned version;         /* negotiated protocol version, 0 if none */
	char alpn[64];            /* the application protocol agreed by ALPN, empty if none */
	bool resumed;
	int exit_code;            /* the side's enum tl_exit value */
	unsigned verify_flags;    /* enum tl_verify_flag bits when the peer's chain did not verify */
	unsigned peer_chain_len;  /* certificates the peer sent */
	enum tl_grace_end grace_end;
	int64_t grace_us;         /* how long the grace period lasted */
};

/*
 * What one connection may store (bytes kept for the life of the timeline).
 * A real handshake stays whole: a ClientHello is at most ~128 KiB by its
 * own length fields, but real ones are under 2 KiB; a Certificate with a
 * chain of six RSA-4096 certificates is about 12 KiB. Beyond the limits
 * the event is still stored, with only the first part of its body (its
 * body_total says how long it was), or, past the event limits, counted
 * per kind and not stored (timeline_conn_unstored).
 */
#define TL_MAX_BODY_STORED 65536u        /* bytes of one message body */
#define TL_CONN_MAX_STORED 262144u       /* bytes of bodies and texts of one connection */
#define TL_CONN_TEXT_RESERVE 32768u      /* ... of which bodies leave this much to notes and errors */
#define TL_CONN_MAX_EVENTS 4096u         /* messages, records, alerts, CCS of one connection */
#define TL_CONN_MAX_NOTES 256u           /* notes, errors, diagnoses of one connection */
#define TL_KIND_COUNT 8                  /* enum tl_kind values */

/* What a connection did not store (all zero when everything was kept). */
struct tl_unstored {
	unsigned long events[TL_KIND_COUNT];   /* events not stored at all, per enum tl_kind */
	unsigned long long body_bytes;         /* body and text bytes not kept: of those events and of cut ones */
	unsigned long cut;                     /* stored events whose body or text was kept only in part */
};

struct timeline;

/* merge: combine both sides' observations of one message into one event (demo). */
struct timeline *timeline_create(bool merge);
/* Lets go of the timeline: the last holder's call frees it. */
void timeline_destroy(struct timeline *tl);
/* Adds a holder (returns tl). */
struct timeline *timeline_hold(struct timeline *tl);

/* Microseconds since the timeline was created (monotonic clock). */
int64_t timeline_now(const struct timeline *tl);

/*
 * Records one side's observation, stamped with the current time (the
 * caller's t_us is ignored). outgoing: the observing side sent it
 * (ev->from must be the observer); otherwise it received it (ev->from is the
 * peer). The body and text are copied, within the connection's limits
 * (above). Returns the event's seq, or -1 when it was not stored: past the
 * limits (counted, timeline_conn_unstored), or memory ran out (the run goes
 * on; the event is lost and counted, timeline_dropped).
 */
int timeline_observe(struct timeline *tl, const struct tl_event *ev, bool outgoing);
/* Settles the delivery of event seq (the one change besides the receive
 * fields ever made to an existing event); false when seq is out of range. */
bool timeline_set_delivery(struct timeline *tl, size_t seq, enum tl_delivery d, enum tl_undelivered_cause cause);
/* Appends a copy of ev exactly as given (times and observation fields kept):
 * for loading a saved timeline and for building fixtures. Returns seq or -1. */
int timeline_append_raw(struct timeline *tl, const struct tl_event *ev);
/* Appends a note, error or diagnosis about a side. Returns seq or -1. */
int timeline_note(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text);
/* The same with a code (see tl_event.code). */
int timeline_note_code(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text,
		       int code);

/* The same with the typed fact behind the text (the diagnosis reads the fact). */
int timeline_note_fact(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text,
		       const struct tl_note *fact);

/* A function told about each note and error as it is appended (from the
 * appending thread, outside the lock): text mode prints them as they happen. */
typedef void (*timeline_note_hook)(void *arg, const struct tl_event *ev);
void timeline_set_note_hook(struct timeline *tl, timeline_note_hook fn, void *arg);

size_t timeline_count(const struct timeline *tl);
/* Copies event i into *out; false when i is out of range. */
bool timeline_get(const struct timeline *tl, size_t i, struct tl_event *out);
/* Events lost to memory exhaustion. */
unsigned timeline_dropped(const struct timeline *tl);
/* What connection conn did not store, past the limits above; false when it stored everything. */
bool timeline_conn_unstored(const struct timeline *tl, unsigned conn, struct tl_unstored *out);
/* The events a connection did not store, in words: "1,204 further records were not stored
 * (limit 4,096 events per connection)"; empty when it stored every event. Returns buf. */
char *timeline_unstored_text(const struct tl_unstored *u, char *buf, size_t n);
/* True when only the first part of the event's body was kept. */
bool timeline_body_cut(const struct tl_event *ev);
/* What was kept of a cut body: "the first 65,536 of 131,072 bytes; the rest was not kept";
 * empty when the body is whole. Returns buf. */
char *timeline_stored_text(const struct tl_event *ev, char *buf, size_t n);
/* n with a comma between thousands ("131,072"). Returns buf. */
char *timeline_grouped(unsigned long long n, char *buf, size_t len);

void timeline_add_secret(struct timeline *tl, const struct tl_secret *s);
size_t timeline_secret_count(const struct timeline *tl);
bool timeline_get_secret(const struct timeline *tl, size_t i, struct tl_secret *out);

void timeline_set_result(struct timeline *tl, enum tl_side side, unsigned conn, const struct tl_result *r);
/* The result a side reported for a connection; r->set is false if none yet. */
void timeline_get_result(const struct timeline *tl, enum tl_side side, unsigned conn, struct tl_result *r);
/* The verdict a side (judge) reached on its peer's certificate chain in a
 * connection, computed once where the handshake checked it (tlsladder/chain.h).
 * set stores a copy (a later one replaces it); get copies it out, false when
 * that side judged no chain there. */
struct chain_result;
void timeline_set_chain(struct timeline *tl, enum tl_side judge, unsigned conn, const struct chain_result *c);
bool timeline_get_chain(const struct timeline *tl, enum tl_side judge, unsigned conn, struct chain_result *out);
/* The check of the Finished at timeline index r->index, computed once when
 * its connection settled (tlsladder/finished.h). set stores a copy (a later
 * one for the same index replaces it); get copies it out, false when none
 * was stored for that index. */
struct finished_result;
void timeline_set_finished(struct timeline *tl, const struct finished_result *r);
bool timeline_get_finished(const struct timeline *tl, size_t index, struct finished_result *out);
/* The PSK binder check of a connection's ClientHello, computed once when it
 * settled (tlsladder/keysched.h). set stores a copy (a later one replaces
 * it); get copies it out, false when none was stored. */
struct keysched_binder;
void timeline_set_keysched(struct timeline *tl, unsigned conn, const struct keysched_binder *b);
bool timeline_get_keysched(const struct timeline *tl, unsigned conn, struct keysched_binder *out);
/* The events of connection conn lie in [*first, *end) (others may be
 * interleaved); false when it has none. */
bool timeline_conn_range(const struct timeline *tl, unsigned conn, size_t *first, size_t *end);
/* Number of connections a result was set for (highest conn + 1). */
unsigned timeline_conn_count(const struct timeline *tl);

/* Identifies the timeline's content as it is now: *id is unique among the
 * timelines of the process, *generation changes with every change to it.
 * Whatever is derived from a timeline may be kept while both stay equal. */
void timeline_stamp(const struct timeline *tl, uint64_t *id, unsigned *generation);

/* About how many bytes of memory the timeline holds (what serve's log counts against its budget). */
size_t timeline_footprint(const struct timeline *tl);

/* Marks the run finished (no more events will come) and wakes readers. */
void timeline_finish(struct timeline *tl);
bool timeline_finished(const struct timeline *tl);

/* Read end of the wake pipe: readable after any change (made on first
 * use; -1 when no descriptor was left). */
int timeline_wake_fd(const struct timeline *tl);
/* Empties the wake pipe (call after select() said it was readable). */
void timeline_drain_wake(const struct timeline *tl);
/* Shares waker w (waker.h): poked on every later change, and once now.
 * w must outlive the timeline. */
struct waker;
void timeline_set_waker(struct timeline *tl, struct waker *w);
/* Waits until there are more than `seen` events, or a change after that,
 * or the run finished, or timeout_ms passed (-1: no limit). Returns the count. */
size_t timeline_wait(const struct timeline *tl, size_t seen, int timeout_ms);

/*
 * The bytes on the wire and where they went (for --pcap). Each side's
 * reads and writes of a connection's socket, kept in the order they
 * happened, as pieces of two byte streams (one per sender): only when
 * timeline_wire_keep was called before the capture, and up to its limit
 * per connection; what goes beyond is counted, not kept. When both sides
 * run in one process (merge), the sender's writes are the stream and the
 * receiver's reads are not kept again. None of this is a change readers
 * are woken for: no view draws it.
 */
enum tl_ip { TL_IP_NONE = 0, TL_IP_V4, TL_IP_V6 };

/* One end of a TCP connection. */
struct tl_netaddr {
	enum tl_ip ip;            /* TL_IP_NONE: no network address (the demo's socket pair) */
	uint8_t addr[16];         /* network byte order: the first 4 bytes for IPv4 */
	unsigned port;
};

/* What the timeline knows of a connection's wire. */
struct tl_conn_wire {
	struct tl_netaddr end[2]; /* the client's and the server's end, by enum tl_side */
	int64_t connected_us;     /* when the addresses were recorded (the connection was made); -1: never */
	uint64_t kept[2];         /* bytes kept of what each side sent */
	uint64_t lost[2];         /* bytes each side sent beyond the limit (or memory): not kept */
	uint64_t plain[2];        /* the first bytes of each side's stream that are the application protocol's
				     plaintext before TLS (STARTTLS), not TLS records */
};

/* One read or write: a piece of the stream its sender sent (len may be 0:
 * a write that did not happen). */
struct tl_wire_chunk {
	unsigned conn;
	enum tl_side from;        /* the sender */
	int64_t t_us;             /* when it was written (just before), or read (by a receiver alone in the run) */
	uint64_t offset;          /* where it starts in its sender's stream */
	const uint8_t *bytes;     /* valid until timeline_wire_release or timeline_destroy */
	size_t len;
};

/* The default limit of timeline_wire_keep, per connection. */
#define TL_WIRE_LIMIT_DEFAULT (256u * 1024u)

/* Keeps the wire from now on, up to limit bytes per connection (each read
 * or write also counts 64 bytes of bookkeeping). Call before the capture. */
void timeline_wire_keep(struct timeline *tl, size_t limit);
/* A side read (outgoing false) n bytes of connection conn, or is about to
 * write them (recorded before they leave, so that nothing the peer does in
 * answer is recorded first); from is the sender. */
void timeline_wire_add(struct timeline *tl, unsigned conn, enum tl_side from, bool outgoing, const uint8_t *p,
		       size_t n);
/* The last n bytes `from` was about to write were not written after all. */
void timeline_wire_unsent(struct timeline *tl, unsigned conn, enum tl_side from, size_t n);
/* The bytes kept so far of connection conn, both ways, are the application protocol's plaintext before
 * TLS (STARTTLS): the TLS records start after them (tl_conn_wire.plain). */
void timeline_wire_mark_plain(struct timeline *tl, unsigned conn);
/* Records the ends of connection conn (stamped with the current time). */
void timeline_set_addrs(struct timeline *tl, unsigned conn, const struct tl_netaddr *client,
			const struct tl_netaddr *server);
/* What is known of connection conn's wire; false when nothing (no address, no byte). */
bool timeline_wire_conn(const struct timeline *tl, unsigned conn, struct tl_conn_wire *out);
/* Connections the wire knows anything of: highest conn + 1 (0: none). */
unsigned timeline_wire_conn_count(const struct timeline *tl);
/* Number of kept reads and writes (all connections, in the order they happened). */
size_t timeline_wire_count(const struct timeline *tl);
/* Copies piece i; false when i is out of range. */
bool timeline_wire_get(const struct timeline *tl, size_t i, struct tl_wire_chunk *out);
/* Frees the kept bytes (once written out); the counts stay, and nothing more is kept. */
void timeline_wire_release(struct timeline *tl);
/* The wall-clock time (microseconds since 1970) when the timeline was created. */
int64_t timeline_wall_start_us(const struct timeline *tl);

/* Human name of an event: "ClientHello", "ChangeCipherSpec", "Alert", ... (static). */
const char *timeline_event_name(const struct tl_event *ev);
/* True when the event is drawn as not delivered (not sent, or incomplete). */
bool timeline_undelivered(const struct tl_event *ev);
/* What became of an undelivered event, in plain words: "not sent: the server
 * had closed the connection (EPIPE)"; empty when it was delivered or is
 * still pending. Returns buf. */
char *timeline_delivery_text(const struct tl_event *ev, char *buf, size_t n);
/* The TLS 1.3 traffic secret whose keys protected a message or record, as RFC 8446 names it
 * ("server_handshake_traffic_secret", "client_application_traffic_secret_1"), into buf;
 * "" for plaintext and TLS 1.2. Returns buf. */
char *timeline_secret_name(const struct tl_event *ev, char *buf, size_t n);

/* The checks of the signatures in CertificateVerify and ServerKeyExchange messages, each
 * stored when its connection settled (tlsladder/certverify.h). set stores a copy (a later
 * one for the same index replaces it); get copies it out, false when none is stored. */
struct certverify_result;
void timeline_set_certverify(struct timeline *tl, const struct certverify_result *r);
bool timeline_get_certverify(const struct timeline *tl, size_t index, struct certverify_result *out);
/*
 * What opening one record found, computed once when its connection settled
 * (src/tls/records.c) from the bytes on the wire (above) and keys derived
 * from the key log secrets; views render it (recframe.h). Stored per
 * record event with timeline_set_record; a later one for the same index
 * replaces it.
 */
enum tl_rec_verdict {
	TL_REC_UNCHECKED = 0,      /* nothing stored (no facts for this record) */
	TL_REC_PLAIN,              /* it travelled in the clear: its payload is the plaintext */
	TL_REC_OPENED,             /* decrypted with the derived keys: the tag (or MAC and padding) matched */
	TL_REC_TAG_MISMATCH,       /* decrypted with the derived keys: the tag (or MAC or padding) did not match */
	TL_REC_CANNOT              /* not decrypted (tl_record_facts.why) */
};

/* Why a record could not be decrypted. */
enum tl_rec_why {
	TL_REC_WHY_NONE = 0,
	TL_REC_NO_BYTES,           /* its bytes were not kept (the wire was not kept, or past its limit) */
	TL_REC_CUT,                /* it did not arrive whole */
	TL_REC_NO_HELLO,           /* no ClientHello and ServerHello: the version and suite are not known */
	TL_REC_NO_SECRET,          /* the key log has no secret for its keys (secret_label) */
	TL_REC_UNSUPPORTED,        /* the suite's record protection is not supported here (or an older version) */
	TL_REC_TOO_SHORT,          /* shorter than its nonce, tag or MAC */
	TL_REC_LIBRARY             /* the library refused the key or the cipher */
};

/* How a record is protected. */
enum tl_rec_protect {
	TL_PROT_NONE = 0,
	TL_PROT_AEAD13,            /* TLS 1.3 AEAD: nonce = IV XOR seq, additional data = the 5-byte header */
	TL_PROT_AEAD12_EXPLICIT,   /* TLS 1.2 GCM/CCM: nonce = 4-byte salt || 8-byte explicit nonce in the record */
	TL_PROT_AEAD12_XOR,        /* TLS 1.2 ChaCha20-Poly1305: nonce = IV XOR seq */
	TL_PROT_CBC,               /* TLS 1.2 CBC, MAC-then-encrypt: explicit IV, then enc(content || MAC || padding) */
	TL_PROT_CBC_ETM            /* TLS 1.2 CBC, encrypt-then-MAC (RFC 7366): explicit IV, enc(content || padding), MAC */
};

#define TL_REC_MAX_CARRY 8

struct tl_record_facts {
	size_t index;              /* timeline index of the TL_EV_RECORD */
	enum tl_rec_verdict verdict;
	enum tl_rec_why why;
	enum tl_rec_protect prot;
	bool have_bytes;           /* its bytes are in the wire: header at offset of its sender's stream */
	uint64_t offset;
	uint64_t seq;              /* its sequence number: records its sender protected before it with the same keys */
	unsigned inner_type;       /* content type of what it carries (TLS 1.3: the one inside the encryption) */
	unsigned plain_len;        /* bytes of content */
	unsigned nonce_len;        /* explicit nonce or IV at the start of the payload (0, 8, 16) */
	unsigned tag_len;          /* AEAD tag or MAC */
	unsigned pad_len;          /* TLS 1.3: zero bytes after the inner type; CBC: padding + its length byte */
	uint8_t iv[16];            /* the write IV (TLS 1.3 and ChaCha20: 12 bytes; GCM/CCM: the 4-byte salt); secret */
	size_t iv_len;
	uint8_t nonce[16];         /* the AEAD nonce of this record (12 bytes); CBC: its explicit IV */
	size_t nonce_full_len;
	uint8_t aad[13];           /* the additional data (or the MAC's header: seq || type || version || length) */
	size_t aad_len;
	char secret_label[48];     /* the key log label its keys come from ("" when none) */
	size_t carries[TL_REC_MAX_CARRY];   /* timeline indexes of the messages its plaintext holds, in order */
	unsigned ncarry;           /* how many (more than TL_REC_MAX_CARRY: only the first are listed) */
	bool carries_part;         /* it holds only part of a message (the first or the last one listed) */
	bool unmatched;            /* handshake bytes it holds match no message recorded (the sender's hook) */
};

/* Stores the facts of the record at f->index (a copy; a later one replaces it). */
void timeline_set_record(struct timeline *tl, const struct tl_record_facts *f);
/* Copies the facts of the record at index; false when none were stored. */
bool timeline_get_record(const struct timeline *tl, size_t index, struct tl_record_facts *out);

#endif
