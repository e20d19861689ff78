// test/kernel/console.entry.ts: the wasm entry for test/unit/format.test.ts.
//
// Owns: re-exports of the console, its drivers and the formatter, so the
// tests drive the kernel's own code; and fixed-arity wrappers for the
// functions with default parameters (an export with optional parameters
// needs __setArgumentsLength from JS, which is easy to forget).
// Must not: add behaviour of its own.

import { consoleInit } from "../../kernel/console";
import { vgaInit } from "../../kernel/drivers/vga";

export { serialInit, serialPresent, serialLostBytes, serialPutByte, serialDrain, serialState } from "../../kernel/drivers/serial";
export { finishConsole } from "../../kernel/power";
export {
  vgaReady, vgaSetAttribute, vgaAttribute, vgaRow, vgaColumn, vgaClear, vgaPutc, vgaSyncCursor,
} from "../../kernel/drivers/vga";
export { putc, puts, putLine, putNewline, putBytes } from "../../kernel/console";
export {
  decimalWidth, putDec32, putDec, putSigned, hexWidth, putHex, putSpaces, putDecPadded, putSignedPadded,
  putStringPadded, sizeWidth, putSize, putSizePadded,
} from "../../kernel/lib/format";

/** consoleInit with the VGA buffer at `vgaBase` (test memory). */
export function consoleInitAt(vgaBase: usize): void {
  consoleInit(vgaBase);
}

/** vgaInit with the buffer at `base` (test memory). */
export function vgaInitAt(base: usize): void {
  vgaInit(base);
}
