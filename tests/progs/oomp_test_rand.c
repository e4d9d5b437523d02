// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_rand [COUNT [SLEEP_S [GO]]]: COUNT (200) calls of libc rand(). With GO 1 it first
 * waits for SIGUSR1, so that a test can let it map its libc and hold on.
 */
#include "progs.h"
#include <signal.h>

int main(int argc, char **argv)
{
	long args[] = { 200, 0, 0 }; /* COUNT, SLEEP_S, GO */
	sigset_t usr1;
	int sig;

	parse_args(argc, argv, args, 0, 3, "[COUNT [SLEEP_S [GO]]]");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (args[2] && (sigprocmask(SIG_BLOCK, &usr1, NULL) || sigwait(&usr1, &sig)))
		die("waiting for SIGUSR1");
	call_rand(args[0]);
	return finish(args[1]);
}
