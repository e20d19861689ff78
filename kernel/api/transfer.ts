// kernel/api/transfer.ts: moving one IPC message from a sender to a receiver.
//
// Owns: seL4's doIPCTransfer and what it is made of: the message info
// (label, length, extra capabilities), the message registers (MR0 and MR1
// in EDI and EBP, the rest from IPC buffer to IPC buffer, up to 120
// words), the extra capabilities (looked up in the sender's CSpace; one
// may be received, into the slot the receiver's IPC buffer names, and a
// badged capability to the very endpoint the message came through is
// unwrapped: its badge arrives instead), the badge (EBX), and, when the
// sender is a faulting thread, the fault message instead
// (kernel/api/faults.ts).
// Rules, as seL4's: capabilities move only when the sender's capability
// has Grant; without IPC buffers only MR0 and MR1 move; a receive slot that
// cannot be found, or is not empty, loses the capability and keeps the
// message; a capability that cannot be derived stops the transfer there.
// Must not: change a thread's state, or trust any word of either IPC buffer.
//
// see: seL4 src/kernel/thread.c (doIPCTransfer, doNormalTransfer,
// doFaultTransfer, copyMRs, transferCaps), src/kernel/cspace.c
// (lookupExtraCaps) and src/object/cnode.c (getReceiveSlots), facts only.

import { CTX_ESI, CTX_EBX, CTX_EDI, CTX_EBP, TCB_CTABLE, tcbSlot } from "../object/tcb";
import { lookupIpcBuffer } from "./message";
import { lookupSlot, lookupTargetSlot } from "../cspace/lookup";
import { capTag, capWords, capBadge, isNullCap, CAP_ENDPOINT_CAP, CAP_CNODE_CAP, CAP_NULL_CAP } from "../cspace/cte";
import { deriveCap, derivedCap, DeriveResult, tagOf } from "../cspace/derive";
import { cteInsert, hasChildren } from "../cspace/cdt";
import { endpointOf } from "../object/endpoint";
import { faultType, setMRsFault } from "./faults";
import {
  IPC_BUFFER_MSG, IPC_BUFFER_CAPS_OR_BADGES, IPC_BUFFER_RECEIVE_CNODE, IPC_BUFFER_RECEIVE_INDEX, IPC_BUFFER_RECEIVE_DEPTH,
  MSGINFO_LABEL_SHIFT, MSGINFO_LABEL_MASK, MSGINFO_LENGTH_SHIFT, MSGINFO_LENGTH_MASK, MSGINFO_EXTRA_CAPS_SHIFT,
  MSGINFO_EXTRA_CAPS_MASK, MSGINFO_CAPS_UNWRAPPED_SHIFT, seL4_MsgMaxLength, seL4_MsgMaxExtraCaps,
  seL4_FastMessageRegisters, seL4_Fault_NullFault, seL4_WordBits,
} from "../../libs/abi/sel4.gen";

/** The extra capabilities' slots found by lookupExtraCaps (0 ends the list). */
const extraSlots = memory.data(<i32>seL4_MsgMaxExtraCaps * 4);

// @ts-ignore: decorator
@inline function extraSlot(i: u32): usize {
  return i < seL4_MsgMaxExtraCaps ? <usize>load<u32>(extraSlots + (<usize>i << 2)) : 0;
}

/** A message info word: label, caps unwrapped, extra caps, length. */
// @ts-ignore: decorator
@inline export function messageInfo(label: u32, unwrapped: u32, extra: u32, length: u32): u32 {
  return ((label & MSGINFO_LABEL_MASK) << MSGINFO_LABEL_SHIFT) | (unwrapped << MSGINFO_CAPS_UNWRAPPED_SHIFT) |
    ((extra & MSGINFO_EXTRA_CAPS_MASK) << MSGINFO_EXTRA_CAPS_SHIFT) | ((length & MSGINFO_LENGTH_MASK) << MSGINFO_LENGTH_SHIFT);
}

/** seL4's messageInfoFromWord: the length field is capped at seL4_MsgMaxLength. */
// @ts-ignore: decorator
@inline export function infoLength(info: u32): u32 {
  const n = (info >>> MSGINFO_LENGTH_SHIFT) & MSGINFO_LENGTH_MASK;
  return n > seL4_MsgMaxLength ? seL4_MsgMaxLength : n;
}

/**
 * seL4's doIPCTransfer: the message from `sender` to `receiver`, which
 * came through endpoint `ep` (0 for a reply) with `badge`; capabilities
 * move only if `grant`.
 */
export function doIPCTransfer(sender: usize, ep: usize, badge: u32, grant: bool, receiver: usize): void {
  const receiveBuffer = lookupIpcBuffer(receiver, true);
  if (faultType(sender) == seL4_Fault_NullFault) {
    doNormalTransfer(sender, lookupIpcBuffer(sender, false), ep, badge, grant, receiver, receiveBuffer);
  } else {
    const sent = setMRsFault(sender, receiver, receiveBuffer);
    store<u32>(receiver, messageInfo(faultType(sender), 0, 0, sent), CTX_ESI);
    store<u32>(receiver, badge, CTX_EBX);
  }
}

function doNormalTransfer(sender: usize, sendBuffer: usize, ep: usize, badge: u32, grant: bool,
                          receiver: usize, receiveBuffer: usize): void {
  const tag = load<u32>(sender, CTX_ESI);
  store<u32>(extraSlots, 0);
  if (grant) lookupExtraCaps(sender, sendBuffer, (tag >>> MSGINFO_EXTRA_CAPS_SHIFT) & MSGINFO_EXTRA_CAPS_MASK);
  const transferred = copyMRs(sender, sendBuffer, receiver, receiveBuffer, infoLength(tag));
  const info = transferCaps(ep, receiver, receiveBuffer);
  store<u32>(receiver, messageInfo((tag >>> MSGINFO_LABEL_SHIFT) & MSGINFO_LABEL_MASK, info >>> 8, info & 0xFF, transferred), CTX_ESI);
  store<u32>(receiver, badge, CTX_EBX);
}

/**
 * seL4's lookupExtraCaps: the sender's extra capability addresses (from
 * its IPC buffer) as slots. A lookup that fails leaves no capabilities at
 * all (seL4 then sends the message without them). Without a buffer there
 * are none.
 */
function lookupExtraCaps(sender: usize, buffer: usize, count: u32): void {
  store<u32>(extraSlots, 0);
  if (buffer == 0) return;
  const root = tcbSlot(sender, TCB_CTABLE);
  for (let i: u32 = 0; i < count; i++) {
    const slot = lookupSlot(root, load<u32>(buffer + IPC_BUFFER_CAPS_OR_BADGES + (<usize>i << 2)));
    if (slot == 0) {
      store<u32>(extraSlots, 0);
      return;
    }
    store<u32>(extraSlots + (<usize>i << 2), <u32>slot);
  }
  if (count < seL4_MsgMaxExtraCaps) store<u32>(extraSlots + (<usize>count << 2), 0);
}

/**
 * seL4's copyMRs: the first `n` message registers. MR0 and MR1 go register
 * to register; the rest only if the receiver has a buffer, and from the
 * sender's buffer if it has one. Returns how many arrived.
 */
export function copyMRs(sender: usize, sendBuffer: usize, receiver: usize, receiveBuffer: usize, n: u32): u32 {
  if (n > 0) store<u32>(receiver, load<u32>(sender, CTX_EDI), CTX_EDI);
  if (n > 1) store<u32>(receiver, load<u32>(sender, CTX_EBP), CTX_EBP);
  let i = n < seL4_FastMessageRegisters ? n : seL4_FastMessageRegisters;
  if (receiveBuffer == 0) return i;
  if (sendBuffer != 0) {
    for (; i < n; i++) {
      const off = IPC_BUFFER_MSG + (<usize>i << 2);
      store<u32>(receiveBuffer + off, load<u32>(sendBuffer + off));
    }
  }
  return i;
}

/**
 * seL4's getReceiveSlots: the empty slot the receiver's IPC buffer names
 * (receiveCNode, looked up with all its bits, must be a CNode; index and
 * depth find the slot in it), or 0.
 */
function getReceiveSlot(receiver: usize, buffer: usize): usize {
  const root = lookupSlot(tcbSlot(receiver, TCB_CTABLE), load<u32>(buffer + IPC_BUFFER_RECEIVE_CNODE));
  if (root == 0 || capTag(root) != CAP_CNODE_CAP) return 0;
  const depth = load<u32>(buffer + IPC_BUFFER_RECEIVE_DEPTH);
  if (depth < 1 || depth > seL4_WordBits) return 0;
  const slot = lookupTargetSlot(root, load<u32>(buffer + IPC_BUFFER_RECEIVE_INDEX), depth);
  if (slot == 0 || !isNullCap(slot)) return 0;
  return slot;
}

/**
 * seL4's transferCaps: the extra capabilities found, in order, until one
 * cannot go. Returns (unwrapped << 8) | the number that went (seL4's
 * extraCaps field of the received message info). Badges of unwrapped
 * capabilities land in the receiver's caps_or_badges.
 */
function transferCaps(ep: usize, receiver: usize, receiveBuffer: usize): u32 {
  if (extraSlot(0) == 0 || receiveBuffer == 0) return 0;
  let dest = getReceiveSlot(receiver, receiveBuffer);
  let unwrapped: u32 = 0;
  let i: u32 = 0;
  for (; i < seL4_MsgMaxExtraCaps; i++) {
    const s = extraSlot(i);
    if (s == 0) break;
    if (ep != 0 && capTag(s) == CAP_ENDPOINT_CAP && endpointOf(s) == ep) {
      store<u32>(receiveBuffer + IPC_BUFFER_CAPS_OR_BADGES + (<usize>i << 2), capBadge(s));
      unwrapped |= <u32>1 << i;
      continue;
    }
    if (dest == 0) break;
    if (deriveCap(capWords(s), hasChildren(s)) != DeriveResult.Ok) break;
    if (tagOf(derivedCap) == CAP_NULL_CAP) break;
    cteInsert(derivedCap, s, dest);
    dest = 0;
  }
  return (unwrapped << 8) | i;
}
