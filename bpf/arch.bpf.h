/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between architectures: system call numbers and registers, and 32-bit (compat)
 * system calls. vmlinux.h comes from the build host's BTF, so other architectures' structures
 * are CO-RE flavours, relocated against the running kernel.
 */
#ifndef __ARCH_BPF_H
#define __ARCH_BPF_H

#include <bpf/bpf_core_read.h>

/* The system calls oomkiller tells apart, by one name whatever the ABI. */
enum {
	SYS_OTHER,
	SYS_WRITE, /* write calls: writes, unless on a socket */
	SYS_READ, /* bytes read, unless from a socket */
	SYS_SYSINFO, /* the ticker's reading of si_meminfo */
};

#if defined(__TARGET_ARCH_x86)
/* x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
static __always_inline int sys_class64(long nr)
{
	switch (nr) {
	case 1: /* write */
	case 18: /* pwrite64 */
	case 20: /* writev */
	case 296: /* pwritev */
	case 328: /* pwritev2 */
		return SYS_WRITE;
	case 0: /* read */
	case 17: /* pread64 */
	case 19: /* readv */
	case 295: /* preadv */
	case 327: /* preadv2 */
		return SYS_READ;
	case 99:
		return SYS_SYSINFO;
	}
	return SYS_OTHER;
}

/* i386 numbers (syscall_32.tbl): int $0x80, sysenter, and 32-bit processes */
static __always_inline int sys_class32(long nr)
{
	switch (nr) {
	case 4: /* write */
	case 146: /* writev */
	case 181: /* pwrite64 */
	case 334: /* pwritev */
	case 379: /* pwritev2 */
		return SYS_WRITE;
	case 3: /* read */
	case 145: /* readv */
	case 180: /* pread64 */
	case 333: /* preadv */
	case 378: /* preadv2 */
		return SYS_READ;
	}
	return SYS_OTHER;
}

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h: in a 32-bit system call */

/* The class of the system call regs ended, and its first argument, by the ABI it came in. */
static __always_inline int sys_class(struct task_struct *task, struct pt_regs *regs, long *arg0)
{
	if (task->thread_info.status & TS_COMPAT) {
		*arg0 = (unsigned int)regs->bx;
		return sys_class32(regs->orig_ax);
	}
	*arg0 = regs->di;
	return sys_class64(regs->orig_ax);
}

#elif defined(__TARGET_ARCH_arm64)
struct pt_regs___oomk {
	__u64 orig_x0;
	__s32 syscallno;
} __attribute__((preserve_access_index));

struct thread_info___oomk {
	unsigned long flags;
} __attribute__((preserve_access_index));

#define TIF_32BIT 22 /* arch/arm64/include/asm/thread_info.h: an AArch32 task */

/* asm-generic numbers (include/uapi/asm-generic/unistd.h) */
static __always_inline int sys_class64(long nr)
{
	switch (nr) {
	case 64: /* write */
	case 66: /* writev */
	case 68: /* pwrite64 */
	case 70: /* pwritev */
	case 287: /* pwritev2 */
		return SYS_WRITE;
	case 63: /* read */
	case 65: /* readv */
	case 67: /* pread64 */
	case 69: /* preadv */
	case 286: /* preadv2 */
		return SYS_READ;
	case 179:
		return SYS_SYSINFO;
	}
	return SYS_OTHER;
}

/* AArch32 system calls are not told apart: they never count as something else. */
static __always_inline int sys_class(struct task_struct *task, struct pt_regs *regs, long *arg0)
{
	struct thread_info___oomk *ti = (void *)&task->thread_info;
	struct pt_regs___oomk *r = (void *)regs;

	if (BPF_CORE_READ(ti, flags) & (1UL << TIF_32BIT))
		return SYS_OTHER;
	*arg0 = BPF_CORE_READ(r, orig_x0);
	return sys_class64(BPF_CORE_READ(r, syscallno));
}

#else
#error "system call numbers and registers are known for x86 and arm64 only"
#endif

#endif /* __ARCH_BPF_H */
