// kernel/arch/x86/acpi.ts: what the kernel reads from ACPI at boot: the interrupt controllers.
//
// Owns: finding the MADT ("APIC") through the RSDP's RSDT, and taking from
// it the local APIC's address, every IOAPIC (its address and first global
// system interrupt) and the interrupt source overrides of the ISA IRQs
// (which GSI each of IRQ 0-15 arrives on, with its trigger mode and
// polarity). Tables the kernel window does not reach are read through a
// scratch page of the device region (kernel-window.ts). Without ACPI, or
// without a MADT, the PC defaults stand: one IOAPIC at its usual page with
// GSI base 0 (IOAPIC_PHYS), the local APIC at LAPIC_PHYS, ISA IRQ n on GSI n.
// Must not: run after boot, or trust a table's lengths beyond its checks
// (every read is bounded by the table's own length and a sane maximum).
//
// see: ACPI 6.4, 5.2.5 (RSDP), 5.2.7 (RSDT), 5.2.12 (MADT: 5.2.12.3
// IOAPIC, 5.2.12.5 interrupt source override, 5.2.12.8 local APIC address
// override). Facts only.

import { window, kernelMapDevice, KERNEL_DEVICE_REGION } from "./kernel-window";
import { KERNEL_WINDOW_SIZE, PAGE_SIZE, IOAPIC_PHYS, LAPIC_PHYS } from "./machine.gen";

/** The most IOAPICs the kernel drives (seL4's CONFIG_MAX_NUM_IOAPIC default is 1; a PC rarely has more). */
// @ts-ignore: decorator
@inline export const MAX_IOAPICS: u32 = 4;
/** Pins per IOAPIC (seL4's IOAPIC_IRQ_LINES). */
// @ts-ignore: decorator
@inline export const IOAPIC_PINS: u32 = 24;

// ISA IRQ flags, as the MADT's MPS INTI flags: polarity bits 1..0, trigger bits 3..2.
// @ts-ignore: decorator
@inline const INTI_POLARITY_LOW: u32 = 3;
// @ts-ignore: decorator
@inline const INTI_TRIGGER_LEVEL: u32 = 3 << 2;

/** The scratch page of the device region through which tables beyond the window are read. */
// @ts-ignore: decorator
@inline const SCRATCH: u32 = KERNEL_DEVICE_REGION;
/** Tables are read at most this far (a bound against a corrupt length). */
// @ts-ignore: decorator
@inline const MAX_TABLE: u32 = 0x10000;

let lapicPhys: u32 = LAPIC_PHYS;
let ioapicCount: u32 = 0;
const ioapicPhys = memory.data(MAX_IOAPICS * 4, 4);
const ioapicGsiBase = memory.data(MAX_IOAPICS * 4, 4);
/** Per ISA IRQ: its GSI, and whether it is level-triggered and active low. */
const isaGsi = memory.data(16 * 4, 4);
const isaLevel = memory.data(16, 1);
const isaLow = memory.data(16, 1);
let madtFound = false;
let scratchPage: u32 = 0xFFFFFFFF;

/** A 32-bit word of physical memory, read through the window or the scratch page. */
function peek32(phys: u32): u32 {
  if (<u64>phys + 4 <= <u64>KERNEL_WINDOW_SIZE) return load<u32>(window(phys));
  // A word may straddle two pages: read it byte by byte.
  let v: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) v |= peek8(phys + i) << (i * 8);
  return v;
}

function peek8(phys: u32): u32 {
  if (phys < KERNEL_WINDOW_SIZE) return load<u8>(window(phys));
  const page = phys & ~(PAGE_SIZE - 1);
  if (page != scratchPage) {
    kernelMapDevice(SCRATCH, page, false);
    scratchPage = page;
  }
  return load<u8>(<usize>(SCRATCH + (phys & (PAGE_SIZE - 1))));
}

function peek16(phys: u32): u32 {
  return peek8(phys) | (peek8(phys + 1) << 8);
}

/** Does the table at `phys` have the 4-byte `signature` and a checksum of 0? */
function tableValid(phys: u32, signature: u32): bool {
  if (peek32(phys) != signature) return false;
  const length = peek32(phys + 4);
  if (length < 36 || length > MAX_TABLE) return false;
  let sum: u32 = 0;
  for (let i: u32 = 0; i < length; i++) sum += peek8(phys + i);
  return (sum & 0xFF) == 0;
}

// "RSDT" and "APIC" as little-endian words.
// @ts-ignore: decorator
@inline const SIG_RSDT: u32 = 0x54445352;
// @ts-ignore: decorator
@inline const SIG_APIC: u32 = 0x43495041;

/**
 * Reads the MADT through the RSDP at physical `rsdp` (0: none). Returns
 * whether one was found; the defaults stand otherwise.
 */
export function acpiInit(rsdp: u32): bool {
  ioapicCount = 1;
  store<u32>(ioapicPhys, IOAPIC_PHYS);
  store<u32>(ioapicGsiBase, 0);
  for (let i: u32 = 0; i < 16; i++) {
    store<u32>(isaGsi + (<usize>i << 2), i);
    store<u8>(isaLevel + i, 0);
    store<u8>(isaLow + i, 0);
  }
  madtFound = false;
  if (rsdp == 0) return false;
  const rsdt = peek32(rsdp + 16);
  if (!tableValid(rsdt, SIG_RSDT)) return false;
  const entries = (peek32(rsdt + 4) - 36) >> 2;
  for (let i: u32 = 0; i < entries; i++) {
    const t = peek32(rsdt + 36 + (i << 2));
    if (tableValid(t, SIG_APIC)) {
      readMadt(t);
      madtFound = true;
      break;
    }
  }
  scratchPage = 0xFFFFFFFF;
  return madtFound;
}

function readMadt(madt: u32): void {
  const end = madt + peek32(madt + 4);
  lapicPhys = peek32(madt + 36);
  let ioapics: u32 = 0;
  let at = madt + 44;
  while (at + 2 <= end) {
    const type = peek8(at);
    const length = peek8(at + 1);
    if (length < 2 || at + length > end) break;
    if (type == 1 && length >= 12 && ioapics < MAX_IOAPICS) {
      store<u32>(ioapicPhys + (<usize>ioapics << 2), peek32(at + 4));
      store<u32>(ioapicGsiBase + (<usize>ioapics << 2), peek32(at + 8));
      ioapics++;
    } else if (type == 2 && length >= 10) {
      const source = peek8(at + 3);
      const flags = peek16(at + 8);
      if (peek8(at + 2) == 0 && source < 16) {
        store<u32>(isaGsi + (<usize>source << 2), peek32(at + 4));
        store<u8>(isaLevel + source, (flags & (3 << 2)) == INTI_TRIGGER_LEVEL ? 1 : 0);
        store<u8>(isaLow + source, (flags & 3) == INTI_POLARITY_LOW ? 1 : 0);
      }
    } else if (type == 5 && length >= 12) {
      if (peek32(at + 8) == 0) lapicPhys = peek32(at + 4); // a 64-bit address: only one below 4 GiB is usable
    }
    at += length;
  }
  if (ioapics != 0) ioapicCount = ioapics;
}

export function acpiMadtFound(): bool { return madtFound; }
export function acpiLapicPhys(): u32 { return lapicPhys; }
export function acpiIoapicCount(): u32 { return ioapicCount; }
export function acpiIoapicPhys(i: u32): u32 { return load<u32>(ioapicPhys + (<usize>i << 2)); }
export function acpiIoapicGsiBase(i: u32): u32 { return load<u32>(ioapicGsiBase + (<usize>i << 2)); }
/** The GSI ISA IRQ `irq` (0..15) arrives on. */
export function acpiIsaGsi(irq: u32): u32 { return load<u32>(isaGsi + (<usize>irq << 2)); }
export function acpiIsaLevel(irq: u32): bool { return load<u8>(isaLevel + irq) != 0; }
export function acpiIsaActiveLow(irq: u32): bool { return load<u8>(isaLow + irq) != 0; }
