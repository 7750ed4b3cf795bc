import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createHashRouter, createRoutesFromElements, Navigate, Route, RouterProvider } from 'react-router';
import { ErrorText } from '../components/error-text';
import { AuditPage } from '../features/audit/audit-page';
import { TodayPage } from '../features/clinic/today-page';
import { VisitPage } from '../features/clinic/visit-page';
import { VitalsPage } from '../features/clinic/vitals-page';
import { EcgPage } from '../features/ecg/ecg-page';
import { PatientEcgPage } from '../features/ecg/patient-ecg-section';
import { PatientChartPage } from '../features/patients/patient-chart-page';
import { PatientsPage } from '../features/patients/patients-page';
import { RegistrationPage } from '../features/patients/registration-page';
import { AuditAnchorPrint } from '../features/audit/print/audit-anchor-print';
import { EcgCalibrationPrint } from '../features/ecg/print/ecg-calibration-print';
import { EcgReportPrint } from '../features/ecg/print/ecg-report-print';
import { FollowupPrintRoutes } from '../features/followup/print/followup-print';
import { FollowupRecordPrint } from '../features/followup/print/record-form-print';
import { ReferralFormPrint } from '../features/followup/print/referral-form-print';
import { VisitSummaryPrint } from '../features/clinic/print/visit-summary-print';
import { SetupPage } from '../features/auth/setup-page';
import { SignInPage } from '../features/auth/sign-in-page';
import { StoreUnlockPage } from '../features/auth/store-unlock-page';
import { FollowupSection } from '../features/followup/followup-section';
import { ConsultDetailPage } from '../features/consult/consult-detail-page';
import { ConsultListPage } from '../features/consult/consult-list-page';
import { ConsultNewPage } from '../features/consult/consult-new-page';
import { SettingsPage } from '../features/settings/settings-page';
import { SyncPage } from '../features/sync/sync-page';
import { useStoreStatus } from './app.resource';
import { AuthProvider, useAuth } from './auth-context';
import { Layout } from './layout';

/** Boot order: the encrypted store must be open, then first-run setup or sign-in, then the app. */
export function App() {
  const store = useStoreStatus({});
  const storeState = store.data?.state;
  const { t } = useTranslation();
  if (store.error) return <ErrorText error={store.error} />;
  if (!storeState) return <p className="muted">{t('app.loading')}</p>;
  // Unlocking the store is audited as nothing (no one is signed in), so no write invalidates this: reload by hand.
  if (storeState !== 'open') return <StoreUnlockPage isNew={storeState === 'newNeedsPassphrase'} onOpened={store.reload} />;
  return (
    <AuthProvider>
      <SignedInGate />
    </AuthProvider>
  );
}

function SignedInGate() {
  const { status } = useAuth();
  const { t } = useTranslation();
  if (!status) return <p className="muted">{t('app.loading')}</p>;
  if (status.firstRun) return <SetupPage />;
  if (!status.user) return <SignInPage />;
  const isAdmin = status.user.role === 'admin';
  return <SignedInRoutes isAdmin={isAdmin} />;
}

/**
 * A data router (not <HashRouter>) so that forms with unsaved input can ask before the user navigates away
 * (useBlocker works only there). Built once per role: the hash keeps the current place when it is rebuilt.
 */
function SignedInRoutes({ isAdmin }: { isAdmin: boolean }) {
  const router = useMemo(
    () =>
      createHashRouter(
        createRoutesFromElements(
          <>
            {/* Printouts carry no app chrome: outside the Layout. */}
            <Route path="/print/visit/:patientId/:visitId" element={<VisitSummaryPrint />} />
            <Route path="/print/ecg/:patientId/:ecgId" element={<EcgReportPrint />} />
            <Route path="/print/ecg-calibration" element={<EcgCalibrationPrint />} />
            <Route path="/print/audit-anchor" element={<AuditAnchorPrint />} />
            <Route path="/print/followup/*" element={<FollowupPrintRoutes />} />
            <Route path="/print/followup-record/:patientId/:disease" element={<FollowupRecordPrint />} />
            <Route path="/print/referral/:patientId/:referralId" element={<ReferralFormPrint />} />
            <Route element={<Layout />}>
              <Route index element={<Navigate to="/today" replace />} />
              <Route path="/today" element={<TodayPage />} />
              <Route path="/patients" element={<PatientsPage />} />
              <Route path="/patients/new" element={<RegistrationPage />} />
              <Route path="/patients/:patientId" element={<PatientChartPage />} />
              <Route path="/patients/:patientId/vitals" element={<VitalsPage />} />
              <Route path="/patients/:patientId/visits/:visitId" element={<VisitPage />} />
              <Route path="/ecg" element={<EcgPage />} />
              <Route path="/ecg/patient/:patientId" element={<PatientEcgPage />} />
              <Route path="/consult" element={<ConsultListPage />} />
              <Route path="/consult/new/:patientId" element={<ConsultNewPage />} />
              <Route path="/consult/:patientId/:consultId" element={<ConsultDetailPage />} />
              <Route path="/sync" element={<SyncPage />} />
              <Route path="/followup/*" element={<FollowupSection />} />
              <Route path="/settings" element={<SettingsPage />} />
              <Route path="/audit" element={isAdmin ? <AuditPage /> : <Navigate to="/today" replace />} />
              <Route path="*" element={<Navigate to="/today" replace />} />
            </Route>
          </>,
        ),
      ),
    [isAdmin],
  );
  return <RouterProvider router={router} />;
}
