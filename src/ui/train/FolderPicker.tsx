import { hasDirectoryPicker } from '../../training/folderSource';
import { chooseDirectory, chooseFolderFiles } from '../../app/trainActions';
import { useAppStore } from '../../app/store';

const CAPTION_MODE_TEXT = {
  pairs: 'Every image has a caption: image–caption pairs train both sides and their alignment (GCMT).',
  mixed:
    'Some images have captions: captioned pairs train both sides and their alignment; the others train image reconstruction.',
  'images-only':
    'No captions found (fewer than two): training image reconstruction only; the text side of the dictionary stays fixed.',
} as const;

/** Choosing the folder: a directory input (everywhere) and the File System Access picker (where it exists). */
export function FolderPicker({ disabled }: { disabled: boolean }) {
  const folder = useAppStore((s) => s.train.folder);
  const summary = useAppStore((s) => s.train.folderSummary);
  const problem = useAppStore((s) => s.train.folderProblem);
  return (
    <section className="train-folder" aria-labelledby="train-folder-heading">
      <h3 id="train-folder-heading">1. Your images</h3>
      <p className="train-hint">
        A folder of images, searched recursively; images are recognised by their content. Optional captions: a{' '}
        <code>name.txt</code> beside <code>name.png</code>, or <code>captions.jsonl</code> / <code>captions.csv</code>{' '}
        in the folder. Nothing leaves this browser.
      </p>
      <div className="train-row">
        <label className="train-file-label">
          Choose folder
          <input
            type="file"
            // React does not know these attributes; they make the input pick a whole folder.
            {...{ webkitdirectory: '', directory: '' }}
            multiple
            disabled={disabled}
            onChange={(event) => chooseFolderFiles(event.currentTarget.files)}
          />
        </label>
        {hasDirectoryPicker() && (
          <button type="button" disabled={disabled} onClick={() => void chooseDirectory()}>
            Open folder…
          </button>
        )}
      </div>
      {folder && (
        <p>
          Folder <strong>{folder.name || '(unnamed)'}</strong>: {folder.files.length} files.
        </p>
      )}
      {problem && (
        <p role="alert" className="train-error">
          {problem}
        </p>
      )}
      {summary && (
        <div className="train-summary">
          <p>
            {summary.images} images, {summary.captioned} with captions. {CAPTION_MODE_TEXT[summary.captionMode]}
          </p>
          {summary.skipped.length > 0 && (
            <details>
              <summary>{summary.skipped.length} files or caption lines not used</summary>
              <ul>
                {summary.skipped.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
