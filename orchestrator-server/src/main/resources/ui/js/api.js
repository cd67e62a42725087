// The one way the console talks to the orchestrator: same origin, bearer token from this tab's
// sessionStorage only, the {success, data, error} envelope unwrapped, failures as ApiError.
const TOKEN = 'provisioning.console.token';
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const session = {
  token() { return sessionStorage.getItem(TOKEN); },
  signIn(token) { sessionStorage.setItem(TOKEN, token.trim()); },
  signOut() { sessionStorage.removeItem(TOKEN); },
  /** The token's claims, read (not verified: the server verifies) to label the user and hide actions their role may not use. */
  claims() {
    const token = this.token();
    if (!token) return null;
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
    } catch {
      return null;
    }
  },
};

/** Called with every ApiError of status 401 or 403, so the shell can say so clearly. */
export function onAuthProblem(listener) {
  listeners.add(listener);
}

export function headers(extra = {}) {
  const all = { Accept: 'application/json', ...extra };
  const token = session.token();
  if (token) all.Authorization = `Bearer ${token}`;
  return all;
}

export async function api(method, path, body, extraHeaders = {}) {
  const init = { method, headers: headers(extraHeaders), cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `the orchestrator cannot be reached (${e.message})`);
  }
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    envelope = null;
  }
  if (!response.ok || !envelope || envelope.success === false) {
    const message = (envelope && envelope.error) || `${response.status} ${response.statusText}`;
    const error = new ApiError(response.status, message);
    if (response.status === 401 || response.status === 403) listeners.forEach((l) => l(error, method, path));
    throw error;
  }
  return { data: envelope.data, headers: response.headers, status: response.status };
}

export const get = (path) => api('GET', path);
export const post = (path, body, extra) => api('POST', path, body, extra);
export const del = (path) => api('DELETE', path);

/**
 * How many tasks of a workflow / infra (when given) have each status: {Pending: n, Running: n, …}.
 * The server counts them at once, so they add up even while tasks move from one status to the next.
 */
export async function taskCounts({ workflow, infra } = {}) {
  const q = new URLSearchParams();
  if (workflow) q.set('workflow', workflow);
  if (infra) q.set('infra', infra);
  const query = q.toString();
  const { data } = await get(`/tasks/counts${query ? `?${query}` : ''}`);
  return data;
}
