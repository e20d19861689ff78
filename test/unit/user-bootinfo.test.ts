// test/unit/user-bootinfo.test.ts: libs/user/bootinfo.ts reads seL4's BootInfo
// and walks the extra-BootInfo chunks of synthetic images.
//
// The images are built here with seL4's offsets written out by hand
// (libsel4/include/sel4/bootinfo_types.h, as DESIGN.md lists them), so a
// wrong offset in the library is caught. The boot-module table's layout is
// tsos's own (libs/abi/tsos.def.ts): its offsets are written out here too.

import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KernelInstance, loadKernelEntry } from "../helpers/kernel-wasm";

// seL4_BootInfo (ia32, non-MCS).
const EXTRA_LEN = 0;
const NODE_ID = 4;
const NUM_NODES = 8;
const IPC_BUFFER = 16;
const EMPTY = 20;
const SHARED_FRAMES = 28;
const USER_IMAGE_FRAMES = 36;
const USER_IMAGE_PAGING = 44;
const IO_SPACE_CAPS = 52;
const EXTRA_BI_PAGES = 60;
const CNODE_SIZE_BITS = 68;
const DOMAIN = 72;
const UNTYPED = 76;
const UNTYPED_LIST = 84;
const UNTYPED_LIST_COUNT = 230;
const PAGE = 4096;

// Extra BootInfo chunk IDs.
const PADDING = 0;
const TSC_FREQ = 5;
const BOOT_MODULES = 0x7473;

let k: KernelInstance;
let bi: number;

beforeAll(async () => {
  k = await loadKernelEntry("test/user/sel4.entry.ts", { scratchPages: 1 });
  bi = k.alloc(3 * PAGE, PAGE);
}, 120_000);

beforeEach(() => {
  k.u8.fill(0, bi, bi + 3 * PAGE);
});

const w32 = (addr: number, v: number) => k.view.setUint32(addr, v >>> 0, true);
const call = (fn: string, ...args: number[]) => k.exports[fn](bi, ...args) >>> 0;

/** Writes chunks (id, payload words or bytes) after BootInfo and sets extraLen; returns each chunk's address. */
function chunks(list: { id: number; len?: number; body?: Uint8Array }[], extraLen?: number): number[] {
  let at = bi + PAGE;
  const out: number[] = [];
  for (const c of list) {
    const body = c.body ?? new Uint8Array(0);
    const len = c.len ?? 8 + body.length;
    out.push(at);
    w32(at, c.id);
    w32(at + 4, len);
    k.u8.set(body, at + 8);
    at += Math.max(len, 8 + body.length);
  }
  w32(bi + EXTRA_LEN, extraLen ?? at - (bi + PAGE));
  return out;
}

const words = (...v: number[]) => new Uint8Array(new Uint32Array(v.map((x) => x >>> 0)).buffer);

describe("BootInfo readers", () => {
  it("read the header fields and every slot region at seL4's offsets", () => {
    w32(bi + NODE_ID, 0);
    w32(bi + NUM_NODES, 1);
    w32(bi + IPC_BUFFER, 0x40a000);
    w32(bi + CNODE_SIZE_BITS, 13);
    w32(bi + DOMAIN, 0);
    const regions: [number, string, number, number][] = [
      [EMPTY, "Empty", 0x120, 0x2000],
      [SHARED_FRAMES, "SharedFrames", 0x20, 0x20],
      [USER_IMAGE_FRAMES, "UserImageFrames", 0x10, 0x30],
      [USER_IMAGE_PAGING, "UserImagePaging", 0x30, 0x32],
      [IO_SPACE_CAPS, "IoSpaceCaps", 0x32, 0x32],
      [EXTRA_BI_PAGES, "ExtraBIPages", 0x32, 0x33],
      [UNTYPED, "Untyped", 0x33, 0x40],
    ];
    for (const [off, , s, e] of regions) {
      w32(bi + off, s);
      w32(bi + off + 4, e);
    }
    expect(call("bootInfoNumNodes")).toBe(1);
    expect(call("bootInfoIpcBuffer")).toBe(0x40a000);
    expect(call("bootInfoCNodeSizeBits")).toBe(13);
    for (const [off, name, s, e] of regions) {
      expect(call(`bootInfo${name}Start`), name).toBe(s);
      expect(call(`bootInfo${name}End`), name).toBe(e);
      expect(call("slotRegionCount", off), name).toBe(e - s);
    }
  });

  it("read the untyped list: paddr u32, sizeBits u8, isDevice u8, 8 bytes apart", () => {
    w32(bi + UNTYPED, 0x40);
    w32(bi + UNTYPED + 4, 0x43);
    const descs = [[0x100000, 20, 0], [0xfec00000 - 0x400000, 22, 1], [0x2000, 13, 0]];
    descs.forEach(([p, s, d], i) => {
      w32(bi + UNTYPED_LIST + 8 * i, p);
      k.view.setUint8(bi + UNTYPED_LIST + 8 * i + 4, s);
      k.view.setUint8(bi + UNTYPED_LIST + 8 * i + 5, d);
    });
    w32(bi + UNTYPED_LIST + 8 * 3, 0x5000); // beyond the region: not an entry
    expect(call("bootInfoUntypedCount")).toBe(3);
    descs.forEach(([p, s, d], i) => {
      expect(call("bootInfoUntypedPaddr", i)).toBe(p);
      expect(call("bootInfoUntypedSizeBits", i)).toBe(s);
      expect(call("bootInfoUntypedIsDevice", i)).toBe(d);
    });
    expect(call("bootInfoUntypedPaddr", 3)).toBe(0);
  });

  it("clip the untyped count to the list's 230 entries", () => {
    w32(bi + UNTYPED, 10);
    w32(bi + UNTYPED + 4, 10 + 500);
    expect(call("bootInfoUntypedCount")).toBe(UNTYPED_LIST_COUNT);
    w32(bi + UNTYPED + 4, 5); // end before start
    expect(call("bootInfoUntypedCount")).toBe(0);
  });

  it("initFromBootInfo sets the IPC buffer from BootInfo's ipcBuffer", () => {
    w32(bi + IPC_BUFFER, 0x40b000);
    k.exports.initFromBootInfo(bi);
    expect(k.exports.seL4_GetIPCBuffer() >>> 0).toBe(0x40b000);
  });
});

describe("extra BootInfo chunks", () => {
  it("start one page after BootInfo and are found by ID, skipping others", () => {
    const [, tsc] = chunks([{ id: PADDING, body: new Uint8Array(24) }, { id: TSC_FREQ, body: words(2400) }]);
    expect(k.exports.extraBootInfo(bi)).toBe(bi + PAGE);
    expect(call("findChunk", TSC_FREQ)).toBe(tsc);
    expect(call("chunkWalkError")).toBe(0);
    expect(call("bootInfoTscMhz")).toBe(2400);
    expect(call("findChunk", 3)).toBe(0); // no ACPI RSDP chunk: not found, no error
    expect(call("chunkWalkError")).toBe(0);
  });

  it("stop on a chunk of len 0 with an error instead of looping", () => {
    chunks([{ id: PADDING, len: 0 }, { id: TSC_FREQ, body: words(1000) }], 64);
    expect(call("findChunk", TSC_FREQ)).toBe(0);
    expect(call("chunkWalkError")).toBe(1);
    expect(call("bootInfoTscMhz")).toBe(0);
  });

  it("stop on a chunk shorter than its header or running past extraLen", () => {
    chunks([{ id: PADDING, len: 4 }], 32);
    expect(call("findChunk", TSC_FREQ)).toBe(0);
    expect(call("chunkWalkError")).toBe(2);
    chunks([{ id: PADDING, len: 16 }, { id: TSC_FREQ, len: 400, body: words(3) }], 40);
    expect(call("findChunk", TSC_FREQ)).toBe(0);
    expect(call("chunkWalkError")).toBe(2);
  });

  it("read nothing beyond extraLen", () => {
    chunks([{ id: PADDING, body: new Uint8Array(8) }, { id: TSC_FREQ, body: words(7) }], 16);
    expect(call("findChunk", TSC_FREQ)).toBe(0);
    expect(call("chunkWalkError")).toBe(0);
    chunks([], 0);
    expect(call("findChunk", PADDING)).toBe(0);
  });

  it("give no TSC frequency from a chunk too short to hold it", () => {
    chunks([{ id: TSC_FREQ, len: 8 }]);
    expect(call("bootInfoTscMhz")).toBe(0);
  });
});

describe("tsos boot-module table", () => {
  /** A table chunk: header, count, 24-byte entries, then the strings. */
  function table(mods: { frames: [number, number]; bytes: number; paddr: number; cmdline: string }[], count = mods.length): number {
    const headerAndEntries = 12 + 24 * mods.length;
    const strings = mods.map((m) => m.cmdline).join("");
    const body = new Uint8Array(headerAndEntries - 8 + strings.length);
    const v = new DataView(body.buffer);
    v.setUint32(0, count, true);
    let str = headerAndEntries;
    mods.forEach((m, i) => {
      const e = 4 + 24 * i;
      v.setUint32(e, m.frames[0], true);
      v.setUint32(e + 4, m.frames[1], true);
      v.setUint32(e + 8, m.bytes, true);
      v.setUint32(e + 12, m.paddr, true);
      v.setUint32(e + 16, str, true);
      v.setUint32(e + 20, m.cmdline.length, true);
      for (let j = 0; j < m.cmdline.length; j++) body[str - 8 + j] = m.cmdline.charCodeAt(j);
      str += m.cmdline.length;
    });
    const [, t] = chunks([{ id: TSC_FREQ, body: words(3000) }, { id: BOOT_MODULES, body }]);
    return t;
  }

  const MODS = [
    { frames: [0x200, 0x203] as [number, number], bytes: 0x2a00, paddr: 0x300000, cmdline: "printer hello" },
    { frames: [0x203, 0x204] as [number, number], bytes: 100, paddr: 0x303000, cmdline: "faulter ud2" },
  ];

  it("is found by its ID (0x7473) after seL4's chunks, and gives every field of every entry", () => {
    const t = table(MODS);
    expect(call("bootModuleTable")).toBe(t);
    expect(call("bootModuleCount")).toBe(2);
    MODS.forEach((m, i) => {
      expect(call("bootModuleFramesStart", i)).toBe(m.frames[0]);
      expect(call("bootModuleFramesEnd", i)).toBe(m.frames[1]);
      expect(call("bootModuleBytes", i)).toBe(m.bytes);
      expect(call("bootModulePaddr", i)).toBe(m.paddr);
      const a = call("bootModuleCmdline", i);
      expect(k.text(a, call("bootModuleCmdlineLength", i))).toBe(m.cmdline);
    });
    expect(call("bootModule", 2)).toBe(0);
    expect(call("bootModuleBytes", 2)).toBe(0);
    expect(call("bootInfoTscMhz")).toBe(3000);
  });

  it("counts only entries that lie inside the chunk", () => {
    const t = table(MODS, 1000);
    const len = k.view.getUint32(t + 4, true);
    expect(len).toBe(12 + 2 * 24 + 24); // two entries and 24 bytes of strings
    expect(call("bootModuleCount")).toBe(3); // (len - 12) / 24 whole entries fit
    expect(call("bootModule", 3)).toBe(0);
  });

  it("refuses a command line that points outside the chunk", () => {
    const t = table(MODS);
    w32(t + 12 + 24 + 16, 0x10000);
    expect(call("bootModuleCmdline", 1)).toBe(0);
    expect(call("bootModuleCmdlineLength", 1)).toBe(0);
    expect(call("bootModuleCmdline", 0)).not.toBe(0);
  });

  it("is absent (count 0) without the chunk", () => {
    chunks([{ id: TSC_FREQ, body: words(3000) }]);
    expect(call("bootModuleTable")).toBe(0);
    expect(call("bootModuleCount")).toBe(0);
    expect(call("bootModuleFramesStart", 0)).toBe(0);
  });
});
