// test/system/console.test.ts: the serial console under a host that reads
// slowly or late, and QEMU's own failures.
//
// The kernel must never go silent: when QEMU cannot write to its standard
// output, it keeps the UART busy, and the kernel waits instead of giving
// up. These boots put QEMU's standard output on a socket pair with small
// buffers and a slow reader (test/helpers/slow-reader.c), the two
// reproductions of the bug, and check that the whole log arrives, up to
// the kernel's last line, identical to a capture through a file.
import { describe, it, expect, beforeAll } from "vitest";
import { boot, bootWithSlowReader, comparableKernelLog, slowReaderBinary } from "../helpers/qemu.ts";

const LAST_LINE = "kernel: no threads left; stopping";
// The default boot: the root task alone, so the log is the same on every
// boot however the timer falls; about 1 KiB. A unix socket charges each
// of QEMU's one-byte writes a whole buffer's overhead, so the reader's
// socket (1 KiB asked, Linux's minimum of about 4.5 KiB granted) holds
// only a few bytes: the first reproduction moves about 60 bytes a second,
// and this boot takes some 20 s.
const MODULES = [{ program: "root", args: "root" }];

let reference: string[];

beforeAll(async () => {
  slowReaderBinary();
  const r = await boot({ modules: MODULES });
  expect(r.how, r.stderr + r.serial).toBe("poweroff");
  reference = comparableKernelLog(r);
  expect(reference[reference.length - 2]).toBe(LAST_LINE);
  expect(reference).toContain('root: hello from user mode, arguments "root"');
}, 120_000);

describe("a slow console loses nothing", () => {
  it("reads 256 bytes every 100 ms through 1 KiB socket buffers: the whole log arrives", async () => {
    const r = await bootWithSlowReader({ delayMs: 0, chunk: 256, intervalMs: 100, bufferBytes: 1024 }, { modules: MODULES, timeoutMs: 100_000 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(comparableKernelLog(r)).toEqual(reference);
    expect(r.serial).not.toMatch(/bytes of serial output lost/);
  });

  it("starts reading 3 s late: the whole log arrives", async () => {
    const r = await bootWithSlowReader({ delayMs: 3000, chunk: 65536, intervalMs: 0, bufferBytes: 1024 }, { modules: MODULES });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(comparableKernelLog(r)).toEqual(reference);
  });

  it("gets a panic's last line through a slow reader", async () => {
    const r = await bootWithSlowReader({ delayMs: 500, chunk: 128, intervalMs: 50, bufferBytes: 1024 }, { cmdline: "poweroff crash=divide" });
    expect(r.how, r.stderr + r.serial).toBe("panic");
    const log = comparableKernelLog(r);
    expect(log).toContain("PANIC: wasm trap 3: integer divide by zero");
    expect(log[log.length - 2]).toBe("kernel: stopped after a panic");
  });
});

describe("QEMU's own failures", () => {
  it("are not a power-off: a bad QEMU argument ends as qemu-failed with QEMU's message", async () => {
    const r = await boot({ extra: ["-device", "no-such-device"] });
    expect(r.how).toBe("qemu-failed");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no-such-device/);
  });

});
