import { ratesHandler } from '../lib/http/rates-response.js';

export const handler = ratesHandler(['banxico']);
