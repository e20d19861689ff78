// test/helpers/tlb-log.ts: a kernel test entry whose TLB maintenance is logged.
//
// Owns: loadKernelEntryWithTlbLog, which compiles and instantiates a test
// entry exactly as loadKernelEntry (test/helpers/kernel-wasm.ts) does, with
// the same X86Mock, but also logs every writeCr3 and invlpg with its
// argument, in order. X86Mock.calls cannot be used for this: it leaves out
// every intrinsic whose name starts with "in" or "out", taking them for
// port I/O, and so invlpg as well.
// Must not: change what any intrinsic does; it only observes two of them.
// Built only from kernel-wasm.ts's exported API.

import { INTRINSIC_MODULE } from "../../build/intrinsics";
import { AssemblyScriptAbort, compileKernelEntry, KernelInstance, LoadOptions, X86Mock } from "./kernel-wasm";

export type TlbCall = ["writeCr3" | "invlpg", number];

export interface TlbLoggedInstance {
  k: KernelInstance;
  /** Every writeCr3(value) and invlpg(vaddr), oldest first; clear it with `tlb.length = 0`. */
  tlb: TlbCall[];
}

export async function loadKernelEntryWithTlbLog(entry: string, options: LoadOptions = {}): Promise<TlbLoggedInstance> {
  const compiled = await compileKernelEntry(entry, options);
  let instance: WebAssembly.Instance | undefined;
  const memory = () => instance!.exports.memory as WebAssembly.Memory;
  const x86 = new X86Mock(options, memory);
  const tlb: TlbCall[] = [];
  const x86Imports = x86.imports() as unknown as Record<string, (...args: number[]) => unknown>;
  for (const name of ["writeCr3", "invlpg"] as const) {
    const mock = x86Imports[name];
    x86Imports[name] = (...args: number[]) => {
      tlb.push([name, args[0] >>> 0]);
      return mock(...args);
    };
  }
  const readAsString = (ptr: number): string => {
    if (!ptr) return "";
    const n = new DataView(memory().buffer).getUint32(ptr - 4, true);
    return String.fromCharCode(...new Uint16Array(memory().buffer.slice(ptr, ptr + n)));
  };
  const imports: WebAssembly.Imports = {
    [INTRINSIC_MODULE]: x86Imports as WebAssembly.ModuleImports,
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
  return { k: new KernelInstance(compiled, instance, x86, options.scratchPages ?? 16), tlb };
}
