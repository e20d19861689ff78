// userland/sel4test/drivers.ts: in-OS tests of user-level drivers of the PC's legacy devices.
//
// Owns: three drivers, each through its own I/O port and IRQ capabilities
// while the kernel goes on preempting two spinners below it
// (timers.ts startLoad/stopLoad, with its HPET watchdog so a lost
// interrupt fails a check instead of hanging; on a machine without an
// HPET, v86, the watchdog counts the spinners' progress alone): the PIT (ports 0x40-0x43,
// ISA IRQ 0 through IOAPIC pin 2: channel 0 in rate-generator mode), the
// RTC (ports 0x70-0x71, ISA IRQ 8: its periodic interrupt, acknowledged by
// reading register C) and COM1 (ports 0x3F8-0x3FF, ISA IRQ 4: a line
// written one byte per transmitter-empty interrupt). The kernel's own
// tick is the local APIC timer, so the PIT and the RTC are free; COM1 is
// shared with the kernel's console, as on seL4. Every test leaves its
// device quiet (interrupts off at the device) before it ends.
// Must not: leave a device interrupting after it ends.

import { seL4_NoError, CAP_IO_PORT_CAP } from "../../libs/abi/sel4.gen";
import { PROCESS_SLOT_IRQ_CONTROL, PROCESS_SLOT_IO_PORT_CONTROL } from "../../libs/abi/layout.gen";
import { seL4_Wait, seL4_Poll, seL4_DebugCapIdentify } from "../../libs/user/ipc";
import {
  seL4_IRQControl_Get, seL4_IRQHandler_Ack, seL4_X86_IOPortControl_Issue, seL4_X86_IOPort_In8, seL4_X86_IOPort_In8_result,
  seL4_X86_IOPort_Out8,
} from "../../libs/user/invocations.gen";
import { MY_CNODE, DEPTH, freeSlot, check, checkEq } from "../../libs/user/testing";
import {
  mapWatchdogClock, hpetStop, startLoad, stopLoad, notificationWithWatchdog, bindHandler, armWatchdog, disarmWatchdog, interruptCame, waitOn,
} from "./timers";
import { del } from "./env";

const badgeCell = memory.data(4, 4);

/** An IOPort capability for `first`..`last`, in a fresh slot. */
function ports(first: u32, last: u32): u32 {
  const s = freeSlot();
  checkEq(seL4_X86_IOPortControl_Issue(PROCESS_SLOT_IO_PORT_CONTROL, first, last, MY_CNODE, s, DEPTH), seL4_NoError, "issue the device's ports");
  checkEq(seL4_DebugCapIdentify(s), CAP_IO_PORT_CAP, "an IOPort capability");
  return s;
}

function out8(cap: u32, port: u32, v: u32): void {
  checkEq(seL4_X86_IOPort_Out8(cap, port, v), seL4_NoError, "out8");
}

function in8(cap: u32, port: u32): u32 {
  checkEq(seL4_X86_IOPort_In8(cap, port), seL4_NoError, "in8");
  return seL4_X86_IOPort_In8_result();
}

/** A handler for ISA line `irq` (through the IOAPIC), bound to a notification with a watchdog. */
function isaHandler(irq: u32): u32 {
  const irqCap = notificationWithWatchdog();
  const h = freeSlot();
  checkEq(seL4_IRQControl_Get(PROCESS_SLOT_IRQ_CONTROL, irq, MY_CNODE, h, DEPTH), seL4_NoError, "IRQControl_Get for the ISA line");
  bindHandler(h, irqCap);
  // An interrupt between Get and SetNotification found no notification and left its line masked until an Ack
  // (as seL4 does); the BIOS leaves the PIT running at 18.2 Hz, so the PIT test's first wait once saw nothing.
  checkEq(seL4_IRQHandler_Ack(h), seL4_NoError, "Ack once, in case a line came up before the notification was bound");
  return h;
}

/** Waits for the device's interrupt (the watchdog gives up after `ms`); true if it came. */
function awaitInterrupt(ms: u32): bool {
  armWatchdog(ms);
  seL4_Wait(waitOn, badgeCell);
  disarmWatchdog();
  return check(interruptCame(load<u32>(badgeCell)), "the device's interrupt came (not only the watchdog)");
}

/** A quiet wait: over two of the kernel's 50 ms time slices, so both spinners run in it. */
// @ts-ignore: decorator
@inline const QUIET_MS: u32 = 120;

/** Waits `ms` for the watchdog; true if nothing else (no device interrupt) ended the wait. */
function quietFor(ms: u32): bool {
  armWatchdog(ms);
  seL4_Wait(waitOn, badgeCell);
  disarmWatchdog();
  return !interruptCame(load<u32>(badgeCell));
}

// ── The PIT ──────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const PIT_CHANNEL0: u32 = 0x40;
// @ts-ignore: decorator
@inline const PIT_COMMAND: u32 = 0x43;
/** 1193182 Hz / 11932: about 100 Hz. */
// @ts-ignore: decorator
@inline const PIT_DIVISOR_100HZ: u32 = 11932;

/**
 * TIMER0001-pit: a user-level PIT driver: channel 0 as a rate generator
 * (mode 2) raises ISA IRQ 0, which reaches us through IOAPIC pin 2 (the
 * MADT's override); five interrupts, each acknowledged; then channel 0 is
 * left in mode 0 with its count run out, which raises nothing more.
 */
export function pitDriver(): void {
  startLoad();
  if (!mapWatchdogClock()) {
    stopLoad();
    return;
  }
  const pit = ports(PIT_CHANNEL0, PIT_COMMAND);
  const h = isaHandler(0);
  out8(pit, PIT_COMMAND, 0x34); // channel 0, lobyte/hibyte, mode 2
  out8(pit, PIT_CHANNEL0, PIT_DIVISOR_100HZ & 0xFF);
  out8(pit, PIT_CHANNEL0, PIT_DIVISOR_100HZ >> 8);
  let got: u32 = 0;
  for (let i = 0; i < 10; i++) {
    if (!awaitInterrupt(500)) break;
    got++;
    checkEq(seL4_IRQHandler_Ack(h), seL4_NoError, "Ack");
  }
  checkEq(got, 10, "ten PIT interrupts");
  out8(pit, PIT_COMMAND, 0x30); // channel 0, mode 0: one more edge at most, then silence
  out8(pit, PIT_CHANNEL0, 1);
  out8(pit, PIT_CHANNEL0, 0);
  checkEq(del(h), seL4_NoError, "delete the handler: the line is masked");
  hpetStop();
  stopLoad();
}

// ── The RTC ──────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const CMOS_INDEX: u32 = 0x70;
// @ts-ignore: decorator
@inline const CMOS_DATA: u32 = 0x71;
/** Index values with bit 7 set: NMI stays disabled while we talk to the RTC. */
// @ts-ignore: decorator
@inline const RTC_REG_A: u32 = 0x8A;
// @ts-ignore: decorator
@inline const RTC_REG_B: u32 = 0x8B;
// @ts-ignore: decorator
@inline const RTC_REG_C: u32 = 0x8C;
/** Register B bit 6: periodic interrupt enable. */
// @ts-ignore: decorator
@inline const RTC_PIE: u32 = 1 << 6;
/** Register C bit 6: a periodic interrupt happened. */
// @ts-ignore: decorator
@inline const RTC_PF: u32 = 1 << 6;
/** Register A rate 6: 1024 Hz (32768 >> (rate - 1)). */
// @ts-ignore: decorator
@inline const RTC_RATE_1024HZ: u32 = 6;

function rtcRead(cmos: u32, reg: u32): u32 {
  out8(cmos, CMOS_INDEX, reg);
  return in8(cmos, CMOS_DATA);
}

function rtcWrite(cmos: u32, reg: u32, v: u32): void {
  out8(cmos, CMOS_INDEX, reg);
  out8(cmos, CMOS_DATA, v);
}

/**
 * TIMER0001-rtc: a user-level RTC driver: the periodic interrupt at 1024
 * Hz on ISA IRQ 8, each one acknowledged at the device by reading
 * register C (which says it was periodic) and at the kernel by Ack.
 */
export function rtcDriver(): void {
  startLoad();
  if (!mapWatchdogClock()) {
    stopLoad();
    return;
  }
  const cmos = ports(CMOS_INDEX, CMOS_DATA);
  const h = isaHandler(8);
  const a = rtcRead(cmos, RTC_REG_A);
  rtcWrite(cmos, RTC_REG_A, (a & 0xF0) | RTC_RATE_1024HZ);
  rtcRead(cmos, RTC_REG_C); // clear anything pending
  const b = rtcRead(cmos, RTC_REG_B);
  rtcWrite(cmos, RTC_REG_B, b | RTC_PIE);
  let got: u32 = 0;
  let periodic: u32 = 0;
  // Twenty periodic interrupts, each seen by its flag in register C. QEMU's RTC re-injects a periodic
  // interrupt it coalesced while the guest was held up (a loaded host), after the flag was read away:
  // such an interrupt shows no flag, so up to as many again are taken to find twenty that do.
  for (let i = 0; i < 40 && periodic < 20; i++) {
    if (!awaitInterrupt(500)) break;
    got++;
    if ((rtcRead(cmos, RTC_REG_C) & RTC_PF) != 0) periodic++;
    checkEq(seL4_IRQHandler_Ack(h), seL4_NoError, "Ack");
  }
  // Periodic interrupts off, the last flag read away: once an interrupt
  // that came before is drained, the line stays quiet.
  rtcWrite(cmos, RTC_REG_B, rtcRead(cmos, RTC_REG_B) & ~RTC_PIE);
  rtcRead(cmos, RTC_REG_C);
  checkEq(seL4_IRQHandler_Ack(h), seL4_NoError, "Ack the last");
  seL4_Poll(waitOn, badgeCell);
  check(quietFor(QUIET_MS), "no interrupt from the RTC once its periodic interrupt is off");
  check(got >= 20, "at least twenty RTC interrupts");
  checkEq(periodic, 20, "twenty of them periodic, by register C");
  checkEq(del(h), seL4_NoError, "delete the handler");
  hpetStop();
  stopLoad();
}

// ── COM1 ─────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const COM1: u32 = 0x3F8;
// @ts-ignore: decorator
@inline const COM1_LAST: u32 = 0x3FF;
// @ts-ignore: decorator
@inline const UART_THR: u32 = 0;  // transmit holding register (write)
// @ts-ignore: decorator
@inline const UART_IER: u32 = 1;  // interrupt enable
// @ts-ignore: decorator
@inline const UART_IIR: u32 = 2;  // interrupt identification (read)
// @ts-ignore: decorator
@inline const UART_MCR: u32 = 4;  // modem control: OUT2 gates the IRQ line on a PC
// @ts-ignore: decorator
@inline const UART_LSR: u32 = 5;  // line status
// @ts-ignore: decorator
@inline const LSR_THRE: u32 = 1 << 5; // the holding register can take a byte
// @ts-ignore: decorator
@inline const IER_THRE: u32 = 1 << 1;
// @ts-ignore: decorator
@inline const MCR_OUT2: u32 = 1 << 3;
/** IIR bits 3..1 = 001: the transmitter holding register is empty. */
// @ts-ignore: decorator
@inline const IIR_THRE: u32 = 0x2;

/**
 * IOPORTS1000-com1-irq: a user-level UART driver writes one line on COM1
 * (the port the kernel's console shares), one byte per transmitter-empty
 * interrupt on ISA IRQ 4; the system test reads the line on the serial
 * console. A byte the kernel's console writes meanwhile only brings the
 * next interrupt sooner.
 */
export function uartDriver(): void {
  startLoad();
  if (!mapWatchdogClock()) {
    stopLoad();
    return;
  }
  const uart = ports(COM1, COM1_LAST);
  const h = isaHandler(4);
  const line = "uart: written by a user-level driver, one byte per IRQ 4\n";
  const mcr = in8(uart, COM1 + UART_MCR);
  out8(uart, COM1 + UART_MCR, mcr | MCR_OUT2);
  out8(uart, COM1 + UART_IER, IER_THRE); // the holding register is empty: the first interrupt comes at once
  let sent: i32 = 0;
  let thre: u32 = 0;
  let waits: u32 = 0;
  while (sent < line.length && waits++ < <u32>line.length * 4) {
    if (!awaitInterrupt(500)) break;
    if ((in8(uart, COM1 + UART_IIR) & 0x0F) == IIR_THRE) thre++;
    // Ack before the byte: its transmitter-empty edge must find the pin
    // unmasked, or an IOAPIC drops it. The kernel's console shares the
    // port, so the holding register may be full again by now; then the
    // byte waits for the edge the console's byte brings.
    checkEq(seL4_IRQHandler_Ack(h), seL4_NoError, "Ack");
    if ((in8(uart, COM1 + UART_LSR) & LSR_THRE) != 0) out8(uart, COM1 + UART_THR, line.charCodeAt(sent++));
  }
  // The last byte's interrupt; then, with the UART's interrupt off, quiet:
  // the wait ends only by the watchdog.
  awaitInterrupt(500);
  out8(uart, COM1 + UART_IER, 0);
  in8(uart, COM1 + UART_IIR);
  checkEq(seL4_IRQHandler_Ack(h), seL4_NoError, "Ack the last");
  check(quietFor(QUIET_MS), "no interrupt from the UART once IER is off");
  checkEq(sent, line.length, "every byte of the line went");
  check(thre >= <u32>line.length / 2, "the interrupts said the transmitter was empty");
  checkEq(del(h), seL4_NoError, "delete the handler");
  hpetStop();
  stopLoad();
}
