// build/playground.ts: `npm run playground`: tsos in the browser, under v86.
//
//   npm run playground                    build out/playground/, then serve it on 127.0.0.1
//   npm run playground -- --build-only    build it and stop
// (build/cli.ts playground calls playgroundCommand; its errors and exit
// statuses are the build tool's.)
//
// Owns: the playground's static folder and its local web server. The folder
// holds everything the page loads, under relative URLs, so a copy of it on
// any static host works: index.html, the page's script (build/playground/
// main.ts bundled by esbuild with xterm.js and v86's browser build), the
// style sheets, v86's wasm, Debian's SeaBIOS images, one ISO per boot
// configuration (each built by build/iso.ts from the definitions the rest
// of the build uses), and manifest.json, which tells the page the
// configurations, the images and the v86 machine options (build/v86.ts).
// The folder is built beside out/playground/ and renamed into place, so a
// server never sees half of one. The server answers GET and HEAD for files
// under the folder, 404 for anything else, and listens on 127.0.0.1 only;
// its port is TSOS_PLAYGROUND_PORT (build/env.ts).
// Must not: boot anything itself (the page does), or fetch anything from
// outside the repository and Debian's files.

import { build as esbuild } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, relative, sep } from "node:path";
import { BENCH_BOOT, buildIso, DEFAULT_CMDLINE, DEFAULT_MODULES, SEL4TEST_MEMORY_MIB, SEL4TEST_MODULES, type BootModule } from "./iso.ts";
import { OUT, ROOT, StageError } from "./stage.ts";
import { V86_BIOS, V86_ENDINGS, V86_MACHINE, V86_MEMORY_MIB, V86_VGA_BIOS, V86_WASM, v86Missing } from "./v86.ts";
import { playgroundPort } from "./env.ts";

export const PLAYGROUND_DIR = join(OUT, "playground");
const PAGE_SRC = join(ROOT, "build", "playground");

/** One boot configuration the page offers. */
export interface PlaygroundConfig {
  id: string;
  name: string;
  description: string;
  cmdline: string;
  modules: BootModule[];
  memoryMiB: number;
}

/** The configurations, in the order the page lists them; the first is the default. */
export const PLAYGROUND_CONFIGS: PlaygroundConfig[] = [
  {
    id: "os", name: "tsos (default system)", description: "out/os.iso, what npm start boots: the kernel and the root task",
    cmdline: DEFAULT_CMDLINE, modules: DEFAULT_MODULES, memoryMiB: V86_MEMORY_MIB,
  },
  {
    id: "bench", name: "benchmark", description: "what npm run bench boots: the kernel's and userland/bench's measurements (v86 counts no instructions: the numbers are not QEMU's)",
    cmdline: BENCH_BOOT.cmdline, modules: BENCH_BOOT.modules, memoryMiB: V86_MEMORY_MIB,
  },
  {
    id: "sel4test", name: "in-OS test suite", description: "userland/sel4test under the root task's driver, each test in a fresh process (v86 has no HPET: its six HPET tests fail, the other 158 pass)",
    cmdline: DEFAULT_CMDLINE, modules: SEL4TEST_MODULES, memoryMiB: SEL4TEST_MEMORY_MIB,
  },
];

/** The memory sizes the page offers (v86 wants a power of two). */
export const PLAYGROUND_MEMORY_MIB = [32, 64, 128, 256, 512];

/** What the page reads first (build/playground/main.ts imports this type). */
export interface PlaygroundManifest {
  bios: string;
  vgaBios: string;
  wasm: string;
  machine: Record<string, unknown>;
  memoryChoicesMiB: number[];
  /** The kernel's last line for each way a boot ends, as RegExp sources (multiline). */
  endings: { ending: string; pattern: string }[];
  configs: { id: string; name: string; description: string; iso: string; bytes: number; memoryMiB: number; cmdline: string; modules: string[] }[];
}

/** The files of the page itself, copied as they are. */
const PAGE_FILES = ["index.html", "playground.css"];

function copyInto(dir: string, from: string, to: string): void {
  if (!existsSync(from)) throw new StageError("playground", `${from} is missing`);
  mkdirSync(join(dir, to, ".."), { recursive: true });
  copyFileSync(from, join(dir, to));
}

/**
 * Builds every configuration's ISO and writes out/playground/. Returns the
 * folder. Throws StageError for a failed build or a missing input.
 */
export async function buildPlayground(): Promise<string> {
  const missing = v86Missing();
  if (missing) throw new StageError("playground", missing);
  const isos = PLAYGROUND_CONFIGS.map((c) => ({ c, path: buildIso({ cmdline: c.cmdline, modules: c.modules }) }));

  const tmp = `${PLAYGROUND_DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const f of PAGE_FILES) copyInto(tmp, join(PAGE_SRC, f), f);
    copyInto(tmp, join(ROOT, "node_modules", "@xterm", "xterm", "css", "xterm.css"), "xterm.css");
    copyInto(tmp, V86_WASM, "v86/v86.wasm");
    // v86 falls back to this one (same folder, derived name) where the browser lacks a wasm feature.
    copyInto(tmp, V86_WASM.replace(/v86\.wasm$/, "v86-fallback.wasm"), "v86/v86-fallback.wasm");
    copyInto(tmp, V86_BIOS, "bios/bios.bin");
    copyInto(tmp, V86_VGA_BIOS, "bios/vgabios-stdvga.bin");
    for (const { c, path } of isos) copyInto(tmp, path, `iso/${c.id}.iso`);

    const result = await esbuild({
      entryPoints: [join(PAGE_SRC, "main.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      sourcemap: false,
      // v86's module reaches for Node's modules only when it runs under Node.
      external: ["node:*", "fs", "perf_hooks", "crypto"],
      outfile: join(tmp, "playground.js"),
      logLevel: "silent",
    }).catch((e: Error) => {
      throw new StageError("playground bundle", e.message);
    });
    if (result.warnings.length) for (const w of result.warnings) console.error(`playground: esbuild: ${w.text}`);

    const manifest: PlaygroundManifest = {
      bios: "bios/bios.bin",
      vgaBios: "bios/vgabios-stdvga.bin",
      wasm: "v86/v86.wasm",
      machine: { ...V86_MACHINE },
      memoryChoicesMiB: PLAYGROUND_MEMORY_MIB,
      endings: V86_ENDINGS.map((e) => ({ ending: e.ending, pattern: e.line.source })),
      configs: isos.map(({ c, path }) => ({
        id: c.id, name: c.name, description: c.description, iso: `iso/${c.id}.iso`, bytes: statSync(path).size,
        memoryMiB: c.memoryMiB, cmdline: c.cmdline, modules: c.modules.map((m) => m.args),
      })),
    };
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    rmSync(PLAYGROUND_DIR, { recursive: true, force: true });
    renameSync(tmp, PLAYGROUND_DIR);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return PLAYGROUND_DIR;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
};

/** A running playground server. */
export interface PlaygroundServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free port). Rejects with the listen error (EADDRINUSE, ...). */
export function servePlayground(dir: string, port: number): Promise<PlaygroundServer> {
  const server: Server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = normalize(join(dir, path.endsWith("/") ? path + "index.html" : path));
    const inside = file.startsWith(dir + sep);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${path}\n`);
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const addr = server.address();
      const actual = typeof addr === "object" && addr ? addr.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        port: actual,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/** `npm run playground [-- --build-only]` (build/cli.ts playground, which has read the TSOS_* variables): build, then serve until Ctrl-C. */
export async function playgroundCommand(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--build-only");
  if (unknown.length) {
    console.error(`playground: unknown argument ${JSON.stringify(unknown[0])}; the only one is --build-only`);
    return 2;
  }
  const { port, explicit } = playgroundPort();
  const dir = await buildPlayground();
  console.error(`playground: built ${relative(ROOT, dir)}/ (a static folder: copy it to any web server)`);
  if (argv.includes("--build-only")) return 0;
  let server: PlaygroundServer;
  try {
    server = await servePlayground(dir, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (explicit || code !== "EADDRINUSE") {
      console.error(`playground: cannot listen on 127.0.0.1:${port}: ${code ?? (e as Error).message}`);
      return 1;
    }
    console.error(`playground: port ${port} is taken; using a free one (TSOS_PLAYGROUND_PORT sets it)`);
    server = await servePlayground(dir, 0);
  }
  console.log(`playground: ${server.url}`);
  console.error("playground: serving on 127.0.0.1 only; Ctrl-C stops it");
  await new Promise<void>((done) => {
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  await server.close();
  return 0;
}
