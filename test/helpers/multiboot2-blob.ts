// test/helpers/multiboot2-blob.ts: builds Multiboot2 boot information blobs.
//
// Owns: a byte-exact builder for the structure a Multiboot2 loader leaves
// in memory (spec 3.6), with knobs to break it: a tag's size field can
// differ from its real length, strings can lack their NUL, the end tag can
// be left out, total_size can lie. Also a GRUB-like example.
// Must not: validate anything; that is the parser's job under test.

export const TAG_END = 0;
export const TAG_CMDLINE = 1;
export const TAG_BOOTLOADER_NAME = 2;
export const TAG_MODULE = 3;
export const TAG_BASIC_MEMINFO = 4;
export const TAG_BOOTDEV = 5;
export const TAG_MMAP = 6;
export const TAG_ACPI_OLD = 14;
export const TAG_LOAD_BASE_ADDR = 21;

export interface MemoryRegion {
  base: bigint;
  length: bigint;
  type: number;
}

interface Tag {
  type: number;
  body: Uint8Array;
  /** The size field, if it should differ from 8 + body.length. */
  sizeField?: number;
}

export interface BuiltBlob {
  bytes: Uint8Array;
  /** Byte offset of each tag (in the order added), the end tag included. */
  tagOffsets: number[];
}

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32s(...values: number[]): Uint8Array {
  const b = new Uint8Array(4 * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setUint32(4 * i, x >>> 0, true));
  return b;
}

function cString(s: string, terminate: boolean): Uint8Array {
  return terminate ? concat(enc(s), new Uint8Array([0])) : enc(s);
}

export interface StringOptions {
  /** Append the NUL (default true). */
  terminate?: boolean;
  /** Override the tag's size field. */
  sizeField?: number;
}

/** Builds one boot information structure, tag by tag. */
export class Mb2Builder {
  private tags: Tag[] = [];

  /** Any tag, body as given. */
  tag(type: number, body: Uint8Array | number[], sizeField?: number): this {
    this.tags.push({ type, body: body instanceof Uint8Array ? body : Uint8Array.from(body), sizeField });
    return this;
  }

  cmdline(s: string, o: StringOptions = {}): this {
    return this.tag(TAG_CMDLINE, cString(s, o.terminate ?? true), o.sizeField);
  }

  bootloaderName(s: string, o: StringOptions = {}): this {
    return this.tag(TAG_BOOTLOADER_NAME, cString(s, o.terminate ?? true), o.sizeField);
  }

  module(start: number, end: number, s: string, o: StringOptions = {}): this {
    return this.tag(TAG_MODULE, concat(u32s(start, end), cString(s, o.terminate ?? true)), o.sizeField);
  }

  basicMeminfo(lowerKiB: number, upperKiB: number, sizeField?: number): this {
    return this.tag(TAG_BASIC_MEMINFO, u32s(lowerKiB, upperKiB), sizeField);
  }

  /**
   * A memory map tag. Entries are `entrySize` bytes (24 by default; the
   * bytes past the standard 24 are filled with 0xEE); `trailing` bytes are
   * appended after the entries.
   */
  mmap(
    regions: MemoryRegion[],
    o: { entrySize?: number; entryVersion?: number; trailing?: number; sizeField?: number } = {},
  ): this {
    const entrySize = o.entrySize ?? 24;
    const entries = regions.map((r) => {
      const e = new Uint8Array(entrySize).fill(0xee);
      const v = new DataView(e.buffer);
      // Write what fits, so a too-small entry_size still gives a real layout.
      const put = (off: number, f: () => void) => off < entrySize && f();
      put(0, () => v.setBigUint64(0, r.base, true));
      put(8, () => v.setBigUint64(8, r.length, true));
      put(16, () => v.setUint32(16, r.type >>> 0, true));
      put(20, () => v.setUint32(20, 0, true));
      return e;
    });
    const body = concat(u32s(entrySize, o.entryVersion ?? 0), ...entries, new Uint8Array(o.trailing ?? 0));
    return this.tag(TAG_MMAP, body, o.sizeField);
  }

  /** The end tag (type 0, size 8 unless overridden). */
  end(sizeField?: number): this {
    return this.tag(TAG_END, new Uint8Array(0), sizeField);
  }

  /**
   * Lays the tags out, each at an 8-byte boundary. total_size is the real
   * length unless `totalSize` overrides the field.
   */
  build(o: { totalSize?: number } = {}): BuiltBlob {
    const parts: Uint8Array[] = [new Uint8Array(8)];
    const tagOffsets: number[] = [];
    let offset = 8;
    for (const t of this.tags) {
      tagOffsets.push(offset);
      const size = 8 + t.body.length;
      const padded = (size + 7) & ~7;
      const bytes = new Uint8Array(padded);
      bytes.set(u32s(t.type, t.sizeField ?? size), 0);
      bytes.set(t.body, 8);
      parts.push(bytes);
      offset += padded;
    }
    const bytes = concat(...parts);
    new DataView(bytes.buffer).setUint32(0, o.totalSize ?? bytes.length, true);
    return { bytes, tagOffsets };
  }
}

/** The memory map QEMU's SeaBIOS reports for -m 128, plus 1 GiB above 4 GiB. */
export const QEMU_LIKE_MMAP: MemoryRegion[] = [
  { base: 0x0n, length: 0x9fc00n, type: 1 },
  { base: 0x9fc00n, length: 0x400n, type: 2 },
  { base: 0xf0000n, length: 0x10000n, type: 2 },
  { base: 0x100000n, length: 0x7ee0000n, type: 1 },
  { base: 0x7fe0000n, length: 0x20000n, type: 2 },
  { base: 0xfffc0000n, length: 0x40000n, type: 2 },
  { base: 0x100000000n, length: 0x40000000n, type: 1 },
  { base: 0x140000000n, length: 0x1000n, type: 3 },
  { base: 0x140001000n, length: 0x1000n, type: 4 },
  { base: 0x140002000n, length: 0x1000n, type: 5 },
];

/**
 * A structure shaped like GRUB 2's for this kernel: the tags in GRUB's
 * order, including ones the parser skips (load base address, boot device,
 * ACPI RSDP), two modules, and the end tag.
 */
export function grubLikeBlob(): Mb2Builder {
  return new Mb2Builder()
    .tag(TAG_LOAD_BASE_ADDR, u32s(0x100000))
    .cmdline("/boot/kernel.elf exit-on-halt loglevel=3 root=  bench-iterations=1000")
    .bootloaderName("GRUB 2.12-1")
    .module(0x200000, 0x2345a7, "/boot/root.elf root-task")
    .module(0x235000, 0x235000, "/boot/empty.bin")
    .basicMeminfo(639, 129920)
    .tag(TAG_BOOTDEV, u32s(0xe0, 0xffffffff, 0xffffffff))
    .mmap(QEMU_LIKE_MMAP)
    .tag(TAG_ACPI_OLD, concat(enc("RSD PTR "), new Uint8Array(12)))
    .end();
}
