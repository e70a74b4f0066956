// Placeholder until helper B's campaign page lands (B overwrites this file).
import { h } from '../lib/dom.js';
export async function renderCampaign(ctx) { return h('section', { class: 'page' }, h('h1', {}, `Campaign ${ctx.params.campaign}`)); }
