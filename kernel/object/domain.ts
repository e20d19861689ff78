// kernel/object/domain.ts: the Domain capability and DomainSet_Set.
//
// Owns: decodeDomainInvocation (seL4's checks, in seL4's order, each with
// its exact error) and invokeDomain. tsos is configured with one scheduling
// domain (CONFIG_NUM_DOMAINS = 1, libs/abi/sel4.def.ts), so the only domain
// a thread can be put in is 0, where every thread already is: a successful
// DomainSet_Set changes nothing.
// Arguments, as libsel4's seL4_DomainSet_Set sends them: MR0 the domain;
// extra capability 0 the thread.
// Must not: fail in invokeDomain.
//
// see: seL4 reference manual, "DomainSet_Set"; seL4 src/object/tcb.c
// (decodeDomainInvocation), facts only.

import { capTag, CAP_THREAD_CAP } from "../cspace/cte";
import { invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidArgument } from "../api/invocation";
import { LABEL_DOMAIN_SET_SET, CONFIG_NUM_DOMAINS, seL4_NoError } from "../../libs/abi/sel4.gen";

/** Decodes an invocation of the Domain capability. Returns seL4_NoError or the error. */
export function decodeDomainInvocation(): u32 {
  if (invLabel != LABEL_DOMAIN_SET_SET) return errorIllegalOperation();
  if (invLength == 0) return errorTruncatedMessage();
  if (invArg(0) >= CONFIG_NUM_DOMAINS) return errorInvalidArgument(0);
  const thread = invExtraCap(0);
  if (thread == 0) return errorTruncatedMessage();
  if (capTag(thread) != CAP_THREAD_CAP) return errorInvalidArgument(1);
  return seL4_NoError;
}

/** Puts the thread in domain 0, where it already is. */
export function invokeDomain(): void {}
