// test/unit/ioports.test.ts: IOPortControl and IOPort (kernel/object/ioport.ts),
// through the kernel's own dispatcher (kernel/api/decode.ts) compiled to wasm,
// against the mocked ports of test/helpers/kernel-wasm.ts.
//
// Checks seL4's exact error for every path of X86IOPortControl_Issue and of
// In8/16/32 and Out8/16/32 (seL4 src/arch/x86/object/ioport.c), in seL4's
// order; that a refused invocation touches no port and issues nothing; the
// record of issued ports (issue, overlap refused, a copy keeps the range,
// deleting the last capability frees it, reissue works, a revoke of
// IOPortControl or the deletion of a CNode frees what it held, the kernel's
// own ports are never issued), bit by bit, against a model over random
// operations; and that In and Out reach exactly the port and width asked for.
import { beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { rng } from "../helpers/rng";
import { CAP_TAGS, ERRORS, INVOCATION_LABELS, LOOKUP_FAILURES, OBJECT_TYPES } from "../../libs/abi/sel4.def.ts";
import { KERNEL_IO_PORTS } from "../../libs/abi/tsos.def.ts";

const ENTRY = "test/kernel/ioport.entry.ts";
const TAG = Object.fromEntries(CAP_TAGS.entries.map((e) => [e.name, e.value]));
const ERR = Object.fromEntries(ERRORS.entries.map((e) => [e.name, e.value]));
const L = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const OBJ = Object.fromEntries(OBJECT_TYPES.entries.map((e) => [e.name, e.value]));
const FAIL = Object.fromEntries(LOOKUP_FAILURES.entries.map((e) => [e.name.replace(/^seL4_/, ""), e.value]));
const KEPT = Object.fromEntries(KERNEL_IO_PORTS.entries.map((e) => [e.name, e.value]));
/** The kernel's own ranges, [first, last]. */
const KERNEL_RANGES: [number, number][] = [
  [KEPT.PIC1_FIRST, KEPT.PIC1_LAST],
  [KEPT.PIC2_FIRST, KEPT.PIC2_LAST],
  [KEPT.DEBUG_EXIT, KEPT.DEBUG_EXIT],
];

let k: KernelInstance;
let x: any;
let root: number;
const slotOf = (i: number) => root + 16 * i;
/** Root CNode slots: 0 the root CNode itself (the destination root of every Issue), then the fixture's. */
const ROOT = 0, UT = 1, CONTROL = 2, ENDPOINT = 3;
/** What the mocked ports answer to an In: port and width -> value (wider than the width on purpose); 0xFF otherwise. */
const answers = new Map<string, number>();

function invoke(i: number, label: number, args: number[], extra: number[] = []): number {
  x.invocationBegin(label, args.length);
  args.forEach((v, n) => x.invocationSetArg(n, v >>> 0));
  for (const e of extra) x.invocationAddExtraCap(slotOf(e));
  const err = x.decodeInvocation(slotOf(i));
  if (err === 0) expect(x.performInvocation(true, true)).toBe(0);
  return err;
}

/** X86IOPortControl_Issue(first, last) into root slot `dest` (depth 8), the root CNode as extra capability 0. */
const issue = (first: number, last: number, dest: number, depth = 8, rootSlot = ROOT) =>
  invoke(CONTROL, L.X86IOPortControlIssue, [first, last, dest, depth], [rootSlot]);
const del = (i: number) => invoke(ROOT, L.CNodeDelete, [i, 8]);
const copy = (dest: number, src: number) => invoke(ROOT, L.CNodeCopy, [dest, 8, src, 8, 15], [ROOT]);
const reply = (): number[] => {
  const info = x.replyInfo() >>> 0;
  return Array.from({ length: info & 0x7f }, (_, n) => x.replyWord(n) >>> 0);
};
const issued = (p: number) => x.ioPortIssued(p) === 1;
/** Every port that is issued, as [first, last] runs. */
function issuedRuns(): [number, number][] {
  const runs: [number, number][] = [];
  for (let p = 0; p < 0x10000; p++) {
    if (!issued(p)) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === p - 1) last[1] = p;
    else runs.push([p, p]);
  }
  return runs;
}

beforeEach(async () => {
  k ??= await loadKernelEntry(ENTRY, {
    scratchPages: 32,
    inPort: (port, width) => answers.get(`${port}/${width}`),
  });
  x = k.exports;
  k.resetScratch();
  x.vspaceSetPhysWindow(0);
  answers.clear();
  root = k.alloc(16 * 256, 4096);
  x.makeCNode(root, 8, 0, 0);
  x.insertRoot(slotOf(ROOT), true);
  const ut = k.alloc(1 << 16, 1 << 16);
  x.makeUntyped(ut, 16, false, 0);
  x.insertRoot(slotOf(UT), true);
  x.makeTagOnly(TAG.io_port_control_cap);
  x.insertRoot(slotOf(CONTROL), true);
  expect(invoke(UT, L.UntypedRetype, [OBJ.Endpoint, 0, 0, 0, ENDPOINT, 1], [ROOT])).toBe(0);
  x.ioPortsInit(); // as at boot: nothing issued but the kernel's own ports
  k.x86.ports.length = 0;
}, 120_000);

describe("the ports at boot", () => {
  it("are all free but the kernel's own: the PICs and debug-exit (the PIT is free for user mode)", () => {
    expect(issuedRuns()).toEqual(KERNEL_RANGES);
    expect(KERNEL_RANGES).toEqual([[0x20, 0x21], [0xa0, 0xa1], [0xf4, 0xf4]]);
  });

  it("refuse every range that touches a kernel port with RevokeFirst, and issue everything between them, COM1 included", () => {
    let dest = 10;
    for (const [first, last] of KERNEL_RANGES) {
      expect(issue(first, last, dest), `${first}-${last}`).toBe(ERR.RevokeFirst);
      expect(issue(last, last, dest)).toBe(ERR.RevokeFirst);
      expect(issue(first - 1, first, dest)).toBe(ERR.RevokeFirst);
      expect(issue(last, last + 1, dest)).toBe(ERR.RevokeFirst);
    }
    expect(issue(0, 0xffff, dest)).toBe(ERR.RevokeFirst);
    expect(x.tag(slotOf(dest))).toBe(TAG.null_cap);
    // The gaps: every one issues, COM1 (0x3f8-0x3ff, the kernel's console) inside the last.
    const gaps: [number, number][] = [[0, 0x1f], [0x22, 0x9f], [0xa2, 0xf3], [0xf5, 0xffff]];
    for (const [first, last] of gaps) expect(issue(first, last, dest++), `${first}-${last}`).toBe(0);
    expect(issuedRuns()).toEqual([[0, 0xffff]]);
    for (let i = 10; i < dest; i++) expect(del(i)).toBe(0);
    expect(issuedRuns()).toEqual(KERNEL_RANGES);
    expect(issue(0x3f8, 0x3ff, 20)).toBe(0);
    expect(k.x86.ports).toEqual([]); // issuing touches no port
  });
});

describe("X86IOPortControl_Issue", () => {
  it("checks in seL4's order, each with its exact error, and a refusal issues nothing", () => {
    // Not Issue: IllegalOperation.
    expect(invoke(CONTROL, L.X86IOPortIn8, [0x70, 0x71, 10, 8], [ROOT])).toBe(ERR.IllegalOperation);
    expect(invoke(CONTROL, L.CNodeCopy, [0x70, 0x71, 10, 8], [ROOT])).toBe(ERR.IllegalOperation);
    // Four words and a CNode: TruncatedMessage, before anything else.
    expect(invoke(CONTROL, L.X86IOPortControlIssue, [0x72, 0x71, 10], [ROOT])).toBe(ERR.TruncatedMessage);
    expect(invoke(CONTROL, L.X86IOPortControlIssue, [0x72, 0x71, 10, 8])).toBe(ERR.TruncatedMessage);
    // last < first: InvalidArgument 1, before the overlap check and the lookup.
    expect(issue(0x72, 0x71, 10, 0, ENDPOINT)).toBe(ERR.InvalidArgument);
    expect(x.errorNumber()).toBe(1);
    expect(issue(0x21, 0x20, 10)).toBe(ERR.InvalidArgument); // even where the kernel's ports are
    // Ports are the low 16 bits of their words.
    expect(issue(0x10071, 0x70, 10)).toBe(ERR.InvalidArgument);
    // Overlap: RevokeFirst, before the lookup.
    expect(issue(0xabcd0070, 0x12340071, 10)).toBe(0);
    expect([x.tag(slotOf(10)), x.ioPortFirst(slotOf(10)), x.ioPortLast(slotOf(10))]).toEqual([TAG.io_port_cap, 0x70, 0x71]);
    for (const [first, last] of [[0x70, 0x70], [0x71, 0x71], [0x60, 0x70], [0x71, 0x80], [0, 0xffff], [0x70, 0x71]]) {
      expect(issue(first, last, 11, 0, ENDPOINT), `${first}-${last}`).toBe(ERR.RevokeFirst);
    }
    // The destination: seL4's lookupTargetSlot, then an empty slot.
    expect(issue(0x80, 0x80, 11, 8, ENDPOINT)).toBe(ERR.FailedLookup);
    expect([x.errorWasSource(), x.faultType()]).toEqual([0, FAIL.InvalidRoot]);
    expect(issue(0x80, 0x80, 11, 0)).toBe(ERR.RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([1, 32]);
    expect(issue(0x80, 0x80, 11, 33)).toBe(ERR.RangeError);
    expect(issue(0x80, 0x80, 11, 7)).toBe(ERR.FailedLookup); // 7 bits of an 8-bit CNode
    expect(x.faultType()).toBe(FAIL.DepthMismatch);
    expect(issue(0x80, 0x80, 10)).toBe(ERR.DeleteFirst);
    expect(issue(0x80, 0x80, CONTROL)).toBe(ERR.DeleteFirst);
    // None of the refusals issued anything or touched a port.
    expect(issuedRuns()).toEqual([...KERNEL_RANGES.slice(0, 1), [0x70, 0x71], ...KERNEL_RANGES.slice(1)]);
    expect(x.tag(slotOf(11))).toBe(TAG.null_cap);
    expect(k.x86.ports).toEqual([]);
  });

  it("makes a revocable child of IOPortControl and marks exactly its ports, across word boundaries", () => {
    const ranges: [number, number][] = [[0x11f, 0x120], [0x200, 0x25f], [0x3f, 0x3f], [0x300, 0x31f], [0x1000, 0x1fff], [0xfffe, 0xffff], [0x9e, 0x9f]];
    ranges.forEach(([first, last], n) => {
      expect(issue(first, last, 10 + n), `${first}-${last}`).toBe(0);
      const s = slotOf(10 + n);
      expect([x.tag(s), x.ioPortFirst(s), x.ioPortLast(s)]).toEqual([TAG.io_port_cap, first, last]);
      expect(x.isParentOf(slotOf(CONTROL), s)).toBe(1);
      expect(x.mdbRevocable(s)).toBe(1);
    });
    const expected = [...ranges, ...KERNEL_RANGES].sort((a, b) => a[0] - b[0]);
    // Ranges that touch merge into one run.
    const merged: [number, number][] = [];
    for (const r of expected) {
      const last = merged[merged.length - 1];
      if (last && last[1] + 1 >= r[0]) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    expect(issuedRuns()).toEqual(merged);
    // Deleting each frees exactly its ports.
    ranges.forEach((_, n) => expect(del(10 + n)).toBe(0));
    expect(issuedRuns()).toEqual(KERNEL_RANGES);
  });

  it("IOPortControl itself cannot be copied (it derives to nothing, as in seL4), only moved", () => {
    expect(copy(10, CONTROL)).toBe(ERR.IllegalOperation);
    expect(x.tag(slotOf(10))).toBe(TAG.null_cap);
    expect(invoke(ROOT, L.CNodeMove, [10, 8, CONTROL, 8], [ROOT])).toBe(0);
    expect(x.tag(slotOf(10))).toBe(TAG.io_port_control_cap);
    expect(invoke(10, L.X86IOPortControlIssue, [0x70, 0x71, 11, 8], [ROOT])).toBe(0);
  });
});

describe("the issued ports are freed with the last capability to them", () => {
  it("a copy keeps the range; deleting the last one frees it; the range issues again", () => {
    expect(issue(0x70, 0x71, 10)).toBe(0);
    expect(copy(11, 10)).toBe(0);
    expect([x.tag(slotOf(11)), x.ioPortFirst(slotOf(11)), x.ioPortLast(slotOf(11))]).toEqual([TAG.io_port_cap, 0x70, 0x71]);
    expect(invoke(ROOT, L.CNodeMint, [12, 8, 11, 8, 15, 0x1234], [ROOT])).toBe(0); // no badge for an IOPort
    expect(x.ioPortFirst(slotOf(12))).toBe(0x70);
    expect(invoke(ROOT, L.CNodeMove, [13, 8, 12, 8], [ROOT])).toBe(0);
    expect(del(10)).toBe(0);
    expect(issued(0x70) && issued(0x71)).toBe(true);
    expect(issue(0x71, 0x71, 20)).toBe(ERR.RevokeFirst);
    expect(del(11)).toBe(0);
    expect(issued(0x70)).toBe(true);
    expect(invoke(13, L.X86IOPortIn8, [0x71])).toBe(0); // the moved copy still works
    expect(del(13)).toBe(0);
    expect(issued(0x70) || issued(0x71)).toBe(false);
    expect(issue(0x70, 0x71, 20)).toBe(0);
    expect(issue(0x71, 0x72, 21)).toBe(ERR.RevokeFirst);
  });

  it("a Revoke of IOPortControl deletes every IOPort capability and frees every range", () => {
    expect(issue(0x70, 0x71, 10)).toBe(0);
    expect(issue(0x80, 0x80, 11)).toBe(0);
    expect(copy(12, 11)).toBe(0);
    expect(issue(0x3f8, 0x3ff, 13)).toBe(0);
    expect(invoke(ROOT, L.CNodeRevoke, [CONTROL, 8])).toBe(0);
    for (const i of [10, 11, 12, 13]) expect(x.tag(slotOf(i))).toBe(TAG.null_cap);
    expect(x.tag(slotOf(CONTROL))).toBe(TAG.io_port_control_cap);
    expect(issuedRuns()).toEqual(KERNEL_RANGES);
    expect(issue(0x70, 0x80, 10)).toBe(0);
  });

  it("deleting a CNode that holds the only capability frees its range (through the CNode's zombie)", () => {
    expect(invoke(UT, L.UntypedRetype, [OBJ.CapTable, 4, 0, 0, 30, 1], [ROOT])).toBe(0);
    expect(issue(0x70, 0x71, 3, 4, 30)).toBe(0); // slot 3 of the 16-slot CNode
    expect(issued(0x70)).toBe(true);
    expect(del(30)).toBe(0);
    expect(issued(0x70) || issued(0x71)).toBe(false);
    expect(issue(0x70, 0x71, 10)).toBe(0);
  });

  it("matches a model of the issued ports over 3000 random issues, copies and deletions", () => {
    const random = rng(0x10a7);
    const int = (n: number) => Math.floor(random() * n);
    const model = new Set<number>();
    for (const [a, b] of KERNEL_RANGES) for (let p = a; p <= b; p++) model.add(p);
    /** Root slots 10..73 and the range each holds (copies share one). */
    const held = new Map<number, [number, number]>();
    const holders = (r: [number, number]) => [...held.values()].filter((h) => h === r).length;
    for (let n = 0; n < 3000; n++) {
      const slot = 10 + int(64);
      const op = int(3);
      if (op === 0) {
        const first = int(3) === 0 ? int(0x10000) : int(0x400);
        const last = Math.min(0xffff, first + (int(4) === 0 ? int(0x2000) : int(40)));
        let free = true;
        for (let p = first; p <= last && free; p++) free = !model.has(p);
        const want = !free ? ERR.RevokeFirst : held.has(slot) ? ERR.DeleteFirst : 0;
        expect(issue(first, last, slot), `step ${n}: issue ${first}-${last} into ${slot}`).toBe(want);
        if (want === 0) {
          held.set(slot, [first, last]);
          for (let p = first; p <= last; p++) model.add(p);
        }
      } else if (op === 1) {
        const src = 10 + int(64);
        const r = held.get(src);
        const want = held.has(slot) ? ERR.DeleteFirst : r === undefined ? ERR.FailedLookup : 0;
        expect(copy(slot, src), `step ${n}: copy ${src} to ${slot}`).toBe(want);
        if (want === 0) held.set(slot, r!);
      } else {
        expect(del(slot)).toBe(0);
        const r = held.get(slot);
        if (r !== undefined) {
          held.delete(slot);
          if (holders(r) === 0) for (let p = r[0]; p <= r[1]; p++) model.delete(p);
        }
      }
    }
    for (let p = 0; p < 0x10000; p++) if (issued(p) !== model.has(p)) throw new Error(`port ${p}: kernel ${issued(p)}, model ${model.has(p)}`);
    expect(held.size).toBeGreaterThan(10);
  });
});

describe("IOPort In and Out", () => {
  it("read the port at the width asked for; the value is MR0 of the reply, cut to the width", () => {
    expect(issue(0x70, 0x73, 10)).toBe(0);
    answers.set("112/1", 0x1a5).set("114/2", 0x1beef).set("112/4", 0x89abcdef).set("115/1", 0x42);
    expect(invoke(10, L.X86IOPortIn8, [0x70])).toBe(0);
    expect(reply()).toEqual([0xa5]);
    expect(invoke(10, L.X86IOPortIn16, [0x72])).toBe(0);
    expect(reply()).toEqual([0xbeef]);
    expect(invoke(10, L.X86IOPortIn32, [0x70])).toBe(0);
    expect(reply()).toEqual([0x89abcdef]);
    expect(invoke(10, L.X86IOPortIn8, [0xffff0073])).toBe(0); // the port is the word's low 16 bits
    expect(reply()).toEqual([0x42]);
    expect(invoke(10, L.X86IOPortIn8, [0x73, 0x1234])).toBe(0); // words beyond the first are ignored
    expect(k.x86.ports).toEqual([
      { dir: "in", port: 0x70, value: 0x1a5, width: 1 },
      { dir: "in", port: 0x72, value: 0x1beef, width: 2 },
      { dir: "in", port: 0x70, value: 0x89abcdef, width: 4 },
      { dir: "in", port: 0x73, value: 0x42, width: 1 },
      { dir: "in", port: 0x73, value: 0x42, width: 1 },
    ]);
  });

  it("write the port at the width asked for, the data cut to it, and reply with nothing", () => {
    expect(issue(0x70, 0x73, 10)).toBe(0);
    expect(invoke(10, L.X86IOPortOut8, [0x71, 0x1ab])).toBe(0);
    expect(reply()).toEqual([]);
    expect(invoke(10, L.X86IOPortOut16, [0x72, 0x12345])).toBe(0);
    expect(invoke(10, L.X86IOPortOut32, [0x70, 0xdeadbeef])).toBe(0);
    expect(invoke(10, L.X86IOPortOut8, [0x10073, 7])).toBe(0);
    expect(k.x86.ports.map((a) => ({ ...a, value: a.value >>> 0 }))).toEqual([
      { dir: "out", port: 0x71, value: 0xab, width: 1 },
      { dir: "out", port: 0x72, value: 0x2345, width: 2 },
      { dir: "out", port: 0x70, value: 0xdeadbeef, width: 4 },
      { dir: "out", port: 0x73, value: 7, width: 1 },
    ]);
  });

  it("refuse a port outside the range, or one whose width runs past it, with IllegalOperation, and touch nothing", () => {
    expect(issue(0x70, 0x73, 10)).toBe(0);
    expect(issue(0xfffc, 0xffff, 11)).toBe(0);
    const refused: [number, number, number[]][] = [
      [10, L.X86IOPortIn8, [0x6f]],
      [10, L.X86IOPortIn8, [0x74]],
      [10, L.X86IOPortIn16, [0x73]],
      [10, L.X86IOPortIn32, [0x71]],
      [10, L.X86IOPortIn32, [0x6f]],
      [10, L.X86IOPortOut8, [0x74, 0]],
      [10, L.X86IOPortOut16, [0x73, 0]],
      [10, L.X86IOPortOut32, [0x72, 0]],
      [10, L.X86IOPortOut8, [0x20, 0]], // a kernel port, through a capability that does not cover it
      [11, L.X86IOPortIn16, [0xffff]], // the end runs past port 0xffff: outside every range
      [11, L.X86IOPortIn32, [0xfffd]],
      [11, L.X86IOPortOut32, [0xfffe, 0]],
      [11, L.X86IOPortIn8, [0xfffb]],
    ];
    for (const [cap, label, args] of refused) expect(invoke(cap, label, args), `${label} ${args}`).toBe(ERR.IllegalOperation);
    expect(k.x86.ports).toEqual([]);
    // The edges themselves are inside.
    expect(invoke(11, L.X86IOPortIn8, [0xffff])).toBe(0);
    expect(invoke(11, L.X86IOPortIn32, [0xfffc])).toBe(0);
    expect(invoke(10, L.X86IOPortOut16, [0x72, 1])).toBe(0);
    expect(k.x86.ports.length).toBe(3);
  });

  it("check the length before the port, and refuse every other label", () => {
    expect(issue(0x70, 0x73, 10)).toBe(0);
    expect(invoke(10, L.X86IOPortIn8, [])).toBe(ERR.TruncatedMessage);
    expect(invoke(10, L.X86IOPortIn32, [])).toBe(ERR.TruncatedMessage);
    expect(invoke(10, L.X86IOPortOut8, [0x70])).toBe(ERR.TruncatedMessage);
    expect(invoke(10, L.X86IOPortOut32, [0x1000])).toBe(ERR.TruncatedMessage); // short before out of range
    expect(invoke(10, L.X86IOPortIn16, [])).toBe(ERR.TruncatedMessage);
    expect(invoke(10, L.X86IOPortControlIssue, [0x70, 0x70, 11, 8], [ROOT])).toBe(ERR.IllegalOperation);
    expect(invoke(10, L.CNodeDelete, [10, 8])).toBe(ERR.IllegalOperation);
    expect(invoke(10, L.X86IOPortOut32 + 1, [0x70, 0])).toBe(ERR.IllegalOperation);
    expect(k.x86.ports).toEqual([]);
  });
});
