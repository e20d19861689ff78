// kernel/sched/ready.ts: the ready queues and the ready-priority bitmap.
//
// Owns: one FIFO of runnable TCBs per priority (NUM_PRIORITIES = 256, 0
// lowest), doubly linked through each TCB's schedNext/schedPrev fields,
// with head and tail tables in static memory; the TCB_FLAG_QUEUED bit of
// every TCB ("linked into a ready queue"); and a two-level bitmap, so that
// the highest non-empty priority is two clz instructions away.
// Every operation is O(1) (readyReset aside) and validates before it links
// or unlinks anything: bad input gives a ReadyError and leaves the queues,
// the bitmap and every TCB untouched.
// Must not: decide who runs, charge time slices or change thread states
// (kernel/sched/scheduler.ts does), or change a TCB's priority. The
// priority of a queued TCB must not change: dequeue it, change it, then
// enqueue it again (seL4 does the same in tcbSchedDequeue/setPriority).
//
// see: seL4 src/kernel/thread.c and include/kernel/thread.h
// (ksReadyQueues, ksReadyQueuesL1Bitmap/L2Bitmap, tcbSchedEnqueue,
// tcbSchedAppend, tcbSchedDequeue, highestPrio).
//
// Bitmap layout (seL4's two levels, for 256 priorities):
//
//   bitmapTop    u32, bits 0..7 used:  bit w set <=> bitmapWords[w] != 0
//                 31                           8 7             0
//                ┌──────────────────────────────┬───────────────┐
//                │ always 0                     │ w = 7 ... 0   │
//                └──────────────────────────────┴───────────────┘
//   bitmapWords  8 x u32:  bit b of word w set <=> queue 32*w + b is non-empty
//                word 0: priorities 0..31   (bit 0 = priority 0)
//                word 1: priorities 32..63  (bit 0 = priority 32)
//                ...
//                word 7: priorities 224..255 (bit 31 = priority 255)
//
//   highest = 32 * w + (31 - clz(bitmapWords[w])), where w = 31 - clz(bitmapTop)
//
// Queue invariants, for every priority p (checked by test/unit/ready.test.ts):
//   head[p] == 0 <=> tail[p] == 0 <=> bit p of the bitmap is clear;
//   head's schedPrev and tail's schedNext are 0; links are symmetric;
//   a TCB has TCB_FLAG_QUEUED <=> it is linked into exactly one queue,
//   the one of its priority.

import {
  NUM_PRIORITIES, TCB_FLAG_QUEUED, tcbPriority, tcbFlags, setTcbFlags, tcbIsQueued, tcbSchedNext,
  setTcbSchedNext, tcbSchedPrev, setTcbSchedPrev,
} from "../object/tcb";

/** Why a ready-queue operation refused. Nothing changed when it did. */
export enum ReadyError {
  Ok = 0,
  /** The TCB address is 0. */
  NullThread = 1,
  /** The priority (an argument, or the TCB's priority field) is not in 0..255. */
  BadPriority = 2,
  /** Enqueue of a TCB that is already in a ready queue. */
  AlreadyQueued = 3,
  /** Dequeue of a TCB that is in no ready queue. */
  NotQueued = 4,
  /**
   * The TCB is queued, but it is not the head (or tail) of the queue of
   * its priority although it has no predecessor (or successor): its
   * priority changed while it was queued.
   */
  QueueMismatch = 5,
}

/** The name of a ReadyError, for logs and tests; "Unknown" for other values. */
export function readyErrorName(err: i32): string {
  switch (err) {
    case ReadyError.Ok: return "Ok";
    case ReadyError.NullThread: return "NullThread";
    case ReadyError.BadPriority: return "BadPriority";
    case ReadyError.AlreadyQueued: return "AlreadyQueued";
    case ReadyError.NotQueued: return "NotQueued";
    case ReadyError.QueueMismatch: return "QueueMismatch";
    default: return "Unknown";
  }
}

// @ts-ignore: decorator
@inline const BITMAP_WORDS: i32 = NUM_PRIORITIES >> 5;

/** head[p], tail[p]: TCB addresses, 0 for an empty queue. */
const heads = memory.data(NUM_PRIORITIES * 4, 4);
const tails = memory.data(NUM_PRIORITIES * 4, 4);
/** The second bitmap level: one bit per priority. */
const bitmapWords = memory.data(BITMAP_WORDS * 4, 4);
/** The first bitmap level: one bit per non-zero word of bitmapWords. */
let bitmapTop: u32 = 0;

// @ts-ignore: decorator
@inline function headSlot(prio: i32): usize {
  return heads + (<usize>prio << 2);
}

// @ts-ignore: decorator
@inline function tailSlot(prio: i32): usize {
  return tails + (<usize>prio << 2);
}

// @ts-ignore: decorator
@inline function validPriority(prio: i32): bool {
  return <u32>prio < <u32>NUM_PRIORITIES;
}

// @ts-ignore: decorator
@inline function bitmapSet(prio: i32): void {
  const w = prio >> 5;
  const slot = bitmapWords + (<usize>w << 2);
  store<u32>(slot, load<u32>(slot) | (<u32>1 << <u32>(prio & 31)));
  bitmapTop |= <u32>1 << <u32>w;
}

// @ts-ignore: decorator
@inline function bitmapClear(prio: i32): void {
  const w = prio >> 5;
  const slot = bitmapWords + (<usize>w << 2);
  const word = load<u32>(slot) & ~(<u32>1 << <u32>(prio & 31));
  store<u32>(slot, word);
  if (word == 0) bitmapTop &= ~(<u32>1 << <u32>w);
}

/** The checks shared by both enqueue ends. */
function checkEnqueue(t: usize): ReadyError {
  if (t == 0) return ReadyError.NullThread;
  if (!validPriority(tcbPriority(t))) return ReadyError.BadPriority;
  if (tcbIsQueued(t)) return ReadyError.AlreadyQueued;
  return ReadyError.Ok;
}

/** Appends `t` at the tail of the queue of its priority (seL4: tcbSchedAppend). */
export function readyEnqueue(t: usize): ReadyError {
  const err = checkEnqueue(t);
  if (err != ReadyError.Ok) return err;
  const prio = tcbPriority(t);
  const tail = load<usize>(tailSlot(prio));
  setTcbSchedPrev(t, tail);
  setTcbSchedNext(t, 0);
  if (tail == 0) {
    store<usize>(headSlot(prio), t);
    bitmapSet(prio);
  } else {
    setTcbSchedNext(tail, t);
  }
  store<usize>(tailSlot(prio), t);
  setTcbFlags(t, tcbFlags(t) | TCB_FLAG_QUEUED);
  return ReadyError.Ok;
}

/** Puts `t` at the head of the queue of its priority (seL4: tcbSchedEnqueue). */
export function readyEnqueueFront(t: usize): ReadyError {
  const err = checkEnqueue(t);
  if (err != ReadyError.Ok) return err;
  const prio = tcbPriority(t);
  const head = load<usize>(headSlot(prio));
  setTcbSchedPrev(t, 0);
  setTcbSchedNext(t, head);
  if (head == 0) {
    store<usize>(tailSlot(prio), t);
    bitmapSet(prio);
  } else {
    setTcbSchedPrev(head, t);
  }
  store<usize>(headSlot(prio), t);
  setTcbFlags(t, tcbFlags(t) | TCB_FLAG_QUEUED);
  return ReadyError.Ok;
}

function checkDequeue(t: usize): ReadyError {
  if (t == 0) return ReadyError.NullThread;
  if (!tcbIsQueued(t)) return ReadyError.NotQueued;
  const prio = tcbPriority(t);
  if (!validPriority(prio)) return ReadyError.BadPriority;
  // A queued TCB with no predecessor is the head of its queue, one with no
  // successor its tail. If the table disagrees, unlinking would corrupt
  // the queue of `prio` (the TCB sits in another one).
  if (tcbSchedPrev(t) == 0 && load<usize>(headSlot(prio)) != t) return ReadyError.QueueMismatch;
  if (tcbSchedNext(t) == 0 && load<usize>(tailSlot(prio)) != t) return ReadyError.QueueMismatch;
  return ReadyError.Ok;
}

/** Removes `t` from its ready queue, wherever it is in it (seL4: tcbSchedDequeue). */
export function readyDequeue(t: usize): ReadyError {
  const err = checkDequeue(t);
  if (err != ReadyError.Ok) return err;
  const prio = tcbPriority(t);
  const prev = tcbSchedPrev(t);
  const next = tcbSchedNext(t);
  if (prev == 0) store<usize>(headSlot(prio), next);
  else setTcbSchedNext(prev, next);
  if (next == 0) store<usize>(tailSlot(prio), prev);
  else setTcbSchedPrev(next, prev);
  if ((prev | next) == 0) bitmapClear(prio);
  setTcbSchedPrev(t, 0);
  setTcbSchedNext(t, 0);
  setTcbFlags(t, tcbFlags(t) & ~TCB_FLAG_QUEUED);
  return ReadyError.Ok;
}

/** True if `t` is linked into a ready queue; false for 0. */
export function readyIsQueued(t: usize): bool {
  return t != 0 && tcbIsQueued(t);
}

/** The highest priority with a non-empty queue, or -1 when all are empty. */
// @ts-ignore: decorator
@inline export function readyHighestPriority(): i32 {
  const top = bitmapTop;
  if (top == 0) return -1;
  const w = 31 - <i32>clz<u32>(top);
  const word = load<u32>(bitmapWords + (<usize>w << 2));
  return (w << 5) | (31 - <i32>clz<u32>(word));
}

/** The first TCB in the queue of `prio`, or 0 (also for a priority out of range). */
export function readyHead(prio: i32): usize {
  if (!validPriority(prio)) return 0;
  return load<usize>(headSlot(prio));
}

/** The last TCB in the queue of `prio`, or 0 (also for a priority out of range). */
export function readyTail(prio: i32): usize {
  if (!validPriority(prio)) return 0;
  return load<usize>(tailSlot(prio));
}

/** The head of the highest non-empty queue, or 0 when nothing is ready (seL4: chooseThread). */
export function readyChooseThread(): usize {
  const prio = readyHighestPriority();
  if (prio < 0) return 0;
  return load<usize>(headSlot(prio));
}

/**
 * Round robin: moves the head of the queue of `prio` to its tail (the
 * timer's preemption, and Yield). A queue of zero or one TCB is unchanged.
 */
export function schedRoundRobinRotate(prio: i32): ReadyError {
  if (!validPriority(prio)) return ReadyError.BadPriority;
  const head = load<usize>(headSlot(prio));
  const tail = load<usize>(tailSlot(prio));
  if (head == tail) return ReadyError.Ok;
  const second = tcbSchedNext(head);
  store<usize>(headSlot(prio), second);
  setTcbSchedPrev(second, 0);
  setTcbSchedPrev(head, tail);
  setTcbSchedNext(head, 0);
  setTcbSchedNext(tail, head);
  store<usize>(tailSlot(prio), head);
  return ReadyError.Ok;
}

/**
 * Empties every queue: each queued TCB is unlinked and loses
 * TCB_FLAG_QUEUED, then the tables and the bitmap are cleared.
 */
export function readyReset(): void {
  for (let prio = 0; prio < NUM_PRIORITIES; prio++) {
    let t = load<usize>(headSlot(prio));
    while (t != 0) {
      const next = tcbSchedNext(t);
      setTcbSchedPrev(t, 0);
      setTcbSchedNext(t, 0);
      setTcbFlags(t, tcbFlags(t) & ~TCB_FLAG_QUEUED);
      t = next;
    }
  }
  memory.fill(heads, 0, <usize>NUM_PRIORITIES * 4);
  memory.fill(tails, 0, <usize>NUM_PRIORITIES * 4);
  memory.fill(bitmapWords, 0, <usize>BITMAP_WORDS * 4);
  bitmapTop = 0;
}

/** The first bitmap level (bit w: word w is non-zero), for DumpScheduler and tests. */
export function readyBitmapTop(): u32 {
  return bitmapTop;
}

/** Word `w` (0..7) of the second bitmap level, or 0 for other `w`. */
export function readyBitmapWord(w: i32): u32 {
  if (<u32>w >= <u32>BITMAP_WORDS) return 0;
  return load<u32>(bitmapWords + (<usize>w << 2));
}
