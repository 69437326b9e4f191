// The public API, with the bearer token when the service asks for one. The token is asked for
// once and kept in sessionStorage: it lives as long as this tab and never leaves this origin.
const KEY = 'headspace-inference.token';

let asking = null;

/** Shows the token dialog and resolves with what the operator typed. */
const askToken = () => {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('token-dialog');
    const form = document.getElementById('token-form');
    const input = document.getElementById('token-input');
    form.addEventListener(
      'submit',
      () => {
        sessionStorage.setItem(KEY, input.value.trim());
        input.value = '';
        asking = null;
        resolve();
      },
      { once: true },
    );
    dialog.showModal();
  });
  return asking;
};

/** GETs a JSON document from this service; on 401 asks for the token and tries again. */
export const getJson = async (path, params = {}) => {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== ''));
  const query = qs.toString();
  const url = query ? `${path}?${query}` : path;
  for (;;) {
    const token = sessionStorage.getItem(KEY);
    const res = await fetch(url, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
    });
    if (res.status === 401) {
      sessionStorage.removeItem(KEY);
      await askToken();
      continue;
    }
    const body = await res.json();
    if (!res.ok) throw new Error(`${res.status} ${body.code ?? ''}: ${body.detail ?? ''}`);
    return body;
  }
};
