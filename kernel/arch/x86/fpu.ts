// kernel/arch/x86/fpu.ts: FPU/SSE state per thread, switched lazily.
//
// Owns: the CPU's FPU setup (CR0.MP/NE set, EM clear; CR4.OSFXSR and
// OSXMMEXCPT), the FPU owner (the thread whose state is in the FPU
// registers now), CR0.TS, the #NM handler that moves state between the FPU
// and TCBs (the FXSAVE image at TCB_FPU_STATE, kernel/object/tcb.ts), the
// initial state a thread's first FPU instruction gets, and the counters
// printed at shutdown.
// The scheme (docs/RATIONALE.md, "Lazy FPU"): switching to a thread that
// does not own the FPU sets CR0.TS; its first FPU/SSE instruction raises
// #NM, which saves the owner's state, loads the thread's, and makes it the
// owner. Switching back to the owner clears TS again, so a thread that is
// the only FPU user takes exactly one #NM. CR0 is written only when TS must
// change, and nothing here runs when a system call returns to its caller.
// The CPU features (FXSR, SSE, SSE2) are checked by boot/entry.S.
// Must not: compute with floats (the kernel has none; build/wasmcheck.ts),
// or touch the FPU registers except through fxsave/fxrstor/fninit here.

import { readCr0, writeCr0, readCr4, writeCr4, clts, fninit, fxsave, fxrstor } from "./intrinsics";
import { TCB_FPU_FLAGS, TCB_FPU_STATE, TCB_FPU_USED, FPU_STATE_SIZE } from "../../object/tcb";

// Intel SDM vol. 3, 2.5 (control registers).
// @ts-ignore: decorator
@inline const CR0_MP: u32 = 1 << 1;  // monitor coprocessor: wait/fwait honour TS too
// @ts-ignore: decorator
@inline const CR0_EM: u32 = 1 << 2;  // emulation: would make every x87/SSE instruction #NM/#UD
// @ts-ignore: decorator
@inline const CR0_TS: u32 = 1 << 3;  // task switched: the next FPU/SSE instruction raises #NM
// @ts-ignore: decorator
@inline const CR0_NE: u32 = 1 << 5;  // native x87 errors (#MF), not the legacy IRQ 13
// @ts-ignore: decorator
@inline const CR4_OSFXSR: u32 = 1 << 9;      // the OS saves state with fxsave: SSE instructions allowed
// @ts-ignore: decorator
@inline const CR4_OSXMMEXCPT: u32 = 1 << 10; // unmasked SSE exceptions raise #XM (vector 19), not #UD

// The FXSAVE image (Intel SDM vol. 1, 10.5.1, table 10-2).
// @ts-ignore: decorator
@inline export const FXSAVE_FCW: usize = 0;    // u16 x87 control word
// @ts-ignore: decorator
@inline export const FXSAVE_MXCSR: usize = 24; // u32 SSE control and status
/** x87 control word after fninit: all exceptions masked, 64-bit precision, round to nearest. */
// @ts-ignore: decorator
@inline export const FCW_INITIAL: u16 = 0x037F;
/** MXCSR after reset: all exceptions masked, round to nearest, no FTZ/DAZ. */
// @ts-ignore: decorator
@inline export const MXCSR_INITIAL: u32 = 0x1F80;

/** What a thread's first FPU instruction sees: fninit's x87 state, MXCSR_INITIAL, zeroed XMM registers. */
const initialState = memory.data(<i32>FPU_STATE_SIZE, 16);

let owner: usize = 0;
/** CR0.TS as last written, so CR0 is written only when it must change. */
let tsSet: bool = false;
let deviceNotAvailableTraps: u32 = 0;
let stateSaves: u32 = 0;

/** Sets up the FPU for lazy switching: called once at boot, before any thread runs. */
export function fpuInit(): void {
  writeCr4(readCr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
  writeCr0((readCr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
  fninit(); // whatever the boot loader left in the x87 unit is gone
  memory.fill(initialState, 0, FPU_STATE_SIZE);
  store<u16>(initialState, FCW_INITIAL, FXSAVE_FCW);
  store<u32>(initialState, MXCSR_INITIAL, FXSAVE_MXCSR);
  owner = 0;
  deviceNotAvailableTraps = 0;
  stateSaves = 0;
  setTs();
}

// @ts-ignore: decorator
@inline function setTs(): void {
  writeCr0(readCr0() | CR0_TS);
  tsSet = true;
}

/** The thread whose FPU state is in the FPU registers, or 0. */
export function fpuOwner(): usize {
  return owner;
}

/**
 * The scheduler switches to `t` (not the thread that ran last): FPU
 * instructions trap unless `t` owns the FPU. Writes CR0 only on a change.
 */
// @ts-ignore: decorator
@inline export function fpuSwitchTo(t: usize): void {
  const ts = t != owner;
  if (ts != tsSet) {
    if (ts) setTs();
    else {
      clts();
      tsSet = false;
    }
  }
}

/**
 * #NM (vector 7) from user mode: thread `t` used the FPU while it did not
 * own it. Saves the owner's state into its TCB, loads `t`'s (or the initial
 * state on its first use), and makes `t` the owner. `t` then resumes at the
 * same instruction; this is not a fault.
 */
export function fpuDeviceNotAvailable(t: usize): void {
  clts();
  tsSet = false;
  deviceNotAvailableTraps++;
  if (owner == t) return; // its state is loaded already (TS was stale)
  if (owner != 0) {
    fxsave(owner + TCB_FPU_STATE);
    stateSaves++;
  }
  const flags = load<u32>(t, TCB_FPU_FLAGS);
  if (flags & TCB_FPU_USED) {
    fxrstor(t + TCB_FPU_STATE);
  } else {
    fxrstor(initialState);
    store<u32>(t, flags | TCB_FPU_USED, TCB_FPU_FLAGS);
  }
  owner = t;
}

/**
 * Thread `t` stops for good or its TCB is about to be destroyed or reused:
 * it gives up the FPU without a save (nobody will load that state). Every
 * path that stops, exits, faults or deletes a thread must call this.
 */
export function fpuThreadGone(t: usize): void {
  if (owner == t) owner = 0;
}

/** #NM traps taken since boot. */
export function fpuTrapCount(): u32 {
  return deviceNotAvailableTraps;
}

/** FPU states saved into a TCB because another thread took the FPU. */
export function fpuSaveCount(): u32 {
  return stateSaves;
}
