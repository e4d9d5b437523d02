// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_readv [COUNT [SLEEP_S]]: readv(2) COUNT (20) MiB from /dev/zero, 64 KiB per call
 * split over two 32 KiB iovecs.
 */
#include "progs.h"
#include <sys/uio.h>

static ssize_t readv_halves(int fd, void *buf, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = len / 2 },
		{ .iov_base = (char *)buf + len / 2, .iov_len = len - len / 2 },
	};

	return readv(fd, iov, 2);
}

int main(int argc, char **argv)
{
	long args[] = { 20, 0 }; /* COUNT, SLEEP_S */

	parse_args(argc, argv, args, 0, 2, "[COUNT [SLEEP_S]]");
	read_zero(args[0] * MIB, readv_halves, "readv /dev/zero");
	return finish(args[1]);
}
