/* SPDX-License-Identifier: GPL-2.0 */
/* What mem.bpf.c, the memory gate, offers the others. */
#ifndef __MEM_BPF_H
#define __MEM_BPF_H

/* A sysinfo(2) of an oomkiller process returned, its buffer at ubuf: the ticker's tick. */
int oomk_mem_sysinfo(__u64 ubuf);

#endif /* __MEM_BPF_H */
