/*
 * fuzz_decode_types.h: how fuzz_decode reads its input, shared with the
 * program that writes the seed corpus (tests/fixtures/gen_fixtures.c).
 *
 * Input: byte 0 picks the handshake type (index into fuzz_decode_types,
 * modulo its size); byte 1 packs the context:
 *   bits 0-1  version: 0 unknown, 1 TLS 1.2 (0x0303), 2 TLS 1.3 (0x0304), 3 TLS 1.0 (0x0301)
 *   bits 2-4  key exchange: enum decode_kx, modulo 5
 *   bit 5     sender: 0 client, 1 server
 *   bit 6     also read the body as a bare DER Name (decode_dn_string)
 * The rest is the message body.
 */
#ifndef TLSLADDER_FUZZ_DECODE_TYPES_H
#define TLSLADDER_FUZZ_DECODE_TYPES_H

#include <stddef.h>

#include "tlsladder/decode.h"

static const unsigned fuzz_decode_types[] = {
	0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24, 25, 254, TL_HS_HELLO_RETRY_REQUEST, 99,
};
#define FUZZ_DECODE_NTYPES (sizeof fuzz_decode_types / sizeof fuzz_decode_types[0])

/* Byte 0 for a handshake type (0 if the type is not in the table). */
static inline unsigned char fuzz_decode_type_byte(unsigned hs_type)
{
	for (size_t i = 0; i < FUZZ_DECODE_NTYPES; i++)
		if (fuzz_decode_types[i] == hs_type)
			return (unsigned char)i;
	return 0;
}

/* Byte 1 for a context. */
static inline unsigned char fuzz_decode_ctx_byte(unsigned version, enum decode_kx kx, enum tl_side from, bool dn)
{
	unsigned v = version == 0x0303 ? 1 : version == 0x0304 ? 2 : version == 0x0301 ? 3 : 0;

	return (unsigned char)(v | ((unsigned)kx % 5) << 2 | (from == TL_SERVER ? 1u << 5 : 0) | (dn ? 1u << 6 : 0));
}

/* The context byte 1 describes. */
static inline struct decode_ctx fuzz_decode_ctx(unsigned char b)
{
	static const unsigned versions[4] = { 0, 0x0303, 0x0304, 0x0301 };
	struct decode_ctx c;

	c.version = versions[b & 3];
	c.kx = (enum decode_kx)(((b >> 2) & 7) % 5);
	c.from = (b >> 5) & 1 ? TL_SERVER : TL_CLIENT;
	return c;
}

#endif
