// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_pwrite64 [COUNT [SLEEP_S]]: COUNT (200) one-byte pwrite(2) calls, the i-th at
 * offset i, into an unlinked temporary file. glibc implements pwrite() with pwrite64.
 */
#include "progs.h"

int main(int argc, char **argv)
{
	long args[] = { 200, 0 }; /* COUNT, SLEEP_S */
	char path[] = "/tmp/oomp_test_pwrite64.XXXXXX";
	long i;
	int fd;

	parse_args(argc, argv, args, 0, 2, "[COUNT [SLEEP_S]]");
	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp");
	/* unlink at once so no file is left behind when the killer strikes */
	if (unlink(path))
		die("unlink");
	for (i = 0; i < args[0]; i++)
		check_io(pwrite(fd, "x", 1, i), "pwrite");
	return finish(args[1]);
}
