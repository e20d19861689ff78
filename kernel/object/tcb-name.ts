// kernel/object/tcb-name.ts: a thread's name: setting it and printing it.
//
// Owns: the TCB's name field (TCB_NAME, TCB_NAME_CAPACITY bytes with the
// NUL): setting it, cut to fit, from a boot module's string (its first
// word) or from the caller's IPC buffer (DebugNameThread), and printing a
// thread as `id "name"`, the form every kernel report uses.
// Must not: change any other TCB field, or read user memory other than
// through the IPC buffer's physical address in the TCB.

import { TCB_ID, TCB_NAME, TCB_NAME_CAPACITY, TCB_IPC_BUFFER_PHYS } from "./tcb";
import { window } from "../arch/x86/kernel-window";
import { THREAD_NAME_MAX } from "../../libs/abi/tsos.gen";
import { puts, putc } from "../console";
import { putDec32 } from "../lib/format";

/** The length of the first space-separated word of the `length` bytes at `addr`. */
export function firstWordLength(addr: usize, length: u32): u32 {
  let n: u32 = 0;
  while (n < length && load<u8>(addr + n) != 0x20) n++;
  return n;
}

/** Names `t` after the `length` bytes at `addr`, cut to fit. */
export function setName(t: usize, addr: usize, length: u32): void {
  const n = length < <u32>TCB_NAME_CAPACITY - 1 ? length : <u32>TCB_NAME_CAPACITY - 1;
  memory.copy(t + TCB_NAME, addr, n);
  store<u8>(t + TCB_NAME + n, 0);
}

/** Prints `id "name"` for reports. */
export function putThreadName(t: usize): void {
  putDec32(load<u32>(t, TCB_ID));
  puts(" \"");
  let p = t + TCB_NAME;
  while (load<u8>(p) != 0) putc(load<u8>(p++));
  putc(0x22);
}

/** DebugNameThread: the caller's IPC buffer holds a NUL-terminated name. */
export function threadNameFromIpcBuffer(t: usize): bool {
  const buffer = window(load<u32>(t, TCB_IPC_BUFFER_PHYS));
  let n: u32 = 0;
  while (n < THREAD_NAME_MAX && load<u8>(buffer + n) != 0) n++;
  if (n == 0) return false;
  setName(t, buffer, n);
  return true;
}
