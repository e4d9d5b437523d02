// SPDX-License-Identifier: GPL-2.0
/*
 * The only unit that signals. A process over a limit is signalled at once if the gates are
 * open; else, or if the kernel refuses the signal, it stays marked over and its next event or
 * the next sweep acts on it, against the limits in force then. What is signalled is the
 * process, or with --kill its process group or cgroup, never a protected process. Where the
 * kernel cannot signal a task other than current (before 6.13), a signal decided elsewhere is
 * queued in the procs entry: the offender's next event sends it, or the ticker does (to the
 * members oomk_members lists, for a group or cgroup, the offender held stopped meanwhile if
 * the kill was decided at its own event), which this unit sees go out.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"
#include "cgroup.bpf.h"

#define SIGKILL		  9
#define SIGTERM		  15
#define SIGSTOP		  19
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

/* For the ticker's oomk_members: whose group or cgroup it lists (kernels before 6.13). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} victim SEC(".maps");

/*
 * Never signalled, whatever the unit: init, kernel threads, what oom_score_adj shields (as the
 * kernel's OOM killer does), oomkiller's own processes.
 */
static __always_inline bool protected(struct task_struct *leader, const struct oomk_state *st)
{
	return leader->tgid == 1 || (leader->flags & PF_KTHREAD) ||
	       leader->signal->oom_score_adj == OOM_SCORE_ADJ_MIN || ours(leader, st);
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

/*
 * The OOMK_GATE_* open for p: RAM and pressure as last read, its cgroup's memory now (read
 * through the memory cgroup judging found it in). True when all that cfg asks for are.
 */
static __always_inline bool gates_open(struct oomk_proc *p, const struct oomk_settings *cfg,
				       const struct oomk_state *st, __u32 *open)
{
	__u32 need = cfg->gates ?: OOMK_GATE_RAM; /* settings that name none: the RAM gate */
	__u64 threshold = cfg->mem_threshold;

	*open = st->gate & (OOMK_GATE_RAM | OOMK_GATE_PSI);
	if ((need & OOMK_GATE_CGROUP) && p->memcg) {
		memcg_usage(p->memcg, cfg->page_size, &p->cg_used, &p->cg_max);
		if (cfg->mem_threshold_pct)
			threshold = p->cg_max == ~0ULL ? ~0ULL :
							 p->cg_max / 100 * cfg->mem_threshold_pct;
		if (p->cg_used >= threshold)
			*open |= OOMK_GATE_CGROUP;
	}
	return (*open & need) == need;
}

/* What a candidate over a limit gets first: SIGKILL, SIGTERM, or in a dry run nothing (0). */
static __always_inline int first_signal(const struct oomk_settings *cfg)
{
	return cfg->dry_run ? 0 : cfg->action == OOMK_ACTION_TERM ? SIGTERM : SIGKILL;
}

/* What went out for p (sig 0: a dry run), as the kill log keeps it whether read or not. */
struct kill_entry {
	int sig;
	__u32 how;
	__u32 unit;
	__u32 signalled;
	__u32 gates;
};

static __always_inline void log_kill(__u32 tgid, struct oomk_proc *p, const struct kill_entry *e)
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
	by = p->limit * OOMK_NR_BY + e->how;
	barrier_var(by);
	if (p->limit < OOMK_NR_LIMITS && e->how < OOMK_NR_BY && by < OOMK_NR_LIMITS * OOMK_NR_BY)
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
	k->how = e->how;
	k->signal = e->sig;
	k->unit = e->unit;
	k->signalled = e->signalled;
	k->gates = e->gates;
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
 * The process of leader, which the caller holds: a leader that called pthread_exit() is a
 * zombie, which the kernel refuses to signal, so then a live thread carries it. 0 when sent.
 */
static __always_inline long signal_process(struct task_struct *leader, int sig)
{
	if (!(leader->flags & PF_EXITING))
		return bpf_send_signal_task(leader, sig, PIDTYPE_TGID, 0);
	return have_task_iter ? signal_live_thread(leader, sig) : -1;
}

/* leader is of unit (its process group is pgrp, or its cgroup is below cgroup). */
static __always_inline bool member(struct task_struct *leader, __u32 unit, struct pid *pgrp,
				   __u64 cgroup, const struct oomk_settings *cfg)
{
	if (unit == OOMK_UNIT_GROUP)
		return BPF_CORE_READ(leader, signal, pids[PIDTYPE_PGID]) == pgrp;
	return below(cgroup_of(leader, cfg), cgroup);
}

/*
 * Every unprotected process of offender's unit: how many the signal went to. The count is kept
 * in p, not in a register: the verifier would take each value for another state of the loop.
 */
static __always_inline __u32 signal_unit(struct task_struct *offender, struct oomk_proc *p, int sig,
					 __u32 unit, const struct oomk_settings *cfg,
					 const struct oomk_state *st)
{
	struct pid *pgrp = BPF_CORE_READ(offender, signal, pids[PIDTYPE_PGID]);
	struct bpf_iter_task it;
	struct task_struct *t;

	p->signalled = 0;
	bpf_iter_task_new(&it, NULL, BPF_TASK_ITER_ALL_PROCS);
	while ((t = bpf_iter_task_next(&it))) {
		if (!member(t, unit, pgrp, p->cgroup, cfg) || protected(t, st) ||
		    !(t = bpf_task_acquire(t)))
			continue;
		/* a member whose leader exited is not reached: the offender is, by signal_task() */
		if (!bpf_send_signal_task(t, sig, PIDTYPE_TGID, 0))
			__sync_fetch_and_add(&p->signalled, 1);
		bpf_task_release(t);
	}
	bpf_iter_task_destroy(&it);
	return p->signalled;
}

/*
 * Sends sig to the offender tgid (p) and its unit from a context where it may not be current:
 * how many processes it went to.
 */
static __always_inline __u32 signal_task(__u32 tgid, struct oomk_proc *p, int sig,
					 const struct oomk_settings *cfg,
					 const struct oomk_state *st)
{
	struct task_struct *leader = bpf_task_from_pid(tgid);
	__u32 n = 0;

	if (!leader)
		return 0;
	if (leader->start_time == p->start_ns && !protected(leader, st)) {
		if (cfg->unit != OOMK_UNIT_PROCESS && have_task_iter)
			n = signal_unit(leader, p, sig, cfg->unit, cfg, st) +
			    ((leader->flags & PF_EXITING) && !signal_live_thread(leader, sig));
		else
			n = !signal_process(leader, sig);
	}
	bpf_task_release(leader);
	return n;
}

static __always_inline __u32 state_after(int sig)
{
	return sig == SIGKILL ? OOMK_KILLED : sig ? OOMK_TERMED : OOMK_SPARED;
}

/*
 * Claims p (in state from) for one signal and sends it: from current when current is p's
 * process and the unit is the process; else through the task kfuncs where the kernel has
 * them and the program may call them (any_task); else queued for the ticker, or left for a
 * later event. On a refusal p goes back to from: the next event or sweep tries again, and the
 * log has only what went out.
 */
static __always_inline bool act(__u32 tgid, struct oomk_proc *p, __u32 from, struct kill_entry *e,
				bool any_task)
{
	struct oomk_settings *cfg = oomk_settings();
	struct task_struct *cur = bpf_get_current_task_btf();
	struct oomk_state *st = oomk_state();
	bool here = cur->tgid == tgid && (!cfg || cfg->unit == OOMK_UNIT_PROCESS);

	if (!cfg || !st)
		return false;
	e->unit = cfg->unit;
	if (e->sig && !here && any_task && !have_signal_task) {
		p->queued_how = e->how;
		p->queued_unit = e->unit;
		p->queued_gates = e->gates;
		p->queued = e->sig;
		/* at its own event: held still until the ticker signals its unit, or it would go on */
		if (cur->tgid == tgid && !protected(cur->group_leader, st))
			bpf_send_signal(SIGSTOP);
		return false;
	}
	if (e->sig && !here && !any_task)
		return false; /* a uprobe: a tracing event or the sweep will act */
	if (__sync_val_compare_and_swap(&p->state, from, state_after(e->sig)) != from)
		return false;
	if (!e->sig)
		e->signalled = 0;
	else if (here)
		e->signalled = !protected(cur->group_leader, st) && !bpf_send_signal(e->sig);
	else if (have_signal_task)
		e->signalled = signal_task(tgid, p, e->sig, cfg, st);
	if (e->sig && !e->signalled) {
		p->state = from;
		return false;
	}
	p->queued = 0;
	p->term_ns = bpf_ktime_get_boot_ns();
	log_kill(tgid, p, e);
	return true;
}

static __always_inline int cross(struct oomk_proc *p, __u32 tgid, bool any_task)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct kill_entry e = { .how = OOMK_BY_EVENT };

	if (!p || !cfg || !st || !verdict(p, cfg) || !gates_open(p, cfg, st, &e.gates))
		return 0;
	e.sig = first_signal(cfg);
	return act(tgid, p, OOMK_OVER, &e, any_task);
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
	struct oomk_state *st;
	__u64 now;
};

static long sweep_one(struct bpf_map *map, __u32 *tgid, struct oomk_proc *p, struct sweep *s)
{
	struct kill_entry e = { .how = OOMK_BY_SWEEP, .sig = first_signal(s->cfg) };

	if (verdict(p, s->cfg) && gates_open(p, s->cfg, s->st, &e.gates)) {
		act(*tgid, p, OOMK_OVER, &e, true);
	} else if (p->state == OOMK_TERMED && s->now - p->term_ns >= s->cfg->grace_ms * 1000000) {
		e.how = OOMK_BY_GRACE;
		e.sig = SIGKILL;
		act(*tgid, p, OOMK_TERMED, &e, true);
	}
	return 0;
}

__noinline int oomk_sweep(void)
{
	struct sweep s = { .cfg = oomk_settings(), .st = oomk_state() };

	if (!s.cfg || !s.st)
		return 0;
	s.now = bpf_ktime_get_boot_ns();
	bpf_for_each_map_elem(&procs, sweep_one, &s, 0);
	return 0;
}

/*
 * Where the kernel cannot signal other tasks, the members of a queued group or cgroup kill:
 * for the offender the ticker put in victim, the pids of its unit's unprotected processes (the
 * offender last), which the ticker signals. Their number goes to its procs entry.
 */
SEC("?iter/task")
int oomk_members(struct bpf_iter__task *ctx)
{
	struct oomk_settings *cfg = oomk_settings();
	struct task_struct *t = ctx->task;
	struct oomk_state *st = oomk_state();
	__u32 zero = 0, *tgid = bpf_map_lookup_elem(&victim, &zero);
	struct oomk_proc *p = tgid ? bpf_map_lookup_elem(&procs, tgid) : NULL;

	/* counted afresh at each reading: the ticker may read it again for a signal refused */
	if (p && !ctx->meta->seq_num)
		p->signalled = 0;
	if (!t || !p || !cfg || !st || !p->queued || t->pid != t->tgid || t->tgid == *tgid ||
	    protected(t, st))
		return 0;
	if (member(t, p->queued_unit, (struct pid *)p->pgrp, p->cgroup, cfg)) {
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d\n", t->tgid);
		p->signalled++;
	}
	return 0;
}

/*
 * The ticker sent a signal that BPF queued (kernels without bpf_send_signal_task): it went out,
 * to the process BPF judged, which the ticker checked through a pidfd, after the other members
 * of its unit. Log it as BPF's own.
 */
SEC("?tp_btf/signal_generate")
int BPF_PROG(oomk_queued_sent, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct kill_entry e = { .sig = sig };
	__u32 tgid = task->tgid, from;
	struct oomk_proc *p;

	if (result || !(own_bits(cur) & OOMK_OWN_TICKER))
		return 0;
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p || p->queued != sig)
		return 0;
	from = sig == SIGKILL && p->state == OOMK_TERMED ? OOMK_TERMED : OOMK_OVER;
	if (__sync_val_compare_and_swap(&p->state, from, state_after(sig)) != from)
		return 0;
	e.how = p->queued_how;
	e.unit = p->queued_unit;
	e.gates = p->queued_gates;
	e.signalled = p->signalled + 1;
	p->queued = 0;
	p->signalled = 0;
	p->term_ns = bpf_ktime_get_boot_ns();
	log_kill(tgid, p, &e);
	return 0;
}
