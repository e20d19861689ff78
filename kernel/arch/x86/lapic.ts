// kernel/arch/x86/lapic.ts: the local APIC: interrupt delivery to the CPU, and the kernel's tick.
//
// Owns: enabling the local APIC (mapped at KERNEL_LAPIC_VADDR, uncached),
// its spurious vector, masking LINT0 (the 8259's line: the PIC is off),
// end-of-interrupt, whether an interrupt waits in the IRR (preemption
// points ask), and the periodic timer that is the kernel's preemption
// tick: calibrated once against PIT channel 2 at boot, as seL4 x86 does.
// Register offsets (Intel SDM vol. 3, 10.4.1, table 10-1): ID 0x20, TPR 0x80,
// EOI 0xB0, SVR 0xF0, IRR 0x200-0x270, LVT timer 0x320, LVT LINT0 0x350,
// LVT LINT1 0x360, LVT error 0x370, initial count 0x380, current count
// 0x390, divide configuration 0x3E0.
// Must not: drive any device behind the IOAPIC, or touch PIT channel 0
// (the PIT belongs to user mode once the kernel has calibrated).

import { mmioRead32, mmioWrite32, inb, outb, rdmsr } from "./intrinsics";
import { kernelMapDevice } from "./kernel-window";
import { KERNEL_LAPIC_VADDR } from "./machine.gen";
import { PIT_FREQUENCY } from "./pit";

// @ts-ignore: decorator
@inline const REG_ID: u32 = 0x20;
// @ts-ignore: decorator
@inline const REG_TPR: u32 = 0x80;
// @ts-ignore: decorator
@inline const REG_EOI: u32 = 0xB0;
// @ts-ignore: decorator
@inline const REG_SVR: u32 = 0xF0;
// @ts-ignore: decorator
@inline const REG_IRR: u32 = 0x200;
// @ts-ignore: decorator
@inline const REG_LVT_TIMER: u32 = 0x320;
// @ts-ignore: decorator
@inline const REG_LVT_LINT0: u32 = 0x350;
// @ts-ignore: decorator
@inline const REG_LVT_ERROR: u32 = 0x370;
// @ts-ignore: decorator
@inline const REG_TIMER_INITIAL: u32 = 0x380;
// @ts-ignore: decorator
@inline const REG_TIMER_CURRENT: u32 = 0x390;
// @ts-ignore: decorator
@inline const REG_TIMER_DIVIDE: u32 = 0x3E0;

// @ts-ignore: decorator
@inline const SVR_ENABLE: u32 = 1 << 8;
// @ts-ignore: decorator
@inline const LVT_MASKED: u32 = 1 << 16;
// @ts-ignore: decorator
@inline const LVT_TIMER_PERIODIC: u32 = 1 << 17;
/** Divide configuration 0b0011: the bus clock divided by 16. */
// @ts-ignore: decorator
@inline const DIVIDE_BY_16: u32 = 0x3;
// @ts-ignore: decorator
@inline const IA32_APIC_BASE: u32 = 0x1B;
// @ts-ignore: decorator
@inline const APIC_BASE_ENABLE: u32 = 1 << 11;

/** Vectors the kernel keeps: the spurious vector, the timer. */
// @ts-ignore: decorator
@inline export const LAPIC_SPURIOUS_VECTOR: u32 = 0xFF;

// PIT channel 2, as kernel/arch/x86/tsc.ts uses it (mode 0, gate through port 0x61).
// @ts-ignore: decorator
@inline const PIT_CHANNEL2: u32 = 0x42;
// @ts-ignore: decorator
@inline const PIT_COMMAND: u32 = 0x43;
// @ts-ignore: decorator
@inline const PORT_B: u32 = 0x61;
// @ts-ignore: decorator
@inline const CALIBRATE_US: u32 = 10000;
// @ts-ignore: decorator
@inline const MAX_POLLS: u32 = 50000000;

let apicTicksPer10ms: u32 = 0;

// @ts-ignore: decorator
@inline function read(reg: u32): u32 {
  return mmioRead32(<usize>(KERNEL_LAPIC_VADDR + reg));
}

// @ts-ignore: decorator
@inline function write(reg: u32, v: u32): void {
  mmioWrite32(<usize>(KERNEL_LAPIC_VADDR + reg), v);
}

/** The local APIC is on in IA32_APIC_BASE (CPUID said it exists; boot/entry.S checked). */
export function lapicGloballyEnabled(): bool {
  return (<u32>rdmsr(IA32_APIC_BASE) & APIC_BASE_ENABLE) != 0;
}

/** Maps the local APIC at physical `phys` and enables it: spurious vector, no priority threshold, LINT0 and errors masked. */
export function lapicInit(phys: u32): void {
  kernelMapDevice(KERNEL_LAPIC_VADDR, phys, true);
  write(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
  write(REG_TPR, 0);
  write(REG_LVT_LINT0, LVT_MASKED);
  write(REG_LVT_ERROR, LVT_MASKED);
  write(REG_LVT_TIMER, LVT_MASKED);
}

/** This CPU's local APIC ID (the IOAPIC's destination). */
export function lapicId(): u32 {
  return read(REG_ID) >>> 24;
}

/** End of interrupt: the in-service vector is done. */
// @ts-ignore: decorator
@inline export function lapicEoi(): void {
  write(REG_EOI, 0);
}

/** Is some interrupt (a vector from 0x20 up) waiting for the CPU to take it? */
export function lapicIrqPending(): bool {
  // IRR word 0 holds vectors 0-31, which are exceptions, never requested.
  for (let w: u32 = 1; w < 8; w++) if (read(REG_IRR + (w << 4)) != 0) return true;
  return false;
}

/**
 * Measures the timer's count rate (bus clock / 16) against PIT channel 2
 * over 10 ms. Returns counts per 10 ms, or 0 if the PIT never answered.
 */
function calibrate(): u32 {
  write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
  write(REG_LVT_TIMER, LVT_MASKED); // one-shot, masked: only counting
  const count = PIT_FREQUENCY / (1000000 / CALIBRATE_US);
  const portB = inb(PORT_B);
  outb(PORT_B, (portB & ~0x02) | 0x01); // speaker off, gate 2 on
  outb(PIT_COMMAND, 0xB0); // channel 2, lobyte/hibyte, mode 0
  outb(PIT_CHANNEL2, count & 0xFF);
  outb(PIT_CHANNEL2, (count >> 8) & 0xFF);
  write(REG_TIMER_INITIAL, 0xFFFFFFFF);
  let polls: u32 = 0;
  while ((inb(PORT_B) & 0x20) == 0) {
    if (++polls == MAX_POLLS) break;
  }
  const left = read(REG_TIMER_CURRENT);
  write(REG_TIMER_INITIAL, 0);
  outb(PORT_B, portB);
  return polls == MAX_POLLS ? 0 : 0xFFFFFFFF - left;
}

/**
 * Starts the periodic tick at `hz` on `vector`. Returns the timer's
 * count rate in counts per second (0 if calibration failed: then a
 * fixed count is used, and the rate is not known).
 */
export function lapicTimerStart(hz: u32, vector: u32): u64 {
  apicTicksPer10ms = calibrate();
  const per10ms = apicTicksPer10ms != 0 ? apicTicksPer10ms : 1000000;
  const countPerTick = <u32>((<u64>per10ms * 100) / <u64>hz);
  write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
  write(REG_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
  write(REG_TIMER_INITIAL, countPerTick > 0 ? countPerTick : 1);
  return <u64>apicTicksPer10ms * 100;
}
