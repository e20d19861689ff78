// kernel/object/reply.ts: reply capabilities (non-MCS seL4): how a Call is answered.
//
// Owns: the master reply capability in every thread's tcbReply slot
// (setupReplyMaster: made when the thread is started or restarted), the
// reply capability a Call leaves in the receiver's tcbCaller slot, a child
// of the caller's master (setupCallerCap), deleting it before the
// receiver receives again (deleteCallerCap), the Reply system call
// (handleReply), an invocation of a reply capability that a server saved
// with CNode_SaveCaller (decodeReplyInvocation, invokeReply), and seL4's
// doReplyTransfer behind both: the reply is a message to the caller, or,
// when the caller waits after a fault, the fault handler's answer
// (kernel/api/faults.ts), which restarts it or leaves it stopped.
// Invariant: a non-master reply capability to thread T exists only while
// T is BlockedOnReply. Every way out of that state deletes it: the reply
// itself, and cancelling T's IPC (kernel/object/thread-control.ts).
// Must not: decide who runs.
//
// see: seL4 src/object/endpoint.c and src/kernel/thread.c (setupReplyMaster,
// setupCallerCap, deleteCallerCap, doReplyTransfer), src/api/syscall.c
// (handleReply), src/object/objecttype.c (the reply capability case),
// facts only.

import {
  ThreadState, tcbState, TCB_REPLY, TCB_CALLER, TCB_THREAD_OFFSET, tcbSlot, tcbOfObject,
} from "./tcb";
import {
  capTag, capObjectPhys, isNullCap, replyCap, replyIsMaster, replyCanGrant, setCapWords, CTE_MDB_NEXT, CAP_REPLY_CAP,
  setMdbFlags,
} from "../cspace/cte";
import { cteInsertNotRevocable } from "../cspace/cdt";
import { cteDelete } from "../cspace/delete";
import { setThreadState, possibleSwitchTo, currentThread } from "../sched/scheduler";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { doIPCTransfer } from "../api/transfer";
import { faultType, clearFault, handleFaultReply } from "../api/faults";
import { errorInvalidCapability } from "../api/invocation";
import { seL4_NoError, seL4_Fault_NullFault } from "../../libs/abi/sel4.gen";

/** The physical address of thread `t`'s TCB object (what thread and reply capabilities name). */
// @ts-ignore: decorator
@inline export function tcbObjectPhys(t: usize): u32 {
  return <u32>(t - TCB_THREAD_OFFSET - vspacePhysWindow());
}

/** seL4's setupReplyMaster: the thread's tcbReply slot gets its master reply capability, if it has none. */
export function setupReplyMaster(t: usize): void {
  const slot = tcbSlot(t, TCB_REPLY);
  if (!isNullCap(slot)) return;
  setCapWords(slot, replyCap(tcbObjectPhys(t), true, true));
  store<u64>(slot, 0, 8); // no derivation-tree neighbours
  setMdbFlags(slot, true, true);
}

/**
 * seL4's setupCallerCap: `sender` (which did a Call) now waits for the
 * reply, and `receiver`'s tcbCaller slot gets the reply capability, which
 * may carry capabilities back if `canGrant` (the receiver's endpoint
 * capability has Grant).
 */
export function setupCallerCap(sender: usize, receiver: usize, canGrant: bool): void {
  setThreadState(sender, ThreadState.BlockedOnReply);
  setupReplyMaster(sender); // every started thread has one; this keeps the tree sound if not
  const replySlot = tcbSlot(sender, TCB_REPLY);
  const callerSlot = tcbSlot(receiver, TCB_CALLER);
  if (!isNullCap(callerSlot)) cteDelete(callerSlot, true);
  cteInsertNotRevocable(replyCap(tcbObjectPhys(sender), false, canGrant), replySlot, callerSlot);
}

/** seL4's deleteCallerCap: the reply capability the thread has not used goes (a new receive replaces it). */
export function deleteCallerCap(t: usize): void {
  const slot = tcbSlot(t, TCB_CALLER);
  if (!isNullCap(slot)) cteDelete(slot, true);
}

/**
 * The reply capability in the slot after thread `t`'s master reply
 * capability (its child: the one a server holds), or 0.
 */
export function outstandingReplySlot(t: usize): usize {
  const next = <usize>(load<u32>(tcbSlot(t, TCB_REPLY), CTE_MDB_NEXT) & 0xFFFFFFF0);
  if (next == 0 || capTag(next) != CAP_REPLY_CAP || replyIsMaster(next)) return 0;
  return tcbOfObject(vspacePhysWindow() + <usize>capObjectPhys(next)) == t ? next : 0;
}

/**
 * seL4's doReplyTransfer: `sender` answers `receiver` through the reply
 * capability in `slot`, which is used up. A caller that did a Call gets
 * the message and runs; one that waits after a fault gets the handler's
 * answer: restarted (perhaps with new registers) or left stopped.
 */
export function doReplyTransfer(sender: usize, receiver: usize, slot: usize, grant: bool): void {
  if (tcbState(receiver) != ThreadState.BlockedOnReply) {
    cteDelete(slot, true); // cannot happen (see the invariant above); the capability goes all the same
    return;
  }
  if (faultType(receiver) == seL4_Fault_NullFault) {
    doIPCTransfer(sender, 0, 0, grant, receiver);
    cteDelete(slot, true);
    setThreadState(receiver, ThreadState.Running);
    possibleSwitchTo(receiver);
    return;
  }
  cteDelete(slot, true);
  const restart = handleFaultReply(receiver, sender);
  clearFault(receiver);
  if (restart) {
    setThreadState(receiver, ThreadState.Restart);
    possibleSwitchTo(receiver);
  } else {
    setThreadState(receiver, ThreadState.Inactive);
  }
}

/** The thread a reply capability in slot `s` answers. */
// @ts-ignore: decorator
@inline function replyTarget(s: usize): usize {
  return tcbOfObject(vspacePhysWindow() + <usize>capObjectPhys(s));
}

/** seL4's handleReply: the Reply system call answers through the caller's tcbCaller slot, if it holds a reply capability. */
export function handleReply(t: usize): void {
  const slot = tcbSlot(t, TCB_CALLER);
  if (capTag(slot) != CAP_REPLY_CAP || replyIsMaster(slot)) return; // nothing to reply to: seL4 does nothing
  doReplyTransfer(t, replyTarget(slot), slot, replyCanGrant(slot));
}

// ── The invocation (Send, NBSend or Call on a saved reply capability) ──

let replySlot: usize = 0;

export function decodeReplyInvocation(slot: usize): u32 {
  if (replyIsMaster(slot)) return errorInvalidCapability(0);
  replySlot = slot;
  return seL4_NoError;
}

/** seL4's performInvocation_Reply. */
export function invokeReply(): void {
  const s = replySlot;
  doReplyTransfer(currentThread(), replyTarget(s), s, replyCanGrant(s));
}
