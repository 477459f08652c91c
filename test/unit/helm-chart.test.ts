// The Helm chart (deploy/helm/gatehouse) rendered by a real helm (test/helpers/helm.ts): `helm lint --strict`
// passes; `helm template` refuses to render without the issuer or the existing Secret; the rendered objects are
// checked structurally: every one has apiVersion, kind and a name; the Deployment's pods run non-root on a
// read-only root filesystem with probes on /healthz and /readyz and every secret from the existing Secret (no
// secret value in the chart); the migration Job is a pre-install/pre-upgrade hook running `gatehouse migrate`;
// Ingress and HPA appear only when enabled; a digest pins the image; the Service and PDB never select the migration
// Job's pods; the NetworkPolicy (ingress from the controller's namespace, egress to Postgres, Redis, SMTP, DNS, all
// from values) and the ServiceMonitor (on the METRICS_PORT management port, or on the HTTP port) when enabled.
import { describe, it, expect } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { helmBinary } from "../helpers/helm.ts";

const CHART = path.resolve(import.meta.dirname, "../../deploy/helm/gatehouse");
type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML: each test reads the fields it checks
  spec: Record<string, any>;
};

const BASE = ["--set", "issuer=https://id.example.com", "--set", "existingSecret=gatehouse-secrets"];

function render(args: string[] = []): Obj[] {
  const out = execFileSync(helmBinary(), ["template", "gh", CHART, ...BASE, ...args], { encoding: "utf8" });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
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
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.image).toBe("gatehouse:0.1.0");
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    const env = Object.fromEntries(
      (container.env as { name: string; value?: string; valueFrom?: Record<string, Record<string, string>> }[]).map((e) => [e.name, e]),
    );
    expect(env.ISSUER?.value).toBe("https://id.example.com");
    expect(env.NODE_ENV?.value).toBe("production");
    for (const name of ["DATABASE_URL", "REDIS_URL", "SMTP_URL", "COOKIE_KEYS", "MASTER_KEY"]) {
      expect(env[name], name).toEqual({ name, valueFrom: { secretKeyRef: { name: "gatehouse-secrets", key: name } } });
    }
    const podLabels = deployment.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);
    // the Service and the PDB count the server pods only, never the migration Job's (same selector labels)
    const service = one(objs, "Service");
    expect(service.spec.selector).toEqual(podLabels);
    expect(one(objs, "PodDisruptionBudget").spec.selector.matchLabels).toEqual(podLabels);
    const jobPodLabels = one(objs, "Job").spec.template.metadata.labels;
    expect(jobPodLabels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(Object.entries(service.spec.selector).every(([k, v]) => jobPodLabels[k] === v)).toBe(false);
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
    const objs = render([
      "--set",
      "ingress.enabled=true",
      "--set",
      "ingress.host=id.example.com",
      "--set",
      "ingress.tls.secretName=id-tls",
      "--set",
      "autoscaling.enabled=true",
      "--set",
      `image.digest=${digest}`,
      "--set",
      "env.LOG_LEVEL=debug",
    ]);
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

  it("adds a NetworkPolicy when enabled: HTTP only from the ingress controller, egress only to Postgres, Redis, SMTP and DNS", () => {
    expect(render().some((o) => o.kind === "NetworkPolicy")).toBe(false);
    const objs = render(["--set", "networkPolicy.enabled=true"]);
    const policy = one(objs, "NetworkPolicy");
    const deployment = one(objs, "Deployment");
    expect(policy.apiVersion).toBe("networking.k8s.io/v1");
    // the server pods and the migration Job's alike
    expect(policy.spec.podSelector).toEqual({ matchLabels: deployment.spec.selector.matchLabels });
    expect(one(objs, "Job").spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
        ports: [{ port: "http", protocol: "TCP" }],
      },
    ]);
    expect(deployment.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain("http");
    const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" }));
    expect(policy.spec.egress).toEqual([
      { ports: tcp(5432) },
      { ports: tcp(6379) },
      { ports: tcp(587, 465, 25) },
      {
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
    ]);

    // everything from values: the controller's namespace and pods, more sources, destinations, ports, extra rules
    const custom = one(
      render([
        "--set",
        "networkPolicy.enabled=true",
        "--set",
        "networkPolicy.ingress.controllerNamespaceSelector.matchLabels.team=edge",
        "--set",
        "networkPolicy.ingress.controllerPodSelector.matchLabels.app=traefik",
        "--set",
        "networkPolicy.ingress.extraFrom[0].namespaceSelector.matchLabels.apps=billing",
        "--set",
        "networkPolicy.egress.postgres.to[0].ipBlock.cidr=10.20.0.0/16",
        "--set",
        "networkPolicy.egress.smtp.ports={2525}",
        "--set",
        "networkPolicy.egress.redis.ports=null",
        "--set",
        "networkPolicy.egress.extra[0].ports[0].port=443",
      ]),
      "NetworkPolicy",
    );
    expect(custom.spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx", team: "edge" } },
        podSelector: { matchLabels: { app: "traefik" } },
      },
      { namespaceSelector: { matchLabels: { apps: "billing" } } },
    ]);
    expect(custom.spec.egress).toEqual([
      { ports: tcp(5432), to: [{ ipBlock: { cidr: "10.20.0.0/16" } }] },
      { ports: tcp(2525) },
      {
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
      { ports: [{ port: 443 }] },
    ]);
  });

  it("adds a ServiceMonitor scraping /metrics on the management port (METRICS_PORT), or on the HTTP port without one", () => {
    const flags = [
      "--set",
      "serviceMonitor.enabled=true",
      "--set",
      "metrics.port=9464",
      "--set",
      "serviceMonitor.labels.release=kps",
      "--set",
      "networkPolicy.enabled=true",
    ];
    const lint = spawnSync(helmBinary(), ["lint", "--strict", CHART, ...BASE, ...flags], { encoding: "utf8" });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    const objs = render(flags);
    const monitor = one(objs, "ServiceMonitor");
    const service = one(objs, "Service");
    const container = one(objs, "Deployment").spec.template.spec.containers[0];
    expect(monitor.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(monitor.metadata.labels).toMatchObject({ release: "kps" });
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ["default"] });
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints).toEqual([{ port: "metrics", path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s" }]);
    // the port it names: on the Service, on the container, and the server told to serve /metrics there
    expect(service.spec.ports).toContainEqual({ port: 9464, targetPort: "metrics", protocol: "TCP", name: "metrics" });
    expect(container.ports).toContainEqual({ name: "metrics", containerPort: 9464, protocol: "TCP" });
    expect(container.env).toContainEqual({ name: "METRICS_PORT", value: "9464" });
    // and Prometheus's namespace may reach it through the NetworkPolicy
    expect(one(objs, "NetworkPolicy").spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
      ports: [{ port: "metrics", protocol: "TCP" }],
    });

    const onHttp = render(["--set", "serviceMonitor.enabled=true"]);
    expect(one(onHttp, "ServiceMonitor").spec.endpoints[0]).toMatchObject({ port: "http", path: "/metrics" });
    expect(one(onHttp, "Deployment").spec.template.spec.containers[0].env.some((e: { name: string }) => e.name === "METRICS_PORT")).toBe(
      false,
    );
    expect(render().some((o) => o.kind === "ServiceMonitor")).toBe(false);
    const clash = spawnSync(helmBinary(), ["template", "gh", CHART, ...BASE, "--set", "metrics.port=3000"], { encoding: "utf8" });
    expect(clash.status).not.toBe(0);
    expect(clash.stderr).toContain("metrics.port must differ from the HTTP port");
  });
});
