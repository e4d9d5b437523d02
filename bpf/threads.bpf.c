// SPDX-License-Identifier: GPL-2.0
/* --max-threads: threads created, counted when the clone that makes one returns to the tree. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(oomk_thread, struct task_struct *parent, struct task_struct *child)
{
	struct oomk_settings *cfg;
	struct oomk_proc *p;

	/* A new process is judged by proc.bpf.c; only threads count here, in their creator. */
	if (child->pid == child->tgid)
		return 0;
	p = current_proc(bpf_get_current_task_btf());
	cfg = oomk_settings();
	if (p && cfg)
		event(p, charge(&p->count[OOMK_THREADS], 1, cfg->max[OOMK_THREADS]));
	return 0;
}
