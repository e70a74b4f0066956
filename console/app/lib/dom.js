// Builds DOM without ever parsing HTML: campaign content and every other piece of data reach
// the page as text nodes or attribute values only (the CSP forbids inline script anyway).

const BOOLEAN_PROPS = new Set(['disabled', 'checked', 'hidden', 'selected', 'required', 'multiple', 'open', 'readOnly', 'readonly']);
const EVENTS = /^on[a-z]+$/;

// h('button', {class: 'btn', onclick: fn}, 'Save') -> <button class="btn">Save</button>.
// attrs: class (string or array), id, for, type, name, value, href, aria-*, data-*, role, any
// other plain attribute; on<event> functions; boolean props. children: strings, numbers,
// Nodes, arrays of those; null, undefined and false are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [key, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (EVENTS.test(key) && typeof v === 'function') {
      el.addEventListener(key.slice(2), v);
    } else if (key === 'class') {
      const cls = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
      if (cls) el.className = cls;
    } else if (BOOLEAN_PROPS.has(key)) {
      if (key === 'readonly' || key === 'readOnly') el.readOnly = !!v;
      else el[key] = !!v;
      if (key === 'selected' && v) el.setAttribute('selected', '');
      if (key === 'checked' && v) el.setAttribute('checked', '');
    } else if (key === 'value') {
      value = v;
    } else if (v === false) {
      continue;
    } else {
      el.setAttribute(key, v === true ? '' : String(v));
    }
  }
  append(el, children);
  // A <select>'s value can only be set once its options exist.
  if (value !== undefined) {
    el.value = String(value);
    if (tag === 'input' || tag === 'textarea') el.setAttribute('value', String(value));
  }
  return el;
}

export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Replaces a node's children with the given ones.
export function replace(node, ...children) {
  clear(node);
  return append(node, children);
}

let idCounter = 0;
// A page-unique id for label/for and aria-describedby pairs.
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
