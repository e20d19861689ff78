// kernel/boot/bootinfo.ts: the root task's seL4_BootInfo page and its extra chunks.
//
// Owns: writing seL4's ia32 BootInfo (libs/abi/sel4.def.ts BI_*: 1924
// bytes, the slot regions, the untyped list) into the BootInfo frame, and
// the extra BootInfo that follows it one page later: a chain of
// {u32 id; u32 len} chunks (len includes the header), with
//  - SEL4_BOOTINFO_HEADER_X86_TSC_FREQ: the TSC's frequency in MHz (u32);
//    seL4's x86 test driver refuses to run without it;
//  - SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP: a copy of the ACPI RSDP
//    (ACPI_RSDP_SIZE bytes, seL4's acpi_rsdp_t), when the BIOS area has one.
// Must not: create capabilities (kernel/boot/root-task.ts does, and tells
// this file the slot numbers).
//
// see: seL4 libsel4/include/sel4/bootinfo_types.h, src/kernel/boot.c
// (populate_bi_frame), src/arch/x86/kernel/boot_sys.c (extra BootInfo),
// facts only.

import {
  BI_EXTRA_LEN, BI_NODE_ID, BI_NUM_NODES, BI_NUM_IOPT_LEVELS, BI_IPC_BUFFER, BI_EMPTY, BI_SHARED_FRAMES,
  BI_USER_IMAGE_FRAMES, BI_USER_IMAGE_PAGING, BI_IO_SPACE_CAPS, BI_EXTRA_BI_PAGES, BI_INIT_THREAD_CNODE_SIZE_BITS,
  BI_INIT_THREAD_DOMAIN, BI_UNTYPED, BI_UNTYPED_LIST, BI_SIZE, BI_HEADER_ID, BI_HEADER_LEN, BI_HEADER_SIZE,
  UNTYPED_DESC_PADDR, UNTYPED_DESC_SIZE_BITS, UNTYPED_DESC_IS_DEVICE, UNTYPED_DESC_SIZE,
  SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP, CONFIG_ROOT_CNODE_SIZE_BITS,
  ACPI_RSDP_SIZE, ACPI_RSDP_LENGTH,
} from "../../libs/abi/sel4.gen";
import { window } from "../arch/x86/kernel-window";
import { LOW_MEMORY_END, BIOS_AREA_PHYS } from "../arch/x86/machine.gen";

/** The slot regions of BootInfo, {start, end} each (end exclusive). */
export enum BiRegion {
  Empty = 0,
  SharedFrames = 1,
  UserImageFrames = 2,
  UserImagePaging = 3,
  IoSpaceCaps = 4,
  ExtraBiPages = 5,
  Untyped = 6,
}

function regionOffset(r: BiRegion): usize {
  switch (r) {
    case BiRegion.Empty: return BI_EMPTY;
    case BiRegion.SharedFrames: return BI_SHARED_FRAMES;
    case BiRegion.UserImageFrames: return BI_USER_IMAGE_FRAMES;
    case BiRegion.UserImagePaging: return BI_USER_IMAGE_PAGING;
    case BiRegion.IoSpaceCaps: return BI_IO_SPACE_CAPS;
    case BiRegion.ExtraBiPages: return BI_EXTRA_BI_PAGES;
    default: return BI_UNTYPED;
  }
}

/** Starts a BootInfo page at kernel address `bi` (zeroed): one node, no IOMMU, the root CNode's size, the IPC buffer. */
export function bootInfoInit(bi: usize, ipcBufferVaddr: u32): void {
  memory.fill(bi, 0, BI_SIZE);
  store<u32>(bi, 0, BI_NODE_ID);
  store<u32>(bi, 1, BI_NUM_NODES);
  store<u32>(bi, 0, BI_NUM_IOPT_LEVELS);
  store<u32>(bi, ipcBufferVaddr, BI_IPC_BUFFER);
  store<u32>(bi, CONFIG_ROOT_CNODE_SIZE_BITS, BI_INIT_THREAD_CNODE_SIZE_BITS);
  store<u32>(bi, 0, BI_INIT_THREAD_DOMAIN);
}

export function bootInfoSetRegion(bi: usize, r: BiRegion, start: u32, end: u32): void {
  const at = bi + regionOffset(r);
  store<u32>(at, start);
  store<u32>(at, end, 4);
}

/** The number of slots in region `r`. */
export function bootInfoRegionSize(bi: usize, r: BiRegion): u32 {
  const at = bi + regionOffset(r);
  return load<u32>(at, 4) - load<u32>(at);
}

/** Untyped descriptor `i` (its capability is slot untyped.start + i). */
export function bootInfoSetUntyped(bi: usize, i: u32, paddr: u32, sizeBits: u32, isDevice: bool): void {
  const d = bi + BI_UNTYPED_LIST + <usize>i * UNTYPED_DESC_SIZE;
  store<u32>(d + UNTYPED_DESC_PADDR, paddr);
  store<u8>(d + UNTYPED_DESC_SIZE_BITS, <u8>sizeBits);
  store<u8>(d + UNTYPED_DESC_IS_DEVICE, isDevice ? 1 : 0);
}

export function bootInfoSetExtraLength(bi: usize, bytes: u32): void {
  store<u32>(bi, bytes, BI_EXTRA_LEN);
}

// ── Extra BootInfo ───────────────────────────────────────────────────

/** Bytes of the TSC-frequency chunk. */
// @ts-ignore: decorator
@inline export const EXTRA_TSC_SIZE: u32 = <u32>BI_HEADER_SIZE + 4;
/** The RSDP chunk: the header, then a copy of seL4's acpi_rsdp_t (ACPI_RSDP_*). */
// @ts-ignore: decorator
@inline export const EXTRA_RSDP_SIZE: u32 = <u32>BI_HEADER_SIZE + <u32>ACPI_RSDP_SIZE;

/** Writes a chunk header at `at`. */
export function extraHeader(at: usize, id: u32, length: u32): void {
  store<u32>(at + BI_HEADER_ID, id);
  store<u32>(at + BI_HEADER_LEN, length);
}

/** The TSC-frequency chunk at `at`; returns its length. */
export function extraTsc(at: usize, mhz: u32): u32 {
  extraHeader(at, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, EXTRA_TSC_SIZE);
  store<u32>(at + BI_HEADER_SIZE, mhz);
  return EXTRA_TSC_SIZE;
}

/** Where the BIOS may keep the RSDP: the read-only BIOS area (ACPI 6.4, 5.2.5.1). */
// @ts-ignore: decorator
@inline const BIOS_AREA_START: u32 = BIOS_AREA_PHYS;
// @ts-ignore: decorator
@inline const BIOS_AREA_END: u32 = LOW_MEMORY_END;
/** ACPI 1.0's RSDP ends where the 2.0 fields begin; its bytes sum to 0 mod 256. */
// @ts-ignore: decorator
@inline const RSDP_V1_SIZE: u32 = <u32>ACPI_RSDP_LENGTH;

/** The physical address of the RSDP in the BIOS area ("RSD PTR ", 16-byte aligned, checksum good), or 0. */
export function findRsdp(): u32 {
  for (let p = BIOS_AREA_START; p < BIOS_AREA_END; p += 16) {
    const v = window(p);
    // "RSD PTR " as two little-endian words.
    if (load<u32>(v) != 0x20445352 || load<u32>(v, 4) != 0x20525450) continue;
    let sum: u32 = 0;
    for (let i: u32 = 0; i < RSDP_V1_SIZE; i++) sum += load<u8>(v + i);
    if ((sum & 0xFF) == 0) return p;
  }
  return 0;
}

/** The RSDP chunk at `at` from the RSDP at physical `rsdp`; returns its length. */
export function extraRsdp(at: usize, rsdp: u32): u32 {
  extraHeader(at, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP, EXTRA_RSDP_SIZE);
  memory.copy(at + BI_HEADER_SIZE, window(rsdp), ACPI_RSDP_SIZE);
  return EXTRA_RSDP_SIZE;
}
