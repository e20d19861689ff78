// kernel/trap.ts: what an interrupt or exception means.
//
// Owns: the kernel side of every IDT vector (entered from boot/trap.S):
//  - interrupts (vectors 0x20-0xFF, through the local APIC): the kernel's
//    tick, user IRQs (kernel/object/irq.ts), spurious ones ignored, EOI;
//  - #NM (device not available) in user mode: the lazy FPU switch
//    (arch/x86/fpu.ts), after which the thread resumes; not a fault,
//    unless the thread's FPU is disabled (seL4_TCBFlag_fpuDisabled: it
//    never owns the FPU, CR0.TS stays set while it runs), which makes it
//    a user exception;
//  - a CPU exception in user mode: a fault (kernel/api/faults.ts): a VM
//    fault for a page fault, a user exception otherwise, sent to the
//    thread's fault handler, or reported if it has none;
//  - a CPU exception in kernel mode: a panic with a full register dump,
//    the faulting EIP as a kernel symbol, and a backtrace.
// Must not: return to user mode except through schedule().

import { readCr0, readCr2, readCr3, readCr4 } from "./arch/x86/intrinsics";
import { PIC_VECTOR_BASE } from "./arch/x86/pic";
import { lapicEoi, LAPIC_SPURIOUS_VECTOR } from "./arch/x86/lapic";
import { IRQ_VECTOR_BASE, IRQ_TIMER, handleUserInterrupt } from "./object/irq";
import {
  CTX_EDI, CTX_ESI, CTX_EBP, CTX_EBX, CTX_EDX, CTX_ECX, CTX_EAX, CTX_VECTOR, CTX_ERROR,
  CTX_EIP, CTX_CS, CTX_EFLAGS, CTX_ESP, TCB_TCB_FLAGS,
} from "./object/tcb";
import { seL4_TCBFlag_fpuDisabled } from "../libs/abi/sel4.gen";
import { currentThread, schedule, schedulerTick } from "./sched/scheduler";
import { handleUserException } from "./api/faults";
import { puts, putc, putNewline, putLineStart } from "./console";
import { putHex, putDec32 } from "./lib/format";
import { putSymbol, putBacktrace } from "./debug/ksyms";
import { panicBegin, panicEnd } from "./panic";
import { pathEnter, PathKind } from "./debug/path-stats";
import { fpuDeviceNotAvailable } from "./arch/x86/fpu";

// @ts-ignore: decorator
@inline const VECTOR_PAGE_FAULT: u32 = 14;
/** Fault "vectors" for faults that are not CPU exceptions (fault reports only; fault IPC carries seL4's fault types). */
// @ts-ignore: decorator
@inline export const FAULT_UNKNOWN_SYSCALL: u32 = 0x100;
// @ts-ignore: decorator
@inline export const FAULT_CAP: u32 = 0x101;
// @ts-ignore: decorator
@inline const VECTOR_DEVICE_NOT_AVAILABLE: u32 = 7;

/** The CPU's name for an exception vector (Intel SDM vol. 3, table 6-1). */
export function exceptionName(v: u32): string {
  switch (v) {
    case 0: return "divide error";
    case 1: return "debug";
    case 2: return "NMI";
    case 3: return "breakpoint";
    case 4: return "overflow";
    case 5: return "BOUND range exceeded";
    case 6: return "invalid opcode";
    case 7: return "device not available";
    case 8: return "double fault";
    case 10: return "invalid TSS";
    case 11: return "segment not present";
    case 12: return "stack-segment fault";
    case 13: return "general protection";
    case 14: return "page fault";
    case 16: return "x87 floating-point error";
    case 17: return "alignment check";
    case 18: return "machine check";
    case 19: return "SIMD floating-point exception";
    case FAULT_UNKNOWN_SYSCALL: return "unknown system call";
    case FAULT_CAP: return "capability fault";
    default: return v < 32 ? "reserved exception" : "software interrupt";
  }
}

/**
 * An interrupt (vector IRQ_VECTOR_BASE and up): the kernel's tick, a
 * user IRQ (kernel/object/irq.ts), or a spurious one, which is not
 * acknowledged (the local APIC's spurious vector, and the masked 8259's).
 */
function handleIrq(vector: u32): void {
  if (vector == LAPIC_SPURIOUS_VECTOR || (vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_BASE + 16)) return;
  const irq = vector - IRQ_VECTOR_BASE;
  if (irq == IRQ_TIMER) schedulerTick();
  else handleUserInterrupt(irq);
  lapicEoi();
}

// @ts-ignore: decorator
@inline function isIrq(vector: u32): bool {
  return vector >= IRQ_VECTOR_BASE && vector < 256;
}

/** Entered from boot/trap.S after a trap in ring 3; the context is in the current TCB. */
export function handleUserTrap(): void {
  const t = currentThread();
  const vector = load<u32>(t, CTX_VECTOR);
  pathEnter(PathKind.Trap, <i32>vector);
  if (isIrq(vector)) {
    handleIrq(vector);
  } else if (vector == VECTOR_DEVICE_NOT_AVAILABLE && (load<u32>(t, TCB_TCB_FLAGS) & seL4_TCBFlag_fpuDisabled) == 0) {
    fpuDeviceNotAvailable(t);
  } else {
    handleUserException(t, vector, load<u32>(t, CTX_ERROR), vector == VECTOR_PAGE_FAULT ? readCr2() : 0);
  }
  schedule();
}

function putReg(name: string, v: u32): void {
  puts(name);
  puts("=");
  putHex(v, 8);
  putc(0x20);
}

/** Entered from boot/trap.S after a trap in ring 0; `frame` holds the context up to eflags. */
export function handleKernelTrap(frame: u32): void {
  const f = <usize>frame;
  const vector = load<u32>(f, CTX_VECTOR);
  if (isIrq(vector) && currentThread() == 0) {
    // The idle loop was interrupted: the kernel stack holds nothing else.
    pathEnter(PathKind.Idle, <i32>vector);
    handleIrq(vector);
    schedule();
  }
  const eip = load<u32>(f, CTX_EIP);
  panicBegin();
  puts("kernel ");
  puts(exceptionName(vector));
  puts(" (vector ");
  putDec32(vector);
  puts(", error ");
  putHex(load<u32>(f, CTX_ERROR), 4);
  puts(") at ");
  putHex(eip, 8);
  puts(" ");
  putSymbol(eip);
  putNewline();
  putReg("eax", load<u32>(f, CTX_EAX));
  putReg("ebx", load<u32>(f, CTX_EBX));
  putReg("ecx", load<u32>(f, CTX_ECX));
  putReg("edx", load<u32>(f, CTX_EDX));
  putNewline();
  putReg("esi", load<u32>(f, CTX_ESI));
  putReg("edi", load<u32>(f, CTX_EDI));
  putReg("ebp", load<u32>(f, CTX_EBP));
  putReg("esp", frame + <u32>CTX_ESP); // no stack switch in ring 0: the old esp is just past the frame
  putNewline();
  putReg("eip", eip);
  putReg("cs", load<u32>(f, CTX_CS));
  putReg("eflags", load<u32>(f, CTX_EFLAGS));
  putNewline();
  putReg("cr0", readCr0());
  putReg("cr2", readCr2());
  putReg("cr3", readCr3());
  putReg("cr4", readCr4());
  putNewline();
  putBacktrace(load<u32>(f, CTX_EBP));
  panicEnd();
}
