// libs/abi/syscalls.ts: system call numbers and the register convention,
// shared by the kernel and userland (one definition).
//
// Owns: the numbers in eax at sysenter. They follow seL4's non-MCS API
// (libsel4's syscall.xml order: Call = -1 ... NBRecv = -8, then the debug
// calls); BenchmarkNullSyscall and DebugThreadExit are numbered by us.
// Register use (seL4 ia32): eax = syscall number, ebx = capability or
// badge, esi = message info, edi = MR0, ebp = MR1, ecx = user esp,
// edx = user eip (both clobbered).
// Must not: hold kernel or library logic.

// @ts-ignore: decorator
@inline export const SYS_CALL: i32 = -1;
// @ts-ignore: decorator
@inline export const SYS_REPLY_RECV: i32 = -2;
// @ts-ignore: decorator
@inline export const SYS_SEND: i32 = -3;
// @ts-ignore: decorator
@inline export const SYS_NB_SEND: i32 = -4;
// @ts-ignore: decorator
@inline export const SYS_RECV: i32 = -5;
// @ts-ignore: decorator
@inline export const SYS_REPLY: i32 = -6;
// @ts-ignore: decorator
@inline export const SYS_YIELD: i32 = -7;
// @ts-ignore: decorator
@inline export const SYS_NB_RECV: i32 = -8;
// @ts-ignore: decorator
@inline export const SYS_DEBUG_PUT_CHAR: i32 = -9;
// @ts-ignore: decorator
@inline export const SYS_DEBUG_DUMP_SCHEDULER: i32 = -10;
// @ts-ignore: decorator
@inline export const SYS_DEBUG_HALT: i32 = -11;
// @ts-ignore: decorator
@inline export const SYS_DEBUG_NAME_THREAD: i32 = -14;
// @ts-ignore: decorator
@inline export const SYS_BENCHMARK_NULL_SYSCALL: i32 = -15;
/** Ends the calling thread. Until TCB capabilities exist (TCB_Suspend on its own cap). */
// @ts-ignore: decorator
@inline export const SYS_DEBUG_THREAD_EXIT: i32 = -16;

/** DebugNameThread: the name is read from the caller's IPC buffer, at most this many bytes. */
// @ts-ignore: decorator
@inline export const THREAD_NAME_MAX: u32 = 31;
