// test/build/sel4-abi.test.ts: the seL4 ia32 ABI definition (libs/abi/sel4.def.ts)
// is self-consistent and states every fact in DESIGN.md's "seL4 ia32 ABI facts".
import { describe, it, expect } from "vitest";
import type { BitLayout, ByteLayout, ConstantGroup } from "../../libs/abi/def.ts";
import * as abi from "../../libs/abi/sel4.def.ts";
import { definitionLines } from "../../build/abigen.ts";

type Item = ConstantGroup | ByteLayout | BitLayout;
const items = abi as unknown as Record<string, Item>;
const isGroup = (x: Item): x is ConstantGroup => "entries" in x;
const isByteLayout = (x: Item): x is ByteLayout => "fields" in x && "size" in x;
const isBitLayout = (x: Item): x is BitLayout => "fields" in x && !("size" in x);

const groups = Object.entries(items).filter(([, x]) => isGroup(x)) as [string, ConstantGroup][];
const byteLayouts = Object.entries(items).filter(([, x]) => isByteLayout(x)) as [string, ByteLayout][];
const bitLayouts = Object.entries(items).filter(([, x]) => isBitLayout(x)) as [string, BitLayout][];

/** Groups in which two names may share a value (aliases, MR positions, sizes). */
const SHARED_VALUES = new Set([
  "SIZE_BITS", "INVOCATION_ERROR_MRS", "INVOCATION_ERROR_LENGTHS", "FAULT_CAP_MRS", "X86_VM_ATTRIBUTES",
]);

/** name -> value of one group, failing loudly on a missing name. */
function values(g: ConstantGroup): Record<string, number> {
  return new Proxy(Object.fromEntries(g.entries.map((e) => [e.name, e.value])), {
    get(t, k: string) {
      if (!(k in t)) throw new Error(`${g.title}: no entry ${k}`);
      return t[k];
    },
  });
}
function field(l: ByteLayout, name: string) {
  const f = l.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${l.title}: no field ${name}`);
  return f;
}
function bits(l: BitLayout, name: string) {
  const f = l.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${l.title}: no field ${name}`);
  return f;
}
const pairs = (g: ConstantGroup) => g.entries.map((e) => [e.name, e.value]);

const SYS = values(abi.SYSCALLS);
const L = values(abi.INVOCATION_LABELS);
const OBJ = values(abi.OBJECT_TYPES);
const SZ = values(abi.SIZE_BITS);
const ERR = values(abi.ERRORS);
const LUF = values(abi.LOOKUP_FAILURES);
const CAPS = values(abi.INITIAL_CAPS);
const TAG = values(abi.CAP_TAGS);
const FT = values(abi.FAULT_TYPES);

describe("sel4.def.ts: shape", () => {
  it("exports every group the kernel and userland expect", () => {
    for (const name of [
      "SYSCALLS", "INVOCATION_LABELS", "OBJECT_TYPES", "SIZE_BITS", "ERRORS", "LOOKUP_FAILURES",
      "INVOCATION_ERROR_MRS", "INVOCATION_ERROR_LENGTHS", "MESSAGE_INFO", "CAP_RIGHTS", "CNODE_CAP_DATA",
      "IPC_BUFFER", "BOOTINFO", "UNTYPED_DESC", "SLOT_REGION", "EXTRA_BOOTINFO_HEADER", "EXTRA_BOOTINFO_IDS",
      "INITIAL_CAPS", "USER_CONTEXT", "FAULT_TYPES", "FAULT_CAP_MRS", "FAULT_UNKNOWN_SYSCALL_MRS",
      "FAULT_USER_EXCEPTION_MRS", "FAULT_VM_MRS", "CAP_TAGS", "X86_VM_ATTRIBUTES", "X86_PD_GET_STATUS_BITS_MRS",
      "TCB_FLAGS", "DOMAIN", "ACPI_RSDP",
    ]) expect(items[name], name).toBeDefined();
  });

  it("documents every item and entry in one line, and names a seL4 source", () => {
    for (const [name, x] of Object.entries(items)) {
      expect(x.title.length, name).toBeGreaterThan(0);
      expect(x.doc, name).toMatch(/^[^\n]+$/);
      expect(x.source, name).toMatch(/^seL4\/seL4 \S/);
      const docs = isGroup(x) ? x.entries.map((e) => e.doc) : x.fields.map((f) => f.doc);
      for (const d of docs) expect(d, `${name}: ${d}`).toMatch(/^[^\n]+$/);
    }
  });

  it("has no duplicate names in a group or layout", () => {
    for (const [name, x] of Object.entries(items)) {
      const names = isGroup(x) ? x.entries.map((e) => e.name) : x.fields.map((f) => f.name);
      expect(new Set(names).size, name).toBe(names.length);
    }
  });

  it("has no duplicate values where values name distinct things", () => {
    for (const [name, g] of groups) {
      if (SHARED_VALUES.has(name)) continue;
      const vs = g.entries.map((e) => e.value);
      expect(new Set(vs).size, name).toBe(vs.length);
    }
  });

  it("keeps every value inside its generated type", () => {
    for (const [name, g] of groups) {
      for (const e of g.entries) {
        expect(Number.isInteger(e.value), `${name}.${e.name}`).toBe(true);
        if (g.type === "u32") expect(e.value >= 0 && e.value <= 0xffffffff, `${name}.${e.name}`).toBe(true);
        else expect(e.value >= -0x80000000 && e.value <= 0x7fffffff, `${name}.${e.name}`).toBe(true);
      }
    }
  });

  it("lays out byte fields without overlap, inside the size", () => {
    for (const [name, l] of byteLayouts) {
      const spans = l.fields.map((f) => [f.offset, f.offset + f.size * (f.count ?? 1), f.name] as const).sort((a, b) => a[0] - b[0]);
      for (const [start, end, f] of spans) {
        expect(start >= 0 && end > start && end <= l.size, `${name}.${f}`).toBe(true);
      }
      for (let i = 1; i < spans.length; i++) expect(spans[i][0], `${name}.${spans[i][2]} overlaps ${spans[i - 1][2]}`).toBeGreaterThanOrEqual(spans[i - 1][1]);
    }
  });

  it("keeps bit fields inside 32 bits, without overlap", () => {
    for (const [name, l] of bitLayouts) {
      let used = 0;
      for (const f of l.fields) {
        expect(f.width >= 1 && f.shift >= 0 && f.shift + f.width <= 32, `${name}.${f.name}`).toBe(true);
        const mask = Number((((1n << BigInt(f.width)) - 1n) << BigInt(f.shift)) & 0xffffffffn);
        expect((used & mask) >>> 0, `${name}.${f.name} overlaps`).toBe(0);
        used = (used | mask) >>> 0;
      }
    }
  });

  it("generates distinct names for every constant (build/abigen.ts naming)", () => {
    const sections = definitionLines({ name: "sel4", source: "libs/abi/sel4.def.ts", asDir: "libs/abi", items });
    const names = sections.flatMap((s) => s.lines.map((l) => l.name));
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dup).toEqual([]);
  });
});

describe("sel4.def.ts: numbering rules", () => {
  it("numbers system calls -1, -2, ... without gaps (syscall_header_gen.py keeps disabled calls' numbers)", () => {
    abi.SYSCALLS.entries.forEach((e, i) => expect(e.value, e.name).toBe(-(i + 1)));
  });

  it("numbers invocation labels 0, 1, ... without gaps (disabled methods are dropped)", () => {
    abi.INVOCATION_LABELS.entries.forEach((e, i) => expect(e.value, e.name).toBe(i));
  });

  it("numbers object types, errors, lookup failures, initial caps, bootinfo IDs and fault MRs contiguously", () => {
    for (const g of [abi.OBJECT_TYPES, abi.ERRORS, abi.LOOKUP_FAILURES, abi.INITIAL_CAPS, abi.EXTRA_BOOTINFO_IDS,
      abi.FAULT_UNKNOWN_SYSCALL_MRS, abi.FAULT_USER_EXCEPTION_MRS, abi.FAULT_VM_MRS]) {
      g.entries.forEach((e, i) => expect(e.value, `${g.title}: ${e.name}`).toBe(i));
    }
  });

  it("follows the cap tag encoding: even 4-bit tags below 14, odd below 14, 8-bit tags end in 0xe or 0xf", () => {
    for (const e of abi.CAP_TAGS.entries) {
      if (e.value < 14) continue;
      expect([0xe, 0xf], e.name).toContain(e.value & 0xf);
      expect(e.value, e.name).toBeLessThan(0x100);
    }
    expect(TAG.null_cap).toBe(0);
  });
});

describe("sel4.def.ts: cross-checks between groups", () => {
  it("sizes the IPC buffer from the message limits", () => {
    const b = abi.IPC_BUFFER;
    expect(b.size).toBe(2 ** SZ.seL4_IPCBufferSizeBits);
    expect(field(b, "msg").count).toBe(SZ.seL4_MsgMaxLength);
    expect(field(b, "caps_or_badges").count).toBe(SZ.seL4_MsgMaxExtraCaps);
    expect(SZ.seL4_MsgMaxExtraCaps).toBe(2 ** SZ.seL4_MsgExtraCapBits - 1);
    const words = b.fields.reduce((n, f) => n + f.size * (f.count ?? 1), 0);
    expect(words).toBe(b.size);
  });

  it("fits the message info, rights and CNode data widths to the size constants", () => {
    expect(bits(abi.MESSAGE_INFO, "length").width).toBe(SZ.seL4_MsgLengthBits);
    expect(bits(abi.MESSAGE_INFO, "extraCaps").width).toBe(SZ.seL4_MsgExtraCapBits);
    expect(abi.MESSAGE_INFO.fields.reduce((n, f) => n + f.width, 0)).toBe(32);
    expect(2 ** bits(abi.MESSAGE_INFO, "length").width).toBeGreaterThan(SZ.seL4_MsgMaxLength);
    expect(2 ** bits(abi.MESSAGE_INFO, "label").width).toBeGreaterThan(Math.max(...abi.INVOCATION_LABELS.entries.map((e) => e.value)));
    expect(abi.CAP_RIGHTS.fields.reduce((n, f) => n + f.width, 0)).toBe(SZ.seL4_CapRightsBits);
    expect(bits(abi.CNODE_CAP_DATA, "guard").width).toBe(SZ.seL4_GuardBits);
    expect(bits(abi.CNODE_CAP_DATA, "guardSize").width).toBe(SZ.seL4_GuardSizeBits);
  });

  it("agrees on paging sizes (SEL4_SIZE_SANITY)", () => {
    expect(SZ.seL4_PageTableBits).toBe(SZ.seL4_PageTableEntryBits + SZ.seL4_PageTableIndexBits);
    expect(SZ.seL4_PageDirBits).toBe(SZ.seL4_PageDirEntryBits + SZ.seL4_PageDirIndexBits);
    expect(SZ.seL4_ASIDPoolBits).toBe(SZ.seL4_WordSizeBits + SZ.seL4_ASIDPoolIndexBits);
    expect(SZ.seL4_LargePageBits).toBe(SZ.seL4_PageBits + SZ.seL4_PageTableIndexBits);
    expect(SZ.seL4_WordBits).toBe(8 * 2 ** SZ.seL4_WordSizeBits);
    expect(SZ.seL4_UserTop % 2 ** SZ.seL4_LargePageBits).toBe(0);
  });

  it("builds BootInfo from slot regions and untyped descriptors, inside one frame", () => {
    const bi = abi.BOOTINFO;
    for (const r of ["empty", "sharedFrames", "userImageFrames", "userImagePaging", "ioSpaceCaps", "extraBIPages", "untyped"]) {
      expect(field(bi, r).size, r).toBe(abi.SLOT_REGION.size);
    }
    const list = field(bi, "untypedList");
    expect(list.size).toBe(abi.UNTYPED_DESC.size);
    expect(list.count).toBe(SZ.CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS);
    expect(list.offset + list.size * list.count!).toBe(bi.size);
    expect(bi.size).toBeLessThanOrEqual(2 ** SZ.seL4_PageBits);
    expect(abi.UNTYPED_DESC.size).toBe(2 * 2 ** SZ.seL4_WordSizeBits);
    expect(abi.EXTRA_BOOTINFO_HEADER.size).toBe(2 * 2 ** SZ.seL4_WordSizeBits);
  });

  it("counts fault message words and the lookup-failure offsets as the kernel writes them", () => {
    const cap = values(abi.FAULT_CAP_MRS);
    const us = values(abi.FAULT_UNKNOWN_SYSCALL_MRS);
    const ue = values(abi.FAULT_USER_EXCEPTION_MRS);
    const vm = values(abi.FAULT_VM_MRS);
    expect(us.Length).toBe(abi.FAULT_UNKNOWN_SYSCALL_MRS.entries.length - 1);
    expect(ue.Length).toBe(abi.FAULT_USER_EXCEPTION_MRS.entries.length - 1);
    expect(vm.Length).toBe(abi.FAULT_VM_MRS.entries.length - 1);
    // src/api/faults.c asserts these offsets against libsel4.
    expect(cap.BitsLeft).toBe(cap.LookupFailureType + 1);
    expect(cap.DepthMismatch_BitsFound).toBe(cap.LookupFailureType + 2);
    expect(cap.GuardMismatch_GuardFound).toBe(cap.LookupFailureType + 2);
    expect(cap.GuardMismatch_BitsFound).toBe(cap.LookupFailureType + 3);
    // The invocation-error reply puts the same lookup-failure words at offset 1.
    const em = values(abi.INVOCATION_ERROR_MRS);
    const off = em.FailedLookupType - cap.LookupFailureType;
    expect(off).toBe(1 - 3);
    expect(em.FailedLookupBitsLeft).toBe(cap.BitsLeft + off);
    expect(em.FailedLookupDepthMismatchBitsFound).toBe(cap.DepthMismatch_BitsFound + off);
    expect(em.FailedLookupGuardMismatchGuardFound).toBe(cap.GuardMismatch_GuardFound + off);
    expect(em.FailedLookupGuardMismatchBitsFound).toBe(cap.GuardMismatch_BitsFound + off);
    const el = values(abi.INVOCATION_ERROR_LENGTHS);
    expect(el.FailedLookupInvalidRoot).toBe(em.FailedLookupType + 1);
    expect(el.FailedLookupMissingCapability).toBe(em.FailedLookupBitsLeft + 1);
    expect(el.FailedLookupDepthMismatch).toBe(em.FailedLookupDepthMismatchBitsFound + 1);
    expect(el.FailedLookupGuardMismatch).toBe(em.FailedLookupGuardMismatchBitsFound + 1);
    expect(el.RangeError).toBe(em.RangeErrorMax + 1);
    // Every error except NoError has a reply length.
    const withLength = new Set(abi.INVOCATION_ERROR_LENGTHS.entries.map((e) => e.name.replace(/^FailedLookup.*/, "FailedLookup")));
    for (const e of abi.ERRORS.entries) if (e.value !== ERR.NoError && e.name !== "NumErrors") expect(withLength.has(e.name), e.name).toBe(true);
  });

  it("matches the kernel's lookup_fault tags + 1 and keeps the debug-exception number reserved", () => {
    expect([LUF.InvalidRoot, LUF.MissingCapability, LUF.DepthMismatch, LUF.GuardMismatch]).toEqual([1, 2, 3, 4]);
    expect(FT.VMFault).toBe(FT.DebugException + 1);
  });

  it("uses GDT selectors that are entry << 3 | RPL 3", () => {
    const g = values(abi.IA32_GDT_SELECTORS);
    expect(g.TLS_GDT_SELECTOR).toBe((g.TLS_GDT_ENTRY << 3) | 3);
    expect(g.IPCBUF_GDT_SELECTOR).toBe((g.IPCBUF_GDT_ENTRY << 3) | 3);
  });
});

describe("sel4.def.ts: DESIGN.md's seL4 ia32 ABI facts", () => {
  it("syscall numbers", () => {
    expect(pairs(abi.SYSCALLS).slice(0, 8)).toEqual([
      ["Call", -1], ["ReplyRecv", -2], ["Send", -3], ["NBSend", -4], ["Recv", -5], ["Reply", -6], ["Yield", -7], ["NBRecv", -8],
    ]);
    expect([SYS.DebugPutChar, SYS.DebugDumpScheduler, SYS.DebugHalt, SYS.DebugCapIdentify, SYS.DebugSnapshot, SYS.DebugNameThread])
      .toEqual([-9, -10, -11, -12, -13, -14]);
    const debug = abi.SYSCALLS.entries.filter((e) => e.value <= -9 && e.value >= -16);
    expect(debug.every((e) => e.name.startsWith("Debug"))).toBe(true);
    const bench = abi.SYSCALLS.entries.filter((e) => e.value <= -17 && e.value >= -25);
    expect(bench.length).toBe(9);
    expect(bench.every((e) => e.name.startsWith("Benchmark"))).toBe(true);
    expect([SYS.X86DangerousWRMSR, SYS.X86DangerousRDMSR, SYS.VMEnter, SYS.SetTLSBase]).toEqual([-26, -27, -28, -29]);
    expect(abi.SYSCALLS.entries.length).toBe(29);
  });

  it("invocation labels 0..49", () => {
    expect(pairs(abi.INVOCATION_LABELS)).toEqual([
      ["InvalidInvocation", 0], ["UntypedRetype", 1],
      ["TCBReadRegisters", 2], ["TCBWriteRegisters", 3], ["TCBCopyRegisters", 4], ["TCBConfigure", 5],
      ["TCBSetPriority", 6], ["TCBSetMCPriority", 7], ["TCBSetSchedParams", 8], ["TCBSetIPCBuffer", 9],
      ["TCBSetSpace", 10], ["TCBSuspend", 11], ["TCBResume", 12], ["TCBBindNotification", 13],
      ["TCBUnbindNotification", 14], ["TCBSetTLSBase", 15], ["TCBSetFlags", 16],
      ["CNodeRevoke", 17], ["CNodeDelete", 18], ["CNodeCancelBadgedSends", 19], ["CNodeCopy", 20],
      ["CNodeMint", 21], ["CNodeMove", 22], ["CNodeMutate", 23], ["CNodeRotate", 24], ["CNodeSaveCaller", 25],
      ["IRQIssueIRQHandler", 26], ["IRQAckIRQ", 27], ["IRQSetIRQHandler", 28], ["IRQClearIRQHandler", 29],
      ["DomainSetSet", 30],
      ["X86PageDirectoryMap", 31], ["X86PageDirectoryUnmap", 32], ["X86PageDirectoryGetStatusBits", 33],
      ["X86PageTableMap", 34], ["X86PageTableUnmap", 35],
      ["X86PageMap", 36], ["X86PageUnmap", 37], ["X86PageGetAddress", 38],
      ["X86ASIDControlMakePool", 39], ["X86ASIDPoolAssign", 40],
      ["X86IOPortControlIssue", 41], ["X86IOPortIn8", 42], ["X86IOPortIn16", 43], ["X86IOPortIn32", 44],
      ["X86IOPortOut8", 45], ["X86IOPortOut16", 46], ["X86IOPortOut32", 47],
      ["X86IRQIssueIRQHandlerIOAPIC", 48], ["X86IRQIssueIRQHandlerMSI", 49],
    ]);
    expect(L.UntypedRetype).toBe(1);
  });

  it("object types", () => {
    expect(pairs(abi.OBJECT_TYPES)).toEqual([
      ["Untyped", 0], ["TCB", 1], ["Endpoint", 2], ["Notification", 3], ["CapTable", 4],
      ["X86_4K", 5], ["X86_LargePage", 6], ["X86_PageTable", 7], ["X86_PageDirectory", 8],
    ]);
    expect(OBJ.X86_PageDirectory).toBe(8);
  });

  it("object size bits and message limits", () => {
    expect([SZ.seL4_TCBBits, SZ.seL4_EndpointBits, SZ.seL4_NotificationBits, SZ.seL4_SlotBits]).toEqual([11, 4, 4, 4]);
    expect([SZ.seL4_PageBits, SZ.seL4_LargePageBits, SZ.seL4_PageTableBits, SZ.seL4_PageDirBits, SZ.seL4_ASIDPoolBits])
      .toEqual([12, 22, 12, 12, 12]);
    expect([SZ.seL4_MinUntypedBits, SZ.seL4_MaxUntypedBits]).toEqual([4, 29]);
    expect([SZ.seL4_MsgMaxLength, SZ.seL4_MsgMaxExtraCaps, SZ.seL4_FastMessageRegisters]).toEqual([120, 3, 2]);
  });

  it("IPC buffer offsets and the seL4_UserContext order", () => {
    const b = abi.IPC_BUFFER;
    expect(b.size).toBe(512);
    expect(b.fields.map((f) => [f.name, f.offset])).toEqual([
      ["tag", 0], ["msg", 4], ["userData", 484], ["caps_or_badges", 488],
      ["receiveCNode", 500], ["receiveIndex", 504], ["receiveDepth", 508],
    ]);
    expect(field(b, "msg").count).toBe(120);
    expect(field(b, "caps_or_badges").count).toBe(3);
    const uc = abi.USER_CONTEXT;
    expect(uc.fields.map((f) => f.name)).toEqual(["eip", "esp", "eflags", "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "fs_base", "gs_base"]);
    uc.fields.forEach((f, i) => expect(f.offset, f.name).toBe(4 * i));
    expect(uc.size).toBe(48);
  });

  it("BootInfo offsets and size 1924", () => {
    const bi = abi.BOOTINFO;
    expect(bi.size).toBe(1924);
    expect(bi.fields.map((f) => [f.name, f.offset])).toEqual([
      ["extraLen", 0], ["nodeID", 4], ["numNodes", 8], ["numIOPTLevels", 12], ["ipcBuffer", 16],
      ["empty", 20], ["sharedFrames", 28], ["userImageFrames", 36], ["userImagePaging", 44],
      ["ioSpaceCaps", 52], ["extraBIPages", 60],
      ["initThreadCNodeSizeBits", 68], ["initThreadDomain", 72], ["untyped", 76], ["untypedList", 84],
    ]);
    expect(field(bi, "untypedList").count).toBe(230);
    expect(SZ.CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS).toBe(230);
  });

  it("untyped descriptor: paddr u32, sizeBits u8, isDevice u8, 2 bytes of padding", () => {
    const u = abi.UNTYPED_DESC;
    expect(u.size).toBe(8);
    expect(u.fields.map((f) => [f.name, f.offset, f.size * (f.count ?? 1)])).toEqual([
      ["paddr", 0, 4], ["sizeBits", 4, 1], ["isDevice", 5, 1], ["padding", 6, 2],
    ]);
  });

  it("extra BootInfo: {id, len} header and the x86 IDs", () => {
    expect(abi.EXTRA_BOOTINFO_HEADER.fields.map((f) => [f.name, f.offset, f.size])).toEqual([["id", 0, 4], ["len", 4, 4]]);
    const id = values(abi.EXTRA_BOOTINFO_IDS);
    expect([id.PADDING, id.X86_VBE, id.X86_MBMMAP, id.X86_ACPI_RSDP, id.X86_FRAMEBUFFER, id.X86_TSC_FREQ]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("the ACPI RSDP chunk's copy: acpi_rsdp_t, the 36-byte ACPI 2.0 RSDP", () => {
    const r = abi.ACPI_RSDP;
    expect(r.size).toBe(36);
    expect(r.fields.map((f) => [f.name, f.offset, f.size])).toEqual([
      ["signature", 0, 8], ["checksum", 8, 1], ["oemId", 9, 6], ["revision", 15, 1], ["rsdtAddress", 16, 4],
      ["length", 20, 4], ["xsdtAddress", 24, 8], ["extendedChecksum", 32, 1], ["reserved", 33, 3],
    ]);
  });

  it("initial slots 1..11", () => {
    expect(pairs(abi.INITIAL_CAPS).slice(0, 12)).toEqual([
      ["CapNull", 0], ["CapInitThreadTCB", 1], ["CapInitThreadCNode", 2], ["CapInitThreadVSpace", 3],
      ["CapIRQControl", 4], ["CapASIDControl", 5], ["CapInitThreadASIDPool", 6], ["CapIOPortControl", 7],
      ["CapIOSpace", 8], ["CapBootInfoFrame", 9], ["CapInitThreadIPCBuffer", 10], ["CapDomain", 11],
    ]);
    expect(CAPS.NumInitialCaps).toBe(Math.max(...abi.INITIAL_CAPS.entries.filter((e) => e.name !== "NumInitialCaps").map((e) => e.value)) + 1);
  });

  it("badges are 28 bits, user space ends at 0xE0000000, priorities top out at 255", () => {
    expect(SZ.seL4_BadgeBits).toBe(28);
    expect(SZ.seL4_UserTop).toBe(0xe0000000);
    expect(SZ.seL4_MaxPrio).toBe(255);
  });

  it("DebugCapIdentify's tags: 0 is the null capability", () => {
    expect(TAG.null_cap).toBe(0);
    expect([TAG.untyped_cap, TAG.endpoint_cap, TAG.notification_cap, TAG.reply_cap, TAG.cnode_cap, TAG.thread_cap]).toEqual([2, 4, 6, 8, 10, 12]);
    expect([TAG.frame_cap, TAG.page_table_cap, TAG.page_directory_cap, TAG.asid_control_cap, TAG.asid_pool_cap]).toEqual([1, 3, 5, 9, 11]);
    expect([TAG.irq_control_cap, TAG.irq_handler_cap, TAG.zombie_cap, TAG.domain_cap]).toEqual([0x0e, 0x1e, 0x2e, 0x3e]);
    expect([TAG.io_port_cap, TAG.io_port_control_cap]).toEqual([0x1f, 0x7f]);
  });

  it("segment selectors FS 0x33 and GS 0x3B, and MSI vectors at 0x30 + v", () => {
    const g = values(abi.IA32_GDT_SELECTORS);
    expect([g.TLS_GDT_SELECTOR, g.IPCBUF_GDT_SELECTOR]).toEqual([0x33, 0x3b]);
    expect(values(abi.X86_IRQ_VECTORS).IRQ_OFFSET).toBe(0x30);
  });

  it("errors and fault types", () => {
    expect(pairs(abi.ERRORS).slice(0, 11).map(([n]) => n)).toEqual([
      "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation", "RangeError", "AlignmentError",
      "FailedLookup", "TruncatedMessage", "DeleteFirst", "RevokeFirst", "NotEnoughMemory",
    ]);
    expect(ERR.NotEnoughMemory).toBe(10);
    expect([FT.NullFault, FT.CapFault, FT.UnknownSyscall, FT.UserException, FT.VMFault]).toEqual([0, 1, 2, 3, 5]);
  });
});
