// kernel/debug/selfcheck.ts: the kernel's consistency self-check (tsos's DebugSelfCheck).
//
// Owns: one read-only walk over the kernel's linked structures, counting
// every inconsistency it finds (0: consistent), with a line for each of
// the first few and a summary line:
//   - the capability derivation tree (kernel/cspace/cdt.ts): every slot
//     reachable from a listed thread (kernel/debug/thread-list.ts: its TCB
//     slots, then every CNode, TCB and zombie a reached capability names,
//     transitively). For each capability: prev and next lie in the kernel
//     window, are not the slot itself, hold a capability, and link back
//     (prev.next == slot, next.prev == slot); walking prev from the slot
//     ends at a list head (no loop); an untyped's descendants are one run
//     right after it (no later slot of its list is inside its region once
//     the run has ended: Revoke would miss it); and the object is live
//     (in the window; an untyped's watermark within its size; an
//     endpoint's, notification's or thread's state a valid one).
//   - every endpoint and notification such a capability names: the state
//     agrees with the queue (empty <=> idle), the queue is doubly linked
//     and ends at the tail, and every queued thread is blocked on that
//     very object (its state and blockingObject); a notification's bound
//     thread names it back.
//   - every listed thread: a valid state; a thread blocked on an endpoint
//     or notification is in that object's queue; a runnable thread that is
//     not the current one is in a ready queue, and a queued one is runnable;
//     and a live thread's reply capabilities are as the IPC fast path
//     assumes (checkReplySlots).
//   - the ready queues (kernel/sched/ready.ts): links symmetric, head and
//     tail ends, every queued thread has the queue's priority, the queued
//     flag and a runnable state, and the bitmap's two levels agree with
//     which queues are non-empty.
// Containers (CNodes, TCBs, zombies), endpoints and notifications are
// remembered in fixed tables (no allocation); what does not fit is
// counted as unchecked, not as a problem. Slots no thread can reach (a
// CNode that holds the last capability to itself) are outside the walk.
// Must not: change anything (it only loads), fault on a corrupt link (a
// link is checked to lie in the window before it is followed), or run
// unbounded (every walk has a step limit).

import {
  capTag, isNullCap, mdbPrev, mdbNext, mdbRevocable, capObjectPhys, capPagePhys, capWords, cnodeRadix,
  untypedSizeBits, untypedFreeIndex, zombiePtr, zombieNumber, zombieType, ZOMBIE_TCB, ZOMBIE_TCB_BITS, tagHasObject,
  CAP_CNODE_CAP, CAP_THREAD_CAP, CAP_ZOMBIE_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP, CAP_UNTYPED_CAP,
  CAP_FRAME_CAP, CAP_PAGE_TABLE_CAP, CAP_PAGE_DIRECTORY_CAP, CAP_ASID_POOL_CAP, CTE_SIZE, CAP_REPLY_CAP, replyIsMaster,
} from "../cspace/cte";
import { isParentOf } from "../cspace/cdt";
import {
  ThreadState, tcbState, tcbPriority, tcbIsQueued, tcbSchedNext, tcbSchedPrev, tcbOfObject, TCB_BLOCKING_OBJECT,
  TCB_EP_NEXT, TCB_EP_PREV, TCB_BOUND_NTFN, TCB_THREAD_OFFSET, NUM_PRIORITIES, isRunnableState, isLiveState,
  TCB_REPLY, TCB_CALLER, tcbSlot,
} from "../object/tcb";
import { EP_QUEUE_HEAD, EP_QUEUE_TAIL, EP_STATE, EP_IDLE, EP_SEND, EP_RECV } from "../object/endpoint";
import {
  NTFN_QUEUE_HEAD, NTFN_QUEUE_TAIL, NTFN_BOUND_TCB, NTFN_IDLE, NTFN_WAITING, NTFN_ACTIVE, ntfnState,
} from "../object/notification";
import { readyHead, readyTail, readyBitmapTop, readyBitmapWord } from "../sched/ready";
import { currentThread } from "../sched/scheduler";
import { debugThreadCount, debugThread } from "./thread-list";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { KERNEL_WINDOW_SIZE } from "../arch/x86/machine.gen";
import { puts, putNewline, putLineStart } from "../console";
import { putDec32, putHex } from "../lib/format";

// @ts-ignore: decorator
@inline const MAX_CONTAINERS: i32 = 4096;
// @ts-ignore: decorator
@inline const MAX_OBJECTS: i32 = 4096;
/** Problems printed one per line; the rest are only counted. */
// @ts-ignore: decorator
@inline const MAX_REPORTED: u32 = 16;
/** Steps of any one walk along a list or queue before it counts as a loop (or, for the prev walk, as unchecked). */
// @ts-ignore: decorator
@inline const WALK_LIMIT: i32 = 1 << 16;
/** Slots after an untyped's run that are scanned for a stray descendant. */
// @ts-ignore: decorator
@inline const UNTYPED_SCAN_LIMIT: i32 = 8192;
// @ts-ignore: decorator
@inline const BITMAP_WORDS: i32 = NUM_PRIORITIES >> 5;

/** Containers: (kernel address of the first slot, number of slots). */
const containers = memory.data(MAX_CONTAINERS * 8, 8);
let containerCount: i32 = 0;
/** Endpoints and notifications checked (kernel addresses; bit 0 set for a notification). */
const objects = memory.data(MAX_OBJECTS * 4, 4);
let objectCount: i32 = 0;

let problems: u32 = 0;
let unchecked: u32 = 0;
let capsSeen: u32 = 0;
let endpointsSeen: u32 = 0;
let notificationsSeen: u32 = 0;

// ── Helpers ──────────────────────────────────────────────────────────

/** Does kernel address `a` (with `bytes` after it) lie in the kernel window? */
function inWindow(a: usize, bytes: usize): bool {
  const base = vspacePhysWindow();
  if (a < base) return false;
  const off = <u64>(a - base);
  return off + <u64>bytes <= <u64>KERNEL_WINDOW_SIZE;
}

function problem(what: string, at: usize): void {
  problems++;
  if (problems > MAX_REPORTED) return;
  putLineStart();
  puts("kernel: self-check: ");
  puts(what);
  puts(" at ");
  putHex(<u64>at, 8);
  putNewline();
}

function addContainer(first: usize, slots: u32): void {
  if (slots == 0) return;
  if (!inWindow(first, <usize>slots * CTE_SIZE)) {
    problem("a CNode, TCB or zombie lies outside the kernel window", first);
    return;
  }
  for (let i = 0; i < containerCount; i++) if (load<usize>(containers + <usize>i * 8) == first) return;
  if (containerCount == MAX_CONTAINERS) {
    unchecked++;
    return;
  }
  store<usize>(containers + <usize>containerCount * 8, first);
  store<u32>(containers + <usize>containerCount * 8, slots, 4);
  containerCount++;
}

/** True the first time object `key` is seen (then it is checked); false after, or when the table is full. */
function firstSight(key: usize): bool {
  for (let i = 0; i < objectCount; i++) if (load<usize>(objects + <usize>i * 4) == key) return false;
  if (objectCount == MAX_OBJECTS) {
    unchecked++;
    return false;
  }
  store<usize>(objects + <usize>objectCount * 4, key);
  objectCount++;
  return true;
}

// ── The derivation tree ──────────────────────────────────────────────

function checkLink(s: usize, other: usize, isPrev: bool): bool {
  if (other == 0) return true;
  if (other == s) {
    problem(isPrev ? "a slot is its own derivation predecessor" : "a slot is its own derivation successor", s);
    return false;
  }
  if (!inWindow(other, CTE_SIZE)) {
    problem(isPrev ? "a derivation prev link leaves the kernel window" : "a derivation next link leaves the kernel window", s);
    return false;
  }
  if (isNullCap(other)) {
    problem(isPrev ? "a derivation prev link names an empty slot" : "a derivation next link names an empty slot", s);
    return false;
  }
  if ((isPrev ? mdbNext(other) : mdbPrev(other)) != s) {
    problem(isPrev ? "a derivation prev link is not mutual (prev.next != slot)" : "a derivation next link is not mutual (next.prev != slot)", s);
    return false;
  }
  return true;
}

/** Walking prev from `s` must end at a head; a walk back to `s` is a loop. */
function checkReachesHead(s: usize): void {
  let p = mdbPrev(s);
  for (let steps = 0; p != 0; steps++) {
    if (p == s) {
      problem("a derivation list loops", s);
      return;
    }
    if (steps == WALK_LIMIT || !inWindow(p, CTE_SIZE)) return; // too long to tell, or reported at p's own check
    p = mdbPrev(p);
  }
}

/** An untyped's descendants are the run right after it: nothing later in its list lies inside it. */
function checkUntypedRun(u: usize): void {
  if (!mdbRevocable(u)) return;
  let x = mdbNext(u);
  let steps = 0;
  while (x != 0 && inWindow(x, CTE_SIZE) && isParentOf(u, x)) {
    if (++steps == WALK_LIMIT) return;
    x = mdbNext(x);
  }
  for (let n = 0; x != 0 && n < UNTYPED_SCAN_LIMIT; n++) {
    if (!inWindow(x, CTE_SIZE)) return;
    if (x == u) return; // a loop, reported by checkReachesHead
    if (isParentOf(u, x)) {
      problem("a capability inside an untyped lies after the end of its subtree", x);
      return;
    }
    x = mdbNext(x);
  }
}

/** Checks slot `s` (not empty) and queues what its capability names for the walk. */
function checkSlot(s: usize): void {
  capsSeen++;
  const prevOk = checkLink(s, mdbPrev(s), true);
  checkLink(s, mdbNext(s), false);
  if (prevOk) checkReachesHead(s);
  const tag = capTag(s);
  const base = vspacePhysWindow();
  if (tagHasObject(tag)) {
    const phys = tag == CAP_FRAME_CAP || tag == CAP_PAGE_TABLE_CAP || tag == CAP_PAGE_DIRECTORY_CAP || tag == CAP_ASID_POOL_CAP
      ? capPagePhys(s) : capObjectPhys(s);
    if (!inWindow(base + <usize>phys, 16) && tag != CAP_UNTYPED_CAP && tag != CAP_FRAME_CAP) {
      problem("a capability names an object outside the kernel window", s);
      return;
    }
  }
  switch (tag) {
    case CAP_UNTYPED_CAP: {
      const bits = untypedSizeBits(s);
      if (bits < 4 || bits > 29) problem("an untyped's size is out of range", s);
      else if (<u64>untypedFreeIndex(s) << 4 > <u64>1 << <u64>bits) problem("an untyped's watermark is beyond its size", s);
      checkUntypedRun(s);
      break;
    }
    case CAP_CNODE_CAP:
      addContainer(base + <usize>capObjectPhys(s), <u32>1 << cnodeRadix(s));
      break;
    case CAP_THREAD_CAP: {
      const t = tcbOfObject(base + <usize>capObjectPhys(s));
      if (<u32>tcbState(t) > <u32>ThreadState.Exited) problem("a thread's state is not a thread state", s);
      addContainer(base + <usize>capObjectPhys(s), 5);
      break;
    }
    case CAP_ZOMBIE_CAP: {
      const type = zombieType(s);
      const bits = type == ZOMBIE_TCB ? ZOMBIE_TCB_BITS : type;
      let n = zombieNumber(s);
      if (bits < 32 && n > (<u32>1 << bits)) n = <u32>1 << bits;
      addContainer(base + <usize>zombiePtr(s), n);
      break;
    }
    case CAP_ENDPOINT_CAP: {
      const ep = base + <usize>capObjectPhys(s);
      if (firstSight(ep)) checkEndpoint(ep);
      break;
    }
    case CAP_NOTIFICATION_CAP: {
      const n = base + <usize>capObjectPhys(s);
      if (firstSight(n | 1)) checkNotification(n);
      break;
    }
    default:
      break;
  }
}

// ── Endpoint and notification queues ─────────────────────────────────

/** Walks the queue at `obj` (head and tail words at the offsets); each thread must be in `state` on `obj`. Returns its length. */
function checkQueue(obj: usize, headOff: usize, tailOff: usize, state: ThreadState): i32 {
  let prev: usize = 0;
  let t = load<usize>(obj + headOff);
  let n = 0;
  while (t != 0) {
    if (!inWindow(t - TCB_THREAD_OFFSET, TCB_THREAD_OFFSET * 2)) {
      problem("an IPC queue links to a thread outside the kernel window", obj);
      return n;
    }
    if (load<usize>(t, TCB_EP_PREV) != prev) problem("an IPC queue's prev link is not mutual", t);
    if (tcbState(t) != state) problem("a thread in an IPC queue is not blocked the way the queue says", t);
    if (load<usize>(t, TCB_BLOCKING_OBJECT) != obj) problem("a thread in an IPC queue is blocked on another object", t);
    if (++n == WALK_LIMIT) {
      problem("an IPC queue loops", obj);
      return n;
    }
    prev = t;
    t = load<usize>(t, TCB_EP_NEXT);
  }
  if (load<usize>(obj + tailOff) != prev) problem("an IPC queue's tail is not its last thread", obj);
  return n;
}

function checkEndpoint(ep: usize): void {
  endpointsSeen++;
  const state = load<u32>(ep, EP_STATE);
  if (state != EP_IDLE && state != EP_SEND && state != EP_RECV) {
    problem("an endpoint's state is not idle, send or receive", ep);
    return;
  }
  const head = load<usize>(ep, EP_QUEUE_HEAD);
  if ((head == 0) != (state == EP_IDLE)) problem("an endpoint's state disagrees with its queue", ep);
  if (state == EP_IDLE) {
    if (load<usize>(ep, EP_QUEUE_TAIL) != 0) problem("an idle endpoint has a tail", ep);
    return;
  }
  checkQueue(ep, EP_QUEUE_HEAD, EP_QUEUE_TAIL, state == EP_SEND ? ThreadState.BlockedOnSend : ThreadState.BlockedOnReceive);
}

function checkNotification(n: usize): void {
  notificationsSeen++;
  const state = ntfnState(n);
  if (state != NTFN_IDLE && state != NTFN_WAITING && state != NTFN_ACTIVE) {
    problem("a notification's state is not idle, waiting or active", n);
    return;
  }
  const head = load<usize>(n, NTFN_QUEUE_HEAD);
  if ((head != 0) != (state == NTFN_WAITING)) problem("a notification's state disagrees with its queue", n);
  if (head == 0) {
    if (load<usize>(n, NTFN_QUEUE_TAIL) != 0) problem("a notification without waiters has a tail", n);
  } else {
    checkQueue(n, NTFN_QUEUE_HEAD, NTFN_QUEUE_TAIL, ThreadState.BlockedOnNotification);
  }
  const bound = load<u32>(n, NTFN_BOUND_TCB) & ~<u32>3;
  if (bound != 0) {
    const t = tcbOfObject(vspacePhysWindow() + <usize>bound);
    if (!inWindow(t - TCB_THREAD_OFFSET, TCB_THREAD_OFFSET * 2)) problem("a notification's bound thread lies outside the kernel window", n);
    else if (load<u32>(t, TCB_BOUND_NTFN) != <u32>(n - vspacePhysWindow())) problem("a notification's bound thread is bound to another", n);
  }
}

/** Is thread `t` in the queue whose head word is at `obj + headOff`? */
function inQueue(obj: usize, headOff: usize, t: usize): bool {
  let x = load<usize>(obj + headOff);
  for (let n = 0; x != 0 && n < WALK_LIMIT; n++) {
    if (x == t) return true;
    if (!inWindow(x - TCB_THREAD_OFFSET, TCB_THREAD_OFFSET * 2)) return false;
    x = load<usize>(x, TCB_EP_NEXT);
  }
  return false;
}

// ── Threads and the ready queues ─────────────────────────────────────

function checkThread(t: usize): void {
  const s = tcbState(t);
  if (<u32>s > <u32>ThreadState.Exited) {
    problem("a listed thread's state is not a thread state", t);
    return;
  }
  const obj = load<usize>(t, TCB_BLOCKING_OBJECT);
  if (s == ThreadState.BlockedOnSend || s == ThreadState.BlockedOnReceive || s == ThreadState.BlockedOnNotification) {
    if (obj == 0 || !inWindow(obj, 16)) problem("a blocked thread has no object it waits on", t);
    else if (!inQueue(obj, s == ThreadState.BlockedOnNotification ? NTFN_QUEUE_HEAD : EP_QUEUE_HEAD, t)) {
      problem("a blocked thread is not in its object's queue", t);
    }
  }
  if (isRunnableState(s) && t != currentThread() && !tcbIsQueued(t)) problem("a runnable thread is neither current nor in a ready queue", t);
  if (tcbIsQueued(t) && !isRunnableState(s)) problem("a thread in a ready queue is not runnable", t);
  if (isLiveState(s)) checkReplySlots(t, s);
}

/**
 * The reply capabilities of a live thread, as the IPC fast path
 * (kernel/fastpath/fastpath.ts) relies on them: tcbReply holds its master
 * reply capability, whose derivation list is the master alone or, only
 * while the thread waits for a reply, the master and one reply capability
 * naming the thread; a thread blocked receiving has an empty tcbCaller slot;
 * a reply capability in tcbCaller comes right after its caller's master and
 * ends the list.
 */
function checkReplySlots(t: usize, s: ThreadState): void {
  const master = tcbSlot(t, TCB_REPLY);
  const self = <u32>(t - TCB_THREAD_OFFSET - vspacePhysWindow());
  if (capTag(master) != CAP_REPLY_CAP || !replyIsMaster(master) || capObjectPhys(master) != self) {
    problem("a live thread's tcbReply slot holds no master reply capability to it", t);
    return;
  }
  const child = mdbNext(master);
  if (child != 0 && (s != ThreadState.BlockedOnReply || !inWindow(child, CTE_SIZE) || capTag(child) != CAP_REPLY_CAP ||
      replyIsMaster(child) || capObjectPhys(child) != self || mdbNext(child) != 0)) {
    problem("a master reply capability has a child other than one reply capability while its thread waits for a reply", t);
  }
  const caller = tcbSlot(t, TCB_CALLER);
  if (isNullCap(caller)) return;
  if (s == ThreadState.BlockedOnReceive) problem("a thread blocked receiving has a capability in its tcbCaller slot", t);
  if (capTag(caller) == CAP_REPLY_CAP) {
    const prev = mdbPrev(caller);
    if (prev == 0 || !inWindow(prev, CTE_SIZE) || capTag(prev) != CAP_REPLY_CAP || !replyIsMaster(prev) ||
        capObjectPhys(prev) != capObjectPhys(caller) || mdbNext(caller) != 0) {
      problem("a reply capability in a tcbCaller slot is not its caller's master's only child", t);
    }
  }
}

function checkReadyQueues(): void {
  for (let p = 0; p < NUM_PRIORITIES; p++) {
    const head = readyHead(p);
    const tail = readyTail(p);
    const bit = (readyBitmapWord(p >> 5) >>> <u32>(p & 31)) & 1;
    if ((head == 0) != (tail == 0)) problem("a ready queue has a head but no tail, or a tail but no head", <usize>p);
    if ((head != 0) != (bit != 0)) problem("the ready bitmap disagrees with a queue", <usize>p);
    let prev: usize = 0;
    let t = head;
    for (let n = 0; t != 0; n++) {
      if (n == WALK_LIMIT) {
        problem("a ready queue loops", <usize>p);
        break;
      }
      if (!inWindow(t - TCB_THREAD_OFFSET, TCB_THREAD_OFFSET * 2)) {
        problem("a ready queue links to a thread outside the kernel window", <usize>p);
        break;
      }
      if (tcbSchedPrev(t) != prev) problem("a ready queue's prev link is not mutual", t);
      if (tcbPriority(t) != p) problem("a thread sits in the ready queue of another priority", t);
      if (!tcbIsQueued(t)) problem("a thread in a ready queue lacks the queued flag", t);
      if (!isRunnableState(tcbState(t))) problem("a thread in a ready queue is not runnable", t);
      prev = t;
      t = tcbSchedNext(t);
    }
    if (prev != tail) problem("a ready queue's tail is not its last thread", <usize>p);
  }
  const top = readyBitmapTop();
  for (let w = 0; w < BITMAP_WORDS; w++) {
    if (((top >>> <u32>w) & 1) != (readyBitmapWord(w) != 0 ? 1 : 0)) problem("the ready bitmap's top level disagrees with its words", <usize>w);
  }
  if ((top >>> <u32>BITMAP_WORDS) != 0) problem("the ready bitmap's top level has bits above its words", <usize>top);
}

// ── The check ────────────────────────────────────────────────────────

/** Runs every check; returns the number of problems found (0: consistent). Prints the first few and a summary. */
export function selfCheck(): u32 {
  problems = 0;
  unchecked = 0;
  capsSeen = 0;
  endpointsSeen = 0;
  notificationsSeen = 0;
  containerCount = 0;
  objectCount = 0;
  const threads = debugThreadCount();
  for (let i = 0; i < threads; i++) addContainer(debugThread(i) - TCB_THREAD_OFFSET, 5);
  for (let c = 0; c < containerCount; c++) {
    const first = load<usize>(containers + <usize>c * 8);
    const slots = load<u32>(containers + <usize>c * 8, 4);
    for (let i: u32 = 0; i < slots; i++) {
      const s = first + <usize>i * CTE_SIZE;
      if (!isNullCap(s)) checkSlot(s);
    }
  }
  for (let i = 0; i < threads; i++) checkThread(debugThread(i));
  checkReadyQueues();
  putLineStart();
  puts("kernel: self-check: ");
  putDec32(problems);
  puts(problems == 1 ? " problem (" : " problems (");
  putDec32(capsSeen);
  puts(" capabilities in ");
  putDec32(<u32>containerCount);
  puts(" CNodes and TCBs, ");
  putDec32(endpointsSeen);
  puts(" endpoints, ");
  putDec32(notificationsSeen);
  puts(" notifications, ");
  putDec32(<u32>threads);
  puts(" threads, ");
  putDec32(unchecked);
  puts(" unchecked)");
  putNewline();
  return problems;
}

/** How many capabilities the last check looked at (for tests). */
export function selfCheckCapabilities(): u32 {
  return capsSeen;
}
