import { useAppStore } from '../../app/store';
import { DictionaryGate } from '../common/DictionaryGate';
import { SharedConcepts } from '../pairs/SharedConcepts';
import { TransportPanel } from '../pairs/TransportPanel';

/** Pairs tab: shared concepts' evidence from both sides, and the alignment of an image and a caption. */
export function PairsView() {
  const noShared = useAppStore((state) => state.dictionary.summary?.nShared === 0);
  if (noShared) {
    return (
      <DictionaryGate>
        <p className="notice" data-testid="no-pairs">
          This dictionary has no shared latents (a single SAE, or an image SAE and a text SAE), so there is no Pairs
          plan: image and text neurons are separate, and nothing aligns a caption's words with patches.
        </p>
      </DictionaryGate>
    );
  }
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
