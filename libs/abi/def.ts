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
