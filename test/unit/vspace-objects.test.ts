// test/unit/vspace-objects.test.ts: the ia32 VSpace objects (frames, page
// tables, page directories, ASIDControl, ASID pools) as the kernel's own
// decode/invoke code (kernel/object/frame.ts, page-table.ts,
// page-directory.ts, asid-control.ts, asid-pool.ts, kernel/arch/x86/asid.ts,
// and their finalisation in kernel/cspace/delete.ts) compiled to wasm.
//
// Wasm memory plays physical memory (the window at 0). Each case builds a
// CSpace, sends one invocation as libsel4 lays it out, and checks seL4's
// exact error and reply words, then the real page-table entries, the
// capabilities' mapping fields and the TLB maintenance (every writeCr3 and
// invlpg is logged). The random test at the end runs 20 000 map, unmap,
// copy, delete and revoke operations and checks after each that every
// present user entry is backed by a live frame capability that says so.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance } from "../helpers/kernel-wasm";
import { loadKernelEntryWithTlbLog, TlbCall } from "../helpers/tlb-log";
import { rng } from "../helpers/rng";
import { CAP_TAGS, ERRORS, INVOCATION_LABELS, LOOKUP_FAILURES, OBJECT_TYPES } from "../../libs/abi/sel4.def.ts";
import { KERNEL_VBASE, USER_TOP } from "../helpers/layout";

const ENTRY = "test/kernel/vspace-objects.entry.ts";
const TAG = Object.fromEntries(CAP_TAGS.entries.map((e) => [e.name, e.value]));
const ERR = Object.fromEntries(ERRORS.entries.map((e) => [e.name, e.value]));
const L = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const OBJ = Object.fromEntries(OBJECT_TYPES.entries.map((e) => [e.name, e.value]));
const FAIL = Object.fromEntries(LOOKUP_FAILURES.entries.map((e) => [e.name.replace(/^seL4_/, ""), e.value]));

// Entry bits (Intel SDM vol. 3A, 4.3).
const P = 1 << 0;
const W = 1 << 1;
const U = 1 << 2;
const PWT = 1 << 3;
const PCD = 1 << 4;
const A = 1 << 5;
const D = 1 << 6;
const PS = 1 << 7;
// seL4_CapRights_t and seL4_X86_VMAttributes.
const R_WRITE = 1;
const R_READ = 2;
const RW = R_READ | R_WRITE;
const ALL_RIGHTS = 15;
const WRITE_THROUGH = 1;
const CACHE_DISABLED = 2;
const UNCACHEABLE = 3;
const WRITE_COMBINING = 4;
const NO_VSPACE = 0xffffffff;
const MB4 = 0x400000;

let k: KernelInstance;
let x: any;
let tlb: TlbCall[];
/** The root CNode: 256 slots, no guard (depth 8 names a slot). */
let root: number;
let rootCap: number;
/** An 8 MiB untyped in root slot UT, 8 MiB aligned so it can hold 4 MiB pages. */
let utBase: number;
/** The kernel's page directory: its upper quarter is the window every new directory copies. */
let kernelPd: number;

const UT = 1;
const ASID_CONTROL = 2;
const POOL = 3;
const slotOf = (i: number) => root + 16 * i;
const tagAt = (i: number) => x.tag(slotOf(i));
const read32 = (phys: number) => k.view.getUint32(phys, true);
const write32 = (phys: number, v: number) => k.view.setUint32(phys, v >>> 0, true);
const pde = (pd: number, vaddr: number) => read32(pd + (vaddr >>> 22) * 4);
const pte = (pt: number, vaddr: number) => read32(pt + ((vaddr >>> 12) & 0x3ff) * 4);
const phys = (i: number) => x.pagePhys(slotOf(i)) >>> 0;

beforeAll(async () => {
  ({ k, tlb } = await loadKernelEntryWithTlbLog(ENTRY, { scratchPages: 400 }));
  x = k.exports;
}, 120_000);

beforeEach(() => {
  k.resetScratch();
  x.vspaceSetPhysWindow(0);
  x.asidTableReset();
  utBase = k.alloc(1 << 23, 1 << 23);
  root = k.alloc(16 * 256, 4096);
  rootCap = k.alloc(16, 16);
  kernelPd = k.alloc(4096, 4096);
  // The window: a 4 KiB table first (as kernel-window.ts builds), then global 4 MiB pages.
  const kernelPt = k.alloc(4096, 4096);
  for (let i = KERNEL_VBASE >>> 22; i < 1024; i++) {
    write32(kernelPd + i * 4, i === KERNEL_VBASE >>> 22 ? kernelPt | P | W : (((i - (KERNEL_VBASE >>> 22)) << 22) | P | W | PS | 0x100));
  }
  for (let j = 0; j < 1024; j++) write32(kernelPt + j * 4, (j << 12) | P | W | 0x100);
  k.x86.cr3 = kernelPd;
  x.vspaceInit();
  x.makeCNode(root, 8, 0, 0);
  x.setCap(rootCap, x.lastData(), x.lastObject());
  x.makeUntyped(utBase, 23, false, 0);
  x.insertRoot(slotOf(UT), true);
  x.makeTagOnly(TAG.asid_control_cap);
  x.insertRoot(slotOf(ASID_CONTROL), false);
  tlb.length = 0;
});

/** Sends one invocation of the capability in `slot`; returns the error code (0: done). */
function invoke(slot: number, label: number, args: number[], extra: number[] = []): number {
  x.invocationBegin(label, args.length);
  args.forEach((v, i) => x.invocationSetArg(i, v >>> 0));
  for (const e of extra) x.invocationAddExtraCap(e);
  const pairs: Record<number, [string, string]> = {
    [TAG.frame_cap]: ["decodeFrameInvocation", "invokeFrame"],
    [TAG.page_table_cap]: ["decodePageTableInvocation", "invokePageTable"],
    [TAG.page_directory_cap]: ["decodePageDirectoryInvocation", "invokePageDirectory"],
    [TAG.asid_control_cap]: ["decodeASIDControlInvocation", "invokeASIDControl"],
    [TAG.asid_pool_cap]: ["decodeASIDPoolInvocation", "invokeASIDPool"],
    [TAG.untyped_cap]: ["decodeUntypedInvocation", "invokeUntypedRetype"],
    [TAG.cnode_cap]: ["decodeCNodeInvocation", "invokeCNode"],
  };
  const pair = pairs[x.tag(slot)];
  if (!pair) throw new Error(`invoke: no decoder for tag ${x.tag(slot)}`);
  x.replyEmpty();
  const err = x[pair[0]](slot);
  if (err === 0) x[pair[1]](slot);
  return err;
}

/** The reply to the last invocation: [label, length, words...] (buildErrorReply for errors). */
function errorReply(): number[] {
  const n = x.buildErrorReply();
  const info = x.replyInfo() >>> 0;
  return [info >>> 12, info & 0x7f, ...Array.from({ length: n }, (_, i) => x.replyWord(i) >>> 0)];
}
function valueReply(): number[] {
  const info = x.replyInfo() >>> 0;
  const n = info & 0x7f;
  return [info >>> 12, n, ...Array.from({ length: n }, (_, i) => x.replyWord(i) >>> 0)];
}

const retype = (type: number, size: number, dest: number, from = slotOf(UT)) =>
  invoke(from, L.UntypedRetype, [type, size, 0, 0, dest, 1], [rootCap]);
const copy = (dest: number, src: number, rights = ALL_RIGHTS) =>
  invoke(rootCap, L.CNodeCopy, [dest, 8, src, 8, rights], [rootCap]);
const del = (i: number) => invoke(rootCap, L.CNodeDelete, [i, 8]);
const revoke = (i: number) => invoke(rootCap, L.CNodeRevoke, [i, 8]);
const makePool = (dest: number, utSlot: number) =>
  invoke(slotOf(ASID_CONTROL), L.X86ASIDControlMakePool, [dest, 8], [slotOf(utSlot), rootCap]);
const assign = (pdSlot: number, pool = POOL) => invoke(slotOf(pool), L.X86ASIDPoolAssign, [], [slotOf(pdSlot)]);
const mapFrame = (f: number, pd: number, vaddr: number, rights = RW, attr = 0) =>
  invoke(slotOf(f), L.X86PageMap, [vaddr, rights, attr], [slotOf(pd)]);
const unmapFrame = (f: number) => invoke(slotOf(f), L.X86PageUnmap, []);
const mapTable = (t: number, pd: number, vaddr: number, attr = 0) =>
  invoke(slotOf(t), L.X86PageTableMap, [vaddr, attr], [slotOf(pd)]);
const unmapTable = (t: number) => invoke(slotOf(t), L.X86PageTableUnmap, []);

/** A 4 KiB untyped (from UT) in slot `ut`, then ASIDControl makes a pool of it in `dest`. */
function newPool(dest = POOL, ut = 4): void {
  expect(retype(OBJ.Untyped, 12, ut)).toBe(0);
  expect(makePool(dest, ut)).toBe(0);
}
/** A page directory in `slot`, given an ASID by the pool in POOL. */
function newSpace(slot: number): number {
  expect(retype(OBJ.X86_PageDirectory, 0, slot)).toBe(0);
  expect(assign(slot)).toBe(0);
  return phys(slot);
}

/** Pool, page directory (slot 10), page table (11) at 0x00400000, 4 KiB frame (12): the usual start. */
function basicSpace(): { pd: number; pt: number; frame: number } {
  newPool();
  const pd = newSpace(10);
  expect(retype(OBJ.X86_PageTable, 0, 11)).toBe(0);
  expect(mapTable(11, 10, 0x00400000)).toBe(0);
  expect(retype(OBJ.X86_4K, 0, 12)).toBe(0);
  tlb.length = 0;
  return { pd, pt: phys(11), frame: phys(12) };
}

it("names the object types and labels it sends as seL4 does", () => {
  expect([OBJ.X86_4K, OBJ.X86_LargePage, OBJ.X86_PageTable, OBJ.X86_PageDirectory]).toEqual([5, 6, 7, 8]);
  expect([L.X86PageDirectoryGetStatusBits, L.X86PageTableMap, L.X86PageMap, L.X86ASIDControlMakePool, L.X86ASIDPoolAssign]).toEqual([33, 34, 36, 39, 40]);
});

// ── ASIDControl ──────────────────────────────────────────────────────
describe("X86ASIDControlMakePool", () => {
  it("turns a 4 KiB untyped into the pool for the first free block of ASIDs, zeroed, its capability a child of the untyped", () => {
    expect(retype(OBJ.Untyped, 12, 4)).toBe(0);
    const mem = x.objectPhys(slotOf(4));
    k.u8.fill(0x5a, mem, mem + 4096);
    expect(makePool(POOL, 4)).toBe(0);
    expect(tagAt(POOL)).toBe(TAG.asid_pool_cap);
    expect(phys(POOL)).toBe(mem);
    expect(x.asidPoolBase(slotOf(POOL))).toBe(0);
    expect(x.asidTablePool(0) >>> 0).toBe(mem);
    expect(x.asidTablePool(1) >>> 0).toBe(NO_VSPACE);
    expect(k.u8.subarray(mem, mem + 4096).every((b) => b === 0)).toBe(true);
    expect(x.untypedFreeIndex(slotOf(4))).toBe(4096 / 16); // full
    expect(x.isParentOf(slotOf(4), slotOf(POOL))).toBe(1);
    expect(x.mdbRevocable(slotOf(POOL))).toBe(0);
    // The next pool serves ASIDs 1024..2047.
    expect(retype(OBJ.Untyped, 12, 5)).toBe(0);
    expect(makePool(6, 5)).toBe(0);
    expect(x.asidPoolBase(slotOf(6))).toBe(1024);
    expect(x.asidTablePool(1) >>> 0).toBe(phys(6));
  });

  it("errors, in seL4's order, with seL4's details", () => {
    expect(retype(OBJ.Untyped, 12, 4)).toBe(0);
    const ac = slotOf(ASID_CONTROL);
    expect(invoke(ac, L.X86ASIDPoolAssign, [POOL, 8], [slotOf(4), rootCap])).toBe(ERR.IllegalOperation);
    expect(invoke(ac, L.X86ASIDControlMakePool, [POOL], [slotOf(4), rootCap])).toBe(ERR.TruncatedMessage);
    expect(invoke(ac, L.X86ASIDControlMakePool, [POOL, 8], [slotOf(4)])).toBe(ERR.TruncatedMessage);
    // The untyped: exactly 4 KiB, not device memory (it is extra capability 0, number 1).
    expect(makePool(POOL, UT)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    expect(retype(OBJ.Untyped, 13, 5)).toBe(0);
    expect(makePool(POOL, 5)).toBe(ERR.InvalidCapability);
    const dev = k.alloc(4096, 4096);
    x.makeUntyped(dev, 12, true, 0);
    x.insertRoot(slotOf(6), true);
    expect(makePool(POOL, 6)).toBe(ERR.InvalidCapability);
    expect(makePool(POOL, ASID_CONTROL)).toBe(ERR.InvalidCapability);
    // An untyped with children must be revoked first.
    expect(retype(OBJ.Endpoint, 0, 7, slotOf(4))).toBe(0);
    expect(makePool(POOL, 4)).toBe(ERR.RevokeFirst);
    expect(revoke(4)).toBe(0);
    // The destination: looked up as a CNode operation, and empty.
    expect(invoke(ac, L.X86ASIDControlMakePool, [POOL, 0], [slotOf(4), rootCap])).toBe(ERR.RangeError);
    expect(errorReply()).toEqual([ERR.RangeError, 2, 1, 32]);
    expect(invoke(ac, L.X86ASIDControlMakePool, [POOL, 9], [slotOf(4), rootCap])).toBe(ERR.FailedLookup);
    expect(errorReply()).toEqual([ERR.FailedLookup, 4, 0, FAIL.DepthMismatch, 1, 0]); // 1 bit left after the root
    expect(makePool(UT, 4)).toBe(ERR.DeleteFirst);
    expect(x.asidTablePool(0) >>> 0).toBe(NO_VSPACE);
    expect(makePool(POOL, 4)).toBe(0);
  });

  it("DeleteFirst when all four pools exist, before the untyped is even looked at", () => {
    for (let i = 0; i < 4; i++) newPool(20 + i, 30 + i);
    expect([0, 1, 2, 3].map((h) => x.asidTablePool(h) >>> 0)).toEqual([20, 21, 22, 23].map(phys));
    expect(makePool(POOL, UT)).toBe(ERR.DeleteFirst);
    expect(retype(OBJ.Untyped, 12, 34)).toBe(0);
    expect(makePool(POOL, 34)).toBe(ERR.DeleteFirst);
    // Deleting a pool frees its block; the next pool takes it.
    expect(del(21)).toBe(0);
    expect(x.asidTablePool(1) >>> 0).toBe(NO_VSPACE);
    expect(makePool(POOL, 34)).toBe(0);
    expect(x.asidPoolBase(slotOf(POOL))).toBe(1024);
  });
});

// ── ASID pools ───────────────────────────────────────────────────────
describe("X86ASIDPoolAssign", () => {
  beforeEach(() => newPool());

  it("gives the lowest free ASID, never 0, and records it in the capability and the pool", () => {
    expect(retype(OBJ.X86_PageDirectory, 0, 10)).toBe(0);
    expect(retype(OBJ.X86_PageDirectory, 0, 11)).toBe(0);
    expect(x.tableIsMapped(slotOf(10))).toBe(0);
    expect(assign(10)).toBe(0);
    expect(assign(11)).toBe(0);
    expect([x.tableIsMapped(slotOf(10)), x.tableMappedAsid(slotOf(10)), x.tableMappedAsid(slotOf(11))]).toEqual([1, 1, 2]);
    expect(x.findVSpaceForASID(1) >>> 0).toBe(phys(10));
    expect(x.findVSpaceForASID(2) >>> 0).toBe(phys(11));
    expect(x.findVSpaceForASID(0) >>> 0).toBe(NO_VSPACE);
    expect(x.findVSpaceForASID(3) >>> 0).toBe(NO_VSPACE);
    expect(x.findVSpaceForASID(1025) >>> 0).toBe(NO_VSPACE);
    expect(read32(phys(POOL) + 4) >>> 0).toBe((phys(10) | 1) >>> 0); // entry: directory | valid
    // A freed ASID is handed out again.
    expect(del(10)).toBe(0);
    expect(retype(OBJ.X86_PageDirectory, 0, 12)).toBe(0);
    expect(assign(12)).toBe(0);
    expect(x.tableMappedAsid(slotOf(12))).toBe(1);
  });

  it("errors, in seL4's order, with seL4's details", () => {
    expect(retype(OBJ.X86_PageDirectory, 0, 10)).toBe(0);
    const pool = slotOf(POOL);
    expect(invoke(pool, L.X86ASIDControlMakePool, [], [slotOf(10)])).toBe(ERR.IllegalOperation);
    expect(invoke(pool, L.X86ASIDPoolAssign, [])).toBe(ERR.TruncatedMessage);
    expect(assign(UT)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    expect(assign(10)).toBe(0);
    expect(assign(10)).toBe(ERR.InvalidCapability); // has an ASID already
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    expect(retype(OBJ.X86_PageDirectory, 0, 11)).toBe(0);
    // The pool must still be the table's: another page there is InvalidCapability 0; none is an invalid root.
    const real = phys(POOL);
    x.asidTableSetPool(0, real + 4096);
    expect(assign(11)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 0]);
    x.asidTableReset();
    expect(assign(11)).toBe(ERR.FailedLookup);
    expect(errorReply()).toEqual([ERR.FailedLookup, 2, 0, FAIL.InvalidRoot]);
    x.asidTableSetPool(0, real);
    // A full pool: DeleteFirst.
    for (let i = 2; i < 1024; i++) x.asidPoolSet(real, i, 0x1000);
    expect(assign(11)).toBe(ERR.DeleteFirst);
    expect(errorReply()).toEqual([ERR.DeleteFirst, 0]);
    expect(x.tableIsMapped(slotOf(11))).toBe(0);
  });

  it("the boot helpers give the root task its pool and ASID the same way", () => {
    expect(retype(OBJ.X86_PageDirectory, 0, 10)).toBe(0);
    const page = k.alloc(4096, 4096);
    x.asidTableReset();
    x.asidTableSetPool(0, page);
    x.asidPoolSet(page, 1, phys(10));
    expect(x.asidPoolGet(page, 1) >>> 0).toBe(phys(10));
    expect(x.findVSpaceForASID(1) >>> 0).toBe(phys(10));
  });
});

// ── Page tables ──────────────────────────────────────────────────────
describe("X86PageTableMap and X86PageTableUnmap", () => {
  let pd: number;
  beforeEach(() => {
    newPool();
    pd = newSpace(10);
    expect(retype(OBJ.X86_PageTable, 0, 11)).toBe(0);
    tlb.length = 0;
  });

  it("maps a table for the 4 MiB region holding vaddr: PDE P|W|U, the capability records ASID and region", () => {
    expect(mapTable(11, 10, 0x00401234)).toBe(0);
    expect(pde(pd, 0x00400000)).toBe(phys(11) | P | W | U);
    expect([x.tableIsMapped(slotOf(11)), x.tableMappedAsid(slotOf(11)), x.tableMappedVaddr(slotOf(11)) >>> 0]).toEqual([1, 1, 0x00400000]);
    expect(tlb).toEqual([]);
    // Attributes: PCD and PWT on the PDE.
    expect(retype(OBJ.X86_PageTable, 0, 12)).toBe(0);
    expect(mapTable(12, 10, 0x00800000, UNCACHEABLE)).toBe(0);
    expect(pde(pd, 0x00800000)).toBe(phys(12) | P | W | U | PWT | PCD);
  });

  it("map errors, in seL4's order, with seL4's details", () => {
    const t = slotOf(11);
    expect(invoke(t, L.X86PageMap, [0x00400000, 0], [slotOf(10)])).toBe(ERR.IllegalOperation);
    expect(invoke(t, L.X86PageTableMap, [0x00400000], [slotOf(10)])).toBe(ERR.TruncatedMessage);
    expect(invoke(t, L.X86PageTableMap, [0x00400000, 0])).toBe(ERR.TruncatedMessage);
    expect(mapTable(11, UT, 0x00400000)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    expect(retype(OBJ.X86_PageDirectory, 0, 13)).toBe(0);
    expect(mapTable(11, 13, 0x00400000)).toBe(ERR.InvalidCapability); // no ASID
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    expect(mapTable(11, 10, USER_TOP + MB4)).toBe(ERR.InvalidArgument);
    expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 0]);
    // USER_TOP itself passes seL4's check, and finds the kernel window's entry there.
    expect(mapTable(11, 10, USER_TOP)).toBe(ERR.DeleteFirst);
    expect(mapTable(11, 10, 0x00400000)).toBe(0);
    expect(mapTable(11, 10, 0x00800000)).toBe(ERR.InvalidCapability); // mapped already
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 0]);
    expect(retype(OBJ.X86_PageTable, 0, 12)).toBe(0);
    expect(mapTable(12, 10, 0x007fffff)).toBe(ERR.DeleteFirst); // a table there
    expect(retype(OBJ.X86_LargePage, 0, 14)).toBe(0);
    expect(mapFrame(14, 10, 0x00c00000)).toBe(0);
    expect(mapTable(12, 10, 0x00c00000)).toBe(ERR.DeleteFirst); // a 4 MiB page there
    expect(errorReply()).toEqual([ERR.DeleteFirst, 0]);
  });

  it("map errors when the directory's ASID no longer names it", () => {
    expect(copy(20, 10)).toBe(0); // a mapped directory capability may be copied
    expect(del(POOL)).toBe(0); // the pool goes: the directory keeps its capability's ASID, which names nothing
    expect(x.tableIsMapped(slotOf(20))).toBe(1);
    expect(mapTable(11, 20, 0x00400000)).toBe(ERR.FailedLookup);
    expect(errorReply()).toEqual([ERR.FailedLookup, 2, 0, FAIL.InvalidRoot]);
    // A new pool gives ASID 1 to another directory: the old capability's ASID names that one now.
    newPool(POOL, 5);
    newSpace(21);
    expect(x.tableMappedAsid(slotOf(21))).toBe(1);
    expect(mapTable(11, 20, 0x00400000)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
  });

  it("unmap: only through the last capability; clears the PDE and zeroes the table; CR3 reloaded when current", () => {
    expect(mapTable(11, 10, 0x00400000)).toBe(0);
    expect(retype(OBJ.X86_4K, 0, 12)).toBe(0);
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    expect(copy(13, 11)).toBe(0); // a mapped table's capability may be copied
    expect(unmapTable(11)).toBe(ERR.RevokeFirst);
    expect(errorReply()).toEqual([ERR.RevokeFirst, 0]);
    expect(del(13)).toBe(0); // not the last: the table stays
    expect(pde(pd, 0x00400000)).toBe(phys(11) | P | W | U);
    x.vspaceSwitch(pd);
    tlb.length = 0;
    expect(unmapTable(11)).toBe(0);
    expect(pde(pd, 0x00400000)).toBe(0);
    const pt = phys(11);
    expect(k.u8.subarray(pt, pt + 4096).every((b) => b === 0)).toBe(true);
    expect([x.tableIsMapped(slotOf(11)), x.tableMappedAsid(slotOf(11))]).toEqual([0, 0]);
    expect(tlb).toEqual([["writeCr3", pd]]);
    // Unmapping an unmapped table is a no-op success; it can be mapped again.
    expect(unmapTable(11)).toBe(0);
    expect(mapTable(11, 10, 0x00800000)).toBe(0);
    // The frame's capability still says it is mapped; its unmap finds nothing and changes nothing.
    expect(unmapFrame(12)).toBe(0);
    expect(pde(pd, 0x00800000)).toBe(phys(11) | P | W | U);
  });

  it("a copy of an unmapped table or unassigned directory is refused (IllegalOperation); mapped ones copy", () => {
    expect(copy(20, 11)).toBe(ERR.IllegalOperation);
    expect(retype(OBJ.X86_PageDirectory, 0, 12)).toBe(0);
    expect(copy(20, 12)).toBe(ERR.IllegalOperation);
    expect(mapTable(11, 10, 0x00400000)).toBe(0);
    expect(copy(20, 11)).toBe(0);
    expect(copy(21, 10)).toBe(0);
    expect([x.tableMappedAsid(slotOf(20)), x.tableMappedAsid(slotOf(21))]).toEqual([1, 1]);
  });
});

// ── Frames ───────────────────────────────────────────────────────────
describe("X86PageMap", () => {
  it("maps a 4 KiB frame: the PTE from the rights and attributes, the capability records ASID and vaddr", () => {
    const { pd, pt, frame } = basicSpace();
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    expect(pte(pt, 0x00401000)).toBe(frame | P | W | U);
    expect([x.frameMappedAsid(slotOf(12)), x.frameMappedVaddr(slotOf(12)) >>> 0]).toEqual([1, 0x00401000]);
    expect(BigInt.asUintN(32, BigInt(x.lookupPage(pd, 0x00401abc)))).toBe(BigInt(frame | P | W | U));
    expect(tlb).toEqual([]);
  });

  it("masks the rights with the capability's VM rights (seL4's maskVMRights)", () => {
    // maskVMRights: VM rights 1 kernel-only, 2 read-only, 3 read-write.
    const table = [
      [3, RW, 3], [3, R_READ, 2], [3, R_WRITE, 1], [3, 0, 1],
      [2, RW, 2], [2, R_READ, 2], [2, R_WRITE, 1], [1, RW, 1],
    ];
    for (const [vm, rights, want] of table) expect([vm, rights, x.maskVMRights(vm, rights)]).toEqual([vm, rights, want]);
    const { pt, frame } = basicSpace();
    const cases: [number, number, number][] = [
      [0x00401000, RW, P | W | U],
      [0x00402000, R_READ, P | U],
      [0x00403000, R_WRITE, P | W], // kernel-only: writable, not user (seL4's makeUserPTE)
      [0x00404000, 0, P | W],
    ];
    cases.forEach(([vaddr, rights, bits], i) => {
      expect(copy(20 + i, 12)).toBe(0);
      expect(mapFrame(20 + i, 10, vaddr, rights)).toBe(0);
      expect(pte(pt, vaddr)).toBe(frame | bits);
    });
    // A read-only capability (CNode_Copy with read only) never maps writable.
    expect(copy(30, 12, R_READ)).toBe(0);
    expect(x.frameVmRights(slotOf(30))).toBe(2);
    expect(mapFrame(30, 10, 0x00405000, ALL_RIGHTS)).toBe(0);
    expect(pte(pt, 0x00405000)).toBe(frame | P | U);
  });

  it("sets PWT for WriteThrough, PCD for CacheDisabled, both for Uncacheable; WriteCombining adds nothing", () => {
    const { pt, frame } = basicSpace();
    const cases: [number, number][] = [[WRITE_THROUGH, PWT], [CACHE_DISABLED, PCD], [UNCACHEABLE, PWT | PCD], [WRITE_COMBINING, 0]];
    cases.forEach(([attr, bits], i) => {
      const vaddr = 0x00401000 + i * 0x1000;
      expect(copy(20 + i, 12)).toBe(0);
      expect(mapFrame(20 + i, 10, vaddr, RW, attr)).toBe(0);
      expect(pte(pt, vaddr)).toBe(frame | P | W | U | bits);
    });
  });

  it("maps a frame capability once: again only at the same ASID and vaddr, with new rights (the PTE is replaced)", () => {
    const { pd, pt, frame } = basicSpace();
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    x.vspaceSwitch(pd);
    tlb.length = 0;
    expect(mapFrame(12, 10, 0x00401000, R_READ, CACHE_DISABLED)).toBe(0);
    expect(pte(pt, 0x00401000)).toBe(frame | P | U | PCD);
    expect(tlb).toEqual([["invlpg", 0x00401000]]); // the old entry had more rights
    expect(mapFrame(12, 10, 0x00402000)).toBe(ERR.InvalidArgument);
    expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 0]);
    newSpace(13);
    expect(mapFrame(12, 13, 0x00401000)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    // A copy starts unmapped, so the frame can appear twice.
    expect(copy(14, 12)).toBe(0);
    expect(x.frameMappedAsid(slotOf(14))).toBe(0);
    expect(mapFrame(14, 10, 0x00402000)).toBe(0);
    expect(pte(pt, 0x00402000)).toBe(frame | P | W | U);
  });

  it("errors, in seL4's order, with seL4's details", () => {
    const { pd } = basicSpace();
    const f = slotOf(12);
    expect(invoke(f, L.X86PageTableMap, [0x00401000, RW, 0], [slotOf(10)])).toBe(ERR.IllegalOperation);
    expect(invoke(f, L.X86PageDirectoryGetStatusBits, [0x00401000], [slotOf(10)])).toBe(ERR.IllegalOperation);
    expect(invoke(f, L.X86PageMap, [0x00401000, RW], [slotOf(10)])).toBe(ERR.TruncatedMessage);
    expect(errorReply()).toEqual([ERR.TruncatedMessage, 0]);
    expect(invoke(f, L.X86PageMap, [0x00401000, RW, 0])).toBe(ERR.TruncatedMessage);
    expect(mapFrame(12, 11, 0x00401000)).toBe(ERR.InvalidCapability); // a page table, not a directory
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
    expect(retype(OBJ.X86_PageDirectory, 0, 13)).toBe(0);
    expect(mapFrame(12, 13, 0x00401000)).toBe(ERR.InvalidCapability); // no ASID
    // Too high: the frame must end at or below USER_TOP; wrapping around counts as too high.
    for (const v of [USER_TOP, USER_TOP - 0x800, 0xfffff000]) {
      expect(mapFrame(12, 10, v)).toBe(ERR.InvalidArgument);
      expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 0]);
    }
    // Page 0 is never mapped (a kernel null pointer must fault; RATIONALE).
    expect(mapFrame(12, 10, 0)).toBe(ERR.InvalidArgument);
    expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 0]);
    expect(mapFrame(12, 10, 0x00401800)).toBe(ERR.AlignmentError);
    expect(errorReply()).toEqual([ERR.AlignmentError, 0]);
    // No page table for the region: a missing capability, 22 bits left (seL4's lookupPTSlot).
    expect(mapFrame(12, 10, 0x00801000)).toBe(ERR.FailedLookup);
    expect(errorReply()).toEqual([ERR.FailedLookup, 3, 0, FAIL.MissingCapability, 22]);
    expect(x.frameMappedAsid(slotOf(12))).toBe(0);
    expect(pde(pd, 0x00800000)).toBe(0);
    // The highest page maps, with a table for the last region.
    expect(retype(OBJ.X86_PageTable, 0, 14)).toBe(0);
    expect(mapTable(14, 10, USER_TOP - 1)).toBe(0);
    expect(mapFrame(12, 10, USER_TOP - 0x1000)).toBe(0);
    expect(pte(phys(14), USER_TOP - 0x1000)).toBe(phys(12) | P | W | U);
  });

  it("errors when the directory's ASID names nothing, or another directory", () => {
    basicSpace();
    expect(copy(20, 10)).toBe(0);
    expect(del(POOL)).toBe(0);
    expect(mapFrame(12, 20, 0x00401000)).toBe(ERR.FailedLookup);
    expect(errorReply()).toEqual([ERR.FailedLookup, 2, 0, FAIL.InvalidRoot]);
    newPool(POOL, 5);
    newSpace(21);
    expect(mapFrame(12, 20, 0x00401000)).toBe(ERR.InvalidCapability);
    expect(errorReply()).toEqual([ERR.InvalidCapability, 1, 1]);
  });

  it("maps a 4 MiB frame in the directory itself; a page table there is DeleteFirst; alignment is 4 MiB", () => {
    const { pd } = basicSpace();
    expect(retype(OBJ.X86_LargePage, 0, 13)).toBe(0);
    const big = phys(13);
    expect(big % MB4).toBe(0);
    expect(mapFrame(13, 10, 0x00400000)).toBe(ERR.DeleteFirst);
    expect(errorReply()).toEqual([ERR.DeleteFirst, 0]);
    expect(mapFrame(13, 10, 0x00801000)).toBe(ERR.AlignmentError);
    expect(mapFrame(13, 10, USER_TOP - MB4 / 2)).toBe(ERR.InvalidArgument); // ends above USER_TOP
    expect(mapFrame(13, 10, 0x00800000, R_READ, CACHE_DISABLED)).toBe(0);
    expect(pde(pd, 0x00800000)).toBe(big | P | PS | U | PCD);
    expect([x.frameMappedAsid(slotOf(13)), x.frameMappedVaddr(slotOf(13)) >>> 0]).toEqual([1, 0x00800000]);
    expect(mapFrame(13, 10, 0x00800000, RW)).toBe(0); // remap in place
    expect(pde(pd, 0x00800000)).toBe(big | P | PS | W | U);
    // A 4 KiB frame in that region finds no page table there.
    expect(mapFrame(12, 10, 0x00801000)).toBe(ERR.FailedLookup);
    expect(errorReply()).toEqual([ERR.FailedLookup, 3, 0, FAIL.MissingCapability, 22]);
    expect(unmapFrame(13)).toBe(0);
    expect(pde(pd, 0x00800000)).toBe(0);
    expect(x.frameMappedAsid(slotOf(13))).toBe(0);
  });

  it("maps device frames, which are never zeroed", () => {
    basicSpace();
    const dev = k.alloc(1 << 16, 1 << 16);
    k.u8.fill(0x77, dev, dev + 4096);
    x.makeUntyped(dev, 16, true, 0);
    x.insertRoot(slotOf(40), true);
    expect(retype(OBJ.X86_4K, 0, 41, slotOf(40))).toBe(0);
    expect(x.frameIsDevice(slotOf(41))).toBe(1);
    expect(k.u8[dev]).toBe(0x77);
    expect(mapFrame(41, 10, 0x00405000, RW, UNCACHEABLE)).toBe(0);
    expect(pte(phys(11), 0x00405000)).toBe(dev | P | W | U | PWT | PCD);
  });
});

describe("X86PageUnmap and X86PageGetAddress", () => {
  it("unmap clears the PTE and the capability's mapping; invlpg only when the directory is current", () => {
    const { pd, pt } = basicSpace();
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    expect(unmapFrame(12)).toBe(0);
    expect(pte(pt, 0x00401000)).toBe(0);
    expect([x.frameMappedAsid(slotOf(12)), x.frameMappedVaddr(slotOf(12))]).toEqual([0, 0]);
    expect(tlb).toEqual([]); // not the current address space
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    x.vspaceSwitch(pd);
    tlb.length = 0;
    expect(unmapFrame(12)).toBe(0);
    expect(tlb).toEqual([["invlpg", 0x00401000]]);
    tlb.length = 0;
    expect(unmapFrame(12)).toBe(0); // not mapped: nothing to do, still a success
    expect(tlb).toEqual([]);
    expect(errorReply()).toEqual([0, 0]);
  });

  it("unmap leaves alone whatever another capability mapped over the same address", () => {
    const { pt } = basicSpace();
    expect(retype(OBJ.X86_4K, 0, 13)).toBe(0);
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    expect(mapFrame(13, 10, 0x00401000)).toBe(0); // seL4 replaces the PTE
    expect(pte(pt, 0x00401000)).toBe(phys(13) | P | W | U);
    expect(unmapFrame(12)).toBe(0);
    expect(pte(pt, 0x00401000)).toBe(phys(13) | P | W | U);
    expect(del(13)).toBe(0);
    expect(pte(pt, 0x00401000)).toBe(0);
  });

  it("GetAddress replies with the physical address in MR0, mapped or not", () => {
    const { frame } = basicSpace();
    expect(invoke(slotOf(12), L.X86PageGetAddress, [])).toBe(0);
    expect(valueReply()).toEqual([0, 1, frame]);
    expect(retype(OBJ.X86_LargePage, 0, 13)).toBe(0);
    expect(mapFrame(13, 10, 0x00800000)).toBe(0);
    expect(invoke(slotOf(13), L.X86PageGetAddress, [])).toBe(0);
    expect(valueReply()).toEqual([0, 1, phys(13)]);
  });
});

// ── Page directories ─────────────────────────────────────────────────
describe("X86PageDirectoryGetStatusBits", () => {
  it("replies with the accessed and dirty bits of the page at vaddr, 4 KiB or 4 MiB", () => {
    const { pd, pt } = basicSpace();
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    const getBits = (v: number) => invoke(slotOf(10), L.X86PageDirectoryGetStatusBits, [v]);
    expect(getBits(0x00401abc)).toBe(0);
    expect(valueReply()).toEqual([0, 2, 0, 0]);
    write32(pt + 4, pte(pt, 0x00401000) | A);
    expect(getBits(0x00401000)).toBe(0);
    expect(valueReply()).toEqual([0, 2, 1, 0]);
    write32(pt + 4, pte(pt, 0x00401000) | D);
    expect(getBits(0x00401000)).toBe(0);
    expect(valueReply()).toEqual([0, 2, 1, 1]);
    expect(retype(OBJ.X86_LargePage, 0, 13)).toBe(0);
    expect(mapFrame(13, 10, 0x00800000)).toBe(0);
    write32(pd + 2 * 4, pde(pd, 0x00800000) | D);
    expect(getBits(0x00bfffff)).toBe(0);
    expect(valueReply()).toEqual([0, 2, 0, 1]);
  });

  it("errors: Truncated, InvalidArgument 0 above USER_TOP, InvalidArgument 1 where nothing is mapped; Map and Unmap are illegal on ia32", () => {
    basicSpace();
    const d = slotOf(10);
    expect(invoke(d, L.X86PageDirectoryGetStatusBits, [])).toBe(ERR.TruncatedMessage);
    expect(invoke(d, L.X86PageDirectoryGetStatusBits, [USER_TOP + 1])).toBe(ERR.InvalidArgument);
    expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 0]);
    expect(invoke(d, L.X86PageDirectoryGetStatusBits, [0x00402000])).toBe(ERR.InvalidArgument);
    expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 1]);
    expect(invoke(d, L.X86PageDirectoryGetStatusBits, [0x00c00000])).toBe(ERR.InvalidArgument);
    expect(errorReply()).toEqual([ERR.InvalidArgument, 1, 1]);
    expect(invoke(d, L.X86PageDirectoryMap, [0x00400000, 0], [slotOf(10)])).toBe(ERR.IllegalOperation);
    expect(invoke(d, L.X86PageDirectoryUnmap, [])).toBe(ERR.IllegalOperation);
    expect(invoke(d, L.X86PageMap, [0x00400000, 3, 0], [slotOf(10)])).toBe(ERR.IllegalOperation);
    // As in seL4, the directory needs no ASID for this.
    expect(retype(OBJ.X86_PageDirectory, 0, 13)).toBe(0);
    expect(invoke(slotOf(13), L.X86PageDirectoryGetStatusBits, [0x00401000])).toBe(ERR.InvalidArgument);
  });
});

// ── Finalisation ─────────────────────────────────────────────────────
describe("deleting VSpace capabilities", () => {
  it("a mapped frame capability is unmapped when deleted, last or not; its copies keep their own mappings", () => {
    const { pd, pt, frame } = basicSpace();
    expect(copy(13, 12)).toBe(0);
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    expect(mapFrame(13, 10, 0x00402000)).toBe(0);
    x.vspaceSwitch(pd);
    tlb.length = 0;
    expect(del(13)).toBe(0); // not the last capability to the frame
    expect([pte(pt, 0x00401000), pte(pt, 0x00402000)]).toEqual([frame | P | W | U, 0]);
    expect(tlb).toEqual([["invlpg", 0x00402000]]);
    expect(del(12)).toBe(0);
    expect(pte(pt, 0x00401000)).toBe(0);
  });

  it("revoking the untyped under mapped frames leaves no entry pointing into it", () => {
    const { pd, pt } = basicSpace();
    const sub = 20;
    expect(retype(OBJ.Untyped, 21, sub)).toBe(0); // 2 MiB for 4 KiB frames
    expect(retype(OBJ.Untyped, 22, sub + 1)).toBe(0); // 4 MiB for one large frame
    for (let i = 0; i < 4; i++) {
      expect(retype(OBJ.X86_4K, 0, 30 + i, slotOf(sub))).toBe(0);
      expect(mapFrame(30 + i, 10, 0x00402000 + i * 0x1000)).toBe(0);
      expect(copy(40 + i, 30 + i)).toBe(0);
      expect(mapFrame(40 + i, 10, 0x00410000 + i * 0x1000)).toBe(0);
    }
    expect(retype(OBJ.X86_LargePage, 0, 34, slotOf(sub + 1))).toBe(0);
    expect(mapFrame(34, 10, 0x00800000)).toBe(0);
    const lo = x.objectPhys(slotOf(sub)) >>> 0;
    const hi = lo + (1 << 21);
    const pointsInto = (e: number, from: number, to: number) => (e & P) !== 0 && (e & 0xfffff000) >>> 0 >= from && (e & 0xfffff000) >>> 0 < to;
    const ptes = () => Array.from({ length: 1024 }, (_, i) => read32(pt + 4 * i));
    expect(ptes().filter((e) => pointsInto(e, lo, hi)).length).toBe(8);
    expect(revoke(sub)).toBe(0);
    expect(ptes().filter((e) => pointsInto(e, lo, hi))).toEqual([]);
    for (let i = 0; i < 4; i++) expect([tagAt(30 + i), tagAt(40 + i)]).toEqual([0, 0]);
    expect(pde(pd, 0x00800000)).toBe(phys(34) | P | PS | W | U);
    expect(revoke(sub + 1)).toBe(0);
    expect(pde(pd, 0x00800000)).toBe(0);
    expect(tagAt(34)).toBe(0);
  });

  it("the last page table capability takes the table out of its directory (CR3 reloaded when current)", () => {
    const { pd } = basicSpace();
    expect(copy(13, 11)).toBe(0);
    x.vspaceSwitch(pd);
    tlb.length = 0;
    expect(del(11)).toBe(0);
    expect(pde(pd, 0x00400000) & P).toBe(P);
    expect(tlb).toEqual([]);
    const pt = phys(13);
    expect(del(13)).toBe(0);
    expect(pde(pd, 0x00400000)).toBe(0);
    expect(tlb).toEqual([["writeCr3", pd]]);
    expect(pt).toBeGreaterThan(0);
  });

  it("the last page directory capability frees its ASID; if it is in CR3, the kernel's directory replaces it", () => {
    const { pd } = basicSpace();
    expect(copy(13, 10)).toBe(0);
    x.vspaceSwitch(pd);
    tlb.length = 0;
    expect(del(10)).toBe(0);
    expect(x.findVSpaceForASID(1) >>> 0).toBe(pd);
    expect(del(13)).toBe(0);
    expect(x.findVSpaceForASID(1) >>> 0).toBe(NO_VSPACE);
    expect(x.vspaceCurrent() >>> 0).toBe(kernelPd);
    expect(tlb).toEqual([["writeCr3", kernelPd]]);
    // The frames' and tables' capabilities keep ASID 1, which names nothing: map fails, unmap does nothing.
    expect(unmapFrame(12)).toBe(0);
    expect(unmapTable(11)).toBe(0);
  });

  it("the last ASID pool capability frees its block; a directory of it in CR3 is replaced by the kernel's", () => {
    const { pd } = basicSpace();
    const other = newSpace(13);
    x.vspaceSwitch(other);
    tlb.length = 0;
    expect(copy(14, POOL)).toBe(0);
    expect(del(POOL)).toBe(0);
    expect(x.asidTablePool(0) >>> 0).not.toBe(NO_VSPACE);
    expect(del(14)).toBe(0);
    expect(x.asidTablePool(0) >>> 0).toBe(NO_VSPACE);
    expect([x.findVSpaceForASID(1) >>> 0, x.findVSpaceForASID(2) >>> 0]).toEqual([NO_VSPACE, NO_VSPACE]);
    expect(tlb).toEqual([["writeCr3", kernelPd]]);
    expect(pd).not.toBe(other);
    expect(mapFrame(12, 10, 0x00401000)).toBe(ERR.FailedLookup);
    // ASIDControl's own capability finalises to nothing.
    expect(del(ASID_CONTROL)).toBe(0);
    expect(tagAt(ASID_CONTROL)).toBe(0);
  });

  it("revoking the untyped everything came from leaves no user entry in any directory", () => {
    const { pd } = basicSpace();
    expect(mapFrame(12, 10, 0x00401000)).toBe(0);
    x.vspaceSwitch(pd);
    expect(revoke(UT)).toBe(0);
    expect(x.asidTablePool(0) >>> 0).toBe(NO_VSPACE);
    expect(x.vspaceCurrent() >>> 0).toBe(kernelPd);
    for (let i = 0; i < USER_TOP >>> 22; i++) expect(read32(pd + 4 * i)).toBe(0);
  });
});

// ── Random operations ────────────────────────────────────────────────
describe("random map, unmap, copy, delete and revoke", () => {
  it("keeps every present user entry backed by a live frame capability that records it (20 000 operations)", () => {
    const random = rng(0x5e14);
    const pick = <T>(a: T[]): T => a[Math.floor(random() * a.length)];
    // Slots: 3 pool (made once), 10..12 directories, 20..27 tables, 40..79 frames (small and large), 100.. untyped pieces.
    newPool();
    const PDS = [10, 11, 12];
    const PTS = [20, 21, 22, 23, 24, 25, 26, 27];
    const FRAMES = Array.from({ length: 40 }, (_, i) => 40 + i);
    const REGIONS = [1, 2, 3, 4]; // 4 MiB regions 0x00400000..0x013fffff
    const vaddrIn = (region: number) => (region << 22) + Math.floor(random() * 8) * 0x1000;
    const ops: Record<string, number> = {};
    const count = (name: string, err: number) => (ops[`${name}:${err}`] = (ops[`${name}:${err}`] ?? 0) + 1);

    /** Every present user entry of every directory with an ASID must be some live frame capability's recorded mapping. */
    function check(): void {
      const frames = new Set<string>();
      for (let s = 0; s < 256; s++) {
        if (tagAt(s) !== TAG.frame_cap || x.frameMappedAsid(slotOf(s)) === 0) continue;
        frames.add(`${x.frameMappedAsid(slotOf(s))}:${x.frameMappedVaddr(slotOf(s)) >>> 0}:${phys(s)}:${x.frameIsLarge(slotOf(s))}`);
      }
      const tables = new Set<string>();
      for (let s = 0; s < 256; s++) if (tagAt(s) === TAG.page_table_cap && x.tableIsMapped(slotOf(s))) tables.add(`${x.tableMappedAsid(slotOf(s))}:${x.tableMappedVaddr(slotOf(s)) >>> 0}:${phys(s)}`);
      for (let asid = 1; asid < 8; asid++) {
        const pd = x.findVSpaceForASID(asid) >>> 0;
        if (pd === NO_VSPACE) continue;
        for (let i = 0; i < USER_TOP >>> 22; i++) {
          const e = read32(pd + 4 * i);
          if ((e & P) === 0) continue;
          const v = i << 22;
          if (e & PS) {
            expect(frames.has(`${asid}:${v >>> 0}:${(e & 0xffc00000) >>> 0}:1`), `4 MiB page at ${v.toString(16)} in ASID ${asid}`).toBe(true);
            continue;
          }
          const pt = (e & 0xfffff000) >>> 0;
          expect(tables.has(`${asid}:${v >>> 0}:${pt}`), `table at ${v.toString(16)} in ASID ${asid}`).toBe(true);
          for (let j = 0; j < 1024; j++) {
            const t = read32(pt + 4 * j);
            if ((t & P) === 0) continue;
            const va = (v + (j << 12)) >>> 0;
            expect(frames.has(`${asid}:${va}:${(t & 0xfffff000) >>> 0}:0`), `page at ${va.toString(16)} in ASID ${asid}`).toBe(true);
          }
        }
      }
    }

    for (let n = 0; n < 20_000; n++) {
      const r = random();
      if (r < 0.06) {
        const s = pick(PDS);
        if (tagAt(s) === 0 && retype(OBJ.X86_PageDirectory, 0, s) === 0) count("assign", assign(s));
      } else if (r < 0.14) {
        const s = pick(PTS);
        if (tagAt(s) === 0) count("retypePT", retype(OBJ.X86_PageTable, 0, s));
        else count("mapPT", mapTable(s, pick(PDS), pick(REGIONS) << 22));
      } else if (r < 0.2) {
        const s = pick(PTS);
        if (tagAt(s) === TAG.page_table_cap) count("unmapPT", unmapTable(s));
      } else if (r < 0.3) {
        const s = pick(FRAMES);
        if (tagAt(s) === 0) count("retypeFrame", retype(random() < 0.05 ? OBJ.X86_LargePage : OBJ.X86_4K, 0, s));
      } else if (r < 0.6) {
        const s = pick(FRAMES);
        if (tagAt(s) === TAG.frame_cap) {
          const large = x.frameIsLarge(slotOf(s));
          const v = large ? pick(REGIONS) << 22 : vaddrIn(pick(REGIONS));
          count("mapFrame", mapFrame(s, pick(PDS), v, pick([RW, R_READ, 0])));
        }
      } else if (r < 0.7) {
        const s = pick(FRAMES);
        if (tagAt(s) === TAG.frame_cap) count("unmapFrame", unmapFrame(s));
      } else if (r < 0.8) {
        const src = pick([...FRAMES, ...PTS, ...PDS]);
        const dest = pick(FRAMES);
        if (tagAt(src) !== 0 && tagAt(dest) === 0) count("copy", copy(dest, src));
      } else if (r < 0.995) {
        count("delete", del(pick([...FRAMES, ...FRAMES, ...PTS, ...PDS])));
      } else {
        // Now and then everything goes: the pool is made again from a fresh untyped.
        count("revoke", revoke(UT));
        newPool();
      }
      check();
    }
    // The run must have exercised the interesting paths, not only refusals.
    for (const key of ["mapFrame:0", "unmapFrame:0", "mapPT:0", "unmapPT:0", "delete:0", "copy:0", "assign:0", "revoke:0",
      `mapFrame:${ERR.FailedLookup}`, `mapFrame:${ERR.InvalidArgument}`, `mapPT:${ERR.DeleteFirst}`, `unmapPT:${ERR.RevokeFirst}`]) {
      expect(ops[key] ?? 0, key).toBeGreaterThan(0);
    }
  }, 300_000);
});
