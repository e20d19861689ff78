// test/stress/boots.ts: many boots at once on a busy machine; no capture may be cut short.
//
//   npm run stress                 60 boots, 3 at a time, both CPUs kept busy
//   npm run stress -- 90 3         boots, parallelism
//
// Owns: the stress proof of the console and capture design (issue 6). Two
// other processes spin on both CPUs for the whole run. Two boots in three
// capture COM1 through a file (the system tests' way); every third one puts
// QEMU's standard output on a slow reader with 1 KiB socket buffers
// (test/helpers/slow-reader.c; 256 bytes every 10 ms, which such a socket
// turns into about 500 bytes a second), so QEMU holds the UART busy and the
// kernel must wait. Every boot runs one printer as the root task (about 2.5 KiB of
// log, the same on every boot) and must power off with a log identical to a reference boot's, up to
// the kernel's last line; only the timer-tick count may differ.
// Must not: run in `npm test` (it takes minutes and loads the machine on
// purpose), or time anything: the result is a count of complete captures.

import { spawn, ChildProcess } from "node:child_process";
import { boot, bootWithSlowReader, comparableKernelLog, slowReaderBinary } from "../helpers/qemu.ts";

const LAST_LINE = "kernel: no threads left; stopping";
const MODULES = [{ program: "printer", args: "chatty 40 1000 lines" }];

function hogs(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
}

async function main(): Promise<number> {
  const total = Number(process.argv[2] ?? 60);
  const parallel = Number(process.argv[3] ?? 3);
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(parallel) || parallel < 1) {
    console.error("usage: npm run stress -- [boots] [parallel]");
    return 2;
  }
  slowReaderBinary();
  const ref = await boot({ modules: MODULES });
  if (ref.how !== "poweroff") {
    console.error(`stress: the reference boot did not power off (${ref.how}):\n${ref.stderr}${ref.serial}`);
    return 1;
  }
  const reference = comparableKernelLog(ref);
  console.log(`stress: reference log ${reference.length} lines, ${ref.serial.length} bytes; ${total} boots, ${parallel} at a time, 2 CPU hogs`);

  const spinning = hogs(2);
  const failures: string[] = [];
  let done = 0;
  let slow = 0;
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const viaReader = i % 3 === 2;
      if (viaReader) slow++;
      const r = viaReader
        ? await bootWithSlowReader({ delayMs: 0, chunk: 256, intervalMs: 10, bufferBytes: 1024 }, { modules: MODULES, timeoutMs: 180_000 })
        : await boot({ modules: MODULES, timeoutMs: 120_000 });
      const log = comparableKernelLog(r);
      const same = log.length === reference.length && log.every((l, j) => l === reference[j]);
      done++;
      if (r.how !== "poweroff" || !same) {
        const lastLine = log.length >= 2 ? log[log.length - 2] : "(none)";
        failures.push(`boot ${i} (${viaReader ? "slow reader" : "file"}): ${r.how}, ${log.length}/${reference.length} lines, last "${lastLine}"`);
        console.log(`  FAIL ${failures[failures.length - 1]}`);
      }
      if (done % 10 === 0) console.log(`  ${done}/${total} boots, ${failures.length} failed`);
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    for (const h of spinning) h.kill("SIGKILL");
  }
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(
    `stress: ${total} boots (${total - slow} through a file, ${slow} through a slow reader), ${parallel} at a time, both CPUs busy: ` +
      `${total - failures.length} complete, ${failures.length} cut short or failed (last line "${LAST_LINE}"; ${seconds} s)`,
  );
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
