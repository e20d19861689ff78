// kernel/arch/x86/ioapic.ts: the IOAPICs: which pin's interrupt goes to which vector.
//
// Owns: every IOAPIC the MADT lists (kernel/arch/x86/acpi.ts), mapped a
// page each from KERNEL_IOAPIC_VADDR; at boot every pin masked with vector
// 0 and this CPU as its destination; mapping a pin to a vector with a
// trigger mode and polarity (left masked), and masking and unmasking it.
// A cached copy of each pin's low redirection word is kept, as seL4's
// ioredtbl_state, so masking is one register write.
// Registers (IOAPIC data sheet 3.1, 3.2.4): IOREGSEL at 0x00, IOWIN at
// 0x10; redirection entry n at index 0x10 + 2n (low: vector 7..0, trigger
// 15 (1 level), polarity 13 (1 low), mask 16) and 0x11 + 2n (high:
// destination APIC ID 31..24).
// Must not: decide which pins a user may have (kernel/object/irq.ts does).
//
// see: seL4 src/plat/pc99/machine/ioapic.c, facts only.

import { mmioRead32, mmioWrite32 } from "./intrinsics";
import { kernelMapDevice } from "./kernel-window";
import { KERNEL_IOAPIC_VADDR, PAGE_SIZE } from "./machine.gen";
import { MAX_IOAPICS, IOAPIC_PINS, acpiIoapicCount, acpiIoapicPhys } from "./acpi";

// @ts-ignore: decorator
@inline const IOREGSEL: u32 = 0x00;
// @ts-ignore: decorator
@inline const IOWIN: u32 = 0x10;
// @ts-ignore: decorator
@inline const REG_REDIRECTION: u32 = 0x10;
// @ts-ignore: decorator
@inline const LOW_MASKED: u32 = 1 << 16;
// @ts-ignore: decorator
@inline const LOW_LEVEL_SHIFT: u32 = 15;
// @ts-ignore: decorator
@inline const LOW_POLARITY_SHIFT: u32 = 13;
/** The reserved upper half of a low redirection word, which writes keep as they read it. */
// @ts-ignore: decorator
@inline const LOW_RESERVED: u32 = ~0xFFFF;
/** The high word's reserved bits, below the destination in 31..24. */
// @ts-ignore: decorator
@inline const HIGH_RESERVED: u32 = 0xFFFFFF;

let count: u32 = 0;
let destination: u32 = 0;
const lowState = memory.data(<i32>(MAX_IOAPICS * IOAPIC_PINS * 4), 4);

// @ts-ignore: decorator
@inline function base(ioapic: u32): usize {
  return <usize>(KERNEL_IOAPIC_VADDR + ioapic * PAGE_SIZE);
}

function regRead(ioapic: u32, reg: u32): u32 {
  mmioWrite32(base(ioapic) + IOREGSEL, reg);
  return mmioRead32(base(ioapic) + IOWIN);
}

function regWrite(ioapic: u32, reg: u32, v: u32): void {
  mmioWrite32(base(ioapic) + IOREGSEL, reg);
  mmioWrite32(base(ioapic) + IOWIN, v);
}

// @ts-ignore: decorator
@inline function stateAt(ioapic: u32, pin: u32): usize {
  return lowState + <usize>((ioapic * IOAPIC_PINS + pin) << 2);
}

/** Maps every IOAPIC and masks all its pins, delivering to the CPU with APIC ID `cpu`. */
export function ioapicInit(cpu: u32): void {
  count = acpiIoapicCount();
  destination = cpu;
  for (let a: u32 = 0; a < count; a++) {
    kernelMapDevice(KERNEL_IOAPIC_VADDR + a * PAGE_SIZE, acpiIoapicPhys(a), true);
    for (let pin: u32 = 0; pin < IOAPIC_PINS; pin++) {
      const high = REG_REDIRECTION + 2 * pin + 1;
      regWrite(a, high, (regRead(a, high) & HIGH_RESERVED) | (cpu << 24));
      const low = REG_REDIRECTION + 2 * pin;
      const v = LOW_MASKED | (regRead(a, low) & LOW_RESERVED); // the upper half is reserved: kept
      store<u32>(stateAt(a, pin), v);
      regWrite(a, low, v);
    }
  }
}

/** How many IOAPICs there are. */
export function ioapicCount(): u32 {
  return count;
}

/** Routes `pin` of `ioapic` to `vector` (level-triggered if `level`, active low if `low`), masked. */
export function ioapicMapPin(ioapic: u32, pin: u32, level: bool, low: bool, vector: u32): void {
  if (ioapic >= count || pin >= IOAPIC_PINS) return;
  const high = REG_REDIRECTION + 2 * pin + 1;
  regWrite(ioapic, high, (regRead(ioapic, high) & HIGH_RESERVED) | (destination << 24));
  const reg = REG_REDIRECTION + 2 * pin;
  const v = LOW_MASKED | ((level ? 1 : 0) << LOW_LEVEL_SHIFT) | ((low ? 1 : 0) << LOW_POLARITY_SHIFT) | (vector & 0xFF) |
    (regRead(ioapic, reg) & LOW_RESERVED);
  store<u32>(stateAt(ioapic, pin), v);
  regWrite(ioapic, reg, v);
}

/** Masks or unmasks `pin` of `ioapic` (nothing for a pin that does not exist, as seL4). */
export function ioapicMask(ioapic: u32, pin: u32, masked: bool): void {
  if (ioapic >= count || pin >= IOAPIC_PINS) return;
  const at = stateAt(ioapic, pin);
  const v = masked ? load<u32>(at) | LOW_MASKED : load<u32>(at) & ~LOW_MASKED;
  store<u32>(at, v);
  regWrite(ioapic, REG_REDIRECTION + 2 * pin, v);
}
