// kernel/object/irq.ts: interrupts for user mode: IRQControl, IRQHandler, and an interrupt's arrival.
//
// Owns: seL4's x86 interrupt state: per IRQ its state (inactive, signal,
// the kernel's timer) and its route (an IOAPIC pin with trigger mode and
// polarity, or an MSI, which the device itself is told about), the slot
// that holds each IRQ's notification capability (seL4's intStateIRQNode,
// static kernel memory), IRQControl's invocations (Get for an ISA line,
// GetIOAPIC, GetMSI) that make IRQHandler capabilities, IRQHandler's
// (Ack unmasks the line, SetNotification, Clear), what happens when an
// interrupt arrives (a Signal on the notification, and the line masked
// until Ack), and what deleting the last IRQHandler capability does.
// Numbering, as seL4 x86: IRQ n is CPU vector IRQ_VECTOR_BASE (0x20) + n;
// 0-15 are the ISA lines, 16-155 the user IRQs (GetIOAPIC and GetMSI take
// a vector argument v and make IRQ 16 + v, which the device must be told
// to raise as CPU vector 0x30 + v), and 156 is the kernel's tick.
// tsos differs from seL4 in one place: with the IOAPIC, seL4's generic
// Get is an IllegalOperation; here it makes a handler for ISA line 0-15,
// routed to the IOAPIC pin the MADT names for it (docs/RATIONALE.md).
// Must not: drive a device behind an IRQ (user drivers do), or trust any
// argument (decodeX checks all of them, in seL4's order).
//
// see: seL4 src/object/interrupt.c, src/arch/x86/object/interrupt.c,
// src/plat/pc99/machine/ioapic.c, include/plat/pc99/plat/machine.h
// (irq_isa_min .. maxIRQ), facts only.

import {
  capTag, capIrq, capRights, capWords, capBadge, isNullCap, irqHandlerCap, CAP_NOTIFICATION_CAP, RIGHT_WRITE, CTE_SIZE,
} from "../cspace/cte";
import { cteInsert } from "../cspace/cdt";
import { cteDelete } from "../cspace/delete";
import { lookupSlotForCNodeOp } from "../cspace/lookup";
import {
  invLabel, invLength, invArg, invExtraCap, errorTruncatedMessage, errorIllegalOperation, errorRange, errorRevokeFirst,
  errorDeleteFirst, errorInvalidCapability, errorCode,
} from "../api/invocation";
import { notificationOf, sendSignal } from "./notification";
import { ioapicMapPin, ioapicMask, ioapicCount } from "../arch/x86/ioapic";
import { IOAPIC_PINS, acpiIsaGsi, acpiIsaLevel, acpiIsaActiveLow, acpiIoapicGsiBase } from "../arch/x86/acpi";
import {
  LABEL_IRQ_ISSUE_IRQ_HANDLER, LABEL_IRQ_ACK_IRQ, LABEL_IRQ_SET_IRQ_HANDLER, LABEL_IRQ_CLEAR_IRQ_HANDLER,
  LABEL_X86_IRQ_ISSUE_IRQ_HANDLER_IOAPIC, LABEL_X86_IRQ_ISSUE_IRQ_HANDLER_MSI, seL4_NoError,
} from "../../libs/abi/sel4.gen";

/** CPU vector of IRQ 0 (seL4's IRQ_INT_OFFSET). */
// @ts-ignore: decorator
@inline export const IRQ_VECTOR_BASE: u32 = 0x20;
// @ts-ignore: decorator
@inline export const IRQ_ISA_MAX: u32 = 15;
// @ts-ignore: decorator
@inline export const IRQ_USER_MIN: u32 = 16;
// @ts-ignore: decorator
@inline export const IRQ_USER_MAX: u32 = 155;
/** The kernel's preemption tick (the local APIC timer). */
// @ts-ignore: decorator
@inline export const IRQ_TIMER: u32 = 156;
// @ts-ignore: decorator
@inline export const MAX_IRQ: u32 = IRQ_TIMER;
/** The PCI limits GetMSI checks. */
// @ts-ignore: decorator
@inline const PCI_BUS_MAX: u32 = 255;
// @ts-ignore: decorator
@inline const PCI_DEV_MAX: u32 = 31;
// @ts-ignore: decorator
@inline const PCI_FUNC_MAX: u32 = 7;

// IRQ states (seL4's irq_state_t).
// @ts-ignore: decorator
@inline const IRQ_INACTIVE: u8 = 0;
// @ts-ignore: decorator
@inline const IRQ_SIGNAL: u8 = 1;
// @ts-ignore: decorator
@inline const IRQ_TIMER_STATE: u8 = 2;

// Routes (seL4's x86_irq_state_t type).
// @ts-ignore: decorator
@inline const ROUTE_NONE: u8 = 0;
// @ts-ignore: decorator
@inline const ROUTE_IOAPIC: u8 = 1;
// @ts-ignore: decorator
@inline const ROUTE_MSI: u8 = 2;

const states = memory.data(<i32>MAX_IRQ + 1, 4);
const routes = memory.data(<i32>MAX_IRQ + 1, 4);
/** Per IRQ: the IOAPIC (bits 15..8) and pin (7..0) of an IOAPIC route. */
const routePins = memory.data(<i32>(MAX_IRQ + 1) * 2, 4);
/** seL4's intStateIRQNode: the notification capability each IRQ signals. */
const irqSlots = memory.data(<i32>((MAX_IRQ + 1) * <u32>CTE_SIZE), 16);

/** Interrupts counted without a notification to signal, or on an inactive IRQ. */
let undelivered: u32 = 0;

// @ts-ignore: decorator
@inline function stateOf(irq: u32): u8 { return load<u8>(states + irq); }
// @ts-ignore: decorator
@inline function irqSlot(irq: u32): usize { return irqSlots + <usize>irq * CTE_SIZE; }

/** Every IRQ inactive and unrouted, but the timer's. */
export function irqInit(): void {
  memory.fill(states, 0, MAX_IRQ + 1);
  memory.fill(routes, 0, MAX_IRQ + 1);
  memory.fill(irqSlots, 0, (MAX_IRQ + 1) * <u32>CTE_SIZE);
  store<u8>(states + IRQ_TIMER, IRQ_TIMER_STATE);
}

// ── Masking ──────────────────────────────────────────────────────────

/** seL4's maskInterrupt: only an IOAPIC line can be masked (an MSI cannot, as in seL4). */
function maskInterrupt(masked: bool, irq: u32): void {
  if (load<u8>(routes + irq) != ROUTE_IOAPIC) return;
  const at = load<u16>(routePins + (<usize>irq << 1));
  ioapicMask(at >>> 8, at & 0xFF, masked);
}

/** seL4's setIRQState: an IRQ that is not inactive is unmasked. */
function setIRQState(state: u8, irq: u32): void {
  store<u8>(states + irq, state);
  maskInterrupt(state == IRQ_INACTIVE, irq);
}

// ── Arrival ──────────────────────────────────────────────────────────

/**
 * IRQ `irq` arrived (not the timer's): a Signal on its notification, and
 * the line masked until the handler's Ack. The caller sends the EOI.
 */
export function handleUserInterrupt(irq: u32): void {
  if (irq > MAX_IRQ) return;
  if (stateOf(irq) == IRQ_SIGNAL) {
    const s = irqSlot(irq);
    if (capTag(s) == CAP_NOTIFICATION_CAP && (capRights(s) & RIGHT_WRITE) != 0) sendSignal(notificationOf(s), capBadge(s));
    else undelivered++;
  } else {
    undelivered++;
  }
  maskInterrupt(true, irq);
}

/** Could an interrupt still wake a blocked thread: some IRQ signals a notification? */
export function irqCanWake(): bool {
  for (let irq: u32 = 0; irq < MAX_IRQ; irq++) {
    if (stateOf(irq) == IRQ_SIGNAL && capTag(irqSlot(irq)) == CAP_NOTIFICATION_CAP) return true;
  }
  return false;
}

// ── IRQControl ───────────────────────────────────────────────────────

let issueIrq: u32 = 0;
let issueDest: usize = 0;
let issueControl: usize = 0;
let issueRoute: u8 = ROUTE_NONE;
let issueIoapic: u32 = 0;
let issuePin: u32 = 0;
let issueLevel = false;
let issueLow = false;

/** The IOAPIC and pin that global system interrupt `gsi` arrives on; false if no IOAPIC has it. */
function gsiToPin(gsi: u32): bool {
  for (let a: u32 = 0; a < ioapicCount(); a++) {
    const base = acpiIoapicGsiBase(a);
    if (gsi >= base && gsi < base + IOAPIC_PINS) {
      issueIoapic = a;
      issuePin = gsi - base;
      return true;
    }
  }
  return false;
}

/** The destination slot of an issue: `index` at `depth` in the CNode of extra capability 0, and it must be empty. */
function decodeDest(index: u32, depth: u32): u32 {
  const dest = lookupSlotForCNodeOp(false, invExtraCap(0), index, depth);
  if (dest == 0) return errorCode;
  if (!isNullCap(dest)) return errorDeleteFirst();
  issueDest = dest;
  return seL4_NoError;
}

/** An invocation of IRQControl (in slot `slot`): Get, GetIOAPIC or GetMSI. */
export function decodeIRQControlInvocation(slot: usize): u32 {
  issueControl = slot;
  const label = invLabel;
  if (label == LABEL_IRQ_ISSUE_IRQ_HANDLER) {
    if (invLength < 3 || invExtraCap(0) == 0) return errorTruncatedMessage();
    const irq = invArg(0);
    // tsos: an ISA line through the IOAPIC (seL4 with an IOAPIC refuses this as an IllegalOperation).
    if (irq > IRQ_ISA_MAX) return errorRange(0, IRQ_ISA_MAX);
    if (stateOf(irq) != IRQ_INACTIVE) return errorRevokeFirst();
    const err = decodeDest(invArg(1), invArg(2));
    if (err != seL4_NoError) return err;
    if (!gsiToPin(acpiIsaGsi(irq))) return errorIllegalOperation();
    issueIrq = irq;
    issueRoute = ROUTE_IOAPIC;
    issueLevel = acpiIsaLevel(irq);
    issueLow = acpiIsaActiveLow(irq);
    return seL4_NoError;
  }
  if (label != LABEL_X86_IRQ_ISSUE_IRQ_HANDLER_IOAPIC && label != LABEL_X86_IRQ_ISSUE_IRQ_HANDLER_MSI) return errorIllegalOperation();
  if (invLength < 7 || invExtraCap(0) == 0) return errorTruncatedMessage();
  const v = invArg(6);
  if (v > IRQ_USER_MAX - IRQ_USER_MIN) return errorRange(0, IRQ_USER_MAX - IRQ_USER_MIN);
  const irq = v + IRQ_USER_MIN;
  if (stateOf(irq) != IRQ_INACTIVE) return errorRevokeFirst();
  const err = decodeDest(invArg(0), invArg(1));
  if (err != seL4_NoError) return err;
  issueIrq = irq;
  if (label == LABEL_X86_IRQ_ISSUE_IRQ_HANDLER_IOAPIC) {
    const ioapic = invArg(2);
    const pin = invArg(3);
    const level = invArg(4);
    const polarity = invArg(5);
    if (ioapic >= ioapicCount()) return errorRange(0, ioapicCount() - 1);
    if (pin >= IOAPIC_PINS) return errorRange(0, IOAPIC_PINS - 1);
    if (level > 1) return errorRange(0, 1);
    if (polarity > 1) return errorRange(0, 1);
    issueRoute = ROUTE_IOAPIC;
    issueIoapic = ioapic;
    issuePin = pin;
    issueLevel = level != 0;
    issueLow = polarity != 0;
    return seL4_NoError;
  }
  // MSI: the device is programmed by the user; the kernel only checks the PCI address (seL4 keeps it, unused).
  if (invArg(2) > PCI_BUS_MAX) return errorRange(0, PCI_BUS_MAX);
  if (invArg(3) > PCI_DEV_MAX) return errorRange(0, PCI_DEV_MAX);
  if (invArg(4) > PCI_FUNC_MAX) return errorRange(0, PCI_FUNC_MAX);
  issueRoute = ROUTE_MSI;
  return seL4_NoError;
}

/** seL4's invokeIRQControl (with the x86 route first): the IRQ signals, and its handler capability is made. */
export function invokeIRQControl(): void {
  const irq = issueIrq;
  store<u8>(routes + irq, issueRoute);
  if (issueRoute == ROUTE_IOAPIC) {
    store<u16>(routePins + (<usize>irq << 1), <u16>((issueIoapic << 8) | issuePin));
    ioapicMapPin(issueIoapic, issuePin, issueLevel, issueLow, irq + IRQ_VECTOR_BASE);
  }
  setIRQState(IRQ_SIGNAL, irq);
  cteInsert(irqHandlerCap(irq), issueControl, issueDest);
}

// ── IRQHandler ───────────────────────────────────────────────────────

let handlerIrq: u32 = 0;
let handlerLabel: u32 = 0;
let handlerNtfn: usize = 0;

/** An invocation of the IRQHandler capability in `slot`: Ack, SetNotification or Clear. */
export function decodeIRQHandlerInvocation(slot: usize): u32 {
  handlerIrq = capIrq(slot);
  handlerLabel = invLabel;
  if (invLabel == LABEL_IRQ_ACK_IRQ || invLabel == LABEL_IRQ_CLEAR_IRQ_HANDLER) return seL4_NoError;
  if (invLabel != LABEL_IRQ_SET_IRQ_HANDLER) return errorIllegalOperation();
  const n = invExtraCap(0);
  if (n == 0) return errorTruncatedMessage();
  if (capTag(n) != CAP_NOTIFICATION_CAP || (capRights(n) & RIGHT_WRITE) == 0) return errorInvalidCapability(1);
  handlerNtfn = n;
  return seL4_NoError;
}

export function invokeIRQHandler(): void {
  const irq = handlerIrq;
  const s = irqSlot(irq);
  if (handlerLabel == LABEL_IRQ_ACK_IRQ) {
    maskInterrupt(false, irq);
  } else if (handlerLabel == LABEL_IRQ_SET_IRQ_HANDLER) {
    if (!isNullCap(s)) cteDelete(s, true);
    cteInsert(capWords(handlerNtfn), handlerNtfn, s);
  } else if (!isNullCap(s)) {
    cteDelete(s, true);
  }
}

/**
 * The last IRQHandler capability of `irq` is going (seL4's
 * deletingIRQHandler and deletedIRQHandler): its notification capability
 * goes, the IRQ becomes inactive and its line is masked, free for a new Get.
 */
export function deletingIRQHandler(irq: u32): void {
  if (irq > MAX_IRQ || irq == IRQ_TIMER) return;
  const s = irqSlot(irq);
  if (!isNullCap(s)) cteDelete(s, true);
  setIRQState(IRQ_INACTIVE, irq);
  store<u8>(routes + irq, ROUTE_NONE);
}

/** Interrupts that found no notification to signal (for the thread dump and tests). */
export function irqUndelivered(): u32 {
  return undelivered;
}
