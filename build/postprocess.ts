// build/postprocess.ts: rewrites wasm2c 1.0.32 output for a fixed-base,
// instance-free native build.
//
// Owns: every textual change made to wasm2c's C. Two things change, and
// nothing else:
//  1. Linear memory sits at a compile-time constant base (`WASM_MEM_BASE`:
//     0 in the kernel and in userland, a fixed address in the Linux
//     conformance harness). Loads and stores become one direct x86 memory
//     operand: no `mem->data` load, no bounds check. The MMU is the bounds
//     check. (The one exception: an offset of at least WASM_OFFSET_GUARD
//     gets a carry check on address + offset; see MEMORY_DEFINITIONS.)
//     Bulk memory operations keep their exact wasm range check
//     against the memory's size (the whole 4 GiB in the kernel).
//  2. The module instance becomes one static object, so no function takes
//     an instance pointer and every global is a direct address. Imports from
//     the "x86" module become direct calls to the inline intrinsics.
// Must not: change the meaning of any wasm operation. The conformance suite
// (test/conformance) compiles the official spec tests through this code to
// prove it.

export interface PostprocessOptions {
  /** The wasm2c module name given with `-n` (the `Z_<name>_instance_t` prefix). */
  moduleName: string;
  /** The header file name that the .c includes (as wasm2c wrote it). */
  headerName: string;
}

export interface PostprocessResult {
  c: string;
  h: string;
}

export class PostprocessError extends Error {}

/** The wasm2c mangling of a module or export name (1.0.32: Z-escaping). */
export function mangleName(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/[A-Za-z0-9_]/.test(ch) && ch !== "Z") out += ch;
    else if (ch === "Z") out += "ZZ";
    else out += "Z" + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

// Replaces the body of a `static inline` function that wasm2c emits in its
// preamble, found by name, up to its matching closing brace.
function replaceStaticFunction(src: string, name: string, replacement: string): string {
  const re = new RegExp(`static inline void ${name}\\(`);
  const m = re.exec(src);
  if (!m) throw new PostprocessError(`wasm2c preamble has no function ${name}: is this wasm2c 1.0.32?`);
  let i = src.indexOf("{", m.index);
  let depth = 0;
  for (; i < src.length; i++) {
    if (src[i] === "{") depth++;
    else if (src[i] === "}" && --depth === 0) break;
  }
  return src.slice(0, m.index) + replacement + src.slice(i + 1);
}

// The memory access definitions that replace wasm2c's: `WASM_MEM(addr)` is
// a constant base plus the 32-bit address, which gcc folds into the
// addressing mode of one mov.
//
// Two things keep the wasm trap semantics without a bounds check:
//  - A load whose value is unused (wasm `drop`) must still happen, so that it
//    can fault. wasm2c's own definitions force that with an empty asm taking
//    the value in a register, which costs gcc's folding of loads into other
//    instructions (`cmpb $0,(mem)`). Instead the module code is compiled
//    with -fnon-call-exceptions -fno-delete-dead-exceptions (a pragma scoped
//    to the module): a load that may fault counts as a side effect and is not
//    deleted, and used loads are folded as before.
//  - The wasm effective address is 33 bits (address + offset); the access
//    uses it truncated to 32. A sum that passes 2^32 wraps to [0, offset).
//    The environment guarantees that the first WASM_OFFSET_GUARD bytes of
//    the memory are never mapped (page 0: 4096 in the kernel and userland),
//    so for a smaller offset the wrapped access faults by itself. Only an
//    access with a constant offset of at least WASM_OFFSET_GUARD gets a
//    check for the carry (WASM_EA); gcc folds the test of the offset away.
const MEMORY_DEFINITIONS = `/* postprocess: fixed-base linear memory (build/postprocess.ts) */
#pragma GCC push_options
#pragma GCC optimize("non-call-exceptions", "no-delete-dead-exceptions")
#ifndef WASM_MEM_BASE
#error "WASM_MEM_BASE must be defined"
#endif
#ifndef WASM_OFFSET_GUARD
#define WASM_OFFSET_GUARD 4096
#endif
#define WASM_MEM(addr) ((uintptr_t)(WASM_MEM_BASE) + (u32)(addr))
#define WASM_EA(addr, offset)                                                 \\
  (((u64)(offset) >= (u64)(WASM_OFFSET_GUARD) &&                              \\
    UNLIKELY((u64)(addr) + (u64)(offset) > 0xFFFFFFFFull))                   \\
       ? TRAP(OOB)                                                            \\
       : 0,                                                                   \\
   (u64)(addr) + (u64)(offset))
#define LOAD_DATA(m, o, i, s)                           \\
  do {                                                  \\
    RANGE_CHECK((&m), o, s);                            \\
    wasm_rt_memcpy((void*)WASM_MEM(o), i, s);           \\
  } while (0)
#define DEFINE_LOAD(name, t1, t2, t3)                                        \\
  static inline __attribute__((always_inline)) t3 name(wasm_rt_memory_t* mem, \\
                                                       u64 addr) {           \\
    typedef t1 __attribute__((may_alias, aligned(1))) unaligned_t;          \\
    (void)mem;                                                               \\
    return (t3)(t2)(*(const unaligned_t*)WASM_MEM(addr));                    \\
  }
#define DEFINE_STORE(name, t1, t2)                                           \\
  static inline __attribute__((always_inline)) void name(                   \\
      wasm_rt_memory_t* mem, u64 addr, t2 value) {                           \\
    typedef t1 __attribute__((may_alias, aligned(1))) unaligned_t;          \\
    (void)mem;                                                               \\
    *(unaligned_t*)WASM_MEM(addr) = (t1)value;                               \\
  }
`;

const MEMORY_FILL = `static inline void memory_fill(wasm_rt_memory_t* mem, u32 d, u32 val, u32 n) {
  RANGE_CHECK(mem, d, n);
  memset((void*)WASM_MEM(d), (int)val, n);
}`;

const MEMORY_COPY = `static inline void memory_copy(wasm_rt_memory_t* dest,
                               const wasm_rt_memory_t* src,
                               u32 dest_addr,
                               u32 src_addr,
                               u32 n) {
  RANGE_CHECK(dest, dest_addr, n);
  RANGE_CHECK(src, src_addr, n);
  memmove((void*)WASM_MEM(dest_addr), (const void*)WASM_MEM(src_addr), n);
}`;

function replaceAll(src: string, re: RegExp, to: string | ((...a: string[]) => string), what: string, required: boolean): string {
  let count = 0;
  const out = src.replace(re, (...args: string[]) => {
    count++;
    return typeof to === "string" ? to.replace(/\$(\d)/g, (_, k) => args[Number(k)] ?? "") : to(...args);
  });
  if (required && count === 0) throw new PostprocessError(`post-processing step "${what}" matched nothing: is this wasm2c 1.0.32?`);
  return out;
}

// Removes the instance parameter from declarations, definitions and calls.
function removeInstance(src: string, instanceType: string): string {
  const T = instanceType;
  src = src.replace(new RegExp(`${T} ?\\* ?instance, `, "g"), "");
  src = src.replace(new RegExp(`${T} ?\\* ?instance\\)`, "g"), "void)");
  src = src.replace(new RegExp(`${T} ?\\*, `, "g"), "");
  src = src.replace(new RegExp(`${T} ?\\*\\)`, "g"), "void)");
  return src;
}

export function postprocess(c: string, h: string, opts: PostprocessOptions): PostprocessResult {
  const mod = mangleName(opts.moduleName);
  const T = `Z_${mod}_instance_t`;
  if (!c.includes(`#include "${opts.headerName}"`)) throw new PostprocessError(`wasm2c output does not include ${opts.headerName}`);

  // 1. Memory: replace the load/store/LOAD_DATA definitions (both byte orders).
  const start = c.indexOf("#if WABT_BIG_ENDIAN");
  const end = c.indexOf("DEFINE_LOAD(i32_load,");
  if (start < 0 || end < 0 || end < start) throw new PostprocessError("wasm2c preamble: load/store definitions not found: is this wasm2c 1.0.32?");
  c = c.slice(0, start) + MEMORY_DEFINITIONS + "\n" + c.slice(end);
  c = replaceStaticFunction(c, "memory_fill", MEMORY_FILL);
  c = replaceStaticFunction(c, "memory_copy", MEMORY_COPY);

  // 2. Imports from the x86 module: direct calls to the inline intrinsics.
  c = c.replace(/\(\*Z_x86Z_(\w+)\)\(instance->Z_x86_instance(, |\))/g, (_m, name: string, tail: string) => `x86_${name}(${tail === ")" ? ")" : ""}`);

  // 3. call_indirect: drop the instance argument and its slot in the type.
  // A table's C name is w2c_ and its wasm name: T0 for an unnamed one in
  // the spec tests' modules, an empty name (w2c__) in AssemblyScript's.
  c = c.replace(/CALL_INDIRECT\((instance->w2c_\w+), ([^()]*?) \(\*\)\(void\*(, )?/g, (_m, table: string, ret: string, comma: string | undefined) => `CALL_INDIRECT(${table}, ${ret} (*)(${comma ? "" : "void"}`);
  c = c.replace(/, instance->w2c_\w+\.data\[\w+\]\.module_instance(?=[,)])/g, "");
  // funcref_table_init records a module instance per element; there is none.
  c = c.replace(/(funcref_table_init\([^;]*?), instance, func_types\)/g, "$1, 0, func_types)");

  // 4. The instance parameter, everywhere.
  c = removeInstance(c, T);
  h = removeInstance(h, T);
  c = c.replace(/\b(w2c_\w+|init_\w+|Z_\w+)\(instance, /g, "$1(");
  c = c.replace(/\b(w2c_\w+|init_\w+|Z_\w+)\(instance\)/g, "$1()");

  // 5. The one static instance.
  c = c.replace(/\binstance->/g, "WASM_INSTANCE.");
  const include = `#include "${opts.headerName}"\n`;
  c = replaceAll(c, new RegExp(include.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), `${include}\n/* postprocess: the module's only instance; functions reach it by address. */\nstatic ${T} WASM_INSTANCE;\n`, "instance", true);

  // 6. Loads and stores with a constant offset: the effective address, with
  // a carry check where the unmapped start of memory does not catch a wrap.
  c = c.replace(
    /\b((?:i32|i64|f32|f64)_(?:load|store)(?:8|16|32)?(?:_[su])?)\(([^,()]+), \(u64\)\((w2c_\w+)\) \+ (\d+)u?(?=[,)])/g,
    (_m, fn: string, mem: string, addr: string, offset: string) => `${fn}(${mem}, WASM_EA(${addr}, ${offset}u)`,
  );

  // Anything left means the output had a shape this code does not know.
  const lines = c.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (/\binstance\b/.test(lines[i].replace(/\/\*.*?\*\/|\/\/.*$/g, ""))) {
      throw new PostprocessError(`post-processing left an instance reference at line ${i + 1}: ${lines[i].trim()}`);
    }
    // A call_indirect still passing a module instance would shift every argument by one.
    if (/CALL_INDIRECT\(.*module_instance/.test(lines[i])) {
      throw new PostprocessError(`post-processing left a call_indirect with a module instance at line ${i + 1}: ${lines[i].trim()}`);
    }
  }
  // The end of the module code compiled with the options pushed in MEMORY_DEFINITIONS.
  c += "\n/* postprocess: end of the module (see MEMORY_DEFINITIONS) */\n#pragma GCC pop_options\n";
  return { c, h };
}
