// userland/sel4test/faults.ts: in-OS tests of faults as IPC to a fault handler.
//
// Owns: the tests that re-express sel4test's faults.c (PAGEFAULT0001-0005:
// read, write and execute page faults, an unknown system call, an
// undefined instruction), fpu.c's FPU0004 (a thread with the FPU disabled
// takes a user exception), and the stack a new thread starts with
// (STACK_ALIGNMENT_001); and their helper threads: a faulting thread and
// a handler that receives its fault message, answers it (mapping a page,
// or setting registers) and lets it run on.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_X86_4K, seL4_X86_Default_VMAttributes,
  seL4_Fault_VMFault, seL4_Fault_UnknownSyscall, seL4_Fault_UserException, seL4_VMFault_IP, seL4_VMFault_Addr,
  seL4_VMFault_PrefetchFault, seL4_VMFault_FSR, seL4_UnknownSyscall_EAX, seL4_UnknownSyscall_EBX,
  seL4_UnknownSyscall_ESI, seL4_UnknownSyscall_EDI, seL4_UnknownSyscall_EBP, seL4_UnknownSyscall_FaultIP,
  seL4_UnknownSyscall_SP, seL4_UnknownSyscall_Syscall, seL4_UnknownSyscall_Length, seL4_UserException_FaultIP,
  seL4_UserException_Number, seL4_UserException_Code, seL4_UserException_Length, seL4_TCBFlag_fpuDisabled,
} from "../../libs/abi/sel4.gen";
import { UNASSIGNED_SYSCALL } from "../../libs/abi/tsos.gen";
import {
  seL4_Recv, seL4_Reply, seL4_Signal, seL4_Wait, seL4_SetMR, seL4_GetMR, seL4_MessageInfo_new,
  seL4_MessageInfo_get_label, seL4_MessageInfo_get_length,
} from "../../libs/user/ipc";
import { syscall, sysRegs, threadBlock, REG_EBX } from "../../libs/user/syscall";
import { seL4_X86_Page_Map, seL4_X86_Page_Unmap, seL4_TCB_SetFlags, seL4_TCB_Resume } from "../../libs/user/invocations.gen";
import { TLS_START_SP, THREAD_AREA_BASE, THREAD_MAX, USER_TEXT_BASE } from "../../libs/abi/layout.gen";
import { threadArea } from "../../libs/user/thread";
import { MY_VSPACE, check, checkEq, myPriority } from "../../libs/user/testing";
import { make, spawn, R_RW } from "./env";

// @ts-ignore: decorator
@external("x86", "ud2") declare function ud2(): void;
// @ts-ignore: decorator
@external("x86", "callAddress") declare function callAddress(a: u32): void;

/**
 * A page nothing maps, under the thread area's page table (so a handler
 * can map a frame there): the guard page of the next-to-last thread
 * area, which no test uses; the last area's is where frames are filled.
 */
const UNMAPPED: u32 = threadArea(THREAD_MAX - 2);
const FILL_AT: u32 = threadArea(THREAD_MAX - 1);
/** Register values an unknown system call carries, and the EBX its handler answers with. */
// @ts-ignore: decorator
@inline const R_EBX: u32 = 0x1111;
// @ts-ignore: decorator
@inline const R_ESI: u32 = 0x2222;
// @ts-ignore: decorator
@inline const R_EDI: u32 = 0x3333;
// @ts-ignore: decorator
@inline const R_EBP: u32 = 0x4444;
// @ts-ignore: decorator
@inline const R_EBX_ANSWER: u32 = 0xAAAA;
// @ts-ignore: decorator
@inline const VECTOR_INVALID_OPCODE: u32 = 6;
// @ts-ignore: decorator
@inline const VECTOR_DEVICE_NOT_AVAILABLE: u32 = 7;
/**
 * Page-fault error code bits: write, user. (Bit 4, instruction fetch, is
 * set only with PAE and NX or with SMEP, which 32-bit paging without PAE
 * does not have: an execute fault reads as a read, on seL4 ia32 too.)
 */
// @ts-ignore: decorator
@inline export const PF_WRITE: u32 = 2;
// @ts-ignore: decorator
@inline export const PF_USER: u32 = 4;

// ── Shared with the helpers ──────────────────────────────────────────

let faultEp: u32 = 0;
let done: u32 = 0;
let frame: u32 = 0;
let address: u32 = 0;
/** The fault message the handler got, and how many. */
let faultInfo: u32 = 0;
const faultMrs = memory.data(16 * 4, 4);
let faults: u32 = 0;
/** What the faulting thread saw after it ran on. */
let after: u32 = 0;
let afterRan: u32 = 0;

// @ts-ignore: decorator
@inline function mr(i: u32): u32 {
  return load<u32>(faultMrs + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export const F_READ: i32 = 200;     // read `address`, keep the word, signal done
// @ts-ignore: decorator
@inline export const F_WRITE: i32 = 201;    // write `address`, read it back, signal done
// @ts-ignore: decorator
@inline export const F_EXEC: i32 = 202;     // call `address`
// @ts-ignore: decorator
@inline export const F_SYSCALL: i32 = 203;  // an unknown system call with EBX, ESI, EDI, EBP set; keep EBX after; signal done
// @ts-ignore: decorator
@inline export const F_UD2: i32 = 204;      // ud2, then signal done
// @ts-ignore: decorator
@inline export const F_FPU: i32 = 205;      // a floating-point computation, then signal done
// @ts-ignore: decorator
@inline export const F_STACK: i32 = 206;    // keep ESP as the thread starts, signal done
// @ts-ignore: decorator
@inline export const FH_MAP: i32 = 210;     // a handler: keep the fault, map `frame` at the fault address, reply
// @ts-ignore: decorator
@inline export const FH_KEEP: i32 = 211;    // a handler: keep the fault, signal done, do not reply
// @ts-ignore: decorator
@inline export const FH_SKIP: i32 = 212;    // a handler: keep the fault, reply with the registers, FaultIP past the instruction

const fpuSink = memory.data(8, 8);

export function faultHelperMain(kind: i32, arg: u32): bool {
  switch (kind) {
    case F_READ:
      after = load<u32>(address);
      afterRan = 1;
      seL4_Signal(done);
      return true;
    case F_WRITE:
      store<u32>(address, 0x5EED);
      after = load<u32>(address);
      afterRan = 1;
      seL4_Signal(done);
      return true;
    case F_EXEC:
      callAddress(address);
      afterRan = 1; // not reached: the handler keeps it stopped
      return true;
    case F_SYSCALL:
      syscall(UNASSIGNED_SYSCALL, R_EBX, R_ESI, R_EDI, R_EBP);
      after = load<u32>(sysRegs(), REG_EBX);
      afterRan = 1;
      seL4_Signal(done);
      return true;
    case F_UD2:
      ud2();
      afterRan = 1;
      seL4_Signal(done);
      return true;
    case F_FPU: {
      let x: f64 = <f64>arg;
      for (let i = 0; i < 10; i++) x = x * 1.5 + 0.25;
      store<f64>(fpuSink, x);
      afterRan = 1;
      seL4_Signal(done);
      return true;
    }
    case F_STACK:
      after = load<u32>(threadBlock() + TLS_START_SP);
      afterRan = 1;
      seL4_Signal(done);
      return true;
    case FH_MAP:
    case FH_KEEP:
    case FH_SKIP: {
      const info = seL4_Recv(faultEp, 0);
      faultInfo = info;
      const n = seL4_MessageInfo_get_length(info);
      for (let i: u32 = 0; i < n && i < 16; i++) store<u32>(faultMrs + (<usize>i << 2), seL4_GetMR(<i32>i));
      faults++;
      if (kind == FH_KEEP) {
        seL4_Signal(done);
        return true;
      }
      if (kind == FH_MAP) {
        seL4_X86_Page_Map(frame, MY_VSPACE, mr(seL4_VMFault_Addr) & ~0xFFF, R_RW, seL4_X86_Default_VMAttributes);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
        return true;
      }
      // FH_SKIP: the registers back, with FaultIP past the faulting instruction (2 bytes: sysenter, ud2) and EBX changed.
      const ip = seL4_MessageInfo_get_label(info) == seL4_Fault_UnknownSyscall ? seL4_UnknownSyscall_FaultIP : seL4_UserException_FaultIP;
      for (let i: u32 = 0; i < n && i < 16; i++) seL4_SetMR(<i32>i, mr(i));
      seL4_SetMR(<i32>ip, mr(ip) + 2);
      if (seL4_MessageInfo_get_label(info) == seL4_Fault_UnknownSyscall) seL4_SetMR(<i32>seL4_UnknownSyscall_EBX, R_EBX_ANSWER);
      seL4_Reply(seL4_MessageInfo_new(0, 0, 0, ip + 3 <= n ? ip + 3 : n)); // up to FLAGS
      return true;
    }
    default:
      return false;
  }
}

function setUp(handler: i32): void {
  faultEp = make(OBJ_ENDPOINT, 0);
  done = make(OBJ_NOTIFICATION, 0);
  faults = 0;
  afterRan = 0;
  spawn(handler, 0, myPriority());
}

/** A frame holding `v` at `offset`, mapped nowhere (a frame capability maps once, so the fill mapping goes). */
function frameHolding(offset: u32, v: u32): u32 {
  const f = make(OBJ_X86_4K, 0);
  const at = FILL_AT;
  checkEq(seL4_X86_Page_Map(f, MY_VSPACE, at, R_RW, seL4_X86_Default_VMAttributes), seL4_NoError, "map the frame to fill it");
  store<u32>(at + offset, v);
  checkEq(seL4_X86_Page_Unmap(f), seL4_NoError, "unmap it again");
  return f;
}

/** PAGEFAULT0001: a read of an unmapped page goes to the handler as a VM fault; the handler maps it and the read goes on. */
export function pageFaultRead(): void {
  setUp(FH_MAP);
  address = UNMAPPED + 0x20;
  frame = frameHolding(0x20, 0xCAFE);
  spawn(F_READ, 0, myPriority(), faultEp);
  seL4_Wait(done, 0);
  checkEq(faults, 1, "one fault");
  checkEq(seL4_MessageInfo_get_label(faultInfo), seL4_Fault_VMFault, "a VM fault");
  checkEq(mr(seL4_VMFault_Addr), address, "at the address read");
  checkEq(mr(seL4_VMFault_PrefetchFault), 0, "a data access");
  checkEq(mr(seL4_VMFault_FSR), PF_USER, "a user read of a page not present");
  check(mr(seL4_VMFault_IP) >= USER_TEXT_BASE, "the instruction pointer is in the program");
  checkEq(afterRan, 1, "the thread ran on");
  checkEq(after, 0xCAFE, "and read the page the handler mapped");
}

/** PAGEFAULT0002: a write fault likewise; the write lands in the page the handler mapped. */
export function pageFaultWrite(): void {
  setUp(FH_MAP);
  address = UNMAPPED + 0x44;
  frame = frameHolding(0x44, 0);
  spawn(F_WRITE, 0, myPriority(), faultEp);
  seL4_Wait(done, 0);
  checkEq(faults, 1, "one fault");
  checkEq(seL4_MessageInfo_get_label(faultInfo), seL4_Fault_VMFault, "a VM fault");
  checkEq(mr(seL4_VMFault_Addr), address, "at the address written");
  checkEq(mr(seL4_VMFault_FSR), PF_USER | PF_WRITE, "a user write of a page not present");
  checkEq(after, 0x5EED, "the write went through after the reply");
}

/** PAGEFAULT0003: a jump to an unmapped page is a VM fault at that address, which is the instruction pointer. */
export function pageFaultExecute(): void {
  setUp(FH_KEEP);
  address = UNMAPPED + 0x800;
  spawn(F_EXEC, 0, myPriority(), faultEp);
  seL4_Wait(done, 0);
  checkEq(seL4_MessageInfo_get_label(faultInfo), seL4_Fault_VMFault, "a VM fault");
  checkEq(mr(seL4_VMFault_Addr), address, "at the target");
  checkEq(mr(seL4_VMFault_IP), address, "which is the instruction pointer");
  checkEq(mr(seL4_VMFault_PrefetchFault), 0, "reported as a data access: 32-bit paging has no fetch bit (PF_*)");
  checkEq(mr(seL4_VMFault_FSR), PF_USER, "a user access to a page not present");
  checkEq(afterRan, 0, "the thread waits for a reply");
}

/** PAGEFAULT0004: an unknown system call goes to the handler with the registers; its reply sets them and resumes. */
export function unknownSyscall(): void {
  setUp(FH_SKIP);
  spawn(F_SYSCALL, 0, myPriority(), faultEp);
  seL4_Wait(done, 0);
  checkEq(seL4_MessageInfo_get_label(faultInfo), seL4_Fault_UnknownSyscall, "an unknown-syscall fault");
  checkEq(seL4_MessageInfo_get_length(faultInfo), seL4_UnknownSyscall_Length, "of seL4's length");
  checkEq(mr(seL4_UnknownSyscall_EAX), <u32>UNASSIGNED_SYSCALL, "EAX");
  checkEq(mr(seL4_UnknownSyscall_EBX), R_EBX, "EBX");
  checkEq(mr(seL4_UnknownSyscall_ESI), R_ESI, "ESI");
  checkEq(mr(seL4_UnknownSyscall_EDI), R_EDI, "EDI");
  checkEq(mr(seL4_UnknownSyscall_EBP), R_EBP, "EBP");
  checkEq(mr(seL4_UnknownSyscall_Syscall), <u32>UNASSIGNED_SYSCALL, "the number");
  check(mr(seL4_UnknownSyscall_FaultIP) >= USER_TEXT_BASE, "FaultIP is in the program");
  check(mr(seL4_UnknownSyscall_SP) > THREAD_AREA_BASE, "SP is on the thread's stack");
  checkEq(afterRan, 1, "the thread ran on after the reply");
  checkEq(after, R_EBX_ANSWER, "with the EBX the handler set");
}

/** PAGEFAULT0005: an undefined instruction is a user exception (vector 6); the handler's reply moves past it. */
export function undefinedInstruction(): void {
  setUp(FH_SKIP);
  spawn(F_UD2, 0, myPriority(), faultEp);
  seL4_Wait(done, 0);
  checkEq(seL4_MessageInfo_get_label(faultInfo), seL4_Fault_UserException, "a user exception");
  checkEq(seL4_MessageInfo_get_length(faultInfo), seL4_UserException_Length, "of seL4's length");
  checkEq(mr(seL4_UserException_Number), VECTOR_INVALID_OPCODE, "vector 6");
  checkEq(mr(seL4_UserException_Code), 0, "no error code");
  checkEq(afterRan, 1, "the thread ran on past the ud2");
}

/** FPU0004: a thread with the FPU disabled takes a user exception (vector 7) on its first float instruction. */
export function fpuDisabled(): void {
  setUp(FH_KEEP);
  const t = spawn(F_FPU, 3, myPriority(), faultEp, false);
  checkEq(seL4_TCB_SetFlags(t, 0, seL4_TCBFlag_fpuDisabled), seL4_NoError, "disable its FPU");
  resume(t);
  seL4_Wait(done, 0);
  checkEq(seL4_MessageInfo_get_label(faultInfo), seL4_Fault_UserException, "a user exception");
  checkEq(mr(seL4_UserException_Number), VECTOR_DEVICE_NOT_AVAILABLE, "device not available");
  checkEq(afterRan, 0, "the computation did not run");
}

/** STACK_ALIGNMENT_001: a new thread starts with a 16-byte aligned stack, as the i386 ABI wants at a call. */
export function stackAlignment(): void {
  done = make(OBJ_NOTIFICATION, 0);
  afterRan = 0;
  spawn(F_STACK, 0, myPriority());
  seL4_Wait(done, 0);
  checkEq(afterRan, 1, "the thread ran");
  check(after > THREAD_AREA_BASE, "its stack is in the thread area");
  checkEq(after & 15, 0, "16-byte aligned where it calls into the program (the i386 ABI's rule)");
}

function resume(t: u32): void {
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "resume it");
}
