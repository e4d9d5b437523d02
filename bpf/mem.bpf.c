// SPDX-License-Identifier: GPL-2.0
/*
 * The memory gate: nothing is killed until si_meminfo reports at least mem_threshold used.
 * Three backends, whichever the kernel allows: fexit/si_meminfo, a kprobe and kretprobe on
 * it, or the ticker's own sysinfo(2) at sys_exit. Each tick of the ticker sweeps.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"
#include "mem.bpf.h"

/* Set by the loader to the backend it chose; the others are dead code to the verifier. */
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

static __always_inline bool ticker(void)
{
	return own_bits(bpf_get_current_task_btf()) & OOMK_OWN_TICKER;
}

/*
 * Only the mark install put on the ticker makes a sysinfo(2) its tick: a reading from its
 * buffer with the sysinfo backend, and a sweep unless fexit/si_meminfo sweeps.
 */
__noinline int oomk_mem_sysinfo(__u64 ubuf)
{
	struct sysinfo si;

	if (mem_backend == OOMK_MEM_FEXIT || !ticker())
		return 0;
	if (mem_backend == OOMK_MEM_SYSCALL && !bpf_probe_read_user(&si, sizeof(si), (void *)ubuf))
		reading(si.totalram, si.freeram, si.mem_unit);
	oomk_sweep();
	return 0;
}

/* Where fexit is allowed there may be no sys_exit program: the ticker's call is its tick. */
SEC("?fexit/si_meminfo")
int BPF_PROG(oomk_meminfo, struct sysinfo *val)
{
	reading(val->totalram, val->freeram, val->mem_unit);
	if (ticker())
		oomk_sweep();
	return 0;
}

/* kprobe backend: the buffer si_meminfo fills, by caller, from entry to return. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u64);
} filling SEC(".maps");

SEC("?kprobe/si_meminfo")
int BPF_KPROBE(oomk_meminfo_entry, struct sysinfo *val)
{
	__u64 id = bpf_get_current_pid_tgid(), buf = (__u64)val;

	bpf_map_update_elem(&filling, &id, &buf, BPF_ANY);
	return 0;
}

SEC("?kretprobe/si_meminfo")
int BPF_KRETPROBE(oomk_meminfo_return)
{
	__u64 id = bpf_get_current_pid_tgid(), *buf = bpf_map_lookup_elem(&filling, &id);
	struct sysinfo si;

	if (buf && !bpf_probe_read_kernel(&si, sizeof(si), (void *)*buf))
		reading(si.totalram, si.freeram, si.mem_unit);
	bpf_map_delete_elem(&filling, &id);
	return 0;
}
