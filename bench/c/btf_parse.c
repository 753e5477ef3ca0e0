/* Times libbpf's btf__parse(path) + btf__free over N warm iterations (file read included, like Btf.Load). */
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

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	int n = argc > 2 ? atoi(argv[2]) : 200;
	int warm = n / 5 > 20 ? n / 5 : 20;
	unsigned long types = 0;

	for (int i = 0; i < warm; i++) {
		struct btf *btf = btf__parse(path, NULL);
		if (!btf) {
			perror(path);
			return 1;
		}
		btf__free(btf);
	}
	double start = now_ns();
	for (int i = 0; i < n; i++) {
		struct btf *btf = btf__parse(path, NULL);
		if (!btf)
			return 1;
		types += btf__type_cnt(btf);
		btf__free(btf);
	}
	double per = (now_ns() - start) / n;
	printf("libbpf btf__parse: %.0f ns/op (%lu types, %d iterations)\n", per, types / n, n);
	return 0;
}
