// kernel/debug/dump.ts: the thread dump (DebugDumpScheduler).
//
// Owns: printing one line per thread the kernel has started, in the order
// they were started: its id and name, priority, state and, for a faulted
// thread, the vector of its last fault.
// Must not: change any thread or the scheduler's state; it only reads.

import { TCB_FAULT_VECTOR, ThreadState, tcbState, tcbPriority } from "../object/tcb";
import { putThreadName } from "../object/tcb-name";
import { moduleThreadCount, moduleThread } from "../boot/modules";
import { puts, putNewline, putLineStart } from "../console";
import { putDec32 } from "../lib/format";

function stateName(s: ThreadState): string {
  switch (s) {
    case ThreadState.Running: return "runnable";
    case ThreadState.Blocked: return "blocked";
    case ThreadState.Faulted: return "faulted";
    case ThreadState.Exited: return "exited";
    default: return "inactive";
  }
}

/** DebugDumpScheduler: one line per thread. */
export function dumpThreads(): void {
  putLineStart();
  for (let i = 0; i < moduleThreadCount(); i++) {
    const t = moduleThread(i);
    puts("  thread ");
    putThreadName(t);
    puts(" priority ");
    putDec32(<u32>tcbPriority(t));
    puts(" ");
    puts(stateName(tcbState(t)));
    if (tcbState(t) == ThreadState.Faulted) {
      puts(" (vector ");
      putDec32(load<u32>(t, TCB_FAULT_VECTOR));
      puts(")");
    }
    putNewline();
  }
}
