/* SPDX-License-Identifier: GPL-2.0 */
/* The hot path every probe starts with, and the calls between units. */
#ifndef __PROC_BPF_H
#define __PROC_BPF_H

#include "maps.bpf.h"

/* proc.bpf.c */
int oomk_judge(struct oomk_verdict *v);
/* kill.bpf.c */
int oomk_cross_current(struct oomk_proc *p, __u32 limit, __u64 value, __u64 max);
int oomk_cross_task(__u32 tgid, __u32 limit, __u64 value, __u64 max);
int oomk_sweep(void);
/* mem.bpf.c */
int oomk_mem_sysinfo(__u64 ubuf);

/* The current process's verdict, judged again only after exec, rename or a config change. */
static __always_inline struct oomk_verdict *current_verdict(void)
{
	struct task_struct *leader = bpf_get_current_task_btf()->group_leader;
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_verdict *v;

	v = bpf_task_storage_get(&verdicts, leader, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v || !cfg)
		return NULL;
	if (v->gen != cfg->gen)
		oomk_judge(v);
	return v;
}

/* The procs entry of the current process when it is a tracked candidate. */
static __always_inline struct oomk_proc *verdict_proc(const struct oomk_verdict *v)
{
	__u32 tgid;

	if (!(v->flags & V_CANDIDATE))
		return NULL;
	tgid = bpf_get_current_pid_tgid() >> 32;
	return bpf_map_lookup_elem(&procs, &tgid);
}

static __always_inline struct oomk_proc *current_proc(void)
{
	struct oomk_verdict *v = current_verdict();

	return v ? verdict_proc(v) : NULL;
}

/* Adds n to a counter of p; true when that makes it reach max (0: no limit). */
static __always_inline bool charge(__u64 *counter, __u64 n, __u64 max, __u64 *now)
{
	*now = __sync_fetch_and_add(counter, n) + n;
	return max && *now >= max;
}

#endif /* __PROC_BPF_H */
