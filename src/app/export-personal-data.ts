import type { PersonalDataExport, PersonalDataStore } from './ports/personal-data-store.js';

/**
 * The right of access: everything this service holds about a guest, as one JSON document. Who may
 * ask is decided before (src/domain/personal-data.ts, assertMayExportPersonalData).
 */
export async function exportPersonalData(
  store: PersonalDataStore,
  request: { guestId: string; now: Date },
): Promise<{ generatedAt: Date; document: PersonalDataExport & { generatedAt: string; service: string } }> {
  const data = await store.exportOf(request.guestId);
  return {
    generatedAt: request.now,
    document: { service: 'svc-reservations', generatedAt: request.now.toISOString(), ...data },
  };
}
