// Validates Kubernetes manifests (a JSON array in the file named by the first argument) against
// the API's schemas, as kubeconform would: the schemas of the Kubernetes API and of the
// Prometheus Operator's CRDs that ship in the npm packages kubernetes-models and
// @kubernetes-models/prometheus-operator (package.json). Fields of the wrong type, missing
// required fields and values outside an enum fail; a kind with no schema fails too.
// Exit 0 when every manifest is valid, 1 otherwise (each problem on stderr).
import { readFileSync } from "node:fs";

const manifests = JSON.parse(readFileSync(process.argv[2], "utf8"));
let problems = 0;
for (const manifest of manifests) {
  const name = `${manifest.kind} ${manifest.metadata?.name ?? "(unnamed)"}`;
  const module = manifest.apiVersion.startsWith("monitoring.coreos.com/")
    ? `@kubernetes-models/prometheus-operator/${manifest.apiVersion}`
    : `kubernetes-models/${manifest.apiVersion}`;
  let model;
  try {
    model = (await import(module))[manifest.kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    console.error(`${name}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
    problems++;
    continue;
  }
  try {
    new model(manifest).validate();
  } catch (error) {
    console.error(`${name}: ${error.message}`);
    problems++;
  }
}
console.log(`${manifests.length} manifests, ${problems} invalid`);
process.exit(problems === 0 ? 0 : 1);
