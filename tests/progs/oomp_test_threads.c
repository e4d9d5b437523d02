// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_threads [COUNT [SLEEP_S]]: create COUNT (150) threads one after another, joining
 * each before the next, so the limit is crossed with never more than two threads alive.
 */
#include "progs.h"

int main(int argc, char **argv)
{
	long args[] = { 150, 0 }; /* COUNT, SLEEP_S */

	parse_args(argc, argv, args, 0, 2, "[COUNT [SLEEP_S]]");
	run_threads(args[0]);
	return finish(args[1]);
}
