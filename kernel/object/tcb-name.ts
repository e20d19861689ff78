// kernel/object/tcb-name.ts: a thread's name: setting it and printing it.
//
// Owns: the TCB's name field (TCB_NAME, TCB_NAME_CAPACITY bytes with the
// NUL): setting it, cut to fit, from a boot module's string (its first
// word) or from an IPC buffer (DebugNameThread), and printing a
// thread as `id "name"`, the form every kernel report uses.
// Must not: change any other TCB field, or read user memory other than
// through an IPC buffer kernel/api/message.ts found.

import { TCB_ID, TCB_NAME, TCB_NAME_CAPACITY } from "./tcb";
import { IPC_BUFFER_MSG, seL4_MsgMaxLength } from "../../libs/abi/sel4.gen";
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

/**
 * DebugNameThread: names `t` after the NUL-terminated string at msg[0] of
 * the IPC buffer at kernel address `buffer` (cut to fit the name field).
 * Returns false, naming nothing, if no NUL lies within the message
 * registers (seL4_MsgMaxLength words).
 */
export function setNameFromBuffer(t: usize, buffer: usize): bool {
  const name = buffer + IPC_BUFFER_MSG;
  const max: u32 = seL4_MsgMaxLength << 2;
  let n: u32 = 0;
  while (n < max && load<u8>(name + n) != 0) n++;
  if (n == max) return false;
  setName(t, name, n);
  return true;
}
