// The REST client: JSON in and out, the session cookie, and the CSRF token on every write.

/** An error the API answered ({"error":{code,message,field}}), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }

  /**
   * True when this hub has no such route at all (a feature not deployed yet), as opposed to a thing that does
   * not exist: the router's fallback answers "resource not found" or 405, a missing thing names itself.
   */
  get unavailable() {
    return this.status === 405 || (this.status === 404 && /^(resource|page) not found$/.test(this.message));
  }
}

let csrfToken = null;
const unauthorizedHandlers = new Set();

export function setCsrf(token) {
  csrfToken = token || null;
}

/** Called when any request answers 401: the session is gone. */
export function onUnauthorized(fn) {
  unauthorizedHandlers.add(fn);
  return () => unauthorizedHandlers.delete(fn);
}

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/**
 * One request to /api/v1. body: a plain object (sent as JSON) or a Blob/File (sent as is, e.g. an upload).
 * Resolves with the parsed JSON (null for 204); rejects with ApiError.
 */
export async function request(method, path, body, { params, quiet } = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch('/api/v1' + path + query(params), { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', 'The hub cannot be reached right now. Check your connection and try again.');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!res.ok) {
    const e = (json && json.error) || {};
    let message = e.message || res.statusText || 'request failed';
    if (res.status === 429) {
      const wait = res.headers.get('Retry-After');
      message = wait ? `Too many attempts. Try again in ${wait} s.` : message;
    }
    const err = new ApiError(res.status, e.code || 'http_' + res.status, message, e.field);
    if (res.status === 401 && !quiet) unauthorizedHandlers.forEach(fn => fn(err));
    throw err;
  }
  return json;
}

export const api = {
  get: (path, params, opts) => request('GET', path, undefined, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, body === undefined ? {} : body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};

/** Every page of a list, up to a bound (for small lists such as users or properties). */
export async function all(path, params = {}, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await api.get(path, { ...params, limit: 200, cursor });
    items.push(...(page.items || []));
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/** Runs a call for a feature that may not be deployed: resolves {unavailable: true} instead of failing. */
export async function optional(promise) {
  try {
    return { value: await promise };
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) return { unavailable: true };
    throw e;
  }
}

/** Uploads a file to attach to a reply; resolves {id, filename, size, …}. */
export function upload(file) {
  return request('POST', '/attachments', file, { params: { filename: file.name || 'file' } });
}
