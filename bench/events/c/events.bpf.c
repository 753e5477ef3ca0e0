/* The producer of bench/events, loaded by both sides (libbpf and Ebpf.Maps): XDP programs run with
 * BPF_PROG_TEST_RUN. Each run emits COUNT 64-byte records (COUNT is the u32 after the 14-byte Ethernet header of the
 * test packet, at most 64), stamped with bpf_ktime_get_ns() (CLOCK_MONOTONIC) and a sequence number.
 *   produce_ring: bpf_ringbuf_reserve + bpf_ringbuf_submit into "ring" (flags 0: the kernel's adaptive wake-up)
 *   produce_perf: bpf_perf_event_output into "perf" on the current CPU (the reader's wakeup_events decides wake-ups)
 *   produce_ring_mixed: as produce_ring, records of 64 and 72 bytes in turn (the first 64 bytes as above), so a
 *                 reader meets records of different lengths back to back
 * stats[0] counts records emitted and records the kernel refused (ring full). */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_BATCH 64

struct event {
	__u64 ts;        /* bpf_ktime_get_ns() at submit */
	__u64 seq;
	__u64 payload[6];
};

struct stats {
	__u64 sent;
	__u64 dropped;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} stats SEC(".maps");

static __always_inline __u32 batch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	if (data + 14 + 4 > end)
		return 0;
	__u32 n = *(__u32 *)(data + 14);
	return n > MAX_BATCH ? MAX_BATCH : n;
}

/* What every producer writes into a record: its sequence number, a payload, the time. */
static __always_inline void fill(struct event *e, __u64 seq, __u32 i)
{
	e->seq = seq;
	for (int k = 0; k < 6; k++)
		e->payload[k] = i + k;
	e->ts = bpf_ktime_get_ns();
}

SEC("xdp")
int produce_ring(struct xdp_md *ctx)
{
	__u32 zero = 0, n = batch(ctx);
	struct stats *s = bpf_map_lookup_elem(&stats, &zero);
	if (!s)
		return XDP_ABORTED;
	for (__u32 i = 0; i < MAX_BATCH && i < n; i++) {
		struct event *e = bpf_ringbuf_reserve(&ring, sizeof(*e), 0);
		if (!e) {
			s->dropped++;
			continue;
		}
		fill(e, s->sent++, i);
		bpf_ringbuf_submit(e, 0);
	}
	return XDP_PASS;
}

struct event72 {
	struct event e;
	__u64 extra;
};

SEC("xdp")
int produce_ring_mixed(struct xdp_md *ctx)
{
	__u32 zero = 0, n = batch(ctx);
	struct stats *s = bpf_map_lookup_elem(&stats, &zero);
	if (!s)
		return XDP_ABORTED;
	for (__u32 i = 0; i < MAX_BATCH && i < n; i++) {
		/* The reserved size must be a constant: one path per length. */
		struct event *e;
		if (i & 1) {
			struct event72 *x = bpf_ringbuf_reserve(&ring, sizeof(*x), 0);
			if (x)
				x->extra = i;
			e = (struct event *)x;
		} else {
			e = bpf_ringbuf_reserve(&ring, sizeof(*e), 0);
		}
		if (!e) {
			s->dropped++;
			continue;
		}
		fill(e, s->sent++, i);
		bpf_ringbuf_submit(e, 0);
	}
	return XDP_PASS;
}

SEC("xdp")
int produce_perf(struct xdp_md *ctx)
{
	__u32 zero = 0, n = batch(ctx);
	struct stats *s = bpf_map_lookup_elem(&stats, &zero);
	if (!s)
		return XDP_ABORTED;
	for (__u32 i = 0; i < MAX_BATCH && i < n; i++) {
		struct event e;
		fill(&e, s->sent, i);
		if (bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e)))
			s->dropped++;
		else
			s->sent++;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
