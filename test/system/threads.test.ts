// test/system/threads.test.ts: user threads under QEMU: the root task,
// preemption between two programs, and every kind of user fault, each of
// which must stop only the faulting thread while another carries on.
// Boot module 0 is the root task; it starts every other module as a
// process (libs/user/process.ts) at priority 100 and ends, so the kernel
// numbers threads in creation order: root 1, module i thread i + 1.
import { hex8, KERNEL_IMAGE_PHYS, KERNEL_VBASE } from "../helpers/layout.ts";
import { describe, it, expect } from "vitest";
import { boot, BootResult } from "../helpers/qemu.ts";

const ROOT = { program: "root", args: "root" };
const SURVIVOR = { program: "printer", args: "survivor 3 20000 lines" };

function faultLine(r: BootResult): string | undefined {
  return r.lines.find((l) => l.startsWith('fault: thread 2 "faulter" vector '));
}

interface FaultCase {
  kind: string;
  vector: number;
  name: string;
  error?: string;
  cr2?: string;
  extra?: string;
}

const CASES: FaultCase[] = [
  { kind: "unmapped", vector: 14, name: "page fault", error: "0x0004", cr2: "0x00000010" },
  { kind: "readonly", vector: 14, name: "page fault", error: "0x0007", cr2: "0x00400000" },
  { kind: "kernel-jump", vector: 14, name: "page fault", error: "0x0005", cr2: hex8(KERNEL_VBASE + KERNEL_IMAGE_PHYS) },
  { kind: "kernel-read", vector: 14, name: "page fault", error: "0x0005", cr2: hex8(KERNEL_VBASE + KERNEL_IMAGE_PHYS) },
  { kind: "cli", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "hlt", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "in", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "out", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "cr3", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "ud2", vector: 6, name: "invalid opcode", error: "0x0000" },
  { kind: "divide", vector: 0, name: "divide error", error: "0x0000" },
  { kind: "int3", vector: 3, name: "breakpoint", error: "0x0000" },
  { kind: "int80", vector: 13, name: "general protection", error: "0x0402" },
  { kind: "bad-syscall", vector: 256, name: "unknown system call", error: "0xfffffc18", extra: 'fault: thread 2 "faulter" made unknown system call -1000' },
  { kind: "garbage", vector: 256, name: "unknown system call", error: "0x7a5c3e1f", extra: 'fault: thread 2 "faulter" made unknown system call 2052865567' },
  { kind: "bad-stack", vector: 14, name: "page fault", error: "0x0006", cr2: "0x0000000c" },
];

describe("user threads", () => {
  it("runs the root task from boot module 0 in ring 3", async () => {
    const r = await boot();
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(r.lines.some((l) => /^boot: root task 1 "root" from module 0, entry 0x004[0-9a-f]{5}, "root"$/.test(l)), r.serial).toBe(true);
    expect(r.lines).toContain('root: hello from user mode, arguments "root"');
    expect(r.lines).toContain('kernel: thread 1 "root" exited with status 0');
  });

  it("skips boot modules beyond the first 16 with a message, and runs the rest", async () => {
    const modules = [ROOT, ...Array.from({ length: 17 }, (_, i) => ({ program: "printer", args: `p${i + 1} 1 1000` }))];
    const r = await boot({ modules, timeoutMs: 60_000 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(r.lines).toContain("boot: 2 boot modules skipped: the kernel keeps the first 16");
    expect(r.lines).toContain("root: boot-module table, 16 modules");
    for (let i = 1; i < 16; i++) {
      expect(r.lines.some((l) => l.startsWith(`root: started module ${i} "p${i} 1 1000", entry 0x004`)), r.serial).toBe(true);
      expect(r.lines).toContain(`kernel: thread ${i + 1} "p${i}" exited with status 0`);
    }
    expect(r.serial).not.toContain("root: started module 16");
    expect(r.lines.filter((l) => /^kernel: thread \d+ "(root|p\d+)" exited with status 0$/.test(l)).length).toBe(16);
  });

  it("stops the whole system on DebugHalt, and lists threads on DebugDumpScheduler", async () => {
    const r = await boot({ modules: [{ program: "root", args: "root threads halt" }, { program: "printer", args: "idle 1000 2000000 lines" }] });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    // The root task keeps seL4's priority 255 while it starts the programs; they wait at 100.
    expect(r.lines).toContain('  thread 1 "root" priority 255 runnable');
    expect(r.lines).toContain('  thread 2 "idle" priority 100 runnable');
    // The printer's marks may land inside root's own lines; the kernel's lines start fresh.
    expect(r.serial).toContain("root: asking the kernel to halt");
    expect(r.lines).toContain('kernel: halt requested by thread 1 "root"');
    expect(r.serial).not.toContain("still running after DebugHalt");
    expect(r.lines).not.toContain("idle done");
  });

  it("preempts: two busy programs at one priority interleave their lines", async () => {
    const r = await boot({
      cmdline: "poweroff hz=1000",
      modules: [
        ROOT,
        { program: "printer", args: "alpha 8 2000000" },
        { program: "printer", args: "beta 8 2000000" },
      ],
      timeoutMs: 60_000,
    });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    // Each printer prints one mark (A or B) per unit of busy work, never yielding.
    // The root task (priority 255) starts both, then ends; only then do they run.
    expect(r.serial).toContain('root: started module 2 "beta 8 2000000"');
    const start = r.serial.indexOf('kernel: thread 1 "root" exited with status 0');
    expect(start, r.serial).toBeGreaterThan(0);
    const end = r.serial.indexOf(" timer ticks, ", start);
    // Only the printers write upper-case A and B after the boot lines; a mark can land inside
    // another thread's "done" line, never the other way round.
    const order = [...r.serial.slice(r.serial.indexOf("\n", start), end)].filter((c) => c === "A" || c === "B");
    expect(order.filter((c) => c === "A").length, r.serial).toBe(8);
    expect(order.filter((c) => c === "B").length, r.serial).toBe(8);
    // Neither ran to completion before the other started: the timer switched between them.
    expect(order.indexOf("B"), order.join("")).toBeLessThan(order.lastIndexOf("A"));
    expect(order.indexOf("A"), order.join("")).toBeLessThan(order.lastIndexOf("B"));
    let switches = 0;
    for (let i = 1; i < order.length; i++) if (order[i] !== order[i - 1]) switches++;
    expect(switches).toBeGreaterThanOrEqual(2);
    expect(r.lines).toContain('kernel: thread 2 "alpha" exited with status 0');
    expect(r.lines).toContain('kernel: thread 3 "beta" exited with status 0');
  });
});

describe("user state that sysenter keeps (flags, data segments) cannot hurt the kernel", () => {
  for (const kind of ["tf-syscall", "nt-yield", "null-ds"]) {
    it(kind, async () => {
      const r = await boot({ modules: [ROOT, { program: "faulter", args: `faulter ${kind}` }, { program: "printer", args: "survivor 3 300000 lines" }] });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      expect(r.serial).toContain(`faulter: survived ${kind}`);
      expect(r.lines).toContain('kernel: thread 2 "faulter" exited with status 0');
      expect(r.lines).toContain('kernel: thread 3 "survivor" exited with status 0');
      expect(r.serial).not.toContain("PANIC");
      // QEMU's TCG does not fault on a null data segment, so the proof that the kernel
      // never runs on the user's DS is that it hands back its own flat selector.
      if (kind === "null-ds") expect(r.serial).toContain("faulter: ds after the system call 0x00000023");
    });
  }
});

describe("user faults stop only the faulting thread", () => {
  for (const c of CASES) {
    it(`${c.kind}: vector ${c.vector} (${c.name})`, async () => {
      const r = await boot({ modules: [ROOT, { program: "faulter", args: `faulter ${c.kind}` }, SURVIVOR] });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      const line = faultLine(r);
      expect(line, r.serial).toBeDefined();
      const m = /^fault: thread 2 "faulter" vector (\d+) \(([^)]+)\) error (0x[0-9a-f]+) cr2 (0x[0-9a-f]{8}) eip (0x[0-9a-f]{8}): thread stopped$/.exec(line!);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBe(c.vector);
      expect(m![2]).toBe(c.name);
      if (c.error) expect(m![3]).toBe(c.error);
      if (c.cr2) expect(m![4]).toBe(c.cr2);
      if (c.vector !== 256) expect(parseInt(m![5], 16)).toBeGreaterThanOrEqual(0x400000);
      if (c.extra) expect(r.lines).toContain(c.extra);
      expect(r.lines).not.toContain("faulter: still alive after the fault");
      // The other thread carried on to the end (its own lines may be cut by kernel reports;
      // the kernel's exit line always starts a line).
      expect(r.lines).toContain('kernel: thread 3 "survivor" exited with status 0');
      expect(r.lines[r.lines.length - 2]).toBe("kernel: no threads left; stopping");
    });
  }
});

describe("user faults handled by a fault-handler thread: the fault arrives as seL4's fault message", () => {
  const GRANTED_ROOT = { program: "root", args: "root grant=1" };
  const hex = (v: string | number) => `0x${(typeof v === "string" ? parseInt(v, 16) : v >>> 0).toString(16).padStart(8, "0")}`;
  for (const c of CASES) {
    it(`${c.kind}: vector ${c.vector} (${c.name}) as a fault message`, async () => {
      const r = await boot({ modules: [GRANTED_ROOT, { program: "faulter", args: `faulter ${c.kind} handled` }, SURVIVOR] });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      const line = r.lines.find((l) => l.startsWith("faulter: handler got "));
      expect(line, r.serial).toBeDefined();
      if (c.vector === 14) {
        const m = /^faulter: handler got VMFault ip (0x[0-9a-f]{8}) addr (0x[0-9a-f]{8}) prefetch 0x00000000 fsr (0x[0-9a-f]{8})$/.exec(line!);
        expect(m, line).not.toBeNull();
        if (c.cr2) expect(m![2]).toBe(c.cr2);
        expect(m![3]).toBe(hex(c.error!));
      } else if (c.vector === 256) {
        const m = /^faulter: handler got UnknownSyscall ip (0x[0-9a-f]{8}) syscall (0x[0-9a-f]{8})$/.exec(line!);
        expect(m, line).not.toBeNull();
        expect(m![2]).toBe(hex(c.error!));
      } else {
        const m = /^faulter: handler got UserException ip (0x[0-9a-f]{8}) sp (0x[0-9a-f]{8}) number (0x[0-9a-f]{8}) code (0x[0-9a-f]{8})$/.exec(line!);
        expect(m, line).not.toBeNull();
        expect(parseInt(m![1], 16)).toBeGreaterThanOrEqual(0x400000);
        expect(m![3]).toBe(hex(c.vector));
        expect(m![4]).toBe(hex(c.error!));
      }
      // Nobody else was told: no kernel report, and both programs ran to their ends.
      expect(r.lines.filter((l) => l.startsWith("fault:"))).toEqual([]);
      expect(r.lines).not.toContain("faulter: still alive after the fault");
      expect(r.lines).toContain('kernel: thread 2 "faulter" exited with status 0');
      expect(r.lines).toContain('kernel: thread 3 "survivor" exited with status 0');
    });
  }
});
