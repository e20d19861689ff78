// test/system/threads.test.ts: user threads under QEMU: the root task,
// preemption between two programs, and every kind of user fault, each of
// which must stop only the faulting thread while another carries on.
// Boot module 0 is the root task; it starts every other module as a
// process (libs/user/process.ts) at priority 100 and ends, so the kernel
// numbers threads in creation order: root 1, module i thread i + 1.
import { describe, it, expect } from "vitest";
import { boot } from "../helpers/qemu.ts";
import {
  expectFaultReport, expectPreemption, expectSysenterStateSurvived, FAULT_CASES as CASES, PREEMPTION, ROOT_TASK as ROOT, SURVIVOR,
  SYSENTER_STATE_KINDS, sysenterStateModules,
} from "../helpers/scenarios.ts";

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
    const r = await boot({ ...PREEMPTION, timeoutMs: 60_000 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expectPreemption(r);
  });
});

describe("user state that sysenter keeps (flags, data segments) cannot hurt the kernel", () => {
  for (const kind of SYSENTER_STATE_KINDS) {
    it(kind, async () => {
      const r = await boot({ modules: sysenterStateModules(kind) });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      expectSysenterStateSurvived(r, kind);
    });
  }
});

describe("user faults stop only the faulting thread", () => {
  for (const c of CASES) {
    it(`${c.kind}: vector ${c.vector} (${c.name})`, async () => {
      const r = await boot({ modules: [ROOT, { program: "faulter", args: `faulter ${c.kind}` }, SURVIVOR] });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      expectFaultReport(r, 2, "faulter", c);
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
