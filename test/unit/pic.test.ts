// test/unit/pic.test.ts: the 8259 PIC and PIT drivers against mocked ports:
// the remap sequence, masks, EOIs, and spurious IRQ 7/15 handling.
import { describe, it, expect } from "vitest";
import { loadKernelEntry } from "../helpers/kernel-wasm";

const ENTRY = "test/kernel/pic.entry.ts";

async function withIsr(master: number, slave: number) {
  return loadKernelEntry(ENTRY, {
    inPort: (port) => (port === 0x20 ? master : port === 0xa0 ? slave : undefined),
  });
}

const outs = (k: Awaited<ReturnType<typeof withIsr>>) => k.x86.ports.filter((p) => p.dir === "out").map((p) => [p.port, p.value]);

describe("8259 PIC", () => {
  it("remaps IRQs to 0x20-0x2F and masks everything but the cascade", async () => {
    const k = await withIsr(0, 0);
    k.exports.picInit();
    expect(outs(k)).toEqual([
      [0x20, 0x11], [0xa0, 0x11], [0x21, 0x20], [0xa1, 0x28], [0x21, 0x04], [0xa1, 0x02], [0x21, 0x01], [0xa1, 0x01],
      [0x21, 0xfb], [0xa1, 0xff],
    ]);
  });

  it("unmasks and masks single lines", async () => {
    const k = await withIsr(0, 0);
    k.exports.picInit();
    k.x86.ports.length = 0;
    k.exports.picUnmask(0);
    expect(outs(k)).toEqual([[0x21, 0xfa], [0xa1, 0xff]]);
    k.x86.ports.length = 0;
    k.exports.picUnmask(12);
    k.exports.picMask(0);
    expect(outs(k)).toEqual([[0x21, 0xfa], [0xa1, 0xef], [0x21, 0xfb], [0xa1, 0xef]]);
  });

  it("acknowledges the master for low IRQs and both for high ones", async () => {
    const k = await withIsr(0, 0);
    k.exports.picEndOfInterrupt(0);
    k.exports.picEndOfInterrupt(9);
    expect(outs(k)).toEqual([[0x20, 0x20], [0xa0, 0x20], [0x20, 0x20]]);
  });

  it("treats IRQ 7 with no in-service bit as spurious and sends no EOI", async () => {
    const k = await withIsr(0x00, 0);
    expect(k.exports.picIsSpurious(7)).toBe(1);
    expect(outs(k)).toEqual([[0x20, 0x0b]]);
    expect(k.exports.picSpuriousCount()).toBe(1);
  });

  it("treats a real IRQ 7 as real", async () => {
    const k = await withIsr(0x80, 0);
    expect(k.exports.picIsSpurious(7)).toBe(0);
    expect(k.exports.picSpuriousCount()).toBe(0);
  });

  it("for a spurious IRQ 15, acknowledges only the master (which did see the cascade)", async () => {
    const k = await withIsr(0, 0x00);
    expect(k.exports.picIsSpurious(15)).toBe(1);
    expect(outs(k)).toEqual([[0xa0, 0x0b], [0x20, 0x20]]);
    const real = await withIsr(0, 0x80);
    expect(real.exports.picIsSpurious(15)).toBe(0);
  });

  it("never calls other IRQs spurious without asking", async () => {
    const k = await withIsr(0, 0);
    for (const irq of [0, 1, 8, 14]) expect(k.exports.picIsSpurious(irq)).toBe(0);
    expect(k.x86.ports).toEqual([]);
  });
});

describe("8254 PIT", () => {
  it("programs channel 0 in mode 2 with the divisor for the rate, and clamps the rate", async () => {
    const k = await withIsr(0, 0);
    expect(k.exports.pitInit(100)).toBe(100); // 1193182 / 11931 = 100.006
    expect(outs(k)).toEqual([[0x43, 0x34], [0x40, 11931 & 0xff], [0x40, 11931 >> 8]]);
    expect(k.exports.pitInit(1)).toBe(19);
    expect(k.exports.pitInit(1000000)).toBe(10026); // clamped to 10000 Hz: divisor 119
  });
});
