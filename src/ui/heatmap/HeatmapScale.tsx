import { formatScore } from '../latents';
import { rampGradient } from './heatmapColors';

/** The colour key of the heatmaps: Inferno from 0 to the shared maximum. */
export function HeatmapScale({ max }: { max: number }) {
  return (
    <span className="heat-scale" aria-label={`heat from 0 to ${formatScore(max)}`}>
      <span>0</span>
      <span className="heat-ramp" style={{ backgroundImage: rampGradient() }} />
      <span>{formatScore(max)}</span>
    </span>
  );
}
