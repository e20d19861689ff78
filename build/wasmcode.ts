// build/wasmcode.ts: the code of a wasm binary, instruction by instruction.
//
// Owns: reading the sections the build needs to relate byte offsets to
// code (types, imported and defined functions, their bodies, the name
// section's function names), decoding each body into instructions (offset,
// opcode, the callee of a `call`) for the features asc 0.28 emits (MVP,
// bulk memory, sign extension, non-trapping float-to-int, mutable
// globals), and writing a copy of the binary with bytes inserted before
// chosen instructions (build/lines.ts's markers). Sizes that change (each
// body's, the code section's) are re-encoded; nothing else moves, because
// the code section is the last one wasm2c reads offsets from and no other
// section holds code offsets.
// Must not: judge the code; build/wasmcheck.ts and build/lines.ts do.

export class WasmCodeError extends Error {}

export interface Instruction {
  /** Byte offset in the binary. */
  offset: number;
  /** The opcode; 0xFC-prefixed ones are 0xFC00 + the sub-opcode. */
  op: number;
  /** The function index a `call` names. */
  callee?: number;
  /** The value of an `i32.const`. */
  value?: number;
}

export interface WasmFunction {
  /** Function index (imports first). */
  index: number;
  name: string;
  /** Param and result value types (0x7F i32, 0x7E i64, 0x7D f32, 0x7C f64). */
  params: number[];
  results: number[];
  /** Declared locals' types, one entry per local. */
  locals: number[];
  /** Offsets of the body: its size field, its first instruction, its end (exclusive). */
  bodyStart: number;
  codeStart: number;
  end: number;
  code: Instruction[];
}

export interface WasmModule {
  bytes: Uint8Array;
  importedFunctions: number;
  functions: WasmFunction[];
  /** Offsets of the code section's size field and of its contents. */
  codeSection?: { sizeAt: number; start: number; end: number };
}

class Reader {
  constructor(readonly b: Uint8Array, public p: number) {}
  byte(): number {
    if (this.p >= this.b.length) throw new WasmCodeError(`wasm: unexpected end at offset ${this.p}`);
    return this.b[this.p++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return result;
    }
  }
  s64(): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte & 0x40) result -= 1n << shift;
    return result;
  }
  name(): string {
    const len = this.u32();
    const s = new TextDecoder().decode(this.b.subarray(this.p, this.p + len));
    this.p += len;
    return s;
  }
}

const VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

/** Skips one instruction's immediates; returns the instruction. */
function decodeInstruction(r: Reader): Instruction {
  const offset = r.p;
  let op = r.byte();
  const ins: Instruction = { offset, op };
  switch (true) {
    case op === 0x02 || op === 0x03 || op === 0x04: {
      const t = r.b[r.p];
      if (t === 0x40 || VALTYPES.has(t)) r.p++;
      else r.s64();
      break;
    }
    case op === 0x0c || op === 0x0d:
      r.u32();
      break;
    case op === 0x0e: {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
      break;
    }
    case op === 0x10:
      ins.callee = r.u32();
      break;
    case op === 0x11:
      r.u32();
      r.u32();
      break;
    case op === 0x1c: {
      const n = r.u32();
      r.p += n;
      break;
    }
    case op >= 0x20 && op <= 0x26:
      r.u32();
      break;
    case op >= 0x28 && op <= 0x3e:
      r.u32();
      r.u32();
      break;
    case op === 0x3f || op === 0x40:
      r.byte();
      break;
    case op === 0x41:
      ins.value = Number(BigInt.asIntN(32, r.s64()));
      break;
    case op === 0x42:
      r.s64();
      break;
    case op === 0x43:
      r.p += 4;
      break;
    case op === 0x44:
      r.p += 8;
      break;
    case op === 0xd0 || op === 0xd2:
      r.u32();
      break;
    case op === 0xfc: {
      const sub = r.u32();
      ins.op = op = 0xfc00 + sub;
      if (sub <= 7) break;
      if (sub === 8) (r.u32(), r.byte());
      else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) r.u32();
      else if (sub === 10) (r.byte(), r.byte());
      else if (sub === 11) r.byte();
      else if (sub === 12 || sub === 14) (r.u32(), r.u32());
      else throw new WasmCodeError(`wasm: unknown instruction 0xfc ${sub} at offset ${offset}`);
      break;
    }
    case op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1:
      break;
    default:
      throw new WasmCodeError(`wasm: unknown opcode 0x${op.toString(16)} at offset ${offset}`);
  }
  return ins;
}

/** Reads a wasm binary's functions and code. */
export function readWasm(bytes: Uint8Array): WasmModule {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new WasmCodeError("wasm: not a wasm binary");
  const types: { params: number[]; results: number[] }[] = [];
  const funcTypes: number[] = [];
  const names = new Map<number, string>();
  const mod: WasmModule = { bytes, importedFunctions: 0, functions: [] };
  const bodies: { bodyStart: number; codeStart: number; end: number; locals: number[] }[] = [];
  const r = new Reader(bytes, 8);
  while (r.p < bytes.length) {
    const id = r.byte();
    const sizeAt = r.p;
    const size = r.u32();
    const start = r.p;
    const end = start + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new WasmCodeError("wasm: a type that is not a function type");
        const params = [...Array(r.u32())].map(() => r.byte());
        const results = [...Array(r.u32())].map(() => r.byte());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) (funcTypes.push(r.u32()), mod.importedFunctions++);
        else if (kind === 1) (r.byte(), limits(r));
        else if (kind === 2) limits(r);
        else if (kind === 3) (r.byte(), r.byte());
        else r.u32();
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (id === 10) {
      mod.codeSection = { sizeAt, start, end };
      for (let n = r.u32(); n > 0; n--) {
        const bodyStart = r.p;
        const bodySize = r.u32();
        const bodyEnd = r.p + bodySize;
        const locals: number[] = [];
        for (let groups = r.u32(); groups > 0; groups--) {
          const count = r.u32();
          const t = r.byte();
          for (let i = 0; i < count; i++) locals.push(t);
        }
        bodies.push({ bodyStart, codeStart: r.p, end: bodyEnd, locals });
        r.p = bodyEnd;
      }
    } else if (id === 0) {
      const name = r.name();
      if (name === "name") {
        while (r.p < end) {
          const sub = r.byte();
          const subSize = r.u32();
          const subEnd = r.p + subSize;
          if (sub === 1) for (let n = r.u32(); n > 0; n--) names.set(r.u32(), r.name());
          r.p = subEnd;
        }
      }
    }
    r.p = end;
  }
  bodies.forEach((b, i) => {
    const index = mod.importedFunctions + i;
    const type = types[funcTypes[index]];
    if (!type) throw new WasmCodeError(`wasm: function ${index} has no type`);
    const code: Instruction[] = [];
    const cr = new Reader(bytes, b.codeStart);
    while (cr.p < b.end) code.push(decodeInstruction(cr));
    if (cr.p !== b.end) throw new WasmCodeError(`wasm: function ${index}'s code runs past its body`);
    mod.functions.push({ index, name: names.get(index) ?? `$${index}`, params: type.params, results: type.results, locals: b.locals, ...b, code });
  });
  return mod;
}

function limits(r: Reader): void {
  const flags = r.byte();
  r.u32();
  if (flags & 1) r.u32();
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit value. */
export function sleb32(v: number): number[] {
  const out: number[] = [];
  let n = BigInt.asIntN(32, BigInt(v));
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(byte & 0x40)) || (n === -1n && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/**
 * A copy of the binary with `insert(offset)` bytes put before the
 * instructions at those offsets (each must start an instruction of a
 * function body). Body and code-section sizes are re-encoded.
 */
export function insertBeforeInstructions(mod: WasmModule, inserts: Map<number, number[]>): Uint8Array {
  const cs = mod.codeSection;
  if (!cs) return mod.bytes;
  const b = mod.bytes;
  const starts = new Set(mod.functions.flatMap((f) => f.code.map((i) => i.offset)));
  for (const off of inserts.keys()) if (!starts.has(off)) throw new WasmCodeError(`wasm: offset ${off} does not start an instruction`);
  const section: number[] = [...leb(mod.functions.length)];
  for (const f of mod.functions) {
    const body: number[] = [];
    for (let p = new Reader(b, f.bodyStart), _ = p.u32(); p.p < f.codeStart; ) body.push(b[p.p++]);
    for (let i = 0; i < f.code.length; i++) {
      const ins = f.code[i];
      const next = i + 1 < f.code.length ? f.code[i + 1].offset : f.end;
      const extra = inserts.get(ins.offset);
      if (extra) for (const x of extra) body.push(x);
      for (let p = ins.offset; p < next; p++) body.push(b[p]);
    }
    for (const x of leb(body.length)) section.push(x);
    for (const x of body) section.push(x);
  }
  const head = b.subarray(0, cs.sizeAt);
  const tail = b.subarray(cs.end);
  const size = leb(section.length);
  const out = new Uint8Array(head.length + size.length + section.length + tail.length);
  out.set(head, 0);
  out.set(size, head.length);
  out.set(section, head.length + size.length);
  out.set(tail, head.length + size.length + section.length);
  return out;
}
