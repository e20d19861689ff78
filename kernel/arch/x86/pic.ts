// kernel/arch/x86/pic.ts: the two 8259A interrupt controllers, switched off.
//
// Owns: taking the 8259 pair out of the way at boot. Interrupts reach the
// CPU through the IOAPIC and the local APIC (kernel/arch/x86/ioapic.ts,
// lapic.ts), as on seL4 x86; the 8259s are still initialised (BIOSes leave
// them in an unknown state) with their vectors moved to
// PIC_VECTOR_BASE..+15, clear of the exceptions and of every vector the
// kernel uses, and every line masked, the cascade too. The local APIC's
// LINT0, where their output would arrive, is masked as well, so even a
// spurious IRQ 7 or 15 cannot come; kernel/trap.ts ignores those vectors.
// Must not: unmask a line.

import { outb } from "./intrinsics";

/** Where the 8259s' vectors are moved to: above every vector the kernel hands out. */
// @ts-ignore: decorator
@inline export const PIC_VECTOR_BASE: u32 = 0xE0;
// @ts-ignore: decorator
@inline const MASTER_CMD: u32 = 0x20;
// @ts-ignore: decorator
@inline const MASTER_DATA: u32 = 0x21;
// @ts-ignore: decorator
@inline const SLAVE_CMD: u32 = 0xA0;
// @ts-ignore: decorator
@inline const SLAVE_DATA: u32 = 0xA1;

/** ICW1-ICW4 (edge triggered, cascaded on IRQ 2, 8086 mode, vectors at PIC_VECTOR_BASE), then every line masked. */
export function picDisable(): void {
  outb(MASTER_CMD, 0x11);
  outb(SLAVE_CMD, 0x11);
  outb(MASTER_DATA, PIC_VECTOR_BASE);
  outb(SLAVE_DATA, PIC_VECTOR_BASE + 8);
  outb(MASTER_DATA, 0x04); // slave on IRQ 2
  outb(SLAVE_DATA, 0x02);  // cascade identity
  outb(MASTER_DATA, 0x01);
  outb(SLAVE_DATA, 0x01);
  outb(MASTER_DATA, 0xFF);
  outb(SLAVE_DATA, 0xFF);
}
