// test/build/setup.test.ts: build/setup.sh with stand-ins for dpkg-query,
// id and apt-get on PATH, so every branch runs without touching the system.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OUT, ROOT } from "../../build/stage.ts";

const BIN = join(OUT, "test-build", "setup-bin");

function fakeBin(installed: string[], uid: number): void {
  mkdirSync(BIN, { recursive: true });
  const dpkg = `#!/bin/bash\nfor p in "$@"; do case "$p" in -*) ;; *) if echo " ${installed.join(" ")} " | grep -q " $p "; then echo "$p installed"; else echo "$p not-installed"; fi;; esac; done\n`;
  writeFileSync(join(BIN, "dpkg-query"), dpkg);
  writeFileSync(join(BIN, "id"), `#!/bin/bash\necho ${uid}\n`);
  writeFileSync(join(BIN, "apt-get"), `#!/bin/bash\necho "apt-get $*" >> "${join(BIN, "apt.log")}"\n`);
  for (const f of ["dpkg-query", "id", "apt-get"]) chmodSync(join(BIN, f), 0o755);
  writeFileSync(join(BIN, "apt.log"), "");
}

function setup(): { status: number | null; stderr: string } {
  const r = spawnSync("bash", [join(ROOT, "build", "setup.sh")], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${BIN}:${process.env.PATH}` },
  });
  return { status: r.status, stderr: r.stderr };
}

const ALL = ["wabt", "gcc", "gcc-multilib", "binutils", "qemu-system-x86", "grub-pc-bin", "grub-common", "xorriso", "mtools", "seabios", "chromium", "gdb"];

describe("build/setup.sh", () => {
  it("does nothing when every package is present", () => {
    fakeBin(ALL, 1000);
    const r = setup();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("as a normal user, prints the exact apt-get line and fails", () => {
    fakeBin(ALL.filter((p) => p !== "wabt" && p !== "xorriso"), 1000);
    const r = setup();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("setup: missing Debian packages: wabt xorriso");
    expect(r.stderr).toContain("sudo apt-get install -y --no-install-recommends wabt xorriso");
    expect(readFileSync(join(BIN, "apt.log"), "utf8")).toBe("");
  });

  it("as root, installs exactly what is missing", () => {
    fakeBin(ALL.filter((p) => p !== "mtools"), 0);
    const r = setup();
    expect(r.status).toBe(0);
    const log = readFileSync(join(BIN, "apt.log"), "utf8");
    expect(log).toContain("apt-get update -qq");
    expect(log).toContain("apt-get install -y -qq --no-install-recommends mtools");
    expect(existsSync(join(ROOT, "node_modules", ".package-lock.json"))).toBe(true);
  });
});
