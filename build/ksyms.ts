// build/ksyms.ts: the kernel's symbol and line tables, embedded for panic backtraces.
//
// Owns: the blob format that kernel/debug/ksyms.ts reads:
//   0x00  u32 magic "KSYM" (0x4D59534B)
//   0x04  u32 count
//   0x08  u32 offset of the line table from the blob's start (0: none)
//   0x0C  count x { u32 address, u32 nameOffset }   sorted by address
//   ...   names, NUL-terminated; nameOffset counts from the blob's start
//   line table (4-byte aligned):
//     u32 rows, u32 files
//     rows x { u32 address, u16 file, u16 line }   sorted by address; a row
//            holds up to the next one; file 0xFFFF: no .ts line there
//     files x u32 nameOffset, then the file names, NUL-terminated
// Only function symbols in the kernel's text are kept. A row's line is
// the innermost AssemblyScript line at that address (gcc inlines; the C
// of a load or an intrinsic inlined into .ts code has the .ts line that
// uses it): what addr2line -i says, first .ts entry (lineRows).
// The kernel is linked twice: once with an empty table to learn the
// addresses, then with the table, which sits last in the image
// (boot/kernel.ld) so no other address moves; buildKernel checks that.
// Must not: read DWARF itself; binutils' objdump and addr2line do.

import { relative, isAbsolute } from "node:path";
import { ROOT } from "./stage.ts";

export const KSYM_MAGIC = 0x4d59534b;
export const NO_FILE = 0xffff;

export interface KernelSymbol {
  address: number;
  name: string;
}

export interface LineRow {
  address: number;
  /** The .ts file relative to the repository, or "" where no .ts line applies. */
  file: string;
  line: number;
}

/** Parses `nm -n --defined-only` output, keeping text symbols. */
export function textSymbols(nmOutput: string): KernelSymbol[] {
  const out: KernelSymbol[] = [];
  for (const line of nmOutput.split("\n")) {
    const m = /^([0-9a-f]{8}) ([tTW]) (\S+)$/.exec(line.trim());
    if (!m) continue;
    out.push({ address: parseInt(m[1], 16), name: m[3] });
  }
  return out.sort((a, b) => a.address - b.address || a.name.localeCompare(b.name));
}

/**
 * The line rows of an ELF from `objdump --dwarf=decodedline --wide`
 * (where rows start and sequences end) and `addr2line -i -a` on those
 * addresses (the inline chain at each, innermost first).
 */
export function lineRows(decodedLine: string, addr2line: (addresses: number[]) => string): LineRow[] {
  const starts = new Set<number>();
  const ends = new Set<number>();
  for (const l of decodedLine.split("\n")) {
    const m = /^\S+\s+(\d+|-)\s+0x([0-9a-f]+)/.exec(l);
    if (!m) continue;
    (m[1] === "-" ? ends : starts).add(parseInt(m[2], 16));
  }
  const addresses = [...starts].sort((a, b) => a - b);
  const chains = new Map<number, string[]>();
  let cur: string[] | null = null;
  for (const l of addr2line(addresses).split("\n")) {
    if (/^0x[0-9a-f]+$/.test(l)) chains.set(parseInt(l, 16), (cur = []));
    else if (cur && l) cur.push(l);
  }
  const rows: LineRow[] = [];
  for (const address of [...new Set([...addresses, ...ends])].sort((a, b) => a - b)) {
    let file = "";
    let line = 0;
    if (!ends.has(address) || starts.has(address)) {
      for (const loc of chains.get(address) ?? []) {
        const m = /^(.*\.ts):(\d+)(?: \(discriminator \d+\))?$/.exec(loc);
        if (!m) continue;
        file = isAbsolute(m[1]) ? relative(ROOT, m[1]) : m[1];
        line = Number(m[2]);
        break;
      }
    }
    const prev = rows[rows.length - 1];
    if (prev && prev.file === file && prev.line === line) continue;
    if (!prev && file === "") continue;
    rows.push({ address, file, line });
  }
  return rows;
}

export function encodeSymbols(symbols: KernelSymbol[], lines: LineRow[] = []): Uint8Array {
  const parts: Buffer[] = [];
  let size = 0;
  const put = (b: Buffer) => {
    parts.push(b);
    size += b.length;
    return size - b.length;
  };
  const header = Buffer.alloc(12 + symbols.length * 8);
  put(header);
  header.writeUInt32LE(KSYM_MAGIC, 0);
  header.writeUInt32LE(symbols.length, 4);
  symbols.forEach((s, i) => {
    header.writeUInt32LE(s.address >>> 0, 12 + i * 8);
    header.writeUInt32LE(put(Buffer.from(s.name + "\0", "latin1")), 16 + i * 8);
  });
  if (lines.length) {
    put(Buffer.alloc((4 - (size % 4)) % 4));
    const files = [...new Set(lines.map((r) => r.file).filter((f) => f !== ""))];
    if (files.length >= NO_FILE) throw new Error("ksyms: too many source files for the line table");
    const table = Buffer.alloc(8 + lines.length * 8 + files.length * 4);
    header.writeUInt32LE(put(table), 8);
    table.writeUInt32LE(lines.length, 0);
    table.writeUInt32LE(files.length, 4);
    lines.forEach((r, i) => {
      if (r.line > 0xffff) throw new Error(`ksyms: line ${r.line} of ${r.file} does not fit the line table`);
      table.writeUInt32LE(r.address >>> 0, 8 + i * 8);
      table.writeUInt16LE(r.file === "" ? NO_FILE : files.indexOf(r.file), 12 + i * 8);
      table.writeUInt16LE(r.line, 14 + i * 8);
    });
    files.forEach((f, i) => table.writeUInt32LE(put(Buffer.from(f + "\0", "latin1")), 8 + lines.length * 8 + i * 4));
  }
  put(Buffer.alloc((4 - (size % 4)) % 4));
  return Buffer.concat(parts);
}
