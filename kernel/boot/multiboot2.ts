// kernel/boot/multiboot2.ts: the Multiboot2 boot information parser.
//
// Owns: validating the boot information structure that a Multiboot2 loader
// (GRUB) leaves at the address in ebx, and copying what the kernel uses out
// of it into static tables: the command line (tag 1), the boot loader name
// (tag 2), modules (tag 3), basic memory info (tag 4) and the memory map
// (tag 6). After a successful parse nothing points into the loader's
// memory, so that memory can be reused. Also: whole-word lookups in the
// command line.
// Must not: read a byte outside [addr, addr + bound), use a length field
// before checking it, allocate, divide 64-bit numbers, or trap on any
// input. Each malformed structure gives one specific Multiboot2Error, and a
// failed parse leaves every table empty.
//
// see: https://www.gnu.org/software/grub/manual/multiboot2/ (3.6 Boot
// information format); GRUB's include/multiboot2.h.

// ── Layout ─────────────────────────────────────────────────────────────
// Fixed part (8-aligned):          Every tag (8-aligned, padded to 8):
//   /* 0 */ u32 total_size            /* 0 */ u32 type
//   /* 4 */ u32 reserved              /* 4 */ u32 size  (header included,
//   /* 8 */ tags ...                             padding excluded)
// total_size counts the fixed part and every tag up to the end tag.
//
// Tag 1, command line / tag 2, boot loader name:
//   /* 8 */ u8 string[]  NUL-terminated, within size
// Tag 3, module:
//   /* 8 */ u32 mod_start  /* 12 */ u32 mod_end  /* 16 */ u8 string[]
// Tag 4, basic memory info:
//   /* 8 */ u32 mem_lower (KiB below 640 KiB)  /* 12 */ u32 mem_upper (KiB above 1 MiB)
// Tag 6, memory map:
//   /* 8 */ u32 entry_size (multiple of 8, >= 24)  /* 12 */ u32 entry_version
//   /* 16 */ entries, each:
//     /* 0 */ u64 base_addr  /* 8 */ u64 length  /* 16 */ u32 type  /* 20 */ u32 reserved

// @ts-ignore: decorator
@inline export const MB2_TAG_END: u32 = 0;
// @ts-ignore: decorator
@inline export const MB2_TAG_CMDLINE: u32 = 1;
// @ts-ignore: decorator
@inline export const MB2_TAG_BOOTLOADER_NAME: u32 = 2;
// @ts-ignore: decorator
@inline export const MB2_TAG_MODULE: u32 = 3;
// @ts-ignore: decorator
@inline export const MB2_TAG_BASIC_MEMINFO: u32 = 4;
// @ts-ignore: decorator
@inline export const MB2_TAG_MMAP: u32 = 6;

// @ts-ignore: decorator
@inline const FIXED_PART_SIZE: u32 = 8;
// @ts-ignore: decorator
@inline const TAG_HEADER_SIZE: u32 = 8;
// @ts-ignore: decorator
@inline const MODULE_TAG_MIN_SIZE: u32 = 16;
// @ts-ignore: decorator
@inline const MEMINFO_TAG_MIN_SIZE: u32 = 16;
// @ts-ignore: decorator
@inline const MMAP_TAG_HEADER_SIZE: u32 = 16;
// @ts-ignore: decorator
@inline const MMAP_ENTRY_MIN_SIZE: u32 = 24;

/** Memory map region types (spec 3.6.8). Any other value is reserved. */
// @ts-ignore: decorator
@inline export const MEMORY_AVAILABLE: u32 = 1;
// @ts-ignore: decorator
@inline export const MEMORY_RESERVED: u32 = 2;
// @ts-ignore: decorator
@inline export const MEMORY_ACPI_RECLAIMABLE: u32 = 3;
// @ts-ignore: decorator
@inline export const MEMORY_ACPI_NVS: u32 = 4;
// @ts-ignore: decorator
@inline export const MEMORY_BAD: u32 = 5;

// Table capacities. A boot information structure with more is rejected,
// not cut short: silently missing RAM or modules would be worse.
// @ts-ignore: decorator
@inline export const MAX_MEMORY_REGIONS: i32 = 64;
// @ts-ignore: decorator
@inline export const MAX_MODULES: i32 = 16;
/** Buffer sizes for copied strings, the terminating NUL included. */
// @ts-ignore: decorator
@inline export const CMDLINE_CAPACITY: u32 = 1024;
// @ts-ignore: decorator
@inline export const BOOTLOADER_NAME_CAPACITY: u32 = 128;
// @ts-ignore: decorator
@inline export const MODULE_STRING_CAPACITY: u32 = 128;

/** Why a boot information structure was rejected. */
export enum Multiboot2Error {
  Ok = 0,
  /** The start address is not 8-byte aligned. */
  Misaligned = 1,
  /** addr + bound runs past the end of the 32-bit address space. */
  BoundWraps = 2,
  /** Fewer than 8 readable bytes: the fixed part does not fit. */
  TruncatedHeader = 3,
  /** total_size < 16: no room for the fixed part and an end tag. */
  TotalSizeTooSmall = 4,
  /** total_size is larger than the readable bound. */
  TotalSizeTooLarge = 5,
  /** Fewer than 8 bytes are left for the next tag's header. */
  TruncatedTagHeader = 6,
  /** A tag's size is below 8, or below the minimum for its type. */
  TagTooSmall = 7,
  /** A tag's size runs past total_size. */
  TagPastEnd = 8,
  /** The tags run out before a type 0 tag. */
  MissingEndTag = 9,
  /** A type 0 tag whose size is not 8. */
  BadEndTag = 10,
  /** A second command line, boot loader name, meminfo or memory map tag. */
  DuplicateTag = 11,
  /** A string has no NUL before the end of its tag. */
  StringNotTerminated = 12,
  /** A string is longer than its static buffer. */
  StringTooLong = 13,
  /** A module's mod_start is above its mod_end. */
  ModuleRangeInvalid = 14,
  /** A memory map entry_size below 24 or not a multiple of 8. */
  BadMemoryMapEntrySize = 15,
  /** The memory map's entries do not fill its tag exactly. */
  MemoryMapEntryPastTag = 16,
  /** More than MAX_MEMORY_REGIONS memory map entries. */
  TooManyMemoryRegions = 17,
  /** A memory region's base + length runs past 2^64. */
  MemoryRegionWraps = 18,
}

/** The error's name, e.g. "TagPastEnd"; "Unknown" for other values. */
export function multiboot2ErrorName(err: Multiboot2Error): string {
  switch (err) {
    case Multiboot2Error.Ok: return "Ok";
    case Multiboot2Error.Misaligned: return "Misaligned";
    case Multiboot2Error.BoundWraps: return "BoundWraps";
    case Multiboot2Error.TruncatedHeader: return "TruncatedHeader";
    case Multiboot2Error.TotalSizeTooSmall: return "TotalSizeTooSmall";
    case Multiboot2Error.TotalSizeTooLarge: return "TotalSizeTooLarge";
    case Multiboot2Error.TruncatedTagHeader: return "TruncatedTagHeader";
    case Multiboot2Error.TagTooSmall: return "TagTooSmall";
    case Multiboot2Error.TagPastEnd: return "TagPastEnd";
    case Multiboot2Error.MissingEndTag: return "MissingEndTag";
    case Multiboot2Error.BadEndTag: return "BadEndTag";
    case Multiboot2Error.DuplicateTag: return "DuplicateTag";
    case Multiboot2Error.StringNotTerminated: return "StringNotTerminated";
    case Multiboot2Error.StringTooLong: return "StringTooLong";
    case Multiboot2Error.ModuleRangeInvalid: return "ModuleRangeInvalid";
    case Multiboot2Error.BadMemoryMapEntrySize: return "BadMemoryMapEntrySize";
    case Multiboot2Error.MemoryMapEntryPastTag: return "MemoryMapEntryPastTag";
    case Multiboot2Error.TooManyMemoryRegions: return "TooManyMemoryRegions";
    case Multiboot2Error.MemoryRegionWraps: return "MemoryRegionWraps";
    default: return "Unknown";
  }
}

// ── Static tables ──────────────────────────────────────────────────────

// Module table, MODULE_ENTRY_SIZE bytes per module:
//   /* 0 */ u32 mod_start  /* 4 */ u32 mod_end  /* 8 */ u32 string length
//   /* 12 */ u32 (padding)  /* 16 */ u8 string[MODULE_STRING_CAPACITY], NUL-terminated
// @ts-ignore: decorator
@inline const MODULE_ENTRY_SIZE: usize = 16 + <usize>MODULE_STRING_CAPACITY;
// Memory region table, REGION_ENTRY_SIZE bytes per region:
//   /* 0 */ u64 base  /* 8 */ u64 length  /* 16 */ u32 type  /* 20 */ u32 (padding)
// @ts-ignore: decorator
@inline const REGION_ENTRY_SIZE: usize = 24;

const cmdlineBuffer = memory.data(<i32>CMDLINE_CAPACITY, 8);
const bootloaderNameBuffer = memory.data(<i32>BOOTLOADER_NAME_CAPACITY, 8);
const moduleTable = memory.data(<i32>MODULE_ENTRY_SIZE * MAX_MODULES, 8);
const regionTable = memory.data(<i32>REGION_ENTRY_SIZE * MAX_MEMORY_REGIONS, 8);
/** An empty NUL-terminated string, for out-of-range module indices. */
const emptyString = memory.data(8, 8);

let haveCmdline: bool = false;
let cmdlineLen: u32 = 0;
let haveBootloaderName: bool = false;
let bootloaderNameLen: u32 = 0;
let modules: i32 = 0;
/** Well-formed modules beyond MAX_MODULES, left out of the table. */
let skippedModules: i32 = 0;
let haveMeminfo: bool = false;
let memLower: u32 = 0;
let memUpper: u32 = 0;
let haveMemoryMap: bool = false;
let regions: i32 = 0;
let availableBytes: u64 = 0;
let totalSize: u32 = 0;
let errorOffset: u32 = 0;
let errorTagType: u32 = 0;

function resetTables(): void {
  haveCmdline = false;
  cmdlineLen = 0;
  store<u8>(cmdlineBuffer, 0);
  haveBootloaderName = false;
  bootloaderNameLen = 0;
  store<u8>(bootloaderNameBuffer, 0);
  modules = 0;
  skippedModules = 0;
  haveMeminfo = false;
  memLower = 0;
  memUpper = 0;
  haveMemoryMap = false;
  regions = 0;
  availableBytes = 0;
  totalSize = 0;
}

// ── Parsing ────────────────────────────────────────────────────────────

// Records where the parse failed, for multiboot2ErrorOffset/TagType.
function fail(err: Multiboot2Error, offset: u32, tagType: u32): Multiboot2Error {
  errorOffset = offset;
  errorTagType = tagType;
  return err;
}

// The length of the NUL-terminated string in [addr, addr + maxBytes), or
// -1 when there is no NUL in that range.
function boundedStringLength(addr: usize, maxBytes: u32): i32 {
  for (let i: u32 = 0; i < maxBytes; i++) {
    if (load<u8>(addr + i) == 0) return <i32>i;
  }
  return -1;
}

// Copies `len` bytes and a NUL terminator. The caller checked len < capacity.
function copyString(dst: usize, src: usize, len: u32): void {
  for (let i: u32 = 0; i < len; i++) store<u8>(dst + i, load<u8>(src + i));
  store<u8>(dst + len, 0);
}

// Validates the string at tag offset `at` (up to the tag's end) and copies
// it into `dst`; returns its length, or -(error) on failure.
function takeString(tag: usize, size: u32, at: u32, dst: usize, capacity: u32): i32 {
  const len = boundedStringLength(tag + at, size - at);
  if (len < 0) return -<i32>Multiboot2Error.StringNotTerminated;
  if (<u32>len >= capacity) return -<i32>Multiboot2Error.StringTooLong;
  copyString(dst, tag + at, <u32>len);
  return len;
}

function parseModule(tag: usize, size: u32, offset: u32): Multiboot2Error {
  if (size < MODULE_TAG_MIN_SIZE) return fail(Multiboot2Error.TagTooSmall, offset, MB2_TAG_MODULE);
  const start = load<u32>(tag, 8);
  const end = load<u32>(tag, 12);
  if (start > end) return fail(Multiboot2Error.ModuleRangeInvalid, offset, MB2_TAG_MODULE);
  const len = boundedStringLength(tag + MODULE_TAG_MIN_SIZE, size - MODULE_TAG_MIN_SIZE);
  if (len < 0) return fail(Multiboot2Error.StringNotTerminated, offset, MB2_TAG_MODULE);
  if (<u32>len >= MODULE_STRING_CAPACITY) return fail(Multiboot2Error.StringTooLong, offset, MB2_TAG_MODULE);
  // Modules past the table are checked like the others, then counted and skipped: the boot goes on.
  if (modules >= MAX_MODULES) {
    skippedModules++;
    return Multiboot2Error.Ok;
  }
  const entry = moduleTable + <usize>modules * MODULE_ENTRY_SIZE;
  store<u32>(entry, start, 0);
  store<u32>(entry, end, 4);
  store<u32>(entry, <u32>len, 8);
  copyString(entry + 16, tag + MODULE_TAG_MIN_SIZE, <u32>len);
  modules++;
  return Multiboot2Error.Ok;
}

function parseMemoryMap(tag: usize, size: u32, offset: u32): Multiboot2Error {
  if (size < MMAP_TAG_HEADER_SIZE) return fail(Multiboot2Error.TagTooSmall, offset, MB2_TAG_MMAP);
  if (haveMemoryMap) return fail(Multiboot2Error.DuplicateTag, offset, MB2_TAG_MMAP);
  const entrySize = load<u32>(tag, 8);
  // entry_version (offset 12) is ignored: later versions only append
  // fields, which entry_size lets us skip (spec 3.6.8).
  if (entrySize < MMAP_ENTRY_MIN_SIZE || (entrySize & 7) != 0) {
    return fail(Multiboot2Error.BadMemoryMapEntrySize, offset, MB2_TAG_MMAP);
  }
  const bytes = size - MMAP_TAG_HEADER_SIZE;
  if (bytes % entrySize != 0) return fail(Multiboot2Error.MemoryMapEntryPastTag, offset, MB2_TAG_MMAP);
  const count = bytes / entrySize;
  if (count > <u32>MAX_MEMORY_REGIONS) return fail(Multiboot2Error.TooManyMemoryRegions, offset, MB2_TAG_MMAP);
  let available: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const e = tag + MMAP_TAG_HEADER_SIZE + <usize>i * <usize>entrySize;
    const base = load<u64>(e, 0);
    const length = load<u64>(e, 8);
    const type = load<u32>(e, 16);
    // [base, base + length) may end exactly at 2^64 but not beyond.
    if (base != 0 && length > <u64>0 - base) {
      return fail(Multiboot2Error.MemoryRegionWraps, offset + MMAP_TAG_HEADER_SIZE + i * entrySize, MB2_TAG_MMAP);
    }
    const r = regionTable + <usize>i * REGION_ENTRY_SIZE;
    store<u64>(r, base, 0);
    store<u64>(r, length, 8);
    store<u32>(r, type, 16);
    store<u32>(r, 0, 20);
    if (type == MEMORY_AVAILABLE) {
      // Saturate: overlapping bogus regions must not wrap the total.
      available = length > u64.MAX_VALUE - available ? u64.MAX_VALUE : available + length;
    }
  }
  haveMemoryMap = true;
  regions = <i32>count;
  availableBytes = available;
  return Multiboot2Error.Ok;
}

// Validates one tag (header already checked: 8 <= size, inside total_size)
// and records what it carries. Unknown types are skipped.
function parseTag(tag: usize, type: u32, size: u32, offset: u32): Multiboot2Error {
  if (type == MB2_TAG_CMDLINE) {
    if (haveCmdline) return fail(Multiboot2Error.DuplicateTag, offset, type);
    const r = takeString(tag, size, TAG_HEADER_SIZE, cmdlineBuffer, CMDLINE_CAPACITY);
    if (r < 0) return fail(<Multiboot2Error>(-r), offset, type);
    haveCmdline = true;
    cmdlineLen = <u32>r;
  } else if (type == MB2_TAG_BOOTLOADER_NAME) {
    if (haveBootloaderName) return fail(Multiboot2Error.DuplicateTag, offset, type);
    const r = takeString(tag, size, TAG_HEADER_SIZE, bootloaderNameBuffer, BOOTLOADER_NAME_CAPACITY);
    if (r < 0) return fail(<Multiboot2Error>(-r), offset, type);
    haveBootloaderName = true;
    bootloaderNameLen = <u32>r;
  } else if (type == MB2_TAG_MODULE) {
    return parseModule(tag, size, offset);
  } else if (type == MB2_TAG_BASIC_MEMINFO) {
    if (size < MEMINFO_TAG_MIN_SIZE) return fail(Multiboot2Error.TagTooSmall, offset, type);
    if (haveMeminfo) return fail(Multiboot2Error.DuplicateTag, offset, type);
    memLower = load<u32>(tag, 8);
    memUpper = load<u32>(tag, 12);
    haveMeminfo = true;
  } else if (type == MB2_TAG_MMAP) {
    return parseMemoryMap(tag, size, offset);
  }
  return Multiboot2Error.Ok;
}

function parseTags(addr: usize, bound: usize): Multiboot2Error {
  if ((addr & 7) != 0) return fail(Multiboot2Error.Misaligned, 0, 0);
  if (<u64>addr + <u64>bound > <u64>0x1_0000_0000) return fail(Multiboot2Error.BoundWraps, 0, 0);
  if (bound < FIXED_PART_SIZE) return fail(Multiboot2Error.TruncatedHeader, 0, 0);
  const total = load<u32>(addr, 0);
  if (total < FIXED_PART_SIZE + TAG_HEADER_SIZE) return fail(Multiboot2Error.TotalSizeTooSmall, 0, 0);
  if (total > <u32>bound) return fail(Multiboot2Error.TotalSizeTooLarge, 0, 0);
  // From here on every read is below addr + total <= addr + bound.
  let offset: u32 = FIXED_PART_SIZE;
  while (true) {
    if (total - offset < TAG_HEADER_SIZE) return fail(Multiboot2Error.TruncatedTagHeader, offset, 0);
    const tag = addr + offset;
    const type = load<u32>(tag, 0);
    const size = load<u32>(tag, 4);
    if (size < TAG_HEADER_SIZE) return fail(Multiboot2Error.TagTooSmall, offset, type);
    if (size > total - offset) return fail(Multiboot2Error.TagPastEnd, offset, type);
    if (type == MB2_TAG_END) {
      // Bytes after the end tag (if total_size claims any) are ignored.
      if (size != TAG_HEADER_SIZE) return fail(Multiboot2Error.BadEndTag, offset, type);
      totalSize = total;
      return Multiboot2Error.Ok;
    }
    const err = parseTag(tag, type, size, offset);
    if (err != Multiboot2Error.Ok) return err;
    // The next tag starts at the next 8-byte boundary (u64: no wrap).
    const next = (<u64>offset + <u64>size + 7) & ~(<u64>7);
    if (next >= <u64>total) return fail(Multiboot2Error.MissingEndTag, offset, type);
    offset = <u32>next;
  }
  return Multiboot2Error.Ok; // unreachable: the loop only returns
}

/**
 * Parses the boot information at kernel address `addr`, reading nothing
 * at or beyond addr + bound (`bound`: the readable bytes from addr on).
 * On success the accessors below describe it; on failure every table is
 * empty and multiboot2ErrorOffset/TagType say where it failed.
 */
export function parseMultiboot2(addr: usize, bound: usize): Multiboot2Error {
  resetTables();
  errorOffset = 0;
  errorTagType = 0;
  const err = parseTags(addr, bound);
  if (err != Multiboot2Error.Ok) resetTables();
  return err;
}

/** After a failed parse: the byte offset of the offending tag (or entry). */
export function multiboot2ErrorOffset(): u32 {
  return errorOffset;
}

/** After a failed parse: the offending tag's type (0 for header errors). */
export function multiboot2ErrorTagType(): u32 {
  return errorTagType;
}

/** total_size of the last parsed structure (0 if none). */
export function multiboot2TotalSize(): u32 {
  return totalSize;
}

// ── Accessors ──────────────────────────────────────────────────────────
// Out-of-range indices give 0 (and "" for strings), never a trap.

export function hasCmdline(): bool {
  return haveCmdline;
}

/** The copied command line: a NUL-terminated string at this address. */
export function cmdlineAddr(): usize {
  return cmdlineBuffer;
}

export function cmdlineLength(): u32 {
  return cmdlineLen;
}

export function hasBootloaderName(): bool {
  return haveBootloaderName;
}

/** The copied boot loader name: a NUL-terminated string at this address. */
export function bootloaderNameAddr(): usize {
  return bootloaderNameBuffer;
}

export function bootloaderNameLength(): u32 {
  return bootloaderNameLen;
}

/** Boot modules beyond MAX_MODULES that were skipped (the boot log says so). */
export function moduleSkippedCount(): i32 {
  return skippedModules;
}

export function moduleCount(): i32 {
  return modules;
}

function moduleEntry(i: i32): usize {
  return moduleTable + <usize>i * MODULE_ENTRY_SIZE;
}

/** Module i's physical start address (mod_start). */
export function moduleStart(i: i32): u32 {
  return i >= 0 && i < modules ? load<u32>(moduleEntry(i), 0) : 0;
}

/** Module i's physical end address (mod_end, exclusive). */
export function moduleEnd(i: i32): u32 {
  return i >= 0 && i < modules ? load<u32>(moduleEntry(i), 4) : 0;
}

/** Module i's copied string (its command line in grub.cfg). */
export function moduleStringAddr(i: i32): usize {
  return i >= 0 && i < modules ? moduleEntry(i) + 16 : emptyString;
}

export function moduleStringLength(i: i32): u32 {
  return i >= 0 && i < modules ? load<u32>(moduleEntry(i), 8) : 0;
}

export function hasBasicMeminfo(): bool {
  return haveMeminfo;
}

/** KiB of lower memory (starting at 0, at most 640). */
export function memLowerKiB(): u32 {
  return memLower;
}

/** KiB of upper memory (starting at 1 MiB, up to the first hole). */
export function memUpperKiB(): u32 {
  return memUpper;
}

export function hasMemoryMap(): bool {
  return haveMemoryMap;
}

export function memoryRegionCount(): i32 {
  return regions;
}

function regionEntry(i: i32): usize {
  return regionTable + <usize>i * REGION_ENTRY_SIZE;
}

export function memoryRegionBase(i: i32): u64 {
  return i >= 0 && i < regions ? load<u64>(regionEntry(i), 0) : 0;
}

export function memoryRegionLength(i: i32): u64 {
  return i >= 0 && i < regions ? load<u64>(regionEntry(i), 8) : 0;
}

export function memoryRegionType(i: i32): u32 {
  return i >= 0 && i < regions ? load<u32>(regionEntry(i), 16) : 0;
}

/** The sum of all type 1 (available) region lengths, in whole KiB. */
export function availableMemoryKiB(): u64 {
  return availableBytes >> 10;
}

/** A memory map type's name, for the boot log. */
export function memoryTypeName(type: u32): string {
  switch (type) {
    case MEMORY_AVAILABLE: return "available";
    case MEMORY_RESERVED: return "reserved";
    case MEMORY_ACPI_RECLAIMABLE: return "ACPI reclaimable";
    case MEMORY_ACPI_NVS: return "ACPI NVS";
    case MEMORY_BAD: return "bad RAM";
    default: return "reserved (other)";
  }
}

// ── Command line lookups ───────────────────────────────────────────────
// The command line is a list of words separated by spaces or tabs. A word
// is either a flag ("exit-on-halt") or key=value ("loglevel=3").

let lastValueAddr: usize = 0;

// @ts-ignore: decorator
@inline function isSeparator(c: u32): bool {
  return c == 0x20 || c == 0x09;
}

// True if the `n` command-line bytes at `at` equal s[0..n).
function matchesPrefix(at: usize, s: string, n: i32): bool {
  for (let k = 0; k < n; k++) {
    if (<u32>load<u8>(at + <usize>k) != <u32>s.charCodeAt(k)) return false;
  }
  return true;
}

/** True if one whole word of the command line equals `option`. */
export function cmdlineHas(option: string): bool {
  const n = option.length;
  if (n == 0) return false;
  const len = <i32>cmdlineLen;
  let i = 0;
  while (i < len) {
    while (i < len && isSeparator(load<u8>(cmdlineBuffer + i))) i++;
    const start = i;
    while (i < len && !isSeparator(load<u8>(cmdlineBuffer + i))) i++;
    if (i - start == n && matchesPrefix(cmdlineBuffer + start, option, n)) return true;
  }
  return false;
}

/**
 * Looks up the word "key=value": returns the value's length (0 for
 * "key="), or -1 when no word has that key. The value's bytes are at
 * cmdlineValueAddr() until the next parse. When the key occurs more than
 * once the last occurrence wins, as on Linux.
 */
export function cmdlineValue(key: string): i32 {
  const n = key.length;
  if (n == 0) return -1;
  const len = <i32>cmdlineLen;
  let found = -1;
  let i = 0;
  while (i < len) {
    while (i < len && isSeparator(load<u8>(cmdlineBuffer + i))) i++;
    const start = i;
    while (i < len && !isSeparator(load<u8>(cmdlineBuffer + i))) i++;
    if (i - start > n && load<u8>(cmdlineBuffer + start + n) == 0x3D /* = */ &&
        matchesPrefix(cmdlineBuffer + start, key, n)) {
      lastValueAddr = cmdlineBuffer + start + n + 1;
      found = i - start - n - 1;
    }
  }
  return found;
}

/** Where the value found by the last successful cmdlineValue starts. */
export function cmdlineValueAddr(): usize {
  return lastValueAddr;
}

/** True if the command line has the word "key=value" for this value. */
export function cmdlineValueIs(key: string, value: string): bool {
  const n = cmdlineValue(key);
  return n >= 0 && n == value.length && matchesPrefix(lastValueAddr, value, n);
}

/**
 * The value of "key=N" as an unsigned decimal number; `fallback` when the
 * key is absent, the value is empty, has a non-digit, or exceeds u32.
 */
export function cmdlineValueU32(key: string, fallback: u32): u32 {
  const n = cmdlineValue(key);
  if (n <= 0) return fallback;
  let v: u64 = 0;
  for (let k = 0; k < n; k++) {
    const c = <u32>load<u8>(lastValueAddr + <usize>k);
    if (c < 0x30 || c > 0x39) return fallback;
    v = v * 10 + <u64>(c - 0x30);
    if (v > <u64>u32.MAX_VALUE) return fallback;
  }
  return <u32>v;
}
