global using Ebpf.Tests;
global using Ebpf.Native;
