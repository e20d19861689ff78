// test/unit/format.test.ts: kernel/lib/format.ts, kernel/console.ts and the
// serial and VGA drivers, compiled to wasm and run against the x86 mock.
//
// Serial output is what the mocked 16550 received; the VGA screen is a
// 4000-byte buffer in test memory handed to consoleInit.

import { beforeEach, describe, expect, it } from "vitest";
import { COM1, CRTC_DATA, CRTC_INDEX, KernelInstance, loadKernelEntry, X86MockOptions } from "../helpers/kernel-wasm";
import { itKeepsKernelRules } from "../helpers/kernel-checks";
import { rng } from "../helpers/rng";

const ENTRY = "test/kernel/console.entry.ts";
const COLUMNS = 80;
const ROWS = 25;

let k: KernelInstance;
let vga: number;

async function boot(options: X86MockOptions = {}): Promise<void> {
  k = await loadKernelEntry(ENTRY, options);
  vga = k.alloc(COLUMNS * ROWS * 2, 16);
  k.u8.fill(0xaa, vga, vga + COLUMNS * ROWS * 2); // garbage, so clearing shows
  k.exports.serialInit();
  k.exports.consoleInitAt(vga);
  k.x86.takeSerial();
}

beforeEach(async () => {
  await boot();
}, 120_000);

/** Runs `f` and returns what it sent to COM1. */
function serial(f: () => void): string {
  k.x86.takeSerial();
  f();
  return k.x86.takeSerial();
}

const cell = (row: number, col: number): number => k.view.getUint16(vga + 2 * (row * COLUMNS + col), true);
const screenRow = (row: number): string =>
  String.fromCharCode(...Array.from({ length: COLUMNS }, (_, c) => cell(row, c) & 0xff)).replace(/ +$/, "");
const screen = (): string[] => Array.from({ length: ROWS }, (_, r) => screenRow(r));

describe("the compiled console", () => {
  itKeepsKernelRules(() => k.module.wat);
});

describe("unsigned decimal", () => {
  const dec = (v: bigint): string => serial(() => k.exports.putDec(v));

  it("writes 0, u32 and u64 limits exactly", () => {
    expect(dec(0n)).toBe("0");
    expect(dec(7n)).toBe("7");
    expect(dec(10n)).toBe("10");
    expect(dec(4294967295n)).toBe("4294967295");
    expect(dec(4294967296n)).toBe("4294967296");
    expect(dec(1234567890123n)).toBe("1234567890123");
    expect(dec(9999999999999999999n)).toBe("9999999999999999999");
    expect(dec(10000000000000000000n)).toBe("10000000000000000000");
    expect(dec(18446744073709551615n)).toBe("18446744073709551615");
  });

  it("writes u32 values with putDec32", () => {
    const dec32 = (v: number): string => serial(() => k.exports.putDec32(v));
    expect(dec32(0)).toBe("0");
    expect(dec32(100)).toBe("100");
    expect(dec32(0xffffffff)).toBe("4294967295");
    expect(dec32(0x80000000)).toBe("2147483648");
  });

  it("counts decimal digits", () => {
    const w = (v: bigint): number => k.exports.decimalWidth(v);
    expect([0n, 9n, 10n, 99n, 100n, 4294967295n, 10n ** 19n - 1n, 10n ** 19n, 2n ** 64n - 1n].map(w)).toEqual([
      1, 1, 2, 2, 3, 10, 19, 20, 20,
    ]);
  });

  it("agrees with BigInt on powers of ten and their neighbours", () => {
    for (let e = 0n; e <= 19n; e++) {
      for (const v of [10n ** e - 1n, 10n ** e, 10n ** e + 1n]) {
        if (v < 2n ** 64n) expect(dec(v)).toBe(v.toString());
      }
    }
  });
});

describe("signed decimal", () => {
  const signed = (v: bigint): string => serial(() => k.exports.putSigned(v));

  it("writes negatives with a minus sign, including the minimum", () => {
    expect(signed(0n)).toBe("0");
    expect(signed(1n)).toBe("1");
    expect(signed(-1n)).toBe("-1");
    expect(signed(-1234n)).toBe("-1234");
    expect(signed(9223372036854775807n)).toBe("9223372036854775807");
    expect(signed(-9223372036854775808n)).toBe("-9223372036854775808");
  });
});

describe("hex", () => {
  const hex = (v: bigint, digits: number): string => serial(() => k.exports.putHex(v, digits));

  it("pads to the requested width", () => {
    expect(hex(0xdeadn, 8)).toBe("0x0000dead");
    expect(hex(0xc0000000n, 8)).toBe("0xc0000000");
    expect(hex(0xb8000n, 8)).toBe("0x000b8000");
    expect(hex(0n, 8)).toBe("0x00000000");
    expect(hex(0x100000000n, 16)).toBe("0x0000000100000000");
    expect(hex(0xffffffffffffffffn, 16)).toBe("0xffffffffffffffff");
  });

  it("never truncates a value wider than the width", () => {
    expect(hex(0x123456789n, 4)).toBe("0x123456789");
    expect(hex(0xabcn, 1)).toBe("0xabc");
  });

  it("clamps the width to 1..16", () => {
    expect(hex(0n, 0)).toBe("0x0");
    expect(hex(0n, -5)).toBe("0x0");
    expect(hex(0x5n, 20)).toBe("0x0000000000000005");
  });

  it("counts hex digits", () => {
    expect([0n, 0xfn, 0x10n, 0xffffffffn, 0x100000000n, 2n ** 64n - 1n].map((v) => k.exports.hexWidth(v))).toEqual([
      1, 1, 2, 8, 9, 16,
    ]);
  });
});

describe("sizes", () => {
  const size = (v: bigint): string => serial(() => k.exports.putSize(v));

  it("uses the largest binary unit that divides exactly", () => {
    expect(size(0n)).toBe("0 B");
    expect(size(1n)).toBe("1 B");
    expect(size(1000n)).toBe("1000 B");
    expect(size(1536n)).toBe("1536 B");
    expect(size(1024n)).toBe("1 KiB");
    expect(size(4096n)).toBe("4 KiB");
    expect(size(0x9fc00n)).toBe("639 KiB");
    expect(size(0xa0000n)).toBe("640 KiB");
    expect(size(0x7ee0000n)).toBe("129920 KiB");
    expect(size(0x7f00000n)).toBe("127 MiB");
    expect(size(0x8000000n)).toBe("128 MiB");
    expect(size(0x40000000n)).toBe("1 GiB");
    expect(size(3n << 30n)).toBe("3 GiB");
    expect(size(0x140000000n)).toBe("5 GiB");
    expect(size(1n << 40n)).toBe("1 TiB");
    expect(size(1n << 50n)).toBe("1 PiB");
    expect(size(1n << 63n)).toBe("8 EiB");
    expect(size(2n ** 64n - 1n)).toBe("18446744073709551615 B");
  });

  it("measures and pads sizes", () => {
    expect(k.exports.sizeWidth(0x9fc00n)).toBe(7);
    expect(k.exports.sizeWidth(0n)).toBe(3);
    expect(serial(() => k.exports.putSizePadded(0x9fc00n, 10))).toBe("   639 KiB");
    expect(serial(() => k.exports.putSizePadded(0x8000000n, 3))).toBe("128 MiB");
  });
});

describe("padding", () => {
  it("right-aligns decimals and never truncates them", () => {
    expect(serial(() => k.exports.putDecPadded(42n, 6))).toBe("    42");
    expect(serial(() => k.exports.putDecPadded(0n, 1))).toBe("0");
    expect(serial(() => k.exports.putDecPadded(123456n, 3))).toBe("123456");
    expect(serial(() => k.exports.putDecPadded(2n ** 64n - 1n, 22))).toBe("  18446744073709551615");
  });

  it("right-aligns signed decimals", () => {
    expect(serial(() => k.exports.putSignedPadded(-42n, 5))).toBe("  -42");
    expect(serial(() => k.exports.putSignedPadded(42n, 5))).toBe("   42");
    expect(serial(() => k.exports.putSignedPadded(-9223372036854775808n, 1))).toBe("-9223372036854775808");
  });

  it("left-aligns strings and writes spaces", () => {
    expect(serial(() => k.exports.putStringPadded(k.string("ab"), 5))).toBe("ab   ");
    expect(serial(() => k.exports.putStringPadded(k.string("abcdef"), 3))).toBe("abcdef");
    expect(serial(() => k.exports.putSpaces(3))).toBe("   ");
    expect(serial(() => k.exports.putSpaces(0))).toBe("");
    expect(serial(() => k.exports.putSpaces(-4))).toBe("");
  });

  it("lines up a memory map table", () => {
    const out = serial(() => {
      for (const [base, length] of [
        [0x0n, 0x9fc00n],
        [0x100000n, 0x7ee0000n],
        [0x100000000n, 0x40000000n],
      ]) {
        k.exports.putHex(base, 16);
        k.exports.putSizePadded(length, 12);
        k.exports.putNewline();
      }
    });
    expect(out).toBe(
      "0x0000000000000000     639 KiB\r\n" + "0x0000000000100000  129920 KiB\r\n" + "0x0000000100000000       1 GiB\r\n",
    );
  });
});

describe("console", () => {
  it("turns \\n into \\r\\n on serial only", () => {
    expect(serial(() => k.exports.putLine(k.string("hello")))).toBe("hello\r\n");
    expect(serial(() => k.exports.puts(k.string("a\nb")))).toBe("a\r\nb");
    expect(serial(() => k.exports.putNewline())).toBe("\r\n");
    expect(screen().slice(0, 4)).toEqual(["hello", "a", "b", ""]);
  });

  it("writes single characters and raw bytes", () => {
    expect(serial(() => k.exports.putc(0x41))).toBe("A");
    const addr = k.place(Uint8Array.from([0x6f, 0x6b, 0x0a, 0x21]), 1);
    expect(serial(() => k.exports.putBytes(addr, 4))).toBe("ok\r\n!");
  });

  it("shows anything outside printable ASCII as ?", () => {
    expect(serial(() => k.exports.puts(k.string("caf\u00e9 \u2713")))).toBe("caf? ?");
    expect(serial(() => [0x00, 0x01, 0x1b, 0x7f, 0x80, 0xff].forEach((c) => k.exports.putc(c)))).toBe("??????");
    expect(serial(() => k.exports.puts(k.string("\t\r\b")))).toBe("\t\r\b");
  });

  it("writes formatted numbers to the screen too", () => {
    k.exports.puts(k.string("mem "));
    k.exports.putSize(0x8000000n);
    k.exports.putc(0x20);
    k.exports.putHex(0xc0100000n, 8);
    expect(screenRow(0)).toBe("mem 128 MiB 0xc0100000");
  });
});

describe("serial", () => {
  it("programs COM1 for 115200 8N1 with FIFOs, and probes it in loopback", () => {
    const k2 = k;
    k2.x86.ports = [];
    expect(k2.exports.serialInit()).toBe(1);
    const outs = k2.x86.ports.filter((p) => p.dir === "out").map((p) => [p.port - COM1, p.value]);
    expect(outs).toEqual([
      [7, 0x5a], // scratch register: does it hold a value?
      [7, 0xa5], // and another, left as the mark of a live UART
      [1, 0x00], // IER: no interrupts
      [3, 0x80], // LCR: DLAB
      [0, 0x01], // DLL: divisor 1 = 115200
      [1, 0x00], // DLM
      [3, 0x03], // LCR: 8N1
      [2, 0xc7], // FCR: FIFOs on, cleared, 14-byte trigger
      [4, 0x1b], // MCR: DTR RTS OUT2 + loopback
      [0, 0xae], // probe byte
      [4, 0x0b], // MCR: loopback off
    ]);
    expect(k2.x86.uart.dll).toBe(1);
    expect(k2.x86.uart.lcr).toBe(0x03);
    expect(k2.x86.serial).toBe(""); // the probe never reaches the line
    expect(k2.exports.serialPresent()).toBe(1);
  });

  it("lets the boot loader's last bytes leave before the probe, however long the host takes", async () => {
    k = await loadKernelEntry(ENTRY, { logPorts: false });
    // As GRUB leaves it on a host that is not reading: 8N1 set up, a byte
    // in the shift register and three in the FIFO, the transmitter busy
    // for 500 000 polls. QEMU runs a loopback byte through this same
    // transmitter, so probing now would find no echo.
    const u = k.x86.uart;
    u.lcr = 0x03;
    u.fcr = 0x01;
    u.block(500_000);
    for (const c of "GRUB") u.writeThr(c.charCodeAt(0));
    expect(u.tsr).toBe(0x47);
    expect(k.exports.serialInit()).toBe(1);
    expect(k.x86.serial).toBe("GRUB"); // sent, not cleared by the FIFO reset
    expect(u.lsrReads).toBeGreaterThan(500_000);
  });

  it("reads the line status once per FIFO load: 16 bytes after each THRE", () => {
    k.x86.ports = [];
    k.exports.puts(k.string("0123456789abcdefXYZ"));
    const ins = k.x86.ports.filter((p) => p.dir === "in");
    expect(ins).toEqual([
      { dir: "in", port: COM1 + 5, value: 0x60, width: 1 },
      { dir: "in", port: COM1 + 5, value: 0x60, width: 1 },
    ]);
    expect(k.x86.serial).toBe("0123456789abcdefXYZ");
  });

  it("sends one byte per THRE on a UART without FIFOs", async () => {
    await boot();
    k.x86.uart.hasFifo = false; // an 8250/16450
    k.exports.serialInit(); // re-probes: IIR now says no FIFO
    k.x86.takeSerial();
    k.x86.ports = [];
    k.exports.puts(k.string("abc"));
    expect(k.x86.ports.filter((p) => p.dir === "in" && p.port === COM1 + 5).length).toBe(3);
    expect(k.x86.serial).toBe("abc");
    expect(k.x86.uart.overruns).toBe(0);
  });

  it("keeps every byte, in order, through long busy stretches of the transmitter", async () => {
    await boot({ logPorts: false });
    // Seeded busy stretches of 0 to 400 000 polls: far past the old give-up
    // limit (100 000) and past the liveness-check interval (65 536). This is
    // the transmitter of a QEMU whose host reads late: the shift register
    // holds a byte, THRE may still be set, TEMT is clear.
    const random = rng(0x5e71a1);
    let stretches = 0;
    let longest = 0;
    k.x86.uart.onTransmit = (u) => {
      if (u.blockedPolls === 0 && random() < 0.01) {
        const polls = Math.floor(random() * 400_000);
        stretches++;
        longest = Math.max(longest, polls);
        u.block(polls);
      }
    };
    let text = "";
    for (let i = 0; text.length < 6000; i++) text += `line ${i}: the kernel must keep talking, slowly if it has to\n`;
    k.x86.takeSerial();
    for (let i = 0; i < text.length; i += 500) k.exports.puts(k.string(text.slice(i, i + 500)));
    k.exports.finishConsole(); // drains: after it, nothing waits in the UART
    expect(stretches).toBeGreaterThan(20);
    expect(longest).toBeGreaterThan(300_000);
    expect(k.x86.uart.fifo.length).toBe(0);
    expect(k.x86.uart.tsr).toBe(-1);
    expect(k.x86.serial).toBe(text.replace(/\n/g, "\r\n"));
    expect(k.x86.uart.overruns).toBe(0);
    expect(k.exports.serialPresent()).toBe(1);
    expect(k.exports.serialLostBytes()).toBe(0);
  });

  it("keeps waiting on a transmitter that never sends while the UART answers", async () => {
    await boot({ uart: "stuck", uartPollLimit: 1_000_000, logPorts: false });
    k.x86.takeSerial();
    // 16 bytes go out after the first THRE (one into the shift register,
    // where it stays, 15 into the FIFO); the 17th waits, through 1 000 000
    // polls (15 liveness checks) until the test's guard stops it.
    expect(() => k.exports.puts(k.string("0123456789abcdef!"))).toThrow(/polled 1000000 times/);
    expect(k.exports.serialPresent()).toBe(1);
    expect(k.exports.serialLostBytes()).toBe(0);
    expect(k.x86.uart.tsr).toBe(0x30);
    expect(k.x86.uart.fifo.length).toBe(15);
    expect(k.x86.uart.overruns).toBe(0);
  });

  it("has no serial console when no UART answers the loopback probe, and counts nothing as lost", async () => {
    await boot({ uart: "absent" });
    expect(k.exports.serialPresent()).toBe(0);
    expect(k.exports.serialState()).toBe(1); // Absent
    k.exports.puts(k.string("lost"));
    expect(k.x86.serial).toBe("");
    expect(k.exports.serialLostBytes()).toBe(0);
    expect(screenRow(0)).toBe("lost"); // VGA still works
    k.exports.finishConsole();
    expect(screenRow(1)).toBe(""); // nothing to report
  });

  it("gives up a UART that is unplugged, counts what it lost and says so on VGA", async () => {
    await boot({ logPorts: false });
    k.exports.puts(k.string("before\n")); // 8 bytes: 8 more fit before the next poll
    k.x86.uart.gone = true; // every register reads 0xFF from now on
    k.exports.puts(k.string("after\nafter\nafter\nafter\n"));
    expect(k.exports.serialPresent()).toBe(0);
    expect(k.exports.serialState()).toBe(3); // Gone
    // The 8 bytes written blind after the last THRE reached the device as it
    // went; the next poll read 0xFF, and the other 20 were counted.
    expect(k.exports.serialLostBytes()).toBe(20);
    k.exports.finishConsole();
    expect(screenRow(5)).toBe("console: 20 bytes of serial output lost: COM1 stopped answering");
    expect(k.x86.serial).toBe("before\r\n");
  });

  it("gives up a UART that is unplugged while its transmitter is busy", async () => {
    await boot({ logPorts: false });
    k.exports.puts(k.string("before\n"));
    k.x86.uart.block(10_000_000); // the host stops reading...
    k.x86.uart.goneAtRead = k.x86.uart.lsrReads + 1000; // ...and the device goes
    k.exports.puts(k.string("0123456789abcdefafter\n"));
    expect(k.x86.uart.lsrReads).toBeLessThan(2000); // noticed at once, not after the busy stretch
    expect(k.exports.serialState()).toBe(3);
    expect(k.exports.serialLostBytes()).toBe(15); // 8 went into the UART; the other 15 are lost
    k.exports.finishConsole();
    expect(screenRow(2)).toBe("console: 15 bytes of serial output lost: COM1 stopped answering");
  });

  it("gives up a UART whose scratch register stops reading back while its transmitter is busy", async () => {
    await boot({ logPorts: false });
    k.x86.uart.block(10_000_000);
    k.exports.puts(k.string("0123456789abcdef"));
    k.x86.uart.scr = 0x00; // the scratch register lost serialInit's mark
    const polls = k.x86.uart.lsrReads;
    k.exports.putc(0x21);
    expect(k.x86.uart.lsrReads - polls).toBe(65536); // one liveness interval
    expect(k.exports.serialState()).toBe(3);
    expect(k.exports.serialLostBytes()).toBe(1);
  });

  it("counts output before serialInit as lost and reports it once serial works", async () => {
    k = await loadKernelEntry(ENTRY);
    k.exports.serialPutByte(0x41);
    expect(k.x86.serial).toBe("");
    expect(k.x86.ports).toEqual([]);
    expect(k.exports.serialLostBytes()).toBe(1);
    k.exports.serialInit();
    k.exports.consoleInitAt(k.alloc(COLUMNS * ROWS * 2, 16));
    k.exports.finishConsole();
    expect(k.x86.serial).toBe("console: 1 byte of serial output lost: written before COM1 was set up\r\n");
  });
});

describe("VGA text screen", () => {
  it("clears to light grey spaces and homes the cursor", () => {
    for (let i = 0; i < COLUMNS * ROWS; i++) expect(cell(Math.floor(i / COLUMNS), i % COLUMNS)).toBe(0x0720);
    expect(k.x86.cursor()).toBe(0);
    expect(k.exports.vgaReady()).toBe(1);
  });

  it("stores character and attribute and moves the hardware cursor", () => {
    k.exports.puts(k.string("Hi"));
    expect(cell(0, 0)).toBe(0x0748);
    expect(cell(0, 1)).toBe(0x0769);
    expect(k.x86.cursor()).toBe(2);
    k.exports.vgaSetAttribute(0x1f);
    k.exports.putc(0x21);
    expect(cell(0, 2)).toBe(0x1f21);
    expect(k.exports.vgaAttribute()).toBe(0x1f);
    expect(k.x86.cursor()).toBe(3);
  });

  it("sets the cursor through CRTC registers 0x0F and 0x0E", () => {
    k.exports.putLine(k.string("x"));
    k.exports.puts(k.string("abc"));
    k.x86.ports = [];
    k.exports.vgaSyncCursor();
    const pos = COLUMNS + 3;
    expect(k.x86.ports.map((p) => [p.port, p.value])).toEqual([
      [CRTC_INDEX, 0x0f],
      [CRTC_DATA, pos & 0xff],
      [CRTC_INDEX, 0x0e],
      [CRTC_DATA, pos >> 8],
    ]);
  });

  it("handles newline, carriage return, tab and backspace", () => {
    k.exports.puts(k.string("abc\rX\nl2\tT\nab\bY\n\tZ"));
    expect(screen().slice(0, 5)).toEqual(["Xbc", "l2      T", "aY", "        Z", ""]);
    expect(k.exports.vgaRow()).toBe(3);
    expect(k.exports.vgaColumn()).toBe(9);
    expect(k.x86.cursor()).toBe(3 * COLUMNS + 9);
  });

  it("does not back up past column 0", () => {
    k.exports.puts(k.string("\b\bA"));
    expect(screenRow(0)).toBe("A");
  });

  it("wraps long lines, deferring the wrap so a full line plus \\n is one line", () => {
    k.exports.puts(k.string("a".repeat(COLUMNS)));
    expect(k.exports.vgaRow()).toBe(0);
    expect(k.exports.vgaColumn()).toBe(COLUMNS);
    expect(k.x86.cursor()).toBe(COLUMNS - 1); // held on the last cell
    k.exports.puts(k.string("\nb"));
    expect(screen().slice(0, 3)).toEqual(["a".repeat(COLUMNS), "b", ""]);
    k.exports.puts(k.string("\n" + "c".repeat(COLUMNS + 1)));
    expect(screen().slice(2, 5)).toEqual(["c".repeat(COLUMNS), "c", ""]);
  });

  it("scrolls after 25 lines, keeping the newest 24 and a blank last row", () => {
    for (let i = 0; i < 26; i++) k.exports.putLine(k.string(`line ${i}`));
    const expected = Array.from({ length: 24 }, (_, r) => `line ${r + 2}`);
    expect(screen()).toEqual([...expected, ""]);
    expect(k.exports.vgaRow()).toBe(24);
    expect(k.exports.vgaColumn()).toBe(0);
    expect(k.x86.cursor()).toBe(24 * COLUMNS);
  });

  it("scrolls when a wrap passes the last row, and blanks the new row with the current attribute", () => {
    for (let i = 0; i < 24; i++) k.exports.putNewline();
    k.exports.vgaSetAttribute(0x4e);
    k.exports.puts(k.string("z".repeat(COLUMNS + 2)));
    expect(screenRow(23)).toBe("z".repeat(COLUMNS));
    expect(screenRow(24)).toBe("zz");
    expect(cell(24, 0)).toBe(0x4e7a);
    expect(cell(24, 2)).toBe(0x4e20);
    expect(cell(24, COLUMNS - 1)).toBe(0x4e20);
    expect(cell(22, 0)).toBe(0x0720);
  });

  it("keeps scrolling correctly over many lines", () => {
    for (let i = 0; i < 1000; i++) k.exports.putLine(k.string(`${i}`));
    expect(screen()).toEqual([...Array.from({ length: 24 }, (_, r) => `${976 + r}`), ""]);
  });

  it("never writes outside its 4000-byte buffer", () => {
    const guard = k.alloc(64, 16);
    k.u8.fill(0x5c, guard, guard + 64);
    const before = k.bytes(vga - 64, 64);
    for (let i = 0; i < 60; i++) k.exports.puts(k.string("x".repeat(79) + "\t\n"));
    expect(k.bytes(vga - 64, 64)).toEqual(before);
    expect(k.bytes(guard, 64)).toEqual(new Uint8Array(64).fill(0x5c));
  });

  it("never reads past its buffer: one placed at the end of memory survives scrolling", () => {
    const top = k.placeAtEnd(new Uint8Array(COLUMNS * ROWS * 2));
    expect(top + COLUMNS * ROWS * 2).toBe(k.memory.buffer.byteLength);
    k.exports.vgaInitAt(top);
    vga = top;
    for (let i = 0; i < 30; i++) k.exports.putLine(k.string("x".repeat(79) + "\t"));
    expect(screenRow(23)).toBe("x".repeat(79));
    expect(screenRow(24)).toBe("");
  });

  it("ignores output before vgaInit", async () => {
    k = await loadKernelEntry(ENTRY);
    k.exports.serialInit();
    expect(k.exports.vgaReady()).toBe(0);
    k.x86.ports = [];
    expect(serial(() => k.exports.putLine(k.string("early")))).toBe("early\r\n");
    expect(k.x86.ports.some((p) => p.port === CRTC_INDEX || p.port === CRTC_DATA)).toBe(false);
  });
});
