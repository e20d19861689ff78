// test/helpers/elf-image.ts: builds ELF32 executable images byte by byte.
//
// Owns: a byte-exact builder for little-endian ELF32 files (an ELF header,
// a program header table, segment contents), with knobs to break them:
// every header field can be overridden, program headers can lie about
// offsets and sizes, and raw program headers of any type can be added.
// Also the field offsets (for patching a built image) and a typical valid
// two-segment program.
// Must not: validate anything; that is the checker's job under test.

export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_386 = 3;
export const EM_X86_64 = 62;

/** Byte offsets of the ELF header fields. */
export const EHDR = {
  ident: 0,
  class: 4,
  data: 5,
  identVersion: 6,
  osabi: 7,
  type: 16,
  machine: 18,
  version: 20,
  entry: 24,
  phoff: 28,
  shoff: 32,
  flags: 36,
  ehsize: 40,
  phentsize: 42,
  phnum: 44,
  shentsize: 46,
  shnum: 48,
  shstrndx: 50,
} as const;

/** Byte offsets of the program header fields. */
export const PHDR = {
  type: 0,
  offset: 4,
  vaddr: 8,
  paddr: 12,
  filesz: 16,
  memsz: 20,
  flags: 24,
  align: 28,
} as const;

export type PhdrField = keyof typeof PHDR;

export interface SegmentSpec {
  /** p_type; default PT_LOAD. */
  type?: number;
  vaddr: number;
  flags: number;
  /** The file bytes (p_filesz unless overridden); default none. */
  data?: Uint8Array;
  /** p_memsz; default data.length. */
  memsz?: number;
  /** Override p_filesz (the bytes stored stay `data`). */
  filesz?: number;
  /**
   * Override p_offset (and where `data` is stored, if it fits the file).
   * By default data goes at the next offset congruent to vaddr mod 4096.
   */
  offset?: number;
  /** p_align; default 0x1000. */
  align?: number;
  /** p_paddr; default vaddr. */
  paddr?: number;
}

export interface HeaderOverrides {
  magic?: [number, number, number, number];
  class?: number;
  data?: number;
  identVersion?: number;
  type?: number;
  machine?: number;
  version?: number;
  entry?: number;
  phoff?: number;
  phentsize?: number;
  phnum?: number;
  ehsize?: number;
}

export interface BuiltElf {
  bytes: Uint8Array;
  /** Where the program header table starts (e_phoff unless overridden). */
  phoff: number;
  /** The file offset (p_offset) of each segment, in order. */
  offsets: number[];
}

const PAGE = 0x1000;

/** Builds one ELF32 little-endian i386 executable. */
export class ElfBuilder {
  private segs: SegmentSpec[] = [];
  private hdr: HeaderOverrides = {};
  private entryPoint = 0;
  private trailing = 0;

  /** The entry point (e_entry). */
  entry(addr: number): this {
    this.entryPoint = addr;
    return this;
  }

  /** A program header (PT_LOAD unless spec.type says otherwise). */
  segment(spec: SegmentSpec): this {
    this.segs.push(spec);
    return this;
  }

  /** A program header that is not loaded (PT_NOTE, PT_GNU_STACK, PT_INTERP, ...). */
  other(type: number, o: Partial<SegmentSpec> = {}): this {
    return this.segment({ vaddr: 0, flags: PF_R, ...o, type });
  }

  /** Overrides ELF header fields after layout. */
  header(o: HeaderOverrides): this {
    Object.assign(this.hdr, o);
    return this;
  }

  /** Extra zero bytes at the end of the file. */
  pad(bytes: number): this {
    this.trailing = bytes;
    return this;
  }

  build(): BuiltElf {
    const phoff = EHDR_SIZE;
    let end = phoff + PHDR_SIZE * this.segs.length;
    const offsets: number[] = [];
    const placed: { offset: number; data: Uint8Array }[] = [];
    for (const s of this.segs) {
      const data = s.data ?? new Uint8Array(0);
      let offset: number;
      if (s.offset !== undefined) {
        offset = s.offset >>> 0;
      } else if ((s.type ?? PT_LOAD) !== PT_LOAD && data.length === 0) {
        offset = 0;
      } else {
        // The next offset with offset % 4096 == vaddr % 4096.
        const want = (s.vaddr >>> 0) % PAGE;
        offset = end - (end % PAGE) + want;
        if (offset < end) offset += PAGE;
      }
      offsets.push(offset);
      if (data.length > 0) placed.push({ offset, data });
      // A segment without data still needs p_offset inside the file
      // (p_offset + p_filesz <= file size): extend the file to it.
      if (s.offset === undefined) end = Math.max(end, offset + data.length);
    }
    end += this.trailing;
    const bytes = new Uint8Array(end);
    const v = new DataView(bytes.buffer);
    const h = this.hdr;
    bytes.set(h.magic ?? [0x7f, 0x45, 0x4c, 0x46], 0);
    bytes[EHDR.class] = h.class ?? 1;
    bytes[EHDR.data] = h.data ?? 1;
    bytes[EHDR.identVersion] = h.identVersion ?? 1;
    v.setUint16(EHDR.type, h.type ?? ET_EXEC, true);
    v.setUint16(EHDR.machine, h.machine ?? EM_386, true);
    v.setUint32(EHDR.version, (h.version ?? 1) >>> 0, true);
    v.setUint32(EHDR.entry, (h.entry ?? this.entryPoint) >>> 0, true);
    v.setUint32(EHDR.phoff, (h.phoff ?? phoff) >>> 0, true);
    v.setUint16(EHDR.ehsize, h.ehsize ?? EHDR_SIZE, true);
    v.setUint16(EHDR.phentsize, h.phentsize ?? PHDR_SIZE, true);
    v.setUint16(EHDR.phnum, h.phnum ?? this.segs.length, true);
    v.setUint16(EHDR.shentsize, 40, true);
    this.segs.forEach((s, i) => {
      const p = phoff + PHDR_SIZE * i;
      const data = s.data ?? new Uint8Array(0);
      v.setUint32(p + PHDR.type, (s.type ?? PT_LOAD) >>> 0, true);
      v.setUint32(p + PHDR.offset, offsets[i] >>> 0, true);
      v.setUint32(p + PHDR.vaddr, s.vaddr >>> 0, true);
      v.setUint32(p + PHDR.paddr, (s.paddr ?? s.vaddr) >>> 0, true);
      v.setUint32(p + PHDR.filesz, (s.filesz ?? data.length) >>> 0, true);
      v.setUint32(p + PHDR.memsz, (s.memsz ?? data.length) >>> 0, true);
      v.setUint32(p + PHDR.flags, s.flags >>> 0, true);
      v.setUint32(p + PHDR.align, (s.align ?? PAGE) >>> 0, true);
    });
    for (const { offset, data } of placed) bytes.set(data.subarray(0, Math.max(0, bytes.length - offset)), offset);
    return { bytes, phoff, offsets };
  }
}

/** A copy of `bytes` with program header `i`'s field set to `value`. */
export function patchPhdr(bytes: Uint8Array, i: number, field: PhdrField, value: number): Uint8Array {
  const out = bytes.slice();
  const phoff = new DataView(out.buffer).getUint32(EHDR.phoff, true);
  new DataView(out.buffer).setUint32(phoff + PHDR_SIZE * i + PHDR[field], value >>> 0, true);
  return out;
}

/** A copy of `bytes` with the u8/u16/u32 at `offset` set to `value`. */
export function patch(bytes: Uint8Array, offset: number, value: number, width: 1 | 2 | 4): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  if (width === 1) v.setUint8(offset, value & 0xff);
  else if (width === 2) v.setUint16(offset, value & 0xffff, true);
  else v.setUint32(offset, value >>> 0, true);
  return out;
}

/** `n` bytes of a recognisable pattern (so misplaced data shows). */
export function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed + i * 7) & 0xff);
}

/** The layout of the typical valid program built by twoSegmentProgram(). */
export const TWO_SEGMENT = {
  entry: 0x00400010,
  text: { vaddr: 0x00400000, size: 0x1234, flags: PF_R | PF_X },
  data: { vaddr: 0x00402100, filesz: 0x180, memsz: 0x3000, flags: PF_R | PF_W },
} as const;

/**
 * A statically linked program shaped like ld's output: text (R+X), then
 * data (RW) whose memsz > filesz (bss), then a PT_GNU_STACK header.
 */
export function twoSegmentProgram(): ElfBuilder {
  const t = TWO_SEGMENT;
  return new ElfBuilder()
    .entry(t.entry)
    .segment({ vaddr: t.text.vaddr, flags: t.text.flags, data: pattern(t.text.size, 0x90) })
    .segment({ vaddr: t.data.vaddr, flags: t.data.flags, data: pattern(t.data.filesz, 0x11), memsz: t.data.memsz })
    .other(PT_GNU_STACK, { flags: PF_R | PF_W, align: 16 });
}
