// userland/faulter/main.ts: does one forbidden thing, chosen by its argument.
//
// Arguments: <name> <kind>. Each kind must end in a fault report from the
// kernel that stops this thread only (test/system/threads.test.ts):
//   unmapped      read address 0x10 (page 0 is never mapped)
//   readonly      write to its own text page
//   kernel-jump   call into kernel memory (the kernel's first text page)
//   kernel-read   read kernel memory
//   cli hlt in out cr3   privileged instructions in ring 3
//   ud2 divide int3 int80
//   bad-syscall   an unknown system call number
//   garbage       sysenter with every register garbage
//   bad-stack     sysenter with an unmapped user stack
// If the thread survives, it says so and exits with status 1.
// Failures that are the program's own, reported by its runtime
// (libs/user/runtime.ts), not by the kernel:
//   assert        a failed assert(): the message and its .ts position, status 134
//   wasm-divide   a wasm integer division by zero: a wasm trap, status 57005
// With a third argument "handled", the fault is not the kernel's to
// report: the program starts a thread in its own address space that does
// the forbidden thing, with an endpoint of the program's as its fault
// handler, and the first thread, the handler, receives the fault message
// and prints it in seL4's terms:
//   "faulter: handler got <VMFault|UserException|UnknownSyscall|CapFault> <words>"
// then stops the faulting thread and exits with status 0. This needs an
// untyped share (the root task's grant=<i>).
// Hostile but legal, which the thread must survive (exit status 0):
//   tf-syscall    sysenter with EFLAGS.TF set (sysenter keeps TF)
//   nt-yield      Yield with EFLAGS.NT set (an iret with NT is a task switch)
//   null-ds       system calls with the null selector in DS and ES

import { nameThreadBytes, print, printLine, printHex, printDec, argIs, hasArg, argsAddr, argsLength, syscall } from "../../libs/user/sys";
import {
  seL4_NoError, OBJ_ENDPOINT, seL4_Fault_VMFault, seL4_Fault_UserException, seL4_Fault_UnknownSyscall, seL4_Fault_CapFault,
  seL4_VMFault_IP, seL4_VMFault_Addr, seL4_VMFault_PrefetchFault, seL4_VMFault_FSR, seL4_UserException_FaultIP,
  seL4_UserException_SP, seL4_UserException_Number, seL4_UserException_Code, seL4_UnknownSyscall_FaultIP,
  seL4_UnknownSyscall_Syscall, seL4_CapFault_Addr,
} from "../../libs/abi/sel4.gen";
import { seL4_Recv, seL4_GetMR, seL4_MessageInfo_get_label } from "../../libs/user/ipc";
import { seL4_Untyped_Retype, seL4_TCB_Suspend } from "../../libs/user/invocations.gen";
import { MY_CNODE, MY_VSPACE, MY_TCB, myUntyped, myPriority, freeSlot, freeSlots } from "../../libs/user/testing";
import { threadAreaInit, threadCreate, threadResume, THREAD_SLOTS } from "../../libs/user/thread";
import { USER_TEXT_BASE } from "../../libs/abi/layout.gen";
// A fault-test program may know where the kernel is: it aims at it.
import { KERNEL_VBASE, KERNEL_IMAGE_PHYS, EFLAGS_TF, EFLAGS_NT } from "../../kernel/arch/x86/machine.gen";
import { SYS_BENCHMARK_NULL_SYSCALL, SYS_YIELD } from "../../libs/abi/sel4.gen";

import { UNASSIGNED_SYSCALL } from "../../libs/abi/tsos.gen";

/** The kernel's first text page. */
// @ts-ignore: decorator
@inline const KERNEL_TEXT: u32 = KERNEL_VBASE + KERNEL_IMAGE_PHYS;

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "cli") declare function cli(): void;
// @ts-ignore: decorator
@external("x86", "hlt") declare function hlt(): void;
// @ts-ignore: decorator
@external("x86", "inb") declare function inb(port: u32): u32;
// @ts-ignore: decorator
@external("x86", "outb") declare function outb(port: u32, v: u32): void;
// @ts-ignore: decorator
@external("x86", "writeCr3") declare function writeCr3(v: u32): void;
// @ts-ignore: decorator
@external("x86", "ud2") declare function ud2(): void;
// @ts-ignore: decorator
@external("x86", "int3") declare function int3(): void;
// @ts-ignore: decorator
@external("x86", "int80") declare function int80(): void;
// @ts-ignore: decorator
@external("x86", "divu") declare function divu(a: u32, b: u32): u32;
// @ts-ignore: decorator
@external("x86", "callAddress") declare function callAddress(a: u32): void;
// @ts-ignore: decorator
@external("x86", "sysenterWithStack") declare function sysenterWithStack(n: u32, esp: u32): void;
// @ts-ignore: decorator
@external("x86", "sysenterGarbage") declare function sysenterGarbage(n: u32): void;
// @ts-ignore: decorator
@external("x86", "sysenterWithNullDs") declare function sysenterWithNullDs(n: u32): u32;
// @ts-ignore: decorator
@external("x86", "sysenterWithFlags") declare function sysenterWithFlags(n: u32, flags: u32): void;

const zero = memory.data(4);

export function main(): u32 {
  const a = argsAddr();
  const len = argsLength();
  let n: u32 = 0;
  while (n < len && load<u8>(a + n) != 0x20) n++;
  nameThreadBytes(a, n);
  if (hasArg("handled")) return handled();
  return forbidden();
}

/** The faulting thread of the handled variant (libs/user/thread.ts starts it here). */
export function threadMain(kind: i32, arg: u32): void {
  forbidden();
}

/** Does what argument 1 names; returns only if it survives (status 1), or for the hostile but legal kinds (0). */
function forbidden(): u32 {
  const z = load<u32>(zero); // 0, but the optimiser cannot know
  if (argIs(1, "unmapped")) print(load<u32>(0x10 + z) == 1 ? "" : "");
  else if (argIs(1, "readonly")) store<u32>(USER_TEXT_BASE + z, 0);
  else if (argIs(1, "kernel-jump")) callAddress(KERNEL_TEXT + z);
  else if (argIs(1, "kernel-read")) print(load<u32>(KERNEL_TEXT + z) == 1 ? "" : "");
  else if (argIs(1, "cli")) cli();
  else if (argIs(1, "hlt")) hlt();
  else if (argIs(1, "in")) print(inb(0x3F8 + z) == 1 ? "" : "");
  else if (argIs(1, "out")) outb(0x80 + z, 0);
  else if (argIs(1, "cr3")) writeCr3(z);
  else if (argIs(1, "ud2")) ud2();
  else if (argIs(1, "divide")) print(divu(1, z) == 1 ? "" : "");
  else if (argIs(1, "int3")) int3();
  else if (argIs(1, "int80")) int80();
  else if (argIs(1, "bad-syscall")) syscall(UNASSIGNED_SYSCALL + <i32>z, 0, 0, 0, 0);
  else if (argIs(1, "garbage")) sysenterGarbage(0x7A5C3E1F + z);
  else if (argIs(1, "assert")) assert(z == 1, "faulter was asked to fail an assertion");
  else if (argIs(1, "wasm-divide")) print(1 / z == 1 ? "" : "");
  else if (argIs(1, "bad-stack")) sysenterWithStack(<u32>SYS_BENCHMARK_NULL_SYSCALL + z, 0x10 + z);
  else if (argIs(1, "null-ds")) {
    let ds: u32 = 0;
    for (let i = 0; i < 3; i++) ds = sysenterWithNullDs(<u32>SYS_YIELD + z);
    print("faulter: ds after the system call ");
    printHex(ds);
    printLine("");
    printLine("faulter: survived null-ds");
    return 0;
  } else if (argIs(1, "tf-syscall") || argIs(1, "nt-yield")) {
    const tf = argIs(1, "tf-syscall");
    for (let i = 0; i < 3; i++) sysenterWithFlags(tf ? <u32>SYS_BENCHMARK_NULL_SYSCALL : <u32>SYS_YIELD, tf ? EFLAGS_TF : EFLAGS_NT);
    printLine(tf ? "faulter: survived tf-syscall" : "faulter: survived nt-yield");
    return 0;
  }
  else {
    printLine("faulter: unknown kind");
    return 2;
  }
  printLine("faulter: still alive after the fault");
  return 1;
}

const badgeCell = memory.data(4, 4);

function word(name: string, v: u32): void {
  print(" ");
  print(name);
  print(" ");
  printHex(v);
}

/** The handled variant: a thread does the forbidden thing; we are its fault handler and print what we get. */
function handled(): u32 {
  if (myUntyped() == 0) {
    printLine("faulter: handled needs an untyped share (root grant=<i>)");
    return 2;
  }
  const ep = freeSlot();
  if (seL4_Untyped_Retype(myUntyped(), OBJ_ENDPOINT, 0, MY_CNODE, 0, 0, ep, 1) != seL4_NoError ||
      threadAreaInit(myUntyped(), MY_CNODE, MY_VSPACE, freeSlot()) != seL4_NoError) {
    printLine("faulter: cannot make the fault endpoint and the thread area");
    return 2;
  }
  const first = freeSlots(THREAD_SLOTS);
  if (threadCreate(myUntyped(), MY_CNODE, MY_VSPACE, first, 0, 0, 0, myPriority(), MY_TCB, ep) != seL4_NoError ||
      threadResume(first) != seL4_NoError) {
    printLine("faulter: cannot start the faulting thread");
    return 2;
  }
  const info = seL4_Recv(ep, badgeCell);
  const label = seL4_MessageInfo_get_label(info);
  print("faulter: handler got");
  if (label == seL4_Fault_VMFault) {
    print(" VMFault");
    word("ip", seL4_GetMR(seL4_VMFault_IP));
    word("addr", seL4_GetMR(seL4_VMFault_Addr));
    word("prefetch", seL4_GetMR(seL4_VMFault_PrefetchFault));
    word("fsr", seL4_GetMR(seL4_VMFault_FSR));
  } else if (label == seL4_Fault_UserException) {
    print(" UserException");
    word("ip", seL4_GetMR(seL4_UserException_FaultIP));
    word("sp", seL4_GetMR(seL4_UserException_SP));
    word("number", seL4_GetMR(seL4_UserException_Number));
    word("code", seL4_GetMR(seL4_UserException_Code));
  } else if (label == seL4_Fault_UnknownSyscall) {
    print(" UnknownSyscall");
    word("ip", seL4_GetMR(seL4_UnknownSyscall_FaultIP));
    word("syscall", seL4_GetMR(seL4_UnknownSyscall_Syscall));
  } else if (label == seL4_Fault_CapFault) {
    print(" CapFault");
    word("addr", seL4_GetMR(seL4_CapFault_Addr));
  } else {
    print(" label ");
    printDec(label);
  }
  printLine("");
  seL4_TCB_Suspend(first);
  printLine("faulter: the faulting thread is stopped; the handler goes on");
  return 0;
}
