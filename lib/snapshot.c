// SPDX-License-Identifier: GPL-2.0
/* The pinned maps read at one moment, for status, the inspector and tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "format.h"
#include "pins.h"
#include "snapshot.h"

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* BPF stamps CLOCK_BOOTTIME; people read wall clock time. */
time_t wall_time(const struct snapshot *s, __u64 boot_ns)
{
	return (clock_ns(CLOCK_REALTIME) - (s->now_ns - boot_ns)) / 1000000000ULL;
}

static int read_procs(int fd, struct snapshot *s)
{
	__u32 key, *prev = NULL;
	int cap = 0;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		if (s->nr_procs == cap) {
			struct proc_row *more =
				realloc(s->procs, (cap = cap * 2 + 64) * sizeof(*more));

			if (!more)
				return -ENOMEM;
			s->procs = more;
		}
		/* an entry can go between the two calls: its process exited */
		if (!bpf_map_lookup_elem(fd, &key, &s->procs[s->nr_procs].p))
			s->procs[s->nr_procs++].pid = key;
		prev = &key;
	}
	return 0;
}

/*
 * The kill numbered *seq in the log, of the total BPF counted: 1 with it in *k and *seq on to
 * the next; 0 while it is not complete yet; -errno. Kills the log overwrote (a slot holds a
 * later seq than the one asked for) are skipped and added to *lost.
 */
int kill_log_next(int kills_fd, __u64 total, __u64 *seq, struct oomk_kill *k, __u64 *lost)
{
	if (*seq + OOMK_KILL_LOG <= total) {
		*lost += total + 1 - OOMK_KILL_LOG - *seq;
		*seq = total + 1 - OOMK_KILL_LOG;
	}
	for (; *seq <= total; (*seq)++, (*lost)++) {
		__u32 slot = *seq % OOMK_KILL_LOG;

		if (bpf_map_lookup_elem(kills_fd, &slot, k))
			return -errno;
		if (k->seq < *seq)
			return 0; /* BPF writes seq last */
		if (k->seq == *seq) {
			(*seq)++;
			return 1;
		}
	}
	return 0;
}

/* The kills the log holds, oldest first, up to one still being written. */
static int read_kills(int fd, struct snapshot *s)
{
	__u64 seq = 1, lost = 0;
	int err;

	while ((err = kill_log_next(fd, s->st.kills, &seq, &s->kills[s->nr_kills], &lost)) > 0)
		s->nr_kills++;
	return err;
}

static int read_libcs(int fd, struct snapshot *s)
{
	for (__u32 i = 0; i < OOMK_LIBCS; i++)
		if (bpf_map_lookup_elem(fd, &i, &s->libcs[i]))
			return -errno;
	return 0;
}

enum { STATE, PROCS, KILLS, LIBCS, NR_MAPS };
static const char *const map_names[NR_MAPS] = { PIN_STATE, PIN_PROCS, PIN_KILLS, PIN_LIBCS };

/* 0, or -errno: -ENOENT nothing installed, -EACCES not root, -EPROTO another schema. */
int snapshot_read(const char *pin_dir, struct snapshot *s)
{
	__u32 zero = 0;
	int fd[NR_MAPS], err, i;

	memset(s, 0, sizeof(*s));
	err = pinned_settings(pin_dir, &s->set);
	if (err)
		return err;
	for (i = 0; i < NR_MAPS; i++) {
		fd[i] = pinned_map(pin_dir, map_names[i]);
		err = err ?: fd[i] < 0 ? fd[i] : 0;
	}
	if (!err)
		err = bpf_map_lookup_elem(fd[STATE], &zero, &s->st) ? -errno : 0;
	/* after the reading's stamp, so that the age is never negative */
	s->now_ns = clock_ns(CLOCK_BOOTTIME);
	if (!err)
		err = read_procs(fd[PROCS], s)	       ?:
			      read_kills(fd[KILLS], s) ?:
							 read_libcs(fd[LIBCS], s);
	s->age_ms = s->now_ns > s->st.reading_ns ? (s->now_ns - s->st.reading_ns) / 1000000 : 0;
	s->stale = !s->st.readings || s->age_ms > 3ULL * s->set.tick_ms;
	s->ticker_running = ticker_running(pin_dir, s->set.ticker_pid);
	for (i = 0; i < NR_MAPS; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	if (err)
		snapshot_free(s);
	return err;
}

void snapshot_free(struct snapshot *s)
{
	free(s->procs);
	s->procs = NULL;
	s->nr_procs = 0;
}

/* The C libraries probed so far: "a, b", or "none". */
const char *fmt_libcs(const struct snapshot *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < OOMK_LIBCS && n < len; i++)
		if (s->libcs[i].ino)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", s->libcs[i].path);
	return n ? buf : "none";
}

/* the RAM and PSI gates asked for are open: the cgroup gate is per candidate */
bool global_gates_open(const struct snapshot *s)
{
	__u32 global = gates_asked(&s->set) & (OOMK_GATE_RAM | OOMK_GATE_PSI);

	return (s->st.gate & global) == global;
}
