// kernel/lib/format.ts: numbers and sizes as text, straight to the console.
//
// Owns: turning integers into characters (unsigned and signed decimal,
// fixed-width hex, exact binary sizes) and the padding that lines them up
// in tables. Every character goes out through console.putc, one at a time;
// nothing is built in memory except a 16-byte static digit scratch.
// Must not: allocate, use floats, or divide 64-bit integers: i64.div_u
// becomes a libgcc call (__udivdi3) in the i386 build, which the
// freestanding kernel does not link. 64-bit decimal is done by subtracting
// powers of ten; hex and sizes use only shifts and masks.

import { putc, puts } from "../console";

// @ts-ignore: decorator
@inline const CHAR_0: u32 = 0x30;
// @ts-ignore: decorator
@inline const CHAR_A_LOWER: u32 = 0x61;
// @ts-ignore: decorator
@inline const CHAR_SPACE: u32 = 0x20;
// @ts-ignore: decorator
@inline const CHAR_MINUS: u32 = 0x2D;
// @ts-ignore: decorator
@inline const CHAR_X: u32 = 0x78;

/** 10^0 .. 10^19 (10^19 is the largest power of ten below 2^64). */
const POW10 = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
  1000000000000000, 10000000000000000, 100000000000000000,
  1000000000000000000, 10000000000000000000,
]);
// @ts-ignore: decorator
@inline const POW10_LAST: i32 = 19;

/** Digits of a u32, least significant first (at most 10). */
const DIGIT_SCRATCH = memory.data(16);

/** The number of decimal digits in `v` (1 for 0). */
export function decimalWidth(v: u64): i32 {
  let n = 1;
  while (n <= POW10_LAST && v >= load<u64>(POW10 + (<usize>n << 3))) n++;
  return n;
}

/** Writes `v` in unsigned decimal, with 32-bit division only. */
export function putDec32(v: u32): void {
  let n: usize = 0;
  do {
    store<u8>(DIGIT_SCRATCH + n, <u8>(CHAR_0 + v % 10));
    v /= 10;
    n++;
  } while (v != 0);
  while (n > 0) {
    n--;
    putc(<u32>load<u8>(DIGIT_SCRATCH + n));
  }
}

/** Writes `v` in unsigned decimal. */
export function putDec(v: u64): void {
  if (v <= <u64>u32.MAX_VALUE) {
    putDec32(<u32>v);
    return;
  }
  // v >= 2^32 has at least 10 digits: peel each one off by subtraction
  // (at most 9 per digit), from the highest power of ten down.
  for (let k = decimalWidth(v) - 1; k >= 0; k--) {
    const p = load<u64>(POW10 + (<usize>k << 3));
    let d: u32 = 0;
    while (v >= p) {
      v -= p;
      d++;
    }
    putc(CHAR_0 + d);
  }
}

/** Writes `v` in decimal with a leading "-" when negative. */
export function putSigned(v: i64): void {
  if (v < 0) {
    putc(CHAR_MINUS);
    putDec(<u64>0 - <u64>v); // also right for i64.MIN_VALUE
  } else {
    putDec(<u64>v);
  }
}

/** The number of hex digits needed for `v` (1 for 0). */
export function hexWidth(v: u64): i32 {
  let n = 1;
  while (n < 16 && (v >> (<u64>n << 2)) != 0) n++;
  return n;
}

/**
 * Writes "0x" and `v` in lower-case hex, zero-padded to `digits` digits
 * (clamped to 1..16). A value wider than `digits` is written in full,
 * never truncated.
 */
export function putHex(v: u64, digits: i32): void {
  let n = digits < 1 ? 1 : digits > 16 ? 16 : digits;
  const need = hexWidth(v);
  if (need > n) n = need;
  putc(CHAR_0);
  putc(CHAR_X);
  for (let i = n - 1; i >= 0; i--) {
    const nibble = <u32>(v >> (<u64>i << 2)) & 0xF;
    putc(nibble < 10 ? CHAR_0 + nibble : CHAR_A_LOWER + nibble - 10);
  }
}

/** Writes `n` spaces (nothing when n <= 0). */
export function putSpaces(n: i32): void {
  for (let i = 0; i < n; i++) putc(CHAR_SPACE);
}

/** Writes `v` in decimal, right-aligned in `width` columns. */
export function putDecPadded(v: u64, width: i32): void {
  putSpaces(width - decimalWidth(v));
  putDec(v);
}

/** Writes `v` in decimal, right-aligned in `width` columns. */
export function putSignedPadded(v: i64, width: i32): void {
  const w = v < 0 ? decimalWidth(<u64>0 - <u64>v) + 1 : decimalWidth(<u64>v);
  putSpaces(width - w);
  putSigned(v);
}

/** Writes `s` left-aligned in `width` columns. */
export function putStringPadded(s: string, width: i32): void {
  puts(s);
  putSpaces(width - s.length);
}

// Binary size units: the shift of each unit, largest first, and its name.
// @ts-ignore: decorator
@inline const SIZE_UNITS: i32 = 6;

function sizeUnitShift(i: i32): u64 {
  return <u64>(60 - i * 10); // EiB, PiB, TiB, GiB, MiB, KiB
}

function sizeUnitName(i: i32): string {
  switch (i) {
    case 0: return "EiB";
    case 1: return "PiB";
    case 2: return "TiB";
    case 3: return "GiB";
    case 4: return "MiB";
    case 5: return "KiB";
    default: return "B";
  }
}

// The largest unit that divides `bytes` exactly; SIZE_UNITS means bytes.
function sizeUnit(bytes: u64): i32 {
  if (bytes == 0) return SIZE_UNITS;
  for (let i = 0; i < SIZE_UNITS; i++) {
    const mask = (<u64>1 << sizeUnitShift(i)) - 1;
    if ((bytes & mask) == 0) return i;
  }
  return SIZE_UNITS;
}

/** The number of columns putSize(bytes) writes. */
export function sizeWidth(bytes: u64): i32 {
  const u = sizeUnit(bytes);
  const n = u == SIZE_UNITS ? bytes : bytes >> sizeUnitShift(u);
  return decimalWidth(n) + 1 + sizeUnitName(u).length;
}

/**
 * Writes a byte count exactly, in the largest binary unit that divides it:
 * 0xA0000 is "640 KiB", 0x7FE0000 is "2046 MiB", 4096 is "4 KiB",
 * 0 is "0 B", and 1000 (no unit divides it) is "1000 B".
 */
export function putSize(bytes: u64): void {
  const u = sizeUnit(bytes);
  putDec(u == SIZE_UNITS ? bytes : bytes >> sizeUnitShift(u));
  putc(CHAR_SPACE);
  puts(sizeUnitName(u));
}

/** Writes putSize(bytes) right-aligned in `width` columns. */
export function putSizePadded(bytes: u64, width: i32): void {
  putSpaces(width - sizeWidth(bytes));
  putSize(bytes);
}
