// Reading what the campaign, form and review views show: references looked up by id, with the
// failures kept quiet (a deleted or archived reference is shown as such, never breaks the page).

import { api, ApiError, sandboxPath, tenantPath } from '../lib/api.js';

export function campaignPath(tenant, sandbox, id) {
  return `${sandboxPath(tenant, sandbox)}/campaigns/${encodeURIComponent(id)}`;
}

/** GET that answers null on 404 (and rethrows anything else). */
export async function getOrNull(path, opts) {
  try {
    return await api('GET', path, opts);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
    throw e;
  }
}

/** Segments and templates by id, each read once. */
export function referenceCache(tenant, sandbox) {
  const base = sandboxPath(tenant, sandbox);
  const seg = new Map();
  const tpl = new Map();
  const read = (map, kind, id) => {
    if (!map.has(id)) {
      map.set(id, getOrNull(`${base}/${kind}/${encodeURIComponent(id)}`).then((r) => (r ? r.data : null)).catch(() => null));
    }
    return map.get(id);
  };
  return {
    segment: (id) => read(seg, 'segments', id),
    template: (id) => read(tpl, 'templates', id),
    /** {segments: id -> segment, templates: id -> template} for the references of specs. */
    async forSpecs(specs) {
      const segIds = new Set();
      const tplIds = new Set();
      for (const s of specs) {
        if (!s) continue;
        if (s.audience && s.audience.segment) segIds.add(s.audience.segment);
        for (const e of Object.values(s.content || {})) if (e && e.template) tplIds.add(e.template);
      }
      const segments = {};
      const templates = {};
      await Promise.all([
        ...[...segIds].map(async (id) => { const v = await read(seg, 'segments', id); if (v) segments[id] = v; }),
        ...[...tplIds].map(async (id) => { const v = await read(tpl, 'templates', id); if (v) templates[id] = v; }),
      ]);
      return { segments, templates };
    },
  };
}

/** id -> name maps for formatValue(). */
export function nameMaps(refs) {
  const names = { segments: {}, templates: {} };
  for (const [id, s] of Object.entries(refs.segments || {})) names.segments[id] = s.name;
  for (const [id, t] of Object.entries(refs.templates || {})) names.templates[id] = t.name;
  return names;
}

/**
 * The reviews of a campaign (or of its draft version): {pending, last} where last is the most
 * recent one, whatever its state (lists are newest first).
 */
export async function reviewsOf(tenant, campaignId) {
  try {
    const { data } = await api('GET', `${tenantPath(tenant)}/reviews`, { query: { state: 'all' } });
    const mine = (data.items || []).filter((r) => r.subject && r.subject.campaign === campaignId);
    return { pending: mine.find((r) => r.state === 'pending') || null, last: mine[0] || null };
  } catch {
    return { pending: null, last: null };
  }
}

/** The campaign's spec fields only (what PUT .../draft takes). */
export function specOf(obj) {
  if (!obj) return null;
  const { name, description, channels, schedule, audience, content } = obj;
  return { name, description, channels, schedule, audience, content };
}
