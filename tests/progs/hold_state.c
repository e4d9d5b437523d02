// SPDX-License-Identifier: GPL-2.0
/*
 * hold_state fds|threads COUNT NAME: open COUNT descriptors on /dev/null, or start COUNT
 * threads that stay alive, then take the name NAME (prctl(PR_SET_NAME)) and idle in pause()
 * for good: after the rename it makes no system call. Its own name does not contain "oomp":
 * it becomes a candidate only by NAME, or when the names change.
 */
#include "progs.h"
#include <sys/prctl.h>

#define USAGE "fds|threads COUNT NAME"

static void *idle_forever(void *arg)
{
	for (;;)
		pause();
	return arg;
}

int main(int argc, char **argv)
{
	long count[1];
	bool threads = argc == 4 && !strcmp(argv[1], "threads");
	long i;

	if (argc != 4 || (!threads && strcmp(argv[1], "fds")))
		usage(USAGE);
	/* COUNT alone goes to parse_args(), as argv[1] of the 2 it is given */
	parse_args(2, argv + 1, count, 1, 1, USAGE);
	if (!threads)
		open_fds(count[0]);
	for (i = 0; threads && i < count[0]; i++) {
		pthread_t t;

		errno = pthread_create(&t, NULL, idle_forever, NULL);
		if (errno)
			die("pthread_create");
	}
	if (prctl(PR_SET_NAME, argv[3]))
		die("prctl PR_SET_NAME");
	idle_forever(NULL);
}
