// kernel/sched/scheduler.ts: which thread runs next, and the way out of the kernel.
//
// Owns: the current thread, time slices, the live-thread count (and
// telling the debug thread list, kernel/debug/thread-list.ts, when a
// thread first runs and when its TCB goes), and
// schedule(), the single exit path of every kernel entry: it picks the
// head of the highest non-empty ready queue (kernel/sched/ready.ts), makes
// its address space current, points TSS.esp0 at the end of its saved
// context (where the next entry will save it) and restores it. With no
// runnable thread the kernel idles in hlt with interrupts on; when no live
// thread is left at all, the machine stops. Only a real switch (a thread
// other than the one that ran last) touches the per-thread CPU state that
// the entry paths leave alone: the FPU (arch/x86/fpu.ts) and the TLS
// segment (arch/x86/tls.ts). A system call that returns to its caller
// pays nothing for them.
// Runnable threads stay in their ready queue while they run; round robin
// within a priority rotates the queue when a slice ends or a thread yields.
// Must not: decide about faults or syscalls (kernel/trap.ts, kernel/syscall.ts).

import { restoreUserContext, idleWait } from "../arch/x86/intrinsics";
import { tssSetKernelEntry } from "../arch/x86/gdt";
import { vspaceSwitch } from "../arch/x86/vspace";
import { threadVSpaceRoot } from "../arch/x86/vm-root";
import {
  CONTEXT_SIZE, ThreadState, tcbPriority, tcbState, setTcbState,
  tcbTimeSlice, setTcbTimeSlice, setTcbPriority,
} from "../object/tcb";
import { readyEnqueue, readyDequeue, readyChooseThread, schedRoundRobinRotate } from "./ready";
import { putLine, puts, putLineStart } from "../console";
import { putDec, putDec32 } from "../lib/format";
import { haltSystem, EXIT_STATUS_OK } from "../power";
import { fpuSwitchTo, fpuThreadGone, fpuTrapCount, fpuSaveCount } from "../arch/x86/fpu";
import { tlsSwitchTo } from "../arch/x86/tls";
import { debugThreadAdd, debugThreadRemove } from "../debug/thread-list";
import { pathLeave } from "../debug/path-stats";

/** Timer ticks per time slice. */
// @ts-ignore: decorator
@inline export const TIME_SLICE_TICKS: u32 = 5;

let current: usize = 0;
let liveThreads: u32 = 0;
let ticks: u64 = 0;
let switches: u32 = 0;

/** The running thread, or 0 while the kernel idles. */
export function currentThread(): usize {
  return current;
}

export function liveThreadCount(): u32 {
  return liveThreads;
}

export function timerTicks(): u64 {
  return ticks;
}

/** A new thread becomes runnable. */
export function threadStart(t: usize): void {
  setTcbState(t, ThreadState.Running);
  setTcbTimeSlice(t, TIME_SLICE_TICKS);
  readyEnqueue(t);
  liveThreads++;
  debugThreadAdd(t);
}

/**
 * A thread stops: it faulted without a handler, exited, or was suspended
 * (`state` says which). It can be restarted (TCB_Resume); until then it
 * is not live. Its FPU state stays where it is (in the FPU, or saved in
 * its TCB when another thread takes the FPU): only deleting the TCB
 * drops it (threadDestroyed). Stopping a thread that is not live changes
 * only its state.
 */
export function threadStop(t: usize, state: ThreadState): void {
  const was = tcbState(t);
  if (was == ThreadState.Running) readyDequeue(t);
  setTcbState(t, state);
  if (was == ThreadState.Running || was == ThreadState.Blocked) liveThreads--;
  if (current == t) current = 0;
}

/** seL4's restart: a stopped thread becomes runnable again (nothing happens to a live one). */
export function threadRestart(t: usize): void {
  const s = tcbState(t);
  if (s == ThreadState.Running || s == ThreadState.Blocked) return;
  threadStart(t);
}

/** A TCB is being deleted: the thread stops, and its FPU state is dropped without a save. */
export function threadDestroyed(t: usize): void {
  threadStop(t, ThreadState.Inactive);
  fpuThreadGone(t);
  debugThreadRemove(t);
}

/** Sets a thread's priority, moving it to its new ready queue if it is queued. */
export function threadSetPriority(t: usize, priority: i32): void {
  const queued = tcbState(t) == ThreadState.Running;
  if (queued) readyDequeue(t);
  setTcbPriority(t, priority);
  if (queued) readyEnqueue(t);
}

/** Thread `t`'s VSpace root may have changed (TCB_Configure, SetSpace): take it now if `t` is running. */
export function threadVSpaceChanged(t: usize): void {
  if (t == current) vspaceSwitch(threadVSpaceRoot(t));
}

/** The running thread gives up the rest of its slice. */
export function threadYield(t: usize): void {
  setTcbTimeSlice(t, TIME_SLICE_TICKS);
  schedRoundRobinRotate(tcbPriority(t));
}

/** One timer tick: charge the running thread; rotate its queue when its slice ends. */
export function schedulerTick(): void {
  ticks++;
  const t = current;
  if (t == 0 || tcbState(t) != ThreadState.Running) return;
  const left = tcbTimeSlice(t);
  if (left > 1) {
    setTcbTimeSlice(t, left - 1);
    return;
  }
  threadYield(t);
}

/** Leaves the kernel: runs the chosen thread, idles, or stops the machine. Never returns. */
export function schedule(): void {
  const t = readyChooseThread();
  if (t == 0) {
    current = 0;
    if (liveThreads == 0) {
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
      putLine("kernel: no threads left; stopping");
      haltSystem(EXIT_STATUS_OK);
    }
    pathLeave();
    idleWait();
    return;
  }
  if (t != current) {
    switches++;
    fpuSwitchTo(t);
    tlsSwitchTo(t);
    vspaceSwitch(threadVSpaceRoot(t)); // checked on each switch: its page directory may be gone
  }
  current = t;
  tssSetKernelEntry(<u32>(t + CONTEXT_SIZE));
  pathLeave();
  restoreUserContext(<u32>t);
}
