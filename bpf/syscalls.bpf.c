// SPDX-License-Identifier: GPL-2.0
/*
 * --max-writes, --max-read and --max-fds, counted at sys_exit where the result is known, and
 * the ticker's sysinfo(2) for the memory gate. Socket I/O is left to the TCP limit.
 */
#include "vmlinux.h"
#include <asm/unistd.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"

#ifndef __TARGET_ARCH_x86
#error "syscall numbers and pt_regs fields below are x86_64's"
#endif

#define S_IFMT	 00170000
#define S_IFSOCK 0140000

enum { SYS_OTHER, SYS_WRITE, SYS_READ, SYS_NEWFD };

static __always_inline int sys_class(long nr)
{
	switch (nr) {
	case __NR_write:
	case __NR_writev:
	case __NR_pwrite64:
	case __NR_pwritev:
	case __NR_pwritev2:
		return SYS_WRITE;
	case __NR_read:
	case __NR_readv:
	case __NR_pread64:
	case __NR_preadv:
	case __NR_preadv2:
		return SYS_READ;
	/* every syscall that can install a descriptor, SCM_RIGHTS and CLONE_PIDFD included */
	case __NR_open:
	case __NR_openat:
	case __NR_openat2:
	case __NR_creat:
	case __NR_open_by_handle_at:
	case __NR_dup:
	case __NR_dup2:
	case __NR_dup3:
	case __NR_fcntl:
	case __NR_socket:
	case __NR_socketpair:
	case __NR_accept:
	case __NR_accept4:
	case __NR_recvmsg:
	case __NR_recvmmsg:
	case __NR_pipe:
	case __NR_pipe2:
	case __NR_eventfd:
	case __NR_eventfd2:
	case __NR_epoll_create:
	case __NR_epoll_create1:
	case __NR_signalfd:
	case __NR_signalfd4:
	case __NR_timerfd_create:
	case __NR_inotify_init:
	case __NR_inotify_init1:
	case __NR_fanotify_init:
	case __NR_memfd_create:
	case __NR_memfd_secret:
	case __NR_userfaultfd:
	case __NR_perf_event_open:
	case __NR_bpf:
	case __NR_io_uring_setup:
	case __NR_pidfd_open:
	case __NR_pidfd_getfd:
	case __NR_clone:
	case __NR_clone3:
	case __NR_mq_open:
	case __NR_seccomp:
	case __NR_landlock_create_ruleset:
	case __NR_fsopen:
	case __NR_fspick:
	case __NR_fsmount:
	case __NR_open_tree:
	case __NR_ioctl:
		return SYS_NEWFD;
	}
	return SYS_OTHER;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* Direct loads through BTF pointers where the verifier allows them: no helper calls. */
static __always_inline bool is_socket(struct task_struct *task, unsigned long fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd >= fdt->max_fds)
		return false;
	/* the verifier takes no variable index into fdt->fd: read that one slot */
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	file = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
	return file && (file->f_inode->i_mode & S_IFMT) == S_IFSOCK;
}

struct fd_count {
	unsigned long *bits;
	__u64 n;
};

static long count_word(__u64 i, struct fd_count *c)
{
	unsigned long word = 0;

	bpf_probe_read_kernel(&word, sizeof(word), c->bits + i);
	c->n += __builtin_popcountl(word);
	return 0;
}

/* Descriptors in use: the bits set in the fd table's open bitmap. */
static __always_inline __u64 open_fds(struct task_struct *task)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct fd_count c = { .bits = BPF_CORE_READ(fdt, open_fds) };

	bpf_loop((BPF_CORE_READ(fdt, max_fds) + 63) / 64, count_word, &c, 0);
	return c.n;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(oomk_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct oomk_settings *cfg;
	struct oomk_proc *p;
	__u64 now;

	/* Only successful calls count: most failures return here, before any lookup. */
	if (ret < 0)
		return 0;
	if (regs->orig_ax == __NR_sysinfo)
		return oomk_mem_sysinfo(task->tgid, regs->di);
	p = current_proc(task);
	cfg = oomk_settings();
	if (!p || !cfg)
		return 0;

	switch (sys_class(regs->orig_ax)) {
	case SYS_WRITE:
		if (!is_socket(task, regs->di) && charge(&p->writes, 1, cfg->max_writes, &now))
			oomk_cross_current(p, OOMK_WRITES, now, cfg->max_writes);
		break;
	case SYS_READ:
		if (!is_socket(task, regs->di) && charge(&p->read_bytes, ret, cfg->max_read, &now))
			oomk_cross_current(p, OOMK_READ, now, cfg->max_read);
		break;
	case SYS_NEWFD:
		p->fds = open_fds(task);
		if (cfg->max_fds && p->fds >= cfg->max_fds)
			oomk_cross_current(p, OOMK_FDS, p->fds, cfg->max_fds);
		break;
	}
	return 0;
}
