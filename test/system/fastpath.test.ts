// test/system/fastpath.test.ts: the IPC fast path and the slow path agree (kernel/fastpath/fastpath.ts).
//
// Owns: the differential check. userland/ipcdiff runs SCENARIOS randomised
// IPC scenarios from one seed (clients and servers at distinct random
// priorities, badged and rights-reduced capabilities, message lengths
// 0..4 around the fast path's limit of 2, faults answered by a handler, a
// bound notification signalled in between, endpoints and saved reply
// capabilities deleted and revoked under queued threads) and prints every
// record of the first two scenarios, a hash of each scenario's records
// (every delivered message, badge, reply and error, with a global
// sequence number, so the order in which the threads ran is in it) and a
// total. The same ISO boots twice, once with the boot option `nofastpath`:
// the kernel's log from the banner on must be identical, less the command
// line and the fast path's own report, which must say that the fast path
// took Calls and ReplyRecvs in one run and none in the other.
// No -icount: timer interrupts land wherever the host's timing puts them,
// and the traces must match all the same (distinct priorities make the
// schedule a function of the system calls alone; userland/ipcdiff/main.ts).
// Must not: compare anything the host's speed decides.
import { describe, expect, it } from "vitest";
import { boot, comparableKernelLog, type BootResult } from "../helpers/qemu.ts";

const SEED = "0x1234";
const SCENARIOS = 4000;

function comparable(r: BootResult): string[] {
  return comparableKernelLog(r).filter((l) => !l.startsWith("boot: loader ") && !l.includes("IPC fast path"));
}

function taken(r: BootResult): { on: boolean; calls: number; replyRecvs: number } {
  const m = r.lines.map((l) => /^kernel: IPC fast path (on|off): (\d+) Calls and (\d+) ReplyRecvs took it$/.exec(l)).find((x) => x);
  expect(m, r.serial.slice(-2000)).toBeTruthy();
  return { on: m![1] === "on", calls: Number(m![2]), replyRecvs: Number(m![3]) };
}

describe("the IPC fast path", () => {
  it(`gives the slow path's trace, exactly, over ${SCENARIOS} randomised IPC scenarios (seed ${SEED})`, async () => {
    const modules = [{ program: "ipcdiff", args: `ipcdiff seed=${SEED} n=${SCENARIOS}` }];
    const [fast, slow] = await Promise.all([
      boot({ cmdline: "poweroff", modules, timeoutMs: 400_000 }),
      boot({ cmdline: "poweroff nofastpath", modules, timeoutMs: 400_000 }),
    ]);
    for (const r of [fast, slow]) {
      expect(r.how, r.serial.slice(-3000)).toBe("poweroff");
      expect(r.lines).toContain("ipcdiff: PASS");
    }
    expect(fast.lines).toContain("kernel: IPC fast path on");
    expect(slow.lines).toContain("kernel: IPC fast path off (nofastpath)");
    const total = fast.lines.map((l) => /^ipcdiff: (\d+) scenarios, (\d+) records, trace hash 0x[0-9a-f]{8}$/.exec(l)).find((x) => x);
    expect(total, fast.serial.slice(-2000)).toBeTruthy();
    expect(Number(total![1])).toBe(SCENARIOS);
    expect(Number(total![2])).toBeGreaterThan(10 * SCENARIOS);
    // Every scenario's self-check found the kernel consistent, in both runs.
    for (const r of [fast, slow]) {
      const checks = r.lines.filter((l) => l.startsWith("kernel: self-check: "));
      expect(checks.length).toBe(SCENARIOS);
      expect(checks.every((l) => l.startsWith("kernel: self-check: 0 problems"))).toBe(true);
    }
    // The two traces, line for line.
    const a = comparable(fast);
    const b = comparable(slow);
    expect(a.filter((l) => l.startsWith("ipcdiff: scenario ")).length).toBe(SCENARIOS);
    const firstDifference = a.findIndex((l, i) => l !== b[i]);
    expect(firstDifference, firstDifference < 0 ? "" : `fast: ${a[firstDifference]}\nslow: ${b[firstDifference]}`).toBe(-1);
    expect(a.length).toBe(b.length);
    // The fast path did take part, and with nofastpath it never did.
    const f = taken(fast);
    const s = taken(slow);
    console.log(`fast path taken over ${SCENARIOS} scenarios: ${f.calls} Calls and ${f.replyRecvs} ReplyRecvs`);
    expect(f).toMatchObject({ on: true });
    expect(f.calls).toBeGreaterThan(SCENARIOS);
    expect(f.replyRecvs).toBeGreaterThan(SCENARIOS / 2);
    expect(s).toEqual({ on: false, calls: 0, replyRecvs: 0 });
  }, 900_000);
});
