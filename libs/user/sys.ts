// libs/user/sys.ts: the user-mode system call library.
//
// Owns: one function per system call, each a sysenter with the seL4 ia32
// register convention (libs/abi/sel4.def.ts). The registers travel through
// a static 5-word block: eax, ebx, esi, edi, ebp in, the same out.
// Must not: keep state beyond that block.

import {
  SYS_DEBUG_PUT_CHAR, SYS_DEBUG_HALT, SYS_DEBUG_NAME_THREAD, SYS_BENCHMARK_NULL_SYSCALL,
  SYS_YIELD, SYS_DEBUG_DUMP_SCHEDULER, SYS_SET_TLS_BASE,
} from "../abi/sel4.gen";
import { SYS_DEBUG_THREAD_EXIT } from "../abi/tsos.gen";
import { USER_IPC_BUFFER, USER_BOOTINFO, BOOTINFO_THREAD_ID, BOOTINFO_CMDLINE, BOOTINFO_CMDLINE_LENGTH, BOOTINFO_MAGIC } from "../abi/layout.gen";

// @ts-ignore: decorator
@external("x86", "sysenter") declare function sysenter(block: usize): void;

/** eax, ebx, esi, edi, ebp. */
export const regs = memory.data(20, 4);

/** Raw system call: returns eax; the other results are in `regs`. */
export function syscall(number: i32, ebx: u32, esi: u32, edi: u32, ebp: u32): u32 {
  store<u32>(regs, <u32>number, 0);
  store<u32>(regs, ebx, 4);
  store<u32>(regs, esi, 8);
  store<u32>(regs, edi, 12);
  store<u32>(regs, ebp, 16);
  sysenter(regs);
  return load<u32>(regs, 0);
}

export function putChar(c: u32): void {
  syscall(SYS_DEBUG_PUT_CHAR, c, 0, 0, 0);
}

export function print(s: string): void {
  for (let i = 0; i < s.length; i++) putChar(s.charCodeAt(i));
}

export function printBytes(addr: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) putChar(load<u8>(addr + i));
}

export function printLine(s: string): void {
  print(s);
  putChar(0x0A);
}

export function printDec(v: u32): void {
  const digits = memory.data(12);
  let n = 0;
  do {
    store<u8>(digits + n++, 0x30 + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) putChar(load<u8>(digits + --n));
}

export function printHex(v: u32): void {
  print("0x");
  for (let i = 28; i >= 0; i -= 4) {
    const d = (v >> i) & 0xF;
    putChar(d < 10 ? 0x30 + d : 0x57 + d);
  }
}

export function yieldCpu(): void {
  syscall(SYS_YIELD, 0, 0, 0, 0);
}

export function nullSyscall(): void {
  syscall(SYS_BENCHMARK_NULL_SYSCALL, 0, 0, 0, 0);
}

/** seL4's SetTLSBase: the calling thread's %gs segment starts at `base` from now on. */
export function setTlsBase(base: usize): void {
  syscall(SYS_SET_TLS_BASE, <u32>base, 0, 0, 0);
}

export function dumpScheduler(): void {
  syscall(SYS_DEBUG_DUMP_SCHEDULER, 0, 0, 0, 0);
}

/** Names the calling thread (kernel logs use the name). */
export function nameThread(name: string): void {
  const n = name.length < 31 ? name.length : 31;
  for (let i = 0; i < n; i++) store<u8>(USER_IPC_BUFFER + i, <u8>name.charCodeAt(i));
  store<u8>(USER_IPC_BUFFER + n, 0);
  syscall(SYS_DEBUG_NAME_THREAD, 0, 0, 0, 0);
}

/** Names the calling thread from raw bytes. */
export function nameThreadBytes(addr: usize, n: u32): void {
  const m = n < 31 ? n : 31;
  memory.copy(USER_IPC_BUFFER, addr, m);
  store<u8>(USER_IPC_BUFFER + m, 0);
  syscall(SYS_DEBUG_NAME_THREAD, 0, 0, 0, 0);
}

export function threadExit(status: u32): void {
  syscall(SYS_DEBUG_THREAD_EXIT, status, 0, 0, 0);
}

export function halt(): void {
  syscall(SYS_DEBUG_HALT, 0, 0, 0, 0);
}

// BootInfo: what the kernel tells a new thread.

export function bootInfoValid(): bool {
  return load<u32>(USER_BOOTINFO) == BOOTINFO_MAGIC;
}

export function myThreadId(): u32 {
  return load<u32>(USER_BOOTINFO + BOOTINFO_THREAD_ID);
}

/** The module's command line (after the file name in grub.cfg): address and length. */
export function argsAddr(): usize {
  return USER_BOOTINFO + BOOTINFO_CMDLINE;
}

export function argsLength(): u32 {
  return load<u32>(USER_BOOTINFO + BOOTINFO_CMDLINE_LENGTH);
}

// The offset of the n-th space-separated word (0 = the name), or the length.
function wordStart(n: i32): u32 {
  const base = argsAddr();
  const len = argsLength();
  let i: u32 = 0;
  for (let w = 0; w < n; w++) {
    while (i < len && load<u8>(base + i) != 0x20) i++;
    while (i < len && load<u8>(base + i) == 0x20) i++;
  }
  return i;
}

/**
 * Copies the first word of the command line (the name, by convention) to
 * `buf` (at most 31 bytes), names the calling thread with it, and returns
 * its length.
 */
export function nameThreadFromArgs(buf: usize): u32 {
  const a = argsAddr();
  const len = argsLength();
  let n: u32 = 0;
  while (n < len && n < 31 && load<u8>(a + n) != 0x20) {
    store<u8>(buf + n, load<u8>(a + n));
    n++;
  }
  nameThreadBytes(buf, n);
  return n;
}

/** The n-th space-separated word of the command line equals `s`. */
export function argIs(n: i32, s: string): bool {
  const base = argsAddr();
  const len = argsLength();
  const i = wordStart(n);
  let k = 0;
  while (i + <u32>k < len && load<u8>(base + i + k) != 0x20) {
    if (k >= s.length || <u32>load<u8>(base + i + k) != <u32>s.charCodeAt(k)) return false;
    k++;
  }
  return k == s.length;
}

/** Some word of the command line (after the first, the name) equals `s`. */
export function hasArg(s: string): bool {
  for (let n = 1; n < 16; n++) if (argIs(n, s)) return true;
  return false;
}

/** The n-th word as a decimal number, or `fallback`. */
export function argNumber(n: i32, fallback: u32): u32 {
  const base = argsAddr();
  const len = argsLength();
  let i = wordStart(n);
  let v: u32 = 0;
  let digits = 0;
  while (i < len) {
    const c = <u32>load<u8>(base + i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + c - 0x30;
    digits++;
    i++;
  }
  return digits > 0 ? v : fallback;
}
