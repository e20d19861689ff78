// kernel/fastpath/fastpath.ts: the IPC fast path: Call and ReplyRecv in one straight line.
//
// Owns: seL4's fastpath_call and fastpath_reply_recv (non-MCS), entered
// from boot/trap.S's sysenter stub for system calls SYS_CALL and
// SYS_REPLY_RECV, and the boot option that turns it off (`nofastpath`).
// It takes the common case only: a message of at most
// seL4_FastMessageRegisters words with no capabilities, from a thread
// with no fault waiting, through an endpoint capability found in its
// CSpace with the rights the operation needs, to a partner that is
// already waiting and that the scheduler would run at once (seL4's rule,
// kept by settleAction in kernel/sched/scheduler.ts: the partner runs
// unless it has a lower priority than the caller and a ready thread
// outranks it). Every check comes first and touches nothing; the first
// one that fails hands the whole system call to the slow path
// (kernel/syscall.ts handleSyscall), which then gives the same result,
// because each check stands for a condition under which the slow path
// would do something else. Past the last check ("no return") the fast
// path does exactly what the slow path does in that case, field for
// field: the endpoint queue, the thread states, the reply capability and
// its derivation-tree links, the message registers, the badge, and the
// switch (FPU, TLS, CR3, TSS.esp0, the scheduler's current and last-run
// thread and its switch count), then leaves through restore_user_context.
// test/system/fastpath.test.ts runs randomised IPC scenarios with the fast
// path on and off and compares their traces; the in-OS suite runs in both
// modes; test/build/disasm.test.ts pins the compiled shape (no call before
// the exit, no memory-base reload, a bounded frame).
// Kernel memory is reached through window() (the constant KERNEL_VBASE),
// never the movable vspacePhysWindow() that Node harnesses use: this file
// runs only on the machine.
// Must not: fail, fault or block on any user input (every value a user can
// set is checked before it is used as an address), allocate, or do anything
// the slow path would not do.
//
// The fields it reads and writes, and the cache lines they span, are listed
// in docs/RATIONALE.md ("IPC fast path").
//
// see: seL4 src/fastpath/fastpath.c (fastpath_call, fastpath_reply_recv,
// lookup_fp) and include/arch/x86/arch/32/mode/fastpath/fastpath.h, facts
// only.

import {
  CTX_EBX, CTX_ESI, CTX_EDI, CTX_EBP, ThreadState, TCB_STATE, TCB_PRIORITY, TCB_FAULT, TCB_EP_NEXT, TCB_EP_PREV,
  TCB_BLOCKING_OBJECT, TCB_BLOCKING_FLAGS, TCB_BLOCKING_CAN_GRANT, TCB_BOUND_NTFN, TCB_CTABLE, TCB_VTABLE, TCB_REPLY,
  TCB_CALLER, TCB_THREAD_OFFSET, CONTEXT_SIZE, tcbSlot,
} from "../object/tcb";
import { EP_QUEUE_HEAD, EP_QUEUE_TAIL, EP_STATE, EP_IDLE, EP_RECV, EP_SEND } from "../object/endpoint";
import { NTFN_ACTIVE, ntfnState } from "../object/notification";
import {
  CTE_DATA, CTE_OBJECT, CTE_MDB_PREV, CTE_MDB_NEXT, CTE_SIZE_BITS, RIGHT_WRITE, RIGHT_READ,
  RIGHT_GRANT, RIGHT_GRANT_REPLY, ASID_MASK, CAP_CNODE_CAP, CAP_ENDPOINT_CAP, CAP_REPLY_CAP, CAP_PAGE_DIRECTORY_CAP,
  replyCapData, replyCapObject, replyIsMaster,
} from "../cspace/cte";
import { window, KERNEL_VBASE } from "../arch/x86/kernel-window";
import { asidNamesDirectory, mappedAsidsAllValid } from "../arch/x86/asid";
import { vspaceSwitch } from "../arch/x86/vspace";
import { fpuSwitchTo } from "../arch/x86/fpu";
import { tlsSwitchTo } from "../arch/x86/tls";
import { tssSetKernelEntry } from "../arch/x86/gdt";
import { restoreUserContext } from "../arch/x86/intrinsics";
import { currentThread, switchedTo } from "../sched/scheduler";
import { readyHighestPriority } from "../sched/ready";
import { handleSyscall, handleCallAt } from "../syscall";
import { pathEnter, pathLeave, PathKind } from "../debug/path-stats";
import { puts, putLine, putLineStart } from "../console";
import { putDec32 } from "../lib/format";
import {
  SYS_CALL, SYS_REPLY_RECV, seL4_FastMessageRegisters, seL4_Fault_NullFault, seL4_WordBits,
  MSGINFO_LENGTH_MASK, MSGINFO_LENGTH_SHIFT, MSGINFO_EXTRA_CAPS_MASK, MSGINFO_EXTRA_CAPS_SHIFT,
  MSGINFO_CAPS_UNWRAPPED_SHIFT,
} from "../../libs/abi/sel4.gen";

// ── The switch ───────────────────────────────────────────────────────

/** The message info's length and extra-capability fields, which the first check reads together. */
// @ts-ignore: decorator
@inline const INFO_SHAPE_MASK: u32 = (MSGINFO_LENGTH_MASK << MSGINFO_LENGTH_SHIFT) | (MSGINFO_EXTRA_CAPS_MASK << MSGINFO_EXTRA_CAPS_SHIFT);
/** The caps-unwrapped field, which a delivered message never carries from its sender. */
// @ts-ignore: decorator
@inline const INFO_UNWRAPPED_MASK: u32 = 7 << MSGINFO_CAPS_UNWRAPPED_SHIFT;
/** The first check passes for a shape below this: lengths 0..seL4_FastMessageRegisters, no capabilities. */
// @ts-ignore: decorator
@inline const SHAPE_LIMIT_ON: u32 = seL4_FastMessageRegisters + 1;

/**
 * The shape limit in force: SHAPE_LIMIT_ON, or 0 when the fast path is
 * off, so that the one compare the fast path makes anyway ("is the
 * message short?") also says "off" and the option costs no instruction.
 */
let shapeLimit: u32 = SHAPE_LIMIT_ON;

/** The boot option: `nofastpath` on the kernel command line turns the fast path off (kernel/main.ts). */
export function fastpathSetEnabled(on: bool): void {
  shapeLimit = on ? SHAPE_LIMIT_ON : 0;
}

export function fastpathEnabled(): bool {
  return shapeLimit != 0;
}

/** How many Calls and ReplyRecvs the fast path took (for the report at power-off and the differential tests). */
let callsTaken: u32 = 0;
let replyRecvsTaken: u32 = 0;

/** "kernel: IPC fast path on: N Calls and M ReplyRecvs took it", at power-off and when the machine stops. */
export function fastpathReport(): void {
  putLineStart();
  puts(fastpathEnabled() ? "kernel: IPC fast path on: " : "kernel: IPC fast path off: ");
  putDec32(callsTaken);
  puts(" Calls and ");
  putDec32(replyRecvsTaken);
  putLine(" ReplyRecvs took it");
}

// ── Checks that touch nothing ────────────────────────────────────────

/**
 * seL4's lookup_fp, for the common CSpace shape: does the CNode
 * capability in slot `root` (object word `obj`, data word `data`) resolve
 * all 32 bits of `cptr` in one level? That is guard size + radix = 32 (as
 * in every root task seL4 and tsos build) and a guard that matches the
 * top 32 - radix bits. Any other shape goes to the slow path, whose
 * resolveAddressBits (kernel/cspace/lookup.ts) decides. Bits 31..29 of a
 * CNode capability's data word are 0, so data >>> 11 is the guard.
 */
// @ts-ignore: decorator
@inline function resolvesInOneLevel(obj: u32, data: u32, cptr: u32): bool {
  const radix = data & 0x1F;
  return isTag(obj, CAP_CNODE_CAP) && ((data >>> 5) & 0x3F) + radix == seL4_WordBits && cptr >>> radix == data >>> 11;
}

/**
 * Does object word `obj` carry the 4-bit tag `tag`? Asked as "is obj -
 * tag 16-byte aligned", so that obj - tag, the object's physical address,
 * is already at hand. (An 8-bit tag has E or F in its low nibble, which no
 * 4-bit tag has, so the low nibble alone tells a 4-bit tag.)
 */
// @ts-ignore: decorator
@inline function isTag(obj: u32, tag: u32): bool {
  return ((obj - tag) & 0xF) == 0;
}

/** Both entries' first check: seL4's fastpath_mi_check (at most 2 words, no capabilities; see shapeLimit), and no fault waiting. */
// @ts-ignore: decorator
@inline function shortMessageNoFault(cur: usize): bool {
  return (load<u32>(cur, CTX_ESI) & INFO_SHAPE_MASK) < shapeLimit && load<u32>(cur, TCB_FAULT) == seL4_Fault_NullFault;
}

/** Does the current thread's CSpace root resolve its EBX in one level (resolvesInOneLevel)? */
// @ts-ignore: decorator
@inline function rootResolvesInOneLevel(cur: usize): bool {
  const root = tcbSlot(cur, TCB_CTABLE);
  return resolvesInOneLevel(load<u32>(root, CTE_OBJECT), load<u32>(root, CTE_DATA), load<u32>(cur, CTX_EBX));
}

/** The slot of the capability the current thread invokes, once rootResolvesInOneLevel said yes. */
// @ts-ignore: decorator
@inline function invokedSlot(cur: usize): usize {
  const root = tcbSlot(cur, TCB_CTABLE);
  return oneLevelSlot(load<u32>(root, CTE_OBJECT), load<u32>(root, CTE_DATA), load<u32>(cur, CTX_EBX));
}

/**
 * The slot that lookup finds: the low radix bits of `cptr` index the
 * CNode. A radix is 1..31 (decodeUntyped refuses 0; the field has 5
 * bits), so the index lies inside the CNode.
 */
// @ts-ignore: decorator
@inline function oneLevelSlot(obj: u32, data: u32, cptr: u32): usize {
  const drop = seL4_WordBits - (data & 0x1F);
  return window(obj - CAP_CNODE_CAP) + (<usize>((cptr << drop) >>> drop) << CTE_SIZE_BITS);
}

/**
 * Would the scheduler's threadVSpaceRoot (kernel/arch/x86/vm-root.ts) give
 * thread `t` its own page directory? Its tcbVTable capability is a mapped
 * page directory whose ASID still names it (which needs no pool lookup
 * until an ASID pool has been deleted: kernel/arch/x86/asid.ts poolsDeleted). (Otherwise the slow path
 * switches to the kernel's directory, where the thread faults at once.)
 */
// @ts-ignore: decorator
@inline function hasOwnVSpace(t: usize): bool {
  const s = tcbSlot(t, TCB_VTABLE);
  const obj = load<u32>(s, CTE_OBJECT);
  const data = load<u32>(s, CTE_DATA);
  // A page directory capability's object word is the directory's address | the tag (bits 11..4 are 0).
  return isTag(obj, CAP_PAGE_DIRECTORY_CAP) && (data & (1 << 12)) != 0 &&
    (mappedAsidsAllValid() || asidNamesDirectory(data & ASID_MASK, obj - CAP_PAGE_DIRECTORY_CAP));
}

/** That page directory, once hasOwnVSpace(t) said yes. */
// @ts-ignore: decorator
@inline function ownVSpace(t: usize): u32 {
  return load<u32>(tcbSlot(t, TCB_VTABLE), CTE_OBJECT) - CAP_PAGE_DIRECTORY_CAP;
}

/**
 * The scheduler would switch to `partner` straight away when the current
 * thread (priority `mine`) blocks: settleAction's rule, seL4's fastfail
 * and isHighestPrio.
 */
// @ts-ignore: decorator
@inline function partnerRunsNow(partner: usize, mine: i32): bool {
  const prio = load<i32>(partner, TCB_PRIORITY);
  return prio >= mine || readyHighestPriority() <= prio;
}

// ── After the checks ─────────────────────────────────────────────────

/**
 * The message moves from `from` to `to`, with `badge`: the words the
 * length names (the others keep their values, as copyMRs leaves them),
 * and the info without caps-unwrapped bits. Then `to` runs.
 */
// @ts-ignore: decorator
@inline function deliverAndSwitch(from: usize, to: usize, badge: u32): void {
  const info = load<u32>(from, CTX_ESI);
  const length = info & (MSGINFO_LENGTH_MASK << MSGINFO_LENGTH_SHIFT);
  if (length != 0) {
    store<u32>(to, load<u32>(from, CTX_EDI), CTX_EDI);
    if (length > 1) store<u32>(to, load<u32>(from, CTX_EBP), CTX_EBP);
  }
  store<u32>(to, info & ~INFO_UNWRAPPED_MASK, CTX_ESI);
  store<u32>(to, badge, CTX_EBX);
  store<u32>(to, ThreadState.Running, TCB_STATE);
  // The scheduler's switch (schedule(): `to` is never the thread that ran last).
  switchedTo(to);
  fpuSwitchTo(to);
  tlsSwitchTo(to);
  vspaceSwitch(ownVSpace(to));
  tssSetKernelEntry(<u32>(to + CONTEXT_SIZE));
  pathLeave();
  restoreUserContext(<u32>to);
}

// ── Call ─────────────────────────────────────────────────────────────

/**
 * seL4's fastpath_call: the current thread Calls an endpoint on which a
 * receiver waits; the receiver gets the message and a reply capability,
 * and runs. Anything else is the slow path's: handleSyscall, or, once the
 * capability's slot is known, handleCallAt (which skips a second lookup).
 */
export function fastpathCall(): void {
  const cur = currentThread();
  pathEnter(PathKind.Syscall, SYS_CALL);
  if (!shortMessageNoFault(cur)) {
    handleSyscall();
    return;
  }
  if (!rootResolvesInOneLevel(cur)) {
    handleSyscall();
    return;
  }
  const slot = invokedSlot(cur);
  const obj = load<u32>(slot, CTE_OBJECT);
  const data = load<u32>(slot, CTE_DATA);
  // An endpoint capability with Write, and Grant or GrantReply (without either the caller would be left
  // Inactive: sendIPC's other case), to an endpoint where a receiver waits.
  const ep = window(obj - CAP_ENDPOINT_CAP);
  if (!isTag(obj, CAP_ENDPOINT_CAP)) {
    handleCallAt(slot);
    return;
  }
  if ((data & RIGHT_WRITE) == 0) {
    handleCallAt(slot);
    return;
  }
  if ((data & (RIGHT_GRANT | RIGHT_GRANT_REPLY)) == 0 || load<u32>(ep, EP_STATE) != EP_RECV) {
    handleCallAt(slot);
    return;
  }
  const dest = load<usize>(ep, EP_QUEUE_HEAD);
  // The receiver may run now in its own address space.
  if (!hasOwnVSpace(dest) || !partnerRunsNow(dest, load<i32>(cur, TCB_PRIORITY))) {
    handleCallAt(slot);
    return;
  }

  // ── No return: sendIPC's case of a waiting receiver, and setupCallerCap. ──
  // setupCallerCap has nothing to delete and nothing to relink here, as in seL4's fast path: the
  // caller's master reply capability is there (every thread that ever ran got one, from restartThread
  // or the root task's creation) and has no child (one exists only while its thread waits for a reply;
  // this one is running), and the receiver's caller slot is empty (it emptied it when it began to
  // receive, and nothing but a Call it receives fills it). No invocation reaches a TCB's own slots.
  // DebugSelfCheck checks all three (kernel/debug/selfcheck.ts checkReplySlots).
  const next = load<usize>(dest, TCB_EP_NEXT);
  store<usize>(ep, next, EP_QUEUE_HEAD);
  if (next != 0) {
    store<usize>(next, 0, TCB_EP_PREV);
  } else {
    store<usize>(ep, 0, EP_QUEUE_TAIL);
    store<u32>(ep, EP_IDLE, EP_STATE);
  }
  store<usize>(dest, 0, TCB_EP_NEXT);
  store<u32>(cur, ThreadState.BlockedOnReply, TCB_STATE);
  // The reply capability (replyCap: not the master, with Grant if the receiver's capability had it), right
  // after the master in the derivation list, neither revocable nor first badged (isCapRevocable's answer).
  const replySlot = tcbSlot(cur, TCB_REPLY);
  const callerSlot = tcbSlot(dest, TCB_CALLER);
  store<u32>(callerSlot, replyCapData(false, (load<u32>(dest, TCB_BLOCKING_FLAGS) & TCB_BLOCKING_CAN_GRANT) != 0), CTE_DATA);
  store<u32>(callerSlot, replyCapObject(<u32>(cur - TCB_THREAD_OFFSET - KERNEL_VBASE)), CTE_OBJECT); // names the TCB object
  store<u32>(callerSlot, <u32>replySlot, CTE_MDB_PREV);
  store<u32>(callerSlot, 0, CTE_MDB_NEXT);
  store<u32>(replySlot, <u32>callerSlot, CTE_MDB_NEXT);
  callsTaken++;
  deliverAndSwitch(cur, dest, data >>> 4);
}

// ── ReplyRecv ────────────────────────────────────────────────────────

/**
 * seL4's fastpath_reply_recv: the current thread answers the caller its
 * tcbCaller slot names and waits on an endpoint where no sender waits;
 * the caller gets the reply and runs. Anything else is handleSyscall's.
 */
export function fastpathReplyRecv(): void {
  const cur = currentThread();
  pathEnter(PathKind.Syscall, SYS_REPLY_RECV);
  if (!shortMessageNoFault(cur)) {
    handleSyscall();
    return;
  }
  if (!rootResolvesInOneLevel(cur)) {
    handleSyscall();
    return;
  }
  const slot = invokedSlot(cur);
  const obj = load<u32>(slot, CTE_OBJECT);
  const data = load<u32>(slot, CTE_DATA);
  const ep = window(obj - CAP_ENDPOINT_CAP);
  const ntfn = load<u32>(cur, TCB_BOUND_NTFN);
  // An endpoint capability with Read, to an endpoint where no sender waits (receiveIPC would take its
  // message), and no signal waiting on a bound notification (receiveIPC would take that first).
  if (!isTag(obj, CAP_ENDPOINT_CAP) || (data & RIGHT_READ) == 0 || load<u32>(ep, EP_STATE) == EP_SEND ||
      (ntfn != 0 && ntfnState(window(ntfn)) == NTFN_ACTIVE)) {
    handleSyscall();
    return;
  }
  // A reply capability (not the master) in the caller slot, the last in its derivation list (cteDelete
  // then only unlinks it), to a caller with no fault waiting (a fault reply restarts it instead) that
  // may run now in its own address space.
  const callerSlot = tcbSlot(cur, TCB_CALLER);
  const replyObj = load<u32>(callerSlot, CTE_OBJECT);
  const caller = window(replyObj - CAP_REPLY_CAP) + TCB_THREAD_OFFSET;
  if (!isTag(replyObj, CAP_REPLY_CAP) || replyIsMaster(callerSlot) || load<u32>(callerSlot, CTE_MDB_NEXT) != 0 ||
      load<u32>(caller, TCB_FAULT) != seL4_Fault_NullFault || !hasOwnVSpace(caller) ||
      !partnerRunsNow(caller, load<i32>(cur, TCB_PRIORITY))) {
    handleSyscall();
    return;
  }

  // ── No return: doReplyTransfer's case of a caller without a fault, then receiveIPC's blocking case. ──
  store<u32>(<usize>(load<u32>(callerSlot, CTE_MDB_PREV) & 0xFFFFFFF0), 0, CTE_MDB_NEXT); // the master's
  store<u32>(callerSlot, 0, CTE_DATA);
  store<u32>(callerSlot, 0, CTE_OBJECT);
  store<u32>(callerSlot, 0, CTE_MDB_PREV);
  store<u32>(callerSlot, 0, CTE_MDB_NEXT);
  store<u32>(cur, ThreadState.BlockedOnReceive, TCB_STATE);
  store<usize>(cur, ep, TCB_BLOCKING_OBJECT);
  store<u32>(cur, (data & RIGHT_GRANT) != 0 ? TCB_BLOCKING_CAN_GRANT : 0, TCB_BLOCKING_FLAGS);
  const tail = load<usize>(ep, EP_QUEUE_TAIL);
  store<usize>(cur, tail, TCB_EP_PREV);
  store<usize>(cur, 0, TCB_EP_NEXT);
  if (tail == 0) store<usize>(ep, cur, EP_QUEUE_HEAD);
  else store<usize>(tail, cur, TCB_EP_NEXT);
  store<usize>(ep, cur, EP_QUEUE_TAIL);
  store<u32>(ep, EP_RECV, EP_STATE);
  replyRecvsTaken++;
  deliverAndSwitch(cur, caller, 0);
}
