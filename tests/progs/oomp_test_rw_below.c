// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_rw_below: do a bit of everything, each at about half its limit, and exit 0.
 * It must survive, so it writes nothing on success.
 */
#include "progs.h"

int main(int argc, char **argv)
{
	parse_args(argc, argv, NULL, 0, 0, "");
	write_devnull(50);
	read_zero(5 * MIB, read, "read /dev/zero");
	/* 50 on top of stdio, well under 100 at once */
	open_fds(50);
	run_threads(50);
	call_rand(50);
	return 0;
}
