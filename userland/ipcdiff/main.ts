// userland/ipcdiff/main.ts: randomised IPC scenarios whose trace must not depend on the IPC fast path.
//
// Owns: a root task (boot module 0, arguments `seed=0x...` and `n=<scenarios>`)
// that runs `n` scenarios, each from the seeded generator, and prints a
// trace: every record of scenarios 0 and 1 in full, one hash line per
// scenario, and a total. test/system/fastpath.test.ts boots it with the
// kernel's IPC fast path on and off (the `nofastpath` boot option) and
// requires the two traces to be identical, line for line.
//
// A scenario. The driver (this thread, priority 0, so it runs only when
// every worker is blocked or done) retypes from one untyped: two
// endpoints, two notifications and WORKERS threads in this address space
// (libs/user/thread.ts), with distinct random priorities, all from one
// arena untyped made at the start. It mints a
// table of capabilities (CAPS below): the endpoints unbadged, badged, and
// with fewer rights (write only, write and GrantReply, read only), the
// notifications plain and badged. Endpoint 1 is every worker's fault
// endpoint, and notification 0 is bound to worker 0. Each worker gets a
// random script of OPS operations, weighted by its role (a client calls
// and sends, a server receives and replies), over random capabilities of
// the table, with message lengths 0..4 (the fast path takes 0..2), random
// labels, and now and then a deliberate fault (ud2), a signal, a yield, a
// CNode_Delete or CNode_Revoke of a table entry (an endpoint or
// notification vanishing under threads queued on it), a CNode_SaveCaller
// and a reply through the saved capability, or a delete of it. A worker
// that receives a fault message answers it (a user exception: resume past
// the ud2; any other fault: label 0, which restarts the thread).
// Then the driver resumes the workers and waits; when it runs again every
// worker has finished or is stuck, and it records how far each got, runs
// the kernel's self-check (DebugSelfCheck: it must find nothing), and
// revokes the arena, which deletes every object of the scenario and
// empties it for the next.
//
// The trace. Every worker appends a record after each operation: a
// global sequence number (so the order in which threads ran is in it), the
// worker, the operation, and what came back: message info, badge, MR0..MR3,
// or the error of an invocation. Distinct priorities make the schedule a
// function of the system calls alone: a timer tick only ever re-picks the
// thread that was running, so the instruction counts, which differ between
// the two kernels, change nothing a worker sees.
// Must not: depend on time, or allocate.

import { print, printLine, printDec, printHex, nameThread, startRegister, powerOff, selfCheck } from "../../libs/user/sys";
import { initFromBootInfo, bootInfoEmptyStart, bootInfoLargestRamUntyped, bootModuleArg } from "../../libs/user/bootinfo";
import {
  seL4_SetMR, seL4_GetMR, seL4_MessageInfo_new, seL4_MessageInfo_get_label, seL4_Call, seL4_Send, seL4_NBSend,
  seL4_Recv, seL4_NBRecv, seL4_ReplyRecv, seL4_Reply, seL4_Signal, seL4_Wait, seL4_Yield,
} from "../../libs/user/ipc";
import {
  seL4_Untyped_Retype, seL4_CNode_Mint, seL4_CNode_Delete, seL4_CNode_Revoke, seL4_CNode_SaveCaller,
  seL4_TCB_BindNotification, seL4_TCB_SetPriority,
} from "../../libs/user/invocations.gen";
import { threadAreaInit, threadCreate, threadResume, THREAD_SLOTS } from "../../libs/user/thread";
import {
  OBJ_UNTYPED, OBJ_ENDPOINT, OBJ_NOTIFICATION, seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_CapInitThreadTCB,
  seL4_WordBits, seL4_NoError, seL4_Fault_UserException, seL4_Fault_NullFault, seL4_Fault_VMFault,
  CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT, CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT,
  CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT, seL4_UserException_FaultIP,
} from "../../libs/abi/sel4.gen";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "ud2") declare function ud2(): void;

// @ts-ignore: decorator
@inline const R: u32 = seL4_CapInitThreadCNode;
// @ts-ignore: decorator
@inline const D: u32 = seL4_WordBits;

/** Worker threads per scenario. */
// @ts-ignore: decorator
@inline const WORKERS: u32 = 6;
/** Operations in each worker's script. */
// @ts-ignore: decorator
@inline const OPS: u32 = 24;
/** The scenario untyped: 2^ARENA_BITS bytes (threads, endpoints, notifications). */
// @ts-ignore: decorator
@inline const ARENA_BITS: u32 = 20;

// Operations (script word 0).
// @ts-ignore: decorator
@inline const OP_CALL: u32 = 0;
// @ts-ignore: decorator
@inline const OP_SEND: u32 = 1;
// @ts-ignore: decorator
@inline const OP_NBSEND: u32 = 2;
// @ts-ignore: decorator
@inline const OP_RECV: u32 = 3;
// @ts-ignore: decorator
@inline const OP_REPLY_RECV: u32 = 4;
// @ts-ignore: decorator
@inline const OP_REPLY: u32 = 5;
// @ts-ignore: decorator
@inline const OP_SIGNAL: u32 = 6;
// @ts-ignore: decorator
@inline const OP_WAIT: u32 = 7;
// @ts-ignore: decorator
@inline const OP_FAULT: u32 = 8;
// @ts-ignore: decorator
@inline const OP_DELETE: u32 = 9;
// @ts-ignore: decorator
@inline const OP_REVOKE: u32 = 10;
// @ts-ignore: decorator
@inline const OP_SAVE_CALLER: u32 = 11;
// @ts-ignore: decorator
@inline const OP_REPLY_SAVED: u32 = 12;
// @ts-ignore: decorator
@inline const OP_YIELD: u32 = 13;
// @ts-ignore: decorator
@inline const OP_NBRECV: u32 = 14;
// @ts-ignore: decorator
@inline const OP_DELETE_SAVED: u32 = 15;
/** Not an operation: a worker's first record. */
// @ts-ignore: decorator
@inline const REC_START: u32 = 16;
/** Not an operation: the driver's record of how far a worker got. */
// @ts-ignore: decorator
@inline const REC_PROGRESS: u32 = 17;

// The capability table (indices into `caps`).
// @ts-ignore: decorator
@inline const C_EP0: u32 = 0;          // endpoint 0, all rights
// @ts-ignore: decorator
@inline const C_EP0_BADGED: u32 = 1;   // endpoint 0, badge 0x11, all rights
// @ts-ignore: decorator
@inline const C_EP0_GRANT_REPLY: u32 = 2; // endpoint 0, badge 0x22, write and GrantReply
// @ts-ignore: decorator
@inline const C_EP1: u32 = 3;          // endpoint 1 (the fault endpoint), all rights
// @ts-ignore: decorator
@inline const C_EP1_WRITE: u32 = 4;    // endpoint 1, badge 0x33, write only: a Call through it leaves the caller Inactive
// @ts-ignore: decorator
@inline const C_EP0_READ: u32 = 5;     // endpoint 0, read only
// @ts-ignore: decorator
@inline const C_NTFN0: u32 = 6;        // notification 0 (bound to worker 0)
// @ts-ignore: decorator
@inline const C_NTFN0_BADGED: u32 = 7; // notification 0, badge 0x44
// @ts-ignore: decorator
@inline const C_NTFN1: u32 = 8;        // notification 1, unbound
// @ts-ignore: decorator
@inline const C_EP1_BADGED: u32 = 9;   // endpoint 1, badge 0x55, all rights
// @ts-ignore: decorator
@inline const CAPS: u32 = 10;

/** Words of one script operation: op, capability index, length, label. */
// @ts-ignore: decorator
@inline const OP_WORDS: u32 = 4;
/** Words of one trace record: sequence, worker, op, info (or error), badge, MR0..MR3. */
// @ts-ignore: decorator
@inline const REC_WORDS: u32 = 9;
// @ts-ignore: decorator
@inline const REC_MAX: u32 = 2048;

const script = memory.data(<i32>(WORKERS * OPS * OP_WORDS * 4), 4);
const trace = memory.data(<i32>(REC_MAX * REC_WORDS * 4), 4);
/** Operations each worker has finished. */
const progress = memory.data(<i32>(WORKERS * 4), 4);
/** Where each worker's receives leave the badge. */
const badges = memory.data(<i32>(WORKERS * 4), 4);
/** Each worker's saved-reply slot. */
const savedSlot = memory.data(<i32>(WORKERS * 4), 4);
/** The table's slots in the root CNode. */
const caps = memory.data(<i32>(CAPS * 4), 4);
let records: u32 = 0;
let dropped: u32 = 0;

let seed: u32 = 0;
let scenarios: u32 = 0;
let rng: u32 = 1;

function next(): u32 {
  let x = rng;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rng = x;
  return x;
}

/** A uniform-enough choice in 0..n-1. */
function pick(n: u32): u32 {
  return (next() >>> 8) % n;
}

// @ts-ignore: decorator
@inline function cap(i: u32): u32 {
  return load<u32>(caps + <usize>i * 4);
}

// ── The workers ──────────────────────────────────────────────────────

function record(worker: u32, op: u32, info: u32, badge: u32, n: u32): void {
  if (records >= REC_MAX) {
    dropped++;
    return;
  }
  const r = trace + <usize>(records * REC_WORDS * 4);
  store<u32>(r, records, 0);
  store<u32>(r, worker, 4);
  store<u32>(r, op, 8);
  store<u32>(r, info, 12);
  store<u32>(r, badge, 16);
  for (let i: u32 = 0; i < 4; i++) store<u32>(r + 20 + <usize>i * 4, i < n ? seL4_GetMR(<i32>i) : 0);
  records++;
}

/** The message words worker `w` sends at step `s`: distinct per worker, step and word. */
function setWords(w: u32, s: u32, length: u32): void {
  for (let i: u32 = 0; i < length; i++) seL4_SetMR(<i32>i, 0xA0000000 | (w << 16) | (s << 8) | i);
}

/**
 * What a worker that received a fault message answers: a user exception
 * resumes past the 2-byte ud2 (label 0, MR0 the new FaultIP); any other
 * fault gets label 0 with no words, which restarts the thread.
 */
function faultAnswer(info: u32): u32 {
  const label = seL4_MessageInfo_get_label(info);
  if (label == seL4_Fault_UserException) {
    seL4_SetMR(0, seL4_GetMR(<i32>seL4_UserException_FaultIP) + 2);
    return seL4_MessageInfo_new(0, 0, 0, 1);
  }
  return seL4_MessageInfo_new(0, 0, 0, 0);
}

/** Is `info` a fault message (a label of seL4's fault types, from a thread's fault)? Scripted labels are 0x100 and up. */
// @ts-ignore: decorator
@inline function isFault(info: u32): bool {
  const label = seL4_MessageInfo_get_label(info);
  return label > seL4_Fault_NullFault && label <= seL4_Fault_VMFault;
}

export function threadMain(kind: i32, arg: u32): void {
  const w = <u32>kind;
  record(w, REC_START, 0, 0, 0);
  let pendingFault: u32 = 0; // the last message received was a fault: answer it, whatever the script says
  for (let s: u32 = 0; s < OPS; s++) {
    const o = script + <usize>((w * OPS + s) * OP_WORDS * 4);
    const op = load<u32>(o, 0);
    const c = cap(load<u32>(o, 4));
    const length = load<u32>(o, 8);
    const label = load<u32>(o, 12);
    let info = seL4_MessageInfo_new(label, 0, 0, length);
    const badge = badges + <usize>w * 4;
    store<u32>(badge, 0);
    let got: u32 = 0;
    let n: u32 = 0;
    if ((op == OP_REPLY_RECV || op == OP_REPLY) && pendingFault != 0) {
      info = faultAnswer(pendingFault);
    } else {
      setWords(w, s, length);
    }
    switch (op) {
      case OP_CALL: got = seL4_Call(c, info); n = 4; break;
      case OP_SEND: seL4_Send(c, info); break;
      case OP_NBSEND: seL4_NBSend(c, info); break;
      case OP_RECV: got = seL4_Recv(c, badge); n = 4; break;
      case OP_NBRECV: got = seL4_NBRecv(c, badge); n = 4; break;
      case OP_REPLY_RECV: got = seL4_ReplyRecv(c, info, badge); n = 4; break;
      case OP_REPLY: seL4_Reply(info); break;
      case OP_SIGNAL: seL4_Signal(c); break;
      case OP_WAIT: got = seL4_Wait(c, badge); break;
      case OP_FAULT: ud2(); break;
      case OP_DELETE: got = seL4_CNode_Delete(R, c, D); break;
      case OP_REVOKE: got = seL4_CNode_Revoke(R, c, D); break;
      case OP_SAVE_CALLER: got = seL4_CNode_SaveCaller(R, load<u32>(savedSlot + <usize>w * 4), D); break;
      case OP_REPLY_SAVED: seL4_Send(load<u32>(savedSlot + <usize>w * 4), info); break;
      case OP_DELETE_SAVED: got = seL4_CNode_Delete(R, load<u32>(savedSlot + <usize>w * 4), D); break;
      default: seL4_Yield();
    }
    if (op == OP_RECV || op == OP_NBRECV || op == OP_REPLY_RECV) pendingFault = isFault(got) ? got : 0;
    else if (op == OP_REPLY || op == OP_REPLY_SAVED) pendingFault = 0;
    record(w, op, got, load<u32>(badge), n);
    store<u32>(progress + <usize>w * 4, s + 1);
  }
}

// ── The driver ───────────────────────────────────────────────────────

/** A random operation for a worker of role `server` (receives and replies) or client. */
function randomOp(o: usize, server: bool): void {
  const r = pick(100);
  let op: u32;
  if (server) {
    op = r < 55 ? OP_REPLY_RECV : r < 62 ? OP_RECV : r < 68 ? OP_REPLY : r < 72 ? OP_SAVE_CALLER : r < 77 ? OP_REPLY_SAVED :
      r < 79 ? OP_DELETE_SAVED : r < 84 ? OP_NBRECV : r < 88 ? OP_CALL : r < 92 ? OP_SIGNAL : r < 94 ? OP_WAIT : r < 96 ? OP_DELETE :
      r < 97 ? OP_REVOKE : r < 99 ? OP_YIELD : OP_FAULT;
  } else {
    op = r < 62 ? OP_CALL : r < 70 ? OP_SEND : r < 76 ? OP_NBSEND : r < 83 ? OP_SIGNAL : r < 88 ? OP_FAULT : r < 90 ? OP_WAIT :
      r < 93 ? OP_DELETE : r < 94 ? OP_REVOKE : r < 97 ? OP_YIELD : OP_REPLY_RECV;
  }
  let c: u32;
  if ((op == OP_CALL || op == OP_SEND || op == OP_NBSEND) && pick(4) != 0) c = pick(3) == 0 ? C_EP1_BADGED : pick(3); // mostly endpoint 0, which servers serve
  else if (op == OP_SIGNAL || op == OP_WAIT) c = pick(3) == 0 ? C_NTFN1 : pick(2) == 0 ? C_NTFN0 : C_NTFN0_BADGED;
  else if (op == OP_RECV || op == OP_REPLY_RECV || op == OP_NBRECV) c = pick(10) == 0 ? C_EP0_READ : pick(5) == 0 ? C_EP1 : C_EP0;
  else c = pick(CAPS);
  if (op == OP_WAIT && c != C_NTFN1 && pick(2) == 0) c = C_NTFN1; // notification 0 is bound: mostly wait on the other
  store<u32>(o, op, 0);
  store<u32>(o, c, 4);
  store<u32>(o, pick(5), 8); // lengths 0..4, around the fast path's limit of 2
  store<u32>(o, 0x100 + pick(0x100), 12);
}

function fail(what: string, err: u32): void {
  print("ipcdiff: FAIL: ");
  print(what);
  print(", error ");
  printDec(err);
  printLine("");
  powerOff(1);
}

let arena: u32 = 0;
let firstThread: u32 = 0;
let firstObject: u32 = 0;

/** FNV-1a over the scenario's records. */
function traceHash(): u32 {
  let h: u32 = 0x811C9DC5;
  for (let i: u32 = 0; i < records * REC_WORDS; i++) {
    const v = load<u32>(trace + <usize>i * 4);
    for (let b: u32 = 0; b < 32; b += 8) h = (h ^ ((v >>> b) & 0xFF)) * 0x01000193;
  }
  return h;
}

function printRecords(scenario: u32): void {
  for (let i: u32 = 0; i < records; i++) {
    const r = trace + <usize>(i * REC_WORDS * 4);
    print("ipcdiff: s");
    printDec(scenario);
    for (let k: u32 = 0; k < REC_WORDS; k++) {
      print(" ");
      printHex(load<u32>(r + <usize>k * 4));
    }
    printLine("");
  }
}

/** Table entry `index`: a mint of slot `src` into `slot` with `rights` and `badge`. */
function mint(index: u32, slot: u32, src: u32, rights: u32, badge: u32): u32 {
  store<u32>(caps + <usize>index * 4, slot);
  return seL4_CNode_Mint(R, slot, D, R, src, D, rights, badge);
}

/** runScenario's answer after a failure (it has printed why and asked to power off). */
// @ts-ignore: decorator
@inline const FAILED: u32 = 0xFFFFFFFF;

/** Builds, runs and tears down scenario `k`. Returns the number of records, or FAILED. */
function runScenario(k: u32): u32 {
  rng = (seed ^ ((k + 1) * 0x9E3779B9)) | 1;
  records = 0;
  dropped = 0;
  let err: u32 = seL4_NoError;
  const eps = firstObject;
  const ntfns = firstObject + 2;
  const table = firstObject + 4;
  err = seL4_Untyped_Retype(arena, OBJ_ENDPOINT, 0, R, 0, 0, eps, 2);
  if (err == seL4_NoError) err = seL4_Untyped_Retype(arena, OBJ_NOTIFICATION, 0, R, 0, 0, ntfns, 2);
  const all: u32 = 0xF;
  const write = <u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT;
  const read = <u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT;
  const grantReply = <u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT;
  const grant = <u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT;
  // Table entries: the originals are the retyped slots; the others are mints.
  store<u32>(caps + C_EP0 * 4, eps);
  store<u32>(caps + C_EP1 * 4, eps + 1);
  store<u32>(caps + C_NTFN0 * 4, ntfns);
  store<u32>(caps + C_NTFN1 * 4, ntfns + 1);
  if (err == seL4_NoError) err = mint(C_EP0_BADGED, table, eps, all, 0x11);
  if (err == seL4_NoError) err = mint(C_EP0_GRANT_REPLY, table + 1, eps, write | grantReply, 0x22);
  if (err == seL4_NoError) err = mint(C_EP1_WRITE, table + 2, eps + 1, write, 0x33);
  if (err == seL4_NoError) err = mint(C_EP0_READ, table + 3, eps, read, 0);
  if (err == seL4_NoError) err = mint(C_NTFN0_BADGED, table + 4, ntfns, all, 0x44);
  if (err == seL4_NoError) err = mint(C_EP1_BADGED, table + 5, eps + 1, all | grant, 0x55);
  if (err != seL4_NoError) {
    fail("making the scenario's endpoints and notifications", err);
    return FAILED;
  }
  // Distinct priorities (1..200) in random order, and a random role for each worker (at least one server).
  const prios = memory.data(<i32>(WORKERS * 4), 4);
  for (let i: u32 = 0; i < WORKERS; i++) {
    let p: u32;
    let clash: bool;
    do {
      p = 1 + pick(200);
      clash = false;
      for (let j: u32 = 0; j < i; j++) if (load<u32>(prios + <usize>j * 4) == p) clash = true;
    } while (clash);
    store<u32>(prios + <usize>i * 4, p);
  }
  for (let w: u32 = 0; w < WORKERS; w++) {
    const server = w < 2 || pick(3) == 0;
    for (let s: u32 = 0; s < OPS; s++) randomOp(script + <usize>((w * OPS + s) * OP_WORDS * 4), server);
    store<u32>(progress + <usize>w * 4, 0);
    store<u32>(savedSlot + <usize>w * 4, table + 8 + w);
    err = threadCreate(arena, R, seL4_CapInitThreadVSpace, firstThread + w * THREAD_SLOTS, w, <i32>w, 0,
      load<u32>(prios + <usize>w * 4), seL4_CapInitThreadTCB, eps + 1);
    if (err != seL4_NoError) {
      fail("making a worker", err);
      return FAILED;
    }
  }
  err = seL4_TCB_BindNotification(firstThread, ntfns);
  if (err != seL4_NoError) {
    fail("binding notification 0 to worker 0", err);
    return FAILED;
  }
  for (let w: u32 = 0; w < WORKERS; w++) threadResume(firstThread + w * THREAD_SLOTS);
  // Every worker is done or stuck once this thread, at priority 0, runs again.
  seL4_Yield();
  for (let w: u32 = 0; w < WORKERS; w++) {
    const saved = records;
    record(w, REC_PROGRESS, load<u32>(progress + <usize>w * 4), 0, 0);
    if (saved == records) break;
  }
  const problems = selfCheck();
  if (problems != 0) {
    fail("the kernel's self-check found problems", problems);
    return FAILED;
  }
  err = seL4_CNode_Revoke(R, arena, D); // every object of the scenario goes, and the arena is empty again
  if (err != seL4_NoError) {
    fail("revoking the scenario", err);
    return FAILED;
  }
  if (dropped != 0) {
    fail("the trace overflowed", dropped);
    return FAILED;
  }
  return records;
}

export function main(): u32 {
  const bi = <usize>startRegister();
  initFromBootInfo(bi);
  nameThread("ipcdiff");
  seed = bootModuleArg(bi, 0, "seed", 0x1234);
  scenarios = bootModuleArg(bi, 0, "n", 100);
  if (seed == 0) seed = 1;
  print("ipcdiff: seed ");
  printHex(seed);
  print(", ");
  printDec(scenarios);
  printLine(" scenarios");
  const bitsAt = memory.data(4, 4);
  const big = bootInfoLargestRamUntyped(bi, bitsAt);
  const bigBits = load<u32>(bitsAt);
  if (bigBits <= ARENA_BITS) {
    fail("finding an untyped larger than the arena", bigBits);
    return 1;
  }
  let slot = bootInfoEmptyStart(bi);
  const areaPt = slot++;
  arena = slot++;
  firstThread = slot;
  slot += WORKERS * THREAD_SLOTS;
  firstObject = slot;
  let err = threadAreaInit(big, R, seL4_CapInitThreadVSpace, areaPt);
  if (err == seL4_NoError) err = seL4_Untyped_Retype(big, OBJ_UNTYPED, ARENA_BITS, R, 0, 0, arena, 1);
  if (err == seL4_NoError) err = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 0);
  if (err != seL4_NoError) {
    fail("setting up", err);
    return 1;
  }
  let total: u32 = 0;
  let all: u32 = 0x811C9DC5;
  for (let k: u32 = 0; k < scenarios; k++) {
    const got = runScenario(k);
    if (got == FAILED) return 1;
    if (k < 2) printRecords(k);
    const h = traceHash();
    all = (all ^ h) * 0x01000193;
    total += got;
    print("ipcdiff: scenario ");
    printDec(k);
    print(": ");
    printDec(got);
    print(" records, hash ");
    printHex(h);
    printLine("");
  }
  print("ipcdiff: ");
  printDec(scenarios);
  print(" scenarios, ");
  printDec(total);
  print(" records, trace hash ");
  printHex(all);
  printLine("");
  printLine("ipcdiff: PASS");
  powerOff(0);
  return 0;
}
