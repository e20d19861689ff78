// test/build/cli.test.ts: the build tool's command line as a user meets it:
// TSOS_* variables checked before anything is built, and a boot that exits
// 0 only when the kernel powered off cleanly. QEMU is replaced by a stub on
// PATH where its exit status is the point; the gdb-port case runs the real
// one.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server, AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnv, ConfigError } from "../../build/env.ts";
import { ROOT } from "../../build/stage.ts";

const TSX = join(ROOT, "node_modules/.bin/tsx");
const CLI = join(ROOT, "build/cli.ts");

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TSOS_")) env[k] = v;
  return { ...env, ...extra };
}

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(TSX, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env), encoding: "utf8", timeout: 120_000 });
}

describe("TSOS_* variables", () => {
  it("have defaults", () => {
    expect(readEnv({})).toEqual({ memoryMiB: 128, accel: undefined, timeoutS: 300, gdbPort: 1234 });
    expect(readEnv({ TSOS_MEMORY_MIB: "256", TSOS_ACCEL: "tcg", TSOS_TIMEOUT: "0", TSOS_GDB_PORT: "4321" })).toEqual({
      memoryMiB: 256, accel: "tcg", timeoutS: 0, gdbPort: 4321,
    });
    expect(readEnv({ TSOS_MEMORY_MIB: "" }).memoryMiB).toBe(128);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ TSOS_MEMORY_MIB: "abc" }, /^TSOS_MEMORY_MIB must be a whole number of MiB from 8 to 16384, not "abc"$/],
    [{ TSOS_MEMORY_MIB: "12.5" }, /TSOS_MEMORY_MIB/],
    [{ TSOS_MEMORY_MIB: "0x80" }, /TSOS_MEMORY_MIB/],
    [{ TSOS_MEMORY_MIB: "4" }, /TSOS_MEMORY_MIB/],
    [{ TSOS_MEMORY_MIB: "99999" }, /TSOS_MEMORY_MIB/],
    [{ TSOS_MEMORY_MIB: "-128" }, /TSOS_MEMORY_MIB/],
    [{ TSOS_ACCEL: "hvf" }, /^TSOS_ACCEL must be "tcg" or "kvm", not "hvf"$/],
    [{ TSOS_TIMEOUT: "ten" }, /^TSOS_TIMEOUT must be a whole number of seconds/],
    [{ TSOS_TIMEOUT: "-1" }, /TSOS_TIMEOUT/],
    [{ TSOS_GDB_PORT: "70000" }, /^TSOS_GDB_PORT must be a TCP port from 1 to 65535, not "70000"$/],
    [{ TSOS_GDB_PORT: "0" }, /TSOS_GDB_PORT/],
    [{ TSOS_MEMORY_MB: "256" }, /^unknown variable TSOS_MEMORY_MB; tsos reads TSOS_MEMORY_MIB, TSOS_ACCEL, TSOS_TIMEOUT, TSOS_GDB_PORT, TSOS_PLAYGROUND_PORT$/],
  ];
  for (const [env, message] of bad) {
    it(`rejects ${JSON.stringify(env)}`, () => {
      expect(() => readEnv(env)).toThrow(ConfigError);
      expect(() => readEnv(env)).toThrow(message);
    });
  }

  it("are rejected by npm start's command in one line, before anything is built, with no stack trace", () => {
    for (const cmd of ["run", "debug", "bench", "iso"]) {
      const r = cli([cmd], { TSOS_MEMORY_MIB: "abc" });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe('tsos: TSOS_MEMORY_MIB must be a whole number of MiB from 8 to 16384, not "abc"\n');
      expect(r.stdout).toBe("");
    }
  });
});

describe("how a boot ends", () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), "tsos-qemu-stub-"));
    // A stand-in QEMU: says something on stderr and exits with STUB_STATUS.
    writeFileSync(join(bin, "qemu-system-i386"), '#!/bin/sh\necho "qemu-system-i386: stub says hello" >&2\nexit "$STUB_STATUS"\n');
    chmodSync(join(bin, "qemu-system-i386"), 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const run = (status: number) => cli(["run"], { PATH: `${bin}:${process.env.PATH}`, STUB_STATUS: String(status), TSOS_ACCEL: "tcg" });

  it("exits 0 on the kernel's clean power-off (QEMU status 33)", () => {
    const r = run(33);
    expect(r.status, r.stderr).toBe(0);
  });

  it("npm start runs the build tool in one process: QEMU's only ancestor running build/cli.ts is its parent", () => {
    // tsx's own command starts a second Node process for the script; `node --import tsx` does not.
    const probe = join(bin, "probe");
    writeFileSync(probe, [
      "#!/bin/sh",
      "p=$PPID; n=0",
      'while [ "$p" -gt 1 ]; do',
      // A Node process (not the shell npm runs the script line in) whose command line runs build/cli.ts.
      "  if [ \"$(cat /proc/$p/comm)\" = node ] && tr '\\0' ' ' < /proc/$p/cmdline | grep -q 'build/cli.ts run'; then n=$((n+1)); fi",
      "  p=$(awk '{print $4}' /proc/$p/stat)",
      "done",
      'echo "build tool processes: $n" >&2',
      "exit 33",
      "",
    ].join("\n"));
    chmodSync(probe, 0o755);
    const stub = mkdtempSync(join(tmpdir(), "tsos-qemu-probe-"));
    try {
      writeFileSync(join(stub, "qemu-system-i386"), `#!/bin/sh\nexec ${probe}\n`);
      chmodSync(join(stub, "qemu-system-i386"), 0o755);
      const r = spawnSync("npm", ["start", "--silent"], {
        cwd: ROOT, env: cleanEnv({ PATH: `${stub}:${process.env.PATH}`, TSOS_ACCEL: "tcg" }), encoding: "utf8", timeout: 300_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("build tool processes: 1");
    } finally {
      rmSync(stub, { recursive: true, force: true });
    }
  }, 320_000);

  it("exits 1 on a kernel panic (QEMU status 35)", () => {
    const r = run(35);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("qemu: the kernel stopped after a panic");
  });

  for (const status of [1, 0, 2]) {
    it(`exits 1 with QEMU's message when QEMU itself exits with ${status}`, () => {
      const r = run(status);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`qemu: failed: it exited with status ${status}`);
      expect(r.stderr).toContain("  qemu-system-i386: stub says hello");
    });
  }

  it("npm run debug exits 1 with QEMU's message when the gdb port is taken", async () => {
    const server: Server = createServer();
    // "::" takes the port for IPv6 and IPv4, as a first `npm run debug` does.
    await new Promise<void>((resolve) => server.listen(0, "::", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const child = spawn(TSX, [CLI, "debug"], {
        cwd: ROOT, env: cleanEnv({ TSOS_GDB_PORT: String(port) }), stdio: ["ignore", "pipe", "pipe"], detached: true,
      });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      // Should QEMU wait for gdb after all, stop it and everything under the CLI.
      const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      clearTimeout(timer);
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/qemu: failed: it exited with status 1; it said:\n .*(gdb|Address already in use|port)/i);
    } finally {
      server.close();
    }
  });
});
