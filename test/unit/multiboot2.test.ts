// test/unit/multiboot2.test.ts: the Multiboot2 parser (kernel/boot/multiboot2.ts)
// compiled to wasm and run on hand-built blobs.
//
// Every blob is placed so that it ends at the very end of wasm memory: a
// read past the bound the parser was given traps, and a trap fails the test.

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { grubLikeBlob, Mb2Builder, MemoryRegion, QEMU_LIKE_MMAP, TAG_MMAP } from "../helpers/multiboot2-blob";
import { itKeepsKernelRules, itNamesEveryError } from "../helpers/kernel-checks";
import { rng } from "../helpers/rng";

let k: KernelInstance;

beforeAll(async () => {
  k = await loadKernelEntry("test/kernel/multiboot2.entry.ts");
}, 120_000);

beforeEach(() => k.resetScratch());

const ERROR_NAMES = [
  "Ok",
  "Misaligned",
  "BoundWraps",
  "TruncatedHeader",
  "TotalSizeTooSmall",
  "TotalSizeTooLarge",
  "TruncatedTagHeader",
  "TagTooSmall",
  "TagPastEnd",
  "MissingEndTag",
  "BadEndTag",
  "DuplicateTag",
  "StringNotTerminated",
  "StringTooLong",
  "ModuleRangeInvalid",
  "BadMemoryMapEntrySize",
  "MemoryMapEntryPastTag",
  "TooManyMemoryRegions",
  "MemoryRegionWraps",
];

const errorName = (code: number): string => k.readString(k.exports.multiboot2ErrorName(code));

/** Parses `bytes` placed at the end of memory; returns the error's name. */
function parse(bytes: Uint8Array, bound = bytes.length): string {
  const addr = k.placeAtEnd(bytes);
  return errorName(k.exports.parseMultiboot2(addr, bound));
}

/** Parses a built blob and returns the error's name with where it failed. */
function parseAt(bytes: Uint8Array): { error: string; offset: number; tagType: number } {
  const error = parse(bytes);
  return { error, offset: k.exports.multiboot2ErrorOffset() >>> 0, tagType: k.exports.multiboot2ErrorTagType() >>> 0 };
}

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const cmdline = (): string => k.text(k.exports.cmdlineAddr(), k.exports.cmdlineLength());
const bootloaderName = (): string => k.text(k.exports.bootloaderNameAddr(), k.exports.bootloaderNameLength());
const moduleString = (i: number): string => k.text(k.exports.moduleStringAddr(i), k.exports.moduleStringLength(i));

function regions(): MemoryRegion[] {
  const out: MemoryRegion[] = [];
  for (let i = 0; i < k.exports.memoryRegionCount(); i++) {
    out.push({
      base: u64(k.exports.memoryRegionBase(i)),
      length: u64(k.exports.memoryRegionLength(i)),
      type: k.exports.memoryRegionType(i) >>> 0,
    });
  }
  return out;
}

const minimal = (): Mb2Builder => new Mb2Builder();

describe("the compiled parser", () => {
  itKeepsKernelRules(() => k.module.wat);

  itNamesEveryError(ERROR_NAMES, errorName);
});

describe("a GRUB-like boot information structure", () => {
  const blob = grubLikeBlob().build();

  beforeEach(() => {
    expect(parse(blob.bytes)).toBe("Ok");
  });

  it("gives its total size", () => {
    // fixed 8, load base 16, cmdline 80, name 24, modules 48 + 32, meminfo 16,
    // bootdev 24, mmap 16 + 10 * 24, ACPI 32, end 8
    expect(blob.tagOffsets).toEqual([8, 24, 104, 128, 176, 208, 224, 248, 504, 536]);
    expect(blob.bytes.length).toBe(544);
    expect(k.exports.multiboot2TotalSize()).toBe(blob.bytes.length);
  });

  it("copies the command line and boot loader name, NUL-terminated", () => {
    expect(k.exports.hasCmdline()).toBe(1);
    expect(cmdline()).toBe("/boot/kernel.elf exit-on-halt loglevel=3 root=  bench-iterations=1000");
    expect(k.u8[k.exports.cmdlineAddr() + k.exports.cmdlineLength()]).toBe(0);
    expect(k.exports.hasBootloaderName()).toBe(1);
    expect(bootloaderName()).toBe("GRUB 2.12-1");
    expect(k.u8[k.exports.bootloaderNameAddr() + 11]).toBe(0);
  });

  it("copies the strings out of the loader's memory", () => {
    k.placeAtEnd(new Uint8Array(blob.bytes.length).fill(0x55)); // overwrite the blob
    expect(cmdline()).toBe("/boot/kernel.elf exit-on-halt loglevel=3 root=  bench-iterations=1000");
    expect(moduleString(0)).toBe("/boot/root.elf root-task");
  });

  it("lists the modules with start, end and string", () => {
    expect(k.exports.moduleCount()).toBe(2);
    expect(k.exports.moduleStart(0) >>> 0).toBe(0x200000);
    expect(k.exports.moduleEnd(0) >>> 0).toBe(0x2345a7);
    expect(moduleString(0)).toBe("/boot/root.elf root-task");
    expect(k.exports.moduleStart(1) >>> 0).toBe(0x235000);
    expect(k.exports.moduleEnd(1) >>> 0).toBe(0x235000);
    expect(moduleString(1)).toBe("/boot/empty.bin");
  });

  it("gives zero for module indices out of range", () => {
    for (const i of [-1, 2, 16, 0x7fffffff]) {
      expect(k.exports.moduleStart(i)).toBe(0);
      expect(k.exports.moduleEnd(i)).toBe(0);
      expect(k.exports.moduleStringLength(i)).toBe(0);
      expect(k.u8[k.exports.moduleStringAddr(i)]).toBe(0);
    }
  });

  it("gives the basic memory info", () => {
    expect(k.exports.hasBasicMeminfo()).toBe(1);
    expect(k.exports.memLowerKiB()).toBe(639);
    expect(k.exports.memUpperKiB()).toBe(129920);
  });

  it("gives every memory map region with 64-bit base and length", () => {
    expect(k.exports.hasMemoryMap()).toBe(1);
    expect(k.exports.memoryRegionCount()).toBe(10);
    expect(regions()).toEqual(QEMU_LIKE_MMAP);
  });

  it("gives zero for region indices out of range", () => {
    for (const i of [-1, 10, 64]) {
      expect(k.exports.memoryRegionBase(i)).toBe(0n);
      expect(k.exports.memoryRegionLength(i)).toBe(0n);
      expect(k.exports.memoryRegionType(i)).toBe(0);
    }
  });

  it("sums the available (type 1) RAM in KiB", () => {
    // 639 KiB low + 129920 KiB from 1 MiB + 1 GiB above 4 GiB.
    expect(k.exports.availableMemoryKiB()).toBe(639n + 129920n + 1048576n);
  });

  it("names the memory types", () => {
    const names = [0, 1, 2, 3, 4, 5, 6, 0xffffffff].map((t) => k.readString(k.exports.memoryTypeName(t)));
    expect(names).toEqual([
      "reserved (other)",
      "available",
      "reserved",
      "ACPI reclaimable",
      "ACPI NVS",
      "bad RAM",
      "reserved (other)",
      "reserved (other)",
    ]);
  });

  it("finds whole command-line words only", () => {
    const has = (s: string): number => k.exports.cmdlineHas(k.string(s));
    expect(has("exit-on-halt")).toBe(1);
    expect(has("/boot/kernel.elf")).toBe(1);
    expect(has("loglevel=3")).toBe(1);
    expect(has("bench-iterations=1000")).toBe(1);
    expect(has("exit-on")).toBe(0);
    expect(has("halt")).toBe(0);
    expect(has("exit-on-halt ")).toBe(0);
    expect(has("loglevel")).toBe(0);
    expect(has("root")).toBe(0);
    expect(has("")).toBe(0);
    expect(has("EXIT-ON-HALT")).toBe(0);
  });

  it("looks up key=value words without allocating", () => {
    const value = (key: string): string | null => {
      const n = k.exports.cmdlineValue(k.string(key));
      return n < 0 ? null : k.text(k.exports.cmdlineValueAddr(), n);
    };
    expect(value("loglevel")).toBe("3");
    expect(value("bench-iterations")).toBe("1000");
    expect(value("root")).toBe("");
    expect(value("exit-on-halt")).toBe(null);
    expect(value("log")).toBe(null);
    expect(value("missing")).toBe(null);
    expect(value("")).toBe(null);
  });

  it("compares and converts values", () => {
    const is = (key: string, v: string): number => k.exports.cmdlineValueIs(k.string(key), k.string(v));
    expect(is("loglevel", "3")).toBe(1);
    expect(is("loglevel", "30")).toBe(0);
    expect(is("loglevel", "")).toBe(0);
    expect(is("root", "")).toBe(1);
    expect(is("missing", "")).toBe(0);
    const num = (key: string): number => k.exports.cmdlineValueU32(k.string(key), 77) >>> 0;
    expect(num("bench-iterations")).toBe(1000);
    expect(num("loglevel")).toBe(3);
    expect(num("root")).toBe(77);
    expect(num("missing")).toBe(77);
  });
});

describe("command-line corner cases", () => {
  const load = (line: string): void => {
    expect(parse(minimal().cmdline(line).end().build().bytes)).toBe("Ok");
  };
  const value = (key: string): string | null => {
    const n = k.exports.cmdlineValue(k.string(key));
    return n < 0 ? null : k.text(k.exports.cmdlineValueAddr(), n);
  };

  it("splits on spaces and tabs, ignoring runs and edges", () => {
    load("  \ta  \t b=1\t");
    expect(k.exports.cmdlineHas(k.string("a"))).toBe(1);
    expect(value("b")).toBe("1");
    expect(k.exports.cmdlineHas(k.string(" a"))).toBe(0);
  });

  it("lets the last of repeated keys win", () => {
    load("n=1 n=2 n=33");
    expect(value("n")).toBe("33");
  });

  it("keeps everything after the first = in the value", () => {
    load("a=b=c");
    expect(value("a")).toBe("b=c");
  });

  it("falls back on values that are not u32 numbers", () => {
    load("a=12x b=4294967295 c=4294967296 d=-1 e=007");
    const num = (key: string): number => k.exports.cmdlineValueU32(k.string(key), 5) >>> 0;
    expect(num("a")).toBe(5);
    expect(num("b")).toBe(4294967295);
    expect(num("c")).toBe(5);
    expect(num("d")).toBe(5);
    expect(num("e")).toBe(7);
  });

  it("finds nothing when there is no command line", () => {
    expect(parse(minimal().end().build().bytes)).toBe("Ok");
    expect(k.exports.hasCmdline()).toBe(0);
    expect(k.exports.cmdlineLength()).toBe(0);
    expect(k.exports.cmdlineHas(k.string("a"))).toBe(0);
    expect(k.exports.cmdlineValue(k.string("a"))).toBe(-1);
  });

  it("stops at the first NUL inside the tag", () => {
    load("abc\0def");
    expect(cmdline()).toBe("abc");
  });
});

describe("well-formed variations", () => {
  it("accepts a structure with only the end tag, and reports nothing", () => {
    expect(parse(minimal().end().build().bytes)).toBe("Ok");
    expect(k.exports.multiboot2TotalSize()).toBe(16);
    expect(k.exports.hasCmdline()).toBe(0);
    expect(k.exports.hasBootloaderName()).toBe(0);
    expect(k.exports.hasBasicMeminfo()).toBe(0);
    expect(k.exports.hasMemoryMap()).toBe(0);
    expect(k.exports.moduleCount()).toBe(0);
    expect(k.exports.memoryRegionCount()).toBe(0);
    expect(k.exports.availableMemoryKiB()).toBe(0n);
  });

  it("accepts a bound larger than total_size", () => {
    const { bytes } = minimal().cmdline("x").end().build();
    const padded = new Uint8Array(bytes.length + 64);
    padded.set(bytes);
    expect(parse(padded)).toBe("Ok");
    expect(k.exports.multiboot2TotalSize()).toBe(bytes.length);
  });

  it("ignores bytes that total_size counts after the end tag", () => {
    const { bytes } = minimal().end().build();
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    new DataView(longer.buffer).setUint32(0, longer.length, true);
    expect(parse(longer)).toBe("Ok");
  });

  it("reads memory map entries larger than 24 bytes (a later entry_version)", () => {
    const map = QEMU_LIKE_MMAP.slice(0, 4);
    expect(parse(minimal().mmap(map, { entrySize: 40, entryVersion: 1 }).end().build().bytes)).toBe("Ok");
    expect(regions()).toEqual(map);
    expect(k.exports.availableMemoryKiB()).toBe(639n + 129920n);
  });

  it("accepts an empty memory map", () => {
    expect(parse(minimal().mmap([]).end().build().bytes)).toBe("Ok");
    expect(k.exports.hasMemoryMap()).toBe(1);
    expect(k.exports.memoryRegionCount()).toBe(0);
  });

  it("accepts exactly 64 regions and 16 modules", () => {
    const map = Array.from({ length: 64 }, (_, i) => ({ base: BigInt(i) << 20n, length: 1n << 20n, type: 1 }));
    const b = minimal().mmap(map);
    for (let i = 0; i < 16; i++) b.module(i * 0x1000, i * 0x1000 + 0x800, `m${i}`);
    expect(parse(b.end().build().bytes)).toBe("Ok");
    expect(k.exports.memoryRegionCount()).toBe(64);
    expect(k.exports.availableMemoryKiB()).toBe(64n * 1024n);
    expect(k.exports.moduleCount()).toBe(16);
    expect(moduleString(15)).toBe("m15");
    expect(k.exports.moduleStart(15) >>> 0).toBe(0xf000);
  });

  it("accepts a region ending exactly at 2^64", () => {
    const top = { base: 0xfffffffffffff000n, length: 0x1000n, type: 2 };
    expect(parse(minimal().mmap([top]).end().build().bytes)).toBe("Ok");
    expect(regions()).toEqual([top]);
  });

  it("saturates the available total instead of wrapping", () => {
    const huge = { base: 0n, length: 0xffffffffffffffffn, type: 1 };
    expect(parse(minimal().mmap([huge, huge]).end().build().bytes)).toBe("Ok");
    expect(u64(k.exports.availableMemoryKiB())).toBe(0xffffffffffffffffn >> 10n);
  });

  it("accepts the longest strings that fit the buffers", () => {
    const line = "c".repeat(1023);
    const name = "n".repeat(127);
    const mod = "m".repeat(127);
    expect(parse(minimal().cmdline(line).bootloaderName(name).module(0, 1, mod).end().build().bytes)).toBe("Ok");
    expect(cmdline()).toBe(line);
    expect(bootloaderName()).toBe(name);
    expect(moduleString(0)).toBe(mod);
  });

  it("skips unknown tags of any size", () => {
    const b = minimal().tag(0x7fffffff, new Uint8Array(13).fill(0xff)).tag(8, []).cmdline("ok").end();
    expect(parse(b.build().bytes)).toBe("Ok");
    expect(cmdline()).toBe("ok");
  });
});

describe("malformed structures give their exact error", () => {
  it("a zero-length blob: TruncatedHeader", () => {
    expect(parse(new Uint8Array(0))).toBe("TruncatedHeader");
  });

  it("a header cut short: TruncatedHeader", () => {
    const { bytes } = minimal().end().build();
    expect(parse(bytes, 0)).toBe("TruncatedHeader");
    expect(parse(bytes.slice(0, 4))).toBe("TruncatedHeader");
    expect(parse(bytes.slice(0, 7))).toBe("TruncatedHeader");
  });

  it("a start address that is not 8-byte aligned: Misaligned", () => {
    const { bytes } = minimal().end().build();
    const addr = k.place(new Uint8Array(bytes.length + 8), 8) + 4;
    k.u8.set(bytes, addr);
    expect(errorName(k.exports.parseMultiboot2(addr, bytes.length))).toBe("Misaligned");
  });

  it("a bound running past 4 GiB: BoundWraps", () => {
    // Any read at 0xFFFFFFF8 traps in this memory, so BoundWraps proves none happened.
    expect(errorName(k.exports.parseMultiboot2(0xfffffff8 | 0, 16))).toBe("BoundWraps");
    expect(errorName(k.exports.parseMultiboot2(0x10 | 0, -1))).toBe("BoundWraps");
  });

  it("total_size below 16: TotalSizeTooSmall", () => {
    for (const total of [0, 8, 15]) {
      expect(parse(minimal().end().build({ totalSize: total }).bytes)).toBe("TotalSizeTooSmall");
    }
  });

  it("total_size past the bound: TotalSizeTooLarge", () => {
    const { bytes } = grubLikeBlob().build();
    expect(parse(bytes, bytes.length - 1)).toBe("TotalSizeTooLarge");
    expect(parse(grubLikeBlob().build({ totalSize: bytes.length + 8 }).bytes)).toBe("TotalSizeTooLarge");
    expect(parse(grubLikeBlob().build({ totalSize: 0xffffffff }).bytes)).toBe("TotalSizeTooLarge");
  });

  it("a tag whose size goes past total_size: TagPastEnd", () => {
    const b = minimal().cmdline("abc", { sizeField: 200 }).end().build();
    expect(parseAt(b.bytes)).toEqual({ error: "TagPastEnd", offset: 8, tagType: 1 });
    const huge = minimal().basicMeminfo(1, 2, 0xfffffff8).end().build();
    expect(parseAt(huge.bytes)).toEqual({ error: "TagPastEnd", offset: 8, tagType: 4 });
  });

  it("an end tag whose size goes past total_size: TagPastEnd", () => {
    const b = minimal().cmdline("a").end(16).build();
    expect(parseAt(b.bytes)).toEqual({ error: "TagPastEnd", offset: b.tagOffsets[1], tagType: 0 });
  });

  it("a tag size below 8: TagTooSmall", () => {
    for (const size of [0, 4, 7]) {
      const b = minimal().cmdline("ok").tag(99, [], size).end().build();
      expect(parseAt(b.bytes)).toEqual({ error: "TagTooSmall", offset: b.tagOffsets[1], tagType: 99 });
    }
  });

  it("known tags below their minimum size: TagTooSmall", () => {
    expect(parse(minimal().module(1, 2, "", { sizeField: 12 }).end().build().bytes)).toBe("TagTooSmall");
    expect(parse(minimal().basicMeminfo(1, 2, 12).end().build().bytes)).toBe("TagTooSmall");
    expect(parse(minimal().mmap([], { sizeField: 12 }).end().build().bytes)).toBe("TagTooSmall");
  });

  it("no end tag: MissingEndTag", () => {
    const b = minimal().cmdline("no end").basicMeminfo(1, 2).build();
    expect(parseAt(b.bytes)).toEqual({ error: "MissingEndTag", offset: b.tagOffsets[1], tagType: 4 });
  });

  it("a tag whose padding reaches total_size: MissingEndTag", () => {
    // A 9-byte cmdline tag: total_size ends inside its padding.
    const b = minimal().cmdline("").build({ totalSize: 8 + 9 });
    expect(parse(b.bytes)).toBe("MissingEndTag");
  });

  it("fewer than 8 bytes left for a tag header: TruncatedTagHeader", () => {
    const b = minimal().cmdline("abc").end().build();
    const total = b.tagOffsets[1] + 4;
    expect(parseAt(minimal().cmdline("abc").end().build({ totalSize: total }).bytes)).toEqual({
      error: "TruncatedTagHeader",
      offset: b.tagOffsets[1],
      tagType: 0,
    });
  });

  it("an end tag of size 16: BadEndTag", () => {
    const b = minimal().tag(0, new Uint8Array(8)).build();
    expect(parseAt(b.bytes)).toEqual({ error: "BadEndTag", offset: 8, tagType: 0 });
  });

  it("a memory map entry_size below 24 or not a multiple of 8: BadMemoryMapEntrySize", () => {
    for (const entrySize of [0, 8, 16, 20, 28, 36]) {
      const b = minimal().mmap(QEMU_LIKE_MMAP.slice(0, 2), { entrySize }).end().build();
      expect(parseAt(b.bytes)).toEqual({ error: "BadMemoryMapEntrySize", offset: 8, tagType: TAG_MMAP });
    }
  });

  it("memory map entries past the tag: MemoryMapEntryPastTag", () => {
    for (const trailing of [1, 8, 23]) {
      expect(parse(minimal().mmap(QEMU_LIKE_MMAP, { trailing }).end().build().bytes)).toBe("MemoryMapEntryPastTag");
    }
    // The size field cuts the last entry in half.
    const cut = minimal().mmap(QEMU_LIKE_MMAP.slice(0, 2), { sizeField: 16 + 24 + 12 }).end().build();
    expect(parse(cut.bytes)).toBe("MemoryMapEntryPastTag");
  });

  it("65 memory regions: TooManyMemoryRegions", () => {
    const map = Array.from({ length: 65 }, (_, i) => ({ base: BigInt(i) << 12n, length: 0x1000n, type: 1 }));
    expect(parse(minimal().mmap(map).end().build().bytes)).toBe("TooManyMemoryRegions");
    expect(k.exports.memoryRegionCount()).toBe(0);
  });

  it("a region running past 2^64: MemoryRegionWraps", () => {
    const map = [QEMU_LIKE_MMAP[0], { base: 0xfffffffffffff000n, length: 0x1001n, type: 2 }];
    const b = minimal().cmdline("x").mmap(map).end().build();
    expect(parseAt(b.bytes)).toEqual({ error: "MemoryRegionWraps", offset: b.tagOffsets[1] + 16 + 24, tagType: TAG_MMAP });
  });

  it("unterminated strings: StringNotTerminated", () => {
    // The builder pads each tag with zeros: the parser must not take the padding's NUL.
    expect(parse(minimal().cmdline("abc", { terminate: false }).end().build().bytes)).toBe("StringNotTerminated");
    expect(parse(minimal().cmdline("", { terminate: false }).end().build().bytes)).toBe("StringNotTerminated");
    expect(parse(minimal().bootloaderName("GRUB", { terminate: false }).end().build().bytes)).toBe("StringNotTerminated");
    expect(parse(minimal().module(0, 4096, "mod", { terminate: false }).end().build().bytes)).toBe("StringNotTerminated");
    expect(parse(minimal().module(0, 4096, "", { terminate: false }).end().build().bytes)).toBe("StringNotTerminated");
  });

  it("strings longer than their buffers: StringTooLong", () => {
    expect(parse(minimal().cmdline("c".repeat(1024)).end().build().bytes)).toBe("StringTooLong");
    expect(parse(minimal().bootloaderName("n".repeat(128)).end().build().bytes)).toBe("StringTooLong");
    expect(parse(minimal().module(0, 1, "m".repeat(128)).end().build().bytes)).toBe("StringTooLong");
  });

  it("a module whose start is above its end: ModuleRangeInvalid", () => {
    const b = minimal().module(0x1000, 0x2000, "good").module(0x3001, 0x3000, "bad").end().build();
    expect(parseAt(b.bytes)).toEqual({ error: "ModuleRangeInvalid", offset: b.tagOffsets[1], tagType: 3 });
  });

  it("more than 16 modules: the first 16 are kept and the rest counted as skipped; all are still checked", () => {
    const b = minimal();
    for (let i = 0; i < 20; i++) b.module(i * 0x1000, i * 0x1000 + 1, `m${i}`);
    expect(parse(b.end().build().bytes)).toBe("Ok");
    expect([k.exports.moduleCount(), k.exports.moduleSkippedCount()]).toEqual([16, 4]);
    const bad = minimal();
    for (let i = 0; i < 17; i++) bad.module(i * 0x1000, i * 0x1000 + 1, `m${i}`);
    bad.module(0x3001, 0x3000, "bad");
    const built = bad.end().build();
    expect(parseAt(built.bytes)).toEqual({ error: "ModuleRangeInvalid", offset: built.tagOffsets[17], tagType: 3 });
    expect(parse(minimal().end().build().bytes)).toBe("Ok");
    expect(k.exports.moduleSkippedCount()).toBe(0); // reset by the next parse
  });

  it("a second command line, name, meminfo or memory map: DuplicateTag", () => {
    expect(parse(minimal().cmdline("a").cmdline("b").end().build().bytes)).toBe("DuplicateTag");
    expect(parse(minimal().bootloaderName("a").bootloaderName("b").end().build().bytes)).toBe("DuplicateTag");
    expect(parse(minimal().basicMeminfo(1, 2).basicMeminfo(1, 2).end().build().bytes)).toBe("DuplicateTag");
    expect(parse(minimal().mmap([]).mmap([]).end().build().bytes)).toBe("DuplicateTag");
  });

  it("leaves every table empty after a failure that follows a good parse", () => {
    expect(parse(grubLikeBlob().build().bytes)).toBe("Ok");
    expect(parse(minimal().cmdline("x").mmap(QEMU_LIKE_MMAP).module(2, 1, "bad").end().build().bytes)).toBe(
      "ModuleRangeInvalid",
    );
    expect(k.exports.hasCmdline()).toBe(0);
    expect(k.exports.cmdlineLength()).toBe(0);
    expect(k.exports.cmdlineHas(k.string("x"))).toBe(0);
    expect(k.exports.hasBootloaderName()).toBe(0);
    expect(k.exports.hasMemoryMap()).toBe(0);
    expect(k.exports.memoryRegionCount()).toBe(0);
    expect(k.exports.moduleCount()).toBe(0);
    expect(k.exports.availableMemoryKiB()).toBe(0n);
    expect(k.exports.multiboot2TotalSize()).toBe(0);
  });
});

describe("fuzzing", () => {
  it("never traps on 4000 mutations of a valid blob, and gives only known errors", () => {
    const random = rng(0x5eed1234);
    const int = (n: number): number => Math.floor(random() * n);
    const base = grubLikeBlob().build().bytes;
    const interesting = [0, 1, 4, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 32, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff];
    const seen = new Map<string, number>();
    for (let iter = 0; iter < 4000; iter++) {
      let bytes = base.slice();
      const view = new DataView(bytes.buffer);
      for (let m = 1 + int(4); m > 0; m--) {
        const what = int(10);
        if (what < 4) {
          bytes[int(bytes.length)] = int(256);
        } else if (what < 8) {
          const off = int(bytes.length >> 2) << 2;
          view.setUint32(off, what < 6 ? interesting[int(interesting.length)] : base.length + 8 * (int(5) - 2), true);
        } else if (what < 9) {
          bytes = bytes.slice(0, int(bytes.length + 1));
          break;
        } else {
          bytes[int(bytes.length)] ^= 1 << int(8);
        }
      }
      const name = parse(bytes);
      expect(ERROR_NAMES, `iteration ${iter}`).toContain(name);
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (name === "Ok") {
        expect(k.exports.multiboot2TotalSize()).toBeLessThanOrEqual(bytes.length);
        expect(k.exports.memoryRegionCount()).toBeLessThanOrEqual(64);
        expect(k.exports.moduleCount()).toBeLessThanOrEqual(16);
        expect(k.exports.cmdlineLength()).toBeLessThan(1024);
      }
      k.resetScratch();
    }
    if (process.env.MB2_FUZZ_STATS) console.log(Object.fromEntries(seen));
    // The mutations reach deep into the parser, not only the header checks.
    expect(seen.get("Ok") ?? 0).toBeGreaterThan(100);
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });
});
