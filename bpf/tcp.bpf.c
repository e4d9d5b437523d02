// SPDX-License-Identifier: GPL-2.0
/*
 * --max-tcp-packets: TCP segments that candidates send from any socket (stream, MPTCP subflow,
 * raw, packet), over IPv4 or IPv6. Counted where a packet enters its first device's queue, once,
 * though stacked devices (VLAN, macvlan, bridge, bond) queue it again below. The protocol is
 * read from the packet. The sender is current when the packet leaves in a task's own context;
 * in softirq (ACK clocking, timers, a packet that waited for ARP) it is whoever last sent on
 * that socket in its own.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "proc.bpf.h"

#define TCP_TIME_WAIT	 6 /* include/net/tcp_states.h */
#define TCP_LISTEN	 10
#define TCP_NEW_SYN_RECV 12
#define ARPHRD_ETHER	 1 /* include/uapi/linux/if_arp.h */
#define ARPHRD_LOOPBACK	 772
#define ETH_HLEN	 14
#define ETH_P_IP	 0x0800
#define ETH_P_IPV6	 0x86DD
#define ETH_P_8021Q	 0x8100
#define ETH_P_8021AD	 0x88A8
#define IP_OFFSET	 0x1fff
#define NEXTHDR_HOP	 0
#define NEXTHDR_ROUTING	 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_AUTH	 51
#define NEXTHDR_DEST	 60
#define IPV6_EXTS	 4 /* extension headers walked before giving up */

struct sk_owner {
	__u32 tgid; /* 0: no candidate sends on it */
	__u32 pad;
	__u64 start_ns; /* the owner's start_time, so a reused pid is not charged */
};

/* Cloned with the socket: an accepted connection starts with its listener's owner. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sk_owner);
} owners SEC(".maps");

/*
 * What runs on this CPU: devices transmitting, outermost first, so that a queue inside one is a
 * re-queue; and softirq handlers, in which current is whoever they interrupted. Install
 * attaches each end before its beginning, so that the counts never miss an end.
 */
struct cpu_state {
	__u32 xmits;
	__u32 softirqs;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpu SEC(".maps");

static __always_inline struct cpu_state *cpu_state(void)
{
	return only_elem(&cpu);
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(oomk_xmit_begin, struct sk_buff *skb, struct net_device *dev)
{
	struct cpu_state *c = cpu_state();

	if (c)
		c->xmits++;
	return 0;
}

SEC("tp_btf/net_dev_xmit")
int BPF_PROG(oomk_xmit_end, struct sk_buff *skb, int rc, struct net_device *dev, unsigned int len)
{
	struct cpu_state *c = cpu_state();

	if (c && c->xmits)
		c->xmits--;
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(oomk_softirq_begin, unsigned int vec)
{
	struct cpu_state *c = cpu_state();

	if (c)
		c->softirqs++;
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(oomk_softirq_end, unsigned int vec)
{
	struct cpu_state *c = cpu_state();

	if (c && c->softirqs)
		c->softirqs--;
	return 0;
}

static __always_inline bool read_at(void *dst, __u32 len, struct sk_buff *skb, __u32 off)
{
	/* headers are in the linear part; what is not cannot be told (a page-long AF_PACKET frame) */
	return off + len <= skb->len - skb->data_len &&
	       !bpf_probe_read_kernel(dst, len, skb->data + off);
}

/* The IP version at off, after the Ethernet header and VLAN tags of a frame that has one. */
static __always_inline int ip_version(struct sk_buff *skb, __u32 *off)
{
	struct net_device *dev = skb->dev;
	__be16 proto;
	__u8 first;

	if (dev->type != ARPHRD_ETHER && dev->type != ARPHRD_LOOPBACK) {
		/* an L3 device (tun, tunnels): the packet starts at once */
		*off = 0;
		return dev->hard_header_len || !read_at(&first, 1, skb, 0) ? 0 : first >> 4;
	}
	*off = ETH_HLEN;
	if (!read_at(&proto, 2, skb, ETH_HLEN - 2))
		return 0;
	for (int i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if (!read_at(&proto, 2, skb, *off + 2))
			return 0;
		*off += 4;
	}
	return proto == bpf_htons(ETH_P_IP) ? 4 : proto == bpf_htons(ETH_P_IPV6) ? 6 : 0;
}

/* The TCP segments skb carries: 0 unless its first IP header (or fragment) is TCP's. */
static __always_inline __u64 tcp_segs(struct sk_buff *skb)
{
	struct skb_shared_info *shinfo;
	__u32 off;
	__u8 h[8];

	switch (ip_version(skb, &off)) {
	case 4: {
		struct iphdr ip;

		if (!read_at(&ip, sizeof(ip), skb, off) || ip.protocol != IPPROTO_TCP ||
		    (ip.frag_off & bpf_htons(IP_OFFSET)))
			return 0;
		break;
	}
	case 6: {
		__u8 next;

		if (!read_at(&next, 1, skb, off + 6))
			return 0;
		off += 40;
		for (int i = 0; i < IPV6_EXTS && next != IPPROTO_TCP; i++) {
			if (!read_at(h, sizeof(h), skb, off))
				return 0;
			if (next == NEXTHDR_FRAGMENT && ((h[2] << 8 | h[3]) & 0xfff8))
				return 0; /* a later fragment: its segment was counted with the first */
			if (next == NEXTHDR_FRAGMENT)
				off += 8;
			else if (next == NEXTHDR_AUTH)
				off += (h[1] + 2) * 4;
			else if (next == NEXTHDR_HOP || next == NEXTHDR_ROUTING ||
				 next == NEXTHDR_DEST)
				off += (h[1] + 1) * 8;
			else
				return 0;
			next = h[0];
		}
		if (next != IPPROTO_TCP)
			return 0;
		break;
	}
	default:
		return 0;
	}
	/* a GSO skb leaves the device as gso_segs segments */
	shinfo = (void *)(BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, end));
	return BPF_CORE_READ(shinfo, gso_segs) ?: 1;
}

/*
 * Sockets that can hold an owner: a SYN-ACK's request socket and a TIME_WAIT socket cannot,
 * and what they send is not counted.
 */
static __always_inline bool full_sock(struct sock *sk)
{
	return sk->__sk_common.skc_state != TCP_TIME_WAIT &&
	       sk->__sk_common.skc_state != TCP_NEW_SYN_RECV;
}

/* sk sends in tgid's own context, p its procs entry or NULL: it owns sk from now on. */
static __always_inline void own_socket(struct sock *sk, __u32 tgid, const struct oomk_proc *p)
{
	struct sk_owner *o;

	/* not a candidate, and nothing to take from one: the common case, one load */
	if (!full_sock(sk) || (!p && !sk->sk_bpf_storage))
		return;
	o = bpf_sk_storage_get(&owners, sk, 0, p ? BPF_SK_STORAGE_GET_F_CREATE : 0);
	if (o && o->tgid != (p ? tgid : 0)) {
		o->tgid = p ? tgid : 0;
		o->start_ns = p ? p->start_ns : 0;
	}
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(oomk_tcp_xmit, struct sk_buff *skb)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct sock *sk = skb->sk;
	struct oomk_settings *cfg;
	struct cpu_state *c;
	struct oomk_proc *p;
	struct sk_owner *o;
	bool here, reached;
	__u32 tgid;
	__u64 segs;

	c = cpu_state();
	if (!sk || !c || c->xmits)
		return 0;
	here = !c->softirqs && !(task->flags & PF_KTHREAD);
	if (here) {
		tgid = task->tgid;
		p = current_proc(task);
		own_socket(sk, tgid, p);
	} else {
		o = full_sock(sk) ? bpf_sk_storage_get(&owners, sk, 0, 0) : NULL;
		if (!o || !o->tgid)
			return 0;
		tgid = o->tgid;
		p = bpf_map_lookup_elem(&procs, &tgid);
		if (p && p->start_ns != o->start_ns)
			return 0;
	}
	cfg = oomk_settings();
	if (!p || !cfg)
		return 0;
	segs = tcp_segs(skb);
	if (!segs)
		return 0;
	reached = charge(&p->count[OOMK_TCP], segs, cfg->max[OOMK_TCP]);
	if (here)
		event(p, reached);
	else if (reached || p->state == OOMK_OVER)
		oomk_cross_task(p, tgid);
	return 0;
}

/* listen(): the listener's owner is its accepted connections' first owner (BPF_F_CLONE). */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(oomk_tcp_listen, struct sock *sk, int oldstate, int newstate)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (newstate == TCP_LISTEN)
		own_socket(sk, task->tgid, current_proc(task));
	return 0;
}
