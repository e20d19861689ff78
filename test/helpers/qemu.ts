// test/helpers/qemu.ts: boots an ISO in QEMU for system tests.
//
// Owns: running one QEMU with a hard timeout, capturing serial output, and
// classifying how it ended (power-off, panic exit, timeout, other).
// Every boot ends by itself: the kernel writes to the isa-debug-exit device,
// and if it does not, the timeout kills QEMU and the test fails with the
// serial output so far.

import { spawn } from "node:child_process";
import { connect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIso, BootModule } from "../../build/iso.ts";
import { qemuArgs, EXIT_POWEROFF, EXIT_PANIC } from "../../build/qemu.ts";

export interface BootResult {
  serial: string;
  /** Serial output split into lines, CR removed, GRUB's screen-control noise dropped. */
  lines: string[];
  how: "poweroff" | "panic" | "timeout" | "stopped" | "other";
  exitCode: number | null;
}

export interface BootOptions {
  cmdline?: string;
  /** Boot modules; default: the root task. */
  modules?: BootModule[];
  memoryMiB?: number;
  timeoutMs?: number;
  /** QEMU's -cpu, instead of the default model. */
  cpu?: string;
  /**
   * For boots that do not power off by design: once the serial output
   * matches, run `atStop` (with the HMP monitor) and stop QEMU.
   */
  stopWhen?: RegExp;
  atStop?: (monitor: (command: string) => Promise<string>) => Promise<void>;
  extra?: string[];
}

export function isoFor(cmdline: string, modules?: BootModule[]): string {
  return buildIso({ cmdline, modules });
}

// A minimal HMP client over a unix socket: sends one command, resolves with
// the text printed before the next "(qemu) " prompt.
async function openMonitor(path: string): Promise<{ send: (cmd: string) => Promise<string>; close: () => void }> {
  const sock = connect(path);
  let buf = "";
  let waiter: (() => void) | null = null;
  sock.on("data", (d) => {
    buf += d.toString("latin1");
    waiter?.();
  });
  const untilPrompt = () =>
    new Promise<string>((resolve) => {
      const check = () => {
        const i = buf.indexOf("(qemu) ");
        if (i >= 0) {
          const out = buf.slice(0, i);
          buf = buf.slice(i + 7);
          waiter = null;
          resolve(out);
        }
      };
      waiter = check;
      check();
    });
  await new Promise<void>((resolve, reject) => {
    sock.once("connect", () => resolve());
    sock.once("error", reject);
  });
  await untilPrompt();
  return {
    send: async (cmd: string) => {
      sock.write(cmd + "\n");
      return untilPrompt();
    },
    close: () => sock.destroy(),
  };
}

export function boot(opts: BootOptions = {}): Promise<BootResult> {
  const iso = isoFor(opts.cmdline ?? "poweroff", opts.modules);
  const dir = mkdtempSync(join(tmpdir(), "tsos-qemu-"));
  const monitorPath = join(dir, "monitor.sock");
  const extra = [...(opts.extra ?? []), "-monitor", `unix:${monitorPath},server,nowait`];
  const args = qemuArgs({ iso, accel: "tcg", memoryMiB: opts.memoryMiB ?? 128, extra });
  if (opts.cpu) args[args.indexOf("-cpu") + 1] = opts.cpu;
  const child = spawn("qemu-system-i386", args, { stdio: ["ignore", "pipe", "pipe"] });
  let serial = "";
  let stopping = false;
  let stopped = false;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs ?? 30_000);
  const stop = async () => {
    stopping = true;
    try {
      const mon = await openMonitor(monitorPath);
      if (opts.atStop) await opts.atStop(mon.send);
      mon.close();
    } finally {
      stopped = true;
      child.kill("SIGKILL");
    }
  };
  let stopError: unknown = null;
  child.stdout.on("data", (d) => {
    serial += d.toString("latin1");
    if (opts.stopWhen && !stopping && opts.stopWhen.test(serial)) stop().catch((e) => (stopError = e));
  });
  child.stderr.on("data", () => {});
  return new Promise((resolve, reject) => {
    // "close", not "exit": exit can come before the last serial output is read.
    child.on("close", (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      if (stopError) return reject(stopError);
      const how = timedOut ? "timeout" : stopped ? "stopped" : code === EXIT_POWEROFF ? "poweroff" : code === EXIT_PANIC ? "panic" : "other";
      const lines = serial
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
        .split("\n")
        .map((l) => l.replace(/\r/g, ""));
      resolve({ serial, lines, how, exitCode: code });
    });
  });
}
