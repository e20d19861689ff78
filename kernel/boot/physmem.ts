// kernel/boot/physmem.ts: the free physical memory list and the boot page allocator.
//
// Owns: turning the firmware's available RAM regions and the ranges the
// boot already uses (low memory, the kernel image, boot modules, the
// Multiboot2 information) into the list of free physical regions: page
// aligned, sorted, disjoint, merged. That list is what becomes the root
// task's untyped memory. Also the boot-time page allocator, which takes
// pages off the bottom of that list, so the list stays the truth about
// free memory.
// Must not: touch the memory it describes (it only does arithmetic on
// physical addresses; callers zero pages through the kernel window),
// allocate, divide 64-bit numbers, or trap on any input. Running out of
// table space is an error code, never a silent cut: a missing reservation
// would hand memory in use to userland.
//
// Ends are never computed as base + length (a region may end exactly at
// 2^64): available regions are merged as [base, last byte], and from then
// on all arithmetic is in page frame numbers (address >> 12, end frame at
// most 2^52) held in u64, so regions above 4 GiB need nothing special.

import { PAGE_SIZE, PAGE_BITS, KERNEL_WINDOW_SIZE } from "../arch/x86/machine.gen";
// @ts-ignore: decorator
@inline export const PHYS_PAGE_SIZE: u64 = <u64>PAGE_SIZE;
// @ts-ignore: decorator
@inline const PAGE_SHIFT: u64 = <u64>PAGE_BITS;
// @ts-ignore: decorator
@inline const PAGE_MASK: u64 = 0xFFF;

/** Table capacities: available regions, reservations, free regions. */
// @ts-ignore: decorator
@inline export const PHYS_MAX_AVAILABLE: i32 = 64;
// @ts-ignore: decorator
@inline export const PHYS_MAX_RESERVED: i32 = 64;
// @ts-ignore: decorator
@inline export const PHYS_MAX_FREE: i32 = 64;

/** The default allocation limit: what the kernel window maps. */
// @ts-ignore: decorator
@inline export const PHYS_DEFAULT_ALLOC_LIMIT: u64 = <u64>KERNEL_WINDOW_SIZE;

/** Why a range is reserved (physReserve's `why`), for the boot log. */
// @ts-ignore: decorator
@inline export const PHYS_RESERVE_LOW_MEMORY: u32 = 0;
// @ts-ignore: decorator
@inline export const PHYS_RESERVE_KERNEL_IMAGE: u32 = 1;
// @ts-ignore: decorator
@inline export const PHYS_RESERVE_BOOT_MODULE: u32 = 2;
// @ts-ignore: decorator
@inline export const PHYS_RESERVE_BOOT_INFO: u32 = 3;

/** Why the free list could not be built (or a region not recorded). */
export enum PhysError {
  Ok = 0,
  /** More than PHYS_MAX_AVAILABLE non-empty available regions. */
  TooManyAvailable = 1,
  /** More than PHYS_MAX_RESERVED non-empty reservations. */
  TooManyReserved = 2,
  /** A region's base + length runs past 2^64. */
  RegionWraps = 3,
  /** The free regions do not fit in PHYS_MAX_FREE entries. */
  TooManyFreeRegions = 4,
  /** Regions added or the list rebuilt after pages were allocated from it. */
  AllocationStarted = 5,
}

/** The error's name, e.g. "TooManyReserved"; "Unknown" for other values. */
export function physErrorName(err: PhysError): string {
  switch (err) {
    case PhysError.Ok: return "Ok";
    case PhysError.TooManyAvailable: return "TooManyAvailable";
    case PhysError.TooManyReserved: return "TooManyReserved";
    case PhysError.RegionWraps: return "RegionWraps";
    case PhysError.TooManyFreeRegions: return "TooManyFreeRegions";
    case PhysError.AllocationStarted: return "AllocationStarted";
    default: return "Unknown";
  }
}

/** A reservation reason's name, for the boot log. */
export function physReserveName(why: u32): string {
  switch (why) {
    case PHYS_RESERVE_LOW_MEMORY: return "low memory";
    case PHYS_RESERVE_KERNEL_IMAGE: return "kernel image";
    case PHYS_RESERVE_BOOT_MODULE: return "boot module";
    case PHYS_RESERVE_BOOT_INFO: return "boot information";
    default: return "other";
  }
}

// ── Static tables ──────────────────────────────────────────────────────

// Inputs, as given (RANGE_SIZE bytes each):
//   /* 0 */ u64 base  /* 8 */ u64 length  /* 16 */ u32 why (reservations)  /* 20 */ u32 (padding)
// @ts-ignore: decorator
@inline const INPUT_SIZE: usize = 24;
// Ranges (RANGE_SIZE bytes each), normally of page frames [first, end):
//   /* 0 */ u64 first frame  /* 8 */ u64 end frame (exclusive)
// (availableFrames first holds byte ranges [base, last byte]; see
// availableFrameRanges.)
// @ts-ignore: decorator
@inline const RANGE_SIZE: usize = 16;

const availableTable = memory.data(<i32>INPUT_SIZE * PHYS_MAX_AVAILABLE, 8);
const reservedTable = memory.data(<i32>INPUT_SIZE * PHYS_MAX_RESERVED, 8);
/** physBuild's scratch: available ranges (bytes, then frames), reserved frames. */
const availableFrames = memory.data(<i32>RANGE_SIZE * PHYS_MAX_AVAILABLE, 8);
const reservedFrames = memory.data(<i32>RANGE_SIZE * PHYS_MAX_RESERVED, 8);
/** The result: free frames, sorted, disjoint, never adjacent. */
const freeTable = memory.data(<i32>RANGE_SIZE * PHYS_MAX_FREE, 8);

let availableCount: i32 = 0;
/** After physBuild: the available RAM, merged and page aligned inward, in availableFrames[0..ramCount). */
let ramCount: i32 = 0;
let reservedCount: i32 = 0;
let freeCount: i32 = 0;
/** The first error of physAddAvailable/physReserve; physBuild reports it. */
let pendingError: PhysError = PhysError.Ok;
let allocLimit: u64 = PHYS_DEFAULT_ALLOC_LIMIT;
let allocatedPages: u32 = 0;

// @ts-ignore: decorator
@inline function rangeFirst(table: usize, i: i32): u64 {
  return load<u64>(table + <usize>i * RANGE_SIZE, 0);
}

// @ts-ignore: decorator
@inline function rangeEnd(table: usize, i: i32): u64 {
  return load<u64>(table + <usize>i * RANGE_SIZE, 8);
}

// @ts-ignore: decorator
@inline function setRange(table: usize, i: i32, first: u64, end: u64): void {
  const e = table + <usize>i * RANGE_SIZE;
  store<u64>(e, first, 0);
  store<u64>(e, end, 8);
}

/** Forgets every region, reservation and allocation; the limit goes back to the window's size. */
export function physReset(): void {
  availableCount = 0;
  ramCount = 0;
  reservedCount = 0;
  freeCount = 0;
  pendingError = PhysError.Ok;
  allocLimit = PHYS_DEFAULT_ALLOC_LIMIT;
  allocatedPages = 0;
}

// ── Input ──────────────────────────────────────────────────────────────

// The first error sticks until physReset: physBuild reports it even if
// the caller ignored the return value.
function note(err: PhysError): PhysError {
  if (pendingError == PhysError.Ok) pendingError = err;
  return err;
}

// [base, base + length) may end exactly at 2^64 but not beyond.
// @ts-ignore: decorator
@inline function wraps(base: u64, length: u64): bool {
  return base != 0 && length > <u64>0 - base;
}

/**
 * Adds a region of usable RAM (a type 1 memory map entry). Regions may
 * be unaligned, unsorted and overlapping. A zero length adds nothing.
 */
export function physAddAvailable(base: u64, length: u64): PhysError {
  if (allocatedPages != 0) return PhysError.AllocationStarted;
  if (wraps(base, length)) return note(PhysError.RegionWraps);
  if (length == 0) return PhysError.Ok;
  if (availableCount >= PHYS_MAX_AVAILABLE) return note(PhysError.TooManyAvailable);
  const e = availableTable + <usize>availableCount * INPUT_SIZE;
  store<u64>(e, base, 0);
  store<u64>(e, length, 8);
  store<u32>(e, 0, 16);
  store<u32>(e, 0, 20);
  availableCount++;
  return PhysError.Ok;
}

/**
 * Marks [base, base + length) as in use, for reason `why`
 * (PHYS_RESERVE_*). Every page it touches is kept out of the free list.
 * Reservations may overlap each other and lie outside available RAM.
 */
export function physReserve(base: u64, length: u64, why: u32): PhysError {
  if (allocatedPages != 0) return PhysError.AllocationStarted;
  if (wraps(base, length)) return note(PhysError.RegionWraps);
  if (length == 0) return PhysError.Ok;
  if (reservedCount >= PHYS_MAX_RESERVED) return note(PhysError.TooManyReserved);
  const e = reservedTable + <usize>reservedCount * INPUT_SIZE;
  store<u64>(e, base, 0);
  store<u64>(e, length, 8);
  store<u32>(e, why, 16);
  store<u32>(e, 0, 20);
  reservedCount++;
  return PhysError.Ok;
}

// ── Building the free list ─────────────────────────────────────────────

// Sorts n ranges (u64 pairs) by their first u64 (insertion sort: n <= 64,
// and firmware maps come nearly sorted), then merges overlapping and
// adjacent ones in place. `inclusive`: the second u64 is the last unit in
// the range, not one past it. Returns the new count.
function sortAndMerge(table: usize, n: i32, inclusive: bool): i32 {
  for (let i = 1; i < n; i++) {
    const first = rangeFirst(table, i);
    const end = rangeEnd(table, i);
    let j = i - 1;
    while (j >= 0 && rangeFirst(table, j) > first) {
      setRange(table, j + 1, rangeFirst(table, j), rangeEnd(table, j));
      j--;
    }
    setRange(table, j + 1, first, end);
  }
  if (n == 0) return 0;
  let out = 0;
  for (let i = 1; i < n; i++) {
    const first = rangeFirst(table, i);
    const end = rangeEnd(table, i);
    const curEnd = rangeEnd(table, out);
    // Adjacent: first == curEnd (exclusive) or first == curEnd + 1
    // (inclusive; written as first - 1 so curEnd = 2^64 - 1 cannot wrap).
    const touches = inclusive ? (first == 0 || first - 1 <= curEnd) : first <= curEnd;
    if (touches) {
      if (end > curEnd) setRange(table, out, rangeFirst(table, out), end);
    } else {
      out++;
      setRange(table, out, first, end);
    }
  }
  return out + 1;
}

// Fills availableFrames with the frames wholly inside available RAM,
// sorted and disjoint. Regions are merged byte-wise before rounding, so
// two unaligned regions that meet inside a page still free that page.
// Page 0 is left out. Returns the count.
function availableFrameRanges(): i32 {
  // [base, last byte]: inclusive, so a region ending at 2^64 fits a u64.
  for (let i = 0; i < availableCount; i++) {
    const e = availableTable + <usize>i * INPUT_SIZE;
    setRange(availableFrames, i, load<u64>(e, 0), load<u64>(e, 0) + load<u64>(e, 8) - 1);
  }
  const merged = sortAndMerge(availableFrames, availableCount, true);
  let n = 0;
  for (let i = 0; i < merged; i++) {
    const base = rangeFirst(availableFrames, i);
    const last = rangeEnd(availableFrames, i);
    // Inward: base rounded up, end (last + 1) rounded down, in frames.
    let first = (base >> PAGE_SHIFT) + ((base & PAGE_MASK) != 0 ? 1 : 0);
    const end = (last >> PAGE_SHIFT) + ((last & PAGE_MASK) == PAGE_MASK ? 1 : 0);
    if (first == 0) first = 1;
    if (first < end) setRange(availableFrames, n++, first, end); // n <= i: in place
  }
  return n;
}

// Fills reservedFrames with the frames any reservation touches, sorted
// and disjoint. Returns the count.
function reservedFrameRanges(): i32 {
  for (let i = 0; i < reservedCount; i++) {
    const e = reservedTable + <usize>i * INPUT_SIZE;
    const base = load<u64>(e, 0);
    const length = load<u64>(e, 8);
    // Outward: base rounded down, end rounded up, summed from the parts
    // so that an end at 2^64 (frame 2^52) does not overflow.
    const end = (base >> PAGE_SHIFT) + (length >> PAGE_SHIFT) +
      (((base & PAGE_MASK) + (length & PAGE_MASK) + PAGE_MASK) >> PAGE_SHIFT);
    setRange(reservedFrames, i, base >> PAGE_SHIFT, end);
  }
  return sortAndMerge(reservedFrames, reservedCount, false);
}

// Appends a free range; false when the table is full.
function emitFree(first: u64, end: u64): bool {
  if (freeCount >= PHYS_MAX_FREE) return false;
  setRange(freeTable, freeCount, first, end);
  freeCount++;
  return true;
}

/**
 * Computes the free regions: available minus reserved, each page aligned
 * inward, sorted by base, merged where adjacent, empty ones dropped.
 * Physical page 0 is never free (0 is physAllocPage's "none", and the
 * real-mode interrupt table lives there). On failure the list is empty.
 * May be called again (after more regions) until the first allocation.
 */
export function physBuild(): PhysError {
  if (allocatedPages != 0) return PhysError.AllocationStarted;
  freeCount = 0;
  if (pendingError != PhysError.Ok) return pendingError;

  const na = availableFrameRanges();
  ramCount = na;
  const nr = reservedFrameRanges();

  // Both lists are sorted and disjoint: one pass subtracts. A reservation
  // reaching past one available region stays current for the next.
  let r = 0;
  for (let i = 0; i < na; i++) {
    let cur = rangeFirst(availableFrames, i);
    const end = rangeEnd(availableFrames, i);
    while (r < nr && rangeEnd(reservedFrames, r) <= cur) r++;
    let k = r;
    while (cur < end) {
      if (k < nr && rangeFirst(reservedFrames, k) < end) {
        const rFirst = rangeFirst(reservedFrames, k);
        const rEnd = rangeEnd(reservedFrames, k);
        if (rFirst > cur && !emitFree(cur, rFirst)) {
          freeCount = 0;
          return PhysError.TooManyFreeRegions;
        }
        if (rEnd >= end) break;
        cur = rEnd;
        k++;
      } else {
        if (!emitFree(cur, end)) {
          freeCount = 0;
          return PhysError.TooManyFreeRegions;
        }
        cur = end;
      }
    }
    r = k;
  }
  return PhysError.Ok;
}

// ── The free list ──────────────────────────────────────────────────────
// Out-of-range indices give 0, never a trap.

/**
 * After physBuild: the RAM regions (free, reserved or allocated), sorted,
 * merged and page aligned inward; everything else below 4 GiB is device
 * space (kernel/boot/untypeds.ts hands both out).
 */
export function physRamCount(): i32 {
  return ramCount;
}

export function physRamBase(i: i32): u64 {
  return i >= 0 && i < ramCount ? rangeFirst(availableFrames, i) << PAGE_SHIFT : 0;
}

export function physRamEnd(i: i32): u64 {
  return i >= 0 && i < ramCount ? rangeEnd(availableFrames, i) << PAGE_SHIFT : 0;
}

export function physFreeCount(): i32 {
  return freeCount;
}

/** Region i's physical base address (4 KiB aligned). */
export function physFreeBase(i: i32): u64 {
  return i >= 0 && i < freeCount ? rangeFirst(freeTable, i) << PAGE_SHIFT : 0;
}

/** Region i's length in bytes (a multiple of 4 KiB, never 0). */
export function physFreeLength(i: i32): u64 {
  return i >= 0 && i < freeCount ? (rangeEnd(freeTable, i) - rangeFirst(freeTable, i)) << PAGE_SHIFT : 0;
}

/** The bytes in all free regions. */
export function physFreeTotal(): u64 {
  let frames: u64 = 0;
  for (let i = 0; i < freeCount; i++) frames += rangeEnd(freeTable, i) - rangeFirst(freeTable, i);
  return frames << PAGE_SHIFT;
}

export function physReservedCount(): i32 {
  return reservedCount;
}

/** Reservation i as given to physReserve (unrounded). */
export function physReservedBase(i: i32): u64 {
  return i >= 0 && i < reservedCount ? load<u64>(reservedTable + <usize>i * INPUT_SIZE, 0) : 0;
}

export function physReservedLength(i: i32): u64 {
  return i >= 0 && i < reservedCount ? load<u64>(reservedTable + <usize>i * INPUT_SIZE, 8) : 0;
}

export function physReservedWhy(i: i32): u32 {
  return i >= 0 && i < reservedCount ? load<u32>(reservedTable + <usize>i * INPUT_SIZE, 16) : 0;
}

// ── The boot page allocator ────────────────────────────────────────────

/**
 * Sets the address below which allocated pages must lie entirely (the
 * kernel can only touch memory inside its window). Default: the window's size.
 */
export function physSetAllocLimit(limit: u64): void {
  allocLimit = limit;
}

export function physAllocLimit(): u64 {
  return allocLimit;
}

/**
 * Takes the lowest free 4 KiB page and removes it from the free list;
 * returns its physical address, or 0 when no free page lies entirely
 * below the allocation limit. The page is not zeroed.
 */
export function physAllocPage(): u64 {
  return physAllocAligned(<u32>PAGE_SHIFT);
}

/**
 * Takes the lowest free block of 2^bits bytes aligned to its size (bits
 * 12..31) and removes it from the free list; returns its physical address,
 * or 0 when no such block lies entirely below the allocation limit (or the
 * free list has no room to split a region around it). Not zeroed. What is
 * skipped for alignment stays free.
 */
export function physAllocAligned(bits: u32): u64 {
  if (bits < <u32>PAGE_SHIFT || bits > 31) return 0;
  const frames: u64 = <u64>1 << (<u64>bits - PAGE_SHIFT);
  const limit = allocLimit >> PAGE_SHIFT;
  for (let i = 0; i < freeCount; i++) {
    const first = rangeFirst(freeTable, i);
    const end = rangeEnd(freeTable, i);
    const block = (first + frames - 1) & ~(frames - 1);
    if (block + frames > end) continue;
    // The list is sorted: a block past the limit here is past it everywhere later.
    if (block + frames > limit) return 0;
    const before = block > first;
    const after = block + frames < end;
    if (before && after) {
      if (freeCount == PHYS_MAX_FREE) return 0;
      for (let j = freeCount; j > i + 1; j--) setRange(freeTable, j, rangeFirst(freeTable, j - 1), rangeEnd(freeTable, j - 1));
      setRange(freeTable, i, first, block);
      setRange(freeTable, i + 1, block + frames, end);
      freeCount++;
    } else if (before) {
      setRange(freeTable, i, first, block);
    } else if (after) {
      setRange(freeTable, i, block + frames, end);
    } else {
      for (let j = i + 1; j < freeCount; j++) setRange(freeTable, j - 1, rangeFirst(freeTable, j), rangeEnd(freeTable, j));
      freeCount--;
    }
    allocatedPages += <u32>frames;
    return block << PAGE_SHIFT;
  }
  return 0;
}

/** Pages handed out by physAllocPage and physAllocAligned since the last physReset. */
export function physAllocatedPages(): u32 {
  return allocatedPages;
}
