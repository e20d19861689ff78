// vitest.config.ts: one run of `npm test` covers every test in test/.
// System tests boot QEMU and the conformance suite compiles hundreds of
// modules, so timeouts are long; each QEMU boot has its own shorter timeout.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
