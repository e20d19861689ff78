// kernel/arch/x86/vspace.ts: i386 two-level paging for user address spaces.
//
// Owns: the user half (PDEs 0..USER_PDES-1, virtual 0x00000000..USER_TOP-1)
// of every page directory: creating a page directory that shares the kernel
// window, installing and removing page tables, mapping, unmapping and
// re-protecting 4 KiB pages and 4 MiB pages (PDEs with PS set), and looking
// translations up. Also the record of which page directory is in CR3, and
// the TLB maintenance each change needs (the rules are below).
// Must not: write an entry at or above USER_TOP (the kernel window is
// kernel/arch/x86/kernel-window.ts's, and user-accessible pages never
// appear there), map page 0 (a 4 MiB page at 0 would cover it), split a
// 4 MiB page or use it as a table, or decide who may map a frame (the
// capability code in kernel/object/frame.ts and page-table.ts does).
// Every function checks all of its arguments before it writes anything;
// bad input gives one VSpaceError and changes nothing.
//
// Physical memory is reached through the kernel window: the table at
// physical p is read and written at virtual p + physWindow. physWindow is
// KERNEL_VBASE in the kernel; tests point it into wasm
// memory that plays physical memory (vspaceSetPhysWindow). The window
// reaches physical 0..PHYS_WINDOW_SIZE, so page directories and page
// tables must lie there; frames may be anywhere (device memory above the
// window included).
//
// Entry layout, PDE and PTE alike (Intel SDM vol. 3A, 4.3, tables 4-4..4-6):
//
//   31                           12 11   9  8   7   6   5   4   3   2   1   0
//  ┌───────────────────────────────┬──────┬───┬───┬───┬───┬───┬───┬───┬───┬───┐
//  │ frame, or page table address  │ free │ G │PS │ D │ A │PCD│PWT│ U │ W │ P │
//  └───────────────────────────────┴──────┴───┴───┴───┴───┴───┴───┴───┴───┴───┘
//   P present; W writable; U user-accessible; PWT write-through; PCD cache
//   disable; A accessed (CPU sets); D dirty (CPU sets; pages only); PS in a
//   PDE: a 4 MiB page, not a table (in a PTE this bit is PAT, unused);
//   G global: survives CR3 writes (kernel window only); bits 9..11 free.
//   A user PDE that points to a page table is always P|W|U (rights are
//   enforced by the PTE alone), with PWT/PCD as the table was mapped; a
//   user 4 MiB page's PDE is P|PS and its rights, as a PTE's.
//
// TLB maintenance (SDM 4.10.4; i386 has no PCID, so a CR3 write flushes
// every non-global translation and non-current address spaces never need
// a flush):
//   - not present -> present (map, install a table): nothing; the CPU does
//     not cache not-present entries.
//   - present -> not present, or W, U, PWT or PCD taken away or changed,
//     or a present entry replaced (unmapPage, unmapLargePage, remapPage,
//     mapPage/mapLargePage with `replace`) in the CURRENT address space:
//     invlpg(vaddr); for a 4 MiB page one invlpg drops the whole page.
//   - W or U granted (remapPage): nothing. A stale entry may give one
//     spurious page fault, after which the CPU has dropped it (SDM
//     4.10.4.3); the fault handler must ask vspaceFaultIsSpurious before
//     it reports a fault, and simply return to the thread if it says yes.
//   - a page table removed (unmapPageTable) from the CURRENT address
//     space: CR3 is written again with the same value. Up to 1024 pages
//     and the paging-structure caches depend on that PDE, and one CR3
//     write is cheaper than finding which of them are cached.

import { KERNEL_WINDOW_SIZE, PAGE_BITS, PAGE_SIZE, LARGE_PAGE_BITS, LARGE_PAGE_SIZE } from "./machine.gen";
import { readCr3, writeCr3, invlpg } from "./intrinsics";

// ── Entry bits ────────────────────────────────────────────────────────
// @ts-ignore: decorator
@inline export const PAGE_PRESENT: u32 = 1 << 0;
// @ts-ignore: decorator
@inline export const PAGE_WRITE: u32 = 1 << 1;
// @ts-ignore: decorator
@inline export const PAGE_USER: u32 = 1 << 2;
// @ts-ignore: decorator
@inline export const PAGE_PWT: u32 = 1 << 3;
// @ts-ignore: decorator
@inline export const PAGE_PCD: u32 = 1 << 4;
// @ts-ignore: decorator
@inline export const PAGE_ACCESSED: u32 = 1 << 5;
// @ts-ignore: decorator
@inline export const PAGE_DIRTY: u32 = 1 << 6;
// @ts-ignore: decorator
@inline export const PAGE_PS: u32 = 1 << 7;
// @ts-ignore: decorator
@inline export const PAGE_GLOBAL: u32 = 1 << 8;
/** The address part of an entry. */
// @ts-ignore: decorator
@inline export const PAGE_FRAME_MASK: u32 = 0xFFFFF000;
/** What mapPage and remapPage accept: rights (USER, WRITE) and cache attributes (PWT, PCD, for device memory). */
// @ts-ignore: decorator
@inline export const PAGE_RIGHTS_MASK: u32 = PAGE_USER | PAGE_WRITE | PAGE_PWT | PAGE_PCD;
/** What mapPageTable accepts as the table's own cache attributes. */
// @ts-ignore: decorator
@inline export const PAGE_TABLE_ATTR_MASK: u32 = PAGE_PWT | PAGE_PCD;
/** Every user PDE that points to a page table: permissions are decided by the PTEs. */
// @ts-ignore: decorator
@inline export const PAGE_TABLE_ENTRY: u32 = PAGE_PRESENT | PAGE_WRITE | PAGE_USER;

// ── Geometry ──────────────────────────────────────────────────────────
export { PAGE_SIZE, LARGE_PAGE_SIZE } from "./machine.gen";
/** The first address user mappings may not reach: the kernel window starts here. */
export { USER_TOP } from "../../../libs/abi/layout.gen";
import { USER_TOP } from "../../../libs/abi/layout.gen";
/** PDEs 0..USER_PDES-1 are the user half; the rest are copied from the kernel's page directory. */
// @ts-ignore: decorator
@inline export const USER_PDES: u32 = USER_TOP >> LARGE_PAGE_BITS;
/** The kernel window maps physical 0..PHYS_WINDOW_SIZE. */
// @ts-ignore: decorator
@inline export const PHYS_WINDOW_SIZE: u32 = KERNEL_WINDOW_SIZE;
/** lookupPage's answer when nothing is mapped: PAGE_PRESENT is clear in it. */
// @ts-ignore: decorator
@inline export const VSPACE_NOT_MAPPED: u64 = 0;

/** Why a paging operation refused. Nothing changed when it did. */
export enum VSpaceError {
  Ok = 0,
  /** A virtual address, frame, page directory or page table is not 4 KiB aligned. */
  Misaligned = 1,
  /** The virtual address is in the kernel window (>= KERNEL_VBASE). */
  KernelAddress = 2,
  /** mapPage: no page table covers the address; install one with mapPageTable. */
  PageTableMissing = 3,
  /** A page (mapPage) or a page table (mapPageTable) is already there. */
  AlreadyMapped = 4,
  /** The virtual address is in page 0, which is never mapped. */
  PageZero = 5,
  /** Nothing is mapped there (unmapPage, remapPage, unmapPageTable). */
  NotMapped = 6,
  /** Rights with bits outside PAGE_RIGHTS_MASK. */
  BadRights = 7,
  /** A page directory or page table the kernel window does not reach. */
  OutsideWindow = 8,
}

/** The name of a VSpaceError, for logs and tests; "Unknown" for other values. */
export function vspaceErrorName(err: i32): string {
  switch (err) {
    case VSpaceError.Ok: return "Ok";
    case VSpaceError.Misaligned: return "Misaligned";
    case VSpaceError.KernelAddress: return "KernelAddress";
    case VSpaceError.PageTableMissing: return "PageTableMissing";
    case VSpaceError.AlreadyMapped: return "AlreadyMapped";
    case VSpaceError.PageZero: return "PageZero";
    case VSpaceError.NotMapped: return "NotMapped";
    case VSpaceError.BadRights: return "BadRights";
    case VSpaceError.OutsideWindow: return "OutsideWindow";
    default: return "Unknown";
  }
}

/** Where physical address 0 appears in the kernel's virtual memory. */
let physWindow: usize = <usize>USER_TOP;
/** The page directory in CR3 as far as this module knows; 0 before the first vspaceInit/vspaceSwitch. */
let current: u32 = 0;

/** Tests only: physical memory starts at `base` instead of KERNEL_VBASE. */
export function vspaceSetPhysWindow(base: usize): void {
  physWindow = base;
}

export function vspacePhysWindow(): usize {
  return physWindow;
}

// ── Helpers ───────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function window(phys: u32): usize {
  return physWindow + <usize>phys;
}

// @ts-ignore: decorator
@inline function pdeSlot(pd: u32, vaddr: u32): usize {
  return window(pd) + <usize>((vaddr >> LARGE_PAGE_BITS) << 2);
}

// @ts-ignore: decorator
@inline function pteSlot(pt: u32, vaddr: u32): usize {
  return window(pt) + <usize>(((vaddr >> PAGE_BITS) & 0x3FF) << 2);
}

/** A page directory or page table address: aligned, and inside the window. */
function checkTable(phys: u32): VSpaceError {
  if ((phys & (PAGE_SIZE - 1)) != 0) return VSpaceError.Misaligned;
  if (phys >= PHYS_WINDOW_SIZE) return VSpaceError.OutsideWindow;
  return VSpaceError.Ok;
}

/** A user page address: aligned, below the kernel window, not page 0. */
function checkUserPage(vaddr: u32): VSpaceError {
  if ((vaddr & (PAGE_SIZE - 1)) != 0) return VSpaceError.Misaligned;
  if (vaddr >= USER_TOP) return VSpaceError.KernelAddress;
  if (vaddr < PAGE_SIZE) return VSpaceError.PageZero;
  return VSpaceError.Ok;
}

/**
 * The PDE for `vaddr` in `pd` if it points to a page table (present, not
 * a 4 MiB page), else 0. A 4 MiB page (mapLargePage) is never followed
 * as if it were a table.
 */
// @ts-ignore: decorator
@inline function tablePde(pd: u32, vaddr: u32): u32 {
  const pde = load<u32>(pdeSlot(pd, vaddr));
  return (pde & (PAGE_PRESENT | PAGE_PS)) == PAGE_PRESENT ? pde : 0;
}

// ── Address spaces ────────────────────────────────────────────────────

/**
 * Makes the page at `pdPhys` a page directory: the user half (PDEs
 * 0..767) empty, the kernel half (768..1023) copied from the kernel's page
 * directory at `kernelPdPhys`, so the kernel window is the same in every
 * address space.
 */
/**
 * Copies the kernel window's entries into a page directory whose user half
 * is already zero (one made from untyped memory, which is zero above its
 * watermark: kernel/object/untyped.ts). Checks as pdInit.
 */
export function pdCopyKernelWindow(pdPhys: u32, kernelPdPhys: u32): VSpaceError {
  let err = checkTable(pdPhys);
  if (err == VSpaceError.Ok) err = checkTable(kernelPdPhys);
  if (err != VSpaceError.Ok) return err;
  const userBytes = <usize>USER_PDES << 2;
  memory.copy(window(pdPhys) + userBytes, window(kernelPdPhys) + userBytes, <usize>PAGE_SIZE - userBytes);
  return VSpaceError.Ok;
}

export function pdInit(pdPhys: u32, kernelPdPhys: u32): VSpaceError {
  let err = checkTable(pdPhys);
  if (err == VSpaceError.Ok) err = checkTable(kernelPdPhys);
  if (err != VSpaceError.Ok) return err;
  const userBytes = <usize>USER_PDES << 2;
  memory.fill(window(pdPhys), 0, userBytes);
  memory.copy(window(pdPhys) + userBytes, window(kernelPdPhys) + userBytes, <usize>PAGE_SIZE - userBytes);
  return VSpaceError.Ok;
}

/** The kernel's own page directory (boot's), whose window entries every new one copies. */
let kernelPd: u32 = 0;

/** The kernel's page directory, as vspaceInit found it. */
export function vspaceKernelPd(): u32 {
  return kernelPd;
}

/** Adopts the page directory that is in CR3 now (boot's) as the kernel's, without writing CR3. */
export function vspaceInit(): void {
  current = readCr3() & PAGE_FRAME_MASK;
  kernelPd = current;
}

/** The page directory in CR3 (0 before vspaceInit or the first switch). */
export function vspaceCurrent(): u32 {
  return current;
}

/** Makes `pdPhys` the current address space; CR3 is written only if it changes. */
// @ts-ignore: decorator
@inline export function vspaceSwitch(pdPhys: u32): void {
  if (pdPhys == current) return;
  current = pdPhys;
  writeCr3(pdPhys);
}

// ── Page tables ───────────────────────────────────────────────────────

/**
 * Installs the page table at `ptPhys` (zeroed here) for the 4 MiB region
 * that holds `vaddr` (any address in it; the low 22 bits are ignored).
 * `attr` (PAGE_PWT, PAGE_PCD) sets the cacheability of the table itself
 * (seL4's makeUserPDEPageTable); anything else is BadRights.
 */
export function mapPageTable(pd: u32, vaddr: u32, ptPhys: u32, attr: u32): VSpaceError {
  let err = checkTable(pd);
  if (err == VSpaceError.Ok) err = checkTable(ptPhys);
  if (err != VSpaceError.Ok) return err;
  if ((attr & ~PAGE_TABLE_ATTR_MASK) != 0) return VSpaceError.BadRights;
  if (vaddr >= USER_TOP) return VSpaceError.KernelAddress;
  const slot = pdeSlot(pd, vaddr);
  if ((load<u32>(slot) & PAGE_PRESENT) != 0) return VSpaceError.AlreadyMapped;
  memory.fill(window(ptPhys), 0, <usize>PAGE_SIZE);
  store<u32>(slot, ptPhys | PAGE_TABLE_ENTRY | attr);
  return VSpaceError.Ok;
}

/**
 * Removes the page table for the region that holds `vaddr`. The table
 * itself is left as it was. In the current address space CR3 is reloaded.
 */
export function unmapPageTable(pd: u32, vaddr: u32): VSpaceError {
  const err = checkTable(pd);
  if (err != VSpaceError.Ok) return err;
  if (vaddr >= USER_TOP) return VSpaceError.KernelAddress;
  if (tablePde(pd, vaddr) == 0) return VSpaceError.NotMapped;
  store<u32>(pdeSlot(pd, vaddr), 0);
  if (pd == current) writeCr3(pd);
  return VSpaceError.Ok;
}

/** What the PDE for an address holds (pdeKind). */
export enum PdeKind {
  None = 0,
  /** A present page table. */
  Table = 1,
  /** A present 4 MiB page. */
  LargePage = 2,
}

/**
 * What the PDE for `vaddr` (any address, the kernel window's too) in `pd`
 * holds: seL4's lookupPDSlot followed by its page_size and present tests.
 * None for a page directory that fails the other functions' checks.
 */
export function pdeKind(pd: u32, vaddr: u32): PdeKind {
  if (checkTable(pd) != VSpaceError.Ok) return PdeKind.None;
  const pde = load<u32>(pdeSlot(pd, vaddr));
  if ((pde & PAGE_PRESENT) == 0) return PdeKind.None;
  return (pde & PAGE_PS) != 0 ? PdeKind.LargePage : PdeKind.Table;
}

/** The physical address of the page table for `vaddr`'s region, or 0 if there is none. */
export function lookupPageTable(pd: u32, vaddr: u32): u32 {
  if (checkTable(pd) != VSpaceError.Ok || vaddr >= USER_TOP) return 0;
  return tablePde(pd, vaddr) & PAGE_FRAME_MASK;
}

// ── Pages ─────────────────────────────────────────────────────────────

/**
 * Maps the 4 KiB frame at `paddr` at `vaddr` with `rights` (PAGE_USER,
 * PAGE_WRITE, and the cache attributes PAGE_PWT, PAGE_PCD): the PTE is
 * exactly paddr | PAGE_PRESENT | rights. Checks, in this order: the page
 * directory, the rights, vaddr (Misaligned, KernelAddress, PageZero), the
 * frame's alignment, then the page table and the slot. With `replace`, a
 * page already there is overwritten (seL4's Page_Map does this; invlpg if
 * `pd` is current) instead of refused.
 */
export function mapPage(pd: u32, vaddr: u32, paddr: u32, rights: u32, replace: bool): VSpaceError {
  let err = checkTable(pd);
  if (err != VSpaceError.Ok) return err;
  if ((rights & ~PAGE_RIGHTS_MASK) != 0) return VSpaceError.BadRights;
  err = checkUserPage(vaddr);
  if (err != VSpaceError.Ok) return err;
  if ((paddr & (PAGE_SIZE - 1)) != 0) return VSpaceError.Misaligned;
  const pde = tablePde(pd, vaddr);
  if (pde == 0) {
    // A 4 MiB page is not ours to split: report it as taken.
    return (load<u32>(pdeSlot(pd, vaddr)) & PAGE_PRESENT) != 0 ? VSpaceError.AlreadyMapped : VSpaceError.PageTableMissing;
  }
  const slot = pteSlot(pde & PAGE_FRAME_MASK, vaddr);
  const old = load<u32>(slot);
  if ((old & PAGE_PRESENT) != 0 && !replace) return VSpaceError.AlreadyMapped;
  store<u32>(slot, paddr | PAGE_PRESENT | rights);
  if ((old & PAGE_PRESENT) != 0 && pd == current) invlpg(vaddr);
  return VSpaceError.Ok;
}

// ── 4 MiB pages ───────────────────────────────────────────────────────

/** A user 4 MiB page address: aligned, below the kernel window, not the region of page 0. */
function checkUserLargePage(vaddr: u32): VSpaceError {
  if ((vaddr & (LARGE_PAGE_SIZE - 1)) != 0) return VSpaceError.Misaligned;
  if (vaddr >= USER_TOP) return VSpaceError.KernelAddress;
  if (vaddr < LARGE_PAGE_SIZE) return VSpaceError.PageZero;
  return VSpaceError.Ok;
}

/**
 * Maps the 4 MiB frame at `paddr` at `vaddr` with `rights` (as mapPage):
 * the PDE is exactly paddr | PAGE_PRESENT | PAGE_PS | rights. Checks, in
 * this order: the page directory, the rights, vaddr (Misaligned to 4 MiB,
 * KernelAddress, PageZero: the first 4 MiB hold page 0), the frame's 4 MiB
 * alignment, then the slot: a page table there is AlreadyMapped; so is a
 * 4 MiB page unless `replace` (then it is overwritten, with invlpg if `pd`
 * is current).
 */
export function mapLargePage(pd: u32, vaddr: u32, paddr: u32, rights: u32, replace: bool): VSpaceError {
  let err = checkTable(pd);
  if (err != VSpaceError.Ok) return err;
  if ((rights & ~PAGE_RIGHTS_MASK) != 0) return VSpaceError.BadRights;
  err = checkUserLargePage(vaddr);
  if (err != VSpaceError.Ok) return err;
  if ((paddr & (LARGE_PAGE_SIZE - 1)) != 0) return VSpaceError.Misaligned;
  const slot = pdeSlot(pd, vaddr);
  const old = load<u32>(slot);
  if ((old & PAGE_PRESENT) != 0 && ((old & PAGE_PS) == 0 || !replace)) return VSpaceError.AlreadyMapped;
  store<u32>(slot, paddr | PAGE_PRESENT | PAGE_PS | rights);
  if ((old & PAGE_PRESENT) != 0 && pd == current) invlpg(vaddr);
  return VSpaceError.Ok;
}

/** Removes the 4 MiB page at `vaddr` (4 MiB aligned); invlpg if `pd` is the current address space. */
export function unmapLargePage(pd: u32, vaddr: u32): VSpaceError {
  let err = checkTable(pd);
  if (err == VSpaceError.Ok) err = checkUserLargePage(vaddr);
  if (err != VSpaceError.Ok) return err;
  const slot = pdeSlot(pd, vaddr);
  if ((load<u32>(slot) & (PAGE_PRESENT | PAGE_PS)) != (PAGE_PRESENT | PAGE_PS)) return VSpaceError.NotMapped;
  store<u32>(slot, 0);
  if (pd == current) invlpg(vaddr);
  return VSpaceError.Ok;
}

/** The PTE slot (a window address) of the mapped page at `vaddr`, or 0. */
function mappedSlot(pd: u32, vaddr: u32): usize {
  const pde = tablePde(pd, vaddr);
  if (pde == 0) return 0;
  const slot = pteSlot(pde & PAGE_FRAME_MASK, vaddr);
  return (load<u32>(slot) & PAGE_PRESENT) != 0 ? slot : 0;
}

/** Removes the page at `vaddr`; invlpg if `pd` is the current address space. */
export function unmapPage(pd: u32, vaddr: u32): VSpaceError {
  let err = checkTable(pd);
  if (err == VSpaceError.Ok) err = checkUserPage(vaddr);
  if (err != VSpaceError.Ok) return err;
  const slot = mappedSlot(pd, vaddr);
  if (slot == 0) return VSpaceError.NotMapped;
  store<u32>(slot, 0);
  if (pd == current) invlpg(vaddr);
  return VSpaceError.Ok;
}

/**
 * Gives the page at `vaddr` new rights (same set as mapPage), keeping its
 * frame and its accessed and dirty bits. In the current address space,
 * invlpg when a right is taken away or a cache attribute changes; a grant
 * needs none (see the TLB rules above).
 */
export function remapPage(pd: u32, vaddr: u32, rights: u32): VSpaceError {
  let err = checkTable(pd);
  if (err != VSpaceError.Ok) return err;
  if ((rights & ~PAGE_RIGHTS_MASK) != 0) return VSpaceError.BadRights;
  err = checkUserPage(vaddr);
  if (err != VSpaceError.Ok) return err;
  const slot = mappedSlot(pd, vaddr);
  if (slot == 0) return VSpaceError.NotMapped;
  const old = load<u32>(slot);
  const pte = (old & (PAGE_FRAME_MASK | PAGE_ACCESSED | PAGE_DIRTY)) | PAGE_PRESENT | rights;
  store<u32>(slot, pte);
  const revoked = old & ~pte & (PAGE_WRITE | PAGE_USER);
  const cacheChanged = (old ^ pte) & (PAGE_PWT | PAGE_PCD);
  if (pd == current && (revoked | cacheChanged) != 0) invlpg(vaddr);
  return VSpaceError.Ok;
}

/**
 * The translation of `vaddr` in `pd`, any address (the kernel window
 * too): the 4 KiB page's physical address | its flags, as the MMU sees
 * them (WRITE and USER only where the PDE has them too; PAGE_PS set
 * inside a 4 MiB page), widened to u64. VSPACE_NOT_MAPPED (0, so
 * PAGE_PRESENT clear) when nothing is mapped, or for a page directory
 * that fails the checks of the other functions.
 */
export function lookupPage(pd: u32, vaddr: u32): u64 {
  if (checkTable(pd) != VSpaceError.Ok) return VSPACE_NOT_MAPPED;
  const pde = load<u32>(pdeSlot(pd, vaddr));
  if ((pde & PAGE_PRESENT) == 0) return VSPACE_NOT_MAPPED;
  if ((pde & PAGE_PS) != 0) {
    return <u64>(((pde & ~(LARGE_PAGE_SIZE - 1)) | (vaddr & (LARGE_PAGE_SIZE - PAGE_SIZE))) | (pde & ~PAGE_FRAME_MASK));
  }
  const pte = load<u32>(pteSlot(pde & PAGE_FRAME_MASK, vaddr));
  if ((pte & PAGE_PRESENT) == 0) return VSPACE_NOT_MAPPED;
  return <u64>(pte & ~(~pde & (PAGE_WRITE | PAGE_USER)));
}

/** Page-fault error code bits (SDM 4.7). */
// @ts-ignore: decorator
@inline export const FAULT_PROTECTION: u32 = 1 << 0;
// @ts-ignore: decorator
@inline export const FAULT_WRITE: u32 = 1 << 1;
// @ts-ignore: decorator
@inline export const FAULT_USER: u32 = 1 << 2;
// @ts-ignore: decorator
@inline export const FAULT_RESERVED_BIT: u32 = 1 << 3;

/**
 * True if a page fault at `vaddr` with error code `error` would not
 * happen now: the page is present with every right the access needed. It
 * came from a stale TLB entry after remapPage granted a right; the CPU
 * has already dropped that entry, so the thread can simply run again.
 */
export function vspaceFaultIsSpurious(pd: u32, vaddr: u32, error: u32): bool {
  if ((error & FAULT_RESERVED_BIT) != 0) return false;
  const entry = <u32>lookupPage(pd, vaddr);
  if ((entry & PAGE_PRESENT) == 0) return false;
  if ((error & FAULT_WRITE) != 0 && (entry & PAGE_WRITE) == 0) return false;
  if ((error & FAULT_USER) != 0 && (entry & PAGE_USER) == 0) return false;
  return true;
}
