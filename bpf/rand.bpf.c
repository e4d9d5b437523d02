// SPDX-License-Identifier: GPL-2.0
/* --max-rand: calls of the C library's rand(); the loader and the ticker attach this to every
 * libc that candidates map. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"

SEC("uprobe")
int BPF_KPROBE(oomk_rand)
{
	struct oomk_proc *p = current_proc(bpf_get_current_task_btf());
	struct oomk_settings *cfg = oomk_settings();

	/* a uprobe may not call the task kfuncs: a group or cgroup waits for a tracing event */
	if (p && cfg &&
	    (charge(&p->count[OOMK_RAND], 1, cfg->max[OOMK_RAND]) || p->state == OOMK_OVER))
		oomk_cross_current(p);
	return 0;
}
