// build/userland.ts: user programs, each userland/<name>/main.ts to out/userland/<name>.elf.
//
// Owns: the user side of the pipeline. It is the kernel's pipeline
// (asc, checks, wasm-opt, wasm2c, post-processing, gcc -m32 in one
// translation unit) with the user intrinsic set, build/rt/user-rt.c as the
// runtime, and userland/user.ld linking at USER_TEXT_BASE with the
// AssemblyScript data at USER_WASM_BASE (libs/abi/layout.def.ts).
// Must not: know about the kernel image.

import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, OUT, StageError, stage, run, filesUnder } from "./stage.ts";
import { compileAsc, wasmToObject, toolVersions } from "./kernel.ts";
import { wasmFacts } from "./wasmcheck.ts";
import { GEN_OUT, generateAll } from "./abigen.ts";
import { USER_SPACE } from "../libs/abi/layout.def.ts";

export const USERLAND_OUT = join(OUT, "userland");
/** asc's --memoryBase for user programs; userland/user.ld places .wasm_data there (libs/abi/layout.def.ts). */
export const USER_MEMORY_BASE = USER_SPACE.entries.find((e) => e.name === "WASM_BASE")!.value;

export function userPrograms(): string[] {
  const dir = join(ROOT, "userland");
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, "main.ts")))
    .sort();
}

export function userElf(name: string): string {
  return join(USERLAND_OUT, `${name}.elf`);
}

function missingHandlers(name: string): string {
  return `user program ${name}: userland/${name}/main.ts must re-export the runtime's handlers: export { abort, wasmTrap } from "../../libs/user/runtime";`;
}

/**
 * Builds userland/<name>/main.ts. A program must export main (its result
 * is the thread's exit status) and re-export abort and wasmTrap from
 * libs/user/runtime.ts; without them the build stops with one line that
 * says so, before asc's or gcc's own words about a missing element.
 */
export function buildUserProgram(name: string): string {
  const dir = join(USERLAND_OUT, name);
  const o = (f: string) => join(dir, f);
  const sources = [...filesUnder(join(ROOT, "userland", name), [".ts"]), ...filesUnder(join(ROOT, "libs"), [".ts"])];
  const generated = generateAll();
  const ascFlags = ["--memoryBase", String(USER_MEMORY_BASE)];
  try {
    compileAsc(`asc ${name}`, `userland/${name}/main.ts`, "user", o(`${name}.asc.wasm`), [...sources, join(ROOT, "asconfig.json")], ascFlags);
  } catch (e) {
    // asconfig.json routes asc's abort to libs/user/runtime; without the re-export asc only says the element is missing.
    if (e instanceof StageError && e.detail.includes("Element 'libs/user/runtime/abort' not found")) throw new StageError(e.stage, missingHandlers(name));
    throw e;
  }
  const exported = wasmFacts(readFileSync(o(`${name}.asc.wasm`))).exports;
  if (!exported.includes("main")) {
    throw new StageError(`asc ${name}`, `user program ${name}: userland/${name}/main.ts must export function main(): u32 (where the program starts; its result is the exit status)`);
  }
  if (!exported.includes("wasmTrap")) throw new StageError(`asc ${name}`, missingHandlers(name));
  wasmToObject({ name, dir, side: "user", runtime: "user-rt.c", entry: "main", asc: { entry: `userland/${name}/main.ts`, target: "user", flags: ascFlags } });
  const facts = wasmFacts(readFileSync(o(`${name}.wasm`)));
  if (facts.dataStart !== 0 && facts.dataStart < USER_MEMORY_BASE) {
    throw new StageError(`ld ${name}`, `user program data starts below 0x${USER_MEMORY_BASE.toString(16)}: asc ignored --memoryBase`);
  }
  const dataSize = Math.max(0, facts.dataEnd - USER_MEMORY_BASE);
  const script = join(ROOT, "userland", "user.ld");
  const libgcc = run("ld", "gcc", ["-m32", "-print-libgcc-file-name"]).trim();
  const elf = userElf(name);
  stage({
    name: `ld ${name}`,
    inputs: [o(`${name}.o`), script, libgcc, ...generated],
    key: toolVersions() + dataSize,
    outputs: [elf],
    run: () =>
      void run("ld", "ld", [
        "-m", "elf_i386", "-L", GEN_OUT, "-T", script, "--defsym", `WASM_DATA_SIZE=${dataSize}`, "-nostdlib", "-z", "noexecstack",
        "-o", elf, o(`${name}.o`), libgcc,
      ]),
  });
  return elf;
}

export function buildUserland(): string[] {
  return userPrograms().map(buildUserProgram);
}
