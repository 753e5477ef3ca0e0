/*
 * The C twins of the C# programs in Ebpf.CompilerBench/Programs.cs: the same logic, written as a C developer writes
 * cgroup_skb programs for clang (direct packet access through data/data_end, the kernel's header structs,
 * __always_inline helpers). run.sh builds this with clang-14 -O2 -g -target bpf -mcpu=v3; the product never uses clang.
 * Map names are the C# field names in snake_case, so the harness compares contents map by map.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define PASS 1
#define DROP 0

/* ---- counter: packets and bytes per protocol (0 IPv4, 1 IPv6, 2 other) ---- */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

static __always_inline void array_add(void *map, __u32 slot, __u64 delta)
{
	__u64 *n = bpf_map_lookup_elem(map, &slot);
	if (n)
		__sync_fetch_and_add(n, delta);
}

SEC("cgroup_skb/egress")
int count(struct __sk_buff *skb)
{
	__u32 slot = skb->protocol == bpf_htons(ETH_P_IP) ? 0 : skb->protocol == bpf_htons(ETH_P_IPV6) ? 1 : 2;
	array_add(&packets, slot, 1);
	array_add(&bytes, slot, skb->len);
	return PASS;
}

/* ---- five_tuple: IPv4/IPv6 5-tuple into a flow key, packets per flow ---- */

struct flow_key {
	__u32 source[4];      /* network order; IPv4 in source[0], the rest zero */
	__u32 destination[4];
	__u16 source_port;    /* host order; 0 unless TCP/UDP (and not a later fragment) */
	__u16 destination_port;
	__u8 protocol;
	__u8 version;
	__u16 padding;        /* keys compare byte for byte: zeroed */
};

struct ports {
	__be16 source;
	__be16 destination;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, __u64);
} flows SEC(".maps");

/* What C#'s Flows.Add(key, 1) means (MapCounters): lookup and atomic add, else insert, else (another CPU won) add again. */
static __always_inline void hash_add(void *map, void *key, __u64 delta)
{
	__u64 *n = bpf_map_lookup_elem(map, key);
	if (n) {
		__sync_fetch_and_add(n, delta);
		return;
	}
	if (bpf_map_update_elem(map, key, &delta, BPF_NOEXIST) == 0)
		return;
	n = bpf_map_lookup_elem(map, key);
	if (n)
		__sync_fetch_and_add(n, delta);
}

SEC("cgroup_skb/egress")
int flow(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct flow_key key;
	__builtin_memset(&key, 0, sizeof(key));
	__u32 l4;
	int fragment = 0;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data;
		if ((void *)(ip + 1) > data_end)
			return PASS;
		l4 = ip->ihl * 4;
		if (l4 < sizeof(*ip))
			return PASS;
		key.source[0] = ip->saddr;
		key.destination[0] = ip->daddr;
		key.protocol = ip->protocol;
		key.version = 4;
		fragment = (bpf_ntohs(ip->frag_off) & 0x1fff) != 0;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data;
		if ((void *)(ip6 + 1) > data_end)
			return PASS;
		__builtin_memcpy(key.source, &ip6->saddr, 16);
		__builtin_memcpy(key.destination, &ip6->daddr, 16);
		key.protocol = ip6->nexthdr;
		key.version = 6;
		l4 = sizeof(*ip6); /* extension headers are not followed */
	} else {
		return PASS;
	}
	if ((key.protocol == IPPROTO_TCP || key.protocol == IPPROTO_UDP) && !fragment) {
		struct ports *p = data + l4;
		if ((void *)(p + 1) <= data_end) {
			key.source_port = bpf_ntohs(p->source);
			key.destination_port = bpf_ntohs(p->destination);
		}
	}
	hash_add(&flows, &key, 1);
	return PASS;
}

/* ---- port_filter: drop TCP/UDP to a destination port whose rule says so ---- */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u16);   /* host order: 443 is 443 */
	__type(value, __u8);  /* 1 block, 0 allow */
} port_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

/* The TCP/UDP destination port in host order, 0 for anything else. */
static __always_inline __u16 destination_port(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	__u32 l4;
	__u8 protocol;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data;
		if ((void *)(ip + 1) > data_end)
			return 0;
		if (bpf_ntohs(ip->frag_off) & 0x1fff)
			return 0;
		l4 = ip->ihl * 4;
		if (l4 < sizeof(*ip))
			return 0;
		protocol = ip->protocol;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data;
		if ((void *)(ip6 + 1) > data_end)
			return 0;
		protocol = ip6->nexthdr;
		l4 = sizeof(*ip6);
	} else {
		return 0;
	}
	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return 0;
	__be16 *port = data + l4 + 2;
	if ((void *)(port + 1) > data_end)
		return 0;
	return bpf_ntohs(*port);
}

SEC("cgroup_skb/egress")
int filter_ports(struct __sk_buff *skb)
{
	__u16 port = destination_port(skb);
	if (port == 0)
		return PASS;
	__u8 *rule = bpf_map_lookup_elem(&port_rules, &port);
	if (rule && *rule == 1) {
		array_add(&dropped, 0, 1);
		return DROP;
	}
	return PASS;
}

/* ---- ip_options: walk IPv4 options; drop source-routed or malformed, count router alerts ---- */

#define IPOPT_END_OF_LIST 0
#define IPOPT_NO_OPERATION 1
#define IPOPT_LOOSE_SOURCE_ROUTE 0x83
#define IPOPT_STRICT_SOURCE_ROUTE 0x89
#define IPOPT_ROUTER_ALERT 0x94
#define MAX_OPTIONS 40 /* 40 bytes of options at most, each at least one byte */

/* 0 nothing of interest, 1 router alert seen, 2 source-routed (dropped), 3 malformed (dropped) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} option_verdicts SEC(".maps");

static __always_inline int count_option(__u32 slot, int verdict)
{
	array_add(&option_verdicts, slot, 1);
	return verdict;
}

SEC("cgroup_skb/egress")
int walk_options(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return PASS;
	__u8 *version_ihl = data;
	if ((void *)(version_ihl + 1) > data_end)
		return PASS;
	int end = (*version_ihl & 0x0f) * 4;
	int offset = sizeof(struct iphdr);
	__u32 seen = 0;
	for (int i = 0; i < MAX_OPTIONS; i++) {
		if (offset >= end)
			break;
		__u8 *option = data + offset;
		if ((void *)(option + 1) > data_end || option[0] == IPOPT_END_OF_LIST)
			break;
		__u8 type = option[0];
		if (type == IPOPT_NO_OPERATION) {
			offset++;
			continue;
		}
		if ((void *)(option + 2) > data_end || option[1] < 2)
			return count_option(3, DROP);
		if (type == IPOPT_LOOSE_SOURCE_ROUTE || type == IPOPT_STRICT_SOURCE_ROUTE)
			return count_option(2, DROP);
		if (type == IPOPT_ROUTER_ALERT)
			seen = 1;
		offset += option[1];
	}
	return count_option(seen, PASS);
}

/* ---- empty: the test-run loop's own cost per packet, subtracted for the "net" ratio ---- */

SEC("cgroup_skb/egress")
int empty(struct __sk_buff *skb)
{
	return PASS;
}

char LICENSE[] SEC("license") = "GPL";
