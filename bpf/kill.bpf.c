// SPDX-License-Identifier: GPL-2.0
/*
 * The only unit that signals. A process over a limit is signalled at once if the gate is open;
 * else, or if the kernel refuses the signal, it stays marked over and its next event or the
 * next sweep acts on it, against the limits in force then. Where the kernel cannot signal a
 * task other than current (before 6.13), a signal decided elsewhere is queued in its procs
 * entry: its next event sends it, or the ticker does, which this unit sees go out.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"

#define SIGKILL		  9
#define SIGTERM		  15
#define OOM_SCORE_ADJ_MIN (-1000)

/* Set by the loader from what the kernel offers; calls of what it lacks are dead code. */
const volatile bool have_signal_task; /* bpf_task_from_pid, _release, bpf_send_signal_task */
const volatile bool have_task_iter; /* bpf_iter_task_new over a process's threads, acquire */

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym __weak;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;
extern int bpf_send_signal_task(struct task_struct *task, int sig, enum pid_type type,
				u64 value) __ksym __weak;
extern int bpf_iter_task_new(struct bpf_iter_task *it, struct task_struct *task,
			     unsigned int flags) __ksym __weak;
extern struct task_struct *bpf_iter_task_next(struct bpf_iter_task *it) __ksym __weak;
extern void bpf_iter_task_destroy(struct bpf_iter_task *it) __ksym __weak;

/* As the kernel's OOM killer: never init, kernel threads, or what oom_score_adj shields. */
static __always_inline bool protected(struct task_struct *task)
{
	return task->tgid == 1 || (task->flags & PF_KTHREAD) ||
	       task->signal->oom_score_adj == OOM_SCORE_ADJ_MIN;
}

/* The first limit p's counters reach under cfg, or OOMK_NR_LIMITS. */
static __always_inline __u32 over(const struct oomk_proc *p, const struct oomk_settings *cfg)
{
	for (__u32 i = 0; i < OOMK_NR_LIMITS; i++)
		if (cfg->max[i] && p->count[i] >= cfg->max[i])
			return i;
	return OOMK_NR_LIMITS;
}

/* See kill.bpf.h: OVER is a verdict against the limits in force, both ways. */
static __always_inline bool verdict(struct oomk_proc *p, const struct oomk_settings *cfg)
{
	__u32 limit, state = p->state;

	if (state != OOMK_OK && state != OOMK_OVER && state != OOMK_SPARED)
		return false;
	limit = over(p, cfg);
	if (limit == OOMK_NR_LIMITS) {
		p->state = OOMK_OK;
		p->queued = 0;
		return false;
	}
	if (state == OOMK_SPARED && cfg->dry_run)
		return false;
	if (state != OOMK_OVER || p->limit != limit) {
		p->limit = limit;
		p->value = p->count[limit];
		p->max = cfg->max[limit];
	}
	p->state = OOMK_OVER;
	return true;
}

__noinline int oomk_verdict(struct oomk_proc *p)
{
	struct oomk_settings *cfg = oomk_settings();

	return p && cfg && verdict(p, cfg);
}

/* What a candidate over a limit gets first: SIGKILL, SIGTERM, or in a dry run nothing (0). */
static __always_inline int first_signal(const struct oomk_settings *cfg)
{
	return cfg->dry_run ? 0 : cfg->action == OOMK_ACTION_TERM ? SIGTERM : SIGKILL;
}

/* sig went out to p (0: a dry run): the kill log keeps it whether anyone reads it or not. */
static __always_inline void log_kill(__u32 tgid, struct oomk_proc *p, int sig, __u32 how)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct oomk_kill *k;
	__u32 slot, by;
	__u64 seq;

	if (!st || !cfg)
		return;
	seq = __sync_fetch_and_add(&st->kills, 1) + 1;
	/*
	 * Counted apart from the log, which keeps only the last OOMK_KILL_LOG; by one index checked
	 * where it is used: 6.1's verifier loses the bounds of a value spilled to the stack.
	 */
	by = p->limit * OOMK_NR_BY + how;
	barrier_var(by);
	if (p->limit < OOMK_NR_LIMITS && how < OOMK_NR_BY && by < OOMK_NR_LIMITS * OOMK_NR_BY)
		__sync_fetch_and_add(&st->kills_by[0][0] + by, 1);
	slot = seq % OOMK_KILL_LOG;
	k = bpf_map_lookup_elem(&kills, &slot);
	if (!k)
		return;
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
}

/* The whole process, through its first thread that has not exited. */
static __always_inline long signal_live_thread(struct task_struct *leader, int sig)
{
	struct bpf_iter_task it;
	struct task_struct *t;
	long err = -1;

	bpf_iter_task_new(&it, leader, BPF_TASK_ITER_PROC_THREADS);
	while ((t = bpf_iter_task_next(&it))) {
		if (!(t->flags & PF_EXITING) && (t = bpf_task_acquire(t))) {
			err = bpf_send_signal_task(t, sig, PIDTYPE_TGID, 0);
			bpf_task_release(t);
			break;
		}
	}
	bpf_iter_task_destroy(&it);
	return err;
}

/*
 * Sends sig to the process of tgid from any context. A leader that called pthread_exit() is a
 * zombie, which the kernel refuses to signal: then a live thread carries it. 0 when it went
 * out.
 */
static __always_inline long signal_task(__u32 tgid, struct oomk_proc *p, int sig)
{
	struct task_struct *leader = bpf_task_from_pid(tgid);
	long err;

	if (!leader)
		return -1;
	if (leader->start_time != p->start_ns || protected(leader))
		err = -1;
	else if (!(leader->flags & PF_EXITING))
		err = bpf_send_signal_task(leader, sig, PIDTYPE_TGID, 0);
	else
		err = have_task_iter ? signal_live_thread(leader, sig) : -1;
	bpf_task_release(leader);
	return err;
}

/* sig went out to p (0: a dry run spared it): stamped, and logged. */
static __always_inline void acted(__u32 tgid, struct oomk_proc *p, int sig, __u32 how)
{
	p->queued = 0;
	p->term_ns = bpf_ktime_get_boot_ns();
	log_kill(tgid, p, sig, how);
}

static __always_inline __u32 state_after(int sig)
{
	return sig == SIGKILL ? OOMK_KILLED : sig ? OOMK_TERMED : OOMK_SPARED;
}

/*
 * Claims p (in state from) for one signal and sends it, from current when current is p's
 * process, else through the task kfuncs where the kernel has them, else queues it for the
 * ticker. On a refusal p goes back to from: the next event or sweep tries again, and the log
 * has only what went out.
 */
static __always_inline bool act(__u32 tgid, struct oomk_proc *p, __u32 from, int sig, __u32 how,
				bool any_task)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	bool here = cur->tgid == tgid;
	long err = 0;

	if (sig && !here && any_task && !have_signal_task) {
		p->queued_how = how;
		p->queued = sig;
		return false;
	}
	if (__sync_val_compare_and_swap(&p->state, from, state_after(sig)) != from)
		return false;
	if (sig && here)
		err = protected(cur) ? -1 : bpf_send_signal(sig);
	else if (sig && any_task && have_signal_task)
		err = signal_task(tgid, p, sig);
	else if (sig)
		err = -1;
	if (err) {
		p->state = from;
		return false;
	}
	acted(tgid, p, sig, how);
	return true;
}

static __always_inline int cross(struct oomk_proc *p, __u32 tgid, bool any_task)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();

	if (!p || !cfg || !st || !verdict(p, cfg) || !st->gate)
		return 0;
	return act(tgid, p, OOMK_OVER, first_signal(cfg), OOMK_BY_EVENT, any_task);
}

__noinline int oomk_cross_current(struct oomk_proc *p)
{
	return cross(p, bpf_get_current_pid_tgid() >> 32, false);
}

__noinline int oomk_cross_task(struct oomk_proc *p, __u32 tgid)
{
	return cross(p, tgid, true);
}

struct sweep {
	struct oomk_settings *cfg;
	__u32 gate;
	__u64 now;
};

static long sweep_one(struct bpf_map *map, __u32 *tgid, struct oomk_proc *p, struct sweep *s)
{
	if (verdict(p, s->cfg) && s->gate)
		act(*tgid, p, OOMK_OVER, first_signal(s->cfg), OOMK_BY_SWEEP, true);
	else if (p->state == OOMK_TERMED && s->now - p->term_ns >= s->cfg->grace_ms * 1000000)
		act(*tgid, p, OOMK_TERMED, SIGKILL, OOMK_BY_GRACE, true);
	return 0;
}

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

/*
 * The ticker sent a signal that BPF queued (kernels without bpf_send_signal_task): it went out,
 * to the process BPF judged, which the ticker checked through a pidfd. Log it as BPF's own.
 */
SEC("?tp_btf/signal_generate")
int BPF_PROG(oomk_queued_sent, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = task->tgid, from;
	struct oomk_proc *p;

	if (result || !(own_bits(cur) & OOMK_OWN_TICKER))
		return 0;
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || p->queued != sig)
		return 0;
	from = sig == SIGKILL && p->state == OOMK_TERMED ? OOMK_TERMED : OOMK_OVER;
	if (__sync_val_compare_and_swap(&p->state, from, state_after(sig)) == from)
		acted(tgid, p, sig, p->queued_how);
	return 0;
}
