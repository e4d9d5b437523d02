// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_raw KIND [COUNT [SLEEP_S]]: send COUNT (1500) crafted one-byte packets over
 * loopback, from 127.0.0.1 (::1) port 40000 to port 9, where nothing listens. KIND says how:
 *
 *   tcp, udp                   socket(AF_INET, SOCK_RAW, IPPROTO_TCP or IPPROTO_UDP)
 *   tcp-hdrincl, udp-hdrincl   socket(AF_INET, SOCK_RAW, IPPROTO_RAW), IP_HDRINCL, our IP header
 *   tcp6                       socket(AF_INET6, SOCK_RAW, IPPROTO_TCP)
 *   packet-tcp, packet-tcp6, packet-udp
 *                              socket(AF_PACKET, SOCK_RAW) on lo: whole Ethernet frames
 *
 * Each packet is put on lo (its tx_packets grows by COUNT, and by the replies). Every checksum
 * is right, so the stack takes each one in and answers: a RST to each TCP segment, a port
 * unreachable to UDP. Not to IPv4 frames sent on AF_PACKET: arriving with no route attached,
 * 127.0.0.1 is a martian to the receiving side, which drops them.
 */
#include "progs.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define USAGE                                                                     \
	"tcp|tcp-hdrincl|udp|udp-hdrincl|tcp6|packet-tcp|packet-tcp6|packet-udp " \
	"[COUNT [SLEEP_S]]"
#define SRC_PORT 40000
#define DST_PORT 9

static const struct kind {
	const char *name;
	int family, proto; /* of the socket */
	int l4; /* the packet's transport */
	bool ip_header; /* we write the IP header (IP_HDRINCL, AF_PACKET) */
	bool v6;
} kinds[] = {
	{ "tcp", AF_INET, IPPROTO_TCP, IPPROTO_TCP, false, false },
	{ "tcp-hdrincl", AF_INET, IPPROTO_RAW, IPPROTO_TCP, true, false },
	{ "udp", AF_INET, IPPROTO_UDP, IPPROTO_UDP, false, false },
	{ "udp-hdrincl", AF_INET, IPPROTO_RAW, IPPROTO_UDP, true, false },
	{ "tcp6", AF_INET6, IPPROTO_TCP, IPPROTO_TCP, false, true },
	{ "packet-tcp", AF_PACKET, 0, IPPROTO_TCP, true, false },
	{ "packet-tcp6", AF_PACKET, 0, IPPROTO_TCP, true, true },
	{ "packet-udp", AF_PACKET, 0, IPPROTO_UDP, true, false },
};

/* The one's complement sum of RFC 1071, folded; start from 0 or an earlier sum. */
static __u32 sum16(const void *data, size_t len, __u32 sum)
{
	const __u8 *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static __u16 checksum(__u32 sum)
{
	return htons(~sum & 0xffff);
}

/* Header fields at any offset of a byte buffer, in network order. */
static void put16(__u8 *p, __u16 v)
{
	v = htons(v);
	memcpy(p, &v, sizeof(v));
}

static void put32(__u8 *p, __u32 v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
}

/*
 * The transport header and one byte of payload at l4, checksummed over the pseudo header of
 * RFC 793 / RFC 8200 (addresses, protocol, length). Returns its length.
 */
static size_t transport(const struct kind *k, __u8 *l4, __u32 seq)
{
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;
	__u32 lo4 = htonl(INADDR_LOOPBACK), sum;
	size_t hdr = k->l4 == IPPROTO_TCP ? 20 : 8, len = hdr + 1, check;
	__u16 csum;

	memset(l4, 0, hdr);
	put16(l4, SRC_PORT);
	put16(l4 + 2, DST_PORT);
	l4[hdr] = 'x';
	if (k->l4 == IPPROTO_TCP) {
		put32(l4 + 4, seq);
		put32(l4 + 8, 1); /* ack */
		l4[12] = 5 << 4; /* data offset: 5 words, no options */
		l4[13] = 0x18; /* PSH, ACK */
		put16(l4 + 14, 65535); /* window */
		check = 16;
	} else {
		put16(l4 + 4, len);
		check = 6;
	}
	sum = k->v6 ? sum16(&lo6, sizeof(lo6), 0) * 2 : sum16(&lo4, sizeof(lo4), 0) * 2;
	csum = checksum(sum16(l4, len, sum + k->l4 + len));
	memcpy(l4 + check, &csum, sizeof(csum));
	return len;
}

/* The IPv4 or IPv6 header in front of a transport of len bytes: its length. */
static size_t ip_header(const struct kind *k, __u8 *buf, size_t len)
{
	struct ip6_hdr ip6 = {
		.ip6_flow = htonl(6 << 28),
		.ip6_plen = htons(len),
		.ip6_nxt = k->l4,
		.ip6_hlim = 64,
		.ip6_src = IN6ADDR_LOOPBACK_INIT,
		.ip6_dst = IN6ADDR_LOOPBACK_INIT,
	};
	struct iphdr ip = {
		.version = 4,
		.ihl = 5,
		.tot_len = htons(sizeof(ip) + len),
		.ttl = 64,
		.protocol = k->l4,
		.saddr = htonl(INADDR_LOOPBACK),
		.daddr = htonl(INADDR_LOOPBACK),
	};

	ip.check = checksum(sum16(&ip, sizeof(ip), 0));
	if (k->v6)
		memcpy(buf, &ip6, sizeof(ip6));
	else
		memcpy(buf, &ip, sizeof(ip));
	return k->v6 ? sizeof(ip6) : sizeof(ip);
}

/* One packet as the socket of kind k takes it, in buf: its length. */
static size_t packet(const struct kind *k, __u8 *buf, __u32 seq)
{
	size_t eth = k->family == AF_PACKET ? ETH_HLEN : 0;
	size_t ip = !k->ip_header ? 0 : k->v6 ? sizeof(struct ip6_hdr) : sizeof(struct iphdr);
	size_t len = transport(k, buf + eth + ip, seq);

	if (k->ip_header)
		len += ip_header(k, buf + eth, len);
	if (eth) {
		/* lo's address is all zeroes, so is the frame's destination and source */
		memset(buf, 0, 2 * ETH_ALEN);
		put16(buf + 2 * ETH_ALEN, k->v6 ? ETH_P_IPV6 : ETH_P_IP);
		len += eth;
	}
	return len;
}

int main(int argc, char **argv)
{
	long args[] = { 1500, 0 }; /* COUNT, SLEEP_S */
	struct sockaddr_in6 to6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in to4 = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	const struct kind *k = NULL;
	struct sockaddr *to;
	socklen_t to_len;
	__u8 buf[128];
	int fd, one = 1;
	long i;

	for (i = 0; argc > 1 && i < (long)(sizeof(kinds) / sizeof(kinds[0])); i++)
		if (!strcmp(argv[1], kinds[i].name))
			k = &kinds[i];
	if (!k)
		usage(USAGE);
	parse_args(argc - 1, argv + 1, args, 0, 2, USAGE);

	fd = socket(k->family, SOCK_RAW | SOCK_CLOEXEC, k->proto);
	if (fd < 0)
		die("socket");
	if (k->family == AF_INET && k->ip_header &&
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))
		die("setsockopt IP_HDRINCL");
	if (k->family == AF_PACKET) {
		ll.sll_ifindex = if_nametoindex("lo");
		ll.sll_protocol = htons(k->v6 ? ETH_P_IPV6 : ETH_P_IP);
		if (!ll.sll_ifindex)
			die("if_nametoindex lo");
		to = (struct sockaddr *)&ll;
		to_len = sizeof(ll);
	} else {
		to = k->v6 ? (struct sockaddr *)&to6 : (struct sockaddr *)&to4;
		to_len = k->v6 ? sizeof(to6) : sizeof(to4);
	}
	for (i = 0; i < args[0]; i++)
		check_io(sendto(fd, buf, packet(k, buf, i + 1), 0, to, to_len), "sendto");
	return finish(args[1]);
}
