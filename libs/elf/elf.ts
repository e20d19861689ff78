// libs/elf/elf.ts: the ELF32 executable checker for user programs, the one
// both loaders share.
//
// Owns: deciding whether an image is a statically linked i386 executable
// that can be mapped into a ring 3 address space page by page, and copying
// what a loader needs (the entry point and each
// PT_LOAD segment: vaddr, sizes, file offset, flags) into a static table.
// elfCheck validates everything before anything is loaded; a loader reads
// only the table afterwards, never the file's headers.
// Must not: read a byte outside [addr, addr + size), read segment
// contents, map or copy anything, allocate, divide 64-bit numbers, or trap
// on any input. Each malformed file gives one specific ElfError, and a
// failed check leaves the table empty.
// Two loaders import it: the kernel's root-task builder
// (kernel/boot/root-task.ts, the image at its kernel-window address) and
// the user-level process builder (libs/user/process.ts, the image mapped
// into the root task). So it must stay kernel-safe: no allocation, no
// floats, no 64-bit division, and only generated definitions as imports
// (libs/abi, kernel/arch/x86/machine.gen.ts), no kernel or user library code.
//
// see: System V ABI, "ELF: Executable and Linkable Format" (Portable
// Formats Specification 1.2), chapters 1 (ELF header) and 2 (program
// header); the Intel386 psABI supplement; glibc's elf/elf.h.

// ── Layout ─────────────────────────────────────────────────────────────
// ELF header (52 bytes):                 Program header (32 bytes):
//   /*  0 */ u8  e_ident[16]                /*  0 */ u32 p_type
//   /* 16 */ u16 e_type                     /*  4 */ u32 p_offset
//   /* 18 */ u16 e_machine                  /*  8 */ u32 p_vaddr
//   /* 20 */ u32 e_version                  /* 12 */ u32 p_paddr   (ignored)
//   /* 24 */ u32 e_entry                    /* 16 */ u32 p_filesz
//   /* 28 */ u32 e_phoff                    /* 20 */ u32 p_memsz
//   /* 32 */ u32 e_shoff   (ignored)        /* 24 */ u32 p_flags
//   /* 36 */ u32 e_flags   (ignored)        /* 28 */ u32 p_align   (ignored:
//   /* 40 */ u16 e_ehsize  (ignored)                 the vaddr/offset
//   /* 42 */ u16 e_phentsize                         congruence is what
//   /* 44 */ u16 e_phnum                             page mapping needs)
//   /* 46 */ u16 e_shentsize, e_shnum, e_shstrndx (ignored: sections are
//             for linkers and debuggers, a loader needs only segments)
// e_ident: /* 0 */ 0x7F 'E' 'L' 'F'  /* 4 */ EI_CLASS  /* 5 */ EI_DATA
//          /* 6 */ EI_VERSION  /* 7 */ EI_OSABI (ignored)  /* 8.. */ padding

// @ts-ignore: decorator
@inline export const ELF_HEADER_SIZE: u32 = 52;
// @ts-ignore: decorator
@inline export const ELF_PHDR_SIZE: u32 = 32;

// @ts-ignore: decorator
@inline const ELFCLASS32: u8 = 1;
// @ts-ignore: decorator
@inline const ELFDATA2LSB: u8 = 1;
// @ts-ignore: decorator
@inline const EV_CURRENT: u32 = 1;
// @ts-ignore: decorator
@inline const ET_EXEC: u16 = 2;
// @ts-ignore: decorator
@inline const EM_386: u16 = 3;

/** Program header types the checker acts on; every other type is skipped. */
// @ts-ignore: decorator
@inline export const PT_LOAD: u32 = 1;
// @ts-ignore: decorator
@inline export const PT_DYNAMIC: u32 = 2;
// @ts-ignore: decorator
@inline export const PT_INTERP: u32 = 3;

/** p_flags bits. Without NX (no PAE) every mapped page is readable. */
// @ts-ignore: decorator
@inline export const PF_X: u32 = 1;
// @ts-ignore: decorator
@inline export const PF_W: u32 = 2;
// @ts-ignore: decorator
@inline export const PF_R: u32 = 4;

import { PAGE_BITS, PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import { USER_TOP } from "../abi/layout.gen";
// @ts-ignore: decorator
@inline const PAGE_MASK: u32 = PAGE_SIZE - 1;

/** User space is [0, USER_TOP); the kernel window starts here (seL4_UserTop). */
// @ts-ignore: decorator
@inline export const ELF_USER_TOP: u64 = <u64>USER_TOP;
/** Capacity of the segment table. More PT_LOAD segments are rejected. */
// @ts-ignore: decorator
@inline export const ELF_MAX_SEGMENTS: i32 = 16;
/** More program headers than this (of any type) are rejected: it bounds the work. */
// @ts-ignore: decorator
@inline export const ELF_MAX_PROGRAM_HEADERS: u32 = 64;
/** The largest memory size one segment may have (64 MiB). */
// @ts-ignore: decorator
@inline export const ELF_MAX_SEGMENT_BYTES: u32 = 64 << 20;
/** The largest total, in whole pages spanned, of all segments (128 MiB). */
// @ts-ignore: decorator
@inline export const ELF_MAX_IMAGE_BYTES: u64 = 128 << 20;

/** Why an ELF file was rejected. */
export enum ElfError {
  Ok = 0,
  /** addr + size runs past the end of the 32-bit address space. */
  BoundWraps = 1,
  /** The file is smaller than the 52-byte ELF header. */
  TooSmall = 2,
  /** e_ident does not start with 0x7F 'E' 'L' 'F'. */
  BadMagic = 3,
  /** EI_CLASS is not ELFCLASS32. */
  NotClass32 = 4,
  /** EI_DATA is not ELFDATA2LSB. */
  NotLittleEndian = 5,
  /** EI_VERSION or e_version is not EV_CURRENT (1). */
  BadVersion = 6,
  /** e_type is not ET_EXEC (relocatable, shared object or core file). */
  NotExecutable = 7,
  /** e_machine is not EM_386. */
  WrongMachine = 8,
  /** e_phentsize is not 32. */
  BadProgramHeaderSize = 9,
  /** e_phoff + e_phnum * 32 runs past the end of the file. */
  ProgramHeadersPastEnd = 10,
  /** More than ELF_MAX_PROGRAM_HEADERS program headers. */
  TooManyProgramHeaders = 11,
  /** A PT_INTERP or PT_DYNAMIC header: the program is not statically linked. */
  NotStaticallyLinked = 12,
  /** More than ELF_MAX_SEGMENTS PT_LOAD segments. */
  TooManySegments = 13,
  /** A segment's p_filesz is larger than its p_memsz. */
  FileSizeAboveMemSize = 14,
  /** A segment's p_offset + p_filesz runs past the end of the file. */
  SegmentPastEndOfFile = 15,
  /** A segment's p_vaddr + p_memsz runs past ELF_USER_TOP (or past 4 GiB). */
  SegmentInKernelSpace = 16,
  /** A segment touches page 0, which is never mapped. */
  SegmentInPageZero = 17,
  /** p_vaddr and p_offset differ modulo 4096: the file cannot be mapped page-wise. */
  SegmentMisaligned = 18,
  /** A segment's p_memsz is above ELF_MAX_SEGMENT_BYTES. */
  SegmentTooLarge = 19,
  /** All segments together span more than ELF_MAX_IMAGE_BYTES. */
  ImageTooLarge = 20,
  /** Two segments share a page (or more). */
  SegmentsOverlap = 21,
  /** No PT_LOAD segment with a non-zero p_memsz. */
  NoLoadableSegment = 22,
  /** e_entry is not inside an executable (PF_X) loadable segment. */
  EntryNotExecutable = 23,
}

/** The error's name, e.g. "SegmentsOverlap"; "Unknown" for other values. */
export function elfErrorName(err: ElfError): string {
  switch (err) {
    case ElfError.Ok: return "Ok";
    case ElfError.BoundWraps: return "BoundWraps";
    case ElfError.TooSmall: return "TooSmall";
    case ElfError.BadMagic: return "BadMagic";
    case ElfError.NotClass32: return "NotClass32";
    case ElfError.NotLittleEndian: return "NotLittleEndian";
    case ElfError.BadVersion: return "BadVersion";
    case ElfError.NotExecutable: return "NotExecutable";
    case ElfError.WrongMachine: return "WrongMachine";
    case ElfError.BadProgramHeaderSize: return "BadProgramHeaderSize";
    case ElfError.ProgramHeadersPastEnd: return "ProgramHeadersPastEnd";
    case ElfError.TooManyProgramHeaders: return "TooManyProgramHeaders";
    case ElfError.NotStaticallyLinked: return "NotStaticallyLinked";
    case ElfError.TooManySegments: return "TooManySegments";
    case ElfError.FileSizeAboveMemSize: return "FileSizeAboveMemSize";
    case ElfError.SegmentPastEndOfFile: return "SegmentPastEndOfFile";
    case ElfError.SegmentInKernelSpace: return "SegmentInKernelSpace";
    case ElfError.SegmentInPageZero: return "SegmentInPageZero";
    case ElfError.SegmentMisaligned: return "SegmentMisaligned";
    case ElfError.SegmentTooLarge: return "SegmentTooLarge";
    case ElfError.ImageTooLarge: return "ImageTooLarge";
    case ElfError.SegmentsOverlap: return "SegmentsOverlap";
    case ElfError.NoLoadableSegment: return "NoLoadableSegment";
    case ElfError.EntryNotExecutable: return "EntryNotExecutable";
    default: return "Unknown";
  }
}

// ── The segment table ──────────────────────────────────────────────────
// SEGMENT_ENTRY_SIZE bytes per PT_LOAD segment, in program header order:
//   /*  0 */ u32 vaddr     /*  4 */ u32 memsz    /*  8 */ u32 filesz
//   /* 12 */ u32 offset    /* 16 */ u32 flags (PF_*)
//   /* 20 */ u32 first page (vaddr >> 12)   /* 24 */ u32 end page (exclusive)
//   /* 28 */ u32 index of its program header (for elfErrorIndex)
// @ts-ignore: decorator
@inline const SEGMENT_ENTRY_SIZE: usize = 32;

const segmentTable = memory.data(<i32>SEGMENT_ENTRY_SIZE * ELF_MAX_SEGMENTS, 8);

/** Segments recorded so far; elfCheck publishes them only on success. */
let pending: i32 = 0;
let segments: i32 = 0;
let entry: u32 = 0;
let errorIndex: i32 = -1;

function segmentEntry(i: i32): usize {
  return segmentTable + <usize>i * SEGMENT_ENTRY_SIZE;
}

// Records where the check failed, for elfErrorIndex.
function fail(err: ElfError, index: i32): ElfError {
  errorIndex = index;
  return err;
}

// ── Checking ───────────────────────────────────────────────────────────

function checkHeader(addr: usize, size: u32): ElfError {
  if (<u64>addr + <u64>size > <u64>0x1_0000_0000) return ElfError.BoundWraps;
  if (size < ELF_HEADER_SIZE) return ElfError.TooSmall;
  // From here on every header read is below addr + 52 <= addr + size.
  if (load<u32>(addr, 0) != 0x464C457F) return ElfError.BadMagic; // 0x7F 'E' 'L' 'F'
  if (load<u8>(addr, 4) != ELFCLASS32) return ElfError.NotClass32;
  if (load<u8>(addr, 5) != ELFDATA2LSB) return ElfError.NotLittleEndian;
  if (<u32>load<u8>(addr, 6) != EV_CURRENT) return ElfError.BadVersion;
  if (load<u16>(addr, 16) != ET_EXEC) return ElfError.NotExecutable;
  if (load<u16>(addr, 18) != EM_386) return ElfError.WrongMachine;
  if (load<u32>(addr, 20) != EV_CURRENT) return ElfError.BadVersion;
  if (<u32>load<u16>(addr, 42) != ELF_PHDR_SIZE) return ElfError.BadProgramHeaderSize;
  const phoff = load<u32>(addr, 28);
  const phnum = <u32>load<u16>(addr, 44);
  // u64: phoff + 65535 * 32 cannot wrap.
  if (<u64>phoff + <u64>phnum * <u64>ELF_PHDR_SIZE > <u64>size) return ElfError.ProgramHeadersPastEnd;
  if (phnum > ELF_MAX_PROGRAM_HEADERS) return ElfError.TooManyProgramHeaders;
  return ElfError.Ok;
}

// Validates one PT_LOAD header on its own and appends it to the table.
// A segment with p_memsz 0 occupies no page: it is checked against the
// file but not recorded.
function checkLoadSegment(ph: usize, index: i32, size: u32): ElfError {
  const offset = load<u32>(ph, 4);
  const vaddr = load<u32>(ph, 8);
  const filesz = load<u32>(ph, 16);
  const memsz = load<u32>(ph, 20);
  const flags = load<u32>(ph, 24);
  if (filesz > memsz) return ElfError.FileSizeAboveMemSize;
  if (<u64>offset + <u64>filesz > <u64>size) return ElfError.SegmentPastEndOfFile;
  if (memsz == 0) return ElfError.Ok;
  if (<u64>vaddr + <u64>memsz > ELF_USER_TOP) return ElfError.SegmentInKernelSpace;
  if (vaddr < PAGE_SIZE) return ElfError.SegmentInPageZero;
  if ((vaddr & PAGE_MASK) != (offset & PAGE_MASK)) return ElfError.SegmentMisaligned;
  if (memsz > ELF_MAX_SEGMENT_BYTES) return ElfError.SegmentTooLarge;
  if (pending >= ELF_MAX_SEGMENTS) return ElfError.TooManySegments;
  // vaddr + memsz <= ELF_USER_TOP (checked above), so no sum below wraps.
  const e = segmentEntry(pending);
  store<u32>(e, vaddr, 0);
  store<u32>(e, memsz, 4);
  store<u32>(e, filesz, 8);
  store<u32>(e, offset, 12);
  store<u32>(e, flags, 16);
  store<u32>(e, vaddr >> PAGE_BITS, 20);
  store<u32>(e, (vaddr + memsz + PAGE_MASK) >> PAGE_BITS, 24);
  store<u32>(e, <u32>index, 28);
  pending++;
  return ElfError.Ok;
}

// The checks across segments: total size, overlaps, the entry point.
function checkImage(entryPoint: u32): ElfError {
  if (pending == 0) return fail(ElfError.NoLoadableSegment, -1);
  let pages: u64 = 0;
  for (let i = 0; i < pending; i++) {
    const a = segmentEntry(i);
    pages += <u64>(load<u32>(a, 24) - load<u32>(a, 20));
    if (pages << PAGE_BITS > ELF_MAX_IMAGE_BYTES) return fail(ElfError.ImageTooLarge, <i32>load<u32>(a, 28));
  }
  for (let i = 0; i < pending; i++) {
    const a = segmentEntry(i);
    for (let j = 0; j < i; j++) {
      const b = segmentEntry(j);
      // Page ranges [first, end) intersect.
      if (load<u32>(a, 20) < load<u32>(b, 24) && load<u32>(b, 20) < load<u32>(a, 24)) {
        return fail(ElfError.SegmentsOverlap, <i32>load<u32>(a, 28));
      }
    }
  }
  for (let i = 0; i < pending; i++) {
    const s = segmentEntry(i);
    const vaddr = load<u32>(s, 0);
    if ((load<u32>(s, 16) & PF_X) != 0 && entryPoint >= vaddr && entryPoint - vaddr < load<u32>(s, 4)) {
      return ElfError.Ok;
    }
  }
  return fail(ElfError.EntryNotExecutable, -1);
}

function checkElf(addr: usize, size: u32): ElfError {
  const err = checkHeader(addr, size);
  if (err != ElfError.Ok) return fail(err, -1);
  const phoff = load<u32>(addr, 28);
  const phnum = <i32>load<u16>(addr, 44);
  for (let i = 0; i < phnum; i++) {
    const ph = addr + <usize>phoff + <usize>i * <usize>ELF_PHDR_SIZE;
    const type = load<u32>(ph, 0);
    if (type == PT_INTERP || type == PT_DYNAMIC) return fail(ElfError.NotStaticallyLinked, i);
    if (type != PT_LOAD) continue; // PT_NOTE, PT_PHDR, PT_GNU_STACK, PT_GNU_RELRO, ...
    const segErr = checkLoadSegment(ph, i, size);
    if (segErr != ElfError.Ok) return fail(segErr, i);
  }
  return checkImage(load<u32>(addr, 24));
}

/**
 * Checks the ELF file at address `addr` (in the caller's address space), `size` bytes long,
 * reading nothing at or beyond addr + size. On success the accessors
 * below describe its entry point and loadable segments; on failure the
 * table is empty and elfErrorIndex says which program header failed.
 */
export function elfCheck(addr: usize, size: u32): ElfError {
  pending = 0;
  segments = 0;
  entry = 0;
  errorIndex = -1;
  const err = checkElf(addr, size);
  if (err != ElfError.Ok) {
    pending = 0;
    return err;
  }
  segments = pending;
  entry = load<u32>(addr, 24);
  return ElfError.Ok;
}

/**
 * After a failed check: the index of the offending program header (for
 * SegmentsOverlap the later of the two, for ImageTooLarge the one that
 * crossed the limit), or -1 for errors of the file as a whole.
 */
export function elfErrorIndex(): i32 {
  return errorIndex;
}

// ── Accessors ──────────────────────────────────────────────────────────
// Out-of-range indices give 0 (and false), never a trap.

/** The entry point (e_entry) of the last accepted file; 0 if none. */
export function elfEntry(): u32 {
  return entry;
}

/** The number of loadable segments (PT_LOAD with p_memsz > 0). */
export function elfSegmentCount(): i32 {
  return segments;
}

export function elfSegmentVaddr(i: i32): u32 {
  return i >= 0 && i < segments ? load<u32>(segmentEntry(i), 0) : 0;
}

/** Bytes in memory; those past elfSegmentFileSize are zero (bss). */
export function elfSegmentMemSize(i: i32): u32 {
  return i >= 0 && i < segments ? load<u32>(segmentEntry(i), 4) : 0;
}

export function elfSegmentFileSize(i: i32): u32 {
  return i >= 0 && i < segments ? load<u32>(segmentEntry(i), 8) : 0;
}

/** Where the segment's bytes start in the file. */
export function elfSegmentFileOffset(i: i32): u32 {
  return i >= 0 && i < segments ? load<u32>(segmentEntry(i), 12) : 0;
}

export function elfSegmentWritable(i: i32): bool {
  return i >= 0 && i < segments && (load<u32>(segmentEntry(i), 16) & PF_W) != 0;
}

export function elfSegmentExecutable(i: i32): bool {
  return i >= 0 && i < segments && (load<u32>(segmentEntry(i), 16) & PF_X) != 0;
}

/** The first page's virtual address (p_vaddr rounded down to 4 KiB). */
export function elfSegmentPageBase(i: i32): u32 {
  return i >= 0 && i < segments ? load<u32>(segmentEntry(i), 20) << PAGE_BITS : 0;
}

/** The number of pages the segment spans. */
export function elfSegmentPageCount(i: i32): u32 {
  return i >= 0 && i < segments ? load<u32>(segmentEntry(i), 24) - load<u32>(segmentEntry(i), 20) : 0;
}
