// kernel/sched/scheduler.ts: which thread runs next, and the way out of the kernel.
//
// Owns: the current thread, the scheduler action, thread states (every
// change of a thread's state goes through setThreadState, which keeps the
// live-thread count), time slices, telling the debug thread list
// (kernel/debug/thread-list.ts) when a thread first runs and when its TCB
// goes, and schedule(), the single exit path of every kernel entry.
//
// The model is seL4's (non-MCS, one domain). The current thread is not in
// a ready queue while it runs; every other runnable thread is. A kernel
// entry that wakes a thread does not decide at once whether to run it: it
// records a scheduler action (possibleSwitchTo), which schedule() settles
// on the way out:
//   RESUME_CURRENT  the current thread goes on (or the kernel idles);
//   CHOOSE_NEW      the head of the highest non-empty ready queue runs;
//   a TCB address   that thread is the candidate: it runs if no ready
//                   thread has a higher priority (seL4's fastfail and
//                   isHighestPrio rules), so an IPC partner takes over
//                   straight away without a trip through the queues.
// Then it makes the chosen thread's address space current, points
// TSS.esp0 at the end of its saved context (where the next entry saves
// it), turns Restart into Running by moving EIP back to the sysenter
// instruction, and restores it. With no runnable thread the kernel idles
// in hlt with interrupts on; when no live thread is left, or every live
// thread is blocked and no interrupt can wake one, the machine stops.
// Only a real switch (a thread other than the one that ran last) touches
// the per-thread CPU state that the entry paths leave alone: the FPU
// (arch/x86/fpu.ts) and the TLS segment (arch/x86/tls.ts).
// Must not: decide about faults or syscalls (kernel/trap.ts, kernel/syscall.ts).
//
// see: seL4 src/kernel/thread.c (schedule, chooseThread, switchToThread,
// possibleSwitchTo, rescheduleRequired, setThreadState, timerTick,
// activateThread), src/object/tcb.c (setPriority), facts only.

import { restoreUserContext, idleWait } from "../arch/x86/intrinsics";
import { tssSetKernelEntry } from "../arch/x86/gdt";
import { vspaceSwitch } from "../arch/x86/vspace";
import { threadVSpaceRoot } from "../arch/x86/vm-root";
import {
  CONTEXT_SIZE, CTX_EIP, CTX_VECTOR, CTX_EFLAGS, VECTOR_SYSCALL, ThreadState, tcbPriority, tcbState,
  tcbTimeSlice, setTcbTimeSlice, setTcbPriority, isRunnableState, isLiveState,
} from "../object/tcb";
import { EFLAGS_IF } from "../arch/x86/machine.gen";
import {
  readyEnqueue, readyEnqueueFront, readyDequeue, readyChooseThread, readyHighestPriority,
} from "./ready";
import { putLine, puts, putLineStart } from "../console";
import { putDec, putDec32 } from "../lib/format";
import { haltSystem, EXIT_STATUS_OK } from "../power";
import { fpuSwitchTo, fpuThreadGone, fpuTrapCount, fpuSaveCount } from "../arch/x86/fpu";
import { tlsSwitchTo } from "../arch/x86/tls";
import { debugThreadAdd, debugThreadRemove } from "../debug/thread-list";
import { dumpThreads } from "../debug/dump";
import { pathLeave } from "../debug/path-stats";
import { irqCanWake } from "../object/irq";
import { TCB_STATE } from "../object/tcb";
import { fastpathReport } from "../fastpath/fastpath";

/** Timer ticks per time slice. */
// @ts-ignore: decorator
@inline export const TIME_SLICE_TICKS: u32 = 5;

// SYSENTER_LENGTH (kernel/arch/x86/machine.def.ts): a restarted system call resumes that many bytes before its saved EIP.
export { SYSENTER_LENGTH } from "../arch/x86/machine.gen";
import { SYSENTER_LENGTH } from "../arch/x86/machine.gen";

// Scheduler actions (any other value is the candidate thread's address).
// @ts-ignore: decorator
@inline const RESUME_CURRENT: usize = 0;
// @ts-ignore: decorator
@inline const CHOOSE_NEW: usize = 1;

/** The running thread (seL4's ksCurThread), or 0 while the kernel idles. */
let current: usize = 0;
/** seL4's ksSchedulerAction. */
let action: usize = RESUME_CURRENT;
/** The thread whose FPU, TLS and address space are loaded: the one that ran last. */
let lastRun: usize = 0;
let liveThreads: u32 = 0;
let ticks: u64 = 0;
let switches: u32 = 0;


/** The running thread, or 0 while the kernel idles. */
// @ts-ignore: decorator
@inline export function currentThread(): usize {
  return current;
}

/**
 * For harnesses that drive the kernel without a machine
 * (test/kernel/*.entry.ts): with nothing runnable, idle rather than stop
 * even when no interrupt could wake a thread.
 */
let idleWhenBlocked = false;
export function schedulerIdleWhenBlocked(): void {
  idleWhenBlocked = true;
}

/**
 * Makes `t` the current thread without a switch: for harnesses that run
 * kernel code without a kernel entry (test/kernel/*.entry.ts), where an
 * invocation needs a thread that makes it.
 */
export function schedulerSetCurrent(t: usize): void {
  current = t;
  action = RESUME_CURRENT;
}

export function liveThreadCount(): u32 {
  return liveThreads;
}

export function timerTicks(): u64 {
  return ticks;
}



// ── Thread states ────────────────────────────────────────────────────

/**
 * seL4's setThreadState: every state change goes through here. The live
 * count follows; if the current thread can no longer run, a new one must
 * be chosen. It does not touch the ready queues: whoever makes a
 * non-current thread runnable enqueues it, and whoever stops one that is
 * queued dequeues it.
 */
export function setThreadState(t: usize, s: ThreadState): void {
  const was = tcbState(t);
  if (isLiveState(was) != isLiveState(s)) {
    if (isLiveState(s)) liveThreads++;
    else liveThreads--;
  }
  store<u32>(t, s, TCB_STATE);
  if (t == current && action == RESUME_CURRENT && !isRunnableState(s)) rescheduleRequired();
}

/** seL4's rescheduleRequired: a candidate goes back to its queue, and the next exit chooses afresh. */
export function rescheduleRequired(): void {
  if (action != RESUME_CURRENT && action != CHOOSE_NEW) readyEnqueueFront(action);
  action = CHOOSE_NEW;
}

/**
 * seL4's possibleSwitchTo: `t` has become runnable (it is not current).
 * It becomes the candidate if there is none yet; otherwise it waits in
 * its queue and the next exit chooses.
 */
export function possibleSwitchTo(t: usize): void {
  if (action != RESUME_CURRENT) {
    rescheduleRequired();
    readyEnqueueFront(t);
  } else {
    action = t;
  }
}

/** A thread the kernel itself made (the root task) becomes runnable. */
export function threadStart(t: usize): void {
  setTcbTimeSlice(t, TIME_SLICE_TICKS);
  setThreadState(t, ThreadState.Running);
  readyEnqueue(t);
  rescheduleRequired();
  debugThreadAdd(t);
}

/**
 * seL4's restart, for a stopped thread (TCB_Resume, WriteRegisters and
 * CopyRegisters with resume, a fault handler's reply): it runs again from
 * where it stopped, re-executing a system call it was blocked in. The
 * caller has already taken it out of any IPC wait (cancelIPC).
 */
export function threadRestart(t: usize): void {
  setThreadState(t, ThreadState.Restart);
  readyEnqueueFront(t);
  possibleSwitchTo(t);
  debugThreadAdd(t);
}

/**
 * A thread stops and is not live (Inactive, or the Faulted and Exited
 * kinds of it): it leaves the ready queues. A thread that had finished
 * its last system call will not repeat it when resumed (seL4's
 * updateRestartPC): its context is marked to leave by iret at its EIP.
 */
export function threadStop(t: usize, state: ThreadState): void {
  if (tcbState(t) == ThreadState.Running) keepEip(t);
  setThreadState(t, state);
  readyDequeue(t);
}

/** A context saved by sysenter is made an iret context, so a later Restart does not move EIP back. */
export function keepEip(t: usize): void {
  if (load<u32>(t, CTX_VECTOR) == VECTOR_SYSCALL) {
    store<u32>(t, load<u32>(t, CTX_EFLAGS) | EFLAGS_IF, CTX_EFLAGS); // sysenter contexts keep IF clear (boot/trap.S)
    store<u32>(t, 0, CTX_VECTOR);
  }
}

/** A TCB is being deleted: the thread stops, and its FPU state is dropped without a save. */
export function threadDestroyed(t: usize): void {
  threadStop(t, ThreadState.Inactive);
  if (action == t) action = CHOOSE_NEW;
  if (lastRun == t) lastRun = 0;
  if (current == t) current = 0;
  fpuThreadGone(t);
  debugThreadRemove(t);
}

/** seL4's setPriority: a runnable thread moves to the queue of its new priority. */
export function threadSetPriority(t: usize, priority: i32): void {
  readyDequeue(t);
  setTcbPriority(t, priority);
  if (isRunnableState(tcbState(t))) {
    if (t == current) rescheduleRequired();
    else possibleSwitchTo(t);
  }
}

/** Thread `t`'s VSpace root may have changed (TCB_Configure, SetSpace): take it now if its space is loaded. */
export function threadVSpaceChanged(t: usize): void {
  if (t == lastRun) vspaceSwitch(threadVSpaceRoot(t));
}

/**
 * seL4's handleYield: the running thread goes behind the others of its
 * priority. Its time slice is left as it is (seL4 refills it only in timerTick).
 */
export function threadYield(t: usize): void {
  readyDequeue(t);
  readyEnqueue(t);
  rescheduleRequired();
}

/** One timer tick: charge the running thread; it goes to the back of its queue when its slice ends. */
export function schedulerTick(): void {
  ticks++;
  const t = current;
  if (t == 0 || tcbState(t) != ThreadState.Running) return;
  const left = tcbTimeSlice(t);
  if (left > 1) {
    setTcbTimeSlice(t, left - 1);
    return;
  }
  setTcbTimeSlice(t, TIME_SLICE_TICKS);
  readyEnqueue(t);
  rescheduleRequired();
}

// ── Choosing ─────────────────────────────────────────────────────────

/** seL4's isHighestPrio: nothing ready has a higher priority than `prio`. */
function isHighestPriority(prio: i32): bool {
  return readyHighestPriority() <= prio;
}

/** seL4's chooseThread: the head of the highest non-empty queue leaves it and becomes current; 0 if none. */
function chooseNewThread(): void {
  const t = readyChooseThread();
  if (t != 0) readyDequeue(t);
  current = t;
}

/**
 * The fast path (kernel/fastpath/fastpath.ts) switched to `t` itself,
 * without a scheduler action: what schedule() records for a switch.
 */
// @ts-ignore: decorator
@inline export function switchedTo(t: usize): void {
  current = t;
  lastRun = t;
  switches++;
}

/** seL4's schedule: settles the scheduler action. */
function settleAction(): void {
  if (action == RESUME_CURRENT) return;
  const cur = current;
  const wasRunnable = cur != 0 && isRunnableState(tcbState(cur));
  if (wasRunnable) readyEnqueueFront(cur);
  if (action == CHOOSE_NEW) {
    chooseNewThread();
  } else {
    const candidate = action;
    const prio = tcbPriority(candidate);
    const fastfail = cur == 0 || prio < tcbPriority(cur);
    if (fastfail && !isHighestPriority(prio)) {
      readyEnqueueFront(candidate);
      chooseNewThread();
    } else if (wasRunnable && prio == tcbPriority(cur)) {
      // The current thread keeps its place at the head; the candidate waits its turn.
      readyEnqueue(candidate);
      chooseNewThread();
    } else {
      readyDequeue(candidate);
      current = candidate;
    }
  }
  action = RESUME_CURRENT;
}

/** Leaves the kernel: runs the chosen thread, idles, or stops the machine. Never returns. */
export function schedule(): void {
  settleAction();
  const t = current;
  if (t == 0) {
    if (liveThreads == 0) stopMachine("kernel: no threads left; stopping");
    // With no IRQ that signals a notification, every thread blocked means none will ever run again.
    if (!idleWhenBlocked && !irqCanWake()) {
      putLineStart();
      putLine("kernel: every live thread is blocked and no interrupt can wake one:");
      dumpThreads();
      stopMachine("kernel: stopping");
    }
    pathLeave();
    idleWait();
    return;
  }
  if (t != lastRun) {
    switches++;
    fpuSwitchTo(t);
    tlsSwitchTo(t);
    vspaceSwitch(threadVSpaceRoot(t)); // checked on each switch: its page directory may be gone
    lastRun = t;
  }
  if (tcbState(t) == ThreadState.Restart) {
    // seL4's activateThread: run the system call again from its sysenter.
    if (load<u32>(t, CTX_VECTOR) == VECTOR_SYSCALL) store<u32>(t, load<u32>(t, CTX_EIP) - SYSENTER_LENGTH, CTX_EIP);
    store<u32>(t, ThreadState.Running, TCB_STATE); // both runnable and live: nothing else changes
  }
  tssSetKernelEntry(<u32>(t + CONTEXT_SIZE));
  pathLeave();
  restoreUserContext(<u32>t);
}

function stopMachine(why: string): void {
  fastpathReport();
  putLineStart();
  puts("kernel: ");
  putDec(ticks);
  puts(" timer ticks, ");
  putDec32(switches);
  putLine(" thread switches");
  puts("kernel: ");
  putDec32(fpuTrapCount());
  puts(" FPU traps (#NM), ");
  putDec32(fpuSaveCount());
  putLine(" FPU state saves");
  putLine(why);
  haltSystem(EXIT_STATUS_OK);
}
