// build/v86.ts: how tsos is booted in v86, the third emulator (Node and the browser).
//
// Owns: the v86 machine both the Node system tests and the playground page
// start: its BIOS images (Debian's seabios package, build/setup.sh), the
// options tsos needs, and the default memory size.
// - acpi: true. Without it v86 hides the local APIC (CPUID.1:EDX bit 9
//   clear, no MADT) and boot/entry.S stops with "BOOT FAILED: CPU lacks
//   required features: APIC"; tsos needs the local APIC timer. QEMU always
//   has one. (This is the first thing v86 and QEMU disagree on.)
// - No isa-debug-exit device: the kernel's power-off write to port 0xF4 is
//   ignored, and it halts with interrupts off. v86 reports that hlt (its
//   "cpu-event-halt" event), and the kernel's last line before it says how
//   the boot ended (V86_ENDINGS); test/helpers/v86.ts ends a run there.
// - No HPET (nothing in v86 0.5.462 answers at 0xFED00000): the in-OS tests that need one fail
//   their first HPET check (test/system/v86.test.ts lists them). QEMU's pc
//   machine has one, with MSI (build/qemu.ts).
// Must not: import v86 itself (Node tests and the page each load their own build).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./stage.ts";

/** SeaBIOS and its VGA BIOS, as Debian's seabios package installs them. */
export const V86_BIOS = "/usr/share/seabios/bios.bin";
export const V86_VGA_BIOS = "/usr/share/seabios/vgabios-stdvga.bin";
/** v86's compiled CPU (the JIT's host side). */
export const V86_WASM = join(ROOT, "node_modules", "v86", "build", "v86.wasm");
export const V86_MEMORY_MIB = 128;

/** The options tsos needs beyond the images (see the header). */
export const V86_MACHINE = { acpi: true, disable_speaker: true, fastboot: true } as const;

/**
 * The kernel's last serial line for each way a boot ends (kernel/sched/scheduler.ts,
 * kernel/syscall.ts, kernel/panic.ts). Under v86 the machine then halts with
 * interrupts off instead of exiting; the power-off report (path statistics,
 * lost console bytes) may follow the line.
 */
export const V86_ENDINGS: { ending: "poweroff" | "failure" | "panic"; line: RegExp }[] = [
  { ending: "poweroff", line: /^kernel: no threads left; stopping$/m },
  { ending: "poweroff", line: /^kernel: halt requested by thread .*$/m },
  { ending: "poweroff", line: /^kernel: power-off requested by thread .*, reporting success$/m },
  { ending: "failure", line: /^kernel: power-off requested by thread .*, reporting a failure$/m },
  { ending: "failure", line: /^kernel: stopping$/m },
  { ending: "panic", line: /^kernel: stopped after a panic$/m },
];

/** Why v86 cannot run here, or null: the BIOS images and the npm package must be present. */
export function v86Missing(): string | null {
  for (const f of [V86_BIOS, V86_VGA_BIOS]) if (!existsSync(f)) return `${f} is missing: install Debian's seabios package (npm run setup)`;
  if (!existsSync(V86_WASM)) return `${V86_WASM} is missing: run npm ci`;
  return null;
}
