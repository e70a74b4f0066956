// Placeholders until helper B's review views land (B overwrites this file).
import { h } from '../lib/dom.js';
export async function renderReviewQueue() { return h('section', { class: 'page' }, h('h1', {}, 'Reviews')); }
export async function renderReview(ctx) { return h('section', { class: 'page' }, h('h1', {}, `Review ${ctx.params.review}`)); }
