// test/unit/ipc.test.ts: the kernel's IPC logic, compiled to wasm, over
// TCBs, endpoints, notifications and frames retyped from an untyped in
// wasm memory (test/kernel/ipc.entry.ts), checked against seL4's
// semantics (seL4 src/object/endpoint.c, notification.c, tcb.c,
// src/kernel/thread.c, src/api/faults.c, src/kernel/faulthandler.c).
//
// Owns: the tests of message info decoding, copyMRs and IPC buffers,
// sendIPC/receiveIPC (queues, states, badges, blocking, Call and reply
// capabilities), capability transfer, replies, fault messages and fault
// replies, cancelling (cancelIPC, endpoint and notification deletion,
// cancelBadgedSends, suspend), notifications, and the scheduler's choice
// after an IPC (possibleSwitchTo settled by schedule(), whose mocked
// restoreUserContext throws KernelExit with the chosen thread's context).
// Must not: depend on timing, or share kernel state between tests: every
// test gets a fresh instance (the ready queues and the scheduler are
// module globals).
//
// A thread runs a system call in these tests by being made the kernel's
// current thread (schedulerSetCurrent) and calling the kernel function
// that the system call runs. Every thread's CSpace root is the fixture's
// root CNode with a 24-bit guard, so CPtr n names root slot n.

import { beforeEach, describe, expect, it } from "vitest";
import { KernelExit, KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { CAP_TAGS, ERRORS, INVOCATION_LABELS, OBJECT_TYPES, SYSCALLS } from "../../libs/abi/sel4.def.ts";
import { USER_CONTEXT as SAVED_CONTEXT } from "../../kernel/arch/x86/machine.def.ts";
import { KERNEL_SPACE } from "../../kernel/arch/x86/machine.def.ts";

/** Where the kernel window ends, in physical memory. */
const WINDOW_END = KERNEL_SPACE.entries.find((e) => e.name === "KERNEL_WINDOW_SIZE")!.value;
const ENTRY = "test/kernel/ipc.entry.ts";
const TAG = Object.fromEntries(CAP_TAGS.entries.map((e) => [e.name, e.value]));
const L = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const OBJ = Object.fromEntries(OBJECT_TYPES.entries.map((e) => [e.name, e.value]));
const SYS = Object.fromEntries(SYSCALLS.entries.map((e) => [e.name, e.value]));
const ERR = Object.fromEntries(ERRORS.entries.map((e) => [e.name, e.value]));
/** Saved-context offsets in the thread part, by register name (EAX, EIP, ...). */
const CTX = Object.fromEntries(SAVED_CONTEXT.fields.map((f) => [f.name, f.offset]));
const VECTOR_SYSCALL = 0xffffffff;

// seL4's thread states (non-MCS), with tsos's Faulted kind of Inactive.
const Inactive = 0, Running = 1, Restart = 2, BlockedOnReceive = 3, BlockedOnSend = 4, BlockedOnReply = 5,
  BlockedOnNotification = 6, Faulted = 7;
const EP_IDLE = 0, EP_SEND = 1, EP_RECV = 2;
const NTFN_IDLE = 0, NTFN_WAITING = 1, NTFN_ACTIVE = 2;
// seL4_CapRights bits.
const W = 1, R = 2, G = 4, GR = 8, ALL = 15;
// seL4 fault types (ia32, non-MCS) and lookup failure types.
const CapFault = 1, UnknownSyscall = 2, UserException = 3, VMFault = 5;
const InvalidRoot = 1, MissingCapability = 2, DepthMismatch = 3, GuardMismatch = 4;
// seL4_IPCBuffer on ia32.
const IPCBUF_MSG = 4, IPCBUF_USER_DATA = 484, IPCBUF_CAPS = 488, IPCBUF_RECV_CNODE = 500, IPCBUF_RECV_INDEX = 504,
  IPCBUF_RECV_DEPTH = 508;
/** seL4_MessageInfo_new(label, capsUnwrapped, extraCaps, length) on 32-bit. */
const info = (label: number, unwrapped: number, extra: number, length: number) =>
  ((label << 12) | (unwrapped << 9) | (extra << 7) | length) >>> 0;

let k: KernelInstance;
let x: any;
let root: number;

// Root CNode slots of the fixture (CPtr n names slot n in every thread's CSpace).
const UT = 1, TCB0 = 10, THREADS = 8, EP = 20, EP2 = 21, NTFN = 22, NTFN2 = 23, FRAME0 = 30, RECV_CNODE = 40;
/** Free slots for a test's own capabilities start here. */
const SCRATCH = 50;
/** Thread i's IPC buffer: at 0x200 in its frame (the word the TCB keeps is a user address; only its offset in the frame counts). */
const IPC_BUFFER_VADDR = 0x10000200;

const slotOf = (i: number) => root + 16 * i;
const u32 = (a: number) => k.view.getUint32(a, true);
const set32 = (a: number, v: number) => k.view.setUint32(a, v >>> 0, true);
const g = (name: string): number => x[name].value;

interface Thread {
  /** The thread part's address: what the kernel calls `t`. */
  t: number;
  /** The TCB object's physical (wasm) address: what thread and reply capabilities name. */
  phys: number;
  /** Its IPC buffer's address (0: none), as the kernel finds it. */
  buffer: number;
  name: string;
}
let T: Thread[];

const reg = (th: Thread, r: string) => u32(th.t + CTX[r]);
const setReg = (th: Thread, r: string, v: number) => set32(th.t + CTX[r], v);
const word = (th: Thread, offset: number) => u32(th.t + offset);
const setWord = (th: Thread, offset: number, v: number) => set32(th.t + offset, v);
const state = (th: Thread) => x.state(th.t);
const mr = (th: Thread, i: number) => u32(th.buffer + IPCBUF_MSG + 4 * i);
const setMr = (th: Thread, i: number, v: number) => set32(th.buffer + IPCBUF_MSG + 4 * i, v);
const callerSlot = (th: Thread) => x.tcbSlot(th.t, 3);
const replySlot = (th: Thread) => x.tcbSlot(th.t, 2);
const bufferSlot = (th: Thread) => x.tcbSlot(th.t, 4);

/** Invokes the capability in root slot `i` through the kernel's dispatcher (the current thread invokes). */
function invoke(i: number, label: number, args: number[], extra: number[] = []): number {
  x.invocationBegin(label, args.length);
  args.forEach((v, n) => x.invocationSetArg(n, v >>> 0));
  for (const e of extra) x.invocationAddExtraCap(slotOf(e));
  const err = x.decodeInvocation(slotOf(i));
  if (err === 0) expect(x.performInvocation(true, false)).toBe(0);
  return err;
}
const retype = (type: number, bits: number, at: number, n = 1) => invoke(UT, L.UntypedRetype, [type, bits, 0, 0, at, n], [0]);

/** Puts a capability made by x.makeX(...) into root slot `i`, as a child of the capability in `parent` (or as a root). */
function putCap(i: number, make: () => void, parent?: number): void {
  make();
  if (parent === undefined) x.insertRoot(slotOf(i), true);
  else x.insert(slotOf(parent), slotOf(i));
}
const epAddr = (i = EP) => x.endpointOf(slotOf(i));
const ntfnAddr = (i = NTFN) => x.notificationOf(slotOf(i));
/** Root slot `i` gets a copy of endpoint EP with `badge` and `rights`. */
const epCap = (i: number, badge: number, rights: number, of = EP) =>
  putCap(i, () => x.makeEndpoint(x.objectPhys(slotOf(of)), badge, rights), of);

/** The message a thread sends: label, words (MR0, MR1 in EDI, EBP; the rest in its buffer), extra-cap count, unwrapped bits. */
function setMessage(th: Thread, label: number, words: number[], extra = 0, unwrapped = 0): void {
  setReg(th, "ESI", info(label, unwrapped, extra, words.length));
  if (words.length > 0) setReg(th, "EDI", words[0]);
  if (words.length > 1) setReg(th, "EBP", words[1]);
  for (let i = 2; i < words.length; i++) if (th.buffer) setMr(th, i, words[i]);
}
/** Sets the extra capability CPtrs in a sender's buffer (and the count in its message info). */
function setExtraCaps(th: Thread, cptrs: number[]): void {
  cptrs.forEach((c, i) => set32(th.buffer + IPCBUF_CAPS + 4 * i, c));
  const tag = reg(th, "ESI");
  setReg(th, "ESI", (tag & ~(3 << 7)) | (cptrs.length << 7));
}
/** The receiver's buffer names where a received capability goes: CNode CPtr, index, depth. */
function setReceiveSlot(th: Thread, cnode: number, index: number, depth: number): void {
  set32(th.buffer + IPCBUF_RECV_CNODE, cnode);
  set32(th.buffer + IPCBUF_RECV_INDEX, index);
  set32(th.buffer + IPCBUF_RECV_DEPTH, depth);
}

/** The kernel's current thread is `th` (as on a system call it makes). */
const current = (th: Thread) => x.schedulerSetCurrent(th.t);

interface SendOptions {
  blocking?: boolean;
  call?: boolean;
  badge?: number;
  grant?: boolean;
  grantReply?: boolean;
}
/** `th` sends on endpoint `ep` (as Send, NBSend or Call with a capability of that badge and those rights do). */
function send(th: Thread, ep: number, o: SendOptions = {}): void {
  current(th);
  x.sendIPC(o.blocking ?? true, o.call ?? false, o.badge ?? 0, o.grant ?? false, o.grantReply ?? false, th.t, ep);
}
/** `th` receives on `ep` (Recv or NBRecv): its unused reply capability goes first, as in handleRecv. */
function recv(th: Thread, ep: number, o: { grant?: boolean; blocking?: boolean } = {}): void {
  current(th);
  x.deleteCallerCap(th.t);
  x.receiveIPC(th.t, ep, o.grant ?? false, o.blocking ?? true);
}

/** The endpoint's (or notification's) queue, head to tail, checking the links both ways. */
function queue(obj: number, headOffset: number, tailOffset: number): Thread[] {
  const out: Thread[] = [];
  let prev = 0;
  for (let t = u32(obj + headOffset); t !== 0; t = u32(t + g("TCB_EP_NEXT"))) {
    expect(u32(t + g("TCB_EP_PREV")), "epPrev").toBe(prev);
    out.push(T.find((th) => th.t === t)!);
    prev = t;
    if (out.length > THREADS) throw new Error("queue loops");
  }
  expect(u32(obj + tailOffset), "tail").toBe(prev);
  return out;
}
const epQueue = (ep = epAddr()) => queue(ep, g("EP_QUEUE_HEAD"), g("EP_QUEUE_TAIL")).map((th) => th.name);
const ntfnQueue = (n = ntfnAddr()) => queue(n, g("NTFN_QUEUE_HEAD"), g("NTFN_QUEUE_TAIL")).map((th) => th.name);
/** The ready queue of priority `p`, head to tail. */
function readyQueue(p: number): string[] {
  const out: string[] = [];
  for (let t = x.readyHead(p); t !== 0; t = u32(t + g("TCB_SCHED_NEXT"))) {
    out.push(T.find((th) => th.t === t)!.name);
    if (out.length > THREADS) throw new Error("ready queue loops");
  }
  return out;
}

/** Leaves the kernel: the name of the thread schedule() restores ("idle" when it idles). */
function schedule(): string {
  try {
    x.schedule();
  } catch (e) {
    if (!(e instanceof KernelExit)) throw e;
    if (e.how === "idleWait") return "idle";
    const th = T.find((t) => t.t === e.context);
    if (!th) throw new Error(`schedule restored an unknown context 0x${e.context.toString(16)}`);
    return th.name;
  }
  throw new Error("schedule() returned");
}
/** Runs one system call of the current thread `th` through the kernel's dispatcher; returns whom schedule() restores. */
function syscall(th: Thread, number: number, cptr: number): string {
  current(th);
  setReg(th, "EAX", number);
  setReg(th, "EBX", cptr);
  setReg(th, "VECTOR", VECTOR_SYSCALL);
  try {
    x.handleSyscall();
  } catch (e) {
    if (!(e instanceof KernelExit)) throw e;
    return e.how === "idleWait" ? "idle" : T.find((t) => t.t === e.context)!.name;
  }
  throw new Error("handleSyscall returned");
}

beforeEach(async () => {
  k = await loadKernelEntry(ENTRY, { scratchPages: 24 });
  x = k.exports;
  x.vspaceSetPhysWindow(0);
  const kernelPd = k.alloc(4096, 4096);
  k.x86.cr3 = kernelPd;
  x.vspaceInit();
  x.schedulerIdleWhenBlocked(); // an idle kernel waits (KernelExit "idleWait") instead of stopping the machine
  root = k.alloc(16 * 256, 4096);
  x.makeCNode(root, 8, 0, 0);
  x.insertRoot(slotOf(0), true);
  const ut = k.alloc(1 << 18, 1 << 18);
  putCap(UT, () => x.makeUntyped(ut, 18, false, 0));
  expect(retype(OBJ.TCB, 0, TCB0, THREADS)).toBe(0);
  expect(retype(OBJ.Endpoint, 0, EP, 2)).toBe(0);
  expect(retype(OBJ.Notification, 0, NTFN, 2)).toBe(0);
  expect(retype(OBJ.X86_4K, 0, FRAME0, THREADS)).toBe(0);
  expect(retype(OBJ.CapTable, 4, RECV_CNODE)).toBe(0);
  T = [];
  for (let i = 0; i < THREADS; i++) {
    const phys = x.objectPhys(slotOf(TCB0 + i));
    const t = phys + g("TCB_THREAD_OFFSET");
    // CSpace root: the root CNode with a 24-bit guard (seL4_CNode_CapData: guard size in bits 7..3).
    expect(x.copy(slotOf(0), x.tcbSlot(t, 0), 24 << 3)).toBe(1);
    expect(x.copy(slotOf(FRAME0 + i), x.tcbSlot(t, 4), 0)).toBe(1);
    set32(t + g("TCB_IPC_BUFFER"), IPC_BUFFER_VADDR + i * 0x1000);
    x.setupReplyMaster(t); // as seL4's restart() does before a thread first runs
    x.setPriority(t, 100);
    x.setThreadState(t, Running);
    T.push({ t, phys, buffer: x.pagePhys(slotOf(FRAME0 + i)) + 0x200, name: "ABCDEFGH"[i] });
  }
}, 120_000);

/** Takes thread `th`'s IPC buffer away (its tcbBuffer slot emptied). */
function dropBuffer(th: Thread): void {
  x.cteDelete(bufferSlot(th), true);
  th.buffer = 0;
}

describe("the fixture", () => {
  it("gives every thread a CSpace in which CPtr n is root slot n, and an IPC buffer", () => {
    const [a] = T;
    expect(x.lookupSlot(x.tcbSlot(a.t, 0), EP)).toBe(slotOf(EP));
    expect(x.lookupIpcBuffer(a.t, true)).toBe(a.buffer);
    expect(x.tag(replySlot(a))).toBe(TAG.reply_cap);
    expect(x.replyIsMaster(replySlot(a))).toBe(1);
    expect(epQueue()).toEqual([]);
  });
});

// ── Message info ─────────────────────────────────────────────────────

describe("message info", () => {
  it("caps the length at 120 (seL4's messageInfoFromWord)", () => {
    expect(x.infoLength(info(0, 0, 0, 127))).toBe(120);
    expect(x.infoLength(info(0, 0, 0, 121))).toBe(120);
    expect(x.infoLength(info(0, 0, 0, 120))).toBe(120);
    expect(x.infoLength(info(0xfffff, 7, 3, 5))).toBe(5);
  });

  it("arrives with the sender's label, the length that moved, extraCaps and capsUnwrapped as the transfer set them", () => {
    const [a, b] = T;
    recv(b, epAddr());
    // The sender's own extraCaps (2) and capsUnwrapped (5) bits mean nothing without Grant.
    setMessage(a, 0xabcde, [1, 2, 3], 2, 5);
    setExtraCaps(a, [NTFN, NTFN2]);
    send(a, epAddr(), { badge: 0x42 });
    expect(reg(b, "ESI")).toBe(info(0xabcde, 0, 0, 3));
    expect(reg(b, "EBX")).toBe(0x42);
  });

  it("a length above 120 moves 120 words", () => {
    const [a, b] = T;
    recv(b, epAddr());
    const words = Array.from({ length: 120 }, (_, i) => 0x1000 + i);
    setMessage(a, 1, words);
    setReg(a, "ESI", info(1, 0, 0, 127));
    set32(a.buffer + IPCBUF_USER_DATA, 0x5555); // msg[120] would be userData
    set32(b.buffer + IPCBUF_USER_DATA, 0x7777);
    send(a, epAddr());
    expect(reg(b, "ESI")).toBe(info(1, 0, 0, 120));
    expect([reg(b, "EDI"), reg(b, "EBP")]).toEqual([0x1000, 0x1001]);
    expect(Array.from({ length: 118 }, (_, i) => mr(b, i + 2))).toEqual(words.slice(2));
    expect(u32(b.buffer + IPCBUF_USER_DATA)).toBe(0x7777);
  });
});

// ── Message registers and IPC buffers ────────────────────────────────

describe("copyMRs and IPC buffers", () => {
  it("copies MR0 and MR1 register to register and the rest buffer to buffer", () => {
    const [a, b] = T;
    setMessage(a, 0, [10, 11, 12, 13, 14]);
    setMr(b, 5, 0x99);
    expect(x.copyMRs(a.t, a.buffer, b.t, b.buffer, 5)).toBe(5);
    expect([reg(b, "EDI"), reg(b, "EBP"), mr(b, 2), mr(b, 3), mr(b, 4), mr(b, 5)]).toEqual([10, 11, 12, 13, 14, 0x99]);
  });

  it("moves only what the length names: 1 word leaves EBP, 0 leaves both registers", () => {
    const [a, b] = T;
    setMessage(a, 0, [10, 11]);
    setReg(b, "EDI", 0x77);
    setReg(b, "EBP", 0x88);
    expect(x.copyMRs(a.t, a.buffer, b.t, b.buffer, 0)).toBe(0);
    expect([reg(b, "EDI"), reg(b, "EBP")]).toEqual([0x77, 0x88]);
    expect(x.copyMRs(a.t, a.buffer, b.t, b.buffer, 1)).toBe(1);
    expect([reg(b, "EDI"), reg(b, "EBP")]).toEqual([10, 0x88]);
  });

  it("without a receiver buffer: 2 words, and the length says 2", () => {
    const [a, b] = T;
    setMessage(a, 3, [10, 11, 12, 13]);
    expect(x.copyMRs(a.t, a.buffer, b.t, 0, 4)).toBe(2);
    expect(mr(b, 2)).toBe(0);
    recv(b, epAddr());
    dropBuffer(b);
    send(a, epAddr());
    expect(reg(b, "ESI")).toBe(info(3, 0, 0, 2));
    expect([reg(b, "EDI"), reg(b, "EBP")]).toEqual([10, 11]);
  });

  it("without a sender buffer: only MR0 and MR1 move, and the receiver's buffer keeps its words", () => {
    const [a, b] = T;
    setMessage(a, 3, [10, 11, 12, 13]);
    setMr(b, 2, 0x5a5a);
    recv(b, epAddr());
    dropBuffer(a);
    send(a, epAddr());
    expect(reg(b, "ESI")).toBe(info(3, 0, 0, 2));
    expect([reg(b, "EDI"), reg(b, "EBP"), mr(b, 2)]).toEqual([10, 11, 0x5a5a]);
  });

  it("finds a buffer through the tcbBuffer frame capability and the address's offset in that frame", () => {
    const [a] = T;
    const frame = x.pagePhys(slotOf(FRAME0));
    expect(x.lookupIpcBuffer(a.t, false)).toBe(frame + 0x200);
    set32(a.t + g("TCB_IPC_BUFFER"), 0x7fff_fe00);
    expect(x.lookupIpcBuffer(a.t, true)).toBe(frame + 0xe00);
    // A 4 MiB frame keeps 22 bits of the address.
    x.cteDelete(bufferSlot(a), true);
    x.makeFrame(0x400000, true, false, 3);
    x.insertRoot(bufferSlot(a), true);
    set32(a.t + g("TCB_IPC_BUFFER"), 0x12345600);
    expect(x.lookupIpcBuffer(a.t, true)).toBe(0x400000 + 0x345600);
  });

  it("needs read-write to receive and read-only to send; a device frame, a kernel-only frame or no frame is no buffer", () => {
    const [a] = T;
    const frame = x.pagePhys(slotOf(FRAME0));
    const withFrame = (device: boolean, rights: number) => {
      x.cteDelete(bufferSlot(a), true);
      x.makeFrame(frame, false, device, rights);
      x.insertRoot(bufferSlot(a), true);
      return [x.lookupIpcBuffer(a.t, true), x.lookupIpcBuffer(a.t, false)];
    };
    expect(withFrame(false, 3)).toEqual([frame + 0x200, frame + 0x200]); // VMReadWrite
    expect(withFrame(false, 2)).toEqual([0, frame + 0x200]); // VMReadOnly
    expect(withFrame(false, 1)).toEqual([0, 0]); // VMKernelOnly
    expect(withFrame(true, 3)).toEqual([0, 0]); // device memory
    x.cteDelete(bufferSlot(a), true);
    expect([x.lookupIpcBuffer(a.t, true), x.lookupIpcBuffer(a.t, false)]).toEqual([0, 0]);
  });

  it("a buffer the kernel window does not reach counts as none", () => {
    const [a] = T;
    x.cteDelete(bufferSlot(a), true);
    x.makeFrame(WINDOW_END - 0x1000, false, false, 3);
    x.insertRoot(bufferSlot(a), true);
    set32(a.t + g("TCB_IPC_BUFFER"), 0xe00); // ends exactly at the window's end (KERNEL_WINDOW_SIZE)
    expect(x.lookupIpcBuffer(a.t, true)).toBe(WINDOW_END - 0x200);
    set32(a.t + g("TCB_IPC_BUFFER"), 0xe04);
    expect(x.lookupIpcBuffer(a.t, true)).toBe(0);
  });

  it("a receiver whose buffer is read-only gets 2 words, as one without a buffer", () => {
    const [a, b] = T;
    x.cteDelete(bufferSlot(b), true);
    x.makeFrame(b.buffer - 0x200, false, false, 2);
    x.insertRoot(bufferSlot(b), true);
    recv(b, epAddr());
    setMessage(a, 0, [1, 2, 3, 4, 5]);
    send(a, epAddr());
    expect(reg(b, "ESI")).toBe(info(0, 0, 0, 2));
    expect(mr(b, 2)).toBe(0);
  });
});

// ── Sending and receiving ────────────────────────────────────────────

describe("sendIPC and receiveIPC", () => {
  it("queue receivers in FIFO order: each sender's message goes to the longest waiting receiver", () => {
    const [a, b, c, d, e] = T;
    recv(a, epAddr());
    expect(x.epState(epAddr())).toBe(EP_RECV);
    recv(b, epAddr());
    recv(c, epAddr());
    expect(epQueue()).toEqual(["A", "B", "C"]);
    expect([state(a), state(b), state(c)]).toEqual([BlockedOnReceive, BlockedOnReceive, BlockedOnReceive]);
    expect(word(a, g("TCB_BLOCKING_OBJECT"))).toBe(epAddr());
    setMessage(d, 1, [0xd0]);
    send(d, epAddr(), { badge: 4 });
    setMessage(e, 2, [0xe0]);
    send(e, epAddr(), { badge: 5 });
    expect([reg(a, "EDI"), reg(a, "EBX"), reg(b, "EDI"), reg(b, "EBX")]).toEqual([0xd0, 4, 0xe0, 5]);
    expect([state(a), state(b), state(c), state(d), state(e)]).toEqual([Running, Running, BlockedOnReceive, Running, Running]);
    expect(epQueue()).toEqual(["C"]);
    expect(x.epState(epAddr())).toBe(EP_RECV);
    expect(word(a, g("TCB_BLOCKING_OBJECT"))).toBe(epAddr()); // seL4 leaves the stale word; only the state says
  });

  it("queue senders in FIFO order with their badges; the endpoint goes Idle when the last is taken", () => {
    const [a, b, c, r] = T;
    for (const [th, badge] of [[a, 0x1111111], [b, 0x2222222], [c, 0]] as const) {
      setMessage(th, badge & 0xfff, [badge]);
      send(th, epAddr(), { badge });
    }
    expect(x.epState(epAddr())).toBe(EP_SEND);
    expect(epQueue()).toEqual(["A", "B", "C"]);
    expect([state(a), word(a, g("TCB_BLOCKING_BADGE")), word(b, g("TCB_BLOCKING_BADGE"))]).toEqual([BlockedOnSend, 0x1111111, 0x2222222]);
    const got: number[][] = [];
    for (let i = 0; i < 3; i++) {
      recv(r, epAddr());
      got.push([reg(r, "EBX"), reg(r, "EDI"), reg(r, "ESI")]);
    }
    expect(got).toEqual([[0x1111111, 0x1111111, info(0x111, 0, 0, 1)], [0x2222222, 0x2222222, info(0x222, 0, 0, 1)], [0, 0, info(0, 0, 0, 1)]]);
    expect([state(a), state(b), state(c), state(r)]).toEqual([Running, Running, Running, Running]);
    expect(x.epState(epAddr())).toBe(EP_IDLE);
    expect(epQueue()).toEqual([]);
  });

  it("NBSend with no receiver is dropped: the sender runs on and nothing is queued", () => {
    const [a, b, r] = T;
    send(a, epAddr(), { blocking: false });
    expect([state(a), x.epState(epAddr())]).toEqual([Running, EP_IDLE]);
    send(b, epAddr()); // a blocked sender: NBSend still finds no receiver
    send(a, epAddr(), { blocking: false });
    expect(epQueue()).toEqual(["B"]);
    expect(state(a)).toBe(Running);
    setReg(r, "EBX", 0xdead);
    recv(r, epAddr(), { blocking: false });
    expect(reg(r, "EBX")).toBe(0); // NBRecv takes B's message: badge 0 is B's
    expect(x.epState(epAddr())).toBe(EP_IDLE);
  });

  it("NBSend to a waiting receiver delivers as Send does", () => {
    const [a, b] = T;
    recv(b, epAddr());
    setMessage(a, 4, [0x44]);
    send(a, epAddr(), { blocking: false, badge: 6 });
    expect([state(b), reg(b, "EBX"), reg(b, "EDI"), reg(b, "ESI"), x.epState(epAddr())]).toEqual([Running, 6, 0x44, info(4, 0, 0, 1), EP_IDLE]);
  });

  it("NBRecv with no sender gives badge 0 and does not queue, also behind other receivers", () => {
    const [a, b] = T;
    setReg(a, "EBX", 0xdead);
    setReg(a, "ESI", 0x1234);
    recv(a, epAddr(), { blocking: false });
    expect([reg(a, "EBX"), reg(a, "ESI"), state(a), x.epState(epAddr())]).toEqual([0, 0x1234, Running, EP_IDLE]);
    recv(b, epAddr());
    setReg(a, "EBX", 0xdead);
    recv(a, epAddr(), { blocking: false });
    expect([reg(a, "EBX"), state(a)]).toEqual([0, Running]);
    expect(epQueue()).toEqual(["B"]);
  });

  it("Call to a waiting receiver with Grant: the caller waits for the reply, whose capability the receiver holds", () => {
    const [a, b] = T;
    recv(b, epAddr()); // without Grant
    setMessage(a, 9, [1]);
    send(a, epAddr(), { call: true, grant: true, badge: 3 });
    expect(state(a)).toBe(BlockedOnReply);
    expect(state(b)).toBe(Running);
    expect([reg(b, "EBX"), reg(b, "ESI")]).toEqual([3, info(9, 0, 0, 1)]);
    const cs = callerSlot(b);
    expect(x.tag(cs)).toBe(TAG.reply_cap);
    expect([x.replyIsMaster(cs), x.replyCanGrant(cs), x.objectPhys(cs)]).toEqual([0, 0, a.phys]);
    expect(x.isParentOf(replySlot(a), cs)).toBe(1);
    expect(x.mdbNext(replySlot(a))).toBe(cs);
    expect(x.mdbPrev(cs)).toBe(replySlot(a));
  });

  it("Call with GrantReply alone also leaves a reply capability; it may grant when the receiver's capability has Grant", () => {
    const [a, b] = T;
    recv(b, epAddr(), { grant: true });
    send(a, epAddr(), { call: true, grantReply: true });
    expect(state(a)).toBe(BlockedOnReply);
    expect([x.tag(callerSlot(b)), x.replyIsMaster(callerSlot(b)), x.replyCanGrant(callerSlot(b))]).toEqual([TAG.reply_cap, 0, 1]);
  });

  it("Call with neither Grant nor GrantReply: the message arrives and the caller is left Inactive", () => {
    const [a, b] = T;
    recv(b, epAddr());
    setMessage(a, 0, [0x77]);
    send(a, epAddr(), { call: true });
    expect([state(a), state(b), reg(b, "EDI")]).toEqual([Inactive, Running, 0x77]);
    expect(x.tag(callerSlot(b))).toBe(TAG.null_cap);
  });

  it("a blocked caller is answered the same way when a receiver takes its message", () => {
    const [a, b, c, r] = T;
    send(a, epAddr(), { call: true, grant: true });
    send(b, epAddr(), { call: true });
    send(c, epAddr(), { badge: 8 });
    expect(word(a, g("TCB_BLOCKING_FLAGS"))).toBe(0b101); // canGrant, isCall
    expect(word(b, g("TCB_BLOCKING_FLAGS"))).toBe(0b100);
    expect(word(c, g("TCB_BLOCKING_FLAGS"))).toBe(0);
    recv(r, epAddr(), { grant: true });
    expect(state(a)).toBe(BlockedOnReply);
    expect([x.tag(callerSlot(r)), x.replyCanGrant(callerSlot(r)), x.objectPhys(callerSlot(r))]).toEqual([TAG.reply_cap, 1, a.phys]);
    // The next Recv deletes the unused reply capability: A keeps waiting for a reply that cannot come (seL4).
    recv(r, epAddr());
    expect([state(a), state(b), x.tag(callerSlot(r)), x.mdbNext(replySlot(a))]).toEqual([BlockedOnReply, Inactive, TAG.null_cap, 0]);
    recv(r, epAddr());
    expect([state(c), reg(r, "EBX"), x.epState(epAddr())]).toEqual([Running, 8, EP_IDLE]);
  });
});

// ── Capability transfer ──────────────────────────────────────────────

describe("capability transfer", () => {
  /** A sends `cptrs` as extra capabilities to B, which waits with its receive slot at RECV_CNODE[3]. */
  function transfer(cptrs: number[], o: SendOptions = { grant: true }): { info: number } {
    const [a, b] = T;
    setReceiveSlot(b, RECV_CNODE, 3, 4);
    recv(b, epAddr());
    setMessage(a, 0x5, [0xaa, 0xbb, 0xcc]);
    setExtraCaps(a, cptrs);
    send(a, epAddr(), o);
    expect(state(b)).toBe(Running);
    return { info: reg(b, "ESI") };
  }
  /** Slot `i` of the receive CNode. */
  const recvSlot = (i: number) => x.objectPhys(slotOf(RECV_CNODE)) + 16 * i;

  it("moves a capability only with Grant, into the slot the receiver's buffer names, as a child of the sender's", () => {
    const [, b] = T;
    expect(transfer([NTFN], { grant: false }).info).toBe(info(5, 0, 0, 3));
    expect(x.tag(recvSlot(3))).toBe(TAG.null_cap);
    expect(transfer([NTFN]).info).toBe(info(5, 0, 1, 3));
    expect(x.tag(recvSlot(3))).toBe(TAG.notification_cap);
    expect(x.objectPhys(recvSlot(3))).toBe(x.objectPhys(slotOf(NTFN)));
    expect(x.isParentOf(slotOf(NTFN), recvSlot(3))).toBe(1);
    expect([reg(b, "EDI"), mr(b, 2)]).toEqual([0xaa, 0xcc]);
  });

  it("an occupied or unresolvable receive slot loses the capability but not the message", () => {
    const [a, b] = T;
    putCap(SCRATCH, () => x.makeTagOnly(TAG.domain_cap));
    x.copy(slotOf(SCRATCH), recvSlot(3), 0);
    expect(transfer([NTFN]).info).toBe(info(5, 0, 0, 3));
    expect(x.tag(recvSlot(3))).toBe(TAG.domain_cap);
    const cases: [number, number, number][] = [
      [SCRATCH + 1, 3, 4], // the receive CNode CPtr names an empty slot
      [EP, 3, 4], // ... an endpoint
      [RECV_CNODE, 3, 0], // depth 0
      [RECV_CNODE, 3, 33], // depth above 32
      [RECV_CNODE, 3, 8], // depth that does not match the CNode (radix 4)
      [0xff000000 + RECV_CNODE, 3, 4], // a CPtr whose guard does not match
    ];
    for (const [cnode, index, depth] of cases) {
      setReceiveSlot(b, cnode, index, depth);
      recv(b, epAddr());
      setMessage(a, 0x5, [1, 2, 3]);
      setExtraCaps(a, [NTFN]);
      send(a, epAddr(), { grant: true });
      expect(reg(b, "ESI"), `receive root ${cnode} depth ${depth}`).toBe(info(5, 0, 0, 3));
      expect(mr(b, 2)).toBe(3);
    }
    for (let i = 0; i < 16; i++) if (i !== 3) expect(x.tag(recvSlot(i))).toBe(TAG.null_cap);
  });

  it("without a receiver buffer no capability is received, and the message info says none", () => {
    const [, b] = T;
    recv(b, epAddr());
    dropBuffer(b);
    const [a] = T;
    setMessage(a, 0x5, [1]);
    setExtraCaps(a, [NTFN]);
    send(a, epAddr(), { grant: true });
    expect(reg(b, "ESI")).toBe(info(5, 0, 0, 1));
  });

  it("unwraps a capability to the endpoint the message came through: its badge arrives, the others take the one slot", () => {
    const [, b] = T;
    epCap(SCRATCH, 0x55, W);
    set32(b.buffer + IPCBUF_CAPS + 4, 0xdead);
    set32(b.buffer + IPCBUF_CAPS + 8, 0xdead);
    expect(transfer([SCRATCH, NTFN]).info).toBe(info(5, 0b001, 2, 3));
    expect(u32(b.buffer + IPCBUF_CAPS)).toBe(0x55);
    expect([u32(b.buffer + IPCBUF_CAPS + 4), u32(b.buffer + IPCBUF_CAPS + 8)]).toEqual([0xdead, 0xdead]);
    expect(x.tag(recvSlot(3))).toBe(TAG.notification_cap);
  });

  it("unwraps every capability to that endpoint, badged or not, up to 3; receiveCNode is not a fourth", () => {
    const [, b] = T;
    epCap(SCRATCH, 7, ALL);
    epCap(SCRATCH + 1, 9, R);
    expect(transfer([SCRATCH, EP, SCRATCH + 1]).info).toBe(info(5, 0b111, 3, 3));
    expect([0, 1, 2].map((i) => u32(b.buffer + IPCBUF_CAPS + 4 * i))).toEqual([7, 0, 9]);
    expect(u32(b.buffer + IPCBUF_RECV_CNODE)).toBe(RECV_CNODE);
    expect(x.tag(recvSlot(3))).toBe(TAG.null_cap);
  });

  it("stops at a second capability that needs a slot: what follows is neither moved nor unwrapped", () => {
    const [, b] = T;
    epCap(SCRATCH, 0x66, W);
    set32(b.buffer + IPCBUF_CAPS + 8, 0xdead);
    expect(transfer([NTFN, NTFN2, SCRATCH]).info).toBe(info(5, 0, 1, 3));
    expect(x.objectPhys(recvSlot(3))).toBe(x.objectPhys(slotOf(NTFN)));
    expect(u32(b.buffer + IPCBUF_CAPS + 8)).toBe(0xdead);
  });

  it("a capability to another endpoint is moved, not unwrapped", () => {
    epCap(SCRATCH, 0x66, ALL, EP2);
    expect(transfer([SCRATCH]).info).toBe(info(5, 0, 1, 3));
    expect([x.tag(recvSlot(3)), x.badge(recvSlot(3))]).toEqual([TAG.endpoint_cap, 0x66]);
  });

  it("a capability that cannot be derived stops the transfer there", () => {
    const [, b] = T;
    epCap(SCRATCH, 0x66, W);
    putCap(SCRATCH + 1, () => x.makeReply(T[7].phys, false, true)); // reply capabilities derive to null
    set32(b.buffer + IPCBUF_CAPS + 4, 0xdead);
    expect(transfer([SCRATCH + 1, SCRATCH]).info).toBe(info(5, 0, 0, 3));
    expect(u32(b.buffer + IPCBUF_CAPS + 4)).toBe(0xdead);
    expect(x.tag(recvSlot(3))).toBe(TAG.null_cap);
    // An unwrapped capability before it still counts.
    expect(transfer([SCRATCH, UT]).info).toBe(info(5, 0b001, 1, 3)); // an untyped with children: seL4_RevokeFirst
    expect(x.tag(recvSlot(3))).toBe(TAG.null_cap);
    putCap(SCRATCH + 2, () => x.makePageTable(k.alloc(4096, 4096))); // an unmapped page table: IllegalOperation
    expect(transfer([SCRATCH + 2]).info).toBe(info(5, 0, 0, 3));
    expect(transfer([SCRATCH + 3]).info).toBe(info(5, 0, 0, 3)); // an empty slot: the null capability
    expect(x.tag(recvSlot(3))).toBe(TAG.null_cap);
  });

  it("an extra capability that cannot be looked up sends the message without any", () => {
    const [, b] = T;
    epCap(SCRATCH, 0x66, W);
    expect(transfer([SCRATCH, 0xff000000 + NTFN]).info).toBe(info(5, 0, 0, 3));
    expect(u32(b.buffer + IPCBUF_CAPS)).toBe(0);
    expect(mr(b, 2)).toBe(0xcc);
  });
});

// ── Replies ──────────────────────────────────────────────────────────

describe("replies", () => {
  /** A calls B (waiting on EP, receiving with `grant`); B then holds the reply capability. */
  function call(grant = false): void {
    const [a, b] = T;
    recv(b, epAddr(), { grant });
    setMessage(a, 1, [0x11]);
    send(a, epAddr(), { call: true, grant: true });
    expect(state(a)).toBe(BlockedOnReply);
  }

  it("Reply delivers the message to the caller, deletes the reply capability and makes the caller Running", () => {
    const [a, b] = T;
    call();
    setMessage(b, 7, [0x70, 0x71, 0x72]);
    setReg(a, "EBX", 0xdead);
    current(b);
    x.handleReply(b.t);
    expect([state(a), reg(a, "ESI"), reg(a, "EBX"), reg(a, "EDI"), reg(a, "EBP"), mr(a, 2)]).toEqual([Running, info(7, 0, 0, 3), 0, 0x70, 0x71, 0x72]);
    expect(x.tag(callerSlot(b))).toBe(TAG.null_cap);
    expect(x.mdbNext(replySlot(a))).toBe(0);
    expect([state(b), x.replyIsMaster(replySlot(a))]).toEqual([Running, 1]);
  });

  it("Reply with nothing in tcbCaller does nothing", () => {
    const [a, b] = T;
    setMessage(b, 7, [0x70]);
    current(b);
    x.handleReply(b.t);
    expect([state(a), state(b), reg(a, "EDI")]).toEqual([Running, Running, 0]);
  });

  it("a reply carries a capability only if the server received the Call with Grant, and is never unwrapped", () => {
    const [a, b] = T;
    for (const grant of [false, true]) {
      call(grant);
      setReceiveSlot(a, RECV_CNODE, 5, 4);
      setMessage(b, 0, [1]);
      setExtraCaps(b, [EP]); // an endpoint capability: a reply has no endpoint to unwrap against
      current(b);
      x.handleReply(b.t);
      expect(reg(a, "ESI"), `grant ${grant}`).toBe(info(0, 0, grant ? 1 : 0, 1));
    }
    const dest = x.objectPhys(slotOf(RECV_CNODE)) + 16 * 5;
    expect([x.tag(dest), x.objectPhys(dest)]).toEqual([TAG.endpoint_cap, x.objectPhys(slotOf(EP))]);
  });

  it("SaveCaller moves the reply capability into a CNode slot; a Send on it replies", () => {
    const [a, b] = T;
    call();
    current(b);
    expect(invoke(0, L.CNodeSaveCaller, [SCRATCH, 8])).toBe(0);
    expect(x.tag(callerSlot(b))).toBe(TAG.null_cap);
    expect([x.tag(slotOf(SCRATCH)), x.replyIsMaster(slotOf(SCRATCH)), x.objectPhys(slotOf(SCRATCH))]).toEqual([TAG.reply_cap, 0, a.phys]);
    expect(x.mdbNext(replySlot(a))).toBe(slotOf(SCRATCH));
    // A second SaveCaller finds nothing to move.
    expect(invoke(0, L.CNodeSaveCaller, [SCRATCH + 1, 8])).toBe(0);
    expect(x.tag(slotOf(SCRATCH + 1))).toBe(TAG.null_cap);
    // B receives another Call meanwhile; the saved capability still answers A.
    setMessage(b, 0x42, [0x420, 0x421]);
    setReg(b, "EBX", SCRATCH);
    x.handleInvocation(b.t, false, true);
    expect([state(a), reg(a, "ESI"), reg(a, "EDI"), reg(a, "EBP")]).toEqual([Running, info(0x42, 0, 0, 2), 0x420, 0x421]);
    expect(x.tag(slotOf(SCRATCH))).toBe(TAG.null_cap);
    expect(state(b)).toBe(Running);
  });

  it("the master reply capability cannot be invoked", () => {
    const [a] = T;
    x.copy(replySlot(a), slotOf(SCRATCH), 0); // a plain copy, as only the kernel could make
    current(T[1]);
    expect(invoke(SCRATCH, 0, [])).toBe(ERR.InvalidCapability);
  });
});

// ── Faults ───────────────────────────────────────────────────────────

describe("fault messages", () => {
  /**
   * F (thread A) gets fault handler H (thread B), which waits on EP2
   * through a capability with Read; F's handler capability (root slot
   * SCRATCH) has Write, Grant and badge 0x77.
   */
  function handler(withBuffer = true): { f: Thread; h: Thread } {
    const [f, h] = T;
    epCap(SCRATCH, 0x77, W | G, EP2);
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    if (!withBuffer) dropBuffer(h);
    recv(h, epAddr(EP2));
    current(f);
    return { f, h };
  }
  /** What H received: message info, badge and the words (MR0, MR1 from EDI, EBP; the rest from its buffer). */
  function received(h: Thread): { label: number; length: number; badge: number; words: number[] } {
    const tag = reg(h, "ESI");
    const length = tag & 0x7f;
    const words = Array.from({ length }, (_, i) => (i === 0 ? reg(h, "EDI") : i === 1 ? reg(h, "EBP") : mr(h, i)));
    return { label: tag >>> 12, length, badge: reg(h, "EBX"), words };
  }
  /** A's registers as a faulting user thread left them (an iret context, not a system call's). */
  function registers(f: Thread): void {
    ["EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP"].forEach((r, i) => setReg(f, r, 0xa0 + i));
    setReg(f, "EIP", 0x401000);
    setReg(f, "ESP", 0x7ff000);
    setReg(f, "EFLAGS", 0x246);
  }

  it("a cap fault in a system call: IP (the sysenter), address, phase, GuardMismatch with its three details: 7 words", () => {
    const { f, h } = handler();
    registers(f);
    setReg(f, "EIP", 0x401002); // sysenter resumes at edx + 2
    setMessage(f, 0, []);
    syscall(f, SYS.Call, 0x12000005); // the root's 24-bit guard is 0
    expect(received(h)).toEqual({ label: CapFault, length: 7, badge: 0x77, words: [0x401000, 0x12000005, 0, GuardMismatch, 32, 0, 24] });
    expect(state(f)).toBe(BlockedOnReply);
    expect(x.objectPhys(callerSlot(h))).toBe(f.phys);
  });

  it("a cap fault in the receive phase: MissingCapability with bits left: 5 words", () => {
    const { f, h } = handler();
    registers(f);
    syscall(f, SYS.Recv, FRAME0); // not an endpoint or notification
    expect(received(h)).toEqual({ label: CapFault, length: 5, badge: 0x77, words: [0x401000 - 2, FRAME0, 1, MissingCapability, 0] });
  });

  it("InvalidRoot: 4 words", () => {
    const { f, h } = handler();
    registers(f);
    expect(x.lookupSlot(slotOf(EP), 5)).toBe(0); // the lookup failure the fault reports: the root is no CNode
    x.capFault(f.t, 5, false);
    expect(received(h)).toEqual({ label: CapFault, length: 4, badge: 0x77, words: [0x401000, 5, 0, InvalidRoot] });
  });

  it("DepthMismatch: bits left and bits found: 6 words", () => {
    const { f, h } = handler();
    registers(f);
    expect(x.lookupTargetSlot(slotOf(0), 0, 4)).toBe(0); // the root resolves 8 bits, not 4
    x.capFault(f.t, 6, false);
    expect(received(h)).toEqual({ label: CapFault, length: 6, badge: 0x77, words: [0x401000, 6, 0, DepthMismatch, 4, 8] });
  });

  it("a guard mismatch reports the guard found and its size", () => {
    const { f, h } = handler();
    registers(f);
    putCap(SCRATCH + 1, () => x.makeCNode(x.objectPhys(slotOf(RECV_CNODE)), 4, 8, 0xa5));
    expect(x.lookupSlot(slotOf(SCRATCH + 1), 0x12345678)).toBe(0);
    x.capFault(f.t, 0x12345678, true);
    expect(received(h)).toEqual({ label: CapFault, length: 7, badge: 0x77, words: [0x401000, 0x12345678, 1, GuardMismatch, 32, 0xa5, 8] });
  });

  it("without a handler buffer a cap fault message is 2 words, and its length says so", () => {
    const { f, h } = handler(false);
    registers(f);
    syscall(f, SYS.Call, 0x12000005);
    expect(received(h)).toEqual({ label: CapFault, length: 2, badge: 0x77, words: [0x401000 - 2, 0x12000005] });
  });

  it("an unknown system call: 11 words in seL4's order (EAX EBX ECX EDX ESI EDI EBP FaultIP SP FLAGS syscall)", () => {
    const { f, h } = handler();
    registers(f);
    setReg(f, "EFLAGS", 0x046); // a sysenter context keeps IF clear; the message shows the flags the thread runs with
    syscall(f, -50, 0xb1); // a number neither seL4 nor tsos (-100, -101) uses
    const n = -50 >>> 0;
    expect(received(h)).toEqual({
      label: UnknownSyscall, length: 11, badge: 0x77,
      words: [n, 0xb1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0x401000 - 2, 0x7ff000, 0x246, n],
    });
    expect([reg(f, "EIP"), reg(f, "VECTOR")]).toEqual([0x401000 - 2, 0]);
  });

  it("an unknown system call without a handler buffer: EAX and EBX, length 2", () => {
    const { f, h } = handler(false);
    registers(f);
    syscall(f, -50, 0xb1);
    expect(received(h)).toEqual({ label: UnknownSyscall, length: 2, badge: 0x77, words: [-50 >>> 0, 0xb1] });
  });

  it("a user exception: FaultIP, SP, FLAGS, number, code: 5 words", () => {
    const { f, h } = handler();
    registers(f);
    x.handleUserException(f.t, 13, 0x18, 0);
    expect(received(h)).toEqual({ label: UserException, length: 5, badge: 0x77, words: [0x401000, 0x7ff000, 0x246, 13, 0x18] });
  });

  it("a user exception without a handler buffer: FaultIP and SP, length 2", () => {
    const { f, h } = handler(false);
    registers(f);
    x.handleUserException(f.t, 6, 0, 0);
    expect(received(h)).toEqual({ label: UserException, length: 2, badge: 0x77, words: [0x401000, 0x7ff000] });
  });

  it("a VM fault: IP, address, prefetch (error bit 4: instruction fetch), FSR: 4 words", () => {
    const { f, h } = handler();
    registers(f);
    x.handleUserException(f.t, 14, 0x15, 0xdead000);
    expect(received(h)).toEqual({ label: VMFault, length: 4, badge: 0x77, words: [0x401000, 0xdead000, 1, 0x15] });
  });

  it("a data VM fault has prefetch 0", () => {
    const { f, h } = handler();
    registers(f);
    x.handleUserException(f.t, 14, 0x6, 0xbeef000);
    expect(received(h)).toEqual({ label: VMFault, length: 4, badge: 0x77, words: [0x401000, 0xbeef000, 0, 0x6] });
  });

  it("a VM fault without a handler buffer: IP and address, length 2", () => {
    const { f, h } = handler(false);
    registers(f);
    x.handleUserException(f.t, 14, 0x6, 0xbeef000);
    expect(received(h)).toEqual({ label: VMFault, length: 2, badge: 0x77, words: [0x401000, 0xbeef000] });
  });

  it("setMRsFault returns the length for a waiting fault, with and without a buffer", () => {
    const [f, h] = T;
    epCap(SCRATCH, 0, W | GR, EP2);
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    registers(f);
    current(f);
    x.handleUserException(f.t, 14, 0x4, 0x1000); // nobody waits: F queues its fault
    expect([state(f), x.faultType(f.t), word(f, g("TCB_BLOCKING_FLAGS"))]).toEqual([BlockedOnSend, VMFault, 0b110]); // GrantReply, Call
    expect(x.setMRsFault(f.t, h.t, h.buffer)).toBe(4);
    expect(x.setMRsFault(f.t, h.t, 0)).toBe(2);
  });

  it("a fault queued on the handler's endpoint arrives when the handler receives, and the faulter waits for the reply", () => {
    const [f, h] = T;
    epCap(SCRATCH, 0x31, W | GR, EP2);
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    registers(f);
    current(f);
    x.handleUserException(f.t, 14, 0x14, 0x2000);
    recv(h, epAddr(EP2), { grant: true });
    expect(received(h)).toEqual({ label: VMFault, length: 4, badge: 0x31, words: [0x401000, 0x2000, 1, 0x14] });
    expect([state(f), x.faultType(f.t), x.objectPhys(callerSlot(h)), x.replyCanGrant(callerSlot(h))]).toEqual([BlockedOnReply, VMFault, f.phys, 1]);
  });

  it("a fault with no handler capability stops the thread and forgets the fault", () => {
    const [f] = T;
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH); // empty
    current(f);
    x.handleUserException(f.t, 13, 0, 0);
    expect([state(f), x.faultType(f.t)]).toEqual([Faulted, 0]);
  });

  it("a handler capability without Grant and GrantReply, or without Write, is no handler either", () => {
    const [f, g2, h] = T;
    epCap(SCRATCH, 0, W | R, EP2);
    epCap(SCRATCH + 1, 0, R | G | GR, EP2);
    recv(h, epAddr(EP2));
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    setWord(g2, g("TCB_FAULT_HANDLER"), SCRATCH + 1);
    for (const th of [f, g2]) {
      current(th);
      x.handleUserException(th.t, 13, 0, 0);
    }
    expect([state(f), x.faultType(f.t), state(g2), x.faultType(g2.t)]).toEqual([Faulted, 0, Faulted, 0]);
    expect([state(h), epQueue(epAddr(EP2))]).toEqual([BlockedOnReceive, ["C"]]);
  });
});

describe("fault replies", () => {
  /** F (A) faulted with `fault`; H (B) received the message and now replies with `label` and `words`. */
  function replyTo(fault: () => void, label: number, words: number[], handlerBuffer = true): { f: Thread; h: Thread } {
    const [f, h] = T;
    epCap(SCRATCH, 0, W | G, EP2);
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    recv(h, epAddr(EP2));
    current(f);
    ["EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP"].forEach((r, i) => setReg(f, r, 0xa0 + i));
    setReg(f, "EIP", 0x401000);
    setReg(f, "ESP", 0x7ff000);
    setReg(f, "EFLAGS", 0x246);
    fault();
    expect(state(f)).toBe(BlockedOnReply);
    if (!handlerBuffer) dropBuffer(h);
    setMessage(h, label, words);
    current(h);
    x.handleReply(h.t);
    expect(x.tag(callerSlot(h))).toBe(TAG.null_cap);
    expect(x.faultType(f.t)).toBe(0);
    return { f, h };
  }
  const regs = (f: Thread) => ["EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "EIP", "ESP", "EFLAGS"].map((r) => reg(f, r));
  const unknownSyscall = () => x.handleUnknownSyscall(T[0].t, 0x1234);

  it("an unknown-syscall reply with label 0 sets the registers (EFLAGS sanitised) and restarts the thread", () => {
    // 0x7103: CF, bit 1, TF, IOPL 3, NT; sanitised: CF, bit 1 and IF.
    const { f } = replyTo(unknownSyscall, 0, [1, 2, 3, 4, 5, 6, 7, 0x402000, 0x800000, 0x7103]);
    expect(regs(f)).toEqual([1, 2, 3, 4, 5, 6, 7, 0x402000, 0x800000, 0x203]);
    expect(state(f)).toBe(Restart);
  });

  it("with a label other than 0 the registers are still set, and the thread stays stopped", () => {
    const { f } = replyTo(unknownSyscall, 1, [1, 2, 3]);
    expect(regs(f)).toEqual([1, 2, 3, 0xa3, 0xa4, 0xa5, 0xa6, 0x401000, 0x7ff000, 0x246]);
    expect(state(f)).toBe(Inactive);
  });

  it("EFLAGS 0xffffffff becomes 0x240ed7: IF and bit 1 forced, IOPL, TF, NT, RF and VM cleared", () => {
    const { f } = replyTo(unknownSyscall, 0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0xffffffff, 0x99]);
    expect(reg(f, "EFLAGS")).toBe(0x240ed7);
    expect(state(f)).toBe(Restart);
  });

  it("a reply from a handler without a buffer sets only EAX and EBX", () => {
    const { f } = replyTo(unknownSyscall, 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false);
    expect(regs(f)).toEqual([1, 2, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0x401000, 0x7ff000, 0x246]);
  });

  const exception = () => x.handleUserException(T[0].t, 13, 0, 0);

  it("a user-exception reply with label 0 sets EIP, ESP and EFLAGS (sanitised), and restarts the thread", () => {
    const { f } = replyTo(exception, 0, [0x403000, 0x900000, 0x4302, 0x55]); // 0x4302: NT, TF, bit 1
    expect(regs(f)).toEqual([0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0x403000, 0x900000, 0x202]);
    expect(state(f)).toBe(Restart);
  });

  it("a user-exception reply with another label sets what it carries and leaves the thread stopped", () => {
    const { f } = replyTo(exception, 3, [0x404000]);
    expect(regs(f)).toEqual([0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0x404000, 0x7ff000, 0x246]);
    expect(state(f)).toBe(Inactive);
  });

  it("a VM fault always restarts, whatever the label, and leaves the registers alone", () => {
    const { f } = replyTo(() => x.handleUserException(T[0].t, 14, 4, 0x1000), 9, [1, 2, 3, 4]);
    expect([state(f), ...regs(f)]).toEqual([Restart, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0x401000, 0x7ff000, 0x246]);
  });

  it("a cap fault always restarts, whatever the label, and leaves the registers alone", () => {
    const cap = () => {
      x.lookupSlot(slotOf(EP), 5);
      x.capFault(T[0].t, 5, false);
    };
    const { f } = replyTo(cap, 1, [1, 2]);
    expect([state(f), ...regs(f)]).toEqual([Restart, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0x401000, 0x7ff000, 0x246]);
  });

  it("handleFaultReply says whether the thread resumes", () => {
    const [f, h] = T;
    epCap(SCRATCH, 0, W | G, EP2);
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    current(f);
    x.handleUnknownSyscall(f.t, 1); // queued: nobody waits
    setMessage(h, 0, []);
    expect(x.handleFaultReply(f.t, h.t)).toBe(1);
    setMessage(h, 1, []);
    expect(x.handleFaultReply(f.t, h.t)).toBe(0);
  });

  it("the restarted thread runs its faulting instruction again: schedule() restores it at the sysenter, once", () => {
    const [f, h] = T;
    x.setPriority(f.t, 200);
    epCap(SCRATCH, 0, W | G, EP2);
    setWord(f, g("TCB_FAULT_HANDLER"), SCRATCH);
    recv(h, epAddr(EP2));
    setReg(f, "EIP", 0x401002);
    setMessage(f, 0, []);
    expect(syscall(f, -50, 0)).toBe("B"); // F waits for its handler's reply; H runs
    expect(reg(f, "EIP")).toBe(0x401000);
    setMessage(h, 0, [0, 0, 0, 0, 0, 0, 0, 0x401000, 0x7ff000, 0x202]);
    expect(syscall(h, SYS.Reply, 0)).toBe("A");
    expect([state(f), reg(f, "EIP")]).toEqual([Running, 0x401000]);
  });
});

// ── Cancelling ───────────────────────────────────────────────────────

describe("cancelling IPC", () => {
  it("cancelIPC takes a blocked sender or receiver out of the middle of its queue and stops it", () => {
    const [a, b, c, d] = T;
    send(a, epAddr());
    send(b, epAddr());
    send(c, epAddr());
    x.cancelIPC(b.t);
    expect([state(b), word(b, g("TCB_BLOCKING_OBJECT"))]).toEqual([Inactive, 0]);
    expect(epQueue()).toEqual(["A", "C"]);
    x.cancelIPC(a.t);
    x.cancelIPC(c.t);
    expect([epQueue(), x.epState(epAddr())]).toEqual([[], EP_IDLE]);
    recv(d, epAddr());
    x.cancelIPC(d.t);
    expect([state(d), x.epState(epAddr())]).toEqual([Inactive, EP_IDLE]);
  });

  it("cancelIPC of a thread waiting on a notification", () => {
    const [a, b] = T;
    current(a);
    x.receiveSignal(a.t, ntfnAddr(), true);
    current(b);
    x.receiveSignal(b.t, ntfnAddr(), true);
    x.cancelIPC(a.t);
    expect([state(a), ntfnQueue(), x.ntfnState(ntfnAddr())]).toEqual([Inactive, ["B"], NTFN_WAITING]);
    x.cancelIPC(b.t);
    expect([ntfnQueue(), x.ntfnState(ntfnAddr())]).toEqual([[], NTFN_IDLE]);
  });

  it("cancelIPC of a caller waiting for its reply deletes the reply capability and its fault, and leaves its state", () => {
    const [a, b] = T;
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    x.cancelIPC(a.t);
    expect([state(a), x.tag(callerSlot(b)), x.mdbNext(replySlot(a))]).toEqual([BlockedOnReply, TAG.null_cap, 0]);
    x.cancelIPC(T[2].t); // a running thread: nothing
    expect(state(T[2])).toBe(Running);
  });

  it("suspending a caller waiting for its reply deletes its outstanding reply capability; the server's Reply then does nothing", () => {
    const [a, b] = T;
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    x.suspendThread(a.t);
    expect([state(a), x.tag(callerSlot(b))]).toEqual([Inactive, TAG.null_cap]);
    setMessage(b, 1, [0x99]);
    current(b);
    x.handleReply(b.t);
    expect([state(a), reg(a, "EDI")]).toEqual([Inactive, 0]);
  });

  it("suspending a caller whose reply capability was saved deletes it from where it went", () => {
    const [a, b] = T;
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    current(b);
    expect(invoke(0, L.CNodeSaveCaller, [SCRATCH, 8])).toBe(0);
    x.suspendThread(a.t);
    expect(x.tag(slotOf(SCRATCH))).toBe(TAG.null_cap);
  });

  it("deleting an endpoint restarts every waiting thread, queued at the head of its ready queue", () => {
    const [a, b, c, d] = T;
    recv(a, epAddr());
    recv(b, epAddr());
    recv(c, epAddr());
    current(d);
    x.copy(slotOf(EP), slotOf(SCRATCH), 0);
    expect(x.cteDelete(slotOf(SCRATCH), true)).toBe(0); // not the last capability: nothing happens
    expect(epQueue()).toEqual(["A", "B", "C"]);
    expect(x.cteDelete(slotOf(EP), true)).toBe(0);
    expect([state(a), state(b), state(c)]).toEqual([Restart, Restart, Restart]);
    expect([word(a, g("TCB_BLOCKING_OBJECT")), word(a, g("TCB_EP_NEXT")), word(b, g("TCB_EP_NEXT"))]).toEqual([0, 0, 0]);
    const ep = x.objectPhys(slotOf(EP2)) - 16; // EP's memory (retyped just before EP2)
    expect([x.epState(ep), u32(ep + g("EP_QUEUE_HEAD")), u32(ep + g("EP_QUEUE_TAIL"))]).toEqual([EP_IDLE, 0, 0]);
    expect(readyQueue(100)).toEqual(["C", "B", "A"]); // each enqueued at the head, as seL4's tcbSchedEnqueue
    expect(schedule()).toBe("D"); // rescheduleRequired: D, enqueued at the head, is chosen again
  });

  it("deleting an endpoint with senders queued does the same, and leaves it idle", () => {
    const [a, b, d] = T;
    const ep = epAddr();
    send(a, ep, { call: true, grant: true });
    send(b, ep);
    current(d);
    expect(x.cteDelete(slotOf(EP), true)).toBe(0);
    expect([state(a), state(b), x.epState(ep), u32(ep + g("EP_QUEUE_HEAD")), u32(ep + g("EP_QUEUE_TAIL"))]).toEqual([Restart, Restart, EP_IDLE, 0, 0]);
    expect(readyQueue(100)).toEqual(["B", "A"]);
  });

  it("CancelBadgedSends restarts only the senders with that badge, in order", () => {
    const [a, b, c, d, e, r] = T;
    for (const [th, badge] of [[a, 5], [b, 7], [c, 5], [d, 0]] as const) send(th, epAddr(), { badge });
    current(e);
    epCap(SCRATCH, 5, ALL);
    epCap(SCRATCH + 1, 5, W | R | G); // without GrantReply: not allowed
    expect(invoke(0, L.CNodeCancelBadgedSends, [SCRATCH + 1, 8])).toBe(ERR.IllegalOperation);
    expect(invoke(0, L.CNodeCancelBadgedSends, [EP, 8])).toBe(0); // unbadged: cancels nothing
    expect(epQueue()).toEqual(["A", "B", "C", "D"]);
    expect(invoke(0, L.CNodeCancelBadgedSends, [SCRATCH, 8])).toBe(0);
    expect([state(a), state(b), state(c), state(d)]).toEqual([Restart, BlockedOnSend, Restart, BlockedOnSend]);
    expect(epQueue()).toEqual(["B", "D"]);
    expect(x.epState(epAddr())).toBe(EP_SEND);
    expect(readyQueue(100)).toEqual(["C", "A"]);
    x.cancelBadgedSends(epAddr(), 7);
    x.cancelBadgedSends(epAddr(), 0);
    expect([epQueue(), x.epState(epAddr())]).toEqual([[], EP_IDLE]);
    // Receivers are never cancelled.
    recv(r, epAddr());
    x.cancelBadgedSends(epAddr(), 0);
    expect([epQueue(), state(r)]).toEqual([["F"], BlockedOnReceive]);
  });

  it("deleting a TCB takes its thread out of the endpoint queue it waits in", () => {
    const [a, b, c, d] = T;
    recv(a, epAddr());
    recv(b, epAddr());
    recv(c, epAddr());
    current(d);
    expect(x.cteDelete(slotOf(TCB0 + 1), true)).toBe(0);
    expect([x.tag(slotOf(TCB0 + 1)), state(b)]).toEqual([TAG.null_cap, Inactive]);
    expect(epQueue()).toEqual(["A", "C"]);
  });

  it("deleting the TCB of a caller waiting for its reply deletes the reply capability the server holds", () => {
    const [a, b] = T;
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    current(b);
    expect(x.cteDelete(slotOf(TCB0), true)).toBe(0);
    expect([x.tag(callerSlot(b)), x.tag(replySlot(a))]).toEqual([TAG.null_cap, TAG.null_cap]);
    x.handleReply(b.t); // nothing left to answer
    expect(state(b)).toBe(Running);
  });

  it("deleting a notification restarts its waiters and unbinds its thread", () => {
    const [a, b, c, d] = T;
    x.bindNotification(c.t, c.phys, x.objectPhys(slotOf(NTFN)));
    current(a);
    x.receiveSignal(a.t, ntfnAddr(), true);
    current(b);
    x.receiveSignal(b.t, ntfnAddr(), true);
    current(d);
    const n = ntfnAddr();
    expect(x.cteDelete(slotOf(NTFN), true)).toBe(0);
    expect([state(a), state(b), word(c, g("TCB_BOUND_NTFN")), x.ntfnState(n), x.notificationBoundTcb(n)]).toEqual([Restart, Restart, 0, NTFN_IDLE, 0]);
    expect(ntfnQueue(n)).toEqual([]);
    expect(readyQueue(100)).toEqual(["B", "A"]);
  });
});

// ── Notifications ────────────────────────────────────────────────────

describe("notifications", () => {
  it("a signal on an idle notification makes it active with the badge; more signals OR in; a wait takes the word", () => {
    const [a] = T;
    const n = ntfnAddr();
    x.sendSignal(n, 0x1);
    expect([x.ntfnState(n), x.ntfnMsgIdentifier(n)]).toEqual([NTFN_ACTIVE, 0x1]);
    x.sendSignal(n, 0x6);
    x.sendSignal(n, 0x4);
    expect([x.ntfnState(n), x.ntfnMsgIdentifier(n)]).toEqual([NTFN_ACTIVE, 0x7]);
    current(a);
    x.receiveSignal(a.t, n, true);
    expect([reg(a, "EBX"), state(a), x.ntfnState(n)]).toEqual([0x7, Running, NTFN_IDLE]);
    setReg(a, "EBX", 0xdead);
    x.receiveSignal(a.t, n, false); // a poll of an idle notification
    expect([reg(a, "EBX"), state(a), x.ntfnState(n)]).toEqual([0, Running, NTFN_IDLE]);
  });

  it("a signal on a waiting notification wakes the first waiter with the badge", () => {
    const [a, b] = T;
    const n = ntfnAddr();
    for (const th of [a, b]) {
      current(th);
      x.receiveSignal(th.t, n, true);
    }
    expect([x.ntfnState(n), ntfnQueue(), state(a), word(a, g("TCB_BLOCKING_OBJECT"))]).toEqual([NTFN_WAITING, ["A", "B"], BlockedOnNotification, n]);
    x.sendSignal(n, 0x30);
    expect([state(a), reg(a, "EBX"), state(b), ntfnQueue(), x.ntfnState(n)]).toEqual([Running, 0x30, BlockedOnNotification, ["B"], NTFN_WAITING]);
    x.sendSignal(n, 0x40);
    expect([state(b), reg(b, "EBX"), x.ntfnState(n), x.ntfnMsgIdentifier(n)]).toEqual([Running, 0x40, NTFN_IDLE, 0]);
  });

  it("a bound thread blocked in Recv on an endpoint is woken by a signal with the badge", () => {
    const [a, b, c] = T;
    const n = ntfnAddr();
    x.bindNotification(b.t, b.phys, x.objectPhys(slotOf(NTFN)));
    recv(a, epAddr());
    recv(b, epAddr());
    setReg(b, "ESI", 0x1234);
    current(c);
    x.sendSignal(n, 0x9);
    expect([state(b), reg(b, "EBX"), reg(b, "ESI"), word(b, g("TCB_BLOCKING_OBJECT"))]).toEqual([Running, 0x9, 0x1234, 0]);
    expect([epQueue(), x.ntfnState(n), x.ntfnMsgIdentifier(n)]).toEqual([["A"], NTFN_IDLE, 0]);
  });

  it("a bound thread waiting for a reply is not woken: the signal stays pending", () => {
    const [a, b, c] = T;
    const n = ntfnAddr();
    x.bindNotification(a.t, a.phys, x.objectPhys(slotOf(NTFN)));
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    current(c);
    x.sendSignal(n, 0x9);
    expect([state(a), x.ntfnState(n), x.ntfnMsgIdentifier(n)]).toEqual([BlockedOnReply, NTFN_ACTIVE, 0x9]);
    // Nor is a bound thread blocked sending.
    x.sendSignal(n, 0x2);
    expect(x.ntfnMsgIdentifier(n)).toBe(0xb);
  });

  it("a bound thread that receives while its notification is active takes the signal and does not block", () => {
    const [a, b] = T;
    const n = ntfnAddr();
    x.bindNotification(a.t, a.phys, x.objectPhys(slotOf(NTFN)));
    send(b, epAddr(), { badge: 3 }); // a sender waits too: the notification comes first
    x.sendSignal(n, 0x44);
    recv(a, epAddr());
    expect([state(a), reg(a, "EBX"), x.ntfnState(n)]).toEqual([Running, 0x44, NTFN_IDLE]);
    expect([epQueue(), state(b)]).toEqual([["B"], BlockedOnSend]);
    recv(a, epAddr()); // idle now: the sender's message
    expect([reg(a, "EBX"), state(b)]).toEqual([3, Running]);
  });
});

// ── The scheduler after IPC ──────────────────────────────────────────

describe("who runs after an IPC (possibleSwitchTo, settled by schedule())", () => {
  /** B waits on EP; A (current, priority 100) sends to it; B has priority `p`. */
  function wake(p: number): void {
    const [a, b] = T;
    x.setPriority(b.t, p);
    recv(b, epAddr());
    send(a, epAddr());
    expect(state(b)).toBe(Running);
  }

  it("a woken thread of higher priority runs; the sender waits at the head of its queue", () => {
    wake(150);
    expect(schedule()).toBe("B");
    expect(readyQueue(100)).toEqual(["A"]);
    expect(readyQueue(150)).toEqual([]);
  });

  it("one of equal priority is appended to its queue while the sender keeps running", () => {
    const d = T[3];
    x.readyEnqueue(d.t);
    wake(100);
    expect(schedule()).toBe("A");
    expect(readyQueue(100)).toEqual(["D", "B"]);
  });

  it("one of lower priority waits at the head of its queue", () => {
    const d = T[3];
    x.setPriority(d.t, 50);
    x.readyEnqueue(d.t);
    wake(50);
    expect(schedule()).toBe("A");
    expect(readyQueue(50)).toEqual(["B", "D"]);
  });

  it("when the sender blocks (a Call), the receiver runs at equal priority ahead of others ready at that priority", () => {
    const [a, b, , d] = T;
    x.readyEnqueue(d.t);
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    expect(schedule()).toBe("B");
    expect(readyQueue(100)).toEqual(["D"]);
  });

  it("when the sender blocks, a lower-priority receiver runs if nothing ready is higher", () => {
    const [a, b, , d] = T;
    x.setPriority(b.t, 50);
    x.setPriority(d.t, 40);
    x.readyEnqueue(d.t);
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    expect(schedule()).toBe("B");
    expect([readyQueue(40), readyQueue(50)]).toEqual([["D"], []]);
  });

  it("when the sender blocks, a lower-priority receiver waits at the head of its queue if a higher thread is ready", () => {
    const [a, b, c, d] = T;
    x.setPriority(b.t, 50);
    x.setPriority(c.t, 50);
    x.setPriority(d.t, 80);
    x.readyEnqueue(c.t);
    x.readyEnqueue(d.t);
    recv(b, epAddr());
    send(a, epAddr(), { call: true, grant: true });
    expect(schedule()).toBe("D");
    expect([readyQueue(50), readyQueue(80)]).toEqual([["B", "C"], []]);
  });

  it("a second wakeup in one kernel entry queues both, and the highest runs", () => {
    const [a, b, c] = T;
    x.setPriority(b.t, 120);
    x.setPriority(c.t, 150);
    const n = ntfnAddr();
    for (const th of [b, c]) {
      current(th);
      x.receiveSignal(th.t, n, true);
    }
    current(a);
    x.sendSignal(n, 1); // B is the candidate
    x.sendSignal(n, 2); // too many: both go to the queues
    expect([readyQueue(120), readyQueue(150)]).toEqual([["B"], ["C"]]);
    expect(schedule()).toBe("C");
    expect([readyQueue(100), readyQueue(120)]).toEqual([["A"], ["B"]]);
  });

  it("a receiver restarted by the endpoint's deletion runs its Recv again: EIP moves back to the sysenter", () => {
    const [a, b] = T;
    x.setPriority(b.t, 150);
    expect(syscall(b, SYS.Recv, EP)).toBe("idle"); // B blocks; nothing else is ready (A is not queued)
    expect(reg(b, "EIP")).toBe(0);
    setReg(b, "EIP", 0x401002); // where sysenter resumes: edx + 2
    current(a);
    expect(x.cteDelete(slotOf(EP), true)).toBe(0);
    expect(schedule()).toBe("B"); // rescheduleRequired: the highest ready thread
    expect([state(b), reg(b, "EIP"), readyQueue(100)]).toEqual([Running, 0x401000, ["A"]]);
  });

  it("with nothing runnable the kernel idles", () => {
    const [a] = T;
    recv(a, epAddr());
    expect(schedule()).toBe("idle");
  });

  /** A Recv by A on `cptr` that is refused: A's fault handler C gets a cap fault in the receive phase. */
  function refusedRecv(cptr: number): void {
    const [a, , h] = T;
    epCap(SCRATCH, 0, W | G, EP2);
    setWord(a, g("TCB_FAULT_HANDLER"), SCRATCH);
    recv(h, epAddr(EP2));
    setReg(a, "EIP", 0x401002);
    expect(syscall(a, SYS.Recv, cptr)).toBe("C");
    expect([reg(h, "ESI"), reg(h, "EDI"), reg(h, "EBP"), mr(h, 2), mr(h, 3), mr(h, 4)]).toEqual([info(CapFault, 0, 0, 5), 0x401000, cptr, 1, MissingCapability, 0]);
    expect(state(a)).toBe(BlockedOnReply);
  }

  it("Recv on an endpoint capability without Read is a cap fault in the receive phase", () => {
    epCap(SCRATCH + 1, 0, W | G | GR);
    refusedRecv(SCRATCH + 1);
  });

  it("Recv on a notification bound to another thread is a cap fault in the receive phase", () => {
    x.bindNotification(T[1].t, T[1].phys, x.objectPhys(slotOf(NTFN)));
    refusedRecv(NTFN);
  });

  it("Recv on a notification capability without Read is a cap fault in the receive phase", () => {
    putCap(SCRATCH + 1, () => x.makeNotification(x.objectPhys(slotOf(NTFN)), 0, W), NTFN);
    refusedRecv(SCRATCH + 1);
  });

  it("Call on a notification signals it and replies with an empty message", () => {
    const [a] = T;
    setReg(a, "ESI", info(0x12, 0, 0, 0));
    setReg(a, "EIP", 0x401002);
    putCap(SCRATCH, () => x.makeNotification(x.objectPhys(slotOf(NTFN)), 0x21, W), NTFN);
    expect(syscall(a, SYS.Call, SCRATCH)).toBe("A");
    expect([x.ntfnState(ntfnAddr()), x.ntfnMsgIdentifier(ntfnAddr()), reg(a, "ESI"), reg(a, "EBX"), state(a), reg(a, "EIP")]).toEqual([NTFN_ACTIVE, 0x21, 0, 0, Running, 0x401002]);
  });

  it("a TCB retyped from untyped starts with a full time slice: the first tick does not preempt it", () => {
    // seL4's createObject sets tcbTimeSlice = CONFIG_TIME_SLICE (5) for every new TCB.
    const [a, b] = T;
    expect(g("TIME_SLICE_TICKS")).toBe(5);
    expect(T.map((th) => x.timeSlice(th.t))).toEqual(Array(THREADS).fill(5));
    x.readyEnqueue(b.t);
    current(a);
    const ran: string[] = [];
    for (let i = 0; i < 5; i++) {
      x.schedulerTick();
      ran.push(schedule());
    }
    expect(ran).toEqual(["A", "A", "A", "A", "B"]);
    expect([x.timeSlice(a.t), readyQueue(100)]).toEqual([5, ["A"]]);
  });

  it("Yield moves the thread behind the others of its priority and keeps what is left of its slice (seL4's handleYield)", () => {
    const [a, b] = T;
    x.readyEnqueue(b.t);
    current(a);
    x.schedulerTick();
    x.schedulerTick();
    expect(schedule()).toBe("A");
    expect(x.timeSlice(a.t)).toBe(3);
    x.threadYield(a.t);
    expect(schedule()).toBe("B");
    expect([x.timeSlice(a.t), readyQueue(100)]).toEqual([3, ["A"]]);
  });

  it("a Call through the system-call path: the server runs, then its Reply runs the client again", () => {
    const [a, b] = T;
    x.setPriority(b.t, 150);
    recv(b, epAddr(), { grant: true });
    epCap(SCRATCH, 0xbad, W | GR);
    setMessage(a, 0x33, [0x330, 0x331, 0x332]);
    expect(syscall(a, SYS.Call, SCRATCH)).toBe("B");
    expect([reg(b, "ESI"), reg(b, "EBX"), mr(b, 2), state(a)]).toEqual([info(0x33, 0, 0, 3), 0xbad, 0x332, BlockedOnReply]);
    setMessage(b, 0, [0x44]);
    expect(syscall(b, SYS.ReplyRecv, EP)).toBe("A"); // B replies, then blocks in Recv again
    expect([state(a), reg(a, "ESI"), reg(a, "EDI"), state(b), epQueue()]).toEqual([Running, info(0, 0, 0, 1), 0x44, BlockedOnReceive, ["B"]]);
  });
});
