// test/kernel/fpu.entry.ts: the wasm entry for test/unit/fpu.test.ts.
//
// Owns: re-exports of the lazy FPU switch (kernel/arch/x86/fpu.ts) and the
// TLS segment (kernel/arch/x86/tls.ts, kernel/arch/x86/gdt.ts), and a pool
// of fake TCBs in static memory (TCB_SIZE-aligned, as real ones are).
// Must not: move FPU state or write a TLS base itself: the test drives the
// kernel's own functions and looks at the mocked CPU (test/helpers/kernel-wasm.ts).

import { TCB_SIZE, TCB_FPU_STATE, TCB_FPU_FLAGS, TCB_TLS_BASE } from "../../kernel/object/tcb";

export { fpuInit, fpuSwitchTo, fpuDeviceNotAvailable, fpuThreadGone, fpuOwner, fpuTrapCount, fpuSaveCount } from "../../kernel/arch/x86/fpu";
export { tlsSwitchTo, tcbSetTlsBase, tcbTlsBase } from "../../kernel/arch/x86/tls";
export { gdtInit, gdtTlsBase } from "../../kernel/arch/x86/gdt";

// @ts-ignore: decorator
@inline const FAKE_TCB_COUNT: i32 = 4;

const pool = memory.data(FAKE_TCB_COUNT * <i32>TCB_SIZE, <i32>TCB_SIZE);

export function fakeTcb(i: i32): usize {
  return pool + <usize>i * TCB_SIZE;
}

export function fakeTcbsClear(): void {
  memory.fill(pool, 0, <usize>FAKE_TCB_COUNT * TCB_SIZE);
}

export function fpuStateOffset(): usize {
  return TCB_FPU_STATE;
}

export function fpuFlagsOffset(): usize {
  return TCB_FPU_FLAGS;
}

export function tlsBaseOffset(): usize {
  return TCB_TLS_BASE;
}
