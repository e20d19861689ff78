// kernel/arch/x86/pages.ts: fresh pages for the boot address spaces.
//
// Owns: taking zeroed pages from the boot page allocator
// (kernel/boot/physmem.ts) and mapping them into a user page directory,
// with a fresh page table when the directory has none there yet. This is
// the allocating side of paging; kernel/arch/x86/vspace.ts only writes the
// entries it is given, and stays allocation-free so Node tests can run it
// on mocked memory.
// Must not: decide what goes where in a user address space (the callers
// do: kernel/boot/root-task.ts, kernel/bench.ts),
// or hand out memory once untyped memory exists (Untyped_Retype will).

import { PAGE_SIZE } from "./machine.gen";
import { window } from "./kernel-window";
import { mapPage, mapPageTable, VSpaceError, vspaceErrorName } from "./vspace";
import { physAllocPage } from "../../boot/physmem";
import { puts, putNewline } from "../../console";
import { putHex } from "../../lib/format";

/** A zeroed page from the boot allocator, or 0 when memory is exhausted. */
export function allocZeroedPage(): u32 {
  const p = <u32>physAllocPage();
  if (p != 0) memory.fill(window(p), 0, PAGE_SIZE);
  return p;
}

/** Maps one fresh zeroed page at `vaddr`; returns its physical address or 0. */
export function mapFreshPage(pd: u32, vaddr: u32, rights: u32): u32 {
  const page = allocZeroedPage();
  if (page == 0) return 0;
  let err = mapPage(pd, vaddr, page, rights, false);
  if (err == VSpaceError.PageTableMissing) {
    const pt = allocZeroedPage();
    if (pt == 0) return 0;
    err = mapPageTable(pd, vaddr, pt, 0);
    if (err == VSpaceError.Ok) err = mapPage(pd, vaddr, page, rights, false);
  }
  if (err != VSpaceError.Ok) {
    puts("boot: cannot map ");
    putHex(vaddr, 8);
    puts(": ");
    puts(vspaceErrorName(err));
    putNewline();
    return 0;
  }
  return page;
}
