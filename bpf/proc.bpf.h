/* SPDX-License-Identifier: GPL-2.0 */
/* The hot path every probe starts with, and the calls between units. */
#ifndef __PROC_BPF_H
#define __PROC_BPF_H

#include "maps.bpf.h"

#define PF_KTHREAD 0x00200000 /* include/linux/sched.h: not in BTF */

/* kill.bpf.c */
int oomk_cross_current(struct oomk_proc *p, __u32 limit, __u64 value, __u64 max);
int oomk_cross_task(__u32 tgid, __u32 limit, __u64 value, __u64 max);
int oomk_sweep(void);
/* mem.bpf.c */
int oomk_mem_sysinfo(__u32 tgid, __u64 ubuf);

/*
 * The procs entry of task's process if it is a candidate; task is current. Every syscall of
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
static __always_inline bool charge(__u64 *counter, __u64 n, __u64 max, __u64 *now)
{
	*now = __sync_fetch_and_add(counter, n) + n;
	return max && *now >= max;
}

#endif /* __PROC_BPF_H */
