/* The load benchmark's object: 20 small socket filters sharing one hash map and one array. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} shared SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 20);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

#define PROG(n)                                                      \
	SEC("socket")                                                    \
	int prog_##n(struct __sk_buff *skb)                              \
	{                                                                \
		__u32 key = n, len = skb->len;                               \
		__u64 one = 1, *v = bpf_map_lookup_elem(&shared, &len);      \
		if (v)                                                       \
			__sync_fetch_and_add(v, 1);                              \
		else                                                         \
			bpf_map_update_elem(&shared, &len, &one, BPF_NOEXIST);   \
		v = bpf_map_lookup_elem(&hits, &key);                        \
		if (v)                                                       \
			__sync_fetch_and_add(v, skb->len);                       \
		return skb->len > 64 ? 0 : -1;                               \
	}

PROG(0) PROG(1) PROG(2) PROG(3) PROG(4) PROG(5) PROG(6) PROG(7) PROG(8) PROG(9)
PROG(10) PROG(11) PROG(12) PROG(13) PROG(14) PROG(15) PROG(16) PROG(17) PROG(18) PROG(19)

char LICENSE[] SEC("license") = "GPL";
