// libs/user/ipc.ts: seL4's system calls, IPC buffer and message info, as libsel4 gives them on ia32.
//
// Owns: the calling thread's IPC buffer address (one module global, set
// once with setIpcBuffer; the root task takes it from BootInfo, see
// bootinfo.ts), the message-register and extra-cap accessors, the message
// info word, and one function per seL4 system call (Send, NBSend, Call,
// Recv, Reply, ReplyRecv, NBRecv, Yield, and the debug and benchmark
// calls), in seL4's ia32 register convention (DESIGN.md, "seL4 ia32 ABI
// facts"): EAX the number, EBX the capability or badge, ESI the message
// info, EDI and EBP MR0 and MR1, MR2 and up in the IPC buffer. After a call
// that receives, MR0 and MR1 are copied from the registers into the IPC
// buffer, as libsel4's seL4_Call/seL4_Recv do. It also holds invoke(), the
// Call behind every generated invocation wrapper (invocations.gen.ts),
// which keeps the reply's MR0/MR1 in a local copy as libsel4's
// seL4_CallWithMRs stubs do.
// Must not: allocate, write a system call number or label literal (every
// number comes from libs/abi), or touch memory other than the IPC buffer
// and what a caller passes.
// see: seL4/seL4 libsel4/sel4_arch_include/ia32/sel4/sel4_arch/syscalls.h,
// libsel4/include/sel4/functions.h, libsel4/tools/syscall_stub_gen.py.

import {
  SYS_CALL, SYS_SEND, SYS_NB_SEND, SYS_RECV, SYS_NB_RECV, SYS_REPLY, SYS_REPLY_RECV, SYS_YIELD,
  SYS_DEBUG_PUT_CHAR, SYS_DEBUG_HALT, SYS_DEBUG_DUMP_SCHEDULER, SYS_DEBUG_CAP_IDENTIFY, SYS_DEBUG_SNAPSHOT,
  SYS_DEBUG_NAME_THREAD, SYS_SET_TLS_BASE, SYS_BENCHMARK_NULL_SYSCALL,
  IPC_BUFFER_MSG, IPC_BUFFER_MSG_COUNT, IPC_BUFFER_USER_DATA, IPC_BUFFER_CAPS_OR_BADGES,
  IPC_BUFFER_RECEIVE_CNODE, IPC_BUFFER_RECEIVE_INDEX, IPC_BUFFER_RECEIVE_DEPTH,
  MSGINFO_LABEL_SHIFT, MSGINFO_LABEL_MASK, MSGINFO_CAPS_UNWRAPPED_SHIFT, MSGINFO_CAPS_UNWRAPPED_MASK,
  MSGINFO_EXTRA_CAPS_SHIFT, MSGINFO_EXTRA_CAPS_MASK, MSGINFO_LENGTH_SHIFT, MSGINFO_LENGTH_MASK,
  seL4_NoError, seL4_WordSizeBits,
} from "../abi/sel4.gen";
import { syscall, sysRegs, threadIpcBuffer, threadBlock, REG_EBX, REG_ESI, REG_EDI, REG_EBP } from "./syscall";
import { TLS_IPC_BUFFER } from "../abi/layout.gen";

// ── The IPC buffer ────────────────────────────────────────────────────────

/**
 * The calling thread's IPC buffer address lives in its control words
 * (libs/abi/layout.def.ts TLS_BLOCK), as libsel4's __sel4_ipc_buffer is a
 * TLS variable. A program's first thread starts with USER_IPC_BUFFER
 * there (build/rt/user-rt.c), where the process builder maps it; the root
 * task takes its own from BootInfo (bootinfo.ts initFromBootInfo), and
 * libs/user/thread.ts sets each thread's.
 */
// @ts-ignore: decorator
@inline function ipcBuffer(): usize {
  return threadIpcBuffer();
}

/** Sets the calling thread's IPC buffer address (once, before any call that uses MRs). */
export function setIpcBuffer(addr: usize): void {
  store<u32>(threadBlock() + TLS_IPC_BUFFER, <u32>addr);
}

/** The calling thread's IPC buffer address. */
export function seL4_GetIPCBuffer(): usize {
  return ipcBuffer();
}

// @ts-ignore: decorator
@inline function msgAddress(i: i32): usize {
  return ipcBuffer() + IPC_BUFFER_MSG + (<usize>i << seL4_WordSizeBits);
}

/** Message register i (0 .. IPC_BUFFER_MSG_COUNT - 1), from the IPC buffer. */
export function seL4_GetMR(i: i32): u32 {
  return load<u32>(msgAddress(i));
}

/** Sets message register i in the IPC buffer. */
export function seL4_SetMR(i: i32, value: u32): void {
  store<u32>(msgAddress(i), value);
}

/** The IPC buffer's userData word (libsel4 keeps the buffer's own address there). */
export function seL4_GetUserData(): u32 {
  return load<u32>(ipcBuffer() + IPC_BUFFER_USER_DATA);
}

export function seL4_SetUserData(value: u32): void {
  store<u32>(ipcBuffer() + IPC_BUFFER_USER_DATA, value);
}

/** Sets extra capability i (caps_or_badges[i]) of the next message to send. */
export function seL4_SetCap(i: i32, cptr: u32): void {
  store<u32>(ipcBuffer() + IPC_BUFFER_CAPS_OR_BADGES + (<usize>i << seL4_WordSizeBits), cptr);
}

/** caps_or_badges[i]: an extra capability to send, or a received capability's badge. */
export function seL4_GetBadge(i: i32): u32 {
  return load<u32>(ipcBuffer() + IPC_BUFFER_CAPS_OR_BADGES + (<usize>i << seL4_WordSizeBits));
}

/** Where a received capability goes: CNode `root`, slot `index` resolved with `depth` bits. */
export function seL4_SetCapReceivePath(root: u32, index: u32, depth: u32): void {
  store<u32>(ipcBuffer() + IPC_BUFFER_RECEIVE_CNODE, root);
  store<u32>(ipcBuffer() + IPC_BUFFER_RECEIVE_INDEX, index);
  store<u32>(ipcBuffer() + IPC_BUFFER_RECEIVE_DEPTH, depth);
}

// ── The message info word ─────────────────────────────────────────────────

/** seL4_MessageInfo_new: the word in ESI (each field masked to its width). */
export function seL4_MessageInfo_new(label: u32, capsUnwrapped: u32, extraCaps: u32, length: u32): u32 {
  return ((label & MSGINFO_LABEL_MASK) << MSGINFO_LABEL_SHIFT)
    | ((capsUnwrapped & MSGINFO_CAPS_UNWRAPPED_MASK) << MSGINFO_CAPS_UNWRAPPED_SHIFT)
    | ((extraCaps & MSGINFO_EXTRA_CAPS_MASK) << MSGINFO_EXTRA_CAPS_SHIFT)
    | ((length & MSGINFO_LENGTH_MASK) << MSGINFO_LENGTH_SHIFT);
}

export function seL4_MessageInfo_get_label(info: u32): u32 {
  return (info >> MSGINFO_LABEL_SHIFT) & MSGINFO_LABEL_MASK;
}

export function seL4_MessageInfo_get_capsUnwrapped(info: u32): u32 {
  return (info >> MSGINFO_CAPS_UNWRAPPED_SHIFT) & MSGINFO_CAPS_UNWRAPPED_MASK;
}

export function seL4_MessageInfo_get_extraCaps(info: u32): u32 {
  return (info >> MSGINFO_EXTRA_CAPS_SHIFT) & MSGINFO_EXTRA_CAPS_MASK;
}

export function seL4_MessageInfo_get_length(info: u32): u32 {
  return (info >> MSGINFO_LENGTH_SHIFT) & MSGINFO_LENGTH_MASK;
}

// ── System calls ──────────────────────────────────────────────────────────

// After a call that receives: MR0/MR1 from EDI/EBP into the IPC buffer,
// the badge (EBX) to *sender when sender is not 0; returns the info (ESI).
function received(sender: usize): u32 {
  const regs = sysRegs();
  seL4_SetMR(0, load<u32>(regs, REG_EDI));
  seL4_SetMR(1, load<u32>(regs, REG_EBP));
  if (sender != 0) store<u32>(sender, load<u32>(regs, REG_EBX));
  return load<u32>(regs, REG_ESI);
}

/** Send (blocking) to an endpoint or signal a notification; MR0/MR1 from the IPC buffer. */
export function seL4_Send(dest: u32, info: u32): void {
  syscall(SYS_SEND, dest, info, seL4_GetMR(0), seL4_GetMR(1));
}

/** Send without blocking: dropped if no receiver waits. */
export function seL4_NBSend(dest: u32, info: u32): void {
  syscall(SYS_NB_SEND, dest, info, seL4_GetMR(0), seL4_GetMR(1));
}

/** Signal a notification (a Send of an empty message). */
export function seL4_Signal(dest: u32): void {
  syscall(SYS_SEND, dest, seL4_MessageInfo_new(0, 0, 0, 0), 0, 0);
}

/** Send and wait for the reply; returns the reply's info, its MR0/MR1 land in the IPC buffer. */
export function seL4_Call(dest: u32, info: u32): u32 {
  syscall(SYS_CALL, dest, info, seL4_GetMR(0), seL4_GetMR(1));
  return received(0);
}

/** Wait on an endpoint or notification; the badge goes to *sender (if sender != 0). */
export function seL4_Recv(src: u32, sender: usize): u32 {
  syscall(SYS_RECV, src, 0, 0, 0);
  return received(sender);
}

/** Poll an endpoint or notification without blocking. */
export function seL4_NBRecv(src: u32, sender: usize): u32 {
  syscall(SYS_NB_RECV, src, 0, 0, 0);
  return received(sender);
}

/** seL4_Wait (non-MCS): the same as seL4_Recv. */
export function seL4_Wait(src: u32, sender: usize): u32 {
  return seL4_Recv(src, sender);
}

/** seL4_Poll (non-MCS): the same as seL4_NBRecv. */
export function seL4_Poll(src: u32, sender: usize): u32 {
  return seL4_NBRecv(src, sender);
}

// The *WithMRs forms (libsel4 ia32): MR0 and MR1 travel in registers, taken
// from and written back through the given addresses (0: not used, 0 sent)
// instead of the IPC buffer.

// @ts-ignore: decorator
@inline function mrIn(p: usize): u32 { return p == 0 ? 0 : load<u32>(p); }
// @ts-ignore: decorator
@inline function mrOut(p: usize, v: u32): void { if (p != 0) store<u32>(p, v); }

/** seL4_SendWithMRs: Send with MR0/MR1 from *mr0, *mr1. */
export function seL4_SendWithMRs(dest: u32, info: u32, mr0: usize, mr1: usize): void {
  syscall(SYS_SEND, dest, info, mrIn(mr0), mrIn(mr1));
}

/** seL4_NBSendWithMRs: NBSend with MR0/MR1 from *mr0, *mr1. */
export function seL4_NBSendWithMRs(dest: u32, info: u32, mr0: usize, mr1: usize): void {
  syscall(SYS_NB_SEND, dest, info, mrIn(mr0), mrIn(mr1));
}

/** seL4_CallWithMRs: Call with MR0/MR1 from *mr0, *mr1; the reply's MR0/MR1 go back there. Returns the reply's info. */
export function seL4_CallWithMRs(dest: u32, info: u32, mr0: usize, mr1: usize): u32 {
  syscall(SYS_CALL, dest, info, mrIn(mr0), mrIn(mr1));
  const regs = sysRegs();
  mrOut(mr0, load<u32>(regs, REG_EDI));
  mrOut(mr1, load<u32>(regs, REG_EBP));
  return load<u32>(regs, REG_ESI);
}

/** seL4_ReplyWithMRs: Reply with MR0/MR1 from *mr0, *mr1. */
export function seL4_ReplyWithMRs(info: u32, mr0: usize, mr1: usize): void {
  syscall(SYS_REPLY, 0, info, mrIn(mr0), mrIn(mr1));
}

/** seL4_RecvWithMRs: Recv; the badge goes to *sender, MR0/MR1 to *mr0, *mr1 (not to the IPC buffer). */
export function seL4_RecvWithMRs(src: u32, sender: usize, mr0: usize, mr1: usize): u32 {
  syscall(SYS_RECV, src, 0, 0, 0);
  const regs = sysRegs();
  mrOut(sender, load<u32>(regs, REG_EBX));
  mrOut(mr0, load<u32>(regs, REG_EDI));
  mrOut(mr1, load<u32>(regs, REG_EBP));
  return load<u32>(regs, REG_ESI);
}

/** Reply to the last caller (non-MCS reply slot). */
export function seL4_Reply(info: u32): void {
  syscall(SYS_REPLY, 0, info, seL4_GetMR(0), seL4_GetMR(1));
}

/** Reply to the last caller, then wait on src; returns the new message's info. */
export function seL4_ReplyRecv(src: u32, info: u32, sender: usize): u32 {
  syscall(SYS_REPLY_RECV, src, info, seL4_GetMR(0), seL4_GetMR(1));
  return received(sender);
}

/** Give up the rest of the time slice. */
export function seL4_Yield(): void {
  syscall(SYS_YIELD, 0, 0, 0, 0);
}

// ── Invocations (the Call behind invocations.gen.ts) ──────────────────────

/**
 * Invokes a kernel object: Call `service` with a message of `label`,
 * `extraCaps` capabilities (already in caps_or_badges) and `length`
 * words, MR0/MR1 passed here and MR2 and up already in the IPC buffer.
 * Returns the reply's label, the seL4 error code. The reply's info and
 * MR0/MR1 stay in the thread's register block for invocationReplyInfo()
 * and invocationReplyMR() until its next system call; on an error they
 * are also written to the IPC buffer, where the error's details are
 * (ERROR_MR_*), as libsel4's generated stubs do.
 */
export function invoke(service: u32, label: u32, extraCaps: u32, length: u32, mr0: u32, mr1: u32): u32 {
  syscall(SYS_CALL, service, seL4_MessageInfo_new(label, 0, extraCaps, length), mr0, mr1);
  const regs = sysRegs();
  const error = seL4_MessageInfo_get_label(load<u32>(regs, REG_ESI));
  if (error != seL4_NoError) {
    seL4_SetMR(0, load<u32>(regs, REG_EDI));
    seL4_SetMR(1, load<u32>(regs, REG_EBP));
  }
  return error;
}

/** The message info of the last invoke()'s reply. */
export function invocationReplyInfo(): u32 {
  return load<u32>(sysRegs(), REG_ESI);
}

/** Message register i of the last invoke()'s reply: MR0/MR1 from its registers, the rest from the IPC buffer. */
export function invocationReplyMR(i: i32): u32 {
  if (i == 0) return load<u32>(sysRegs(), REG_EDI);
  if (i == 1) return load<u32>(sysRegs(), REG_EBP);
  return seL4_GetMR(i);
}

// ── Debug and benchmark calls ─────────────────────────────────────────────

/** Print one character on the kernel console. */
export function seL4_DebugPutChar(c: u32): void {
  syscall(SYS_DEBUG_PUT_CHAR, c, 0, 0, 0);
}

/** Halt the machine. */
export function seL4_DebugHalt(): void {
  syscall(SYS_DEBUG_HALT, 0, 0, 0, 0);
}

/** Print the kernel's thread list. */
export function seL4_DebugDumpScheduler(): void {
  syscall(SYS_DEBUG_DUMP_SCHEDULER, 0, 0, 0, 0);
}

/** Ask for a capDL snapshot. */
export function seL4_DebugSnapshot(): void {
  syscall(SYS_DEBUG_SNAPSHOT, 0, 0, 0, 0);
}

/** The type tag (CAP_*) of the capability at `cap`, 0 if the slot is empty. */
export function seL4_DebugCapIdentify(cap: u32): u32 {
  syscall(SYS_DEBUG_CAP_IDENTIFY, cap, 0, 0, 0);
  return load<u32>(sysRegs(), REG_EBX);
}

/** Name the thread `tcb` after `n` bytes at `addr`: copied, NUL-terminated, into the IPC buffer's msg. */
export function seL4_DebugNameThreadBytes(tcb: u32, addr: usize, n: u32): void {
  const max: u32 = (IPC_BUFFER_MSG_COUNT << seL4_WordSizeBits) - 1;
  const m = n < max ? n : max;
  const dst = ipcBuffer() + IPC_BUFFER_MSG;
  memory.copy(dst, addr, m);
  store<u8>(dst + m, 0);
  syscall(SYS_DEBUG_NAME_THREAD, tcb, 0, 0, 0);
}

/** Name the thread `tcb` after `name` (Latin-1), as libsel4's seL4_DebugNameThread. */
export function seL4_DebugNameThread(tcb: u32, name: string): void {
  const max = <i32>(IPC_BUFFER_MSG_COUNT << seL4_WordSizeBits) - 1;
  const m = name.length < max ? name.length : max;
  const dst = ipcBuffer() + IPC_BUFFER_MSG;
  for (let i = 0; i < m; i++) store<u8>(dst + i, <u8>name.charCodeAt(i));
  store<u8>(dst + m, 0);
  syscall(SYS_DEBUG_NAME_THREAD, tcb, 0, 0, 0);
}

/** Set the calling thread's TLS base (the SetTLSBase system call, not the TCB invocation). */
export function seL4_SetTLSBase(base: u32): void {
  syscall(SYS_SET_TLS_BASE, base, 0, 0, 0);
}

/** The benchmark null system call: into the kernel and straight back. */
export function seL4_BenchmarkNullSyscall(): void {
  syscall(SYS_BENCHMARK_NULL_SYSCALL, 0, 0, 0, 0);
}

