// kernel/object/page-table.ts: page-table invocations.
//
// Owns: decodePageTableInvocation (X86PageTableMap and X86PageTableUnmap:
// every check seL4 makes, in seL4's order, each with its exact error),
// invokePageTable (the change, which cannot fail), and unmapPageTableOf,
// which removes a page table from its page directory and which deleting
// the last capability to a mapped page table calls (kernel/cspace/delete.ts).
// A page table capability records where its table is mapped (ASID and the
// 4 MiB region, kernel/cspace/cte.ts). Unmap is allowed only through the
// last capability to the table (RevokeFirst otherwise), and it zeroes the
// table, so an unmapped table is always empty when it is mapped again.
// Must not: fail in invokePageTable, or write a page directory except
// through kernel/arch/x86/vspace.ts.
//
// Arguments follow libsel4's stubs: Map MR0 vaddr (any address in the
// region), MR1 attr (seL4_X86_VMAttributes: PWT, PCD of the PDE), extra
// capability 0 the page directory; Unmap none.
//
// see: seL4 reference manual, "x86: Page Table"; seL4
// src/arch/x86/kernel/vspace.c (decodeX86PageTableInvocation,
// performX86PageTableInvocationUnmap, unmapPageTable), facts only.

import {
  capTag, capPagePhys, tableIsMapped, tableMappedAsid, tableMappedVaddr, setTableMapping, CAP_PAGE_DIRECTORY_CAP,
} from "../cspace/cte";
import { isFinalCapability } from "../cspace/cdt";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidCapability,
  errorInvalidArgument, errorFailedLookup, errorDeleteFirst, errorRevokeFirst,
} from "../api/invocation";
import { findVSpaceForASID, NO_VSPACE } from "../arch/x86/asid";
import {
  mapPageTable, unmapPageTable, lookupPageTable, pdeKind, PdeKind, vspacePhysWindow, PAGE_SIZE, LARGE_PAGE_SIZE, USER_TOP,
} from "../arch/x86/vspace";
import { vmAttrBits } from "./frame";
import { LABEL_X86_PAGE_TABLE_MAP, LABEL_X86_PAGE_TABLE_UNMAP, seL4_NoError } from "../../libs/abi/sel4.gen";

/**
 * seL4's unmapPageTable: removes the page table at `ptPhys` from the
 * region at `vaddr` of the directory ASID `asid` names, if the directory
 * still points there to this table; CR3 is reloaded if the directory is
 * the current one (kernel/arch/x86/vspace.ts's rule). The table keeps its
 * contents.
 */
export function unmapPageTableOf(asid: u32, vaddr: u32, ptPhys: u32): void {
  const pd = findVSpaceForASID(asid);
  if (pd == NO_VSPACE) return;
  if (pdeKind(pd, vaddr) != PdeKind.Table || lookupPageTable(pd, vaddr) != ptPhys) return;
  unmapPageTable(pd, vaddr);
}

enum PageTableOp { Map, Unmap }

// What decodePageTableInvocation found, for invokePageTable.
let op = PageTableOp.Unmap;
let tableSlot: usize = 0;
let mapPd: u32 = 0;
let mapAsid: u32 = 0;
let mapVaddr: u32 = 0;
let mapAttr: u32 = 0;

/** Decodes an invocation of the page table capability in `slot`. Returns seL4_NoError or the error. */
export function decodePageTableInvocation(slot: usize): u32 {
  tableSlot = slot;
  const label = invLabel;
  if (label == LABEL_X86_PAGE_TABLE_UNMAP) {
    if (!isFinalCapability(slot)) return errorRevokeFirst();
    op = PageTableOp.Unmap;
    return seL4_NoError;
  }
  if (label != LABEL_X86_PAGE_TABLE_MAP) return errorIllegalOperation();
  const pdSlot = invExtraCap(0);
  if (invLength < 2 || pdSlot == 0) return errorTruncatedMessage();
  if (tableIsMapped(slot)) return errorInvalidCapability(0);
  const vaddr = invArg(0) & ~(LARGE_PAGE_SIZE - 1);
  const attr = invArg(1);
  if (capTag(pdSlot) != CAP_PAGE_DIRECTORY_CAP || !tableIsMapped(pdSlot)) return errorInvalidCapability(1);
  const asid = tableMappedAsid(pdSlot);
  if (vaddr > USER_TOP) return errorInvalidArgument(0);
  const pd = findVSpaceForASID(asid);
  if (pd == NO_VSPACE) return errorFailedLookup(false);
  if (pd != capPagePhys(pdSlot)) return errorInvalidCapability(1);
  // A page table or a 4 MiB page there must go first (at USER_TOP: the kernel window's own entry).
  if (pdeKind(pd, vaddr) != PdeKind.None) return errorDeleteFirst();
  op = PageTableOp.Map;
  mapPd = pd;
  mapAsid = asid;
  mapVaddr = vaddr;
  mapAttr = vmAttrBits(attr);
  return seL4_NoError;
}

/** Carries out what decodePageTableInvocation checked. */
export function invokePageTable(): void {
  const slot = tableSlot;
  const pt = capPagePhys(slot);
  if (op == PageTableOp.Map) {
    mapPageTable(mapPd, mapVaddr, pt, mapAttr);
    setTableMapping(slot, true, mapAsid, mapVaddr);
    return;
  }
  if (tableIsMapped(slot)) {
    unmapPageTableOf(tableMappedAsid(slot), tableMappedVaddr(slot), pt);
    memory.fill(vspacePhysWindow() + <usize>pt, 0, <usize>PAGE_SIZE);
  }
  setTableMapping(slot, false, 0, 0);
}
