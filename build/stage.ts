// build/stage.ts: build stages with content-hash caching and named failures.
//
// Owns: how a build step is run. A stage names its inputs (files, and any
// extra key such as flags or tool versions) and outputs. If the hash of the
// inputs matches the stamp from the last successful run and every output
// exists, the stage does nothing. A failing command raises a StageError
// that names the stage and carries the tool's own diagnostic.
// Must not: know anything about kernels; build/kernel.ts composes stages.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { spawnSync } from "node:child_process";

export const ROOT = join(dirname(new URL(import.meta.url).pathname), "..");
export const OUT = join(ROOT, "out");

export class StageError extends Error {
  constructor(public stage: string, public detail: string) {
    super(`build failed at stage "${stage}":\n${detail.trimEnd()}`);
  }
}

export interface StageSpec {
  name: string;
  inputs: string[];
  /** Anything besides file contents that changes the result (flags, versions). */
  key?: string;
  outputs: string[];
  run: () => void;
}

export interface StageLog {
  ran: string[];
  skipped: string[];
}

export const stageLog: StageLog = { ran: [], skipped: [] };

function hashInputs(spec: StageSpec): string {
  const h = createHash("sha256");
  h.update(spec.name + "\0" + (spec.key ?? "") + "\0");
  for (const f of [...spec.inputs].sort()) {
    h.update(relative(ROOT, f) + "\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  return h.digest("hex");
}

export function stage(spec: StageSpec): boolean {
  const stampDir = join(OUT, ".stamps");
  const stamp = join(stampDir, spec.name.replace(/[^\w.-]/g, "_") + ".sha256");
  const hash = hashInputs(spec);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash && spec.outputs.every((o) => existsSync(o))) {
    stageLog.skipped.push(spec.name);
    return false;
  }
  for (const o of spec.outputs) mkdirSync(dirname(o), { recursive: true });
  spec.run();
  for (const o of spec.outputs) {
    if (!existsSync(o)) throw new StageError(spec.name, `the stage finished but did not produce ${relative(ROOT, o)}`);
  }
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp, hash);
  stageLog.ran.push(spec.name);
  return true;
}

/** Runs a tool; a non-zero exit becomes a StageError with its output. */
export function run(stageName: string, cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, encoding: "utf8", input: opts.input, maxBuffer: 64 << 20 });
  if (r.error) throw new StageError(stageName, `could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new StageError(stageName, `${cmd} ${args.join(" ")}\nexited with status ${r.status}\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

/** Every file under dir (recursively) whose name ends with one of exts. */
export function filesUnder(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, exts));
    else if (exts.some((x) => e.endsWith(x))) out.push(p);
  }
  return out.sort();
}

/** Writes a file only when its content changes, so stamps of later stages hold. */
export function writeIfChanged(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) {
    const old = readFileSync(path);
    if (Buffer.compare(old, Buffer.from(content)) === 0) return;
  }
  writeFileSync(path, content);
}
