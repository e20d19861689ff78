// kernel/arch/x86/kernel-window.ts: the kernel's own mappings after boot.
//
// Owns: turning boot/entry.S's early page directory into the kernel's:
//  - the first 4 MiB of the window get a 4 KiB page table, so the kernel
//    image (text and rodata, up to __kernel_ro_end) is read-only with
//    CR0.WP on, while low memory (BIOS data, VGA) stays writable;
//  - the rest of the window stays in global 4 MiB pages;
//  - the temporary identity map of physical 0-4 MiB is removed, so page 0
//    is unmapped for the kernel too;
//  - the last 4 MiB (KERNEL_DEVICE_REGION, after the window) get the
//    device page table: the local APIC and the IOAPICs at KERNEL_LAPIC_VADDR
//    and KERNEL_IOAPIC_VADDR, uncached, as seL4 ia32 maps them at
//    PPTR_KDEV; and, at its start, boot-time scratch pages through which
//    the kernel reads ACPI tables that lie beyond the window.
// Every user page directory copies the window's PDEs (from KERNEL_VBASE up) from this one.
// Also window(): where the kernel reads and writes physical memory (phys +
// KERNEL_VBASE), for every caller outside vspace.ts (which has its own,
// movable window so that Node tests can stand in for physical memory).
// PTE/PDE bits (Intel SDM vol. 3, 4.3): 0 present, 1 write, 2 user, 7 PS, 8 global.
// Must not: map anything for user mode.

import { KERNEL_VBASE, PAGE_BITS, PAGE_SIZE, LARGE_PAGE_BITS, KERNEL_WINDOW_SIZE } from "./machine.gen";
import { vspaceInit } from "./vspace";
import { kernelLayout, readCr4, writeCr4, readCr3, writeCr3, invlpg, LAYOUT_IMAGE_START, LAYOUT_RO_END, LAYOUT_BOOT_PD } from "./intrinsics";

export { KERNEL_VBASE } from "./machine.gen";

/** The last 4 MiB of the address space, right after the window: one page table of the devices the kernel drives. */
// @ts-ignore: decorator
@inline export const KERNEL_DEVICE_REGION: u32 = KERNEL_VBASE + KERNEL_WINDOW_SIZE;

/** The kernel-virtual address of physical `phys` (which must lie inside the window). */
// @ts-ignore: decorator
@inline export function window(phys: u32): usize {
  return <usize>(phys + KERNEL_VBASE);
}

// @ts-ignore: decorator
@inline const PTE_PRESENT: u32 = 1 << 0;
// @ts-ignore: decorator
@inline const PTE_WRITE: u32 = 1 << 1;
// @ts-ignore: decorator
@inline const PTE_GLOBAL: u32 = 1 << 8;
// @ts-ignore: decorator
@inline const CR4_PGE: u32 = 1 << 7;

// @ts-ignore: decorator
@inline const PTE_WRITE_THROUGH: u32 = 1 << 3;
// @ts-ignore: decorator
@inline const PTE_CACHE_DISABLE: u32 = 1 << 4;

const lowTable = memory.data(PAGE_SIZE, PAGE_SIZE);
/** The page table of the last 4 MiB: the kernel's device mappings (kernelMapDevice). */
const deviceTable = memory.data(PAGE_SIZE, PAGE_SIZE);

/** The physical address of the kernel's page directory. */
export function kernelPageDirectory(): u32 {
  return <u32>kernelLayout(LAYOUT_BOOT_PD) - KERNEL_VBASE;
}

export function kernelWindowInit(): void {
  const roStart = <u32>kernelLayout(LAYOUT_IMAGE_START) - KERNEL_VBASE;
  const roEnd = <u32>kernelLayout(LAYOUT_RO_END) - KERNEL_VBASE;
  for (let i: u32 = 0; i < 1024; i++) {
    const phys = i << PAGE_BITS;
    const readOnly = phys >= roStart && phys < roEnd;
    store<u32>(lowTable + <usize>(i * 4), phys | PTE_PRESENT | PTE_GLOBAL | (readOnly ? 0 : PTE_WRITE));
  }
  const pd = <usize>kernelLayout(LAYOUT_BOOT_PD);
  store<u32>(pd + <usize>(KERNEL_VBASE >> LARGE_PAGE_BITS) * 4, (<u32>lowTable - KERNEL_VBASE) | PTE_PRESENT | PTE_WRITE);
  store<u32>(pd + <usize>(KERNEL_DEVICE_REGION >> LARGE_PAGE_BITS) * 4, (<u32>deviceTable - KERNEL_VBASE) | PTE_PRESENT | PTE_WRITE);
  store<u32>(pd, 0); // the identity map from boot/entry.S
  // Global entries survive a CR3 reload; toggling CR4.PGE flushes them too.
  const cr4 = readCr4();
  writeCr4(cr4 & ~CR4_PGE);
  writeCr3(readCr3());
  writeCr4(cr4);
  // This directory is now the kernel's: every page directory retyped from
  // untyped memory copies its window entries from it (vspace.ts pdInit).
  vspaceInit();
}

/**
 * Maps physical page `phys` at kernel address `vaddr` inside the device
 * region (KERNEL_DEVICE_REGION and up), read-write and global; `uncached`
 * for device registers. Replaces what was there (the TLB entry too).
 */
export function kernelMapDevice(vaddr: u32, phys: u32, uncached: bool): void {
  const index = (vaddr - KERNEL_DEVICE_REGION) >> PAGE_BITS;
  if (vaddr < KERNEL_DEVICE_REGION || index >= 1024) return;
  const bits = PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | (uncached ? PTE_CACHE_DISABLE | PTE_WRITE_THROUGH : 0);
  store<u32>(deviceTable + <usize>(index * 4), (phys & ~(PAGE_SIZE - 1)) | bits);
  invlpg(vaddr);
}
