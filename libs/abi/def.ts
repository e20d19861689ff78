// libs/abi/def.ts: the shapes in which the kernel API is defined once.
//
// Owns: the types of the API definition (libs/abi/*.def.ts). Those files
// are plain data, read by Node only: build/abigen.ts turns them into the
// AssemblyScript constants the kernel and userland import
// (libs/abi/*.gen.ts), the C and assembly headers boot/*.S and build/rt
// include (*.gen.h), and, later, the API reference.
// Every entry has a one-line description: the reference is generated from it.
// Must not: be imported by AssemblyScript code (asc cannot read these
// object literals), or hold a number that another definition derives.

/** One named number: a syscall, a label, an error code, a slot. */
export interface Constant {
  name: string;
  value: number;
  /** One line, for the generated reference and the generated comments. */
  doc: string;
}

/** A family of numbers sharing a prefix in the generated code (SYS_, ERR_, ...). */
export interface ConstantGroup {
  /** The group's name in the reference ("System calls"). */
  title: string;
  /** Prefix of every generated name: "SYS_" turns Call into SYS_CALL. */
  prefix: string;
  /** AssemblyScript type of the generated constants. */
  type: "i32" | "u32";
  /** Also emit the constants as linker-script symbols (*.gen.ld). */
  linker?: boolean;
  doc: string;
  /** Where the facts come from (a path in seL4/seL4 at the pinned commit, or "tsos"). */
  source: string;
  entries: Constant[];
}

/** A field of a byte layout: a struct in memory. */
export interface ByteField {
  name: string;
  /** Byte offset from the start of the structure. */
  offset: number;
  /** Size in bytes (of one element, for arrays). */
  size: number;
  /** Number of elements, for arrays; 1 otherwise. */
  count?: number;
  doc: string;
}

/** A structure in memory (the IPC buffer, BootInfo, a saved-register frame). */
export interface ByteLayout {
  title: string;
  prefix: string;
  /** Total size in bytes. */
  size: number;
  doc: string;
  source: string;
  fields: ByteField[];
}

/** A field of a bit layout inside one 32-bit word. */
export interface BitField {
  name: string;
  /** Lowest bit. */
  shift: number;
  /** Width in bits. */
  width: number;
  doc: string;
}

/** A word made of bit fields (message info, capability rights, CNode guard data). */
export interface BitLayout {
  title: string;
  prefix: string;
  doc: string;
  source: string;
  fields: BitField[];
}

// ── Invocations (libs/abi/invocations.def.ts) ─────────────────────────────
// The shape of seL4's interface XML (object-api*.xml), as libsel4's stub
// generator reads it: each method's parameters in order, with their types.
// build/abigen.ts turns it into libs/user/invocations.gen.ts.

/** How a parameter type travels in a message (libsel4's syscall_stub_gen.py type table). */
export interface StubType {
  /** seL4's type name as the XML spells it: seL4_Word, seL4_Uint8, seL4_CNode, ... */
  name: string;
  /**
   * "value": packed into message registers, `bits` wide, aligned to
   * min(bits, word); "cap": an extra capability (caps_or_badges), in order;
   * "struct": a pointer to a ByteLayout, one message register per field.
   */
  kind: "value" | "cap" | "struct";
  /** Width of a value in the message; 0 for caps and structs. */
  bits: number;
  /** The AssemblyScript parameter type of a wrapper. */
  asType: "u32" | "bool" | "usize";
  /** For "struct": the layout whose fields are the message words, in order. */
  layout?: ByteLayout;
  doc: string;
}

/** One parameter of an invocation, in the XML's order. */
export interface InvocationParam {
  name: string;
  /** A StubType name. */
  type: string;
  doc: string;
}

/** One method of a kernel object: one invocation label. */
export interface InvocationMethod {
  /** The entry name in INVOCATION_LABELS (libs/abi/sel4.def.ts): UntypedRetype. */
  label: string;
  /** libsel4's method name: the wrapper is <interface>_<name> (seL4_Untyped_Retype). */
  name: string;
  doc: string;
  /** Input parameters after the invoked capability, in order. */
  params: InvocationParam[];
  /** Output parameters, in order: unmarshalled from the reply's message registers. */
  out?: InvocationParam[];
}

/** A kernel object type's interface (an <interface> of the XML). */
export interface InvocationInterface {
  /** libsel4's interface name: seL4_Untyped, seL4_X86_Page. */
  name: string;
  /** What the invoked capability (_service) must be. */
  service: string;
  /** Where the facts come from (a path in seL4/seL4). */
  source: string;
  methods: InvocationMethod[];
}
