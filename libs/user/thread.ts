// libs/user/thread.ts: threads a program starts in its own address space.
//
// Owns: the thread area (libs/abi/layout.def.ts USER_THREADS: 4 MiB at
// THREAD_AREA_BASE under one page table, a 64 KiB area per thread: an
// unmapped guard page, THREAD_STACK_PAGES of stack, then the page with
// the thread's IPC buffer and its control words, TLS_BLOCK), and making
// a thread there from the caller's untyped memory with seL4 invocations:
// a TCB and frames retyped, the frames mapped, the control words written
// (thread pointer, IPC buffer), the TCB configured (fault endpoint,
// CSpace, VSpace, IPC buffer) and given a priority, and its registers
// (the TLS base among them) written so that it starts in build/rt/user-rt.c's
// user_thread_start, which calls the program's exported
// `threadMain(kind, arg)` and suspends the thread when it returns.
// Every call returns the seL4 error of the first invocation that failed
// (seL4_NoError if none).
// Must not: be used by two threads at once (one register block for
// WriteRegisters), or allocate.

import {
  seL4_NoError, seL4_RangeError, OBJ_TCB, OBJ_X86_4K, OBJ_X86_PAGE_TABLE, seL4_X86_Default_VMAttributes,
  CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT,
  USER_CONTEXT_SIZE, USER_CONTEXT_EIP, USER_CONTEXT_ESP, USER_CONTEXT_EFLAGS, USER_CONTEXT_EBX, USER_CONTEXT_ESI,
  USER_CONTEXT_EDI, USER_CONTEXT_GS_BASE,
} from "../abi/sel4.gen";
import {
  THREAD_AREA_BASE, THREAD_AREA_PAGES, THREAD_MAX, THREAD_STACK_PAGES, THREAD_IPC_BUFFER_PAGE, THREAD_TLS_OFFSET,
  TLS_SELF, TLS_IPC_BUFFER,
} from "../abi/layout.gen";
import { PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import {
  seL4_Untyped_Retype, seL4_X86_PageTable_Map, seL4_X86_Page_Map, seL4_TCB_Configure, seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters, seL4_TCB_Resume,
} from "./invocations.gen";

// @ts-ignore: decorator
@external("x86", "threadStartAddress") declare function threadStartAddress(): u32;

/** Slots one thread takes, from its first: the TCB, then its IPC-buffer frame and stack frames. */
// @ts-ignore: decorator
@inline export const THREAD_SLOTS: u32 = 2 + THREAD_STACK_PAGES;

/** EFLAGS a new thread starts with: IF and the reserved bit. */
// @ts-ignore: decorator
@inline const START_EFLAGS: u32 = 0x202;

// @ts-ignore: decorator
@inline const RIGHTS_RW: u32 = (<u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);

const context = memory.data(<i32>USER_CONTEXT_SIZE, 4);

/** Where thread `index`'s area starts. */
// @ts-ignore: decorator
@inline export function threadArea(index: u32): u32 {
  return THREAD_AREA_BASE + index * THREAD_AREA_PAGES * PAGE_SIZE;
}

/** Thread `index`'s IPC buffer (the start of its buffer page). */
// @ts-ignore: decorator
@inline export function threadIpcBufferAt(index: u32): u32 {
  return threadArea(index) + THREAD_IPC_BUFFER_PAGE * PAGE_SIZE;
}

/**
 * The page table under the thread area: retyped from `untyped` into slot
 * `ptSlot` of `cnode` (the caller's CNode, named by depth 0) and mapped
 * into `vspace`. Once per address space, before threadCreate.
 */
export function threadAreaInit(untyped: u32, cnode: u32, vspace: u32, ptSlot: u32): u32 {
  const err = seL4_Untyped_Retype(untyped, OBJ_X86_PAGE_TABLE, 0, cnode, 0, 0, ptSlot, 1);
  if (err != seL4_NoError) return err;
  return seL4_X86_PageTable_Map(ptSlot, vspace, THREAD_AREA_BASE, seL4_X86_Default_VMAttributes);
}

/**
 * Makes thread `index` (below THREAD_MAX) in slots `first` ..
 * first + THREAD_SLOTS - 1 of `cnode` (its TCB in `first`), in the
 * caller's CSpace `cnode` and VSpace `vspace`, with `faultEp` as its fault
 * endpoint (a CPtr in that CSpace; 0 for none) and `priority` (allowed by
 * the TCB `authority`). It is not resumed: threadResume starts it, at
 * threadMain(kind, arg).
 */
export function threadCreate(untyped: u32, cnode: u32, vspace: u32, first: u32, index: u32, kind: i32, arg: u32,
                             priority: u32, authority: u32, faultEp: u32): u32 {
  if (index >= THREAD_MAX) return seL4_RangeError;
  const tcb = first;
  let err = seL4_Untyped_Retype(untyped, OBJ_TCB, 0, cnode, 0, 0, tcb, 1);
  if (err != seL4_NoError) return err;
  err = seL4_Untyped_Retype(untyped, OBJ_X86_4K, 0, cnode, 0, 0, first + 1, 1 + THREAD_STACK_PAGES);
  if (err != seL4_NoError) return err;
  const area = threadArea(index);
  const ipc = threadIpcBufferAt(index);
  err = seL4_X86_Page_Map(first + 1, vspace, ipc, RIGHTS_RW, seL4_X86_Default_VMAttributes);
  if (err != seL4_NoError) return err;
  for (let i: u32 = 0; i < THREAD_STACK_PAGES; i++) {
    err = seL4_X86_Page_Map(first + 2 + i, vspace, area + (1 + i) * PAGE_SIZE, RIGHTS_RW, seL4_X86_Default_VMAttributes);
    if (err != seL4_NoError) return err;
  }
  // The control words, below the thread pointer (its own address).
  const block = ipc + THREAD_TLS_OFFSET;
  const self = block + TLS_SELF;
  store<u32>(self, self);
  store<u32>(block + TLS_IPC_BUFFER, ipc);
  err = seL4_TCB_Configure(tcb, faultEp, cnode, 0, vspace, 0, ipc, first + 1);
  if (err != seL4_NoError) return err;
  err = seL4_TCB_SetSchedParams(tcb, authority, priority, priority);
  if (err != seL4_NoError) return err;
  memory.fill(context, 0, USER_CONTEXT_SIZE);
  store<u32>(context + USER_CONTEXT_EIP, threadStartAddress());
  store<u32>(context + USER_CONTEXT_ESP, area + (1 + THREAD_STACK_PAGES) * PAGE_SIZE); // the top of its stack, 16-byte aligned
  store<u32>(context + USER_CONTEXT_EFLAGS, START_EFLAGS);
  store<u32>(context + USER_CONTEXT_EBX, <u32>kind);
  store<u32>(context + USER_CONTEXT_EDI, arg);
  store<u32>(context + USER_CONTEXT_ESI, tcb);
  store<u32>(context + USER_CONTEXT_GS_BASE, self); // the TLS base: WriteRegisters sets it with the rest
  return seL4_TCB_WriteRegisters(tcb, false, 0, <u32>USER_CONTEXT_SIZE >> 2, context);
}

/** Starts a thread made by threadCreate (its TCB capability). */
export function threadResume(tcb: u32): u32 {
  return seL4_TCB_Resume(tcb);
}
