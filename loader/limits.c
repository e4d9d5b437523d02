// SPDX-License-Identifier: GPL-2.0
/* The limits as the tools name, parse and print them, in the order of the OOMK_* constants. */
#include <stddef.h>
#include <stdio.h>
#include "loader.h"

const struct limit_desc limits[OOMK_NR_LIMITS] = {
	[OOMK_FDS] = { "fds", "fds", "max-fds", offsetof(struct oomk_proc, fds),
		       offsetof(struct oomk_settings, max_fds), false, 100 },
	[OOMK_WRITES] = { "writes", "writes", "max-writes", offsetof(struct oomk_proc, writes),
			  offsetof(struct oomk_settings, max_writes), false, 100 },
	[OOMK_READ] = { "read", "read_bytes", "max-read", offsetof(struct oomk_proc, read_bytes),
			offsetof(struct oomk_settings, max_read), true, 10 << 20 },
	[OOMK_THREADS] = { "threads", "threads", "max-threads", offsetof(struct oomk_proc, threads),
			   offsetof(struct oomk_settings, max_threads), false, 100 },
	[OOMK_RAND] = { "rand", "rand", "max-rand", offsetof(struct oomk_proc, rand),
			offsetof(struct oomk_settings, max_rand), false, 100 },
	[OOMK_TCP] = { "tcp", "tcp_segs", "max-tcp-packets", offsetof(struct oomk_proc, tcp_segs),
		       offsetof(struct oomk_settings, max_tcp), false, 1000 },
};

__u64 *limit_max(struct oomk_settings *set, int limit)
{
	return (__u64 *)((char *)set + limits[limit].max_off);
}

__u64 limit_count(const struct oomk_proc *p, int limit)
{
	return *(const __u64 *)((const char *)p + limits[limit].count_off);
}

/* 10485760 -> "10.0M", as ps and free -h print sizes */
const char *fmt_size(__u64 bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	double v = bytes;
	int u = 0;

	while (v >= 1024 && units[u + 1]) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	return buf;
}

/* A limit's value as its option takes it: bytes for read, a count for the others. */
const char *fmt_limit(int limit, __u64 v, char *buf, size_t len)
{
	if (limits[limit].size)
		return fmt_size(v, buf, len);
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* "killed 4242 (oomp_test_fds): fds 100 >= 100, used 1.3G >= 1.0G" */
const char *fmt_kill(const struct oomk_kill *k, char *buf, size_t len)
{
	char value[NUM_LEN], max[NUM_LEN], used[NUM_LEN], threshold[NUM_LEN];
	int limit = limit_index(k->limit);

	snprintf(buf, len, "%s %u (%s): %s %s >= %s, used %s >= %s%s",
		 !k->signal		 ? "dry run, would have signalled" :
		 k->signal == SIGTERM_NR ? "sent SIGTERM to" :
					   "killed",
		 k->pid, k->comm, limits[limit].name,
		 fmt_limit(limit, k->value, value, sizeof(value)),
		 fmt_limit(limit, k->max, max, sizeof(max)), fmt_size(k->used, used, sizeof(used)),
		 fmt_size(k->mem_threshold, threshold, sizeof(threshold)),
		 k->how == OOMK_BY_SWEEP ? ", swept" :
		 k->how == OOMK_BY_GRACE ? ", its grace after SIGTERM over" :
					   "");
	return buf;
}

/* "oomp", "oomp, worker; not worker-db": the names that make a candidate */
const char *fmt_names(const struct oomk_settings *set, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < OOMK_PATTERNS && set->name[i][0]; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "", set->name[i]);
	for (int i = 0; i < OOMK_PATTERNS && set->exclude[i][0] && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "; not ", set->exclude[i]);
	return buf;
}

/* "fds 100, writes 100, read 10.0M, ..., rand unavailable, tcp off" */
const char *fmt_limits(const struct oomk_settings *set, char *buf, size_t len)
{
	size_t n = 0;
	char v[NUM_LEN];

	buf[0] = '\0';
	for (int i = 0; i < OOMK_NR_LIMITS && n < len; i++) {
		__u64 max = *limit_max((struct oomk_settings *)set, i);

		n += snprintf(buf + n, len - n, "%s%s %s", i ? ", " : "", limits[i].name,
			      !(set->active & (1 << i)) ? "unavailable" :
			      max			? fmt_limit(i, max, v, sizeof(v)) :
							  "off");
	}
	return buf;
}

const char *backend_name(__u32 backend)
{
	return backend == OOMK_MEM_FEXIT ? "fexit/si_meminfo" : "sysinfo(2) at sys_exit";
}
