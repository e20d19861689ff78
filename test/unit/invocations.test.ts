// test/unit/invocations.test.ts: TCB and Domain invocations, and malformed
// invocations of every kind, through the kernel's own dispatcher
// (kernel/api/decode.ts: decodeInvocation, performInvocation) compiled to wasm.
//
// The TCB cases check seL4's exact error codes and details (kernel/object/
// tcb-invocation.ts) and the effect on the thread. The fuzz sends random
// labels, lengths, arguments and extra capabilities to every kind of
// capability: each must end in one of seL4's error codes or a completed
// invocation, never a trap.
import { beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { rng } from "../helpers/rng";
import { CAP_TAGS, ERRORS, INVOCATION_LABELS, OBJECT_TYPES, USER_CONTEXT } from "../../libs/abi/sel4.def.ts";
import { KERNEL_SPACE, USER_CONTEXT as SAVED_CONTEXT } from "../../kernel/arch/x86/machine.def.ts";

const ENTRY = "test/kernel/cspace.entry.ts";
const TAG = Object.fromEntries(CAP_TAGS.entries.map((e) => [e.name, e.value]));
const ERR = Object.fromEntries(ERRORS.entries.map((e) => [`seL4_${e.name}`, e.value]));
const L = Object.fromEntries(INVOCATION_LABELS.entries.map((e) => [e.name, e.value]));
const OBJ = Object.fromEntries(OBJECT_TYPES.entries.map((e) => [e.name, e.value]));
const KERNEL_VBASE = KERNEL_SPACE.entries.find((e) => e.name === "KERNEL_VBASE")!.value;
/** The saved context's offsets in the thread part (kernel/arch/x86/machine.def.ts: CTX_EIP is the field EIP). */
const CTX = Object.fromEntries(SAVED_CONTEXT.fields.map((f) => [`${SAVED_CONTEXT.prefix}${f.name}`, f.offset]));
const REGS = USER_CONTEXT.fields.length; // 12 on ia32
/** Where a TCB object's thread part starts (kernel/object/tcb.ts TCB_THREAD_OFFSET). */
const TCB_THREAD_OFFSET = 1024;

let k: KernelInstance;
let x: any;
let root: number;
let rootCap: number;
let pool: number;
const slotOf = (i: number) => root + 16 * i;

// Root CNode slots of the fixture.
const UT = 1, POOL = 2, ASID_CONTROL = 3, DOMAIN = 4, IRQ_CONTROL = 5, IOPORT_CONTROL = 6;
const TCB_A = 10, TCB_B = 11, CNODE = 12, EP = 13, NTFN = 14, FRAME = 15, PT = 16, PD = 17, PD2 = 18, FRAME2 = 19;
/** The thread that makes the invocations (the kernel's current thread). */
const CALLER = 20;

function setCap(i: number, make: () => void): void {
  make();
  x.insertRoot(slotOf(i), true);
}

/** Sends one invocation of the capability in root slot `i` through the dispatcher; returns the error (0: done). */
function invoke(i: number, label: number, args: number[], extra: number[] = []): number {
  x.invocationBegin(label, args.length);
  args.forEach((v, n) => x.invocationSetArg(n, v >>> 0));
  for (const e of extra) x.invocationAddExtraCap(slotOf(e));
  const err = x.decodeInvocation(slotOf(i));
  if (err === 0) expect(x.performInvocation()).toBe(0);
  return err;
}

const reply = (): number[] => {
  const info = x.replyInfo() >>> 0;
  return Array.from({ length: info & 0x7f }, (_, n) => x.replyWord(n) >>> 0);
};
const retype = (type: number, bits: number, at: number, n = 1) => invoke(UT, L.UntypedRetype, [type, bits, 0, 0, at, n], [0]);
const tcbPhys = (i: number) => x.objectPhys(slotOf(i));

beforeEach(async () => {
  k ??= await loadKernelEntry(ENTRY, { scratchPages: 96 });
  x = k.exports;
  k.resetScratch();
  x.vspaceSetPhysWindow(0);
  // A kernel page directory whose top entries stand for the window (as in vspace-objects.test.ts).
  const kernelPd = k.alloc(4096, 4096);
  for (let n = KERNEL_VBASE >>> 22; n < 1024; n++) k.view.setUint32(kernelPd + n * 4, ((n - (KERNEL_VBASE >>> 22)) << 22) | 0x83, true);
  k.x86.cr3 = kernelPd;
  x.vspaceInit();
  root = k.alloc(16 * 256, 4096);
  rootCap = k.alloc(16, 16);
  x.makeCNode(root, 8, 0, 0);
  x.setCap(rootCap, x.lastData(), x.lastObject());
  // Slot 0 holds the root CNode itself, so extra capability 0 (the destination root) is slot 0.
  x.makeCNode(root, 8, 0, 0);
  x.insertRoot(slotOf(0), true);
  const ut = k.alloc(1 << 20, 1 << 20);
  setCap(UT, () => x.makeUntyped(ut, 20, false, 0));
  x.asidTableReset();
  pool = k.alloc(4096, 4096);
  x.asidTableSetPool(0, pool);
  setCap(POOL, () => x.makeAsidPool(pool, 0));
  setCap(ASID_CONTROL, () => x.makeTagOnly(TAG.asid_control_cap));
  setCap(DOMAIN, () => x.makeTagOnly(TAG.domain_cap));
  setCap(IRQ_CONTROL, () => x.makeTagOnly(TAG.irq_control_cap));
  setCap(IOPORT_CONTROL, () => x.makeTagOnly(TAG.io_port_control_cap));
  expect(retype(OBJ.TCB, 0, TCB_A, 2)).toBe(0);
  expect(retype(OBJ.CapTable, 4, CNODE)).toBe(0);
  expect(retype(OBJ.Endpoint, 0, EP)).toBe(0);
  expect(retype(OBJ.Notification, 0, NTFN)).toBe(0);
  expect(retype(OBJ.X86_4K, 0, FRAME)).toBe(0);
  expect(retype(OBJ.X86_PageTable, 0, PT)).toBe(0);
  expect(retype(OBJ.X86_PageDirectory, 0, PD, 2)).toBe(0);
  expect(retype(OBJ.X86_4K, 0, FRAME2)).toBe(0);
  expect(invoke(POOL, L.X86ASIDPoolAssign, [], [PD])).toBe(0); // PD gets an ASID; PD2 does not
  expect(retype(OBJ.TCB, 0, CALLER)).toBe(0);
  x.schedulerSetCurrent(tcbPhys(CALLER) + TCB_THREAD_OFFSET);
}, 120_000);

describe("TCB_ReadRegisters and TCB_WriteRegisters", () => {
  it("check the length and count, in seL4's order", () => {
    expect(invoke(TCB_A, L.TCBReadRegisters, [0])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBReadRegisters, [0, 0])).toBe(ERR.seL4_RangeError);
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([1, REGS]);
    expect(invoke(TCB_A, L.TCBReadRegisters, [0, REGS + 1])).toBe(ERR.seL4_RangeError);
    expect(invoke(TCB_A, L.TCBWriteRegisters, [0])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBWriteRegisters, [0, 3, 1, 2])).toBe(ERR.seL4_TruncatedMessage); // 3 registers, 2 sent
  });

  it("write seL4_UserContext in order, sanitise eflags, and read it back", () => {
    const regs = [0x401000, 0xbfff0000, 0xffffffff, 1, 2, 3, 4, 5, 6, 7, 0x1234, 0x5000];
    expect(invoke(TCB_A, L.TCBWriteRegisters, [0, regs.length, ...regs])).toBe(0);
    const t = tcbPhys(TCB_A);
    expect(x.threadContext(t, CTX.CTX_EIP)).toBe(0x401000);
    expect(x.threadContext(t, CTX.CTX_EDI)).toBe(6);
    expect(x.threadTlsBase(t)).toBe(0x5000);
    expect(x.threadState(t)).toBe(0); // not resumed
    expect(invoke(TCB_A, L.TCBReadRegisters, [0, REGS])).toBe(0);
    // eflags: IF and bit 1 forced on; TF, IOPL, NT, RF, VM and the rest off; fs_base is always 0.
    expect(reply()).toEqual([0x401000, 0xbfff0000, 0x240cd7 | 0x200, 1, 2, 3, 4, 5, 6, 7, 0, 0x5000]);
    expect(invoke(TCB_A, L.TCBReadRegisters, [0, 2])).toBe(0);
    expect(reply()).toEqual([0x401000, 0xbfff0000]);
  });

  it("resume the target on request, and CopyRegisters copies the frame and integer registers", () => {
    expect(invoke(TCB_A, L.TCBWriteRegisters, [1, 2, 0x402000, 0x1000])).toBe(0);
    expect(x.threadState(tcbPhys(TCB_A))).toBe(2); // Restart (seL4: a resumed thread runs its last system call again first)
    expect(invoke(TCB_B, L.TCBCopyRegisters, [0])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_B, L.TCBCopyRegisters, [0], [EP])).toBe(ERR.seL4_InvalidCapability);
    expect(x.errorNumber()).toBe(1);
    expect(invoke(TCB_B, L.TCBCopyRegisters, [0b0101], [TCB_A])).toBe(0); // suspend source, transfer frame
    expect(x.threadState(tcbPhys(TCB_A))).toBe(0);
    expect(x.threadContext(tcbPhys(TCB_B), CTX.CTX_EIP)).toBe(0x402000);
    expect(x.threadContext(tcbPhys(TCB_B), CTX.CTX_ESP)).toBe(0x1000);
  });
});

describe("TCB priorities", () => {
  it("follow the MCP rule: a priority above the authority's MCP is a RangeError up to it", () => {
    expect(invoke(TCB_A, L.TCBSetPriority, [5])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBSetPriority, [5], [EP])).toBe(ERR.seL4_InvalidCapability);
    expect(x.errorNumber()).toBe(1);
    expect(invoke(TCB_A, L.TCBSetPriority, [5], [TCB_B])).toBe(ERR.seL4_RangeError); // a new TCB's MCP is 0
    expect([x.errorRangeMin(), x.errorRangeMax()]).toEqual([0, 0]);
    x.setThreadMcp(tcbPhys(TCB_B), 200);
    expect(invoke(TCB_A, L.TCBSetPriority, [201], [TCB_B])).toBe(ERR.seL4_RangeError);
    expect(x.errorRangeMax()).toBe(200);
    expect(invoke(TCB_A, L.TCBSetPriority, [200], [TCB_B])).toBe(0);
    expect(x.threadPriority(tcbPhys(TCB_A))).toBe(200);
    expect(invoke(TCB_A, L.TCBSetMCPriority, [150], [TCB_B])).toBe(0);
    expect(x.threadMcp(tcbPhys(TCB_A))).toBe(150);
    expect(invoke(TCB_A, L.TCBSetSchedParams, [100], [TCB_B])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBSetSchedParams, [201, 5], [TCB_B])).toBe(ERR.seL4_RangeError);
    expect(invoke(TCB_A, L.TCBSetSchedParams, [120, 110], [TCB_B])).toBe(0);
    expect([x.threadMcp(tcbPhys(TCB_A)), x.threadPriority(tcbPhys(TCB_A))]).toEqual([120, 110]);
  });
});

describe("TCB_Configure, SetSpace and SetIPCBuffer", () => {
  it("check every argument in seL4's order", () => {
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0], [CNODE, PD, FRAME])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0, 0x1000], [CNODE, PD])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0, 0x1004], [CNODE, PD, FRAME])).toBe(ERR.seL4_AlignmentError);
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0, 0x1000], [CNODE, PD, EP])).toBe(ERR.seL4_IllegalOperation);
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0, 0x1000], [EP, PD, FRAME])).toBe(ERR.seL4_IllegalOperation);
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0, 0x1000], [CNODE, PD2, FRAME])).toBe(ERR.seL4_IllegalOperation); // no ASID
    expect(invoke(TCB_A, L.TCBConfigure, [0, 0, 0, 0x1000], [CNODE, FRAME, FRAME])).toBe(ERR.seL4_IllegalOperation);
    expect(invoke(TCB_A, L.TCBSetSpace, [0, 0], [CNODE, PD])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBSetIPCBuffer, [0x1000])).toBe(ERR.seL4_TruncatedMessage);
  });

  it("install copies of the roots and the buffer as children, and replace them", () => {
    const t = tcbPhys(TCB_A);
    const guard = (18 << 3) | (0 << 8); // seL4_CNode_CapData: guard size 18 (4 + 18 + radix 4 ... any size), guard 0
    expect(invoke(TCB_A, L.TCBConfigure, [7, guard, 0, 0x2200], [CNODE, PD, FRAME])).toBe(0);
    expect([x.tag(x.threadSlot(t, 0)), x.tag(x.threadSlot(t, 1)), x.tag(x.threadSlot(t, 4))]).toEqual([TAG.cnode_cap, TAG.page_directory_cap, TAG.frame_cap]);
    expect(x.cnodeGuardSize(x.threadSlot(t, 0))).toBe(18);
    expect(x.isParentOf(slotOf(CNODE), x.threadSlot(t, 0))).toBe(1); // a copy, under its revocable original
    expect(x.threadIpcBuffer(t)).toBe(0x2200);
    expect(invoke(TCB_A, L.TCBSetIPCBuffer, [0], [FRAME])).toBe(0);
    expect([x.tag(x.threadSlot(t, 4)), x.threadIpcBuffer(t)]).toEqual([0, 0]);
    expect(invoke(TCB_A, L.TCBSetIPCBuffer, [0x3000], [FRAME2])).toBe(0);
    expect(x.pagePhys(x.threadSlot(t, 4))).toBe(x.pagePhys(slotOf(FRAME2)));
    // Deleting the page directory's last other capability leaves the thread's copy working until it is deleted too.
    expect(invoke(0, L.CNodeDelete, [PD, 8])).toBe(0);
    expect(x.tag(x.threadSlot(t, 1))).toBe(TAG.page_directory_cap);
  });
});

describe("TCB_Suspend, Resume, SetTLSBase, SetFlags, notifications and the Domain capability", () => {
  it("suspend and resume", () => {
    const t = tcbPhys(TCB_A);
    expect(invoke(TCB_A, L.TCBResume, [])).toBe(0);
    expect(x.threadState(t)).toBe(2); // Restart, runnable
    expect(invoke(TCB_A, L.TCBResume, [])).toBe(0); // a live thread: nothing happens
    expect(invoke(TCB_A, L.TCBSuspend, [])).toBe(0);
    expect(x.threadState(t)).toBe(0);
  });

  it("set the TLS base and the flags (only seL4_TCBFlag_fpuDisabled exists)", () => {
    expect(invoke(TCB_A, L.TCBSetTLSBase, [])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBSetTLSBase, [0xabc000])).toBe(0);
    expect(x.threadTlsBase(tcbPhys(TCB_A))).toBe(0xabc000);
    expect(invoke(TCB_A, L.TCBSetFlags, [0])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBSetFlags, [0, 0xff])).toBe(0);
    expect(reply()).toEqual([1]);
    expect(invoke(TCB_A, L.TCBSetFlags, [1, 0])).toBe(0);
    expect(reply()).toEqual([0]);
  });

  it("bind and unbind a notification", () => {
    expect(invoke(TCB_A, L.TCBUnbindNotification, [])).toBe(ERR.seL4_IllegalOperation);
    expect(invoke(TCB_A, L.TCBBindNotification, [])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(TCB_A, L.TCBBindNotification, [], [EP])).toBe(ERR.seL4_InvalidCapability);
    expect(invoke(TCB_A, L.TCBBindNotification, [], [NTFN])).toBe(0);
    expect(x.threadBoundNtfn(tcbPhys(TCB_A))).toBe(x.objectPhys(slotOf(NTFN)));
    expect(invoke(TCB_A, L.TCBBindNotification, [], [NTFN])).toBe(ERR.seL4_IllegalOperation); // already bound
    expect(invoke(TCB_B, L.TCBBindNotification, [], [NTFN])).toBe(ERR.seL4_IllegalOperation); // the notification is taken
    expect(invoke(TCB_A, L.TCBUnbindNotification, [])).toBe(0);
    expect(invoke(TCB_B, L.TCBBindNotification, [], [NTFN])).toBe(0);
    // Deleting a bound TCB unbinds it.
    expect(invoke(0, L.CNodeDelete, [TCB_B, 8])).toBe(0);
    expect(invoke(TCB_A, L.TCBBindNotification, [], [NTFN])).toBe(0);
  });

  it("DomainSet_Set accepts domain 0 and a TCB only", () => {
    expect(invoke(DOMAIN, L.TCBSuspend, [0], [TCB_A])).toBe(ERR.seL4_IllegalOperation);
    expect(invoke(DOMAIN, L.DomainSetSet, [], [TCB_A])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(DOMAIN, L.DomainSetSet, [1], [TCB_A])).toBe(ERR.seL4_InvalidArgument);
    expect(x.errorNumber()).toBe(0);
    expect(invoke(DOMAIN, L.DomainSetSet, [0])).toBe(ERR.seL4_TruncatedMessage);
    expect(invoke(DOMAIN, L.DomainSetSet, [0], [EP])).toBe(ERR.seL4_InvalidArgument);
    expect(x.errorNumber()).toBe(1);
    expect(invoke(DOMAIN, L.DomainSetSet, [0], [TCB_A])).toBe(0);
  });

  it("a null capability is InvalidCapability 0; a TCB given another object's label is IllegalOperation", () => {
    expect(invoke(30, L.TCBResume, [])).toBe(ERR.seL4_InvalidCapability);
    expect(x.errorNumber()).toBe(0);
    expect(invoke(TCB_A, L.CNodeCopy, [0, 0, 0, 0, 0], [0])).toBe(ERR.seL4_IllegalOperation);
    expect(invoke(TCB_A, L.UntypedRetype, [1, 0, 0, 0, 40, 1], [0])).toBe(ERR.seL4_IllegalOperation);
  });
});

describe("malformed invocations", () => {
  it("every label, on every kind of capability, with random lengths, arguments and extra capabilities: an seL4 error or success, never a trap", () => {
    const random = rng(0x1e6a1);
    const int = (n: number) => Math.floor(random() * n);
    const EDGE = [0, 1, 2, 3, 4, 8, 12, 13, 20, 31, 32, 255, 256, 0x1000, 0x1004, 0x400000, 0xdfffffff, 0xe0000000, 0xfffff000, 0xffffffff];
    const word = () => (int(3) === 0 ? Math.floor(random() * 2 ** 32) : EDGE[int(EDGE.length)]);
    const maxLabel = Math.max(...INVOCATION_LABELS.entries.map((e) => e.value)) + 3;
    const seen = new Map<number, number>();
    let done = 0;
    for (let n = 0; n < 20_000; n++) {
      const target = int(24);
      const label = int(maxLabel);
      const args = Array.from({ length: int(16) }, word);
      const extra = Array.from({ length: int(4) }, () => int(24));
      let err: number;
      try {
        err = invoke(target, label, args, extra);
      } catch (e) {
        throw new Error(`iteration ${n}: slot ${target} (tag ${x.tag(slotOf(target))}) label ${label} args [${args}] extra [${extra}]: ${e}`);
      }
      expect(err, `iteration ${n}`).toBeGreaterThanOrEqual(0);
      expect(err, `iteration ${n}`).toBeLessThanOrEqual(ERR.seL4_NotEnoughMemory);
      seen.set(err, (seen.get(err) ?? 0) + 1);
      if (err === 0) done++;
    }
    // Every error kind and real work happened (the fuzz reaches past the first checks).
    expect(done).toBeGreaterThan(100);
    for (const e of ["seL4_InvalidArgument", "seL4_InvalidCapability", "seL4_IllegalOperation", "seL4_RangeError", "seL4_TruncatedMessage", "seL4_FailedLookup"]) {
      expect(seen.get(ERR[e]) ?? 0, e).toBeGreaterThan(0);
    }
  });
});
