// libs/user/serserv.ts: a serial (log) server thread and its clients (libsel4serialserver's model).
//
// Owns: one server per address space, run by a thread of the caller's
// (serservServerMain: a loop on an endpoint), the parent's calls that
// start it and mint a badged endpoint per client, the client's calls
// (connect, printf, write, disconnect, kill), and the protocol between
// them, which is tsos's own (libsel4serialserver's is private to it;
// docs/RATIONALE.md, "The serial server"):
//   every request is a Call on a badged copy of the server's endpoint; the
//   badge (1..SERSERV_MAX_CLIENTS, one per minted copy, never reused) names
//   the client; the reply has length 2: MR0 an seL4 error, MR1 a value.
//   SERSERV_CONNECT: one extra capability, a 4 KiB frame the client has
//     mapped (the shared buffer). The server maps its copy at
//     window + badge * PAGE_SIZE in the same VSpace. MR1: the buffer size.
//   SERSERV_WRITE: MR0 = n bytes the client put at the start of the buffer
//     (n <= the buffer size). The server prints them on the kernel's debug
//     console (seL4_DebugPutChar). MR1: n.
//   SERSERV_DISCONNECT: the server unmaps and deletes its copy of the frame;
//     the badge is closed for good (a new connection needs a new badge).
//   SERSERV_KILL: from a connected client: the server replies, lets go of
//     every frame and its thread ends (user-rt suspends it).
// A bad request (a badge never minted or closed, a connect without a frame
// (the capability's type is checked before it is invoked) or on a connected badge, a write over the buffer, an unknown label) is
// answered with an error, and the server goes on serving. Client calls
// check their arguments before any system call: a bad one returns an
// error without reaching the server.
// Layouts: the client's connection block (SERSERV_CONN_*): +0 endpoint,
// +4 frame slot, +8 the frame's address, +12 buffer size (0: not
// connected), SERSERV_CONN_SIZE 16. The server's record of each badge:
// 12 bytes at clients + badge * 12: +0 state (CLIENT_*), +4 bytes printed,
// +8 a checksum of them (serservMix).
// Must not: allocate, or let a client's request stop the server or crash it.

import {
  seL4_NoError, seL4_InvalidArgument, seL4_InvalidCapability, seL4_IllegalOperation, seL4_RangeError,
  seL4_NotEnoughMemory, seL4_MaxPrio, seL4_WordBits, OBJ_ENDPOINT, OBJ_X86_4K, OBJ_X86_PAGE_TABLE,
  seL4_X86_Default_VMAttributes, CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT,
  CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT, CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT, CAP_FRAME_CAP,
} from "../abi/sel4.gen";
import { PAGE_SIZE, LARGE_PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import {
  seL4_Call, seL4_Recv, seL4_Reply, seL4_ReplyRecv, seL4_SetMR, seL4_GetMR, seL4_SetCap, seL4_SetCapReceivePath,
  seL4_MessageInfo_new, seL4_MessageInfo_get_label, seL4_MessageInfo_get_length, seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_capsUnwrapped, seL4_DebugPutChar, seL4_DebugCapIdentify,
} from "./ipc";
import {
  seL4_Untyped_Retype, seL4_CNode_Mint, seL4_CNode_Move, seL4_CNode_Delete, seL4_X86_Page_Map, seL4_X86_Page_Unmap,
  seL4_X86_PageTable_Map, seL4_TCB_SetPriority, seL4_TCB_Resume,
} from "./invocations.gen";

// ── The protocol ─────────────────────────────────────────────────────

/** Message labels of the protocol, far from the invocation labels (1..49). */
// @ts-ignore: decorator
@inline const SERSERV_MSG: u32 = 0x5300;
// @ts-ignore: decorator
@inline export const SERSERV_CONNECT: u32 = SERSERV_MSG + 1;
// @ts-ignore: decorator
@inline export const SERSERV_WRITE: u32 = SERSERV_MSG + 2;
// @ts-ignore: decorator
@inline export const SERSERV_DISCONNECT: u32 = SERSERV_MSG + 3;
// @ts-ignore: decorator
@inline export const SERSERV_KILL: u32 = SERSERV_MSG + 4;

/** Badges the server hands out: 1..SERSERV_MAX_CLIENTS. */
// @ts-ignore: decorator
@inline export const SERSERV_MAX_CLIENTS: u32 = 16;
/** The shared buffer: one 4 KiB frame. */
// @ts-ignore: decorator
@inline export const SERSERV_BUFFER_SIZE: u32 = PAGE_SIZE;

// @ts-ignore: decorator
@inline export const SERSERV_CONN_EP: u32 = 0;
// @ts-ignore: decorator
@inline export const SERSERV_CONN_FRAME: u32 = 4;
// @ts-ignore: decorator
@inline export const SERSERV_CONN_VADDR: u32 = 8;
// @ts-ignore: decorator
@inline export const SERSERV_CONN_SIZE_FIELD: u32 = 12;
// @ts-ignore: decorator
@inline export const SERSERV_CONN_SIZE: u32 = 16;

/** A badge's state in the server's record. */
// @ts-ignore: decorator
@inline export const CLIENT_NONE: u32 = 0;      // never minted
// @ts-ignore: decorator
@inline export const CLIENT_MINTED: u32 = 1;    // minted, not connected
// @ts-ignore: decorator
@inline export const CLIENT_CONNECTED: u32 = 2; // its frame is mapped in the window
// @ts-ignore: decorator
@inline export const CLIENT_CLOSED: u32 = 3;    // disconnected: never again

// @ts-ignore: decorator
@inline const RIGHTS_RW: u32 = (<u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);
// @ts-ignore: decorator
@inline const RIGHTS_ALL: u32 = RIGHTS_RW | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT);

// ── The server's state (one server per address space) ────────────────

let srvEp: u32 = 0;
let srvCnode: u32 = 0;
let srvVspace: u32 = 0;
/** Slot slots + 0 receives a frame; slots + badge keeps a connected client's. */
let srvSlots: u32 = 0;
let srvWindow: u32 = 0;
let nextBadge: u32 = 1;
let running = false;
let spawned = false;
const clients = memory.data(<i32>(SERSERV_MAX_CLIENTS + 1) * 12, 4);
const badgeCell = memory.data(4, 4);

// @ts-ignore: decorator
@inline function rec(badge: u32): usize {
  return clients + <usize>badge * 12;
}

/** One more byte into a checksum (the server's of what it printed; a test's of what it sent). */
export function serservMix(h: u32, byte: u32): u32 {
  return (h ^ (byte & 0xFF)) * 0x01000193;
}

/** A badge's state (CLIENT_*), bytes printed for it, and their checksum (from 0). */
export function serservClientState(badge: u32): u32 { return badge <= SERSERV_MAX_CLIENTS ? load<u32>(rec(badge)) : CLIENT_NONE; }
export function serservClientBytes(badge: u32): u32 { return badge <= SERSERV_MAX_CLIENTS ? load<u32>(rec(badge), 4) : 0; }
export function serservClientSum(badge: u32): u32 { return badge <= SERSERV_MAX_CLIENTS ? load<u32>(rec(badge), 8) : 0; }
/** The server is serving (spawned and not killed). */
export function serservRunning(): bool { return running; }

// ── The parent ───────────────────────────────────────────────────────

/**
 * Starts the server (libsel4serialserver's spawn_thread): `tcb` is a
 * thread of the caller's, made but not resumed, whose entry calls
 * serservServerMain(); it gets priority `prio` (with `authority`). From
 * `untyped` into the caller's CNode `cnode` (CPtrs are slots at depth 32):
 * the server's endpoint at `epSlot`, a page table at `ptSlot`, mapped in
 * `vspace` at `window` (4 MiB aligned: the server maps the clients'
 * frames there); `slots` .. slots + SERSERV_MAX_CLIENTS are the server's
 * (empty). A zero capability, an unaligned window, a priority above
 * seL4_MaxPrio or a server already spawned is an error, and nothing is made.
 */
export function serservSpawn(untyped: u32, cnode: u32, vspace: u32, tcb: u32, authority: u32, epSlot: u32, ptSlot: u32,
                             slots: u32, window: u32, prio: u32): u32 {
  if (untyped == 0 || cnode == 0 || vspace == 0 || tcb == 0 || authority == 0 || epSlot == 0 || ptSlot == 0 || slots == 0) return seL4_InvalidArgument;
  if (window == 0 || (window & (LARGE_PAGE_SIZE - 1)) != 0 || prio > seL4_MaxPrio) return seL4_InvalidArgument;
  if (spawned) return seL4_IllegalOperation;
  let err = seL4_Untyped_Retype(untyped, OBJ_ENDPOINT, 0, cnode, 0, 0, epSlot, 1);
  if (err != seL4_NoError) return err;
  err = seL4_Untyped_Retype(untyped, OBJ_X86_PAGE_TABLE, 0, cnode, 0, 0, ptSlot, 1);
  if (err != seL4_NoError) return err;
  err = seL4_X86_PageTable_Map(ptSlot, vspace, window, seL4_X86_Default_VMAttributes);
  if (err != seL4_NoError) return err;
  err = seL4_TCB_SetPriority(tcb, authority, prio);
  if (err != seL4_NoError) return err;
  srvEp = epSlot;
  srvCnode = cnode;
  srvVspace = vspace;
  srvSlots = slots;
  srvWindow = window;
  nextBadge = 1;
  memory.fill(clients, 0, (SERSERV_MAX_CLIENTS + 1) * 12);
  running = true;
  spawned = true;
  err = seL4_TCB_Resume(tcb);
  if (err != seL4_NoError) running = false;
  return err;
}

/**
 * Mints a copy of the server's endpoint with the next badge into slot
 * `dest` of `cnode` (libsel4serialserver's parent_vka_mint_endpoint);
 * returns the error. Every copy names a new client.
 */
export function serservMintEndpoint(cnode: u32, dest: u32): u32 {
  if (cnode == 0 || dest == 0) return seL4_InvalidArgument;
  if (!running) return seL4_IllegalOperation;
  if (nextBadge > SERSERV_MAX_CLIENTS) return seL4_NotEnoughMemory;
  const err = seL4_CNode_Mint(cnode, dest, seL4_WordBits, cnode, srvEp, seL4_WordBits, RIGHTS_ALL, nextBadge);
  if (err != seL4_NoError) return err;
  store<u32>(rec(nextBadge), CLIENT_MINTED);
  nextBadge++;
  return seL4_NoError;
}

/** The badge the last serservMintEndpoint gave (0: none yet). */
export function serservLastBadge(): u32 {
  return nextBadge - 1;
}

// ── The server ───────────────────────────────────────────────────────

/** Lets go of a connected client's frame: unmapped, its slot emptied. */
function dropFrame(badge: u32): void {
  seL4_X86_Page_Unmap(srvSlots + badge);
  seL4_CNode_Delete(srvCnode, srvSlots + badge, seL4_WordBits);
}

/** Answers request `info` from `badge`: the error, MR1 in *value. */
function serve(info: u32, badge: u32, value: usize): u32 {
  const label = seL4_MessageInfo_get_label(info);
  const caps = seL4_MessageInfo_get_extraCaps(info);
  const gotFrame = caps == 1 && seL4_MessageInfo_get_capsUnwrapped(info) == 0;
  // A capability that arrived lands in the receive slot: every path below empties it.
  if (caps != 0 && !gotFrame) seL4_CNode_Delete(srvCnode, srvSlots, seL4_WordBits);
  const known = badge >= 1 && badge <= SERSERV_MAX_CLIENTS;
  const state = known ? load<u32>(rec(badge)) : CLIENT_NONE;
  if (label == SERSERV_CONNECT) {
    let err: u32 = seL4_NoError;
    if (!known || state == CLIENT_NONE) err = seL4_InvalidCapability;
    else if (state != CLIENT_MINTED) err = seL4_IllegalOperation;
    else if (!gotFrame) err = seL4_InvalidArgument;
    // Only a frame is invoked: an endpoint's Page_Map would be a Call on it.
    else if (seL4_DebugCapIdentify(srvSlots) != CAP_FRAME_CAP) err = seL4_InvalidCapability;
    if (err == seL4_NoError) err = seL4_CNode_Move(srvCnode, srvSlots + badge, seL4_WordBits, srvCnode, srvSlots, seL4_WordBits);
    if (err != seL4_NoError) {
      if (gotFrame) seL4_CNode_Delete(srvCnode, srvSlots, seL4_WordBits);
      return err;
    }
    err = seL4_X86_Page_Map(srvSlots + badge, srvVspace, srvWindow + badge * PAGE_SIZE, RIGHTS_RW, seL4_X86_Default_VMAttributes);
    if (err != seL4_NoError) {
      seL4_CNode_Delete(srvCnode, srvSlots + badge, seL4_WordBits);
      return err;
    }
    store<u32>(rec(badge), CLIENT_CONNECTED);
    store<u32>(value, SERSERV_BUFFER_SIZE);
    return seL4_NoError;
  }
  if (gotFrame) seL4_CNode_Delete(srvCnode, srvSlots, seL4_WordBits);
  if (label != SERSERV_WRITE && label != SERSERV_DISCONNECT && label != SERSERV_KILL) return seL4_IllegalOperation;
  if (!known || state != CLIENT_CONNECTED) return seL4_InvalidCapability;
  if (label == SERSERV_WRITE) {
    const n = seL4_MessageInfo_get_length(info) >= 1 ? seL4_GetMR(0) : 0;
    if (n > SERSERV_BUFFER_SIZE) return seL4_RangeError;
    const buf = srvWindow + badge * PAGE_SIZE;
    let h = load<u32>(rec(badge), 8);
    for (let i: u32 = 0; i < n; i++) {
      const c = <u32>load<u8>(buf + i);
      seL4_DebugPutChar(c);
      h = serservMix(h, c);
    }
    store<u32>(rec(badge), load<u32>(rec(badge), 4) + n, 4);
    store<u32>(rec(badge), h, 8);
    store<u32>(value, n);
    return seL4_NoError;
  }
  if (label == SERSERV_DISCONNECT) {
    dropFrame(badge);
    store<u32>(rec(badge), CLIENT_CLOSED);
    return seL4_NoError;
  }
  running = false; // SERSERV_KILL: the loop replies, then ends
  return seL4_NoError;
}

/**
 * The server's loop (its thread's entry calls this): serves requests on
 * the endpoint until a connected client asks it to stop; then it lets go
 * of every client's frame and returns.
 */
export function serservServerMain(): void {
  const value = memory.data(4, 4);
  seL4_SetCapReceivePath(srvCnode, srvSlots, seL4_WordBits);
  let info = seL4_Recv(srvEp, badgeCell);
  while (true) {
    store<u32>(value, 0);
    const err = serve(info, load<u32>(badgeCell), value);
    seL4_SetMR(0, err);
    seL4_SetMR(1, load<u32>(value));
    const reply = seL4_MessageInfo_new(0, 0, 0, 2);
    if (!running) {
      seL4_Reply(reply);
      break;
    }
    seL4_SetCapReceivePath(srvCnode, srvSlots, seL4_WordBits);
    info = seL4_ReplyRecv(srvEp, reply, badgeCell);
  }
  for (let b: u32 = 1; b <= SERSERV_MAX_CLIENTS; b++) {
    if (load<u32>(rec(b)) == CLIENT_CONNECTED) {
      dropFrame(b);
      store<u32>(rec(b), CLIENT_CLOSED);
    }
  }
}

// ── The client ───────────────────────────────────────────────────────

/**
 * Calls the server with `label`, MR0 `mr0` and `caps` extra capabilities;
 * returns the error. The reply's value stays in MR1 of the caller's own
 * IPC buffer (replyValue), so client threads never share a cell.
 */
function request(conn: usize, label: u32, mr0: u32, caps: u32): u32 {
  // A stopped server never answers: a Call would wait for good. A client in the server's address space can
  // tell; one in another (SERSERV_CLI_PROC) cannot see the server's state, and calls.
  if (spawned && !running) return seL4_IllegalOperation;
  seL4_SetMR(0, mr0);
  seL4_SetMR(1, 0);
  const info = seL4_Call(load<u32>(conn, SERSERV_CONN_EP), seL4_MessageInfo_new(label, 0, caps, 1));
  if (seL4_MessageInfo_get_length(info) < 2) return seL4_IllegalOperation;
  return seL4_GetMR(0);
}

/** The value of the reply request() just had. */
// @ts-ignore: decorator
@inline function replyValue(): u32 {
  return seL4_GetMR(1);
}

/** Unmaps and deletes the connection's frame, and marks it not connected. */
function dropConnection(cnode: u32, conn: usize): void {
  const frame = load<u32>(conn, SERSERV_CONN_FRAME);
  seL4_X86_Page_Unmap(frame);
  seL4_CNode_Delete(cnode, frame, seL4_WordBits);
  store<u32>(conn, 0, SERSERV_CONN_SIZE_FIELD);
}

/**
 * Connects to the server through the badged endpoint `ep`
 * (libsel4serialserver's client_connect): a frame retyped from `untyped`
 * into slot `frameSlot` of `cnode`, mapped at `vaddr` in `vspace` (where a
 * page table is), is sent to the server as the shared buffer; the
 * connection block `conn` records it. Returns the error (the frame is
 * taken back on failure).
 */
export function serservConnect(ep: u32, untyped: u32, cnode: u32, vspace: u32, frameSlot: u32, vaddr: u32, conn: usize): u32 {
  if (ep == 0 || untyped == 0 || cnode == 0 || vspace == 0 || frameSlot == 0 || conn == 0) return seL4_InvalidArgument;
  if (vaddr == 0 || (vaddr & (PAGE_SIZE - 1)) != 0) return seL4_InvalidArgument;
  let err = seL4_Untyped_Retype(untyped, OBJ_X86_4K, 0, cnode, 0, 0, frameSlot, 1);
  if (err != seL4_NoError) return err;
  err = seL4_X86_Page_Map(frameSlot, vspace, vaddr, RIGHTS_RW, seL4_X86_Default_VMAttributes);
  if (err != seL4_NoError) {
    seL4_CNode_Delete(cnode, frameSlot, seL4_WordBits);
    return err;
  }
  store<u32>(conn, ep, SERSERV_CONN_EP);
  store<u32>(conn, frameSlot, SERSERV_CONN_FRAME);
  store<u32>(conn, vaddr, SERSERV_CONN_VADDR);
  store<u32>(conn, 0, SERSERV_CONN_SIZE_FIELD);
  seL4_SetCap(0, frameSlot);
  err = request(conn, SERSERV_CONNECT, 0, 1);
  const size = replyValue();
  if (err == seL4_NoError && (size == 0 || size > SERSERV_BUFFER_SIZE)) err = seL4_IllegalOperation;
  if (err != seL4_NoError) {
    dropConnection(cnode, conn);
    return err;
  }
  store<u32>(conn, size, SERSERV_CONN_SIZE_FIELD);
  return seL4_NoError;
}

/** The connection is open. */
export function serservConnected(conn: usize): bool {
  return conn != 0 && load<u32>(conn, SERSERV_CONN_SIZE_FIELD) != 0;
}

/**
 * Prints `n` bytes from `bytes` through the server (libsel4serialserver's
 * write): copied into the shared buffer a bufferful at a time. Returns the
 * bytes the server printed, or minus an seL4 error (no connection, no
 * bytes to read, the server's refusal). Writing 0 bytes prints nothing and
 * returns 0.
 */
export function serservWrite(conn: usize, bytes: usize, n: u32): i32 {
  if (!serservConnected(conn) || bytes == 0) return -<i32>seL4_InvalidArgument;
  const buf = <usize>load<u32>(conn, SERSERV_CONN_VADDR);
  const size = load<u32>(conn, SERSERV_CONN_SIZE_FIELD);
  let done: u32 = 0;
  while (done < n) {
    const chunk = n - done < size ? n - done : size;
    memory.copy(buf, bytes + done, chunk);
    const err = request(conn, SERSERV_WRITE, chunk, 0);
    if (err != seL4_NoError) return -<i32>err;
    const printed = replyValue();
    done += printed;
    if (printed != chunk) break;
  }
  return <i32>done;
}

/**
 * Prints the string `s` through the server (libsel4serialserver's printf,
 * without the formatting: tsos has no C library): each character's low
 * byte, a bufferful at a time. Returns the characters printed, or minus
 * an seL4 error (no connection, no string).
 */
export function serservPrintf(conn: usize, s: string | null): i32 {
  if (!serservConnected(conn) || s == null) return -<i32>seL4_InvalidArgument;
  const str = <string>s;
  const buf = <usize>load<u32>(conn, SERSERV_CONN_VADDR);
  const size = load<u32>(conn, SERSERV_CONN_SIZE_FIELD);
  let done: u32 = 0;
  const n = <u32>str.length;
  while (done < n) {
    const chunk = n - done < size ? n - done : size;
    for (let i: u32 = 0; i < chunk; i++) store<u8>(buf + i, <u8>str.charCodeAt(<i32>(done + i)));
    const err = request(conn, SERSERV_WRITE, chunk, 0);
    if (err != seL4_NoError) return -<i32>err;
    const printed = replyValue();
    done += printed;
    if (printed != chunk) break;
  }
  return <i32>done;
}

/**
 * Ends the connection (libsel4serialserver's disconnect): the server lets
 * go of the buffer, then the client unmaps and deletes its frame (in
 * `cnode`). The badge is closed: connecting again needs a new one.
 */
export function serservDisconnect(cnode: u32, conn: usize): u32 {
  if (!serservConnected(conn) || cnode == 0) return seL4_InvalidArgument;
  const err = request(conn, SERSERV_DISCONNECT, 0, 0);
  dropConnection(cnode, conn);
  return err;
}

/**
 * Stops the server (libsel4serialserver's kill) through a connection; the
 * client's frame is taken back (in `cnode`) either way.
 */
export function serservKill(cnode: u32, conn: usize): u32 {
  if (!serservConnected(conn) || cnode == 0) return seL4_InvalidArgument;
  const err = request(conn, SERSERV_KILL, 0, 0);
  dropConnection(cnode, conn);
  return err;
}
