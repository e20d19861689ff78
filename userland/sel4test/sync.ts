// userland/sel4test/sync.ts: in-OS tests of the user-level synchronisation library (libs/user/sync.ts).
//
// Owns: the tests that re-express sel4test's sync.c (SYNC001 binary
// semaphores, SYNC002 semaphores, SYNC003 monitors, SYNC004 monitors with
// broadcast) and their variants, and the helper threads they start in the
// test's address space (kinds 400-419; threadMain in main.ts dispatches to
// syncHelperMain here). As in sync.c, each helper reads a shared counter,
// Yields inside its critical section (the other threads of its priority
// run then) and writes the counter back; the checks are on invariants the
// helpers record (the most threads ever inside, values out of bounds, the
// final counts), never on time. Each helper signals its own badge of the
// `done` notification when it ends; the main thread waits for every badge
// before it checks.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import { seL4_NoError, seL4_InvalidArgument, OBJ_ENDPOINT, OBJ_NOTIFICATION } from "../../libs/abi/sel4.gen";
import { seL4_Signal, seL4_Wait, seL4_Yield } from "../../libs/user/ipc";
import { check, checkEq, myPriority, freeSlot } from "../../libs/user/testing";
import {
  binSemInit, binSemWait, binSemPost, semInit, semWait, semPost, semTryWait, semValue, SEM_SIZE,
  cvInit, cvWait, cvSignal, cvBroadcast, cvBroadcastRelease, cvWaiters, cvWakeups, CV_SIZE,
} from "../../libs/user/sync";
import { make, mint, spawn, R_ALL } from "./env";

// ── Shared with the helpers ──────────────────────────────────────────

/** The notification helpers signal when done (each through its own badge), and its capability. */
let done: u32 = 0;
/** The binary semaphore (a notification), the monitor's lock. */
let bin: u32 = 0;
let lock: u32 = 0;
const sem = memory.data(<i32>SEM_SIZE, 4);
const consumerCv = memory.data(<i32>CV_SIZE, 4);
const producerCv = memory.data(<i32>CV_SIZE, 4);

/** The counter the helpers share, and what they record about it. */
let shared: i32 = 0;
let inside: u32 = 0;
let maxInside: u32 = 0;
let outOfBounds: u32 = 0;
let produced: u32 = 0;
let consumed: u32 = 0;
/** Rounds each helper makes, Yields inside each critical section. */
let rounds: u32 = 1;
let yieldsInside: u32 = 1;
/** What the broadcaster saw and did. */
let waitersAtBroadcast: u32 = 0;
let woken: u32 = 0;
/** SYNC002-blocking: the order things happened in. */
let passedWait: u32 = 0;

/** What a consumer and a producer add to the buffer. */
// @ts-ignore: decorator
@inline const TAKE: i32 = ~0;
// @ts-ignore: decorator
@inline const GIVE: i32 = 1;
/** A count no semaphore may start with. */
// @ts-ignore: decorator
@inline const NEGATIVE: i32 = ~0;

/** The monitor's bound: producers wait while the buffer holds this many. */
// @ts-ignore: decorator
@inline const BOUND: i32 = 2;

// ── Helpers (threadMain's kinds) ─────────────────────────────────────

// @ts-ignore: decorator
@inline const K_BIN_SEM: i32 = 400;      // rounds x (binSemWait, count in, read, Yield, write + 1, binSemPost), signal arg
// @ts-ignore: decorator
@inline const K_UNLOCKED: i32 = 401;     // the same with no semaphore (the control: updates are lost)
// @ts-ignore: decorator
@inline const K_SEM: i32 = 402;          // the same on the counting semaphore
// @ts-ignore: decorator
@inline const K_CONSUMER: i32 = 403;     // rounds x (lock, wait while shared == 0, take one, signal producers, unlock), signal arg
// @ts-ignore: decorator
@inline const K_PRODUCER: i32 = 404;     // rounds x (lock, wait while shared == BOUND, add one, signal consumers, unlock), signal arg
// @ts-ignore: decorator
@inline const K_BROADCASTER: i32 = 405;  // lock, add 3, broadcast to the consumers and release, signal arg
// @ts-ignore: decorator
@inline const K_SEM_WAITER: i32 = 406;   // semWait, note it passed, semPost nothing, signal arg

/**
 * The lock of the record of who is inside (its own binary semaphore: two
 * threads are inside at once in the control and under a semaphore of 2,
 * and a timer tick may fall between a load and a store).
 */
let statsLock: u32 = 0;

/** One thread in: counts it, keeps the most ever inside. */
function enter(): void {
  binSemWait(statsLock);
  inside++;
  if (inside > maxInside) maxInside = inside;
  binSemPost(statsLock);
}

/** One thread out. */
function leave(): void {
  binSemWait(statsLock);
  inside--;
  binSemPost(statsLock);
}

/** sync.c's critical section: read, Yield, write back plus `delta`. */
function readYieldWrite(delta: i32): void {
  const v = shared;
  for (let i: u32 = 0; i < yieldsInside; i++) seL4_Yield();
  shared = v + delta;
}

function consume(): void {
  binSemWait(lock);
  while (shared == 0) cvWait(lock, consumerCv);
  enter();
  readYieldWrite(TAKE);
  if (shared < 0) outOfBounds++;
  consumed++;
  leave();
  cvSignal(producerCv);
  binSemPost(lock);
}

function produce(): void {
  binSemWait(lock);
  while (shared >= BOUND) cvWait(lock, producerCv);
  enter();
  readYieldWrite(GIVE);
  if (shared > BOUND) outOfBounds++;
  produced++;
  leave();
  cvSignal(consumerCv);
  binSemPost(lock);
}

/** Runs helper `kind` if it is one of this file's; returns whether it was. */
export function syncHelperMain(kind: i32, arg: u32): bool {
  switch (kind) {
    case K_BIN_SEM:
      for (let r: u32 = 0; r < rounds; r++) {
        binSemWait(bin);
        enter();
        readYieldWrite(1);
        leave();
        binSemPost(bin);
      }
      break;
    case K_UNLOCKED:
      for (let r: u32 = 0; r < rounds; r++) {
        enter();
        readYieldWrite(1);
        leave();
      }
      break;
    case K_SEM:
      for (let r: u32 = 0; r < rounds; r++) {
        semWait(sem);
        enter();
        readYieldWrite(1);
        leave();
        semPost(sem);
      }
      break;
    case K_CONSUMER:
      for (let r: u32 = 0; r < rounds; r++) consume();
      break;
    case K_PRODUCER:
      for (let r: u32 = 0; r < rounds; r++) produce();
      break;
    case K_BROADCASTER:
      binSemWait(lock);
      waitersAtBroadcast = cvWaiters(consumerCv);
      readYieldWrite(3);
      woken = cvBroadcastRelease(lock, consumerCv);
      break;
    case K_SEM_WAITER:
      semWait(sem);
      passedWait++;
      break;
    default:
      return false;
  }
  seL4_Signal(arg);
  return true;
}

// ── Set-up ───────────────────────────────────────────────────────────

/** The done notification; resets what the helpers record. */
function setUp(r: u32, y: u32): void {
  done = make(OBJ_NOTIFICATION, 0);
  statsLock = make(OBJ_NOTIFICATION, 0);
  binSemInit(statsLock, 1);
  shared = 0;
  inside = 0;
  maxInside = 0;
  outOfBounds = 0;
  produced = 0;
  consumed = 0;
  rounds = r;
  yieldsInside = y;
  waitersAtBroadcast = 0;
  woken = 0;
  passedWait = 0;
}

/** Starts helper `kind` number `i` (0..31) at `prio`, which signals badge 1 << i of `done`. */
function start(kind: i32, i: u32, prio: u32): void {
  const d = freeSlot();
  checkEq(mint(d, done, R_ALL, <u32>1 << i), seL4_NoError, "a badged copy of the done notification for a helper");
  spawn(kind, d, prio);
}

/** Waits until every helper in `mask` has signalled. */
function waitFor(mask: u32): void {
  const word = memory.data(4, 4);
  let got: u32 = 0;
  while ((got & mask) != mask) {
    store<u32>(word, 0);
    seL4_Wait(done, word);
    got |= load<u32>(word);
  }
}

/** A binary semaphore on a fresh notification, holding `value`. */
function newBinSem(value: u32): u32 {
  const n = make(OBJ_NOTIFICATION, 0);
  checkEq(binSemInit(n, value), seL4_NoError, "a binary semaphore on a fresh notification");
  return n;
}

// ── SYNC001: binary semaphores ───────────────────────────────────────

/**
 * SYNC001: sync.c's test_bin_sem with four threads of four rounds: each
 * reads the shared counter, Yields to the others and writes it back plus
 * one inside the semaphore; the total is 16 and never were two inside.
 * The control first: the same threads without the semaphore lose updates
 * (the Yield lets the others read the old value), so the test can fail.
 */
export function syncBinSem(): void {
  const prio = myPriority();
  setUp(4, 1);
  for (let i: u32 = 0; i < 4; i++) start(K_UNLOCKED, i, prio);
  waitFor(0xF);
  check(shared < 16, "the control: without the semaphore the Yield interleaves the threads and updates are lost");
  check(maxInside > 1, "the control: without the semaphore several threads were inside at once");

  setUp(4, 1);
  checkEq(binSemInit(0, 1), seL4_InvalidArgument, "no notification");
  checkEq(binSemInit(make(OBJ_NOTIFICATION, 0), 2), seL4_InvalidArgument, "a binary semaphore holds 0 or 1");
  bin = newBinSem(1);
  for (let i: u32 = 0; i < 4; i++) start(K_BIN_SEM, i, prio);
  waitFor(0xF);
  checkEq(<u32>shared, 16, "every update kept: 4 threads x 4 rounds");
  checkEq(maxInside, 1, "never two threads inside");
}

// ── SYNC002: semaphores ──────────────────────────────────────────────

/** SYNC002: sync.c's test_sem: a counting semaphore of 1 as the lock, four threads of four rounds. */
export function syncSem(): void {
  const prio = myPriority();
  setUp(4, 1);
  checkEq(semInit(sem, make(OBJ_ENDPOINT, 0), make(OBJ_NOTIFICATION, 0), NEGATIVE), seL4_InvalidArgument, "a negative count");
  checkEq(semInit(sem, make(OBJ_ENDPOINT, 0), make(OBJ_NOTIFICATION, 0), 1), seL4_NoError, "a semaphore of 1");
  for (let i: u32 = 0; i < 4; i++) start(K_SEM, i, prio);
  waitFor(0xF);
  checkEq(<u32>shared, 16, "every update kept: 4 threads x 4 rounds");
  checkEq(maxInside, 1, "never two threads inside");
  checkEq(<u32>semValue(sem), 1, "the semaphore holds 1 again");
}

/**
 * SYNC002-count: a semaphore of 2 lets two threads in at once, never
 * three: six threads of three rounds, three Yields inside each; the
 * counter is not protected here, so only the count inside is checked.
 */
export function syncSemCount(): void {
  const prio = myPriority();
  setUp(3, 3);
  checkEq(semInit(sem, make(OBJ_ENDPOINT, 0), make(OBJ_NOTIFICATION, 0), 2), seL4_NoError, "a semaphore of 2");
  for (let i: u32 = 0; i < 6; i++) start(K_SEM, i, prio);
  waitFor(0x3F);
  checkEq(maxInside, 2, "two threads inside at once, never three");
  checkEq(inside, 0, "all left");
  checkEq(<u32>semValue(sem), 2, "the semaphore holds 2 again");
}

/**
 * SYNC002-blocking: a thread waiting on an empty semaphore blocks (the
 * count goes to -1) until a post, which wakes it; tryWait never blocks.
 */
export function syncSemBlocking(): void {
  setUp(1, 1);
  checkEq(semInit(sem, make(OBJ_ENDPOINT, 0), make(OBJ_NOTIFICATION, 0), 0), seL4_NoError, "a semaphore of 0");
  check(!semTryWait(sem), "tryWait on an empty semaphore fails");
  start(K_SEM_WAITER, 0, myPriority());
  for (let i = 0; i < 8; i++) seL4_Yield();
  checkEq(passedWait, 0, "the waiter has not passed an empty semaphore");
  checkEq(<u32>semValue(sem), 0xFFFFFFFF, "one waiter counted (the count is -1)");
  semPost(sem);
  waitFor(1);
  checkEq(passedWait, 1, "the post let it pass");
  checkEq(<u32>semValue(sem), 0, "the post went to the waiter");
  semPost(sem);
  check(semTryWait(sem), "tryWait takes what a post left");
  check(!semTryWait(sem), "and only that");
}

// ── SYNC003: monitors ────────────────────────────────────────────────

/**
 * SYNC003: sync.c's test_monitor, bounded producer/consumer on a monitor
 * (a binary semaphore as the lock, one condition variable each for
 * producers and consumers): the buffer starts with 1 of at most 2; two
 * consumers and two producers make six rounds each; each change is read,
 * Yielded over and written back inside the monitor. At the end the buffer
 * holds 1 again, every round happened, the bounds held throughout and no
 * thread is left waiting.
 */
export function syncMonitor(): void {
  const prio = myPriority();
  setUp(6, 1);
  lock = newBinSem(1);
  checkEq(cvInit(consumerCv, make(OBJ_ENDPOINT, 0)), seL4_NoError, "the consumers' condition variable");
  checkEq(cvInit(producerCv, make(OBJ_ENDPOINT, 0)), seL4_NoError, "the producers' condition variable");
  checkEq(cvInit(0, make(OBJ_ENDPOINT, 0)), seL4_InvalidArgument, "no condition variable");
  shared = 1;
  start(K_CONSUMER, 0, prio);
  start(K_CONSUMER, 1, prio);
  start(K_PRODUCER, 2, prio);
  start(K_PRODUCER, 3, prio);
  waitFor(0xF);
  checkEq(<u32>shared, 1, "the buffer holds 1 again");
  checkEq(consumed, 12, "12 taken");
  checkEq(produced, 12, "12 added");
  checkEq(outOfBounds, 0, "never below 0 or above the bound");
  checkEq(maxInside, 1, "never two threads inside the monitor");
  checkEq(cvWaiters(consumerCv), 0, "no consumer left waiting");
  checkEq(cvWaiters(producerCv), 0, "no producer left waiting");
}

// ── SYNC004: monitors, broadcast ─────────────────────────────────────

/**
 * SYNC004: sync.c's test_monitor_broadcast: three consumers wait on an
 * empty buffer; the broadcaster, below them in priority so it runs only
 * once all three wait, adds 3 and broadcasts while releasing the lock.
 * Every consumer wakes and takes one: the buffer is empty again, and the
 * broadcast is over (no waiter counted, exactly three wake-ups sent).
 */
export function syncBroadcast(): void {
  const prio = myPriority();
  setUp(1, 1);
  lock = newBinSem(1);
  checkEq(cvInit(consumerCv, make(OBJ_ENDPOINT, 0)), seL4_NoError, "the consumers' condition variable");
  checkEq(cvInit(producerCv, make(OBJ_ENDPOINT, 0)), seL4_NoError, "the producers' condition variable");
  shared = 0;
  start(K_BROADCASTER, 0, prio - 1);
  start(K_CONSUMER, 1, prio);
  start(K_CONSUMER, 2, prio);
  start(K_CONSUMER, 3, prio);
  waitFor(0xF);
  checkEq(waitersAtBroadcast, 3, "all three consumers were waiting when the broadcast came");
  checkEq(woken, 3, "the broadcast woke three");
  checkEq(<u32>shared, 0, "each consumer took one: the buffer is empty");
  checkEq(consumed, 3, "three taken");
  binSemWait(lock);
  checkEq(cvWaiters(consumerCv), 0, "the broadcast is over: nobody counted as waiting");
  checkEq(cvWakeups(consumerCv), 3, "exactly three wake-ups sent");
  checkEq(cvBroadcast(consumerCv), 0, "a broadcast with no waiter wakes nobody");
  binSemPost(lock);
}

/**
 * SYNC004-signal: signal wakes one waiter, broadcast the rest: three
 * consumers wait; one unit and a signal let exactly one through (two still
 * wait); two units and a broadcast let the other two through.
 */
export function syncSignalOne(): void {
  const prio = myPriority();
  setUp(1, 1);
  lock = newBinSem(1);
  checkEq(cvInit(consumerCv, make(OBJ_ENDPOINT, 0)), seL4_NoError, "the consumers' condition variable");
  checkEq(cvInit(producerCv, make(OBJ_ENDPOINT, 0)), seL4_NoError, "the producers' condition variable");
  for (let i: u32 = 0; i < 3; i++) start(K_CONSUMER, i, prio);
  // They run when this thread Yields: wait (boundedly) until all three wait.
  let waiting: u32 = 0;
  for (let k = 0; k < 1000 && waiting < 3; k++) {
    seL4_Yield();
    binSemWait(lock);
    waiting = cvWaiters(consumerCv);
    binSemPost(lock);
  }
  checkEq(waiting, 3, "three consumers wait on the empty buffer");
  binSemWait(lock);
  shared = 1;
  cvSignal(consumerCv);
  checkEq(cvWaiters(consumerCv), 2, "a signal takes one waiter");
  binSemPost(lock);
  for (let i = 0; i < 16; i++) seL4_Yield();
  binSemWait(lock);
  checkEq(consumed, 1, "exactly one consumer went through");
  checkEq(cvWaiters(consumerCv), 2, "two still wait");
  shared = 2;
  checkEq(cvBroadcast(consumerCv), 2, "the broadcast wakes the other two");
  binSemPost(lock);
  waitFor(7);
  checkEq(consumed, 3, "all three went through");
  checkEq(<u32>shared, 0, "the buffer is empty");
  checkEq(cvWakeups(consumerCv), 3, "three wake-ups in all");
  checkEq(outOfBounds, 0, "never below 0");
}
