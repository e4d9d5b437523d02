// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_read_exact BYTES [SLEEP_S]: read(2) exactly BYTES from /dev/zero, 64 KiB a call,
 * and nothing else: it is linked statically, so no dynamic loader reads a library first.
 */
#include "progs.h"

int main(int argc, char **argv)
{
	long args[] = { 0, 0 }; /* BYTES, SLEEP_S */

	parse_args(argc, argv, args, 1, 2, "BYTES [SLEEP_S]");
	read_zero(args[0], read, "read /dev/zero");
	return finish(args[1]);
}
