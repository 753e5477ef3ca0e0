/* The libbpf side of bench/events: ring buffer and perf event array consumers against one producer object
 * (events.bpf.c) run with BPF_PROG_TEST_RUN on a thread pinned to CPU 1, the consumer pinned to CPU 0.
 *   drain:   the producer fills the ring first (nothing consumed meanwhile), then the consumer is timed reading
 *            every record: the consumer's own cost per record, best of ROUNDS.
 *   stream:  producer and consumer at once, the consumer busy-polling; records consumed per second of the whole
 *            run (the slower of the two sets it), and what the kernel dropped.
 *   latency: one record per millisecond; the consumer blocks in epoll (ring_buffer__poll / perf_buffer__poll) and
 *            takes clock_gettime(CLOCK_MONOTONIC) minus the record's bpf_ktime_get_ns() in its callback.
 * Usage: events_bench OBJECT [ROUNDS] [STREAM_RECORDS] [LATENCY_SAMPLES] [PARTS]
 *   drain mixed: as drain, records of 64 and 72 bytes in turn (produce_ring_mixed), as a program that writes
 *            events of several sizes does.
 * PARTS: a comma list of ring-drain, ring-mixed, ring-stream, perf-drain, perf-stream, latency (default: all).
 * Output lines "name: value unit" for run.sh. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64                      /* records per program run */
#define RING_DRAIN (800 * 1000)       /* fits the 64 MiB ring (72 bytes a record) */
#define PERF_PAGES 4096               /* 16 MiB per CPU */
#define PERF_DRAIN (180 * 1000)       /* fits 16 MiB (80 bytes a record) */

struct event { uint64_t ts, seq, payload[6]; };
struct stats { uint64_t sent, dropped; };

static int ring_prog, ring_mixed_prog, perf_prog, stats_fd;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) { perror("pthread_setaffinity_np"); exit(1); }
}

static void run(int prog, uint32_t count, int repeat)
{
	unsigned char packet[64] = {0};
	memcpy(packet + 14, &count, 4);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet), .repeat = repeat);
	if (bpf_prog_test_run_opts(prog, &opts)) { perror("bpf_prog_test_run_opts"); exit(1); }
	if (opts.retval != 2) { fprintf(stderr, "producer returned %u\n", opts.retval); exit(1); }
}

static struct stats read_stats(void)
{
	uint32_t zero = 0;
	struct stats s;
	if (bpf_map_lookup_elem(stats_fd, &zero, &s)) { perror("stats"); exit(1); }
	return s;
}

static void reset_stats(void)
{
	uint32_t zero = 0;
	struct stats s = {0};
	bpf_map_update_elem(stats_fd, &zero, &s, BPF_ANY);
}

/* Producer thread: `records` records in runs of BATCH, `per_call` runs per syscall; or one record per `gap_ns`. */
struct producer { int prog; long records; int per_call; long gap_ns; volatile int done; pthread_t thread; };

static void *produce(void *arg)
{
	struct producer *p = arg;
	pin(1);
	if (p->gap_ns) {
		for (long i = 0; i < p->records; i++) {
			run(p->prog, 1, 1);
			struct timespec ts = { 0, p->gap_ns };
			nanosleep(&ts, NULL);
		}
	} else {
		for (long left = p->records; left > 0;) {
			long runs = left / BATCH < p->per_call ? left / BATCH : p->per_call;
			if (runs == 0) { run(p->prog, (uint32_t)left, 1); break; }
			run(p->prog, BATCH, (int)runs);
			left -= runs * BATCH;
		}
	}
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void start(struct producer *p, int prog, long records, int per_call, long gap_ns)
{
	*p = (struct producer){ .prog = prog, .records = records, .per_call = per_call, .gap_ns = gap_ns };
	pthread_create(&p->thread, NULL, produce, p);
}

/* Consumer state: a count and a checksum (so the record is read), latencies when measuring them. */
struct consumer { long count; uint64_t sum; uint64_t *lat; long lat_n; };

static int on_ring(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	const struct event *e = data;
	c->count++;
	c->sum += e->seq;
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	struct consumer *c = ctx;
	const struct event *e = data;
	c->count++;
	c->sum += e->seq;
}

static int on_ring_latency(void *ctx, void *data, size_t size)
{
	uint64_t t = now_ns();
	struct consumer *c = ctx;
	c->lat[c->lat_n++] = t - ((const struct event *)data)->ts;
	c->count++;
	return 0;
}

static void on_perf_latency(void *ctx, int cpu, void *data, __u32 size)
{
	on_ring_latency(ctx, data, size);
}

static long lost;
static void on_lost(void *ctx, int cpu, __u64 n) { lost += n; }

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void print_latency(const char *name, uint64_t *lat, long n)
{
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("%s: %.1f us median, %.1f us p99 (%ld samples)\n", name, lat[n / 2] / 1e3, lat[(n * 99) / 100] / 1e3, n);
}

/* A drain: the producer fills the buffer first, then the consumer alone is timed until it has read n records. Best of
 * rounds, after a warm-up round; seconds, or -1 when the producer dropped records or consuming failed. */
static double drain(const char *name, int prog, long n, int rounds, struct consumer *c, int (*consume)(void *), void *buffer)
{
	struct producer p;
	double best = 1e30;
	for (int r = 0; r <= rounds; r++) {
		reset_stats();
		start(&p, prog, n, 1000, 0);
		pthread_join(p.thread, NULL);
		struct stats s = read_stats();
		if (s.dropped) { fprintf(stderr, "%s: %llu dropped\n", name, (unsigned long long)s.dropped); return -1; }
		c->count = 0;
		uint64_t t = now_ns();
		while (c->count < n)
			if (consume(buffer) < 0) { perror(name); return -1; }
		double secs = (now_ns() - t) / 1e9;
		if (r > 0 && secs < best) best = secs;
	}
	return best;
}

static int consume_ring(void *rb) { return ring_buffer__consume(rb); }
static int consume_perf(void *pb) { return perf_buffer__consume(pb); }

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args) { return 0; }

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: %s OBJECT [ROUNDS] [STREAM_RECORDS] [LATENCY_SAMPLES]\n", argv[0]); return 1; }
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	long stream_records = argc > 3 ? atol(argv[3]) : 4000000;
	long samples = argc > 4 ? atol(argv[4]) : 2000;
	const char *parts = argc > 5 ? argv[5] : "ring-drain,ring-mixed,ring-stream,perf-drain,perf-stream,latency";
#define PART(name) (strstr(parts, name) != NULL)
	libbpf_set_print(quiet);
	pin(0);

	struct bpf_object *obj = bpf_object__open(argv[1]);
	if (!obj || bpf_object__load(obj)) { perror("load"); return 1; }
	ring_prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "produce_ring"));
	ring_mixed_prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "produce_ring_mixed"));
	perf_prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "produce_perf"));
	int ring_fd = bpf_object__find_map_fd_by_name(obj, "ring");
	int perf_fd = bpf_object__find_map_fd_by_name(obj, "perf");
	stats_fd = bpf_object__find_map_fd_by_name(obj, "stats");

	struct consumer c = {0};
	struct ring_buffer *rb = ring_buffer__new(ring_fd, on_ring, &c, NULL);
	if (!rb) { perror("ring_buffer__new"); return 1; }
	struct producer p;

	/* Ring buffer, drain. */
	double best;
	if (PART("ring-drain")) {
		if ((best = drain("ring drain", ring_prog, RING_DRAIN, rounds, &c, consume_ring, rb)) < 0) return 1;
		printf("ring drain: %.0f records/s (ring_buffer__consume, %d records of 64 bytes, best of %d)\n", RING_DRAIN / best, RING_DRAIN, rounds);
	}

	/* Ring buffer, drain of records of 64 and 72 bytes in turn (76 bytes of ring a record on average: it fits). */
	if (PART("ring-mixed")) {
		if ((best = drain("ring drain mixed", ring_mixed_prog, RING_DRAIN, rounds, &c, consume_ring, rb)) < 0) return 1;
		printf("ring drain mixed: %.0f records/s (ring_buffer__consume, %d records of 64 and 72 bytes in turn, best of %d)\n", RING_DRAIN / best, RING_DRAIN, rounds);
	}

	/* Ring buffer, stream: producer and consumer at once. */
	best = 1e30;
	uint64_t dropped = 0;
	for (int r = 0; r <= rounds && PART("ring-stream"); r++) {
		reset_stats();
		c.count = 0;
		uint64_t t = now_ns();
		start(&p, ring_prog, stream_records, 256, 0);
		for (;;) {
			int done = __atomic_load_n(&p.done, __ATOMIC_ACQUIRE);
			if (ring_buffer__consume(rb) < 0) { perror("ring_buffer__consume"); return 1; }
			if (done) {
				struct stats s = read_stats();
				ring_buffer__consume(rb);
				if ((uint64_t)c.count >= s.sent) { if (r > 0) dropped += s.dropped; break; }
			}
		}
		double secs = (now_ns() - t) / 1e9;
		pthread_join(p.thread, NULL);
		if (r > 0 && c.count / secs > stream_records / best) best = stream_records * secs / c.count;
	}
	if (PART("ring-stream")) printf("ring stream: %.0f records/s (%ld produced a round, %llu dropped in %d rounds)\n", stream_records / best, stream_records,
	       (unsigned long long)dropped, rounds);

	/* Perf event array: one ring per CPU, PERF_PAGES pages each. */
	struct perf_buffer *pb = perf_buffer__new(perf_fd, PERF_PAGES, on_perf, on_lost, &c, NULL);
	if (!pb) { perror("perf_buffer__new"); return 1; }
	if (PART("perf-drain")) {
		if ((best = drain("perf drain", perf_prog, PERF_DRAIN, rounds, &c, consume_perf, pb)) < 0) return 1;
		printf("perf drain: %.0f records/s (perf_buffer__consume, %d records of 64 bytes, best of %d)\n", PERF_DRAIN / best, PERF_DRAIN, rounds);
	}

	/* The perf producer is slow (each record queues a wake-up irq_work with wakeup_events = 1, libbpf's setting):
	 * a twentieth of the ring's stream records. */
	long perf_stream = stream_records / 20;
	best = 1e30;
	dropped = 0;
	for (int r = 0; r <= rounds && PART("perf-stream"); r++) {
		reset_stats();
		c.count = 0;
		uint64_t t = now_ns();
		start(&p, perf_prog, perf_stream, 256, 0);
		for (;;) {
			int done = __atomic_load_n(&p.done, __ATOMIC_ACQUIRE);
			if (perf_buffer__consume(pb) < 0) { perror("perf_buffer__consume"); return 1; }
			if (done) {
				struct stats s = read_stats();
				perf_buffer__consume(pb);
				if ((uint64_t)c.count >= s.sent) { if (r > 0) dropped += s.dropped; break; }
			}
		}
		double secs = (now_ns() - t) / 1e9;
		pthread_join(p.thread, NULL);
		if (r > 0 && c.count / secs > perf_stream / best) best = perf_stream * secs / c.count;
	}
	if (PART("perf-stream")) printf("perf stream: %.0f records/s (%ld produced a round, %llu dropped in %d rounds)\n", perf_stream / best, perf_stream,
	       (unsigned long long)dropped, rounds);
	perf_buffer__free(pb);

	/* Latency: one record a millisecond, the consumer blocked in epoll. */
	if (!PART("latency")) return 0;
	uint64_t *lat = calloc(samples, sizeof(*lat));
	struct consumer lc = { .lat = lat };
	struct ring_buffer *lrb = ring_buffer__new(ring_fd, on_ring_latency, &lc, NULL);
	start(&p, ring_prog, samples, 0, 1000000);
	while (lc.count < samples)
		if (ring_buffer__poll(lrb, -1) < 0) { perror("ring_buffer__poll"); return 1; }
	pthread_join(p.thread, NULL);
	print_latency("ring latency", lat, lc.lat_n);
	ring_buffer__free(lrb);

	lc = (struct consumer){ .lat = lat };
	struct perf_buffer *lpb = perf_buffer__new(perf_fd, 8, on_perf_latency, on_lost, &lc, NULL);
	start(&p, perf_prog, samples, 0, 1000000);
	while (lc.count < samples)
		if (perf_buffer__poll(lpb, -1) < 0) { perror("perf_buffer__poll"); return 1; }
	pthread_join(p.thread, NULL);
	print_latency("perf latency", lat, lc.lat_n);
	perf_buffer__free(lpb);

	if (c.sum == 42) puts("");
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
