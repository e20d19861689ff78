// kernel/bench.ts: the address-space switch benchmark (kernel command line `bench`).
//
// Owns: measuring a CR3 write plus the TLB refill of TOUCH_PAGES user
// pages, alternating between two address spaces built for the purpose.
// Each sample is cpuid; rdtsc; cpuid, `mov %eax, %cr3` and one load per
// page, cpuid; rdtsc; cpuid (the benchCr3Switch intrinsic); the overhead is
// the stamps with nothing between them. Under TCG with -icount the result
// is the instruction count (the write and the loads: 5); the TLB refill
// only shows as cycles on real hardware or KVM. Results are printed
// as "bench: <name> <min> <median> <max>" for build/bench.ts. Under TCG
// with -icount shift=0 they count guest instructions, so the TLB refill
// itself costs nothing there; on real hardware (KVM) they are cycles.
// Must not: run unless asked for; it allocates pages it never frees.

import { writeCr3, benchCr3Switch, benchCr3SwitchNop } from "./arch/x86/intrinsics";
import { PAGE_BITS } from "./arch/x86/machine.gen";
import { pdInit, PAGE_USER, PAGE_WRITE } from "./arch/x86/vspace";
import { kernelPageDirectory } from "./arch/x86/kernel-window";
import { allocZeroedPage, mapFreshPage } from "./arch/x86/pages";
import { puts, putNewline } from "./console";
import { putDec } from "./lib/format";

// @ts-ignore: decorator
@inline const TOUCH_PAGES: u32 = 4;
// @ts-ignore: decorator
@inline const TOUCH_BASE: u32 = 0x10000000;
// @ts-ignore: decorator
@inline const WARMUP: i32 = 16;
// @ts-ignore: decorator
@inline const SAMPLES: i32 = 64;

const samples = memory.data(SAMPLES * 8);

function space(): u32 {
  const pd = allocZeroedPage();
  if (pd == 0) return 0;
  pdInit(pd, kernelPageDirectory());
  for (let i: u32 = 0; i < TOUCH_PAGES; i++) {
    if (mapFreshPage(pd, TOUCH_BASE + (i << PAGE_BITS), PAGE_USER | PAGE_WRITE) == 0) return 0;
  }
  return pd;
}

function report(name: string): void {
  for (let i = 1; i < SAMPLES; i++) {
    const v = load<u64>(samples + i * 8);
    let j = i - 1;
    while (j >= 0 && load<u64>(samples + j * 8) > v) {
      store<u64>(samples + (j + 1) * 8, load<u64>(samples + j * 8));
      j--;
    }
    store<u64>(samples + (j + 1) * 8, v);
  }
  puts("bench: ");
  puts(name);
  puts(" ");
  putDec(load<u64>(samples));
  puts(" ");
  putDec(load<u64>(samples + (SAMPLES / 2) * 8));
  puts(" ");
  putDec(load<u64>(samples + (SAMPLES - 1) * 8));
  putNewline();
}

export function benchAddressSpaceSwitch(): void {
  const a = space();
  const b = space();
  if (a == 0 || b == 0) {
    puts("bench: vspace-switch: out of memory");
    putNewline();
    return;
  }
  writeCr3(a);
  for (let i = -WARMUP; i < SAMPLES; i++) {
    const t = benchCr3SwitchNop(i & 1 ? a : b, TOUCH_BASE);
    if (i >= 0) store<u64>(samples + i * 8, t);
  }
  report("vspace-switch-overhead");
  for (let i = -WARMUP; i < SAMPLES; i++) {
    const t = benchCr3Switch(i & 1 ? a : b, TOUCH_BASE);
    if (i >= 0) store<u64>(samples + i * 8, t);
  }
  report("vspace-switch-raw");
  writeCr3(kernelPageDirectory());
}
