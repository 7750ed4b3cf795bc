import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { patients } from './patients';

/**
 * What the resident ID card said when it was last read for this patient (migration 0026). The photo is kept as the
 * reader gave it (a WLT stays WLT: only the vendor's library decodes it); it lives only here, inside the SQLCipher
 * database, never in a file. Local to the station: the platforms hold their own identity records, so no sync mapping.
 */
export const patientIdCards = sqliteTable('patient_id_cards', {
  patientId: text('patient_id')
    .primaryKey()
    .references(() => patients.id),
  idNumber: text('id_number').notNull(),
  ethnicCode: text('ethnic_code'),
  authority: text('authority').notNull(),
  validFrom: text('valid_from').notNull(),
  validTo: text('valid_to').notNull(),
  photoFormat: text('photo_format', { enum: ['wlt', 'bmp', 'jpeg'] }),
  photo: blob('photo', { mode: 'buffer' }),
  readAt: text('read_at').notNull(),
  readBy: integer('read_by'),
});
export type PatientIdCardRow = typeof patientIdCards.$inferSelect;
export type NewPatientIdCardRow = typeof patientIdCards.$inferInsert;
