// kernel/debug/ksyms.ts: kernel addresses to symbol names, and backtraces.
//
// Owns: reading the symbol table that build/ksyms.ts embeds in .ksyms
// (magic "KSYM", count, sorted {address, nameOffset} pairs, names), and
// walking the ebp chain (the kernel is built with frame pointers; the boot
// and entry paths set ebp = 0 at the bottom).
// Must not: trust what it reads: a frame pointer outside the kernel stack
// ends the walk.

import { kernelLayout, LAYOUT_STACK_TOP, LAYOUT_STACK_BOTTOM, LAYOUT_KSYMS, LAYOUT_KSYMS_END } from "../arch/x86/intrinsics";
import { puts, putc } from "../console";
import { putHex } from "../lib/format";

// @ts-ignore: decorator
@inline const KSYM_MAGIC: u32 = 0x4D59534B;
// @ts-ignore: decorator
@inline const MAX_FRAMES: i32 = 16;

function table(): usize {
  const t = <usize>kernelLayout(LAYOUT_KSYMS);
  const end = <usize>kernelLayout(LAYOUT_KSYMS_END);
  if (end - t < 8 || load<u32>(t) != KSYM_MAGIC) return 0;
  const count = load<u32>(t, 4);
  if (<usize>count * 8 + 8 > end - t) return 0;
  return t;
}

/** The index of the last symbol at or below addr, or -1. */
function lookup(t: usize, addr: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>load<u32>(t, 4) - 1;
  let found: i32 = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (load<u32>(t + 8 + <usize>mid * 8) <= addr) {
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
  const i = t ? lookup(t, at) : -1;
  if (i < 0) {
    putc(0x3F);
    return;
  }
  const entry = t + 8 + <usize>i * 8;
  let p = t + <usize>load<u32>(entry, 4);
  const end = <usize>kernelLayout(LAYOUT_KSYMS_END);
  while (p < end && load<u8>(p) != 0) putc(load<u8>(p++));
  puts("+");
  putHex(addr - load<u32>(entry), 1);
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
