// SPDX-License-Identifier: GPL-2.0
/* The enforcing core against the real kernel: install, the gate, every limit, uninstall. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

/*
 * Every program install pinned has its link, wherever the backends differ (fexit allowed or
 * not, bpf_send_signal_task or not): the uprobe has one per libc, the first named _0. Returns
 * the number of links pinned.
 */
static int links_pinned(const char *pin_dir)
{
	char path[512];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, PIN_PROGS);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s%s", pin_dir, PIN_LINKS, e->d_name,
			 strcmp(e->d_name, "oomk_rand") ? "" : "_0");
		ASSERT_EQ(access(path, F_OK), 0, path);
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/%s", pin_dir, PIN_LINKS);
	d = opendir(path);
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_install_uninstall(const char *pin_dir)
{
	static const char *const pins[] = { PIN_PROCS, PIN_SETTINGS, PIN_STATE,
					    PIN_LINKS "/oomk_fork", PIN_PROGS "/oomk_fork" };
	struct oomk_settings set;
	char path[256];
	int links;

	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, pins[i]);
		ASSERT_EQ(access(path, F_OK), 0, pins[i]);
	}
	links = links_pinned(pin_dir);
	ASSERT_TRUE(links > 10, "a link per program");
	ASSERT_EQ(links_attached(), links, "links attached");
	ASSERT_EQ(map_lookup(pin_dir, PIN_SETTINGS, 0, &set), 0, "settings");
	ASSERT_EQ(set.schema, OOMK_SCHEMA, "schema");
	ASSERT_TRUE(ticker_alive(set.ticker_pid), "ticker running");
	ASSERT_EQ(wait_gate(pin_dir, 0, 2000), 0, "ticker reads si_meminfo, gate closed");

	ASSERT_EQ(oomkiller(pin_dir, "install", NULL), EXIT(1), "second install refused");
	ASSERT_EQ(links_attached(), links, "first install intact");
	ASSERT_TRUE(ticker_alive(set.ticker_pid), "first ticker intact");

	ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(0), "uninstall");
	ASSERT_TRUE(access(pin_dir, F_OK), "pin dir removed");
	ASSERT_EQ(links_attached(), 0, "links detached");
	ASSERT_TRUE(!ticker_alive(set.ticker_pid), "ticker stopped");
	ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(1), "uninstall again: not installed");
}

/* A candidate over a limit lives while the gate is closed, and dies at the tick that opens it. */
static void test_gate_and_sweep(const char *pin_dir)
{
	struct oomk_proc p = {};
	struct oomk_state st;
	pid_t pid;

	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	pid = spawn("oomp_test_writes", "150", "60", NULL);
	ASSERT_EQ(wait_over(pin_dir, pid, &p), 0, "marked over its limit");
	ASSERT_EQ(p.limit, OOMK_WRITES, "limit crossed");
	ASSERT_EQ(p.value, 100, "crossed at the 100th write");
	ASSERT_EQ(wait_readings(pin_dir, 3), 0, "three readings with the gate closed");
	ASSERT_TRUE(alive(pid), "alive while the gate is closed");

	ASSERT_EQ(open_gate(pin_dir), 0, "gate opens");
	ASSERT_EQ(wait_child(pid, 1000), KILLED, "idle violator swept");
	ASSERT_EQ(map_lookup(pin_dir, PIN_STATE, 0, &st), 0, "state");
	ASSERT_EQ(st.kills, 1, "kills");
}

static void *idle(void *arg)
{
	return arg;
}

/* Everything the violators do, ten times over, under a name that does not match. */
static pid_t start_bystander(void)
{
	static char buf[1 << 16];
	pid_t pid = fork_child();
	pthread_t t;
	int fd;

	if (pid)
		return pid;
	fd = open("/dev/null", O_RDWR);
	for (int i = 0; i < 1000; i++)
		if (write(fd, buf, 1) != 1 || rand() < 0)
			_exit(1);
	fd = open("/dev/zero", O_RDONLY);
	for (int i = 0; i < 1600; i++)
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			_exit(1);
	for (int i = 0; i < 1000; i++)
		if (pthread_create(&t, NULL, idle, NULL) || pthread_join(t, NULL))
			_exit(1);
	for (int i = 0; i < 1000; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			_exit(1);
	_exit(0);
}

static void test_limits(const char *pin_dir)
{
	char port[16];
	const struct {
		const char *prog;
		const char *arg;
		int expect;
	} runs[] = {
		{ "oomp_test_fds", NULL, KILLED },	 { "oomp_test_threads", NULL, KILLED },
		{ "oomp_test_reads", NULL, KILLED },	 { "oomp_test_readv", NULL, KILLED },
		{ "oomp_test_writes", NULL, KILLED },	 { "oomp_test_pwrite64", NULL, KILLED },
		{ "oomp_test_packets", port, KILLED },	 { "oomp_test_rand", NULL, KILLED },
		{ "oomp_test_rw_below", NULL, EXIT(0) }, { "oomp_test_packets_udp", NULL, EXIT(0) },
	};
	const int nr_runs = sizeof(runs) / sizeof(runs[0]);
	struct oomk_state st;
	pid_t peer, bystander;

	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	peer = start_peer(port, sizeof(port));
	ASSERT_TRUE(peer > 0, "loopback TCP peer");
	bystander = start_bystander();
	for (int i = 0; i < nr_runs; i++)
		ASSERT_EQ(wait_child(spawn(runs[i].prog, runs[i].arg, NULL), 20000), runs[i].expect,
			  runs[i].prog);
	ASSERT_EQ(wait_child(bystander, 20000), EXIT(0), "non-matching bystander survives");
	ASSERT_TRUE(alive(peer), "TCP peer survives");
	ASSERT_EQ(map_lookup(pin_dir, PIN_STATE, 0, &st), 0, "state");
	ASSERT_EQ(st.kills, 8, "kills");
}

TEST_MAIN(TEST(install_uninstall), TEST(gate_and_sweep), TEST(limits))
