// The session token is kept only for the WebSocket handshake (the HttpOnly cookie
// authenticates HTTP requests). sessionStorage: gone when the tab closes.
const KEY = 'trailmark.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the cookie still authenticates the WebSocket */
  }
}
