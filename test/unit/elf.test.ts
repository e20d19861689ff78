// test/unit/elf.test.ts: the ELF32 executable checker (libs/elf/elf.ts)
// compiled to wasm and run on hand-built images and on real executables
// built with gcc -m32 and ld -m elf_i386.
//
// Every image is placed so that it ends at the very end of wasm memory: a
// read past the size the checker was given traps, and a trap fails the test.

import { USER_TOP } from "../helpers/layout";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry, REPO_ROOT } from "../helpers/kernel-wasm";
import {
  EHDR,
  EHDR_SIZE,
  ElfBuilder,
  EM_X86_64,
  ET_DYN,
  ET_REL,
  patch,
  patchPhdr,
  pattern,
  PF_R,
  PF_W,
  PF_X,
  PHDR_SIZE,
  PT_DYNAMIC,
  PT_GNU_EH_FRAME,
  PT_GNU_RELRO,
  PT_GNU_STACK,
  PT_INTERP,
  PT_NOTE,
  PT_NULL,
  PT_PHDR,
  PT_TLS,
  TWO_SEGMENT,
  twoSegmentProgram,
} from "../helpers/elf-image";
import { itKeepsKernelRules, itNamesEveryError } from "../helpers/kernel-checks";
import { rng } from "../helpers/rng";

let k: KernelInstance;

beforeAll(async () => {
  k = await loadKernelEntry("test/kernel/elf.entry.ts", { scratchPages: 4 });
}, 120_000);

beforeEach(() => k.resetScratch());

const ERROR_NAMES = [
  "Ok",
  "BoundWraps",
  "TooSmall",
  "BadMagic",
  "NotClass32",
  "NotLittleEndian",
  "BadVersion",
  "NotExecutable",
  "WrongMachine",
  "BadProgramHeaderSize",
  "ProgramHeadersPastEnd",
  "TooManyProgramHeaders",
  "NotStaticallyLinked",
  "TooManySegments",
  "FileSizeAboveMemSize",
  "SegmentPastEndOfFile",
  "SegmentInKernelSpace",
  "SegmentInPageZero",
  "SegmentMisaligned",
  "SegmentTooLarge",
  "ImageTooLarge",
  "SegmentsOverlap",
  "NoLoadableSegment",
  "EntryNotExecutable",
];

const MiB = 1 << 20;
const errorName = (code: number): string => k.readString(k.exports.elfErrorName(code));

/** Checks `bytes` placed at the end of memory; returns the error's name. */
function check(bytes: Uint8Array, size = bytes.length): string {
  const addr = k.placeAtEnd(bytes, 4);
  return errorName(k.exports.elfCheck(addr, size));
}

/** Checks and also gives the offending program header's index. */
function checkAt(bytes: Uint8Array): { error: string; index: number } {
  return { error: check(bytes), index: k.exports.elfErrorIndex() };
}

interface Segment {
  vaddr: number;
  memsz: number;
  filesz: number;
  offset: number;
  writable: boolean;
  executable: boolean;
}

function segments(): Segment[] {
  const e = k.exports;
  return Array.from({ length: e.elfSegmentCount() }, (_, i) => ({
    vaddr: e.elfSegmentVaddr(i) >>> 0,
    memsz: e.elfSegmentMemSize(i) >>> 0,
    filesz: e.elfSegmentFileSize(i) >>> 0,
    offset: e.elfSegmentFileOffset(i) >>> 0,
    writable: e.elfSegmentWritable(i) === 1,
    executable: e.elfSegmentExecutable(i) === 1,
  }));
}

const entry = (): number => k.exports.elfEntry() >>> 0;
const valid = (): Uint8Array => twoSegmentProgram().build().bytes;

/** One R+X segment of `size` bytes at `vaddr`, entry at its start, plus `more`. */
function oneSegment(vaddr: number, size = 0x100, more: (b: ElfBuilder) => ElfBuilder = (b) => b): Uint8Array {
  return more(new ElfBuilder().entry(vaddr).segment({ vaddr, flags: PF_R | PF_X, data: pattern(size, 1) })).build().bytes;
}

describe("the compiled checker", () => {
  itKeepsKernelRules(() => k.module.wat);

  itNamesEveryError(ERROR_NAMES, errorName);
});

describe("a valid two-segment program (text R+X, data RW with bss)", () => {
  const built = twoSegmentProgram().build();
  const t = TWO_SEGMENT;

  beforeEach(() => {
    expect(check(built.bytes)).toBe("Ok");
  });

  it("is laid out as the builder says", () => {
    expect(built.offsets).toEqual([0x1000, 0x3100, 0]);
    expect(built.bytes.length).toBe(0x3100 + t.data.filesz);
  });

  it("gives the entry point", () => {
    expect(entry()).toBe(t.entry);
    expect(k.exports.elfErrorIndex()).toBe(-1);
  });

  it("records exactly the two loadable segments, in order, with every field", () => {
    expect(k.exports.elfSegmentCount()).toBe(2);
    expect(segments()).toEqual([
      { vaddr: t.text.vaddr, memsz: t.text.size, filesz: t.text.size, offset: 0x1000, writable: false, executable: true },
      { vaddr: t.data.vaddr, memsz: t.data.memsz, filesz: t.data.filesz, offset: 0x3100, writable: true, executable: false },
    ]);
  });

  it("gives the pages each segment spans", () => {
    expect(k.exports.elfSegmentPageBase(0) >>> 0).toBe(0x400000);
    expect(k.exports.elfSegmentPageCount(0)).toBe(2); // 0x400000..0x401234
    expect(k.exports.elfSegmentPageBase(1) >>> 0).toBe(0x402000);
    expect(k.exports.elfSegmentPageCount(1)).toBe(4); // 0x402100..0x405100
  });

  it("gives zero for segment indices out of range", () => {
    const e = k.exports;
    for (const i of [-1, 2, 16, 0x7fffffff]) {
      expect(e.elfSegmentVaddr(i)).toBe(0);
      expect(e.elfSegmentMemSize(i)).toBe(0);
      expect(e.elfSegmentFileSize(i)).toBe(0);
      expect(e.elfSegmentFileOffset(i)).toBe(0);
      expect(e.elfSegmentWritable(i)).toBe(0);
      expect(e.elfSegmentExecutable(i)).toBe(0);
      expect(e.elfSegmentPageBase(i)).toBe(0);
      expect(e.elfSegmentPageCount(i)).toBe(0);
    }
  });

  it("keeps the table after the file's memory is overwritten", () => {
    k.placeAtEnd(new Uint8Array(built.bytes.length).fill(0xcc), 4);
    expect(entry()).toBe(t.entry);
    expect(segments()[1].memsz).toBe(t.data.memsz);
  });
});

describe("well-formed variations", () => {
  it("ignores note, stack, relro, phdr, TLS, eh_frame and null program headers", () => {
    const bytes = twoSegmentProgram()
      .other(PT_NOTE, { vaddr: 0x400100, data: pattern(0x24, 3) })
      .other(PT_GNU_RELRO, { vaddr: 0x402100, memsz: 0x100 })
      .other(PT_PHDR, { vaddr: 0x400034, memsz: 0xe0 })
      .other(PT_TLS, { vaddr: 0x402200, memsz: 8 })
      .other(PT_GNU_EH_FRAME, { vaddr: 0x401000, memsz: 4 })
      .other(PT_NULL, { vaddr: 0xffffffff, memsz: 0xffffffff, offset: 0xffffffff })
      .build().bytes;
    expect(check(bytes)).toBe("Ok");
    expect(k.exports.elfSegmentCount()).toBe(2);
  });

  it("ignores the fields a loader does not need: OSABI, e_flags, sections, p_paddr, p_align", () => {
    let bytes = twoSegmentProgram().header({ ehsize: 0 }).build().bytes;
    bytes = patch(bytes, EHDR.osabi, 3, 1);
    bytes = patch(bytes, EHDR.flags, 0xdeadbeef, 4);
    bytes = patch(bytes, EHDR.shoff, 0xffffffff, 4);
    bytes = patch(bytes, EHDR.shnum, 0xffff, 2);
    bytes = patchPhdr(bytes, 0, "paddr", 0xffffffff);
    bytes = patchPhdr(bytes, 1, "align", 3);
    expect(check(bytes)).toBe("Ok");
    expect(segments().map((s) => s.vaddr)).toEqual([0x400000, 0x402100]);
  });

  it("accepts a first segment that holds the ELF header (offset 0), as ld makes it", () => {
    const b = new ElfBuilder()
      .entry(0x401000)
      .segment({ vaddr: 0x400000, offset: 0, flags: PF_R, filesz: 0x100, memsz: 0x100 })
      .segment({ vaddr: 0x401000, flags: PF_R | PF_X, data: pattern(16, 2) });
    expect(check(b.build().bytes)).toBe("Ok");
    expect(segments()[0]).toMatchObject({ vaddr: 0x400000, offset: 0, filesz: 0x100 });
  });

  it("accepts a pure bss segment (p_filesz 0) and an entry anywhere in an executable segment", () => {
    const b = new ElfBuilder()
      .entry(0x4010ff)
      .segment({ vaddr: 0x401000, flags: PF_R | PF_X, data: pattern(0x100, 2) })
      .segment({ vaddr: 0x500000, flags: PF_R | PF_W, memsz: 0x10000 });
    expect(check(b.build().bytes)).toBe("Ok");
    expect(segments()[1]).toMatchObject({ vaddr: 0x500000, filesz: 0, memsz: 0x10000, writable: true });
  });

  it("skips a PT_LOAD with p_memsz 0: it occupies no page", () => {
    const bytes = twoSegmentProgram().segment({ vaddr: 0x400000, flags: PF_R, memsz: 0 }).build().bytes;
    expect(check(bytes)).toBe("Ok");
    expect(k.exports.elfSegmentCount()).toBe(2);
  });

  it("accepts segments on neighbouring pages", () => {
    const b = new ElfBuilder()
      .entry(0x400000)
      .segment({ vaddr: 0x400000, flags: PF_R | PF_X, data: pattern(0x1000, 1) })
      .segment({ vaddr: 0x401fff, flags: PF_R | PF_W, data: pattern(1, 1) })
      .segment({ vaddr: 0x402000, flags: PF_R, data: pattern(1, 1) });
    expect(check(b.build().bytes)).toBe("Ok");
    expect(k.exports.elfSegmentCount()).toBe(3);
  });

  it("accepts the edges of user space: from page 1 up to exactly USER_TOP", () => {
    expect(check(oneSegment(0x1000))).toBe("Ok");
    expect(check(oneSegment(USER_TOP - 0x1000, 0x1000))).toBe("Ok");
    expect(segments()[0]).toMatchObject({ vaddr: USER_TOP - 0x1000, memsz: 0x1000 });
    const bss = (b: ElfBuilder) => b.segment({ vaddr: USER_TOP - 0x4000000, flags: PF_R | PF_W, memsz: 0x4000000 });
    expect(check(oneSegment(0x1000, 0x10, bss))).toBe("Ok");
  });

  it("accepts a 64 MiB segment and 128 MiB in all", () => {
    const b = new ElfBuilder().entry(0x400000).segment({ vaddr: 0x400000, flags: PF_R | PF_X, data: pattern(16, 1), memsz: 64 * MiB });
    b.segment({ vaddr: 0x10000000, flags: PF_R | PF_W, memsz: 64 * MiB });
    expect(check(b.build().bytes)).toBe("Ok");
    expect(segments().map((s) => s.memsz)).toEqual([64 * MiB, 64 * MiB]);
  });

  it("accepts exactly 16 loadable segments and 64 program headers", () => {
    const b = new ElfBuilder().entry(0x400000);
    for (let i = 0; i < 16; i++) b.segment({ vaddr: 0x400000 + i * 0x1000, flags: PF_R | PF_X, data: pattern(8, i) });
    for (let i = 16; i < 64; i++) b.other(PT_NOTE);
    expect(check(b.build().bytes)).toBe("Ok");
    expect(k.exports.elfSegmentCount()).toBe(16);
    expect(k.exports.elfSegmentVaddr(15) >>> 0).toBe(0x40f000);
  });

  it("accepts program headers anywhere in the file, even unaligned", () => {
    const { bytes } = twoSegmentProgram().pad(3 * PHDR_SIZE + 1).build();
    const moved = bytes.slice();
    const at = bytes.length - 3 * PHDR_SIZE;
    moved.set(bytes.subarray(EHDR_SIZE, EHDR_SIZE + 3 * PHDR_SIZE), at);
    moved.fill(0, EHDR_SIZE, EHDR_SIZE + 3 * PHDR_SIZE);
    expect(check(patch(moved, EHDR.phoff, at, 4))).toBe("Ok");
    expect(entry()).toBe(TWO_SEGMENT.entry);
    expect(k.exports.elfSegmentCount()).toBe(2);
  });
});

describe("malformed files give their exact error", () => {
  it("a size running past 4 GiB: BoundWraps", () => {
    // Any read at 0xFFFFFFF0 traps in this memory, so BoundWraps proves none happened.
    expect(errorName(k.exports.elfCheck(0xfffffff0 | 0, 0x100))).toBe("BoundWraps");
    expect(errorName(k.exports.elfCheck(0x10, -1))).toBe("BoundWraps");
  });

  it("a file smaller than the ELF header: TooSmall", () => {
    const bytes = valid();
    for (const n of [0, 1, 4, 51]) expect(check(bytes.slice(0, n))).toBe("TooSmall");
    expect(check(bytes, 51)).toBe("TooSmall");
  });

  it("a bad magic number: BadMagic", () => {
    for (const magic of [[0x7f, 0x45, 0x4c, 0x47], [0, 0x45, 0x4c, 0x46], [0x4d, 0x5a, 0x90, 0]] as [number, number, number, number][]) {
      expect(check(twoSegmentProgram().header({ magic }).build().bytes)).toBe("BadMagic");
    }
  });

  it("a 64-bit or invalid class: NotClass32", () => {
    for (const c of [0, 2, 3]) expect(check(twoSegmentProgram().header({ class: c }).build().bytes)).toBe("NotClass32");
  });

  it("big-endian or invalid data encoding: NotLittleEndian", () => {
    for (const d of [0, 2, 3]) expect(check(twoSegmentProgram().header({ data: d }).build().bytes)).toBe("NotLittleEndian");
  });

  it("EI_VERSION or e_version other than 1: BadVersion", () => {
    for (const v of [0, 2, 255]) expect(check(twoSegmentProgram().header({ identVersion: v }).build().bytes)).toBe("BadVersion");
    for (const v of [0, 2, 0xffffffff]) expect(check(twoSegmentProgram().header({ version: v }).build().bytes)).toBe("BadVersion");
  });

  it("a relocatable, shared or core file: NotExecutable", () => {
    for (const type of [0, ET_REL, ET_DYN, 4, 0xfe00]) {
      expect(check(twoSegmentProgram().header({ type }).build().bytes)).toBe("NotExecutable");
    }
  });

  it("another machine than EM_386: WrongMachine", () => {
    for (const machine of [0, 6, EM_X86_64, 40, 0x0300]) {
      expect(check(twoSegmentProgram().header({ machine }).build().bytes)).toBe("WrongMachine");
    }
  });

  it("e_phentsize other than 32: BadProgramHeaderSize", () => {
    for (const phentsize of [0, 31, 33, 56, 0xffff]) {
      expect(check(twoSegmentProgram().header({ phentsize }).build().bytes)).toBe("BadProgramHeaderSize");
    }
  });

  it("program headers past the end of the file: ProgramHeadersPastEnd", () => {
    const bytes = valid();
    expect(check(patch(bytes, EHDR.phoff, bytes.length - 2 * PHDR_SIZE, 4))).toBe("ProgramHeadersPastEnd");
    expect(check(patch(bytes, EHDR.phoff, 0xffffffe0, 4))).toBe("ProgramHeadersPastEnd"); // phoff + 96 wraps u32
    expect(check(patch(bytes, EHDR.phoff, 0xffffffff, 4))).toBe("ProgramHeadersPastEnd");
    expect(check(patch(bytes, EHDR.phnum, 0xffff, 2))).toBe("ProgramHeadersPastEnd"); // PN_XNUM
    // The table's last byte is the file's last byte: accepted; one byte less: rejected.
    const tight = new ElfBuilder().segment({ vaddr: 0x400000, offset: 0, flags: PF_R | PF_X, filesz: EHDR_SIZE + PHDR_SIZE, memsz: 0x1000 }).entry(0x400000).build();
    expect(tight.bytes.length).toBe(EHDR_SIZE + PHDR_SIZE);
    expect(check(tight.bytes)).toBe("Ok");
    expect(check(tight.bytes, tight.bytes.length - 1)).toBe("ProgramHeadersPastEnd");
  });

  it("more than 64 program headers: TooManyProgramHeaders", () => {
    const b = twoSegmentProgram();
    for (let i = 3; i < 65; i++) b.other(PT_NOTE);
    expect(check(b.build().bytes)).toBe("TooManyProgramHeaders");
  });

  it("PT_INTERP or PT_DYNAMIC: NotStaticallyLinked", () => {
    const interp = twoSegmentProgram().other(PT_INTERP, { vaddr: 0x400200, data: new TextEncoder().encode("/lib/ld-linux.so.2\0") });
    expect(checkAt(interp.build().bytes)).toEqual({ error: "NotStaticallyLinked", index: 3 });
    const dynamic = new ElfBuilder().other(PT_DYNAMIC, { vaddr: 0x403000, memsz: 0x80 });
    expect(checkAt(dynamic.build().bytes)).toEqual({ error: "NotStaticallyLinked", index: 0 });
  });

  it("no PT_LOAD, or only empty ones: NoLoadableSegment", () => {
    expect(check(new ElfBuilder().entry(0x400000).build().bytes)).toBe("NoLoadableSegment");
    const noLoad = new ElfBuilder().entry(0x400000).other(PT_NOTE, { data: pattern(16, 0) }).other(PT_GNU_STACK);
    expect(check(noLoad.build().bytes)).toBe("NoLoadableSegment");
    const empty = new ElfBuilder().entry(0x400000).segment({ vaddr: 0x400000, flags: PF_R | PF_X, memsz: 0 });
    expect(check(empty.build().bytes)).toBe("NoLoadableSegment");
  });

  it("p_filesz above p_memsz: FileSizeAboveMemSize", () => {
    expect(checkAt(patchPhdr(valid(), 1, "memsz", TWO_SEGMENT.data.filesz - 1))).toEqual({ error: "FileSizeAboveMemSize", index: 1 });
    expect(checkAt(patchPhdr(valid(), 0, "memsz", 0))).toEqual({ error: "FileSizeAboveMemSize", index: 0 });
  });

  it("a segment past the end of the file: SegmentPastEndOfFile", () => {
    const bytes = valid();
    // The data segment ends exactly at the end of the file: one byte more is out.
    expect(check(bytes, bytes.length - 1)).toBe("SegmentPastEndOfFile");
    expect(k.exports.elfErrorIndex()).toBe(1);
    let b = patchPhdr(bytes, 0, "filesz", bytes.length);
    b = patchPhdr(b, 0, "memsz", bytes.length);
    expect(checkAt(b)).toEqual({ error: "SegmentPastEndOfFile", index: 0 });
    // p_offset + p_filesz wraps u32 to a small number.
    const wrap = patchPhdr(patchPhdr(patchPhdr(bytes, 1, "offset", 0xfffff100), 1, "filesz", 0x1000), 1, "vaddr", 0x402100);
    expect(checkAt(wrap)).toEqual({ error: "SegmentPastEndOfFile", index: 1 });
    expect(check(patchPhdr(bytes, 1, "offset", 0xffffffff))).toBe("SegmentPastEndOfFile");
  });

  it("a segment reaching into kernel space: SegmentInKernelSpace", () => {
    expect(check(oneSegment(USER_TOP - 0x1000, 0x1001))).toBe("SegmentInKernelSpace");
    expect(check(oneSegment(USER_TOP))).toBe("SegmentInKernelSpace");
    expect(check(oneSegment(0xfffff000))).toBe("SegmentInKernelSpace");
    // vaddr + memsz wraps u32 to 0x1000, which would look like user space.
    const wrap = (b: ElfBuilder) => b.segment({ vaddr: 0xfffff000, flags: PF_R | PF_W, memsz: 0x2000 });
    expect(checkAt(oneSegment(0x400000, 0x10, wrap))).toEqual({ error: "SegmentInKernelSpace", index: 1 });
    // memsz alone covers everything.
    expect(check(patchPhdr(valid(), 1, "memsz", 0xffffffff))).toBe("SegmentInKernelSpace");
  });

  it("a segment touching page 0: SegmentInPageZero", () => {
    for (const vaddr of [0, 0x10, 0xfff]) {
      const bytes = new ElfBuilder().entry(0x400000).segment({ vaddr, flags: PF_R, data: pattern(4, 0) })
        .segment({ vaddr: 0x400000, flags: PF_R | PF_X, data: pattern(4, 0) }).build().bytes;
      expect(checkAt(bytes)).toEqual({ error: "SegmentInPageZero", index: 0 });
    }
  });

  it("p_vaddr and p_offset differing modulo 4096: SegmentMisaligned", () => {
    expect(checkAt(patchPhdr(valid(), 1, "vaddr", TWO_SEGMENT.data.vaddr + 4))).toEqual({ error: "SegmentMisaligned", index: 1 });
    expect(checkAt(patchPhdr(valid(), 0, "offset", 0x1001))).toEqual({ error: "SegmentMisaligned", index: 0 });
  });

  it("a segment above 64 MiB: SegmentTooLarge", () => {
    const big = (b: ElfBuilder) => b.segment({ vaddr: 0x10000000, flags: PF_R | PF_W, memsz: 64 * MiB + 1 });
    expect(checkAt(oneSegment(0x400000, 0x10, big))).toEqual({ error: "SegmentTooLarge", index: 1 });
  });

  it("more than 128 MiB in all: ImageTooLarge", () => {
    const b = new ElfBuilder().entry(0x400000);
    b.segment({ vaddr: 0x400000, flags: PF_R | PF_X, data: pattern(16, 1), memsz: 64 * MiB });
    b.segment({ vaddr: 0x10000000, flags: PF_R | PF_W, memsz: 64 * MiB });
    b.segment({ vaddr: 0x20000000, flags: PF_R | PF_W, memsz: 1 });
    expect(checkAt(b.build().bytes)).toEqual({ error: "ImageTooLarge", index: 2 });
    // Counted in pages: 64 MiB starting mid-page spans one page more.
    const c = new ElfBuilder().entry(0x400000);
    c.segment({ vaddr: 0x400000, flags: PF_R | PF_X, data: pattern(16, 1), memsz: 64 * MiB });
    c.segment({ vaddr: 0x10000800, flags: PF_R | PF_W, memsz: 64 * MiB, offset: 0x800 });
    expect(check(c.build().bytes)).toBe("ImageTooLarge");
  });

  it("more than 16 loadable segments: TooManySegments", () => {
    const b = new ElfBuilder().entry(0x400000);
    for (let i = 0; i < 17; i++) b.segment({ vaddr: 0x400000 + i * 0x1000, flags: PF_R | PF_X, data: pattern(8, i) });
    expect(checkAt(b.build().bytes)).toEqual({ error: "TooManySegments", index: 16 });
  });

  it("two segments sharing a page: SegmentsOverlap", () => {
    const share = (vaddr: number, memsz: number) =>
      new ElfBuilder().entry(0x400000)
        .segment({ vaddr: 0x400000, flags: PF_R | PF_X, data: pattern(0x1800, 1) }) // pages 0x400000, 0x401000
        .other(PT_NOTE)
        .segment({ vaddr, flags: PF_R | PF_W, memsz }).build().bytes;
    expect(checkAt(share(0x401800, 0x100))).toEqual({ error: "SegmentsOverlap", index: 2 }); // the same page, different bytes
    expect(check(share(0x400000, 0x10))).toBe("SegmentsOverlap"); // the same bytes
    expect(check(share(0x3ff000, 0x1001))).toBe("SegmentsOverlap"); // reaches one byte into the first page
    expect(check(share(0x3ff000, 0x10000))).toBe("SegmentsOverlap"); // covers it all
    expect(check(share(0x402000, 0x10))).toBe("Ok");
    expect(check(share(0x3ff000, 0x1000))).toBe("Ok");
  });

  it("an entry point outside every executable segment: EntryNotExecutable", () => {
    const t = TWO_SEGMENT;
    for (const e of [0, 0x3fffff, 0x400000 + t.text.size, t.data.vaddr, t.data.vaddr + 0x2000, 0xbfffffff, 0xffffffff]) {
      expect(check(twoSegmentProgram().entry(e).build().bytes), `entry 0x${e.toString(16)}`).toBe("EntryNotExecutable");
    }
    // In the text segment but not executable.
    expect(check(patchPhdr(valid(), 0, "flags", PF_R))).toBe("EntryNotExecutable");
    expect(check(patchPhdr(valid(), 0, "flags", PF_R | PF_W))).toBe("EntryNotExecutable");
    expect(check(twoSegmentProgram().entry(0x400000 + t.text.size - 1).build().bytes)).toBe("Ok");
  });

  it("leaves the table empty after a failure that follows a good check", () => {
    expect(check(valid())).toBe("Ok");
    expect(check(twoSegmentProgram().entry(0).build().bytes)).toBe("EntryNotExecutable");
    expect(k.exports.elfSegmentCount()).toBe(0);
    expect(entry()).toBe(0);
    expect(k.exports.elfSegmentVaddr(0)).toBe(0);
    expect(check(valid())).toBe("Ok");
    expect(k.exports.elfErrorIndex()).toBe(-1);
  });
});

// ── Real executables ──────────────────────────────────────────────────

const BUILD_DIR = path.join(REPO_ROOT, "out/test-build/elf");

interface ReadelfLoad {
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: string;
}

/** readelf's view of a file: an independent oracle for the checker. */
function readelf(file: string): { entry: number; loads: ReadelfLoad[] } {
  const out = execFileSync("readelf", ["-hlW", file], { encoding: "utf8" });
  const entry = Number(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)![1]);
  const loads = [...out.matchAll(/^\s*LOAD\s+(0x\S+)\s+(0x\S+)\s+0x\S+\s+(0x\S+)\s+(0x\S+)\s+([RWE ]+?)\s+0x\S+$/gm)].map((m) => ({
    offset: Number(m[1]),
    vaddr: Number(m[2]),
    filesz: Number(m[3]),
    memsz: Number(m[4]),
    flags: m[5].replace(/\s/g, ""),
  }));
  return { entry, loads };
}

function symbol(file: string, name: string): number {
  const out = execFileSync("nm", [file], { encoding: "utf8" });
  const m = new RegExp(`^([0-9a-f]+) \\w ${name}$`, "m").exec(out);
  if (!m) throw new Error(`no symbol ${name} in ${file}`);
  return parseInt(m[1], 16);
}

const PROGRAM_C = `
/* A tiny freestanding i386 program: text, data and bss. */
volatile int counter = 5;
char buffer[9000];
void _start(void) {
  for (;;) {
    counter++;
    buffer[counter & 1023] = (char)counter;
  }
}
`;

const PROGRAM_S = `
  .text
  .globl _start
_start:
  movl $1, %eax
  incl value
  jmp _start
  .data
value: .long 42
  .bss
  .lcomm scratch, 20000
`;

function buildReal(name: string, compile: (dir: string) => void): { bytes: Uint8Array; file: string } {
  mkdirSync(BUILD_DIR, { recursive: true });
  compile(BUILD_DIR);
  const file = path.join(BUILD_DIR, name);
  return { bytes: new Uint8Array(readFileSync(file)), file };
}

function expectMatchesReadelf(file: string, bytes: Uint8Array): void {
  expect(check(bytes)).toBe("Ok");
  const r = readelf(file);
  expect(entry()).toBe(r.entry);
  expect(entry()).toBe(symbol(file, "_start"));
  expect(segments()).toEqual(
    r.loads
      .filter((l) => l.memsz > 0)
      .map((l) => ({
        vaddr: l.vaddr,
        memsz: l.memsz,
        filesz: l.filesz,
        offset: l.offset,
        writable: l.flags.includes("W"),
        executable: l.flags.includes("E"),
      })),
  );
}

describe("real executables", () => {
  it("accepts gcc -m32 -nostdlib -static -Wl,-Ttext=0x400000 output with the right entry and segments", () => {
    const { bytes, file } = buildReal("ttext.elf", (dir) => {
      writeFileSync(path.join(dir, "program.c"), PROGRAM_C);
      execFileSync("gcc", ["-m32", "-nostdlib", "-static", "-O1", "-Wl,-Ttext=0x400000",
        "-o", path.join(dir, "ttext.elf"), path.join(dir, "program.c")]);
    });
    expectMatchesReadelf(file, bytes);
    expect(entry()).toBe(0x400000);
    expect(segments().some((s) => s.executable && s.vaddr === 0x400000)).toBe(true);
  });

  it("accepts a text + data + bss program linked at 0x400000, with its bss", () => {
    const { bytes, file } = buildReal("program.elf", (dir) => {
      writeFileSync(path.join(dir, "program.c"), PROGRAM_C);
      execFileSync("gcc", ["-m32", "-nostdlib", "-static", "-no-pie", "-fno-pic", "-ffreestanding", "-O1",
        "-fno-asynchronous-unwind-tables", "-Wl,-Ttext-segment=0x400000", "-Wl,--build-id=none", "-Wl,-z,norelro",
        "-Wl,-z,noexecstack", "-o", path.join(dir, "program.elf"), path.join(dir, "program.c")]);
    });
    expectMatchesReadelf(file, bytes);
    const data = segments().find((s) => s.writable)!;
    expect(data.memsz).toBeGreaterThanOrEqual(data.filesz + 9000);
    expect(data.executable).toBe(false);
  });

  it("accepts as --32 + ld -m elf_i386 output", () => {
    const { bytes, file } = buildReal("asm.elf", (dir) => {
      writeFileSync(path.join(dir, "asm.S"), PROGRAM_S);
      execFileSync("as", ["--32", "-o", path.join(dir, "asm.o"), path.join(dir, "asm.S")]);
      execFileSync("ld", ["-m", "elf_i386", "-static", "-Ttext=0x8048000", "-o", path.join(dir, "asm.elf"), path.join(dir, "asm.o")]);
    });
    expectMatchesReadelf(file, bytes);
    expect(entry()).toBe(0x8048000);
  });

  it("rejects a dynamically linked one (PT_INTERP) and a relocatable object", () => {
    const { bytes } = buildReal("dynamic.elf", (dir) => {
      writeFileSync(path.join(dir, "asm.S"), PROGRAM_S);
      execFileSync("as", ["--32", "-o", path.join(dir, "asm.o"), path.join(dir, "asm.S")]);
      execFileSync("ld", ["-m", "elf_i386", "-dynamic-linker", "/lib/ld-linux.so.2", "-pie", "-o",
        path.join(dir, "dynamic.elf"), path.join(dir, "asm.o")]);
    });
    expect(["NotExecutable", "NotStaticallyLinked"]).toContain(check(bytes));
    const forcedExec = patch(bytes, EHDR.type, 2, 2);
    expect(check(forcedExec)).toBe("NotStaticallyLinked");
    const obj = new Uint8Array(readFileSync(path.join(BUILD_DIR, "asm.o")));
    expect(check(obj)).toBe("NotExecutable");
  });
});

// ── Fuzzing ───────────────────────────────────────────────────────────

describe("fuzzing", () => {
  /** The invariants every accepted file must satisfy, checked from outside. */
  function expectSound(size: number, iter: number): void {
    const segs = segments();
    const where = `iteration ${iter}`;
    expect(segs.length, where).toBeGreaterThan(0);
    expect(segs.length, where).toBeLessThanOrEqual(16);
    let pages = 0;
    for (const s of segs) {
      expect(s.filesz, where).toBeLessThanOrEqual(s.memsz);
      expect(s.offset + s.filesz, where).toBeLessThanOrEqual(size);
      expect(s.vaddr, where).toBeGreaterThanOrEqual(0x1000);
      expect(s.vaddr + s.memsz, where).toBeLessThanOrEqual(USER_TOP);
      expect(s.vaddr % 4096, where).toBe(s.offset % 4096);
      expect(s.memsz, where).toBeLessThanOrEqual(64 * MiB);
      pages += Math.ceil((s.vaddr + s.memsz) / 4096) - Math.floor(s.vaddr / 4096);
    }
    expect(pages * 4096, where).toBeLessThanOrEqual(128 * MiB);
    for (let i = 0; i < segs.length; i++) {
      for (let j = 0; j < i; j++) {
        const [a, b] = [segs[i], segs[j]];
        const overlap = Math.floor(a.vaddr / 4096) < Math.ceil((b.vaddr + b.memsz) / 4096) &&
          Math.floor(b.vaddr / 4096) < Math.ceil((a.vaddr + a.memsz) / 4096);
        expect(overlap, where).toBe(false);
      }
    }
    const e = entry();
    expect(segs.some((s) => s.executable && e >= s.vaddr && e < s.vaddr + s.memsz), where).toBe(true);
  }

  it("never traps on 5000 mutations of valid images, gives only known errors, and accepts only sound files", () => {
    const random = rng(0xe1f5eed);
    const int = (n: number): number => Math.floor(random() * n);
    const bases = [valid(), oneSegment(0x1000, 0x40, (b) => b.other(PT_NOTE).segment({ vaddr: 0x3000, flags: PF_R | PF_W, memsz: 0x2000 })).slice()];
    const interesting = [0, 1, 2, 3, 0x20, 0x34, 0xfff, 0x1000, 0x1001, 0x400000, 0x4000000, 0x4000001, 0x7fffffff,
      0x80000000, 0xbffff000, 0xc0000000, USER_TOP - 0x1000, USER_TOP, 0xfffff000, 0xffffffe0, 0xffffffff];
    const seen = new Map<string, number>();
    for (let iter = 0; iter < 5000; iter++) {
      const base = bases[iter & 1];
      let bytes = base.slice();
      const view = new DataView(bytes.buffer);
      // Most mutations hit the headers, where the checker looks.
      const headerEnd = EHDR_SIZE + PHDR_SIZE * 4;
      for (let m = 1 + int(3); m > 0; m--) {
        const what = int(10);
        if (what < 3) {
          bytes[int(headerEnd)] = int(256);
        } else if (what < 7) {
          const off = (int(headerEnd >> 2) << 2) + (int(4) === 0 ? 2 : 0);
          view.setUint32(Math.min(off, bytes.length - 4), what < 6 ? interesting[int(interesting.length)] : view.getUint32(off, true) + int(0x2000) - 0x1000, true);
        } else if (what < 8) {
          bytes = bytes.slice(0, int(bytes.length + 1));
          break;
        } else if (what < 9) {
          bytes[int(bytes.length)] ^= 1 << int(8);
        } else {
          bytes[EHDR.phnum] = int(6);
        }
      }
      const name = check(bytes);
      expect(ERROR_NAMES, `iteration ${iter}`).toContain(name);
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (name === "Ok") expectSound(bytes.length, iter);
      else expect(k.exports.elfSegmentCount(), `iteration ${iter}`).toBe(0);
    }
    if (process.env.ELF_FUZZ_STATS) console.log(Object.fromEntries(seen));
    // The mutations reach deep into the checker, not only the header checks.
    expect(seen.get("Ok") ?? 0).toBeGreaterThan(200);
    expect(seen.size).toBeGreaterThanOrEqual(18);
  });
});
