// kernel/debug/path-stats.ts: the longest non-preemptible kernel path, measured.
//
// Owns: timing every stretch the kernel runs without a chance to take an
// interrupt: from a kernel entry (system call, user trap, an interrupt of
// the idle loop) to the next exit to user mode or idle, or to the next
// preemption point (a preemption point ends one stretch and starts the
// next). The longest is printed when the machine stops, with what was
// running: "kernel: longest non-preemptible path N instructions (...)".
// Until the kernel's preemption points take pending interrupts (they only
// count work today: kernel/cspace/delete.ts), the real bound is the whole
// kernel entry, so that is printed too: "kernel: longest kernel entry N
// instructions (...)".
// Under TCG with -icount shift=0, rdtsc counts instructions, so N is exact.
// All of it exists only in the measuring kernel variant (build/kernel.ts
// passes asc `--use TSOS_PATH_STATS=1` for `npm run bench`'s path runs,
// and 0 for every other build): with 0 each function folds to nothing,
// so the kernel everyone runs pays no instruction for it.
// Must not: change what it measures (it only reads the time stamp counter).

import { rdtsc } from "../arch/x86/intrinsics";
import { puts, putNewline, putLineStart } from "../console";
import { putDec, putSigned } from "../lib/format";

// @ts-ignore: the measuring variant's switch, an integer constant from asc --use
@inline const ON: bool = TSOS_PATH_STATS != 0;

/** What a stretch started with. */
export enum PathKind {
  Syscall = 0,   // detail: the system call number
  Invocation = 1, // detail: the invocation label
  Trap = 2,      // detail: the vector
  Idle = 3,      // detail: the vector of the interrupt that woke the idle loop
}

let start: u64 = 0;
let entryStart: u64 = 0;
let longestEntry: u64 = 0;
let longestEntryKind: PathKind = PathKind.Syscall;
let longestEntryDetail: i32 = 0;
let kind: PathKind = PathKind.Syscall;
let detail: i32 = 0;
let longest: u64 = 0;
let longestKind: PathKind = PathKind.Syscall;
let longestDetail: i32 = 0;
let stretches: u64 = 0;

/** A kernel entry: a stretch starts. */
// @ts-ignore: decorator
@inline export function pathEnter(k: PathKind, d: i32): void {
  if (ON) {
    start = rdtsc();
    entryStart = start;
    kind = k;
    detail = d;
  }
}

/** What the current stretch turned out to be (a Call found an invocation label). */
// @ts-ignore: decorator
@inline export function pathRefine(k: PathKind, d: i32): void {
  if (ON) {
    kind = k;
    detail = d;
  }
}

function close(now: u64): void {
  if (start == 0) return; // the boot itself is not a stretch
  const length = now - start;
  stretches++;
  if (length > longest) {
    longest = length;
    longestKind = kind;
    longestDetail = detail;
  }
}

/** The kernel leaves to user mode or to idle: the stretch ends. */
// @ts-ignore: decorator
@inline export function pathLeave(): void {
  if (ON) {
    const now = rdtsc();
    close(now);
    if (entryStart != 0 && now - entryStart > longestEntry) {
      longestEntry = now - entryStart;
      longestEntryKind = kind;
      longestEntryDetail = detail;
    }
    start = 0;
    entryStart = 0;
  }
}

/** A preemption point: the stretch ends here, and the work goes on in a new one. */
// @ts-ignore: decorator
@inline export function pathPreemptionPoint(): void {
  if (ON) {
    const now = rdtsc();
    close(now);
    start = now;
  }
}

function kindName(k: PathKind): string {
  switch (k) {
    case PathKind.Syscall: return "system call ";
    case PathKind.Invocation: return "invocation label ";
    case PathKind.Trap: return "trap vector ";
    default: return "interrupt in the idle loop, vector ";
  }
}

/** Prints the longest stretch (measuring variant only). */
export function pathReport(): void {
  if (!ON) return;
  putLineStart();
  puts("kernel: longest non-preemptible path ");
  putDec(longest);
  puts(" instructions (");
  puts(kindName(longestKind));
  putSigned(<i64>longestDetail);
  puts(") over ");
  putDec(stretches);
  puts(" kernel entries and preemption points");
  putNewline();
  puts("kernel: longest kernel entry ");
  putDec(longestEntry);
  puts(" instructions (");
  puts(kindName(longestEntryKind));
  putSigned(<i64>longestEntryDetail);
  puts(")");
  putNewline();
}
