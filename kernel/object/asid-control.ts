// kernel/object/asid-control.ts: the ASIDControl capability and MakePool.
//
// Owns: decodeASIDControlInvocation (X86ASIDControlMakePool: every check
// seL4 makes, in seL4's order, each with its exact error) and
// invokeASIDControl: a 4 KiB untyped becomes an ASID pool for the first
// block of 1024 ASIDs that has none, its capability a child of the
// untyped. The untyped is then full (its watermark at its end), as in seL4,
// so it cannot be retyped again until the pool is gone.
// Must not: fail in invokeASIDControl.
//
// Arguments follow libsel4's seL4_X86_ASIDControl_MakePool: MR0 index,
// MR1 depth of the destination slot; extra capability 0 the untyped,
// extra capability 1 the CNode the index is looked up in.
//
// see: seL4 reference manual, "ASIDControl"; seL4
// src/arch/x86/kernel/vspace.c (decodeX86MMUInvocation's
// cap_asid_control_cap case, performASIDControlInvocation), facts only.

import {
  capTag, capObjectPhys, isNullCap, untypedSizeBits, untypedIsDevice, setUntypedFreeIndex, asidPoolCap, CAP_UNTYPED_CAP,
} from "../cspace/cte";
import { cteInsert, hasChildren } from "../cspace/cdt";
import { lookupSlotForCNodeOp } from "../cspace/lookup";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidCapability,
  errorDeleteFirst, errorRevokeFirst, errorCode,
} from "../api/invocation";
import { asidTableFirstFree, asidTableSetPool, ASID_POOLS, ASID_LOW_BITS } from "../arch/x86/asid";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { LABEL_X86_ASID_CONTROL_MAKE_POOL, seL4_ASIDPoolBits, seL4_NoError } from "../../libs/abi/sel4.gen";

// What decodeASIDControlInvocation found, for invokeASIDControl.
let untypedSlot: usize = 0;
let destSlot: usize = 0;
let poolHigh: u32 = 0;

/** Decodes an invocation of the ASIDControl capability (in `slot`, which names nothing more). */
export function decodeASIDControlInvocation(slot: usize): u32 {
  if (invLabel != LABEL_X86_ASID_CONTROL_MAKE_POOL) return errorIllegalOperation();
  const untyped = invExtraCap(0);
  const root = invExtraCap(1);
  if (invLength < 2 || untyped == 0 || root == 0) return errorTruncatedMessage();
  const index = invArg(0);
  const depth = invArg(1);
  const high = asidTableFirstFree();
  if (high == ASID_POOLS) return errorDeleteFirst(); // every pool is made
  if (capTag(untyped) != CAP_UNTYPED_CAP || untypedSizeBits(untyped) != seL4_ASIDPoolBits || untypedIsDevice(untyped)) {
    return errorInvalidCapability(1);
  }
  if (hasChildren(untyped)) return errorRevokeFirst();
  const dest = lookupSlotForCNodeOp(false, root, index, depth);
  if (dest == 0) return errorCode;
  if (!isNullCap(dest)) return errorDeleteFirst();
  untypedSlot = untyped;
  destSlot = dest;
  poolHigh = high;
  return seL4_NoError;
}

/** Makes the pool decodeASIDControlInvocation checked. */
export function invokeASIDControl(): void {
  const pool = capObjectPhys(untypedSlot);
  setUntypedFreeIndex(untypedSlot, (<u32>1 << seL4_ASIDPoolBits) >>> 4); // full: watermark in 16-byte units
  memory.fill(vspacePhysWindow() + <usize>pool, 0, <usize>1 << seL4_ASIDPoolBits);
  cteInsert(asidPoolCap(pool, poolHigh << ASID_LOW_BITS), untypedSlot, destSlot);
  asidTableSetPool(poolHigh, pool);
}
