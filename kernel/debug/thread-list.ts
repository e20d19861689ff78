// kernel/debug/thread-list.ts: the list of threads the thread dump prints (seL4's ksDebugTCBs).
//
// Owns: a table of every thread that has been made runnable and whose TCB
// still exists, in the order each first became runnable (the root task
// first, then the threads it resumes). The scheduler adds a thread when it
// starts it (threadStart: the root task, TCB_Resume) and removes it when
// its TCB is deleted (threadDestroyed). seL4 links its debug list through
// the TCB; a table here keeps the TCB layout unchanged. A thread that does
// not fit is counted, not listed.
// Must not: read or change a thread, or decide anything but what is listed.

// @ts-ignore: decorator
@inline const MAX_THREADS: i32 = 256;

const threads = memory.data(MAX_THREADS * 4);
let count: i32 = 0;
let unlisted: u32 = 0;

/** Lists `t` (once: a thread restarted after a stop keeps its place). */
export function debugThreadAdd(t: usize): void {
  for (let i = 0; i < count; i++) if (load<usize>(threads + <usize>i * 4) == t) return;
  if (count == MAX_THREADS) {
    unlisted++;
    return;
  }
  store<usize>(threads + <usize>count * 4, t);
  count++;
}

/** `t`'s TCB is going: it leaves the list, and the threads after it move up. */
export function debugThreadRemove(t: usize): void {
  for (let i = 0; i < count; i++) {
    if (load<usize>(threads + <usize>i * 4) != t) continue;
    memory.copy(threads + <usize>i * 4, threads + <usize>(i + 1) * 4, <usize>(count - i - 1) * 4);
    count--;
    return;
  }
}

/** How many threads are listed. */
export function debugThreadCount(): i32 {
  return count;
}

/** The `i`th listed thread's TCB (0-based, below debugThreadCount()). */
export function debugThread(i: i32): usize {
  return load<usize>(threads + <usize>i * 4);
}

/** Threads that were not listed because the table was full. */
export function debugThreadsUnlisted(): u32 {
  return unlisted;
}
