/*
 * Times libbpf on the same BTF file two ways, each warm over N iterations:
 *   file:   btf__parse(path) + btf__free        (reads the file every time, like Btf.Load)
 *   memory: btf__new(buf, size) + btf__free     (file read once beforehand, like Btf.Parse(bytes))
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <bpf/btf.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *read_file(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f || fseek(f, 0, SEEK_END) || (*size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc(*size);
	if (!buf || fread(buf, 1, *size, f) != (size_t)*size)
		return NULL;
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	int n = argc > 2 ? atoi(argv[2]) : 200;
	int warm = n / 5 > 20 ? n / 5 : 20;
	unsigned long types = 0;
	long size;
	void *data;
	double start;

	/* Each measurement warms up on its own: interleaving them changes how malloc reuses the big blocks. */
	for (int i = 0; i < warm; i++) {
		struct btf *btf = btf__parse(path, NULL);
		if (!btf) {
			perror(path);
			return 1;
		}
		btf__free(btf);
	}
	start = now_ns();
	for (int i = 0; i < n; i++) {
		struct btf *btf = btf__parse(path, NULL);
		types += btf__type_cnt(btf);
		btf__free(btf);
	}
	printf("libbpf file   btf__parse: %.0f ns/op (%lu types, %d iterations)\n", (now_ns() - start) / n, types / n, n);

	data = read_file(path, &size);
	if (!data) {
		perror(path);
		return 1;
	}
	for (int i = 0; i < warm; i++)
		btf__free(btf__new(data, size));
	start = now_ns();
	for (int i = 0; i < n; i++)
		btf__free(btf__new(data, size));
	printf("libbpf memory btf__new:   %.0f ns/op\n", (now_ns() - start) / n);
	free(data);
	return 0;
}
