// SPDX-License-Identifier: GPL-2.0
/*
 * oomkiller's own processes: install marks them with OOMK_OWN_* bits in the task storage
 * "own", through a pidfd, which dies with the process and which no other process can take
 * over, as it could a pid.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "pins.h"

/* A pidfd of process pid, or -errno. */
int pidfd_of(int pid)
{
	int fd = pid > 0 ? syscall(SYS_pidfd_open, pid, 0) : -1;

	return fd < 0 ? -errno : fd;
}

/* The OOMK_OWN_* bits on the process of pidfd: 0 for any other, or one that exited. */
__u32 marks_of(const char *pin_dir, int pidfd)
{
	struct pollfd exited = { .fd = pidfd, .events = POLLIN };
	int map = pinned_map(pin_dir, PIN_OWN);
	__u32 bits = 0;

	/* a zombie still has its task storage; a pidfd polls readable once it exited */
	if (map >= 0 && pidfd >= 0 && !poll(&exited, 1, 0) &&
	    bpf_map_lookup_elem(map, &pidfd, &bits))
		bits = 0;
	if (map >= 0)
		close(map);
	return bits;
}

bool ticker_running(const char *pin_dir, int pid)
{
	int pidfd = pidfd_of(pid);
	bool running = marks_of(pin_dir, pidfd) & OOMK_OWN_TICKER;

	if (pidfd >= 0)
		close(pidfd);
	return running;
}
