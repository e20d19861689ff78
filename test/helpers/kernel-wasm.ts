// test/helpers/kernel-wasm.ts: runs kernel AssemblyScript in Node.
//
// Owns: compiling a test entry file (test/kernel/*.entry.ts) to wasm with
// the asc API, caching the result under out/test-wasm/ by the content of
// every source file the compiler read; and instantiating it with the "x86"
// intrinsics mocked in JavaScript (port I/O with a COM1 16550 and the VGA
// CRT controller, cpuid, control registers, MSRs) and an `env.abort` that
// throws, so a failed AssemblyScript assert fails the test.
// Must not: hide a trap. A wasm trap or abort propagates as an exception.

import asc from "assemblyscript/asc";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { INTRINSICS, INTRINSIC_MODULE } from "../../build/intrinsics";
import { TLS_BLOCK } from "../../libs/abi/layout.def";

/** Offset of the thread pointer in the thread control words. */
const TLS_SELF = TLS_BLOCK.fields.find((f) => f.name === "SELF")!.offset;

/** Thrown by the mocks of kernel exits (restoreUserContext, idleWait), which never return. */
export class KernelExit extends Error {
  constructor(public how: "restoreUserContext" | "idleWait", public context: number) {
    super(`kernel exit: ${how}(0x${context.toString(16)})`);
  }
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CACHE_DIR = path.join(REPO_ROOT, "out/test-wasm");

/**
 * Where static data starts. Low, so the module runs in a small Node memory;
 * decimal, because asc ignores a hex --memoryBase (see DESIGN.md).
 */
export const TEST_MEMORY_BASE = 65536;

/** The flags every test compile gets. Assertions stay on. */
export const BASE_ASC_FLAGS = ["--runtime", "stub", "--memoryBase", String(TEST_MEMORY_BASE), "--debug", "--use", "TSOS_PATH_STATS=0"];

export interface CompileOptions {
  /** asc optimisation flags; default ["-O2"]. */
  optimize?: string[];
  /** More asc flags, appended. */
  extraArgs?: string[];
}

export interface CompiledEntry {
  wasm: Uint8Array;
  /** The text format, for rule checks and for reading when a test fails. */
  wat: string;
  /** True if this came from out/test-wasm/ without running asc. */
  cached: boolean;
}

/** The manifest's hash for a file asc looked for and did not find. */
const ABSENT = "absent";

interface CacheManifest {
  files: Record<string, string>;
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file); // concurrent vitest workers may compile the same entry
}

/**
 * Compiles an AssemblyScript entry file (a path relative to the repository
 * root, or absolute) to wasm. A result is reused while every file asc read
 * for it is byte-identical.
 */
export async function compileKernelEntry(entry: string, options: CompileOptions = {}): Promise<CompiledEntry> {
  const entryPath = path.resolve(REPO_ROOT, entry);
  if (!existsSync(entryPath)) throw new Error(`compileKernelEntry: no such entry file ${entryPath}`);
  const args = [...(options.optimize ?? ["-O2"]), ...BASE_ASC_FLAGS, ...(options.extraArgs ?? [])];
  const key = sha256(JSON.stringify({ entry: path.relative(REPO_ROOT, entryPath), args, asc: asc.version })).slice(0, 32);
  const base = path.join(CACHE_DIR, key);

  if (existsSync(`${base}.json`) && existsSync(`${base}.wasm`) && existsSync(`${base}.wat`)) {
    const manifest = JSON.parse(readFileSync(`${base}.json`, "utf8")) as CacheManifest;
    const fresh = Object.entries(manifest.files).every(([file, hash]) =>
      existsSync(file) ? sha256(readFileSync(file)) === hash : hash === ABSENT,
    );
    if (fresh) {
      return { wasm: new Uint8Array(readFileSync(`${base}.wasm`)), wat: readFileSync(`${base}.wat`, "utf8"), cached: true };
    }
  }

  const read: Record<string, string> = {};
  const outputs: Record<string, Uint8Array | string> = {};
  let stderr = "";
  const result = await asc.main(
    [path.relative(REPO_ROOT, entryPath), ...args, "--baseDir", REPO_ROOT, "--outFile", "entry.wasm", "--textFile", "entry.wat"],
    {
      readFile(filename: string, baseDir: string) {
        // The project's asconfig.json configures the kernel build (its
        // memory base, abort handler, ...): test builds use only their flags.
        if (path.basename(filename) === "asconfig.json") return null;
        const file = path.resolve(REPO_ROOT, baseDir, filename);
        if (!existsSync(file)) {
          read[file] = ABSENT; // a file that appears later invalidates the cache
          return null;
        }
        const text = readFileSync(file, "utf8");
        read[file] = sha256(text);
        return text;
      },
      writeFile(filename: string, contents: Uint8Array | string) {
        outputs[path.basename(filename)] = contents;
      },
      listFiles() {
        return [];
      },
      stdout: asc.createMemoryStream(),
      stderr: {
        write(chunk: Uint8Array | string) {
          stderr += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
          return true;
        },
      } as unknown as ReturnType<typeof asc.createMemoryStream>,
    },
  );
  const wasm = outputs["entry.wasm"];
  const wat = outputs["entry.wat"];
  if (result.error || !(wasm instanceof Uint8Array) || typeof wat !== "string") {
    throw new Error(`asc failed for ${entry}: ${result.error?.message ?? "no output"}\n${stderr}`);
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  writeAtomically(`${base}.wasm`, wasm);
  writeAtomically(`${base}.wat`, wat);
  writeAtomically(`${base}.json`, JSON.stringify({ files: read } satisfies CacheManifest, null, 1));
  return { wasm, wat, cached: false };
}

/**
 * The kernel's code rules that a compiled module can be checked for:
 * no float instructions, no 64-bit division (a libgcc call on i386), no
 * runtime allocation. Returns one message per broken rule.
 */
export function kernelRuleViolations(wat: string): string[] {
  const problems: string[] = [];
  const float = wat.match(/\bf(32|64)\.[a-z_]+/);
  if (float) problems.push(`float instruction ${float[0]}`);
  const div = wat.match(/\bi64\.(div|rem)_[su]\b/);
  if (div) problems.push(`64-bit division ${div[0]} (needs libgcc on i386)`);
  const alloc = wat.match(/~lib\/rt\/stub\/__(alloc|new|renew|realloc)/);
  if (alloc) problems.push(`runtime allocation ${alloc[0]}`);
  return problems;
}

// ── The x86 mock ──────────────────────────────────────────────────────

export const COM1 = 0x3f8;
export const CRTC_INDEX = 0x3d4;
export const CRTC_DATA = 0x3d5;

export type Cpuid = [number, number, number, number];

export interface X86MockOptions {
  /**
   * COM1's behaviour: "ok" (a 16550A whose transmitter sends at once and
   * which echoes in loopback mode), "absent" (every COM1 read gives 0xFF,
   * as on a PC without the port), or "stuck" (its registers answer and
   * loopback works, but the transmitter never sends, as a host that never
   * reads). Stretches of a busy transmitter are set with Uart16550.block.
   */
  uart?: "ok" | "absent" | "stuck";
  /** Throw UartPollLimit after this many line-status reads (a guard for tests of waiting). */
  uartPollLimit?: number;
  /** Record every port access in X86Mock.ports (default true; off for tests with millions of polls). */
  logPorts?: boolean;
  /** cpuid results by leaf (subleaf ignored), or a function; default zeros. */
  cpuid?: Record<number, Cpuid> | ((leaf: number, subleaf: number) => Cpuid);
  /** Reads from ports the mock does not model; default 0xFF (floating bus). */
  inPort?: (port: number, width: 1 | 2 | 4) => number | undefined;
  /**
   * The user-mode `sysenter` (for user-library entries): called with the
   * address of the 5-word register block (eax, ebx, esi, edi, ebp), which
   * it may rewrite as the kernel's sysexit would. Without it, sysenter throws.
   */
  sysenter?: (block: number) => void;
  /** Memory-mapped device registers (mmioRead32/mmioWrite32); default: reads 0, writes kept in X86Mock.mmio. */
  mmioRead?: (addr: number) => number | undefined;
  mmioWrite?: (addr: number, value: number) => void;
  /** What the user-side startRegister intrinsic returns (EBX at _start); default 0. */
  startRegister?: number;
}

/** Thrown by the mocked UART when a test's poll budget (uartPollLimit) is spent. */
export class UartPollLimit extends Error {
  override name = "UartPollLimit";
}

/**
 * COM1 as QEMU models a 16550A: a 16-byte transmit FIFO in front of the
 * shift register. Writing THR while the FIFO is full drops the oldest byte
 * (counted in `overruns`). LSR.THRE is set while the FIFO is empty, TEMT
 * while the shift register is empty too. While the transmitter is blocked
 * (the host is not reading), the byte in the shift register and the FIFO
 * stay put; each line-status read counts one poll toward the end of the
 * block, and when it ends everything is sent at once.
 */
export class Uart16550 {
  ier = 0;
  lcr = 0;
  mcr = 0;
  fcr = 0;
  dll = 0;
  dlm = 0;
  scr = 0;
  rx: number[] = [];
  fifo: number[] = [];
  /** The byte in the transmit shift register, or -1. */
  tsr = -1;
  /** Line-status polls left in the current busy stretch. */
  blockedPolls = 0;
  /** Once set, the device is gone: every register reads 0xFF and writes vanish. */
  gone = false;
  /** The device goes (as `gone`) at this line-status read, counted in lsrReads. */
  goneAtRead = Infinity;
  /** False for an 8250/16450: FCR is ignored and there is a single holding register. */
  hasFifo = true;
  /** Bytes lost because THR was written with the FIFO full. */
  overruns = 0;
  lsrReads = 0;
  /** Called before each transmitted byte; may start a busy stretch with block(). */
  onTransmit: ((uart: Uart16550) => void) | null = null;

  constructor(private readonly sink: (byte: number) => void, private readonly stuck: boolean) {}

  /** Keeps the transmitter busy for the next `polls` line-status reads. */
  block(polls: number): void {
    this.blockedPolls = Math.max(this.blockedPolls, polls);
  }

  private get fifoOn(): boolean {
    return this.hasFifo && (this.fcr & 0x01) !== 0;
  }

  private busy(): boolean {
    return this.stuck || this.blockedPolls > 0;
  }

  // Moves bytes to the line until the transmitter blocks or is empty.
  private pump(): void {
    for (;;) {
      if (this.tsr < 0) {
        if (this.fifo.length === 0) return;
        this.tsr = this.fifo.shift()!;
      }
      this.onTransmit?.(this);
      if (this.busy()) return;
      this.sink(this.tsr);
      this.tsr = -1;
    }
  }

  writeThr(value: number): void {
    if (this.gone) return;
    if (this.mcr & 0x10) {
      this.rx.push(value);
      return;
    }
    const capacity = this.fifoOn ? 16 : 1;
    if (this.fifo.length >= capacity) {
      this.fifo.shift();
      this.overruns++;
    }
    this.fifo.push(value);
    this.pump();
  }

  readLsr(): number {
    if (this.lsrReads >= this.goneAtRead) this.gone = true;
    if (this.gone) return 0xff;
    this.lsrReads++;
    if (this.blockedPolls > 0) {
      this.blockedPolls--;
      if (this.blockedPolls === 0) this.pump();
    }
    const loopback = (this.mcr & 0x10) !== 0;
    const thre = this.fifo.length === 0 || loopback ? 0x20 : 0;
    const temt = thre && (this.tsr < 0 || loopback) ? 0x40 : 0;
    return thre | temt | (this.rx.length > 0 ? 0x01 : 0);
  }

  /** IIR: no interrupt pending (bit 0), FIFOs-enabled bits 7:6 when FCR bit 0 is set. */
  readIir(): number {
    return this.gone ? 0xff : (this.fifoOn ? 0xc0 : 0) | 0x01;
  }
}

export interface PortAccess {
  dir: "in" | "out";
  port: number;
  value: number;
  width: 1 | 2 | 4;
}

/** The mocked machine state behind the "x86" imports. */
export class X86Mock {
  /** Bytes the kernel transmitted on COM1, as a string (no translation). */
  serial = "";
  /** Every port access, in order. */
  ports: PortAccess[] = [];
  /** How often each intrinsic was called. */
  counts: Record<string, number> = {};
  /** Arguments of every call to intrinsics other than port I/O. */
  calls: { name: string; args: (number | bigint)[] }[] = [];
  cr0 = 0;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  tsc = 0n;
  msrs = new Map<number, bigint>();
  /** The FPU's registers as one FXSAVE image: fxsave copies it out, fxrstor in. */
  fpu = new Uint8Array(512);
  /** FPU instructions a test ran while CR0.TS was set (a real CPU would have raised #NM). */
  fpuWhileTs = 0;
  /** The FS and GS selectors. */
  fs = 0;
  gs = 0;
  /** Device registers written through mmioWrite32, by address (the last value). */
  mmio = new Map<number, number>();
  /** GS's base, for the user-mode readGs32: the user thread's thread pointer (KernelInstance sets one up). */
  gsBase = 0;
  /** The CRT controller's registers, by index. */
  crtc = new Array<number>(256).fill(0);
  crtcIndex = 0;
  readonly uart: Uart16550;

  constructor(
    readonly options: X86MockOptions,
    private readonly memory: () => WebAssembly.Memory,
  ) {
    this.uart = new Uart16550((b) => (this.serial += String.fromCharCode(b)), options.uart === "stuck");
  }

  /** Returns the serial output so far and clears it. */
  takeSerial(): string {
    const s = this.serial;
    this.serial = "";
    return s;
  }

  /** The hardware cursor position (CRTC registers 0x0E:0x0F). */
  cursor(): number {
    return (this.crtc[0x0e] << 8) | this.crtc[0x0f];
  }

  out(port: number, value: number, width: 1 | 2 | 4): void {
    if (this.options.logPorts !== false) this.ports.push({ dir: "out", port, value, width });
    if (width !== 1) return;
    value &= 0xff;
    const u = this.uart;
    const dlab = (u.lcr & 0x80) !== 0;
    if (port >= COM1 && port < COM1 + 8 && (u.gone || this.options.uart === "absent")) return;
    switch (port) {
      case COM1 + 0:
        if (dlab) u.dll = value;
        else u.writeThr(value);
        break;
      case COM1 + 1:
        if (dlab) u.dlm = value;
        else u.ier = value;
        break;
      case COM1 + 2:
        u.fcr = value;
        if (value & 0x04) u.fifo = []; // clear the transmit FIFO
        break;
      case COM1 + 3:
        u.lcr = value;
        break;
      case COM1 + 4:
        u.mcr = value;
        break;
      case COM1 + 7:
        u.scr = value;
        break;
      case CRTC_INDEX:
        this.crtcIndex = value;
        break;
      case CRTC_DATA:
        this.crtc[this.crtcIndex] = value;
        break;
    }
  }

  in(port: number, width: 1 | 2 | 4): number {
    const value = this.read(port, width);
    if (this.options.logPorts !== false) this.ports.push({ dir: "in", port, value, width });
    return value;
  }

  private read(port: number, width: 1 | 2 | 4): number {
    const u = this.uart;
    if (width === 1 && port >= COM1 && port < COM1 + 8) {
      if (this.options.uart === "absent" || u.gone) return 0xff;
      switch (port - COM1) {
        case 0:
          return u.lcr & 0x80 ? u.dll : (u.rx.shift() ?? 0);
        case 1:
          return u.lcr & 0x80 ? u.dlm : u.ier;
        case 2:
          return u.readIir();
        case 3:
          return u.lcr;
        case 4:
          return u.mcr;
        case 5: {
          const limit = this.options.uartPollLimit;
          if (limit !== undefined && u.lsrReads >= limit) throw new UartPollLimit(`the UART was polled ${limit} times`);
          return u.readLsr();
        }
        case 7:
          return u.scr;
        default:
          return 0;
      }
    }
    if (width === 1 && port === CRTC_INDEX) return this.crtcIndex;
    if (width === 1 && port === CRTC_DATA) return this.crtc[this.crtcIndex];
    const custom = this.options.inPort?.(port, width);
    if (custom !== undefined) return custom;
    return width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
  }

  /** kernelLayout(i) values (linker addresses); tests fill in what they need. */
  layout: number[] = [];

  cpuid(leaf: number, subleaf: number, out: number): void {
    const c = this.options.cpuid;
    const r: Cpuid = typeof c === "function" ? c(leaf >>> 0, subleaf >>> 0) : (c?.[leaf >>> 0] ?? [0, 0, 0, 0]);
    const view = new DataView(this.memory().buffer);
    for (let i = 0; i < 4; i++) view.setUint32(out + 4 * i, r[i] >>> 0, true);
  }

  private memBytes(): Uint8Array {
    return new Uint8Array(this.memory().buffer);
  }

  // An fxsave/fxrstor/fninit: fxsave and fxrstor need a 16-byte aligned area on a real CPU (#GP otherwise).
  private fxArea(area: number): number {
    if ((area & 15) !== 0) throw new Error(`X86Mock: fxsave/fxrstor area 0x${(area >>> 0).toString(16)} is not 16-byte aligned (#GP)`);
    return area >>> 0;
  }

  private fpuOp(op: () => void): void {
    if (this.cr0 & 0x8) this.fpuWhileTs++;
    op();
  }

  /** The import object's "x86" module: one function per intrinsic in build/intrinsics.ts. */
  imports(): Record<string, (...args: never[]) => unknown> {
    const impl: Record<string, (...args: any[]) => unknown> = {
      mmioRead32: (a: number) => (this.options.mmioRead?.(a >>> 0) ?? this.mmio.get(a >>> 0) ?? 0) >>> 0,
      mmioWrite32: (a: number, v: number) => {
        this.mmio.set(a >>> 0, v >>> 0);
        this.options.mmioWrite?.(a >>> 0, v >>> 0);
      },
      outb: (p: number, v: number) => this.out(p >>> 0, v >>> 0, 1),
      outw: (p: number, v: number) => this.out(p >>> 0, (v >>> 0) & 0xffff, 2),
      outl: (p: number, v: number) => this.out(p >>> 0, v >>> 0, 4),
      inb: (p: number) => this.in(p >>> 0, 1),
      inw: (p: number) => this.in(p >>> 0, 2),
      inl: (p: number) => this.in(p >>> 0, 4) | 0,
      cli: () => {},
      sti: () => {},
      hlt: () => {},
      pause: () => {},
      rdtsc: () => (this.tsc += 1000n),
      cpuid: (leaf: number, subleaf: number, out: number) => this.cpuid(leaf, subleaf, out >>> 0),
      readCr0: () => this.cr0 | 0,
      writeCr0: (v: number) => void (this.cr0 = v >>> 0),
      readCr2: () => this.cr2 | 0,
      readCr3: () => this.cr3 | 0,
      writeCr3: (v: number) => void (this.cr3 = v >>> 0),
      readCr4: () => this.cr4 | 0,
      writeCr4: (v: number) => void (this.cr4 = v >>> 0),
      invlpg: () => {},
      lgdt: () => {},
      lidt: () => {},
      ltr: () => {},
      wrmsr: (msr: number, v: bigint) => void this.msrs.set(msr >>> 0, BigInt.asUintN(64, v)),
      rdmsr: (msr: number) => BigInt.asIntN(64, this.msrs.get(msr >>> 0) ?? 0n),
      readEbp: () => 0,
      clts: () => void (this.cr0 = (this.cr0 & ~0x8) >>> 0),
      fninit: () => this.fpuOp(() => {
        this.fpu.fill(0, 0, 8); // FCW, FSW, FTW, FOP: x87 only; MXCSR and XMM stay
        this.fpu[0] = 0x7f;
        this.fpu[1] = 0x03;
      }),
      fxsave: (area: number) => this.fpuOp(() => this.memBytes().set(this.fpu, this.fxArea(area))),
      fxrstor: (area: number) => this.fpuOp(() => this.fpu.set(this.memBytes().subarray(this.fxArea(area), this.fxArea(area) + 512))),
      readFs: () => this.fs,
      readGs: () => this.gs,
      // User code in Node runs as user code: CPL 3 (the user code selector, 0x1B).
      readCs: () => 0x1b,
      writeFs: (v: number) => void (this.fs = v & 0xffff),
      writeGs: (v: number) => void (this.gs = v & 0xffff),
      readGs32: (offset: number) => {
        if (this.gsBase === 0) throw new Error("X86Mock: readGs32 with GS base 0 (no thread control words)");
        return new DataView(this.memory().buffer).getUint32((this.gsBase + offset) >>> 0, true);
      },
      loadGdt: () => {},
      // Kernel exits never return: in Node they end the call with an exception.
      restoreUserContext: (ctx: number) => {
        throw new KernelExit("restoreUserContext", ctx >>> 0);
      },
      idleWait: () => {
        throw new KernelExit("idleWait", 0);
      },
      kernelLayout: (which: number) => this.layout[which] ?? 0,
      sysenter: (block: number) => {
        if (!this.options.sysenter) throw new Error("X86Mock: sysenter is a user-mode instruction");
        this.options.sysenter(block >>> 0);
      },
      startRegister: () => this.options.startRegister ?? 0,
      threadEntry: (kind: number) => 0x400000 + kind * 0x10,
      threadStartAddress: () => 0x400100,
      compilerBarrier: () => {},
      benchSysenter: () => 0n,
      benchSysenterNop: () => 0n,
      benchStamped: () => {
        throw new Error("X86Mock: sysenter is a user-mode instruction");
      },
      benchStampedNop: () => {},
      benchUd2: () => {
        throw new Error("X86Mock: ud2");
      },
      benchUd2Nop: () => 0n,
      ud2: () => {
        throw new Error("X86Mock: ud2");
      },
      int3: () => {
        throw new Error("X86Mock: int3");
      },
      int80: () => {
        throw new Error("X86Mock: int 0x80");
      },
      divu: (a: number, b: number) => {
        if (b === 0) throw new Error("X86Mock: #DE");
        return ((a >>> 0) / (b >>> 0)) | 0;
      },
      callAddress: () => {
        throw new Error("X86Mock: callAddress");
      },
      sysenterWithStack: () => {
        throw new Error("X86Mock: sysenter is a user-mode instruction");
      },
      benchNullSyscall: () => {
        throw new Error("X86Mock: sysenter is a user-mode instruction");
      },
      benchNullSyscallNop: () => 0n,
      benchCr3Switch: () => 0n,
      benchCr3SwitchNop: () => 0n,
      sysenterWithNullDs: () => {
        throw new Error("X86Mock: sysenter is a user-mode instruction");
      },
      sysenterWithFlags: () => {
        throw new Error("X86Mock: sysenter is a user-mode instruction");
      },
      sysenterGarbage: () => {
        throw new Error("X86Mock: sysenter is a user-mode instruction");
      },
    };
    const out: Record<string, (...args: never[]) => unknown> = {};
    for (const intrinsic of INTRINSICS) {
      const f = impl[intrinsic.name];
      if (!f) throw new Error(`X86Mock: no mock for intrinsic ${intrinsic.name} (build/intrinsics.ts grew; add one)`);
      const name = intrinsic.name;
      const portIo = /^(in|out)[bwl]$/.test(name);
      out[name] = (...args: never[]) => {
        this.counts[name] = (this.counts[name] ?? 0) + 1;
        if (!portIo && name !== "pause") this.calls.push({ name, args: args as (number | bigint)[] });
        return f(...args);
      };
    }
    return out;
  }
}

// ── Instances ─────────────────────────────────────────────────────────

/** An AssemblyScript abort (a failed assert, an explicit abort) in the module. */
export class AssemblyScriptAbort extends Error {
  override name = "AssemblyScriptAbort";
}

export interface LoadOptions extends X86MockOptions, CompileOptions {
  /** Pages of scratch memory added above the module's own memory; default 16 (1 MiB). */
  scratchPages?: number;
}

/** A running test entry with its mocked machine and scratch memory. */
export class KernelInstance {
  /** Scratch memory: [scratchBase, scratchEnd), above all static data. */
  readonly scratchBase: number;
  readonly scratchEnd: number;
  private next: number;

  /**
   * The user thread's control words (libs/abi/layout.def.ts TLS_BLOCK), in
   * a page below scratch memory that resetScratch leaves alone (scratch
   * still ends where memory ends): the mocked GS base points at its SELF
   * word, as build/rt/user-rt.c sets it up.
   */
  readonly tlsBlock: number;

  constructor(
    readonly module: CompiledEntry,
    readonly instance: WebAssembly.Instance,
    readonly x86: X86Mock,
    scratchPages = 16,
  ) {
    const pagesBefore = this.memory.buffer.byteLength >>> 16;
    this.memory.grow(scratchPages + 1);
    this.tlsBlock = pagesBefore << 16;
    this.scratchBase = this.tlsBlock + 0x10000;
    this.scratchEnd = this.memory.buffer.byteLength;
    this.next = this.scratchBase;
    const self = this.tlsBlock + TLS_SELF;
    this.view.setUint32(self, self, true);
    x86.gsBase = self;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get exports(): any {
    return this.instance.exports;
  }

  get memory(): WebAssembly.Memory {
    return this.instance.exports.memory as WebAssembly.Memory;
  }

  /** Fresh views: growing memory detaches the old buffer. */
  get u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  get view(): DataView {
    return new DataView(this.memory.buffer);
  }

  /** Reserves `size` bytes of scratch memory (zeroed), aligned to `align`. */
  alloc(size: number, align = 16): number {
    const addr = (this.next + align - 1) & ~(align - 1);
    if (addr + size > this.scratchEnd) throw new Error(`KernelInstance.alloc: scratch memory exhausted (${size} bytes)`);
    this.next = addr + size;
    this.u8.fill(0, addr, addr + size);
    return addr;
  }

  /** Frees all scratch memory handed out by alloc/string. */
  resetScratch(): void {
    this.next = this.scratchBase;
  }

  /** Copies `data` into scratch memory; returns its address. */
  place(data: Uint8Array, align = 8): number {
    const addr = this.alloc(data.length, align);
    this.u8.set(data, addr);
    return addr;
  }

  /**
   * Copies `data` so that it ends exactly at the end of linear memory
   * (its start rounded down to `align`), so any read past it traps.
   * Returns its address. Overwrites the top of scratch memory.
   */
  placeAtEnd(data: Uint8Array, align = 8): number {
    const addr = (this.scratchEnd - data.length) & ~(align - 1);
    if (addr < this.next) throw new Error("KernelInstance.placeAtEnd: does not fit above allocated scratch");
    this.u8.fill(0, addr, this.scratchEnd);
    this.u8.set(data, addr);
    return addr;
  }

  bytes(addr: number, length: number): Uint8Array {
    return this.u8.slice(addr, addr + length);
  }

  /** `length` bytes at `addr` as Latin-1 text. */
  text(addr: number, length: number): string {
    return String.fromCharCode(...this.bytes(addr, length));
  }

  /** An AssemblyScript string returned by the module (pointer to UTF-16 data). */
  readString(ptr: number): string {
    const p = ptr >>> 0;
    if (p === 0) throw new Error("readString: null pointer");
    const byteLength = this.view.getUint32(p - 4, true);
    return String.fromCharCode(...new Uint16Array(this.memory.buffer.slice(p, p + byteLength)));
  }

  /**
   * Builds an AssemblyScript string in scratch memory laid out like a
   * static string (the 20-byte object header, then UTF-16 code units) and
   * returns its pointer, to pass as a `string` argument.
   */
  string(s: string): number {
    const header = 20;
    const block = this.alloc(header + 2 * s.length + 16, 16);
    const ptr = (block + header + 15) & ~15;
    const v = this.view;
    v.setUint32(ptr - 8, 2, true); // rtId: String
    v.setUint32(ptr - 4, 2 * s.length, true); // rtSize: byte length
    for (let i = 0; i < s.length; i++) v.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
    return ptr;
  }
}

/**
 * Compiles (or takes from the cache) a test entry and instantiates it
 * with a fresh X86Mock. Memory is grown by `scratchPages` for the test's
 * own data (blobs, a fake VGA buffer, argument strings).
 */
export async function loadKernelEntry(entry: string, options: LoadOptions = {}): Promise<KernelInstance> {
  const compiled = await compileKernelEntry(entry, options);
  let instance: WebAssembly.Instance | undefined;
  const memory = () => instance!.exports.memory as WebAssembly.Memory;
  const x86 = new X86Mock(options, memory);
  const readAsString = (ptr: number): string => {
    if (!ptr) return "";
    const view = new DataView(memory().buffer);
    const n = view.getUint32(ptr - 4, true);
    return String.fromCharCode(...new Uint16Array(memory().buffer.slice(ptr, ptr + n)));
  };
  const imports: WebAssembly.Imports = {
    [INTRINSIC_MODULE]: x86.imports() as WebAssembly.ModuleImports,
    env: {
      abort(msg: number, file: number, line: number, column: number) {
        throw new AssemblyScriptAbort(`AssemblyScript abort: ${readAsString(msg >>> 0)} at ${readAsString(file >>> 0)}:${line}:${column}`);
      },
      trace(msg: number, n: number, ...args: number[]) {
        console.log(`trace: ${readAsString(msg >>> 0)} ${args.slice(0, n).join(", ")}`);
      },
    },
  };
  const result = await WebAssembly.instantiate(compiled.wasm, imports);
  instance = result.instance;
  return new KernelInstance(compiled, instance, x86, options.scratchPages ?? 16);
}
