// build/qemu.ts: how QEMU is started, for npm start, debug, bench and tests.
//
// Owns: the QEMU command line: machine, CPU model, memory, the accelerator
// choice, the serial port and the isa-debug-exit device.
// Accelerator (DESIGN.md, "QEMU accelerator"): TCG, unless the host CPU
// really has hardware virtualisation (vmx or svm in /proc/cpuinfo) and
// /dev/kvm is usable. A /dev/kvm without vmx/svm is a software KVM where a
// 32-bit guest runs ~1000x slower than TCG, so it is never chosen.
// TSOS_ACCEL=kvm or TSOS_ACCEL=tcg forces the choice.
// Exit status: the kernel writes v to the debug-exit port (0xF4); QEMU then
// exits with (v << 1) | 1. The kernel writes 0x10 on a clean power-off
// (exit 33) and 0x11 on a panic (exit 35), kernel/power.ts. Every other
// ending is QEMU's own: 1 for its errors (a bad -m, a gdb port in use), 0
// after a guest reset under -no-reboot (a triple fault) or a monitor
// "quit", or a signal. classifyExit tells them apart.
// Serial capture: a terminal gets "stdio"; everything that reads the output
// afterwards (tests, benchmarks) gets a file, which QEMU never finds full.

import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forcedAccel } from "./env.ts";

export const DEBUG_EXIT_PORT = 0xf4;
/** The values the kernel writes to the debug-exit port (kernel/power.ts). */
export const KERNEL_EXIT_OK = 0x10;
export const KERNEL_EXIT_PANIC = 0x11;
export const KERNEL_EXIT_FAILURE = 0x12;
/** QEMU's exit status for each. */
export const EXIT_POWEROFF = (KERNEL_EXIT_OK << 1) | 1;
export const EXIT_PANIC = (KERNEL_EXIT_PANIC << 1) | 1;
export const EXIT_FAILURE = (KERNEL_EXIT_FAILURE << 1) | 1;

/**
 * How a QEMU run ended: the kernel's clean power-off, its panic, a power-off
 * a user program asked for to report a failure (the in-OS test suite), or
 * anything else (QEMU failed).
 */
export type QemuEnding = "poweroff" | "panic" | "failure" | "qemu-failed";

export function classifyExit(code: number | null, signal: NodeJS.Signals | null = null): QemuEnding {
  if (signal === null && code === EXIT_POWEROFF) return "poweroff";
  if (signal === null && code === EXIT_PANIC) return "panic";
  if (signal === null && code === EXIT_FAILURE) return "failure";
  return "qemu-failed";
}

/** One line for a QEMU that failed: its status and the last lines it printed on stderr. */
export function describeQemuFailure(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : code === 0 ? "exited with status 0 (a guest reset or a monitor quit, not a power-off)" : `exited with status ${code}`;
  const said = stderr.trim().split("\n").filter((l) => l.trim() !== "").slice(-5).join("\n  ");
  return `qemu: failed: it ${how}${said ? `; it said:\n  ${said}` : " and printed nothing on stderr"}`;
}
/** The CPU model of DESIGN.md's seL4 measurements, less the 64-bit-only features that qemu-system-i386 warns about. */
export const CPU_MODEL = "core2duo,-lm,-syscall,+rdtscp";

export type { Accel } from "./env.ts";
import type { Accel } from "./env.ts";

export function hostHasHardwareVirt(): boolean {
  try {
    const flags = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("flags"))
      .join(" ");
    if (!/\b(vmx|svm)\b/.test(flags)) return false;
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function chooseAccel(env: NodeJS.ProcessEnv = process.env, hasVirt: () => boolean = hostHasHardwareVirt): Accel {
  return forcedAccel(env) ?? (hasVirt() ? "kvm" : "tcg");
}

export interface QemuOptions {
  iso: string;
  memoryMiB?: number;
  accel?: Accel;
  /** QEMU's -cpu, instead of the default model. */
  cpu?: string;
  /** -icount shift=0: rdtsc counts guest instructions exactly (TCG only). */
  icount?: boolean;
  /** Serial: "stdio" for a terminal, "mon:stdio" to also reach the monitor, or a file to write it to. */
  serial?: string | { file: string };
  /** Start paused with a gdb stub on this TCP port. */
  gdbPort?: number;
  extra?: string[];
}

export function qemuArgs(o: QemuOptions): string[] {
  const accel = o.accel ?? chooseAccel();
  const args = [
    "-machine", "pc",
    "-accel", accel,
    "-cpu", o.cpu ?? (accel === "kvm" ? "host" : CPU_MODEL),
    "-m", String(o.memoryMiB ?? 128),
    "-cdrom", o.iso,
    "-boot", "d",
    "-display", "none",
    ...serialArgs(o.serial ?? "stdio"),
    "-device", `isa-debug-exit,iobase=0x${DEBUG_EXIT_PORT.toString(16)},iosize=0x04`,
    // The HPET's timers may interrupt by MSI (FSB delivery), as on most real HPETs; QEMU's default is off.
    "-global", "hpet.msi=on",
    "-no-reboot",
  ];
  if (o.icount) {
    if (accel !== "tcg") throw new Error("-icount needs TCG");
    args.push("-icount", "shift=0");
  }
  if (o.gdbPort !== undefined) args.push("-S", "-gdb", `tcp::${o.gdbPort}`);
  return [...args, ...(o.extra ?? [])];
}

function serialArgs(serial: string | { file: string }): string[] {
  if (typeof serial === "string") return ["-serial", serial];
  if (/[,\s]/.test(serial.file)) throw new Error(`serial capture path must not contain commas or spaces: ${serial.file}`);
  return ["-chardev", `file,id=com1,path=${serial.file}`, "-serial", "chardev:com1"];
}

export interface CapturedRun {
  /** The kernel's power-off or panic; QEMU's failure; our timeout; or a stop the caller asked for. */
  ending: QemuEnding | "timeout" | "stopped";
  /** Everything the guest wrote to COM1, complete: QEMU wrote it to a file. */
  serial: string;
  /** QEMU's own messages. */
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CaptureOptions {
  /** Kill QEMU after this long; the run ends as "timeout". */
  timeoutMs: number;
  /**
   * Called with the serial output so far whenever it grew (polled every
   * 20 ms). Calling `stop` kills QEMU once the returned promise settles;
   * the run then ends as "stopped".
   */
  watch?: (serial: string, stop: (then?: () => Promise<void>) => void) => void;
  /** A directory for the capture file (default: a new one under the system temp directory, removed afterwards). */
  dir?: string;
  /** On a timeout, before QEMU is killed: what to add to stderr about where it stood (e.g. from its monitor). */
  diagnose?: () => Promise<string>;
}

/**
 * Boots QEMU with COM1 captured to a file and returns how it ended. The
 * arguments are qemuArgs' without a serial choice (`serial` is set here).
 */
export function runQemuCaptured(o: Omit<QemuOptions, "serial">, c: CaptureOptions): Promise<CapturedRun> {
  const dir = c.dir ?? mkdtempSync(join(tmpdir(), "tsos-qemu-"));
  const file = join(dir, "com1.log");
  const read = () => (existsSync(file) ? readFileSync(file, "latin1") : "");
  const child = spawn("qemu-system-i386", qemuArgs({ ...o, serial: { file } }), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  let timedOut = false;
  let stopping = false;
  let stopped = false;
  let stopError: unknown = null;
  const timer = setTimeout(() => {
    timedOut = true;
    const diagnosis = c.diagnose ? Promise.race([c.diagnose(), new Promise<string>((r) => setTimeout(() => r("(no answer in 5 s)"), 5000))]) : Promise.resolve("");
    diagnosis
      .catch((e) => `(diagnosis failed: ${e})`)
      .then((d) => {
        if (d) stderr += `\n[timed out after ${c.timeoutMs} ms; serial had ${read().length} bytes]\n${d}`;
        child.kill("SIGKILL");
      });
  }, c.timeoutMs);
  const stop = (then?: () => Promise<void>) => {
    if (stopping) return;
    stopping = true;
    (then ? then() : Promise.resolve())
      .catch((e) => (stopError = e))
      .finally(() => {
        stopped = true;
        child.kill("SIGKILL");
      });
  };
  let seen = 0;
  const poller = c.watch
    ? setInterval(() => {
        const s = read();
        if (s.length !== seen) {
          seen = s.length;
          if (!stopping) c.watch!(s, stop);
        }
      }, 20)
    : null;
  return new Promise((resolve, reject) => {
    child.on("error", (e) => {
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      reject(new Error(`cannot start qemu-system-i386: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      const serial = read();
      if (!c.dir) rmSync(dir, { recursive: true, force: true });
      if (stopError) return reject(stopError);
      const ending = timedOut ? "timeout" : stopped ? "stopped" : classifyExit(code, signal);
      resolve({ ending, serial, stderr, code, signal });
    });
  });
}
