// kernel/arch/x86/pit.ts: the 8253/8254 programmable interval timer's one fact the kernel needs.
//
// Owns: the PIT's input clock. The kernel uses channel 2 only at boot, to
// measure the TSC (tsc.ts) and the local APIC timer (lapic.ts); channel 0
// and IRQ 0 are left to user mode (a user-level PIT driver, through IOPort
// and IRQHandler capabilities).
// Must not: program channel 0.

/** The PIT's input clock, in Hz. */
// @ts-ignore: decorator
@inline export const PIT_FREQUENCY: u32 = 1193182;
