import type { Caller } from '../domain/index.js';
import { assertTransition, isoDateOf, type TransitionAction } from '../domain/index.js';
import type { Actor, AppDeps } from './deps.js';
import { changeReservation, keyOfId } from './unit-of-work.js';
import type { ReservationView } from './views.js';

export interface TransitionCommand {
  id: string;
  expectedRev: number;
  reason?: string | null;
  actor: Actor;
  requestId?: string | undefined;
  caller?: Caller | undefined;
}

/**
 * Confirm, cancel, check in, complete, mark no-show, expire: the status machine of the domain
 * decides whether the move is allowed; the unit of work writes it with its history row.
 */
export function transitionReservation(
  deps: AppDeps,
  action: TransitionAction,
  command: TransitionCommand,
): Promise<ReservationView> {
  const key = keyOfId(command.id, 'input.id');
  return changeReservation(
    deps,
    { key, expectedRev: command.expectedRev, actor: command.actor, requestId: command.requestId, caller: command.caller },
    (current, _tx, now) => ({
      changes: { status: assertTransition(current.status, action, { today: isoDateOf(now), tripDate: current.tripDate }) },
      statusReason: command.reason ?? null,
    }),
  );
}
