import { useTranslation } from 'react-i18next';
import { CALIBRATION_BAR_MM, calibrationZoneMm, STANDARD_SCALE } from '../../../../shared/ecg-paper';
import { gridPathData, pulsePathData } from '../ecg-svg';
import { EcgPrintPage, EcgSheet } from './ecg-print-page';

const MARGIN_MM = 20;
const RULER = { xMm: MARGIN_MM, yMm: 50 };
const GRID = { xMm: MARGIN_MM, yMm: 85, widthMm: 100, heightMm: 40 };
const PULSE_BASELINE_MM = 30;

/** Tick length by position: 10 mm (cm) long, 5 mm medium, 1 mm short, as on a school ruler. */
function tickLength(mm: number): number {
  if (mm % 10 === 0) return 6;
  if (mm % 5 === 0) return 4.5;
  return 3;
}

/**
 * 打印比例校验页: what a clinic prints once per printer to check that the ECG report comes out at true size: a
 * 100 mm ruler, a patch of 1 mm / 5 mm grid and the 1 mV / 200 ms pulse at 25 mm/s, 10 mm/mV (10 mm high, 5 mm
 * wide), with the instructions. Same page rules as the report, so what passes here passes there.
 */
export function EcgCalibrationPrint() {
  const { t } = useTranslation();
  const grid = gridPathData(GRID.xMm, GRID.yMm, GRID.widthMm, GRID.heightMm);
  const ticks = Array.from({ length: CALIBRATION_BAR_MM + 1 }, (_, mm) => `M${RULER.xMm + mm} ${RULER.yMm}v${tickLength(mm)}`).join('');
  const pulseX = GRID.xMm + 10;
  const zone = calibrationZoneMm(STANDARD_SCALE);
  const steps = t('ecg:calibrationPage.steps', { returnObjects: true }) as string[];
  return (
    <EcgPrintPage back="/ecg" ready>
      <EcgSheet className="ecg-calibration-sheet" label={t('ecg:calibrationPage.title')}>
        <text x={MARGIN_MM} y={22} fontSize={6} fontWeight={700}>
          {t('ecg:calibrationPage.title')}
        </text>
        <text x={MARGIN_MM} y={30} fontSize={3.4}>
          {t('ecg:calibrationPage.subtitle')}
        </text>

        <text x={RULER.xMm} y={RULER.yMm - 4} fontSize={3.4} fontWeight={700}>
          {t('ecg:calibrationPage.ruler', { mm: CALIBRATION_BAR_MM })}
        </text>
        <path d={`M${RULER.xMm} ${RULER.yMm}H${RULER.xMm + CALIBRATION_BAR_MM}`} stroke="#000" strokeWidth={0.2} />
        <path d={ticks} stroke="#000" strokeWidth={0.15} />
        {Array.from({ length: CALIBRATION_BAR_MM / 10 + 1 }, (_, cm) => (
          <text key={cm} x={RULER.xMm + cm * 10} y={RULER.yMm + 10} fontSize={3} textAnchor="middle">
            {cm * 10}
          </text>
        ))}

        <text x={GRID.xMm} y={GRID.yMm - 4} fontSize={3.4} fontWeight={700}>
          {t('ecg:calibrationPage.grid', { speed: STANDARD_SCALE.speedMmPerS, gain: STANDARD_SCALE.gainMmPerMv })}
        </text>
        <g fill="none">
          <path d={grid.small} stroke="#f2b3b3" strokeWidth={0.08} />
          <path d={grid.large} stroke="#df7f7f" strokeWidth={0.2} />
          <path d={pulsePathData({ xMm: pulseX, yMm: GRID.yMm }, PULSE_BASELINE_MM, STANDARD_SCALE)} stroke="#000" strokeWidth={0.25} />
        </g>
        <text x={pulseX + zone + 3} y={GRID.yMm + PULSE_BASELINE_MM - 4} fontSize={3}>
          {t('ecg:calibrationPage.pulse')}
        </text>

        <g fontSize={3.4}>
          <text x={150} y={50} fontWeight={700}>
            {t('ecg:calibrationPage.howTo')}
          </text>
          {steps.map((step, i) => (
            <text key={i} x={150} y={57 + i * 7}>
              {`${i + 1}. ${step}`}
            </text>
          ))}
        </g>
      </EcgSheet>
    </EcgPrintPage>
  );
}
