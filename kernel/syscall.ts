// kernel/syscall.ts: the system call dispatcher.
//
// Owns: decoding eax after sysenter (libs/abi/sel4.def.ts, tsos.def.ts) and running the
// call. The caller's registers are in its TCB (boot/trap.S saved them);
// results go back there, and schedule() leaves the kernel. seL4 ia32
// registers: eax number, ebx capability/badge, esi message info, edi MR0,
// ebp MR1.
// Call, Send and NBSend invoke a capability (kernel/api/invoke.ts: an
// endpoint send, a Signal, a reply, or an object's invocation); Recv and
// NBRecv receive on an endpoint or wait on a notification (a Wait and a
// Poll are a Recv and an NBRecv); Reply answers the last caller
// (kernel/object/reply.ts); ReplyRecv is a Reply then a Recv. An unknown
// number is an unknown-syscall fault (kernel/api/faults.ts); `int 0x80`
// is a #GP, a user exception. The debug calls of seL4's debug build are
// here too (DebugSnapshot only prints that capDL snapshots are not
// supported and returns), and tsos's DebugSelfCheck (kernel/debug/selfcheck.ts).
// Must not: trust any user register or pointer, or stop the kernel on a
// user's bad input (where seL4's debug calls halt the machine, the caller
// is stopped instead).

import {
  SYS_CALL, SYS_SEND, SYS_NB_SEND, SYS_RECV, SYS_NB_RECV, SYS_REPLY, SYS_REPLY_RECV,
  SYS_DEBUG_PUT_CHAR, SYS_DEBUG_HALT, SYS_DEBUG_NAME_THREAD, SYS_BENCHMARK_NULL_SYSCALL,
  SYS_YIELD, SYS_DEBUG_DUMP_SCHEDULER, SYS_DEBUG_CAP_IDENTIFY, SYS_DEBUG_SNAPSHOT, SYS_SET_TLS_BASE,
} from "../libs/abi/sel4.gen";
import { SYS_DEBUG_THREAD_EXIT, SYS_DEBUG_POWER_OFF, SYS_DEBUG_SELF_CHECK } from "../libs/abi/tsos.gen";
import { CTX_EAX, CTX_EBX, ThreadState, TCB_CTABLE, tcbSlot, tcbOfObject } from "./object/tcb";
import { currentThread, schedule, threadStop, threadYield } from "./sched/scheduler";
import { handleUnknownSyscall, capFault } from "./api/faults";
import { receiveIPC, endpointOf, endpointCanReceive, endpointCanGrant } from "./object/endpoint";
import { receiveSignal, notificationOf, notificationCanReceive } from "./object/notification";
import { handleReply, deleteCallerCap } from "./object/reply";
import { putc, puts, putNewline, putLineStart, putLine } from "./console";
import { putDec32 } from "./lib/format";
import { haltSystem, EXIT_STATUS_OK, EXIT_STATUS_FAILURE } from "./power";
import { putThreadName, setNameFromBuffer } from "./object/tcb-name";
import { dumpThreads } from "./debug/dump";
import { selfCheck } from "./debug/selfcheck";
import { fastpathReport } from "./fastpath/fastpath";
import { handleInvocation, handleInvocationAt } from "./api/invoke";
import { lookupIpcBuffer } from "./api/message";
import { lookupSlot, setMissingCapabilityFault, lookupSucceeded } from "./cspace/lookup";
import { capTag, capObjectPhys, CAP_THREAD_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP } from "./cspace/cte";
import { window } from "./arch/x86/kernel-window";
import { pathEnter, PathKind } from "./debug/path-stats";
import { tcbSetTlsBase } from "./arch/x86/tls";

/** Entered from boot/trap.S's sysenter path. Never returns. */
export function handleSyscall(): void {
  const t = currentThread();
  const number = <i32>load<u32>(t, CTX_EAX);
  pathEnter(PathKind.Syscall, number);
  switch (number) {
    case SYS_BENCHMARK_NULL_SYSCALL:
      break;
    case SYS_CALL:
      handleInvocation(t, true, true);
      break;
    case SYS_SEND:
      handleInvocation(t, false, true);
      break;
    case SYS_NB_SEND:
      handleInvocation(t, false, false);
      break;
    case SYS_RECV:
      handleRecv(t, true);
      break;
    case SYS_NB_RECV:
      handleRecv(t, false);
      break;
    case SYS_REPLY:
      handleReply(t);
      break;
    case SYS_REPLY_RECV:
      handleReply(t);
      handleRecv(t, true);
      break;
    case SYS_DEBUG_PUT_CHAR:
      putc(load<u32>(t, CTX_EBX) & 0xFF);
      break;
    case SYS_YIELD:
      threadYield(t);
      break;
    case SYS_DEBUG_CAP_IDENTIFY: {
      // The capability's seL4 type tag in EBX; 0 (the null capability) if the lookup fails.
      const slot = lookupSlot(tcbSlot(t, TCB_CTABLE), load<u32>(t, CTX_EBX));
      store<u32>(t, slot == 0 ? 0 : capTag(slot), CTX_EBX);
      break;
    }
    case SYS_SET_TLS_BASE:
      tcbSetTlsBase(t, load<u32>(t, CTX_EBX));
      break;
    case SYS_DEBUG_NAME_THREAD:
      debugNameThread(t);
      break;
    case SYS_DEBUG_DUMP_SCHEDULER:
      dumpThreads();
      break;
    case SYS_DEBUG_SELF_CHECK:
      store<u32>(t, selfCheck(), CTX_EBX);
      break;
    case SYS_DEBUG_SNAPSHOT:
      // seL4's debug build without capDL snapshot support returns at once;
      // tsos has no capDL dump either, and says so.
      putLineStart();
      puts("kernel: DebugSnapshot by thread ");
      putThreadName(t);
      putLine(": capDL snapshots are not supported; ignored");
      break;
    case SYS_DEBUG_THREAD_EXIT:
      putLineStart();
      puts("kernel: thread ");
      putThreadName(t);
      puts(" exited with status ");
      putDec32(load<u32>(t, CTX_EBX));
      putNewline();
      threadStop(t, ThreadState.Exited);
      break;
    case SYS_DEBUG_HALT:
      putLineStart();
      puts("kernel: halt requested by thread ");
      putThreadName(t);
      putNewline();
      haltSystem(EXIT_STATUS_OK);
      break;
    case SYS_DEBUG_POWER_OFF: {
      const status = load<u32>(t, CTX_EBX);
      fastpathReport();
      putLineStart();
      puts("kernel: power-off requested by thread ");
      putThreadName(t);
      puts(status == 0 ? ", reporting success" : ", reporting a failure");
      putNewline();
      haltSystem(status == 0 ? EXIT_STATUS_OK : EXIT_STATUS_FAILURE);
      break;
    }
    default:
      handleUnknownSyscall(t, <u32>number);
  }
  schedule();
}

/**
 * The slow path of a Call whose capability the fast path looked up
 * (kernel/fastpath/fastpath.ts) and found in `slot`, as lookupSlot would
 * have: handleSyscall's SYS_CALL case without a second lookup. Never returns.
 */
export function handleCallAt(slot: usize): void {
  const t = currentThread();
  pathEnter(PathKind.Syscall, SYS_CALL);
  lookupSucceeded();
  handleInvocationAt(t, slot, true, true);
  schedule();
}

/**
 * seL4's handleRecv: the capability must be an endpoint with Read (the
 * caller's unused reply capability goes first) or a notification with
 * Read that is bound to no other thread; anything else is a capability
 * fault in the receive phase.
 */
function handleRecv(t: usize, blocking: bool): void {
  const cptr = load<u32>(t, CTX_EBX);
  const slot = lookupSlot(tcbSlot(t, TCB_CTABLE), cptr);
  if (slot == 0) {
    capFault(t, cptr, true);
    return;
  }
  const tag = capTag(slot);
  if (tag == CAP_ENDPOINT_CAP && endpointCanReceive(slot)) {
    deleteCallerCap(t);
    receiveIPC(t, endpointOf(slot), endpointCanGrant(slot), blocking);
    return;
  }
  if (tag == CAP_NOTIFICATION_CAP && notificationCanReceive(slot, t)) {
    receiveSignal(t, notificationOf(slot), blocking);
    return;
  }
  setMissingCapabilityFault(0);
  capFault(t, cptr, true);
}

/**
 * DebugNameThread: EBX names a TCB capability; the name is a NUL-terminated
 * string at the caller's IPC buffer's msg[0]. seL4 halts the machine on a
 * bad capability, a missing buffer or an unterminated name; tsos reports
 * and stops the caller instead.
 */
function debugNameThread(t: usize): void {
  const cptr = load<u32>(t, CTX_EBX);
  const slot = lookupSlot(tcbSlot(t, TCB_CTABLE), cptr);
  if (slot == 0 || capTag(slot) != CAP_THREAD_CAP) {
    debugCallRefused(t, "DebugNameThread: the capability is not a TCB");
    return;
  }
  const target = tcbOfObject(window(capObjectPhys(slot)));
  const buffer = lookupIpcBuffer(t, true);
  if (buffer == 0) {
    debugCallRefused(t, "DebugNameThread: the caller has no IPC buffer");
    return;
  }
  if (!setNameFromBuffer(target, buffer)) debugCallRefused(t, "DebugNameThread: the name is not NUL-terminated within the message");
}

function debugCallRefused(t: usize, why: string): void {
  putLineStart();
  puts("kernel: ");
  puts(why);
  puts("; thread ");
  putThreadName(t);
  putLine(" stopped");
  threadStop(t, ThreadState.Faulted);
}
