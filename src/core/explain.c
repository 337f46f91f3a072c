/*
 * explain.c: plain-language paragraphs about timeline events (see explain.h).
 *
 * One function per kind of message writes its paragraph into a `struct out`
 * (an snprintf-like cursor over the caller's buffer): what the message is
 * for, the values this run's bytes carry, and what would go wrong without
 * it. The values come from the decoder's tree of the body (decode.h, the
 * one parser of every message): small extractors (hello_offer_read,
 * sh_read, ske_read, ...) find a field's node and read the value at the
 * bytes it covers; when the body does not decode cleanly, the paragraph
 * keeps its generic sentences and adds one saying the values could not be
 * read. Connection-level facts (version, key
 * exchange, resumption) come from summary_build().
 *
 * Nothing here is sanitized: the SNI host name and note texts are copied raw
 * (cut at a NUL byte) and the caller sanitizes what it shows.
 */
#include "tlsladder/explain.h"
#include "tlsladder/chain.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"
#include "tlsladder/summary.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDS 16        /* ids kept per list (groups, shares, versions, names) */
#define MAX_SNI_SHOWN 64  /* longest host name copied into a paragraph */

/* The text being written; len counts what was needed, like snprintf. */
struct out {
	char *buf;
	size_t n;
	size_t len;
};

/* What event i is, with the facts every paragraph may need. */
struct ctx {
	const struct timeline *tl;
	size_t i;
	struct tl_event ev;
	struct summary s;
	unsigned version;         /* the event's version in force, else the connection's */
	const char *side, *peer;  /* "client" / "server" */
};

/* What a ClientHello offers. */
struct hello_offer {
	unsigned legacy_version;
	unsigned nsuites;                   /* real suites: GREASE and signalling values left out */
	unsigned ngroups;
	unsigned groups[MAX_IDS];
	unsigned nshares;
	unsigned shares[MAX_IDS];
	unsigned nversions;                 /* supported_versions; 0 when absent */
	unsigned versions[MAX_IDS];
	const uint8_t *sni;                 /* host name, raw from the wire */
	size_t sni_len;
	bool psk;                           /* pre_shared_key: a TLS 1.3 ticket */
	bool ticket;                        /* a non-empty TLS 1.2 session_ticket */
};

/* Starts writing into buf (which may be NULL when n is 0). */
static void out_init(struct out *o, char *buf, size_t n)
{
	o->buf = buf;
	o->n = buf ? n : 0;
	o->len = 0;
	if (o->n)
		buf[0] = '\0';
}

/* Appends printf-formatted text. */
static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	char *dst = NULL;
	size_t room = 0;
	int k;

	if (o->len < o->n) {
		dst = o->buf + o->len;
		room = o->n - o->len;
	}
	va_start(ap, fmt);
	k = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += (size_t)k;
}

/* Appends raw bytes (from the network: unsanitized), stopping at a NUL. */
static void out_raw(struct out *o, const uint8_t *p, size_t len)
{
	size_t k = 0;

	while (k < len && p[k] != 0)
		k++;
	if (o->len + 1 < o->n) {
		size_t room = o->n - o->len - 1;
		size_t c = k < room ? k : room;

		memcpy(o->buf + o->len, p, c);
		o->buf[o->len + c] = '\0';
	}
	o->len += k;
}

/* Appends names as "a", "a and b" or "a, b and c"; unnamed values in hex. */
static void out_names(struct out *o, const unsigned *ids, unsigned count, const char *(*name)(unsigned))
{
	for (unsigned k = 0; k < count; k++) {
		const char *s = name(ids[k]);

		if (k > 0)
			out_printf(o, "%s", k + 1 == count ? " and " : ", ");
		if (s)
			out_printf(o, "%s", s);
		else
			out_printf(o, "0x%04x", ids[k]);
	}
}

/* Appends the sentence said when a body does not decode. */
static void out_unreadable(struct out *o, const char *what)
{
	out_printf(o, " This copy of the %s could not be decoded (it is cut short or malformed), "
		   "so its values are not shown.", what);
}

/* A name from a table, or the value in hex with a word for what it is. */
static const char *name_or_hex(const char *name, const char *what, unsigned id, char *tmp, size_t n)
{
	if (name && strcmp(name, "GREASE") != 0)
		return name;
	snprintf(tmp, n, "%s 0x%04x", what, id & 0xffffu);
	return tmp;
}

/* Suite name or "cipher suite 0x....". */
static const char *suite_name(unsigned id, char *tmp, size_t n)
{
	return name_or_hex(names_cipher_suite(id), "cipher suite", id, tmp, n);
}

/* Group name or "group 0x....". */
static const char *group_name(unsigned id, char *tmp, size_t n)
{
	return name_or_hex(names_group(id), "group", id, tmp, n);
}

/* Signature scheme name or "signature scheme 0x....". */
static const char *sig_name(unsigned id, char *tmp, size_t n)
{
	return name_or_hex(names_sigscheme(id), "signature scheme", id, tmp, n);
}

/* Version name or "version 0x....". */
static const char *version_name(unsigned v, char *tmp, size_t n)
{
	return name_or_hex(v ? names_version(v) : NULL, "version", v, tmp, n);
}

/* Adds id to a bounded list unless it is GREASE; counts it either way it fits. */
static void list_add(unsigned *ids, unsigned *count, unsigned id)
{
	if (names_is_grease(id))
		return;
	if (*count < MAX_IDS)
		ids[*count] = id;
	(*count)++;
}

/* True when id is among the first MAX_IDS entries of a list. */
static bool list_has(const unsigned *ids, unsigned count, unsigned id)
{
	for (unsigned k = 0; k < count && k < MAX_IDS; k++)
		if (ids[k] == id)
			return true;
	return false;
}

/* ---- values read through the decoder's tree (decode.h), the one parser of every body ---- */

/*
 * The decoder's tree of handshake event ev. *ok says it decoded cleanly
 * (no "malformed" or "trailing data" node). The caller frees it.
 */
static struct tree_node *decoded(const struct ctx *c, const struct tl_event *ev, bool *ok)
{
	struct decode_ctx d;
	struct tree_node *t;

	d.version = c->version;
	d.from = ev->from;
	d.kx = decode_kx_of(&c->s);
	t = decode_handshake(ev->hs_type, ev->body, ev->body_len, &d);
	*ok = t != NULL;
	for (const struct tree_node *k = t ? t->first : NULL; k; k = k->next)
		if (k->flags & TREE_ERROR)
			*ok = false;
	return t;
}

/* The n-byte big-endian value at the start of the bytes node covers (n <= 4). */
static bool node_uint(const struct tl_event *ev, const struct tree_node *node, size_t n, unsigned long *v)
{
	if (!node || node->len < n || node->off > ev->body_len || ev->body_len - node->off < n)
		return false;
	*v = 0;
	for (size_t k = 0; k < n; k++)
		*v = (*v << 8) | ev->body[node->off + k];
	return true;
}

/* The 2-byte code a node starts with (a cipher suite, group, version, scheme or extension type). */
static bool node_u16(const struct tl_event *ev, const struct tree_node *node, unsigned *v)
{
	unsigned long x;

	if (!node_uint(ev, node, 2, &x))
		return false;
	*v = (unsigned)x;
	return true;
}

/* Length of a vector node's content: its range less the length prefix of lenbytes; 0 when absent. */
static size_t vec_len(const struct tree_node *node, size_t lenbytes)
{
	return node && node->len > lenbytes ? node->len - lenbytes : 0;
}

/* The 2-byte codes of the children of node (at path under t) into a bounded list. */
static void codes_of(const struct tl_event *ev, const struct tree_node *t, const char *path, unsigned *ids,
		     unsigned *count)
{
	const struct tree_node *node = tree_find(t, path);
	unsigned v;

	for (const struct tree_node *k = node ? node->first : NULL; k; k = k->next)
		if (node_u16(ev, k, &v))
			list_add(ids, count, v);
}

/* Reads what a ClientHello offers. False when it is malformed. */
static bool hello_offer_read(const struct ctx *c, const struct tl_event *ev, struct hello_offer *h)
{
	bool ok;
	struct tree_node *t = decoded(c, ev, &ok);
	const struct tree_node *n;
	unsigned v;

	memset(h, 0, sizeof *h);
	if (ok) {
		node_u16(ev, tree_find(t, "legacy_version"), &h->legacy_version);
		n = tree_find(t, "cipher suites");
		for (const struct tree_node *k = n ? n->first : NULL; k; k = k->next)
			if (node_u16(ev, k, &v) && !names_is_grease(v) && v != 0x00ff && v != 0x5600)
				h->nsuites++;   /* SCSVs are signals, not suites */
		codes_of(ev, t, "extensions/supported_groups", h->groups, &h->ngroups);
		codes_of(ev, t, "extensions/supported_versions", h->versions, &h->nversions);
		codes_of(ev, t, "extensions/key_share", h->shares, &h->nshares);
		n = tree_find(t, "extensions/server_name/host_name");      /* type(1) length(2) name */
		if (n && n->len > 3 && n->off <= ev->body_len && ev->body_len - n->off >= n->len) {
			h->sni = ev->body + n->off + 3;
			h->sni_len = n->len - 3;
		}
		h->psk = tree_find(t, "extensions/pre_shared_key") != NULL;
		h->ticket = tree_find(t, "extensions/session_ticket/ticket") != NULL;
	}
	tree_free(t);
	return ok;
}

/* What a ServerHello or HelloRetryRequest says. */
struct sh_facts {
	unsigned version;         /* supported_versions, else legacy_version */
	unsigned cipher_suite;
	unsigned group;           /* key_share (ServerHello) or selected_group (HelloRetryRequest); 0 none */
	bool psk;                 /* pre_shared_key accepted */
	bool cookie;              /* HelloRetryRequest: a cookie to echo */
};

/* Reads a ServerHello or HelloRetryRequest. False when it is malformed. */
static bool sh_read(const struct ctx *c, struct sh_facts *f)
{
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);
	const struct tree_node *g;

	memset(f, 0, sizeof *f);
	if (ok) {
		node_u16(&c->ev, tree_find(t, "legacy_version"), &f->version);
		node_u16(&c->ev, tree_find(t, "extensions/supported_versions/selected_version"), &f->version);
		node_u16(&c->ev, tree_find(t, "cipher suite"), &f->cipher_suite);
		g = tree_find(t, "extensions/key_share/group");
		if (!g)
			g = tree_find(t, "extensions/key_share/selected_group");
		node_u16(&c->ev, g, &f->group);
		f->psk = tree_find(t, "extensions/pre_shared_key") != NULL;
		f->cookie = tree_find(t, "extensions/cookie") != NULL;
	}
	tree_free(t);
	return ok;
}

/* Extension types of an EncryptedExtensions body. False when malformed. */
static bool ee_read(const struct ctx *c, unsigned *ids, unsigned *count)
{
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);

	*count = 0;
	if (ok)
		codes_of(&c->ev, t, "extensions", ids, count);
	tree_free(t);
	return ok;
}

/* What a CertificateRequest asks for (TLS 1.3 or 1.2 form). */
struct cert_request {
	unsigned nsigalgs;
	unsigned ncas;
	unsigned ntypes;
	unsigned types[MAX_IDS];   /* TLS 1.2 certificate types */
};

/* Number of children of the node at path, 0 when absent. */
static unsigned children(const struct tree_node *t, const char *path)
{
	const struct tree_node *n = tree_find(t, path);

	return n ? n->nchildren : 0;
}

/* Reads a CertificateRequest. False when malformed. */
static bool cr_read(const struct ctx *c, bool tls13, struct cert_request *cr)
{
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);
	const struct tree_node *types = tree_find(t, "certificate types");
	unsigned long v;

	memset(cr, 0, sizeof *cr);
	if (ok && tls13) {
		cr->nsigalgs = children(t, "extensions/signature_algorithms");
		cr->ncas = children(t, "extensions/certificate_authorities");
	} else if (ok) {
		cr->nsigalgs = children(t, "signature algorithms");
		cr->ncas = children(t, "certificate authorities");
		for (const struct tree_node *k = types ? types->first : NULL; k; k = k->next)
			if (node_uint(&c->ev, k, 1, &v))
				list_add(cr->types, &cr->ntypes, (unsigned)v);
	}
	tree_free(t);
	return ok;
}

/* A TLS 1.2 certificate type by name. */
static const char *cert_type_name(unsigned t)
{
	switch (t) {
	case 1: return "RSA";
	case 2: return "DSA";
	case 64: return "ECDSA";
	default: return NULL;
	}
}

/* What a TLS 1.2 ServerKeyExchange carries. */
struct ske {
	bool ecdhe;
	unsigned group;
	size_t pub_len;      /* public value (ECDHE) */
	size_t prime_bits;   /* DHE prime size */
	unsigned sigscheme;
};

/* Reads a ServerKeyExchange, ECDHE or DHE form. False when malformed. */
static bool ske_read(const struct ctx *c, struct ske *k)
{
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);

	memset(k, 0, sizeof *k);
	if (ok) {
		k->ecdhe = node_u16(&c->ev, tree_find(t, "named_group"), &k->group);
		k->pub_len = vec_len(tree_find(t, "public key"), 1);
		k->prime_bits = vec_len(tree_find(t, "dh_p"), 2) * 8;
		node_u16(&c->ev, tree_find(t, "signature algorithm"), &k->sigscheme);
		ok = k->ecdhe ? k->pub_len > 0 : k->prime_bits > 0;
	}
	tree_free(t);
	return ok;
}

/* Certificates in a Certificate message; false when malformed. */
static bool cert_count(const struct ctx *c, const struct tl_event *ev, unsigned *count)
{
	bool ok;
	struct tree_node *t = decoded(c, ev, &ok);

	*count = children(t, "certificates");
	ok = ok && tree_find(t, "certificates") != NULL;
	tree_free(t);
	return ok;
}

/* A ticket lifetime in words ("6 hours", "7 days", "90 seconds"). */
static void duration(unsigned long sec, char *buf, size_t n)
{
	if (sec >= 86400 && sec % 86400 == 0)
		snprintf(buf, n, "%lu day%s", sec / 86400, sec == 86400 ? "" : "s");
	else if (sec >= 3600 && sec % 3600 == 0)
		snprintf(buf, n, "%lu hour%s", sec / 3600, sec == 3600 ? "" : "s");
	else if (sec >= 60 && sec % 60 == 0)
		snprintf(buf, n, "%lu minute%s", sec / 60, sec == 60 ? "" : "s");
	else
		snprintf(buf, n, "%lu second%s", sec, sec == 1 ? "" : "s");
}

/* The last handshake message of type (from side, or either when side < 0) in
 * this connection before event i. */
static bool find_before(const struct ctx *c, unsigned type, int side, struct tl_event *out)
{
	size_t first, end;

	timeline_conn_range(c->tl, c->ev.conn, &first, &end);
	for (size_t k = c->i; k-- > first;) {
		if (!timeline_get(c->tl, k, out))
			continue;
		if (out->conn == c->ev.conn && out->kind == TL_EV_HANDSHAKE && out->hs_type == type &&
		    (side < 0 || (int)out->from == side))
			return true;
	}
	return false;
}

/* The offer of the ClientHello this event answers (the last one before it). */
static bool offer_before(const struct ctx *c, struct hello_offer *h)
{
	struct tl_event ch;

	return find_before(c, 1, TL_CLIENT, &ch) && hello_offer_read(c, &ch, h);
}

/* Appends the client's offered versions ("TLS 1.3 and TLS 1.2", "only TLS 1.3"). */
static void out_versions(struct out *o, const struct hello_offer *h)
{
	char tmp[24];
	unsigned shown = h->nversions < MAX_IDS ? h->nversions : MAX_IDS;

	if (shown == 0) {
		out_printf(o, "protocol versions up to %s", version_name(h->legacy_version, tmp, sizeof tmp));
		return;
	}
	out_printf(o, "%s", shown == 1 ? "only " : "");
	out_names(o, h->versions, shown, names_version);
}

/* ClientHello. */
static void explain_client_hello(struct out *o, const struct ctx *c)
{
	struct hello_offer h;
	struct tl_event hrr;
	bool second = find_before(c, TL_HS_HELLO_RETRY_REQUEST, TL_SERVER, &hrr);
	bool ok = hello_offer_read(c, &c->ev, &h);
	unsigned shares = h.nshares < MAX_IDS ? h.nshares : MAX_IDS;

	if (!ok) {
		out_printf(o, "The client opens the handshake by listing what it can do: protocol versions, "
			   "cipher suites, key exchange groups and extensions; without this offer the server "
			   "could not choose how to protect the connection.");
		out_unreadable(o, "ClientHello");
		return;
	}
	if (second && shares > 0) {
		out_printf(o, "The client says hello a second time, answering the server's HelloRetryRequest: "
			   "it repeats its offer, but now with a key share for ");
		out_names(o, h.shares, shares, names_group);
		out_printf(o, ", as the server asked.");
	} else {
		out_printf(o, "The client opens the handshake by listing what it can do; without this offer the "
			   "server could not choose a version, algorithms or keys.");
	}
	out_printf(o, " It offers %u cipher suite%s", h.nsuites, h.nsuites == 1 ? "" : "s");
	if (h.ngroups > 0)
		out_printf(o, ", %u group%s for the key exchange,", h.ngroups, h.ngroups == 1 ? "" : "s");
	out_printf(o, " and ");
	out_versions(o, &h);
	out_printf(o, ".");
	if (!second && shares > 0) {
		out_printf(o, " It already sends a key share (its half of a Diffie-Hellman key exchange) for ");
		out_names(o, h.shares, shares, names_group);
		out_printf(o, ", so that a TLS 1.3 handshake can finish in one round trip.");
	}
	if (h.psk)
		out_printf(o, " It also offers a session ticket from an earlier connection (pre_shared_key), "
			   "hoping to resume without a full handshake.");
	else if (h.ticket)
		out_printf(o, " It also offers a session ticket from an earlier connection, hoping to resume "
			   "the session with a shorter handshake.");
	if (h.sni) {
		out_printf(o, " It names the server it wants, \"");
		out_raw(o, h.sni, h.sni_len < MAX_SNI_SHOWN ? h.sni_len : MAX_SNI_SHOWN);
		out_printf(o, "%s\", in the SNI (server name indication) extension, so that one address can "
			   "host many sites.", h.sni_len > MAX_SNI_SHOWN ? "..." : "");
	}
}

/* The key exchange a TLS 1.2 suite name implies: "ECDHE", "DHE", "RSA" or NULL. */
static const char *suite_kx(const char *name)
{
	if (!name)
		return NULL;
	if (strstr(name, "_ECDHE_"))
		return "ECDHE";
	if (strstr(name, "_DHE_"))
		return "DHE";
	if (strncmp(name, "TLS_RSA_", 8) == 0)
		return "RSA";
	return NULL;
}

/* ServerHello in TLS 1.3. */
static void explain_server_hello13(struct out *o, const struct ctx *c, const struct sh_facts *sh)
{
	struct hello_offer h;
	bool offer = offer_before(c, &h);
	char t1[40], t2[40];
	const char *suite = suite_name(sh->cipher_suite, t1, sizeof t1);
	const char *group = sh->group ? group_name(sh->group, t2, sizeof t2) : NULL;

	if (sh->psk) {
		out_printf(o, "The server accepts the session ticket the client offered, so this connection is "
			   "resumed: both sides start from the secret of the earlier session.");
		out_printf(o, " It keeps TLS 1.3 and %s", suite);
		if (group)
			out_printf(o, ", and picked %s for a fresh key exchange on top (PSK with ECDHE), so these "
				   "keys stay secret even if the ticket is stolen later.", group);
		else
			out_printf(o, ", with no fresh key exchange (PSK only), so these keys depend on the ticket "
				   "alone.");
		out_printf(o, " No Certificate or CertificateVerify follows: the server proved who it is in the "
			   "earlier connection, and the ticket is proof enough now.");
		out_printf(o, " From the next message on, everything is encrypted.");
		return;
	}
	out_printf(o, "The server picked %s", suite);
	if (offer)
		out_printf(o, " from the %u suite%s the client offered", h.nsuites, h.nsuites == 1 ? "" : "s");
	if (group)
		out_printf(o, ", and %s for the key exchange.", group);
	else
		out_printf(o, ".");
	if (group)
		out_printf(o, " It chose TLS 1.3 and sends its own %s key share: combined with the client's share, "
			   "it gives both sides the same secret, which never crosses the wire.", group);
	else
		out_printf(o, " It chose TLS 1.3, but sends no key share of its own.");
	out_printf(o, " From the next message on, everything is encrypted with keys derived from that secret, "
		   "which is how TLS 1.3 needs only one round trip.");
	out_printf(o, " Without the ServerHello the client would not know which of its offers to use.");
}

/* ServerHello. */
static void explain_server_hello(struct out *o, const struct ctx *c)
{
	struct sh_facts sh;
	struct hello_offer h;
	char t1[40], t2[24];
	const char *suite, *kx;

	if (!sh_read(c, &sh)) {
		out_printf(o, "The server answers the ClientHello with its choices: the protocol version, one "
			   "cipher suite and, in TLS 1.3, its own key share.");
		out_unreadable(o, "ServerHello");
		out_printf(o, " Without it the client would not know which of its offers to use.");
		return;
	}
	if (sh.version == 0x0304) {
		explain_server_hello13(o, c, &sh);
		return;
	}
	suite = suite_name(sh.cipher_suite, t1, sizeof t1);
	if (c->s.resumed) {
		out_printf(o, "The server echoes the session id the client offered, so it agrees to resume an "
			   "earlier session, with %s and %s.", version_name(sh.version, t2, sizeof t2), suite);
		out_printf(o, " No certificate or key exchange follows: both sides reuse the earlier master "
			   "secret and go straight to ChangeCipherSpec and Finished, saving a round trip.");
		return;
	}
	out_printf(o, "The server chose %s and picked %s", version_name(sh.version, t2, sizeof t2), suite);
	if (offer_before(c, &h))
		out_printf(o, " from the %u suite%s the client offered", h.nsuites, h.nsuites == 1 ? "" : "s");
	out_printf(o, ".");
	kx = suite_kx(names_cipher_suite(sh.cipher_suite));
	if (kx && strcmp(kx, "RSA") == 0)
		out_printf(o, " This suite uses RSA key exchange: the client will encrypt a secret with the public "
			   "key in the server's certificate.");
	else if (kx)
		out_printf(o, " This suite uses %s key exchange: the server will send signed one-time key "
			   "parameters in a ServerKeyExchange.", kx);
	out_printf(o, " In TLS 1.2 the handshake stays in the clear until ChangeCipherSpec, so an observer "
		   "can read the certificate that comes next.");
	out_printf(o, " Without the ServerHello the client would not know which of its offers to use.");
}

/* HelloRetryRequest. */
static void explain_hrr(struct out *o, const struct ctx *c)
{
	struct sh_facts sh;
	struct hello_offer h;
	bool offer = offer_before(c, &h);
	unsigned shares = offer ? (h.nshares < MAX_IDS ? h.nshares : MAX_IDS) : 0;
	char t1[40], t2[40];
	const char *group;
	bool ok = sh_read(c, &sh);

	if (!ok || !sh.group) {
		out_printf(o, "The server cannot go on with the client's first hello, so instead of a ServerHello "
			   "it sends a HelloRetryRequest, usually asking for a key share in another group.");
		if (!ok)
			out_unreadable(o, "HelloRetryRequest");
		out_printf(o, " The client must say hello again, which costs one extra round trip.");
		return;
	}
	group = group_name(sh.group, t2, sizeof t2);
	out_printf(o, "The server cannot use the key share%s in the client's first hello", shares > 1 ? "s" : "");
	if (shares > 0) {
		out_printf(o, " (");
		out_names(o, h.shares, shares, names_group);
		out_printf(o, ")");
	}
	out_printf(o, ", so instead of a ServerHello it sends a HelloRetryRequest asking for a key share in %s.",
		   group);
	if (offer && list_has(h.groups, h.ngroups, sh.group))
		out_printf(o, " The client did list %s among its %u groups, but sent no key share for it.", group,
			   h.ngroups);
	out_printf(o, " The server has already settled on TLS 1.3 and %s.",
		   suite_name(sh.cipher_suite, t1, sizeof t1));
	out_printf(o, " The client must send a second ClientHello with a %s key share, which costs one extra "
		   "round trip; without this retry the two sides would have no key share in common and the "
		   "handshake would fail.", group);
	if (sh.cookie)
		out_printf(o, " It also carries a cookie the client must echo, so the server need not remember "
			   "this attempt.");
}

/* EncryptedExtensions. */
static void explain_ee(struct out *o, const struct ctx *c)
{
	unsigned ids[MAX_IDS], count;

	out_printf(o, "The first message the server encrypts, with the handshake traffic keys: it holds its "
		   "answers to the client's extensions that are not needed to set up the keys.");
	if (!ee_read(c, ids, &count)) {
		out_unreadable(o, "EncryptedExtensions");
	} else if (count == 0) {
		out_printf(o, " Here it is empty: the server had nothing more to answer.");
	} else {
		out_printf(o, " Here it carries %u extension%s: ", count, count == 1 ? "" : "s");
		out_names(o, ids, count < MAX_IDS ? count : MAX_IDS, names_extension);
		out_printf(o, "%s.", count > MAX_IDS ? " and more" : "");
	}
	out_printf(o, " In TLS 1.2 such answers travelled in the clear inside ServerHello; now an eavesdropper "
		   "cannot read them, for example which application protocol (ALPN) was chosen.");
}

/* CertificateRequest (TLS 1.3 and 1.2). */
static void explain_cr(struct out *o, const struct ctx *c)
{
	struct cert_request cr;
	bool tls13 = c->version == 0x0304;

	out_printf(o, "The server asks the client to prove its identity: the client must answer with a "
		   "certificate and then sign the handshake with that certificate's private key "
		   "(CertificateVerify).");
	if (!cr_read(c, tls13, &cr)) {
		out_unreadable(o, "CertificateRequest");
	} else {
		out_printf(o, " It accepts ");
		if (!tls13 && cr.ntypes > 0) {
			out_names(o, cr.types, cr.ntypes < MAX_IDS ? cr.ntypes : MAX_IDS, cert_type_name);
			out_printf(o, " certificates and ");
		}
		out_printf(o, "%u signature algorithm%s", cr.nsigalgs, cr.nsigalgs == 1 ? "" : "s");
		if (cr.ncas > 0)
			out_printf(o, ", and names %u certificate authorit%s it trusts, which helps the client pick "
				   "a matching certificate.", cr.ncas, cr.ncas == 1 ? "y" : "ies");
		else
			out_printf(o, ", and names no particular certificate authority, so the client may send any "
				   "certificate it has.");
	}
	out_printf(o, " This is mutual TLS: without this request the client would stay anonymous, and the "
		   "server would have to identify users some other way, such as a password.");
}

/* The verdict the receiving side reached on this connection's chain, as
 * the handshake stored it; nothing when that side was not seen judging. */
static void out_verdict(struct out *o, const struct ctx *c, enum tl_side judge)
{
	struct chain_result *r = malloc(sizeof *r);
	char words[800];

	if (r && timeline_get_chain(c->tl, judge, c->ev.conn, r)) {
		bool trusted = chain_words(r, words, sizeof words);
		out_printf(o, " Here the %s found it %s", judge == TL_CLIENT ? "client" : "server",
			   trusted ? "good: " : "wanting: ");
		out_raw(o, (const uint8_t *)words, strlen(words));
		out_printf(o, ".");
	}
	free(r);
}

/* Certificate from the server. */
static void explain_server_cert(struct out *o, const struct ctx *c, bool ok, unsigned count)
{
	bool tls13 = c->version == 0x0304;

	if (ok && count == 0) {
		out_printf(o, "The server sent an empty certificate list, so it offers no identity to check; a "
			   "client that verifies servers will abort here.");
		return;
	}
	if (!ok)
		out_printf(o, "The server sends its certificate chain: its own certificate first, then the "
			   "certificates of the authorities (CAs) meant to link it to a root the client trusts.");
	else if (count == 1)
		out_printf(o, "The server sends a single certificate, its own; the client must already trust the "
			   "authority (CA) that issued it.");
	else
		out_printf(o, "The server sends its certificate chain: %u certificates, its own first, then the "
			   "intermediate authorities (CAs) meant to link it to a root the client trusts.", count);
	if (!ok)
		out_unreadable(o, "Certificate");
	out_printf(o, " The client checks each signature along the chain, the validity dates, and that the "
		   "name in the certificate matches the server it asked for.");
	out_verdict(o, c, TL_CLIENT);
	if (tls13)
		out_printf(o, " It travels encrypted, so an eavesdropper cannot see whose certificate this is; "
			   "the CertificateVerify that follows proves the server holds its private key, since "
			   "anyone can copy a certificate.");
	else if (c->s.rsa_kx)
		out_printf(o, " In TLS 1.2 it travels in the clear; with RSA key exchange the server proves it "
			   "holds the private key by decrypting the client's secret.");
	else
		out_printf(o, " In TLS 1.2 it travels in the clear; the server proves it holds the private key "
			   "by signing its ServerKeyExchange.");
	out_printf(o, " Without it the client could not tell the real server from an impostor.");
}

/* Certificate from the client. */
static void explain_client_cert(struct out *o, const struct ctx *c, bool ok, unsigned count)
{
	bool tls13 = c->version == 0x0304;

	if (ok && count == 0) {
		out_printf(o, "The client sent an empty Certificate message: no certificate sent. It had no "
			   "certificate, or none from an authority the server named, but it must still answer "
			   "the CertificateRequest.");
		out_printf(o, " Now the server decides: if it requires a client certificate it ends the "
			   "handshake with an alert (%s), and if it only asked for one the client goes on "
			   "anonymously.",
			   tls13 ? "certificate_required in TLS 1.3" : "usually handshake_failure in TLS 1.2");
		return;
	}
	if (ok)
		out_printf(o, "The client answers the server's CertificateRequest with its own certificate "
			   "chain: %u certificate%s, its own first.", count, count == 1 ? "" : "s");
	else
		out_printf(o, "The client answers the server's CertificateRequest with its own certificate "
			   "chain.");
	if (!ok)
		out_unreadable(o, "Certificate");
	out_printf(o, " The server checks it against the authorities (CAs) it trusts, and the client proves "
		   "it holds the private key in the CertificateVerify that follows.");
	out_verdict(o, c, TL_SERVER);
	out_printf(o, "%s", tls13 ? " It travels encrypted, so an eavesdropper cannot see who the client is."
				  : " In TLS 1.2 it travels in the clear, so an eavesdropper can see who the "
				    "client is.");
	out_printf(o, " Without it the server could not know who is connecting.");
}

/* Certificate. */
static void explain_cert(struct out *o, const struct ctx *c)
{
	unsigned count = 0;
	bool ok = cert_count(c, &c->ev, &count);

	if (c->ev.from == TL_SERVER)
		explain_server_cert(o, c, ok, count);
	else
		explain_client_cert(o, c, ok, count);
}

/* ServerKeyExchange. */
static void explain_ske(struct out *o, const struct ctx *c)
{
	struct ske k;
	char t1[40], t2[48];

	if (!ske_read(c, &k)) {
		out_printf(o, "The server sends its one-time (ephemeral) key exchange parameters, signed with its "
			   "certificate's private key so the client knows they come from the certificate's "
			   "owner.");
		out_unreadable(o, "ServerKeyExchange");
	} else {
		if (k.ecdhe)
			out_printf(o, "The server sends a fresh %s public key, %zu bytes, made for this connection "
				   "only, and signs it", group_name(k.group, t1, sizeof t1), k.pub_len);
		else
			out_printf(o, "The server sends fresh Diffie-Hellman parameters for this connection only "
				   "(a %zu-bit prime and its public value), and signs them", k.prime_bits);
		out_printf(o, " together with both hello randoms using its certificate's private key (%s).",
			   sig_name(k.sigscheme, t2, sizeof t2));
		out_printf(o, " The signature proves the key comes from the certificate's owner, not from an "
			   "attacker in the middle.");
	}
	out_printf(o, " The client answers with its own public value; each side combines the two into the "
		   "same premaster secret, which never crosses the wire.");
	out_printf(o, " Because both key pairs are thrown away after the handshake, recorded traffic stays safe "
		   "even if the server's long-term key leaks later (forward secrecy).");
}

/* ServerHelloDone. */
static void explain_shd(struct out *o, const struct ctx *c)
{
	unsigned ids[MAX_IDS], count = 0;
	bool cr = false;

	size_t first, end;

	timeline_conn_range(c->tl, c->ev.conn, &first, &end);
	for (size_t k = first; k < c->i; k++) {
		struct tl_event e;

		if (!timeline_get(c->tl, k, &e) || e.conn != c->ev.conn || e.kind != TL_EV_HANDSHAKE ||
		    e.from != TL_SERVER)
			continue;
		if (e.hs_type == 2)
			count = 0;                 /* the flight starts at ServerHello */
		if (e.hs_type == 13)
			cr = true;
		list_add(ids, &count, e.hs_type);
	}
	out_printf(o, "An empty message that says the server has finished its first flight");
	if (count > 0 && count <= MAX_IDS) {
		out_printf(o, " (");
		out_names(o, ids, count, names_handshake);
		out_printf(o, ")");
	}
	out_printf(o, " and now waits for the client.");
	if (c->ev.body_len > 0)
		out_printf(o, " This one unexpectedly carries %zu bytes.", c->ev.body_len);
	out_printf(o, " In TLS 1.2 this ends the first round trip: the client answers with %s, "
		   "ChangeCipherSpec and Finished.",
		   cr ? "its Certificate, ClientKeyExchange, CertificateVerify" : "its ClientKeyExchange");
	out_printf(o, " Without it the client could not tell whether more server messages were still "
		   "coming.");
}

/* ClientKeyExchange. */
static void explain_cke(struct out *o, const struct ctx *c)
{
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);
	size_t rsa = vec_len(tree_find(t, "encrypted premaster secret"), 2);
	size_t pub = c->s.kx == SUMMARY_KX_ECDHE ? vec_len(tree_find(t, "public key"), 1)
		   : c->s.kx == SUMMARY_KX_DHE ? vec_len(tree_find(t, "dh_Yc (public key)"), 2) : 0;
	char t1[40];

	tree_free(t);
	if (ok && c->s.kx == SUMMARY_KX_RSA && rsa > 0) {
		out_printf(o, "The client made up a random 48-byte premaster secret and sends it encrypted with "
			   "the RSA public key from the server's certificate: %zu bytes of ciphertext, so a "
			   "%zu-bit key.", rsa, rsa * 8);
		if (c->s.ems)
			out_printf(o, " Only the server's private key can open it. With the extended master secret "
				   "(RFC 7627) the master secret comes from it and the session hash (a hash of the "
				   "handshake up to this message), the session keys from the master secret and the "
				   "randoms; a matching Finished shows the server opened it.");
		else
			out_printf(o, " Only the server's private key can open it; the master secret comes from it and "
				   "the two hello randoms, the session keys from the master secret; a matching Finished "
				   "shows the server opened it.");
		out_printf(o, " There is no forward secrecy: anyone who records this connection and later obtains "
			   "the server's private key can decrypt all of it, which is why TLS 1.3 dropped RSA key "
			   "exchange.");
		return;
	}
	if (ok && pub > 0) {
		if (c->s.kx == SUMMARY_KX_ECDHE && c->s.group)
			out_printf(o, "The client sends its own fresh %s public key (%zu bytes), its half of the "
				   "ECDHE key exchange.", group_name(c->s.group, t1, sizeof t1), pub);
		else
			out_printf(o, "The client sends its own fresh %s public value (%zu bytes), its half of the "
				   "key exchange.", summary_kx_name(c->s.kx), pub);
		out_printf(o, " Combining it with the server's public value from ServerKeyExchange, both sides "
			   "compute the same premaster secret, which never crosses the wire; %s",
			   c->s.ems ? "with the extended master secret (RFC 7627) the master secret is derived from it "
				      "and the session hash (the handshake up to and including this message), and the "
				      "session keys from the master secret and the two hello randoms."
				    : "the master secret is derived from it and the two hello randoms, and the session "
				      "keys from the master secret.");
		out_printf(o, " Both key pairs are thrown away after the handshake, which gives forward secrecy: "
			   "a later leak of the server's certificate key does not expose this connection.");
		return;
	}
	out_printf(o, "The client sends its part of the key exchange: either a secret encrypted to the "
		   "server's RSA key (RSA key exchange, no forward secrecy) or its own one-time Diffie-Hellman "
		   "public value (ECDHE or DHE).");
	out_unreadable(o, "ClientKeyExchange");
	out_printf(o, " Without it the two sides would have no shared secret to derive keys from.");
}

/* CertificateVerify. */
static void explain_cv(struct out *o, const struct ctx *c)
{
	unsigned scheme = 0;
	char t1[48];
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);
	size_t sig = vec_len(tree_find(t, "signature"), 2);

	ok = ok && node_u16(&c->ev, tree_find(t, "signature algorithm"), &scheme) && sig > 0;
	tree_free(t);
	out_printf(o, "The %s signs a hash of the whole handshake so far (the transcript) with the private key "
		   "of the certificate it just sent", c->side);
	if (ok)
		out_printf(o, ", using %s (a %zu-byte signature).", sig_name(scheme, t1, sizeof t1), sig);
	else
		out_printf(o, ".");
	if (!ok)
		out_unreadable(o, "CertificateVerify");
	if (c->ev.from == TL_SERVER) {
		out_printf(o, " This proves it really holds that key, since a copied certificate alone is not "
			   "enough, and ties the signature to this very handshake so it cannot be replayed "
			   "elsewhere.");
		out_printf(o, " Without it an attacker could present the server's public certificate and pose as "
			   "the server.");
	} else {
		out_printf(o, " This proves the client holds that key; a stolen copy of the certificate alone "
			   "would not be enough.");
		out_printf(o, " Without it the server could not be sure the certificate belongs to whoever is "
			   "connecting.");
	}
}

/* Finished. */
static void explain_finished(struct out *o, const struct ctx *c)
{
	size_t len = c->ev.body ? c->ev.body_len : 0;
	bool tls13 = c->version == 0x0304;

	if (len == 0) {
		out_printf(o, "The %s's Finished carries a check value computed over the whole handshake "
			   "transcript with a key only the two sides can know.", c->side);
		out_unreadable(o, "Finished");
	} else if (tls13) {
		out_printf(o, "The %s's Finished carries a %zu-byte check value: an HMAC over a hash of the whole "
			   "handshake transcript, keyed from the %s's handshake traffic secret", c->side, len,
			   c->side);
		if (len == 32 || len == 48)
			out_printf(o, " (%zu bytes because the suite's hash is %s).", len,
				   len == 32 ? "SHA-256" : "SHA-384");
		else
			out_printf(o, " (as long as the suite's hash).");
	} else {
		out_printf(o, "The %s's Finished carries a %zu-byte check value (verify_data, %s in TLS 1.2), "
			   "computed from the master secret and a hash of the whole handshake transcript.", c->side,
			   len, len == 12 ? "always 12 bytes" : "normally 12 bytes");
	}
	out_printf(o, " The %s computes the same value and compares: a match proves that both saw the same "
		   "messages, so nobody altered them (for example to downgrade the cipher suite), and that both "
		   "derived the same keys.", c->peer);
	if (!tls13)
		out_printf(o, " It is the first message the %s protects with the new keys, right after its "
			   "ChangeCipherSpec.", c->side);
	else if (c->ev.from == TL_SERVER)
		out_printf(o, " After sending it the server may already send application data; the client still "
			   "has to send its own Finished.");
	else
		out_printf(o, " With it the handshake is complete; from now on both directions use the "
			   "application traffic keys.");
}

/* NewSessionTicket. */
static void explain_nst(struct out *o, const struct ctx *c)
{
	unsigned long lifetime = 0;
	char life[32];
	bool tls13 = c->version == 0x0304;
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);
	size_t ticket = vec_len(tree_find(t, "ticket"), 2);

	node_uint(&c->ev, tree_find(t, tls13 ? "ticket_lifetime" : "ticket_lifetime_hint"), 4, &lifetime);
	tree_free(t);
	ok = ok && ticket > 0;
	duration(lifetime, life, sizeof life);
	if (tls13) {
		out_printf(o, "After the handshake, the server gives the client a session ticket");
		if (ok)
			out_printf(o, ": an opaque blob of %zu bytes that only the server can read, valid for up to "
				   "%s.", ticket, life);
		else
			out_printf(o, ": an opaque blob that only the server can read.");
		if (!ok)
			out_unreadable(o, "NewSessionTicket");
		out_printf(o, " It travels encrypted with the application traffic keys, like ordinary data, so an "
			   "eavesdropper cannot see or steal it.");
		out_printf(o, " Next time the client can present it to resume with a shorter handshake (no "
			   "certificate needed); servers often send several so each is used only once, which keeps "
			   "separate connections from being linked.");
		return;
	}
	out_printf(o, "The server gives the client a session ticket");
	if (ok && lifetime)
		out_printf(o, " of %zu bytes, with a lifetime hint of %s", ticket, life);
	else if (ok)
		out_printf(o, " of %zu bytes", ticket);
	out_printf(o, ": its session state, encrypted with a key only the server knows.");
	if (!ok)
		out_unreadable(o, "NewSessionTicket");
	out_printf(o, " In TLS 1.2 it is sent during the handshake, just before the server's ChangeCipherSpec, "
		   "and in the clear; TLS 1.3 sends tickets after the handshake, encrypted.");
	out_printf(o, " Next time the client can offer it to resume the session with an abbreviated handshake: "
		   "no certificate and no key exchange.");
}

/* KeyUpdate. */
static void explain_key_update(struct out *o, const struct ctx *c)
{
	unsigned long req = 0;
	bool ok;
	struct tree_node *t = decoded(c, &c->ev, &ok);

	ok = ok && node_uint(&c->ev, tree_find(t, "request_update"), 1, &req) && req <= 1;
	tree_free(t);
	out_printf(o, "The %s switches to new traffic keys for what it sends, derived from its current ones; "
		   "the %s switches its receiving key to match.", c->side, c->peer);
	if (!ok)
		out_unreadable(o, "KeyUpdate");
	else if (req == 1)
		out_printf(o, " It also asks the %s to update its own sending keys (update_requested).", c->peer);
	else
		out_printf(o, " It does not ask the %s to update its own keys (update_not_requested).", c->peer);
	out_printf(o, " Long-lived connections do this to limit how much data is encrypted under one key, so "
		   "that a key leaked later exposes less.");
}

/* A handshake message this module has no special paragraph for. */
static void explain_other_hs(struct out *o, const struct ctx *c)
{
	const char *name = names_handshake(c->ev.hs_type);

	switch (c->ev.hs_type) {
	case 0:
		out_printf(o, "The server asks the client to start a new handshake on this connection "
			   "(renegotiation, TLS 1.2 and older). TLS 1.3 removed renegotiation; it uses KeyUpdate "
			   "and post-handshake authentication instead.");
		return;
	case 5:
		out_printf(o, "The client marks the end of its early data (0-RTT): application data it sent "
			   "before the handshake finished, protected with keys from a session ticket.");
		out_printf(o, " Early data can be replayed by an attacker, so servers accept it only for requests "
			   "that are safe to repeat; without this marker the server would not know where early "
			   "data stops and the handshake resumes.");
		return;
	case 22:
		out_printf(o, "The server staples a fresh OCSP response to its certificate: a statement signed by "
			   "the authority (CA) that the certificate has not been revoked. It saves the client from "
			   "asking the CA itself, which would be slower and tell the CA which sites it visits.");
		return;
	default:
		break;
	}
	if (name)
		out_printf(o, "A %s message from the %s (handshake type %u), which this tool shows without a "
			   "detailed explanation; its %zu bytes are in the detail view.", name, c->side,
			   c->ev.hs_type, c->ev.body_len);
	else
		out_printf(o, "A handshake message of type %u from the %s, which this tool does not know: it may "
			   "belong to an extension of TLS or a newer version. Its %zu bytes are in the detail "
			   "view.", c->ev.hs_type, c->side, c->ev.body_len);
}

/* ChangeCipherSpec: what it does depends on where it stands (decode_ccs_role). */
static void explain_ccs(struct out *o, const struct ctx *c)
{
	enum decode_ccs_role role = decode_ccs_role(c->tl, c->i);

	if (role == DECODE_CCS_TLS12) {
		out_printf(o, "The %s says: from my next record on, I encrypt with the keys we just agreed.", c->side);
		out_printf(o, " It is not a handshake message but a one-byte record of its own; the Finished that "
			   "follows is the first message protected by the new keys.");
		out_printf(o, " Without it the %s would not know when to switch to decrypting.", c->peer);
		return;
	}
	out_printf(o, "A dummy ChangeCipherSpec from the %s: TLS 1.3 does not use it, and the %s ignores it.", c->side,
		   c->peer);
	out_printf(o, " It is sent only for compatibility: some middleboxes (firewalls, proxies) drop "
		   "connections that do not look like TLS 1.2, so a TLS 1.3 handshake dresses up like a resumed "
		   "TLS 1.2 one.");
	if (role == DECODE_CCS_TLS13_AFTER_HRR && c->ev.from == TL_SERVER)
		out_printf(o, " The server sends it right after its HelloRetryRequest, so nothing is encrypted yet: "
			   "the second ClientHello and the ServerHello still travel in the clear, and encryption "
			   "starts only after the ServerHello.");
	else if (role == DECODE_CCS_TLS13_AFTER_HRR)
		out_printf(o, " The client sends it after the HelloRetryRequest, before its second ClientHello, so "
			   "nothing is encrypted yet: encryption starts only after the ServerHello.");
	else if (role == DECODE_CCS_TLS13_BEFORE_SH)
		out_printf(o, " It comes before any ServerHello, so nothing is encrypted yet (only early data "
			   "would be).");
	else if (c->ev.from == TL_SERVER)
		out_printf(o, " The real switch to encryption already happened right after the ServerHello, with no "
			   "signal needed.");
	else
		out_printf(o, " The client's keys did not switch here: its handshake traffic keys have been in use "
			   "since the ServerHello, with no signal needed.");
}

/* What to check after a common alert; NULL for the others. */
static const char *alert_advice(unsigned desc)
{
	switch (desc) {
	case 20: return "Check for a device in the path that modifies traffic, or a bug in either TLS library.";
	case 40: return "Check that both sides share at least one cipher suite, key exchange group and signature "
			"algorithm: compare the ClientHello's offer with the server's settings. GnuTLS also sends this "
			"alert when no TLS version is shared, where RFC 8446 asks for protocol_version (70).";
	case 42: return "Check that the certificate is intact, correctly signed by its issuer, and allowed for "
			"this use (key usage, and extended key usage such as clientAuth for a client certificate).";
	case 43: return "Check the certificate's key type and size (RSA, ECDSA, Ed25519) and its key usage "
			"against what the peer supports.";
	case 44: return "The certificate must be replaced: ask its authority (CA) for a new one.";
	case 45: return "Check the certificate's validity dates (notBefore and notAfter) and the clocks of both "
			"machines.";
	case 46: return "Check the peer's logs for the real reason; a name mismatch or a missing intermediate "
			"certificate is common.";
	case 48: return "Check that the receiver trusts the root CA that issued this chain, and that the sender "
			"includes its intermediate certificates.";
	case 49: return "The certificate itself was accepted; check the peer's access rules for this identity.";
	case 50: return "Check for a device in the path that alters messages, or a bug in either TLS library.";
	case 51: return "Check that the private key matches the certificate, and that nothing between the two "
			"sides altered the handshake.";
	case 70: return "Check the minimum and maximum TLS versions enabled on both sides.";
	case 80: return "The cause lies with the side that sent it: check its logs.";
	case 112: return "Check that the name the client sent in SNI is one the server is configured to serve.";
	case 116: return "Give the client a certificate and key issued by an authority the server trusts (the "
			 "CertificateRequest may name them).";
	default: return NULL;
	}
}

/* Alert. */
static void explain_alert(struct out *o, const struct ctx *c)
{
	const char *name = names_alert(c->ev.alert_desc);
	const char *meaning = names_alert_meaning(c->ev.alert_desc);
	const char *level = names_alert_level(c->ev.alert_level);
	const char *advice = alert_advice(c->ev.alert_desc);

	if (c->ev.alert_desc == 0) {
		out_printf(o, "The %s says it has finished sending: close_notify is the polite way to end a TLS "
			   "connection, and each side sends one before it stops writing.", c->side);
		out_printf(o, " It matters because without it a reader could not tell a complete message from one "
			   "an attacker cut short by closing the TCP connection (a truncation attack).");
		if (c->ev.encrypted)
			out_printf(o, " Like everything after the handshake, it travels encrypted.");
		return;
	}
	if (level)
		out_printf(o, "The %s sends a %s alert: ", c->side, level);
	else
		out_printf(o, "The %s sends an alert of level %u: ", c->side, c->ev.alert_level);
	if (name)
		out_printf(o, "%s (%u).", name, c->ev.alert_desc);
	else
		out_printf(o, "description %u, which this tool does not know.", c->ev.alert_desc);
	if (meaning)
		out_printf(o, " %s", meaning);
	if (advice)
		out_printf(o, " %s", advice);
	if (c->ev.alert_level == 2)
		out_printf(o, " A fatal alert ends the connection at once.");
	else if (c->ev.alert_level == 1)
		out_printf(o, " A warning does not end the connection by itself%s.",
			   c->version == 0x0304 ? ", though TLS 1.3 treats almost every alert as fatal" : "");
	else
		out_printf(o, " The level should be 1 (warning) or 2 (fatal); anything else is a protocol error.");
}

/* TL_EV_RECORD. */
static void explain_record(struct out *o, const struct ctx *c)
{
	const struct tl_event *e = &c->ev;
	bool tls13 = c->version == 0x0304;
	char t1[24];

	out_printf(o, "Every TLS record starts with a 5-byte header: content type, version and length.");
	switch (e->rec_type) {
	case 20:
		out_printf(o, " This change_cipher_spec record from the %s holds a single byte. ", c->side);
		out_printf(o, "%s", tls13 ? "In TLS 1.3 it is a dummy sent only so that middleboxes expecting TLS "
					    "1.2 let the connection through."
					  : "It announces that the sender's next records are encrypted with the "
					    "newly agreed keys.");
		break;
	case 21:
		out_printf(o, " This alert record from the %s carries %u bytes%s.", c->side, e->rec_length,
			   e->encrypted ? ", encrypted, so only the two ends can read which alert it is"
					: " in the clear: the alert's level and description");
		break;
	case 22:
		out_printf(o, " This handshake record from the %s carries %u bytes of handshake messages, %s.",
			   c->side, e->rec_length, e->encrypted ? "encrypted" : "in the clear");
		break;
	case 23:
		out_printf(o, " This application_data record from the %s carries %u bytes of ciphertext.", c->side,
			   e->rec_length);
		out_printf(o, "%s", tls13 ? " In TLS 1.3 every encrypted record after ServerHello is labelled "
					    "application_data on the outside, whatever it really carries (handshake "
					    "messages, alerts or data): the true type is hidden inside the encryption, "
					    "so an observer learns less."
					  : " It is the actual conversation (for example HTTP), protected by the "
					    "negotiated keys.");
		break;
	default:
		out_printf(o, " This record from the %s has content type %u (%s) and carries %u bytes.", c->side,
			   e->rec_type, names_content_type(e->rec_type) ? names_content_type(e->rec_type) : "unknown",
			   e->rec_length);
		break;
	}
	if (tls13 && e->rec_version && e->rec_version != c->version)
		out_printf(o, " Its header says %s, but that field is frozen for compatibility: the real version "
			   "is agreed inside the hello messages (supported_versions).",
			   version_name(e->rec_version, t1, sizeof t1));
}

/* Notes, errors and diagnoses: their own text, ended with a full stop. */
static void explain_text(struct out *o, const struct ctx *c)
{
	const char *t = c->ev.text ? c->ev.text : "";
	size_t len = strlen(t);

	if (len == 0) {
		if (c->ev.kind == TL_EV_NOTE)
			out_printf(o, "A note from the tool, with no text.");
		else if (c->ev.kind == TL_EV_ERROR)
			out_printf(o, "An error, reported with no text.");
		else
			out_printf(o, "A conclusion of the tool, with no text.");
		return;
	}
	out_raw(o, (const uint8_t *)t, len);
	if (t[len - 1] != '.' && t[len - 1] != '!' && t[len - 1] != '?')
		out_printf(o, ".");
}

/* Handshake messages by type. */
static void explain_handshake(struct out *o, const struct ctx *c)
{
	switch (c->ev.hs_type) {
	case 1: explain_client_hello(o, c); break;
	case 2: explain_server_hello(o, c); break;
	case TL_HS_HELLO_RETRY_REQUEST: explain_hrr(o, c); break;
	case 4: explain_nst(o, c); break;
	case 8: explain_ee(o, c); break;
	case 11: explain_cert(o, c); break;
	case 12: explain_ske(o, c); break;
	case 13: explain_cr(o, c); break;
	case 14: explain_shd(o, c); break;
	case 15: explain_cv(o, c); break;
	case 16: explain_cke(o, c); break;
	case 20: explain_finished(o, c); break;
	case 24: explain_key_update(o, c); break;
	default: explain_other_hs(o, c); break;
	}
}

/* Paragraph about event i. */
size_t explain_event(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	struct out o;
	struct ctx c;

	out_init(&o, buf, n);
	memset(&c, 0, sizeof c);
	if (!tl || !timeline_get(tl, i, &c.ev))
		return 0;
	if (!c.ev.body)
		c.ev.body_len = 0;
	c.tl = tl;
	c.i = i;
	summary_build(tl, c.ev.conn, &c.s);
	c.version = c.ev.version ? c.ev.version : c.s.version;
	c.side = c.ev.from == TL_CLIENT ? "client" : "server";
	c.peer = c.ev.from == TL_CLIENT ? "server" : "client";
	if (timeline_undelivered(&c.ev)) {
		char why[160];
		/* what follows describes the message's purpose, not what happened to it */
		out_printf(&o, "This never reached the %s (%s); what follows says what it is for. ", c.peer,
			   timeline_delivery_text(&c.ev, why, sizeof why));
	}
	switch (c.ev.kind) {
	case TL_EV_HANDSHAKE: explain_handshake(&o, &c); break;
	case TL_EV_CCS: explain_ccs(&o, &c); break;
	case TL_EV_ALERT: explain_alert(&o, &c); break;
	case TL_EV_RECORD: explain_record(&o, &c); break;
	case TL_EV_NOTE:
	case TL_EV_ERROR:
	case TL_EV_DIAGNOSIS: explain_text(&o, &c); break;
	default: out_printf(&o, "An event of a kind this tool does not know."); break;
	}
	return o.len;
}

/* One-line title of event i. */
size_t explain_title(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	struct out o;
	struct tl_event ev;
	const char *name;

	out_init(&o, buf, n);
	if (!tl || !timeline_get(tl, i, &ev))
		return 0;
	if (!ev.body)
		ev.body_len = 0;
	switch (ev.kind) {
	case TL_EV_HANDSHAKE:
		if (ev.hs_type != TL_HS_HELLO_RETRY_REQUEST && !names_handshake(ev.hs_type)) {
			out_printf(&o, "unknown handshake message (type %u)", ev.hs_type);
		} else if (ev.hs_type == 11) {
			struct ctx c;
			unsigned count = 0;
			bool ok;

			memset(&c, 0, sizeof c);
			summary_build(tl, ev.conn, &c.s);
			c.version = ev.version ? ev.version : c.s.version;
			ok = cert_count(&c, &ev, &count);
			if (ok && count == 0)
				out_printf(&o, "Certificate (empty)");
			else if (ok)
				out_printf(&o, "Certificate (%u cert%s)", count, count == 1 ? "" : "s");
			else
				out_printf(&o, "Certificate");
		} else {
			out_printf(&o, "%s", timeline_event_name(&ev));
		}
		break;
	case TL_EV_ALERT:
		name = names_alert_level(ev.alert_level);
		if (name)
			out_printf(&o, "Alert %s ", name);
		else
			out_printf(&o, "Alert level %u ", ev.alert_level);
		name = names_alert(ev.alert_desc);
		out_printf(&o, "%s (%u)", name ? name : "unknown", ev.alert_desc);
		break;
	case TL_EV_RECORD:
		name = names_content_type(ev.rec_type);
		out_printf(&o, "record: %s (%u), %u byte%s", name ? name : "unknown", ev.rec_type, ev.rec_length,
			   ev.rec_length == 1 ? "" : "s");
		break;
	default:
		out_printf(&o, "%s", timeline_event_name(&ev));
		break;
	}
	return o.len;
}
