import { nameSearchKeys } from './pinyin-keys';

/**
 * Whether the patient a file names could be the patient chosen in the app. A file that names someone else must not
 * be attached silently: the clinician is asked first (issue 11, item 11).
 *
 * Names compare after dropping spaces, '^' (DICOM/HL7 name parts), commas and case; a Latin name in the file (carts
 * often store pinyin: "ZHANG^SAN", "Zhang San", "San Zhang") also matches the chosen name's pinyin in either order.
 * IDs match the resident ID (case of the final X ignored), the health card number or the app's own patient id.
 * Absent or blank fields in the file say nothing, so a file without identity never asks.
 */
export interface FileIdentity {
  name?: string;
  id?: string;
}

export interface ChosenPatient {
  id: string;
  name: string;
  idNumber: string | null;
  healthCardNumber: string | null;
}

export type IdentityMismatch = 'name' | 'id';

const compactName = (s: string) => s.replace(/[\s^,，·.]+/g, '').toLowerCase();
const compactId = (s: string) => s.replace(/\s+/g, '').toUpperCase();

function nameMatches(fileName: string, chosen: string): boolean {
  const file = compactName(fileName);
  if (file === compactName(chosen)) return true;
  if (!/^[a-z]+$/.test(file)) return false;
  const keys = nameSearchKeys(chosen);
  const syllables = keys.fullSpaced.split(' ').filter(Boolean);
  // Family name first (Chinese order) or last (Western order, "San Zhang").
  const reversed = syllables.length > 1 ? [...syllables.slice(1), syllables[0]].join('') : keys.full;
  return file === keys.full || file === reversed || (keys.alternate !== undefined && file === keys.alternate.full);
}

/** What differs between the file's patient and the chosen one; empty when nothing contradicts. */
export function identityMismatches(file: FileIdentity | undefined, chosen: ChosenPatient): IdentityMismatch[] {
  const out: IdentityMismatch[] = [];
  const name = file?.name?.trim();
  if (name && !nameMatches(name, chosen.name)) out.push('name');
  const id = file?.id?.trim();
  if (id) {
    const known = [chosen.idNumber, chosen.healthCardNumber, chosen.id].filter((v): v is string => !!v).map(compactId);
    if (!known.includes(compactId(id))) out.push('id');
  }
  return out;
}
