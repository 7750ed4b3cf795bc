import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

/** Which driver reads ID cards at this desk (changed by an administrator's save, audited as admin: invalidated there). */
export const idcardSettingsResource = defineResource('idcard.settings', () => api.idcard.settings({}));
export const useIdCardSettings = idcardSettingsResource.use;

/** The patient's stored card photo (null when none); attaching a card is an idcard write and reloads it. */
export const idcardPhotoResource = defineResource('idcard.photo', (input: { patientId: string }) => api.idcard.photo(input));
export const useIdCardPhoto = idcardPhotoResource.use;
