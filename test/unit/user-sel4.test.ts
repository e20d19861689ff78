// test/unit/user-sel4.test.ts: the user library's system calls and invocation
// wrappers (libs/user/ipc.ts, libs/user/invocations.gen.ts) put every value
// where seL4's ia32 ABI says, and read the kernel's answer back from there.
//
// The library is compiled to wasm (test/user/sel4.entry.ts) with the
// `sysenter` intrinsic mocked: the mock records the register block (eax,
// ebx, esi, edi, ebp) and the IPC buffer at the moment of the call, then
// writes a reply as the kernel's sysexit would (ESI = reply info, EDI/EBP =
// MR0/MR1, MR2.. in the IPC buffer, EBX = badge).
//
// The expected message of each invocation is written out by hand below from
// seL4's interface XML (object-api.xml, object-api-arch.xml): the order of
// the parameters, which of them are capabilities (caps_or_badges), and how
// libsel4's stub generator packs sub-word parameters. Only the label
// numbers and syscall numbers come from libs/abi/sel4.def.ts.

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { INVOCATION_LABELS, SYSCALLS, ERRORS } from "../../libs/abi/sel4.def.ts";
import { TSOS_SYSCALLS } from "../../libs/abi/tsos.def.ts";
import { allInvocations, invocationFunctionName } from "../../build/abigen.ts";

// seL4's layouts, from libsel4 (shared_types.h, shared_types.bf), written
// out here so the test does not take them from the code under test.
const MSG = 4; // seL4_IPCBuffer.msg
const CAPS = 488; // seL4_IPCBuffer.caps_or_badges
const RECV_CNODE = 500;
const info = (label: number, extraCaps: number, length: number, capsUnwrapped = 0) =>
  ((label << 12) | (capsUnwrapped << 9) | (extraCaps << 7) | length) >>> 0;

const SYS = Object.fromEntries(SYSCALLS.entries.map((e) => [e.name, e.value]));
const LABEL = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const ERR = Object.fromEntries(ERRORS.entries.map((e) => [e.name, e.value]));
const TSOS_SYS = Object.fromEntries(TSOS_SYSCALLS.entries.map((e) => [e.name, e.value]));

interface Recorded {
  eax: number;
  ebx: number;
  esi: number;
  edi: number;
  ebp: number;
  /** MR2 .. MR(length-1) from the IPC buffer at the call. */
  bufferMrs: number[];
  /** caps_or_badges[0 .. extraCaps-1] at the call. */
  caps: number[];
}

interface Reply {
  label?: number;
  /** MR0, MR1, ...: MR0/MR1 go to EDI/EBP, the rest to the IPC buffer. */
  mrs?: number[];
  badge?: number;
}

let k: KernelInstance;
let ipc: number;
let calls: Recorded[];
let reply: Reply;

beforeAll(async () => {
  k = await loadKernelEntry("test/user/sel4.entry.ts", {
    scratchPages: 1,
    sysenter(block) {
      const v = k.view;
      const r = (i: number) => v.getUint32(block + 4 * i, true);
      const esi = r(2);
      const length = esi & 0x7f;
      const extra = (esi >>> 7) & 3;
      const bufferMrs = [];
      for (let i = 2; i < length; i++) bufferMrs.push(v.getUint32(ipc + MSG + 4 * i, true));
      const caps = [];
      for (let i = 0; i < extra; i++) caps.push(v.getUint32(ipc + CAPS + 4 * i, true));
      calls.push({ eax: r(0) | 0, ebx: r(1), esi, edi: r(3), ebp: r(4), bufferMrs, caps });
      const mrs = reply.mrs ?? [];
      v.setUint32(block + 4, reply.badge ?? 0, true);
      v.setUint32(block + 8, info(reply.label ?? 0, 0, mrs.length), true);
      v.setUint32(block + 12, mrs[0] ?? 0, true);
      v.setUint32(block + 16, mrs[1] ?? 0, true);
      for (let i = 2; i < mrs.length; i++) v.setUint32(ipc + MSG + 4 * i, mrs[i], true);
    },
  });
  ipc = k.alloc(512, 512);
  k.exports.setIpcBuffer(ipc);
}, 120_000);

beforeEach(() => {
  calls = [];
  reply = {};
  k.u8.fill(0xcc, ipc, ipc + 512); // stale words must not leak into a message
});

function only(): Recorded {
  expect(calls).toHaveLength(1);
  return calls[0];
}

const mr = (i: number) => k.view.getUint32(ipc + MSG + 4 * i, true);
const setMr = (i: number, v: number) => k.view.setUint32(ipc + MSG + 4 * i, v >>> 0, true);

// ── Invocations ─────────────────────────────────────────────────────────

/** A seL4_UserContext in scratch memory: eip .. gs_base = base + i. */
function userContext(base: number): number {
  const p = k.alloc(48, 4);
  for (let i = 0; i < 12; i++) k.view.setUint32(p + 4 * i, base + i, true);
  return p;
}

interface Case {
  fn: string;
  label: string;
  /** Arguments after _service; a function is called for a pointer argument. */
  args: (number | (() => number))[];
  caps: number[];
  /** Every message word, MR0 first, as libsel4's stub packs them. */
  mrs: number[];
  reply?: number[];
  /** Getters of output words and what they must give. */
  outs?: Record<string, number>;
  /** Checks after the call (pointer outputs). */
  after?: (argv: number[]) => void;
}

const T = 1;
const F = 0;

const CASES: Case[] = [
  { fn: "seL4_Untyped_Retype", label: "UntypedRetype", args: [5, 12, 0x22, 0x33, 32, 40, 3], caps: [0x22], mrs: [5, 12, 0x33, 32, 40, 3] },
  {
    fn: "seL4_TCB_ReadRegisters", label: "TCBReadRegisters", args: [T, 0x1ab, 12, () => k.alloc(48, 4)], caps: [], mrs: [1 | (0xab << 8), 12],
    reply: Array.from({ length: 12 }, (_, i) => 0x7000 + i),
    after: (argv) => {
      for (let i = 0; i < 12; i++) expect(k.view.getUint32(argv[3] + 4 * i, true), `regs word ${i}`).toBe(0x7000 + i);
    },
  },
  {
    fn: "seL4_TCB_WriteRegisters", label: "TCBWriteRegisters", args: [F, 0x05, 10, () => userContext(0x100)], caps: [],
    mrs: [0x500, 10, ...Array.from({ length: 12 }, (_, i) => 0x100 + i)],
  },
  { fn: "seL4_TCB_CopyRegisters", label: "TCBCopyRegisters", args: [0x44, T, F, T, T, 7], caps: [0x44], mrs: [1 | (0 << 1) | (1 << 2) | (1 << 3) | (7 << 8)] },
  { fn: "seL4_TCB_Configure", label: "TCBConfigure", args: [0x55, 0x66, 0x77, 0x88, 0x99, 0xa000, 0xbb], caps: [0x66, 0x88, 0xbb], mrs: [0x55, 0x77, 0x99, 0xa000] },
  { fn: "seL4_TCB_SetPriority", label: "TCBSetPriority", args: [0x12, 200], caps: [0x12], mrs: [200] },
  { fn: "seL4_TCB_SetMCPriority", label: "TCBSetMCPriority", args: [0x13, 150], caps: [0x13], mrs: [150] },
  { fn: "seL4_TCB_SetSchedParams", label: "TCBSetSchedParams", args: [0x14, 250, 100], caps: [0x14], mrs: [250, 100] },
  { fn: "seL4_TCB_SetIPCBuffer", label: "TCBSetIPCBuffer", args: [0xb000, 0x15], caps: [0x15], mrs: [0xb000] },
  { fn: "seL4_TCB_SetSpace", label: "TCBSetSpace", args: [0x16, 0x17, 0x18, 0x19, 0x1a], caps: [0x17, 0x19], mrs: [0x16, 0x18, 0x1a] },
  { fn: "seL4_TCB_Suspend", label: "TCBSuspend", args: [], caps: [], mrs: [] },
  { fn: "seL4_TCB_Resume", label: "TCBResume", args: [], caps: [], mrs: [] },
  { fn: "seL4_TCB_BindNotification", label: "TCBBindNotification", args: [0x1b], caps: [0x1b], mrs: [] },
  { fn: "seL4_TCB_UnbindNotification", label: "TCBUnbindNotification", args: [], caps: [], mrs: [] },
  { fn: "seL4_TCB_SetTLSBase", label: "TCBSetTLSBase", args: [0xc0de], caps: [], mrs: [0xc0de] },
  { fn: "seL4_TCB_SetFlags", label: "TCBSetFlags", args: [3, 1], caps: [], mrs: [3, 1], reply: [0x5], outs: { seL4_TCB_SetFlags_flags: 0x5 } },
  { fn: "seL4_CNode_Revoke", label: "CNodeRevoke", args: [0x1234, 0x120], caps: [], mrs: [0x1234, 0x20] },
  { fn: "seL4_CNode_Delete", label: "CNodeDelete", args: [0x2345, 32], caps: [], mrs: [0x2345, 32] },
  { fn: "seL4_CNode_CancelBadgedSends", label: "CNodeCancelBadgedSends", args: [0x3456, 16], caps: [], mrs: [0x3456, 16] },
  { fn: "seL4_CNode_Copy", label: "CNodeCopy", args: [0x10, 32, 0x2, 0x20, 31, 0xb], caps: [0x2], mrs: [0x10, 32, 0x20, 31, 0xb] },
  { fn: "seL4_CNode_Mint", label: "CNodeMint", args: [0x10, 32, 0x2, 0x20, 31, 0xb, 0xbad], caps: [0x2], mrs: [0x10, 32, 0x20, 31, 0xb, 0xbad] },
  { fn: "seL4_CNode_Move", label: "CNodeMove", args: [0x11, 30, 0x3, 0x21, 29], caps: [0x3], mrs: [0x11, 30, 0x21, 29] },
  { fn: "seL4_CNode_Mutate", label: "CNodeMutate", args: [0x12, 28, 0x4, 0x22, 27, 0x99], caps: [0x4], mrs: [0x12, 28, 0x22, 27, 0x99] },
  {
    fn: "seL4_CNode_Rotate", label: "CNodeRotate", args: [0x13, 26, 0xd1, 0x5, 0x23, 25, 0xd2, 0x6, 0x33, 24], caps: [0x5, 0x6],
    mrs: [0x13, 26, 0xd1, 0x23, 25, 0xd2, 0x33, 24],
  },
  { fn: "seL4_CNode_SaveCaller", label: "CNodeSaveCaller", args: [0x14, 23], caps: [], mrs: [0x14, 23] },
  { fn: "seL4_IRQControl_Get", label: "IRQIssueIRQHandler", args: [4, 0x7, 0x40, 32], caps: [0x7], mrs: [4, 0x40, 32] },
  { fn: "seL4_IRQHandler_Ack", label: "IRQAckIRQ", args: [], caps: [], mrs: [] },
  { fn: "seL4_IRQHandler_SetNotification", label: "IRQSetIRQHandler", args: [0x41], caps: [0x41], mrs: [] },
  { fn: "seL4_IRQHandler_Clear", label: "IRQClearIRQHandler", args: [], caps: [], mrs: [] },
  { fn: "seL4_DomainSet_Set", label: "DomainSetSet", args: [0x102, 0x42], caps: [0x42], mrs: [0x02] },
  { fn: "seL4_X86_PageDirectory_Map", label: "X86PageDirectoryMap", args: [0x3, 0x400000, 2], caps: [0x3], mrs: [0x400000, 2] },
  { fn: "seL4_X86_PageDirectory_Unmap", label: "X86PageDirectoryUnmap", args: [], caps: [], mrs: [] },
  {
    fn: "seL4_X86_PageDirectory_GetStatusBits", label: "X86PageDirectoryGetStatusBits", args: [0x5000], caps: [], mrs: [0x5000],
    reply: [7, 9], outs: { seL4_X86_PageDirectory_GetStatusBits_accessed: 7, seL4_X86_PageDirectory_GetStatusBits_dirty: 9 },
  },
  { fn: "seL4_X86_PageTable_Map", label: "X86PageTableMap", args: [0x3, 0x800000, 1], caps: [0x3], mrs: [0x800000, 1] },
  { fn: "seL4_X86_PageTable_Unmap", label: "X86PageTableUnmap", args: [], caps: [], mrs: [] },
  { fn: "seL4_X86_Page_Map", label: "X86PageMap", args: [0x3, 0x1000, 3, 4], caps: [0x3], mrs: [0x1000, 3, 4] },
  { fn: "seL4_X86_Page_Unmap", label: "X86PageUnmap", args: [], caps: [], mrs: [] },
  { fn: "seL4_X86_Page_GetAddress", label: "X86PageGetAddress", args: [], caps: [], mrs: [], reply: [0x1234000], outs: { seL4_X86_Page_GetAddress_paddr: 0x1234000 } },
  { fn: "seL4_X86_ASIDControl_MakePool", label: "X86ASIDControlMakePool", args: [0x50, 0x2, 0x51, 32], caps: [0x50, 0x2], mrs: [0x51, 32] },
  { fn: "seL4_X86_ASIDPool_Assign", label: "X86ASIDPoolAssign", args: [0x52], caps: [0x52], mrs: [] },
  { fn: "seL4_X86_IOPortControl_Issue", label: "X86IOPortControlIssue", args: [0x3f8, 0x3ff, 0x2, 0x53, 32], caps: [0x2], mrs: [0x3f8, 0x3ff, 0x53, 32] },
  { fn: "seL4_X86_IOPort_In8", label: "X86IOPortIn8", args: [0x103f8], caps: [], mrs: [0x3f8], reply: [0x1a5], outs: { seL4_X86_IOPort_In8_result: 0xa5 } },
  { fn: "seL4_X86_IOPort_In16", label: "X86IOPortIn16", args: [0x1f0], caps: [], mrs: [0x1f0], reply: [0x12345], outs: { seL4_X86_IOPort_In16_result: 0x2345 } },
  { fn: "seL4_X86_IOPort_In32", label: "X86IOPortIn32", args: [0xcf8], caps: [], mrs: [0xcf8], reply: [0x80001234], outs: { seL4_X86_IOPort_In32_result: 0x80001234 } },
  { fn: "seL4_X86_IOPort_Out8", label: "X86IOPortOut8", args: [0x80, 0x1ff], caps: [], mrs: [0x80, 0x1ff] },
  { fn: "seL4_X86_IOPort_Out16", label: "X86IOPortOut16", args: [0x1f0, 0xbeef], caps: [], mrs: [0x1f0, 0xbeef] },
  { fn: "seL4_X86_IOPort_Out32", label: "X86IOPortOut32", args: [0xcfc, 0x8000f000], caps: [], mrs: [0xcfc, 0x8000f000] },
  {
    fn: "seL4_IRQControl_GetIOAPIC", label: "X86IRQIssueIRQHandlerIOAPIC", args: [0x2, 0x60, 32, 0, 2, 1, 0, 4], caps: [0x2],
    mrs: [0x60, 32, 0, 2, 1, 0, 4],
  },
  {
    fn: "seL4_IRQControl_GetMSI", label: "X86IRQIssueIRQHandlerMSI", args: [0x2, 0x61, 32, 0, 3, 1, 0x42, 5], caps: [0x2],
    mrs: [0x61, 32, 0, 3, 1, 0x42, 5],
  },
];

describe("invocation wrappers", () => {
  it("cover every invocation label once, and every generated wrapper", () => {
    const labels = INVOCATION_LABELS.entries.map((e) => e.name).filter((n) => n !== "InvalidInvocation");
    expect(CASES.map((c) => c.label).sort()).toEqual([...labels].sort());
    const generated = allInvocations().map(({ iface, method }) => invocationFunctionName(iface, method));
    expect(CASES.map((c) => c.fn).sort()).toEqual([...generated].sort());
    for (const c of CASES) expect(typeof k.exports[c.fn], c.fn).toBe("function");
  });

  CASES.forEach((c, n) => {
    it(`${c.fn}: ${c.label} to the service in EBX, the XML's order in MR0.. and caps_or_badges`, () => {
      const service = 0x900 + n;
      const argv = c.args.map((a) => (typeof a === "function" ? a() : a));
      reply = { label: ERR.NoError, mrs: c.reply ?? [] };
      const error = k.exports[c.fn](service, ...argv) >>> 0;
      const r = only();
      expect(r.eax, "eax").toBe(SYS.Call);
      expect(r.eax).toBe(-1);
      expect(r.ebx, "ebx: the invoked capability").toBe(service);
      expect(r.esi, "esi: label, extra caps, length").toBe(info(LABEL[c.label], c.caps.length, c.mrs.length));
      expect(r.edi, "edi: MR0").toBe((c.mrs[0] ?? 0) >>> 0);
      expect(r.ebp, "ebp: MR1").toBe((c.mrs[1] ?? 0) >>> 0);
      expect(r.bufferMrs, "MR2.. in the IPC buffer").toEqual(c.mrs.slice(2).map((x) => x >>> 0));
      expect(r.caps, "caps_or_badges").toEqual(c.caps);
      expect(error).toBe(ERR.NoError);
      for (const [getter, want] of Object.entries(c.outs ?? {})) expect(k.exports[getter]() >>> 0, getter).toBe(want >>> 0);
      c.after?.(argv);
    });
  });

  it("return the reply's label as the error, and leave its MR0/MR1 in the IPC buffer", () => {
    reply = { label: ERR.RangeError, mrs: [0x10, 0x20] };
    expect(k.exports.seL4_TCB_SetPriority(0x901, 0x12, 300)).toBe(ERR.RangeError);
    expect([mr(0), mr(1)]).toEqual([0x10, 0x20]);
    reply = { label: ERR.FailedLookup, mrs: [1, 2, 3] };
    expect(k.exports.seL4_CNode_Delete(2, 0x40, 32)).toBe(ERR.FailedLookup);
    expect([mr(0), mr(1), mr(2)]).toEqual([1, 2, 3]);
  });

  it("give output words only after success, and write no registers on an error", () => {
    reply = { label: ERR.NoError, mrs: [0x1234000] };
    k.exports.seL4_X86_Page_GetAddress(0x20);
    expect(k.exports.seL4_X86_Page_GetAddress_paddr() >>> 0).toBe(0x1234000);
    reply = { label: ERR.InvalidCapability, mrs: [0x99] };
    expect(k.exports.seL4_X86_Page_GetAddress(0x21)).toBe(ERR.InvalidCapability);
    expect(k.exports.seL4_X86_Page_GetAddress_paddr()).toBe(0);
    const regs = k.alloc(48, 4);
    k.u8.fill(0xee, regs, regs + 48);
    reply = { label: ERR.IllegalOperation, mrs: [] };
    expect(k.exports.seL4_TCB_ReadRegisters(0x22, 0, 0, 12, regs)).toBe(ERR.IllegalOperation);
    expect([...k.bytes(regs, 48)].every((b) => b === 0xee)).toBe(true);
  });

  it("mask sub-word parameters as libsel4 does (Bool 1 bit, Uint8, Uint16)", () => {
    k.exports.seL4_TCB_CopyRegisters(0x30, 0x31, 1, 1, 0, 0, 0x3ff);
    expect(only().edi).toBe(1 | 2 | (0xff << 8));
    calls = [];
    k.exports.seL4_X86_IOPort_In16(0x32, 0xfffff);
    expect(only().edi).toBe(0xffff);
  });
});

// ── System calls ────────────────────────────────────────────────────────

describe("system calls", () => {
  it("Send and NBSend: MR0/MR1 from the IPC buffer into EDI/EBP, the info in ESI", () => {
    setMr(0, 0xa0);
    setMr(1, 0xa1);
    const i = k.exports.seL4_MessageInfo_new(0x42, 0, 1, 4) >>> 0;
    expect(i).toBe(info(0x42, 1, 4));
    k.exports.seL4_Send(5, i);
    k.exports.seL4_NBSend(6, i);
    expect(calls.map((c) => [c.eax, c.ebx, c.esi, c.edi, c.ebp])).toEqual([
      [SYS.Send, 5, i, 0xa0, 0xa1],
      [SYS.NBSend, 6, i, 0xa0, 0xa1],
    ]);
  });

  it("Signal: a Send of an empty message", () => {
    k.exports.seL4_Signal(7);
    const r = only();
    expect([r.eax, r.ebx, r.esi]).toEqual([SYS.Send, 7, 0]);
  });

  it("Call: sends MR0/MR1 from the buffer, returns the reply info, puts the reply's MR0/MR1 in the buffer", () => {
    setMr(0, 0xb0);
    setMr(1, 0xb1);
    reply = { label: 0x55, mrs: [0xc0, 0xc1, 0xc2] };
    const got = k.exports.seL4_Call(8, info(3, 0, 2)) >>> 0;
    const r = only();
    expect([r.eax, r.ebx, r.esi, r.edi, r.ebp]).toEqual([SYS.Call, 8, info(3, 0, 2), 0xb0, 0xb1]);
    expect(got).toBe(info(0x55, 0, 3));
    expect([mr(0), mr(1), mr(2)]).toEqual([0xc0, 0xc1, 0xc2]);
    expect(k.exports.seL4_MessageInfo_get_label(got)).toBe(0x55);
    expect(k.exports.seL4_MessageInfo_get_length(got)).toBe(3);
  });

  it("Recv, NBRecv, Wait, Poll: the badge to *sender, MR0/MR1 into the buffer", () => {
    const sender = k.alloc(4, 4);
    const cases: [string, number][] = [["seL4_Recv", SYS.Recv], ["seL4_NBRecv", SYS.NBRecv], ["seL4_Wait", SYS.Recv], ["seL4_Poll", SYS.NBRecv]];
    for (const [fn, nr] of cases) {
      calls = [];
      reply = { label: 9, mrs: [0xd0, 0xd1], badge: 0xbad0e0 };
      const got = k.exports[fn](10, sender) >>> 0;
      const r = only();
      expect([r.eax, r.ebx], fn).toEqual([nr, 10]);
      expect(got, fn).toBe(info(9, 0, 2));
      expect(k.view.getUint32(sender, true), fn).toBe(0xbad0e0);
      expect([mr(0), mr(1)], fn).toEqual([0xd0, 0xd1]);
    }
    calls = [];
    k.exports.seL4_Recv(11, 0); // a null sender is allowed
    expect(only().ebx).toBe(11);
  });

  it("Reply and ReplyRecv", () => {
    setMr(0, 0xe0);
    setMr(1, 0xe1);
    k.exports.seL4_Reply(info(0, 0, 2));
    const sender = k.alloc(4, 4);
    reply = { label: 4, mrs: [0xf0], badge: 77 };
    const got = k.exports.seL4_ReplyRecv(12, info(1, 0, 1), sender) >>> 0;
    expect(calls.map((c) => [c.eax, c.ebx, c.esi, c.edi, c.ebp])).toEqual([
      [SYS.Reply, 0, info(0, 0, 2), 0xe0, 0xe1],
      [SYS.ReplyRecv, 12, info(1, 0, 1), 0xe0, 0xe1],
    ]);
    expect(got).toBe(info(4, 0, 1));
    expect(k.view.getUint32(sender, true)).toBe(77);
    expect(mr(0)).toBe(0xf0);
  });

  it("Yield, and the debug and benchmark calls, by their seL4 numbers", () => {
    k.exports.seL4_Yield();
    k.exports.seL4_DebugPutChar(0x41);
    k.exports.seL4_DebugHalt();
    k.exports.seL4_DebugDumpScheduler();
    k.exports.seL4_DebugSnapshot();
    k.exports.seL4_SetTLSBase(0x5000);
    k.exports.seL4_BenchmarkNullSyscall();
    expect(calls.map((c) => [c.eax, c.ebx])).toEqual([
      [SYS.Yield, 0], [SYS.DebugPutChar, 0x41], [SYS.DebugHalt, 0], [SYS.DebugDumpScheduler, 0], [SYS.DebugSnapshot, 0],
      [SYS.SetTLSBase, 0x5000], [SYS.BenchmarkNullSyscall, 0],
    ]);
    expect([SYS.Yield, SYS.DebugPutChar, SYS.SetTLSBase, SYS.BenchmarkNullSyscall]).toEqual([-7, -9, -29, -21]);
  });

  it("DebugCapIdentify returns EBX", () => {
    reply = { badge: 0x1e };
    expect(k.exports.seL4_DebugCapIdentify(4)).toBe(0x1e);
    const r = only();
    expect([r.eax, r.ebx]).toEqual([SYS.DebugCapIdentify, 4]);
  });

  it("DebugNameThread: the TCB in EBX, the name NUL-terminated in the IPC buffer's msg", () => {
    k.exports.seL4_DebugNameThread(1, k.string("root"));
    const r = only();
    expect([r.eax, r.ebx]).toEqual([SYS.DebugNameThread, 1]);
    expect(k.text(ipc + MSG, 5)).toBe("root\0");
    calls = [];
    const long = k.place(new Uint8Array(600).fill(0x61));
    k.exports.seL4_DebugNameThreadBytes(2, long, 600);
    expect(only().ebx).toBe(2);
    expect(k.view.getUint8(ipc + MSG + 479)).toBe(0); // cut to the 480-byte msg area
    expect(k.view.getUint8(ipc + MSG + 478)).toBe(0x61);
  });

  it("the buffer accessors address seL4_IPCBuffer's fields", () => {
    k.exports.seL4_SetMR(5, 0x1234);
    expect(mr(5)).toBe(0x1234);
    expect(k.exports.seL4_GetMR(5)).toBe(0x1234);
    k.exports.seL4_SetCap(2, 0x77);
    expect(k.view.getUint32(ipc + CAPS + 8, true)).toBe(0x77);
    expect(k.exports.seL4_GetBadge(2)).toBe(0x77);
    k.exports.seL4_SetCapReceivePath(2, 0x33, 32);
    expect([0, 4, 8].map((o) => k.view.getUint32(ipc + RECV_CNODE + o, true))).toEqual([2, 0x33, 32]);
    k.exports.seL4_SetUserData(ipc);
    expect(k.view.getUint32(ipc + 484, true)).toBe(ipc);
    expect(k.exports.seL4_GetIPCBuffer()).toBe(ipc);
    expect(calls).toEqual([]);
  });

  it("message info fields are masked to their widths", () => {
    const i = k.exports.seL4_MessageInfo_new(0x1fffff, 9, 5, 0x1ff) >>> 0;
    expect(i).toBe(info(0xfffff, 1, 0x7f, 1));
    expect(k.exports.seL4_MessageInfo_get_label(i) >>> 0).toBe(0xfffff);
    expect(k.exports.seL4_MessageInfo_get_capsUnwrapped(i)).toBe(1);
    expect(k.exports.seL4_MessageInfo_get_extraCaps(i)).toBe(1);
    expect(k.exports.seL4_MessageInfo_get_length(i)).toBe(0x7f);
  });

  it("sys.ts's short names make the same calls", () => {
    k.exports.putChar(0x42);
    k.exports.yieldCpu();
    k.exports.nullSyscall();
    k.exports.dumpScheduler();
    k.exports.halt();
    k.exports.threadExit(3);
    expect(calls.map((c) => [c.eax, c.ebx])).toEqual([
      [SYS.DebugPutChar, 0x42], [SYS.Yield, 0], [SYS.BenchmarkNullSyscall, 0], [SYS.DebugDumpScheduler, 0], [SYS.DebugHalt, 0],
      [TSOS_SYS.DebugThreadExit, 3],
    ]);
  });
});
