// test/system/sel4test.test.ts: the in-OS test suite (userland/sel4test) passes, every test by name.
//
// Boots the root task with the test program as a boot module; the root
// task's driver (userland/root/sel4test-driver.ts) runs each test in a
// fresh process and powers off reporting success only if all passed. This
// test asserts the clean power-off, the summary, and a "pass" line for
// every test the program lists (test/helpers/sel4test.ts; the same run
// with the IPC fast path off is test/system/sel4test-slowpath.test.ts). A second
// boot runs the driver's hidden list instead (userland/sel4test/hidden.ts,
// module string "sel4test hidden") and asserts the failure path: a failed
// check's line, a test that faults before its verdict, the summary, and
// the power-off reporting a failure (QEMU status 37).
import { describe, expect, it } from "vitest";
import { boot } from "../helpers/qemu";
import { EXIT_FAILURE } from "../../build/qemu.ts";
import { SEL4TEST_NAMES, runSel4testSuite } from "../helpers/sel4test";

describe("the in-OS test suite", () => {
  it(`runs all ${SEL4TEST_NAMES.length} tests, each in its own process, and every one passes (IPC fast path on)`, async () => {
    await runSel4testSuite("poweroff");
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
