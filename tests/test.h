/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness of the C tests, in the style of the kernel's BPF selftests: ASSERT_* report a
 * failure and return its truth, so a test can stop or go on; each test has its own pin dir.
 */
#ifndef __TEST_H
#define __TEST_H

#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>
#include "oomkiller.h"

extern bool test_ok;

#define ASSERT_TRUE(cond, what)                                                             \
	({                                                                                  \
		bool ___ok = (cond);                                                        \
		if (!___ok) {                                                               \
			test_ok = false;                                                    \
			fprintf(stderr, "  %s:%d: %s: failed\n", __FILE__, __LINE__, what); \
		}                                                                           \
		___ok;                                                                      \
	})

#define ASSERT_EQ(actual, expected, what)                                                   \
	({                                                                                  \
		long long ___a = (actual), ___e = (expected);                               \
		bool ___ok = ___a == ___e;                                                  \
		if (!___ok) {                                                               \
			test_ok = false;                                                    \
			fprintf(stderr, "  %s:%d: %s: got %lld, expected %lld\n", __FILE__, \
				__LINE__, what, ___a, ___e);                                \
		}                                                                           \
		___ok;                                                                      \
	})

/* install_gated() opens the gate at this much over the RAM used; open_gate() holds twice that */
#define GATE_MARGIN (512ULL << 20)

/* what a child's wait status should be */
#define KILLED	   (-SIGKILL)
#define EXIT(code) (code)
#define TIMED_OUT  (-1000)

struct test {
	const char *name;
	void (*fn)(const char *pin_dir);
};

/* Runs each test with its own pin dir, removes whatever it left; prints "N passed, N failed". */
int run_tests(const char *suite, const struct test *tests);

/* helpers.c */
int oomkiller(const char *pin_dir, ...); /* ./oomkiller ARGS --pin-dir; exit code */
int oomkiller_stderr(const char *pin_dir, char *err, size_t len, ...); /* and what it said */
pid_t spawn(const char *prog, ...); /* PROG, or .output/tests/PROG, ARGS */
int wait_child(pid_t pid, int timeout_ms); /* EXIT(code), KILLED or TIMED_OUT */
void reap_children(void); /* SIGKILL and reap every child left */
__u64 ram_used(void); /* totalram - freeram, as si_meminfo says */
void *hold_ram(size_t bytes); /* touched, so it counts as used */
void release_ram(void *p, size_t bytes);
pid_t start_peer(char *port, size_t len); /* a TCP sink on 127.0.0.1: its port in port */
int sh(char *out, size_t len, const char *fmt, ...); /* /bin/sh -c: its stdout, exit code */
int pinned_fd(const char *pin_dir, const char *map);
int map_lookup(const char *pin_dir, const char *map, __u32 key, void *value);
int wait_over(const char *pin_dir, pid_t pid, struct oomk_proc *p); /* marked over a limit */
int wait_gate(const char *pin_dir, __u32 gate, int timeout_ms);
int install_gated(const char *pin_dir, ...); /* install, gate at RAM used now + a margin */
int hold_gate_ram(void); /* hold RAM over the margin: the gate opens */
int open_gate(const char *pin_dir); /* hold RAM over the margin until the gate opens */
void close_gate(void);
pid_t fork_child(void); /* fork, remembered for reap_children() */
int links_attached(void); /* links of oomk_* programs, system wide */
bool alive(pid_t pid);
bool ticker_alive(pid_t pid); /* an oomkiller-tick, not a zombie */
int count_entries(const char *pin_dir, const char *map); /* keys in a pinned hash map */
pid_t wait_any(int *result); /* a child that ended, or 0: no wait */

#endif /* __TEST_H */
