// userland/sel4test/ioports.ts: in-OS tests of x86 I/O ports.
//
// Owns: the test that re-expresses sel4test's ioports.c (IOPORTS1000: a
// thread that executes `in` and `out` itself, without a capability, takes
// a general-protection fault for each, delivered to its fault handler as
// a user exception; the handler writes EAX = 1 and moves it past the
// instruction, as sel4test's does), and tsos's tests of the IOPortControl
// the driver lends (PROCESS_SLOT_IO_PORT_CONTROL) and of IOPort
// capabilities: Issue with each of seL4's errors, In and Out through a
// range and nothing outside it, the ports the kernel keeps, a copy keeping
// a range, the last deletion (or a CNode's, or a Revoke of IOPortControl)
// freeing it; and the helper threads of IOPORTS1000.
// Must not: depend on another test's leftovers (each runs in a fresh
// process); write any port but the CMOS index port 0x70 (with bit 7 clear,
// so NMIs stay enabled) and the POST diagnostic port 0x80; succeed in
// touching a port of the kernel's.

import {
  seL4_NoError, seL4_InvalidArgument, seL4_IllegalOperation, seL4_RangeError, seL4_FailedLookup,
  seL4_TruncatedMessage, seL4_DeleteFirst, seL4_RevokeFirst, seL4_InvalidRoot, seL4_Fault_UserException,
  seL4_UserException_Number, seL4_UserException_Code, seL4_UserException_Length, USER_CONTEXT_SIZE,
  USER_CONTEXT_EIP, USER_CONTEXT_EAX, CAP_IO_PORT_CAP, CAP_IO_PORT_CONTROL_CAP, CAP_NULL_CAP,
  ERROR_MR_INVALID_ARGUMENT_NUMBER, ERROR_MR_FAILED_LOOKUP_TYPE, ERROR_MR_RANGE_ERROR_MIN, ERROR_MR_RANGE_ERROR_MAX,
  LABEL_X86_IO_PORT_CONTROL_ISSUE, LABEL_X86_IO_PORT_IN8, LABEL_X86_IO_PORT_OUT8, OBJ_ENDPOINT, OBJ_NOTIFICATION,
  OBJ_CAP_TABLE, seL4_WordBits,
} from "../../libs/abi/sel4.gen";
import { PROCESS_SLOT_IO_PORT_CONTROL } from "../../libs/abi/layout.gen";
import {
  KERNEL_PORTS_PIC1_FIRST, KERNEL_PORTS_PIC1_LAST,
  KERNEL_PORTS_PIC2_FIRST, KERNEL_PORTS_PIC2_LAST, KERNEL_PORTS_DEBUG_EXIT,
} from "../../libs/abi/tsos.gen";
import { COM1_BASE } from "../../kernel/arch/x86/machine.gen";
import {
  seL4_X86_IOPortControl_Issue, seL4_X86_IOPort_In8, seL4_X86_IOPort_In8_result, seL4_X86_IOPort_In16,
  seL4_X86_IOPort_In32, seL4_X86_IOPort_Out8, seL4_X86_IOPort_Out16, seL4_X86_IOPort_Out32,
  seL4_TCB_ReadRegisters, seL4_TCB_WriteRegisters, seL4_TCB_Resume, seL4_CNode_Revoke, seL4_CNode_Move,
} from "../../libs/user/invocations.gen";
import {
  seL4_Recv, seL4_Signal, seL4_Wait, seL4_GetMR, seL4_SetMR, seL4_SetCap, seL4_DebugCapIdentify,
  seL4_MessageInfo_get_label, seL4_MessageInfo_get_length, invoke,
} from "../../libs/user/ipc";
import { MY_CNODE, DEPTH, freeSlot, check, checkEq, myPriority } from "../../libs/user/testing";
import { make, copy, mint, del, detail, spawn, R_ALL } from "./env";

// @ts-ignore: decorator
@external("x86", "inb") declare function inb(port: u32): u32;
// @ts-ignore: decorator
@external("x86", "outb") declare function outb(port: u32, value: u32): void;

/** The IOPortControl the driver lends. */
// @ts-ignore: decorator
@inline const CONTROL: u32 = PROCESS_SLOT_IO_PORT_CONTROL;
// @ts-ignore: decorator
@inline const VECTOR_GENERAL_PROTECTION: u32 = 13;
/** The CMOS/RTC index and data ports; register D (bit 7: valid RAM and time) reads 0x80 on a healthy RTC and on QEMU's. */
// @ts-ignore: decorator
@inline const CMOS_INDEX: u32 = 0x70;
// @ts-ignore: decorator
@inline const CMOS_DATA: u32 = 0x71;
// @ts-ignore: decorator
@inline const CMOS_REG_D: u32 = 0x0D;
// @ts-ignore: decorator
@inline const CMOS_REG_D_VRT: u32 = 0x80;
/** The POST diagnostic port: writes are harmless (nothing reads them but a POST card). */
// @ts-ignore: decorator
@inline const POST_PORT: u32 = 0x80;
/** sel4test's IOPORTS1000: an `in` from every 256th port, 256 in all; then one `out`. */
// @ts-ignore: decorator
@inline const PORT_STRIDE: u32 = 256;
// @ts-ignore: decorator
@inline const IN_FAULTS: u32 = 65536 / PORT_STRIDE;
/** The handler gives up (and signals done) after this many faults, so a runaway faulter cannot hang the suite. */
// @ts-ignore: decorator
@inline const MAX_FAULTS: u32 = IN_FAULTS + 8;

// ── IOPORTS1000's helpers ────────────────────────────────────────────

// @ts-ignore: decorator
@inline export const IO_FAULTER: i32 = 300; // in from every 256th port, then out to the POST port; signal done
// @ts-ignore: decorator
@inline export const IO_HANDLER: i32 = 301; // take each fault: check it, EAX = 1, EIP past the instruction, resume

let faultEp: u32 = 0;
let done: u32 = 0;
let faulterTcb: u32 = 0;
/** What the faulter saw: `in`s run, how many gave 1 (the handler's EAX), and whether it got past the `out`. */
let insRun: u32 = 0;
let insGotOne: u32 = 0;
let outPassed: u32 = 0;
/** What the handler saw: faults, and how many were not a #GP user exception of seL4's length with error code 0. */
let faults: u32 = 0;
let badFaults: u32 = 0;
/** Instructions the handler could not decode (not an in/out), or failed register invocations. */
let handlerTrouble: u32 = 0;
const regs = memory.data(<i32>USER_CONTEXT_SIZE, 4);

/**
 * The length of the in/out instruction at `eip`: 1 for the DX forms
 * (0xEC-0xEF), 2 for the immediate-port forms (0xE4-0xE7), one more for an
 * operand-size prefix; 0 if it is none of them.
 */
function inOutLength(eip: u32): u32 {
  let n: u32 = 0;
  let op = <u32>load<u8>(eip);
  if (op == 0x66) {
    n = 1;
    op = <u32>load<u8>(eip + 1);
  }
  if (op >= 0xEC && op <= 0xEF) return n + 1;
  if (op >= 0xE4 && op <= 0xE7) return n + 2;
  return 0;
}

export function ioportsHelperMain(kind: i32, arg: u32): bool {
  switch (kind) {
    case IO_FAULTER: {
      for (let port: u32 = 0; port < 65536; port += PORT_STRIDE) {
        const v = inb(port);
        insRun++;
        if (v == 1) insGotOne++;
      }
      outb(POST_PORT, 0);
      outPassed = 1;
      seL4_Signal(done);
      return true;
    }
    case IO_HANDLER: {
      const words = <u32>USER_CONTEXT_SIZE >> 2;
      while (true) {
        const info = seL4_Recv(faultEp, 0);
        faults++;
        if (seL4_MessageInfo_get_label(info) != seL4_Fault_UserException || seL4_MessageInfo_get_length(info) != seL4_UserException_Length ||
            seL4_GetMR(<i32>seL4_UserException_Number) != VECTOR_GENERAL_PROTECTION || seL4_GetMR(<i32>seL4_UserException_Code) != 0) {
          badFaults++;
        }
        // As sel4test's handler: EAX = 1 and EIP past the instruction, by WriteRegisters with resume (no reply).
        if (faults > MAX_FAULTS || seL4_TCB_ReadRegisters(faulterTcb, false, 0, words, regs) != seL4_NoError) break;
        const eip = load<u32>(regs + USER_CONTEXT_EIP);
        const length = inOutLength(eip);
        if (length == 0) break;
        store<u32>(regs + USER_CONTEXT_EAX, 1);
        store<u32>(regs + USER_CONTEXT_EIP, eip + length);
        if (seL4_TCB_WriteRegisters(faulterTcb, true, 0, words, regs) != seL4_NoError) break;
      }
      handlerTrouble++;
      seL4_Signal(done); // the faulter stays stopped; the test sees why
      return true;
    }
    default:
      return false;
  }
}

/** IOPORTS1000: `in` and `out` without a capability are general-protection faults, each delivered to the fault handler. */
export function directPortAccessFaults(): void {
  faultEp = make(OBJ_ENDPOINT, 0);
  done = make(OBJ_NOTIFICATION, 0);
  spawn(IO_HANDLER, 0, myPriority());
  // The handler needs the faulter's TCB before the first fault: resume the faulter only once it is known.
  faulterTcb = spawn(IO_FAULTER, 0, myPriority(), faultEp, false);
  checkEq(seL4_TCB_Resume(faulterTcb), seL4_NoError, "start the faulter");
  seL4_Wait(done, 0);
  checkEq(handlerTrouble, 0, "the handler decoded every instruction and its register invocations succeeded");
  checkEq(faults, IN_FAULTS + 1, "one fault for each in and for the out");
  checkEq(badFaults, 0, "each a user exception: general protection (vector 13), error code 0");
  checkEq(insRun, IN_FAULTS, "the faulter ran every in");
  checkEq(insGotOne, IN_FAULTS, "and each gave the EAX the handler wrote");
  checkEq(outPassed, 1, "and it got past the out");
}

// ── IOPort capabilities ──────────────────────────────────────────────

/** Issues first..last into a fresh slot of ours; returns the slot (checked). */
function issue(first: u32, last: u32, what: string): u32 {
  const s = freeSlot();
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, first, last, MY_CNODE, s, DEPTH), seL4_NoError, what);
  return s;
}

/** Issue's result for first..last into a fresh slot, and the slot deleted again if it worked. */
function tryIssue(first: u32, last: u32): u32 {
  const s = freeSlot();
  const err = seL4_X86_IOPortControl_Issue(CONTROL, first, last, MY_CNODE, s, DEPTH);
  if (err == seL4_NoError) checkEq(del(s), seL4_NoError, "delete the trial capability");
  return err;
}

/** The CMOS's register D through the capability `cap` (for 0x70-0x71): 0x80, valid RAM and time. */
function readRegD(cap: u32, indexWord: u32): u32 {
  if (!checkEq(seL4_X86_IOPort_Out8(cap, indexWord, CMOS_REG_D), seL4_NoError, "select CMOS register D")) return 0;
  if (!checkEq(seL4_X86_IOPort_In8(cap, CMOS_DATA), seL4_NoError, "read it")) return 0;
  return seL4_X86_IOPort_In8_result();
}

/** IOPORTS1000-issue: Issue makes an IOPort capability, with seL4's error for each thing wrong, in seL4's order. */
export function ioportsIssue(): void {
  checkEq(seL4_DebugCapIdentify(CONTROL), CAP_IO_PORT_CONTROL_CAP, "the driver lent IOPortControl");
  const rtc = issue(CMOS_INDEX, CMOS_DATA, "issue the CMOS ports 0x70-0x71");
  checkEq(seL4_DebugCapIdentify(rtc), CAP_IO_PORT_CAP, "an IOPort capability");
  // last < first: InvalidArgument 1, checked before the overlap and the destination.
  const s = freeSlot();
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, 0x72, 0x71, MY_CNODE, rtc, DEPTH), seL4_InvalidArgument, "last port below the first");
  checkEq(detail(ERROR_MR_INVALID_ARGUMENT_NUMBER), 1, "argument 1");
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, 0x10072, 0x71, MY_CNODE, s, DEPTH), seL4_InvalidArgument, "ports are the low 16 bits");
  // Overlap: RevokeFirst, before the destination is looked at.
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, 0x71, 0x72, ep, s, 0), seL4_RevokeFirst, "a range overlapping 0x70-0x71");
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, 0x60, 0x70, MY_CNODE, s, DEPTH), seL4_RevokeFirst, "another");
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, 0x70, 0x71, MY_CNODE, s, DEPTH), seL4_RevokeFirst, "the same range");
  // The destination, as seL4's lookupTargetSlot: a CNode root, a depth of 1..32; then an empty slot.
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, POST_PORT, POST_PORT, ep, s, DEPTH), seL4_FailedLookup, "an endpoint as the root");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_InvalidRoot, "an invalid root");
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, POST_PORT, POST_PORT, MY_CNODE, s, 0), seL4_RangeError, "depth 0");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MIN), 1, "depths from 1");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MAX), seL4_WordBits, "to 32");
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, POST_PORT, POST_PORT, MY_CNODE, rtc, DEPTH), seL4_DeleteFirst, "an occupied slot");
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, POST_PORT, POST_PORT, MY_CNODE, CONTROL, DEPTH), seL4_DeleteFirst, "IOPortControl's own slot");
  // Too short: TruncatedMessage, first of all (a raw invocation; libsel4's stub always sends four words and the root).
  seL4_SetCap(0, MY_CNODE);
  checkEq(invoke(CONTROL, LABEL_X86_IO_PORT_CONTROL_ISSUE, 1, 3, 0x72, 0x71), seL4_TruncatedMessage, "three words");
  seL4_SetMR(2, s);
  seL4_SetMR(3, DEPTH);
  checkEq(invoke(CONTROL, LABEL_X86_IO_PORT_CONTROL_ISSUE, 0, 4, 0x72, 0x71), seL4_TruncatedMessage, "no destination root");
  checkEq(invoke(CONTROL, LABEL_X86_IO_PORT_IN8, 0, 1, CMOS_DATA, 0), seL4_IllegalOperation, "IOPortControl does not read ports");
  // None of that issued anything: the POST port is still free, and the slot still empty.
  checkEq(seL4_DebugCapIdentify(s), CAP_NULL_CAP, "the slot the refusals named is empty");
  checkEq(tryIssue(POST_PORT, POST_PORT), seL4_NoError, "the POST port is still free");
  // IOPortControl cannot be copied (seL4 derives it to nothing): the reason the driver lends it by moving it.
  checkEq(copy(freeSlot(), CONTROL, R_ALL), seL4_IllegalOperation, "copying IOPortControl");
  // The CMOS ports answer through the capability: register D reads 0x80.
  checkEq(readRegD(rtc, CMOS_INDEX), CMOS_REG_D_VRT, "CMOS register D: valid RAM and time");
  // The capability stays: the process's teardown must free 0x70-0x71 for the tests after this one.
}

/** IOPORTS1000-in-out: In and Out reach the ports of the capability's range at every width, and nothing past it. */
export function ioportsInOut(): void {
  const rtc = issue(CMOS_INDEX, CMOS_DATA, "issue 0x70-0x71");
  checkEq(readRegD(rtc, CMOS_INDEX), CMOS_REG_D_VRT, "CMOS register D through Out8 and In8");
  checkEq(readRegD(rtc, 0xABCD0000 | CMOS_INDEX), CMOS_REG_D_VRT, "Out8's port is the low 16 bits of its word");
  checkEq(seL4_X86_IOPort_In16(rtc, CMOS_INDEX), seL4_NoError, "In16 of 0x70-0x71");
  // Outside the range, or a width that runs past it: IllegalOperation, and the port is not touched.
  checkEq(seL4_X86_IOPort_In8(rtc, 0x6F), seL4_IllegalOperation, "In8 below the range");
  checkEq(seL4_X86_IOPort_In8(rtc, 0x72), seL4_IllegalOperation, "In8 above it");
  checkEq(seL4_X86_IOPort_In16(rtc, CMOS_DATA), seL4_IllegalOperation, "In16 of 0x71-0x72");
  checkEq(seL4_X86_IOPort_In32(rtc, CMOS_INDEX), seL4_IllegalOperation, "In32 of 0x70-0x73");
  checkEq(seL4_X86_IOPort_Out8(rtc, 0x72, 0), seL4_IllegalOperation, "Out8 above the range");
  checkEq(seL4_X86_IOPort_Out16(rtc, CMOS_DATA, 0), seL4_IllegalOperation, "Out16 of 0x71-0x72");
  checkEq(seL4_X86_IOPort_Out32(rtc, CMOS_INDEX, 0), seL4_IllegalOperation, "Out32 of 0x70-0x73");
  checkEq(seL4_X86_IOPort_Out8(rtc, KERNEL_PORTS_PIC1_FIRST, 0), seL4_IllegalOperation, "a kernel port through a capability without it");
  checkEq(readRegD(rtc, CMOS_INDEX), CMOS_REG_D_VRT, "the index still selects register D: no refused Out wrote it");
  // Too short: TruncatedMessage (raw invocations: libsel4's stubs always send enough).
  checkEq(invoke(rtc, LABEL_X86_IO_PORT_IN8, 0, 0, CMOS_DATA, 0), seL4_TruncatedMessage, "In8 without a port");
  checkEq(invoke(rtc, LABEL_X86_IO_PORT_OUT8, 0, 1, CMOS_INDEX, 0), seL4_TruncatedMessage, "Out8 without data");
  checkEq(invoke(rtc, LABEL_X86_IO_PORT_CONTROL_ISSUE, 0, 4, 0, 0), seL4_IllegalOperation, "an IOPort does not issue");
  // The POST port: Out8 works; a 4-port range passes In32 and refuses it one port further.
  const post = issue(POST_PORT, POST_PORT + 3, "issue 0x80-0x83");
  checkEq(seL4_X86_IOPort_Out8(post, POST_PORT, 0x5A), seL4_NoError, "Out8 to the POST port");
  checkEq(seL4_X86_IOPort_In32(post, POST_PORT), seL4_NoError, "In32 of 0x80-0x83");
  checkEq(seL4_X86_IOPort_In32(post, POST_PORT + 1), seL4_IllegalOperation, "In32 of 0x81-0x84");
  // The top of the port space: a width that runs past 0xFFFF is outside every range.
  const top = issue(0xFFFE, 0xFFFF, "issue 0xfffe-0xffff");
  checkEq(seL4_X86_IOPort_In16(top, 0xFFFE), seL4_NoError, "In16 of 0xfffe-0xffff");
  checkEq(seL4_X86_IOPort_In16(top, 0xFFFF), seL4_IllegalOperation, "In16 from 0xffff runs past the last port");
  checkEq(seL4_X86_IOPort_In32(top, 0xFFFE), seL4_IllegalOperation, "In32 from 0xfffe too");
}

/** IOPORTS1000-kernel-ports: the kernel's own ports are never issued; every port between them, COM1 included, is. */
export function ioportsKernelPorts(): void {
  checkEq(tryIssue(KERNEL_PORTS_PIC1_FIRST, KERNEL_PORTS_PIC1_LAST), seL4_RevokeFirst, "the master PIC");
  checkEq(tryIssue(KERNEL_PORTS_PIC1_LAST, KERNEL_PORTS_PIC1_LAST), seL4_RevokeFirst, "its data port");
  checkEq(tryIssue(KERNEL_PORTS_PIC1_LAST, KERNEL_PORTS_PIC1_LAST + 1), seL4_RevokeFirst, "a range starting inside it");
  checkEq(tryIssue(KERNEL_PORTS_PIC2_FIRST - 1, KERNEL_PORTS_PIC2_FIRST), seL4_RevokeFirst, "a range reaching the slave PIC");
  checkEq(tryIssue(KERNEL_PORTS_DEBUG_EXIT, KERNEL_PORTS_DEBUG_EXIT), seL4_RevokeFirst, "debug-exit");
  checkEq(tryIssue(0, 0xFFFF), seL4_RevokeFirst, "every port");
  // The gaps between them issue (Issue touches no port).
  checkEq(tryIssue(0, KERNEL_PORTS_PIC1_FIRST - 1), seL4_NoError, "ports below the master PIC");
  checkEq(tryIssue(KERNEL_PORTS_PIC1_LAST + 1, KERNEL_PORTS_PIC2_FIRST - 1), seL4_NoError, "between the two PICs, the PIT and the CMOS among them");
  checkEq(tryIssue(KERNEL_PORTS_PIC2_LAST + 1, KERNEL_PORTS_DEBUG_EXIT - 1), seL4_NoError, "between the slave PIC and debug-exit");
  checkEq(tryIssue(KERNEL_PORTS_DEBUG_EXIT + 1, 0xFFFF), seL4_NoError, "every port above debug-exit");
  // COM1, which the kernel's console shares, issues as in seL4 (seL4's programs drive it through one-port capabilities).
  checkEq(tryIssue(COM1_BASE, COM1_BASE + 7), seL4_NoError, "COM1's eight ports");
  checkEq(tryIssue(COM1_BASE, COM1_BASE), seL4_NoError, "COM1's data port alone");
}

/** IOPORTS1000-delete: a range stays issued while any capability to it is left; the last one's deletion frees it. */
export function ioportsDelete(): void {
  const a = issue(CMOS_INDEX, CMOS_DATA, "issue 0x70-0x71");
  const b = freeSlot();
  checkEq(copy(b, a, R_ALL), seL4_NoError, "copy it");
  const c = freeSlot();
  checkEq(mint(c, b, R_ALL, 0x1234), seL4_NoError, "mint a copy (an IOPort has no badge)");
  const d = freeSlot();
  checkEq(seL4_CNode_Move(MY_CNODE, d, DEPTH, MY_CNODE, c, DEPTH), seL4_NoError, "move that copy");
  checkEq(del(a), seL4_NoError, "delete the original");
  checkEq(tryIssue(CMOS_DATA, CMOS_DATA), seL4_RevokeFirst, "the copies keep the range issued");
  checkEq(readRegD(b, CMOS_INDEX), CMOS_REG_D_VRT, "and work");
  checkEq(del(b), seL4_NoError, "delete a copy");
  checkEq(tryIssue(CMOS_INDEX, CMOS_INDEX), seL4_RevokeFirst, "the moved one keeps it");
  checkEq(readRegD(d, CMOS_INDEX), CMOS_REG_D_VRT, "and works");
  checkEq(del(d), seL4_NoError, "delete the last");
  const again = issue(CMOS_INDEX, CMOS_DATA, "the range issues again");
  checkEq(readRegD(again, CMOS_INDEX), CMOS_REG_D_VRT, "and works");
  // Deleting a CNode deletes the capabilities in it: the last one's range is freed.
  const cnode = make(OBJ_CAP_TABLE, 4);
  checkEq(seL4_X86_IOPortControl_Issue(CONTROL, POST_PORT, POST_PORT, cnode, 5, 4), seL4_NoError, "issue the POST port into slot 5 of a 16-slot CNode");
  checkEq(tryIssue(POST_PORT, POST_PORT), seL4_RevokeFirst, "it is issued");
  checkEq(del(cnode), seL4_NoError, "delete the CNode");
  checkEq(tryIssue(POST_PORT, POST_PORT), seL4_NoError, "the POST port is free again");
  // A Revoke of IOPortControl deletes every IOPort capability (here: only ours).
  const p = issue(POST_PORT, POST_PORT + 1, "issue 0x80-0x81");
  const pc = freeSlot();
  checkEq(copy(pc, p, R_ALL), seL4_NoError, "copy it");
  checkEq(seL4_CNode_Revoke(MY_CNODE, CONTROL, DEPTH), seL4_NoError, "revoke IOPortControl");
  check(seL4_DebugCapIdentify(again) == CAP_NULL_CAP && seL4_DebugCapIdentify(p) == CAP_NULL_CAP && seL4_DebugCapIdentify(pc) == CAP_NULL_CAP, "every IOPort capability is gone");
  checkEq(seL4_DebugCapIdentify(CONTROL), CAP_IO_PORT_CONTROL_CAP, "IOPortControl itself stays");
  checkEq(tryIssue(CMOS_INDEX, POST_PORT + 1), seL4_NoError, "0x70-0x81 is free");
}
