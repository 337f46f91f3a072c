/*
 * netaddr.c: the addresses of a connected socket, typed (see netaddr.h).
 */
#include "tlsladder/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* A socket address as a tl_netaddr (TL_IP_NONE when it is not IPv4 or IPv6).
 * An IPv4 peer seen through an IPv6 socket (::ffff:a.b.c.d) is IPv4. */
static void netaddr_from(const struct sockaddr_storage *ss, struct tl_netaddr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, sizeof *out);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		out->ip = TL_IP_V4;
		memcpy(out->addr, &in->sin_addr, 4);
		out->port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		const uint8_t *a = (const uint8_t *)&in6->sin6_addr;
		out->port = ntohs(in6->sin6_port);
		if (memcmp(a, mapped, sizeof mapped) == 0) {
			out->ip = TL_IP_V4;
			memcpy(out->addr, a + 12, 4);
		} else {
			out->ip = TL_IP_V6;
			memcpy(out->addr, a, 16);
		}
	}
}

/* Records the ends of a connection from its socket. */
void netaddr_record(struct timeline *tl, unsigned conn, int fd, enum tl_side self)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof local, plen = sizeof peer;
	struct tl_netaddr ends[2];

	memset(&local, 0, sizeof local);
	memset(&peer, 0, sizeof peer);
	if (getsockname(fd, (struct sockaddr *)&local, &llen) != 0)
		local.ss_family = AF_UNSPEC;
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) != 0)
		peer.ss_family = AF_UNSPEC;
	netaddr_from(&local, &ends[self]);
	netaddr_from(&peer, &ends[self == TL_CLIENT ? TL_SERVER : TL_CLIENT]);
	timeline_set_addrs(tl, conn, &ends[TL_CLIENT], &ends[TL_SERVER]);
}
