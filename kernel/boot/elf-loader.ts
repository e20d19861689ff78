// kernel/boot/elf-loader.ts: loading a checked ELF image into an address space.
//
// Owns: copying each PT_LOAD segment of an image that kernel/elf.ts has
// accepted into fresh pages of a user page directory, page by page, with
// the segment's rights (user, and writable if the segment is). The bytes
// past a segment's file size stay zero (the pages come zeroed), which is
// its bss.
// Must not: read the image's headers (only the table elfCheck filled; the
// checker owns what is valid), load an image elfCheck has not accepted, or
// build the rest of the address space (stack, IPC buffer, BootInfo:
// kernel/boot/modules.ts).

import { window } from "../arch/x86/kernel-window";
import { PAGE_USER, PAGE_WRITE } from "../arch/x86/vspace";
import { mapFreshPage } from "../arch/x86/pages";
import { PAGE_SIZE } from "../arch/x86/machine.gen";
import {
  elfSegmentCount, elfSegmentVaddr, elfSegmentMemSize, elfSegmentFileSize, elfSegmentFileOffset, elfSegmentWritable,
} from "../elf";

/** Loads the checked ELF's segments into `pd`, page by page. */
export function loadSegments(pd: u32, image: usize): bool {
  const n = elfSegmentCount();
  for (let i = 0; i < n; i++) {
    const vaddr = elfSegmentVaddr(i);
    const memEnd = vaddr + elfSegmentMemSize(i);
    const fileSize = elfSegmentFileSize(i);
    const fileOffset = elfSegmentFileOffset(i);
    const rights = PAGE_USER | (elfSegmentWritable(i) ? PAGE_WRITE : 0);
    for (let page = vaddr & ~(PAGE_SIZE - 1); page < memEnd; page += PAGE_SIZE) {
      const phys = mapFreshPage(pd, page, rights);
      if (phys == 0) return false;
      // The file bytes that land in this page: [max(page, vaddr), min(page + 4K, vaddr + fileSize)).
      const from = page > vaddr ? page : vaddr;
      const fileEnd = vaddr + fileSize;
      const to = page + PAGE_SIZE < fileEnd ? page + PAGE_SIZE : fileEnd;
      if (to > from) memory.copy(window(phys) + <usize>(from - page), image + <usize>(fileOffset + (from - vaddr)), to - from);
    }
  }
  return true;
}
