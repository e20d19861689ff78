// kernel/object/page-directory.ts: page-directory invocations.
//
// Owns: decodePageDirectoryInvocation and invokePageDirectory. On ia32 a
// page directory is the VSpace root, so the one invocation it has is
// X86PageDirectoryGetStatusBits: the accessed and dirty bits of the page
// mapped at a virtual address, as two result words (MR0 accessed, MR1
// dirty; libs/abi X86_PD_STATUS_MR_*). X86PageDirectoryMap and
// X86PageDirectoryUnmap exist in seL4's label set for PAE and x86-64,
// where a page directory sits under a PDPT; seL4 ia32 refuses them with
// IllegalOperation, and so do we. A page directory gets its ASID from an
// ASID pool (kernel/object/asid-pool.ts) and loses it when its last
// capability is deleted (kernel/arch/x86/asid.ts deleteASID).
// Must not: fail in invokePageDirectory, or write any entry.
//
// see: seL4 src/arch/x86/32/kernel/vspace_32paging.c
// (decodeIA32PageDirectoryInvocation, performIA32PageDirectoryGetStatusBits),
// facts only.

import { capPagePhys } from "../cspace/cte";
import { invLabel, invLength, invArg, errorIllegalOperation, errorTruncatedMessage, errorInvalidArgument } from "../api/invocation";
import { replyValue, replyValues } from "../api/reply";
import { lookupPage, PAGE_PRESENT, PAGE_ACCESSED, PAGE_DIRTY, USER_TOP } from "../arch/x86/vspace";
import {
  LABEL_X86_PAGE_DIRECTORY_GET_STATUS_BITS, X86_PD_STATUS_MR_ACCESSED, X86_PD_STATUS_MR_DIRTY, seL4_NoError,
} from "../../libs/abi/sel4.gen";

// What decodePageDirectoryInvocation found: the entry of the page asked about.
let statusEntry: u32 = 0;

/**
 * Decodes an invocation of the page directory capability in `slot`.
 * GetStatusBits takes MR0 vaddr. As in seL4 the directory need not have an
 * ASID, and only an address above USER_TOP is refused (USER_TOP itself
 * reads the kernel window's first entry, as seL4's check lets it).
 */
export function decodePageDirectoryInvocation(slot: usize): u32 {
  if (invLabel != LABEL_X86_PAGE_DIRECTORY_GET_STATUS_BITS) return errorIllegalOperation();
  if (invLength < 1) return errorTruncatedMessage();
  const vaddr = invArg(0);
  if (vaddr > USER_TOP) return errorInvalidArgument(0);
  const e = <u32>lookupPage(capPagePhys(slot), vaddr);
  if ((e & PAGE_PRESENT) == 0) return errorInvalidArgument(1); // no mapping there
  statusEntry = e;
  return seL4_NoError;
}

/** Replies with the accessed and dirty bits decodePageDirectoryInvocation found. */
export function invokePageDirectory(): void {
  replyValue(X86_PD_STATUS_MR_ACCESSED, (statusEntry & PAGE_ACCESSED) != 0 ? 1 : 0);
  replyValue(X86_PD_STATUS_MR_DIRTY, (statusEntry & PAGE_DIRTY) != 0 ? 1 : 0);
  replyValues(2);
}
