// libs/user/sys.ts: console output, thread exit and the tsos BootInfo page, for user programs.
//
// Owns: printing on the kernel's debug console (through seL4_DebugPutChar),
// the short names programs use for the debug calls (putChar, halt,
// yieldCpu, ...; each is one call of ipc.ts), DebugThreadExit (tsos's own
// call), and reading tsos's BootInfo page (libs/abi/layout.def.ts: thread
// id and command line; the root task's command line from the boot-module
// table). The raw system call lives in syscall.ts, seL4's
// calls in ipc.ts, seL4's BootInfo in bootinfo.ts.
// Must not: write a system call number (they come from libs/abi), or
// allocate.

import { seL4_CapInitThreadTCB, SYS_SET_TLS_BASE } from "../abi/sel4.gen";
import { SYS_DEBUG_THREAD_EXIT, SYS_DEBUG_POWER_OFF, SYS_DEBUG_SELF_CHECK } from "../abi/tsos.gen";
import { USER_BOOTINFO, BOOTINFO_THREAD_ID, BOOTINFO_CMDLINE, BOOTINFO_CMDLINE_LENGTH, BOOTINFO_MAGIC } from "../abi/layout.gen";
import { syscall, sysRegs, REG_EBX } from "./syscall";
import {
  seL4_DebugPutChar, seL4_DebugHalt, seL4_DebugDumpScheduler, seL4_Yield, seL4_BenchmarkNullSyscall, seL4_DebugNameThread,
  seL4_DebugNameThreadBytes,
} from "./ipc";
import { bootModuleCmdline, bootModuleCmdlineLength } from "./bootinfo";

/** EBX as the program started (build/rt/user-rt.c): the root task's BootInfo address. */
// @ts-ignore: decorator
@external("x86", "startRegister") export declare function startRegister(): u32;

export { sysRegs, syscall } from "./syscall";

export function putChar(c: u32): void {
  seL4_DebugPutChar(c);
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
  seL4_Yield();
}

export function nullSyscall(): void {
  seL4_BenchmarkNullSyscall();
}

/** seL4's SetTLSBase: the calling thread's %gs segment starts at `base` from now on. */
export function setTlsBase(base: usize): void {
  syscall(SYS_SET_TLS_BASE, <u32>base, 0, 0, 0);
}

export function dumpScheduler(): void {
  seL4_DebugDumpScheduler();
}

/** Names the calling thread (kernel logs use the name): seL4's DebugNameThread on its own TCB capability. */
export function nameThread(name: string): void {
  seL4_DebugNameThread(seL4_CapInitThreadTCB, name);
}

/** Names the calling thread from raw bytes. */
export function nameThreadBytes(addr: usize, n: u32): void {
  seL4_DebugNameThreadBytes(seL4_CapInitThreadTCB, addr, n);
}

export function threadExit(status: u32): void {
  syscall(SYS_DEBUG_THREAD_EXIT, status, 0, 0, 0);
}

/** Stops the machine: a clean power-off for status 0, else one that reports a failure (tsos's DebugPowerOff). */
export function powerOff(status: u32): void {
  syscall(SYS_DEBUG_POWER_OFF, status, 0, 0, 0);
}

/** tsos's DebugSelfCheck: the kernel checks its derivation tree and queues; returns the problems found (0: consistent). */
export function selfCheck(): u32 {
  syscall(SYS_DEBUG_SELF_CHECK, 0, 0, 0, 0);
  return load<u32>(sysRegs(), REG_EBX);
}

export function halt(): void {
  seL4_DebugHalt();
}

// BootInfo: what the kernel tells a new thread.

export function bootInfoValid(): bool {
  return load<u32>(USER_BOOTINFO) == BOOTINFO_MAGIC;
}

export function myThreadId(): u32 {
  return load<u32>(USER_BOOTINFO + BOOTINFO_THREAD_ID);
}

/**
 * The program's command line (its module string: the words after the file
 * name in grub.cfg): address and length. A program started by the process
 * builder reads it from its information page; the root task (EBX at _start
 * is its BootInfo, 0 in every other program) from boot module 0's entry of
 * the boot-module table, so the readers below work in either.
 */
export function argsAddr(): usize {
  const bi = <usize>startRegister();
  if (bi != 0) return bootModuleCmdline(bi, 0);
  return USER_BOOTINFO + BOOTINFO_CMDLINE;
}

export function argsLength(): u32 {
  const bi = <usize>startRegister();
  if (bi != 0) return bootModuleCmdlineLength(bi, 0);
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
