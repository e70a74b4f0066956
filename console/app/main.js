// The console's entry point: every route, then the router.

import { route, start } from './lib/router.js';
import { renderHeader, renderHome } from './views/shell.js';
import { renderSignIn } from './views/sign-in.js';
import { renderInventory } from './views/inventory.js';
import { renderCalendar } from './views/calendar.js';
import { renderInAppPriority } from './views/in-app-priority.js';
import { renderCampaign } from './views/campaign.js';
import {
  renderCampaignForm, renderSegmentList, renderSegmentForm, renderTemplateList, renderTemplateForm,
} from './views/forms.js';
import { renderReviewQueue, renderReview } from './views/reviews.js';
import { renderPipelines, renderPromotion, renderPromote } from './views/pipelines.js';
import { renderSandboxSettings } from './views/sandbox-settings.js';
import { renderDrift } from './views/drift.js';

const S = '/t/:tenant/s/:sandbox';

route('/sign-in', renderSignIn);
route('/', renderHome);
route(`${S}`, renderHome);
route(`${S}/campaigns`, renderInventory);
route(`${S}/calendar`, renderCalendar);
route(`${S}/in-app-priority`, renderInAppPriority);
route(`${S}/campaigns/new`, renderCampaignForm);
route(`${S}/campaigns/:campaign`, renderCampaign);
route(`${S}/campaigns/:campaign/edit`, renderCampaignForm);
route(`${S}/segments`, renderSegmentList);
route(`${S}/segments/new`, renderSegmentForm);
route(`${S}/segments/:segment`, renderSegmentForm);
route(`${S}/templates`, renderTemplateList);
route(`${S}/templates/new`, renderTemplateForm);
route(`${S}/templates/:template`, renderTemplateForm);
route('/t/:tenant/reviews', renderReviewQueue);
route('/t/:tenant/reviews/:review', renderReview);
route('/t/:tenant/pipelines', renderPipelines);
route('/t/:tenant/promote', renderPromote);
route('/t/:tenant/promotions/:promotion', renderPromotion);
route(`${S}/settings`, renderSandboxSettings);
route(`${S}/drift`, renderDrift);

start({ beforeRender: renderHeader });
