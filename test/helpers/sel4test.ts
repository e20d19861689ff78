// test/helpers/sel4test.ts: one boot of the in-OS test suite and its verdict, for both fast-path modes.
//
// Owns: what "the suite passed" means (test/system/sel4test.test.ts boots it
// with the IPC fast path on, test/system/sel4test-slowpath.test.ts with the
// boot option nofastpath): the clean power-off, the summary, and a "pass"
// line for every test the program lists (read from
// userland/sel4test/main.ts, so a test that silently stopped running would
// be missed by nobody).
import { expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { boot } from "./qemu";
import type { SerialLog } from "./scenarios";
import { REPO_ROOT } from "./kernel-wasm";
import { SEL4TEST_MEMORY_MIB, SEL4TEST_MODULES } from "../../build/iso.ts";
export { SEL4TEST_MEMORY_MIB, SEL4TEST_MODULES };

export const SEL4TEST_NAMES = [...readFileSync(join(REPO_ROOT, "userland/sel4test/main.ts"), "utf8").matchAll(/return "([A-Za-z0-9_-]+)";/g)].map((m) => m[1]);


/** Boots the suite with `cmdline` and asserts that every test passed. */
export async function runSel4testSuite(cmdline: string): Promise<void> {
  const r = await boot({ cmdline, modules: SEL4TEST_MODULES, memoryMiB: SEL4TEST_MEMORY_MIB, timeoutMs: 480_000 });
  expectSuiteLog(r, cmdline);
}

/**
 * The suite's log, booted with `cmdline`: every test the program lists ran
 * and passed, but those in `failing` (name: the text of its first failed
 * check), which failed with that check; the summary and the power-off say
 * so, and the boot ended that way (`r.how`: "poweroff", or "failure").
 */
export function expectSuiteLog(r: SerialLog & { how: string }, cmdline: string, failing: Record<string, string> = {}): void {
  const NAMES = SEL4TEST_NAMES;
  expect(NAMES.length).toBeGreaterThanOrEqual(66);
  const expectedFails = Object.keys(failing);
  for (const name of expectedFails) expect(NAMES, name).toContain(name);
  const failed = r.lines.filter((l) => /^test \S+: FAIL/.test(l) || l.startsWith("fault:") || l.includes("stopped without a verdict"));
  expect(failed, r.serial.slice(-4000)).toEqual(expectedFails.map((name) => expect.stringMatching(new RegExp(`^test ${name}: FAIL: ${escape(failing[name])} \\(check \\d+ of \\d+, \\d+ failed\\)$`))));
  expect(r.how, r.serial.slice(-2000)).toBe(expectedFails.length === 0 ? "poweroff" : "failure");
  expect(r.lines).toContain(`sel4test: running ${NAMES.length} tests, each in a fresh process`);
  for (const name of NAMES.filter((n) => !(n in failing))) {
    expect(r.lines.some((l) => new RegExp(`^test ${name}: pass \\(\\d+ checks?\\)$`).test(l)), `test ${name}`).toBe(true);
  }
  // SYSCALL0006-snapshot: DebugSnapshot is a debug call that prints one line and returns.
  expect(r.lines.filter((l) => /^kernel: DebugSnapshot by thread \d+ "[^"]*": capDL snapshots are not supported; ignored$/.test(l)).length, "DebugSnapshot's kernel line").toBe(2);
  expect(r.lines.some((l) => /^fault: thread \d+ .* made unknown system call /.test(l)), "no unknown system call").toBe(false);
  // IOPORTS1000-com1-irq: a user-level driver wrote this line to COM1 itself, a byte per transmit interrupt.
  if (!("IOPORTS1000-com1-irq" in failing)) expect(r.lines, "the user-level UART driver's line").toContain("uart: written by a user-level driver, one byte per IRQ 4");
  const f = expectedFails.length;
  expect(r.lines).toContain(`sel4test: ${NAMES.length} tests: ${NAMES.length - f} passed, ${f} failed`);
  expect(r.lines).toContain(`kernel: power-off requested by thread 1 "root", reporting ${f === 0 ? "success" : "a failure"}`);
  expect(r.lines).toContain(cmdline.includes("nofastpath") ? "kernel: IPC fast path off (nofastpath)" : "kernel: IPC fast path on");
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
