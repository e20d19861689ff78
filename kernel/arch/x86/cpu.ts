// kernel/arch/x86/cpu.ts: CPU features and the sysenter MSRs.
//
// Owns: the one-time setup of SYSENTER_CS/ESP/EIP. SYSENTER_ESP holds the
// address of TSS.esp0, not a stack: the entry stub loads esp from there,
// which is the end of the current thread's saved context. So the MSR is
// written once, never on a context switch.
// Must not: touch per-thread state.

import { wrmsr, kernelLayout, LAYOUT_SYSENTER_ENTRY } from "./intrinsics";
import { SEL_KERNEL_CS, tssEsp0Address } from "./gdt";

// @ts-ignore: decorator
@inline const MSR_SYSENTER_CS: u32 = 0x174;
// @ts-ignore: decorator
@inline const MSR_SYSENTER_ESP: u32 = 0x175;
// @ts-ignore: decorator
@inline const MSR_SYSENTER_EIP: u32 = 0x176;

export function sysenterInit(): void {
  wrmsr(MSR_SYSENTER_CS, SEL_KERNEL_CS);
  wrmsr(MSR_SYSENTER_ESP, tssEsp0Address());
  wrmsr(MSR_SYSENTER_EIP, <u32>kernelLayout(LAYOUT_SYSENTER_ENTRY));
}
