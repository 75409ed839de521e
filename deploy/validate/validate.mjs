#!/usr/bin/env node
// Validates rendered manifests (multi-document YAML on stdin, as `kubectl kustomize` and `helm template` print them)
// without a cluster: each object against its kind's schema (kubernetes-models: Kubernetes' OpenAPI schemas, the
// Prometheus Operator's and Istio's CRD schemas), then against the repository's pod conventions (requests and
// limits, non-root, read-only root, no capabilities, RuntimeDefault seccomp). A kind with no schema here fails:
// an object nobody checked must not pass for a checked one.
//
//   kubectl kustomize deploy | node deploy/validate/validate.mjs --label kustomize --no-secrets
//
// The schemas say nothing of unknown fields (Kubernetes' OpenAPI has no additionalProperties: false), so a
// misspelt optional field passes here; the API server's strict field validation is the check for that.
import { parseAllDocuments } from "yaml";

// API group → the package holding its generated models. The core group ("v1") has no group prefix.
const packages = new Map([
  ["", "kubernetes-models"],
  ["apps", "kubernetes-models"],
  ["batch", "kubernetes-models"],
  ["policy", "kubernetes-models"],
  ["autoscaling", "kubernetes-models"],
  ["networking.k8s.io", "kubernetes-models"],
  ["rbac.authorization.k8s.io", "kubernetes-models"],
  ["monitoring.coreos.com", "@kubernetes-models/prometheus-operator"],
  ["security.istio.io", "@kubernetes-models/istio"],
  ["networking.istio.io", "@kubernetes-models/istio"],
]);

const podKinds = new Set(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

function parseArgs(argv) {
  const options = { label: "stdin", noSecrets: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--label") options.label = argv[++i];
    else if (argv[i] === "--no-secrets") options.noSecrets = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return options;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function modelClass(apiVersion, kind) {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const pkg = packages.get(group);
  if (pkg === undefined) return undefined;
  const path = group === "" ? `${pkg}/${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
  try {
    return (await import(path))[kind];
  } catch (error) {
    if (error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || error.code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

function podSpec(object) {
  const spec = object.spec ?? {};
  switch (object.kind) {
    case "Pod": return spec;
    case "CronJob": return spec.jobTemplate?.spec?.template?.spec;
    default: return spec.template?.spec;
  }
}

// The conventions every container of the repository's manifests keeps (deploy/README.md).
function conventionErrors(object) {
  const errors = [];
  const pod = podSpec(object);
  if (pod === undefined) return ["no pod template"];
  const podContext = pod.securityContext ?? {};
  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  for (const c of containers) {
    const at = `container ${c.name}`;
    const sc = c.securityContext ?? {};
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (requests.cpu === undefined || requests.memory === undefined) errors.push(`${at}: resources.requests needs cpu and memory`);
    if (limits.memory === undefined) errors.push(`${at}: resources.limits needs memory`);
    if ((sc.runAsNonRoot ?? podContext.runAsNonRoot) !== true) errors.push(`${at}: runAsNonRoot must be true`);
    if (sc.readOnlyRootFilesystem !== true) errors.push(`${at}: readOnlyRootFilesystem must be true`);
    if (sc.allowPrivilegeEscalation !== false) errors.push(`${at}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) errors.push(`${at}: capabilities.drop must hold ALL`);
    if (sc.privileged === true) errors.push(`${at}: privileged`);
    if ((sc.seccompProfile?.type ?? podContext.seccompProfile?.type) !== "RuntimeDefault") errors.push(`${at}: seccompProfile must be RuntimeDefault`);
  }
  return errors;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const text = await readStdin();
  const errors = [];
  const seen = new Map();
  const kinds = new Map();
  let count = 0;

  for (const [index, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) {
      errors.push(`document ${index}: YAML: ${doc.errors.map(e => e.message).join("; ")}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    const where = `document ${index} (${object.kind ?? "?"}/${object.metadata?.name ?? "?"})`;
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      errors.push(`${where}: apiVersion and kind are required`);
      continue;
    }
    count++;
    kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);

    const key = `${object.apiVersion.split("/").slice(0, -1).join("/")}/${object.kind}/${object.metadata?.namespace ?? ""}/${object.metadata?.name}`;
    if (seen.has(key)) errors.push(`${where}: duplicate of document ${seen.get(key)}`);
    seen.set(key, index);

    const Model = await modelClass(object.apiVersion, object.kind);
    if (Model === undefined) {
      errors.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      errors.push(`${where}: ${error.message}`);
    }

    if (options.noSecrets && object.kind === "Secret") errors.push(`${where}: a Secret in manifests that must hold none`);
    if (podKinds.has(object.kind)) errors.push(...conventionErrors(object).map(e => `${where}: ${e}`));
  }

  if (count === 0) errors.push("no objects on stdin");
  const summary = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
  if (errors.length > 0) {
    for (const error of errors) console.error(`${options.label}: ${error}`);
    console.error(`${options.label}: INVALID (${errors.length} error(s) in ${count} objects)`);
    process.exit(1);
  }
  console.log(`${options.label}: ${count} objects valid (${summary})`);
}

main().catch(error => {
  console.error(error.stack ?? String(error));
  process.exit(2);
});
