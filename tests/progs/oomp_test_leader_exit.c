// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_leader_exit tcp PORT [COUNT [SLEEP_S]]
 * oomp_test_leader_exit writes [COUNT [SLEEP_S]]
 *
 * main() starts a worker and ends with pthread_exit(): the group leader is a zombie from then
 * on, and the worker does the work: COUNT (3000) one-byte TCP segments to 127.0.0.1:PORT, or
 * COUNT (150) one-byte writes to /dev/null; then it sleeps SLEEP_S and ends the process, exit
 * 0. SIGTERM is ignored: only SIGKILL ends it early.
 */
#include "segments.h"
#include <arpa/inet.h>
#include <signal.h>

#define USAGE "tcp PORT [COUNT [SLEEP_S]] | writes [COUNT [SLEEP_S]]"

static long args[3]; /* tcp: PORT, COUNT, SLEEP_S; writes: COUNT, SLEEP_S */
static pthread_t leader;

static void *worker(void *arg)
{
	bool tcp = arg;
	long *a = tcp ? args + 1 : args;

	/* work only once the leader is gone, so every event comes from this thread */
	errno = pthread_join(leader, NULL);
	if (errno)
		die("pthread_join");
	if (tcp) {
		struct sockaddr_in addr = {
			.sin_family = AF_INET,
			.sin_port = htons(args[0]),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
			die("connect");
		send_segments(fd, a[0]);
	} else {
		write_devnull(a[0]);
	}
	exit(finish(a[1]));
}

int main(int argc, char **argv)
{
	bool tcp = argc > 1 && !strcmp(argv[1], "tcp");
	pthread_t t;

	if (argc < 2 || (!tcp && strcmp(argv[1], "writes")))
		usage(USAGE);
	args[tcp ? 1 : 0] = tcp ? 3000 : 150;
	parse_args(argc - 1, argv + 1, args, tcp, tcp + 2, USAGE);
	if (tcp && (args[0] < 1 || args[0] > 65535))
		usage(USAGE);
	if (signal(SIGTERM, SIG_IGN) == SIG_ERR)
		die("signal");
	leader = pthread_self();
	errno = pthread_create(&t, NULL, worker, tcp ? (void *)1 : NULL);
	if (errno)
		die("pthread_create");
	pthread_exit(NULL);
}
