// kernel/drivers/serial.ts: the COM1 16550 UART, transmit only.
//
// Owns: programming COM1 (I/O ports 0x3F8..0x3FF) for 115200 baud, 8 data
// bits, no parity, 1 stop bit, FIFOs on, interrupts off; and sending bytes
// by polling the line status register.
// Must not: translate characters (console.ts turns "\n" into "\r\n"), use
// interrupts, or wait without a bound: a UART that never drains its
// transmitter must not hang the kernel.
//
// see: National Semiconductor PC16550D data sheet; OSDev "Serial Ports".

import { inb, outb } from "../arch/x86/intrinsics";

// @ts-ignore: decorator
@inline export const COM1_BASE: u32 = 0x3F8;

// Register offsets from the port base. With LCR.DLAB set, offsets 0 and 1
// are the divisor latch (low, high) instead of THR/RBR and IER.
// @ts-ignore: decorator
@inline export const UART_DATA: u32 = 0;        // THR (write) / RBR (read)
// @ts-ignore: decorator
@inline export const UART_IER: u32 = 1;         // interrupt enable
// @ts-ignore: decorator
@inline export const UART_FCR: u32 = 2;         // FIFO control (write)
// @ts-ignore: decorator
@inline export const UART_LCR: u32 = 3;         // line control
// @ts-ignore: decorator
@inline export const UART_MCR: u32 = 4;         // modem control
// @ts-ignore: decorator
@inline export const UART_LSR: u32 = 5;         // line status

// @ts-ignore: decorator
@inline export const LCR_8N1: u32 = 0x03;       // 8 data bits, no parity, 1 stop bit
// @ts-ignore: decorator
@inline export const LCR_DLAB: u32 = 0x80;      // divisor latch access
// @ts-ignore: decorator
@inline export const FCR_ENABLE_CLEAR_14: u32 = 0xC7; // enable, clear rx+tx, 14-byte trigger
// @ts-ignore: decorator
@inline export const MCR_DTR_RTS_OUT2: u32 = 0x0B;
// @ts-ignore: decorator
@inline export const MCR_LOOPBACK: u32 = 0x10;
// @ts-ignore: decorator
@inline export const LSR_THR_EMPTY: u32 = 0x20; // transmitter holding register empty

/** 115200 baud: the 1.8432 MHz clock / 16 / 115200 = divisor 1. */
// @ts-ignore: decorator
@inline export const BAUD_DIVISOR_115200: u32 = 1;

/** Line status polls before giving up on one byte. At 115200 baud a byte
 * takes about 87 us and one `inb` about 1 us, so this is ample. */
// @ts-ignore: decorator
@inline export const SERIAL_TX_SPIN_LIMIT: u32 = 100000;

/** The byte sent and read back in loopback mode to detect a working UART. */
// @ts-ignore: decorator
@inline const LOOPBACK_PROBE: u32 = 0xAE;

let serialReady: bool = false;
let droppedBytes: u32 = 0;

/**
 * Programs COM1 for 115200 8N1 and checks it with a loopback probe.
 * Returns false (and leaves serial output disabled) when no working UART
 * answers, so later output costs nothing.
 */
export function serialInit(): bool {
  const base = COM1_BASE;
  outb(base + UART_IER, 0x00);                       // no interrupts
  outb(base + UART_LCR, LCR_DLAB);                   // divisor latch on
  outb(base + UART_DATA, BAUD_DIVISOR_115200 & 0xFF);
  outb(base + UART_IER, BAUD_DIVISOR_115200 >> 8);
  outb(base + UART_LCR, LCR_8N1);                    // latch off, 8N1
  outb(base + UART_FCR, FCR_ENABLE_CLEAR_14);
  outb(base + UART_MCR, MCR_DTR_RTS_OUT2 | MCR_LOOPBACK);
  outb(base + UART_DATA, LOOPBACK_PROBE);
  const echoed = inb(base + UART_DATA) & 0xFF;
  outb(base + UART_MCR, MCR_DTR_RTS_OUT2);           // loopback off
  serialReady = echoed == LOOPBACK_PROBE;
  droppedBytes = 0;
  return serialReady;
}

/** True after serialInit found a working UART and no send has timed out. */
export function serialPresent(): bool {
  return serialReady;
}

/** Bytes not sent: a transmitter that stayed busy past the spin limit
 * disables serial output, and every later byte counts here. */
export function serialDroppedBytes(): u32 {
  return droppedBytes;
}

/** Sends one byte as is. */
export function serialPutByte(b: u32): void {
  if (!serialReady) {
    droppedBytes++;
    return;
  }
  const base = COM1_BASE;
  for (let spins: u32 = 0; (inb(base + UART_LSR) & LSR_THR_EMPTY) == 0; spins++) {
    if (spins >= SERIAL_TX_SPIN_LIMIT) {
      serialReady = false; // a stuck UART would cost this spin per byte
      droppedBytes++;
      return;
    }
  }
  outb(base + UART_DATA, b & 0xFF);
}
