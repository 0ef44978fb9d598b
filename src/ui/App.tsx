import { ExplorerApiContext, type ExplorerPort } from '../app/explorerApi';
import { useAppStore } from '../app/store';
import type { Tab } from '../app/urlState';
import { useHeatmapSync, useKeptSession, useStartSession } from '../app/useSession';
import { SessionBar } from './session/SessionBar';
import { Tabs } from './Tabs';
import { panelId, tabId } from './tabNames';
import { ConceptsView } from './tabs/ConceptsView';
import { ImagesView } from './tabs/ImagesView';
import { PairsView } from './tabs/PairsView';
import { TextView } from './tabs/TextView';
import { TrainView } from './train/TrainView';

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
