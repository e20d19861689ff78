// test/system/sel4test.test.ts: the in-OS test suite (userland/sel4test) passes, every test by name.
//
// Boots the root task with the test program as a boot module; the root
// task's driver (userland/root/sel4test-driver.ts) runs each test in a
// fresh process and powers off reporting success only if all passed. This
// test asserts the clean power-off, the summary, and a "pass" line for
// every test the program lists (read from userland/sel4test/main.ts, so a
// test that silently stopped running would be missed by nobody). A second
// boot runs the driver's hidden list instead (userland/sel4test/hidden.ts,
// module string "sel4test hidden") and asserts the failure path: a failed
// check's line, a test that faults before its verdict, the summary, and
// the power-off reporting a failure (QEMU status 37).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { boot } from "../helpers/qemu";
import { EXIT_FAILURE } from "../../build/qemu.ts";
import { REPO_ROOT } from "../helpers/kernel-wasm";

const NAMES = [...readFileSync(join(REPO_ROOT, "userland/sel4test/main.ts"), "utf8").matchAll(/return "([A-Za-z0-9_-]+)";/g)].map((m) => m[1]);

describe("the in-OS test suite", () => {
  it(`runs all ${NAMES.length} tests, each in its own process, and every one passes`, async () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(66);
    const r = await boot({ modules: [{ program: "root", args: "root" }, { program: "sel4test", args: "sel4test" }], memoryMiB: 256, timeoutMs: 480_000 });
    const failed = r.lines.filter((l) => /^test \S+: FAIL/.test(l) || l.startsWith("fault:") || l.includes("stopped without a verdict"));
    expect(failed, r.serial.slice(-4000)).toEqual([]);
    expect(r.how, r.serial.slice(-2000)).toBe("poweroff");
    expect(r.lines).toContain(`sel4test: running ${NAMES.length} tests, each in a fresh process`);
    for (const name of NAMES) {
      expect(r.lines.some((l) => new RegExp(`^test ${name}: pass \\(\\d+ checks?\\)$`).test(l)), `test ${name}`).toBe(true);
    }
    // SYSCALL0006-snapshot: DebugSnapshot is a debug call that prints one line and returns.
    expect(r.lines.filter((l) => /^kernel: DebugSnapshot by thread \d+ "[^"]*": capDL snapshots are not supported; ignored$/.test(l)).length, "DebugSnapshot's kernel line").toBe(2);
    expect(r.lines.some((l) => l.startsWith("kernel: unknown system call")), "no unknown system call").toBe(false);
    // IOPORTS1000-com1-irq: a user-level driver wrote this line to COM1 itself, a byte per transmit interrupt.
    expect(r.lines, "the user-level UART driver's line").toContain("uart: written by a user-level driver, one byte per IRQ 4");
    expect(r.lines).toContain(`sel4test: ${NAMES.length} tests: ${NAMES.length} passed, 0 failed`);
    expect(r.lines).toContain('kernel: power-off requested by thread 1 "root", reporting success');
  }, 600_000);

  it("reports a failing test, a test that stops without a verdict, and powers off reporting a failure (the hidden list)", async () => {
    const r = await boot({ modules: [{ program: "root", args: "root" }, { program: "sel4test", args: "sel4test hidden" }], memoryMiB: 256, timeoutMs: 120_000 });
    const tail = r.serial.slice(-4000);
    expect(r.how, tail).toBe("failure");
    expect(r.exitCode, tail).toBe(EXIT_FAILURE);
    expect(EXIT_FAILURE).toBe(37);
    expect(r.lines, tail).toContain("sel4test: running 3 hidden tests (the driver's failure path, not the suite), each in a fresh process");
    expect(r.lines, tail).toContain("test HIDDEN-fails: FAIL: one is two (false on purpose): got 0x00000001, expected 0x00000002 (check 2 of 3, 1 failed)");
    expect(r.lines, tail).toContain("test HIDDEN-passes: pass (2 checks)");
    const fault = r.lines.findIndex((l) => /^fault: thread \d+ .* cr2 0x00000010 .*: thread stopped$/.test(l));
    const stopped = r.lines.indexOf("sel4test: test 2: FAIL: the test process stopped without a verdict (see the kernel's report above)");
    expect(fault, tail).toBeGreaterThan(0);
    expect(stopped, tail).toBeGreaterThan(fault);
    expect(r.lines.some((l) => l.startsWith("test HIDDEN-faults:")), "the faulting test printed a verdict").toBe(false);
    expect(r.lines.filter((l) => /^test /.test(l) && !l.startsWith("test HIDDEN-")), "a suite test ran").toEqual([]);
    expect(r.lines, tail).toContain("sel4test: 3 tests: 1 passed, 2 failed");
    expect(r.lines, tail).toContain('kernel: power-off requested by thread 1 "root", reporting a failure');
  }, 180_000);
});
