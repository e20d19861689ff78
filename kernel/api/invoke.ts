// kernel/api/invoke.ts: a Call, Send or NBSend on a capability.
//
// Owns: seL4's handleInvocation for the calling thread: look the invoked
// capability up in the caller's CSpace (EBX, all 32 bits), read the
// message info (ESI), the message registers (MR0 EDI, MR1 EBP, the rest
// from the IPC buffer) and the extra capabilities (CPtrs in the buffer's
// caps_or_badges, each looked up the same way); decode; on success
// perform; and for a Call, reply: the message info in ESI (label = the
// error code, or 0), badge 0 in EBX, the reply's words in MR0, MR1 and
// the buffer. As in seL4, the caller is in the Restart state while the
// invocation runs: an endpoint send that blocks, a Call that waits for
// its reply, or a suspend of itself changes that; a kernel reply goes
// only to a caller still in Restart, which then runs on.
// A capability that cannot be looked up is a capability fault for a Call
// (blocking); a Send or NBSend ignores it, as in seL4. An invocation that
// stops at a preemption point is restarted: the thread's EIP goes back to
// its sysenter instruction (seL4 ia32: 2 bytes before the resume address),
// which the scheduler does for a thread left in Restart.
// Must not: trust any register or buffer word; every one is checked by a
// lookup or a decoder.
//
// see: seL4 src/api/syscall.c (handleInvocation), src/kernel/thread.c
// (replyFromKernel_*), facts only.

import { CTX_EBX, CTX_ESI, CTX_EDI, CTX_EBP, TCB_CTABLE, tcbSlot, tcbState, setTcbState, ThreadState } from "../object/tcb";
import { lookupSlot } from "../cspace/lookup";
import { capTag, CAP_ENDPOINT_CAP } from "../cspace/cte";
import { invocationBegin, invocationArgs, invocationAddExtraCap, INVOCATION_MAX_ARGS } from "./invocation";
import { buildErrorReply, replyInfo, replyWord } from "./reply";
import { decodeInvocation, performInvocation } from "./decode";
import { DeleteResult } from "../cspace/delete";
import { lookupIpcBuffer, setMR } from "./message";
import { capFault } from "./faults";
import { pathRefine, PathKind } from "../debug/path-stats";
import {
  seL4_NoError, seL4_MsgMaxLength, seL4_FastMessageRegisters, IPC_BUFFER_CAPS_OR_BADGES, IPC_BUFFER_MSG,
  MSGINFO_LABEL_SHIFT, MSGINFO_LABEL_MASK, MSGINFO_LENGTH_SHIFT, MSGINFO_LENGTH_MASK,
  MSGINFO_EXTRA_CAPS_SHIFT, MSGINFO_EXTRA_CAPS_MASK,
} from "../../libs/abi/sel4.gen";

/**
 * seL4's handleInvocation for thread `t`. `isCall`: reply to the caller;
 * `isBlocking`: a failed capability lookup is a fault (Call) rather than
 * silently dropped (Send, NBSend).
 */
export function handleInvocation(t: usize, isCall: bool, isBlocking: bool): void {
  const cptr = load<u32>(t, CTX_EBX);
  const slot = lookupSlot(tcbSlot(t, TCB_CTABLE), cptr);
  if (slot == 0) {
    if (isBlocking) capFault(t, cptr, false);
    return;
  }
  handleInvocationAt(t, slot, isCall, isBlocking);
}

/**
 * handleInvocation once the invoked capability's slot is known: lookupSlot
 * found `slot` for EBX (kernel/fastpath/fastpath.ts hands over a Call it
 * does not take with the slot its own lookup found, which is the same).
 */
export function handleInvocationAt(t: usize, slot: usize, isCall: bool, isBlocking: bool): void {
  const info = load<u32>(t, CTX_ESI);
  const root = tcbSlot(t, TCB_CTABLE);
  const buffer = lookupIpcBuffer(t, false);
  let length = (info >>> MSGINFO_LENGTH_SHIFT) & MSGINFO_LENGTH_MASK;
  if (length > seL4_MsgMaxLength) length = seL4_MsgMaxLength;
  if (length > seL4_FastMessageRegisters && buffer == 0) length = seL4_FastMessageRegisters;
  invocationBegin((info >>> MSGINFO_LABEL_SHIFT) & MSGINFO_LABEL_MASK, length);
  pathRefine(PathKind.Invocation, <i32>((info >>> MSGINFO_LABEL_SHIFT) & MSGINFO_LABEL_MASK));
  // The arguments: MR0 and MR1 from their registers, the rest straight from the buffer (through getMR and
  // invocationSetArg, with their checks per word, a 10-word Call paid about 100 instructions). Past MR1 there is a buffer: without
  // one the length was cut to seL4_FastMessageRegisters above. An endpoint's decoder reads no argument
  // (the message goes to the receiver from the registers and the buffer), so an IPC pays one tag test, not the copy.
  const copied = capTag(slot) == CAP_ENDPOINT_CAP ? 0 : length < <u32>INVOCATION_MAX_ARGS ? length : <u32>INVOCATION_MAX_ARGS;
  if (copied != 0) {
    const args = invocationArgs();
    store<u32>(args, load<u32>(t, CTX_EDI));
    if (copied > 1) {
      store<u32>(args, load<u32>(t, CTX_EBP), 4);
      for (let i: usize = 2; i < <usize>copied; i++) store<u32>(args + (i << 2), load<u32>(buffer + IPC_BUFFER_MSG + (i << 2)));
    }
  }
  // Extra capabilities travel only in a buffer; without one there are none.
  if (buffer != 0) {
    const extra = (info >>> MSGINFO_EXTRA_CAPS_SHIFT) & MSGINFO_EXTRA_CAPS_MASK;
    for (let i: u32 = 0; i < extra; i++) {
      const extraCptr = load<u32>(buffer + IPC_BUFFER_CAPS_OR_BADGES + (<usize>i << 2));
      const extraSlot = lookupSlot(root, extraCptr);
      if (extraSlot == 0) {
        if (isBlocking) capFault(t, extraCptr, false);
        return;
      }
      invocationAddExtraCap(extraSlot);
    }
  }

  if (decodeInvocation(slot) != seL4_NoError) {
    if (isCall) replyError(t);
    return;
  }
  // Running and Restart are both live and runnable: the state word alone changes (setThreadState would do no more).
  setTcbState(t, ThreadState.Restart);
  if (performInvocation(isBlocking, isCall) == DeleteResult.Preempted) return; // stays in Restart: runs again
  // An invocation may have blocked or stopped the caller: then there is no kernel reply.
  if (tcbState(t) == ThreadState.Restart) {
    if (isCall) reply(t, replyInfo);
    setTcbState(t, ThreadState.Running);
  }
}

/** The error reply for the decode that just failed. */
function replyError(t: usize): void {
  buildErrorReply();
  reply(t, replyInfo);
}

/**
 * Writes a reply from the kernel: its words (replyWord) to the caller's
 * message registers, then `info` with the length that reached the caller,
 * and badge 0.
 */
function reply(t: usize, info: u32): void {
  const n = (info >>> MSGINFO_LENGTH_SHIFT) & MSGINFO_LENGTH_MASK;
  let length: u32 = 0;
  if (n != 0) {
    const buffer = lookupIpcBuffer(t, true);
    for (let i: u32 = 0; i < n; i++) length = setMR(t, buffer, i, replyWord(<i32>i));
  }
  store<u32>(t, (info & ~(MSGINFO_LENGTH_MASK << MSGINFO_LENGTH_SHIFT)) | (length << MSGINFO_LENGTH_SHIFT), CTX_ESI);
  store<u32>(t, 0, CTX_EBX);
}
