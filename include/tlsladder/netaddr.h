/*
 * netaddr: where a connection runs, recorded in its timeline as typed
 * addresses (timeline.h: struct tl_netaddr), from the connected socket
 * itself: its local end (getsockname) and its peer (getpeername).
 */
#ifndef TLSLADDER_NETADDR_H
#define TLSLADDER_NETADDR_H

#include "tlsladder/timeline.h"

/* Records the ends of connection conn, whose socket fd is `self`'s end
 * (client or server). A socket without an IP address (a socket pair)
 * records TL_IP_NONE. */
void netaddr_record(struct timeline *tl, unsigned conn, int fd, enum tl_side self);

#endif
