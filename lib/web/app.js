// The page's only script: plain browser JavaScript, inlined by lib/web/page.ts and allowed
// by its sha256 in the Content-Security-Policy. It talks only to this service (same origin).
(() => {
  const SESSION_KEY = 'tipo-de-cambio.session';
  /** Renew this long before the token's expiry, so a request never leaves with a dying token. */
  const RENEW_MARGIN_MS = 30_000;
  const LOCALE = 'es-MX';
  const MEXICO_CITY = 'America/Mexico_City';

  // The page is served at the API's root (`/` locally, `/<stage>` on AWS): resolve from there.
  const API_BASE = window.location.pathname.replace(/\/?$/, '/');
  const api = (path) => `${API_BASE}${path}`;

  const VIEWS = {
    all: { path: 'v1/rates', title: 'Reporte diario' },
    fixer: { path: 'v1/rates/fixer', title: 'Fixer' },
    dof: { path: 'v1/rates/dof', title: 'Diario Oficial' },
    banxico: { path: 'v1/rates/banxico', title: 'Banxico' },
  };
  const RATE_ORDER = ['dof', 'dof_para_pagos', 'banxico', 'fixer'];
  const RATE_TITLES = {
    dof: 'DOF',
    dof_para_pagos: 'Para pagos',
    banxico: 'FIX',
    fixer: 'Mercado',
  };
  // The kind, explained in plain words (issue 6 gives these exact phrases).
  const KIND_WORDS = {
    fix: 'FIX — set by Banxico today',
    dof: 'DOF — published today',
    para_pagos: 'Para pagos — use today for USD obligations',
    market: 'Market — Fixer',
  };
  const SOURCE_NAMES = {
    dof: 'Diario Oficial (DOF y para pagos)',
    fixer: 'Fixer (mercado)',
    banxico: 'Banxico (FIX)',
  };
  const SOURCE_PROBLEMS = {
    timeout: 'la fuente no respondió a tiempo.',
    upstream_error: 'la fuente respondió con un error.',
    layout_changed: 'la fuente cambió el formato de su respuesta y no pudimos leer el valor.',
    invalid_value: 'la fuente entregó un valor que no pasó nuestras revisiones.',
    unauthorized_upstream: 'la fuente rechazó las credenciales del servicio.',
    quota_exhausted: 'se agotaron las consultas del servicio a esta fuente por este mes.',
    not_published: 'la fuente aún no ha publicado un valor.',
    not_configured: 'el servicio no tiene configuradas las credenciales de esta fuente.',
  };
  const WINDOW_NAMES = { minute: 'minuto', day: 'día', hour: 'hora', month: 'mes' };

  const numberFormat = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 2 });
  const countFormat = new Intl.NumberFormat(LOCALE);
  const dayFormat = new Intl.DateTimeFormat(LOCALE, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const shortDayFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' });
  const instantFormat = new Intl.DateTimeFormat(LOCALE, {
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
    timeZone: MEXICO_CITY,
  });
  const clockFormat = new Intl.DateTimeFormat(LOCALE, {
    timeStyle: 'medium',
    hourCycle: 'h23',
    timeZone: MEXICO_CITY,
  });

  const $ = (id) => {
    const element = document.getElementById(id);
    if (element === null) throw new Error(`missing #${id}`);
    return element;
  };
  const ui = {
    alert: $('alert'),
    status: $('status'),
    signIn: $('sign-in'),
    form: $('sign-in-form'),
    clientId: $('client-id'),
    clientSecret: $('client-secret'),
    apiKey: $('api-key'),
    submit: $('sign-in-submit'),
    account: $('account'),
    accountClient: $('account-client'),
    signOut: $('sign-out'),
    report: $('report'),
    reportTitle: $('report-title'),
    quota: $('quota'),
    refresh: $('refresh'),
    rates: $('rates'),
    sourceErrors: $('source-errors'),
    sourceErrorsList: $('source-errors-list'),
    summary: $('summary'),
    spread: $('spread'),
    dofCheck: $('dof-check'),
    viewButtons: Array.from(document.querySelectorAll('button[data-view]')),
  };
  const holidays = new Set((document.body.dataset.bankHolidays ?? '').split(' ').filter(Boolean));

  /** Credentials live in memory only (this page load), to renew the token; never stored. */
  let credentials = null;
  let currentView = 'all';
  let loading = false;
  let signingIn = false;

  /** A failure the page explains in words; `kind` picks the words. */
  class PageError extends Error {
    constructor(kind, details = {}) {
      super(kind);
      this.kind = kind;
      this.details = details;
    }
  }

  // ---- small DOM helpers -------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value !== undefined && value !== null) element.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  function setAlert(text) {
    ui.alert.textContent = text ?? '';
  }

  function setStatus(text) {
    ui.status.textContent = text ?? '';
  }

  // ---- formatting -------------------------------------------------------------------------

  function formatDay(isoDate) {
    const date = new Date(`${isoDate}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? isoDate : dayFormat.format(date);
  }

  function formatShortDay(isoDate) {
    const date = new Date(`${isoDate}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? isoDate : shortDayFormat.format(date);
  }

  function formatInstant(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : instantFormat.format(date);
  }

  function formatDuration(totalSeconds) {
    const seconds = Math.max(0, Math.round(totalSeconds));
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
    const days = Math.floor(hours / 24);
    const label = days === 1 ? 'día' : 'días';
    return hours % 24 === 0 ? `${days} ${label}` : `${days} ${label} ${hours % 24} h`;
  }

  function timeElement(iso, text) {
    return el('time', { datetime: iso }, text);
  }

  // ---- session ----------------------------------------------------------------------------

  function readSession() {
    try {
      const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
      if (
        session !== null &&
        typeof session.token === 'string' &&
        typeof session.apiKey === 'string' &&
        typeof session.clientId === 'string' &&
        typeof session.expiresAt === 'number'
      ) {
        return session;
      }
    } catch {
      // Unreadable: treated as signed out.
    }
    return null;
  }

  function saveSession(session) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  function clearSession() {
    sessionStorage.removeItem(SESSION_KEY);
  }

  function retryAfterSeconds(response) {
    const raw = response.headers.get('Retry-After');
    if (raw === null) return undefined;
    if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
    const date = Date.parse(raw);
    return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  /** POST /v1/auth/token with HTTP Basic (RFC 6749 §2.3.1: form-encode, then base64). */
  async function requestToken({ clientId, clientSecret, apiKey }) {
    const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
    let response;
    try {
      response = await fetch(api('v1/auth/token'), {
        method: 'POST',
        // "omit": a 401 with WWW-Authenticate: Basic must not open the browser's own login box.
        credentials: 'omit',
        cache: 'no-store',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
      });
    } catch {
      throw new PageError('unreachable');
    }
    if (response.ok) {
      const body = await readJson(response);
      if (body === null || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
        throw new PageError('server', { status: response.status });
      }
      const previous = readSession();
      const session = {
        token: body.access_token,
        expiresAt: Date.now() + body.expires_in * 1000,
        apiKey,
        clientId,
        // A renewed token keeps the name already learned for this client.
        ...(previous?.clientId === clientId && typeof previous.name === 'string'
          ? { name: previous.name }
          : {}),
      };
      saveSession(session);
      return session;
    }
    if (response.status === 401) throw new PageError('bad-credentials');
    if (response.status === 429) {
      throw new PageError('sign-in-locked', { retryAfter: retryAfterSeconds(response) });
    }
    if (response.status === 400) throw new PageError('bad-sign-in-request');
    throw new PageError('server', { status: response.status });
  }

  /** A token good for the next request: the stored one, or a new one from the in-memory credentials. */
  async function currentSession({ forceRenew = false } = {}) {
    const session = readSession();
    if (session !== null && !forceRenew && session.expiresAt - RENEW_MARGIN_MS > Date.now()) return session;
    if (credentials === null) throw new PageError('expired');
    return requestToken(credentials);
  }

  // ---- the API ----------------------------------------------------------------------------

  /**
   * The client's name for the header, from GET /v1/whoami (one request of the quota, once
   * per sign-in). Any failure keeps the id in the header: the report matters more.
   */
  async function learnName(session) {
    try {
      const response = await fetch(api('v1/whoami'), {
        credentials: 'omit',
        cache: 'no-store',
        headers: {
          Authorization: `Bearer ${session.token}`,
          'x-api-key': session.apiKey,
          Accept: 'application/json',
        },
      });
      const body = response.ok ? await readJson(response) : null;
      if (body === null || typeof body.name !== 'string' || body.name === '') return session;
      const named = { ...session, name: body.name };
      saveSession(named);
      return named;
    } catch {
      return session;
    }
  }

  async function getRates(view) {
    const call = async (session) => {
      try {
        return await fetch(api(VIEWS[view].path), {
          credentials: 'omit',
          // Revalidate every time: the answer is cached privately, but quota and freshness are the server's.
          cache: 'no-cache',
          headers: {
            Authorization: `Bearer ${session.token}`,
            'x-api-key': session.apiKey,
            Accept: 'application/json',
          },
        });
      } catch {
        throw new PageError('unreachable');
      }
    };
    let response = await call(await currentSession());
    if (response.status === 401 && credentials !== null) {
      // Expired or revoked token while we still hold the credentials: renew once and retry.
      response = await call(await currentSession({ forceRenew: true }));
    }
    showQuota(response);
    if (response.status === 200) {
      const body = await readJson(response);
      if (body === null || typeof body.rates !== 'object' || body.rates === null) {
        throw new PageError('server', { status: response.status });
      }
      return body;
    }
    if (response.status === 401) throw new PageError('expired');
    if (response.status === 403) throw new PageError('wrong-api-key');
    if (response.status === 429) throw new PageError('quota', { retryAfter: retryAfterSeconds(response) });
    if (response.status === 503) {
      const body = await readJson(response);
      throw new PageError('no-source', {
        retryAfter: retryAfterSeconds(response),
        errors: body !== null && typeof body.errors === 'object' ? body.errors : {},
      });
    }
    throw new PageError('server', { status: response.status });
  }

  // ---- quota (IETF RateLimit headers) -----------------------------------------------------

  function parseRateLimit(value) {
    // e.g. "minute";r=29;t=41
    const match = /^\s*"([^"]*)"\s*;(.*)$/.exec(value ?? '');
    if (match === null) return null;
    const params = {};
    for (const part of match[2].split(';')) {
      const [key, raw] = part.split('=').map((piece) => piece.trim());
      if (key && raw !== undefined && /^\d+$/.test(raw)) params[key] = Number(raw);
    }
    return { name: match[1], ...params };
  }

  function parsePolicy(value) {
    return (value ?? '')
      .split(',')
      .map(parseRateLimit)
      .filter((item) => item !== null && item.q !== undefined);
  }

  function showQuota(response) {
    const current = parseRateLimit(response.headers.get('RateLimit'));
    const policy = parsePolicy(response.headers.get('RateLimit-Policy'));
    if (current === null || current.r === undefined) return;
    const windowName = WINDOW_NAMES[current.name] ?? current.name;
    const renews = current.t === undefined ? '' : `; se renuevan en ${formatDuration(current.t)}`;
    const limits = policy.map(
      (item) => `${countFormat.format(item.q)} por ${WINDOW_NAMES[item.name] ?? item.name}`,
    );
    ui.quota.textContent =
      `Consultas restantes: ${countFormat.format(current.r)} en este ${windowName}${renews}.` +
      (limits.length > 0 ? ` Tu plan: ${limits.join(', ')}.` : '');
  }

  // ---- messages -----------------------------------------------------------------------------

  function retryText(seconds) {
    if (seconds === undefined) return 'Intenta de nuevo en unos momentos.';
    const at = clockFormat.format(new Date(Date.now() + seconds * 1000));
    return `Intenta de nuevo en ${formatDuration(seconds)} (a las ${at}).`;
  }

  function messageFor(error) {
    if (!(error instanceof PageError)) return 'Algo falló en esta página. Recárgala e intenta de nuevo.';
    switch (error.kind) {
      case 'bad-credentials':
        return 'El ID de cliente o el secreto no son correctos. Revísalos e intenta de nuevo.';
      case 'sign-in-locked':
        return `Hubo demasiados intentos fallidos con este cliente. ${retryText(error.details.retryAfter)}`;
      case 'bad-sign-in-request':
        return 'El servicio no aceptó la solicitud de inicio de sesión. Revisa los datos e intenta de nuevo.';
      case 'missing-fields':
        return `Falta llenar: ${error.details.fields.join(', ')}.`;
      case 'expired':
        return 'Tu sesión expiró. Vuelve a iniciar sesión.';
      case 'wrong-api-key':
        return 'La clave de API no corresponde a este cliente. Revísala e inicia sesión de nuevo.';
      case 'quota':
        return `Alcanzaste el límite de consultas de tu plan. ${retryText(error.details.retryAfter)}`;
      case 'no-source':
        return `Ninguna fuente pudo dar un tipo de cambio ahora. ${retryText(error.details.retryAfter)}`;
      case 'unreachable':
        return 'No pudimos comunicarnos con el servicio. Revisa tu conexión a internet e intenta de nuevo.';
      default:
        return 'El servicio tuvo un problema al responder. Intenta de nuevo en unos minutos.';
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  function renderCard(key, rate) {
    const titleId = `rate-${key}-title`;
    const title = el('h3', { id: titleId, class: 'card-title' }, RATE_TITLES[key] ?? key);
    if (rate.stale === true) {
      const age = typeof rate.age_seconds === 'number' ? ` · hace ${formatDuration(rate.age_seconds)}` : '';
      title.append(' ', el('span', { class: 'badge', 'data-testid': 'stale-badge' }, `Desactualizado${age}`));
    }
    const card = el(
      'li',
      { class: rate.stale === true ? 'card is-stale' : 'card', 'data-rate': key, 'aria-labelledby': titleId },
      title,
      el('p', { class: 'kind', lang: 'en' }, KIND_WORDS[rate.kind] ?? rate.kind),
      el(
        'p',
        { class: 'value' },
        el('span', { class: 'amount', 'data-testid': 'value' }, numberFormat.format(rate.value)),
        el('span', { class: 'unit' }, 'pesos por 1 dólar'),
      ),
      el(
        'dl',
        { class: 'facts' },
        el('dt', null, 'Fecha del valor'),
        el('dd', null, timeElement(rate.date, formatDay(rate.date))),
        el('dt', null, 'Publicado por la fuente'),
        el('dd', null, timeElement(rate.last_updated, formatInstant(rate.last_updated))),
        el('dt', null, 'Consultado por nosotros'),
        el('dd', null, timeElement(rate.fetched_at, formatInstant(rate.fetched_at))),
      ),
    );
    if (rate.stale === true) {
      card.append(
        el(
          'p',
          { class: 'stale-note' },
          'No pudimos actualizarlo: es el último valor bueno que tenemos' +
            (typeof rate.age_seconds === 'number'
              ? `, consultado hace ${formatDuration(rate.age_seconds)}.`
              : '.'),
        ),
      );
    }
    card.append(el('p', { class: 'source' }, `Fuente: ${rate.source}`));
    return card;
  }

  function renderSourceErrors(errors, rates) {
    ui.sourceErrorsList.replaceChildren();
    const entries = Object.entries(errors ?? {});
    for (const [source, error] of entries) {
      const problem = SOURCE_PROBLEMS[error?.code] ?? 'la fuente falló.';
      const keys = source === 'dof' ? ['dof', 'dof_para_pagos'] : [source];
      const shown = keys.some((key) => rates?.[key] !== undefined);
      const consequence = shown
        ? ' Mostramos el último valor bueno, marcado como desactualizado.'
        : ' No hay un valor que mostrar.';
      ui.sourceErrorsList.append(
        el('li', { 'data-source': source }, `${SOURCE_NAMES[source] ?? source}: ${problem}${consequence}`),
      );
    }
    ui.sourceErrors.hidden = entries.length === 0;
  }

  /** The last banking day before `isoDate` (Mon–Fri, not a bank holiday from the server's calendar). */
  function previousBankingDay(isoDate) {
    const date = new Date(`${isoDate}T00:00:00Z`);
    do {
      date.setUTCDate(date.getUTCDate() - 1);
    } while (
      date.getUTCDay() === 0 ||
      date.getUTCDay() === 6 ||
      holidays.has(date.toISOString().slice(0, 10))
    );
    return date.toISOString().slice(0, 10);
  }

  function renderSummary(rates) {
    const shown = RATE_ORDER.map((key) => [key, rates[key]]).filter(([, rate]) => rate !== undefined);
    if (shown.length >= 2) {
      const sorted = [...shown].sort((a, b) => a[1].value - b[1].value);
      const [lowKey, low] = sorted[0];
      const [highKey, high] = sorted[sorted.length - 1];
      const spread = high.value - low.value;
      ui.spread.textContent =
        `Diferencia entre el más alto (${RATE_TITLES[highKey]}, ${numberFormat.format(high.value)}) ` +
        `y el más bajo (${RATE_TITLES[lowKey]}, ${numberFormat.format(low.value)}): ` +
        `${numberFormat.format(spread)} pesos, ${percentFormat.format(spread / low.value)} del más bajo.`;
    } else {
      ui.spread.textContent = 'Se necesitan al menos dos valores para calcular la diferencia.';
    }

    const dof = rates.dof;
    const fix = rates.banxico;
    ui.dofCheck.className = '';
    if (dof === undefined || fix === undefined) {
      ui.dofCheck.textContent =
        'Revisión DOF = FIX: se necesitan el DOF y el FIX de Banxico para compararlos.';
      return;
    }
    const expectedFixDate = previousBankingDay(dof.date);
    if (fix.date !== expectedFixDate) {
      ui.dofCheck.textContent =
        `Revisión DOF = FIX: no se puede hacer con estos valores. El DOF del ${formatShortDay(dof.date)} ` +
        `publica el FIX del ${formatShortDay(expectedFixDate)} (el día hábil anterior), ` +
        `y el FIX mostrado es del ${formatShortDay(fix.date)}.`;
      return;
    }
    const equal = Math.abs(dof.value - fix.value) < 0.00005;
    ui.dofCheck.className = equal ? 'check-ok' : 'check-bad';
    ui.dofCheck.textContent = equal
      ? `Revisión DOF = FIX: correcta. El DOF del ${formatShortDay(dof.date)} (${numberFormat.format(dof.value)}) ` +
        `es igual al FIX del ${formatShortDay(fix.date)}.`
      : `Revisión DOF = FIX: no coinciden. El DOF del ${formatShortDay(dof.date)} es ${numberFormat.format(dof.value)} ` +
        `y el FIX del ${formatShortDay(fix.date)} es ${numberFormat.format(fix.value)}.`;
  }

  function renderRates(body, view) {
    const rates = body.rates ?? {};
    ui.rates.replaceChildren(
      ...RATE_ORDER.filter((key) => rates[key] !== undefined).map((key) => renderCard(key, rates[key])),
    );
    renderSourceErrors(body.errors, rates);
    ui.summary.hidden = view !== 'all';
    if (view === 'all') renderSummary(rates);
  }

  function clearReport() {
    ui.rates.replaceChildren();
    ui.sourceErrorsList.replaceChildren();
    ui.sourceErrors.hidden = true;
    ui.summary.hidden = true;
    ui.quota.textContent = '';
  }

  function selectView(view) {
    currentView = view;
    ui.reportTitle.textContent = VIEWS[view].title;
    for (const button of ui.viewButtons) {
      button.setAttribute('aria-pressed', String(button.dataset.view === view));
    }
  }

  // ---- screens -------------------------------------------------------------------------------

  function showSignIn(error) {
    ui.report.hidden = true;
    ui.account.hidden = true;
    ui.signIn.hidden = false;
    clearReport();
    setStatus('');
    setAlert(error === undefined ? '' : messageFor(error));
  }

  function showReport(session) {
    ui.signIn.hidden = true;
    ui.report.hidden = false;
    ui.account.hidden = false;
    ui.accountClient.textContent = typeof session.name === 'string' ? session.name : session.clientId;
    ui.accountClient.title = session.clientId;
  }

  function signOut(error) {
    credentials = null;
    clearSession();
    ui.form.reset();
    showSignIn(error);
  }

  async function load(view, { focusTitle = false } = {}) {
    if (loading) return;
    loading = true;
    selectView(view);
    ui.rates.setAttribute('aria-busy', 'true');
    setStatus('Consultando…');
    try {
      const body = await getRates(view);
      setAlert('');
      renderRates(body, view);
      setStatus(`${VIEWS[view].title}: actualizado a las ${clockFormat.format(new Date())}`);
    } catch (error) {
      if (error instanceof PageError && (error.kind === 'expired' || error.kind === 'wrong-api-key')) {
        const clientId = readSession()?.clientId;
        signOut(error);
        if (clientId !== undefined) ui.clientId.value = clientId;
        ui.clientId.focus();
        return;
      }
      if (error instanceof PageError && error.kind === 'no-source') {
        ui.rates.replaceChildren();
        ui.summary.hidden = true;
        renderSourceErrors(error.details.errors, {});
      }
      if (error instanceof PageError && error.kind === 'bad-credentials') {
        // Renewing with the remembered credentials failed (secret rotated, client disabled).
        signOut(error);
        ui.clientId.focus();
        return;
      }
      setStatus('');
      setAlert(messageFor(error));
    } finally {
      loading = false;
      ui.rates.setAttribute('aria-busy', 'false');
    }
    if (focusTitle) ui.reportTitle.focus();
  }

  // ---- events --------------------------------------------------------------------------------

  ui.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (signingIn) return;
    const entered = {
      clientId: ui.clientId.value.trim(),
      clientSecret: ui.clientSecret.value,
      apiKey: ui.apiKey.value.trim(),
    };
    const missing = [
      [entered.clientId, ui.clientId, 'ID de cliente'],
      [entered.clientSecret, ui.clientSecret, 'secreto del cliente'],
      [entered.apiKey, ui.apiKey, 'clave de API'],
    ].filter(([value]) => value === '');
    for (const input of [ui.clientId, ui.clientSecret, ui.apiKey]) input.removeAttribute('aria-invalid');
    if (missing.length > 0) {
      for (const [, input] of missing) input.setAttribute('aria-invalid', 'true');
      setAlert(messageFor(new PageError('missing-fields', { fields: missing.map(([, , name]) => name) })));
      missing[0][1].focus();
      return;
    }
    signingIn = true;
    ui.submit.setAttribute('aria-disabled', 'true');
    setAlert('');
    setStatus('Iniciando sesión…');
    try {
      const session = await learnName(await requestToken(entered));
      credentials = entered;
      ui.clientSecret.value = '';
      setAlert('');
      showReport(session);
      await load('all', { focusTitle: true });
    } catch (error) {
      setStatus('');
      setAlert(messageFor(error));
      if (error instanceof PageError && error.kind === 'bad-credentials') {
        ui.clientSecret.setAttribute('aria-invalid', 'true');
        ui.clientSecret.select();
      }
    } finally {
      signingIn = false;
      ui.submit.removeAttribute('aria-disabled');
    }
  });

  for (const button of ui.viewButtons) {
    button.addEventListener('click', () => load(button.dataset.view));
  }
  ui.refresh.addEventListener('click', () => load(currentView));
  ui.signOut.addEventListener('click', () => {
    signOut();
    setStatus('Sesión cerrada.');
    ui.clientId.focus();
  });

  // ---- start -------------------------------------------------------------------------------

  const stored = readSession();
  if (stored === null) {
    showSignIn();
  } else if (stored.expiresAt - RENEW_MARGIN_MS <= Date.now()) {
    // A reload forgets the credentials, so an expired token cannot be renewed here.
    signOut(new PageError('expired'));
    ui.clientId.value = stored.clientId;
  } else {
    showReport(stored);
    void load('all');
  }
})();
