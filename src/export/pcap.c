/*
 * pcap.c: the pcapng writer (see pcap.h).
 *
 * Coordinates: every number in a block is little-endian (the section's
 * byte-order magic says so). A connection is written as: its Decryption
 * Secrets Block, a made-up TCP handshake, then its kept bytes (timeline.h,
 * the wire) per direction, cut by the record parser (recstream.h) into one
 * segment per TLS record, a segment leaving when the read or write that
 * completed its record happened. The plaintext of STARTTLS before the
 * records (tl_conn_wire.plain) leaves as it was read. Bytes that do not parse as TLS records
 * (a peer that speaks HTTP) leave as they were read; what is left at the
 * end (a record cut short) leaves last.
 */
#include "tlsladder/pcap.h"
#include "tlsladder/buildinfo.h"
#include "tlsladder/keylog.h"
#include "tlsladder/recstream.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* pcapng block types and codes (draft-ietf-opsawg-pcapng). */
#define BLOCK_SHB 0x0A0D0D0Au
#define BLOCK_IDB 0x00000001u
#define BLOCK_EPB 0x00000006u
#define BLOCK_DSB 0x0000000Au
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define SECRETS_TLS_KEYLOG 0x544c534bu
#define LINKTYPE_RAW 101u
#define OPT_END 0u
#define OPT_COMMENT 1u
#define OPT_IF_NAME 2u
#define OPT_SHB_USERAPPL 4u

/* TCP flags and the made-up framing. */
#define TCP_SYN 0x02u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
#define IP_PROTO_TCP 6u
#define IP_TTL 64u
#define TCP_WINDOW 65535u
#define TCP_WSCALE 7u                  /* announced in the handshake: the window is 65535 << 7 */
#define ISN_CLIENT 0x10000000u
#define ISN_SERVER 0x20000000u
#define SEGMENT_MAX 32768u             /* bytes of payload per segment at most */
#define PACKET_MAX (SEGMENT_MAX + 40u + 24u)
#define BLOCK_MAX (PACKET_MAX + 1024u)

/* An open pcapng file. */
struct pcap_out {
	int fd;
	int write_errno;        /* the first write that failed (0: none) */
	char path[1024];
	uint8_t block[BLOCK_MAX];
};

/* One direction of a connection being written. */
struct dir_state {
	struct recstream rs;
	uint8_t *pend;          /* kept bytes not yet in a segment */
	size_t len, cap;
	uint64_t emitted;       /* bytes of this direction already in segments */
	uint64_t plain;         /* its first bytes are plaintext before TLS (STARTTLS): not fed to the record parser */
	uint32_t isn;
	uint16_t ip_id;
};

/* A connection being written. */
struct conn_state {
	struct pcap_out *o;
	struct tl_netaddr end[2];
	struct dir_state d[2];
	int64_t wall_us;        /* the timeline's wall clock at its start */
	int64_t t_us;           /* the time of the read or write being cut */
	enum tl_side from;      /* ... and its sender */
	bool failed;            /* out of memory */
};

/* ---------------------------------------------------------------- bytes */

/* Little-endian numbers into p. */
static void le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, v & 0xffffu);
	le16(p + 2, v >> 16);
}

/* Big-endian (network order) numbers into p. */
static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v & 0xffffu);
}

/* The length rounded up to a multiple of 4. */
static size_t pad4(size_t n)
{
	return (n + 3u) & ~(size_t)3u;
}

/* Writes n bytes; the first failure is kept in o->write_errno. */
static void put(struct pcap_out *o, const uint8_t *p, size_t n)
{
	while (n > 0 && o->write_errno == 0) {
		ssize_t k = write(o->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			o->write_errno = k < 0 ? errno : EIO;
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

/* Appends option code with value v (n bytes) to the block at *used. */
static void option(uint8_t *b, size_t *used, unsigned code, const void *v, size_t n)
{
	le16(b + *used, code);
	le16(b + *used + 2, (unsigned)n);
	memcpy(b + *used + 4, v, n);
	memset(b + *used + 4 + n, 0, pad4(n) - n);
	*used += 4 + pad4(n);
}

/* Ends the options (when any) and the block begun at b (type at 0): writes its lengths, then the block. */
static void block_finish(struct pcap_out *o, size_t used, bool had_options)
{
	uint8_t *b = o->block;

	if (had_options) {
		le32(b + used, 0);       /* opt_endofopt */
		used += 4;
	}
	le32(b + 4, (uint32_t)(used + 4));
	le32(b + used, (uint32_t)(used + 4));
	put(o, b, used + 4);
}

/* ---------------------------------------------------------------- the file */

/*
 * Opens path for writing: never through a symbolic link, created 0600, and
 * only a regular file that no one else may read or write (the file holds
 * secrets). Returns the descriptor, or -1 with err.
 */
static int pcap_open(const char *path, struct tl_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0 && errno == ELOOP)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the capture file is a symbolic link; it holds the session "
				    "secrets, which are written only to a file named directly", path);
	if (fd < 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the capture file cannot be written: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tl_error_set(err, TL_EXIT_FILES, "%s: the capture file is not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return tl_error_set(err, TL_EXIT_FILES, "%s: the capture file is open to others (mode %04o), and it holds "
				    "the secrets that decrypt the connection: run chmod 600 on it, or name a new file",
				    path, (unsigned)(st.st_mode & 07777));
	}
	return fd;
}

/* Checks that path can be the capture file, before any network work. */
int pcap_check(const char *path, struct tl_error *err)
{
	int fd = pcap_open(path, err);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* The section header: byte order, version 1.0, what wrote it and what is made up. */
static void write_section(struct pcap_out *o)
{
	static const char what[] =
		"TLS records as tlsladder sent and received them, in made-up TCP/IP: real addresses and ports in client "
		"and serve mode, 127.0.0.1 (server port 443) in the demo; the TCP handshake and sequence numbers are "
		"synthesized. The session secrets are in this file (Decryption Secrets Blocks).";
	static const char appl[] = "tlsladder " TLSLADDER_VERSION;
	uint8_t *b = o->block;
	size_t used = 8;

	le32(b, BLOCK_SHB);
	le32(b + used, BYTE_ORDER_MAGIC);
	le16(b + used + 4, 1);
	le16(b + used + 6, 0);
	memset(b + used + 8, 0xff, 8);   /* section length: not given */
	used += 16;
	option(b, &used, OPT_COMMENT, what, strlen(what));
	option(b, &used, OPT_SHB_USERAPPL, appl, strlen(appl));
	block_finish(o, used, true);
}

/* The one interface: raw IPv4/IPv6 packets, microsecond times. */
static void write_interface(struct pcap_out *o)
{
	static const char name[] = "tlsladder";
	uint8_t *b = o->block;
	size_t used = 8;

	le32(b, BLOCK_IDB);
	le16(b + used, LINKTYPE_RAW);
	le16(b + used + 2, 0);
	le32(b + used + 4, 0);             /* no snapshot limit */
	used += 8;
	option(b, &used, OPT_IF_NAME, name, strlen(name));
	block_finish(o, used, true);
}

/* Creates the file and writes its section and interface. */
struct pcap_out *pcap_create(const char *path, struct tl_error *err)
{
	struct pcap_out *o = malloc(sizeof *o);

	if (!o) {
		tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
		return NULL;
	}
	o->fd = pcap_open(path, err);
	if (o->fd < 0) {
		free(o);
		return NULL;
	}
	o->write_errno = ftruncate(o->fd, 0) == 0 ? 0 : errno;
	snprintf(o->path, sizeof o->path, "%s", path);
	write_section(o);
	write_interface(o);
	return o;
}

/* Closes the file. */
int pcap_close(struct pcap_out *o, struct tl_error *err)
{
	int e;

	if (!o)
		return 0;
	e = o->write_errno;
	if (close(o->fd) != 0 && e == 0)
		e = errno;
	if (e != 0)
		tl_error_set(err, TL_EXIT_FILES, "%s: writing the capture file failed: %s", o->path, strerror(e));
	memset(o->block, 0, sizeof o->block);
	free(o);
	return e != 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- blocks */

/* The secrets of connection conn as a Decryption Secrets Block (none: no block). */
static void write_secrets(struct pcap_out *o, const struct timeline *tl, unsigned conn)
{
	uint8_t *b = o->block;
	size_t used = 16, n = timeline_secret_count(tl);

	le32(b, BLOCK_DSB);
	le32(b + 8, SECRETS_TLS_KEYLOG);
	for (size_t i = 0; i < n && used + KEYLOG_LINE_MAX + 8 < sizeof o->block; i++) {
		struct tl_secret s;
		if (timeline_get_secret(tl, i, &s) && s.conn == conn && !s.withheld)
			used += keylog_line(&s, (char *)b + used);
		memset(&s, 0, sizeof s);
	}
	if (used > 16) {
		le32(b + 12, (uint32_t)(used - 16));
		memset(b + used, 0, pad4(used) - used);
		block_finish(o, pad4(used), false);
	}
	memset(b, 0, used);
}

/* One packet (n bytes at o->block + 28) as an Enhanced Packet Block at time us, with a comment or NULL. */
static void write_packet(struct pcap_out *o, size_t n, int64_t us, const char *comment)
{
	uint8_t *b = o->block;
	uint64_t t = us > 0 ? (uint64_t)us : 0;
	size_t used = 28 + pad4(n);

	le32(b, BLOCK_EPB);
	le32(b + 8, 0);                            /* interface 0 */
	le32(b + 12, (uint32_t)(t >> 32));
	le32(b + 16, (uint32_t)t);
	le32(b + 20, (uint32_t)n);
	le32(b + 24, (uint32_t)n);
	memset(b + 28 + n, 0, pad4(n) - n);
	if (comment)
		option(b, &used, OPT_COMMENT, comment, strlen(comment));
	block_finish(o, used, comment != NULL);
}

/* ---------------------------------------------------------------- TCP/IP */

/* Adds n bytes at p to a ones' complement sum. */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += ((uint32_t)p[i] << 8) | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* Folds a ones' complement sum into a checksum. */
static uint16_t sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The IP header for a packet from `from` carrying tcp_len bytes of TCP into p; returns its length. */
static size_t ip_header(struct conn_state *cs, enum tl_side from, size_t tcp_len, uint8_t *p)
{
	const struct tl_netaddr *src = &cs->end[from], *dst = &cs->end[from == TL_CLIENT ? TL_SERVER : TL_CLIENT];

	if (src->ip == TL_IP_V6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		be16(p + 4, (unsigned)tcp_len);
		p[6] = IP_PROTO_TCP;
		p[7] = IP_TTL;
		memcpy(p + 8, src->addr, 16);
		memcpy(p + 24, dst->addr, 16);
		return 40;
	}
	memset(p, 0, 20);
	p[0] = 0x45;
	be16(p + 2, (unsigned)(20 + tcp_len));
	be16(p + 4, cs->d[from].ip_id++);
	be16(p + 6, 0x4000);                     /* don't fragment */
	p[8] = IP_TTL;
	p[9] = IP_PROTO_TCP;
	memcpy(p + 12, src->addr, 4);
	memcpy(p + 16, dst->addr, 4);
	be16(p + 10, sum_fold(sum_bytes(0, p, 20)));
	return 20;
}

/* The TCP checksum of the segment at tcp (tcp_len bytes), with the pseudo header of the IP header at ip. */
static uint16_t tcp_checksum(const uint8_t *ip, const uint8_t *tcp, size_t tcp_len)
{
	uint32_t sum;

	if ((ip[0] >> 4) == 6)
		sum = sum_bytes(0, ip + 8, 32);
	else
		sum = sum_bytes(0, ip + 12, 8);
	sum += IP_PROTO_TCP + (uint32_t)tcp_len;
	return sum_fold(sum_bytes(sum, tcp, tcp_len));
}

/* One segment from `from`: flags, n bytes of payload at data, at time us. */
static void segment(struct conn_state *cs, enum tl_side from, unsigned flags, const uint8_t *data, size_t n,
		    int64_t us, const char *comment)
{
	enum tl_side to = from == TL_CLIENT ? TL_SERVER : TL_CLIENT;
	const struct dir_state *d = &cs->d[from], *peer = &cs->d[to];
	uint8_t *pkt = cs->o->block + 28, *tcp;
	size_t hdr = (flags & TCP_SYN) ? 24 : 20, iplen;

	iplen = ip_header(cs, from, hdr + n, pkt);
	tcp = pkt + iplen;
	memset(tcp, 0, hdr);
	be16(tcp, cs->end[from].port);
	be16(tcp + 2, cs->end[to].port);
	be32(tcp + 4, (uint32_t)(d->isn + ((flags & TCP_SYN) ? 0 : 1 + d->emitted)));
	be32(tcp + 8, (flags & TCP_ACK) ? (uint32_t)(peer->isn + 1 + peer->emitted) : 0);
	tcp[12] = (uint8_t)((hdr / 4) << 4);
	tcp[13] = (uint8_t)flags;
	be16(tcp + 14, TCP_WINDOW);
	if (flags & TCP_SYN) {
		tcp[20] = 1;                         /* NOP, then window scale */
		tcp[21] = 3;
		tcp[22] = 3;
		tcp[23] = TCP_WSCALE;
	}
	if (n > 0)
		memcpy(tcp + hdr, data, n);
	be16(tcp + 16, tcp_checksum(pkt, tcp, hdr + n));
	write_packet(cs->o, iplen + hdr + n, cs->wall_us + us, comment);
}

/* Sends the first n pending bytes of direction `from` as segments at time us. */
static void emit(struct conn_state *cs, enum tl_side from, size_t n, int64_t us)
{
	struct dir_state *d = &cs->d[from];
	size_t done = 0;

	if (n > d->len)
		n = d->len;
	while (done < n) {
		size_t k = n - done < SEGMENT_MAX ? n - done : SEGMENT_MAX;
		segment(cs, from, TCP_PSH | TCP_ACK, d->pend + done, k, us, NULL);
		d->emitted += k;
		done += k;
	}
	memmove(d->pend, d->pend + n, d->len - n);
	d->len -= n;
}

/* The record parser's callback: a whole record of the direction being cut leaves as one segment. */
static void record_done(void *arg, const struct recstream_record *r)
{
	struct conn_state *cs = arg;
	struct dir_state *d = &cs->d[cs->from];

	if (!r->oversize && d->plain + r->end > d->emitted)
		emit(cs, cs->from, (size_t)(d->plain + r->end - d->emitted), cs->t_us);
}

/* One kept read or write: appended to its direction's pending bytes, cut into records. */
static void take_chunk(struct conn_state *cs, const struct tl_wire_chunk *ch)
{
	struct dir_state *d = &cs->d[ch->from];

	if (d->len + ch->len > d->cap) {
		size_t ncap = d->cap ? d->cap : 4096;
		uint8_t *n;
		while (ncap < d->len + ch->len)
			ncap *= 2;
		n = realloc(d->pend, ncap);
		if (!n) {
			cs->failed = true;
			return;
		}
		d->pend = n;
		d->cap = ncap;
	}
	memcpy(d->pend + d->len, ch->bytes, ch->len);
	d->len += ch->len;
	cs->from = ch->from;
	cs->t_us = ch->t_us;
	if (ch->offset < d->plain) {
		/* the application protocol's lines before STARTTLS: as they were read */
		size_t plain = ch->offset + ch->len <= d->plain ? ch->len : (size_t)(d->plain - ch->offset);
		emit(cs, ch->from, d->len - (ch->len - plain), ch->t_us);
		if (plain == ch->len)
			return;
		recstream_feed(&d->rs, ch->bytes + plain, ch->len - plain, record_done, cs);
	} else {
		recstream_feed(&d->rs, ch->bytes, ch->len, record_done, cs);
	}
	if (d->rs.broken)
		emit(cs, ch->from, d->len, ch->t_us);   /* not TLS records: as it was read */
}

/* ---------------------------------------------------------------- connections */

/* The connection's ends, made up on loopback where it had no network
 * address (the demo); returns true when they were made up. */
static bool ends_of(struct conn_state *cs, const struct tl_conn_wire *w, unsigned conn)
{
	static const uint8_t loopback[4] = { 127, 0, 0, 1 };

	cs->end[TL_CLIENT] = w->end[TL_CLIENT];
	cs->end[TL_SERVER] = w->end[TL_SERVER];
	if (cs->end[TL_CLIENT].ip != TL_IP_NONE && cs->end[TL_CLIENT].ip == cs->end[TL_SERVER].ip)
		return false;
	memset(cs->end, 0, sizeof cs->end);
	for (int s = 0; s < 2; s++) {
		cs->end[s].ip = TL_IP_V4;
		memcpy(cs->end[s].addr, loopback, sizeof loopback);
	}
	cs->end[TL_SERVER].port = PCAP_DEMO_SERVER_PORT;
	cs->end[TL_CLIENT].port = PCAP_DEMO_CLIENT_PORT + conn % 10000u;
	return true;
}

/* The comment on a connection's first packet: which one, and what of its bytes is not in the file. */
static void conn_comment(char *buf, size_t n, const struct tl_conn_wire *w, bool made_up, uint64_t number,
			 unsigned conn)
{
	size_t used;

	if (number)
		used = (size_t)snprintf(buf, n, "tlsladder serve: connection %" PRIu64 ".", number);
	else
		used = (size_t)snprintf(buf, n, "tlsladder: connection %u of the run.", conn + 1);
	if (made_up && used < n)
		used += (size_t)snprintf(buf + used, n - used, " Addresses and ports made up: the demo joins client and "
					 "server by a socket pair.");
	for (int s = 0; s < 2 && used < n; s++)
		if (w->lost[s] > 0)
			used += (size_t)snprintf(buf + used, n - used, " Not in this file: the %s sent %" PRIu64
						 " more bytes after its first %" PRIu64 ", which were not kept; its "
						 "stream ends there.",
						 s == TL_CLIENT ? "client" : "server", w->lost[s], w->kept[s]);
}

/* The made-up three-way handshake, at time us; the first packet carries the comment. */
static void handshake(struct conn_state *cs, int64_t us, const char *comment)
{
	segment(cs, TL_CLIENT, TCP_SYN, NULL, 0, us, comment);
	segment(cs, TL_SERVER, TCP_SYN | TCP_ACK, NULL, 0, us, NULL);
	segment(cs, TL_CLIENT, TCP_ACK, NULL, 0, us, NULL);
}

/* The first time known of connection conn: when it was made, else its first byte, else 0. */
static int64_t conn_start(const struct timeline *tl, unsigned conn, const struct tl_conn_wire *w)
{
	struct tl_wire_chunk ch;
	size_t n = timeline_wire_count(tl);

	if (w->connected_us >= 0)
		return w->connected_us;
	for (size_t i = 0; i < n; i++)
		if (timeline_wire_get(tl, i, &ch) && ch.conn == conn)
			return ch.t_us;
	return 0;
}

/* Writes one connection: its secrets, the handshake, its bytes. */
static void write_conn(struct pcap_out *o, const struct timeline *tl, unsigned conn, uint64_t number)
{
	struct tl_conn_wire w;
	struct conn_state *cs;
	struct tl_wire_chunk ch;
	char comment[600];
	size_t n = timeline_wire_count(tl);
	bool made_up;

	if (!timeline_wire_conn(tl, conn, &w) || !(cs = calloc(1, sizeof *cs)))
		return;
	cs->o = o;
	cs->wall_us = timeline_wall_start_us(tl);
	made_up = ends_of(cs, &w, conn);
	cs->d[TL_CLIENT].isn = ISN_CLIENT + conn * 0x1000u;
	cs->d[TL_SERVER].isn = ISN_SERVER + conn * 0x1000u;
	for (int s = 0; s < 2; s++) {
		recstream_init(&cs->d[s].rs);
		cs->d[s].plain = w.plain[s];
	}
	write_secrets(o, tl, conn);
	conn_comment(comment, sizeof comment, &w, made_up, number, conn);
	handshake(cs, conn_start(tl, conn, &w), comment);
	for (size_t i = 0; i < n && !cs->failed; i++)
		if (timeline_wire_get(tl, i, &ch) && ch.conn == conn && ch.len > 0)
			take_chunk(cs, &ch);
	for (int s = 0; s < 2; s++) {
		if (cs->d[s].len > 0)
			emit(cs, (enum tl_side)s, cs->d[s].len, cs->t_us);   /* a record cut short */
		free(cs->d[s].pend);
	}
	free(cs);
}

/* Appends every connection of tl. */
int pcap_add(struct pcap_out *o, const struct timeline *tl, uint64_t number, struct tl_error *err)
{
	unsigned nconn = timeline_wire_conn_count(tl);

	for (unsigned conn = 0; conn < nconn; conn++)
		write_conn(o, tl, conn, number);
	if (o->write_errno != 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: writing the capture file failed: %s", o->path,
				    strerror(o->write_errno));
	return 0;
}

/* The whole run into path. */
int pcap_write(const struct timeline *tl, const char *path, struct tl_error *err)
{
	struct pcap_out *o = pcap_create(path, err);
	struct tl_error ignored;

	if (!o)
		return -1;
	if (pcap_add(o, tl, 0, err) < 0) {
		pcap_close(o, &ignored);
		return -1;
	}
	return pcap_close(o, err);
}
