// Placeholders until helper B's forms land (B overwrites this file).
import { h } from '../lib/dom.js';
const page = (title) => h('section', { class: 'page' }, h('h1', {}, title));
export async function renderCampaignForm(ctx) { return page(ctx.params.campaign ? 'Edit campaign' : 'New campaign'); }
export async function renderSegmentList() { return page('Segments'); }
export async function renderSegmentForm(ctx) { return page(ctx.params.segment ? 'Segment' : 'New segment'); }
export async function renderTemplateList() { return page('Templates'); }
export async function renderTemplateForm(ctx) { return page(ctx.params.template ? 'Template' : 'New template'); }
