// kernel/syscall.ts: the system call dispatcher.
//
// Owns: decoding eax after sysenter (libs/abi/sel4.def.ts, tsos.def.ts) and running the
// call. The caller's registers are in its TCB (boot/trap.S saved them);
// results go back there, and schedule() leaves the kernel. seL4 ia32
// registers: eax number, ebx capability/badge, esi message info, edi MR0,
// ebp MR1.
// Debug and benchmark calls exist now; IPC calls arrive with endpoints. An
// unknown number takes the fault path, as does `int 0x80` (a #GP).
// Must not: trust any user register or pointer.

import {
  SYS_DEBUG_PUT_CHAR, SYS_DEBUG_HALT, SYS_DEBUG_NAME_THREAD, SYS_BENCHMARK_NULL_SYSCALL,
  SYS_YIELD, SYS_DEBUG_DUMP_SCHEDULER, SYS_SET_TLS_BASE,
} from "../libs/abi/sel4.gen";
import { SYS_DEBUG_THREAD_EXIT } from "../libs/abi/tsos.gen";
import { CTX_EAX, CTX_EBX, ThreadState } from "./object/tcb";
import { currentThread, schedule, threadStop, threadYield } from "./sched/scheduler";
import { putc, puts, putNewline, putLineStart } from "./console";
import { putDec32, putSigned } from "./lib/format";
import { haltSystem, EXIT_STATUS_OK } from "./power";
import { putThreadName, threadNameFromIpcBuffer } from "./object/tcb-name";
import { dumpThreads } from "./debug/dump";
import { userFault } from "./trap";
import { tcbSetTlsBase } from "./arch/x86/tls";

/** The fault vector reported for an unknown system call (not a CPU vector). */
// @ts-ignore: decorator
@inline export const FAULT_UNKNOWN_SYSCALL: u32 = 0x100;

/** Entered from boot/trap.S's sysenter path. Never returns. */
export function handleSyscall(): void {
  const t = currentThread();
  const number = <i32>load<u32>(t, CTX_EAX);
  switch (number) {
    case SYS_BENCHMARK_NULL_SYSCALL:
      break;
    case SYS_DEBUG_PUT_CHAR:
      putc(load<u32>(t, CTX_EBX) & 0xFF);
      break;
    case SYS_YIELD:
      threadYield(t);
      break;
    case SYS_SET_TLS_BASE:
      tcbSetTlsBase(t, load<u32>(t, CTX_EBX));
      break;
    case SYS_DEBUG_NAME_THREAD:
      store<u32>(t, threadNameFromIpcBuffer(t) ? 0 : 1, CTX_EAX);
      break;
    case SYS_DEBUG_DUMP_SCHEDULER:
      dumpThreads();
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
    default:
      putLineStart();
      puts("kernel: unknown system call ");
      putSigned(<i64>number);
      putNewline();
      userFault(t, FAULT_UNKNOWN_SYSCALL, <u32>number, 0);
  }
  schedule();
}
