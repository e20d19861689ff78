// kernel/debug/ksyms.ts: kernel addresses to symbol names, and backtraces.
//
// Owns: reading the symbol table that build/ksyms.ts embeds in .ksyms
// (magic "KSYM", count, line-table offset, sorted {address, nameOffset}
// pairs, names; the line table's sorted {address, file, line} rows and
// file names), printing an address as `name+0xoff file.ts:line`, and
// walking the ebp chain (the kernel is built with frame pointers; the boot
// and entry paths set ebp = 0 at the bottom).
// Must not: trust what it reads: a frame pointer outside the kernel stack
// ends the walk.

import { kernelLayout, LAYOUT_STACK_TOP, LAYOUT_STACK_BOTTOM, LAYOUT_KSYMS, LAYOUT_KSYMS_END } from "../arch/x86/intrinsics";
import { puts, putc } from "../console";
import { putHex, putDec32 } from "../lib/format";

// @ts-ignore: decorator
@inline const KSYM_MAGIC: u32 = 0x4D59534B;
// @ts-ignore: decorator
@inline const MAX_FRAMES: i32 = 16;

function table(): usize {
  const t = <usize>kernelLayout(LAYOUT_KSYMS);
  const end = <usize>kernelLayout(LAYOUT_KSYMS_END);
  if (end - t < 8 || load<u32>(t) != KSYM_MAGIC) return 0;
  const count = load<u32>(t, 4);
  if (<usize>count * 8 + 12 > end - t) return 0;
  return t;
}

/** The line table in blob t, or 0 if it has none or it does not fit. */
function lineTable(t: usize): usize {
  const off = load<u32>(t, 8);
  const size = <usize>kernelLayout(LAYOUT_KSYMS_END) - t;
  if (off == 0 || (off & 3) != 0 || <usize>off + 8 > size) return 0;
  const l = t + <usize>off;
  if (<usize>off + 8 + <usize>load<u32>(l) * 8 + <usize>load<u32>(l, 4) * 4 > size) return 0;
  return l;
}

/** The index of the last of `count` 8-byte entries at `entries` whose first word is at or below addr, or -1. */
function lookup(entries: usize, count: u32, addr: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>count - 1;
  let found: i32 = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (load<u32>(entries + <usize>mid * 8) <= addr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Prints `name+0xoff`, or `?` when no symbol covers addr. */
export function putSymbol(addr: u32): void {
  putSymbolOf(addr, addr);
}

/**
 * Prints the symbol covering `at` as `name+0xoff` with the offset of
 * `addr`. A return address is looked up at addr - 1: a call to a function
 * that never returns may be the last instruction of its caller, and its
 * return address then is the first byte of whatever the linker put next.
 */
function putSymbolOf(addr: u32, at: u32): void {
  const t = table();
  const i = t ? lookup(t + 12, load<u32>(t, 4), at) : -1;
  if (i < 0) {
    putc(0x3F);
    return;
  }
  const entry = t + 12 + <usize>i * 8;
  putName(t + <usize>load<u32>(entry, 4));
  puts("+");
  putHex(addr - load<u32>(entry), 1);
  putLineOf(t, at);
}

function putName(p: usize): void {
  const end = <usize>kernelLayout(LAYOUT_KSYMS_END);
  while (p < end && load<u8>(p) != 0) putc(load<u8>(p++));
}

/** Prints ` file.ts:line` for `at` if the line table has a .ts line there. */
function putLineOf(t: usize, at: u32): void {
  const l = lineTable(t);
  if (l == 0) return;
  const rows = load<u32>(l);
  const i = lookup(l + 8, rows, at);
  if (i < 0) return;
  const row = l + 8 + <usize>i * 8;
  const file = <u32>load<u16>(row, 4);
  if (file >= load<u32>(l, 4)) return; // 0xFFFF: no .ts line here
  puts(" ");
  putName(t + <usize>load<u32>(l + 8 + <usize>rows * 8 + <usize>file * 4));
  putc(0x3A);
  putDec32(<u32>load<u16>(row, 6));
}

/** Prints the return addresses on the ebp chain starting at `ebp`. */
export function putBacktrace(ebp: u32): void {
  const top = <u32>kernelLayout(LAYOUT_STACK_TOP);
  const bottom = <u32>kernelLayout(LAYOUT_STACK_BOTTOM);
  puts("backtrace:\n");
  for (let i = 0; i < MAX_FRAMES && ebp != 0; i++) {
    if (ebp < bottom || ebp + 8 > top || (ebp & 3) != 0) {
      puts("  (frame pointer ");
      putHex(ebp, 8);
      puts(" outside the kernel stack)\n");
      return;
    }
    const ret = load<u32>(<usize>ebp, 4);
    puts("  ");
    putHex(ret, 8);
    puts(" ");
    putSymbolOf(ret, ret - 1);
    puts("\n");
    ebp = load<u32>(<usize>ebp);
  }
}
