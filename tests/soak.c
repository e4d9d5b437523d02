// SPDX-License-Identifier: GPL-2.0
/*
 * soak [--seconds=N] [--pin-dir=DIR]: churn. Short-lived candidates, half of them crossing one
 * limit picked at random and half staying below, run 24 at a time with the gate open and the
 * ticker at 100 ms. Prints a report in markdown; exits 0 only if every target is met: no kill
 * missed, none wrong, the kill log holds what waitpid saw, procs back to its baseline, and the
 * ticker's RSS flat (within RSS_SLACK_KB). 'make soak' runs it for 300 s and writes tests/SOAK.md.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include "test.h"

#define RUNNING 24
/* a page or so of stack or stdio may come and go; a leak would grow with the kills */
#define RSS_SLACK_KB 16

static char port[16];

static const struct {
	const char *prog, *arg; /* "port" stands for the TCP peer's port */
} over[] = {
	{ "oomp_test_fds", NULL },	{ "oomp_test_threads", NULL }, { "oomp_test_reads", NULL },
	{ "oomp_test_readv", NULL },	{ "oomp_test_writes", NULL },  { "oomp_test_pwrite64", NULL },
	{ "oomp_test_rand", NULL },	{ "oomp_test_packets", "port" },
}, below[] = {
	{ "oomp_test_fds", "50" },    { "oomp_test_threads", "50" },  { "oomp_test_reads", "5" },
	{ "oomp_test_readv", "5" },   { "oomp_test_writes", "50" },   { "oomp_test_pwrite64", "50" },
	{ "oomp_test_rand", "50" },   { "oomp_test_rw_below", NULL }, { "oomp_test_packets_udp", NULL },
};

/* "VmRSS" or "RssAnon" (the heap and stacks: where a leak would show), in KiB */
static long rss_kb(pid_t pid, const char *field)
{
	char path[64], line[128], fmt[32];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	snprintf(fmt, sizeof(fmt), "%s: %%ld", field);
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, fmt, &kb);
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	const char *pin_dir = "/sys/fs/bpf/oomk-soak";
	long seconds = 300, rss_before, rss_after, anon_before, anon_after;
	int missed = 0, wrong = 0, odd = 0, killed = 0, started = 0, done = 0, base, after = -1;
	struct {
		pid_t pid;
		bool over;
	} run[RUNNING] = {};
	struct oomk_state st0, st1;
	struct oomk_settings set;
	time_t end;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--seconds=", 10))
			seconds = atol(argv[i] + 10);
		else if (!strncmp(argv[i], "--pin-dir=", 10))
			pin_dir = argv[i] + 10;
	}
	srand(getpid());
	if (!access(pin_dir, F_OK))
		oomkiller(pin_dir, "uninstall", NULL);
	if (install_open(pin_dir, NULL) || start_peer(port, sizeof(port)) < 0 ||
	    map_lookup(pin_dir, PIN_SETTINGS, 0, &set) || map_lookup(pin_dir, PIN_STATE, 0, &st0)) {
		fprintf(stderr, "soak: setting up failed\n");
		oomkiller(pin_dir, "uninstall", NULL);
		return 1;
	}
	base = count_entries(pin_dir, PIN_PROCS);
	rss_before = rss_kb(set.ticker_pid, "VmRSS");
	anon_before = rss_kb(set.ticker_pid, "RssAnon");

	for (end = time(NULL) + seconds; time(NULL) < end || started > 0;) {
		int result;
		pid_t pid = wait_any(&result);

		for (int i = 0; pid > 0 && i < RUNNING; i++) {
			if (run[i].pid != pid)
				continue;
			killed += result == KILLED;
			missed += run[i].over && result == EXIT(0);
			wrong += !run[i].over && result == KILLED;
			odd += result != KILLED && result != EXIT(0);
			run[i].pid = 0;
			started--;
			done++;
		}
		for (int i = 0; i < RUNNING && time(NULL) < end; i++) {
			bool o = rand() & 1;
			int k = rand() % (o ? sizeof(over) / sizeof(over[0]) :
					      sizeof(below) / sizeof(below[0]));
			const char *prog = o ? over[k].prog : below[k].prog;
			const char *arg = o ? over[k].arg : below[k].arg;

			if (run[i].pid)
				continue;
			run[i].over = o;
			run[i].pid = arg && !strcmp(arg, "port") ? spawn(prog, port, NULL) :
								   spawn(prog, arg, NULL);
			started++;
		}
		if (pid <= 0)
			usleep(1000);
	}
	map_lookup(pin_dir, PIN_STATE, 0, &st1);
	for (int i = 0; i < 200 && (after = count_entries(pin_dir, PIN_PROCS)) > base; i++)
		usleep(10000);
	rss_after = rss_kb(set.ticker_pid, "VmRSS");
	anon_after = rss_kb(set.ticker_pid, "RssAnon");
	reap_children();
	oomkiller(pin_dir, "uninstall", NULL);

	printf("| seconds | processes | killed (waitpid) | kill log | missed | wrong | other exits "
	       "| procs before / after | ticker RSS before / after | of which anonymous |\n"
	       "|---|---|---|---|---|---|---|---|---|---|\n"
	       "| %ld | %d | %d | %llu | %d | %d | %d | %d / %d | %ld / %ld KiB | %ld / %ld KiB |\n",
	       seconds, done, killed, (unsigned long long)(st1.kills - st0.kills), missed, wrong,
	       odd, base, after, rss_before, rss_after, anon_before, anon_after);
	return !(missed == 0 && wrong == 0 && odd == 0 && st1.kills - st0.kills == (__u64)killed &&
		 after == base && anon_after <= anon_before + RSS_SLACK_KB);
}
