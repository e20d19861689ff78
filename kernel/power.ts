// kernel/power.ts: how the kernel stops the machine.
//
// Owns: the end of every boot: a clean stop after the kernel has nothing
// left to do, and the stop after a panic. With the `poweroff` command-line
// option the kernel writes a status to QEMU's isa-debug-exit device (port
// 0xF4; QEMU exits with (status << 1) | 1), which is how tests and npm start
// end. Without it, or if the device is absent (a real PC), the CPU halts
// with interrupts off.
// Must not: print; callers say why they stop.

import { outb, cli, hlt } from "./arch/x86/intrinsics";

// @ts-ignore: decorator
@inline export const DEBUG_EXIT_PORT: u32 = 0xF4;
// @ts-ignore: decorator
@inline export const EXIT_STATUS_OK: u32 = 0;
// @ts-ignore: decorator
@inline export const EXIT_STATUS_PANIC: u32 = 1;

let powerOffOnHalt = false;

/** Set from the `poweroff` command-line option once it has been parsed. */
export function setPowerOffOnHalt(on: bool): void {
  powerOffOnHalt = on;
}

export function powerOffRequested(): bool {
  return powerOffOnHalt;
}

/** Stops the machine for good: debug-exit with `status` if asked, then halt. */
export function haltSystem(status: u32): void {
  if (powerOffOnHalt) outb(DEBUG_EXIT_PORT, status);
  cli();
  while (true) hlt();
}
