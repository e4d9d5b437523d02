// SPDX-License-Identifier: GPL-2.0
/* Sizes, limits, kills and names as the tools print them. */
#include <stddef.h>
#include <stdio.h>
#include "common.h"
#include "format.h"
#include "options.h"

/* what acted, by OOMK_BY_*: the event that crossed the limit, a sweep, the end of a grace */
const char *how_name(__u32 how)
{
	return how == OOMK_BY_SWEEP ? "sweep" : how == OOMK_BY_GRACE ? "grace" : "event";
}

/*
 * Exact where that reads well, in the units the options take: 10000000 -> "10MB", 10485760 ->
 * "10MiB"; else one decimal in powers of 1000, as free --si prints: 2139656192 -> "2.1GB".
 */
const char *fmt_size(__u64 bytes, char *buf, size_t len)
{
	static const char *const si[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	__u64 d = bytes, b = bytes;
	int nd = 0, nb = 0;
	double v = bytes;

	while (d && d % 1000 == 0) {
		d /= 1000;
		nd++;
	}
	while (b && b % 1024 == 0) {
		b /= 1024;
		nb++;
	}
	if (nb > nd && b < 10000)
		snprintf(buf, len, "%llu%s", (unsigned long long)b, iec[nb]);
	else if (d < 10000)
		snprintf(buf, len, "%llu%s", (unsigned long long)d, si[nd]);
	else {
		for (nd = 0; v >= 1000 && nd < 6; nd++)
			v /= 1000;
		snprintf(buf, len, "%.1f%s", v, si[nd]);
	}
	return buf;
}

/* A limit's value as its option takes it: bytes for read, a count for the others. */
const char *fmt_limit(int limit, __u64 v, char *buf, size_t len)
{
	if (limit_opt(limit)->type == OPT_SIZE)
		return fmt_size(v, buf, len);
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* "killed 4242 (oomp_test_fds): fds 100 >= 100, used 1.3GB >= 1GB" */
const char *fmt_kill(const struct oomk_kill *k, char *buf, size_t len)
{
	char value[NUM_LEN], max[NUM_LEN], used[NUM_LEN], threshold[NUM_LEN];
	int limit = limit_index(k->limit);

	snprintf(buf, len, "%s %u (%s): %s %s >= %s, used %s >= %s%s",
		 !k->signal		 ? "dry run, would have signalled" :
		 k->signal == SIGTERM_NR ? "sent SIGTERM to" :
					   "killed",
		 k->pid, k->comm, limit_opt(limit)->column,
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

/* "fds 100, writes 100, read 10MB, ..., rand unavailable, tcp off" */
const char *fmt_limits(const struct oomk_settings *set, char *buf, size_t len)
{
	size_t n = 0;
	char v[NUM_LEN];

	buf[0] = '\0';
	for (int i = 0; i < OOMK_NR_LIMITS && n < len; i++) {
		__u64 max = set->max[i];

		n += snprintf(buf + n, len - n, "%s%s %s", i ? ", " : "", limit_opt(i)->column,
			      !(set->active & (1 << i)) ? "unavailable" :
			      max			? fmt_limit(i, max, v, sizeof(v)) :
							  "off");
	}
	return buf;
}

/* "name,exe": what made a candidate one (OOMK_WHY_*) */
const char *fmt_why(__u32 why, char *buf, size_t len)
{
	static const char *const words[] = { "name", "exe", "cmdline" };
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(words) && n < len; i++)
		if (why & (1 << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", words[i]);
	return buf;
}

/* "ram,psi": gates, OOMK_GATE_* bits, as --gate names them; "none" */
const char *fmt_gates(__u32 gates, char *buf, size_t len)
{
	flags_text(opt_by_name("gate", CMD_POLICY), gates, buf, len);
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

/* what --kill names an OOMK_UNIT_* */
const char *unit_name(__u32 unit)
{
	return choice_text(opt_by_name("kill", CMD_POLICY), unit);
}

/* The gates the settings ask for (none: RAM), OOMK_GATE_* */
__u32 gates_asked(const struct oomk_settings *set)
{
	return set->gates ?: OOMK_GATE_RAM;
}

/*
 * Each gate asked for, its reading and whether it is open: "ram OPEN (2.7GB used >= 1GB); psi
 * closed (some avg10 0.52% < 10%); cgroup per candidate (its memory against 80% of its
 * memory.max)".
 */
const char *fmt_gate_readings(const struct oomk_settings *set, const struct oomk_state *st,
			      char *buf, size_t len)
{
	__u32 asked = gates_asked(set);
	char a[NUM_LEN], b[NUM_LEN];
	size_t n = 0;

	buf[0] = '\0';
	if (asked & OOMK_GATE_RAM)
		n += snprintf(
			buf + n, len - n, "ram %s (%s used %s %s)",
			st->gate & OOMK_GATE_RAM ? "OPEN" : "closed",
			fmt_size(st->used, a, sizeof(a)), st->gate & OOMK_GATE_RAM ? ">=" : "<",
			fmt_size(set->mem_threshold_pct ? st->total / 100 * set->mem_threshold_pct :
							  set->mem_threshold,
				 b, sizeof(b)));
	if ((asked & OOMK_GATE_PSI) && n < len)
		n += snprintf(buf + n, len - n, "%spsi %s (%s avg10 %u.%02u%% %s %u.%02u%%)",
			      n ? "; " : "", st->gate & OOMK_GATE_PSI ? "OPEN" : "closed",
			      set->psi_full ? "full" : "some", (unsigned int)(st->psi_avg10 / 100),
			      (unsigned int)(st->psi_avg10 % 100),
			      st->gate & OOMK_GATE_PSI ? ">=" : "<", set->psi_min / 100,
			      set->psi_min % 100);
	if ((asked & OOMK_GATE_CGROUP) && n < len) {
		if (set->mem_threshold_pct)
			snprintf(a, sizeof(a), "%u%%", set->mem_threshold_pct);
		snprintf(buf + n, len - n, "%scgroup per candidate (its memory used >= %s%s)",
			 n ? "; " : "",
			 set->mem_threshold_pct ? a : fmt_size(set->mem_threshold, b, sizeof(b)),
			 set->mem_threshold_pct ? " of its memory.max" : "");
	}
	return buf;
}
