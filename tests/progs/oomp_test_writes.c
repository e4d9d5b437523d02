// SPDX-License-Identifier: GPL-2.0
/* oomp_test_writes [COUNT [SLEEP_S]]: COUNT (200) one-byte write(2) calls to /dev/null. */
#include "progs.h"

int main(int argc, char **argv)
{
	long args[] = { 200, 0 }; /* COUNT, SLEEP_S */

	parse_args(argc, argv, args, 0, 2, "[COUNT [SLEEP_S]]");
	write_devnull(args[0]);
	return finish(args[1]);
}
