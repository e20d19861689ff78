// userland/sel4test/timers.ts: in-OS tests of user-level interrupt drivers: the HPET, by MSI and through the IOAPIC.
//
// Owns: the tests that re-express sel4test's timer.c (TIMER0001 "Basic
// timer testing", TIMER0002 "the timer moves between gettime and
// timeout") with a user-level HPET driver, and tsos's checks of the IRQ
// capabilities around them: the test maps the HPET's registers from its
// device untyped (which the driver in the root task picks to cover
// HPET_PHYS), takes an IRQHandler from IRQControl (lent to it at
// PROCESS_SLOT_IRQ_CONTROL), binds a notification, and programs HPET
// timer 0 to interrupt by MSI (to CPU vector 0x30 + v, seL4's mapping) or,
// in legacy replacement mode, through IOAPIC pin 2, as QEMU wires it.
// Two spinning threads below the test count while it waits: both move,
// so the kernel went on preempting while the driver took its interrupts
// (the tests wait longer than a time slice, TIME_SLICE_TICKS at 100 Hz).
// They are also the watchdog: if an interrupt is late by far, a spinner
// signals the test's notification with WATCHDOG_BADGE, so a lost
// interrupt is a failed check, never a test that waits for ever.
// Every test leaves the HPET stopped and its handler cleared.
// Must not: leave a device running after it ends (the next test would see its interrupts).

import {
  seL4_NoError, seL4_RangeError, seL4_RevokeFirst, seL4_DeleteFirst, seL4_InvalidCapability,
  OBJ_NOTIFICATION, OBJ_UNTYPED, OBJ_X86_4K, seL4_X86_Uncacheable, CAP_IRQ_HANDLER_CAP, CAP_NULL_CAP,
  ERROR_MR_RANGE_ERROR_MAX,
} from "../../libs/abi/sel4.gen";
import { HPET_PHYS, LAPIC_PHYS } from "../../kernel/arch/x86/machine.gen";
import {
  USER_BOOTINFO, BOOTINFO_DEVICE_UNTYPED_PADDR, PROCESS_SLOT_DEVICE_UNTYPED, PROCESS_SLOT_IRQ_CONTROL, THREAD_MAX,
} from "../../libs/abi/layout.gen";
import { seL4_Wait, seL4_Signal, seL4_Yield, seL4_DebugCapIdentify } from "../../libs/user/ipc";
import {
  seL4_Untyped_Retype, seL4_X86_Page_Map, seL4_IRQControl_GetMSI, seL4_IRQControl_GetIOAPIC, seL4_IRQControl_Get,
  seL4_IRQHandler_SetNotification, seL4_IRQHandler_Ack, seL4_IRQHandler_Clear, seL4_TCB_SetPriority, seL4_TCB_Suspend,
} from "../../libs/user/invocations.gen";
import { MY_CNODE, MY_VSPACE, MY_TCB, DEPTH, freeSlot, check, checkEq, myPriority } from "../../libs/user/testing";
import { threadArea } from "../../libs/user/thread";
import { make, mint, copy, del, spawn, detail, R_RW, R_ALL, R_READ } from "./env";

// @ts-ignore: decorator
@external("x86", "compilerBarrier") declare function compilerBarrier(): void;

/** Where the test maps the HPET's registers: the guard page of a thread area no test uses. */
const HPET_VA: u32 = threadArea(THREAD_MAX - 3);

// HPET registers (IA-PC HPET 1.0a, 2.3): 64-bit, read as two words.
// @ts-ignore: decorator
@inline const GCAP_ID: u32 = 0x000;     // 63..32 counter period (fs); 15 LEG_RT_CAP; 12..8 timers - 1
// @ts-ignore: decorator
@inline const GEN_CONF: u32 = 0x010;    // 1 LEG_RT_CNF, 0 ENABLE_CNF
// @ts-ignore: decorator
@inline const MAIN_COUNTER: u32 = 0x0F0;
// @ts-ignore: decorator
@inline const T0_CONF: u32 = 0x100;     // 63..32 INT_ROUTE_CAP; 15 FSB_INT_DEL_CAP; 14 FSB_EN_CNF; 8 32MODE; 2 INT_ENB_CNF; 1 level
// @ts-ignore: decorator
@inline const T0_COMPARATOR: u32 = 0x108;
// @ts-ignore: decorator
@inline const T0_FSB_ROUTE: u32 = 0x110; // 31..0 the MSI data, 63..32 the MSI address
// @ts-ignore: decorator
@inline const ENABLE_CNF: u32 = 1 << 0;
// @ts-ignore: decorator
@inline const LEG_RT_CNF: u32 = 1 << 1;
// @ts-ignore: decorator
@inline const INT_ENB_CNF: u32 = 1 << 2;
// @ts-ignore: decorator
@inline const MODE32_CNF: u32 = 1 << 8;
// @ts-ignore: decorator
@inline const FSB_EN_CNF: u32 = 1 << 14;
// @ts-ignore: decorator
@inline const FSB_INT_DEL_CAP: u32 = 1 << 15;
/** An MSI goes to the local APIC's address with the destination APIC ID in bits 19..12 (0: the boot CPU). */
// @ts-ignore: decorator
@inline const MSI_ADDRESS: u32 = LAPIC_PHYS;
/** seL4 x86: user vector v is CPU vector 0x30 + v. */
// @ts-ignore: decorator
@inline const USER_VECTOR_BASE: u32 = 0x30;
/** The IOAPIC pin QEMU's HPET timer 0 raises in legacy replacement mode (ISA IRQ 0's override). */
// @ts-ignore: decorator
@inline const LEGACY_PIN: u32 = 2;
/** The longest period an HPET may have: 100 ns, in femtoseconds. */
// @ts-ignore: decorator
@inline const MAX_PERIOD_FS: u32 = 0x05F5E100;
/** Femtoseconds in a millisecond. */
// @ts-ignore: decorator
@inline const FS_PER_MS: u64 = 1_000_000_000_000;

// ── The HPET ─────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function reg(off: u32): u32 {
  compilerBarrier(); // a device register: read it every time
  return load<u32>(HPET_VA + off);
}

// @ts-ignore: decorator
@inline function setReg(off: u32, v: u32): void {
  store<u32>(HPET_VA + off, v);
  compilerBarrier();
}

/** The main counter's low word (the test's intervals are far shorter than its wrap at 32 bits). */
function counter(): u32 {
  return reg(MAIN_COUNTER);
}

/** HPET ticks per millisecond, from its period in femtoseconds. */
function ticksPerMs(): u32 {
  const period = <u64>reg(GCAP_ID + 4);
  return period == 0 ? 0 : <u32>(FS_PER_MS / period);
}

/**
 * Maps the HPET's register page from the device untyped: untypeds of the
 * sizes that make up the offset from the untyped's start are retyped first,
 * so the frame that follows lands on HPET_PHYS. Its main counter is left
 * running with timer 0's interrupt off: the watchdog reads it (a stopped
 * counter would never reach a deadline). hpetStop stops it again.
 */
export function mapHpet(): bool {
  const base = load<u32>(USER_BOOTINFO + BOOTINFO_DEVICE_UNTYPED_PADDR);
  check(base <= HPET_PHYS, "the device untyped starts below the HPET");
  const offset = HPET_PHYS - base;
  for (let bit: i32 = 31; bit >= 12; bit--) {
    if ((offset & (<u32>1 << bit)) == 0) continue;
    checkEq(seL4_Untyped_Retype(PROCESS_SLOT_DEVICE_UNTYPED, OBJ_UNTYPED, <u32>bit, MY_CNODE, 0, 0, freeSlot(), 1), seL4_NoError, "skip device memory below the HPET");
  }
  const f = freeSlot();
  checkEq(seL4_Untyped_Retype(PROCESS_SLOT_DEVICE_UNTYPED, OBJ_X86_4K, 0, MY_CNODE, 0, 0, f, 1), seL4_NoError, "the HPET's frame");
  if (!checkEq(seL4_X86_Page_Map(f, MY_VSPACE, HPET_VA, R_RW, seL4_X86_Uncacheable), seL4_NoError, "map it uncached")) return false;
  // A machine without an HPET (v86) reads all ones or zeros there; a test that went on would wait
  // for ever, its watchdog reading a counter that never moves.
  hpetMissing = !hpetAnswers();
  if (hpetMissing) return watchdogOnly || check(false, "an HPET answers at HPET_PHYS (a period of 1 fs to 100 ns)");
  setReg(T0_CONF, 0);
  setReg(GEN_CONF, ENABLE_CNF);
  return true;
}

/**
 * IA-PC HPET 1.0a, 2.3.4: the period is not 0 and at most 100 ns; all ones
 * or zeros (nothing there) fail. Only whole words are compared: gcc turns a
 * word's `& 0xFF` into a byte load, which QEMU's HPET refuses (it reads 0).
 */
function hpetAnswers(): bool {
  const period = reg(GCAP_ID + 4);
  return period != 0 && period <= MAX_PERIOD_FS;
}

/** No HPET answered at HPET_PHYS (mapHpet): the watchdog counts the spinners' progress alone. */
let hpetMissing = false;
let watchdogOnly = false;

/**
 * For a test that needs the HPET only for its watchdog (drivers.ts): mapHpet,
 * but on a machine without an HPET (v86) the watchdog then fires on the
 * spinners' progress alone (WATCHDOG_SPINS: far more guest time than any
 * wait of these tests), and the test goes on.
 */
export function mapWatchdogClock(): bool {
  watchdogOnly = true;
  const ok = mapHpet();
  watchdogOnly = false;
  return ok;
}

/** Timer 0 off, the main counter stopped, legacy replacement off. */
export function hpetStop(): void {
  if (hpetMissing) return;
  setReg(T0_CONF, 0);
  setReg(GEN_CONF, 0);
}

/**
 * Timer 0 fires once, `ms` milliseconds from now (32-bit mode,
 * edge-triggered). The comparator is written while timer 0's interrupt is
 * off, and the interrupt enabled after: enabled first, it would meet the
 * last comparator, already passed, and QEMU's HPET fires at once for a
 * comparator behind the counter. That interrupt came early (seen on a
 * loaded host, where QEMU ran its timer between the two writes).
 */
function armOneShot(ms: u32, fsb: bool): u32 {
  const now = counter();
  const when = now + ms * ticksPerMs();
  setReg(T0_CONF, MODE32_CNF);
  setReg(T0_COMPARATOR, when);
  setReg(T0_CONF, MODE32_CNF | INT_ENB_CNF | (fsb ? FSB_EN_CNF : 0));
  return when;
}

// ── Load that the kernel must keep preempting ────────────────────────

const spins = memory.data(8, 4);
let spinners: u32 = 0;
let spinner2: u32 = 0;
/** The badge of the interrupt's notification capability, and the watchdog's. */
// @ts-ignore: decorator
@inline const IRQ_BADGE: u32 = 1;
// @ts-ignore: decorator
@inline const WATCHDOG_BADGE: u32 = 0x100;
/** The watchdog: a notification capability badged WATCHDOG_BADGE (0: none), and the HPET count it gives up at. */
let watchdog: u32 = 0;
let deadline: u32 = 0;
let watchdogArmed = false;
/** The spinners' total count when the watchdog was armed, and how far past it they must count before it fires (2^25: some 10^8 guest instructions). */
let armedAt: u32 = 0;
// @ts-ignore: decorator
@inline const WATCHDOG_SPINS: u32 = 1 << 25;

// @ts-ignore: decorator
@inline export const H_SPIN: i32 = 350; // count in word arg of spins, forever, never yielding; keep the watchdog

export function timerHelperMain(kind: i32, arg: u32): bool {
  if (kind != H_SPIN) return false;
  const at = spins + (<usize>(arg & 1) << 2);
  while (true) {
    const n = load<u32>(at) + 1;
    store<u32>(at, n);
    compilerBarrier();
    if ((n & 0xFFF) == 0) watchdogStep();
  }
}

// @ts-ignore: decorator
@inline function spun(i: u32): u32 {
  compilerBarrier();
  return load<u32>(spins + (<usize>i << 2));
}

/** The test's priority while its spinners run, and theirs (one priority, or 0: two). */
let testPrio: u32 = 0;
let spinPrio: u32 = 0;

/** Lowers the test to one below its top priority and starts two spinners one below that, at one priority. */
export function startLoad(): void {
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, myPriority() - 1), seL4_NoError, "lower our priority");
  startSpinners(myPriority() - 2, myPriority() - 2, myPriority() - 1);
}

/** Starts the two spinners, the first at `prio0` and the second at `prio1`; the test runs at `mine`. */
export function startSpinners(prio0: u32, prio1: u32, mine: u32): void {
  store<u64>(spins, 0);
  testPrio = mine;
  spinPrio = prio0 == prio1 ? prio0 : 0;
  spinners = spawn(H_SPIN, 0, prio0);
  spinner2 = spawn(H_SPIN, 1, prio1);
}

/** The first spinner's TCB, and how far spinner `i` (0 or 1) has counted. */
export function firstSpinner(): u32 {
  return spinners;
}
export function spinCount(i: u32): u32 {
  return spun(i);
}

/**
 * The spinners' watchdog step, for a thread that keeps the CPU by other
 * means (one that loops on Yield): signals the watchdog once the armed
 * deadline has passed on the HPET's counter and the spinners have also
 * counted WATCHDOG_SPINS since it was armed. The second condition is the
 * guest's own progress: a loaded host can stop the guest for longer than
 * the slack while the HPET, which follows the host's clock, runs on; the
 * interrupt then is late on the counter but not lost, and comes as soon
 * as the guest runs again. Guest instructions do not pass during a stall.
 */
export function watchdogStep(): void {
  if (watchdogArmed && (hpetMissing || <i32>(counter() - deadline) > 0) && spun(0) + spun(1) - armedAt > WATCHDOG_SPINS) {
    watchdogArmed = false;
    seL4_Signal(watchdog);
  }
}

/** Arms the watchdog for an HPET count (both conditions of watchdogStep start now). */
function armDeadline(when: u32): void {
  deadline = when;
  armedAt = spun(0) + spun(1);
  watchdogArmed = true;
}

/** Have both spinners run? */
function bothSpun(): bool {
  return spun(0) > 0 && spun(1) > 0;
}

/**
 * Stops the spinners; with `mustHaveRun`, checks that both ran: the
 * kernel's time slice moved the CPU from one to the other. The test's
 * waits are longer than two time slices of guest time, but a loaded host
 * can hold the guest's ticks back (QEMU delivers the ticks it missed as
 * one), so fewer slices may have ended in them. Then the test joins the
 * spinners' priority and yields until both have run: only the kernel's
 * preemption of a spinner that never yields can give the CPU back.
 */
export function stopLoad(mustHaveRun: bool = true): void {
  if (mustHaveRun && !bothSpun() && spinPrio != 0) {
    checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, spinPrio), seL4_NoError, "join the spinners' priority");
    for (let i = 0; i < 64 && !bothSpun(); i++) seL4_Yield();
    checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, testPrio), seL4_NoError, "and leave it");
  }
  checkEq(seL4_TCB_Suspend(spinners), seL4_NoError, "stop the first spinner");
  checkEq(seL4_TCB_Suspend(spinner2), seL4_NoError, "and the second");
  if (mustHaveRun) check(bothSpun(), "both spinners ran while the driver waited: the kernel kept preempting");
}

// ── The tests ────────────────────────────────────────────────────────

const badgeCell = memory.data(4, 4);

/** Binds the notification capability `ntfn` to the IRQ handler in `handler`. */
export function bindHandler(handler: u32, ntfn: u32): void {
  checkEq(seL4_DebugCapIdentify(handler), CAP_IRQ_HANDLER_CAP, "an IRQHandler capability");
  checkEq(seL4_IRQHandler_SetNotification(handler, ntfn), seL4_NoError, "bind a notification to it");
}

/**
 * Waits for `n` interrupts of HPET timer 0, `ms` apart, acknowledging
 * each; returns how many arrived, each no sooner than it was due. A wait
 * the watchdog ends (an interrupt 200 ms late) stops the count.
 */
function takeInterrupts(handler: u32, ntfn: u32, n: u32, ms: u32, fsb: bool): u32 {
  let got: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const start = counter();
    const when = armOneShot(ms, fsb);
    armDeadline(when + 200 * ticksPerMs());
    seL4_Wait(ntfn, badgeCell);
    watchdogArmed = false;
    const now = counter();
    const b = load<u32>(badgeCell);
    if (!check((b & IRQ_BADGE) != 0, "the interrupt came (not only the watchdog)")) break;
    if (<i32>(now - when) >= 0 && <i32>(now - start) >= <i32>(ms * ticksPerMs())) got++;
    checkEq(seL4_IRQHandler_Ack(handler), seL4_NoError, "acknowledge the interrupt");
  }
  return got;
}

/** A notification, its IRQ_BADGE capability (returned) for the handler, and the watchdog's capability. */
export function notificationWithWatchdog(): u32 {
  const n = make(OBJ_NOTIFICATION, 0);
  const irqCap = freeSlot();
  checkEq(mint(irqCap, n, R_ALL, IRQ_BADGE), seL4_NoError, "the interrupt's badge");
  watchdog = freeSlot();
  checkEq(mint(watchdog, n, R_ALL, WATCHDOG_BADGE), seL4_NoError, "the watchdog's badge");
  waitOn = n;
  return irqCap;
}

/**
 * The watchdog fires if the HPET's counter passes `ms` from now before
 * disarmWatchdog (the HPET must be mapped: mapHpet).
 */
export function armWatchdog(ms: u32): void {
  armDeadline(counter() + ms * ticksPerMs());
}

export function disarmWatchdog(): void {
  watchdogArmed = false;
}

/** Was the last wait's badge the interrupt's (not only the watchdog's)? */
export function interruptCame(badge: u32): bool {
  return (badge & IRQ_BADGE) != 0;
}

/** The notification the test waits on (notificationWithWatchdog). */
export let waitOn: u32 = 0;

/**
 * TIMER0001: a user-level HPET driver gets timer 0's interrupts by MSI:
 * IRQControl_GetMSI for vector v, the HPET told to write vector 0x30 + v
 * to the local APIC's address, each interrupt a Signal, the line masked
 * (for an MSI: nothing to mask) until Ack.
 */
export function timerHpetMsi(): void {
  startLoad();
  if (!mapHpet()) {
    stopLoad();
    return;
  }
  check(ticksPerMs() != 0, "the HPET has a period");
  check((reg(T0_CONF) & FSB_INT_DEL_CAP) != 0, "timer 0 can send an MSI (QEMU: -global hpet.msi=on)");
  const irqCap = notificationWithWatchdog();
  const handler = freeSlot();
  const v: u32 = 7;
  checkEq(seL4_IRQControl_GetMSI(PROCESS_SLOT_IRQ_CONTROL, MY_CNODE, handler, DEPTH, 0, 0, 0, 0, v), seL4_NoError, "GetMSI");
  bindHandler(handler, irqCap);
  setReg(T0_FSB_ROUTE, USER_VECTOR_BASE + v);
  setReg(T0_FSB_ROUTE + 4, MSI_ADDRESS);
  checkEq(takeInterrupts(handler, waitOn, 5, 30, true), 5, "five interrupts, each when its comparator was reached");
  hpetStop();
  checkEq(seL4_IRQHandler_Clear(handler), seL4_NoError, "clear the handler");
  stopLoad();
}

/**
 * TIMER0002: the timer moves between gettime and timeout: through IOAPIC
 * pin 2 (the HPET in legacy replacement mode), a timeout set `ms` ahead
 * arrives no sooner, and the counter has moved by at least that much.
 */
export function timerHpetIoapic(): void {
  startLoad();
  if (!mapHpet()) {
    stopLoad();
    return;
  }
  // Legacy replacement first: it takes ISA IRQ 0 from the PIT, which the
  // BIOS left running at 18.2 Hz; unmasked before this, pin 2 could take
  // a PIT tick for our first timeout (and see it early).
  setReg(GEN_CONF, ENABLE_CNF | LEG_RT_CNF);
  const irqCap = notificationWithWatchdog();
  const handler = freeSlot();
  const v: u32 = 8;
  checkEq(seL4_IRQControl_GetIOAPIC(PROCESS_SLOT_IRQ_CONTROL, MY_CNODE, handler, DEPTH, 0, LEGACY_PIN, 0, 0, v), seL4_NoError, "GetIOAPIC for pin 2");
  bindHandler(handler, irqCap);
  const before = counter();
  checkEq(takeInterrupts(handler, waitOn, 3, 50, false), 3, "three timeouts, none early");
  check(counter() - before >= 150 * ticksPerMs(), "the counter moved by at least the three timeouts");
  hpetStop();
  checkEq(del(handler), seL4_NoError, "delete the handler: its IRQ is free again");
  const again = freeSlot();
  checkEq(seL4_IRQControl_GetIOAPIC(PROCESS_SLOT_IRQ_CONTROL, MY_CNODE, again, DEPTH, 0, LEGACY_PIN, 0, 0, v), seL4_NoError, "the same vector can be had again");
  checkEq(del(again), seL4_NoError, "and deleted");
  stopLoad();
}

/** TIMER0001-errors: IRQControl's and IRQHandler's errors, in seL4's order. */
export function irqControlErrors(): void {
  const c = PROCESS_SLOT_IRQ_CONTROL;
  const h = freeSlot();
  checkEq(seL4_IRQControl_GetIOAPIC(c, MY_CNODE, h, DEPTH, 0, 2, 0, 0, 140), seL4_RangeError, "vector 140 is past the last user IRQ");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MAX), 139, "vectors go to 139 (IRQ 16 + 139 = 155)");
  checkEq(seL4_IRQControl_GetIOAPIC(c, MY_CNODE, h, DEPTH, 1, 2, 0, 0, 3), seL4_RangeError, "there is one IOAPIC");
  checkEq(seL4_IRQControl_GetIOAPIC(c, MY_CNODE, h, DEPTH, 0, 24, 0, 0, 3), seL4_RangeError, "it has 24 pins");
  checkEq(seL4_IRQControl_GetIOAPIC(c, MY_CNODE, h, DEPTH, 0, 2, 2, 0, 3), seL4_RangeError, "level is 0 or 1");
  checkEq(seL4_IRQControl_GetIOAPIC(c, MY_CNODE, h, DEPTH, 0, 2, 0, 2, 3), seL4_RangeError, "polarity is 0 or 1");
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, h, DEPTH, 256, 0, 0, 0, 3), seL4_RangeError, "PCI bus up to 255");
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, h, DEPTH, 0, 32, 0, 0, 3), seL4_RangeError, "device up to 31");
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, h, DEPTH, 0, 0, 8, 0, 3), seL4_RangeError, "function up to 7");
  const busy = make(OBJ_NOTIFICATION, 0);
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, busy, DEPTH, 0, 0, 0, 0, 3), seL4_DeleteFirst, "an occupied destination");
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, h, DEPTH, 0, 0, 0, 0, 3), seL4_NoError, "vector 3");
  const h2 = freeSlot();
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, h2, DEPTH, 0, 0, 0, 0, 3), seL4_RevokeFirst, "vector 3 is taken");
  checkEq(seL4_IRQControl_Get(c, 16, MY_CNODE, h2, DEPTH), seL4_RangeError, "the generic Get is for ISA lines 0-15");
  checkEq(seL4_IRQHandler_SetNotification(h, busy), seL4_NoError, "a notification to signal");
  checkEq(seL4_IRQHandler_SetNotification(h, h), seL4_InvalidCapability, "an IRQHandler is no notification");
  checkEq(seL4_IRQHandler_Clear(h), seL4_NoError, "Clear");
  checkEq(seL4_IRQHandler_Clear(h), seL4_NoError, "Clear again: nothing to clear");
  checkEq(del(h), seL4_NoError, "delete the handler");
  checkEq(seL4_DebugCapIdentify(h), CAP_NULL_CAP, "gone");
  checkEq(seL4_IRQControl_GetMSI(c, MY_CNODE, h2, DEPTH, 0, 0, 0, 0, 3), seL4_NoError, "vector 3 is free again");
  checkEq(seL4_IRQControl_Get(c, 4, MY_CNODE, freeSlot(), DEPTH), seL4_NoError, "an ISA line (COM1's) through the IOAPIC");
  const ro = freeSlot();
  checkEq(copy(ro, busy, R_READ), seL4_NoError, "a notification capability without Write");
  checkEq(seL4_IRQHandler_SetNotification(h2, ro), seL4_InvalidCapability, "cannot be signalled by an IRQ");
}

// ── A timer for the tests that wait for time to pass (timed.ts) ───────

/** The user vector of the tests' timer (CPU vector 0x30 + 9): timer 0 by MSI. */
// @ts-ignore: decorator
@inline const TIMER_VECTOR: u32 = 9;
/** How long after its deadline the watchdog ends a wait for the timer. */
// @ts-ignore: decorator
@inline const TIMER_SLACK_MS: u32 = 200;
let timerHandler: u32 = 0;

/**
 * Opens the tests' timer: the HPET mapped, timer 0 by MSI to a
 * notification (waitOn) that also holds the watchdog's capability, the
 * spinners started at `prio0` and `prio1` (they keep the watchdog; a
 * thread above them that never blocks must call watchdogStep). False if
 * the HPET could not be had (the failed check says why).
 */
export function timerOpen(prio0: u32, prio1: u32): bool {
  startSpinners(prio0, prio1, myPriority());
  if (!mapHpet()) return false;
  const irqCap = notificationWithWatchdog();
  timerHandler = freeSlot();
  if (!checkEq(seL4_IRQControl_GetMSI(PROCESS_SLOT_IRQ_CONTROL, MY_CNODE, timerHandler, DEPTH, 0, 0, 0, 0, TIMER_VECTOR), seL4_NoError, "GetMSI for the test's timer")) return false;
  bindHandler(timerHandler, irqCap);
  setReg(T0_FSB_ROUTE, USER_VECTOR_BASE + TIMER_VECTOR);
  setReg(T0_FSB_ROUTE + 4, MSI_ADDRESS);
  return true;
}

/** The HPET's main counter (timerOpen first). */
export function timerNow(): u32 {
  return counter();
}

/**
 * Arms timer 0 to interrupt once, `ticks` HPET ticks from now, and the
 * watchdog TIMER_SLACK_MS after that. A comparator the counter has
 * already passed (the write came too late) would match only after the
 * 32-bit wrap, so it is set again further out.
 */
export function timerArm(ticks: u32): void {
  let t = ticks;
  let when: u32 = 0;
  setReg(T0_CONF, MODE32_CNF); // the interrupt off while the comparator moves (armOneShot)
  while (true) {
    when = counter() + t;
    setReg(T0_COMPARATOR, when);
    if (<i32>(counter() - when) < 0) break;
    t <<= 1;
  }
  setReg(T0_CONF, MODE32_CNF | INT_ENB_CNF | FSB_EN_CNF);
  armDeadline(when + TIMER_SLACK_MS * ticksPerMs());
}

/** Waits for the armed timer: true if its interrupt came (it is acknowledged), false if the watchdog ended the wait. */
export function timerWait(): bool {
  seL4_Wait(waitOn, badgeCell);
  watchdogArmed = false;
  const came = interruptCame(load<u32>(badgeCell));
  if (came) checkEq(seL4_IRQHandler_Ack(timerHandler), seL4_NoError, "acknowledge the timer");
  return came;
}

/** Sleeps `ms` milliseconds on the timer; false if the interrupt never came. */
export function sleepMs(ms: u32): bool {
  timerArm(ms * ticksPerMs());
  return timerWait();
}

/** The HPET stopped, the timer's handler deleted, the spinners stopped (with `spinnersMustHaveRun`, both must have run). */
export function timerClose(spinnersMustHaveRun: bool = true): void {
  hpetStop();
  if (timerHandler != 0) checkEq(del(timerHandler), seL4_NoError, "delete the timer's handler");
  timerHandler = 0;
  stopLoad(spinnersMustHaveRun);
}
