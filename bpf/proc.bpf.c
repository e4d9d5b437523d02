// SPDX-License-Identifier: GPL-2.0
/* Which processes are candidates, and the life of their procs entries. */
#define OOMK_DEFINE_MAPS
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"
#include "cgroup.bpf.h"
#include "match.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct name_find {
	const char *comm; /* OOMK_COMM_LEN bytes */
	const char *pat; /* its NUL within OOMK_COMM_LEN bytes */
	bool found;
};

/* pat at comm[i]; past comm's NUL, nothing matches */
static long name_at(__u64 i, struct name_find *f)
{
	for (__u32 j = 0; j < OOMK_COMM_LEN; j++) {
		__u64 at = i + j;

		if (!f->pat[j]) {
			f->found = true;
			return 1;
		}
		if (at >= OOMK_COMM_LEN)
			return 0;
		/* the index checked, not comm + i + j: 6.1's verifier has no bounds for i */
		barrier_var(at);
		if (f->comm[at] != f->pat[j])
			return 0;
	}
	return 0;
}

typedef char names_t[OOMK_PATTERNS][OOMK_COMM_LEN];

/*
 * comm contains one of the (up to OOMK_PATTERNS) names in list. A loop of bpf_loop() and
 * global, as oomk_contains_any(): nested loops over constants had it verified 36,000
 * instructions deep, in each of the five programs that judge.
 */
__noinline bool oomk_name_any(const char (*comm)[OOMK_COMM_LEN], const names_t *list)
{
	struct name_find f = {};

	if (!comm || !list)
		return false;
	f.comm = *comm;
	for (int i = 0; i < OOMK_PATTERNS && !f.found; i++) {
		if (!(*list)[i][0])
			continue;
		f.pat = (*list)[i];
		bpf_loop(OOMK_COMM_LEN, name_at, &f, 0);
	}
	return f.found;
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

/*
 * Puts mark (OOMK_MARK_*, 0: none) and why (the OOMK_WHY_ and OOMK_NOT_ bits of its exec) on
 * a process, keeping oomk_state.untracked in step; a process with neither has no storage.
 */
static __always_inline void set_mark(struct task_struct *leader, __u32 mark, __u32 why,
				     struct oomk_state *st)
{
	bool keep = mark || why;
	struct oomk_mark *m =
		bpf_task_storage_get(&marks, leader, 0, keep ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	__u32 was = m ? m->mark : 0;

	if (was == OOMK_MARK_UNTRACKED && mark != OOMK_MARK_UNTRACKED)
		__sync_fetch_and_sub(&st->untracked, 1);
	if (was != OOMK_MARK_UNTRACKED && mark == OOMK_MARK_UNTRACKED) {
		__sync_fetch_and_add(&st->untracked, 1);
		__sync_fetch_and_add(&st->untracked_total, 1);
	}
	if (keep && m) {
		m->mark = mark;
		m->why = why;
		m->start_ns = leader->start_time;
	} else if (m) {
		bpf_task_storage_delete(&marks, leader);
	}
}

/* The OOMK_WHY_EXE, _CMDLINE and OOMK_NOT_* bits that leader's exec left on it. */
static __always_inline __u32 exec_why(struct task_struct *leader)
{
	struct oomk_mark *m = bpf_task_storage_get(&marks, leader, 0, 0);

	return m ? m->why : 0;
}

#define TEXT_WHY (OOMK_WHY_EXE | OOMK_WHY_CMDLINE | OOMK_NOT_EXE | OOMK_NOT_CMDLINE)

/*
 * Judges a process: by the name of its group leader (the new one when it is being renamed),
 * as ps shows it; by what it executes and its command line, which why says (TEXT_WHY bits, of
 * its exec); by its cgroup. A candidate is marked and gets a procs entry, whose counters start
 * from zero unless it had one, and measures what it holds already: its descriptors, its
 * threads. Its verdict follows, against the limits in force. Anything else loses both.
 */
static __always_inline void judge(struct task_struct *leader, const char *comm, __u32 why)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	struct oomk_proc fresh = {}, *p;
	__u32 tgid = leader->tgid;
	struct cgroup *cgrp;
	__u64 threads;

	if (!cfg || !st)
		return;
	bpf_probe_read_kernel_str(fresh.comm, sizeof(fresh.comm), comm);
	why |= oomk_name_any(&fresh.comm, &cfg->name) ? OOMK_WHY_NAME : 0;
	cgrp = cgroup_of(leader, cfg);
	p = bpf_map_lookup_elem(&procs, &tgid);
	/* never init, kernel threads or oomkiller itself */
	if (tgid == 1 || (leader->flags & PF_KTHREAD) ||
	    !(why & (OOMK_WHY_NAME | OOMK_WHY_EXE | OOMK_WHY_CMDLINE)) ||
	    (why & (OOMK_NOT_EXE | OOMK_NOT_CMDLINE)) ||
	    oomk_name_any(&fresh.comm, &cfg->exclude) || !in_scope(cgrp, cfg) || ours(leader, st)) {
		if (p)
			bpf_map_delete_elem(&procs, &tgid);
		set_mark(leader, 0, why & TEXT_WHY, st);
		return;
	}
	fresh.start_ns = leader->start_time;
	if (!p || p->start_ns != fresh.start_ns) {
		if (bpf_map_update_elem(&procs, &tgid, &fresh, BPF_ANY)) {
			set_mark(leader, OOMK_MARK_UNTRACKED, why & TEXT_WHY, st);
			return;
		}
		p = bpf_map_lookup_elem(&procs, &tgid);
		if (!p)
			return;
	}
	__builtin_memcpy(p->comm, fresh.comm, sizeof(p->comm));
	p->why = why & (OOMK_WHY_NAME | OOMK_WHY_EXE | OOMK_WHY_CMDLINE);
	p->cgroup = cgroup_id(cgrp);
	p->memcg = memcg_of(leader);
	p->pgrp = (__u64)BPF_CORE_READ(leader, signal, pids[PIDTYPE_PGID]);
	p->count[OOMK_FDS] = open_fds(leader);
	threads = live_threads(leader);
	if (p->count[OOMK_THREADS] < threads)
		p->count[OOMK_THREADS] = threads;
	set_mark(leader, OOMK_MARK_TRACKED, why & TEXT_WHY, st);
	oomk_verdict(p);
}

/* Some --exe, --cmdline or their --exclude-* is given: texts are worth reading. */
static __always_inline bool wants_texts(const struct oomk_settings *cfg)
{
	return cfg->exe[0][0] || cfg->exclude_exe[0][0] || cfg->cmdline[0][0] ||
	       cfg->exclude_cmdline[0][0];
}

/* A new process: it runs what its parent ran. Threads are counted by threads.bpf.c. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(oomk_fork, struct task_struct *parent, struct task_struct *child)
{
	if (child->pid == child->tgid)
		judge(child, child->comm, exec_why(parent->group_leader));
	return 0;
}

/*
 * prctl(PR_SET_NAME) and writes to /proc/PID/comm; a thread's name is not the process's. An
 * exec renames too, before its command line is in place: oomk_exec judges that one.
 */
SEC("tp_btf/task_rename")
int BPF_PROG(oomk_rename, struct task_struct *task, const char *comm)
{
	if (task == task->group_leader && !BPF_CORE_READ_BITFIELD_PROBED(task, in_execve))
		judge(task, comm, exec_why(task));
	return 0;
}

/* What the kernel exec'd, read from its file, and the command line it gave it. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(oomk_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct oomk_settings *cfg = oomk_settings();
	struct scratch *sc = scratch_space();
	__u64 start = BPF_CORE_READ(task, mm, arg_start);
	long len = arg_len(task);
	__u32 why = 0;

	if (cfg && sc && wants_texts(cfg)) {
		file_path(sc, bprm->file);
		if (bpf_probe_read_user(sc->cmdline.s, len & (OOMK_TEXT_LEN - 1), (void *)start))
			len = 0;
		spaces_between(&sc->cmdline, len);
		why = oomk_text_why(sc, cfg);
	}
	judge(task, task->comm, why);
	return 0;
}

/* Moved to another cgroup: in or out of the --cgroup subtrees, and its memory cgroup. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(oomk_cgroup_moved, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	struct task_struct *leader = task->group_leader;

	judge(leader, leader->comm, exec_why(leader));
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
	struct scratch *sc = scratch_space();
	struct task_struct *task = ctx->task;
	__u32 tgid, why = 0, *args;

	if (!cfg || !st)
		return 0;
	if (!ctx->meta->seq_num)
		learn_own(cfg, st);
	/* a zombie whose whole process exited is gone for good: its exit hook has run */
	if (!task || task->pid != task->tgid || group_dead(task))
		return 0;
	tgid = task->tgid;
	if (wants_texts(cfg) && sc) {
		file_path(sc, BPF_CORE_READ(task, mm, exe_file));
		sc->cmdline.len = 0;
		why = oomk_text_why(sc, cfg) & (OOMK_WHY_EXE | OOMK_NOT_EXE);
		args = bpf_map_lookup_elem(&arg_why, &tgid);
		why |= args ? *args : 0;
		bpf_map_delete_elem(&arg_why, &tgid);
	}
	judge(task, task->comm, why);
	if (bpf_map_lookup_elem(&procs, &tgid))
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", tgid, task->comm);
	return 0;
}

/*
 * The command lines of every process, read before oomk_judge_all (which cannot: reading
 * another process's memory may sleep): what the patterns find goes to arg_why for it.
 */
SEC("iter.s/task")
int oomk_read_args(struct bpf_iter__task *ctx)
{
	struct oomk_settings *cfg = oomk_settings();
	struct scratch *sc = scratch_space();
	struct task_struct *task = ctx->task;
	__u32 tgid, why;
	long len;

	if (!cfg || !sc || !task || task->pid != task->tgid || !wants_texts(cfg))
		return 0;
	tgid = task->tgid;
	len = arg_len(task);
	if (bpf_copy_from_user_task(sc->cmdline.s, len & (OOMK_TEXT_LEN - 1),
				    (void *)BPF_CORE_READ(task, mm, arg_start), task, 0))
		len = 0;
	spaces_between(&sc->cmdline, len);
	sc->exe.len = 0;
	why = oomk_text_why(sc, cfg) & (OOMK_WHY_CMDLINE | OOMK_NOT_CMDLINE);
	if (why)
		bpf_map_update_elem(&arg_why, &tgid, &why, BPF_ANY);
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
	set_mark(leader, 0, 0, st);
	return 0;
}
