// build/kernel.ts: the kernel pipeline, source to kernel.elf.
//
// Owns: the order of stages and their flags:
//   kernel/*.ts --asc--> kernel.asc.wasm --check, wasm-opt--> kernel.wasm
//   --wasm2c--> kernel.w2c.c --postprocess--> kernel.c
//   kernel.c + x86.gen.h + build/rt/kernel-rt.c = kernel.unit.c --gcc -m32--> kernel.o
//   boot/*.S --gcc--> *.o;  all --ld boot/kernel.ld--> out/kernel.elf
// Every stage is cached on its inputs (build/stage.ts).
// Must not: hold kernel policy or numbers; the layout lives in boot/kernel.ld
// and kernel/arch/x86/machine.def.ts (rendered by build/abigen.ts first).

import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, OUT, StageError, stage, run, filesUnder, writeIfChanged } from "./stage.ts";
import { generateIntrinsicsHeader, Side } from "./intrinsics.ts";
import { checkWasmText, locateRuleBreaks, optimizeWasm, usesFloats, wasmFacts, wasmText, type CheckOptions } from "./wasmcheck.ts";
import { postprocess, PostprocessError, mangleName } from "./postprocess.ts";
import { generateVectors } from "./vectors.ts";
import { encodeSymbols, lineRows, textSymbols } from "./ksyms.ts";
import { insertMarkers, mergeLines, LinesError } from "./lines.ts";
import { readWasm, WasmCodeError } from "./wasmcode.ts";
import { readSourceMap, SourceMapError } from "./sourcemap.ts";
import { generateAll, GEN_OUT } from "./abigen.ts";
import { KERNEL_SPACE } from "../kernel/arch/x86/machine.def.ts";

export const KERNEL_OUT = join(OUT, "kernel");
export const KERNEL_ELF = join(OUT, "kernel.elf");

/**
 * The kernel everyone runs, the measuring variant `npm run bench` boots
 * to find the longest non-preemptible path (kernel/debug/path-stats.ts:
 * asc --use TSOS_PATH_STATS=1), or the debug variant `npm run debug` boots:
 * asc and wasm-opt at -O1, which do not inline, so every AssemblyScript
 * function keeps a C function and gdb a frame (gcc's own inlining keeps
 * DWARF inline frames). Each has its own output directory and ELF.
 */
export type KernelVariant = "standard" | "pathstats" | "debug";

export function kernelElf(variant: KernelVariant = "standard"): string {
  return variant === "standard" ? KERNEL_ELF : join(OUT, `kernel-${variant}.elf`);
}
/** asc's --memoryBase for the kernel; boot/kernel.ld places .wasm_data there (kernel/arch/x86/machine.def.ts). */
export const KERNEL_MEMORY_BASE = KERNEL_SPACE.entries.find((e) => e.name === "KERNEL_WASM_BASE")!.value;

const ASC = join(ROOT, "node_modules", ".bin", "asc");

export const CFLAGS = [
  "-m32", "-march=i686", "-O2", "-ffreestanding", "-nostdlib", "-nostdinc",
  "-fno-pic", "-fno-pie", "-fno-stack-protector", "-fno-asynchronous-unwind-tables",
  "-fno-omit-frame-pointer", "-mgeneral-regs-only", "-fno-strict-aliasing",
  "-Wall", "-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable",
  "-Wno-unused-label", "-Wno-maybe-uninitialized",
];

/**
 * Debug information for every native module (it changes no code): line
 * tables that name the .ts lines build/lines.ts carries into the C. DWARF 4,
 * because binutils 2.40's addr2line misnames file 1 of gcc 12's DWARF 5
 * line tables once `#line` directives make it a .ts file (gdb reads both).
 */
export const DEBUG_CFLAGS = ["-g", "-gdwarf-4"];

/**
 * What replaces -mgeneral-regs-only for a user program whose wasm computes
 * with floats: SSE2 arithmetic, so f32/f64 round exactly as wasm says (x87
 * would keep excess precision), as in the conformance harness
 * (test/conformance/run.ts); no errno for sqrt (it becomes sqrtsd); no
 * contraction into fused multiply-adds. The kernel switches the FPU state
 * (kernel/arch/x86/fpu.ts). A user program without floats keeps
 * -mgeneral-regs-only, so it never touches the FPU and never costs a switch.
 */
export const USER_FLOAT_CFLAGS = ["-msse2", "-mfpmath=sse", "-fno-math-errno", "-ffp-contract=off"];

/** The gcc flags of one native module: the kernel's, or a float-using user program's. */
export function moduleCflags(side: Side, floats: boolean): string[] {
  if (side === "kernel" || !floats) return CFLAGS;
  return CFLAGS.flatMap((f) => (f === "-mgeneral-regs-only" ? USER_FLOAT_CFLAGS : [f]));
}

let toolKeyCache: string | null = null;
export function toolVersions(): string {
  if (toolKeyCache === null) {
    toolKeyCache = [
      run("setup", "gcc", ["--version"]).split("\n")[0],
      run("setup", "ld", ["--version"]).split("\n")[0],
      run("setup", "wasm2c", ["--version"]).trim(),
      JSON.parse(readFileSync(join(ROOT, "node_modules", "assemblyscript", "package.json"), "utf8")).version,
      JSON.parse(readFileSync(join(ROOT, "node_modules", "binaryen", "package.json"), "utf8")).version,
    ].join("|");
  }
  return toolKeyCache;
}

export function gccInclude(): string {
  return run("gcc", "gcc", ["-m32", "-print-file-name=include"]).trim();
}

/**
 * Runs asc on one entry file with a target from asconfig.json. asc's own
 * diagnostics (which point at the .ts file, line and column) are the
 * StageError's detail.
 */
export function compileAsc(stageName: string, entry: string, target: string, output: string, inputs: string[], extraFlags: string[] = []): void {
  stage({
    name: stageName,
    inputs,
    key: toolVersions() + entry + target + extraFlags.join(" "),
    outputs: [output, `${output}.map`],
    run: () => {
      run(stageName, ASC, [
        entry, "--config", "asconfig.json", "--target", target, "--sourceMap",
        "-o", relative(ROOT, output), "-t", relative(ROOT, output.replace(/\.wasm$/, ".wat")), ...extraFlags,
      ]);
    },
  });
}

export interface NativeModule {
  /** Module name: files are <dir>/<name>.asc.wasm in, <name>.o out. */
  name: string;
  dir: string;
  side: Side;
  /** The runtime C file in build/rt/ included after the module. */
  runtime: string;
  /** The exported function the runtime's entry calls. */
  entry: string;
  /** Prefix of the stage names (the kernel's variants share module names but not stages). */
  stagePrefix?: string;
  /** How compileAsc made <name>.asc.wasm; a failed check compiles it again unoptimised to place allocations. */
  asc?: { entry: string; target: string; flags: string[] };
  /** wasm-opt's optimisation level (default -O3; the debug kernel's -O1 does not inline). */
  wasmOptLevel?: string;
}

/**
 * The rule breaks of a module that failed the wasm check, named by .ts
 * lines (wasmcheck.ts locateRuleBreaks). asc inlines library code before
 * it writes the source map, so an allocation inlined from the library
 * (`new Array` is) keeps only library lines; then the module is compiled
 * once more without optimisation, where the call from the program's line
 * is still a call.
 */
function locateErrors(m: NativeModule, rules: CheckOptions): string[] {
  const o = (f: string) => join(m.dir, f);
  const located = locateRuleBreaks(readWasm(readFileSync(o(`${m.name}.asc.wasm`))), readSourceMap(o(`${m.name}.asc.wasm.map`)), rules);
  if (!rules.forbidAllocation || located.some((l) => l.includes(": allocates")) || !m.asc) return located;
  try {
    const out = o(`${m.name}.locate.wasm`);
    run("asc", ASC, [m.asc.entry, "--config", "asconfig.json", "--target", m.asc.target, "--sourceMap", ...m.asc.flags, "-O0", "-o", relative(ROOT, out)]);
    const unoptimised = locateRuleBreaks(readWasm(readFileSync(out)), readSourceMap(`${out}.map`), { ...rules, allowFloats: true });
    return [...located, ...unoptimised];
  } catch {
    return located;
  }
}

/**
 * Stages 2-5 of every native module: check and wasm-opt, wasm2c and
 * post-processing, the unity translation unit (intrinsics, module, runtime)
 * and gcc. Input <dir>/<name>.asc.wasm, output <dir>/<name>.o.
 */
export function wasmToObject(m: NativeModule): void {
  const o = (f: string) => join(m.dir, f);
  const who = m.side === "kernel" ? "kernel" : `user program ${m.name}`;
  stage({
    name: `${m.stagePrefix ?? ""}wasm-opt ${m.name}`,
    inputs: [o(`${m.name}.asc.wasm`), o(`${m.name}.asc.wasm.map`), join(ROOT, "build", "intrinsics.ts"), join(ROOT, "build", "wasmcheck.ts")],
    key: toolVersions() + m.side + (m.wasmOptLevel ?? ""),
    outputs: [o(`${m.name}.wasm`), o(`${m.name}.wasm.map`), o(`${m.name}.floats`)],
    run: () => {
      const rules: CheckOptions = { forbidAllocation: true, side: m.side, allowFloats: m.side === "user" };
      const errors = checkWasmText(wasmText(o(`${m.name}.asc.wasm`)), rules);
      if (errors.length) {
        // Floats and allocation named by their .ts lines where the source map places them.
        const located = locateErrors(m, rules);
        const placed = (kind: RegExp) => located.some((l) => kind.test(l));
        const kept = errors.filter((e) => !(/^float instruction or type in/.test(e) && placed(/: (float instruction|a float)/)) && !(/^the module contains the runtime allocator/.test(e) && placed(/: allocates/)));
        throw new StageError("wasm check", `${who} wasm breaks the rules:\n` + [...located, ...kept].map((e) => `  ${who}: ${e}`).join("\n"));
      }
      optimizeWasm("wasm-opt", o(`${m.name}.asc.wasm`), o(`${m.name}.wasm`), o(`${m.name}.asc.wasm.map`), o(`${m.name}.wasm.map`), m.wasmOptLevel);
      const text = wasmText(o(`${m.name}.wasm`));
      const after = checkWasmText(text, rules);
      if (after.length) throw new StageError("wasm-opt", `optimised ${who} wasm breaks the rules:\n  ` + after.join("\n  "));
      writeFileSync(o(`${m.name}.floats`), usesFloats(text) ? "floats\n" : "none\n");
    },
  });

  stage({
    name: `${m.stagePrefix ?? ""}wasm2c ${m.name}`,
    inputs: [o(`${m.name}.wasm`), o(`${m.name}.wasm.map`), ...["postprocess.ts", "lines.ts", "wasmcode.ts", "sourcemap.ts"].map((f) => join(ROOT, "build", f))],
    key: toolVersions(),
    outputs: [o(`${m.name}.c`), o(`${m.name}.h`)],
    run: () => {
      // The module's C, and the same for a copy with line markers (build/lines.ts).
      const translate = (wasm: string, base: string) => {
        run("wasm2c", "wasm2c", [wasm, "-n", m.name, "-o", o(`${base}.c`)]);
        const r = postprocess(readFileSync(o(`${base}.c`), "utf8"), readFileSync(o(`${base}.h`), "utf8"), { moduleName: m.name, headerName: `${base}.h` });
        return { h: r.h, c: r.c.replace(`#include "${base}.h"`, `#include "${m.name}.h"`) };
      };
      try {
        const real = translate(o(`${m.name}.wasm`), `${m.name}.w2c`);
        const markers = insertMarkers(readWasm(readFileSync(o(`${m.name}.wasm`))), readSourceMap(o(`${m.name}.wasm.map`)));
        writeFileSync(o(`${m.name}.lines.wasm`), markers.wasm);
        const marked = translate(o(`${m.name}.lines.wasm`), `${m.name}.lines`);
        writeFileSync(o(`${m.name}.h`), real.h);
        writeFileSync(o(`${m.name}.c`), mergeLines(real.c, marked.c, markers.positions, o(`${m.name}.c`)));
      } catch (e) {
        if (e instanceof PostprocessError) throw new StageError("postprocess", e.message);
        if (e instanceof LinesError || e instanceof WasmCodeError || e instanceof SourceMapError) throw new StageError("source lines", `${who}: ${e.message}`);
        throw e;
      }
    },
  });

  const mangled = mangleName(m.name);
  writeIfChanged(o("x86.gen.h"), generateIntrinsicsHeader(m.side));
  const header = readFileSync(o(`${m.name}.h`), "utf8");
  const instantiateArgs = new RegExp(`Z_${mangled}_instantiate\\(struct Z_x86_instance_t\\*`).test(header) ? "0" : "";
  writeIfChanged(
    o(`${m.name}.unit.c`),
    [
      `/* ${m.name}.unit.c: generated by build/kernel.ts, do not edit.`,
      " * One translation unit: x86 intrinsics, the module, its runtime. */",
      "#define WASM_MEM_BASE 0",
      '#include "x86.gen.h"',
      `#include "${m.name}.c"`,
      `#define WASM_TRAP_HANDLER Z_${mangled}Z_wasmTrap`,
      `#define WASM_INIT_MODULE Z_${mangled}_init_module`,
      `#define WASM_INSTANTIATE() Z_${mangled}_instantiate(${instantiateArgs})`,
      `#define WASM_ENTRY Z_${mangled}Z_${m.entry}`,
      // A program that exports threadMain can start threads in its own address space (build/rt/user-rt.c).
      ...(new RegExp(`\\bZ_${mangled}Z_threadMain\\(`).test(header) ? [`#define WASM_THREAD_ENTRY Z_${mangled}Z_threadMain`] : []),
      `#include "${m.runtime}"`,
      "",
    ].join("\n"),
  );

  const rt = join(ROOT, "build", "rt");
  const rtFiles = filesUnder(rt, [".c", ".h"]);
  const floats = readFileSync(o(`${m.name}.floats`), "utf8").startsWith("floats");
  const cflags = [...moduleCflags(m.side, floats), ...DEBUG_CFLAGS, "-isystem", gccInclude(), "-I", join(rt, "include"), "-I", rt, "-I", m.dir, "-I", GEN_OUT];
  stage({
    name: `${m.stagePrefix ?? ""}gcc ${m.name}.unit.c`,
    inputs: [o(`${m.name}.unit.c`), o(`${m.name}.c`), o(`${m.name}.h`), o("x86.gen.h"), ...rtFiles, ...filesUnder(GEN_OUT, [".h"])],
    key: toolVersions() + cflags.join(" "),
    outputs: [o(`${m.name}.o`)],
    run: () => void run("gcc", "gcc", [...cflags, "-c", o(`${m.name}.unit.c`), "-o", o(`${m.name}.o`)]),
  });
}

export function buildKernel(variant: KernelVariant = "standard"): string {
  const dir = variant === "standard" ? KERNEL_OUT : join(OUT, `kernel-${variant}`);
  const elf = kernelElf(variant);
  const prefix = variant === "standard" ? "" : `${variant}: `;
  const o = (f: string) => join(dir, f);
  // 0. The shared numbers, rendered for AssemblyScript, C, assembly and ld.
  const generated = generateAll();
  const tsSources = [...filesUnder(join(ROOT, "kernel"), [".ts"]), ...filesUnder(join(ROOT, "libs"), [".ts"])];

  // 1. asc: AssemblyScript to wasm. Its diagnostics name the .ts file and line.
  const ascFlags = ["--memoryBase", String(KERNEL_MEMORY_BASE), "--use", `TSOS_PATH_STATS=${variant === "pathstats" ? 1 : 0}`, ...(variant === "debug" ? ["--optimizeLevel", "1", "--shrinkLevel", "0"] : [])];
  compileAsc(`${prefix}asc`, "kernel/main.ts", "kernel", o("kernel.asc.wasm"), [...tsSources, join(ROOT, "asconfig.json")], ascFlags);

  // 2-5. check, wasm-opt, wasm2c, post-processing, the unity file, gcc.
  wasmToObject({ name: "kernel", dir, side: "kernel", runtime: "kernel-rt.c", entry: "kmain", stagePrefix: prefix, asc: { entry: "kernel/main.ts", target: "kernel", flags: ascFlags }, wasmOptLevel: variant === "debug" ? "-O1" : undefined });

  // 6. The boot assembly and the generated vector stubs.
  writeIfChanged(o("vectors.gen.S"), generateVectors());
  const asmObjs: string[] = [];
  for (const s of [...filesUnder(join(ROOT, "boot"), [".S"]), o("vectors.gen.S")]) {
    const obj = o(s.split("/").pop()!.replace(/\.S$/, ".o"));
    asmObjs.push(obj);
    stage({
      name: `${prefix}gcc ${relative(ROOT, s)}`,
      inputs: [s, ...generated],
      key: toolVersions(),
      outputs: [obj],
      run: () => void run("gcc", "gcc", ["-m32", "-I", GEN_OUT, "-c", s, "-o", obj]),
    });
  }

  // 7. ld with the linker script; the wasm data size comes from the module.
  const facts = wasmFacts(readFileSync(o("kernel.wasm")));
  if (facts.dataStart !== 0 && facts.dataStart < KERNEL_MEMORY_BASE) {
    throw new StageError("ld", `kernel wasm data starts at 0x${facts.dataStart.toString(16)}, below the memory base 0x${KERNEL_MEMORY_BASE.toString(16)}: asc ignored --memoryBase`);
  }
  const dataSize = Math.max(0, facts.dataEnd - KERNEL_MEMORY_BASE);
  const libgcc = run("ld", "gcc", ["-m32", "-print-libgcc-file-name"]).trim();
  const ldScript = join(ROOT, "boot", "kernel.ld");
  const link = (name: string, ksymsObj: string, output: string) =>
    stage({
      name,
      inputs: [o("kernel.o"), ...asmObjs, ksymsObj, ldScript, libgcc, ...generated],
      key: toolVersions() + dataSize,
      outputs: [output],
      run: () =>
        void run("ld", "ld", [
          "-m", "elf_i386", "-L", GEN_OUT, "-T", ldScript, "--defsym", `WASM_DATA_SIZE=${dataSize}`, "-nostdlib",
          "-Map", output.replace(/\.elf$/, ".map"), "-o", output, ...asmObjs, o("kernel.o"), ksymsObj, libgcc,
        ]),
    });
  const assembleKsyms = (name: string, blob: string | null, obj: string) => {
    const src = obj.replace(/\.o$/, ".S");
    writeIfChanged(src, `/* ${name}: generated by build/kernel.ts, do not edit. */\n\t.section .ksyms, "a"\n${blob ? `\t.incbin "${blob}"\n` : ""}\t.section .note.GNU-stack,"",@progbits\n`);
    stage({ name: `gcc ${name}`, inputs: [src, ...(blob ? [blob] : [])], key: toolVersions(), outputs: [obj], run: () => void run("gcc", "gcc", ["-m32", "-c", src, "-o", obj]) });
  };

  // 8. Two links: the first learns the symbol addresses, the second embeds them.
  assembleKsyms(`${prefix}ksyms-empty`, null, o("ksyms-empty.o"));
  link(`${prefix}ld pass 1`, o("ksyms-empty.o"), o("kernel.pre.elf"));
  const before = textSymbols(run("nm", "nm", ["-n", "--defined-only", o("kernel.pre.elf")]));
  // The line table: the innermost .ts line at each address, from pass 1's DWARF (build/ksyms.ts).
  const pre = o("kernel.pre.elf");
  const rows = lineRows(run("objdump", "objdump", ["--dwarf=decodedline", "--wide", pre]), (addresses) =>
    run("addr2line", "addr2line", ["-e", pre, "-i", "-a"], { input: addresses.map((a) => `0x${a.toString(16)}\n`).join("") }),
  );
  writeIfChanged(o("ksyms.bin"), encodeSymbols(before.filter((x) => !x.name.startsWith("__")), rows));
  assembleKsyms(`${prefix}ksyms`, o("ksyms.bin"), o("ksyms.o"));
  link(`${prefix}ld pass 2`, o("ksyms.o"), elf);
  const after = textSymbols(run("nm", "nm", ["-n", "--defined-only", elf]));
  const key = (l: typeof before) => l.filter((x) => !x.name.startsWith("__")).map((x) => `${x.address.toString(16)} ${x.name}`).join("\n");
  if (key(before) !== key(after)) throw new StageError("ld pass 2", "embedding the symbol table moved kernel symbols; .ksyms must stay last in boot/kernel.ld");
  return elf;
}
