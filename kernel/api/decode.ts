// kernel/api/decode.ts: from an invoked capability to its object's decoder and invoker.
//
// Owns: the switch on the capability's type that seL4 calls
// decodeInvocation, split in two: decodeInvocation (checks only: the
// object's decodeX, which returns seL4_NoError or the error) and
// performInvocation (the object's invokeX for what the decode accepted,
// which cannot fail; it may stop at a preemption point).
// The invocation's label, arguments and extra capabilities are already in
// kernel/api/invocation.ts; the reply goes through kernel/api/reply.ts.
// Must not: check arguments itself: each object's file does.
//
// An endpoint capability sends (kernel/object/endpoint.ts), a
// notification capability signals (notification.ts), a reply capability
// answers its caller (reply.ts); IRQControl and IRQHandler are irq.ts;
// IOPortControl issues IOPort capabilities, which read and write their
// ports (ioport.ts).
//
// see: seL4 src/object/objecttype.c (decodeInvocation), facts only.

import {
  capTag, CAP_NULL_CAP, CAP_ZOMBIE_CAP, CAP_UNTYPED_CAP, CAP_CNODE_CAP, CAP_DOMAIN_CAP, CAP_FRAME_CAP, CAP_PAGE_TABLE_CAP,
  CAP_PAGE_DIRECTORY_CAP, CAP_ASID_CONTROL_CAP, CAP_ASID_POOL_CAP, CAP_THREAD_CAP, CAP_ENDPOINT_CAP,
  CAP_NOTIFICATION_CAP, CAP_REPLY_CAP, CAP_IRQ_CONTROL_CAP, CAP_IRQ_HANDLER_CAP, CAP_IO_PORT_CONTROL_CAP, CAP_IO_PORT_CAP,
} from "../cspace/cte";
import { decodeEndpointInvocation, invokeEndpoint } from "../object/endpoint";
import { decodeNotificationInvocation, invokeNotification } from "../object/notification";
import { decodeReplyInvocation, invokeReply } from "../object/reply";
import { decodeIRQControlInvocation, invokeIRQControl, decodeIRQHandlerInvocation, invokeIRQHandler } from "../object/irq";
import { errorInvalidCapability, errorIllegalOperation } from "./invocation";
import { decodeUntypedInvocation, invokeUntypedRetype } from "../object/untyped";
import { decodeCNodeInvocation, invokeCNode } from "../object/cnode";
import { decodeDomainInvocation, invokeDomain } from "../object/domain";
import { decodeTCBInvocation, invokeTCB } from "../object/tcb-invocation";
import { decodeFrameInvocation, invokeFrame } from "../object/frame";
import { decodePageTableInvocation, invokePageTable } from "../object/page-table";
import { decodePageDirectoryInvocation, invokePageDirectory } from "../object/page-directory";
import { decodeASIDControlInvocation, invokeASIDControl } from "../object/asid-control";
import { decodeASIDPoolInvocation, invokeASIDPool } from "../object/asid-pool";
import { decodeIOPortControlInvocation, invokeIOPortControl, decodeIOPortInvocation, invokeIOPort } from "../object/ioport";
import { DeleteResult } from "../cspace/delete";
import { replyEmpty } from "./reply";

/** The type of the capability being invoked, and its slot, from the last successful decode. */
let invokedTag: u32 = CAP_NULL_CAP;
let invokedSlot: usize = 0;

/**
 * Checks an invocation of the capability in `slot` (the caller's, already
 * looked up). Returns seL4_NoError, or the error with its details set.
 */
export function decodeInvocation(slot: usize): u32 {
  const tag = capTag(slot);
  invokedTag = tag;
  invokedSlot = slot;
  switch (tag) {
    case CAP_NULL_CAP:
    case CAP_ZOMBIE_CAP:
      return errorInvalidCapability(0);
    case CAP_ENDPOINT_CAP: return decodeEndpointInvocation(slot);
    case CAP_NOTIFICATION_CAP: return decodeNotificationInvocation(slot);
    case CAP_REPLY_CAP: return decodeReplyInvocation(slot);
    case CAP_IRQ_CONTROL_CAP: return decodeIRQControlInvocation(slot);
    case CAP_IRQ_HANDLER_CAP: return decodeIRQHandlerInvocation(slot);
    case CAP_UNTYPED_CAP: return decodeUntypedInvocation(slot);
    case CAP_CNODE_CAP: return decodeCNodeInvocation(slot);
    case CAP_DOMAIN_CAP: return decodeDomainInvocation();
    case CAP_THREAD_CAP: return decodeTCBInvocation(slot);
    case CAP_FRAME_CAP: return decodeFrameInvocation(slot);
    case CAP_PAGE_TABLE_CAP: return decodePageTableInvocation(slot);
    case CAP_PAGE_DIRECTORY_CAP: return decodePageDirectoryInvocation(slot);
    case CAP_ASID_CONTROL_CAP: return decodeASIDControlInvocation(slot);
    case CAP_ASID_POOL_CAP: return decodeASIDPoolInvocation(slot);
    case CAP_IO_PORT_CONTROL_CAP: return decodeIOPortControlInvocation(slot);
    case CAP_IO_PORT_CAP: return decodeIOPortInvocation(slot);
    default: return errorIllegalOperation();
  }
}

/**
 * Carries out the invocation decodeInvocation accepted (`isBlocking` and
 * `isCall` say how an endpoint is sent on). The reply starts
 * empty; an invocation that returns words sets them (kernel/api/reply.ts).
 * Returns Preempted when a long operation stopped at a preemption point
 * and the system call must be restarted.
 */
export function performInvocation(isBlocking: bool, isCall: bool): DeleteResult {
  replyEmpty();
  switch (invokedTag) {
    case CAP_ENDPOINT_CAP: invokeEndpoint(isBlocking, isCall); break;
    case CAP_NOTIFICATION_CAP: invokeNotification(); break;
    case CAP_REPLY_CAP: invokeReply(); break;
    case CAP_IRQ_CONTROL_CAP: invokeIRQControl(); break;
    case CAP_IRQ_HANDLER_CAP: invokeIRQHandler(); break;
    case CAP_UNTYPED_CAP: return invokeUntypedRetype(invokedSlot);
    case CAP_CNODE_CAP: return invokeCNode();
    case CAP_THREAD_CAP: return invokeTCB();
    case CAP_DOMAIN_CAP: invokeDomain(); break;
    case CAP_FRAME_CAP: invokeFrame(); break;
    case CAP_PAGE_TABLE_CAP: invokePageTable(); break;
    case CAP_PAGE_DIRECTORY_CAP: invokePageDirectory(); break;
    case CAP_ASID_CONTROL_CAP: invokeASIDControl(); break;
    case CAP_ASID_POOL_CAP: invokeASIDPool(); break;
    default:
      // The I/O port capabilities are tested here rather than as cases: with cases gcc lays out the
      // inlined dispatcher so that Retype, Copy and Delete cost several instructions more (measured).
      if (invokedTag == CAP_IO_PORT_CONTROL_CAP) invokeIOPortControl();
      else if (invokedTag == CAP_IO_PORT_CAP) invokeIOPort();
      break;
  }
  return DeleteResult.Done;
}
