import { countFormat, formatDuration } from './format.js';

/**
 * The quota line, from the IETF RateLimit headers every gated answer carries
 * (`RateLimit: "minute";r=29;t=41`, `RateLimit-Policy: "minute";q=30;w=60, "day";q=1000;w=86400`).
 */
const WINDOW_NAMES: Record<string, string> = { minute: 'minuto', day: 'día', hour: 'hora', month: 'mes' };

interface RateLimitItem {
  name: string;
  params: Record<string, number>;
}

function parseRateLimit(value: string): RateLimitItem | null {
  const match = /^\s*"([^"]*)"\s*;(.*)$/.exec(value);
  if (match === null) return null;
  const params: Record<string, number> = {};
  for (const part of (match[2] ?? '').split(';')) {
    const [key, raw] = part.split('=').map((piece) => piece.trim());
    if (key && raw !== undefined && /^\d+$/.test(raw)) params[key] = Number(raw);
  }
  return { name: match[1] ?? '', params };
}

const windowName = (name: string) => WINDOW_NAMES[name] ?? name;

/** "Consultas restantes: 298 en este minuto; se renuevan en 41 s. Tu plan: 300 por minuto, …", or null. */
export function quotaText(headers: Headers): string | null {
  const current = parseRateLimit(headers.get('RateLimit') ?? '');
  const remaining = current?.params.r;
  if (current === null || remaining === undefined) return null;
  const resetIn = current.params.t;
  const renews = resetIn === undefined ? '' : `; se renuevan en ${formatDuration(resetIn)}`;
  const limits = (headers.get('RateLimit-Policy') ?? '')
    .split(',')
    .map(parseRateLimit)
    .flatMap((item) =>
      item?.params.q === undefined
        ? []
        : [`${countFormat.format(item.params.q)} por ${windowName(item.name)}`],
    );
  return (
    `Consultas restantes: ${countFormat.format(remaining)} en este ${windowName(current.name)}${renews}.` +
    (limits.length > 0 ? ` Tu plan: ${limits.join(', ')}.` : '')
  );
}
