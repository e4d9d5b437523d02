// SPDX-License-Identifier: GPL-2.0
/* Bad input, faults, spoofing, bystanders: nothing wrongly killed, nothing lost, nothing left. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include "test.h"

#define STATUS "./oomkiller status --pin-dir=%s"

/* Every value that must be refused, for every option of install and run: exit 2, no trace. */
static void test_bad_input(const char *pin_dir)
{
	static const char *const numeric[] = { "mem-threshold",	  "max-fds",	 "max-writes",
					       "max-read",	  "max-threads", "max-rand",
					       "max-tcp-packets", "tick",	 "max-procs" };
	static const char *const junk[] = { "", "ten", "1Q", "-1", "99999999999999999999", "1.5" };
	static const char *const other[] = {
		"--tick=0",	 "--max-procs=0",
		"--name=",	 "--name=oomp_much_too_long",
		"--libc=",	 "--libc=/nonexistent",
		"--pin-dir=",	 "--bogus",
		"--max-fds",	 "stray",
		"--max-fds=10K", "--tick=3600001",
	};
	static const char *const cmds[] = { "install", "run" };
	char arg[64], err[4096];
	int n = 0;

	for (int c = 0; c < 2; c++) {
		for (size_t o = 0; o < sizeof(numeric) / sizeof(numeric[0]); o++) {
			for (size_t j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
				snprintf(arg, sizeof(arg), "--%s=%s", numeric[o], junk[j]);
				/* sizes take a suffix, counts do not: 1Q is junk for both */
				n += oomkiller_stderr(pin_dir, err, sizeof(err), cmds[c], arg,
						      NULL) != EXIT(2) ||
				     strncmp(err, "oomkiller: ", 11) || !strstr(err, "\nUsage: ");
			}
		}
		for (size_t o = 0; o < sizeof(other) / sizeof(other[0]); o++)
			n += oomkiller_stderr(pin_dir, err, sizeof(err), cmds[c], other[o], NULL) !=
				     EXIT(2) ||
			     strncmp(err, "oomkiller: ", 11);
	}
	ASSERT_EQ(n, 0, "values refused with exit 2, one line and usage");
	ASSERT_EQ(oomkiller_stderr(pin_dir, err, sizeof(err), "frobnicate", NULL), EXIT(2),
		  "unknown command");
	ASSERT_EQ(oomkiller_stderr(pin_dir, err, sizeof(err), "uninstall", "--max-fds=1", NULL),
		  EXIT(2), "uninstall takes no policy");
	ASSERT_TRUE(access(pin_dir, F_OK), "nothing pinned");
	ASSERT_EQ(links_attached(), 0, "nothing attached");
}

static void test_install_twice(const char *pin_dir)
{
	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	ASSERT_EQ(oomkiller(pin_dir, "install", NULL), EXIT(1), "second install refused");
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", NULL), 5000), KILLED, "still enforcing");
}

static bool nothing_left(const char *pin_dir)
{
	return access(pin_dir, F_OK) && !links_attached();
}

/* Whatever is gone already, uninstall takes the rest, and the ticker goes too. */
static void test_uninstall_faults(const char *pin_dir)
{
	static const char *const by_hand[] = { PIN_SETTINGS, PIN_LINKS "/oomk_fork", PIN_STATE };
	struct oomk_settings set;
	char path[256];

	for (int i = 0; i < 3; i++) {
		if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
			return;
		map_lookup(pin_dir, PIN_SETTINGS, 0, &set);
		if (i == 0) {
			ASSERT_EQ(kill(set.ticker_pid, SIGKILL), 0, "kill the ticker");
		} else {
			/* part of the pin dir removed by hand */
			for (int j = 0; j <= i; j++) {
				snprintf(path, sizeof(path), "%s/%s", pin_dir, by_hand[j]);
				unlink(path);
			}
		}
		ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(0), "uninstall");
		ASSERT_TRUE(nothing_left(pin_dir), "nothing pinned or attached");
		for (int t = 0; t < 100 && ticker_alive(set.ticker_pid); t++)
			usleep(10000);
		ASSERT_TRUE(!ticker_alive(set.ticker_pid), "no ticker");
		ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(1), "uninstall again");
	}
}

static void test_bpffs_unmounted(const char *pin_dir)
{
	struct statfs fs;

	if (!statfs("/sys/fs/bpf", &fs) && fs.f_type == BPF_FS_MAGIC)
		ASSERT_EQ(umount("/sys/fs/bpf"), 0, "unmount bpffs");
	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	ASSERT_TRUE(!statfs("/sys/fs/bpf", &fs) && fs.f_type == BPF_FS_MAGIC, "bpffs mounted");
	ASSERT_EQ(access(pin_dir, F_OK), 0, "pinned");
}

/* The ticker killed: status says degraded; install starts another and keeps every counter. */
static void test_ticker_restart(const char *pin_dir)
{
	struct oomk_settings before, after;
	struct oomk_proc p = {};
	char out[1024];
	pid_t pid;

	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	pid = spawn("oomp_test_writes", "50", "60", NULL);
	ASSERT_EQ(wait_count(pin_dir, pid, OOMK_WRITES, 50, &p), 0, "50 writes counted");
	map_lookup(pin_dir, PIN_SETTINGS, 0, &before);
	ASSERT_EQ(kill(before.ticker_pid, SIGKILL), 0, "kill the ticker");
	ASSERT_EQ(sh_until(out, sizeof(out), 3, STATUS, pin_dir), 3, "status: degraded");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller install --pin-dir=%s", pin_dir), EXIT(0),
		  "install restarts the ticker");
	ASSERT_STR(out, "started a new one", "says so");
	ASSERT_STR(out, "counters kept", "and that counters are kept");
	ASSERT_EQ(sh(out, sizeof(out), STATUS, pin_dir), EXIT(0), "status: healthy");
	map_lookup(pin_dir, PIN_SETTINGS, 0, &after);
	ASSERT_TRUE(after.ticker_pid != before.ticker_pid && ticker_alive(after.ticker_pid),
		    "a new ticker");
	ASSERT_EQ(map_lookup(pin_dir, PIN_PROCS, pid, &p), 0, "still tracked");
	ASSERT_EQ(p.count[OOMK_WRITES], 50, "counter kept");
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", NULL), 5000), KILLED, "enforcing");
}

/*
 * --libc names a file without rand(): none is probed, and the rest enforces. (The libc that a
 * candidate maps is probed all the same: test_policy's libcs.)
 */
static void test_no_rand(const char *pin_dir)
{
	char out[2048];

	if (!ASSERT_EQ(install_open(pin_dir, "--libc=/bin/true", NULL), EXIT(0),
		       "install, the gate open"))
		return;
	ASSERT_EQ(sh(out, sizeof(out), STATUS, pin_dir), EXIT(0), "status: healthy");
	ASSERT_STR(out, "rand() probed in: none", "status says no libc is probed");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller-inspect --pin-dir=%s", pin_dir), EXIT(0),
		  "inspect");
	ASSERT_STR(out, "rand() probed in: none", "so does the inspector");
	ASSERT_EQ(wait_child(spawn("oomp_test_writes", NULL), 5000), KILLED, "writes still are");
	ASSERT_EQ(wait_child(spawn("oomp_test_fds", NULL), 5000), KILLED, "fds still are");
}

/* More candidates than procs holds: counted as untracked, and the map does not leak. */
static void test_procs_full(const char *pin_dir)
{
	struct oomk_state st;
	pid_t pids[8];
	int base;

	if (!ASSERT_EQ(install_closed(pin_dir, "--max-procs=4", NULL), EXIT(0), "install"))
		return;
	base = count_entries(pin_dir, PIN_PROCS);
	/* each is judged as exec renames it */
	for (int i = 0; i < 8; i++) {
		pids[i] = spawn("oomp_test_writes", "1", "60", NULL);
		ASSERT_EQ(wait_comm(pids[i], "oomp_test_write"), 0, "a candidate by its exec");
	}
	ASSERT_EQ(count_entries(pin_dir, PIN_PROCS), 4, "procs full");
	/* an exec renames before it is judged: the last one's verdict may still be coming */
	for (int waited = 0; waited < 5000; waited += 10) {
		if (!map_lookup(pin_dir, PIN_STATE, 0, &st) && st.untracked == 4 + (__u64)base)
			break;
		usleep(10000);
	}
	ASSERT_EQ(map_lookup(pin_dir, PIN_STATE, 0, &st), 0, "state");
	ASSERT_EQ(st.untracked, 4 + base, "the rest counted as untracked");
	for (int i = 0; i < 8; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < 8; i++)
		wait_child(pids[i], 1000);
	ASSERT_EQ(count_entries(pin_dir, PIN_PROCS), base, "entries back to their baseline");
}

/* A new process on an old pid starts from zero: 60 + 60 writes would reach 100. */
static void test_pid_reuse(const char *pin_dir)
{
	char last[16];
	pid_t old = -1, new = 0;
	int fd;

	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	for (int try = 0; try < 5 && new != old; try++) {
		old = spawn("oomp_test_writes", "60", NULL);
		ASSERT_EQ(wait_child(old, 5000), EXIT(0), "first process, 60 writes");
		/* the next fork takes pid old, unless something else forks first */
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
		snprintf(last, sizeof(last), "%d", old - 1);
		if (fd < 0 || write(fd, last, strlen(last)) < 0)
			break;
		close(fd);
		new = spawn("oomp_test_writes", "60", NULL);
		ASSERT_EQ(wait_child(new, 5000), EXIT(0), "second process, 60 writes, survives");
	}
	ASSERT_EQ(new, old, "the second process got the first one's pid");
}

/*
 * A process is judged by its name now: renamed into the pattern it is a candidate, out of it a
 * bystander, by prctl(PR_SET_NAME) or by a write to /proc/self/comm ("comm:" below).
 */
static void test_renames(const char *pin_dir)
{
	static const struct {
		const char *steps[2];
		int expect;
	} cases[] = {
		{ { "oomp_renamed" }, KILLED },
		{ { "oomp_renamed", "renamed" }, EXIT(0) },
		{ { "comm:oomp_by_comm" }, KILLED },
		{ { "oomp_first", "comm:by_comm" }, EXIT(0) },
	};

	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t pid = fork_child();

		if (pid == 0) {
			int comm = open("/proc/self/comm", O_WRONLY), null = open("/dev/null", 1);

			for (int n = 0; n < 2 && cases[i].steps[n]; n++) {
				const char *name = cases[i].steps[n];

				if (strncmp(name, "comm:", 5))
					prctl(PR_SET_NAME, name);
				else if (write(comm, name + 5, strlen(name + 5)) < 0)
					_exit(3);
			}
			for (int n = 0; n < 200; n++)
				if (write(null, "", 1) != 1)
					_exit(1);
			_exit(0);
		}
		ASSERT_EQ(wait_child(pid, 5000), cases[i].expect, cases[i].steps[0]);
	}
}

static void test_pin_modes(const char *pin_dir)
{
	static const char *const paths[] = { "",
					     "/" PIN_LINKS,
					     "/" PIN_PROGS,
					     "/" PIN_PROCS,
					     "/" PIN_SETTINGS,
					     "/" PIN_STATE,
					     "/" PIN_KILLS,
					     "/" PIN_LINKS "/oomk_fork",
					     "/" PIN_PROGS "/oomk_fork" };
	char path[256];
	struct stat st;

	if (!ASSERT_EQ(install_closed(pin_dir, NULL), EXIT(0), "install"))
		return;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", pin_dir, paths[i]);
		ASSERT_EQ(stat(path, &st), 0, path);
		ASSERT_EQ(st.st_uid, 0, "owned by root");
		ASSERT_EQ(st.st_mode & 0777, S_ISDIR(st.st_mode) ? 0700 : 0600, path);
	}
}

/* Only the ticker moves the gate: not a process faking sysinfo(2) results. */
static void test_spoofed_sysinfo(const char *pin_dir)
{
	struct oomk_state before, st;
	siginfo_t ended = {};
	pid_t pid;
	int opened = 0;

	/* a threshold a spoofed machine would be over */
	if (!ASSERT_EQ(install_gated(pin_dir, NULL), EXIT(0), "install") ||
	    !ASSERT_EQ(wait_gate(pin_dir, 0, 10000), 0, "gate closed"))
		return;
	map_lookup(pin_dir, PIN_STATE, 0, &before);
	pid = fork_child();
	if (pid == 0) {
		execl("/usr/bin/setpriv", "setpriv", "--reuid=65534", "--regid=65534",
		      "--clear-groups", ".output/tests/oomp_test_spoof", "2", NULL);
		_exit(127);
	}
	/* the gate at every reading while the spoofer runs, and at the one after */
	while (!waitid(P_PID, pid, &ended, WEXITED | WNOHANG | WNOWAIT) && !ended.si_pid) {
		map_lookup(pin_dir, PIN_STATE, 0, &st);
		opened += st.gate;
		usleep(20000);
	}
	ASSERT_EQ(wait_readings(pin_dir, 1), 0, "a reading after it");
	map_lookup(pin_dir, PIN_STATE, 0, &st);
	opened += st.gate;
	ASSERT_EQ(wait_child(pid, 1000), EXIT(0), "the spoofer ran");
	ASSERT_EQ(opened, 0, "the gate never opened");
	ASSERT_TRUE(st.total == before.total && st.used < (1ULL << 40), "readings are real");
	ASSERT_TRUE(st.readings > before.readings, "the ticker went on");
}

/* Everything a violator does, by processes whose name does not match, beside violators. */
static void *idle(void *arg)
{
	return arg;
}

static void bystander(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons(port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY), one = 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	static char buf[1 << 16];
	pthread_t t;

	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		_exit(1);
	for (int i = 0; i < 1200; i++)
		if (write(null, buf, 1) != 1 || send(s, buf, 1, 0) != 1 || rand() < 0)
			_exit(1);
	for (int i = 0; i < 200; i++)
		if (read(zero, buf, sizeof(buf)) != sizeof(buf))
			_exit(1);
	for (int i = 0; i < 120; i++)
		if (pthread_create(&t, NULL, idle, NULL) || pthread_join(t, NULL) || dup(null) < 0)
			_exit(1);
	_exit(0);
}

static void test_bystander_swarm(const char *pin_dir)
{
	static const char *const violators[] = { "oomp_test_fds", "oomp_test_threads",
						 "oomp_test_reads", "oomp_test_writes",
						 "oomp_test_rand" };
	int survived = 0, killed = 0;
	pid_t swarm[200], peer;
	char port[16];

	if (!ASSERT_EQ(install_open(pin_dir, NULL), EXIT(0), "install, the gate open"))
		return;
	peer = start_peer(port, sizeof(port));
	ASSERT_TRUE(peer > 0, "loopback TCP peer");
	for (int i = 0; i < 200; i++) {
		swarm[i] = fork_child();
		if (swarm[i] == 0)
			bystander(atoi(port));
	}
	for (size_t i = 0; i < sizeof(violators) / sizeof(violators[0]); i++)
		killed += wait_child(spawn(violators[i], NULL), 20000) == KILLED;
	for (int i = 0; i < 200; i++)
		survived += wait_child(swarm[i], 60000) == EXIT(0);
	ASSERT_EQ(survived, 200, "every bystander survived");
	ASSERT_EQ(killed, 5, "every violator beside them was killed");
	ASSERT_TRUE(alive(peer), "the TCP peer survived");
}

/* Never candidates, whatever --name says: init, kernel threads, oomkiller's own processes. */
/*
 * Tiny limits, the gate open from the start: oomkiller's processes, run from dir, match its
 * names and live on.
 */
static void matching_itself(const char *pin_dir, const char *dir)
{
	char out[8192];
	struct oomk_state st;

	if (!ASSERT_EQ(sh(out, sizeof(out),
			  "%s/oomkiller install --pin-dir=%s --name=oomkiller --mem-threshold=0 "
			  "--max-fds=1 --max-writes=1 --max-read=1 --tick=100",
			  dir, pin_dir),
		       EXIT(0), "install matching itself"))
		return;
	ASSERT_EQ(wait_readings(pin_dir, 5), 0, "five readings, the gate open");
	ASSERT_EQ(sh(out, sizeof(out), "%s/oomkiller status --pin-dir=%s", dir, pin_dir), EXIT(0),
		  "status runs, ticker lives");
	ASSERT_EQ(sh(out, sizeof(out), "%s/oomkiller-inspect --pin-dir=%s", dir, pin_dir), EXIT(0),
		  "the inspector runs");
	ASSERT_EQ(map_lookup(pin_dir, PIN_STATE, 0, &st), 0, "state");
	ASSERT_EQ(st.kills, 0, "nothing killed");
	ASSERT_EQ(sh(out, sizeof(out), "%s/oomkiller uninstall --pin-dir=%s", dir, pin_dir),
		  EXIT(0), "uninstall runs");
}

static void test_protected(const char *pin_dir)
{
	char comm[32] = "", out[8192];
	int fd = open("/proc/1/comm", O_RDONLY), n;

	n = fd < 0 ? 0 : read(fd, comm, sizeof(comm) - 1);
	comm[n > 0 ? n - 1 : 0] = '\0';
	close(fd);
	for (int i = 0; i < 2; i++) {
		char name[64];

		snprintf(name, sizeof(name), "--name=%.15s", i ? "kworker" : comm);
		if (!ASSERT_EQ(install_closed(pin_dir, name, NULL), EXIT(0), name))
			return;
		sh(out, sizeof(out), "cat %s/" PIN_JUDGE_ALL, pin_dir);
		ASSERT_TRUE(!out[0], "no candidate: neither init nor a kernel thread");
		ASSERT_EQ(oomkiller(pin_dir, "uninstall", NULL), EXIT(0), "uninstall");
	}
	matching_itself(pin_dir, ".");
}

/*
 * Run from an overlay, as in a container image: there stat() of the binaries gives another
 * inode than the one BPF sees, and oomkiller must still know its own processes.
 */
static void test_protected_overlay(const char *pin_dir)
{
	char dir[] = "/tmp/oomk-overlay.XXXXXX", out[1024];
	int ret;

	if (!ASSERT_TRUE(mkdtemp(dir), "a temporary directory"))
		return;
	/* a tmpfs under it all, so that the upper layer may be anywhere, an overlay itself */
	ret = sh(out, sizeof(out),
		 "mount -t tmpfs tmpfs %s && cp -p oomkiller oomkiller-inspect %s && cd %s && "
		 "mkdir lower upper work merged && mv oomkiller oomkiller-inspect lower && "
		 "mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged",
		 dir, dir, dir);
	if (ASSERT_EQ(ret, EXIT(0), "oomkiller's binaries on an overlay mount")) {
		snprintf(out, sizeof(out), "%s/merged", dir);
		matching_itself(pin_dir, out);
	}
	sh(out, sizeof(out), "umount %s/merged; umount %s; rmdir %s", dir, dir, dir);
}

static void test_soak(const char *pin_dir)
{
	char out[4096];

	ASSERT_EQ(sh(out, sizeof(out), ".output/tests/soak --seconds=30 --pin-dir=%s", pin_dir),
		  EXIT(0), "30 s of churn: targets met");
	fputs(out, stderr);
}

TEST_MAIN(TEST(bad_input), TEST(install_twice), TEST(uninstall_faults), TEST(bpffs_unmounted),
	  TEST(ticker_restart), TEST(no_rand), TEST(procs_full), TEST(pid_reuse), TEST(renames),
	  TEST(pin_modes), TEST(spoofed_sysinfo), TEST(bystander_swarm), TEST(protected),
	  TEST(protected_overlay), TEST(soak))
