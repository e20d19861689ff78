// test/unit/user-process.test.ts: the process builder (libs/user/process.ts)
// makes exactly the invocations that start a program, in order, and takes
// everything back when one fails.
//
// The library is compiled to wasm (test/user/process.entry.ts) with the
// `sysenter` intrinsic mocked: every call is recorded (label, invoked
// capability, message words, extra capabilities) and answered with the
// error the test chooses. A frame mapped at the caller's scratch address
// is the scratch memory itself; at its unmap the mock keeps what the
// builder wrote there as that frame's contents and clears the scratch, as
// a fresh frame would be.
//
// The expected invocations are written out by hand from seL4's interface
// (object-api.xml: parameter order, capability parameters) and from
// libs/abi/layout.def.ts (where a process's pages and slots go).

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { INVOCATION_LABELS, SYSCALLS } from "../../libs/abi/sel4.def.ts";
import { twoSegmentProgram, TWO_SEGMENT, patch } from "../helpers/elf-image.ts";

const MSG = 4; // seL4_IPCBuffer.msg
const CAPS = 488; // seL4_IPCBuffer.caps_or_badges
const SYS = Object.fromEntries(SYSCALLS.entries.map((e) => [e.name, e.value]));
const LABEL_NAME = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.value, e.name]));

// seL4's numbers, written out: object types, rights, the process layout.
const UNTYPED = 0, TCB = 1, CAP_TABLE = 4, FRAME = 5, PAGE_TABLE = 7, PAGE_DIRECTORY = 8;
const R = 2, RW = 3, ALL = 15;
const ROOT_CNODE = 2, ROOT_VSPACE = 3, ROOT_TCB = 1, ROOT_ASID_CONTROL = 5, ROOT_ASID_POOL = 6, ROOT_IO_PORT_CONTROL = 7, ROOT_DOMAIN = 11;
/** PROCESS_GRANT_IO_PORT_CONTROL, and the process's slot for it (seL4_CapIOPortControl's). */
const GRANT_IO_PORT_CONTROL = 8, IO_PORT_CONTROL = 7;
const USER_BOOTINFO = 0xbffe0000, USER_IPC_BUFFER = 0xbffe8000, USER_STACK_TOP = 0xbffff000;
/** seL4_CNode_CapData_new(guard 0, guardSize 32 - 12): guardSize at bit 3. */
const GUARD_DATA = 20 << 3;

// ProcessStep values (libs/user/process.ts).
const STEP = { Done: 0, CheckElf: 1, Plan: 2, RetypeUntyped: 3, FillCSpace: 16, Configure: 17, ReturnIOPortControl: 24 };
// seL4 errors.
const IllegalOperation = 3, FailedLookup = 6, NotEnoughMemory = 10;

interface Call {
  /** "Label ebx mr0 mr1 ... caps c0 c1" for an invocation, "NameThread ebx name" for DebugNameThread. */
  text: string;
}

let k: KernelInstance;
let ipc: number;
let calls: Call[];
/** The error to answer a call with: by its text's prefix. */
let failOn: { prefix: string; error: number } | null;
let scratch: number;
let infoAt: number;
let mappedAtScratch: number | null;
let frames: Map<number, Uint8Array>;

const hex = (v: number) => "0x" + (v >>> 0).toString(16);

beforeAll(async () => {
  k = await loadKernelEntry("test/user/process.entry.ts", {
    scratchPages: 8,
    sysenter(block) {
      const v = k.view;
      const r = (i: number) => v.getUint32(block + 4 * i, true);
      const eax = r(0) | 0;
      let text: string;
      if (eax === SYS.DebugNameThread) {
        let name = "";
        for (let i = ipc + MSG; k.u8[i] !== 0; i++) name += String.fromCharCode(k.u8[i]);
        text = `NameThread ${r(1)} ${name}`;
      } else {
        expect(eax).toBe(SYS.Call);
        const esi = r(2);
        const length = esi & 0x7f;
        const extra = (esi >>> 7) & 3;
        const mrs = [r(3), r(4)].slice(0, length);
        for (let i = 2; i < length; i++) mrs.push(v.getUint32(ipc + MSG + 4 * i, true));
        const caps = [];
        for (let i = 0; i < extra; i++) caps.push(v.getUint32(ipc + CAPS + 4 * i, true));
        text = [LABEL_NAME[esi >>> 12], r(1), ...mrs.map(hex)].join(" ") + (caps.length ? ` caps ${caps.join(" ")}` : "");
      }
      calls.push({ text });
      const error = failOn && text.startsWith(failOn.prefix) ? failOn.error : 0;
      // The scratch mapping: the frame's contents are what was written at scratch while it was mapped there.
      const [label, cap, vaddr] = text.split(" ");
      if (error === 0 && label === "X86PageMap" && Number(vaddr) === scratch) mappedAtScratch = Number(cap);
      if (error === 0 && label === "X86PageUnmap" && Number(cap) === mappedAtScratch) {
        frames.set(mappedAtScratch, k.u8.slice(scratch, scratch + 4096));
        k.u8.fill(0, scratch, scratch + 4096);
        mappedAtScratch = null;
      }
      v.setUint32(block + 4, 0, true);
      v.setUint32(block + 8, (error << 12) >>> 0, true);
      v.setUint32(block + 12, 0, true);
      v.setUint32(block + 16, 0, true);
    },
  });
}, 120_000);

let record: number;
let image: { bytes: Uint8Array; at: number };
const FIRST = 100; // the caller's first free slot
const PARENT = 50; // the caller's untyped
const CMDLINE = "alpha 1 2";

beforeEach(() => {
  k.resetScratch();
  ipc = k.alloc(512, 512);
  k.exports.setIpcBuffer(ipc);
  scratch = k.alloc(4096, 4096);
  infoAt = k.alloc(4096, 4096);
  k.u8.fill(0xcc, infoAt, infoAt + 4096);
  record = k.alloc(Number(k.exports.recordSize()), 8);
  calls = [];
  failOn = null;
  mappedAtScratch = null;
  frames = new Map();
  const bytes = twoSegmentProgram().build().bytes;
  image = { bytes, at: k.place(bytes, 4096) };
});

function configure(o: { bytes?: Uint8Array; count?: number; shareBits?: number; flags?: number; device?: number } = {}): void {
  const at = o.bytes ? k.place(o.bytes, 4096) : image.at;
  const size = o.bytes ? o.bytes.length : image.bytes.length;
  const cmd = k.place(new TextEncoder().encode(CMDLINE), 1);
  k.exports.configure(record, at, size, PARENT, FIRST, o.count ?? 1000, scratch, infoAt, 100, cmd, CMDLINE.length, 7, 3, o.shareBits ?? 0, o.flags ?? 0, o.device ?? 0);
}

const ex = (name: string) => Number(k.exports[name](record)) >>> 0;

// The caller's slots for TWO_SEGMENT: untyped, CNode, TCB, PD, the information page's copy, the share
// (until it moves), two page tables, then twelve frames: information page, IPC buffer, 4 stack pages, 6 image pages.
const S = { untyped: FIRST, cnode: FIRST + 1, tcb: FIRST + 2, pd: FIRST + 3, infoCopy: FIRST + 4, share: FIRST + 5, pt: FIRST + 6, frames: FIRST + 8 };
const F = { info: S.frames, ipc: S.frames + 1, stack: S.frames + 2, image: S.frames + 6 };

function expectedCalls(o: { untypedBits: number; share?: number; grants?: boolean; device?: number; ioPorts?: boolean; extras?: string[]; faultEp?: number }): string[] {
  const retype = (type: number, bits: number, slot: number, n: number) => `UntypedRetype ${S.untyped} ${[type, bits, 0, 0, slot, n].map(hex).join(" ")} caps ${ROOT_CNODE}`;
  const map = (frame: number, vaddr: number, rights: number, vspace = S.pd) => `X86PageMap ${frame} ${hex(vaddr)} ${hex(rights)} 0x0 caps ${vspace}`;
  const copy = (to: number, from: number) => `CNodeCopy ${S.cnode} ${[to, 12, from, 32, ALL].map(hex).join(" ")} caps ${ROOT_CNODE}`;
  const viaScratch = (frame: number) => [map(frame, scratch, RW, ROOT_VSPACE), `X86PageUnmap ${frame}`];
  return [
    `UntypedRetype ${PARENT} ${[UNTYPED, o.untypedBits, 0, 0, S.untyped, 1].map(hex).join(" ")} caps ${ROOT_CNODE}`,
    // The larger of the share and the 64 KiB CNode first; the share moves into the process's slot 16 once the CNode exists.
    ...(o.share && o.share > 16 ? [retype(UNTYPED, o.share, S.share, 1)] : []),
    retype(CAP_TABLE, 12, S.cnode, 1),
    ...(o.share && o.share <= 16 ? [retype(UNTYPED, o.share, S.share, 1)] : []),
    ...(o.share ? [`CNodeMove ${S.cnode} ${[16, 12, S.share, 32].map(hex).join(" ")} caps ${ROOT_CNODE}`] : []),
    retype(PAGE_DIRECTORY, 0, S.pd, 1),
    `X86ASIDPoolAssign ${ROOT_ASID_POOL} caps ${S.pd}`,
    retype(PAGE_TABLE, 0, S.pt, 2),
    retype(FRAME, 0, S.frames, 12),
    retype(TCB, 0, S.tcb, 1),
    // The information page, the IPC buffer and the stack share the region below the kernel; the image is in the second.
    `X86PageTableMap ${S.pt} ${hex(0xbfc00000)} 0x0 caps ${S.pd}`,
    `X86PageTableMap ${S.pt + 1} ${hex(0x400000)} 0x0 caps ${S.pd}`,
    `CNodeCopy ${ROOT_CNODE} ${[S.infoCopy, 32, F.info, 32, ALL].map(hex).join(" ")} caps ${ROOT_CNODE}`,
    map(S.infoCopy, infoAt, RW, ROOT_VSPACE),
    map(F.info, USER_BOOTINFO, RW),
    map(F.ipc, USER_IPC_BUFFER, RW),
    ...[0, 1, 2, 3].map((i) => map(F.stack + i, USER_STACK_TOP - (i + 1) * 4096, RW)),
    // Text: two pages with file bytes, read-only. Data: one page with file bytes, three of bss only.
    ...viaScratch(F.image), map(F.image, 0x400000, R),
    ...viaScratch(F.image + 1), map(F.image + 1, 0x401000, R),
    ...viaScratch(F.image + 2), map(F.image + 2, 0x402000, RW),
    map(F.image + 3, 0x403000, RW),
    map(F.image + 4, 0x404000, RW),
    map(F.image + 5, 0x405000, RW),
    copy(1, S.tcb),
    `CNodeMint ${S.cnode} ${[2, 12, S.cnode, 32, ALL, GUARD_DATA].map(hex).join(" ")} caps ${ROOT_CNODE}`,
    copy(3, S.pd),
    ...(o.grants ? [copy(5, ROOT_ASID_CONTROL), copy(6, ROOT_ASID_POOL)] : []),
    copy(10, F.ipc),
    ...(o.grants ? [copy(11, ROOT_DOMAIN)] : []),
    ...(o.device ? [copy(15, o.device)] : []),
    ...(o.extras ?? []),
    ...(o.ioPorts ? [lendIOPortControl] : []),
    `TCBConfigure ${S.tcb} ${[o.faultEp ?? 0, GUARD_DATA, 0, USER_IPC_BUFFER].map(hex).join(" ")} caps ${S.cnode} ${S.pd} ${F.ipc}`,
    `TCBSetSchedParams ${S.tcb} 0x64 0x64 caps ${ROOT_TCB}`,
    `NameThread ${S.tcb} alpha`,
    `TCBWriteRegisters ${S.tcb} ${[0, 12, TWO_SEGMENT.entry, USER_STACK_TOP, 0x202, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(hex).join(" ")}`,
    `TCBResume ${S.tcb}`,
  ];
}

/** IOPortControl cannot be copied (seL4 derives it to nothing): it is moved into the process, and back before the teardown. */
const lendIOPortControl = `CNodeMove ${S.cnode} ${[IO_PORT_CONTROL, 12, ROOT_IO_PORT_CONTROL, 32].map(hex).join(" ")} caps ${ROOT_CNODE}`;
const returnIOPortControl = `CNodeMove ${ROOT_CNODE} ${[ROOT_IO_PORT_CONTROL, 32, IO_PORT_CONTROL, 12].map(hex).join(" ")} caps ${S.cnode}`;
const teardown = [
  `X86PageUnmap ${S.infoCopy}`,
  `CNodeRevoke ${ROOT_CNODE} ${hex(S.untyped)} 0x20`,
  `CNodeDelete ${ROOT_CNODE} ${hex(S.untyped)} 0x20`,
];

/** The image bytes that belong in the page at `vaddr`, from the built file. */
function pageContents(vaddr: number): Uint8Array {
  const out = new Uint8Array(4096);
  const t = TWO_SEGMENT;
  const dv = new DataView(image.bytes.buffer, image.bytes.byteOffset);
  const phoff = dv.getUint32(28, true);
  for (let i = 0; i < 2; i++) {
    const ph = phoff + 32 * i;
    const offset = dv.getUint32(ph + 4, true), segVaddr = dv.getUint32(ph + 8, true), filesz = dv.getUint32(ph + 16, true);
    for (let a = Math.max(vaddr, segVaddr); a < Math.min(vaddr + 4096, segVaddr + filesz); a++) out[a - vaddr] = image.bytes[offset + a - segVaddr];
  }
  expect(t.text.vaddr).toBe(0x400000);
  return out;
}

describe("the process builder starts a program", () => {
  it("makes seL4's invocations in order: untyped, objects largest first, mappings, the CSpace, the thread", () => {
    configure();
    // CNode 64 KiB + PD, 2 page tables and 12 frames (60 KiB) + a 2 KiB TCB = 126 KiB: a 128 KiB untyped.
    expect(ex("slotsNeeded")).toBe(20);
    expect(ex("untypedBits")).toBe(17);
    calls = [];
    expect(ex("start")).toBe(STEP.Done);
    expect(calls.map((c) => c.text)).toEqual(expectedCalls({ untypedBits: 17 }));
    expect(ex("slotsUsed")).toBe(20);
    expect(ex("entry")).toBe(TWO_SEGMENT.entry);
  });

  it("copies every file byte into the right frame (bss pages are never touched: new frames are zero)", () => {
    configure();
    expect(ex("start")).toBe(STEP.Done);
    expect([...frames.keys()]).toEqual([F.image, F.image + 1, F.image + 2]);
    expect(frames.get(F.image)).toEqual(pageContents(0x400000));
    expect(frames.get(F.image + 1)).toEqual(pageContents(0x401000));
    expect(frames.get(F.image + 2)).toEqual(pageContents(0x402000));
    expect(pageContents(0x402000).slice(0x100, 0x280).some((b) => b !== 0)).toBe(true);
    expect(k.u8.slice(scratch, scratch + 4096).every((b) => b === 0)).toBe(true);
  });

  it("writes the process information page through the caller's mapping", () => {
    configure();
    expect(ex("start")).toBe(STEP.Done);
    const w = (off: number) => k.view.getUint32(infoAt + off, true);
    expect(w(0x00)).toBe(0x544f4f42); // BOOTINFO_MAGIC
    expect(w(0x04)).toBe(7); // thread id
    expect(w(0x08)).toBe(3); // module index
    expect(w(0x0c)).toBe(CMDLINE.length);
    expect(new TextDecoder().decode(k.u8.slice(infoAt + 0x10, infoAt + 0x10 + CMDLINE.length + 1))).toBe(CMDLINE + "\0");
    expect([w(0x110), w(0x114), w(0x118), w(0x11c), w(0x120), w(0x124), w(0x128), w(0x12c)]).toEqual([12, 0, 0, 17, 4096, 100, 0, 0]);
    expect(ex("status")).toBe(0);
  });

  it("retypes a large untyped share first, moves it to the process's slot 16, and grants what the caller asks", () => {
    configure({ shareBits: 18, flags: 1 | 2 | 4, device: 77 });
    // The share (256 KiB) first, the 64 KiB CNode after it, then 60 KiB and the TCB: 382 KiB, a 512 KiB untyped.
    expect(ex("start")).toBe(STEP.Done);
    expect(ex("untypedBits")).toBe(19);
    expect(calls.map((c) => c.text)).toEqual(expectedCalls({ untypedBits: 19, share: 18, grants: true, device: 77 }));
    expect(k.view.getUint32(infoAt + 0x114, true)).toBe(16);
    expect(k.view.getUint32(infoAt + 0x118, true)).toBe(18);
  });

  it("lends IOPortControl by moving it into the process's slot 7, last, and moves it back before the teardown", () => {
    configure({ flags: GRANT_IO_PORT_CONTROL, device: 77 });
    expect(ex("start")).toBe(STEP.Done);
    expect(calls.map((c) => c.text)).toEqual(expectedCalls({ untypedBits: 17, device: 77, ioPorts: true }));
    calls = [];
    expect(ex("destroy")).toBe(STEP.Done);
    expect(calls.map((c) => c.text)).toEqual([returnIOPortControl, ...teardown]);
  });

  it("retypes a small untyped share after the CNode", () => {
    configure({ shareBits: 12 });
    // CNode 64 KiB, share 4 KiB, then 60 KiB and the TCB: 130 KiB, a 256 KiB untyped.
    expect(ex("start")).toBe(STEP.Done);
    expect(ex("untypedBits")).toBe(18);
    expect(calls.map((c) => c.text)).toEqual(expectedCalls({ untypedBits: 18, share: 12 }));
  });
});

describe("the process builder adds capabilities the caller lists, and lends the image's frames", () => {
  /** ProcessCap entries (slot, rights, badge) in the test's memory. */
  function capList(entries: [number, number, number][]): number {
    const at = k.alloc(12 * Math.max(1, entries.length), 4);
    entries.forEach(([slot, rights, badge], i) => {
      k.view.setUint32(at + 12 * i, slot, true);
      k.view.setUint32(at + 12 * i + 4, rights, true);
      k.view.setUint32(at + 12 * i + 8, badge, true);
    });
    return at;
  }
  const IMAGE_FRAMES = 300; // the caller's slots of the frames that hold the file
  const pages = () => Math.ceil(image.bytes.length / 4096);
  const cnodeCopy = (to: number, from: number, rights: number) => `CNodeCopy ${S.cnode} ${[to, 12, from, 32, rights].map(hex).join(" ")} caps ${ROOT_CNODE}`;
  const cnodeMint = (to: number, from: number, rights: number, badge: number) => `CNodeMint ${S.cnode} ${[to, 12, from, 32, rights, badge].map(hex).join(" ")} caps ${ROOT_CNODE}`;

  it("copies (badge 0) or mints each extra capability to slots 17.. in order, then Read-only copies of every image frame, before IOPortControl; the fault endpoint goes to Configure", () => {
    configure({ flags: GRANT_IO_PORT_CONTROL, device: 77 });
    k.exports.configureExtras(record, capList([[40, RW, 0], [41, ALL, 0x55], [42, R, 0]]), 3, IMAGE_FRAMES, 17);
    expect(pages()).toBeGreaterThan(1);
    expect(ex("start")).toBe(STEP.Done);
    const extras = [
      cnodeCopy(17, 40, RW), cnodeMint(18, 41, ALL, 0x55), cnodeCopy(19, 42, R),
      ...Array.from({ length: pages() }, (_, i) => cnodeCopy(20 + i, IMAGE_FRAMES + i, R)),
    ];
    expect(calls.map((c) => c.text)).toEqual(expectedCalls({ untypedBits: 17, device: 77, ioPorts: true, extras, faultEp: 17 }));
    // Nothing of them needs a caller slot.
    expect(ex("slotsUsed")).toBe(20);
  });

  it("tells the process where they are: EXTRA_CAPS/COUNT, IMAGE_FRAMES/PAGES/BYTES, and the empty slots after them", () => {
    configure();
    k.exports.configureExtras(record, capList([[40, RW, 0], [41, ALL, 7]]), 2, IMAGE_FRAMES, 0);
    expect(ex("start")).toBe(STEP.Done);
    const w = (off: number) => k.view.getUint32(infoAt + off, true);
    expect(w(0x11c)).toBe(17 + 2 + pages()); // EMPTY_START
    expect(w(0x120)).toBe(4096);
    expect([w(0x138), w(0x13c)]).toEqual([17, 2]);
    expect([w(0x140), w(0x144), w(0x148)]).toEqual([19, pages(), image.bytes.length]);
  });

  it("with neither, the page says none and the empty slots start at 17", () => {
    configure();
    expect(ex("start")).toBe(STEP.Done);
    const w = (off: number) => k.view.getUint32(infoAt + off, true);
    expect([w(0x11c), w(0x138), w(0x13c), w(0x140), w(0x144), w(0x148)]).toEqual([17, 0, 0, 0, 0, 0]);
    expect(calls.filter((c) => c.text.startsWith(`CNodeCopy ${S.cnode} 0x11 `))).toEqual([]);
  });

  it("a failed extra copy is FillCSpace at its slot, and everything is taken back", () => {
    configure();
    k.exports.configureExtras(record, capList([[40, RW, 0], [41, ALL, 9]]), 2, 0, 0);
    failOn = { prefix: cnodeMint(18, 41, ALL, 9), error: FailedLookup };
    expect(ex("start")).toBe(STEP.FillCSpace);
    expect([ex("error"), ex("errorDetail")]).toEqual([FailedLookup, 18]);
    const texts = calls.map((c) => c.text);
    expect(texts.slice(texts.indexOf(cnodeMint(18, 41, ALL, 9)) + 1)).toEqual(teardown);
    expect(ex("slotsUsed")).toBe(0);
  });

  it("more than 64 extra capabilities: Plan with the count, and no invocation", () => {
    configure();
    k.exports.configureExtras(record, capList([]), 65, 0, 0);
    expect(ex("start")).toBe(STEP.Plan);
    expect(ex("errorDetail")).toBe(65);
    expect(calls).toHaveLength(0);
  });
});

describe("the process builder fails cleanly", () => {
  it("a failed invocation is reported with its step and error, and one Revoke takes everything back", () => {
    configure();
    failOn = { prefix: "TCBConfigure", error: IllegalOperation };
    expect(ex("start")).toBe(STEP.Configure);
    expect(ex("errorStep")).toBe(STEP.Configure);
    expect(ex("error")).toBe(IllegalOperation);
    expect(ex("slotsUsed")).toBe(0);
    const texts = calls.map((c) => c.text);
    const at = texts.findIndex((t) => t.startsWith("TCBConfigure"));
    expect(texts.slice(at + 1)).toEqual([
      `X86PageUnmap ${S.infoCopy}`,
      `CNodeRevoke ${ROOT_CNODE} ${hex(S.untyped)} 0x20`,
      `CNodeDelete ${ROOT_CNODE} ${hex(S.untyped)} 0x20`,
    ]);
  });

  it("a failure after IOPortControl was lent moves it back before taking everything back", () => {
    configure({ flags: GRANT_IO_PORT_CONTROL });
    failOn = { prefix: "TCBConfigure", error: IllegalOperation };
    expect(ex("start")).toBe(STEP.Configure);
    const texts = calls.map((c) => c.text);
    const at = texts.findIndex((t) => t.startsWith("TCBConfigure"));
    expect(texts[at - 1]).toBe(lendIOPortControl);
    expect(texts.slice(at + 1)).toEqual([returnIOPortControl, ...teardown]);
  });

  it("a failed lending is FillCSpace at slot 7, and nothing is moved back", () => {
    configure({ flags: GRANT_IO_PORT_CONTROL });
    failOn = { prefix: lendIOPortControl, error: FailedLookup };
    expect(ex("start")).toBe(STEP.FillCSpace);
    expect([ex("error"), ex("errorDetail")]).toEqual([FailedLookup, IO_PORT_CONTROL]);
    const texts = calls.map((c) => c.text);
    expect(texts.slice(texts.indexOf(lendIOPortControl) + 1)).toEqual(teardown);
  });

  it("IOPortControl that cannot be moved back stops the teardown with ReturnIOPortControl; a retry goes on without it", () => {
    configure({ flags: GRANT_IO_PORT_CONTROL });
    expect(ex("start")).toBe(STEP.Done);
    calls = [];
    failOn = { prefix: returnIOPortControl, error: FailedLookup };
    expect(ex("destroy")).toBe(STEP.ReturnIOPortControl);
    expect([ex("errorStep"), ex("error")]).toEqual([STEP.ReturnIOPortControl, FailedLookup]);
    expect(calls.map((c) => c.text)).toEqual([returnIOPortControl]);
    expect(ex("slotsUsed")).toBe(20);
    calls = [];
    expect(ex("destroy")).toBe(STEP.Done);
    expect(calls.map((c) => c.text)).toEqual(teardown);
  });

  it("a parent untyped without room: RetypeUntyped with NotEnoughMemory, nothing else made", () => {
    configure();
    failOn = { prefix: `UntypedRetype ${PARENT}`, error: NotEnoughMemory };
    expect(ex("start")).toBe(STEP.RetypeUntyped);
    expect(ex("error")).toBe(NotEnoughMemory);
    expect(ex("errorDetail")).toBe(17);
    expect(calls).toHaveLength(1);
    expect(ex("slotsUsed")).toBe(0);
  });

  it("a bad image: CheckElf with the ElfError, and no invocation", () => {
    configure({ bytes: patch(twoSegmentProgram().build().bytes, 0, 0x464c457e, 4) });
    expect(ex("start")).toBe(STEP.CheckElf);
    expect(ex("errorDetail")).toBe(3); // ElfError.BadMagic
    expect(calls).toHaveLength(0);
  });

  it("too few free slots: Plan with the number needed, and no invocation", () => {
    configure({ count: 19 });
    expect(ex("start")).toBe(STEP.Plan);
    expect(ex("errorDetail")).toBe(20);
    expect(calls).toHaveLength(0);
  });

  it("processDestroy after a start: unmaps the caller's view, revokes and deletes the process's untyped", () => {
    configure();
    expect(ex("start")).toBe(STEP.Done);
    calls = [];
    expect(ex("destroy")).toBe(STEP.Done);
    expect(calls.map((c) => c.text)).toEqual([
      `X86PageUnmap ${S.infoCopy}`,
      `CNodeRevoke ${ROOT_CNODE} ${hex(S.untyped)} 0x20`,
      `CNodeDelete ${ROOT_CNODE} ${hex(S.untyped)} 0x20`,
    ]);
    expect(ex("slotsUsed")).toBe(0);
    calls = [];
    expect(ex("destroy")).toBe(STEP.Done); // nothing held: nothing to do
    expect(calls).toHaveLength(0);
  });
});
