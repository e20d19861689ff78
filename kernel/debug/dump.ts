// kernel/debug/dump.ts: the thread dump (DebugDumpScheduler).
//
// Owns: printing one line per thread on the debug list
// (kernel/debug/thread-list.ts: every thread made runnable whose TCB still
// exists, in the order they first ran): its id and name, priority, state
// and, for a faulted thread, the vector of its last fault.
// Must not: change any thread or the scheduler's state; it only reads.

import { TCB_FAULT_VECTOR, ThreadState, tcbState, tcbPriority } from "../object/tcb";
import { putThreadName } from "../object/tcb-name";
import { debugThreadCount, debugThread, debugThreadsUnlisted } from "./thread-list";
import { puts, putNewline, putLineStart } from "../console";
import { putDec32 } from "../lib/format";

function stateName(s: ThreadState): string {
  switch (s) {
    case ThreadState.Running:
    case ThreadState.Restart: return "runnable";
    case ThreadState.BlockedOnReceive: return "blocked receiving";
    case ThreadState.BlockedOnSend: return "blocked sending";
    case ThreadState.BlockedOnReply: return "blocked waiting for a reply";
    case ThreadState.BlockedOnNotification: return "blocked waiting on a notification";
    case ThreadState.Faulted: return "faulted";
    case ThreadState.Exited: return "exited";
    default: return "inactive";
  }
}

/** DebugDumpScheduler: one line per thread. */
export function dumpThreads(): void {
  putLineStart();
  for (let i = 0; i < debugThreadCount(); i++) {
    const t = debugThread(i);
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
  const unlisted = debugThreadsUnlisted();
  if (unlisted != 0) {
    puts("  (");
    putDec32(unlisted);
    puts(" more threads not listed)");
    putNewline();
  }
}
