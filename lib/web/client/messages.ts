import { clockFormat, formatDuration } from './format.js';
import { PageError } from './page-error.js';

/** What each failing source's error code means, in words (the codes: README "The API"). */
export const SOURCE_PROBLEMS: Record<string, string> = {
  timeout: 'la fuente no respondió a tiempo.',
  upstream_error: 'la fuente respondió con un error.',
  layout_changed: 'la fuente cambió el formato de su respuesta y no pudimos leer el valor.',
  invalid_value: 'la fuente entregó un valor que no pasó nuestras revisiones.',
  unauthorized_upstream: 'la fuente rechazó las credenciales del servicio.',
  quota_exhausted: 'se agotaron las consultas del servicio a esta fuente por este mes.',
  not_published: 'la fuente aún no ha publicado un valor.',
  not_configured: 'el servicio no tiene configuradas las credenciales de esta fuente.',
};

export const SOURCE_NAMES: Record<string, string> = {
  dof: 'Diario Oficial (DOF y para pagos)',
  fixer: 'Fixer (mercado)',
  banxico: 'Banxico (FIX)',
};

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
    case 'bad-request':
      return `El servicio no aceptó la consulta${details.detail === undefined ? '' : `: ${details.detail}`}`;
    case 'unreachable':
      return 'No pudimos comunicarnos con el servicio. Revisa tu conexión a internet e intenta de nuevo.';
    default:
      return 'El servicio tuvo un problema al responder. Intenta de nuevo en unos minutos.';
  }
}
