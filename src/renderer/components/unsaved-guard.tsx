import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';

/**
 * Asks before leaving a page whose input is not saved: in-app navigation goes through the router's blocker (an
 * in-page dialog, keyboard reachable), closing or reloading the window through beforeunload. `isDirty` is read at
 * the moment of leaving, so a page that has just saved can navigate on without a stale answer.
 */
export function UnsavedGuard({ isDirty }: { isDirty: () => boolean }) {
  const { t } = useTranslation();
  const dirtyRef = useRef(isDirty);
  useEffect(() => {
    dirtyRef.current = isDirty;
  });
  const blocker = useBlocker(({ currentLocation, nextLocation }) => currentLocation.pathname !== nextLocation.pathname && dirtyRef.current());
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirtyRef.current()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
  if (blocker.state !== 'blocked') return null;
  return (
    <div className="modal-backdrop">
      <div className="card modal" role="alertdialog" aria-modal="true" aria-labelledby="unsaved-title" aria-describedby="unsaved-body">
        <h2 id="unsaved-title">{t('clinic:unsaved.title')}</h2>
        <p id="unsaved-body">{t('clinic:unsaved.body')}</p>
        <div className="row">
          <button type="button" className="primary" autoFocus onClick={() => blocker.reset()}>
            {t('clinic:unsaved.stay')}
          </button>
          <button type="button" className="danger" onClick={() => blocker.proceed()}>
            {t('clinic:unsaved.leave')}
          </button>
        </div>
      </div>
    </div>
  );
}
