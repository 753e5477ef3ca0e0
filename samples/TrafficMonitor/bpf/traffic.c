/* Counts the packets and bytes of a cgroup's sockets, per direction. Built with clang until the C# compiler lands. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct counters);
} traffic SEC(".maps");

static __always_inline int count(__u32 direction, struct __sk_buff *skb)
{
	struct counters *c = bpf_map_lookup_elem(&traffic, &direction);
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, skb->len);
	}
	return 1; /* let the packet pass: this program only watches */
}

SEC("cgroup_skb/ingress")
int ingress(struct __sk_buff *skb) { return count(0, skb); }

SEC("cgroup_skb/egress")
int egress(struct __sk_buff *skb) { return count(1, skb); }

char LICENSE[] SEC("license") = "GPL";
