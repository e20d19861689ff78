// userland/sel4test/tcb.ts: in-OS tests of threads: TCB invocations, scheduling, registers, TLS and FPU.
//
// Owns: the tests that re-express sel4test's scheduler.c (SCHED0002-0005,
// SCHED0020, SCHED0021), threads.c (THREADS0004, THREADS0005),
// regression.c (REGRESSIONS0001), tls.c (TLS0001) and fpu.c (FPU0000,
// FPU0003), and two CNode deletions that need threads (CNODEOP0002: a
// running thread's last capability; a huge CNode's, preempted by the timer). Helper threads run in the test's own address space on
// the tiny loops of build/rt/user-rt.c (threadEntry): one counts forever,
// one counts once and suspends itself.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_IllegalOperation, seL4_RangeError, seL4_InvalidCapability, seL4_AlignmentError,
  ERROR_MR_RANGE_ERROR_MAX, OBJ_TCB, OBJ_ENDPOINT, OBJ_X86_4K, CAP_THREAD_CAP,
  USER_CONTEXT_EIP, USER_CONTEXT_ESP, USER_CONTEXT_EFLAGS, USER_CONTEXT_EAX, USER_CONTEXT_EBX, USER_CONTEXT_ECX,
  USER_CONTEXT_EDX, USER_CONTEXT_ESI, USER_CONTEXT_EDI, USER_CONTEXT_EBP, USER_CONTEXT_FS_BASE, USER_CONTEXT_GS_BASE,
  USER_CONTEXT_SIZE, seL4_TCBFlag_fpuDisabled, OBJ_UNTYPED, OBJ_X86_PAGE_TABLE, CAP_NULL_CAP, seL4_X86_Default_VMAttributes,
  OBJ_CAP_TABLE, CAP_ENDPOINT_CAP,
} from "../../libs/abi/sel4.gen";
import {
  seL4_TCB_Configure, seL4_TCB_SetSpace, seL4_TCB_SetPriority, seL4_TCB_SetMCPriority, seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters, seL4_TCB_ReadRegisters, seL4_TCB_CopyRegisters, seL4_TCB_Suspend, seL4_TCB_Resume,
  seL4_TCB_SetTLSBase, seL4_TCB_SetFlags, seL4_TCB_SetFlags_flags, seL4_TCB_SetIPCBuffer, seL4_Untyped_Retype,
  seL4_X86_PageTable_Map, seL4_X86_Page_Map, seL4_CNode_Copy,
} from "../../libs/user/invocations.gen";
import { seL4_Yield, seL4_DebugCapIdentify, seL4_SetTLSBase, seL4_GetIPCBuffer } from "../../libs/user/ipc";
import { TLS_SELF, TLS_IPC_BUFFER } from "../../libs/abi/layout.gen";
import { MY_CNODE, MY_VSPACE, MY_TCB, DEPTH, freeSlot, check, checkEq, myPriority } from "../../libs/user/testing";
import { make, del, detail, R_RW, R_ALL } from "./env";

// @ts-ignore: decorator
@external("x86", "threadEntry") declare function threadEntry(kind: i32): u32;
// @ts-ignore: decorator
@external("x86", "readGs32") declare function readGs32(offset: u32): u32;
// @ts-ignore: decorator
@external("x86", "rdtsc") declare function rdtsc(): u64;
// @ts-ignore: decorator
@external("x86", "compilerBarrier") declare function compilerBarrier(): void;

// @ts-ignore: decorator
@inline const COUNT_FOREVER: i32 = 0;
// @ts-ignore: decorator
@inline const COUNT_ONCE: i32 = 1;
// @ts-ignore: decorator
@inline const USER_EFLAGS: u32 = 0x202;

/** Counters the helper threads increment (one word each). */
const counters = memory.data(16, 16);
const regs = memory.data(<i32>USER_CONTEXT_SIZE, 4);

// @ts-ignore: decorator
@inline function counter(i: u32): u32 {
  return atomicLoad(counters + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function atomicLoad(p: usize): u32 {
  return load<u32>(p); // one aligned word: the helper's increments are atomic on x86
}

/** The helper threads a test started, so they can be stopped when it ends. */
const helpers = memory.data(16 * 4, 4);
let helperCount: u32 = 0;

/**
 * Suspends every helper thread the test started: the driver waits at the
 * lowest priority, so a helper left counting would keep it from ever
 * running again.
 */
export function stopHelpers(): void {
  for (let i: u32 = 0; i < helperCount; i++) seL4_TCB_Suspend(load<u32>(helpers + (<usize>i << 2)));
  helperCount = 0;
}

/**
 * A TCB in our own CSpace and VSpace, at `prio`, set to run the helper loop
 * `kind` on counter `n` (its TCB capability in EDI); resumed if `resume`.
 */
function helper(kind: i32, n: u32, prio: u32, resume: bool, from: u32 = 0): u32 {
  let t: u32;
  if (from == 0) t = make(OBJ_TCB, 0);
  else {
    t = freeSlot();
    checkEq(seL4_Untyped_Retype(from, OBJ_TCB, 0, MY_CNODE, 0, 0, t, 1), seL4_NoError, "a helper's TCB from the given untyped");
  }
  checkEq(seL4_TCB_Configure(t, 0, MY_CNODE, 0, MY_VSPACE, 0, 0, 0), seL4_NoError, "configure a helper thread");
  checkEq(seL4_TCB_SetSchedParams(t, MY_TCB, prio, prio), seL4_NoError, "set its priority");
  memory.fill(regs, 0, USER_CONTEXT_SIZE);
  store<u32>(regs + USER_CONTEXT_EIP, threadEntry(kind));
  store<u32>(regs + USER_CONTEXT_EFLAGS, USER_EFLAGS);
  store<u32>(regs + USER_CONTEXT_EBX, <u32>(counters + (<usize>n << 2)));
  store<u32>(regs + USER_CONTEXT_EDI, t);
  if (helperCount < 16) {
    store<u32>(helpers + (<usize>helperCount << 2), t);
    helperCount++;
  }
  checkEq(seL4_TCB_WriteRegisters(t, resume, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "write its registers");
  return t;
}

/** Yields until counter `n` passes `above`, at most `tries` times; returns its value. */
function waitFor(n: u32, above: u32, tries: i32): u32 {
  for (let i = 0; i < tries && counter(n) <= above; i++) seL4_Yield();
  return counter(n);
}

/** SCHED0003: a suspended thread stops, a resumed one goes on. */
export function schedSuspendResume(): void {
  const t = helper(COUNT_FOREVER, 0, myPriority(), true);
  check(waitFor(0, 0, 100) > 0, "the helper runs when we yield");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "suspend it");
  const stopped = counter(0);
  for (let i = 0; i < 10; i++) seL4_Yield();
  checkEq(counter(0), stopped, "a suspended thread does not run");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "resume it");
  check(waitFor(0, stopped, 100) > stopped, "it runs again");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "suspend it again");
}

/** SCHED0002: resuming ourselves is allowed and changes nothing. */
export function schedResumeSelf(): void {
  checkEq(seL4_TCB_Resume(MY_TCB), seL4_NoError, "resume the running thread");
  checkEq(seL4_DebugCapIdentify(MY_TCB), CAP_THREAD_CAP, "still running, with our TCB capability");
}

/** SCHED0004: a thread may be given every priority up to the authority's MCP, and no more. */
export function schedAllPriorities(): void {
  const t = make(OBJ_TCB, 0);
  const mcp = myPriority();
  let ok = true;
  for (let p: u32 = 0; p <= mcp; p++) ok = ok && seL4_TCB_SetPriority(t, MY_TCB, p) == seL4_NoError;
  check(ok, "every priority from 0 to our MCP");
  if (mcp < 255) {
    checkEq(seL4_TCB_SetPriority(t, MY_TCB, mcp + 1), seL4_RangeError, "one above our MCP");
    checkEq(detail(ERROR_MR_RANGE_ERROR_MAX), mcp, "the range ends at our MCP");
  }
  checkEq(seL4_TCB_SetPriority(t, MY_TCB, 256), seL4_RangeError, "256");
}

/** SCHED0005: set priority: the MCP rule, and the authority must be a TCB. */
export function schedSetPriority(): void {
  const t = make(OBJ_TCB, 0);
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_TCB_SetPriority(t, ep, 1), seL4_InvalidCapability, "an endpoint as the authority");
  checkEq(seL4_TCB_SetPriority(t, t, 1), seL4_RangeError, "a new TCB's MCP is 0: it authorises only priority 0");
  checkEq(seL4_TCB_SetPriority(t, t, 0), seL4_NoError, "priority 0 with its own authority");
  checkEq(seL4_TCB_SetMCPriority(t, MY_TCB, 10), seL4_NoError, "give it MCP 10");
  checkEq(seL4_TCB_SetPriority(t, t, 10), seL4_NoError, "now it authorises 10");
  checkEq(seL4_TCB_SetPriority(t, t, 11), seL4_RangeError, "but not 11");
  checkEq(seL4_TCB_SetSchedParams(t, t, 11, 1), seL4_RangeError, "nor an MCP of 11");
}

/** SCHED0020: raising a thread above us runs it at once (here: we lower ourselves below it). */
export function schedHigherRunsFirst(): void {
  const mine = myPriority();
  check(mine >= 2, "room below our priority");
  helper(COUNT_ONCE, 1, mine - 1, true);
  for (let i = 0; i < 5; i++) seL4_Yield();
  checkEq(counter(1), 0, "a lower-priority thread does not run while we do");
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, mine - 2), seL4_NoError, "drop below it");
  checkEq(counter(1), 1, "it ran before our call returned, and suspended itself");
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, mine), seL4_NoError, "our MCP lets us return to our priority");
}

/** SCHED0021: threads of one priority that never yield are all preempted in turn by the timer. */
export function schedPreemption(): void {
  for (let i: u32 = 0; i < 3; i++) helper(COUNT_FOREVER, i, myPriority(), true);
  // Busy-wait without yielding: only the timer can let the helpers run.
  const start = rdtsc();
  while ((counter(0) == 0 || counter(1) == 0 || counter(2) == 0) && rdtsc() - start < 20000000000) compilerBarrier();
  check(counter(0) > 0 && counter(1) > 0 && counter(2) > 0, "all three helpers ran while we never yielded");
}

/** REGRESSIONS0001: WriteRegisters then ReadRegisters gives every register back, eflags sanitised. */
export function regressionsWriteRegisters(): void {
  const t = make(OBJ_TCB, 0);
  const values = memory.data<u32>([0x401234, 0xbfff1000, 0xffffffff, 1, 2, 3, 4, 5, 6, 7, 0, 0x12345000]);
  memory.copy(regs, values, USER_CONTEXT_SIZE);
  checkEq(seL4_TCB_WriteRegisters(t, false, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "write all registers");
  memory.fill(regs, 0xAA, USER_CONTEXT_SIZE);
  checkEq(seL4_TCB_ReadRegisters(t, false, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "read them back");
  checkEq(load<u32>(regs + USER_CONTEXT_EIP), 0x401234, "eip");
  checkEq(load<u32>(regs + USER_CONTEXT_ESP), 0xbfff1000, "esp");
  checkEq(load<u32>(regs + USER_CONTEXT_EFLAGS) & 0x200, 0x200, "eflags keeps IF");
  checkEq(load<u32>(regs + USER_CONTEXT_EFLAGS) & 0x7100, 0, "eflags drops TF, IOPL and NT");
  checkEq(load<u32>(regs + USER_CONTEXT_EAX), 1, "eax");
  checkEq(load<u32>(regs + USER_CONTEXT_EBX), 2, "ebx");
  checkEq(load<u32>(regs + USER_CONTEXT_ECX), 3, "ecx");
  checkEq(load<u32>(regs + USER_CONTEXT_EDX), 4, "edx");
  checkEq(load<u32>(regs + USER_CONTEXT_ESI), 5, "esi");
  checkEq(load<u32>(regs + USER_CONTEXT_EDI), 6, "edi");
  checkEq(load<u32>(regs + USER_CONTEXT_EBP), 7, "ebp");
  checkEq(load<u32>(regs + USER_CONTEXT_FS_BASE), 0, "fs_base");
  checkEq(load<u32>(regs + USER_CONTEXT_GS_BASE), 0x12345000, "gs_base is the TLS base");
  checkEq(seL4_TCB_ReadRegisters(MY_TCB, false, 0, 1, regs), seL4_IllegalOperation, "reading our own registers");
  checkEq(seL4_TCB_WriteRegisters(MY_TCB, false, 0, 1, regs), seL4_IllegalOperation, "writing our own registers");
  checkEq(seL4_TCB_ReadRegisters(t, false, 0, 13, regs), seL4_RangeError, "13 registers");
}

/** REGRESSIONS0001 (copy): CopyRegisters moves the frame and integer registers between threads. */
export function regressionsCopyRegisters(): void {
  const a = make(OBJ_TCB, 0);
  const b = make(OBJ_TCB, 0);
  const values = memory.data<u32>([0x402000, 0xbffd0000, 0x202, 11, 12, 13, 14, 15, 16, 17, 0, 0]);
  memory.copy(regs, values, USER_CONTEXT_SIZE);
  checkEq(seL4_TCB_WriteRegisters(a, false, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "write a's registers");
  checkEq(seL4_TCB_CopyRegisters(b, a, false, false, true, false, 0), seL4_NoError, "copy only the frame registers");
  checkEq(seL4_TCB_ReadRegisters(b, false, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "read b");
  checkEq(load<u32>(regs + USER_CONTEXT_EIP), 0x402000, "eip copied");
  checkEq(load<u32>(regs + USER_CONTEXT_EAX), 0, "eax not copied");
  checkEq(seL4_TCB_CopyRegisters(b, a, false, false, false, true, 0), seL4_NoError, "copy the integer registers");
  checkEq(seL4_TCB_ReadRegisters(b, false, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "read b again");
  checkEq(load<u32>(regs + USER_CONTEXT_EBP), 17, "ebp copied");
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_TCB_CopyRegisters(b, ep, false, false, true, true, 0), seL4_InvalidCapability, "an endpoint as the source");
}

/** THREADS0004: TCB_Configure with a null CSpace fails. */
export function threadsConfigureNullCSpace(): void {
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_TCB_Configure(t, 0, freeSlot(), 0, MY_VSPACE, 0, 0, 0), seL4_IllegalOperation, "an empty CSpace root");
  checkEq(seL4_TCB_Configure(t, 0, MY_CNODE, 0, freeSlot(), 0, 0, 0), seL4_IllegalOperation, "an empty VSpace root");
  checkEq(seL4_TCB_Configure(t, 0, MY_CNODE, 0, MY_VSPACE, 0, 0, 0), seL4_NoError, "our own roots");
}

/** THREADS0005: TCB_SetSpace with a null CSpace fails. */
export function threadsSetSpaceNullCSpace(): void {
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_TCB_SetSpace(t, 0, freeSlot(), 0, MY_VSPACE, 0), seL4_IllegalOperation, "an empty CSpace root");
  checkEq(seL4_TCB_SetSpace(t, 0, MY_VSPACE, 0, MY_VSPACE, 0), seL4_IllegalOperation, "a page directory as the CSpace root");
  checkEq(seL4_TCB_SetSpace(t, 0, MY_CNODE, 0, MY_CNODE, 0), seL4_IllegalOperation, "a CNode as the VSpace root");
  checkEq(seL4_TCB_SetSpace(t, 0, MY_CNODE, 0, MY_VSPACE, 0), seL4_NoError, "our own roots");
}

/** THREADS0004 (IPC buffer): the buffer must be a frame and aligned to 512 bytes. */
export function threadsIpcBuffer(): void {
  const t = make(OBJ_TCB, 0);
  const f = make(OBJ_X86_4K, 0);
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_TCB_SetIPCBuffer(t, 0x10000100, f), seL4_AlignmentError, "an address not 512-byte aligned");
  checkEq(seL4_TCB_SetIPCBuffer(t, 0x10000200, ep), seL4_IllegalOperation, "an endpoint as the buffer");
  checkEq(seL4_TCB_SetIPCBuffer(t, 0x10000200, f), seL4_NoError, "a frame at a 512-byte boundary");
  checkEq(seL4_TCB_SetIPCBuffer(t, 0, 0), seL4_NoError, "no buffer");
}

/** TLS0001: the TLS base set by seL4_SetTLSBase is where %gs points. */
export function tlsSetBase(): void {
  // Two blocks laid out as the runtime wants them (libs/abi/layout.def.ts TLS_BLOCK): its words below
  // the thread pointer, which points at itself (i386 TLS variant II), then two words of our own.
  const a = tlsBlock(0x11111111, 0x22222222);
  const b = tlsBlock(0x33333333, 0x44444444);
  const mine = readGs32(0);
  seL4_SetTLSBase(a);
  checkEq(readGs32(0), a, "%gs:0 reads the thread pointer");
  checkEq(readGs32(4), 0x11111111, "%gs:4 the first word after it");
  checkEq(readGs32(8), 0x22222222, "%gs:8 the second");
  checkEq(seL4_TCB_SetTLSBase(MY_TCB, b), seL4_NoError, "TCB_SetTLSBase on ourselves");
  checkEq(readGs32(0), b, "takes effect at once");
  checkEq(readGs32(4), 0x33333333, "with the other block's words");
  seL4_SetTLSBase(mine);
  checkEq(readGs32(0), mine, "and back");
}

const tlsBlocks = memory.data(2 * 64, 64);
let tlsBlocksUsed: u32 = 0;

/** A thread pointer whose block carries our IPC buffer pointer and the words `w1`, `w2` after the pointer. */
function tlsBlock(w1: u32, w2: u32): u32 {
  const block = tlsBlocks + (tlsBlocksUsed++ << 6);
  const tp = <u32>block + TLS_SELF;
  store<u32>(block + TLS_IPC_BUFFER, <u32>seL4_GetIPCBuffer());
  store<u32>(tp, tp);
  store<u32>(tp + 4, w1);
  store<u32>(tp + 8, w2);
  return tp;
}

/** FPU0000: simple floating-point operations give exact results. */
export function fpuSimple(): void {
  let x: f64 = 1.0;
  for (let i = 0; i < 50; i++) x = x * 1.5 + 0.25;
  // x(n) = 1.5^(n+1) - 0.5, so x(50) = 1.5^51 - 0.5 = 956432249.8... in any IEEE double arithmetic.
  check(x > 956432249.0 && x < 956432250.0, "a float series");
  const y: f32 = <f32>3.0 / <f32>7.0;
  checkEq(reinterpret<u32>(y), 0x3edb6db7, "3/7 in single precision");
  checkEq(<u32>reinterpret<u64>(Math.sqrt(2.0)) , 0x667f3bcd, "sqrt(2), low word");
}

/** FPU0003: TCB_SetFlags sets and clears seL4_TCBFlag_fpuDisabled and returns the flags. */
export function fpuSetFlags(): void {
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_TCB_SetFlags(t, 0, seL4_TCBFlag_fpuDisabled), seL4_NoError, "set fpuDisabled");
  checkEq(seL4_TCB_SetFlags_flags(), seL4_TCBFlag_fpuDisabled, "the flags say so");
  checkEq(seL4_TCB_SetFlags(t, seL4_TCBFlag_fpuDisabled, 0), seL4_NoError, "clear it");
  checkEq(seL4_TCB_SetFlags_flags(), 0, "cleared");
  checkEq(seL4_TCB_SetFlags(t, 0, 0x80), seL4_NoError, "an unknown flag");
  checkEq(seL4_TCB_SetFlags_flags(), 0, "is ignored");
}

/** TLS0001 (another thread): TCB_SetTLSBase on a thread shows as its gs_base. */
export function tlsOtherThread(): void {
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_TCB_SetTLSBase(t, 0x7000), seL4_NoError, "set another thread's TLS base");
  checkEq(seL4_TCB_ReadRegisters(t, false, 0, <u32>USER_CONTEXT_SIZE >> 2, regs), seL4_NoError, "read its registers");
  checkEq(load<u32>(regs + USER_CONTEXT_GS_BASE), 0x7000, "gs_base is the TLS base");
}

/** A free 4 MiB region of the test's address space (as userland/sel4test/vspace.ts uses). */
// @ts-ignore: decorator
@inline const SCRATCH: u32 = 0x10000000;

/**
 * CNODEOP0002 (a running thread): deleting the last capability of a
 * resumed, runnable thread destroys it: it leaves the scheduler (its
 * counter stops while we yield, where before every yield let it run), its
 * memory goes back to the untyped (a frame fills the untyped it came
 * from), and overwriting that memory leaves the kernel scheduling on.
 * (A thread the kernel kept scheduling would run without its VSpace root,
 * whose slot the deletion cleared, and fault: the system test fails on
 * any fault report.)
 */
export function cnodeDeleteRunningThread(): void {
  const ut = make(OBJ_UNTYPED, 12); // room for exactly 2 TCBs, or one frame
  const t = helper(COUNT_FOREVER, 0, myPriority(), true, ut);
  check(waitFor(0, 0, 100) > 0, "the helper runs when we yield");
  const before = counter(0);
  check(waitFor(0, before, 100) > before, "and again");
  checkEq(del(t), seL4_NoError, "delete its only capability");
  helperCount--; // nothing left to suspend
  checkEq(seL4_DebugCapIdentify(t), CAP_NULL_CAP, "the slot is empty");
  const stopped = counter(0);
  for (let i = 0; i < 100; i++) seL4_Yield();
  checkEq(counter(0), stopped, "a deleted thread does not run: it left the ready queue");
  // Its 2 KiB are free: the untyped, with no children left, is reset and gives one 4 KiB frame.
  const f = freeSlot();
  checkEq(seL4_Untyped_Retype(ut, OBJ_X86_4K, 0, MY_CNODE, 0, 0, f, 1), seL4_NoError, "the TCB's memory is back in its untyped");
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, MY_VSPACE, SCRATCH, seL4_X86_Default_VMAttributes), seL4_NoError, "map a page table");
  checkEq(seL4_X86_Page_Map(f, MY_VSPACE, SCRATCH, R_RW, seL4_X86_Default_VMAttributes), seL4_NoError, "map the frame");
  let zero = true;
  for (let i: u32 = 0; i < 1024; i++) zero = zero && load<u32>(SCRATCH + i * 4) == 0;
  check(zero, "it reads zero: the thread's memory was cleared");
  memory.fill(SCRATCH, 0xA5, 4096);
  for (let i = 0; i < 100; i++) seL4_Yield();
  checkEq(counter(0), stopped, "overwriting where the thread was changes nothing the kernel runs");
  // A new thread from the same memory runs as any other.
  checkEq(del(f), seL4_NoError, "give the memory back again");
  helper(COUNT_FOREVER, 1, myPriority(), true, ut);
  check(waitFor(1, 0, 100) > 0, "a new thread made where it was runs");
  checkEq(counter(0), stopped, "and the old one stays gone");
}

/** The radix of the CNode CNODEOP0002-preempted deletes: 2^19 slots, 8 MiB of the test's 32 MiB share. */
// @ts-ignore: decorator
@inline const HUGE_RADIX: u32 = 19;

/**
 * CNODEOP0002 (preempted): deleting the last capability of a CNode of
 * 2^19 slots (some 80 million instructions, several timer periods at
 * 100 Hz on any machine this runs on; more under load) is stopped by the
 * timer at its preemption points, the kernel restarts the call by moving
 * EIP back to the sysenter (kernel/api/invoke.ts), and the re-executed
 * call goes on where it stopped. Seen from here: a helper thread at our
 * priority, which can run only when the kernel lets the timer in, counts
 * during the one system call; the call returns NoError (a call resumed
 * anywhere else would return its own message info as the error, or
 * fault), and the slot is empty. The yield before the call returns to us
 * just after a timer tick (the helper never yields), so no tick lands in
 * the few instructions between reading the counter and the sysenter.
 */
export function cnodeDeletePreempted(): void {
  const c = make(OBJ_CAP_TABLE, HUGE_RADIX);
  const ep = make(OBJ_ENDPOINT, 0);
  const last = (<u32>1 << HUGE_RADIX) - 1;
  checkEq(seL4_CNode_Copy(c, 0, HUGE_RADIX, MY_CNODE, ep, DEPTH, R_ALL), seL4_NoError, "an endpoint in its first slot");
  checkEq(seL4_CNode_Copy(c, last >> 1, HUGE_RADIX, MY_CNODE, ep, DEPTH, R_ALL), seL4_NoError, "one in the middle");
  checkEq(seL4_CNode_Copy(c, last, HUGE_RADIX, MY_CNODE, ep, DEPTH, R_ALL), seL4_NoError, "one in the last");
  helper(COUNT_FOREVER, 0, myPriority(), true);
  check(waitFor(0, 0, 100) > 0, "the helper runs when we yield");
  seL4_Yield();
  const before = counter(0);
  const err = del(c);
  const after = counter(0);
  checkEq(err, seL4_NoError, "the Delete returns NoError");
  checkEq(seL4_DebugCapIdentify(c), CAP_NULL_CAP, "the slot is empty");
  checkEq(seL4_DebugCapIdentify(ep), CAP_ENDPOINT_CAP, "the endpoint's original stays");
  check(after > before, "the helper ran during the Delete: the timer preempted it, and the call was restarted");
}
