// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: the cost, precision, reaction and scale of oomkiller, each figure a ratio or a
 * count measured side by side in this one run, variants interleaved, medians of the rounds.
 * Prints bench/RESULTS.md. Run as root from the top of the repository:
 * bench [--loops=N] [syscalls] [mixed] [precision] [reaction] [scale] [install].
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"
#include "test.h"

#define PIN	     "/sys/fs/bpf/oomk-bench"
#define DIR	     ".output/bench"
#define ROUNDS	     7
#define MIXED_FILES  20000
#define MIXED_ROUNDS 5 /* of about 6 s each per variant */
#define TRIALS	     20
#define SCALE	     10000
#define HIGH	     "1000000000" /* a limit no bench process reaches */
#define STEP	     (32 << 20) /* RAM held at a time, until the gate opens */
#define STEPS	     16 /* of them in a trial, at most */

const char *own_libc(void); /* lib/probe.c */

/* writes per loop of section 1: --loops=N, fewer under emulation, where each costs more */
static long loops = 2000000;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* the value below which pct percent of v lie (v is sorted in place) */
static double pct(double *v, int n, int pct)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(n - 1) * pct / 100];
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	oomkiller(PIN, "uninstall", NULL);
	exit(1);
}

/* The variants every cost is measured under. */
static struct floor_bpf *floor_skel;
static struct bpf_link *floor_links[16]; /* room for every program of bench/floor.bpf.c */

static void floor_up(void)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = "rand");
	struct bpf_program *prog;
	int n = 0;

	floor_skel = floor_bpf__open_and_load();
	if (!floor_skel)
		die("loading the floor");
	bpf_object__for_each_program(prog, floor_skel->obj) {
		floor_links[n] =
			prog == floor_skel->progs.floor_rand ?
				bpf_program__attach_uprobe_opts(prog, -1, own_libc(), 0, &uopts) :
				bpf_program__attach(prog);
		if (!floor_links[n++])
			die("attaching the floor");
	}
}

static void floor_down(void)
{
	for (size_t i = 0; i < sizeof(floor_links) / sizeof(floor_links[0]); i++) {
		bpf_link__destroy(floor_links[i]);
		floor_links[i] = NULL;
	}
	floor_bpf__destroy(floor_skel);
}

/* oomkiller, limits no bench process reaches; hooks: "--hooks=fexit" or NULL: the default */
static void killer_hooks_up(const char *hooks)
{
	if (oomkiller(PIN, "install", "--max-fds=" HIGH, "--max-writes=" HIGH, "--max-read=" HIGH,
		      "--max-threads=" HIGH, "--max-rand=" HIGH, "--max-tcp-packets=" HIGH, hooks,
		      hooks ? "--meminfo=fexit" : NULL, NULL))
		die("oomkiller install");
}

static void killer_up(void)
{
	killer_hooks_up(NULL);
}

/* where the kernel allows it, fexit on the VFS in place of the sys_exit tracepoint */
static void killer_fexit_up(void)
{
	killer_hooks_up("--hooks=fexit");
}

static void killer_down(void)
{
	oomkiller(PIN, "uninstall", NULL);
}

static void none(void)
{
}

enum { NONE, FLOOR, KILLER, KILLER_FEXIT, NR_VARIANTS };
static const struct {
	const char *name;
	void (*up)(void);
	void (*down)(void);
} variants[NR_VARIANTS] = {
	[NONE] = { "none", none, none },
	[FLOOR] = { "floor", floor_up, floor_down },
	[KILLER] = { "oomkiller", killer_up, killer_down },
	[KILLER_FEXIT] = { "oomkiller --hooks=fexit", killer_fexit_up, killer_down },
};

/* This kernel lets install put the hooks on the VFS with fexit. */
static bool fexit_hooks(void)
{
	char err[512];

	if (oomkiller_stderr(PIN, err, sizeof(err), "install", "--hooks=fexit", "--meminfo=fexit",
			     NULL))
		return false;
	killer_down();
	return true;
}

static double loop_ns(const char *prog)
{
	char out[64];

	/* on the second CPU, where less else runs */
	if (sh(out, sizeof(out), "taskset -c 1 " DIR "/%s %ld", prog, loops))
		die(prog);
	return atof(out);
}

static void syscall_overhead(void)
{
	static const char *const progs[2] = { "bench_loop", "oomp_bench_loop" };
	/* where the kernel allows fexit hooks, they are measured beside the sys_exit ones */
	int nr = fexit_hooks() ? NR_VARIANTS : KILLER + 1;
	double ns[2][NR_VARIANTS][ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		for (int v = 0; v < nr; v++) {
			variants[v].up();
			for (int p = 0; p < 2; p++)
				ns[p][v][r] = loop_ns(progs[p]);
			variants[v].down();
		}
	}
	printf("## 1. Syscall overhead\n\n"
	       "A 1-byte write(2) to /dev/null, %ld times in a loop on one CPU, by a process whose "
	       "name does not match and by one whose name does (limits too high to reach); CPU "
	       "time per call. %d rounds, each measuring the variants one after the other: "
	       "medians of the rounds' ns and of each round's ratios. The floor is "
	       "bench/floor.bpf.c: a program at each of the sys_exit design's hook points that "
	       "returns 0 at once.\n\n"
	       "| process | hooks | none ns | floor ns | oomkiller ns | oomkiller/none | "
	       "oomkiller/floor | target |\n|---|---|---|---|---|---|---|---|\n",
	       loops, ROUNDS);
	for (int p = 0; p < 2; p++) {
		for (int v = KILLER; v < nr; v++) {
			bool fexit = v == KILLER_FEXIT;
			double to_none[ROUNDS], to_floor[ROUNDS];

			for (int r = 0; r < ROUNDS; r++) {
				to_none[r] = ns[p][v][r] / ns[p][NONE][r];
				to_floor[r] = ns[p][v][r] / ns[p][FLOOR][r];
			}
			printf("| %s | %s | %.0f | %.0f | %.0f | %.3f | %.3f | %s |\n",
			       p ? "matching (oomp_bench_loop)" : "non-matching (bench_loop)",
			       fexit ? "fexit" : "sys_exit", pct(ns[p][NONE], ROUNDS, 50),
			       pct(ns[p][FLOOR], ROUNDS, 50), pct(ns[p][v], ROUNDS, 50),
			       pct(to_none, ROUNDS, 50), pct(to_floor, ROUNDS, 50),
			       fexit ? (p ? "report" : "oomkiller/none <= 1.03") :
			       p     ? "oomkiller/floor <= 1.10" :
				       "oomkiller/floor <= 1.03");
		}
	}
	printf("\n");
}

/* A job that is all syscalls: untar 20,000 small files and read them back. */
static void mixed_workload(void)
{
	double ms[NR_VARIANTS][MIXED_ROUNDS];
	char out[64];

	if (sh(out, sizeof(out),
	       "rm -rf /tmp/oomk-bench && mkdir -p /tmp/oomk-bench/src && cd /tmp/oomk-bench/src "
	       "&& for d in $(seq 200); do mkdir $d; for f in $(seq 100); do "
	       "echo file $d/$f > $d/$f; done; done && tar -cf ../tree.tar . && rm -rf ../src"))
		die("making the tarball");
	for (int r = 0; r < MIXED_ROUNDS; r++) {
		for (int v = 0; v <= KILLER; v++) {
			double t;

			variants[v].up();
			t = now_ms();
			if (sh(out, sizeof(out),
			       "cd /tmp/oomk-bench && rm -rf x && mkdir x && tar -xf tree.tar -C x "
			       "&& find x -type f -exec cat {} + > /dev/null"))
				die("the mixed workload");
			ms[v][r] = now_ms() - t;
			variants[v].down();
		}
	}
	sh(out, sizeof(out), "rm -rf /tmp/oomk-bench");
	printf("## 2. Mixed workload\n\n"
	       "Untar %d small files and read them all back (tar, find, cat: no name matches). "
	       "%d rounds interleaved; medians, in ms.\n\n"
	       "| none | floor | oomkiller | oomkiller/none | oomkiller/floor | target |\n"
	       "|---|---|---|---|---|---|\n",
	       MIXED_FILES, MIXED_ROUNDS);
	for (int v = 0; v <= KILLER; v++)
		ms[v][0] = pct(ms[v], MIXED_ROUNDS, 50);
	printf("| %.0f | %.0f | %.0f | %.3f | %.3f | oomkiller/none <= 1.03 |\n\n", ms[NONE][0],
	       ms[FLOOR][0], ms[KILLER][0], ms[KILLER][0] / ms[NONE][0],
	       ms[KILLER][0] / ms[FLOOR][0]);
}

/* A zeroed counter in path that oomp_precise adds to; read it after the run. */
static unsigned long *shared_counter(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	void *p;

	if (fd < 0 || ftruncate(fd, sizeof(unsigned long)))
		die(path);
	p = mmap(NULL, sizeof(unsigned long), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		die(path);
	return p;
}

static struct oomk_kill last_kill(void)
{
	struct oomk_state st;
	struct oomk_kill k = {};

	if (!map_lookup(PIN, "state", 0, &st))
		map_lookup(PIN, "kills", st.kills % OOMK_KILL_LOG, &k);
	return k;
}

static int run_precise(const char *mode, const char *arg)
{
	return wait_child(spawn(DIR "/oomp_precise", mode, arg, NULL), 20000);
}

/* Loopback peer for the TCP case: the bytes it received, one per segment sent. */
static long tcp_received(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int s = socket(AF_INET, SOCK_STREAM, 0), c;
	char port[16], buf[4096];
	long got = 0, n;
	pid_t pid;

	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&addr, &len))
		die("tcp peer");
	snprintf(port, sizeof(port), "%d", ntohs(addr.sin_port));
	pid = spawn(DIR "/oomp_precise", "tcp", port, NULL);
	c = accept(s, NULL, NULL);
	while ((n = read(c, buf, sizeof(buf))) > 0)
		got += n;
	wait_child(pid, 20000);
	close(c);
	close(s);
	return got;
}

static void precision(void)
{
	const char *file = "/tmp/oomk-bench-precise";
	unsigned long *counter;
	struct oomk_kill k;
	struct stat sb;
	long got;
	int fd;

	/* the gate open from the start: used >= 0 */
	if (oomkiller(PIN, "install", "--mem-threshold=0", NULL))
		die("oomkiller install");
	printf("## 3. Precision\n\n"
	       "Default limits, gate open. What completed after the operation that reached the "
	       "limit, as the process or its peer saw it.\n\n"
	       "| limit | killed at | completed beyond the limit | target |\n|---|---|---|---|\n");

	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	close(fd);
	run_precise("writes", file);
	stat(file, &sb);
	printf("| writes 100 | write %llu | %lld writes landed in the file beyond the 100th | 0 |\n",
	       (unsigned long long)last_kill().value, (long long)sb.st_size - 100);

	counter = shared_counter(file);
	run_precise("threads", file);
	printf("| threads 100 | thread %llu created | %ld threads ran (the 100th never runs: %s "
	       "beyond the 100th) | 0 |\n",
	       (unsigned long long)last_kill().value, *counter, *counter < 100 ? "0" : "some");

	munmap(counter, sizeof(*counter));
	counter = shared_counter(file);
	run_precise("rand", file);
	printf("| rand 100 | call %llu | %ld calls returned; %ld beyond the 99 before it | "
	       "report |\n",
	       (unsigned long long)last_kill().value, *counter, (long)*counter - 99);
	munmap(counter, sizeof(*counter));
	unlink(file);

	run_precise("reads", NULL);
	k = last_kill();
	printf("| read 10MB | %llu bytes | %llu bytes beyond 10,000,000 in the last read | report |\n",
	       (unsigned long long)k.value, (unsigned long long)(k.value - k.max));

	run_precise("fds", NULL);
	printf("| fds 100 | %llu open | the 100th descriptor is open, no further one | report |\n",
	       (unsigned long long)last_kill().value);

	got = tcp_received();
	k = last_kill();
	printf("| tcp 1000 | segment %llu | %ld data segments reached the peer; %ld beyond the "
	       "1000th | report |\n\n",
	       (unsigned long long)k.value, got, got - (long)k.max);
	killer_down();
}

/*
 * From the RAM that opens the gate to the death of a candidate idle over its limit. Here RAM
 * let go of goes on counting as used for a minute (the hypervisor takes freed pages back at
 * about 8 MB/s) and is handed out again first, uncounted: so what is held stays held until the
 * trials end, and each trial places the threshold anew over the RAM used then.
 */
static void reaction(int tick_ms)
{
	double ms[TRIALS], step_ms[TRIALS];
	void *held[TRIALS * STEPS];
	char tick[32], threshold[64];
	struct oomk_proc p;
	int n = 0;

	snprintf(tick, sizeof(tick), "--tick=%d", tick_ms);
	if (install_gated(PIN, tick, NULL))
		die("oomkiller install");
	for (int t = 0; t < TRIALS; t++) {
		__u64 over = ram_used() + 2 * STEP;
		double t0;
		pid_t pid;

		snprintf(threshold, sizeof(threshold), "--mem-threshold=%llu",
			 (unsigned long long)over);
		if (oomkiller(PIN, "config", threshold, NULL) || wait_gate(PIN, 0, 5000))
			die("closing the gate");
		pid = spawn("oomp_test_writes", "150", "60", NULL);
		if (wait_over(PIN, pid, &p))
			die("waiting for the violator");
		/* at any point of a tick, as a real crossing comes, not just after a reading */
		usleep(random() % (tick_ms * 1000));
		/* time from the end of the step after which sysinfo(2) says RAM used is over */
		step_ms[t] = 0;
		for (int i = 0; i < STEPS && ram_used() < over; i++) {
			step_ms[t] = now_ms();
			held[n++] = hold_ram(STEP);
			step_ms[t] = now_ms() - step_ms[t];
		}
		t0 = now_ms();
		if (wait_child(pid, 5000) != KILLED)
			die("the violator survived");
		ms[t] = now_ms() - t0;
	}
	while (n)
		release_ram(held[--n], STEP);
	killer_down();
	printf("| %d ms | %.0f | %.0f | %.0f | <= %d | %.0f |\n", tick_ms, pct(ms, TRIALS, 50),
	       pct(ms, TRIALS, 95), pct(ms, TRIALS, 100), tick_ms + 10, pct(step_ms, TRIALS, 50));
}

static long procs_memlock(void)
{
	char path[64], line[128];
	long kb = -1;
	FILE *f;
	int fd = pinned_fd(PIN, "procs");

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "memlock: %ld", &kb);
	if (f)
		fclose(f);
	close(fd);
	return kb;
}

/* oomp_scale: started, and "ready" once all its children are forked */
static pid_t start_scale(int n)
{
	char count[16], ready[16] = "";
	int fds[2];
	pid_t pid;

	snprintf(count, sizeof(count), "%d", n);
	if (pipe(fds))
		die("pipe");
	pid = fork_child();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execl(DIR "/oomp_scale", "oomp_scale", count, NULL);
		_exit(127);
	}
	close(fds[1]);
	if (read(fds[0], ready, sizeof(ready) - 1) <= 0 || strncmp(ready, "ready", 5))
		die("oomp_scale");
	close(fds[0]);
	return pid;
}

static void scale(void)
{
	int before, during, after = -1;
	double t, inspect_ms;
	char out[64];
	pid_t pid;

	if (oomkiller(PIN, "install", NULL))
		die("oomkiller install");
	before = count_entries(PIN, "procs");
	pid = start_scale(SCALE);
	during = count_entries(PIN, "procs");
	t = now_ms();
	if (sh(out, sizeof(out), "./oomkiller-inspect --pin-dir=" PIN " > /dev/null"))
		die("oomkiller-inspect");
	inspect_ms = now_ms() - t;
	kill(pid, SIGTERM);
	wait_child(pid, 60000);
	for (int i = 0; i < 500 && (after = count_entries(PIN, "procs")) > before; i++)
		usleep(10000);
	printf("## 5. Scale\n\n"
	       "%d sleeping children of one candidate, tracked at once (--max-procs defaults to "
	       "%d).\n\n"
	       "| procs entries before | with them | after they exit | oomkiller-inspect | procs "
	       "map memory |\n|---|---|---|---|---|\n"
	       "| %d | %d | %d | %.0f ms (target < 200) | %ld KiB |\n\n",
	       SCALE, OOMK_MAX_PROCS, before, during, after, inspect_ms, procs_memlock() / 1024);
	killer_down();
}

static void install_cost(void)
{
	double in[ROUNDS], out[ROUNDS], t;

	for (int r = 0; r < ROUNDS; r++) {
		t = now_ms();
		killer_up();
		in[r] = now_ms() - t;
		t = now_ms();
		killer_down();
		out[r] = now_ms() - t;
	}
	printf("## 6. Install cost\n\n| oomkiller install | oomkiller uninstall |\n|---|---|\n"
	       "| %.0f ms | %.0f ms |\n\nMedians of %d.\n",
	       pct(in, ROUNDS, 50), pct(out, ROUNDS, 50), ROUNDS);
}

static void machine(void)
{
	char cpu[128] = "", vendor[64] = "";
	struct utsname u;

	uname(&u);
	sh(cpu, sizeof(cpu),
	   "sed -n 's/^model name\\s*: //p' /proc/cpuinfo | head -n 1 | tr -d '\\n'");
	sh(vendor, sizeof(vendor), "cat /sys/class/dmi/id/sys_vendor 2>/dev/null");
	printf("# oomkiller benchmark results\n\n"
	       "Written by `make bench`. Every figure below was measured in one run on: Linux %s "
	       "%s, %ld CPUs (%s), %.1f GiB RAM. Ratios, not absolutes, carry over to other "
	       "machines.\n\n",
	       u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), cpu,
	       sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGE_SIZE) / (1 << 30));
	if (!strncmp(vendor, "QEMU", 4))
		printf("**Measured under emulation** (make bench-kernels: qemu with a software CPU): "
		       "compare ratios within this file, not with the host's.\n\n");
}

static void reactions(void)
{
	printf("## 4. Reaction\n\n"
	       "From the moment the bench holds RAM above the threshold to the death of a "
	       "candidate that crossed a limit while the gate was closed and then sat idle; the "
	       "crossing at a random point of a tick. %d trials each. The last column is how "
	       "long holding the last %d MiB took: the crossing happened during it, so the true "
	       "reaction is up to that much longer.\n\n"
	       "| --tick | p50 ms | p95 ms | max ms | target p95 | last step ms |\n"
	       "|---|---|---|---|---|---|\n",
	       TRIALS, STEP >> 20);
	reaction(1000);
	reaction(100);
	printf("\n");
}

/* bench [SECTION...]: all of them, in this order, or only those named */
int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} sections[] = {
		{ "syscalls", syscall_overhead },
		{ "mixed", mixed_workload },
		{ "precision", precision },
		{ "reaction", reactions },
		{ "scale", scale },
		{ "install", install_cost },
	};

	int named = 0;

	libbpf_set_print(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int a = 1; a < argc; a++) {
		if (!strncmp(argv[a], "--loops=", 8))
			loops = atol(argv[a] + 8);
		else
			named++;
	}
	if (loops <= 0) {
		fprintf(stderr, "usage: bench [--loops=N] [SECTION...]\n");
		return 2;
	}
	if (!access(PIN, F_OK))
		killer_down();
	machine();
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		bool run = !named;

		for (int a = 1; a < argc; a++)
			run |= !strcmp(argv[a], sections[i].name);
		if (run)
			sections[i].run();
	}
	return 0;
}
