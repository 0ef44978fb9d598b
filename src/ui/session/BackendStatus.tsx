import { useAppStore } from '../../app/store';

/** One line naming the active compute backend and why it was chosen. */
export function BackendStatus() {
  const compute = useAppStore((state) => state.compute);
  const adapter = compute.adapter === null ? '' : ` · adapter: ${compute.adapter}`;
  return (
    <p role="status" data-testid="backend-status" data-backend={compute.backend ?? ''}>
      Compute backend: <strong>{compute.backend ?? compute.status}</strong> — {compute.reason}
      {adapter}
    </p>
  );
}
