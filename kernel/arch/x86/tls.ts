// kernel/arch/x86/tls.ts: each thread's TLS segment (seL4 ia32: %gs).
//
// Owns: the TLS base field of a TCB (TCB_TLS_BASE, kernel/object/tcb.ts)
// and keeping GDT entry 7 (SEL_USER_GS) and the FS/GS registers right for
// the running thread. User code runs with FS = SEL_USER_FS (entry 6, base 0)
// and GS = SEL_USER_GS, whose base is the thread's TLS base, so %gs:0 is
// its thread pointer (i386 TLS variant II).
// The entry paths (boot/trap.S) neither save nor load FS and GS, and the
// kernel never uses them; a thread switch fixes them up here instead:
// entry 7 is rewritten (and GS reloaded, which refreshes the CPU's copy of
// the descriptor) only when the new thread's base differs from the one
// loaded, and a selector the previous thread changed is put back. A system
// call that returns to its caller runs none of this.
// Must not: run on the system call return path, or depend on FS/GS in
// kernel mode.

import { readFs, readGs, writeFs, writeGs } from "./intrinsics";
import { gdtSetTlsBase, gdtTlsBase, SEL_USER_FS, SEL_USER_GS } from "./gdt";
import { TCB_TLS_BASE } from "../../object/tcb";
import { currentThread } from "../../sched/scheduler";

/** Thread `t`'s TLS base. */
// @ts-ignore: decorator
@inline export function tcbTlsBase(t: usize): u32 {
  return load<u32>(t, TCB_TLS_BASE);
}

/**
 * The scheduler switches to `t`: GDT entry 7 gets `t`'s TLS base if it
 * holds another, and FS/GS hold the user selectors (a thread may have
 * loaded others; they are not part of its saved context).
 */
// @ts-ignore: decorator
@inline export function tlsSwitchTo(t: usize): void {
  const base = load<u32>(t, TCB_TLS_BASE);
  if (base != gdtTlsBase()) {
    gdtSetTlsBase(base);
    writeGs(SEL_USER_GS);
  } else if (readGs() != SEL_USER_GS) {
    writeGs(SEL_USER_GS);
  }
  if (readFs() != SEL_USER_FS) writeFs(SEL_USER_FS);
}

/**
 * Sets thread `t`'s TLS base (the SetTLSBase system call for the caller,
 * and TCB_SetTLSBase for any thread). The running thread's segment changes
 * at once; another thread's at its next switch.
 */
export function tcbSetTlsBase(t: usize, base: u32): void {
  store<u32>(t, base, TCB_TLS_BASE);
  if (t == currentThread()) tlsSwitchTo(t);
}
