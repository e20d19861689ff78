// kernel/object/frame.ts: frame (page) invocations, 4 KiB and 4 MiB.
//
// Owns: decodeFrameInvocation (X86PageMap, X86PageUnmap, X86PageGetAddress:
// every check seL4 makes, in seL4's order, each with its exact error),
// invokeFrame (the change, which cannot fail), and unmapFrame, which
// removes one frame capability's mapping and which deleting a mapped frame
// capability calls (kernel/cspace/delete.ts).
// A frame capability records at most one mapping (its ASID and virtual
// address, kernel/cspace/cte.ts); a mapped one may be mapped again only at
// the same ASID and address, to change its rights or attributes. A copy of
// a frame capability starts unmapped, so one frame can be mapped many times
// through many capabilities.
// Must not: fail in invokeFrame, write a page table except through
// kernel/arch/x86/vspace.ts, or map page 0 (a kernel null pointer must
// fault; see docs/RATIONALE.md).
//
// Arguments follow libsel4's stubs: Map MR0 vaddr, MR1 rights
// (seL4_CapRights_t), MR2 attr (seL4_X86_VMAttributes), extra capability 0
// the page directory; Unmap and GetAddress none. GetAddress replies with
// the frame's physical address in MR0.
//
// see: seL4 reference manual, "x86: Page"; seL4
// src/arch/x86/kernel/vspace.c (decodeX86FrameInvocation, unmapPage,
// createSafeMappingEntries_PTE/PDE), src/arch/x86/32/kernel/vspace.c
// (makeUserPTE, makeUserPDELargePage), facts only.

import {
  capTag, capPagePhys, frameIsLarge, frameVmRights, frameMappedAsid, frameMappedVaddr, setFrameMapping,
  tableIsMapped, tableMappedAsid, CAP_PAGE_DIRECTORY_CAP, VM_KERNEL_ONLY, VM_READ_ONLY, VM_READ_WRITE,
  RIGHT_READ, RIGHT_WRITE,
} from "../cspace/cte";
import { setMissingCapabilityFault } from "../cspace/lookup";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidCapability,
  errorInvalidArgument, errorFailedLookup, errorAlignment, errorDeleteFirst,
} from "../api/invocation";
import { replyValue, replyValues } from "../api/reply";
import { findVSpaceForASID, NO_VSPACE } from "../arch/x86/asid";
import {
  mapPage, unmapPage, mapLargePage, unmapLargePage, lookupPage, pdeKind, PdeKind,
  PAGE_PRESENT, PAGE_WRITE, PAGE_USER, PAGE_PWT, PAGE_PCD, PAGE_PS, PAGE_FRAME_MASK, PAGE_SIZE, LARGE_PAGE_SIZE, USER_TOP,
} from "../arch/x86/vspace";
import {
  LABEL_X86_PAGE_MAP, LABEL_X86_PAGE_UNMAP, LABEL_X86_PAGE_GET_ADDRESS, seL4_NoError, seL4_X86_WriteThrough,
  seL4_X86_CacheDisabled, seL4_PageBits, seL4_PageTableIndexBits,
} from "../../libs/abi/sel4.gen";

// ── Rights and attributes ────────────────────────────────────────────

/** seL4's maskVMRights: a mapping gets the frame capability's VM rights cut down by the rights word. */
export function maskVMRights(vmRights: u32, rights: u32): u32 {
  if (vmRights == VM_READ_ONLY && (rights & RIGHT_READ) != 0) return VM_READ_ONLY;
  if (vmRights == VM_READ_WRITE && (rights & RIGHT_READ) != 0) {
    return (rights & RIGHT_WRITE) != 0 ? VM_READ_WRITE : VM_READ_ONLY;
  }
  return VM_KERNEL_ONLY;
}

/**
 * The entry bits for VM rights and attributes (seL4's makeUserPTE):
 * kernel-only is writable but not user-accessible, read-only is user but
 * not writable; WriteThrough sets PWT, CacheDisabled PCD. The PAT bit
 * (WriteCombining) is dropped: see docs/RATIONALE.md.
 */
export function pageEntryBits(vmRights: u32, attr: u32): u32 {
  let bits: u32 = vmRights == VM_READ_ONLY ? 0 : PAGE_WRITE;
  if (vmRights != VM_KERNEL_ONLY) bits |= PAGE_USER;
  return bits | vmAttrBits(attr);
}

/** PWT and PCD from seL4_X86_VMAttributes (for pages and page tables alike). */
export function vmAttrBits(attr: u32): u32 {
  return ((attr & seL4_X86_WriteThrough) != 0 ? PAGE_PWT : 0) | ((attr & seL4_X86_CacheDisabled) != 0 ? PAGE_PCD : 0);
}

// @ts-ignore: decorator
@inline function frameBytes(large: bool): u32 {
  return large ? LARGE_PAGE_SIZE : PAGE_SIZE;
}

// ── Unmapping ────────────────────────────────────────────────────────

/**
 * seL4's unmapPage: removes the mapping at `vaddr` in the directory ASID
 * `asid` names if it still maps this frame (`base`, of this size);
 * anything else there (nothing, another frame, a page table where a 4 MiB
 * page was) is left alone, as is an ASID that names no directory any more.
 * invlpg when the directory is the current one.
 */
export function unmapFrame(large: bool, asid: u32, vaddr: u32, base: u32): void {
  const pd = findVSpaceForASID(asid);
  if (pd == NO_VSPACE) return;
  const e = <u32>lookupPage(pd, vaddr);
  if ((e & PAGE_PRESENT) == 0) return;
  if (large) {
    if ((e & PAGE_PS) != 0 && (e & ~(LARGE_PAGE_SIZE - 1)) == base) unmapLargePage(pd, vaddr);
  } else {
    if ((e & PAGE_PS) == 0 && (e & PAGE_FRAME_MASK) == base) unmapPage(pd, vaddr);
  }
}

// ── Decode and invoke ────────────────────────────────────────────────

enum FrameOp { Map, Unmap, GetAddress }

// What decodeFrameInvocation found, for invokeFrame.
let op = FrameOp.GetAddress;
let frameSlot: usize = 0;
let mapPd: u32 = 0;
let mapAsid: u32 = 0;
let mapVaddr: u32 = 0;
let mapBits: u32 = 0;

/**
 * Decodes an invocation of the frame capability in `slot`. Returns
 * seL4_NoError, or the error with its details set (kernel/api/invocation.ts;
 * a FailedLookup's fault is in kernel/cspace/lookup.ts).
 */
export function decodeFrameInvocation(slot: usize): u32 {
  frameSlot = slot;
  const label = invLabel;
  if (label == LABEL_X86_PAGE_UNMAP) {
    op = FrameOp.Unmap;
    return seL4_NoError;
  }
  if (label == LABEL_X86_PAGE_GET_ADDRESS) {
    op = FrameOp.GetAddress;
    return seL4_NoError;
  }
  if (label != LABEL_X86_PAGE_MAP) return errorIllegalOperation();

  const pdSlot = invExtraCap(0);
  if (invLength < 3 || pdSlot == 0) return errorTruncatedMessage();
  const vaddr = invArg(0);
  const rights = invArg(1);
  const attr = invArg(2);
  const large = frameIsLarge(slot);
  // The extra capability counts as number 1 (the invoked one is 0), as in seL4.
  if (capTag(pdSlot) != CAP_PAGE_DIRECTORY_CAP || !tableIsMapped(pdSlot)) return errorInvalidCapability(1);
  const asid = tableMappedAsid(pdSlot);
  if (frameMappedAsid(slot) != 0) {
    // Mapped already: only the same place again (new rights or attributes).
    if (frameMappedAsid(slot) != asid) return errorInvalidCapability(1);
    if (frameMappedVaddr(slot) != vaddr) return errorInvalidArgument(0);
  } else {
    const vtop = vaddr + frameBytes(large); // may wrap: then vaddr itself is too high
    if (vaddr > USER_TOP || vtop > USER_TOP) return errorInvalidArgument(0);
    if (vaddr < PAGE_SIZE) return errorInvalidArgument(0); // page 0 is never mapped (RATIONALE)
  }
  const pd = findVSpaceForASID(asid);
  if (pd == NO_VSPACE) return errorFailedLookup(false);
  if (pd != capPagePhys(pdSlot)) return errorInvalidCapability(1);
  const vmRights = maskVMRights(frameVmRights(slot), rights);
  if ((vaddr & (frameBytes(large) - 1)) != 0) return errorAlignment();
  if (large) {
    // A page table there must go first; a 4 MiB page there is replaced.
    if (pdeKind(pd, vaddr) == PdeKind.Table) return errorDeleteFirst();
  } else if (pdeKind(pd, vaddr) != PdeKind.Table) {
    setMissingCapabilityFault(seL4_PageBits + seL4_PageTableIndexBits);
    return errorFailedLookup(false);
  }
  op = FrameOp.Map;
  mapPd = pd;
  mapAsid = asid;
  mapVaddr = vaddr;
  mapBits = pageEntryBits(vmRights, attr);
  return seL4_NoError;
}

/** Carries out what decodeFrameInvocation checked. */
export function invokeFrame(): void {
  const slot = frameSlot;
  switch (op) {
    case FrameOp.Map: {
      const base = capPagePhys(slot);
      if (frameIsLarge(slot)) mapLargePage(mapPd, mapVaddr, base, mapBits, true);
      else mapPage(mapPd, mapVaddr, base, mapBits, true);
      setFrameMapping(slot, mapAsid, mapVaddr);
      break;
    }
    case FrameOp.Unmap:
      if (frameMappedAsid(slot) != 0) {
        unmapFrame(frameIsLarge(slot), frameMappedAsid(slot), frameMappedVaddr(slot), capPagePhys(slot));
        setFrameMapping(slot, 0, 0);
      }
      break;
    case FrameOp.GetAddress:
      replyValue(0, capPagePhys(slot));
      replyValues(1);
      break;
  }
}
