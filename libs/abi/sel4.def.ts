// libs/abi/sel4.def.ts: seL4's ia32 user-visible ABI, defined once: system-call
// numbers, invocation labels, object types and sizes, errors, fault messages,
// the message-info / rights / CNode-data words, and the IPC buffer, BootInfo
// and UserContext layouts.
//
// Owns: every number and layout a root task built against seL4's own libsel4
// (ia32, debug build, hardware-debug API off, non-MCS, one core, IOAPIC, no
// VT-x, no IOMMU, sysenter, FS/GS bases through GDT entries) relies on.
// build/abigen.ts renders it for the kernel, userland, C and assembly.
// Must not: hold logic, hold tsos's own numbers (those live in
// layout.def.ts and machine.def.ts), or change a value without a seL4 source.
//
// Sources. DESIGN.md pins seL4 736bfd6a; the stored copies of seL4/seL4 read
// for this file are not tagged with that commit, so each group names the file
// and the version that was read:
//   libsel4/include/api/syscall.xml                 97610e12
//   tools/syscall_header_gen.py                     226e2a29
//   tools/invocation_header_gen.py                  3bd92ffb
//   libsel4/include/interfaces/object-api.xml       4846accf (seL4/seL4; has no TCBSetFlags yet)
//                                                    and 86b54907 (Indanz/seL4, has TCBSetFlags)
//   libsel4/arch_include/x86/interfaces/object-api-arch.xml          122b97ba
//   libsel4/sel4_arch_include/ia32/interfaces/object-api-sel4-arch.xml 0a4d684b
//   libsel4/include/sel4/{bootinfo_types.h 7008430d, errors.h 512a0200,
//     constants.h 0a4d684b, shared_types.h 54e0cb6b, types.h 4d1da100}
//   libsel4/mode_include/32/sel4/{shared_types.bf a2d56913, mode/types.h abc7afae}
//   libsel4/sel4_arch_include/ia32/sel4/sel4_arch/{constants.h 72eedfc5,
//     types.h 7008430d, types.bf e31d7725}
//   libsel4/arch_include/x86/sel4/arch/{shared_types.bf b4050345, types.h 33643959,
//     constants.h abc7afae, objecttype.h 72eedfc5}
//   include/object/structures_32.bf df3d13e2, include/arch/x86/arch/32/mode/object/structures.bf 79da0792
//   src/object/tcb.c (setMRs_syscall_error), src/api/faults.c (setMRs_lookup_failure, setMRs_fault)
// The invocation-label table follows DESIGN.md (checked by running seL4's own
// programs on seL4 736bfd6a): it has TCBSetFlags (label 16) and no
// DomainScheduleConfigure / DomainScheduleSetStart. seL4 master after PR #1511
// ("Runtime Domain Schedules", 2026) adds those two right after DomainSetSet,
// which moves every x86 label up by 2: do not take labels from a newer seL4.

import type { BitLayout, ByteLayout, ConstantGroup } from "./def.ts";

const SEL4 = "seL4/seL4 ";

// ── System calls ──────────────────────────────────────────────────────────
// syscall_header_gen.py numbers the <api-master> list and then every <debug>
// <config> block with ONE counter (itertools.count(-1, -1)), whatever each
// block's condition: a call whose config is off keeps its number, and the
// numbers after it do not move. Only the #if around the enum entry changes.

export const SYSCALLS: ConstantGroup = {
  title: "System calls",
  prefix: "SYS_",
  type: "i32",
  doc: "The number in EAX at sysenter; negative, numbered as libsel4's generated seL4_Syscall_ID (non-MCS).",
  source: SEL4 + "libsel4/include/api/syscall.xml (numbered by tools/syscall_header_gen.py)",
  entries: [
    { name: "Call", value: -1, doc: "Send to a capability and wait for the reply in one step; every invocation uses it." },
    { name: "ReplyRecv", value: -2, doc: "Reply to the current caller, then wait on an endpoint or notification." },
    { name: "Send", value: -3, doc: "Send a message (blocking) to an endpoint, signal a notification, or invoke an object without a reply." },
    { name: "NBSend", value: -4, doc: "Send without blocking: the message is dropped if nobody is waiting." },
    { name: "Recv", value: -5, doc: "Wait for a message on an endpoint or a signal on a notification." },
    { name: "Reply", value: -6, doc: "Send a reply to the thread that last called this one (non-MCS reply slot)." },
    { name: "Yield", value: -7, doc: "Give up the rest of the current time slice." },
    { name: "NBRecv", value: -8, doc: "Poll an endpoint or notification without blocking." },
    { name: "DebugPutChar", value: -9, doc: "Print the character in EBX on the kernel console (CONFIG_PRINTING: on in a debug build)." },
    { name: "DebugDumpScheduler", value: -10, doc: "Print the kernel's thread list (CONFIG_PRINTING: on in a debug build)." },
    { name: "DebugHalt", value: -11, doc: "Halt the machine (CONFIG_DEBUG_BUILD: on)." },
    { name: "DebugCapIdentify", value: -12, doc: "Return in EBX the type tag (CAP_TAGS) of the capability named by EBX; 0 if null (CONFIG_DEBUG_BUILD: on)." },
    { name: "DebugSnapshot", value: -13, doc: "Request a capDL snapshot of the system (CONFIG_DEBUG_BUILD: on)." },
    { name: "DebugNameThread", value: -14, doc: "Name the TCB in EBX after the string in the IPC buffer, for kernel messages (CONFIG_DEBUG_BUILD: on)." },
    { name: "DebugSendIPI", value: -15, doc: "Numbered but absent here: needs CONFIG_DEBUG_BUILD and SMP (one core)." },
    { name: "DebugRun", value: -16, doc: "Numbered but absent here: needs CONFIG_DANGEROUS_CODE_INJECTION (off)." },
    { name: "BenchmarkFlushCaches", value: -17, doc: "Numbered but absent here: needs CONFIG_ENABLE_BENCHMARKS (off in a debug build)." },
    { name: "BenchmarkResetLog", value: -18, doc: "Numbered but absent here: needs CONFIG_ENABLE_BENCHMARKS." },
    { name: "BenchmarkFinalizeLog", value: -19, doc: "Numbered but absent here: needs CONFIG_ENABLE_BENCHMARKS." },
    { name: "BenchmarkSetLogBuffer", value: -20, doc: "Numbered but absent here: needs CONFIG_ENABLE_BENCHMARKS." },
    { name: "BenchmarkNullSyscall", value: -21, doc: "Numbered but absent here: needs CONFIG_ENABLE_BENCHMARKS." },
    { name: "BenchmarkGetThreadUtilisation", value: -22, doc: "Numbered but absent here: needs CONFIG_BENCHMARK_TRACK_UTILISATION." },
    { name: "BenchmarkResetThreadUtilisation", value: -23, doc: "Numbered but absent here: needs CONFIG_BENCHMARK_TRACK_UTILISATION." },
    { name: "BenchmarkDumpAllThreadsUtilisation", value: -24, doc: "Numbered but absent here: needs CONFIG_DEBUG_BUILD and CONFIG_BENCHMARK_TRACK_UTILISATION." },
    { name: "BenchmarkResetAllThreadsUtilisation", value: -25, doc: "Numbered but absent here: needs CONFIG_DEBUG_BUILD and CONFIG_BENCHMARK_TRACK_UTILISATION." },
    { name: "X86DangerousWRMSR", value: -26, doc: "Write any MSR; only with CONFIG_KERNEL_X86_DANGEROUS_MSR (off by default)." },
    { name: "X86DangerousRDMSR", value: -27, doc: "Read any MSR; only with CONFIG_KERNEL_X86_DANGEROUS_MSR (off by default)." },
    { name: "VMEnter", value: -28, doc: "Numbered but absent here: enter a VT-x guest, needs CONFIG_VTX (off)." },
    { name: "SetTLSBase", value: -29, doc: "Set the calling thread's TLS base to EBX (CONFIG_SET_TLS_BASE_SELF: on in the configuration matched)." },
  ],
};

// ── Invocation labels ─────────────────────────────────────────────────────
// invocation_header_gen.py emits one enum entry per <method>, in document
// order, each wrapped in #if <condition>: a method whose condition is off is
// dropped and every later label moves down. Order: InvalidInvocation,
// object-api.xml, then object-api-sel4-arch.xml (ia32: no methods), then
// object-api-arch.xml (x86), each continuing the previous count.

export const INVOCATION_LABELS: ConstantGroup = {
  title: "Invocation labels",
  prefix: "LABEL_",
  type: "u32",
  doc: "The label of an invocation's message info: which method of the invoked object is called.",
  source: SEL4 + "libsel4/include/interfaces/object-api.xml + libsel4/arch_include/x86/interfaces/object-api-arch.xml (numbered by tools/invocation_header_gen.py)",
  entries: [
    { name: "InvalidInvocation", value: 0, doc: "No method; the kernel answers IllegalOperation." },
    { name: "UntypedRetype", value: 1, doc: "Untyped: create objects of one type from this untyped memory." },
    { name: "TCBReadRegisters", value: 2, doc: "TCB: read a thread's registers (a prefix of seL4_UserContext)." },
    { name: "TCBWriteRegisters", value: 3, doc: "TCB: write a thread's registers." },
    { name: "TCBCopyRegisters", value: 4, doc: "TCB: copy frame and/or integer registers from another thread." },
    { name: "TCBConfigure", value: 5, doc: "TCB: set fault endpoint, CSpace, VSpace and IPC buffer (non-MCS form)." },
    { name: "TCBSetPriority", value: 6, doc: "TCB: set the priority, bounded by an authority's MCP." },
    { name: "TCBSetMCPriority", value: 7, doc: "TCB: set the maximum controlled priority." },
    { name: "TCBSetSchedParams", value: 8, doc: "TCB: set MCP and priority together (non-MCS form)." },
    { name: "TCBSetIPCBuffer", value: 9, doc: "TCB: set the IPC buffer address and frame." },
    { name: "TCBSetSpace", value: 10, doc: "TCB: set fault endpoint, CSpace and VSpace (non-MCS form)." },
    { name: "TCBSuspend", value: 11, doc: "TCB: make the thread inactive." },
    { name: "TCBResume", value: 12, doc: "TCB: make an inactive thread runnable." },
    { name: "TCBBindNotification", value: 13, doc: "TCB: bind a notification to the thread." },
    { name: "TCBUnbindNotification", value: 14, doc: "TCB: unbind the thread's notification." },
    { name: "TCBSetTLSBase", value: 15, doc: "TCB: set the thread's TLS base register." },
    { name: "TCBSetFlags", value: 16, doc: "TCB: clear then set seL4_TCBFlag bits (TCB_FLAGS); returns the new flags in MR0." },
    { name: "CNodeRevoke", value: 17, doc: "CNode: delete every capability derived from one slot's capability." },
    { name: "CNodeDelete", value: 18, doc: "CNode: delete the capability in a slot." },
    { name: "CNodeCancelBadgedSends", value: 19, doc: "CNode: cancel pending sends with a badged endpoint capability's badge." },
    { name: "CNodeCopy", value: 20, doc: "CNode: copy a capability, with reduced rights." },
    { name: "CNodeMint", value: 21, doc: "CNode: copy a capability with new rights and a badge or guard." },
    { name: "CNodeMove", value: 22, doc: "CNode: move a capability between slots." },
    { name: "CNodeMutate", value: 23, doc: "CNode: move a capability, setting its guard." },
    { name: "CNodeRotate", value: 24, doc: "CNode: move pivot to destination and source to pivot in one step." },
    { name: "CNodeSaveCaller", value: 25, doc: "CNode: move the thread's reply capability into a slot (non-MCS)." },
    { name: "IRQIssueIRQHandler", value: 26, doc: "IRQControl: make an IRQHandler for an ISA IRQ; on x86 with an IOAPIC (this config) it fails with IllegalOperation." },
    { name: "IRQAckIRQ", value: 27, doc: "IRQHandler: acknowledge the interrupt and unmask it." },
    { name: "IRQSetIRQHandler", value: 28, doc: "IRQHandler: set the notification the interrupt signals." },
    { name: "IRQClearIRQHandler", value: 29, doc: "IRQHandler: remove the notification." },
    { name: "DomainSetSet", value: 30, doc: "DomainSet: move a thread to a scheduling domain." },
    { name: "X86PageDirectoryMap", value: 31, doc: "Page directory: map into a VSpace (x86 interface; on ia32 the page directory is itself the VSpace root)." },
    { name: "X86PageDirectoryUnmap", value: 32, doc: "x86 page directory: unmap." },
    { name: "X86PageDirectoryGetStatusBits", value: 33, doc: "ia32 page directory: accessed and dirty bits of the page at a vaddr (CONFIG_ARCH_IA32 only)." },
    { name: "X86PageTableMap", value: 34, doc: "Page table: map into a VSpace at a vaddr." },
    { name: "X86PageTableUnmap", value: 35, doc: "Page table: unmap and clear it." },
    { name: "X86PageMap", value: 36, doc: "Frame: map into a VSpace, or change an existing mapping's rights and attributes." },
    { name: "X86PageUnmap", value: 37, doc: "Frame: unmap." },
    { name: "X86PageGetAddress", value: 38, doc: "Frame: return its physical address in MR0." },
    { name: "X86ASIDControlMakePool", value: 39, doc: "ASIDControl: turn a 4 KiB untyped into an ASID pool." },
    { name: "X86ASIDPoolAssign", value: 40, doc: "ASIDPool: give a VSpace root an ASID from the pool." },
    { name: "X86IOPortControlIssue", value: 41, doc: "IOPortControl: make an IOPort capability for a port range." },
    { name: "X86IOPortIn8", value: 42, doc: "IOPort: read 8 bits from a port." },
    { name: "X86IOPortIn16", value: 43, doc: "IOPort: read 16 bits from a port." },
    { name: "X86IOPortIn32", value: 44, doc: "IOPort: read 32 bits from a port." },
    { name: "X86IOPortOut8", value: 45, doc: "IOPort: write 8 bits to a port." },
    { name: "X86IOPortOut16", value: 46, doc: "IOPort: write 16 bits to a port." },
    { name: "X86IOPortOut32", value: 47, doc: "IOPort: write 32 bits to a port." },
    { name: "X86IRQIssueIRQHandlerIOAPIC", value: 48, doc: "IRQControl: make an IRQHandler for an IOAPIC pin and a CPU vector." },
    { name: "X86IRQIssueIRQHandlerMSI", value: 49, doc: "IRQControl: make an IRQHandler for an MSI on a PCI device and a CPU vector." },
  ],
};
// Dropped in this configuration (they would take a number if their config were on):
// object-api.xml: TCBConfigure/TCBSetSchedParams/TCBSetSpace MCS forms, TCBSetTimeoutEndpoint,
// SchedControlConfigureFlags, SchedContext* (CONFIG_KERNEL_MCS); TCBSetAffinity (SMP);
// TCBSetBreakpoint, TCBGetBreakpoint, TCBUnsetBreakpoint, TCBConfigureSingleStepping
// (CONFIG_HARDWARE_DEBUG_API). object-api-arch.xml: X86IOPageTableMap/Unmap, X86PageMapIO
// (CONFIG_IOMMU); X86PageMapEPT, TCBSetEPTRoot, X86VCPU*, X86EPT* (CONFIG_VTX).
// Derived totals: nInvocationLabels = nSeL4ArchInvocationLabels = 31, nArchInvocationLabels = 50.

// ── Objects ───────────────────────────────────────────────────────────────

export const OBJECT_TYPES: ConstantGroup = {
  title: "Object types",
  prefix: "OBJ_",
  type: "u32",
  doc: "The type argument of UntypedRetype (seL4_ObjectType then seL4_ArchObjectType, ia32, non-MCS).",
  source: SEL4 + "libsel4/include/sel4/objecttype.h + libsel4/arch_include/x86/sel4/arch/objecttype.h",
  entries: [
    { name: "Untyped", value: 0, doc: "seL4_UntypedObject: untyped memory of 2^size_bits bytes." },
    { name: "TCB", value: 1, doc: "seL4_TCBObject: a thread control block." },
    { name: "Endpoint", value: 2, doc: "seL4_EndpointObject: a synchronous IPC endpoint." },
    { name: "Notification", value: 3, doc: "seL4_NotificationObject: a word of signal bits." },
    { name: "CapTable", value: 4, doc: "seL4_CapTableObject: a CNode of 2^size_bits slots." },
    { name: "X86_4K", value: 5, doc: "seL4_X86_4K: a 4 KiB frame." },
    { name: "X86_LargePage", value: 6, doc: "seL4_X86_LargePageObject: a 4 MiB frame (ia32, no PAE)." },
    { name: "X86_PageTable", value: 7, doc: "seL4_X86_PageTableObject: a second-level page table." },
    { name: "X86_PageDirectory", value: 8, doc: "seL4_X86_PageDirectoryObject: a page directory, the ia32 VSpace root." },
  ],
};
// MCS would insert seL4_SchedContextObject and seL4_ReplyObject after CapTable (shifting the
// x86 types by 2). With IOMMU/VT-x off libsel4 defines seL4_X86_IOPageTableObject 0xffffff,
// seL4_X86_VCPUObject 0xfffffe, EPT objects 0xfffffd..0xfffffa and seL4_IA32_PDPTObject
// 0xffffffff as out-of-range values: retyping to them fails with InvalidArgument.
// seL4_ObjectTypeCount (9) is derived: one past the last entry.

export const SIZE_BITS: ConstantGroup = {
  title: "Object sizes and limits",
  prefix: "",
  type: "u32",
  doc: "libsel4's size and limit constants for ia32, under seL4's own names.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/constants.h + libsel4/include/sel4/constants.h + libsel4/mode_include/32/sel4/mode/types.h + libsel4/include/sel4/types.h",
  entries: [
    { name: "seL4_WordBits", value: 32, doc: "Bits in a machine word." },
    { name: "seL4_WordSizeBits", value: 2, doc: "log2 of the bytes in a word." },
    { name: "seL4_SlotBits", value: 4, doc: "log2 of the bytes in a CNode slot (a capability plus its MDB node)." },
    { name: "seL4_TCBBits", value: 11, doc: "log2 of the bytes in a TCB object." },
    { name: "seL4_EndpointBits", value: 4, doc: "log2 of the bytes in an endpoint." },
    { name: "seL4_NotificationBits", value: 4, doc: "log2 of the bytes in a notification (5 under MCS)." },
    { name: "seL4_PageBits", value: 12, doc: "log2 of the bytes in a small frame; also the BootInfo frame (seL4_BootInfoFrameBits)." },
    { name: "seL4_LargePageBits", value: 22, doc: "log2 of the bytes in a large frame (4 MiB, no PAE); seL4_4MBits is an alias." },
    { name: "seL4_HugePageBits", value: 30, doc: "Defined by libsel4 for ia32 but no object of this size exists there." },
    { name: "seL4_PDPTBits", value: 0, doc: "ia32 has no PDPT; libsel4 defines the size as 0." },
    { name: "seL4_PageTableBits", value: 12, doc: "log2 of the bytes in a page table." },
    { name: "seL4_PageTableEntryBits", value: 2, doc: "log2 of the bytes in a page-table entry." },
    { name: "seL4_PageTableIndexBits", value: 10, doc: "Virtual-address bits a page table resolves." },
    { name: "seL4_PageDirBits", value: 12, doc: "log2 of the bytes in a page directory; seL4_VSpaceBits is an alias." },
    { name: "seL4_PageDirEntryBits", value: 2, doc: "log2 of the bytes in a page-directory entry." },
    { name: "seL4_PageDirIndexBits", value: 10, doc: "Virtual-address bits a page directory resolves." },
    { name: "seL4_IOPageTableBits", value: 12, doc: "log2 of the bytes in an IOMMU page table (no IOMMU here)." },
    { name: "seL4_ASIDPoolBits", value: 12, doc: "log2 of the bytes in an ASID pool." },
    { name: "seL4_NumASIDPoolsBits", value: 2, doc: "log2 of the number of ASID pools ASIDControl can make." },
    { name: "seL4_ASIDPoolIndexBits", value: 10, doc: "log2 of the ASIDs in one pool." },
    { name: "seL4_MinUntypedBits", value: 4, doc: "Smallest untyped size_bits Retype accepts." },
    { name: "seL4_MaxUntypedBits", value: 29, doc: "Largest untyped size_bits Retype accepts." },
    { name: "seL4_IPCBufferSizeBits", value: 9, doc: "log2 of the IPC buffer's bytes; its address must be aligned to this." },
    { name: "seL4_BadgeBits", value: 28, doc: "Bits of a badge kept by Mint on 32-bit (the top 4 are ignored)." },
    { name: "seL4_GuardBits", value: 18, doc: "Bits of a CNode guard value in CNode capability data." },
    { name: "seL4_GuardSizeBits", value: 5, doc: "Bits of the guard-size field in CNode capability data." },
    { name: "seL4_CapRightsBits", value: 4, doc: "Bits of seL4_CapRights_t that carry rights." },
    { name: "seL4_MsgLengthBits", value: 7, doc: "Bits of the message-info length field." },
    { name: "seL4_MsgExtraCapBits", value: 2, doc: "Bits of the message-info extraCaps field." },
    { name: "seL4_MsgMaxLength", value: 120, doc: "Most message registers in one message." },
    { name: "seL4_MsgMaxExtraCaps", value: 3, doc: "Most extra capabilities in one message." },
    { name: "seL4_FastMessageRegisters", value: 2, doc: "Message registers passed in CPU registers (EDI, EBP); 1 under MCS." },
    { name: "seL4_MinPrio", value: 0, doc: "Lowest thread priority." },
    { name: "seL4_MaxPrio", value: 255, doc: "Highest thread priority (CONFIG_NUM_PRIORITIES 256 - 1)." },
    { name: "seL4_UserTop", value: 0xe0000000, doc: "First virtual address user code cannot map: the kernel window starts here." },
    { name: "seL4_UntypedRetypeMaxObjects", value: 256, doc: "Most objects one Retype may create (CONFIG_RETYPE_FAN_OUT_LIMIT, default 256)." },
    { name: "seL4_NilData", value: 0, doc: "Capability data meaning 'leave the badge or guard as it is'." },
    { name: "CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS", value: 230, doc: "Entries in BootInfo's untypedList (kernel config, default 230)." },
    { name: "CONFIG_ROOT_CNODE_SIZE_BITS", value: 13, doc: "log2 of the root task's CNode slots (2^13; its guard is 32 - 13 = 19 bits of 0)." },
    { name: "seL4_RootTaskPriority", value: 255, doc: "The root task's priority and maximum controlled priority (seL4_MaxPrio)." },
  ],
};

export const DOMAIN: ConstantGroup = {
  title: "Scheduling domains",
  prefix: "",
  type: "u32",
  doc: "Kernel configuration of the domain scheduler.",
  source: SEL4 + "config.cmake (KernelNumDomains)",
  entries: [
    // seL4's default; sel4test and sel4bench settings.cmake files often set 16. Not confirmed for the configuration matched.
    { name: "CONFIG_NUM_DOMAINS", value: 1, doc: "Number of scheduling domains (seL4's default 1): DomainSetSet rejects a domain at or above it." },
  ],
};

// ── Errors ────────────────────────────────────────────────────────────────

export const ERRORS: ConstantGroup = {
  title: "Errors",
  prefix: "seL4_",
  type: "u32",
  doc: "seL4_Error: the label of the kernel's reply when an invocation fails (0 on success).",
  source: SEL4 + "libsel4/include/sel4/errors.h",
  entries: [
    { name: "NoError", value: 0, doc: "The invocation succeeded." },
    { name: "InvalidArgument", value: 1, doc: "An argument is invalid; MR0 says which." },
    { name: "InvalidCapability", value: 2, doc: "A capability is of the wrong type or lacks rights; MR0 says which." },
    { name: "IllegalOperation", value: 3, doc: "The operation is not allowed on this object or in this state." },
    { name: "RangeError", value: 4, doc: "An argument is out of range; MR0 and MR1 give the allowed minimum and maximum." },
    { name: "AlignmentError", value: 5, doc: "An address or size is not suitably aligned." },
    { name: "FailedLookup", value: 6, doc: "A capability lookup failed; MR0 says source or destination, MR1.. describe the failure." },
    { name: "TruncatedMessage", value: 7, doc: "The message has too few words or extra capabilities." },
    { name: "DeleteFirst", value: 8, doc: "The destination slot is occupied." },
    { name: "RevokeFirst", value: 9, doc: "The object still has derived capabilities or other uses." },
    { name: "NotEnoughMemory", value: 10, doc: "The untyped has too little free memory; MR0 gives the bytes left." },
    { name: "NumErrors", value: 11, doc: "One more than the largest error code." },
  ],
};

export const LOOKUP_FAILURES: ConstantGroup = {
  title: "Lookup failure types",
  prefix: "seL4_",
  type: "u32",
  doc: "seL4_LookupFailureType: why a capability lookup failed (the kernel's lookup_fault tag + 1).",
  source: SEL4 + "libsel4/include/sel4/constants.h + src/api/faults.c (compile_assert lookup_fault_* + 1)",
  entries: [
    { name: "NoFailure", value: 0, doc: "No lookup failure." },
    { name: "InvalidRoot", value: 1, doc: "The root of the lookup is not a CNode capability." },
    { name: "MissingCapability", value: 2, doc: "A slot on the path, or the final slot, is empty or not a CNode; bitsLeft follows." },
    { name: "DepthMismatch", value: 3, doc: "The address ran out, or overran the depth, mid-CNode; bitsLeft and bitsFound follow." },
    { name: "GuardMismatch", value: 4, doc: "A CNode guard did not match; bitsLeft, guardFound and the guard size follow." },
  ],
};

// Reply to a failed invocation (src/object/endpoint.c replyFromKernel_error and
// src/object/tcb.c setMRs_syscall_error): badge register EBX = 0, message info =
// (label = error, capsUnwrapped 0, extraCaps 0, length = words below). MR0 and
// MR1 travel in EDI and EBP; MR2 and up go to the caller's IPC buffer and are
// dropped (length cut to 2) if it has none. With CONFIG_KERNEL_INVOCATION_REPORT_ERROR_IPC
// (off by default) a text message follows from MR6 (DEBUG_MESSAGE_START).
export const INVOCATION_ERROR_MRS: ConstantGroup = {
  title: "Invocation error message registers",
  prefix: "ERROR_MR_",
  type: "u32",
  doc: "Which message register carries each detail of a failed invocation's reply.",
  source: SEL4 + "src/object/tcb.c (setMRs_syscall_error) + src/api/faults.c (setMRs_lookup_failure)",
  entries: [
    { name: "InvalidArgumentNumber", value: 0, doc: "InvalidArgument: index of the bad argument among the message words." },
    { name: "InvalidCapabilityNumber", value: 0, doc: "InvalidCapability: which capability was bad (0 the invoked one, n the nth extra one)." },
    { name: "RangeErrorMin", value: 0, doc: "RangeError: smallest allowed value." },
    { name: "RangeErrorMax", value: 1, doc: "RangeError: largest allowed value." },
    { name: "FailedLookupWasSource", value: 0, doc: "FailedLookup: 1 if the failing lookup was of a source, 0 otherwise." },
    { name: "FailedLookupType", value: 1, doc: "FailedLookup: the seL4_LookupFailureType." },
    { name: "FailedLookupBitsLeft", value: 2, doc: "FailedLookup (MissingCapability, DepthMismatch, GuardMismatch): address bits left unresolved." },
    { name: "FailedLookupDepthMismatchBitsFound", value: 3, doc: "FailedLookup DepthMismatch: bits the CNode would have resolved." },
    { name: "FailedLookupGuardMismatchGuardFound", value: 3, doc: "FailedLookup GuardMismatch: the guard of the CNode where it failed." },
    { name: "FailedLookupGuardMismatchBitsFound", value: 4, doc: "FailedLookup GuardMismatch: that guard's size in bits." },
    { name: "NotEnoughMemoryBytesAvailable", value: 0, doc: "NotEnoughMemory: bytes still free in the untyped." },
  ],
};

export const INVOCATION_ERROR_LENGTHS: ConstantGroup = {
  title: "Invocation error message lengths",
  prefix: "ERROR_LENGTH_",
  type: "u32",
  doc: "The message-info length of a failed invocation's reply, per error (and per lookup failure type).",
  source: SEL4 + "src/object/tcb.c (setMRs_syscall_error) + src/api/faults.c (setMRs_lookup_failure)",
  entries: [
    { name: "InvalidArgument", value: 1, doc: "InvalidArgument replies with 1 word." },
    { name: "InvalidCapability", value: 1, doc: "InvalidCapability replies with 1 word." },
    { name: "IllegalOperation", value: 0, doc: "IllegalOperation replies with no words." },
    { name: "RangeError", value: 2, doc: "RangeError replies with 2 words." },
    { name: "AlignmentError", value: 0, doc: "AlignmentError replies with no words." },
    { name: "FailedLookupInvalidRoot", value: 2, doc: "FailedLookup, InvalidRoot: source flag and type." },
    { name: "FailedLookupMissingCapability", value: 3, doc: "FailedLookup, MissingCapability: flag, type, bitsLeft." },
    { name: "FailedLookupDepthMismatch", value: 4, doc: "FailedLookup, DepthMismatch: flag, type, bitsLeft, bitsFound." },
    { name: "FailedLookupGuardMismatch", value: 5, doc: "FailedLookup, GuardMismatch: flag, type, bitsLeft, guardFound, guard size." },
    { name: "TruncatedMessage", value: 0, doc: "TruncatedMessage replies with no words." },
    { name: "DeleteFirst", value: 0, doc: "DeleteFirst replies with no words." },
    { name: "RevokeFirst", value: 0, doc: "RevokeFirst replies with no words." },
    { name: "NotEnoughMemory", value: 1, doc: "NotEnoughMemory replies with 1 word." },
  ],
};

// ── Message words ─────────────────────────────────────────────────────────
// bitfield_gen lists a block's fields from the most significant bit down.

export const MESSAGE_INFO: BitLayout = {
  title: "Message info",
  prefix: "MSGINFO_",
  doc: "seL4_MessageInfo_t on 32-bit, the word in ESI at every IPC.",
  source: SEL4 + "libsel4/mode_include/32/sel4/shared_types.bf",
  fields: [
    { name: "label", shift: 12, width: 20, doc: "Invocation label, error code, fault type or user label." },
    { name: "capsUnwrapped", shift: 9, width: 3, doc: "Receiver side: bit i set when extra cap i was unwrapped to its badge." },
    { name: "extraCaps", shift: 7, width: 2, doc: "Number of extra capabilities (caps_or_badges)." },
    { name: "length", shift: 0, width: 7, doc: "Number of message registers." },
  ],
};

export const CAP_RIGHTS: BitLayout = {
  title: "Capability rights",
  prefix: "CAP_RIGHTS_",
  doc: "seL4_CapRights_t on 32-bit: the rights word of CNodeCopy, CNodeMint and X86PageMap.",
  source: SEL4 + "libsel4/mode_include/32/sel4/shared_types.bf",
  fields: [
    { name: "capAllowGrantReply", shift: 3, width: 1, doc: "May grant a reply capability through Call." },
    { name: "capAllowGrant", shift: 2, width: 1, doc: "May send capabilities." },
    { name: "capAllowRead", shift: 1, width: 1, doc: "May receive / read." },
    { name: "capAllowWrite", shift: 0, width: 1, doc: "May send / write." },
  ],
};

export const CNODE_CAP_DATA: BitLayout = {
  title: "CNode capability data",
  prefix: "CNODE_CAPDATA_",
  doc: "seL4_CNode_CapData on 32-bit: the guard word of CNodeMint, CNodeMutate, CNodeRotate and TCB cspace_root_data.",
  source: SEL4 + "libsel4/mode_include/32/sel4/shared_types.bf (kernel: cnode_capdata in include/object/structures.bf)",
  fields: [
    { name: "guard", shift: 8, width: 18, doc: "The guard value." },
    { name: "guardSize", shift: 3, width: 5, doc: "The guard's size in bits." },
  ],
};

// ── In-memory structures ──────────────────────────────────────────────────

export const IPC_BUFFER: ByteLayout = {
  title: "IPC buffer",
  prefix: "IPC_BUFFER_",
  size: 512,
  doc: "seL4_IPCBuffer on ia32; 512-byte aligned, within one page.",
  source: SEL4 + "libsel4/include/sel4/shared_types.h",
  fields: [
    { name: "tag", offset: 0, size: 4, doc: "Message info; libsel4 keeps a copy here (the kernel uses ESI)." },
    { name: "msg", offset: 4, size: 4, count: 120, doc: "Message registers; MR0 and MR1 travel in EDI and EBP instead." },
    { name: "userData", offset: 484, size: 4, doc: "Free for the user: libsel4 keeps the buffer's own address here." },
    { name: "caps_or_badges", offset: 488, size: 4, count: 3, doc: "Send: extra capability pointers. Receive: badges of unwrapped caps." },
    { name: "receiveCNode", offset: 500, size: 4, doc: "Receive: CNode (root-relative CPtr) for a received capability." },
    { name: "receiveIndex", offset: 504, size: 4, doc: "Receive: slot index in that CNode." },
    { name: "receiveDepth", offset: 508, size: 4, doc: "Receive: bits of receiveIndex to resolve." },
  ],
};

export const SLOT_REGION: ByteLayout = {
  title: "Slot region",
  prefix: "SLOT_REGION_",
  size: 8,
  doc: "seL4_SlotRegion: a half-open range of root CNode slots.",
  source: SEL4 + "libsel4/include/sel4/bootinfo_types.h",
  fields: [
    { name: "start", offset: 0, size: 4, doc: "First slot of the region." },
    { name: "end", offset: 4, size: 4, doc: "First slot after the region." },
  ],
};

export const UNTYPED_DESC: ByteLayout = {
  title: "Untyped descriptor",
  prefix: "UNTYPED_DESC_",
  size: 8,
  doc: "seL4_UntypedDesc: one untyped capability handed to the root task.",
  source: SEL4 + "libsel4/include/sel4/bootinfo_types.h",
  fields: [
    { name: "paddr", offset: 0, size: 4, doc: "Physical address of the untyped." },
    { name: "sizeBits", offset: 4, size: 1, doc: "log2 of its size in bytes." },
    { name: "isDevice", offset: 5, size: 1, doc: "1 for device memory, 0 for RAM." },
    { name: "padding", offset: 6, size: 1, count: 2, doc: "Pads the descriptor to two words." },
  ],
};

export const BOOTINFO: ByteLayout = {
  title: "BootInfo",
  prefix: "BI_",
  size: 1924,
  doc: "seL4_BootInfo on ia32 non-MCS, at the root task's BootInfo frame; EBX points to it at entry.",
  source: SEL4 + "libsel4/include/sel4/bootinfo_types.h",
  fields: [
    { name: "extraLen", offset: 0, size: 4, doc: "Bytes of extra BootInfo chunks, which start 4 KiB after BootInfo." },
    { name: "nodeID", offset: 4, size: 4, doc: "This node's number (0 on one core)." },
    { name: "numNodes", offset: 8, size: 4, doc: "Number of nodes (1 on one core)." },
    { name: "numIOPTLevels", offset: 12, size: 4, doc: "IOMMU page-table levels (0 without an IOMMU)." },
    { name: "ipcBuffer", offset: 16, size: 4, doc: "The root task's IPC buffer address." },
    { name: "empty", offset: 20, size: 8, doc: "Slot region: empty root CNode slots." },
    { name: "sharedFrames", offset: 28, size: 8, doc: "Slot region: frames shared between nodes (empty)." },
    { name: "userImageFrames", offset: 36, size: 8, doc: "Slot region: frame capabilities of the root task's image." },
    { name: "userImagePaging", offset: 44, size: 8, doc: "Slot region: page-table capabilities of the root task's image." },
    { name: "ioSpaceCaps", offset: 52, size: 8, doc: "Slot region: IOSpace capabilities (empty without an IOMMU)." },
    { name: "extraBIPages", offset: 60, size: 8, doc: "Slot region: frames holding the extra BootInfo." },
    { name: "initThreadCNodeSizeBits", offset: 68, size: 4, doc: "log2 of the root CNode's slots." },
    { name: "initThreadDomain", offset: 72, size: 4, doc: "The root task's scheduling domain." },
    // MCS inserts `schedcontrol` (a slot region) here, moving the next two fields by 8.
    { name: "untyped", offset: 76, size: 8, doc: "Slot region: the untyped capabilities, in untypedList order." },
    { name: "untypedList", offset: 84, size: 8, count: 230, doc: "One UNTYPED_DESC per untyped capability." },
  ],
};

export const EXTRA_BOOTINFO_HEADER: ByteLayout = {
  title: "Extra BootInfo chunk header",
  prefix: "BI_HEADER_",
  size: 8,
  doc: "seL4_BootInfoHeader: starts each chunk of extra BootInfo.",
  source: SEL4 + "libsel4/include/sel4/bootinfo_types.h",
  fields: [
    { name: "id", offset: 0, size: 4, doc: "What the chunk holds (EXTRA_BOOTINFO_IDS)." },
    { name: "len", offset: 4, size: 4, doc: "Bytes in the chunk, header included; a walker hangs on 0." },
  ],
};

export const EXTRA_BOOTINFO_IDS: ConstantGroup = {
  title: "Extra BootInfo chunk IDs",
  prefix: "SEL4_BOOTINFO_HEADER_",
  type: "u32",
  doc: "seL4_BootInfoID: one namespace for every architecture.",
  source: SEL4 + "libsel4/include/sel4/bootinfo_types.h",
  entries: [
    { name: "PADDING", value: 0, doc: "Padding; skip it." },
    { name: "X86_VBE", value: 1, doc: "VESA BIOS Extensions information (seL4_X86_BootInfo_VBE)." },
    { name: "X86_MBMMAP", value: 2, doc: "The multiboot memory map (seL4_X86_BootInfo_mmap_t)." },
    { name: "X86_ACPI_RSDP", value: 3, doc: "A copy of the ACPI RSDP." },
    { name: "X86_FRAMEBUFFER", value: 4, doc: "The multiboot2 framebuffer tag." },
    { name: "X86_TSC_FREQ", value: 5, doc: "TSC frequency in MHz, one u32; seL4's x86 test driver needs it." },
    { name: "FDT", value: 6, doc: "A flattened device tree (not used on x86)." },
    { name: "NUM", value: 7, doc: "First ID seL4 does not use: a tsos-only chunk must take an ID from here up." },
  ],
};

export const ACPI_RSDP: ByteLayout = {
  title: "ACPI RSDP",
  prefix: "ACPI_RSDP_",
  size: 36,
  doc: "acpi_rsdp_t, the ACPI 2.0 Root System Description Pointer: the SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP chunk holds a copy of it after its header.",
  source: SEL4 + "include/plat/pc99/plat/machine/acpi.h (acpi_rsdp_t); ACPI 6.4, 5.2.5.3",
  fields: [
    { name: "signature", offset: 0, size: 8, doc: "\"RSD PTR \" (with the trailing space), not NUL-terminated." },
    { name: "checksum", offset: 8, size: 1, doc: "Makes the first ACPI_RSDP_LENGTH bytes (ACPI 1.0's RSDP) sum to 0 mod 256." },
    { name: "oemId", offset: 9, size: 6, doc: "The firmware vendor." },
    { name: "revision", offset: 15, size: 1, doc: "0 for ACPI 1.0 (only the fields before length exist), 2 for ACPI 2.0 and later." },
    { name: "rsdtAddress", offset: 16, size: 4, doc: "Physical address of the RSDT." },
    { name: "length", offset: 20, size: 4, doc: "ACPI 2.0: bytes in the whole RSDP; ACPI 1.0's RSDP ends here." },
    { name: "xsdtAddress", offset: 24, size: 8, doc: "ACPI 2.0: physical address of the XSDT." },
    { name: "extendedChecksum", offset: 32, size: 1, doc: "ACPI 2.0: makes all ACPI_RSDP_SIZE bytes sum to 0 mod 256." },
    { name: "reserved", offset: 33, size: 3, doc: "Reserved." },
  ],
};

export const INITIAL_CAPS: ConstantGroup = {
  title: "Initial capabilities",
  prefix: "seL4_",
  type: "u32",
  doc: "Fixed slots of the root task's CNode.",
  source: SEL4 + "libsel4/include/sel4/bootinfo_types.h",
  entries: [
    { name: "CapNull", value: 0, doc: "Always empty." },
    { name: "CapInitThreadTCB", value: 1, doc: "The root task's TCB." },
    { name: "CapInitThreadCNode", value: 2, doc: "The root task's CNode (seL4_CapInitThreadCNode)." },
    { name: "CapInitThreadVSpace", value: 3, doc: "The root task's page directory (alias seL4_CapInitThreadPD)." },
    { name: "CapIRQControl", value: 4, doc: "IRQControl." },
    { name: "CapASIDControl", value: 5, doc: "ASIDControl." },
    { name: "CapInitThreadASIDPool", value: 6, doc: "The root task's ASID pool." },
    { name: "CapIOPortControl", value: 7, doc: "IOPortControl (older libsel4 calls it seL4_CapIOPort)." },
    { name: "CapIOSpace", value: 8, doc: "IOSpace; null without an IOMMU." },
    { name: "CapBootInfoFrame", value: 9, doc: "The BootInfo frame." },
    { name: "CapInitThreadIPCBuffer", value: 10, doc: "The root task's IPC buffer frame." },
    { name: "CapDomain", value: 11, doc: "DomainSet." },
    { name: "CapSMMUSIDControl", value: 12, doc: "Arm SMMU only: null here." },
    { name: "CapSMMUCBControl", value: 13, doc: "Arm SMMU only: null here." },
    { name: "CapInitThreadSC", value: 14, doc: "MCS only (root scheduling context): null here." },
    { name: "CapSMC", value: 15, doc: "Arm SMC only: null here." },
    { name: "NumInitialCaps", value: 16, doc: "Slots reserved for the above; the first free slot." },
  ],
};

export const USER_CONTEXT: ByteLayout = {
  title: "User context",
  prefix: "USER_CONTEXT_",
  size: 48,
  doc: "seL4_UserContext on ia32: the register order of TCBReadRegisters and TCBWriteRegisters.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/types.h + libsel4/sel4_arch_include/ia32/interfaces/object-api-sel4-arch.xml",
  fields: [
    { name: "eip", offset: 0, size: 4, doc: "Frame register: instruction pointer." },
    { name: "esp", offset: 4, size: 4, doc: "Frame register: stack pointer." },
    { name: "eflags", offset: 8, size: 4, doc: "Frame register: flags." },
    { name: "eax", offset: 12, size: 4, doc: "Frame register." },
    { name: "ebx", offset: 16, size: 4, doc: "Frame register." },
    { name: "ecx", offset: 20, size: 4, doc: "Frame register." },
    { name: "edx", offset: 24, size: 4, doc: "Frame register." },
    { name: "esi", offset: 28, size: 4, doc: "Frame register." },
    { name: "edi", offset: 32, size: 4, doc: "Frame register." },
    { name: "ebp", offset: 36, size: 4, doc: "Frame register (the last of 10; CopyRegisters transfer_frame)." },
    { name: "fs_base", offset: 40, size: 4, doc: "Integer (gp) register: FS segment base (CopyRegisters transfer_integer)." },
    { name: "gs_base", offset: 44, size: 4, doc: "Integer (gp) register: GS segment base, the TLS base." },
  ],
};

// ── Faults ────────────────────────────────────────────────────────────────
// A fault message's label is the fault type, its length the Length entry.
// Replying to UnknownSyscall or UserException with label 0 resumes the thread
// with the reply's MRs copied into the listed registers.

export const FAULT_TYPES: ConstantGroup = {
  title: "Fault types",
  prefix: "seL4_Fault_",
  type: "u32",
  doc: "The seL4_FaultType tag: the label of a fault message on x86 (non-MCS).",
  source: SEL4 + "libsel4/arch_include/x86/sel4/arch/shared_types.bf",
  entries: [
    { name: "NullFault", value: 0, doc: "No fault." },
    { name: "CapFault", value: 1, doc: "A capability lookup failed during IPC." },
    { name: "UnknownSyscall", value: 2, doc: "The thread made a system call the kernel does not have." },
    { name: "UserException", value: 3, doc: "A CPU exception other than a page fault." },
    { name: "DebugException", value: 4, doc: "Only with CONFIG_HARDWARE_DEBUG_API (off here); the number stays reserved." },
    { name: "VMFault", value: 5, doc: "A page fault (6 under MCS, where Timeout takes 5)." },
  ],
};

export const FAULT_CAP_MRS: ConstantGroup = {
  title: "Cap fault message",
  prefix: "seL4_CapFault_",
  type: "u32",
  doc: "seL4_CapFault_Msg: length 4, 5, 6 or 7 for InvalidRoot .. GuardMismatch (seL4 defines no Length).",
  source: SEL4 + "libsel4/include/sel4/shared_types.h + src/api/faults.c",
  entries: [
    { name: "IP", value: 0, doc: "Instruction pointer of the faulting thread." },
    { name: "Addr", value: 1, doc: "The capability address that failed." },
    { name: "InRecvPhase", value: 2, doc: "1 if the failure was in the receive phase of Call/ReplyRecv." },
    { name: "LookupFailureType", value: 3, doc: "The seL4_LookupFailureType." },
    { name: "BitsLeft", value: 4, doc: "Address bits left unresolved (all types but InvalidRoot)." },
    { name: "DepthMismatch_BitsFound", value: 5, doc: "DepthMismatch: bits the CNode would have resolved." },
    { name: "GuardMismatch_GuardFound", value: 5, doc: "GuardMismatch: the guard found." },
    { name: "GuardMismatch_BitsFound", value: 6, doc: "GuardMismatch: the guard's size in bits." },
  ],
};

export const FAULT_UNKNOWN_SYSCALL_MRS: ConstantGroup = {
  title: "Unknown-syscall fault message",
  prefix: "seL4_UnknownSyscall_",
  type: "u32",
  doc: "seL4_UnknownSyscall_Msg on ia32; a label-0 reply writes MR0..MR9 back to these registers.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/constants.h",
  entries: [
    { name: "EAX", value: 0, doc: "EAX (the syscall number)." },
    { name: "EBX", value: 1, doc: "EBX." },
    { name: "ECX", value: 2, doc: "ECX." },
    { name: "EDX", value: 3, doc: "EDX." },
    { name: "ESI", value: 4, doc: "ESI." },
    { name: "EDI", value: 5, doc: "EDI." },
    { name: "EBP", value: 6, doc: "EBP." },
    { name: "FaultIP", value: 7, doc: "Address of the system call instruction." },
    { name: "SP", value: 8, doc: "ESP." },
    { name: "FLAGS", value: 9, doc: "EFLAGS." },
    { name: "Syscall", value: 10, doc: "The system call number." },
    { name: "Length", value: 11, doc: "Words in the message." },
  ],
};

export const FAULT_USER_EXCEPTION_MRS: ConstantGroup = {
  title: "User-exception fault message",
  prefix: "seL4_UserException_",
  type: "u32",
  doc: "seL4_UserException_Msg on ia32; a label-0 reply writes MR0..MR2 back to EIP, ESP, EFLAGS.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/constants.h",
  entries: [
    { name: "FaultIP", value: 0, doc: "EIP at the exception." },
    { name: "SP", value: 1, doc: "ESP." },
    { name: "FLAGS", value: 2, doc: "EFLAGS." },
    { name: "Number", value: 3, doc: "The CPU exception vector." },
    { name: "Code", value: 4, doc: "The CPU error code (0 if the exception has none)." },
    { name: "Length", value: 5, doc: "Words in the message." },
  ],
};

export const FAULT_VM_MRS: ConstantGroup = {
  title: "VM fault message",
  prefix: "seL4_VMFault_",
  type: "u32",
  doc: "seL4_VMFault_Msg on ia32.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/constants.h",
  entries: [
    { name: "IP", value: 0, doc: "EIP at the fault." },
    { name: "Addr", value: 1, doc: "The faulting address (CR2)." },
    { name: "PrefetchFault", value: 2, doc: "1 for an instruction fetch, 0 for a data access (VM_FAULT_KINDS)." },
    { name: "FSR", value: 3, doc: "The page-fault error code." },
    { name: "Length", value: 4, doc: "Words in the message." },
  ],
};

export const VM_FAULT_KINDS: ConstantGroup = {
  title: "VM fault kinds",
  prefix: "",
  type: "u32",
  doc: "Values of the VM fault PrefetchFault word.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/constants.h",
  entries: [
    { name: "seL4_DataFault", value: 0, doc: "The fault was a data access." },
    { name: "seL4_InstructionFault", value: 1, doc: "The fault was an instruction fetch." },
  ],
};

// ── Capability types ──────────────────────────────────────────────────────

export const CAP_TAGS: ConstantGroup = {
  title: "Capability type tags",
  prefix: "CAP_",
  type: "u32",
  doc: "The kernel's `cap` tagged-union tags on ia32, as DebugCapIdentify returns them.",
  source: SEL4 + "include/arch/x86/arch/32/mode/object/structures.bf (tagged_union cap capType)",
  entries: [
    { name: "null_cap", value: 0, doc: "Empty slot." },
    { name: "frame_cap", value: 1, doc: "A frame (4 KiB or 4 MiB)." },
    { name: "untyped_cap", value: 2, doc: "Untyped memory." },
    { name: "page_table_cap", value: 3, doc: "A page table." },
    { name: "endpoint_cap", value: 4, doc: "An endpoint." },
    { name: "page_directory_cap", value: 5, doc: "A page directory." },
    { name: "notification_cap", value: 6, doc: "A notification." },
    { name: "reply_cap", value: 8, doc: "A reply capability." },
    { name: "asid_control_cap", value: 9, doc: "ASIDControl." },
    { name: "cnode_cap", value: 10, doc: "A CNode." },
    { name: "asid_pool_cap", value: 11, doc: "An ASID pool." },
    { name: "thread_cap", value: 12, doc: "A TCB." },
    { name: "io_space_cap", value: 13, doc: "IOSpace; only with CONFIG_IOMMU (off here)." },
    { name: "irq_control_cap", value: 0x0e, doc: "IRQControl (8-bit tag)." },
    { name: "io_page_table_cap", value: 0x0f, doc: "IOMMU page table; only with CONFIG_IOMMU (off here)." },
    { name: "irq_handler_cap", value: 0x1e, doc: "An IRQHandler." },
    { name: "io_port_cap", value: 0x1f, doc: "An IOPort range." },
    { name: "zombie_cap", value: 0x2e, doc: "A TCB or CNode being deleted (kernel-internal)." },
    { name: "vcpu_cap", value: 0x2f, doc: "VCPU; only with CONFIG_VTX (off here)." },
    { name: "domain_cap", value: 0x3e, doc: "DomainSet." },
    { name: "ept_pt_cap", value: 0x3f, doc: "EPT page table; only with CONFIG_VTX (off here)." },
    { name: "sched_context_cap", value: 0x4e, doc: "Scheduling context; only with CONFIG_KERNEL_MCS (off here)." },
    { name: "ept_pd_cap", value: 0x4f, doc: "EPT page directory; only with CONFIG_VTX (off here)." },
    { name: "sched_control_cap", value: 0x5e, doc: "SchedControl; only with CONFIG_KERNEL_MCS (off here)." },
    { name: "ept_pdpt_cap", value: 0x5f, doc: "EPT PDPT; only with CONFIG_VTX (off here)." },
    { name: "ept_pml4_cap", value: 0x6f, doc: "EPT PML4; only with CONFIG_VTX (off here)." },
    { name: "io_port_control_cap", value: 0x7f, doc: "IOPortControl." },
  ],
};
// A 4-bit tag whose low nibble is 0xe or 0xf marks an 8-bit tag; odd tags are arch caps
// (isArchCap). Tag 7 is free on ia32 (x86_64 uses it for pdpt_cap).

// ── x86 specifics ─────────────────────────────────────────────────────────

export const X86_VM_ATTRIBUTES: ConstantGroup = {
  title: "x86 VM attributes",
  prefix: "seL4_X86_",
  type: "u32",
  doc: "seL4_X86_VMAttributes: the attr word of page, page-table and page-directory Map (PAT bit 2, PCD bit 1, PWT bit 0).",
  source: SEL4 + "libsel4/arch_include/x86/sel4/arch/types.h",
  entries: [
    { name: "Default_VMAttributes", value: 0, doc: "Default: write-back." },
    { name: "WriteBack", value: 0, doc: "Write-back caching." },
    { name: "WriteThrough", value: 1, doc: "Write-through caching (PWT)." },
    { name: "CacheDisabled", value: 2, doc: "Caching disabled (PCD)." },
    { name: "Uncacheable", value: 3, doc: "Uncacheable (PCD and PWT)." },
    { name: "WriteCombining", value: 4, doc: "Write-combining (PAT)." },
  ],
};

export const X86_PD_GET_STATUS_BITS_MRS: ConstantGroup = {
  title: "ia32 PageDirectory GetStatusBits reply",
  prefix: "X86_PD_STATUS_MR_",
  type: "u32",
  doc: "seL4_X86_PageDirectory_GetStatusBits: request MR0 = vaddr; on success the reply carries these words.",
  source: SEL4 + "libsel4/arch_include/x86/interfaces/object-api-arch.xml (out params, marshalled by tools/syscall_stub_gen.py)",
  entries: [
    { name: "Accessed", value: 0, doc: "Nonzero if the page at vaddr was accessed." },
    { name: "Dirty", value: 1, doc: "Nonzero if the page at vaddr was written." },
  ],
};

export const X86_IRQ_VECTORS: ConstantGroup = {
  title: "x86 IRQ vectors",
  prefix: "",
  type: "u32",
  doc: "The vector argument of GetIOAPIC and GetMSI, and how it maps to a CPU vector.",
  source: SEL4 + "libsel4/arch_include/x86/sel4/arch/constants.h",
  entries: [
    { name: "IRQ_OFFSET", value: 0x30, doc: "User vector v is CPU vector IRQ_OFFSET + v (program MSIs with that)." },
    { name: "VECTOR_MIN", value: 0, doc: "Smallest vector GetIOAPIC and GetMSI accept." },
    { name: "VECTOR_MAX", value: 109, doc: "Largest vector GetIOAPIC and GetMSI accept." },
  ],
};

export const IA32_GDT_SELECTORS: ConstantGroup = {
  title: "ia32 user segment selectors",
  prefix: "",
  type: "u32",
  doc: "libsel4's (legacy) names for the GDT entries behind FS and GS; per DESIGN.md the TLS base is in GS, entry 7.",
  source: SEL4 + "libsel4/sel4_arch_include/ia32/sel4/sel4_arch/constants.h",
  entries: [
    { name: "TLS_GDT_ENTRY", value: 6, doc: "GDT entry behind FS (fs_base)." },
    { name: "TLS_GDT_SELECTOR", value: 0x33, doc: "The FS selector user code runs with." },
    { name: "IPCBUF_GDT_ENTRY", value: 7, doc: "GDT entry behind GS (gs_base)." },
    { name: "IPCBUF_GDT_SELECTOR", value: 0x3b, doc: "The GS selector user code runs with." },
  ],
};

export const TCB_FLAGS: ConstantGroup = {
  title: "TCB flags",
  prefix: "seL4_TCBFlag_",
  type: "u32",
  doc: "seL4_TCBFlag bits for TCBSetFlags (seL4_TCBFlag_MASK is their OR).",
  source: SEL4 + "libsel4/include/sel4/constants.h",
  entries: [
    { name: "NoFlag", value: 0, doc: "No flags: a new TCB starts so." },
    // Guarded by the kernel having an FPU (CONFIG_HAVE_FPU, always on x86); read from a preprocessed copy, not the header itself.
    { name: "fpuDisabled", value: 1, doc: "The thread may not use the FPU: FPU instructions fault, and no FPU state is switched." },
  ],
};
