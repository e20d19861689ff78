// kernel/cspace/lookup.ts: finding a slot from a capability address, as seL4 does.
//
// Owns: resolveAddressBits (seL4's lookup through guarded CNodes), the
// lookups built on it (lookupSlot for invocations, lookupSlotForCNodeOp
// for operations with an explicit depth, which also sets the syscall
// error of kernel/api/invocation.ts), and the lookup fault they
// leave behind when they fail: its kind and details, which the syscall
// layer copies to the caller's message registers (seL4's FailedLookup
// layout, libs/abi/sel4.def.ts INVOCATION_ERROR_MRS).
// Must not: change any slot, or trap on any input: a capability address,
// depth or CNode capability from user mode is untrusted.
//
// see: seL4 reference manual, "Capability Spaces" (CSpace addressing);
// seL4 src/kernel/cspace.c (facts only).

import {
  capTag, capObjectPhys, cnodeRadix, cnodeGuardSize, cnodeGuard, CAP_CNODE_CAP, CTE_SIZE_BITS, CTE_DATA,
} from "./cte";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { errorFailedLookup, errorRange } from "../api/invocation";
import { seL4_NoFailure, seL4_InvalidRoot, seL4_MissingCapability, seL4_DepthMismatch, seL4_GuardMismatch, seL4_WordBits } from "../../libs/abi/sel4.gen";

// ── The last lookup fault ────────────────────────────────────────────

/** seL4_LookupFailureType of the last failed lookup (seL4_NoFailure after a success). */
export let lookupFaultType: u32 = seL4_NoFailure;
/** Bits of the address left to resolve when the lookup failed. */
export let lookupFaultBitsLeft: u32 = 0;
/** Depth mismatch: bits the CNode wanted; guard mismatch: the guard's size. */
export let lookupFaultBitsFound: u32 = 0;
/** Guard mismatch: the CNode's guard. */
export let lookupFaultGuardFound: u32 = 0;

function fault(type: u32, bitsLeft: u32, bitsFound: u32, guardFound: u32): usize {
  lookupFaultType = type;
  lookupFaultBitsLeft = bitsLeft;
  lookupFaultBitsFound = bitsFound;
  lookupFaultGuardFound = guardFound;
  return 0;
}

/** A slot that was found empty where a capability was needed (seL4's missing_capability). */
export function setMissingCapabilityFault(bitsLeft: u32): void {
  fault(seL4_MissingCapability, bitsLeft, 0, 0);
}

/** The VSpace's invalid_root fault: an ASID with no pool or no page directory (seL4's findVSpaceForASID). */
export function setInvalidRootFault(): void {
  fault(seL4_InvalidRoot, 0, 0, 0);
}

/** What a successful lookup leaves behind, for a caller that found the slot itself (the IPC fast path). */
export function lookupSucceeded(): void {
  lookupFaultType = seL4_NoFailure;
}

/** Bits of the address not used when resolveAddressBits stopped at a slot holding no CNode. */
export let lookupBitsRemaining: u32 = 0;

// @ts-ignore: decorator
@inline function mask(bits: u32): u32 {
  return bits >= 32 ? 0xFFFFFFFF : (<u32>1 << bits) - 1;
}

/** The kernel virtual address of slot `index` of the slots starting at physical address `phys`. */
// @ts-ignore: decorator
@inline export function slotAtPhys(phys: u32, index: u32): usize {
  return vspacePhysWindow() + <usize>phys + (<usize>index << CTE_SIZE_BITS);
}

/** The kernel virtual address of slot `index` of the CNode a capability in slot `cnode` names. */
// @ts-ignore: decorator
@inline export function cnodeSlot(cnode: usize, index: u32): usize {
  return slotAtPhys(capObjectPhys(cnode), index);
}

/**
 * Resolves the top `depth` bits of `cptr` starting at the CNode capability
 * in slot `root`. Returns the slot reached, with lookupBitsRemaining the
 * bits not consumed (non-zero when a slot on the way holds something other
 * than a CNode); or 0 with the lookup fault set.
 */
export function resolveAddressBits(root: usize, cptr: u32, depth: u32): usize {
  if (capTag(root) != CAP_CNODE_CAP) return fault(seL4_InvalidRoot, depth, 0, 0);
  let node = root;
  let bits = depth;
  // Each level consumes at least one bit (radix >= 1: decodeUntyped refuses
  // radix 0, and guards only add), so this ends within 32 iterations.
  while (true) {
    const radix = cnodeRadix(node);
    const guardSize = cnodeGuardSize(node);
    const levelBits = radix + guardSize;
    const guard = cnodeGuard(node);
    if (levelBits == 0) return fault(seL4_InvalidRoot, bits, 0, 0);
    // The guard is compared first, as seL4 does; an address too short for it is a guard mismatch.
    if (guardSize > bits) return fault(seL4_GuardMismatch, bits, guardSize, guard);
    const found = guardSize == 0 ? 0 : (cptr >>> (bits - guardSize)) & mask(guardSize);
    if (found != guard) return fault(seL4_GuardMismatch, bits, guardSize, guard);
    if (levelBits > bits) return fault(seL4_DepthMismatch, bits, levelBits, 0);
    const index = (cptr >>> (bits - levelBits)) & mask(radix);
    const slot = cnodeSlot(node, index);
    bits -= levelBits;
    if (bits == 0 || capTag(slot) != CAP_CNODE_CAP) {
      lookupBitsRemaining = bits;
      lookupFaultType = seL4_NoFailure;
      return slot;
    }
    node = slot;
  }
}

/**
 * seL4's lookupSlot for invoking a capability: the whole word is the
 * address, and the walk may stop early at a slot holding a non-CNode
 * capability (its remaining bits are ignored, as in seL4).
 */
export function lookupSlot(root: usize, cptr: u32): usize {
  // The common shape first: a root CNode that resolves all 32 bits in one level (guard size + radix =
  // 32, as every root task's) with a matching guard, where resolveAddressBits would end at the first
  // slot it reaches with nothing left. Bits 31..29 of a CNode capability's data word are 0, so
  // data >>> 11 is its guard.
  const data = load<u32>(root, CTE_DATA);
  const radix = data & 0x1F;
  if (capTag(root) == CAP_CNODE_CAP && cnodeGuardSize(root) + radix == seL4_WordBits && cptr >>> radix == data >>> 11) {
    lookupBitsRemaining = 0;
    lookupFaultType = seL4_NoFailure;
    const drop = seL4_WordBits - radix; // radix 1..31 (decodeUntyped refuses 0): the index stays in the CNode
    return cnodeSlot(root, (cptr << drop) >>> drop);
  }
  return resolveAddressBits(root, cptr, seL4_WordBits);
}

/**
 * The walk of lookupSlotForCNodeOp: it must use exactly `depth` bits;
 * stopping early is a depth mismatch. Returns 0 with the lookup fault set.
 */
export function lookupTargetSlot(root: usize, cptr: u32, depth: u32): usize {
  const slot = resolveAddressBits(root, cptr, depth);
  if (slot == 0) return 0;
  if (lookupBitsRemaining != 0) return fault(seL4_DepthMismatch, lookupBitsRemaining, 0, 0);
  return slot;
}

/**
 * seL4's lookupSlotForCNodeOp: the root must be a CNode capability and
 * the depth 1..32 (checked in that order), and the walk must use exactly
 * `depth` bits. Returns the slot, or 0 with the syscall error (FailedLookup,
 * with `isSource`, or RangeError) and the lookup fault set.
 */
export function lookupSlotForCNodeOp(isSource: bool, root: usize, cptr: u32, depth: u32): usize {
  if (capTag(root) != CAP_CNODE_CAP) {
    fault(seL4_InvalidRoot, depth, 0, 0);
    errorFailedLookup(isSource);
    return 0;
  }
  if (depth < 1 || depth > seL4_WordBits) {
    errorRange(1, seL4_WordBits);
    return 0;
  }
  const s = lookupTargetSlot(root, cptr, depth);
  if (s == 0) errorFailedLookup(isSource);
  return s;
}

/** The kind names, for logs and tests. */
export function lookupFaultName(type: u32): string {
  if (type == seL4_NoFailure) return "NoFailure";
  if (type == seL4_InvalidRoot) return "InvalidRoot";
  if (type == seL4_MissingCapability) return "MissingCapability";
  if (type == seL4_DepthMismatch) return "DepthMismatch";
  if (type == seL4_GuardMismatch) return "GuardMismatch";
  return "Unknown";
}
