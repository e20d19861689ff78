// test/system/syscall-fuzz.test.ts: the system-call fuzzer (userland/syscallfuzz) under QEMU.
//
// Owns: one boot of the fuzzer as the root task with a fixed seed and
// 1 000 000 random invocations, under TCG with -icount shift=0 (virtual
// time follows guest instructions, so the timer interrupts land at the
// same instructions on every run and the seed replays the same run),
// and the verdict: the seed line, at least 10^6 invocations, every
// self-check (three per epoch of 100 000, DebugSelfCheck: with the
// fuzz threads where they are, after the arena is revoked under them,
// and with them suspended) with 0 problems,
// no kernel panic, the fuzzer's PASS and a clean power-off. It also
// checks that the run did what the fuzzer claims: every kind of call was
// made, faults of several types were taken and handled, threads were
// restarted, and the invocations met errors of several kinds. And that a
// seed replays: two boots with one seed print the same counts.
// Must not: depend on wall-clock time (the boot's timeout only guards a hang).
import { describe, it, expect } from "vitest";
import { boot } from "../helpers/qemu.ts";

export const FUZZ_SEED = "0x1234";
const INVOCATIONS = 1_000_000;

describe("the system-call fuzzer", () => {
  it(`survives ${INVOCATIONS} random invocations with seed ${FUZZ_SEED}, and every self-check finds the kernel consistent`, async () => {
    const r = await boot({
      modules: [{ program: "syscallfuzz", args: `syscallfuzz seed=${FUZZ_SEED} n=${INVOCATIONS}` }],
      memoryMiB: 256,
      timeoutMs: 420_000,
      extra: ["-icount", "shift=0"],
    });
    const out = r.stderr + r.serial;
    expect(r.how, out).toBe("poweroff");
    expect(r.serial).not.toMatch(/PANIC/);
    expect(r.lines).toContain(`syscallfuzz: seed 0x00001234, ${INVOCATIONS} invocations`);
    const total = r.lines.map((l) => /^syscallfuzz: (\d+) invocations by 4 workers, (\d+) thread restarts/.exec(l)).find((m) => m);
    expect(total, out).toBeTruthy();
    expect(Number(total![1])).toBeGreaterThanOrEqual(INVOCATIONS);
    expect(Number(total![2])).toBeGreaterThan(0);
    const checks = r.lines.filter((l) => l.startsWith("kernel: self-check: "));
    expect(checks.length, out).toBe(3 * (INVOCATIONS / 100_000));
    for (const c of checks) expect(c).toMatch(/^kernel: self-check: 0 problems \(\d+ capabilities in \d+ CNodes and TCBs/);
    // The epoch's objects were live and walked.
    expect(checks.some((c) => /\((\d{3,}) capabilities in \d+ CNodes and TCBs, [1-9]\d* endpoints, [1-9]\d* notifications/.test(c)), out).toBe(true);
    // Every kind of call was made, and faults of the four kinds the workers cause were handled.
    const calls = r.lines.find((l) => l.startsWith("syscallfuzz: calls "))!;
    for (const kind of ["Call", "Send", "NBSend", "Recv", "NBRecv", "Reply", "ReplyRecv", "Yield", "CapIdentify", "other-number", "deliberate-fault"]) {
      expect(Number(new RegExp(` ${kind}=(\\d+)`).exec(calls)?.[1] ?? 0), `${kind} in ${calls}`).toBeGreaterThan(0);
    }
    const faults = r.lines.find((l) => l.startsWith("syscallfuzz: faults taken by type"))!;
    for (const label of [1, 2, 3, 5]) expect(Number(new RegExp(` ${label}=(\\d+)`).exec(faults)?.[1] ?? 0), faults).toBeGreaterThan(0);
    // The invocations succeeded sometimes and failed with several different seL4 errors.
    const errors = r.lines.find((l) => l.startsWith("syscallfuzz: Call replies by seL4 error"))!;
    const kinds = [...errors.matchAll(/ (\d+)=(\d+)/g)].filter((m) => Number(m[2]) > 0).map((m) => Number(m[1]));
    expect(kinds, errors).toContain(0);
    expect(kinds.length, errors).toBeGreaterThanOrEqual(8);
    expect(r.lines).toContain("syscallfuzz: 30 self-checks, 0 problems");
    expect(r.lines).toContain("syscallfuzz: PASS");
    expect(r.lines).toContain('kernel: power-off requested by thread 1 "syscallfuzz", reporting success');
  }, 480_000);

  it("replays a run from its seed: two boots with one seed print the same counts", async () => {
    const run = async () => {
      const r = await boot({
        modules: [{ program: "syscallfuzz", args: "syscallfuzz seed=0x42 n=30000" }],
        memoryMiB: 256,
        timeoutMs: 240_000,
        extra: ["-icount", "shift=0"],
      });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      return r.lines.filter((l) => l.startsWith("syscallfuzz: ") || l.startsWith("kernel: self-check: "));
    };
    const first = await run();
    expect(first).toContain("syscallfuzz: PASS");
    expect(first.some((l) => /^syscallfuzz: 30\d{3} invocations by 4 workers, [1-9]\d* thread restarts/.test(l)), first.join("\n")).toBe(true);
    expect(await run()).toEqual(first);
  }, 480_000);
});
