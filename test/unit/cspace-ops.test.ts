// test/unit/cspace-ops.test.ts: Untyped_Retype and the CNode invocations,
// as the kernel's own decode/invoke code (kernel/object/untyped.ts,
// cnode.ts, kernel/cspace/delete.ts) compiled to wasm.
//
// Each case sets up a CSpace in wasm memory (which plays physical memory),
// sends one invocation as libsel4 would lay it out, and checks seL4's exact
// error code and details, then the slots. The two fuzzes at the end run
// random invocations and check the invariants of the derivation list and
// of memory after each (check()); the second also compares every result
// and the list with a TypeScript model (test/helpers/cspace-model.ts),
// for exactly 100 000 compared invocations.
import { beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { rng } from "../helpers/rng";
import { CSpaceModel } from "../helpers/cspace-model";
import { CAP_TAGS, ERRORS, INVOCATION_LABELS, LOOKUP_FAILURES, OBJECT_TYPES } from "../../libs/abi/sel4.def.ts";
import { KERNEL_SPACE } from "../../kernel/arch/x86/machine.def.ts";

/**
 * The local APIC with an interrupt waiting in its IRR (word 1: vectors
 * 32-63), as preemption points see it (kernel/arch/x86/lapic.ts).
 */
const LAPIC_IRR_WORD1 = KERNEL_SPACE.entries.find((e) => e.name === "KERNEL_LAPIC_VADDR")!.value + 0x210;
const interruptPending = (addr: number): number | undefined => (addr === LAPIC_IRR_WORD1 ? 1 : undefined);

const ENTRY = "test/kernel/cspace.entry.ts";
const TAG = Object.fromEntries(CAP_TAGS.entries.map((e) => [e.name, e.value]));
const ERR = Object.fromEntries(ERRORS.entries.map((e) => [e.name, e.value]));
const L = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const OBJ = Object.fromEntries(OBJECT_TYPES.entries.map((e) => [e.name, e.value]));
const FAIL = Object.fromEntries(LOOKUP_FAILURES.entries.map((e) => [e.name.replace(/^seL4_/, ""), e.value]));

let k: KernelInstance;
let x: any;
/** The root CNode: 256 slots; its capability (no guard: depth 8 names a root slot) is in `rootCap`. */
let root: number;
let rootCap: number;
/** A 64 KiB untyped, its capability in root slot 1. */
let utBase: number;
const UT = 1;

const slotOf = (i: number) => root + 16 * i;

beforeEach(async () => {
  k ??= await loadKernelEntry(ENTRY, { scratchPages: 64 });
  x = k.exports;
  k.resetScratch();
  x.vspaceSetPhysWindow(0);
  root = k.alloc(16 * 256, 4096);
  rootCap = k.alloc(16, 16);
  x.makeCNode(root, 8, 0, 0);
  x.setCap(rootCap, x.lastData(), x.lastObject());
  utBase = k.alloc(1 << 16, 1 << 16);
  x.makeUntyped(utBase, 16, false, 0);
  x.insertRoot(slotOf(UT), true);
}, 120_000);

/** Sends one invocation of the capability in `slot`; returns the error code (0: done). */
function invoke(slot: number, label: number, args: number[], extra: number[] = []): number {
  x.invocationBegin(label, args.length);
  args.forEach((v, i) => x.invocationSetArg(i, v >>> 0));
  for (const e of extra) x.invocationAddExtraCap(e);
  const tag = x.tag(slot);
  if (tag === TAG.untyped_cap) {
    const err = x.decodeUntypedInvocation(slot);
    if (err === 0) x.invokeUntypedRetype(slot);
    return err;
  }
  if (tag === TAG.cnode_cap) {
    const err = x.decodeCNodeInvocation(slot);
    if (err === 0) expect(x.invokeCNode()).toBe(0);
    return err;
  }
  throw new Error(`invoke: no decoder for tag ${tag}`);
}

/** Untyped_Retype(type, sizeBits) into root slots [offset, offset + n), the root CNode given at depth 0. */
function retype(type: number, sizeBits: number, offset: number, n = 1, from = slotOf(UT)): number {
  return invoke(from, L.UntypedRetype, [type, sizeBits, 0, 0, offset, n], [rootCap]);
}

/** CNode_Copy/Mint within the root CNode (depth 8). */
function copy(dest: number, src: number, rights = 15): number {
  return invoke(rootCap, L.CNodeCopy, [dest, 8, src, 8, rights], [rootCap]);
}
function mint(dest: number, src: number, badge: number, rights = 15): number {
  return invoke(rootCap, L.CNodeMint, [dest, 8, src, 8, rights, badge], [rootCap]);
}
const del = (i: number) => invoke(rootCap, L.CNodeDelete, [i, 8]);
const revoke = (i: number) => invoke(rootCap, L.CNodeRevoke, [i, 8]);
const tagAt = (i: number) => x.tag(slotOf(i));

describe("Untyped_Retype", () => {
  it("makes objects at the watermark, aligned to their size, as children of the untyped", () => {
    expect(retype(OBJ.seL4_EndpointObject ?? OBJ.Endpoint, 0, 10, 3)).toBe(0);
    for (const i of [10, 11, 12]) {
      expect(tagAt(i)).toBe(TAG.endpoint_cap);
      expect(x.isParentOf(slotOf(UT), slotOf(i))).toBe(1);
    }
    expect([x.objectPhys(slotOf(10)) - utBase, x.objectPhys(slotOf(12)) - utBase]).toEqual([0, 32]);
    expect(x.untypedFreeIndex(slotOf(UT))).toBe(3); // 48 bytes used, in 16-byte units
    // A 4 KiB frame next: aligned up to 4 KiB.
    expect(retype(OBJ.X86_4K, 0, 13)).toBe(0);
    expect(x.pagePhys(slotOf(13)) - utBase).toBe(4096);
    expect(x.untypedFreeIndex(slotOf(UT))).toBe(8192 / 16);
  });

  it("makes a TCB: 2 KiB, aligned, zeroed, named by a thread capability; its last capability's deletion leaves nothing", () => {
    k.u8.fill(0x5a, utBase, utBase + 8192);
    x.setUntypedFreeIndex(slotOf(UT), 8192 / 16); // as the boot hands RAM over: its first Retype clears it
    expect(retype(2, 0, 9)).toBe(0); // an endpoint first, so the TCB must be aligned up
    expect(retype(1, 0, 10)).toBe(0);
    const tcb = x.objectPhys(slotOf(10));
    expect([tagAt(10), tcb - utBase]).toEqual([TAG.thread_cap, 2048]);
    // Zeroed but for the thread's log number (kernel/object/tcb.ts: TCB_ID at 0x60 of the thread part at 0x400),
    // seL4's Arch_initContext: user CS 0x1b, SS 0x23, EFLAGS 0x202 in the saved context (machine.def.ts CTX_*),
    // and a full time slice (seL4's createObject: tcbTimeSlice = CONFIG_TIME_SLICE, 5; TCB_TIME_SLICE at 0x50).
    const id = k.view.getUint32(tcb + 0x400 + 0x60, true);
    expect(id).toBeGreaterThan(0);
    const ctx = (off: number) => k.view.getUint32(tcb + 0x400 + off, true);
    expect([ctx(40), ctx(44), ctx(52), ctx(0x50)]).toEqual([0x1b, 0x202, 0x23, 5]);
    const bytes = k.u8.slice(tcb, tcb + 2048);
    bytes.fill(0, 0x460, 0x464);
    for (const off of [40, 44, 52, 0x50]) bytes.fill(0, 0x400 + off, 0x400 + off + 4);
    expect(bytes.every((b) => b === 0)).toBe(true);
    expect(retype(1, 0, 12)).toBe(0);
    expect(k.view.getUint32(x.objectPhys(slotOf(12)) + 0x460, true)).toBe(id + 1); // numbered in creation order
    expect(del(12)).toBe(0);
    expect(copy(11, 10)).toBe(0);
    expect(del(10)).toBe(0); // not the last
    expect(tagAt(11)).toBe(TAG.thread_cap);
    expect(del(11)).toBe(0); // the last: finalised through a zombie over its 5 slots
    expect(tagAt(11)).toBe(0);
    expect(x.hasChildren(slotOf(UT))).toBe(1); // the endpoint
  });

  it("clears an untyped when it is reset (all of it below the watermark), so what it makes is zero", () => {
    // As the boot hands RAM over: full, with whatever the memory held.
    k.u8.fill(0xa5, utBase, utBase + 65536);
    x.setUntypedFreeIndex(slotOf(UT), 65536 / 16);
    expect(retype(OBJ.X86_4K, 0, 20)).toBe(0);
    expect(k.u8.slice(utBase, utBase + 65536).every((b) => b === 0)).toBe(true);
    expect(x.untypedFreeIndex(slotOf(UT))).toBe(4096 / 16);
    // Above the watermark it stays zero: the next object needs no clearing, and is zero.
    k.u8.fill(0x5a, utBase, utBase + 4096); // the frame's contents: not the untyped's business
    expect(retype(OBJ.X86_4K, 0, 21)).toBe(0);
    expect(k.u8.slice(utBase + 4096, utBase + 8192).every((b) => b === 0)).toBe(true);
    expect(k.u8[utBase]).toBe(0x5a);
    // A device untyped is never cleared.
    const dev = k.alloc(1 << 14, 1 << 14);
    k.u8.fill(0x77, dev, dev + (1 << 14));
    x.makeUntyped(dev, 14, true, (1 << 14) / 16);
    x.insertRoot(slotOf(30), true);
    expect(retype(OBJ.X86_4K, 0, 31, 1, slotOf(30))).toBe(0);
    expect(k.u8[dev]).toBe(0x77);
  });

  it("revokes with preemption points: a pending interrupt stops the revoke, and the restarted revoke finishes it", () => {
    expect(retype(OBJ.Endpoint, 0, 10)).toBe(0);
    for (let i = 11; i < 111; i++) expect(copy(i, 10)).toBe(0);
    const was = k.x86.options.mmioRead;
    k.x86.options.mmioRead = interruptPending;
    try {
      let stops = 0;
      for (;;) {
        x.invocationBegin(L.CNodeRevoke, 2);
        x.invocationSetArg(0, 10);
        x.invocationSetArg(1, 8);
        expect(x.decodeCNodeInvocation(rootCap)).toBe(0);
        if (x.invokeCNode() === 0) break;
        stops++;
        expect(stops).toBeLessThan(100);
      }
      expect(stops).toBeGreaterThan(3); // 100 deletions, a check every 16 points
      for (let i = 11; i < 111; i++) expect(tagAt(i)).toBe(0);
      expect(tagAt(10)).toBe(TAG.endpoint_cap);
    } finally {
      k.x86.options.mmioRead = was;
    }
  });

  it("resets in chunks with preemption points: a pending interrupt stops it, and the restarted Retype goes on", () => {
    k.u8.fill(0xa5, utBase, utBase + 65536);
    x.setUntypedFreeIndex(slotOf(UT), 65536 / 16);
    // An interrupt always pending: every PREEMPTION_CHECK_INTERVAL-th point stops the reset.
    const pendingWas = k.x86.options.mmioRead;
    k.x86.options.mmioRead = interruptPending;
    try {
      let preempted = 0;
      let err = -1;
      for (let tries = 0; tries < 100; tries++) {
        x.invocationBegin(L.UntypedRetype, 6);
        [OBJ.X86_4K, 0, 0, 0, 20, 1].forEach((v, i) => x.invocationSetArg(i, v));
        x.invocationAddExtraCap(rootCap);
        err = x.decodeUntypedInvocation(slotOf(UT));
        expect(err).toBe(0);
        const r = x.invokeUntypedRetype(slotOf(UT));
        if (r === 0) break;
        preempted++;
        // Progress is kept in the watermark: it only goes down, and what is above it is clear.
        const used = x.untypedFreeIndex(slotOf(UT)) * 16;
        expect(k.u8.slice(utBase + used, utBase + 65536).every((b) => b === 0)).toBe(true);
        expect(k.u8[utBase + used - 1]).toBe(0xa5);
      }
      expect(preempted).toBeGreaterThan(0);
      expect(tagAt(20)).toBe(TAG.frame_cap);
      expect(k.u8.slice(utBase, utBase + 65536).every((b) => b === 0)).toBe(true);
    } finally {
      k.x86.options.mmioRead = pendingWas;
    }
  });

  /** Runs CNode_Delete of root slot `i` with IRQ 0 unmasked and always pending, restarting it as the kernel does until it finishes; `each` sees every stop. Returns the stops. */
  function deleteWithPendingInterrupt(i: number, each: () => void = () => {}): number {
    const was = k.x86.options.mmioRead;
    k.x86.options.mmioRead = interruptPending;
    try {
      let stops = 0;
      for (;;) {
        x.invocationBegin(L.CNodeDelete, 2);
        x.invocationSetArg(0, i);
        x.invocationSetArg(1, 8);
        expect(x.decodeCNodeInvocation(rootCap)).toBe(0);
        if (x.invokeCNode() === 0) return stops;
        stops++;
        expect(stops).toBeLessThan(1000);
        each();
      }
    } finally {
      k.x86.options.mmioRead = was;
    }
  }

  it("deletes a large CNode's last capability with preemption points: a pending interrupt stops it, and the restarted Delete finishes it", () => {
    expect(retype(4, 10, 10)).toBe(0); // 1024 slots, 16 KiB
    expect(retype(2, 0, 11, 3)).toBe(0);
    const c = x.objectPhys(slotOf(10));
    // Endpoints in its slots 0, 517 and 1023: addressed from the root, 8 bits to slot 10, then 10 bits.
    [0, 517, 1023].forEach((j, n) => expect(invoke(rootCap, L.CNodeMove, [(10 << 10) | j, 18, 11 + n, 8], [rootCap])).toBe(0));
    let left = 1 << 10;
    const stops = deleteWithPendingInterrupt(10, () => {
      // Stopped: the slot holds the CNode's zombie, with fewer slots left to clear each time, and the rest already empty.
      expect(tagAt(10)).toBe(TAG.zombie_cap);
      expect([x.zombiePtr(slotOf(10)), x.zombieType(slotOf(10))]).toEqual([c, 10]);
      const n = x.zombieNumber(slotOf(10));
      expect(n).toBeLessThan(left);
      for (let j = n; j < left; j++) expect(x.tag(c + 16 * j)).toBe(0);
      left = n;
    });
    expect(stops).toBeGreaterThan(30); // 1024 slots, a check every 16 points
    expect(tagAt(10)).toBe(0);
    for (let j = 0; j < 1 << 10; j++) expect(x.tag(c + 16 * j)).toBe(0);
    expect(x.hasChildren(slotOf(UT))).toBe(0);
    expect(retype(4, 10, 10)).toBe(0);
    expect(x.objectPhys(slotOf(10))).toBe(utBase); // the memory is free again
  });

  it("deletes a TCB whose CSpace root is the last capability to a large CNode, with preemption points: the restarted Delete finishes, and a preempted revoke of the untyped clears the CNode", () => {
    expect(retype(1, 0, 10)).toBe(0); // a TCB
    expect(retype(4, 10, 11)).toBe(0); // 1024 slots
    expect(retype(2, 0, 12)).toBe(0);
    const t = x.objectPhys(slotOf(10));
    const c = x.objectPhys(slotOf(11));
    expect(invoke(rootCap, L.CNodeMove, [(11 << 10) | 700, 18, 12, 8], [rootCap])).toBe(0);
    x.move(slotOf(11), x.threadSlot(t, 0)); // the CNode's only capability is now the thread's CSpace root
    expect(x.tag(x.threadSlot(t, 0))).toBe(TAG.cnode_cap);
    // Line the preemption points up so that the deletion's first one reads the PIC (every 16th does):
    // each revoke of one copy passes one point.
    expect(retype(2, 0, 13)).toBe(0);
    for (let n = 0; x.deleteWork() % 16 !== 15; n++) {
      expect(n).toBeLessThan(64);
      expect(copy(14, 13)).toBe(0);
      expect(revoke(13)).toBe(0);
    }
    const stops = deleteWithPendingInterrupt(10, () => expect([tagAt(10), x.zombieType(slotOf(10))]).toEqual([TAG.zombie_cap, 63]));
    expect(stops).toBeGreaterThan(0);
    expect(tagAt(10)).toBe(0);
    for (let j = 0; j < 5; j++) expect(x.tag(x.threadSlot(t, j))).toBe(0);
    // As in seL4, the CNode met by a deletion nobody named is parked as a zombie in its own first slot...
    expect([x.tag(c), x.zombiePtr(c), x.zombieType(c)]).toEqual([TAG.zombie_cap, c, 10]);
    expect(x.tag(c + 16 * 700)).toBe(TAG.endpoint_cap);
    // ...and a revoke of the untyped finishes it, stopped and restarted many times.
    const was = k.x86.options.mmioRead;
    k.x86.options.mmioRead = interruptPending;
    try {
      let stops = 0;
      for (;;) {
        x.invocationBegin(L.CNodeRevoke, 2);
        x.invocationSetArg(0, UT);
        x.invocationSetArg(1, 8);
        expect(x.decodeCNodeInvocation(rootCap)).toBe(0);
        if (x.invokeCNode() === 0) break;
        stops++;
        expect(stops).toBeLessThan(1000);
      }
      expect(stops).toBeGreaterThan(30);
    } finally {
      k.x86.options.mmioRead = was;
    }
    for (let j = 0; j < 1 << 10; j++) expect(x.tag(c + 16 * j)).toBe(0);
    expect(x.hasChildren(slotOf(UT))).toBe(0);
  });

  it("checks its arguments in seL4's order, with seL4's errors", () => {
    const ut = slotOf(UT);
    expect(invoke(ut, L.UntypedRetype + 1, [0, 0, 0, 0, 10, 1], [rootCap])).toBe(ERR.IllegalOperation);
    expect(invoke(ut, L.UntypedRetype, [2, 0, 0, 0, 10], [rootCap])).toBe(ERR.TruncatedMessage);
    expect(invoke(ut, L.UntypedRetype, [2, 0, 0, 0, 10, 1], [])).toBe(ERR.TruncatedMessage);
    expect(retype(9, 0, 10)).toBe(ERR.InvalidArgument);
    expect(x.errorNumber()).toBe(0);
    expect(retype(OBJ.Untyped ?? 0, 30, 10)).toBe(ERR.RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([0, 29]);
    expect(retype(4, 26, 10)).toBe(ERR.RangeError); // a CNode of 2^30 bytes
    expect(retype(4, 0, 10)).toBe(ERR.InvalidArgument); // a CNode of radix 0
    expect(x.errorNumber()).toBe(1);
    expect(retype(0, 3, 10)).toBe(ERR.InvalidArgument); // an untyped below 16 bytes
    expect(retype(2, 0, 256)).toBe(ERR.RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([0, 255]);
    expect(retype(2, 0, 10, 0)).toBe(ERR.RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([1, 256]);
    expect(retype(2, 0, 250, 7)).toBe(ERR.RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([1, 6]);
    expect(retype(2, 0, 0, 2)).toBe(ERR.DeleteFirst); // slot 1 holds the untyped
    expect(retype(5, 0, 10, 17)).toBe(ERR.NotEnoughMemory); // 17 pages from 64 KiB
    expect(x.errorMemoryLeft()).toBe(65536);
    // A destination looked up in the root: a slot without a CNode is a missing capability.
    expect(invoke(ut, L.UntypedRetype, [2, 0, 5, 8, 0, 1], [rootCap])).toBe(ERR.FailedLookup);
    expect([x.errorWasSource(), x.faultType(), x.faultBitsLeft()]).toEqual([0, FAIL.MissingCapability, 8]);
    expect(invoke(ut, L.UntypedRetype, [2, 0, 5, 7, 0, 1], [rootCap])).toBe(ERR.FailedLookup); // 7 bits < the root's 8
    expect([x.faultType(), x.faultBitsLeft(), x.faultBitsFound()]).toEqual([FAIL.DepthMismatch, 7, 8]);
    // Device memory yields only frames and untyped.
    const dev = k.alloc(1 << 16, 1 << 16);
    x.makeUntyped(dev, 16, true, 0);
    x.insertRoot(slotOf(2), true);
    expect(retype(2, 0, 10, 1, slotOf(2))).toBe(ERR.InvalidArgument);
    expect(x.errorNumber()).toBe(1);
    k.u8.fill(0x77, dev, dev + 4096);
    expect(retype(5, 0, 10, 1, slotOf(2))).toBe(0);
    expect(k.u8[dev]).toBe(0x77); // device frames are not zeroed
    expect(x.frameIsDevice(slotOf(10))).toBe(1);
  });

  it("resets an untyped without children: its watermark returns to 0", () => {
    expect(retype(5, 0, 10, 4)).toBe(0);
    expect(x.untypedFreeIndex(slotOf(UT))).toBe(1024);
    expect(revoke(UT)).toBe(0);
    for (const i of [10, 11, 12, 13]) expect(tagAt(i)).toBe(0);
    expect(retype(5, 0, 20, 16)).toBe(0); // all 64 KiB again
    expect(x.pagePhys(slotOf(20))).toBe(utBase);
  });
});

describe("the error reply", () => {
  /** [label, length, ...detail words] of the reply built for the last invocation. */
  const reply = () => {
    const n = x.buildErrorReply();
    const info = x.replyInfo() >>> 0;
    return [info >>> 12, info & 0x7f, ...Array.from({ length: n }, (_, i) => x.replyWord(i) >>> 0)];
  };

  it("carries seL4's error code as the label and its details in seL4's order", () => {
    expect(retype(9, 0, 10)).toBe(ERR.InvalidArgument);
    expect(reply()).toEqual([ERR.InvalidArgument, 1, 0]);
    expect(retype(2, 0, 250, 7)).toBe(ERR.RangeError);
    expect(reply()).toEqual([ERR.RangeError, 2, 1, 6]);
    expect(retype(5, 0, 10, 17)).toBe(ERR.NotEnoughMemory);
    expect(reply()).toEqual([ERR.NotEnoughMemory, 1, 65536]);
    expect(retype(2, 0, 0, 2)).toBe(ERR.DeleteFirst);
    expect(reply()).toEqual([ERR.DeleteFirst, 0]);
    // FailedLookup: was-source, the failure type, then its details.
    expect(copy(15, 99)).toBe(ERR.FailedLookup); // an empty source slot
    expect(reply()).toEqual([ERR.FailedLookup, 3, 1, FAIL.MissingCapability, 8]);
    expect(invoke(rootCap, L.CNodeCopy, [15, 7, 10, 8, 15], [rootCap])).toBe(ERR.FailedLookup); // 7 bits for an 8-bit CNode
    expect(reply()).toEqual([ERR.FailedLookup, 4, 0, FAIL.DepthMismatch, 7, 8]);
    expect(invoke(rootCap, L.CNodeCopy, [15, 8, 10, 8, 15], [slotOf(UT)])).toBe(ERR.FailedLookup); // the source root is an untyped
    expect(reply()).toEqual([ERR.FailedLookup, 2, 1, FAIL.InvalidRoot]);
    // A guard mismatch: a CNode capability with a 4-bit guard of 0b1010 as the source root.
    x.makeCNode(root, 8, 4, 0b1010);
    const guarded = k.alloc(16, 16);
    x.setCap(guarded, x.lastData(), x.lastObject());
    expect(invoke(rootCap, L.CNodeCopy, [15, 8, 0x0310, 12, 15], [guarded])).toBe(ERR.FailedLookup);
    expect(reply()).toEqual([ERR.FailedLookup, 5, 1, FAIL.GuardMismatch, 12, 0b1010, 4]);
    // Success: an empty message.
    expect(retype(2, 0, 10)).toBe(0);
    expect(reply()).toEqual([0, 0]);
  });
});

describe("CNode invocations", () => {
  it("copies with fewer rights, mints a badge once, and refuses to copy an untyped with children", () => {
    expect(retype(2, 0, 10)).toBe(0);
    expect(copy(11, 10, 0b0011)).toBe(0);
    expect([tagAt(11), x.rights(slotOf(11))]).toEqual([TAG.endpoint_cap, 3]);
    expect(mint(12, 10, 42, 15)).toBe(0);
    expect([x.badge(slotOf(12)), x.mdbRevocable(slotOf(12))]).toEqual([42, 1]);
    expect(mint(13, 12, 43)).toBe(ERR.IllegalOperation); // a badged capability cannot be badged again
    expect(copy(14, UT)).toBe(ERR.RevokeFirst);
    expect(copy(10, 11)).toBe(ERR.DeleteFirst);
    expect(copy(15, 99)).toBe(ERR.FailedLookup);
    expect([x.errorWasSource(), x.faultType(), x.faultBitsLeft()]).toEqual([1, FAIL.MissingCapability, 8]);
    expect(invoke(rootCap, L.CNodeCopy, [15, 8, 10, 8], [rootCap])).toBe(ERR.TruncatedMessage);
    expect(invoke(rootCap, L.CNodeCopy, [15, 33, 10, 8, 15], [rootCap])).toBe(ERR.RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([1, 32]);
    expect(invoke(rootCap, L.CNodeCopy, [15, 8, 10, 0, 15], [rootCap])).toBe(ERR.RangeError);
    expect(invoke(rootCap, L.CNodeCopy, [15, 8, 10, 8, 15], [slotOf(10)])).toBe(ERR.FailedLookup); // source root not a CNode
    expect([x.errorWasSource(), x.faultType()]).toEqual([1, FAIL.InvalidRoot]);
    expect(invoke(rootCap, L.CNodeCopy, [15, 9, 10, 8, 15], [rootCap])).toBe(ERR.FailedLookup); // 9 bits: one too many
    expect([x.errorWasSource(), x.faultType(), x.faultBitsLeft(), x.faultBitsFound()]).toEqual([0, FAIL.DepthMismatch, 1, 0]);
    expect(invoke(rootCap, L.CNodeCopy, [15], [rootCap])).toBe(ERR.TruncatedMessage);
    expect(invoke(rootCap, L.CNodeRevoke - 1, [15, 8])).toBe(ERR.IllegalOperation);
  });

  it("moves, mutates a CNode's guard, and rotates three slots", () => {
    expect(retype(2, 0, 10)).toBe(0);
    expect(invoke(rootCap, L.CNodeMove, [20, 8, 10, 8], [rootCap])).toBe(0);
    expect([tagAt(10), tagAt(20), x.isParentOf(slotOf(UT), slotOf(20))]).toEqual([0, TAG.endpoint_cap, 1]);
    expect(invoke(rootCap, L.CNodeMutate, [21, 8, 20, 8, 5], [rootCap])).toBe(ERR.IllegalOperation); // no badge by Mutate
    expect(retype(4, 2, 30)).toBe(0); // a CNode of 4 slots
    expect(invoke(rootCap, L.CNodeMutate, [31, 8, 30, 8, (3 << 8) | (6 << 3)], [rootCap])).toBe(0);
    expect(invoke(rootCap, L.CNodeMutate, [32, 8, 31, 8, 31 << 3], [rootCap])).toBe(ERR.IllegalOperation); // 31 + radix 2 > 32
    expect([tagAt(30), x.cnodeGuardSize(slotOf(31)), x.cnodeGuard(slotOf(31))]).toEqual([0, 6, 3]);
    // Mutate and Rotate keep badges: an endpoint or notification becomes null, so both are refused (seL4's updateCapData).
    expect(retype(3, 0, 40)).toBe(0);
    expect(invoke(rootCap, L.CNodeRotate, [41, 8, 0, 40, 8, 0, 20, 8], [rootCap, rootCap])).toBe(ERR.IllegalOperation);
    // Rotate CNode capabilities: src 31 -> pivot 50 -> dest 51 (empty).
    expect(retype(4, 1, 50)).toBe(0);
    const c31 = x.objectPhys(slotOf(31));
    const c50 = x.objectPhys(slotOf(50));
    expect(invoke(rootCap, L.CNodeRotate, [51, 8, 0, 50, 8, 0, 31, 8], [rootCap, rootCap])).toBe(0);
    expect([tagAt(31), x.objectPhys(slotOf(50)), x.objectPhys(slotOf(51))]).toEqual([0, c31, c50]);
    expect(x.cnodeGuardSize(slotOf(50))).toBe(0); // the new data (0) set the guard
    // Rotate with dest == src swaps.
    expect(invoke(rootCap, L.CNodeRotate, [50, 8, 0, 51, 8, 0, 50, 8], [rootCap, rootCap])).toBe(0);
    expect([x.objectPhys(slotOf(50)), x.objectPhys(slotOf(51))]).toEqual([c50, c31]);
    expect(invoke(rootCap, L.CNodeRotate, [50, 8, 0, 50, 8, 0, 51, 8], [rootCap, rootCap])).toBe(ERR.IllegalOperation);
    expect(invoke(rootCap, L.CNodeRotate, [60, 8, 0, 51, 8, 0, 52, 8], [rootCap, rootCap])).toBe(ERR.FailedLookup); // empty source
    expect([x.errorWasSource(), x.faultType()]).toEqual([1, FAIL.MissingCapability]);
    expect(invoke(rootCap, L.CNodeRotate, [40, 8, 0, 51, 8, 0, 50, 8], [rootCap, rootCap])).toBe(ERR.DeleteFirst);
    expect(invoke(rootCap, L.CNodeRotate, [40, 8, 0, 51, 8, 0], [rootCap, rootCap])).toBe(ERR.TruncatedMessage);
  });

  it("revokes exactly the descendants, and deletes one capability", () => {
    expect(retype(2, 0, 10)).toBe(0);
    expect(mint(11, 10, 1)).toBe(0);
    expect(copy(12, 11)).toBe(0);
    expect(mint(13, 10, 2)).toBe(0);
    expect(copy(14, 10)).toBe(0);
    expect(revoke(11)).toBe(0); // the badge-1 subtree: just 12
    expect([tagAt(10), tagAt(11), tagAt(12), tagAt(13), tagAt(14)].map(Boolean)).toEqual([true, true, false, true, true]);
    expect(del(10)).toBe(0);
    expect(tagAt(10)).toBe(0);
    expect(revoke(UT)).toBe(0); // everything made from the untyped
    for (const i of [11, 13, 14]) expect(tagAt(i)).toBe(0);
    expect(tagAt(UT)).toBe(TAG.untyped_cap);
  });

  it("deletes a CNode's contents with its last capability, cycles included, and a revoke of the untyped clears what is left", () => {
    expect(retype(4, 2, 10, 2)).toBe(0); // CNodes A (slot 10) and B (slot 11), 4 slots each
    expect(retype(2, 0, 12)).toBe(0); // an endpoint
    const a = x.objectPhys(slotOf(10));
    const b = x.objectPhys(slotOf(11));
    // A holds the endpoint and a capability to B; B holds one to A: a cycle.
    const toA = (i: number) => a + 16 * i;
    const toB = (i: number) => b + 16 * i;
    // Address A's slot i from the root: 8 bits to reach slot 10, then 2 bits, depth 10.
    expect(invoke(rootCap, L.CNodeMove, [(10 << 2) | 3, 10, 12, 8], [rootCap])).toBe(0);
    expect(x.tag(toA(3))).toBe(TAG.endpoint_cap);
    expect(invoke(rootCap, L.CNodeCopy, [(10 << 2) | 1, 10, 11, 8, 15], [rootCap])).toBe(0);
    expect(invoke(rootCap, L.CNodeCopy, [(11 << 2) | 2, 10, 10, 8, 15], [rootCap])).toBe(0);
    expect([x.tag(toA(1)), x.tag(toB(2))]).toEqual([TAG.cnode_cap, TAG.cnode_cap]);
    // Deleting the root's capability to A: B still holds one, so A lives on.
    expect(del(10)).toBe(0);
    expect(x.tag(toA(3))).toBe(TAG.endpoint_cap);
    // Deleting the root's capability to B: the cycle is now unreachable, but every
    // capability in it is still a descendant of the untyped.
    expect(del(11)).toBe(0);
    expect(revoke(UT)).toBe(0);
    for (let i = 0; i < 4; i++) expect([x.tag(toA(i)), x.tag(toB(i))]).toEqual([0, 0]);
    expect(x.hasChildren(slotOf(UT))).toBe(0);
    expect(x.untypedFreeIndex(slotOf(UT))).toBe(x.untypedFreeIndex(slotOf(UT))); // unchanged until the next retype resets it
    expect(retype(4, 2, 10)).toBe(0);
    expect(x.objectPhys(slotOf(10))).toBe(utBase); // the memory is free again
  });

  it("finalises a CNode whose last capability goes: its slots are emptied", () => {
    expect(retype(4, 3, 10)).toBe(0);
    expect(retype(2, 0, 11, 3)).toBe(0);
    const c = x.objectPhys(slotOf(10));
    for (let i = 0; i < 3; i++) expect(invoke(rootCap, L.CNodeMove, [(10 << 3) | (i * 2), 11, 11 + i, 8], [rootCap])).toBe(0);
    expect(del(10)).toBe(0);
    for (let i = 0; i < 8; i++) expect(x.tag(c + 16 * i)).toBe(0);
    expect(x.hasChildren(slotOf(UT))).toBe(0);
  });
});

// ── Fuzz ───────────────────────────────────────────────────────────────

/** Every slot the kernel might reach from the root CNode: its own, and those of CNodes named by capabilities or zombies in them. */
function liveSlots(): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  const visit = (base: number, n: number) => {
    if (seen.has(base)) return;
    seen.add(base);
    for (let i = 0; i < n; i++) {
      const s = base + 16 * i;
      out.push(s);
      const t = x.tag(s);
      if (t === TAG.cnode_cap) visit(x.objectPhys(s), 1 << x.cnodeRadix(s));
      else if (t === TAG.zombie_cap && x.zombieType(s) !== 63) visit(x.zombiePtr(s), 1 << x.zombieType(s));
    }
  };
  visit(root, 256);
  return out;
}

/**
 * The invariants of the derivation tree and of memory, as the kernel's
 * slots show them; returns the first broken one. Both fuzzes check them.
 */
function check(): string | null {
  const ut = slotOf(UT);
  const utEnd = utBase + (1 << 16);
  const live = liveSlots();
  const occupied = live.filter((s) => x.tag(s) !== 0);
  // The derivation list from the root untyped visits every capability exactly once, with consistent links.
  const listed = new Set<number>();
  let prev = 0;
  for (let s = ut; s !== 0; s = x.mdbNext(s)) {
    if (x.mdbPrev(s) !== prev) return `broken link at 0x${s.toString(16)}`;
    if (listed.has(s)) return "a cycle in the list";
    if (x.tag(s) === 0) return `an empty slot 0x${s.toString(16)} in the list`;
    listed.add(s);
    // Everything was made from the untyped: every capability after it is in its subtree.
    if (s !== ut && !x.isParentOf(ut, s)) return `0x${s.toString(16)} (tag ${x.tag(s)}) is not below the untyped`;
    prev = s;
  }
  for (const s of occupied) if (!listed.has(s)) return `slot 0x${s.toString(16)} (tag ${x.tag(s)}) is not in the list`;
  for (const s of live) if (x.tag(s) === 0 && (x.mdbPrev(s) !== 0 || x.mdbNext(s) !== 0)) return "an empty slot with links";
  // No capability names memory above the watermark, and live objects do not overlap.
  const top = utBase + 16 * x.untypedFreeIndex(ut);
  const objects = new Map<number, number>();
  for (const s of listed) {
    if (s === ut) continue;
    const t = x.tag(s);
    let base = 0;
    let size = 0;
    if (t === TAG.endpoint_cap || t === TAG.notification_cap) [base, size] = [x.objectPhys(s), 16];
    else if (t === TAG.cnode_cap) [base, size] = [x.objectPhys(s), 16 << x.cnodeRadix(s)];
    else if (t === TAG.frame_cap || t === TAG.page_table_cap || t === TAG.page_directory_cap) [base, size] = [x.pagePhys(s), 4096];
    else if (t === TAG.thread_cap) [base, size] = [x.objectPhys(s), 2048];
    else if (t === TAG.untyped_cap) [base, size] = [x.objectPhys(s), 1 << x.untypedSizeBits(s)];
    else if (t === TAG.zombie_cap) [base, size] = [x.zombiePtr(s), x.zombieType(s) === 63 ? 2048 : 16 << x.zombieType(s)];
    else return `unexpected tag ${t}`;
    if (base < utBase || base + size > top || base + size > utEnd) return `tag ${t} at 0x${base.toString(16)}+${size} is outside the used part of the untyped`;
    if (t === TAG.untyped_cap) continue; // a child untyped covers its own children
    const old = objects.get(base);
    if (old !== undefined && old !== size) return `two objects at 0x${base.toString(16)}`;
    objects.set(base, size);
  }
  const sorted = [...objects].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1][0] + sorted[i - 1][1] > sorted[i][0]) return `objects overlap at 0x${sorted[i][0].toString(16)}`;
  }
  return null;
}

describe("random invocations keep the derivation tree sound", () => {
  it("100 000 Copy, Mint, Move, Mutate, Rotate, Delete, Revoke and Retype invocations, with the invariants checked after each", () => {
    const seed = 0x7505c4;
    const random = rng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const ut = slotOf(UT);
    const FIRST = 8;
    const LAST = 63;
    const counts: Record<string, number> = {};
    const errors: Record<string, number> = {};

    const rootSlot = () => FIRST + int(LAST - FIRST + 1);
    /** A slot address: usually a root slot (depth 8), sometimes one inside a CNode a root slot names. */
    function address(): [number, number] {
      const i = rootSlot();
      if (random() < 0.25 && x.tag(slotOf(i)) === TAG.cnode_cap && x.cnodeGuardSize(slotOf(i)) === 0) {
        const r = x.cnodeRadix(slotOf(i));
        return [(i << r) | int(1 << r), 8 + r];
      }
      return [i, random() < 0.02 ? int(34) : 8];
    }

    for (let step = 0; step < 100_000; step++) {
      const op = int(100);
      let name: string;
      let err: number;
      if (op < 18) {
        name = "Retype";
        const type = random() < 0.03 ? 9 + int(3) : [0, 1, 2, 3, 4, 5, 7, 8][int(8)];
        const size = type === 0 ? 4 + int(10) : type === 4 ? 1 + int(3) : 0;
        const [dest, depth] = address();
        // A root slot: the root CNode itself (depth 0) at that offset; otherwise a CNode looked up by address.
        err = invoke(ut, L.UntypedRetype, [type, size, dest, depth === 8 ? 0 : depth, depth === 8 ? dest : 0, 1 + int(3)], [rootCap]);
      } else if (op < 36) {
        name = ["Copy", "Mint"][int(2)];
        const [d, dd] = address();
        const [s, sd] = address();
        const args = [d, dd, s, sd, int(16)];
        if (name === "Mint") args.push(random() < 0.5 ? 0 : int(1 << 28));
        err = invoke(rootCap, L[`CNode${name}`], args, [rootCap]);
      } else if (op < 48) {
        name = ["Move", "Mutate"][int(2)];
        const [d, dd] = address();
        const [s, sd] = address();
        const args = [d, dd, s, sd];
        if (name === "Mutate") args.push(random() < 0.5 ? 0 : (int(1 << 18) << 8) | (int(32) << 3));
        err = invoke(rootCap, L[`CNode${name}`], args, [rootCap]);
      } else if (op < 54) {
        name = "Rotate";
        const [d, dd] = address();
        const [p, pd] = address();
        const [s, sd] = address();
        err = invoke(rootCap, L.CNodeRotate, [d, dd, 0, p, pd, 0, s, sd], [rootCap, rootCap]);
      } else if (op < 84) {
        name = "Delete";
        const [d, dd] = address();
        err = invoke(rootCap, L.CNodeDelete, [d, dd]);
        if (err === 0 && dd === 8) expect(tagAt(d)).toBe(0);
      } else {
        name = random() < 0.1 ? "RevokeUntyped" : "Revoke";
        const [d, dd] = name === "Revoke" ? address() : [UT, 8];
        err = invoke(rootCap, L.CNodeRevoke, [d, dd]);
        if (err === 0 && dd === 8) expect(x.hasChildren(slotOf(d))).toBe(0);
      }
      counts[name] = (counts[name] ?? 0) + 1;
      const errName = Object.entries(ERR).find(([, v]) => v === err)?.[0] ?? String(err);
      errors[errName] = (errors[errName] ?? 0) + 1;
      const broken = check();
      if (broken) expect.fail(`seed 0x${seed.toString(16)}, step ${step} (${name}, ${errName}): ${broken}`);
    }
    // Every operation ran often, and both successes and the main errors happened.
    for (const name of ["Retype", "Copy", "Mint", "Move", "Mutate", "Rotate", "Delete", "Revoke", "RevokeUntyped"]) expect(counts[name], name).toBeGreaterThan(500);
    for (const e of ["NoError", "DeleteFirst", "FailedLookup", "IllegalOperation", "NotEnoughMemory", "RangeError"]) expect(errors[e], e).toBeGreaterThan(50);
    console.log(`cspace fuzz seed 0x${seed.toString(16)}: ${JSON.stringify(counts)} ${JSON.stringify(errors)}`);
  }, 600_000);
});

describe("the kernel against a plain TypeScript model of seL4's CSpace", () => {
  it("agrees on every error and every slot over 100 000 compared random invocations, with the invariants checked after each", () => {
    const seed = 0x5e14;
    const random = rng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const ut = slotOf(UT);
    const m = new CSpaceModel();
    m.insertRoot(ut, { tag: "untyped", base: utBase, bits: 16, badge: 0, rights: 0, guard: 0, guardSize: 0, freeIndex: 0, number: 0 });
    const rootModel = { tag: "cnode" as const, base: root, bits: 8, badge: 0, rights: 0, guard: 0, guardSize: 0, freeIndex: 0, number: 0 };
    const tagName: Record<number, string> = { [TAG.null_cap]: "null", [TAG.untyped_cap]: "untyped", [TAG.thread_cap]: "thread", [TAG.endpoint_cap]: "endpoint",
      [TAG.notification_cap]: "notification", [TAG.cnode_cap]: "cnode", [TAG.frame_cap]: "frame", [TAG.zombie_cap]: "zombie" };
    const LABELS = ["Copy", "Mint", "Move", "Mutate", "Rotate", "Delete", "Revoke"];
    /** Invocations whose result was compared with the model's (a step with no CNode to use invokes nothing). */
    const COMPARED = 100_000;
    let compared = 0;
    let steps = 0;
    let zombieSteps = 0;
    let deletes = 0;

    /** The kernel's view of a slot, in the model's terms. */
    function kernelCap(s: number) {
      const tag = tagName[x.tag(s)] ?? `tag${x.tag(s)}`;
      switch (tag) {
        case "untyped": return { tag, base: x.objectPhys(s), bits: x.untypedSizeBits(s), freeIndex: s === ut ? x.untypedFreeIndex(s) : 0 };
        case "endpoint": case "notification": return { tag, base: x.objectPhys(s), badge: x.badge(s) >>> 0, rights: x.rights(s) };
        case "cnode": return { tag, base: x.objectPhys(s), bits: x.cnodeRadix(s), guard: x.cnodeGuard(s), guardSize: x.cnodeGuardSize(s) };
        case "frame": return { tag, base: x.pagePhys(s) };
        case "thread": return { tag, base: x.objectPhys(s) };
        case "zombie": return { tag, base: x.zombiePtr(s), bits: x.zombieType(s), number: x.zombieNumber(s) };
        default: return { tag };
      }
    }
    function modelCap(s: number) {
      const c = m.cap(s);
      switch (c.tag) {
        case "untyped": return { tag: c.tag, base: c.base, bits: c.bits, freeIndex: s === ut ? c.freeIndex : 0 };
        case "endpoint": case "notification": return { tag: c.tag, base: c.base, badge: c.badge, rights: c.rights };
        case "cnode": return { tag: c.tag, base: c.base, bits: c.bits, guard: c.guard, guardSize: c.guardSize };
        case "frame": return { tag: c.tag, base: c.base };
        case "thread": return { tag: c.tag, base: c.base };
        case "zombie": return { tag: c.tag, base: c.base, bits: c.bits, number: c.number };
        default: return { tag: c.tag };
      }
    }
    const address = (): [number, number] => {
      const i = 8 + int(56);
      const c = m.cap(slotOf(i));
      if (random() < 0.3 && c.tag === "cnode" && c.guardSize === 0) return [(i << c.bits) | int(2 ** c.bits), 8 + c.bits];
      return [i, random() < 0.02 ? int(34) : 8];
    };

    for (let step = 0; compared < COMPARED; step++) {
      if (step >= 2 * COMPARED) expect.fail(`seed 0x${seed.toString(16)}: only ${compared} of ${step} steps compared`);
      steps = step + 1;
      const op = int(100);
      let label: string;
      let got: number;
      let want: number;
      const cnodeSlots = () => Array.from({ length: 56 }, (_, i) => 8 + i).filter((i) => m.cap(slotOf(i)).tag === "cnode" && m.cap(slotOf(i)).guardSize === 0);
      if (op < 2) {
        label = "Revoke";
        want = m.cnode(rootModel, label, [UT, 8], [rootModel]);
        got = invoke(rootCap, L.CNodeRevoke, [UT, 8]);
      } else if (op < 20) {
        // Build cycles: copy a CNode capability into a slot of a CNode (maybe itself), or delete one.
        const cs = cnodeSlots();
        if (cs.length === 0) continue;
        const from = cs[int(cs.length)];
        const into = cs[int(cs.length)];
        const r = m.cap(slotOf(into)).bits;
        if (random() < 0.6) {
          label = "Copy";
          const args = [(into << r) | int(2 ** r), 8 + r, from, 8, 15];
          want = m.cnode(rootModel, label, args, [rootModel]);
          got = invoke(rootCap, L.CNodeCopy, args, [rootCap]);
        } else {
          label = "Delete";
          want = m.cnode(rootModel, label, [from, 8], [rootModel]);
          got = invoke(rootCap, L.CNodeDelete, [from, 8]);
        }
      } else if (op < 40) {
        label = "Retype";
        const type = random() < 0.03 ? 9 + int(2) : [0, 1, 2, 3, 4, 4, 4, 5][int(8)];
        const size = type === 0 ? 4 + int(10) : type === 4 ? 1 + int(3) : 0;
        const offset = int(random() < 0.02 ? 300 : 64);
        const n = random() < 0.02 ? int(300) : 1 + int(3);
        want = m.retype(ut, rootModel, type, size, offset, n);
        got = invoke(ut, L.UntypedRetype, [type, size, 0, 0, offset, n], [rootCap]);
      } else {
        label = LABELS[[0, 0, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6][int(12)]];
        const [d, dd] = address();
        const [s, sd] = address();
        let args: number[];
        if (label === "Delete" || label === "Revoke") args = [d, dd];
        else if (label === "Rotate") {
          const [p, pd] = address();
          args = [d, dd, random() < 0.8 ? 0 : int(1 << 20), p, pd, random() < 0.8 ? 0 : int(1 << 20), s, sd];
        } else {
          args = [d, dd, s, sd];
          if (label === "Copy" || label === "Mint") args.push(int(16));
          if (label === "Mint") args.push(random() < 0.5 ? 0 : int(1 << 28));
          if (label === "Mutate") args.push(random() < 0.5 ? 0 : (int(1 << 18) << 8) | (int(32) << 3));
        }
        if (random() < 0.01) args = args.slice(0, int(args.length));
        const extra = label === "Rotate" ? [rootModel, rootModel] : [rootModel];
        want = m.cnode(rootModel, label, args, extra);
        got = invoke(rootCap, L[`CNode${label}`], args, label === "Rotate" ? [rootCap, rootCap] : [rootCap]);
      }
      if (want === -1) continue;
      const where = `seed 0x${seed.toString(16)}, step ${step} (${label})`;
      if (got !== want) expect.fail(`${where}: kernel error ${got}, model ${want}`);
      if (got === ERR.FailedLookup) {
        const kind = Object.entries(FAIL).find(([, v]) => v === x.faultType())![0];
        if (kind !== m.fault[0] || x.faultBitsLeft() !== m.fault[1]) expect.fail(`${where}: lookup fault ${kind}/${x.faultBitsLeft()}, model ${m.fault.join("/")}`);
      }
      // The derivation list, slot by slot, and every slot either side knows.
      const klist: number[] = [];
      for (let s = ut; s !== 0 && klist.length <= m.list.length; s = x.mdbNext(s)) klist.push(s);
      if (klist.join() !== m.list.join()) expect.fail(`${where}: list ${klist.length} slots, model ${m.list.length}`);
      // The invariant fuzz's invariants too: the list is sound, no capability names freed memory, no two live objects overlap.
      const broken = check();
      if (broken) expect.fail(`${where}: ${broken}`);
      // Every slot either side knows, every 25 steps (each check is thousands of reads).
      if (step % 25 !== 0) {
        compared++;
        if (label === "Delete" && got === 0) deletes++;
        continue;
      }
      for (const s of new Set([...m.slots.keys(), ...klist])) {
        const a = JSON.stringify(kernelCap(s));
        const b = JSON.stringify(modelCap(s));
        if (a !== b) expect.fail(`${where}: slot 0x${s.toString(16)} kernel ${a}, model ${b}`);
        if (m.cap(s).tag !== "null" && (!!x.mdbRevocable(s) !== m.slot(s).revocable || !!x.mdbFirstBadged(s) !== m.slot(s).firstBadged)) {
          expect.fail(`${where}: flags of slot 0x${s.toString(16)}`);
        }
      }
      compared++;
      if (m.list.some((a) => m.cap(a).tag === "zombie")) zombieSteps++;
      if (label === "Delete" && got === 0) deletes++;
    }
    // Every counted invocation was compared; CNode deletion left parked zombies (seL4's cyclic case) often enough to matter.
    expect(compared).toBe(COMPARED);
    expect(steps).toBeLessThan(1.1 * COMPARED);
    expect(zombieSteps).toBeGreaterThan(40); // of the fully compared steps
    console.log(`cspace model fuzz seed 0x${seed.toString(16)}: ${compared} invocations compared in ${steps} steps, ${deletes} deletes, ${zombieSteps} fully compared steps with a parked zombie`);
  }, 600_000);
});
