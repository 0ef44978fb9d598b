import { DictionaryGate } from '../common/DictionaryGate';
import { SharedConcepts } from '../pairs/SharedConcepts';
import { TransportPanel } from '../pairs/TransportPanel';

/** Pairs tab: shared concepts' evidence from both sides, and the alignment of an image and a caption. */
export function PairsView() {
  return (
    <DictionaryGate>
      <section aria-labelledby="transport-heading" className="pairs-transport">
        <h3 id="transport-heading">Which words go with which patches</h3>
        <TransportPanel />
      </section>
      <SharedConcepts />
    </DictionaryGate>
  );
}
