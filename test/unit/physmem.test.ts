// test/unit/physmem.test.ts: the free physical memory list and the boot
// page allocator (kernel/boot/physmem.ts) compiled to wasm.
//
// Addresses are bigints (the kernel's u64), written in hex. Each test
// starts from physReset(). A page-by-page model in JavaScript checks
// random inputs against the kernel's result.

import { KERNEL_WINDOW_SIZE } from "../helpers/layout";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { QEMU_LIKE_MMAP } from "../helpers/multiboot2-blob";
import { itKeepsKernelRules } from "../helpers/kernel-checks";
import { rng } from "../helpers/rng";

let k: KernelInstance;

beforeAll(async () => {
  k = await loadKernelEntry("test/kernel/physmem.entry.ts", { scratchPages: 1 });
}, 120_000);

beforeEach(() => k.exports.physReset());

const ERROR_NAMES = ["Ok", "TooManyAvailable", "TooManyReserved", "RegionWraps", "TooManyFreeRegions", "AllocationStarted"];

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;
/** The boot allocator's default limit: what the kernel window maps. */
const WINDOW = BigInt(KERNEL_WINDOW_SIZE);
const TOP = 1n << 64n;

// Reservation reasons, as kernel/main.ts passes them.
const LOW = 0;
const IMAGE = 1;
const MODULE = 2;
const BOOT_INFO = 3;

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const errorName = (code: number): string => k.readString(k.exports.physErrorName(code));
const add = (base: bigint, length: bigint): string => errorName(k.exports.physAddAvailable(base, length));
const reserve = (base: bigint, length: bigint, why = LOW): string => errorName(k.exports.physReserve(base, length, why));
const build = (): string => errorName(k.exports.physBuild());
const alloc = (): bigint => u64(k.exports.physAllocPage());
const total = (): bigint => u64(k.exports.physFreeTotal());

/** The free list as [base, end) pairs. */
function free(): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (let i = 0; i < k.exports.physFreeCount(); i++) {
    const base = u64(k.exports.physFreeBase(i));
    out.push([base, base + u64(k.exports.physFreeLength(i))]);
  }
  return out;
}

/** Every free-list invariant: aligned, non-empty, sorted, disjoint, not adjacent, total matches. */
function expectWellFormed(): void {
  const list = free();
  let sum = 0n;
  list.forEach(([base, end], i) => {
    expect(base % 4096n).toBe(0n);
    expect(end % 4096n).toBe(0n);
    expect(end).toBeGreaterThan(base);
    expect(base).toBeGreaterThan(0n); // page 0 is never free
    if (i > 0) expect(base).toBeGreaterThan(list[i - 1][1]);
    sum += end - base;
  });
  expect(total()).toBe(sum);
}

describe("the compiled module", () => {
  itKeepsKernelRules(() => k.module.wat);

  it("names every error code and reservation reason", () => {
    ERROR_NAMES.forEach((name, code) => expect(errorName(code)).toBe(name));
    expect(errorName(ERROR_NAMES.length)).toBe("Unknown");
    const names = [LOW, IMAGE, MODULE, BOOT_INFO, 4, -1].map((w) => k.readString(k.exports.physReserveName(w)));
    expect(names).toEqual(["low memory", "kernel image", "boot module", "boot information", "other", "other"]);
  });

  it("starts empty, with the kernel window's size as the allocation limit", () => {
    expect(build()).toBe("Ok");
    expect(free()).toEqual([]);
    expect(total()).toBe(0n);
    expect(u64(k.exports.physAllocLimit())).toBe(WINDOW);
    expect(alloc()).toBe(0n);
    expect(k.exports.physAllocatedPages()).toBe(0);
  });
});

describe("a QEMU-like machine (-m 128 plus 1 GiB above 4 GiB)", () => {
  // GRUB's layout: kernel at 1 MiB, modules right after it, the boot information after those.
  const kernel = { base: 0x100000n, length: 0xa3456n }; // ends mid-page at 0x1a3456
  const module0 = { base: 0x1a4000n, length: 0x345a7n }; // ends mid-page at 0x1d85a7
  const module1 = { base: 0x1d9000n, length: 0n }; // an empty file
  const bootInfo = { base: 0x1dc0a8n, length: 0x220n }; // inside one page

  beforeEach(() => {
    for (const r of QEMU_LIKE_MMAP) if (r.type === 1) expect(add(r.base, r.length)).toBe("Ok");
    expect(reserve(0n, MiB, LOW)).toBe("Ok");
    expect(reserve(kernel.base, kernel.length, IMAGE)).toBe("Ok");
    expect(reserve(module0.base, module0.length, MODULE)).toBe("Ok");
    expect(reserve(module1.base, module1.length, MODULE)).toBe("Ok");
    expect(reserve(bootInfo.base, bootInfo.length, BOOT_INFO)).toBe("Ok");
    expect(build()).toBe("Ok");
  });

  it("frees the RAM above 1 MiB around the kernel, modules and boot information, and all RAM above 4 GiB", () => {
    expect(free()).toEqual([
      [0x1d9000n, 0x1dc000n], // between the module and the boot information
      [0x1dd000n, 0x7fe0000n], // the rest of the 127.875 MiB
      [0x100000000n, 0x140000000n], // above 4 GiB
    ]);
    expect(total()).toBe(0x3000n + (0x7fe0000n - 0x1dd000n) + GiB);
    expectWellFormed();
  });

  it("lists the reservations as given, with their reasons; the empty one is dropped", () => {
    const e = k.exports;
    expect(e.physReservedCount()).toBe(4);
    const list = Array.from({ length: 4 }, (_, i) => [u64(e.physReservedBase(i)), u64(e.physReservedLength(i)), e.physReservedWhy(i)]);
    expect(list).toEqual([
      [0n, MiB, LOW],
      [kernel.base, kernel.length, IMAGE],
      [module0.base, module0.length, MODULE],
      [bootInfo.base, bootInfo.length, BOOT_INFO],
    ]);
    expect(e.physReservedBase(4)).toBe(0n);
    expect(e.physReservedLength(-1)).toBe(0n);
    expect(e.physReservedWhy(64)).toBe(0);
  });

  it("gives zero for free-region indices out of range", () => {
    for (const i of [-1, 3, 64, 0x7fffffff]) {
      expect(k.exports.physFreeBase(i)).toBe(0n);
      expect(k.exports.physFreeLength(i)).toBe(0n);
    }
  });

  it("allocates the lowest pages first, and takes them off the free list", () => {
    expect(alloc()).toBe(0x1d9000n);
    expect(alloc()).toBe(0x1da000n);
    expect(alloc()).toBe(0x1db000n);
    // The first region is used up and gone; the next one starts after the boot information.
    expect(free()[0]).toEqual([0x1dd000n, 0x7fe0000n]);
    expect(alloc()).toBe(0x1dd000n);
    expect(free()[0]).toEqual([0x1de000n, 0x7fe0000n]);
    expect(k.exports.physAllocatedPages()).toBe(4);
    expect(total()).toBe(0x7fe0000n - 0x1de000n + GiB);
    expectWellFormed();
  });

  it("is exhausted at 128 MiB under the window limit: the RAM above 4 GiB is never handed out", () => {
    const pages = Number((0x3000n + 0x7fe0000n - 0x1dd000n) / 4096n);
    let last = 0n;
    for (let i = 0; i < pages; i++) {
      const p = alloc();
      expect(p).toBeGreaterThan(last);
      last = p;
    }
    expect(last).toBe(0x7fdf000n);
    expect(alloc()).toBe(0n);
    expect(alloc()).toBe(0n);
    expect(k.exports.physAllocatedPages()).toBe(pages);
    expect(free()).toEqual([[0x100000000n, 0x140000000n]]);
  });
});

describe("building the free list", () => {
  it("rounds unaligned edges inward", () => {
    add(0x1234n, 0x5678n - 0x1234n);
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x2000n, 0x5000n]]);
  });

  it("drops regions with no whole page", () => {
    add(0x1001n, 0xfffn); // [0x1001, 0x2000)
    add(0x3800n, 0x1000n); // [0x3800, 0x4800)
    add(0x6000n, 0xfffn); // [0x6000, 0x6fff)
    add(0x8000n, 0x1000n); // exactly one page
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x8000n, 0x9000n]]);
  });

  it("never frees page 0", () => {
    add(0n, 0x10000n);
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x1000n, 0x10000n]]);
    k.exports.physReset();
    add(0n, 0x1000n);
    expect(build()).toBe("Ok");
    expect(free()).toEqual([]);
  });

  it("keeps out every page a reservation touches, even by one byte", () => {
    add(0x10000n, 0x10000n);
    reserve(0x12fffn, 1n); // the last byte of page 0x12000
    reserve(0x15000n, 1n); // the first byte of page 0x15000
    reserve(0x17fffn, 2n); // straddles 0x17000 and 0x18000
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0x10000n, 0x12000n],
      [0x13000n, 0x15000n],
      [0x16000n, 0x17000n],
      [0x19000n, 0x20000n],
    ]);
  });

  it("cuts reservations that overlap a region's edges", () => {
    add(0x100000n, 0x100000n);
    reserve(0xff000n, 0x3000n); // over the start
    reserve(0x1ff800n, 0x10000n); // over the end
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x102000n, 0x1ff000n]]);
  });

  it("drops a region a reservation covers whole, or several reservations cover together", () => {
    add(0x100000n, 0x10000n);
    add(0x200000n, 0x10000n);
    add(0x300000n, 0x10000n);
    reserve(0xf0000n, 0x30000n); // all of the first
    reserve(0x200000n, 0x8000n);
    reserve(0x207800n, 0x8800n); // with the one before, all of the second
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x300000n, 0x310000n]]);
  });

  it("lets one reservation span several regions and the gaps between them", () => {
    add(0x100000n, 0x10000n);
    add(0x200000n, 0x10000n);
    add(0x300000n, 0x10000n);
    add(0x400000n, 0x10000n);
    reserve(0x108000n, 0x200000n); // from the middle of the first to the middle of the third
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0x100000n, 0x108000n],
      [0x308000n, 0x310000n],
      [0x400000n, 0x410000n],
    ]);
  });

  it("handles overlapping, duplicate and nested reservations in any order", () => {
    add(0x100000n, 0x100000n);
    reserve(0x150000n, 0x10000n);
    reserve(0x120000n, 0x40000n);
    reserve(0x130000n, 0x1000n);
    reserve(0x150000n, 0x10000n);
    reserve(0x110000n, 0x10000n); // adjacent to the next one
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0x100000n, 0x110000n],
      [0x160000n, 0x200000n],
    ]);
  });

  it("sorts unsorted regions and merges adjacent and overlapping ones", () => {
    add(0x300000n, 0x100000n);
    add(0x100000n, 0x100000n);
    add(0x200000n, 0x100000n); // adjacent to both: one region
    add(0x800000n, 0x200000n);
    add(0x900000n, 0x10000n); // inside the one before
    add(0x980000n, 0x100000n); // overlaps its end
    add(0x600000n, 0x1000n);
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0x100000n, 0x400000n],
      [0x600000n, 0x601000n],
      [0x800000n, 0xa80000n],
    ]);
    expectWellFormed();
  });

  it("merges unaligned regions that meet inside a page, so the page is free", () => {
    add(0x10000n, 0x1800n); // [0x10000, 0x11800)
    add(0x11800n, 0x1800n); // [0x11800, 0x13000)
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x10000n, 0x13000n]]);
  });

  it("does not merge regions split by a reservation's page, nor regions with a gap", () => {
    add(0x10000n, 0x1000n);
    add(0x11001n, 0x1fffn); // a one-byte gap at 0x11000: page 0x11000 is not whole
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0x10000n, 0x11000n],
      [0x12000n, 0x13000n],
    ]);
  });

  it("can be rebuilt after more regions are added, until the first allocation", () => {
    add(0x100000n, 0x1000n);
    expect(build()).toBe("Ok");
    add(0x101000n, 0x1000n);
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x100000n, 0x102000n]]);
    expect(alloc()).toBe(0x100000n);
    expect(add(0x200000n, 0x1000n)).toBe("AllocationStarted");
    expect(reserve(0x101000n, 0x1000n)).toBe("AllocationStarted");
    expect(build()).toBe("AllocationStarted");
    // The list is untouched: the allocated page stays allocated.
    expect(free()).toEqual([[0x101000n, 0x102000n]]);
  });

  it("ignores zero-length regions and reservations", () => {
    expect(add(0x100000n, 0n)).toBe("Ok");
    expect(add(0xfffffffffffff000n, 0n)).toBe("Ok");
    add(0x200000n, 0x2000n);
    expect(reserve(0x201000n, 0n)).toBe("Ok");
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x200000n, 0x202000n]]);
    expect(k.exports.physReservedCount()).toBe(0);
  });
});

describe("memory above 4 GiB", () => {
  it("keeps 64-bit bases and lengths exact", () => {
    add(0x100000000n, 0x40000000n);
    add(0x2_3456_7000n, 0x1_0000_0000n); // 4 GiB long
    add(0xfd_0000_0000n, 0x3_0000_0000n); // a 1 TiB-class address
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0x100000000n, 0x140000000n],
      [0x2_3456_7000n, 0x3_3456_7000n],
      [0xfd_0000_0000n, 0x100_0000_0000n],
    ]);
    expect(total()).toBe(GiB + 4n * GiB + 12n * GiB);
  });

  it("handles a region that crosses 4 GiB, and reservations on both sides of it", () => {
    add(0xc0000000n, 0x80000000n); // 3 GiB .. 5 GiB
    reserve(0xfee00000n, 0x1000n); // the local APIC page
    reserve(0xfffff800n, 0x1000n); // across the 4 GiB line
    reserve(0x13ffff000n, 0x2000n); // over the end
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0xc0000000n, 0xfee00000n],
      [0xfee01000n, 0xfffff000n],
      [0x100001000n, 0x13ffff000n],
    ]);
  });

  it("accepts a region ending exactly at 2^64, and reservations there", () => {
    expect(add(0xffff_ffff_0000_0000n, 0x1_0000_0000n)).toBe("Ok");
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0xffff_ffff_0000_0000n, TOP]]);
    expect(u64(k.exports.physFreeLength(0))).toBe(0x1_0000_0000n);
    expect(reserve(0xffff_ffff_ffff_f800n, 0x800n)).toBe("Ok");
    expect(reserve(0xffff_ffff_8000_0000n, 1n)).toBe("Ok");
    expect(build()).toBe("Ok");
    expect(free()).toEqual([
      [0xffff_ffff_0000_0000n, 0xffff_ffff_8000_0000n],
      [0xffff_ffff_8000_1000n, 0xffff_ffff_ffff_f000n],
    ]);
  });

  it("accepts all of the 64-bit space, minus page 0", () => {
    expect(add(0n, u64(-1n))).toBe("Ok"); // [0, 2^64 - 1): the last page is not whole
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x1000n, TOP - 0x1000n]]);
    expect(add(0xffff_ffff_ffff_f000n, 0x1000n)).toBe("Ok");
    expect(build()).toBe("Ok");
    expect(free()).toEqual([[0x1000n, TOP]]);
    expect(total()).toBe(TOP - 0x1000n);
  });

  it("rejects a region or reservation running past 2^64: RegionWraps, also from physBuild", () => {
    add(0x100000n, 0x1000n);
    expect(add(0xffff_ffff_ffff_f000n, 0x1001n)).toBe("RegionWraps");
    expect(build()).toBe("RegionWraps");
    expect(free()).toEqual([]);
    k.exports.physReset();
    expect(reserve(1n, u64(-1n))).toBe("Ok"); // ends exactly at 2^64
    expect(reserve(2n, u64(-1n))).toBe("RegionWraps");
    expect(reserve(u64(-1n), 2n)).toBe("RegionWraps");
    expect(build()).toBe("RegionWraps");
  });

  it("allocates nothing above the limit, and from above 4 GiB only with a limit there", () => {
    add(0x100000000n, 0x3000n);
    expect(build()).toBe("Ok");
    expect(alloc()).toBe(0n);
    k.exports.physSetAllocLimit(0x100002000n);
    expect(alloc()).toBe(0x100000000n);
    expect(alloc()).toBe(0x100001000n);
    expect(alloc()).toBe(0n); // 0x100002000 would end above the limit
    k.exports.physSetAllocLimit(u64(-1n));
    expect(alloc()).toBe(0x100002000n);
    expect(alloc()).toBe(0n);
  });

  it("never hands out a page ending above the limit, even the last page below 2^64", () => {
    add(0xffff_ffff_ffff_f000n, 0x1000n);
    expect(build()).toBe("Ok");
    k.exports.physSetAllocLimit(u64(-1n)); // 2^64 - 1: the last page ends above it
    expect(alloc()).toBe(0n);
    expect(free()).toEqual([[0xffff_ffff_ffff_f000n, TOP]]);
  });
});

describe("capacity", () => {
  it("accepts 64 available regions and 64 reservations", () => {
    for (let i = 0n; i < 64n; i++) expect(add(i * 0x10000n + 0x100000n, 0x8000n)).toBe("Ok");
    for (let i = 0n; i < 64n; i++) expect(reserve(i * 0x10000n + 0x100000n, 0x1000n, MODULE)).toBe("Ok");
    expect(build()).toBe("Ok");
    expect(k.exports.physFreeCount()).toBe(64);
    expect(free()[63]).toEqual([0x4f1000n, 0x4f8000n]);
  });

  it("65 available regions: TooManyAvailable, from the 65th add and from physBuild", () => {
    for (let i = 0n; i < 64n; i++) add(i * 0x10000n + 0x100000n, 0x8000n);
    expect(add(0x10000000n, 0x1000n)).toBe("TooManyAvailable");
    expect(build()).toBe("TooManyAvailable");
    expect(free()).toEqual([]);
  });

  it("65 reservations: TooManyReserved, also when the caller ignored it", () => {
    add(0x100000n, 0x1000000n);
    for (let i = 0n; i < 64n; i++) reserve(i * 0x2000n + 0x100000n, 0x1000n);
    expect(reserve(0x800000n, 0x1000n)).toBe("TooManyReserved");
    expect(reserve(0x900000n, 0x1000n)).toBe("TooManyReserved");
    expect(build()).toBe("TooManyReserved");
    expect(k.exports.physFreeCount()).toBe(0);
  });

  it("the first error sticks until physReset", () => {
    expect(add(u64(-4096n), 0x2000n)).toBe("RegionWraps");
    for (let i = 0n; i < 65n; i++) add(i * 0x10000n + 0x100000n, 0x8000n);
    expect(build()).toBe("RegionWraps");
    k.exports.physReset();
    add(0x100000n, 0x1000n);
    expect(build()).toBe("Ok");
  });

  it("more than 64 free regions: TooManyFreeRegions, with the list left empty", () => {
    add(0x100000n, 0x1000000n);
    for (let i = 0n; i < 63n; i++) reserve(i * 0x2000n + 0x101000n, 0x1000n); // 63 holes: 64 pieces
    expect(build()).toBe("Ok");
    expect(k.exports.physFreeCount()).toBe(64);
    expect(reserve(0x800000n, 0x1000n)).toBe("Ok"); // one more hole: 65 pieces
    expect(build()).toBe("TooManyFreeRegions");
    expect(free()).toEqual([]);
    expect(total()).toBe(0n);
  });

  it("physReset forgets everything, the limit and the allocation count too", () => {
    add(0x100000n, 0x2000n);
    reserve(0x100000n, 1n);
    build();
    k.exports.physSetAllocLimit(0x200000n);
    expect(alloc()).toBe(0x101000n);
    k.exports.physReset();
    expect(k.exports.physFreeCount()).toBe(0);
    expect(k.exports.physReservedCount()).toBe(0);
    expect(k.exports.physAllocatedPages()).toBe(0);
    expect(u64(k.exports.physAllocLimit())).toBe(WINDOW);
    expect(add(0x100000n, 0x1000n)).toBe("Ok"); // no longer AllocationStarted
    expect(build()).toBe("Ok");
  });
});

describe("the boot page allocator", () => {
  it("walks the regions in address order and removes each as it empties", () => {
    add(0x300000n, 0x2000n);
    add(0x100000n, 0x1000n);
    add(0x200000n, 0x1000n);
    expect(build()).toBe("Ok");
    const got = [alloc(), alloc(), alloc(), alloc(), alloc()];
    expect(got).toEqual([0x100000n, 0x200000n, 0x300000n, 0x301000n, 0n]);
    expect(free()).toEqual([]);
    expect(k.exports.physAllocatedPages()).toBe(4);
  });

  it("keeps the free list the truth: every page is either allocated or listed, once", () => {
    add(0x100000n, 0x20000n);
    add(0x400000n, 0x8000n);
    reserve(0x108000n, 0x1000n);
    expect(build()).toBe("Ok");
    const before = total();
    const pages: bigint[] = [];
    for (let i = 0; i < 30; i++) pages.push(alloc());
    expect(new Set(pages).size).toBe(30);
    expect(pages).not.toContain(0x108000n);
    expect(total()).toBe(before - 30n * 4096n);
    for (const p of pages) for (const [b, e] of free()) expect(p >= b && p < e).toBe(false);
    expectWellFormed();
  });

  it("respects the limit: the page must end at or below it", () => {
    add(0x100000n, 0x10000n);
    expect(build()).toBe("Ok");
    k.exports.physSetAllocLimit(0x102800n); // not page aligned
    expect(alloc()).toBe(0x100000n);
    expect(alloc()).toBe(0x101000n);
    expect(alloc()).toBe(0n); // 0x102000..0x103000 crosses the limit
    k.exports.physSetAllocLimit(0x103000n);
    expect(alloc()).toBe(0x102000n);
    expect(alloc()).toBe(0n);
    k.exports.physSetAllocLimit(0n);
    expect(alloc()).toBe(0n);
    expect(k.exports.physAllocatedPages()).toBe(3);
  });

  it("uses the part of a region below the window limit when the region crosses it", () => {
    add(WINDOW - 0x1000n, 0x3000n); // the limit - 4 KiB .. the limit + 8 KiB
    expect(build()).toBe("Ok");
    expect(alloc()).toBe(WINDOW - 0x1000n);
    expect(alloc()).toBe(0n);
    expect(free()).toEqual([[WINDOW, WINDOW + 0x2000n]]);
  });

  it("returns 0 before physBuild and after a failed one", () => {
    add(0x100000n, 0x1000n);
    expect(alloc()).toBe(0n);
    add(u64(-4096n), 0x2000n);
    expect(build()).toBe("RegionWraps");
    expect(alloc()).toBe(0n);
  });
});

describe("aligned blocks (physAllocAligned)", () => {
  const aligned = (bits: number): bigint => u64(k.exports.physAllocAligned(bits));

  it("takes the lowest block aligned to its size and leaves what it skipped free", () => {
    add(0x101000n, 0x7ff000n); // 0x101000..0x900000
    expect(build()).toBe("Ok");
    expect(aligned(17)).toBe(0x120000n); // 128 KiB at the first 128 KiB boundary
    expect(free()).toEqual([[0x101000n, 0x120000n], [0x140000n, 0x900000n]]);
    expect(aligned(12)).toBe(0x101000n);
    expect(aligned(22)).toBe(0x400000n);
    expect(free()).toEqual([[0x102000n, 0x120000n], [0x140000n, 0x400000n], [0x800000n, 0x900000n]]);
    expect(k.exports.physAllocatedPages()).toBe(32 + 1 + 1024);
    expectWellFormed();
  });

  it("refuses sizes it cannot hand out, blocks past the limit, and a split with a full list", () => {
    add(0x100000n, 0x100000n);
    expect(build()).toBe("Ok");
    expect(aligned(11)).toBe(0n);
    expect(aligned(32)).toBe(0n);
    expect(aligned(21)).toBe(0n); // 2 MiB does not fit in 1 MiB
    k.exports.physSetAllocLimit(0x180000n);
    expect(aligned(20)).toBe(0n); // 0x100000..0x200000 ends past the limit
    expect(aligned(19)).toBe(0x100000n);
    expect(free()).toEqual([[0x180000n, 0x200000n]]);
    // A full list: 64 separate regions; a block inside the first needs one more entry.
    k.exports.physReset();
    for (let i = 0n; i < 64n; i++) add(0x1000000n + i * 0x100000n, 0x80000n);
    expect(build()).toBe("Ok");
    expect(k.exports.physFreeCount()).toBe(64);
    const before = free();
    expect(aligned(14)).toBe(0x1000000n); // at a region's start: no split needed
    expect(aligned(13)).toBe(0x1004000n);
    expect(aligned(12)).toBe(0x1006000n);
    expect(aligned(14)).toBe(0n); // 0x1008000 would split [0x1007000, 0x1080000): no room
    expect(aligned(12)).toBe(0x1007000n);
    expect(aligned(14)).toBe(0x1008000n);
    expect(aligned(15)).toBe(0n); // 0x1010000 would split [0x100c000, 0x1080000) into two: no room
    expect(free().length).toBe(64);
    expect(free().slice(1)).toEqual(before.slice(1));
    expectWellFormed();
  });

  it("matches a page-by-page model on 3000 random allocations of mixed sizes", () => {
    const random = rng(0xa11c);
    const int = (n: number): number => Math.floor(random() * n);
    for (let iter = 0; iter < 100; iter++) {
      k.exports.physReset();
      const pages = new Set<bigint>();
      for (let n = 1 + int(5); n > 0; n--) {
        const base = 0x100000n + BigInt(int(4096)) * 4096n;
        const length = BigInt(1 + int(1024)) * 4096n;
        add(base, length);
        for (let p = base; p < base + length; p += 4096n) pages.add(p);
      }
      expect(build()).toBe("Ok");
      for (let n = 0; n < 30; n++) {
        const bits = 12 + int(8);
        const size = 1n << BigInt(bits);
        // The model: the lowest size-aligned block whose pages are all free.
        const sorted = [...pages].sort((a, b) => (a < b ? -1 : 1));
        let want = 0n;
        for (const p of sorted) {
          if (p % size !== 0n) continue;
          let all = true;
          for (let q = p; q < p + size && all; q += 4096n) all = pages.has(q);
          if (all) {
            want = p;
            break;
          }
        }
        const got = aligned(bits);
        if (got === 0n && want !== 0n && k.exports.physFreeCount() === 64) continue; // a full list may refuse a split
        expect(got, `iteration ${iter}`).toBe(want);
        for (let q = got; got !== 0n && q < got + size; q += 4096n) pages.delete(q);
        expect(total()).toBe(BigInt(pages.size) * 4096n);
      }
      expectWellFormed();
    }
  });
});

describe("the RAM map after physBuild", () => {
  it("lists the available RAM merged and page aligned inward, reservations and allocations included", () => {
    add(0x100000n, 0x7f00000n);
    add(0x1000n, 0x9e800n); // 0x1000..0x9f800: the partial last page is not RAM here
    add(0x8000000n, 0x1000n); // adjacent to the first: merged
    reserve(0x100000n, 0x100000n, IMAGE);
    expect(build()).toBe("Ok");
    alloc();
    const ram: [bigint, bigint][] = [];
    for (let i = 0; i < k.exports.physRamCount(); i++) ram.push([u64(k.exports.physRamBase(i)), u64(k.exports.physRamEnd(i))]);
    expect(ram).toEqual([[0x1000n, 0x9f000n], [0x100000n, 0x8001000n]]);
    expect(u64(k.exports.physRamBase(5))).toBe(0n);
  });
});

describe("against a page-by-page model", () => {
  it("matches the model on 1500 random maps, below and above 4 GiB, and allocates like it", () => {
    const random = rng(0x9a9e5);
    const int = (n: number): number => Math.floor(random() * n);
    const PAGES = 64;
    for (let iter = 0; iter < 1500; iter++) {
      k.exports.physReset();
      const origin = [0n, 0x1_0000_0000n, TOP - BigInt(PAGES) * 4096n][iter % 3]; // the last ends at 2^64
      // Byte-level model: coverage by available, touched by reserved.
      const covered = new Uint8Array(PAGES * 4096);
      const touched = new Uint8Array(PAGES);
      const edge = (): number => (int(3) === 0 ? int(PAGES + 1) * 4096 : int(PAGES * 4096 + 1));
      for (let n = int(6); n > 0; n--) {
        const a = edge();
        const b = edge();
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(add(origin + BigInt(lo), BigInt(hi - lo))).toBe("Ok");
        covered.fill(1, lo, hi);
      }
      for (let n = int(6); n > 0; n--) {
        const a = edge();
        const b = edge();
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(reserve(origin + BigInt(lo), BigInt(hi - lo))).toBe("Ok");
        for (let p = Math.floor(lo / 4096); hi > lo && p < Math.ceil(hi / 4096); p++) touched[p] = 1;
      }
      const freePages: bigint[] = [];
      for (let p = 0; p < PAGES; p++) {
        const whole = covered.subarray(p * 4096, p * 4096 + 4096).every((x) => x === 1);
        if (whole && !touched[p] && !(origin === 0n && p === 0)) freePages.push(origin + BigInt(p) * 4096n);
      }
      const expected: [bigint, bigint][] = [];
      for (const p of freePages) {
        const last = expected[expected.length - 1];
        if (last && last[1] === p) last[1] = p + 4096n;
        else expected.push([p, p + 4096n]);
      }
      const result = build();
      if (expected.length > 64) {
        expect(result).toBe("TooManyFreeRegions");
        continue;
      }
      expect(result, `iteration ${iter}`).toBe("Ok");
      expect(free(), `iteration ${iter}`).toEqual(expected);
      expectWellFormed();
      // Allocation hands out exactly the model's free pages, in order, below the limit.
      const wanted = origin + BigInt(int(PAGES + 1) * 4096 + int(2) * 0x800);
      k.exports.physSetAllocLimit(wanted < TOP ? wanted : TOP - 1n);
      const limit = u64(k.exports.physAllocLimit());
      const allowed = freePages.filter((p) => p + 4096n <= limit);
      const got: bigint[] = [];
      for (let p = alloc(); p !== 0n; p = alloc()) got.push(p);
      expect(got, `iteration ${iter}`).toEqual(allowed);
    }
  });
});
