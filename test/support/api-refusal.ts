import { ApiError } from '../../src/shared/api/errors';

/** The ApiError a call was refused with; a call that succeeds (or fails some other way) fails the test. */
export async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}
