// test/unit/selfcheck.test.ts: the kernel's self-check (kernel/debug/selfcheck.ts) in Node.
//
// Owns: showing that DebugSelfCheck's walk finds a consistent kernel
// consistent (after retypes, copies, mints, a blocked sender, a waiting
// receiver, a bound notification, queued threads) and that it reports
// each kind of corruption it claims to check: a derivation link that is
// not mutual, one that names an empty slot, a derivation loop, a stray
// descendant of an untyped, an endpoint whose state disagrees with its
// queue, a queued thread that is not blocked, a blocked thread missing
// from its queue, a ready queue of the wrong priority, a bitmap bit, and
// a notification bound to a thread bound elsewhere. A self-check that
// cannot fail would prove nothing.
// Must not: share kernel state between tests (each gets a fresh instance).

import { beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { INVOCATION_LABELS, OBJECT_TYPES } from "../../libs/abi/sel4.def.ts";

const ENTRY = "test/kernel/selfcheck.entry.ts";
const L = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const OBJ = Object.fromEntries(OBJECT_TYPES.entries.map((e) => [e.name, e.value]));
const Running = 1, BlockedOnSend = 4, BlockedOnNotification = 6;
const ALL = 15;

let k: KernelInstance;
let x: any;
let root: number;
const UT = 1, TCB0 = 10, THREADS = 4, EP = 20, NTFN = 22, FRAME0 = 30, SCRATCH = 50;
const slotOf = (i: number) => root + 16 * i;
const u32 = (a: number) => k.view.getUint32(a, true);
const set32 = (a: number, v: number) => k.view.setUint32(a, v >>> 0, true);
const g = (name: string): number => x[name].value;
let T: number[];

function invoke(i: number, label: number, args: number[], extra: number[] = []): number {
  x.invocationBegin(label, args.length);
  args.forEach((v, n) => x.invocationSetArg(n, v >>> 0));
  for (const e of extra) x.invocationAddExtraCap(slotOf(e));
  const err = x.decodeInvocation(slotOf(i));
  if (err === 0) expect(x.performInvocation(true, false)).toBe(0);
  return err;
}
const retype = (type: number, bits: number, at: number, n = 1) => invoke(UT, L.UntypedRetype, [type, bits, 0, 0, at, n], [0]);

/** Runs the self-check; returns the problems it counted and what it printed. */
function check(): { problems: number; out: string } {
  k.x86.takeSerial();
  const problems = x.selfCheck();
  return { problems, out: k.x86.takeSerial() };
}

beforeEach(async () => {
  k = await loadKernelEntry(ENTRY, { scratchPages: 24 });
  x = k.exports;
  x.vspaceSetPhysWindow(0);
  k.x86.cr3 = k.alloc(4096, 4096);
  x.vspaceInit();
  x.schedulerIdleWhenBlocked();
  x.serialInit();
  x.consoleInitAt(k.alloc(80 * 25 * 2, 16));
  root = k.alloc(16 * 256, 4096);
  x.makeCNode(root, 8, 0, 0);
  x.insertRoot(slotOf(0), true);
  const ut = k.alloc(1 << 18, 1 << 18);
  x.makeUntyped(ut, 18, false, 0);
  x.insertRoot(slotOf(UT), true);
  expect(retype(OBJ.TCB, 0, TCB0, THREADS)).toBe(0);
  expect(retype(OBJ.Endpoint, 0, EP, 1)).toBe(0);
  expect(retype(OBJ.Notification, 0, NTFN, 1)).toBe(0);
  expect(retype(OBJ.X86_4K, 0, FRAME0, THREADS)).toBe(0);
  T = [];
  for (let i = 0; i < THREADS; i++) {
    const t = x.objectPhys(slotOf(TCB0 + i)) + g("TCB_THREAD_OFFSET");
    expect(x.copy(slotOf(0), x.tcbSlot(t, 0), 24 << 3)).toBe(1);
    expect(x.copy(slotOf(FRAME0 + i), x.tcbSlot(t, 4), 0)).toBe(1);
    set32(t + g("TCB_IPC_BUFFER"), 0x10000200 + i * 0x1000);
    x.setupReplyMaster(t);
    x.setPriority(t, 100 + i);
    x.setThreadState(t, Running);
    x.debugThreadAdd(t);
    T.push(t);
  }
  // Thread 0 runs (the current thread is in no ready queue); the others wait in theirs.
  x.schedulerSetCurrent(T[0]);
  for (let i = 1; i < THREADS; i++) expect(x.readyEnqueue(T[i])).toBe(0);
  // Badged and unbadged copies, a notification copy.
  x.makeEndpoint(x.objectPhys(slotOf(EP)), 0, ALL);
  x.insert(slotOf(EP), slotOf(SCRATCH));
  expect(x.copy(slotOf(EP), slotOf(SCRATCH + 1), 7)).toBe(1);
  expect(x.copy(slotOf(SCRATCH + 1), slotOf(SCRATCH + 2), 0)).toBe(1);
  expect(x.copy(slotOf(NTFN), slotOf(SCRATCH + 3), 0)).toBe(1);
}, 120_000);

const ep = () => x.endpointOf(slotOf(EP));
const ntfn = () => x.notificationOf(slotOf(NTFN));

describe("a consistent kernel", () => {
  it("has no problems, and the walk reached every capability of the CNode and the TCBs", () => {
    const r = check();
    expect(r.problems, r.out).toBe(0);
    expect(r.out).toMatch(/kernel: self-check: 0 problems \(\d+ capabilities in \d+ CNodes and TCBs, 1 endpoints, 1 notifications, 4 threads, 0 unchecked\)/);
    // Root: self, untyped, 4 TCBs, endpoint, notification, 4 frames, 4 copies; each TCB: CSpace, buffer, reply master.
    expect(x.selfCheckCapabilities()).toBe(1 + 1 + THREADS + 2 + THREADS + 4 + 3 * THREADS);
  });

  it("stays consistent with a blocked sender, a waiting notification receiver and a bound notification", () => {
    x.sendIPC(true, false, 7, false, false, T[0], ep()); // thread 0 blocks sending
    expect(x.state(T[0])).toBe(BlockedOnSend);
    x.schedulerSetCurrent(T[1]);
    expect(x.readyDequeue(T[1])).toBe(0);
    x.receiveSignal(T[1], ntfn(), true);
    expect(x.state(T[1])).toBe(BlockedOnNotification);
    x.bindNotification(T[2], x.objectPhys(slotOf(TCB0 + 2)), x.objectPhys(slotOf(NTFN)));
    x.schedulerSetCurrent(0);
    expect(check().out).toMatch(/self-check: 0 problems/);
  });

  it("stays consistent after a revoke and deletes", () => {
    expect(x.cteRevoke(slotOf(EP))).toBe(0);
    expect(x.cteDelete(slotOf(FRAME0 + 1), true)).toBe(0);
    expect(check().out).toMatch(/self-check: 0 problems/);
  });
});

describe("a corrupt kernel", () => {
  it("reports a derivation link that is not mutual", () => {
    x.setMdbPrev(slotOf(SCRATCH + 2), slotOf(EP)); // EP's next is not SCRATCH + 2
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("not mutual");
  });

  it("reports a derivation link to an empty slot", () => {
    x.setMdbNext(slotOf(SCRATCH + 3), slotOf(200));
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("names an empty slot");
  });

  it("reports a derivation list that loops", () => {
    // Two slots that name each other both ways, with no head.
    const a = slotOf(SCRATCH + 1), b = slotOf(SCRATCH + 2);
    const before = x.mdbPrev(a), after = x.mdbNext(b);
    x.setMdbNext(before, after);
    x.setMdbPrev(after, before);
    x.setMdbPrev(a, b);
    x.setMdbNext(b, a);
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("loops");
  });

  it("reports a capability inside an untyped that lies after the untyped's subtree", () => {
    // A frame of the untyped's memory, linked at the end of the list behind an unrelated root capability.
    x.makeTagOnly(0x1e /* any tag-only capability: a domain */);
    x.insertRoot(slotOf(SCRATCH + 10), true);
    let last = slotOf(UT);
    while (x.mdbNext(last) !== 0) last = x.mdbNext(last);
    x.setMdbNext(last, slotOf(SCRATCH + 10));
    x.setMdbPrev(slotOf(SCRATCH + 10), last);
    x.makeFrame(x.pagePhys(slotOf(FRAME0)), false, false, 3);
    x.insert(slotOf(SCRATCH + 10), slotOf(SCRATCH + 11));
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("after the end of its subtree");
  });

  it("reports an endpoint whose state disagrees with its queue", () => {
    x.sendIPC(true, false, 0, false, false, T[0], ep());
    set32(ep() + g("EP_QUEUE_HEAD") + 8, 0); // state word: idle, with a thread queued
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("disagrees with its queue");
  });

  it("reports a queued thread that is not blocked the way the queue says, and a blocked thread missing from its queue", () => {
    x.sendIPC(true, false, 0, false, false, T[0], ep());
    set32(T[0] + g("TCB_STATE"), BlockedOnNotification);
    let r = check();
    expect(r.out).toContain("not blocked the way the queue says");
    set32(T[0] + g("TCB_STATE"), BlockedOnSend);
    expect(check().out).toMatch(/self-check: 0 problems/);
    set32(ep() + g("EP_QUEUE_HEAD"), 0);
    set32(ep() + g("EP_QUEUE_TAIL"), 0);
    r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("not in its object's queue");
  });

  it("reports a thread in the ready queue of another priority, and a runnable thread in no queue", () => {
    set32(T[2] + g("TCB_PRIORITY"), 7);
    let r = check();
    expect(r.out).toContain("ready queue of another priority");
    set32(T[2] + g("TCB_PRIORITY"), 102);
    expect(check().out).toMatch(/self-check: 0 problems/);
    set32(T[3] + g("TCB_FLAGS"), 0); // the queued flag lost
    r = check();
    expect(r.out).toContain("lacks the queued flag");
    expect(r.out).toContain("neither current nor in a ready queue");
  });

  it("reports a ready queue whose links are not mutual", () => {
    // Thread 2 is alone in the queue of priority 102: its schedPrev must be 0.
    expect(x.readyHead(102)).toBe(T[2]);
    set32(T[2] + g("TCB_SCHED_PREV"), T[1]);
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("ready queue's prev link is not mutual");
  });

  it("reports a notification bound to a thread that is bound to another", () => {
    x.bindNotification(T[2], x.objectPhys(slotOf(TCB0 + 2)), x.objectPhys(slotOf(NTFN)));
    expect(check().out).toMatch(/self-check: 0 problems/);
    set32(T[2] + g("TCB_BOUND_NTFN"), 0);
    const r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("bound to another");
  });

  it("reports a live thread's reply capabilities that break what the IPC fast path relies on", () => {
    // Thread 3 runs (Running, queued): its master reply capability may have no child.
    const master = x.tcbSlot(T[3], 2);
    const caller = x.tcbSlot(T[1], 3);
    expect(u32(master + 4) & 0xF).toBe(8); // the reply tag
    set32(master + 12, slotOf(SCRATCH + 3)); // a "child" of the running thread's master
    let r = check();
    expect(r.problems).toBeGreaterThan(0);
    expect(r.out).toContain("a master reply capability has a child other than one reply capability while its thread waits for a reply");
    set32(master + 12, 0);
    // A thread blocked receiving with something in its tcbCaller slot.
    set32(T[1] + g("TCB_STATE"), 3); // BlockedOnReceive (thread 1 also leaves its notification's queue's view)
    set32(caller + 4, u32(master + 4)); // a reply capability to thread 3, not the master
    set32(caller, 0);
    r = check();
    expect(r.out).toContain("a thread blocked receiving has a capability in its tcbCaller slot");
    expect(r.out).toContain("is not its caller's master's only child");
    set32(caller + 4, 0);
    // A live thread without its master.
    set32(master + 4, 0);
    r = check();
    expect(r.out).toContain("a live thread's tcbReply slot holds no master reply capability to it");
  });
});

