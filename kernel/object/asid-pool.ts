// kernel/object/asid-pool.ts: ASID pool capabilities and Assign.
//
// Owns: decodeASIDPoolInvocation (X86ASIDPoolAssign: every check seL4
// makes, in seL4's order, each with its exact error) and invokeASIDPool:
// the lowest free ASID of the pool (never ASID 0) is given to a page
// directory that has none, and its capability records it. A page
// directory needs an ASID before anything can be mapped in it or a thread
// can run in it.
// Must not: fail in invokeASIDPool.
//
// Arguments follow libsel4's seL4_X86_ASIDPool_Assign: no message words;
// extra capability 0 the page directory.
//
// see: seL4 reference manual, "ASIDPool"; seL4
// src/arch/x86/kernel/vspace.c (decodeX86MMUInvocation's
// cap_asid_pool_cap case) and src/arch/x86/32/kernel/vspace_32paging.c
// (performASIDPoolInvocation), facts only.

import {
  capTag, capPagePhys, tableIsMapped, setTableMapping, asidPoolBase, CAP_PAGE_DIRECTORY_CAP,
} from "../cspace/cte";
import { setInvalidRootFault } from "../cspace/lookup";
import {
  invLabel, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidCapability, errorFailedLookup,
  errorDeleteFirst,
} from "../api/invocation";
import { asidTablePool, asidPoolFirstFree, asidPoolSet, NO_VSPACE, ASID_POOL_ENTRIES, ASID_LOW_BITS } from "../arch/x86/asid";
import { LABEL_X86_ASID_POOL_ASSIGN, seL4_NoError } from "../../libs/abi/sel4.gen";

// What decodeASIDPoolInvocation found, for invokeASIDPool.
let pdSlot: usize = 0;
let poolPhys: u32 = 0;
let asid: u32 = 0;

/** Decodes an invocation of the ASID pool capability in `slot`. */
export function decodeASIDPoolInvocation(slot: usize): u32 {
  if (invLabel != LABEL_X86_ASID_POOL_ASSIGN) return errorIllegalOperation();
  const pd = invExtraCap(0);
  if (pd == 0) return errorTruncatedMessage();
  if (capTag(pd) != CAP_PAGE_DIRECTORY_CAP || tableIsMapped(pd)) return errorInvalidCapability(1);
  const base = asidPoolBase(slot);
  const pool = asidTablePool(base >> ASID_LOW_BITS);
  if (pool == NO_VSPACE) {
    setInvalidRootFault();
    return errorFailedLookup(false);
  }
  if (pool != capPagePhys(slot)) return errorInvalidCapability(0);
  const i = asidPoolFirstFree(pool, base);
  if (i == ASID_POOL_ENTRIES) return errorDeleteFirst(); // the pool is full
  pdSlot = pd;
  poolPhys = pool;
  asid = base + i;
  return seL4_NoError;
}

/** Gives the page directory the ASID decodeASIDPoolInvocation chose. */
export function invokeASIDPool(): void {
  setTableMapping(pdSlot, true, asid, 0);
  asidPoolSet(poolPhys, asid, capPagePhys(pdSlot));
}
