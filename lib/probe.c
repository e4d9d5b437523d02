// SPDX-License-Identifier: GPL-2.0
/* What this kernel and this system offer, probed before the real object is loaded. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "common.h"
#include "options.h"
#include "probe.h"

/* As libbpf-tools' fentry_can_attach(): load and attach an empty fexit program to func. */
static bool fexit_can_attach(const char *func)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT);
	struct btf *btf = btf__load_vmlinux_btf();
	int id, prog_fd, link_fd;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	btf__free(btf);
	if (id <= 0)
		return false;
	opts.attach_btf_id = id;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &opts);
	if (prog_fd < 0)
		return false;
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_FEXIT, NULL);
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
	return link_fd >= 0;
}

/* CAP_BPF or CAP_SYS_ADMIN in effect: without, every probe below would say no for that alone. */
static bool may_load(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN) ||
	       data[CAP_TO_INDEX(CAP_BPF)].effective & CAP_TO_MASK(CAP_BPF);
}

/* The kernel's BTF has a function (a kfunc) of that name. */
static bool has_func(const struct btf *btf, const char *name)
{
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* A kprobe can be put on func: the kprobe PMU exists (CONFIG_KPROBES) and takes it. */
static bool kprobe_can_attach(const char *func)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .config1 = (__u64)(uintptr_t)func };
	FILE *f = fopen("/sys/bus/event_source/devices/kprobe/type", "re");
	int fd;

	if (!f)
		return false;
	fd = fscanf(f, "%u", &attr.type) == 1 ?
		     syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC) :
		     -1;
	fclose(f);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* The functions vfs.bpf.c counts at, where fexit replaces the sys_exit tracepoint. */
static const char *const vfs_hooks[] = {
	"vfs_write", "vfs_writev", "vfs_read", "vfs_readv", "fd_install", "filp_close",
};

/* The kfuncs the BPF side uses where they exist and does without elsewhere; the hooks it may use. */
void probe_features(struct features *f)
{
	struct btf *btf = btf__load_vmlinux_btf();

	memset(f, 0, sizeof(*f));
	if (has_func(btf, "bpf_send_signal_task") && has_func(btf, "bpf_task_from_pid") &&
	    has_func(btf, "bpf_task_release"))
		f->feat |= OOMK_FEAT_SIGNAL_TASK;
	if (has_func(btf, "bpf_iter_task_new") && has_func(btf, "bpf_task_acquire"))
		f->feat |= OOMK_FEAT_TASK_ITER;
	if (has_func(btf, "bpf_rdonly_cast"))
		f->feat |= OOMK_FEAT_RDONLY_CAST;
	btf__free(btf);
	f->denied = !may_load();
	f->fexit_meminfo = fexit_can_attach("si_meminfo");
	f->kprobe_meminfo = kprobe_can_attach("si_meminfo");
	f->fexit_hooks = true;
	for (size_t i = 0; i < ARRAY_SIZE(vfs_hooks); i++)
		f->fexit_hooks &= fexit_can_attach(vfs_hooks[i]);
}

/*
 * The path each part takes, into set: the one asked for in set->backend and set->hooks, or
 * for CHOICE_AUTO the best this kernel allows. -EOPNOTSUPP, said, when what was asked for
 * is not allowed.
 */
int choose_paths(const struct features *f, struct oomk_settings *set)
{
	set->features = f->feat;
	if (set->backend == (__u32)CHOICE_AUTO)
		set->backend = f->fexit_meminfo	 ? OOMK_MEM_FEXIT :
			       f->kprobe_meminfo ? OOMK_MEM_KPROBE :
						   OOMK_MEM_SYSCALL;
	/*
	 * sys_exit unless asked: fexit on the VFS was measured slower (make bench-kernels, 6.12:
	 * 1.59 against 1.30 times no oomkiller for others' writes, under emulation)
	 */
	if (set->hooks == (__u32)CHOICE_AUTO)
		set->hooks = OOMK_HOOKS_SYS_EXIT;
	if ((set->backend == OOMK_MEM_FEXIT && !f->fexit_meminfo) ||
	    (set->backend == OOMK_MEM_KPROBE && !f->kprobe_meminfo)) {
		p_err("--meminfo: this kernel does not let BPF attach there");
		return -EOPNOTSUPP;
	}
	if (set->hooks == OOMK_HOOKS_FEXIT && (!f->fexit_hooks || set->backend != OOMK_MEM_FEXIT)) {
		p_err("--hooks=fexit: needs fexit on vfs_write, fd_install... and --meminfo=fexit");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int find_libc(struct dl_phdr_info *info, size_t size, void *path)
{
	if (!strstr(info->dlpi_name, "/libc.so"))
		return 0;
	snprintf(path, PATH_MAX, "%s", info->dlpi_name);
	return 1;
}

/* The libc dynamically linked programs load: the one this program was loaded with. */
const char *own_libc(void)
{
	static char path[PATH_MAX];

	return dl_iterate_phdr(find_libc, path) ? path : NULL;
}

/*
 * Which path each part took on this kernel: "hooks sys_exit; si_meminfo sysinfo(2) at sys_exit;
 * kills of other tasks queued to the ticker; a dead leader's threads: none".
 */
const char *fmt_paths(const struct oomk_settings *set, char *buf, size_t len)
{
	static const char *const meminfo[] = {
		[OOMK_MEM_SYSCALL] = "sysinfo(2) at sys_exit",
		[OOMK_MEM_FEXIT] = "fexit/si_meminfo",
		[OOMK_MEM_KPROBE] = "kprobe/si_meminfo",
	};

	snprintf(buf, len, "counting at %s; si_meminfo by %s; other tasks signalled %s%s",
		 set->hooks == OOMK_HOOKS_FEXIT ? "fexit (vfs_write, fd_install...)" :
						  "tp_btf/sys_exit",
		 set->backend < 3 ? meminfo[set->backend] : "?",
		 set->features & OOMK_FEAT_SIGNAL_TASK ? "by BPF (bpf_send_signal_task)" :
							 "by the ticker, as BPF queued",
		 set->features & OOMK_FEAT_SIGNAL_TASK && !(set->features & OOMK_FEAT_TASK_ITER) ?
			 ", not through a live thread when the leader exited" :
			 "");
	return buf;
}
