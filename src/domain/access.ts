import { ForbiddenError } from './errors.js';
import type { TransitionAction } from './status.js';

/**
 * Who may see and do what (SPEC §7). Pure rules over the verified caller; the API layer asks them
 * for every entity it returns and every change it makes.
 *   guest   — their own reservations only
 *   partner — their own reservations only (created through them)
 *   staff   — everything
 *   service — other domains' services: read everything, the operational transitions
 */
export type Role = 'guest' | 'partner' | 'staff' | 'service';

export interface Caller {
  role: Role;
  /** The token's subject, recorded as the actor of changes. */
  subject: string;
  /** For guests: the guest they are. */
  guestId?: string | undefined;
  /** For partners: the partner they act for. */
  partnerId?: string | undefined;
}

export interface OwnedReservation {
  guestId: string;
  partnerId: string | null;
}

export function canRead(caller: Caller, reservation: OwnedReservation): boolean {
  switch (caller.role) {
    case 'staff':
    case 'service':
      return true;
    case 'guest':
      return caller.guestId !== undefined && reservation.guestId === caller.guestId;
    case 'partner':
      return caller.partnerId !== undefined && reservation.partnerId === caller.partnerId;
  }
}

export type Change = TransitionAction | 'create' | 'modify' | 'participants' | 'insurance';

const ALLOWED: Record<Role, ReadonlySet<Change>> = {
  staff: new Set<Change>([
    'create',
    'modify',
    'participants',
    'insurance',
    'confirm',
    'cancel',
    'checkIn',
    'complete',
    'markNoShow',
    'expire',
  ]),
  guest: new Set<Change>(['create', 'modify', 'participants', 'insurance', 'cancel']),
  partner: new Set<Change>(['create', 'modify', 'participants', 'insurance', 'confirm', 'cancel']),
  service: new Set<Change>(['checkIn', 'complete', 'markNoShow']),
};

/** Throws FORBIDDEN when the caller's role may never make this kind of change. */
export function assertMayChange(caller: Caller, change: Change): void {
  if (!ALLOWED[caller.role].has(change)) {
    throw new ForbiddenError(
      `A ${caller.role} may not ${change === 'participants' || change === 'insurance' ? `change ${change}` : change} reservations.`,
    );
  }
}

/** The guest a guest caller books for must be themselves. */
export function assertMayBookFor(caller: Caller, guestId: string): void {
  if (caller.role === 'guest' && caller.guestId !== guestId) {
    throw new ForbiddenError('A guest may only book for themselves.');
  }
}
