// userland/sel4test/timed.ts: in-OS tests that need time to pass, measured by a user-level timer.
//
// Owns: the sel4test tests guarded by CONFIG_HAVE_TIMER that are not
// about the timer itself: PREEMPT_REVOKE (a long Revoke is preempted by
// interrupts and still completes), REGRESSIONS0003 (a thread whose
// registers are rewritten while timer interrupts come never runs at
// CPL0), SCHED0000 (a suspended thread does not run while time passes, a
// resumed one does) and DOMAINS0004 (a thread in domain 0, the one
// domain, keeps running and taking timer interrupts). The timer is the
// HPET's timer 0 by MSI (timers.ts timerOpen), with the spinners'
// watchdog, so a lost interrupt is a failed check, never a test that
// waits for ever. None of them judges a duration: each checks what must
// have happened once an interrupt has come.
// Must not: leave the HPET running or a helper thread running (timerClose,
// and tcb.stopHelpers for what the driver stops).

import {
  seL4_NoError, OBJ_ENDPOINT, OBJ_CAP_TABLE, OBJ_NOTIFICATION, USER_CONTEXT_SIZE,
} from "../../libs/abi/sel4.gen";
import { PROCESS_SLOT_DOMAIN } from "../../libs/abi/layout.gen";
import { seL4_Wait, seL4_Signal, seL4_Yield } from "../../libs/user/ipc";
import {
  seL4_CNode_Copy, seL4_CNode_Delete, seL4_CNode_Revoke, seL4_TCB_Suspend, seL4_TCB_Resume, seL4_TCB_ReadRegisters, seL4_TCB_WriteRegisters,
  seL4_DomainSet_Set,
} from "../../libs/user/invocations.gen";
import { MY_CNODE, DEPTH, check, checkEq, myPriority } from "../../libs/user/testing";
import { make, spawn, R_ALL } from "./env";
import { print, printDec, printLine } from "../../libs/user/sys";
import {
  timerOpen, timerClose, timerArm, timerWait, timerNow, sleepMs, firstSpinner, spinCount, watchdogStep,
} from "./timers";

// @ts-ignore: decorator
@external("x86", "compilerBarrier") declare function compilerBarrier(): void;
// @ts-ignore: decorator
@external("x86", "readCs") declare function readCs(): u32;

// Helper kinds (main.ts threadMain dispatches here).
// @ts-ignore: decorator
@inline const H_REVOKE: i32 = 360;     // revokes `revokeEp`, with `revoking` 1 during it and 2 after; signals `done`
// @ts-ignore: decorator
@inline const H_COUNT_PREEMPT: i32 = 361; // takes timer interrupts every `period` ticks until revoking is 2, counting those during it
// @ts-ignore: decorator
@inline const H_YIELD_CPL: i32 = 362;  // loops on Yield, counting, and counting any turn it finds itself not at CPL3
// @ts-ignore: decorator
@inline const H_DOMAIN_SLEEP: i32 = 363; // sleeps DOMAIN_SLEEPS times on the timer, counting the interrupts; signals `done`

/** The notification a helper signals when it is done, and the flags it sets first. */
let done: u32 = 0;
let revokeDone = false;
let countDone = false;
let sleeperDone = false;

export function timedHelperMain(kind: i32, arg: u32): bool {
  if (kind == H_REVOKE) revokeHelper();
  else if (kind == H_COUNT_PREEMPT) countPreemptions();
  else if (kind == H_YIELD_CPL) yieldAndLookAtCpl();
  else if (kind == H_DOMAIN_SLEEP) domainSleeper();
  else return false;
  return true;
}

/** Waits on `done` until `flag()` holds (a notification's signals merge, so the flags say who is done). */
function waitUntil(flag: () => bool): void {
  while (!flag()) seL4_Wait(done, 0);
}

// ── PREEMPT_REVOKE ───────────────────────────────────────────────────

/** The CNodes the derived capabilities fill, each of 2^REVOKE_CNODE_BITS slots. */
// @ts-ignore: decorator
@inline const REVOKE_CNODE_BITS: u32 = 12;
// @ts-ignore: decorator
@inline const REVOKE_CNODES: u32 = 2;
/** The attempts, each with an interrupt period half the one before. */
// @ts-ignore: decorator
@inline const REVOKE_ATTEMPTS: u32 = 6;
/** The shortest period tried, in HPET ticks (QEMU's HPET: 100 MHz, so 50 µs). */
// @ts-ignore: decorator
@inline const MIN_PERIOD_TICKS: u32 = 5000;

const revokeCNodes = memory.data(<i32>REVOKE_CNODES * 4, 4);
let revokeEp: u32 = 0;
let revoking: u32 = 0;
let preemptions: u32 = 0;
let period: u32 = 0;
let lostInterrupt = false;

// @ts-ignore: decorator
@inline function revokingNow(): u32 {
  compilerBarrier();
  return revoking;
}

/** Fills every revoke CNode with copies of revokeEp; false if a copy failed. */
function fillWithCopies(): bool {
  for (let c: u32 = 0; c < REVOKE_CNODES; c++) {
    const cn = load<u32>(revokeCNodes + (<usize>c << 2));
    for (let j: u32 = 0; j < (<u32>1 << REVOKE_CNODE_BITS); j++) {
      if (seL4_CNode_Copy(cn, j, REVOKE_CNODE_BITS, MY_CNODE, revokeEp, DEPTH, R_ALL) != seL4_NoError) return false;
    }
  }
  return true;
}

function revokeHelper(): void {
  revoking = 1;
  compilerBarrier();
  seL4_CNode_Revoke(MY_CNODE, revokeEp, DEPTH);
  compilerBarrier();
  revoking = 2;
  revokeDone = true;
  seL4_Signal(done);
}

/**
 * Is slot `j` of revoke CNode `c` empty? Probed by copying the `done`
 * notification's capability there (DeleteFirst: it is full; otherwise
 * the probe is deleted again). Not revokeEp's: the Revoke would take it.
 */
function slotEmpty(c: u32, j: u32): bool {
  const cn = load<u32>(revokeCNodes + (<usize>c << 2));
  if (seL4_CNode_Copy(cn, j, REVOKE_CNODE_BITS, MY_CNODE, done, DEPTH, R_ALL) != seL4_NoError) return false;
  seL4_CNode_Delete(cn, j, REVOKE_CNODE_BITS);
  return true;
}

function countPreemptions(): void {
  while (revokingNow() < 2) {
    timerArm(period);
    if (!timerWait()) {
      lostInterrupt = true;
      break;
    }
    // Half done: the first copy made and the last are in different states.
    // An interrupt that came just before the Revoke began, or just after
    // it ended, finds both full or both empty: only a Revoke stopped part
    // way (preempted, to be restarted) shows one of each.
    if (revokingNow() == 1 && slotEmpty(0, 0) != slotEmpty(REVOKE_CNODES - 1, (<u32>1 << REVOKE_CNODE_BITS) - 1)) preemptions++;
  }
  countDone = true;
  seL4_Signal(done);
}

/**
 * PREEMPT_REVOKE: a Revoke of REVOKE_CNODES << REVOKE_CNODE_BITS derived
 * capabilities, timed once alone; then again with timer interrupts a
 * third of that apart taken by a thread above the revoker: at least
 * twice, that thread must find the Revoke part way (some copies gone,
 * some not: the Revoke was preempted, and went on when restarted), and
 * the Revoke must still finish with every copy gone. As in
 * sel4test, a run with fewer than two tries again with more interrupts
 * (here, half the period) rather than judging the machine's speed.
 * The spinners sit below everything here, only the watchdog: they need
 * not have run.
 */
export function preemptRevoke(): void {
  const top = myPriority();
  if (!timerOpen(top - 3, top - 3)) {
    timerClose(false);
    return;
  }
  done = make(OBJ_NOTIFICATION, 0);
  revokeEp = make(OBJ_ENDPOINT, 0);
  for (let c: u32 = 0; c < REVOKE_CNODES; c++) store<u32>(revokeCNodes + (<usize>c << 2), make(OBJ_CAP_TABLE, REVOKE_CNODE_BITS));
  if (!check(fillWithCopies(), "fill the CNodes with copies of an endpoint capability")) {
    timerClose(false);
    return;
  }
  const start = timerNow();
  checkEq(seL4_CNode_Revoke(MY_CNODE, revokeEp, DEPTH), seL4_NoError, "revoke them all, uninterrupted");
  const took = timerNow() - start;
  check(took > 0, "the revoke took time on the HPET's counter");
  let attempt: u32 = 0;
  for (; attempt < REVOKE_ATTEMPTS; attempt++) {
    if (!check(fillWithCopies(), "fill them again")) break;
    period = max<u32>(took / (3 << attempt), MIN_PERIOD_TICKS);
    revoking = 0;
    preemptions = 0;
    revokeDone = false;
    countDone = false;
    const counter = spawn(H_COUNT_PREEMPT, 0, top - 1);
    const revoker = spawn(H_REVOKE, 0, top - 2);
    waitUntil(() => revokeDone && countDone);
    checkEq(seL4_TCB_Suspend(counter), seL4_NoError, "stop the counting thread");
    checkEq(seL4_TCB_Suspend(revoker), seL4_NoError, "stop the revoking thread");
    if (!check(!lostInterrupt, "every timer interrupt came")) break;
    if (preemptions >= 2) break;
  }
  print("preempt_revoke: ");
  printDec(preemptions);
  print(" interrupts found the Revoke part way, period ");
  printDec(period);
  printLine(" HPET ticks");
  check(preemptions >= 2, "at least twice an interrupt found the Revoke part way: it was preempted and went on");
  check(attempt < REVOKE_ATTEMPTS, "within the attempts");
  // Every copy is gone: each slot takes a new copy.
  check(fillWithCopies(), "after the preempted Revoke, every slot it emptied is empty");
  checkEq(seL4_CNode_Revoke(MY_CNODE, revokeEp, DEPTH), seL4_NoError, "and revoke those");
  timerClose(false);
}

// ── REGRESSIONS0003 ──────────────────────────────────────────────────

let turns: u32 = 0;
let notCpl3: u32 = 0;
const context = memory.data(<i32>USER_CONTEXT_SIZE, 4);

function yieldAndLookAtCpl(): void {
  while (true) {
    if ((readCs() & 3) != 3) notCpl3++;
    turns++;
    compilerBarrier();
    watchdogStep();
    seL4_Yield();
  }
}

// @ts-ignore: decorator
@inline function turnsNow(): u32 {
  compilerBarrier();
  return turns;
}

/**
 * REGRESSIONS0003: return to user with CPL0. A thread loops on Yield (so
 * a timer interrupt often finds it in the kernel, or leaving it) beside
 * the two spinners; twenty times, once the timer has interrupted, the
 * test reads its registers and writes them back with resume, as the
 * exploit did to a thread whose saved frame was at sysexit with kernel
 * selectors. The thread must keep running, and never at a privilege
 * other than 3 (tsos's user context holds no selectors of the kernel's:
 * CS and SS are the kernel's constants on every return, and sysexit
 * follows sti in its shadow, so no interrupt lands between them).
 */
export function ringZeroRegression(): void {
  const top = myPriority();
  if (!timerOpen(top - 1, top - 1)) {
    timerClose();
    return;
  }
  turns = 0;
  notCpl3 = 0;
  const yielder = spawn(H_YIELD_CPL, 0, top - 1);
  const words = <u32>USER_CONTEXT_SIZE >> 2;
  let rounds: u32 = 0;
  for (let i = 0; i < 20; i++) {
    if (!check(sleepMs(30), "the timer interrupted")) break;
    if (seL4_TCB_ReadRegisters(yielder, false, 0, words, context) != seL4_NoError) break;
    if (seL4_TCB_WriteRegisters(yielder, true, 0, words, context) != seL4_NoError) break;
    rounds++;
  }
  checkEq(rounds, 20, "twenty rounds of reading and writing back the thread's registers");
  // The yielder shares its priority with the spinners: round robin gives it a turn.
  while (turnsNow() == 0) {
    if (!check(sleepMs(30), "the timer interrupted")) break;
  }
  check(turnsNow() > 0, "the thread kept running");
  checkEq(notCpl3, 0, "and never at a privilege other than 3");
  checkEq(seL4_TCB_Suspend(yielder), seL4_NoError, "stop it");
  timerClose();
}

// ── SCHED0000 ────────────────────────────────────────────────────────

/**
 * SCHED0000: suspending and resuming a thread. The first spinner counts
 * one priority below the test, the second (the watchdog) one below that:
 * while the test sleeps, the counter moves; suspended, it stands still
 * over two timer interrupts; resumed, it moves again.
 */
export function schedSuspendResume(): void {
  const top = myPriority();
  if (!timerOpen(top - 1, top - 2)) {
    timerClose();
    return;
  }
  check(sleepMs(10), "a timer interrupt");
  let old = spinCount(0);
  check(sleepMs(10), "another");
  check(spinCount(0) != old, "the counting thread ran while we slept");
  checkEq(seL4_TCB_Suspend(firstSpinner()), seL4_NoError, "suspend it");
  old = spinCount(0);
  check(sleepMs(10), "a timer interrupt");
  checkEq(spinCount(0), old, "suspended, it did not run");
  check(sleepMs(10), "another");
  checkEq(spinCount(0), old, "nor then");
  checkEq(seL4_TCB_Resume(firstSpinner()), seL4_NoError, "resume it");
  check(sleepMs(10), "a timer interrupt");
  check(spinCount(0) != old, "resumed, it ran again");
  timerClose();
}

// ── DOMAINS0004 ──────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const DOMAIN_SLEEPS: u32 = 50;
let sleeps: u32 = 0;

function domainSleeper(): void {
  for (let i: u32 = 0; i < DOMAIN_SLEEPS; i++) {
    if (!sleepMs(2)) break;
    sleeps++;
  }
  sleeperDone = true;
  seL4_Signal(done);
}

/**
 * DOMAINS0004: run threads in domains. With one domain (seL4's ia32
 * default, CONFIG_NUM_DOMAINS 1), a helper put in domain 0 by DomainSet
 * takes fifty timer interrupts, a couple of milliseconds apart, while the
 * test waits for it.
 */
export function runThreadsInDomains(): void {
  const top = myPriority();
  if (!timerOpen(top - 2, top - 2)) {
    timerClose();
    return;
  }
  done = make(OBJ_NOTIFICATION, 0);
  sleeps = 0;
  sleeperDone = false;
  const t = spawn(H_DOMAIN_SLEEP, 0, top - 1, 0, false);
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, 0, t), seL4_NoError, "put the helper in domain 0");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "start it");
  waitUntil(() => sleeperDone);
  checkEq(sleeps, DOMAIN_SLEEPS, "it took every timer interrupt it waited for");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "stop it");
  timerClose();
}
