import { byId } from './dom.js';

/** The page's fixed elements (lib/web/index.html), looked up once; a missing one throws at start. */
export function findUi() {
  return {
    alert: byId('alert'),
    status: byId('status'),
    signIn: byId('sign-in'),
    form: byId('sign-in-form', HTMLFormElement),
    clientId: byId('client-id', HTMLInputElement),
    clientSecret: byId('client-secret', HTMLInputElement),
    apiKey: byId('api-key', HTMLInputElement),
    submit: byId('sign-in-submit', HTMLButtonElement),
    account: byId('account'),
    accountClient: byId('account-client'),
    signOut: byId('sign-out', HTMLButtonElement),
    report: byId('report'),
    reportTitle: byId('report-title'),
    quota: byId('quota'),
    refresh: byId('refresh', HTMLButtonElement),
    rates: byId('rates'),
    sourceErrors: byId('source-errors'),
    sourceErrorsList: byId('source-errors-list'),
    summary: byId('summary'),
    spread: byId('spread'),
    consistency: byId('consistency'),
    consistencyWarning: byId('consistency-warning'),
    dateForm: byId('date-form', HTMLFormElement),
    date: byId('date', HTMLInputElement),
    dateToday: byId('date-today', HTMLButtonElement),
    fiscal: byId('fiscal'),
    fiscalText: byId('fiscal-text'),
    viewButtons: Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-view]')),
  };
}

export type Ui = ReturnType<typeof findUi>;
