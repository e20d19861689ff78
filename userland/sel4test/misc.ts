// userland/sel4test/misc.ts: in-OS tests of domains, the debug and yield system calls, and device memory.
//
// Owns: the tests that re-express sel4test's domains.cxx (DOMAINS0001-0003),
// syscall.c (SYSCALL0000, SYSCALL0006, and SYSCALL0006-snapshot for the
// DebugSnapshot call, which sel4test has no test of), frames.c (FRAMEDIPC0001,
// FRAMEDIPC0002) and device untyped retype. The driver grants the Domain
// capability and a device untyped (PROCESS_SLOT_DOMAIN,
// PROCESS_SLOT_DEVICE_UNTYPED, libs/abi/layout.def.ts).
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_InvalidArgument, seL4_IllegalOperation, ERROR_MR_INVALID_ARGUMENT_NUMBER,
  OBJ_TCB, OBJ_ENDPOINT, OBJ_X86_4K, OBJ_UNTYPED, OBJ_CAP_TABLE, CONFIG_NUM_DOMAINS, CAP_DOMAIN_CAP, CAP_UNTYPED_CAP,
  CAP_FRAME_CAP, CAP_THREAD_CAP, seL4_CapInitThreadTCB, SYS_DEBUG_SNAPSHOT,
} from "../../libs/abi/sel4.gen";
import { PROCESS_SLOT_DOMAIN, PROCESS_SLOT_DEVICE_UNTYPED } from "../../libs/abi/layout.gen";
import {
  seL4_DomainSet_Set, seL4_Untyped_Retype, seL4_TCB_Configure, seL4_TCB_SetIPCBuffer, seL4_TCB_Suspend,
} from "../../libs/user/invocations.gen";
import { seL4_Yield, seL4_DebugPutChar, seL4_DebugCapIdentify, seL4_DebugSnapshot, seL4_MessageInfo_new } from "../../libs/user/ipc";
import { syscall, sysRegs, REG_EBX, REG_ESI, REG_EDI, REG_EBP } from "../../libs/user/syscall";
import { MY_CNODE, MY_VSPACE, freeSlot, check, checkEq } from "../../libs/user/testing";
import { make, detail } from "./env";

/** DOMAINS0001: a thread can be put in domain 0, the one domain there is. */
export function domainSet(): void {
  checkEq(seL4_DebugCapIdentify(PROCESS_SLOT_DOMAIN), CAP_DOMAIN_CAP, "the driver granted the Domain capability");
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, 0, t), seL4_NoError, "domain 0");
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, 0, seL4_CapInitThreadTCB), seL4_NoError, "ourselves, domain 0");
}

/** DOMAINS0002: a domain that does not exist is InvalidArgument 0. */
export function domainNonexistent(): void {
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, CONFIG_NUM_DOMAINS, t), seL4_InvalidArgument, "domain CONFIG_NUM_DOMAINS");
  checkEq(detail(ERROR_MR_INVALID_ARGUMENT_NUMBER), 0, "argument 0");
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, 0xffffffff, t), seL4_InvalidArgument, "domain 2^32 - 1");
}

/** DOMAINS0003: DomainSet_Set on a capability that is not the Domain capability, or with a non-TCB, fails. */
export function domainWrongCap(): void {
  const t = make(OBJ_TCB, 0);
  const ep = make(OBJ_ENDPOINT, 0);
  const frame = make(OBJ_X86_4K, 0);
  // (An endpoint invoked would take the invocation as a message to send: a frame stands for "not a Domain capability".)
  checkEq(seL4_DomainSet_Set(frame, 0, t), seL4_IllegalOperation, "a frame as the Domain capability");
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, 0, ep), seL4_InvalidArgument, "an endpoint as the thread");
  checkEq(detail(ERROR_MR_INVALID_ARGUMENT_NUMBER), 1, "argument 1");
  checkEq(seL4_DomainSet_Set(PROCESS_SLOT_DOMAIN, 0, freeSlot()), seL4_InvalidArgument, "an empty slot as the thread");
}

/** SYSCALL0000: seL4_Yield returns to the caller (nothing else at its priority is waiting). */
export function syscallYield(): void {
  for (let i = 0; i < 100; i++) seL4_Yield();
  check(true, "100 yields returned");
}

/** SYSCALL0006: seL4_DebugPutChar prints (the driver's system test reads the line). */
export function syscallPutChar(): void {
  const s = "sel4test: DebugPutChar works\n";
  for (let i = 0; i < s.length; i++) seL4_DebugPutChar(s.charCodeAt(i));
  check(true, "printed");
}

/**
 * SYSCALL0006 (snapshot): seL4_DebugSnapshot, a debug call of the same
 * kind, returns to the caller (tsos has no capDL dump; the kernel prints
 * one line, which the system test reads), and gives back EBX, ESI, EDI
 * and EBP as the caller passed them: the call writes none of them.
 */
export function syscallDebugSnapshot(): void {
  seL4_DebugSnapshot();
  check(true, "seL4_DebugSnapshot returned");
  const info = seL4_MessageInfo_new(0, 0, 0, 2);
  syscall(SYS_DEBUG_SNAPSHOT, 0x11111111, info, 0x33333333, 0x44444444);
  const regs = sysRegs();
  checkEq(load<u32>(regs, REG_EBX), 0x11111111, "EBX as passed");
  checkEq(load<u32>(regs, REG_ESI), info, "ESI as passed");
  checkEq(load<u32>(regs, REG_EDI), 0x33333333, "EDI as passed");
  checkEq(load<u32>(regs, REG_EBP), 0x44444444, "EBP as passed");
  checkEq(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), CAP_THREAD_CAP, "the kernel still answers");
}

/** RETYPE0000 (device): a device untyped yields frames, never kernel objects. */
export function retypeDevice(): void {
  const dev = PROCESS_SLOT_DEVICE_UNTYPED;
  checkEq(seL4_DebugCapIdentify(dev), CAP_UNTYPED_CAP, "the driver granted a device untyped");
  checkEq(seL4_Untyped_Retype(dev, OBJ_TCB, 0, MY_CNODE, 0, 0, freeSlot(), 1), seL4_InvalidArgument, "no TCB from device memory");
  checkEq(seL4_Untyped_Retype(dev, OBJ_CAP_TABLE, 2, MY_CNODE, 0, 0, freeSlot(), 1), seL4_InvalidArgument, "no CNode");
  checkEq(seL4_Untyped_Retype(dev, OBJ_ENDPOINT, 0, MY_CNODE, 0, 0, freeSlot(), 1), seL4_InvalidArgument, "no endpoint");
  const f = freeSlot();
  checkEq(seL4_Untyped_Retype(dev, OBJ_X86_4K, 0, MY_CNODE, 0, 0, f, 1), seL4_NoError, "a frame");
  checkEq(seL4_DebugCapIdentify(f), CAP_FRAME_CAP, "a frame capability");
  const u = freeSlot();
  checkEq(seL4_Untyped_Retype(dev, OBJ_UNTYPED, 12, MY_CNODE, 0, 0, u, 1), seL4_NoError, "a smaller device untyped");
  checkEq(seL4_Untyped_Retype(u, OBJ_TCB, 0, MY_CNODE, 0, 0, freeSlot(), 1), seL4_InvalidArgument, "which is device memory too");
}

/** FRAMEDIPC0001: a thread cannot be configured with a device frame as its IPC buffer. */
export function ipcBufferDeviceConfigure(): void {
  const f = freeSlot();
  checkEq(seL4_Untyped_Retype(PROCESS_SLOT_DEVICE_UNTYPED, OBJ_X86_4K, 0, MY_CNODE, 0, 0, f, 1), seL4_NoError, "a device frame");
  const t = make(OBJ_TCB, 0);
  checkEq(seL4_TCB_Configure(t, 0, MY_CNODE, 0, MY_VSPACE, 0, 0x18000000, f), seL4_IllegalOperation, "Configure with a device frame");
  const ram = make(OBJ_X86_4K, 0);
  checkEq(seL4_TCB_Configure(t, 0, MY_CNODE, 0, MY_VSPACE, 0, 0x18000000, ram), seL4_NoError, "a RAM frame works");
}

/** FRAMEDIPC0002: a thread's IPC buffer cannot be switched to a device frame. */
export function ipcBufferDeviceSwitch(): void {
  const f = freeSlot();
  checkEq(seL4_Untyped_Retype(PROCESS_SLOT_DEVICE_UNTYPED, OBJ_X86_4K, 0, MY_CNODE, 0, 0, f, 1), seL4_NoError, "a device frame");
  const t = make(OBJ_TCB, 0);
  const ram = make(OBJ_X86_4K, 0);
  checkEq(seL4_TCB_SetIPCBuffer(t, 0x18000000, ram), seL4_NoError, "a RAM frame first");
  checkEq(seL4_TCB_SetIPCBuffer(t, 0x18000000, f), seL4_IllegalOperation, "then a device frame is refused");
  checkEq(seL4_TCB_SetIPCBuffer(t, 0, 0), seL4_NoError, "no buffer at all is fine");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "the thread is still a thread");
}

