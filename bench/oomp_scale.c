// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_scale N: forks N children that sleep, so that oomkiller tracks N candidates at once;
 * prints "ready" when all are forked, and on SIGTERM kills and reaps them all, then exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	pid_t *kids = calloc(n, sizeof(*kids));
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	for (int i = 0; kids && i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			/* the return from fork was this child's first event: it is tracked */
			pause();
			_exit(0);
		}
	}
	printf("ready\n");
	fflush(stdout);
	sigwaitinfo(&term, NULL);
	for (int i = 0; kids && i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}
