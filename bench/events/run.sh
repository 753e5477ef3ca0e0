#!/usr/bin/env bash
# libbpf (C) and Ebpf.Runtime's event readers (C#) on the same machine in one run, C first, then C#, then the ratios.
# One producer object (c/events.bpf.c, clang-14) for both: XDP programs run with BPF_PROG_TEST_RUN on a thread pinned
# to CPU 1 write 64-byte records (bpf_ringbuf_reserve/submit; bpf_perf_event_output), the consumer runs on CPU 0.
#   drain:   the ring is filled first, then the consumer alone is timed reading every record (records/s; best of ROUNDS)
#            ring: Consume<THandler>(ref THandler) vs ring_buffer__consume          (goal >= 1.0)
#                  await foreach over ReadAllAsync<Event64> vs ring_buffer__consume  (goal >= 0.8)
#                  TryRead and Consume(RecordHandler) too; allocations per record on the span paths (goal 0)
#            perf: Consume<THandler> vs perf_buffer__consume                         (goal >= 1.0)
#   drain mixed: as drain, records of 64 and 72 bytes in turn (produce_ring_mixed), ReadAllAsync<Event64> reading the
#            first 64 bytes of each, vs ring_buffer__consume                         (goal >= 0.8)
#   stream:  producer and consumer at once, the consumer busy-polling: records consumed per second (the slower side sets it)
#   latency: one record a millisecond; bpf_ktime_get_ns() in the record vs CLOCK_MONOTONIC in the callback, consumer
#            blocked in epoll (ring_buffer__poll / perf_buffer__poll vs reader.Poll, and ReadAllAsync): median and p99
# Usage: bench/events/run.sh [ROUNDS (default 5)] [STREAM_RECORDS (default 4000000; perf streams a twentieth)] [LATENCY_SAMPLES (default 2000)]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-5}"; stream="${2:-4000000}"; samples="${3:-2000}"
out="${TMPDIR:-/tmp}/ebpf-bench-events"
mkdir -p "$out"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

gcc -O2 -Wall -o "$out/events_bench" "$here/c/events_bench.c" -lbpf -lpthread
clang-14 -O2 -g -target bpf -I "/usr/include/$(uname -m)-linux-gnu" -c "$here/c/events.bpf.c" -o "$out/events.bpf.o"
dotnet build "$here/Ebpf.EventsBench" -c Release --artifacts-path "$out/art" -v quiet -nologo >/dev/null
dll="$(find "$out/art/bin/Ebpf.EventsBench" -name Ebpf.EventsBench.dll | head -1)"

c_out="$("$out/events_bench" "$out/events.bpf.o" "$rounds" "$stream" "$samples")"
echo "== libbpf (C)"; echo "$c_out"
cs_out="$(dotnet "$dll" "$out/events.bpf.o" "$rounds" "$stream" "$samples")"
echo "== Ebpf.Runtime (C#)"; echo "$cs_out"
num() { grep "^$1:" <<<"$2" | head -1 | sed -E 's/^[^:]+: +([0-9.]+).*/\1/'; }
p99() { grep "^$1:" <<<"$2" | head -1 | sed -E 's/.* ([0-9.]+) us p99.*/\1/'; }
ratio() { awk -v n="$1" -v a="$2" -v b="$3" -v g="$4" 'BEGIN { printf "%-44s %.3f  %s\n", n, a / b, g }'; }
echo "== ratios C#/C (throughput: higher is better; latency: lower is better)"
ratio "ring drain, Consume<THandler>:" "$(num "ring drain" "$cs_out")" "$(num "ring drain" "$c_out")" "(goal >= 1.0)"
ratio "ring drain, TryRead:" "$(num "ring drain TryRead" "$cs_out")" "$(num "ring drain" "$c_out")" "(goal >= 1.0)"
ratio "ring drain, Consume(RecordHandler):" "$(num "ring drain delegate" "$cs_out")" "$(num "ring drain" "$c_out")" ""
ratio "ring drain, ReadAllAsync<Event64>:" "$(num "ring drain ReadAllAsync" "$cs_out")" "$(num "ring drain" "$c_out")" "(goal >= 0.8)"
ratio "ring drain mixed, Consume<THandler>:" "$(num "ring drain mixed Consume" "$cs_out")" "$(num "ring drain mixed" "$c_out")" ""
ratio "ring drain mixed, ReadAllAsync<Event64>:" "$(num "ring drain mixed ReadAllAsync" "$cs_out")" "$(num "ring drain mixed" "$c_out")" ""
ratio "ring stream, Consume<THandler>:" "$(num "ring stream" "$cs_out")" "$(num "ring stream" "$c_out")" ""
ratio "perf drain, Consume<THandler>:" "$(num "perf drain" "$cs_out")" "$(num "perf drain" "$c_out")" "(goal >= 1.0)"
ratio "perf drain, TryRead:" "$(num "perf drain TryRead" "$cs_out")" "$(num "perf drain" "$c_out")" ""
ratio "perf drain, ReadAllAsync<Event64>:" "$(num "perf drain ReadAllAsync" "$cs_out")" "$(num "perf drain" "$c_out")" ""
ratio "perf stream, Consume<THandler>:" "$(num "perf stream" "$cs_out")" "$(num "perf stream" "$c_out")" ""
ratio "ring latency median, Poll:" "$(num "ring latency" "$cs_out")" "$(num "ring latency" "$c_out")" ""
ratio "ring latency p99, Poll:" "$(p99 "ring latency" "$cs_out")" "$(p99 "ring latency" "$c_out")" ""
ratio "ring latency median, ReadAllAsync:" "$(num "ring latency ReadAllAsync" "$cs_out")" "$(num "ring latency" "$c_out")" ""
ratio "perf latency median, Poll:" "$(num "perf latency" "$cs_out")" "$(num "perf latency" "$c_out")" ""
ratio "perf latency p99, Poll:" "$(p99 "perf latency" "$cs_out")" "$(p99 "perf latency" "$c_out")" ""
echo "allocations on the span paths: ring $(num "ring allocations" "$cs_out") bytes/record, perf $(num "perf allocations" "$cs_out") bytes/record (goal 0)"
echo "load average while running: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this 2-CPU machine skews both sides)"
