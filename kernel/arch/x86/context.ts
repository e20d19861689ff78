// kernel/arch/x86/context.ts: a new thread's saved user context (seL4's Arch_initContext).
//
// Owns: the values a TCB retyped from untyped memory starts with, before
// anyone writes its registers: the user code and stack selectors (an iret
// with CS or SS 0 is a #GP in the kernel), EFLAGS with IF and the reserved
// bit 1 (0x202), and the iret exit (vector 0), as seL4 ia32's
// Arch_initContext sets them. Every other register stays 0.
// Also owns sanitiseEflags: what of a user-supplied EFLAGS value a thread
// may run with (TCB_WriteRegisters, a fault handler's reply).
// Must not: touch anything but the context's words (the object is already zeroed).

import { CTX_EFLAGS, CTX_CS, CTX_SS, CTX_VECTOR, EFLAGS_IF, EFLAGS_RESERVED1, EFLAGS_ID, SEL_USER_CS, SEL_USER_DS } from "./machine.gen";

// @ts-ignore: decorator
@inline const EFLAGS_AC: u32 = 1 << 18;
/** The flags a user may set in its eflags: CF, PF, AF, ZF, SF, DF, OF (bits 0..11 but TF, IF, IOPL), AC and ID. */
// @ts-ignore: decorator
@inline const EFLAGS_USER_MASK: u32 = 0xCD5 | EFLAGS_AC | EFLAGS_ID;

/** A user-supplied EFLAGS, sanitised as seL4 does: IF and bit 1 set; no IOPL, TF, NT, RF or VM. */
// @ts-ignore: decorator
@inline export function sanitiseEflags(v: u32): u32 {
  return (v & EFLAGS_USER_MASK) | EFLAGS_IF | EFLAGS_RESERVED1;
}

/** Initialises the saved context of the thread `t` (the TCB's thread part, kernel address). */
export function archInitContext(t: usize): void {
  store<u32>(t, SEL_USER_CS, CTX_CS);
  store<u32>(t, SEL_USER_DS, CTX_SS);
  store<u32>(t, EFLAGS_IF | EFLAGS_RESERVED1, CTX_EFLAGS);
  store<u32>(t, 0, CTX_VECTOR); // leave by iret the first time
}
