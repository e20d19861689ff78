// test/helpers/scenarios.ts: boot scenarios and what their serial logs must say, whichever emulator ran them.
//
// Owns: the expectations that QEMU's system tests (test/system/boot.test.ts,
// threads.test.ts) and v86's (test/system/v86.test.ts) share, so that the
// emulators are held to one list: the default boot's lines and memory map,
// the kernel's panic on a write to its own text, the user fault cases and
// the kernel's report of each, and the preemption scenario.
// Must not: boot anything (the callers do, each with its emulator's helper).

import { expect } from "vitest";
import { hex8, KERNEL_IMAGE_PHYS, KERNEL_VBASE } from "./layout.ts";
import { BANNER } from "./qemu.ts";
import type { BootModule } from "../../build/iso.ts";

/** What these checks read of a boot: its serial output, and that split into lines (serialLines). */
export interface SerialLog {
  serial: string;
  lines: string[];
}

/** The lines from the kernel's banner on. */
export function kernelLines(r: SerialLog): string[] {
  const i = r.lines.indexOf(BANNER);
  return i < 0 ? [] : r.lines.slice(i);
}

/** The memory map is well formed and adds up, and the kernel counted `ramMiB` of RAM. */
export function checkMemoryMap(r: SerialLog, ramMiB: number): void {
  const lines = kernelLines(r);
  const header = lines.indexOf("memory map:");
  expect(header).toBeGreaterThan(0);
  const regions = [];
  let i = header + 1;
  for (; /^  0x/.test(lines[i]); i++) {
    const m = /^  0x([0-9a-f]{9})-0x([0-9a-f]{9}) +(\d+) (B|KiB|MiB|GiB)  (.+)$/.exec(lines[i]);
    expect(m, lines[i]).not.toBeNull();
    regions.push({ base: parseInt(m![1], 16), end: parseInt(m![2], 16), type: m![5] });
  }
  const total = /^memory: (\d+) KiB available in (\d+) regions, RAM (\d+) MiB$/.exec(lines[i]);
  expect(total, lines[i]).not.toBeNull();
  const availableKiB = regions.filter((x) => x.type === "available").reduce((s, x) => s + (x.end - x.base + 1) / 1024, 0);
  expect(Number(total![1])).toBe(availableKiB);
  expect(Number(total![2])).toBe(regions.length);
  expect(Number(total![3])).toBe(ramMiB);
}

/** os.iso's boot (command line "poweroff", the root task) at `ramMiB`: banner, boot loader, module, memory map, the root task, the stop. */
export function expectDefaultBoot(r: SerialLog, ramMiB: number): void {
  const lines = kernelLines(r);
  expect(lines[0], r.serial).toBe(BANNER);
  expect(lines[1]).toMatch(/^boot: loader "GRUB 2\.\d+[^"]*", command line "poweroff"$/);
  expect(lines[2]).toMatch(/^boot: module 0 at 0x[0-9a-f]{8}-0x[0-9a-f]{8} "root"$/);
  expect(lines[3]).toBe("memory map:");
  expect(lines).toContain("  0x000000000-0x00009fbff     639 KiB  available");
  checkMemoryMap(r, ramMiB);
  expect(lines).toContain('root: hello from user mode, arguments "root"');
  expect(lines).toContain('kernel: thread 1 "root" exited with status 0');
  expect(lines[lines.length - 2]).toBe("kernel: no threads left; stopping");
}

/** The command line that makes the kernel write its own text page (kernel/main.ts's crash self-tests). */
export const WRITE_TEXT_CMDLINE = "poweroff crash=write-text";

/** The panic of WRITE_TEXT_CMDLINE: a register dump, the faulting symbol, a backtrace. */
export function expectWriteTextPanic(r: SerialLog): void {
  const lines = kernelLines(r);
  const head = lines.find((l) => l.startsWith("PANIC: kernel page fault"));
  expect(head, r.serial).toMatch(/^PANIC: kernel page fault \(vector 14, error 0x0003\) at 0x[0-9a-f]{8} (Z_kernelZ_kmain|w2c_kernel_main_\w+)\+0x[0-9a-f]+ kernel\/main\.ts:\d+$/);
  expect(lines.some((l) => /^eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8} $/.test(l))).toBe(true);
  expect(lines.some((l) => new RegExp(`^cr0=0x[0-9a-f]{8} cr2=${hex8(KERNEL_VBASE + KERNEL_IMAGE_PHYS + 0x40)} cr3=0x[0-9a-f]{8} cr4=0x[0-9a-f]{8} $`).test(l))).toBe(true);
  const bt = lines.indexOf("backtrace:");
  expect(bt).toBeGreaterThan(0);
  expect(lines.slice(bt + 1).some((l) => /^  0x[0-9a-f]{8} kernel_start\+0x[0-9a-f]+$/.test(l))).toBe(true);
  expect(lines).toContain("kernel: stopped after a panic");
}

export const ROOT_TASK: BootModule = { program: "root", args: "root" };

/** A user fault that userland/faulter causes, and how the kernel must report it. */
export interface FaultCase {
  kind: string;
  vector: number;
  name: string;
  error?: string;
  cr2?: string;
  extra?: string;
}

export const FAULT_CASES: FaultCase[] = [
  { kind: "unmapped", vector: 14, name: "page fault", error: "0x0004", cr2: "0x00000010" },
  { kind: "readonly", vector: 14, name: "page fault", error: "0x0007", cr2: "0x00400000" },
  { kind: "kernel-jump", vector: 14, name: "page fault", error: "0x0005", cr2: hex8(KERNEL_VBASE + KERNEL_IMAGE_PHYS) },
  { kind: "kernel-read", vector: 14, name: "page fault", error: "0x0005", cr2: hex8(KERNEL_VBASE + KERNEL_IMAGE_PHYS) },
  { kind: "cli", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "hlt", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "in", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "out", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "cr3", vector: 13, name: "general protection", error: "0x0000" },
  { kind: "ud2", vector: 6, name: "invalid opcode", error: "0x0000" },
  { kind: "divide", vector: 0, name: "divide error", error: "0x0000" },
  { kind: "int3", vector: 3, name: "breakpoint", error: "0x0000" },
  { kind: "int80", vector: 13, name: "general protection", error: "0x0402" },
  { kind: "bad-syscall", vector: 256, name: "unknown system call", error: "0xfffffc18", extra: "made unknown system call -1000" },
  { kind: "garbage", vector: 256, name: "unknown system call", error: "0x7a5c3e1f", extra: "made unknown system call 2052865567" },
  { kind: "bad-stack", vector: 14, name: "page fault", error: "0x0006", cr2: "0x0000000c" },
];

/** The program that outlives the faulters: it must run to its end. */
export const SURVIVOR: BootModule = { program: "printer", args: "survivor 3 20000 lines" };

/** The kernel's report of the fault of thread `thread` named `name`, checked against `c`. */
export function expectFaultReport(r: SerialLog, thread: number, name: string, c: FaultCase): void {
  const line = r.lines.find((l) => l.startsWith(`fault: thread ${thread} "${name}" vector `));
  expect(line, r.serial).toBeDefined();
  const m = /^fault: thread \d+ "[^"]*" vector (\d+) \(([^)]+)\) error (0x[0-9a-f]+) cr2 (0x[0-9a-f]{8}) eip (0x[0-9a-f]{8}): thread stopped$/.exec(line!);
  expect(m, line).not.toBeNull();
  expect(Number(m![1]), line).toBe(c.vector);
  expect(m![2], line).toBe(c.name);
  if (c.error) expect(m![3], line).toBe(c.error);
  if (c.cr2) expect(m![4], line).toBe(c.cr2);
  if (c.vector !== 256) expect(parseInt(m![5], 16), line).toBeGreaterThanOrEqual(0x400000);
  if (c.extra) expect(r.lines).toContain(`fault: thread ${thread} "${name}" ${c.extra}`);
}

/** Two busy programs at one priority, with a 1 ms tick: the timer must switch between them. */
export const PREEMPTION = {
  cmdline: "poweroff hz=1000",
  modules: [ROOT_TASK, { program: "printer", args: "alpha 8 2000000" }, { program: "printer", args: "beta 8 2000000" }],
};

/** PREEMPTION's log: both printers' marks interleave, and both end. */
export function expectPreemption(r: SerialLog): void {
  // Each printer prints one mark (A or B) per unit of busy work, never yielding.
  // The root task (priority 255) starts both, then ends; only then do they run.
  expect(r.serial).toContain('root: started module 2 "beta 8 2000000"');
  const start = r.serial.indexOf('kernel: thread 1 "root" exited with status 0');
  expect(start, r.serial).toBeGreaterThan(0);
  const end = r.serial.indexOf(" timer ticks, ", start);
  // Only the printers write upper-case A and B after the boot lines; a mark can land inside
  // another thread's "done" line, never the other way round.
  const order = [...r.serial.slice(r.serial.indexOf("\n", start), end)].filter((c) => c === "A" || c === "B");
  expect(order.filter((c) => c === "A").length, r.serial).toBe(8);
  expect(order.filter((c) => c === "B").length, r.serial).toBe(8);
  // Neither ran to completion before the other started: the timer switched between them.
  expect(order.indexOf("B"), order.join("")).toBeLessThan(order.lastIndexOf("A"));
  expect(order.indexOf("A"), order.join("")).toBeLessThan(order.lastIndexOf("B"));
  let switches = 0;
  for (let i = 1; i < order.length; i++) if (order[i] !== order[i - 1]) switches++;
  expect(switches).toBeGreaterThanOrEqual(2);
  expect(r.lines).toContain('kernel: thread 2 "alpha" exited with status 0');
  expect(r.lines).toContain('kernel: thread 3 "beta" exited with status 0');
}

/** Hostile but legal user state that sysenter keeps (userland/faulter): the thread must survive it. */
export const SYSENTER_STATE_KINDS = ["tf-syscall", "nt-yield", "null-ds"];

export function sysenterStateModules(kind: string): BootModule[] {
  return [ROOT_TASK, { program: "faulter", args: `faulter ${kind}` }, { program: "printer", args: "survivor 3 300000 lines" }];
}

/** The log of sysenterStateModules(kind): the faulter survived, and so did the kernel and the other program. */
export function expectSysenterStateSurvived(r: SerialLog, kind: string): void {
  expect(r.serial).toContain(`faulter: survived ${kind}`);
  expect(r.lines).toContain('kernel: thread 2 "faulter" exited with status 0');
  expect(r.lines).toContain('kernel: thread 3 "survivor" exited with status 0');
  expect(r.serial).not.toContain("PANIC");
  // QEMU's TCG does not fault on a null data segment, so the proof that the kernel
  // never runs on the user's DS is that it hands back its own flat selector.
  if (kind === "null-ds") expect(r.serial).toContain("faulter: ds after the system call 0x00000023");
}
