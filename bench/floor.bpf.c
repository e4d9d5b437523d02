// SPDX-License-Identifier: GPL-2.0
/* The floor: programs at exactly oomkiller's hook points that return at once. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define FLOOR(sec, name)             \
	SEC(sec) int name(void *ctx) \
	{                            \
		return 0;            \
	}

FLOOR("tp_btf/sys_exit", floor_sys_exit)
FLOOR("tp_btf/sched_process_fork", floor_fork)
FLOOR("tp_btf/sched_process_fork", floor_thread)
FLOOR("tp_btf/task_rename", floor_rename)
FLOOR("tp_btf/sched_process_exit", floor_exit)
FLOOR("tp_btf/tcp_sendmsg_locked", floor_tcp_send)
FLOOR("tp_btf/net_dev_queue", floor_tcp_xmit)
FLOOR("uprobe", floor_rand)
