import { Route, Routes } from 'react-router';
import { FollowupCallsPrint } from './followup-calls-print';
import { FollowupIndicatorsPrint } from './followup-indicators-print';

/** Follow-up printouts under /print/followup: outside the app layout, so the paper carries no chrome. */
export function FollowupPrintRoutes() {
  return (
    <Routes>
      <Route path="calls" element={<FollowupCallsPrint />} />
      <Route path="indicators" element={<FollowupIndicatorsPrint />} />
    </Routes>
  );
}
