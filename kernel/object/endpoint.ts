// kernel/object/endpoint.ts: the endpoint object: its queue, and sending and receiving on it.
//
// Owns: the endpoint layout (2^seL4_EndpointBits = 16 bytes, zeroed at
// creation), its FIFO of blocked threads (linked through the TCBs'
// epNext/epPrev), seL4's sendIPC and receiveIPC, taking a thread out of
// the queue (cancelling its IPC), releasing every thread when the
// endpoint goes (cancelAllIPC) and cancelling the sends of one badge
// (cancelBadgedSends); and the invocation of an endpoint capability
// (Send, NBSend, Call on it): decodeEndpointInvocation checks the Write
// right, invokeEndpoint sends.
// The message itself moves in kernel/api/transfer.ts; reply capabilities
// are kernel/object/reply.ts.
// Must not: decide who runs (kernel/sched/scheduler.ts does; this file
// only makes threads runnable through possibleSwitchTo).
//
//   offset  field
//   0x00    queueHead   first blocked thread (TCB address), or 0
//   0x04    queueTail   last blocked thread, or 0
//   0x08    state       EP_IDLE, EP_SEND (the queue holds senders) or EP_RECV (receivers)
//   0x0C    (unused)
//
// see: seL4 reference manual, "Message Passing (IPC)"; seL4
// src/object/endpoint.c (sendIPC, receiveIPC, cancelIPC, cancelAllIPC,
// cancelBadgedSends), facts only.

import {
  ThreadState, tcbState, CTX_EBX, TCB_BLOCKING_OBJECT, TCB_BLOCKING_BADGE, TCB_BLOCKING_FLAGS, TCB_EP_NEXT, TCB_EP_PREV,
  TCB_BLOCKING_CAN_GRANT, TCB_BLOCKING_CAN_GRANT_REPLY, TCB_BLOCKING_IS_CALL, TCB_BOUND_NTFN,
} from "./tcb";
import { setThreadState, possibleSwitchTo, rescheduleRequired, currentThread } from "../sched/scheduler";
import { readyEnqueueFront } from "../sched/ready";
import { capBadge, capRights, capObjectPhys, RIGHT_WRITE, RIGHT_GRANT, RIGHT_GRANT_REPLY, RIGHT_READ } from "../cspace/cte";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { doIPCTransfer } from "../api/transfer";
import { setupCallerCap } from "./reply";
import { notificationIsActive, completeSignal } from "./notification";
import { errorInvalidCapability } from "../api/invocation";
import { seL4_NoError } from "../../libs/abi/sel4.gen";

// @ts-ignore: decorator
@inline export const EP_QUEUE_HEAD: usize = 0x00;
// @ts-ignore: decorator
@inline export const EP_QUEUE_TAIL: usize = 0x04;
// @ts-ignore: decorator
@inline export const EP_STATE: usize = 0x08;

// @ts-ignore: decorator
@inline export const EP_IDLE: u32 = 0;
// @ts-ignore: decorator
@inline export const EP_SEND: u32 = 1;
// @ts-ignore: decorator
@inline export const EP_RECV: u32 = 2;

/** The kernel address of the endpoint an endpoint capability in slot `s` names. */
// @ts-ignore: decorator
@inline export function endpointOf(s: usize): usize {
  return vspacePhysWindow() + <usize>capObjectPhys(s);
}

// @ts-ignore: decorator
@inline export function epState(ep: usize): u32 { return load<u32>(ep, EP_STATE); }
// @ts-ignore: decorator
@inline export function epHead(ep: usize): usize { return load<usize>(ep, EP_QUEUE_HEAD); }

// ── The queue (shared with notifications, whose head and tail words sit elsewhere) ──

/** Appends `t` to the queue whose head and tail words are at `headAt` and `tailAt`. */
export function queueAppend(headAt: usize, tailAt: usize, t: usize): void {
  const tail = load<usize>(tailAt);
  store<usize>(t, tail, TCB_EP_PREV);
  store<usize>(t, 0, TCB_EP_NEXT);
  if (tail == 0) store<usize>(headAt, t);
  else store<usize>(tail, t, TCB_EP_NEXT);
  store<usize>(tailAt, t);
}

/** Unlinks `t` from that queue. */
export function queueRemove(headAt: usize, tailAt: usize, t: usize): void {
  const prev = load<usize>(t, TCB_EP_PREV);
  const next = load<usize>(t, TCB_EP_NEXT);
  if (prev == 0) store<usize>(headAt, next);
  else store<usize>(prev, next, TCB_EP_NEXT);
  if (next == 0) store<usize>(tailAt, prev);
  else store<usize>(next, prev, TCB_EP_PREV);
  store<usize>(t, 0, TCB_EP_PREV);
  store<usize>(t, 0, TCB_EP_NEXT);
}

function epAppend(ep: usize, t: usize, state: u32): void {
  queueAppend(ep + EP_QUEUE_HEAD, ep + EP_QUEUE_TAIL, t);
  store<u32>(ep, state, EP_STATE);
}

/** Takes `t` out of the endpoint's queue; the endpoint goes idle when it empties. */
function epRemove(ep: usize, t: usize): void {
  queueRemove(ep + EP_QUEUE_HEAD, ep + EP_QUEUE_TAIL, t);
  if (epHead(ep) == 0) store<u32>(ep, EP_IDLE, EP_STATE);
}

// ── Sending and receiving ────────────────────────────────────────────

/**
 * seL4's sendIPC: `t` sends on `ep` with the badge and rights of the
 * capability it used. A waiting receiver takes the message at once;
 * otherwise a blocking sender joins the queue, and a non-blocking send is
 * dropped. After a Call, the sender waits for the reply (or stops, if its
 * capability has neither Grant nor GrantReply: nobody could answer it).
 */
export function sendIPC(blocking: bool, isCall: bool, badge: u32, canGrant: bool, canGrantReply: bool, t: usize, ep: usize): void {
  if (epState(ep) != EP_RECV) {
    if (!blocking) return;
    setThreadState(t, ThreadState.BlockedOnSend);
    store<usize>(t, ep, TCB_BLOCKING_OBJECT);
    store<u32>(t, badge, TCB_BLOCKING_BADGE);
    store<u32>(t, (canGrant ? TCB_BLOCKING_CAN_GRANT : 0) | (canGrantReply ? TCB_BLOCKING_CAN_GRANT_REPLY : 0) |
      (isCall ? TCB_BLOCKING_IS_CALL : 0), TCB_BLOCKING_FLAGS);
    epAppend(ep, t, EP_SEND);
    return;
  }
  const dest = epHead(ep);
  epRemove(ep, dest);
  doIPCTransfer(t, ep, badge, canGrant, dest);
  const replyCanGrant = (load<u32>(dest, TCB_BLOCKING_FLAGS) & TCB_BLOCKING_CAN_GRANT) != 0;
  setThreadState(dest, ThreadState.Running);
  possibleSwitchTo(dest);
  if (isCall) {
    if (canGrant || canGrantReply) setupCallerCap(t, dest, replyCanGrant);
    else setThreadState(t, ThreadState.Inactive);
  }
}

/**
 * seL4's receiveIPC: `t` receives on `ep` through a capability with
 * Grant or not. A bound notification that is already signalled is taken
 * first. Then a waiting sender's message is taken, or a blocking receiver
 * joins the queue; a non-blocking receive with nothing to take returns
 * badge 0.
 */
export function receiveIPC(t: usize, ep: usize, canGrant: bool, blocking: bool): void {
  const ntfn = load<u32>(t, TCB_BOUND_NTFN);
  if (ntfn != 0) {
    const n = vspacePhysWindow() + <usize>ntfn;
    if (notificationIsActive(n)) {
      completeSignal(n, t);
      return;
    }
  }
  if (epState(ep) != EP_SEND) {
    if (blocking) {
      setThreadState(t, ThreadState.BlockedOnReceive);
      store<usize>(t, ep, TCB_BLOCKING_OBJECT);
      store<u32>(t, canGrant ? TCB_BLOCKING_CAN_GRANT : 0, TCB_BLOCKING_FLAGS);
      epAppend(ep, t, EP_RECV);
    } else {
      store<u32>(t, 0, CTX_EBX); // seL4's doNBRecvFailedTransfer: badge 0
    }
    return;
  }
  const sender = epHead(ep);
  epRemove(ep, sender);
  const flags = load<u32>(sender, TCB_BLOCKING_FLAGS);
  const senderCanGrant = (flags & TCB_BLOCKING_CAN_GRANT) != 0;
  const senderCanGrantReply = (flags & TCB_BLOCKING_CAN_GRANT_REPLY) != 0;
  doIPCTransfer(sender, ep, load<u32>(sender, TCB_BLOCKING_BADGE), senderCanGrant, t);
  if ((flags & TCB_BLOCKING_IS_CALL) != 0) {
    if (senderCanGrant || senderCanGrantReply) setupCallerCap(sender, t, canGrant);
    else setThreadState(sender, ThreadState.Inactive);
  } else {
    setThreadState(sender, ThreadState.Running);
    possibleSwitchTo(sender);
  }
}

// ── Cancelling ───────────────────────────────────────────────────────

/** The endpoint part of seL4's cancelIPC: `t`, blocked sending or receiving on its endpoint, stops waiting. */
export function cancelEndpointIPC(t: usize): void {
  const ep = load<usize>(t, TCB_BLOCKING_OBJECT);
  epRemove(ep, t);
  store<usize>(t, 0, TCB_BLOCKING_OBJECT);
  setThreadState(t, ThreadState.Inactive);
}

/**
 * seL4's cancelAllIPC (the endpoint is being deleted): every blocked
 * thread runs its system call again, which will find the endpoint gone.
 */
export function cancelAllIPC(ep: usize): void {
  if (epState(ep) == EP_IDLE) return;
  let t = epHead(ep);
  store<usize>(ep, 0, EP_QUEUE_HEAD);
  store<usize>(ep, 0, EP_QUEUE_TAIL);
  store<u32>(ep, EP_IDLE, EP_STATE);
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

/**
 * seL4's cancelBadgedSends: every thread blocked sending on `ep` with
 * `badge` runs its send again (its capability has usually just been
 * revoked). Receivers, and senders with other badges, keep waiting.
 */
export function cancelBadgedSends(ep: usize, badge: u32): void {
  if (epState(ep) != EP_SEND) return;
  let t = epHead(ep);
  while (t != 0) {
    const next = load<usize>(t, TCB_EP_NEXT);
    if (load<u32>(t, TCB_BLOCKING_BADGE) == badge) {
      epRemove(ep, t);
      store<usize>(t, 0, TCB_BLOCKING_OBJECT);
      setThreadState(t, ThreadState.Restart);
      readyEnqueueFront(t);
    }
    t = next;
  }
  rescheduleRequired();
}

// ── The invocation ───────────────────────────────────────────────────

// What the decode found, for invokeEndpoint.
let sendEp: usize = 0;
let sendBadge: u32 = 0;
let sendRights: u32 = 0;

/** Send, NBSend or Call on an endpoint capability: it needs Write (seL4: InvalidCapability 0 without). */
export function decodeEndpointInvocation(slot: usize): u32 {
  const rights = capRights(slot);
  if ((rights & RIGHT_WRITE) == 0) return errorInvalidCapability(0);
  sendEp = endpointOf(slot);
  sendBadge = capBadge(slot);
  sendRights = rights;
  return seL4_NoError;
}

/** seL4's performInvocation_Endpoint: the current thread sends. */
export function invokeEndpoint(blocking: bool, isCall: bool): void {
  sendIPC(blocking, isCall, sendBadge, (sendRights & RIGHT_GRANT) != 0, (sendRights & RIGHT_GRANT_REPLY) != 0, currentThread(), sendEp);
}

/** Recv on an endpoint capability needs Read. */
// @ts-ignore: decorator
@inline export function endpointCanReceive(slot: usize): bool {
  return (capRights(slot) & RIGHT_READ) != 0;
}

/** Grant on the capability a receiver uses: a Call it takes may get a reply with capabilities. */
// @ts-ignore: decorator
@inline export function endpointCanGrant(slot: usize): bool {
  return (capRights(slot) & RIGHT_GRANT) != 0;
}

/** The state of thread `t` says it waits in an endpoint queue. */
// @ts-ignore: decorator
@inline export function waitsOnEndpoint(t: usize): bool {
  const s = tcbState(t);
  return s == ThreadState.BlockedOnSend || s == ThreadState.BlockedOnReceive;
}
