// userland/sel4test/ipc.ts: in-OS tests of IPC: the system calls, message lengths, badges, rights, replies.
//
// Owns: the tests that re-express sel4test's syscall.c (SYSCALL0001-0005,
// 0010-0017), ipc.c (IPC0001-0004, IPC0010), ipc_rights.c
// (IPCRIGHTS0001-0005), nbwait.c (NBWAIT0001), scheduler.c's SCHED0006,
// and tsos's own checks of capability transfer, and the helper threads
// they start in the test's address space (env.ts spawn; threadMain in
// main.ts dispatches to helperMain here). Helpers record what they see in
// this module's globals; the test's main thread makes every check, after
// a helper has signalled `done`.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_InvalidCapability, seL4_IllegalOperation, OBJ_ENDPOINT, OBJ_NOTIFICATION, CAP_ENDPOINT_CAP,
  CAP_NULL_CAP, CAP_NOTIFICATION_CAP, CAP_REPLY_CAP, seL4_MsgMaxLength, seL4_Fault_CapFault, seL4_CapFault_Addr,
  seL4_CapFault_InRecvPhase, seL4_CapFault_LookupFailureType, seL4_MissingCapability,
} from "../../libs/abi/sel4.gen";
import {
  seL4_Send, seL4_NBSend, seL4_Call, seL4_Recv, seL4_NBRecv, seL4_Reply, seL4_ReplyRecv, seL4_Signal, seL4_Wait,
  seL4_Poll, seL4_Yield, seL4_SetMR, seL4_GetMR, seL4_MessageInfo_new, seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length, seL4_MessageInfo_get_extraCaps, seL4_MessageInfo_get_capsUnwrapped, seL4_SetCap,
  seL4_GetBadge, seL4_SetCapReceivePath, seL4_SendWithMRs, seL4_NBSendWithMRs, seL4_CallWithMRs, seL4_ReplyWithMRs,
  seL4_RecvWithMRs, seL4_DebugCapIdentify,
} from "../../libs/user/ipc";
import {
  seL4_TCB_SetPriority, seL4_TCB_Suspend, seL4_TCB_Resume, seL4_CNode_SaveCaller, seL4_TCB_BindNotification,
  seL4_CNode_CancelBadgedSends, seL4_CNode_Revoke,
} from "../../libs/user/invocations.gen";
import { MY_CNODE, MY_TCB, DEPTH, freeSlot, check, checkEq, myPriority } from "../../libs/user/testing";
import { make, mint, copy, del, spawn, R_ALL, R_READ, R_WRITE, R_GRANT, R_GRANT_REPLY } from "./env";

/**
 * Labels of the test's own messages start here, far from the invocation
 * labels (1..49): a message between two threads carries whatever label
 * its protocol gives it.
 */
// @ts-ignore: decorator
@inline const MSG: u32 = 0x4C00;

// ── Shared with the helpers ──────────────────────────────────────────

/** The endpoint, the notification a helper signals when done, a second endpoint. */
let ep: u32 = 0;
let done: u32 = 0;
let ep2: u32 = 0;
/** What a helper received: info, badge, MRs, how many messages. */
let gotInfo: u32 = 0;
let gotBadge: u32 = 0;
let gotCount: u32 = 0;
const gotMrs = memory.data(<i32>seL4_MsgMaxLength * 4, 4);
/** The order things happened in (note()). */
const order = memory.data(64, 4);
let orderLength: u32 = 0;
/** A length and a label for helpers that send. */
let sendLength: u32 = 0;
let sendLabel: u32 = 0;

function note(v: u32): void {
  if (orderLength < 16) store<u32>(order + (<usize>orderLength << 2), v);
  orderLength++;
}

// @ts-ignore: decorator
@inline function ordered(i: u32): u32 {
  return load<u32>(order + (<usize>i << 2));
}

/** A word of a recognisable message: label `l`, word `i`. */
// @ts-ignore: decorator
@inline function pattern(l: u32, i: u32): u32 {
  return (l << 16) ^ (i * 0x9E37) ^ 0x5A000000;
}

function fillMessage(label: u32, n: u32): void {
  for (let i: u32 = 0; i < n; i++) seL4_SetMR(<i32>i, pattern(label, i));
}

/** Keeps the message just received (info, badge, MRs from the IPC buffer). */
function record(info: u32, badge: u32): void {
  gotInfo = info;
  gotBadge = badge;
  const n = seL4_MessageInfo_get_length(info);
  for (let i: u32 = 0; i < n; i++) store<u32>(gotMrs + (<usize>i << 2), seL4_GetMR(<i32>i));
  gotCount++;
}

/** The last recorded message had label `label`, `n` words of pattern(label, i) and `badge`. */
function checkMessage(label: u32, n: u32, badge: u32, what: string): void {
  checkEq(seL4_MessageInfo_get_label(gotInfo), label, what);
  checkEq(seL4_MessageInfo_get_length(gotInfo), n, what);
  checkEq(gotBadge, badge, what);
  let bad: u32 = 0;
  for (let i: u32 = 0; i < n; i++) if (load<u32>(gotMrs + (<usize>i << 2)) != pattern(label, i)) bad++;
  checkEq(bad, 0, what);
}

const badgeCell = memory.data(4, 4);
// @ts-ignore: decorator
@inline function badge(): u32 { return load<u32>(badgeCell); }

// ── Helpers (threadMain's kinds) ─────────────────────────────────────

// @ts-ignore: decorator
@inline export const H_RECV_ONCE: i32 = 100;       // Recv on ep once, record, signal done
// @ts-ignore: decorator
@inline export const H_ECHO: i32 = 101;            // serve Calls on ep forever: reply label + 1, each word + 1
// @ts-ignore: decorator
@inline export const H_SEND: i32 = 102;            // Send sendLength words of label sendLabel on ep (arg: the cap), then signal done
// @ts-ignore: decorator
@inline export const H_CALL: i32 = 103;            // Call ep (arg: the cap) with sendLength words, record the reply, signal done
// @ts-ignore: decorator
@inline export const H_SIGNAL: i32 = 104;          // Signal the notification in arg, note arg
// @ts-ignore: decorator
@inline export const H_RECV_LOOP: i32 = 105;       // Recv on arg forever, record each, signal done each time
// @ts-ignore: decorator
@inline export const H_SEND_NOTE: i32 = 106;       // Send on ep with the cap in arg, note arg after it returns
// @ts-ignore: decorator
@inline export const H_NBRECV_THEN_RECV: i32 = 107; // NBRecv on ep (record the badge), then Recv (record), signal done

// @ts-ignore: decorator
@inline export const H_CALL_RECV_CAP: i32 = 108;   // Call ep (arg) with receive slot replyDest, record the reply, signal done
// @ts-ignore: decorator
@inline export const H_RECV_NOTE: i32 = 109;       // Recv on arg, note 2, signal done
// @ts-ignore: decorator
@inline export const H_RECV_CAP: i32 = 110;        // Recv on ep into receive slot replyDest, record, keep caps_or_badges[0], signal done
// @ts-ignore: decorator
@inline export const H_FAULT_RECORD: i32 = 111;    // Recv one fault message on arg, record it, signal done

// @ts-ignore: decorator
@inline export const H_RECV_NOTE_BADGE: i32 = 112; // Recv on arg, note (its index << 8) + badge
// @ts-ignore: decorator
@inline export const H_WAIT_LOOP: i32 = 113;       // Wait on arg forever, record each badge, signal done each time
// @ts-ignore: decorator
@inline export const H_GO_RECV_TWICE: i32 = 114;   // Wait on go, then Recv on ep twice noting each badge, signal done
// @ts-ignore: decorator
@inline export const H_FAULT_COUNT: i32 = 115;     // a fault handler on arg: count faults, keep the last address, never reply

let receivers: u32 = 0;

/** Where a helper asks for a capability to go; the badge an unwrapped capability brought. */
let replyDest: u32 = 0;
let unwrappedBadge: u32 = 0;

export function helperMain(kind: i32, arg: u32): void {
  switch (kind) {
    case H_RECV_ONCE: {
      const info = seL4_Recv(ep, badgeCell);
      record(info, badge());
      seL4_Signal(done);
      break;
    }
    case H_ECHO: {
      let info = seL4_Recv(ep, badgeCell);
      while (true) {
        record(info, badge());
        const n = seL4_MessageInfo_get_length(info);
        for (let i: u32 = 0; i < n; i++) seL4_SetMR(<i32>i, seL4_GetMR(<i32>i) + 1);
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(seL4_MessageInfo_get_label(info) + 1, 0, 0, n), badgeCell);
      }
    }
    case H_SEND:
      fillMessage(sendLabel, sendLength);
      seL4_Send(arg, seL4_MessageInfo_new(sendLabel, 0, 0, sendLength));
      seL4_Signal(done);
      break;
    case H_CALL: {
      fillMessage(sendLabel, sendLength);
      const info = seL4_Call(arg, seL4_MessageInfo_new(sendLabel, 0, 0, sendLength));
      record(info, 0);
      seL4_Signal(done);
      break;
    }
    case H_SIGNAL:
      seL4_Signal(arg);
      note(arg);
      break;
    case H_RECV_LOOP:
      while (true) {
        const info = seL4_Recv(arg, badgeCell);
        record(info, badge());
        seL4_Signal(done);
      }
    case H_SEND_NOTE:
      seL4_Send(arg, seL4_MessageInfo_new(0, 0, 0, 0));
      note(arg);
      break;
    case H_CALL_RECV_CAP: {
      seL4_SetCapReceivePath(MY_CNODE, replyDest, DEPTH);
      const info = seL4_Call(arg, seL4_MessageInfo_new(0, 0, 0, 0));
      record(info, 0);
      seL4_Signal(done);
      break;
    }
    case H_RECV_NOTE:
      seL4_Recv(arg, badgeCell);
      note(2);
      seL4_Signal(done);
      break;
    case H_RECV_CAP: {
      seL4_SetCapReceivePath(MY_CNODE, replyDest, DEPTH);
      const info = seL4_Recv(ep, badgeCell);
      record(info, badge());
      unwrappedBadge = seL4_GetBadge(0);
      seL4_Signal(done);
      break;
    }
    case H_FAULT_RECORD: {
      // A fault handler: take one fault message, keep its words, signal done; no reply (the thread stays stopped).
      const info = seL4_Recv(arg, badgeCell);
      record(info, badge());
      seL4_Signal(done);
      break;
    }
    case H_RECV_NOTE_BADGE: {
      const me = ++receivers;
      seL4_Recv(arg, badgeCell);
      note((me << 8) + badge());
      break;
    }
    case H_WAIT_LOOP:
      while (true) {
        seL4_Wait(arg, badgeCell);
        record(0, badge());
        seL4_Signal(done);
      }
    case H_GO_RECV_TWICE:
      seL4_Wait(go, 0);
      seL4_Recv(ep, badgeCell);
      note(badge());
      seL4_Recv(ep, badgeCell);
      note(badge());
      seL4_Signal(done);
      break;
    case H_FAULT_COUNT:
      while (true) {
        seL4_Recv(arg, 0);
        faultsSeen++;
        lastFaultAddr = seL4_GetMR(<i32>seL4_CapFault_Addr);
      }
    case H_NBRECV_THEN_RECV: {
      store<u32>(badgeCell, 0xFFFFFFFF);
      seL4_NBRecv(ep, badgeCell);
      note(badge());
      const info = seL4_Recv(ep, badgeCell);
      record(info, badge());
      seL4_Signal(done);
      break;
    }
    default:
      break;
  }
}

/** The objects most tests use: an endpoint and a `done` notification. */
function setUp(): void {
  ep = make(OBJ_ENDPOINT, 0);
  done = make(OBJ_NOTIFICATION, 0);
  gotCount = 0;
  orderLength = 0;
}

/**
 * Starts a helper above us (we lower ourselves first): it runs at once, up
 * to the point where it blocks, before we go on. Tests that need a helper
 * already waiting (an NBSend, an NBRecv) use this; a helper at our own
 * priority could be preempted by the timer before it got there.
 */
function spawnAbove(kind: i32, arg: u32): u32 {
  lowerSelf();
  return spawn(kind, arg, myPriority());
}

/** Waits for a helper's `done`. */
function waitDone(): void {
  seL4_Wait(done, 0);
}

// ── The system calls ─────────────────────────────────────────────────

/** SYSCALL0001: seL4_Send delivers label, words and the sender's badge to a waiting receiver. */
export function syscallSend(): void {
  setUp();
  spawn(H_RECV_ONCE, 0, myPriority());
  const b = freeSlot();
  checkEq(mint(b, ep, R_ALL, 0x123), seL4_NoError, "a badged endpoint capability");
  fillMessage(MSG + 5, 4);
  seL4_Send(b, seL4_MessageInfo_new(MSG + 5, 0, 0, 4));
  waitDone();
  checkMessage(MSG + 5, 4, 0x123, "the message and its badge arrived");
}

/** SYSCALL0002: seL4_NBSend is dropped when nobody waits, and delivered when someone does. */
export function syscallNBSend(): void {
  setUp();
  fillMessage(MSG + 1, 2);
  seL4_NBSend(ep, seL4_MessageInfo_new(MSG + 1, 0, 0, 2)); // nobody waits: dropped, no block
  spawnAbove(H_RECV_ONCE, 0); // it waits in Recv
  fillMessage(MSG + 2, 3);
  seL4_NBSend(ep, seL4_MessageInfo_new(MSG + 2, 0, 0, 3));
  waitDone();
  checkEq(gotCount, 1, "one message arrived");
  checkMessage(MSG + 2, 3, 0, "the second one");
}

/** SYSCALL0003: seL4_Reply with nobody to reply to does nothing; to a caller it delivers the reply. */
export function syscallReply(): void {
  setUp();
  seL4_Reply(seL4_MessageInfo_new(MSG + 9, 0, 0, 0));
  check(true, "a Reply without a caller returns");
  sendLabel = MSG + 3;
  sendLength = 2;
  spawn(H_CALL, ep, myPriority());
  const info = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 3, "the call arrived");
  fillMessage(MSG + 4, 3);
  seL4_Reply(seL4_MessageInfo_new(MSG + 4, 0, 0, 3));
  waitDone();
  checkMessage(MSG + 4, 3, 0, "the caller got the reply");
}

/** SYSCALL0004: seL4_Signal ORs badges into a notification; seL4_Poll takes them. */
export function syscallSignal(): void {
  const n = make(OBJ_NOTIFICATION, 0);
  const a = freeSlot();
  const b = freeSlot();
  checkEq(mint(a, n, R_ALL, 0x1), seL4_NoError, "badge 1");
  checkEq(mint(b, n, R_ALL, 0x4), seL4_NoError, "badge 4");
  seL4_Signal(a);
  seL4_Signal(b);
  seL4_Poll(n, badgeCell);
  checkEq(badge(), 0x5, "both badges, ORed");
  store<u32>(badgeCell, 0xFFFF);
  seL4_Poll(n, badgeCell);
  checkEq(badge(), 0, "then nothing is pending");
  seL4_Signal(n);
  seL4_Poll(n, badgeCell);
  checkEq(badge(), 0, "an unbadged signal: pending with word 0");
}

/** SYSCALL0005: seL4_Call gets the server's reply. */
export function syscallCall(): void {
  setUp();
  spawn(H_ECHO, 0, myPriority());
  seL4_SetMR(0, 10);
  seL4_SetMR(1, 20);
  seL4_SetMR(2, 30);
  const info = seL4_Call(ep, seL4_MessageInfo_new(MSG + 7, 0, 0, 3));
  checkEq(seL4_MessageInfo_get_label(info), MSG + 8, "the reply's label");
  checkEq(seL4_MessageInfo_get_length(info), 3, "its length");
  checkEq(seL4_GetMR(0), 11, "MR0");
  checkEq(seL4_GetMR(1), 21, "MR1");
  checkEq(seL4_GetMR(2), 31, "MR2 (in the IPC buffer)");
}

/** SYSCALL0010: seL4_Recv takes a blocked sender's message, with its badge. */
export function syscallRecv(): void {
  setUp();
  const b = freeSlot();
  checkEq(mint(b, ep, R_ALL, 0x77), seL4_NoError, "a badged capability for the sender");
  sendLabel = MSG + 6;
  sendLength = 5;
  spawn(H_SEND, b, myPriority());
  seL4_Yield(); // the sender blocks in Send
  const info = seL4_Recv(ep, badgeCell);
  record(info, badge());
  checkMessage(MSG + 6, 5, 0x77, "the blocked sender's message");
}

/** SYSCALL0011: seL4_ReplyRecv answers one caller and takes the next. */
export function syscallReplyRecv(): void {
  setUp();
  sendLabel = MSG + 1;
  sendLength = 1;
  spawn(H_CALL, ep, myPriority());
  spawn(H_CALL, ep, myPriority());
  let info = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 1, "the first call");
  seL4_SetMR(0, 100);
  info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(MSG + 2, 0, 0, 1), badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 1, "the second call, after the first reply");
  seL4_SetMR(0, 200);
  seL4_Reply(seL4_MessageInfo_new(MSG + 2, 0, 0, 1));
  waitDone();
  waitDone();
  checkEq(gotCount, 2, "both callers got a reply");
  checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 2, "with the reply's label");
}

/** SYSCALL0012: seL4_NBRecv returns at once with badge 0 when nobody sends, and takes a waiting sender's message. */
export function syscallNBRecv(): void {
  setUp();
  store<u32>(badgeCell, 0xFFFFFFFF);
  seL4_NBRecv(ep, badgeCell);
  checkEq(badge(), 0, "nothing to receive: badge 0");
  const b = freeSlot();
  checkEq(mint(b, ep, R_ALL, 0x31), seL4_NoError, "a badged capability");
  sendLabel = MSG + 2;
  sendLength = 2;
  spawnAbove(H_SEND, b); // it waits in Send
  const info = seL4_NBRecv(ep, badgeCell);
  record(info, badge());
  checkMessage(MSG + 2, 2, 0x31, "a waiting sender's message");
}

/** SYSCALL0013: seL4_Wait blocks until a signal arrives. */
export function syscallWait(): void {
  const n = make(OBJ_NOTIFICATION, 0);
  const b = freeSlot();
  checkEq(mint(b, n, R_ALL, 0x40), seL4_NoError, "a badged notification capability");
  orderLength = 0;
  spawn(H_SIGNAL, b, myPriority());
  seL4_Wait(n, badgeCell);
  checkEq(badge(), 0x40, "woken by the signal, with its badge");
}

const mr0 = memory.data(4, 4);
const mr1 = memory.data(4, 4);

/** SYSCALL0014: seL4_SendWithMRs sends MR0/MR1 from variables. */
export function syscallSendWithMRs(): void {
  setUp();
  spawnAbove(H_RECV_ONCE, 0);
  store<u32>(mr0, pattern(MSG + 3, 0));
  store<u32>(mr1, pattern(MSG + 3, 1));
  seL4_SetMR(0, 0);
  seL4_SetMR(1, 0);
  seL4_SendWithMRs(ep, seL4_MessageInfo_new(MSG + 3, 0, 0, 2), mr0, mr1);
  waitDone();
  checkMessage(MSG + 3, 2, 0, "MR0 and MR1 from the variables");
}

/** SYSCALL0015: seL4_NBSendWithMRs likewise, to a waiting receiver. */
export function syscallNBSendWithMRs(): void {
  setUp();
  spawnAbove(H_RECV_ONCE, 0);
  store<u32>(mr0, pattern(MSG + 4, 0));
  seL4_NBSendWithMRs(ep, seL4_MessageInfo_new(MSG + 4, 0, 0, 1), mr0, 0);
  waitDone();
  checkMessage(MSG + 4, 1, 0, "MR0 from the variable");
}

/** SYSCALL0016: seL4_ReplyWithMRs replies with MR0/MR1 from variables. */
export function syscallReplyWithMRs(): void {
  setUp();
  sendLabel = MSG + 1;
  sendLength = 0;
  spawn(H_CALL, ep, myPriority());
  seL4_RecvWithMRs(ep, badgeCell, mr0, mr1);
  store<u32>(mr0, pattern(MSG + 5, 0));
  store<u32>(mr1, pattern(MSG + 5, 1));
  seL4_ReplyWithMRs(seL4_MessageInfo_new(MSG + 5, 0, 0, 2), mr0, mr1);
  waitDone();
  checkMessage(MSG + 5, 2, 0, "the reply's MR0 and MR1");
}

/** SYSCALL0017: seL4_CallWithMRs sends and receives MR0/MR1 through variables. */
export function syscallCallWithMRs(): void {
  setUp();
  spawn(H_ECHO, 0, myPriority());
  store<u32>(mr0, 1000);
  store<u32>(mr1, 2000);
  const info = seL4_CallWithMRs(ep, seL4_MessageInfo_new(MSG + 1, 0, 0, 2), mr0, mr1);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 2, "the reply");
  checkEq(load<u32>(mr0), 1001, "MR0 back in its variable");
  checkEq(load<u32>(mr1), 2001, "MR1");
}

// ── IPC between threads at different priorities ──────────────────────

/** Runs `body` once per helper priority: below ours, equal, and (after we lower ourselves) above. */
// @ts-ignore: decorator
@inline function helperPriority(round: u32): u32 {
  const p = myPriority();
  return round == 0 ? p - 2 : round == 1 ? p - 1 : p;
}

/** Lowers the test's own priority to one below the helpers' top, so helpers may be above, equal or below. */
function lowerSelf(): void {
  checkEq(seL4_TCB_SetPriority(MY_TCB, MY_TCB, myPriority() - 1), seL4_NoError, "lower our own priority");
}

/** IPC0001: Send and Recv, every length from 0 to 120, with the receiver below, level with and above the sender. */
export function ipcSendRecv(): void {
  lowerSelf();
  for (let round: u32 = 0; round < 3; round++) {
    setUp();
    spawn(H_RECV_LOOP, ep, helperPriority(round));
    for (let n: u32 = 0; n <= seL4_MsgMaxLength; n++) {
      fillMessage(n + 1, n);
      seL4_Send(ep, seL4_MessageInfo_new(n + 1, 0, 0, n));
      waitDone();
      checkMessage(n + 1, n, 0, "a message of every length");
    }
    checkEq(gotCount, seL4_MsgMaxLength + 1, "every message arrived, in order");
  }
}

/** IPC0002: Call and ReplyRecv at every length, the server below, level with and above the client. */
export function ipcCallReplyRecv(): void {
  lowerSelf();
  for (let round: u32 = 0; round < 3; round++) {
    setUp();
    spawn(H_ECHO, 0, helperPriority(round));
    let bad: u32 = 0;
    for (let n: u32 = 0; n <= seL4_MsgMaxLength; n++) {
      fillMessage(n, n);
      const info = seL4_Call(ep, seL4_MessageInfo_new(n, 0, 0, n));
      if (seL4_MessageInfo_get_label(info) != n + 1 || seL4_MessageInfo_get_length(info) != n) bad++;
      for (let i: u32 = 0; i < n; i++) if (seL4_GetMR(<i32>i) != pattern(n, i) + 1) bad++;
    }
    checkEq(bad, 0, "every reply, of every length, is the echo of its call");
    checkEq(gotCount, seL4_MsgMaxLength + 1, "the server saw every call");
  }
}

/** IPC0003: Send, then a Reply that has no caller to go to, then Recv: the Reply changes nothing. */
export function ipcSendReplyRecv(): void {
  setUp();
  sendLabel = MSG + 8;
  sendLength = 2;
  spawn(H_SEND, ep, myPriority());
  let info = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 8, "the send arrived");
  seL4_Reply(seL4_MessageInfo_new(MSG + 1, 0, 0, 0)); // a Send left no reply capability
  waitDone();
  check(true, "the sender went on without a reply");
  spawn(H_SEND, ep, myPriority());
  info = seL4_Recv(ep, badgeCell);
  record(info, badge());
  checkMessage(MSG + 8, 2, 0, "the next message is intact");
}

/** IPC0004: NBSend to a waiting receiver is delivered; to nobody it is lost. */
export function ipcNBSendRecv(): void {
  setUp();
  spawnAbove(H_RECV_LOOP, ep); // back in Recv before we run again, every time
  for (let n: u32 = 0; n <= seL4_MsgMaxLength; n += 8) {
    fillMessage(n + 2, n);
    seL4_NBSend(ep, seL4_MessageInfo_new(n + 2, 0, 0, n));
    waitDone();
    checkMessage(n + 2, n, 0, "delivered to the waiting receiver");
  }
  ep2 = make(OBJ_ENDPOINT, 0);
  seL4_NBSend(ep2, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  check(true, "an NBSend to an endpoint nobody waits on returns at once");
}

/** IPC0010: a thread suspended in the middle of a Call: the server's reply goes nowhere; resumed, it calls again. */
export function ipcSuspendMidCall(): void {
  setUp();
  sendLabel = MSG + 3;
  sendLength = 1;
  const t = spawn(H_CALL, ep, myPriority());
  const info = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 3, "the call arrived");
  const saved = freeSlot();
  checkEq(seL4_CNode_SaveCaller(MY_CNODE, saved, DEPTH), seL4_NoError, "keep the reply capability");
  checkEq(seL4_DebugCapIdentify(saved), CAP_REPLY_CAP, "a reply capability");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "suspend the caller while it waits for the reply");
  checkEq(seL4_DebugCapIdentify(saved), CAP_NULL_CAP, "its reply capability is gone");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "resume it");
  const again = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(again), MSG + 3, "it runs its Call again");
  seL4_Reply(seL4_MessageInfo_new(MSG + 9, 0, 0, 0));
  waitDone();
  checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 9, "and gets this reply");
}

// ── Rights ───────────────────────────────────────────────────────────

/** IPCRIGHTS0001: Send needs Write: without it the send is an error for a Call and dropped otherwise. */
export function ipcRightsSend(): void {
  setUp();
  const ro = freeSlot();
  checkEq(copy(ro, ep, R_READ | R_GRANT | R_GRANT_REPLY), seL4_NoError, "a capability without Write");
  spawn(H_RECV_ONCE, 0, myPriority());
  seL4_Yield();
  seL4_Send(ro, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  seL4_NBSend(ro, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  const info = seL4_Call(ro, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  checkEq(seL4_MessageInfo_get_label(info), seL4_InvalidCapability, "a Call without Write is an invalid capability");
  checkEq(gotCount, 0, "nothing arrived");
  seL4_Send(ep, seL4_MessageInfo_new(MSG + 2, 0, 0, 0));
  waitDone();
  checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 2, "the receiver only got the send with Write");
}

/**
 * IPCRIGHTS0002: Recv needs Read: without it the receive is a capability
 * fault (in the receive phase), which goes to the thread's fault handler.
 */
export function ipcRightsRecv(): void {
  setUp();
  const wo = freeSlot();
  checkEq(copy(wo, ep, R_WRITE), seL4_NoError, "a capability without Read");
  const faultEp = make(OBJ_ENDPOINT, 0);
  spawn(H_FAULT_RECORD, faultEp, myPriority());
  spawn(H_RECV_LOOP, wo, myPriority(), faultEp);
  waitDone();
  checkEq(seL4_MessageInfo_get_label(gotInfo), seL4_Fault_CapFault, "a capability fault");
  checkEq(load<u32>(gotMrs + (<usize>seL4_CapFault_Addr << 2)), wo, "for the capability without Read");
  checkEq(load<u32>(gotMrs + (<usize>seL4_CapFault_InRecvPhase << 2)), 1, "in the receive phase");
  checkEq(load<u32>(gotMrs + (<usize>seL4_CapFault_LookupFailureType << 2)), seL4_MissingCapability, "reported as a missing capability");
  seL4_NBSend(ep, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  checkEq(gotCount, 1, "the helper never received a message");
}

const got = memory.data(16, 4);

/** IPCRIGHTS0003: capabilities travel only with Grant; without it the message arrives without them. */
export function ipcRightsGrant(): void {
  for (let round: u32 = 0; round < 2; round++) {
    setUp();
    const sendCap = freeSlot();
    checkEq(copy(sendCap, ep, round == 0 ? (R_READ | R_WRITE | R_GRANT_REPLY) : R_ALL), seL4_NoError, "the sender's capability");
    const dest = freeSlot();
    replyDest = dest;
    spawn(H_RECV_CAP, 0, myPriority());
    seL4_Yield(); // it waits, with its receive slot set
    const n = make(OBJ_NOTIFICATION, 0);
    seL4_SetCap(0, n);
    seL4_Send(sendCap, seL4_MessageInfo_new(MSG + 1, 0, 1, 0));
    waitDone();
    checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 1, "the message arrives either way");
    if (round == 0) {
      checkEq(seL4_MessageInfo_get_extraCaps(gotInfo), 0, "without Grant no capability goes");
      checkEq(seL4_DebugCapIdentify(dest), CAP_NULL_CAP, "the receive slot stays empty");
    } else {
      checkEq(seL4_MessageInfo_get_extraCaps(gotInfo), 1, "with Grant it goes");
      checkEq(seL4_DebugCapIdentify(dest), CAP_NOTIFICATION_CAP, "into the receive slot");
    }
  }
}

/** IPCRIGHTS0004: a Call needs Grant or GrantReply to wait for a reply; with neither the caller stops. */
export function ipcRightsCall(): void {
  setUp();
  const plain = freeSlot();
  checkEq(copy(plain, ep, R_WRITE | R_READ), seL4_NoError, "Write and Read only");
  sendLabel = MSG + 4;
  sendLength = 0;
  const t = spawn(H_CALL, plain, myPriority());
  const info = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 4, "the call's message arrives");
  const saved = freeSlot();
  checkEq(seL4_CNode_SaveCaller(MY_CNODE, saved, DEPTH), seL4_NoError, "SaveCaller");
  checkEq(seL4_DebugCapIdentify(saved), CAP_NULL_CAP, "but there is no reply capability");
  seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
  checkEq(gotCount, 0, "the caller got no reply");
  const gr = freeSlot();
  checkEq(copy(gr, ep, R_WRITE | R_GRANT_REPLY), seL4_NoError, "Write and GrantReply");
  spawn(H_CALL, gr, myPriority());
  seL4_Recv(ep, badgeCell);
  seL4_Reply(seL4_MessageInfo_new(MSG + 6, 0, 0, 0));
  waitDone();
  checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 6, "with GrantReply the caller gets its reply");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "the first caller is still there (stopped)");
}

/** IPCRIGHTS0005: a reply may carry a capability only if the server's receive capability has Grant. */
export function ipcRightsReplyGrant(): void {
  for (let round: u32 = 0; round < 2; round++) {
    setUp();
    const recvCap = freeSlot();
    checkEq(copy(recvCap, ep, round == 0 ? (R_READ | R_WRITE) : R_ALL), seL4_NoError, "the server's capability");
    const dest = freeSlot();
    replyDest = dest;
    spawn(H_CALL_RECV_CAP, ep, myPriority());
    seL4_Recv(recvCap, badgeCell);
    const n = make(OBJ_NOTIFICATION, 0);
    seL4_SetCap(0, n);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 1, 0));
    waitDone();
    if (round == 0) {
      checkEq(seL4_MessageInfo_get_extraCaps(gotInfo), 0, "without Grant on the server's side, no capability in the reply");
      checkEq(seL4_DebugCapIdentify(dest), CAP_NULL_CAP, "the caller's slot stays empty");
    } else {
      checkEq(seL4_MessageInfo_get_extraCaps(gotInfo), 1, "with Grant, the capability comes");
      checkEq(seL4_DebugCapIdentify(dest), CAP_NOTIFICATION_CAP, "into the caller's receive slot");
    }
  }
}



// ── Non-blocking waits, and priorities ───────────────────────────────

/** NBWAIT0001: seL4_NBRecv on an endpoint and seL4_Poll on a notification never block, and take what is there. */
export function nbWait(): void {
  setUp();
  spawnAbove(H_NBRECV_THEN_RECV, 0); // its NBRecv finds nothing; then it blocks in Recv
  checkEq(orderLength, 1, "the NBRecv returned");
  checkEq(ordered(0), 0, "with badge 0");
  const b = freeSlot();
  checkEq(mint(b, ep, R_ALL, 5), seL4_NoError, "badge 5");
  seL4_Send(b, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  waitDone();
  checkEq(gotBadge, 5, "the blocking Recv after it got the message");
  const n = make(OBJ_NOTIFICATION, 0);
  store<u32>(badgeCell, 0xFFFF);
  seL4_Poll(n, badgeCell);
  checkEq(badge(), 0, "Poll on an idle notification: 0");
}

/**
 * SCHED0006: a Send to a higher-priority receiver switches to it at once;
 * a lower-priority receiver runs only when the sender blocks.
 */
export function schedIpcPriorities(): void {
  lowerSelf();
  const p = myPriority() - 1; // ours now
  setUp();
  spawn(H_RECV_NOTE, ep, p + 1); // runs at once, and waits in Recv
  note(1);
  seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
  note(3);
  waitDone();
  checkEq(orderLength, 3, "three steps");
  checkEq(ordered(0), 1, "we went first");
  checkEq(ordered(1), 2, "then the higher receiver, as soon as the message arrived");
  checkEq(ordered(2), 3, "then us again");
  orderLength = 0;
  spawn(H_RECV_NOTE, ep, p - 1); // cannot run while we can
  note(1);
  seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0)); // blocks until the helper receives, and we run again first
  note(3);
  waitDone();
  checkEq(orderLength, 3, "three steps again");
  checkEq(ordered(0), 1, "we went first");
  checkEq(ordered(1), 3, "and on, as soon as the lower receiver took the message");
  checkEq(ordered(2), 2, "the lower receiver only when we waited");
}



// ── Capability transfer ──────────────────────────────────────────────

/** IPC0001-caps: a granted capability arrives in the receive slot; a badged capability to the endpoint itself is unwrapped. */
export function ipcCapTransfer(): void {
  setUp();
  const dest = freeSlot();
  replyDest = dest;
  spawn(H_RECV_CAP, 0, myPriority());
  seL4_Yield();
  const n = make(OBJ_NOTIFICATION, 0);
  const self = freeSlot();
  checkEq(mint(self, ep, R_ALL, 0x66), seL4_NoError, "a badged capability to the endpoint itself");
  seL4_SetCap(0, self);
  seL4_SetCap(1, n);
  seL4_Send(ep, seL4_MessageInfo_new(MSG + 1, 0, 2, 0));
  waitDone();
  checkEq(seL4_MessageInfo_get_extraCaps(gotInfo), 2, "two capabilities went");
  checkEq(seL4_MessageInfo_get_capsUnwrapped(gotInfo), 1, "the first unwrapped");
  checkEq(unwrappedBadge, 0x66, "its badge in caps_or_badges[0]");
  checkEq(seL4_DebugCapIdentify(dest), CAP_NOTIFICATION_CAP, "the second in the receive slot");
}

/** IPC0001-bad-slot: a receive slot that is occupied loses the capability, not the message. */
export function ipcCapBadSlot(): void {
  setUp();
  const dest = make(OBJ_NOTIFICATION, 0); // occupied
  replyDest = dest;
  spawn(H_RECV_CAP, 0, myPriority());
  seL4_Yield();
  const e = make(OBJ_ENDPOINT, 0);
  seL4_SetCap(0, e);
  fillMessage(MSG + 2, 3);
  seL4_Send(ep, seL4_MessageInfo_new(MSG + 2, 0, 1, 3));
  waitDone();
  checkEq(seL4_MessageInfo_get_extraCaps(gotInfo), 0, "the capability did not go");
  checkMessage(MSG + 2, 3, 0, "the message did");
  checkEq(seL4_DebugCapIdentify(dest), CAP_NOTIFICATION_CAP, "the occupied slot is untouched");
  checkEq(seL4_DebugCapIdentify(e), CAP_ENDPOINT_CAP, "the sender keeps its capability");
}



// ── Order, binding, cancelling, deleting ─────────────────────────────

/** IPC0001-fifo: blocked senders are received in the order they blocked, and so are blocked receivers served. */
export function ipcFifo(): void {
  setUp();
  for (let b: u32 = 1; b <= 3; b++) {
    const c = freeSlot();
    checkEq(mint(c, ep, R_ALL, b), seL4_NoError, "a badged capability");
    sendLabel = MSG;
    sendLength = 0;
    spawnAbove(H_SEND, c); // blocks in Send at once, in this order
  }
  for (let b: u32 = 1; b <= 3; b++) {
    seL4_Recv(ep, badgeCell);
    checkEq(badge(), b, "senders come out first in, first out");
  }
  orderLength = 0;
  for (let r: u32 = 1; r <= 3; r++) spawnAbove(H_RECV_NOTE_BADGE, ep); // three receivers wait, in this order
  for (let b: u32 = 1; b <= 3; b++) {
    const c = freeSlot();
    checkEq(mint(c, ep, R_ALL, 10 + b), seL4_NoError, "a badged capability");
    seL4_Send(c, seL4_MessageInfo_new(MSG, 0, 0, 0));
  }
  checkEq(orderLength, 3, "each receiver got one message");
  for (let i: u32 = 0; i < 3; i++) checkEq(ordered(i), (i + 1) * 0x100 + 11 + i, "receiver i got message i");
}

/** BIND0001: a thread bound to a notification, waiting on an endpoint, gets both messages and signals. */
export function bindRecvBoth(): void {
  setUp();
  const n = make(OBJ_NOTIFICATION, 0);
  const t = spawn(H_RECV_LOOP, ep, myPriority(), 0, false);
  checkEq(seL4_TCB_BindNotification(t, n), seL4_NoError, "bind the notification");
  lowerSelf();
  checkEq(seL4_TCB_SetPriority(t, MY_TCB, myPriority()), seL4_NoError, "the helper above us");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "start it: it waits on the endpoint");
  const e = freeSlot();
  checkEq(mint(e, ep, R_ALL, 0x10), seL4_NoError, "badge 0x10 on the endpoint");
  seL4_Send(e, seL4_MessageInfo_new(MSG, 0, 0, 0));
  waitDone();
  checkEq(gotBadge, 0x10, "an IPC message");
  const s = freeSlot();
  checkEq(mint(s, n, R_ALL, 0x1), seL4_NoError, "badge 1 on the notification");
  seL4_Signal(s);
  waitDone();
  checkEq(gotBadge, 0x1, "a signal, through the same Recv on the endpoint");
  checkEq(gotCount, 2, "two receives");
}

/** BIND0002: a thread waiting on its own bound notification gets its signals. */
export function bindWaitBound(): void {
  setUp();
  const n = make(OBJ_NOTIFICATION, 0);
  const t = spawn(H_WAIT_LOOP, n, myPriority(), 0, false);
  checkEq(seL4_TCB_BindNotification(t, n), seL4_NoError, "bind it");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "start it");
  const s = freeSlot();
  checkEq(mint(s, n, R_ALL, 0x8), seL4_NoError, "badge 8");
  seL4_Signal(s);
  waitDone();
  checkEq(gotBadge, 0x8, "the bound thread got the signal");
  const other = make(OBJ_NOTIFICATION, 0);
  checkEq(seL4_TCB_BindNotification(t, other), seL4_IllegalOperation, "a thread binds one notification only");
}

/**
 * BIND0003: a signal pending on the bound notification is taken before a
 * message already waiting on the endpoint; then the message.
 */
export function bindOrderSignalFirst(): void {
  bindOrder(true);
}

/** BIND0004: a message waiting on the endpoint when the notification is idle comes first; then a later signal. */
export function bindOrderMessageFirst(): void {
  bindOrder(false);
}

function bindOrder(signalFirst: bool): void {
  setUp();
  const n = make(OBJ_NOTIFICATION, 0);
  go = make(OBJ_NOTIFICATION, 0);
  const t = spawn(H_GO_RECV_TWICE, 0, myPriority(), 0, false);
  checkEq(seL4_TCB_BindNotification(t, n), seL4_NoError, "bind the notification");
  lowerSelf();
  checkEq(seL4_TCB_SetPriority(t, MY_TCB, myPriority()), seL4_NoError, "the helper above us");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "start it: it waits for go");
  const s = freeSlot();
  checkEq(mint(s, n, R_ALL, 0x1), seL4_NoError, "badge 1 on the notification");
  const e = freeSlot();
  checkEq(mint(e, ep, R_ALL, 0x20), seL4_NoError, "badge 0x20 on the endpoint");
  if (signalFirst) seL4_Signal(s); // pending: the thread is not waiting on the endpoint
  sendLabel = MSG;
  sendLength = 0;
  spawnAbove(H_SEND, e); // blocks in Send: nobody receives yet
  seL4_Signal(go);
  // The helper took one of the two; the sender is still blocked if the signal came first.
  if (!signalFirst) seL4_Signal(s);
  waitDone();
  checkEq(orderLength, 2, "two receives");
  checkEq(ordered(0), signalFirst ? 0x1 : 0x20, "first");
  checkEq(ordered(1), signalFirst ? 0x20 : 0x1, "then the other");
}

/** CANCEL_BADGED_SENDS_0001: cancelling one badge's sends makes those senders send again (behind the others). */
export function cancelBadgedSendsBasic(): void {
  setUp();
  const two = freeSlot();
  const one = freeSlot();
  checkEq(mint(two, ep, R_ALL, 2), seL4_NoError, "badge 2, with every right");
  checkEq(mint(one, ep, R_ALL, 1), seL4_NoError, "badge 1");
  sendLabel = MSG;
  sendLength = 0;
  spawnAbove(H_SEND, two);
  spawnAbove(H_SEND, one);
  spawnAbove(H_SEND, two); // queue: 2, 1, 2
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, two, DEPTH), seL4_NoError, "cancel badge 2's sends");
  // The two senders ran their Send again (they are above us): the queue is now 1, 2, 2.
  for (let i: u32 = 0; i < 3; i++) {
    seL4_Recv(ep, badgeCell);
    checkEq(badge(), i == 0 ? 1 : 2, "badge 1 first now");
  }
  const plain = freeSlot();
  checkEq(copy(plain, ep, R_READ | R_WRITE), seL4_NoError, "a capability without every right");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, plain, DEPTH), seL4_IllegalOperation, "cannot cancel");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, ep, DEPTH), seL4_NoError, "the unbadged original may, and cancels nothing");
}

/**
 * CANCEL_BADGED_SENDS_0002: revoke a badge, then cancel its sends: the
 * senders run their Send again on a capability that is gone (a Send on an
 * empty slot is an invalid capability, which a Send does not report) and
 * go on; the other badge's send stays queued.
 */
export function cancelBadgedSendsRevoked(): void {
  setUp();
  const two = freeSlot();
  const twoCopy = freeSlot();
  const one = freeSlot();
  checkEq(mint(two, ep, R_ALL, 2), seL4_NoError, "badge 2");
  checkEq(copy(twoCopy, two, R_ALL), seL4_NoError, "a copy of it for the senders");
  checkEq(mint(one, ep, R_ALL, 1), seL4_NoError, "badge 1");
  spawnAbove(H_SEND_NOTE, twoCopy);
  spawnAbove(H_SEND_NOTE, one);
  spawnAbove(H_SEND_NOTE, twoCopy);
  checkEq(seL4_CNode_Revoke(MY_CNODE, two, DEPTH), seL4_NoError, "revoke badge 2: its copy goes");
  checkEq(seL4_DebugCapIdentify(twoCopy), CAP_NULL_CAP, "the copy is gone");
  checkEq(orderLength, 0, "the senders still wait: deleting a copy cancels nothing");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, two, DEPTH), seL4_NoError, "cancel its sends");
  checkEq(orderLength, 2, "both badge-2 senders ran on");
  checkEq(ordered(0), twoCopy, "one");
  checkEq(ordered(1), twoCopy, "the other");
  seL4_Recv(ep, badgeCell);
  checkEq(badge(), 1, "badge 1's send was still queued");
  checkEq(orderLength, 3, "and that sender ran on after it");
}

/** CANCEL_BADGED_SENDS_0002-delete-endpoint: deleting an endpoint's last capability releases every blocked thread. */
export function deleteEndpointReleases(): void {
  setUp();
  const faultEp = make(OBJ_ENDPOINT, 0);
  faultsSeen = 0;
  spawnAbove(H_FAULT_COUNT, faultEp);
  const victim = make(OBJ_ENDPOINT, 0);
  sendLabel = MSG;
  sendLength = 0;
  lowerSelf();
  spawn(H_SEND, victim, myPriority(), faultEp);
  spawn(H_RECV_LOOP, victim, myPriority(), faultEp);
  spawn(H_RECV_LOOP, victim, myPriority(), faultEp); // one sender got through to the first receiver; the second waits
  checkEq(del(victim), seL4_NoError, "delete the endpoint");
  checkEq(faultsSeen, 2, "the waiting threads ran their call again and found the capability gone");
  checkEq(lastFaultAddr, victim, "a fault on the deleted capability");
}

/** BIND0002-delete-notification: deleting a notification releases its waiters, and unbinds a bound thread. */
export function deleteNotificationReleases(): void {
  setUp();
  const faultEp = make(OBJ_ENDPOINT, 0);
  faultsSeen = 0;
  spawnAbove(H_FAULT_COUNT, faultEp);
  const waited = make(OBJ_NOTIFICATION, 0);
  spawn(H_WAIT_LOOP, waited, myPriority(), faultEp); // above us: it waits at once
  checkEq(faultsSeen, 0, "it waits");
  checkEq(del(waited), seL4_NoError, "delete the notification it waits on");
  checkEq(faultsSeen, 1, "the waiter ran its Wait again and took a capability fault");
  checkEq(lastFaultAddr, waited, "on the deleted capability");
  const bound = make(OBJ_NOTIFICATION, 0);
  const t = spawn(H_RECV_LOOP, ep, myPriority(), faultEp, false);
  checkEq(seL4_TCB_BindNotification(t, bound), seL4_NoError, "bind a thread to another notification");
  checkEq(seL4_TCB_BindNotification(t, make(OBJ_NOTIFICATION, 0)), seL4_IllegalOperation, "it is bound");
  checkEq(del(bound), seL4_NoError, "delete that one");
  checkEq(seL4_TCB_BindNotification(t, make(OBJ_NOTIFICATION, 0)), seL4_NoError, "the thread is unbound: it may bind again");
}

/**
 * IPC0010-revoke-reply: a server that deletes the reply capability it
 * saved can no longer answer; the caller keeps waiting (as in seL4's
 * non-MCS API) until it is suspended and resumed, when it calls again.
 */
export function revokeReply(): void {
  setUp();
  sendLabel = MSG + 7;
  sendLength = 0;
  const t = spawn(H_CALL, ep, myPriority());
  seL4_Recv(ep, badgeCell);
  const saved = freeSlot();
  checkEq(seL4_CNode_SaveCaller(MY_CNODE, saved, DEPTH), seL4_NoError, "save the reply capability");
  checkEq(del(saved), seL4_NoError, "delete it");
  seL4_Send(saved, seL4_MessageInfo_new(MSG, 0, 0, 0)); // an empty slot: nothing happens
  seL4_Reply(seL4_MessageInfo_new(MSG, 0, 0, 0));     // and no caller in tcbCaller: nothing either
  for (let i = 0; i < 5; i++) seL4_Yield();
  checkEq(gotCount, 0, "the caller got no reply");
  checkEq(seL4_TCB_Suspend(t), seL4_NoError, "suspend the caller");
  checkEq(seL4_TCB_Resume(t), seL4_NoError, "and resume it");
  const info = seL4_Recv(ep, badgeCell);
  checkEq(seL4_MessageInfo_get_label(info), MSG + 7, "it calls again");
  seL4_Reply(seL4_MessageInfo_new(MSG + 8, 0, 0, 0));
  waitDone();
  checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 8, "and this reply reaches it");
}

/** CNODEOP0002-blocked-thread: deleting a thread blocked in Send takes it out of the endpoint's queue. */
export function deleteBlockedSender(): void {
  setUp();
  sendLabel = MSG;
  sendLength = 0;
  const t = spawnAbove(H_SEND, ep); // blocked in Send
  checkEq(del(t), seL4_NoError, "delete its TCB");
  store<u32>(badgeCell, 0xFFFF);
  seL4_NBRecv(ep, badgeCell);
  checkEq(badge(), 0, "nobody is left to receive from");
  spawnAbove(H_RECV_ONCE, 0);
  seL4_Send(ep, seL4_MessageInfo_new(MSG + 1, 0, 0, 0));
  waitDone();
  checkEq(seL4_MessageInfo_get_label(gotInfo), MSG + 1, "the endpoint works on");
}

// Shared by the tests above.
let go: u32 = 0;
let faultsSeen: u32 = 0;
let lastFaultAddr: u32 = 0;
