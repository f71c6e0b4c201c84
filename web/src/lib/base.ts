// The path under which the browser reaches Gregor ("/" or "/prefix/"). The Go server writes it
// into index.html as <base href>; the router and every API call follow it.
export function basePath(): string {
  if (typeof document === 'undefined') return '/';
  const el = document.querySelector('base');
  const href = el?.getAttribute('href') ?? '/';
  let p: string;
  try {
    p = new URL(href, window.location.origin).pathname;
  } catch {
    p = '/';
  }
  return p.endsWith('/') ? p : `${p}/`;
}

/** The router's basename: "" at the root, "/prefix" behind a proxy. */
export function routerBase(): string {
  const b = basePath();
  return b === '/' ? '' : b.replace(/\/$/, '');
}
