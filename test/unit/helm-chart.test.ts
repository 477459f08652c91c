// The Helm chart (deploy/helm/gatehouse) rendered by a real helm (test/helpers/helm.ts): `helm lint --strict`
// passes; `helm template` refuses to render without the issuer or the existing Secret; the rendered objects are
// checked structurally: every one has apiVersion, kind and a name; the Deployment's pods run non-root on a
// read-only root filesystem with probes on /healthz and /readyz and every secret from the existing Secret (no
// secret value in the chart); the migration Job is a pre-install/pre-upgrade hook running `gatehouse migrate`;
// Ingress and HPA appear only when enabled; a digest pins the image.
import { describe, it, expect } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { helmBinary } from "../helpers/helm.ts";

const CHART = path.resolve(import.meta.dirname, "../../deploy/helm/gatehouse");
type Obj = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, any> };

const BASE = ["--set", "issuer=https://id.example.com", "--set", "existingSecret=gatehouse-secrets"];

function render(args: string[] = []): Obj[] {
  const out = execFileSync(helmBinary(), ["template", "gh", CHART, ...BASE, ...args], { encoding: "utf8" });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj).filter(Boolean);
}
const one = (objs: Obj[], kind: string) => {
  const found = objs.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

describe("Helm chart", { timeout: 60_000 }, () => {
  it("lints strictly", () => {
    const lint = spawnSync(helmBinary(), ["lint", "--strict", CHART, ...BASE], { encoding: "utf8" });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });

  it("refuses to render without the issuer or the existing Secret", () => {
    const noIssuer = spawnSync(helmBinary(), ["template", "gh", CHART, "--set", "existingSecret=s"], { encoding: "utf8" });
    expect(noIssuer.status).not.toBe(0);
    expect(noIssuer.stderr).toContain("issuer is required");
    const noSecret = spawnSync(helmBinary(), ["template", "gh", CHART, "--set", "issuer=https://id.example.com"], { encoding: "utf8" });
    expect(noSecret.status).not.toBe(0);
    expect(noSecret.stderr).toContain("existingSecret is required");
  });

  it("renders well-formed objects: a hardened Deployment with probes, secrets only by reference", () => {
    const objs = render();
    expect(objs.map((o) => o.kind).sort()).toEqual(["Deployment", "Job", "PodDisruptionBudget", "Service", "ServiceAccount"]);
    for (const o of objs) {
      expect(o.apiVersion, o.kind).toMatch(/^[a-z./0-9]+$/);
      expect(o.metadata?.name, o.kind).toMatch(/^[a-z0-9-]+$/);
    }
    const deployment = one(objs, "Deployment");
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const [container] = pod.containers;
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(container.image).toBe("gatehouse:0.1.0");
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    const env = Object.fromEntries((container.env as { name: string; value?: string; valueFrom?: any }[]).map((e) => [e.name, e]));
    expect(env.ISSUER?.value).toBe("https://id.example.com");
    expect(env.NODE_ENV?.value).toBe("production");
    for (const name of ["DATABASE_URL", "REDIS_URL", "SMTP_URL", "COOKIE_KEYS", "MASTER_KEY"]) {
      expect(env[name], name).toEqual({ name, valueFrom: { secretKeyRef: { name: "gatehouse-secrets", key: name } } });
    }
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    const service = one(objs, "Service");
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(one(objs, "PodDisruptionBudget").spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5 + 10); // the drain delay plus the server's 10 s
  });

  it("runs the migrations as a pre-install/pre-upgrade hook Job with the same hardening", () => {
    const job = one(render(), "Job");
    expect(job.metadata.annotations).toMatchObject({ "helm.sh/hook": "pre-install,pre-upgrade" });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.containers[0].command).toEqual(["node", "bin/gatehouse.mjs", "migrate"]);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(render(["--set", "migrations.enabled=false"]).some((o) => o.kind === "Job")).toBe(false);
  });

  it("adds the Ingress and HPA when enabled, and pins the image by digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const objs = render(["--set", "ingress.enabled=true", "--set", "ingress.host=id.example.com", "--set", "ingress.tls.secretName=id-tls",
      "--set", "autoscaling.enabled=true", "--set", `image.digest=${digest}`, "--set", "env.LOG_LEVEL=debug"]);
    const ingress = one(objs, "Ingress");
    expect(ingress.spec.rules[0].host).toBe("id.example.com");
    expect(ingress.spec.tls[0]).toEqual({ hosts: ["id.example.com"], secretName: "id-tls" });
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(one(objs, "Service").metadata.name);
    const hpa = one(objs, "HorizontalPodAutoscaler");
    const deployment = one(objs, "Deployment");
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
    expect(deployment.spec.replicas).toBeUndefined(); // the HPA owns the count
    expect(deployment.spec.template.spec.containers[0].image).toBe(`gatehouse@${digest}`);
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
  });
});
