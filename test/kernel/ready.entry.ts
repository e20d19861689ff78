// test/kernel/ready.entry.ts: the wasm entry for test/unit/ready.test.ts.
//
// Owns: re-exports of the ready queues (kernel/sched/ready.ts), and a pool
// of fake TCBs in static memory (FAKE_TCB_COUNT blocks of TCB_SIZE bytes,
// TCB_SIZE-aligned, as real TCBs are) with small wrappers that reset them
// and read or write the TCB fields the queues use, through kernel/object/tcb.ts.
// Must not: link or unlink a TCB itself: every queue change goes through
// the kernel's own functions.

import {
  TCB_SIZE, TCB_FLAG_QUEUED, NUM_PRIORITIES, tcbPriority, setTcbPriority, tcbSchedNext, tcbSchedPrev,
  tcbFlags, setTcbFlags,
} from "../../kernel/object/tcb";

export {
  ReadyError, readyErrorName, readyEnqueue, readyEnqueueFront, readyDequeue, readyIsQueued,
  readyHighestPriority, readyHead, readyTail, readyChooseThread, schedRoundRobinRotate, readyReset,
  readyBitmapTop, readyBitmapWord,
} from "../../kernel/sched/ready";

// @ts-ignore: decorator
@inline const FAKE_TCB_COUNT: i32 = 64;

const pool = memory.data(FAKE_TCB_COUNT * <i32>TCB_SIZE, <i32>TCB_SIZE);

export function fakeTcbCount(): i32 {
  return FAKE_TCB_COUNT;
}

/** The address of fake TCB `i`, or 0 out of range. */
export function fakeTcb(i: i32): usize {
  if (<u32>i >= <u32>FAKE_TCB_COUNT) return 0;
  return pool + <usize>i * TCB_SIZE;
}

/** Zeroes every fake TCB (the queue tables are not touched: use readyReset). */
export function fakeTcbsClear(): void {
  memory.fill(pool, 0, <usize>FAKE_TCB_COUNT * TCB_SIZE);
}

export function tcbSizeBytes(): usize {
  return TCB_SIZE;
}

export function numPriorities(): i32 {
  return NUM_PRIORITIES;
}

export function queuedFlag(): u32 {
  return TCB_FLAG_QUEUED;
}

export function priorityOf(t: usize): i32 {
  return tcbPriority(t);
}

export function setPriorityOf(t: usize, p: i32): void {
  setTcbPriority(t, p);
}

export function nextOf(t: usize): usize {
  return tcbSchedNext(t);
}

export function prevOf(t: usize): usize {
  return tcbSchedPrev(t);
}

export function flagsOf(t: usize): u32 {
  return tcbFlags(t);
}

export function setFlagsOf(t: usize, f: u32): void {
  setTcbFlags(t, f);
}
