// test/unit/vspace.test.ts: i386 paging for user address spaces
// (kernel/arch/x86/vspace.ts) compiled to wasm and run over a region of
// wasm memory that plays physical memory: vspaceSetPhysWindow points the
// kernel window at it, so physical address p is at wasm address mem + p.
// Every writeCr3 and invlpg is logged with its argument
// (test/helpers/tlb-log.ts).
//
// Most tests compare all of "physical memory" before and after an
// operation: an operation must write exactly the entries it is meant to,
// and a refused one must write nothing.

import { KERNEL_VBASE, KERNEL_WINDOW_SIZE, USER_TOP } from "../helpers/layout";

/** The page-directory entry where the kernel window starts. */
const KPDE = KERNEL_VBASE >>> 22;
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance } from "../helpers/kernel-wasm";
import { loadKernelEntryWithTlbLog, TlbCall } from "../helpers/tlb-log";
import { itKeepsKernelRules, itNamesEveryError } from "../helpers/kernel-checks";

let k: KernelInstance;
/** writeCr3 and invlpg calls, oldest first. */
let tlb: TlbCall[];
/** The wasm address of physical address 0. */
let mem: number;

beforeAll(async () => {
  ({ k, tlb } = await loadKernelEntryWithTlbLog("test/kernel/vspace.entry.ts", { scratchPages: 2 }));
}, 120_000);

// ── Physical memory of the tests ──────────────────────────────────────
const PHYS_PAGES = 24;
const KERNEL_PD = 0x1000;
const PD_A = 0x2000;
const PD_B = 0x3000;
const KERNEL_PT = 0x5000; // the kernel's 4 KiB table for the first 4 MiB of the window
const PT1 = 0x6000;
const PT2 = 0x7000;
const PT3 = 0x8000;

// Entry bits (Intel SDM vol. 3A, 4.3).
const P = 1 << 0;
const W = 1 << 1;
const U = 1 << 2;
const PWT = 1 << 3;
const PCD = 1 << 4;
const A = 1 << 5;
const D = 1 << 6;
const PS = 1 << 7;
const G = 1 << 8;

const FAULT_PROTECTION = 1 << 0;
const FAULT_WRITE = 1 << 1;
const FAULT_USER = 1 << 2;
const FAULT_RESERVED_BIT = 1 << 3;

const ERROR_NAMES = [
  "Ok",
  "Misaligned",
  "KernelAddress",
  "PageTableMissing",
  "AlreadyMapped",
  "PageZero",
  "NotMapped",
  "BadRights",
  "OutsideWindow",
];

const errorName = (code: number): string => k.readString(k.exports.vspaceErrorName(code));
const read32 = (phys: number): number => k.view.getUint32(mem + phys, true);
const write32 = (phys: number, v: number): void => k.view.setUint32(mem + phys, v >>> 0, true);
const pdeAddr = (pd: number, vaddr: number): number => pd + (vaddr >>> 22) * 4;
const pteAddr = (pt: number, vaddr: number): number => pt + ((vaddr >>> 12) & 0x3ff) * 4;
const pde = (pd: number, vaddr: number): number => read32(pdeAddr(pd, vaddr));
const pte = (pt: number, vaddr: number): number => read32(pteAddr(pt, vaddr));

/** Fills a physical page with a recognisable pattern. */
function scribble(page: number, value = 0xdeadbeef): void {
  for (let i = 0; i < 4096; i += 4) write32(page + i, value);
}

/** Copies all of physical memory. */
const physSnapshot = (): Uint8Array => k.bytes(mem, PHYS_PAGES * 4096);

/** The physical addresses of the 32-bit words that differ between two snapshots. */
function changedWords(before: Uint8Array, after: Uint8Array): number[] {
  const a = new Uint32Array(before.buffer, before.byteOffset, before.length / 4);
  const b = new Uint32Array(after.buffer, after.byteOffset, after.length / 4);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i * 4);
  return out;
}

/** Runs `op` and returns its error name and the words it changed. */
function run(op: () => number): { error: string; changed: number[] } {
  const before = physSnapshot();
  const error = errorName(op());
  return { error, changed: changedWords(before, physSnapshot()) };
}

/** Runs `op`, expects the error `name`, and that nothing was written. */
function refused(name: string, op: () => number): void {
  expect(run(op)).toEqual({ error: name, changed: [] });
}

/** The TLB-maintenance calls since the log was last cleared. */
const tlbCalls = (): TlbCall[] => [...tlb];

const map = (pd: number, vaddr: number, paddr: number, rights: number): number => k.exports.mapPage(pd, vaddr, paddr, rights);
const unmap = (pd: number, vaddr: number): number => k.exports.unmapPage(pd, vaddr);
const remap = (pd: number, vaddr: number, rights: number): number => k.exports.remapPage(pd, vaddr, rights);
const mapTable = (pd: number, vaddr: number, pt: number): number => k.exports.mapPageTable(pd, vaddr, pt);
const unmapTable = (pd: number, vaddr: number): number => k.exports.unmapPageTable(pd, vaddr);
const lookup = (pd: number, vaddr: number): bigint => BigInt.asUintN(64, k.exports.lookupPage(pd, vaddr));
const spurious = (pd: number, vaddr: number, error: number): boolean => k.exports.vspaceFaultIsSpurious(pd, vaddr, error) === 1;

/**
 * A kernel page directory like kernel/arch/x86/kernel-window.ts builds:
 * the window's first PDE (KPDE) points to a 4 KiB table (kernel-only
 * pages), the ones after it are global 4 MiB pages; the user half is empty.
 */
function buildKernelPd(): void {
  for (let i = 0; i < 1024; i++) {
    let v = 0;
    if (i === KPDE) v = KERNEL_PT | P | W;
    else if (i > KPDE) v = (((i - KPDE) << 22) | P | W | PS | G) >>> 0;
    write32(KERNEL_PD + i * 4, v);
  }
  for (let j = 0; j < 1024; j++) write32(KERNEL_PT + j * 4, ((j << 12) | P | W | G) >>> 0);
}

beforeEach(() => {
  k.resetScratch();
  mem = k.alloc(PHYS_PAGES * 4096, 4096);
  k.exports.vspaceSetPhysWindow(mem);
  for (let page = 0; page < PHYS_PAGES * 4096; page += 4096) scribble(page, 0xa5a5a5a5);
  buildKernelPd();
  k.x86.cr3 = 0;
  k.exports.vspaceInit(); // forget the current address space of the last test
  expect(k.exports.vspaceCurrent()).toBe(0);
  tlb.length = 0;
});

/** PD_A and PD_B initialised, with PT1 for 0x00400000-0x007FFFFF in PD_A. */
function twoSpaces(): void {
  expect(errorName(k.exports.pdInit(PD_A, KERNEL_PD))).toBe("Ok");
  expect(errorName(k.exports.pdInit(PD_B, KERNEL_PD))).toBe("Ok");
  expect(errorName(mapTable(PD_A, 0x00400000, PT1))).toBe("Ok");
  tlb.length = 0;
}

describe("the compiled module", () => {
  itKeepsKernelRules(() => k.module.wat);

  itNamesEveryError(ERROR_NAMES, errorName);

  it("has the entry bits at the positions the SDM gives", () => {
    const want = [P, W, U, PWT, PCD, A, D, PS, G, 0xfffff000, U | W | PWT | PCD, P | W | U, USER_TOP, USER_TOP >>> 22, KERNEL_WINDOW_SIZE];
    expect(want.map((_, i) => k.exports.pageFlag(i) >>> 0)).toEqual(want.map((v) => v >>> 0));
  });

  it("uses the window it was given", () => {
    expect(k.exports.vspacePhysWindow() >>> 0).toBe(mem);
  });
});

describe("pdInit", () => {
  it("empties the user half and copies the kernel half, writing nothing else", () => {
    const { error, changed } = run(() => k.exports.pdInit(PD_A, KERNEL_PD));
    expect(error).toBe("Ok");
    for (let i = 0; i < KPDE; i++) expect(read32(PD_A + i * 4)).toBe(0);
    for (let i = KPDE; i < 1024; i++) expect(read32(PD_A + i * 4)).toBe(read32(KERNEL_PD + i * 4));
    expect(changed.every((a) => a >= PD_A && a < PD_A + 4096)).toBe(true);
    expect(changed.length).toBe(1024); // every word of PD_A had the scribble
  });

  it("refuses a misaligned or unreachable page directory", () => {
    refused("Misaligned", () => k.exports.pdInit(PD_A + 4, KERNEL_PD));
    refused("Misaligned", () => k.exports.pdInit(PD_A, KERNEL_PD + 0x800));
    refused("OutsideWindow", () => k.exports.pdInit(KERNEL_WINDOW_SIZE, KERNEL_PD));
    refused("OutsideWindow", () => k.exports.pdInit(PD_A, 0xfffff000));
  });
});

describe("page tables", () => {
  beforeEach(() => {
    expect(errorName(k.exports.pdInit(PD_A, KERNEL_PD))).toBe("Ok");
  });

  it("mapPageTable zeroes the table and installs a present, writable, user PDE", () => {
    const { error, changed } = run(() => mapTable(PD_A, 0x00401234, PT1));
    expect(error).toBe("Ok");
    expect(pde(PD_A, 0x00400000)).toBe(PT1 | P | W | U);
    for (let i = 0; i < 1024; i++) expect(read32(PT1 + i * 4)).toBe(0);
    expect(changed.filter((a) => a < PT1 || a >= PT1 + 4096)).toEqual([pdeAddr(PD_A, 0x00400000)]);
    expect(k.exports.lookupPageTable(PD_A, 0x007fffff)).toBe(PT1);
    expect(k.exports.lookupPageTable(PD_A, 0x00800000)).toBe(0);
  });

  it("covers the first and the last user region", () => {
    expect(errorName(mapTable(PD_A, 0, PT1))).toBe("Ok");
    expect(errorName(mapTable(PD_A, 0xbfffffff, PT2))).toBe("Ok");
    expect(pde(PD_A, 0)).toBe(PT1 | P | W | U);
    expect(read32(PD_A + 767 * 4)).toBe(PT2 | P | W | U);
  });

  it("refuses a second table for the same region without zeroing the new one", () => {
    expect(errorName(mapTable(PD_A, 0x00400000, PT1))).toBe("Ok");
    refused("AlreadyMapped", () => mapTable(PD_A, 0x007ff000, PT2));
  });

  it("refuses kernel addresses, misaligned and unreachable tables", () => {
    refused("KernelAddress", () => mapTable(PD_A, USER_TOP, PT1));
    refused("KernelAddress", () => mapTable(PD_A, 0xffffffff, PT1));
    refused("Misaligned", () => mapTable(PD_A, 0x00400000, PT1 + 8));
    refused("Misaligned", () => mapTable(PD_A + 8, 0x00400000, PT1));
    refused("OutsideWindow", () => mapTable(PD_A, 0x00400000, KERNEL_WINDOW_SIZE));
    refused("OutsideWindow", () => mapTable(0xfffff000, 0x00400000, PT1));
  });

  it("unmapPageTable clears only the PDE and leaves the table as it was", () => {
    expect(errorName(mapTable(PD_A, 0x00400000, PT1))).toBe("Ok");
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U))).toBe("Ok");
    const { error, changed } = run(() => unmapTable(PD_A, 0x00400000));
    expect(error).toBe("Ok");
    expect(changed).toEqual([pdeAddr(PD_A, 0x00400000)]);
    expect(pde(PD_A, 0x00400000)).toBe(0);
    expect(pte(PT1, 0x00401000)).toBe(0x12345000 | P | U);
    expect(lookup(PD_A, 0x00401000)).toBe(0n);
    refused("NotMapped", () => unmapTable(PD_A, 0x00400000));
    refused("KernelAddress", () => unmapTable(PD_A, USER_TOP + 0x400000));
    refused("Misaligned", () => unmapTable(PD_A + 4, 0x00400000));
  });
});

describe("mapPage, lookupPage and unmapPage", () => {
  beforeEach(twoSpaces);

  it("round-trip one page, writing exactly one PTE each way", () => {
    let r = run(() => map(PD_A, 0x00401000, 0x12345000, U | W));
    expect(r).toEqual({ error: "Ok", changed: [pteAddr(PT1, 0x00401000)] });
    expect(pte(PT1, 0x00401000)).toBe(0x12345000 | P | W | U);
    expect(lookup(PD_A, 0x00401000)).toBe(BigInt(0x12345000 | P | W | U));
    expect(lookup(PD_A, 0x00401fff)).toBe(BigInt(0x12345000 | P | W | U));
    expect(lookup(PD_A, 0x00402000)).toBe(0n);
    expect(lookup(PD_B, 0x00401000)).toBe(0n);
    r = run(() => unmap(PD_A, 0x00401000));
    expect(r).toEqual({ error: "Ok", changed: [pteAddr(PT1, 0x00401000)] });
    expect(pte(PT1, 0x00401000)).toBe(0);
    expect(lookup(PD_A, 0x00401000)).toBe(0n);
    refused("NotMapped", () => unmap(PD_A, 0x00401000));
    expect(errorName(map(PD_A, 0x00401000, 0x00abc000, U))).toBe("Ok");
    expect(lookup(PD_A, 0x00401000)).toBe(BigInt(0x00abc000 | P | U));
  });

  it("puts exactly the requested rights in the PTE", () => {
    const cases = [0, U, W, U | W, U | PCD, U | PWT, U | W | PWT | PCD];
    cases.forEach((rights, i) => {
      const vaddr = 0x00400000 + (i + 1) * 0x1000;
      const frame = 0x00100000 + i * 0x1000;
      expect(errorName(map(PD_A, vaddr, frame, rights))).toBe("Ok");
      expect(pte(PT1, vaddr) >>> 0).toBe((frame | P | rights) >>> 0);
      expect(lookup(PD_A, vaddr)).toBe(BigInt((frame | P | rights) >>> 0));
    });
  });

  it("maps frames anywhere in physical memory, the window's end and device memory above it included", () => {
    for (const [i, frame] of [0x0, 0x3ffff000, 0x40000000, 0xfebff000, 0xfffff000].entries()) {
      const vaddr = 0x00500000 + i * 0x1000;
      expect(errorName(map(PD_A, vaddr, frame, U | W))).toBe("Ok");
      expect(pte(PT1, vaddr) >>> 0).toBe((frame | P | W | U) >>> 0);
    }
  });

  it("maps the lowest and the highest user page", () => {
    expect(errorName(mapTable(PD_B, 0, PT2))).toBe("Ok");
    expect(errorName(mapTable(PD_B, 0xbfc00000, PT3))).toBe("Ok");
    expect(errorName(map(PD_B, 0x1000, 0x00200000, U))).toBe("Ok");
    expect(errorName(map(PD_B, 0xbffff000, 0x00201000, U | W))).toBe("Ok");
    expect(pte(PT2, 0x1000)).toBe(0x00200000 | P | U);
    expect(read32(PT3 + 1023 * 4)).toBe(0x00201000 | P | W | U);
  });

  it("never sets the global, PS, accessed or dirty bits in a new PTE", () => {
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U | W | PWT | PCD))).toBe("Ok");
    expect(pte(PT1, 0x00401000) & (G | PS | A | D)).toBe(0);
  });
});

describe("mapPage errors", () => {
  beforeEach(twoSpaces);

  it("Misaligned: the virtual address, the frame, or the page directory", () => {
    refused("Misaligned", () => map(PD_A, 0x00401001, 0x12345000, U));
    refused("Misaligned", () => map(PD_A, 0x00401800, 0x12345000, U));
    refused("Misaligned", () => map(PD_A, 0x00401000, 0x12345004, U));
    refused("Misaligned", () => map(PD_A + 0x10, 0x00401000, 0x12345000, U));
    refused("Misaligned", () => map(PD_A, 0xfff, 0x12345000, U)); // alignment is checked before page 0
  });

  it("KernelAddress: anything at or above USER_TOP (the kernel window)", () => {
    for (const vaddr of [USER_TOP, USER_TOP + 0x400000, 0xfffff000]) {
      refused("KernelAddress", () => map(PD_A, vaddr, 0x12345000, U));
      refused("KernelAddress", () => map(PD_A, vaddr, 0x12345000, 0));
    }
  });

  it("PageZero: page 0, never mapped", () => {
    expect(errorName(mapTable(PD_B, 0, PT2))).toBe("Ok");
    refused("PageZero", () => map(PD_B, 0, 0x12345000, U));
    refused("PageZero", () => map(PD_A, 0, 0x12345000, U));
  });

  it("PageTableMissing: no table for the region", () => {
    refused("PageTableMissing", () => map(PD_A, 0x00800000, 0x12345000, U));
    refused("PageTableMissing", () => map(PD_B, 0x00401000, 0x12345000, U));
  });

  it("AlreadyMapped: the first mapping stays", () => {
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U))).toBe("Ok");
    refused("AlreadyMapped", () => map(PD_A, 0x00401000, 0x12345000, U));
    refused("AlreadyMapped", () => map(PD_A, 0x00401000, 0x54321000, U | W));
    expect(pte(PT1, 0x00401000)).toBe(0x12345000 | P | U);
  });

  it("AlreadyMapped: a 4 MiB page in the user half is never split or used as a table", () => {
    write32(pdeAddr(PD_B, 0x00800000), 0x00800000 | P | W | U | PS);
    refused("AlreadyMapped", () => map(PD_B, 0x00801000, 0x12345000, U));
    refused("AlreadyMapped", () => mapTable(PD_B, 0x00800000, PT2));
    refused("NotMapped", () => unmap(PD_B, 0x00801000));
    refused("NotMapped", () => remap(PD_B, 0x00801000, U));
    refused("NotMapped", () => unmapTable(PD_B, 0x00800000));
    expect(k.exports.lookupPageTable(PD_B, 0x00800000)).toBe(0);
    expect(lookup(PD_B, 0x00835000)).toBe(BigInt(0x00835000 | P | W | U | PS));
  });

  it("BadRights: anything but USER, WRITE, PWT and PCD", () => {
    for (const rights of [P, A, D, PS, G, 1 << 9, 1 << 11, 1 << 12, 0x80000000, 0xffffffff, U | W | G]) {
      refused("BadRights", () => map(PD_A, 0x00401000, 0x12345000, rights));
    }
  });

  it("OutsideWindow: a page directory the window does not reach", () => {
    refused("OutsideWindow", () => map(KERNEL_WINDOW_SIZE, 0x00401000, 0x12345000, U));
    refused("OutsideWindow", () => unmap(0x80000000, 0x00401000));
    refused("OutsideWindow", () => remap(0xfffff000, 0x00401000, U));
    refused("OutsideWindow", () => unmapTable(KERNEL_WINDOW_SIZE, 0x00400000));
    expect(lookup(KERNEL_WINDOW_SIZE, 0x00401000)).toBe(0n);
    expect(k.exports.lookupPageTable(KERNEL_WINDOW_SIZE, 0x00401000)).toBe(0);
  });

  it("checks in the documented order: directory, rights, virtual address, frame, table, slot", () => {
    refused("Misaligned", () => map(PD_A + 4, KERNEL_VBASE + 0x000001, 0x12345001, 0x100));
    refused("BadRights", () => map(PD_A, KERNEL_VBASE + 0x000001, 0x12345001, 0x100));
    refused("Misaligned", () => map(PD_A, KERNEL_VBASE + 0x000001, 0x12345001, U));
    refused("KernelAddress", () => map(PD_A, KERNEL_VBASE + 0x000000, 0x12345001, U));
    refused("PageZero", () => map(PD_A, 0, 0x12345001, U));
    refused("Misaligned", () => map(PD_A, 0x00800000, 0x12345001, U));
    refused("PageTableMissing", () => map(PD_A, 0x00800000, 0x12345000, U));
  });
});

describe("unmapPage and remapPage errors", () => {
  beforeEach(twoSpaces);

  it("refuse what mapPage refuses, and NotMapped where nothing is", () => {
    for (const op of [(v: number) => unmap(PD_A, v), (v: number) => remap(PD_A, v, U)]) {
      refused("Misaligned", () => op(0x00401004));
      refused("KernelAddress", () => op(KERNEL_VBASE + 0x001000));
      refused("PageZero", () => op(0));
      refused("NotMapped", () => op(0x00401000)); // a table, no page
      refused("NotMapped", () => op(0x00c01000)); // no table
    }
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U))).toBe("Ok");
    for (const rights of [P, G, PS, 0x80000000]) refused("BadRights", () => remap(PD_A, 0x00401000, rights));
  });
});

describe("remapPage", () => {
  beforeEach(twoSpaces);

  it("changes only the rights, keeping the frame and the accessed and dirty bits", () => {
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U | W))).toBe("Ok");
    write32(pteAddr(PT1, 0x00401000), 0x12345000 | P | W | U | A | D);
    const { error, changed } = run(() => remap(PD_A, 0x00401000, U | PCD));
    expect(error).toBe("Ok");
    expect(changed).toEqual([pteAddr(PT1, 0x00401000)]);
    expect(pte(PT1, 0x00401000)).toBe(0x12345000 | P | U | PCD | A | D);
    expect(errorName(remap(PD_A, 0x00401000, 0))).toBe("Ok");
    expect(pte(PT1, 0x00401000)).toBe(0x12345000 | P | A | D);
    expect(errorName(remap(PD_A, 0x00401000, U | W))).toBe("Ok");
    expect(pte(PT1, 0x00401000)).toBe(0x12345000 | P | W | U | A | D);
  });
});

describe("lookupPage", () => {
  beforeEach(twoSpaces);

  it("sees the kernel window through the 4 MiB pages the page directory shares", () => {
    expect(lookup(PD_A, KERNEL_VBASE + 0x401234)).toBe(BigInt(0x00401000 | P | W | PS | G));
    const last = (KERNEL_VBASE + KERNEL_WINDOW_SIZE - 1) >>> 0;
    expect(lookup(PD_A, last)).toBe(BigInt(((KERNEL_WINDOW_SIZE - 0x1000) | P | W | PS | G) >>> 0)); // the window's last page
  });

  it("sees the kernel's 4 KiB table, with USER only where the PDE allows it", () => {
    expect(lookup(PD_A, KERNEL_VBASE + 0x000123)).toBe(BigInt(0 | P | W | G));
    write32(KERNEL_PT + 5 * 4, 0x5000 | P | W | U); // a PDE without USER overrides the PTE
    expect(lookup(PD_A, KERNEL_VBASE + 0x005000)).toBe(BigInt(0x5000 | P | W));
    write32(KERNEL_PT + 6 * 4, 0);
    expect(lookup(PD_A, KERNEL_VBASE + 0x006000)).toBe(0n);
  });

  it("gives 0 (PRESENT clear) for a misaligned page directory", () => {
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U))).toBe("Ok");
    expect(lookup(PD_A + 4, 0x00401000)).toBe(0n);
  });
});

describe("address-space switches", () => {
  it("write CR3 only when the page directory changes", () => {
    k.exports.vspaceSwitch(PD_A);
    k.exports.vspaceSwitch(PD_A);
    expect(k.exports.vspaceCurrent()).toBe(PD_A);
    k.exports.vspaceSwitch(PD_B);
    k.exports.vspaceSwitch(PD_B);
    k.exports.vspaceSwitch(PD_A);
    expect(tlbCalls()).toEqual([
      ["writeCr3", PD_A],
      ["writeCr3", PD_B],
      ["writeCr3", PD_A],
    ]);
    expect(k.x86.cr3).toBe(PD_A);
  });

  it("vspaceInit adopts CR3 without writing it", () => {
    k.x86.cr3 = PD_B | PWT | PCD;
    k.exports.vspaceInit();
    expect(k.exports.vspaceCurrent()).toBe(PD_B);
    k.exports.vspaceSwitch(PD_B);
    expect(tlbCalls()).toEqual([]);
  });
});

describe("TLB maintenance", () => {
  beforeEach(() => {
    twoSpaces();
    expect(errorName(mapTable(PD_B, 0x00400000, PT2))).toBe("Ok");
    for (const pd of [PD_A, PD_B]) {
      expect(errorName(map(pd, 0x00401000, 0x12345000, U | W))).toBe("Ok");
      expect(errorName(map(pd, 0x00402000, 0x12346000, U))).toBe("Ok");
    }
    k.exports.vspaceSwitch(PD_A);
    tlb.length = 0;
  });

  it("none for mapping a page or a table, in any address space", () => {
    expect(errorName(map(PD_A, 0x00403000, 0x12347000, U | W))).toBe("Ok");
    expect(errorName(mapTable(PD_A, 0x00800000, PT3))).toBe("Ok");
    expect(errorName(map(PD_B, 0x00403000, 0x12347000, U | W))).toBe("Ok");
    expect(tlbCalls()).toEqual([]);
  });

  it("invlpg for an unmap in the current address space, nothing for another", () => {
    expect(errorName(unmap(PD_A, 0x00401000))).toBe("Ok");
    expect(tlbCalls()).toEqual([["invlpg", 0x00401000]]);
    tlb.length = 0;
    expect(errorName(unmap(PD_B, 0x00401000))).toBe("Ok");
    expect(tlbCalls()).toEqual([]);
  });

  it("no invlpg when the unmap is refused", () => {
    expect(errorName(unmap(PD_A, 0x00405000))).toBe("NotMapped");
    expect(errorName(unmap(PD_A, 0))).toBe("PageZero");
    expect(tlbCalls()).toEqual([]);
  });

  it("invlpg for a right taken away or a cache attribute changed in the current address space", () => {
    const downgrades: [number, number][] = [
      [U | W, U],
      [U | W, W],
      [U, 0],
      [W, 0],
      [U | W, 0],
      [U, U | PCD],
      [U | PCD, U | PWT],
      [U | PWT | PCD, U],
      [U | W, U | PCD | W | PWT], // nothing taken, but the cache type changes
    ];
    for (const [from, to] of downgrades) {
      expect(errorName(remap(PD_A, 0x00401000, from))).toBe("Ok");
      tlb.length = 0;
      expect(errorName(remap(PD_A, 0x00401000, to))).toBe("Ok");
      expect(tlbCalls(), `${from} -> ${to}`).toEqual([["invlpg", 0x00401000]]);
    }
  });

  it("no flush for a grant, or no change, in the current address space", () => {
    const grants: [number, number][] = [
      [U, U | W],
      [0, U],
      [0, W],
      [W, U | W],
      [U | W, U | W],
      [U | PCD, U | PCD | W],
    ];
    for (const [from, to] of grants) {
      expect(errorName(remap(PD_A, 0x00401000, from))).toBe("Ok");
      tlb.length = 0;
      expect(errorName(remap(PD_A, 0x00401000, to))).toBe("Ok");
      expect(tlbCalls(), `${from} -> ${to}`).toEqual([]);
    }
  });

  it("no flush for any remap in another address space", () => {
    for (const rights of [U, 0, U | PCD, U | W, W, 0]) expect(errorName(remap(PD_B, 0x00401000, rights))).toBe("Ok");
    expect(tlbCalls()).toEqual([]);
  });

  it("a CR3 reload, and nothing else, when a page table leaves the current address space", () => {
    expect(errorName(unmapTable(PD_A, 0x00400000))).toBe("Ok");
    expect(tlbCalls()).toEqual([["writeCr3", PD_A]]);
    expect(k.exports.vspaceCurrent()).toBe(PD_A);
  });

  it("no flush when a page table leaves another address space, or the removal is refused", () => {
    expect(errorName(unmapTable(PD_B, 0x00400000))).toBe("Ok");
    expect(errorName(unmapTable(PD_A, 0x00c00000))).toBe("NotMapped");
    expect(tlbCalls()).toEqual([]);
  });

  it("follows the switch: after switching to B, B's changes flush and A's do not", () => {
    k.exports.vspaceSwitch(PD_B);
    tlb.length = 0;
    expect(errorName(unmap(PD_A, 0x00401000))).toBe("Ok");
    expect(errorName(unmap(PD_B, 0x00402000))).toBe("Ok");
    expect(errorName(unmapTable(PD_A, 0x00400000))).toBe("Ok");
    expect(errorName(unmapTable(PD_B, 0x00400000))).toBe("Ok");
    expect(tlbCalls()).toEqual([
      ["invlpg", 0x00402000],
      ["writeCr3", PD_B],
    ]);
  });
});

describe("vspaceFaultIsSpurious", () => {
  beforeEach(() => {
    twoSpaces();
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U | W))).toBe("Ok");
    expect(errorName(map(PD_A, 0x00402000, 0x12346000, U))).toBe("Ok");
  });

  it("says yes when the page now allows the access", () => {
    expect(spurious(PD_A, 0x00401abc, FAULT_PROTECTION | FAULT_WRITE | FAULT_USER)).toBe(true);
    expect(spurious(PD_A, 0x00401abc, FAULT_USER)).toBe(true);
    expect(spurious(PD_A, 0x00402000, FAULT_PROTECTION | FAULT_USER)).toBe(true);
    expect(spurious(PD_A, KERNEL_VBASE + 0x401000, FAULT_PROTECTION | FAULT_WRITE)).toBe(true); // kernel write, writable window
  });

  it("says no when the page is missing or lacks a right the access needs", () => {
    expect(spurious(PD_A, 0x00402000, FAULT_PROTECTION | FAULT_WRITE | FAULT_USER)).toBe(false);
    expect(spurious(PD_A, 0x00403000, FAULT_USER)).toBe(false);
    expect(spurious(PD_A, 0x00c00000, FAULT_USER)).toBe(false);
    expect(spurious(PD_A, KERNEL_VBASE + 0x401000, FAULT_PROTECTION | FAULT_USER)).toBe(false);
    expect(spurious(PD_A, 0x00401000, FAULT_PROTECTION | FAULT_RESERVED_BIT | FAULT_USER)).toBe(false);
    expect(errorName(remap(PD_A, 0x00401000, W))).toBe("Ok");
    expect(spurious(PD_A, 0x00401000, FAULT_PROTECTION | FAULT_USER)).toBe(false);
  });
});

// ── 4 MiB pages, replacing a page, cacheable page tables ───────────────
const mapLarge = (pd: number, vaddr: number, paddr: number, rights: number, replace = false): number =>
  k.exports.mapLargePage(pd, vaddr, paddr, rights, replace ? 1 : 0);
const unmapLarge = (pd: number, vaddr: number): number => k.exports.unmapLargePage(pd, vaddr);
const PDE_NONE = 0;
const PDE_TABLE = 1;
const PDE_LARGE = 2;

describe("mapLargePage and unmapLargePage", () => {
  beforeEach(twoSpaces);

  it("round-trip one 4 MiB page, writing exactly one PDE each way", () => {
    let r = run(() => mapLarge(PD_B, 0x00800000, 0x12400000, U | W));
    expect(r).toEqual({ error: "Ok", changed: [pdeAddr(PD_B, 0x00800000)] });
    expect(pde(PD_B, 0x00800000)).toBe(0x12400000 | P | PS | W | U);
    expect(lookup(PD_B, 0x00bff123)).toBe(BigInt(0x127ff000 | P | PS | W | U));
    expect(k.exports.pdeKind(PD_B, 0x00800000)).toBe(PDE_LARGE);
    expect(k.exports.lookupPageTable(PD_B, 0x00800000)).toBe(0);
    r = run(() => unmapLarge(PD_B, 0x00800000));
    expect(r).toEqual({ error: "Ok", changed: [pdeAddr(PD_B, 0x00800000)] });
    expect(k.exports.pdeKind(PD_B, 0x00800000)).toBe(PDE_NONE);
    refused("NotMapped", () => unmapLarge(PD_B, 0x00800000));
  });

  it("puts exactly the requested rights in the PDE, and never G, A or D", () => {
    for (const [i, rights] of [0, U, W, U | W, U | PCD, U | PWT | PCD].entries()) {
      const vaddr = 0x01000000 + i * 0x400000;
      expect(errorName(mapLarge(PD_B, vaddr, 0x40000000 + i * 0x400000, rights))).toBe("Ok");
      expect(pde(PD_B, vaddr) >>> 0).toBe((0x40000000 + i * 0x400000) | P | PS | rights);
    }
  });

  it("refuses what a 4 MiB page may not be: misaligned, in the kernel window, over page 0, bad rights", () => {
    refused("Misaligned", () => mapLarge(PD_B, 0x00801000, 0x12400000, U));
    refused("Misaligned", () => mapLarge(PD_B, 0x00800000, 0x12401000, U));
    refused("Misaligned", () => mapLarge(PD_B + 4, 0x00800000, 0x12400000, U));
    refused("KernelAddress", () => mapLarge(PD_B, USER_TOP, 0x12400000, U));
    refused("PageZero", () => mapLarge(PD_B, 0, 0x12400000, U));
    refused("BadRights", () => mapLarge(PD_B, 0x00800000, 0x12400000, PS));
    refused("OutsideWindow", () => mapLarge(0xfffff000, 0x00800000, 0x12400000, U));
    refused("Misaligned", () => unmapLarge(PD_B, 0x00801000));
    refused("KernelAddress", () => unmapLarge(PD_B, USER_TOP));
  });

  it("never replaces a page table, and replaces a 4 MiB page only when asked", () => {
    refused("AlreadyMapped", () => mapLarge(PD_A, 0x00400000, 0x12400000, U, true));
    refused("NotMapped", () => unmapLarge(PD_A, 0x00400000));
    expect(k.exports.pdeKind(PD_A, 0x00400000)).toBe(PDE_TABLE);
    expect(errorName(mapLarge(PD_B, 0x00800000, 0x12400000, U | W))).toBe("Ok");
    refused("AlreadyMapped", () => mapLarge(PD_B, 0x00800000, 0x12800000, U));
    expect(errorName(mapLarge(PD_B, 0x00800000, 0x12800000, U, true))).toBe("Ok");
    expect(pde(PD_B, 0x00800000)).toBe(0x12800000 | P | PS | U);
  });

  it("invlpg for an unmap or a replacement in the current address space only", () => {
    expect(errorName(mapLarge(PD_A, 0x00800000, 0x12400000, U | W))).toBe("Ok");
    expect(errorName(mapLarge(PD_B, 0x00800000, 0x12400000, U | W))).toBe("Ok");
    k.exports.vspaceSwitch(PD_A);
    tlb.length = 0;
    expect(errorName(mapLarge(PD_A, 0x00c00000, 0x12800000, U))).toBe("Ok");
    expect(tlbCalls()).toEqual([]);
    expect(errorName(mapLarge(PD_A, 0x00800000, 0x12400000, U, true))).toBe("Ok");
    expect(errorName(unmapLarge(PD_A, 0x00c00000))).toBe("Ok");
    expect(errorName(unmapLarge(PD_B, 0x00800000))).toBe("Ok");
    expect(tlbCalls()).toEqual([["invlpg", 0x00800000], ["invlpg", 0x00c00000]]);
  });
});

describe("mapPage with replace, mapPageTable with attributes", () => {
  beforeEach(twoSpaces);

  it("replace overwrites a present PTE, with invlpg only in the current address space", () => {
    expect(errorName(map(PD_A, 0x00401000, 0x12345000, U | W))).toBe("Ok");
    k.exports.vspaceSwitch(PD_B);
    tlb.length = 0;
    expect(errorName(k.exports.mapPage(PD_A, 0x00401000, 0x54321000, U, 1))).toBe("Ok");
    expect(pte(PT1, 0x00401000)).toBe(0x54321000 | P | U);
    expect(tlbCalls()).toEqual([]);
    k.exports.vspaceSwitch(PD_A);
    tlb.length = 0;
    expect(errorName(k.exports.mapPage(PD_A, 0x00401000, 0x12345000, U | W, 1))).toBe("Ok");
    expect(errorName(k.exports.mapPage(PD_A, 0x00402000, 0x12346000, U, 1))).toBe("Ok"); // was empty: no flush
    expect(tlbCalls()).toEqual([["invlpg", 0x00401000]]);
  });

  it("a page table's PDE carries PWT and PCD when asked, and nothing else", () => {
    expect(errorName(k.exports.mapPageTable(PD_B, 0x00800000, PT2, PWT | PCD))).toBe("Ok");
    expect(pde(PD_B, 0x00800000)).toBe(PT2 | P | W | U | PWT | PCD);
    refused("BadRights", () => k.exports.mapPageTable(PD_B, 0x00c00000, PT3, PS));
    expect(k.exports.pdeKind(PD_B, KERNEL_VBASE)).toBe(PDE_TABLE); // any address: the kernel's own table
    expect(k.exports.pdeKind(PD_B, KERNEL_VBASE + 0x400000)).toBe(PDE_LARGE);
  });
});
