import type { Prisma } from '../db/__generated__/prisma/client.js';
import {
  deleteParticipant,
  findParticipantsOf,
  insertParticipant,
  isoOf,
  updateParticipant,
} from '../db/reservation-repository.js';
import {
  assertCanAddInsurance,
  assertCanRemoveInsurance,
  assertCanRemoveParticipant,
  assertEditable,
  BadUserInputError,
  type InsuranceInput,
  isUuid,
  NotFoundError,
  type ParticipantChangesInput,
  type ParticipantInput,
  uuidV7,
  validateInsurance,
  validateParticipant,
  validateParticipantChanges,
} from '../domain/index.js';
import type { Actor, AppDeps } from './deps.js';
import { changeReservation, keyOfId } from './unit-of-work.js';
import type { ParticipantView, ReservationKey, ReservationView } from './views.js';

interface ParticipantCommand {
  reservationId: string;
  expectedRev: number;
  actor: Actor;
}

async function participantOf(
  tx: Prisma.TransactionClient,
  key: ReservationKey,
  participantId: string,
): Promise<{ participant: ParticipantView; all: ParticipantView[] }> {
  if (!isUuid(participantId)) {
    throw new BadUserInputError([{ field: 'input.participantId', message: 'must be a participant id (a UUID)' }]);
  }
  const all = await findParticipantsOf(tx, [key]);
  const participant = all.find((candidate) => candidate.id === participantId);
  if (!participant) throw new NotFoundError('Participant', participantId);
  return { participant, all };
}

export function addParticipant(
  deps: AppDeps,
  command: ParticipantCommand & { participant: ParticipantInput },
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  return changeReservation(deps, { key, expectedRev: command.expectedRev, actor: command.actor }, async (current, tx, now) => {
    const participant = validateParticipant(command.participant, { today: isoOf(now), path: 'input.participant' });
    assertEditable(current.status);
    return {
      changes: { partySize: current.partySize + 1 },
      apply: (write, at) => insertParticipant(write, key, { id: uuidV7(at.getTime(), deps.random), ...participant }, at),
    };
  });
}

export function updateParticipantDetails(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string; changes: ParticipantChangesInput },
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  return changeReservation(deps, { key, expectedRev: command.expectedRev, actor: command.actor }, async (current, tx, now) => {
    const changes = validateParticipantChanges(command.changes, { today: isoOf(now), path: 'input.changes' });
    assertEditable(current.status);
    const { participant } = await participantOf(tx, key, command.participantId);
    return { changes: {}, apply: (write, at) => updateParticipant(write, participant.id, changes, at) };
  });
}

export function removeParticipant(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string },
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  return changeReservation(deps, { key, expectedRev: command.expectedRev, actor: command.actor }, async (current, tx) => {
    assertEditable(current.status);
    const { participant, all } = await participantOf(tx, key, command.participantId);
    assertCanRemoveParticipant(all.length);
    return { changes: { partySize: all.length - 1 }, apply: (write) => deleteParticipant(write, participant.id) };
  });
}

export function addInsurance(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string; insurance: InsuranceInput },
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  return changeReservation(deps, { key, expectedRev: command.expectedRev, actor: command.actor }, async (current, tx) => {
    const insurance = validateInsurance(command.insurance, 'input.insurance');
    assertEditable(current.status);
    const { participant } = await participantOf(tx, key, command.participantId);
    assertCanAddInsurance(participant.insurance);
    return {
      changes: {},
      apply: (write, at) => updateParticipant(write, participant.id, { insurance: { ...insurance, status: 'ACTIVE' } }, at),
    };
  });
}

export function removeInsurance(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string },
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  return changeReservation(deps, { key, expectedRev: command.expectedRev, actor: command.actor }, async (current, tx) => {
    assertEditable(current.status);
    const { participant } = await participantOf(tx, key, command.participantId);
    const active = assertCanRemoveInsurance(participant.insurance);
    return {
      changes: {},
      apply: (write, at) => updateParticipant(write, participant.id, { insurance: { ...active, status: 'REMOVED' } }, at),
    };
  });
}
