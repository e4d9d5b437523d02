// SPDX-License-Identifier: GPL-2.0
/*
 * --max-writes and --max-read, counted at sys_exit where the result is known; --max-fds,
 * measured after every system call that can change the fd table, listed or not; and the
 * ticker's sysinfo(2) for the memory gate. Socket I/O is left to the TCP limit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "arch.bpf.h"
#include "proc.bpf.h"
#include "mem.bpf.h"

#define S_IFMT	 00170000
#define S_IFSOCK 0140000

/* Set by the loader: bpf_rdonly_cast() exists (6.2 and later). */
const volatile bool have_rdonly_cast;

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

static __always_inline bool is_socket(struct task_struct *task, unsigned long fd)
{
	struct file *file = fd_file(task, fd);

	if (!have_rdonly_cast)
		return (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) == S_IFSOCK;
	/* direct loads where the verifier allows them: no more helper calls */
	file = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
	return file && (file->f_inode->i_mode & S_IFMT) == S_IFSOCK;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(oomk_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct oomk_settings *cfg;
	struct oomk_proc *p;
	bool reached = false;
	long fd = -1;
	__u32 tgid;
	int class;

	/* Everyone but candidates and oomkiller's own processes returns here, after one load. */
	if (!task->group_leader->bpf_storage)
		return 0;
	class = sys_class(task, regs, &fd);
	if (class == SYS_SYSINFO)
		return ret ? 0 : oomk_mem_sysinfo(fd);
	tgid = task->tgid;
	p = bpf_map_lookup_elem(&procs, &tgid);
	cfg = oomk_settings();
	if (!p || !cfg)
		return 0;
	if (ret >= 0 && class == SYS_WRITE && !is_socket(task, fd))
		reached = charge(&p->count[OOMK_WRITES], 1, cfg->max[OOMK_WRITES]);
	else if (ret >= 0 && class == SYS_READ && !is_socket(task, fd))
		reached = charge(&p->count[OOMK_READ], ret, cfg->max[OOMK_READ]);
	/* a write never installs or closes a descriptor; any other call may (fanotify's read) */
	if (cfg->max[OOMK_FDS] && class != SYS_WRITE) {
		p->count[OOMK_FDS] = open_fds(task);
		reached |= p->count[OOMK_FDS] >= cfg->max[OOMK_FDS];
	}
	event(p, reached);
	return 0;
}
