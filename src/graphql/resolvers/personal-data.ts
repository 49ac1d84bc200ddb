import { actorName } from '../../app/deps.js';
import { erasePersonalData } from '../../app/erase-personal-data.js';
import { exportPersonalData } from '../../app/export-personal-data.js';
import {
  assertMayErasePersonalData,
  assertMayExportPersonalData,
  BadUserInputError,
  parseUuid,
  validateErasureRequest,
} from '../../domain/index.js';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.js';
import { callerOf, type GraphQLContext } from '../context.js';

/**
 * Erasure and export of personal data (README, Personal data). Translation only: who may is
 * decided by src/domain/personal-data.ts, what happens by the use cases in src/app.
 */

export const personalDataQueries: Pick<QueryResolvers<GraphQLContext>, 'personalDataExport'> = {
  personalDataExport: async (_parent, { guestId: raw }, context) => {
    const { caller } = callerOf(context);
    const guestId = parseUuid(raw);
    if (!guestId) throw new BadUserInputError([{ field: 'guestId', message: 'must be a UUID' }]);
    assertMayExportPersonalData(caller, guestId);
    const { generatedAt, document } = await exportPersonalData(context.personalData, { guestId, now: context.deps.clock() });
    context.logger.info({ guestId, actor: `${caller.role}:${caller.subject}` }, 'personal data exported');
    return { guestId, generatedAt, document: JSON.stringify(document) };
  },
};

export const personalDataMutations: Pick<MutationResolvers<GraphQLContext>, 'erasePersonalData'> = {
  erasePersonalData: async (_parent, args, context) => {
    const { caller, actor } = callerOf(context);
    assertMayErasePersonalData(caller);
    const { guestId, reason } = validateErasureRequest(args);
    const report = await erasePersonalData(context.personalData, {
      guestId,
      reason,
      actor: actorName(actor),
      now: context.deps.clock(),
    });
    const { reservationIds: _ids, ...summary } = report;
    context.logger.info({ ...summary, actor: actorName(actor) }, 'personal data erased on request');
    return { ...report, guestId };
  },
};
