// kernel/boot/modules.ts: the table of threads the kernel made at boot.
//
// Owns: the list of threads the kernel itself started (today only the root
// task, kernel/boot/root-task.ts), which the thread dump
// (kernel/debug/dump.ts) walks. Boot modules 1..n are no longer started
// here: the root task starts them with the user-level process builder
// (libs/user/process.ts), from the frame capabilities it is given for
// every module.
// Must not: start, schedule or build threads.

// @ts-ignore: decorator
@inline const MAX_THREADS: i32 = 32;

const threads = memory.data(MAX_THREADS * 4);
let threadCount: i32 = 0;

/** Records a thread the kernel started at boot (the root task), for the thread dump. */
export function recordBootThread(t: usize): bool {
  if (threadCount == MAX_THREADS) return false;
  store<usize>(threads + <usize>threadCount * 4, t);
  threadCount++;
  return true;
}

/** How many threads have been started at boot. */
// @ts-ignore: decorator
@inline export function moduleThreadCount(): i32 {
  return threadCount;
}

/** The TCB of the `i`th thread started (0-based, below moduleThreadCount()). */
// @ts-ignore: decorator
@inline export function moduleThread(i: i32): usize {
  return load<usize>(threads + <usize>i * 4);
}
