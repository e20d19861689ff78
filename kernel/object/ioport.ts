// kernel/object/ioport.ts: x86 I/O port capabilities: IOPortControl and IOPort.
//
// Owns: the kernel's record of which ports are issued (seL4's
// x86KSAllocatedIOPorts: one bit per port, 65536 bits in 8 KiB of static
// kernel data), with the ranges the kernel drives itself marked issued at
// boot (ioPortsInit; libs/abi/tsos.def.ts KERNEL_PORTS_*); and the two
// capability types' invocations, each split as everywhere in
// kernel/object/: decodeIOPortControlInvocation (X86IOPortControlIssue:
// every check seL4 makes, in seL4's order, each with its exact error) and
// invokeIOPortControl (mark the range issued, insert the IOPort capability
// as a child of IOPortControl); decodeIOPortInvocation (In8/16/32,
// Out8/16/32: the port and width must lie inside the capability's range)
// and invokeIOPort (the one in/out instruction; an In's value is the
// reply's MR0). ioPortFreeRange is what finalising the last IOPort
// capability to a range does (kernel/cspace/delete.ts).
// Must not: fail in invokeIOPortControl or invokeIOPort; touch a port
// before its decode accepted it; free a range anywhere but at the
// finalisation of its last capability.
//
// Arguments follow libsel4's stubs: Issue MR0 first_port, MR1 last_port,
// MR2 index, MR3 depth of the destination slot, extra capability 0 the
// destination's CNode; In MR0 port; Out MR0 port, MR1 data. Ports are the
// low 16 bits of their word, as seL4 reads them; Out's data is cut to the
// width.
//
// see: seL4 src/arch/x86/object/ioport.c (decodeX86PortControlInvocation,
// decodeX86PortInvocation, ensurePortOperationAllowed, setIOPortMask,
// freeIOPortRange), src/arch/x86/object/objecttype.c (Arch_finaliseCap,
// Arch_postCapDeletion), facts only.

import { isNullCap, ioPortCap, ioPortFirst, ioPortLast } from "../cspace/cte";
import { cteInsert } from "../cspace/cdt";
import { lookupSlotForCNodeOp } from "../cspace/lookup";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidArgument,
  errorRevokeFirst, errorDeleteFirst, errorCode,
} from "../api/invocation";
import { replyValue, replyValues } from "../api/reply";
import { inb, inw, inl, outb, outw, outl } from "../arch/x86/intrinsics";
import {
  LABEL_X86_IO_PORT_CONTROL_ISSUE, LABEL_X86_IO_PORT_IN8, LABEL_X86_IO_PORT_IN16, LABEL_X86_IO_PORT_IN32,
  LABEL_X86_IO_PORT_OUT8, LABEL_X86_IO_PORT_OUT16, LABEL_X86_IO_PORT_OUT32, seL4_NoError,
} from "../../libs/abi/sel4.gen";
import {
  KERNEL_PORTS_PIC1_FIRST, KERNEL_PORTS_PIC1_LAST,
  KERNEL_PORTS_PIC2_FIRST, KERNEL_PORTS_PIC2_LAST, KERNEL_PORTS_DEBUG_EXIT,
} from "../../libs/abi/tsos.gen";

// ── The issued ports ─────────────────────────────────────────────────

/** Ports on x86: a 16-bit port number. */
// @ts-ignore: decorator
@inline export const IO_PORT_COUNT: u32 = 65536;
// @ts-ignore: decorator
@inline const PORT_MASK: u32 = 0xFFFF;

/** Bit p % 32 of word p / 32 is set while port p belongs to an IOPort capability (or to the kernel). */
const issued = memory.data(<i32>(IO_PORT_COUNT >> 3), 4);

/** The bits first..last (0..31, first <= last) of a word. */
// @ts-ignore: decorator
@inline function bitsOf(first: u32, last: u32): u32 {
  return (0xFFFFFFFF >>> (31 - last)) & (0xFFFFFFFF << first);
}

/** Word `w` of the map (w < 2048). */
// @ts-ignore: decorator
@inline function wordAt(w: u32): usize {
  return issued + (<usize>w << 2);
}

/**
 * Is no port of first..last (first <= last <= 0xFFFF) issued? Whole words
 * between the first and the last are tested as words (an Issue of nearly
 * every port reads 2048 of them, in one kernel entry, as seL4 does).
 */
function rangeFree(first: u32, last: u32): bool {
  const w0 = first >>> 5;
  const w1 = last >>> 5;
  if (w0 == w1) return (load<u32>(wordAt(w0)) & bitsOf(first & 31, last & 31)) == 0;
  if ((load<u32>(wordAt(w0)) & bitsOf(first & 31, 31)) != 0) return false;
  for (let w = w0 + 1; w < w1; w++) if (load<u32>(wordAt(w)) != 0) return false;
  return (load<u32>(wordAt(w1)) & bitsOf(0, last & 31)) == 0;
}

// @ts-ignore: decorator
@inline function apply(w: u32, bits: u32, set: bool): void {
  const old = load<u32>(wordAt(w));
  store<u32>(wordAt(w), set ? old | bits : old & ~bits);
}

/** Marks first..last (first <= last <= 0xFFFF) issued, or free. */
function setRange(first: u32, last: u32, set: bool): void {
  const w0 = first >>> 5;
  const w1 = last >>> 5;
  if (w0 == w1) {
    apply(w0, bitsOf(first & 31, last & 31), set);
    return;
  }
  apply(w0, bitsOf(first & 31, 31), set);
  const whole: u32 = set ? 0xFFFFFFFF : 0;
  for (let w = w0 + 1; w < w1; w++) store<u32>(wordAt(w), whole);
  apply(w1, bitsOf(0, last & 31), set);
}

/**
 * At boot: no port is issued but the ones the kernel drives itself for as
 * long as it runs, which no IOPort capability may cover (docs/RATIONALE.md,
 * "I/O ports"): the two 8259 PICs (the kernel keeps them masked) and
 * QEMU's isa-debug-exit port (the kernel's power-off, whose status the
 * host reads as the verdict). The PIT (the kernel measures with channel 2
 * at boot only) and COM1, which the kernel's console shares, may be
 * issued, as in seL4.
 */
export function ioPortsInit(): void {
  memory.fill(issued, 0, <usize>(IO_PORT_COUNT >> 3));
  setRange(KERNEL_PORTS_PIC1_FIRST, KERNEL_PORTS_PIC1_LAST, true);
  setRange(KERNEL_PORTS_PIC2_FIRST, KERNEL_PORTS_PIC2_LAST, true);
  setRange(KERNEL_PORTS_DEBUG_EXIT, KERNEL_PORTS_DEBUG_EXIT, true);
}

/** Is `port` issued (to an IOPort capability or the kernel)? */
export function ioPortIssued(port: u32): bool {
  return (load<u32>(wordAt((port & PORT_MASK) >>> 5)) & (<u32>1 << (port & 31))) != 0;
}

/** The last IOPort capability to first..last is gone: the ports may be issued again (seL4's freeIOPortRange). */
export function ioPortFreeRange(first: u32, last: u32): void {
  setRange(first & PORT_MASK, last & PORT_MASK, false);
}

// ── IOPortControl ────────────────────────────────────────────────────

// What decodeIOPortControlInvocation found, for invokeIOPortControl.
let controlSlot: usize = 0;
let destSlot: usize = 0;
let issueFirst: u32 = 0;
let issueLast: u32 = 0;

/** Decodes an invocation of the IOPortControl capability in `slot`. Returns seL4_NoError or the error. */
export function decodeIOPortControlInvocation(slot: usize): u32 {
  if (invLabel != LABEL_X86_IO_PORT_CONTROL_ISSUE) return errorIllegalOperation();
  const root = invExtraCap(0);
  if (invLength < 4 || root == 0) return errorTruncatedMessage();
  const first = invArg(0) & PORT_MASK;
  const last = invArg(1) & PORT_MASK;
  if (last < first) return errorInvalidArgument(1);
  if (!rangeFree(first, last)) return errorRevokeFirst(); // some port is someone's already
  const dest = lookupSlotForCNodeOp(false, root, invArg(2), invArg(3));
  if (dest == 0) return errorCode;
  if (!isNullCap(dest)) return errorDeleteFirst();
  controlSlot = slot;
  destSlot = dest;
  issueFirst = first;
  issueLast = last;
  return seL4_NoError;
}

/** Issues the range decodeIOPortControlInvocation checked: an IOPort capability, a child of IOPortControl. */
export function invokeIOPortControl(): void {
  setRange(issueFirst, issueLast, true);
  cteInsert(ioPortCap(issueFirst, issueLast), controlSlot, destSlot);
}

// ── IOPort ───────────────────────────────────────────────────────────

let portLabel: u32 = 0;
let portNumber: u32 = 0;
let portData: u32 = 0;

/**
 * May the capability in `slot` reach the `width` ports from `port` on?
 * The end is computed in 32 bits, so a width that runs past port 0xFFFF
 * is outside every range, as in seL4.
 */
function allowed(slot: usize, port: u32, width: u32): bool {
  return port >= ioPortFirst(slot) && port + width - 1 <= ioPortLast(slot);
}

/** Decodes an invocation of the IOPort capability in `slot`. Returns seL4_NoError or the error. */
export function decodeIOPortInvocation(slot: usize): u32 {
  const label = invLabel;
  let width: u32 = 0;
  let dataMask: u32 = 0;
  if (label == LABEL_X86_IO_PORT_IN8 || label == LABEL_X86_IO_PORT_IN16 || label == LABEL_X86_IO_PORT_IN32) {
    if (invLength < 1) return errorTruncatedMessage();
    width = label == LABEL_X86_IO_PORT_IN8 ? 1 : label == LABEL_X86_IO_PORT_IN16 ? 2 : 4;
  } else if (label == LABEL_X86_IO_PORT_OUT8 || label == LABEL_X86_IO_PORT_OUT16 || label == LABEL_X86_IO_PORT_OUT32) {
    if (invLength < 2) return errorTruncatedMessage();
    width = label == LABEL_X86_IO_PORT_OUT8 ? 1 : label == LABEL_X86_IO_PORT_OUT16 ? 2 : 4;
    dataMask = label == LABEL_X86_IO_PORT_OUT8 ? 0xFF : label == LABEL_X86_IO_PORT_OUT16 ? 0xFFFF : 0xFFFFFFFF;
  } else {
    return errorIllegalOperation();
  }
  const port = invArg(0) & PORT_MASK;
  if (!allowed(slot, port, width)) return errorIllegalOperation();
  portLabel = label;
  portNumber = port;
  portData = dataMask != 0 ? invArg(1) & dataMask : 0;
  return seL4_NoError;
}

/** Performs the one port access decodeIOPortInvocation checked; an In replies with the value in MR0. */
export function invokeIOPort(): void {
  const port = portNumber;
  switch (portLabel) {
    case LABEL_X86_IO_PORT_IN8: reply(inb(port) & 0xFF); break;
    case LABEL_X86_IO_PORT_IN16: reply(inw(port) & 0xFFFF); break;
    case LABEL_X86_IO_PORT_IN32: reply(inl(port)); break;
    case LABEL_X86_IO_PORT_OUT8: outb(port, portData); break;
    case LABEL_X86_IO_PORT_OUT16: outw(port, portData); break;
    case LABEL_X86_IO_PORT_OUT32: outl(port, portData); break;
    default: break;
  }
}

// @ts-ignore: decorator
@inline function reply(value: u32): void {
  replyValue(0, value);
  replyValues(1);
}
