#!/usr/bin/env bash
# The compiler benchmark (issue 5): the programs of programs.c built by clang-14 -O2 against their C# twins compiled by
# Ebpf.Compiler, in one process: instructions, xlated instructions, jited bytes and TestRun ns per packet, C# over C
# (goals: <= 1.25 instructions, <= 1.10 run time). C# programs the compiler cannot handle yet are listed, not fatal.
# Usage (root): bench/compiler/run.sh [--repeat N (default 200000)] [--rounds R (default 51)]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/ebpf-bench-compiler"
mkdir -p "$out"

if [ "$(id -u)" -ne 0 ]; then echo "run.sh: loading BPF programs needs root" >&2; exit 1; fi
command -v clang-14 >/dev/null || { echo "run.sh: clang-14 missing: apt-get install -y clang-14 libbpf-dev" >&2; exit 1; }
[ -e /usr/include/bpf/bpf_helpers.h ] || { echo "run.sh: libbpf headers missing: apt-get install -y libbpf-dev" >&2; exit 1; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# The C side only; the product never uses clang.
clang-14 -O2 -g -target bpf -mcpu=v3 -Wall -I "/usr/include/$(uname -m)-linux-gnu" -c "$here/programs.c" -o "$out/programs.o"
# Release: the compiler reads the C# twins' IL from this build, and users ship Release builds.
if ! log="$(dotnet build "$here/Ebpf.CompilerBench" -c Release --artifacts-path "$out/art" -nologo -v quiet 2>&1)"; then
  echo "$log" | grep -E 'error|Error' | sort -u >&2
  echo "run.sh: the benchmark did not build (see above)" >&2
  exit 1
fi
rc=0
dotnet "$out/art/bin/Ebpf.CompilerBench/release/Ebpf.CompilerBench.dll" "$out/programs.o" --objects "$out" "$@" || rc=$?
echo "objects to compare: llvm-objdump-14 -d $out/programs.o and $out/NAME.cs.o"
exit $rc
