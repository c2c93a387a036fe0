import { getRates, learnName } from './api.js';
import { renderCard, renderMissingCard } from './cards.js';
import { setUpConverter } from './converter-box.js';
import { el } from './dom.js';
import { fiscalTextFor } from './fiscal.js';
import { clockFormat, formatWeekdayDay, mexicoCityToday } from './format.js';
import { setUpHistory } from './history-box.js';
import { messageFor } from './messages.js';
import { isPageError, PageError } from './page-error.js';
import { quotaText } from './quota.js';
import { isView, RATE_ORDER, VIEWS, type View } from './series.js';
import {
  type Credentials,
  clearSession,
  isExpiring,
  readSession,
  rememberCredentials,
  requestToken,
  type Session,
} from './session.js';
import { sourceErrorItems } from './source-errors.js';
import { consistencyVerdicts, spreadText } from './summary.js';
import type { Rate, RatesBody, SourceErrors } from './types.js';
import { findUi } from './ui.js';

/**
 * The page's script (bundled by esbuild into one inline <script>, scripts/web/page-assets.cjs):
 * sign in, then the daily report of GET /v1/rates, or one source alone.
 * It talks only to this service (same origin).
 */
const ui = findUi();
let currentView: View = 'all';
/** The date picked (`YYYY-MM-DD`), or undefined for today's report. */
let askedDate: string | undefined;
let loading = false;
let signingIn = false;

const setAlert = (text: string) => {
  ui.alert.textContent = text;
};
const setStatus = (text: string) => {
  ui.status.textContent = text;
};

function showQuota(response: Response): void {
  const text = quotaText(response.headers);
  if (text !== null) ui.quota.textContent = text;
}

function renderSourceErrors(errors: SourceErrors, rates: Record<string, Rate>): void {
  const items = sourceErrorItems(errors, rates);
  ui.sourceErrorsList.replaceChildren(...items);
  ui.sourceErrors.hidden = items.length === 0;
}

function renderRates(body: RatesBody, view: View): void {
  const { rates } = body;
  ui.rates.replaceChildren(
    ...RATE_ORDER.flatMap((key) => {
      const rate = rates[key];
      if (rate !== undefined) return [renderCard(key, rate, { now: Date.now(), asked: body.date })];
      const missing = body.rateErrors?.[key];
      return missing === undefined ? [] : [renderMissingCard(key, missing)];
    }),
  );
  renderSourceErrors(body.errors, rates);
  ui.summary.hidden = view !== 'all';
  ui.consistencyWarning.hidden = true;
  if (view !== 'all') return;
  ui.spread.textContent = spreadText(rates);
  renderConsistency(body);
}

/** The server's consistency checks, one line each, and the warning above the cards when one failed. */
function renderConsistency(body: RatesBody): void {
  const verdicts = consistencyVerdicts(body.consistency);
  ui.consistency.replaceChildren(
    ...(verdicts.length === 0
      ? [
          el(
            'li',
            { class: 'check-unknown' },
            'El servicio no envió revisiones entre fuentes en esta respuesta.',
          ),
        ]
      : verdicts.map(({ name, text, tone }) =>
          el('li', { class: `check-${tone}`, 'data-check': name }, text),
        )),
  );
  ui.consistencyWarning.hidden = !verdicts.some(({ tone }) => tone === 'bad');
}

function clearReport(): void {
  ui.rates.replaceChildren();
  ui.sourceErrorsList.replaceChildren();
  ui.sourceErrors.hidden = true;
  ui.summary.hidden = true;
  ui.consistencyWarning.hidden = true;
  ui.fiscal.hidden = true;
  ui.quota.textContent = '';
}

/** "Reporte diario", or the tab's name when one source is shown; "… del viernes 13 nov 2020" for a picked date. */
const viewTitle = (view: View): string =>
  `${view === 'all' ? 'Reporte diario' : VIEWS[view].title}${askedDate === undefined ? '' : ` del ${formatWeekdayDay(askedDate)}`}`;

/** The view's route, for the picked date when there is one (`?date=`, PLAN "Routes"). */
const routeOf = (view: View): string =>
  askedDate === undefined ? VIEWS[view].path : `${VIEWS[view].path}?date=${encodeURIComponent(askedDate)}`;

/** For a picked date, the fiscal rate of that date in one sentence; hidden for today's report. */
async function renderFiscal(): Promise<void> {
  ui.fiscal.hidden = askedDate === undefined;
  if (askedDate === undefined) return;
  ui.fiscalText.textContent = 'Consultando…';
  ui.fiscalText.textContent = await fiscalTextFor(askedDate, showQuota);
}

function selectView(view: View): void {
  currentView = view;
  ui.reportTitle.textContent = viewTitle(view);
  for (const button of ui.viewButtons) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
}

function showSignIn(error?: unknown): void {
  ui.report.hidden = true;
  ui.account.hidden = true;
  ui.signIn.hidden = false;
  clearReport();
  setStatus('');
  setAlert(error === undefined ? '' : messageFor(error));
}

function showReport(session: Session): void {
  ui.signIn.hidden = true;
  ui.report.hidden = false;
  ui.account.hidden = false;
  ui.accountClient.textContent = session.name ?? session.clientId;
  ui.accountClient.title = session.clientId;
}

function signOut(error?: unknown): void {
  rememberCredentials(null);
  pickDate(undefined);
  converter.clear();
  history.clear();
  clearSession();
  ui.form.reset();
  showSignIn(error);
}

/** Back to sign-in after a credential failure, keeping the client id when it was not the problem. */
function signOutAfter(error: PageError): void {
  // bad-credentials: renewing with the remembered credentials failed (secret rotated, client disabled).
  const clientId = error.kind === 'bad-credentials' ? undefined : readSession()?.clientId;
  signOut(error);
  if (clientId !== undefined) ui.clientId.value = clientId;
  ui.clientId.focus();
}

const boxHooks = {
  date: () => askedDate,
  observe: showQuota,
  onCredentialFailure: (error: unknown) => {
    if (error instanceof PageError) signOutAfter(error);
  },
};
const converter = setUpConverter(boxHooks);
const history = setUpHistory(boxHooks);

/** What a failed load does: back to sign-in for credential problems, else an alert. */
function handleLoadError(error: unknown): void {
  if (isPageError(error, 'expired', 'wrong-api-key', 'bad-credentials')) {
    signOutAfter(error);
    return;
  }
  if (isPageError(error, 'no-source', 'before-history')) {
    ui.rates.replaceChildren();
    ui.summary.hidden = true;
    ui.consistencyWarning.hidden = true;
    renderSourceErrors(error.details.errors ?? {}, {});
  }
  setStatus('');
  setAlert(messageFor(error));
}

async function load(view: View, { focusTitle = false } = {}): Promise<void> {
  if (loading) return;
  loading = true;
  selectView(view);
  ui.rates.setAttribute('aria-busy', 'true');
  setStatus('Consultando…');
  try {
    const body = await getRates(routeOf(view), showQuota);
    setAlert('');
    renderRates(body, view);
    await renderFiscal();
    setStatus(`${viewTitle(view)}: actualizado a las ${clockFormat.format(new Date())}`);
  } catch (error) {
    handleLoadError(error);
  } finally {
    loading = false;
    ui.rates.setAttribute('aria-busy', 'false');
  }
  if (focusTitle && !ui.report.hidden) ui.reportTitle.focus();
}

/** The sign-in form's values; marks and names the empty ones (a `missing-fields` error). */
function readSignInForm(): Credentials {
  const entered = {
    clientId: ui.clientId.value.trim(),
    clientSecret: ui.clientSecret.value,
    apiKey: ui.apiKey.value.trim(),
  };
  const fields = [
    { value: entered.clientId, input: ui.clientId, name: 'ID de cliente' },
    { value: entered.clientSecret, input: ui.clientSecret, name: 'secreto del cliente' },
    { value: entered.apiKey, input: ui.apiKey, name: 'clave de API' },
  ];
  for (const { input } of fields) input.removeAttribute('aria-invalid');
  const missing = fields.filter(({ value }) => value === '');
  for (const { input } of missing) input.setAttribute('aria-invalid', 'true');
  missing[0]?.input.focus();
  if (missing.length > 0) throw new PageError('missing-fields', { fields: missing.map(({ name }) => name) });
  return entered;
}

async function signIn(): Promise<void> {
  const entered = readSignInForm();
  setStatus('Iniciando sesión…');
  const session = await learnName(await requestToken(entered));
  rememberCredentials(entered);
  ui.clientSecret.value = '';
  setAlert('');
  showReport(session);
  await load('all', { focusTitle: true });
}

async function onSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (signingIn) return;
  signingIn = true;
  ui.submit.setAttribute('aria-disabled', 'true');
  setAlert('');
  try {
    await signIn();
  } catch (error) {
    setStatus('');
    setAlert(messageFor(error));
    if (isPageError(error, 'bad-credentials')) {
      ui.clientSecret.setAttribute('aria-invalid', 'true');
      ui.clientSecret.select();
    }
  } finally {
    signingIn = false;
    ui.submit.removeAttribute('aria-disabled');
  }
}

/** Sets the date the report is for (undefined = today) and the controls that show it. */
function pickDate(date: string | undefined): void {
  askedDate = date;
  ui.date.value = date ?? '';
  ui.dateToday.hidden = date === undefined;
}

function listenToDates(): void {
  ui.date.max = mexicoCityToday();
  ui.dateForm.addEventListener('submit', (event) => {
    event.preventDefault();
    // An empty field is today's report; the server judges the rest (future, malformed, before its history).
    pickDate(ui.date.value === '' || ui.date.value === mexicoCityToday() ? undefined : ui.date.value);
    void load(currentView);
    history.dateChanged();
  });
  ui.dateToday.addEventListener('click', () => {
    pickDate(undefined);
    void load(currentView);
    history.dateChanged();
  });
}

function listen(): void {
  listenToDates();
  for (const button of ui.viewButtons) {
    // The tabs' names come from series.ts, like the cards' (one naming scheme).
    if (isView(button.dataset.view)) button.textContent = VIEWS[button.dataset.view].title;
  }
  ui.form.addEventListener('submit', (event) => void onSubmit(event));
  for (const button of ui.viewButtons) {
    button.addEventListener('click', () => {
      if (isView(button.dataset.view)) void load(button.dataset.view);
    });
  }
  ui.refresh.addEventListener('click', () => void load(currentView));
  ui.signOut.addEventListener('click', () => {
    signOut();
    setStatus('Sesión cerrada.');
    ui.clientId.focus();
  });
}

function start(): void {
  listen();
  const stored = readSession();
  if (stored === null) {
    showSignIn();
  } else if (isExpiring(stored)) {
    // A reload forgets the credentials, so an expired token cannot be renewed here.
    signOut(new PageError('expired'));
    ui.clientId.value = stored.clientId;
  } else {
    showReport(stored);
    void load('all');
  }
}

start();
