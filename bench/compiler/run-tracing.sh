#!/usr/bin/env bash
# The tracing samples (samples/OpenSnoop, ExecSnoop, TcpConnect, RunQLat, BashReadline) against their C twins (tests/fixtures, clang-14 -O2):
# instructions C#/C (goal <= 1.25), and xlated, jited and verified sizes once loaded. Usage (root): bench/compiler/run-tracing.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/ebpf-bench-compiler"
if [ "$(id -u)" -ne 0 ]; then echo "run-tracing.sh: loading BPF programs needs root" >&2; exit 1; fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
make -s -C "$here/../../tests/fixtures" out/opensnoop.o out/execsnoop.o out/tcpconnect.o out/runqlat.o out/bashreadline.o
if ! log="$(dotnet build "$here/Ebpf.CompilerBench" -c Release --artifacts-path "$out/art" -nologo -v quiet 2>&1)"; then
  echo "$log" | grep -E 'error|Error' | sort -u >&2
  echo "run-tracing.sh: the benchmark did not build (see above)" >&2
  exit 1
fi
dotnet "$out/art/bin/Ebpf.CompilerBench/release/Ebpf.CompilerBench.dll" --tracing "$here/../../tests/fixtures/out"
