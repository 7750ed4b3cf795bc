import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The files namespace: main's open dialog, or the harness's upload in its place; both answer with a handle. */
export function filesHandlers(s: Pick<HandlerDeps, 'files' | 'fileDialogs'>): Handlers<'files'> {
  return {
    files: {
      open: async ({ purpose }) => {
        const chosen = await s.fileDialogs.open(purpose);
        return chosen ? s.files.register(chosen, purpose) : null;
      },
      upload: ({ purpose, files }) =>
        s.files.registerUpload(
          files.map((f) => ({ name: f.name, bytes: Buffer.from(f.base64, 'base64') })),
          purpose,
        ),
    },
  };
}
