/*
 * decode_ext.c: TLS extensions (RFC 8446 4.2, RFC 5246 7.4.1.4 and the
 * extension RFCs) into field trees.
 *
 * One table maps an extension type to the function that decodes its
 * content. The same extension means different things in different
 * messages (key_share carries a list in ClientHello, one entry in
 * ServerHello, a bare group in HelloRetryRequest), so each function gets
 * the handshake type of the message that holds it. A function reads its
 * content through a sub-reader over exactly that extension; content left
 * over, or content that does not parse, fails the reader with the absolute
 * offset and reason, and the caller turns that into the "malformed" node.
 */
#include "tlsladder/decode.h"
#include "tlsladder/names.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Handshake types whose extensions read differently. */
enum {
	HS_CLIENT_HELLO = 1,
	HS_SERVER_HELLO = 2,
	HS_NEW_SESSION_TICKET = 4,
	HS_ENCRYPTED_EXTENSIONS = 8,
	HS_CERTIFICATE = 11,
	HS_CERTIFICATE_REQUEST = 13
};

typedef bool (*ext_fn)(struct tree_node *node, struct reader *r, unsigned hs);

/* True when the extension sits in a HelloRetryRequest. */
static bool is_hrr(unsigned hs)
{
	return hs == TL_HS_HELLO_RETRY_REQUEST;
}

/* "s" unless n is 1. */
static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* Copies n peer bytes into a C string (NUL bytes become "\0" text so nothing is cut). */
static char *peer_string(const uint8_t *p, size_t n)
{
	size_t extra = 0, j = 0;
	char *s;

	for (size_t i = 0; i < n; i++)
		if (p[i] == 0)
			extra += 1;
	s = malloc(n + extra + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0) {
			s[j++] = '\\';
			s[j++] = '0';
		} else {
			s[j++] = (char)p[i];
		}
	}
	s[j] = '\0';
	return s;
}

/* Adds a child valued with a peer string read from r (len bytes). */
static struct tree_node *add_peer_string(struct tree_node *parent, const char *label, struct reader *r,
					 size_t len, char **copy)
{
	size_t at = reader_pos(r);
	const uint8_t *p;
	char *s;
	struct tree_node *node;

	*copy = NULL;
	if (!reader_bytes(r, len, &p))
		return NULL;
	s = peer_string(p, len);
	node = tree_range(tree_add(parent, label, s ? s : "(out of memory)"), at, len);
	*copy = s;
	return node;
}

/* Content must be empty; value says what its presence means. */
static bool ext_empty(struct tree_node *node, struct reader *r, const char *meaning)
{
	if (reader_left(r) > 0)
		return reader_fail(r, "this extension has no content");
	decode_set_value(node, "%s", meaning);
	return true;
}

/* server_name (RFC 6066): a list of host names; empty in the server's answer. */
static bool ext_server_name(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;
	bool first = true;

	(void)hs;
	if (reader_left(r) == 0)
		return ext_empty(node, r, "acknowledged: the server used the name the client sent");
	if (!reader_vec(r, 2, &list))
		return false;
	while (reader_left(&list) > 0) {
		unsigned type;
		struct reader name;
		size_t at = reader_pos(&list);
		char *s;

		if (!reader_u8(&list, &type) || !reader_vec(&list, 2, &name))
			return decode_fail_from(r, &list);
		if (type != 0) {
			const uint8_t *p;
			size_t n, off;
			char lbl[32];
			snprintf(lbl, sizeof lbl, "name type %u", type);
			decode_take_rest(&name, &p, &n, &off);
			tree_range(decode_add_bytes(node, lbl, p, n, off), at, reader_pos(&list) - at);
			continue;
		}
		tree_range(add_peer_string(node, "host_name", &name, reader_left(&name), &s), at,
			   reader_pos(&list) - at);
		if (first && s)
			decode_set_value(node, "%s", s);
		first = false;
		free(s);
	}
	if (first)
		decode_set_value(node, "empty list");
	return true;
}

/* application_layer_protocol_negotiation (RFC 7301): protocol names. */
static bool ext_alpn(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;
	char joined[256] = "";
	size_t used = 0;
	unsigned count = 0;

	(void)hs;
	if (!reader_vec(r, 2, &list))
		return false;
	while (reader_left(&list) > 0) {
		struct reader name;
		char *s;

		if (!reader_vec(&list, 1, &name))
			return decode_fail_from(r, &list);
		add_peer_string(node, "protocol", &name, reader_left(&name), &s);
		if (s && used < sizeof joined) {
			int k = snprintf(joined + used, sizeof joined - used, "%s%s", count ? ", " : "", s);
			if (k > 0)
				used += (size_t)k;
		}
		count++;
		free(s);
	}
	decode_set_value(node, "%s", count ? joined : "empty list");
	return true;
}

/* supported_versions (RFC 8446 4.2.1): a list in ClientHello, the chosen one in ServerHello/HRR. */
static bool ext_supported_versions(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;
	char joined[256] = "";
	size_t used = 0;
	unsigned v;

	if (hs != HS_CLIENT_HELLO) {
		size_t at = reader_pos(r);
		if (!reader_u16(r, &v))
			return false;
		decode_set_value(node, "%s (0x%04x)", names_version(v) ? names_version(v) : "unknown", v);
		decode_add_code(node, "selected_version", names_version(v), v, at, 2);
		return true;
	}
	if (!reader_vec(r, 1, &list))
		return false;
	if (reader_left(&list) % 2) {
		reader_fail(&list, "odd length for a list of 2-byte values");
		return decode_fail_from(r, &list);
	}
	while (reader_left(&list) > 0) {
		const char *name;
		char lbl[64];
		size_t at = reader_pos(&list);

		reader_u16(&list, &v);
		name = names_version(v);
		snprintf(lbl, sizeof lbl, "%s (0x%04x)", name ? name : "unknown", v);
		tree_range(tree_add(node, lbl, NULL), at, 2);
		if (used < sizeof joined) {
			int k = snprintf(joined + used, sizeof joined - used, "%s%s", used ? ", " : "",
					 name ? name : "unknown");
			if (k > 0)
				used += (size_t)k;
		}
	}
	decode_set_value(node, "%s", used ? joined : "empty list");
	return true;
}

/* supported_groups (RFC 8446 4.2.7). */
static bool ext_supported_groups(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;

	(void)hs;
	if (!reader_vec(r, 2, &list))
		return false;
	return decode_code_list(node, &list, names_group, "group") || decode_fail_from(r, &list);
}

/* signature_algorithms / signature_algorithms_cert (RFC 8446 4.2.3). */
static bool ext_sigalgs(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;

	(void)hs;
	if (!reader_vec(r, 2, &list))
		return false;
	return decode_code_list(node, &list, names_sigscheme, "scheme") || decode_fail_from(r, &list);
}

/* One KeyShareEntry: group and key_exchange. */
static bool key_share_entry(struct tree_node *parent, struct reader *r, bool single)
{
	size_t at = reader_pos(r);
	unsigned group;
	struct reader key;
	const uint8_t *p;
	size_t n, off;
	const char *name;
	struct tree_node *entry;
	char lbl[64];

	if (!reader_u16(r, &group) || !reader_vec(r, 2, &key))
		return false;
	decode_take_rest(&key, &p, &n, &off);
	name = names_group(group);
	if (single) {
		decode_set_value(parent, "%s, %zu byte%s", name ? name : "unknown group", n, plural(n));
		decode_add_code(parent, "group", name, group, at, 2);
		tree_range(tree_add_hex(parent, "key_exchange", p, n), off, n);
		return true;
	}
	snprintf(lbl, sizeof lbl, "%s (0x%04x)", name ? name : "unknown", group);
	entry = tree_range(tree_addf(parent, lbl, "%zu byte%s", n, plural(n)), at, reader_pos(r) - at);
	tree_range(tree_add_hex(entry, "key_exchange", p, n), off, n);
	return true;
}

/* key_share (RFC 8446 4.2.8): client shares, the server's share, or HRR's selected group. */
static bool ext_key_share(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;
	unsigned count = 0;

	if (is_hrr(hs)) {
		size_t at = reader_pos(r);
		unsigned g;
		if (!reader_u16(r, &g))
			return false;
		decode_set_value(node, "selected group %s (0x%04x): send a key share for this one",
				 names_group(g) ? names_group(g) : "unknown", g);
		decode_add_code(node, "selected_group", names_group(g), g, at, 2);
		return true;
	}
	if (hs != HS_CLIENT_HELLO)
		return key_share_entry(node, r, true);
	if (!reader_vec(r, 2, &list))
		return false;
	while (reader_left(&list) > 0) {
		if (!key_share_entry(node, &list, false))
			return decode_fail_from(r, &list);
		count++;
	}
	decode_set_value(node, "%u share%s", count, count == 1 ? "" : "s");
	return true;
}

/* psk_key_exchange_modes (RFC 8446 4.2.9). */
static bool ext_psk_modes(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;
	char joined[128] = "";
	size_t used = 0;

	(void)hs;
	if (!reader_vec(r, 1, &list))
		return false;
	while (reader_left(&list) > 0) {
		unsigned m;
		const char *name;
		size_t at = reader_pos(&list);
		char lbl[48];

		reader_u8(&list, &m);
		name = m == 0 ? "psk_ke" : m == 1 ? "psk_dhe_ke" : "unknown";
		snprintf(lbl, sizeof lbl, "%s (%u)", name, m);
		tree_range(tree_add(node, lbl, NULL), at, 1);
		if (used < sizeof joined) {
			int k = snprintf(joined + used, sizeof joined - used, "%s%s", used ? ", " : "", name);
			if (k > 0)
				used += (size_t)k;
		}
	}
	decode_set_value(node, "%s", used ? joined : "empty list");
	return true;
}

/* pre_shared_key (RFC 8446 4.2.11): offered identities and binders, or the selected identity. */
static bool ext_pre_shared_key(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader ids, binders;
	struct tree_node *idn, *bn;
	size_t at = reader_pos(r);
	unsigned count = 0, nb = 0;

	if (hs != HS_CLIENT_HELLO) {
		unsigned sel;
		if (!reader_u16(r, &sel))
			return false;
		decode_set_value(node, "the server accepted identity %u", sel);
		tree_range(tree_addf(node, "selected_identity", "%u", sel), at, 2);
		return true;
	}
	if (!reader_vec(r, 2, &ids))
		return false;
	idn = tree_range(tree_add(node, "identities", NULL), at, reader_pos(r) - at);
	while (reader_left(&ids) > 0) {
		struct reader id;
		size_t eat = reader_pos(&ids);
		unsigned long age;
		const uint8_t *p;
		size_t n, off;
		struct tree_node *e;
		char lbl[32];

		if (!reader_vec(&ids, 2, &id) || !decode_u32(&ids, &age))
			return decode_fail_from(r, &ids);
		decode_take_rest(&id, &p, &n, &off);
		snprintf(lbl, sizeof lbl, "identity %u", ++count);
		e = tree_range(tree_addf(idn, lbl, "%zu byte%s", n, plural(n)), eat, reader_pos(&ids) - eat);
		tree_range(tree_add_hex(e, "identity", p, n), off, n);
		tree_range(tree_addf(e, "obfuscated_ticket_age", "0x%08lx (ticket age + age_add, mod 2^32)", age),
			   reader_pos(&ids) - 4, 4);
	}
	decode_set_value(idn, "%u", count);
	at = reader_pos(r);
	if (!reader_vec(r, 2, &binders))
		return false;
	bn = tree_range(tree_add(node, "binders", NULL), at, reader_pos(r) - at);
	while (reader_left(&binders) > 0) {
		struct reader b;
		size_t bat = reader_pos(&binders), n, off;
		const uint8_t *p;
		char lbl[32];

		if (!reader_vec(&binders, 1, &b))
			return decode_fail_from(r, &binders);
		decode_take_rest(&b, &p, &n, &off);
		snprintf(lbl, sizeof lbl, "binder %u", ++nb);
		tree_range(decode_add_bytes(bn, lbl, p, n, off), bat, reader_pos(&binders) - bat);
	}
	decode_set_value(bn, "%u", nb);
	decode_set_value(node, "%u identit%s offered", count, count == 1 ? "y" : "ies");
	return true;
}

/* early_data (RFC 8446 4.2.10): empty, or the ticket's max_early_data_size. */
static bool ext_early_data(struct tree_node *node, struct reader *r, unsigned hs)
{
	if (hs == HS_NEW_SESSION_TICKET) {
		size_t at = reader_pos(r);
		unsigned long max;
		if (!decode_u32(r, &max))
			return false;
		decode_set_value(node, "up to %lu bytes of 0-RTT data with this ticket", max);
		tree_range(tree_addf(node, "max_early_data_size", "%lu", max), at, 4);
		return true;
	}
	return ext_empty(node, r, hs == HS_CLIENT_HELLO ? "offered: the client sends 0-RTT data"
						      : "accepted: the server reads the 0-RTT data");
}

/* A vector with a lenbytes-byte length as a "N bytes" child whose range covers the length too. */
static bool add_vec(struct tree_node *parent, const char *label, struct reader *r, unsigned lenbytes, size_t *len)
{
	size_t at = reader_pos(r), n, off;
	struct reader v;
	const uint8_t *p;

	if (!reader_vec(r, lenbytes, &v))
		return false;
	decode_take_rest(&v, &p, &n, &off);
	tree_range(decode_add_bytes(parent, label, p, n, off), at, reader_pos(r) - at);
	if (len)
		*len = n;
	return true;
}

/* status_request (RFC 6066 8, RFC 8446 4.4.2.1): an OCSP request, an empty answer, or a response. */
static bool ext_status_request(struct tree_node *node, struct reader *r, unsigned hs)
{
	unsigned type;
	size_t at = reader_pos(r), n;

	if (reader_left(r) == 0)
		return ext_empty(node, r, hs == HS_CERTIFICATE_REQUEST ? "requested: send an OCSP response"
						    : "acknowledged: an OCSP response will follow");
	if (!reader_u8(r, &type))
		return false;
	tree_range(tree_addf(node, "status_type", "%s (%u)", type == 1 ? "ocsp" : "unknown", type), at, 1);
	if (hs == HS_CERTIFICATE) {
		if (!add_vec(node, "OCSP response", r, 3, &n))
			return false;
		decode_set_value(node, "OCSP response, %zu byte%s", n, plural(n));
		return true;
	}
	if (type == 1) {
		if (!add_vec(node, "responder_id_list", r, 2, NULL) || !add_vec(node, "request_extensions", r, 2, NULL))
			return false;
		decode_set_value(node, "OCSP stapling requested");
		return true;
	}
	{
		const uint8_t *p;
		size_t off;
		decode_take_rest(r, &p, &n, &off);
		if (n)
			decode_add_bytes(node, "request", p, n, off);
		decode_set_value(node, "status type %u", type);
	}
	return true;
}

/* ec_point_formats (RFC 8422 5.1.2). */
static bool ext_ec_point_formats(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;
	unsigned count = 0;

	(void)hs;
	if (!reader_vec(r, 1, &list))
		return false;
	while (reader_left(&list) > 0) {
		unsigned f;
		size_t at = reader_pos(&list);
		char lbl[64];

		reader_u8(&list, &f);
		snprintf(lbl, sizeof lbl, "%s (%u)",
			 f == 0 ? "uncompressed" : f == 1 ? "ansiX962_compressed_prime" :
			 f == 2 ? "ansiX962_compressed_char2" : "unknown", f);
		tree_range(tree_add(node, lbl, NULL), at, 1);
		count++;
	}
	decode_set_value(node, "%u format%s", count, count == 1 ? "" : "s");
	return true;
}

/*
 * renegotiation_info (RFC 5746): empty on the first handshake; in a
 * renegotiation the client sends its previous Finished verify_data
 * (client_verify_data, 12 bytes in TLS 1.2) and the server both sides'
 * (client_verify_data || server_verify_data, 24 bytes).
 */
static bool ext_renegotiation_info(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader rc;
	const uint8_t *p;
	size_t n, off;

	if (!reader_vec(r, 1, &rc))
		return false;
	decode_take_rest(&rc, &p, &n, &off);
	if (n == 0) {
		decode_set_value(node, "empty: first handshake on this connection (secure renegotiation supported)");
		return true;
	}
	decode_add_bytes(node, "renegotiated_connection", p, n, off);
	if (hs == WIRE_HS_SERVER_HELLO && n % 2 == 0) {
		decode_add_bytes(node, "client_verify_data", p, n / 2, off);
		decode_add_bytes(node, "server_verify_data", p + n / 2, n / 2, off + n / 2);
		decode_set_value(node, "renegotiation: the previous handshake's Finished verify_data of both sides, %zu "
				       "bytes", n);
	} else if (hs == WIRE_HS_CLIENT_HELLO) {
		decode_add_bytes(node, "client_verify_data", p, n, off);
		decode_set_value(node, "renegotiation: the client's previous Finished verify_data, %zu bytes", n);
	} else {
		decode_set_value(node, "renegotiation, %zu bytes of previous verify_data", n);
	}
	return true;
}

/* extended_master_secret (RFC 7627). */
static bool ext_ems(struct tree_node *node, struct reader *r, unsigned hs)
{
	return ext_empty(node, r, hs == HS_CLIENT_HELLO ? "offered: the master secret covers the whole handshake"
						      : "accepted: the master secret covers the whole handshake");
}

/* encrypt_then_mac (RFC 7366). */
static bool ext_etm(struct tree_node *node, struct reader *r, unsigned hs)
{
	return ext_empty(node, r, hs == HS_CLIENT_HELLO ? "offered (CBC suites: MAC over the ciphertext)"
						      : "accepted (CBC suites: MAC over the ciphertext)");
}

/* post_handshake_auth (RFC 8446 4.2.6). */
static bool ext_pha(struct tree_node *node, struct reader *r, unsigned hs)
{
	(void)hs;
	return ext_empty(node, r, "the client accepts a CertificateRequest after the handshake");
}

/* session_ticket (RFC 5077): empty asks for (or promises) a ticket; else the ticket offered. */
static bool ext_session_ticket(struct tree_node *node, struct reader *r, unsigned hs)
{
	size_t n, off;
	const uint8_t *p;

	if (reader_left(r) == 0)
		return ext_empty(node, r, hs == HS_CLIENT_HELLO ? "empty: the client wants a new ticket"
							      : "the server will send a NewSessionTicket");
	decode_take_rest(r, &p, &n, &off);
	decode_add_bytes(node, "ticket", p, n, off);
	decode_set_value(node, "resuming with a %zu-byte ticket", n);
	return true;
}

/* record_size_limit (RFC 8449). */
static bool ext_record_size_limit(struct tree_node *node, struct reader *r, unsigned hs)
{
	unsigned v;

	(void)hs;
	if (!reader_u16(r, &v))
		return false;
	decode_set_value(node, "%u bytes", v);
	return true;
}

/* certificate_authorities (RFC 8446 4.2.4). */
static bool ext_certificate_authorities(struct tree_node *node, struct reader *r, unsigned hs)
{
	(void)hs;
	return decode_ca_names(node, r);
}

/* cookie (RFC 8446 4.2.2). */
static bool ext_cookie(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader c;
	const uint8_t *p;
	size_t n, off;

	(void)hs;
	if (!reader_vec(r, 2, &c))
		return false;
	decode_take_rest(&c, &p, &n, &off);
	tree_range(tree_add_hex(node, "cookie", p, n), off, n);
	decode_set_value(node, "%zu byte%s, echoed back by the client", n, plural(n));
	return true;
}

/* padding (RFC 7685). */
static bool ext_padding(struct tree_node *node, struct reader *r, unsigned hs)
{
	size_t n, off;
	const uint8_t *p;
	bool zero = true;

	(void)hs;
	decode_take_rest(r, &p, &n, &off);
	for (size_t i = 0; i < n; i++)
		zero = zero && p[i] == 0;
	decode_set_value(node, "%zu byte%s%s", n, plural(n), zero ? " of zeros" : " (not all zero)");
	return true;
}

/* max_fragment_length (RFC 6066 4). */
static bool ext_max_fragment_length(struct tree_node *node, struct reader *r, unsigned hs)
{
	unsigned v;

	(void)hs;
	if (!reader_u8(r, &v))
		return false;
	if (v >= 1 && v <= 4)
		decode_set_value(node, "%u bytes (%u)", 1u << (8 + v), v);
	else
		decode_set_value(node, "invalid value %u", v);
	return true;
}

/* heartbeat (RFC 6520). */
static bool ext_heartbeat(struct tree_node *node, struct reader *r, unsigned hs)
{
	unsigned v;

	(void)hs;
	if (!reader_u8(r, &v))
		return false;
	decode_set_value(node, "%s (%u)", v == 1 ? "peer_allowed_to_send" : v == 2 ? "peer_not_allowed_to_send"
									 : "unknown", v);
	return true;
}

/* Names of certificate compression algorithms (RFC 8879). */
static const char *compress_name(unsigned id)
{
	return id == 1 ? "zlib" : id == 2 ? "brotli" : id == 3 ? "zstd" : NULL;
}

/* compress_certificate (RFC 8879). */
static bool ext_compress_certificate(struct tree_node *node, struct reader *r, unsigned hs)
{
	struct reader list;

	(void)hs;
	if (!reader_vec(r, 1, &list))
		return false;
	return decode_code_list(node, &list, compress_name, "algorithm") || decode_fail_from(r, &list);
}

static const struct {
	unsigned type;
	ext_fn fn;
} ext_table[] = {
	{ 0, ext_server_name },
	{ 1, ext_max_fragment_length },
	{ 5, ext_status_request },
	{ 10, ext_supported_groups },
	{ 11, ext_ec_point_formats },
	{ 13, ext_sigalgs },
	{ 15, ext_heartbeat },
	{ 16, ext_alpn },
	{ 21, ext_padding },
	{ 22, ext_etm },
	{ 23, ext_ems },
	{ 27, ext_compress_certificate },
	{ 28, ext_record_size_limit },
	{ 35, ext_session_ticket },
	{ 41, ext_pre_shared_key },
	{ 42, ext_early_data },
	{ 43, ext_supported_versions },
	{ 44, ext_cookie },
	{ 45, ext_psk_modes },
	{ 47, ext_certificate_authorities },
	{ 49, ext_pha },
	{ 50, ext_sigalgs },
	{ 51, ext_key_share },
	{ 0xff01, ext_renegotiation_info },
};

/* The decoder for an extension type, or NULL. */
static ext_fn ext_lookup(unsigned type)
{
	for (size_t i = 0; i < sizeof ext_table / sizeof ext_table[0]; i++)
		if (ext_table[i].type == type)
			return ext_table[i].fn;
	return NULL;
}

/* Decodes one extension (type, length, content) from list as a child of parent. */
static bool one_extension(struct tree_node *parent, struct reader *list, unsigned hs)
{
	size_t at = reader_pos(list);
	unsigned type;
	struct reader body;
	const char *name;
	char lbl[64];
	struct tree_node *node;
	ext_fn fn;

	if (!reader_u16(list, &type) || !reader_vec(list, 2, &body))
		return false;
	name = names_extension(type);
	fn = names_is_grease(type) ? NULL : ext_lookup(type);
	if (names_is_grease(type))
		snprintf(lbl, sizeof lbl, "GREASE (0x%04x)", type);
	else if (name)
		snprintf(lbl, sizeof lbl, "%s", name);
	else
		snprintf(lbl, sizeof lbl, "unknown (0x%04x)", type);
	node = tree_range(tree_add(parent, lbl, NULL), at, reader_pos(list) - at);
	if (!fn) {
		const uint8_t *p;
		size_t n, off;
		decode_take_rest(&body, &p, &n, &off);
		if (n == 0) {
			decode_set_value(node, "empty");
			return true;
		}
		decode_set_value(node, "%zu byte%s", n, plural(n));
		tree_range(tree_add_hex(node, "data", p, n), off, n);
		return true;
	}
	if (!fn(node, &body, hs))
		return decode_fail_from(list, &body);
	if (reader_left(&body) > 0) {
		reader_fail(&body, "unexpected bytes after the extension's content");
		return decode_fail_from(list, &body);
	}
	return true;
}

/* An extension block as "extensions" under parent. */
bool decode_extensions(struct tree_node *parent, struct reader *r, unsigned hs_type, const struct decode_ctx *ctx)
{
	size_t at = reader_pos(r);
	struct reader list;
	struct tree_node *node;
	unsigned count = 0;

	(void)ctx;
	if (!reader_vec(r, 2, &list))
		return false;
	node = tree_range(tree_add(parent, "extensions", NULL), at, reader_pos(r) - at);
	while (reader_left(&list) > 0) {
		if (!one_extension(node, &list, hs_type)) {
			decode_set_value(node, "%u+ (malformed)", count);
			return decode_fail_from(r, &list);
		}
		count++;
	}
	if (count)
		decode_set_value(node, "%u", count);
	else
		decode_set_value(node, "none");
	return true;
}
