// test/unit/cspace.test.ts: the capability slot layout, seL4's lookup,
// the rules over capability values, and the derivation tree, as the
// kernel's own code (kernel/cspace/) compiled to wasm.
//
// Wasm memory plays physical memory (vspaceSetPhysWindow(0)), so a slot's
// physical address is its wasm address. Lookups are checked against a
// plain TypeScript statement of seL4's resolveAddressBits over random
// CSpaces; the derivation tree against a list model over random operations.
import { beforeAll, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { itKeepsKernelRules } from "../helpers/kernel-checks";
import { rng } from "../helpers/rng";
import { CAP_TAGS, LOOKUP_FAILURES } from "../../libs/abi/sel4.def.ts";

const ENTRY = "test/kernel/cspace.entry.ts";
const TAG = Object.fromEntries(CAP_TAGS.entries.map((e) => [e.name, e.value]));
const FAIL = Object.fromEntries(LOOKUP_FAILURES.entries.map((e) => [e.name.replace(/^seL4_/, ""), e.value]));

let k: KernelInstance;
let x: any;

beforeAll(async () => {
  k = await loadKernelEntry(ENTRY, { scratchPages: 64 });
  x = k.exports;
  x.vspaceSetPhysWindow(0);
}, 120_000);

itKeepsKernelRules(() => k.module.wat);

/** A fresh zeroed slot (16 bytes, 16-aligned). */
function slot(): number {
  return k.alloc(16, 16);
}

/** Puts the capability the last make* built into a fresh slot. */
function put(): number {
  const s = slot();
  x.setCap(s, x.lastData(), x.lastObject());
  return s;
}

describe("slot layout", () => {
  it("is 16 bytes with the tag in the object word, as seL4's tags", () => {
    x.makeUntyped(0x1000, 12, false, 0);
    expect(x.tag(put())).toBe(TAG.untyped_cap);
    const cases: [() => void, string][] = [
      [() => x.makeEndpoint(0x20, 0, 0), "endpoint_cap"],
      [() => x.makeNotification(0x20, 0, 0), "notification_cap"],
      [() => x.makeCNode(0x20, 1, 0, 0), "cnode_cap"],
      [() => x.makeThread(0x800), "thread_cap"],
      [() => x.makeReply(0x800, true, false), "reply_cap"],
      [() => x.makeFrame(0x1000, false, false, 3), "frame_cap"],
      [() => x.makePageTable(0x1000), "page_table_cap"],
      [() => x.makePageDirectory(0x1000), "page_directory_cap"],
      [() => x.makeAsidPool(0x1000, 0), "asid_pool_cap"],
      [() => x.makeIrqHandler(5), "irq_handler_cap"],
      [() => x.makeIoPort(0x3f8, 0x3ff), "io_port_cap"],
      [() => x.makeZombie(0x1000, 63, 5), "zombie_cap"],
      [() => x.makeTagOnly(TAG.irq_control_cap), "irq_control_cap"],
      [() => x.makeTagOnly(TAG.asid_control_cap), "asid_control_cap"],
      [() => x.makeTagOnly(TAG.io_port_control_cap), "io_port_control_cap"],
      [() => x.makeTagOnly(TAG.domain_cap), "domain_cap"],
    ];
    for (const [make, name] of cases) {
      make();
      expect(x.tag(put()), name).toBe(TAG[name]);
    }
    expect(x.tag(slot())).toBe(TAG.null_cap);
  });

  it("round-trips every untyped field at its limits", () => {
    for (const [phys, size, dev, free] of [
      [0, 4, false, 0], [0xfffffff0, 4, true, 0], [0xe0000000, 29, true, (1 << 25) - 1], [0x10, 31, false, (1 << 26) - 1],
    ] as [number, number, boolean, number][]) {
      x.makeUntyped(phys, size, dev, free);
      const s = put();
      expect([x.objectPhys(s) >>> 0, x.untypedSizeBits(s), !!x.untypedIsDevice(s), x.untypedFreeIndex(s) >>> 0]).toEqual([phys >>> 0, size, dev, free]);
      x.setUntypedFreeIndex(s, 0);
      expect([x.untypedFreeIndex(s), x.untypedSizeBits(s), !!x.untypedIsDevice(s)]).toEqual([0, size, dev]);
      x.setUntypedFreeIndex(s, (1 << 26) - 1);
      expect([x.untypedFreeIndex(s) >>> 0, x.untypedSizeBits(s), !!x.untypedIsDevice(s)]).toEqual([(1 << 26) - 1, size, dev]);
    }
  });

  it("round-trips endpoint and notification badges (28 bits) and rights", () => {
    for (const b of [0, 1, 0xfffffff, 0x5a5a5a5]) {
      for (const r of [0, 1, 2, 4, 8, 15]) {
        x.makeEndpoint(0xfffffff0, b, r);
        const s = put();
        expect([x.badge(s) >>> 0, x.rights(s), x.objectPhys(s) >>> 0]).toEqual([b, r, 0xfffffff0]);
        x.makeNotification(0x10, b, r);
        const n = put();
        expect([x.badge(n) >>> 0, x.rights(n), x.objectPhys(n)]).toEqual([b, r & 3, 0x10]);
      }
    }
    x.makeEndpoint(0x20, 0x1fffffff, 0); // a badge wider than 28 bits is cut to 28
    expect(x.badge(put()) >>> 0).toBe(0xfffffff);
  });

  it("round-trips a CNode's radix, guard size and 18-bit guard", () => {
    for (const [radix, gs, guard] of [[1, 0, 0], [31, 1, 1], [12, 20, 0x3ffff], [5, 32, 0x2aaaa], [31, 0, 0]]) {
      x.makeCNode(0xffffffe0, radix, gs, guard);
      const s = put();
      expect([x.cnodeRadix(s), x.cnodeGuardSize(s), x.cnodeGuard(s), x.objectPhys(s) >>> 0]).toEqual([radix, gs, guard, 0xffffffe0]);
    }
  });

  it("round-trips frames, page tables, page directories and ASID pools", () => {
    for (const [phys, large, dev, r] of [[0, false, false, 1], [0xfffff000, true, true, 3], [0x400000, true, false, 2]] as [number, boolean, boolean, number][]) {
      x.makeFrame(phys, large, dev, r);
      const s = put();
      expect([x.pagePhys(s) >>> 0, !!x.frameIsLarge(s), !!x.frameIsDevice(s), x.frameVmRights(s), x.frameMappedAsid(s)]).toEqual([phys >>> 0, large, dev, r, 0]);
      x.setFrameMapping(s, 0xfff, 0xdffff000);
      expect([x.frameMappedAsid(s), x.frameMappedVaddr(s) >>> 0, x.pagePhys(s) >>> 0, x.frameVmRights(s)]).toEqual([0xfff, 0xdffff000, phys >>> 0, r]);
    }
    x.makePageTable(0xfffff000);
    const pt = put();
    expect([x.pagePhys(pt) >>> 0, !!x.tableIsMapped(pt)]).toEqual([0xfffff000, false]);
    x.setTableMapping(pt, true, 0xfff, 0xdfc00000);
    expect([!!x.tableIsMapped(pt), x.tableMappedAsid(pt), x.tableMappedVaddr(pt) >>> 0]).toEqual([true, 0xfff, 0xdfc00000]);
    x.setTableMapping(pt, true, 1, 0);
    expect([!!x.tableIsMapped(pt), x.tableMappedAsid(pt), x.tableMappedVaddr(pt)]).toEqual([true, 1, 0]);
    x.setTableMapping(pt, false, 0, 0);
    expect(!!x.tableIsMapped(pt)).toBe(false);
    x.makeAsidPool(0x3000, 0xc00);
    const pool = put();
    expect([x.pagePhys(pool), x.asidPoolBase(pool)]).toEqual([0x3000, 0xc00]);
  });

  it("round-trips reply, IRQ handler, IO port and zombie fields", () => {
    for (const [m, g] of [[true, false], [false, true], [true, true], [false, false]]) {
      x.makeReply(0xfffff800, m, g);
      const s = put();
      expect([!!x.replyIsMaster(s), !!x.replyCanGrant(s), x.objectPhys(s) >>> 0]).toEqual([m, g, 0xfffff800]);
    }
    x.makeIrqHandler(255);
    expect(x.irq(put())).toBe(255);
    x.makeIoPort(0, 0xffff);
    const io = put();
    expect([x.ioPortFirst(io), x.ioPortLast(io)]).toEqual([0, 0xffff]);
    // A CNode of radix 25 (2^29 bytes, 2^29-aligned) being deleted: all 2^25 slots left.
    x.makeZombie(0xe0000000, 25, 1 << 25);
    const z = put();
    expect([x.zombiePtr(z) >>> 0, x.zombieType(z), x.zombieNumber(z), x.tag(z)]).toEqual([0xe0000000, 25, 1 << 25, TAG.zombie_cap]);
    x.setZombieNumber(z, 3);
    expect([x.zombiePtr(z) >>> 0, x.zombieNumber(z), x.zombieType(z)]).toEqual([0xe0000000, 3, 25]);
    x.makeZombie(0xfffff800, 63, 5); // a TCB's 5 slots
    const t = put();
    expect([x.zombiePtr(t) >>> 0, x.zombieType(t), x.zombieNumber(t)]).toEqual([0xfffff800, 63, 5]);
    x.makeZombie(0x20, 1, 2); // the smallest CNode: 2 slots, 32 bytes
    const c = put();
    expect([x.zombiePtr(c), x.zombieNumber(c)]).toEqual([0x20, 2]);
  });

  it("keeps the derivation links and their two flags apart", () => {
    const s = slot();
    x.setMdbPrev(s, 0xfffffff0);
    x.setMdbNext(s, 0xfffffff0);
    x.setMdbFlags(s, true, false);
    expect([x.mdbPrev(s) >>> 0, x.mdbNext(s) >>> 0, !!x.mdbRevocable(s), !!x.mdbFirstBadged(s)]).toEqual([0xfffffff0, 0xfffffff0, true, false]);
    x.setMdbFlags(s, false, true);
    x.setMdbPrev(s, 0x10);
    expect([x.mdbPrev(s), x.mdbNext(s) >>> 0, !!x.mdbRevocable(s), !!x.mdbFirstBadged(s)]).toEqual([0x10, 0xfffffff0, false, true]);
    x.clearSlot(s);
    expect([x.mdbPrev(s), x.mdbNext(s), !!x.mdbRevocable(s), !!x.mdbFirstBadged(s), x.tag(s)]).toEqual([0, 0, false, false, 0]);
  });
});

// ── Lookup ─────────────────────────────────────────────────────────────

/** A CNode in test memory: 2^radix slots. */
interface Node {
  base: number;
  radix: number;
}

function cnode(radix: number): Node {
  return { base: k.alloc(16 << radix, 16 << radix > 4096 ? 4096 : 16 << radix), radix };
}

/** Writes a CNode capability into slot `s`. */
function putCNode(s: number, n: Node, guardSize: number, guard: number): void {
  x.makeCNode(n.base, n.radix, guardSize, guard);
  x.setCap(s, x.lastData(), x.lastObject());
}

type Outcome = { slot: number; bitsRemaining: number } | { fault: string; bitsLeft: number; bitsFound: number; guardFound: number };

/** seL4's resolveAddressBits, stated plainly over the same memory (the specification the kernel code is held to). */
function reference(root: number, cptr: number, depth: number): Outcome {
  const view = () => k.view;
  const tagAt = (s: number) => x.tag(s);
  if (tagAt(root) !== TAG.cnode_cap) return { fault: "InvalidRoot", bitsLeft: depth, bitsFound: 0, guardFound: 0 };
  let node = root;
  let bits = depth;
  for (;;) {
    const radix = x.cnodeRadix(node);
    const gs = x.cnodeGuardSize(node);
    const guard = x.cnodeGuard(node);
    const level = radix + gs;
    const c = BigInt(cptr >>> 0);
    if (gs > bits) return { fault: "GuardMismatch", bitsLeft: bits, bitsFound: gs, guardFound: guard };
    const found = Number((c >> BigInt(bits - gs)) & ((1n << BigInt(gs)) - 1n));
    if (found !== guard) return { fault: "GuardMismatch", bitsLeft: bits, bitsFound: gs, guardFound: guard };
    if (level > bits) return { fault: "DepthMismatch", bitsLeft: bits, bitsFound: level, guardFound: 0 };
    const index = Number((c >> BigInt(bits - level)) & ((1n << BigInt(radix)) - 1n));
    const s = x.objectPhys(node) + 16 * index;
    void view;
    bits -= level;
    if (bits === 0 || tagAt(s) !== TAG.cnode_cap) return { slot: s, bitsRemaining: bits };
    node = s;
  }
}

function actual(root: number, cptr: number, depth: number): Outcome {
  const s = x.resolveAddressBits(root, cptr, depth);
  if (s !== 0) return { slot: s, bitsRemaining: x.bitsRemaining() };
  const name = Object.entries(FAIL).find(([, v]) => v === x.faultType())![0];
  return { fault: name, bitsLeft: x.faultBitsLeft(), bitsFound: x.faultBitsFound(), guardFound: x.faultGuardFound() };
}

describe("lookup (resolveAddressBits)", () => {
  it("finds a slot in a one-level CSpace with seL4's guard of 32 - radix bits", () => {
    const n = cnode(8);
    const root = slot();
    putCNode(root, n, 24, 0);
    for (const i of [0, 1, 77, 255]) {
      expect(actual(root, i, 32)).toEqual({ slot: n.base + 16 * i, bitsRemaining: 0 });
    }
    expect(actual(root, 0x100, 32)).toEqual({ fault: "GuardMismatch", bitsLeft: 32, bitsFound: 24, guardFound: 0 });
  });

  it("walks a second level and stops early at a non-CNode capability", () => {
    const top = cnode(4);
    const leaf = cnode(4);
    const root = slot();
    putCNode(root, top, 0, 0);
    putCNode(top.base + 16 * 3, leaf, 2, 1); // slot 3 holds a CNode with guard 0b01
    x.makeEndpoint(0x40, 0, 15);
    x.setCap(leaf.base + 16 * 9, x.lastData(), x.lastObject());
    // 4 bits (3) + 2 bits guard (01) + 4 bits (9) = 10 bits
    const addr = (3 << 6) | (1 << 4) | 9;
    expect(actual(root, addr, 10)).toEqual({ slot: leaf.base + 16 * 9, bitsRemaining: 0 });
    expect(actual(root, addr << 22, 32)).toEqual({ slot: leaf.base + 16 * 9, bitsRemaining: 22 });
    expect(actual(root, (3 << 6) | (2 << 4) | 9, 10)).toEqual({ fault: "GuardMismatch", bitsLeft: 6, bitsFound: 2, guardFound: 1 });
    expect(actual(root, 3 << 1, 5)).toEqual({ fault: "GuardMismatch", bitsLeft: 1, bitsFound: 2, guardFound: 1 });
    expect(actual(root, (3 << 2) | 1, 6)).toEqual({ fault: "DepthMismatch", bitsLeft: 2, bitsFound: 6, guardFound: 0 });
    expect(actual(root, 3, 4)).toEqual({ slot: top.base + 48, bitsRemaining: 0 }); // depth ends at the CNode capability's slot
    // lookupTargetSlot insists the depth is used up exactly.
    expect(x.lookupTargetSlot(root, addr << 22, 32)).toBe(0);
    expect([x.faultType(), x.faultBitsLeft(), x.faultBitsFound()]).toEqual([FAIL.DepthMismatch, 22, 0]);
    expect(x.lookupTargetSlot(root, addr, 10)).toBe(leaf.base + 16 * 9);
  });

  it("reports an invalid root for anything but a CNode capability", () => {
    const s = slot();
    expect(actual(s, 0, 32)).toEqual({ fault: "InvalidRoot", bitsLeft: 32, bitsFound: 0, guardFound: 0 });
    x.makeEndpoint(0x40, 0, 15);
    x.setCap(s, x.lastData(), x.lastObject());
    expect(actual(s, 5, 32)).toMatchObject({ fault: "InvalidRoot" });
  });

  it("agrees with the plain statement of seL4's lookup on 20 000 random CSpaces and addresses", () => {
    const random = rng(0xc5ace);
    const int = (n: number) => Math.floor(random() * n);
    let faults = 0;
    let deep = 0;
    for (let round = 0; round < 200; round++) {
      k.resetScratch();
      // A random tree of CNodes, up to 4 levels, with random guards, and some endpoints.
      const nodes: Node[] = [];
      for (let i = 0; i < 6; i++) nodes.push(cnode(1 + int(5)));
      const root = slot();
      const gs0 = int(6);
      putCNode(root, nodes[0], gs0, int(1 << gs0));
      for (let i = 0; i < 30; i++) {
        const n = nodes[int(nodes.length)];
        const s = n.base + 16 * int(1 << n.radix);
        if (random() < 0.6) {
          const child = nodes[1 + int(nodes.length - 1)];
          const gs = int(5);
          putCNode(s, child, gs, int(1 << gs));
        } else {
          x.makeEndpoint(0x40, int(100), 15);
          x.setCap(s, x.lastData(), x.lastObject());
        }
      }
      for (let q = 0; q < 100; q++) {
        const depth = 1 + int(32);
        // Addresses that mostly follow the tree: built from valid guards and indices, then perturbed.
        const cptr = random() < 0.5 ? int(2 ** 32) : int(1 << Math.min(depth, 16));
        const want = reference(root, cptr, depth);
        const got = actual(root, cptr, depth);
        expect(got, `cptr 0x${(cptr >>> 0).toString(16)} depth ${depth}`).toEqual(want);
        if ("fault" in got) faults++;
        else if (got.bitsRemaining > 0) deep++;
      }
    }
    expect(faults).toBeGreaterThan(1000);
    expect(20000 - faults).toBeGreaterThan(1000);
    expect(deep).toBeGreaterThan(100);
  });
});

// ── The derivation tree ────────────────────────────────────────────────

/** The list model: slots in depth-first order, with each slot's flags. */
interface ModelSlot {
  revocable: boolean;
  firstBadged: boolean;
}

/**
 * Reads the kernel's list starting from `head`; returns the slots, or a
 * description of the first way it is not well formed. (Plain checks, not
 * expect(): this runs after each of thousands of operations.)
 */
function kernelList(head: number, limit: number): number[] | string {
  const out: number[] = [];
  let prev = 0;
  for (let s = head; s !== 0; s = x.mdbNext(s)) {
    if (x.mdbPrev(s) !== prev) return `prev of 0x${s.toString(16)} is 0x${x.mdbPrev(s).toString(16)}, not 0x${prev.toString(16)}`;
    if (out.length > limit) return "a cycle";
    out.push(s);
    prev = s;
  }
  return out;
}

describe("derivation tree", () => {
  it("inserts after the parent, moves and swaps in place, and unlinks on empty, as a list model does (20 000 random operations)", () => {
    k.resetScratch();
    const random = rng(0xcd7);
    const int = (n: number) => Math.floor(random() * n);
    const slots = Array.from({ length: 48 }, () => slot());
    const model: number[] = [];
    const flags = new Map<number, ModelSlot>();
    // The root: an untyped, revocable, alone.
    x.makeUntyped(0x100000, 20, false, 0);
    x.insertRoot(slots[0], true);
    model.push(slots[0]);
    flags.set(slots[0], { revocable: true, firstBadged: true });
    const counts: Record<string, number> = {};
    for (let step = 0; step < 20000; step++) {
      const occupied = model.slice();
      const free = slots.filter((s) => !flags.has(s));
      const op = int(6);
      const pick = () => occupied[int(occupied.length)];
      const before = model.slice();
      if (op === 0 && free.length > 0) {
        // A new object from the root untyped: an endpoint at a random address inside it.
        const dest = free[int(free.length)];
        x.makeEndpoint(0x100000 + 16 * int(1 << 16), 0, 15);
        x.insertNew(model[0], dest); // the root never moves: moves, swaps and empties skip it
        model.splice(1, 0, dest);
        flags.set(dest, { revocable: true, firstBadged: true });
        counts.new = (counts.new ?? 0) + 1;
      } else if (op === 1 && free.length > 0) {
        // A copy, maybe badged, of an endpoint.
        const src = pick();
        if (x.tag(src) !== TAG.endpoint_cap) continue;
        const dest = free[int(free.length)];
        const b = random() < 0.5 ? 1 + int(5) : 0;
        const srcBadge = x.badge(src);
        if (!x.copy(src, dest, b)) {
          expect(b !== 0 && srcBadge !== 0).toBe(true); // only a second badge is refused
          continue;
        }
        const revocable = b !== 0 && b !== srcBadge;
        model.splice(model.indexOf(src) + 1, 0, dest);
        flags.set(dest, { revocable, firstBadged: revocable });
        counts.copy = (counts.copy ?? 0) + 1;
      } else if (op === 2 && free.length > 0 && occupied.length > 1) {
        const src = pick();
        if (src === model[0]) continue;
        const dest = free[int(free.length)];
        x.move(src, dest);
        model[model.indexOf(src)] = dest;
        flags.set(dest, flags.get(src)!);
        flags.delete(src);
        counts.move = (counts.move ?? 0) + 1;
      } else if (op === 3 && occupied.length > 2) {
        const a = pick();
        const b = pick();
        if (a === b || a === model[0] || b === model[0]) continue;
        x.swap(a, b);
        const ia = model.indexOf(a);
        const ib = model.indexOf(b);
        model[ia] = b;
        model[ib] = a;
        const fa = flags.get(a)!;
        flags.set(a, flags.get(b)!);
        flags.set(b, fa);
        counts.swap = (counts.swap ?? 0) + 1;
      } else if (op >= 4 && occupied.length > 1) {
        const s = pick();
        if (s === model[0]) continue;
        const i = model.indexOf(s);
        const next = model[i + 1];
        if (next !== undefined) flags.get(next)!.firstBadged ||= flags.get(s)!.firstBadged;
        x.empty(s);
        model.splice(i, 1);
        flags.delete(s);
        counts.empty = (counts.empty ?? 0) + 1;
      } else {
        continue;
      }
      const list = kernelList(model[0], slots.length);
      const problems: string[] = [];
      if (typeof list === "string") problems.push(list);
      else if (list.join() !== model.join()) problems.push(`order ${list.map((v) => slots.indexOf(v))} != model ${model.map((v) => slots.indexOf(v))}`);
      for (const s of model) {
        const f = flags.get(s)!;
        if (!!x.mdbRevocable(s) !== f.revocable || !!x.mdbFirstBadged(s) !== f.firstBadged) problems.push(`flags of slot ${slots.indexOf(s)}`);
        if (x.tag(s) === 0) problems.push(`slot ${slots.indexOf(s)} is empty`);
      }
      for (const s of slots) if (!flags.has(s) && (x.tag(s) !== 0 || x.mdbPrev(s) !== 0 || x.mdbNext(s) !== 0)) problems.push(`free slot ${slots.indexOf(s)} not clear`);
      if (problems.length) expect(problems, `step ${step} (${Object.keys(counts).length} kinds so far, from ${before.length} slots)`).toEqual([]);
    }
    for (const name of ["new", "copy", "move", "swap", "empty"]) expect(counts[name], name).toBeGreaterThan(1000);
  });

  it("knows parents by region and badge: an unbadged endpoint has every copy below it, a badge starts its own subtree", () => {
    k.resetScratch();
    const [ut, ep, copy, badged, badgedCopy, rebadged] = Array.from({ length: 6 }, () => slot());
    x.makeUntyped(0x200000, 12, false, 0);
    x.insertRoot(ut, true);
    x.makeEndpoint(0x200040, 0, 15);
    x.insertNew(ut, ep);
    expect(x.isParentOf(ut, ep)).toBe(1);
    expect(x.copy(ep, copy, 0)).toBe(1);
    expect([x.mdbRevocable(copy), x.isParentOf(ep, copy)]).toEqual([0, 1]);
    expect(x.copy(ep, badged, 7)).toBe(1);
    expect([x.mdbRevocable(badged), x.mdbFirstBadged(badged), x.badge(badged)]).toEqual([1, 1, 7]);
    expect(x.isParentOf(ep, badged)).toBe(1); // unbadged parent: everything it covers
    expect(x.copy(badged, badgedCopy, 0)).toBe(1);
    expect([x.isParentOf(badged, badgedCopy), x.badge(badgedCopy)]).toEqual([1, 7]);
    expect(x.copy(badged, rebadged, 9)).toBe(0); // a badged capability cannot be badged again
    expect(x.hasChildren(ep)).toBe(1);
    expect(x.hasChildren(copy)).toBe(0); // not revocable: no children
    // Finality: the endpoint has other capabilities to the same object next to it.
    expect(x.isFinalCapability(ep)).toBe(0);
    expect(x.isFinalCapability(ut)).toBe(1); // untyped caps never share an object
  });
});

describe("rules over capability values", () => {
  it("shrinks rights and never grows them", () => {
    for (let have = 0; have < 16; have++) {
      for (let mask = 0; mask < 16; mask++) {
        x.makeEndpoint(0x40, 3, have);
        const s = put();
        x.maskCapRights(mask, s);
        x.setCap(s, x.lastData(), x.lastObject());
        expect(x.rights(s)).toBe(have & mask);
        expect(x.badge(s)).toBe(3);
      }
    }
    // Frames: read-write loses write without the write right, and everything without read.
    const vm = (r: number, mask: number) => {
      x.makeFrame(0x1000, false, false, r);
      const s = put();
      x.maskCapRights(mask, s);
      x.setCap(s, x.lastData(), x.lastObject());
      return x.frameVmRights(s);
    };
    expect([vm(3, 3), vm(3, 2), vm(3, 1), vm(3, 0), vm(2, 3), vm(2, 1), vm(1, 15)]).toEqual([3, 2, 1, 1, 2, 1, 1]);
  });

  it("sets a CNode guard only where guard and radix fit the word", () => {
    x.makeCNode(0x1000, 8, 0, 0);
    const s = put();
    const data = (gs: number, g: number) => (g << 8) | (gs << 3);
    x.updateCapData(true, data(24, 0), s);
    x.setCap(slot(), x.lastData(), x.lastObject());
    expect(x.lastObject() !== 0).toBe(true);
    const t = put();
    expect([x.cnodeRadix(t), x.cnodeGuardSize(t), x.cnodeGuard(t)]).toEqual([8, 24, 0]);
    x.updateCapData(true, data(3, 0xff), s); // the guard is cut to its size
    const u = put();
    expect([x.cnodeGuardSize(u), x.cnodeGuard(u)]).toEqual([3, 7]);
    x.updateCapData(true, data(25, 0), s); // 25 + 8 > 32
    expect([x.lastData(), x.lastObject()]).toEqual([0, 0]);
  });

  it("derives to null what may not be copied, refuses an untyped with children, unmaps frame copies", () => {
    const d = (make: () => void) => {
      make();
      const s = put();
      return [x.deriveCap(s), x.lastObject() === 0 ? "null" : x.tag(slotWith())];
    };
    const slotWith = () => {
      const s = slot();
      x.setCap(s, x.lastData(), x.lastObject());
      return s;
    };
    expect(d(() => x.makeTagOnly(TAG.irq_control_cap))).toEqual([0, "null"]);
    expect(d(() => x.makeTagOnly(TAG.io_port_control_cap))).toEqual([0, "null"]);
    expect(d(() => x.makeReply(0x800, true, true))).toEqual([0, "null"]);
    expect(d(() => x.makeZombie(0x800, 63, 1))).toEqual([0, "null"]);
    expect(d(() => x.makeEndpoint(0x40, 1, 15))).toEqual([0, TAG.endpoint_cap]);
    expect(d(() => x.makePageTable(0x1000))[0]).toBe(2); // unmapped: IllegalOperation
    x.makeFrame(0x1000, false, false, 3);
    const f = put();
    x.setFrameMapping(f, 5, 0x400000);
    expect(x.deriveCap(f)).toBe(0);
    const g = slotWith();
    expect([x.frameMappedAsid(g), x.frameMappedVaddr(g), x.frameVmRights(g)]).toEqual([0, 0, 3]);
    k.resetScratch();
    const ut = slot();
    x.makeUntyped(0x300000, 12, false, 0);
    x.insertRoot(ut, true);
    expect(x.deriveCap(ut)).toBe(0);
    x.makeEndpoint(0x300000, 0, 15);
    x.insertNew(ut, slot());
    expect(x.deriveCap(ut)).toBe(1); // RevokeFirst
  });
});
