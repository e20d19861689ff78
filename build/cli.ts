// build/cli.ts: the build tool's command line.
//
//   tsx build/cli.ts kernel     build out/kernel.elf            (npm run build)
//   tsx build/cli.ts iso        build out/os.iso                (npm run iso)
//   tsx build/cli.ts run [kernel options] [--module <program>[:<args>]]...
//                               boot out/os.iso in QEMU         (npm start -- ...)
//   tsx build/cli.ts debug      boot the debug kernel paused with a gdb stub (npm run debug)
//   tsx build/cli.ts bench      run the benchmarks              (npm run bench)
//   tsx build/cli.ts fuzz [seed] [n]  the system-call fuzzer     (npm run fuzz -- [seed] [n])
//   tsx build/cli.ts clean      remove out/                     (npm run clean)
//   tsx build/cli.ts playground [--build-only]
//                               build out/playground/ and serve it (npm run playground)
//
// fuzz boots userland/syscallfuzz as the root task under TCG with
// -icount shift=0 (so a seed replays the same run), with `seed` (hex
// 0x... or decimal; a random one if left out, printed first) and `n`
// invocations (default 1 000 000); it exits 0 only if every kernel
// self-check found 0 problems and the system powered off cleanly.
//
// Owns: argument parsing and the user-facing report. The TSOS_* variables
// are checked first (build/env.ts): a bad one is one line and exit 2,
// before anything is built. A build failure prints the stage and the
// tool's diagnostic and exits 1. A boot exits 0 only on the kernel's clean
// power-off; a panic, a timeout or a failure of QEMU itself (its message
// is shown) exits 1.
// Must not: contain stage logic (build/kernel.ts, build/iso.ts, build/qemu.ts).

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { relative } from "node:path";
import { buildKernel, kernelElf } from "./kernel.ts";
import { buildIso, parseBootArgs } from "./iso.ts";
import { chooseAccel, qemuArgs, classifyExit, describeQemuFailure } from "./qemu.ts";
import { OUT, ROOT, StageError, stageLog } from "./stage.ts";
import { rmSync } from "node:fs";
import { gdbCommand } from "./debug.ts";
import { runBench, printBench, runPaths, printPaths, PATH_RUNS, BenchError } from "./bench.ts";
import { ConfigError, readEnv } from "./env.ts";

function report(t0: bigint): void {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.error(`build: ${stageLog.ran.length} stages ran, ${stageLog.skipped.length} up to date (${ms.toFixed(0)} ms)`);
}

// Runs QEMU with serial on this terminal. QEMU's stderr passes through as
// it comes, and its tail is kept to name the failure.
function boot(args: string[], timeoutS: number): Promise<number> {
  console.error(`qemu-system-i386 ${args.join(" ")}`);
  const child = spawn("qemu-system-i386", args, { stdio: ["inherit", "inherit", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    process.stderr.write(d);
    stderr = (stderr + d.toString("utf8")).slice(-4096);
  });
  let timedOut = false;
  const timer = timeoutS > 0 ? setTimeout(() => {
    timedOut = true;
    console.error(`\nqemu: no power-off after ${timeoutS} s, stopping it (TSOS_TIMEOUT=0 disables this)`);
    child.kill("SIGTERM");
  }, timeoutS * 1000) : null;
  return new Promise((resolve) => {
    child.on("error", (e) => {
      console.error(`qemu: cannot start qemu-system-i386: ${e.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) return resolve(1);
      switch (classifyExit(code, signal)) {
        case "poweroff":
          return resolve(0);
        case "panic":
          console.error("qemu: the kernel stopped after a panic");
          return resolve(1);
        case "failure":
          console.error("qemu: the system powered off reporting a failure (DebugPowerOff with a non-zero status)");
          return resolve(1);
        default:
          console.error(describeQemuFailure(code, signal, stderr));
          return resolve(1);
      }
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0] ?? "kernel";
  const env = readEnv();
  const t0 = process.hrtime.bigint();
  switch (cmd) {
    case "kernel":
      buildKernel();
      report(t0);
      return 0;
    case "iso": {
      const iso = buildIso();
      report(t0);
      console.error(`iso: ${relative(ROOT, iso)}`);
      return 0;
    }
    case "run": {
      const boot0 = parseBootArgs(argv.slice(1));
      if (typeof boot0 === "string") {
        console.error(`tsos: ${boot0}`);
        return 2;
      }
      const iso = buildIso(boot0);
      report(t0);
      const accel = chooseAccel();
      console.error(`qemu: accelerator ${accel}${accel === "tcg" ? " (no vmx/svm on this host)" : ""}; serial on this terminal`);
      return boot(qemuArgs({ iso, accel, memoryMiB: env.memoryMiB }), env.timeoutS);
    }
    case "debug": {
      const boot1 = parseBootArgs(argv.slice(1));
      if (typeof boot1 === "string") {
        console.error(`tsos: ${boot1}`);
        return 2;
      }
      // The debug kernel (build/kernel.ts): a C function and a gdb frame per AssemblyScript function.
      const iso = buildIso({ ...boot1, kernel: "debug" });
      report(t0);
      const port = env.gdbPort;
      console.error("QEMU is paused with its gdb stub. In another terminal (kernel and user program symbols, .ts lines):");
      console.error(`  ${gdbCommand(kernelElf("debug"), boot1.modules.map((m) => m.program), port)}`);
      console.error("Serial output appears here; Ctrl-A X quits QEMU.");
      return boot(qemuArgs({ iso, accel: "tcg", memoryMiB: env.memoryMiB, gdbPort: port, serial: "mon:stdio" }), 0);
    }
    case "bench": {
      const results = await runBench();
      report(t0);
      printBench(results);
      printPaths(await runPaths(PATH_RUNS));
      return 0;
    }
    case "fuzz": {
      const seed = argv[1] ?? `0x${randomBytes(4).toString("hex")}`;
      const n = argv[2] ?? "1000000";
      if (!/^(0x[0-9a-fA-F]{1,8}|[0-9]{1,10})$/.test(seed) || !/^[0-9]{1,10}$/.test(n)) {
        console.error(`fuzz: usage: fuzz [seed] [invocations]; the seed is 0x<hex> or decimal, not ${JSON.stringify(seed)} ${JSON.stringify(n)}`);
        return 2;
      }
      const iso = buildIso({ modules: [{ program: "syscallfuzz", args: `syscallfuzz seed=${seed} n=${n}` }] });
      report(t0);
      console.error(`fuzz: seed ${seed}, ${n} invocations (repeat this run with: npm run fuzz -- ${seed} ${n})`);
      return boot(qemuArgs({ iso, accel: "tcg", icount: true, memoryMiB: Math.max(env.memoryMiB, 64) }), env.timeoutS);
    }
    case "clean":
      // Everything the build writes is under out/ (stage outputs and stamps, user programs, each boot
      // configuration's ISO staging tree); the next build makes what it needs again.
      rmSync(OUT, { recursive: true, force: true });
      console.error(`clean: removed ${relative(ROOT, OUT)}/`);
      return 0;
    case "playground": {
      // Loaded only for this command: it brings esbuild, which no other command needs at start-up.
      const { playgroundCommand } = await import("./playground.ts");
      return playgroundCommand(argv.slice(1));
    }
    default:
      console.error(`unknown command ${JSON.stringify(cmd)}: use kernel, iso, run, debug, bench, fuzz, clean or playground`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof ConfigError) {
      console.error(`tsos: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof StageError || e instanceof BenchError) {
      console.error(e.message);
      process.exit(1);
    }
    console.error(e);
    process.exit(1);
  },
);
