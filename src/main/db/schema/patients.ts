import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from './columns';

/**
 * Residents. Ids are client-assigned UUIDs so the same id is the FHIR Patient id on every platform.
 * Search columns hold precomputed keys and are searched with index range scans (key >= prefix AND key < next),
 * which use plain indexes exactly; see patients/search.ts.
 */
export const patients = sqliteTable(
  'patients',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Name without the surname (三 of 张三), so a given-name prefix also finds the person. */
    givenName: text('given_name').notNull(),
    pinyinFull: text('pinyin_full').notNull(),
    pinyinInitials: text('pinyin_initials').notNull(),
    /** Everyday reading of a polyphonic surname (曾 ceng as well as zeng); null when it is the same. */
    pinyinAltFull: text('pinyin_alt_full'),
    pinyinAltInitials: text('pinyin_alt_initials'),
    idNumber: text('id_number'),
    idSuffix: text('id_suffix'),
    /** Why there is no resident ID (infant, foreign resident, unknown): required when idNumber is null. */
    noIdReason: text('no_id_reason'),
    sex: text('sex', { enum: ['M', 'F', 'U'] }).notNull(),
    birthDate: text('birth_date').notNull(),
    phone: text('phone'),
    healthCardNumber: text('health_card_number'),
    village: text('village'),
    address: text('address'),
    household: text('household'),
    contractDoctor: text('contract_doctor'),
    contractDate: text('contract_date'),
    hypertension: integer('hypertension', { mode: 'boolean' }).notNull().default(false),
    diabetes: integer('diabetes', { mode: 'boolean' }).notNull().default(false),
    allergies: text('allergies'),
    // National codes of the 居民个人基本信息表 (src/shared/value-sets.ts; migration 0014); null = not recorded.
    ethnicCode: text('ethnic_code'),
    maritalCode: text('marital_code'),
    educationCode: text('education_code'),
    occupationCode: text('occupation_code'),
    /** 身份证件类别 CV02.01.101 of id_number ('01' resident ID card for every 18-digit ID). */
    idDocTypeCode: text('id_doc_type_code'),
    /** Set when an administrator merged this record into another; merged records are hidden from search. */
    mergedInto: text('merged_into'),
    /**
     * A Patient pulled from the county carrying the resident ID of this local record (the same resident registered
     * on two stations while offline): kept beside it, both shown, until a user merges them (migration 0029).
     */
    duplicateOf: text('duplicate_of'),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    // One resident ID per person, except the pulled duplicate waiting for its merge.
    uniqueIndex('patients_id_number_uq')
      .on(t.idNumber)
      .where(sql`duplicate_of IS NULL`),
    // Lookups by ID find both records of a pair; the partial unique index cannot serve them.
    index('patients_id_number_idx').on(t.idNumber),
    index('patients_duplicate_of_idx')
      .on(t.duplicateOf)
      .where(sql`duplicate_of IS NOT NULL`),
    index('patients_name_idx').on(t.name),
    index('patients_given_name_idx').on(t.givenName),
    index('patients_pinyin_full_idx').on(t.pinyinFull),
    index('patients_pinyin_initials_idx').on(t.pinyinInitials),
    index('patients_pinyin_alt_full_idx').on(t.pinyinAltFull),
    index('patients_pinyin_alt_initials_idx').on(t.pinyinAltInitials),
    index('patients_id_suffix_idx').on(t.idSuffix),
    index('patients_phone_idx').on(t.phone),
    index('patients_health_card_idx').on(t.healthCardNumber),
    index('patients_birth_idx').on(t.birthDate, t.name),
    // Township-wide lists in list order (village, name), whole or one village / one family doctor, read from the
    // index alone (patients/population.ts; migration 0019). merged_into is always NULL in them, but without it
    // SQLite would not count them as covering.
    index('patients_village_order_idx')
      .on(t.village, t.name, t.id, t.birthDate, t.sex, t.contractDoctor, t.phone, t.mergedInto)
      .where(sql`merged_into IS NULL`),
    index('patients_doctor_order_idx')
      .on(t.contractDoctor, t.village, t.name, t.id, t.birthDate, t.sex, t.phone, t.mergedInto)
      .where(sql`merged_into IS NULL`),
  ],
);
