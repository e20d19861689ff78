// test/kernel/vspace.entry.ts: the wasm entry for test/unit/vspace.test.ts.
//
// Owns: re-exports of kernel/arch/x86/vspace.ts, so the tests drive the
// kernel's own page-table code over wasm memory that plays physical
// memory (vspaceSetPhysWindow); and pageFlag(i), which hands the entry-bit
// constants to the tests so their positions can be checked.
// Must not: add behaviour of its own.

import {
  PAGE_PRESENT, PAGE_WRITE, PAGE_USER, PAGE_PWT, PAGE_PCD, PAGE_ACCESSED, PAGE_DIRTY, PAGE_PS, PAGE_GLOBAL,
  PAGE_FRAME_MASK, PAGE_RIGHTS_MASK, PAGE_TABLE_ENTRY, USER_TOP, USER_PDES, PHYS_WINDOW_SIZE,
} from "../../kernel/arch/x86/vspace";

export {
  VSpaceError, vspaceErrorName, vspaceSetPhysWindow, vspacePhysWindow, pdInit, vspaceInit, vspaceCurrent,
  vspaceSwitch, mapPageTable, unmapPageTable, lookupPageTable, mapPage, unmapPage, remapPage, lookupPage,
  mapLargePage, unmapLargePage, pdeKind, PdeKind,
  vspaceFaultIsSpurious,
} from "../../kernel/arch/x86/vspace";

/** The constants by index, in the order of test/unit/vspace.test.ts's FLAG_CONSTANTS. */
export function pageFlag(i: i32): u32 {
  switch (i) {
    case 0: return PAGE_PRESENT;
    case 1: return PAGE_WRITE;
    case 2: return PAGE_USER;
    case 3: return PAGE_PWT;
    case 4: return PAGE_PCD;
    case 5: return PAGE_ACCESSED;
    case 6: return PAGE_DIRTY;
    case 7: return PAGE_PS;
    case 8: return PAGE_GLOBAL;
    case 9: return PAGE_FRAME_MASK;
    case 10: return PAGE_RIGHTS_MASK;
    case 11: return PAGE_TABLE_ENTRY;
    case 12: return USER_TOP;
    case 13: return USER_PDES;
    case 14: return PHYS_WINDOW_SIZE;
    default: return 0;
  }
}
