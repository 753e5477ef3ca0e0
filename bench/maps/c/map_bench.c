/* The libbpf side of bench/maps: element update/lookup and batch lookup on a 65,536-entry u32->u64 hash,
 * and bpf_object__open + bpf_object__load of a 20-program object. Same loops as Ebpf.MapsBench; best of rounds.
 * Usage: map_bench OBJECT [OPS] [ROUNDS] [LOADS]. Output lines "name: value unit" for run.sh to parse. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ENTRIES 65536

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args) { return 0; }

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: %s OBJECT [OPS] [ROUNDS] [LOADS]\n", argv[0]); return 1; }
	const char *object = argv[1];
	long ops = argc > 2 ? atol(argv[2]) : 1000000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	int loads = argc > 4 ? atoi(argv[4]) : 50;
	libbpf_set_print(quiet);

	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bench", 4, 8, ENTRIES, NULL);
	if (fd < 0) { perror("bpf_map_create"); return 1; }
	for (__u32 k = 0; k < ENTRIES; k++) {
		__u64 v = k;
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY)) { perror("fill"); return 1; }
	}

	double best_update = 1e30, best_lookup = 1e30, best_batch = 1e30;
	static __u32 keys[ENTRIES];
	static __u64 values[ENTRIES];
	const int batches = 20;
	for (int r = 0; r < rounds; r++) {
		double t = now();
		for (long i = 0; i < ops; i++) {
			__u32 k = (__u32)i & (ENTRIES - 1);
			__u64 v = (__u64)i;
			if (bpf_map_update_elem(fd, &k, &v, BPF_ANY)) { perror("update"); return 1; }
		}
		t = now() - t;
		if (t < best_update) best_update = t;

		t = now();
		__u64 sum = 0;
		for (long i = 0; i < ops; i++) {
			__u32 k = (__u32)i & (ENTRIES - 1);
			__u64 v;
			if (bpf_map_lookup_elem(fd, &k, &v)) { perror("lookup"); return 1; }
			sum += v;
		}
		t = now() - t;
		if (t < best_lookup) best_lookup = t;
		if (sum == 42) puts("");

		t = now();
		for (int b = 0; b < batches; b++) {
			__u32 token = 0, total = 0;
			int first = 1;
			for (;;) {
				__u32 count = ENTRIES - total;
				int err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys + total, values + total, &count, NULL);
				total += count;
				first = 0;
				if (err) {
					if (errno == ENOENT) break;
					perror("lookup_batch");
					return 1;
				}
			}
			if (total != ENTRIES) { fprintf(stderr, "batch read %u of %u\n", total, ENTRIES); return 1; }
		}
		t = (now() - t) / batches;
		if (t < best_batch) best_batch = t;
	}
	printf("update: %.0f ops/s\n", ops / best_update);
	printf("lookup: %.0f ops/s\n", ops / best_lookup);
	printf("batch lookup: %.0f entries/s (%.3f ms per 65536-entry map)\n", ENTRIES / best_batch, best_batch * 1e3);

	/* Loading: bpf_object__load alone (maps, BTF, programs), and open+load (ELF parsing too); mean over loads after one warm-up. */
	double load = 0, open_load = 0;
	for (int i = -1; i < loads; i++) {
		double t0 = now();
		struct bpf_object *obj = bpf_object__open(object);
		if (!obj) { perror("bpf_object__open"); return 1; }
		double t1 = now();
		if (bpf_object__load(obj)) { perror("bpf_object__load"); return 1; }
		double t2 = now();
		bpf_object__close(obj);
		if (i >= 0) { load += t2 - t1; open_load += t2 - t0; }
	}
	printf("load: %.3f ms (bpf_object__load)\n", load / loads * 1e3);
	printf("open+load: %.3f ms (bpf_object__open + bpf_object__load)\n", open_load / loads * 1e3);
	return 0;
}
