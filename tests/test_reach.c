// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12, "beyond the 15-byte name": a test per item of its §4, each against the real
 * kernel. Candidates by executable and command line, and their exclusions; the process group
 * or the cgroup killed, never a protected process; the --cgroup scope; the cgroup, PSI and
 * RAM,PSI gates; what the inspector and the kill log say of it all. Cgroups are made in the
 * hierarchy that holds the memory controller: v1 on a host that binds it there, v2 in the
 * kernel matrix's VMs (helpers.c).
 *
 * Installs are system wide and other test binaries may run beside this one: every workload's
 * name and command line here has a word no other process has (reach12-, no "oomp"), and every
 * install names candidates by such words only, so that neither counts the other's processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include "test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define INSPECT	      "./oomkiller-inspect --pin-dir=%s"
#define MIB	      (1ULL << 20)
/*
 * NOBODY: a name no process has, so that the candidates are only those that --exe or --cmdline
 * make. PSI_PCT: the pressure that opens the PSI gate here, well above an idle machine's 0 and
 * well below the 30% and more that press() makes. CG_LIMIT: memory.max of the cgroup that the
 * cgroup gate tests fill; PRESS_LIMIT: what press() is held to.
 */
#define NOBODY	    "--name=zzz-nomatch"
#define PSI_PCT	    10
#define PSI_OPT	    "--psi=some:avg10>=10"
#define CG_LIMIT    (64 * MIB)
#define PRESS_LIMIT (32 * MIB)

/* for the tests that make cgroups: SKIP where no hierarchy has the memory controller */
#define NEED_CGROUPS()                                                          \
	do {                                                                    \
		if (!cg_version())                                              \
			SKIP("no cgroup hierarchy with the memory controller"); \
	} while (0)

/* installed with these options, the RAM gate open: for what is not about the gate */
#define INSTALL_OPEN(pin_dir, ...) \
	ASSERT_EQ(install_open(pin_dir, __VA_ARGS__, NULL), 0, "install, the gate open")

/*
 * Copies of the workloads under paths of the tests' own, made once: bin/ is what --exe names,
 * other/ and spared/ hold the same binary elsewhere, py/ an interpreter and its scripts.
 */
static char work[] = "/tmp/oomk-reach-XXXXXX";

/*
 * The scripts: a real interpreter (the system's /bin/sh) under the name of the issue's
 * example, "python3 worker.py", its name not a candidate's. Each echo is one write(2).
 */
static const char script_text[] =
	"# 150 writes: killed at the 100th where it is a candidate\n"
	"i=0\n"
	"while [ $i -lt 150 ]; do echo x; i=$((i + 1)); done >/dev/null\n";

static bool work_ready(void)
{
	static const char *const copies[][2] = {
		{ ".output/tests/wait_writes", "bin" },
		{ ".output/tests/wait_writes", "other" },
		{ ".output/tests/wait_writes", "spared" },
		{ ".output/tests/hold_state", "bin" },
		{ "/bin/sh", "py/python3" },
	};
	static const char *const scripts[] = { "reach12-worker.py", "reach12-other.py",
					       "reach12-keep.py" };
	static int ready = -1;
	char path[300], out[1024];

	if (ready >= 0)
		return ASSERT_TRUE(ready, "copies of the workloads");
	ready = mkdtemp(work) && !sh(out, sizeof(out), "cd %s && mkdir bin other spared py", work);
	for (size_t i = 0; ready && i < ARRAY_SIZE(copies); i++)
		ready = !sh(out, sizeof(out), "cp %s %s/%s", copies[i][0], work, copies[i][1]);
	for (size_t i = 0; ready && i < ARRAY_SIZE(scripts); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/py/%s", work, scripts[i]);
		f = fopen(path, "we");
		ready = f && fputs(script_text, f) >= 0;
		ready = f && !fclose(f) && ready;
	}
	return ASSERT_TRUE(ready, "copies of the workloads");
}

/* work/SUB, in path */
static const char *in_work(char *path, size_t len, const char *sub)
{
	snprintf(path, len, "%s/%s", work, sub);
	return path;
}

/* sig is blocked in pid (/proc/PID/status, SigBlk): a workload that does so last is ready */
static int wait_blocked(pid_t pid, int sig)
{
	char path[64], line[256];
	unsigned long long mask;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (int waited = 0; waited <= 5000; waited++) {
		FILE *f = fopen(path, "re");
		bool blocked = false;

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &mask) == 1)
				blocked = mask & (1ULL << (sig - 1));
		if (f)
			fclose(f);
		if (blocked)
			return 0;
		if (!f)
			break;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

/* wait_writes COUNT WORDS... from prog (a path, or under .output/tests), ready for SIGUSR1 */
#define WAITING(prog, ...)                                                     \
	({                                                                     \
		pid_t ___pid = spawn(prog, "150", __VA_ARGS__, NULL);          \
		ASSERT_EQ(wait_blocked(___pid, SIGUSR1), 0, "workload ready"); \
		___pid;                                                        \
	})

/* what made pid a candidate (OOMK_WHY_*), or -1: not one */
static int why_of(const char *pin_dir, pid_t pid)
{
	struct oomk_proc p;

	return map_lookup(pin_dir, PIN_PROCS, pid, &p) ? -1 : (int)p.why;
}

/* pid's command line, its arguments joined by spaces */
static const char *cmdline(pid_t pid, char *text, size_t len)
{
	char path[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? 0 : read(fd, text, len - 1);
	close(fd);
	for (int i = 0; i < n; i++)
		text[i] = text[i] ?: ' ';
	text[n > 0 ? n : 0] = '\0';
	return text;
}

/* SIGUSR1 to pid, a workload of ours: never to what kill() takes -1 or 0 for */
static int go(pid_t pid)
{
	return pid > 0 ? kill(pid, SIGUSR1) : -ESRCH;
}

/* What becomes of a workload once told to go (SIGUSR1): killed for its 100th write, or not. */
struct fate {
	pid_t pid;
	int expect; /* KILLED or EXIT(0) */
	const char *what;
};

static void go_and_check(const char *pin_dir, const struct fate *f, size_t n)
{
	char what[160];

	for (size_t i = 0; i < n; i++) {
		if (!ASSERT_EQ(go(f[i].pid), 0, "go"))
			continue;
		if (!ASSERT_EQ(wait_child(f[i].pid, 5000), f[i].expect, f[i].what) ||
		    f[i].expect != KILLED)
			continue;
		snprintf(what, sizeof(what), "%s: the kill log says writes 100", f[i].what);
		ASSERT_TRUE(logged_kill(pin_dir, f[i].pid, "writes", 100), what);
	}
}

#define GO_AND_CHECK(pin_dir, ...)                             \
	do {                                                   \
		const struct fate ___f[] = { __VA_ARGS__ };    \
		go_and_check(pin_dir, ___f, ARRAY_SIZE(___f)); \
	} while (0)

/*
 * 1. --exe: a path the binary was exec'd from, judged at exec and, for what runs already, at
 * install; its name is no candidate's. The same binary elsewhere is not one.
 */
static void test_exe(const char *pin_dir)
{
	char bin[300], other[300], exe[300];
	pid_t before_in, before_out, in, out;

	if (!work_ready())
		return;
	in_work(bin, sizeof(bin), "bin/wait_writes");
	in_work(other, sizeof(other), "other/wait_writes");
	snprintf(exe, sizeof(exe), "--exe=%s/bin/", work);
	before_in = WAITING(bin, "before");
	before_out = WAITING(other, "before");
	if (!INSTALL_OPEN(pin_dir, NOBODY, exe))
		return;
	in = WAITING(bin, "after");
	out = WAITING(other, "after");
	ASSERT_EQ(why_of(pin_dir, before_in), OOMK_WHY_EXE, "running under --exe: a candidate");
	ASSERT_EQ(why_of(pin_dir, in), OOMK_WHY_EXE, "exec'd under --exe: a candidate");
	ASSERT_EQ(why_of(pin_dir, before_out), -1, "running from elsewhere: not one");
	ASSERT_EQ(why_of(pin_dir, out), -1, "exec'd from elsewhere: not one");
	GO_AND_CHECK(pin_dir, { before_in, KILLED, "running at install, under --exe: killed" },
		     { in, KILLED, "exec'd under --exe: killed" },
		     { before_out, EXIT(0), "the same binary elsewhere, running: spared" },
		     { out, EXIT(0), "the same binary elsewhere, exec'd: spared" });
}

/* script under work/py, run by its interpreter: KILLED or EXIT(0), as what says */
static void run_script(const char *pin_dir, const char *script, int expect, const char *what)
{
	char py[300], path[300], why[160];
	pid_t pid = spawn(in_work(py, sizeof(py), "py/python3"),
			  in_work(path, sizeof(path), script), NULL);

	if (ASSERT_EQ(wait_child(pid, 10000), expect, what) && expect == KILLED) {
		snprintf(why, sizeof(why), "%s: the kill log says writes 100", what);
		ASSERT_TRUE(logged_kill(pin_dir, pid, "writes", 100), why);
	}
}

/*
 * 1. --cmdline: "python3 worker.py" (its name python3) is killed, "python3 other.py" doing
 * the same is not; processes running at install are judged by their command line too.
 */
static void test_cmdline(const char *pin_dir)
{
	pid_t before_in, before_out;

	if (!work_ready())
		return;
	before_in = WAITING("wait_writes", "reach12-worker.py");
	before_out = WAITING("wait_writes", "reach12-other.py");
	if (!INSTALL_OPEN(pin_dir, NOBODY, "--cmdline=reach12-worker.py"))
		return;
	run_script(pin_dir, "py/reach12-worker.py", KILLED, "python3 worker.py: killed");
	run_script(pin_dir, "py/reach12-other.py", EXIT(0), "python3 other.py: spared");
	ASSERT_EQ(why_of(pin_dir, before_in), OOMK_WHY_CMDLINE, "running, worker.py: a candidate");
	ASSERT_EQ(why_of(pin_dir, before_out), -1, "running, other.py: not one");
	GO_AND_CHECK(pin_dir, { before_in, KILLED, "running at install with worker.py: killed" },
		     { before_out, EXIT(0), "running at install with other.py: spared" });
}

/*
 * 1. Judged by the command line it exec'd with: one that rewrites its argv afterwards (and
 * renames itself, which judges it again) stays what its exec made it, either way.
 */
static void test_cmdline_exec(const char *pin_dir)
{
	char text[512];
	pid_t hid, shown;

	if (!INSTALL_OPEN(pin_dir, NOBODY, "--cmdline=reach12-worker.py"))
		return;
	/* its case swapped: exec'd with worker.py, shows WORKER.PY; and the other way round */
	hid = WAITING("wait_writes", "flip", "reach12-worker.py");
	shown = WAITING("wait_writes", "flip", "REACH12-WORKER.PY");
	ASSERT_STR(cmdline(hid, text, sizeof(text)), "FLIP REACH12-WORKER.PY", "argv rewritten");
	ASSERT_STR(cmdline(shown, text, sizeof(text)), "FLIP reach12-worker.py", "argv rewritten");
	ASSERT_EQ(wait_comm(hid, "wait_flipped"), 0, "and renamed");
	ASSERT_EQ(why_of(pin_dir, hid), OOMK_WHY_CMDLINE, "exec'd with worker.py: a candidate");
	ASSERT_EQ(why_of(pin_dir, shown), -1, "exec'd without: not one");
	GO_AND_CHECK(pin_dir, { hid, KILLED, "exec'd with worker.py, shows it no more: killed" },
		     { shown, EXIT(0), "exec'd without worker.py, shows it now: spared" });
}

/* 1. --exclude-exe: a candidate by name is not one where its binary lies under it. */
static void test_exclude_exe(const char *pin_dir)
{
	char bin[300], spared[300], exclude[300];
	pid_t in, out;

	if (!work_ready())
		return;
	snprintf(exclude, sizeof(exclude), "--exclude-exe=%s/spared/", work);
	if (!INSTALL_OPEN(pin_dir, "--name=wait_writes", exclude))
		return;
	in = WAITING(in_work(bin, sizeof(bin), "bin/wait_writes"), "in");
	out = WAITING(in_work(spared, sizeof(spared), "spared/wait_writes"), "out");
	ASSERT_EQ(why_of(pin_dir, in), OOMK_WHY_NAME, "by its name: a candidate");
	ASSERT_EQ(why_of(pin_dir, out), -1, "the same, under --exclude-exe: not one");
	GO_AND_CHECK(pin_dir, { in, KILLED, "a candidate by name: killed" },
		     { out, EXIT(0), "under --exclude-exe: spared" });
}

/* 1. --exclude-cmdline: what --cmdline takes, unless its command line has this too. */
static void test_exclude_cmdline(const char *pin_dir)
{
	pid_t in, out;

	if (!work_ready() ||
	    !INSTALL_OPEN(pin_dir, NOBODY, "--cmdline=reach12-", "--exclude-cmdline=reach12-keep"))
		return;
	run_script(pin_dir, "py/reach12-worker.py", KILLED, "python3 worker.py: killed");
	run_script(pin_dir, "py/reach12-keep.py", EXIT(0), "python3 keep.py: spared");
	in = WAITING("wait_writes", "reach12-job.py");
	out = WAITING("wait_writes", "reach12-keep.py");
	ASSERT_EQ(why_of(pin_dir, in), OOMK_WHY_CMDLINE, "job.py: a candidate");
	ASSERT_EQ(why_of(pin_dir, out), -1, "keep.py: not one");
	GO_AND_CHECK(pin_dir, { in, KILLED, "job.py: killed" },
		     { out, EXIT(0), "keep.py: spared" });
}

/*
 * 1. The inspector says, per candidate, why it is one and its cgroup: a candidate by name, one
 * by exe, one by cmdline, each only by that, all in a cgroup of the test's own. The words
 * are asserted, not the layout: WHY holds name, exe or cmdline; the cgroup's path is shown.
 */
static void test_inspect_why(const char *pin_dir)
{
	static const struct {
		const char *name; /* the name hold_state takes */
		const char *prog;
		const char *why;
		int bit;
	} kinds[] = {
		{ "reach12-alpha", "hold_state", "name", OOMK_WHY_NAME },
		{ "reach12-beta", "bin/hold_state", "exe", OOMK_WHY_EXE },
		{ "reach12-gamma", "hold_state", "cmdline", OOMK_WHY_CMDLINE },
	};
	char exe[300], prog[300], out[16384], line[512], what[128];
	const char *base_name;
	struct test_cg cg;
	pid_t pids[3];

	NEED_CGROUPS();

	if (!work_ready() || !ASSERT_EQ(cg_make(&cg, NULL, "inspect"), 0, "a test cgroup"))
		return;
	base_name = strrchr(cg.path, '/') + 1;
	snprintf(exe, sizeof(exe), "--exe=%s/bin/", work);
	if (!ASSERT_EQ(install_closed(pin_dir, "--name=reach12-alpha", exe,
				      "--cmdline=reach12-gamma", NULL),
		       EXIT(0), "install"))
		return;
	for (int i = 0; i < 3; i++) {
		strcpy(prog, kinds[i].prog);
		if (strchr(prog, '/'))
			in_work(prog, sizeof(prog), kinds[i].prog);
		pids[i] = spawn_in(&cg, prog, "fds", "1", kinds[i].name, NULL);
		ASSERT_EQ(wait_comm(pids[i], kinds[i].name), 0, "an idle workload, renamed");
		ASSERT_TRUE(cg_holds(&cg, pids[i]), "in the test cgroup");
		snprintf(what, sizeof(what), "a candidate by %s only", kinds[i].why);
		ASSERT_EQ(why_of(pin_dir, pids[i]), kinds[i].bit, what);
	}
	ASSERT_EQ(sh(out, sizeof(out), INSPECT, pin_dir), EXIT(0), "inspect");
	for (int i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "the row of a candidate by %s", kinds[i].why);
		if (!ASSERT_TRUE(table_row(out, pids[i], line, sizeof(line)), what))
			continue;
		snprintf(what, sizeof(what), "the row of a candidate by %s says so", kinds[i].why);
		ASSERT_STR(line, kinds[i].why, what);
		ASSERT_STR(line, base_name, "and shows its cgroup");
	}
	for (int i = 0; i < 3; i++) {
		/* why as a string ("exe", "name,exe") or a list (["exe"]): its words */
		snprintf(what, sizeof(what), "--json: why [\"%s\"] and the cgroup", kinds[i].why);
		ASSERT_EQ(sh(out, sizeof(out),
			     INSPECT
			     " --json | jq -en 'input | [.processes[] | select(.pid == %d)] | "
			     "length == 1 and ([.[0].why | if type == \"array\" then .[] "
			     "else tostring | scan(\"[a-z]+\") end] == [\"%s\"]) and "
			     "(.[0].cgroup | tostring | contains(\"%s\"))'",
			     pin_dir, pids[i], kinds[i].why, base_name),
			  EXIT(0), what);
	}
}

/*
 * A process of the test's own, forked, to be one of a unit: its process group and cgroup set,
 * then named (which makes it a candidate by name, and tells the test it is ready); on SIGUSR1
 * it makes its writes.
 */
struct member {
	const char *name;
	pid_t pgrp; /* -1: ours; 0: a new group of its own; else that group */
	const struct test_cg *cg; /* NULL: ours */
	int writes; /* one-byte writes to /dev/null on SIGUSR1, then it exits 0; 0: it idles */
	bool stay; /* it idles after its writes, as an idle violator does */
	bool shielded; /* oom_score_adj -1000 */
};

static void __attribute__((noreturn)) member_run(const struct member *m)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC), adj = -1, sig;
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (m->shielded)
		adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) || fd < 0 ||
	    (m->pgrp >= 0 && setpgid(0, m->pgrp)) || (m->cg && cg_move(m->cg, 0)) ||
	    (m->shielded && write(adj, "-1000", 5) != 5) || prctl(PR_SET_NAME, m->name))
		_exit(126);
	if (sigwait(&usr1, &sig))
		_exit(126);
	for (int i = 0; i < m->writes; i++)
		if (write(fd, "x", 1) != 1)
			_exit(1);
	while (!m->writes || m->stay)
		pause();
	_exit(0);
}

/* pid of a member ready for SIGUSR1, or -1 */
static pid_t member(const struct member *m)
{
	pid_t pid = fork_child();

	if (pid == 0)
		member_run(m);
	if (pid < 0 || wait_comm(pid, m->name))
		return -1;
	return pid;
}

/*
 * The last entry of the kill log: pid's, a kill of its unit that n processes were sent. (jq
 * -en 'input | ...': jq 1.6's -e says true of no input at all, as when the inspector fails.)
 */
static bool logged_unit(const char *pin_dir, pid_t pid, const char *unit, int n)
{
	char out[4096];

	return !sh(out, sizeof(out),
		   INSPECT
		   " --json | jq -en 'input | .kills[-1] | .pid == %d and .unit == \"%s\" and "
		   ".signalled == %d'",
		   pin_dir, pid, unit, n);
}

/* The last entry of the kill log for pid, from the pinned map: 0, or -ENOENT. */
static int last_kill(const char *pin_dir, pid_t pid, struct oomk_kill *k)
{
	struct oomk_kill e;
	__u64 seq = 0;

	for (__u32 i = 0; i < OOMK_KILL_LOG; i++) {
		if (!map_lookup(pin_dir, PIN_KILLS, i, &e) && e.pid == (__u32)pid && e.seq > seq) {
			*k = e;
			seq = e.seq;
		}
	}
	return seq ? 0 : -ENOENT;
}

/* each of pids ends killed, what says who they are */
static void all_killed(const pid_t *pids, int n, const char *what)
{
	for (int i = 0; i < n; i++)
		ASSERT_EQ(wait_child(pids[i], 5000), KILLED, what);
}

/* 2. --kill=group: the offender's process group of three dies; one outside, same name, lives. */
static void test_kill_group(const char *pin_dir)
{
	struct member m = { .name = "reach12-group", .pgrp = 0 };
	pid_t group[3], outside;

	if (!INSTALL_OPEN(pin_dir, "--name=reach12-group", "--kill=group"))
		return;
	group[0] = member(&m);
	m.pgrp = group[0];
	group[1] = member(&m);
	m.writes = 150;
	group[2] = member(&m); /* the offender */
	outside = member(&(struct member){ .name = "reach12-group", .pgrp = 0 });
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(getpgid(group[i]), group[0], "the leader, two members: one group");
	ASSERT_EQ(getpgid(outside), outside, "and one in a group of its own");
	ASSERT_EQ(go(group[2]), 0, "go");
	all_killed(group, 3, "the offender's group: killed");
	ASSERT_TRUE(logged_unit(pin_dir, group[2], "group", 3), "the kill log: group, 3 signalled");
	ASSERT_EQ(wait_readings(pin_dir, 2), 0, "two readings later");
	ASSERT_TRUE(alive(outside), "the one outside the group lives");
}

/* 2. --kill=cgroup: the offender's cgroup of three is emptied; its parent's process lives. */
static void test_kill_cgroup(const char *pin_dir)
{
	struct member m = { .name = "reach12-cgroup", .pgrp = -1 };
	struct test_cg parent, unit;
	pid_t in[3], outside;

	NEED_CGROUPS();

	if (!ASSERT_EQ(cg_make(&parent, NULL, "kill"), 0, "a test cgroup") ||
	    !ASSERT_EQ(cg_make(&unit, &parent, "unit"), 0, "and one below it") ||
	    !INSTALL_OPEN(pin_dir, "--name=reach12-cgroup", "--kill=cgroup"))
		return;
	m.cg = &parent;
	outside = member(&m);
	m.cg = &unit;
	in[0] = member(&m);
	in[1] = member(&m);
	m.writes = 150;
	in[2] = member(&m); /* the offender */
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(cg_holds(&unit, in[i]), "three in the cgroup");
	ASSERT_TRUE(cg_holds(&parent, outside), "one in its parent");
	ASSERT_EQ(go(in[2]), 0, "go");
	all_killed(in, 3, "the offender's cgroup: killed");
	ASSERT_EQ(cg_count(&unit), 0, "the cgroup is empty");
	ASSERT_TRUE(logged_unit(pin_dir, in[2], "cgroup", 3), "the kill log: cgroup, 3 signalled");
	ASSERT_EQ(wait_readings(pin_dir, 2), 0, "two readings later");
	ASSERT_TRUE(alive(outside), "the process of the parent cgroup lives");
}

/* A process of ours may take oom_score_adj -1000: it needs CAP_SYS_RESOURCE, which some
 * sandboxes take from root. */
static bool can_shield(void)
{
	pid_t pid = fork_child();

	if (pid == 0) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

		_exit(fd >= 0 && write(fd, "-1000", 5) == 5 ? 0 : 1);
	}
	return wait_child(pid, 5000) == EXIT(0);
}

#define NO_SHIELD "oom_score_adj -1000 is refused here (no CAP_SYS_RESOURCE)"

/* 2. Whatever the unit: a member of the killed group with oom_score_adj -1000 lives. */
static void test_group_protected(const char *pin_dir)
{
	struct member m = { .name = "reach12-shield", .pgrp = 0 };
	pid_t group[3], shielded;

	if (!can_shield())
		SKIP(NO_SHIELD);
	if (!INSTALL_OPEN(pin_dir, "--name=reach12-shield", "--kill=group"))
		return;
	group[0] = member(&m);
	m.pgrp = group[0];
	group[1] = member(&m);
	shielded = member(
		&(struct member){ .name = "reach12-shield", .pgrp = group[0], .shielded = true });
	m.writes = 150;
	group[2] = member(&m);
	ASSERT_EQ(getpgid(shielded), group[0], "the shielded one is of the group");
	ASSERT_EQ(go(group[2]), 0, "go");
	all_killed(group, 3, "the group: killed");
	ASSERT_TRUE(logged_unit(pin_dir, group[2], "group", 3), "the kill log: group, 3 signalled");
	ASSERT_TRUE(alive(shielded), "oom_score_adj -1000: lives");
}

/*
 * 2. Whatever the unit: in the killed cgroup, oomkiller's own ticker (installed from there)
 * and a process with oom_score_adj -1000, where one can be made, live.
 */
static void test_cgroup_protected(const char *pin_dir)
{
	struct member m = { .name = "reach12-shield", .pgrp = -1 };
	bool shield = can_shield();
	struct oomk_settings set;
	pid_t in[3], shielded = 0;
	struct test_cg cg;
	char out[4096];

	NEED_CGROUPS();

	if (!ASSERT_EQ(cg_make(&cg, NULL, "shield"), 0, "a test cgroup") ||
	    !ASSERT_EQ(install_open_in(&cg, pin_dir, "--name=reach12-shield", "--kill=cgroup",
				       NULL),
		       0, "install from the test cgroup, the gate open") ||
	    !ASSERT_EQ(map_lookup(pin_dir, PIN_SETTINGS, 0, &set), 0, "settings") ||
	    !ASSERT_TRUE(cg_holds(&cg, set.ticker_pid), "its ticker is in the test cgroup"))
		return;
	m.cg = &cg;
	in[0] = member(&m);
	in[1] = member(&m);
	if (shield) {
		shielded = member(&(struct member){
			.name = "reach12-shield", .pgrp = -1, .cg = &cg, .shielded = true });
		ASSERT_TRUE(cg_holds(&cg, shielded), "the shielded one is in the cgroup");
	}
	m.writes = 150;
	in[2] = member(&m);
	ASSERT_EQ(go(in[2]), 0, "go");
	all_killed(in, 3, "the cgroup: killed");
	ASSERT_TRUE(logged_unit(pin_dir, in[2], "cgroup", 3), "the kill log: cgroup, 3 signalled");
	ASSERT_TRUE(ticker_alive(set.ticker_pid), "the ticker lives");
	ASSERT_EQ(sh(out, sizeof(out), "./oomkiller status --pin-dir=%s", pin_dir), EXIT(0),
		  "status: healthy");
	if (!shield)
		SKIP("the ticker lives; " NO_SHIELD);
	ASSERT_TRUE(alive(shielded), "oom_score_adj -1000: lives");
}

/*
 * 1. --cgroup: only processes in its subtree are candidates, judged again as they move. The
 * scope is parent/in; the offenders are identical.
 */
static void test_cgroup_scope(const char *pin_dir)
{
	struct test_cg parent, in, deeper, out;
	char scope[300];
	struct member m = { .name = "reach12-scope", .pgrp = -1, .writes = 150 };
	pid_t below, outside, moved_in, moved_out;

	NEED_CGROUPS();

	if (!ASSERT_EQ(cg_make(&parent, NULL, "scope"), 0, "a test cgroup") ||
	    !ASSERT_EQ(cg_make(&in, &parent, "in"), 0, "the scope") ||
	    !ASSERT_EQ(cg_make(&deeper, &in, "deeper"), 0, "a cgroup in the scope") ||
	    !ASSERT_EQ(cg_make(&out, &parent, "out"), 0, "one beside it"))
		return;
	snprintf(scope, sizeof(scope), "--cgroup=%s", in.rel);
	if (!INSTALL_OPEN(pin_dir, "--name=reach12-scope", scope))
		return;
	m.cg = &deeper;
	below = member(&m);
	moved_out = member(&m);
	m.cg = &out;
	outside = member(&m);
	moved_in = member(&m);
	ASSERT_EQ(why_of(pin_dir, below), OOMK_WHY_NAME, "in the subtree: a candidate");
	ASSERT_EQ(why_of(pin_dir, outside), -1, "outside: not one");
	ASSERT_EQ(cg_move(&in, moved_in), 0, "one moved into the scope");
	ASSERT_EQ(cg_move(&out, moved_out), 0, "one moved out of it");
	ASSERT_TRUE(cg_holds(&in, moved_in) && cg_holds(&out, moved_out), "moved");
	ASSERT_EQ(why_of(pin_dir, moved_in), OOMK_WHY_NAME, "moved in: a candidate");
	ASSERT_EQ(why_of(pin_dir, moved_out), -1, "moved out: not one");
	GO_AND_CHECK(pin_dir, { below, KILLED, "in the subtree: killed" },
		     { outside, EXIT(0), "outside: spared" },
		     { moved_in, KILLED, "moved into it: killed" },
		     { moved_out, EXIT(0), "moved out of it: spared" });
}

/*
 * A balloon in cg: touches anonymous memory a MiB at a time until the cgroup uses pct of
 * limit, then holds it. Its pid, once that much is used; -1 if it never is.
 */
static pid_t fill(const struct test_cg *cg, __u64 limit, int pct)
{
	__u64 target = limit / 100 * pct;
	pid_t pid = fork_child();

	if (pid == 0) {
		char *p = mmap(NULL, limit, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);

		if (p == MAP_FAILED || cg_move(cg, 0))
			_exit(126);
		for (__u64 at = 0; at + MIB <= limit && cg_usage(cg) < target; at += MIB)
			memset(p + at, 1, MIB);
		for (;;)
			pause();
	}
	for (int waited = 0; waited < 10000 && cg_usage(cg) < target; waited += 10)
		usleep(10000);
	return cg_usage(cg) >= target ? pid : -1;
}

/*
 * 3. --gate=cgroup alone, threshold as given: a candidate over a limit in a cgroup that uses
 * little of its memory.max is not killed, whatever the RAM; once a balloon fills the cgroup to
 * 90% of it, it is.
 */
static void gate_cgroup(const char *pin_dir, const char *threshold)
{
	struct member m = { .name = "reach12-cgate", .pgrp = -1, .writes = 150, .stay = true };
	struct oomk_proc p;
	struct oomk_kill k;
	struct test_cg cg;
	pid_t offender;

	if (!ASSERT_EQ(cg_make(&cg, NULL, "cgate"), 0, "a test cgroup") ||
	    !ASSERT_EQ(cg_limit(&cg, false, CG_LIMIT), 0, "its memory.max: 64 MiB") ||
	    !ASSERT_EQ(oomkiller(pin_dir, "install", "--tick=100", "--name=reach12-cgate",
				 "--gate=cgroup", threshold, NULL),
		       EXIT(0), "install --gate=cgroup"))
		return;
	m.cg = &cg;
	offender = member(&m);
	ASSERT_EQ(go(offender), 0, "go");
	ASSERT_EQ(wait_over(pin_dir, offender, &p), 0, "150 writes: over");
	ASSERT_TRUE(cg_usage(&cg) < CG_LIMIT / 2, "the cgroup uses less than half its memory.max");
	ASSERT_EQ(wait_readings(pin_dir, 3), 0, "three readings");
	ASSERT_TRUE(alive(offender), "its cgroup far from its limit: not killed");
	ASSERT_TRUE(fill(&cg, CG_LIMIT, 90) > 0, "a balloon fills the cgroup to 90% of memory.max");
	if (ASSERT_EQ(wait_child(offender, 3000), KILLED, "its cgroup near its limit: killed") &&
	    ASSERT_EQ(last_kill(pin_dir, offender, &k), 0, "the kill is logged"))
		ASSERT_TRUE(k.gates & OOMK_GATE_CGROUP, "with the cgroup gate open");
}

/* 3. --mem-threshold=80%: of the cgroup's memory.max; 80% of RAM is far from used. */
static void test_gate_cgroup_pct(const char *pin_dir)
{
	struct oomk_state st = {};
	struct sysinfo si;

	NEED_CGROUPS();

	sysinfo(&si);
	ASSERT_TRUE(ram_used() < (__u64)si.totalram * si.mem_unit / 2, "less than half RAM used");
	gate_cgroup(pin_dir, "--mem-threshold=80%");
	if (!access(pin_dir, F_OK) && !map_lookup(pin_dir, PIN_STATE, 0, &st))
		ASSERT_EQ(st.gate & OOMK_GATE_RAM, 0, "the RAM gate, 80% of RAM, stayed closed");
}

/* 3. --mem-threshold in bytes, which RAM used is far over: only the cgroup gate counts. */
static void test_gate_cgroup_bytes(const char *pin_dir)
{
	NEED_CGROUPS();
	ASSERT_TRUE(ram_used() > 48 * MIB, "RAM used over 48 MiB");
	gate_cgroup(pin_dir, "--mem-threshold=48MiB");
}

/* Memory pressure, some avg10 of /proc/pressure/memory in hundredths of a percent; -1: none. */
static int psi_some(void)
{
	FILE *f = fopen("/proc/pressure/memory", "re");
	unsigned int whole, frac;
	int ret = -1;

	if (f && fscanf(f, "some avg10=%u.%u", &whole, &frac) == 2)
		ret = whole * 100 + frac;
	if (f)
		fclose(f);
	return ret;
}

/* some avg10 is (above) at least PSI_PCT, or (!above) below it, within timeout_ms */
static bool wait_psi(bool above, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		if ((psi_some() >= PSI_PCT * 100) == above)
			return true;
		usleep(100000);
	}
	return false;
}

/* Why this machine cannot make memory pressure as press() does, or NULL. */
static const char *no_pressure(void)
{
	struct statfs fs;

	if (psi_some() < 0)
		return "no /proc/pressure/memory (CONFIG_PSI off, or psi=0)";
	if (!cg_version())
		return "no memory cgroup controller";
	if (cg_version() == 1 && (statfs("/var/tmp", &fs) || fs.f_type == TMPFS_MAGIC))
		return "cgroup v1 makes pressure by reclaiming page cache: /var/tmp is on tmpfs";
	return NULL;
}

/*
 * Memory pressure, for as long as the process lives: its pid, in a cgroup made for it. On v2
 * a memory.high that it keeps charging anonymous memory past: each charge is throttled, and
 * the throttling is a memory stall. v1 has no memory.high, and without swap anonymous memory
 * cannot be reclaimed: there it reads a file (on disk: /var/tmp) four times its memory limit
 * over and over through a mapping, each page reclaimed and read again, a stall each time.
 */
static pid_t press(void)
{
	const __u64 len = 4 * PRESS_LIMIT;
	struct test_cg cg;
	volatile char *p;
	pid_t pid;
	int fd;

	if (!ASSERT_EQ(cg_make(&cg, NULL, "press"), 0, "a cgroup for the pressure") ||
	    (cg_version() == 2 &&
	     !ASSERT_EQ(cg_limit(&cg, true, PRESS_LIMIT), 0, "its memory.high")) ||
	    !ASSERT_EQ(cg_limit(&cg, false, cg_version() == 2 ? 2 * len : PRESS_LIMIT), 0,
		       "its memory.max"))
		return -1;
	pid = fork_child();
	if (pid)
		return pid;
	if (cg_move(&cg, 0))
		_exit(126);
	if (cg_version() == 2) {
		for (;;) {
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
				 0);
			if (p == MAP_FAILED)
				_exit(1);
			for (__u64 at = 0; at < len; at += 4096)
				p[at] = 1;
			munmap((void *)p, len);
		}
	}
	fd = open("/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, len))
		_exit(1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(1);
	/* written once, so that each page is read from the disk again */
	for (__u64 at = 0; at < len; at += 4096)
		p[at] = 1;
	for (;;)
		for (__u64 at = 0; at < len; at += 4096)
			(void)p[at];
}

/*
 * The offender of a PSI test, installed for with --gate=GATES once the pressure of an earlier
 * test died down (over avg10's 10 s), over its limit: its pid, or 0 (the test failed, or skips).
 */
static pid_t psi_offender(const char *pin_dir, const char *name, const char *gates)
{
	struct member m = { .name = name, .pgrp = -1, .writes = 150, .stay = true };
	const char *why = no_pressure();
	char name_opt[64], gates_opt[64];
	struct oomk_proc p;
	pid_t offender;

	if (why) {
		test_skip("%s", why);
		return 0;
	}
	snprintf(name_opt, sizeof(name_opt), "--name=%s", name);
	snprintf(gates_opt, sizeof(gates_opt), "--gate=%s", gates);
	if (!ASSERT_TRUE(wait_psi(false, 30000), "memory pressure below 10% to begin with") ||
	    !ASSERT_EQ(install_closed(pin_dir, name_opt, gates_opt, PSI_OPT, NULL), EXIT(0),
		       gates_opt))
		return 0;
	offender = member(&m);
	ASSERT_EQ(go(offender), 0, "go");
	return ASSERT_EQ(wait_over(pin_dir, offender, &p), 0, "150 writes: over") ? offender : 0;
}

/*
 * 3. --gate=psi: a candidate over a limit, in any cgroup, is not killed while pressure is
 * below --psi; under pressure (made in a cgroup of its own) it is.
 */
static void test_gate_psi(const char *pin_dir)
{
	pid_t offender = psi_offender(pin_dir, "reach12-psi", "psi");
	struct oomk_state st = {};
	struct oomk_kill k;

	if (!offender)
		return;
	ASSERT_EQ(wait_readings(pin_dir, 3), 0, "three readings");
	ASSERT_TRUE(alive(offender), "no pressure: not killed");
	ASSERT_EQ(map_lookup(pin_dir, PIN_STATE, 0, &st), 0, "state");
	ASSERT_EQ(st.gate & OOMK_GATE_PSI, 0, "the PSI gate is closed");
	ASSERT_TRUE(press() > 0, "memory pressure");
	ASSERT_TRUE(wait_psi(true, 30000), "some avg10 reaches 10%");
	if (ASSERT_EQ(wait_child(offender, 3000), KILLED, "under pressure: killed") &&
	    ASSERT_EQ(last_kill(pin_dir, offender, &k), 0, "the kill is logged"))
		ASSERT_TRUE(k.gates & OOMK_GATE_PSI, "with the PSI gate open");
}

/* 3. --gate=ram,psi: neither RAM nor pressure alone kills; both do. */
static void test_gate_ram_psi(const char *pin_dir)
{
	pid_t offender = psi_offender(pin_dir, "reach12-both", "ram,psi");
	struct oomk_state st = {};
	struct oomk_kill k;

	if (!offender)
		return;
	ASSERT_EQ(open_gate(pin_dir), 0, "RAM over the threshold");
	ASSERT_EQ(map_lookup(pin_dir, PIN_STATE, 0, &st), 0, "state");
	ASSERT_EQ(st.gate, OOMK_GATE_RAM, "the RAM gate alone open");
	ASSERT_EQ(wait_readings(pin_dir, 3), 0, "three readings");
	ASSERT_TRUE(alive(offender), "RAM alone: not killed");

	ASSERT_EQ(close_gate(pin_dir), 0, "RAM back under the threshold");
	ASSERT_TRUE(press() > 0, "memory pressure");
	ASSERT_TRUE(wait_psi(true, 30000), "some avg10 reaches 10%");
	ASSERT_EQ(wait_gate(pin_dir, OOMK_GATE_PSI, 2000), 0, "the PSI gate alone open");
	ASSERT_EQ(wait_readings(pin_dir, 3), 0, "three readings");
	ASSERT_TRUE(alive(offender), "pressure alone: not killed");

	ASSERT_EQ(open_gate(pin_dir), 0, "RAM over the threshold again");
	if (ASSERT_EQ(wait_child(offender, 3000), KILLED, "both: killed") &&
	    ASSERT_EQ(last_kill(pin_dir, offender, &k), 0, "the kill is logged"))
		ASSERT_EQ(k.gates, OOMK_GATE_RAM | OOMK_GATE_PSI, "with both gates open");
}

int main(int argc, char **argv)
{
	/* the PSI tests far apart: the pressure of the first dies down during the others */
	static const struct test tests[] = {
		{ "gate_psi", test_gate_psi },
		{ "exe", test_exe },
		{ "cmdline", test_cmdline },
		{ "cmdline_exec", test_cmdline_exec },
		{ "exclude_exe", test_exclude_exe },
		{ "exclude_cmdline", test_exclude_cmdline },
		{ "inspect_why", test_inspect_why },
		{ "kill_group", test_kill_group },
		{ "kill_cgroup", test_kill_cgroup },
		{ "group_protected", test_group_protected },
		{ "cgroup_protected", test_cgroup_protected },
		{ "cgroup_scope", test_cgroup_scope },
		{ "gate_cgroup_pct", test_gate_cgroup_pct },
		{ "gate_cgroup_bytes", test_gate_cgroup_bytes },
		{ "gate_ram_psi", test_gate_ram_psi },
		{},
	};
	char out[256];
	int ret = run_tests(argc, argv, tests);

	if (strcmp(work + strlen(work) - 6, "XXXXXX"))
		sh(out, sizeof(out), "rm -rf %s", work);
	return ret;
}
