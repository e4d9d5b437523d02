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

/* Runs one of oomkiller's own binaries: the installer, the ticker, status, the inspector. */
static __always_inline bool own(struct task_struct *leader, const struct oomk_settings *cfg)
{
	struct inode *exe = BPF_CORE_READ(leader, mm, exe_file, f_inode);
	__u64 ino = BPF_CORE_READ(exe, i_ino);
	__u32 dev = BPF_CORE_READ(exe, i_sb, s_dev);

	return exe && ((ino == cfg->own_ino[0] && dev == cfg->own_dev[0]) ||
		       (ino == cfg->own_ino[1] && dev == cfg->own_dev[1]));
}

/*
 * Judges a process by the name of its group leader (the new one when it is being renamed), as
 * ps shows it: a candidate is marked and gets a procs entry, starting from zero unless it
 * already had one; anything else loses both.
 */
static __always_inline void judge(struct task_struct *leader, const char *comm)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct oomk_proc fresh = {}, *p;
	__u32 tgid = leader->tgid;
	bool candidate;

	if (!cfg || !st)
		return;
	bpf_probe_read_kernel_str(fresh.comm, sizeof(fresh.comm), comm);
	/* never init, kernel threads or oomkiller itself */
	candidate = tgid != 1 && !(leader->flags & PF_KTHREAD) && tgid != cfg->ticker_pid &&
		    any(fresh.comm, cfg->name) && !any(fresh.comm, cfg->exclude) &&
		    !own(leader, cfg);
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (candidate) {
		fresh.start_ns = leader->start_time;
		if (p && p->start_ns == fresh.start_ns) {
			__builtin_memcpy(p->comm, fresh.comm, sizeof(p->comm));
		} else if (bpf_map_update_elem(&procs, &tgid, &fresh, BPF_ANY)) {
			__sync_fetch_and_add(&st->untracked, 1);
			candidate = false;
		}
	}
	if (candidate) {
		bpf_task_storage_get(&marks, leader, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		return;
	}
	if (p)
		bpf_map_delete_elem(&procs, &tgid);
	bpf_task_storage_delete(&marks, leader);
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
	struct task_struct *task = ctx->task;
	__u32 tgid;

	if (!task || task->pid != task->tgid)
		return 0;
	judge(task, task->comm);
	tgid = task->tgid;
	if (bpf_map_lookup_elem(&procs, &tgid))
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", tgid, task->comm);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(oomk_exit, struct task_struct *task, bool group_dead)
{
	__u32 tgid = task->tgid;

	if (group_dead)
		bpf_map_delete_elem(&procs, &tgid);
	return 0;
}
