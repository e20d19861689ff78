// kernel/arch/x86/asid.ts: address-space identifiers, as seL4 ia32 keeps them.
//
// Owns: the ASID table (which ASID pool serves each block of 1024 ASIDs)
// and the contents of ASID pools (which page directory each ASID names);
// findVSpaceForASID, the one way the VSpace objects get from the ASID a
// capability records to a page directory; deleteASID and deleteASIDPool,
// which finalising a page directory or pool capability calls; and the two
// setters boot code uses to give the root task its pool and ASID.
// Must not: check user arguments (kernel/object/asid-pool.ts does), write
// page tables (kernel/arch/x86/vspace.ts does), or hand out ASID 0, which
// means "not mapped" in every capability.
//
// An ASID is 12 bits (asidHighBits 2 + asidLowBits 10): high 2 bits pick a
// pool in the table, low 10 bits an entry in the pool. ia32 has no PCID, so
// an ASID is only a name: nothing in the TLB is tagged with it.
//
// The ASID table, kernel data (seL4's x86KSASIDTable), 4 words:
//
//   offset  bits    field
//   4*h     31..12  pool: physical address of the pool for ASIDs h<<10 ..
//           0       valid: 1 if a pool is there (a pool at physical 0 stays nameable)
//
// An ASID pool, one 4 KiB page (seL4_ASIDPoolBits 12) in the kernel window,
// 1024 words (seL4's asid_pool_t, its asid_map_t one word on ia32):
//
//   offset  bits    field
//   4*l     31..12  page directory: physical address of ASID (base | l)'s PD
//           0       valid: 1 if the ASID is assigned
//
// see: seL4 src/arch/x86/kernel/vspace.c (findVSpaceForASID, deleteASID,
// deleteASIDPool, write_it_asid_pool) and src/arch/x86/32/kernel/vspace.c
// (setVMRoot), facts only.

import { vspacePhysWindow, vspaceCurrent, vspaceSwitch, vspaceKernelPd } from "./vspace";
import { setInvalidRootFault } from "../../cspace/lookup";
import { window } from "./kernel-window";
import { seL4_NumASIDPoolsBits, seL4_ASIDPoolIndexBits } from "../../../libs/abi/sel4.gen";

/** Pools in the table (nASIDPools). */
// @ts-ignore: decorator
@inline export const ASID_POOLS: u32 = 1 << seL4_NumASIDPoolsBits;
/** ASIDs in one pool; also the low-bits mask + 1. */
// @ts-ignore: decorator
@inline export const ASID_POOL_ENTRIES: u32 = 1 << seL4_ASIDPoolIndexBits;
/** asidLowBits. */
// @ts-ignore: decorator
@inline export const ASID_LOW_BITS: u32 = seL4_ASIDPoolIndexBits;
/** findVSpaceForASID's answer when the ASID names no page directory: never a page address. */
// @ts-ignore: decorator
@inline export const NO_VSPACE: u32 = 0xFFFFFFFF;
/** The root task's ASID (seL4's IT_ASID): the first of pool 0, since 0 itself is never handed out. */
// @ts-ignore: decorator
@inline export const IT_ASID: u32 = 1;

// @ts-ignore: decorator
@inline const ENTRY_VALID: u32 = 1;
// @ts-ignore: decorator
@inline const ENTRY_ADDR: u32 = 0xFFFFF000;

const asidTable = memory.data(ASID_POOLS * 4, 4);

/**
 * Pools deleted since boot. Until the first, every mapped page-directory
 * capability's ASID names its directory: ASIDPool_Assign sets the cap and
 * the pool entry together, and an entry goes (deleteASID) only with the
 * last capability to its directory. Deleting a pool leaves mapped
 * capabilities whose ASIDs name nothing, or later another directory. The
 * IPC fast path skips the pool lookup while this is 0.
 */
let poolsDeleted: u32 = 0;

/** No ASID pool has been deleted: a mapped page-directory capability's ASID names its directory (see poolsDeleted). */
// @ts-ignore: decorator
@inline export function mappedAsidsAllValid(): bool {
  return poolsDeleted == 0;
}

// @ts-ignore: decorator
@inline function tableEntry(high: u32): usize {
  return asidTable + (<usize>(high & (ASID_POOLS - 1)) << 2);
}

// @ts-ignore: decorator
@inline function poolEntry(poolPhys: u32, low: u32): usize {
  return vspacePhysWindow() + <usize>poolPhys + (<usize>(low & (ASID_POOL_ENTRIES - 1)) << 2);
}

// ── The table ────────────────────────────────────────────────────────

/** The physical address of the pool for ASIDs high << 10 .., or NO_VSPACE if there is none. */
export function asidTablePool(high: u32): u32 {
  const e = load<u32>(tableEntry(high));
  return (e & ENTRY_VALID) != 0 ? e & ENTRY_ADDR : NO_VSPACE;
}

/** Makes the 4 KiB page at `poolPhys` the pool for ASIDs high << 10 .. (ASIDControl_MakePool; boot's first pool). */
export function asidTableSetPool(high: u32, poolPhys: u32): void {
  store<u32>(tableEntry(high), (poolPhys & ENTRY_ADDR) | ENTRY_VALID);
}

/** Forgets the pool for ASIDs high << 10 .. (deleteASIDPool). */
export function asidTableClear(high: u32): void {
  store<u32>(tableEntry(high), 0);
}

/** The first block of ASIDs with no pool, or ASID_POOLS if every block has one (ASIDControl_MakePool). */
export function asidTableFirstFree(): u32 {
  let h: u32 = 0;
  while (h < ASID_POOLS && (load<u32>(tableEntry(h)) & ENTRY_VALID) != 0) h++;
  return h;
}

/** Tests only: forgets every pool (wasm memory is reused across tests). */
export function asidTableReset(): void {
  memory.fill(asidTable, 0, <usize>ASID_POOLS * 4);
  poolsDeleted = 0;
}

// ── Pools ────────────────────────────────────────────────────────────

/** The page directory entry `low` of the pool at `poolPhys` names, or NO_VSPACE. */
export function asidPoolGet(poolPhys: u32, low: u32): u32 {
  const e = load<u32>(poolEntry(poolPhys, low));
  return (e & ENTRY_VALID) != 0 ? e & ENTRY_ADDR : NO_VSPACE;
}

/** Assigns entry `low` of the pool at `poolPhys` to the page directory at `pdPhys` (ASIDPool_Assign; boot's root task). */
export function asidPoolSet(poolPhys: u32, low: u32, pdPhys: u32): void {
  store<u32>(poolEntry(poolPhys, low), (pdPhys & ENTRY_ADDR) | ENTRY_VALID);
}

/**
 * The first free entry of the pool at `poolPhys` whose ASIDs start at
 * `base`, skipping ASID 0; ASID_POOL_ENTRIES if the pool is full.
 */
export function asidPoolFirstFree(poolPhys: u32, base: u32): u32 {
  let i: u32 = 0;
  while (i < ASID_POOL_ENTRIES && (base + i == 0 || (load<u32>(poolEntry(poolPhys, i)) & ENTRY_VALID) != 0)) i++;
  return i;
}

// ── Lookup and deletion ──────────────────────────────────────────────

/**
 * The page directory ASID `asid` names, or NO_VSPACE with the lookup
 * fault set to invalid_root (no pool for it, or no directory assigned),
 * as seL4's findVSpaceForASID.
 */
export function findVSpaceForASID(asid: u32): u32 {
  const pool = asidTablePool(asid >> ASID_LOW_BITS);
  const pd = pool == NO_VSPACE ? NO_VSPACE : asidPoolGet(pool, asid);
  if (pd == NO_VSPACE) setInvalidRootFault();
  return pd;
}

/**
 * Does `asid` name the page directory at `pdPhys`? findVSpaceForASID's
 * question, for the IPC fast path: no lookup fault is recorded, and the
 * pool is read through the constant kernel window (the fast path runs
 * only on the machine, never in a Node harness).
 */
// @ts-ignore: decorator
@inline export function asidNamesDirectory(asid: u32, pdPhys: u32): bool {
  // A valid table entry is the pool's address | ENTRY_VALID (asidTableSetPool), so e - ENTRY_VALID is the pool.
  const e = load<u32>(tableEntry(asid >> ASID_LOW_BITS));
  return (e & ENTRY_VALID) != 0 &&
    load<u32>(window(e - ENTRY_VALID) + (<usize>(asid & (ASID_POOL_ENTRIES - 1)) << 2)) == (pdPhys | ENTRY_VALID);
}

/**
 * seL4's setVMRoot after an ASID went away: if the page directory in CR3
 * no longer has an ASID, the kernel's own page directory (the window and
 * nothing else) takes its place. The scheduler loads the next thread's
 * directory the usual way.
 */
function leaveDirectory(pdPhys: u32): void {
  if (vspaceCurrent() == pdPhys && pdPhys != vspaceKernelPd()) vspaceSwitch(vspaceKernelPd());
}

/** Removes ASID `asid` from its pool if it still names `pdPhys` (the last capability to the directory went). */
export function deleteASID(asid: u32, pdPhys: u32): void {
  const pool = asidTablePool(asid >> ASID_LOW_BITS);
  if (pool == NO_VSPACE || asidPoolGet(pool, asid) != pdPhys) return;
  store<u32>(poolEntry(pool, asid), 0);
  leaveDirectory(pdPhys);
}

/**
 * Removes the pool at `poolPhys` for the ASIDs from `base` from the table,
 * if it is still there (the last capability to the pool went). Every
 * directory it named loses its ASID with it; the one in CR3, if any, is
 * left for the kernel's.
 */
export function deleteASIDPool(base: u32, poolPhys: u32): void {
  const high = base >> ASID_LOW_BITS;
  if (asidTablePool(high) != poolPhys) return;
  const current = vspaceCurrent();
  for (let i: u32 = 0; i < ASID_POOL_ENTRIES; i++) {
    if (asidPoolGet(poolPhys, i) == current) leaveDirectory(current);
  }
  asidTableClear(high);
  poolsDeleted++;
}
