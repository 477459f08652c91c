// Reading an upload (a logo) for the branding page and API: Gatehouse's body parser takes forms and JSON up to
// BODY_LIMIT (64 KB by default), too small for a 256 KB logo, so these routes read their own body with a limit of
// their own. A multipart form is parsed by Node's own fetch implementation (Response.formData), no extra package.
import { catalogueError } from "../../errors.ts";
import type { Context } from "koa";
import { hasNul } from "../../nul-characters.ts";
import { LOGO_MAX_BYTES } from "../../../services/brand-logo.ts";

/** the logo, plus room for the form's other fields and the multipart framing */
export const UPLOAD_LIMIT = LOGO_MAX_BYTES + 64 * 1024;

const tooLarge = () => catalogueError("request.too_large#logo_upload");

/** the raw body, refused with a 413 beyond `limit` bytes (by Content-Length first, else while reading) */
export async function readLimited(ctx: Context, limit = UPLOAD_LIMIT): Promise<Uint8Array> {
  if (Number(ctx.get("content-length") || 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export type UploadForm = { fields: Record<string, string>; file: Uint8Array | undefined };

/** a multipart/form-data body: its text fields (no NUL characters) and the file of `fileField`, if one was chosen */
export async function readUploadForm(ctx: Context, fileField: string): Promise<UploadForm> {
  const type = ctx.get("content-type");
  if (!/^multipart\/form-data\s*;/i.test(type)) throw catalogueError("request.invalid_body#upload_type");
  const body = await readLimited(ctx);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw catalogueError("request.invalid_body#upload_unreadable");
  }
  const fields: Record<string, string> = {};
  let file: Uint8Array | undefined;
  const files: Blob[] = [];
  form.forEach((value, name) => {
    if (typeof value === "string") fields[name] = value;
    else if (name === fileField && value.size > 0) files.push(value);
  });
  if (files[0]) file = new Uint8Array(await files[0].arrayBuffer());
  if (hasNul(fields)) throw catalogueError("request.invalid_body#upload_nul");
  return { fields, file };
}
