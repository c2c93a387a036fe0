import { ratesHandler } from '../lib/rates/rates-route.js';

export const handler = ratesHandler(['fixer']);
