// test/helpers/qemu.ts: boots an ISO in QEMU for system tests.
//
// Owns: running one QEMU with a hard timeout, capturing serial output, and
// classifying how it ended (power-off, panic exit, timeout, stopped, QEMU
// failure). Serial output goes to a file (build/qemu.ts runQemuCaptured),
// which QEMU never finds full, so a busy host cannot cut a capture short.
// Every boot ends by itself: the kernel writes to the isa-debug-exit device,
// and if it does not, the timeout kills QEMU and the test fails with the
// serial output so far.

import { execFileSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildIso, BootModule } from "../../build/iso.ts";
import type { KernelVariant } from "../../build/kernel.ts";
import { classifyExit, qemuArgs, runQemuCaptured } from "../../build/qemu.ts";
import { ROOT as REPO_ROOT } from "../../build/stage.ts";

export interface BootResult {
  serial: string;
  /** Serial output split into lines, CR removed, GRUB's screen-control noise dropped. */
  lines: string[];
  /** "qemu-failed": QEMU's own error (see stderr), never the kernel's doing. */
  how: "poweroff" | "panic" | "failure" | "timeout" | "stopped" | "qemu-failed";
  exitCode: number | null;
  /** What QEMU printed on its standard error. */
  stderr: string;
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
  /** The kernel variant (build/kernel.ts); default the standard one. */
  kernel?: KernelVariant;
}

export function isoFor(cmdline: string, modules?: BootModule[], kernel?: KernelVariant): string {
  return buildIso({ cmdline, modules, kernel });
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

/** Splits serial output into lines without CRs or terminal control sequences. */
export function serialLines(serial: string): string[] {
  return serial
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .split("\n")
    .map((l) => l.replace(/\r/g, ""));
}

export async function boot(opts: BootOptions = {}): Promise<BootResult> {
  const iso = isoFor(opts.cmdline ?? "poweroff", opts.modules, opts.kernel);
  const dir = mkdtempSync(join(tmpdir(), "tsos-qemu-"));
  const monitorPath = join(dir, "monitor.sock");
  const extra = [...(opts.extra ?? []), "-monitor", `unix:${monitorPath},server,nowait`];
  const qemu = { iso, accel: "tcg" as const, memoryMiB: opts.memoryMiB ?? 128, extra, cpu: opts.cpu };
  try {
    const r = await runQemuCaptured(qemu, {
      timeoutMs: opts.timeoutMs ?? 30_000,
      dir,
      // Where the guest stood when time ran out, for the failure message.
      diagnose: async () => {
        const mon = await openMonitor(monitorPath);
        try {
          return (await mon.send("info status")) + (await mon.send("info registers"));
        } finally {
          mon.close();
        }
      },
      watch: opts.stopWhen
        ? (serial, stop) => {
            if (!opts.stopWhen!.test(serial)) return;
            stop(async () => {
              const mon = await openMonitor(monitorPath);
              try {
                if (opts.atStop) await opts.atStop(mon.send);
              } finally {
                mon.close();
              }
            });
          }
        : undefined,
    });
    return { serial: r.serial, lines: serialLines(r.serial), how: r.ending, exitCode: r.code, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SlowReader {
  /** Milliseconds before the reader reads anything. */
  delayMs: number;
  /** Bytes per read. */
  chunk: number;
  /** Milliseconds between reads. */
  intervalMs: number;
  /** SO_SNDBUF and SO_RCVBUF of the socket pair (Linux's minimum applies). */
  bufferBytes: number;
}

const SLOW_READER_SOURCE = join(REPO_ROOT, "test/helpers/slow-reader.c");
const SLOW_READER = join(REPO_ROOT, "out/test-bin/slow-reader");

/** Builds test/helpers/slow-reader.c (once; again when the source is newer). */
export function slowReaderBinary(): string {
  if (!existsSync(SLOW_READER) || statSync(SLOW_READER).mtimeMs < statSync(SLOW_READER_SOURCE).mtimeMs) {
    mkdirSync(dirname(SLOW_READER), { recursive: true });
    const tmp = `${SLOW_READER}.${process.pid}.tmp`;
    execFileSync("gcc", ["-O2", "-Wall", "-Werror", "-o", tmp, SLOW_READER_SOURCE], { stdio: "pipe" });
    renameSync(tmp, SLOW_READER);
  }
  return SLOW_READER;
}

/**
 * Boots with COM1 on QEMU's standard output, read by a slow reader
 * (test/helpers/slow-reader.c): the way a sluggish terminal or log pipe
 * reads. QEMU then finds its output full and holds the UART busy; the
 * kernel must wait and lose nothing.
 */
export function bootWithSlowReader(reader: SlowReader, opts: { cmdline?: string; modules?: BootModule[]; timeoutMs?: number } = {}): Promise<BootResult> {
  const iso = isoFor(opts.cmdline ?? "poweroff", opts.modules);
  const args = qemuArgs({ iso, accel: "tcg", serial: "stdio" });
  const child = spawn(
    slowReaderBinary(),
    [String(reader.delayMs), String(reader.chunk), String(reader.intervalMs), String(reader.bufferBytes), "--", "qemu-system-i386", ...args],
    { stdio: ["ignore", "pipe", "pipe"], detached: true }, // its own process group, so a timeout stops QEMU too
  );
  let serial = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (serial += d.toString("latin1")));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid!, "SIGKILL"); // the reader and QEMU
  }, opts.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ending = classifyExit(code, signal);
      resolve({ serial, lines: serialLines(serial), how: timedOut ? "timeout" : ending, exitCode: code, stderr });
    });
  });
}

/** The kernel's first line. */
export const BANNER = "tsos 0.1.0: a capability microkernel in AssemblyScript (i386, Multiboot2)";

/**
 * The kernel's log from its banner on, less the lines that count timer
 * ticks and fast-path IPCs (they vary with the host's speed): for comparing two boots of a
 * single-threaded scenario. GRUB gives up on a serial port that stays
 * busy, so the banner may follow the remains of GRUB's output on its line.
 */
export function comparableKernelLog(r: BootResult): string[] {
  const i = r.lines.findIndex((l) => l.endsWith(BANNER));
  return (i < 0 ? [] : [BANNER, ...r.lines.slice(i + 1)])
    .filter((l) => !/^kernel: \d+ timer ticks, \d+ thread switches$/.test(l) && !/^kernel: IPC fast path (on|off): \d+ Calls and \d+ ReplyRecvs took it$/.test(l))
    .map((l) => l.replace(/^(boot: TSC |root: TSC frequency chunk, )\d+ MHz/, "$1<measured> MHz"));
}
