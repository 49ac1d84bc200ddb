import type { Caller } from '../domain/index.js';
import {
  assertCanAddInsurance,
  assertCanAddParticipant,
  assertCanRemoveInsurance,
  assertCanRemoveParticipant,
  assertEditable,
  BadUserInputError,
  type InsuranceInput,
  isoDateOf,
  NotFoundError,
  type ParticipantChangesInput,
  type ParticipantInput,
  parseUuid,
  uuidV7,
  validateInsurance,
  validateParticipant,
  validateParticipantChanges,
} from '../domain/index.js';
import type { Actor, AppDeps } from './deps.js';
import { notification } from './outbox-entries.js';
import type { Transaction } from './ports.js';
import { changeReservation, type Decision, keyOfId } from './unit-of-work.js';
import type { ParticipantView, ReservationKey, ReservationView } from './views.js';

/**
 * The party of a reservation and the participants' insurance add-ons. Input is validated before
 * the transaction; the rules that need the stored state (status, party size, existing insurance)
 * are checked inside it, after the revision check.
 */

interface ParticipantCommand {
  reservationId: string;
  expectedRev: number;
  actor: Actor;
  requestId?: string | undefined;
  caller?: Caller | undefined;
}

function participantIdOf(value: string): string {
  const id = parseUuid(value);
  if (!id) throw new BadUserInputError([{ field: 'input.participantId', message: 'must be a participant id (a UUID)' }]);
  return id;
}

async function loadParty(
  tx: Transaction,
  key: ReservationKey,
  participantId: string,
): Promise<{ participant: ParticipantView; party: ParticipantView[] }> {
  const party = await tx.findParticipantsOf([key]);
  const participant = party.find((candidate) => candidate.id === participantId);
  if (!participant) throw new NotFoundError('Participant', participantId);
  return { participant, party };
}

export function addParticipant(
  deps: AppDeps,
  command: ParticipantCommand & { participant: ParticipantInput },
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  const details = validateParticipant(command.participant, { today: isoDateOf(deps.clock()), path: 'input.participant' });
  return changeReservation(
    deps,
    { key, expectedRev: command.expectedRev, actor: command.actor, requestId: command.requestId, caller: command.caller },
    async (current, tx) => {
      assertEditable(current.status);
      assertCanAddParticipant(current.partySize, 'input.participant');
      const party = await tx.findParticipantsOf([key]);
      if (details.guestId && party.some((member) => member.guestId === details.guestId)) {
        throw new BadUserInputError([{ field: 'input.participant.guestId', message: 'is already on this reservation' }]);
      }
      const position = Math.max(-1, ...party.map((member) => member.position)) + 1;
      return {
        changes: { partySize: current.partySize + 1 },
        apply: (write, at) => write.insertParticipant(key, { id: uuidV7(at.getTime(), deps.random), position, ...details }, at),
      };
    },
  );
}

/**
 * The shared shape of a change to one participant: find the reservation and the participant,
 * check the reservation can still be changed, then let the operation decide.
 */
function changeParticipant(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string },
  decide: (participant: ParticipantView, party: ParticipantView[]) => Decision,
): Promise<ReservationView> {
  const key = keyOfId(command.reservationId, 'input.reservationId');
  const participantId = participantIdOf(command.participantId);
  return changeReservation(
    deps,
    { key, expectedRev: command.expectedRev, actor: command.actor, requestId: command.requestId, caller: command.caller },
    async (current, tx) => {
      assertEditable(current.status);
      const { participant, party } = await loadParty(tx, key, participantId);
      return decide(participant, party);
    },
  );
}

export function updateParticipantDetails(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string; changes: ParticipantChangesInput },
): Promise<ReservationView> {
  const changes = validateParticipantChanges(command.changes, { today: isoDateOf(deps.clock()), path: 'input.changes' });
  return changeParticipant(deps, command, (participant) => ({
    changes: {},
    apply: (write, at) => write.updateParticipant(participant.id, changes, at),
  }));
}

export function removeParticipant(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string },
): Promise<ReservationView> {
  return changeParticipant(deps, command, (participant, party) => {
    assertCanRemoveParticipant(party.length, 'input.participantId');
    return { changes: { partySize: party.length - 1 }, apply: (write) => write.deleteParticipant(participant.id) };
  });
}

export function addInsurance(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string; insurance: InsuranceInput },
): Promise<ReservationView> {
  const insurance = validateInsurance(command.insurance, 'input.insurance');
  return changeParticipant(deps, command, (participant) => {
    assertCanAddInsurance(participant.insurance, 'input.participantId');
    return {
      changes: {},
      apply: (write, at) => write.updateParticipant(participant.id, { insurance: { ...insurance, status: 'ACTIVE' } }, at),
      outbox: (updated, context) => [
        notification(context, 'insurance_confirmation', updated, {
          participantId: participant.id,
          fullName: participant.fullName,
          plan: insurance.plan,
        }),
      ],
    };
  });
}

export function removeInsurance(
  deps: AppDeps,
  command: ParticipantCommand & { participantId: string },
): Promise<ReservationView> {
  return changeParticipant(deps, command, (participant) => {
    const active = assertCanRemoveInsurance(participant.insurance, 'input.participantId');
    return {
      changes: {},
      apply: (write, at) => write.updateParticipant(participant.id, { insurance: { ...active, status: 'REMOVED' } }, at),
    };
  });
}
