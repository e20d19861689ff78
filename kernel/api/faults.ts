// kernel/api/faults.ts: faults, as messages to a thread's fault handler.
//
// Owns: the seL4 fault a thread is stopped by (kept in its TCB: the type
// and up to three words, and a capability fault's lookup failure), how
// each kind arises (a page fault, another CPU exception, an unknown
// system call, a capability that cannot be looked up), sending it as a
// Call to the thread's fault endpoint (seL4's sendFaultIPC: the handler's
// capability must be an endpoint with Write and Grant or GrantReply), the
// fault message in seL4's ia32 formats (setMRsFault, used by the transfer
// in kernel/api/transfer.ts), what the handler's reply does
// (handleFaultReply: a user exception or unknown syscall may set
// registers, and resumes the thread only with label 0; a page fault or
// capability fault always resumes it, running the faulting instruction
// again), and, when there is no handler to tell, today's report, after
// which the thread stays stopped (seL4's handleDoubleFault).
// A fault taken in a system call leaves the thread's context as an iret
// context whose EIP is the sysenter instruction (seL4's FaultIP), so the
// message, the handler and a restart all see one instruction pointer.
// Must not: decide who runs, or trust a fault handler's reply words
// (EFLAGS is sanitised as TCB_WriteRegisters does).
//
// see: seL4 reference manual, "Faults"; seL4 src/api/faults.c
// (setMRs_fault, handleFaultReply), src/kernel/faulthandler.c
// (handleFault, sendFaultIPC, handleDoubleFault), src/arch/x86/c_traps.c
// and src/arch/x86/kernel/vspace.c (VM fault words), facts only.

import {
  CTX_EAX, CTX_EBX, CTX_ECX, CTX_EDX, CTX_ESI, CTX_EDI, CTX_EBP, CTX_EIP, CTX_ESP, CTX_EFLAGS, CTX_VECTOR, VECTOR_SYSCALL,
  TCB_FAULT, TCB_LOOKUP_FAILURE, TCB_FAULT_HANDLER, TCB_FAULT_VECTOR, TCB_FAULT_ERROR, TCB_FAULT_ADDRESS, TCB_CTABLE,
  ThreadState, tcbSlot,
} from "../object/tcb";
import { lookupSlot, lookupFaultType, lookupFaultBitsLeft, lookupFaultBitsFound, lookupFaultGuardFound, lookupFaultName } from "../cspace/lookup";
import { capTag, capBadge, capRights, CAP_ENDPOINT_CAP, RIGHT_WRITE, RIGHT_GRANT, RIGHT_GRANT_REPLY } from "../cspace/cte";
import { sendIPC, endpointOf } from "../object/endpoint";
import { threadStop, keepEip, SYSENTER_LENGTH } from "../sched/scheduler";
import { lookupIpcBuffer, getMR, setMR } from "./message";
import { infoLength } from "./transfer";
import { sanitiseEflags } from "../arch/x86/context";
import { puts, putNewline, putLineStart } from "../console";
import { putHex, putDec32, putSigned } from "../lib/format";
import { putThreadName } from "../object/tcb-name";
import { exceptionName, FAULT_UNKNOWN_SYSCALL, FAULT_CAP } from "../trap";
import {
  seL4_Fault_NullFault, seL4_Fault_CapFault, seL4_Fault_UnknownSyscall, seL4_Fault_UserException, seL4_Fault_VMFault,
  seL4_CapFault_IP, seL4_CapFault_Addr, seL4_CapFault_InRecvPhase, seL4_CapFault_LookupFailureType,
  seL4_VMFault_IP, seL4_VMFault_Addr, seL4_VMFault_PrefetchFault, seL4_VMFault_FSR,
  seL4_UnknownSyscall_Syscall, seL4_UserException_Number, seL4_UserException_Code,
  seL4_MissingCapability, seL4_DepthMismatch, seL4_GuardMismatch, MSGINFO_LABEL_SHIFT, MSGINFO_LABEL_MASK,
} from "../../libs/abi/sel4.gen";

// The fault words in the TCB (TCB_FAULT): type, then by type:
//   CapFault        address, inReceivePhase (the lookup failure is at TCB_LOOKUP_FAILURE)
//   UnknownSyscall  the system call number
//   UserException   the vector, the error code
//   VMFault         the address (CR2), the page-fault error code, 1 for an instruction fetch
// @ts-ignore: decorator
@inline const FAULT_W0: usize = TCB_FAULT + 4;
// @ts-ignore: decorator
@inline const FAULT_W1: usize = TCB_FAULT + 8;
// @ts-ignore: decorator
@inline const FAULT_W2: usize = TCB_FAULT + 12;

// @ts-ignore: decorator
@inline const SYSCALL_MESSAGE_WORDS: u32 = 10;
// @ts-ignore: decorator
@inline const EXCEPTION_MESSAGE_WORDS: u32 = 3;

/**
 * The context offset of word `i` of a fault message that carries
 * registers: seL4_UnknownSyscall_Msg (EAX, EBX, ECX, EDX, ESI, EDI, EBP,
 * FaultIP, SP, FLAGS) or, with `exception`, seL4_UserException_Msg
 * (FaultIP, SP, FLAGS).
 */
function messageRegister(exception: bool, i: u32): usize {
  if (exception) i += 7;
  switch (i) {
    case 0: return CTX_EAX;
    case 1: return CTX_EBX;
    case 2: return CTX_ECX;
    case 3: return CTX_EDX;
    case 4: return CTX_ESI;
    case 5: return CTX_EDI;
    case 6: return CTX_EBP;
    case 7: return CTX_EIP;
    case 8: return CTX_ESP;
    default: return CTX_EFLAGS;
  }
}
// @ts-ignore: decorator
@inline const VECTOR_PAGE_FAULT: u32 = 14;

/** The seL4 fault type `t` waits with (seL4_Fault_NullFault: none). */
// @ts-ignore: decorator
@inline export function faultType(t: usize): u32 {
  return load<u32>(t, TCB_FAULT);
}

export function clearFault(t: usize): void {
  store<u32>(t, seL4_Fault_NullFault, TCB_FAULT);
}

function setFault(t: usize, type: u32, w0: u32, w1: u32, w2: u32): void {
  store<u32>(t, type, TCB_FAULT);
  store<u32>(t, w0, FAULT_W0);
  store<u32>(t, w1, FAULT_W1);
  store<u32>(t, w2, FAULT_W2);
}

/** What the report says: the vector (or FAULT_*), the error code, and an address. */
function setReport(t: usize, vector: u32, error: u32, address: u32): void {
  store<u32>(t, vector, TCB_FAULT_VECTOR);
  store<u32>(t, error, TCB_FAULT_ERROR);
  store<u32>(t, address, TCB_FAULT_ADDRESS);
}

/**
 * A fault in a system call: the context becomes an iret context at the
 * sysenter instruction (seL4's FaultIP), which a restart runs again.
 */
function faultInSyscall(t: usize): void {
  if (load<u32>(t, CTX_VECTOR) != VECTOR_SYSCALL) return;
  keepEip(t);
  store<u32>(t, load<u32>(t, CTX_EIP) - SYSENTER_LENGTH, CTX_EIP);
}

// ── Where faults come from ───────────────────────────────────────────

/** A CPU exception in user mode (not #NM, which is the lazy FPU switch): a VM fault for #PF, a user exception otherwise. */
export function handleUserException(t: usize, vector: u32, error: u32, cr2: u32): void {
  if (vector == VECTOR_PAGE_FAULT) {
    setReport(t, vector, error, cr2);
    setFault(t, seL4_Fault_VMFault, cr2, error, (error >>> 4) & 1); // error bit 4: instruction fetch
  } else {
    setReport(t, vector, error, 0);
    setFault(t, seL4_Fault_UserException, vector, error, 0);
  }
  handleFault(t);
}

/** A system call number the kernel does not know. */
export function handleUnknownSyscall(t: usize, number: u32): void {
  faultInSyscall(t);
  setReport(t, FAULT_UNKNOWN_SYSCALL, number, 0);
  setFault(t, seL4_Fault_UnknownSyscall, number, 0, 0);
  handleFault(t);
}

/**
 * A capability fault: `cptr` could not be looked up for a system call
 * that needed it (the lookup failure is the one kernel/cspace/lookup.ts
 * holds now).
 */
export function capFault(t: usize, cptr: u32, inReceivePhase: bool): void {
  faultInSyscall(t);
  setReport(t, FAULT_CAP, 0, cptr);
  setFault(t, seL4_Fault_CapFault, cptr, inReceivePhase ? 1 : 0, 0);
  store<u32>(t, lookupFaultType, TCB_LOOKUP_FAILURE);
  store<u32>(t, lookupFaultBitsLeft, TCB_LOOKUP_FAILURE + 4);
  store<u32>(t, lookupFaultType == seL4_GuardMismatch ? lookupFaultGuardFound : lookupFaultBitsFound, TCB_LOOKUP_FAILURE + 8);
  store<u32>(t, lookupFaultBitsFound, TCB_LOOKUP_FAILURE + 12);
  handleFault(t);
}

// ── Telling the handler ──────────────────────────────────────────────

/** seL4's handleFault: the fault goes to the handler, or (without one) the thread is reported and stays stopped. */
function handleFault(t: usize): void {
  if (sendFaultIPC(t)) return;
  reportUnhandled(t);
  clearFault(t); // seL4 keeps a fault only while it is being handled
  threadStop(t, ThreadState.Faulted);
}

/** seL4's sendFaultIPC: a Call on the fault endpoint named by the thread's fault handler CPtr, in its own CSpace. */
function sendFaultIPC(t: usize): bool {
  const slot = lookupSlot(tcbSlot(t, TCB_CTABLE), load<u32>(t, TCB_FAULT_HANDLER));
  if (slot == 0 || capTag(slot) != CAP_ENDPOINT_CAP) return false;
  const rights = capRights(slot);
  if ((rights & RIGHT_WRITE) == 0 || (rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY)) == 0) return false;
  sendIPC(true, true, capBadge(slot), (rights & RIGHT_GRANT) != 0, true, t, endpointOf(slot));
  return true;
}

/**
 * seL4's setMRs_fault: the message `receiver` gets for `sender`'s fault,
 * in its MR0/MR1 registers and IPC buffer (`buffer`, 0 if none: then only
 * two words arrive). Returns the message length.
 */
export function setMRsFault(sender: usize, receiver: usize, buffer: usize): u32 {
  switch (faultType(sender)) {
    case seL4_Fault_CapFault: {
      setMR(receiver, buffer, seL4_CapFault_IP, load<u32>(sender, CTX_EIP));
      setMR(receiver, buffer, seL4_CapFault_Addr, load<u32>(sender, FAULT_W0));
      setMR(receiver, buffer, seL4_CapFault_InRecvPhase, load<u32>(sender, FAULT_W1));
      return setMRsLookupFailure(sender, receiver, buffer, seL4_CapFault_LookupFailureType);
    }
    case seL4_Fault_UnknownSyscall: {
      copyMRsFault(sender, receiver, buffer, false, SYSCALL_MESSAGE_WORDS);
      return setMR(receiver, buffer, seL4_UnknownSyscall_Syscall, load<u32>(sender, FAULT_W0));
    }
    case seL4_Fault_UserException: {
      copyMRsFault(sender, receiver, buffer, true, EXCEPTION_MESSAGE_WORDS);
      setMR(receiver, buffer, seL4_UserException_Number, load<u32>(sender, FAULT_W0));
      return setMR(receiver, buffer, seL4_UserException_Code, load<u32>(sender, FAULT_W1));
    }
    case seL4_Fault_VMFault: {
      setMR(receiver, buffer, seL4_VMFault_IP, load<u32>(sender, CTX_EIP));
      setMR(receiver, buffer, seL4_VMFault_Addr, load<u32>(sender, FAULT_W0));
      setMR(receiver, buffer, seL4_VMFault_PrefetchFault, load<u32>(sender, FAULT_W2));
      return setMR(receiver, buffer, seL4_VMFault_FSR, load<u32>(sender, FAULT_W1));
    }
    default:
      return 0;
  }
}

/** seL4's setMRs_lookup_failure from MR `offset`: the type, then its details. Returns the length. */
function setMRsLookupFailure(sender: usize, receiver: usize, buffer: usize, offset: u32): u32 {
  const type = load<u32>(sender, TCB_LOOKUP_FAILURE);
  let n = setMR(receiver, buffer, offset, type);
  if (type == seL4_MissingCapability) {
    n = setMR(receiver, buffer, offset + 1, load<u32>(sender, TCB_LOOKUP_FAILURE + 4));
  } else if (type == seL4_DepthMismatch) {
    setMR(receiver, buffer, offset + 1, load<u32>(sender, TCB_LOOKUP_FAILURE + 4));
    n = setMR(receiver, buffer, offset + 2, load<u32>(sender, TCB_LOOKUP_FAILURE + 8));
  } else if (type == seL4_GuardMismatch) {
    setMR(receiver, buffer, offset + 1, load<u32>(sender, TCB_LOOKUP_FAILURE + 4));
    setMR(receiver, buffer, offset + 2, load<u32>(sender, TCB_LOOKUP_FAILURE + 8));
    n = setMR(receiver, buffer, offset + 3, load<u32>(sender, TCB_LOOKUP_FAILURE + 12));
  }
  return n;
}

/**
 * seL4's copyMRsFault: registers of the sender, in message order, to the
 * receiver's message registers. A fault's context is never a sysenter
 * context (faultInSyscall), so EFLAGS is what the thread ran with.
 */
function copyMRsFault(sender: usize, receiver: usize, buffer: usize, exception: bool, n: u32): void {
  for (let i: u32 = 0; i < n; i++) setMR(receiver, buffer, i, load<u32>(sender + messageRegister(exception, i)));
}

/** seL4's copyMRsFaultReply: the handler's first `n` reply words into the registers of `receiver`. */
function copyMRsFaultReply(sender: usize, receiver: usize, exception: bool, n: u32): void {
  const buffer = lookupIpcBuffer(sender, false);
  for (let i: u32 = 0; i < n; i++) {
    if (i >= 2 && buffer == 0) break; // without a buffer only MR0 and MR1 exist
    const offset = messageRegister(exception, i);
    let v = getMR(sender, buffer, i);
    if (offset == CTX_EFLAGS) v = sanitiseEflags(v);
    store<u32>(receiver + offset, v);
  }
}

/**
 * seL4's handleFaultReply: what the fault handler's reply (from `sender`)
 * does to `receiver`. Returns whether the receiver runs again.
 */
export function handleFaultReply(receiver: usize, sender: usize): bool {
  const tag = load<u32>(sender, CTX_ESI);
  const label = (tag >>> MSGINFO_LABEL_SHIFT) & MSGINFO_LABEL_MASK;
  const length = infoLength(tag);
  switch (faultType(receiver)) {
    case seL4_Fault_UnknownSyscall:
      copyMRsFaultReply(sender, receiver, false, length < SYSCALL_MESSAGE_WORDS ? length : SYSCALL_MESSAGE_WORDS);
      return label == 0;
    case seL4_Fault_UserException:
      copyMRsFaultReply(sender, receiver, true, length < EXCEPTION_MESSAGE_WORDS ? length : EXCEPTION_MESSAGE_WORDS);
      return label == 0;
    default:
      return true; // capability and VM faults: run the instruction again
  }
}

// ── Without a handler ────────────────────────────────────────────────

/** Today's report of a fault nobody could be told about. */
function reportUnhandled(t: usize): void {
  const vector = load<u32>(t, TCB_FAULT_VECTOR);
  const error = load<u32>(t, TCB_FAULT_ERROR);
  const address = load<u32>(t, TCB_FAULT_ADDRESS);
  if (vector == FAULT_UNKNOWN_SYSCALL) {
    // The thread's error, not the kernel's: the line names the thread, like the fault line after it.
    putLineStart();
    puts("fault: thread ");
    putThreadName(t);
    puts(" made unknown system call ");
    putSigned(<i64><i32>error);
    putNewline();
  } else if (vector == FAULT_CAP) {
    putLineStart();
    puts("fault: thread ");
    putThreadName(t);
    puts(" cannot look up capability ");
    putHex(address, 8);
    puts(load<u32>(t, FAULT_W1) != 0 ? " to receive on: " : ": ");
    puts(lookupFaultName(load<u32>(t, TCB_LOOKUP_FAILURE)));
    puts(", ");
    putDec32(load<u32>(t, TCB_LOOKUP_FAILURE + 4));
    puts(" bits left");
    putNewline();
  }
  putLineStart();
  puts("fault: thread ");
  putThreadName(t);
  puts(" vector ");
  putDec32(vector);
  puts(" (");
  puts(exceptionName(vector));
  puts(") error ");
  putHex(error, 4);
  puts(" cr2 ");
  putHex(address, 8);
  puts(" eip ");
  putHex(load<u32>(t, CTX_EIP), 8);
  puts(": thread stopped");
  putNewline();
}
