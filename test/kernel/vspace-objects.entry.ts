// test/kernel/vspace-objects.entry.ts: the wasm entry for test/unit/vspace-objects.test.ts.
//
// Owns: the VSpace objects' decode/invoke pairs under the names the syscall
// dispatcher calls (decodeFrameInvocation/invokeFrame, ... invokeASIDPool),
// the ASID table and pool helpers boot uses, and the paging functions the
// tests read entries and the current address space with; everything of
// test/kernel/cspace.entry.ts comes along, so a test builds CSpaces, retypes
// and deletes exactly as the CNode tests do.
// Must not: add behaviour of its own.

export * from "./cspace.entry";
export { decodeFrameInvocation, invokeFrame, maskVMRights, pageEntryBits } from "../../kernel/object/frame";
export { decodePageTableInvocation, invokePageTable } from "../../kernel/object/page-table";
export { decodePageDirectoryInvocation, invokePageDirectory } from "../../kernel/object/page-directory";
export { decodeASIDControlInvocation, invokeASIDControl } from "../../kernel/object/asid-control";
export { decodeASIDPoolInvocation, invokeASIDPool } from "../../kernel/object/asid-pool";
export {
  findVSpaceForASID, asidTablePool, asidTableSetPool, asidTableReset, asidPoolGet, asidPoolSet,
} from "../../kernel/arch/x86/asid";
export { replyEmpty } from "../../kernel/api/reply";
export { vspaceCurrent, vspaceSwitch, vspaceKernelPd, lookupPage, pdInit } from "../../kernel/arch/x86/vspace";
