import { ratesHandlerWithDates } from '../lib/http/history-routes.js';

export const handler = ratesHandlerWithDates(['dof', 'fixer', 'banxico']);
