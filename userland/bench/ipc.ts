// userland/bench/ipc.ts: the IPC, notification and fault benchmarks (sel4bench's ipc and fault apps' method).
//
// Owns: the two benchmark threads (A: client, sender, signaller or
// faulter; B: server, receiver, waiter or fault handler), the second
// address space B runs in for the "cross" rows, and the rows they measure:
//  - call-{same,cross}-{0,10}: client -> server one-way, A's stamp before
//    its seL4_Call to B's stamp after the ReplyRecv (or first Recv) that
//    received it; replyrecv-{same,cross}-{0,10}: server -> client one-way,
//    B's stamp before seL4_ReplyRecv to A's stamp after its Call returns.
//    Both from the same ping-pong, client and server at 254 (sel4bench:
//    seL4_MaxPrio - 1 both).
//  - send-{same,cross}-{0,10}: A at 253 sends to B at 254, blocked in Recv
//    (sel4bench's Send row: client seL4_MaxPrio - 2, server - 1); A's stamp
//    before Send to B's after its Recv returns.
//  - recv-{same,cross}-{0,10}: B's own Recv when A is already blocked in
//    Send, both at 254, so B goes on running (sel4bench has no such row);
//    B yields between samples to let A block again.
//  - signal-wait-{same,cross}: B at 254 blocked in Wait on a notification,
//    A at 253 Signals; A's stamp before Signal to B's after Wait returns.
//  - fault-roundtrip: A at 254 executes ud2; its fault handler B (at 253,
//    as sel4bench's) receives the user exception and replies with FaultIP
//    + 2 (ReplyRecv, the message in registers); A's stamps around the ud2
//    (one thread).
// Every stamp is the benchStamped/benchUd2 intrinsic's cpuid; rdtsc
// (build/intrinsics.ts); the overhead of each row is the Nop twin of the
// same intrinsic on one thread, measured before the row. 16 warm-up
// iterations, then SAMPLES; under TCG with -icount shift=0 the counts are
// guest instructions. The driver (the root task, at 255) restarts both
// threads for each row and waits on the done endpoint, where the thread
// that ends a row reports (a fault of either thread arrives there too).
// The second address space is a page directory of its own with the
// program's image frames (copies of userImageFrames' capabilities, their
// addresses read from our own ELF, boot module 0) and both thread areas
// mapped again: B's accesses are the same, its CR3 differs.
// Must not: use the untyped that main.ts's invocation benchmarks use (the
// retype row needs its untyped without children), or allocate.

import { print, printLine, printDec } from "../../libs/user/sys";
import {
  bootInfoUntypedStart, bootInfoUntypedCount, bootInfoUntypedSizeBits, bootInfoUntypedIsDevice,
  bootInfoUserImageFramesStart, bootInfoUserImageFramesEnd, bootModuleFramesStart, bootModuleFramesEnd, bootModuleBytes,
} from "../../libs/user/bootinfo";
import { seL4_SetMR, seL4_GetMR, seL4_MessageInfo_new, seL4_MessageInfo_get_label, seL4_MessageInfo_get_length, seL4_Recv, seL4_Send, seL4_Yield } from "../../libs/user/ipc";
import {
  seL4_Untyped_Retype, seL4_CNode_Copy, seL4_X86_PageTable_Map, seL4_X86_Page_Map, seL4_X86_ASIDPool_Assign,
  seL4_TCB_Suspend, seL4_TCB_SetSpace, seL4_TCB_SetPriority, seL4_TCB_WriteRegisters,
} from "../../libs/user/invocations.gen";
import { threadAreaInit, threadCreate, threadArea, threadIpcBufferAt, THREAD_SLOTS } from "../../libs/user/thread";
import { elfCheck, ElfError, elfSegmentCount, elfSegmentPageBase, elfSegmentPageCount, elfSegmentWritable } from "../../libs/elf/elf";
import {
  SYS_CALL, SYS_REPLY_RECV, SYS_SEND, SYS_RECV, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_X86_PAGE_TABLE, OBJ_X86_PAGE_DIRECTORY,
  seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_CapInitThreadTCB, seL4_CapInitThreadASIDPool, seL4_WordBits,
  seL4_NoError, seL4_X86_Default_VMAttributes, seL4_Fault_UserException,
  CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT,
  USER_CONTEXT_SIZE, USER_CONTEXT_EIP, USER_CONTEXT_ESP, USER_CONTEXT_EFLAGS, USER_CONTEXT_EBX, USER_CONTEXT_ESI,
  USER_CONTEXT_EDI, USER_CONTEXT_GS_BASE,
} from "../../libs/abi/sel4.gen";
import { THREAD_STACK_PAGES, THREAD_TLS_OFFSET, TLS_SELF } from "../../libs/abi/layout.gen";
import { PAGE_SIZE, LARGE_PAGE_SIZE, EFLAGS_IF, EFLAGS_RESERVED1 } from "../../kernel/arch/x86/machine.gen";
import { WARMUP, SAMPLES, samples, report } from "./report";

// @ts-ignore: decorator
@external("x86", "benchStamped") declare function benchStamped(block: usize): void;
// @ts-ignore: decorator
@external("x86", "benchStampedNop") declare function benchStampedNop(block: usize): void;
// @ts-ignore: decorator
@external("x86", "benchUd2") declare function benchUd2(): u64;
// @ts-ignore: decorator
@external("x86", "benchUd2Nop") declare function benchUd2Nop(): u64;
// @ts-ignore: decorator
@external("x86", "sysenter") declare function sysenter(block: usize): void;
// @ts-ignore: decorator
@external("x86", "threadStartAddress") declare function threadStartAddress(): u32;

/** Iterations of every row: the warm-up ones, then the samples. */
// @ts-ignore: decorator
@inline const RUNS: i32 = WARMUP + SAMPLES;

// The stamps of each iteration (low words): A's before and after its call, B's likewise.
const aStart = memory.data(RUNS * 4, 4);
const aEnd = memory.data(RUNS * 4, 4);
const bStart = memory.data(RUNS * 4, 4);
const bEnd = memory.data(RUNS * 4, 4);

// Register blocks (benchStamped): eax, ebx, esi, edi, ebp, stamp before, stamp after.
// @ts-ignore: decorator
@inline const B_EBX: usize = 4;
// @ts-ignore: decorator
@inline const B_ESI: usize = 8;
// @ts-ignore: decorator
@inline const B_EDI: usize = 12;
// @ts-ignore: decorator
@inline const B_EBP: usize = 16;
// @ts-ignore: decorator
@inline const B_BEFORE: usize = 20;
// @ts-ignore: decorator
@inline const B_AFTER: usize = 24;
const blockA = memory.data(28, 4);
const blockB = memory.data(28, 4);

// Thread kinds (threadMain's first argument); the second is the message length.
// @ts-ignore: decorator
@inline export const K_CLIENT: i32 = 1;
// @ts-ignore: decorator
@inline export const K_SERVER: i32 = 2;
// @ts-ignore: decorator
@inline export const K_SENDER: i32 = 3;
// @ts-ignore: decorator
@inline export const K_RECEIVER: i32 = 4;
// @ts-ignore: decorator
@inline export const K_BLOCKING_SENDER: i32 = 5;
// @ts-ignore: decorator
@inline export const K_YIELDING_RECEIVER: i32 = 6;
// @ts-ignore: decorator
@inline export const K_SIGNALLER: i32 = 7;
// @ts-ignore: decorator
@inline export const K_WAITER: i32 = 8;
// @ts-ignore: decorator
@inline export const K_FAULTER: i32 = 9;
// @ts-ignore: decorator
@inline export const K_HANDLER: i32 = 10;

// @ts-ignore: decorator
@inline const PRIO_HIGH: u32 = 254;
// @ts-ignore: decorator
@inline const PRIO_LOW: u32 = 253;
// @ts-ignore: decorator
@inline const RIGHTS_R: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT;
// @ts-ignore: decorator
@inline const RIGHTS_RW: u32 = RIGHTS_R | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);
// @ts-ignore: decorator
@inline const ALL_RIGHTS: u32 = 0xF;
/** Where our own ELF (boot module 0) is mapped to read its segments, in a page table of its own. */
// @ts-ignore: decorator
@inline const MODULE_AT: u32 = 0x40000000;
/** What one page table maps. */
// @ts-ignore: decorator
@inline const LARGE: u32 = LARGE_PAGE_SIZE;
/**
 * What a client or sender puts in MR0..MR9 (MR_MARK + i), and a server in
 * its reply (REPLY_MARK + i); receivers check MR0, MR1 and MR9 (the
 * 10-word rows move MR2..MR9 through the IPC buffers).
 */
// @ts-ignore: decorator
@inline const MR_MARK: u32 = 0x5E14B000;
// @ts-ignore: decorator
@inline const REPLY_MARK: u32 = 0x5E14C000;

// What the threads and the driver share (this program's memory, mapped in both address spaces).
let ep: u32 = 0;
let doneEp: u32 = 0;
let faultEp: u32 = 0;
let ntfn: u32 = 0;
let tcbA: u32 = 0;
let tcbB: u32 = 0;
let space2: u32 = 0;
/** Set by a thread that saw a message other than the one sent. */
let wrong: u32 = 0;

let untyped: u32 = 0;
let nextSlot: u32 = 0;

function take(n: u32): u32 {
  const s = nextSlot;
  nextSlot += n;
  return s;
}

function make(type: u32): u32 {
  const s = take(1);
  return seL4_Untyped_Retype(untyped, type, 0, seL4_CapInitThreadCNode, 0, 0, s, 1) == seL4_NoError ? s : 0;
}

// The regions of the second address space that have a page table.
const tables = memory.data(16 * 4, 4);
let tableCount: i32 = 0;

function mapInSpace2(frame: u32, vaddr: u32, rights: u32): bool {
  const region = vaddr & ~(LARGE - 1);
  let have = false;
  for (let i = 0; i < tableCount; i++) if (load<u32>(tables + i * 4) == region) have = true;
  if (!have) {
    if (tableCount == 16) return false;
    const pt = make(OBJ_X86_PAGE_TABLE);
    if (pt == 0 || seL4_X86_PageTable_Map(pt, space2, region, seL4_X86_Default_VMAttributes) != seL4_NoError) return false;
    store<u32>(tables + tableCount * 4, region);
    tableCount++;
  }
  const copy = take(1);
  return seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode, frame, seL4_WordBits, ALL_RIGHTS) == seL4_NoError &&
    seL4_X86_Page_Map(copy, space2, vaddr, rights, seL4_X86_Default_VMAttributes) == seL4_NoError;
}

/**
 * The second address space: a page directory with an ASID, our image's
 * frames at their addresses (read from our ELF: the kernel hands out
 * userImageFrames segment by segment, page by page), then the thread
 * areas (mapThreadInSpace2).
 */
function makeSpace2(bi: usize): bool {
  space2 = make(OBJ_X86_PAGE_DIRECTORY);
  if (space2 == 0 || seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, space2) != seL4_NoError) return false;
  const modFirst = bootModuleFramesStart(bi, 0);
  const modEnd = bootModuleFramesEnd(bi, 0);
  if (modEnd <= modFirst || (modEnd - modFirst) * PAGE_SIZE > LARGE) return false;
  const pt = make(OBJ_X86_PAGE_TABLE);
  if (pt == 0 || seL4_X86_PageTable_Map(pt, seL4_CapInitThreadVSpace, MODULE_AT, seL4_X86_Default_VMAttributes) != seL4_NoError) return false;
  for (let f = modFirst; f < modEnd; f++) {
    if (seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, MODULE_AT + (f - modFirst) * PAGE_SIZE, RIGHTS_R, seL4_X86_Default_VMAttributes) != seL4_NoError) return false;
  }
  if (elfCheck(MODULE_AT, bootModuleBytes(bi, 0)) != ElfError.Ok) return false;
  let frame = bootInfoUserImageFramesStart(bi);
  const framesEnd = bootInfoUserImageFramesEnd(bi);
  for (let s = 0; s < elfSegmentCount(); s++) {
    const rights = elfSegmentWritable(s) ? RIGHTS_RW : RIGHTS_R;
    for (let p: u32 = 0; p < elfSegmentPageCount(s); p++) {
      if (frame >= framesEnd || !mapInSpace2(frame, elfSegmentPageBase(s) + p * PAGE_SIZE, rights)) return false;
      frame++;
    }
  }
  return frame == framesEnd;
}

/** Thread `index`'s IPC-buffer and stack frames (threadCreate's slots after the TCB) mapped again in the second address space. */
function mapThreadInSpace2(first: u32, index: u32): bool {
  if (!mapInSpace2(first + 1, threadIpcBufferAt(index), RIGHTS_RW)) return false;
  for (let i: u32 = 0; i < THREAD_STACK_PAGES; i++) {
    if (!mapInSpace2(first + 2 + i, threadArea(index) + (1 + i) * PAGE_SIZE, RIGHTS_RW)) return false;
  }
  return true;
}

/** Everything the rows need; false if any step failed. */
function setUp(bi: usize, firstFree: u32, avoid: u32): bool {
  const n = bootInfoUntypedCount(bi);
  let best: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const u = bootInfoUntypedStart(bi) + i;
    if (u == avoid || bootInfoUntypedIsDevice(bi, i)) continue;
    if (bootInfoUntypedSizeBits(bi, i) >= 20 && (best == 0 || bootInfoUntypedSizeBits(bi, i) > bootInfoUntypedSizeBits(bi, best - bootInfoUntypedStart(bi)))) best = u;
  }
  if (best == 0) return false;
  untyped = best;
  nextSlot = firstFree;
  ep = make(OBJ_ENDPOINT);
  doneEp = make(OBJ_ENDPOINT);
  faultEp = make(OBJ_ENDPOINT);
  ntfn = make(OBJ_NOTIFICATION);
  if (ep == 0 || doneEp == 0 || faultEp == 0 || ntfn == 0) return false;
  if (!makeSpace2(bi)) return false;
  const cnode = seL4_CapInitThreadCNode;
  if (threadAreaInit(untyped, cnode, seL4_CapInitThreadVSpace, take(1)) != seL4_NoError) return false;
  const first = take(2 * THREAD_SLOTS);
  tcbA = first;
  tcbB = first + THREAD_SLOTS;
  return threadCreate(untyped, cnode, seL4_CapInitThreadVSpace, tcbA, 0, 0, 0, PRIO_HIGH, seL4_CapInitThreadTCB, doneEp) == seL4_NoError &&
    threadCreate(untyped, cnode, seL4_CapInitThreadVSpace, tcbB, 1, 0, 0, PRIO_HIGH, seL4_CapInitThreadTCB, doneEp) == seL4_NoError &&
    mapThreadInSpace2(tcbA, 0) && mapThreadInSpace2(tcbB, 1);
}

// ── The threads ───────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function setBlock(b: usize, sys: i32, cap: u32, info: u32, mr0: u32, mr1: u32): void {
  store<u32>(b, <u32>sys, 0);
  store<u32>(b, cap, B_EBX);
  store<u32>(b, info, B_ESI);
  store<u32>(b, mr0, B_EDI);
  store<u32>(b, mr1, B_EBP);
}

// @ts-ignore: decorator
@inline function keep(b: usize, i: i32, before: usize, after: usize): void {
  store<u32>(before + (<usize>i << 2), load<u32>(b, B_BEFORE));
  store<u32>(after + (<usize>i << 2), load<u32>(b, B_AFTER));
}

/**
 * The message of `length` words a sender puts in MR2..MR9 of its IPC
 * buffer before each send (MR0 and MR1 go in the register block); a
 * receiver that never sends clears MR9 instead (mark 0).
 */
function fillMessage(length: u32, mark: u32): u32 {
  if (mark == 0) seL4_SetMR(9, 0);
  else for (let i = 2; i < <i32>length; i++) seL4_SetMR(i, mark + <u32>i);
  return seL4_MessageInfo_new(0, 0, 0, length);
}

/** A receiver's check of what arrived in block b (and its IPC buffer), sent with `mark`. */
function checkMessage(b: usize, length: u32, mark: u32): void {
  const info = load<u32>(b, B_ESI);
  let ok = seL4_MessageInfo_get_label(info) == 0 && seL4_MessageInfo_get_length(info) == length;
  if (length >= 2) ok = ok && load<u32>(b, B_EDI) == mark && load<u32>(b, B_EBP) == mark + 1;
  if (length == 10) ok = ok && seL4_GetMR(9) == mark + 9;
  if (!ok) wrong = 1;
}

function client(length: u32): void {
  // RUNS + 1 calls: the server's RUNS-th ReplyRecv receives the last one and ends the row.
  for (let i = 0; i <= RUNS; i++) {
    const info = fillMessage(length, MR_MARK);
    setBlock(blockA, SYS_CALL, ep, info, MR_MARK, MR_MARK + 1);
    benchStamped(blockA);
    if (i < RUNS) {
      keep(blockA, i, aStart, aEnd);
      checkMessage(blockA, length, REPLY_MARK);
    }
  }
}

function server(length: u32): void {
  setBlock(blockB, SYS_RECV, ep, 0, 0, 0);
  benchStamped(blockB);
  checkMessage(blockB, length, MR_MARK);
  // Iteration i replies to call i and receives call i + 1.
  for (let i = 0; i < RUNS; i++) {
    const info = fillMessage(length, REPLY_MARK);
    setBlock(blockB, SYS_REPLY_RECV, ep, info, REPLY_MARK, REPLY_MARK + 1);
    benchStamped(blockB);
    keep(blockB, i, bStart, bEnd);
    checkMessage(blockB, length, MR_MARK);
  }
  seL4_Send(doneEp, seL4_MessageInfo_new(0, 0, 0, 0));
}

// A sender keeps its stamp after its Send returns, which is after the
// receiver (of higher priority) took the message: so the receiver ends the
// row only at message RUNS + 1, when the sender has kept its RUNS stamps.
function sender(length: u32, stamped: bool): void {
  for (let i = 0; i <= RUNS; i++) {
    const info = fillMessage(length, MR_MARK);
    setBlock(blockA, SYS_SEND, ep, info, MR_MARK, MR_MARK + 1);
    if (stamped) {
      benchStamped(blockA);
      if (i < RUNS) keep(blockA, i, aStart, aEnd);
    } else {
      sysenter(blockA);
    }
  }
}

function receiver(length: u32, yielding: bool): void {
  const n = yielding ? RUNS : RUNS + 1;
  for (let i = 0; i < n; i++) {
    // Yielding: the sender (same priority) runs and blocks in Send, so the Recv finds it waiting.
    if (yielding) seL4_Yield();
    fillMessage(0, 0);
    setBlock(blockB, SYS_RECV, ep, 0, 0, 0);
    benchStamped(blockB);
    if (i < RUNS) keep(blockB, i, bStart, bEnd);
    checkMessage(blockB, length, MR_MARK);
  }
  seL4_Send(doneEp, seL4_MessageInfo_new(0, 0, 0, 0));
}

// As sender and receiver: the waiter ends the row at signal RUNS + 1.
function signaller(): void {
  for (let i = 0; i <= RUNS; i++) {
    setBlock(blockA, SYS_SEND, ntfn, 0, 0, 0);
    benchStamped(blockA);
    if (i < RUNS) keep(blockA, i, aStart, aEnd);
  }
}

function waiter(): void {
  for (let i = 0; i <= RUNS; i++) {
    setBlock(blockB, SYS_RECV, ntfn, 0, 0, 0);
    benchStamped(blockB);
    if (i < RUNS) keep(blockB, i, bStart, bEnd);
  }
  seL4_Send(doneEp, seL4_MessageInfo_new(0, 0, 0, 0));
}

function faulter(): void {
  for (let i = 0; i < RUNS; i++) store<u32>(aStart + (<usize>i << 2), <u32>benchUd2());
  seL4_Send(doneEp, seL4_MessageInfo_new(0, 0, 0, 0));
}

// The handler does nothing but reply: the fault message's MR0
// (seL4_UserException_FaultIP) arrives in EDI, and the reply's MR0, the
// new FaultIP past the 2-byte ud2, goes back in EDI.
function handler(): void {
  setBlock(blockB, SYS_RECV, faultEp, 0, 0, 0);
  sysenter(blockB);
  for (let i = 0; i <= RUNS; i++) {
    if (seL4_MessageInfo_get_label(load<u32>(blockB, B_ESI)) != seL4_Fault_UserException) wrong = 1;
    setBlock(blockB, SYS_REPLY_RECV, faultEp, seL4_MessageInfo_new(0, 0, 0, 1), load<u32>(blockB, B_EDI) + 2, 0);
    sysenter(blockB);
  }
}

/** A benchmark thread's body (main.ts threadMain). */
export function ipcThreadMain(kind: i32, length: u32): void {
  switch (kind) {
    case K_CLIENT: client(length); break;
    case K_SERVER: server(length); break;
    case K_SENDER: sender(length, true); break;
    case K_RECEIVER: receiver(length, false); break;
    case K_BLOCKING_SENDER: sender(length, false); break;
    case K_YIELDING_RECEIVER: receiver(length, true); break;
    case K_SIGNALLER: signaller(); break;
    case K_WAITER: waiter(); break;
    case K_FAULTER: faulter(); break;
    case K_HANDLER: handler(); break;
    default: break;
  }
}

// ── The driver ────────────────────────────────────────────────────────────

const regs = memory.data(<i32>USER_CONTEXT_SIZE, 4);

/** Starts thread `index` (TCB `tcb`) afresh at threadMain(kind, arg), as threadCreate set it up. */
function start(tcb: u32, index: u32, kind: i32, arg: u32): bool {
  memory.fill(regs, 0, USER_CONTEXT_SIZE);
  store<u32>(regs + USER_CONTEXT_EIP, threadStartAddress());
  store<u32>(regs + USER_CONTEXT_ESP, threadArea(index) + (1 + THREAD_STACK_PAGES) * PAGE_SIZE);
  store<u32>(regs + USER_CONTEXT_EFLAGS, EFLAGS_IF | EFLAGS_RESERVED1);
  store<u32>(regs + USER_CONTEXT_EBX, <u32>kind);
  store<u32>(regs + USER_CONTEXT_EDI, arg);
  store<u32>(regs + USER_CONTEXT_ESI, tcb);
  store<u32>(regs + USER_CONTEXT_GS_BASE, threadIpcBufferAt(index) + THREAD_TLS_OFFSET + <u32>TLS_SELF);
  return seL4_TCB_WriteRegisters(tcb, true, 0, <u32>USER_CONTEXT_SIZE >> 2, regs) == seL4_NoError;
}

let failed = false;

function fail(what: string): void {
  if (!failed) {
    print("bench: ");
    printLine(what);
  }
  failed = true;
}

/**
 * Runs one row: both threads stopped, given their address spaces, fault
 * endpoints and priorities, started B first (at equal priority it runs
 * first), and the driver waits until one reports on the done endpoint.
 */
function run(kindA: i32, prioA: u32, kindB: i32, prioB: u32, cross: bool, length: u32): bool {
  const cnode = seL4_CapInitThreadCNode;
  wrong = 0;
  const ok = seL4_TCB_Suspend(tcbA) == seL4_NoError && seL4_TCB_Suspend(tcbB) == seL4_NoError &&
    seL4_TCB_SetSpace(tcbA, kindA == K_FAULTER ? faultEp : doneEp, cnode, 0, seL4_CapInitThreadVSpace, 0) == seL4_NoError &&
    seL4_TCB_SetSpace(tcbB, doneEp, cnode, 0, cross ? space2 : seL4_CapInitThreadVSpace, 0) == seL4_NoError &&
    seL4_TCB_SetPriority(tcbA, seL4_CapInitThreadTCB, prioA) == seL4_NoError &&
    seL4_TCB_SetPriority(tcbB, seL4_CapInitThreadTCB, prioB) == seL4_NoError &&
    start(tcbB, 1, kindB, length) && start(tcbA, 0, kindA, length);
  if (!ok) {
    fail("a benchmark thread could not be started");
    return false;
  }
  const info = seL4_Recv(doneEp, 0);
  seL4_TCB_Suspend(tcbA);
  seL4_TCB_Suspend(tcbB);
  if (seL4_MessageInfo_get_label(info) != 0) {
    print("bench: a benchmark thread faulted (fault ");
    printDec(seL4_MessageInfo_get_label(info));
    printLine(")");
    failed = true;
    return false;
  }
  if (wrong != 0) {
    fail("a benchmark thread received the wrong message");
    return false;
  }
  return true;
}

/** The overhead of a one-way row: the Nop twin's stamps on one thread. */
function stampOverhead(name: string, more: string, tail: string, sys: i32, cap: u32, length: u32): void {
  const info = seL4_MessageInfo_new(0, 0, 0, length);
  for (let i = -WARMUP; i < SAMPLES; i++) {
    setBlock(blockA, sys, cap, info, MR_MARK, MR_MARK + 1);
    benchStampedNop(blockA);
    if (i >= 0) store<u32>(samples + (<usize>i << 2), load<u32>(blockA, B_AFTER) - load<u32>(blockA, B_BEFORE));
  }
  report(name, more, tail);
}

/**
 * Samples: `to[k] - from[k]` for the SAMPLES iterations k after the
 * warm-up ones; with `previous`, `to[k - 1] - from[k]` (the server's
 * iteration k - 1 receives call k).
 */
function oneWay(name: string, more: string, tail: string, from: usize, to: usize, previous: bool): void {
  for (let i = 0; i < SAMPLES; i++) {
    const k = WARMUP + i;
    const j = previous ? k - 1 : k;
    store<u32>(samples + (<usize>i << 2), load<u32>(to + (<usize>j << 2)) - load<u32>(from + (<usize>k << 2)));
  }
  report(name, more, tail);
}

function suffix(cross: bool, length: u32): string {
  if (cross) return length == 0 ? "-cross-0" : "-cross-10";
  return length == 0 ? "-same-0" : "-same-10";
}

/** Runs every IPC row; returns false if any failed. `avoid` is the untyped main.ts's benchmarks use. */
export function benchIpc(bi: usize, firstFree: u32, avoid: u32): bool {
  if (!setUp(bi, firstFree, avoid)) {
    printLine("bench: no untyped, slots or second address space for the IPC benchmarks");
    return false;
  }
  for (let c = 0; c < 2; c++) {
    const cross = c == 1;
    for (let l = 0; l < 2; l++) {
      const length: u32 = l == 0 ? 0 : 10;
      const sfx = suffix(cross, length);
      // Call and ReplyRecv: one ping-pong. Call k is received by the server's iteration k - 1.
      stampOverhead("call", sfx, "-overhead", SYS_CALL, ep, length);
      stampOverhead("replyrecv", sfx, "-overhead", SYS_REPLY_RECV, ep, length);
      if (!run(K_CLIENT, PRIO_HIGH, K_SERVER, PRIO_HIGH, cross, length)) return false;
      oneWay("call", sfx, "-raw", aStart, bEnd, true);
      oneWay("replyrecv", sfx, "-raw", bStart, aEnd, false);
      // Send to a receiver of higher priority blocked in Recv.
      stampOverhead("send", sfx, "-overhead", SYS_SEND, ep, length);
      if (!run(K_SENDER, PRIO_LOW, K_RECEIVER, PRIO_HIGH, cross, length)) return false;
      oneWay("send", sfx, "-raw", aStart, bEnd, false);
      // Recv from a sender of the same priority blocked in Send.
      stampOverhead("recv", sfx, "-overhead", SYS_RECV, ep, 0);
      if (!run(K_BLOCKING_SENDER, PRIO_HIGH, K_YIELDING_RECEIVER, PRIO_HIGH, cross, length)) return false;
      oneWay("recv", sfx, "-raw", bStart, bEnd, false);
    }
    // Signal to a waiter of higher priority blocked in Wait.
    const space = cross ? "-cross" : "-same";
    stampOverhead("signal-wait", space, "-overhead", SYS_SEND, ntfn, 0);
    if (!run(K_SIGNALLER, PRIO_LOW, K_WAITER, PRIO_HIGH, cross, 0)) return false;
    oneWay("signal-wait", space, "-raw", aStart, bEnd, false);
  }
  // A fault's round trip, the handler in the same address space.
  for (let i = -WARMUP; i < SAMPLES; i++) {
    const t = <u32>benchUd2Nop();
    if (i >= 0) store<u32>(samples + (<usize>i << 2), t);
  }
  report("fault-roundtrip-overhead");
  if (!run(K_FAULTER, PRIO_HIGH, K_HANDLER, PRIO_LOW, false, 0)) return false;
  memory.copy(samples, aStart + (<usize>WARMUP << 2), SAMPLES * 4);
  report("fault-roundtrip-raw");
  return !failed;
}
