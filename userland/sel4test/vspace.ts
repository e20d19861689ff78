// userland/sel4test/vspace.ts: in-OS tests of address spaces: page directories, page tables, frames and ASIDs.
//
// Owns: the tests that re-express sel4test's vspace.c (VSPACE0000-0006,
// VSPACE0010), page_tables.c (PT0002), frame tests (FRAMEDIPC0003,
// FRAMEEXPORTS0001) and the x86 mapping rules. Each maps into the test's
// own VSpace in the free region from SCRATCH (nothing of the test is
// there), touches the memory, and reads the hardware's verdict back
// through PageDirectory_GetStatusBits.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_InvalidArgument, seL4_InvalidCapability, seL4_AlignmentError, seL4_FailedLookup, seL4_DeleteFirst,
  seL4_RevokeFirst, seL4_MissingCapability, ERROR_MR_FAILED_LOOKUP_TYPE,
  OBJ_X86_4K, OBJ_X86_LARGE_PAGE, OBJ_X86_PAGE_TABLE, OBJ_X86_PAGE_DIRECTORY, OBJ_UNTYPED, CAP_ASID_POOL_CAP, CAP_NULL_CAP,
  seL4_X86_Default_VMAttributes, seL4_CapASIDControl, seL4_UserTop, seL4_ASIDPoolIndexBits,
} from "../../libs/abi/sel4.gen";
import { PROCESS_SLOT_ASID_POOL } from "../../libs/abi/layout.gen";
import {
  seL4_X86_Page_Map, seL4_X86_Page_Unmap, seL4_X86_Page_GetAddress, seL4_X86_Page_GetAddress_paddr, seL4_X86_PageTable_Map,
  seL4_X86_PageTable_Unmap, seL4_X86_PageDirectory_GetStatusBits, seL4_X86_PageDirectory_GetStatusBits_accessed,
  seL4_X86_PageDirectory_GetStatusBits_dirty, seL4_X86_ASIDPool_Assign, seL4_X86_ASIDControl_MakePool, seL4_CNode_Delete,
  seL4_Untyped_Retype, seL4_CNode_Revoke,
} from "../../libs/user/invocations.gen";
import { seL4_DebugCapIdentify } from "../../libs/user/ipc";
import { MY_CNODE, MY_VSPACE, DEPTH, freeSlot, check, checkEq } from "../../libs/user/testing";
import { make, makeN, copy, del, detail, R_ALL, R_RW } from "./env";

/** A free 4 MiB region of the test's address space, and the next one. */
// @ts-ignore: decorator
@inline const SCRATCH: u32 = 0x10000000;
// @ts-ignore: decorator
@inline const SCRATCH2: u32 = 0x10400000;
// @ts-ignore: decorator
@inline const ATTR: u32 = seL4_X86_Default_VMAttributes;

function map(frame: u32, vaddr: u32): u32 {
  return seL4_X86_Page_Map(frame, MY_VSPACE, vaddr, R_RW, ATTR);
}

/** A page table for the 4 MiB region at `vaddr` of our VSpace (checked). */
function pageTable(vaddr: u32): u32 {
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, MY_VSPACE, vaddr, ATTR), seL4_NoError, "map a page table");
  return pt;
}

/** What statusBits says when nothing is mapped at the address (GetStatusBits refuses: InvalidArgument 0, as seL4). */
// @ts-ignore: decorator
@inline const NOT_MAPPED: u32 = 0xFF;

/** accessed << 1 | dirty of the page at `vaddr`, or NOT_MAPPED. */
function statusBits(vspace: u32, vaddr: u32): u32 {
  const err = seL4_X86_PageDirectory_GetStatusBits(vspace, vaddr);
  if (err == seL4_InvalidArgument) return NOT_MAPPED;
  checkEq(err, seL4_NoError, "GetStatusBits");
  return (seL4_X86_PageDirectory_GetStatusBits_accessed() << 1) | seL4_X86_PageDirectory_GetStatusBits_dirty();
}

/** A new page directory with an ASID from our pool (checked). */
function newVSpace(): u32 {
  const pd = make(OBJ_X86_PAGE_DIRECTORY, 0);
  checkEq(seL4_X86_ASIDPool_Assign(PROCESS_SLOT_ASID_POOL, pd), seL4_NoError, "assign an ASID");
  return pd;
}

/** FRAMEEXPORTS0001: frames mapped into our address space hold what we write, each its own. */
export function framesAccess(): void {
  pageTable(SCRATCH);
  const first = makeN(OBJ_X86_4K, 0, 16);
  for (let i: u32 = 0; i < 16; i++) checkEq(map(first + i, SCRATCH + i * 0x1000), seL4_NoError, "map a frame");
  for (let i: u32 = 0; i < 16; i++) check(load<u32>(SCRATCH + i * 0x1000 + 0xffc) == 0, "a new frame is zero");
  for (let i: u32 = 0; i < 16; i++) store<u32>(SCRATCH + i * 0x1000 + 4 * i, 0xC0DE0000 + i);
  let ok = true;
  for (let i: u32 = 0; i < 16; i++) ok = ok && load<u32>(SCRATCH + i * 0x1000 + 4 * i) == 0xC0DE0000 + i;
  check(ok, "each frame keeps its own words");
  checkEq(seL4_X86_Page_GetAddress(first), seL4_NoError, "GetAddress");
  const a0 = seL4_X86_Page_GetAddress_paddr();
  checkEq(seL4_X86_Page_GetAddress(first + 1), seL4_NoError, "GetAddress of the next frame");
  checkEq(seL4_X86_Page_GetAddress_paddr(), a0 + 0x1000, "frames made together are contiguous");
}

/** PT0002: reusing a virtual address for another frame shows the new frame (no stale translation). */
export function ptReuseFlushesTlb(): void {
  pageTable(SCRATCH);
  const a = make(OBJ_X86_4K, 0);
  const b = make(OBJ_X86_4K, 0);
  checkEq(map(a, SCRATCH), seL4_NoError, "map frame a");
  store<u32>(SCRATCH, 0xAAAA5555);
  checkEq(load<u32>(SCRATCH), 0xAAAA5555, "a holds the word");
  checkEq(seL4_X86_Page_Unmap(a), seL4_NoError, "unmap a");
  checkEq(map(b, SCRATCH), seL4_NoError, "map frame b at the same address");
  checkEq(load<u32>(SCRATCH), 0, "the address now shows b, which is zero");
  store<u32>(SCRATCH, 0xBBBB);
  checkEq(map(a, SCRATCH + 0x1000), seL4_NoError, "map a elsewhere");
  checkEq(load<u32>(SCRATCH + 0x1000), 0xAAAA5555, "a kept its word");
  checkEq(load<u32>(SCRATCH), 0xBBBB, "b kept its own");
}

/**
 * A frame holding `word` at offset 0, written through a copy of its
 * capability mapped at `at` (checked): the frame itself stays free to map.
 */
function frameHolding(word: u32, at: u32): u32 {
  const g = make(OBJ_X86_4K, 0);
  const gc = freeSlot();
  checkEq(copy(gc, g, R_ALL), seL4_NoError, "a copy of the new frame");
  checkEq(map(gc, at), seL4_NoError, "map the copy elsewhere");
  store<u32>(at, word);
  return g;
}

/**
 * FRAMEDIPC0003: deleting a frame capability unmaps the frame. Each
 * deletion comes after the page was written (so the TLB holds its
 * translation), and a different frame mapped at the address afterwards
 * reads as itself: the deletion left no stale translation behind.
 */
export function frameDeleteUnmaps(): void {
  pageTable(SCRATCH);
  const f = make(OBJ_X86_4K, 0);
  const c = freeSlot();
  checkEq(copy(c, f, R_ALL), seL4_NoError, "a copy to map");
  checkEq(map(c, SCRATCH), seL4_NoError, "map the copy");
  store<u32>(SCRATCH, 1);
  checkEq(statusBits(MY_VSPACE, SCRATCH), 3, "accessed and dirty");
  checkEq(del(c), seL4_NoError, "delete the mapped copy");
  checkEq(statusBits(MY_VSPACE, SCRATCH), NOT_MAPPED, "nothing is mapped there any more");
  const g = frameHolding(0x600D0001, SCRATCH + 0x1000);
  checkEq(map(g, SCRATCH), seL4_NoError, "a different frame maps there");
  checkEq(load<u32>(SCRATCH), 0x600D0001, "and reads as itself, not as the deleted mapping's frame");
  checkEq(seL4_X86_Page_Unmap(g), seL4_NoError, "unmap it");
  checkEq(map(f, SCRATCH), seL4_NoError, "the original can map there");
  checkEq(load<u32>(SCRATCH), 1, "the frame kept its contents");
  checkEq(seL4_CNode_Delete(MY_CNODE, f, DEPTH), seL4_NoError, "delete the original too");
  checkEq(statusBits(MY_VSPACE, SCRATCH), NOT_MAPPED, "unmapped again");
  checkEq(map(g, SCRATCH), seL4_NoError, "the other frame maps there again");
  checkEq(load<u32>(SCRATCH), 0x600D0001, "and reads as itself: the last capability's deletion left no stale translation either");
}

/** VSPACE0010: the accessed and dirty bits follow reads and writes. */
export function vspaceStatusBits(): void {
  pageTable(SCRATCH);
  const f = make(OBJ_X86_4K, 0);
  checkEq(map(f, SCRATCH), seL4_NoError, "map");
  checkEq(statusBits(MY_VSPACE, SCRATCH), 0, "untouched");
  check(load<u32>(SCRATCH + 8) == 0, "read it");
  checkEq(statusBits(MY_VSPACE, SCRATCH), 2, "accessed, not dirty");
  store<u32>(SCRATCH + 8, 5);
  checkEq(statusBits(MY_VSPACE, SCRATCH), 3, "accessed and dirty");
  checkEq(statusBits(MY_VSPACE, SCRATCH + 0x1000), NOT_MAPPED, "the next page is not mapped");
}

/** Frame_Map's checks: alignment, the top of user space, the page table, a second mapping. */
export function frameMapErrors(): void {
  const f = make(OBJ_X86_4K, 0);
  checkEq(map(f, SCRATCH), seL4_FailedLookup, "no page table there");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_MissingCapability, "a missing page table");
  pageTable(SCRATCH);
  checkEq(map(f, SCRATCH + 0x10), seL4_AlignmentError, "a misaligned address");
  checkEq(map(f, seL4_UserTop), seL4_InvalidArgument, "at seL4_UserTop");
  checkEq(map(f, SCRATCH), seL4_NoError, "a good mapping");
  checkEq(map(f, SCRATCH + 0x1000), seL4_InvalidArgument, "the same capability at a second address");
  checkEq(map(f, SCRATCH), seL4_NoError, "again at the same address: a remap");
  const ep = make(OBJ_UNTYPED, 12);
  checkEq(seL4_X86_Page_Map(f, ep, SCRATCH, R_RW, ATTR), seL4_InvalidCapability, "an untyped as the VSpace");
  const pd = make(OBJ_X86_PAGE_DIRECTORY, 0);
  const g = make(OBJ_X86_4K, 0);
  checkEq(seL4_X86_Page_Map(g, pd, SCRATCH, R_RW, ATTR), seL4_InvalidCapability, "a page directory without an ASID");
  checkEq(seL4_X86_Page_Unmap(g), seL4_NoError, "unmapping an unmapped frame does nothing");
}

/** 4 MiB frames map at 4 MiB boundaries in place of a page table. */
export function frameLarge(): void {
  const big = make(OBJ_X86_LARGE_PAGE, 0);
  checkEq(seL4_X86_Page_Map(big, MY_VSPACE, SCRATCH2 + 0x1000, R_RW, ATTR), seL4_AlignmentError, "not 4 MiB aligned");
  checkEq(seL4_X86_Page_Map(big, MY_VSPACE, SCRATCH2, R_RW, ATTR), seL4_NoError, "map a 4 MiB frame");
  store<u32>(SCRATCH2 + 0x3ff000, 0x4D4D);
  checkEq(load<u32>(SCRATCH2 + 0x3ff000), 0x4D4D, "its last page works");
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, MY_VSPACE, SCRATCH2, ATTR), seL4_DeleteFirst, "a page table where the large frame is");
  checkEq(seL4_X86_Page_Unmap(big), seL4_NoError, "unmap it");
  checkEq(seL4_X86_PageTable_Map(pt, MY_VSPACE, SCRATCH2, ATTR), seL4_NoError, "now the page table fits");
}

/** Page tables: one per 4 MiB region; unmapped only through the last capability. */
export function pageTableRules(): void {
  const pt = pageTable(SCRATCH);
  const pt2 = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt2, MY_VSPACE, SCRATCH + 0x1000, ATTR), seL4_DeleteFirst, "a second table for the region");
  checkEq(seL4_X86_PageTable_Map(pt, MY_VSPACE, SCRATCH2, ATTR), seL4_InvalidCapability, "a mapped table cannot map again");
  const c = freeSlot();
  checkEq(copy(c, pt, R_ALL), seL4_NoError, "copy the mapped table's capability");
  checkEq(seL4_X86_PageTable_Unmap(pt), seL4_RevokeFirst, "not the last capability");
  checkEq(del(c), seL4_NoError, "delete the copy");
  const f = make(OBJ_X86_4K, 0);
  checkEq(map(f, SCRATCH), seL4_NoError, "map a frame through it");
  checkEq(seL4_X86_PageTable_Unmap(pt), seL4_NoError, "unmap the table");
  checkEq(statusBits(MY_VSPACE, SCRATCH), NOT_MAPPED, "the frame's translation went with it");
  checkEq(seL4_X86_PageTable_Map(pt2, MY_VSPACE, SCRATCH, ATTR), seL4_NoError, "another table can take the region");
}

/** VSPACE0000: a second address space: its own page tables and frames, separate from ours. */
export function vspaceSecond(): void {
  const pd = newVSpace();
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, pd, SCRATCH, ATTR), seL4_NoError, "a page table in the new address space");
  const f = make(OBJ_X86_4K, 0);
  checkEq(seL4_X86_Page_Map(f, pd, SCRATCH, R_RW, ATTR), seL4_NoError, "a frame in it");
  checkEq(statusBits(pd, SCRATCH), 0, "present there, untouched");
  checkEq(statusBits(MY_VSPACE, SCRATCH), NOT_MAPPED, "nothing at that address in ours");
  const mine = freeSlot();
  checkEq(copy(mine, f, R_ALL), seL4_NoError, "copy the frame's capability");
  pageTable(SCRATCH);
  checkEq(map(mine, SCRATCH), seL4_NoError, "map the same frame in ours");
  store<u32>(SCRATCH, 77);
  checkEq(statusBits(MY_VSPACE, SCRATCH), 3, "dirty in ours");
  checkEq(statusBits(pd, SCRATCH), 0, "but not in the other address space");
}

/** VSPACE0001: unmapping a frame after its page directory was deleted succeeds. */
export function vspaceUnmapAfterPdDelete(): void {
  const pd = newVSpace();
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, pd, SCRATCH, ATTR), seL4_NoError, "a page table");
  const f = make(OBJ_X86_4K, 0);
  checkEq(seL4_X86_Page_Map(f, pd, SCRATCH, R_RW, ATTR), seL4_NoError, "a frame");
  checkEq(del(pd), seL4_NoError, "delete the page directory");
  checkEq(seL4_X86_Page_Unmap(f), seL4_NoError, "unmap the frame afterwards");
  checkEq(seL4_X86_PageTable_Unmap(pt), seL4_NoError, "and the page table");
  const pd2 = newVSpace();
  checkEq(seL4_X86_Page_Map(f, pd2, SCRATCH, R_RW, ATTR), seL4_FailedLookup, "the frame is free to map elsewhere (here: no table yet)");
}

/** VSPACE0002: ASIDControl_MakePool makes a pool from a 4 KiB untyped; its ASIDs work. */
export function asidMakePool(): void {
  const ut = make(OBJ_UNTYPED, 12);
  const pool = freeSlot();
  checkEq(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, MY_CNODE, pool, DEPTH), seL4_NoError, "make a pool");
  checkEq(seL4_DebugCapIdentify(pool), CAP_ASID_POOL_CAP, "an ASID pool capability");
  const pd = make(OBJ_X86_PAGE_DIRECTORY, 0);
  checkEq(seL4_X86_ASIDPool_Assign(pool, pd), seL4_NoError, "assign from the new pool");
  checkEq(seL4_X86_ASIDPool_Assign(pool, pd), seL4_InvalidCapability, "a directory with an ASID already");
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, pd, SCRATCH, ATTR), seL4_NoError, "its page directory works");
  const big = make(OBJ_UNTYPED, 13);
  checkEq(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, big, MY_CNODE, freeSlot(), DEPTH), seL4_InvalidCapability, "an untyped of 8 KiB (InvalidCapability 1, as seL4)");
}

/** Makes ASID pools from 4 KiB untypeds until ASIDControl refuses; returns how many, their slots from `first`. */
function makePools(first: u32, max: u32): u32 {
  let made: u32 = 0;
  for (let i: u32 = 0; i < max; i++) {
    const ut = make(OBJ_UNTYPED, 12);
    const err = seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, MY_CNODE, first + i, DEPTH);
    if (err != seL4_NoError) {
      checkEq(err, seL4_DeleteFirst, "no free block of ASIDs");
      break;
    }
    made++;
  }
  return made;
}

/** VSPACE0003: several pools at once, each handing out its own ASIDs. */
export function asidMultiplePools(): void {
  const first = freeSlot();
  freeSlot();
  checkEq(makePools(first, 2), 2, "two pools");
  const a = make(OBJ_X86_PAGE_DIRECTORY, 0);
  const b = make(OBJ_X86_PAGE_DIRECTORY, 0);
  checkEq(seL4_X86_ASIDPool_Assign(first, a), seL4_NoError, "an ASID from the first");
  checkEq(seL4_X86_ASIDPool_Assign(first + 1, b), seL4_NoError, "an ASID from the second");
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, b, SCRATCH, ATTR), seL4_NoError, "the second's directory works");
}

/** VSPACE0004: ASIDControl runs out after the 4 blocks (the root task's pool holds one); deleting a pool frees its block. */
export function asidPoolsRunOut(): void {
  const first = freeSlot();
  freeSlot();
  freeSlot();
  freeSlot();
  checkEq(makePools(first, 4), 3, "three pools besides the root task's");
  checkEq(del(first + 2), seL4_NoError, "delete a pool");
  const ut = make(OBJ_UNTYPED, 12);
  checkEq(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, MY_CNODE, freeSlot(), DEPTH), seL4_NoError, "its block is free again");
}

/** VSPACE0006: every available pool can be used: a directory from each maps a page table and a frame. */
export function asidTouchAllPools(): void {
  const first = freeSlot();
  freeSlot();
  freeSlot();
  const made = makePools(first, 3);
  checkEq(made, 3, "all three available pools");
  for (let i: u32 = 0; i < made; i++) {
    const pd = make(OBJ_X86_PAGE_DIRECTORY, 0);
    checkEq(seL4_X86_ASIDPool_Assign(first + i, pd), seL4_NoError, "an ASID from each pool");
    const pt = make(OBJ_X86_PAGE_TABLE, 0);
    checkEq(seL4_X86_PageTable_Map(pt, pd, SCRATCH, ATTR), seL4_NoError, "a page table in each");
    const f = make(OBJ_X86_4K, 0);
    checkEq(seL4_X86_Page_Map(f, pd, SCRATCH, R_RW, ATTR), seL4_NoError, "a frame in each");
  }
}

/** VSPACE0005: a pool assigns at most 1024 ASIDs (1023 in the block that holds ASID 0). */
export function asidPoolFull(): void {
  const ut = make(OBJ_UNTYPED, 12);
  const pool = freeSlot();
  checkEq(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, MY_CNODE, pool, DEPTH), seL4_NoError, "make a pool");
  const n: u32 = 1 << seL4_ASIDPoolIndexBits;
  const pds = makeN(OBJ_X86_PAGE_DIRECTORY, 0, 256);
  let assigned: u32 = 0;
  for (let i: u32 = 0; i < 256; i++) if (seL4_X86_ASIDPool_Assign(pool, pds + i) == seL4_NoError) assigned++;
  checkEq(assigned, 256, "256 directories");
  // Fill the rest of the pool with more directories, 256 at a time.
  let failedAt: u32 = 0;
  for (let round = 0; round < 3 && failedAt == 0; round++) {
    const more = makeN(OBJ_X86_PAGE_DIRECTORY, 0, 256);
    for (let i: u32 = 0; i < 256 && failedAt == 0; i++) {
      const err = seL4_X86_ASIDPool_Assign(pool, more + i);
      if (err == seL4_NoError) assigned++;
      else {
        failedAt = assigned;
        checkEq(err, seL4_DeleteFirst, "a full pool");
      }
    }
  }
  check(assigned == n || assigned == n - 1, "the pool took all its ASIDs");
  checkEq(seL4_X86_ASIDPool_Assign(pool, make(OBJ_X86_PAGE_DIRECTORY, 0)), seL4_DeleteFirst, "one more is refused");
  checkEq(seL4_DebugCapIdentify(freeSlot()), CAP_NULL_CAP, "slots are still free");
}

/**
 * VSPACE0001 (page table): deleting a page table's last capability takes
 * every page under it out of the address space, and leaves no stale
 * translation: a different frame mapped there through a new table reads
 * as itself.
 */
export function pageTableDeleteUnmaps(): void {
  const pt = pageTable(SCRATCH);
  const f = make(OBJ_X86_4K, 0);
  checkEq(map(f, SCRATCH + 0x3000), seL4_NoError, "map a frame through the table");
  store<u32>(SCRATCH + 0x3000, 9);
  checkEq(statusBits(MY_VSPACE, SCRATCH + 0x3000), 3, "present, accessed and dirty");
  checkEq(del(pt), seL4_NoError, "delete the page table");
  checkEq(statusBits(MY_VSPACE, SCRATCH + 0x3000), NOT_MAPPED, "the page is gone with it");
  checkEq(map(f, SCRATCH + 0x3000), seL4_FailedLookup, "no table there any more");
  pageTable(SCRATCH);
  // The TLB held the old table's translation of the page (we wrote it): a different frame there must read as itself.
  const g = frameHolding(0x600D0002, SCRATCH + 0x5000);
  checkEq(map(g, SCRATCH + 0x3000), seL4_NoError, "a different frame, through the new table");
  checkEq(load<u32>(SCRATCH + 0x3000), 0x600D0002, "reads as itself, not as the frame the deleted table mapped");
  checkEq(seL4_X86_Page_Unmap(g), seL4_NoError, "unmap it");
  checkEq(map(f, SCRATCH + 0x3000), seL4_NoError, "a new table takes the frame again");
  checkEq(load<u32>(SCRATCH + 0x3000), 9, "with its contents");
}

/** CNODEOP0007 (untyped): revoking an untyped deletes every object made from it and takes its mapped frames out of the address space. */
export function revokeUntypedUnmaps(): void {
  const ut = make(OBJ_UNTYPED, 16);
  pageTable(SCRATCH);
  const first = freeSlot();
  freeSlot();
  checkEq(seL4_Untyped_Retype(ut, OBJ_X86_4K, 0, MY_CNODE, 0, 0, first, 2), seL4_NoError, "two frames from a child untyped");
  checkEq(map(first, SCRATCH), seL4_NoError, "map the first");
  checkEq(map(first + 1, SCRATCH + 0x1000), seL4_NoError, "map the second");
  store<u32>(SCRATCH, 1);
  store<u32>(SCRATCH + 0x1000, 2);
  checkEq(seL4_CNode_Revoke(MY_CNODE, ut, DEPTH), seL4_NoError, "revoke the untyped");
  checkEq(seL4_DebugCapIdentify(first), CAP_NULL_CAP, "the frame capabilities are gone");
  checkEq(statusBits(MY_VSPACE, SCRATCH), NOT_MAPPED, "the first page is unmapped");
  checkEq(statusBits(MY_VSPACE, SCRATCH + 0x1000), NOT_MAPPED, "the second too");
}

/** RETYPE0001 (cleared): memory an untyped gave out comes back cleared after a revoke: a new frame there reads zero. */
export function retypeAfterRevokeIsZero(): void {
  const ut = make(OBJ_UNTYPED, 12);
  pageTable(SCRATCH);
  const f = freeSlot();
  checkEq(seL4_Untyped_Retype(ut, OBJ_X86_4K, 0, MY_CNODE, 0, 0, f, 1), seL4_NoError, "a frame");
  checkEq(map(f, SCRATCH), seL4_NoError, "map it");
  for (let i: u32 = 0; i < 1024; i++) store<u32>(SCRATCH + i * 4, 0xDEAD0000 | i);
  checkEq(seL4_CNode_Revoke(MY_CNODE, ut, DEPTH), seL4_NoError, "revoke the untyped");
  const g = freeSlot();
  checkEq(seL4_Untyped_Retype(ut, OBJ_X86_4K, 0, MY_CNODE, 0, 0, g, 1), seL4_NoError, "a new frame in the same memory");
  checkEq(seL4_X86_Page_GetAddress(g), seL4_NoError, "its address");
  checkEq(map(g, SCRATCH), seL4_NoError, "map it where the old one was");
  let zero = true;
  for (let i: u32 = 0; i < 1024; i++) zero = zero && load<u32>(SCRATCH + i * 4) == 0;
  check(zero, "it reads zero: nothing of the old frame is left");
}
