// build/kernel.ts: the kernel pipeline, source to kernel.elf.
//
// Owns: the order of stages and their flags:
//   kernel/*.ts --asc--> kernel.asc.wasm --check, wasm-opt--> kernel.wasm
//   --wasm2c--> kernel.w2c.c --postprocess--> kernel.c
//   kernel.c + x86.gen.h + build/rt/kernel-rt.c = kernel.unit.c --gcc -m32--> kernel.o
//   boot/*.S --gcc--> *.o;  all --ld boot/kernel.ld--> out/kernel.elf
// Every stage is cached on its inputs (build/stage.ts).
// Must not: hold kernel policy; the layout lives in boot/kernel.ld and asconfig.json.

import { readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, OUT, StageError, stage, run, filesUnder, writeIfChanged } from "./stage.ts";
import { generateIntrinsicsHeader } from "./intrinsics.ts";
import { checkWasmText, optimizeWasm, wasmFacts, wasmText } from "./wasmcheck.ts";
import { postprocess, PostprocessError } from "./postprocess.ts";

export const KERNEL_OUT = join(OUT, "kernel");
export const KERNEL_ELF = join(OUT, "kernel.elf");
/** Must match asconfig.json's memoryBase and boot/kernel.ld's WASM_MEM_VBASE. */
export const KERNEL_MEMORY_BASE = 0xc0400000;

const ASC = join(ROOT, "node_modules", ".bin", "asc");

export const CFLAGS = [
  "-m32", "-march=i686", "-O2", "-ffreestanding", "-nostdlib", "-nostdinc",
  "-fno-pic", "-fno-pie", "-fno-stack-protector", "-fno-asynchronous-unwind-tables",
  "-fno-omit-frame-pointer", "-mgeneral-regs-only", "-fno-strict-aliasing",
  "-Wall", "-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable",
  "-Wno-unused-label", "-Wno-maybe-uninitialized",
];

let toolKeyCache: string | null = null;
function toolVersions(): string {
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

function gccInclude(): string {
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
    outputs: [output],
    run: () => {
      run(stageName, ASC, [
        entry, "--config", "asconfig.json", "--target", target,
        "-o", relative(ROOT, output), "-t", relative(ROOT, output.replace(/\.wasm$/, ".wat")), ...extraFlags,
      ]);
    },
  });
}

export function buildKernel(): string {
  const o = (f: string) => join(KERNEL_OUT, f);
  const tsSources = filesUnder(join(ROOT, "kernel"), [".ts"]);

  // 1. asc: AssemblyScript to wasm. Its diagnostics name the .ts file and line.
  compileAsc("asc", "kernel/main.ts", "kernel", o("kernel.asc.wasm"), [...tsSources, join(ROOT, "asconfig.json")]);

  // 2. check and wasm-opt: no floats, only intrinsic imports, no allocator.
  stage({
    name: "wasm-opt",
    inputs: [o("kernel.asc.wasm"), join(ROOT, "build", "intrinsics.ts"), join(ROOT, "build", "wasmcheck.ts")],
    key: toolVersions(),
    outputs: [o("kernel.wasm")],
    run: () => {
      const errors = checkWasmText(wasmText(o("kernel.asc.wasm")), { forbidAllocation: true });
      if (errors.length) throw new StageError("wasm check", "kernel wasm breaks the kernel's rules:\n  " + errors.join("\n  "));
      optimizeWasm("wasm-opt", o("kernel.asc.wasm"), o("kernel.wasm"));
      const after = checkWasmText(wasmText(o("kernel.wasm")), { forbidAllocation: true });
      if (after.length) throw new StageError("wasm-opt", "optimised kernel wasm breaks the kernel's rules:\n  " + after.join("\n  "));
    },
  });

  // 3. wasm2c and post-processing.
  stage({
    name: "wasm2c",
    inputs: [o("kernel.wasm"), join(ROOT, "build", "postprocess.ts")],
    key: toolVersions(),
    outputs: [o("kernel.c"), o("kernel.h")],
    run: () => {
      run("wasm2c", "wasm2c", [o("kernel.wasm"), "-n", "kernel", "-o", o("kernel.w2c.c")]);
      try {
        const r = postprocess(readFileSync(o("kernel.w2c.c"), "utf8"), readFileSync(o("kernel.w2c.h"), "utf8"), {
          moduleName: "kernel",
          headerName: "kernel.w2c.h",
        });
        writeFileSync(o("kernel.h"), r.h);
        writeFileSync(o("kernel.c"), r.c.replace('#include "kernel.w2c.h"', '#include "kernel.h"'));
      } catch (e) {
        if (e instanceof PostprocessError) throw new StageError("postprocess", e.message);
        throw e;
      }
    },
  });

  // 4. The unity translation unit: intrinsics, module, runtime.
  writeIfChanged(o("x86.gen.h"), generateIntrinsicsHeader());
  const header = readFileSync(o("kernel.h"), "utf8");
  const instantiateArgs = /Z_kernel_instantiate\(struct Z_x86_instance_t\*/.test(header) ? "0" : "";
  writeIfChanged(
    o("kernel.unit.c"),
    [
      "/* kernel.unit.c: generated by build/kernel.ts, do not edit.",
      " * One translation unit: x86 intrinsics, the kernel, the runtime. */",
      "#define WASM_MEM_BASE 0",
      '#include "x86.gen.h"',
      '#include "kernel.c"',
      "#define WASM_TRAP_HANDLER Z_kernelZ_wasmTrap",
      "#define WASM_INIT_MODULE Z_kernel_init_module",
      `#define WASM_INSTANTIATE() Z_kernel_instantiate(${instantiateArgs})`,
      "#define WASM_ENTRY Z_kernelZ_kmain",
      '#include "kernel-rt.c"',
      "",
    ].join("\n"),
  );

  // 5. gcc: the unit and the boot assembly.
  const rt = join(ROOT, "build", "rt");
  const rtFiles = filesUnder(rt, [".c", ".h"]);
  const cflags = [...CFLAGS, "-isystem", gccInclude(), "-I", join(rt, "include"), "-I", rt, "-I", KERNEL_OUT];
  stage({
    name: "gcc kernel.unit.c",
    inputs: [o("kernel.unit.c"), o("kernel.c"), o("kernel.h"), o("x86.gen.h"), ...rtFiles],
    key: toolVersions() + cflags.join(" "),
    outputs: [o("kernel.o")],
    run: () => void run("gcc", "gcc", [...cflags, "-c", o("kernel.unit.c"), "-o", o("kernel.o")]),
  });
  const asmObjs: string[] = [];
  for (const s of filesUnder(join(ROOT, "boot"), [".S"])) {
    const obj = o(s.slice(join(ROOT, "boot").length + 1).replace(/[/]/g, "_").replace(/\.S$/, ".o"));
    asmObjs.push(obj);
    stage({
      name: `gcc ${relative(ROOT, s)}`,
      inputs: [s],
      key: toolVersions(),
      outputs: [obj],
      run: () => void run("gcc", "gcc", ["-m32", "-c", s, "-o", obj]),
    });
  }

  // 6. ld with the linker script; the wasm data size comes from the module.
  const facts = wasmFacts(readFileSync(o("kernel.wasm")));
  if (facts.dataStart !== 0 && facts.dataStart < KERNEL_MEMORY_BASE) {
    throw new StageError("ld", `kernel wasm data starts at 0x${facts.dataStart.toString(16)}, below the memory base 0x${KERNEL_MEMORY_BASE.toString(16)}: asconfig.json memoryBase and build/kernel.ts disagree`);
  }
  const dataSize = Math.max(0, facts.dataEnd - KERNEL_MEMORY_BASE);
  const libgcc = run("ld", "gcc", ["-m32", "-print-libgcc-file-name"]).trim();
  const ldScript = join(ROOT, "boot", "kernel.ld");
  stage({
    name: "ld",
    inputs: [o("kernel.o"), ...asmObjs, ldScript, libgcc],
    key: toolVersions() + dataSize,
    outputs: [KERNEL_ELF],
    run: () =>
      void run("ld", "ld", [
        "-m", "elf_i386", "-T", ldScript, "--defsym", `WASM_DATA_SIZE=${dataSize}`, "-nostdlib",
        "-Map", o("kernel.map"), "-o", KERNEL_ELF, ...asmObjs, o("kernel.o"), libgcc,
      ]),
  });
  return KERNEL_ELF;
}

export function copyTo(src: string, dst: string): void {
  copyFileSync(src, dst);
}
