// SPDX-License-Identifier: GPL-2.0
/* oomp_test_fds [COUNT [SLEEP_S]]: hold COUNT (150) fds on /dev/null open at once. */
#include "progs.h"

int main(int argc, char **argv)
{
	long args[] = { 150, 0 }; /* COUNT, SLEEP_S */

	parse_args(argc, argv, args, 0, 2, "[COUNT [SLEEP_S]]");
	open_fds(args[0]);
	return finish(args[1]);
}
