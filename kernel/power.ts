// kernel/power.ts: how the kernel stops the machine.
//
// Owns: the end of every boot: a clean stop after the kernel has nothing
// left to do, and the stop after a panic. With the `poweroff` command-line
// option the kernel writes a status to QEMU's isa-debug-exit device (port
// 0xF4; QEMU exits with (status << 1) | 1), which is how tests and npm start
// end. Without it, or if the device is absent (a real PC), the CPU halts
// with interrupts off.
// Before either, the console is finished: if serial bytes were ever lost,
// that is said on every console still working, and the UART is drained so
// the power-off cannot cut the last line.
// Must not: print anything but the console's loss report; callers say why
// they stop.

import { pathReport } from "./debug/path-stats";
import { outb, cli, hlt } from "./arch/x86/intrinsics";
import { serialDrain, serialLostBytes, serialState, SerialState } from "./drivers/serial";
import { putLineStart, puts, putLine } from "./console";
import { putDec32 } from "./lib/format";

// @ts-ignore: decorator
@inline export const DEBUG_EXIT_PORT: u32 = 0xF4;
// The values written to the debug-exit port. QEMU exits with (v << 1) | 1,
// so these give 33, 35 and 37: far from QEMU's own statuses (0 after a guest
// reset or a monitor "quit", 1 for its own errors) and from a shell's
// (2, 126, 127, 128 + signal). build/qemu.ts holds the host side, and
// test/build/qemu.test.ts checks the two agree.
// @ts-ignore: decorator
@inline export const EXIT_STATUS_OK: u32 = 0x10;
// @ts-ignore: decorator
@inline export const EXIT_STATUS_PANIC: u32 = 0x11;
/** A user program reported a failure (DebugPowerOff with a non-zero status: the in-OS test suite). */
// @ts-ignore: decorator
@inline export const EXIT_STATUS_FAILURE: u32 = 0x12;

let powerOffOnHalt = false;

/** Set from the `poweroff` command-line option once it has been parsed. */
export function setPowerOffOnHalt(on: bool): void {
  powerOffOnHalt = on;
}

export function powerOffRequested(): bool {
  return powerOffOnHalt;
}

/**
 * Reports lost serial output, if any, on VGA and on serial if it still
 * works; then waits until the UART has sent everything.
 */
export function finishConsole(): void {
  const lost = serialLostBytes();
  if (lost != 0) {
    putLineStart();
    puts("console: ");
    putDec32(lost);
    puts(lost == 1 ? " byte" : " bytes");
    putLine(serialState() == SerialState.Gone
      ? " of serial output lost: COM1 stopped answering"
      : " of serial output lost: written before COM1 was set up");
  }
  serialDrain();
}

/** Stops the machine for good: finishes the console, debug-exit with `status` if asked, then halt. */
export function haltSystem(status: u32): void {
  pathReport();
  finishConsole();
  if (powerOffOnHalt) outb(DEBUG_EXIT_PORT, status);
  cli();
  while (true) hlt();
}
