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
/* Set by the loader from kallsyms, where it has the kernel's psi_system: 0 if not. */
const volatile __u64 psi_system_addr;

/*
 * Memory pressure where BPF cannot read the kernel's: the ticker writes what
 * /proc/pressure/memory says before each tick, avg10 of "some" and "full".
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oomk_psi);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} psi SEC(".maps");

/* Memory pressure, avg10 of the --psi line, in hundredths of a percent. */
static __always_inline __u64 pressure(const struct oomk_settings *cfg)
{
	__u32 zero = 0, state = cfg->psi_full ? PSI_MEM_FULL : PSI_MEM_SOME;
	struct oomk_psi *from_ticker;

	unsigned long avg10 = 0;

	/* the kernel's fixed point: 11 bits of fraction, of a percentage */
	if (psi_system_addr) {
		bpf_probe_read_kernel(&avg10, sizeof(avg10),
				      (void *)psi_system_addr +
					      bpf_core_field_offset(struct psi_group, avg) +
					      state * 3 * sizeof(avg10));
		return (avg10 * 100) >> 11;
	}
	from_ticker = bpf_map_lookup_elem(&psi, &zero);
	return from_ticker ? from_ticker->avg10[cfg->psi_full & 1] : 0;
}

/* A reading of si_meminfo, and of the pressure: the RAM and PSI gates. */
static __always_inline void reading(__u64 total, __u64 free, __u32 unit)
{
	struct oomk_settings *cfg = oomk_settings();
	struct oomk_state *st = oomk_state();
	__u64 threshold;

	if (!cfg || !st)
		return;
	st->total = total * unit;
	st->used = (total - free) * unit;
	st->reading_ns = bpf_ktime_get_boot_ns();
	st->readings++;
	threshold = cfg->mem_threshold_pct ? st->total / 100 * cfg->mem_threshold_pct :
					     cfg->mem_threshold;
	st->psi_avg10 = pressure(cfg);
	st->gate = (st->used >= threshold ? OOMK_GATE_RAM : 0) |
		   (st->psi_avg10 >= cfg->psi_min ? OOMK_GATE_PSI : 0);
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
