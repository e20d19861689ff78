// build/sourcemap.ts: the source maps asc and wasm-opt write for a wasm module.
//
// Owns: reading a version-3 source map whose generated "column" is a byte
// offset in the wasm binary (the only line), decoding its base64 VLQ
// mappings, and naming the files it points at as paths relative to the
// repository (asc's standard library, "~lib/...", lives in
// node_modules/assemblyscript/std/assembly/). A position is
// {offset, file, line}; lines count from 1, as editors, gcc and gdb do.
// Must not: know about wasm sections or C; build/wasmcode.ts and
// build/lines.ts relate offsets to instructions and to wasm2c's output.

import { readFileSync } from "node:fs";

export interface SourcePosition {
  /** Byte offset of the instruction in the wasm binary. */
  offset: number;
  /** The .ts file, relative to the repository root. */
  file: string;
  /** 1-based line in that file. */
  line: number;
}

export class SourceMapError extends Error {}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Decodes one mappings segment ("AAgBC"): its base64 VLQ numbers. */
export function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64_VALUE.get(ch);
    if (digit === undefined) throw new SourceMapError(`source map: ${JSON.stringify(ch)} is not a base64 VLQ digit`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new SourceMapError(`source map: segment ${JSON.stringify(segment)} ends inside a number`);
  return out;
}

/** The repository path of a source map "sources" entry. */
export function sourcePath(source: string): string {
  if (source.startsWith("~lib/")) return `node_modules/assemblyscript/std/assembly/${source.slice(5)}`;
  return source.replace(/^\.\//, "");
}

/** Every mapped position, sorted by offset (a wasm source map has one generated line). */
export function parseSourceMap(json: string): SourcePosition[] {
  let map: { version?: number; sources?: string[]; mappings?: string };
  try {
    map = JSON.parse(json);
  } catch (e) {
    throw new SourceMapError(`source map: not JSON (${(e as Error).message})`);
  }
  if (map.version !== 3 || !Array.isArray(map.sources) || typeof map.mappings !== "string") {
    throw new SourceMapError("source map: not a version 3 map with sources and mappings");
  }
  if (map.mappings.includes(";")) throw new SourceMapError("source map: more than one generated line; not a wasm source map");
  const files = map.sources.map(sourcePath);
  const out: SourcePosition[] = [];
  let offset = 0;
  let source = 0;
  let line = 0;
  for (const segment of map.mappings.split(",")) {
    if (segment === "") continue;
    const f = decodeVlq(segment);
    offset += f[0];
    // A one-field segment marks code with no source position; binaryen writes them after inlined code.
    if (f.length < 4) continue;
    source += f[1];
    line += f[2];
    if (source < 0 || source >= files.length) throw new SourceMapError(`source map: source index ${source} out of range`);
    out.push({ offset, file: files[source], line: line + 1 });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export function readSourceMap(path: string): SourcePosition[] {
  return parseSourceMap(readFileSync(path, "utf8"));
}
