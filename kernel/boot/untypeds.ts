// kernel/boot/untypeds.ts: the root task's untyped memory, as a list of blocks.
//
// Owns: cutting physical memory into the blocks that become the root
// task's untyped capabilities (power-of-two sizes, each aligned to its
// size, at most 2^seL4_MaxUntypedBits), once the boot allocator is done:
//  - free RAM the kernel window reaches: ordinary untyped;
//  - free RAM beyond the window: device untyped, so that it can hold
//    frames but no kernel object (the kernel could not reach the object);
//  - every physical address below 4 GiB that is not RAM, and the whole
//    first MiB (user code scans the BIOS area for the ACPI RSDP): device
//    untyped, except the pages the kernel drives itself (the IOAPIC and
//    the local APIC).
// RAM the boot used (the kernel image, boot modules, the root task's own
// objects) is in neither list. The list is capped at BootInfo's 230
// entries; what does not fit is counted, and the boot log says so.
// Must not: allocate, or hand out anything the kernel uses.
//
// see: seL4 src/kernel/boot.c (create_untypeds, create_untypeds_for_region)
// and src/arch/x86/kernel/boot_sys.c (device regions), facts only.

import { physFreeCount, physFreeBase, physFreeLength, physRamCount, physRamBase, physRamEnd } from "./physmem";
import { KERNEL_WINDOW_SIZE, LOW_MEMORY_END, IOAPIC_PHYS, LAPIC_PHYS } from "../arch/x86/machine.gen";
import { CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS, seL4_MaxUntypedBits, seL4_PageBits } from "../../libs/abi/sel4.gen";

/** The pages of the IOAPIC and the local APIC (their default addresses), which the kernel keeps. */
// @ts-ignore: decorator
@inline const IOAPIC_PAGE: u64 = <u64>IOAPIC_PHYS;
// @ts-ignore: decorator
@inline const LAPIC_PAGE: u64 = <u64>LAPIC_PHYS;
// @ts-ignore: decorator
@inline const PAGE: u64 = 1 << seL4_PageBits;
// @ts-ignore: decorator
@inline const SPACE_END: u64 = <u64>1 << 32;

// One entry per block: /* 0 */ u32 paddr /* 4 */ u8 sizeBits /* 5 */ u8 isDevice /* 6 */ u16 padding
// @ts-ignore: decorator
@inline const ENTRY_SIZE: usize = 8;
const list = memory.data(<i32>(ENTRY_SIZE * CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS), 4);
let count: u32 = 0;
let leftOut: u64 = 0;
let ramBytes: u64 = 0;
let deviceBytes: u64 = 0;

export function untypedCount(): u32 { return count; }
export function untypedPaddr(i: u32): u32 { return i < count ? load<u32>(list + <usize>i * ENTRY_SIZE) : 0; }
export function untypedBits(i: u32): u32 { return i < count ? <u32>load<u8>(list + <usize>i * ENTRY_SIZE, 4) : 0; }
export function untypedDevice(i: u32): bool { return i < count ? load<u8>(list + <usize>i * ENTRY_SIZE, 5) != 0 : false; }
/** Bytes that did not fit in the list. */
export function untypedLeftOut(): u64 { return leftOut; }
/** Bytes of ordinary untyped, and of device untyped, in the list. */
export function untypedRamBytes(): u64 { return ramBytes; }
export function untypedDeviceBytes(): u64 { return deviceBytes; }

/** The largest aligned power-of-two block starting at `base` that fits below `end`, as log2. */
function blockBits(base: u64, end: u64): u32 {
  let bits = seL4_MaxUntypedBits;
  while (bits > seL4_PageBits && ((base & ((<u64>1 << bits) - 1)) != 0 || base + (<u64>1 << bits) > end)) bits--;
  return bits;
}

/** Adds [base, end) (page aligned) as blocks. */
function addRange(base: u64, end: u64, isDevice: bool): void {
  while (base < end) {
    const bits = blockBits(base, end);
    const size: u64 = <u64>1 << bits;
    if (count == CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) {
      leftOut += end - base;
      return;
    }
    const e = list + <usize>count * ENTRY_SIZE;
    store<u32>(e, <u32>base);
    store<u8>(e, <u8>bits, 4);
    store<u8>(e, isDevice ? 1 : 0, 5);
    store<u16>(e, 0, 6);
    count++;
    if (isDevice) deviceBytes += size;
    else ramBytes += size;
    base += size;
  }
}

/**
 * Adds [base, end) below 4 GiB, minus the kernel's own device pages (also
 * when a firmware map calls them RAM).
 */
function addOutsideKernelPages(base: u64, end: u64, isDevice: bool): void {
  if (end > SPACE_END) end = SPACE_END;
  while (base < end) {
    // The next kept page at or after base, if it lies before end.
    let kept = SPACE_END;
    if (IOAPIC_PAGE >= base && IOAPIC_PAGE < kept) kept = IOAPIC_PAGE;
    if (LAPIC_PAGE >= base && LAPIC_PAGE < kept) kept = LAPIC_PAGE;
    const stop = kept < end ? kept : end;
    addRange(base, stop, isDevice);
    base = stop + (kept < end ? PAGE : 0);
  }
}

/** Adds the device space in [base, end). */
function addDevice(base: u64, end: u64): void {
  addOutsideKernelPages(base, end, true);
}

/**
 * Builds the list from the boot allocator's final state. Call once, after
 * the last boot allocation.
 */
export function untypedsBuild(): void {
  count = 0;
  leftOut = 0;
  ramBytes = 0;
  deviceBytes = 0;
  const low: u64 = <u64>LOW_MEMORY_END;
  // Device space, in address order: the first MiB, then the holes between RAM regions.
  addDevice(0, low);
  let cursor = low;
  const n = physRamCount();
  for (let i = 0; i < n; i++) {
    const base = physRamBase(i);
    const end = physRamEnd(i);
    if (end <= cursor) continue;
    if (base > cursor) addDevice(cursor, base);
    cursor = end;
  }
  if (cursor < SPACE_END) addDevice(cursor, SPACE_END);
  // Free RAM: what the window reaches is ordinary, the rest device.
  const window: u64 = <u64>KERNEL_WINDOW_SIZE;
  const m = physFreeCount();
  for (let i = 0; i < m; i++) {
    let base = physFreeBase(i);
    let end = base + physFreeLength(i);
    if (base < low) base = low; // the first MiB went out whole as device memory
    if (end > SPACE_END) end = SPACE_END;
    if (base >= end) continue;
    if (base < window) addOutsideKernelPages(base, end < window ? end : window, false);
    if (end > window) addDevice(base > window ? base : window, end);
  }
}
