// SPDX-License-Identifier: GPL-2.0
/*
 * bench_loop N: N 1-byte write(2)s to /dev/null; prints the mean CPU time per call in ns
 * (CPU time, so that time spent waiting for the CPU is not counted).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int fd = open("/dev/null", O_WRONLY);
	struct timespec a, b;

	if (fd < 0 || n <= 0)
		return 1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (long i = 0; i < n; i++)
		if (write(fd, "", 1) != 1)
			return 1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
