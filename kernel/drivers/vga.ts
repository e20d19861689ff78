// kernel/drivers/vga.ts: the 80x25 VGA text console.
//
// Owns: the text buffer (one u16 cell per character: the byte, then the
// attribute), the cursor position, scrolling, and the hardware cursor
// through the CRT controller (index port 0x3D4, data port 0x3D5).
// Must not: touch the buffer before vgaInit (the base is 0 until then),
// interpret escape sequences, or translate characters beyond "\n", "\r",
// "\t" and "\b". The buffer base is a parameter so unit tests can point it
// into test memory.
//
// see: OSDev "Text UI", "Text Mode Cursor"; IBM VGA technical reference.

import { outb } from "../arch/x86/intrinsics";
import { KERNEL_VBASE, VGA_TEXT_PHYS } from "../arch/x86/machine.gen";

export { VGA_TEXT_PHYS } from "../arch/x86/machine.gen";
/** The text buffer's kernel virtual address, through the kernel window. */
// @ts-ignore: decorator
@inline export const VGA_TEXT_KERNEL_BASE: usize = <usize>(KERNEL_VBASE + VGA_TEXT_PHYS);
// @ts-ignore: decorator
@inline export const VGA_COLUMNS: i32 = 80;
// @ts-ignore: decorator
@inline export const VGA_ROWS: i32 = 25;
/** Light grey on black, the BIOS default. */
// @ts-ignore: decorator
@inline export const VGA_DEFAULT_ATTRIBUTE: u32 = 0x07;
// @ts-ignore: decorator
@inline export const VGA_TAB_WIDTH: i32 = 8;

// @ts-ignore: decorator
@inline export const CRTC_INDEX_PORT: u32 = 0x3D4;
// @ts-ignore: decorator
@inline export const CRTC_DATA_PORT: u32 = 0x3D5;
// @ts-ignore: decorator
@inline export const CRTC_CURSOR_HIGH: u32 = 0x0E;
// @ts-ignore: decorator
@inline export const CRTC_CURSOR_LOW: u32 = 0x0F;

// Cell layout, one per character, row-major from the base:
//   byte 0: the code page 437 character
//   byte 1: the attribute (bits 0-3 foreground, 4-6 background, 7 blink)
let vgaBase: usize = 0;
let row: i32 = 0;
let column: i32 = 0;
let attribute: u32 = VGA_DEFAULT_ATTRIBUTE;

// @ts-ignore: decorator
@inline function cellAddress(r: i32, c: i32): usize {
  return vgaBase + (<usize>(r * VGA_COLUMNS + c) << 1);
}

// @ts-ignore: decorator
@inline function blankCell(): u32 {
  return (attribute << 8) | 0x20;
}

/** Points the console at the text buffer at `base`, clears it and homes
 * the cursor. */
export function vgaInit(base: usize = VGA_TEXT_KERNEL_BASE): void {
  vgaBase = base;
  attribute = VGA_DEFAULT_ATTRIBUTE;
  vgaClear();
}

/** True once vgaInit has given the driver a buffer. */
export function vgaReady(): bool {
  return vgaBase != 0;
}

/** The attribute byte used for characters written from now on. */
export function vgaSetAttribute(attr: u32): void {
  attribute = attr & 0xFF;
}

export function vgaAttribute(): u32 {
  return attribute;
}

export function vgaRow(): i32 {
  return row;
}

/** The cursor column, 0..80; 80 means a wrap is pending. */
export function vgaColumn(): i32 {
  return column;
}

/** Blanks every cell with the current attribute and homes the cursor. */
export function vgaClear(): void {
  if (vgaBase == 0) return;
  const blank = blankCell();
  for (let i = 0; i < VGA_ROWS * VGA_COLUMNS; i++) {
    store<u16>(vgaBase + (<usize>i << 1), <u16>blank);
  }
  row = 0;
  column = 0;
  vgaSyncCursor();
}

// Moves rows 1..24 up one row and blanks the last row.
function scrollUp(): void {
  const rowBytes = <usize>VGA_COLUMNS << 1;
  const moved = rowBytes * <usize>(VGA_ROWS - 1);
  for (let i: usize = 0; i < moved; i += 4) {
    store<u32>(vgaBase + i, load<u32>(vgaBase + rowBytes + i));
  }
  const blank = blankCell();
  for (let c = 0; c < VGA_COLUMNS; c++) {
    store<u16>(cellAddress(VGA_ROWS - 1, c), <u16>blank);
  }
}

function newline(): void {
  column = 0;
  if (row == VGA_ROWS - 1) scrollUp();
  else row++;
}

/**
 * Writes one character at the cursor and advances it. "\n" moves to the
 * start of the next line, "\r" to the start of this one, "\t" to the next
 * multiple of 8 columns, "\b" one column back (not past column 0).
 * Wrapping is deferred, as on a VT100: a character in the last column
 * leaves the cursor just past it, and only the next printable character
 * wraps (so an 80-column line followed by "\n" is one line, not two).
 * Moving past the last row scrolls. Does not move the hardware cursor:
 * call vgaSyncCursor after a run of characters.
 */
export function vgaPutc(ch: u32): void {
  if (vgaBase == 0) return;
  if (ch == 0x0A) {
    newline();
  } else if (ch == 0x0D) {
    column = 0;
  } else if (ch == 0x08) {
    if (column > 0) column--;
  } else if (ch == 0x09) {
    if (column >= VGA_COLUMNS) newline();
    const next = (column + VGA_TAB_WIDTH) & ~(VGA_TAB_WIDTH - 1);
    while (column < next) {
      store<u16>(cellAddress(row, column), <u16>blankCell());
      column++;
    }
  } else {
    if (column >= VGA_COLUMNS) newline();
    store<u16>(cellAddress(row, column), <u16>((attribute << 8) | (ch & 0xFF)));
    column++;
  }
}

/** Moves the blinking hardware cursor to the software cursor. */
export function vgaSyncCursor(): void {
  if (vgaBase == 0) return;
  const c = column < VGA_COLUMNS ? column : VGA_COLUMNS - 1; // pending wrap
  const pos = <u32>(row * VGA_COLUMNS + c);
  outb(CRTC_INDEX_PORT, CRTC_CURSOR_LOW);
  outb(CRTC_DATA_PORT, pos & 0xFF);
  outb(CRTC_INDEX_PORT, CRTC_CURSOR_HIGH);
  outb(CRTC_DATA_PORT, (pos >> 8) & 0xFF);
}
