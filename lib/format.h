/* SPDX-License-Identifier: GPL-2.0 */
/* Sizes, limits, kills and names as the tools print them. */
#ifndef __OOMK_FORMAT_H
#define __OOMK_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "oomkiller.h"

#define NUM_LEN	   24 /* holds any number the fmt_* functions print */
#define SIGTERM_NR 15 /* as BPF records it in oomk_kill.signal */

/* a limit number read from a map, kept inside the limits */
static inline int limit_index(__u32 limit)
{
	return limit < OOMK_NR_LIMITS ? limit : 0;
}

const char *how_name(__u32 how);
const char *fmt_size(__u64 bytes, char *buf, size_t len);
const char *fmt_limit(int limit, __u64 v, char *buf, size_t len);
const char *fmt_kill(const struct oomk_kill *k, char *buf, size_t len);
const char *fmt_names(const struct oomk_settings *set, char *buf, size_t len);
const char *fmt_limits(const struct oomk_settings *set, char *buf, size_t len);
const char *fmt_why(__u32 why, char *buf, size_t len);
const char *fmt_gates(__u32 gates, char *buf, size_t len);
const char *unit_name(__u32 unit);
__u32 gates_asked(const struct oomk_settings *set);
const char *fmt_gate_readings(const struct oomk_settings *set, const struct oomk_state *st,
			      char *buf, size_t len);

#endif /* __OOMK_FORMAT_H */
