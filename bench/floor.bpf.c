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
FLOOR("tp_btf/net_dev_queue", floor_tcp_xmit)
FLOOR("tp_btf/net_dev_start_xmit", floor_xmit_begin)
FLOOR("tp_btf/net_dev_xmit", floor_xmit_end)
FLOOR("tp_btf/softirq_entry", floor_softirq_begin)
FLOOR("tp_btf/softirq_exit", floor_softirq_end)
FLOOR("tp_btf/inet_sock_set_state", floor_tcp_listen)
FLOOR("uprobe", floor_rand)
