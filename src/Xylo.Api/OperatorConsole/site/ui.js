// DOM helpers: everything is built with createElement and textContent (event data is user input; no innerHTML).
import { Problem } from './api.js';

/** h('tag.class', { attrs, on: { click } }, ...children) */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag);
  if (classes.length) el.className = classes.join(' ');
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (key === 'text') el.textContent = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of el. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An RFC 9457 problem, as the API answered it: title, status, detail, field errors, correlation id. */
export function problemBox(error) {
  const body = error instanceof Problem ? error.body : { title: 'Something went wrong in the console', detail: String(error?.message ?? error) };
  const status = error instanceof Problem && error.status ? ` (${error.status})` : '';
  const fields = Object.entries(body.errors ?? {});
  const lines = fields.map(([field, messages]) => `${field}: ${[].concat(messages).join('; ')}`);
  // a validation problem's detail often repeats its one field error: show it once
  const detail = body.detail && !(lines.length && lines.every(line => body.detail.includes(line))) ? body.detail : null;
  return h('div.problem', { role: 'alert' },
    h('strong', { text: `${body.title ?? 'Error'}${status}` }),
    detail ? h('span.detail', { text: detail }) : null,
    lines.length ? h('ul', {}, lines.map(line => h('li', { text: line }))) : null,
    body.correlationId || body.traceId
      ? h('div.meta', { text: `correlation id ${body.correlationId ?? '–'} · trace id ${body.traceId ?? '–'}` }) : null);
}

/** Runs work, showing its problem in place of the target's content when it fails; never leaves a blank page. */
export async function guarded(target, work) {
  try {
    return await work();
  } catch (error) {
    if (target) show(target, problemBox(error));
    else console.warn(error);
    return undefined;
  }
}

export const facts = pairs => h('dl.facts', {}, pairs.filter(Boolean).flatMap(([term, value]) => [h('dt', { text: term }), h('dd', {}, value ?? '–')]));

export const json = value => h('pre', { text: JSON.stringify(value, null, 2) });

export function table(headers, rows) {
  return h('div.table-wrap', {}, h('table', {},
    h('thead', {}, h('tr', {}, headers.map(header => h('th', { scope: 'col', text: header })))),
    h('tbody', {}, rows)));
}

export const time = value => value ? new Date(value).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '–';

export const button = (label, onClick, cls = '') => h(`button${cls ? '.' + cls : ''}`, { type: 'button', on: { click: onClick } }, label);

/** A modal confirmation (native dialog: focus stays inside, Escape cancels). Resolves true when confirmed. */
export function confirmAction(question, confirmLabel) {
  return new Promise(resolve => {
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-title' },
      h('form', { method: 'dialog' },
        h('p', { id: 'confirm-title', text: question }),
        h('div.actions', {},
          h('button', { value: 'cancel', text: 'Cancel' }),
          h('button.danger', { value: 'confirm', text: confirmLabel }))));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(dialog.returnValue === 'confirm'); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A form's named fields as an object of trimmed strings. */
export function fields(form) {
  return Object.fromEntries([...new FormData(form).entries()].map(([key, value]) => [key, String(value).trim()]));
}

export const field = (label, attrs) => h('label', {}, label, h('input', attrs));

/** Runs an action: the notice it returns, or its problem, in status; then after (a reload), whatever the outcome. */
export async function attempt(status, work, after) {
  try {
    const notice = await work();
    show(status, notice ? h('p.notice', { text: notice }) : null);
  } catch (error) {
    show(status, problemBox(error));
  }
  if (after) await after();
}
