import { h } from '../lib/dom.js';
export async function renderInventory() { return h('section', { class: 'page' }, h('h1', {}, 'Campaigns')); }
