// test/unit/ready.test.ts: the ready queues and the priority bitmap
// (kernel/sched/ready.ts) compiled to wasm and run over fake TCBs in the
// entry's static memory (test/kernel/ready.entry.ts).
//
// After every operation the whole structure is checked (see `snapshot`):
// all 256 queues are walked forwards with their back links, head and tail
// tables, both bitmap levels and every fake TCB's queued flag must agree.

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { itKeepsKernelRules, itNamesEveryError } from "../helpers/kernel-checks";
import { rng } from "../helpers/rng";

let k: KernelInstance;

beforeAll(async () => {
  k = await loadKernelEntry("test/kernel/ready.entry.ts", { scratchPages: 1 });
}, 120_000);

beforeEach(() => {
  k.exports.readyReset();
  k.exports.fakeTcbsClear();
});

const ERROR_NAMES = ["Ok", "NullThread", "BadPriority", "AlreadyQueued", "NotQueued", "QueueMismatch"];
const PRIORITIES = 256;

const errorName = (code: number): string => k.readString(k.exports.readyErrorName(code));
const tcb = (i: number): number => k.exports.fakeTcb(i) >>> 0;
const indexOf = (addr: number): number => (addr - tcb(0)) / k.exports.tcbSizeBytes();

/** Fake TCB `i` with priority `prio`, not queued. */
function make(i: number, prio: number): number {
  k.exports.setPriorityOf(tcb(i), prio);
  return tcb(i);
}

const enqueue = (i: number): string => errorName(k.exports.readyEnqueue(tcb(i)));
const enqueueFront = (i: number): string => errorName(k.exports.readyEnqueueFront(tcb(i)));
const dequeue = (i: number): string => errorName(k.exports.readyDequeue(tcb(i)));
const rotate = (prio: number): string => errorName(k.exports.schedRoundRobinRotate(prio));
const highest = (): number => k.exports.readyHighestPriority();
const chosen = (): number => {
  const t = k.exports.readyChooseThread() >>> 0;
  return t === 0 ? -1 : indexOf(t);
};
const queued = (i: number): boolean => k.exports.readyIsQueued(tcb(i)) === 1;
const bitmapWords = (): number[] => Array.from({ length: 8 }, (_, w) => k.exports.readyBitmapWord(w) >>> 0);

/** Fails the test with `message()` unless `ok`; cheaper than expect() in the hot loop. */
function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(`ready-queue invariant broken: ${message()}`);
}

/**
 * Walks every queue and checks every invariant of kernel/sched/ready.ts;
 * returns the non-empty queues as fake TCB indices, head first.
 */
function snapshot(): Map<number, number[]> {
  const e = k.exports;
  const queues = new Map<number, number[]>();
  const seen = new Set<number>();
  const words = new Array<number>(8).fill(0);
  const n = e.fakeTcbCount();
  for (let p = 0; p < PRIORITIES; p++) {
    const head = e.readyHead(p) >>> 0;
    const tail = e.readyTail(p) >>> 0;
    if (head === 0) {
      check(tail === 0, () => `empty queue ${p} has tail 0x${tail.toString(16)}`);
      continue;
    }
    words[p >> 5] = (words[p >> 5] | (1 << (p & 31))) >>> 0;
    const list: number[] = [];
    let prev = 0;
    for (let t = head; t !== 0; t = e.nextOf(t) >>> 0) {
      const i = indexOf(t);
      check(Number.isInteger(i) && i >= 0 && i < n, () => `queue ${p} links to 0x${t.toString(16)}`);
      check(!seen.has(i), () => `TCB ${i} is linked twice`);
      seen.add(i);
      check(e.prevOf(t) >>> 0 === prev, () => `back link of TCB ${i} in queue ${p}`);
      check(e.priorityOf(t) === p, () => `TCB ${i} of priority ${e.priorityOf(t)} is in queue ${p}`);
      list.push(i);
      prev = t;
    }
    check(tail === prev, () => `tail of queue ${p}`);
    queues.set(p, list);
  }
  const gotWords = bitmapWords();
  check(gotWords.every((w, i) => w === words[i]), () => `bitmap words ${gotWords} but queues say ${words}`);
  const top = words.reduce((acc, w, i) => (w !== 0 ? acc | (1 << i) : acc), 0);
  check(e.readyBitmapTop() >>> 0 === top, () => `bitmap top 0x${(e.readyBitmapTop() >>> 0).toString(16)}, want 0x${top.toString(16)}`);
  for (let i = 0; i < n; i++) {
    const t = tcb(i);
    check(e.readyIsQueued(t) === (seen.has(i) ? 1 : 0), () => `queued flag of TCB ${i}`);
    if (!seen.has(i)) check(e.nextOf(t) === 0 && e.prevOf(t) === 0, () => `unqueued TCB ${i} keeps links`);
  }
  let max = -1;
  for (const p of queues.keys()) max = Math.max(max, p);
  check(highest() === max, () => `highest ${highest()}, want ${max}`);
  const want = max < 0 ? -1 : queues.get(max)![0];
  check(chosen() === want, () => `chose TCB ${chosen()}, want ${want}`);
  return queues;
}

const queue = (prio: number): number[] => snapshot().get(prio) ?? [];

describe("the compiled ready queues", () => {
  itKeepsKernelRules(() => k.module.wat);

  itNamesEveryError(ERROR_NAMES, errorName);

  it("use 256 priorities, the TCB's flag bit 0, and TCB-aligned fake TCBs", () => {
    expect(k.exports.numPriorities()).toBe(256);
    expect(k.exports.queuedFlag()).toBe(1);
    expect(tcb(0) % k.exports.tcbSizeBytes()).toBe(0);
    expect(tcb(1) - tcb(0)).toBe(1024);
  });
});

describe("empty queues", () => {
  it("have no highest priority and no thread to choose", () => {
    expect(highest()).toBe(-1);
    expect(k.exports.readyChooseThread()).toBe(0);
    expect(k.exports.readyBitmapTop()).toBe(0);
    expect(bitmapWords()).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(snapshot().size).toBe(0);
  });

  it("give 0 for the head and tail of priorities out of range", () => {
    make(0, 255);
    make(1, 0);
    expect(enqueue(0)).toBe("Ok");
    expect(enqueue(1)).toBe("Ok");
    for (const p of [-1, 256, 0x7fffffff, -0x80000000]) {
      expect(k.exports.readyHead(p)).toBe(0);
      expect(k.exports.readyTail(p)).toBe(0);
    }
    expect(k.exports.readyBitmapWord(8)).toBe(0);
    expect(k.exports.readyBitmapWord(-1)).toBe(0);
  });
});

describe("FIFO order within a priority", () => {
  it("appends at the tail and takes from the head", () => {
    for (let i = 0; i < 5; i++) {
      make(i, 10);
      expect(enqueue(i)).toBe("Ok");
      expect(queue(10)).toEqual([0, 1, 2, 3, 4].slice(0, i + 1));
    }
    expect(chosen()).toBe(0);
    expect(k.exports.readyHead(10)).toBe(tcb(0));
    expect(k.exports.readyTail(10)).toBe(tcb(4));
    expect(dequeue(0)).toBe("Ok");
    expect(chosen()).toBe(1);
  });

  it("puts enqueueFront at the head", () => {
    make(0, 10);
    make(1, 10);
    make(2, 10);
    expect(enqueueFront(0)).toBe("Ok");
    expect(queue(10)).toEqual([0]);
    expect(enqueue(1)).toBe("Ok");
    expect(enqueueFront(2)).toBe("Ok");
    expect(queue(10)).toEqual([2, 0, 1]);
    expect(chosen()).toBe(2);
  });

  it("keeps queues of different priorities apart", () => {
    make(0, 7);
    make(1, 8);
    make(2, 7);
    make(3, 8);
    for (const i of [0, 1, 2, 3]) expect(enqueue(i)).toBe("Ok");
    const s = snapshot();
    expect(s.get(7)).toEqual([0, 2]);
    expect(s.get(8)).toEqual([1, 3]);
    expect(s.size).toBe(2);
  });
});

describe("the highest ready priority", () => {
  it("is found for each of the 256 priorities alone, with the exact bitmap bits", () => {
    for (let p = 0; p < PRIORITIES; p++) {
      make(0, p);
      expect(enqueue(0)).toBe("Ok");
      expect(highest()).toBe(p);
      expect(chosen()).toBe(0);
      const words = [0, 0, 0, 0, 0, 0, 0, 0];
      words[p >> 5] = (1 << (p & 31)) >>> 0;
      expect(bitmapWords()).toEqual(words);
      expect(k.exports.readyBitmapTop()).toBe(1 << (p >> 5));
      expect(dequeue(0)).toBe("Ok");
      expect(highest()).toBe(-1);
      expect(bitmapWords()).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(k.exports.readyBitmapTop()).toBe(0);
    }
  });

  it("sets both levels for 0, 31, 32 and 255", () => {
    [0, 31, 32, 255].forEach((p, i) => make(i, p));
    for (const i of [2, 0, 3, 1]) expect(enqueue(i)).toBe("Ok");
    expect(bitmapWords()).toEqual([0x80000001, 0x00000001, 0, 0, 0, 0, 0, 0x80000000]);
    expect(k.exports.readyBitmapTop()).toBe(0x83);
    expect(highest()).toBe(255);
    expect(dequeue(3)).toBe("Ok"); // 255
    expect(highest()).toBe(32);
    expect(k.exports.readyBitmapTop()).toBe(0x03);
    expect(dequeue(2)).toBe("Ok"); // 32: word 1 empties
    expect(highest()).toBe(31);
    expect(k.exports.readyBitmapTop()).toBe(0x01);
    expect(dequeue(1)).toBe("Ok"); // 31: word 0 keeps priority 0
    expect(highest()).toBe(0);
    expect(bitmapWords()[0]).toBe(1);
    expect(k.exports.readyBitmapTop()).toBe(0x01);
    expect(chosen()).toBe(0);
    expect(dequeue(0)).toBe("Ok");
    expect(highest()).toBe(-1);
    expect(k.exports.readyBitmapTop()).toBe(0);
  });

  it("follows word and bit boundaries up and down", () => {
    const prios = [0, 1, 30, 31, 32, 33, 63, 64, 95, 96, 127, 128, 159, 160, 191, 192, 223, 224, 254, 255];
    prios.forEach((p, i) => {
      make(i, p);
      expect(enqueue(i)).toBe("Ok");
      expect(highest()).toBe(p);
      expect(chosen()).toBe(i);
    });
    snapshot();
    for (let i = prios.length - 1; i > 0; i--) {
      expect(dequeue(i)).toBe("Ok");
      expect(highest()).toBe(prios[i - 1]);
      expect(chosen()).toBe(i - 1);
    }
    snapshot();
  });

  it("is not fooled by lower priorities added later", () => {
    make(0, 200);
    make(1, 3);
    make(2, 199);
    expect(enqueue(0)).toBe("Ok");
    expect(enqueue(1)).toBe("Ok");
    expect(enqueueFront(2)).toBe("Ok");
    expect(highest()).toBe(200);
    expect(chosen()).toBe(0);
  });
});

describe("dequeue", () => {
  beforeEach(() => {
    for (let i = 0; i < 5; i++) {
      make(i, 42);
      expect(enqueue(i)).toBe("Ok");
    }
  });

  it("from the head: the next one becomes head, with no predecessor", () => {
    expect(dequeue(0)).toBe("Ok");
    expect(queue(42)).toEqual([1, 2, 3, 4]);
    expect(k.exports.readyHead(42)).toBe(tcb(1));
    expect(k.exports.prevOf(tcb(1))).toBe(0);
  });

  it("from the middle: its neighbours are linked to each other", () => {
    expect(dequeue(2)).toBe("Ok");
    expect(queue(42)).toEqual([0, 1, 3, 4]);
    expect(k.exports.nextOf(tcb(1))).toBe(tcb(3));
    expect(k.exports.prevOf(tcb(3))).toBe(tcb(1));
  });

  it("from the tail: the previous one becomes tail, with no successor", () => {
    expect(dequeue(4)).toBe("Ok");
    expect(queue(42)).toEqual([0, 1, 2, 3]);
    expect(k.exports.readyTail(42)).toBe(tcb(3));
    expect(k.exports.nextOf(tcb(3))).toBe(0);
  });

  it("clears the dequeued TCB's links and flag", () => {
    expect(dequeue(2)).toBe("Ok");
    expect(k.exports.nextOf(tcb(2))).toBe(0);
    expect(k.exports.prevOf(tcb(2))).toBe(0);
    expect(queued(2)).toBe(false);
  });

  it("clears the bitmap bit when the queue empties, and only then", () => {
    for (const i of [3, 0, 4, 2]) {
      expect(dequeue(i)).toBe("Ok");
      expect(bitmapWords()[1]).toBe(1 << 10);
    }
    expect(dequeue(1)).toBe("Ok");
    expect(bitmapWords()).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(k.exports.readyBitmapTop()).toBe(0);
    expect(k.exports.readyHead(42)).toBe(0);
    expect(k.exports.readyTail(42)).toBe(0);
    expect(highest()).toBe(-1);
  });

  it("keeps a word's bit in the top level while another queue in the word is non-empty", () => {
    make(5, 40);
    expect(enqueue(5)).toBe("Ok");
    for (const i of [0, 1, 2, 3, 4]) expect(dequeue(i)).toBe("Ok");
    expect(bitmapWords()[1]).toBe(1 << 8);
    expect(k.exports.readyBitmapTop()).toBe(0x02);
    expect(highest()).toBe(40);
  });

  it("of a TCB that is not queued is refused and changes nothing", () => {
    expect(dequeue(2)).toBe("Ok");
    expect(dequeue(2)).toBe("NotQueued");
    make(9, 42);
    expect(dequeue(9)).toBe("NotQueued");
    expect(queue(42)).toEqual([0, 1, 3, 4]);
  });
});

describe("enqueueing a TCB that is already queued", () => {
  it("is refused with AlreadyQueued at either end and changes nothing", () => {
    for (let i = 0; i < 3; i++) {
      make(i, 7);
      expect(enqueue(i)).toBe("Ok");
    }
    for (const i of [0, 1, 2]) {
      expect(enqueue(i)).toBe("AlreadyQueued");
      expect(enqueueFront(i)).toBe("AlreadyQueued");
      expect(queue(7)).toEqual([0, 1, 2]);
    }
  });

  it("works again after a dequeue", () => {
    for (let i = 0; i < 3; i++) {
      make(i, 7);
      expect(enqueue(i)).toBe("Ok");
    }
    expect(dequeue(0)).toBe("Ok");
    expect(enqueue(0)).toBe("Ok");
    expect(queue(7)).toEqual([1, 2, 0]);
    expect(dequeue(0)).toBe("Ok");
    expect(enqueueFront(0)).toBe("Ok");
    expect(queue(7)).toEqual([0, 1, 2]);
  });
});

describe("bad input", () => {
  it("refuses the null TCB", () => {
    expect(errorName(k.exports.readyEnqueue(0))).toBe("NullThread");
    expect(errorName(k.exports.readyEnqueueFront(0))).toBe("NullThread");
    expect(errorName(k.exports.readyDequeue(0))).toBe("NullThread");
    expect(k.exports.readyIsQueued(0)).toBe(0);
    expect(snapshot().size).toBe(0);
  });

  it("refuses a TCB whose priority is out of range, and does not mark it queued", () => {
    for (const p of [256, 257, -1, 0x7fffffff, -0x80000000]) {
      make(0, p);
      expect(enqueue(0)).toBe("BadPriority");
      expect(enqueueFront(0)).toBe("BadPriority");
      expect(queued(0)).toBe(false);
      expect(snapshot().size).toBe(0);
    }
  });

  it("refuses to rotate a priority out of range", () => {
    for (const p of [256, -1, 0x7fffffff]) expect(rotate(p)).toBe("BadPriority");
  });

  it("detects a priority changed while queued, at the head or the tail of the queue", () => {
    for (let i = 0; i < 3; i++) {
      make(i, 10);
      expect(enqueue(i)).toBe("Ok");
    }
    k.exports.setPriorityOf(tcb(0), 20); // head
    expect(dequeue(0)).toBe("QueueMismatch");
    k.exports.setPriorityOf(tcb(0), 10);
    k.exports.setPriorityOf(tcb(2), 9); // tail
    expect(dequeue(2)).toBe("QueueMismatch");
    k.exports.setPriorityOf(tcb(2), 300);
    expect(dequeue(2)).toBe("BadPriority");
    k.exports.setPriorityOf(tcb(2), 10);
    expect(queue(10)).toEqual([0, 1, 2]);
  });

  it("detects a changed priority of a sole queued TCB, and leaves both queues intact", () => {
    make(0, 10);
    make(1, 11);
    expect(enqueue(0)).toBe("Ok");
    expect(enqueue(1)).toBe("Ok");
    k.exports.setPriorityOf(tcb(0), 11);
    expect(dequeue(0)).toBe("QueueMismatch");
    k.exports.setPriorityOf(tcb(0), 10);
    const s = snapshot();
    expect(s.get(10)).toEqual([0]);
    expect(s.get(11)).toEqual([1]);
  });
});

describe("the TCB flags field", () => {
  it("keeps its other bits through enqueue and dequeue", () => {
    make(0, 5);
    k.exports.setFlagsOf(tcb(0), 0xf0);
    expect(enqueue(0)).toBe("Ok");
    expect(k.exports.flagsOf(tcb(0))).toBe(0xf1);
    expect(dequeue(0)).toBe("Ok");
    expect(k.exports.flagsOf(tcb(0))).toBe(0xf0);
  });
});

describe("round robin", () => {
  it("moves the head to the tail", () => {
    for (let i = 0; i < 3; i++) {
      make(i, 100);
      expect(enqueue(i)).toBe("Ok");
    }
    expect(rotate(100)).toBe("Ok");
    expect(queue(100)).toEqual([1, 2, 0]);
    expect(chosen()).toBe(1);
    expect(rotate(100)).toBe("Ok");
    expect(queue(100)).toEqual([2, 0, 1]);
    expect(rotate(100)).toBe("Ok");
    expect(queue(100)).toEqual([0, 1, 2]);
  });

  it("swaps a queue of two", () => {
    make(0, 100);
    make(1, 100);
    expect(enqueue(0)).toBe("Ok");
    expect(enqueue(1)).toBe("Ok");
    expect(rotate(100)).toBe("Ok");
    expect(queue(100)).toEqual([1, 0]);
  });

  it("leaves a queue of one or none unchanged", () => {
    expect(rotate(100)).toBe("Ok");
    expect(snapshot().size).toBe(0);
    make(0, 100);
    expect(enqueue(0)).toBe("Ok");
    expect(rotate(100)).toBe("Ok");
    expect(queue(100)).toEqual([0]);
  });

  it("touches no other priority", () => {
    for (let i = 0; i < 4; i++) {
      make(i, i < 2 ? 0 : 255);
      expect(enqueue(i)).toBe("Ok");
    }
    expect(rotate(0)).toBe("Ok");
    const s = snapshot();
    expect(s.get(0)).toEqual([1, 0]);
    expect(s.get(255)).toEqual([2, 3]);
    expect(chosen()).toBe(2);
  });
});

describe("readyReset", () => {
  it("empties every queue and unmarks every TCB", () => {
    for (let i = 0; i < 20; i++) {
      make(i, (i * 37) % 256);
      expect(enqueue(i)).toBe("Ok");
    }
    k.exports.readyReset();
    expect(snapshot().size).toBe(0); // also checks every flag and link is clear
    expect(enqueue(3)).toBe("Ok");
    expect(queue((3 * 37) % 256)).toEqual([3]);
  });
});

describe("against a reference model", () => {
  /** The reference: one array per priority, head first. */
  class Model {
    queues = new Map<number, number[]>();
    prio = new Map<number, number>();
    where(i: number): number | undefined {
      for (const [p, q] of this.queues) if (q.includes(i)) return p;
      return undefined;
    }
    add(i: number, front: boolean): string {
      if (this.where(i) !== undefined) return "AlreadyQueued";
      const p = this.prio.get(i)!;
      const q = this.queues.get(p) ?? [];
      if (front) q.unshift(i);
      else q.push(i);
      this.queues.set(p, q);
      return "Ok";
    }
    remove(i: number): string {
      const p = this.where(i);
      if (p === undefined) return "NotQueued";
      const q = this.queues.get(p)!.filter((x) => x !== i);
      if (q.length === 0) this.queues.delete(p);
      else this.queues.set(p, q);
      return "Ok";
    }
    rotate(p: number): string {
      const q = this.queues.get(p);
      if (q && q.length > 1) q.push(q.shift()!);
      return "Ok";
    }
    highest(): number {
      return this.queues.size === 0 ? -1 : Math.max(...this.queues.keys());
    }
  }

  it("agrees after each of 4000 random operations", () => {
    const random = rng(0x5c4ed001);
    const int = (n: number): number => Math.floor(random() * n);
    const n = k.exports.fakeTcbCount();
    const boundaries = [0, 1, 30, 31, 32, 33, 63, 64, 127, 128, 200, 223, 224, 254, 255];
    const pickPriority = (): number => (random() < 0.6 ? boundaries[int(boundaries.length)] : int(PRIORITIES));
    const model = new Model();
    for (let i = 0; i < n; i++) {
      const p = pickPriority();
      model.prio.set(i, p);
      make(i, p);
    }
    const ops = new Map<string, number>();
    let longest = 0;
    for (let step = 0; step < 4000; step++) {
      const what = int(100);
      const i = int(n);
      let op: string;
      let got: string;
      let want: string;
      if (what < 30) {
        op = "enqueue";
        got = enqueue(i);
        want = model.add(i, false);
      } else if (what < 45) {
        op = "enqueueFront";
        got = enqueueFront(i);
        want = model.add(i, true);
      } else if (what < 70) {
        op = "dequeue";
        got = dequeue(i);
        want = model.remove(i);
      } else if (what < 80) {
        // The scheduler's pattern: take the chosen thread out.
        op = "dequeueChosen";
        const c = chosen();
        if (c < 0) {
          got = want = "Ok";
        } else {
          got = dequeue(c);
          want = model.remove(c);
        }
      } else if (what < 92) {
        op = "rotate";
        const live = [...model.queues.keys()];
        const p = live.length > 0 && random() < 0.8 ? live[int(live.length)] : pickPriority();
        got = rotate(p);
        want = model.rotate(p);
      } else {
        // A new priority, for a TCB that is not queued (the rule).
        op = "setPriority";
        if (model.where(i) === undefined) {
          const p = pickPriority();
          model.prio.set(i, p);
          make(i, p);
        }
        got = want = "Ok";
      }
      ops.set(op, (ops.get(op) ?? 0) + 1);
      expect(got, `step ${step}: ${op}(${i})`).toBe(want);
      const s = snapshot();
      expect(highest(), `step ${step}: highest`).toBe(model.highest());
      expect(s, `step ${step}: queues after ${op}`).toEqual(model.queues);
      for (const q of s.values()) longest = Math.max(longest, q.length);
    }
    // Every kind of operation ran often, and the queues grew beyond trivial sizes.
    for (const op of ["enqueue", "enqueueFront", "dequeue", "dequeueChosen", "rotate", "setPriority"]) {
      expect(ops.get(op) ?? 0, op).toBeGreaterThan(150);
    }
    expect(longest).toBeGreaterThanOrEqual(4);
  });
});
