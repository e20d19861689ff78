// build/env.ts: the TSOS_* environment variables, checked before anything is built.
//
// Owns: the list of variables the build tool reads, their meaning, their
// defaults and their accepted values. A bad value (or an unknown TSOS_*
// name, which is almost always a typo) is a ConfigError with a one-line
// message; build/cli.ts prints it without a stack trace and exits 2.
// Must not: read process.env anywhere else in build/: every knob is here.

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Accel = "tcg" | "kvm";

export interface TsosEnv {
  /** QEMU's RAM size in MiB (TSOS_MEMORY_MIB, default 128). */
  memoryMiB: number;
  /** A forced accelerator (TSOS_ACCEL), or undefined to choose by the host CPU. */
  accel: Accel | undefined;
  /** Seconds before `npm start` stops a QEMU that has not powered off (TSOS_TIMEOUT, default 300; 0 = never). */
  timeoutS: number;
  /** The gdb stub's TCP port for `npm run debug` (TSOS_GDB_PORT, default 1234). */
  gdbPort: number;
}

interface Knob {
  name: string;
  meaning: string;
}

/** Every variable the build tool reads, for the message about an unknown one. */
export const KNOBS: readonly Knob[] = [
  { name: "TSOS_MEMORY_MIB", meaning: "guest RAM in MiB, 8 to 16384 (default 128)" },
  { name: "TSOS_ACCEL", meaning: "force the QEMU accelerator: tcg or kvm (default: kvm only with vmx/svm)" },
  { name: "TSOS_TIMEOUT", meaning: "seconds before npm start stops QEMU, 0 for never (default 300)" },
  { name: "TSOS_GDB_PORT", meaning: "TCP port of npm run debug's gdb stub, 1 to 65535 (default 1234)" },
  { name: "TSOS_PLAYGROUND_PORT", meaning: "TCP port of npm run playground's web server, 0 for any free one (default 8086)" },
];

export const MEMORY_MIB_MIN = 8;
export const MEMORY_MIB_MAX = 16384;

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be ${what} from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  }
  return n;
}

/** The accelerator variable alone (build/qemu.ts's chooseAccel uses it too). */
export function forcedAccel(env: NodeJS.ProcessEnv): Accel | undefined {
  const raw = env.TSOS_ACCEL;
  if (raw === undefined || raw === "") return undefined;
  if (raw === "tcg" || raw === "kvm") return raw;
  throw new ConfigError(`TSOS_ACCEL must be "tcg" or "kvm", not ${JSON.stringify(raw)}`);
}

/** Reads and checks every TSOS_* variable. Throws ConfigError on the first bad one. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TsosEnv {
  const known = new Set(KNOBS.map((k) => k.name));
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("TSOS_") && !known.has(name)) {
      throw new ConfigError(`unknown variable ${name}; tsos reads ${[...known].join(", ")}`);
    }
  }
  return {
    memoryMiB: wholeNumber(env, "TSOS_MEMORY_MIB", 128, MEMORY_MIB_MIN, MEMORY_MIB_MAX, "a whole number of MiB"),
    accel: forcedAccel(env),
    timeoutS: wholeNumber(env, "TSOS_TIMEOUT", 300, 0, 86400, "a whole number of seconds"),
    gdbPort: wholeNumber(env, "TSOS_GDB_PORT", 1234, 1, 65535, "a TCP port"),
  };
}

/** npm run playground's default port; taken, it falls back to a free one (an explicit TSOS_PLAYGROUND_PORT does not). */
export const PLAYGROUND_DEFAULT_PORT = 8086;

/** The playground server's port (TSOS_PLAYGROUND_PORT), and whether it was asked for; 0 means any free port. */
export function playgroundPort(env: NodeJS.ProcessEnv = process.env): { port: number; explicit: boolean } {
  const explicit = env.TSOS_PLAYGROUND_PORT !== undefined && env.TSOS_PLAYGROUND_PORT !== "";
  return { port: wholeNumber(env, "TSOS_PLAYGROUND_PORT", PLAYGROUND_DEFAULT_PORT, 0, 65535, "a TCP port (0 for any free one)"), explicit };
}
