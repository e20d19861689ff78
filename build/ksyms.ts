// build/ksyms.ts: the kernel's symbol table, embedded for panic backtraces.
//
// Owns: the blob format that kernel/debug/ksyms.ts reads:
//   0x00  u32 magic "KSYM" (0x4D59534B)
//   0x04  u32 count
//   0x08  count x { u32 address, u32 nameOffset }   sorted by address
//   ...   names, NUL-terminated; nameOffset counts from the blob's start
// Only function symbols in the kernel's text are kept. The kernel is
// linked twice: once with an empty table to learn the addresses, then with
// the table, which sits last in the image (boot/kernel.ld) so no other
// address moves; buildKernel checks that.

export const KSYM_MAGIC = 0x4d59534b;

export interface KernelSymbol {
  address: number;
  name: string;
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

export function encodeSymbols(symbols: KernelSymbol[]): Uint8Array {
  const names = symbols.map((s) => Buffer.from(s.name + "\0", "latin1"));
  const header = 8 + symbols.length * 8;
  const size = header + names.reduce((n, b) => n + b.length, 0);
  const buf = Buffer.alloc((size + 3) & ~3);
  buf.writeUInt32LE(KSYM_MAGIC, 0);
  buf.writeUInt32LE(symbols.length, 4);
  let off = header;
  symbols.forEach((s, i) => {
    buf.writeUInt32LE(s.address >>> 0, 8 + i * 8);
    buf.writeUInt32LE(off, 12 + i * 8);
    names[i].copy(buf, off);
    off += names[i].length;
  });
  return buf;
}
