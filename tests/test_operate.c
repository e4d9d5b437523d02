// SPDX-License-Identifier: GPL-2.0
/* Operating it: the config file, live changes, dry run, SIGTERM then SIGKILL, make install. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include "test.h"

#define CONF	"/tmp/oomk-test.conf"
#define RUN_ERR "/tmp/oomk-test-run.err"
#define PREFIX	"/tmp/oomk-test-prefix"
#define KILLS	"./oomkiller-inspect --pin-dir=%s --json | jq -e '.kills"
#define SETTING "./oomkiller config --pin-dir=%s --json | jq -e '"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void test_config_file(const char *pin_dir)
{
	static const struct {
		const char *text, *line;
	} bad[] = {
		{ "max-fds = 10\nmax-frogs = 1\n", CONF ":2: max-frogs: no such setting" },
		{ "# fine\n\nmax-writes = ten\n", CONF ":3: max-writes: expected a whole number" },
		{ "name\n", CONF ":1: expected key = value" },
		{ "tick = 0\n", CONF ":1: tick: expected milliseconds" },
	};
	char out[4096], err[4096];

	write_file(CONF, "# a comment\n\nmax-writes = 50   # trailing comment\nname = oomp\n"
			 "name = zzq\nexclude = oomp_x\ndry-run = yes\n");
	if (!ASSERT_EQ(install_closed(pin_dir, "--config=" CONF, NULL), EXIT(0), "install"))
		return;
	ASSERT_EQ(sh(out, sizeof(out),
		     SETTING ".max_writes == 50 and .name == [\"oomp\", \"zzq\"] and "
			     ".exclude == [\"oomp_x\"] and .dry_run'",
		     pin_dir),
		  EXIT(0), "the file's settings are installed");
	ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(0), "uninstall");
	ASSERT_EQ(install_closed(pin_dir, "--config=" CONF, "--max-writes=70", "--name=abc", NULL),
		  EXIT(0), "install");
	ASSERT_EQ(sh(out, sizeof(out), SETTING ".max_writes == 70 and .name == [\"abc\"]'",
		     pin_dir),
		  EXIT(0), "the command line overrides the file");
	ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(0), "uninstall");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(CONF, bad[i].text);
		ASSERT_EQ(oomkiller_stderr(pin_dir, err, sizeof(err), "install", "--config=" CONF,
					   NULL),
			  EXIT(2), bad[i].line);
		ASSERT_STR(err, bad[i].line, "FILE:LINE: what is wrong");
		ASSERT_TRUE(access(pin_dir, F_OK), "nothing loaded");
	}
	unlink(CONF);
}

/* A writer that stops after n writes until told to write once more. */
static pid_t start_writer(int n, int *go)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds))
		return -1;
	pid = fork_child();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_NAME, "oomp_writer");
		for (int i = 0; i < n; i++)
			if (write(null, "", 1) != 1)
				_exit(1);
		while (read(fds[0], &c, 1) == 1)
			if (write(null, "", 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(fds[0]);
	*go = fds[1];
	return pid;
}

/* A lower --max-writes applies at the next write of a running process; its count is kept. */
static void test_live_config(const char *pin_dir)
{
	struct oomk_proc p = {};
	char out[4096];
	pid_t pid;
	int go = -1;

	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	pid = start_writer(60, &go);
	ASSERT_EQ(wait_count(pin_dir, pid, OOMK_WRITES, 60, &p), 0, "60 writes counted");
	ASSERT_EQ(p.count[OOMK_WRITES], 60, "60 writes counted, no more");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller config --pin-dir=%s --max-writes=61", pin_dir),
		  EXIT(0), "config --max-writes=61");
	ASSERT_STR(out, "\nmax-writes = 61\n", "config prints the new settings");
	ASSERT_EQ(map_lookup(pin_dir, PIN_PROCS, pid, &p), 0, "still tracked");
	ASSERT_EQ(p.count[OOMK_WRITES], 60, "count kept");
	ASSERT_TRUE(alive(pid), "alive before its next write");
	ASSERT_EQ(write(go, "w", 1), 1, "one more write");
	ASSERT_EQ(wait_child(pid, 2000), KILLED, "killed at the 61st write");
	ASSERT_EQ(sh(out, sizeof(out), SETTING ".max_writes == 61'", pin_dir), EXIT(0),
		  "config --json");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller config --pin-dir=%s --tick=x 2>&1", pin_dir),
		  EXIT(2), "a bad value changes nothing");
	ASSERT_EQ(sh(out, sizeof(out), SETTING ".tick_ms == 100'", pin_dir), EXIT(0), "tick kept");
	close(go);
}

static void test_dry_run(const char *pin_dir)
{
	char out[4096];
	pid_t pid;

	if (!ASSERT_EQ(install_open(pin_dir, "--dry-run", NULL), EXIT(0), "install, the gate open"))
		return;
	pid = spawn("oomp_test_writes", NULL);
	ASSERT_EQ(wait_child(pid, 5000), EXIT(0), "nothing signalled");
	ASSERT_EQ(sh(out, sizeof(out),
		     KILLS " | length == 1 and .[0].pid == %d and .[0].dry_run and "
			   ".[0].signal == 0 and .[0].limit == \"writes\"'",
		     pin_dir, pid),
		  EXIT(0), "the would-be kill is logged, marked dry-run");
	ASSERT_EQ(oomkiller(pin_dir, "config", "--dry-run=no", NULL), EXIT(0), "dry run off");
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", NULL), 5000), KILLED, "enforcing again");
}

/* --action=term: SIGTERM at the crossing; SIGKILL from BPF once the grace is over. */
static void test_term_then_kill(const char *pin_dir)
{
	struct oomk_proc p;
	char out[4096];
	pid_t stubborn, polite;

	if (!ASSERT_EQ(install_open(pin_dir, "--action=term", "--grace=2000", NULL), EXIT(0),
		       "install, the gate open"))
		return;
	polite = spawn("oomp_test_writes", NULL);
	ASSERT_EQ(wait_child(polite, 5000), -SIGTERM, "one that exits on SIGTERM");
	stubborn = fork_child();
	if (stubborn == 0) {
		int null = open("/dev/null", O_WRONLY);

		signal(SIGTERM, SIG_IGN);
		prctl(PR_SET_NAME, "oomp_stubborn");
		for (int i = 0; i < 200; i++)
			if (write(null, "", 1) != 1)
				_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(wait_state(pin_dir, stubborn, OOMK_TERMED, &p), 0, "SIGTERM sent");
	ASSERT_TRUE(alive(stubborn), "one that ignores SIGTERM lives through the grace");
	ASSERT_EQ(wait_child(stubborn, 10000), KILLED, "then gets SIGKILL");
	ASSERT_EQ(sh(out, sizeof(out),
		     KILLS " | map(select(.pid == %d) | [.signal, .by]) == [[15, \"event\"]] and "
			   "(map(select(.pid == %d) | [.signal, .by]) == "
			   "[[15, \"event\"], [9, \"grace\"]])'",
		     pin_dir, polite, stubborn),
		  EXIT(0), "the kill log shows both steps");
}

/* --name more than once, and --exclude. */
static void test_names(const char *pin_dir)
{
	pid_t pid;

	if (!ASSERT_EQ(install_open(pin_dir, "--name=oomp", "--name=zzq", "--exclude=test_wri",
				    NULL),
		       EXIT(0), "install, the gate open"))
		return;
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", NULL), 5000), EXIT(0), "excluded");
	ASSERT_EQ(wait_child(spawn("oomp_test_fds", NULL), 5000), KILLED, "first name");
	pid = fork_child();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_NAME, "zzq_proc");
		for (int i = 0; i < 200; i++)
			if (write(null, "", 1) != 1)
				_exit(1);
		_exit(0);
	}
	ASSERT_EQ(wait_child(pid, 5000), KILLED, "second name");
}

/*
 * 'oomkiller run', as the unit runs it: ticking, enforcing, each kill on stderr too, and
 * everything removed on SIGTERM.
 */
static void test_run(const char *pin_dir)
{
	char out[4096];
	pid_t run, pid;
	int fd;

	run = spawn(
		"/bin/sh", "-c",
		"exec ./oomkiller run --pin-dir=\"$0\" --mem-threshold=0 --tick=100 >/dev/null 2>" RUN_ERR,
		pin_dir, NULL);
	if (!ASSERT_EQ(sh_until(out, sizeof(out), EXIT(0), "./oomkiller status --pin-dir=%s 2>&1",
				pin_dir),
		       EXIT(0), "status: healthy, this process ticking"))
		return;
	pid = spawn("oomp_test_writes", NULL);
	ASSERT_EQ(wait_child(pid, 5000), KILLED, "enforcing");
	ASSERT_EQ(kill(run, SIGTERM), 0, "SIGTERM");
	ASSERT_EQ(wait_child(run, 10000), EXIT(0), "run ends");
	ASSERT_TRUE(access(pin_dir, F_OK), "and uninstalls");
	fd = open(RUN_ERR, O_RDONLY);
	out[fd < 0 ? 0 : read(fd, out, sizeof(out) - 1)] = '\0';
	ASSERT_STR(out, "oomkiller: killed ", "each kill on stderr");
	close(fd);
	unlink(RUN_ERR);
}

/* make install, and what systemd and the man page checkers make of what it installs. */
static void test_make_install(const char *pin_dir)
{
	static const char *const files[] = {
		"/sbin/oomkiller",
		"/sbin/oomkiller-inspect",
		"/share/man/man8/oomkiller.8",
		"/share/man/man8/oomkiller-inspect.8",
		"/lib/systemd/system/oomkiller.service",
		"/share/doc/oomkiller/oomkiller.conf",
		"/share/bash-completion/completions/oomkiller",
		"/share/bash-completion/completions/oomkiller-inspect",
	};
	char out[4096], path[256];

	ASSERT_EQ(sh(out, sizeof(out), "rm -rf %s && make -s install DESTDIR=%s PREFIX=/usr 2>&1",
		     PREFIX, PREFIX),
		  EXIT(0), "make install DESTDIR=... PREFIX=/usr");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/usr%s", PREFIX, files[i]);
		ASSERT_EQ(access(path, F_OK), 0, files[i]);
	}
	ASSERT_EQ(sh(out, sizeof(out),
		     "grep -x 'ExecStart=/usr/sbin/oomkiller run' "
		     "%s/usr/lib/systemd/system/oomkiller.service",
		     PREFIX),
		  EXIT(0), "the unit runs the installed binary");
	/* at a prefix of its own, the unit names a binary that exists: systemd can verify it */
	ASSERT_EQ(sh(out, sizeof(out), "rm -rf %s && make -s install PREFIX=%s 2>&1", PREFIX,
		     PREFIX),
		  EXIT(0), "make install PREFIX=...");
	ASSERT_EQ(sh(out, sizeof(out),
		     "MANPATH=%s/share/man systemd-analyze verify "
		     "%s/lib/systemd/system/oomkiller.service 2>&1",
		     PREFIX, PREFIX),
		  EXIT(0), "systemd-analyze verify");
	ASSERT_TRUE(!out[0], "with nothing to say");
	ASSERT_EQ(sh(out, sizeof(out),
		     "for p in man/*.8; do man --warnings -l $p 2>&1 >/dev/null; "
		     "mandoc -T lint $p; done 2>&1"),
		  EXIT(0), "man pages");
	ASSERT_TRUE(!out[0], "man --warnings and mandoc -T lint: no warning");
	sh(out, sizeof(out), "rm -rf %s", PREFIX);
}

TEST_MAIN(TEST(config_file), TEST(live_config), TEST(dry_run), TEST(term_then_kill), TEST(names),
	  TEST(run), TEST(make_install))
