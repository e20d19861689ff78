// userland/bench/main.ts: the system-call benchmark (DESIGN.md, sel4bench's method).
//
// Measures one BenchmarkNullSyscall, sysenter to sysexit through the
// kernel, with cpuid; rdtsc; cpuid on both sides; the same sequence with
// the sysenter replaced by a 2-byte NOP is the overhead. 16 warm-up runs,
// then SAMPLES of each; prints min, median and max of both on the console
// as "bench: <name> <min> <median> <max>" for build/bench.ts to read.
// Under TCG with -icount shift=0 the numbers are guest instructions.

import { print, printLine, printDec, nameThread, startRegister } from "../../libs/user/sys";
import { initFromBootInfo } from "../../libs/user/bootinfo";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "benchNullSyscall") declare function benchNullSyscall(): u64;
// @ts-ignore: decorator
@external("x86", "benchNullSyscallNop") declare function benchNullSyscallNop(): u64;

// @ts-ignore: decorator
@inline const WARMUP: i32 = 16;
// @ts-ignore: decorator
@inline const SAMPLES: i32 = 64;

const samples = memory.data(SAMPLES * 4);

function sortSamples(): void {
  for (let i = 1; i < SAMPLES; i++) {
    const v = load<u32>(samples + i * 4);
    let j = i - 1;
    while (j >= 0 && load<u32>(samples + j * 4) > v) {
      store<u32>(samples + (j + 1) * 4, load<u32>(samples + j * 4));
      j--;
    }
    store<u32>(samples + (j + 1) * 4, v);
  }
}

function report(name: string): void {
  sortSamples();
  print("bench: ");
  print(name);
  print(" ");
  printDec(load<u32>(samples));
  print(" ");
  printDec(load<u32>(samples + (SAMPLES / 2) * 4));
  print(" ");
  printDec(load<u32>(samples + (SAMPLES - 1) * 4));
  printLine("");
}

export function main(): u32 {
  // The benchmark runs as the root task (boot module 0): BootInfo says where its IPC buffer is.
  if (startRegister() != 0) initFromBootInfo(<usize>startRegister());
  nameThread("bench");
  for (let i = 0; i < WARMUP; i++) {
    benchNullSyscall();
    benchNullSyscallNop();
  }
  for (let i = 0; i < SAMPLES; i++) store<u32>(samples + i * 4, <u32>benchNullSyscall());
  report("null-syscall-raw");
  for (let i = 0; i < SAMPLES; i++) store<u32>(samples + i * 4, <u32>benchNullSyscallNop());
  report("null-syscall-overhead");
  return 0;
}
