// userland/sel4test/serserv.ts: in-OS tests of the serial server (libs/user/serserv.ts).
//
// Owns: the tests that re-express sel4test's serial-server tests
// (libsel4serialserver's parent tests SERSERV_PARENT_001-010; sel4test's
// serial_server.c, SERSERV_CLIENT_001-005, from client threads), their
// variants, and the helper threads they start (kinds 420-439; threadMain
// in main.ts dispatches to serservHelperMain here): the server's thread,
// and client threads that run one of serial_server.c's client routines
// and record its result. Besides each call's result the tests check what
// the server saw: each badge's state, the bytes it printed and their
// checksum (libs/user/serserv.ts serservMix), so a reply alone cannot
// pass a test. The server prints on the kernel's debug console: its
// "Hello, world!" lines appear in the suite's log.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_InvalidArgument, seL4_InvalidCapability, seL4_IllegalOperation, seL4_RangeError, OBJ_NOTIFICATION, OBJ_ENDPOINT,
  OBJ_X86_PAGE_TABLE, seL4_X86_Default_VMAttributes,
} from "../../libs/abi/sel4.gen";
import { PAGE_SIZE, LARGE_PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import { seL4_Signal, seL4_Wait, seL4_Call, seL4_SetMR, seL4_GetMR, seL4_SetCap, seL4_MessageInfo_new } from "../../libs/user/ipc";
import { seL4_X86_PageTable_Map } from "../../libs/user/invocations.gen";
import { MY_CNODE, MY_VSPACE, MY_TCB, check, checkEq, myPriority, myUntyped, freeSlot, freeSlots } from "../../libs/user/testing";
import {
  serservSpawn, serservMintEndpoint, serservLastBadge, serservServerMain, serservConnect, serservConnected, serservPrintf,
  serservWrite, serservDisconnect, serservKill, serservRunning, serservClientState, serservClientBytes, serservClientSum,
  serservMix, SERSERV_CONN_SIZE, SERSERV_MAX_CLIENTS, SERSERV_CONNECT, SERSERV_WRITE, SERSERV_BUFFER_SIZE,
  CLIENT_MINTED, CLIENT_CONNECTED, CLIENT_CLOSED,
} from "../../libs/user/serserv";
import { make, mint, del, spawn, R_ALL } from "./env";
import { startHelper, destroyHelper, waitHelpers, record, helperReport, EXTRA_EP, EXTRA_EP2 } from "./interas";
import { processStatus, processStatusDetail } from "../../libs/user/process";
import { PROCESS_STATUS_PASSED } from "../../libs/abi/layout.gen";

/** Where the server maps its clients' frames, and where the clients map theirs (each under its own page table). */
// @ts-ignore: decorator
@inline const SERVER_WINDOW: u32 = 0x20000000;
// @ts-ignore: decorator
@inline const CLIENT_WINDOW: u32 = 0x20400000;

/** sel4test's test string. */
const TEST_STR = "Hello, world!\n";
const testBytes = memory.data(16, 4);

// ── Helpers (threadMain's kinds) ─────────────────────────────────────

// @ts-ignore: decorator
@inline const K_SERVER: i32 = 420;  // serservServerMain(), then signal arg (the server has stopped)
// @ts-ignore: decorator
@inline const K_CLIENT: i32 = 421;  // client `arg` runs clientMode's routine, records its result, signals its done badge

/** What the client threads run: serial_server.c's client_*_main. */
// @ts-ignore: decorator
@inline const MODE_CONNECT: u32 = 1;
// @ts-ignore: decorator
@inline const MODE_PRINTF: u32 = 2;
// @ts-ignore: decorator
@inline const MODE_WRITE: u32 = 3;
// @ts-ignore: decorator
@inline const MODE_RECONNECT: u32 = 4;
// @ts-ignore: decorator
@inline const MODE_DISCONNECT: u32 = 5;

let clientMode: u32 = 0;

/** One client's record: what the parent gave it, and its result. */
// @ts-ignore: decorator
@inline const C_EP: u32 = 0;
// @ts-ignore: decorator
@inline const C_EP2: u32 = 4;
// @ts-ignore: decorator
@inline const C_FRAME: u32 = 8;
// @ts-ignore: decorator
@inline const C_FRAME2: u32 = 12;
// @ts-ignore: decorator
@inline const C_VADDR: u32 = 16;
// @ts-ignore: decorator
@inline const C_DONE: u32 = 20;
// @ts-ignore: decorator
@inline const C_RESULT: u32 = 24;
// @ts-ignore: decorator
@inline const C_CONN: u32 = 32;
// @ts-ignore: decorator
@inline const C_SIZE: u32 = C_CONN + SERSERV_CONN_SIZE;

/** Client threads per test (sel4test runs one; three make them contend for the server). */
// @ts-ignore: decorator
@inline const N_CLIENTS: u32 = 3;
const clientRecs = memory.data(<i32>(N_CLIENTS * C_SIZE), 4);

// @ts-ignore: decorator
@inline function crec(i: u32): usize {
  return clientRecs + <usize>(i * C_SIZE);
}

/** The test string's length: what printf and write must return. */
// @ts-ignore: decorator
@inline function strLen(): i32 {
  return TEST_STR.length;
}

function clientConnect(r: usize, ep: u32, frame: u32): u32 {
  return serservConnect(ep, myUntyped(), MY_CNODE, MY_VSPACE, frame, load<u32>(r, C_VADDR), r + C_CONN);
}

/** serial_server.c's client routines; 0 for success. */
function clientRun(r: usize): u32 {
  let err = clientConnect(r, load<u32>(r, C_EP), load<u32>(r, C_FRAME));
  if (err != seL4_NoError || clientMode == MODE_CONNECT) return err;
  const conn = r + C_CONN;
  if (clientMode == MODE_DISCONNECT) return serservDisconnect(MY_CNODE, conn);
  if (clientMode == MODE_PRINTF || clientMode == MODE_RECONNECT) {
    if (serservPrintf(conn, TEST_STR) != strLen()) return 1;
  }
  if (clientMode == MODE_WRITE || clientMode == MODE_RECONNECT) {
    if (serservWrite(conn, testBytes, <u32>strLen()) != strLen()) return 2;
  }
  if (clientMode != MODE_RECONNECT) return 0;
  err = serservDisconnect(MY_CNODE, conn);
  if (err != seL4_NoError) return err;
  err = clientConnect(r, load<u32>(r, C_EP2), load<u32>(r, C_FRAME2));
  if (err != seL4_NoError) return err;
  if (serservPrintf(conn, TEST_STR) != strLen()) return 3;
  if (serservWrite(conn, testBytes, <u32>strLen()) != strLen()) return 4;
  return 0;
}

/** Runs helper `kind` if it is one of this file's; returns whether it was. */
export function serservHelperMain(kind: i32, arg: u32): bool {
  if (kind == K_SERVER) {
    serservServerMain();
    seL4_Signal(arg);
    return true;
  }
  if (kind == K_CLIENT) {
    const r = crec(arg);
    store<u32>(r, clientRun(r), C_RESULT);
    seL4_Signal(load<u32>(r, C_DONE));
    return true;
  }
  return false;
}

// ── Set-up ───────────────────────────────────────────────────────────

/** The notification the server's thread signals when it has stopped; the clients' done notification. */
let stopped: u32 = 0;
let done: u32 = 0;
let serverTcb: u32 = 0;
/** The server's own (unbadged) endpoint. */
let serverEp: u32 = 0;
let clientPtMapped = false;
let nextPage: u32 = 0;

/** A fresh page of the clients' window (its page table mapped the first time). */
function clientPage(): u32 {
  if (!clientPtMapped) {
    checkEq(seL4_X86_PageTable_Map(make(OBJ_X86_PAGE_TABLE, 0), MY_VSPACE, CLIENT_WINDOW, seL4_X86_Default_VMAttributes), seL4_NoError,
      "a page table for the clients' frames");
    clientPtMapped = true;
  }
  return CLIENT_WINDOW + (nextPage++) * PAGE_SIZE;
}

/** The server's thread, made but not started (serservSpawn starts it). */
function serverThread(): u32 {
  stopped = make(OBJ_NOTIFICATION, 0);
  serverTcb = spawn(K_SERVER, stopped, myPriority(), 0, false);
  return serverTcb;
}

/** The test string's bytes, for write. */
function fillTestBytes(): void {
  for (let i = 0; i < TEST_STR.length; i++) store<u8>(testBytes + i, <u8>TEST_STR.charCodeAt(i));
}

/** Spawns the server at the test's priority (sel4test: seL4_MaxPrio - 1, the highest a test may give); returns the error. */
function spawnServer(): u32 {
  fillTestBytes();
  const tcb = serverThread();
  serverEp = freeSlot();
  return serservSpawn(myUntyped(), MY_CNODE, MY_VSPACE, tcb, MY_TCB, serverEp, freeSlot(), freeSlots(SERSERV_MAX_CLIENTS + 1),
    SERVER_WINDOW, myPriority());
}

/** A badged endpoint minted into a fresh slot (checked); returns the slot. */
function mintEp(): u32 {
  const ep = freeSlot();
  checkEq(serservMintEndpoint(MY_CNODE, ep), seL4_NoError, "mint a badged endpoint to the server");
  return ep;
}

/** Connects the parent through `ep` with a fresh frame and page; returns the error. */
function connect(ep: u32, conn: usize): u32 {
  return serservConnect(ep, myUntyped(), MY_CNODE, MY_VSPACE, freeSlot(), clientPage(), conn);
}

/** The checksum of the test string sent `times` times. */
function expectedSum(times: u32): u32 {
  let h: u32 = 0;
  for (let t: u32 = 0; t < times; t++) for (let i = 0; i < TEST_STR.length; i++) h = serservMix(h, TEST_STR.charCodeAt(i));
  return h;
}

/** The server printed the test string `times` times for `badge`, and nothing else. */
function checkPrinted(badge: u32, times: u32, what: string): void {
  checkEq(serservClientBytes(badge), times * <u32>strLen(), what);
  checkEq(serservClientSum(badge), expectedSum(times), what);
}

/** A request made by hand (not through the client calls): label, MR0, an optional capability; returns the server's error. */
function rawCall(ep: u32, label: u32, mr0: u32, cap: u32): u32 {
  seL4_SetMR(0, mr0);
  if (cap != 0) seL4_SetCap(0, cap);
  seL4_Call(ep, seL4_MessageInfo_new(label, 0, cap != 0 ? 1 : 0, 1));
  return seL4_GetMR(0);
}

// ── From the parent thread (libsel4serialserver's parent tests) ──────

/** SERSERV_PARENT_001: the server spawns and serves (a mint succeeds); a second spawn is refused. */
export function serservParentSpawn(): void {
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  check(serservRunning(), "it is serving");
  mintEp();
  checkEq(serservClientState(serservLastBadge()), CLIENT_MINTED, "the server knows the badge");
  checkEq(serservSpawn(myUntyped(), MY_CNODE, MY_VSPACE, serverThread(), MY_TCB, freeSlot(), freeSlot(), freeSlots(SERSERV_MAX_CLIENTS + 1),
    SERVER_WINDOW + LARGE_PAGE_SIZE * 2, myPriority()), seL4_IllegalOperation, "one server per address space");
}

/** SERSERV_PARENT_002: a parent thread connects through a minted endpoint. */
export function serservParentConnect(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  check(serservConnected(conn), "the connection is open");
  checkEq(serservClientState(badge), CLIENT_CONNECTED, "the server has the client's frame mapped");
}

/** SERSERV_PARENT_003: printf from a connected parent thread prints the string. */
export function serservParentPrintf(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  checkEq(<u32>serservPrintf(conn, TEST_STR), <u32>strLen(), "printf returns the characters printed");
  checkPrinted(badge, 1, "the server printed the string once");
}

/** SERSERV_PARENT_004: write from a connected parent thread prints the bytes. */
export function serservParentWrite(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  checkEq(<u32>serservWrite(conn, testBytes, <u32>strLen()), <u32>strLen(), "write returns the bytes printed");
  checkPrinted(badge, 1, "the server printed the bytes once");
}

/**
 * SERSERV_PARENT_005: printf and write, disconnect, then (with a newly
 * minted endpoint: the old badge is closed) connect again, write and
 * printf.
 */
export function serservParentReconnect(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  let ep = mintEp();
  const first = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  checkEq(<u32>serservPrintf(conn, TEST_STR), <u32>strLen(), "printf");
  checkEq(<u32>serservWrite(conn, testBytes, <u32>strLen()), <u32>strLen(), "write");
  checkEq(serservDisconnect(MY_CNODE, conn), seL4_NoError, "disconnect");
  check(!serservConnected(conn), "the connection is closed");
  checkEq(serservClientState(first), CLIENT_CLOSED, "the server closed the badge");
  checkEq(connect(ep, conn), seL4_IllegalOperation, "a closed badge cannot connect again");
  checkEq(del(ep), seL4_NoError, "free the old endpoint capability");
  ep = mintEp();
  const second = serservLastBadge();
  check(second != first, "a new badge");
  checkEq(connect(ep, conn), seL4_NoError, "connect again");
  checkEq(<u32>serservWrite(conn, testBytes, <u32>strLen()), <u32>strLen(), "write after the reset");
  checkEq(<u32>serservPrintf(conn, TEST_STR), <u32>strLen(), "printf after the reset");
  checkPrinted(first, 2, "the first connection printed twice");
  checkPrinted(second, 2, "the second connection printed twice");
}

/** SERSERV_PARENT_006: kill the server from the parent: it replies, its thread ends, later calls fail without waiting. */
export function serservParentKill(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  const other = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  checkEq(connect(mintEp(), other), seL4_NoError, "a second client connects");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  checkEq(serservKill(MY_CNODE, conn), seL4_NoError, "kill the server");
  seL4_Wait(stopped, 0);
  check(true, "the server's thread has ended");
  check(!serservRunning(), "the server is not serving");
  checkEq(serservClientState(badge), CLIENT_CLOSED, "the server let go of the killer's frame");
  checkEq(serservClientState(badge - 1), CLIENT_CLOSED, "and of the other client's");
  check(serservPrintf(other, TEST_STR) < 0, "the other client's printf fails (and does not wait)");
  checkEq(serservMintEndpoint(MY_CNODE, freeSlot()), seL4_IllegalOperation, "no new clients");
}

/** SERSERV_PARENT_007: bad arguments to spawn are errors and make nothing; then the same slots spawn it. */
export function serservSpawnInputs(): void {
  const ut = myUntyped();
  const tcb = serverThread();
  const ep = freeSlot();
  const pt = freeSlot();
  const slots = freeSlots(SERSERV_MAX_CLIENTS + 1);
  const p = myPriority();
  check(serservSpawn(0, MY_CNODE, MY_VSPACE, tcb, MY_TCB, ep, pt, slots, SERVER_WINDOW, p) != seL4_NoError, "no untyped");
  check(serservSpawn(ut, 0, MY_VSPACE, tcb, MY_TCB, ep, pt, slots, SERVER_WINDOW, p) != seL4_NoError, "no CNode");
  check(serservSpawn(ut, MY_CNODE, 0, tcb, MY_TCB, ep, pt, slots, SERVER_WINDOW, p) != seL4_NoError, "no VSpace");
  check(serservSpawn(ut, MY_CNODE, MY_VSPACE, 0, MY_TCB, ep, pt, slots, SERVER_WINDOW, p) != seL4_NoError, "no thread");
  check(serservSpawn(ut, MY_CNODE, MY_VSPACE, tcb, MY_TCB, 0, pt, slots, SERVER_WINDOW, p) != seL4_NoError, "no endpoint slot");
  check(serservSpawn(ut, MY_CNODE, MY_VSPACE, tcb, MY_TCB, ep, pt, slots, SERVER_WINDOW + PAGE_SIZE, p) != seL4_NoError, "an unaligned window");
  check(serservSpawn(ut, MY_CNODE, MY_VSPACE, tcb, MY_TCB, ep, pt, slots, SERVER_WINDOW, 256) != seL4_NoError, "a priority above seL4_MaxPrio");
  check(!serservRunning(), "no server");
  checkEq(serservSpawn(ut, MY_CNODE, MY_VSPACE, tcb, MY_TCB, ep, pt, slots, SERVER_WINDOW, p), seL4_NoError, "the same slots were left empty: it spawns");
  check(serservRunning(), "it serves");
}

/** SERSERV_PARENT_008: bad arguments to mint and connect are errors, reach nothing, and the good ones then work. */
export function serservConnectInputs(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(serservMintEndpoint(MY_CNODE, freeSlot()), seL4_IllegalOperation, "no server to mint for yet");
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const ep = freeSlot();
  check(serservMintEndpoint(0, ep) != seL4_NoError, "mint: no CNode");
  check(serservMintEndpoint(MY_CNODE, 0) != seL4_NoError, "mint: no slot");
  checkEq(serservMintEndpoint(MY_CNODE, ep), seL4_NoError, "mint");
  const badge = serservLastBadge();
  checkEq(badge, 1, "the bad mints used no badge");
  const frame = freeSlot();
  const page = clientPage();
  const ut = myUntyped();
  check(serservConnect(0, ut, MY_CNODE, MY_VSPACE, frame, page, conn) != seL4_NoError, "connect: no endpoint");
  check(serservConnect(ep, 0, MY_CNODE, MY_VSPACE, frame, page, conn) != seL4_NoError, "connect: no untyped");
  check(serservConnect(ep, ut, MY_CNODE, 0, frame, page, conn) != seL4_NoError, "connect: no VSpace");
  check(serservConnect(ep, ut, MY_CNODE, MY_VSPACE, frame, page, 0) != seL4_NoError, "connect: no connection block");
  check(serservConnect(ep, ut, MY_CNODE, MY_VSPACE, frame, page + 4, conn) != seL4_NoError, "connect: an unaligned buffer");
  checkEq(serservClientState(badge), CLIENT_MINTED, "none reached the server");
  checkEq(serservConnect(ep, ut, MY_CNODE, MY_VSPACE, frame, page, conn), seL4_NoError, "connect with the same slot and page");
  checkEq(<u32>serservPrintf(conn, TEST_STR), <u32>strLen(), "and print");
}

/** A label the protocol does not define. */
// @ts-ignore: decorator
@inline const SERSERV_MSG_UNKNOWN: u32 = SERSERV_CONNECT + 0x40;

/**
 * SERSERV_PARENT_008-server: requests the client calls would not send,
 * made by hand; the server refuses each and goes on serving: a connect on
 * the unbadged endpoint, one without a frame, one on a connected badge,
 * one with a capability that is not a frame, an unknown label.
 */
export function serservConnectServerChecks(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  const again = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  checkEq(rawCall(serverEp, SERSERV_CONNECT, 0, 0), seL4_InvalidCapability, "a connect on the unbadged endpoint (badge 0: no client)");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(rawCall(ep, SERSERV_CONNECT, 0, 0), seL4_InvalidArgument, "connect without a frame");
  checkEq(rawCall(ep, SERSERV_CONNECT, 0, make(OBJ_NOTIFICATION, 0)), seL4_InvalidCapability, "connect with a notification for a frame");
  checkEq(rawCall(ep, SERSERV_CONNECT, 0, make(OBJ_ENDPOINT, 0)), seL4_InvalidCapability, "connect with an endpoint for a frame (never invoked)");
  checkEq(serservClientState(badge), CLIENT_MINTED, "the badge is still free");
  checkEq(rawCall(ep, SERSERV_MSG_UNKNOWN, 0, 0), seL4_IllegalOperation, "an unknown label");
  checkEq(connect(ep, conn), seL4_NoError, "the badge connects");
  checkEq(connect(ep, again), seL4_IllegalOperation, "a connected badge cannot connect again");
  checkEq(<u32>serservPrintf(conn, TEST_STR), <u32>strLen(), "the first connection still prints");
  checkPrinted(badge, 1, "once");
}

/** SERSERV_PARENT_009: bad arguments to printf are errors and print nothing. */
export function serservPrintfInputs(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  check(serservPrintf(0, TEST_STR) != strLen(), "printf: no connection");
  checkEq(<u32>serservPrintf(0, TEST_STR), <u32>-(<i32>seL4_InvalidArgument), "an error");
  check(serservPrintf(conn, null) != strLen(), "printf: no string");
  checkEq(serservClientBytes(badge), 0, "nothing printed");
  checkEq(<u32>serservPrintf(conn, TEST_STR), <u32>strLen(), "a good printf then works");
  checkPrinted(badge, 1, "once");
}

/**
 * SERSERV_PARENT_009-server: writes the client calls would not send: from
 * a badge that never connected, and of more bytes than the buffer holds.
 */
export function serservWriteServerChecks(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const idle = mintEp();
  const idleBadge = serservLastBadge();
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  checkEq(rawCall(idle, SERSERV_WRITE, 4, 0), seL4_InvalidCapability, "a write from a badge that never connected");
  checkEq(rawCall(ep, SERSERV_WRITE, SERSERV_BUFFER_SIZE + 1, 0), seL4_RangeError, "a write over the buffer");
  checkEq(serservClientBytes(idleBadge) + serservClientBytes(badge), 0, "nothing printed");
  checkEq(<u32>serservWrite(conn, testBytes, <u32>strLen()), <u32>strLen(), "a good write then works");
  checkPrinted(badge, 1, "once");
}

/** SERSERV_PARENT_010: bad arguments to write are errors and print nothing. */
export function serservWriteInputs(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const ep = mintEp();
  const badge = serservLastBadge();
  checkEq(connect(ep, conn), seL4_NoError, "connect");
  check(serservWrite(0, testBytes, <u32>strLen()) != strLen(), "write: no connection");
  check(serservWrite(conn, 0, 500) != strLen(), "write: no bytes");
  checkEq(<u32>serservWrite(conn, testBytes, 0), 0, "write: 0 bytes prints nothing");
  checkEq(serservClientBytes(badge), 0, "nothing printed");
  checkEq(<u32>serservWrite(conn, testBytes, <u32>strLen()), <u32>strLen(), "a good write then works");
  checkPrinted(badge, 1, "once");
}

// ── From client threads (serial_server.c) ────────────────────────────

/**
 * serial_server.c's concurrency_test_common for threads: spawns the
 * server, mints each client its endpoint (and a second for `mode`
 * RECONNECT), starts the clients below the server's priority (sel4test:
 * seL4_MinPrio) with routine `mode`, waits for all and checks each
 * returned 0. Returns the first client's badge.
 */
function clientsRun(mode: u32): u32 {
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  done = make(OBJ_NOTIFICATION, 0);
  clientMode = mode;
  let first: u32 = 0;
  for (let i: u32 = 0; i < N_CLIENTS; i++) {
    const r = crec(i);
    store<u32>(r, mintEp(), C_EP);
    if (i == 0) first = serservLastBadge();
    store<u32>(r, freeSlot(), C_FRAME);
    store<u32>(r, clientPage(), C_VADDR);
    const d = freeSlot();
    checkEq(mint(d, done, R_ALL, <u32>1 << i), seL4_NoError, "a done badge for the client");
    store<u32>(r, d, C_DONE);
  }
  if (mode == MODE_RECONNECT) {
    for (let i: u32 = 0; i < N_CLIENTS; i++) {
      store<u32>(crec(i), mintEp(), C_EP2);
      store<u32>(crec(i), freeSlot(), C_FRAME2);
    }
  }
  for (let i: u32 = 0; i < N_CLIENTS; i++) spawn(K_CLIENT, i, myPriority() - 1);
  const word = memory.data(4, 4);
  let got: u32 = 0;
  while (got != (<u32>1 << N_CLIENTS) - 1) {
    store<u32>(word, 0);
    seL4_Wait(done, word);
    got |= load<u32>(word);
  }
  for (let i: u32 = 0; i < N_CLIENTS; i++) checkEq(load<u32>(crec(i), C_RESULT), 0, "a client's routine succeeded");
  return first;
}

/** SERSERV_CLIENT_001: client threads connect. */
export function serservClientConnect(): void {
  const first = clientsRun(MODE_CONNECT);
  for (let i: u32 = 0; i < N_CLIENTS; i++) {
    checkEq(serservClientState(first + i), CLIENT_CONNECTED, "each client is connected");
    check(serservConnected(crec(i) + C_CONN), "its connection is open");
  }
}

/** SERSERV_CLIENT_002: client threads printf. */
export function serservClientPrintf(): void {
  const first = clientsRun(MODE_PRINTF);
  for (let i: u32 = 0; i < N_CLIENTS; i++) checkPrinted(first + i, 1, "each client's string printed once");
}

/** SERSERV_CLIENT_003: client threads write. */
export function serservClientWrite(): void {
  const first = clientsRun(MODE_WRITE);
  for (let i: u32 = 0; i < N_CLIENTS; i++) checkPrinted(first + i, 1, "each client's bytes printed once");
}

/** SERSERV_CLIENT_004: client threads printf, write, reset the connection (a second badge), printf and write again. */
export function serservClientReconnect(): void {
  const first = clientsRun(MODE_RECONNECT);
  for (let i: u32 = 0; i < N_CLIENTS; i++) {
    checkEq(serservClientState(first + i), CLIENT_CLOSED, "each first connection closed");
    checkPrinted(first + i, 2, "each first connection printed twice");
    const second = first + N_CLIENTS + i;
    checkEq(serservClientState(second), CLIENT_CONNECTED, "each second connection open");
    checkPrinted(second, 2, "each second connection printed twice");
  }
}

/** SERSERV_CLIENT_005: client threads connect and disconnect, then the parent connects and kills the server. */
export function serservClientKill(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  const first = clientsRun(MODE_DISCONNECT);
  for (let i: u32 = 0; i < N_CLIENTS; i++) checkEq(serservClientState(first + i), CLIENT_CLOSED, "each client disconnected");
  checkEq(connect(mintEp(), conn), seL4_NoError, "the parent connects");
  checkEq(serservKill(MY_CNODE, conn), seL4_NoError, "and kills the server");
  seL4_Wait(stopped, 0);
  check(!serservRunning(), "the server's thread has ended");
}

// ── From clients in other address spaces (serial_server.c's CLI_PROC) ─

/** The helper-process kind of a client process (interas.ts starts it; main.ts routes it here). */
// @ts-ignore: decorator
@inline export const K_PROC_CLIENT: i32 = 520;
/** A client process's untyped share: 64 KiB, for its frames and its window's page table. */
// @ts-ignore: decorator
@inline const PROC_CLIENT_SHARE_BITS: u32 = 16;
/** Client processes per test (interas.ts runs two helper processes at once). */
// @ts-ignore: decorator
@inline const PROC_CLIENTS: u32 = 2;

/**
 * A client process's body ("serserv-client helper 520 0 <mode>"): its
 * own CSpace and VSpace hold only the badged endpoints the test gave it
 * (EXTRA_EP, and EXTRA_EP2 for a reconnect), so the frame it shares with
 * the server is one it makes from its own untyped and maps in its own
 * VSpace, and sends with the connect. It runs serial_server.c's client
 * routine `mode` and reports its result (0: success) as its detail.
 */
export function serservClientProcessMain(mode: u32): void {
  fillTestBytes();
  clientMode = mode;
  const r = crec(0);
  store<u32>(r, EXTRA_EP, C_EP);
  store<u32>(r, EXTRA_EP2, C_EP2);
  store<u32>(r, freeSlot(), C_FRAME);
  store<u32>(r, freeSlot(), C_FRAME2);
  store<u32>(r, clientPage(), C_VADDR);
  const result = clientRun(r);
  checkEq(result, 0, "the client's routine succeeded");
  helperReport(result);
}

/**
 * serial_server.c's concurrency_test_common for processes: spawns the
 * server in the test's address space, mints each client process its
 * endpoint (and a second for `mode` RECONNECT, minted after all the
 * first ones, as clientsRun does), starts the processes below the server
 * from the test's own image, waits for both and checks that each passed
 * with result 0. Returns the first client's badge; the processes are left
 * for the caller's checks (destroyClients).
 */
function processClientsRun(mode: u32): u32 {
  checkEq(spawnServer(), seL4_NoError, "spawn the server");
  const doneN = make(OBJ_NOTIFICATION, 0);
  const eps = memory.data(<i32>PROC_CLIENTS * 8, 4);
  let first: u32 = 0;
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) {
    store<u32>(eps + i * 8, mintEp());
    if (i == 0) first = serservLastBadge();
  }
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) store<u32>(eps + i * 8 + 4, mode == MODE_RECONNECT ? mintEp() : 0);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) {
    startHelper(i, "serserv-client", K_PROC_CLIENT, 0, mode, myPriority() - 1, load<u32>(eps + i * 8), 0, doneN, false, load<u32>(eps + i * 8 + 4),
      PROC_CLIENT_SHARE_BITS);
  }
  waitHelpers(doneN, (<u32>1 << PROC_CLIENTS) - 1);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) {
    checkEq(processStatus(record(i)), PROCESS_STATUS_PASSED, "a client process passed");
    checkEq(processStatusDetail(record(i)), 0, "its routine succeeded");
  }
  return first;
}

function destroyClients(): void {
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) destroyHelper(i);
}

/** SERSERV_CLI_PROC_001: clients in other VSpaces and CSpaces connect. */
export function serservProcConnect(): void {
  const first = processClientsRun(MODE_CONNECT);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) checkEq(serservClientState(first + i), CLIENT_CONNECTED, "the server has each client's frame mapped");
  destroyClients();
}

/** SERSERV_CLI_PROC_002: clients in other address spaces printf. */
export function serservProcPrintf(): void {
  const first = processClientsRun(MODE_PRINTF);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) checkPrinted(first + i, 1, "each client's string printed once, read from its frame");
  destroyClients();
}

/** SERSERV_CLI_PROC_003: clients in other address spaces write. */
export function serservProcWrite(): void {
  const first = processClientsRun(MODE_WRITE);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) checkPrinted(first + i, 1, "each client's bytes printed once, read from its frame");
  destroyClients();
}

/** SERSERV_CLI_PROC_004: clients in other address spaces printf, write, reconnect (a second badge), printf and write again. */
export function serservProcReconnect(): void {
  const first = processClientsRun(MODE_RECONNECT);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) {
    checkEq(serservClientState(first + i), CLIENT_CLOSED, "each first connection closed");
    checkPrinted(first + i, 2, "each first connection printed twice");
    const second = first + PROC_CLIENTS + i;
    checkEq(serservClientState(second), CLIENT_CONNECTED, "each second connection open");
    checkPrinted(second, 2, "each second connection printed twice");
  }
  destroyClients();
}

/**
 * SERSERV_CLI_PROC_005: clients in other address spaces connect and
 * disconnect; their processes are destroyed; then the parent connects
 * and kills the server, whose thread ends.
 */
export function serservProcKill(): void {
  const conn = memory.data(<i32>SERSERV_CONN_SIZE, 4);
  const first = processClientsRun(MODE_DISCONNECT);
  for (let i: u32 = 0; i < PROC_CLIENTS; i++) checkEq(serservClientState(first + i), CLIENT_CLOSED, "each client disconnected");
  destroyClients();
  checkEq(connect(mintEp(), conn), seL4_NoError, "the parent connects");
  checkEq(serservKill(MY_CNODE, conn), seL4_NoError, "and kills the server");
  seL4_Wait(stopped, 0);
  check(!serservRunning(), "the server's thread has ended");
}
