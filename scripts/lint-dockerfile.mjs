#!/usr/bin/env node
// Lints Dockerfiles with dockerfile-utils (the parser and validator behind the Docker language
// server, plain JavaScript, so no binary and no Docker engine): unknown instructions, missing or
// malformed arguments, bad flags, a relative WORKDIR, JSON in single quotes, several CMDs or
// ENTRYPOINTs. Every check is switched on; any diagnostic is a finding. Exits 1 on any finding.
// Usage: node scripts/lint-dockerfile.mjs [Dockerfile ...]   (default: Dockerfile)
import { readFileSync } from "node:fs";
import { validate, ValidationSeverity } from "dockerfile-utils";

const files = process.argv.length > 2 ? process.argv.slice(2) : ["Dockerfile"];
const settings = Object.fromEntries(
  [
    "deprecatedMaintainer",
    "directiveCasing",
    "emptyContinuationLine",
    "instructionCasing",
    "instructionCmdMultiple",
    "instructionEntrypointMultiple",
    "instructionHealthcheckMultiple",
    "instructionJSONInSingleQuotes",
    "instructionWorkdirRelative",
  ].map((check) => [check, ValidationSeverity.ERROR]),
);

let findings = 0;
for (const file of files) {
  for (const diagnostic of validate(readFileSync(file, "utf8"), settings)) {
    const { line, character } = diagnostic.range.start;
    console.log(`${file}:${line + 1}:${character + 1}: ${diagnostic.message}`);
    findings++;
  }
}
console.log(`dockerfile-utils: ${files.length} Dockerfile(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
