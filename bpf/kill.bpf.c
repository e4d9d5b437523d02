// SPDX-License-Identifier: GPL-2.0
/* The only unit that signals: a crossed limit kills now if the gate is open, else at the sweep. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "proc.bpf.h"

#define SIGKILL		  9
#define PF_KTHREAD	  0x00200000
#define OOM_SCORE_ADJ_MIN (-1000)

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern int bpf_send_signal_task(struct task_struct *task, int sig, enum pid_type type,
				u64 value) __ksym;

/* As the kernel's OOM killer: never init, kernel threads, or what oom_score_adj shields. */
static __always_inline bool protected(struct task_struct *task)
{
	return task->tgid == 1 || (task->flags & PF_KTHREAD) ||
	       task->signal->oom_score_adj == OOM_SCORE_ADJ_MIN;
}

/* Records the first limit p crossed; true when the gate lets it be killed now. */
static __always_inline bool crossed(struct oomk_proc *p, __u32 limit, __u64 value, __u64 max)
{
	struct oomk_state *st = oomk_state();

	if (!st || p->state == OOMK_KILLED)
		return false;
	if (p->state == OOMK_OK) {
		p->limit = limit;
		p->value = value;
		p->max = max;
	}
	if (!st->gate) {
		p->state = OOMK_OVER;
		return false;
	}
	return true;
}

/* SIGKILL went out: the kill log keeps it whether anyone reads it or not. */
static __always_inline int killed(__u32 tgid, struct oomk_proc *p, __u32 how)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct oomk_kill *k;
	__u32 slot;
	__u64 seq;

	p->state = OOMK_KILLED;
	if (!st || !cfg)
		return 1;
	seq = __sync_fetch_and_add(&st->kills, 1) + 1;
	slot = seq % OOMK_KILL_LOG;
	k = bpf_map_lookup_elem(&kills, &slot);
	if (!k)
		return 1;
	k->time_ns = bpf_ktime_get_boot_ns();
	k->pid = tgid;
	k->limit = p->limit;
	k->value = p->value;
	k->max = p->max;
	k->used = st->used;
	k->mem_threshold = cfg->mem_threshold;
	__builtin_memcpy(k->comm, p->comm, sizeof(k->comm));
	k->how = how;
	k->seq = seq; /* last: readers take a slot whose seq they expect as complete */
	return 1;
}

/* From any context, softirq included, where current may be a bystander. */
static __always_inline int kill_tgid(__u32 tgid, struct oomk_proc *p, __u32 how)
{
	struct task_struct *task = bpf_task_from_pid(tgid);
	int ret = 0;

	if (!task)
		return 0;
	if (task->start_time == p->start_ns && !protected(task) &&
	    !bpf_send_signal_task(task, SIGKILL, PIDTYPE_TGID, 0))
		ret = killed(tgid, p, how);
	bpf_task_release(task);
	return ret;
}

/* The offender is current: probes in its own syscall or uprobe context. */
__noinline int oomk_cross_current(struct oomk_proc *p, __u32 limit, __u64 value, __u64 max)
{
	if (!p || !crossed(p, limit, value, max) || protected(bpf_get_current_task_btf()) ||
	    bpf_send_signal(SIGKILL))
		return 0;
	return killed(bpf_get_current_pid_tgid() >> 32, p, OOMK_BY_EVENT);
}

__noinline int oomk_cross_task(__u32 tgid, __u32 limit, __u64 value, __u64 max)
{
	struct oomk_proc *p = bpf_map_lookup_elem(&procs, &tgid);

	if (!p || !crossed(p, limit, value, max))
		return 0;
	return kill_tgid(tgid, p, OOMK_BY_EVENT);
}

static long sweep_one(struct bpf_map *map, __u32 *tgid, struct oomk_proc *p, void *ctx)
{
	if (p->state == OOMK_OVER)
		kill_tgid(*tgid, p, OOMK_BY_SWEEP);
	return 0;
}

/* The gate is open: kill the candidates that crossed a limit while it was closed. */
__noinline int oomk_sweep(void)
{
	bpf_for_each_map_elem(&procs, sweep_one, NULL, 0);
	return 0;
}
