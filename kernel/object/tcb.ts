// kernel/object/tcb.ts: the thread control block: layout and accessors.
//
// Owns: where each TCB field lives. A TCB is an @unmanaged block of raw
// kernel memory (TCB_SIZE bytes, TCB_ALIGN aligned) in the kernel window.
// The first CONTEXT_SIZE bytes are the saved user context, which
// boot/trap.S writes on every kernel entry and reads on every exit, so its
// offsets are a contract with assembly (see the ruler below).
// Must not: schedule or decide anything; kernel/sched/ and the syscall
// handlers do.
//
//   offset  field          written by
//   ------  -------------  -----------------------------------------------
//   0x00    edi            trap/sysenter entry (boot/trap.S), kernel (WriteRegisters)
//   0x04    esi            "
//   0x08    ebp            "
//   0x0C    ebx            "
//   0x10    edx            "
//   0x14    ecx            "
//   0x18    eax            "
//   0x1C    vector         entry stub: the IDT vector, or VECTOR_SYSCALL for sysenter
//   0x20    error          CPU (faults with an error code) or 0 from the stub
//   0x24    eip            CPU (interrupt) or the stub: edx + 2 (sysenter; edx is the
//                          address of the sysenter instruction, seL4 ia32 ABI)
//   0x28    cs             CPU, or the stub (sysenter)
//   0x2C    eflags         CPU, or the stub (sysenter: IF clear, see boot/trap.S)
//   0x30    esp            CPU, or the stub from ecx (sysenter)
//   0x34    ss             CPU, or the stub (sysenter)
//   0x38    = CONTEXT_SIZE: TSS.esp0 points here while the thread runs
//   0x38    state          ThreadState
//   0x3C    priority       0..255
//   0x40    schedNext      ready-queue link (TCB address or 0)
//   0x44    schedPrev      ready-queue link
//   0x48    blockingBadge  the badge of the capability a blocked sender sent with
//   0x4C    ipcBuffer      user virtual address of the IPC buffer
//   0x50    timeSlice      ticks left in the current slice
//   0x54    faultVector    the last fault, for reports
//   0x58    faultError
//   0x5C    faultAddress   CR2 for page faults
//   0x60    id             small number for logs
//   0x64    flags          TCB_FLAG_*
//   0x68    name[32]       NUL-terminated (NameThread)
//   0x88    epNext         endpoint or notification queue link (TCB address or 0)
//   0x8C    epPrev         "
//   0x90    blockingObject kernel address of the endpoint or notification the thread waits on
//                          (kernel/object/endpoint.ts, notification.ts), or 0
//   0x94    blockingFlags  TCB_BLOCKING_*: what a blocked sender or receiver may do (grant, call)
//   0x98    fault[4]       seL4's fault (kernel/api/faults.ts): type, then up to three words
//   0xA8    lookup[4]      the lookup failure of a capability fault: type (seL4_LookupFailureType),
//                          bits left, bits found or guard found, bits found
//   0xB8    tlsBase        the TLS base: GDT entry 7's base while the thread runs (SetTLSBase,
//                          kernel/arch/x86/tls.ts)
//   0xBC    boundNtfn      physical address of the bound notification, or 0
//   0xC0    mcp            maximum controlled priority, 0..255
//   0xC4    faultHandler   the fault endpoint's CPtr (TCB_Configure, SetSpace; used with IPC)
//   0xC8    (unused)
//   0xCC    tcbFlags       seL4_TCBFlag_* (TCB_SetFlags)
//   0xD0    = TCB_USED
//   (0xD0-0x1FB free)
//   -- per-thread FPU state (kernel/arch/x86/fpu.ts) --
//   0x1FC   fpuFlags       TCB_FPU_USED: fpuState holds the thread's FPU state (else it never used the FPU)
//   0x200   fpuState[512]  FXSAVE image (16-byte aligned: TCB_SIZE-aligned base), written
//                          by fxsave when another thread takes the FPU (fpu.ts)
//   0x400   = TCB_SIZE
//
// The IPC fast path (kernel/fastpath/fastpath.ts) reads and writes three
// 64-byte lines of a TCB: its slots (object offset 0x000-0x03F: CTable,
// VTable, reply, caller), the context with state and priority (0x400-0x43F
// of the object: the thread part's 0x00-0x3F), and 0x80-0xBF, where
// everything else it needs sits together: the endpoint-queue links, the
// blocking object and flags, the fault type, the TLS base and the bound
// notification (docs/RATIONALE.md, "IPC fast path").
//
// A TCB object (Untyped_Retype, or the root task's at boot) is
// 2^seL4_TCBBits = 2 KiB, aligned to its size:
//
//   object offset  what
//   0x000          slot 0 tcbCTable: the thread's CSpace root (a CNode capability)
//   0x010          slot 1 tcbVTable: its VSpace root (a page directory capability)
//   0x020          slot 2 tcbReply (IPC)
//   0x030          slot 3 tcbCaller (IPC)
//   0x040          slot 4 tcbBuffer: the IPC buffer's frame capability
//   0x400          the thread part above (TCB_THREAD_OFFSET): `t` is its address
// The kernel names a thread by `t`; a thread capability names the object.

// The context's offsets and size are defined in kernel/arch/x86/machine.def.ts
// (generated for boot/trap.S too); CONTEXT_SIZE is their CTX_SIZE.
export {
  CTX_EDI, CTX_ESI, CTX_EBP, CTX_EBX, CTX_EDX, CTX_ECX, CTX_EAX, CTX_VECTOR, CTX_ERROR, CTX_EIP, CTX_CS, CTX_EFLAGS, CTX_ESP, CTX_SS,
  VECTOR_SYSCALL,
} from "../arch/x86/machine.gen";
import { CTX_SIZE } from "../arch/x86/machine.gen";
// @ts-ignore: decorator
@inline export const CONTEXT_SIZE: usize = CTX_SIZE;

// @ts-ignore: decorator
@inline export const TCB_STATE: usize = 0x38;
// @ts-ignore: decorator
@inline export const TCB_PRIORITY: usize = 0x3C;
// @ts-ignore: decorator
@inline export const TCB_SCHED_NEXT: usize = 0x40;
// @ts-ignore: decorator
@inline export const TCB_SCHED_PREV: usize = 0x44;
// @ts-ignore: decorator
@inline export const TCB_IPC_BUFFER: usize = 0x4C;
// @ts-ignore: decorator
@inline export const TCB_TIME_SLICE: usize = 0x50;
// @ts-ignore: decorator
@inline export const TCB_FAULT_VECTOR: usize = 0x54;
// @ts-ignore: decorator
@inline export const TCB_FAULT_ERROR: usize = 0x58;
// @ts-ignore: decorator
@inline export const TCB_FAULT_ADDRESS: usize = 0x5C;
// @ts-ignore: decorator
@inline export const TCB_ID: usize = 0x60;
// @ts-ignore: decorator
@inline export const TCB_FLAGS: usize = 0x64;
// @ts-ignore: decorator
@inline export const TCB_NAME: usize = 0x68;
// @ts-ignore: decorator
@inline export const TCB_NAME_CAPACITY: usize = 32;
// @ts-ignore: decorator
@inline export const TCB_BLOCKING_OBJECT: usize = 0x90;
// @ts-ignore: decorator
@inline export const TCB_EP_NEXT: usize = 0x88;
// @ts-ignore: decorator
@inline export const TCB_EP_PREV: usize = 0x8C;
// @ts-ignore: decorator
@inline export const TCB_BLOCKING_BADGE: usize = 0x48;
// @ts-ignore: decorator
@inline export const TCB_BLOCKING_FLAGS: usize = 0x94;
// @ts-ignore: decorator
@inline export const TCB_FAULT: usize = 0x98;
// @ts-ignore: decorator
@inline export const TCB_LOOKUP_FAILURE: usize = 0xA8;
// @ts-ignore: decorator
@inline export const TCB_MCP: usize = 0xC0;
// @ts-ignore: decorator
@inline export const TCB_FAULT_HANDLER: usize = 0xC4;
// @ts-ignore: decorator
@inline export const TCB_BOUND_NTFN: usize = 0xBC;
// @ts-ignore: decorator
@inline export const TCB_TCB_FLAGS: usize = 0xCC;
// @ts-ignore: decorator
@inline export const TCB_USED: usize = 0xD0;

let lastThreadId: u32 = 0;

/** A new number for kernel logs: threads are numbered 1, 2, ... in the order their TCBs are made. */
export function allocThreadId(): u32 {
  return ++lastThreadId;
}
// The TLS base (in the fast path's line, see the ruler) and the FPU state at the top of the thread part.
// @ts-ignore: decorator
@inline export const TCB_TLS_BASE: usize = 0xB8;
// @ts-ignore: decorator
@inline export const TCB_FPU_FLAGS: usize = 0x1FC;
// @ts-ignore: decorator
@inline export const TCB_FPU_STATE: usize = 0x200;
/** Bytes of an FXSAVE image. */
// @ts-ignore: decorator
@inline export const FPU_STATE_SIZE: usize = 512;
/** TCB_FPU_FLAGS: the thread has used the FPU, and its state is in the FPU or at TCB_FPU_STATE. */
// @ts-ignore: decorator
@inline export const TCB_FPU_USED: u32 = 1 << 0;
/**
 * Size of the thread part of a TCB. Every thread, the ones the kernel
 * starts at boot included, lives in a TCB object of 2^seL4_TCBBits (2 KiB)
 * bytes: its slots in the lower half and this part in the upper.
 */
// @ts-ignore: decorator
@inline export const TCB_SIZE: usize = 1024;

// ── The TCB object ───────────────────────────────────────────────────
/** Where the thread part lies in a TCB object. */
// @ts-ignore: decorator
@inline export const TCB_THREAD_OFFSET: usize = 1024;
/** The TCB object's slots (seL4's tcb_cnode_index). */
// @ts-ignore: decorator
@inline export const TCB_CTABLE: u32 = 0;
// @ts-ignore: decorator
@inline export const TCB_VTABLE: u32 = 1;
// @ts-ignore: decorator
@inline export const TCB_REPLY: u32 = 2;
// @ts-ignore: decorator
@inline export const TCB_CALLER: u32 = 3;
// @ts-ignore: decorator
@inline export const TCB_BUFFER: u32 = 4;

/** The slot `index` (TCB_CTABLE..TCB_BUFFER) of the thread `t`. */
// @ts-ignore: decorator
@inline export function tcbSlot(t: usize, index: u32): usize {
  return t - TCB_THREAD_OFFSET + (<usize>index << 4);
}

/** The thread part of the TCB object at kernel virtual address `object`. */
// @ts-ignore: decorator
@inline export function tcbOfObject(object: usize): usize {
  return object + TCB_THREAD_OFFSET;
}


/**
 * seL4's thread states (non-MCS), and two kinds of Inactive that tsos
 * keeps apart for its reports. Running and Restart are runnable: the
 * thread is the current one or in a ready queue. Restart runs the
 * thread's last system call again (the scheduler moves EIP back to its
 * sysenter when it next runs it; kernel/sched/scheduler.ts).
 */
export enum ThreadState {
  Inactive = 0,
  Running = 1,
  Restart = 2,
  BlockedOnReceive = 3,
  BlockedOnSend = 4,
  BlockedOnReply = 5,
  BlockedOnNotification = 6,
  Faulted = 7,   // Inactive: stopped after a fault nobody could be told about
  Exited = 8,    // Inactive: ended by DebugThreadExit
}

/** Running or Restart: the thread is the current one or sits in a ready queue. */
// @ts-ignore: decorator
@inline export function isRunnableState(s: ThreadState): bool {
  return s == ThreadState.Running || s == ThreadState.Restart;
}

/** Blocked in an IPC or notification wait: a queue (or a caller's reply) holds it. */
// @ts-ignore: decorator
@inline export function isBlockedState(s: ThreadState): bool {
  return s >= ThreadState.BlockedOnReceive && s <= ThreadState.BlockedOnNotification;
}

/** seL4's isStopped: neither runnable nor idle (blocked, or one of the inactive states). */
// @ts-ignore: decorator
@inline export function isStoppedState(s: ThreadState): bool {
  return !isRunnableState(s);
}

/** A live thread: runnable or blocked; the machine stops when none is left. */
// @ts-ignore: decorator
@inline export function isLiveState(s: ThreadState): bool {
  return s >= ThreadState.Running && s <= ThreadState.BlockedOnNotification;
}

// Bits of blockingFlags (TCB_BLOCKING_FLAGS).
/** The capability the thread sends or receives with has Grant. */
// @ts-ignore: decorator
@inline export const TCB_BLOCKING_CAN_GRANT: u32 = 1 << 0;
/** The sender's capability has GrantReply. */
// @ts-ignore: decorator
@inline export const TCB_BLOCKING_CAN_GRANT_REPLY: u32 = 1 << 1;
/** A blocked sender did a Call: it waits for the reply once its message is taken. */
// @ts-ignore: decorator
@inline export const TCB_BLOCKING_IS_CALL: u32 = 1 << 2;

/** The number of priorities (0 lowest .. 255 highest). */
// @ts-ignore: decorator
@inline export const NUM_PRIORITIES: i32 = 256;

// Bits of the flags field (TCB_FLAGS).
/** The TCB is linked into the ready queue of its priority (kernel/sched/ready.ts owns this bit). */
// @ts-ignore: decorator
@inline export const TCB_FLAG_QUEUED: u32 = 1 << 0;

// @ts-ignore: decorator
@inline export function tcbState(t: usize): ThreadState { return load<u32>(t, TCB_STATE); }
// @ts-ignore: decorator
@inline export function setTcbState(t: usize, s: ThreadState): void { store<u32>(t, s, TCB_STATE); }
// @ts-ignore: decorator
@inline export function tcbPriority(t: usize): i32 { return load<i32>(t, TCB_PRIORITY); }
// @ts-ignore: decorator
@inline export function setTcbPriority(t: usize, p: i32): void { store<i32>(t, p, TCB_PRIORITY); }
// @ts-ignore: decorator
@inline export function tcbMcp(t: usize): i32 { return load<i32>(t, TCB_MCP); }
// @ts-ignore: decorator
@inline export function setTcbMcp(t: usize, p: i32): void { store<i32>(t, p, TCB_MCP); }
// @ts-ignore: decorator
@inline export function tcbSchedNext(t: usize): usize { return load<usize>(t, TCB_SCHED_NEXT); }
// @ts-ignore: decorator
@inline export function setTcbSchedNext(t: usize, n: usize): void { store<usize>(t, n, TCB_SCHED_NEXT); }
// @ts-ignore: decorator
@inline export function tcbSchedPrev(t: usize): usize { return load<usize>(t, TCB_SCHED_PREV); }
// @ts-ignore: decorator
@inline export function setTcbSchedPrev(t: usize, p: usize): void { store<usize>(t, p, TCB_SCHED_PREV); }
// @ts-ignore: decorator
@inline export function tcbTimeSlice(t: usize): u32 { return load<u32>(t, TCB_TIME_SLICE); }
// @ts-ignore: decorator
@inline export function setTcbTimeSlice(t: usize, v: u32): void { store<u32>(t, v, TCB_TIME_SLICE); }
// @ts-ignore: decorator
@inline export function tcbFlags(t: usize): u32 { return load<u32>(t, TCB_FLAGS); }
// @ts-ignore: decorator
@inline export function setTcbFlags(t: usize, f: u32): void { store<u32>(t, f, TCB_FLAGS); }
// @ts-ignore: decorator
@inline export function tcbIsQueued(t: usize): bool { return (load<u32>(t, TCB_FLAGS) & TCB_FLAG_QUEUED) != 0; }
