// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_packets PORT [COUNT [SLEEP_S]]: send COUNT (3000) bytes over TCP to
 * 127.0.0.1:PORT, each as a segment of its own.
 */
#include "progs.h"
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define USAGE "PORT [COUNT [SLEEP_S]]"

/*
 * Wait until nothing is left unsent, so the next byte cannot be coalesced into the same
 * segment. SIOCOUTQNSD counts only unsent bytes: waiting for the ACK (SIOCOUTQ) instead
 * could stall on delayed ACKs.
 */
static void wait_sent(int fd)
{
	int unsent;

	for (;;) {
		if (ioctl(fd, SIOCOUTQNSD, &unsent))
			die("ioctl SIOCOUTQNSD");
		if (!unsent)
			return;
		usleep(50);
	}
}

int main(int argc, char **argv)
{
	long args[] = { 0, 3000, 0 }; /* PORT, COUNT, SLEEP_S */
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;
	long i;
	int fd;

	parse_args(argc, argv, args, 1, 3, USAGE);
	if (args[0] < 1 || args[0] > 65535)
		usage(USAGE);
	addr.sin_port = htons(args[0]);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	/* without this Nagle would hold back each byte until the previous one is ACKed */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("setsockopt TCP_NODELAY");
	for (i = 0; i < args[1]; i++) {
		check_io(send(fd, "x", 1, 0), "send");
		wait_sent(fd);
	}
	return finish(args[2]);
}
