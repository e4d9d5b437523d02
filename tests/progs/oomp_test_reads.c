// SPDX-License-Identifier: GPL-2.0
/* oomp_test_reads [COUNT [SLEEP_S]]: read(2) COUNT (20) MiB from /dev/zero in 64 KiB chunks. */
#include "progs.h"

int main(int argc, char **argv)
{
	long args[] = { 20, 0 }; /* COUNT, SLEEP_S */

	parse_args(argc, argv, args, 0, 2, "[COUNT [SLEEP_S]]");
	read_zero(args[0] * MIB, read, "read /dev/zero");
	return finish(args[1]);
}
