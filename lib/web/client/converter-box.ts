import type { BoxHooks } from './box-hooks.js';
import { type ConvertRequest, conversionLines, convert } from './converter.js';
import { byId, el } from './dom.js';
import { messageFor } from './messages.js';
import { isPageError } from './page-error.js';

const DIRECTIONS: Record<string, Pick<ConvertRequest, 'from' | 'to'>> = {
  'USD-MXN': { from: 'USD', to: 'MXN' },
  'MXN-USD': { from: 'MXN', to: 'USD' },
};

function findBox() {
  return {
    form: byId('convert-form', HTMLFormElement),
    amount: byId('convert-amount', HTMLInputElement),
    direction: byId('convert-direction', HTMLSelectElement),
    kind: byId('convert-kind', HTMLSelectElement),
    result: byId('convert-result'),
  };
}
type Box = ReturnType<typeof findBox>;

/** The request, or the words of what is missing (the server checks the amount's form). */
function readRequest(box: Box, date: string | undefined): ConvertRequest | string {
  const amount = box.amount.value.trim();
  if (amount === '') return 'Escribe la cantidad a convertir.';
  if (box.kind.value === '')
    return 'Elige el tipo de cambio: el correcto depende de para qué es la cantidad.';
  const direction = DIRECTIONS[box.direction.value] ?? { from: 'USD', to: 'MXN' };
  return { amount, ...direction, kind: box.kind.value, date };
}

/** A refused query is said in Spanish by the parameter the server's detail names (never its English). */
function convertFailure(error: unknown): string {
  return messageFor(error);
}

async function submit(box: Box, hooks: BoxHooks): Promise<void> {
  const request = readRequest(box, hooks.date());
  if (typeof request === 'string') {
    box.result.replaceChildren(el('p', { class: 'convert-error' }, request));
    return;
  }
  box.result.replaceChildren(el('p', null, 'Convirtiendo…'));
  try {
    const [answer, rate, rounding] = conversionLines(await convert(request, hooks.observe));
    box.result.replaceChildren(
      el('p', { class: 'convert-answer', 'data-testid': 'convert-answer' }, answer),
      el('p', null, rate),
      el('p', { class: 'hint' }, rounding),
    );
  } catch (error) {
    if (isPageError(error, 'expired', 'wrong-api-key', 'bad-credentials')) {
      hooks.onCredentialFailure(error);
      return;
    }
    box.result.replaceChildren(el('p', { class: 'convert-error' }, convertFailure(error)));
  }
}

/** Wires the converter form; `clear()` empties its answer (on sign-out). */
export function setUpConverter(hooks: BoxHooks): { clear: () => void } {
  const box = findBox();
  let busy = false;
  box.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    box.result.setAttribute('aria-busy', 'true');
    void submit(box, hooks).finally(() => {
      busy = false;
      box.result.setAttribute('aria-busy', 'false');
    });
  });
  return {
    clear: () => {
      box.result.replaceChildren();
      box.form.reset();
    },
  };
}
