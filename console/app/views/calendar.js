import { h } from '../lib/dom.js';
export async function renderCalendar() { return h('section', { class: 'page' }, h('h1', {}, 'Calendar')); }
