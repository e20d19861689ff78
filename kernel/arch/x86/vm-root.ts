// kernel/arch/x86/vm-root.ts: the page directory a thread runs in.
//
// Owns: seL4's setVMRoot check for ia32: a thread runs in the page
// directory named by the capability in its tcbVTable slot, if that
// capability is a page directory capability with an ASID and the ASID
// still maps to that page directory (kernel/arch/x86/asid.ts); otherwise
// in the kernel's page directory, where every user access faults. The
// scheduler asks on every thread switch, so a page directory that was
// deleted, or a VTable slot that was emptied, can never be loaded into CR3.
// Must not: change any capability or mapping.
//
// see: seL4 src/arch/x86/32/kernel/vspace.c (setVMRoot), facts only.

import { TCB_VTABLE, tcbSlot } from "../../object/tcb";
import { capTag, capPagePhys, tableIsMapped, tableMappedAsid, CAP_PAGE_DIRECTORY_CAP } from "../../cspace/cte";
import { findVSpaceForASID, mappedAsidsAllValid } from "./asid";
import { vspaceKernelPd } from "./vspace";

/** The physical address of the page directory thread `t` runs in. */
export function threadVSpaceRoot(t: usize): u32 {
  const s = tcbSlot(t, TCB_VTABLE);
  if (capTag(s) != CAP_PAGE_DIRECTORY_CAP || !tableIsMapped(s)) return vspaceKernelPd();
  const pd = capPagePhys(s);
  if (mappedAsidsAllValid()) return pd; // no pool deleted yet: a mapped capability's ASID names its directory
  return findVSpaceForASID(tableMappedAsid(s)) == pd ? pd : vspaceKernelPd();
}
