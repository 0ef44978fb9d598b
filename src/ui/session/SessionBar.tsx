import { BackendStatus } from './BackendStatus';
import { DictionaryStatus } from './DictionaryStatus';
import { ModelPicker } from './ModelPicker';
import { WorkerFaultNotice } from './WorkerFaultNotice';

/** Status and settings: compute backend, model, dictionary. */
export function SessionBar() {
  return (
    <section className="session" aria-label="Status and settings">
      <BackendStatus />
      <ModelPicker />
      <DictionaryStatus />
      <WorkerFaultNotice />
    </section>
  );
}
