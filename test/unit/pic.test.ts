// test/unit/pic.test.ts: the 8259 PICs are switched off at boot (moved
// away from every vector in use, every line masked), against mocked ports.
import { describe, it, expect } from "vitest";
import { loadKernelEntry } from "../helpers/kernel-wasm";

const ENTRY = "test/kernel/pic.entry.ts";

const outs = (k: Awaited<ReturnType<typeof loadKernelEntry>>) => k.x86.ports.filter((p) => p.dir === "out").map((p) => [p.port, p.value]);

describe("8259 PIC", () => {
  it("moves the vectors to 0xE0-0xEF and masks every line, the cascade too", async () => {
    const k = await loadKernelEntry(ENTRY);
    k.exports.picDisable();
    expect(outs(k)).toEqual([
      [0x20, 0x11], [0xa0, 0x11], [0x21, 0xe0], [0xa1, 0xe8], [0x21, 0x04], [0xa1, 0x02], [0x21, 0x01], [0xa1, 0x01],
      [0x21, 0xff], [0xa1, 0xff],
    ]);
  });
});
