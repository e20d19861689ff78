// kernel/api/message.ts: where a thread's message registers live.
//
// Owns: finding a thread's IPC buffer (seL4's lookupIPCBuffer: the frame
// capability in the TCB's tcbBuffer slot, plus the buffer address's offset
// in that frame) and reading and writing message registers: MR0 and MR1
// travel in EDI and EBP (seL4_FastMessageRegisters), the rest in the
// buffer's msg[] (libs/abi/sel4.def.ts IPC_BUFFER_*).
// Must not: read user memory except through a buffer found here, which
// the kernel reaches through its window. A buffer the window does not
// reach (a frame above KERNEL_WINDOW_SIZE) counts as no buffer.
//
// see: seL4 src/kernel/thread.c (lookupIPCBuffer), src/machine/registerset.c
// (setMR, getSyscallArg), facts only.

import { TCB_BUFFER, TCB_IPC_BUFFER, tcbSlot, CTX_EDI, CTX_EBP } from "../object/tcb";
import { CTE_OBJECT, FRAME_IS_DEVICE, FRAME_IS_LARGE, FRAME_RIGHTS_SHIFT, CAP_FRAME_CAP, VM_READ_WRITE, VM_READ_ONLY } from "../cspace/cte";
import { vspacePhysWindow, PHYS_WINDOW_SIZE } from "../arch/x86/vspace";
import { PAGE_SIZE, LARGE_PAGE_SIZE } from "../arch/x86/machine.gen";
import { IPC_BUFFER_MSG, IPC_BUFFER_SIZE, seL4_FastMessageRegisters } from "../../libs/abi/sel4.gen";

/**
 * The kernel virtual address of thread `t`'s IPC buffer, or 0 if it has
 * none: no frame capability in its tcbBuffer slot, a device frame, or
 * rights too weak (a receiver needs read-write; a sender read-only will do).
 */
export function lookupIpcBuffer(t: usize, isReceiver: bool): usize {
  const s = tcbSlot(t, TCB_BUFFER);
  // Read once: the frame capability's object word holds the tag, device, size and rights bits (cte.ts).
  const obj = load<u32>(s, CTE_OBJECT);
  if ((obj & (0xF | FRAME_IS_DEVICE)) != CAP_FRAME_CAP) return 0; // a 4-bit tag: an 8-bit one ends in E or F
  const rights = (obj >>> FRAME_RIGHTS_SHIFT) & 3;
  if (rights != VM_READ_WRITE && (isReceiver || rights != VM_READ_ONLY)) return 0;
  const frameMask: u32 = (obj & FRAME_IS_LARGE) != 0 ? LARGE_PAGE_SIZE - 1 : PAGE_SIZE - 1;
  const phys = (obj & ~(PAGE_SIZE - 1)) + (load<u32>(t, TCB_IPC_BUFFER) & frameMask);
  if (phys > PHYS_WINDOW_SIZE - IPC_BUFFER_SIZE) return 0; // the whole buffer inside the window
  return vspacePhysWindow() + <usize>phys;
}

/** Message register `i` of a thread whose buffer is `buffer` (0: none; then only MR0 and MR1 exist, the rest read 0). */
export function getMR(t: usize, buffer: usize, i: u32): u32 {
  if (i == 0) return load<u32>(t, CTX_EDI);
  if (i == 1) return load<u32>(t, CTX_EBP);
  return buffer == 0 ? 0 : load<u32>(buffer + IPC_BUFFER_MSG + (<usize>i << 2));
}

/**
 * Sets message register `i`; returns how many registers now count (i + 1),
 * or seL4_FastMessageRegisters when `i` lies in a buffer the thread lacks
 * (as seL4's setMR, so a reply's length never claims words that went nowhere).
 */
export function setMR(t: usize, buffer: usize, i: u32, v: u32): u32 {
  if (i == 0) {
    store<u32>(t, v, CTX_EDI);
  } else if (i == 1) {
    store<u32>(t, v, CTX_EBP);
  } else {
    if (buffer == 0) return seL4_FastMessageRegisters;
    store<u32>(buffer + IPC_BUFFER_MSG + (<usize>i << 2), v);
  }
  return i + 1;
}
