/*
 * starttls: the plaintext exchange that comes before TLS on a connected
 * socket (--starttls PROTO): greeting, capabilities, the request to start
 * TLS and its answer, following the protocol's script (plainproto.h).
 *
 * Every line or message, both ways, becomes a TL_EV_PLAIN event with its
 * typed role, and its bytes go to the timeline's wire (--pcap), so the TCP
 * stream holds the plaintext before the TLS records. Every read and write
 * waits at most until the run's one deadline, and gives up when the cancel
 * descriptor becomes readable. Server lines are limited to
 * PLAINPROTO_LINE_MAX bytes and a reply to PLAINPROTO_REPLY_LINES lines.
 */
#ifndef TLSLADDER_STARTTLS_H
#define TLSLADDER_STARTTLS_H

#include <stdint.h>

#include "tlsladder/errors.h"
#include "tlsladder/notes.h"
#include "tlsladder/timeline.h"

struct starttls_opts {
	enum tl_starttls_proto proto;
	const char *xmpp_host;        /* XMPP: to= of the stream header */
	int64_t deadline_us;          /* on the timeline's clock */
	int timeout_ms;               /* the run's --timeout (for messages) */
	int cancel_fd;                /* -1 for none */
};

/*
 * Runs the exchange on the connected socket fd (non-blocking) for connection
 * conn. Returns 0 when the server is ready for the TLS handshake; else an
 * enum tl_exit value: a refusal, a capability list without STARTTLS or an
 * unexpected reply is recorded as a typed error event (err stays empty);
 * a timeout, cancellation or broken connection is in err.
 */
int starttls_run(int fd, struct timeline *tl, unsigned conn, const struct starttls_opts *o, struct tl_error *err);

#endif
