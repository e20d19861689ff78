// test/unit/fpu.test.ts: the lazy FPU switch (kernel/arch/x86/fpu.ts) and
// the TLS segment (kernel/arch/x86/tls.ts) compiled to wasm and run against
// the mocked CPU (test/helpers/kernel-wasm.ts), whose FPU is one FXSAVE
// image that fxsave copies out and fxrstor copies in.
//
// The FPU is "thread i's" when its image is filled with byte 0x10 + i; the
// tests play the scheduler (fpuSwitchTo) and the #NM handler
// (fpuDeviceNotAvailable) in the order the kernel calls them.

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";
import { itKeepsKernelRules } from "../helpers/kernel-checks";

let k: KernelInstance;

beforeAll(async () => {
  k = await loadKernelEntry("test/kernel/fpu.entry.ts", { scratchPages: 1 });
}, 120_000);

const CR0_TS = 0x8;
const tcb = (i: number): number => k.exports.fakeTcb(i) >>> 0;
const ts = (): boolean => (k.x86.cr0 & CR0_TS) !== 0;
const area = (i: number): Uint8Array => k.bytes(tcb(i) + k.exports.fpuStateOffset(), 512);
const fill = (i: number): Uint8Array => new Uint8Array(512).fill(0x10 + i);
/** Thread i computes: the FPU's registers become its own. */
const compute = (i: number): void => k.x86.fpu.set(fill(i));
/** Thread i runs an FPU instruction: #NM if TS is set (as the CPU would), then it computes. */
function use(i: number): void {
  if (ts()) k.exports.fpuDeviceNotAvailable(tcb(i));
  expect(ts()).toBe(false);
  compute(i);
}

beforeEach(() => {
  k.exports.fakeTcbsClear();
  k.x86.cr0 = 0x80010011; // PG, WP, ET, PE, as after boot; TS, MP, EM, NE clear
  k.x86.cr4 = 0x90; // PSE, PGE
  k.x86.fpu.fill(0xee); // what the boot loader left
  k.x86.fpuWhileTs = 0;
  k.exports.fpuInit();
});

describe("lazy FPU", () => {
  itKeepsKernelRules(() => k.module.wat);

  it("fpuInit sets CR0.MP and NE, clears EM, sets CR4.OSFXSR and OSXMMEXCPT, runs fninit, and leaves TS set", () => {
    expect(k.x86.cr0 & 0x26).toBe(0x22);
    expect(ts()).toBe(true);
    expect(k.x86.cr4 & 0x600).toBe(0x600);
    expect(k.x86.counts.fninit).toBeGreaterThan(0);
    expect(k.exports.fpuOwner()).toBe(0);
    expect(k.exports.fpuTrapCount()).toBe(0);
  });

  it("a thread's first FPU use gets the initial state: FCW 0x037F, MXCSR 0x1F80, all else zero", () => {
    k.exports.fpuSwitchTo(tcb(0));
    k.exports.fpuDeviceNotAvailable(tcb(0));
    const expected = new Uint8Array(512);
    expected[0] = 0x7f;
    expected[1] = 0x03;
    new DataView(expected.buffer).setUint32(24, 0x1f80, true);
    expect(k.x86.fpu).toEqual(expected);
    expect(k.exports.fpuOwner() >>> 0).toBe(tcb(0));
    expect(k.view.getUint32(tcb(0) + k.exports.fpuFlagsOffset(), true) & 1).toBe(1);
    expect(ts()).toBe(false);
    expect(k.exports.fpuSaveCount()).toBe(0);
  });

  it("switching back to the owner clears TS without a trap; to another thread sets it; CR0 is written only on a change", () => {
    k.exports.fpuSwitchTo(tcb(0));
    use(0);
    const writes = () => (k.x86.counts.writeCr0 ?? 0) + (k.x86.counts.clts ?? 0);
    const before = writes();
    k.exports.fpuSwitchTo(tcb(1)); // not the owner: TS on
    expect(ts()).toBe(true);
    k.exports.fpuSwitchTo(tcb(2)); // still not the owner: no CR0 write
    expect(writes()).toBe(before + 1);
    k.exports.fpuSwitchTo(tcb(0)); // the owner: TS off, no #NM
    expect(ts()).toBe(false);
    expect(writes()).toBe(before + 2);
    use(0);
    expect(k.exports.fpuTrapCount()).toBe(1);
  });

  it("keeps each thread's state across many switches, saving only when the FPU changes hands", () => {
    const order = [0, 1, 0, 2, 2, 1, 0, 1, 2, 0, 0, 2];
    let last = -1;
    for (const i of order) {
      if (i !== last) k.exports.fpuSwitchTo(tcb(i));
      use(i);
      expect(k.x86.fpu).toEqual(fill(i));
      last = i;
    }
    // Every thread that lost the FPU had its registers saved into its own TCB.
    for (const i of [0, 1, 2]) if (k.exports.fpuOwner() >>> 0 !== tcb(i)) expect(area(i)).toEqual(fill(i));
    // 10 owners in turn (0,1,0,2,1,0,1,2,0,2): a trap each, and a save for each but the first.
    expect(k.exports.fpuTrapCount()).toBe(10);
    expect(k.exports.fpuSaveCount()).toBe(9);
    expect(k.x86.fpuWhileTs).toBe(0);
  });

  it("a thread that is gone gives up the FPU without a save, and the next switch sets TS", () => {
    k.exports.fpuSwitchTo(tcb(0));
    use(0);
    k.exports.fpuThreadGone(tcb(0));
    expect(k.exports.fpuOwner()).toBe(0);
    k.exports.fpuSwitchTo(tcb(1));
    expect(ts()).toBe(true);
    use(1);
    expect(k.exports.fpuSaveCount()).toBe(0);
    expect(area(0)).toEqual(new Uint8Array(512)); // never written
    k.exports.fpuThreadGone(tcb(2)); // not the owner: nothing changes
    expect(k.exports.fpuOwner() >>> 0).toBe(tcb(1));
  });
});

describe("TLS segment", () => {
  const SEL_USER_FS = 0x33;
  const SEL_USER_GS = 0x3b;

  beforeEach(() => {
    k.exports.gdtInit(0x1000);
    k.x86.fs = SEL_USER_FS; // boot/trap.S's load_gdt
    k.x86.gs = SEL_USER_GS;
    k.x86.calls = [];
  });

  const segmentLoads = () => k.x86.calls.filter((c) => c.name === "writeFs" || c.name === "writeGs").map((c) => `${c.name}(0x${Number(c.args[0]).toString(16)})`);

  it("rewrites GDT entry 7 and reloads GS only when the TLS base changes", () => {
    k.view.setUint32(tcb(0) + k.exports.tlsBaseOffset(), 0x00801000, true);
    k.view.setUint32(tcb(1) + k.exports.tlsBaseOffset(), 0x00801000, true);
    k.view.setUint32(tcb(2) + k.exports.tlsBaseOffset(), 0xbfff1234, true);
    k.exports.tlsSwitchTo(tcb(0));
    expect(k.exports.gdtTlsBase() >>> 0).toBe(0x00801000);
    expect(segmentLoads()).toEqual(["writeGs(0x3b)"]);
    k.exports.tlsSwitchTo(tcb(1)); // the same base: nothing to do
    expect(segmentLoads()).toEqual(["writeGs(0x3b)"]);
    k.exports.tlsSwitchTo(tcb(2));
    expect(k.exports.gdtTlsBase() >>> 0).toBe(0xbfff1234);
    expect(segmentLoads()).toEqual(["writeGs(0x3b)", "writeGs(0x3b)"]);
  });

  it("puts back FS and GS a thread loaded with other selectors, even with the same base", () => {
    k.exports.tlsSwitchTo(tcb(0)); // base 0, as loaded: nothing
    expect(segmentLoads()).toEqual([]);
    k.x86.fs = 0x23;
    k.x86.gs = 0;
    k.exports.tlsSwitchTo(tcb(1));
    expect([k.x86.fs, k.x86.gs]).toEqual([SEL_USER_FS, SEL_USER_GS]);
    expect(segmentLoads()).toEqual(["writeGs(0x3b)", "writeFs(0x33)"]);
  });

  it("tcbSetTlsBase stores the base; a thread that is not running gets it at its next switch", () => {
    k.exports.tcbSetTlsBase(tcb(3), 0x00c0ffee);
    expect(k.exports.tcbTlsBase(tcb(3)) >>> 0).toBe(0x00c0ffee);
    expect(k.exports.gdtTlsBase()).toBe(0); // no current thread in this test
    k.exports.tlsSwitchTo(tcb(3));
    expect(k.exports.gdtTlsBase() >>> 0).toBe(0x00c0ffee);
  });
});
