// kernel/object/notification.ts: the notification object: signalling, waiting, binding.
//
// Owns: the notification layout (2^seL4_NotificationBits = 16 bytes,
// zeroed at creation: idle, no waiters, not bound), seL4's sendSignal
// (Signal ORs the badge into the word, or wakes a waiter, or a bound
// thread blocked in Recv), receiveSignal (Wait, and Poll when not
// blocking), completeSignal (a bound thread takes a pending signal when it
// receives on an endpoint), cancelling one waiter (cancelSignal) or all of
// them (cancelAllSignals, when the notification goes), the binding to a
// TCB on both sides, and the invocation of a notification capability
// (Send on it is a Signal; it needs Write).
// Must not: decide who runs (it only makes threads runnable through possibleSwitchTo).
//
//   offset  field
//   0x00    queueHead      first waiting thread (TCB address), or 0
//   0x04    queueTail      last waiting thread, or 0
//   0x08    bound | state  bits 31..11: physical address of the TCB object bound to it
//                          (2 KiB aligned), or 0; bits 1..0: NTFN_IDLE, NTFN_WAITING or NTFN_ACTIVE
//   0x0C    msgIdentifier  the word signals OR into (the badges), while active
//
// see: seL4 reference manual, "Notifications"; seL4 src/object/notification.c
// (sendSignal, receiveSignal, cancelAllSignals, cancelSignal,
// completeSignal, bindNotification, unbindNotification), facts only.

import {
  ThreadState, tcbState, CTX_EBX, TCB_BLOCKING_OBJECT, TCB_EP_NEXT, TCB_EP_PREV, TCB_BOUND_NTFN, tcbOfObject,
} from "./tcb";
import { setThreadState, possibleSwitchTo, rescheduleRequired } from "../sched/scheduler";
import { readyEnqueueFront } from "../sched/ready";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { queueAppend, queueRemove, cancelEndpointIPC } from "./endpoint";
import { capBadge, capRights, capObjectPhys, RIGHT_WRITE, RIGHT_READ } from "../cspace/cte";
import { errorInvalidCapability } from "../api/invocation";
import { seL4_NoError } from "../../libs/abi/sel4.gen";

// @ts-ignore: decorator
@inline export const NTFN_QUEUE_HEAD: usize = 0x00;
// @ts-ignore: decorator
@inline export const NTFN_QUEUE_TAIL: usize = 0x04;
// @ts-ignore: decorator
@inline export const NTFN_BOUND_TCB: usize = 0x08;
// @ts-ignore: decorator
@inline export const NTFN_MSG_IDENTIFIER: usize = 0x0C;

// @ts-ignore: decorator
@inline export const NTFN_IDLE: u32 = 0;
// @ts-ignore: decorator
@inline export const NTFN_WAITING: u32 = 1;
// @ts-ignore: decorator
@inline export const NTFN_ACTIVE: u32 = 2;
// @ts-ignore: decorator
@inline const STATE_MASK: u32 = 3;

/** The kernel address of the notification a notification capability in slot `s` names. */
// @ts-ignore: decorator
@inline export function notificationOf(s: usize): usize {
  return vspacePhysWindow() + <usize>capObjectPhys(s);
}

// @ts-ignore: decorator
@inline export function ntfnState(n: usize): u32 { return load<u32>(n, NTFN_BOUND_TCB) & STATE_MASK; }
// @ts-ignore: decorator
@inline function setNtfnState(n: usize, s: u32): void {
  store<u32>(n, (load<u32>(n, NTFN_BOUND_TCB) & ~STATE_MASK) | s, NTFN_BOUND_TCB);
}
// @ts-ignore: decorator
@inline export function ntfnHead(n: usize): usize { return load<usize>(n, NTFN_QUEUE_HEAD); }
// @ts-ignore: decorator
@inline export function ntfnMsgIdentifier(n: usize): u32 { return load<u32>(n, NTFN_MSG_IDENTIFIER); }

/** A pending signal waits to be taken. */
// @ts-ignore: decorator
@inline export function notificationIsActive(n: usize): bool { return ntfnState(n) == NTFN_ACTIVE; }

// ── Binding ──────────────────────────────────────────────────────────

/** The physical address of the TCB object bound to the notification at physical `ntfn` (0: none). */
export function notificationBoundTcb(ntfn: u32): u32 {
  return load<u32>(vspacePhysWindow() + <usize>ntfn, NTFN_BOUND_TCB) & ~STATE_MASK;
}

export function setNotificationBoundTcb(ntfn: u32, tcbObject: u32): void {
  const n = vspacePhysWindow() + <usize>ntfn;
  store<u32>(n, (tcbObject & ~STATE_MASK) | ntfnState(n), NTFN_BOUND_TCB);
}

/** The notification has waiters (TCB_BindNotification refuses it then, as seL4 does). */
export function notificationHasWaiters(ntfn: u32): bool {
  return ntfnHead(vspacePhysWindow() + <usize>ntfn) != 0;
}

/** Binds thread `t` (its TCB object at physical `tcbObject`) and the notification at physical `ntfn`. */
export function bindNotification(t: usize, tcbObject: u32, ntfn: u32): void {
  store<u32>(t, ntfn, TCB_BOUND_NTFN);
  setNotificationBoundTcb(ntfn, tcbObject);
}

/** seL4's unbindNotification: thread `t` and its bound notification (if any) part. */
export function unbindNotification(t: usize): void {
  const ntfn = load<u32>(t, TCB_BOUND_NTFN);
  if (ntfn == 0) return;
  setNotificationBoundTcb(ntfn, 0);
  store<u32>(t, 0, TCB_BOUND_NTFN);
}

/** seL4's unbindMaybeNotification: the notification at physical `ntfn` and its bound thread (if any) part. */
export function unbindMaybeNotification(ntfn: u32): void {
  const tcbObject = notificationBoundTcb(ntfn);
  if (tcbObject != 0) unbindNotification(tcbOfObject(vspacePhysWindow() + <usize>tcbObject));
}

// ── Signalling and waiting ───────────────────────────────────────────

/**
 * seL4's sendSignal. Idle: a bound thread blocked in Recv on an endpoint
 * wakes with the badge (a bound thread in any other state, a Call's
 * reply wait included, is not woken: the signal stays pending); else the
 * notification becomes active with the badge. Waiting: the first waiter
 * wakes with the badge. Active: the badge is ORed in.
 */
export function sendSignal(n: usize, badge: u32): void {
  const s = ntfnState(n);
  if (s == NTFN_IDLE) {
    const bound = load<u32>(n, NTFN_BOUND_TCB) & ~STATE_MASK;
    if (bound != 0) {
      const t = tcbOfObject(vspacePhysWindow() + <usize>bound);
      if (tcbState(t) == ThreadState.BlockedOnReceive) {
        cancelEndpointIPC(t);
        setThreadState(t, ThreadState.Running);
        store<u32>(t, badge, CTX_EBX);
        possibleSwitchTo(t);
        return;
      }
    }
    store<u32>(n, badge, NTFN_MSG_IDENTIFIER);
    setNtfnState(n, NTFN_ACTIVE);
  } else if (s == NTFN_WAITING) {
    const t = ntfnHead(n);
    ntfnRemove(n, t);
    store<usize>(t, 0, TCB_BLOCKING_OBJECT);
    setThreadState(t, ThreadState.Running);
    store<u32>(t, badge, CTX_EBX);
    possibleSwitchTo(t);
  } else {
    store<u32>(n, ntfnMsgIdentifier(n) | badge, NTFN_MSG_IDENTIFIER);
  }
}

/**
 * seL4's receiveSignal: an active notification gives its word (in EBX,
 * where a badge arrives) and goes idle; otherwise a blocking wait joins
 * the queue, and a poll returns 0.
 */
export function receiveSignal(t: usize, n: usize, blocking: bool): void {
  if (ntfnState(n) == NTFN_ACTIVE) {
    store<u32>(t, ntfnMsgIdentifier(n), CTX_EBX);
    setNtfnState(n, NTFN_IDLE);
    return;
  }
  if (!blocking) {
    store<u32>(t, 0, CTX_EBX); // seL4's doNBRecvFailedTransfer
    return;
  }
  setThreadState(t, ThreadState.BlockedOnNotification);
  store<usize>(t, n, TCB_BLOCKING_OBJECT);
  queueAppend(n + NTFN_QUEUE_HEAD, n + NTFN_QUEUE_TAIL, t);
  setNtfnState(n, NTFN_WAITING);
}

/** seL4's completeSignal: thread `t`, bound to the active notification `n`, takes its word. */
export function completeSignal(n: usize, t: usize): void {
  store<u32>(t, ntfnMsgIdentifier(n), CTX_EBX);
  setNtfnState(n, NTFN_IDLE);
}

function ntfnRemove(n: usize, t: usize): void {
  queueRemove(n + NTFN_QUEUE_HEAD, n + NTFN_QUEUE_TAIL, t);
  if (ntfnHead(n) == 0) setNtfnState(n, NTFN_IDLE);
}

/** seL4's cancelSignal: `t` stops waiting on its notification. */
export function cancelSignal(t: usize): void {
  const n = load<usize>(t, TCB_BLOCKING_OBJECT);
  ntfnRemove(n, t);
  store<usize>(t, 0, TCB_BLOCKING_OBJECT);
  setThreadState(t, ThreadState.Inactive);
}

/** seL4's cancelAllSignals (the notification is being deleted): every waiter runs its Wait again. */
export function cancelAllSignals(n: usize): void {
  if (ntfnState(n) != NTFN_WAITING) return;
  let t = ntfnHead(n);
  store<usize>(n, 0, NTFN_QUEUE_HEAD);
  store<usize>(n, 0, NTFN_QUEUE_TAIL);
  setNtfnState(n, NTFN_IDLE);
  while (t != 0) {
    const next = load<usize>(t, TCB_EP_NEXT);
    store<usize>(t, 0, TCB_EP_NEXT);
    store<usize>(t, 0, TCB_EP_PREV);
    store<usize>(t, 0, TCB_BLOCKING_OBJECT);
    setThreadState(t, ThreadState.Restart);
    readyEnqueueFront(t);
    t = next;
  }
  rescheduleRequired();
}

// ── The invocation ───────────────────────────────────────────────────

let signalNtfn: usize = 0;
let signalBadge: u32 = 0;

/** Send, NBSend or Call on a notification capability (a Signal): it needs Write. */
export function decodeNotificationInvocation(slot: usize): u32 {
  if ((capRights(slot) & RIGHT_WRITE) == 0) return errorInvalidCapability(0);
  signalNtfn = notificationOf(slot);
  signalBadge = capBadge(slot);
  return seL4_NoError;
}

export function invokeNotification(): void {
  sendSignal(signalNtfn, signalBadge);
}

/**
 * Wait or Poll on a notification capability needs Read, and a bound
 * notification only serves its own thread (seL4's handleRecv).
 */
export function notificationCanReceive(slot: usize, t: usize): bool {
  if ((capRights(slot) & RIGHT_READ) == 0) return false;
  const bound = notificationBoundTcb(capObjectPhys(slot));
  return bound == 0 || tcbOfObject(vspacePhysWindow() + <usize>bound) == t;
}
