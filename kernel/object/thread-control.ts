// kernel/object/thread-control.ts: stopping and starting a thread, wherever it waits.
//
// Owns: seL4's cancelIPC (a thread leaves whatever IPC wait it is in: an
// endpoint queue, a notification queue, or the wait for a reply, whose
// reply capability is deleted and whose fault is forgotten), suspend
// (TCB_Suspend, a TCB's finalisation: the thread stops and is taken out
// of every queue) and restart (TCB_Resume, WriteRegisters or
// CopyRegisters with resume: a stopped thread gets its master reply
// capability if it has none and runs again, re-executing a system call it
// was blocked in).
// Must not: check arguments (kernel/object/tcb-invocation.ts does).
//
// see: seL4 src/object/endpoint.c (cancelIPC), src/kernel/thread.c
// (suspend, restart), facts only.

import { ThreadState, tcbState, isStoppedState } from "./tcb";
import { cancelEndpointIPC } from "./endpoint";
import { cancelSignal } from "./notification";
import { outstandingReplySlot, setupReplyMaster } from "./reply";
import { clearFault } from "../api/faults";
import { cteDelete } from "../cspace/delete";
import { threadStop, threadRestart } from "../sched/scheduler";

/** seL4's cancelIPC. A thread in no IPC wait is left alone. */
export function cancelIPC(t: usize): void {
  const s = tcbState(t);
  if (s == ThreadState.BlockedOnSend || s == ThreadState.BlockedOnReceive) {
    cancelEndpointIPC(t);
  } else if (s == ThreadState.BlockedOnNotification) {
    cancelSignal(t);
  } else if (s == ThreadState.BlockedOnReply) {
    clearFault(t);
    const reply = outstandingReplySlot(t);
    if (reply != 0) cteDelete(reply, true);
  }
}

/** seL4's suspend: `t` stops (Inactive) and leaves every queue; resuming it does not repeat a finished system call. */
export function suspendThread(t: usize): void {
  cancelIPC(t);
  threadStop(t, ThreadState.Inactive);
}

/** seL4's restart: a stopped thread runs again; a runnable one is left alone. */
export function restartThread(t: usize): void {
  if (!isStoppedState(tcbState(t))) return;
  cancelIPC(t);
  setupReplyMaster(t);
  threadRestart(t);
}
