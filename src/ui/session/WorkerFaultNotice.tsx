import { useAppStore } from '../../app/store';

/** What happened to the explorer worker, after a lost GPU device or a crash, and what it restored. */
export function WorkerFaultNotice() {
  const fault = useAppStore((state) => state.workerFault);
  if (fault === null) return null;
  return (
    <p role="alert" className={fault.recovered ? 'notice' : 'error'} data-testid="worker-fault">
      {fault.message}{' '}
      <button type="button" className="link" onClick={() => useAppStore.setState({ workerFault: null })}>
        Dismiss
      </button>
    </p>
  );
}
