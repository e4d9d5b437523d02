// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_packets PORT [COUNT [SLEEP_S]]: send COUNT (3000) bytes over TCP to
 * 127.0.0.1:PORT, each as a segment of its own.
 */
#include "segments.h"
#include <arpa/inet.h>

#define USAGE "PORT [COUNT [SLEEP_S]]"

int main(int argc, char **argv)
{
	long args[] = { 0, 3000, 0 }; /* PORT, COUNT, SLEEP_S */
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
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
	send_segments(fd, args[1]);
	return finish(args[2]);
}
