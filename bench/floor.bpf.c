// SPDX-License-Identifier: GPL-2.0
/* The floor: programs at exactly oomkiller's hook points that return at once. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit)
{
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(floor_thread)
{
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(floor_rename)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(floor_exit)
{
	return 0;
}

SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(floor_tcp_send)
{
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(floor_tcp_xmit)
{
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(floor_rand)
{
	return 0;
}
