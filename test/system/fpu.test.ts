// test/system/fpu.test.ts: per-thread user CPU state under QEMU: FPU/SSE
// registers switched lazily (kernel/arch/x86/fpu.ts) and seL4's TLS
// segment (kernel/arch/x86/tls.ts), each with threads preempted every
// few milliseconds (hz=1000) in the middle of their work.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { boot, BootResult } from "../helpers/qemu.ts";
import { buildUserProgram } from "../../build/userland.ts";

/** Boot module 0: the root task, which starts the others (threads 2, 3, ...). */
const ROOT = { program: "root", args: "root" };

/** userland/fpu's series in JavaScript: doubles and Math.fround are IEEE 754 binary64 and binary32, as wasm's f64 and f32. */
export function fpuSeries(seed: number, iterations: number): string {
  const f = Math.fround;
  let x = 0.1 + seed / 64.0;
  let y = f(f(0.2) + f(f(seed) / f(128.0)));
  let sum = 0;
  for (let i = 0; i < iterations; i++) {
    x = 3.99 * x * (1.0 - x);
    y = f(f(f(3.7) * y) * f(f(1.0) - y));
    sum += Math.sqrt(x + i) + Math.floor(x * 1000.0) / 3.0 + f(Math.sqrt(y));
  }
  const b = new DataView(new ArrayBuffer(8));
  const f64 = (v: number) => {
    b.setFloat64(0, v);
    return `${hex(b.getUint32(0))} ${hex(b.getUint32(4))}`;
  };
  b.setFloat32(0, y);
  const f32 = hex(b.getUint32(0));
  return `f64 ${f64(x)} f32 ${f32} sum ${f64(sum)}`;
}

function hex(v: number): string {
  return "0x" + (v >>> 0).toString(16).padStart(8, "0");
}

/** "kernel: N FPU traps (#NM), M FPU state saves" */
function fpuCounters(r: BootResult): { traps: number; saves: number } {
  const line = r.lines.find((l) => /^kernel: \d+ FPU traps \(#NM\), \d+ FPU state saves$/.test(l));
  expect(line, r.serial).toBeDefined();
  const m = /^kernel: (\d+) FPU traps \(#NM\), (\d+) FPU state saves$/.exec(line!)!;
  return { traps: Number(m[1]), saves: Number(m[2]) };
}

function threadSwitches(r: BootResult): number {
  const m = /^kernel: \d+ timer ticks, (\d+) thread switches$/m.exec(r.lines.join("\n"));
  expect(m, r.serial).not.toBeNull();
  return Number(m![1]);
}

describe("lazy FPU/SSE switching", () => {
  it("the series' JavaScript twin is what it claims (a chaotic map: the seeds give different bits)", () => {
    expect(fpuSeries(1, 1000)).not.toBe(fpuSeries(2, 1000));
    expect(fpuSeries(1, 1000)).toBe(fpuSeries(1, 1000));
  });

  it("three threads computing with f64 and f32 at one priority, preempted at 1000 Hz, each get exact results", async () => {
    // Different lengths, so they finish (and print) far apart.
    const jobs = [
      { name: "fa", seed: 1, iterations: 2_000_000 },
      { name: "fb", seed: 2, iterations: 3_000_000 },
      { name: "fc", seed: 3, iterations: 4_000_000 },
    ];
    const r = await boot({
      cmdline: "poweroff hz=1000",
      modules: [ROOT, ...jobs.map((j) => ({ program: "fpu", args: `${j.name} ${j.seed} ${j.iterations}` }))],
      timeoutMs: 120_000,
    });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    for (const [i, j] of jobs.entries()) {
      expect(r.lines, r.serial).toContain(`fpu ${j.name} ${fpuSeries(j.seed, j.iterations)}`);
      expect(r.lines).toContain(`kernel: thread ${i + 2} "${j.name}" exited with status 0`);
    }
    // The FPU changed hands many times while all three were mid-computation.
    const { traps, saves } = fpuCounters(r);
    expect(threadSwitches(r)).toBeGreaterThan(30);
    expect(saves, r.serial).toBeGreaterThan(30);
    expect(traps).toBeGreaterThanOrEqual(saves);
  });

  it("a thread that is the only FPU user takes exactly one #NM, however often it is preempted", async () => {
    // The premise: the printer never executes an x87, MMX or SSE instruction
    // (a program without floats keeps gcc's -mgeneral-regs-only).
    const dis = execFileSync("objdump", ["-d", "--no-show-raw-insn", buildUserProgram("printer")], { maxBuffer: 64 << 20 }).toString();
    expect(dis).not.toMatch(/%xmm|%mm\d|%st\b|%st\(|\bf(ld|st|add|mul|init|xsave|xrstor)|ldmxcsr/);
    const r = await boot({
      cmdline: "poweroff hz=1000",
      modules: [
        ROOT,
        { program: "fpu", args: "solo 5 3000000" },
        { program: "printer", args: "busy 6 15000000" },
      ],
      timeoutMs: 120_000,
    });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(r.lines, r.serial).toContain(`fpu solo ${fpuSeries(5, 3_000_000)}`);
    expect(r.lines).toContain('kernel: thread 3 "busy" exited with status 0');
    expect(threadSwitches(r)).toBeGreaterThan(10);
    expect(fpuCounters(r)).toEqual({ traps: 1, saves: 0 });
  });

  it("programs without floats never trap: the root task alone takes no #NM", async () => {
    const r = await boot();
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(fpuCounters(r)).toEqual({ traps: 0, saves: 0 });
  });
});

describe("TLS: SetTLSBase and %gs (seL4 ia32)", () => {
  it("each thread sees its own %gs:0 and %gs:4 through preemption, starts with FS 0x33 and GS 0x3B, and a thread that loads other selectors harms no one", async () => {
    // tc shares ta's TLS base (the same address in another address space),
    // so a switch from tc to ta needs no new descriptor: only the selectors
    // tc clobbered must be put back. Round robin runs ta right after tc.
    const r = await boot({
      cmdline: "poweroff hz=1000",
      modules: [
        ROOT,
        { program: "tls", args: "ta 1 30000" },
        { program: "tls", args: "tb 2 45000" },
        { program: "tls", args: "tc 1 60000 clobber" },
      ],
      timeoutMs: 120_000,
    });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    const seen: Record<string, string[]> = {};
    for (const name of ["ta", "tb", "tc"]) {
      const line = r.lines.find((l) => l.startsWith(`tls ${name} `));
      expect(line, r.serial).toBeDefined();
      const m = /^tls \w+ start fs (0x[0-9a-f]{8}) gs (0x[0-9a-f]{8}) end fs (0x[0-9a-f]{8}) gs (0x[0-9a-f]{8}) base (0x[0-9a-f]{8}) bad (\d+)$/.exec(line!);
      expect(m, line).not.toBeNull();
      seen[name] = m!.slice(1);
      expect(m![1], line).toBe("0x00000033");
      expect(m![2], line).toBe("0x0000003b");
      if (name !== "tc") {
        expect(m![3], line).toBe("0x00000033");
        expect(m![4], line).toBe("0x0000003b");
        expect(m![6], line).toBe("0");
      }
    }
    expect(seen.ta[4]).toBe(seen.tc[4]);
    expect(seen.ta[4]).not.toBe(seen.tb[4]);
    expect(r.serial).not.toContain("fault:");
    expect(threadSwitches(r)).toBeGreaterThan(30);
  });
});
