// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_spoof [SECONDS=2]: tries to open the memory gate without being the ticker:
 * calls sysinfo(2) in a loop while a second thread keeps writing a full machine into the
 * buffer, so that a reader at sys_exit could see either. Must change nothing.
 */
#include "progs.h"
#include <sys/sysinfo.h>
#include <time.h>

static struct sysinfo si;
static volatile int done;

static void *rewrite(void *arg)
{
	while (!done) {
		si.totalram = ~0UL >> 1;
		si.freeram = 0;
		si.mem_unit = 1;
	}
	return arg;
}

int main(int argc, char **argv)
{
	long vals[1] = { 2 };
	pthread_t t;
	time_t end;

	parse_args(argc, argv, vals, 0, 1, "[SECONDS]");
	if (pthread_create(&t, NULL, rewrite, NULL))
		die("pthread_create");
	for (end = time(NULL) + vals[0]; time(NULL) < end;)
		if (sysinfo(&si))
			die("sysinfo");
	done = 1;
	pthread_join(t, NULL);
	return 0;
}
