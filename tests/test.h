/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness of the C tests, in the style of the kernel's BPF selftests: ASSERT_* report a
 * failure and return its truth, so a test can stop or go on; each test has its own pin dir.
 */
#ifndef __TEST_H
#define __TEST_H

#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <linux/types.h>
#include "oomkiller.h"
#include "common.h"
#include "pins.h"

extern bool test_ok;

/*
 * SKIP("why", ...): this machine cannot run the test (a kernel feature, a tool missing). It
 * ends the test, which counts as skipped, "skip NAME: why", unless an assertion failed first.
 * Only in the test's own function: it returns from it.
 */
#define SKIP(...)                       \
	do {                            \
		test_skip(__VA_ARGS__); \
		return;                 \
	} while (0)
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ok, or the test fails, saying where and what (fmt, ...): the truth of ok either way */
#define ASSERT(ok, fmt, ...)                                                                    \
	({                                                                                      \
		bool ___ok = (ok);                                                              \
		if (!___ok) {                                                                   \
			test_ok = false;                                                        \
			fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__); \
		}                                                                               \
		___ok;                                                                          \
	})

#define ASSERT_TRUE(cond, what) ASSERT(cond, "%s: failed", what)

#define ASSERT_EQ(actual, expected, what)                                              \
	({                                                                             \
		long long ___a = (actual), ___e = (expected);                          \
		ASSERT(___a == ___e, "%s: got %lld, expected %lld", what, ___a, ___e); \
	})

/* what contains expect; if not, prints both (what cut to its first 2000 bytes) */
#define ASSERT_STR(what, expect, desc)                                                       \
	({                                                                                   \
		const char *___w = (what), *___e = (expect);                                 \
		ASSERT(strstr(___w, ___e), "%s: \"%s\" not in:\n%.2000s", desc, ___e, ___w); \
	})

#define GATE_MARGIN (512ULL << 20)
#define GATE_NEVER  (~0ULL) /* a threshold no reading reaches */

/* what a child's wait status should be */
#define KILLED	   (-SIGKILL)
#define EXIT(code) (code)
#define TIMED_OUT  (-1000)

struct test {
	const char *name;
	void (*fn)(const char *pin_dir);
};

/* A test binary's main(): TEST_MAIN(TEST(install), TEST(limits)) runs test_install, then ... */
#define TEST(t)                            \
	{                                  \
		.name = #t, .fn = test_##t \
	}
#define TEST_MAIN(...)                                                  \
	int main(int argc, char **argv)                                 \
	{                                                               \
		static const struct test tests[] = { __VA_ARGS__, {} }; \
		return run_tests(argc, argv, tests);                    \
	}

/*
 * Runs each test (or those -t names; -l lists them) with its own pin dir, removes whatever it
 * left; prints "SUITE: N passed, N failed, N skipped". The exit code of the test binary.
 */
int run_tests(int argc, char **argv, const struct test *tests);

/* helpers.c */
int oomkiller(const char *pin_dir, ...); /* ./oomkiller ARGS --pin-dir; exit code */
int oomkiller_stderr(const char *pin_dir, char *err, size_t len, ...); /* and what it said */
struct test_cg;
/* PROG, or .output/tests/PROG, ARGS, in cgroup cg (NULL: ours) */
pid_t spawn_in(const struct test_cg *cg, const char *prog, ...);
#define spawn(...) spawn_in(NULL, __VA_ARGS__)
int wait_child(pid_t pid, int timeout_ms); /* EXIT(code), KILLED or TIMED_OUT */
void reap_children(void); /* SIGKILL and reap every child left */
__u64 ram_used(void); /* totalram - freeram, as si_meminfo says */
void *hold_ram(size_t bytes); /* touched, so it counts as used */
void release_ram(void *p, size_t bytes);
pid_t start_peer(char *port, size_t len); /* a TCP sink on 127.0.0.1: its port in port */
/* a TCP sink on addr (IPv4 or IPv6) in network namespace netns (NULL: ours) */
pid_t start_peer_at(const char *netns, const char *addr, char *port, size_t len);
__u64 peer_received(void); /* bytes the sinks received since the last one started */
/* /bin/sh -c CMD, again until it exits rc or 10 s went by: its stdout, its last exit code */
int sh_until(char *out, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define SH_ANY		  INT_MIN /* any exit code: once */
#define sh(out, len, ...) sh_until(out, len, SH_ANY, __VA_ARGS__)
/* the kill log holds one entry for pid: a kill for limit, at value (0: any value); false when
 * the inspector prints nothing (jq 1.6's -e alone would say true) */
bool logged_kill(const char *pin_dir, pid_t pid, const char *limit, int value);
int pinned_fd(const char *pin_dir, const char *map);
int map_lookup(const char *pin_dir, const char *map, __u32 key, void *value);
/* procs has an entry for pid in state (OOMK_OVER...): 0, or -ETIMEDOUT */
int wait_state(const char *pin_dir, pid_t pid, __u32 state, struct oomk_proc *p);
static inline int wait_over(const char *pin_dir, pid_t pid, struct oomk_proc *p)
{
	return wait_state(pin_dir, pid, OOMK_OVER, p);
}
/* a reading with the RAM gate open (gate has OOMK_GATE_RAM) or closed, and the other gates
 * that gate has open: the gates that it has not (--gate psi...) are not looked at */
int wait_gate(const char *pin_dir, __u32 gate, int timeout_ms);
/*
 * The gate in the tests: install_open() opens it at the first reading (a threshold of 0), for
 * what is not about the gate; install_closed() keeps it closed whatever RAM does, until
 * open_gate() sets the threshold just over the RAM used then and holds RAM until a reading
 * opens it. install_gated() puts it a margin over the RAM used (after what was released shows
 * as free again), for what must see RAM cross it by itself.
 */
/*
 * ARGS, then NULL, run in cgroup cg (NULL: ours), where the ticker stays; at threshold 0,
 * waits for a reading that found the gate open.
 */
int install_in(const struct test_cg *cg, const char *pin_dir, __u64 threshold, ...);
#define install_at(pin_dir, ...)	  install_in(NULL, pin_dir, __VA_ARGS__)
#define install_open_in(cg, pin_dir, ...) install_in(cg, pin_dir, 0, __VA_ARGS__)
#define install_open(pin_dir, ...)	  install_at(pin_dir, 0, __VA_ARGS__)
#define install_closed(pin_dir, ...)	  install_at(pin_dir, GATE_NEVER, __VA_ARGS__)
#define install_gated(pin_dir, ...)	  install_at(pin_dir, gated_threshold(), __VA_ARGS__)
__u64 gated_threshold(void); /* a margin over RAM used, once what was let go of is free */
int open_gate(const char *pin_dir);
int close_gate(const char *pin_dir); /* the threshold out of reach, and a reading */
int hold_gate_ram(const char *pin_dir); /* RAM used over the threshold, as sysinfo(2) says */
void release_gate_ram(void);
pid_t fork_child(void); /* fork, remembered for reap_children() */
int links_attached(void); /* links of oomk_* programs, system wide */
bool alive(pid_t pid);
bool ticker_alive(pid_t pid); /* an oomkiller-tick, not a zombie */
int count_entries(const char *pin_dir, const char *map); /* keys in a pinned hash map */
pid_t wait_any(int *result); /* a child that ended, or 0: no wait */
__u64 proc_count(const struct oomk_proc *p, int limit); /* a counter, by OOMK_* limit */
/* procs has an entry for pid whose counter of limit is at least min: 0, or -ETIMEDOUT */
int wait_count(const char *pin_dir, pid_t pid, int limit, __u64 min, struct oomk_proc *p);
int wait_readings(const char *pin_dir, int n); /* n more readings of si_meminfo */
int wait_comm(pid_t pid, const char *comm); /* pid's name is comm, zombie or not */
int count_fds(pid_t pid); /* descriptors pid has open, as /proc says */
/* the row of pid in oomkiller-inspect's table: where it starts (NULL: none), a copy in line */
const char *table_row(const char *table, pid_t pid, char *line, size_t len);

/*
 * Cgroups of the test's own, oomk-test-PID-NAME and below, in the hierarchy the policy means:
 * cgroup v2 where the memory controller is on v2, else the v1 memory hierarchy. run_tests()
 * removes them after each test, once their processes are gone.
 */
struct test_cg {
	char path[256]; /* its directory */
	const char *rel; /* its path below the hierarchy's mount, as --cgroup takes it */
};

int cg_version(void); /* of that hierarchy: 2, 1, or 0 where no hierarchy has memory */
/* makes NAME below parent (NULL: oomk-test-PID-NAME at the top): 0, or -errno */
int cg_make(struct test_cg *cg, const struct test_cg *parent, const char *name);
int cg_move(const struct test_cg *cg, pid_t pid); /* pid (0: the caller) into cg */
bool cg_holds(const struct test_cg *cg, pid_t pid); /* pid is in cg, as /proc says */
int cg_count(const struct test_cg *cg); /* processes in cg (not below it), or -errno */
/* memory.max (v1 memory.limit_in_bytes), or with high memory.high (v2 only): 0, or -errno */
int cg_limit(const struct test_cg *cg, bool high, __u64 bytes);
__u64 cg_usage(const struct test_cg *cg); /* memory.current, v1 memory.usage_in_bytes */
void cg_cleanup(void); /* every cgroup made, removed once empty, newest first */

#endif /* __TEST_H */
