// kernel/arch/x86/gdt.ts: the GDT and the TSS.
//
// Owns: the segment descriptors and the one TSS. Segments are flat (base
// 0, limit 4 GiB); paging does all protection. The selector order is what
// sysenter/sysexit require: SYSENTER_CS = kernel code, +8 kernel stack,
// +16 user code, +24 user data.
//
//   selector  index  descriptor
//   0x00      0      null
//   0x08      1      kernel code, DPL 0
//   0x10      2      kernel data/stack, DPL 0
//   0x1B      3      user code, DPL 3
//   0x23      4      user data, DPL 3 (also the kernel's DS/ES)
//   0x28      5      TSS, DPL 0
//   0x33      6      user FS, DPL 3, base 0 (seL4 ia32)
//   0x3B      7      user GS, DPL 3, base = the running thread's TLS base
//                    (kernel/arch/x86/tls.ts rewrites it on a thread switch)
//
// TSS layout used (Intel SDM vol. 3, 7.2.1): 0x04 esp0, 0x08 ss0,
// 0x66 I/O map base (set past the limit: no I/O ports for ring 3). The TSS
// has TSS_PAD unused bytes below it (see there).
// Must not: change esp0 anywhere but tssSetKernelEntry (the scheduler's exit
// path), or entry 7's base anywhere but gdtSetTlsBase (tls.ts).

import { loadGdt, ltr } from "./intrinsics";

export { SEL_KERNEL_CS, SEL_KERNEL_SS, SEL_USER_CS, SEL_USER_DS, SEL_TSS, SEL_USER_FS, SEL_USER_GS } from "./machine.gen";
import { SEL_KERNEL_CS, SEL_KERNEL_SS, SEL_TSS, SEL_USER_FS, SEL_USER_GS } from "./machine.gen";

// @ts-ignore: decorator
@inline const GDT_ENTRIES: u32 = 8;
// @ts-ignore: decorator
@inline const TSS_SIZE: u32 = 104;
// @ts-ignore: decorator
@inline export const TSS_ESP0: usize = 0x04;
// @ts-ignore: decorator
@inline const TSS_SS0: usize = 0x08;
// @ts-ignore: decorator
@inline const TSS_IOMAP: usize = 0x66;

/**
 * Bytes below the TSS that nothing uses: a #DB taken on sysenter_entry's
 * first instruction (a user single-stepping into sysenter) pushes its frame
 * below TSS.esp0, because SYSENTER_ESP points there (boot/trap.S).
 */
// @ts-ignore: decorator
@inline const TSS_PAD: i32 = 64;

const gdt = memory.data(<i32>(GDT_ENTRIES * 8), 16);
const gdtr = memory.data(8, 8);
const tss = memory.data(TSS_PAD + <i32>TSS_SIZE, 16) + TSS_PAD;

// Access bytes: present | DPL | code/data | type.
// @ts-ignore: decorator
@inline const ACCESS_KERNEL_CODE: u32 = 0x9A;
// @ts-ignore: decorator
@inline const ACCESS_KERNEL_DATA: u32 = 0x92;
// @ts-ignore: decorator
@inline const ACCESS_USER_CODE: u32 = 0xFA;
// @ts-ignore: decorator
@inline const ACCESS_USER_DATA: u32 = 0xF2;
// @ts-ignore: decorator
@inline const ACCESS_TSS: u32 = 0x89; // present, 32-bit available TSS

/** The GDT index a selector names. */
// @ts-ignore: decorator
@inline function gdtIndex(selector: u32): u32 { return selector >> 3; }

function setDescriptor(index: u32, base: u32, limit: u32, access: u32, flags: u32): void {
  const d = gdt + <usize>(index * 8);
  store<u16>(d, <u16>(limit & 0xFFFF), 0);
  store<u16>(d, <u16>(base & 0xFFFF), 2);
  store<u8>(d, <u8>((base >> 16) & 0xFF), 4);
  store<u8>(d, <u8>access, 5);
  store<u8>(d, <u8>(((limit >> 16) & 0x0F) | (flags << 4)), 6);
  store<u8>(d, <u8>(base >> 24), 7);
}

/** Builds the GDT and TSS, loads them, and reloads every segment register. */
export function gdtInit(kernelStackTop: u32): void {
  memory.fill(gdt, 0, GDT_ENTRIES * 8);
  memory.fill(tss, 0, TSS_SIZE);
  // Flags 0xC: 4 KiB granularity, 32-bit.
  setDescriptor(1, 0, 0xFFFFF, ACCESS_KERNEL_CODE, 0xC);
  setDescriptor(2, 0, 0xFFFFF, ACCESS_KERNEL_DATA, 0xC);
  setDescriptor(3, 0, 0xFFFFF, ACCESS_USER_CODE, 0xC);
  setDescriptor(4, 0, 0xFFFFF, ACCESS_USER_DATA, 0xC);
  setDescriptor(gdtIndex(SEL_TSS), <u32>tss, TSS_SIZE - 1, ACCESS_TSS, 0x0);
  setDescriptor(gdtIndex(SEL_USER_FS), 0, 0xFFFFF, ACCESS_USER_DATA, 0xC);
  setDescriptor(gdtIndex(SEL_USER_GS), 0, 0xFFFFF, ACCESS_USER_DATA, 0xC);
  tlsBase = 0;
  store<u32>(tss, kernelStackTop, TSS_ESP0);
  store<u32>(tss, SEL_KERNEL_SS, TSS_SS0);
  store<u16>(tss, <u16>TSS_SIZE, TSS_IOMAP);
  store<u16>(gdtr, <u16>(GDT_ENTRIES * 8 - 1), 0);
  store<u32>(gdtr, <u32>gdt, 2);
  loadGdt(gdtr);
  ltr(SEL_TSS);
}

/** Where the CPU (and the sysenter stub) will save the next user entry. */
// @ts-ignore: decorator
@inline export function tssSetKernelEntry(esp0: u32): void {
  store<u32>(tss, esp0, TSS_ESP0);
}

/** The base in GDT entry 7, kept whole so a thread switch compares one word. */
let tlsBase: u32 = 0;

/**
 * Sets the base of GDT entry 7 (SEL_USER_GS), the TLS segment. The CPU
 * reads a descriptor only when a selector is loaded: the caller reloads GS.
 */
// @ts-ignore: decorator
@inline export function gdtSetTlsBase(base: u32): void {
  const d = gdt + <usize>(gdtIndex(SEL_USER_GS) * 8);
  store<u16>(d, <u16>(base & 0xFFFF), 2);
  store<u8>(d, <u8>((base >> 16) & 0xFF), 4);
  store<u8>(d, <u8>(base >> 24), 7);
  tlsBase = base;
}

/** The base GDT entry 7 holds now. */
// @ts-ignore: decorator
@inline export function gdtTlsBase(): u32 {
  return tlsBase;
}

/** The address of TSS.esp0, for SYSENTER_ESP. */
export function tssEsp0Address(): u32 {
  return <u32>(tss + TSS_ESP0);
}
