import { clockFormat, formatDuration } from './format.js';
import { PageError } from './page-error.js';
import { badRequestWords } from './spanish.js';

/** The source names in sentences (the DOF page also gives para pagos). */
export const SOURCE_NAMES: Record<string, string> = {
  dof: 'Diario Oficial (DOF y para pagos)',
  fixer: 'Fixer (mercado)',
  banxico: 'Banxico (FIX)',
};

/** The variable a `not_configured` message names (lib/providers/credentials.ts), if any. */
const variableIn = (message: string): string | undefined =>
  /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/.exec(message)?.[1];

/** Network failures are said as "could not reach <host>: …" (lib/providers/upstream-call.ts). */
const isUnreachable = (message: string): boolean => /could not reach/i.test(message);

/** What the failure was, in words: `what` is the failed part, `todo` what to do about it. */
interface Problem {
  what: string;
  todo: string;
}

const ADMIN = 'quien administra el servicio';

/**
 * A source's failure in words, by the API's error code (README "The API": the codes), saying
 * who failed (the source, the connection to it, or our configuration) and what to do. The
 * message from the API refines two codes: which variable is missing, and whether the host
 * was unreachable or answered an error.
 */
export function sourceProblem(code: string, message: string, source: string): Problem {
  switch (code) {
    case 'not_configured': {
      const variable = variableIn(message);
      return {
        what: `el servicio no tiene configurada la clave de esta fuente${variable === undefined ? '' : ` (${variable})`}, así que no la consulta`,
        todo: `${ADMIN} debe configurarla; no es un problema de tu cuenta`,
      };
    }
    case 'upstream_error':
      return isUnreachable(message)
        ? {
            what: 'no pudimos conectarnos con la fuente',
            todo: 'suele ser pasajero: intenta de nuevo en unos minutos',
          }
        : {
            what: 'la fuente respondió con un error',
            todo: 'suele ser pasajero: intenta de nuevo en unos minutos',
          };
    case 'timeout':
      return { what: 'la fuente no respondió a tiempo', todo: 'intenta de nuevo en unos minutos' };
    case 'not_published':
      return {
        what: 'la fuente aún no ha publicado el valor',
        todo:
          source === 'banxico'
            ? 'Banxico publica el FIX a partir de las 12:00 (hora de la Ciudad de México); vuelve a consultar después'
            : 'vuelve a consultar más tarde',
      };
    case 'quota_exhausted':
      return {
        what: 'se agotaron las consultas que el servicio puede hacer a esta fuente',
        todo:
          source === 'fixer'
            ? 'se renuevan el próximo mes'
            : 'se renuevan en cuanto la fuente lo permita; intenta más tarde',
      };
    case 'unauthorized_upstream':
      return {
        what: 'la fuente rechazó la clave configurada en el servicio',
        todo: `${ADMIN} debe revisarla o renovarla`,
      };
    case 'layout_changed':
      return {
        what: 'la fuente cambió el formato de su respuesta y no pudimos leer el valor',
        todo: `avisa a ${ADMIN}: hay que ajustar el lector`,
      };
    case 'invalid_value':
      return {
        what: 'la fuente entregó un valor que no pasó nuestras revisiones, así que no lo usamos',
        todo: 'intenta más tarde',
      };
    case 'before_history':
      return { what: 'la fuente no tiene datos de esa fecha', todo: 'elige una fecha posterior' };
    default:
      return { what: 'la fuente falló', todo: 'intenta de nuevo en unos minutos' };
  }
}

/** "Intenta de nuevo en 30 s (a las 12:00:30)." */
export function retryText(seconds: number | undefined): string {
  if (seconds === undefined) return 'Intenta de nuevo en unos momentos.';
  const at = clockFormat.format(new Date(Date.now() + seconds * 1000));
  return `Intenta de nuevo en ${formatDuration(seconds)} (a las ${at}).`;
}

/** The alert text for a failure: what failed and what to do. */
export function messageFor(error: unknown): string {
  if (!(error instanceof PageError)) return 'Algo falló en esta página. Recárgala e intenta de nuevo.';
  const { details } = error;
  switch (error.kind) {
    case 'bad-credentials':
      return 'El ID de cliente o el secreto no son correctos. Revísalos e intenta de nuevo.';
    case 'sign-in-locked':
      return `Hubo demasiados intentos fallidos con este cliente. ${retryText(details.retryAfter)}`;
    case 'bad-sign-in-request':
      return 'El servicio no aceptó la solicitud de inicio de sesión. Revisa los datos e intenta de nuevo.';
    case 'missing-fields':
      return `Falta llenar: ${(details.fields ?? []).join(', ')}.`;
    case 'expired':
      return 'Tu sesión expiró. Vuelve a iniciar sesión.';
    case 'wrong-api-key':
      return 'La clave de API no corresponde a este cliente. Revísala e inicia sesión de nuevo.';
    case 'quota':
      return `Alcanzaste el límite de consultas de tu plan. ${retryText(details.retryAfter)}`;
    case 'no-source':
      return `Ninguna fuente pudo dar un tipo de cambio ahora. ${retryText(details.retryAfter)}`;
    case 'before-history':
      return 'No hay datos de esa fecha: es anterior a la historia de las fuentes. Elige una fecha posterior.';
    case 'bad-request':
      return badRequestWords(details.detail);
    case 'unreachable':
      return 'No pudimos comunicarnos con el servicio. Revisa tu conexión a internet e intenta de nuevo.';
    default:
      return 'El servicio tuvo un problema al responder. Intenta de nuevo en unos minutos.';
  }
}
