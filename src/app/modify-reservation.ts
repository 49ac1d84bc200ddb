import type { Caller } from '../domain/index.js';
import { assertEditable, isoDateOf, type ModifyReservationInput, validateModifyReservation } from '../domain/index.js';
import type { Actor, AppDeps } from './deps.js';
import { changeReservation, keyOfId } from './unit-of-work.js';
import type { ReservationView } from './views.js';

export interface ModifyReservationCommand {
  id: string;
  expectedRev: number;
  input: ModifyReservationInput;
  actor: Actor;
  requestId?: string | undefined;
  caller?: Caller | undefined;
}

/** Trip date, notes, contact: only while the reservation is PENDING or CONFIRMED. */
export function modifyReservation(deps: AppDeps, command: ModifyReservationCommand): Promise<ReservationView> {
  const key = keyOfId(command.id, 'input.id');
  const changes = validateModifyReservation(command.input, { today: isoDateOf(deps.clock()), path: 'input' });
  return changeReservation(
    deps,
    { key, expectedRev: command.expectedRev, actor: command.actor, requestId: command.requestId, caller: command.caller },
    (current) => {
      assertEditable(current.status);
      return {
        changes: {
          ...(changes.tripDate !== undefined && { tripDate: changes.tripDate }),
          ...(changes.notes !== undefined && { notes: changes.notes }),
          ...(changes.contact !== undefined && { contactEmail: changes.contact.email, contactPhone: changes.contact.phone }),
        },
      };
    },
  );
}
