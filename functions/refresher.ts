import { SOURCE_IDS } from '../lib/core/rate.js';
import { describeError, logger } from '../lib/log.js';
import { getRateService } from '../lib/rates/service-wiring.js';

/** EventBridge schedule: refreshes what is due so user requests rarely wait for an upstream. */
export const handler = async () => {
  try {
    const results = await getRateService().refreshDue(SOURCE_IDS);
    logger.info('scheduled refresh', { results });
    return { results };
  } catch (error) {
    logger.error('scheduled refresh failed', { error: describeError(error) });
    throw error;
  }
};
