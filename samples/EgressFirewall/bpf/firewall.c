/* Egress firewall for one cgroup: drops packets to blocked IPv4/IPv6 addresses or destination ports, and counts them. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct v6_addr {
	__u8 bytes[16];
};

/* Values count the packets dropped for that entry. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* network byte order, as in the header */
	__type(value, __u64);
} blocked_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct v6_addr);
	__type(value, __u64);
} blocked_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16); /* host byte order: 443 is 443 */
	__type(value, __u64);
} blocked_ports SEC(".maps");

/* Slot 0: packets passed, slot 1: packets dropped. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int verdict(int pass)
{
	__u32 slot = pass ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&verdicts, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return pass;
}

static __always_inline int hit(__u64 *counter)
{
	if (!counter)
		return 0;
	__sync_fetch_and_add(counter, 1);
	return 1;
}

/* Destination port of a TCP or UDP packet whose L4 header starts at offset l4; 0 for anything else. */
static __always_inline __u16 dest_port(struct __sk_buff *skb, __u8 proto, __u32 l4)
{
	__u16 port = 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, l4 + 2, &port, sizeof(port)) < 0)
		return 0;
	return bpf_ntohs(port);
}

SEC("cgroup_skb/egress")
int firewall(struct __sk_buff *skb)
{
	__u8 proto = 0;
	__u16 port = 0;
	if (skb->protocol == bpf_htons(0x0800)) {
		__u8 vihl = 0;
		__u32 daddr = 0;
		if (bpf_skb_load_bytes(skb, 0, &vihl, 1) < 0 || bpf_skb_load_bytes(skb, 9, &proto, 1) < 0 ||
		    bpf_skb_load_bytes(skb, 16, &daddr, 4) < 0)
			return verdict(1);
		if (hit(bpf_map_lookup_elem(&blocked_v4, &daddr)))
			return verdict(0);
		port = dest_port(skb, proto, (vihl & 0x0f) * 4);
	} else if (skb->protocol == bpf_htons(0x86DD)) {
		struct v6_addr daddr;
		if (bpf_skb_load_bytes(skb, 6, &proto, 1) < 0 || bpf_skb_load_bytes(skb, 24, &daddr, sizeof(daddr)) < 0)
			return verdict(1);
		if (hit(bpf_map_lookup_elem(&blocked_v6, &daddr)))
			return verdict(0);
		port = dest_port(skb, proto, 40); /* extension headers are not followed */
	}
	if (port && hit(bpf_map_lookup_elem(&blocked_ports, &port)))
		return verdict(0);
	return verdict(1);
}

char LICENSE[] SEC("license") = "GPL";
