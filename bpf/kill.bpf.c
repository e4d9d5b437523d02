// SPDX-License-Identifier: GPL-2.0
/* The only unit that signals: a crossed limit kills now if the gate is open, else at the sweep. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "proc.bpf.h"

#define SIGKILL		  9
#define SIGTERM		  15
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

/* Records the first limit p crossed; true when the gate lets it be acted on now. */
static __always_inline bool crossed(struct oomk_proc *p, __u32 limit, __u64 value, __u64 max)
{
	struct oomk_state *st = oomk_state();

	if (!st || (p->state != OOMK_OK && p->state != OOMK_OVER))
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

/* What a candidate over a limit gets first: SIGKILL, SIGTERM, or in a dry run nothing (0). */
static __always_inline int first_signal(const struct oomk_settings *cfg)
{
	return cfg->dry_run ? 0 : cfg->action == OOMK_ACTION_TERM ? SIGTERM : SIGKILL;
}

/* sig went out (0: a dry run): the kill log keeps it whether anyone reads it or not. */
static __always_inline int acted(__u32 tgid, struct oomk_proc *p, int sig, __u32 how)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct oomk_kill *k;
	__u32 slot;
	__u64 seq;

	p->state = sig == SIGKILL ? OOMK_KILLED : sig ? OOMK_TERMED : OOMK_SPARED;
	p->term_ns = bpf_ktime_get_boot_ns();
	if (!st || !cfg)
		return 1;
	seq = __sync_fetch_and_add(&st->kills, 1) + 1;
	slot = seq % OOMK_KILL_LOG;
	k = bpf_map_lookup_elem(&kills, &slot);
	if (!k)
		return 1;
	k->time_ns = p->term_ns;
	k->pid = tgid;
	k->limit = p->limit;
	k->value = p->value;
	k->max = p->max;
	k->used = st->used;
	k->mem_threshold = cfg->mem_threshold;
	__builtin_memcpy(k->comm, p->comm, sizeof(k->comm));
	k->how = how;
	k->signal = sig;
	k->seq = seq; /* last: readers take a slot whose seq they expect as complete */
	return 1;
}

/* From any context, softirq included, where current may be a bystander. */
static __always_inline int signal_tgid(__u32 tgid, struct oomk_proc *p, int sig, __u32 how)
{
	struct task_struct *task = bpf_task_from_pid(tgid);
	int ret = 0;

	if (!task)
		return 0;
	if (task->start_time == p->start_ns && !protected(task) &&
	    (!sig || !bpf_send_signal_task(task, sig, PIDTYPE_TGID, 0)))
		ret = acted(tgid, p, sig, how);
	bpf_task_release(task);
	return ret;
}

/* The offender is current: probes in its own syscall or uprobe context. */
__noinline int oomk_cross_current(struct oomk_proc *p, __u32 limit, __u64 value, __u64 max)
{
	struct oomk_settings *cfg = oomk_settings();
	int sig;

	if (!p || !cfg || !crossed(p, limit, value, max) || protected(bpf_get_current_task_btf()))
		return 0;
	sig = first_signal(cfg);
	if (sig && bpf_send_signal(sig))
		return 0;
	return acted(bpf_get_current_pid_tgid() >> 32, p, sig, OOMK_BY_EVENT);
}

__noinline int oomk_cross_task(__u32 tgid, __u32 limit, __u64 value, __u64 max)
{
	struct oomk_proc *p = bpf_map_lookup_elem(&procs, &tgid);
	struct oomk_settings *cfg = oomk_settings();

	if (!p || !cfg || !crossed(p, limit, value, max))
		return 0;
	return signal_tgid(tgid, p, first_signal(cfg), OOMK_BY_EVENT);
}

struct sweep {
	struct oomk_settings *cfg;
	__u32 gate;
	__u64 now;
};

static long sweep_one(struct bpf_map *map, __u32 *tgid, struct oomk_proc *p, struct sweep *s)
{
	if (p->state == OOMK_OVER && s->gate)
		signal_tgid(*tgid, p, first_signal(s->cfg), OOMK_BY_SWEEP);
	else if (p->state == OOMK_TERMED && s->now - p->term_ns >= s->cfg->grace_ms * 1000000)
		signal_tgid(*tgid, p, SIGKILL, OOMK_BY_GRACE);
	return 0;
}

/*
 * At each reading: act on the candidates that crossed a limit while the gate was closed, if
 * it is open now, and SIGKILL those whose grace after a SIGTERM is over.
 */
__noinline int oomk_sweep(void)
{
	struct sweep s = { .cfg = oomk_settings(), .now = bpf_ktime_get_boot_ns() };
	struct oomk_state *st = oomk_state();

	if (!s.cfg || !st)
		return 0;
	s.gate = st->gate;
	bpf_for_each_map_elem(&procs, sweep_one, &s, 0);
	return 0;
}
