// kernel/arch/x86/context.ts: a new thread's saved user context (seL4's Arch_initContext).
//
// Owns: the values a TCB retyped from untyped memory starts with, before
// anyone writes its registers: the user code and stack selectors (an iret
// with CS or SS 0 is a #GP in the kernel), EFLAGS with IF and the reserved
// bit 1 (0x202), and the iret exit (vector 0), as seL4 ia32's
// Arch_initContext sets them. Every other register stays 0.
// Must not: touch anything but the context's words (the object is already zeroed).

import { CTX_EFLAGS, CTX_CS, CTX_SS, CTX_VECTOR, EFLAGS_IF, EFLAGS_RESERVED1, SEL_USER_CS, SEL_USER_DS } from "./machine.gen";

/** Initialises the saved context of the thread `t` (the TCB's thread part, kernel address). */
export function archInitContext(t: usize): void {
  store<u32>(t, SEL_USER_CS, CTX_CS);
  store<u32>(t, SEL_USER_DS, CTX_SS);
  store<u32>(t, EFLAGS_IF | EFLAGS_RESERVED1, CTX_EFLAGS);
  store<u32>(t, 0, CTX_VECTOR); // leave by iret the first time
}
