// SPDX-License-Identifier: GPL-2.0
/*
 * wait_writes COUNT [flip] [WORD...]: waits for SIGUSR1, then makes COUNT one-byte writes to
 * /dev/null and exits 0. The WORDs are only there to be in its command line.
 *
 * With flip it first swaps the case of every letter of its command line, in place, as
 * setproctitle() would rewrite it (/proc/PID/cmdline shows the new one), and renames itself
 * "wait_flipped": what it exec'd with is no longer what it shows.
 *
 * Once SIGUSR1 is blocked (/proc/PID/status, SigBlk) all of that is done, and a SIGUSR1 is
 * kept for it: it waits on a signalfd, which leaves the mask as it is (sigwait() would show
 * SIGUSR1 unblocked while it waits).
 *
 * Its name contains no candidate's name of the other tests ("oomp"): it is a candidate only by
 * what a test installs for it.
 */
#include "progs.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>

#define USAGE "COUNT [flip] [WORD...]"

int main(int argc, char **argv)
{
	struct signalfd_siginfo si;
	long count[1];
	sigset_t usr1;
	int fd;

	if (argc < 2)
		usage(USAGE);
	parse_args(2, argv, count, 1, 1, USAGE);
	if (argc > 2 && !strcmp(argv[2], "flip")) {
		/* the arguments lie end to end, each with its NUL: the whole command line */
		for (char *c = argv[0]; c < argv[argc - 1] + strlen(argv[argc - 1]); c++)
			*c = islower((unsigned char)*c) ? toupper((unsigned char)*c) :
							  tolower((unsigned char)*c);
		if (prctl(PR_SET_NAME, "wait_flipped"))
			die("prctl PR_SET_NAME");
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL))
		die("sigprocmask");
	fd = signalfd(-1, &usr1, SFD_CLOEXEC);
	if (fd < 0 || read(fd, &si, sizeof(si)) != sizeof(si))
		die("waiting for SIGUSR1");
	write_devnull(count[0]);
	return 0;
}
