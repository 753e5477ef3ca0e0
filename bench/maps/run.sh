#!/usr/bin/env bash
# libbpf (C) and Ebpf.Runtime maps (C#) on the same machine in one run, C first, then C#, then the ratios:
#   update / lookup: single-element ops on a 65,536-entry u32->u64 hash     (throughput C#/C; goal >= 0.95)
#   batch lookup:    the whole map with BPF_MAP_LOOKUP_BATCH                (throughput C#/C; goal >= 0.95)
#   load:            a 20-program object, maps included                     (time C#/C; goal <= 1.10)
#                    BpfObject.Load(BpfObjectFile) vs bpf_object__load (the same spec again, and a spec just read:
#                    the loader prepares each spec once and reuses that), and Load(path) vs open+load.
# Both sides: Stopwatch/clock_gettime loops, best of ROUNDS for ops, mean of LOADS loads.
# Usage: bench/maps/run.sh [OPS (default 1000000)] [ROUNDS (default 5)] [LOADS (default 50)]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ops="${1:-1000000}"; rounds="${2:-5}"; loads="${3:-50}"
out="${TMPDIR:-/tmp}/ebpf-bench-maps"
mkdir -p "$out"

gcc -O2 -Wall -o "$out/map_bench" "$here/c/map_bench.c" -lbpf
clang-14 -O2 -g -target bpf -I "/usr/include/$(uname -m)-linux-gnu" -c "$here/c/twenty.c" -o "$out/twenty.o"
dotnet build "$here/Ebpf.MapsBench" -c Release --artifacts-path "$out/art" -v quiet -nologo >/dev/null
dll="$(find "$out/art/bin/Ebpf.MapsBench" -name Ebpf.MapsBench.dll | head -1)"

c_out="$("$out/map_bench" "$out/twenty.o" "$ops" "$rounds" "$loads")"
cs_out="$(dotnet "$dll" "$out/twenty.o" "$ops" "$rounds" "$loads")"
echo "== libbpf (C)"; echo "$c_out"
echo "== Ebpf.Runtime (C#)"; echo "$cs_out"
num() { grep "^$1:" <<<"$2" | sed -E 's/^[^:]+: +([0-9.]+).*/\1/'; }
echo "== ratios C#/C"
for op in update lookup "batch lookup"; do
  awk -v n="$op" -v a="$(num "$op" "$cs_out")" -v b="$(num "$op" "$c_out")" \
    'BEGIN { printf "%-13s throughput %.3f  (goal >= 0.95)\n", n ":", a / b }'
done
awk -v a="$(num load "$cs_out")" -v b="$(num load "$c_out")" \
  'BEGIN { printf "load:         time %.3f  (Load(BpfObjectFile), same spec again / bpf_object__load; goal <= 1.10)\n", a / b }'
awk -v a="$(num "load fresh spec" "$cs_out")" -v b="$(num load "$c_out")" \
  'BEGIN { printf "load fresh:   time %.3f  (Load(BpfObjectFile), spec just read / bpf_object__load)\n", a / b }'
awk -v a="$(num open+load "$cs_out")" -v b="$(num open+load "$c_out")" \
  'BEGIN { printf "open+load:    time %.3f  (Load(path) / bpf_object__open+load)\n", a / b }'
