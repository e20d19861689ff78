// test/system/playground.test.ts: the playground page in a real browser (npm run playground).
//
// Builds out/playground/ (build/playground.ts), serves it on an ephemeral
// 127.0.0.1 port and loads it in Debian's headless Chromium through
// puppeteer-core (build/setup.sh installs /usr/bin/chromium; without it the
// test fails and says so: nothing here downloads a browser). The page boots
// out/os.iso in v86. The test reads the terminal through the page's hook
// (window.tsosPlayground, build/playground/main.ts): it waits for the kernel
// banner and the kernel's last line, types into the focused terminal and
// checks that exactly those bytes reached COM1 (v86's UART receive queue:
// tsos does not read COM1 input yet, so they stay there), saves a
// screenshot (out/screenshots/playground.png), restarts the machine with the
// page's button and waits for a second boot, then boots the benchmark with
// 64 MiB through the page's two selectors. Any page error, console error,
// failed request or HTTP status >= 400 fails it, and every file the page
// needs must have been fetched from the folder.
// The static server's own checks (no file outside the folder, the
// manifest's configurations) run without the browser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { buildPlayground, PLAYGROUND_CONFIGS, servePlayground, type PlaygroundManifest, type PlaygroundServer } from "../../build/playground.ts";
import { BENCH_BOOT, DEFAULT_CMDLINE, DEFAULT_MODULES, SEL4TEST_MODULES } from "../../build/iso.ts";
import { ConfigError, playgroundPort } from "../../build/env.ts";
import { OUT } from "../../build/stage.ts";

const CHROMIUM = "/usr/bin/chromium";
const BANNER = "tsos 0.1.0: a capability microkernel in AssemblyScript";
const LAST_LINE = "kernel: no threads left; stopping";
export const SCREENSHOT = join(OUT, "screenshots", "playground.png");

/** What window.tsosPlayground reports (build/playground/main.ts). */
interface Hook {
  phase: string;
  config: string;
  memoryMiB: number;
  boots: number;
  serialBytes: number;
  com1SentBytes: number;
  ending: string | null;
  endingLine: string | null;
  errors: string[];
  serialText(): string;
  com1Queue(): number[] | null;
  terminalText(): string;
}

let dir: string;
let server: PlaygroundServer;

beforeAll(async () => {
  dir = await buildPlayground();
  server = await servePlayground(dir, 0);
}, 600_000);

afterAll(async () => {
  await server?.close();
});

function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url + path.replace(/^\//, ""), (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describe("the playground folder and server", () => {
  it("lists the three boot configurations, built from the definitions npm start, npm run bench and the suite use", () => {
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as PlaygroundManifest;
    expect(m.configs.map((c) => c.id)).toEqual(["os", "bench", "sel4test"]);
    const byId = Object.fromEntries(m.configs.map((c) => [c.id, c]));
    expect(byId.os).toMatchObject({ cmdline: DEFAULT_CMDLINE, modules: DEFAULT_MODULES.map((x) => x.args) });
    expect(byId.bench).toMatchObject({ cmdline: BENCH_BOOT.cmdline, modules: BENCH_BOOT.modules.map((x) => x.args) });
    expect(byId.sel4test).toMatchObject({ cmdline: DEFAULT_CMDLINE, modules: SEL4TEST_MODULES.map((x) => x.args), memoryMiB: 256 });
    for (const c of m.configs) expect(statSync(join(dir, c.iso)).size, c.iso).toBe(c.bytes);
    expect(PLAYGROUND_CONFIGS.length).toBe(3);
    for (const f of [m.bios, m.vgaBios, m.wasm, "index.html", "playground.js", "xterm.css", "playground.css"]) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(m.machine).toMatchObject({ acpi: true });
  });

  it("serves the folder's files with their types and nothing outside it", async () => {
    const index = await rawGet(server.url, "/");
    expect(index.status).toBe(200);
    expect(index.body).toContain('<script type="module" src="playground.js">');
    expect(index.body, "only relative URLs").not.toMatch(/(src|href)="(\/|https?:)/);
    expect((await rawGet(server.url, "/%2e%2e/package.json")).status).toBe(404);
    expect((await rawGet(server.url, "/..%2fpackage.json")).status).toBe(404);
    expect((await rawGet(server.url, "/no-such-file")).status).toBe(404);
  });

  it("takes its port from TSOS_PLAYGROUND_PORT, refusing one that is not a port in one line", () => {
    expect(playgroundPort({})).toEqual({ port: 8086, explicit: false });
    expect(playgroundPort({ TSOS_PLAYGROUND_PORT: "0" })).toEqual({ port: 0, explicit: true });
    expect(() => playgroundPort({ TSOS_PLAYGROUND_PORT: "http" })).toThrow(ConfigError);
    expect(() => playgroundPort({ TSOS_PLAYGROUND_PORT: "70000" })).toThrow(/^TSOS_PLAYGROUND_PORT must be a TCP port \(0 for any free one\) from 0 to 65535, not "70000"$/);
  });
});

describe("the playground in headless Chromium", () => {
  let browser: Browser | undefined;
  let page: Page;
  const problems: string[] = [];
  const fetched = new Set<string>();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (npm run setup does)`);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in a container: no user namespaces for Chromium's sandbox, a small /dev/shm, no GPU.
      args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--no-default-browser-check"],
      // Longer than the longest wait: a waitForFunction is one protocol call.
      protocolTimeout: 600_000,
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 640 });
    page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      else if (r.url().startsWith(server.url)) fetched.add(new URL(r.url()).pathname);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const hook = <T>(f: (h: Hook) => T): Promise<T> =>
    page.evaluate(`(${f.toString()})(window.tsosPlayground)`) as Promise<T>;

  /** Waits until the terminal of the boot that `run` describes (boot count, configuration, memory) shows every one of `lines`. */
  async function waitForLines(lines: string[], run: { boots?: number; config?: string; memoryMiB?: number }, timeout: number): Promise<string> {
    await page.waitForFunction(
      (want: string[], r: { boots?: number; config?: string; memoryMiB?: number }) => {
        const h = (window as unknown as { tsosPlayground?: Hook }).tsosPlayground;
        if (!h) return false;
        if (h.phase === "error") return true;
        if ((r.boots !== undefined && h.boots !== r.boots) || (r.config !== undefined && h.config !== r.config) || (r.memoryMiB !== undefined && h.memoryMiB !== r.memoryMiB)) return false;
        const text = h.terminalText();
        return want.every((l) => text.includes(l));
      },
      { timeout, polling: 500 },
      lines,
      run,
    );
    expect(await hook((h) => h.errors)).toEqual([]);
    return hook((h) => h.terminalText());
  }

  it("boots out/os.iso to the kernel's last line, sends typing to COM1, restarts, and boots another configuration", async () => {
    await page.goto(server.url, { waitUntil: "load", timeout: 60_000 });

    // The first boot: the banner, then the kernel's last line; the page reports a clean stop.
    await waitForLines([BANNER], { boots: 1 }, 240_000);
    const text = await waitForLines([BANNER, LAST_LINE], { boots: 1 }, 240_000);
    const lines = text.split("\n");
    expect(lines.some((l) => l.startsWith(BANNER)), text).toBe(true);
    expect(lines).toContain('root: hello from user mode, arguments "root"');
    expect(lines).toContain(LAST_LINE);
    expect(await hook((h) => [h.config, h.memoryMiB, h.phase, h.ending, h.endingLine])).toEqual(["os", 128, "stopped", "poweroff", LAST_LINE]);
    expect(await page.$eval("#status", (e) => e.textContent)).toMatch(/^stopped: the system stopped cleanly/);
    // The terminal shows what the kernel sent: its text is the serial output's lines.
    const serial = await hook((h) => h.serialText());
    expect(serial).toContain(`\r\n${LAST_LINE}\r\n`);

    // Typing into the focused terminal reaches COM1's receive queue, byte for byte.
    const before = await hook((h) => h.com1Queue());
    expect(before, "v86's COM1 is reachable").not.toBeNull();
    await page.click("#terminal");
    await page.waitForFunction(() => document.activeElement?.classList.contains("xterm-helper-textarea") ?? false, { timeout: 10_000 });
    await page.keyboard.type("hello tsos");
    await page.keyboard.press("Enter");
    const typed = [..."hello tsos\r"].map((c) => c.charCodeAt(0));
    await page.waitForFunction((n: number) => (window as unknown as { tsosPlayground: Hook }).tsosPlayground.com1SentBytes === n, { timeout: 10_000 }, typed.length);
    expect(await hook((h) => h.com1Queue())).toEqual([...before!, ...typed]);
    expect(await page.$eval("#com1", (e) => e.textContent)).toContain(`${typed.length} bytes sent this boot, ${before!.length + typed.length} waiting in the UART`);
    const after = (await hook((h) => h.terminalText())).split("\n");
    expect(after).toContain(LAST_LINE);
    expect(after.some((l) => l.startsWith(BANNER))).toBe(true);

    await page.mouse.move(5, 630); // off the terminal, whose scrollbar shows under the pointer
    mkdirSync(join(OUT, "screenshots"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT as `${string}.png` });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

    // Restart: the same ISO boots again from the start in a cleared terminal.
    await page.click("#restart");
    const again = await waitForLines([BANNER, LAST_LINE], { boots: 2 }, 240_000);
    expect(again.split("\n").filter((l) => l.startsWith(BANNER)).length, again).toBe(1);
    expect(await hook((h) => [h.config, h.phase, h.ending])).toEqual(["os", "stopped", "poweroff"]);

    // Another configuration and memory size, through the page's selectors: the benchmark with 64 MiB.
    // Each choice loads the page anew with ?config=...&memory=... (build/playground/main.ts).
    await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.select("#config", "bench")]);
    await page.waitForFunction(() => (window as unknown as { tsosPlayground?: Hook }).tsosPlayground?.config === "bench", { timeout: 60_000 });
    expect(await page.$eval("#memory", (e) => (e as HTMLSelectElement).value), "the configuration's own memory size").toBe("128");
    await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.select("#memory", "64")]);
    expect(new URL(page.url()).search).toBe("?config=bench&memory=64");
    // (Its boot log is enough: the benchmark itself runs for minutes in v86 on a loaded machine.)
    const bench = await waitForLines([BANNER, "RAM 64 MiB", 'boot: root task 1 "bench" from module 0'], { config: "bench", memoryMiB: 64 }, 240_000);
    const benchLines = bench.split("\n");
    expect(await hook((h) => [h.config, h.memoryMiB])).toEqual(["bench", 64]);
    expect(benchLines.filter((l) => l.startsWith("boot: loader ")).map((l) => l.replace(/^.*command line /, "")), bench).toEqual([`"${BENCH_BOOT.cmdline}"`]);
    expect(benchLines.some((l) => /^memory: \d+ KiB available in \d+ regions, RAM 64 MiB$/.test(l)), bench).toBe(true);
    expect(await page.$eval("#about", (e) => e.textContent)).toContain(`Kernel command line "${BENCH_BOOT.cmdline}"; modules "bench"; 64 MiB.`);

    for (const f of ["/", "/playground.js", "/xterm.css", "/playground.css", "/manifest.json", "/v86/v86.wasm", "/bios/bios.bin", "/bios/vgabios-stdvga.bin", "/iso/os.iso", "/iso/bench.iso"]) {
      expect(fetched.has(f), `the page fetched ${f}`).toBe(true);
    }
    expect(problems).toEqual([]);
  }, 1_200_000);
});
