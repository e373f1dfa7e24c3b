// The API, as the dashboard calls it: the access token lives in sessionStorage
// (gone with the tab), and an error keeps the API's code and field details.
const TOKEN_KEY = 'switchboard.accessToken';
// While an admin acts as a user, the admin's own token waits here.
const ADMIN_TOKEN_KEY = 'switchboard.adminToken';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ADMIN_TOKEN_KEY);
  },
  impersonate(token) {
    sessionStorage.setItem(ADMIN_TOKEN_KEY, sessionStorage.getItem(TOKEN_KEY));
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  /** Back to the admin's own token; false when there was none to go back to. */
  endImpersonation() {
    const admin = sessionStorage.getItem(ADMIN_TOKEN_KEY);
    sessionStorage.removeItem(ADMIN_TOKEN_KEY);
    if (admin === null) return false;
    sessionStorage.setItem(TOKEN_KEY, admin);
    return true;
  },
};

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
    this.details = Array.isArray(error?.details) ? error.details : [];
  }
}

export async function api(method, path, body) {
  const token = session.token();
  const res = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error);
  return data;
}

/** What to tell the user: the message, and each field's own complaint. */
export function problemText(error) {
  // Some messages already name their details; say each once.
  const details = error instanceof ApiError ? error.details.map((d) => d.message).filter((m) => m && !error.message.includes(m)) : [];
  return details.length > 0 ? `${error.message}: ${details.join('; ')}` : error.message;
}
