// SPDX-License-Identifier: GPL-2.0
/*
 * --max-tcp-packets: TCP segments put on a device from sockets a candidate owns. Transmits
 * run in softirq too, where current is a bystander, so each socket remembers its owner.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"

struct sk_owner {
	__u32 tgid; /* 0: no candidate sends on it */
	__u32 pad;
	__u64 start_ns; /* the owner's start_time, so a reused pid is not charged */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sk_owner);
} owners SEC(".maps");

/* In the sender's own sendmsg, before the first segment of the call leaves. */
SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(oomk_tcp_send, struct sock *sk)
{
	struct oomk_proc *p = current_proc(bpf_get_current_task_btf());
	struct sk_owner *o;

	o = bpf_sk_storage_get(&owners, sk, 0, p ? BPF_SK_STORAGE_GET_F_CREATE : 0);
	if (!o)
		return 0;
	o->tgid = p ? bpf_get_current_pid_tgid() >> 32 : 0;
	o->start_ns = p ? p->start_ns : 0;
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(oomk_tcp_xmit, struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	struct skb_shared_info *shinfo;
	struct oomk_settings *cfg;
	struct oomk_proc *p;
	struct sk_owner *o;
	__u64 segs, now;

	if (!sk || sk->sk_protocol != IPPROTO_TCP)
		return 0;
	o = bpf_sk_storage_get(&owners, sk, 0, 0);
	if (!o || !o->tgid)
		return 0;
	p = bpf_map_lookup_elem(&procs, &o->tgid);
	cfg = oomk_settings();
	if (!p || !cfg || p->start_ns != o->start_ns)
		return 0;
	/* a GSO skb leaves the device as gso_segs segments */
	shinfo = (void *)(BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, end));
	segs = BPF_CORE_READ(shinfo, gso_segs) ?: 1;
	if (charge(&p->tcp_segs, segs, cfg->max_tcp, &now))
		oomk_cross_task(o->tgid, OOMK_TCP, now, cfg->max_tcp);
	return 0;
}
