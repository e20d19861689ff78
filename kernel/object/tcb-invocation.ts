// kernel/object/tcb-invocation.ts: TCB invocations.
//
// Owns: decodeTCBInvocation (every check seL4 makes for ReadRegisters,
// WriteRegisters, CopyRegisters, Configure, SetPriority, SetMCPriority,
// SetSchedParams, SetIPCBuffer, SetSpace, Suspend, Resume,
// BindNotification, UnbindNotification, SetTLSBase and SetFlags, in
// seL4's order, each with its exact error) and invokeTCB (the change,
// which cannot fail; deleting a thread's old CSpace or VSpace root may stop
// at a preemption point, to be restarted).
// Arguments follow libsel4's stubs (libs/abi/invocations.def.ts); the
// register order is seL4_UserContext's (libs/abi/sel4.def.ts USER_CONTEXT_*):
// eip, esp, eflags, eax, ebx, ecx, edx, esi, edi, ebp, fs_base, gs_base.
// Must not: fail in invokeTCB.
//
// see: seL4 reference manual, "TCB" invocations; seL4 src/object/tcb.c
// (decodeTCBInvocation and its helpers, invokeTCB_*), facts only.

import {
  CTX_EIP, CTX_ESP, CTX_EFLAGS, CTX_EAX, CTX_EBX, CTX_ECX, CTX_EDX, CTX_ESI, CTX_EDI, CTX_EBP, CTX_VECTOR,
  VECTOR_SYSCALL, TCB_CTABLE, TCB_VTABLE, TCB_BUFFER, TCB_IPC_BUFFER, TCB_FAULT_HANDLER, TCB_BOUND_NTFN, TCB_TCB_FLAGS,
  tcbSlot, tcbOfObject, tcbMcp, setTcbMcp,
} from "./tcb";
import {
  capTag, capWords, capObjectPhys, frameIsDevice, capRights, isNullCap,
  CAP_THREAD_CAP, CAP_CNODE_CAP, CAP_PAGE_DIRECTORY_CAP, CAP_FRAME_CAP, CAP_NOTIFICATION_CAP, CAP_ZOMBIE_CAP, RIGHT_READ,
} from "../cspace/cte";
import { deriveCap, derivedCap, DeriveResult, updateCapData, sameObjectAs } from "../cspace/derive";
import { cteInsert, hasChildren, isFinalCapability } from "../cspace/cdt";
import { cteDelete, DeleteResult } from "../cspace/delete";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidCapability,
  errorRange, errorAlignment, errorRevokeFirst,
} from "../api/invocation";
import { replyValue, replyValues } from "../api/reply";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { notificationBoundTcb, notificationHasWaiters, bindNotification, unbindNotification } from "./notification";
import { suspendThread, restartThread } from "./thread-control";
import { tcbSetTlsBase, tcbTlsBase } from "../arch/x86/tls";
import {
  currentThread, threadSetPriority, threadVSpaceChanged,
} from "../sched/scheduler";
import { EFLAGS_IF } from "../arch/x86/machine.gen";
import { sanitiseEflags } from "../arch/x86/context";
import {
  LABEL_TCB_READ_REGISTERS, LABEL_TCB_WRITE_REGISTERS, LABEL_TCB_COPY_REGISTERS, LABEL_TCB_CONFIGURE,
  LABEL_TCB_SET_PRIORITY, LABEL_TCB_SET_MC_PRIORITY, LABEL_TCB_SET_SCHED_PARAMS, LABEL_TCB_SET_IPC_BUFFER,
  LABEL_TCB_SET_SPACE, LABEL_TCB_SUSPEND, LABEL_TCB_RESUME, LABEL_TCB_BIND_NOTIFICATION, LABEL_TCB_UNBIND_NOTIFICATION,
  LABEL_TCB_SET_TLS_BASE, LABEL_TCB_SET_FLAGS, seL4_NoError, seL4_MinPrio, seL4_IPCBufferSizeBits, seL4_TCBFlag_fpuDisabled,
  USER_CONTEXT_SIZE,
} from "../../libs/abi/sel4.gen";

/** Registers in seL4_UserContext: 3 frame registers (eip, esp, eflags) and 9 general ones. */
// @ts-ignore: decorator
@inline const FRAME_REGISTERS: u32 = 3;
// @ts-ignore: decorator
@inline const USER_CONTEXT_WORDS: u32 = <u32>USER_CONTEXT_SIZE >> 2;
/** The seL4_TCBFlag bits tsos knows. */
// @ts-ignore: decorator
@inline const TCB_FLAGS_MASK: u32 = seL4_TCBFlag_fpuDisabled;
// Argument bits (libsel4): ReadRegisters' suspend_source; WriteRegisters' resume_target;
// CopyRegisters' suspend_source, resume_target, transfer_frame, transfer_integer.
// @ts-ignore: decorator
@inline const READ_SUSPEND: u32 = 1;
// @ts-ignore: decorator
@inline const WRITE_RESUME: u32 = 1;
// @ts-ignore: decorator
@inline const COPY_SUSPEND_SOURCE: u32 = 1 << 0;
// @ts-ignore: decorator
@inline const COPY_RESUME_TARGET: u32 = 1 << 1;
// @ts-ignore: decorator
@inline const COPY_TRANSFER_FRAME: u32 = 1 << 2;
// @ts-ignore: decorator
@inline const COPY_TRANSFER_INTEGER: u32 = 1 << 3;

// What the decode found, for invokeTCB.
let label: u32 = 0;
let target: usize = 0;       // the thread (its `t`)
let targetSlot: usize = 0;   // the invoked capability's slot
let source: usize = 0;       // CopyRegisters' source thread
let flags: u32 = 0;
let count: u32 = 0;
let newPriority: i32 = 0;
let newMcp: i32 = 0;
let setPriority = false;
let setMcp = false;
let faultHandler: u32 = 0;
let cRootCap: u64 = 0;
let cRootSlot: usize = 0;
let vRootCap: u64 = 0;
let vRootSlot: usize = 0;
let bufferAddr: u32 = 0;
let bufferCap: u64 = 0;
let bufferSlot: usize = 0;
let updateSpace = false;
let updateBuffer = false;
let ntfn: u32 = 0;

/** The thread a thread capability names. */
// @ts-ignore: decorator
@inline function threadOf(slot: usize): usize {
  return tcbOfObject(vspacePhysWindow() + <usize>capObjectPhys(slot));
}

/** The register at position `i` of seL4_UserContext, as the thread would see it. */
function readRegister(t: usize, i: u32): u32 {
  switch (i) {
    case 0: return load<u32>(t, CTX_EIP);
    case 1: return load<u32>(t, CTX_ESP);
    case 2: {
      // A context saved by sysenter keeps IF clear (boot/trap.S); the thread runs with it set.
      const e = load<u32>(t, CTX_EFLAGS);
      return load<u32>(t, CTX_VECTOR) == VECTOR_SYSCALL ? e | EFLAGS_IF : e;
    }
    case 3: return load<u32>(t, CTX_EAX);
    case 4: return load<u32>(t, CTX_EBX);
    case 5: return load<u32>(t, CTX_ECX);
    case 6: return load<u32>(t, CTX_EDX);
    case 7: return load<u32>(t, CTX_ESI);
    case 8: return load<u32>(t, CTX_EDI);
    case 9: return load<u32>(t, CTX_EBP);
    case 10: return 0; // fs_base: FS (GDT entry 6) has base 0 for every thread
    default: return tcbTlsBase(t); // gs_base
  }
}

/** Writes register `i` of seL4_UserContext, sanitised as seL4 does (eflags keeps IF and bit 1 set, no IOPL, TF, NT, RF or VM). */
function writeRegister(t: usize, i: u32, v: u32): void {
  switch (i) {
    case 0: store<u32>(t, v, CTX_EIP); break;
    case 1: store<u32>(t, v, CTX_ESP); break;
    case 2: store<u32>(t, sanitiseEflags(v), CTX_EFLAGS); break;
    case 3: store<u32>(t, v, CTX_EAX); break;
    case 4: store<u32>(t, v, CTX_EBX); break;
    case 5: store<u32>(t, v, CTX_ECX); break;
    case 6: store<u32>(t, v, CTX_EDX); break;
    case 7: store<u32>(t, v, CTX_ESI); break;
    case 8: store<u32>(t, v, CTX_EDI); break;
    case 9: store<u32>(t, v, CTX_EBP); break;
    case 10: break; // fs_base: fixed at 0
    default: tcbSetTlsBase(t, v); break;
  }
}

/**
 * A thread whose registers the kernel wrote leaves by iret, which restores
 * every register (the sysexit path would recompute ECX and EDX).
 */
function leaveByIret(t: usize): void {
  if (load<u32>(t, CTX_VECTOR) == VECTOR_SYSCALL) {
    store<u32>(t, load<u32>(t, CTX_EFLAGS) | EFLAGS_IF, CTX_EFLAGS);
    store<u32>(t, 0, CTX_VECTOR);
  }
}

/** seL4's checkPrio: `prio` may be at most the authority's MCP. */
function checkPriority(prio: u32, authority: usize): u32 {
  const mcp = <u32>tcbMcp(authority);
  if (prio > mcp) return errorRange(seL4_MinPrio, mcp);
  return seL4_NoError;
}

/** The authority thread for the priority invocations: extra capability 0, a TCB. */
function authorityThread(): usize {
  const s = invExtraCap(0);
  if (capTag(s) != CAP_THREAD_CAP) return 0;
  return threadOf(s);
}

/** An existing CSpace or VSpace root whose deletion could run long (seL4's slotCapLongRunningDelete). */
function longRunningDelete(slot: usize): bool {
  if (isNullCap(slot) || !isFinalCapability(slot)) return false;
  const tag = capTag(slot);
  return tag == CAP_THREAD_CAP || tag == CAP_ZOMBIE_CAP || tag == CAP_CNODE_CAP;
}

/** A capability value's tag (as capTag reads a slot's). */
function tagOfCap(cap: u64): u32 {
  const w = <u32>(cap >>> 32);
  return (w & 0xE) == 0xE ? w & 0xFF : w & 0xF;
}

/** seL4's checkValidIPCBuffer for x86: a non-device frame, the address aligned to seL4_IPCBufferSizeBits. */
function checkIpcBuffer(addr: u32, from: usize): u32 {
  if (capTag(from) != CAP_FRAME_CAP || frameIsDevice(from)) return errorIllegalOperation();
  if ((addr & ((<u32>1 << seL4_IPCBufferSizeBits) - 1)) != 0) return errorAlignment();
  return seL4_NoError;
}

/** The buffer part of Configure and SetIPCBuffer: `addr` and the frame in extra capability `capIndex`. */
function decodeBuffer(addr: u32, capIndex: u32): u32 {
  bufferAddr = addr;
  bufferSlot = 0;
  bufferCap = 0;
  updateBuffer = true;
  if (addr == 0) return seL4_NoError;
  const s = invExtraCap(capIndex);
  const r = deriveCap(capWords(s), hasChildren(s));
  if (r == DeriveResult.RevokeFirst) return errorRevokeFirst();
  if (r == DeriveResult.IllegalOperation) return errorIllegalOperation();
  const err = checkIpcBuffer(addr, s);
  if (err != seL4_NoError) return err;
  bufferCap = derivedCap;
  bufferSlot = s;
  return seL4_NoError;
}

/** The space part of Configure and SetSpace: the roots in extra capabilities 0 and 1, with their data words. */
function decodeSpace(fault: u32, cRootData: u32, vRootData: u32): u32 {
  faultHandler = fault;
  if (longRunningDelete(tcbSlot(target, TCB_CTABLE)) || longRunningDelete(tcbSlot(target, TCB_VTABLE))) return errorIllegalOperation();
  const cSlot = invExtraCap(0);
  let c = capWords(cSlot);
  if (cRootData != 0) c = updateCapData(false, cRootData, c);
  let r = deriveCap(c, hasChildren(cSlot));
  if (r == DeriveResult.RevokeFirst) return errorRevokeFirst();
  if (r == DeriveResult.IllegalOperation) return errorIllegalOperation();
  c = derivedCap;
  if (tagOfCap(c) != CAP_CNODE_CAP) return errorIllegalOperation();
  const vSlot = invExtraCap(1);
  let v = capWords(vSlot);
  if (vRootData != 0) v = updateCapData(false, vRootData, v);
  r = deriveCap(v, hasChildren(vSlot));
  if (r == DeriveResult.RevokeFirst) return errorRevokeFirst();
  if (r == DeriveResult.IllegalOperation) return errorIllegalOperation();
  v = derivedCap;
  // isValidVTableRoot: a page directory with an ASID.
  if (tagOfCap(v) != CAP_PAGE_DIRECTORY_CAP || (<u32>v & (1 << 12)) == 0) return errorIllegalOperation();
  cRootCap = c;
  cRootSlot = cSlot;
  vRootCap = v;
  vRootSlot = vSlot;
  updateSpace = true;
  return seL4_NoError;
}

/**
 * Decodes an invocation of the thread capability in `slot`. Returns
 * seL4_NoError or the error with its details set.
 */
export function decodeTCBInvocation(slot: usize): u32 {
  label = invLabel;
  targetSlot = slot;
  target = threadOf(slot);
  updateSpace = false;
  updateBuffer = false;
  setPriority = false;
  setMcp = false;
  switch (label) {
    case LABEL_TCB_READ_REGISTERS: {
      if (invLength < 2) return errorTruncatedMessage();
      flags = invArg(0);
      count = invArg(1);
      if (count < 1 || count > USER_CONTEXT_WORDS) return errorRange(1, USER_CONTEXT_WORDS);
      if (target == currentThread()) return errorIllegalOperation();
      return seL4_NoError;
    }
    case LABEL_TCB_WRITE_REGISTERS: {
      if (invLength < 2) return errorTruncatedMessage();
      flags = invArg(0);
      count = invArg(1);
      if (invLength - 2 < count) return errorTruncatedMessage();
      if (target == currentThread()) return errorIllegalOperation();
      return seL4_NoError;
    }
    case LABEL_TCB_COPY_REGISTERS: {
      const src = invExtraCap(0);
      if (invLength < 1 || src == 0) return errorTruncatedMessage();
      flags = invArg(0);
      if (capTag(src) != CAP_THREAD_CAP) return errorInvalidCapability(1);
      source = threadOf(src);
      return seL4_NoError;
    }
    case LABEL_TCB_SUSPEND:
    case LABEL_TCB_RESUME:
      return seL4_NoError;
    case LABEL_TCB_CONFIGURE: {
      if (invLength < 4 || invExtraCap(0) == 0 || invExtraCap(1) == 0 || invExtraCap(2) == 0) return errorTruncatedMessage();
      const err = decodeBuffer(invArg(3), 2);
      if (err != seL4_NoError) return err;
      return decodeSpace(invArg(0), invArg(1), invArg(2));
    }
    case LABEL_TCB_SET_SPACE: {
      if (invLength < 3 || invExtraCap(0) == 0 || invExtraCap(1) == 0) return errorTruncatedMessage();
      return decodeSpace(invArg(0), invArg(1), invArg(2));
    }
    case LABEL_TCB_SET_IPC_BUFFER: {
      if (invLength < 1 || invExtraCap(0) == 0) return errorTruncatedMessage();
      return decodeBuffer(invArg(0), 0);
    }
    case LABEL_TCB_SET_PRIORITY:
    case LABEL_TCB_SET_MC_PRIORITY: {
      if (invLength < 1 || invExtraCap(0) == 0) return errorTruncatedMessage();
      const authority = authorityThread();
      if (authority == 0) return errorInvalidCapability(1);
      const err = checkPriority(invArg(0), authority);
      if (err != seL4_NoError) return err;
      if (label == LABEL_TCB_SET_PRIORITY) {
        newPriority = <i32>invArg(0);
        setPriority = true;
      } else {
        newMcp = <i32>invArg(0);
        setMcp = true;
      }
      return seL4_NoError;
    }
    case LABEL_TCB_SET_SCHED_PARAMS: {
      if (invLength < 2 || invExtraCap(0) == 0) return errorTruncatedMessage();
      const authority = authorityThread();
      if (authority == 0) return errorInvalidCapability(1);
      let err = checkPriority(invArg(0), authority);
      if (err != seL4_NoError) return err;
      err = checkPriority(invArg(1), authority);
      if (err != seL4_NoError) return err;
      newMcp = <i32>invArg(0);
      newPriority = <i32>invArg(1);
      setMcp = true;
      setPriority = true;
      return seL4_NoError;
    }
    case LABEL_TCB_BIND_NOTIFICATION: {
      const n = invExtraCap(0);
      if (n == 0) return errorTruncatedMessage();
      if (load<u32>(target, TCB_BOUND_NTFN) != 0) return errorIllegalOperation();
      if (capTag(n) != CAP_NOTIFICATION_CAP) return errorInvalidCapability(1);
      if ((capRights(n) & RIGHT_READ) == 0) return errorIllegalOperation();
      // A notification bound to another thread, or with waiters, refuses.
      if (notificationBoundTcb(capObjectPhys(n)) != 0 || notificationHasWaiters(capObjectPhys(n))) return errorIllegalOperation();
      ntfn = capObjectPhys(n);
      return seL4_NoError;
    }
    case LABEL_TCB_UNBIND_NOTIFICATION:
      if (load<u32>(target, TCB_BOUND_NTFN) == 0) return errorIllegalOperation();
      return seL4_NoError;
    case LABEL_TCB_SET_TLS_BASE:
      if (invLength < 1) return errorTruncatedMessage();
      return seL4_NoError;
    case LABEL_TCB_SET_FLAGS:
      if (invLength < 2) return errorTruncatedMessage();
      return seL4_NoError;
    default:
      return errorIllegalOperation();
  }
}

/** Carries out what decodeTCBInvocation checked. Returns Preempted if deleting an old root must be restarted. */
export function invokeTCB(): DeleteResult {
  const t = target;
  switch (label) {
    case LABEL_TCB_READ_REGISTERS: {
      if (flags & READ_SUSPEND) suspendThread(t);
      for (let i: u32 = 0; i < count; i++) replyValue(<i32>i, readRegister(t, i));
      replyValues(count);
      break;
    }
    case LABEL_TCB_WRITE_REGISTERS: {
      const n = count < USER_CONTEXT_WORDS ? count : USER_CONTEXT_WORDS;
      for (let i: u32 = 0; i < n; i++) writeRegister(t, i, invArgAt(i + 2));
      leaveByIret(t);
      if (flags & WRITE_RESUME) restartThread(t);
      break;
    }
    case LABEL_TCB_COPY_REGISTERS: {
      if (flags & COPY_SUSPEND_SOURCE) suspendThread(source);
      if (flags & COPY_RESUME_TARGET) restartThread(t);
      if (flags & COPY_TRANSFER_FRAME) for (let i: u32 = 0; i < FRAME_REGISTERS; i++) writeRegister(t, i, readRegister(source, i));
      if (flags & COPY_TRANSFER_INTEGER) for (let i = FRAME_REGISTERS; i < USER_CONTEXT_WORDS; i++) writeRegister(t, i, readRegister(source, i));
      if (flags & (COPY_TRANSFER_FRAME | COPY_TRANSFER_INTEGER)) leaveByIret(t);
      break;
    }
    case LABEL_TCB_SUSPEND:
      suspendThread(t);
      break;
    case LABEL_TCB_RESUME:
      restartThread(t);
      break;
    case LABEL_TCB_SET_PRIORITY:
    case LABEL_TCB_SET_MC_PRIORITY:
    case LABEL_TCB_SET_SCHED_PARAMS:
      if (setMcp) setTcbMcp(t, newMcp);
      if (setPriority) threadSetPriority(t, newPriority);
      break;
    case LABEL_TCB_CONFIGURE:
    case LABEL_TCB_SET_SPACE:
    case LABEL_TCB_SET_IPC_BUFFER:
      return invokeThreadControl(t);
    case LABEL_TCB_BIND_NOTIFICATION:
      bindNotification(t, capObjectPhys(targetSlot), ntfn);
      break;
    case LABEL_TCB_UNBIND_NOTIFICATION:
      unbindNotification(t);
      break;
    case LABEL_TCB_SET_TLS_BASE:
      tcbSetTlsBase(t, invArgAt(0));
      break;
    case LABEL_TCB_SET_FLAGS: {
      const f = ((load<u32>(t, TCB_TCB_FLAGS) & ~invArgAt(0)) | invArgAt(1)) & TCB_FLAGS_MASK;
      store<u32>(t, f, TCB_TCB_FLAGS);
      replyValue(0, f);
      replyValues(1);
      break;
    }
  }
  return DeleteResult.Done;
}

// @ts-ignore: decorator
@inline function invArgAt(i: u32): u32 {
  return invArg(<i32>i);
}

/**
 * seL4's invokeTCB_ThreadControl: the fault handler, then the CSpace and
 * VSpace roots (the old one deleted, the new one copied in if its source
 * slot still holds it), then the IPC buffer.
 */
function invokeThreadControl(t: usize): DeleteResult {
  const tcbCap = capWords(targetSlot);
  if (updateSpace) {
    store<u32>(t, faultHandler, TCB_FAULT_HANDLER);
    const cDest = tcbSlot(t, TCB_CTABLE);
    if (cteDelete(cDest, true) == DeleteResult.Preempted) return DeleteResult.Preempted;
    if (sameObjectAs(cRootCap, capWords(cRootSlot)) && sameObjectAs(tcbCap, capWords(targetSlot))) cteInsert(cRootCap, cRootSlot, cDest);
    const vDest = tcbSlot(t, TCB_VTABLE);
    if (cteDelete(vDest, true) == DeleteResult.Preempted) return DeleteResult.Preempted;
    if (sameObjectAs(vRootCap, capWords(vRootSlot)) && sameObjectAs(tcbCap, capWords(targetSlot))) cteInsert(vRootCap, vRootSlot, vDest);
    threadVSpaceChanged(t);
  }
  if (updateBuffer) {
    const bDest = tcbSlot(t, TCB_BUFFER);
    if (cteDelete(bDest, true) == DeleteResult.Preempted) return DeleteResult.Preempted;
    store<u32>(t, bufferAddr, TCB_IPC_BUFFER);
    if (bufferSlot != 0 && sameObjectAs(bufferCap, capWords(bufferSlot)) && sameObjectAs(tcbCap, capWords(targetSlot))) {
      cteInsert(bufferCap, bufferSlot, bDest);
    }
  }
  return DeleteResult.Done;
}
