// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_stream tcp|mptcp ADDR PORT [COUNT [SLEEP_S]]: connect a stream socket, plain TCP
 * or MPTCP (IPPROTO_MPTCP: to a plain TCP peer it falls back to one TCP subflow), to ADDR
 * (IPv4 or IPv6) port PORT and send COUNT (3000) bytes, each as a segment of its own.
 */
#include "segments.h"
#include <netdb.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define USAGE "tcp|mptcp ADDR PORT [COUNT [SLEEP_S]]"

int main(int argc, char **argv)
{
	const struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
					.ai_socktype = SOCK_STREAM };
	long args[] = { 0, 3000, 0 }; /* PORT, COUNT, SLEEP_S */
	struct addrinfo *ai;
	int fd, proto;

	if (argc < 4 || (strcmp(argv[1], "tcp") && strcmp(argv[1], "mptcp")))
		usage(USAGE);
	proto = strcmp(argv[1], "tcp") ? IPPROTO_MPTCP : IPPROTO_TCP;
	/* argv[2], the address, goes to getaddrinfo(); the numbers after it to parse_args() */
	parse_args(argc - 2, argv + 2, args, 1, 3, USAGE);
	if (args[0] < 1 || args[0] > 65535 || getaddrinfo(argv[2], argv[3], &hints, &ai))
		usage(USAGE);

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, proto);
	if (fd < 0)
		die("socket");
	if (connect(fd, ai->ai_addr, ai->ai_addrlen))
		die("connect");
	freeaddrinfo(ai);
	send_segments(fd, args[1]);
	return finish(args[2]);
}
