// test/unit/untypeds.test.ts: the root task's untyped list (kernel/boot/untypeds.ts) compiled to wasm.
//
// Physical memory is set up through the boot allocator (kernel/boot/physmem.ts),
// as kernel/main.ts does, then untypedsBuild() cuts it into blocks. Every
// list is checked against a page-by-page model of what seL4 promises
// (DESIGN.md, "Device untypeds"): device untypeds cover all non-RAM
// physical space below 4 GiB and the whole first MiB (so the BIOS area,
// 0xE0000-0xFFFFF, and the HPET at 0xFED00000 are reachable), except the
// IOAPIC and local APIC pages, which the kernel keeps; free RAM the kernel
// window reaches becomes ordinary untyped, free RAM beyond it device
// untyped; RAM the boot used is in neither list; every block is a
// power of two, aligned to its size, within seL4's bounds, disjoint from
// every other, and below 4 GiB.

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { QEMU_LIKE_MMAP } from "../helpers/multiboot2-blob";
import { itKeepsKernelRules } from "../helpers/kernel-checks";
import { KERNEL_WINDOW_SIZE } from "../helpers/layout";
import { rng } from "../helpers/rng";
import { PC_DEVICES, PC_HARDWARE } from "../../kernel/arch/x86/machine.def.ts";
import { SIZE_BITS } from "../../libs/abi/sel4.def.ts";

let k: KernelInstance;

beforeAll(async () => {
  k = await loadKernelEntry("test/kernel/untypeds.entry.ts", { scratchPages: 1 });
}, 120_000);

beforeEach(() => k.exports.physReset());

const size = (name: string): number => SIZE_BITS.entries.find((e) => e.name === name)!.value;
const PAGE_BITS = size("seL4_PageBits");
const PAGE = 1n << BigInt(PAGE_BITS);
const MAX_BITS = size("seL4_MaxUntypedBits");
const MAX_ENTRIES = size("CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS");
const LOW_END = BigInt(PC_HARDWARE.entries.find((e) => e.name === "LOW_MEMORY_END")!.value);
const WINDOW = BigInt(KERNEL_WINDOW_SIZE);

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const SPACE = 4n * GiB;
const PAGES = Number(SPACE / PAGE);

const pc = (name: string): bigint => BigInt(PC_DEVICES.entries.find((e) => e.name === name)!.value);
const IOAPIC = pc("IOAPIC_PHYS");
const LAPIC = pc("LAPIC_PHYS");
const HPET = pc("HPET_PHYS");
/** Where user code scans for the ACPI RSDP (ACPI 5.2.5.1: the BIOS read-only area). */
const BIOS_AREA = [0xe0000n, 0x100000n];

interface Block {
  paddr: bigint;
  bits: number;
  device: boolean;
}

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

function blocks(): Block[] {
  const e = k.exports;
  return Array.from({ length: e.untypedCount() }, (_, i) => ({ paddr: BigInt(e.untypedPaddr(i) >>> 0), bits: e.untypedBits(i), device: e.untypedDevice(i) !== 0 }));
}

const end = (b: Block): bigint => b.paddr + (1n << BigInt(b.bits));
const covering = (list: Block[], addr: bigint): Block[] => list.filter((b) => b.paddr <= addr && addr < end(b));

/** What one page should be: 0 in no untyped, 1 ordinary untyped, 2 device untyped. */
const NONE = 0;
const RAM = 1;
const DEVICE = 2;

/**
 * The model: each page of the 4 GiB space, from the RAM regions
 * (`ram`, page aligned inward as the firmware's map is read) and the free
 * list the boot allocator ended with.
 */
function expectedPages(ram: [bigint, bigint][], free: [bigint, bigint][]): Uint8Array {
  const pages = new Uint8Array(PAGES).fill(DEVICE);
  const mark = (base: bigint, end: bigint, what: number) => {
    const from = Number(base / PAGE);
    const to = Number((end < SPACE ? end : SPACE) / PAGE);
    for (let p = from; p < to; p++) pages[p] = what;
  };
  for (const [b, e] of ram) if (b < SPACE) mark(b, e, NONE);
  for (const [b, e] of free) {
    if (b >= SPACE) continue;
    mark(b, e < WINDOW ? e : WINDOW, RAM);
    if (e > WINDOW) mark(b > WINDOW ? b : WINDOW, e, DEVICE);
  }
  mark(0n, LOW_END, DEVICE); // the whole first MiB, RAM in it or not
  pages[Number(IOAPIC / PAGE)] = NONE;
  pages[Number(LAPIC / PAGE)] = NONE;
  return pages;
}

/** What the kernel's list covers, page by page; fails on any overlap or block out of shape. */
function actualPages(list: Block[]): Uint8Array {
  const pages = new Uint8Array(PAGES);
  for (const b of list) {
    const where = `block 0x${b.paddr.toString(16)} 2^${b.bits}`;
    expect(b.bits, where).toBeGreaterThanOrEqual(PAGE_BITS);
    expect(b.bits, where).toBeLessThanOrEqual(MAX_BITS);
    expect(b.paddr % (1n << BigInt(b.bits)), `${where} is aligned to its size`).toBe(0n);
    expect(end(b) <= SPACE, `${where} ends at or below 4 GiB`).toBe(true);
    for (let p = Number(b.paddr / PAGE); p < Number(end(b) / PAGE); p++) {
      if (pages[p] !== NONE) expect.fail(`${where} overlaps another block at page 0x${p.toString(16)}`);
      pages[p] = b.device ? DEVICE : RAM;
    }
  }
  return pages;
}

/** The free list the boot allocator ended with. */
function freeList(): [bigint, bigint][] {
  const e = k.exports;
  return Array.from({ length: e.physFreeCount() }, (_, i) => {
    const b = u64(e.physFreeBase(i));
    return [b, b + u64(e.physFreeLength(i))] as [bigint, bigint];
  });
}

/** The RAM regions, as physmem reads them. */
function ramList(): [bigint, bigint][] {
  const e = k.exports;
  return Array.from({ length: e.physRamCount() }, (_, i) => [u64(e.physRamBase(i)), u64(e.physRamEnd(i))] as [bigint, bigint]);
}

const NAMES = ["no untyped", "RAM untyped", "device untyped"];

/** The first page where `a` and `b` differ, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) return p;
  return -1;
}

/** Builds the list and checks it against the model, page by page; returns it. */
function buildAndCheck(ram: [bigint, bigint][]): Block[] {
  expect(ramList()).toEqual(ram);
  k.exports.untypedsBuild();
  const list = blocks();
  const want = expectedPages(ram, freeList());
  const got = actualPages(list);
  expect(u64(k.exports.untypedLeftOut()), "bytes left out of the list").toBe(0n);
  const p = firstDifference(got, want);
  if (p >= 0) expect(`page 0x${(BigInt(p) * PAGE).toString(16)}: ${NAMES[got[p]]}`).toBe(`page 0x${(BigInt(p) * PAGE).toString(16)}: ${NAMES[want[p]]}`);
  const bytes = (device: boolean) => list.filter((b) => b.device === device).reduce((s, b) => s + (1n << BigInt(b.bits)), 0n);
  expect(u64(k.exports.untypedRamBytes())).toBe(bytes(false));
  expect(u64(k.exports.untypedDeviceBytes())).toBe(bytes(true));
  return list;
}

const add = (base: bigint, length: bigint) => expect(k.exports.physAddAvailable(base, length)).toBe(0);
const reserve = (base: bigint, length: bigint) => expect(k.exports.physReserve(base, length, 0)).toBe(0);

describe("the compiled module", () => {
  itKeepsKernelRules(() => k.module.wat);

  it("keeps the PC's devices at their default addresses (PC_DEVICES)", () => {
    expect([IOAPIC, HPET, LAPIC].map((a) => a.toString(16))).toEqual(["fec00000", "fed00000", "fee00000"]);
    expect(pc("BIOS_AREA_PHYS").toString(16)).toBe("e0000");
  });
});

describe("a QEMU-like machine (-m 128 plus 1 GiB above 4 GiB)", () => {
  let list: Block[];

  beforeEach(() => {
    for (const r of QEMU_LIKE_MMAP) if (r.type === 1) add(r.base, r.length);
    reserve(0n, MiB); // as kernel/main.ts: low memory, the kernel image, a module
    reserve(0x100000n, 0xa3456n);
    reserve(0x1a4000n, 0x345a7n);
    expect(k.exports.physBuild()).toBe(0);
    // The root task's objects come from the boot allocator before the list is built.
    expect(u64(k.exports.physAllocPage())).toBe(0x1d9000n);
    expect(u64(k.exports.physAllocAligned(16))).toBe(0x1e0000n);
    list = buildAndCheck([
      [0x1000n, 0x9f000n], // page 0 is never RAM to physmem
      [0x100000n, 0x7fe0000n],
      [0x100000000n, 0x140000000n],
    ]);
  });

  it("gives the whole first MiB as device untyped, the BIOS area and the RAM below 640 KiB included", () => {
    for (let a = 0n; a < LOW_END; a += PAGE) {
      const c = covering(list, a);
      expect(c.length, `0x${a.toString(16)}`).toBe(1);
      expect(c[0].device, `0x${a.toString(16)}`).toBe(true);
    }
    expect(covering(list, BIOS_AREA[0])[0].device).toBe(true);
    expect(covering(list, BIOS_AREA[1] - 1n)[0].device).toBe(true);
    expect(list.filter((b) => b.paddr < LOW_END)).toEqual([{ paddr: 0n, bits: 20, device: true }]);
  });

  it("covers the HPET page and everything between the RAM and 4 GiB with device untypeds, but not the IOAPIC or local APIC page", () => {
    expect(covering(list, HPET).map((b) => b.device)).toEqual([true]);
    expect(covering(list, IOAPIC)).toEqual([]);
    expect(covering(list, IOAPIC + PAGE - 1n)).toEqual([]);
    expect(covering(list, LAPIC)).toEqual([]);
    expect(covering(list, LAPIC + PAGE - 1n)).toEqual([]);
    for (const a of [IOAPIC - PAGE, IOAPIC + PAGE, LAPIC - PAGE, LAPIC + PAGE, 0x7fe0000n, 0x80000000n, 0xfffff000n]) {
      expect(covering(list, a).map((b) => b.device), `0x${a.toString(16)}`).toEqual([true]);
    }
  });

  it("gives the free RAM as ordinary untyped, and none of the RAM the boot used", () => {
    const ram = list.filter((b) => !b.device);
    expect(ram.length).toBeGreaterThan(0);
    for (const b of ram) expect(b.paddr >= LOW_END && end(b) <= 0x7fe0000n, `0x${b.paddr.toString(16)}`).toBe(true);
    expect(covering(list, 0x100000n)).toEqual([]); // the kernel image
    expect(covering(list, 0x1a4000n)).toEqual([]); // the module
    expect(u64(k.exports.untypedRamBytes())).toBe(freeList().filter(([b]) => b < SPACE).reduce((s, [b, e]) => s + (e - b), 0n));
  });

  it("hands out nothing at or above 4 GiB, though 1 GiB of RAM is free there", () => {
    expect(freeList().some(([b]) => b >= SPACE)).toBe(true);
    expect(list.every((b) => end(b) <= SPACE)).toBe(true);
  });
});

describe("RAM beyond the kernel window", () => {
  it("becomes device untyped: it can hold frames but no kernel object", () => {
    add(0x100000n, 0xbff00000n); // 1 MiB .. 3 GiB
    add(0x100000000n, 0x80000000n); // 4 GiB .. 6 GiB: not handed out at all
    reserve(0n, MiB);
    reserve(0x100000n, 0x100000n);
    expect(k.exports.physBuild()).toBe(0);
    const list = buildAndCheck([
      [0x100000n, 0xc0000000n],
      [0x100000000n, 0x180000000n],
    ]);
    const ram = list.filter((b) => !b.device);
    expect(ram.every((b) => end(b) <= WINDOW)).toBe(true);
    expect(ram.reduce((s, b) => s + (1n << BigInt(b.bits)), 0n)).toBe(WINDOW - 0x200000n);
    expect(covering(list, WINDOW).map((b) => b.device)).toEqual([true]);
    expect(covering(list, 0xbffff000n).map((b) => b.device)).toEqual([true]);
    // The largest blocks seL4 allows, where alignment and the space let them be.
    expect(list.filter((b) => b.bits === MAX_BITS).length).toBeGreaterThan(2);
    expect(list.every((b) => end(b) <= SPACE)).toBe(true);
  });
});

describe("a machine with few RAM regions", () => {
  it("gives all of 4 GiB but the APIC pages as device untyped when there is no RAM at all", () => {
    expect(k.exports.physBuild()).toBe(0);
    const list = buildAndCheck([]);
    const total = list.reduce((s, b) => s + (1n << BigInt(b.bits)), 0n);
    expect(total).toBe(SPACE - 2n * PAGE);
    expect(list.every((b) => b.device)).toBe(true);
  });

  it("keeps a RAM region that straddles the first MiB out of the device list above 1 MiB, and frees only its part above", () => {
    add(0x80000n, 0x380000n); // 512 KiB .. 4 MiB
    expect(k.exports.physBuild()).toBe(0);
    const list = buildAndCheck([[0x80000n, 0x400000n]]);
    expect(list.filter((b) => !b.device)).toEqual([
      { paddr: 0x100000n, bits: 20, device: false },
      { paddr: 0x200000n, bits: 21, device: false },
    ]);
  });
});

describe("a firmware map that calls the APIC pages RAM", () => {
  it("still leaves the IOAPIC and local APIC pages out", () => {
    add(0xf0000000n, 0x10000000n); // 3.75 GiB .. 4 GiB, free, beyond the window
    expect(k.exports.physBuild()).toBe(0);
    const list = buildAndCheck([[0xf0000000n, 0x100000000n]]);
    expect(covering(list, IOAPIC)).toEqual([]);
    expect(covering(list, LAPIC)).toEqual([]);
    expect(covering(list, HPET).map((b) => b.device)).toEqual([true]);
  });
});

describe("random machines against the model", () => {
  it("agree page by page for 40 seeded memory maps", () => {
    const counts: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      k.exports.physReset();
      const r = rng(seed);
      const pick = (n: number) => Math.floor(r() * n);
      // Up to 6 disjoint RAM regions below 4 GiB, on MiB boundaries or a few pages (or bytes) off
      // them, and maybe one above: few enough edges that every block fits in BootInfo's list.
      const cut = () => BigInt(pick(4096)) * MiB + (pick(3) === 0 ? BigInt(pick(256)) * PAGE + BigInt(pick(2) * pick(4096)) : 0n);
      const cuts = Array.from({ length: 2 * (1 + pick(6)) }, cut).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const ram: [bigint, bigint][] = [];
      for (let i = 0; i + 1 < cuts.length; i += 2) {
        if (cuts[i + 1] <= cuts[i]) continue;
        add(cuts[i], cuts[i + 1] - cuts[i]);
        const b = (cuts[i] + PAGE - 1n) / PAGE * PAGE;
        const e = cuts[i + 1] / PAGE * PAGE;
        if (e > b) ram.push([b, e]);
      }
      if (pick(2) === 0) {
        add(SPACE + GiB, GiB);
        ram.push([SPACE + GiB, SPACE + 2n * GiB]);
      }
      // Merge what touches (physmem merges adjacent regions).
      const merged: [bigint, bigint][] = [];
      for (const x of ram) {
        const last = merged[merged.length - 1];
        if (last && last[1] >= x[0]) last[1] = last[1] > x[1] ? last[1] : x[1];
        else merged.push([x[0], x[1]]);
      }
      reserve(0n, MiB);
      for (let i = 0; i < 2; i++) reserve(BigInt(pick(0x100000)) * PAGE, BigInt(1 + pick(64)) * PAGE);
      expect(k.exports.physBuild(), `seed ${seed}`).toBe(0);
      for (let i = 0; i < pick(20); i++) k.exports.physAllocPage();
      const list = buildAndCheck(merged);
      expect(list.length, `seed ${seed}`).toBeGreaterThan(0);
      counts.push(list.length);
    }
    expect(Math.max(...counts)).toBeGreaterThan(60); // the maps are not trivial
  });
});

describe("the BootInfo limit", () => {
  it("lists at most CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS blocks and counts the bytes left out", () => {
    // 60 RAM regions of 31 pages each (5 blocks each) inside the window: more blocks than BootInfo holds.
    for (let i = 0n; i < 60n; i++) add(0x1000000n + i * 0x100000n, 31n * PAGE);
    expect(k.exports.physBuild()).toBe(0);
    const want = expectedPages(ramList(), freeList());
    k.exports.untypedsBuild();
    const list = blocks();
    expect(list.length).toBe(MAX_ENTRIES);
    const got = actualPages(list); // still well formed: aligned, disjoint, below 4 GiB
    // What is listed is listed rightly; what is not is counted.
    let listed = 0;
    let promised = 0;
    for (let p = 0; p < PAGES; p++) {
      if (want[p] !== NONE) promised++;
      if (got[p] === NONE) continue;
      listed++;
      if (got[p] !== want[p]) expect.fail(`page 0x${(BigInt(p) * PAGE).toString(16)}: ${NAMES[got[p]]}, not ${NAMES[want[p]]}`);
    }
    const sum = (device: boolean) => list.filter((b) => b.device === device).reduce((s, b) => s + (1n << BigInt(b.bits)), 0n);
    expect(u64(k.exports.untypedRamBytes())).toBe(sum(false));
    expect(u64(k.exports.untypedDeviceBytes())).toBe(sum(true));
    expect(BigInt(listed) * PAGE).toBe(sum(false) + sum(true));
    expect(u64(k.exports.untypedLeftOut())).toBe(BigInt(promised - listed) * PAGE);
    expect(promised).toBeGreaterThan(listed);
    expect(k.exports.untypedPaddr(MAX_ENTRIES)).toBe(0);
    expect(k.exports.untypedBits(-1)).toBe(0);
  });
});
