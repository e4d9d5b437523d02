// SPDX-License-Identifier: GPL-2.0
/* Which processes are candidates, and the life of their procs entries. */
#define OOMK_DEFINE_MAPS
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline bool contains(const char *s, const char *pat)
{
	for (__u32 i = 0; i < OOMK_COMM_LEN && s[i]; i++) {
		__u32 j = 0;

		while (j < OOMK_COMM_LEN - i && pat[j] && s[i + j] == pat[j])
			j++;
		if (j < OOMK_COMM_LEN && !pat[j])
			return true;
	}
	return false;
}

/* comm contains one of the (up to OOMK_PATTERNS) names in list */
static __always_inline bool any(const char *comm, const char list[OOMK_PATTERNS][OOMK_COMM_LEN])
{
	for (int i = 0; i < OOMK_PATTERNS; i++)
		if (list[i][0] && contains(comm, list[i]))
			return true;
	return false;
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

/* The installer judges with its two binaries open at own_fd[]: take their inodes from there. */
static __always_inline void learn_own(const struct oomk_settings *cfg, struct oomk_state *st)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct inode *inode;
	struct file *file;

	if (!(own_bits(task) & OOMK_OWN_INSTALLER))
		return;
	for (int i = 0; i < 2; i++) {
		file = fd_file(task, cfg->own_fd[i]);
		inode = BPF_CORE_READ(file, f_inode);
		st->own_ino[i] = BPF_CORE_READ(inode, i_ino);
		st->own_dev[i] = BPF_CORE_READ(inode, i_sb, s_dev);
	}
}

/* Puts mark (OOMK_MARK_*, 0: none) on a process, keeping oomk_state.untracked in step. */
static __always_inline void set_mark(struct task_struct *leader, __u32 mark, struct oomk_state *st)
{
	struct oomk_mark *m =
		bpf_task_storage_get(&marks, leader, 0, mark ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	__u32 was = m ? m->mark : 0;

	if (was == OOMK_MARK_UNTRACKED && mark != OOMK_MARK_UNTRACKED)
		__sync_fetch_and_sub(&st->untracked, 1);
	if (was != OOMK_MARK_UNTRACKED && mark == OOMK_MARK_UNTRACKED) {
		__sync_fetch_and_add(&st->untracked, 1);
		__sync_fetch_and_add(&st->untracked_total, 1);
	}
	if (mark && m) {
		m->mark = mark;
		m->start_ns = leader->start_time;
	} else if (m) {
		bpf_task_storage_delete(&marks, leader);
	}
}

/*
 * Judges a process by the name of its group leader (the new one when it is being renamed), as
 * ps shows it. A candidate is marked and gets a procs entry, whose counters start from zero
 * unless it had one, and measures what it holds already: its descriptors, its threads. Its
 * verdict follows, against the limits in force. Anything else loses both.
 */
static __always_inline void judge(struct task_struct *leader, const char *comm)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct oomk_proc fresh = {}, *p;
	__u32 tgid = leader->tgid;
	__u64 threads;

	if (!cfg || !st)
		return;
	bpf_probe_read_kernel_str(fresh.comm, sizeof(fresh.comm), comm);
	p = bpf_map_lookup_elem(&procs, &tgid);
	/* never init, kernel threads or oomkiller itself */
	if (tgid == 1 || (leader->flags & PF_KTHREAD) || !any(fresh.comm, cfg->name) ||
	    any(fresh.comm, cfg->exclude) || ours(leader, st)) {
		if (p)
			bpf_map_delete_elem(&procs, &tgid);
		set_mark(leader, 0, st);
		return;
	}
	fresh.start_ns = leader->start_time;
	if (!p || p->start_ns != fresh.start_ns) {
		if (bpf_map_update_elem(&procs, &tgid, &fresh, BPF_ANY)) {
			set_mark(leader, OOMK_MARK_UNTRACKED, st);
			return;
		}
		p = bpf_map_lookup_elem(&procs, &tgid);
		if (!p)
			return;
	}
	__builtin_memcpy(p->comm, fresh.comm, sizeof(p->comm));
	p->count[OOMK_FDS] = open_fds(leader);
	threads = live_threads(leader);
	if (p->count[OOMK_THREADS] < threads)
		p->count[OOMK_THREADS] = threads;
	set_mark(leader, OOMK_MARK_TRACKED, st);
	oomk_verdict(p);
}

/* A new process: threads are counted by threads.bpf.c. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(oomk_fork, struct task_struct *parent, struct task_struct *child)
{
	if (child->pid == child->tgid)
		judge(child, child->comm);
	return 0;
}

/* exec, prctl(PR_SET_NAME) and writes to /proc/PID/comm; a thread's name is not the process's. */
SEC("tp_btf/task_rename")
int BPF_PROG(oomk_rename, struct task_struct *task, const char *comm)
{
	if (task == task->group_leader)
		judge(task, comm);
	return 0;
}

/*
 * Every process, judged again: run at install and after each change of the settings, by
 * reading the pinned link links/oomk_judge_all. Prints the candidates, one per line.
 */
SEC("iter/task")
int oomk_judge_all(struct bpf_iter__task *ctx)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct task_struct *task = ctx->task;
	__u32 tgid;

	if (!cfg || !st)
		return 0;
	if (!ctx->meta->seq_num)
		learn_own(cfg, st);
	/* a zombie whose whole process exited is gone for good: its exit hook has run */
	if (!task || task->pid != task->tgid || group_dead(task))
		return 0;
	judge(task, task->comm);
	tgid = task->tgid;
	if (bpf_map_lookup_elem(&procs, &tgid))
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", tgid, task->comm);
	return 0;
}

/* The last thread of a process: its entry goes, and its mark with the task. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(oomk_exit, struct task_struct *task)
{
	struct task_struct *leader = task->group_leader;
	struct oomk_state *st = oomk_state();
	__u32 tgid = task->tgid;

	if (!leader->bpf_storage || !group_dead(task) || !st)
		return 0;
	bpf_map_delete_elem(&procs, &tgid);
	set_mark(leader, 0, st);
	return 0;
}
