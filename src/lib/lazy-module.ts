// A module loaded the first time it is needed, once: libraries only some requests use (passkeys, TOTP, SAML,
// upstream sign-in, outbound HTTP) stay out of the memory of a server that never uses them (docs/performance.md).
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    loading.catch(() => { loading = undefined; }); // a failed load is tried again next time
    return loading;
  };
}
