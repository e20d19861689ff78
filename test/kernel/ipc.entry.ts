// test/kernel/ipc.entry.ts: the wasm entry for test/unit/ipc.test.ts.
//
// Owns: thin wrappers that hand the kernel's IPC code to the tests: the
// endpoint and notification objects (kernel/object/endpoint.ts,
// notification.ts), reply capabilities (reply.ts), cancelling and
// suspending (thread-control.ts), the message transfer (kernel/api/
// transfer.ts, message.ts), fault messages and fault replies (faults.ts),
// the system-call dispatcher (kernel/syscall.ts), and the scheduler and
// ready queues that decide who runs afterwards (kernel/sched/), over TCBs
// in wasm memory that plays physical memory (vspaceSetPhysWindow(0)); and
// the TCB and endpoint layout offsets, as exported globals, so that the
// tests read the kernel's own layout. Everything of test/kernel/
// cspace.entry.ts (capabilities, slots, lookups, the invocation
// dispatcher) is re-exported too. A thread is named by its kernel address
// `t` (the TCB object's thread part), as the kernel names it.
// Must not: add behaviour of its own: every wrapper calls one kernel
// function or reads one field through the kernel's own accessors.

export * from "./cspace.entry";

import * as tcb from "../../kernel/object/tcb";
import * as ep from "../../kernel/object/endpoint";
import * as ntfn from "../../kernel/object/notification";
import * as reply from "../../kernel/object/reply";
import * as control from "../../kernel/object/thread-control";
import * as transfer from "../../kernel/api/transfer";
import * as message from "../../kernel/api/message";
import * as faults from "../../kernel/api/faults";
import * as sched from "../../kernel/sched/scheduler";
import * as ready from "../../kernel/sched/ready";
import * as syscall from "../../kernel/syscall";
import * as invoke from "../../kernel/api/invoke";

// ── Layout (the kernel's own offsets) ────────────────────────────────
export const TCB_STATE: u32 = <u32>tcb.TCB_STATE;
export const TCB_PRIORITY: u32 = <u32>tcb.TCB_PRIORITY;
export const TCB_IPC_BUFFER: u32 = <u32>tcb.TCB_IPC_BUFFER;
export const TCB_BLOCKING_OBJECT: u32 = <u32>tcb.TCB_BLOCKING_OBJECT;
export const TCB_BLOCKING_BADGE: u32 = <u32>tcb.TCB_BLOCKING_BADGE;
export const TCB_BLOCKING_FLAGS: u32 = <u32>tcb.TCB_BLOCKING_FLAGS;
export const TCB_EP_NEXT: u32 = <u32>tcb.TCB_EP_NEXT;
export const TCB_EP_PREV: u32 = <u32>tcb.TCB_EP_PREV;
export const TCB_SCHED_NEXT: u32 = <u32>tcb.TCB_SCHED_NEXT;
export const TCB_FAULT: u32 = <u32>tcb.TCB_FAULT;
export const TCB_LOOKUP_FAILURE: u32 = <u32>tcb.TCB_LOOKUP_FAILURE;
export const TCB_FAULT_HANDLER: u32 = <u32>tcb.TCB_FAULT_HANDLER;
export const TCB_BOUND_NTFN: u32 = <u32>tcb.TCB_BOUND_NTFN;
export const TCB_THREAD_OFFSET: u32 = <u32>tcb.TCB_THREAD_OFFSET;
export const EP_QUEUE_HEAD: u32 = <u32>ep.EP_QUEUE_HEAD;
export const EP_QUEUE_TAIL: u32 = <u32>ep.EP_QUEUE_TAIL;
export const NTFN_QUEUE_HEAD: u32 = <u32>ntfn.NTFN_QUEUE_HEAD;
export const NTFN_QUEUE_TAIL: u32 = <u32>ntfn.NTFN_QUEUE_TAIL;

// ── Threads ──────────────────────────────────────────────────────────
export function tcbSlot(t: usize, i: u32): usize { return tcb.tcbSlot(t, i); }
export function state(t: usize): u32 { return tcb.tcbState(t); }
export function priority(t: usize): i32 { return tcb.tcbPriority(t); }
export function timeSlice(t: usize): u32 { return tcb.tcbTimeSlice(t); }
export function setPriority(t: usize, p: i32): void { tcb.setTcbPriority(t, p); }

// ── The scheduler and the ready queues ───────────────────────────────
export function setThreadState(t: usize, s: u32): void { sched.setThreadState(t, s); }
export function possibleSwitchTo(t: usize): void { sched.possibleSwitchTo(t); }
export function rescheduleRequired(): void { sched.rescheduleRequired(); }
export function threadRestart(t: usize): void { sched.threadRestart(t); }
export function schedule(): void { sched.schedule(); }
export function schedulerTick(): void { sched.schedulerTick(); }
export function threadYield(t: usize): void { sched.threadYield(t); }
export const TIME_SLICE_TICKS: u32 = sched.TIME_SLICE_TICKS;
export function schedulerIdleWhenBlocked(): void { sched.schedulerIdleWhenBlocked(); }
export function liveThreadCount(): u32 { return sched.liveThreadCount(); }
export function readyEnqueue(t: usize): i32 { return ready.readyEnqueue(t); }
export function readyDequeue(t: usize): i32 { return ready.readyDequeue(t); }
export function readyIsQueued(t: usize): bool { return ready.readyIsQueued(t); }
export function readyHead(prio: i32): usize { return ready.readyHead(prio); }

// ── Endpoints ────────────────────────────────────────────────────────
export function endpointOf(s: usize): usize { return ep.endpointOf(s); }
export function epState(e: usize): u32 { return ep.epState(e); }
export function sendIPC(blocking: bool, isCall: bool, badge: u32, canGrant: bool, canGrantReply: bool, t: usize, e: usize): void {
  ep.sendIPC(blocking, isCall, badge, canGrant, canGrantReply, t, e);
}
export function receiveIPC(t: usize, e: usize, canGrant: bool, blocking: bool): void { ep.receiveIPC(t, e, canGrant, blocking); }
export function cancelAllIPC(e: usize): void { ep.cancelAllIPC(e); }
export function cancelBadgedSends(e: usize, badge: u32): void { ep.cancelBadgedSends(e, badge); }

// ── Notifications ────────────────────────────────────────────────────
export function notificationOf(s: usize): usize { return ntfn.notificationOf(s); }
export function ntfnState(n: usize): u32 { return ntfn.ntfnState(n); }
export function ntfnMsgIdentifier(n: usize): u32 { return ntfn.ntfnMsgIdentifier(n); }
export function notificationBoundTcb(n: u32): u32 { return ntfn.notificationBoundTcb(n); }
export function sendSignal(n: usize, badge: u32): void { ntfn.sendSignal(n, badge); }
export function receiveSignal(t: usize, n: usize, blocking: bool): void { ntfn.receiveSignal(t, n, blocking); }
export function bindNotification(t: usize, tcbObject: u32, n: u32): void { ntfn.bindNotification(t, tcbObject, n); }

// ── Reply capabilities and thread control ────────────────────────────
export function setupReplyMaster(t: usize): void { reply.setupReplyMaster(t); }
export function setupCallerCap(sender: usize, receiver: usize, canGrant: bool): void { reply.setupCallerCap(sender, receiver, canGrant); }
export function deleteCallerCap(t: usize): void { reply.deleteCallerCap(t); }
export function doReplyTransfer(sender: usize, receiver: usize, slot: usize, grant: bool): void { reply.doReplyTransfer(sender, receiver, slot, grant); }
export function handleReply(t: usize): void { reply.handleReply(t); }
export function cancelIPC(t: usize): void { control.cancelIPC(t); }
export function suspendThread(t: usize): void { control.suspendThread(t); }
export function restartThread(t: usize): void { control.restartThread(t); }

// ── The message ──────────────────────────────────────────────────────
export function infoLength(info: u32): u32 { return transfer.infoLength(info); }
export function doIPCTransfer(sender: usize, e: usize, badge: u32, grant: bool, receiver: usize): void {
  transfer.doIPCTransfer(sender, e, badge, grant, receiver);
}
export function copyMRs(sender: usize, sendBuffer: usize, receiver: usize, receiveBuffer: usize, n: u32): u32 {
  return transfer.copyMRs(sender, sendBuffer, receiver, receiveBuffer, n);
}
export function lookupIpcBuffer(t: usize, isReceiver: bool): usize { return message.lookupIpcBuffer(t, isReceiver); }

// ── Faults ───────────────────────────────────────────────────────────
export function faultType(t: usize): u32 { return faults.faultType(t); }
export function setMRsFault(sender: usize, receiver: usize, buffer: usize): u32 { return faults.setMRsFault(sender, receiver, buffer); }
export function handleFaultReply(receiver: usize, sender: usize): bool { return faults.handleFaultReply(receiver, sender); }
export function handleUserException(t: usize, vector: u32, error: u32, cr2: u32): void { faults.handleUserException(t, vector, error, cr2); }
export function handleUnknownSyscall(t: usize, n: u32): void { faults.handleUnknownSyscall(t, n); }
export function capFault(t: usize, cptr: u32, inReceivePhase: bool): void { faults.capFault(t, cptr, inReceivePhase); }

// ── System calls (each ends in schedule(), whose mocked exit throws) ──
export function handleSyscall(): void { syscall.handleSyscall(); }
export function handleInvocation(t: usize, isCall: bool, isBlocking: bool): void { invoke.handleInvocation(t, isCall, isBlocking); }
