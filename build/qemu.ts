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
// exits with (v << 1) | 1. The kernel writes 0 on a clean power-off (exit 1)
// and 1 on a panic (exit 3).

import { accessSync, constants, readFileSync } from "node:fs";

export const DEBUG_EXIT_PORT = 0xf4;
export const EXIT_POWEROFF = 1;
export const EXIT_PANIC = 3;
/** The CPU model of DESIGN.md's seL4 measurements, less the 64-bit-only features that qemu-system-i386 warns about. */
export const CPU_MODEL = "core2duo,-lm,-syscall,+rdtscp";

export type Accel = "tcg" | "kvm";

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
  const forced = env.TSOS_ACCEL;
  if (forced === "kvm" || forced === "tcg") return forced;
  if (forced) throw new Error(`TSOS_ACCEL must be "kvm" or "tcg", not ${JSON.stringify(forced)}`);
  return hasVirt() ? "kvm" : "tcg";
}

export interface QemuOptions {
  iso: string;
  memoryMiB?: number;
  accel?: Accel;
  /** -icount shift=0: rdtsc counts guest instructions exactly (TCG only). */
  icount?: boolean;
  /** Serial: "stdio" for a terminal, "mon:stdio" to also reach the monitor. */
  serial?: string;
  /** Start paused with a gdb stub on this TCP port. */
  gdbPort?: number;
  extra?: string[];
}

export function qemuArgs(o: QemuOptions): string[] {
  const accel = o.accel ?? chooseAccel();
  const args = [
    "-machine", "pc",
    "-accel", accel,
    "-cpu", accel === "kvm" ? "host" : CPU_MODEL,
    "-m", String(o.memoryMiB ?? 128),
    "-cdrom", o.iso,
    "-boot", "d",
    "-display", "none",
    "-serial", o.serial ?? "stdio",
    "-device", `isa-debug-exit,iobase=0x${DEBUG_EXIT_PORT.toString(16)},iosize=0x04`,
    "-no-reboot",
  ];
  if (o.icount) {
    if (accel !== "tcg") throw new Error("-icount needs TCG");
    args.push("-icount", "shift=0");
  }
  if (o.gdbPort !== undefined) args.push("-S", "-gdb", `tcp::${o.gdbPort}`);
  return [...args, ...(o.extra ?? [])];
}
