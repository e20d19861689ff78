// libs/abi/invocations.def.ts: every invocation of our label set, its parameters in seL4's order.
//
// Owns: for each invocation label (INVOCATION_LABELS in sel4.def.ts), the
// libsel4 name of its wrapper, its input parameters in the order of seL4's
// interface XML (object-api.xml, object-api-arch.xml for x86), their types,
// and its output parameters; plus the type table that says how each type
// travels (libsel4's tools/syscall_stub_gen.py). build/abigen.ts renders
// libs/user/invocations.gen.ts from it: one typed wrapper per invocation.
// Must not: hold a label number (the wrappers import LABEL_* from
// sel4.gen.ts), hold logic, or change a parameter's order or type without
// a seL4 source.
//
// Marshalling, as syscall_stub_gen.py does it: the invoked capability is
// _service (EBX); every other capability parameter becomes an extra cap
// (caps_or_badges[0..], in order); the other parameters are packed into
// message registers in order, each aligned to min(its width, a word), so a
// seL4_Bool (1 bit) and a seL4_Uint8 can share a word (TCB ReadRegisters:
// MR0 = suspend_source | arch_flags << 8) while a word after a byte starts
// a new register. A struct (seL4_UserContext) takes one register per field.
// Outputs are read back from the reply's registers in the same packing.

import type { InvocationInterface, InvocationParam, StubType } from "./def.ts";
import { USER_CONTEXT } from "./sel4.def.ts";

const XML = "seL4/seL4 libsel4/include/interfaces/object-api.xml";
const XML_X86 = "seL4/seL4 libsel4/arch_include/x86/interfaces/object-api-arch.xml";

/** libsel4's type table for ia32 (tools/syscall_stub_gen.py, init_data_types and init_arch_types). */
export const STUB_TYPES: StubType[] = [
  { name: "seL4_Word", kind: "value", bits: 32, asType: "u32", doc: "A machine word." },
  { name: "seL4_Uint8", kind: "value", bits: 8, asType: "u32", doc: "8 bits, masked." },
  { name: "seL4_Uint16", kind: "value", bits: 16, asType: "u32", doc: "16 bits, masked." },
  { name: "seL4_Uint32", kind: "value", bits: 32, asType: "u32", doc: "32 bits." },
  { name: "seL4_Bool", kind: "value", bits: 1, asType: "bool", doc: "One bit when packed." },
  { name: "seL4_CapRights_t", kind: "value", bits: 32, asType: "u32", doc: "The rights word (CAP_RIGHTS bits)." },
  { name: "seL4_X86_VMAttributes", kind: "value", bits: 32, asType: "u32", doc: "The attributes word (seL4_X86_* VM attributes)." },
  { name: "seL4_UserContext", kind: "struct", bits: 0, asType: "usize", layout: USER_CONTEXT, doc: "Address of a seL4_UserContext; one register per field." },
  { name: "seL4_CPtr", kind: "cap", bits: 0, asType: "u32", doc: "A capability pointer: an extra cap." },
  { name: "seL4_CNode", kind: "cap", bits: 0, asType: "u32", doc: "A CNode capability: an extra cap." },
  { name: "seL4_TCB", kind: "cap", bits: 0, asType: "u32", doc: "A TCB capability: an extra cap." },
  { name: "seL4_Untyped", kind: "cap", bits: 0, asType: "u32", doc: "An untyped capability: an extra cap." },
];

// Parameter runs that several methods share, in the XML's words.
const SLOT_IN_SERVICE: InvocationParam[] = [
  { name: "index", type: "seL4_Word", doc: "CPtr of the slot, from _service." },
  { name: "depth", type: "seL4_Uint8", doc: "Bits of index to resolve." },
];
const DEST_AND_SOURCE: InvocationParam[] = [
  { name: "dest_index", type: "seL4_Word", doc: "CPtr of the destination slot, from _service." },
  { name: "dest_depth", type: "seL4_Uint8", doc: "Bits of dest_index to resolve." },
  { name: "src_root", type: "seL4_CNode", doc: "CNode at the root of the source CSpace." },
  { name: "src_index", type: "seL4_Word", doc: "CPtr of the source slot, from src_root." },
  { name: "src_depth", type: "seL4_Uint8", doc: "Bits of src_index to resolve." },
];
const DEST_SLOT: InvocationParam[] = [
  { name: "root", type: "seL4_CNode", doc: "CNode at the root of the destination CSpace." },
  { name: "index", type: "seL4_Word", doc: "CPtr of the destination slot, from root." },
  { name: "depth", type: "seL4_Uint8", doc: "Bits of index to resolve." },
];
const MAP_AT: InvocationParam[] = [
  { name: "vspace", type: "seL4_CPtr", doc: "The VSpace root." },
  { name: "vaddr", type: "seL4_Word", doc: "The virtual address." },
];
const ATTR: InvocationParam = { name: "attr", type: "seL4_X86_VMAttributes", doc: "VM attributes (seL4_X86_*)." };
const PORT_IN: InvocationParam[] = [{ name: "port", type: "seL4_Uint16", doc: "The port." }];
const PORT_OUT: InvocationParam[] = [
  { name: "port", type: "seL4_Word", doc: "The port." },
  { name: "data", type: "seL4_Word", doc: "The value (its low 8, 16 or 32 bits)." },
];
const IN_RESULT = (type: string): InvocationParam[] => [{ name: "result", type, doc: "The value read." }];

/** The object interfaces, in the XML's document order (the order of their labels). */
export const INVOCATION_INTERFACES: InvocationInterface[] = [
  {
    name: "seL4_Untyped",
    service: "The untyped capability to retype.",
    source: XML,
    methods: [
      {
        label: "UntypedRetype", name: "Retype", doc: "Create num_objects objects of one type from the untyped's free memory.",
        params: [
          { name: "type", type: "seL4_Word", doc: "The object type (OBJ_*)." },
          { name: "size_bits", type: "seL4_Word", doc: "log2 size of variable-sized objects (CNode slots, untyped bytes)." },
          { name: "root", type: "seL4_CNode", doc: "CNode at the root of the destination CSpace." },
          { name: "node_index", type: "seL4_Word", doc: "CPtr to the destination CNode, resolved from root." },
          { name: "node_depth", type: "seL4_Word", doc: "Bits of node_index to resolve." },
          { name: "node_offset", type: "seL4_Word", doc: "First slot in the destination CNode." },
          { name: "num_objects", type: "seL4_Word", doc: "How many objects (and capabilities) to create." },
        ],
      },
    ],
  },
  {
    name: "seL4_TCB",
    service: "The TCB operated on.",
    source: XML,
    methods: [
      {
        label: "TCBReadRegisters", name: "ReadRegisters", doc: "Read the first count registers of a thread into a seL4_UserContext.",
        params: [
          { name: "suspend_source", type: "seL4_Bool", doc: "Also suspend the thread." },
          { name: "arch_flags", type: "seL4_Uint8", doc: "Architecture flags (no meaning on x86)." },
          { name: "count", type: "seL4_Word", doc: "Number of registers to read." },
        ],
        out: [{ name: "regs", type: "seL4_UserContext", doc: "Where the registers go (written only on success)." }],
      },
      {
        label: "TCBWriteRegisters", name: "WriteRegisters", doc: "Set the first count registers of a thread from a seL4_UserContext.",
        params: [
          { name: "resume_target", type: "seL4_Bool", doc: "Also resume the thread." },
          { name: "arch_flags", type: "seL4_Uint8", doc: "Architecture flags (no meaning on x86)." },
          { name: "count", type: "seL4_Word", doc: "Number of registers to write." },
          { name: "regs", type: "seL4_UserContext", doc: "The new register values." },
        ],
      },
      {
        label: "TCBCopyRegisters", name: "CopyRegisters", doc: "Copy registers from another thread to this one (the destination).",
        params: [
          { name: "source", type: "seL4_TCB", doc: "The source thread." },
          { name: "suspend_source", type: "seL4_Bool", doc: "Also suspend the source." },
          { name: "resume_target", type: "seL4_Bool", doc: "Also resume the destination." },
          { name: "transfer_frame", type: "seL4_Bool", doc: "Copy the frame registers (eip .. ebp)." },
          { name: "transfer_integer", type: "seL4_Bool", doc: "Copy the integer registers (fs_base, gs_base)." },
          { name: "arch_flags", type: "seL4_Uint8", doc: "Architecture flags (no meaning on x86)." },
        ],
      },
      {
        label: "TCBConfigure", name: "Configure", doc: "Set fault endpoint, CSpace, VSpace and IPC buffer (non-MCS).",
        params: [
          { name: "fault_ep", type: "seL4_Word", doc: "CPtr, in the thread's own CSpace, of its fault endpoint (a word, not an extra cap)." },
          { name: "cspace_root", type: "seL4_CNode", doc: "The new CSpace root." },
          { name: "cspace_root_data", type: "seL4_Word", doc: "New guard for the CSpace root (CNODE_CAPDATA), 0 for none." },
          { name: "vspace_root", type: "seL4_CPtr", doc: "The new VSpace root." },
          { name: "vspace_root_data", type: "seL4_Word", doc: "No effect on x86." },
          { name: "buffer", type: "seL4_Word", doc: "The IPC buffer's address (512-byte aligned)." },
          { name: "bufferFrame", type: "seL4_CPtr", doc: "The frame holding the IPC buffer." },
        ],
      },
      {
        label: "TCBSetPriority", name: "SetPriority", doc: "Set the priority, bounded by the authority's MCP.",
        params: [
          { name: "authority", type: "seL4_TCB", doc: "The TCB whose MCP bounds the priority." },
          { name: "priority", type: "seL4_Word", doc: "The new priority." },
        ],
      },
      {
        label: "TCBSetMCPriority", name: "SetMCPriority", doc: "Set the maximum controlled priority, bounded by the authority's MCP.",
        params: [
          { name: "authority", type: "seL4_TCB", doc: "The TCB whose MCP bounds the new MCP." },
          { name: "mcp", type: "seL4_Word", doc: "The new MCP." },
        ],
      },
      {
        label: "TCBSetSchedParams", name: "SetSchedParams", doc: "Set MCP and priority together (non-MCS).",
        params: [
          { name: "authority", type: "seL4_TCB", doc: "The TCB whose MCP bounds both." },
          { name: "mcp", type: "seL4_Word", doc: "The new MCP." },
          { name: "priority", type: "seL4_Word", doc: "The new priority." },
        ],
      },
      {
        label: "TCBSetIPCBuffer", name: "SetIPCBuffer", doc: "Set the IPC buffer's address and frame.",
        params: [
          { name: "buffer", type: "seL4_Word", doc: "The IPC buffer's address (512-byte aligned)." },
          { name: "bufferFrame", type: "seL4_CPtr", doc: "The frame holding it." },
        ],
      },
      {
        label: "TCBSetSpace", name: "SetSpace", doc: "Set fault endpoint, CSpace and VSpace (non-MCS).",
        params: [
          { name: "fault_ep", type: "seL4_Word", doc: "CPtr of the fault endpoint in the thread's CSpace (a word)." },
          { name: "cspace_root", type: "seL4_CNode", doc: "The new CSpace root." },
          { name: "cspace_root_data", type: "seL4_Word", doc: "New guard for the CSpace root, 0 for none." },
          { name: "vspace_root", type: "seL4_CPtr", doc: "The new VSpace root." },
          { name: "vspace_root_data", type: "seL4_Word", doc: "No effect on x86." },
        ],
      },
      { label: "TCBSuspend", name: "Suspend", doc: "Make the thread inactive.", params: [] },
      { label: "TCBResume", name: "Resume", doc: "Make an inactive thread runnable.", params: [] },
      {
        label: "TCBBindNotification", name: "BindNotification", doc: "Bind a notification to the thread.",
        params: [{ name: "notification", type: "seL4_CPtr", doc: "The notification (needs Read)." }],
      },
      { label: "TCBUnbindNotification", name: "UnbindNotification", doc: "Unbind the thread's notification.", params: [] },
      {
        label: "TCBSetTLSBase", name: "SetTLSBase", doc: "Set the thread's TLS base.",
        params: [{ name: "tls_base", type: "seL4_Word", doc: "The new TLS base." }],
      },
      {
        label: "TCBSetFlags", name: "SetFlags", doc: "Clear, then set, seL4_TCBFlag bits; returns the resulting flags.",
        params: [
          { name: "clear", type: "seL4_Word", doc: "Flags to clear." },
          { name: "set", type: "seL4_Word", doc: "Flags to set (wins over clear)." },
        ],
        out: [{ name: "flags", type: "seL4_Word", doc: "The thread's flags afterwards." }],
      },
    ],
  },
  {
    name: "seL4_CNode",
    service: "The CNode at the root of the CSpace addressed (depth: a word).",
    source: XML,
    methods: [
      {
        label: "CNodeRevoke", name: "Revoke", doc: "Delete every capability derived from the one at index.",
        params: SLOT_IN_SERVICE,
      },
      {
        label: "CNodeDelete", name: "Delete", doc: "Delete the capability at index.",
        params: SLOT_IN_SERVICE,
      },
      {
        label: "CNodeCancelBadgedSends", name: "CancelBadgedSends", doc: "Cancel pending sends with the badge of the endpoint capability at index.",
        params: SLOT_IN_SERVICE,
      },
      {
        label: "CNodeCopy", name: "Copy", doc: "Copy a capability, with rights masked.",
        params: [
          ...DEST_AND_SOURCE,
          { name: "rights", type: "seL4_CapRights_t", doc: "Rights the copy keeps." },
        ],
      },
      {
        label: "CNodeMint", name: "Mint", doc: "Copy a capability with masked rights and a badge or guard.",
        params: [
          ...DEST_AND_SOURCE,
          { name: "rights", type: "seL4_CapRights_t", doc: "Rights the copy keeps." },
          { name: "badge", type: "seL4_Word", doc: "Badge (28 bits) or CNode guard data for the copy." },
        ],
      },
      {
        label: "CNodeMove", name: "Move", doc: "Move a capability to an empty slot.",
        params: [
          ...DEST_AND_SOURCE,
        ],
      },
      {
        label: "CNodeMutate", name: "Mutate", doc: "Move a capability, setting its guard.",
        params: [
          ...DEST_AND_SOURCE,
          { name: "badge", type: "seL4_Word", doc: "The new guard data." },
        ],
      },
      {
        label: "CNodeRotate", name: "Rotate", doc: "Move pivot to destination and source to pivot in one step.",
        params: [
          { name: "dest_index", type: "seL4_Word", doc: "CPtr of the destination slot, from _service." },
          { name: "dest_depth", type: "seL4_Uint8", doc: "Bits of dest_index to resolve." },
          { name: "dest_badge", type: "seL4_Word", doc: "New capability data of the capability moved to the destination." },
          { name: "pivot_root", type: "seL4_CNode", doc: "CNode at the root of the pivot's CSpace." },
          { name: "pivot_index", type: "seL4_Word", doc: "CPtr of the pivot slot, from pivot_root." },
          { name: "pivot_depth", type: "seL4_Uint8", doc: "Bits of pivot_index to resolve." },
          { name: "pivot_badge", type: "seL4_Word", doc: "New capability data of the capability moved to the pivot." },
          { name: "src_root", type: "seL4_CNode", doc: "CNode at the root of the source CSpace." },
          { name: "src_index", type: "seL4_Word", doc: "CPtr of the source slot, from src_root." },
          { name: "src_depth", type: "seL4_Uint8", doc: "Bits of src_index to resolve." },
        ],
      },
      {
        label: "CNodeSaveCaller", name: "SaveCaller", doc: "Move the thread's reply capability into a slot (non-MCS).",
        params: SLOT_IN_SERVICE,
      },
    ],
  },
  {
    name: "seL4_IRQControl",
    service: "The IRQControl capability.",
    source: XML,
    methods: [
      {
        label: "IRQIssueIRQHandler", name: "Get", doc: "Make an IRQHandler for an ISA IRQ (IllegalOperation on x86 with an IOAPIC).",
        params: [
          { name: "irq", type: "seL4_Word", doc: "The IRQ." },
          ...DEST_SLOT,
        ],
      },
    ],
  },
  {
    name: "seL4_IRQHandler",
    service: "The IRQHandler capability.",
    source: XML,
    methods: [
      { label: "IRQAckIRQ", name: "Ack", doc: "Acknowledge the interrupt and unmask it.", params: [] },
      {
        label: "IRQSetIRQHandler", name: "SetNotification", doc: "Set the notification the interrupt signals.",
        params: [{ name: "notification", type: "seL4_CPtr", doc: "The notification (needs Write)." }],
      },
      { label: "IRQClearIRQHandler", name: "Clear", doc: "Remove the notification.", params: [] },
    ],
  },
  {
    name: "seL4_DomainSet",
    service: "The DomainSet capability.",
    source: XML,
    methods: [
      {
        label: "DomainSetSet", name: "Set", doc: "Move a thread to a scheduling domain.",
        params: [
          { name: "domain", type: "seL4_Uint8", doc: "The new domain." },
          { name: "thread", type: "seL4_TCB", doc: "The thread." },
        ],
      },
    ],
  },
  {
    name: "seL4_X86_PageDirectory",
    service: "The page directory.",
    source: XML_X86,
    methods: [
      {
        label: "X86PageDirectoryMap", name: "Map", doc: "Map the page directory into a VSpace (not meaningful on ia32, where it is the root).",
        params: [
          ...MAP_AT,
          ATTR,
        ],
      },
      { label: "X86PageDirectoryUnmap", name: "Unmap", doc: "Unmap the page directory.", params: [] },
      {
        label: "X86PageDirectoryGetStatusBits", name: "GetStatusBits", doc: "Accessed and dirty bits of the page mapped at vaddr in this VSpace (ia32).",
        params: [{ name: "vaddr", type: "seL4_Word", doc: "Virtual address of the page." }],
        out: [
          { name: "accessed", type: "seL4_Word", doc: "Nonzero if the page was accessed." },
          { name: "dirty", type: "seL4_Word", doc: "Nonzero if the page was written." },
        ],
      },
    ],
  },
  {
    name: "seL4_X86_PageTable",
    service: "The page table.",
    source: XML_X86,
    methods: [
      {
        label: "X86PageTableMap", name: "Map", doc: "Map the page table into a VSpace at vaddr.",
        params: [
          ...MAP_AT,
          ATTR,
        ],
      },
      { label: "X86PageTableUnmap", name: "Unmap", doc: "Unmap the page table and clear it.", params: [] },
    ],
  },
  {
    name: "seL4_X86_Page",
    service: "The frame.",
    source: XML_X86,
    methods: [
      {
        label: "X86PageMap", name: "Map", doc: "Map the frame into a VSpace, or change an existing mapping's rights and attributes.",
        params: [
          ...MAP_AT,
          { name: "rights", type: "seL4_CapRights_t", doc: "Rights of the mapping." },
          ATTR,
        ],
      },
      { label: "X86PageUnmap", name: "Unmap", doc: "Unmap the frame.", params: [] },
      {
        label: "X86PageGetAddress", name: "GetAddress", doc: "The frame's physical address.",
        params: [],
        out: [{ name: "paddr", type: "seL4_Word", doc: "The physical address." }],
      },
    ],
  },
  {
    name: "seL4_X86_ASIDControl",
    service: "The ASIDControl capability.",
    source: XML_X86,
    methods: [
      {
        label: "X86ASIDControlMakePool", name: "MakePool", doc: "Turn a 4 KiB untyped into an ASID pool.",
        params: [
          { name: "untyped", type: "seL4_Untyped", doc: "The untyped (exactly an ASID pool's size)." },
          ...DEST_SLOT,
        ],
      },
    ],
  },
  {
    name: "seL4_X86_ASIDPool",
    service: "The ASID pool.",
    source: XML_X86,
    methods: [
      {
        label: "X86ASIDPoolAssign", name: "Assign", doc: "Give a VSpace root an ASID from the pool.",
        params: [{ name: "vspace", type: "seL4_CPtr", doc: "The page directory." }],
      },
    ],
  },
  {
    name: "seL4_X86_IOPortControl",
    service: "The IOPortControl capability.",
    source: XML_X86,
    methods: [
      {
        label: "X86IOPortControlIssue", name: "Issue", doc: "Make an IOPort capability for the ports first_port..last_port.",
        params: [
          { name: "first_port", type: "seL4_Word", doc: "First port of the range." },
          { name: "last_port", type: "seL4_Word", doc: "Last port of the range (inclusive)." },
          ...DEST_SLOT,
        ],
      },
    ],
  },
  {
    name: "seL4_X86_IOPort",
    service: "The IOPort capability.",
    source: XML_X86,
    methods: [
      {
        label: "X86IOPortIn8", name: "In8", doc: "Read 8 bits from a port.",
        params: PORT_IN,
        out: IN_RESULT("seL4_Uint8"),
      },
      {
        label: "X86IOPortIn16", name: "In16", doc: "Read 16 bits from a port.",
        params: PORT_IN,
        out: IN_RESULT("seL4_Uint16"),
      },
      {
        label: "X86IOPortIn32", name: "In32", doc: "Read 32 bits from a port.",
        params: PORT_IN,
        out: IN_RESULT("seL4_Uint32"),
      },
      {
        label: "X86IOPortOut8", name: "Out8", doc: "Write 8 bits to a port.",
        params: PORT_OUT,
      },
      {
        label: "X86IOPortOut16", name: "Out16", doc: "Write 16 bits to a port.",
        params: PORT_OUT,
      },
      {
        label: "X86IOPortOut32", name: "Out32", doc: "Write 32 bits to a port.",
        params: PORT_OUT,
      },
    ],
  },
  {
    // object-api-arch.xml reopens seL4_IRQControl for the x86 methods.
    name: "seL4_IRQControl",
    service: "The IRQControl capability.",
    source: XML_X86,
    methods: [
      {
        label: "X86IRQIssueIRQHandlerIOAPIC", name: "GetIOAPIC", doc: "Make an IRQHandler for an IOAPIC pin, delivered at a CPU vector.",
        params: [
          ...DEST_SLOT,
          { name: "ioapic", type: "seL4_Word", doc: "Which IOAPIC, from 0, in ACPI order." },
          { name: "pin", type: "seL4_Word", doc: "The IOAPIC pin." },
          { name: "level", type: "seL4_Word", doc: "1 for level-triggered, 0 for edge." },
          { name: "polarity", type: "seL4_Word", doc: "1 for active low, 0 for active high." },
          { name: "vector", type: "seL4_Word", doc: "The vector (CPU vector IRQ_OFFSET + vector)." },
        ],
      },
      {
        label: "X86IRQIssueIRQHandlerMSI", name: "GetMSI", doc: "Make an IRQHandler for an MSI of a PCI device, delivered at a CPU vector.",
        params: [
          ...DEST_SLOT,
          { name: "pci_bus", type: "seL4_Word", doc: "PCI bus of the device." },
          { name: "pci_dev", type: "seL4_Word", doc: "PCI device number." },
          { name: "pci_func", type: "seL4_Word", doc: "PCI function number." },
          { name: "handle", type: "seL4_Word", doc: "The value programmed into the MSI's data." },
          { name: "vector", type: "seL4_Word", doc: "The vector (CPU vector IRQ_OFFSET + vector)." },
        ],
      },
    ],
  },
];
