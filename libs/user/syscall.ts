// libs/user/syscall.ts: the one place a user program enters the kernel.
//
// Owns: the `sysenter` intrinsic (build/intrinsics.ts) and the calling
// thread's 5-word register block it reads and writes: eax, ebx, esi, edi,
// ebp in, the same registers out after sysexit. The block is one of the
// thread's control words below its thread pointer (%gs:0; layout in
// libs/abi/layout.def.ts TLS_BLOCK, set up by build/rt/user-rt.c for the
// first thread and by libs/user/thread.ts for the others), so threads of
// one program never share it. Every system call of the user library
// (ipc.ts, sys.ts) goes through syscall() below.
// Must not: keep state beyond that block, or know any system call number.

import { TLS_REGS, TLS_IPC_BUFFER, TLS_SELF } from "../abi/layout.gen";

// @ts-ignore: decorator
@external("x86", "sysenter") declare function sysenter(block: usize): void;
// @ts-ignore: decorator
@external("x86", "readGs32") declare function readGs32(offset: u32): u32;

/** The calling thread's thread pointer: the address of its TLS_SELF word. */
// @ts-ignore: decorator
@inline export function threadPointer(): usize {
  return <usize>readGs32(0);
}

/** The address of the calling thread's control words (TLS_BLOCK). */
// @ts-ignore: decorator
@inline export function threadBlock(): usize {
  return threadPointer() - TLS_SELF;
}

/** The calling thread's IPC buffer address, from its control words. */
// @ts-ignore: decorator
@inline export function threadIpcBuffer(): usize {
  return <usize>readGs32(<u32>(TLS_IPC_BUFFER - TLS_SELF));
}

/** Byte offsets of the registers in `regs`. */
// @ts-ignore: decorator
@inline export const REG_EAX: usize = 0;
// @ts-ignore: decorator
@inline export const REG_EBX: usize = 4;
// @ts-ignore: decorator
@inline export const REG_ESI: usize = 8;
// @ts-ignore: decorator
@inline export const REG_EDI: usize = 12;
// @ts-ignore: decorator
@inline export const REG_EBP: usize = 16;

/** The calling thread's eax, ebx, esi, edi, ebp: in before syscall(), out after. */
// @ts-ignore: decorator
@inline export function sysRegs(): usize {
  return threadBlock() + TLS_REGS;
}

/** Raw system call: returns eax; ebx, esi, edi and ebp come back in sysRegs(). */
export function syscall(number: i32, ebx: u32, esi: u32, edi: u32, ebp: u32): u32 {
  const regs = sysRegs();
  store<u32>(regs, <u32>number, REG_EAX);
  store<u32>(regs, ebx, REG_EBX);
  store<u32>(regs, esi, REG_ESI);
  store<u32>(regs, edi, REG_EDI);
  store<u32>(regs, ebp, REG_EBP);
  sysenter(regs);
  return load<u32>(regs, REG_EAX);
}
