#!/usr/bin/env bash
# Compares Ebpf.Object.Btf with libbpf (btf__parse / btf__new) on the same BTF file in one run.
#   file:   Btf.Load(path)     vs btf__parse(path)   -- both read the file on every iteration
#   memory: Btf.Parse(bytes)   vs btf__new(buf, sz)  -- file read once; both copy the bytes and index them
# Both sides warm up first and free each instance at once (Dispose / btf__free).
# Usage: bench/btf/run.sh [PATH (default /sys/kernel/btf/vmlinux)] [ITERATIONS (default 300)]
# BenchmarkDotNet numbers: dotnet run -c Release --project bench/btf/Ebpf.BtfBench -- --filter '*Btf*'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
path="${1:-/sys/kernel/btf/vmlinux}"
n="${2:-300}"
out="${TMPDIR:-/tmp}/ebpf-bench-btf"
mkdir -p "$out"

gcc -O2 -Wall -o "$out/btf_parse" "$here/c/btf_parse.c" -lbpf
dotnet build "$here/Ebpf.BtfBench" -c Release --artifacts-path "$out/art" -v quiet -nologo >/dev/null
dll="$(find "$out/art/bin/Ebpf.BtfBench" -name Ebpf.BtfBench.dll | head -1)"

c_out="$("$out/btf_parse" "$path" "$n")"
cs_out="$(dotnet "$dll" --quick "$path" "$n")"
echo "$c_out"
echo "$cs_out"
ns() { grep "$1" <<<"$2" | sed -E 's/.*: +([0-9]+) ns\/op.*/\1/'; }
awk -v a="$(ns file "$cs_out")" -v b="$(ns file "$c_out")" 'BEGIN { printf "ratio C#/libbpf, file read included (Btf.Load / btf__parse): %.2f\n", a / b }'
awk -v a="$(ns memory "$cs_out")" -v b="$(ns memory "$c_out")" 'BEGIN { printf "ratio C#/libbpf, bytes in memory (Btf.Parse / btf__new):    %.2f\n", a / b }'
