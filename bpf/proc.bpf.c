// SPDX-License-Identifier: GPL-2.0
/* Which processes are candidates, and the life of their procs entries. */
#define OOMK_DEFINE_MAPS
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
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

static __always_inline void set_untracked(struct oomk_verdict *v, bool untracked)
{
	struct oomk_state *st = oomk_state();

	if (!st || !!(v->flags & V_UNTRACKED) == untracked)
		return;
	v->flags ^= V_UNTRACKED;
	__sync_fetch_and_add(&st->untracked, untracked ? 1 : -1);
}

/*
 * Judges the current process by its group leader's name, as ps shows it. A candidate gets a
 * procs entry; one whose pid belonged to an earlier process starts from zero.
 */
__noinline int oomk_judge(struct oomk_verdict *v)
{
	struct task_struct *leader = bpf_get_current_task_btf()->group_leader;
	struct oomk_settings *cfg = oomk_settings();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct oomk_proc fresh = {}, *p;
	__u32 flags = 0;

	if (!v || !cfg)
		return 0;
	bpf_probe_read_kernel_str(fresh.comm, sizeof(fresh.comm), leader->comm);
	if (tgid == cfg->ticker_pid)
		flags = V_TICKER;
	else if (tgid != 1 && contains(fresh.comm, cfg->name))
		flags = V_CANDIDATE;

	p = bpf_map_lookup_elem(&procs, &tgid);
	if (flags & V_CANDIDATE) {
		fresh.start_ns = leader->start_time;
		if (p && p->start_ns == fresh.start_ns)
			__builtin_memcpy(p->comm, fresh.comm, sizeof(p->comm));
		else
			set_untracked(v, bpf_map_update_elem(&procs, &tgid, &fresh, BPF_ANY) != 0);
	} else {
		if (p)
			bpf_map_delete_elem(&procs, &tgid);
		set_untracked(v, false);
	}
	v->flags = flags | (v->flags & V_UNTRACKED);
	v->gen = cfg->gen;
	return 0;
}

/* exec and prctl(PR_SET_NAME) come here before the new name is in place: judge at the next event. */
SEC("tp_btf/task_rename")
int BPF_PROG(oomk_rename, struct task_struct *task, const char *comm)
{
	struct oomk_verdict *v;

	if (task != task->group_leader)
		return 0;
	v = bpf_task_storage_get(&verdicts, task, 0, 0);
	if (v)
		v->gen = 0;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(oomk_exit, struct task_struct *task, bool group_dead)
{
	__u32 tgid = task->tgid;
	struct oomk_verdict *v;

	if (!group_dead)
		return 0;
	v = bpf_task_storage_get(&verdicts, task->group_leader, 0, 0);
	if (v)
		set_untracked(v, false);
	bpf_map_delete_elem(&procs, &tgid);
	return 0;
}
