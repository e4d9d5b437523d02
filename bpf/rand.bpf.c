// SPDX-License-Identifier: GPL-2.0
/* --max-rand: calls of the C library's rand(); the loader attaches this to the libc it finds. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"

SEC("uprobe")
int BPF_KPROBE(oomk_rand)
{
	struct oomk_proc *p = current_proc(bpf_get_current_task_btf());
	struct oomk_settings *cfg = oomk_settings();
	__u64 now;

	if (p && cfg && charge(&p->rand, 1, cfg->max_rand, &now))
		oomk_cross_current(p, OOMK_RAND, now, cfg->max_rand);
	return 0;
}
