// SPDX-License-Identifier: GPL-2.0
/*
 * The memory gate: nothing is killed until si_meminfo reports at least mem_threshold used.
 * Each tick of the ticker, whichever backend reads si_meminfo, sweeps.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"
#include "mem.bpf.h"

/* Set by the loader to the backend it probed; the other one is dead code to the verifier. */
const volatile __u32 mem_backend = OOMK_MEM_SYSCALL;

static __always_inline void reading(__u64 total, __u64 free, __u32 unit)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();

	if (!cfg || !st)
		return;
	st->total = total * unit;
	st->used = (total - free) * unit;
	st->reading_ns = bpf_ktime_get_boot_ns();
	st->readings++;
	st->gate = st->used >= cfg->mem_threshold;
}

/* Only the ticker's mark, which install put on it, makes a sysinfo(2) a reading and a tick. */
__noinline int oomk_mem_sysinfo(__u64 ubuf)
{
	struct sysinfo si;

	if (!(own_bits(bpf_get_current_task_btf()) & OOMK_OWN_TICKER))
		return 0;
	if (mem_backend == OOMK_MEM_SYSCALL && !bpf_probe_read_user(&si, sizeof(si), (void *)ubuf))
		reading(si.totalram, si.freeram, si.mem_unit);
	oomk_sweep();
	return 0;
}

SEC("?fexit/si_meminfo")
int BPF_PROG(oomk_meminfo, struct sysinfo *val)
{
	reading(val->totalram, val->freeram, val->mem_unit);
	return 0;
}
