// kernel/arch/x86/pic.ts: the two 8259A interrupt controllers.
//
// Owns: remapping IRQ 0-15 to vectors 0x20-0x2F (away from CPU exceptions),
// masks, end-of-interrupt, and telling real IRQs from spurious ones: a
// spurious IRQ 7 or 15 has no bit in the in-service register and must not
// be acknowledged (except on the master, for a spurious IRQ 15).
// Must not: handle the devices behind the IRQs.

import { outb, inb } from "./intrinsics";

// @ts-ignore: decorator
@inline export const IRQ_BASE_VECTOR: u32 = 0x20;
// @ts-ignore: decorator
@inline const MASTER_CMD: u32 = 0x20;
// @ts-ignore: decorator
@inline const MASTER_DATA: u32 = 0x21;
// @ts-ignore: decorator
@inline const SLAVE_CMD: u32 = 0xA0;
// @ts-ignore: decorator
@inline const SLAVE_DATA: u32 = 0xA1;
// @ts-ignore: decorator
@inline const CMD_EOI: u32 = 0x20;
// @ts-ignore: decorator
@inline const CMD_READ_ISR: u32 = 0x0B;
// @ts-ignore: decorator
@inline const CMD_READ_IRR: u32 = 0x0A;

let spuriousCount: u32 = 0;
let mask: u32 = 0xFFFF;

function writeMask(): void {
  outb(MASTER_DATA, mask & 0xFF);
  outb(SLAVE_DATA, (mask >> 8) & 0xFF);
}

/** ICW1-ICW4: edge triggered, cascaded on IRQ 2, 8086 mode; all masked. */
export function picInit(): void {
  outb(MASTER_CMD, 0x11);
  outb(SLAVE_CMD, 0x11);
  outb(MASTER_DATA, IRQ_BASE_VECTOR);
  outb(SLAVE_DATA, IRQ_BASE_VECTOR + 8);
  outb(MASTER_DATA, 0x04); // slave on IRQ 2
  outb(SLAVE_DATA, 0x02);  // cascade identity
  outb(MASTER_DATA, 0x01);
  outb(SLAVE_DATA, 0x01);
  mask = 0xFFFF & ~(1 << 2); // the cascade line stays open
  writeMask();
}

export function picUnmask(irq: u32): void {
  mask &= ~(<u32>1 << irq);
  writeMask();
}

export function picMask(irq: u32): void {
  mask |= <u32>1 << irq;
  writeMask();
}

function inService(cmdPort: u32): u32 {
  outb(cmdPort, CMD_READ_ISR);
  return inb(cmdPort);
}

/**
 * True if `irq` is a spurious interrupt, which must be ignored. Handles the
 * acknowledgement that a spurious IRQ 15 still owes the master.
 */
export function picIsSpurious(irq: u32): bool {
  if (irq == 7 && (inService(MASTER_CMD) & 0x80) == 0) {
    spuriousCount++;
    return true;
  }
  if (irq == 15 && (inService(SLAVE_CMD) & 0x80) == 0) {
    outb(MASTER_CMD, CMD_EOI);
    spuriousCount++;
    return true;
  }
  return false;
}

export function picEndOfInterrupt(irq: u32): void {
  if (irq >= 8) outb(SLAVE_CMD, CMD_EOI);
  outb(MASTER_CMD, CMD_EOI);
}

/** True if an IRQ that is not masked is waiting to be delivered (the request registers, OCW3). */
export function picIrqPending(): bool {
  outb(MASTER_CMD, CMD_READ_IRR);
  const master = inb(MASTER_CMD) & ~mask & 0xFF;
  if ((master & ~(<u32>1 << 2)) != 0) return true; // the cascade line stands for the slave
  if ((mask & 0xFF00) == 0xFF00) return false;
  outb(SLAVE_CMD, CMD_READ_IRR);
  return (inb(SLAVE_CMD) & ~(mask >> 8) & 0xFF) != 0;
}

export function picSpuriousCount(): u32 {
  return spuriousCount;
}
