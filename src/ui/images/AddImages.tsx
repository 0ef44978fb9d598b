import { useState, type DragEvent } from 'react';
import { useExplorerApi } from '../../app/explorerApi';
import { addImages } from '../../app/imageActions';

/**
 * The file input and the drop zone. Open whenever a worker is connected: files given while the
 * model or dictionary loads wait on their cards and are analysed once both are ready.
 */
export function AddImages() {
  const api = useExplorerApi();
  const disabled = api === null;
  const [dragging, setDragging] = useState(false);
  const add = (files: FileList | null) => {
    if (api === null || files === null || files.length === 0) return;
    void addImages(api, Array.from(files));
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!disabled) add(event.dataTransfer.files);
  };
  return (
    <div
      className={`drop-zone${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <label className={`file-button${disabled ? ' disabled' : ''}`}>
        Add images
        <input
          type="file"
          accept="image/*"
          multiple
          disabled={disabled}
          onChange={(event) => {
            add(event.target.files);
            event.target.value = '';
          }}
        />
      </label>
      <span className="muted"> or drop image files here. They are analysed in your browser; nothing is uploaded.</span>
    </div>
  );
}
