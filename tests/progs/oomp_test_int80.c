// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_int80 getpid|write [COUNT [SLEEP_S]]: COUNT (150) i386 system calls made with
 * int $0x80 from this 64-bit process: getpid (i386 number 20, x86_64's writev) checked against
 * getpid(2), or one-byte writes (i386 number 4, x86_64's stat) to /dev/null. Built -no-pie so
 * that its buffer is below 4 GiB, where a 32-bit pointer reaches it. A kernel without IA32
 * emulation answers -ENOSYS, or SIGSEGV.
 */
#include "progs.h"
#include <stdint.h>

#define USAGE	    "getpid|write [COUNT [SLEEP_S]]"

#define NR32_WRITE  4
#define NR32_GETPID 20

static char byte = 'x'; /* in .data */

/* The i386 ABI: number in eax, arguments in ebx, ecx, edx; r8-r11 are not kept. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(int argc, char **argv)
{
	long args[] = { 150, 0 }; /* COUNT, SLEEP_S */
	bool write = argc > 1 && !strcmp(argv[1], "write");
	long i, ret;
	int fd;

	if (argc < 2 || (!write && strcmp(argv[1], "getpid")))
		usage(USAGE);
	parse_args(argc - 1, argv + 1, args, 0, 2, USAGE);
	if ((uintptr_t)&byte > UINT32_MAX) {
		errno = EFAULT;
		die("buffer above 4 GiB: build with -no-pie");
	}
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/null");
	for (i = 0; i < args[0]; i++) {
		ret = write ? int80(NR32_WRITE, fd, (uintptr_t)&byte, 1) :
			      int80(NR32_GETPID, 0, 0, 0);
		if (ret < 0) {
			errno = -ret;
			die(write ? "int $0x80 write" : "int $0x80 getpid");
		}
		if (ret != (write ? 1 : getpid())) {
			errno = EIO;
			die("int $0x80: unexpected result");
		}
	}
	return finish(args[1]);
}
