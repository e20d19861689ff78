// build/cli.ts: the build tool's command line (npm run build/iso/start/debug/bench).
//
// Owns: argument parsing and the user-facing report of what ran. Failures
// print the stage and the tool's diagnostic and exit 1.
// Must not: contain stage logic (build/kernel.ts, build/iso.ts, build/qemu.ts).

import { buildKernel } from "./kernel.ts";
import { StageError, stageLog } from "./stage.ts";

async function main(argv: string[]): Promise<void> {
  const cmd = argv[0] ?? "kernel";
  const t0 = process.hrtime.bigint();
  switch (cmd) {
    case "kernel":
      buildKernel();
      break;
    default:
      console.error(`unknown command ${cmd}`);
      process.exit(2);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.error(`build: ${stageLog.ran.length} stages ran, ${stageLog.skipped.length} up to date (${ms.toFixed(0)} ms)`);
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof StageError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
});
