/* SPDX-License-Identifier: GPL-2.0 */
/* The hot path every probe starts with, and what the probes measure of a process. */
#ifndef __PROC_BPF_H
#define __PROC_BPF_H

#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"
#include "kill.bpf.h"

#define PF_EXITING 0x00000004 /* include/linux/sched.h: not in BTF */
#define PF_KTHREAD 0x00200000

/*
 * The procs entry of task's process if it is a candidate; task is current. Every event of
 * every process comes here: for a process without task storage, the common case, it costs one
 * load.
 */
static __always_inline struct oomk_proc *current_proc(struct task_struct *task)
{
	__u32 tgid;

	if (!task->group_leader->bpf_storage)
		return NULL;
	tgid = task->tgid;
	return bpf_map_lookup_elem(&procs, &tgid);
}

/* Adds n to a counter of p; true when that makes it reach max (0: no limit). */
static __always_inline bool charge(__u64 *counter, __u64 n, __u64 max)
{
	__u64 now = __sync_fetch_and_add(counter, n) + n;

	return max && now >= max;
}

/*
 * An event of p's own, in a tracing program, that reaches a limit, or of p over one already:
 * act if the gates are open.
 */
static __always_inline void event(struct oomk_proc *p, bool reached)
{
	if (reached || p->state == OOMK_OVER)
		oomk_cross_task(p, bpf_get_current_pid_tgid() >> 32);
}

struct fd_count {
	unsigned long *bits;
	__u64 n;
};

static long count_word(__u64 i, struct fd_count *c)
{
	unsigned long word = 0;

	bpf_probe_read_kernel(&word, sizeof(word), c->bits + i);
	c->n += __builtin_popcountl(word);
	return 0;
}

/* Descriptors in use: the bits set in the fd table's open bitmap (0 once task exited). */
static __always_inline __u64 open_fds(struct task_struct *task)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct fd_count c = { .bits = BPF_CORE_READ(fdt, open_fds) };

	bpf_loop((BPF_CORE_READ(fdt, max_fds) + 63) / 64, count_word, &c, 0);
	return c.n;
}

static __always_inline bool same_inode(struct inode *inode, const struct oomk_state *st, int i)
{
	return BPF_CORE_READ(inode, i_ino) == st->own_ino[i] &&
	       BPF_CORE_READ(inode, i_sb, s_dev) == st->own_dev[i];
}

/*
 * One of oomkiller's processes: marked by install (the ticker, the installer), or running one
 * of its binaries (status, config, the inspector) as BPF sees them: an overlay cannot fool it.
 */
static __always_inline bool ours(struct task_struct *leader, const struct oomk_state *st)
{
	struct inode *exe = BPF_CORE_READ(leader, mm, exe_file, f_inode);

	return own_bits(leader) || (exe && (same_inode(exe, st, 0) || same_inode(exe, st, 1)));
}

/* The file at fd in current's table, as a plain address (NULL if none): read it with CO-RE. */
static __always_inline struct file *fd_file(struct task_struct *task, unsigned long fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	/* the verifier takes no variable index into fdt->fd: read that one slot */
	if (fd < fdt->max_fds)
		bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

/* Threads the process has now besides its first: each one was created. */
static __always_inline __u64 live_threads(struct task_struct *task)
{
	int n = BPF_CORE_READ(task, signal, nr_threads);

	return n > 1 ? n - 1 : 0;
}

/* No thread of task's process is left: its exit has run, whatever remains is a zombie. */
static __always_inline bool group_dead(struct task_struct *task)
{
	return !BPF_CORE_READ(task, signal, live.counter);
}

#endif /* __PROC_BPF_H */
