import { useMemo } from 'react';
import type { MetricsPoint } from '../../training/api';
import { LineChart } from './LineChart';
import { toSeries } from './chartSeries';
import { useAppStore } from '../../app/store';

const LOSS_SERIES: [keyof MetricsPoint, string, string][] = [
  ['total', 'total', '#1f2937'],
  ['fvuImage', 'FVU image', '#2563eb'],
  ['fvuText', 'FVU text', '#db2777'],
  ['gcmt', 'GCMT', '#059669'],
  ['contrast', 'contrast', '#d97706'],
  ['auxImage', 'AuxK image', '#7c3aed'],
];

/** Live charts of the loss terms, FVU per modality and the dead fraction (from read-backs only). */
export function TrainCharts() {
  const metrics = useAppStore((s) => s.train.metrics);
  const losses = useMemo(() => toSeries(metrics, LOSS_SERIES), [metrics]);
  const quality = useMemo(
    () =>
      toSeries(metrics, [
        ['fvuImage', 'FVU image', '#2563eb'],
        ['fvuText', 'FVU text', '#db2777'],
        ['deadFraction', 'dead fraction', '#6b7280'],
      ]),
    [metrics],
  );
  if (metrics.length === 0) return <p className="train-hint">Charts appear after the first read-back.</p>;
  return (
    <div className="train-charts">
      <LineChart title="Loss terms" series={losses} width={420} height={200} logY yLabel="loss (log)" />
      <LineChart
        title="FVU per modality and dead latents"
        series={quality}
        width={420}
        height={200}
        yLabel="fraction"
      />
    </div>
  );
}
