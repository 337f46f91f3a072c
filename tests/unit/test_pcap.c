/*
 * test_pcap.c: the bytes on the wire the timeline keeps for --pcap (the
 * limit, writes that did not happen, one stream when both sides are in the
 * run), and the pcapng writer read back block by block: the section, the
 * interface, the secrets block, the made-up TCP/IP (handshake, sequence and
 * acknowledgement numbers, checksums, one segment per record) and the
 * comment that says which bytes are not in the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlsladder/keylog.h"
#include "tlsladder/pcap.h"
#include "tlsladder/timeline.h"

/* ---------------------------------------------------------------- the wire */

static void wire_not_kept_unless_asked(void **state)
{
	struct timeline *tl = timeline_create(false);
	const uint8_t b[3] = { 1, 2, 3 };
	struct tl_netaddr c = { .ip = TL_IP_V4, .addr = { 10, 0, 0, 1 }, .port = 5 }, s = c;
	struct tl_conn_wire w;

	(void)state;
	timeline_wire_add(tl, 0, TL_CLIENT, true, b, sizeof b);
	assert_int_equal(timeline_wire_count(tl), 0);
	assert_false(timeline_wire_conn(tl, 0, &w));
	s.port = 443;
	timeline_set_addrs(tl, 0, &c, &s);      /* the addresses are kept anyway */
	assert_true(timeline_wire_conn(tl, 0, &w));
	assert_int_equal(w.end[TL_SERVER].port, 443);
	assert_int_equal(w.end[TL_CLIENT].addr[0], 10);
	assert_true(w.connected_us >= 0);
	assert_int_equal(timeline_wire_conn_count(tl), 1);
	timeline_destroy(tl);
}

static void wire_keeps_both_directions_in_order(void **state)
{
	struct timeline *tl = timeline_create(false);
	const uint8_t a[4] = { 1, 2, 3, 4 }, b[2] = { 9, 8 };
	struct tl_wire_chunk ch;
	struct tl_conn_wire w;

	(void)state;
	timeline_wire_keep(tl, TL_WIRE_LIMIT_DEFAULT);
	timeline_wire_add(tl, 0, TL_CLIENT, true, a, sizeof a);     /* we wrote */
	timeline_wire_add(tl, 0, TL_SERVER, false, b, sizeof b);    /* we read */
	timeline_wire_add(tl, 0, TL_CLIENT, true, a, 1);
	assert_int_equal(timeline_wire_count(tl), 3);
	assert_true(timeline_wire_get(tl, 1, &ch));
	assert_int_equal(ch.from, TL_SERVER);
	assert_int_equal(ch.offset, 0);
	assert_int_equal(ch.len, 2);
	assert_memory_equal(ch.bytes, b, 2);
	assert_true(timeline_wire_get(tl, 2, &ch));
	assert_int_equal(ch.offset, 4);
	assert_false(timeline_wire_get(tl, 3, &ch));
	assert_true(timeline_wire_conn(tl, 0, &w));
	assert_int_equal(w.kept[TL_CLIENT], 5);
	assert_int_equal(w.kept[TL_SERVER], 2);
	assert_int_equal(w.connected_us, -1);
	timeline_destroy(tl);
}

static void wire_merge_keeps_the_senders_writes(void **state)
{
	struct timeline *tl = timeline_create(true);
	const uint8_t a[4] = { 1, 2, 3, 4 };
	struct tl_conn_wire w;

	(void)state;
	timeline_wire_keep(tl, TL_WIRE_LIMIT_DEFAULT);
	timeline_wire_add(tl, 0, TL_CLIENT, true, a, sizeof a);     /* the client wrote */
	timeline_wire_add(tl, 0, TL_CLIENT, false, a, sizeof a);    /* the server read the same bytes */
	assert_int_equal(timeline_wire_count(tl), 1);
	assert_true(timeline_wire_conn(tl, 0, &w));
	assert_int_equal(w.kept[TL_CLIENT], 4);
	timeline_destroy(tl);
}

static void wire_unsent_bytes_leave_the_stream(void **state)
{
	struct timeline *tl = timeline_create(false);
	const uint8_t a[10] = { 0 };
	struct tl_wire_chunk ch;
	struct tl_conn_wire w;

	(void)state;
	timeline_wire_keep(tl, TL_WIRE_LIMIT_DEFAULT);
	timeline_wire_add(tl, 0, TL_SERVER, true, a, sizeof a);
	timeline_wire_add(tl, 0, TL_CLIENT, false, a, 3);
	timeline_wire_unsent(tl, 0, TL_SERVER, 4);     /* a write stopped after 6 bytes */
	assert_true(timeline_wire_get(tl, 0, &ch));
	assert_int_equal(ch.len, 6);
	assert_true(timeline_wire_get(tl, 1, &ch));
	assert_int_equal(ch.len, 3);                   /* the other direction is untouched */
	assert_true(timeline_wire_conn(tl, 0, &w));
	assert_int_equal(w.kept[TL_SERVER], 6);
	timeline_wire_add(tl, 0, TL_SERVER, true, a + 6, 4);   /* written again: the stream goes on */
	assert_true(timeline_wire_get(tl, 2, &ch));
	assert_int_equal(ch.offset, 6);
	timeline_destroy(tl);
}

static void wire_limit_cuts_and_counts(void **state)
{
	struct timeline *tl = timeline_create(false);
	uint8_t a[100];
	struct tl_wire_chunk ch;
	struct tl_conn_wire w;

	(void)state;
	memset(a, 7, sizeof a);
	timeline_wire_keep(tl, 64 + 100 + 64 + 30);          /* two pieces' bookkeeping, 130 bytes */
	timeline_wire_add(tl, 0, TL_CLIENT, true, a, 100);
	timeline_wire_add(tl, 0, TL_SERVER, false, a, 100);   /* 30 of it fit */
	timeline_wire_add(tl, 0, TL_SERVER, false, a, 5);     /* after a hole: nothing more */
	timeline_wire_add(tl, 0, TL_CLIENT, true, a, 5);
	assert_int_equal(timeline_wire_count(tl), 2);
	assert_true(timeline_wire_get(tl, 1, &ch));
	assert_int_equal(ch.len, 30);
	assert_true(timeline_wire_conn(tl, 0, &w));
	assert_int_equal(w.kept[TL_SERVER], 30);
	assert_int_equal(w.lost[TL_SERVER], 75);
	assert_int_equal(w.kept[TL_CLIENT], 100);
	assert_int_equal(w.lost[TL_CLIENT], 5);
	timeline_wire_release(tl);
	assert_int_equal(timeline_wire_count(tl), 0);
	assert_true(timeline_wire_conn(tl, 0, &w));            /* the counts stay */
	assert_int_equal(w.lost[TL_SERVER], 75);
	timeline_destroy(tl);
}

/* ---------------------------------------------------------------- reading a pcapng back */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

/* The blocks of a file. */
struct block {
	uint32_t type;
	const uint8_t *body;      /* after type and length */
	size_t len;               /* body length (before the trailing length) */
};

struct file {
	uint8_t *data;
	size_t size;
	struct block b[64];
	size_t n;
};

/* Reads path and splits it into blocks (checking both length fields of each). */
static void read_blocks(const char *path, struct file *f)
{
	FILE *fp = fopen(path, "rb");
	size_t off = 0;

	assert_non_null(fp);
	f->data = malloc(1 << 20);
	f->size = fread(f->data, 1, 1 << 20, fp);
	fclose(fp);
	f->n = 0;
	while (off + 12 <= f->size && f->n < 64) {
		uint32_t len = rd32(f->data + off + 4);
		assert_true(len % 4 == 0 && len >= 12 && off + len <= f->size);
		assert_int_equal(rd32(f->data + off + len - 4), len);
		f->b[f->n].type = rd32(f->data + off);
		f->b[f->n].body = f->data + off + 8;
		f->b[f->n].len = len - 12;
		f->n++;
		off += len;
	}
	assert_int_equal(off, f->size);
}

/* Ones' complement sum over p, n bytes (a correct checksum sums to 0xffff). */
static unsigned csum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* A packet of an Enhanced Packet Block: its IPv4 header and TCP segment checked. */
struct seg {
	unsigned sport, dport, flags;
	uint32_t seq, ack;
	const uint8_t *data;
	size_t len;
	const char *comment;      /* the first option, when it is a comment (not NUL-terminated: see clen) */
	size_t clen;
};

static struct seg epb(const struct block *b)
{
	struct seg s;
	const uint8_t *ip = b->body + 20, *tcp;
	size_t caplen = rd32(b->body + 12), ipl, tcpl, hdr, opt = 20 + ((caplen + 3) & ~(size_t)3);

	memset(&s, 0, sizeof s);
	assert_int_equal(b->type, 6);
	assert_int_equal(rd32(b->body + 16), caplen);
	assert_int_equal(ip[0], 0x45);
	ipl = be16(ip + 2);
	assert_int_equal(ipl, caplen);
	assert_int_equal(csum(0, ip, 20), 0xffff);
	assert_int_equal(ip[9], 6);
	tcp = ip + 20;
	tcpl = ipl - 20;
	{
		uint32_t pseudo = csum(0, ip + 12, 8) + 6 + (uint32_t)tcpl;
		assert_int_equal(csum(pseudo, tcp, tcpl), 0xffff);
	}
	hdr = (size_t)(tcp[12] >> 4) * 4;
	s.sport = be16(tcp);
	s.dport = be16(tcp + 2);
	s.seq = be32(tcp + 4);
	s.ack = be32(tcp + 8);
	s.flags = tcp[13];
	s.data = tcp + hdr;
	s.len = tcpl - hdr;
	if (opt + 4 <= b->len && b->body[opt] == 1 && b->body[opt + 1] == 0) {
		s.clen = b->body[opt + 2] | (size_t)b->body[opt + 3] << 8;
		s.comment = (const char *)b->body + opt + 4;
	}
	return s;
}

/* A timeline of one client connection, 10.1.2.3:40000 -> 10.9.9.9:8443. */
static struct timeline *client_run(size_t limit)
{
	struct timeline *tl = timeline_create(false);
	struct tl_netaddr c = { .ip = TL_IP_V4, .addr = { 10, 1, 2, 3 }, .port = 40000 };
	struct tl_netaddr s = { .ip = TL_IP_V4, .addr = { 10, 9, 9, 9 }, .port = 8443 };
	struct tl_secret sec;

	timeline_wire_keep(tl, limit);
	timeline_set_addrs(tl, 0, &c, &s);
	memset(&sec, 0, sizeof sec);
	snprintf(sec.label, sizeof sec.label, "CLIENT_RANDOM");
	memset(sec.client_random, 0xab, sizeof sec.client_random);
	memset(sec.secret, 0xcd, 48);
	sec.len = 48;
	timeline_add_secret(tl, &sec);
	return tl;
}

/* Writes tl to a temporary file and reads it back. */
static void write_and_read(const struct timeline *tl, struct file *f)
{
	char path[] = "/tmp/test_pcap_XXXXXX";
	int fd = mkstemp(path);
	struct tl_error err = { 0, "" };
	struct stat st;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcap_write(tl, path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	read_blocks(path, f);
	unlink(path);
}

static void pcap_frames_records_in_tcp(void **state)
{
	/* a 7-byte record written whole; the answer: a 6-byte record read in two pieces, then 3 bytes of a cut one */
	const uint8_t ch[7] = { 22, 3, 1, 0, 2, 0xaa, 0xbb }, sh1[4] = { 22, 3, 3, 0 }, sh2[5] = { 1, 0xcc, 21, 3, 3 };
	struct timeline *tl = client_run(TL_WIRE_LIMIT_DEFAULT);
	struct file f;
	struct seg s;
	char line[KEYLOG_LINE_MAX];
	struct tl_secret sec;

	(void)state;
	timeline_wire_add(tl, 0, TL_CLIENT, true, ch, sizeof ch);
	timeline_wire_add(tl, 0, TL_SERVER, false, sh1, sizeof sh1);
	timeline_wire_add(tl, 0, TL_SERVER, false, sh2, sizeof sh2);
	write_and_read(tl, &f);
	assert_int_equal(f.n, 3 + 3 + 3);           /* SHB IDB DSB, SYN SYN-ACK ACK, three segments */
	assert_int_equal(f.b[0].type, 0x0A0D0D0A);
	assert_int_equal(rd32(f.b[0].body), 0x1A2B3C4D);
	assert_int_equal(f.b[1].type, 1);
	assert_int_equal(f.b[1].body[0], 101);      /* LINKTYPE_RAW */
	assert_int_equal(f.b[2].type, 0x0000000A);
	assert_int_equal(rd32(f.b[2].body), 0x544c534b);
	assert_true(timeline_get_secret(tl, 0, &sec));
	assert_int_equal(rd32(f.b[2].body + 4), keylog_line(&sec, line));
	assert_memory_equal(f.b[2].body + 8, line, keylog_line(&sec, line));

	s = epb(&f.b[3]);
	assert_int_equal(s.flags, 0x02);            /* SYN from the client's real end */
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 8443);
	assert_non_null(s.comment);
	assert_true(s.clen == strlen("tlsladder: connection 1 of the run.") &&
		    memcmp(s.comment, "tlsladder: connection 1 of the run.", s.clen) == 0);
	uint32_t cisn = s.seq;
	s = epb(&f.b[4]);
	assert_int_equal(s.flags, 0x12);
	assert_int_equal(s.ack, cisn + 1);
	uint32_t sisn = s.seq;
	s = epb(&f.b[5]);
	assert_int_equal(s.flags, 0x10);

	s = epb(&f.b[6]);                           /* the client's record */
	assert_int_equal(s.flags, 0x18);
	assert_int_equal(s.seq, cisn + 1);
	assert_int_equal(s.ack, sisn + 1);
	assert_int_equal(s.len, 7);
	assert_memory_equal(s.data, ch, 7);
	s = epb(&f.b[7]);                           /* the server's record, whole in one segment */
	assert_int_equal(s.sport, 8443);
	assert_int_equal(s.seq, sisn + 1);
	assert_int_equal(s.ack, cisn + 1 + 7);
	assert_int_equal(s.len, 6);
	s = epb(&f.b[8]);                           /* what arrived of the cut record leaves last */
	assert_int_equal(s.seq, sisn + 1 + 6);
	assert_int_equal(s.len, 3);
	assert_int_equal(s.data[0], 21);
	free(f.data);
	timeline_destroy(tl);
}

static void pcap_says_what_was_not_kept(void **state)
{
	uint8_t rec[205];
	struct timeline *tl = client_run(64 + 205 + 64 + 100);
	struct file f;
	struct seg s;
	const char *want = "tlsladder: connection 1 of the run. Not in this file: the server sent 105 more bytes "
			   "after its first 100, which were not kept; its stream ends there.";

	(void)state;
	memset(rec, 0, sizeof rec);
	rec[0] = 23;
	rec[1] = rec[2] = 3;
	rec[4] = 200;
	timeline_wire_add(tl, 0, TL_CLIENT, true, rec, sizeof rec);
	timeline_wire_add(tl, 0, TL_SERVER, false, rec, sizeof rec);
	write_and_read(tl, &f);
	s = epb(&f.b[3]);
	assert_non_null(s.comment);
	assert_int_equal(s.clen, strlen(want));
	assert_memory_equal(s.comment, want, s.clen);
	assert_int_equal(f.n, 3 + 3 + 2);
	s = epb(&f.b[7]);
	assert_int_equal(s.len, 100);               /* what was kept of it, and no more */
	free(f.data);
	timeline_destroy(tl);
}

static void pcap_demo_ends_are_made_up(void **state)
{
	const uint8_t ch[7] = { 22, 3, 1, 0, 2, 0xaa, 0xbb };
	struct timeline *tl = timeline_create(true);
	struct file f;
	struct seg s;

	(void)state;
	timeline_wire_keep(tl, TL_WIRE_LIMIT_DEFAULT);
	timeline_wire_add(tl, 1, TL_CLIENT, true, ch, sizeof ch);    /* the second connection of a demo */
	write_and_read(tl, &f);
	assert_int_equal(f.n, 2 + 3 + 1);           /* no secrets: no secrets block */
	s = epb(&f.b[2]);
	assert_int_equal(s.sport, PCAP_DEMO_CLIENT_PORT + 1);
	assert_int_equal(s.dport, PCAP_DEMO_SERVER_PORT);
	assert_int_equal(f.b[2].body[20 + 12], 127);
	assert_non_null(s.comment);
	assert_true(s.clen > 40 && memcmp(s.comment, "tlsladder: connection 2 of the run. Addresses and ports made up",
					   40) == 0);
	free(f.data);
	timeline_destroy(tl);
}

static void pcap_refuses_a_file_open_to_others(void **state)
{
	char path[] = "/tmp/test_pcap_XXXXXX";
	int fd = mkstemp(path);
	struct tl_error err = { 0, "" };

	(void)state;
	assert_true(fd >= 0);
	fchmod(fd, 0644);
	close(fd);
	assert_int_equal(pcap_check(path, &err), -1);
	assert_int_equal(err.code, TL_EXIT_FILES);
	assert_non_null(strstr(err.msg, "open to others (mode 0644)"));
	assert_null(pcap_create(path, &err));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_not_kept_unless_asked),
		cmocka_unit_test(wire_keeps_both_directions_in_order),
		cmocka_unit_test(wire_merge_keeps_the_senders_writes),
		cmocka_unit_test(wire_unsent_bytes_leave_the_stream),
		cmocka_unit_test(wire_limit_cuts_and_counts),
		cmocka_unit_test(pcap_frames_records_in_tcp),
		cmocka_unit_test(pcap_says_what_was_not_kept),
		cmocka_unit_test(pcap_demo_ends_are_made_up),
		cmocka_unit_test(pcap_refuses_a_file_open_to_others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
