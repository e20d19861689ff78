// test/helpers/v86.ts: boots an ISO in v86, the third emulator, inside this Node process, for system tests.
//
// Owns: running one v86 machine (build/v86.ts) with a hard timeout,
// capturing COM1, and telling how the boot ended. v86 has no isa-debug-exit
// device, so the kernel's power-off write is ignored and the kernel halts
// with interrupts off (kernel/power.ts). v86 reports that hlt itself, with
// its "cpu-event-halt" event: a CPU halted with interrupts off never runs
// again, and COM1's bytes are out by then (v86's UART hands each byte over
// as it is written, and the kernel drains the UART before it halts), so the
// run ends there, with nothing waited for by the clock. How it ended is read
// from the kernel's last line (V86_ENDINGS); a halt without one is
// "halted". The timeout ends every other run.
// Serial output is split into lines by the QEMU helper's serialLines, so
// both emulators' results read alike.
// Must not: assert anything (the tests do).

import { readFileSync } from "node:fs";
import { V86 } from "v86";
import type { BootModule } from "../../build/iso.ts";
import { V86_BIOS, V86_ENDINGS, V86_MACHINE, V86_MEMORY_MIB, V86_VGA_BIOS, V86_WASM, v86Missing } from "../../build/v86.ts";
import { BANNER, isoFor, serialLines } from "./qemu.ts";

export interface V86BootResult {
  serial: string;
  /** Serial output split into lines, CR removed, GRUB's screen-control noise dropped (serialLines). */
  lines: string[];
  /** "halted": the CPU halted with interrupts off, but no line of V86_ENDINGS came first. */
  how: "poweroff" | "failure" | "panic" | "halted" | "timeout";
  /** Wall-clock milliseconds from the machine's creation to the kernel's banner (null: none came) and to the end: for reports only, never for assertions. */
  bannerMs: number | null;
  endMs: number;
}

export interface V86BootOptions {
  /** The ISO to boot; default: one built from `cmdline` and `modules` (build/iso.ts). */
  iso?: string;
  cmdline?: string;
  /** Boot modules; default: the root task. */
  modules?: BootModule[];
  memoryMiB?: number;
  /** Destroy the machine after this long; the run ends as "timeout". */
  timeoutMs?: number;
}

/** A file's bytes as the ArrayBuffer v86 wants (a copy: Node's pooled Buffers share theirs). */
function bytes(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}

/** The first of the kernel's last lines (V86_ENDINGS) in the output, or "halted". */
export function v86Ending(serial: string): "poweroff" | "failure" | "panic" | "halted" {
  let best: { at: number; ending: "poweroff" | "failure" | "panic" } | null = null;
  for (const e of V86_ENDINGS) {
    const m = e.line.exec(serial.replace(/\r/g, ""));
    if (m && (best === null || m.index < best.at)) best = { at: m.index, ending: e.ending };
  }
  return best?.ending ?? "halted";
}

export async function bootV86(opts: V86BootOptions = {}): Promise<V86BootResult> {
  const missing = v86Missing();
  if (missing) throw new Error(`v86: ${missing}`);
  const iso = opts.iso ?? isoFor(opts.cmdline ?? "poweroff", opts.modules);
  const start = Date.now();
  const emu = new V86({
    wasm_path: V86_WASM,
    bios: { buffer: bytes(V86_BIOS) },
    vga_bios: { buffer: bytes(V86_VGA_BIOS) },
    cdrom: { buffer: bytes(iso) },
    memory_size: (opts.memoryMiB ?? V86_MEMORY_MIB) << 20,
    autostart: true,
    ...V86_MACHINE,
  });
  let serial = "";
  let lineStart = 0;
  let bannerMs: number | null = null;
  const how = await new Promise<V86BootResult["how"]>((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), opts.timeoutMs ?? 180_000);
    emu.add_listener("serial0-output-byte", (b: number) => {
      serial += String.fromCharCode(b);
      if (b !== 0x0a) return;
      if (bannerMs === null && serial.slice(lineStart).includes(BANNER)) bannerMs = Date.now() - start;
      lineStart = serial.length;
    });
    // Not in v86.d.ts: sent when the CPU executes hlt with interrupts off (v86's cpu.rs, hlt_op).
    (emu.add_listener as (event: string, f: () => void) => void)("cpu-event-halt", () => {
      clearTimeout(timer);
      resolve(v86Ending(serial));
    });
  });
  const endMs = Date.now() - start;
  await emu.destroy();
  return { serial, lines: serialLines(serial), how, bannerMs, endMs };
}
