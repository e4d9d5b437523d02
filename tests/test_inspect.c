// SPDX-License-Identifier: GPL-2.0
/* oomkiller-inspect, the kill log and 'oomkiller status', against a real install. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include "test.h"

#define INSPECT "./oomkiller-inspect --pin-dir=%s"

static void test_table_and_json(const char *pin_dir)
{
	char out[8192], line[256];
	const char *below_row, *over_row;
	pid_t below, over;
	struct oomk_proc p;

	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	below = spawn("oomp_test_writes", "50", "60", NULL);
	over = spawn("oomp_test_writes", "150", "60", NULL);
	ASSERT_EQ(wait_over(pin_dir, over, &p), 0, "over its limit");
	ASSERT_EQ(wait_count(pin_dir, below, OOMK_WRITES, 50, &p), 0, "the one below: 50 writes");

	ASSERT_EQ(sh(out, sizeof(out), INSPECT, pin_dir), EXIT(0), "inspect");
	ASSERT_STR(out, "gate closed", "header: gate closed");
	ASSERT_STR(out, "\ntracked ", "header: tracked");
	below_row = table_row(out, below, line, sizeof(line));
	ASSERT_STR(line, " 50 ", "the one below: 50 writes");
	ASSERT_STR(line, " ok", "the one below: ok");
	over_row = table_row(out, over, line, sizeof(line));
	ASSERT_STR(line, " 150 ", "the one over: 150 writes");
	ASSERT_STR(line, " over:writes", "the one over: over:writes");
	ASSERT_TRUE(over_row && over_row < below_row, "nearest to a limit first");

	ASSERT_EQ(sh(out, sizeof(out),
		     INSPECT " --json | jq -e '[.processes[] | select(.pid == %d and .writes == 50 "
			     "and .state == \"ok\"), select(.pid == %d and .writes == 150 and "
			     ".state == \"over\" and .limit == \"writes\" and .value == 100)] | "
			     "length == 2'",
		     pin_dir, below, over),
		  EXIT(0), "--json holds both, as jq reads it");
	ASSERT_EQ(sh(out, sizeof(out), INSPECT " --sort=bogus 2>&1", pin_dir), EXIT(2),
		  "bad --sort");
}

/* The sweep's kill is in the log with its reason; status counts it, then sees the ticker die. */
static void test_kill_log_and_status(const char *pin_dir)
{
	struct oomk_settings set;
	char out[8192];
	pid_t over;
	struct oomk_proc p;

	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller status --pin-dir=%s", pin_dir), EXIT(0),
		  "status: healthy");
	over = spawn("oomp_test_fds", "150", "60", NULL);
	ASSERT_EQ(wait_over(pin_dir, over, &p), 0, "over its limit");
	ASSERT_EQ(open_gate(pin_dir), 0, "gate opens");
	ASSERT_EQ(wait_child(over, 2000), KILLED, "swept");

	ASSERT_EQ(sh(out, sizeof(out),
		     INSPECT " --json | jq -e '.kills | length == 1 and .[0].pid == %d and "
			     ".[0].limit == \"fds\" and .[0].value == 100 and .[0].max == 100 and "
			     ".[0].by == \"sweep\" and .[0].used >= .[0].mem_threshold'",
		     pin_dir, over),
		  EXIT(0), "kill log: pid, limit, value, by the sweep");
	ASSERT_EQ(sh(out, sizeof(out), INSPECT " --kills", pin_dir), EXIT(0), "--kills");
	ASSERT_STR(out, "oomp_test_fds   fds", "--kills shows it");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller status --pin-dir=%s", pin_dir), EXIT(0),
		  "status: healthy");
	ASSERT_STR(out, "kills: 1\n", "status counts the kill");

	ASSERT_EQ(map_lookup(pin_dir, PIN_SETTINGS, 0, &set), 0, "settings");
	/* ours: install started it */
	ASSERT_EQ(kill(set.ticker_pid, SIGKILL), 0, "kill the ticker");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(3), "./oomkiller status --pin-dir=%s", pin_dir),
		  EXIT(3), "status: degraded");
	ASSERT_STR(out, "NOT RUNNING", "status: the ticker is not running");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0), INSPECT " | grep -F ' STALE'", pin_dir),
		  EXIT(0), "the inspector's header says STALE, 3 ticks on");
}

/* Names are bytes: quotes, backslashes and control bytes must not break the JSON. */
static void test_json_escaping(const char *pin_dir)
{
	static const char name[] = "oomp\"q\\b\x01\x7f\xe9";
	char out[4096];
	struct oomk_proc p;
	pid_t pid;

	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	pid = fork_child();
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		pause();
		_exit(0);
	}
	ASSERT_EQ(wait_count(pin_dir, pid, OOMK_FDS, 0, &p), 0, "renamed: a candidate");
	ASSERT_EQ(sh(out, sizeof(out),
		     INSPECT " --json | jq -e '.processes[] | select(.pid == %d) | .name == "
			     "\"oomp\\\"q\\\\b\\u0001\\u007f\\u00e9\"'",
		     pin_dir, pid),
		  EXIT(0), "name escaped, as jq reads it");
	ASSERT_EQ(sh(out, sizeof(out), INSPECT " | grep -c 'oomp\"q.b??? '", pin_dir), EXIT(0),
		  "table shows ? for what a terminal cannot print");
}

static void test_inspect_errors(const char *pin_dir)
{
	char out[1024];

	ASSERT_EQ(sh(out, sizeof(out), INSPECT " 2>&1", pin_dir), EXIT(1), "not installed");
	ASSERT_STR(out, "oomkiller-inspect: not installed", "says so");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller status --pin-dir=%s", pin_dir), EXIT(1),
		  "status: not installed");
	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	ASSERT_EQ(sh(out, sizeof(out),
		     "setpriv --reuid=65534 --regid=65534 --clear-groups " INSPECT " 2>&1",
		     pin_dir),
		  EXIT(1), "as nobody");
	ASSERT_STR(out, "oomkiller-inspect: needs root (CAP_BPF) to read ", "says why");
}

TEST_MAIN(TEST(table_and_json), TEST(kill_log_and_status), TEST(json_escaping),
	  TEST(inspect_errors))
