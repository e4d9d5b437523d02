// SPDX-License-Identifier: GPL-2.0
/*
 * --max-writes, --max-read and --max-fds where the kernel allows fexit: at the few functions
 * that do the work, rather than at the exit of every system call (syscalls.bpf.c), which puts
 * every system call of every process on the tracepoint's slow path. The install chooses one
 * set or the other. The VFS does not care which ABI a call came in by: i386 calls count alike.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proc.bpf.h"

#define S_IFMT	 00170000
#define S_IFSOCK 0140000

/* A read or a write of the process returned ret: counted unless on a socket (TCP's limit). */
static __always_inline int io_done(struct file *file, long ret, int limit)
{
	struct oomk_proc *p = current_proc(bpf_get_current_task_btf());
	struct oomk_settings *cfg = oomk_settings();
	bool reached = false;

	if (!p || !cfg)
		return 0;
	if (ret >= 0 && (file->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		reached = charge(&p->count[limit], limit == OOMK_WRITES ? 1 : ret, cfg->max[limit]);
	event(p, reached);
	return 0;
}

SEC("?fexit/vfs_write")
int BPF_PROG(oomk_vfs_write, struct file *file, const char *buf, size_t count, loff_t *pos,
	     ssize_t ret)
{
	return io_done(file, ret, OOMK_WRITES);
}

SEC("?fexit/vfs_writev")
int BPF_PROG(oomk_vfs_writev, struct file *file, const struct iovec *vec, unsigned long vlen,
	     loff_t *pos, rwf_t flags, ssize_t ret)
{
	return io_done(file, ret, OOMK_WRITES);
}

SEC("?fexit/vfs_read")
int BPF_PROG(oomk_vfs_read, struct file *file, char *buf, size_t count, loff_t *pos, ssize_t ret)
{
	return io_done(file, ret, OOMK_READ);
}

SEC("?fexit/vfs_readv")
int BPF_PROG(oomk_vfs_readv, struct file *file, const struct iovec *vec, unsigned long vlen,
	     loff_t *pos, rwf_t flags, ssize_t ret)
{
	return io_done(file, ret, OOMK_READ);
}

/* Every descriptor installed goes through fd_install(), and every one closed through filp_close(). */
static __always_inline int fds_changed(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct oomk_proc *p = current_proc(task);
	struct oomk_settings *cfg = oomk_settings();

	if (!p || !cfg || !cfg->max[OOMK_FDS])
		return 0;
	p->count[OOMK_FDS] = open_fds(task);
	event(p, p->count[OOMK_FDS] >= cfg->max[OOMK_FDS]);
	return 0;
}

SEC("?fexit/fd_install")
int BPF_PROG(oomk_fd_install, unsigned int fd, struct file *file)
{
	return fds_changed();
}

SEC("?fexit/filp_close")
int BPF_PROG(oomk_filp_close, struct file *file, fl_owner_t id, int ret)
{
	return fds_changed();
}
