// test/system/boot.test.ts: boots os.iso in QEMU (TCG) and checks the
// serial console line by line: banner, boot loader, memory map, power-off,
// panics from wasm traps, and the boot-time checks in boot/entry.S.
import { hex8, KERNEL_IMAGE_PHYS, KERNEL_VBASE } from "../helpers/layout.ts";
import { describe, it, expect } from "vitest";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot, BootResult } from "../helpers/qemu.ts";

const BANNER = "tsos 0.1.0: a capability microkernel in AssemblyScript (i386, Multiboot2)";

function kernelLines(r: BootResult): string[] {
  const i = r.lines.indexOf(BANNER);
  return i < 0 ? [] : r.lines.slice(i);
}

function checkMemoryMap(r: BootResult, ramMiB: number): void {
  const lines = kernelLines(r);
  const header = lines.indexOf("memory map:");
  expect(header).toBeGreaterThan(0);
  const regions = [];
  let i = header + 1;
  for (; /^  0x/.test(lines[i]); i++) {
    const m = /^  0x([0-9a-f]{9})-0x([0-9a-f]{9}) +(\d+) (B|KiB|MiB|GiB)  (.+)$/.exec(lines[i]);
    expect(m, lines[i]).not.toBeNull();
    regions.push({ base: parseInt(m![1], 16), end: parseInt(m![2], 16), type: m![5] });
  }
  const total = /^memory: (\d+) KiB available in (\d+) regions, RAM (\d+) MiB$/.exec(lines[i]);
  expect(total, lines[i]).not.toBeNull();
  const availableKiB = regions.filter((x) => x.type === "available").reduce((s, x) => s + (x.end - x.base + 1) / 1024, 0);
  expect(Number(total![1])).toBe(availableKiB);
  expect(Number(total![2])).toBe(regions.length);
  expect(Number(total![3])).toBe(ramMiB);
}

describe("boot", () => {
  it("prints the banner, boot loader, command line and memory map, then powers off", async () => {
    const r = await boot({ memoryMiB: 128 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    const lines = kernelLines(r);
    expect(lines[0]).toBe(BANNER);
    expect(lines[1]).toMatch(/^boot: loader "GRUB 2\.\d+[^"]*", command line "poweroff"$/);
    expect(lines[2]).toMatch(/^boot: module 0 at 0x[0-9a-f]{8}-0x[0-9a-f]{8} "root"$/);
    expect(lines[3]).toBe("memory map:");
    expect(lines).toContain("  0x000000000-0x00009fbff     639 KiB  available");
    checkMemoryMap(r, 128);
    expect(lines).toContain('root: hello from user mode, arguments "root"');
    expect(lines).toContain('kernel: thread 1 "root" exited with status 0');
    expect(lines[lines.length - 2]).toBe("kernel: no threads left; stopping");
  });

  for (const mib of [8, 32, 256, 2048]) {
    it(`reports ${mib} MiB of RAM when QEMU has -m ${mib}`, async () => {
      const r = await boot({ memoryMiB: mib });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      checkMemoryMap(r, mib);
    });
  }

  it("leaves RAM above 4 GiB out of the untyped memory, and says so (no PAE)", async () => {
    // QEMU's pc machine puts RAM beyond 3 GiB above 4 GiB: with -m 4000, 928 MiB of it.
    const r = await boot({ memoryMiB: 4000 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    const lines = kernelLines(r);
    expect(lines).toContain("memory: 928 MiB of RAM above 4 GiB left out: it cannot be mapped without PAE");
    const header = lines.findIndex((l) => /^memory: \d+ KiB free for untyped in \d+ regions:$/.test(l));
    expect(header).toBeGreaterThan(0);
    const regions = lines.slice(header + 1).filter((l) => /^  0x[0-9a-f]{9}-0x[0-9a-f]{9} /.test(l));
    expect(regions.length).toBeGreaterThan(0);
    for (const l of regions) expect(parseInt(l.slice(16, 25), 16), l).toBeLessThan(2 ** 32); // the last byte of each
  });

  it("does not mention memory above 4 GiB when there is none", async () => {
    const r = await boot({ memoryMiB: 128 });
    expect(kernelLines(r).some((l) => l.includes("above 4 GiB"))).toBe(false);
  });

  it("halts without powering off when the command line does not ask for it, with the log on the VGA screen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsos-vga-"));
    const dump = join(dir, "vga.bin");
    const r = await boot({
      cmdline: "quiet=no",
      stopWhen: /kernel: no threads left; stopping\r\n/,
      atStop: async (monitor) => {
        await new Promise((res) => setTimeout(res, 500)); // the CPU reaches hlt
        const regs = await monitor("info registers");
        expect(regs).toMatch(/HLT=1/);
        await monitor(`pmemsave 0xb8000 4000 "${dump}"`); // quoted: HMP would read "4000 /tmp" as a division
      },
    });
    expect(r.how, r.stderr + r.serial).toBe("stopped");
    expect(kernelLines(r)[1]).toMatch(/command line "quiet=no"$/);
    const vga = readFileSync(dump);
    const rows: string[] = [];
    for (let row = 0; row < 25; row++) {
      let s = "";
      for (let col = 0; col < 80; col++) s += String.fromCharCode(vga[(row * 80 + col) * 2]);
      rows.push(s.trimEnd());
    }
    // The screen holds the log's last rows (it scrolled once the root task's lines
    // came): exactly the serial log's lines, wrapped at 80 columns, up to the last.
    const wrapped = kernelLines(r).flatMap((l) => (l.length === 0 ? [""] : (l.match(/.{1,80}/g) ?? [])).map((x) => x.trimEnd()));
    const shown = rows.slice(0, rows.lastIndexOf("kernel: no threads left; stopping") + 1);
    expect(shown.length, rows.join("\n")).toBeGreaterThan(20);
    const at = wrapped.lastIndexOf(shown[shown.length - 1]);
    expect(wrapped.slice(at - shown.length + 1, at + 1)).toEqual(shown);
    expect(rows).toContain("kernel: no threads left; stopping");
    expect(vga[1]).toBe(0x07); // light grey on black
  });
});

describe("kernel options", () => {
  it("reports an hz= that is not a number, or out of range, and runs at the default 100 Hz", async () => {
    for (const [value, line] of [["abc", "timer: hz=abc is not a number; using 100"], ["0", "timer: hz=0 is outside 1..10000; using 100"], ["20000", "timer: hz=20000 is outside 1..10000; using 100"]]) {
      const r = await boot({ cmdline: `poweroff hz=${value}` });
      expect(r.how, r.serial.slice(-1500)).toBe("poweroff");
      expect(r.lines).toContain(line);
      expect(r.lines).toContain("timer: local APIC at 100 Hz");
    }
  }, 120_000);
});

describe("panics", () => {
  it("turns a wasm unreachable trap in kernel code into a panic that names it", async () => {
    const r = await boot({ cmdline: "poweroff crash=unreachable" });
    expect(r.how, r.stderr + r.serial).toBe("panic");
    const lines = kernelLines(r);
    expect(lines).toContain('kernel: crash self-test "unreachable"');
    expect(lines).toContain("PANIC: wasm trap 5: unreachable executed");
    expect(lines).toContain("kernel: stopped after a panic");
  });

  it("turns a wasm divide-by-zero trap into a panic that names it", async () => {
    const r = await boot({ cmdline: "poweroff crash=divide" });
    expect(r.how, r.stderr + r.serial).toBe("panic");
    expect(kernelLines(r)).toContain("PANIC: wasm trap 3: integer divide by zero");
  });
});

describe("boot checks in boot/entry.S", () => {
  it("stops with a message naming the missing CPU features on a Pentium", async () => {
    const r = await boot({ cpu: "pentium", stopWhen: /SSE2\r?\n/, atStop: async () => {} });
    expect(r.how, r.stderr + r.serial).toBe("stopped");
    expect(r.lines).toContain("BOOT FAILED: CPU lacks required features: SEP PGE FXSR SSE SSE2");
    expect(r.lines).not.toContain(BANNER);
  });

  it("stops with a message on a 486", async () => {
    const r = await boot({ cpu: "486", stopWhen: /SSE2\r?\n/, atStop: async () => {} });
    expect(r.lines).toContain("BOOT FAILED: CPU lacks required features: TSC APIC SEP PGE FXSR SSE SSE2");
  });

  it("stops with a message on a Pentium III, which has SSE but not SSE2", async () => {
    const r = await boot({ cpu: "pentium3", stopWhen: /SSE2\r?\n/, atStop: async () => {} });
    expect(r.how, r.stderr + r.serial).toBe("stopped");
    expect(r.lines).toContain("BOOT FAILED: CPU lacks required features: SSE2");
    expect(r.lines).not.toContain(BANNER);
  });
});

describe("kernel faults", () => {
  it("panics with a register dump, the faulting symbol and a backtrace when the kernel writes its own text", async () => {
    const r = await boot({ cmdline: "poweroff crash=write-text" });
    expect(r.how, r.stderr + r.serial).toBe("panic");
    const lines = kernelLines(r);
    const head = lines.find((l) => l.startsWith("PANIC: kernel page fault"));
    expect(head, r.serial).toMatch(/^PANIC: kernel page fault \(vector 14, error 0x0003\) at 0x[0-9a-f]{8} (Z_kernelZ_kmain|w2c_kernel_main_\w+)\+0x[0-9a-f]+ kernel\/main\.ts:\d+$/);
    expect(lines.some((l) => /^eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8} $/.test(l))).toBe(true);
    expect(lines.some((l) => new RegExp(`^cr0=0x[0-9a-f]{8} cr2=${hex8(KERNEL_VBASE + KERNEL_IMAGE_PHYS + 0x40)} cr3=0x[0-9a-f]{8} cr4=0x[0-9a-f]{8} $`).test(l))).toBe(true);
    const bt = lines.indexOf("backtrace:");
    expect(bt).toBeGreaterThan(0);
    expect(lines.slice(bt + 1).some((l) => /^  0x[0-9a-f]{8} kernel_start\+0x[0-9a-f]+$/.test(l))).toBe(true);
    expect(lines).toContain("kernel: stopped after a panic");
  });

  it("panics on a kernel null-pointer read (page 0 is unmapped for the kernel too)", async () => {
    const r = await boot({ cmdline: "poweroff crash=null" });
    expect(r.how, r.stderr + r.serial).toBe("panic");
    expect(kernelLines(r).some((l) => /^PANIC: kernel page fault \(vector 14, error 0x0000\)/.test(l))).toBe(true);
    expect(kernelLines(r).some((l) => /cr2=0x00000000/.test(l))).toBe(true);
  });
});
