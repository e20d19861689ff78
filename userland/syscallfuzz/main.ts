// userland/syscallfuzz/main.ts: the system-call fuzzer, a root task (boot module 0).
//
// Owns: making at least `n=` (default 1 000 000) random system calls from
// WORKERS threads, with a seed from the command line (`seed=0x...`,
// printed first, so a failing run can be repeated: boot with the same
// string), then a kernel self-check (DebugSelfCheck) and a summary
// (invocations, per-call counts, the seL4 error histogram of the
// invocations, faults taken), and a power-off that reports success only
// if every self-check found 0 problems.
//
// The arena. Each epoch (EPOCH invocations) the controller (this root
// thread, priority 255) retypes from one untyped every kind of object
// into its own CNode: the fuzz CNode (2^8 slots, 24-bit guard, so a CPtr
// names slot n at depth 32 only when its top 24 bits are 0), endpoints,
// notifications, two victim TCBs, two small CNodes, 4 KiB and 4 MiB
// frames, a page table, page directories, two play untypeds and an ASID
// pool; and it fills the fuzz CNode with copies, badged mints and
// rights-reduced copies of them, of the IRQ handler and I/O port it
// issued once, and of ASIDControl, the root's ASID pool and Domain
// (FUZZ_* below). The workers' CSpace root is the fuzz CNode: they reach
// nothing else. At the epoch's end the controller (which runs alone: it
// is above every other thread) runs the self-check with the fuzz threads
// where they are, revokes the arena untyped (which deletes every object
// of the epoch with threads still queued on them, restarting them),
// checks again, suspends the fuzz threads, checks a third time, and
// builds the next epoch.
//
// The threads (all in this VSpace, libs/user/thread.ts):
//   workers 0..WORKERS-1 (priorities 50, 50, 51, 52): each loop picks a
//     random call: Call/Send/NBSend (invocations with random labels on
//     random capabilities, a label of the target's type most of the
//     time while the slot still holds its first capability; IPC and
//     signals), Recv/NBRecv, Reply,
//     ReplyRecv, Yield, CapIdentify, a random system call number, or a
//     deliberate fault (a read of page 0, ud2, an unknown system call),
//     with random message info (label, length up to 127, extra caps 0-3,
//     capsUnwrapped), message registers, extra-capability CPtrs and
//     receive slot (CNode, index, depth) in the IPC buffer. A CPtr is a
//     populated slot most of the time, else any open slot, 0, or a random
//     32-bit value.
//   the fault handler (priority 60): every worker's fault endpoint is a
//     badged mint of one endpoint (badge = worker + 1); the handler takes
//     each fault and restarts the worker at the top of its loop: either
//     WriteRegisters then a Reply (the fault-reply path), or Suspend then
//     WriteRegisters with resume (the cancel path).
//   the waker (priority 40, below every worker): it runs only when every
//     worker is blocked; it sends on, receives from (and replies to) every
//     endpoint and signals every notification of the epoch, and restarts
//     any worker that made no progress during its whole round (one
//     waiting for a reply that nobody holds any more).
// Restarted threads begin again in threadMain with fresh registers: all
// their state is in per-thread globals, found from their IPC buffer's
// address.
//
// What the workers cannot touch, and why: the slots FUZZ_PROTECTED.. of
// the fuzz CNode (their fault endpoints) are never generated as a CPtr or
// an argument (a random 32-bit value reaches them with odds of 2^-24); no
// worker holds a capability to its own or another fuzz thread's TCB, to
// the root CNode, to the root VSpace or to its IPC buffer frame, so it
// cannot suspend, delete or unmap what keeps the fuzzer running; the
// victim TCBs have MCP 0, so no invocation can raise one above the
// waker. DebugHalt, DebugPowerOff, DebugThreadExit, SetTLSBase,
// DebugSelfCheck, DebugPutChar, DebugSnapshot, DebugDumpScheduler and
// DebugNameThread are not in the random mix (they would stop the run, end
// a worker, move its TLS, or print on the console); the TCB invocations
// reach only the victim TCBs.
// Must not: depend on timing for its verdict (the count of invocations
// and the self-checks decide), or stop without a power-off.

import {
  print, printLine, printDec, printHex, nameThread, startRegister, powerOff, selfCheck, syscall, sysRegs,
} from "../../libs/user/sys";
import { REG_EBX, REG_ESI, threadIpcBuffer } from "../../libs/user/syscall";
import {
  initFromBootInfo, bootInfoEmptyStart, bootInfoLargestRamUntyped, bootModuleArg,
} from "../../libs/user/bootinfo";
import {
  seL4_Untyped_Retype, seL4_CNode_Copy, seL4_CNode_Mint, seL4_CNode_Revoke, seL4_TCB_Suspend, seL4_TCB_WriteRegisters,
  seL4_TCB_SetSpace, seL4_IRQControl_Get, seL4_X86_IOPortControl_Issue, seL4_X86_ASIDControl_MakePool,
} from "../../libs/user/invocations.gen";
import { seL4_Wait, seL4_Signal, seL4_NBSend, seL4_NBRecv, seL4_Reply, seL4_Recv, seL4_SetCapReceivePath } from "../../libs/user/ipc";
import {
  seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_CapInitThreadTCB, seL4_CapInitThreadASIDPool, seL4_CapASIDControl,
  seL4_CapIRQControl, seL4_CapIOPortControl, seL4_CapDomain, seL4_WordBits, seL4_NoError,
  OBJ_UNTYPED, OBJ_TCB, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_CAP_TABLE, OBJ_X86_4K, OBJ_X86_LARGE_PAGE, OBJ_X86_PAGE_TABLE,
  OBJ_X86_PAGE_DIRECTORY, CNODE_CAPDATA_GUARD_SIZE_SHIFT, MSGINFO_LABEL_SHIFT, MSGINFO_LENGTH_MASK,
  USER_CONTEXT_SIZE, USER_CONTEXT_EIP, USER_CONTEXT_ESP, USER_CONTEXT_EFLAGS, USER_CONTEXT_EBX, USER_CONTEXT_EDI,
  USER_CONTEXT_ESI, USER_CONTEXT_GS_BASE,
  SYS_CALL, SYS_SEND, SYS_NB_SEND, SYS_RECV, SYS_NB_RECV, SYS_REPLY, SYS_REPLY_RECV, SYS_YIELD, SYS_DEBUG_CAP_IDENTIFY,
  SYS_BENCHMARK_NULL_SYSCALL, SYS_DEBUG_SEND_IPI, SYS_VM_ENTER,
  SYS_X86_DANGEROUS_RDMSR, SYS_BENCHMARK_FLUSH_CACHES,
  LABEL_CNODE_REVOKE, LABEL_CNODE_SAVE_CALLER, LABEL_TCB_READ_REGISTERS, LABEL_TCB_SET_FLAGS, LABEL_X86_PAGE_MAP,
  LABEL_X86_PAGE_GET_ADDRESS, LABEL_X86_PAGE_TABLE_MAP, LABEL_X86_PAGE_DIRECTORY_MAP, LABEL_UNTYPED_RETYPE,
  LABEL_X86_ASID_POOL_ASSIGN, LABEL_X86_ASID_CONTROL_MAKE_POOL, LABEL_IRQ_ACK_IRQ, LABEL_X86_IO_PORT_IN8,
  LABEL_X86_IO_PORT_OUT32, LABEL_DOMAIN_SET_SET,
  IPC_BUFFER_CAPS_OR_BADGES, IPC_BUFFER_RECEIVE_CNODE, IPC_BUFFER_RECEIVE_INDEX, IPC_BUFFER_RECEIVE_DEPTH, IPC_BUFFER_MSG,
} from "../../libs/abi/sel4.gen";
import { UNASSIGNED_SYSCALL } from "../../libs/abi/tsos.gen";
import {
  THREAD_AREA_BASE, THREAD_AREA_PAGES, THREAD_STACK_PAGES, THREAD_IPC_BUFFER_PAGE, THREAD_TLS_OFFSET, TLS_SELF,
} from "../../libs/abi/layout.gen";
import { PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import { threadAreaInit, threadCreate, threadResume, threadArea, THREAD_SLOTS } from "../../libs/user/thread";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "threadStartAddress") declare function threadStartAddress(): u32;
// @ts-ignore: decorator
@external("x86", "ud2") declare function ud2(): void;

// ── Shape of the run ─────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const WORKERS: u32 = 4;
/** Thread indices (libs/user/thread.ts areas): the workers, then the fault handler, then the waker. */
// @ts-ignore: decorator
@inline const HANDLER: u32 = WORKERS;
// @ts-ignore: decorator
@inline const WAKER: u32 = WORKERS + 1;
// @ts-ignore: decorator
@inline const THREADS: u32 = WORKERS + 2;
// @ts-ignore: decorator
@inline const HANDLER_PRIORITY: u32 = 60;
// @ts-ignore: decorator
@inline const WAKER_PRIORITY: u32 = 40;
/** Invocations per epoch: the arena is rebuilt and the kernel checked after each. */
// @ts-ignore: decorator
@inline const EPOCH: u32 = 100000;
// @ts-ignore: decorator
@inline const DEFAULT_INVOCATIONS: u32 = 1000000;
/** The arena untyped: 8 MiB (the 4 MiB frame needs half of it). */
// @ts-ignore: decorator
@inline const ARENA_BITS: u32 = 23;
/** An IRQ line no device of QEMU's pc machine raises (LPT1). */
// @ts-ignore: decorator
@inline const FUZZ_IRQ: u32 = 7;
/** The POST diagnostic port: reading or writing it does nothing. */
// @ts-ignore: decorator
@inline const FUZZ_PORT: u32 = 0x80;

// Root CNode: the arena's originals, relative to `objs` (made each epoch).
// @ts-ignore: decorator
@inline const O_FUZZ_CNODE: u32 = 0;
// @ts-ignore: decorator
@inline const O_EP: u32 = 1; // 4
// @ts-ignore: decorator
@inline const EPS: u32 = 4;
// @ts-ignore: decorator
@inline const O_NTFN: u32 = 5; // 2
// @ts-ignore: decorator
@inline const NTFNS: u32 = 2;
// @ts-ignore: decorator
@inline const O_TCB: u32 = 7; // 2
// @ts-ignore: decorator
@inline const O_CNODE: u32 = 9; // 2
// @ts-ignore: decorator
@inline const O_FRAME: u32 = 11; // 4
// @ts-ignore: decorator
@inline const O_LARGE: u32 = 15;
// @ts-ignore: decorator
@inline const O_PT: u32 = 16;
// @ts-ignore: decorator
@inline const O_PD: u32 = 17; // 2
// @ts-ignore: decorator
@inline const O_PLAY: u32 = 19; // 2
// @ts-ignore: decorator
@inline const O_POOL_UT: u32 = 21;
// @ts-ignore: decorator
@inline const O_POOL: u32 = 22;
// @ts-ignore: decorator
@inline const O_FAULT_EP: u32 = 23;
// @ts-ignore: decorator
@inline const O_COUNT: u32 = 24;

// The fuzz CNode (CPtr = slot at depth 32).
// @ts-ignore: decorator
@inline const FUZZ_BITS: u32 = 8;
// @ts-ignore: decorator
@inline const FUZZ_GUARD: u32 = seL4_WordBits - FUZZ_BITS;
/** Slots 1..FUZZ_POPULATED-1 hold the epoch's capabilities at the start. */
// @ts-ignore: decorator
@inline const FUZZ_POPULATED: u32 = 37;
/** Slots from here hold the workers' fault endpoints; nothing random names them. */
// @ts-ignore: decorator
@inline const FUZZ_PROTECTED: u32 = 240;

// Call kinds, for the counts.
// @ts-ignore: decorator
@inline const K_CALL: i32 = 0;
// @ts-ignore: decorator
@inline const K_SEND: i32 = 1;
// @ts-ignore: decorator
@inline const K_NB_SEND: i32 = 2;
// @ts-ignore: decorator
@inline const K_RECV: i32 = 3;
// @ts-ignore: decorator
@inline const K_NB_RECV: i32 = 4;
// @ts-ignore: decorator
@inline const K_REPLY: i32 = 5;
// @ts-ignore: decorator
@inline const K_REPLY_RECV: i32 = 6;
// @ts-ignore: decorator
@inline const K_YIELD: i32 = 7;
// @ts-ignore: decorator
@inline const K_DEBUG: i32 = 8;
// @ts-ignore: decorator
@inline const K_OTHER_NUMBER: i32 = 9;
// @ts-ignore: decorator
@inline const K_FAULT: i32 = 10;
// @ts-ignore: decorator
@inline const KINDS: i32 = 11;
/** Error histogram: seL4 errors 0..10, then "another label". */
// @ts-ignore: decorator
@inline const ERRORS: i32 = 12;
/** Fault counts by seL4 fault label 0..7. */
// @ts-ignore: decorator
@inline const FAULT_TYPES: i32 = 8;

// ── State (per thread where threads write it) ────────────────────────

const rngState = memory.data(<i32>THREADS * 4, 4);
const invocations = memory.data(<i32>WORKERS * 4, 4);
const heartbeats = memory.data(<i32>WORKERS * 4, 4);
const kindCounts = memory.data(<i32>WORKERS * KINDS * 4, 4);
const errorCounts = memory.data(<i32>WORKERS * ERRORS * 4, 4);
const faultCounts = memory.data(FAULT_TYPES * 4, 4);
const seenBeats = memory.data(<i32>WORKERS * 4, 4);
/** A fresh context per thread that restarts others (controller, handler, waker). */
const contexts = memory.data(<i32>(3 * USER_CONTEXT_SIZE), 4);

let seed: u32 = 0;
let target: u32 = DEFAULT_INVOCATIONS;
let epochEnd: u32 = EPOCH;
let objs: u32 = 0;
let ctl: u32 = 0;
let threadsFirst: u32 = 0;
let irqSlot: u32 = 0;
let ioPortSlot: u32 = 0;
let arena: u32 = 0;
let restarts: u32 = 0;
let wakerRounds: u32 = 0;
let problemsTotal: u32 = 0;
let checks: u32 = 0;

// @ts-ignore: decorator
@inline function tcbOf(i: u32): u32 { return threadsFirst + i * THREAD_SLOTS; }

function total(): u32 {
  let n: u32 = 0;
  for (let w: u32 = 0; w < WORKERS; w++) n += load<u32>(invocations + w * 4);
  return n;
}

/** xorshift32 of thread `i`. */
function rand(i: u32): u32 {
  const at = rngState + i * 4;
  let x = load<u32>(at);
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  store<u32>(at, x);
  return x;
}

/** 0..n-1 (n > 0). */
// @ts-ignore: decorator
@inline function below(i: u32, n: u32): u32 { return rand(i) % n; }

function count(table: usize, w: u32, columns: i32, k: i32): void {
  const at = table + (<usize>w * <usize>columns + <usize>k) * 4;
  store<u32>(at, load<u32>(at) + 1);
}

// ── Random values ────────────────────────────────────────────────────

/** A slot number that is not protected. */
function openSlot(i: u32): u32 { return below(i, FUZZ_PROTECTED); }

/** A CPtr: mostly a populated slot, else any open slot, 0, or a random word. */
function randomCptr(i: u32): u32 {
  const r = below(i, 100);
  if (r < 60) return 1 + below(i, FUZZ_POPULATED - 1);
  if (r < 85) return openSlot(i);
  if (r < 90) return 0;
  let v = rand(i);
  if ((v & 0xFFFFFF00) == 0 && (v & 0xFF) >= FUZZ_PROTECTED) v |= 0x100; // never a protected slot
  return v;
}

/** An invocation argument: small numbers (types, sizes, depths), slot numbers, or random words. */
function randomArg(i: u32): u32 {
  const r = below(i, 100);
  if (r < 35) return below(i, 40);
  if (r < 65) return openSlot(i);
  if (r < 75) return seL4_WordBits;
  if (r < 80) return 0x10000000 + below(i, 64) * PAGE_SIZE; // a user address
  let v = rand(i);
  if ((v & 0xFFFFFF00) == 0 && (v & 0xFF) >= FUZZ_PROTECTED) v |= 0x100;
  return v;
}

/** Message info: a label (an invocation label most of the time), capsUnwrapped, extraCaps, length. */
function randomInfo(i: u32): u32 {
  const r = below(i, 100);
  const label = r < 85 ? below(i, 52) : rand(i) & 0xFFFFF;
  const lr = below(i, 100);
  const length = lr < 70 ? below(i, 7) : lr < 92 ? below(i, 24) : below(i, MSGINFO_LENGTH_MASK + 1);
  const extra = below(i, 4);
  const unwrapped = below(i, 8) == 0 ? below(i, 8) : 0;
  return (label << MSGINFO_LABEL_SHIFT) | (unwrapped << 9) | (extra << 7) | length;
}

/**
 * For a CPtr into the epoch's initial layout, most of the time a label of
 * the invocations that type has (so decoding goes past the label check);
 * otherwise the random label `info` already has.
 */
function typedInfo(i: u32, cptr: u32, info: u32): u32 {
  if (cptr == 0 || cptr >= FUZZ_POPULATED || below(i, 100) >= 60) return info;
  let first: u32 = 0;
  let n: u32 = 0;
  if (cptr <= 2 || cptr == 17 || cptr == 18) { first = LABEL_CNODE_REVOKE; n = LABEL_CNODE_SAVE_CALLER - first + 1; }
  else if (cptr == 15 || cptr == 16) { first = LABEL_TCB_READ_REGISTERS; n = LABEL_TCB_SET_FLAGS - first + 1; }
  else if (cptr >= 19 && cptr <= 23) { first = LABEL_X86_PAGE_MAP; n = LABEL_X86_PAGE_GET_ADDRESS - first + 1; }
  else if (cptr == 24) { first = LABEL_X86_PAGE_TABLE_MAP; n = 2; }
  else if (cptr == 25 || cptr == 26) { first = LABEL_X86_PAGE_DIRECTORY_MAP; n = 3; }
  else if (cptr == 27 || cptr == 28) { first = LABEL_UNTYPED_RETYPE; n = 1; }
  else if (cptr == 29 || cptr == 30) { first = LABEL_X86_ASID_POOL_ASSIGN; n = 1; }
  else if (cptr == 31) { first = LABEL_X86_ASID_CONTROL_MAKE_POOL; n = 1; }
  else if (cptr == 32) { first = LABEL_IRQ_ACK_IRQ; n = 3; }
  else if (cptr == 33) { first = LABEL_X86_IO_PORT_IN8; n = LABEL_X86_IO_PORT_OUT32 - first + 1; }
  else if (cptr == 34) { first = LABEL_DOMAIN_SET_SET; n = 1; }
  else return info; // endpoints and notifications take any label
  return (info & ((1 << MSGINFO_LABEL_SHIFT) - 1)) | ((first + below(i, n)) << MSGINFO_LABEL_SHIFT);
}

/** Fills the IPC buffer: message words 2.. of `info`'s length, the extra-capability CPtrs, the receive slot. */
function fillBuffer(i: u32, info: u32): void {
  const buf = threadIpcBuffer();
  let length = info & MSGINFO_LENGTH_MASK;
  if (length > 120) length = 120;
  for (let m: u32 = 2; m < length; m++) store<u32>(buf + IPC_BUFFER_MSG + m * 4, randomArg(i));
  for (let c: u32 = 0; c < 3; c++) store<u32>(buf + IPC_BUFFER_CAPS_OR_BADGES + c * 4, randomCptr(i));
  const r = below(i, 100);
  store<u32>(buf + IPC_BUFFER_RECEIVE_CNODE, r < 70 ? 1 : r < 80 ? 0 : randomCptr(i));
  store<u32>(buf + IPC_BUFFER_RECEIVE_INDEX, FUZZ_POPULATED + below(i, FUZZ_PROTECTED - FUZZ_POPULATED));
  store<u32>(buf + IPC_BUFFER_RECEIVE_DEPTH, below(i, 100) < 80 ? seL4_WordBits : below(i, 40));
}

// ── A worker ─────────────────────────────────────────────────────────

/** The reply label of the last call: an invocation's seL4 error, if it failed. */
function recordReply(w: u32): void {
  const label = load<u32>(sysRegs(), REG_ESI) >>> MSGINFO_LABEL_SHIFT;
  count(errorCounts, w, ERRORS, label < <u32>(ERRORS - 1) ? <i32>label : ERRORS - 1);
}

/**
 * A system call number from outside the main eight: benchmark, x86 and
 * unassigned ones (none that stops anything; DebugPutChar and
 * DebugSnapshot are left out because they print).
 */
function otherNumber(i: u32): i32 {
  switch (below(i, 7)) {
    case 0: return SYS_BENCHMARK_NULL_SYSCALL;
    case 1: return SYS_DEBUG_SEND_IPI;
    case 2: return SYS_VM_ENTER;
    case 3: return SYS_X86_DANGEROUS_RDMSR;
    case 4: return SYS_BENCHMARK_FLUSH_CACHES;
    case 5: return -30 - <i32>below(i, 60);
    default: return 1 + <i32>below(i, 1000);
  }
}

function fuzzOnce(w: u32): void {
  const cptr = randomCptr(w);
  const info = typedInfo(w, cptr, randomInfo(w));
  fillBuffer(w, info);
  const mr0 = randomArg(w);
  const mr1 = randomArg(w);
  const r = below(w, 1000);
  if (r < 340) {
    count(kindCounts, w, KINDS, K_CALL);
    syscall(SYS_CALL, cptr, info, mr0, mr1);
    recordReply(w);
  } else if (r < 420) {
    count(kindCounts, w, KINDS, K_SEND);
    syscall(SYS_SEND, cptr, info, mr0, mr1);
  } else if (r < 560) {
    count(kindCounts, w, KINDS, K_NB_SEND);
    syscall(SYS_NB_SEND, cptr, info, mr0, mr1);
  } else if (r < 640) {
    count(kindCounts, w, KINDS, K_RECV);
    syscall(SYS_RECV, randomCptr(w), info, mr0, mr1);
  } else if (r < 740) {
    count(kindCounts, w, KINDS, K_NB_RECV);
    syscall(SYS_NB_RECV, randomCptr(w), info, mr0, mr1);
  } else if (r < 800) {
    count(kindCounts, w, KINDS, K_REPLY);
    syscall(SYS_REPLY, randomCptr(w), info, mr0, mr1);
  } else if (r < 860) {
    count(kindCounts, w, KINDS, K_REPLY_RECV);
    syscall(SYS_REPLY_RECV, randomCptr(w), info, mr0, mr1);
  } else if (r < 920) {
    count(kindCounts, w, KINDS, K_YIELD);
    syscall(SYS_YIELD, randomCptr(w), info, mr0, mr1);
  } else if (r < 950) {
    count(kindCounts, w, KINDS, K_DEBUG);
    syscall(SYS_DEBUG_CAP_IDENTIFY, randomCptr(w), info, mr0, mr1);
  } else if (r < 985) {
    count(kindCounts, w, KINDS, K_OTHER_NUMBER);
    syscall(otherNumber(w), randomCptr(w), info, mr0, mr1);
  } else {
    count(kindCounts, w, KINDS, K_FAULT);
    const f = below(w, 3);
    if (f == 0) store<u32>(threadIpcBuffer() + IPC_BUFFER_MSG, load<u32>(0x10 + (rand(w) & 0xFF0))); // page 0 is never mapped
    else if (f == 1) ud2();
    else syscall(UNASSIGNED_SYSCALL, randomCptr(w), info, mr0, mr1);
  }
}

function workerLoop(w: u32): void {
  for (;;) {
    if (total() >= epochEnd) {
      // Tell the handler (it wakes the controller) the only way left: a fault.
      syscall(UNASSIGNED_SYSCALL, 0, 0, 0, 0);
      continue;
    }
    store<u32>(heartbeats + w * 4, load<u32>(heartbeats + w * 4) + 1);
    store<u32>(invocations + w * 4, load<u32>(invocations + w * 4) + 1);
    fuzzOnce(w);
  }
}

// ── Restarting a thread ──────────────────────────────────────────────

/** Fills `ctx` with the registers thread `i` starts with (as libs/user/thread.ts's threadCreate does). */
function freshContext(ctx: usize, i: u32): void {
  memory.fill(ctx, 0, USER_CONTEXT_SIZE);
  const ipc = threadArea(i) + THREAD_IPC_BUFFER_PAGE * PAGE_SIZE;
  store<u32>(ctx + USER_CONTEXT_EIP, threadStartAddress());
  store<u32>(ctx + USER_CONTEXT_ESP, threadArea(i) + (1 + THREAD_STACK_PAGES) * PAGE_SIZE);
  store<u32>(ctx + USER_CONTEXT_EFLAGS, 0x202);
  store<u32>(ctx + USER_CONTEXT_EBX, 0);
  store<u32>(ctx + USER_CONTEXT_EDI, i);
  store<u32>(ctx + USER_CONTEXT_ESI, 0);
  store<u32>(ctx + USER_CONTEXT_GS_BASE, ipc + THREAD_TLS_OFFSET + TLS_SELF);
}

/** Restarts thread `i` at threadMain; `ctxIndex` picks the caller's context buffer; `viaSuspend` cancels what it waits for first. */
function restart(i: u32, ctxIndex: u32, resume: bool): void {
  const ctx = contexts + ctxIndex * USER_CONTEXT_SIZE;
  freshContext(ctx, i);
  if (resume) seL4_TCB_Suspend(tcbOf(i));
  seL4_TCB_WriteRegisters(tcbOf(i), resume, 0, <u32>USER_CONTEXT_SIZE >> 2, ctx);
  restarts++;
}

// ── The fault handler and the waker ──────────────────────────────────

function handlerLoop(): void {
  seL4_SetCapReceivePath(0, 0, 0);
  for (;;) {
    const info = seL4_Recv(objs + O_FAULT_EP, 0);
    const badge = load<u32>(sysRegs(), REG_EBX);
    const label = info >>> MSGINFO_LABEL_SHIFT;
    const at = faultCounts + (label < <u32>FAULT_TYPES ? label : 0) * 4;
    store<u32>(at, load<u32>(at) + 1);
    if (total() >= epochEnd) seL4_Signal(ctl);
    if (badge == 0 || badge > WORKERS) continue;
    const w = badge - 1;
    if ((rand(HANDLER) & 1) == 0) {
      restart(w, 1, false);
      seL4_Reply(0);
    } else {
      restart(w, 1, true);
    }
  }
}

function wakerLoop(): void {
  seL4_SetCapReceivePath(0, 0, 0);
  for (;;) {
    for (let w: u32 = 0; w < WORKERS; w++) store<u32>(seenBeats + w * 4, load<u32>(heartbeats + w * 4));
    for (let e: u32 = 0; e < EPS; e++) {
      seL4_NBSend(objs + O_EP + e, 0);
      seL4_NBRecv(objs + O_EP + e, 0);
      seL4_Reply(0);
    }
    for (let n: u32 = 0; n < NTFNS; n++) seL4_Signal(objs + O_NTFN + n);
    if (total() >= epochEnd) seL4_Signal(ctl);
    for (let w: u32 = 0; w < WORKERS; w++) {
      if (load<u32>(heartbeats + w * 4) == load<u32>(seenBeats + w * 4)) restart(w, 2, true);
    }
    wakerRounds++;
  }
}

/** Every thread this program starts begins here (build/rt/user-rt.c); which one it is follows from its IPC buffer. */
export function threadMain(kind: i32, arg: u32): void {
  const i = (<u32>threadIpcBuffer() - THREAD_AREA_BASE) / (THREAD_AREA_PAGES * PAGE_SIZE);
  if (i < WORKERS) workerLoop(i);
  else if (i == HANDLER) handlerLoop();
  else wakerLoop();
}

// ── The controller ───────────────────────────────────────────────────

function fail(what: string, err: u32): void {
  print("syscallfuzz: ");
  print(what);
  print(" failed with seL4 error ");
  printDec(err);
  printLine("");
  powerOff(1);
}

const R = seL4_CapInitThreadCNode;
// @ts-ignore: decorator
@inline const D: u32 = seL4_WordBits;

function retype(type: u32, bits: u32, slot: u32, n: u32): bool {
  const err = seL4_Untyped_Retype(arena, type, bits, R, 0, 0, slot, n);
  if (err != seL4_NoError) fail("a retype into the arena", err);
  return err == seL4_NoError;
}

/** The fuzz CNode gets a copy (rights, badge 0 unless given) of root slot `src` at `dest`. */
function put(dest: u32, src: u32, rights: u32, badge: u32): void {
  const fuzz = objs + O_FUZZ_CNODE;
  if (badge == 0) seL4_CNode_Copy(fuzz, dest, FUZZ_BITS, R, src, D, rights);
  else seL4_CNode_Mint(fuzz, dest, FUZZ_BITS, R, src, D, rights, badge);
}

/** Makes the epoch's objects and fills the fuzz CNode. The fuzz CNode's own capability is 2^8 slots with no guard, so depth 8 names a slot here. */
function buildArena(): bool {
  // The 4 MiB frame first: it must be aligned to its size, at the arena's start.
  if (!retype(OBJ_X86_LARGE_PAGE, 0, objs + O_LARGE, 1)) return false;
  if (!retype(OBJ_CAP_TABLE, FUZZ_BITS, objs + O_FUZZ_CNODE, 1)) return false;
  if (!retype(OBJ_ENDPOINT, 0, objs + O_EP, EPS)) return false;
  if (!retype(OBJ_NOTIFICATION, 0, objs + O_NTFN, NTFNS)) return false;
  if (!retype(OBJ_TCB, 0, objs + O_TCB, 2)) return false;
  if (!retype(OBJ_CAP_TABLE, 4, objs + O_CNODE, 2)) return false;
  if (!retype(OBJ_X86_4K, 0, objs + O_FRAME, 4)) return false;
  if (!retype(OBJ_X86_PAGE_TABLE, 0, objs + O_PT, 1)) return false;
  if (!retype(OBJ_X86_PAGE_DIRECTORY, 0, objs + O_PD, 2)) return false;
  if (!retype(OBJ_UNTYPED, 16, objs + O_PLAY, 1)) return false;
  if (!retype(OBJ_UNTYPED, 14, objs + O_PLAY + 1, 1)) return false;
  if (!retype(OBJ_UNTYPED, 12, objs + O_POOL_UT, 1)) return false;
  if (!retype(OBJ_ENDPOINT, 0, objs + O_FAULT_EP, 1)) return false;
  const poolErr = seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, objs + O_POOL_UT, R, objs + O_POOL, D);
  const all: u32 = 0xF;
  const guardData = FUZZ_GUARD << CNODE_CAPDATA_GUARD_SIZE_SHIFT;
  const fuzz = objs + O_FUZZ_CNODE;
  seL4_CNode_Mint(fuzz, 1, FUZZ_BITS, R, fuzz, D, all, guardData);
  seL4_CNode_Mint(fuzz, 2, FUZZ_BITS, R, fuzz, D, all, (16 << CNODE_CAPDATA_GUARD_SIZE_SHIFT));
  for (let e: u32 = 0; e < EPS; e++) {
    put(3 + e, objs + O_EP + e, all, 0);
    put(7 + e, objs + O_EP + e, e == 3 ? 0x3 : all, 1 + e);
  }
  for (let n: u32 = 0; n < NTFNS; n++) {
    put(11 + n, objs + O_NTFN + n, all, 0);
    put(13 + n, objs + O_NTFN + n, all, 0x10 + n);
  }
  put(15, objs + O_TCB, all, 0);
  put(16, objs + O_TCB + 1, all, 0);
  put(17, objs + O_CNODE, all, 0);
  put(18, objs + O_CNODE + 1, all, 0);
  for (let f: u32 = 0; f < 4; f++) put(19 + f, objs + O_FRAME + f, all, 0);
  put(23, objs + O_LARGE, all, 0);
  put(24, objs + O_PT, all, 0);
  put(25, objs + O_PD, all, 0);
  put(26, objs + O_PD + 1, all, 0);
  // Copies of the play untypeds (they have no children yet, so seL4 lets them be copied).
  put(27, objs + O_PLAY, all, 0);
  put(28, objs + O_PLAY + 1, all, 0);
  if (poolErr == seL4_NoError) put(29, objs + O_POOL, all, 0);
  put(30, seL4_CapInitThreadASIDPool, all, 0);
  put(31, seL4_CapASIDControl, all, 0);
  if (irqSlot != 0) put(32, irqSlot, all, 0);
  if (ioPortSlot != 0) put(33, ioPortSlot, all, 0);
  put(34, seL4_CapDomain, all, 0);
  put(35, objs + O_EP, 0x2, 0); // read only
  put(36, objs + O_NTFN, 0x1, 0); // write only
  for (let w: u32 = 0; w < WORKERS; w++) put(FUZZ_PROTECTED + w, objs + O_FAULT_EP, all, 1 + w);
  return true;
}

/** Every fuzz thread gets the epoch's CSpace (workers) and restarts. */
function startEpoch(): bool {
  const guardData = FUZZ_GUARD << CNODE_CAPDATA_GUARD_SIZE_SHIFT;
  for (let w: u32 = 0; w < WORKERS; w++) {
    const err = seL4_TCB_SetSpace(tcbOf(w), FUZZ_PROTECTED + w, objs + O_FUZZ_CNODE, guardData, seL4_CapInitThreadVSpace, 0);
    if (err != seL4_NoError) {
      fail("TCB_SetSpace of a worker", err);
      return false;
    }
    store<u32>(heartbeats + w * 4, load<u32>(heartbeats + w * 4) + 1);
  }
  for (let i: u32 = 0; i < THREADS; i++) restart(i, 0, true);
  return true;
}

function stopThreads(): void {
  for (let i: u32 = 0; i < THREADS; i++) seL4_TCB_Suspend(tcbOf(i));
}

function runCheck(when: string): void {
  print("syscallfuzz: self-check ");
  print(when);
  printLine("");
  const p = selfCheck();
  problemsTotal += p;
  checks++;
}

function kindName(k: i32): string {
  switch (k) {
    case K_CALL: return "Call";
    case K_SEND: return "Send";
    case K_NB_SEND: return "NBSend";
    case K_RECV: return "Recv";
    case K_NB_RECV: return "NBRecv";
    case K_REPLY: return "Reply";
    case K_REPLY_RECV: return "ReplyRecv";
    case K_YIELD: return "Yield";
    case K_DEBUG: return "CapIdentify";
    case K_OTHER_NUMBER: return "other-number";
    default: return "deliberate-fault";
  }
}

function printSummary(): void {
  let n: u32 = 0;
  for (let w: u32 = 0; w < WORKERS; w++) n += load<u32>(invocations + w * 4);
  print("syscallfuzz: ");
  printDec(n);
  print(" invocations by ");
  printDec(WORKERS);
  print(" workers, ");
  printDec(restarts);
  print(" thread restarts, ");
  printDec(wakerRounds);
  printLine(" waker rounds");
  print("syscallfuzz: calls");
  for (let k = 0; k < KINDS; k++) {
    let c: u32 = 0;
    for (let w: u32 = 0; w < WORKERS; w++) c += load<u32>(kindCounts + (<usize>w * KINDS + <usize>k) * 4);
    print(" ");
    print(kindName(k));
    print("=");
    printDec(c);
  }
  printLine("");
  print("syscallfuzz: Call replies by seL4 error");
  for (let e = 0; e < ERRORS; e++) {
    let c: u32 = 0;
    for (let w: u32 = 0; w < WORKERS; w++) c += load<u32>(errorCounts + (<usize>w * ERRORS + <usize>e) * 4);
    print(" ");
    if (e == ERRORS - 1) print("other");
    else printDec(<u32>e);
    print("=");
    printDec(c);
  }
  printLine("");
  print("syscallfuzz: faults taken by type (seL4 fault label)");
  for (let f = 0; f < FAULT_TYPES; f++) {
    print(" ");
    printDec(<u32>f);
    print("=");
    printDec(load<u32>(faultCounts + <usize>f * 4));
  }
  printLine("");
}

export function main(): u32 {
  const bi = <usize>startRegister();
  initFromBootInfo(bi);
  nameThread("syscallfuzz");
  seed = bootModuleArg(bi, 0, "seed", 0x5eed);
  target = bootModuleArg(bi, 0, "n", target);
  if (seed == 0) seed = 1; // xorshift's one fixed point
  print("syscallfuzz: seed ");
  printHex(seed);
  print(", ");
  printDec(target);
  printLine(" invocations");
  for (let i: u32 = 0; i < THREADS; i++) store<u32>(rngState + i * 4, (seed ^ ((i + 1) * 0x9E3779B9)) | 1);
  // The largest RAM untyped holds everything.
  const bitsAt = memory.data(4, 4);
  const big = bootInfoLargestRamUntyped(bi, bitsAt);
  const bigBits = load<u32>(bitsAt);
  if (bigBits < ARENA_BITS + 1) {
    fail("finding a 16 MiB untyped", 0);
    return 1;
  }
  let next = bootInfoEmptyStart(bi);
  const areaPt = next++;
  threadsFirst = next;
  next += THREADS * THREAD_SLOTS;
  irqSlot = next++;
  ioPortSlot = next++;
  arena = next++;
  ctl = next++;
  objs = next;
  next += O_COUNT;
  let err = seL4_Untyped_Retype(big, OBJ_UNTYPED, ARENA_BITS, R, 0, 0, arena, 1);
  if (err == seL4_NoError) err = seL4_Untyped_Retype(big, OBJ_NOTIFICATION, 0, R, 0, 0, ctl, 1);
  if (err == seL4_NoError) err = threadAreaInit(big, R, seL4_CapInitThreadVSpace, areaPt);
  if (err != seL4_NoError) {
    fail("setting up", err);
    return 1;
  }
  if (seL4_IRQControl_Get(seL4_CapIRQControl, FUZZ_IRQ, R, irqSlot, D) != seL4_NoError) irqSlot = 0;
  if (seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, FUZZ_PORT, FUZZ_PORT, R, ioPortSlot, D) != seL4_NoError) ioPortSlot = 0;
  for (let i: u32 = 0; i < THREADS; i++) {
    const prio = i < WORKERS ? 50 + (i < 2 ? 0 : i - 1) : i == HANDLER ? HANDLER_PRIORITY : WAKER_PRIORITY;
    err = threadCreate(big, R, seL4_CapInitThreadVSpace, tcbOf(i), i, 0, i, prio, seL4_CapInitThreadTCB, 0);
    if (err != seL4_NoError) {
      fail("making a thread", err);
      return 1;
    }
  }
  let epoch: u32 = 0;
  for (;;) {
    if (!buildArena()) return 1;
    epochEnd = total() + EPOCH;
    if (epochEnd > target) epochEnd = target;
    if (!startEpoch()) return 1;
    while (total() < epochEnd) seL4_Wait(ctl, 0);
    epoch++;
    print("syscallfuzz: epoch ");
    printDec(epoch);
    print(" done, ");
    printDec(total());
    printLine(" invocations");
    runCheck("with the fuzz threads where they are (queued, blocked, waiting for replies)");
    err = seL4_CNode_Revoke(R, arena, D);
    if (err != seL4_NoError) {
      fail("revoking the arena", err);
      return 1;
    }
    runCheck("after revoking the arena under them");
    stopThreads();
    runCheck("with the fuzz threads suspended");
    if (total() >= target) break;
  }
  printSummary();
  print("syscallfuzz: ");
  printDec(checks);
  print(" self-checks, ");
  printDec(problemsTotal);
  printLine(" problems");
  printLine(problemsTotal == 0 ? "syscallfuzz: PASS" : "syscallfuzz: FAIL");
  powerOff(problemsTotal == 0 ? 0 : 1);
  return 0;
}
