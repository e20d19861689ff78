// kernel/drivers/serial.ts: the COM1 16550 UART, transmit only.
//
// Owns: finding COM1 (I/O ports 0x3F8..0x3FF) and programming it for 115200
// baud, 8 data bits, no parity, 1 stop bit, FIFOs on, interrupts off;
// sending bytes by polling the line status register, up to a FIFO's worth
// per poll; and the decision that a UART is gone.
// A slow UART is waited for, however long it takes: QEMU keeps THRE clear
// while the host has not read what it sent, and a real port may sit behind
// a slow terminal. Only a UART that stops answering its registers (the
// scratch and line control registers no longer read back what serialInit
// wrote, as an empty slot's floating bus reads 0xFF) is given up, and
// nothing a host does with the bytes it receives can cause that. Bytes
// lost to a UART that gave up are counted, for kernel/power.ts to report.
// Needs a 16450 or later (the scratch register); a 16550A's FIFO is used
// when IIR says it is on.
// Must not: translate characters (console.ts turns "\n" into "\r\n"), use
// interrupts, print, or give up on a UART only because it is slow.
//
// see: National Semiconductor PC16550D data sheet; OSDev "Serial Ports".

import { inb, outb, pause } from "../arch/x86/intrinsics";
import { COM1_BASE } from "../arch/x86/machine.gen";

export { COM1_BASE } from "../arch/x86/machine.gen";

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

/** Line status polls between two checks that the UART still answers. At
 * 115200 baud a byte takes about 87 us and one `inb` about 1 us, so a
 * working UART never gets here; a slow host only costs one check per this
 * many polls. */
// @ts-ignore: decorator
@inline export const SERIAL_LIVENESS_INTERVAL: u32 = 0x10000;

/** The 16550A's transmit FIFO: after THRE, this many bytes may be written. */
// @ts-ignore: decorator
@inline export const UART_FIFO_DEPTH: u32 = 16;
// @ts-ignore: decorator
@inline export const UART_IIR: u32 = 2;         // interrupt identification (read)
/** IIR bits 7:6 both set: the FIFOs are on (a 16550A or later). */
// @ts-ignore: decorator
@inline export const IIR_FIFO_ENABLED: u32 = 0xC0;
// @ts-ignore: decorator
@inline export const LSR_TX_EMPTY: u32 = 0x40;  // TEMT: holding and shift registers both empty

/** The byte sent and read back in loopback mode to detect a working UART. */
// @ts-ignore: decorator
@inline const LOOPBACK_PROBE: u32 = 0xAE;
/** Line status polls for the probe to come back: a real UART takes one
 * character time (about 87 us at 115200 baud, some 100 polls); QEMU none.
 * No host is involved: serialInit lets the transmitter empty first. */
// @ts-ignore: decorator
@inline const LOOPBACK_POLL_LIMIT: u32 = 100000;
// @ts-ignore: decorator
@inline export const UART_SCR: u32 = 7;         // scratch register
// @ts-ignore: decorator
@inline export const LSR_DATA_READY: u32 = 0x01;
/** Written to the scratch register to see that it holds a value... */
// @ts-ignore: decorator
@inline const SCRATCH_TEST: u32 = 0x5A;
/** ...and left there, for uartAnswers to find. */
// @ts-ignore: decorator
@inline const SCRATCH_MARK: u32 = 0xA5;

/** What serialPutByte does with a byte. */
export enum SerialState {
  /** serialInit has not run: the byte is lost and counted. */
  Uninitialised = 0,
  /** No UART answered the probe: there is no serial console at all. */
  Absent = 1,
  /** Sending. */
  Ready = 2,
  /** The UART stopped answering its registers: bytes are lost and counted. */
  Gone = 3,
}

let state = SerialState.Uninitialised;
/** Bytes that may be written before the line status must be read again. */
let fifoRoom: u32 = 0;
/** UART_FIFO_DEPTH with working FIFOs, 1 on an 8250/16450. */
let fifoDepth: u32 = 1;
let lostBytes: u32 = 0;

/**
 * Finds COM1, lets the boot loader's last bytes leave it, programs it for
 * 115200 8N1 with FIFOs, and checks it with a loopback probe. Returns
 * false (and leaves serial output off) when no working UART answers, so
 * later output costs nothing.
 */
export function serialInit(): bool {
  const base = COM1_BASE;
  state = SerialState.Absent;
  // A register file at all? The scratch register keeps what is written;
  // an empty slot reads 0xFF. The second value stays there as the mark
  // uartAnswers looks for.
  if (!scratchHolds(SCRATCH_TEST) || !scratchHolds(SCRATCH_MARK)) return false;
  // Bytes the boot loader left in the transmitter would be lost to the
  // FIFO reset below. And QEMU runs a loopback byte through the same
  // transmitter, which a slow host holds up: the probe would come back
  // empty and a working UART would count as absent.
  if (!waitForLineStatus(LSR_TX_EMPTY)) return false;
  outb(base + UART_IER, 0x00);                       // no interrupts
  outb(base + UART_LCR, LCR_DLAB);                   // divisor latch on
  outb(base + UART_DATA, BAUD_DIVISOR_115200 & 0xFF);
  outb(base + UART_IER, BAUD_DIVISOR_115200 >> 8);
  outb(base + UART_LCR, LCR_8N1);                    // latch off, 8N1
  outb(base + UART_FCR, FCR_ENABLE_CLEAR_14);
  for (let i = 0; i < 16 && (inb(base + UART_LSR) & LSR_DATA_READY) != 0; i++) inb(base + UART_DATA); // stale input
  outb(base + UART_MCR, MCR_DTR_RTS_OUT2 | MCR_LOOPBACK);
  outb(base + UART_DATA, LOOPBACK_PROBE);
  let echoed: u32 = 0x100;                           // nothing yet
  for (let polls: u32 = 0; polls < LOOPBACK_POLL_LIMIT; polls++) {
    if ((inb(base + UART_LSR) & LSR_DATA_READY) != 0) {
      echoed = inb(base + UART_DATA) & 0xFF;
      break;
    }
  }
  outb(base + UART_MCR, MCR_DTR_RTS_OUT2);           // loopback off
  if (echoed != LOOPBACK_PROBE) return false;
  fifoDepth = (inb(base + UART_IIR) & IIR_FIFO_ENABLED) == IIR_FIFO_ENABLED ? UART_FIFO_DEPTH : 1;
  fifoRoom = 0;
  state = SerialState.Ready;
  return true;
}

function scratchHolds(value: u32): bool {
  outb(COM1_BASE + UART_SCR, value);
  return (inb(COM1_BASE + UART_SCR) & 0xFF) == value;
}

/** How serial output stands (SerialState). */
export function serialState(): SerialState {
  return state;
}

/** True while bytes are being sent: serialInit found a UART and it still answers. */
export function serialPresent(): bool {
  return state == SerialState.Ready;
}

/** Bytes that never reached the UART: written before serialInit, or after
 * the UART stopped answering. Output with no UART at all is not counted. */
export function serialLostBytes(): u32 {
  return lostBytes;
}

/** The UART still holds what serialInit wrote: the mark in its scratch
 * register, and once programmed, 8N1 in its line control register. A slot
 * with no device reads 0xFF for both. */
function uartAnswers(): bool {
  const base = COM1_BASE;
  if ((inb(base + UART_SCR) & 0xFF) != SCRATCH_MARK) return false;
  return state != SerialState.Ready || (inb(base + UART_LCR) & 0xFF) == LCR_8N1;
}

/** LSR as a slot with no device reads it (floating bus). A 16550 never
 * shows it: it would need every receive error at once. */
// @ts-ignore: decorator
@inline const LSR_NO_DEVICE: u32 = 0xFF;

/**
 * Polls the line status until `bits` are all set. Returns false only if
 * the UART stops answering its registers meanwhile:
 * checked at once when the line status reads 0xFF, and every
 * SERIAL_LIVENESS_INTERVAL polls of a busy transmitter.
 */
function waitForLineStatus(bits: u32): bool {
  const base = COM1_BASE;
  let polls: u32 = 0;
  while (true) {
    const lsr = inb(base + UART_LSR) & 0xFF;
    if (lsr == LSR_NO_DEVICE) {
      if (!uartAnswers()) break;
    } else if ((lsr & bits) == bits) {
      return true;
    }
    polls++;
    if ((polls & (SERIAL_LIVENESS_INTERVAL - 1)) == 0 && !uartAnswers()) break;
    pause();
  }
  return false;
}

/** Sends one byte as is, waiting for room in the transmitter as long as it takes. */
export function serialPutByte(b: u32): void {
  if (state != SerialState.Ready) {
    if (state != SerialState.Absent) lostBytes++;
    return;
  }
  if (fifoRoom == 0) {
    if (!waitForLineStatus(LSR_THR_EMPTY)) {
      state = SerialState.Gone;
      lostBytes++;
      return;
    }
    fifoRoom = fifoDepth;
  }
  outb(COM1_BASE + UART_DATA, b & 0xFF);
  fifoRoom--;
}

/**
 * Waits until every byte written has left the UART (TEMT), so a power-off
 * right after cannot cut the last line. Returns false if the UART is not
 * sending (absent, gone, or it stopped answering while this waited).
 */
export function serialDrain(): bool {
  if (state != SerialState.Ready) return false;
  if (!waitForLineStatus(LSR_TX_EMPTY)) {
    state = SerialState.Gone;
    return false;
  }
  fifoRoom = fifoDepth;
  return true;
}
