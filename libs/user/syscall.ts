// libs/user/syscall.ts: the one place a user program enters the kernel.
//
// Owns: the `sysenter` intrinsic (build/intrinsics.ts) and the static
// 5-word register block it reads and writes: eax, ebx, esi, edi, ebp in,
// the same registers out after sysexit. Every system call of the user
// library (ipc.ts, sys.ts) goes through syscall() below.
// Must not: keep state beyond that block, or know any system call number.

// @ts-ignore: decorator
@external("x86", "sysenter") declare function sysenter(block: usize): void;

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

/** eax, ebx, esi, edi, ebp: in before syscall(), out after. */
export const regs = memory.data(20, 4);

/** Raw system call: returns eax; ebx, esi, edi and ebp come back in `regs`. */
export function syscall(number: i32, ebx: u32, esi: u32, edi: u32, ebp: u32): u32 {
  store<u32>(regs, <u32>number, REG_EAX);
  store<u32>(regs, ebx, REG_EBX);
  store<u32>(regs, esi, REG_ESI);
  store<u32>(regs, edi, REG_EDI);
  store<u32>(regs, ebp, REG_EBP);
  sysenter(regs);
  return load<u32>(regs, REG_EAX);
}
