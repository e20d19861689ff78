// userland/sel4test/interas.ts: in-OS tests across address spaces: helper processes made from the test's own ELF.
//
// Owns: the tests that re-express sel4test's inter-AS tests, ipc.c's
// IPC1001-1004 (two helper processes exchange messages of every length
// through one endpoint, at five priority pairs, started in both orders)
// and faults.c's PAGEFAULT1001-1004 (a helper process faults; the test
// process is its fault handler, sees seL4's ia32 fault message, and
// either answers it, mapping a page into the helper's address space or
// setting its registers, or leaves it waiting); starting and destroying
// those helper processes (libs/user/process.ts, as the root task's driver
// builds the test process itself, from the read-only image frames the
// driver lends: BOOTINFO_IMAGE_*); and the helper processes' bodies
// (kinds 500-599), which main.ts runs for a command line "<name> helper
// <kind> <seed> <flag>".
// A helper process gets two extra capabilities (BOOTINFO_EXTRA_CAPS): at
// EXTRA_EP the endpoint (or the fault endpoint, possibly badged), at
// EXTRA_DONE a badged notification it signals when it has finished. It
// reports in its own information page (STATUS: passed or failed;
// STATUS_DETAIL: how many messages it handled, or the word it read), which
// the test reads through the builder's mapping, then suspends itself.
// Must not: leave a helper process behind (each is destroyed with one
// Revoke of its untyped, carved from the test's share), or depend on
// another test's leftovers.

import {
  seL4_NoError, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_X86_4K, OBJ_X86_PAGE_TABLE, seL4_MsgMaxLength,
  seL4_X86_Default_VMAttributes, seL4_Fault_VMFault, seL4_Fault_UnknownSyscall, seL4_VMFault_IP, seL4_VMFault_Addr,
  seL4_VMFault_PrefetchFault, seL4_VMFault_FSR, seL4_VMFault_Length, seL4_UnknownSyscall_EAX, seL4_UnknownSyscall_EBX,
  seL4_UnknownSyscall_ESI, seL4_UnknownSyscall_EDI, seL4_UnknownSyscall_EBP, seL4_UnknownSyscall_FaultIP,
  seL4_UnknownSyscall_SP, seL4_UnknownSyscall_FLAGS, seL4_UnknownSyscall_Syscall, seL4_UnknownSyscall_Length,
  USER_CONTEXT_EIP, USER_CONTEXT_ESP, USER_CONTEXT_SIZE,
} from "../../libs/abi/sel4.gen";
import {
  USER_BOOTINFO, USER_TEXT_BASE, USER_WASM_BASE, USER_STACK_TOP, BOOTINFO_STATUS,
  BOOTINFO_STATUS_DETAIL, BOOTINFO_IMAGE_FRAMES, BOOTINFO_IMAGE_PAGES, BOOTINFO_IMAGE_BYTES, BOOTINFO_EXTRA_CAPS,
  BOOTINFO_EXTRA_CAP_COUNT, PROCESS_SLOT_FIRST_FREE, PROCESS_STATUS_RUNNING, PROCESS_STATUS_PASSED,
  PROCESS_STATUS_FAILED,
} from "../../libs/abi/layout.gen";
import { UNASSIGNED_SYSCALL } from "../../libs/abi/tsos.gen";
import { PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import {
  Process, ProcessCap, PROCESS_RECORD_SIZE, PROCESS_CAP_SIZE, ProcessStep, processInit, processStart, processDestroy,
  processStatus, processStatusDetail, processTcb, processVSpace,
} from "../../libs/user/process";
import {
  seL4_Send, seL4_NBSend, seL4_Call, seL4_Recv, seL4_Reply, seL4_ReplyRecv, seL4_Signal, seL4_Wait, seL4_Poll,
  seL4_Yield, seL4_SetMR, seL4_GetMR, seL4_MessageInfo_new, seL4_MessageInfo_get_label, seL4_MessageInfo_get_length,
} from "../../libs/user/ipc";
import {
  seL4_Untyped_Retype, seL4_X86_PageTable_Map, seL4_X86_Page_Map, seL4_TCB_ReadRegisters, seL4_TCB_SetPriority,
  seL4_TCB_Suspend,
} from "../../libs/user/invocations.gen";
import { syscall, sysRegs, REG_EBX } from "../../libs/user/syscall";
import { MY_CNODE, MY_VSPACE, MY_TCB, myUntyped, freeSlot, freeSlots, check, checkEq, passing, myPriority } from "../../libs/user/testing";
import { make, mint, copy, R_ALL, R_READ, R_RW } from "./env";
import { PF_WRITE, PF_USER } from "./faults";
import { print, printDec, printLine } from "../../libs/user/sys";

// @ts-ignore: decorator
@external("x86", "callAddress") declare function callAddress(a: u32): void;

// ── Layout ───────────────────────────────────────────────────────────

/**
 * The test process's window (one page table, a 4 MiB region its program
 * never uses): the builder's scratch page, one information page per
 * helper, the helpers' frames as the test sees them, and from 1 MiB on
 * the lent image frames, read-only.
 */
// @ts-ignore: decorator
@inline const WINDOW: u32 = 0x10000000;
// @ts-ignore: decorator
@inline const INFO_PAGES: u32 = WINDOW + PAGE_SIZE;
// @ts-ignore: decorator
@inline const VIEWS: u32 = WINDOW + 0x80000;
// @ts-ignore: decorator
@inline const IMAGE_AT: u32 = WINDOW + (1 << 20);
/** At most 3 MiB of image in the window. */
// @ts-ignore: decorator
@inline const IMAGE_MAX_PAGES: u32 = 768;
/** Helper processes alive at once. */
// @ts-ignore: decorator
@inline const HELPERS: u32 = 2;
/** Caller slots each helper's record may use (the builder needs about 110 for this program). */
// @ts-ignore: decorator
@inline const HELPER_SLOTS: u32 = 400;
/** The extra capabilities' slots in a helper's CSpace. */
// @ts-ignore: decorator
@inline export const EXTRA_EP: u32 = PROCESS_SLOT_FIRST_FREE;
// @ts-ignore: decorator
@inline export const EXTRA_DONE: u32 = PROCESS_SLOT_FIRST_FREE + 1;
/** A second endpoint, for the helpers that get one (startHelper's `ep2`). */
// @ts-ignore: decorator
@inline export const EXTRA_EP2: u32 = PROCESS_SLOT_FIRST_FREE + 2;
/**
 * A 4 MiB region a helper has no page table for: its faults land here.
 * The handler maps a page table and a frame there to let it run on.
 */
// @ts-ignore: decorator
@inline const FAULT_REGION: u32 = 0x20000000;

/** Labels of the helpers' messages (far from the invocation labels), and a fault reply's "do not restart". */
// @ts-ignore: decorator
@inline const MSG: u32 = 0x4D00;
// @ts-ignore: decorator
@inline const REPLY_LABEL: u32 = MSG + 0x100;
// @ts-ignore: decorator
@inline const NO_RESTART: u32 = MSG + 0x200;
/** sel4test's start number and its step per round. */
// @ts-ignore: decorator
@inline const SEED: u32 = 0xabbacafe;
// @ts-ignore: decorator
@inline const SEED_STEP: u32 = 0x71717171;
/** The messages each IPC helper handles: one of every length 0..seL4_MsgMaxLength. */
// @ts-ignore: decorator
@inline const MESSAGES: u32 = seL4_MsgMaxLength + 1;

// Helper kinds (the command line's third word).
// @ts-ignore: decorator
@inline export const AS_SEND: i32 = 500;        // sel4test's send_func: Send every length, words seed, seed + 1, ...
// @ts-ignore: decorator
@inline export const AS_RECV: i32 = 501;        // wait_func: Recv every length, check the words
// @ts-ignore: decorator
@inline export const AS_CALL: i32 = 502;        // call_func: Call every length, check the reply continues the seed
// @ts-ignore: decorator
@inline export const AS_REPLY_RECV: i32 = 503;  // replywait_func: Recv, then ReplyRecv, a last Reply
// @ts-ignore: decorator
@inline export const AS_REPLY_THEN_RECV: i32 = 504; // reply_and_wait_func: Reply and Recv as two calls
// @ts-ignore: decorator
@inline export const AS_NBSEND: i32 = 505;      // nbsend_func: NBSend every length
// @ts-ignore: decorator
@inline export const AS_NBRECV: i32 = 506;      // nbwait_func: Recv every length if flag, else nothing
// @ts-ignore: decorator
@inline export const AS_FAULT_READ: i32 = 510;  // read FAULT_REGION + flag; DETAIL the word read
// @ts-ignore: decorator
@inline export const AS_FAULT_WRITE: i32 = 511; // write seed at FAULT_REGION + flag, read it back into DETAIL
// @ts-ignore: decorator
@inline export const AS_FAULT_EXEC: i32 = 512;  // call FAULT_REGION + flag; DETAIL seed once it returns
// @ts-ignore: decorator
@inline export const AS_FAULT_SYSCALL: i32 = 513; // an unknown system call with EBX = seed; DETAIL its EBX after

// ── Helper processes (the test's side) ───────────────────────────────

const records = memory.data(<i32>(PROCESS_RECORD_SIZE * HELPERS), 8);
const capList = memory.data(<i32>(PROCESS_CAP_SIZE * 3), 4);
const cmdline = memory.data(96);
let cmdlineLength: u32 = 0;
let ready = false;
let helperSlots: u32 = 0;
let imageBytes: u32 = 0;

export function record(h: u32): Process {
  return changetype<Process>(records + <usize>h * PROCESS_RECORD_SIZE);
}

function append(s: string): void {
  for (let i = 0; i < s.length; i++) store<u8>(cmdline + cmdlineLength++, <u8>s.charCodeAt(i));
}

function appendNumber(v: u32): void {
  const digits = memory.data(12);
  let k = 0;
  do {
    store<u8>(digits + k++, <u8>(0x30 + v % 10));
    v /= 10;
  } while (v != 0);
  append(" ");
  while (k > 0) store<u8>(cmdline + cmdlineLength++, load<u8>(digits + --k));
}

/** Once per test: the window's page table, the lent image mapped read-only, the pool, the helpers' slots. */
function helpersInit(): void {
  if (ready) return;
  ready = true;
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, MY_VSPACE, WINDOW, seL4_X86_Default_VMAttributes), seL4_NoError, "map the window's page table");
  const frames = load<u32>(USER_BOOTINFO + BOOTINFO_IMAGE_FRAMES);
  const pages = load<u32>(USER_BOOTINFO + BOOTINFO_IMAGE_PAGES);
  imageBytes = load<u32>(USER_BOOTINFO + BOOTINFO_IMAGE_BYTES);
  check(frames >= PROCESS_SLOT_FIRST_FREE && pages > 0 && pages <= IMAGE_MAX_PAGES, "the driver lent the program's image frames");
  check(imageBytes > (pages - 1) * PAGE_SIZE && imageBytes <= pages * PAGE_SIZE, "as many frames as the file has pages");
  checkEq(load<u32>(USER_BOOTINFO + BOOTINFO_EXTRA_CAP_COUNT), 0, "the driver added no other capabilities");
  checkEq(load<u32>(USER_BOOTINFO + BOOTINFO_EXTRA_CAPS), 0, "so none is listed");
  let bad: u32 = 0;
  for (let i: u32 = 0; i < pages && i < IMAGE_MAX_PAGES; i++) {
    // Asked for read-write: a copy with only Read maps read-only (seL4 masks the rights), never an error.
    if (seL4_X86_Page_Map(frames + i, MY_VSPACE, IMAGE_AT + i * PAGE_SIZE, R_RW, seL4_X86_Default_VMAttributes) != seL4_NoError) bad++;
  }
  checkEq(bad, 0, "every image frame maps into the window");
  checkEq(load<u32>(IMAGE_AT), 0x464c457f, "the window starts with the ELF magic");
  helperSlots = freeSlots(HELPER_SLOTS * HELPERS);
}

/**
 * Starts helper process `h` ("<name> helper <kind> <seed> <flag>") at
 * `prio`, with `ep` (minted with `epBadge` when not 0, else copied with
 * its badge) at EXTRA_EP, `done` badged 1 << h at EXTRA_DONE, and `ep2`
 * (copied) at EXTRA_EP2 when not 0, and an untyped share of 2^shareBits
 * bytes when not 0; its fault endpoint is EXTRA_EP when `faultHandled`.
 * Checked.
 */
export function startHelper(h: u32, name: string, kind: i32, seed: u32, flag: u32, prio: u32, ep: u32, epBadge: u32, done: u32, faultHandled: bool,
  ep2: u32 = 0, shareBits: u32 = 0): Process {
  helpersInit();
  cmdlineLength = 0;
  append(name);
  append(" helper");
  appendNumber(<u32>kind);
  appendNumber(seed);
  appendNumber(flag);
  const caps = changetype<ProcessCap>(capList);
  caps.slot = ep;
  caps.rights = R_ALL;
  caps.badge = epBadge;
  const second = changetype<ProcessCap>(capList + PROCESS_CAP_SIZE);
  second.slot = done;
  second.rights = R_ALL;
  second.badge = <u32>1 << h;
  const third = changetype<ProcessCap>(capList + 2 * PROCESS_CAP_SIZE);
  third.slot = ep2;
  third.rights = R_ALL;
  third.badge = 0;
  const p = record(h);
  processInit(p);
  p.image = IMAGE_AT;
  p.imageSize = imageBytes;
  // Straight from the test's share, which always has children: Retype never resets (zeroes) it again, and the
  // helpers' memory comes back when the driver revokes the test (each helper takes 512 KiB; a test makes at most 20).
  p.parentUntyped = myUntyped();
  p.firstSlot = helperSlots + h * HELPER_SLOTS;
  p.slotCount = HELPER_SLOTS;
  p.scratch = WINDOW;
  p.infoAt = INFO_PAGES + h * PAGE_SIZE;
  p.priority = prio;
  p.cmdline = cmdline;
  p.cmdlineLength = cmdlineLength;
  p.threadId = h;
  p.shareBits = shareBits;
  p.extraCaps = capList;
  p.extraCapCount = ep2 != 0 ? 3 : 2;
  p.faultEndpoint = faultHandled ? EXTRA_EP : 0;
  if (!checkEq(<u32>processStart(p), <u32>ProcessStep.Done, "start a helper process from the lent image")) {
    print("interas: the builder failed at step ");
    printDec(<u32>p.errorStep);
    print(", error ");
    printDec(p.error);
    print(", detail ");
    printDec(p.errorDetail);
    printLine("");
  }
  return p;
}

/** Destroys helper `h` (checked): one Revoke of its untyped takes everything. */
export function destroyHelper(h: u32): void {
  checkEq(<u32>processDestroy(record(h)), <u32>ProcessStep.Done, "destroy the helper process");
}

const badgeCell = memory.data(4, 4);

/** Waits on `done` until every helper in `mask` has signalled. */
export function waitHelpers(done: u32, mask: u32): void {
  let got: u32 = 0;
  while ((got & mask) != mask) {
    seL4_Wait(done, badgeCell);
    got |= load<u32>(badgeCell);
  }
}

/** Makes the test run below `prio` for a moment: any helper at `prio` that can run does, to its end, first. */
function letRun(prio: u32): void {
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, prio - 1), seL4_NoError, "drop below the helper");
  seL4_Yield();
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, handlerPriority), seL4_NoError, "and come back");
}

// ── IPC1001-1004 ─────────────────────────────────────────────────────

/**
 * sel4test's test_ipc_pair across address spaces: for each sender
 * priority from two below the waiter's to two above, and each start
 * order, a sender process and a waiter process (both below the test,
 * which waits for them) exchange one message of every length; each checks
 * every word it gets against the seed both were given, and reports.
 */
function ipcPair(sender: i32, waiter: i32, nbWait: bool): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const done = make(OBJ_NOTIFICATION, 0);
  const waiterPrio = myPriority() - 3;
  let seed = SEED;
  let rounds: u32 = 0;
  let bad: u32 = 0;
  for (let senderPrio = waiterPrio - 2; senderPrio <= waiterPrio + 2; senderPrio++) {
    for (let senderFirst: u32 = 0; senderFirst <= 1; senderFirst++) {
      // nbwait_func receives only when the waiter is above the sender: it is then in Recv before every NBSend.
      const shouldWait: u32 = nbWait ? (senderPrio < waiterPrio ? 1 : 0) : 1;
      if (senderFirst != 0) {
        startHelper(0, "as-sender", sender, seed, shouldWait, senderPrio, ep, 0, done, false);
        startHelper(1, "as-waiter", waiter, seed, shouldWait, waiterPrio, ep, 0, done, false);
      } else {
        startHelper(1, "as-waiter", waiter, seed, shouldWait, waiterPrio, ep, 0, done, false);
        startHelper(0, "as-sender", sender, seed, shouldWait, senderPrio, ep, 0, done, false);
      }
      waitHelpers(done, 3);
      const s = record(0);
      const w = record(1);
      if (processStatus(s) != PROCESS_STATUS_PASSED || processStatusDetail(s) != MESSAGES) bad++;
      if (processStatus(w) != PROCESS_STATUS_PASSED || processStatusDetail(w) != (shouldWait != 0 ? MESSAGES : 0)) bad++;
      destroyHelper(0);
      destroyHelper(1);
      rounds++;
      seed += SEED_STEP;
    }
  }
  checkEq(rounds, 10, "five priority pairs, each in both start orders");
  checkEq(bad, 0, "every helper process passed, having handled every message");
}

/** IPC1001: seL4_Send and seL4_Recv between two processes, every length, five priority pairs, both orders. */
export function interAsSendRecv(): void {
  ipcPair(AS_SEND, AS_RECV, false);
}

/** IPC1002: seL4_Call and seL4_ReplyRecv between two processes. */
export function interAsCallReplyRecv(): void {
  ipcPair(AS_CALL, AS_REPLY_RECV, false);
}

/** IPC1003: seL4_Call answered by seL4_Reply, then seL4_Recv, as two system calls. */
export function interAsCallReplyThenRecv(): void {
  ipcPair(AS_CALL, AS_REPLY_THEN_RECV, false);
}

/** IPC1004: seL4_NBSend and seL4_Recv: every message arrives when the waiter is above the sender (it then waits). */
export function interAsNBSendRecv(): void {
  ipcPair(AS_NBSEND, AS_NBRECV, true);
}

// ── PAGEFAULT1001-1004 ───────────────────────────────────────────────

/** The offset in FAULT_REGION's first page a faulting helper touches, and what the handler answers with. */
// @ts-ignore: decorator
@inline const FAULT_OFFSET: u32 = 0x124;
// @ts-ignore: decorator
@inline const ANSWER: u32 = 0x600DF00D;
/** x86's near return: the page the handler maps for an execute fault holds it, so the helper's call returns. */
// @ts-ignore: decorator
@inline const RET: u8 = 0xC3;
/** The handler's (the test's) priority while a fault test runs: one below its own, so a helper may be above it. */
let handlerPriority: u32 = 0;
let views: u32 = 0;
/** The notification a faulting helper signals once it ran on. */
let done: u32 = 0;
const regs = memory.data(<i32>USER_CONTEXT_SIZE, 4);

/** A frame for the helper, and a copy of it mapped in the test's window (returned in `viewAt`) to fill and to read. */
let viewAt: u32 = 0;
function sharedFrame(): u32 {
  const f = make(OBJ_X86_4K, 0);
  const view = freeSlot();
  checkEq(copy(view, f, R_ALL), seL4_NoError, "a second capability to the frame, for the test's own mapping");
  viewAt = VIEWS + (views++ & 0x7F) * PAGE_SIZE;
  checkEq(seL4_X86_Page_Map(view, MY_VSPACE, viewAt, R_RW, seL4_X86_Default_VMAttributes), seL4_NoError, "map it in the test");
  return f;
}

/** Maps a fresh page table and `frame` at the fault page in helper `p`'s address space. */
function mapIntoHelper(p: Process, frame: u32): void {
  const pt = make(OBJ_X86_PAGE_TABLE, 0);
  checkEq(seL4_X86_PageTable_Map(pt, processVSpace(p), FAULT_REGION, seL4_X86_Default_VMAttributes), seL4_NoError, "a page table in the helper's address space");
  checkEq(seL4_X86_Page_Map(frame, processVSpace(p), FAULT_REGION, R_RW, seL4_X86_Default_VMAttributes), seL4_NoError, "the frame at the fault page");
}

/** The fault message's words, kept before any invocation's reply overwrites the message registers. */
const faultMrs = memory.data(16 * 4, 4);
function keepFaultMrs(info: u32): void {
  const n = seL4_MessageInfo_get_length(info);
  memory.fill(faultMrs, 0, 16 * 4);
  for (let i: u32 = 0; i < n && i < 16; i++) store<u32>(faultMrs + (<usize>i << 2), seL4_GetMR(<i32>i));
}
// @ts-ignore: decorator
@inline function faultMr(i: u32): u32 {
  return load<u32>(faultMrs + (<usize>i << 2));
}

/** The helper never signalled `done`. */
function notSignalled(done: u32): void {
  store<u32>(badgeCell, 0xFFFFFFFF);
  seL4_Poll(done, badgeCell);
  checkEq(load<u32>(badgeCell), 0, "the helper never signalled that it ran on");
}

/** The helper's registers, as the test reads them through its TCB capability. */
function helperRegister(p: Process, at: usize): u32 {
  memory.fill(regs, 0, USER_CONTEXT_SIZE);
  checkEq(seL4_TCB_ReadRegisters(processTcb(p), false, 0, <u32>(USER_CONTEXT_SIZE >> 2), regs), seL4_NoError, "read the helper's registers");
  return load<u32>(regs + at);
}

/**
 * sel4test's test_fault across address spaces, the handler being the test
 * itself: for restart and not, a faulting helper one below, level with
 * and one above the handler, and a fault endpoint unbadged and badged,
 * a helper process faults (kind) on an endpoint in its own CSpace; the
 * test receives the fault, checks seL4's message, and either lets the
 * helper run on (mapping a page, or setting registers) or leaves it
 * waiting, which destroying it must clean up.
 */
function faultRounds(kind: i32): void {
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, myPriority() - 1), seL4_NoError, "lower the handler by one");
  handlerPriority = myPriority() - 1;
  const ep = make(OBJ_ENDPOINT, 0);
  done = make(OBJ_NOTIFICATION, 0);
  let seed = SEED;
  let rounds: u32 = 0;
  for (let restart: u32 = 0; restart <= 1; restart++) {
    for (let prio = handlerPriority - 1; prio <= handlerPriority + 1; prio++) {
      for (let badged: u32 = 0; badged <= 1; badged++) {
        const badge: u32 = badged != 0 ? 0x61 + rounds : 0;
        const p = startHelper(0, "as-faulter", kind, seed, FAULT_OFFSET, prio, ep, badge, done, true);
        const info = seL4_Recv(ep, badgeCell);
        keepFaultMrs(info);
        checkEq(load<u32>(badgeCell), badge, "the fault comes with the fault endpoint's badge");
        checkEq(processStatus(p), PROCESS_STATUS_RUNNING, "the helper has not finished");
        if (kind == AS_FAULT_SYSCALL) syscallFault(p, info, seed, restart != 0);
        else vmFault(p, kind, info, seed, restart != 0);
        destroyHelper(0);
        rounds++;
        seed += SEED_STEP;
      }
    }
  }
  checkEq(rounds, 12, "restart and not, three priorities, unbadged and badged");
}

function vmFault(p: Process, kind: i32, info: u32, seed: u32, restart: bool): void {
  const address = FAULT_REGION + FAULT_OFFSET;
  checkEq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault, "a VM fault");
  checkEq(seL4_MessageInfo_get_length(info), seL4_VMFault_Length, "of seL4's length");
  checkEq(faultMr(seL4_VMFault_Addr), address, "at the address the helper touched");
  checkEq(faultMr(seL4_VMFault_PrefetchFault), 0, "a data access (32-bit paging has no fetch bit)");
  const ip = faultMr(seL4_VMFault_IP);
  checkEq(ip, helperRegister(p, USER_CONTEXT_EIP), "IP is where the helper stopped, to run the instruction again");
  if (kind == AS_FAULT_EXEC) {
    checkEq(ip, address, "an execute fault's IP is the address");
    checkEq(faultMr(seL4_VMFault_FSR), PF_USER, "a user access to a page not present");
  } else {
    check(ip >= USER_TEXT_BASE && ip < USER_WASM_BASE, "in the program's text");
    checkEq(faultMr(seL4_VMFault_FSR), kind == AS_FAULT_WRITE ? PF_USER | PF_WRITE : PF_USER, "a user read or write of a page not present");
  }
  if (!restart) {
    letRun(p.priority);
    checkEq(processStatus(p), PROCESS_STATUS_RUNNING, "without a reply the helper stays stopped");
    notSignalled(done);
    checkEq(helperRegister(p, USER_CONTEXT_EIP), ip, "at the faulting instruction");
    return;
  }
  const f = sharedFrame();
  if (kind == AS_FAULT_READ) store<u32>(viewAt + FAULT_OFFSET, ANSWER);
  if (kind == AS_FAULT_EXEC) store<u8>(viewAt + FAULT_OFFSET, RET);
  mapIntoHelper(p, f);
  seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
  waitHelpers(done, 1);
  checkEq(processStatus(p), PROCESS_STATUS_PASSED, "the helper ran on after the reply");
  const expect = kind == AS_FAULT_READ ? ANSWER : seed;
  checkEq(processStatusDetail(p), expect, "and saw the page the handler mapped");
  if (kind == AS_FAULT_WRITE) checkEq(load<u32>(viewAt + FAULT_OFFSET), seed, "its write is in the frame the test sees too");
}

function syscallFault(p: Process, info: u32, seed: u32, restart: bool): void {
  checkEq(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall, "an unknown-syscall fault");
  checkEq(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length, "of seL4's length");
  checkEq(faultMr(seL4_UnknownSyscall_EAX), <u32>UNASSIGNED_SYSCALL, "EAX");
  checkEq(faultMr(seL4_UnknownSyscall_EBX), seed, "EBX as the helper set it");
  checkEq(faultMr(seL4_UnknownSyscall_ESI), ~seed, "ESI");
  checkEq(faultMr(seL4_UnknownSyscall_EDI), seed ^ SEED_STEP, "EDI");
  checkEq(faultMr(seL4_UnknownSyscall_EBP), seed + 1, "EBP");
  checkEq(faultMr(seL4_UnknownSyscall_Syscall), <u32>UNASSIGNED_SYSCALL, "the number");
  const ip = faultMr(seL4_UnknownSyscall_FaultIP);
  check(ip >= USER_TEXT_BASE && ip < USER_WASM_BASE, "FaultIP is in the program's text");
  const sp = faultMr(seL4_UnknownSyscall_SP);
  check(sp > USER_WASM_BASE && sp < USER_STACK_TOP, "SP is in the helper's data (the runtime's first stack is there: build/rt/user-rt.c)");
  checkEq(sp, helperRegister(p, USER_CONTEXT_ESP), "the helper's own ESP");
  // The registers back (up to FLAGS), FaultIP past the 2-byte sysenter, EBX the answer.
  const n = seL4_UnknownSyscall_FLAGS + 1;
  for (let i: u32 = 0; i < n; i++) seL4_SetMR(<i32>i, faultMr(i));
  seL4_SetMR(<i32>seL4_UnknownSyscall_FaultIP, ip + 2);
  seL4_SetMR(<i32>seL4_UnknownSyscall_EBX, ANSWER);
  seL4_Reply(seL4_MessageInfo_new(restart ? 0 : NO_RESTART, 0, 0, n));
  if (!restart) {
    letRun(p.priority);
    checkEq(processStatus(p), PROCESS_STATUS_RUNNING, "a reply with a label other than 0 leaves the helper stopped");
    notSignalled(done);
    checkEq(helperRegister(p, USER_CONTEXT_EIP), ip + 2, "its registers are the reply's");
    return;
  }
  waitHelpers(done, 1);
  checkEq(processStatus(p), PROCESS_STATUS_PASSED, "the helper ran on after the reply");
  checkEq(processStatusDetail(p), ANSWER, "with the EBX the handler set");
}

/** PAGEFAULT1001: a helper process reads an unmapped page; the test, its handler, maps a frame into its address space. */
export function interAsReadFault(): void {
  faultRounds(AS_FAULT_READ);
}

/** PAGEFAULT1002: a write fault likewise; the write lands in the frame the test sees. */
export function interAsWriteFault(): void {
  faultRounds(AS_FAULT_WRITE);
}

/** PAGEFAULT1003: a call to an unmapped page; the handler maps a page holding a return there. */
export function interAsExecuteFault(): void {
  faultRounds(AS_FAULT_EXEC);
}

/** PAGEFAULT1004: an unknown system call; the handler's reply sets the helper's registers and restarts it, or not. */
export function interAsUnknownSyscall(): void {
  faultRounds(AS_FAULT_SYSCALL);
}

// ── The helper processes' bodies ─────────────────────────────────────

/** Sets MRs 0..n-1 to seed, seed + 1, ...; returns the next seed. */
function setWords(seed: u32, n: u32): u32 {
  for (let i: u32 = 0; i < n; i++) seL4_SetMR(<i32>i, seed++);
  return seed;
}

/** Checks a message of `n` words arrived as seed, seed + 1, ...; returns the next seed. */
let wrongWords: u32 = 0;
function expectWords(info: u32, label: u32, n: u32, seed: u32): u32 {
  if (seL4_MessageInfo_get_length(info) != n || seL4_MessageInfo_get_label(info) != label) wrongWords++;
  for (let i: u32 = 0; i < n; i++) if (seL4_GetMR(<i32>i) != seed++) wrongWords++;
  return seed;
}

const recvBadge = memory.data(4, 4);

/** The IPC helpers: returns how many messages were handled. */
function ipcHelper(kind: i32, seed: u32, flag: u32): u32 {
  let handled: u32 = 0;
  let info: u32 = 0;
  for (let n: u32 = 0; n <= seL4_MsgMaxLength; n++) {
    switch (kind) {
      case AS_SEND:
        seed = setWords(seed, n);
        seL4_Send(EXTRA_EP, seL4_MessageInfo_new(MSG + n, 0, 0, n));
        break;
      case AS_NBSEND:
        seed = setWords(seed, n);
        seL4_NBSend(EXTRA_EP, seL4_MessageInfo_new(MSG + n, 0, 0, n));
        break;
      case AS_NBRECV:
        if (flag == 0) return 0;
        seed = expectWords(seL4_Recv(EXTRA_EP, recvBadge), MSG + n, n, seed);
        break;
      case AS_RECV:
        seed = expectWords(seL4_Recv(EXTRA_EP, recvBadge), MSG + n, n, seed);
        break;
      case AS_CALL:
        seed = setWords(seed, n);
        seed = expectWords(seL4_Call(EXTRA_EP, seL4_MessageInfo_new(MSG + n, 0, 0, n)), REPLY_LABEL + n, n, seed);
        break;
      case AS_REPLY_RECV:
        // The first Recv has nothing to reply to; then each ReplyRecv answers the last call.
        info = n == 0 ? seL4_Recv(EXTRA_EP, recvBadge) : seL4_ReplyRecv(EXTRA_EP, info, recvBadge);
        seed = expectWords(info, MSG + n, n, seed);
        seed = setWords(seed, n);
        info = seL4_MessageInfo_new(REPLY_LABEL + n, 0, 0, n);
        break;
      case AS_REPLY_THEN_RECV:
        if (n != 0) seL4_Reply(info);
        info = seL4_Recv(EXTRA_EP, recvBadge);
        seed = expectWords(info, MSG + n, n, seed);
        seed = setWords(seed, n);
        info = seL4_MessageInfo_new(REPLY_LABEL + n, 0, 0, n);
        break;
      default:
        return 0;
    }
    handled++;
  }
  if (kind == AS_REPLY_RECV || kind == AS_REPLY_THEN_RECV) seL4_Reply(info); // the last call's answer
  return handled;
}

/**
 * A helper process's body (main.ts, for "<name> helper <kind> <seed>
 * <flag>"): runs it, writes its verdict and detail to its own information
 * page, signals EXTRA_DONE, and suspends itself.
 */
export function helperProcessMain(kind: i32, seed: u32, flag: u32): void {
  let detail: u32 = 0;
  wrongWords = 0;
  const address = FAULT_REGION + flag;
  switch (kind) {
    case AS_FAULT_READ:
      detail = load<u32>(address);
      break;
    case AS_FAULT_WRITE:
      store<u32>(address, seed);
      detail = load<u32>(address);
      break;
    case AS_FAULT_EXEC:
      callAddress(address);
      detail = seed;
      break;
    case AS_FAULT_SYSCALL:
      syscall(UNASSIGNED_SYSCALL, seed, ~seed, seed ^ SEED_STEP, seed + 1);
      detail = load<u32>(sysRegs(), REG_EBX);
      break;
    default:
      detail = ipcHelper(kind, seed, flag);
      checkEq(wrongWords, 0, "every message as the seed says");
      check(kind >= AS_SEND && kind <= AS_NBRECV, "a known helper kind");
  }
  helperReport(detail);
}

/** A helper process's last act: its verdict and `detail` in its information page, EXTRA_DONE signalled, itself suspended. */
export function helperReport(detail: u32): void {
  store<u32>(USER_BOOTINFO + BOOTINFO_STATUS_DETAIL, detail);
  store<u32>(USER_BOOTINFO + BOOTINFO_STATUS, passing() ? PROCESS_STATUS_PASSED : PROCESS_STATUS_FAILED);
  seL4_Signal(EXTRA_DONE);
  seL4_TCB_Suspend(MY_TCB);
}

