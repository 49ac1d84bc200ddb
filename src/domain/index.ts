/**
 * src/domain — the public surface of the reservation domain: pure rules, no I/O (the status
 * machine, validation, ids, confirmation codes, access rules, errors, and the one declaration of
 * each enumeration in enums.ts). Use cases, resolvers and consumers import from here, never from
 * the files behind it.
 *
 * May import: nothing outside src/domain but Node built-ins; no clock (callers pass `today`).
 * Checked by `npm run check:deps`.
 */

export {
  assertMayBookFor,
  assertMayChange,
  type Caller,
  type Change,
  canRead,
  type Role,
} from './access.js';
export { isIsoDate, isoDateOf } from './calendar.js';
export { CROCKFORD_ALPHABET, confirmationCode, parseConfirmationCode } from './confirmation-code.js';
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
export {
  checkedText,
  InputProblems,
  MAX_EMAIL_LENGTH,
  MAX_PHONE_LENGTH,
  type TextRule,
} from './field-checks.js';
export { isUuid, parseUuid, type RandomBytes, reservationDateOfId, timestampOfUuidV7, uuidV7 } from './ids.js';
export {
  assertCanAddInsurance,
  assertCanRemoveInsurance,
  type Insurance,
  type InsuranceInput,
  MAX_PLAN_LENGTH,
  validateInsurance,
} from './insurance.js';
export {
  assertCanAddParticipant,
  assertCanRemoveParticipant,
  MAX_FULL_NAME_LENGTH,
  type ParticipantChangesInput,
  type ParticipantDetails,
  type ParticipantDetailsChanges,
  type ParticipantInput,
  validateParticipant,
  validateParticipantChanges,
} from './participant.js';
export {
  ageCategoryOn,
  assertMayErasePersonalData,
  assertMayExportPersonalData,
  ERASED_MARKER,
  eraseParticipant,
  eraseReservation,
  type PersonalParticipant,
  type PersonalReservation,
  retentionCutoff,
  validateErasureRequest,
} from './personal-data.js';
export {
  type CreateReservationInput,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_PARTNER_ID_LENGTH,
  MAX_PARTNER_REFERENCE_LENGTH,
  type ModifyReservationInput,
  type ReservationDraft,
  validateCreateReservation,
  validateModifyReservation,
} from './reservation.js';
export {
  actionBetween,
  assertEditable,
  assertTransition,
  BrokenStatusHistoryError,
  canEditDetails,
  isTerminal,
  MAX_REASON_LENGTH,
  replayStatus,
  type StatusHistoryEntry,
  TRANSITION_ACTIONS,
  type TransitionAction,
} from './status.js';
