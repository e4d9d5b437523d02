// SPDX-License-Identifier: GPL-2.0
/* The limits as the tools name, parse and print them, in the order of the OOMK_* constants. */
#include <stddef.h>
#include <stdio.h>
#include "loader.h"

const struct limit_desc limits[OOMK_NR_LIMITS] = {
	[OOMK_FDS] = { "fds", "max-fds", offsetof(struct oomk_proc, fds),
		       offsetof(struct oomk_settings, max_fds), false, 100 },
	[OOMK_WRITES] = { "writes", "max-writes", offsetof(struct oomk_proc, writes),
			  offsetof(struct oomk_settings, max_writes), false, 100 },
	[OOMK_READ] = { "read", "max-read", offsetof(struct oomk_proc, read_bytes),
			offsetof(struct oomk_settings, max_read), true, 10 << 20 },
	[OOMK_THREADS] = { "threads", "max-threads", offsetof(struct oomk_proc, threads),
			   offsetof(struct oomk_settings, max_threads), false, 100 },
	[OOMK_RAND] = { "rand", "max-rand", offsetof(struct oomk_proc, rand),
			offsetof(struct oomk_settings, max_rand), false, 100 },
	[OOMK_TCP] = { "tcp", "max-tcp-packets", offsetof(struct oomk_proc, tcp_segs),
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
