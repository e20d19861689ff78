// kernel/arch/x86/tsc.ts: the time stamp counter's frequency.
//
// Owns: measuring the TSC against PIT channel 2 once at boot, for the
// TSC-frequency extra BootInfo chunk (seL4's x86 user libraries need it
// to turn TSC ticks into time). Channel 2 counts down in mode 0 with its
// gate raised through port 0x61; its output (port 0x61 bit 5) rises when
// the count reaches zero.
// Must not: touch channel 0 (the scheduler's tick, kernel/arch/x86/pit.ts)
// or run after boot.

import { inb, outb, rdtsc } from "./intrinsics";
import { PIT_FREQUENCY } from "./pit";

// @ts-ignore: decorator
@inline const PIT_CHANNEL2: u32 = 0x42;
// @ts-ignore: decorator
@inline const PIT_COMMAND: u32 = 0x43;
// @ts-ignore: decorator
@inline const PORT_B: u32 = 0x61;
/** The measurement lasts this long. */
// @ts-ignore: decorator
@inline const MEASURE_US: u32 = 10000;
/** A bound on polls of the PIT's output, so a machine without one cannot hang the boot. */
// @ts-ignore: decorator
@inline const MAX_POLLS: u32 = 50000000;

/** The TSC's frequency in MHz, or 0 if the PIT's channel 2 never fired. */
export function tscMeasureMHz(): u32 {
  const count = PIT_FREQUENCY / (1000000 / MEASURE_US); // ticks in MEASURE_US
  const portB = inb(PORT_B);
  outb(PORT_B, (portB & ~0x02) | 0x01); // speaker off, gate 2 on
  outb(PIT_COMMAND, 0xB0); // channel 2, lobyte/hibyte, mode 0, binary
  outb(PIT_CHANNEL2, count & 0xFF);
  outb(PIT_CHANNEL2, (count >> 8) & 0xFF);
  const start = rdtsc();
  let polls: u32 = 0;
  while ((inb(PORT_B) & 0x20) == 0) {
    if (++polls == MAX_POLLS) {
      outb(PORT_B, portB);
      return 0;
    }
  }
  const ticks = <u32>(rdtsc() - start); // 10 ms: below 2^32 up to 429 GHz
  outb(PORT_B, portB);
  return ticks / MEASURE_US;
}
