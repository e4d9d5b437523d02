// SPDX-License-Identifier: GPL-2.0
/* What this kernel and this system offer, probed before the real object is loaded. */
#define _GNU_SOURCE
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "loader.h"

/* As libbpf-tools' fentry_can_attach(): load and attach an empty fexit program to func. */
bool fexit_can_attach(const char *func)
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

/* The kernel's BTF has a function (a kfunc) or a variable of that name. */
static bool has(const struct btf *btf, const char *name, int kind)
{
	return btf && btf__find_by_name_kind(btf, name, kind) > 0;
}

/* The kfuncs and variables the BPF side uses where they exist, and does without elsewhere. */
void probe_features(struct features *f)
{
	struct btf *btf = btf__load_vmlinux_btf();

	f->signal_task = has(btf, "bpf_send_signal_task", BTF_KIND_FUNC) &&
			 has(btf, "bpf_task_from_pid", BTF_KIND_FUNC) &&
			 has(btf, "bpf_task_release", BTF_KIND_FUNC);
	f->task_iter = has(btf, "bpf_iter_task_new", BTF_KIND_FUNC) &&
		       has(btf, "bpf_task_acquire", BTF_KIND_FUNC);
	f->rdonly_cast = has(btf, "bpf_rdonly_cast", BTF_KIND_FUNC);
	f->backend = fexit_can_attach("si_meminfo") ? OOMK_MEM_FEXIT : OOMK_MEM_SYSCALL;
	btf__free(btf);
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
