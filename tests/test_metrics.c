// SPDX-License-Identifier: GPL-2.0
/*
 * Seen from a fleet: the metrics as promtool and a real node_exporter read them, and --on-kill
 * run for each kill, never in the ticker's way.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "test.h"

#define INSPECT	 "./oomkiller-inspect --pin-dir=%s"
#define EXPORTER "/usr/bin/prometheus-node-exporter"
/* a kill, as the hook and the kill log say it */
#define KILL_FIELDS                                                                        \
	"$OOMKILLER_SEQ $OOMKILLER_PID $OOMKILLER_NAME $OOMKILLER_LIMIT $OOMKILLER_VALUE " \
	"$OOMKILLER_MAX $OOMKILLER_USED $OOMKILLER_THRESHOLD $OOMKILLER_SIGNAL "           \
	"$OOMKILLER_HOW $OOMKILLER_DRY_RUN"
#define KILL_JQ                                                                 \
	"\\(.seq) \\(.pid) \\(.name) \\(.limit) \\(.value) \\(.max) \\(.used) " \
	"\\(.mem_threshold) \\(.signal) \\(.by) \\(if .dry_run then \"yes\" else \"no\" end)"

/* A directory of the test's own under /tmp: its path in dir. */
static bool make_tmpdir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/oomk-test-metrics.XXXXXX");
	return ASSERT_TRUE(mkdtemp(dir), "mkdtemp");
}

static void remove_tmpdir(const char *dir)
{
	char out[256];

	sh(out, sizeof(out), "rm -rf '%s'", dir);
}

/* A TCP port of 127.0.0.1 free a moment ago. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, len) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static const char *const families[] = {
	"oomkiller_up",
	"oomkiller_info",
	"oomkiller_gate_open",
	"oomkiller_ram_used_bytes",
	"oomkiller_ram_total_bytes",
	"oomkiller_mem_threshold_bytes",
	"oomkiller_reading_age_seconds",
	"oomkiller_readings_total",
	"oomkiller_candidates",
	"oomkiller_untracked_total",
	"oomkiller_kills_total",
	"oomkiller_limit",
	"oomkiller_dry_run",
};

/* The inspector's metrics and the ticker's file: what promtool accepts, every family typed. */
static void test_metrics_promtool(const char *pin_dir)
{
	char dir[64], out[16384], what[128];
	struct stat st;
	pid_t pid;

	if (access("/usr/bin/promtool", X_OK))
		SKIP("no promtool (Debian package prometheus)");
	if (!make_tmpdir(dir, sizeof(dir)))
		return;
	snprintf(what, sizeof(what), "--metrics-file=%s/oomkiller.prom", dir);
	if (!ASSERT_EQ(install_open(pin_dir, what, NULL), EXIT(0), "install"))
		goto cleanup;
	pid = spawn("oomp_test_writes", "150", "60", NULL);
	ASSERT_EQ(wait_child(pid, 5000), KILLED, "the offender is killed");
	ASSERT_EQ(sh(out, sizeof(out),
		     INSPECT " --format=openmetrics | promtool check metrics 2>&1", pin_dir),
		  EXIT(0), "promtool check metrics: the inspector's");
	ASSERT_EQ(sh(out, sizeof(out), INSPECT " --format=openmetrics", pin_dir), EXIT(0),
		  "--format=openmetrics");
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		snprintf(what, sizeof(what), "# TYPE %s ", families[i]);
		ASSERT_STR(out, what, "a TYPE line for each");
		snprintf(what, sizeof(what), "# HELP %s ", families[i]);
		ASSERT_STR(out, what, "a HELP line for each");
	}
	ASSERT_STR(out, "\noomkiller_kills_total{limit=\"writes\",how=\"event\"} 1\n",
		   "the kill, by limit and how");
	ASSERT_STR(out, "\noomkiller_limit{limit=\"read\"} 10000000\n", "limits in base units");
	ASSERT_STR(out, "\noomkiller_up 1\n", "up");
	ASSERT_TRUE(strlen(out) > 6 && !strcmp(out + strlen(out) - 6, "# EOF\n"), "# EOF last");

	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "grep -q 'how=\"event\"} 1$' %s/oomkiller.prom && promtool check "
			   "metrics < %s/oomkiller.prom 2>&1",
			   dir, dir),
		  EXIT(0), "the ticker's file: the kill, and promtool accepts it");
	snprintf(what, sizeof(what), "%s/oomkiller.prom", dir);
	ASSERT_TRUE(!stat(what, &st) && (st.st_mode & 0777) == 0644, "readable by node_exporter");
	ASSERT_EQ(sh(out, sizeof(out), "ls -A %s", dir), EXIT(0), "ls");
	ASSERT(!strcmp(out, "oomkiller.prom\n"), "no temp file left: %s", out);

	/* live: the new path written, the old one removed */
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller config --pin-dir=%s --metrics-file=%s/b.prom",
		     pin_dir, dir),
		  EXIT(0), "config --metrics-file");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0), "test \"$(ls -A %s)\" = b.prom", dir),
		  EXIT(0), "the new file, not the old");
	ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(0), "uninstall");
	ASSERT_EQ(sh(out, sizeof(out), "ls -A %s", dir), EXIT(0), "ls");
	ASSERT(!out[0], "a ticker stopped leaves no metrics saying all is well: %s", out);
cleanup:
	remove_tmpdir(dir);
}

/* A real node_exporter serves the ticker's file; a kill shows in its scrape. */
static void test_metrics_node_exporter(const char *pin_dir)
{
	char dir[64], out[16384], arg[128], textfile[128], listen[64];
	int port = free_port();
	pid_t exporter, pid;

	if (access(EXPORTER, X_OK))
		SKIP("no node_exporter (Debian package prometheus-node-exporter)");
	if (!make_tmpdir(dir, sizeof(dir)))
		return;
	snprintf(arg, sizeof(arg), "--metrics-file=%s/oomkiller.prom", dir);
	snprintf(textfile, sizeof(textfile), "--collector.textfile.directory=%s", dir);
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d", port);
	exporter = spawn("/bin/sh", "-c",
			 "exec " EXPORTER
			 " --collector.disable-defaults --collector.textfile \"$0\" "
			 "\"$1\" 2>/dev/null",
			 textfile, listen, NULL);
	if (!ASSERT_EQ(install_open(pin_dir, arg, NULL), EXIT(0), "install"))
		goto cleanup;
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "curl -sf http://127.0.0.1:%d/metrics | grep -x "
			   "'oomkiller_kills_total{how=\"event\",limit=\"writes\"} 0'",
			   port),
		  EXIT(0), "the exporter serves the file: no kill yet");
	pid = spawn("oomp_test_writes", "150", "60", NULL);
	ASSERT_EQ(wait_child(pid, 5000), KILLED, "the offender is killed");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "curl -sf http://127.0.0.1:%d/metrics | grep -x "
			   "'oomkiller_kills_total{how=\"event\",limit=\"writes\"} 1'",
			   port),
		  EXIT(0), "then one");
	ASSERT_EQ(sh(out, sizeof(out),
		     "curl -sf http://127.0.0.1:%d/metrics | grep -E "
		     "'^(oomkiller_up 1|node_textfile_scrape_error 0)$' | wc -l",
		     port),
		  EXIT(0), "curl");
	ASSERT_STR(out, "2\n", "up, and the file read without an error");
cleanup:
	kill(exporter, SIGTERM);
	ASSERT(wait_child(exporter, 5000) != TIMED_OUT, "%s", "the exporter ends");
	remove_tmpdir(dir);
}

/* A burst of 20 kills: the hook sees each, with the fields the kill log has. */
static void test_on_kill_burst(const char *pin_dir)
{
	char dir[64], out[8192], log[8192], arg[512];
	pid_t pids[20];

	if (!make_tmpdir(dir, sizeof(dir)))
		return;
	snprintf(arg, sizeof(arg), "--on-kill=echo " KILL_FIELDS " >> %s/hooks", dir);
	if (!ASSERT_EQ(install_open(pin_dir, arg, NULL), EXIT(0), "install"))
		goto cleanup;
	for (int i = 0; i < 20; i++)
		pids[i] = spawn("oomp_test_writes", "150", "60", NULL);
	for (int i = 0; i < 20; i++)
		ASSERT_EQ(wait_child(pids[i], 5000), KILLED, "each offender killed");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "test $(cat %s/hooks 2>/dev/null | wc -l) -ge 20", dir),
		  EXIT(0), "a hook for each");
	ASSERT_EQ(sh(out, sizeof(out), "sort -n %s/hooks", dir), EXIT(0), "the hooks' lines");
	ASSERT_EQ(sh(log, sizeof(log), INSPECT " --json | jq -r '.kills[] | \"" KILL_JQ "\"'",
		     pin_dir),
		  EXIT(0), "the kill log");
	ASSERT_EQ(sh(arg, sizeof(arg), "wc -l < %s/hooks", dir), EXIT(0), "wc");
	ASSERT_STR(arg, "20\n", "exactly one hook each");
	ASSERT(!strcmp(out, log), "the hooks saw the log, in order:\n%s\nthe log:\n%s", out, log);
	ASSERT_STR(out, "\n20 ", "seq 20");
	ASSERT_STR(out, " oomp_test_write writes 100 100 ", "name, limit, value, max");
	ASSERT_STR(out, " 0 9 event no\n", "threshold, signal, how, dry run");
cleanup:
	remove_tmpdir(dir);
}

/*
 * The ticker killed and started again by install: the new one runs the hook for the kills
 * after it started, not again for those its predecessor ran it for; the counters go on.
 */
static void test_on_kill_restart(const char *pin_dir)
{
	char dir[64], out[4096], hook[256], metrics[128];
	struct oomk_settings set;

	if (!make_tmpdir(dir, sizeof(dir)))
		return;
	snprintf(hook, sizeof(hook), "--on-kill=echo $OOMKILLER_SEQ >> %s/hooks", dir);
	snprintf(metrics, sizeof(metrics), "--metrics-file=%s/oomkiller.prom", dir);
	if (!ASSERT_EQ(install_open(pin_dir, hook, metrics, NULL), EXIT(0), "install"))
		goto cleanup;
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", "150", "60", NULL), 5000), KILLED,
		  "the first offender killed");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0), "grep -qx 1 %s/hooks 2>/dev/null", dir),
		  EXIT(0), "its hook ran");
	ASSERT_EQ(map_lookup(pin_dir, PIN_SETTINGS, 0, &set), 0, "settings");
	ASSERT_EQ(kill(set.ticker_pid, SIGKILL), 0, "kill the ticker");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller install --pin-dir=%s", pin_dir), EXIT(0),
		  "install starts another");
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", "150", "60", NULL), 5000), KILLED,
		  "the second offender killed");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0), "grep -qx 2 %s/hooks", dir), EXIT(0),
		  "its hook ran");
	ASSERT_EQ(sh(out, sizeof(out), "cat %s/hooks", dir), EXIT(0), "the hooks");
	ASSERT(!strcmp(out, "1\n2\n"), "each kill's hook once: %s", out);
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "grep -qx 'oomkiller_kills_total{limit=\"writes\",how=\"event\"} 2' "
			   "%s/oomkiller.prom",
			   dir),
		  EXIT(0), "the new ticker's metrics count both kills");
cleanup:
	remove_tmpdir(dir);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Hooks that hang (more of them than may run at once): the ticker ticks on, each is killed at
 * its timeout and the next kill's hook starts then; 'run' says so on stderr, with their output.
 */
static void test_on_kill_timeout(const char *pin_dir)
{
	char dir[64], out[8192], cmd[512];
	struct oomk_state st;
	pid_t run, pids[6];
	double start, age;
	int max_age = 0;

	if (!make_tmpdir(dir, sizeof(dir)))
		return;
	snprintf(cmd, sizeof(cmd),
		 "exec ./oomkiller run --pin-dir=%s --mem-threshold=0 --tick=100 "
		 "--on-kill-timeout=1000 --on-kill='echo hung $OOMKILLER_SEQ; "
		 "echo $OOMKILLER_SEQ >> %s/started; exec sleep 987' >/dev/null 2>%s/err",
		 pin_dir, dir, dir);
	run = spawn("/bin/sh", "-c", cmd, NULL);
	if (!ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0), "./oomkiller status --pin-dir=%s 2>&1",
				pin_dir),
		       EXIT(0), "run: healthy"))
		goto cleanup;
	start = now_s();
	for (int i = 0; i < 6; i++)
		pids[i] = spawn("oomp_test_writes", "150", "60", NULL);
	for (int i = 0; i < 6; i++)
		ASSERT_EQ(wait_child(pids[i], 5000), KILLED, "each offender killed");
	/* 4 hang, 2 wait for a slot: the ticker reads on meanwhile */
	while (now_s() - start < 1.5) {
		if (!map_lookup(pin_dir, PIN_STATE, 0, &st)) {
			struct timespec ts;

			clock_gettime(CLOCK_BOOTTIME, &ts);
			age = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6 - st.reading_ns / 1e6;
			max_age = age > max_age ? age : max_age;
		}
		usleep(20000);
	}
	ASSERT(max_age < 500, "readings every 100 ms with hooks hung: one %d ms old", max_age);
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "test $(cat %s/started 2>/dev/null | wc -l) -ge 6", dir),
		  EXIT(0), "the last two hooks started");
	ASSERT(now_s() - start < 1 + 2.5, "once the first timed out: %.1f s", now_s() - start);
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0),
			   "test $(grep -c 'still running after 1000 ms: killed' %s/err) -ge 6",
			   dir),
		  EXIT(0), "each hung hook killed at its timeout, and said");
	ASSERT_EQ(sh(out, sizeof(out), "cat %s/err", dir), EXIT(0), "stderr");
	ASSERT_STR(out, ": hung 6\n", "a hook's output, with its pid");
	ASSERT_EQ(sh_until(out, sizeof(out), EXIT(1), "pgrep -f '^sleep 98[7]'"), EXIT(1),
		  "their process groups killed");
	ASSERT_EQ(kill(run, SIGTERM), 0, "SIGTERM");
	ASSERT_EQ(wait_child(run, 10000), EXIT(0), "run ends");
cleanup:
	remove_tmpdir(dir);
}

TEST_MAIN(TEST(metrics_promtool), TEST(metrics_node_exporter), TEST(on_kill_burst),
	  TEST(on_kill_restart), TEST(on_kill_timeout))
