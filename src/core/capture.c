/*
 * capture.c: pcapng and pcap files read into reassembled TCP streams (see capture.h).
 *
 * The file is walked block by block (pcapng) or record by record (pcap);
 * each packet goes down its link layer to IP and TCP; a TCP segment with
 * payload is put in its connection's direction at its sequence number.
 */
#include "tlsladder/capture.h"
#include "tlsladder/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_SPB 0x00000003u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_DSB 0x0000000Au
#define PCAPNG_BOM 0x1A2B3C4Du
#define SECRETS_TLS_KEYLOG 0x544c534bu
#define OPT_IF_TSRESOL 9u
#define MAX_IFACES 64u
#define MAX_BLOCK (64u << 20)

#define LINK_NULL 0u
#define LINK_ETHERNET 1u
#define LINK_RAW 101u
#define LINK_RAW_12 12u
#define LINK_RAW_14 14u
#define LINK_LOOP 108u
#define LINK_SLL 113u
#define LINK_IPV4 228u
#define LINK_IPV6 229u
#define LINK_SLL2 276u

#define ETH_IPV4 0x0800u
#define ETH_IPV6 0x86DDu
#define ETH_VLAN 0x8100u
#define ETH_QINQ 0x88A8u
#define IP_TCP 6u
#define TCP_SYN 0x02u

/* One interface of a pcapng section (or the one of a pcap file). */
struct iface {
	unsigned link;
	uint64_t units;       /* timestamp units per second */
};

/* The state of one parse. */
struct parse {
	struct capture *c;
	bool big;             /* the section's numbers are big-endian */
	struct iface ifs[MAX_IFACES];
	unsigned nifs;
	bool oom;
};

/* Reads a 32-bit number in the section's byte order. */
static bool rd32(struct reader *r, bool big, uint32_t *v)
{
	const uint8_t *p;

	if (!reader_bytes(r, 4, &p))
		return false;
	*v = big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		 : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	return true;
}

/* Reads a 16-bit number in the section's byte order. */
static bool rd16(struct reader *r, bool big, unsigned *v)
{
	const uint8_t *p;

	if (!reader_bytes(r, 2, &p))
		return false;
	*v = big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
	return true;
}

/* A 32-bit big-endian number at p. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Tells a pcapng or pcap file by its magic number. */
enum capture_format capture_sniff(const uint8_t *buf, size_t len)
{
	uint32_t m;

	if (len < 4)
		return CAPTURE_NOT_CAPTURE;
	m = be32(buf);
	if (m == PCAPNG_SHB)
		return CAPTURE_PCAPNG;
	if (m == 0xA1B2C3D4u || m == 0xD4C3B2A1u || m == 0xA1B23C4Du || m == 0x4D3CB2A1u)
		return CAPTURE_PCAP;
	return CAPTURE_NOT_CAPTURE;
}

/* Microseconds from a timestamp in units per second. */
static int64_t to_us(uint64_t ts, uint64_t units)
{
	if (units == 0)
		units = 1000000u;
	if (units == 1000000u)
		return (int64_t)(ts & 0x3fffffffffffffffull);
	return (int64_t)((ts / units) * 1000000u + (ts % units) * 1000000u / units);
}

/* Adds a chunk: the direction now holds [0, end) at time t. */
static void add_chunk(struct parse *ps, unsigned conn, unsigned dir, int64_t t, size_t end)
{
	struct capture *c = ps->c;

	if (c->nchunks == c->chunk_cap) {
		size_t ncap = c->chunk_cap ? c->chunk_cap * 2 : 256;
		struct capture_chunk *n;
		if (c->chunk_cap >= CAPTURE_MAX_CHUNKS)
			return;
		n = realloc(c->chunks, ncap * sizeof *n);
		if (!n) {
			ps->oom = true;
			return;
		}
		c->chunks = n;
		c->chunk_cap = ncap;
	}
	c->chunks[c->nchunks++] = (struct capture_chunk){ conn, dir, t, 0 };
	c->chunks[c->nchunks - 1].end = end;
}

/* Appends bytes to a direction's stream, within its limit. */
static void dir_append(struct parse *ps, struct capture_dir *d, const uint8_t *p, size_t n)
{
	size_t keep = n;

	if (d->len + keep > CAPTURE_MAX_STREAM)
		keep = d->len < CAPTURE_MAX_STREAM ? CAPTURE_MAX_STREAM - d->len : 0;
	d->lost += n - keep;
	if (keep == 0)
		return;
	if (d->len + keep > d->cap) {
		size_t ncap = d->cap ? d->cap : 4096;
		uint8_t *nd;
		while (ncap < d->len + keep)
			ncap *= 2;
		nd = realloc(d->data, ncap);
		if (!nd) {
			ps->oom = true;
			d->lost += keep;
			return;
		}
		d->data = nd;
		d->cap = ncap;
	}
	memcpy(d->data + d->len, p, keep);
	d->len += keep;
}

/* The stream offset of seq, as a signed distance from the stream's end (wraps at 2^32). */
static int32_t dist(const struct capture_dir *d, uint32_t seq)
{
	return (int32_t)(seq - (uint32_t)(d->isn + d->len + d->lost));
}

/* Takes what of a segment at seq is new, if it starts at or before the end; true when taken. */
static bool dir_take(struct parse *ps, struct capture_dir *d, uint32_t seq, const uint8_t *p, size_t n)
{
	int32_t at = dist(d, seq);

	if (at > 0)
		return false;
	if ((size_t)(-(int64_t)at) >= n)
		return true;                    /* all of it seen before: a retransmission */
	dir_append(ps, d, p + (size_t)(-(int64_t)at), n - (size_t)(-(int64_t)at));
	return true;
}

/* Segments that waited for a gap: take those the stream now reaches. */
static void dir_drain(struct parse *ps, struct capture_dir *d)
{
	bool moved = true;

	while (moved) {
		moved = false;
		for (size_t i = 0; i < d->nwait; i++) {
			if (!dir_take(ps, d, d->wait[i].seq, d->wait[i].data, d->wait[i].len))
				continue;
			free(d->wait[i].data);
			d->wait[i] = d->wait[--d->nwait];
			moved = true;
			break;
		}
	}
}

/* Keeps a segment that arrived before the bytes ahead of it (bounded). */
static void dir_wait(struct parse *ps, struct capture_dir *d, uint32_t seq, int64_t t, const uint8_t *p, size_t n)
{
	struct capture_wait *nw;
	uint8_t *copy;

	if (d->nwait >= CAPTURE_MAX_WAITING || n > 65536u) {
		d->dropped += n;
		return;
	}
	nw = realloc(d->wait, (d->nwait + 1) * sizeof *nw);
	copy = malloc(n);
	if (!nw || !copy) {
		if (nw)
			d->wait = nw;
		free(copy);
		ps->oom = true;
		return;
	}
	d->wait = nw;
	memcpy(copy, p, n);
	d->wait[d->nwait++] = (struct capture_wait){ seq, t, copy, n };
}

/* Finds or makes the connection of a segment; *dir says which direction it is. -1: none. */
static long find_conn(struct parse *ps, const struct tl_netaddr *src, const struct tl_netaddr *dst, int64_t t,
		      unsigned *dir)
{
	struct capture *c = ps->c;
	struct capture_conn *n;

	for (size_t i = 0; i < c->nconns; i++) {
		for (unsigned k = 0; k < 2; k++) {
			if (memcmp(&c->conns[i].end[k], src, sizeof *src) == 0 &&
			    memcmp(&c->conns[i].end[1 - k], dst, sizeof *dst) == 0) {
				*dir = k;
				return (long)i;
			}
		}
	}
	if (c->nconns >= CAPTURE_MAX_CONNS)
		return -1;
	n = realloc(c->conns, (c->nconns + 1) * sizeof *n);
	if (!n) {
		ps->oom = true;
		return -1;
	}
	c->conns = n;
	memset(&n[c->nconns], 0, sizeof *n);
	n[c->nconns].end[0] = *src;
	n[c->nconns].end[1] = *dst;
	n[c->nconns].first_us = t;
	*dir = 0;
	return (long)c->nconns++;
}

/* A TCP segment from src to dst. */
static void tcp_segment(struct parse *ps, struct tl_netaddr *src, struct tl_netaddr *dst, struct reader *r,
			int64_t t)
{
	unsigned sport, dport, off_flags, dir;
	uint32_t seq;
	const uint8_t *p;
	size_t hl, n;
	long ci;
	struct capture_dir *d;

	if (!reader_u16(r, &sport) || !reader_u16(r, &dport) || !rd32(r, true, &seq) || !reader_skip(r, 4) ||
	    !reader_u16(r, &off_flags))
		return;
	hl = (size_t)(off_flags >> 12) * 4;
	if (hl < 20 || !reader_skip(r, hl - 14))
		return;
	src->port = sport;
	dst->port = dport;
	ci = find_conn(ps, src, dst, t, &dir);
	if (ci < 0)
		return;
	d = &ps->c->conns[ci].dir[dir];
	if (!d->started) {
		d->started = true;
		d->isn = seq + ((off_flags & TCP_SYN) ? 1u : 0u);
	}
	n = reader_left(r);
	if (n == 0 || !reader_bytes(r, n, &p))
		return;
	if (off_flags & TCP_SYN)
		seq++;
	if (dir_take(ps, d, seq, p, n)) {
		dir_drain(ps, d);
		add_chunk(ps, (unsigned)ci, dir, t, d->len);
	} else {
		dir_wait(ps, d, seq, t, p, n);
	}
}

/* An IPv4 packet. */
static bool ipv4(struct parse *ps, struct reader *r, int64_t t)
{
	unsigned vihl, tot, frag, proto;
	const uint8_t *a;
	struct tl_netaddr src, dst;
	struct reader body;
	size_t hl;

	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	if (!reader_u8(r, &vihl) || !reader_skip(r, 1) || !reader_u16(r, &tot) || !reader_skip(r, 2) ||
	    !reader_u16(r, &frag) || !reader_skip(r, 1) || !reader_u8(r, &proto) || !reader_skip(r, 2))
		return false;
	hl = (size_t)(vihl & 15u) * 4;
	if ((vihl >> 4) != 4 || hl < 20 || tot < hl || proto != IP_TCP || (frag & 0x3fffu) != 0)
		return false;
	if (!reader_bytes(r, 4, &a))
		return false;
	src.ip = TL_IP_V4;
	memcpy(src.addr, a, 4);
	if (!reader_bytes(r, 4, &a) || !reader_skip(r, hl - 20))
		return false;
	dst.ip = TL_IP_V4;
	memcpy(dst.addr, a, 4);
	if (tot - hl > reader_left(r) || !reader_sub(r, tot - hl, &body))
		return false;
	tcp_segment(ps, &src, &dst, &body, t);
	return true;
}

/* An IPv6 packet (hop-by-hop, routing and destination options headers skipped). */
static bool ipv6(struct parse *ps, struct reader *r, int64_t t)
{
	unsigned vtc, plen, next;
	const uint8_t *s, *d;
	struct tl_netaddr src, dst;
	struct reader body;

	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	if (!reader_u8(r, &vtc) || (vtc >> 4) != 6 || !reader_skip(r, 3) || !reader_u16(r, &plen) ||
	    !reader_u8(r, &next) || !reader_skip(r, 1) || !reader_bytes(r, 16, &s) || !reader_bytes(r, 16, &d) ||
	    plen > reader_left(r) || !reader_sub(r, plen, &body))
		return false;
	for (unsigned hops = 0; hops < 8 && (next == 0 || next == 43 || next == 60); hops++) {
		unsigned len;
		if (!reader_u8(&body, &next) || !reader_u8(&body, &len) || !reader_skip(&body, 6 + (size_t)len * 8))
			return false;
	}
	if (next != IP_TCP)
		return false;
	src.ip = dst.ip = TL_IP_V6;
	memcpy(src.addr, s, 16);
	memcpy(dst.addr, d, 16);
	tcp_segment(ps, &src, &dst, &body, t);
	return true;
}

/* An IP packet of either version. */
static bool ip_any(struct parse *ps, struct reader *r, int64_t t, unsigned ethertype)
{
	if (ethertype == ETH_IPV4)
		return ipv4(ps, r, t);
	if (ethertype == ETH_IPV6)
		return ipv6(ps, r, t);
	if (ethertype == 0 && reader_left(r) > 0)
		return (r->p[r->off] >> 4) == 4 ? ipv4(ps, r, t) : ipv6(ps, r, t);
	return false;
}

/* The ethertype of a link layer header, read past it; 0: IP of the version its first nibble says; false: not IP. */
static bool link_layer(struct reader *r, unsigned link, unsigned *et)
{
	uint32_t fam;

	*et = 0;
	switch (link) {
	case LINK_ETHERNET:
		if (!reader_skip(r, 12) || !reader_u16(r, et))
			return false;
		for (unsigned k = 0; k < 2 && (*et == ETH_VLAN || *et == ETH_QINQ); k++)
			if (!reader_skip(r, 2) || !reader_u16(r, et))
				return false;
		return true;
	case LINK_SLL:
		return reader_skip(r, 14) && reader_u16(r, et);
	case LINK_SLL2:
		return reader_u16(r, et) && reader_skip(r, 18);
	case LINK_NULL:
	case LINK_LOOP:
		if (!reader_skip(r, 0) || !rd32(r, false, &fam))
			return false;
		return true;          /* the family's number differs per system: the IP version nibble tells */
	case LINK_RAW:
	case LINK_RAW_12:
	case LINK_RAW_14:
		return true;
	case LINK_IPV4:
		*et = ETH_IPV4;
		return true;
	case LINK_IPV6:
		*et = ETH_IPV6;
		return true;
	default:
		return false;
	}
}

/* One captured packet of a link type. */
static void packet(struct parse *ps, const uint8_t *p, size_t n, unsigned link, int64_t t)
{
	struct reader r;
	unsigned et;

	ps->c->packets++;
	reader_init(&r, p, n);
	if (!link_layer(&r, link, &et) || !ip_any(ps, &r, t, et))
		ps->c->skipped++;
}

/* The options of an Interface Description Block: its timestamp resolution. */
static void idb_options(struct parse *ps, struct reader *r, struct iface *f)
{
	for (unsigned k = 0; k < 64 && reader_left(r) >= 4; k++) {
		unsigned code, len;
		const uint8_t *v;
		if (!rd16(r, ps->big, &code) || !rd16(r, ps->big, &len) || code == 0 || !reader_bytes(r, len, &v) ||
		    !reader_skip(r, (4 - len % 4) % 4))
			return;
		if (code == OPT_IF_TSRESOL && len >= 1) {
			unsigned e = v[0] & 0x7fu;
			uint64_t u = 1;
			for (unsigned i = 0; i < e && u < (1ull << 62) / 10; i++)
				u *= (v[0] & 0x80u) ? 2 : 10;
			f->units = u;
		}
	}
}

/* A Decryption Secrets Block: keeps a TLS key log. */
static void dsb(struct parse *ps, struct reader *r)
{
	uint32_t type, len;
	const uint8_t *p;
	struct capture *c = ps->c;
	char *n;

	if (!rd32(r, ps->big, &type) || !rd32(r, ps->big, &len) || type != SECRETS_TLS_KEYLOG ||
	    !reader_bytes(r, len, &p) || c->keylog_len + len + 1 > CAPTURE_MAX_KEYLOG)
		return;
	n = realloc(c->keylog, c->keylog_len + len + 2);
	if (!n) {
		ps->oom = true;
		return;
	}
	c->keylog = n;
	memcpy(n + c->keylog_len, p, len);
	c->keylog_len += len;
	n[c->keylog_len++] = '\n';
	n[c->keylog_len] = '\0';
}

/* One pcapng block's body (after type and length) of the given type. */
static bool block_body(struct parse *ps, uint32_t type, struct reader *b, char *why, size_t wn)
{
	uint32_t ifc, hi, lo, caplen;
	const uint8_t *p;

	if (type == PCAPNG_IDB) {
		unsigned link;
		struct iface f = { 0, 1000000u };
		if (!rd16(b, ps->big, &link) || !reader_skip(b, 6))
			return snprintf(why, wn, "an interface block is cut short"), false;
		f.link = link;
		idb_options(ps, b, &f);
		if (ps->nifs < MAX_IFACES)
			ps->ifs[ps->nifs++] = f;
	} else if (type == PCAPNG_EPB) {
		if (!rd32(b, ps->big, &ifc) || !rd32(b, ps->big, &hi) || !rd32(b, ps->big, &lo) ||
		    !rd32(b, ps->big, &caplen) || !reader_skip(b, 4) || !reader_bytes(b, caplen, &p))
			return snprintf(why, wn, "a packet block is cut short"), false;
		if (ifc >= ps->nifs)
			return snprintf(why, wn, "a packet names interface %u, which was not described", (unsigned)ifc), false;
		packet(ps, p, caplen, ps->ifs[ifc].link, to_us((uint64_t)hi << 32 | lo, ps->ifs[ifc].units));
	} else if (type == PCAPNG_SPB) {
		if (ps->nifs == 0 || !reader_skip(b, 4))
			return snprintf(why, wn, "a simple packet block comes before any interface"), false;
		packet(ps, b->p + b->off, reader_left(b), ps->ifs[0].link, 0);
	} else if (type == PCAPNG_DSB) {
		dsb(ps, b);
	}
	return true;
}

/* A Section Header Block: its byte order; forgets the interfaces of the section before. */
static bool section(struct parse *ps, const uint8_t *buf, size_t len, size_t at, char *why, size_t wn)
{
	uint32_t bom;

	if (len - at < 12)
		return snprintf(why, wn, "the section header at byte %zu is cut short", at), false;
	bom = be32(buf + at + 8);
	if (bom == PCAPNG_BOM)
		ps->big = true;
	else if (bom == 0x4D3C2B1Au)
		ps->big = false;
	else
		return snprintf(why, wn, "the section header at byte %zu has no byte-order magic", at), false;
	ps->nifs = 0;
	return true;
}

/* Walks the blocks of a pcapng file. */
static bool read_pcapng(struct parse *ps, const uint8_t *buf, size_t len, char *why, size_t wn)
{
	size_t at = 0;

	while (at < len && !ps->oom) {
		struct reader r, b;
		uint32_t type, blen, tail;
		if (len - at >= 4 && be32(buf + at) == PCAPNG_SHB && !section(ps, buf, len, at, why, wn))
			return false;
		reader_init(&r, buf + at, len - at);
		if (!rd32(&r, ps->big, &type) || !rd32(&r, ps->big, &blen))
			return snprintf(why, wn, "the file ends inside a block header at byte %zu", at), false;
		if (blen < 12 || blen % 4 != 0 || blen > MAX_BLOCK)
			return snprintf(why, wn, "the block at byte %zu declares a length of %u bytes", at, (unsigned)blen),
			       false;
		if (blen > len - at)
			return snprintf(why, wn, "the file ends inside the block at byte %zu (cut short)", at), false;
		reader_init(&r, buf + at + 8, blen - 12);
		reader_sub(&r, blen - 12, &b);
		reader_init(&r, buf + at + blen - 4, 4);
		if (!rd32(&r, ps->big, &tail) || tail != blen)
			return snprintf(why, wn, "the block at byte %zu does not end with its length", at), false;
		if (type != PCAPNG_SHB && !block_body(ps, type, &b, why, wn)) {
			size_t l = strlen(why);
			snprintf(why + l, wn - l, " (at byte %zu)", at);
			return false;
		}
		at += blen;
	}
	return true;
}

/* Walks the records of a classic pcap file. */
static bool read_pcap(struct parse *ps, const uint8_t *buf, size_t len, char *why, size_t wn)
{
	uint32_t m = be32(buf), link, sec, frac, caplen;
	struct reader r;
	uint64_t units = (m == 0xA1B23C4Du || m == 0x4D3CB2A1u) ? 1000000000u : 1000000u;

	ps->big = m == 0xA1B2C3D4u || m == 0xA1B23C4Du;
	reader_init(&r, buf, len);
	if (!reader_skip(&r, 20) || !rd32(&r, ps->big, &link))
		return snprintf(why, wn, "the file header is cut short"), false;
	while (reader_left(&r) > 0 && !ps->oom) {
		const uint8_t *p;
		size_t at = reader_pos(&r);
		if (!rd32(&r, ps->big, &sec) || !rd32(&r, ps->big, &frac) || !rd32(&r, ps->big, &caplen) ||
		    !reader_skip(&r, 4))
			return snprintf(why, wn, "the file ends inside a packet header at byte %zu (cut short)", at), false;
		if (caplen > MAX_BLOCK || !reader_bytes(&r, caplen, &p))
			return snprintf(why, wn, "the file ends inside the packet at byte %zu (cut short)", at), false;
		packet(ps, p, caplen, link & 0xffffu, to_us((uint64_t)sec * units + frac, units));
	}
	return true;
}

/* Frees what a direction holds. */
static void dir_free(struct capture_dir *d)
{
	for (size_t i = 0; i < d->nwait; i++)
		free(d->wait[i].data);
	free(d->wait);
	free(d->data);
}

/* Frees a capture. */
void capture_free(struct capture *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nconns; i++) {
		dir_free(&c->conns[i].dir[0]);
		dir_free(&c->conns[i].dir[1]);
	}
	free(c->conns);
	free(c->chunks);
	free(c->keylog);
	free(c);
}

/* Reads a capture from buf. */
struct capture *capture_parse(const uint8_t *buf, size_t len, char *why, size_t wn, bool *oom)
{
	struct parse ps;
	enum capture_format f = capture_sniff(buf, len);
	bool ok;

	*oom = false;
	memset(&ps, 0, sizeof ps);
	if (f == CAPTURE_NOT_CAPTURE) {
		snprintf(why, wn, "not a pcapng or pcap file");
		return NULL;
	}
	ps.c = calloc(1, sizeof *ps.c);
	if (!ps.c) {
		*oom = true;
		snprintf(why, wn, "out of memory");
		return NULL;
	}
	ok = f == CAPTURE_PCAPNG ? read_pcapng(&ps, buf, len, why, wn) : read_pcap(&ps, buf, len, why, wn);
	if (ps.oom) {
		*oom = true;
		snprintf(why, wn, "out of memory");
	}
	if (!ok || ps.oom) {
		capture_free(ps.c);
		return NULL;
	}
	return ps.c;
}
