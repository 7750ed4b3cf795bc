import { z } from 'zod';
import { method } from './define';

const staff = ['admin', 'doctor', 'nurse'] as const;

/**
 * Files never reach the renderer as paths (issue 15 point 8: a typed path probes the disk, and on Windows a
 * \\host\share path makes the PC send the user's NTLM hash). Main opens the file dialog and hands the renderer an
 * opaque, single-use handle; the call that reads the file takes the handle. In the loopback harness the dialog is
 * replaced by an upload of the chosen files, which the transport does; feature code cannot tell.
 */
export const FILE_PURPOSES = ['ecg', 'backup', 'certificate', 'pkcs12'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const fileHandleSchema = z.string().regex(/^fh_[A-Za-z0-9_-]{20,64}$/);

export const chosenFileSchema = z.object({ handle: fileHandleSchema, name: z.string(), bytes: z.number().int() });
export type ChosenFile = z.infer<typeof chosenFileSchema>;

/** Upload cap: the largest resting ECG exports and backups of a township station fit well under it. */
export const MAX_UPLOAD_BYTES = 24 * 1024 * 1024;

export const filesContract = {
  /** Shows main's open dialog for the purpose; null when the user cancels. */
  open: method({ input: z.object({ purpose: z.enum(FILE_PURPOSES) }), output: chosenFileSchema.nullable(), access: staff, audit: 'none' }),
  /**
   * What the harness's transport sends in place of the dialog: the chosen files' bytes (a WFDB record is a .hea
   * with its .dat, so several files make one choice). Bytes, never a path.
   */
  upload: method({
    input: z.object({
      purpose: z.enum(FILE_PURPOSES),
      files: z
        .array(z.object({ name: z.string().min(1).max(255), base64: z.string().max(Math.ceil(MAX_UPLOAD_BYTES / 3) * 4) }))
        .min(1)
        .max(4),
    }),
    output: chosenFileSchema,
    access: staff,
    audit: 'none',
  }),
};
