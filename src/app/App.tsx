import { ConceptsView } from '../ui/tabs/ConceptsView';
import { ImagesView } from '../ui/tabs/ImagesView';
import { PairsView } from '../ui/tabs/PairsView';
import { TextView } from '../ui/tabs/TextView';
import { TrainView } from '../ui/train/TrainView';
import { SessionBar } from '../ui/session/SessionBar';
import { Tabs } from '../ui/Tabs';
import { panelId, tabId } from '../ui/tabNames';
import { ExplorerApiContext, type ExplorerPort } from './explorerApi';
import { useAppStore } from './store';
import type { Tab } from './urlState';
import { useHeatmapSync, useKeptSession, useStartSession } from './useSession';

const VIEWS: Record<Tab, () => React.JSX.Element> = {
  images: ImagesView,
  text: TextView,
  pairs: PairsView,
  concepts: ConceptsView,
  train: TrainView,
};

/**
 * The explorer. `api` is the model worker (null when none is connected: the views then say so);
 * tests pass a stand-in with the same interface.
 */
export function App({ api }: { api: ExplorerPort | null }) {
  useStartSession(api);
  useHeatmapSync(api);
  useKeptSession(api);
  const tab = useAppStore((state) => state.explorer.tab);
  const View = VIEWS[tab];
  return (
    <ExplorerApiContext value={api}>
      <main>
        <header>
          <h1>LUCID Explorer</h1>
          <p className="tagline">What a CLIP model sees: one dictionary of concepts for image patches and words.</p>
        </header>
        <SessionBar />
        <Tabs />
        <section role="tabpanel" id={panelId(tab)} aria-labelledby={tabId(tab)} className="panel">
          <View />
        </section>
      </main>
    </ExplorerApiContext>
  );
}
