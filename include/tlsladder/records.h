/*
 * records: every record of a connection opened once, when the connection
 * settled, with keys tlsladder derives itself from the key log secrets
 * (src/tls/records.c; the results are struct tl_record_facts in the
 * timeline, rendered by recframe.h).
 *
 * A record's bytes come from the wire the timeline kept (timeline_wire_keep):
 * the records of each sender's stream, in order, are its TL_EV_RECORD
 * events, in order (the header must agree). Keys:
 *  TLS 1.3: key and IV = HKDF-Expand-Label(traffic secret, "key"/"iv", "", len)
 *           (finished_traffic_keys13), the traffic secret of the record's keys
 *           (handshake, early, application N: N times "traffic upd" from _0);
 *           nonce = IV XOR sequence number; additional data = the 5-byte header.
 *  TLS 1.2: the key block (finished_keys12_at) of the handshake whose
 *           ChangeCipherSpec started the keys; GCM/CCM: nonce = 4-byte salt ||
 *           8-byte explicit nonce; ChaCha20-Poly1305: IV XOR sequence number;
 *           additional data = seq || type || version || length; CBC: explicit IV,
 *           HMAC MAC-then-encrypt, or encrypt-then-MAC when the ServerHello
 *           agreed to it (RFC 7366).
 * Sequence numbers count each sender's protected records from 0 at each key
 * change (TLS 1.3: each traffic secret; TLS 1.2: each ChangeCipherSpec).
 * The plaintext is matched against the messages the sender's hook recorded
 * (type || length || body), its alerts and ChangeCipherSpec.
 */
#ifndef TLSLADDER_RECORDS_H
#define TLSLADDER_RECORDS_H

#include "tlsladder/timeline.h"

/* Opens every record of connection conn and stores what each one holds (timeline_set_record). */
void records_settle(struct timeline *tl, unsigned conn);

#endif
