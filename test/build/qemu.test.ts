// test/build/qemu.test.ts: the QEMU command line and the accelerator choice.
import { describe, it, expect } from "vitest";
import { chooseAccel, qemuArgs } from "../../build/qemu.ts";

describe("accelerator choice", () => {
  it("uses TCG when the host has no vmx/svm, even if /dev/kvm exists", () => {
    expect(chooseAccel({}, () => false)).toBe("tcg");
  });
  it("uses KVM only with real hardware virtualisation", () => {
    expect(chooseAccel({}, () => true)).toBe("kvm");
  });
  it("obeys TSOS_ACCEL and rejects nonsense", () => {
    expect(chooseAccel({ TSOS_ACCEL: "tcg" }, () => true)).toBe("tcg");
    expect(chooseAccel({ TSOS_ACCEL: "kvm" }, () => false)).toBe("kvm");
    expect(() => chooseAccel({ TSOS_ACCEL: "hvf" }, () => false)).toThrow(/TSOS_ACCEL/);
  });
  it("on this machine picks TCG unless the CPU has vmx or svm", async () => {
    const { readFileSync } = await import("node:fs");
    const virt = /\b(vmx|svm)\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
    expect(chooseAccel({})).toBe(virt ? "kvm" : "tcg");
  });
});

describe("qemu arguments", () => {
  it("always has the debug-exit device, no reboot and the given memory", () => {
    const a = qemuArgs({ iso: "x.iso", accel: "tcg", memoryMiB: 256 }).join(" ");
    expect(a).toContain("-device isa-debug-exit,iobase=0xf4,iosize=0x04");
    expect(a).toContain("-no-reboot");
    expect(a).toContain("-m 256");
    expect(a).toContain("-accel tcg");
  });
  it("counts instructions only under TCG", () => {
    expect(qemuArgs({ iso: "x.iso", accel: "tcg", icount: true }).join(" ")).toContain("-icount shift=0");
    expect(() => qemuArgs({ iso: "x.iso", accel: "kvm", icount: true })).toThrow(/TCG/);
  });
  it("starts paused with a gdb stub for debugging", () => {
    expect(qemuArgs({ iso: "x.iso", accel: "tcg", gdbPort: 1234 }).join(" ")).toContain("-S -gdb tcp::1234");
  });
});
