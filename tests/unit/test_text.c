/*
 * test_text.c: the lines of the text ladder, and how a message that was not
 * delivered is drawn (never as a normal arrow).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tlsladder/text.h"

/* An event of kind k from `from`, at 1.5 ms. */
static struct tl_event event(enum tl_kind k, enum tl_side from)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.from = from;
	ev.t_us = 1500;
	return ev;
}

static void delivered_messages_are_whole_arrows(void **state)
{
	static const uint8_t body[12];
	struct tl_event ev = event(TL_EV_HANDSHAKE, TL_CLIENT);
	char buf[400];

	(void)state;
	ev.hs_type = 20;
	ev.body = body;
	ev.body_len = sizeof body;
	ev.encrypted = true;
	assert_string_equal(text_event_line(&ev, 13, 0, buf, sizeof buf),
			    "  13     1.500  |================= Finished  12 B ================>|  encrypted");
	ev = event(TL_EV_CCS, TL_SERVER);
	ev.delivery = TL_DELIVERY_PENDING;      /* not settled yet: no verdict to draw */
	assert_string_equal(text_event_line(&ev, 2, 0, buf, sizeof buf),
			    "   2     1.500  |<--------------- ChangeCipherSpec ----------------|");
}

static void not_sent_stops_short(void **state)
{
	static const uint8_t body[12];
	struct tl_event ev = event(TL_EV_HANDSHAKE, TL_CLIENT);
	char buf[400];

	(void)state;
	ev.hs_type = 20;
	ev.body = body;
	ev.body_len = sizeof body;
	ev.encrypted = true;
	ev.delivery = TL_NOT_SENT;
	ev.cause = TL_CAUSE_PEER_CLOSED;
	assert_string_equal(text_event_line(&ev, 13, 0, buf, sizeof buf),
			    "  13     1.500  |============ Finished  12 B ===========x          |  encrypted  not sent: the "
			    "server had closed the connection (EPIPE)");
	ev = event(TL_EV_CCS, TL_CLIENT);
	ev.delivery = TL_NOT_SENT;
	ev.cause = TL_CAUSE_RESET;
	assert_string_equal(text_event_line(&ev, 12, 0, buf, sizeof buf),
			    "  12     1.500  |----------- ChangeCipherSpec ----------x          |  not sent: the server had "
			    "reset the connection (ECONNRESET)");
	/* from the server: the stub starts at the server's lifeline */
	ev = event(TL_EV_ALERT, TL_SERVER);
	ev.alert_level = 2;
	ev.alert_desc = 42;
	ev.delivery = TL_NOT_SENT;
	ev.cause = TL_CAUSE_PEER_CLOSED;
	assert_string_equal(text_event_line(&ev, 7, 0, buf, sizeof buf),
			    "   7     1.500  |          x-- Alert fatal bad_certificate (42) ---|  not sent: the client had "
			    "closed the connection (EPIPE)");
}

static void incomplete_record_stops_short(void **state)
{
	struct tl_event ev = event(TL_EV_RECORD, TL_SERVER);
	char buf[400];

	(void)state;
	ev.rec_type = 22;
	ev.rec_version = 0x0303;
	ev.rec_length = 1088;
	ev.delivery = TL_INCOMPLETE;
	ev.cause = TL_CAUSE_CLOSED_INSIDE;
	ev.deliv_bytes = 700;
	assert_string_equal(text_event_line(&ev, 6, 0, buf, sizeof buf),
			    "   6     1.500  |          x----- handshake(22) 0303  1088 B ------|  incomplete: the connection "
			    "ended after 700 of its 1093 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delivered_messages_are_whole_arrows),
		cmocka_unit_test(not_sent_stops_short),
		cmocka_unit_test(incomplete_record_stops_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
