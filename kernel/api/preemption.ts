// kernel/api/preemption.ts: preemption points of long kernel operations.
//
// Owns: the decision, at a point where a long operation may stop (each
// deletion of a Revoke or of a CNode's slots, each chunk an untyped's reset
// clears), whether an interrupt is waiting. If one is, the operation
// returns Preempted with its progress kept in the objects themselves (the
// zombie being cleared, the untyped's watermark), the system call is
// restarted (kernel/api/invoke.ts moves EIP back to the sysenter), and the
// kernel leaves with interrupts enabled, so the interrupt is taken at once;
// when the thread runs again it re-executes the call, which goes on where
// it stopped. seL4 does the same (preemptionPoint, restartable
// invocations).
// The local APIC is asked every PREEMPTION_CHECK_INTERVAL points: reading
// its interrupt request register costs seven device-register reads.
// Must not: change any object.
//
// see: seL4 src/model/preemption.c, facts only.

import { lapicIrqPending } from "../arch/x86/lapic";
import { pathPreemptionPoint } from "../debug/path-stats";

// @ts-ignore: decorator
@inline export const PREEMPTION_CHECK_INTERVAL: u32 = 16;

/** Preemption points passed since boot: how much long work the kernel did. */
export let preemptionWork: u32 = 0;

/** True if an interrupt is pending: the operation must stop here and be restarted. */
export function preemptionPoint(): bool {
  preemptionWork++;
  pathPreemptionPoint();
  if ((preemptionWork & (PREEMPTION_CHECK_INTERVAL - 1)) != 0) return false;
  return lapicIrqPending();
}
