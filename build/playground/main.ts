// build/playground/main.ts: the playground page's script (esbuild bundles it, with xterm.js and v86, into playground.js).
//
// Owns: the page's behaviour. It reads manifest.json (build/playground.ts
// writes it), offers its boot configurations and memory sizes, and boots
// the chosen ISO in v86 with the serial port wired to an xterm.js terminal:
// COM1's output is written to the terminal, and what is typed in the
// terminal is sent to COM1's input (v86's receive queue; tsos's kernel
// only transmits today, so nothing reads it yet, and the page says so).
// The VGA text screen is v86's own screen adapter. Progress: each file's
// download, then the machine starting, then running, then the kernel's
// last line (the manifest's endings: under v86 the power-off device is
// absent and the machine just halts).
// window.tsosPlayground is the hook test/system/playground.test.ts reads.
// Must not: load anything by an absolute URL, or send keys to the PS/2
// keyboard (tsos has no keyboard driver; typing goes to COM1 only).

import { Terminal } from "@xterm/xterm";
import { V86 } from "v86";
import type { PlaygroundManifest } from "../playground.ts";

// The manifest's shape is build/playground.ts's (a type-only import: esbuild drops it from the bundle).
type Manifest = PlaygroundManifest;
type Config = PlaygroundManifest["configs"][number];

type Phase = "manifest" | "loading" | "starting" | "running" | "stopped" | "error";

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

const configSelect = el<HTMLSelectElement>("config");
const memorySelect = el<HTMLSelectElement>("memory");
const restartButton = el<HTMLButtonElement>("restart");
const statusLine = el<HTMLSpanElement>("status");
const progressBar = el<HTMLProgressElement>("progress");
const about = el<HTMLParagraphElement>("about");
const com1Note = el<HTMLParagraphElement>("com1");
const screenContainer = el<HTMLDivElement>("screen_container");

const term = new Terminal({ cols: 80, rows: 28, fontSize: 13, fontFamily: "monospace", scrollback: 5000, cursorBlink: true });
term.open(el("terminal"));

let manifest: Manifest;
let emu: V86 | null = null; // this page load's machine (boot)
let endings: { ending: string; line: RegExp }[] = [];

// The current boot: everything the hook reports. `boots` counts boots and restarts.
const run = {
  phase: "manifest" as Phase,
  config: "",
  memoryMiB: 0,
  boots: 0,
  serialBytes: 0,
  com1SentBytes: 0,
  ending: null as string | null,
  endingLine: null as string | null,
  serial: "",
  line: "",
  errors: [] as string[],
};

function setStatus(phase: Phase, text: string, progress?: number): void {
  run.phase = phase;
  statusLine.textContent = text;
  progressBar.hidden = progress === undefined;
  if (progress !== undefined) progressBar.value = progress;
}

function mib(bytes: number): string {
  return (bytes / (1 << 20)).toFixed(1);
}

function updateCom1Note(): void {
  const waiting = com1Queue()?.length ?? 0;
  com1Note.textContent = `Typing here goes to COM1's input: ${run.com1SentBytes} bytes sent this boot, ${waiting} waiting in the UART. ` +
    "tsos does not read COM1 input yet (its serial driver only transmits), so nothing echoes.";
}

/** The bytes in v86's COM1 receive queue: sent to the guest and not yet read by it. */
function com1Queue(): number[] | null {
  const uart = (emu as unknown as { v86?: { cpu?: { devices?: { uart0?: { input?: number[] } } } } } | null)?.v86?.cpu?.devices?.uart0;
  return uart?.input ? [...uart.input] : null;
}

// Serial output arrives a byte at a time; the terminal gets it in batches.
let pending: number[] = [];
let flushQueued = false;
function flush(): void {
  flushQueued = false;
  if (pending.length) term.write(new Uint8Array(pending));
  pending = [];
}

function onSerialByte(byte: number): void {
  run.serialBytes++;
  pending.push(byte);
  if (!flushQueued) {
    flushQueued = true;
    setTimeout(flush, 0);
  }
  const ch = String.fromCharCode(byte);
  run.serial += ch;
  if (ch === "\n") {
    const line = run.line.replace(/\r$/, "");
    run.line = "";
    if (run.ending === null) {
      const hit = endings.find((e) => e.line.test(line));
      if (hit) {
        run.ending = hit.ending;
        run.endingLine = line;
        const how = hit.ending === "poweroff" ? "the system stopped cleanly" : hit.ending === "panic" ? "the kernel panicked" : "the system reported a failure";
        setStatus("stopped", `stopped: ${how} (v86 has no power-off device, so the machine halts)`);
      }
    }
  } else {
    run.line += ch;
  }
}

function resetRun(): void {
  flush();
  term.reset();
  run.boots++;
  run.serialBytes = 0;
  run.com1SentBytes = 0;
  run.ending = null;
  run.endingLine = null;
  run.serial = "";
  run.line = "";
  updateCom1Note();
}

// One machine per page load: another configuration or memory size is a new
// load of the page (?config=...&memory=...), because a v86 machine cannot be
// destroyed cleanly while it is still loading its files.
function boot(config: Config, memoryMiB: number): void {
  run.config = config.id;
  run.memoryMiB = memoryMiB;
  resetRun();
  about.textContent = `${config.name}: ${config.description}. Kernel command line "${config.cmdline}"; modules ${config.modules.map((m) => `"${m}"`).join(", ")}; ${memoryMiB} MiB.`;
  setStatus("loading", "loading v86", 0);

  const e = new V86({
    ...manifest.machine,
    wasm_path: manifest.wasm,
    bios: { url: manifest.bios },
    vga_bios: { url: manifest.vgaBios },
    cdrom: { url: config.iso },
    memory_size: memoryMiB << 20,
    vga_memory_size: 2 << 20,
    screen_container: screenContainer,
    disable_keyboard: true,
    disable_mouse: true,
    autostart: true,
  });
  emu = e;
  e.add_listener("download-progress", (p) => {
    const name = p.file_name.split("/").pop();
    const size = p.lengthComputable ? ` ${mib(p.loaded)} of ${mib(p.total)} MB` : ` ${mib(p.loaded)} MB`;
    setStatus("loading", `loading ${name}${size} (file ${p.file_index + 1} of ${p.file_count})`, p.lengthComputable && p.total ? p.loaded / p.total : 0);
  });
  e.add_listener("download-error", (p) => {
    run.errors.push(`cannot load ${p.file_name}`);
    setStatus("error", `error: cannot load ${p.file_name}`);
  });
  e.add_listener("emulator-ready", () => {
    if (run.phase === "loading") setStatus("starting", "starting the machine (SeaBIOS, then GRUB)");
  });
  e.add_listener("emulator-started", () => {
    if (run.phase !== "stopped" && run.phase !== "error") setStatus("running", `running ${config.iso.split("/").pop()}`);
    term.focus();
  });
  e.add_listener("serial0-output-byte", onSerialByte);
}

function reloadWith(config: Config, memoryMiB: number): void {
  setStatus("loading", `loading ${config.name} with ${memoryMiB} MiB`);
  location.search = new URLSearchParams({ config: config.id, memory: String(memoryMiB) }).toString();
}

term.onData((data) => {
  if (!emu) return;
  const bytes = new TextEncoder().encode(data);
  emu.serial_send_bytes(0, bytes);
  run.com1SentBytes += bytes.length;
  updateCom1Note();
});

configSelect.addEventListener("change", () => {
  const config = manifest.configs.find((c) => c.id === configSelect.value) ?? manifest.configs[0];
  reloadWith(config, config.memoryMiB);
});
memorySelect.addEventListener("change", () => {
  const config = manifest.configs.find((c) => c.id === run.config) ?? manifest.configs[0];
  reloadWith(config, Number(memorySelect.value));
});
restartButton.addEventListener("click", () => {
  if (!emu || run.phase === "loading" || run.phase === "manifest") return;
  resetRun();
  emu.restart();
  const config = manifest.configs.find((c) => c.id === run.config);
  setStatus("running", `running ${config?.iso.split("/").pop()} (restarted)`);
  term.focus();
});

window.addEventListener("error", (ev) => {
  run.errors.push(String(ev.message));
  setStatus("error", `error: ${ev.message}`);
});

async function start(): Promise<void> {
  const res = await fetch("manifest.json");
  if (!res.ok) throw new Error(`manifest.json: HTTP ${res.status}`);
  manifest = (await res.json()) as Manifest;
  endings = manifest.endings.map((e) => ({ ending: e.ending, line: new RegExp(e.pattern) }));
  for (const c of manifest.configs) configSelect.add(new Option(c.name, c.id));
  for (const m of manifest.memoryChoicesMiB) memorySelect.add(new Option(`${m} MiB`, String(m)));
  const params = new URLSearchParams(location.search);
  const config = manifest.configs.find((c) => c.id === params.get("config")) ?? manifest.configs[0];
  const asked = Number(params.get("memory"));
  const memoryMiB = manifest.memoryChoicesMiB.includes(asked) ? asked : config.memoryMiB;
  configSelect.value = config.id;
  memorySelect.value = String(memoryMiB);
  boot(config, memoryMiB);
}

/** What test/system/playground.test.ts reads. */
(window as unknown as { tsosPlayground: unknown }).tsosPlayground = {
  get phase() { return run.phase; },
  get config() { return run.config; },
  get memoryMiB() { return run.memoryMiB; },
  get boots() { return run.boots; },
  get serialBytes() { return run.serialBytes; },
  get com1SentBytes() { return run.com1SentBytes; },
  get ending() { return run.ending; },
  get endingLine() { return run.endingLine; },
  get errors() { return [...run.errors]; },
  serialText: () => run.serial,
  com1Queue,
  /** The terminal's text (scrollback included), a row wrapped at the terminal's width joined to the one before, trailing blank rows dropped. */
  terminalText(): string {
    const b = term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const line = b.getLine(i);
      const text = line?.translateToString(true) ?? "";
      if (line?.isWrapped && rows.length) rows[rows.length - 1] += text;
      else rows.push(text);
    }
    while (rows.length && rows[rows.length - 1] === "") rows.pop();
    return rows.join("\n");
  },
};

start().catch((e: Error) => {
  run.errors.push(e.message);
  setStatus("error", `error: ${e.message}`);
});
