// kernel/console.ts: the kernel's text output, mirrored to serial and VGA.
//
// Owns: the one character path every kernel message takes. Each character
// goes to COM1 (with "\n" sent as "\r\n") and to the VGA text screen.
// Only printable ASCII, "\n", "\r", "\t" and "\b" pass; any other code unit
// is shown as "?", so a stray byte can never drive a terminal.
// Must not: allocate, format numbers (kernel/lib/format.ts does that on top
// of putc), or program the devices beyond calling their drivers.

import { serialPutByte } from "./drivers/serial";
import { vgaInit, vgaPutc, vgaSyncCursor, VGA_TEXT_KERNEL_BASE } from "./drivers/vga";

// @ts-ignore: decorator
@inline const REPLACEMENT_CHAR: u32 = 0x3F; // "?"

/**
 * Attaches the VGA screen (clearing it) at `vgaBase`, the kernel virtual
 * address of the text buffer. Serial output needs serialInit() first;
 * before either, characters are dropped.
 */
export function consoleInit(vgaBase: usize = VGA_TEXT_KERNEL_BASE): void {
  vgaInit(vgaBase);
}

// @ts-ignore: decorator
@inline function sanitize(ch: u32): u32 {
  if (ch >= 0x20 && ch < 0x7F) return ch;
  if (ch == 0x0A || ch == 0x0D || ch == 0x09 || ch == 0x08) return ch;
  return REPLACEMENT_CHAR;
}

/** True when the last character written ended a line (or nothing was written yet). */
let atLineStart = true;

// One character to both devices, without moving the hardware cursor.
function emit(ch: u32): void {
  const c = sanitize(ch);
  atLineStart = c == 0x0A;
  if (c == 0x0A) serialPutByte(0x0D);
  serialPutByte(c);
  vgaPutc(c);
}

/** Writes one character (an ASCII code). */
export function putc(ch: u32): void {
  emit(ch);
  vgaSyncCursor();
}

/** Writes a string (its UTF-16 code units; anything outside ASCII is "?"). */
export function puts(s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) emit(<u32>s.charCodeAt(i));
  vgaSyncCursor();
}

/** Writes a string and a newline. */
export function putLine(s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) emit(<u32>s.charCodeAt(i));
  emit(0x0A);
  vgaSyncCursor();
}

/**
 * Ends a line someone else left open (a user thread's DebugPutChar output
 * cut short by a preemption), so a kernel report starts at column 0.
 */
export function putLineStart(): void {
  if (!atLineStart) putc(0x0A);
}

/** Writes a newline. */
export function putNewline(): void {
  putc(0x0A);
}

/** Writes `length` bytes from kernel address `addr` (e.g. a copied boot
 * command line). */
export function putBytes(addr: usize, length: usize): void {
  for (let i: usize = 0; i < length; i++) emit(<u32>load<u8>(addr + i));
  vgaSyncCursor();
}
