/**
 * The public surface of the reservation domain: pure rules, no I/O. Use cases, resolvers and
 * consumers import from here, never from the files behind it.
 */

export {
  assertMayBookFor,
  assertMayChange,
  type Caller,
  type Change,
  canRead,
  type OwnedReservation,
  type Role,
} from './access.js';
export { isIsoDate, isoDateOf } from './calendar.js';
export { CROCKFORD_ALPHABET, confirmationCode, type ParsedConfirmationCode, parseConfirmationCode } from './confirmation-code.js';
export {
  AGE_CATEGORIES,
  type AgeCategory,
  DEPOSIT_STATUSES,
  type DepositStatus,
  INSURANCE_STATUSES,
  type InsuranceStatus,
  RESERVATION_STATUSES,
  type ReservationStatus,
} from './enums.js';
export {
  BadUserInputError,
  DependencyFailedError,
  DomainError,
  ERROR_CODES,
  type ErrorCode,
  type FieldProblem,
  ForbiddenError,
  GuestInvalidError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  NotFoundError,
  PaymentDeclinedError,
  StaleRevisionError,
  UnauthenticatedError,
  UnavailableError,
} from './errors.js';
export { isUuid, parseUuid, type RandomBytes, reservationDateOfId, timestampOfUuidV7, uuidV7 } from './ids.js';
export {
  assertCanAddInsurance,
  assertCanRemoveInsurance,
  type Insurance,
  type InsuranceInput,
  type InsuranceTerms,
  MAX_PREMIUM_CENTS,
  validateInsurance,
} from './insurance.js';
export {
  assertCanAddParticipant,
  assertCanRemoveParticipant,
  isAgeCategory,
  MAX_FULL_NAME_LENGTH,
  MAX_PARTY_SIZE,
  MIN_PARTY_SIZE,
  type ParticipantChangesInput,
  type ParticipantDetails,
  type ParticipantDetailsChanges,
  type ParticipantInput,
  type ValidationContext,
  validateParticipant,
  validateParticipantChanges,
} from './participant.js';
export {
  BOOKING_HORIZON_YEARS,
  type Contact,
  type ContactInput,
  type CreateReservationContext,
  type CreateReservationInput,
  MAX_NOTES_LENGTH,
  type ModifyReservationInput,
  type ReservationDetailsChanges,
  type ReservationDraft,
  validateCreateReservation,
  validateModifyReservation,
} from './reservation.js';
export {
  actionBetween,
  actionsFrom,
  assertEditable,
  assertTransition,
  BrokenStatusHistoryError,
  CREATION_STATUSES,
  canEditDetails,
  isReservationStatus,
  isTerminal,
  replayStatus,
  type StatusHistoryEntry,
  TRANSITION_ACTIONS,
  TRANSITIONS,
  type TransitionAction,
  type TransitionContext,
  type TransitionRule,
} from './status.js';
