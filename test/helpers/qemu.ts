// test/helpers/qemu.ts: boots an ISO in QEMU for system tests.
//
// Owns: running one QEMU with a hard timeout, capturing serial output, and
// classifying how it ended (power-off, panic exit, timeout, other).
// Every boot ends by itself: the kernel writes to the isa-debug-exit device,
// and if it does not, the timeout kills QEMU and the test fails with the
// serial output so far.

import { spawn } from "node:child_process";
import { buildIso } from "../../build/iso.ts";
import { qemuArgs, EXIT_POWEROFF, EXIT_PANIC } from "../../build/qemu.ts";

export interface BootResult {
  serial: string;
  /** Serial output split into lines, CR removed, GRUB's screen-control noise dropped. */
  lines: string[];
  how: "poweroff" | "panic" | "timeout" | "other";
  exitCode: number | null;
}

export interface BootOptions {
  cmdline?: string;
  memoryMiB?: number;
  timeoutMs?: number;
  extra?: string[];
}

export function isoFor(cmdline: string): string {
  return buildIso({ cmdline });
}

export function boot(opts: BootOptions = {}): Promise<BootResult> {
  const iso = isoFor(opts.cmdline ?? "poweroff");
  const args = qemuArgs({ iso, accel: "tcg", memoryMiB: opts.memoryMiB ?? 128, extra: opts.extra });
  const child = spawn("qemu-system-i386", args, { stdio: ["ignore", "pipe", "pipe"] });
  let serial = "";
  child.stdout.on("data", (d) => (serial += d.toString("latin1")));
  child.stderr.on("data", () => {});
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(timer);
      const how = timedOut ? "timeout" : code === EXIT_POWEROFF ? "poweroff" : code === EXIT_PANIC ? "panic" : "other";
      const lines = serial
        .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
        .split("\n")
        .map((l) => l.replace(/\r/g, ""));
      resolve({ serial, lines, how, exitCode: code });
    });
  });
}
