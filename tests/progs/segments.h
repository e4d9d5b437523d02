// SPDX-License-Identifier: GPL-2.0
/*
 * Sending one-byte TCP segments, for the workloads that count segments. Apart from progs.h,
 * which stays libc-only so that a workload builds against another libc (musl) too.
 */
#ifndef OOMKILLER_TESTS_SEGMENTS_H
#define OOMKILLER_TESTS_SEGMENTS_H

#include "progs.h"
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/*
 * Wait until nothing is left unsent, so the next byte cannot be coalesced into the same
 * segment. SIOCOUTQNSD counts only unsent bytes: waiting for the ACK (SIOCOUTQ) instead
 * could stall on delayed ACKs.
 */
static inline void wait_sent(int fd)
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

/* @n bytes on the connected stream socket @fd, each in a segment of its own. */
static inline void send_segments(int fd, long n)
{
	int one = 1;
	long i;

	/* without this Nagle would hold back each byte until the previous one is ACKed */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("setsockopt TCP_NODELAY");
	for (i = 0; i < n; i++) {
		check_io(send(fd, "x", 1, 0), "send");
		wait_sent(fd);
	}
}

#endif /* OOMKILLER_TESTS_SEGMENTS_H */
