#!/usr/bin/env bash
# Compares Btf.Load (C#) with libbpf's btf__parse on the same file in the same run.
# Both read the file and parse it on every iteration; both are warmed up first.
# Usage: bench/run-btf.sh [PATH (default /sys/kernel/btf/vmlinux)] [ITERATIONS (default 300)]
# For BenchmarkDotNet's detailed numbers: dotnet run -c Release --project bench/Ebpf.Benchmarks -- --filter '*Btf*'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
path="${1:-/sys/kernel/btf/vmlinux}"
n="${2:-300}"
out="${TMPDIR:-/tmp}/ebpf-bench-btf"
mkdir -p "$out"

gcc -O2 -o "$out/btf_parse" "$here/c/btf_parse.c" -lbpf
dotnet build "$here/Ebpf.Benchmarks" -c Release --artifacts-path "$out/art" -v quiet -nologo >/dev/null
dll="$(find "$out/art/bin/Ebpf.Benchmarks" -name Ebpf.Benchmarks.dll | head -1)"

c_line="$("$out/btf_parse" "$path" "$n")"
cs_line="$(dotnet "$dll" --quick "$path" "$n")"
echo "$c_line"
echo "$cs_line"
c_ns="$(sed -E 's/.*: ([0-9]+) ns\/op.*/\1/' <<<"$c_line")"
cs_ns="$(sed -E 's/.*: ([0-9]+) ns\/op.*/\1/' <<<"$cs_line")"
awk -v a="$cs_ns" -v b="$c_ns" 'BEGIN { printf "ratio C#/libbpf: %.2f\n", a / b }'
