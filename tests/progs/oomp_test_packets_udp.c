// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_packets_udp [COUNT]: send COUNT (3000) one-byte UDP datagrams over loopback to a
 * receiver socket of its own. UDP is not TCP, so this must survive the segment limit.
 */
#include "progs.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Empty the non-blocking receiver so its buffer never fills and drops datagrams. */
static void drain(int fd)
{
	char byte;

	while (recv(fd, &byte, 1, 0) >= 0)
		;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		die("recv");
}

int main(int argc, char **argv)
{
	long args[] = { 3000 }; /* COUNT */
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int rx, tx;
	long i;

	parse_args(argc, argv, args, 0, 1, "[COUNT]");

	rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rx < 0)
		die("socket");
	if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)))
		die("bind");
	/* learn the port the kernel picked */
	if (getsockname(rx, (struct sockaddr *)&addr, &len))
		die("getsockname");
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tx < 0)
		die("socket");

	for (i = 0; i < args[0]; i++) {
		check_io(sendto(tx, "x", 1, 0, (struct sockaddr *)&addr, sizeof(addr)), "sendto");
		if (i % 64 == 63)
			drain(rx);
	}
	return 0;
}
