// kernel/arch/x86/pit.ts: the 8253/8254 programmable interval timer.
//
// Owns: channel 0 as a periodic tick on IRQ 0 (mode 2, rate generator).
// Must not: count time or schedule (kernel/sched/).

import { outb } from "./intrinsics";

// @ts-ignore: decorator
@inline export const PIT_FREQUENCY: u32 = 1193182;
// @ts-ignore: decorator
@inline const PIT_CHANNEL0: u32 = 0x40;
// @ts-ignore: decorator
@inline const PIT_COMMAND: u32 = 0x43;

/** Sets the tick to `hz` (clamped to 19..10000); returns the rate really programmed, in mHz-free Hz. */
export function pitInit(hz: u32): u32 {
  const rate = hz < 19 ? 19 : hz > 10000 ? 10000 : hz;
  const divisor = PIT_FREQUENCY / rate;
  outb(PIT_COMMAND, 0x34); // channel 0, lobyte/hibyte, mode 2, binary
  outb(PIT_CHANNEL0, divisor & 0xFF);
  outb(PIT_CHANNEL0, (divisor >> 8) & 0xFF);
  return PIT_FREQUENCY / divisor;
}
