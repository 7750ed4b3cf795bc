import { Route, Routes } from 'react-router';
import { CalendarPage } from './calendar-page';
import { IndicatorsPage } from './indicators-page';
import { PatientFollowupPage } from './patient-followup-page';
import { ReferralsPage } from './referrals-page';
import { RemindersPage } from './reminders-page';

/** Everything under /followup: one line in the app's route table, the rest decided here. */
export function FollowupSection() {
  return (
    <Routes>
      <Route index element={<RemindersPage />} />
      <Route path="referrals" element={<ReferralsPage />} />
      <Route path="calendar" element={<CalendarPage />} />
      <Route path="indicators" element={<IndicatorsPage />} />
      <Route path="patient/:patientId" element={<PatientFollowupPage />} />
    </Routes>
  );
}
