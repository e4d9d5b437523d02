/* SPDX-License-Identifier: GPL-2.0 */
/* The pinned maps, read at one moment: for status, the inspector and the tests. */
#ifndef __OOMK_SNAPSHOT_H
#define __OOMK_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>
#include "oomkiller.h"

struct proc_row {
	__u32 pid;
	struct oomk_proc p;
};

struct snapshot {
	struct oomk_settings set;
	struct oomk_state st;
	struct proc_row *procs;
	int nr_procs;
	struct oomk_kill kills[OOMK_KILL_LOG]; /* oldest first */
	int nr_kills;
	struct oomk_libc libcs[OOMK_LIBCS];
	__u64 now_ns; /* CLOCK_BOOTTIME when read */
	__u64 age_ms; /* since the last reading of si_meminfo */
	bool stale; /* no reading for 3 ticks */
	bool ticker_running;
};

int snapshot_read(const char *pin_dir, struct snapshot *s);
void snapshot_free(struct snapshot *s);
bool global_gates_open(const struct snapshot *s);
time_t wall_time(const struct snapshot *s, __u64 boot_ns);
const char *fmt_libcs(const struct snapshot *s, char *buf, size_t len);
int kill_log_next(int kills_fd, __u64 total, __u64 *seq, struct oomk_kill *k, __u64 *lost);

#endif /* __OOMK_SNAPSHOT_H */
