// kernel/arch/x86/idt.ts: the interrupt descriptor table.
//
// Owns: 256 interrupt gates, one per stub in vectors.gen.S (build/vectors.ts),
// all on the kernel code segment. Interrupt gates clear IF, so the kernel
// always runs with interrupts off. Only vector 3 (int3) may be raised from
// ring 3 (DPL 3), so a breakpoint reports as one; any other `int n` from
// user mode, `int 0x80` included, raises #GP and takes the fault path.
// Gate layout (Intel SDM vol. 3, 6.11): offset 15:0, selector, 0, type/attr, offset 31:16.
// Must not: decide what a vector means (kernel/trap.ts).

import { lidt, kernelLayout, LAYOUT_VECTOR_TABLE } from "./intrinsics";
import { SEL_KERNEL_CS } from "./gdt";

// @ts-ignore: decorator
@inline const GATE_INTERRUPT_DPL0: u32 = 0x8E;
// @ts-ignore: decorator
@inline const GATE_INTERRUPT_DPL3: u32 = 0xEE;

const idt = memory.data(256 * 8, 16);
const idtr = memory.data(8, 8);

export function idtInit(): void {
  const stubs = <usize>kernelLayout(LAYOUT_VECTOR_TABLE);
  for (let v: u32 = 0; v < 256; v++) {
    const handler = load<u32>(stubs + <usize>(v * 4));
    const g = idt + <usize>(v * 8);
    store<u16>(g, <u16>(handler & 0xFFFF), 0);
    store<u16>(g, <u16>SEL_KERNEL_CS, 2);
    store<u8>(g, 0, 4);
    store<u8>(g, <u8>(v == 3 ? GATE_INTERRUPT_DPL3 : GATE_INTERRUPT_DPL0), 5);
    store<u16>(g, <u16>(handler >> 16), 6);
  }
  store<u16>(idtr, 256 * 8 - 1, 0);
  store<u32>(idtr, <u32>idt, 2);
  lidt(idtr);
}
