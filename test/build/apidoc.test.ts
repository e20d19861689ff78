// test/build/apidoc.test.ts: docs/api.md is exactly what build/apidoc.ts makes from libs/abi/.
//
// The API reference is generated from the one API definition the kernel and
// the user library are built from, so a change to a definition that is not
// followed by `npm run docs` fails here: the reference cannot drift.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { renderApiReference, API_DOC } from "../../build/apidoc.ts";
import { INVOCATION_INTERFACES } from "../../libs/abi/invocations.def.ts";
import { SYSCALLS, OBJECT_TYPES, ERRORS } from "../../libs/abi/sel4.def.ts";
import { constantName } from "../../build/abigen.ts";

describe("the API reference (docs/api.md)", () => {
  const doc = renderApiReference();

  it("is committed as the generator writes it (run `npm run docs` after changing libs/abi/)", () => {
    expect(readFileSync(API_DOC, "utf8") === doc, "docs/api.md differs from build/apidoc.ts's output: run npm run docs").toBe(true);
  });

  it("covers every system call, object type, error and invocation of the definition", () => {
    for (const e of SYSCALLS.entries) expect(doc).toContain(`| \`${constantName(SYSCALLS.prefix, e.name)}\` | ${e.value} |`);
    for (const e of OBJECT_TYPES.entries) expect(doc).toContain(`\`${constantName(OBJECT_TYPES.prefix, e.name)}\``);
    for (const e of ERRORS.entries) expect(doc).toContain(`\`${constantName(ERRORS.prefix, e.name)}\``);
    for (const i of INVOCATION_INTERFACES) {
      for (const m of i.methods) {
        expect(doc).toContain(`#### ${i.name}_${m.name}\n`);
        for (const p of m.params) expect(doc).toContain(`| \`${p.name}\` |`);
      }
    }
  });
});
