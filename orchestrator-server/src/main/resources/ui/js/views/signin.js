import { clear, field, h } from '../dom.js';

/** The sign-in: a bearer token, kept in this tab's sessionStorage only. Nothing else shows before it. */
export function signInView(main, signIn) {
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true });
  const error = h('p', { class: 'field-error', id: 'signin-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    h('p', {}, 'This orchestrator needs a bearer token (a JWT). Ask an operator, or mint one with ',
      h('code', {}, 'bin/provisioning auth token --role viewer'), '. It is kept for this tab only and is gone when you close it.'),
    field('Bearer token', token),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const value = token.value.trim();
    if (!value) {
      error.textContent = 'Paste a token first.';
      error.hidden = false;
      token.focus();
      return;
    }
    const ok = await signIn(value);
    if (!ok) {
      error.textContent = 'The server refused this token (401). Check that it is complete and not expired.';
      error.hidden = false;
      token.setAttribute('aria-invalid', 'true');
      token.focus();
    }
  });
  clear(main, form);
  token.focus();
}
