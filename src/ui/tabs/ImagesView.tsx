import { useAppStore } from '../../app/store';
import { DictionaryGate } from '../common/DictionaryGate';
import { AddImages } from '../images/AddImages';
import { ExampleGallery } from '../images/ExampleGallery';
import { ImageCard } from '../images/ImageCard';
import { KeptSession } from '../images/KeptSession';
import { SelectedConcept } from '../images/SelectedConcept';

/** Images tab: the user's images side by side, each with the selected concept's heatmap. */
export function ImagesView() {
  const images = useAppStore((state) => state.images);
  return (
    <>
      <DictionaryGate>{null}</DictionaryGate>
      <AddImages />
      <ExampleGallery />
      <KeptSession />
      {images.length > 0 && <SelectedConcept />}
      {images.length > 0 && (
        <p className="hint muted">
          Hover a patch to list its concepts, click it to pin them; click a concept to map it. From the keyboard: Tab
          into an image, move with the arrow keys, pin with Enter.
        </p>
      )}
      <div className="image-grid">
        {images.map((image) => (
          <ImageCard key={image.key} image={image} />
        ))}
      </div>
    </>
  );
}
