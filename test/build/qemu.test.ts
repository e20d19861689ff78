// test/build/qemu.test.ts: the QEMU command line, the accelerator choice,
// the exit-status scheme and the serial capture.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  chooseAccel, classifyExit, describeQemuFailure, qemuArgs, DEBUG_EXIT_PORT, EXIT_PANIC, EXIT_POWEROFF, EXIT_FAILURE, KERNEL_EXIT_OK, KERNEL_EXIT_PANIC, KERNEL_EXIT_FAILURE,
} from "../../build/qemu.ts";
import { ROOT } from "../../build/stage.ts";

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

describe("exit statuses", () => {
  it("tells the kernel's power-off and panic from every status of QEMU's own", () => {
    expect(classifyExit(EXIT_POWEROFF)).toBe("poweroff");
    expect(classifyExit(EXIT_PANIC)).toBe("panic");
    expect(classifyExit(EXIT_FAILURE)).toBe("failure");
    for (const code of [0, 1, 2, 3, 126, 127, 137, 255]) expect(classifyExit(code), String(code)).toBe("qemu-failed");
    expect(classifyExit(null, "SIGKILL")).toBe("qemu-failed");
    expect(classifyExit(EXIT_POWEROFF, "SIGTERM")).toBe("qemu-failed");
  });

  it("uses debug-exit values that cannot collide with QEMU's 0 and 1", () => {
    expect(EXIT_POWEROFF).toBe(33);
    expect(EXIT_PANIC).toBe(35);
    expect(EXIT_FAILURE).toBe(37);
    expect(new Set([EXIT_POWEROFF, EXIT_PANIC, EXIT_FAILURE, 0, 1]).size).toBe(5);
  });

  it("agrees with the values the kernel writes (kernel/power.ts)", () => {
    const power = readFileSync(join(ROOT, "kernel/power.ts"), "utf8");
    const value = (name: string) => Number(new RegExp(`export const ${name}: u32 = (0x[0-9A-Fa-f]+|\\d+);`).exec(power)![1]);
    expect(value("EXIT_STATUS_OK")).toBe(KERNEL_EXIT_OK);
    expect(value("EXIT_STATUS_PANIC")).toBe(KERNEL_EXIT_PANIC);
    expect(value("EXIT_STATUS_FAILURE")).toBe(KERNEL_EXIT_FAILURE);
    expect(value("DEBUG_EXIT_PORT")).toBe(DEBUG_EXIT_PORT);
  });

  it("names QEMU's failure with its status and its last words", () => {
    expect(describeQemuFailure(1, null, "qemu-system-i386: -m abc: Parameter 'size' expects a non-negative number below 2^64\n")).toBe(
      "qemu: failed: it exited with status 1; it said:\n  qemu-system-i386: -m abc: Parameter 'size' expects a non-negative number below 2^64",
    );
    expect(describeQemuFailure(0, null, "")).toMatch(/status 0 \(a guest reset or a monitor quit, not a power-off\) and printed nothing/);
    expect(describeQemuFailure(null, "SIGSEGV", "")).toMatch(/killed by SIGSEGV/);
  });
});

describe("serial capture", () => {
  it("writes COM1 to a file when asked, which QEMU never finds full", () => {
    const a = qemuArgs({ iso: "x.iso", accel: "tcg", serial: { file: "/tmp/x/com1.log" } });
    expect(a.join(" ")).toContain("-chardev file,id=com1,path=/tmp/x/com1.log -serial chardev:com1");
    expect(a).not.toContain("stdio");
    expect(() => qemuArgs({ iso: "x.iso", accel: "tcg", serial: { file: "/tmp/a,b" } })).toThrow(/commas/);
  });
});
