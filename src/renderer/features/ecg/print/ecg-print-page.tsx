import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PRINT_READY_ATTRIBUTE } from '../../../../shared/print';
import '../ecg.css';

/** The A4 landscape sheet in mm: the SVG's user unit is one true millimetre on paper. */
export const SHEET = { widthMm: 297, heightMm: 210 } as const;

/** CJK first: Noto Sans CJK SC (Debian fonts-noto-cjk), Microsoft YaHei on Windows township PCs. */
export const PRINT_FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', 'Source Han Sans SC', sans-serif";

/**
 * The sheet itself: one SVG whose viewBox is the A4 page in mm, in the print font. Report and calibration page draw
 * into it, so both come out at the same true scale.
 */
export function EcgSheet({ className, label, children }: { className: string; label: string; children: ReactNode }) {
  return (
    <svg
      className={`ecg-print-sheet ${className}`}
      data-state="ready"
      xmlns="http://www.w3.org/2000/svg"
      width={`${SHEET.widthMm}mm`}
      height={`${SHEET.heightMm}mm`}
      viewBox={`0 0 ${SHEET.widthMm} ${SHEET.heightMm}`}
      role="img"
      aria-label={label}
      fontFamily={PRINT_FONT}
      fill="#111"
    >
      {children}
    </svg>
  );
}

/**
 * Chrome of an ECG printout: a screen-only toolbar, and the page rules that make the sheet the paper (no margins,
 * so the printer's scale is the only thing between the mm in the SVG and the mm on paper).
 */
export function EcgPrintPage({ back, ready, children }: { back: string; ready: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="ecg-print" {...{ [PRINT_READY_ATTRIBUTE]: ready ? 'true' : 'false' }}>
      <style>{`
        @page { size: A4 landscape; margin: 0; }
        html, body { margin: 0; padding: 0; background: #e9edf2; }
        .ecg-print-toolbar { display: flex; gap: 14px; align-items: center; padding: 8px 14px; }
        .ecg-print-sheet { display: block; background: #fff; margin: 0 auto 20px; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
        @media print {
          html, body { background: #fff; }
          .ecg-print-toolbar { display: none; }
          .ecg-print-sheet { margin: 0; box-shadow: none; }
          .ecg-print { width: 297mm; height: 210mm; overflow: hidden; }
        }
      `}</style>
      <div className="ecg-print-toolbar">
        <Link to={back}>{t('ecg:report.back')}</Link>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!ready}>
          {t('ecg:report.print')}
        </button>
        <span className="muted">{t('ecg:report.printHint')}</span>
      </div>
      {children}
    </div>
  );
}
